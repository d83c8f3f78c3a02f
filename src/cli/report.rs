//! `aeef report`.
use crate::error::Outcome;

/// Arguments of `aeef report`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef report` is not built yet"))
}
