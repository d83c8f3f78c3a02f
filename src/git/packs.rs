//! Commit objects read straight from the repository's pack files, for the
//! in-process walk (`super::walk`) and `NAME~N` resolution. A walk reads
//! every commit of its range on one thread, before or while the workers
//! parse them: that read is the critical path of a range scan. libgit2's
//! reader inflates with zlib's streaming inflate into a zeroed buffer and
//! copies the result; here the index is searched in place and the object
//! inflated in one call with the size the pack gives (libdeflate), a third
//! faster on rust-lang/cargo.
//!
//! Only what is plain is read here: a commit stored whole (not as a delta)
//! in a version-2 index and its pack (gitformat-pack(5)). Anything else (a
//! loose object, a delta, an object in an alternate, a pack written after
//! the packs were listed, bytes that do not inflate to the size the pack
//! gives) is `None`, and the caller reads the object with libgit2 as
//! before: this module can make a read cheaper, never different.
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::Oid;
use memmap2::Mmap;

/// Object type 1 in a pack entry's header: a commit stored whole.
const OBJ_COMMIT: u8 = 1;

/// Start of the object ids in a version-2 index: magic, version, and the
/// 256 four-byte fan-out entries.
const IDS: usize = 8 + 256 * 4;

/// Most bytes DEFLATE can make of one input byte (a run-length of 258 from
/// a 1-bit code, about 1032:1): a size in a pack entry beyond that for the
/// bytes that follow it is not read (nor allocated).
const MAX_RATIO: u64 = 1032;

/// One pack and its index, mapped.
struct Pack {
    idx: Mmap,
    pack: Mmap,
    /// Objects in the pack (the index's last fan-out entry).
    count: usize,
}

/// Where a commit stored whole starts in a pack, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pack: u32,
    /// Offset of the zlib stream (after the entry's type-and-size header).
    data: u64,
    /// Inflated size, from the entry's header.
    size: u64,
}

/// The packs of an object directory (`objects/pack/*.idx` with their
/// `.pack`), listed once.
pub struct Packs {
    packs: Vec<Pack>,
    /// The pack the latest lookup hit: objects read together tend to share
    /// a pack.
    last: AtomicUsize,
}

/// A decompressor, kept by each thread that reads ([`Packs::object`]).
pub struct Inflater(libdeflater::Decompressor);

impl Default for Inflater {
    fn default() -> Self {
        Inflater(libdeflater::Decompressor::new())
    }
}

impl Packs {
    /// The packs under `objects` (the common directory's `objects`), or
    /// `None` when there are none or git is told to look elsewhere
    /// (`GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`). A
    /// pack whose files are not what this module reads is left out: its
    /// objects are then read by libgit2.
    pub fn open(objects: &Path) -> Option<Packs> {
        if std::env::var_os("GIT_OBJECT_DIRECTORY").is_some()
            || std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES").is_some()
        {
            return None;
        }
        let mut packs = Vec::new();
        for entry in std::fs::read_dir(objects.join("pack")).ok()?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "idx")
                && let Some(p) = Pack::open(&path, &path.with_extension("pack"))
            {
                packs.push(p);
            }
        }
        (!packs.is_empty()).then(|| Packs {
            packs,
            last: AtomicUsize::new(0),
        })
    }

    /// Where commit `oid` is stored whole, if it is in one of the packs
    /// (`None` for a delta or another kind of object).
    pub fn locate(&self, oid: Oid) -> Option<Located> {
        let id = oid.as_bytes();
        let first = self.last.load(Ordering::Relaxed).min(self.packs.len() - 1);
        let order = std::iter::once(first).chain((0..self.packs.len()).filter(|&i| i != first));
        for i in order {
            let Some(offset) = self.packs[i].find(id) else {
                continue;
            };
            self.last.store(i, Ordering::Relaxed);
            let (kind, size, data) = self.packs[i].entry(offset)?;
            return (kind == OBJ_COMMIT).then_some(Located {
                pack: u32::try_from(i).ok()?,
                data,
                size,
            });
        }
        None
    }

    /// The whole commit object at `at`, inflated; `None` when its bytes do
    /// not inflate to exactly the size the pack gives.
    pub fn object(&self, at: Located, z: &mut Inflater) -> Option<Vec<u8>> {
        let input = self
            .packs
            .get(at.pack as usize)?
            .pack
            .get(usize::try_from(at.data).ok()?..)?;
        if at.size > (input.len() as u64).saturating_mul(MAX_RATIO) {
            return None;
        }
        let mut out = vec![0u8; usize::try_from(at.size).ok()?];
        let n = z.0.zlib_decompress(input, &mut out).ok()?;
        (n == out.len()).then_some(out)
    }
}

