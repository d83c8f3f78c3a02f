//! The doorway: parse, run, map the outcome to an exit code.
use std::process::ExitCode;

fn main() -> ExitCode {
    aeef::cli::main()
}
