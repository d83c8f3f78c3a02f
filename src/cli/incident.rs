//! `aeef incident`.
use crate::error::Outcome;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Not built yet.
    Todo,
}

pub fn run(_c: Command, _ctx: &super::Ctx) -> miette::Result<Outcome> {
    Err(miette::miette!("`aeef incident` is not built yet"))
}
