//! `aeef ca`.
use crate::error::Outcome;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Not built yet.
    Todo,
}

pub fn run(_c: Command, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef ca` is not built yet"))
}
