//! Provenance of many commits at once, on several threads. Pure: takes
//! commits and note texts, returns one [`Provenance`] per commit in order.
use std::collections::HashMap;

use super::{AgentTable, Note, Provenance, of_commit};
use crate::git::RawCommit;

/// Commits per work unit: large enough to amortise thread hand-off.
const CHUNK: usize = 512;

/// Reads the provenance of every commit, in input order. `notes` maps a
/// commit id to its git-ai note text.
pub fn scan(
    commits: &[RawCommit],
    notes: &HashMap<String, String>,
    table: &AgentTable,
) -> Vec<Provenance> {
    let one = |c: &RawCommit| {
        let note = notes.get(&c.sha).and_then(|t| Note::parse(t).ok());
        of_commit(table, &c.identity(), &c.message, note.as_ref()).1
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads == 1 || commits.len() < 2 * CHUNK {
        return commits.iter().map(one).collect();
    }
    let chunks: Vec<&[RawCommit]> = commits.chunks(CHUNK).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Vec<Provenance>>> = vec![None; chunks.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(chunk) = chunks.get(i) else { break };
                        done.push((i, chunk.iter().map(one).collect::<Vec<_>>()));
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            // A worker only panics on a bug; surface it rather than lose rows.
            for (i, v) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                results[i] = Some(v);
            }
        }
    });
    results.into_iter().flatten().flatten().collect()
}
