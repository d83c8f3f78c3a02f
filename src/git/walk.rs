//! `git rev-list`'s own walk, in-process, for the revision specs scans use
//! most (`HEAD`, `A..B`, `^A B`, `--all`, `--first-parent`, `--no-merges`,
//! `-n`, exact `--since`/`--until`): each commit object is read once, here
//! (only its parents and committer date are parsed), and its bytes handed
//! to the worker threads, instead of git walking the history and libgit2
//! reading every commit a second time. On a repository without a commit-graph (most
//! clones) that halves the work of `aeef scan`.
//!
//! The order is git's, rule for rule (`revision.c`: `prepare_revision_walk`,
//! `limit_list`, `process_parents`, `mark_parents_uninteresting`,
//! `still_interesting`): tips sorted by committer date (stable), then
//! commits popped newest first from a date-ordered queue where equal dates
//! keep insertion order; with an excluded revision the walk runs to the end
//! of git's five-commit "slop" first and shows what stayed interesting.
//! Tests hold it to `git rev-list` on built and real histories.
//!
//! Anything else (`A...B`, `--since`, `--grep`, replace refs, grafts) goes to
//! `git rev-list` itself (see [`super::commits::RevList`]).
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use git2::Oid;

use super::Repo;
use super::commits::{CommitObject, walk_fields};
use super::packs::{OBJ_COMMIT, Reader};
use crate::error::GitError;

const SEEN: u8 = 1;
const UNINTERESTING: u8 = 2;
/// git's `SLOP`: commits walked past the point where everything left is
/// excluded, to catch clock skew.
const SLOP: u32 = 5;

/// Whether `reference` ends, through annotated tags, at an object that
/// exists and is a tree or a blob (its type read from the object's
/// header, so a commit that does not parse is still known as a commit).
fn names_other_than_commit(r: &git2::Repository, reference: &git2::Reference<'_>) -> bool {
    let Some(mut oid) = reference.resolve().ok().and_then(|t| t.target()) else {
        return false;
    };
    let Ok(odb) = r.odb() else { return false };
    for _ in 0..64 {
        match odb.read_header(oid) {
            Ok((_, git2::ObjectType::Tag)) => match r.find_tag(oid) {
                Ok(tag) => oid = tag.target_id(),
                Err(_) => return false,
            },
            Ok((_, git2::ObjectType::Tree | git2::ObjectType::Blob)) => return true,
            _ => return false,
        }
    }
    false
}

/// A revision spec the in-process walk can answer exactly as git does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleSpec {
    /// Revisions in command-line order, `true` when excluded (`^A`, the `A`
    /// of `A..B`, anything after `--not`). `None` stands for `--all`: every
    /// ref except `refs/notes/*` (sorted by name), then `HEAD`.
    pub revs: Vec<(Option<String>, bool)>,
    pub first_parent: bool,
    pub no_merges: bool,
    pub max_count: Option<u64>,
    /// `--since`/`--after` (git's `max_age`), when given as an RFC 3339
    /// time: older commits are excluded, and so are their ancestors.
    pub since: Option<i64>,
    /// `--until`/`--before` (git's `min_age`): newer commits are not shown.
    pub until: Option<i64>,
}

impl SimpleSpec {
    /// Reads the arguments [`super::commits::revspec_args`] produced; `None`
    /// when one of them needs `git rev-list` itself.
    pub fn parse(args: &[String]) -> Option<SimpleSpec> {
        let mut s = SimpleSpec::default();
        let mut not = false;
        for a in args {
            match a.as_str() {
                "--all" => s.revs.push((None, not)),
                "--exclude=refs/notes/*" => {}
                "--not" => not = !not,
                "--first-parent" => s.first_parent = true,
                "--no-merges" => s.no_merges = true,
                _ if a.starts_with("--max-count=") => {
                    s.max_count = Some(a["--max-count=".len()..].parse().ok()?)
                }
                _ if a.starts_with("-n") && a.len() > 2 => s.max_count = Some(a[2..].parse().ok()?),
                // Only exact times: git reads a bare date with the current
                // time of day, which only git should decide.
                _ if a.starts_with("--since=") || a.starts_with("--after=") => {
                    s.since = Some(exact_time(a.split_once('=')?.1)?)
                }
                _ if a.starts_with("--until=") || a.starts_with("--before=") => {
                    s.until = Some(exact_time(a.split_once('=')?.1)?)
                }
                _ if a.starts_with('-') || a.contains("...") || a.is_empty() => return None,
                _ => {
                    if let Some((from, to)) = a.split_once("..") {
                        let name =
                            |x: &str| Some(if x.is_empty() { "HEAD" } else { x }.to_string());
                        s.revs.push((name(from), !not));
                        s.revs.push((name(to), not));
                    } else if let Some(r) = a.strip_prefix('^') {
                        s.revs.push((Some(r.to_string()), !not));
                    } else {
                        s.revs.push((Some(a.clone()), not));
                    }
                }
            }
        }
        Some(s)
    }
}

