//! `aeef ca file | status | review`: corrective actions on GitHub
//! (DESIGN §4). Argument handling and rendering; the work is in
//! `crate::github`.
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::connection::GhArgs;
use super::connection::GitHub;
use super::connection::{api_url, check_token_env, slug, token};
use super::{Ctx, Format, out, write_result};
use crate::error::{Outcome, UsageError};
use crate::github::status::ActionStatus;
use crate::github::{self, GithubError, file, review};
use crate::incident::CaStatus;
use crate::incident::store::{LoadedIncident, load_all};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// File one GitHub issue per corrective action that has none and record
    /// its number in the incident record. Safe to rerun.
    File {
        /// Only this incident.
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
        /// Show what would be filed; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        gh: GhArgs,
    },
    /// Show each corrective action's issue, verification, due date and next
    /// effectiveness mark.
    Status {
        /// Only this incident (INC-YYYY-NNN).
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
        /// Decide from the records and git history only (also without a token).
        #[arg(long)]
        offline: bool,
        /// Fix the clock (RFC 3339).
        #[arg(long, value_name = super::context::NOW_VALUE, value_parser = super::context::parse_now)]
        now: Option<DateTime<Utc>>,
        #[command(flatten)]
        gh: GhArgs,
    },
    /// Print the weekly review digest in Markdown; `--post N` keeps it as one
    /// comment on issue N.
    Review {
        /// Create or update the digest comment on this issue (needs a token).
        #[arg(long, value_name = "ISSUE", conflicts_with = "offline")]
        post: Option<u64>,
        /// Build the digest from the records and git history only (also
        /// without a token); cannot be combined with `--post`.
        #[arg(long)]
        offline: bool,
        /// Fix the clock (RFC 3339) for due dates and effectiveness marks.
        #[arg(long, value_name = super::context::NOW_VALUE, value_parser = super::context::parse_now)]
        now: Option<DateTime<Utc>>,
        #[command(flatten)]
        gh: GhArgs,
    },
}

pub fn run(c: Command, ctx: &Ctx) -> miette::Result<Outcome> {
    let (Command::File { gh, .. } | Command::Status { gh, .. } | Command::Review { gh, .. }) = &c;
    check_token_env(gh)?;
    match c {
        Command::File {
            incident,
            dry_run,
            gh,
        } => cmd_file(ctx, incident, dry_run, &gh),
        Command::Status {
            incident,
            offline,
            now,
            gh,
        } => cmd_status(ctx, incident, offline, now, &gh),
        Command::Review {
            post,
            offline,
            now,
            gh,
        } => cmd_review(ctx, post, offline, now, &gh),
    }
}

/// The work tree root and the records (filtered by `--incident`), for
/// `ca file`, which writes issue numbers into them: a work tree is needed.
fn records(
    ctx: &Ctx,
    incident: Option<&str>,
) -> miette::Result<(crate::git::Repo, PathBuf, Vec<LoadedIncident>)> {
    let repo = ctx.repo()?;
    let root = repo.workdir().map(Path::to_path_buf).ok_or_else(|| {
        UsageError::new(
            "`aeef ca` needs a work tree (this repository is bare)",
            "run it in a checkout of the repository",
        )
    })?;
    let cfg = super::load_config_at(&root)?;
    let (ok, bad) = load_all(&root, &cfg);
    let ok = usable(ctx, &root, ok, bad, incident, &cfg.incidents_dir)?;
    Ok((repo, root, ok))
}

/// The records `ca status` and `ca review` read (filtered by
/// `--incident`): from the work tree, or — in a bare repository or with
/// `--rev` — from the tree of that revision, saying which on stderr, as
/// every reading command does (issue 11: a bare repository must not read
/// as "no records").
/// Also the revision they were read from (`None`: the work tree).
fn read_records(
    ctx: &Ctx,
    incident: Option<&str>,
) -> miette::Result<(crate::git::Repo, Vec<LoadedIncident>, Option<git2::Oid>)> {
    let repo = ctx.repo()?;
    let ws = super::context::workspace(ctx)?;
    let (ok, bad) = ws.records()?;
    let ok = usable(ctx, &ws.root, ok, bad, incident, &ws.config.incidents_dir)?;
    Ok((repo, ok, ws.records_at()))
}

