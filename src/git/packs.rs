//! Commit objects read straight from the repository's pack files, for the
//! in-process walk (`super::walk`) and `NAME~N` resolution. A walk reads
//! every commit of its range on one thread, before the workers parse them:
//! that read is the critical path of a range scan. libgit2's reader
//! inflates with zlib's streaming inflate into a zeroed buffer and copies
//! the result; here the index and the pack are read in place (mapped, as
//! git and libgit2 map them) and each object inflated in one call with the
//! size the pack gives (libdeflate): a third faster on rust-lang/cargo.
//!
//! Commits stored as deltas (about one in five on rust-lang/cargo) are
//! rebuilt here too, from their base in the same pack (`OFS_DELTA`, or
//! `REF_DELTA` to an object of the same pack), with the last few objects
//! kept for the next delta on the same base: otherwise libgit2 would read
//! them through its own mapping of the same pack, and a full scan would
//! hold both in memory.
//!
//! Only what is plain is read here: version-2 indexes and their packs
//! (gitformat-pack(5)). Anything else (a loose object, an object in an
//! alternate, a pack written after the packs were listed, a base outside
//! the pack, bytes that do not inflate to the size the pack gives, a delta
//! that does not apply exactly) is `None`, and the caller reads the object
//! with libgit2 as before: this module can make a read cheaper, never
//! different.
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::Oid;
use memmap2::Mmap;

/// Object type 1 in a pack entry's header: a commit stored whole.
pub const OBJ_COMMIT: u8 = 1;
/// Object type 2: a tree stored whole.
pub const OBJ_TREE: u8 = 2;
/// Object type 3: a blob stored whole (git-ai notes are blobs).
pub const OBJ_BLOB: u8 = 3;
/// Object type 4: an annotated tag stored whole.
pub const OBJ_TAG: u8 = 4;
/// git's name of an object type number (`type_name` in git's
/// `object.c`): `commit`, `tree`, `blob`, `tag`, or `unknown`.
pub fn type_name(kind: u8) -> &'static str {
    match kind {
        OBJ_COMMIT => "commit",
        OBJ_TREE => "tree",
        OBJ_BLOB => "blob",
        OBJ_TAG => "tag",
        _ => "unknown",
    }
}

/// A delta on the entry a given distance back in the same pack.
const OBJ_OFS_DELTA: u8 = 6;
/// A delta on the object of a given id.
const OBJ_REF_DELTA: u8 = 7;

/// Interpolated probes of one index search before it only bisects
/// ([`Pack::find`]): about what evenly spread ids need on the largest
/// packs (log2 log2 of a fan-out slot's size, plus a margin).
const GUESSES: usize = 4;

/// Start of the object ids in a version-2 index: magic, version, and the
/// 256 four-byte fan-out entries.
const IDS: usize = 8 + 256 * 4;

/// Most bytes DEFLATE can make of one input byte (a run-length of 258 from
/// a 1-bit code, about 1032:1): a size in a pack entry beyond that for the
/// bytes that follow it is not read (nor allocated).
const MAX_RATIO: u64 = 1032;

/// Largest object read here (64 MiB): a commit is a few kilobytes, and a
/// larger size, true or forged, is libgit2's to allocate and to refuse.
const MAX_OBJECT: u64 = 64 << 20;

/// Longest delta chain followed (git's `pack.depth` is 50 by default, and
/// `git gc --aggressive` uses 50 too; a `REF_DELTA` cycle ends here).
const MAX_DEPTH: usize = 1000;

/// Objects a [`Reader`] keeps for the next delta on the same base.
const KEPT: usize = 16;

/// One pack and its index, mapped.
struct Pack {
    idx: Mmap,
    pack: Mmap,
    /// Objects in the pack (the index's last fan-out entry).
    count: usize,
}

/// The packs of an object directory (`objects/pack/*.idx` with their
/// `.pack`), listed once.
pub struct Packs {
    packs: Vec<Pack>,
    /// The pack the latest lookup hit: objects read together tend to share
    /// a pack.
    last: AtomicUsize,
}

/// What each reader of packs keeps ([`Packs::commit`]): the last objects
/// it rebuilt or used as a base, by (pack, offset). The decompressor is
/// one per thread ([`inflate`]), however many readers the thread has.
pub struct Reader {
    /// (pack, offset, object type, bytes).
    kept: Vec<(usize, u64, u8, Vec<u8>)>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            kept: Vec::with_capacity(KEPT),
        }
    }
}

impl Reader {
    fn kept(&self, pack: usize, offset: u64) -> Option<(u8, &[u8])> {
        self.kept
            .iter()
            .find(|(p, o, _, _)| *p == pack && *o == offset)
            .map(|(_, _, kind, b)| (*kind, b.as_slice()))
    }