/// Seconds since the epoch of an RFC 3339 time (`2026-01-31T23:59:59Z`).
fn exact_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp())
}

/// True when git would see the same history libgit2 sees: no replace refs,
/// no grafts file (libgit2 reads neither; shallow boundaries it does read).
pub fn can_walk(repo: &Repo) -> bool {
    let common = repo.git2().commondir();
    !has_replace_refs(common)
        && !common.join("info/grafts").exists()
        && std::env::var_os("GIT_REPLACE_REF_BASE").is_none()
}

/// Whether `refs/replace/` may hold a ref, loose or packed, answered from
/// the files themselves: libgit2's ref iterator would parse all of
/// `packed-refs` first, a tenth of a short scan's time. Anything in the
/// folder (a subfolder too) and anything it cannot read count as a yes
/// (the walk is then left to `git rev-list`, which is right either way);
/// an empty folder is a no.
fn has_replace_refs(common: &std::path::Path) -> bool {
    let unreadable = |e: std::io::Error| e.kind() != std::io::ErrorKind::NotFound;
    let loose = match std::fs::read_dir(common.join("refs/replace")) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) => unreadable(e),
    };
    loose
        || match std::fs::read(common.join("packed-refs")) {
            // One `<id> refs/replace/<name>` line is enough.
            Ok(packed) => memchr::memmem::find(&packed, b" refs/replace/").is_some(),
            Err(e) => unreadable(e),
        }
}

struct Node<'r> {
    flags: u8,
    date: i64,
    /// Known once the commit is parsed (libgit2 applies shallow boundaries).
    parents: Option<Vec<Oid>>,
    /// The object's bytes until the commit is shown or dropped.
    data: Option<Vec<u8>>,
    _repo: std::marker::PhantomData<&'r ()>,
}

/// The walk: an iterator of batches of commits in `git rev-list` order.
pub struct Walk<'r> {
    repo: &'r git2::Repository,
    /// For the commits resolving the spec already read.
    owner: &'r Repo,
    /// libgit2's object reader, opened when a commit is not in the packs
    /// (loose objects, an alternate): opening it lists the pack directory
    /// again, a cost every range scan paid before its first commit.
    odb: std::cell::OnceCell<git2::Odb<'r>>,
    /// Commits whose parents this clone does not have (`.git/shallow`).
    shallow: std::collections::HashSet<Oid>,
    /// Every commit the walk has met. Keyed with foldhash's per-process
    /// random seed: as resistant to crafted ids as std's SipHash for this
    /// use, at a fraction of its cost per lookup.
    nodes: HashMap<Oid, Node<'r>, foldhash::fast::RandomState>,
    /// (committer date, insertion order reversed, id): a max-heap pops the
    /// newest date, and among equal dates the earliest inserted, which is
    /// git's `commit_list_insert_by_date`.
    queue: BinaryHeap<(i64, Reverse<u64>, Oid)>,
    seq: u64,
    limited: bool,
    /// The output of `limit_list` once run (limited walks only).
    limited_out: Option<std::vec::IntoIter<Oid>>,
    first_parent: bool,
    no_merges: bool,
    since: Option<i64>,
    until: Option<i64>,
    left: Option<u64>,
    /// Commits read so far (for progress).
    pub read: usize,
    /// The pack reader of [`Repo::own_object`], which reads commits a
    /// third faster than libgit2's reader.
    z: Reader,
}