/// Refuses unreadable records (nothing can be decided; the one refusal of
/// `context::refuse_unreadable`), then keeps the incident `--incident`
/// names, refusing an id no record has.
fn usable(
    ctx: &Ctx,
    root: &Path,
    mut ok: Vec<LoadedIncident>,
    bad: Vec<crate::findings::Finding>,
    incident: Option<&str>,
    incidents_dir: &str,
) -> miette::Result<Vec<LoadedIncident>> {
    if !bad.is_empty() {
        super::context::refuse_unreadable(ctx, root, &ok, bad)?;
    }
    if let Some(id) = incident {
        ok.retain(|li| li.incident.id == id);
        if ok.is_empty() {
            return Err(UsageError::new(
                format!("no incident record with id `{id}`"),
                format!("list the records under {incidents_dir}/"),
            )
            .into());
        }
    }
    Ok(ok)
}

/// The formats `aeef ca file` prints (its `--help` lists exactly these).
pub const FILE_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn cmd_file(
    ctx: &Ctx,
    incident: Option<String>,
    dry_run: bool,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(FILE_FORMATS)?;
    let (repo, root, incidents) = records(ctx, incident.as_deref())?;
    if dry_run {
        return file_dry_run(ctx, gh, &repo, &incidents);
    }
    let slug = slug(gh, &repo)?;
    let plans = file::plan(&incidents, &file::web_root(&api_url()), &slug);
    let tok = token(gh);
    if plans.is_empty() {
        print_file_report(ctx, &file::FileReport::default())?;
        return Ok(Outcome::Ok);
    }
    let tok = tok.ok_or_else(|| GithubError::NoToken {
        var: gh.token_env.clone(),
        without: "`aeef ca file --dry-run` plans from the records without one".into(),
    })?;
    let hub = GitHub::new(gh, slug, Some(tok))?;
    let report = hub.run(file::file_all(&hub.client, &hub.slug, &plans, |p, n| {
        file::record_issue(&root, &p.file, &p.corrective_action, n)
    }))?;
    print_file_report(ctx, &report)?;
    if report.failed.is_empty() {
        Ok(Outcome::Ok)
    } else {
        Err(miette::miette!(
            code = "aeef::github::file_failed",
            help = "rerun `aeef ca file`: it finds what was filed and files the rest",
            "{} corrective action(s) could not be filed or recorded",
            report.failed.len()
        ))
    }
}

