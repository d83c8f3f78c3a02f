//! A small on-disk cache of answers, under the repository's git directory:
//! `<git common dir>/aeef/cache/<kind>/<key>.json`.
//!
//! Keys are SHA-1 digests (git's object hash, via libgit2) of everything an
//! answer depends on: the caller passes its inputs (commit ids, paths,
//! ranges, options) and [`Cache::key`] adds this build of aeef. Commit ids
//! name immutable history, so a rebase or an amended commit simply misses;
//! a changed configuration, ignore list or notes ref changes the key.
//! Entries are written to a temporary file in the same directory and renamed
//! into place, so a reader never sees half an entry and two processes
//! writing the same entry at once both leave a whole one. Any failure to
//! read or write is a miss, never an error. `AEEF_NO_CACHE=1` turns it off;
//! deleting the directory clears it. Small answers a run produces by the
//! hundred (each commit's origin) go into one file per run, a table
//! ([`Cache::put_table`]).
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use super::Repo;

/// The cache of one repository.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache under `repo`'s common git directory, or `None` when
    /// `AEEF_NO_CACHE` is set.
    pub fn open(repo: &Repo) -> Option<Cache> {
        if std::env::var_os("AEEF_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0") {
            return None;
        }
        Some(Cache {
            dir: repo.common_dir().join("aeef").join("cache"),
        })
    }

    /// The directory entries live in.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// A key over `parts` (each length-prefixed, so no two part lists
    /// collide) and this build of aeef.
    pub fn key(parts: &[&[u8]]) -> String {
        let mut buf = Vec::new();
        for p in std::iter::once(build_id().as_bytes()).chain(parts.iter().copied()) {
            buf.extend_from_slice(&(p.len() as u64).to_le_bytes());
            buf.extend_from_slice(p);
        }
        git2::Oid::hash_object(git2::ObjectType::Blob, &buf)
            .map(|o| o.to_string())
            .unwrap_or_default()
    }

    fn path(&self, kind: &str, key: &str) -> PathBuf {
        self.dir.join(kind).join(format!("{key}.json"))
    }

    /// The entry `kind`/`key`, if present.
    pub fn get(&self, kind: &str, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(kind, key)).ok()
    }

    /// Stores `bytes` as `kind`/`key` atomically (temporary file, then
    /// rename). Failures are ignored: the cache is an optimisation.
    pub fn put(&self, kind: &str, key: &str, bytes: &[u8]) {
        let _ = write_whole(&self.path(kind, key), bytes, true);
    }

    /// Every entry of the table `kind`/`scope` (see [`Cache::put_table`]):
    /// the files of the scope merged, later files winning; empty when there
    /// are none or none can be read.
    pub fn table(&self, kind: &str, scope: &str) -> HashMap<String, String> {
        let mut all = HashMap::new();
        for (_, map) in self.table_files(kind, scope) {
            all.extend(map);
        }
        all
    }

    /// Adds `entries` to the table `kind`/`scope`: many small answers of
    /// one run (each commit's origin) in one file,
    /// `<kind>/<scope>/run-<pid>-<time>-<n>.json` (a JSON object), instead of a file
    /// each, since creating hundreds of files cost line blame a fifth of
    /// its time. Written like [`Cache::put`] (temporary file, rename). Past
    /// [`TABLE_FILES`] files the scope is merged into one and the merged
    /// files removed: a reader that lists a removed file only misses its
    /// entries, which are in the merged one. Failures are ignored.
    pub fn put_table(&self, kind: &str, scope: &str, entries: &HashMap<String, String>) {
        if entries.is_empty() {
            return;
        }
        let dir = self.dir.join(kind).join(scope);
        let write = |map: &HashMap<String, String>| -> std::io::Result<()> {
            // A name no other run takes.
            static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("run-{}-{nanos}-{n}.json", std::process::id());
            write_whole(&dir.join(name), &serde_json::to_vec(map)?, false)
        };
        let files = self.table_files(kind, scope);
        if files.len() < TABLE_FILES {
            let _ = write(entries);
            return;
        }
        let mut merged = HashMap::new();
        for (_, map) in &files {
            merged.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        merged.extend(entries.iter().map(|(k, v)| (k.clone(), v.clone())));
        if write(&merged).is_ok() {
            for (path, _) in files {
                let _ = std::fs::remove_file(path);
            }
            remove_stale_temporaries(&dir);
        }
    }

    /// The readable files of a table with their entries, oldest first.
    fn table_files(&self, kind: &str, scope: &str) -> Vec<(PathBuf, HashMap<String, String>)> {
        let Ok(dir) = std::fs::read_dir(self.dir.join(kind).join(scope)) else {
            return Vec::new();
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("run-") && n.ends_with(".json"))
            })
            .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|(_, p)| {
                let map = serde_json::from_slice(&std::fs::read(&p).ok()?).ok()?;
                Some((p, map))
            })
            .collect()
    }
}

