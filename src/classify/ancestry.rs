//! Which commits of a history can have AI-attributed lines anywhere in their
//! tree, so line blame asks `git blame` at a parent only where the answer
//! can be "AI".
//!
//! `git blame` at a commit `P` names, for every line, `P` or one of its
//! ancestors (with or without ignored revisions). A line is AI-attributed
//! only when that commit carries AI provenance or a line-level source
//! (DESIGN §2). So when no commit in `P`'s ancestry (itself included)
//! carries either, no line of any file at `P` is AI-attributed, and blaming
//! at `P` can be skipped: the answer is known to be "no AI lines".
//!
//! The index is read with one `git log --topo-order` over the history of the
//! blamed revision (git's own walk, about the cost of `git log` itself),
//! while `git blame` runs.
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::error::GitError;
use crate::git::{self, RawCommit, Repo};
use crate::provenance::{AgentTable, scan};

/// For each commit of a history: may a line of it be AI-attributed?
#[derive(Debug, Default)]
pub struct AiAncestry {
    index: HashMap<git2::Oid, u32>,
    /// `reach[i]`: commit `i` or one of its ancestors may carry AI lines.
    reach: Vec<bool>,
    /// Parents of the oldest commits that may carry AI lines (those with no
    /// such ancestor), at most [`MAX_BOUND`].
    bound: Vec<String>,
    /// The commits that may carry AI lines themselves.
    own: HashSet<git2::Oid>,
}

/// What parent blames may skip, from an [`AiAncestry`]: the revisions a
/// blame may stop at, and (when known) the only paths where AI-attributed
/// lines can live in the blamed history.
#[derive(Debug, Clone, Default)]
pub struct Shortcut {
    /// See [`AiAncestry::bound`].
    pub bound: Vec<String>,
    /// See [`AiAncestry::ai_paths`]; unknown = any path.
    pub paths: LatePaths,
}

impl Shortcut {
    /// False only when no line of `path` can be AI-attributed. The first
    /// call waits for [`LatePaths`] to be read; ask only when a blame of
    /// `path` is about to run.
    pub fn may_have_ai_path(&self, path: &str) -> bool {
        self.paths.get().is_none_or(|p| p.contains(path))
    }
}

/// [`AiAncestry::ai_paths`], read only when the first parent blame asks
/// (that caller waits; the others wait for it): read eagerly beside the
/// blame, that walk of the history took a core from the blame and the one
/// pass on every run that never asks (a whole-file blame whose parent
/// lines all come from the pass: 1.4 s of CPU on the synthetic history).
/// Clones share one read.
#[derive(Clone, Default)]
pub struct LatePaths(Option<std::sync::Arc<Late>>);

struct Late {
    cell: std::sync::OnceLock<Option<HashSet<String>>>,
    /// What the read needs, taken by the first [`LatePaths::get`].
    inputs: std::sync::Mutex<Option<PathsInputs>>,
}

/// The commits that may carry AI lines, the bound, the revision, and a
/// repository handle of the read's own.
type PathsInputs = (HashSet<git2::Oid>, Vec<String>, String, Repo);

impl std::fmt::Debug for LatePaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.0 {
            None => "any path",
            Some(l) if l.cell.get().is_some() => "read",
            Some(_) => "not read yet",
        };
        f.write_str(state)
    }
}

impl LatePaths {
    /// The paths AI lines of `rev`'s history can live in, to be read from
    /// `index` by the first [`LatePaths::get`]; a repository that cannot
    /// be reopened leaves every path possible, which only costs speed.
    /// Read only where [`AiAncestry::blame_bound`] is kept: with most of
    /// the history above the bound the walk reads nearly every commit and
    /// AI commits have touched most paths (git-ai: the whole-file blame of
    /// `src/daemon.rs` took 1.99 s with the paths, 1.82 s without).
    pub fn new(index: &AiAncestry, repo: &Repo, rev: &str) -> LatePaths {
        let Ok(r) = repo.reopen() else {
            return LatePaths::default();
        };
        let bound = index.blame_bound().to_vec();
        let inputs = (index.own.clone(), bound, rev.to_string(), r);
        LatePaths(Some(std::sync::Arc::new(Late {
            cell: std::sync::OnceLock::new(),
            inputs: std::sync::Mutex::new(Some(inputs)),
        })))
    }

