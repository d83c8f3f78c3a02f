//! Whether each corrective action is verified (DESIGN §4), read from its
//! GitHub issue and timeline (online) or from the record and `git blame`
//! (offline). [`verify`] and [`verify_record`] are pure; [`statuses`] and
//! [`statuses_offline`] gather the inputs and are what `aeef ca status`,
//! `aeef ca review` and the gate call.
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

use super::api::{self, TimelineEvent};
use super::client::{Client, Method};
use super::{GithubError, RepoSlug, VERIFIED_LABEL};
use crate::error::GitError;
use crate::git::Repo;
use crate::incident::store::LoadedIncident;
use crate::incident::{CaStatus, CorrectiveAction, Incident, same_login};

/// Why an action is (not) verified; stable kebab-case codes in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// Closed as completed and confirmed by someone other than the owner
    /// and the assignees (online), or a committed `verified_by` (offline).
    Verified,
    /// The record has no `issue:` yet.
    NotFiled,
    /// The issue number in the record does not exist (or was deleted).
    IssueMissing,
    /// The issue is open and was never closed.
    Open,
    /// The issue was closed and reopened.
    Reopened,
    /// Closed as "not planned".
    NotPlanned,
    /// Closed for another reason (duplicate, or no reason recorded).
    ClosedOther,
    /// Closed as completed, but only the owner or an assignee closed it or
    /// added `ca-verified`: the verifier is the owner (`ca-verified-by-owner`).
    VerifiedByOwner,
    /// Offline: the record has no `verified_by`.
    NoVerifier,
    /// The record has `verified_by` but no `verified_at`: DESIGN §4 and
    /// the README ask for both ([`crate::incident::actions::recorded_verification`]).
    NoVerifiedAt,
    /// Offline: the commit that wrote `verified_by` was authored by the owner.
    CommittedByOwner,
    /// Offline: `verified_by` is not committed at HEAD (or differs there).
    NotCommitted,
}

impl ReasonCode {
    /// True when someone claimed verification but it was the owner or an
    /// assignee (the gate's `ca-verified-by-owner` rule).
    pub fn by_owner(self) -> bool {
        matches!(
            self,
            ReasonCode::VerifiedByOwner | ReasonCode::CommittedByOwner
        )
    }
}

/// The verification decision for one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub verified: bool,
    pub verifier: Option<String>,
    pub verified_at: Option<DateTime<FixedOffset>>,
    pub code: ReasonCode,
    /// A sentence for people.
    pub reason: String,
    /// The issue's assignees (online only).
    pub assignees: Vec<String>,
}

impl Verification {
    fn no(code: ReasonCode, reason: impl Into<String>, assignees: Vec<String>) -> Self {
        Verification {
            verified: false,
            verifier: None,
            verified_at: None,
            code,
            reason: reason.into(),
            assignees,
        }
    }
}

/// Decides verification from the issue and its timeline as GitHub returns
/// them (`GET /repos/O/R/issues/N` and `…/N/timeline`, read through the
/// typed [`api::Issue`] and [`api::TimelineEvent`]). Event kinds other than
/// closed/reopened/labeled/unlabeled are ignored.
///
/// Verified when the issue is closed with `state_reason: completed` and the
/// actor of the last `closed` event, or the actor who added the
/// `ca-verified` label (after the last reopening, not removed since), is
/// neither `owner` nor an assignee (logins compare case-insensitively).
pub fn verify(owner: Option<&str>, issue: &api::Issue, timeline: &[TimelineEvent]) -> Verification {
    let assignees = issue.assignee_logins();
    let excluded = |who: &str| {
        owner.is_some_and(|o| same_login(o, who)) || assignees.iter().any(|a| same_login(a, who))
    };
    let login = |u: &Option<api::User>| u.as_ref().map(|u| u.login.clone());
    let is_verified_label = |l: &Option<api::Label>| {
        l.as_ref()
            .is_some_and(|l| l.name().eq_ignore_ascii_case(VERIFIED_LABEL))
    };

    let mut ever_closed = false;
    let mut closer: Option<(String, Option<DateTime<FixedOffset>>)> = None;
    let mut labeler: Option<(String, Option<DateTime<FixedOffset>>)> = None;
    for ev in timeline {
        match ev {
            TimelineEvent::Closed(a) => {
                ever_closed = true;
                closer = login(&a.actor).map(|who| (who, a.created_at));
            }
            TimelineEvent::Reopened(_) => {
                // A confirmation given before the reopening no longer holds.
                closer = None;
                labeler = None;
            }
            TimelineEvent::Labeled(l) if is_verified_label(&l.label) => {
                labeler = login(&l.actor).map(|who| (who, l.created_at));
            }
            TimelineEvent::Unlabeled(l) if is_verified_label(&l.label) => labeler = None,
            _ => {}
        }
    }
    if !issue.has_label(VERIFIED_LABEL) {
        labeler = None;
    }

    match issue.state {
        api::State::Closed => {}
        api::State::Open if ever_closed => {
            return Verification::no(
                ReasonCode::Reopened,
                "the issue was reopened after closing",
                assignees,
            );
        }
        api::State::Open => {
            return Verification::no(ReasonCode::Open, "the issue is open", assignees);
        }
    }
    match issue.state_reason.as_deref() {
        Some("completed") => {}
        Some("not_planned") => {
            return Verification::no(
                ReasonCode::NotPlanned,
                "the issue was closed as not planned",
                assignees,
            );
        }
        Some(other) => {
            return Verification::no(
                ReasonCode::ClosedOther,
                format!("the issue was closed as {other}, not as completed"),
                assignees,
            );
        }
        None => {
            return Verification::no(
                ReasonCode::ClosedOther,
                "the issue was closed without a reason; close it as completed",
                assignees,
            );
        }
    }
    if closer.is_none() {
        closer = login(&issue.closed_by).map(|l| (l, issue.closed_at));
    }
    for (who, at) in [closer.clone(), labeler.clone()].into_iter().flatten() {
        if !excluded(&who) {
            return Verification {
                verified: true,
                verifier: Some(who.clone()),
                verified_at: at.or(issue.closed_at),
                code: ReasonCode::Verified,
                reason: if closer.as_ref().is_some_and(|c| c.0 == who) {
                    format!(
                        "closed as completed by @{who}, who is neither the owner nor an assignee"
                    )
                } else {
                    format!(
                        "`{VERIFIED_LABEL}` added by @{who}, who is neither the owner nor an assignee"
                    )
                },
                assignees,
            };
        }
    }
    let who = closer
        .map(|c| format!("closed by @{}", c.0))
        .unwrap_or_else(|| "closed".into());
    Verification::no(
        ReasonCode::VerifiedByOwner,
        format!(
            "{who}, the owner or an assignee; someone else must close it or add `{VERIFIED_LABEL}`"
        ),
        assignees,
    )
}

