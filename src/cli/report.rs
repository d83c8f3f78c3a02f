//! `aeef report`: trend statistics over the incident records of one period,
//! with the period's AI commits from the provenance engine beside them.

use std::io::{BufWriter, Write};

use chrono::{DateTime, Utc};

use super::{Ctx, Format};
use crate::error::{Outcome, UsageError};
use crate::report::{self, Period};

/// Arguments of `aeef report`.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("period").args(["month", "quarter", "since"])),
    after_help = "An incident belongs to the period that contains its detected_at (UTC days).\n\
Without a period: the last complete month before --now.\n\
Formats: human (default), markdown, json, csv (one dimension,value,count table), html (one self-contained page)."
)]
pub struct Args {
    /// A calendar month, `YYYY-MM`.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// A quarter, `YYYY-Qn`.
    #[arg(long, value_name = "YYYY-Qn")]
    pub quarter: Option<String>,
    /// First day of a custom period (with `--until`); an RFC 3339 time
    /// counts as its UTC day.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "until")]
    pub since: Option<String>,
    /// Last day (inclusive) of a custom period (with `--since`).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "since")]
    pub until: Option<String>,
    /// The clock for overdue actions and running SLAs (RFC 3339; default: now, UTC).
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = super::context::parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Periods in the trend, this one included, each as long as this one
    /// (default: 6 for a month, 4 for a quarter or a date range).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=120))]
    pub trend: Option<u16>,
    /// Leave out the commit statistics (no git log over the period).
    #[arg(long)]
    pub no_provenance: bool,
}

/// The period asked for; without one, the last complete month before `now`.
fn period(args: &Args, now: DateTime<Utc>) -> miette::Result<Period> {
    if let Some(m) = &args.month {
        return Ok(Period::parse_month(m)?);
    }
    if let Some(q) = &args.quarter {
        return Ok(Period::parse_quarter(q)?);
    }
    match (&args.since, &args.until) {
        (Some(s), Some(u)) => {
            let (from, to) = (Period::parse_date(s)?, Period::parse_date(u)?);
            Period::range(from, to).ok_or_else(|| {
                UsageError::new(
                    format!("--since {s} is after --until {u}"),
                    "swap the dates; both days are included",
                )
                .into()
            })
        }
        _ => Ok(Period::last_complete_month(now)),
    }
}

/// Provenance of the commits on HEAD (or on the records' revision, `at`:
/// `--rev`, so that incidents and commits come from one history) whose
/// committer date lies in the period.
fn provenance(
    repo: &crate::git::Repo,
    cfg: &crate::config::Config,
    p: &Period,
    at: Option<&(String, git2::Oid)>,
) -> miette::Result<Option<report::ProvenanceStats>> {
    let tip = match at {
        Some((_, oid)) => oid.to_string(),
        None if repo.git2().head().is_err() => return Ok(None), // unborn branch
        None => "HEAD".to_string(),
    };
    let spec = vec![
        format!("--since={}T00:00:00Z", p.from),
        format!("--until={}T23:59:59Z", p.to),
        tip,
    ];
    let table = crate::provenance::AgentTable::builtin().with_rules(&cfg.agents);
    // Counted as the scan streams: a quarter of history is never held at once.
    let mut stats = report::ProvenanceStats {
        on: at.map_or_else(|| "HEAD".to_string(), |(name, _)| name.clone()),
        ..Default::default()
    };
    crate::provenance::range::scan_range_into(repo, &spec, &table, |rows| {
        rows.iter().for_each(|(_, p)| stats.add(p));
        true
    })?;
    Ok(Some(stats))
}

/// The formats `aeef report` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Markdown,
    Format::Csv,
    Format::Html,
];

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let now = super::context::now_or(args.now);
    let period = period(&args, now)?;
    let ws = super::context::workspace(ctx)?;
    let repo = ws.repo.as_ref().ok_or_else(|| {
        miette::miette!(
            code = "aeef::report::no_repository",
            help = "run the report inside the repository, or point -C at it",
            "not a git repository"
        )
    })?;
    let cfg = &ws.config;
    let (loaded, mut bad) = ws.records()?;
    // A record dated after `--now` would count in a period it cannot belong to.
    bad.extend(
        loaded
            .iter()
            .flat_map(|l| crate::incident::policy::future_findings(l, now)),
    );
    if !bad.is_empty() {
        // A report over partial data would mislead.
        super::context::refuse_unreadable(ctx, &ws.root, &loaded, bad)?;
    }
    let prov = if args.no_provenance {
        None
    } else {
        provenance(repo, cfg, &period, ws.rev.as_ref())?
    };
    let incidents: Vec<&crate::incident::Incident> = loaded.iter().map(|l| &l.incident).collect();
    let verified = super::context::verified(&ws, &loaded, now)?;
    let trend = args
        .trend
        .map_or_else(|| period.default_trend_len(), usize::from);
    let stats = report::compute_by(&incidents, &period, now, prov, &verified, trend);
    let title = period.label();
    let mut w = BufWriter::new(super::out());
    let r = match ctx.format {
        Format::Json => report::render::json(&mut w, &stats),
        Format::Markdown => report::render::markdown(&mut w, &stats, &title),
        Format::Csv => report::render::csv(&mut w, &stats),
        Format::Html => report::html::html(&mut w, &stats, &title),
        _ => report::render::human(&mut w, &stats, &title),
    };
    super::write_result(r.and_then(|()| w.flush()))?;
    Ok(Outcome::Ok)
}
