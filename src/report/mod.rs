//! Trend reports (DESIGN §6): pure statistics over incident records for one
//! period, and renderers for human, Markdown, JSON, CSV and HTML output.
//!
//! Everything here takes values (records, a period, a clock, commit counts)
//! and returns values; reading files and git lives in `cli::report`.
pub mod html;
pub mod period;
pub mod render;
pub mod sla;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::incident::{EffectivenessResult, Incident, Severity};
pub use period::{Period, PeriodError};

/// The value counted when a record leaves a dimension empty.
pub const UNSPECIFIED: &str = "unspecified";

/// The dimensions counted per incident, in display order, with their titles.
pub const DIMENSIONS: [(&str, &str); 8] = [
    ("by_severity", "Severity"),
    ("by_origin", "Origin"),
    ("by_failure_mode", "Failure mode"),
    ("by_ai_tool", "AI tool"),
    ("by_model_version", "Model version"),
    ("by_validation_gap", "Validation gap"),
    ("by_team", "Team"),
    ("by_prompt_template", "Prompt template"),
];

/// The period as printed in JSON: inclusive calendar dates (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodJson {
    pub from: String,
    pub to: String,
}

/// Met / applicable counts behind one SLA compliance fraction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SlaCount {
    pub met: u32,
    pub applicable: u32,
}

impl SlaCount {
    /// `met / applicable`, `None` when no incident had the SLA decided.
    pub fn fraction(self) -> Option<f64> {
        (self.applicable > 0).then(|| f64::from(self.met) / f64::from(self.applicable))
    }
}

/// Effectiveness results of one evaluation mark (day 30 or day 90).
///
/// Serialises as a map keyed by [`MarkResults::rows`]: the results under
/// their record spelling (`partially-effective`), then `overdue`, `pending`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkResults {
    pub effective: u32,
    pub partially_effective: u32,
    pub ineffective: u32,
    /// Verified actions whose mark has passed without an evaluation.
    pub overdue: u32,
    /// Verified actions whose mark is still ahead.
    pub pending: u32,
}

impl MarkResults {
    /// `(name, count)` in display order. The one place the report names
    /// effectiveness values: every format prints these names, and the
    /// results' names come from [`EffectivenessResult::as_str`], the
    /// record's and the schema's spelling.
    pub fn rows(&self) -> [(&'static str, u32); 5] {
        let [e, p, i] = EffectivenessResult::ALL;
        [
            (e.as_str(), self.effective),
            (p.as_str(), self.partially_effective),
            (i.as_str(), self.ineffective),
            ("overdue", self.overdue),
            ("pending", self.pending),
        ]
    }

    fn add(&mut self, r: EffectivenessResult) {
        match r {
            EffectivenessResult::Effective => self.effective += 1,
            EffectivenessResult::PartiallyEffective => self.partially_effective += 1,
            EffectivenessResult::Ineffective => self.ineffective += 1,
        }
    }
}

impl Serialize for MarkResults {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let rows = self.rows();
        let mut m = ser.serialize_map(Some(rows.len()))?;
        for (k, n) in rows {
            m.serialize_entry(k, &n)?;
        }
        m.end()
    }
}

/// One period of the trend: its incidents and weighted score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    /// `2026-03`, `2026-Q1` or `2026-03-01..2026-03-15`.
    pub period: String,
    /// First and last day, inclusive (UTC).
    pub from: String,
    pub to: String,
    pub incidents: u32,
    pub weighted_score: u32,
    /// Every severity, `SEV-1`…`SEV-4`, with its count (0 included).
    pub by_severity: BTreeMap<String, u32>,
}

/// The `n` periods ending with `period` (see [`Period::trend`]), oldest
/// first, each with the incidents detected in it.
pub fn trend(incidents: &[&Incident], period: &Period, n: usize) -> Vec<TrendPoint> {
    period
        .trend(n)
        .into_iter()
        .map(|p| {
            let mut by_severity: BTreeMap<String, u32> = Severity::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), 0))
                .collect();
            let inside: Vec<&Incident> = incidents
                .iter()
                .copied()
                .filter(|i| p.contains(&i.detected_at))
                .collect();
            for i in &inside {
                *by_severity
                    .entry(i.severity.as_str().to_string())
                    .or_default() += 1;
            }
            TrendPoint {
                period: p.label(),
                from: p.from.to_string(),
                to: p.to.to_string(),
                incidents: inside.len() as u32,
                weighted_score: weighted_score(&inside, &p),
                by_severity,
            }
        })
        .collect()
}

