//! The labels aeef manages on a pull request (DESIGN §9): `ai-assisted`
//! when the change has any AI-attributed line or AI commit, `ai-primary`
//! when the AI share of its added lines exceeds `pr.primary_threshold`
//! (0.5 by default). [`plan`] decides, as a pure function of what is due
//! and what the pull request carries; [`apply`] carries the plan out on
//! GitHub. Only these two labels are ever added or removed: every other
//! label on the pull request is left alone.
use crate::findings::{Finding, Level, RuleId};
use crate::github::labels::{self as gh, LabelSpec};
use crate::github::{Client, GithubError, RepoSlug};

/// The rule a label that is due but could not be written is reported under.
pub const RULE: RuleId = RuleId::PrLabelMissing;

/// The change has AI-attributed lines or AI commits.
pub const AI_ASSISTED: LabelSpec = LabelSpec {
    name: "ai-assisted",
    color: "c5def5",
    description: "Contains AI-attributed lines or commits (aeef, AEEF provenance)",
};

/// More than the configured share of the added lines is AI-attributed.
pub const AI_PRIMARY: LabelSpec = LabelSpec {
    name: "ai-primary",
    color: "5319e7",
    description: "Most added lines are AI-attributed (aeef, pr.primary_threshold)",
};

/// Every label aeef adds or removes; no other label is ever touched.
pub const MANAGED: [LabelSpec; 2] = [AI_ASSISTED, AI_PRIMARY];

/// What is due, from the change's AI share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    /// `ai-assisted`: any AI-attributed line or AI commit.
    pub assisted: bool,
    /// `ai-primary`: the share exceeds the threshold.
    pub primary: bool,
}

impl Due {
    /// What the share of a change makes due under `threshold` (0.0–1.0).
    pub fn of(share: &super::Share, threshold: f64) -> Due {
        Due {
            assisted: share.ai_assisted(),
            primary: share.exceeds(threshold),
        }
    }

    fn wants(self, spec: &LabelSpec) -> bool {
        if spec.name == AI_ASSISTED.name {
            self.assisted
        } else {
            self.primary
        }
    }
}

/// Which managed labels to add and which to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub add: Vec<LabelSpec>,
    pub remove: Vec<LabelSpec>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

/// Compares what is due with the labels the pull request carries (`current`,
/// names compared case-insensitively as GitHub does): a managed label that
/// is due and absent is added, one that is present and no longer due (a
/// force-push dropped the AI commits) is removed. Labels aeef does not
/// manage are never in the plan. A rerun on an unchanged pull request plans
/// nothing.
pub fn plan(due: Due, current: &[String]) -> Plan {
    let has = |name: &str| current.iter().any(|c| c.eq_ignore_ascii_case(name));
    let mut p = Plan::default();
    for spec in MANAGED {
        match (due.wants(&spec), has(spec.name)) {
            (true, false) => p.add.push(spec),
            (false, true) => p.remove.push(spec),
            _ => {}
        }
    }
    p
}

/// How applying a plan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Everything planned was done (possibly nothing).
    Done(Plan),
    /// GitHub refused a write with 403: the token is read-only (a pull
    /// request from a fork). Holds what was still to do.
    ReadOnly(Plan),
    /// Another failure (network, 5xx past retries, an unexpected answer):
    /// holds what was still to do and the error, scrubbed of the token.
    Failed(Plan, String),
}

/// Reads the labels of pull request `n`, plans, creates the managed labels
/// in the repository when missing, adds and removes. Never touches another
/// label. A 403 on any write ends with [`Applied::ReadOnly`]; any other
/// error with [`Applied::Failed`]. Both keep the gate's verdict unchanged:
/// the caller reports them as [`RULE`] findings ([`findings`]).
pub async fn apply(client: &Client, slug: &RepoSlug, n: u64, due: Due) -> Applied {
    let current = match gh::on_issue(client, slug, n).await {
        Ok(c) => c,
        Err(e) => return failed(plan(due, &[]), e),
    };
    let mut todo = plan(due, &current);
    let all = todo.clone();
    for spec in all.add.iter() {
        if let Err(e) = gh::ensure(
            client,
            slug,
            spec.name,
            spec.color,
            spec.description,
            gh::WRITE_PERMISSION,
        )
        .await
        {
            return failed(todo, e);
        }
    }
    let names: Vec<&str> = all.add.iter().map(|s| s.name).collect();
    if let Err(e) = gh::add(client, slug, n, &names).await {
        return failed(todo, e);
    }
    todo.add.clear();
    for spec in all.remove.iter() {
        if let Err(e) = gh::remove(client, slug, n, spec.name).await {
            return failed(todo, e);
        }
        todo.remove.retain(|s| s != spec);
    }
    Applied::Done(all)
}

