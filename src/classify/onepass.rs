//! One pass over a file's history for line blame (issue 10): who owned
//! each line of `path` at the parent of every commit that changed it,
//! without one `git blame` per commit.
//!
//! `git log -p -U0 --reverse --topo-order REV -- PATH` lists, oldest first, the commits
//! that changed the file in the history `git blame` walks (git's default
//! history simplification drops the merges whose file equals a parent's,
//! as blame passes such a merge's lines to that parent whole), each with
//! its zero-context diff. Carrying every line's owner forward through
//! those diffs computes what `git blame` computes backwards, exactly when
//! the file's history is a chain: no merge that changed the file, no
//! rename or copy git's blame would follow, no revision of the ignore
//! lists, no shallow edge, no binary version. [`read`] gives up (`None`)
//! on any of those, and [`OnePass::agrees`] holds the result to the one
//! real `git blame` the caller runs anyway: any line whose commit or
//! original line differs and the caller falls back to today's per-parent
//! blames for everything. Both sides diff with git's own configuration
//! (`diff.algorithm`, the indent heuristic), so their hunks are the same.
use std::collections::HashMap;

use super::AttributedLine;
use crate::error::GitError;
use crate::git::{self, Hunk, Repo};

/// Lines kept around each hunk on the parent side beyond the adjacency
/// window, so hunks placed a little differently by libgit2 (the commit
/// classification's diff) still find their lines ([`super::lines`] checks
/// coverage and blames when a line is missing).
const PAD: u32 = 8;

/// The owners of `path`'s lines through its history.
#[derive(Debug, Default)]
pub struct OnePass {
    /// Commits of the chain, oldest first (indices below point here).
    commits: Vec<String>,
    /// Owner (commit index, line in that commit's version) of every line
    /// of the file at the revision read.
    target: Vec<(u32, u32)>,
    /// For each commit of the chain with a parent: that parent, and the
    /// parent's lines around the commit's hunks as (line, owner index,
    /// owner's line).
    at_parent: HashMap<String, (String, Vec<(u32, u32, u32)>)>,
}

/// One commit's header (its real parents: blame diffs against those, and
/// names them as `previous`) and hunks as `git log -p -U0` printed them.
struct Step {
    sha: String,
    parents: Vec<String>,
    created: bool,
    deleted: bool,
    binary: bool,
    hunks: Vec<Hunk>,
}

/// False when the environment sets `AEEF_ONE_PASS=0`: line blame then
/// blames at every parent as before (for tests that hold both paths to the
/// same answers, and to rule the one pass out when diagnosing).
pub fn enabled() -> bool {
    std::env::var_os("AEEF_ONE_PASS").is_none_or(|v| v != "0")
}