/// True when a commit author (name, e-mail) is the GitHub user `login`:
/// the name equals the login, the e-mail's local part equals it, or the
/// e-mail is GitHub's noreply address (`ID+login@users.noreply.github.com`
/// or `login@users.noreply.github.com`). All comparisons ignore case. This
/// errs towards "same person": a wrongly refused verification costs a
/// re-verification, a wrongly accepted one defeats the rule.
pub fn author_is_login(name: &str, email: &str, login: &str) -> bool {
    let login = login.trim().trim_start_matches('@');
    if login.is_empty() {
        return false;
    }
    if name.trim().eq_ignore_ascii_case(login) {
        return true;
    }
    let email = email.trim().to_ascii_lowercase();
    let local = email.split('@').next().unwrap_or("");
    let local = if email.ends_with("@users.noreply.github.com") {
        local.split_once('+').map_or(local, |(_, l)| l)
    } else {
        local
    };
    local.eq_ignore_ascii_case(login)
}

/// The author of the commit that last wrote the `verified_by` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAuthor {
    pub commit: String,
    pub name: String,
    pub email: String,
}

/// Offline decision: the record's `verified_by` must be set, differ from
/// the owner, be committed as it stands (`committed_verifier` is the value
/// at HEAD), and the commit that wrote the line (`author`) must not be the
/// owner's.
pub fn verify_record(
    action: &CorrectiveAction,
    committed_verifier: Option<&str>,
    author: Option<&LineAuthor>,
) -> Verification {
    let Some(v) = action
        .verified_by
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    else {
        return Verification::no(
            ReasonCode::NoVerifier,
            "the record has no `verified_by`",
            vec![],
        );
    };
    let owner = action.owner.as_deref().unwrap_or("");
    if same_login(v, owner) {
        return Verification::no(
            ReasonCode::VerifiedByOwner,
            format!("`verified_by` is the owner @{owner}"),
            vec![],
        );
    }
    if committed_verifier != Some(v) {
        return Verification::no(
            ReasonCode::NotCommitted,
            "`verified_by` is not committed at HEAD; commit the record",
            vec![],
        );
    }
    let Some(a) = author else {
        return Verification::no(
            ReasonCode::NotCommitted,
            "the commit that wrote `verified_by` could not be found",
            vec![],
        );
    };
    if !owner.is_empty() && author_is_login(&a.name, &a.email, owner) {
        let short = a.commit.get(..12).unwrap_or(&a.commit);
        return Verification::no(
            ReasonCode::CommittedByOwner,
            format!("`verified_by` was committed by the owner @{owner} ({short})"),
            vec![],
        );
    }
    // The one definition of the record's claim: both fields set. Checked
    // last, so a verification the owner wrote is named as such first.
    if !crate::incident::actions::recorded_verification(action) {
        return Verification::no(
            ReasonCode::NoVerifiedAt,
            format!("the record has `verified_by: {v}` but no `verified_at`; both must be set"),
            vec![],
        );
    }
    Verification {
        verified: true,
        verifier: Some(v.to_string()),
        verified_at: action.verified_at,
        code: ReasonCode::Verified,
        reason: format!("`verified_by: {v}` in the record, not committed by the owner"),
        assignees: vec![],
    }
}

