//! `aeef init`.
use crate::error::Outcome;

/// Arguments of `aeef init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef init` is not built yet"))
}