    fn keep(&mut self, pack: usize, offset: u64, kind: u8, bytes: &[u8]) {
        // A large object is not worth keeping 16 of.
        if bytes.len() > 1 << 20 {
            return;
        }
        if self.kept.len() == KEPT {
            self.kept.remove(0);
        }
        self.kept.push((pack, offset, kind, bytes.to_vec()));
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
            let pack = path.with_extension("pack");
            if path.extension().is_some_and(|e| e == "idx")
                && let Some(p) = Pack::open(&path, &pack)
            {
                let mtime = std::fs::metadata(&pack).and_then(|m| m.modified()).ok();
                packs.push((mtime, p));
            }
        }
        // Newest pack first, as libgit2 searches them (`packfile_sort__cb`):
        // an id in two packs is read from the same one libgit2 reads.
        packs.sort_by_key(|p| std::cmp::Reverse(p.0));
        let packs: Vec<Pack> = packs.into_iter().map(|(_, p)| p).collect();
        (!packs.is_empty()).then(|| Packs {
            packs,
            last: AtomicUsize::new(0),
        })
    }

    /// Commit `oid`'s bytes, if it is in one of the packs (whole, or as a
    /// delta on a base in the same pack): `None` for another kind of
    /// object, an object in no pack, or anything this module leaves to
    /// libgit2 (see the module's documentation).
    pub fn commit(&self, oid: Oid, r: &mut Reader) -> Option<Vec<u8>> {
        self.object(oid, OBJ_COMMIT, r)
    }

    /// Tree `oid`'s bytes (its entries, gitformat-tree: `MODE NAME\0ID`
    /// each), read as [`Packs::commit`] reads commits.
    pub fn tree(&self, oid: Oid, r: &mut Reader) -> Option<Vec<u8>> {
        self.object(oid, OBJ_TREE, r)
    }

    /// Object `oid` of type `kind` ([`OBJ_COMMIT`] or [`OBJ_TREE`]), if a
    /// pack holds it and it has that type.
    pub fn object(&self, oid: Oid, kind: u8, r: &mut Reader) -> Option<Vec<u8>> {
        self.any(oid, r)
            .and_then(|(k, bytes)| (k == kind).then_some(bytes))
    }

    /// Object `oid` whatever its type: ([`OBJ_COMMIT`], [`OBJ_TREE`],
    /// [`OBJ_BLOB`] or [`OBJ_TAG`], its bytes), read as [`Packs::commit`]
    /// reads commits. Blobs are rebuilt from their delta chains like any
    /// object; the [`Reader`] keeps the bases of the last few.
    pub fn any(&self, oid: Oid, r: &mut Reader) -> Option<(u8, Vec<u8>)> {
        let (i, offset) = self.locate(oid)?;
        self.packs[i].object_at(i, offset, r)
    }

    /// Whether a pack's index lists `oid` (its entry is not read).
    pub fn contains(&self, oid: Oid) -> bool {
        self.locate(oid).is_some()
    }

    /// The pack holding `oid` and its offset there, newest pack first
    /// after the one the latest lookup hit.
    fn locate(&self, oid: Oid) -> Option<(usize, u64)> {
        let id = oid.as_bytes();
        let first = self.last.load(Ordering::Relaxed).min(self.packs.len() - 1);
        let order = std::iter::once(first).chain((0..self.packs.len()).filter(|&i| i != first));
        for i in order {
            if let Some(offset) = self.packs[i].find(id) {
                self.last.store(i, Ordering::Relaxed);
                return Some((i, offset));
            }
        }
        None
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
        // The index's exact size, as git checks it: ids, CRCs and 32-bit
        // offsets, up to one 64-bit offset per object but the first, and
        // the two checksums.
        let least = IDS
            .checked_add(count.checked_mul(20 + 4 + 4)?)?
            .checked_add(40)?;
        let most = least.checked_add(count.saturating_sub(1).checked_mul(8)?)?;
        if idx.len() < least || idx.len() > most || (idx.len() - least) % 8 != 0 {
            return None;
        }
        // The pack the index was written for: the same number of objects,
        // and its checksum (the pack's last 20 bytes) the one the index
        // holds (git: "packfile … does not match index").
        let trailer = pack.len().checked_sub(20)?;
        if be32(&pack, 8)? as usize != count
            || trailer < 12
            || pack.get(trailer..)? != idx.get(idx.len() - 40..idx.len() - 20)?
        {
            return None;
        }
        Some(Pack { idx, pack, count })
    }

    /// Offset of the entry of `id` in the pack, by the index: the fan-out
    /// entry of its first byte bounds the search of the sorted ids.
    ///
    /// Object ids are SHA-1 digests, spread evenly, so the search first
    /// guesses where `id` sits from its value between the values known at
    /// both ends (interpolation search, a few probes where bisection takes
    /// ten to twenty on a large pack, each probe a cache miss in a
    /// megabytes-long table), then bisects. The guesses are bounded
    /// ([`GUESSES`]), so an index whose ids are not spread evenly (a
    /// crafted pack) costs at most that many probes more than bisection.
    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let mut lo = match first {
            0 => 0,
            _ => be32(&self.idx, 8 + (first - 1) * 4)? as usize,
        };
        let mut hi = (be32(&self.idx, 8 + first * 4)? as usize).min(self.count);
        // Ids in one fan-out slot share their first byte: the next eight,
        // compared as one number, settle almost every step without a call
        // to `memcmp` (a quarter of the lookup's time).
        let key = u64::from_be_bytes(id.get(1..9)?.try_into().ok()?);
        // What is known of the ids at the ends of [lo, hi): all below lo
        // are less than `key`, all from hi on greater (bytes 1..9 of the
        // nearest probed ones; the slot's whole range before any probe).
        let (mut below, mut above) = (0u64, u64::MAX);
        let mut guesses = 0;
        while lo < hi {
            let mid = if guesses < GUESSES && hi - lo > 8 && below < key && key < above {
                guesses += 1;
                let (span, off) = (u128::from(above - below), u128::from(key - below));
                lo + ((off * (hi - lo) as u128) / span) as usize
            } else {
                lo + (hi - lo) / 2
            };
            let at = IDS + mid * 20;
            let entry = self.idx.get(at..at + 20)?;
            let probe = u64::from_be_bytes(entry[1..9].try_into().ok()?);
            match probe.cmp(&key).then_with(|| entry[9..].cmp(&id[9..])) {
                std::cmp::Ordering::Less => (lo, below) = (mid + 1, probe),
                std::cmp::Ordering::Greater => (hi, above) = (mid, probe),
                // The whole id, first byte too (a damaged fan-out table
                // could point into another slot).
                std::cmp::Ordering::Equal => return (entry == id).then(|| self.offset(mid))?,
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

    /// The object at `offset` of this pack (number `me`), with its
    /// type: the entry's delta chain followed back to an object stored
    /// whole, then each delta applied in turn (see [`Packs::commit`]).
    fn object_at(&self, me: usize, offset: u64, r: &mut Reader) -> Option<(u8, Vec<u8>)> {
        // (offset, delta data) from the entry down to the base.
        let mut chain: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut at = offset;
        // The base, and whether it is kept already.
        let (kind, mut object, kept) = loop {
            if chain.len() > MAX_DEPTH {
                return None;
            }
            if let Some((kind, kept)) = r.kept(me, at) {
                break (kind, kept.to_vec(), true);
            }
            let bytes = self.pack.get(usize::try_from(at).ok()?..)?;
            let (kind, size, used) = entry_header(bytes)?;
            let rest = &bytes[used..];
            match kind {
                OBJ_COMMIT | OBJ_TREE | OBJ_BLOB | OBJ_TAG => {
                    break (kind, inflate(rest, size)?, false);
                }
                OBJ_OFS_DELTA => {
                    let (back, n) = ofs_distance(rest)?;
                    chain.push((at, inflate(&rest[n..], size)?));
                    at = at.checked_sub(back)?;
                }
                OBJ_REF_DELTA => {
                    let base = rest.get(..20)?;
                    chain.push((at, inflate(&rest[20..], size)?));
                    at = self.find(base)?;
                }
                _ => return None,
            }
        };
        // The base and every object between it and the entry may be the
        // base of the next delta read; the entry itself is returned.
        if !chain.is_empty() && !kept {
            r.keep(me, at, kind, &object);
        }
        while let Some((at, delta)) = chain.pop() {
            object = apply_delta(&object, &delta)?;
            if !chain.is_empty() {
                r.keep(me, at, kind, &object);
            }
        }
        Some((kind, object))
    }
}

/// A tree object's entries, parsed as libgit2 parses them
/// (`git_tree__parse_raw`): `MODE SP NAME NUL ID` each (gitformat-tree),
/// the mode octal and normalised as `git_tree_entry_filemode` normalises
/// it. Only trees git itself would write are taken: strictly in git's
/// order (a folder's name compared as if it ended in `/`) with no name
/// twice; anything else is `None`, for libgit2 to read as it reads it.
pub struct TreeEntries {
    bytes: Vec<u8>,
    /// (normalised mode, name start, name end) of each entry; its id is
    /// the 20 bytes after the name's NUL.
    entries: Vec<(u32, usize, usize)>,
}

impl TreeEntries {
    /// The entries of tree bytes, or `None` (see [`TreeEntries`]).
    pub fn parse(bytes: Vec<u8>) -> Option<TreeEntries> {
        let mut entries: Vec<(u32, usize, usize)> = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let sp = at + memchr::memchr(b' ', &bytes[at..])?;
            let digits = &bytes[at..sp];
            if digits.is_empty()
                || digits.len() > 6
                || !digits.iter().all(|b| (b'0'..=b'7').contains(b))
            {
                return None;
            }
            let raw = digits.iter().fold(0u32, |m, d| m * 8 + u32::from(d - b'0'));
            if raw > 0xFFFF {
                return None;
            }
            let name = sp + 1;
            let nul = name + memchr::memchr(0, bytes.get(name..)?)?;
            if nul == name || bytes.get(nul + 1..nul + 21).is_none() {
                return None;
            }
            let mode = normalize_mode(raw);
            if let Some(&(pm, ps, pe)) = entries.last() {
                let ordered = git_order(
                    &bytes[ps..pe],
                    pm == 0o040000,
                    &bytes[name..nul],
                    mode == 0o040000,
                );
                if ordered != std::cmp::Ordering::Less || bytes[ps..pe] == bytes[name..nul] {
                    return None;
                }
            }
            entries.push((mode, name, nul));
            at = nul + 21;
        }
        Some(TreeEntries { bytes, entries })
    }

    /// The entry named `name`: (normalised mode, id). The entries are in
    /// git's order with no name twice ([`TreeEntries::parse`]), so a binary
    /// search finds it, once as a file's name and once as a folder's (a
    /// notes root has 256 entries, looked up once per commit of a scan).
    pub fn get(&self, name: &[u8]) -> Option<(u32, Oid)> {
        let at = [false, true].into_iter().find_map(|tree| {
            self.entries
                .binary_search_by(|&(mode, start, end)| {
                    git_order(&self.bytes[start..end], mode == 0o040000, name, tree)
                })
                .ok()
        })?;
        let (mode, start, end) = self.entries[at];
        let id = Oid::from_bytes(self.bytes.get(end + 1..end + 21)?).ok()?;
        (&self.bytes[start..end] == name).then_some((mode, id))
    }

    /// Every entry: (normalised mode, name, id), in the tree's order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u8], Oid)> + '_ {
        self.entries.iter().filter_map(|&(mode, start, end)| {
            let id = Oid::from_bytes(self.bytes.get(end + 1..end + 21)?).ok()?;
            Some((mode, &self.bytes[start..end], id))
        })
    }
}