/// What the issue looks like on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueState {
    Open,
    Closed,
    /// Not filed, or the number does not exist.
    Missing,
    /// Offline: not asked.
    Unknown,
}

/// One line of `aeef ca status` (DESIGN §8), plus what the review and the
/// gate need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionStatus {
    pub incident: String,
    pub corrective_action: String,
    pub issue: Option<u64>,
    pub state: IssueState,
    pub verified: bool,
    pub verifier: Option<String>,
    pub reason: String,
    pub reason_code: ReasonCode,
    pub overdue: bool,
    pub next_effectiveness_mark: Option<NaiveDate>,
    /// The mark is past and its evaluation is not recorded.
    pub effectiveness_overdue: bool,
    pub verified_at: Option<DateTime<FixedOffset>>,
    pub owner: Option<String>,
    pub assignees: Vec<String>,
    pub due: Option<NaiveDate>,
    pub action: String,
    pub record_status: CaStatus,
    /// `wont-do` approved by someone other than the owner, with a reason
    /// (`incident::actions::is_declined`): closed without being done.
    pub declined: bool,
    /// The record's path, relative to the repository root.
    pub file: String,
    /// A `wont-do` whose `approved_by` value was committed by the owner
    /// (the commit, abbreviated): the owner declined their own action, so
    /// it is not declined (`ca-wont-do-unapproved`, DESIGN §3). Set by
    /// [`owner_approvals`]; not part of the JSON contract.
    #[serde(skip)]
    pub approval_by_owner: Option<String>,
}

/// The next effectiveness evaluation: 30 days after verification until the
/// day-30 evaluation is recorded, then 90 days; `None` when unverified or
/// both are done.
pub fn next_mark(
    action: &CorrectiveAction,
    verified_at: Option<DateTime<FixedOffset>>,
) -> Option<NaiveDate> {
    crate::incident::actions::next_mark_day(action, verified_at)
}

/// Combines an action, its verification and the clock into a status line.
pub fn build_status(
    inc: &Incident,
    file: &str,
    action: &CorrectiveAction,
    state: IssueState,
    v: Verification,
    now: DateTime<Utc>,
) -> ActionStatus {
    let verified_at = if v.verified { v.verified_at } else { None };
    let mark = if v.verified {
        next_mark(action, verified_at)
    } else {
        None
    };
    ActionStatus {
        incident: inc.id.clone(),
        corrective_action: action.id.clone(),
        issue: action.issue,
        state,
        verified: v.verified,
        verifier: v.verifier,
        reason: v.reason,
        reason_code: v.code,
        overdue: crate::incident::actions::is_overdue(action, v.verified, now),
        next_effectiveness_mark: mark,
        // The same instant the policy's `ca-effectiveness-overdue` uses
        // (verification + 30/90 days), so status and gate agree on the mark day.
        effectiveness_overdue: !crate::incident::actions::overdue_marks(action, verified_at, now)
            .is_empty(),
        verified_at,
        owner: action.owner.clone(),
        assignees: v.assignees,
        due: action.due,
        action: action.action.clone(),
        record_status: action.status,
        declined: crate::incident::actions::is_declined(action),
        file: file.to_string(),
        approval_by_owner: None,
    }
}

/// Reads every action's issue and timeline from GitHub and decides. The
/// repository is checked first so a wrong `--repo` is an error, not a
/// list of "missing" issues. Needs `issues: read`.
pub async fn statuses(
    client: &Client,
    slug: &RepoSlug,
    incidents: &[LoadedIncident],
    now: DateTime<Utc>,
) -> Result<Vec<ActionStatus>, GithubError> {
    let repo_s = slug.to_string();
    let perm = "issues: read";
    let base = slug.api_path();
    // Also proves the API root speaks GitHub's shapes before anything is decided.
    let _: api::Repository = client.get_one(&base, &repo_s, perm).await?;
    let by_marker = issues_by_marker(client, slug, incidents).await?;
    let mut out = Vec::new();
    for li in incidents {
        for a in &li.incident.corrective_actions {
            let found = by_marker.get(&(li.incident.id.clone(), a.id.clone()));
            let Some(n) = a.issue.or(found.copied()) else {
                let v = Verification::no(
                    ReasonCode::NotFiled,
                    "no issue filed yet (`aeef ca file`)",
                    vec![],
                );
                out.push(build_status(
                    &li.incident,
                    &li.path,
                    a,
                    IssueState::Missing,
                    v,
                    now,
                ));
                continue;
            };
            let path = format!("{base}/issues/{n}");
            let resp = client.request(Method::Get, &path, None).await?;
            if matches!(resp.status, 404 | 410) {
                let v = Verification::no(
                    ReasonCode::IssueMissing,
                    format!("issue #{n} does not exist in {repo_s}"),
                    vec![],
                );
                let mut st = build_status(&li.incident, &li.path, a, IssueState::Missing, v, now);
                st.issue = Some(n);
                out.push(st);
                continue;
            }
            let resp = client.check(Method::Get, &path, resp, &repo_s, perm)?;
            let issue: api::Issue = client.parse(Method::Get, &path, &resp)?;
            if issue.is_pull_request() {
                // The issues endpoint answers for pull requests too.
                let v = Verification::no(
                    ReasonCode::IssueMissing,
                    format!(
                        "#{n} in {repo_s} is a pull request, not an issue; fix `issue:` in the record"
                    ),
                    vec![],
                );
                out.push(build_status(
                    &li.incident,
                    &li.path,
                    a,
                    IssueState::Missing,
                    v,
                    now,
                ));
                continue;
            }
            let timeline: Vec<TimelineEvent> = client
                .get_all(&format!("{path}/timeline"), &repo_s, perm)
                .await?;
            let state = match issue.state {
                api::State::Closed => IssueState::Closed,
                api::State::Open => IssueState::Open,
            };
            let v = verify(a.owner.as_deref(), &issue, &timeline);
            let mut st = build_status(&li.incident, &li.path, a, state, v, now);
            st.issue = Some(n);
            out.push(st);
        }
    }
    Ok(out)
}

