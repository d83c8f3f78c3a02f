//! `aeef gate`: what CI runs. Every incident rule, the corrective actions'
//! verification (GitHub when a token is present, the records otherwise),
//! and in a pull request the provenance of its commits and the files it
//! touches. Exit 0 pass, 1 fail, 2 could not decide — never 0 then.
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{Ctx, Format, ca, incident as cli_incident};
use crate::error::{GitError, Outcome, UsageError};
use crate::findings::{Finding, Level, Report, Verdict};
use crate::gate::{self, Change, ChangeCommit, FailOn, OpenIncident};
use crate::git::{self, Repo};
use crate::github::{self, status::ActionStatus};
use crate::incident::{CaStatus, policy, store::LoadedIncident};
use crate::provenance;

/// Arguments of `aeef gate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
In a pull request the change is `--base..--head`; without them, the
`pull_request` payload at GITHUB_EVENT_PATH gives both SHAs (not the test
merge GITHUB_SHA). Verification is read from GitHub when a token is present
(GITHUB_TOKEN, or --token-env), from the records and their git history
otherwise (--offline forces that).

Exit codes: 0 passed, 1 the gate failed, 2 could not decide (unreadable
records, missing history, GitHub unreachable while online).")]
pub struct Args {
    /// Base commit of the change.
    #[arg(long, value_name = "SHA", requires = "head")]
    pub base: Option<String>,
    /// Head commit of the change.
    #[arg(long, value_name = "SHA", requires = "base")]
    pub head: Option<String>,
    /// Which unverified corrective actions fail the gate.
    #[arg(long, value_enum, default_value_t = FailOn::Overdue)]
    pub fail_on: FailOn,
    /// Decide from the records and git history only, even with a token.
    #[arg(long)]
    pub offline: bool,
    /// Fix the clock (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = cli_incident::parse_now)]
    pub now: Option<DateTime<Utc>>,
    #[command(flatten)]
    pub gh: ca::GhArgs,
}

/// The change's base and head from a `pull_request` event payload.
pub fn event_shas(path: &std::path::Path) -> miette::Result<Option<(String, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        miette::miette!(
            code = "aeef::gate::event",
            help = "GITHUB_EVENT_PATH is set by GitHub Actions; unset it outside a runner",
            "cannot read the event payload {}: {e}",
            path.display()
        )
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        miette::miette!(
            code = "aeef::gate::event",
            help = "the payload must be the JSON GitHub Actions wrote",
            "the event payload {} is not JSON: {e}",
            path.display()
        )
    })?;
    let Some(pr) = v.get("pull_request") else {
        return Ok(None);
    };
    let sha = |k: &str| {
        pr.get(k)
            .and_then(|b| b.get("sha"))
            .and_then(|s| s.as_str())
            .map(str::to_string)
    };
    match (sha("base"), sha("head")) {
        (Some(b), Some(h)) => Ok(Some((b, h))),
        _ => Err(miette::miette!(
            code = "aeef::gate::event",
            help = "pass --base and --head explicitly",
            "the pull_request payload at {} has no base.sha / head.sha",
            path.display()
        )),
    }
}

/// Resolves a change endpoint; a missing commit in a shallow clone is a
/// history problem, not a typo.
fn endpoint(repo: &Repo, rev: &str) -> Result<String, GitError> {
    repo.resolve_commit(rev).map_err(|e| {
        if repo.shallow_commits().is_empty() {
            e
        } else {
            GitError::Shallow {
                what: format!("commit {rev} of the change is not in this shallow clone"),
            }
        }
    })
}

/// Reads the change: its commits with provenance and the files it touches.
fn read_change(
    repo: &Repo,
    base: &str,
    head: &str,
    table: &provenance::AgentTable,
) -> miette::Result<Change> {
    let base = endpoint(repo, base)?;
    let head = endpoint(repo, head)?;
    let r = repo.git2();
    let mb = r
        .merge_base(
            git2::Oid::from_str(&base).map_err(GitError::from)?,
            git2::Oid::from_str(&head).map_err(GitError::from)?,
        )
        .map_err(|_| GitError::Shallow {
            what: format!(
                "no merge base of {} and {} in this clone",
                &base[..12],
                &head[..12]
            ),
        })?;
    let rows = super::scan::scan_range(repo, &[format!("{base}..{head}")], table)?;
    let mut commits = Vec::with_capacity(rows.len());
    for (c, p) in rows {
        if repo.is_shallow_boundary(&c.sha) && c.sha != head {
            return Err(GitError::Shallow {
                what: format!(
                    "the history of the change stops at {} (shallow clone)",
                    &c.sha[..12]
                ),
            }
            .into());
        }
        // Findings point at a file the commit changed (code scanning needs one).
        let files = if (p.is_ai() && !p.aeef_fields.missing().is_empty())
            || !p.not_in_trailers.is_empty()
        {
            let parent = c.parents.first().map(String::as_str);
            git::diff::changes(repo, &c.sha, parent)?
                .iter()
                .map(|f| f.path().to_string())
                .collect()
        } else {
            Vec::new()
        };
        commits.push(ChangeCommit {
            files,
            summary: c.summary().to_string(),
            sha: c.sha,
            provenance: p,
        });
    }
    let mut files = BTreeSet::new();
    for ch in git::diff::changes(repo, &head, Some(&mb.to_string()))? {
        files.extend(ch.old_path);
        files.extend(ch.new_path);
    }
    Ok(Change {
        base,
        head,
        commits,
        files,
    })
}

