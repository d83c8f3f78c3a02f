//! The one resolver of what a user types for a revision, a range or a
//! `PATH[:L1[-L2]]`: `aeef blame`, `scan`, `gate --base/--head`, `incident
//! new|edit --commit` and the global `--rev` all go through here, so every
//! command says the same thing about the same mistake (issue 14):
//!
//! - a name git cannot resolve is an **unknown revision** (`aeef::git::unknown_revision`),
//!   never "path … is not in the tree";
//! - in a range, the side that is unknown is named (`nosuchref..HEAD` → the
//!   left side), and the help suggests `git rev-parse --verify` on that name;
//! - a line range past the end of the file says so, with the file's length
//!   (`aeef::git::line_past_end`).
//!
//! Every error is a [`GitError`] with a stable code and a help line; the
//! CLI exits 2 on them.
use super::Repo;
use crate::error::GitError;

/// Resolves one revision the user gave (`HEAD~3`, `v1.4`, an abbreviated
/// SHA) to the full id of the commit it names. Tries libgit2 first (no
/// process); when that fails and `git` is on PATH, asks `git rev-parse
/// --verify` so every syntax git knows (`@{-1}`, `:/message`) is accepted.
/// Errors, naming `rev` as given: [`GitError::RangeNotCommit`] for `A..B`,
/// [`GitError::NotACommit`] for a tree or blob (`HEAD^{tree}`), else
/// [`GitError::UnknownRevision`].
pub fn revision(repo: &Repo, rev: &str) -> Result<String, GitError> {
    match repo.resolve_commit(rev) {
        Ok(sha) => return Ok(sha),
        // A damaged object must not reach libgit2 (`super::loose`).
        Err(e @ GitError::CorruptObject { .. }) => return Err(e),
        Err(_) => {}
    }
    let unknown = || not_a_commit(repo, rev);
    if rev.is_empty() || rev.starts_with('-') || !repo.has_git() {
        return Err(unknown());
    }
    let mut cmd = repo.git();
    cmd.args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"));
    let out = repo.run(&mut cmd).map_err(|_| unknown())?;
    let sha = String::from_utf8_lossy(&out).trim().to_string();
    if sha.len() >= 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha)
    } else {
        Err(unknown())
    }
}

/// Why `rev` names no commit (only asked once resolving failed, so the
/// common path pays nothing): a range (`..` cannot be inside a ref name,
/// git-check-ref-format(1)), an object of another kind, or unknown.
fn not_a_commit(repo: &Repo, rev: &str) -> GitError {
    if rev.contains("..") && !rev.starts_with(":/") {
        return GitError::RangeNotCommit {
            rev: rev.to_string(),
        };
    }
    match repo.git2().revparse_single(rev) {
        Ok(obj) => {
            if let Some(kind) = obj.kind()
                && kind != git2::ObjectType::Commit
                && obj.peel_to_commit().is_err()
            {
                return GitError::NotACommit {
                    rev: rev.to_string(),
                    kind: kind.str().to_string(),
                };
            }
        }
        // libgit2 says when an abbreviated id starts several objects (git
        // would have taken the one commit among them, as resolving did).
        Err(e) if e.code() == git2::ErrorCode::Ambiguous => {
            let prefix = rev
                .trim_start_matches('^')
                .split(['~', '^', ':', '@'])
                .next()
                .unwrap_or(rev);
            return GitError::AmbiguousRevision {
                rev: rev.to_string(),
                prefix: prefix.to_string(),
            };
        }
        Err(_) => {}
    }
    GitError::UnknownRevision {
        rev: rev.to_string(),
    }
}

/// The name a rev-list argument stands on, without git's parent shorthands
/// (`A^@`, `A^!`, `A^-`, `A^-2` name `A`'s commits; a leading `^` excludes).
fn base_name(arg: &str) -> &str {
    let a = arg.strip_prefix('^').unwrap_or(arg);
    if let Some(b) = a.strip_suffix("^@").or_else(|| a.strip_suffix("^!")) {
        return b;
    }
    if let Some(i) = a.rfind("^-")
        && a[i + 2..].chars().all(|c| c.is_ascii_digit())
    {
        return &a[..i];
    }
    a
}

