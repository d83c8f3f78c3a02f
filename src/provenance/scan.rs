//! Provenance of many commits at once, on several threads. Pure: takes
//! batches of commits and note texts, returns each commit with its
//! [`Provenance`] in input order. The batches may come straight from a
//! running `git log`, so parsing overlaps git's own work.
use std::collections::HashMap;
use std::sync::{Mutex, mpsc};

use super::{AgentTable, Note, Provenance, of_commit};
use crate::git::RawCommit;

/// Reads the provenance of every commit, keeping input order. `notes` maps a
/// commit id to its git-ai note text.
pub fn scan<I>(
    batches: I,
    notes: &HashMap<String, String>,
    table: &AgentTable,
) -> Vec<(RawCommit, Provenance)>
where
    I: IntoIterator<Item = Vec<RawCommit>>,
{
    let one = |c: RawCommit| {
        let note = notes.get(&c.sha).and_then(|t| Note::parse(t).ok());
        let p = of_commit(table, &c.identity(), &c.message, note.as_ref()).1;
        (c, p)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let (work_tx, work_rx) = mpsc::channel::<(usize, Vec<RawCommit>)>();
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<(RawCommit, Provenance)>)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let one = &one;
            s.spawn(move || {
                loop {
                    // Take the lock only to receive, never while working.
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((i, batch))) = next else { break };
                    if done_tx
                        .send((i, batch.into_iter().map(one).collect()))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        for (i, batch) in batches.into_iter().enumerate() {
            if work_tx.send((i, batch)).is_err() {
                break;
            }
        }
        drop(work_tx);
        let mut parts: Vec<(usize, Vec<(RawCommit, Provenance)>)> = done_rx.iter().collect();
        parts.sort_unstable_by_key(|(i, _)| *i);
        parts.into_iter().flat_map(|(_, v)| v).collect()
    })
}
