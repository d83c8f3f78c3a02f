//! `aeef scan [REVSPEC]`: every commit of a range with its AI provenance.
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use super::{Ctx, Format, paint};
use crate::error::Outcome;
use crate::git::{self, RawCommit};
use crate::provenance::range::{scan_range, scan_range_into};
use crate::provenance::{self, Provenance};

/// Arguments of `aeef scan`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
REVSPEC is what `git rev-list` takes: `HEAD` (default), `main..topic`, `v1.2..`, `^old new`.
Other rev-list options go after `--`: `aeef scan -- --branches=release/*`.

Examples:
  aeef scan                          every commit reachable from HEAD
  aeef scan main..topic              the commits of a pull request
  aeef scan --all --since 2026-11-01 --format json
  aeef scan main..HEAD --share       the AI share of the change's added lines

--share takes exactly one range BASE..HEAD (`main..`, `origin/main..topic`)
and prints the share of the lines the change adds (diff from the merge base
to HEAD) that are AI-attributed at HEAD, per tool and model, instead of the
commits (human, json, markdown).")]
pub struct Args {
    /// Revisions and ranges, as `git rev-list` takes them.
    #[arg(value_name = "REVSPEC")]
    pub revs: Vec<String>,
    /// Every ref except refs/notes/* (notes are not code history).
    #[arg(long)]
    pub all: bool,
    /// Follow only the first parent of merges.
    #[arg(long)]
    pub first_parent: bool,
    /// Leave out merge commits.
    #[arg(long)]
    pub no_merges: bool,
    /// Commits more recent than DATE (as git understands it).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Commits older than DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// At most N commits.
    #[arg(short = 'n', long = "max-count", value_name = "N")]
    pub max_count: Option<u64>,
    /// Print the AI share of the change BASE..HEAD (lines it adds that are
    /// AI-attributed at HEAD, per tool and model) instead of its commits.
    #[arg(long, conflicts_with_all = ["all", "first_parent", "no_merges", "since", "until", "max_count", "extra"])]
    pub share: bool,
    /// Further `git rev-list` options (after `--`).
    #[arg(last = true, value_name = "REV-LIST OPTIONS")]
    pub extra: Vec<String>,
}

impl Args {
    /// The revision arguments for `git log`.
    pub fn spec(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.first_parent {
            v.push("--first-parent".to_string());
        }
        if self.no_merges {
            v.push("--no-merges".to_string());
        }
        if let Some(d) = &self.since {
            v.push(format!("--since={d}"));
        }
        if let Some(d) = &self.until {
            v.push(format!("--until={d}"));
        }
        if let Some(n) = self.max_count {
            v.push(format!("--max-count={n}"));
        }
        v.extend(self.extra.iter().cloned());
        if self.all {
            v.push("--all".to_string());
        }
        v.extend(self.revs.iter().cloned());
        // With no revision at all, `git::commits` adds HEAD as git log does.
        v
    }
}

/// One JSON Lines row of `aeef scan --format json` (DESIGN §8). Each line
/// carries `schema_version`, since a consumer may read any one line alone.
/// `human_modifications` is always a string, `unknown` when nothing says
/// (a human commit too), exactly as `aeef blame --format json` writes it.
#[derive(serde::Serialize)]
struct Row<'a> {
    schema_version: u32,
    commit: &'a str,
    ai: bool,
    tool: Option<&'a str>,
    model_version: Option<&'a str>,
    human_modifications: &'a str,
    confidence: Option<provenance::Confidence>,
    sources: &'a [String],
}

fn row<'a>(c: &'a RawCommit, p: &'a Provenance) -> Row<'a> {
    Row {
        schema_version: 1,
        commit: &c.sha,
        ai: p.ai,
        tool: p.tool.as_deref(),
        model_version: p.model_version.as_deref(),
        human_modifications: p.human_modifications.as_str(),
        confidence: p.confidence,
        sources: &p.sources,
    }
}

/// The formats `aeef scan` prints (its `--help` lists exactly these;
/// `markdown` only with `--share`).
pub const FORMATS: &[Format] = &[Format::Human, Format::Json, Format::Markdown];

/// What the commit listing prints (Markdown is for `--share` only).
pub const COMMIT_FORMATS: &[Format] = &[Format::Human, Format::Json];

/// What `--share` prints.
pub const SHARE_FORMATS: &[Format] = &[Format::Human, Format::Json, Format::Markdown];

