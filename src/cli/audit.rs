//! `aeef audit`.
use crate::error::Outcome;

/// Arguments of `aeef audit`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef audit` is not built yet"))
}
