//! `aeef audit`: the history of the incident records, checked for what an
//! auditor must see (deleted records, reused ids, self-verification,
//! rewrites after resolution, retention, unsigned commits).
use std::io::{BufWriter, Write};

use chrono::{DateTime, Utc};

use super::{Ctx, Format, paint};
use crate::error::Outcome;
use crate::findings::{Level, Report};

/// Arguments of `aeef audit`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rules: audit-record-deleted, audit-id-reused, audit-self-verified, \
audit-rewritten-after-resolve, audit-retention, audit-unsigned (with `audit.require_signed: true`), \
audit-unreadable.\n\
Exit codes: 0 no error findings, 1 error findings, 2 the history cannot be read (shallow clone: use `fetch-depth: 0`)."
)]
pub struct Args {
    /// Report only commits made on or after this day (YYYY-MM-DD) or time
    /// (RFC 3339); the whole history is still read to know the records' state.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

/// `--since`: the one parser of report and audit periods.
fn parse_since(s: &str) -> miette::Result<DateTime<Utc>> {
    crate::report::period::parse_instant(s).map_err(|mut e| {
        e.help = "write it as 2026-01-01 or 2026-01-01T00:00:00Z".into();
        e.into()
    })
}

/// What `aeef audit` prints: the formats of the findings report.
pub const FORMATS: &[Format] = super::context::REPORT_FORMATS;

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let repo = ctx.repo()?;
    // The history up to the records' revision (`--rev`; HEAD otherwise),
    // with the configuration every reading command reads (DESIGN §5).
    let ws = super::context::workspace(ctx)?;
    let cfg = &ws.config;
    let tip = ws.records_at().map(|o| o.to_string());
    let history = crate::audit::history(&repo, &cfg.incidents_dir, tip.as_deref())?;
    let mut report = crate::audit::check(&history, cfg, since);
    // Waivers in `.aeef.yml` committed by the owner they exempt.
    let waivers = crate::audit::config_history(&repo, tip.as_deref())?;
    if !waivers.is_empty() {
        let (records, _) = ws.records()?;
        report
            .findings
            .extend(crate::audit::check_waivers(&waivers, &records, cfg, since));
    }
    let title = format!(
        "aeef audit: {} commit(s) touching incident records",
        history.len()
    );
    super::context::emit_report(ctx, &report, &title, &Default::default(), |o| {
        let mut w = BufWriter::new(o);
        human(&mut w, &report, history.len(), ctx.color).and_then(|()| w.flush())
    })?;
    Ok(if report.errors() > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}

fn human(w: &mut impl Write, r: &Report, commits: usize, color: bool) -> std::io::Result<()> {
    for f in &r.findings {
        let lvl = match f.level {
            Level::Error => paint::paint(color, "1;31", "error"),
            Level::Note => paint::paint(color, "36", "note"),
            _ => paint::paint(color, "33", "warn"),
        };
        let sha = f
            .commit
            .as_deref()
            .map(|s| s.get(..10).unwrap_or(s))
            .unwrap_or("");
        writeln!(
            w,
            "{lvl}[{}] {} {}",
            f.rule,
            paint::dim(color, sha),
            f.message
        )?;
        match (&f.file, f.line, f.column) {
            (Some(file), Some(l), Some(c)) => writeln!(w, "  --> {file}:{l}:{c}")?,
            (Some(file), ..) => writeln!(w, "  --> {file}")?,
            _ => {}
        }
        if let Some(h) = &f.help {
            writeln!(w, "  help: {h}")?;
        }
    }
    writeln!(
        w,
        "audit: {commits} commit(s) touching incident records, {} error(s), {} warning(s)",
        r.errors(),
        r.warnings()
    )
}