/// Files an incident concerns: `files:` plus what its faulty commits
/// touched. A faulty commit a shallow clone lacks (or whose parents it
/// lacks) leaves the answer unknown: that is an error, never "no files".
fn incident_files(
    repo: Option<&Repo>,
    li: &LoadedIncident,
    cache: &mut HashMap<String, Vec<String>>,
) -> Result<BTreeSet<String>, GitError> {
    let mut out: BTreeSet<String> = li.incident.files.iter().cloned().collect();
    let Some(repo) = repo else { return Ok(out) };
    let shallow = !repo.shallow_commits().is_empty();
    for sha in &li.incident.faulty_commits {
        if !cache.contains_key(sha) {
            let files = match repo.resolve_commit(sha) {
                Ok(full) if repo.is_shallow_boundary(&full) => {
                    return Err(GitError::Shallow {
                        what: format!(
                            "the parents of {}'s faulty commit {sha} were not fetched",
                            li.incident.id
                        ),
                    });
                }
                Ok(full) => {
                    let parent = git::commits::read(repo, &full)?.parents.first().cloned();
                    git::diff::changes(repo, &full, parent.as_deref())?
                        .iter()
                        .map(|c| c.path().to_string())
                        .collect()
                }
                Err(_) if shallow => {
                    return Err(GitError::Shallow {
                        what: format!(
                            "{}'s faulty commit {sha} is not in this shallow clone",
                            li.incident.id
                        ),
                    });
                }
                // Not in a full clone either: `unknown-commit` reports it.
                Err(_) => Vec::new(),
            };
            cache.insert(sha.clone(), files);
        }
        out.extend(cache[sha].iter().cloned());
    }
    Ok(out)
}

