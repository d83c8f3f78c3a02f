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
        "cannot tell where git runs hooks: core.hooksPath `{hooks_path}` is relative to a work tree, and no work tree of {git_dir} can be found from here"
    )]
    #[diagnostic(
        code(aeef::hook::no_work_tree),
        help(
            "run aeef from the work tree (or with `-C WORK_TREE`): git commit runs hooks from its root"
        )
    )]
    NoWorkTree { hooks_path: String, git_dir: String },

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

    #[error("cannot {what} {path}")]
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
    match repo.work_tree_around() {
        Some(root) => {
            git.current_dir(root);
        }
        None if repo.workdir().is_none() => {
            if let Some(hooks_path) = unplaced_hooks_path(repo) {
                return Err(HookError::NoWorkTree {
                    hooks_path,
                    git_dir: repo.git2().path().display().to_string(),
                });
            }
        }
        None => {}
    }
    let out = git
        .args(["rev-parse", "--path-format=absolute", "--git-path", "hooks"])
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

/// A relative `core.hooksPath` of a non-bare repository aeef sees no work
/// tree for (run inside a separate git folder, or a linked worktree's
/// folder whose work tree is gone, also of a bare repository): git would
/// read it from a work tree's root, which is unknown
/// here, so any folder aeef chose would be one `git commit` never runs.
fn unplaced_hooks_path(repo: &crate::git::Repo) -> Option<String> {
    let ask = |args: &[&str]| {
        let out = repo
            .git_as_user()
            .args(args)
            .stderr(Stdio::null())
            .output()
            .ok()?;
        let text = out.stdout.strip_suffix(b"\n").unwrap_or(&out.stdout);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(text).into_owned())
    };
    let hooks_path = ask(&["config", "--path", "--get", "core.hooksPath"])?;
    if hooks_path.is_empty() || Path::new(&hooks_path).is_absolute() {
        return None;
    }
    // A linked worktree's own folder (it has a `commondir` file) belongs
    // to a work tree, even when the main repository is bare.
    let linked = repo.git2().path().join("commondir").is_file();
    (linked || ask(&["rev-parse", "--is-bare-repository"])? == "false").then_some(hooks_path)
}

/// True when the file at `path` (followed through a symlink) is aeef's.
pub fn is_ours(path: &Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    // The marker is on the second line; a large binary is not ours. Bytes:
    // the binary's path in the script may not be UTF-8.
    let _ = f.take(4096).read_to_end(&mut head);
    head.split(|&b| b == b'\n').any(|l| l == MARKER.as_bytes())
}

/// `path` as one single-quoted shell word, byte for byte: aeef installed
/// under a folder whose name is not UTF-8 is still found there.
fn sh_quote(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    #[cfg(not(unix))]
    let lossy = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut word = vec![b'\''];
    for &b in bytes {
        match b {
            b'\'' => word.extend_from_slice(br"'\''"),
            _ => word.push(b),
        }
    }
    word.push(b'\'');
    word
}

/// Where [`script`]'s template takes the binary's path.
const AEEF_PATH: &str = "@AEEF_PATH@";

/// The text of an aeef hook: run the chained hook (if executable, as git
/// would), then `aeef hook run <kind> [--complete] "$@"` with the aeef
/// binary that installed it, or `aeef` on PATH when that one is gone.
/// Bytes: the binary's path is written as it is on disk.
pub fn script(kind: Kind, aeef: &Path, complete: bool) -> Vec<u8> {
    let name = kind.name();
    let flag = if complete && kind == Kind::CommitMsg {
        " --complete"
    } else {
        ""
    };
    let template = format!(
        r#"#!/bin/sh
{MARKER}
# `aeef hook uninstall` removes this file and restores the hook that was here.
# The hook that was here before, if any, runs first: {name}{CHAINED_SUFFIX}
chained="$(dirname "$0")/{name}{CHAINED_SUFFIX}"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi
aeef={AEEF_PATH}
if [ ! -x "$aeef" ]; then
  if command -v aeef >/dev/null 2>&1; then
    aeef=aeef
  else
    echo "aeef hook: aeef is neither at $aeef nor on PATH; reinstall it, or commit once with --no-verify and run 'aeef hook uninstall'" >&2
    exit 1
  fi
fi
exec "$aeef" hook run {name}{flag} "$@"
"#
    );
    let (before, after) = template.split_once(AEEF_PATH).unwrap_or((&template, ""));
    [before.as_bytes(), &sh_quote(aeef), after.as_bytes()].concat()
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

fn write_hook(path: &Path, text: &[u8]) -> Result<(), HookError> {
    crate::util::write_atomic(path, text, false).map_err(io("write", path))?;
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
        let s = String::from_utf8(script(
            Kind::CommitMsg,
            Path::new("/opt/it's here/aeef"),
            true,
        ))
        .unwrap();
        assert!(s.contains(r"aeef='/opt/it'\''s here/aeef'"), "{s}");
        assert!(s.contains("hook run commit-msg --complete \"$@\""), "{s}");
        assert!(s.lines().nth(1) == Some(MARKER));
        let p = String::from_utf8(script(Kind::PrepareCommitMsg, Path::new("/a"), true)).unwrap();
        assert!(p.contains("hook run prepare-commit-msg \"$@\""), "{p}");
    }

    /// A binary under a folder whose name is not UTF-8 (a fresh tester's
    /// finding): the script named it with U+FFFD, so every commit failed.
    #[cfg(unix)]
    #[test]
    fn the_script_names_the_binary_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let aeef = Path::new(std::ffi::OsStr::from_bytes(b"/opt/b\xffin/aeef"));
        let s = script(Kind::CommitMsg, aeef, false);
        let line = s
            .split(|&b| b == b'\n')
            .find(|l| l.starts_with(b"aeef="))
            .unwrap();
        assert_eq!(line, b"aeef='/opt/b\xffin/aeef'");
        let dir = tempfile::tempdir().unwrap();
        let hook = dir.path().join("commit-msg");
        write_hook(&hook, &s).unwrap();
        assert!(is_ours(&hook), "a script with such a path is still aeef's");
    }
}
