//! `aeef gate`: what CI runs. Every incident rule, the corrective actions'
//! verification (GitHub when a token is present, the records otherwise),
//! and in a pull request the provenance of its commits and the files it
//! touches. Exit 0 pass, 1 fail, 2 could not decide — never 0 then.
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::connection::{self, GhArgs, GitHub};
use super::{Ctx, Format, context, gate_pr};
use crate::error::{Outcome, UsageError};
use crate::findings::{Finding, Report, Verdict};
use crate::gate::{self, FailOn};
use crate::github::{self, status::ActionStatus};
use crate::incident::policy;
use crate::provenance;

/// Arguments of `aeef gate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
In a pull request the change is `--base..--head`; without them, the
`pull_request` payload at GITHUB_EVENT_PATH gives both SHAs (not the test
merge GITHUB_SHA). Verification is read from GitHub when a token is present
(GITHUB_TOKEN, or --token-env), from the records and their git history
otherwise (--offline forces that).

In a pull request with a token (not --offline), the gate sets the labels
`ai-assisted` (any AI-attributed line or commit) and `ai-primary` (AI share
above `pr.primary_threshold`, 0.5) and removes them when no longer true;
a read-only token (fork pull requests) gets `pr-label-missing` warnings
instead. Labels and --comment do not change the exit code (unless
`rules:` raises pr-label-missing to error).

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
    #[arg(long, value_name = context::NOW_VALUE, value_parser = context::parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Create or update one summary comment on the pull request (verdict,
    /// AI share, commits, findings), found again by a hidden marker; with a
    /// read-only token it goes to the step summary instead.
    #[arg(long, conflicts_with = "offline")]
    pub comment: bool,
    /// The pull request's number, for labels and `--comment` (default: the
    /// `pull_request` payload at GITHUB_EVENT_PATH).
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    #[command(flatten)]
    pub gh: GhArgs,
}

