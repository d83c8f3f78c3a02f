//! Provenance of many commits at once, on several threads. Pure: takes
//! batches of commits and note texts, hands each commit with its
//! [`Provenance`] to a sink in input order. The batches may come straight
//! from a running `git log` and the sink may write output as it goes, so
//! reading, parsing and printing all overlap git's own work.
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, mpsc};

use super::{AgentTable, Note, Provenance, of_commit};
use crate::git::RawCommit;

/// One batch of results, in input order.
pub type Rows = Vec<(RawCommit, Provenance)>;

/// Reads the provenance of every commit and returns them in input order.
/// `notes` maps a commit id to its git-ai note text.
pub fn scan<I>(batches: I, notes: &HashMap<String, String>, table: &AgentTable) -> Rows
where
    I: IntoIterator<Item = Vec<RawCommit>>,
{
    let mut all = Vec::new();
    scan_into(batches, notes, table, |rows| {
        all.extend(rows);
        true
    });
    all
}

/// Like [`scan`], but hands each batch to `sink` as soon as it and every
/// batch before it are done. `sink` returns false to stop early (a closed
/// pipe).
pub fn scan_into<I, F>(batches: I, notes: &HashMap<String, String>, table: &AgentTable, sink: F)
where
    I: IntoIterator<Item = Vec<RawCommit>>,
    F: FnMut(Rows) -> bool + Send,
{
    // One core is git's (it is writing the stream we read): leave it to it.
    let threads = cores().saturating_sub(1).max(1);
    scan_with(threads, batches, || (), |_, c| Some(c), notes, table, sink);
}

/// Cores this process may use (at most 8).
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

/// The general form: batches of any item, turned into commits on the worker
/// threads by `load` (with per-thread state from `init`, e.g. an object
/// database handle), so reading objects is parallel too. An item `load`
/// returns `None` for is skipped; the caller records why.
#[allow(clippy::too_many_arguments)]
pub fn scan_with<T, S, I, N, L, F>(
    threads: usize,
    batches: I,
    init: N,
    load: L,
    notes: &HashMap<String, String>,
    table: &AgentTable,
    mut sink: F,
) where
    T: Send,
    I: IntoIterator<Item = Vec<T>>,
    N: Fn() -> S + Sync,
    L: Fn(&mut S, T) -> Option<RawCommit> + Sync,
    F: FnMut(Rows) -> bool + Send,
{
    let one = |c: RawCommit| {
        let note = notes.get(&c.sha).and_then(|t| Note::parse(t).ok());
        let p = of_commit(table, &c.identity(), &c.message, note.as_ref()).1;
        (c, p)
    };
    let (work_tx, work_rx) = mpsc::channel::<(usize, Vec<T>)>();
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Rows)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let (one, init, load) = (&one, &init, &load);
            s.spawn(move || {
                let mut state = init();
                loop {
                    // Take the lock only to receive, never while working.
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((i, batch))) = next else { break };
                    let rows = batch
                        .into_iter()
                        .filter_map(|t| load(&mut state, t))
                        .map(one)
                        .collect();
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
        for (i, batch) in batches.into_iter().enumerate() {
            if work_tx.send((i, batch)).is_err() {
                break;
            }
        }
        drop(work_tx);
    });
}
