//! git-ai notes of a scan's commits: blobs in the packs read and
//! summarised in this process by the thread that classifies each commit;
//! others (git-ai writes notes loose until `git gc`) read through `git
//! cat-file --batch` (two on a long scan, [`PIPES`]) and summarised on a
//! reader thread per process as they arrive.
//!
//! Note blobs are large (hundreds of kB, 244 MB for 2,413 commits of
//! git-ai's own history) and packed as long delta chains. libgit2 rebuilds
//! them about half as fast as git (its delta-base cache is a fixed 16 MB);
//! aeef's pack reader (`super::packs`) rebuilds each with the bases of the
//! last few kept per thread, and notes are read in scan order, so the next
//! note's chain mostly starts from a kept base. On git-ai's history that
//! halves a full scan against two `git cat-file` processes, and a range
//! starts no process at all. Only the notes of commits the scan reaches
//! are read; each blob is dropped as soon as it is summarised, so memory
//! stays at one note (and the kept bases) per thread. Without `git` on
//! PATH, loose notes are read with libgit2.
//!
//! Which commits have a note is looked up commit by commit in the notes
//! tree ([`NotesTree`]), so a range of 200 commits reads the root tree and
//! the fan-out subtrees its commits fall in, not the whole index of a
//! notes ref with 10,000 notes; `git cat-file` starts at the first loose
//! note found, so a range without one starts no process.
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use git2::{ObjectType, Oid, Tree};

use super::packs;

use super::Repo;

/// Commit → note blob lookups in the tree of [`super::NOTES_REF`], read
/// lazily: one tree per fan-out level a looked-up commit falls in, each
/// read once.
///
/// Notes trees name each note by its commit's 40 hex digits, either flat
/// (`<40 hex>`) or split into fan-out directories (`ab/<38 hex>`,
/// `ab/cd/<36 hex>`; git fans out once a tree holds more than about 256
/// notes, `notes.c`'s `determine_fanout`). A path whose components,
/// joined, are the commit's hex is its note, whatever the split, as in
/// libgit2's notes iterator (`Repo::notes_index`), so both give the same
/// answers.
pub struct NotesTree<'r> {
    repo: &'r Repo,
    /// Trees read so far, by id (two splits of one prefix, `ab/cd/` and
    /// `abcd/`, are different trees).
    levels: HashMap<Oid, Level<'r>>,
    /// The notes ref's tree, if it has a readable one; `None` until looked at.
    root: Option<Option<Oid>>,
    /// A tree of the notes (the root or a fan-out subtree) that could not
    /// be read during the current lookup.
    failed: Option<Oid>,
    /// The first lookup that met an unreadable tree: (commit, tree).
    broken: Option<(Oid, Oid)>,
    /// The unreadable tree the latest lookup met, if it found no note.
    last_failed: Option<Oid>,
    /// The pack reader's decompressor and kept bases, for every tree of
    /// the lookup (fan-out trees are deltas on one another).
    z: packs::Reader,
}

struct Level<'r> {
    tree: Entries<'r>,
    /// Subtrees whose names are not 2 hex digits (odd splits), checked when
    /// neither the note nor the 2-digit fan-out directory is there.
    odd: Vec<(String, Oid)>,
}

impl<'r> NotesTree<'r> {
    /// A lookup in `repo`'s git-ai notes; nothing is read yet.
    pub fn new(repo: &'r Repo) -> Self {
        NotesTree {
            repo,
            levels: HashMap::new(),
            root: None,
            failed: None,
            broken: None,
            last_failed: None,
            z: packs::Reader::default(),
        }
    }