/// Online verification (DESIGN §4) with the record path for actions that
/// have no issue: such an action is verified by its record — `verified_by`
/// and `verified_at`, committed by someone other than the owner — online as
/// offline, so a token never turns a verified action into an unverified one.
/// The record path runs only when some action has no issue. `at` is the
/// revision the records were read from, as for [`statuses_offline`].
pub fn with_records_for_unfiled(
    mut online: Vec<ActionStatus>,
    repo: &Repo,
    incidents: &[LoadedIncident],
    now: DateTime<Utc>,
    at: Option<git2::Oid>,
) -> Result<Vec<ActionStatus>, GitError> {
    // An approval the owner committed is not one, online as offline.
    owner_approvals(&mut online, repo, incidents, now, at)?;
    if !online.iter().any(|s| s.reason_code == ReasonCode::NotFiled) {
        return Ok(online);
    }
    let offline = statuses_offline(repo, incidents, now, at)?;
    for s in online
        .iter_mut()
        .filter(|s| s.reason_code == ReasonCode::NotFiled)
    {
        if let Some(o) = offline
            .iter()
            .find(|o| o.incident == s.incident && o.corrective_action == s.corrective_action)
        {
            let state = s.state;
            *s = o.clone();
            s.state = state;
        }
    }
    Ok(online)
}

/// Issue numbers of the actions whose record lacks `issue:`, found by their
/// hidden marker `<!-- aeef:ca INC/CA -->` (DESIGN §4: "its `issue:`
/// number, or found by its marker when the record lacks the number"), keyed
/// `(incident, action)`. One listing of the `ai-incident-ca` issues, and
/// none when every action has its number. Needs `issues: read`.
pub async fn issues_by_marker(
    client: &Client,
    slug: &RepoSlug,
    incidents: &[LoadedIncident],
) -> Result<std::collections::BTreeMap<(String, String), u64>, GithubError> {
    let lacking = incidents.iter().any(|li| {
        li.incident
            .corrective_actions
            .iter()
            .any(|a| a.issue.is_none())
    });
    if !lacking {
        return Ok(Default::default());
    }
    super::file::list_markers(client, slug).await
}

/// Decides from the records alone (no token, `--offline`): `verified_by`
/// must be committed at HEAD by someone other than the owner, read with
/// `git blame` on the `verified_by:` line. Records read from another
/// revision (`at`: `--rev`, see [`records_revision`]) are judged by that
/// revision's history. Issue states are `unknown` (or `missing` when no
/// issue is recorded).
///
/// Errors: [`GitError::Shallow`] when the answer depends on history a
/// shallow clone lacks — the blame of a `verified_by` line lands on a
/// shallow boundary, whose "author" only made the snapshot (DESIGN §2:
/// never guess). Other git failures of that blame are errors too.
pub fn statuses_offline(
    repo: &Repo,
    incidents: &[LoadedIncident],
    now: DateTime<Utc>,
    at: Option<git2::Oid>,
) -> Result<Vec<ActionStatus>, GitError> {
    let head = records_revision(repo, at);
    let blobs = head
        .as_deref()
        .map(|h| record_blobs(repo, h, incidents))
        .unwrap_or_default();
    // Who set the values: read on first need, once for this run.
    let mut history = head
        .as_deref()
        .map(|h| RecordHistory::new(repo, h, incidents));
    let mut out = Vec::new();
    for li in incidents {
        let head_text = blobs.get(li.path.as_str()).and_then(|oid| {
            let blob = repo.git2().find_blob(*oid).ok()?;
            Some(String::from_utf8_lossy(blob.content()).into_owned())
        });
        // In CI the work tree is HEAD: reuse the record already parsed.
        let reparsed;
        let head_record = match head_text.as_deref() {
            Some(t) if t == li.source => Some(&li.incident),
            Some(t) => {
                reparsed = serde_saphyr::from_str::<Incident>(t).ok();
                reparsed.as_ref()
            }
            None => None,
        };
        for a in &li.incident.corrective_actions {
            let committed = head_record
                .and_then(|r| r.corrective_actions.iter().find(|c| c.id == a.id))
                .and_then(|c| c.verified_by.clone());
            let author = match (history.as_mut(), &head_text) {
                (Some(h), Some(t)) if committed.is_some() => {
                    let owner = a.owner.as_deref().unwrap_or("");
                    h.setter(&li.path, t, &a.id, "verified_by", owner)?
                }
                _ => None,
            };
            let v = verify_record(a, committed.as_deref(), author.as_ref());
            let state = if a.issue.is_some() {
                IssueState::Unknown
            } else {
                IssueState::Missing
            };
            out.push(build_status(&li.incident, &li.path, a, state, v, now));
        }
    }
    if let Some(h) = history.as_mut() {
        owner_approvals_in(&mut out, incidents, now, h)?;
    }
    Ok(out)
}

