//! Small shared helpers: atomic file writes, line splitting.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Prefix and suffix of the temporary files [`write_atomic`] creates.
pub const TMP_PREFIX: &str = ".aeef-";
pub const TMP_SUFFIX: &str = ".tmp";

/// A temporary file older than this was left by a killed run: removed.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Writes `contents` to `path` through a temporary file and a rename, so a
/// reader never sees a half-written file. With `create_new` the rename
/// refuses to replace an existing file. The result keeps the permissions
/// of the file it replaces; a new file gets the usual 0644 (less the
/// umask), not the temporary file's 0600.
///
/// The temporary file lives in the repository's git directory
/// (`<git dir>/aeef/tmp/`, which `git status` never shows) when `path` is in
/// a work tree, so a run killed mid-write leaves nothing where the user
/// looks; beside `path` only when there is no repository or the git
/// directory is on another filesystem (a rename cannot cross it). Stale
/// temporary files of killed runs, in either place, are removed on the
/// next write.
pub fn write_atomic(path: &Path, contents: &[u8], create_new: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_temps(dir);
    if let Some(staging) = staging_dir(dir) {
        remove_stale_temps(&staging);
        match write_via(&staging, path, contents, create_new) {
            Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {}
            other => return other,
        }
    }
    write_via(dir, path, contents, create_new)
}

/// `<git dir>/aeef/tmp` of the repository whose work tree holds `dir`.
fn staging_dir(dir: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(dir).ok()?;
    // Only for paths of the work tree: never stage a write into the git
    // directory itself (bare repositories have no work tree to write to).
    let work = repo.workdir()?.canonicalize().ok()?;
    if !dir.canonicalize().ok()?.starts_with(&work) {
        return None;
    }
    let staging = repo.path().join("aeef").join("tmp");
    std::fs::create_dir_all(&staging).ok()?;
    Some(staging)
}

fn write_via(
    tmp_dir: &Path,
    path: &Path,
    contents: &[u8],
    create_new: bool,
) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(tmp_dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    match std::fs::metadata(path) {
        Ok(m) => tmp.as_file().set_permissions(m.permissions())?,
        Err(_) => set_default_permissions(tmp.as_file())?,
    }
    if create_new {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    } else {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Removes `.aeef-*.tmp` files in `dir` last modified more than
/// [`STALE_AFTER`] ago: a write in progress finishes within seconds, so an
/// older one belongs to a killed run. Errors are ignored (best effort).
pub fn remove_stale_temps(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)) {
            continue;
        }
        let Ok(m) = e.metadata() else { continue };
        let old = m
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if m.is_file() && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn set_default_permissions(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // A sibling created the ordinary way shows the umask's effect.
    let mode = 0o666 & !current_umask();
    f.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_default_permissions(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The process umask, read from /proc (no libc call needed); 022 when it
/// cannot be read.
#[cfg(unix)]
fn current_umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// `text.split('\n')`, piece for piece (a trailing `\n` gives a last
/// empty piece), with line ends found by the `memchr` crate's SIMD search:
/// `str::split` with a `char` pattern searches with core's word-at-a-time
/// `memchr`, which was a fifth of reading a git-ai note's attestations.
pub fn split_lf(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_files_are_not_owner_only_and_replaced_files_keep_their_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.yaml");
        write_atomic(&p, b"a", true).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !current_umask());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"b", false).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"b");
        assert!(
            write_atomic(&p, b"c", true).is_err(),
            "create_new never replaces"
        );
    }

    #[test]
    fn split_lf_is_str_split_on_newline() {
        let mut next = xorshift(11);
        let alphabet = ["\n", "\r\n", "a", " ", "é", "---", "\n\n", ""];
        for _ in 0..5_000 {
            let n = (next() % 12) as usize;
            let text: String = (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let want: Vec<&str> = text.split('\n').collect();
            assert_eq!(split_lf(&text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }
}

/// A deterministic xorshift64 generator for tests that need many varied
/// inputs without a dependency (Marsaglia's 13/7/17 shifts); `seed` must
/// not be 0.
#[cfg(test)]
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}
