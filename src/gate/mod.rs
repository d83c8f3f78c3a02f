//! The gate's own rules over a change (DESIGN §5), pure: the commits of a
//! pull request with their provenance, the files it touches, and which
//! incidents still have unverified corrective actions go in; findings come
//! out. The incident rules themselves live in `incident::policy`.
use std::collections::{BTreeMap, BTreeSet};

use crate::findings::{Finding, Level};
use crate::provenance::Provenance;

/// `--fail-on`: which unverified corrective actions fail the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Only actions past their due date (default).
    Overdue,
    /// Any unverified action.
    Unverified,
}

/// One commit of the change.
#[derive(Debug, Clone)]
pub struct ChangeCommit {
    pub sha: String,
    pub summary: String,
    pub provenance: Provenance,
    /// Files the commit touched (read only for commits a finding points at).
    pub files: Vec<String>,
}

/// A pull request's change: `base..head`.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub base: String,
    pub head: String,
    pub commits: Vec<ChangeCommit>,
    /// Paths the change adds, modifies, deletes or renames (both names).
    pub files: BTreeSet<String>,
}

/// An incident whose corrective actions are not all verified, with the
/// files its faulty commits touched (or that it lists).
#[derive(Debug, Clone)]
pub struct OpenIncident {
    pub id: String,
    /// The record's path, for the finding's location.
    pub record: String,
    pub files: BTreeSet<String>,
    pub unverified: Vec<String>,
}