/// `aeef ca file --dry-run`: the plan from the records alone, so it works
/// offline. Which issues already exist is read (never written) only with a
/// token and a known repository; otherwise, or when GitHub cannot be
/// reached, the output says what was not checked (`not_checked`) instead
/// of failing. A token or API URL aeef refuses stays exit 2. JSON shape: README "aeef ca file --dry-run".
fn file_dry_run(
    ctx: &Ctx,
    gh: &GhArgs,
    repo: &crate::git::Repo,
    incidents: &[crate::incident::store::LoadedIncident],
) -> miette::Result<Outcome> {
    // An explicit but malformed `--repo` is still a usage error; only "no
    // repository known" (a local `origin`, none at all) is planned around.
    let known_slug = match slug(gh, repo) {
        Ok(s) => Some(s),
        Err(GithubError::NoRepository) => None,
        Err(e) => return Err(e.into()),
    };
    // Links in the planned bodies need a repository; a placeholder shows
    // where it goes when none is known.
    let shown_slug = known_slug.clone().unwrap_or_else(|| github::RepoSlug {
        owner: "OWNER".into(),
        name: "REPO".into(),
    });
    let plans = file::plan(incidents, &file::web_root(&api_url()), &shown_slug);
    let tok = token(gh);
    // Every reason a check was skipped is listed, not only the first one
    // met: a user fixing the token should learn the repository is missing
    // too.
    let mut not_checked: Vec<String> = Vec::new();
    if !plans.is_empty() {
        if tok.is_none() {
            not_checked.push(format!(
                "existing issues were not checked: no token in {} (an action listed here may already have an issue)",
                gh.token_env
            ));
        }
        if known_slug.is_none() {
            not_checked.push(
                "existing issues were not checked: no GitHub repository known (pass --repo OWNER/NAME or set GITHUB_REPOSITORY)".to_string(),
            );
        }
    }
    let known = match (&tok, &known_slug, plans.is_empty()) {
        (_, _, true) | (None, _, false) | (Some(_), None, false) => Default::default(),
        (Some(_), Some(s), false) => {
            // A token or API URL aeef refuses is still exit 2 (nothing is
            // sent); only a GitHub that cannot be read is planned around.
            let hub = GitHub::new(gh, s.clone(), tok.clone())?;
            match hub.run(file::list_markers(&hub.client, &hub.slug)) {
                Ok(k) => k,
                Err(e) => {
                    not_checked.push(format!(
                        "existing issues were not checked: GitHub could not be read ({e})"
                    ));
                    Default::default()
                }
            }
        }
    };
    let (existing, todo): (Vec<_>, Vec<_>) = plans
        .iter()
        .partition(|p| known.contains_key(&(p.incident.clone(), p.corrective_action.clone())));
    let mut w = out();
    let r = if ctx.format == Format::Json {
        let ex: Vec<_> = existing
            .iter()
            .map(|p| {
                json!({"incident": p.incident, "corrective_action": p.corrective_action,
                "issue": known.get(&(p.incident.clone(), p.corrective_action.clone()))})
            })
            .collect();
        let v = json!({"schema_version": 1, "dry_run": true,
            "repository": known_slug.as_ref().map(|s| s.to_string()),
            "existing_checked": not_checked.is_empty(),
            "not_checked": not_checked,
            "would_create": todo, "existing": ex});
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    } else {
        (|| {
            if plans.is_empty() {
                writeln!(w, "Every corrective action already has an issue.")?;
            }
            for p in &existing {
                let n = known.get(&(p.incident.clone(), p.corrective_action.clone()));
                writeln!(
                    w,
                    "exists   {}/{} → #{}",
                    p.incident,
                    p.corrective_action,
                    n.copied().unwrap_or(0)
                )?;
            }
            let place = known_slug
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| {
                    "the GitHub repository (unknown here: pass --repo OWNER/NAME)".into()
                });
            for p in &todo {
                let who = p
                    .assignee
                    .as_deref()
                    .map(|a| format!(" (assign @{a})"))
                    .unwrap_or_default();
                writeln!(
                    w,
                    "would file in {place}: {}{who} [{}]",
                    p.title,
                    p.labels.join(", ")
                )?;
            }
            for n in &not_checked {
                writeln!(w, "note: {n}")?;
            }
            Ok(())
        })()
    };
    write_result(r)?;
    Ok(Outcome::Ok)
}

fn print_file_report(ctx: &Ctx, r: &file::FileReport) -> miette::Result<()> {
    let mut w = out();
    let res = if ctx.format == Format::Json {
        let v = json!({"schema_version": 1, "created": r.created, "existing": r.existing, "failed": r.failed});
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    } else {
        (|| {
            for f in &r.created {
                writeln!(
                    w,
                    "created  {}/{} → #{}",
                    f.incident,
                    f.corrective_action,
                    f.issue.unwrap_or(0)
                )?;
            }
            for f in &r.existing {
                writeln!(
                    w,
                    "exists   {}/{} → #{}",
                    f.incident,
                    f.corrective_action,
                    f.issue.unwrap_or(0)
                )?;
            }
            for f in &r.failed {
                writeln!(
                    w,
                    "FAILED   {}/{}: {}",
                    f.incident,
                    f.corrective_action,
                    f.error.as_deref().unwrap_or("")
                )?;
            }
            if r.created.is_empty() && r.existing.is_empty() && r.failed.is_empty() {
                writeln!(w, "Every corrective action already has an issue.")?;
            }
            Ok(())
        })()
    };
    write_result(res)
}