/// The commit whose history decides who committed a record's values: the
/// revision the records were read from (`--rev`, or HEAD in a bare
/// repository), HEAD for a work tree. Reading authorship at HEAD for
/// records read at another revision judged one version's values by
/// another version's history.
fn records_revision(repo: &Repo, at: Option<git2::Oid>) -> Option<String> {
    match at {
        Some(oid) => Some(oid.to_string()),
        None => repo.resolve_commit("HEAD").ok(),
    }
}

/// Marks each properly written `wont-do` whose `approved_by` value was
/// committed by the action's owner ([`crate::audit::value_setter`], the
/// rule `verified_by` follows): such an action is not declined, counts as
/// open (and overdue past its due date), and `ca-wont-do-unapproved` names
/// the commit. Reads history only for records an owner touched, up to `at`
/// (the records' revision, HEAD when `None`).
///
/// Errors: as [`value_author`] (a shallow clone, git failures).
pub fn owner_approvals(
    statuses: &mut [ActionStatus],
    repo: &Repo,
    incidents: &[LoadedIncident],
    now: DateTime<Utc>,
    at: Option<git2::Oid>,
) -> Result<(), GitError> {
    if !statuses.iter().any(|s| s.declined) {
        return Ok(());
    }
    let Some(head) = records_revision(repo, at) else {
        return Ok(());
    };
    owner_approvals_in(
        statuses,
        incidents,
        now,
        &mut RecordHistory::new(repo, &head, incidents),
    )
}

/// [`owner_approvals`] with the history the caller has already read.
fn owner_approvals_in(
    statuses: &mut [ActionStatus],
    incidents: &[LoadedIncident],
    now: DateTime<Utc>,
    history: &mut RecordHistory<'_>,
) -> Result<(), GitError> {
    if !statuses.iter().any(|s| s.declined) {
        return Ok(());
    }
    for li in incidents {
        for a in &li.incident.corrective_actions {
            let Some(st) = statuses.iter_mut().find(|s| {
                s.declined && s.incident == li.incident.id && s.corrective_action == a.id
            }) else {
                continue;
            };
            let owner = a.owner.as_deref().unwrap_or("");
            if owner.is_empty() {
                continue;
            }
            let Some(by) = history.setter(&li.path, &li.source, &a.id, "approved_by", owner)?
            else {
                continue;
            };
            if author_is_login(&by.name, &by.email, owner) {
                st.declined = false;
                st.overdue = !st.verified && crate::incident::actions::is_past_due(a, now);
                let short = by.commit.get(..12).unwrap_or(&by.commit).to_string();
                st.reason = format!(
                    "`approved_by` of this wont-do was committed by the owner @{} ({short}); it counts as open",
                    owner.trim_start_matches('@')
                );
                st.approval_by_owner = Some(short);
            }
        }
    }
    Ok(())
}

/// Who set the records' values, read from their history up to one
/// revision: the touchers log on first need and each folder's history
/// once, shared by `verified_by` and `approved_by`.
struct RecordHistory<'r> {
    repo: &'r Repo,
    head: String,
    incidents: &'r [LoadedIncident],
    touchers: std::cell::OnceCell<Option<Touchers>>,
    histories: Histories,
}

impl<'r> RecordHistory<'r> {
    fn new(repo: &'r Repo, head: &str, incidents: &'r [LoadedIncident]) -> Self {
        RecordHistory {
            repo,
            head: head.to_string(),
            incidents,
            touchers: std::cell::OnceCell::new(),
            histories: Histories::new(),
        }
    }

    fn touchers(&self) -> Option<&Touchers> {
        self.touchers
            .get_or_init(|| record_touchers(self.repo, &self.head, self.incidents))
            .as_ref()
    }

    /// The author of the commit that set `key` of action `ca` in the
    /// record at `path` (`text` as it stands): where no commit that ever
    /// touched the record can be `owner`'s, the latest of them (no history
    /// walk needed); otherwise [`value_author`], unless the commit it names
    /// moved the record into its path from another folder: that folder's
    /// history starts there, so who set the value before the move is not
    /// known, and it is not taken for the mover (a move by someone else
    /// would hide an owner's own verification). Unknown counts as not
    /// verified.
    fn setter(
        &mut self,
        path: &str,
        text: &str,
        ca: &str,
        key: &str,
        owner: &str,
    ) -> Result<Option<LineAuthor>, GitError> {
        if let Some(tc) = self.touchers()
            && tc.none_is(self.repo, path, owner)
        {
            return Ok(tc.by_path.get(path).and_then(|w| w.first()).cloned());
        }
        let moved_by = self
            .touchers()
            .and_then(|t| t.moved_in_by(path))
            .map(str::to_string);
        let found = value_author(
            self.repo,
            &mut self.histories,
            &self.head,
            path,
            text,
            ca,
            key,
        )?;
        Ok(found.filter(|a| moved_by.as_deref() != Some(a.commit.as_str())))
    }
}

