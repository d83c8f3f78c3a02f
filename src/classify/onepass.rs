//! One pass over a file's history for line blame (issue 10): who owned
//! each line of `path` at the parent of every commit that changed it,
//! without one `git blame` per commit.
//!
//! `git log -p -U0 --parents --topo-order --reverse REV -- PATH` lists,
//! oldest first, the commits that changed the file in the history
//! `git blame` walks (git's default history simplification drops the
//! merges whose file equals a parent's, as blame passes such a merge's
//! lines to that parent whole; `--parents` names the nearest such commits
//! as parents, whose file equals the real parents'), each with its
//! zero-context diff; one `git diff-tree -m --stdin` adds each remaining
//! merge's diff against every parent. Carrying every line's owner forward
//! through those diffs computes what `git blame` computes backwards: a
//! commit's written lines are its own, a merge's line goes to the first
//! parent whose diff leaves it unchanged (blame's order), else to the
//! merge. `read` gives up (`None`) where blame does something else: a
//! rename or copy blame would follow, a revision of the ignore lists, a
//! shallow edge, a binary version, parents it cannot match, output it
//! cannot parse. [`OnePass::agrees`] then holds the result to the one real
//! `git blame` the caller runs anyway: when any blamed line's commit or
//! original line differs, the caller blames at every parent as before.
//! Both sides diff with the same algorithm: git 2.47's blame uses myers
//! with the indent heuristic whatever `diff.algorithm` says, and every git
//! command aeef runs pins those two settings (`Repo::git`).
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::AttributedLine;
use crate::error::GitError;
use crate::git::{self, Hunk, Repo};

/// Lines kept around each hunk on the parent side beyond the adjacency
/// window, so hunks placed a little differently by libgit2 (the commit
/// classification's diff) still find their lines ([`super::lines`] checks
/// coverage and blames when a line is missing).
const PAD: u32 = 8;

/// Fewest parent blames (and whole-commit classifications) a line blame
/// must need before the one pass is read: below that, the `git log -p` of
/// the file's whole history costs more than the blames it saves (measured
/// on rust-lang/cargo `Cargo.lock:100-200`, 3 blames: 1.2 s per parent,
/// 1.5 s one pass).
pub const MIN_BLAMES: usize = 4;

/// The owners of `path`'s lines through its history.
#[derive(Debug, Default)]
pub struct OnePass {
    /// Commits of the chain, oldest first (indices below point here).
    commits: Vec<String>,
    /// Owner (commit index, line in that commit's version) of every line
    /// of the file at the revision read.
    target: Vec<(u32, u32)>,
    /// For each commit of the chain with one parent: that parent, the
    /// parent's lines around the commit's hunks as (line, owner index,
    /// owner's line), and the hunks (git's diff, as blame diffs).
    at_parent: HashMap<String, (String, Vec<Owned>, Vec<Hunk>)>,
}

/// A parent line and its owner: (line, owner's index in
/// [`OnePass::commits`], the line in the owner's version).
type Owned = (u32, u32, u32);