/// libgit2's `normalize_filemode`: a folder, an executable file (the
/// owner's execute bit), a submodule, a symbolic link, else a file.
fn normalize_mode(raw: u32) -> u32 {
    match raw & 0o170000 {
        0o040000 => 0o040000,
        _ if raw & 0o100 != 0 => 0o100755,
        0o160000 => 0o160000,
        0o120000 => 0o120000,
        _ => 0o100644,
    }
}

/// git's order of tree entries (`base_name_compare`): bytes, with a
/// folder's name read as if it ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let next = |s: &[u8], tree: bool| match s.get(n) {
            Some(&c) => c,
            None if tree => b'/',
            None => 0,
        };
        next(a, a_tree).cmp(&next(b, b_tree))
    })
}

/// `input` inflated to exactly `size` bytes (a zlib stream; what follows
/// it is not read); `None` otherwise.
fn inflate(input: &[u8], size: u64) -> Option<Vec<u8>> {
    thread_local! {
        /// One decompressor per thread (11.5 KiB zeroed when made; a range
        /// scan's walk, its revision, notes and trace lookups each made
        /// their own).
        static Z: std::cell::RefCell<libdeflater::Decompressor> =
            std::cell::RefCell::new(libdeflater::Decompressor::new());
    }
    if size > MAX_OBJECT || size > (input.len() as u64).saturating_mul(MAX_RATIO) {
        return None;
    }
    let mut out = vec![0u8; usize::try_from(size).ok()?];
    // Never re-entered: nothing below calls back into the pack reader.
    let n = Z
        .with_borrow_mut(|z| z.zlib_decompress(input, &mut out))
        .ok()?;
    (n == out.len()).then_some(out)
}