    /// The repository the notes belong to.
    pub fn repo(&self) -> &'r Repo {
        self.repo
    }

    fn level(&mut self, id: Oid) -> bool {
        if self.levels.contains_key(&id) {
            return true;
        }
        // aeef's own reader first (no second reader of the pack opened in
        // libgit2 for the notes; git-ai writes its notes trees loose, and a
        // damaged loose one must not reach libgit2), libgit2 for anything
        // it leaves.
        let own = match self.repo.own_object(id, packs::OBJ_TREE, &mut self.z) {
            Ok(bytes) => bytes.and_then(packs::TreeEntries::parse),
            Err(_) => {
                self.failed.get_or_insert(id);
                return false;
            }
        };
        let tree = match own {
            Some(t) => Entries::Own(t),
            None => match self.repo.git2().find_tree(id) {
                Ok(t) => Entries::Libgit2(t),
                Err(_) => {
                    self.failed.get_or_insert(id);
                    return false;
                }
            },
        };
        let odd = tree.odd_subtrees();
        self.levels.insert(id, Level { tree, odd });
        true
    }

    /// The tree of the notes commit `r` names: the commit read by aeef
    /// itself when it can ([`Repo::own_object`]: git-ai writes it loose,
    /// and a damaged loose one must not reach libgit2), else by libgit2;
    /// `None` when it cannot be read.
    fn notes_commit_tree(&mut self, r: &git2::Reference) -> Option<Oid> {
        if let Some(commit) = r.resolve().ok().and_then(|t| t.target()) {
            match self.repo.own_object(commit, packs::OBJ_COMMIT, &mut self.z) {
                Ok(Some(data)) if let Some(tree) = super::commits::tree_id(&data) => {
                    return Some(tree);
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        r.peel_to_tree().ok().map(|t| t.id())
    }

    /// True when the notes ref exists and its tree can be read.
    pub fn exists(&mut self) -> bool {
        if let Some(r) = self.root {
            return r.is_some();
        }
        let root = match self.repo.git2().find_reference(super::NOTES_REF) {
            // No notes ref: no notes.
            Err(_) => None,
            Ok(r) => match self.notes_commit_tree(&r) {
                Some(t) => Some(t).filter(|&id| self.level(id)),
                None => {
                    // The ref names a commit or tree git cannot read.
                    self.failed
                        .get_or_insert(r.target().unwrap_or(Oid::ZERO_SHA1));
                    None
                }
            },
        };
        self.root = Some(root);
        root.is_some()
    }

    /// The first lookup that met a tree of the notes git cannot read (the
    /// notes commit's tree or a fan-out subtree): (the commit looked up,
    /// the unreadable object). Such a lookup answered "no note" where git
    /// itself fails (`git notes show`: "unable to read tree"), so the
    /// caller must not trust it.
    pub fn broken(&self) -> Option<(Oid, Oid)> {
        self.broken
    }

    /// The blob id of `commit`'s note, if it has one (see
    /// [`NotesTree::broken`] for lookups that met an unreadable tree).
    pub fn blob(&mut self, commit: Oid) -> Option<Oid> {
        let found = if self.exists() {
            let hex = commit.to_string();
            self.root
                .flatten()
                .and_then(|root| self.find(&hex, 0, root))
        } else {
            None
        };
        self.last_failed = None;
        if let Some(tree) = self.failed.take()
            && found.is_none()
        {
            self.broken.get_or_insert((commit, tree));
            self.last_failed = Some(tree);
        }
        found
    }

    /// The unreadable tree the latest [`NotesTree::blob`] met without
    /// finding a note: that answer ("no note") is a guess. Unlike
    /// [`NotesTree::broken`], about that lookup alone, so one lookup kept
    /// across commits blames no other commit for it.
    pub fn last_failed(&self) -> Option<Oid> {
        self.last_failed
    }

    /// The note of `hex` in tree `id`, whose names continue `hex[..at]`.
    fn find(&mut self, hex: &str, at: usize, id: Oid) -> Option<Oid> {
        let rest = &hex[at..];
        let level = self.levels.get(&id)?;
        // As git's notes.c: a note is a regular file entry (a symlink or a
        // gitlink named like a commit is no note).
        if let Some((mode, id)) = level.tree.get(rest)
            && matches!(mode, 0o100644 | 0o100755)
        {
            return Some(id);
        }
        let mut subs: Vec<(usize, Oid)> = Vec::new();
        if rest.len() > 2
            && let Some((mode, id)) = level.tree.get(&rest[..2])
            && mode == 0o040000
        {
            subs.push((2, id));
        }
        subs.extend(
            level
                .odd
                .iter()
                .filter(|(name, _)| name.len() < rest.len() && rest.starts_with(name.as_str()))
                .map(|(name, id)| (name.len(), *id)),
        );
        for (len, sub) in subs {
            if self.level(sub)
                && let Some(blob) = self.find(hex, at + len, sub)
            {
                return Some(blob);
            }
        }
        None
    }
}

/// A notes tree's entries, read by aeef itself or by libgit2.
enum Entries<'r> {
    Own(packs::TreeEntries),
    Libgit2(Tree<'r>),
}

impl Entries<'_> {
    /// The entry named `name`: its mode as libgit2 normalises it
    /// (`git_tree_entry_filemode`) and its id.
    fn get(&self, name: &str) -> Option<(u32, Oid)> {
        match self {
            Entries::Own(t) => t.get(name.as_bytes()),
            Entries::Libgit2(t) => t.get_name(name).map(|e| (e.filemode() as u32, e.id())),
        }
    }

    /// Subtrees whose names are hex but not two digits (odd splits).
    fn odd_subtrees(&self) -> Vec<(String, Oid)> {
        let odd = |name: &str| name.len() != 2 && is_hex(name);
        match self {
            Entries::Own(t) => t
                .iter()
                .filter(|&(mode, _, _)| mode == 0o040000)
                .filter_map(|(_, name, id)| {
                    let name = std::str::from_utf8(name).ok()?;
                    odd(name).then(|| (name.to_string(), id))
                })
                .collect(),
            Entries::Libgit2(t) => t
                .iter()
                .filter(|e| e.kind() == Some(ObjectType::Tree))
                .filter_map(|e| {
                    let name = e.name().ok()?;
                    odd(name).then(|| (name.to_string(), e.id()))
                })
                .collect(),
        }
    }
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

struct Shared<S> {
    /// Commits whose blobs were asked for, in the order git answers.
    asked: VecDeque<Oid>,
    /// Summaries read and not yet taken.
    ready: HashMap<Oid, Option<S>>,
    /// The reader has stopped (end of output or an error).
    done: bool,
    /// The first asked note git could not give as a blob: (commit, what).
    bad: Option<(Oid, String)>,
}

/// Where the summary of an asked note comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// The blob is in the packs: the thread that takes the summary reads
    /// and summarises it.
    Packed,
    /// Asked of `git cat-file` process number `n` of [`NoteFeed::pipes`].
    Pipe(usize),
}

/// The feed: [`NoteFeed::ask`] from the thread that produces commits
/// (which owns the [`NotesTree`]), [`NoteFeed::take`] from the workers.
pub struct NoteFeed<'p, S> {
    /// Commit → (note blob, where its summary comes from), for the asked
    /// commits that have a note.
    found: Mutex<HashMap<Oid, (Oid, Source)>>,
    summarize: fn(&[u8]) -> Option<S>,
    /// The repository's packs, where most note blobs are (`None`: every
    /// blob is asked of git).
    packs: Option<&'p packs::Packs>,
    /// `git cat-file --batch` processes, each started at the first note
    /// asked of it (`None` inside when git is not on PATH or does not
    /// start).
    pipes: [OnceLock<Option<Pipe<S>>>; PIPES],
    /// Batches asked of git so far (which pipe the next one uses).
    asks: std::sync::atomic::AtomicUsize,
    /// The first note that could not be read in this process: a lookup
    /// that met an unreadable notes tree, a packed entry that is no blob,
    /// or a note libgit2 could not read either (commit, what).
    bad: Mutex<Option<(Oid, String)>>,
}