/// Reads `path`'s history up to `rev` (40 hex) in one `git log` and carries
/// each line's owner forward. `window`: the adjacency window in lines
/// (parent lines kept around each hunk). `None` when the one pass cannot
/// stand for `git blame` (see the module doc) or git is not on PATH.
/// Errors: git fails.
pub fn read(repo: &Repo, rev: &str, path: &str, window: u32) -> Result<Option<OnePass>, GitError> {
    if !repo.has_git() {
        return Ok(None);
    }
    let mut cmd = repo.git();
    cmd.args([
        "log",
        "--reverse",
        "--topo-order",
        "--format=%x01%H %P",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        rev,
        "--",
        path,
    ]);
    let out = repo.run(&mut cmd)?;
    let Some(steps) = parse(&out) else {
        return Ok(None);
    };
    let ignore = repo.ignore_revs();
    let mut pass = OnePass::default();
    let mut owners: Vec<(u32, u32)> = Vec::new();
    for s in steps {
        if s.binary
            || s.parents.len() > 1
            || repo.is_shallow_boundary(&s.sha)
            || ignore.listed_in(&s.sha).is_some()
        {
            return Ok(None);
        }
        if s.created {
            // Blame follows a rename into this commit: the lines are older.
            if let Some(p) = s.parents.first()
                && renamed_into(repo, p, &s.sha, path)?
            {
                return Ok(None);
            }
            if !owners.is_empty() {
                return Ok(None);
            }
        }
        let idx = pass.commits.len() as u32;
        pass.commits.push(s.sha.clone());
        if let Some(p) = s.parents.first() {
            let mut keep: Vec<(u32, u32)> = s
                .hunks
                .iter()
                .map(|h| super::neighbourhood(h, window + PAD))
                .collect();
            keep = super::merge_ranges(keep);
            let n = owners.len() as u32;
            let mut lines = Vec::new();
            for (a, b) in keep {
                for l in a.max(1)..=b.min(n) {
                    let (o, ol) = owners[(l - 1) as usize];
                    lines.push((l, o, ol));
                }
            }
            pass.at_parent.insert(s.sha.clone(), (p.clone(), lines));
        }
        owners = if s.deleted {
            Vec::new()
        } else {
            match apply(&owners, &s.hunks, idx) {
                Some(o) => o,
                None => return Ok(None),
            }
        };
    }
    pass.target = owners;
    Ok(Some(pass))
}

/// Whether git's rename detection (as `git blame` runs it when `path` is
/// missing from the parent) finds a source for `path` in `commit`.
fn renamed_into(repo: &Repo, parent: &str, commit: &str, path: &str) -> Result<bool, GitError> {
    let mut cmd = repo.git();
    cmd.args([
        "diff-tree",
        "-r",
        "-M",
        "--diff-filter=R",
        "--name-only",
        "-z",
        parent,
        commit,
    ]);
    let out = repo.run(&mut cmd)?;
    Ok(out.split(|&b| b == 0).any(|p| p == path.as_bytes()))
}

/// The owners after a commit whose zero-context hunks are `hunks` (old
/// side ascending): replaced lines go, written lines belong to `idx` at
/// their line in the new version. `None` when a hunk does not fit.
fn apply(owners: &[(u32, u32)], hunks: &[Hunk], idx: u32) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::with_capacity(owners.len());
    // Next old line (1-based) not yet copied.
    let mut next = 1u32;
    for h in hunks {
        // Old lines before the hunk: through old_start-1, or through
        // old_start for a pure insertion (it goes in after that line).
        let upto = if h.old_lines == 0 {
            h.old_start
        } else {
            h.old_start.checked_sub(1)?
        };
        if upto + 1 < next || upto as usize > owners.len() {
            return None;
        }
        out.extend_from_slice(&owners[(next - 1) as usize..upto as usize]);
        if out.len() as u32 + 1 != h.new_start.max(1) && h.new_lines > 0 {
            return None;
        }
        for k in 0..h.new_lines {
            out.push((idx, h.new_start + k));
        }
        next = upto + 1 + h.old_lines;
    }
    if next as usize > owners.len() + 1 {
        return None;
    }
    out.extend_from_slice(&owners[(next - 1) as usize..]);
    Some(out)
}

/// Parses `git log --format=%x01%H %P -p -U0` output; `None` on anything
/// unexpected.
fn parse(out: &[u8]) -> Option<Vec<Step>> {
    let mut steps: Vec<Step> = Vec::new();
    for line in out.split(|&b| b == b'\n') {
        if let Some(head) = line.strip_prefix(b"\x01") {
            let head = std::str::from_utf8(head).ok()?;
            let mut ids = head.split(' ').filter(|s| !s.is_empty());
            let sha = ids.next()?.to_string();
            steps.push(Step {
                sha,
                parents: ids.map(str::to_string).collect(),
                created: false,
                deleted: false,
                binary: false,
                hunks: Vec::new(),
            });
            continue;
        }
        let Some(s) = steps.last_mut() else {
            if line.is_empty() {
                continue;
            }
            return None;
        };
        if line.starts_with(b"@@ ") {
            s.hunks.push(hunk_header(line)?);
        } else if line.starts_with(b"new file mode") {
            s.created = true;
        } else if line.starts_with(b"deleted file mode") {
            s.deleted = true;
        } else if line.starts_with(b"Binary files") || line.starts_with(b"GIT binary patch") {
            s.binary = true;
        }
    }
    Some(steps)
}