/// What `aeef scan --help` says of `--format`: one format needs a flag.
pub const FORMAT_HELP: &str = "Output format (markdown only with --share)";

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    if args.share {
        return run_share(&args, ctx);
    }
    if ctx.format == Format::Markdown {
        return Err(crate::error::ArgumentsError {
            message: "invalid value 'markdown' for '--format <FORMAT>': `aeef scan` prints markdown only with --share".into(),
            help: Some("add --share to measure a change BASE..HEAD in Markdown, or use --format human or json to list commits".into()),
        }
        .into());
    }
    ctx.require_format(COMMIT_FORMATS)?;
    let repo = ctx.repo()?;
    let cfg = super::load_config(&repo)?;
    let spec = args.spec();
    git::commits::revspec_args(&spec)?;
    git::resolve::revisions(&repo, &spec)?;
    let table = provenance::AgentTable::builtin().with_rules(&cfg.agents);
    if ctx.format == Format::Json {
        // JSON Lines are written once the whole range has been read: a
        // scan that stops with exit 2 (a note git cannot read, found deep
        // in the history) leaves no partial list that parses as complete.
        // The rows are smaller than the commits the human format keeps.
        let mut buf = Vec::new();
        let mut failed = None;
        scan_range_into(&repo, &spec, &table, |rows| {
            // Room for the batch at once (a row is about 200 bytes): no
            // copy of what is written so far as the buffer grows.
            buf.reserve(rows.len() * 256);
            for (c, p) in &rows {
                if let Err(e) = serde_json::to_writer(&mut buf, &row(c, p)) {
                    failed = Some(std::io::Error::from(e));
                    return false;
                }
                buf.push(b'\n');
            }
            true
        })?;
        let mut w = std::io::stdout().lock();
        let written = match failed {
            Some(e) => Err(e),
            None => w.write_all(&buf).and_then(|()| w.flush()),
        };
        super::write_result(written)?;
        return Ok(Outcome::Ok);
    }
    let rows = scan_range(&repo, &spec, &table)?;
    let mut w = BufWriter::new(super::out());
    super::write_result(human(&mut w, &rows, ctx.color))?;
    Ok(Outcome::Ok)
}

fn human(w: &mut impl Write, rows: &[(RawCommit, Provenance)], color: bool) -> std::io::Result<()> {
    // (tool, model) → commits.
    let mut by: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (c, p) in rows {
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
    let total = rows.len().max(1);
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
    let mut table: Vec<_> = by.into_iter().collect();
    table.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((tool, model), n) in table {
        writeln!(
            w,
            "{tool:<16} {model:<28} {n:>8} {:>6.1}%",
            100.0 * n as f64 / total as f64
        )?;
    }
    writeln!(w, "{:<16} {:<28} {:>8}", "total", "", rows.len())?;
    w.flush()
}

/// The change a `--share` scan measures: `BASE..HEAD` (an empty side is
/// `HEAD`, as in git), resolved to commits. Anything else is a usage error
/// naming the form to use.
pub fn share_range(repo: &git::Repo, revs: &[String]) -> miette::Result<(String, String)> {
    let usage = |what: String| {
        miette::miette!(
            code = "aeef::scan::share",
            help = "give the change as one range BASE..HEAD, e.g. `aeef scan main..HEAD --share` (`main..` means the same)",
            "{what}"
        )
    };
    let spec = match revs {
        [one] => one,
        [] => {
            return Err(usage(
                "--share measures a change, and no range was given".to_string(),
            ));
        }
        _ => {
            return Err(usage(format!(
                "--share takes one range, not {} revisions",
                revs.len()
            )));
        }
    };
    let (b, h) = match spec.split_once("..") {
        Some((b, h)) if !h.starts_with('.') => (b, h),
        _ => {
            return Err(usage(format!(
                "`{spec}` is not a range BASE..HEAD (`...` and single revisions are not changes)"
            )));
        }
    };
    // The one resolver, as plain `aeef scan` uses: an unknown side is
    // `aeef::git::unknown_revision` naming that side, whatever the mode.
    git::resolve::revisions(repo, std::slice::from_ref(spec))?;
    let side = |s: &str| if s.is_empty() { "HEAD" } else { s }.to_string();
    let (b, h) = (side(b), side(h));
    Ok((
        git::resolve::revision(repo, &b)?,
        git::resolve::revision(repo, &h)?,
    ))
}

/// `aeef scan BASE..HEAD --share`: the AI share of the change (DESIGN §9).
fn run_share(args: &Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(SHARE_FORMATS)?;
    let repo = ctx.repo()?;
    let cfg = super::load_config(&repo)?;
    let (base, head) = share_range(&repo, &args.revs)?;
    let opts = crate::classify::Options {
        window: crate::classify::Window::Lines(cfg.adjacency_window),
        agents: provenance::AgentTable::builtin().with_rules(&cfg.agents),
    };
    let classifier = crate::classify::Classifier::new(&repo, opts);
    let share = crate::pr::share_of_change(&repo, &classifier, &base, &head)?;
    let merge_base = crate::pr::share::merge_base(&repo, &base, &head)?;
    let mut w = BufWriter::new(super::out());
    let r = match ctx.format {
        Format::Json => serde_json::to_writer(
            &mut w,
            &serde_json::json!({
                "schema_version": 1,
                "base": base,
                "head": head,
                "merge_base": merge_base,
                "share": share,
            }),
        )
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(w)),
        Format::Markdown => write!(w, "{}", share.markdown()),
        _ => (|| {
            writeln!(
                w,
                "{}..{} (merge base {})",
                &base[..10],
                &head[..10],
                &merge_base[..10]
            )?;
            crate::pr::share::write_human(&share, &mut w)
        })(),
    };
    super::write_result(r.and_then(|()| w.flush()))?;
    Ok(Outcome::Ok)
}
