//! `aeef hook`: install, uninstall and run the git hooks of DESIGN §9
//! (decisions in [`crate::hook`]; this file gathers the message, the
//! identities and the environment, and prints).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use miette::Diagnostic;
use thiserror::Error;

use super::{Ctx, Format};
use crate::error::Outcome;
use crate::hook::install::{self, Done, Kind};
use crate::hook::{self, Verdict};
use crate::provenance::agents::environment;
use crate::provenance::{AgentTable, CommitIdentity};

/// `aeef hook …`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a `commit-msg` hook that rejects AI-attributed commits lacking
    /// the AEEF fields (honours core.hooksPath; an existing hook is kept
    /// and runs first).
    #[command(after_help = "\
A commit is AI-attributed when its message or identities carry an agent
mark (AEEF trailers or block, agent trailers, marker lines, co-author or
author identities) or when a coding agent is found in the environment
(CLAUDECODE=1, CURSOR_AGENT=1, GEMINI_CLI=1, …: README \"Commit hook\").
Such a commit must carry AI-Tool, AI-Model-Version, AI-Prompt-Ref,
AI-Human-Modifications and AI-Reviewed-By (trailers or an AI-Attribution:
block), as the gate's provenance-incomplete rule asks. A human commit
without a mark passes untouched; `git commit --no-verify` skips the hook.")]
    Install(InstallArgs),
    /// Remove aeef's hooks and put back the hooks they had moved aside.
    Uninstall,
    /// Run a hook (the installed hook files call this).
    #[command(subcommand)]
    Run(RunHook),
}

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Also write a `prepare-commit-msg` hook that lists the AEEF fields
    /// (as comments) in the editor's message template.
    #[arg(long)]
    pub prepare_commit_msg: bool,
    /// Add `AI-Tool` and `AI-Model-Version` from the agent mark (as git
    /// trailers) instead of rejecting their absence; reject only what aeef
    /// cannot know.
    #[arg(long)]
    pub complete: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum RunHook {
    /// git's `commit-msg` hook: FILE holds the proposed message.
    CommitMsg {
        /// Add the trailers aeef knows from the agent mark.
        #[arg(long)]
        complete: bool,
        /// The commit message file git passes.
        file: PathBuf,
    },
    /// git's `prepare-commit-msg` hook: FILE, then the message's source
    /// (message, template, merge, squash, commit) and a commit id.
    PrepareCommitMsg {
        /// The commit message file git passes.
        file: PathBuf,
        /// Where the message came from (message, template, merge, squash, commit).
        source: Option<String>,
        /// The commit being amended or reused, when `source` is `commit`.
        sha: Option<String>,
    },
}

/// A commit the hook refuses, with the lines that fix it (exit 1: a
/// verdict, like the gate's).
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(aeef::hook::provenance_incomplete))]
struct Rejected {
    message: String,
    #[help]
    help: String,
}

/// The message file cannot be read or rewritten (exit 2).
#[derive(Debug, Error, Diagnostic)]
#[error("cannot {what} the commit message file {path}: {reason}")]
#[diagnostic(
    code(aeef::hook::message_file),
    help("the hook is run by git with the path of the message file; run `git commit` again")
)]
struct MessageFile {
    what: &'static str,
    path: String,
    reason: String,
}

/// The formats `aeef hook` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[Format::Human];

pub fn run(cmd: Command, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    match cmd {
        Command::Install(a) => install_hooks(&a, ctx),
        Command::Uninstall => uninstall_hooks(ctx),
        Command::Run(RunHook::CommitMsg { complete, file }) => commit_msg(ctx, &file, complete),
        Command::Run(RunHook::PrepareCommitMsg { file, source, .. }) => {
            prepare_commit_msg(ctx, &file, source.as_deref())
        }
    }
}

fn start_dir(ctx: &Ctx) -> miette::Result<PathBuf> {
    Ok(match &ctx.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| crate::error::IoError::CurrentDir {
            reason: e.to_string(),
        })?,
    })
}

fn say(line: &str) -> miette::Result<()> {
    let mut o = super::out();
    super::write_result(writeln!(o, "{line}"))
}

fn install_hooks(a: &InstallArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    // A repository, or git's own error.
    let repo = ctx.repo()?;
    let hooks = install::hooks_dir(&repo)?;
    let aeef = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| {
            miette::miette!(
                code = "aeef::hook::no_binary",
                help = "run `aeef hook install` from an installed aeef (e.g. `cargo install --path .`), not a deleted build",
                "cannot find the aeef binary to call from the hook: {e}"
            )
        })?;
    let mut kinds = vec![Kind::CommitMsg];
    if a.prepare_commit_msg {
        kinds.push(Kind::PrepareCommitMsg);
    }
    for kind in kinds {
        match install::install(&hooks, kind, &aeef, a.complete)? {
            Done::Installed {
                path,
                chained: Some(c),
            } => say(&format!(
                "installed {} (the hook that was there moved to {} and runs first)",
                path.display(),
                c.display()
            ))?,
            Done::Installed {
                path,
                chained: None,
            } => say(&format!("installed {}", path.display()))?,
            Done::Updated { path } => say(&format!(
                "updated {} (aeef's hook was already installed)",
                path.display()
            ))?,
            other => unreachable!("install returned {other:?}"),
        }
    }
    Ok(Outcome::Ok)
}