/// A commit's parent and that parent's lines around the commit's hunks, as
/// (line, owning commit, the line in the owner's version).
pub type AtParent<'a> = (&'a str, Vec<(u32, &'a str, u32)>);

/// One diff of a commit's file against one of its parents, as
/// `git log -p -U0` printed it.
#[derive(Default)]
struct Diff {
    created: bool,
    deleted: bool,
    binary: bool,
    hunks: Vec<Hunk>,
}

/// One commit of the file's simplified history: its parents there
/// (rewritten by `--parents` to the nearest commits that changed the file,
/// whose versions of the file equal the real parents'), and one diff per
/// parent (a merge prints one per parent, in parent order).
struct Step {
    sha: String,
    parents: Vec<String>,
    diffs: Vec<Diff>,
}

/// False when the environment sets `AEEF_ONE_PASS=0`: line blame then
/// blames at every parent as before (for tests that hold both paths to the
/// same answers, and to rule the one pass out when diagnosing).
pub fn enabled() -> bool {
    std::env::var_os("AEEF_ONE_PASS").is_none_or(|v| v != "0")
}

/// True when the environment sets `AEEF_ONE_PASS=1`: the one pass is read
/// even below [`MIN_BLAMES`] (tests on small histories).
pub fn forced() -> bool {
    std::env::var_os("AEEF_ONE_PASS").is_some_and(|v| v == "1")
}

/// A one pass read on its own thread while git blames (issue 10): line
/// blame only learns whether it needs the pass (enough commits needing a
/// parent blame, [`MIN_BLAMES`]) once the blame is done, and reading the
/// file's history afterwards left one core idle during the blame.
/// Dropping it unread stops the read and kills its `git log`.
pub struct Speculative {
    cancel: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Result<Option<OnePass>, GitError>>>,
}

impl Speculative {
    /// Starts `read` of `path` up to `rev` on a thread with its own
    /// repository handle. Errors: the repository cannot be reopened.
    pub fn start(repo: &Repo, rev: &str, path: &str, window: u32) -> Result<Self, GitError> {
        let r = repo.reopen()?;
        let cancel = Arc::new(AtomicBool::new(false));
        let (rev, path, flag) = (rev.to_string(), path.to_string(), cancel.clone());
        let handle = std::thread::Builder::new()
            .name("aeef-one-pass".into())
            .spawn(move || read(&r, &rev, &path, window, &flag))?;
        Ok(Speculative {
            cancel,
            handle: Some(handle),
        })
    }

    /// Waits for the read: what `read` returns (`None` also when its
    /// thread panicked, as a pass that gave up).
    pub fn finish(mut self) -> Result<Option<OnePass>, GitError> {
        match self.handle.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            _ => Ok(gave_up(13)),
        }
    }
}

