//! The command line: global options, one module per subcommand (its `Args`
//! and a `run` function), and the mapping of outcomes to exit codes.
pub mod audit;
pub mod blame;
pub mod ca;
pub mod gate;
mod gate_pr;
pub mod hook;
pub mod incident;
pub mod init;
pub mod notify;
pub mod paint;
pub mod postmortem;
pub mod report;
pub mod scan;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Outcome, UsageError};
use crate::git::Repo;

const EXIT_CODES: &str = "\
Exit codes:
  0  ok; the check passed
  1  the check ran and failed (a verdict, not a crash)
  2  usage, input or environment error (bad arguments, unreadable YAML,
     missing history, unreachable API); nothing was decided";

/// Git-native AI provenance and incident-response gate (AEEF).
#[derive(Debug, Parser)]
#[command(name = "aeef", version, about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// Run as if aeef was started in DIR instead of the current directory.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    /// Output format (each command accepts the ones that make sense for it).
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,

    /// When to use colours in human output.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Read incident records and `.aeef.yml` from the tree of this revision
    /// instead of the work tree (the default in a bare repository: HEAD).
    #[arg(long, value_name = "REV", global = true)]
    pub rev: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
    Markdown,
    Csv,
    Html,
    /// Plain text (`aeef incident notify`); hidden from the global list.
    #[value(hide = true)]
    Text,
    /// Slack Block Kit JSON (`aeef incident notify`); hidden from the global list.
    #[value(hide = true)]
    Slack,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Text => "text",
            Format::Slack => "slack",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every commit of a range with its AI provenance.
    Scan(scan::Args),
    /// Classify a commit (REV) or attribute lines (PATH[:L1[-L2]]).
    Blame(blame::Args),
    /// Write `.aeef.yml` and `incidents/`.
    Init(init::Args),
    /// Create, check, list and show incident records.
    #[command(subcommand)]
    Incident(incident::Command),
    /// Render the post-mortem of an incident in Markdown.
    Postmortem(postmortem::Args),
    /// Corrective actions on GitHub: file, status, review.
    #[command(subcommand)]
    Ca(ca::Command),
    /// The CI gate: incident rules, corrective actions and the change's provenance.
    Gate(gate::Args),
    /// Monthly and quarterly trend reports.
    Report(report::Args),
    /// Check the history of the incident records.
    Audit(audit::Args),
    /// Git hooks that ask AI-attributed commits for the AEEF fields.
    #[command(subcommand)]
    Hook(hook::Command),
}

/// What every command gets: where to run, how to print.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub dir: Option<PathBuf>,
    pub format: Format,
    pub color: bool,
    /// `--rev`: records and config from this revision's tree.
    pub rev: Option<String>,
}

impl Ctx {
    /// Opens the repository (`-C` or the current directory).
    pub fn repo(&self) -> miette::Result<Repo> {
        Ok(Repo::discover(self.dir.as_deref())?)
    }

    /// Fails with a usage error unless the format is one of `allowed`.
    pub fn require_format(&self, allowed: &[Format]) -> miette::Result<()> {
        if allowed.contains(&self.format) {
            return Ok(());
        }
        let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
        Err(UsageError::new(
            format!(
                "this command does not print `--format {}`",
                self.format.name()
            ),
            format!("use one of: {}", names.join(", ")),
        )
        .into())
    }
}

fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Parses the command line, runs the command, returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ctx = Ctx {
        dir: cli.dir.clone(),
        format: cli.format,
        color: color_enabled(cli.color),
        rev: cli.rev.clone(),
    };
    let color = ctx.color;
    miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(color)
                .unicode(color)
                .terminal_links(false)
                // Logs and pipes keep each message on one line, so commands in
                // help text (`git fetch --unshallow`) stay copyable and greppable.
                .wrap_lines(std::io::stderr().is_terminal())
                .build(),
        )
    }))
    .ok();
    match run(cli.command, &ctx) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(report) => {
            // With `--format json` a config error is still a JSON finding on
            // stdout (DESIGN §8), so a pipeline reading stdout sees it.
            if ctx.format == Format::Json
                && let Some(e) = report.downcast_ref::<crate::config::ConfigError>()
            {
                let doc = serde_json::json!({
                    "schema_version": 1,
                    "verdict": "error",
                    "findings": [e.to_finding()],
                });
                let mut o = out();
                let _ = writeln!(o, "{doc:#}");
            }
            // Every diagnostic leaves through the one masking and escaping
            // function (README "Security model").
            let text = crate::redact::for_terminal(&format!("{report:?}"), ctx.color);
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
            ExitCode::from(2)
        }
    }
}

/// How stdout treats what commands print: set by [`run`] from the format
/// and colour choice (0 mask only, 1 terminal, 2 terminal with colour).
static OUTPUT_MODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);

fn output_mode() -> crate::redact::Mode {
    match OUTPUT_MODE.load(std::sync::atomic::Ordering::Relaxed) {
        0 => crate::redact::Mode::MaskOnly,
        2 => crate::redact::Mode::Terminal { color: true },
        _ => crate::redact::Mode::Terminal { color: false },
    }
}

/// Runs one command.
pub fn run(command: Command, ctx: &Ctx) -> miette::Result<Outcome> {
    // Human and Markdown output are read on terminals: control characters
    // from commits and records are escaped there. Machine formats keep their
    // bytes (JSON escapes its own); every format masks credentials.
    let mode = match (ctx.format, ctx.color) {
        (Format::Human | Format::Markdown, false) => 1,
        (Format::Human | Format::Markdown, true) => 2,
        _ => 0,
    };
    OUTPUT_MODE.store(mode, std::sync::atomic::Ordering::Relaxed);
    match command {
        Command::Scan(a) => scan::run(a, ctx),
        Command::Blame(a) => blame::run(a, ctx),
        Command::Init(a) => init::run(a, ctx),
        Command::Incident(c) => incident::run(c, ctx),
        Command::Postmortem(a) => postmortem::run(a, ctx),
        Command::Ca(c) => ca::run(c, ctx),
        Command::Gate(a) => gate::run(a, ctx),
        Command::Report(a) => report::run(a, ctx),
        Command::Audit(a) => audit::run(a, ctx),
        Command::Hook(c) => hook::run(c, ctx),
    }
}

/// Stdout for a command's output: credentials masked, and for human and
/// Markdown output control characters escaped ([`crate::redact::Guard`]).
pub fn out() -> crate::redact::Guard<std::io::StdoutLock<'static>> {
    crate::redact::Guard::new(std::io::stdout().lock(), output_mode())
}

/// Stderr for diagnostics a command prints itself (findings of records
/// that cannot be read): masked and escaped like every diagnostic.
pub fn err(color: bool) -> crate::redact::Guard<std::io::StderrLock<'static>> {
    crate::redact::Guard::new(
        std::io::stderr().lock(),
        crate::redact::Mode::Terminal { color },
    )
}

/// Maps a write error on stdout: a closed pipe is not an error.
pub fn write_result(r: std::io::Result<()>) -> miette::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(miette::miette!("cannot write output: {e}")),
        Ok(()) => Ok(()),
    }
}

/// Loads `.aeef.yml` from the work tree root (defaults when absent or in a
/// bare repository); errors point at the line and column.
pub fn load_config(repo: &Repo) -> miette::Result<crate::config::Config> {
    match repo.workdir() {
        Some(root) => load_config_at(root),
        None => Ok(crate::config::Config::default()),
    }
}

/// Loads `<root>/.aeef.yml`.
pub fn load_config_at(root: &std::path::Path) -> miette::Result<crate::config::Config> {
    crate::config::Config::load(root).map_err(|e| miette::Report::new(*e))
}