    /// The paths, read the first time; `None` = any path (also when the
    /// read failed).
    pub fn get(&self) -> Option<&HashSet<String>> {
        let late = self.0.as_ref()?;
        late.cell
            .get_or_init(|| {
                let (own, bound, rev, repo) = late.inputs.lock().ok()?.take()?;
                ai_paths_of(&own, &bound, &repo, &rev).ok().flatten()
            })
            .as_ref()
    }
}

/// Most revisions [`AiAncestry::bound`] hands to `git blame` as `^REV`.
pub const MAX_BOUND: usize = 64;

impl AiAncestry {
    /// True when `oid` is in the indexed history (the commits reachable
    /// from the revision the index was read for, itself included).
    pub fn contains(&self, oid: git2::Oid) -> bool {
        self.index.contains_key(&oid)
    }

    /// False only when no commit in `sha`'s ancestry (itself included)
    /// carries AI provenance or a line-level source. Commits outside the
    /// indexed history answer true (nothing is known about them).
    pub fn may_have_ai_lines(&self, sha: &str) -> bool {
        let Ok(oid) = git2::Oid::from_str(sha) else {
            return true;
        };
        self.index.get(&oid).is_none_or(|&i| self.reach[i as usize])
    }

    /// [`AiAncestry::from_topo`] of commits in any order (a walk's date
    /// order may list a parent before its child when clocks are skewed):
    /// sorted first so that every child comes before its parents.
    pub fn from_any_order(commits: Vec<(git2::Oid, Vec<git2::Oid>, bool)>) -> AiAncestry {
        let at: HashMap<git2::Oid, usize> =
            commits.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
        // Children within the set not yet placed, per commit.
        let mut children = vec![0u32; commits.len()];
        for c in &commits {
            for p in &c.1 {
                if let Some(&j) = at.get(p) {
                    children[j] += 1;
                }
            }
        }
        // Kahn's order, taking ready commits in their walk order.
        let mut ready: std::collections::VecDeque<usize> =
            (0..commits.len()).filter(|&i| children[i] == 0).collect();
        let mut order = Vec::with_capacity(commits.len());
        while let Some(i) = ready.pop_front() {
            order.push(i);
            for p in &commits[i].1 {
                if let Some(&j) = at.get(p) {
                    children[j] -= 1;
                    if children[j] == 0 {
                        ready.push_back(j);
                    }
                }
            }
        }
        let mut slots: Vec<Option<_>> = commits.into_iter().map(Some).collect();
        let topo = order.into_iter().filter_map(|i| slots[i].take()).collect();
        AiAncestry::from_topo(topo)
    }

