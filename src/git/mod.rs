//! The git edge: opening repositories (`-C`, bare, worktrees), resolving
//! revisions, reading commits fast, diffs, blame and git-ai notes.
//!
//! `git` on PATH is preferred where it is faster or defines the semantics
//! (`git log` for scans, `git blame --porcelain`, `git diff-tree --cc`);
//! libgit2 is the fallback and serves small object reads.
pub mod blame;
pub mod commits;
pub mod diff;
pub mod notes_feed;
pub mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::error::GitError;

pub use blame::BlameLine;
pub use commits::RawCommit;
pub(crate) use diff::unquote as diff_unquote;
pub use diff::{FileChange, Hunk};

/// The notes ref git-ai writes.
pub const NOTES_REF: &str = "refs/notes/ai";

/// An open repository.
pub struct Repo {
    repo: git2::Repository,
    /// Directory git subprocesses run in (`git -C`).
    cwd: PathBuf,
    git_on_path: bool,
    shallow: OnceLock<HashSet<String>>,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("cwd", &self.cwd).finish()
    }
}

/// True when `git` is on PATH (looked up, not run: a process start costs
/// more than a small scan) and `AEEF_NO_GIT` is not set.
fn git_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::env::var_os("AEEF_NO_GIT").is_none()
            && std::env::var_os("PATH").is_some_and(|path| {
                std::env::split_paths(&path).any(|dir| is_executable(&dir.join("git")))
            })
    })
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.with_extension("exe").is_file() || p.is_file()
}

impl Repo {
    /// Opens the repository containing `dir` (or the current directory), as
    /// git does: worktrees, bare repositories, `GIT_DIR`.
    pub fn discover(dir: Option<&Path>) -> Result<Repo, GitError> {
        let start = match dir {
            Some(d) => d.to_path_buf(),
            None => std::env::current_dir()?,
        };
        // git itself does not re-hash every object it reads; libgit2 does by
        // default, which doubles the cost of reading 1,000 records.
        git2::opts::strict_hash_verification(false);
        let repo = git2::Repository::open_ext(
            &start,
            git2::RepositoryOpenFlags::empty(),
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .map_err(|_| GitError::NotARepository {
            path: start.display().to_string(),
        })?;
        let cwd = repo
            .workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.path().to_path_buf());
        Ok(Repo {
            repo,
            cwd,
            git_on_path: git_available(),
            shallow: OnceLock::new(),
        })
    }

    /// libgit2 handle for small reads.
    pub fn git2(&self) -> &git2::Repository {
        &self.repo
    }

    /// The work tree root, if the repository has one.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// True when `git` can be run as a subprocess.
    pub fn has_git(&self) -> bool {
        self.git_on_path
    }

    /// A `git` command running in this repository.
    pub fn git(&self) -> Command {
        let mut c = Command::new("git");
        c.current_dir(&self.cwd)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_EXTERNAL_DIFF")
            .args([
                "-c",
                "core.quotePath=false",
                "-c",
                "log.showSignature=false",
            ])
            .stdin(Stdio::null());
        c
    }

    /// Runs a git command and returns its stdout, or its stderr as an error.
    pub fn run(&self, cmd: &mut Command) -> Result<Vec<u8>, GitError> {
        let out = cmd.output()?;
        if !out.status.success() {
            return Err(GitError::CommandFailed {
                command: format!("{cmd:?}").replace('"', ""),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(out.stdout)
    }

    /// Resolves `rev` to a commit id (40 hex).
    pub fn resolve_commit(&self, rev: &str) -> Result<String, GitError> {
        let obj = self
            .repo
            .revparse_single(rev)
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_string(),
            })?;
        let commit = obj
            .peel_to_commit()
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_string(),
            })?;
        Ok(commit.id().to_string())
    }

    /// Commits listed in `.git/shallow`: their parents are missing.
    pub fn shallow_commits(&self) -> &HashSet<String> {
        self.shallow.get_or_init(|| {
            let path = self.repo.commondir().join("shallow");
            std::fs::read_to_string(path)
                .map(|s| {
                    s.lines()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// True when `sha` is a shallow boundary (its parents were not fetched).
    pub fn is_shallow_boundary(&self, sha: &str) -> bool {
        self.shallow_commits().contains(sha)
    }

    /// The git-ai note of `sha`, if any (`refs/notes/ai`).
    pub fn note(&self, sha: &str) -> Option<String> {
        let oid = git2::Oid::from_str(sha).ok()?;
        let note = self.repo.find_note(Some(NOTES_REF), oid).ok()?;
        Some(String::from_utf8_lossy(note.message_bytes()).into_owned())
    }

    /// Every commit that has a git-ai note → the note's blob id, read from
    /// the notes tree alone (no note is read).
    pub fn notes_index(&self) -> std::collections::HashMap<git2::Oid, git2::Oid> {
        let Ok(iter) = self.repo.notes(Some(NOTES_REF)) else {
            return Default::default();
        };
        iter.filter_map(Result::ok)
            .map(|(blob, commit)| (commit, blob))
            .collect()
    }

    /// Every commit that has a git-ai note, with the note's blob id.
    pub fn noted_commits(&self) -> Vec<(String, git2::Oid)> {
        let Ok(iter) = self.repo.notes(Some(NOTES_REF)) else {
            return Vec::new();
        };
        iter.filter_map(Result::ok)
            .map(|(blob, commit)| (commit.to_string(), blob))
            .collect()
    }

    /// Reads a blob as text (lossy).
    pub fn blob_text(&self, oid: git2::Oid) -> Option<String> {
        let blob = self.repo.find_blob(oid).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }
}
