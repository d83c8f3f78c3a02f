//! The pull-request side of `aeef gate` (DESIGN §9): the change's AI share,
//! the opt-in `pr-disclosure` rule, the managed labels and the one summary
//! comment. Gathering and GitHub calls only; the decisions are in
//! `crate::pr` (`labels::plan`, `disclosure::check`, `comment::render`).
//!
//! None of this decides the verdict: a label or comment that cannot be
//! written is a `pr-label-missing` warning or a note in the step summary,
//! never an exit 2 (a fork's read-only token must not break its CI).
use std::io::Write;
use std::path::PathBuf;

use super::connection::{GhArgs, GitHub};
use crate::classify::Classifier;
use crate::config::Config;
use crate::findings::{Level, Report};
use crate::gate::Change;
use crate::github::RepoSlug;
use crate::pr::{Share, comment, disclosure, labels};

/// What the pull-request steps need from the change, read once.
pub struct PrFacts {
    pub share: Share,
    /// Rows of the comment's commit table (filled only for `--comment`).
    pub rows: Vec<comment::CommitRow>,
}

/// The level `pr-disclosure` runs at: `None` unless `.aeef.yml` sets it
/// (the rule is opt-in), or when it is set to `off`.
pub fn disclosure_level(cfg: &Config) -> Option<Level> {
    Some(cfg.level(disclosure::RULE, disclosure::RULE.default_level())).filter(|l| *l != Level::Off)
}

/// The facts of the change: its `share` (computed once by the gate) and,
/// with `rows`, each commit's origin from the same `classifier` (so a
/// commit is read once).
pub fn facts(
    classifier: &Classifier<'_>,
    change: &Change,
    share: &Share,
    rows: bool,
) -> miette::Result<PrFacts> {
    let mut out = Vec::new();
    if rows {
        for c in &change.commits {
            let origin = classifier.classify(&c.sha)?.origin;
            let p = &c.provenance;
            let ai = p.is_ai();
            out.push(comment::CommitRow {
                sha: c.sha.clone(),
                origin: origin.as_str().to_string(),
                tool: p.tool.clone().filter(|_| ai),
                model: p.model_version.clone().filter(|_| ai),
                subject: c.summary.clone(),
            });
        }
    }
    Ok(PrFacts {
        share: share.clone(),
        rows: out,
    })
}

/// `pr-disclosure` findings for the pull request's `body`.
pub fn disclosure_findings(
    cfg: &Config,
    facts: &PrFacts,
    body: &str,
) -> Vec<crate::findings::Finding> {
    let Some(level) = disclosure_level(cfg) else {
        return Vec::new();
    };
    let found = disclosure::Found {
        ai: facts.share.ai_assisted(),
        tools: facts
            .share
            .by_tool
            .keys()
            .filter(|t| t.as_str() != "unknown-agent")
            .cloned()
            .collect(),
    };
    disclosure::check(body, &found, level)
}

/// The body of pull request `n` as GitHub has it now (`GET
/// /repos/O/R/issues/N`); the error says why it could not be read.
pub fn fetch_body(gh: &GhArgs, slug: &RepoSlug, token: String, n: u64) -> Result<String, String> {
    let hub = GitHub::new(gh, slug.clone(), Some(token)).map_err(|e| e.to_string())?;
    let path = format!("{}/issues/{n}", slug.api_path());
    hub.run(hub.client.get_one::<crate::github::api::Issue>(
        &path,
        &slug.to_string(),
        "issues: read",
    ))
    .map(|i| i.body.unwrap_or_default())
    .map_err(|e| e.to_string())
}

/// `pr-disclosure` when the description cannot be read: the rule was asked
/// for, so it says it could not check rather than passing in silence.
pub fn disclosure_unknown(level: Level, why: &str) -> crate::findings::Finding {
    crate::findings::Finding::new(
        disclosure::RULE,
        level,
        format!("the pull request's description could not be checked for its AI disclosure: {why}"),
    )
    .help("run the gate in a `pull_request` workflow, or pass `--pr N` with a token that can read the pull request")
}