/// `provenance-incomplete`: every commit that a high-confidence source
/// marks as AI must declare the five AEEF fields (trailers or block).
/// Low-confidence signals alone do not make a commit AI-written (DESIGN
/// §1.3), so they do not trigger this rule.
pub fn provenance_incomplete(change: &Change, level: Level) -> Vec<Finding> {
    if level == Level::Off {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in &change.commits {
        let p = &c.provenance;
        if !p.is_ai() {
            continue;
        }
        let missing = p.aeef_fields.missing();
        if missing.is_empty() {
            continue;
        }
        let tool = p.tool.as_deref().unwrap_or("an AI tool");
        let mut f = Finding::new(
                "provenance-incomplete",
                level,
                format!(
                    "commit {} ({}) is attributed to {tool} ({}) but lacks {}",
                    &c.sha[..12.min(c.sha.len())],
                    c.summary,
                    p.sources.join(", "),
                    missing.join(", ")
                ),
            )
            .commit(&c.sha)
            .help(format!(
                "add the missing trailers to the commit message (e.g. `git commit --amend --trailer \"{}: …\"`, or `git rebase -i` for older commits), or an `AI-Attribution:` block",
                missing[0]
            ));
        // Code scanning needs a file for every result: point at one the commit changed.
        if let Some(file) = c.files.first() {
            f = f.file(file.clone());
        }
        out.push(f);
    }
    out
}

/// `provenance-not-trailer` (DESIGN §1.1): a commit of the change declares
/// AEEF fields only on body lines outside git's trailer block. aeef reads
/// them (they satisfy `provenance-incomplete`), but git and other tools do
/// not, so the finding asks to move them into the last paragraph. One
/// finding per commit, naming each field and its message line.
pub fn provenance_not_trailer(change: &Change, level: Level) -> Vec<Finding> {
    if level == Level::Off {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in &change.commits {
        let lines = &c.provenance.not_in_trailers;
        if lines.is_empty() {
            continue;
        }
        let named: Vec<String> = lines
            .iter()
            .map(|(k, l)| format!("{k} (message line {l})"))
            .collect();
        let mut f = Finding::new(
            "provenance-not-trailer",
            level,
            format!(
                "commit {} ({}) declares {} outside git's trailer block: aeef reads it, `git log --format=%(trailers)` and other tools do not",
                &c.sha[..12.min(c.sha.len())],
                c.summary,
                named.join(", ")
            ),
        )
        .commit(&c.sha)
        .help(
            "move these lines into the last paragraph of the commit message, with no other text in that paragraph (`git commit --amend`, or `git rebase -i` for older commits)",
        );
        if let Some(file) = c.files.first() {
            f = f.file(file.clone());
        }
        out.push(f);
    }
    out
}

/// `touches-open-incident`: the change modifies a file of an incident whose
/// corrective actions are not all verified.
pub fn touches_open_incident(change: &Change, open: &[OpenIncident], level: Level) -> Vec<Finding> {
    if level == Level::Off {
        return Vec::new();
    }
    let mut out = Vec::new();
    for inc in open {
        // One finding per incident: a change that touches fifty of its files
        // needs one decision, not fifty annotations.
        let hit: Vec<&String> = inc.files.intersection(&change.files).collect();
        let Some(first) = hit.first() else { continue };
        let shown: Vec<&str> = hit.iter().take(5).map(|s| s.as_str()).collect();
        let more = if hit.len() > shown.len() {
            format!(" and {} more", hit.len() - shown.len())
        } else {
            String::new()
        };
        out.push(
            Finding::new(
                "touches-open-incident",
                level,
                format!(
                    "this change modifies {}{more}, file(s) of {} whose corrective actions {} are not verified",
                    shown.join(", "),
                    inc.id,
                    inc.unverified.join(", ")
                ),
            )
            .incident(&inc.id)
            .file((*first).clone())
            .help(format!(
                "verify {}'s corrective actions first (`aeef ca status --incident {}`), or have the change reviewed against the incident's post-mortem",
                inc.id, inc.id
            )),
        );
    }
    out
}

/// Counts per rule, for summaries.
pub fn counts(findings: &[Finding]) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        *m.entry(f.rule.as_str()).or_default() += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::{AeefFields, Confidence};

    fn commit(fields: AeefFields, conf: Confidence) -> ChangeCommit {
        ChangeCommit {
            sha: "a".repeat(40),
            summary: "s".into(),
            files: vec!["src/a.rs".into()],
            provenance: Provenance {
                ai: true,
                confidence: Some(conf),
                tool: Some("claude-code".into()),
                sources: vec!["agent:claude-code".into()],
                aeef_fields: fields,
                ..Provenance::default()
            },
        }
    }

    #[test]
    fn each_missing_field_is_named() {
        let all = AeefFields {
            tool: true,
            model_version: true,
            prompt_ref: true,
            human_modifications: true,
            reviewer: true,
        };
        let change = |f| Change {
            commits: vec![commit(f, Confidence::High)],
            ..Change::default()
        };
        assert!(provenance_incomplete(&change(all), Level::Error).is_empty());
        for (f, name) in [
            (AeefFields { tool: false, ..all }, "AI-Tool"),
            (
                AeefFields {
                    model_version: false,
                    ..all
                },
                "AI-Model-Version",
            ),
            (
                AeefFields {
                    prompt_ref: false,
                    ..all
                },
                "AI-Prompt-Ref",
            ),
            (
                AeefFields {
                    human_modifications: false,
                    ..all
                },
                "AI-Human-Modifications",
            ),
            (
                AeefFields {
                    reviewer: false,
                    ..all
                },
                "AI-Reviewed-By",
            ),
        ] {
            let v = provenance_incomplete(&change(f), Level::Error);
            assert_eq!(v.len(), 1);
            assert!(
                v[0].message.ends_with(&format!("lacks {name}")),
                "{}",
                v[0].message
            );
        }
    }

    #[test]
    fn low_confidence_signals_do_not_require_fields() {
        let c = Change {
            commits: vec![commit(AeefFields::default(), Confidence::Low)],
            ..Change::default()
        };
        assert!(provenance_incomplete(&c, Level::Error).is_empty());
    }

    #[test]
    fn touching_a_file_of_an_open_incident() {
        let change = Change {
            files: ["src/pay.rs".to_string(), "README.md".to_string()].into(),
            ..Change::default()
        };
        let open = vec![OpenIncident {
            id: "INC-2026-001".into(),
            record: "incidents/INC-2026-001.yaml".into(),
            files: ["src/pay.rs".to_string()].into(),
            unverified: vec!["CA-1".into()],
        }];
        let v = touches_open_incident(&change, &open, Level::Error);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].file.as_deref(), Some("src/pay.rs"));
        // Many files of one incident: still one finding, naming the first few.
        let mut many = open.clone();
        many[0].files = (0..8).map(|i| format!("src/m{i}.rs")).collect();
        let big = Change {
            files: many[0].files.clone(),
            ..Change::default()
        };
        let v = touches_open_incident(&big, &many, Level::Error);
        assert_eq!(v.len(), 1);
        assert!(
            v[0].message.contains("src/m4.rs and 3 more"),
            "{}",
            v[0].message
        );
        assert!(touches_open_incident(&change, &open, Level::Off).is_empty());
    }
}
