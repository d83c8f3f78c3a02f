//! Provenance of many commits at once, on several threads. Pure: takes
//! batches of commits (with their git-ai note summaries), hands each commit
//! with its [`Provenance`] to a sink in input order. The batches may come
//! straight from a running walk and the sink may write output as it goes,
//! so reading, parsing and printing all overlap.
use std::collections::BTreeMap;
use std::sync::{Mutex, mpsc};

use super::{AgentTable, NoteSummary, Provenance, of_commit_summary};
use crate::git::RawCommit;

/// One batch of results, in input order.
pub type Rows = Vec<(RawCommit, Provenance)>;

/// Reads the provenance of every commit (each with its git-ai note
/// summary, if it has a note) and returns them in input order.
pub fn scan<I>(batches: I, table: &AgentTable) -> Rows
where
    I: IntoIterator<Item = Vec<(RawCommit, Option<NoteSummary>)>>,
{
    let mut all = Vec::new();
    scan_with(
        workers,
        batches,
        || (),
        |_, c| Some(c),
        table,
        |rows| {
            all.extend(rows);
            true
        },
    );
    all
}

/// Cores this process may use (at most 8), asked once per process: std
/// reads the cgroup's CPU quota files each time.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    })
}

/// Worker threads for [`scan_with`]: one per core, none on one core
/// (everything then runs on the calling thread).
pub fn workers() -> usize {
    match cores() {
        0 | 1 => 0,
        n => n,
    }
}

/// Batches read on the calling thread before any worker starts: a range
/// this small (1,024 commits with 256 per batch) is read in a few
/// milliseconds, less than starting threads costs on a small machine,
/// where a new thread often waits a scheduler tick (4 ms) for a core
/// (measured on the 2-core machine of the README's figures).
const INLINE_BATCHES: usize = 4;

/// The general form: batches of any item, turned into commits (with their
/// note summaries) on `threads()` worker threads by `load` (with per-thread
/// state from `init`, e.g. an object database handle), so reading objects
/// and notes is parallel too; the first [`INLINE_BATCHES`] (all of a small
/// range), and everything when `threads()` is 0, on the calling thread
/// ([`workers`] gives 0 on one core). An item `load` returns `None` for is
/// skipped; the caller records why. `threads` is asked only once a range
/// outgrows the inline batches (std reads cgroup files to answer
/// [`cores`]).
pub fn scan_with<T, S, I, N, L, F>(
    threads: impl FnOnce() -> usize,
    batches: I,
    init: N,
    load: L,
    table: &AgentTable,
    mut sink: F,
) where
    T: Send,
    I: IntoIterator<Item = Vec<T>>,
    N: Fn() -> S + Sync,
    L: Fn(&mut S, T) -> Option<(RawCommit, Option<NoteSummary>)> + Sync,
    F: FnMut(Rows) -> bool + Send,
{
    let one = |(c, note): (RawCommit, Option<NoteSummary>)| {
        let p = of_commit_summary(table, &c.identity(), &c.message, note.as_ref()).1;
        (c, p)
    };
    // The first batches (all of a small range: a pull request, a gate's
    // change) are read on this thread ([`INLINE_BATCHES`]), and all of
    // them with one thread.
    let mut batches = batches.into_iter();
    let mut state = None;
    let mut here = 0;
    let mut threads = Some(threads);
    let mut workers = 0;
    while here < INLINE_BATCHES || {
        if let Some(ask) = threads.take() {
            workers = ask();
        }
        workers == 0
    } {
        let Some(batch) = batches.next() else { return };
        let state = state.get_or_insert_with(&init);
        let rows = rows_of(batch, |t| load(state, t).map(one));
        if !sink(rows) {
            return;
        }
        here += 1;
    }
    drop(state);
    let (work_tx, work_rx) = mpsc::channel::<(usize, Vec<T>)>();
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Rows)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let (one, init, load) = (&one, &init, &load);
            s.spawn(move || {
                let mut state = init();
                loop {
                    // Take the lock only to receive, never while working.
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((i, batch))) = next else { break };
                    let rows = rows_of(batch, |t| load(&mut state, t).map(one));
                    if done_tx.send((i, rows)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // The sink runs on its own thread, in order, while git is still writing.
        let sink = &mut sink;
        s.spawn(move || {
            let mut pending = BTreeMap::new();
            let mut next = 0;
            let mut open = true;
            for (i, rows) in done_rx.iter() {
                pending.insert(i, rows);
                while let Some(rows) = pending.remove(&next) {
                    next += 1;
                    if open {
                        open = sink(rows);
                    }
                }
            }
        });
        for (i, batch) in batches.enumerate() {
            if work_tx.send((i, batch)).is_err() {
                break;
            }
        }
        drop(work_tx);
    });
}

/// A batch's rows, in its order, without the items `row` skips. The rows
/// (over 500 bytes each) go into a vector sized once for the whole batch:
/// `collect` on a `filter_map` grows it by doubling, copying every row
/// moved so far each time (with the JSON buffer sized the same way, 50 µs
/// of a 200-commit range scan).
fn rows_of<T>(batch: Vec<T>, mut row: impl FnMut(T) -> Option<(RawCommit, Provenance)>) -> Rows {
    let mut rows = Vec::with_capacity(batch.len());
    rows.extend(batch.into_iter().filter_map(&mut row));
    rows
}