/// A pack entry's type, inflated size and header length: the type in bits
/// 4–6 of the first byte, the size in its low 4 bits and then 7 bits of
/// each following byte while the high bit is set (gitformat-pack(5)).
fn entry_header(bytes: &[u8]) -> Option<(u8, u64, usize)> {
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
    Some((kind, size, used))
}

/// An `OFS_DELTA`'s distance back to its base, and the bytes it took:
/// 7 bits a byte, most significant first, each continuation adding one
/// (gitformat-pack(5), "offset encoding").
fn ofs_distance(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut b = *bytes.first()?;
    let mut back = u64::from(b & 0x7f);
    let mut used = 1;
    while b & 0x80 != 0 {
        b = *bytes.get(used)?;
        used += 1;
        back = back.checked_add(1)?.checked_mul(128)? | u64::from(b & 0x7f);
    }
    Some((back, used))
}

/// A delta's size header: 7 bits a byte, least significant first.
fn delta_size(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut size = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        if shift > 63 {
            return None;
        }
        size |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return Some(size);
        }
    }
}

/// `base` with `delta` applied (gitformat-pack(5), "Deltified
/// representation"): the base's size, the result's, then copy and insert
/// instructions. `None` unless every instruction stays inside the base and
/// the delta, and the result has exactly the size announced.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    if delta_size(delta, &mut at)? != base.len() as u64 {
        return None;
    }
    let size = delta_size(delta, &mut at)?;
    if size > MAX_OBJECT {
        return None;
    }
    let size = usize::try_from(size).ok()?;
    let mut out = Vec::with_capacity(size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy: offset bytes by bits 0-3, size bytes by bits 4-6.
            let mut field = |bits: u8, shift: u32| -> Option<usize> {
                let mut v = 0usize;
                for i in 0..bits {
                    if op & (1 << (shift + u32::from(i))) != 0 {
                        v |= usize::from(*delta.get(at)?) << (8 * i);
                        at += 1;
                    }
                }
                Some(v)
            };
            let from = field(4, 0)?;
            let len = match field(3, 4)? {
                0 => 0x10000,
                n => n,
            };
            out.extend_from_slice(base.get(from..from.checked_add(len)?)?);
        } else if op != 0 {
            let len = usize::from(op);
            out.extend_from_slice(delta.get(at..at + len)?);
            at += len;
        } else {
            // Reserved.
            return None;
        }
        if out.len() > size {
            return None;
        }
    }
    (out.len() == size).then_some(out)
}