impl Pack {
    // The one `unsafe` of the crate: mapping a file (see SAFETY below).
    #[allow(unsafe_code)]
    fn open(idx: &Path, pack: &Path) -> Option<Pack> {
        let map = |p: &Path| {
            let f = std::fs::File::open(p).ok()?;
            // SAFETY: the mapped bytes must not change while mapped. git
            // writes pack and index files under temporary names, renames
            // them into place and never rewrites them (a repack writes new
            // files and deletes the old ones, which stay readable while
            // mapped). git relies on this when it maps them, and so does
            // libgit2, which maps these same files in this same process.
            unsafe { Mmap::map(&f) }.ok()
        };
        let (idx, pack) = (map(idx)?, map(pack)?);
        // A version-2 index and a version-2 or -3 pack.
        let pack_version = pack.get(..8)?;
        if idx.get(..8)? != b"\xfftOc\0\0\0\x02"
            || !matches!(pack_version, b"PACK\0\0\0\x02" | b"PACK\0\0\0\x03")
        {
            return None;
        }
        let count = be32(&idx, IDS - 4)? as usize;
        // Ids, CRCs and 32-bit offsets must all be there.
        if idx.len() < IDS + count.checked_mul(20 + 4 + 4)? {
            return None;
        }
        Some(Pack { idx, pack, count })
    }

    /// Offset of the entry of `id` in the pack, by the index: the fan-out
    /// entry of its first byte bounds a binary search of the sorted ids.
    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let mut lo = match first {
            0 => 0,
            _ => be32(&self.idx, 8 + (first - 1) * 4)? as usize,
        };
        let mut hi = (be32(&self.idx, 8 + first * 4)? as usize).min(self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let at = IDS + mid * 20;
            match self.idx.get(at..at + 20)?.cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset(mid),
            }
        }
        None
    }

    /// The pack offset of the `i`-th object of the index: 31 bits, or with
    /// the high bit set, an entry of the 64-bit offset table.
    fn offset(&self, i: usize) -> Option<u64> {
        let off32 = IDS + self.count * (20 + 4);
        let o = be32(&self.idx, off32 + i * 4)?;
        if o & 0x8000_0000 == 0 {
            return Some(u64::from(o));
        }
        let at = off32 + self.count * 4 + (o & 0x7fff_ffff) as usize * 8;
        let hi = be32(&self.idx, at)?;
        let lo = be32(&self.idx, at + 4)?;
        Some((u64::from(hi) << 32) | u64::from(lo))
    }

    /// An entry's type, inflated size and the offset of its data: a type
    /// in bits 4–6 of the first byte, the size in its low 4 bits and 7 bits
    /// of each following byte while the high bit is set.
    fn entry(&self, offset: u64) -> Option<(u8, u64, u64)> {
        let bytes = self.pack.get(usize::try_from(offset).ok()?..)?;
        let mut b = *bytes.first()?;
        let kind = (b >> 4) & 7;
        let mut size = u64::from(b & 0x0f);
        let mut shift = 4;
        let mut used = 1;
        while b & 0x80 != 0 {
            b = *bytes.get(used)?;
            used += 1;
            if shift > 57 {
                return None;
            }
            size |= u64::from(b & 0x7f) << shift;
            shift += 7;
        }
        Some((kind, size, offset + used as u64))
    }
}

