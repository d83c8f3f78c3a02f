//! Writing and removing the hook files (`aeef hook install` / `uninstall`).
//!
//! The hooks directory is the one git runs hooks from: `git rev-parse
//! --git-path hooks`, which honours `core.hooksPath` (relative paths, `~`)
//! and, in a linked worktree, names the common directory's hooks.
//!
//! An existing hook is never overwritten: it is renamed to
//! `<hook>.pre-aeef` (bytes, mode and symlink-ness kept, since a rename
//! moves the directory entry) and the aeef hook runs it first, with the
//! same arguments, stopping when it fails — git's own semantics for a hook
//! that exits non-zero. `uninstall` renames it back. A file aeef wrote is
//! recognised by its [`MARKER`] line, so installing twice rewrites the aeef
//! hook in place and leaves the chained one alone.
use std::path::{Path, PathBuf};
use std::process::Stdio;

use miette::Diagnostic;
use thiserror::Error;

/// The line that marks a hook file as written by aeef.
pub const MARKER: &str = "# aeef-hook: written by `aeef hook install`";

/// Suffix of the hook that was there before aeef's.
pub const CHAINED_SUFFIX: &str = ".pre-aeef";

/// The hooks aeef writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CommitMsg,
    PrepareCommitMsg,
}

impl Kind {
    /// The hook's file name, as git names it (`githooks(5)`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::CommitMsg => "commit-msg",
            Kind::PrepareCommitMsg => "prepare-commit-msg",
        }
    }
}

/// Errors of install and uninstall (exit 2); nothing is left half-done.
#[derive(Debug, Error, Diagnostic)]
pub enum HookError {
    #[error("cannot find the hooks directory: `git rev-parse --git-path hooks` failed: {stderr}")]
    #[diagnostic(
        code(aeef::hook::hooks_dir),
        help("run `aeef hook install` inside a git repository (or with `-C DIR`)")
    )]
    HooksDir { stderr: String },

    #[error(
        "{chained} already exists, and {hook} is not aeef's: installing would lose one of them"
    )]
    #[diagnostic(
        code(aeef::hook::chained_exists),
        help(
            "look at both files; keep the one you want as {hook}, move the other away, then run `aeef hook install` again"
        )
    )]
    ChainedExists { hook: String, chained: String },

    #[error("cannot {what} {path}: {source}")]
    #[diagnostic(
        code(aeef::hook::io),
        help(
            "check that the hooks directory is writable (`git rev-parse --git-path hooks` names it)"
        )
    )]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> HookError {
    let path = path.display().to_string();
    move |source| HookError::Io { what, path, source }
}