/// Applies the managed labels to pull request `n`; what could not be done
/// comes back as `pr-label-missing` findings. One line per change on stderr.
///
/// `slug` is the repository, or why it is unknown (no `GITHUB_REPOSITORY`,
/// `--repo` or GitHub remote): like every other failure to write the
/// labels, that is a finding, never exit 2 (README "Forks").
pub fn apply_labels(
    gh: &GhArgs,
    slug: Result<&RepoSlug, String>,
    token: String,
    n: u64,
    cfg: &Config,
    facts: &PrFacts,
    color: bool,
) -> miette::Result<Vec<crate::findings::Finding>> {
    let due = labels::Due::of(&facts.share, cfg.pr.primary_threshold.get());
    let applied = match slug.and_then(|slug| {
        GitHub::new(gh, slug.clone(), Some(token))
            .map(|hub| (hub, slug))
            .map_err(|e| e.to_string())
    }) {
        Ok((hub, slug)) => hub.run(labels::apply(&hub.client, slug, n, due)),
        Err(why) => labels::Applied::Failed(labels::plan(due, &[]), why),
    };
    if let labels::Applied::Done(p) = &applied {
        let mut e = super::err(color);
        for s in &p.add {
            let _ = writeln!(e, "aeef: pull request #{n}: label `{}` added", s.name);
        }
        for s in &p.remove {
            let _ = writeln!(
                e,
                "aeef: pull request #{n}: label `{}` removed (no longer true)",
                s.name
            );
        }
    }
    let level = cfg.level(labels::RULE, labels::RULE.default_level());
    Ok(labels::findings(&applied, n, &facts.share.summary(), level))
}

/// Creates or updates the summary comment on pull request `n`; with a
/// read-only token (or any failure) the same Markdown goes to
/// `$GITHUB_STEP_SUMMARY`, headed by a line saying why. The outcome is one
/// line on stderr. `slug` is the repository, or why it is unknown. Nothing
/// here changes the gate's exit code (README "Forks"): a repository or
/// step summary that cannot be reached is a warning on stderr.
#[allow(clippy::too_many_arguments)]
pub fn post_comment(
    gh: &GhArgs,
    slug: Result<&RepoSlug, String>,
    token: Option<String>,
    n: u64,
    title: &str,
    report: &Report,
    facts: &PrFacts,
    color: bool,
) -> miette::Result<()> {
    let body = comment::render(title, report, Some(&facts.share), &facts.rows);
    let posted = match (token, slug) {
        (None, _) => comment::Posted::Failed(format!("no token in `{}`", gh.token_env)),
        (Some(_), Err(why)) => comment::Posted::Failed(why),
        (Some(t), Ok(slug)) => match GitHub::new(gh, slug.clone(), Some(t)) {
            Ok(hub) => hub.run(comment::post(&hub.client, slug, n, &body)),
            Err(e) => comment::Posted::Failed(e.to_string()),
        },
    };
    let line = comment::outcome_line(n, &posted);
    let mut e = super::err(color);
    let _ = writeln!(e, "aeef: {line}");
    if matches!(
        posted,
        comment::Posted::ReadOnly | comment::Posted::Failed(_)
    ) {
        match std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
        {
            Some(path) => {
                let text = format!("> [!NOTE]\n> aeef {line}.\n\n{body}\n");
                if let Err(err) = crate::findings::github::append_to_file(&path, &text) {
                    let _ = writeln!(
                        e,
                        "aeef: warning: cannot append the comment to GITHUB_STEP_SUMMARY {}: {err}",
                        path.display()
                    );
                }
            }
            None => {
                let _ = writeln!(
                    e,
                    "aeef: GITHUB_STEP_SUMMARY is not set either, so the summary was not written anywhere"
                );
            }
        }
    }
    Ok(())
}