    /// Builds the index from commits in topological order (children before
    /// parents, as `git log --topo-order` prints them), each with its parents
    /// and whether it itself may carry AI lines.
    pub fn from_topo(commits: Vec<(git2::Oid, Vec<git2::Oid>, bool)>) -> AiAncestry {
        let index: HashMap<git2::Oid, u32> = commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.0, i as u32))
            .collect();
        let mut reach = vec![false; commits.len()];
        let mut bound = Vec::new();
        // Parents come after their children: walk backwards.
        for (i, (_, parents, own)) in commits.iter().enumerate().rev() {
            let inherited = parents.iter().any(|p| match index.get(p) {
                Some(&j) => reach[j as usize],
                // A parent outside the walk (a shallow edge): unknown.
                None => true,
            });
            reach[i] = *own || inherited;
            if *own && !inherited && bound.len() < MAX_BOUND {
                bound.extend(parents.iter().map(|p| p.to_string()));
            }
        }
        bound.truncate(MAX_BOUND);
        let own = commits.iter().filter(|c| c.2).map(|c| c.0).collect();
        AiAncestry {
            index,
            reach,
            bound,
            own,
        }
    }

    /// The paths where a line of any commit between the bound and `rev`
    /// can be AI-attributed: every path a commit that may carry AI lines
    /// touched, plus where renames later took those files (to a fixpoint,
    /// as blame follows whole-file renames). Read with one
    /// `git log -M --name-status rev ^bound…`. `None` (any path) when the
    /// history before the bound is not excluded or a merge may carry AI
    /// lines (its own changes are not listed by `git log`).
    pub fn ai_paths(&self, repo: &Repo, rev: &str) -> Result<Option<HashSet<String>>, GitError> {
        ai_paths_of(&self.own, &self.bound, repo, rev)
    }

    /// Revisions whose whole history carries no AI provenance: a `git
    /// blame` may stop at them (`^REV`), and a line it attributes to that
    /// boundary is known not to be AI-attributed. They are the parents of
    /// the oldest commits that may carry AI lines, so any subset is also
    /// right (only slower).
    pub fn bound(&self) -> &[String] {
        &self.bound
    }

    /// The bound worth handing to `git blame`: [`AiAncestry::bound`] when
    /// the commits above it (those whose history may carry AI lines) are
    /// at most half the indexed history, else none. A bounded blame first
    /// walks every commit between its revision and the bound (git's
    /// `limit_list` marks the excluded side before blaming a line), so a
    /// bound deep in the history costs more than it saves: on git-ai
    /// (93 % of 5,337 commits above it) bounded parent blames took 2.1× the
    /// time of unbounded ones; on rust-lang/cargo (4 % of 23,077) 0.23×.
    /// Unbounded blames give the same answers (lines older than the bound
    /// are attributed to commits that carry no AI lines).
    pub fn blame_bound(&self) -> &[String] {
        let above = self.reach.iter().filter(|&&r| r).count();
        if above * 2 <= self.reach.len() {
            &self.bound
        } else {
            &[]
        }
    }
}

/// A history read whose output becomes an [`AiAncestry`]: aeef's own walk
/// (`git::walk`, each commit read once, as `aeef scan` reads them) where it
/// applies, else a running `git log --topo-order`.
pub struct Pending {
    /// `None`: walk `rev` in-process in [`Pending::finish`].
    child: Option<Child>,
    rev: String,
    noted: HashSet<String>,
    table: AgentTable,
}