/// The directory git runs hooks from, for `repo` (absolute). Runs `git`
/// as the user's git runs, system config included (a system-wide
/// `core.hooksPath` decides too), from the work tree's root, where git runs
/// hooks (githooks(5)): a relative `core.hooksPath` is read from there
/// even when aeef runs outside the work tree (`GIT_DIR`/`GIT_WORK_TREE`) or
/// inside the git folder ([`crate::git::Repo::work_tree_around`]).
pub fn hooks_dir(repo: &crate::git::Repo) -> Result<PathBuf, HookError> {
    let mut git = repo.git_as_user();
    if let Some(root) = repo.work_tree_around() {
        git.current_dir(root);
    }
    let out = git
        .args(["rev-parse", "--path-format=absolute", "--git-path", "hooks"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| HookError::HooksDir {
            stderr: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(HookError::HooksDir {
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(crate::git::path_of_output(&out.stdout))
}

/// True when the file at `path` (followed through a symlink) is aeef's.
pub fn is_ours(path: &Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = String::new();
    // The marker is on the second line; a large binary is not ours.
    let _ = f.take(4096).read_to_string(&mut head);
    head.lines().any(|l| l == MARKER)
}

/// `s` as one single-quoted shell word.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The text of an aeef hook: run the chained hook (if executable, as git
/// would), then `aeef hook run <kind> [--complete] "$@"` with the aeef
/// binary that installed it, or `aeef` on PATH when that one is gone.
pub fn script(kind: Kind, aeef: &Path, complete: bool) -> String {
    let name = kind.name();
    let flag = if complete && kind == Kind::CommitMsg {
        " --complete"
    } else {
        ""
    };
    format!(
        r#"#!/bin/sh
{MARKER}
# `aeef hook uninstall` removes this file and restores the hook that was here.
# The hook that was here before, if any, runs first: {name}{CHAINED_SUFFIX}
chained="$(dirname "$0")/{name}{CHAINED_SUFFIX}"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi
aeef={aeef}
if [ ! -x "$aeef" ]; then
  if command -v aeef >/dev/null 2>&1; then
    aeef=aeef
  else
    echo "aeef hook: aeef is neither at $aeef nor on PATH; reinstall it, or commit once with --no-verify and run 'aeef hook uninstall'" >&2
    exit 1
  fi
fi
exec "$aeef" hook run {name}{flag} "$@"
"#,
        aeef = sh_quote(&aeef.to_string_lossy()),
    )
}

/// What install or uninstall did to one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// Wrote the hook; `chained` is where the hook that was there went.
    Installed {
        path: PathBuf,
        chained: Option<PathBuf>,
    },
    /// aeef's hook was there: rewritten in place (its chained hook kept).
    Updated { path: PathBuf },
    /// Removed aeef's hook; `restored` is the chained hook put back.
    Removed {
        path: PathBuf,
        restored: Option<PathBuf>,
    },
    /// The hook there is not aeef's: left alone.
    NotOurs { path: PathBuf },
    /// No hook there.
    Absent { path: PathBuf },
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

fn write_hook(path: &Path, text: &str) -> Result<(), HookError> {
    crate::util::write_atomic(path, text.as_bytes(), false).map_err(io("write", path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(io("make executable", path))?;
    }
    Ok(())
}

/// Installs aeef's `kind` hook in `hooks` (created when missing).
pub fn install(hooks: &Path, kind: Kind, aeef: &Path, complete: bool) -> Result<Done, HookError> {
    let path = hooks.join(kind.name());
    let chained = hooks.join(format!("{}{CHAINED_SUFFIX}", kind.name()));
    let text = script(kind, aeef, complete);
    if exists(&path) && is_ours(&path) {
        write_hook(&path, &text)?;
        return Ok(Done::Updated { path });
    }
    std::fs::create_dir_all(hooks).map_err(io("create", hooks))?;
    let moved = if exists(&path) {
        if exists(&chained) {
            return Err(HookError::ChainedExists {
                hook: path.display().to_string(),
                chained: chained.display().to_string(),
            });
        }
        std::fs::rename(&path, &chained).map_err(io("move aside", &path))?;
        Some(chained)
    } else {
        None
    };
    if let Err(e) = write_hook(&path, &text) {
        // Leave the directory as it was.
        if let Some(c) = &moved {
            let _ = std::fs::rename(c, &path);
        }
        return Err(e);
    }
    Ok(Done::Installed {
        path,
        chained: moved,
    })
}

/// Removes aeef's `kind` hook from `hooks` and puts back the hook it had
/// moved aside; a hook that is not aeef's is left alone.
pub fn uninstall(hooks: &Path, kind: Kind) -> Result<Done, HookError> {
    let path = hooks.join(kind.name());
    let chained = hooks.join(format!("{}{CHAINED_SUFFIX}", kind.name()));
    if !exists(&path) {
        return Ok(Done::Absent { path });
    }
    if !is_ours(&path) {
        return Ok(Done::NotOurs { path });
    }
    std::fs::remove_file(&path).map_err(io("remove", &path))?;
    if exists(&chained) {
        std::fs::rename(&chained, &path).map_err(io("restore", &chained))?;
        return Ok(Done::Removed {
            restored: Some(path.clone()),
            path,
        });
    }
    Ok(Done::Removed {
        path,
        restored: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_quotes_the_binary_path_as_one_shell_word() {
        let s = script(Kind::CommitMsg, Path::new("/opt/it's here/aeef"), true);
        assert!(s.contains(r"aeef='/opt/it'\''s here/aeef'"), "{s}");
        assert!(s.contains("hook run commit-msg --complete \"$@\""), "{s}");
        assert!(s.lines().nth(1) == Some(MARKER));
        let p = script(Kind::PrepareCommitMsg, Path::new("/a"), true);
        assert!(p.contains("hook run prepare-commit-msg \"$@\""), "{p}");
    }
}
