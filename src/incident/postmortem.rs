//! The standard's "AI Incident Post-Mortem Template" rendered in Markdown
//! from a record: every section in the template's order, with duration,
//! MTTR, SLA met/missed and the corrective-action table computed from the
//! record. Sections without content say so instead of disappearing.
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::policy::{self, human_duration};
use super::{CaStatus, Incident, Timestamp};
use crate::provenance::HumanModifications;

const NOT_YET: &str = "_Not recorded yet._";

fn or_not_yet(v: Option<&str>) -> String {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => NOT_YET.to_string(),
    }
}

fn ts(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Markdown table cells cannot hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Renders the post-mortem of `inc` with the clock at `now` (for SLAs still
/// running).
pub fn render(inc: &Incident, now: DateTime<Utc>) -> String {
    render_by(inc, now, &crate::incident::actions::Verified::default())
}

/// [`render`] with verification as decided ([`actions::Verified`]): an
/// action whose `verified_by` does not count (committed by its owner, not
/// committed yet) shows as not verified.
///
/// [`actions::Verified`]: crate::incident::actions::Verified
pub fn render_by(
    inc: &Incident,
    now: DateTime<Utc>,
    verified: &crate::incident::actions::Verified,
) -> String {
    let mut s = String::new();
    let c = inc.classification.clone().unwrap_or_default();
    let g = inc.generation_context.clone().unwrap_or_default();
    let _ = writeln!(s, "# AI Incident Post-Mortem: {}\n", inc.id);
    let _ = writeln!(s, "{}\n", inc.title.trim());

    // Summary.
    let _ = writeln!(s, "## Summary");
    let _ = writeln!(s, "- **Date/Time Detected**: {}", ts(&inc.detected_at));
    let _ = writeln!(
        s,
        "- **Date/Time Resolved**: {}",
        inc.resolved_at
            .as_ref()
            .map(ts)
            .unwrap_or_else(|| "_Not resolved yet._".into())
    );
    let duration = match inc.resolved_at {
        Some(r) => human_duration(r - inc.detected_at),
        None => format!(
            "{} so far (open)",
            human_duration(now.fixed_offset() - inc.detected_at)
        ),
    };
    let _ = writeln!(s, "- **Duration**: {duration}");
    let _ = writeln!(s, "- **Severity**: {}", inc.severity.as_str());
    let _ = writeln!(
        s,
        "- **Defect Origin**: {}",
        or_not_yet(c.origin.map(|o| o.as_str()))
    );
    let _ = writeln!(
        s,
        "- **Failure Mode**: {}",
        or_not_yet(c.failure_mode.as_ref().map(serde_name).as_deref())
    );
    let _ = writeln!(
        s,
        "- **Validation Gap**: {}",
        or_not_yet(c.validation_gap.as_ref().map(serde_name).as_deref())
    );
    let impact = impact_line(inc);
    let _ = writeln!(s, "- **Impact**: {impact}");
    if let Some(team) = inc.team.as_deref() {
        let _ = writeln!(s, "- **Team**: {team}");
    }
    let _ = writeln!(s, "- **Status**: {}", serde_name(&inc.status));
    if !inc.faulty_commits.is_empty() {
        let commits: Vec<String> = inc
            .faulty_commits
            .iter()
            .map(|c| format!("`{c}`"))
            .collect();
        let _ = writeln!(s, "- **Faulty Commits**: {}", commits.join(", "));
    }
    s.push('\n');

    // Timeline.
    let _ = writeln!(s, "## Timeline");
    let mut events: Vec<(Timestamp, String)> = inc
        .timeline
        .iter()
        .map(|t| (t.at, t.event.clone()))
        .collect();
    // The recorded milestones belong in the timeline even when nobody
    // wrote them out as events.
    for (t, what) in [
        (Some(inc.detected_at), "Detected"),
        (inc.acknowledged_at, "Acknowledged"),
        (inc.mitigated_at, "Mitigated"),
        (inc.resolved_at, "Resolved"),
    ] {
        if let Some(t) = t
            && !events.iter().any(|(at, _)| *at == t)
        {
            events.push((t, what.to_string()));
        }
    }
    events.sort_by_key(|(t, _)| *t);
    let _ = writeln!(s, "| Time | Event |\n|------|-------|");
    for (t, e) in &events {
        let _ = writeln!(s, "| {} | {} |", ts(t), cell(e));
    }
    s.push('\n');

    // Generation context.
    let _ = writeln!(s, "## AI Generation Context");
    let tool = c.ai_tool.as_ref();
    let _ = writeln!(
        s,
        "- **AI Tool**: {}",
        or_not_yet(tool.map(|t| t.name.as_str()))
    );
    let _ = writeln!(
        s,
        "- **Model Version**: {}",
        or_not_yet(tool.and_then(|t| t.model_version.as_deref()))
    );
    let _ = writeln!(
        s,
        "- **Prompt Template Used**: {}",
        or_not_yet(g.prompt_template.as_deref())
    );
    let constraints = {
        let mut parts = Vec::new();
        if !g.constraints_provided.is_empty() {
            parts.push(format!("provided: {}", g.constraints_provided.join("; ")));
        }
        if !g.constraints_missing.is_empty() {
            parts.push(format!("missing: {}", g.constraints_missing.join("; ")));
        }
        if parts.is_empty() {
            NOT_YET.to_string()
        } else {
            parts.join(" — ")
        }
    };
    let _ = writeln!(s, "- **Prompt Constraints Provided**: {constraints}");
    let _ = writeln!(
        s,
        "- **Context Provided**: {}",
        or_not_yet(g.context_provided.as_deref())
    );
    let _ = writeln!(
        s,
        "- **Human Modification Level**: {}",
        or_not_yet(
            g.human_modifications
                .filter(|h| *h != HumanModifications::Unknown)
                .map(|h| h.as_str())
        )
    );
    let _ = writeln!(
        s,
        "- **Provenance Record**: {}",
        or_not_yet(g.provenance_record.as_deref())
    );
    if !c.evidence.is_empty() {
        let _ = writeln!(s, "- **Provenance Evidence**:");
        for e in &c.evidence {
            let _ = writeln!(s, "  - {e}");
        }
    }
    s.push('\n');

    // RCA.
    let _ = writeln!(s, "## Five-Layer Root Cause Analysis\n");
    let rca = inc.rca.clone().unwrap_or_default();
    for (title, v) in [
        ("Layer 1: The Defect", &rca.defect),
        ("Layer 2: The Generation Context", &rca.generation_context),
        ("Layer 3: The Validation Pipeline", &rca.validation_pipeline),
        ("Layer 4: The Human Review", &rca.human_review),
        (
            "Layer 5: The Process and Environment",
            &rca.process_environment,
        ),
    ] {
        let _ = writeln!(s, "### {title}\n{}\n", or_not_yet(v.as_deref()));
    }

    let _ = writeln!(
        s,
        "## Root Cause Statement\n{}\n",
        or_not_yet(inc.root_cause.as_deref())
    );

    // Corrective actions.
    let _ = writeln!(s, "## Corrective Actions\n");
    if inc.corrective_actions.is_empty() {
        let _ = writeln!(s, "{NOT_YET}\n");
    } else {
        let _ = writeln!(
            s,
            "| # | Action | Category | Owner | Due Date | Status | Issue | Verified |\n|---|--------|----------|-------|----------|--------|-------|----------|"
        );
        for ca in &inc.corrective_actions {
            let counts = verified.of(&inc.id, ca);
            let status = if verified.overdue(&inc.id, ca, now) {
                "overdue".to_string()
            } else {
                serde_name(&ca.status)
            };
            let verified = match (&ca.verified_by, &ca.verified_at) {
                (Some(by), Some(at)) if counts => format!("{by}, {}", at.date_naive()),
                (Some(by), Some(_)) => format!("no (`{by}` does not count)"),
                _ if ca.status == CaStatus::WontDo => "—".into(),
                _ => "no".into(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&ca.id),
                cell(&ca.action),
                ca.category.as_str(),
                cell(ca.owner.as_deref().unwrap_or("_none_")),
                ca.due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "_none_".into()),
                status,
                ca.issue
                    .map(|i| format!("#{i}"))
                    .unwrap_or_else(|| "—".into()),
                cell(&verified),
            );
        }
        s.push('\n');
        let eff: Vec<String> = inc
            .corrective_actions
            .iter()
            .flat_map(|ca| {
                let e = ca.effectiveness.clone().unwrap_or_default();
                [("30-day", e.day30), ("90-day", e.day90)]
                    .into_iter()
                    .filter_map(move |(n, v)| v.map(|v| (ca.id.clone(), n, v)))
            })
            .map(|(id, n, v)| {
                format!(
                    "- {id} {n} evaluation ({}): {}{}",
                    v.evaluated_at.date_naive(),
                    serde_name(&v.result),
                    v.note
                        .map(|n| format!(" — {}", n.trim()))
                        .unwrap_or_default()
                )
            })
            .collect();
        if !eff.is_empty() {
            let _ = writeln!(s, "Effectiveness:\n{}\n", eff.join("\n"));
        }
    }

    let _ = writeln!(s, "## Lessons Learned");
    if inc.lessons_learned.is_empty() {
        let _ = writeln!(s, "{NOT_YET}");
    } else {
        for l in &inc.lessons_learned {
            let _ = writeln!(s, "- {}", l.trim());
        }
    }
    s.push('\n');

    // Metrics.
    let _ = writeln!(s, "## Metrics Impact");
    let mttr = match inc.resolved_at {
        Some(r) => human_duration(r - inc.detected_at),
        None => "_Not resolved yet._".into(),
    };
    let _ = writeln!(s, "- **MTTR (Mean Time to Resolve)**: {mttr}");
    let i = inc.impact.clone().unwrap_or_default();
    let _ = writeln!(
        s,
        "- **Users Affected**: {}",
        i.users_affected
            .map(|u| u.to_string())
            .unwrap_or_else(|| NOT_YET.into())
    );
    let _ = writeln!(
        s,
        "- **Financial Impact**: {}",
        i.financial_usd.map(usd).unwrap_or_else(|| NOT_YET.into())
    );
    let slas: Vec<String> = policy::sla_outcomes(inc, now)
        .iter()
        .map(|o| {
            let verdict = match o.met {
                Some(true) => "met",
                Some(false) => "missed",
                None => "pending",
            };
            let took = match o.reached_at {
                Some(_) => human_duration(o.elapsed),
                None => format!("{} so far", human_duration(o.elapsed)),
            };
            format!(
                "{} {verdict} ({took}; limit {})",
                o.kind.as_str(),
                o.limit.describe()
            )
        })
        .collect();
    let _ = writeln!(s, "- **SLA Compliance**: {}", slas.join(", "));
    s
}

fn usd(v: f64) -> String {
    // Whole dollars with thousands separators; cents only when present.
    let cents = (v * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    let sign = if whole < 0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}${out}")
    } else {
        format!("{sign}${out}.{:02}", frac.abs())
    }
}

fn impact_line(inc: &Incident) -> String {
    let Some(i) = inc.impact.as_ref() else {
        return NOT_YET.into();
    };
    let mut parts = Vec::new();
    if let Some(u) = i.users_affected {
        parts.push(format!("{u} users affected"));
    }
    if let Some(f) = i.financial_usd {
        parts.push(format!("{} financial", usd(f)));
    }
    if let Some(d) = i.data.as_deref() {
        parts.push(format!("data: {d}"));
    }
    if let Some(sm) = i.summary.as_deref() {
        parts.push(sm.trim().to_string());
    }
    if parts.is_empty() {
        NOT_YET.into()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_get_separators() {
        assert_eq!(usd(18400.0), "$18,400");
        assert_eq!(usd(1234567.5), "$1,234,567.50");
        assert_eq!(usd(12.0), "$12");
    }
}
