//! The stakeholder notification of an incident (issue 15; the standard's
//! workflow step "notify stakeholders per severity SLA; include AI-specific
//! classification in notification").
//!
//! [`Notification::of_by`] takes a record and the clock and returns what the
//! message shows: severity and its SLA clocks (from
//! [`policy::sla_outcomes`], the same computation as `incident check`),
//! status, impact, the AI dimensions, the faulty commits and the open
//! corrective actions (open and overdue as [`actions`] defines them, with
//! the record's own verification as `incident list/show` use it). The
//! renderers ([`markdown`], [`text`], [`json`], [`slack`], [`teams`]) only
//! format that value, so every format shows the same facts.
//!
//! Nothing in a notification moves with the clock except at a state change
//! (an SLA turning from running to breached, an action becoming overdue):
//! deadlines are shown, not "due in 12 min". That makes
//! [`Notification::fingerprint`] a faithful "has what it shows changed?"
//! for `--on-change`.
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::policy::{self, SlaOutcome};
use super::{
    Category, FailureMode, Impact, Incident, Origin, Severity, Status, Timestamp, ValidationGap,
    actions,
};

/// Version of the JSON shape ([`json`]) — DESIGN §8: every JSON output
/// carries `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

/// How many evidence lines the one-line evidence summary quotes before
/// "(+N more)".
const EVIDENCE_SHOWN: usize = 3;

/// Where an SLA clock stands (`policy::SlaOutcome::met`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlaState {
    /// Reached within its limit.
    Met,
    /// Reached late, or still not reached past its deadline.
    Breached,
    /// Not reached, deadline still ahead.
    Running,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::Breached => "breached",
            SlaState::Running => "running",
        }
    }

    fn of(o: &SlaOutcome) -> Self {
        match o.met {
            Some(true) => SlaState::Met,
            Some(false) => SlaState::Breached,
            None => SlaState::Running,
        }
    }
}

/// One SLA clock: `sla` is `acknowledge`, `mitigate` or `resolve`; `limit`
/// reads "30 min", "1 business day"; times are the record's own offsets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaLine {
    pub sla: &'static str,
    pub limit: String,
    pub deadline: Timestamp,
    pub state: SlaState,
    pub reached_at: Option<Timestamp>,
}

/// The AI-specific classification of the standard (origin, failure mode,
/// validation gap, AI tool and model version), with the provenance
/// evidence folded into one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AiDimensions {
    pub origin: Option<Origin>,
    /// The record's `classification.evidence`, `; `-joined, at most three
    /// items and "(+N more)".
    pub evidence: Option<String>,
    pub failure_mode: Option<FailureMode>,
    pub validation_gap: Option<ValidationGap>,
    pub tool: Option<String>,
    pub model_version: Option<String>,
}

/// One open corrective action ([`actions::is_open`]); `overdue` is
/// [`actions::is_overdue`] at the notification's clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAction {
    pub id: String,
    pub action: String,
    pub category: Category,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}

/// Everything a notification shows. Serialized as is for `--format json`
/// (fields in this order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    pub schema_version: u32,
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub team: Option<String>,
    pub detected_at: Timestamp,
    pub sla: Vec<SlaLine>,
    pub impact: Option<Impact>,
    pub ai: AiDimensions,
    pub faulty_commits: Vec<String>,
    pub open_actions: Vec<OpenAction>,
}

impl Notification {
    /// The notification of `inc` with the clock at `now`, verification as decided
    /// ([`actions::Verified`]): the same open and overdue actions as
    /// `incident list`, `show`, `check` and `ca status`.
    pub fn of_by(inc: &Incident, now: DateTime<Utc>, verified: &actions::Verified) -> Self {
        let c = inc.classification.clone().unwrap_or_default();
        let evidence = (!c.evidence.is_empty()).then(|| {
            let mut line = c
                .evidence
                .iter()
                .take(EVIDENCE_SHOWN)
                .map(|e| e.trim())
                .collect::<Vec<_>>()
                .join("; ");
            if c.evidence.len() > EVIDENCE_SHOWN {
                let _ = write!(line, " (+{} more)", c.evidence.len() - EVIDENCE_SHOWN);
            }
            line
        });
        let sla = policy::sla_outcomes(inc, now)
            .iter()
            .map(|o| SlaLine {
                sla: o.kind.as_str(),
                limit: o.limit.describe(),
                deadline: o.deadline,
                state: SlaState::of(o),
                reached_at: o.reached_at,
            })
            .collect();
        let open_actions = inc
            .corrective_actions
            .iter()
            .filter(|ca| verified.open(&inc.id, ca))
            .map(|ca| OpenAction {
                id: ca.id.clone(),
                action: ca.action.clone(),
                category: ca.category,
                owner: ca.owner.clone().filter(|o| !o.trim().is_empty()),
                due: ca.due,
                overdue: verified.overdue(&inc.id, ca, now),
            })
            .collect();
        Notification {
            schema_version: SCHEMA_VERSION,
            id: inc.id.clone(),
            title: inc.title.clone(),
            severity: inc.severity,
            status: inc.status,
            team: inc.team.clone(),
            detected_at: inc.detected_at,
            sla,
            impact: inc.impact.clone().filter(|i| *i != Impact::default()),
            ai: AiDimensions {
                origin: c.origin,
                evidence,
                failure_mode: c.failure_mode,
                validation_gap: c.validation_gap,
                tool: c.ai_tool.as_ref().map(|t| t.name.clone()),
                model_version: c.ai_tool.as_ref().and_then(|t| t.model_version.clone()),
            },
            faulty_commits: inc.faulty_commits.clone(),
            open_actions,
        }
    }

