//! The command line: global options, one module per subcommand (its `Args`
//! and a `run` function), and the mapping of outcomes to exit codes.
pub mod audit;
pub mod blame;
pub mod ca;
pub mod connection;
pub mod context;
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
pub mod table;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::error::Outcome;
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
    #[command(flatten)]
    pub globals: Globals,

    #[command(subcommand)]
    pub command: Command,
}

/// The options every subcommand takes (`global`), apart so that a
/// subcommand built on its own can narrow `--format` (`narrow`).
#[derive(Debug, clap::Args)]
pub struct Globals {
    /// Run as if aeef was started in DIR instead of the current directory.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    /// Output format (each command lists the ones it prints).
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,

    /// When to use colours in human output.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Read incident records and `.aeef.yml` from the tree of this revision
    /// instead of the work tree (the default in a bare repository: HEAD).
    #[arg(long, value_name = "REV", global = true)]
    pub rev: Option<String>,
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
    // Plain text (`aeef incident notify` only).
    #[value(hide = true)]
    Text,
    // Slack Block Kit JSON (`aeef incident notify` only).
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

/// The subcommands. Parsed as clap's derive would (the `FromArgMatches` and
/// `Subcommand` impls below), but each is built only when chosen
/// (`clap::Command::defer`): building all ten with their arguments took a
/// quarter of a millisecond of every run, more than some commands' work.
#[derive(Debug)]
pub enum Command {
    /// `aeef scan` (described in `SUBCOMMANDS`).
    Scan(scan::Args),
    /// `aeef blame` (described in `SUBCOMMANDS`).
    Blame(blame::Args),
    /// `aeef init` (described in `SUBCOMMANDS`).
    Init(init::Args),
    /// `aeef incident` (described in `SUBCOMMANDS`).
    Incident(incident::Command),
    /// `aeef postmortem` (described in `SUBCOMMANDS`).
    Postmortem(postmortem::Args),
    /// `aeef ca` (described in `SUBCOMMANDS`).
    Ca(ca::Command),
    /// `aeef gate` (described in `SUBCOMMANDS`).
    Gate(gate::Args),
    /// `aeef report` (described in `SUBCOMMANDS`).
    Report(report::Args),
    /// `aeef audit` (described in `SUBCOMMANDS`).
    Audit(audit::Args),
    /// `aeef hook` (described in `SUBCOMMANDS`).
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
        // The same diagnostic as the parser's refusal of `cmd --format X`,
        // for `aeef --format X cmd` (the global option comes before the
        // command, so only `run` knows the command).
        let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
        Err(crate::error::ArgumentsError {
            message: format!(
                "invalid value '{}' for '--format <FORMAT>': this command does not print it",
                self.format.name()
            ),
            help: Some(format!("[possible values: {}]", names.join(", "))),
        }
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

/// The formats a command prints: the constant its `run` checks with
/// [`Ctx::require_format`], so `--help` and the refusal agree. `None` for a
/// command not listed here (it keeps the whole list).
fn formats_of(command: &str, sub: Option<&str>) -> Option<&'static [Format]> {
    Some(match (command, sub) {
        ("scan", None) => scan::FORMATS,
        ("blame", None) => blame::FORMATS,
        ("init", None) => init::FORMATS,
        ("postmortem", None) => postmortem::FORMATS,
        ("gate", None) => gate::FORMATS,
        ("report", None) => report::FORMATS,
        ("audit", None) => audit::FORMATS,
        ("hook", _) => hook::FORMATS,
        ("incident", Some("new")) => incident::NEW_FORMATS,
        ("incident", Some("edit")) => incident::EDIT_FORMATS,
        ("incident", Some("check")) => incident::CHECK_FORMATS,
        ("incident", Some("list")) => incident::LIST_FORMATS,
        ("incident", Some("show")) => incident::SHOW_FORMATS,
        ("incident", Some("notify")) => notify::FORMATS,
        ("ca", Some("file")) => ca::FILE_FORMATS,
        ("ca", Some("status")) => ca::STATUS_FORMATS,
        ("ca", Some("review")) => ca::REVIEW_FORMATS,
        _ => return None,
    })
}

/// The global `--format` of [`Cli`], narrowed to `allowed`: shown in the
/// command's `--help` (hidden ones like `slack` too, since the list is
/// exact) and checked by the parser.
fn format_arg(global: &clap::Arg, allowed: &[Format]) -> clap::Arg {
    use clap::builder::TypedValueParser;
    let values: Vec<clap::builder::PossibleValue> = allowed
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.hide(false))
        .collect();
    global.clone().value_parser(
        clap::builder::PossibleValuesParser::new(values)
            .map(|s: String| <Format as ValueEnum>::from_str(&s, true).unwrap_or(Format::Human)),
    )
}

/// The command line's definition: [`Cli`], each subcommand built when
/// chosen with its `--format` narrowed to what it prints (`narrow`); a
/// group (`incident`, `ca`) offers what any of its subcommands prints. The
/// narrowed argument keeps the global one's id, so clap neither propagates
/// the wide one over it nor loses the value: `aeef --format json scan` and
/// `aeef scan --format json` both work, and `aeef --format csv scan` is
/// still refused by `run`. Call `build()` on it to see every subcommand's
/// arguments.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// One subcommand: its name, its one-line description, and how it is
/// built once chosen (its arguments, then [`narrow`]).
struct Sub {
    name: &'static str,
    about: &'static str,
    build: fn(clap::Command) -> clap::Command,
    /// Built with the top level, not deferred: it declares an argument
    /// with the id of a global one (`blame`'s `REV` and `--rev`), which
    /// clap must see before it copies the globals in, as it did when
    /// every subcommand was built up front.
    eager: bool,
}

/// The subcommands in `--help` order, each described once here.
const SUBCOMMANDS: &[Sub] = &[
    Sub {
        name: "scan",
        about: "List every commit of a range with its AI provenance",
        build: args::<scan::Args>,
        eager: false,
    },
    Sub {
        name: "blame",
        about: "Classify a commit (REV) or attribute lines (PATH[:L1[-L2]])",
        build: args::<blame::Args>,
        eager: true,
    },
    Sub {
        name: "init",
        about: "Write `.aeef.yml` and `incidents/`",
        build: args::<init::Args>,
        eager: false,
    },
    Sub {
        name: "incident",
        about: "Create, check, list and show incident records",
        build: group::<incident::Command>,
        eager: false,
    },
    Sub {
        name: "postmortem",
        about: "Render the post-mortem of an incident in Markdown",
        build: args::<postmortem::Args>,
        eager: false,
    },
    Sub {
        name: "ca",
        about: "Corrective actions on GitHub: file, status, review",
        build: group::<ca::Command>,
        eager: false,
    },
    Sub {
        name: "gate",
        about: "The CI gate: incident rules, corrective actions and the change's provenance",
        build: args::<gate::Args>,
        eager: false,
    },
    Sub {
        name: "report",
        about: "Monthly and quarterly trend reports",
        build: args::<report::Args>,
        eager: false,
    },
    Sub {
        name: "audit",
        about: "Check the history of the incident records",
        build: args::<audit::Args>,
        eager: false,
    },
    Sub {
        name: "hook",
        about: "Git hooks that ask AI-attributed commits for the AEEF fields",
        build: group::<hook::Command>,
        eager: false,
    },
];

/// A chosen subcommand that takes arguments `A`, built.
fn args<A: clap::Args>(c: clap::Command) -> clap::Command {
    finish(c, A::augment_args)
}

/// A chosen subcommand that groups the subcommands `S` (one of them is
/// required; alone it prints its help), built as clap's derive builds a
/// `#[command(subcommand)]` variant.
fn group<S: clap::Subcommand>(c: clap::Command) -> clap::Command {
    finish(c, |c| {
        S::augment_subcommands(c)
            .subcommand_required(true)
            .arg_required_else_help(true)
    })
}

/// A chosen subcommand built: `augment` adds its arguments (or its own
/// subcommands), its description stays the one of [`SUBCOMMANDS`] (as
/// clap's derive sets a variant's), and `--format` is narrowed.
fn finish(c: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let name = c.get_name().to_string();
    let about = c.get_about().cloned();
    let c = augment(c).long_about(None);
    let c = match about {
        Some(about) => c.about(about),
        None => c,
    };
    narrow(&name, c)
}

/// Subcommand `name`'s `--format`: the global one narrowed to what it
/// prints; a group (`incident`, `ca`) offers what any of its subcommands
/// prints, and each of those its own.
fn narrow(name: &str, mut sc: clap::Command) -> clap::Command {
    // The global `--format` as [`Globals`] declares it.
    let Some(global) = <Globals as clap::Args>::augment_args(clap::Command::new("aeef"))
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .cloned()
    else {
        return sc;
    };
    let every: Vec<Format> = Format::value_variants().to_vec();
    let subs: Vec<String> = sc
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    if subs.is_empty() {
        let allowed = formats_of(name, None).unwrap_or(&every);
        let arg = format_arg(&global, allowed);
        return set_format(
            sc,
            match name {
                "scan" => arg.help(scan::FORMAT_HELP),
                _ => arg,
            },
        );
    }
    let mut union = Vec::new();
    for sub in &subs {
        let allowed = formats_of(name, Some(sub)).unwrap_or(&every);
        union.extend_from_slice(allowed);
        sc = sc.mut_subcommand(sub, |c| c.arg(format_arg(&global, allowed)));
    }
    let union: Vec<Format> = every
        .iter()
        .copied()
        .filter(|f| union.contains(f))
        .collect();
    set_format(sc, format_arg(&global, &union))
}

/// `arg` as `sc`'s `--format`, last among its options: in place of the
/// global one clap copied in when the parent was built (a subcommand is
/// built after that, [`SUBCOMMANDS`]), or added.
fn set_format(sc: clap::Command, arg: clap::Arg) -> clap::Command {
    if sc.get_arguments().any(|a| a.get_id() == "format") {
        sc.mut_arg("format", |_| arg)
    } else {
        sc.arg(arg)
    }
}

impl clap::FromArgMatches for Command {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut m.clone())
    }

    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        use clap::FromArgMatches as F;
        let Some((name, mut sub)) = m.remove_subcommand() else {
            return Err(clap::Error::raw(
                clap::error::ErrorKind::MissingSubcommand,
                "a subcommand is required",
            ));
        };
        let sub = &mut sub;
        Ok(match name.as_str() {
            "scan" => Command::Scan(F::from_arg_matches_mut(sub)?),
            "blame" => Command::Blame(F::from_arg_matches_mut(sub)?),
            "init" => Command::Init(F::from_arg_matches_mut(sub)?),
            "incident" => Command::Incident(F::from_arg_matches_mut(sub)?),
            "postmortem" => Command::Postmortem(F::from_arg_matches_mut(sub)?),
            "ca" => Command::Ca(F::from_arg_matches_mut(sub)?),
            "gate" => Command::Gate(F::from_arg_matches_mut(sub)?),
            "report" => Command::Report(F::from_arg_matches_mut(sub)?),
            "audit" => Command::Audit(F::from_arg_matches_mut(sub)?),
            "hook" => Command::Hook(F::from_arg_matches_mut(sub)?),
            other => {
                return Err(clap::Error::raw(
                    clap::error::ErrorKind::InvalidSubcommand,
                    format!("unrecognized subcommand '{other}'"),
                ));
            }
        })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Subcommand for Command {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        SUBCOMMANDS.iter().fold(cmd, |cmd, s| {
            let sub = clap::Command::new(s.name).about(s.about);
            cmd.subcommand(if s.eager {
                (s.build)(sub)
            } else {
                sub.defer(s.build)
            })
        })
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        SUBCOMMANDS.iter().any(|s| s.name == name)
    }
}

