//! `aeef blame`.
use crate::error::Outcome;

/// Arguments of `aeef blame`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef blame` is not built yet"))
}