/// `git cat-file` processes a feed may run for notes outside the packs
/// (loose ones, which git-ai writes until `git gc`): reading them is most
/// of a scan of such a history, so two processes, each answering whole
/// batches in scan order, read them on both cores.
const PIPES: usize = 2;

/// Batches asked of the first pipe before the second starts: a range scan
/// of a few batches does not pay for a second process.
const ONE_PIPE_ASKS: usize = 4;

impl<'p, S: Send + 'static> NoteFeed<'p, S> {
    /// A feed that runs `summarize` on each blob: blobs in `packs` on the
    /// thread that takes them, others on the reader thread of a `git
    /// cat-file` process; nothing starts until a note is asked for.
    pub fn new(summarize: fn(&[u8]) -> Option<S>, packs: Option<&'p packs::Packs>) -> Self {
        NoteFeed {
            found: Mutex::new(HashMap::new()),
            summarize,
            packs,
            pipes: std::array::from_fn(|_| OnceLock::new()),
            asks: std::sync::atomic::AtomicUsize::new(0),
            bad: Mutex::new(None),
        }
    }

    /// Records the first note that could not be read in this process.
    fn set_bad(&self, commit: Oid, what: String) {
        if let Ok(mut bad) = self.bad.lock()
            && bad.is_none()
        {
            *bad = Some((commit, what));
        }
    }

    /// Looks up the notes of `commits` in `notes`; blobs outside the packs
    /// are asked of git (the order workers take them in does not matter),
    /// flushing so git can answer at once.
    pub fn ask(&self, notes: &mut NotesTree<'_>, commits: impl IntoIterator<Item = Oid>) {
        let noted: Vec<(Oid, Oid)> = commits
            .into_iter()
            .filter_map(|c| Some((c, notes.blob(c)?)))
            .collect();
        if let Some((commit, tree)) = notes.broken() {
            self.set_bad(
                commit,
                format!("the notes tree or commit {tree} that would hold it cannot be read (missing or damaged)"),
            );
        }
        // Only the index is read here: the blob itself is read by the
        // thread that takes its summary, in parallel on a long scan.
        let (packed, noted): (Vec<_>, Vec<_>) = noted
            .into_iter()
            .partition(|&(_, blob)| self.packs.is_some_and(|p| p.contains(blob)));
        if let Ok(mut found) = self.found.lock() {
            found.extend(packed.iter().map(|&(c, b)| (c, (b, Source::Packed))));
        }
        if noted.is_empty() {
            return;
        }
        let n = self.asks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let spread = PIPES.min(crate::provenance::scan::cores());
        let which = if n < ONE_PIPE_ASKS { 0 } else { n % spread };
        if let Ok(mut found) = self.found.lock() {
            found.extend(noted.iter().map(|&(c, b)| (c, (b, Source::Pipe(which)))));
        }
        let repo = notes.repo();
        let pipe = self.pipes[which].get_or_init(|| {
            repo.has_git()
                .then(|| Pipe::start(repo, self.summarize))
                .flatten()
        });
        let Some(pipe) = pipe else { return };
        let Ok(mut stdin) = pipe.stdin.lock() else {
            return;
        };
        let Some(w) = stdin.as_mut() else { return };
        let mut ok = true;
        for (c, blob) in noted {
            if let Ok(mut s) = pipe.shared.0.lock() {
                s.asked.push_back(c);
            }
            ok &= writeln!(w, "{blob}").is_ok();
        }
        if !(ok && w.flush().is_ok()) {
            // git is gone: the reader sees the end and wakes every waiter.
            *stdin = None;
        }
    }

    /// The first asked note git could not give as a blob (missing, or a
    /// tree or commit where a note blob belongs), as the error that ends a
    /// scan: its rows would say "no note" where a note exists.
    pub fn bad_note(&self) -> Option<crate::error::GitError> {
        if let Some((commit, what)) = self.bad.lock().ok()?.clone() {
            return Some(crate::error::GitError::BadNote {
                commit: commit.to_string(),
                what,
            });
        }
        self.pipes.iter().find_map(|p| {
            let pipe = p.get()?.as_ref()?;
            let s = pipe.shared.0.lock().ok()?;
            let (commit, what) = s.bad.clone()?;
            Some(crate::error::GitError::BadNote {
                commit: commit.to_string(),
                what,
            })
        })
    }

    /// The summary of `commit`'s note (`None` without one: only asked
    /// commits are known): a packed blob read here with `z` (the calling
    /// thread's pack reader, whose kept bases serve the next note's delta
    /// chain), others waited for from git; `read` reads a blob directly
    /// (libgit2) when git is not running or the pack reader leaves it, and
    /// says what is wrong with a note it cannot read (recorded for
    /// [`NoteFeed::bad_note`], which stops the scan).
    pub fn take(
        &self,
        commit: Oid,
        z: &mut packs::Reader,
        read: impl FnOnce(Oid) -> Result<Option<S>, String>,
    ) -> Option<S> {
        let read = |blob| match read(blob) {
            Ok(s) => s,
            Err(what) => {
                self.set_bad(commit, what);
                None
            }
        };
        let (blob, source) = *self.found.lock().ok()?.get(&commit)?;
        let which = match source {
            Source::Pipe(which) => which,
            Source::Packed => {
                return match self.packs.and_then(|p| p.any(blob, z)) {
                    Some((packs::OBJ_BLOB, bytes)) => (self.summarize)(&bytes),
                    // As `git cat-file --batch` answers for such an entry.
                    Some((kind, _)) => {
                        self.set_bad(
                            commit,
                            format!(
                                "its entry {blob} is a {}, not a blob",
                                packs::type_name(kind)
                            ),
                        );
                        None
                    }
                    None => read(blob),
                };
            }
        };
        let Some(Some(pipe)) = self.pipes[which].get() else {
            return read(blob);
        };
        let (lock, cv) = &*pipe.shared;
        let mut s = lock.lock().ok()?;
        loop {
            if let Some(v) = s.ready.remove(&commit) {
                return v;
            }
            if s.done {
                drop(s);
                return read(blob);
            }
            s = cv.wait(s).ok()?;
        }
    }
}