impl Drop for Speculative {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Reads `path`'s history up to `rev` (40 hex) in one `git log` and carries
/// each line's owner forward, through merges as `git blame` passes them
/// (a merge's line belongs to the first parent whose version has it
/// unchanged, else to the merge). `window`: the adjacency window in lines
/// (parent lines kept around each hunk). `None` when the one pass cannot
/// stand for `git blame` (see the module doc) or git is not on PATH.
/// It gives up (`None`, its `git log` killed) as soon as `cancel` is
/// set. Errors: git fails.
fn read(
    repo: &Repo,
    rev: &str,
    path: &str,
    window: u32,
    cancel: &AtomicBool,
) -> Result<Option<OnePass>, GitError> {
    if !repo.has_git() {
        return Ok(gave_up(1));
    }
    let mut cmd = repo.git_without_index();
    cmd.args([
        "log",
        "--reverse",
        "--topo-order",
        "--parents",
        "--format=%x01%H %P",
        "-p",
    ])
    // The same diff options as every diff aeef reads (`-U0`, no hunks
    // merged by `diff.interHunkContext`, no drivers or textconv).
    .args(git::diff::PLAIN)
    .args(["--no-renames", rev, "--", path]);
    let Some((out, merge_out)) = log_and_merges(repo, &mut cmd, path, cancel)? else {
        return Ok(None);
    };
    let Some(mut steps) = parse(&out) else {
        return Ok(gave_up(2));
    };
    let merges: Vec<usize> = (0..steps.len())
        .filter(|&i| steps[i].parents.len() > 1)
        .collect();
    if !merges.is_empty() {
        let out = merge_out;
        // The same parser: each header line is the merge's id alone.
        let marked: Vec<u8> = out
            .split(|&b| b == b'\n')
            .flat_map(|l| {
                let head = l.len() == 40 && l.iter().all(u8::is_ascii_hexdigit);
                let mut v = Vec::with_capacity(l.len() + 2);
                if head {
                    v.push(1u8);
                }
                v.extend_from_slice(l);
                v.push(b'\n');
                v
            })
            .collect();
        let Some(diffs) = parse(&marked) else {
            return Ok(gave_up(11));
        };
        let mut by_sha: HashMap<String, Vec<Diff>> =
            diffs.into_iter().map(|s| (s.sha, s.diffs)).collect();
        for i in merges {
            match by_sha.remove(&steps[i].sha) {
                Some(d) => steps[i].diffs = d,
                None => return Ok(gave_up(12)),
            }
        }
    }
    let ignore = repo.ignore_revs();
    // How many later steps read each step's owners (freed after the last).
    let mut readers: HashMap<&str, usize> = HashMap::new();
    for s in &steps {
        for p in &s.parents {
            *readers.entry(p.as_str()).or_default() += 1;
        }
    }
    let mut pass = OnePass::default();
    let mut owners_of: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut last: Option<String> = None;
    for s in &steps {
        if repo.is_shallow_boundary(&s.sha) || ignore.listed_in(&s.sha).is_some() {
            return Ok(gave_up(3));
        }
        let real = real_parents(repo, &s.sha)?;
        let merge = s.diffs.len() > 1;
        if s.diffs.is_empty()
            || s.diffs.iter().any(|d| d.binary)
            || s.diffs.len() != real.len().max(1)
            || (merge && s.parents.len() != s.diffs.len())
            || s.parents.len() > s.diffs.len()
        {
            return Ok(gave_up(4));
        }
        let idx = pass.commits.len() as u32;
        pass.commits.push(s.sha.clone());
        // The owners at each parent (empty where the file was missing).
        let mut before: Vec<&[(u32, u32)]> = Vec::with_capacity(s.diffs.len());
        for (i, d) in s.diffs.iter().enumerate() {
            if d.created {
                // Blame follows a rename into this commit: the lines are older.
                if let Some(p) = real.get(i)
                    && renamed_into(repo, p, &s.sha, path)?
                {
                    return Ok(gave_up(5));
                }
                before.push(&[]);
                continue;
            }
            let Some(p) = s.parents.get(i) else {
                return Ok(gave_up(6));
            };
            match owners_of.get(p) {
                Some(o) => before.push(o),
                None => return Ok(gave_up(7)),
            }
        }
        let after = if merge {
            match through_merge(&before, &s.diffs, idx) {
                Some(o) => o,
                None => return Ok(gave_up(8)),
            }
        } else {
            let (d, owners) = (&s.diffs[0], before[0]);
            if let Some(p) = real.first() {
                let keep = super::merge_ranges(
                    d.hunks
                        .iter()
                        .map(|h| super::neighbourhood(h, window + PAD))
                        .collect(),
                );
                let n = owners.len() as u32;
                let mut lines = Vec::new();
                for (a, b) in keep {
                    for l in a.max(1)..=b.min(n) {
                        let (o, ol) = owners[(l - 1) as usize];
                        lines.push((l, o, ol));
                    }
                }
                pass.at_parent
                    .insert(s.sha.clone(), (p.clone(), lines, d.hunks.clone()));
            }
            if d.deleted {
                Vec::new()
            } else {
                match apply(owners, &d.hunks, idx) {
                    Some(o) => o,
                    None => return Ok(gave_up(9)),
                }
            }
        };
        for p in &s.parents {
            if let Some(n) = readers.get_mut(p.as_str()) {
                *n -= 1;
                if *n == 0 {
                    owners_of.remove(p);
                }
            }
        }
        owners_of.insert(s.sha.clone(), after);
        last = Some(s.sha.clone());
    }
    // The revision's version is the last step's (it is a descendant of all).
    pass.target = match last.and_then(|l| owners_of.remove(&l)) {
        Some(o) => o,
        None => return Ok(gave_up(10)),
    };
    Ok(Some(pass))
}

/// `None`, saying which check gave up (numbered in `read`; 0 when the
/// pass disagreed with `git blame`, 13 when its thread died, 14 when line
/// blame needed fewer parent blames than [`MIN_BLAMES`] and dropped it
/// unread) on stderr when `AEEF_ONE_PASS=trace` (diagnosis only).
// A diagnosis asked for on the command line's environment, never by default.
#[allow(clippy::print_stderr)]
pub(crate) fn gave_up(check: u32) -> Option<OnePass> {
    if std::env::var_os("AEEF_ONE_PASS").is_some_and(|v| v == "trace") {
        eprintln!("aeef: one pass gave up at check {check}");
    }
    None
}

/// The pass's `git log` output and its merges' `git diff-tree` output.
type LogAndMerges = (Vec<u8>, Vec<u8>);

/// Runs the pass's `git log` and, while it prints, one
/// `git diff-tree --stdin -m -p -U0 -- PATH` fed each merge as its header
/// goes by (`git log -p` prints no diff for merges, and `--diff-merges`
/// would change which merges it lists): the two run on both cores instead
/// of one after the other. Returns both outputs (the second empty without
/// merges), or `None` once `cancel` is set (both killed). Errors: either
/// git fails.
fn log_and_merges(
    repo: &Repo,
    log: &mut std::process::Command,
    path: &str,
    cancel: &AtomicBool,
) -> Result<Option<LogAndMerges>, GitError> {
    use std::io::Write;
    let mut merges: Option<Merges> = None;
    let mut line = 0;
    let out = git::run_unless_with(log, cancel, |out| {
        // Each whole line printed since the last read: a merge's header
        // (`\x01SHA P1 P2…`) goes to diff-tree at once.
        while let Some(end) = out[line..].iter().position(|&b| b == b'\n') {
            let l = &out[line..line + end];
            line += end + 1;
            if l.first() != Some(&1) || l.split(|&b| b == b' ').count() < 3 {
                continue;
            }
            let sha = l[1..].split(|&b| b == b' ').next().unwrap_or_default();
            let m = match merges.as_mut() {
                Some(m) => m,
                None => merges.insert(Merges::start(repo, path)?),
            };
            if let Some(w) = m.stdin.as_mut() {
                let mut entry = sha.to_vec();
                entry.push(b'\n');
                let _ = w.write_all(&entry);
            }
        }
        Ok(())
    })?;
    // Cancelled or failed: dropping `merges` kills its diff-tree.
    let Some(out) = out else { return Ok(None) };
    let merge_out = match merges {
        Some(m) => m.finish()?,
        None => Vec::new(),
    };
    Ok(Some((out, merge_out)))
}

/// A `git diff-tree --stdin` being fed, its stdout and stderr read on
/// threads so that no pipe fills up; killed when dropped unfinished.
struct Merges {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: Option<std::thread::JoinHandle<Vec<u8>>>,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
    command: String,
}

impl Merges {
    /// Starts the merges' diff of `path` against each parent.
    fn start(repo: &Repo, path: &str) -> Result<Merges, GitError> {
        use std::process::Stdio;
        let mut cmd = repo.git_without_index();
        cmd.args(["diff-tree", "--stdin", "-m", "-p"])
            .args(git::diff::PLAIN)
            .args(["--no-renames", "--", path]);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        Ok(Merges {
            stdin: child.stdin.take(),
            stdout: Some(drain(child.stdout.take())),
            stderr: Some(drain(child.stderr.take())),
            child,
            command: git::shown(&cmd),
        })
    }