/// Who touched each record, from one `git log` over the records' folders,
/// for the shortcut "no commit that ever touched the record is the
/// owner's". `None` when that cannot be known (no `git`, git failed): then
/// every value's setter is read from the history.
struct Touchers {
    /// Authors of every commit that touched each path, newest first.
    by_path: HashMap<String, Vec<LineAuthor>>,
    /// Paths a commit moved or copied a file into (git's rename detection
    /// over the whole tree): their earlier history is under another name,
    /// so no shortcut for them.
    moved_in: HashMap<String, String>,
}

impl Touchers {
    /// True when no commit that touched `path` can be `owner`'s (and none
    /// hides its parents behind a shallow edge, nor brought the file from
    /// another name).
    fn none_is(&self, repo: &Repo, path: &str, owner: &str) -> bool {
        let who = self.by_path.get(path).map(Vec::as_slice).unwrap_or(&[]);
        !owner.is_empty()
            && !who.is_empty()
            && !self.moved_in.contains_key(path)
            && !who.iter().any(|w| {
                author_is_login(&w.name, &w.email, owner) || repo.is_shallow_boundary(&w.commit)
            })
    }

    /// The commit that moved or copied a file into `path`, if one did.
    fn moved_in_by(&self, path: &str) -> Option<&str> {
        self.moved_in.get(path).map(String::as_str)
    }
}

/// Reads [`Touchers`] up to `head` (`git log --full-diff -M`: every change
/// of each commit that touched the folders, renames detected over the
/// whole tree, so a record moved in from anywhere shows as moved).
fn record_touchers(repo: &Repo, head: &str, incidents: &[LoadedIncident]) -> Option<Touchers> {
    if !repo.has_git() {
        return None;
    }
    let mut t = Touchers {
        by_path: HashMap::new(),
        moved_in: HashMap::new(),
    };
    if incidents.is_empty() {
        return Some(t);
    }
    let mut dirs: Vec<String> = incidents
        .iter()
        .map(|li| match li.path.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => ".".to_string(),
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut cmd = repo.git();
    // `-c`: a merge lists the files it changed against every parent (a
    // conflict resolution, an evil merge), so its author counts too.
    cmd.args([
        "log",
        "-z",
        "-M",
        "-c",
        "--full-diff",
        "--name-status",
        "--format=%x01%H%x00%an%x00%ae",
        head,
        "--",
    ])
    .args(&dirs);
    let bytes = repo.run(&mut cmd).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    for rec in text.split('\u{1}').filter(|r| !r.is_empty()) {
        let mut f = rec.split('\0');
        let (Some(commit), Some(name), Some(email)) = (f.next(), f.next(), f.next()) else {
            return None;
        };
        let who = LineAuthor {
            commit: commit.to_string(),
            name: name.to_string(),
            email: email.to_string(),
        };
        // `STATUS\0PATH\0`, or `R100\0OLD\0NEW\0` for a rename or copy;
        // a merge's combined status is a letter per parent (`MM`, `RM`)
        // before the one path it has now.
        while let Some(status) = f.next().map(|x| x.trim_matches('\n')) {
            if status.is_empty() {
                continue;
            }
            let combined = status.len() > 1 && status.bytes().all(|b| b.is_ascii_alphabetic());
            let paths = if !combined && status.starts_with(['R', 'C']) {
                2
            } else {
                1
            };
            let mut named = Vec::new();
            for _ in 0..paths {
                named.push(f.next()?.to_string());
            }
            if paths == 2 {
                // Newest first: the last move into the path is kept.
                t.moved_in
                    .entry(named[1].clone())
                    .or_insert_with(|| commit.to_string());
            }
            for path in named {
                t.by_path.entry(path).or_default().push(who.clone());
            }
        }
    }
    Some(t)
}

/// Blob ids of the records at `rev`, reading each folder's tree once
/// (a lookup by path per record re-reads the folder's tree every time).
fn record_blobs<'a>(
    repo: &Repo,
    rev: &str,
    incidents: &'a [LoadedIncident],
) -> HashMap<&'a str, git2::Oid> {
    let mut out = HashMap::new();
    let r = repo.git2();
    let Some(root) = git2::Oid::from_str(rev)
        .ok()
        .and_then(|o| r.find_commit(o).ok())
        .and_then(|c| c.tree().ok())
    else {
        return out;
    };
    let mut dirs: HashMap<&str, Option<HashMap<Vec<u8>, git2::Oid>>> = HashMap::new();
    for li in incidents {
        let (dir, name) = li.path.rsplit_once('/').unwrap_or(("", li.path.as_str()));
        let entries = dirs.entry(dir).or_insert_with(|| {
            let tree = if dir.is_empty() {
                Some(root.clone())
            } else {
                root.get_path(std::path::Path::new(dir))
                    .ok()
                    .and_then(|e| e.to_object(r).ok())
                    .and_then(|o| o.into_tree().ok())
            };
            tree.map(|t| {
                t.iter()
                    .map(|e| (e.name_bytes().to_vec(), e.id()))
                    .collect()
            })
        });
        if let Some(oid) = entries.as_ref().and_then(|m| m.get(name.as_bytes())) {
            out.insert(li.path.as_str(), *oid);
        }
    }
    out
}