struct Pipe<S> {
    child: Child,
    stdin: Mutex<Option<BufWriter<ChildStdin>>>,
    shared: Arc<(Mutex<Shared<S>>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl<S: Send + 'static> Pipe<S> {
    fn start(repo: &Repo, summarize: fn(&[u8]) -> Option<S>) -> Option<Pipe<S>> {
        let mut child = repo
            .git()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child
            .stdin
            .take()
            .map(|s| BufWriter::with_capacity(1 << 14, s));
        let stdout = child.stdout.take()?;
        let shared = Arc::new((
            Mutex::new(Shared {
                asked: VecDeque::new(),
                ready: HashMap::new(),
                done: false,
                bad: None,
            }),
            Condvar::new(),
        ));
        let theirs = Arc::clone(&shared);
        let reader = std::thread::spawn(move || {
            read_answers(
                BufReader::with_capacity(1 << 16, stdout),
                &theirs,
                summarize,
            );
            let (lock, cv) = &*theirs;
            if let Ok(mut s) = lock.lock() {
                s.done = true;
            }
            cv.notify_all();
        });
        Some(Pipe {
            child,
            stdin: Mutex::new(stdin),
            shared,
            reader: Some(reader),
        })
    }
}

/// Reads `<id> blob <size>\n<bytes>\n` (or `<id> missing\n`) answers in
/// order and files each summary under the commit that asked for it.
fn read_answers<S>(
    mut out: impl BufRead,
    shared: &(Mutex<Shared<S>>, Condvar),
    summarize: fn(&[u8]) -> Option<S>,
) {
    let mut header = Vec::new();
    let mut blob = Vec::new();
    loop {
        header.clear();
        match out.read_until(b'\n', &mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&header).into_owned();
        let mut parts = line.split_whitespace();
        let (id, kind, size) = (parts.next(), parts.next(), parts.next());
        // Every answer with a size carries that many bytes and a newline,
        // whatever its type: reading them all keeps the answers in step.
        let mut bad = None;
        let summary = match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some(kind), Some(size)) => {
                blob.clear();
                blob.reserve(size);
                if (&mut out).take(size as u64).read_to_end(&mut blob).is_err()
                    || blob.len() != size
                {
                    return;
                }
                let mut nl = [0u8; 1];
                if out.read_exact(&mut nl).is_err() {
                    return;
                }
                if kind == "blob" {
                    summarize(&blob)
                } else {
                    bad = Some(format!(
                        "its entry {} is a {kind}, not a blob",
                        id.unwrap_or_default()
                    ));
                    None
                }
            }
            _ => {
                bad = Some(format!("its object {} is missing", id.unwrap_or_default()));
                None
            }
        };
        let (lock, cv) = shared;
        let Ok(mut s) = lock.lock() else { return };
        let Some(commit) = s.asked.pop_front() else {
            return;
        };
        if let Some(what) = bad
            && s.bad.is_none()
        {
            s.bad = Some((commit, what));
        }
        s.ready.insert(commit, summary);
        drop(s);
        cv.notify_all();
    }
}

impl<S> Drop for Pipe<S> {
    fn drop(&mut self) {
        if let Ok(mut stdin) = self.stdin.lock() {
            *stdin = None;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}
