//! `aeef ca file | status | review`: corrective actions on GitHub
//! (DESIGN §4). Argument handling and rendering; the work is in
//! `crate::github`.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Ctx, Format, out, write_result};
use crate::error::{Outcome, UsageError};
use crate::github::client::Logger;
use crate::github::status::ActionStatus;
use crate::github::{self, Client, ClientOptions, GithubError, RepoSlug, file, review};
use crate::incident::store::{LoadedIncident, load_all};

/// Options shared by the commands that talk to GitHub.
#[derive(Debug, Clone, clap::Args)]
pub struct GhArgs {
    /// The repository the issues live in (default: GITHUB_REPOSITORY, then
    /// the `origin` remote).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// Environment variable holding the token.
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
    /// Longest total wait for rate limits before giving up (exit 2).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub max_wait: u64,
    /// Timeout of one request.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = seconds)]
    pub timeout: f64,
    /// Log each request (method and path, never headers) to stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// First backoff between read retries (tests make it short).
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub retry_backoff_ms: u64,
}

/// `--token-env` takes a variable's *name*. Someone who passes the token
/// itself must not see it echoed back (clap's own validation would quote
/// it), so this check runs after parsing and never repeats the value.
pub(crate) fn check_token_env(gh: &GhArgs) -> miette::Result<()> {
    let s = gh.token_env.as_str();
    let ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        return Ok(());
    }
    Err(UsageError::new(
        "`--token-env` must name an environment variable (like GITHUB_TOKEN); the value given is not a variable name and is not shown",
        "pass the variable's name, e.g. `--token-env GH_TOKEN`, and put the token in that variable",
    )
    .into())
}