/// Rows of a `by_severity` map in severity order, `SEV-1` first (never by
/// count or by name), then any key that is not a severity.
pub fn severity_rows(map: &BTreeMap<String, u32>) -> Vec<(&str, u32)> {
    let mut rows: Vec<(&str, u32)> = Severity::ALL
        .iter()
        .filter_map(|s| map.get_key_value(s.as_str()))
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    rows.extend(
        map.iter()
            .filter(|(k, _)| !Severity::ALL.iter().any(|s| s.as_str() == k.as_str()))
            .map(|(k, n)| (k.as_str(), *n)),
    );
    rows
}

/// Corrective actions of the period's incidents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionStats {
    pub opened: u32,
    pub verified: u32,
    pub overdue: u32,
    pub effectiveness: BTreeMap<&'static str, MarkResults>,
}

/// AI commits and incidents of one tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ToolRate {
    pub commits: u64,
    pub incidents: u64,
    /// Incidents per 1,000 AI commits of the tool; `None` without commits.
    pub incidents_per_1000_commits: Option<f64>,
}

/// Commits of the period on HEAD (or the records' revision, `--rev`),
/// read by the provenance engine.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProvenanceStats {
    pub commits: u64,
    pub ai_commits: u64,
    pub by_tool: BTreeMap<String, ToolRate>,
    /// The revision whose history was counted, as the user named it
    /// (`HEAD` unless `--rev`); shown in the text formats only.
    #[serde(skip)]
    pub on: String,
}

impl ProvenanceStats {
    /// The counted revision's name for people (`HEAD` when not set).
    pub fn shown_on(&self) -> &str {
        if self.on.is_empty() { "HEAD" } else { &self.on }
    }
}

/// The whole report; serialises to the JSON of DESIGN §6 (plus extra keys).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub schema_version: u32,
    pub period: PeriodJson,
    pub incidents: u32,
    pub by_severity: BTreeMap<String, u32>,
    pub by_origin: BTreeMap<String, u32>,
    pub by_failure_mode: BTreeMap<String, u32>,
    pub by_ai_tool: BTreeMap<String, u32>,
    pub by_model_version: BTreeMap<String, u32>,
    pub by_validation_gap: BTreeMap<String, u32>,
    pub by_team: BTreeMap<String, u32>,
    pub by_prompt_template: BTreeMap<String, u32>,
    pub weighted_score: u32,
    pub previous_weighted_score: u32,
    /// Mean detected → resolved hours per severity; `null` with no resolved incident.
    pub mttr_hours: BTreeMap<String, Option<f64>>,
    /// Fraction of incidents that met each SLA; `null` when none applied.
    pub sla_compliance: BTreeMap<String, Option<f64>>,
    /// The counts behind `sla_compliance`.
    pub sla_counts: BTreeMap<String, SlaCount>,
    pub corrective_actions: ActionStats,
    /// This period and the ones before it, oldest first (`--trend N`).
    pub trend: Vec<TrendPoint>,
    /// The clock the report was computed with (RFC 3339).
    pub generated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<ProvenanceStats>,
}

impl Stats {
    /// One dimension by its JSON key (one of [`DIMENSIONS`]).
    pub fn dimension(&self, key: &str) -> Option<&BTreeMap<String, u32>> {
        Some(match key {
            "by_severity" => &self.by_severity,
            "by_origin" => &self.by_origin,
            "by_failure_mode" => &self.by_failure_mode,
            "by_ai_tool" => &self.by_ai_tool,
            "by_model_version" => &self.by_model_version,
            "by_validation_gap" => &self.by_validation_gap,
            "by_team" => &self.by_team,
            "by_prompt_template" => &self.by_prompt_template,
            _ => return None,
        })
    }
}