    /// Closes its input and returns its output. Errors: git fails.
    fn finish(mut self) -> Result<Vec<u8>, GitError> {
        drop(self.stdin.take());
        let status = self.child.wait()?;
        let out = self.stdout.take().map(|h| h.join().unwrap_or_default());
        let errors = self.stderr.take().map(|h| h.join().unwrap_or_default());
        if !status.success() {
            return Err(GitError::CommandFailed {
                command: std::mem::take(&mut self.command),
                stderr: String::from_utf8_lossy(&errors.unwrap_or_default())
                    .trim()
                    .to_string(),
            });
        }
        Ok(out.unwrap_or_default())
    }
}

impl Drop for Merges {
    fn drop(&mut self) {
        // After `finish` the process has been waited for: nothing to kill.
        drop(self.stdin.take());
        if self.stdout.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads `pipe` to its end on a thread.
fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut v);
        }
        v
    })
}

/// The real parents of `sha` (blame diffs against these and names them).
fn real_parents(repo: &Repo, sha: &str) -> Result<Vec<String>, GitError> {
    let c = repo.git2().find_commit(git2::Oid::from_str(sha)?)?;
    Ok(c.parent_ids().map(|p| p.to_string()).collect())
}

/// A merge's owners as `git blame` passes them: each line goes to the
/// first parent (in order) whose diff leaves it unchanged, with that
/// parent's owner; the rest belong to the merge (`idx`).
fn through_merge(before: &[&[(u32, u32)]], diffs: &[Diff], idx: u32) -> Option<Vec<(u32, u32)>> {
    let n = {
        let (o, d) = (before[0], &diffs[0]);
        let grow: i64 = d
            .hunks
            .iter()
            .map(|h| h.new_lines as i64 - h.old_lines as i64)
            .sum();
        u32::try_from(o.len() as i64 + grow).ok()?
    };
    let mut out: Vec<Option<(u32, u32)>> = vec![None; n as usize];
    for (owners, d) in before.iter().zip(diffs) {
        if d.deleted {
            return None;
        }
        // Walk the unchanged stretches: new line `l` is old line `l - shift`.
        let (mut new_next, mut old_next) = (1u32, 1u32);
        let mut stretch = |new_from: u32, upto_new: u32, old_from: u32| -> Option<()> {
            for (k, l) in (new_from..upto_new).enumerate() {
                let old = old_from + k as u32;
                let o = *owners.get((old as usize).checked_sub(1)?)?;
                let slot = out.get_mut((l as usize).checked_sub(1)?)?;
                if slot.is_none() {
                    *slot = Some(o);
                }
            }
            Some(())
        };
        for h in &d.hunks {
            // First new line of the hunk (a deletion sits after new_start).
            let first_new = if h.new_lines == 0 {
                h.new_start + 1
            } else {
                h.new_start
            };
            stretch(new_next, first_new, old_next)?;
            new_next = first_new + h.new_lines;
            old_next = if h.old_lines == 0 {
                h.old_start + 1
            } else {
                h.old_start + h.old_lines
            };
        }
        if (owners.len() as u32 + 1).checked_sub(old_next)? != (n + 1).checked_sub(new_next)? {
            return None;
        }
        stretch(new_next, n + 1, old_next)?;
    }
    Some(
        out.into_iter()
            .enumerate()
            .map(|(i, o)| o.unwrap_or((idx, i as u32 + 1)))
            .collect(),
    )
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

/// Parses `git log --format=%x01%H %P -p -U0 --diff-merges=separate`
/// output (a merge's header repeats before each parent's diff); `None` on
/// anything unexpected.
fn parse(out: &[u8]) -> Option<Vec<Step>> {
    let mut steps: Vec<Step> = Vec::new();
    for line in out.split(|&b| b == b'\n') {
        if let Some(head) = line.strip_prefix(b"\x01") {
            let head = std::str::from_utf8(head).ok()?;
            let mut ids = head.split(' ').filter(|s| !s.is_empty());
            let sha = ids.next()?.to_string();
            match steps.last_mut() {
                Some(s) if s.sha == sha => s.diffs.push(Diff::default()),
                _ => steps.push(Step {
                    sha,
                    parents: ids.map(str::to_string).collect(),
                    diffs: vec![Diff::default()],
                }),
            }
            continue;
        }
        let Some(d) = steps.last_mut().and_then(|s| s.diffs.last_mut()) else {
            if line.is_empty() {
                continue;
            }
            return None;
        };
        if line.starts_with(b"@@ ") {
            d.hunks.push(git::diff::hunk_header(line)?);
        } else if line.starts_with(b"new file mode") {
            d.created = true;
        } else if line.starts_with(b"deleted file mode") {
            d.deleted = true;
        } else if line.starts_with(b"Binary files") || line.starts_with(b"GIT binary patch") {
            d.binary = true;
        }
    }
    Some(steps)
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
    pub fn at_parent(&self, commit: &str) -> Option<AtParent<'_>> {
        let (p, lines, _) = self.at_parent.get(commit)?;
        Some((
            p.as_str(),
            lines
                .iter()
                .map(|&(l, o, ol)| (l, self.commits[o as usize].as_str(), ol))
                .collect(),
        ))
    }
}

impl OnePass {
    /// The zero-context hunks of `commit` against `parent` as git diffed
    /// them for the pass (the diff `git blame` makes), or `None` when
    /// `commit` did not change the file in the chain or has another
    /// parent there (a merge).
    pub fn hunks(&self, commit: &str, parent: &str) -> Option<&[Hunk]> {
        let (p, _, hunks) = self.at_parent.get(commit)?;
        (p == parent).then_some(hunks.as_slice())
    }
}

/// Attributed parent lines keyed by (parent, path), as the classifier's
/// parent blames produce them.
pub type ParentLines = HashMap<(String, String), Vec<AttributedLine>>;

#[cfg(test)]
mod tests {
    use super::*;

    const fn h(old_start: u32, old_lines: u32, new_start: u32, new_lines: u32) -> Hunk {
        Hunk::new(old_start, old_lines, new_start, new_lines)
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
}