/// Checks every revision of a `git rev-list`-style argument list (what
/// `aeef scan REVSPEC…` takes) before any walk starts: options are left to
/// [`super::commits::revspec_args`]; `A..B` and `A...B` resolve each side
/// (an empty side is `HEAD`, as in git). Errors:
/// [`GitError::UnknownRangeSide`] naming the side, or
/// [`GitError::UnknownRevision`] for a single name.
pub fn revisions(repo: &Repo, args: &[String]) -> Result<(), GitError> {
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        // `..` is not allowed inside a ref name, so a split is a range.
        match a.split_once("...").or_else(|| a.split_once("..")) {
            Some((left, right)) => {
                for (side, name) in [("left", left), ("right", right)] {
                    if name.is_empty() {
                        continue;
                    }
                    revision(repo, base_name(name)).map_err(|e| match e {
                        GitError::AmbiguousRevision { .. } => e,
                        _ => GitError::UnknownRangeSide {
                            rev: name.to_string(),
                            side,
                            range: a.clone(),
                        },
                    })?;
                }
            }
            None => {
                revision(repo, base_name(a))?;
            }
        }
    }
    Ok(())
}

/// `PATH[:L1[-L2]]` split into the path and the 1-based inclusive range.
/// A suffix that is not digits and `-` is part of the path (`a:b.rs`).
/// Errors: [`GitError::BadLineRange`] (`f:0`, `f:9-3`, `f:1-`).
pub fn path_spec(s: &str) -> Result<(String, Option<(u32, u32)>), GitError> {
    let Some((path, range)) = s.rsplit_once(':') else {
        return Ok((s.to_string(), None));
    };
    if range.is_empty() || !range.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Ok((s.to_string(), None));
    }
    let bad = || GitError::BadLineRange {
        range: range.to_string(),
    };
    let (a, b) = match range.split_once('-') {
        Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
        None => {
            let a: u32 = range.parse().map_err(|_| bad())?;
            (a, a)
        }
    };
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok((path.to_string(), Some((a, b))))
}

/// What `aeef blame ARG [--rev REV]` is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlameTarget {
    /// Commit mode: the full id.
    Commit(String),
    /// Line mode: lines of `path` (relative to the root) at commit `rev`
    /// (full id), `range` 1-based inclusive (whole file when `None`).
    Lines {
        rev: String,
        path: String,
        range: Option<(u32, u32)>,
    },
}

/// Decides what `aeef blame` was asked (git's own rule for `git show ARG`:
/// a revision when it resolves, else a path). `relative` turns the path as
/// typed into one from the repository root. Without `--rev` and a range,
/// an argument that is neither a commit nor a file at HEAD is
/// [`GitError::UnknownRevisionOrPath`] (an unknown revision first: that is
/// the common mistake); with a range or `--rev`, a missing file is
/// [`GitError::PathNotInTree`]; a range past the end is
/// [`GitError::LinePastEnd`].
pub fn blame_target(
    repo: &Repo,
    arg: &str,
    rev: Option<&str>,
    relative: impl Fn(&str) -> String,
) -> Result<BlameTarget, GitError> {
    let (path, range) = path_spec(arg)?;
    // Why `arg` is not a commit, when it is not: said instead of "no file"
    // when the argument is clearly a revision (a range, a tree).
    let mut as_rev = None;
    if rev.is_none() && range.is_none() {
        match revision(repo, arg) {
            Ok(sha) => return Ok(BlameTarget::Commit(sha)),
            Err(e) => as_rev = Some(e),
        }
    }
    let rev_name = rev.unwrap_or("HEAD");
    let rev_sha = revision(repo, rev_name).map_err(|e| match e {
        // No HEAD yet (an empty repository): the argument is what is unknown.
        GitError::UnknownRevision { .. } if rev.is_none() => GitError::UnknownRevision {
            rev: arg.to_string(),
        },
        e => e,
    })?;
    // `f.txt/` (or `f.txt/.`) names a directory, and `f.txt` is a file:
    // git says "no such path", and so does aeef, rather than blaming
    // `f.txt` once the path is normalised.
    let slash = path.ends_with('/') || path.ends_with("/.");
    let path = relative(&path);
    let lines = file_lines(repo, &rev_sha, rev_name, &path, range);
    if slash
        && !matches!(
            lines,
            Err(GitError::IsDirectory { .. } | GitError::PathNotInTree { .. })
        )
    {
        return Err(GitError::PathNotInTree {
            path: format!("{path}/"),
            rev: rev_name.to_string(),
        });
    }
    match lines {
        Err(e @ GitError::PathNotInTree { .. }) if range.is_none() => {
            // `FILE:abc`, `FILE:1,5`: the file exists, the line spec is bad.
            if let Some((file, spec)) = arg.rsplit_once(':')
                && !file.is_empty()
                && file_lines(repo, &rev_sha, rev_name, &relative(file), None).is_ok()
            {
                return Err(GitError::BadLineRange {
                    range: spec.to_string(),
                });
            }
            // `../x.rs` parses as a range too, but is plainly a path.
            let typed_as_path = arg.starts_with("./") || arg.starts_with("../");
            match as_rev {
                None => Err(e),
                Some(
                    e @ (GitError::NotACommit { .. }
                    | GitError::RangeNotCommit { .. }
                    | GitError::AmbiguousRevision { .. }),
                ) if !typed_as_path => Err(e),
                Some(_) => Err(GitError::UnknownRevisionOrPath {
                    arg: arg.to_string(),
                    rev: rev_name.to_string(),
                }),
            }
        }
        Err(e) => Err(e),
        Ok(_) => Ok(BlameTarget::Lines {
            rev: rev_sha,
            path,
            range,
        }),
    }
}