/// `@@ -a[,b] +c[,d] @@…` as a [`Hunk`].
fn hunk_header(line: &[u8]) -> Option<Hunk> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ');
    parts.next()?;
    let side = |s: &str, sign: char| -> Option<(u32, u32)> {
        let s = s.strip_prefix(sign)?;
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (old_start, old_lines) = side(parts.next()?, '-')?;
    let (new_start, new_lines) = side(parts.next()?, '+')?;
    Some(Hunk {
        old_start,
        old_lines,
        new_start,
        new_lines,
    })
}

impl OnePass {
    /// True when every line `git blame` attributed (`blamed`, lines of the
    /// file at the revision read) has the same commit, path and original
    /// line here, and none is a boundary.
    pub fn agrees(&self, path: &str, blamed: &[git::BlameLine]) -> bool {
        blamed.iter().all(|b| {
            !b.boundary
                && b.orig_path == path
                && self
                    .target
                    .get((b.line as usize).wrapping_sub(1))
                    .is_some_and(|&(o, ol)| {
                        ol == b.orig_line && self.commits[o as usize] == b.commit
                    })
        })
    }

    /// The parent `commit` was diffed against and that parent's lines
    /// around the commit's hunks, as `(line, owner, owner's line)`, or
    /// `None` when `commit` did not change the file in the chain.
    pub fn at_parent(&self, commit: &str) -> Option<(&str, Vec<(u32, &str, u32)>)> {
        let (p, lines) = self.at_parent.get(commit)?;
        Some((
            p.as_str(),
            lines
                .iter()
                .map(|&(l, o, ol)| (l, self.commits[o as usize].as_str(), ol))
                .collect(),
        ))
    }
}

/// Attributed parent lines keyed by (parent, path), as the classifier's
/// parent blames produce them.
pub type ParentLines = HashMap<(String, String), Vec<AttributedLine>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn h(old_start: u32, old_lines: u32, new_start: u32, new_lines: u32) -> Hunk {
        Hunk {
            old_start,
            old_lines,
            new_start,
            new_lines,
        }
    }

    #[test]
    fn apply_carries_owners_through_replacements_insertions_and_deletions() {
        // A file of five lines by commit 0.
        let base: Vec<(u32, u32)> = (1..=5).map(|l| (0, l)).collect();
        // Commit 1 replaces line 2 by two lines, inserts after 4, deletes 5.
        let hunks = [h(2, 1, 2, 2), h(4, 0, 6, 1), h(5, 1, 6, 0)];
        let got = apply(&base, &hunks, 1).unwrap();
        assert_eq!(got, vec![(0, 1), (1, 2), (1, 3), (0, 3), (0, 4), (1, 6)]);
        // An insertion at the top (`-0,0 +1,2`).
        let got = apply(&base, &[h(0, 0, 1, 2)], 1).unwrap();
        assert_eq!(got[..3], [(1, 1), (1, 2), (0, 1)]);
        // A hunk past the end does not fit.
        assert!(apply(&base, &[h(9, 1, 9, 1)], 1).is_none());
    }

    #[test]
    fn hunk_headers_parse_with_and_without_counts() {
        assert_eq!(hunk_header(b"@@ -3 +3,2 @@ fn x"), Some(h(3, 1, 3, 2)));
        assert_eq!(hunk_header(b"@@ -0,0 +1 @@"), Some(h(0, 0, 1, 1)));
        assert_eq!(hunk_header(b"@@ bogus"), None);
    }
}