/// The connection used (none: decided offline) and the statuses.
type Gathered = (Option<GitHub>, Vec<ActionStatus>);

/// Statuses online when a token is there and `--offline` is not given.
fn gather(
    ctx: &Ctx,
    incident: Option<&str>,
    offline: bool,
    now: DateTime<Utc>,
    gh: &GhArgs,
) -> miette::Result<Gathered> {
    let (repo, incidents, at) = read_records(ctx, incident)?;
    match token(gh).filter(|_| !offline) {
        Some(t) => {
            let hub = GitHub::new(gh, slug(gh, &repo)?, Some(t))?;
            let st = hub.run(github::statuses(&hub.client, &hub.slug, &incidents, now))?;
            let st = github::status::with_records_for_unfiled(st, &repo, &incidents, now, at)?;
            Ok((Some(hub), st))
        }
        None => Ok((None, github::statuses_offline(&repo, &incidents, now, at)?)),
    }
}

/// The formats `aeef ca status` prints (its `--help` lists exactly these).
pub const STATUS_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn cmd_status(
    ctx: &Ctx,
    incident: Option<String>,
    offline: bool,
    now: Option<DateTime<Utc>>,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(STATUS_FORMATS)?;
    let now = super::context::now_or(now);
    let (hub, st) = gather(ctx, incident.as_deref(), offline, now, gh)?;
    let online = hub.is_some();
    let mut w = out();
    let r = if ctx.format == Format::Json {
        let v = json!({"schema_version": 1, "mode": if online {"online"} else {"offline"}, "actions": st});
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    } else {
        w.write_all(status_table(&st, online, ctx.color).as_bytes())
    };
    write_result(r)?;
    Ok(Outcome::Ok)
}

/// `aeef ca status` for people: one row per action like `gh issue list`,
/// the issue state spelled out, and what to do next.
fn status_table(st: &[ActionStatus], online: bool, color: bool) -> String {
    if st.is_empty() {
        return "No corrective actions.\n".into();
    }
    let rows: Vec<Vec<String>> = st
        .iter()
        .map(|s| {
            let dash = || "-".to_string();
            vec![
                s.incident.clone(),
                s.corrective_action.clone(),
                s.issue.map(|n| format!("#{n}")).unwrap_or_else(dash),
                state_text(s).into(),
                s.owner
                    .as_deref()
                    .map(|o| format!("@{}", o.trim_start_matches('@')))
                    .unwrap_or_else(dash),
                match (s.due, s.overdue) {
                    (Some(d), true) => format!("{d} OVERDUE"),
                    (Some(d), false) => d.to_string(),
                    (None, _) => dash(),
                },
                match (&s.verified, &s.verifier) {
                    (true, Some(v)) => format!("@{}", v.trim_start_matches('@')),
                    (true, None) => "yes".into(),
                    _ => dash(),
                },
                match (s.next_effectiveness_mark, s.effectiveness_overdue) {
                    (Some(m), true) => format!("{m} (past)"),
                    (Some(m), false) => m.to_string(),
                    (None, _) => dash(),
                },
                next_step(s),
            ]
        })
        .collect();
    let mut out = super::table::render(
        &[
            "INCIDENT",
            "ACTION",
            "ISSUE",
            "STATE",
            "OWNER",
            "DUE",
            "VERIFIED BY",
            "NEXT MARK",
            "NEXT STEP",
        ],
        &rows,
        color,
    );
    out.push_str(if online {
        "\nState and verification read from GitHub issues; NEXT MARK is the next effectiveness evaluation.\n"
    } else {
        "\nOffline: decided from the records and git history (issues not read); NEXT MARK is the next effectiveness evaluation.\n"
    });
    out
}