impl<'r> Walk<'r> {
    /// Resolves the tips of `spec` and prepares the walk.
    pub fn start(repo: &'r Repo, spec: &SimpleSpec) -> Result<Walk<'r>, GitError> {
        let r = repo.git2();
        let mut w = Walk {
            repo: r,
            owner: repo,
            odb: std::cell::OnceCell::new(),
            shallow: repo
                .shallow_commits()
                .iter()
                .filter_map(|s| Oid::from_str(s).ok())
                .collect(),
            nodes: HashMap::default(),
            queue: BinaryHeap::new(),
            seq: 0,
            limited: false,
            limited_out: None,
            first_parent: spec.first_parent,
            no_merges: spec.no_merges,
            since: spec.since,
            until: spec.until,
            left: spec.max_count,
            read: 0,
            z: Reader::default(),
        };
        // Each commit is read once and handed on: libgit2's object cache
        // would only keep every commit of the history in memory (twice
        // git's peak on rust-lang/cargo). Restored when the walk ends.
        git2::opts::enable_caching(false);
        // Pending tips in git's order: as given, `--all` as its refs sorted
        // by name, then HEAD.
        let mut pending: Vec<(Oid, bool)> = Vec::new();
        for (name, excluded) in &spec.revs {
            let Some(name) = name else {
                let mut refs: Vec<(Vec<u8>, Oid)> = Vec::new();
                // A damaged loose object a ref names (or a tag on the way
                // to its commit) stops the walk before libgit2 peels it
                // (`Repo::check_peel`).
                let intact = |reference: &git2::Reference| -> Result<(), GitError> {
                    if let Some(oid) = reference.resolve().ok().and_then(|t| t.target()) {
                        repo.check_peel(oid)?;
                    }
                    Ok(())
                };
                for reference in r.references()?.flatten() {
                    let name = reference.name_bytes().to_vec();
                    if name.starts_with(b"refs/notes/") {
                        continue;
                    }
                    intact(&reference)?;
                    match reference.peel_to_commit() {
                        Ok(c) => refs.push((name, c.id())),
                        // `git rev-list --all` passes over a ref to a tree or
                        // blob, and stops (exit 128) at a commit it cannot
                        // parse or an object that is missing: a list
                        // without that ref's history would read as complete.
                        Err(e) if !names_other_than_commit(r, &reference) => return Err(e.into()),
                        Err(_) => {}
                    }
                }
                refs.sort();
                pending.extend(refs.into_iter().map(|(_, id)| (id, *excluded)));
                if let Ok(h) = r.head() {
                    intact(&h)?;
                }
                if let Ok(h) = r.head().and_then(|h| h.peel_to_commit()) {
                    pending.push((h.id(), *excluded));
                }
                continue;
            };
            // As `resolve::revision` checked it: an abbreviated id that is
            // also a tree's prefix names the commit (`git rev-parse
            // ID^{commit}`), where `git rev-list ID --` refuses it.
            let id = super::resolve::revision(repo, name)?;
            let oid = super::commits::oid_from_hex(id.as_bytes())
                .ok_or_else(|| GitError::UnknownRevision { rev: name.clone() })?;
            pending.push((oid, *excluded));
        }
        // Flags first (a commit named both ways is excluded), then the tips.
        for &(oid, excluded) in &pending {
            let n = w.node(oid);
            if excluded {
                n.flags |= UNINTERESTING;
            }
        }
        let mut tips: Vec<(i64, Oid)> = Vec::new();
        for &(oid, _) in &pending {
            w.parse(oid)?;
            if w.flags(oid) & UNINTERESTING != 0 {
                w.mark_parents_uninteresting(oid);
                w.limited = true;
            }
            let n = w.node(oid);
            if n.flags & SEEN == 0 {
                n.flags |= SEEN;
                tips.push((n.date, oid));
            }
        }
        // `commit_list_sort_by_date` is a stable merge sort, newest first.
        tips.sort_by_key(|&(d, _)| Reverse(d));
        for (_, oid) in tips {
            w.insert(oid);
        }
        Ok(w)
    }

    /// Commit `oid`'s bytes: read by aeef itself ([`Repo::own_object`]:
    /// the packs, else a loose file, a damaged one an error where libgit2
    /// could loop forever), anything else (an alternate) by libgit2.
    fn commit_bytes(&mut self, oid: Oid) -> Result<Vec<u8>, GitError> {
        if let Some(data) = self.owner.own_object(oid, OBJ_COMMIT, &mut self.z)? {
            return Ok(data);
        }
        let obj = self.odb()?.read(oid)?;
        if obj.kind() != git2::ObjectType::Commit {
            return Err(GitError::UnknownRevision {
                rev: oid.to_string(),
            });
        }
        Ok(obj.data().to_vec())
    }

    /// libgit2's object reader, opened on first use.
    fn odb(&self) -> Result<&git2::Odb<'r>, GitError> {
        if let Some(odb) = self.odb.get() {
            return Ok(odb);
        }
        let odb = self.repo.odb()?;
        Ok(self.odb.get_or_init(|| odb))
    }