/// The enum's serde name (`logic-error`), for keys.
fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => UNSPECIFIED.to_string(),
    }
}

fn bump(map: &mut BTreeMap<String, u32>, key: Option<String>) {
    let key = key
        .filter(|k| !k.trim().is_empty())
        .unwrap_or_else(|| UNSPECIFIED.to_string());
    *map.entry(key).or_default() += 1;
}

/// Severity-weighted score of the incidents detected in `period`.
pub fn weighted_score(incidents: &[&Incident], period: &Period) -> u32 {
    incidents
        .iter()
        .filter(|i| period.contains(&i.detected_at))
        .map(|i| i.severity.weight())
        .sum()
}

fn hours(from: &crate::incident::Timestamp, to: &crate::incident::Timestamp) -> f64 {
    (*to - *from).num_seconds() as f64 / 3600.0
}

/// Computes the report for `period`. `now` decides overdue actions and
/// SLAs of incidents still waiting; `provenance` is attached as given; the
/// trend has the period's default length ([`Period::default_trend_len`]).
pub fn compute(
    incidents: &[&Incident],
    period: &Period,
    now: DateTime<Utc>,
    provenance: Option<ProvenanceStats>,
) -> Stats {
    compute_by(
        incidents,
        period,
        now,
        provenance,
        &crate::incident::actions::Verified::default(),
        period.default_trend_len(),
    )
}

