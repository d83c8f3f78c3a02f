//! The incident record: the reference shape of DESIGN §3. Field names are
//! part of the product; `schemas/incident.schema.json` describes the same
//! shape and a test keeps the two in agreement.
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::provenance::HumanModifications;

/// True when two GitHub logins name the same person: case-insensitive,
/// with a leading `@` and surrounding spaces ignored (`@Alice` = `alice`).
/// Every owner/verifier/assignee comparison goes through this.
pub fn same_login(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_start_matches('@').trim().to_string();
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a.eq_ignore_ascii_case(&b)
}

/// Severity, `SEV-1` (critical) to `SEV-4` (minor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "SEV-1")]
    Sev1,
    #[serde(rename = "SEV-2")]
    Sev2,
    #[serde(rename = "SEV-3")]
    Sev3,
    #[serde(rename = "SEV-4")]
    Sev4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Sev1 => "SEV-1",
            Severity::Sev2 => "SEV-2",
            Severity::Sev3 => "SEV-3",
            Severity::Sev4 => "SEV-4",
        }
    }

    /// Weight in the severity-weighted score (DESIGN §6).
    pub fn weight(self) -> u32 {
        match self {
            Severity::Sev1 => 10,
            Severity::Sev2 => 5,
            Severity::Sev3 => 2,
            Severity::Sev4 => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Mitigated,
    Resolved,
    Closed,
}

/// Defect origin (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Human,
    AiAdjacent,
    AiModified,
    AiGenerated,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::AiGenerated => "ai-generated",
            Origin::AiModified => "ai-modified",
            Origin::AiAdjacent => "ai-adjacent",
            Origin::Human => "human",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureMode {
    Hallucination,
    LogicError,
    SecurityVulnerability,
    Performance,
    Integration,
    DataHandling,
    Configuration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValidationGap {
    TestGap,
    ReviewGap,
    ScanGap,
    PromptGap,
    ProcessGap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    ImmediateFix,
    PromptImprovement,
    TestImprovement,
    ScanningRule,
    ReviewProcess,
    Training,
    ToolConfiguration,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ImmediateFix => "immediate-fix",
            Category::PromptImprovement => "prompt-improvement",
            Category::TestImprovement => "test-improvement",
            Category::ScanningRule => "scanning-rule",
            Category::ReviewProcess => "review-process",
            Category::Training => "training",
            Category::ToolConfiguration => "tool-configuration",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaStatus {
    Open,
    Done,
    WontDo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EffectivenessResult {
    Effective,
    PartiallyEffective,
    Ineffective,
}

impl EffectivenessResult {
    /// Every result, best first (the order reports print them in).
    pub const ALL: [EffectivenessResult; 3] = [
        EffectivenessResult::Effective,
        EffectivenessResult::PartiallyEffective,
        EffectivenessResult::Ineffective,
    ];

    /// The record's spelling (`partially-effective`), used by every output.
    pub fn as_str(self) -> &'static str {
        match self {
            EffectivenessResult::Effective => "effective",
            EffectivenessResult::PartiallyEffective => "partially-effective",
            EffectivenessResult::Ineffective => "ineffective",
        }
    }
}

/// Timestamp with a mandatory offset (RFC 3339 / ISO 8601).
pub type Timestamp = DateTime<FixedOffset>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiTool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_mode: Option<FailureMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_gap: Option<ValidationGap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_tool: Option<AiTool>,
    /// Evidence lines from the provenance engine (written by `incident new`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_template: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints_provided: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints_missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_provided: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_modifications: Option<HumanModifications>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance_record: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_affected: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub financial_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub event: String,
}

/// The five RCA layers of the standard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rca {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_pipeline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_review: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_environment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub evaluated_at: Timestamp,
    pub result: EffectivenessResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effectiveness {
    #[serde(default)]
    pub day30: Option<Evaluation>,
    #[serde(default)]
    pub day90: Option<Evaluation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectiveAction {
    /// `CA-<n>`.
    pub id: String,
    pub action: String,
    pub category: Category,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default = "default_ca_status")]
    pub status: CaStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effectiveness: Option<Effectiveness>,
    /// For `wont-do`: the login (not the owner's) who agreed to decline it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// For `wont-do`: why the action will not be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn default_ca_status() -> CaStatus {
    CaStatus::Open
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mttr_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_detect_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_compliance: Option<String>,
}

/// One incident record (`incidents/INC-YYYY-NNN.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub detected_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faulty_commits: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_context: Option<GenerationContext>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rca: Option<Rca>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrective_actions: Vec<CorrectiveAction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lessons_learned: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
}

/// A value the types accept but no real incident can have (a milestone
/// before detection, an amount that is not a number). Reported as a
/// `schema` finding at `path` (a [`crate::incident::yaml::KeyIndex`] path,
/// `impact.financial_usd`), so no report ever computes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impossible {
    /// Where the value stands: `resolved_at`, `corrective_actions[0].verified_at`.
    pub path: String,
    /// What is wrong, naming the key and the value as read.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// How far past the clock a recorded moment may lie before it is taken for