    fn node(&mut self, oid: Oid) -> &mut Node<'r> {
        self.nodes.entry(oid).or_insert(Node {
            flags: 0,
            date: 0,
            parents: None,
            data: None,
            _repo: std::marker::PhantomData,
        })
    }

    fn flags(&self, oid: Oid) -> u8 {
        self.nodes.get(&oid).map_or(0, |n| n.flags)
    }

    /// `parse_commit`: reads the object once; its date and parents stay.
    fn parse(&mut self, oid: Oid) -> Result<(), GitError> {
        if self.nodes.get(&oid).is_some_and(|n| n.parents.is_some()) {
            return Ok(());
        }
        let data = match self.owner.take_read_commit(oid) {
            Some(data) => data,
            None => self.commit_bytes(oid)?,
        };
        self.read += 1;
        let (mut parents, date) = match walk_fields(&data) {
            Some(f) => f,
            None => {
                // Unusual bytes: libgit2 decides, as it did before.
                let c = self.repo.find_commit(oid)?;
                (c.parent_ids().collect(), c.committer().when().seconds())
            }
        };
        if self.shallow.contains(&oid) {
            parents.clear();
        }
        let keep = self.flags(oid) & UNINTERESTING == 0;
        let n = self.node(oid);
        n.date = date;
        n.parents = Some(parents);
        n.data = keep.then_some(data);
        Ok(())
    }

    fn insert(&mut self, oid: Oid) {
        let date = self.nodes.get(&oid).map_or(0, |n| n.date);
        self.queue.push((date, Reverse(self.seq), oid));
        self.seq += 1;
    }

    fn parents(&self, oid: Oid) -> Vec<Oid> {
        self.nodes
            .get(&oid)
            .and_then(|n| n.parents.clone())
            .unwrap_or_default()
    }

    /// `process_parents`: queues the parents of a popped commit.
    fn process_parents(&mut self, oid: Oid) -> Result<(), GitError> {
        let parents = self.parents(oid);
        if self.flags(oid) & UNINTERESTING != 0 {
            for p in parents {
                self.node(p).flags |= UNINTERESTING;
                // git parses excluded parents gently: a missing one is skipped.
                if self.parse(p).is_err() {
                    continue;
                }
                if let Some(n) = self.nodes.get_mut(&p) {
                    n.data = None;
                }
                self.mark_parents_uninteresting(p);
                if self.flags(p) & SEEN != 0 {
                    continue;
                }
                self.node(p).flags |= SEEN;
                self.insert(p);
            }
            return Ok(());
        }
        for p in parents {
            self.parse(p)?;
            if self.flags(p) & SEEN == 0 {
                self.node(p).flags |= SEEN;
                self.insert(p);
            }
            if self.first_parent {
                break;
            }
        }
        Ok(())
    }

    /// `mark_parents_uninteresting`: excludes every known ancestor.
    fn mark_parents_uninteresting(&mut self, oid: Oid) {
        let mut stack = self.parents(oid);
        stack.reverse();
        while let Some(p) = stack.pop() {
            let n = self.node(p);
            if n.flags & UNINTERESTING != 0 {
                continue;
            }
            n.flags |= UNINTERESTING;
            n.data = None;
            if let Some(ps) = &n.parents {
                stack.extend(ps.iter().rev());
            }
        }
    }

    /// `everybody_uninteresting`, with git's one-commit cache.
    fn everybody_uninteresting(&self, cache: &mut Option<Oid>) -> bool {
        if let Some(c) = *cache
            && self.flags(c) & UNINTERESTING == 0
        {
            return false;
        }
        for &(_, _, oid) in self.queue.iter() {
            if self.flags(oid) & UNINTERESTING == 0 {
                *cache = Some(oid);
                return false;
            }
        }
        true
    }

    /// `limit_list`: walks until only excluded commits are left (plus slop).
    fn limit(&mut self) -> Result<Vec<Oid>, GitError> {
        let mut slop = SLOP;
        let mut date = i64::MAX;
        let mut cache: Option<Oid> = None;
        let mut out = Vec::new();
        while let Some((_, _, oid)) = self.queue.pop() {
            if cache == Some(oid) {
                cache = None;
            }
            let commit_date = self.nodes.get(&oid).map_or(0, |n| n.date);
            if self.since.is_some_and(|t| commit_date < t) {
                self.node(oid).flags |= UNINTERESTING;
            }
            self.process_parents(oid)?;
            if self.flags(oid) & UNINTERESTING != 0 {
                self.mark_parents_uninteresting(oid);
                // `still_interesting`.
                slop = match self.queue.peek() {
                    None => 0,
                    Some(&(d, _, _)) if date <= d => SLOP,
                    Some(_) if !self.everybody_uninteresting(&mut cache) => SLOP,
                    Some(_) => slop - 1,
                };
                if slop > 0 {
                    continue;
                }
                break;
            }
            if self.until.is_some_and(|t| commit_date > t) {
                continue;
            }
            date = commit_date;
            out.push(oid);
        }
        Ok(out)
    }

    /// The next commit git would show, if any.
    fn next_commit(&mut self) -> Result<Option<CommitObject>, GitError> {
        if self.left == Some(0) {
            return Ok(None);
        }
        if self.limited && self.limited_out.is_none() {
            let out = self.limit()?;
            self.limited_out = Some(out.into_iter());
        }
        loop {
            let oid = match self.limited_out.as_mut() {
                Some(it) => match it.next() {
                    Some(oid) => oid,
                    None => return Ok(None),
                },
                None => match self.queue.pop() {
                    Some((_, _, oid)) => {
                        // Unlimited, git skips a commit older than `--since`
                        // without walking on through it.
                        let date = self.nodes.get(&oid).map_or(0, |n| n.date);
                        let skip_old = self.since.is_some_and(|t| date < t);
                        if !skip_old {
                            self.process_parents(oid)?;
                        }
                        if skip_old || self.until.is_some_and(|t| date > t) {
                            if let Some(n) = self.nodes.get_mut(&oid) {
                                n.data = None;
                            }
                            continue;
                        }
                        oid
                    }
                    None => return Ok(None),
                },
            };
            let Some(n) = self.nodes.get_mut(&oid) else {
                continue;
            };
            let data = n.data.take();
            if n.flags & UNINTERESTING != 0 {
                continue;
            }
            if self.no_merges && n.parents.as_ref().is_some_and(|p| p.len() > 1) {
                continue;
            }
            let parents = n.parents.clone().unwrap_or_default();
            let data = match data {
                Some(d) => d,
                None => self.commit_bytes(oid)?,
            };
            let raw = CommitObject { oid, parents, data };
            if let Some(l) = self.left.as_mut() {
                *l -= 1;
            }
            return Ok(Some(raw));
        }
    }

    /// Up to `n` next commits; an error ends the walk and is returned.
    pub fn next_batch(&mut self, n: usize) -> Result<Vec<CommitObject>, GitError> {
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            match self.next_commit()? {
                Some(c) => v.push(c),
                None => break,
            }
        }
        Ok(v)
    }
}

