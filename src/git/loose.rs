//! Loose objects (`objects/xx/yyyy…`, gitformat-loose(5)) read in this
//! process: a zlib stream of `<type> <size>\0<content>`.
//!
//! The reason is a hang, not speed: libgit2 as bundled by `git2` (1.9.7)
//! loops forever on a truncated loose object (its `git_zstream_get_output`
//! retries a `Z_BUF_ERROR` that can make no progress; libgit2/libgit2#7342,
//! fixed upstream after that release). A crash mid-write or a damaged disk
//! leaves such files. So the commits a walk or a revision names are read
//! here first when they are loose: a whole object is used as libgit2 would
//! return it, and a damaged one is [`GitError::CorruptObject`] (exit 2), as
//! git says "loose object … is corrupt", instead of a scan that never ends.
//! Like git's own reads, and like aeef's pack reader, the content is not
//! hashed again (`git fsck` does that).
use std::path::{Path, PathBuf};

use git2::Oid;

use super::packs::{OBJ_BLOB, OBJ_COMMIT, OBJ_TAG, OBJ_TREE};
use crate::error::GitError;

/// Largest loose file read here (64 MiB, compressed or not); a larger one
/// is left to libgit2 (commits and trees are kilobytes).
const MAX_BYTES: usize = 64 << 20;

/// The file `oid` would be stored in under `objects`.
pub fn path(objects: &Path, oid: Oid) -> PathBuf {
    let hex = oid.to_string();
    objects.join(&hex[..2]).join(&hex[2..])
}

/// The loose object `oid` under `objects`, as (pack type number, content):
/// `Ok(None)` when there is no such file (the object is packed, in an
/// alternate, or missing) or it is larger than this reader reads;
/// [`GitError::CorruptObject`] when the file cannot be read, or does not
/// hold one whole object: it does not inflate to its end (truncated,
/// damaged), its header is not `<type> <size>\0` with a known type, or the
/// size disagrees with the content.
pub fn read(objects: &Path, oid: Oid) -> Result<Option<(u8, Vec<u8>)>, GitError> {
    let path = path(objects, oid);
    let unreadable = |what: String| GitError::CorruptObject {
        oid: oid.to_string(),
        path: path.display().to_string(),
        what,
    };
    let corrupt = |what: &str| unreadable(format!("is corrupt: {what}"));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(format!("cannot be read: {e}"))),
    };
    if bytes.len() > MAX_BYTES {
        return Ok(None);
    }
    let raw = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_BYTES) {
        Ok(raw) => raw,
        Err(e) if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
            return Ok(None);
        }
        Err(_) => {
            return Err(corrupt(
                "it does not inflate: the file is truncated or damaged",
            ));
        }
    };
    let nul = memchr::memchr(0, &raw).ok_or_else(|| corrupt("its header has no end"))?;
    let header = std::str::from_utf8(&raw[..nul]).map_err(|_| corrupt("its header is not text"))?;
    let (kind, size) = header
        .split_once(' ')
        .ok_or_else(|| corrupt("its header is not `<type> <size>`"))?;
    let kind = match kind {
        "commit" => OBJ_COMMIT,
        "tree" => OBJ_TREE,
        "blob" => OBJ_BLOB,
        "tag" => OBJ_TAG,
        _ => return Err(corrupt("its header names no object type")),
    };
    let size: usize = size
        .parse()
        .ok()
        .filter(|_| size.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| corrupt("its header gives no size"))?;
    let content = raw[nul + 1..].to_vec();
    if content.len() != size {
        return Err(corrupt("its header's size is not its content's"));
    }
    Ok(Some((kind, content)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::packs::tests::git;

    /// A whole loose object reads as git wrote it, an absent one is no
    /// answer; every cut of its file, and each header that lies (size,
    /// missing size, bad size, unknown type), is a corrupt object.
    #[test]
    fn whole_objects_read_as_git_prints_them_and_damaged_ones_are_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        std::fs::write(d.join("f"), "hello\n").unwrap();
        let blob = git(d, &["hash-object", "-w", "f"]).trim().to_string();
        let objects = d.join(".git/objects");
        let oid = Oid::from_str(&blob).unwrap();
        let (kind, content) = read(&objects, oid).unwrap().unwrap();
        assert_eq!(
            (kind, content.as_slice()),
            (OBJ_BLOB, b"hello\n".as_slice())
        );
        let absent = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        assert!(read(&objects, absent).unwrap().is_none());

        let file = path(&objects, oid);
        let whole = std::fs::read(&file).unwrap();
        let mut perms = std::fs::metadata(&file).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&file, perms).unwrap();
        for cut in 0..whole.len() {
            std::fs::write(&file, &whole[..cut]).unwrap();
            assert!(
                matches!(read(&objects, oid), Err(GitError::CorruptObject { .. })),
                "cut at {cut}"
            );
        }
        std::fs::remove_file(&file).unwrap();
        std::fs::create_dir(&file).unwrap();
        match read(&objects, oid) {
            Err(GitError::CorruptObject { what, .. }) => {
                assert!(what.starts_with("cannot be read"), "{what}")
            }
            other => panic!("a folder in its place: {other:?}"),
        }
        std::fs::remove_dir(&file).unwrap();
        for lie in [
            &b"blob 7\0hello\n"[..],
            b"blob\0hello\n",
            b"blob x\0",
            b"kind 6\0hello\n",
        ] {
            let z = miniz_oxide::deflate::compress_to_vec_zlib(lie, 6);
            std::fs::write(&file, &z).unwrap();
            assert!(
                matches!(read(&objects, oid), Err(GitError::CorruptObject { .. })),
                "{lie:?}"
            );
        }
    }
}