/// The number of lines of `path` at commit `rev_sha` (full id; `rev_name`
/// is how the user named it, for messages), checking `range` against it.
/// Errors: [`GitError::IsDirectory`], [`GitError::PathNotInTree`],
/// [`GitError::LinePastEnd`].
pub fn file_lines(
    repo: &Repo,
    rev_sha: &str,
    rev_name: &str,
    path: &str,
    range: Option<(u32, u32)>,
) -> Result<u32, GitError> {
    let Some(total) = super::blame::line_count(repo, rev_sha, path)? else {
        let path = path.trim_end_matches('/').to_string();
        let rev = rev_name.to_string();
        return Err(if is_dir(repo, rev_sha, &path) {
            GitError::IsDirectory { path, rev }
        } else {
            GitError::PathNotInTree { path, rev }
        });
    };
    if let Some((a, b)) = range
        && b > total
    {
        return Err(GitError::LinePastEnd {
            path: path.to_string(),
            line: if a > total { a } else { b },
            total,
            rev: rev_name.to_string(),
        });
    }
    Ok(total)
}

/// Whether `path` is a directory (a tree) at commit `rev_sha` (full id);
/// the empty path and `.` are the root.
fn is_dir(repo: &Repo, rev_sha: &str, path: &str) -> bool {
    let r = repo.git2();
    let Some(tree) = git2::Oid::from_str(rev_sha)
        .ok()
        .and_then(|o| r.find_commit(o).ok())
        .and_then(|c| c.tree().ok())
    else {
        return false;
    };
    if path.is_empty() || path == "." {
        return true;
    }
    tree.get_path(std::path::Path::new(path))
        .is_ok_and(|e| e.kind() == Some(git2::ObjectType::Tree))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_specs_split_only_on_a_numeric_suffix() {
        assert_eq!(path_spec("a.rs").unwrap(), ("a.rs".into(), None));
        assert_eq!(path_spec("a.rs:5").unwrap(), ("a.rs".into(), Some((5, 5))));
        assert_eq!(
            path_spec("a:b.rs:2-9").unwrap(),
            ("a:b.rs".into(), Some((2, 9)))
        );
        assert_eq!(path_spec("c:x").unwrap(), ("c:x".into(), None));
        for bad in ["f:0", "f:9-3", "f:1-", "f:-4"] {
            assert!(matches!(path_spec(bad), Err(GitError::BadLineRange { .. })));
        }
    }

    #[test]
    fn parent_shorthands_name_their_commit() {
        assert_eq!(base_name("^main"), "main");
        assert_eq!(base_name("HEAD^@"), "HEAD");
        assert_eq!(base_name("v1^!"), "v1");
        assert_eq!(base_name("v1^-2"), "v1");
        assert_eq!(base_name("HEAD~3"), "HEAD~3");
    }
}
