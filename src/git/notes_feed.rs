//! git-ai notes of a scan's commits, read through one `git cat-file
//! --batch` and summarised on a reader thread as they arrive.
//!
//! Note blobs are large (hundreds of kB, 244 MB for 2,413 commits of
//! git-ai's own history) and packed as long delta chains; git rebuilds them
//! about twice as fast as libgit2 (whose delta-base cache is a fixed
//! 16 MB), so git reads them while aeef walks the commits and parses
//! provenance on the other core. Only the notes of commits the scan
//! reaches are asked for, in scan order; each blob is dropped as soon as it
//! is summarised, so memory stays at one note at a time. Without `git` on
//! PATH, workers read their notes themselves with libgit2.
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Condvar, Mutex};

use git2::Oid;

use super::Repo;

/// Commit → note blob, for every commit that has a note.
pub type NotesIndex = HashMap<Oid, Oid>;

struct Shared<S> {
    /// Commits whose blobs were asked for, in the order git answers.
    asked: VecDeque<Oid>,
    /// Summaries read and not yet taken.
    ready: HashMap<Oid, Option<S>>,
    /// The reader has stopped (end of output or an error).
    done: bool,
}

/// The feed: [`NoteFeed::ask`] from the thread that produces commits,
/// [`NoteFeed::take`] from the workers.
pub struct NoteFeed<S> {
    index: NotesIndex,
    pipe: Option<Pipe<S>>,
}

struct Pipe<S> {
    child: Child,
    stdin: Mutex<Option<BufWriter<ChildStdin>>>,
    shared: Arc<(Mutex<Shared<S>>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl<S: Send + 'static> NoteFeed<S> {
    /// Starts `git cat-file --batch` when the index is not empty and git is
    /// on PATH; `summarize` runs on the reader thread for each blob.
    pub fn start(repo: &Repo, index: NotesIndex, summarize: fn(&[u8]) -> Option<S>) -> Self {
        let pipe = (!index.is_empty() && repo.has_git())
            .then(|| Pipe::start(repo, summarize))
            .flatten();
        NoteFeed { index, pipe }
    }

    /// True when `commit` has a note.
    pub fn has_note(&self, commit: Oid) -> bool {
        self.index.contains_key(&commit)
    }

    /// Asks git for the notes of `commits` (in the order workers will take
    /// them is not required), and flushes so git can answer at once.
    pub fn ask(&self, commits: impl IntoIterator<Item = Oid>) {
        let Some(pipe) = &self.pipe else { return };
        let Ok(mut stdin) = pipe.stdin.lock() else {
            return;
        };
        let Some(w) = stdin.as_mut() else { return };
        let mut ok = true;
        for c in commits {
            let Some(blob) = self.index.get(&c) else {
                continue;
            };
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

    /// The summary of `commit`'s note, waiting for git where needed; `read`
    /// reads a blob directly (libgit2) when git is not running.
    pub fn take(&self, commit: Oid, read: impl FnOnce(Oid) -> Option<S>) -> Option<S> {
        let blob = *self.index.get(&commit)?;
        let Some(pipe) = &self.pipe else {
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
        let line = String::from_utf8_lossy(&header);
        let mut parts = line.split_whitespace();
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        let summary = match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some("blob"), Some(size)) => {
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
                summarize(&blob)
            }
            _ => None,
        };
        let (lock, cv) = shared;
        let Ok(mut s) = lock.lock() else { return };
        let Some(commit) = s.asked.pop_front() else {
            return;
        };
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
