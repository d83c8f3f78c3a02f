//! `aeef postmortem`.
use crate::error::Outcome;

/// Arguments of `aeef postmortem`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef postmortem` is not built yet"))
}
