//! Small shared helpers: atomic file writes.
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so a reader never sees a half-written file.
/// With `create_new` the rename refuses to replace an existing file.
/// The result keeps the permissions of the file it replaces; a new file
/// gets the usual 0644 (less the umask), not the temporary file's 0600.
pub fn write_atomic(path: &Path, contents: &[u8], create_new: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aeef-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
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
}