    /// `sha256:<64 hex>` of the JSON form: equal exactly when every
    /// format would show the same thing.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&bytes);
        let mut s = String::with_capacity(71);
        s.push_str("sha256:");
        for b in digest {
            let _ = write!(s, "{b:02x}");
        }
        s
    }

    fn overdue_count(&self) -> usize {
        self.open_actions.iter().filter(|a| a.overdue).count()
    }

    /// "SEV-2 · resolved · INC-2026-002" — the one-line headline (before
    /// escaping).
    fn headline(&self) -> String {
        format!(
            "{} · {} · {}",
            self.id,
            self.severity.as_str(),
            serde_name(&self.status)
        )
    }
}

fn serde_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn ts(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Makes text from a record safe to show on one line: line breaks, tabs
/// and other control characters become visible escapes (`\n`, `\t`,
/// `\u{1b}`), and so do the bidirectional overrides that can make a line
/// read differently from what it holds (U+202A–U+202E, U+2066–U+2069). A
/// record cannot move the terminal's cursor, colour it, or forge a line.
pub fn visible(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c => o.push(c),
        }
    }
    // Every other control and bidi override: the one escape of all outputs.
    crate::redact::escape_controls(&o).into_owned()
}

/// Markdown text on one line: [`visible`], then
/// [`crate::markdown::text`], the one escape of every Markdown output (no
/// HTML, links, mentions, references, autolinked URLs, domains or SHAs).
fn md(s: &str) -> String {
    crate::markdown::text(&visible(s.trim()))
}

/// Adaptive Card text: [`visible`], then a backslash before the characters
/// the cards' Markdown subset reads as syntax (emphasis, links, lists).
fn card_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in visible(s.trim()).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '#') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

/// Slack `mrkdwn` text: [`visible`], then `&`, `<`, `>` as entities, as
/// Slack's "Formatting text for app surfaces" asks — so a record holding
/// `<!channel>` or `<https://…|click>` cannot ping or link.
fn slack_text(s: &str) -> String {
    visible(s.trim())
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Cuts `s` to at most `max` characters, ending in `…` when cut (Slack
/// rejects a block whose text is over its limit with `invalid_blocks`).
fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut o: String = s.chars().take(max.saturating_sub(1)).collect();
    o.push('…');
    o
}

fn sla_phrase(l: &SlaLine) -> String {
    match (l.state, &l.reached_at) {
        (SlaState::Met, Some(t)) => format!("met at {} (deadline {})", ts(t), ts(&l.deadline)),
        (SlaState::Breached, Some(t)) => {
            format!("BREACHED: reached {} (deadline {})", ts(t), ts(&l.deadline))
        }
        (SlaState::Breached, None) => format!("BREACHED: deadline {} passed", ts(&l.deadline)),
        (_, _) => format!("running, deadline {}", ts(&l.deadline)),
    }
}

/// Impact as one line of parts, each already passed through `esc`.
fn impact_parts(i: &Impact, esc: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(s) = i.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(esc(s));
    }
    if let Some(n) = i.users_affected {
        parts.push(format!("users affected: {n}"));
    }
    if let Some(f) = i.financial_usd {
        parts.push(format!("financial: ${f}"));
    }
    if let Some(d) = i.data.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("data: {}", esc(d)));
    }
    parts
}

fn opt_name<T: Serialize>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(serde_name)
}