/// Parses the command line, runs the command, returns the exit status:
/// 0 passed, 1 failed (a finding at or above the threshold), 2 nothing
/// decided (DESIGN §5, "Exit codes"). `src/main.rs` exits with it.
pub fn main() -> u8 {
    let parsed = command()
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        // `--help`, `--version`: clap prints them as they are.
        // A help that could not be written (`>/dev/full`) is an output
        // error like any command's; a reader that went away is not.
        Err(e) if !e.use_stderr() => {
            let printed = e.print().and_then(|()| std::io::stdout().flush());
            // Before the report exists: miette takes its handler then.
            install_diagnostic_hook(false);
            return match write_result(printed) {
                Ok(()) => 0,
                Err(report) => {
                    eprint_report(&report, false);
                    2
                }
            };
        }
        // `aeef`, `aeef incident` without a subcommand: the help, exit 2.
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return 2;
        }
        Err(e) => {
            // Every refusal is a coded diagnostic like any other error.
            install_diagnostic_hook(false);
            let report = miette::Report::new(crate::error::ArgumentsError::from_clap(&e));
            eprint_report(&report, false);
            return 2;
        }
    };
    let ctx = Ctx {
        dir: cli.globals.dir.clone(),
        format: cli.globals.format,
        color: color_enabled(cli.globals.color),
        rev: cli.globals.rev.clone(),
    };
    let color = ctx.color;
    // The commands whose output is a verdict document (DESIGN §8): when
    // they stop before deciding, the document still says so.
    let verdict_title = match &cli.command {
        Command::Gate(_) => Some("aeef gate"),
        Command::Audit(_) => Some("aeef audit"),
        Command::Incident(incident::Command::Check(_)) => Some("aeef incident check"),
        _ => None,
    };
    install_diagnostic_hook(color);
    match run(cli.command, &ctx) {
        Ok(Outcome::Ok) => 0,
        Ok(Outcome::Failed) => 1,
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
            } else if let Some(title) = verdict_title
                && context::REPORT_FORMATS.contains(&ctx.format)
                && !context::REPORT_PRINTED.load(std::sync::atomic::Ordering::Relaxed)
            {
                // Exit 2 before any finding was printed (history missing,
                // GitHub unreachable, a bad revision): a pipeline reading
                // the report still sees that nothing was decided, and why.
                context::emit_error(&ctx, title, &report);
            }
            eprint_report(&report, ctx.color);
            2
        }
    }
}