impl Drop for Walk<'_> {
    fn drop(&mut self) {
        git2::opts::enable_caching(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(args: &[&str]) -> Option<SimpleSpec> {
        SimpleSpec::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn simple_specs_are_read_and_others_left_to_git() {
        let s = spec(&["main..topic"]).unwrap();
        let some = |x: &str, e: bool| (Some(x.to_string()), e);
        assert_eq!(s.revs, vec![some("main", true), some("topic", false)]);
        let s = spec(&["--not", "a", "^b", "c", "--not", "d"]).unwrap();
        assert_eq!(
            s.revs,
            vec![
                some("a", true),
                some("b", false),
                some("c", true),
                some("d", false)
            ]
        );
        assert_eq!(spec(&["..x"]).unwrap().revs[0], some("HEAD", true));
        assert_eq!(
            spec(&["--exclude=refs/notes/*", "--all"]).unwrap().revs,
            vec![(None, false)]
        );
        assert_eq!(spec(&["-n5", "HEAD"]).unwrap().max_count, Some(5));
        let s = spec(&[
            "--since=2026-01-01T00:00:00Z",
            "--until=2026-01-31T23:59:59Z",
            "HEAD",
        ])
        .unwrap();
        assert_eq!(
            (s.since, s.until),
            (Some(1_767_225_600), Some(1_769_903_999))
        );
        for other in [
            vec!["a...b"],
            vec!["--since=2020-01-01", "HEAD"],
            vec!["--since=yesterday", "HEAD"],
            vec!["--grep=x", "HEAD"],
            vec!["--exclude=refs/x", "HEAD"],
        ] {
            assert_eq!(spec(&other), None, "{other:?}");
        }
    }
}