type Histories = HashMap<String, std::rc::Rc<Vec<crate::audit::AuditCommit>>>;

/// The author of the commit that set the current value of `key`
/// (`verified_by`, `approved_by`) of action `ca` in the record at `path`
/// ([`crate::audit::value_setter`]: the value, not the last edit of its
/// line, so a formatting commit by someone else does not take it over).
/// The folder's history is read once into `histories`. A record at the
/// repository's root has no folder to walk and falls back to `git blame`.
///
/// Errors: [`GitError::Shallow`] in a shallow clone (the commit that set
/// the value may not have been fetched: never guess), other git failures.
fn value_author(
    repo: &Repo,
    histories: &mut Histories,
    head: &str,
    path: &str,
    text: &str,
    ca: &str,
    key: &str,
) -> Result<Option<LineAuthor>, GitError> {
    let Some((dir, _)) = path.rsplit_once('/') else {
        return line_author(repo, head, path, text, ca, key);
    };
    let h = match histories.get(dir) {
        Some(h) => h.clone(),
        None => {
            let h = crate::audit::history(repo, dir, Some(head)).map_err(|e| match e {
                GitError::Shallow { .. } => GitError::Shallow {
                    what: format!(
                        "who set `{key}` of {ca} in {path} is decided from the record's history, which this shallow clone lacks"
                    ),
                },
                e => e,
            })?;
            let h = std::rc::Rc::new(h);
            histories.insert(dir.to_string(), h.clone());
            h
        }
    };
    let Some((c, value)) = crate::audit::value_setter(&h, path, ca, key) else {
        return Ok(None);
    };
    // The record's versions are read in one line of history, so where
    // branches met a merge can seem to set a value one of its branches set
    // (the other renamed or edited the record in between), or the last
    // version read is not the record as it stands (the merge kept one
    // side). Then `git blame`, which follows each line into the parent it
    // came from (renames included), names the commit that wrote it.
    let merge = git2::Oid::from_str(&c.sha)
        .ok()
        .and_then(|o| repo.git2().find_commit(o).ok())
        .is_some_and(|m| m.parent_count() > 1);
    if merge || !crate::audit::holds_value(text, ca, key, &value) {
        return line_author(repo, head, path, text, ca, key);
    }
    Ok(Some(LineAuthor {
        commit: c.sha.clone(),
        name: c.author_name.clone(),
        email: c.author_email.clone(),
    }))
}

