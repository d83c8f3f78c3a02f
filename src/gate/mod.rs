//! The gate's own rules over a change (DESIGN §5), pure: the commits of a
//! pull request with their provenance, the files it touches, and which
//! incidents still have unverified corrective actions go in; findings come
//! out. The incident rules themselves live in `incident::policy`.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

pub mod change;

use crate::config::Waiver;
use crate::findings::{Finding, Level, RuleId, Scope};
use crate::github::status::ActionStatus;
use crate::incident::policy::{self, PolicyOptions};
use crate::incident::store::LoadedIncident;
use crate::incident::{actions, same_login};
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
    /// Values of its `Corrective-Action:` trailers (`INC-2026-007/CA-2`).
    pub implements: Vec<String>,
}

/// A pull request's change: `base..head`.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub base: String,
    pub head: String,
    /// `git merge-base BASE HEAD`, read once for everything that needs it.
    pub merge_base: String,
    /// `git diff MERGE_BASE HEAD` (with git's indent heuristic), read once:
    /// [`Change::files`] and the AI share both come from it.
    pub diff: Vec<crate::git::diff::FileChange>,
    pub commits: Vec<ChangeCommit>,
    /// Paths the change adds, modifies, deletes or renames (both names).
    pub files: BTreeSet<String>,
    /// The pull request's title and body, when known (GITHUB_EVENT_PATH):
    /// where a change references the issue or id of the action it implements.
    pub pr_text: Option<String>,
    /// Actions whose verification (`verified_by`, `verified_at`) or
    /// `wont-do` approval the change itself adds or alters, keyed
    /// `(incident, action)`. A change cannot verify an incident's actions
    /// and be exempted by that verification at once: for the change's own
    /// rule (`touches-open-incident`) these actions count as open.
    pub self_verified: BTreeSet<(String, String)>,
    /// Waiver indexes (into `.aeef.yml`'s `waivers:`) that the change itself
    /// adds: they do not apply to the change's own findings.
    pub new_waivers: BTreeSet<usize>,
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
    /// Issue numbers of those actions, where filed.
    pub issues: BTreeMap<String, u64>,
}

/// `INC-2026-007/CA-2` anywhere in a text.
static ACTION_REF: LazyLock<Regex> =
    // Case-insensitive: ids are upper-case in records, but a hand-typed
    // `inc-2026-007/ca-2` means the same action (README, acknowledged changes).
    // ASCII digits, as `incident::store` reads ids: `INC-٢٠٢٦-…` is no id.
    LazyLock::new(|| {
        Regex::new(r"(?i)\b(INC-[0-9]{4}-[0-9]{3,})/(CA-[0-9]+)\b").expect("static regex")
    });
/// `#412`, `Fixes #412`, `(#412)`; not `&#412;` or `abc#412`.
static ISSUE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\w&/#])#([0-9]{1,9})\b").expect("static regex"));

/// What a change declares it implements (DESIGN §5, acknowledged changes):
/// `Corrective-Action: INC-2026-007/CA-2` trailers in any of its commits,
/// and in a pull request the action's id or its issue (`#412`, `Fixes #412`)
/// in the title or body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acknowledgements {
    /// `(incident, action)` → where it was declared.
    actions: BTreeMap<(String, String), String>,
    /// Issue number → where it was referenced.
    issues: BTreeMap<u64, String>,
    /// Every `Corrective-Action:` trailer as written, with its commit, so a
    /// finding can say why a declaration did not count.
    trailers: Vec<(String, String)>,
}