/// The issue's state in words: what GitHub says, and how it was closed.
fn state_text(s: &ActionStatus) -> &'static str {
    use crate::github::status::{IssueState, ReasonCode as R};
    match (s.state, s.reason_code) {
        (_, R::NotFiled) => "not filed",
        (_, R::IssueMissing) => "issue not found",
        (IssueState::Unknown, _) => "not read (offline)",
        (IssueState::Open, R::Reopened) => "reopened",
        (IssueState::Open, _) => "open",
        (IssueState::Closed, R::Verified) => "closed as completed",
        (IssueState::Closed, R::VerifiedByOwner) => "closed by the owner",
        (IssueState::Closed, R::NotPlanned) => "closed as not planned",
        (IssueState::Closed, _) => "closed (not as completed)",
        (IssueState::Missing, _) => "not filed",
    }
}

/// What to do next about one action — the one place that decides it (the
/// README's list under `aeef ca status`), in this order: a declined action
/// needs nothing; a verified one its effectiveness evaluations; an action
/// with no issue and no verification claimed is filed first
/// (`aeef ca file`), an open one with an issue is finished; then what the
/// verification lacks (a non-owner closing the issue online, a committed
/// `verified_by` by someone other than the owner offline).
pub(crate) fn next_step(s: &ActionStatus) -> String {
    use crate::github::status::ReasonCode as R;
    let issue = s
        .issue
        .map(|n| format!("#{n}"))
        .unwrap_or_else(|| "the issue".into());
    if s.declined {
        return "nothing: declined (wont-do)".into();
    }
    if s.verified {
        return match (s.next_effectiveness_mark, s.effectiveness_overdue) {
            (Some(_), true) => "record the effectiveness evaluation (past due)".into(),
            (Some(m), false) => format!("evaluate effectiveness on {m}"),
            (None, _) => "nothing: done".into(),
        };
    }
    match s.reason_code {
        R::NotFiled => FILE_IT.into(),
        R::IssueMissing => "fix `issue:` in the record, or rerun aeef ca file".into(),
        R::Open | R::Reopened => {
            format!("finish it; someone other than the owner closes {issue} as completed")
        }
        R::NotPlanned => format!("reopen {issue}, or mark the action wont-do with a reason"),
        R::ClosedOther => format!("reopen {issue} and close it as completed"),
        R::VerifiedByOwner | R::CommittedByOwner => {
            "have someone other than the owner verify it".into()
        }
        // Offline, nothing claimed yet: what the action itself still needs.
        R::NoVerifier if s.record_status == CaStatus::Open && s.issue.is_none() => FILE_IT.into(),
        R::NoVerifier if s.record_status == CaStatus::Open => {
            "finish it, then have someone other than the owner set verified_by and commit it".into()
        }
        R::NoVerifier => "set verified_by (not the owner) and commit it".into(),
        R::NoVerifiedAt => "add verified_at beside verified_by and commit it".into(),
        R::NotCommitted => "commit the record's verified_by".into(),
        R::Verified => "nothing: done".into(),
    }
}

/// The next step of an open action that has no issue yet.
const FILE_IT: &str = "file it (`aeef ca file`)";

/// The formats `aeef ca review` prints (its `--help` lists exactly these).
pub const REVIEW_FORMATS: &[Format] = &[Format::Human, Format::Markdown];