/// a typo: clocks and time-zone offsets disagree by hours, never by days.
pub const FUTURE_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// A non-negative finite amount (dollars, hours), or why it is not one.
/// A timestamp in a message as records write it: `Z` for UTC (not
/// chrono's `+00:00`), other offsets as `+01:00`, fractional seconds only
/// when there are any (issue 14: a message showed `+00:00` where the record
/// said `Z`).
pub fn as_written(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// What is wrong with an amount that must be a finite number ≥ 0, worded
/// as the schema walk words a bound (`must be a number ≥ 0, found …`).
fn amount_problem(v: f64) -> Option<String> {
    let found = if v.is_nan() {
        "`.nan` (not a number)".to_string()
    } else if v.is_infinite() {
        format!("`{}.inf` (infinite)", if v < 0.0 { "-" } else { "" })
    } else if v < 0.0 {
        format!("{v} (negative)")
    } else {
        return None;
    };
    Some(format!("must be a number ≥ 0, found {found}"))
}

impl Incident {
    /// Values that no incident can have and that need no clock to see
    /// (issue 12, item 14): `acknowledged_at`, `mitigated_at` or
    /// `resolved_at` before `detected_at` (a negative MTTR), and
    /// `financial_usd`, `mttr_hours` or `time_to_detect_hours` that are NaN,
    /// infinite or negative. Counts (`users_affected`) are unsigned in the
    /// types, so a negative count is already a type error. The loader
    /// (`store::parse_record`) refuses a record with any of these.
    pub fn impossible_values(&self) -> Vec<Impossible> {
        let mut out = Vec::new();
        for (key, t) in [
            ("acknowledged_at", self.acknowledged_at),
            ("mitigated_at", self.mitigated_at),
            ("resolved_at", self.resolved_at),
        ] {
            if let Some(t) = t
                && t < self.detected_at
            {
                out.push(Impossible {
                    path: key.into(),
                    message: format!(
                        "`{key}` ({}) is before `detected_at` ({})",
                        as_written(&t),
                        as_written(&self.detected_at)
                    ),
                    help: format!(
                        "an incident is {} after it is detected: correct the date or its time-zone offset",
                        &key[..key.len() - 3]
                    ),
                });
            }
        }
        let amounts = [
            (
                "impact.financial_usd",
                self.impact.as_ref().and_then(|i| i.financial_usd),
                "write the cost in US dollars as a number ≥ 0, or remove the key while it is unknown",
            ),
            (
                "metrics.mttr_hours",
                self.metrics.as_ref().and_then(|m| m.mttr_hours),
                "write the hours as a number ≥ 0, or remove the key (reports compute MTTR from the timestamps)",
            ),
            (
                "metrics.time_to_detect_hours",
                self.metrics.as_ref().and_then(|m| m.time_to_detect_hours),
                "write the hours as a number ≥ 0, or remove the key",
            ),
        ];
        for (path, v, help) in amounts {
            if let Some(v) = v
                && let Some(problem) = amount_problem(v)
            {
                out.push(Impossible {
                    path: path.into(),
                    message: format!("`{path}`: {problem}"),
                    help: help.into(),
                });
            }
        }
        out
    }

    /// Recorded moments later than `now` plus [`FUTURE_TOLERANCE`]: a
    /// detection in 9999 is a typo, not a plan. Checks `detected_at`,
    /// `acknowledged_at`, `mitigated_at`, `resolved_at`, every
    /// `timeline[].at`, and each action's `verified_at` and effectiveness
    /// `evaluated_at` (a `due` date is a plan and may lie ahead). Needs the
    /// clock, so the policy run (`incident check`, `gate`, `report`, all
    /// with `--now`) reports these, not the loader.
    pub fn future_values(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<Impossible> {
        let limit = now + FUTURE_TOLERANCE;
        let mut moments: Vec<(String, Timestamp)> = vec![("detected_at".into(), self.detected_at)];
        for (key, t) in [
            ("acknowledged_at", self.acknowledged_at),
            ("mitigated_at", self.mitigated_at),
            ("resolved_at", self.resolved_at),
        ] {
            moments.extend(t.map(|t| (key.to_string(), t)));
        }
        for (i, e) in self.timeline.iter().enumerate() {
            moments.push((format!("timeline[{i}].at"), e.at));
        }
        for (i, ca) in self.corrective_actions.iter().enumerate() {
            if let Some(t) = ca.verified_at {
                moments.push((format!("corrective_actions[{i}].verified_at"), t));
            }
            let eff = ca.effectiveness.as_ref();
            for (mark, ev) in [
                ("day30", eff.and_then(|e| e.day30.as_ref())),
                ("day90", eff.and_then(|e| e.day90.as_ref())),
            ] {
                if let Some(ev) = ev {
                    moments.push((
                        format!("corrective_actions[{i}].effectiveness.{mark}.evaluated_at"),
                        ev.evaluated_at,
                    ));
                }
            }
        }
        moments
            .into_iter()
            .filter(|(_, t)| *t > limit)
            .map(|(path, t)| {
                let key = path.rsplit('.').next().unwrap_or(&path).to_string();
                Impossible {
                    message: format!(
                        "`{key}` ({}) lies in the future (now is {})",
                        as_written(&t),
                        now.format("%Y-%m-%dT%H:%M:%SZ")
                    ),
                    help: "record what has happened, when it happened: correct the date (year, month, time-zone offset); `--now` fixes the clock in tests".into(),
                    path,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::same_login;

    /// `owner: "@alice"` and a closer `alice` are one person; an empty
    /// login matches nobody.
    #[test]
    fn logins_compare_without_at_sign_or_case() {
        assert!(same_login("@alice", "alice"));
        assert!(same_login(" Alice ", "@ALICE"));
        assert!(!same_login("alice", "alicia"));
        assert!(!same_login("", ""));
        assert!(!same_login("@", "@"));
    }
}