/// The author of the commit that wrote the `verified_by:` line of action
/// `ca` in `path` at `head`, by `git blame`. `Ok(None)` when the line
/// cannot be located; an error when blame fails or reaches a shallow
/// boundary ([`crate::git::blame::check_not_boundary`]).
fn line_author(
    repo: &Repo,
    head: &str,
    path: &str,
    text: &str,
    ca: &str,
    key: &str,
) -> Result<Option<LineAuthor>, GitError> {
    let Some(n) = super::file::key_line(text, ca, key).and_then(|l| u32::try_from(l + 1).ok())
    else {
        return Ok(None);
    };
    let bl = crate::git::blame::blame(repo, head, path, &[(n, n)])?;
    let Some(line) = bl.first() else {
        return Ok(None);
    };
    crate::git::blame::check_not_boundary(repo, line, path)?;
    let Some(c) = git2::Oid::from_str(&line.commit)
        .ok()
        .and_then(|o| repo.git2().find_commit(o).ok())
    else {
        return Ok(None);
    };
    let author = c.author();
    Ok(Some(LineAuthor {
        name: author.name().unwrap_or("").to_string(),
        email: author.email().unwrap_or("").to_string(),
        commit: line.commit.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn issue(state: &str, reason: Option<&str>, assignees: &[&str], labels: &[&str]) -> api::Issue {
        serde_json::from_value(json!({
            "number": 7, "state": state, "state_reason": reason,
            "assignees": assignees.iter().map(|a| json!({"login": a})).collect::<Vec<_>>(),
            "labels": labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "closed_at": "2026-11-21T10:00:00Z",
        }))
        .unwrap()
    }
    fn tl(evs: &[Value]) -> Vec<TimelineEvent> {
        serde_json::from_value(Value::Array(evs.to_vec())).unwrap()
    }
    fn ev(kind: &str, actor: &str) -> Value {
        json!({"event": kind, "actor": {"login": actor}, "created_at": "2026-11-21T10:00:00Z"})
    }
    fn label_ev(kind: &str, actor: &str, name: &str) -> Value {
        json!({"event": kind, "actor": {"login": actor}, "label": {"name": name}, "created_at": "2026-11-22T10:00:00Z"})
    }

    #[test]
    fn closed_by_someone_else_is_verified() {
        let v = verify(
            Some("alice"),
            &issue("closed", Some("completed"), &["alice"], &[]),
            &tl(&[ev("closed", "bob")]),
        );
        assert!(v.verified);
        assert_eq!(v.verifier.as_deref(), Some("bob"));
    }

    #[test]
    fn closed_by_assignee_is_not() {
        let v = verify(
            Some("alice"),
            &issue("closed", Some("completed"), &["carol"], &[]),
            &tl(&[ev("closed", "Carol")]),
        );
        assert!(!v.verified);
        assert_eq!(v.code, ReasonCode::VerifiedByOwner);
    }

    #[test]
    fn label_by_other_counts_label_by_owner_does_not() {
        let i = issue("closed", Some("completed"), &["alice"], &[VERIFIED_LABEL]);
        let v = verify(
            Some("alice"),
            &i,
            &tl(&[
                ev("closed", "alice"),
                label_ev("labeled", "dave", VERIFIED_LABEL),
            ]),
        );
        assert_eq!((v.verified, v.verifier.as_deref()), (true, Some("dave")));
        let v = verify(
            Some("alice"),
            &i,
            &tl(&[
                ev("closed", "alice"),
                label_ev("labeled", "alice", VERIFIED_LABEL),
            ]),
        );
        assert!(!v.verified);
        // Removed again: no longer counts.
        let i2 = issue("closed", Some("completed"), &["alice"], &[]);
        let v = verify(
            Some("alice"),
            &i2,
            &tl(&[
                ev("closed", "alice"),
                label_ev("labeled", "dave", VERIFIED_LABEL),
                label_ev("unlabeled", "alice", VERIFIED_LABEL),
            ]),
        );
        assert!(!v.verified);
    }

    #[test]
    fn reopened_not_planned_and_unknown_events() {
        let v = verify(
            Some("alice"),
            &issue("open", None, &[], &[]),
            &tl(&[ev("closed", "bob"), ev("reopened", "alice")]),
        );
        assert_eq!(v.code, ReasonCode::Reopened);
        let v = verify(
            Some("alice"),
            &issue("closed", Some("not_planned"), &[], &[]),
            &tl(&[ev("closed", "bob")]),
        );
        assert_eq!(v.code, ReasonCode::NotPlanned);
        let v = verify(
            Some("alice"),
            &issue("closed", Some("completed"), &[], &[]),
            &tl(&[
                json!({"event": "brand_new_kind", "weird": [1]}),
                json!({"no_event": true}),
                ev("closed", "bob"),
            ]),
        );
        assert!(v.verified);
        // Closed, reopened, closed again by the owner: the first closer no longer counts.
        let v = verify(
            Some("alice"),
            &issue("closed", Some("completed"), &[], &[]),
            &tl(&[
                ev("closed", "bob"),
                ev("reopened", "alice"),
                ev("closed", "alice"),
            ]),
        );
        assert!(!v.verified);
    }

    #[test]
    fn author_login_rule() {
        assert!(author_is_login("alice", "x@example.com", "Alice"));
        assert!(author_is_login("Alice Human", "alice@example.com", "alice"));
        assert!(author_is_login(
            "A",
            "12345+alice@users.noreply.github.com",
            "alice"
        ));
        assert!(!author_is_login("Bob", "bob@example.com", "alice"));
        assert!(!author_is_login("Bob", "bob@example.com", ""));
    }
}

#[cfg(test)]
mod mark_tests {
    use super::*;

    /// `ca status` and the gate's `ca-effectiveness-overdue` agree on the
    /// mark day: overdue from verification + 30 days, to the minute.
    #[test]
    fn effectiveness_is_overdue_from_the_same_instant_as_the_policy() {
        let inc: Incident = serde_saphyr::from_str(
            "id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-09-01T00:00:00Z\ncorrective_actions:\n  - id: CA-1\n    action: a\n    category: training\n    owner: alice\n",
        )
        .unwrap();
        let at = DateTime::parse_from_rfc3339("2026-10-01T10:00:00Z").unwrap();
        let status = |now: &str| {
            let v = Verification {
                verified: true,
                verifier: Some("bob".into()),
                verified_at: Some(at),
                code: ReasonCode::Verified,
                reason: String::new(),
                assignees: vec![],
            };
            let now = DateTime::parse_from_rfc3339(now)
                .unwrap()
                .with_timezone(&Utc);
            build_status(
                &inc,
                "r.yaml",
                &inc.corrective_actions[0],
                IssueState::Closed,
                v,
                now,
            )
        };
        assert!(!status("2026-10-31T09:00:00Z").effectiveness_overdue);
        assert!(status("2026-10-31T11:00:00Z").effectiveness_overdue);
    }
}
