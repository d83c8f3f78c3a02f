//! One report model for every check (`incident check`, `gate`, `audit`):
//! findings with a stable rule id and a level. Renderers turn a [`Report`]
//! into human, JSON, GitHub, SARIF or Markdown output.
use serde::{Deserialize, Serialize};

pub mod github;
pub mod human;
pub mod markdown;
pub mod rules;
pub mod sarif;

pub use rules::{RuleId, Scope};

/// Level of a finding. `Off` only appears in config, never in a report.
/// `Note` records something decided on purpose — a waiver that accepted a
/// finding, a change acknowledged as a corrective action's implementation —
/// and never fails a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Note,
    Off,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Note => "note",
            Level::Off => "off",
        }
    }
}

/// Why a finding reports less than its rule's level, on purpose: the
/// summary lines count these apart, so a pass with softened findings says
/// so. Not part of the JSON contract (the message says it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Softened {
    /// An error that is a warning while its incident's grace lasts (DESIGN §3).
    Grace,
    /// Accepted by a waiver in `.aeef.yml` (DESIGN §5): a note.
    Waived,
    /// A change that declares the corrective action it implements (DESIGN
    /// §5, acknowledged changes): a note.
    Acknowledged,
}

/// One finding. Fields that do not apply are `None` and omitted in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule; JSON writes its id string (`ca-unverified`).
    pub rule: RuleId,
    pub level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrective_action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Set when grace, a waiver or an acknowledgement lowered the level.
    #[serde(skip)]
    pub softened: Option<Softened>,
}

impl Finding {
    pub fn new(rule: RuleId, level: Level, message: impl Into<String>) -> Self {
        Finding {
            rule,
            level,
            incident: None,
            corrective_action: None,
            commit: None,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
            softened: None,
        }
    }
    pub fn incident(mut self, id: impl Into<String>) -> Self {
        self.incident = Some(id.into());
        self
    }
    pub fn action(mut self, id: impl Into<String>) -> Self {
        self.corrective_action = Some(id.into());
        self
    }
    pub fn commit(mut self, sha: impl Into<String>) -> Self {
        self.commit = Some(sha.into());
        self
    }
    pub fn file(mut self, f: impl Into<String>) -> Self {
        self.file = Some(f.into());
        self
    }
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    /// Marks the finding as lowered on purpose ([`Softened`]).
    pub fn softened(mut self, why: Softened) -> Self {
        self.softened = Some(why);
        self
    }
}

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

/// The findings of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// `fail` when any finding is an error.
    pub fn verdict(&self) -> Verdict {
        if self.findings.iter().any(|f| f.level == Level::Error) {
            Verdict::Fail
        } else {
            Verdict::Pass
        }
    }
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .count()
    }
    /// Findings accepted on purpose (waivers, acknowledged changes).
    pub fn notes(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Note)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Warn)
            .count()
    }
    /// Findings at `level` lowered for `why`.
    pub fn softened(&self, level: Level, why: Softened) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == level && f.softened == Some(why))
            .count()
    }
    /// The counts of a summary line, each with what softened it:
    /// `["1 error", "3 warnings (2 in grace)", "2 notes (1 waived, 1
    /// acknowledged)"]`. Every renderer's summary joins these, so errors,
    /// warnings and notes are always counted apart and named alike.
    pub fn count_parts(&self) -> [String; 3] {
        fn plural(n: usize, word: &str) -> String {
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        }
        fn with(head: String, parts: &[(usize, &str)]) -> String {
            let named: Vec<String> = parts
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
            if named.is_empty() {
                head
            } else {
                format!("{head} ({})", named.join(", "))
            }
        }
        [
            plural(self.errors(), "error"),
            with(
                plural(self.warnings(), "warning"),
                &[(self.softened(Level::Warn, Softened::Grace), "in grace")],
            ),
            with(
                plural(self.notes(), "note"),
                &[
                    (self.softened(Level::Note, Softened::Waived), "waived"),
                    (
                        self.softened(Level::Note, Softened::Acknowledged),
                        "acknowledged",
                    ),
                ],
            ),
        ]
    }
    /// `1 error, 3 warnings (2 in grace), 2 notes (1 waived, 1 acknowledged)`.
    pub fn summary(&self) -> String {
        self.count_parts().join(", ")
    }
    /// True when a finding says the input could not be read (`schema`, or
    /// `config` for `.aeef.yml`), so nothing could be decided and the
    /// command must exit 2.
    pub fn undecidable(&self) -> bool {
        self.findings.iter().any(|f| f.rule.scope() == Scope::Input)
    }
    /// The rule ids that make the report [`Report::undecidable`] (`schema`,
    /// `config`, …), each once, in catalogue order, as `` `id` `` joined by
    /// " and ": the closing diagnostic names what actually blocks.
    pub fn undecidable_kinds(&self) -> String {
        let mut ids: Vec<RuleId> = self
            .findings
            .iter()
            .filter(|f| f.rule.scope() == Scope::Input)
            .map(|f| f.rule)
            .collect();
        ids.sort();
        ids.dedup();
        ids.iter()
            .map(|r| format!("`{}`", r.as_str()))
            .collect::<Vec<_>>()
            .join(" and ")
    }
    /// The verdict as every format spells it: `error` when nothing could
    /// be decided ([`Report::undecidable`], exit code 2), else `pass` or
    /// `fail` (exit code 0 or 1). JSON, `$GITHUB_OUTPUT`, the Markdown
    /// summary and the last line of `--format github` all use this word.
    pub fn verdict_word(&self) -> &'static str {
        if self.undecidable() {
            return "error";
        }
        match self.verdict() {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }
    /// Errors first, then by file, line, rule: stable output.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                a.level,
                &a.file,
                a.line,
                &a.incident,
                &a.corrective_action,
                &a.rule,
            )
                .cmp(&(
                    b.level,
                    &b.file,
                    b.line,
                    &b.incident,
                    &b.corrective_action,
                    &b.rule,
                ))
        });
    }
}

/// The JSON document of DESIGN §8 (`gate`, `incident check`, `audit`).
/// The verdict is `error` when a record or the config could not be read
/// (the command exits 2: nothing was decided), else `pass` or `fail`.
pub fn to_json(report: &Report) -> serde_json::Value {
    let verdict = if report.undecidable() {
        serde_json::json!("error")
    } else {
        serde_json::json!(report.verdict())
    };
    serde_json::json!({
        "schema_version": 1,
        "verdict": verdict,
        "findings": report.findings,
    })
}
