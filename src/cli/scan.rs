//! `aeef scan`.
use crate::error::Outcome;

/// Arguments of `aeef scan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef scan` is not built yet"))
}