fn uninstall_hooks(ctx: &Ctx) -> miette::Result<Outcome> {
    let repo = ctx.repo()?;
    let hooks = install::hooks_dir(&repo)?;
    let mut absent = 0;
    for kind in [Kind::CommitMsg, Kind::PrepareCommitMsg] {
        match install::uninstall(&hooks, kind)? {
            Done::Removed {
                path,
                restored: Some(_),
            } => say(&format!(
                "removed aeef's {}; the hook that was there is back",
                path.display()
            ))?,
            Done::Removed {
                path,
                restored: None,
            } => say(&format!("removed {}", path.display()))?,
            Done::NotOurs { path } => say(&format!(
                "left {} alone: it is not aeef's hook",
                path.display()
            ))?,
            Done::Absent { .. } => absent += 1,
            other => unreachable!("uninstall returned {other:?}"),
        }
    }
    // Nothing there at all: say so, rather than print nothing.
    if absent == 2 {
        say(&format!(
            "no commit-msg or prepare-commit-msg hook in {}: nothing to remove",
            hooks.display()
        ))?;
    }
    Ok(Outcome::Ok)
}

/// One value of `git` (config or var) in the hook's directory, or `None`.
fn git_value(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Process::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// git's comment string (`core.commentString`, `core.commentChar`; `#`,
/// also for `auto`, which git resolves per message).
fn comment_string(dir: &Path) -> String {
    ["core.commentString", "core.commentChar"]
        .iter()
        .find_map(|k| git_value(dir, &["config", "--get", k]))
        .filter(|c| !c.is_empty() && c != "auto")
        .unwrap_or_else(|| "#".to_string())
}

/// `Name <email> …` of `git var GIT_AUTHOR_IDENT` (git exports the
/// commit's author to its hooks, `--author` and `--amend` included).
fn ident(dir: &Path, var: &str) -> (String, String) {
    let Some(v) = git_value(dir, &["var", var]) else {
        return (String::new(), String::new());
    };
    match (v.rfind(" <"), v.rfind('>')) {
        (Some(a), Some(b)) if b > a => (v[..a].to_string(), v[a + 2..b].to_string()),
        _ => (v, String::new()),
    }
}

fn table(ctx: &Ctx) -> miette::Result<AgentTable> {
    let table = AgentTable::builtin();
    match ctx.repo() {
        Ok(repo) => Ok(table.with_rules(&super::load_config(&repo)?.agents)),
        Err(_) => Ok(table),
    }
}

fn env_agents() -> Vec<environment::EnvAgent> {
    environment::detect(|k| std::env::var(k).ok())
}

fn read_message(file: &Path) -> miette::Result<String> {
    let bytes = std::fs::read(file).map_err(|e| MessageFile {
        what: "read",
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn commit_msg(ctx: &Ctx, file: &Path, complete: bool) -> miette::Result<Outcome> {
    let dir = start_dir(ctx)?;
    let table = table(ctx)?;
    let comment = comment_string(&dir);
    let (an, ae) = ident(&dir, "GIT_AUTHOR_IDENT");
    let (cn, ce) = ident(&dir, "GIT_COMMITTER_IDENT");
    let who = CommitIdentity {
        author_name: &an,
        author_email: &ae,
        committer_name: &cn,
        committer_email: &ce,
    };
    let env = env_agents();
    let cleanup = hook::Cleanup::of(
        git_value(&dir, &["config", "--get", "commit.cleanup"]).as_deref(),
        std::env::var_os("GIT_EDITOR").is_none_or(|e| e != ":"),
    );
    let text = hook::committed_text(&read_message(file)?, &comment, cleanup);
    match hook::decide(&table, &who, &text, &env, complete) {
        Verdict::Human | Verdict::DeclaredHuman => Ok(Outcome::Ok),
        Verdict::Complete { outside } => {
            if !outside.is_empty() {
                let named: Vec<String> = outside
                    .iter()
                    .map(|(k, l)| format!("{k} (message line {l})"))
                    .collect();
                let mut e = super::err(ctx.color);
                let _ = writeln!(
                    e,
                    "aeef hook: warning: {} outside git's trailer block; aeef reads it, other tools do not: move it into the last paragraph (the gate's provenance-not-trailer)",
                    named.join(", ")
                );
            }
            Ok(Outcome::Ok)
        }
        Verdict::Add(trailers) => {
            // What git would write, decided before anything is written: a
            // commit that is still rejected keeps its message as it was.
            let completed = with_trailers(&dir, file, &trailers)?;
            let text =
                hook::committed_text(&String::from_utf8_lossy(&completed), &comment, cleanup);
            match hook::decide(&table, &who, &text, &env, false) {
                Verdict::Reject(r) => reject(ctx, &r),
                _ => {
                    std::fs::write(file, &completed).map_err(|e| MessageFile {
                        what: "add trailers to",
                        path: file.display().to_string(),
                        reason: e.to_string(),
                    })?;
                    let added: Vec<String> =
                        trailers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    let mut e = super::err(ctx.color);
                    let _ = writeln!(e, "aeef hook: added {}", added.join(", "));
                    Ok(Outcome::Ok)
                }
            }
        }
        Verdict::Reject(r) => reject(ctx, &r),
    }
}

/// The message with trailers added the way `git commit --trailer` adds
/// them: `git interpret-trailers --no-divider FILE` (git's placement, its
/// `trailer.*` configuration, comment lines and the scissors line kept),
/// read from git's output; the file is not touched.
fn with_trailers(
    dir: &Path,
    file: &Path,
    trailers: &[(String, String)],
) -> miette::Result<Vec<u8>> {
    let mut cmd = Process::new("git");
    cmd.current_dir(dir)
        .args(["interpret-trailers", "--no-divider"])
        .stdin(Stdio::null());
    for (k, v) in trailers {
        cmd.arg("--trailer").arg(format!("{k}: {v}"));
    }
    cmd.arg(file);
    let out = cmd.output().map_err(|e| MessageFile {
        what: "add trailers to",
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(MessageFile {
            what: "add trailers to",
            path: file.display().to_string(),
            reason: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }
        .into());
    }
    Ok(out.stdout)
}

fn reject(ctx: &Ctx, r: &hook::Rejection) -> miette::Result<Outcome> {
    let adds = if r.will_add.is_empty() {
        String::new()
    } else {
        format!(
            " (aeef adds {} itself once these are there)",
            r.will_add.join(", ")
        )
    };
    let message = format!(
        "this commit is AI-attributed but lacks {}{adds}\n\nwhy AI-attributed:\n{}",
        r.missing.join(", "),
        r.why
            .iter()
            .map(|w| format!("  - {w}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let lines = r
        .lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    let help = match r.block {
        // Never `--trailer` here: git would fold the block into one trailer.
        Some(line) => format!(
            "add these indented lines inside the AI-Attribution: block (message line {line}), below its last line:\n\n{lines}\n\n(not with `git commit --trailer`: git folds the block into one trailer); `git commit --no-verify` skips this check once"
        ),
        None => format!(
            "add these lines to the last paragraph of the commit message (git's trailer block):\n\n{lines}\n\nor pass each with `git commit --trailer \"<line>\"`; `git commit --no-verify` skips this check once"
        ),
    };
    let report = miette::Report::new(Rejected { message, help });
    let text = crate::redact::for_terminal(&format!("{report:?}"), ctx.color);
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{text}");
    Ok(Outcome::Failed)
}

/// Puts [`hook::reminder`] above git's comments when the message is edited
/// in an editor from scratch or a template (`SOURCE` absent or
/// `template`) and git's cleanup removes comments (`commit.cleanup`
/// unset, `default` or `strip`). Anything else is left as it is: a `-m`
/// message keeps comment lines when no editor runs.
fn prepare_commit_msg(ctx: &Ctx, file: &Path, source: Option<&str>) -> miette::Result<Outcome> {
    if !matches!(source, None | Some("") | Some("template")) {
        return Ok(Outcome::Ok);
    }
    let dir = start_dir(ctx)?;
    let cleanup = git_value(&dir, &["config", "--get", "commit.cleanup"]);
    if !matches!(cleanup.as_deref(), None | Some("default") | Some("strip")) {
        return Ok(Outcome::Ok);
    }
    let comment = comment_string(&dir);
    // A message in another encoding is left as it is.
    let Ok(text) = String::from_utf8(std::fs::read(file).unwrap_or_default()) else {
        return Ok(Outcome::Ok);
    };
    let reminder = hook::reminder(&comment, &env_agents());
    if text.contains(&reminder) {
        return Ok(Outcome::Ok);
    }
    // Above git's own comment block (and above the scissors line of `-v`).
    let at = text
        .split_inclusive('\n')
        .scan(0usize, |pos, l| {
            let start = *pos;
            *pos += l.len();
            Some((start, l))
        })
        .find(|(_, l)| l.starts_with(&comment))
        .map_or(text.len(), |(start, _)| start);
    let mut out = String::with_capacity(text.len() + reminder.len() + 1);
    out.push_str(&text[..at]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&reminder);
    out.push_str(&text[at..]);
    std::fs::write(file, out).map_err(|e| MessageFile {
        what: "write",
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(Outcome::Ok)
}