/// A big-endian `u32` at `at`, if the bytes are there.
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Commits git packs whole, as deltas, and leaves loose.
    fn repo() -> (tempfile::TempDir, Vec<Oid>) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        git(d, &["config", "user.name", "T"]);
        git(d, &["config", "user.email", "t@example.com"]);
        // Long similar messages (git stores some as deltas), an empty one.
        let long = "line of a long message\n".repeat(200);
        for i in 0..30 {
            let msg = if i == 3 {
                String::new()
            } else {
                format!("c{i}\n\n{long}{i}")
            };
            git(
                d,
                &[
                    "commit",
                    "-q",
                    "--allow-empty",
                    "--allow-empty-message",
                    "-m",
                    &msg,
                ],
            );
        }
        git(d, &["repack", "-adf", "--window=50", "--depth=50", "-q"]);
        git(d, &["commit", "-q", "--allow-empty", "-m", "loose"]);
        let ids = git(d, &["rev-list", "HEAD"])
            .lines()
            .map(|l| Oid::from_str(l).unwrap())
            .collect();
        (dir, ids)
    }

    #[test]
    fn packed_commits_read_as_libgit2_reads_them() {
        let (dir, ids) = repo();
        let d = dir.path();
        let r = git2::Repository::open(d).unwrap();
        let odb = r.odb().unwrap();
        let packs = Packs::open(&d.join(".git/objects")).expect("a pack");
        let mut z = Inflater::default();
        // git's own list of what is stored as a delta (a depth column).
        let idx = std::fs::read_dir(d.join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        let verify = git(d, &["verify-pack", "-v", idx.to_str().unwrap()]);
        let deltas: Vec<Oid> = verify
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("commit"))
            .filter(|l| l.split_whitespace().count() >= 7)
            .map(|l| Oid::from_str(&l[..40]).unwrap())
            .collect();
        assert!(!deltas.is_empty(), "the fixture has deltified commits");
        let (mut whole, mut other) = (0, 0);
        for &id in &ids {
            match packs.locate(id) {
                Some(at) => {
                    whole += 1;
                    let want = odb.read(id).unwrap().data().to_vec();
                    assert_eq!(packs.object(at, &mut z).unwrap(), want, "{id}");
                }
                None => other += 1,
            }
            // Deltas are libgit2's to read.
            assert_eq!(
                packs.locate(id).is_none(),
                deltas.contains(&id) || id == ids[0]
            );
        }
        assert!(whole > 0 && other > 1, "{whole} whole, {other} not");
        // The loose commit (the newest), trees and blobs are not read here.
        assert_eq!(packs.locate(ids[0]), None);
        let tree = r.head().unwrap().peel_to_tree().unwrap().id();
        assert_eq!(packs.locate(tree), None);
    }

    #[test]
    fn damaged_bytes_and_sizes_are_left_to_libgit2() {
        let (dir, ids) = repo();
        let d = dir.path();
        let packs = Packs::open(&d.join(".git/objects")).unwrap();
        let mut z = Inflater::default();
        let at = ids.iter().find_map(|&id| packs.locate(id)).unwrap();
        // A size the bytes do not inflate to, either way.
        for size in [at.size - 1, at.size + 1, u64::MAX] {
            assert_eq!(packs.object(Located { size, ..at }, &mut z), None);
        }
        // Bytes that are not a zlib stream.
        assert_eq!(packs.object(Located { data: 0, ..at }, &mut z), None);
        // Past the end of the pack, or of the list of packs.
        assert_eq!(
            packs.object(
                Located {
                    data: u64::MAX,
                    ..at
                },
                &mut z
            ),
            None
        );
        assert_eq!(packs.object(Located { pack: 9, ..at }, &mut z), None);
        // An index that is not version 2, or shorter than its count says:
        // the pack is left out, and with it every pack here.
        let pack_dir = d.join(".git/objects/pack");
        let idx = std::fs::read_dir(&pack_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        let good = std::fs::read(&idx).unwrap();
        let mut perms = std::fs::metadata(&idx).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&idx, perms).unwrap();
        let mut v1 = good.clone();
        v1[7] = 1;
        std::fs::write(&idx, &v1).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        std::fs::write(&idx, &good[..IDS + 40]).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
    }

    #[test]
    fn large_offsets_come_from_the_64_bit_table() {
        // An index of two objects: the second's offset is entry 0 of the
        // 64-bit table (a pack over 2 GiB), which git writes when an
        // offset does not fit in 31 bits.
        let dir = tempfile::tempdir().unwrap();
        let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
        let (a, b) = ([0x10u8; 20], [0x20u8; 20]);
        for i in 0..256u32 {
            let n = u32::from(i >= 0x10) + u32::from(i >= 0x20);
            idx.extend_from_slice(&n.to_be_bytes());
        }
        idx.extend_from_slice(&a);
        idx.extend_from_slice(&b);
        idx.extend_from_slice(&[0; 8]); // CRCs
        idx.extend_from_slice(&12u32.to_be_bytes());
        idx.extend_from_slice(&0x8000_0000u32.to_be_bytes());
        idx.extend_from_slice(&0x1_0000_0010u64.to_be_bytes());
        let (i, p) = (dir.path().join("p.idx"), dir.path().join("p.pack"));
        std::fs::write(&i, &idx).unwrap();
        std::fs::write(&p, b"PACK\0\0\0\x02\0\0\0\x02").unwrap();
        let pack = Pack::open(&i, &p).unwrap();
        assert_eq!(pack.find(&a), Some(12));
        assert_eq!(pack.find(&b), Some(0x1_0000_0010));
        assert_eq!(pack.find(&[0x30; 20]), None);
        assert_eq!(pack.find(&[0x00; 20]), None);
        // Entries past the pack's end are not read.
        assert_eq!(pack.entry(0x1_0000_0010), None);
    }
}