/// The AI dimensions as (label, value) pairs, values through `esc`;
/// "not classified yet" where the record is silent.
fn ai_pairs(a: &AiDimensions, esc: &dyn Fn(&str) -> String) -> Vec<(&'static str, String)> {
    let unknown = || "not classified yet".to_string();
    let origin = match (a.origin, &a.evidence) {
        (Some(o), Some(e)) => format!("{} (evidence: {})", o.as_str(), esc(e)),
        (Some(o), None) => o.as_str().to_string(),
        (None, _) => unknown(),
    };
    let tool = match (&a.tool, &a.model_version) {
        (Some(t), Some(m)) => format!("{}, model {}", esc(t), esc(m)),
        (Some(t), None) => esc(t),
        (None, Some(m)) => format!("model {}", esc(m)),
        (None, None) => "not recorded".into(),
    };
    vec![
        ("Origin", origin),
        (
            "Failure mode",
            opt_name(&a.failure_mode).unwrap_or_else(unknown),
        ),
        (
            "Validation gap",
            opt_name(&a.validation_gap).unwrap_or_else(unknown),
        ),
        ("AI tool", tool),
    ]
}

/// "owner @alice, due 2026-11-20 (OVERDUE)", values through `esc`.
fn action_terms(a: &OpenAction, esc: &dyn Fn(&str) -> String) -> String {
    let owner = a
        .owner
        .as_deref()
        .map(|o| format!("owner {}", esc(o)))
        .unwrap_or_else(|| "no owner".into());
    let due = a
        .due
        .map(|d| format!("due {d}"))
        .unwrap_or_else(|| "no due date".into());
    let overdue = if a.overdue { " (OVERDUE)" } else { "" };
    format!("{owner}, {due}{overdue}")
}