fn cmd_review(
    ctx: &Ctx,
    post: Option<u64>,
    offline: bool,
    now: Option<DateTime<Utc>>,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(REVIEW_FORMATS)?;
    let now = super::context::now_or(now);
    // `--post` with `--offline` is refused by the parser (conflicts_with).
    if post.is_some() && token(gh).is_none() {
        return Err(GithubError::NoToken {
            var: gh.token_env.clone(),
            without: "without `--post`, `aeef ca review --offline` prints the digest without one"
                .into(),
        }
        .into());
    }
    let (hub, st) = gather(ctx, None, offline, now, gh)?;
    let mut md = Vec::new();
    review::render(&st, now, &mut md)
        .map_err(|e| crate::error::IoError::render("the review", e))?;
    let md = String::from_utf8_lossy(&md).into_owned();
    write_result(out().write_all(md.as_bytes()))?;
    if let (Some(n), Some(hub)) = (post, hub) {
        let posted = hub.run(review::post(&hub.client, &hub.slug, n, &md))?;
        let msg = match posted {
            review::Posted::Created(id) => {
                format!("aeef: posted the review on #{n} (comment {id})")
            }
            review::Posted::Updated(id) => {
                format!("aeef: updated the review on #{n} (comment {id})")
            }
        };
        let _ = writeln!(std::io::stderr().lock(), "{msg}");
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::status::{IssueState, ReasonCode as R};

    fn status(code: R, issue: Option<u64>, record: CaStatus) -> ActionStatus {
        ActionStatus {
            incident: "INC-2026-001".into(),
            corrective_action: "CA-1".into(),
            issue,
            state: if issue.is_some() {
                IssueState::Open
            } else {
                IssueState::Missing
            },
            verified: code == R::Verified,
            verifier: None,
            reason: String::new(),
            reason_code: code,
            overdue: false,
            next_effectiveness_mark: None,
            effectiveness_overdue: false,
            verified_at: None,
            owner: Some("alice".into()),
            assignees: Vec::new(),
            due: None,
            action: "Do it".into(),
            record_status: record,
            declined: false,
            approval_by_owner: None,
            file: "incidents/INC-2026-001.yaml".into(),
        }
    }

    /// Issue 14: an open action with no issue was told to "set verified_by"
    /// before it was even filed. Every verification state, with and without
    /// an issue, open and done, gets the step the README lists.
    #[test]
    fn next_step_files_then_finishes_then_verifies_in_every_state() {
        use CaStatus::{Done, Open};
        let cases: &[(R, Option<u64>, CaStatus, &str)] = &[
            (R::NotFiled, None, Open, "file it (`aeef ca file`)"),
            (R::NotFiled, None, Done, "file it (`aeef ca file`)"),
            (R::NoVerifier, None, Open, "file it (`aeef ca file`)"),
            (
                R::NoVerifier,
                Some(12),
                Open,
                "finish it, then have someone other than the owner set verified_by and commit it",
            ),
            (
                R::NoVerifier,
                None,
                Done,
                "set verified_by (not the owner) and commit it",
            ),
            (
                R::NoVerifier,
                Some(12),
                Done,
                "set verified_by (not the owner) and commit it",
            ),
            (
                R::IssueMissing,
                Some(12),
                Open,
                "fix `issue:` in the record, or rerun aeef ca file",
            ),
            (
                R::Open,
                Some(12),
                Open,
                "finish it; someone other than the owner closes #12 as completed",
            ),
            (
                R::Reopened,
                Some(12),
                Done,
                "finish it; someone other than the owner closes #12 as completed",
            ),
            (
                R::NotPlanned,
                Some(12),
                Open,
                "reopen #12, or mark the action wont-do with a reason",
            ),
            (
                R::ClosedOther,
                Some(12),
                Done,
                "reopen #12 and close it as completed",
            ),
            (
                R::VerifiedByOwner,
                Some(12),
                Done,
                "have someone other than the owner verify it",
            ),
            (
                R::CommittedByOwner,
                None,
                Open,
                "have someone other than the owner verify it",
            ),
            (
                R::NotCommitted,
                None,
                Done,
                "commit the record's verified_by",
            ),
            (R::Verified, Some(12), Done, "nothing: done"),
        ];
        for (code, issue, record, want) in cases {
            let s = status(*code, *issue, *record);
            assert_eq!(next_step(&s), *want, "{code:?} {issue:?} {record:?}");
        }
        let mut declined = status(R::NoVerifier, None, CaStatus::WontDo);
        declined.declined = true;
        assert_eq!(next_step(&declined), "nothing: declined (wont-do)");
        let mut marked = status(R::Verified, Some(3), Done);
        marked.next_effectiveness_mark = chrono::NaiveDate::from_ymd_opt(2026, 12, 21);
        assert_eq!(next_step(&marked), "evaluate effectiveness on 2026-12-21");
        marked.effectiveness_overdue = true;
        assert_eq!(
            next_step(&marked),
            "record the effectiveness evaluation (past due)"
        );
    }
}