impl Acknowledgements {
    /// Reads the declarations of `change`.
    pub fn of(change: &Change) -> Self {
        let mut a = Acknowledgements::default();
        for c in &change.commits {
            for v in &c.implements {
                a.trailers.push((
                    v.trim().to_string(),
                    c.sha[..12.min(c.sha.len())].to_string(),
                ));
                for m in ACTION_REF.captures_iter(v) {
                    a.actions
                        .entry((m[1].to_ascii_uppercase(), m[2].to_ascii_uppercase()))
                        .or_insert_with(|| {
                            format!(
                                "`Corrective-Action:` trailer of {}",
                                &c.sha[..12.min(c.sha.len())]
                            )
                        });
                }
            }
        }
        if let Some(text) = &change.pr_text {
            for m in ACTION_REF.captures_iter(text) {
                a.actions
                    .entry((m[1].to_ascii_uppercase(), m[2].to_ascii_uppercase()))
                    .or_insert_with(|| "the pull request's title or body".to_string());
            }
            for m in ISSUE_REF.captures_iter(text) {
                if let Ok(n) = m[1].parse::<u64>() {
                    a.issues
                        .entry(n)
                        .or_insert_with(|| format!("#{n} in the pull request's title or body"));
                }
            }
        }
        a
    }

    /// Why each `Corrective-Action:` trailer of the change does not
    /// acknowledge `inc` (one clause per trailer), so a declaration that
    /// matches nothing is never ignored silently (issue 11).
    pub fn unmatched(&self, inc: &OpenIncident) -> Vec<String> {
        self.trailers
            .iter()
            .map(|(v, sha)| {
                let why = match ACTION_REF.captures(v) {
                    None => "it is not of the form `INC-YYYY-NNN/CA-N`".to_string(),
                    Some(m) if !m[1].eq_ignore_ascii_case(&inc.id) => {
                        format!("it names another incident, {}", m[1].to_ascii_uppercase())
                    }
                    Some(m) => format!(
                        "{} has no unverified action {} (it is verified, declined, or not in the record; unverified: {})",
                        inc.id,
                        m[2].to_ascii_uppercase(),
                        inc.unverified.join(", ")
                    ),
                };
                format!("`Corrective-Action: {v}` ({sha}) does not count: {why}")
            })
            .collect()
    }