/// Prints a diagnostic on stderr. Every diagnostic leaves through the one
/// masking and escaping function (README "Security model").
fn eprint_report(report: &miette::Report, color: bool) {
    let text = crate::redact::for_terminal(&format!("{report:?}"), color);
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The width diagnostics wrap at, or `None` for no wrapping: the width
/// of the terminal stderr is (`COLUMNS` when set, as shells export it),
/// none when stderr is a pipe or file, so logs keep each message on one
/// line and commands in help text (`git fetch --unshallow`) stay copyable
/// and greppable.
pub(crate) fn stderr_width() -> Option<usize> {
    let err = std::io::stderr();
    terminal_width(err.is_terminal(), || terminal_size::terminal_size_of(err))
}

/// [`stderr_width`] for findings printed on stdout (`aeef gate`,
/// `aeef incident check` in the human format): the terminal's width, or
/// one line per message in a pipe or file.
pub(crate) fn stdout_width() -> Option<usize> {
    let out = std::io::stdout();
    terminal_width(out.is_terminal(), || terminal_size::terminal_size_of(out))
}

fn terminal_width(
    tty: bool,
    size: impl FnOnce() -> Option<(terminal_size::Width, terminal_size::Height)>,
) -> Option<usize> {
    if !tty {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .or_else(|| size().map(|(w, _)| w.0 as usize))
        .or(Some(80))
}

/// Installs the one miette handler for diagnostics on stderr: wrapped at
/// [`stderr_width`] and never inside a word or at a hyphen (a path, a
/// quoted value or a command stays whole, e.g.
/// `incidents/INC-2026-052.yaml`, `git rev-parse --verify`).
fn install_diagnostic_hook(color: bool) {
    miette::set_hook(Box::new(move |_| {
        let opts = miette::MietteHandlerOpts::new()
            .color(color)
            .unicode(color)
            .terminal_links(false)
            .break_words(false)
            // `AI-Prompt-Ref`, `git rev-parse` stay whole and copyable.
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        Box::new(match stderr_width() {
            Some(w) => opts.width(w).build(),
            None => opts.wrap_lines(false).build(),
        })
    }))
    .ok();
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
    if let Some(name) = &ctx.rev
        && let Some((why, help)) = ignores_rev(&command)
    {
        // Silently reading the work tree (or HEAD) instead would answer
        // another question than the one asked.
        return Err(crate::error::UsageError::new(format!("--rev {name}: {why}"), help).into());
    }
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

/// Why a command cannot honour the global `--rev` (records and
/// `.aeef.yml` from a revision's tree), and what to do instead: it writes
/// to the work tree, or names its revisions another way.
fn ignores_rev(command: &Command) -> Option<(&'static str, &'static str)> {
    Some(match command {
        Command::Scan(_) => (
            "`aeef scan` takes the revisions it lists as arguments",
            "name them there (`aeef scan REV`, `aeef scan A..B`) and drop --rev",
        ),
        Command::Init(_) => (
            "`aeef init` writes to the work tree",
            "run it in a checkout, without --rev",
        ),
        Command::Incident(incident::Command::New(_)) => (
            "`aeef incident new` writes a record in the work tree",
            "run it in a checkout, without --rev",
        ),
        Command::Ca(ca::Command::File { .. }) => (
            "`aeef ca file` files the work tree's records and writes issue numbers into them",
            "run it in a checkout, without --rev",
        ),
        Command::Hook(_) => (
            "hooks act on the commit being made in the work tree",
            "run `aeef hook` without --rev",
        ),
        _ => return None,
    })
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
        Err(e) => Err(crate::error::IoError::Output {
            reason: e.to_string(),
        }
        .into()),
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