/// Writes `bytes` to `path` whole: into a temporary file beside it, then
/// renamed into place (over an existing file only when `replace`), so a
/// reader never sees half of it. Errors: the directory or file cannot be
/// written.
fn write_whole(path: &std::path::Path, bytes: &[u8], replace: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    if replace {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Removes temporary files an hour old or more from `dir`: left by a run
/// killed between writing and renaming (a live writer renames within
/// milliseconds). Readers never read them.
fn remove_stale_temporaries(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for e in entries.filter_map(Result::ok) {
        let stale = e.file_name().to_string_lossy().starts_with(".tmp")
            && e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= hour);
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Files a table ([`Cache::put_table`]) may hold before a writer merges
/// them into one.
pub const TABLE_FILES: usize = 16;

/// This build of aeef: its version plus the executable's size and
/// modification time, so a rebuilt binary never reads a stale answer.
pub fn build_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| {
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{}:{t}", m.len())
            })
            .unwrap_or_default();
        format!("aeef {} {exe}", env!("CARGO_PKG_VERSION"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(Cache::key(&[b"ab", b"c"]), Cache::key(&[b"a", b"bc"]));
        assert_eq!(Cache::key(&[b"x"]), Cache::key(&[b"x"]));
        assert_eq!(Cache::key(&[b"x"]).len(), 40);
    }

    #[test]
    fn entries_round_trip_and_overwrite_whole() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache {
            dir: dir.path().join("cache"),
        };
        assert!(c.get("k", "abc").is_none());
        c.put("k", "abc", b"one");
        c.put("k", "abc", b"two");
        assert_eq!(c.get("k", "abc").as_deref(), Some(&b"two"[..]));
        // Only the entry is left: no temporary files.
        let n = std::fs::read_dir(dir.path().join("cache/k"))
            .unwrap()
            .count();
        assert_eq!(n, 1);
    }

    #[test]
    fn tables_merge_their_files_and_stay_few() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache {
            dir: dir.path().join("cache"),
        };
        assert!(c.table("t", "s").is_empty());
        for i in 0..(TABLE_FILES * 2) {
            let entries = HashMap::from([
                (format!("k{i}"), format!("v{i}")),
                ("shared".to_string(), format!("v{i}")),
            ]);
            c.put_table("t", "s", &entries);
        }
        let t = c.table("t", "s");
        assert_eq!(t.len(), TABLE_FILES * 2 + 1);
        assert_eq!(t["k0"], "v0");
        assert_eq!(
            t[&format!("k{}", TABLE_FILES * 2 - 1)],
            format!("v{}", TABLE_FILES * 2 - 1)
        );
        let names: Vec<String> = std::fs::read_dir(dir.path().join("cache/t/s"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.len() <= TABLE_FILES, "{names:?}");
        // Visible, whole files only: no temporary file is left or read.
        assert!(
            names
                .iter()
                .all(|n| n.starts_with("run-") && n.ends_with(".json")),
            "{names:?}"
        );
        std::fs::write(dir.path().join("cache/t/s/.tmpHALF"), b"{\"k0\": \"tr").unwrap();
        assert_eq!(c.table("t", "s")["k0"], "v0");
        // Another scope is another table.
        assert!(c.table("t", "other").is_empty());
    }

    #[test]
    fn merging_a_table_removes_only_stale_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache {
            dir: dir.path().join("cache"),
        };
        let one = HashMap::from([("k".to_string(), "v".to_string())]);
        c.put_table("t", "s", &one);
        let table = dir.path().join("cache/t/s");
        let old = table.join(".tmpOLD");
        let fresh = table.join(".tmpFRESH");
        std::fs::write(&old, b"{").unwrap();
        std::fs::write(&fresh, b"{").unwrap();
        let two_hours = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_hours)
            .unwrap();
        for _ in 0..TABLE_FILES {
            c.put_table("t", "s", &one);
        }
        assert!(!old.exists(), "a killed run's temporary file is cleaned up");
        assert!(
            fresh.exists(),
            "a live writer's temporary file is left alone"
        );
        assert_eq!(c.table("t", "s")["k"], "v");
    }
}
