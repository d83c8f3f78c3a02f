//! `aeef postmortem ID [-o FILE]`: the standard's post-mortem template in
//! Markdown, filled from the record.
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{Ctx, Format, out, write_result};
use crate::error::Outcome;
use crate::incident::postmortem;

/// Arguments of `aeef postmortem`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident id (INC-YYYY-NNN).
    pub id: String,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fix the clock (RFC 3339) for SLAs still running.
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = super::context::parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// The formats `aeef postmortem` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[Format::Human, Format::Markdown];

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let ws = super::context::workspace(ctx)?;
    let rec = super::context::find_incident(ctx, &ws, &args.id)?;
    let now = super::context::now_or(args.now);
    let verified = super::context::verified(&ws, std::slice::from_ref(&rec), now)?;
    let md = postmortem::render_by(&rec.incident, now, &verified);
    match args.output {
        Some(path) => {
            super::context::write_output(ctx, &path, md.as_bytes())?;
            Ok(Outcome::Ok)
        }
        None => {
            let mut o = out();
            write_result(o.write_all(md.as_bytes())).map(|()| Outcome::Ok)
        }
    }
}
