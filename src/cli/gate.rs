//! `aeef gate`.
use crate::error::Outcome;

/// Arguments of `aeef gate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef gate` is not built yet"))
}