fn key(inc: &str, ca: &str) -> String {
    format!("{inc}/{ca}")
}

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(&[
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Markdown,
    ])?;
    ca::check_token_env(&args.gh)?;
    let ws = cli_incident::workspace(ctx)?;
    let now = args.now.unwrap_or_else(Utc::now);
    let (records, bad) = crate::incident::store::load_all(&ws.root, &ws.config);
    let repo = ws.repo.as_ref();

    // The change under review, if any.
    let shas = match (&args.base, &args.head) {
        (Some(b), Some(h)) => Some((b.clone(), h.clone())),
        _ => match std::env::var_os("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
            Some(p) => event_shas(&PathBuf::from(p))?,
            None => None,
        },
    };
    let table = provenance::AgentTable::builtin().with_rules(&ws.config.agents);
    let change = match (&shas, repo) {
        (Some((b, h)), Some(r)) => Some(read_change(r, b, h, &table)?),
        (Some(_), None) => {
            return Err(UsageError::new(
                "a change was given but this is not a git repository",
                "run the gate in the repository's checkout (-C DIR)",
            )
            .into());
        }
        _ => None,
    };

    // Verification: GitHub when a token is present, the records otherwise.
    let token = ca::token(&args.gh);
    let (statuses, mode): (Vec<ActionStatus>, &str) = if token.is_some() && !args.offline {
        let r = repo.ok_or_else(|| {
            UsageError::new(
                "not a git repository",
                "run the gate in the repository's checkout",
            )
        })?;
        let slug = ca::slug(&args.gh, r)?;
        let rt = ca::runtime()?;
        let _g = rt.enter();
        let client = ca::client(&args.gh, token)?;
        let st = rt.block_on(github::status::statuses(&client, &slug, &records, now)).map_err(|e| {
            miette::Report::new(e).wrap_err("could not read corrective-action verification from GitHub; the gate cannot decide (use --offline to decide from the records)")
        })?;
        (st, "online")
    } else {
        match repo {
            Some(r) => (
                github::status::statuses_offline(r, &records, now),
                "offline",
            ),
            None => (Vec::new(), "offline"),
        }
    };
    let by_key: HashMap<String, &ActionStatus> = statuses
        .iter()
        .map(|s| (key(&s.incident, &s.corrective_action), s))
        .collect();

    // Incident rules, with verification as decided above.
    let seen = std::cell::RefCell::new(HashMap::<String, bool>::new());
    let exists = |sha: &str| {
        if let Some(v) = seen.borrow().get(sha) {
            return *v;
        }
        let v = repo.is_some_and(|r| r.resolve_commit(&format!("{sha}^{{commit}}")).is_ok());
        seen.borrow_mut().insert(sha.to_string(), v);
        v
    };
    let mut opts = policy::PolicyOptions::new(now);
    opts.rules = ws.config.rules.clone();
    opts.fail_on_unverified = args.fail_on == FailOn::Unverified;
    if repo.is_some() {
        opts.commit_exists = Some(&exists);
    }
    opts.assignees = statuses
        .iter()
        .map(|s| (key(&s.incident, &s.corrective_action), s.assignees.clone()))
        .collect();
    opts.verified_at = statuses
        .iter()
        .filter_map(|s| Some((key(&s.incident, &s.corrective_action), s.verified_at?)))
        .collect();
    opts.verified = Some(
        statuses
            .iter()
            .map(|s| (key(&s.incident, &s.corrective_action), s.verified))
            .collect(),
    );
    let mut findings: Vec<Finding> = bad;
    findings.extend(policy::check(&records, &opts));
    // GitHub can also show that the owner or an assignee closed the issue.
    for s in &statuses {
        let level = ws.config.level("ca-verified-by-owner", Level::Error);
        let already = findings.iter().any(|f| {
            f.rule == "ca-verified-by-owner"
                && f.incident.as_deref() == Some(&s.incident)
                && f.corrective_action.as_deref() == Some(&s.corrective_action)
        });
        if s.reason_code.by_owner() && !already && level != Level::Off {
            findings.push(
                Finding::new("ca-verified-by-owner", level, format!("{}: {}", s.corrective_action, s.reason))
                    .incident(&s.incident)
                    .action(&s.corrective_action)
                    .file(&s.file)
                    .help("completion must be verified by someone other than the owner and the assignees: ask a colleague to close the issue or add the `ca-verified` label"),
            );
        }
    }

    // The change's own rules.
    if let Some(change) = &change {
        findings.extend(gate::provenance_incomplete(
            change,
            ws.config.level("provenance-incomplete", Level::Error),
        ));
        findings.extend(gate::provenance_not_trailer(
            change,
            ws.config.level("provenance-not-trailer", Level::Warn),
        ));
        let mut cache = HashMap::new();
        let mut open: Vec<OpenIncident> = Vec::new();
        for li in &records {
            let unverified: Vec<String> = li
                .incident
                .corrective_actions
                .iter()
                .filter(|a| a.status != CaStatus::WontDo)
                .filter(|a| {
                    !by_key
                        .get(&key(&li.incident.id, &a.id))
                        .is_some_and(|s| s.verified)
                })
                .map(|a| a.id.clone())
                .collect();
            if !unverified.is_empty() {
                open.push(OpenIncident {
                    id: li.incident.id.clone(),
                    record: li.path.clone(),
                    files: incident_files(repo, li, &mut cache)?,
                    unverified,
                });
            }
        }
        findings.extend(gate::touches_open_incident(
            change,
            &open,
            ws.config.level("touches-open-incident", Level::Error),
        ));
    }

    let mut report = Report { findings };
    report.sort();
    let sources = cli_incident::sources_for(&ws.root, &records, &report.findings);
    let title = match &change {
        Some(c) => format!(
            "aeef gate: {} commit(s) of {}..{}, verification {mode}",
            c.commits.len(),
            &c.base[..8.min(c.base.len())],
            &c.head[..8.min(c.head.len())]
        ),
        None => format!(
            "aeef gate: {} incident record(s), verification {mode}",
            records.len()
        ),
    };
    render(ctx, &report, &sources, &title)?;
    if report.undecidable() {
        return Err(UsageError::new(
            "some incident records cannot be read, so the gate cannot decide",
            "fix the `schema` findings above (`aeef incident check` shows each with its position)",
        )
        .into());
    }
    Ok(match report.verdict() {
        Verdict::Pass => Outcome::Ok,
        Verdict::Fail => Outcome::Failed,
    })
}

fn render(
    ctx: &Ctx,
    report: &Report,
    sources: &crate::findings::human::Sources,
    title: &str,
) -> miette::Result<()> {
    use crate::findings::{github as gh, markdown, sarif};
    let mut o = super::out();
    let r = match ctx.format {
        Format::Json => serde_json::to_writer_pretty(&mut o, &crate::findings::to_json(report))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(o)),
        Format::Sarif => sarif::render(report, env!("CARGO_PKG_VERSION"), &mut o),
        Format::Markdown => markdown::render_titled(report, title, &mut o),
        Format::Github => (|| {
            gh::annotations(report, &mut o)?;
            let var = |k: &str| {
                std::env::var_os(k)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
            };
            gh::write_step_files(
                report,
                title,
                var("GITHUB_STEP_SUMMARY").as_deref(),
                var("GITHUB_OUTPUT").as_deref(),
            )?;
            writeln!(
                o,
                "{title}: {} ({} error(s), {} warning(s))",
                verdict_word(report),
                report.errors(),
                report.warnings()
            )
        })(),
        _ => (|| {
            writeln!(o, "{title}")?;
            crate::findings::human::render(report, sources, ctx.color, &mut o)
        })(),
    };
    super::write_result(r)
}

fn verdict_word(r: &Report) -> &'static str {
    match r.verdict() {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    }
}