/// What `aeef gate` prints: the formats of the findings report.
pub const FORMATS: &[Format] = context::REPORT_FORMATS;

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    connection::check_token_env(&args.gh)?;
    let ws = context::workspace(ctx)?;
    let now = context::now_or(args.now);
    let (records, bad) = ws.records()?;
    context::note_missing_dir(ctx, &ws);
    let repo = ws.repo.as_ref();

    // The change under review, if any.
    let event = match (&args.base, &args.head) {
        (Some(_), Some(_)) => None,
        _ => match std::env::var_os("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
            Some(p) => github::event::event_pull_request(&PathBuf::from(p))?,
            None => None,
        },
    };
    let shas = match (&args.base, &args.head) {
        (Some(b), Some(h)) => Some((b.clone(), h.clone())),
        _ => event.as_ref().map(|e| (e.base.clone(), e.head.clone())),
    };
    let table = provenance::AgentTable::builtin().with_rules(&ws.config.agents);
    let pr_number = args.pr.or(event.as_ref().and_then(|e| e.number));
    let pr_body = event.as_ref().map(|e| e.body.clone());
    // `comment: true` in a workflow that also runs on pushes: nothing to
    // comment on there, which is no error (the gate still runs).
    let comment = args.comment && shas.is_some() && pr_number.is_some();
    if args.comment && !comment {
        let _ = writeln!(
            super::err(ctx.color),
            "aeef: --comment: no pull request here (not a `pull_request` event, and no `--base`/`--head` with `--pr N`), so no comment"
        );
    }
    let change = match (&shas, repo) {
        (Some((b, h)), Some(r)) => {
            let mut c = gate::change::read(r, b, h, &table)?;
            c.pr_text = event.map(|e| e.text);
            gate::change::mark_self_exemptions(r, &ws.config, &records, &mut c)?;
            Some(c)
        }
        (Some(_), None) => {
            return Err(UsageError::new(
                "a change was given but this is not a git repository",
                "run the gate in the repository's checkout (-C DIR)",
            )
            .into());
        }
        _ => None,
    };

    // The AI share of the change (DESIGN §9), reported in every format.
    // One classifier for the share and the comment's commit origins.
    let classifier = repo.map(|r| {
        let opts = crate::classify::Options {
            window: crate::classify::Window::Lines(ws.config.adjacency_window),
            agents: table.clone(),
        };
        crate::classify::Classifier::new(r, opts)
    });
    let share = match (&change, repo, &classifier) {
        (Some(c), Some(r), Some(classifier)) => Some(crate::pr::share::share_of_diff(
            r, classifier, &c.base, &c.head, &c.diff,
        )?),
        _ => None,
    };

    // Verification: GitHub when a token is present, the records otherwise.
    let token = connection::token(&args.gh);
    let (statuses, mode): (Option<Vec<ActionStatus>>, &str) = if token.is_some() && !args.offline {
        let r = repo.ok_or_else(|| {
            UsageError::new(
                "not a git repository",
                "run the gate in the repository's checkout",
            )
        })?;
        let hub = GitHub::new(&args.gh, connection::slug(&args.gh, r)?, token.clone())?;
        let st = hub.run(github::status::statuses(&hub.client, &hub.slug, &records, now)).map_err(|e| {
            miette::Report::new(e).wrap_err("could not read corrective-action verification from GitHub; the gate cannot decide (use --offline to decide from the records)")
        })?;
        (
            Some(github::status::with_records_for_unfiled(
                st,
                r,
                &records,
                now,
                ws.records_at(),
            )?),
            "online",
        )
    } else {
        match repo {
            Some(r) => (
                Some(github::status::statuses_offline(
                    r,
                    &records,
                    now,
                    ws.records_at(),
                )?),
                "offline",
            ),
            None => (None, "offline"),
        }
    };

    // Files of the incidents the change could touch (git: the adapter's part).
    let incident_files = match change {
        Some(_) => gate::change::open_incident_files(repo, &records, statuses.as_deref())?,
        None => HashMap::new(),
    };

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
    opts.grace = ws.config.grace;
    opts.fail_on_unverified = args.fail_on == FailOn::Unverified;
    if repo.is_some() {
        opts.commit_exists = Some(&exists);
    }
    let mut findings: Vec<Finding> = bad;
    findings.extend(gate::evaluate(
        &gate::Inputs {
            records: &records,
            statuses: statuses.as_deref(),
            change: change.as_ref(),
            incident_files: &incident_files,
            waivers: &ws.config.waivers,
        },
        opts,
    ));

    // The pull request (DESIGN §9): disclosure, labels, the comment's
    // commit rows. Read only when something uses them; a token-less or
    // `--offline` run sets no label.
    let label_token = token.clone().filter(|_| !args.offline);
    let wants_labels = pr_number.is_some() && label_token.is_some();
    let pr_facts = match (&change, &share, &classifier) {
        (Some(c), Some(s), Some(cl))
            if wants_labels || comment || gate_pr::disclosure_level(&ws.config).is_some() =>
        {
            Some(gate_pr::facts(cl, c, s, comment)?)
        }
        _ => None,
    };
    let mut slug = None;
    if let Some(f) = &pr_facts {
        if let Some(level) = gate_pr::disclosure_level(&ws.config) {
            // The payload's body; with only `--pr N`, GitHub's.
            let body = match (&pr_body, pr_number, label_token.clone(), repo) {
                (Some(b), ..) => Ok(b.clone()),
                (None, Some(n), Some(tok), Some(r)) => slug_or_why(&args.gh, r)
                    .and_then(|sl| gate_pr::fetch_body(&args.gh, &sl, tok, n)),
                _ => Err("no `pull_request` payload at GITHUB_EVENT_PATH, and no `--pr N` with a token to read it".to_string()),
            };
            match body {
                Ok(b) => findings.extend(gate_pr::disclosure_findings(&ws.config, f, &b)),
                Err(why) => findings.push(gate_pr::disclosure_unknown(level, &why)),
            }
        }
        if let (Some(n), Some(tok), Some(r)) = (pr_number, label_token.clone(), repo) {
            // An unknown repository is a label failure like any other: a
            // finding, never exit 2 (README "Forks").
            let sl = slug_or_why(&args.gh, r);
            findings.extend(gate_pr::apply_labels(
                &args.gh,
                sl.as_ref().map_err(Clone::clone),
                tok,
                n,
                &ws.config,
                f,
                ctx.color,
            )?);
            slug = sl.ok();
        }
    }

    let mut report = Report { findings };
    report.sort();
    let sources = context::sources_for(&ws.root, &records, &report.findings);
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
    // The AI share of the change (DESIGN §9): `"share"` in JSON, a line
    // under the title in human and GitHub output, a section after the
    // findings in Markdown and the step summary.
    let addendum = match &share {
        Some(s) => context::Addendum {
            json: vec![(
                "share".to_string(),
                serde_json::to_value(s).unwrap_or_default(),
            )],
            markdown: Some(s.markdown()),
            line: Some(format!("AI share: {}", s.summary())),
        },
        None => context::Addendum::default(),
    };
    context::emit_report(ctx, &report, &title, &addendum, |o| {
        writeln!(o, "{title}")?;
        if let Some(s) = &share {
            crate::pr::share::write_human(s, &mut &mut *o)?;
        }
        crate::findings::human::render(
            &report,
            &sources,
            ctx.color,
            super::stdout_width(),
            &mut &mut *o,
        )
    })?;
    if comment && let (Some(f), Some(n), Some(r)) = (&pr_facts, pr_number, repo) {
        // Never exit 2 for the comment (README "Forks"): an unknown
        // repository is reported like a failed write, and the verdict stands.
        let slug = match slug {
            Some(s) => Ok(s),
            None => slug_or_why(&args.gh, r),
        };
        gate_pr::post_comment(
            &args.gh,
            slug.as_ref().map_err(Clone::clone),
            label_token,
            n,
            &title,
            &report,
            f,
            ctx.color,
        )?;
    }
    if report.undecidable() {
        // Name what blocks: a `config` finding (a missing incidents folder,
        // a bad `.aeef.yml`) is not a record that cannot be read.
        let kinds = report.undecidable_kinds();
        return Err(UsageError::new(
            format!("the gate cannot decide: see the {kinds} finding(s) above"),
            format!("fix the {kinds} findings above (`aeef incident check` shows each with its position)"),
        )
        .into());
    }
    Ok(match report.verdict() {
        Verdict::Pass => Outcome::Ok,
        Verdict::Fail => Outcome::Failed,
    })
}

/// The pull request's repository, or why it is unknown as one line with
/// its fix, for the label, comment and disclosure steps, which report a
/// failure and never end the gate with exit 2 (README "Forks").
fn slug_or_why(gh: &GhArgs, repo: &crate::git::Repo) -> Result<crate::github::RepoSlug, String> {
    connection::slug(gh, repo).map_err(|e| {
        use miette::Diagnostic;
        match e.help() {
            Some(h) => format!("{e}: {h}"),
            None => e.to_string(),
        }
    })
}