/// Starts reading the history of `rev` (40 hex). `None` when the index
/// cannot be exact, so every parent is blamed: no `git` on PATH, a shallow
/// clone (history beyond the edge is unknown), Agent Trace records in the
/// tree (line-level sources that name lines of any commit), or a notes
/// tree that cannot be read whole.
pub fn start(repo: &Repo, rev: &str, table: &AgentTable) -> Result<Option<Pending>, GitError> {
    if !repo.has_git() || !repo.shallow_commits().is_empty() {
        return Ok(None);
    }
    let tree = repo.git2().find_commit(git2::Oid::from_str(rev)?)?.tree()?;
    if tree.get_path(std::path::Path::new(".agent-trace")).is_ok() {
        return Ok(None);
    }
    // Unreadable notes: no index, so every parent is blamed and the note
    // reader itself reports the damage (`aeef::git::bad_note`).
    let Some(noted) = repo.noted_commits() else {
        return Ok(None);
    };
    let noted = noted.into_iter().map(|(sha, _)| sha).collect();
    if git::walk::can_walk(repo) {
        return Ok(Some(Pending {
            child: None,
            rev: rev.to_string(),
            noted,
            table: table.clone(),
        }));
    }
    let child = repo
        .git()
        .args([
            "log",
            "-z",
            "--topo-order",
            "--no-show-signature",
            "--format=%H %P%x00%an%x00%ae%x00%cn%x00%ce%x00%B",
            rev,
            "--",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    Ok(Some(Pending {
        child: Some(child),
        rev: rev.to_string(),
        noted,
        table: table.clone(),
    }))
}

/// Adds a scan's rows to the index input: each commit, its parents, and
/// whether it may carry AI lines itself (AI provenance, or a git-ai note).
fn index_rows(
    commits: &mut Vec<(git2::Oid, Vec<git2::Oid>, bool)>,
    noted: &HashSet<String>,
    rows: scan::Rows,
) {
    for (c, p) in rows {
        let own = p.is_ai() || noted.contains(&c.sha);
        let Ok(oid) = git2::Oid::from_str(&c.sha) else {
            continue;
        };
        let parents = c
            .parents
            .iter()
            .filter_map(|p| git2::Oid::from_str(p).ok())
            .collect();
        commits.push((oid, parents, own));
    }
}

impl Pending {
    /// Reads the history (provenance parsed on every core) and builds the
    /// index; `repo` is the walk's handle. Meant to run on its own thread
    /// while `git blame` runs.
    pub fn finish(self, repo: &Repo) -> Result<AiAncestry, GitError> {
        if self.child.is_some() {
            self.finish_git_log()
        } else {
            self.finish_walk(repo)
        }
    }

    /// The walk: commits in `git rev-list` order, the index built from a
    /// topological order of them ([`AiAncestry::from_any_order`]).
    fn finish_walk(self, repo: &Repo) -> Result<AiAncestry, GitError> {
        let spec =
            git::walk::SimpleSpec::parse(std::slice::from_ref(&self.rev)).ok_or_else(|| {
                GitError::Parse {
                    what: format!("{} is not a walkable revision", self.rev),
                }
            })?;
        let mut walk = git::walk::Walk::start(repo, &spec)?;
        let git_dir = repo.git2().path().to_path_buf();
        let mut error = None;
        let batches = std::iter::from_fn(|| match walk.next_batch(256) {
            Ok(v) => (!v.is_empty()).then_some(v),
            Err(e) => {
                error.get_or_insert(e);
                None
            }
        });
        let mut commits = Vec::new();
        let noted = &self.noted;
        scan::scan_with(
            scan::workers,
            batches,
            || git::commits::LazyRepo::new(&git_dir),
            |r, obj: git::commits::CommitObject| {
                // Unusual bytes are read by libgit2, as `aeef scan` does.
                match git::commits::from_object(&obj) {
                    Some(c) => Some((c, None)),
                    None => r
                        .get()
                        .and_then(|r| git::commits::read_git2(r, obj.oid))
                        .ok()
                        .map(|c| (c, None)),
                }
            },
            &self.table,
            |rows| {
                index_rows(&mut commits, noted, rows);
                true
            },
        );
        if let Some(e) = error {
            return Err(e);
        }
        Ok(AiAncestry::from_any_order(commits))
    }

    fn finish_git_log(mut self) -> Result<AiAncestry, GitError> {
        let Some(mut child) = self.child.take() else {
            return Err(GitError::Parse {
                what: "git log: not started".into(),
            });
        };
        let Some(out) = child.stdout.take() else {
            return Err(GitError::Parse {
                what: "git log: no output".into(),
            });
        };
        let mut reader = BufReader::with_capacity(1 << 16, out);
        let mut parse_error = None;
        let batches = std::iter::from_fn(|| {
            let mut batch = Vec::with_capacity(256);
            while batch.len() < 256 {
                match read_record(&mut reader) {
                    Ok(Some(c)) => batch.push(c),
                    Ok(None) => break,
                    Err(e) => {
                        parse_error.get_or_insert(e);
                        break;
                    }
                }
            }
            (!batch.is_empty()).then_some(batch)
        });
        let mut commits = Vec::new();
        let noted = &self.noted;
        let batches = batches.map(|b| b.into_iter().map(|c| (c, None)).collect::<Vec<_>>());
        scan::scan_with(
            scan::workers,
            batches,
            || (),
            |_, c| Some(c),
            &self.table,
            |rows| {
                index_rows(&mut commits, noted, rows);
                true
            },
        );
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(GitError::CommandFailed {
                command: "git log --topo-order".into(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        if let Some(e) = parse_error {
            return Err(e);
        }
        Ok(AiAncestry::from_topo(commits))
    }
}

/// One record of `git log -z --format=%H %P%x00%an%x00%ae%x00%cn%x00%ce%x00%B`:
/// six NUL-terminated fields.
fn read_record(r: &mut impl BufRead) -> Result<Option<RawCommit>, GitError> {
    let mut fields: Vec<String> = Vec::with_capacity(6);
    let mut buf = Vec::new();
    while fields.len() < 6 {
        buf.clear();
        let n = r.read_until(0, &mut buf)?;
        if n == 0 {
            if fields.is_empty() {
                return Ok(None);
            }
            // The last record's message may end without a NUL.
            if fields.len() == 5 {
                fields.push(String::new());
                break;
            }
            return Err(GitError::Parse {
                what: "git log: truncated record".into(),
            });
        }
        if buf.last() == Some(&0) {
            buf.pop();
        }
        fields.push(String::from_utf8_lossy(&buf).into_owned());
    }
    let mut head = fields[0].trim_start_matches('\n').split(' ');
    let sha = head.next().unwrap_or("").to_string();
    if sha.len() < 40 {
        return Err(GitError::Parse {
            what: format!("git log printed `{sha}` where a commit id belongs"),
        });
    }
    let parents = head.filter(|p| !p.is_empty()).map(str::to_string).collect();
    let mut f = fields.into_iter().skip(1);
    let mut next = || f.next().unwrap_or_default();
    Ok(Some(RawCommit {
        sha,
        parents,
        author_name: next(),
        author_email: next(),
        committer_name: next(),
        committer_email: next(),
        author_time: 0,
        message: next(),
    }))
}

/// [`AiAncestry::ai_paths`] from the commits that may carry AI lines and
/// the bound.
fn ai_paths_of(
    own: &HashSet<git2::Oid>,
    bound: &[String],
    repo: &Repo,
    rev: &str,
) -> Result<Option<HashSet<String>>, GitError> {
    if own.is_empty() {
        return Ok(Some(HashSet::new()));
    }
    if bound.is_empty() || bound.len() >= MAX_BOUND {
        return Ok(None);
    }
    let mut cmd = repo.git();
    cmd.args(["log", "-M", "--name-status", "--format=%x01%H %P", rev]);
    for b in bound {
        cmd.arg(format!("^{b}"));
    }
    cmd.arg("--");
    let out = repo.run(&mut cmd)?;
    let text = String::from_utf8_lossy(&out);
    let mut paths: HashSet<String> = HashSet::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for record in text.split('\u{1}').skip(1) {
        let mut lines = record.lines();
        let head = lines.next().unwrap_or("");
        let mut ids = head.split(' ');
        let sha = ids.next().and_then(|h| git2::Oid::from_str(h).ok());
        let merge = ids.filter(|p| !p.is_empty()).count() > 1;
        let by_ai = sha.is_some_and(|o| own.contains(&o));
        if by_ai && merge {
            return Ok(None);
        }
        for l in lines.filter(|l| !l.is_empty()) {
            let mut f = l.split('\t');
            let status = f.next().unwrap_or("");
            let names: Vec<String> = f.map(crate::git::diff_unquote).collect();
            if status.starts_with('R') && names.len() == 2 {
                renames.push((names[0].clone(), names[1].clone()));
            }
            if by_ai {
                paths.extend(names);
            }
        }
    }
    loop {
        let before = paths.len();
        for (from, to) in &renames {
            if paths.contains(from) {
                paths.insert(to.clone());
            }
        }
        if paths.len() == before {
            break;
        }
    }
    Ok(Some(paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> git2::Oid {
        git2::Oid::from_bytes(&[n; 20]).unwrap()
    }

    #[test]
    fn reach_follows_every_parent_of_merges() {
        // 5 merges 3 and 4; 4 has AI; 3 and its parent 1 do not.
        //   1 - 3 - 5
        //   2 - 4 /
        let topo = vec![
            (oid(5), vec![oid(3), oid(4)], false),
            (oid(4), vec![oid(2)], true),
            (oid(3), vec![oid(1)], false),
            (oid(2), vec![], false),
            (oid(1), vec![], false),
        ];
        let a = AiAncestry::from_topo(topo);
        let may = |n: u8| a.may_have_ai_lines(&oid(n).to_string());
        assert!(may(5) && may(4));
        assert!(!may(3) && !may(2) && !may(1));
        // Unknown commits are never pruned.
        assert!(may(9));
        // Blame may stop at 4's parent: nothing before it is AI.
        assert_eq!(a.bound(), &[oid(2).to_string()]);
    }

    /// A bound is handed to `git blame` only while at most half the
    /// history lies above it (issue 10: a deep bound made each parent
    /// blame walk nearly the whole history first).
    #[test]
    fn blame_bound_only_when_most_history_lies_below_it() {
        // 1 - 2 - 3 - 4, AI from 2 on: 3 of 4 commits above the bound.
        let deep = AiAncestry::from_topo(vec![
            (oid(4), vec![oid(3)], false),
            (oid(3), vec![oid(2)], false),
            (oid(2), vec![oid(1)], true),
            (oid(1), vec![], false),
        ]);
        assert_eq!(deep.bound(), &[oid(1).to_string()]);
        assert!(deep.blame_bound().is_empty());
        // AI only in 4: 1 of 4 above it.
        let shallow = AiAncestry::from_topo(vec![
            (oid(4), vec![oid(3)], true),
            (oid(3), vec![oid(2)], false),
            (oid(2), vec![oid(1)], false),
            (oid(1), vec![], false),
        ]);
        assert_eq!(shallow.blame_bound(), &[oid(3).to_string()]);
    }

    /// Guards the walk's index (issue 10): commits listed parent-first, as
    /// a date-ordered walk lists them under clock skew, give the same
    /// answers and bound as git's topological order.
    #[test]
    fn any_order_equals_topological_order() {
        let topo = vec![
            (oid(5), vec![oid(3), oid(4)], false),
            (oid(4), vec![oid(2)], true),
            (oid(3), vec![oid(1)], false),
            (oid(2), vec![], false),
            (oid(1), vec![], false),
        ];
        let mut skewed = topo.clone();
        skewed.reverse();
        skewed.swap(0, 3);
        let (a, b) = (
            AiAncestry::from_topo(topo),
            AiAncestry::from_any_order(skewed),
        );
        for n in 1..=5 {
            let sha = oid(n).to_string();
            assert_eq!(a.may_have_ai_lines(&sha), b.may_have_ai_lines(&sha), "{n}");
        }
        assert_eq!(a.bound(), b.bound());
    }

    #[test]
    fn records_parse_with_and_without_final_nul() {
        let text = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\0A\0a@x\0C\0c@x\0msg\n\nAI-Tool: x\n\0\ncccccccccccccccccccccccccccccccccccccccc \0A\0a@x\0C\0c@x\0root\n";
        let mut r = &text[..];
        let one = read_record(&mut r).unwrap().unwrap();
        assert_eq!(one.parents, vec!["b".repeat(40)]);
        assert_eq!(one.message, "msg\n\nAI-Tool: x\n");
        let two = read_record(&mut r).unwrap().unwrap();
        assert_eq!(two.sha, "c".repeat(40));
        assert!(two.parents.is_empty());
        assert_eq!(two.message, "root\n");
        assert!(read_record(&mut r).unwrap().is_none());
    }
}