/// A big-endian `u32` at `at`, if the bytes are there.
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    impl Pack {
        /// The commit at `offset`, as [`Packs::commit`] reads it.
        fn commit_at(&self, me: usize, offset: u64, r: &mut Reader) -> Option<Vec<u8>> {
            self.object_at(me, offset, r)
                .and_then(|(kind, bytes)| (kind == OBJ_COMMIT).then_some(bytes))
        }
    }
    use std::process::Command;

    /// git run in `dir` with fixed dates and no user config; its stdout.
    pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
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

    /// Commits git packs whole and as deltas (on each other, and a chain),
    /// and one left loose (the newest).
    fn repo() -> (tempfile::TempDir, Vec<Oid>) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        git(d, &["config", "user.name", "T"]);
        git(d, &["config", "user.email", "t@example.com"]);
        // Long similar messages (git stores some as deltas), an empty one,
        // and one that compresses badly (a 16 kB pseudo-random message).
        let long = "line of a long message\n".repeat(200);
        let mut rand = crate::util::xorshift(0x9e37_79b9_7f4a_7c15);
        let noise: String = (0..70_000)
            .map(|_| char::from(b'!' + (rand() % 90) as u8))
            .collect();
        let block = |i: u64| {
            let mut rand = crate::util::xorshift(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            (0..600)
                .map(|_| char::from(b'!' + (rand() % 90) as u8))
                .collect::<String>()
        };
        for i in 0..30 {
            let msg = match i {
                3 => String::new(),
                // Over 64 kB: a delta copy of the largest size.
                7 | 8 => format!("noise {i}\n\n{noise}"),
                // Each message shares one block with the one before and
                // one with the one after: chains of deltas.
                _ => format!("c{i}\n\n{long}{}{}", block(i), block(i + 1)),
            };
            // A folder that grows by one file a commit: trees, some
            // stored as deltas.
            std::fs::create_dir_all(d.join("dir")).unwrap();
            std::fs::write(d.join(format!("dir/file-with-a-long-name-{i}")), "x").unwrap();
            // A file that grows a block a commit: blobs stored as deltas.
            let grown: String = (0..=i).map(block).collect();
            std::fs::write(d.join("grows.txt"), grown).unwrap();
            git(d, &["add", "-A"]);
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
        // Offset deltas (git's default), then deltas naming their base by
        // id (`repack.useDeltaBaseOffset=false`, as old servers send).
        for (round, offsets) in ["true", "false"].into_iter().enumerate() {
            if round > 0 {
                let config = format!("repack.useDeltaBaseOffset={offsets}");
                git(
                    d,
                    &[
                        "-c",
                        &config,
                        "repack",
                        "-adf",
                        "--window=50",
                        "--depth=50",
                        "-q",
                    ],
                );
            }
            let packs = Packs::open(&d.join(".git/objects")).expect("a pack");
            let mut z = Reader::default();
            // git's own list of what is stored as a delta (a depth column).
            let idx = idx_of(d);
            let verify = git(d, &["verify-pack", "-v", idx.to_str().unwrap()]);
            let deltas: Vec<Oid> = verify
                .lines()
                .filter(|l| l.split_whitespace().nth(1) == Some("commit"))
                .filter(|l| l.split_whitespace().count() >= 7)
                .map(|l| Oid::from_str(&l[..40]).unwrap())
                .collect();
            assert!(deltas.len() > 2, "the fixture has deltified commits");
            let chained = verify.lines().any(|l| {
                l.split_whitespace().nth(1) == Some("commit")
                    && l.split_whitespace().nth(5).is_some_and(|d| d != "1")
            });
            assert!(chained, "and a chain of deltas");
            // Twice: rebuilding each delta, then with bases kept.
            for _ in 0..2 {
                for &id in &ids {
                    let got = packs.commit(id, &mut z);
                    // Only the loose commit is libgit2's to read (round 1
                    // packed it too).
                    assert_eq!(got.is_none(), round == 0 && id == ids[0], "{id}");
                    if let Some(got) = got {
                        assert_eq!(got, odb.read(id).unwrap().data(), "{id}");
                    }
                }
            }
            // Trees are read too (deltas among them), and each reader
            // returns only its own type.
            let mut trees = 0;
            for line in verify.lines() {
                let mut f = line.split_whitespace();
                let (Some(id), Some(kind)) = (f.next(), f.next()) else {
                    continue;
                };
                let Ok(id) = Oid::from_str(id) else { continue };
                let tree = packs.tree(id, &mut z);
                match kind {
                    "tree" => {
                        trees += 1;
                        assert_eq!(tree.as_deref(), Some(odb.read(id).unwrap().data()));
                    }
                    _ => assert_eq!(tree, None, "{id} {kind}"),
                }
                if kind != "commit" {
                    assert_eq!(packs.commit(id, &mut z), None, "{id} {kind}");
                }
            }
            assert!(trees > 2, "the fixture has trees");
            let tree_deltas = verify.lines().any(|l| {
                l.split_whitespace().nth(1) == Some("tree") && l.split_whitespace().count() >= 7
            });
            assert!(tree_deltas, "and trees stored as deltas");
            // Every object, of every type, whole or as a delta, by `any`.
            let mut blob_deltas = 0;
            for line in verify.lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                let Some(id) = f.first().and_then(|h| Oid::from_str(h).ok()) else {
                    continue;
                };
                let want = odb.read(id).unwrap();
                let kind = match want.kind() {
                    git2::ObjectType::Commit => OBJ_COMMIT,
                    git2::ObjectType::Tree => OBJ_TREE,
                    git2::ObjectType::Blob => OBJ_BLOB,
                    git2::ObjectType::Tag => OBJ_TAG,
                    other => panic!("{other:?}"),
                };
                blob_deltas += usize::from(kind == OBJ_BLOB && f.len() >= 7);
                assert!(packs.contains(id), "{id}");
                let got = packs.any(id, &mut z);
                assert_eq!(got, Some((kind, want.data().to_vec())), "{id}");
            }
            assert!(blob_deltas > 2, "the fixture has blobs stored as deltas");
            // Nothing is kept twice (a base found kept is not kept again).
            let mut at: Vec<_> = z.kept.iter().map(|(p, o, _, _)| (*p, *o)).collect();
            at.sort_unstable();
            let n = at.len();
            at.dedup();
            assert_eq!(at.len(), n, "kept twice");
            // Each delta alone, with nothing kept.
            for id in &deltas {
                let got = packs.commit(*id, &mut Reader::default()).unwrap();
                assert_eq!(got, odb.read(*id).unwrap().data(), "{id}");
            }
            // Trees and blobs are not commits.
            let tree = r.head().unwrap().peel_to_tree().unwrap().id();
            assert_eq!(packs.commit(tree, &mut z), None);
        }
    }

    /// The index of the one pack of the repository at `d`.
    fn idx_of(d: &Path) -> std::path::PathBuf {
        std::fs::read_dir(d.join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap()
    }

    /// Makes a file git wrote read-only writable, to damage it.
    fn writable(path: &Path) {
        let mut perms = std::fs::metadata(path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(path, perms).unwrap();
    }

    /// A pack of one entry, `header` then `data`, at offset 12.
    fn pack_of(dir: &Path, header: &[u8], data: &[u8]) -> Pack {
        let (i, p) = write_pack(dir, "p", header, data);
        Pack::open(&i, &p).unwrap()
    }

    /// Writes `NAME.idx` and `NAME.pack` in `dir`: one entry, `header`
    /// then `data`, at offset 12, for the id `[0x10; 20]`.
    fn write_pack(
        dir: &Path,
        name: &str,
        header: &[u8],
        data: &[u8],
    ) -> (std::path::PathBuf, std::path::PathBuf) {
        let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
        for i in 0..256u32 {
            idx.extend_from_slice(&u32::from(i >= 0x10).to_be_bytes());
        }
        idx.extend_from_slice(&[0x10; 20]);
        idx.extend_from_slice(&[0; 4]);
        idx.extend_from_slice(&12u32.to_be_bytes());
        let sum = [0x5a; 20];
        idx.extend_from_slice(&sum);
        idx.extend_from_slice(&[0; 20]);
        let (i, p) = (
            dir.join(format!("{name}.idx")),
            dir.join(format!("{name}.pack")),
        );
        std::fs::write(&i, &idx).unwrap();
        let head = b"PACK\0\0\0\x02\0\0\0\x01".as_slice();
        std::fs::write(&p, [head, header, data, &sum].concat()).unwrap();
        (i, p)
    }

    /// A commit object's bytes, zlib-compressed.
    fn zlib(body: &[u8]) -> Vec<u8> {
        let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::default());
        let mut out = vec![0; c.zlib_compress_bound(body.len())];
        let n = c.zlib_compress(body, &mut out).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn an_id_in_two_packs_is_read_from_the_newest_as_libgit2_does() {
        let dir = tempfile::tempdir().unwrap();
        let packs = dir.path().join("pack");
        std::fs::create_dir(&packs).unwrap();
        let body = |tool: &str| {
            format!("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nm\n\nAI-Tool: {tool}\n").into_bytes()
        };
        let (a, b) = (body("aaaa"), body("bbbb"));
        let (_, pa) = write_pack(
            &packs,
            "pack-a",
            &header(OBJ_COMMIT, a.len() as u64),
            &zlib(&a),
        );
        let (_, pb) = write_pack(
            &packs,
            "pack-b",
            &header(OBJ_COMMIT, b.len() as u64),
            &zlib(&b),
        );
        let id = Oid::from_bytes(&[0x10; 20]).unwrap();
        let at = |p: &Path, secs: u64| {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        for (newer, want) in [(&pa, &a), (&pb, &b)] {
            at(&pa, 1_000_000_000);
            at(&pb, 1_000_000_000);
            at(newer, 2_000_000_000);
            let read = Packs::open(dir.path())
                .unwrap()
                .commit(id, &mut Reader::default());
            assert_eq!(read.as_ref(), Some(want));
        }
    }

    /// The entry header of a commit of `size` bytes.
    fn header(kind: u8, mut size: u64) -> Vec<u8> {
        let mut h = vec![(kind << 4) | (size & 0x0f) as u8];
        size >>= 4;
        while size > 0 {
            *h.last_mut().unwrap() |= 0x80;
            h.push((size & 0x7f) as u8);
            size >>= 7;
        }
        h
    }

    #[test]
    fn damaged_entries_are_left_to_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let body = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nm\n";
        let zdata = zlib(body);
        let mut z = Reader::default();
        let size = body.len() as u64;
        let read = |h: Vec<u8>, data: &[u8]| {
            pack_of(dir.path(), &h, data).commit_at(0, 12, &mut Reader::default())
        };
        assert_eq!(
            read(header(OBJ_COMMIT, size), &zdata).as_deref(),
            Some(&body[..])
        );
        // A size the bytes do not inflate to, either way, or beyond what
        // the bytes could hold.
        for wrong in [size - 1, size + 1, MAX_OBJECT + 1, 1 << 40] {
            assert_eq!(read(header(OBJ_COMMIT, wrong), &zdata), None, "{wrong}");
        }
        // Not a zlib stream; cut short; another kind of entry (a tree, an
        // offset delta).
        assert_eq!(read(header(OBJ_COMMIT, size), b"not zlib at all"), None);
        assert_eq!(
            read(header(OBJ_COMMIT, size), &zdata[..zdata.len() / 2]),
            None
        );
        assert_eq!(read(header(OBJ_TREE, size), &zdata), None);
        assert_eq!(read(header(3, size), &zdata), None);
        let tree = pack_of(dir.path(), &header(OBJ_TREE, size), &zdata);
        assert_eq!(
            tree.object_at(0, 12, &mut Reader::default()),
            Some((OBJ_TREE, body.to_vec()))
        );
        // An offset delta reaching before the pack, a ref delta on an id
        // not in it.
        assert_eq!(read(header(OBJ_OFS_DELTA, size), &[0x7f]), None);
        assert_eq!(read(header(OBJ_REF_DELTA, size), &[0x55; 40]), None);
        // A header running off the end, or ever longer.
        assert_eq!(read(vec![0x91], &[]), None);
        assert_eq!(read(vec![0xff; 12], &zdata), None);
        // Offsets past the end.
        let pack = pack_of(dir.path(), &header(OBJ_COMMIT, size), &zdata);
        assert_eq!(pack.commit_at(0, 1 << 40, &mut z), None);
        assert_eq!(pack.commit_at(0, pack.pack.len() as u64, &mut z), None);
        // Objects kept for another pack are not used.
        z.kept.push((1, 12, OBJ_COMMIT, b"other".to_vec()));
        assert_eq!(pack.commit_at(0, 12, &mut z).as_deref(), Some(&body[..]));
        // A kept object keeps its type: a tree is not a commit.
        let mut z = Reader::default();
        z.keep(0, 12, OBJ_TREE, b"a tree");
        assert_eq!(pack.commit_at(0, 12, &mut z), None);
    }

    #[test]
    fn indexes_that_are_not_read_here() {
        let (dir, _) = repo();
        let d = dir.path();
        let idx = idx_of(d);
        let good = std::fs::read(&idx).unwrap();
        writable(&idx);
        // Not version 2, or shorter than its count says: the pack is left
        // out (and here, with it, every pack).
        let mut v1 = good.clone();
        v1[7] = 1;
        std::fs::write(&idx, &v1).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        std::fs::write(&idx, &good[..IDS + 40]).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        // Without its checksums, or with bytes after them.
        std::fs::write(&idx, &good[..good.len() - 40]).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        std::fs::write(&idx, [good.as_slice(), &[0; 8]].concat()).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        // A pack that is not the one the index was written for: cut short,
        // another pack's bytes, another count of objects.
        std::fs::write(&idx, &good).unwrap();
        let pack = idx.with_extension("pack");
        let bytes = std::fs::read(&pack).unwrap();
        writable(&pack);
        std::fs::write(&pack, &bytes[..bytes.len() - 100]).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        let mut other = bytes.clone();
        let n = other.len();
        other[n - 1] ^= 1;
        std::fs::write(&pack, &other).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        let mut other = bytes.clone();
        other[11] ^= 1;
        std::fs::write(&pack, &other).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_none());
        std::fs::write(&pack, &bytes).unwrap();
        // The same index and pack whole again are read.
        std::fs::write(&idx, &good).unwrap();
        assert!(Packs::open(&d.join(".git/objects")).is_some());
    }

    /// An index (and the bare pack it names) listing `ids`, sorted, the
    /// `i`-th with offset `i` (nothing is read at the offsets).
    fn index_of(dir: &Path, ids: &mut Vec<[u8; 20]>) -> Pack {
        ids.sort_unstable();
        ids.dedup();
        let n = ids.len() as u32;
        let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
        for b in 0..256usize {
            let upto = ids.iter().filter(|id| usize::from(id[0]) <= b).count() as u32;
            idx.extend_from_slice(&upto.to_be_bytes());
        }
        for id in ids.iter() {
            idx.extend_from_slice(id);
        }
        idx.extend(std::iter::repeat_n(0, 4 * ids.len()));
        for i in 0..n {
            idx.extend_from_slice(&i.to_be_bytes());
        }
        let sum = [0x5a; 20];
        idx.extend_from_slice(&sum);
        idx.extend_from_slice(&[0; 20]);
        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend_from_slice(&n.to_be_bytes());
        pack.extend_from_slice(&sum);
        let (i, p) = (dir.join("s.idx"), dir.join("s.pack"));
        std::fs::write(&i, idx).unwrap();
        std::fs::write(&p, pack).unwrap();
        Pack::open(&i, &p).expect("a valid index")
    }

    /// The interpolation search finds exactly what bisection finds: every
    /// listed id at its own position, and nothing for ids not listed (just
    /// below, just above, sharing the first nine bytes), on evenly spread
    /// ids and on crafted ones (clustered at one end of a slot, equal in
    /// bytes 1..9, one slot holding everything).
    #[test]
    fn index_search_finds_every_id_however_they_are_spread() {
        let mut rand = crate::util::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut random_id = || {
            let mut id = [0u8; 20];
            for c in id.chunks_mut(8) {
                c.copy_from_slice(&rand().to_be_bytes()[..c.len()]);
            }
            id
        };
        let even: Vec<[u8; 20]> = (0..20_000).map(|_| random_id()).collect();
        let clustered: Vec<[u8; 20]> = (0..3000u32)
            .map(|i| {
                let mut id = [0u8; 20];
                id[0] = 0x42;
                // Most ids packed near the bottom of the slot, a few at the top.
                let v: u64 = if i % 500 == 0 {
                    u64::MAX - u64::from(i)
                } else {
                    u64::from(i) * 3
                };
                id[1..9].copy_from_slice(&v.to_be_bytes());
                id[19] = (i % 7) as u8;
                id
            })
            .collect();
        let same_prefix: Vec<[u8; 20]> = (0..2000u32)
            .map(|i| {
                let mut id = [0x77u8; 20];
                id[16..20].copy_from_slice(&(i * 2).to_be_bytes());
                id
            })
            .collect();
        for (name, mut ids) in [
            ("even", even),
            ("clustered", clustered),
            ("same prefix", same_prefix),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let pack = index_of(dir.path(), &mut ids);
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(pack.find(id), Some(i as u64), "{name}: {i}");
                // Neighbours that are not listed.
                for delta in [1u8, 0xff] {
                    let mut near = *id;
                    near[19] = near[19].wrapping_add(delta);
                    let want = ids.binary_search(&near).ok().map(|p| p as u64);
                    assert_eq!(pack.find(&near), want, "{name}: near {i}");
                }
            }
            for _ in 0..5000 {
                let id = random_id();
                let want = ids.binary_search(&id).ok().map(|p| p as u64);
                assert_eq!(pack.find(&id), want, "{name}: random");
            }
        }
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
        idx.extend_from_slice(&[0x5a; 20]);
        idx.extend_from_slice(&[0; 20]);
        let (i, p) = (dir.path().join("p.idx"), dir.path().join("p.pack"));
        std::fs::write(&i, &idx).unwrap();
        std::fs::write(
            &p,
            [b"PACK\0\0\0\x02\0\0\0\x02".as_slice(), &[0x5a; 20]].concat(),
        )
        .unwrap();
        let pack = Pack::open(&i, &p).unwrap();
        assert_eq!(pack.find(&a), Some(12));
        assert_eq!(pack.find(&b), Some(0x1_0000_0010));
        assert_eq!(pack.find(&[0x30; 20]), None);
        assert_eq!(pack.find(&[0x00; 20]), None);
        // An entry past the pack's end is not read.
        assert_eq!(
            pack.commit_at(0, 0x1_0000_0010, &mut Reader::default()),
            None
        );
    }
}

