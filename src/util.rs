//! Small shared helpers: atomic file writes.
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so a reader never sees a half-written file.
/// With `create_new` the rename refuses to replace an existing file.
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
    if create_new {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    } else {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}