/// `--format markdown` (the default): for a GitHub issue or comment, an
/// e-mail, a chat that reads Markdown. Record text is escaped ([`md`]).
pub fn markdown(n: &Notification) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "### {}: {}\n", md(&n.headline()), md(&n.title));
    let mut meta = Vec::new();
    if let Some(t) = &n.team {
        meta.push(format!("**Team:** {}", md(t)));
    }
    meta.push(format!("**Detected:** {}", ts(&n.detected_at)));
    let _ = writeln!(s, "{}\n", meta.join(" · "));
    let _ = writeln!(s, "| SLA | Limit | State |\n|---|---|---|");
    for l in &n.sla {
        let _ = writeln!(s, "| {} | {} | {} |", l.sla, l.limit, sla_phrase(l));
    }
    s.push('\n');
    let impact = n
        .impact
        .as_ref()
        .map(|i| impact_parts(i, &md))
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" · "))
        .unwrap_or_else(|| "not recorded yet".into());
    let _ = writeln!(s, "**Impact:** {impact}\n");
    let _ = writeln!(s, "**AI classification**\n");
    for (k, v) in ai_pairs(&n.ai, &md) {
        let _ = writeln!(s, "- {k}: {v}");
    }
    s.push('\n');
    let commits = if n.faulty_commits.is_empty() {
        "none recorded yet".to_string()
    } else {
        n.faulty_commits
            .iter()
            .map(|c| md(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(s, "**Faulty commits:** {commits}\n");
    if n.open_actions.is_empty() {
        let _ = writeln!(s, "**Open corrective actions:** none");
    } else {
        let _ = writeln!(
            s,
            "**Open corrective actions:** {} ({} overdue)\n",
            n.open_actions.len(),
            n.overdue_count()
        );
        for a in &n.open_actions {
            let _ = writeln!(
                s,
                "- {} ({}): {} — {}",
                md(&a.id),
                a.category.as_str(),
                md(&a.action),
                action_terms(a, &md)
            );
        }
    }
    s
}

/// `--format text`: plain lines for a terminal, a log or an e-mail; every
/// control character from the record is escaped ([`visible`]).
pub fn text(n: &Notification) -> String {
    let v = |s: &str| visible(s.trim());
    let mut s = String::new();
    let _ = writeln!(s, "{}: {}", v(&n.headline()), v(&n.title));
    if let Some(t) = &n.team {
        let _ = writeln!(s, "team: {}", v(t));
    }
    let _ = writeln!(s, "detected: {}", ts(&n.detected_at));
    for l in &n.sla {
        let _ = writeln!(s, "sla {} ({}): {}", l.sla, l.limit, sla_phrase(l));
    }
    let impact = n
        .impact
        .as_ref()
        .map(|i| impact_parts(i, &v))
        .filter(|p| !p.is_empty())
        .map(|p| p.join("; "))
        .unwrap_or_else(|| "not recorded yet".into());
    let _ = writeln!(s, "impact: {impact}");
    for (k, val) in ai_pairs(&n.ai, &v) {
        let _ = writeln!(s, "{}: {val}", k.to_lowercase());
    }
    let commits = if n.faulty_commits.is_empty() {
        "none recorded yet".to_string()
    } else {
        n.faulty_commits
            .iter()
            .map(|c| v(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(s, "faulty commits: {commits}");
    let _ = writeln!(
        s,
        "open corrective actions: {} ({} overdue)",
        n.open_actions.len(),
        n.overdue_count()
    );
    for a in &n.open_actions {
        let _ = writeln!(
            s,
            "  {} [{}] {} — {}",
            v(&a.id),
            a.category.as_str(),
            v(&a.action),
            action_terms(a, &v)
        );
    }
    s
}

/// `--format json`: the [`Notification`] itself, `schema_version` first.
pub fn json(n: &Notification) -> Value {
    serde_json::to_value(n).unwrap_or(Value::Null)
}

/// Slack's limits on Block Kit text (docs.slack.dev, "Blocks"): a header's
/// `plain_text` 150 characters, a section's text 3000, a field 2000, at
/// most 10 fields, a context element 2000.
const SLACK_HEADER: usize = 150;
const SLACK_SECTION: usize = 3000;
const SLACK_FIELD: usize = 2000;

fn mrkdwn(text: String, max: usize) -> Value {
    json!({"type": "mrkdwn", "text": cap(&text, max)})
}

/// `--format slack`, and what `--post --to slack` sends: an incoming
/// webhook message, `{"text": <fallback for notifications>, "blocks":
/// [...]}` in Block Kit, within Slack's size limits.
pub fn slack(n: &Notification) -> Value {
    let e = |s: &str| slack_text(s);
    let fallback = format!(
        "{}: {} — {} overdue of {} open corrective actions",
        e(&n.headline()),
        e(&n.title),
        n.overdue_count(),
        n.open_actions.len()
    );
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cap(&visible(&n.headline()), SLACK_HEADER), "emoji": false}
    })];
    blocks.push(
        json!({"type": "section", "text": mrkdwn(format!("*{}*", e(&n.title)), SLACK_SECTION)}),
    );
    let mut fields = vec![
        mrkdwn(format!("*Severity*\n{}", n.severity.as_str()), SLACK_FIELD),
        mrkdwn(format!("*Status*\n{}", serde_name(&n.status)), SLACK_FIELD),
        mrkdwn(format!("*Detected*\n{}", ts(&n.detected_at)), SLACK_FIELD),
    ];
    if let Some(t) = &n.team {
        fields.push(mrkdwn(format!("*Team*\n{}", e(t)), SLACK_FIELD));
    }
    blocks.push(json!({"type": "section", "fields": fields}));
    let sla: Vec<String> = n
        .sla
        .iter()
        .map(|l| format!("• {} ({}): {}", l.sla, l.limit, sla_phrase(l)))
        .collect();
    blocks.push(json!({"type": "section", "text": mrkdwn(format!("*SLA*\n{}", sla.join("\n")), SLACK_SECTION)}));
    let impact = n
        .impact
        .as_ref()
        .map(|i| impact_parts(i, &e))
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" · "))
        .unwrap_or_else(|| "not recorded yet".into());
    blocks.push(
        json!({"type": "section", "text": mrkdwn(format!("*Impact*\n{impact}"), SLACK_SECTION)}),
    );
    let ai: Vec<Value> = ai_pairs(&n.ai, &e)
        .into_iter()
        .map(|(k, v)| mrkdwn(format!("*{k}*\n{v}"), SLACK_FIELD))
        .collect();
    blocks.push(json!({"type": "section", "text": mrkdwn("*AI classification*".into(), SLACK_SECTION), "fields": ai}));
    let commits = if n.faulty_commits.is_empty() {
        "none recorded yet".to_string()
    } else {
        n.faulty_commits
            .iter()
            .map(|c| format!("`{}`", e(c).replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    blocks.push(json!({"type": "section", "text": mrkdwn(format!("*Faulty commits*\n{commits}"), SLACK_SECTION)}));
    let mut ca = format!(
        "*Open corrective actions: {} ({} overdue)*",
        n.open_actions.len(),
        n.overdue_count()
    );
    for (i, a) in n.open_actions.iter().enumerate() {
        let line = format!(
            "\n• {} ({}): {} — {}",
            e(&a.id),
            a.category.as_str(),
            e(&a.action),
            action_terms(a, &e)
        );
        // Keep room for the "and N more" line.
        if ca.chars().count() + line.chars().count() > SLACK_SECTION - 40 {
            let _ = write!(ca, "\n… and {} more", n.open_actions.len() - i);
            break;
        }
        ca.push_str(&line);
    }
    blocks.push(json!({"type": "section", "text": mrkdwn(ca, SLACK_SECTION)}));
    json!({"text": cap(&fallback, SLACK_SECTION), "blocks": blocks})
}

/// What `--post --to teams` sends: a Microsoft Teams Workflows ("Post to a
/// channel when a webhook request is received") message carrying one
/// Adaptive Card 1.4 — `{"type":"message","attachments":[{"contentType":
/// "application/vnd.microsoft.card.adaptive","content":{…}}]}`. Record text
/// goes through [`visible`].
pub fn teams(n: &Notification) -> Value {
    // Adaptive Card TextBlocks render a Markdown subset: record text gets a
    // backslash before its syntax, so a title cannot carry a link.
    let v = |s: &str| card_text(s);
    let fact = |t: &str, val: String| json!({"title": t, "value": val});
    let heading = |t: &str| json!({"type": "TextBlock", "text": t, "weight": "Bolder", "wrap": true, "spacing": "Medium"});
    let mut body = vec![json!({
        "type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": true,
        "text": format!("{}: {}", v(&n.headline()), v(&n.title)),
    })];
    let mut facts = vec![
        fact("Severity", n.severity.as_str().into()),
        fact("Status", serde_name(&n.status)),
        fact("Detected", ts(&n.detected_at)),
    ];
    if let Some(t) = &n.team {
        facts.push(fact("Team", v(t)));
    }
    body.push(json!({"type": "FactSet", "facts": facts}));
    body.push(heading("SLA"));
    let sla: Vec<Value> = n
        .sla
        .iter()
        .map(|l| fact(&format!("{} ({})", l.sla, l.limit), sla_phrase(l)))
        .collect();
    body.push(json!({"type": "FactSet", "facts": sla}));
    let impact = n
        .impact
        .as_ref()
        .map(|i| impact_parts(i, &v))
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" · "))
        .unwrap_or_else(|| "not recorded yet".into());
    body.push(heading("Impact"));
    body.push(json!({"type": "TextBlock", "text": impact, "wrap": true}));
    body.push(heading("AI classification"));
    let ai: Vec<Value> = ai_pairs(&n.ai, &v)
        .into_iter()
        .map(|(k, val)| fact(k, val))
        .collect();
    body.push(json!({"type": "FactSet", "facts": ai}));
    let commits = if n.faulty_commits.is_empty() {
        "none recorded yet".to_string()
    } else {
        n.faulty_commits
            .iter()
            .map(|c| v(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    body.push(heading("Faulty commits"));
    body.push(json!({"type": "TextBlock", "text": commits, "wrap": true}));
    body.push(heading(&format!(
        "Open corrective actions: {} ({} overdue)",
        n.open_actions.len(),
        n.overdue_count()
    )));
    let ca: Vec<Value> = n
        .open_actions
        .iter()
        .map(|a| {
            fact(
                &format!("{} ({})", v(&a.id), a.category.as_str()),
                format!("{} — {}", v(&a.action), action_terms(a, &v)),
            )
        })
        .collect();
    if !ca.is_empty() {
        body.push(json!({"type": "FactSet", "facts": ca}));
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
            }
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the text format against terminal escapes and forged lines
    /// from a record (issue 15: control characters are escaped).
    #[test]
    fn visible_escapes_controls_and_bidi_overrides() {
        assert_eq!(visible("a\nb\tc\u{1b}[31m"), "a\\nb\\tc\\u{1b}[31m");
        assert_eq!(visible("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(visible("café ✓"), "café ✓");
    }

    /// Slack reads `<!channel>` as a mention of everyone: record text must
    /// arrive as entities.
    #[test]
    fn slack_text_cannot_mention_or_link() {
        assert_eq!(
            slack_text("<!channel> & <b|x>"),
            "&lt;!channel&gt; &amp; &lt;b|x&gt;"
        );
    }

    #[test]
    fn markdown_text_cannot_open_links_or_break_rows() {
        assert_eq!(md("[a](b) | *c*"), "\\[a\\]\\(b\\) \\| \\*c\\*");
        assert_eq!(md("<img>"), "&lt;img&gt;");
    }

    #[test]
    fn cap_counts_characters_not_bytes() {
        assert_eq!(cap("ééé", 3), "ééé");
        assert_eq!(cap("éééé", 3), "éé…");
    }
}