/// A finite, positive number of seconds.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("expected a positive number of seconds".into()),
    }
}

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
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
        /// Decide from the records and git history only (also without a token).
        #[arg(long)]
        offline: bool,
        /// Fix the clock (RFC 3339).
        #[arg(long, value_name = "RFC3339")]
        now: Option<String>,
        #[command(flatten)]
        gh: GhArgs,
    },
    /// Print the weekly review digest in Markdown; `--post N` keeps it as one
    /// comment on issue N.
    Review {
        /// Create or update the digest comment on this issue.
        #[arg(long, value_name = "ISSUE")]
        post: Option<u64>,
        #[arg(long)]
        offline: bool,
        #[arg(long, value_name = "RFC3339")]
        now: Option<String>,
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

fn parse_now(now: Option<&str>) -> miette::Result<DateTime<Utc>> {
    match now {
        None => Ok(Utc::now()),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| {
                UsageError::new(
                    format!("`--now {s}` is not an RFC 3339 timestamp"),
                    "write it like 2026-11-21T10:00:00Z",
                )
                .into()
            }),
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
    let ok = usable(ok, &bad, incident, &cfg.incidents_dir)?;
    Ok((repo, root, ok))
}

/// The records `ca status` and `ca review` read (filtered by
/// `--incident`): from the work tree, or — in a bare repository or with
/// `--rev` — from the tree of that revision, saying which on stderr, as
/// every reading command does (issue 11: a bare repository must not read
/// as "no records").
fn read_records(
    ctx: &Ctx,
    incident: Option<&str>,
) -> miette::Result<(crate::git::Repo, Vec<LoadedIncident>)> {
    let repo = ctx.repo()?;
    let ws = super::incident::workspace(ctx)?;
    let (ok, bad) = ws.records()?;
    let ok = usable(ok, &bad, incident, &ws.config.incidents_dir)?;
    Ok((repo, ok))
}

/// Refuses unreadable records (nothing can be decided), then keeps the
/// incident `--incident` names, refusing an id no record has.
fn usable(
    mut ok: Vec<LoadedIncident>,
    bad: &[crate::findings::Finding],
    incident: Option<&str>,
    incidents_dir: &str,
) -> miette::Result<Vec<LoadedIncident>> {
    if !bad.is_empty() {
        let list: Vec<String> = bad
            .iter()
            .map(|f| format!("{}: {}", f.file.as_deref().unwrap_or("?"), f.message))
            .collect();
        return Err(UsageError::new(
            format!("incident records cannot be read:\n{}", list.join("\n")),
            "fix them first (`aeef incident check` points at the line)",
        )
        .into());
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

/// The token from `--token-env` (default GITHUB_TOKEN), `None` when unset
/// or blank. A value that is not UTF-8 is kept (lossily) rather than read
/// as "not set": the client then refuses it with `aeef::github::bad_token`.
pub(crate) fn token(gh: &GhArgs) -> Option<String> {
    let t = std::env::var_os(&gh.token_env)
        .map(|t| t.to_string_lossy().into_owned())
        .filter(|t| !t.trim().is_empty())?;
    // Whatever its shape, the token in use is masked in every output.
    crate::redact::register_secret(&t);
    Some(t)
}

pub(crate) fn slug(gh: &GhArgs, repo: &crate::git::Repo) -> Result<RepoSlug, GithubError> {
    if let Some(r) = &gh.repo {
        return RepoSlug::parse(r).ok_or_else(|| GithubError::BadRepository { value: r.clone() });
    }
    if let Ok(r) = std::env::var("GITHUB_REPOSITORY")
        && !r.trim().is_empty()
    {
        return RepoSlug::parse(&r).ok_or(GithubError::BadRepository { value: r });
    }
    repo.git2()
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().ok().and_then(RepoSlug::from_remote_url))
        .ok_or(GithubError::NoRepository)
}

pub(crate) fn api_url() -> String {
    std::env::var("GITHUB_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| github::DEFAULT_API_URL.to_string())
}

pub(crate) fn client(gh: &GhArgs, token: Option<String>) -> Result<Client, GithubError> {
    let mut o = ClientOptions::new(api_url());
    o.timeout = Duration::from_secs_f64(gh.timeout.clamp(0.01, 3600.0));
    o.max_wait = Duration::from_secs(gh.max_wait);
    o.backoff = Duration::from_millis(gh.retry_backoff_ms);
    o.token_var = gh.token_env.clone();
    if gh.verbose {
        let log: Logger = Arc::new(|line: &str| {
            let line = crate::redact::for_terminal(line, false);
            let _ = writeln!(std::io::stderr().lock(), "aeef: {line}");
        });
        o.log = Some(log);
    }
    Client::new(o, token)
}

pub(crate) fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    github::runtime().map_err(|e| miette::miette!("cannot start the async runtime: {e}"))
}

fn cmd_file(
    ctx: &Ctx,
    incident: Option<String>,
    dry_run: bool,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(&[Format::Human, Format::Json])?;
    let (repo, root, incidents) = records(ctx, incident.as_deref())?;
    let slug = slug(gh, &repo)?;
    let plans = file::plan(&incidents, &file::web_root(&api_url()), &slug);
    let tok = token(gh);
    let rt = runtime()?;
    let _g = rt.enter();
    if dry_run {
        // With a token, read (never write) which issues already exist.
        let known = match (&tok, plans.is_empty()) {
            (Some(_), false) => {
                let c = client(gh, tok.clone())?;
                rt.block_on(file::list_markers(&c, &slug))?
            }
            _ => Default::default(),
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
            let v = json!({"schema_version": 1, "dry_run": true, "repository": slug.to_string(),
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
                for p in &todo {
                    let who = p
                        .assignee
                        .as_deref()
                        .map(|a| format!(" (assign @{a})"))
                        .unwrap_or_default();
                    writeln!(
                        w,
                        "would file in {slug}: {}{who} [{}]",
                        p.title,
                        p.labels.join(", ")
                    )?;
                }
                Ok(())
            })()
        };
        write_result(r)?;
        return Ok(Outcome::Ok);
    }
    if plans.is_empty() {
        print_file_report(ctx, &file::FileReport::default())?;
        return Ok(Outcome::Ok);
    }
    let tok = tok.ok_or_else(|| GithubError::NoToken {
        var: gh.token_env.clone(),
    })?;
    let c = client(gh, Some(tok))?;
    let report = rt.block_on(file::file_all(&c, &slug, &plans, |p, n| {
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

/// Whether the statuses came from GitHub, the connection used, the statuses.
type Gathered = (bool, Option<(Client, RepoSlug)>, Vec<ActionStatus>);

/// Statuses online when a token is there and `--offline` is not given.
fn gather(
    rt: &tokio::runtime::Runtime,
    ctx: &Ctx,
    incident: Option<&str>,
    offline: bool,
    now: DateTime<Utc>,
    gh: &GhArgs,
) -> miette::Result<Gathered> {
    let (repo, incidents) = read_records(ctx, incident)?;
    match token(gh).filter(|_| !offline) {
        Some(t) => {
            let s = slug(gh, &repo)?;
            let c = client(gh, Some(t))?;
            let st = rt.block_on(github::statuses(&c, &s, &incidents, now))?;
            let st = github::status::with_records_for_unfiled(st, &repo, &incidents, now)?;
            Ok((true, Some((c, s)), st))
        }
        None => Ok((
            false,
            None,
            github::statuses_offline(&repo, &incidents, now)?,
        )),
    }
}

fn cmd_status(
    ctx: &Ctx,
    incident: Option<String>,
    offline: bool,
    now: Option<String>,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(&[Format::Human, Format::Json])?;
    let now = parse_now(now.as_deref())?;
    let rt = runtime()?;
    let _g = rt.enter();
    let (online, _, st) = gather(&rt, ctx, incident.as_deref(), offline, now, gh)?;
    let mut w = out();
    let r = if ctx.format == Format::Json {
        let v = json!({"schema_version": 1, "mode": if online {"online"} else {"offline"}, "actions": st});
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    } else {
        (|| {
            if st.is_empty() {
                writeln!(w, "No corrective actions.")?;
            }
            for s in &st {
                let issue = s
                    .issue
                    .map(|n| format!("#{n}"))
                    .unwrap_or_else(|| "-".into());
                let state = serde_json::to_value(s.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let verdict = match (&s.verified, &s.verifier) {
                    (true, Some(v)) => format!("verified by @{v}"),
                    _ => "not verified".into(),
                };
                let over = if s.overdue { ", OVERDUE" } else { "" };
                let mark = s
                    .next_effectiveness_mark
                    .map(|m| format!(", next effectiveness check {m}"))
                    .unwrap_or_default();
                writeln!(
                    w,
                    "{}/{}  {issue} {state}  {verdict}{over}{mark}\n    {}",
                    s.incident, s.corrective_action, s.reason
                )?;
            }
            if !online {
                writeln!(w, "(offline: decided from the records and git history)")?;
            }
            Ok(())
        })()
    };
    write_result(r)?;
    Ok(Outcome::Ok)
}

fn cmd_review(
    ctx: &Ctx,
    post: Option<u64>,
    offline: bool,
    now: Option<String>,
    gh: &GhArgs,
) -> miette::Result<Outcome> {
    ctx.require_format(&[Format::Human, Format::Markdown])?;
    let now = parse_now(now.as_deref())?;
    if post.is_some() && (offline || token(gh).is_none()) {
        return Err(GithubError::NoToken {
            var: gh.token_env.clone(),
        }
        .into());
    }
    let rt = runtime()?;
    let _g = rt.enter();
    let (_, conn, st) = gather(&rt, ctx, None, offline, now, gh)?;
    let mut md = Vec::new();
    review::render(&st, now, &mut md).map_err(|e| miette::miette!("{e}"))?;
    let md = String::from_utf8_lossy(&md).into_owned();
    write_result(out().write_all(md.as_bytes()))?;
    if let (Some(n), Some((c, s))) = (post, conn) {
        let posted = rt.block_on(review::post(&c, &s, n, &md))?;
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