/// [`compute`] with verification as decided ([`actions::Verified`]), so a
/// self-verified action is not counted as verified, and a trend over
/// `trend_len` periods ending with `period`.
///
/// [`actions::Verified`]: crate::incident::actions::Verified
pub fn compute_by(
    incidents: &[&Incident],
    period: &Period,
    now: DateTime<Utc>,
    provenance: Option<ProvenanceStats>,
    verified_by: &crate::incident::actions::Verified,
    trend_len: usize,
) -> Stats {
    let inside: Vec<&Incident> = incidents
        .iter()
        .copied()
        .filter(|i| period.contains(&i.detected_at))
        .collect();
    let mut by_severity: BTreeMap<String, u32> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    let mut by_origin = BTreeMap::new();
    let mut by_failure_mode = BTreeMap::new();
    let mut by_ai_tool = BTreeMap::new();
    let mut by_model_version = BTreeMap::new();
    let mut by_validation_gap = BTreeMap::new();
    let mut by_team = BTreeMap::new();
    let mut by_prompt_template = BTreeMap::new();
    let mut mttr_sum: BTreeMap<Severity, (f64, u32)> = BTreeMap::new();
    let mut sla_counts: BTreeMap<String, SlaCount> = sla::KINDS
        .iter()
        .map(|k| (k.as_str().to_string(), SlaCount::default()))
        .collect();
    let mut actions = ActionStats::default();
    let mut marks: BTreeMap<&'static str, MarkResults> = [
        ("day30", MarkResults::default()),
        ("day90", MarkResults::default()),
    ]
    .into_iter()
    .collect();

    for i in &inside {
        *by_severity
            .entry(i.severity.as_str().to_string())
            .or_default() += 1;
        let c = i.classification.as_ref();
        bump(
            &mut by_origin,
            c.and_then(|c| c.origin).map(|o| o.as_str().to_string()),
        );
        bump(
            &mut by_failure_mode,
            c.and_then(|c| c.failure_mode.as_ref()).map(name_of),
        );
        bump(
            &mut by_validation_gap,
            c.and_then(|c| c.validation_gap.as_ref()).map(name_of),
        );
        let tool = c.and_then(|c| c.ai_tool.as_ref());
        bump(&mut by_ai_tool, tool.map(|t| t.name.trim().to_lowercase()));
        bump(
            &mut by_model_version,
            tool.and_then(|t| t.model_version.clone()),
        );
        bump(&mut by_team, i.team.clone());
        bump(
            &mut by_prompt_template,
            i.generation_context
                .as_ref()
                .and_then(|g| g.prompt_template.clone()),
        );

        if let Some(r) = i.resolved_at {
            let e = mttr_sum.entry(i.severity).or_default();
            e.0 += hours(&i.detected_at, &r);
            e.1 += 1;
        }
        // The policy's own SLA outcomes: one definition of "met" (a
        // resolution without a separate mitigation time counts as mitigated).
        for o in crate::incident::policy::sla_outcomes(i, now) {
            if let Some(met) = o.met {
                let e = sla_counts.entry(o.kind.as_str().to_string()).or_default();
                e.applicable += 1;
                e.met += u32::from(met);
            }
        }
        for ca in &i.corrective_actions {
            actions.opened += 1;
            let verified = verified_by.of(&i.id, ca);
            if verified {
                actions.verified += 1;
            }
            if verified_by.overdue(&i.id, ca, now) {
                actions.overdue += 1;
            }
            let eff = ca.effectiveness.clone().unwrap_or_default();
            for (key, days, eval) in [("day30", 30, &eff.day30), ("day90", 90, &eff.day90)] {
                let Some(m) = marks.get_mut(key) else {
                    continue;
                };
                match eval {
                    Some(e) => m.add(e.result),
                    None => {
                        if let (true, Some(at)) = (verified, ca.verified_at) {
                            if now.fixed_offset() > crate::incident::actions::mark_instant(at, days)
                            {
                                m.overdue += 1;
                            } else {
                                m.pending += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    actions.effectiveness = marks;

    let mttr_hours = Severity::ALL
        .iter()
        .map(|s| {
            let v = mttr_sum.get(s).map(|(sum, n)| round2(sum / f64::from(*n)));
            (s.as_str().to_string(), v)
        })
        .collect();
    let sla_compliance = sla_counts
        .iter()
        .map(|(k, c)| (k.clone(), c.fraction().map(round4)))
        .collect();

    Stats {
        schema_version: 1,
        period: PeriodJson {
            from: period.from.to_string(),
            to: period.to.to_string(),
        },
        incidents: inside.len() as u32,
        by_severity,
        by_origin,
        by_failure_mode,
        by_ai_tool,
        by_model_version,
        by_validation_gap,
        by_team,
        by_prompt_template,
        weighted_score: weighted_score(&inside, period),
        previous_weighted_score: weighted_score(incidents, &period.previous()),
        mttr_hours,
        sla_compliance,
        sla_counts,
        corrective_actions: actions,
        trend: trend(incidents, period, trend_len),
        generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        provenance: provenance.map(|p| with_incident_rates(p, &inside)),
    }
}

/// Fills each tool's incident count and rate from the period's incidents.
/// Tools with incidents but no commits in the period still get a row.
fn with_incident_rates(mut p: ProvenanceStats, inside: &[&Incident]) -> ProvenanceStats {
    for i in inside {
        if let Some(t) = i.classification.as_ref().and_then(|c| c.ai_tool.as_ref()) {
            let name = t.name.trim().to_lowercase();
            if !name.is_empty() {
                p.by_tool.entry(name).or_default().incidents += 1;
            }
        }
    }
    for rate in p.by_tool.values_mut() {
        rate.incidents_per_1000_commits = (rate.commits > 0)
            .then(|| round2(rate.incidents as f64 * 1000.0 / rate.commits as f64));
    }
    p
}

impl ProvenanceStats {
    /// Counts one commit (so a scan can stream into the statistics).
    pub fn add(&mut self, prov: &crate::provenance::Provenance) {
        self.commits += 1;
        if prov.is_ai() {
            self.ai_commits += 1;
            let tool = prov
                .tool
                .as_deref()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "unknown-agent".to_string());
            self.by_tool.entry(tool).or_default().commits += 1;
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(yaml: &str) -> Incident {
        serde_saphyr::from_str(yaml).expect("valid record")
    }

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn effectiveness_is_named_as_the_record_spells_it() {
        // One truth: `as_str` is the serde (record, schema) name, and the
        // JSON keys are those names (not the Rust field `partially_effective`).
        for r in EffectivenessResult::ALL {
            assert_eq!(name_of(&r), r.as_str());
        }
        let m = MarkResults {
            partially_effective: 2,
            pending: 1,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            serde_json::json!({"effective": 0, "partially-effective": 2, "ineffective": 0, "overdue": 0, "pending": 1})
        );
    }

    #[test]
    fn severity_rows_follow_severity_not_count() {
        let map: BTreeMap<String, u32> = [("SEV-4", 9), ("SEV-2", 1), ("SEV-1", 0), ("SEV-3", 5)]
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        let keys: Vec<&str> = severity_rows(&map).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
    }

    #[test]
    fn mttr_and_sla_for_one_resolved_sev2() {
        let i = inc(
            "id: INC-2026-001\ntitle: t\nseverity: SEV-2\nstatus: resolved\n\
             detected_at: 2026-03-02T10:00:00Z\nacknowledged_at: 2026-03-02T10:20:00Z\n\
             mitigated_at: 2026-03-02T20:00:00Z\nresolved_at: 2026-03-03T22:00:00Z\n",
        );
        let s = compute(&[&i], &Period::month(2026, 3).unwrap(), now(), None);
        assert_eq!(s.mttr_hours["SEV-2"], Some(36.0));
        assert_eq!(s.mttr_hours["SEV-1"], None);
        // acknowledged in 20 min (≤ 30), mitigated in 10 h (> 8), resolved in 36 h (≤ 48).
        assert_eq!(s.sla_compliance["acknowledge"], Some(1.0));
        assert_eq!(s.sla_compliance["mitigate"], Some(0.0));
        assert_eq!(s.sla_compliance["resolve"], Some(1.0));
        assert_eq!(s.weighted_score, 5);
    }

    #[test]
    fn open_incident_past_its_sla_counts_as_missed_and_within_is_undecided() {
        let late = inc(
            "id: INC-2026-002\ntitle: t\nseverity: SEV-1\nstatus: open\n\
             detected_at: 2026-05-01T10:00:00Z\n",
        );
        let fresh = inc(
            "id: INC-2026-003\ntitle: t\nseverity: SEV-1\nstatus: open\n\
             detected_at: 2026-05-31T23:50:00Z\n",
        );
        let s = compute(
            &[&late, &fresh],
            &Period::month(2026, 5).unwrap(),
            now(),
            None,
        );
        assert_eq!(
            s.sla_counts["acknowledge"],
            SlaCount {
                met: 0,
                applicable: 1
            }
        );
    }

    #[test]
    fn previous_score_uses_the_preceding_period() {
        let feb = inc(
            "id: INC-2026-004\ntitle: t\nseverity: SEV-1\nstatus: open\n\
             detected_at: 2026-02-28T23:59:59Z\n",
        );
        let mar = inc(
            "id: INC-2026-005\ntitle: t\nseverity: SEV-4\nstatus: open\n\
             detected_at: 2026-03-01T00:00:00Z\n",
        );
        let s = compute(&[&feb, &mar], &Period::month(2026, 3).unwrap(), now(), None);
        assert_eq!((s.weighted_score, s.previous_weighted_score), (1, 10));
    }

    #[test]
    fn corrective_actions_opened_verified_overdue_and_effectiveness() {
        let i = inc(
            "id: INC-2026-006\ntitle: t\nseverity: SEV-3\nstatus: resolved\n\
             detected_at: 2026-03-02T10:00:00Z\ncorrective_actions:\n\
             - {id: CA-1, action: a, category: immediate-fix, owner: al, due: 2026-03-10, status: done, verified_by: bo, verified_at: 2026-03-11T00:00:00Z, effectiveness: {day30: {evaluated_at: 2026-04-11T00:00:00Z, result: effective}}}\n\
             - {id: CA-2, action: b, category: training, owner: al, due: 2026-04-01}\n\
             - {id: CA-3, action: c, category: training, owner: al, due: 2026-09-01}\n",
        );
        let s = compute(&[&i], &Period::month(2026, 3).unwrap(), now(), None);
        let ca = &s.corrective_actions;
        assert_eq!((ca.opened, ca.verified, ca.overdue), (3, 1, 1));
        assert_eq!(ca.effectiveness["day30"].effective, 1);
        assert_eq!(ca.effectiveness["day90"].pending, 1);
    }
}