    /// Where the change declares that it implements one of `inc`'s
    /// unverified actions, naming the action; `None` when it does not.
    pub fn covering(&self, inc: &OpenIncident) -> Option<(String, String)> {
        inc.unverified.iter().find_map(|ca| {
            if let Some(w) = self.actions.get(&(inc.id.clone(), ca.clone())) {
                return Some((ca.clone(), w.clone()));
            }
            let n = inc.issues.get(ca)?;
            self.issues.get(n).map(|w| (ca.clone(), w.clone()))
        })
    }
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
                RuleId::ProvenanceIncomplete,
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
            RuleId::ProvenanceNotTrailer,
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
/// corrective actions are not all verified, and does not declare that it
/// implements one of them. A declared change gets a note instead (DESIGN
/// §5): the change that implements a corrective action must be able to
/// merge before the action can be verified.
pub fn touches_open_incident(change: &Change, open: &[OpenIncident], level: Level) -> Vec<Finding> {
    if level == Level::Off {
        return Vec::new();
    }
    let acks = Acknowledgements::of(change);
    let mut out = Vec::new();
    for inc in open {
        // One finding per incident: a change that touches fifty of its files
        // needs one decision, not fifty annotations.
        // A `files:` folder entry (`src/payments/`) covers the files under it.
        let hit: Vec<&String> = change
            .files
            .iter()
            .filter(|p| {
                inc.files
                    .iter()
                    .any(|f| crate::incident::policy::files_entry_matches(f, p))
            })
            .collect();
        let Some(first) = hit.first() else { continue };
        let shown: Vec<&str> = hit.iter().take(5).map(|s| s.as_str()).collect();
        let more = if hit.len() > shown.len() {
            format!(" and {} more", hit.len() - shown.len())
        } else {
            String::new()
        };
        if let Some((ca, wher)) = acks.covering(inc) {
            out.push(
                Finding::new(
                    RuleId::TouchesOpenIncident,
                    Level::Note,
                    format!(
                        "this change modifies {}{more}, file(s) of {}, and implements its corrective action {ca} (declared by {wher})",
                        shown.join(", "),
                        inc.id
                    ),
                )
                .incident(&inc.id)
                .action(ca)
                .file((*first).clone())
                .softened(crate::findings::Softened::Acknowledged),
            );
            continue;
        }
        let unmatched = acks.unmatched(inc);
        let declared = if unmatched.is_empty() {
            String::new()
        } else {
            format!("; {}", unmatched.join("; "))
        };
        out.push(
            Finding::new(
                RuleId::TouchesOpenIncident,
                level,
                format!(
                    "this change modifies {}{more}, file(s) of {} whose corrective actions {} are not verified{declared}",
                    shown.join(", "),
                    inc.id,
                    inc.unverified.join(", ")
                ),
            )
            .incident(&inc.id)
            .file((*first).clone())
            .help(format!(
                "if this change implements one of them, say so: a commit trailer `Corrective-Action: {}/{}` or the action's issue in the pull request; otherwise verify {}'s corrective actions first (`aeef ca status --incident {}`)",
                inc.id,
                inc.unverified.first().map(String::as_str).unwrap_or("CA-1"),
                inc.id,
                inc.id
            )),
        );
    }
    out
}

/// One cause, one finding (issue 11): an action whose verification the
/// owner made is unverified for that reason, so its `ca-unverified` /
/// `ca-unverified-overdue` finding is folded into `ca-verified-by-owner`
/// (the message keeps "N days overdue") — but only when that finding is at
/// least as severe, so lowering `ca-verified-by-owner` in `.aeef.yml`
/// never hides an overdue action. A waiver of `ca-verified-by-owner` then
/// settles the action.
pub fn merge_owner_verification(findings: &mut Vec<Finding>) {
    let key = |f: &Finding| (f.incident.clone(), f.corrective_action.clone());
    let mut drop = vec![false; findings.len()];
    for i in 0..findings.len() {
        if !matches!(
            findings[i].rule,
            RuleId::CaUnverified | RuleId::CaUnverifiedOverdue
        ) {
            continue;
        }
        let Some(j) = (0..findings.len()).find(|&j| {
            findings[j].rule == RuleId::CaVerifiedByOwner
                && key(&findings[j]) == key(&findings[i])
                && findings[j].level <= findings[i].level
        }) else {
            continue;
        };
        if findings[i].rule == RuleId::CaUnverifiedOverdue {
            let days = findings[i]
                .message
                .split_once(" days overdue")
                .and_then(|(head, _)| head.rsplit_once('('))
                .map(|(_, d)| d.to_string());
            if let Some(d) = days {
                findings[j].message = format!("{} ({d} days overdue)", findings[j].message);
            }
        }
        drop[i] = true;
    }
    let mut it = drop.into_iter();
    findings.retain(|_| !it.next().unwrap_or(false));
}

/// Applies the `.aeef.yml` waivers (DESIGN §5) to `findings`: a finding a
/// valid waiver matches (same rule and incident, and action and path where
/// the waiver names them) becomes a note naming the waiver. A waiver past
/// its `expires` day (UTC) no longer applies and is the error
/// `waiver-expired`; one approved by the owner of an action it covers, or
/// one for `schema` (an unreadable record cannot be accepted), is
/// `waiver-invalid`.
pub fn apply_waivers(
    findings: &mut Vec<Finding>,
    waivers: &[Waiver],
    records: &[LoadedIncident],
    now: DateTime<Utc>,
    level_of: &dyn Fn(RuleId) -> Level,
) {
    let today = now.date_naive();
    let mut extra = Vec::new();
    for (i, w) in waivers.iter().enumerate() {
        let label = format!(
            "waiver #{} ({} for {}{})",
            i + 1,
            w.rule,
            w.incident,
            w.corrective_action
                .as_deref()
                .map(|c| format!("/{c}"))
                .unwrap_or_default()
        );
        if today > w.expires {
            let l = level_of(RuleId::WaiverExpired);
            if l != Level::Off {
                extra.push(
                    Finding::new(
                        RuleId::WaiverExpired,
                        l,
                        format!("{label} expired on {}", w.expires),
                    )
                    .incident(&w.incident)
                    .file(crate::config::FILE_NAME)
                    .help("remove the waiver, or renew it with a new `expires` date"),
                );
            }
            continue;
        }
        let owners: Vec<&str> = records
            .iter()
            .filter(|r| r.incident.id == w.incident)
            .flat_map(|r| r.incident.corrective_actions.iter())
            .filter(|a| w.corrective_action.as_deref().is_none_or(|c| c == a.id))
            .filter_map(|a| a.owner.as_deref())
            .collect();
        // A waiver that names no record or no action of it would silently
        // never match (issue 11): say so, with the nearest name.
        let ids: Vec<&str> = records.iter().map(|r| r.incident.id.as_str()).collect();
        let actions: Vec<&str> = records
            .iter()
            .filter(|r| r.incident.id == w.incident)
            .flat_map(|r| r.incident.corrective_actions.iter().map(|a| a.id.as_str()))
            .collect();
        let mut help = None;
        let problem = if w.rule == RuleId::Schema {
            Some("cannot accept `schema`: an unreadable record has nothing to decide".to_string())
        } else if !ids.contains(&w.incident.as_str()) {
            help = crate::incident::store::did_you_mean(&w.incident, &ids)
                .map(|k| format!("did you mean `{k}`? (incident ids are upper-case)"));
            Some(format!(
                "names incident `{}`, which no record holds",
                w.incident
            ))
        } else if let Some(ca) = w
            .corrective_action
            .as_deref()
            .filter(|c| !actions.contains(c))
        {
            help = crate::incident::store::did_you_mean(ca, &actions)
                .map(|k| format!("did you mean `{k}`? (action ids are upper-case)"));
            Some(format!("names `{ca}`, which {} does not have", w.incident))
        } else if owners.iter().any(|o| same_login(o, &w.approved_by)) {
            Some(format!(
                "is approved by `{}`, the owner of an action it covers",
                w.approved_by
            ))
        } else if w.approved_by.trim().is_empty() || w.reason.trim().is_empty() {
            Some("needs `approved_by` and `reason`".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            let l = level_of(RuleId::WaiverInvalid);
            if l != Level::Off {
                extra.push(
                    Finding::new(RuleId::WaiverInvalid, l, format!("{label} {problem}; it does not apply"))
                        .incident(&w.incident)
                        .file(crate::config::FILE_NAME)
                        .help(help.unwrap_or_else(|| "a waiver needs a reason and an approver other than the owner of the actions it covers, and must name an existing incident (and action)".into())),
                );
            }
            continue;
        }
        for f in findings.iter_mut() {
            let matches = f.rule == w.rule
                && f.level != Level::Note
                && f.incident.as_deref() == Some(w.incident.as_str())
                && w.corrective_action
                    .as_deref()
                    .is_none_or(|c| f.corrective_action.as_deref() == Some(c))
                && w.path
                    .as_deref()
                    .is_none_or(|p| f.file.as_deref() == Some(p));
            if matches {
                f.level = Level::Note;
                f.softened = Some(crate::findings::Softened::Waived);
                f.message = format!(
                    "waived by {label}, approved by {} until {}: {} — {}",
                    w.approved_by,
                    w.expires,
                    w.reason.trim(),
                    f.message
                );
            }
        }
    }
    findings.extend(extra);
}

/// Everything the gate decides from (DESIGN §5), gathered by the adapters:
/// records, each action's verification, the change, and the options.
pub struct Inputs<'a> {
    pub records: &'a [LoadedIncident],
    /// Each action's verification (GitHub or the records' git history);
    /// `None` when there is nothing to check the records against (no
    /// repository), so the records' own claims count.
    pub statuses: Option<&'a [ActionStatus]>,
    /// The pull request's change, if any.
    pub change: Option<&'a Change>,
    /// Files each incident concerns (`files:` plus what its faulty commits
    /// touched), keyed by incident id; read only with a change.
    pub incident_files: &'a HashMap<String, BTreeSet<String>>,
    pub waivers: &'a [Waiver],
}

/// The gate's decision, a pure function of its [`Inputs`] and the policy
/// options (clock, rule levels, grace, `--fail-on`): every incident rule
/// with verification as decided, the owner-verification rule from GitHub's
/// answer, the change's own rules, then the waivers. `incident check` calls
/// it without a change, so the two never disagree on the same records.
pub fn evaluate(inp: &Inputs, mut opts: PolicyOptions) -> Vec<Finding> {
    let key = |s: &ActionStatus| format!("{}/{}", s.incident, s.corrective_action);
    if let Some(st) = inp.statuses {
        opts.assignees = st.iter().map(|s| (key(s), s.assignees.clone())).collect();
        opts.verified_at = st
            .iter()
            .filter_map(|s| Some((key(s), s.verified_at?)))
            .collect();
        opts.verified = Some(st.iter().map(|s| (key(s), s.verified)).collect());
        // Issues found by marker when the record lacks `issue:` (DESIGN §4).
        opts.filed = st.iter().filter_map(|s| Some((key(s), s.issue?))).collect();
        // `wont-do` approvals the owner committed (DESIGN §3).
        opts.approval_by_owner = st
            .iter()
            .filter_map(|s| Some((key(s), s.approval_by_owner.clone()?)))
            .collect();
    }
    let mut findings = policy::check(inp.records, &opts);
    // Where the record claims a verification that does not count, say why
    // (`verified_by` not committed yet, committed by the owner, an open issue).
    if let Some(st) = inp.statuses {
        let why: HashMap<(&str, &str), &ActionStatus> = st
            .iter()
            .map(|s| ((s.incident.as_str(), s.corrective_action.as_str()), s))
            .collect();
        let claimed: std::collections::HashSet<(&str, &str)> = inp
            .records
            .iter()
            .flat_map(|r| {
                r.incident
                    .corrective_actions
                    .iter()
                    .filter(|a| actions::recorded_verification(a))
                    .map(|a| (r.incident.id.as_str(), a.id.as_str()))
            })
            .collect();
        for f in findings
            .iter_mut()
            .filter(|f| matches!(f.rule, RuleId::CaUnverified | RuleId::CaUnverifiedOverdue))
        {
            let k = (
                f.incident.as_deref().unwrap_or(""),
                f.corrective_action.as_deref().unwrap_or(""),
            );
            if let (true, Some(s)) = (claimed.contains(&k), why.get(&k))
                && !s.verified
                && !s.reason.is_empty()
            {
                use crate::github::ReasonCode as R;
                // An open or reopened issue wins over the record (DESIGN §4):
                // name both sides of the disagreement and how to settle it.
                let verifier = inp
                    .records
                    .iter()
                    .filter(|r| r.incident.id == k.0)
                    .flat_map(|r| r.incident.corrective_actions.iter())
                    .find(|a| a.id == k.1)
                    .and_then(|a| a.verified_by.as_deref())
                    .map(|v| v.trim().to_string());
                match (s.reason_code, s.issue, verifier) {
                    (R::Open | R::Reopened, Some(n), Some(v)) => {
                        let state = if s.reason_code == R::Reopened {
                            "was reopened"
                        } else {
                            "is open"
                        };
                        f.message = format!(
                            "{}: the record says `verified_by: {v}`, but issue #{n} {state}",
                            f.message
                        );
                        f.help = Some(format!(
                            "the open issue wins over the record: if the work is done, have someone other than the owner close #{n} as completed; if it is not, remove `verified_by`/`verified_at` from the record"
                        ));
                    }
                    _ => f.message = format!("{}: {}", f.message, s.reason),
                }
            }
        }
    }
    // The verification can also show that the owner or an assignee verified
    // (closed the issue, or committed the `verified_by` line).
    let level = opts.level_of(RuleId::CaVerifiedByOwner);
    for s in inp.statuses.unwrap_or_default() {
        let already = findings.iter().any(|f| {
            f.rule == RuleId::CaVerifiedByOwner
                && f.incident.as_deref() == Some(&s.incident)
                && f.corrective_action.as_deref() == Some(&s.corrective_action)
        });
        if s.reason_code.by_owner() && !already && level != Level::Off {
            // At the record's line, like the policy's own findings.
            let rec = inp.records.iter().find(|r| r.incident.id == s.incident);
            let pos = rec.and_then(|r| {
                let i = r
                    .incident
                    .corrective_actions
                    .iter()
                    .position(|a| a.id == s.corrective_action)?;
                Some(
                    r.index
                        .nearest(&format!("corrective_actions[{i}].verified_by")),
                )
            });
            // Without an issue the record is what verifies (DESIGN §4).
            let help = if s.reason_code == crate::github::ReasonCode::CommittedByOwner {
                "completion must be verified by someone other than the owner: have someone other than the owner commit `verified_by` (and `verified_at`)"
            } else {
                "completion must be verified by someone other than the owner and the assignees: ask a colleague to close the issue or add the `ca-verified` label"
            };
            let mut f = Finding::new(
                RuleId::CaVerifiedByOwner,
                level,
                format!("{}: {}", s.corrective_action, s.reason),
            )
            .incident(&s.incident)
            .action(&s.corrective_action)
            .file(&s.file)
            .help(help);
            if let Some(p) = pos {
                f = f.at(p.line, p.column);
            }
            findings.push(f);
        }
    }
    merge_owner_verification(&mut findings);
    if let Some(change) = inp.change {
        findings.extend(provenance_incomplete(
            change,
            opts.level_of(RuleId::ProvenanceIncomplete),
        ));
        findings.extend(provenance_not_trailer(
            change,
            opts.level_of(RuleId::ProvenanceNotTrailer),
        ));
        let verified: HashMap<String, bool> = inp
            .statuses
            .unwrap_or_default()
            .iter()
            .map(|s| (key(s), s.verified))
            .collect();
        let mut open = Vec::new();
        for li in inp.records {
            let inc = &li.incident;
            let unverified: Vec<&crate::incident::CorrectiveAction> = inc
                .corrective_actions
                .iter()
                .filter(|a| {
                    // Verified or declined by this very change: still open
                    // for the change's own rule.
                    if change
                        .self_verified
                        .contains(&(inc.id.clone(), a.id.clone()))
                    {
                        return true;
                    }
                    let v = verified
                        .get(&format!("{}/{}", inc.id, a.id))
                        .copied()
                        .unwrap_or_else(|| actions::recorded_verification(a));
                    // A `wont-do` whose approval the owner committed is open.
                    actions::is_open(a, v)
                        || opts
                            .approval_by_owner
                            .contains_key(&format!("{}/{}", inc.id, a.id))
                })
                .collect();
            if unverified.is_empty() {
                continue;
            }
            open.push(OpenIncident {
                id: inc.id.clone(),
                record: li.path.clone(),
                files: inp.incident_files.get(&inc.id).cloned().unwrap_or_default(),
                issues: unverified
                    .iter()
                    .filter_map(|a| Some((a.id.clone(), a.issue?)))
                    .collect(),
                unverified: unverified.iter().map(|a| a.id.clone()).collect(),
            });
        }
        let mut touching =
            touches_open_incident(change, &open, opts.level_of(RuleId::TouchesOpenIncident));
        // Say what the change adds for itself, never leave it out silently
        // (issue 11): its own verification counts once it has merged.
        for f in touching.iter_mut().filter(|f| f.level != Level::Note) {
            let own: Vec<&str> = change
                .self_verified
                .iter()
                .filter(|(i, _)| Some(i.as_str()) == f.incident.as_deref())
                .map(|(_, a)| a.as_str())
                .collect();
            if !own.is_empty() {
                f.message = format!(
                    "{} (note: {}'s verification or approval is added by this change and counts after merge, not for the change itself)",
                    f.message,
                    own.join(", ")
                );
            }
        }
        findings.extend(touching);
    }
    // A waiver the change itself adds does not accept the change's own
    // findings: it applies once merged (after review).
    let (own, rest): (Vec<Finding>, Vec<Finding>) = match inp.change {
        Some(c) if !c.new_waivers.is_empty() => findings
            .into_iter()
            .partition(|f| f.rule.scope() == Scope::Change),
        _ => (Vec::new(), findings),
    };
    let mut findings = rest;
    apply_waivers(&mut findings, inp.waivers, inp.records, opts.now, &|r| {
        opts.level_of(r)
    });
    if let Some(c) = inp.change.filter(|_| !own.is_empty()) {
        let old: Vec<Waiver> = inp
            .waivers
            .iter()
            .enumerate()
            .filter(|(i, _)| !c.new_waivers.contains(i))
            .map(|(_, w)| w.clone())
            .collect();
        let mut own = own;
        apply_waivers(&mut own, &old, inp.records, opts.now, &|r| opts.level_of(r));
        // A waiver this change adds would match: say so (it applies after merge).
        for f in own.iter_mut().filter(|f| f.level != Level::Note) {
            let added: Vec<String> = c
                .new_waivers
                .iter()
                .filter(|&&i| {
                    inp.waivers.get(i).is_some_and(|w| {
                        w.rule == f.rule
                            && f.incident.as_deref() == Some(w.incident.as_str())
                            && w.corrective_action
                                .as_deref()
                                .is_none_or(|a| f.corrective_action.as_deref() == Some(a))
                    })
                })
                .map(|i| format!("#{}", i + 1))
                .collect();
            if !added.is_empty() {
                f.message = format!(
                    "{} (note: waiver {} is added by this change and applies after merge, not to the change itself)",
                    f.message,
                    added.join(", ")
                );
            }
        }
        // The waivers' own findings were reported above.
        own.retain(|f| f.rule.scope() != Scope::Waiver);
        findings.extend(own);
    }
    findings
}

/// Counts per rule, for summaries.
pub fn counts(findings: &[Finding]) -> BTreeMap<RuleId, usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        *m.entry(f.rule).or_default() += 1;
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
            implements: Vec::new(),
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

    /// Ids are ASCII digits, as `incident::store` reads them: another
    /// script's digits make no reference (a fresh tester found
    /// `INC-٢٠٢٦-٠٠١/CA-١` said to name "another incident").
    #[test]
    fn references_take_ascii_digits_only() {
        assert!(ACTION_REF.is_match("Fixes INC-2026-001/CA-1."));
        assert!(!ACTION_REF.is_match("INC-٢٠٢٦-٠٠١/CA-١"));
        assert!(!ACTION_REF.is_match("INC-２０２６-００１/CA-１"));
        assert!(ISSUE_REF.is_match("Fixes #412"));
        assert!(!ISSUE_REF.is_match("Fixes #٤١٢"));
    }

    #[test]
    fn each_missing_field_is_named() {
        let all = AeefFields {
            tool: true,
            model_version: true,
            prompt_ref: true,
            human_modifications: true,
            reviewer: true,
            block_undated: false,
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
            (
                AeefFields {
                    block_undated: true,
                    ..all
                },
                "generation-date",
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
            issues: BTreeMap::new(),
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
