//! Line → commit attribution. `git blame --porcelain` when git is on PATH
//! (15–20× faster than libgit2's blame), libgit2's blame otherwise.
use std::collections::HashMap;

use super::Repo;
use crate::error::GitError;

/// One blamed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameLine {
    /// 1-based line number in the blamed revision.
    pub line: u32,
    /// The commit that last changed the line.
    pub commit: String,
    /// 1-based line number in that commit's version of the file.
    pub orig_line: u32,
    /// The file's path in that commit (differs after a rename).
    pub orig_path: String,
    /// The commit is a boundary of the walk (its history was not searched).
    pub boundary: bool,
    /// The line's text (lossy UTF-8, no newline).
    pub content: String,
}

/// Fails when `line` is attributed to a commit whose history git did not
/// search: a shallow boundary (listed in `.git/shallow`, its parents never
/// fetched) or a `boundary` commit of the walk. Such a commit only *looks*
/// like the line's author — in a depth-1 clone every line blames to the
/// one fetched commit — so any decision that reads a blamed author or
/// commit calls this first (DESIGN §2, "Shallow clones": never guess).
/// `path` names the blamed file in the message.
pub fn check_not_boundary(repo: &Repo, line: &BlameLine, path: &str) -> Result<(), GitError> {
    let short = &line.commit[..12.min(line.commit.len())];
    if repo.is_shallow_boundary(&line.commit) {
        return Err(GitError::Shallow {
            what: format!(
                "line {} of {path} blames to {short}, the edge of this shallow clone, so who wrote it is unknown",
                line.line
            ),
        });
    }
    if line.boundary {
        return Err(GitError::Shallow {
            what: format!(
                "line {} of {path} blames to {short}, where git blame's walk stopped, so who wrote it is unknown",
                line.line
            ),
        });
    }
    Ok(())
}

/// Number of lines in `path` at `rev`, or `None` when the path is not a
/// blob in that tree.
pub fn line_count(repo: &Repo, rev: &str, path: &str) -> Result<Option<u32>, GitError> {
    let r = repo.git2();
    let commit = r.find_commit(git2::Oid::from_str(rev)?)?;
    let tree = commit.tree()?;
    let Ok(entry) = tree.get_path(std::path::Path::new(path)) else {
        return Ok(None);
    };
    let Ok(blob) = entry.to_object(r).and_then(|o| o.peel_to_blob()) else {
        return Ok(None);
    };
    let c = blob.content();
    let mut n = c.iter().filter(|b| **b == b'\n').count() as u32;
    if !c.is_empty() && !c.ends_with(b"\n") {
        n += 1;
    }
    Ok(Some(n))
}

/// Blames `path` at commit `rev` (40 hex), limited to the 1-based inclusive
/// `ranges` (empty = whole file). Ranges are clamped to the file's length.
pub fn blame(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
) -> Result<Vec<BlameLine>, GitError> {
    let Some(total) = line_count(repo, rev, path)? else {
        return Err(GitError::PathNotInTree {
            path: path.into(),
            rev: rev.into(),
        });
    };
    if total == 0 {
        return Ok(Vec::new());
    }
    let mut clamped: Vec<(u32, u32)> = ranges
        .iter()
        .map(|&(a, b)| (a.max(1), b.min(total)))
        .filter(|(a, b)| a <= b)
        .collect();
    if ranges.is_empty() {
        clamped.push((1, total));
    }
    if clamped.is_empty() {
        return Ok(Vec::new());
    }
    clamped.sort_unstable();
    if repo.has_git() {
        blame_git(repo, rev, path, &clamped)
    } else {
        blame_git2(repo, rev, path, &clamped)
    }
}

fn blame_git(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
) -> Result<Vec<BlameLine>, GitError> {
    let mut cmd = repo.git();
    cmd.args(["blame", "--porcelain", "--root"]);
    for (a, b) in ranges {
        cmd.arg(format!("-L{a},{b}"));
    }
    cmd.arg(rev).arg("--").arg(path);
    let out = repo.run(&mut cmd)?;
    parse_porcelain(&out)
}

/// Parses `git blame --porcelain` output.
pub fn parse_porcelain(out: &[u8]) -> Result<Vec<BlameLine>, GitError> {
    let mut lines = Vec::new();
    let mut filename: HashMap<String, String> = HashMap::new();
    let mut boundary: HashMap<String, bool> = HashMap::new();
    // (commit, orig_line, final_line) of the group being read.
    let mut current: Option<(String, u32, u32)> = None;
    let bad = |what: &str| GitError::Parse {
        what: format!("git blame --porcelain: {what}"),
    };
    for raw in out.split(|b| *b == b'\n') {
        if raw.first() == Some(&b'\t') {
            let (commit, orig, fin) = current
                .take()
                .ok_or_else(|| bad("content line without header"))?;
            lines.push(BlameLine {
                content: String::from_utf8_lossy(&raw[1..])
                    .trim_end_matches('\r')
                    .to_string(),
                line: fin,
                orig_path: filename.get(&commit).cloned().unwrap_or_default(),
                boundary: boundary.get(&commit).copied().unwrap_or(false),
                commit,
                orig_line: orig,
            });
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        if let Some(sha) = current.as_ref().map(|c| c.0.clone()) {
            if let Some(f) = text.strip_prefix("filename ") {
                filename.insert(sha, super::diff_unquote(f));
            } else if text == "boundary" {
                boundary.insert(sha, true);
            }
            continue;
        }
        let mut parts = text.split(' ');
        let (Some(sha), Some(orig), Some(fin)) = (parts.next(), parts.next(), parts.next()) else {
            if text.is_empty() {
                continue;
            }
            return Err(bad("unexpected header"));
        };
        if sha.len() < 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("unexpected header"));
        }
        current = Some((
            sha.to_string(),
            orig.parse().map_err(|_| bad("bad line number"))?,
            fin.parse().map_err(|_| bad("bad line number"))?,
        ));
    }
    Ok(lines)
}

fn blame_git2(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
) -> Result<Vec<BlameLine>, GitError> {
    let r = repo.git2();
    let text = {
        let commit = r.find_commit(git2::Oid::from_str(rev)?)?;
        let blob = commit
            .tree()?
            .get_path(std::path::Path::new(path))?
            .to_object(r)?
            .peel_to_blob()?;
        String::from_utf8_lossy(blob.content()).into_owned()
    };
    let contents: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for &(a, b) in ranges {
        let mut opts = git2::BlameOptions::new();
        opts.newest_commit(git2::Oid::from_str(rev)?)
            .min_line(a as usize)
            .max_line(b as usize)
            .track_copies_same_file(true);
        let blame = r.blame_file(std::path::Path::new(path), Some(&mut opts))?;
        for line in a..=b {
            let Some(h) = blame.get_line(line as usize) else {
                continue;
            };
            let offset = line - h.final_start_line() as u32;
            out.push(BlameLine {
                line,
                commit: h.final_commit_id().to_string(),
                orig_line: h.orig_start_line() as u32 + offset,
                orig_path: h
                    .path()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.to_string()),
                // libgit2 marks root commits as boundaries; only shallow edges matter and
                // those are checked against .git/shallow by the caller.
                boundary: false,
                content: contents
                    .get(line as usize - 1)
                    .unwrap_or(&"")
                    .trim_end_matches('\r')
                    .to_string(),
            });
        }
    }
    out.dedup_by_key(|l| l.line);
    Ok(out)
}