#[cfg(test)]
mod delta_tests {
    use super::*;

    #[test]
    fn deltas_apply_exactly_or_not_at_all() {
        let base = b"0123456789abcdef";
        // Sizes, then copy 4 bytes from offset 2, insert "XY", copy the
        // rest from 10.
        let delta = [16, 8, 0x91, 2, 4, 2, b'X', b'Y', 0x91, 10, 2];
        assert_eq!(apply_delta(base, &delta).as_deref(), Some(&b"2345XYab"[..]));
        // The base's size wrong, the result's size wrong either way.
        let mut d = delta;
        d[0] = 15;
        assert_eq!(apply_delta(base, &d), None);
        for size in [7, 9] {
            let mut d = delta;
            d[1] = size;
            assert_eq!(apply_delta(base, &d), None, "{size}");
        }
        // A copy past the base's end; an insert past the delta's end; the
        // reserved instruction 0.
        assert_eq!(apply_delta(base, &[16, 4, 0x91, 14, 4]), None);
        assert_eq!(apply_delta(base, &[16, 4, 4, b'a']), None);
        assert_eq!(apply_delta(base, &[16, 0, 0]), None);
        // A result over the largest object read here.
        assert_eq!(
            apply_delta(base, &[16, 0x80, 0x80, 0x80, 0x21, 0x91, 0, 1]),
            None
        );
        // A copy size of 0 means 64 kB.
        let big = vec![7u8; 0x10000];
        let d = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
        assert_eq!(apply_delta(&big, &d), Some(big.clone()));
    }

