//! `aeef scan [REVSPEC]`: every commit of a range with its AI provenance.
use std::collections::{BTreeMap, HashMap};
use std::io::{BufWriter, Write};

use super::{Ctx, Format, paint};
use crate::error::Outcome;
use crate::git::{self, RawCommit};
use crate::provenance::{self, Provenance};

/// Arguments of `aeef scan`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "REVSPEC is what `git rev-list` takes: `HEAD` (default), `main..topic`, `v1.2..`, `--all` (refs/notes/* excluded), `--since=2026-01-01`."
)]
pub struct Args {
    /// Revisions and ranges, as `git rev-list` takes them.
    #[arg(value_name = "REVSPEC", allow_hyphen_values = true, num_args = 0..)]
    pub revspec: Vec<String>,
}

/// One JSON Lines row of `aeef scan --format json` (DESIGN §8).
#[derive(serde::Serialize)]
struct Row<'a> {
    commit: &'a str,
    ai: bool,
    tool: Option<&'a str>,
    model_version: Option<&'a str>,
    human_modifications: Option<&'a str>,
    confidence: Option<provenance::Confidence>,
    sources: &'a [String],
}

fn row<'a>(c: &'a RawCommit, p: &'a Provenance) -> Row<'a> {
    Row {
        commit: &c.sha,
        ai: p.ai,
        tool: p.tool.as_deref(),
        model_version: p.model_version.as_deref(),
        human_modifications: p.ai.then(|| p.human_modifications.as_str()),
        confidence: p.confidence,
        sources: &p.sources,
    }
}

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(&[Format::Human, Format::Json])?;
    let repo = ctx.repo()?;
    let cfg = super::load_config(&repo)?;
    git::commits::revspec_args(&args.revspec)?;
    let commits = git::commits::log(&repo, &args.revspec)?;
    let wanted: std::collections::HashSet<&str> = commits.iter().map(|c| c.sha.as_str()).collect();
    let notes: HashMap<String, String> = repo
        .noted_commits()
        .into_iter()
        .filter(|(sha, _)| wanted.contains(sha.as_str()))
        .filter_map(|(sha, blob)| repo.blob_text(blob).map(|t| (sha, t)))
        .collect();
    let table = provenance::AgentTable::builtin().with_rules(&cfg.agents);
    let provs = provenance::scan::scan(&commits, &notes, &table);
    let mut w = BufWriter::new(super::out());
    let r = match ctx.format {
        Format::Json => (|| {
            for (c, p) in commits.iter().zip(&provs) {
                serde_json::to_writer(&mut w, &row(c, p))?;
                w.write_all(b"\n")?;
            }
            w.flush()
        })(),
        _ => human(&mut w, &commits, &provs, ctx.color),
    };
    super::write_result(r)?;
    Ok(Outcome::Ok)
}

fn human(
    w: &mut impl Write,
    commits: &[RawCommit],
    provs: &[Provenance],
    color: bool,
) -> std::io::Result<()> {
    // (tool, model) → commits.
    let mut by: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (c, p) in commits.iter().zip(provs) {
        let who = match (p.ai, p.confidence) {
            (false, _) => paint::dim(color, "human"),
            (true, Some(provenance::Confidence::Low)) => {
                format!(
                    "{} {}",
                    p.tool.as_deref().unwrap_or("?"),
                    paint::dim(color, "(low)")
                )
            }
            _ => paint::paint(color, "33", p.tool.as_deref().unwrap_or("ai")),
        };
        let model = p.model_version.as_deref().unwrap_or("");
        writeln!(
            w,
            "{} {:<14} {:<24} {}",
            paint::paint(color, "33", &c.sha[..10]),
            who,
            model,
            c.summary()
        )?;
        let key = if p.ai {
            (
                p.tool.clone().unwrap_or_else(|| "unknown".into()),
                p.model_version.clone().unwrap_or_else(|| "-".into()),
            )
        } else {
            ("human".into(), "-".into())
        };
        *by.entry(key).or_default() += 1;
    }
    let total = commits.len().max(1);
    writeln!(w)?;
    writeln!(
        w,
        "{}",
        paint::bold(
            color,
            &format!(
                "{:<16} {:<28} {:>8} {:>7}",
                "tool", "model", "commits", "share"
            )
        )
    )?;
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((tool, model), n) in rows {
        writeln!(
            w,
            "{tool:<16} {model:<28} {n:>8} {:>6.1}%",
            100.0 * n as f64 / total as f64
        )?;
    }
    writeln!(w, "{:<16} {:<28} {:>8}", "total", "", commits.len())?;
    w.flush()
}