fn failed(todo: Plan, e: GithubError) -> Applied {
    match e {
        GithubError::Forbidden { .. } => Applied::ReadOnly(todo),
        e => Applied::Failed(todo, e.to_string()),
    }
}

/// The `pr-label-missing` findings for what could not be done, at `level`
/// (`off` gives none). `why` says what aeef found (the share's summary).
pub fn findings(applied: &Applied, n: u64, why: &str, level: Level) -> Vec<Finding> {
    let (todo, cause) = match applied {
        Applied::Done(_) => return Vec::new(),
        Applied::ReadOnly(p) => (
            p,
            "the token may not write labels here (a pull request from a fork runs with a read-only token)".to_string(),
        ),
        Applied::Failed(p, e) => (p, format!("setting labels failed: {e}")),
    };
    if level == Level::Off {
        return Vec::new();
    }
    let help = "add or remove the label by hand, or give the gate a token with `pull-requests: write` (the rerun sets it; for forks, only a maintainer's token can)";
    let mut out = Vec::new();
    for spec in &todo.add {
        out.push(
            Finding::new(
                RULE,
                level,
                format!(
                    "pull request #{n} should carry the label `{}` ({why}), but {cause}",
                    spec.name
                ),
            )
            .help(help),
        );
    }
    for spec in &todo.remove {
        out.push(
            Finding::new(
                RULE,
                level,
                format!(
                    "pull request #{n} carries the label `{}`, which is no longer true ({why}), but {cause}",
                    spec.name
                ),
            )
            .help(help),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[LabelSpec]) -> Vec<&str> {
        v.iter().map(|s| s.name).collect()
    }

    #[test]
    fn due_labels_are_added_and_stale_ones_removed_never_others() {
        let cur = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let both = Due {
            assisted: true,
            primary: true,
        };
        let p = plan(both, &cur(&["bug", "AI-Assisted"]));
        assert_eq!(names(&p.add), ["ai-primary"]);
        assert!(p.remove.is_empty());
        // After a force-push that dropped the AI commits.
        let p = plan(Due::default(), &cur(&["ai-assisted", "ai-primary", "bug"]));
        assert_eq!(names(&p.remove), ["ai-assisted", "ai-primary"]);
        assert!(p.add.is_empty());
        // Unchanged: nothing to do (no churn on reruns).
        assert!(plan(both, &cur(&["ai-primary", "ai-assisted"])).is_empty());
        // A human change never gets a label and loses no foreign one.
        assert!(plan(Due::default(), &cur(&["bug", "ai-reviewed"])).is_empty());
    }

    #[test]
    fn read_only_findings_name_each_label_and_direction() {
        let p = Plan {
            add: vec![AI_ASSISTED],
            remove: vec![AI_PRIMARY],
        };
        let f = findings(
            &Applied::ReadOnly(p.clone()),
            7,
            "3 of 10 lines",
            Level::Warn,
        );
        assert_eq!(f.len(), 2);
        assert!(
            f[0].message
                .contains("should carry the label `ai-assisted`")
        );
        assert!(
            f[1].message
                .contains("`ai-primary`, which is no longer true")
        );
        assert!(f.iter().all(|x| x.rule == RULE && x.level == Level::Warn));
        assert!(findings(&Applied::ReadOnly(p.clone()), 7, "", Level::Off).is_empty());
        assert!(findings(&Applied::Done(p), 7, "", Level::Warn).is_empty());
    }
}