    #[test]
    fn offset_distances_read_as_git_writes_them() {
        // git's encode: 127 is one byte; 128 is [0x80, 0x00].
        assert_eq!(ofs_distance(&[0x7f]), Some((127, 1)));
        assert_eq!(ofs_distance(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(ofs_distance(&[0x81, 0x00]), Some((256, 2)));
        assert_eq!(ofs_distance(&[0x80]), None);
        assert_eq!(ofs_distance(&[0xff; 12]), None);
    }

    /// Tree bytes from (mode, name, id byte) entries, in the order given.
    fn tree_bytes(entries: &[(&str, &str, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            out.extend_from_slice(&[*id; 20]);
        }
        out
    }

    /// Guards the tree reader the Agent Trace lookup and the notes lookup
    /// use: modes and ids as libgit2 reads them (`git_tree_entry_filemode`
    /// normalises odd modes), and anything git would not write (out of
    /// order, a name twice, malformed) left to libgit2.
    #[test]
    fn tree_entries_read_as_libgit2_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let good = tree_bytes(&[
            ("100644", "a.txt", 1),
            ("100755", "b.sh", 2),
            ("100664", "c", 3),
            ("100775", "d", 4),
            ("120000", "e", 5),
            ("160000", "f", 6),
            ("40755", "g-h", 8),
            ("100644", "g.txt", 9),
            ("40000", "g", 7),
            ("644", "h", 10),
        ]);
        let id = odb.write(git2::ObjectType::Tree, &good).unwrap();
        let theirs = repo.find_tree(id).unwrap();
        let ours = TreeEntries::parse(good).expect("a tree git writes");
        assert_eq!(ours.iter().count(), theirs.len());
        for e in theirs.iter() {
            let name = e.name_bytes();
            assert_eq!(
                ours.get(name),
                Some((e.filemode() as u32, e.id())),
                "{}",
                String::from_utf8_lossy(name)
            );
        }
        assert_eq!(ours.get(b"missing"), None);
        // A folder sorts as if its name ended in `/` (`g-h`, `g.txt`, then
        // the folder `g`, as above); plain byte order puts it first.
        let plain_order = tree_bytes(&[
            ("40000", "g", 3),
            ("100644", "g-h", 1),
            ("100644", "g.txt", 2),
        ]);
        assert!(TreeEntries::parse(plain_order).is_none());
        for bad in [
            tree_bytes(&[("100644", "b", 1), ("100644", "a", 2)]),
            tree_bytes(&[("100644", "a", 1), ("100644", "a", 2)]),
            tree_bytes(&[("100644", "a", 1), ("40000", "a", 2)]),
            tree_bytes(&[("100648", "a", 1)]),
            tree_bytes(&[("", "a", 1)]),
            tree_bytes(&[("1000000", "a", 1)]),
            tree_bytes(&[("100644", "", 1)]),
            b"100644 a".to_vec(),
            b"100644 a\0short".to_vec(),
        ] {
            assert!(TreeEntries::parse(bad.clone()).is_none(), "{bad:?}");
        }
        assert!(TreeEntries::parse(Vec::new()).is_some_and(|t| t.iter().count() == 0));
    }
}
