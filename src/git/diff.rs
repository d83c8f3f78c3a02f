//! What a commit changed: zero-context hunks per file, renames followed.
//! Every diff here places hunks exactly as `git diff` does with git's
//! default configuration (indent heuristic on), so the lines it calls
//! added are the lines `git blame` attributes to the commit.
use super::Repo;
use crate::error::GitError;

/// One zero-context hunk: `old_lines` lines at `old_start` in the parent
/// became `new_lines` lines at `new_start`. For a pure insertion
/// (`old_lines == 0`) `old_start` is the parent line after which it went in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
}

impl Hunk {
    /// The hunk `@@ -old_start,old_lines +new_start,new_lines @@`.
    pub const fn new(old_start: u32, old_lines: u32, new_start: u32, new_lines: u32) -> Hunk {
        Hunk {
            old_start,
            old_lines,
            new_start,
            new_lines,
        }
    }
}

/// One file a commit touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path in the parent (`None` when the file was added).
    pub old_path: Option<String>,
    /// Path in the commit (`None` when the file was deleted).
    pub new_path: Option<String>,
    pub binary: bool,
    pub hunks: Vec<Hunk>,
}

impl FileChange {
    /// The path to show: new path, else old path.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

/// The options every `git diff` here passes so that the user's diff
/// configuration cannot change what the parser reads (prefixes, colour,
/// external drivers, textconv, the order of files) or merge hunks
/// (`diff.interHunkContext`). The diff algorithm and `diff.relative` are
/// pinned for every git command ([`Repo::git`]).
pub(crate) const PLAIN: [&str; 8] = [
    "-U0",
    "--inter-hunk-context=0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "-O/dev/null",
    "--src-prefix=a/",
    "--dst-prefix=b/",
];

/// The changes of many commits, each against one parent, read by a single
/// `git diff-tree --stdin` on a thread while callers work: line blame
/// classifies dozens of commits, and a `git diff` process each cost more
/// than the diffs themselves (git-ai `src/daemon.rs`: 89 commits, 0.78 s
/// of CPU as processes, 0.21 s as one). The output is `git diff -M`'s for
/// the same pair, byte for byte: the same options ([`PLAIN`], `-M`,
/// `--ignore-submodules=all`), with each commit's id on a line of its own
/// before its patch (`--always`: also when it changed nothing).
pub struct ChangesFeed {
    inner: std::sync::Arc<FeedInner>,
}

struct FeedInner {
    state: std::sync::Mutex<FeedState>,
    arrived: std::sync::Condvar,
    /// The running git, killed when the feed is dropped (an error ended
    /// the run): a long diff must not outlive aeef.
    child: std::sync::Mutex<Option<std::process::Child>>,
}

#[derive(Default)]
struct FeedState {
    /// Pairs asked for, (commit, parent).
    asked: std::collections::HashSet<(String, String)>,
    done: std::collections::HashMap<(String, String), Vec<FileChange>>,
    /// git has exited (or failed, or was stopped): what is not in `done`
    /// will not come.
    over: bool,
}

impl ChangesFeed {
    /// Starts reading the changes of each `(commit, parent)` pair, in that
    /// order. Without git, or with nothing asked, the feed is empty and
    /// every [`ChangesFeed::take`] says `None`.
    pub fn start(repo: &Repo, pairs: Vec<(String, String)>) -> ChangesFeed {
        use std::process::Stdio;
        let inner = std::sync::Arc::new(FeedInner {
            state: std::sync::Mutex::new(FeedState {
                asked: pairs.iter().cloned().collect(),
                ..FeedState::default()
            }),
            arrived: std::sync::Condvar::new(),
            child: std::sync::Mutex::new(None),
        });
        let input = (!pairs.is_empty() && repo.has_git())
            .then(|| stdin_file(&pairs))
            .and_then(Result::ok);
        let spawned = input.and_then(|input| {
            let mut cmd = repo.git_without_index();
            cmd.args(["diff-tree", "--stdin", "--always", "-r", "-p"])
                .args(PLAIN)
                .args(["-M", "--ignore-submodules=all"])
                .stdin(input)
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            cmd.spawn().ok()
        });
        match spawned {
            Some(mut child) => {
                let stdout = child.stdout.take();
                if let Ok(mut slot) = inner.child.lock() {
                    *slot = Some(child);
                }
                let reader = inner.clone();
                std::thread::spawn(move || reader.read(stdout, pairs));
            }
            None => inner.close(),
        }
        ChangesFeed { inner }
    }

    /// The changes of `sha` against `parent`, waiting for git if they are
    /// on the way; `None` when they were not asked for or git could not
    /// give them (the caller diffs the pair itself, and reports its error).
    pub fn take(&self, sha: &str, parent: &str) -> Option<Vec<FileChange>> {
        let key = (sha.to_string(), parent.to_string());
        let mut s = self.inner.state.lock().ok()?;
        if !s.asked.contains(&key) {
            return None;
        }
        loop {
            if let Some(files) = s.done.get(&key) {
                return Some(files.clone());
            }
            if s.over {
                return None;
            }
            s = self.inner.arrived.wait(s).ok()?;
        }
    }
}

impl Drop for ChangesFeed {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.inner.child.lock()
            && let Some(mut child) = slot.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl FeedInner {
    /// Reads git's output and hands out each commit's changes as soon as
    /// the next commit id shows that its patch is complete. A line holding
    /// only an asked commit's id cannot be part of a patch (patch lines
    /// start with a header word, `@@`, `+`, `-` or `\`), so each part ends
    /// at the next such line, whichever commit it names: git prints nothing
    /// for a commit it cannot read (a corrupt object: an error on stderr,
    /// and it goes on), and that commit is then missing, not merged into
    /// the one before.
    fn read(&self, stdout: Option<std::process::ChildStdout>, pairs: Vec<(String, String)>) {
        use std::io::Read;
        // However this ends (even by a panic), waiting callers are told.
        struct Close<'a>(&'a FeedInner);
        impl Drop for Close<'_> {
            fn drop(&mut self) {
                self.0.close();
            }
        }
        let _close = Close(self);
        // Each asked commit's id line → its place in `pairs`.
        let ids: std::collections::HashMap<Vec<u8>, usize> = pairs
            .iter()
            .enumerate()
            .rev()
            .map(|(i, (sha, _))| (format!("{sha}\n").into_bytes(), i))
            .collect();
        // Bytes not yet handed out; `part` is the pair whose patch they
        // hold (from `body`), `scanned` where the search for the next id
        // line stands (the start of a line).
        let mut buf: Vec<u8> = Vec::new();
        let (mut part, mut body, mut scanned): (Option<usize>, usize, usize) = (None, 0, 0);
        let mut chunk = vec![0u8; 1 << 16];
        let Some(mut out) = stdout else { return };
        let publish = |buf: &[u8], i: usize, end: usize, body: usize| {
            if non_utf8_path(&buf[body..end]).is_some() {
                return; // Left to the caller's own diff, which names it.
            }
            if let Some(files) = parse_patch(&buf[body..end])
                && let Ok(mut s) = self.state.lock()
            {
                s.done.insert(pairs[i].clone(), files);
            }
            self.arrived.notify_all();
        };
        loop {
            let n = match out.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            buf.extend_from_slice(&chunk[..n]);
            while let Some(nl) = buf[scanned..].iter().position(|&b| b == b'\n') {
                let line = &buf[scanned..scanned + nl + 1];
                let next = ids
                    .get(line)
                    .copied()
                    .filter(|&j| part.is_none_or(|i| j > i));
                if let Some(j) = next {
                    if let Some(i) = part {
                        publish(&buf, i, scanned, body);
                    }
                    part = Some(j);
                    // What is handed out is not kept: the next part's
                    // patch starts the buffer.
                    buf.drain(..scanned + line.len());
                    body = 0;
                    scanned = 0;
                } else {
                    scanned += nl + 1;
                }
            }
        }
        // git has finished: its exit status decides whether the last part
        // is whole (a failed git may have stopped in the middle of it).
        let ok = self
            .child
            .lock()
            .ok()
            .and_then(|mut c| c.as_mut().map(|c| c.wait()))
            .is_some_and(|s| s.is_ok_and(|s| s.success()));
        if ok && let Some(i) = part {
            publish(&buf, i, buf.len(), body);
        }
    }

    /// Marks the feed over: waiting callers take `None` for what is missing.
    fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.over = true;
        }
        self.arrived.notify_all();
    }
}

/// `commit parent` lines for `git diff-tree --stdin`, in a file: git reads
/// it at its own pace, so no pipe can fill up while its output is read.
fn stdin_file(pairs: &[(String, String)]) -> std::io::Result<std::fs::File> {
    use std::io::{Seek, Write};
    let mut f = tempfile::tempfile()?;
    let mut w = std::io::BufWriter::new(&mut f);
    for (sha, parent) in pairs {
        writeln!(w, "{sha} {parent}")?;
    }
    w.flush()?;
    drop(w);
    f.rewind()?;
    Ok(f)
}

/// Changes of `sha` against `parent` (the empty tree for a root commit).
/// Placed as git places them (`git diff -M` against the parent, see
/// [`file_hunks`] for why) where git is on PATH; by libgit2 for a root
/// commit (whole files added: nothing to place) and without git. Errors:
/// git or libgit2 fails, or git's output cannot be read.
pub fn changes(repo: &Repo, sha: &str, parent: Option<&str>) -> Result<Vec<FileChange>, GitError> {
    if let Some(parent) = parent.filter(|_| repo.has_git()) {
        let out = repo.run(
            repo.git_without_index()
                .arg("diff")
                .args(PLAIN)
                .args(["-M", "--ignore-submodules=all"])
                .args([parent, sha, "--"]),
        )?;
        if let Some(path) = non_utf8_path(&out) {
            return Err(non_utf8(sha, path));
        }
        return parse_patch(&out).ok_or_else(|| GitError::Parse {
            what: format!("the output of `git diff -M {parent} {sha}`"),
        });
    }
    let r = repo.git2();
    let commit = r.find_commit(git2::Oid::from_str(sha)?)?;
    let new_tree = commit.tree()?;
    let old_tree = match parent {
        Some(p) => Some(r.find_commit(git2::Oid::from_str(p)?)?.tree()?),
        None => None,
    };
    // git's default indent heuristic (on since git 2.14, `diff.indentHeuristic`):
    // without it libgit2 slides an inserted block to a different position than
    // `git diff` and `git blame`, so "added" lines would not be the lines
    // blame names (issue 13).
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0)
        .interhunk_lines(0)
        .indent_heuristic(true)
        .ignore_submodules(true);
    let mut diff = r.diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut opts))?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))?;
    let mut out = Vec::new();
    for idx in 0..diff.deltas().len() {
        let Some(patch) = git2::Patch::from_diff(&diff, idx)? else {
            continue;
        };
        let delta = patch.delta();
        // A name that is not UTF-8 is refused as git's output is
        // (`non_utf8_path`), never read lossily under another name.
        for f in [delta.old_file(), delta.new_file()] {
            if let Some(b) = f.path_bytes()
                && std::str::from_utf8(b).is_err()
            {
                return Err(non_utf8(sha, shown_bytes(b)));
            }
        }
        let path = |f: git2::DiffFile<'_>| {
            f.path_bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        };
        let (old_path, new_path) = match delta.status() {
            git2::Delta::Added => (None, path(delta.new_file())),
            git2::Delta::Deleted => (path(delta.old_file()), None),
            _ => (path(delta.old_file()), path(delta.new_file())),
        };
        let mut hunks = Vec::new();
        for h in 0..patch.num_hunks() {
            let (hunk, _) = patch.hunk(h)?;
            hunks.push(Hunk::new(
                hunk.old_start(),
                hunk.old_lines(),
                hunk.new_start(),
                hunk.new_lines(),
            ));
        }
        out.push(FileChange {
            old_path,
            new_path,
            binary: delta.flags().is_binary(),
            hunks,
        });
    }
    Ok(out)
}

/// Zero-context hunks between `old_path` at `old` and `new_path` at `new`
/// (40-hex commits), one file only, placed as git places them: `git diff`
/// of the two blobs (by path, so attributes apply), with the algorithm
/// `git blame` diffs with (pinned by [`Repo::git`]). libgit2's diff, used
/// only where git is not on PATH, places some hunks elsewhere
/// (rust-lang/cargo 22e71a16 `Cargo.lock`: `-1621,13` where git has
/// `-1612,12`), which would name another hunk as the one that wrote a
/// line. Empty when either side is missing or not a file, or binary.
/// Errors: git fails.
pub fn file_hunks(
    repo: &Repo,
    old: &str,
    old_path: &str,
    new: &str,
    new_path: &str,
) -> Result<Vec<Hunk>, GitError> {
    let r = repo.git2();
    // The tree entry of a file, read without its content.
    let entry = |sha: &str, p: &str| -> Result<Option<git2::TreeEntry<'static>>, GitError> {
        let tree = r.find_commit(git2::Oid::from_str(sha)?)?.tree()?;
        Ok(tree
            .get_path(std::path::Path::new(p))
            .ok()
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob)))
    };
    let (Some(a), Some(b)) = (entry(old, old_path)?, entry(new, new_path)?) else {
        return Ok(Vec::new());
    };
    if repo.has_git() {
        let out = repo.run(
            repo.git_without_index()
                .arg("diff")
                .args(PLAIN)
                .args([&format!("{old}:{old_path}"), &format!("{new}:{new_path}")]),
        )?;
        return out
            .split(|&b| b == b'\n')
            .filter(|l| l.starts_with(b"@@ "))
            .map(|l| {
                hunk_header(l).ok_or_else(|| GitError::Parse {
                    what: format!(
                        "a hunk header of `git diff {old}:{old_path} {new}:{new_path}`: {}",
                        String::from_utf8_lossy(l)
                    ),
                })
            })
            .collect();
    }
    let (a, b) = (r.find_blob(a.id())?, r.find_blob(b.id())?);
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0)
        .interhunk_lines(0)
        .indent_heuristic(true);
    let patch = git2::Patch::from_blobs(
        &a,
        Some(std::path::Path::new(old_path)),
        &b,
        Some(std::path::Path::new(new_path)),
        Some(&mut opts),
    )?;
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for h in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(h)?;
        hunks.push(Hunk::new(
            hunk.old_start(),
            hunk.old_lines(),
            hunk.new_start(),
            hunk.new_lines(),
        ));
    }
    Ok(hunks)
}

/// `@@ -a[,b] +c[,d] @@…` as a [`Hunk`].
pub(crate) fn hunk_header(line: &[u8]) -> Option<Hunk> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ');
    parts.next()?;
    let side = |s: &str, sign: char| span(s.strip_prefix(sign)?);
    let (old_start, old_lines) = side(parts.next()?, '-')?;
    let (new_start, new_lines) = side(parts.next()?, '+')?;
    Some(Hunk::new(old_start, old_lines, new_start, new_lines))
}

/// The parent-side extents of the functions that enclose `sha`'s changes
/// to one file, as git's function-context diff (`git diff -W`) finds them
/// with the file's diff driver (`.gitattributes`) or git's default
/// function-header heuristic.
pub fn function_ranges(
    repo: &Repo,
    parent: &str,
    sha: &str,
    old: &str,
    new: &str,
) -> Result<Vec<(u32, u32)>, GitError> {
    let out = repo.run(repo.git_without_index().args([
        "diff",
        "-W",
        "-U0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        parent,
        sha,
        "--",
        old,
        new,
    ]))?;
    let text = String::from_utf8_lossy(&out);
    let mut ranges = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("@@ -") else {
            continue;
        };
        let old_range = rest.split_whitespace().next().unwrap_or("");
        let (start, len) = range(old_range);
        if len > 0 {
            ranges.push((start, start + len - 1));
        }
    }
    Ok(ranges)
}

/// The conflict resolutions of a merge: hunks where the result differs from
/// every parent (`git diff-tree --cc`), in first-parent coordinates.
pub fn merge_resolutions(repo: &Repo, sha: &str) -> Result<Vec<FileChange>, GitError> {
    let out = repo.run(repo.git_without_index().args([
        "diff-tree",
        "--cc",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        sha,
    ]))?;
    Ok(parse_cc(&String::from_utf8_lossy(&out)))
}

pub(crate) fn unquote(p: &str) -> String {
    let Some(inner) = p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return p.to_string();
    };
    let mut out = Vec::new();
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        // git's C quoting (quote.c): these, `\"`, `\\` and octal.
        match bytes.next() {
            Some(b'a') => out.push(0x07),
            Some(b'b') => out.push(0x08),
            Some(b'f') => out.push(0x0c),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(b'v') => out.push(0x0b),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(d) = bytes.next() {
                        v = v * 8 + u32::from(d.wrapping_sub(b'0'));
                    }
                }
                out.push(v as u8);
            }
            Some(c) => out.push(c),
            None => {}
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn range(s: &str) -> (u32, u32) {
    span(s.trim_start_matches(['-', '+'])).unwrap_or((0, 0))
}

/// `start[,count]` of a hunk header side (count 1 when omitted).
fn span(s: &str) -> Option<(u32, u32)> {
    match s.split_once(',') {
        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
        None => Some((s.parse().ok()?, 1)),
    }
}

/// Parses `git diff -U0` output with `a/` and `b/` prefixes into one
/// [`FileChange`] per file, in git's order; `None` on a section it cannot
/// read (no path).
fn parse_patch(out: &[u8]) -> Option<Vec<FileChange>> {
    let text = String::from_utf8_lossy(out);
    let mut files: Vec<FileChange> = Vec::new();
    // Paths of the current section: from its header, then its rename and
    // `---`/`+++` lines, which name each side exactly.
    let mut header: Option<(String, String)> = None;
    let finish = |files: &mut Vec<FileChange>, header: &mut Option<(String, String)>| {
        if let (Some(f), Some((a, b))) = (files.last_mut(), header.take()) {
            if f.old_path.as_deref() == Some("") {
                f.old_path = Some(a);
            }
            if f.new_path.as_deref() == Some("") {
                f.new_path = Some(b);
            }
        }
    };
    for line in text.split('\n') {
        if let Some(rest) = line.strip_prefix("diff --git ") {
            finish(&mut files, &mut header);
            header = Some(header_paths(rest)?);
            files.push(FileChange {
                old_path: Some(String::new()),
                new_path: Some(String::new()),
                binary: false,
                hunks: Vec::new(),
            });
            continue;
        }
        let Some(f) = files.last_mut() else {
            continue;
        };
        if line.starts_with("@@ ") {
            f.hunks.push(hunk_header(line.as_bytes())?);
        } else if !f.hunks.is_empty() {
            // Hunk bodies: `+`/`-` lines could look like headers.
        } else if line.starts_with("new file mode") {
            f.old_path = None;
        } else if line.starts_with("deleted file mode") {
            f.new_path = None;
        } else if let Some(p) = line.strip_prefix("rename from ") {
            f.old_path = Some(unquote(p));
        } else if let Some(p) = line.strip_prefix("rename to ") {
            f.new_path = Some(unquote(p));
        } else if let Some(p) = line.strip_prefix("--- ") {
            if p != "/dev/null" {
                f.old_path = Some(strip_side(p, "a/")?);
            }
        } else if let Some(p) = line.strip_prefix("+++ ") {
            if p != "/dev/null" {
                f.new_path = Some(strip_side(p, "b/")?);
            }
        } else if line.starts_with("Binary files ") {
            f.binary = true;
        }
    }
    finish(&mut files, &mut header);
    Some(files)
}

/// The first path in a patch's header lines (`diff --git`, `---`/`+++`,
/// renames and copies) that is not UTF-8, its other bytes shown as
/// `\xNN`. git prints names as bytes (`core.quotePath=false`, pinned for
/// every command), and a name read lossily would be looked for under
/// another name.
fn non_utf8_path(out: &[u8]) -> Option<String> {
    const HEADERS: [&[u8]; 7] = [
        b"diff --git ",
        b"--- ",
        b"+++ ",
        b"rename from ",
        b"rename to ",
        b"copy from ",
        b"copy to ",
    ];
    // Hunk bodies (`+`/`-` lines after an `@@`) are content, not names.
    let mut in_hunk = false;
    // The `diff --git a/P b/P` line names both sides; a side's own line
    // (there is none for a binary file) names one, which is shown.
    let mut found: Option<&[u8]> = None;
    for line in out.split(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            if found.is_some() {
                break;
            }
            in_hunk = false;
        } else if line.starts_with(b"@@ ") {
            in_hunk = true;
        }
        let Some(header) = HEADERS.iter().find(|h| line.starts_with(h)) else {
            continue;
        };
        if in_hunk || std::str::from_utf8(line).is_ok() {
            continue;
        }
        let name = &line[header.len()..];
        let side = (header.len() == 4)
            .then(|| name.strip_prefix(b"a/").or(name.strip_prefix(b"b/")))
            .flatten();
        match side {
            Some(side) => {
                found = Some(side.strip_suffix(b"\t").unwrap_or(side));
                break;
            }
            None => {
                found.get_or_insert(name);
            }
        }
    }
    found.map(shown_bytes)
}

/// [`GitError::NonUtf8Path`]: `sha` changed the file shown as `path`.
fn non_utf8(sha: &str, path: String) -> GitError {
    GitError::NonUtf8Path {
        path,
        commit: sha[..12.min(sha.len())].to_string(),
    }
}

/// A file name's bytes for people: UTF-8 as it is, any other byte as
/// `\xNN`.
fn shown_bytes(name: &[u8]) -> String {
    let mut shown = String::new();
    for chunk in name.utf8_chunks() {
        shown.push_str(chunk.valid());
        for b in chunk.invalid() {
            shown.push_str(&format!("\\x{b:02X}"));
        }
    }
    shown
}

/// `a/P` (or `"a/P"`, C-quoted) without its prefix. In `---`/`+++` lines
/// git ends a path holding a space with a tab (diff.c), which is no part
/// of the path.
fn strip_side(p: &str, prefix: &str) -> Option<String> {
    let p = p.strip_suffix('\t').unwrap_or(p);
    unquote(p).strip_prefix(prefix).map(str::to_string)
}

/// The two paths of a `diff --git a/P b/Q` header. Unquoted paths may hold
/// spaces, so an unquoted header is split where both sides name the same
/// path (every section without a rename); a rename's exact paths come
/// from its `rename from`/`rename to` lines.
fn header_paths(rest: &str) -> Option<(String, String)> {
    if rest.starts_with('"') {
        // `"a/…" "b/…"` or `"a/…" b/…`: the first quoted path ends at the
        // first unescaped quote.
        let bytes = rest.as_bytes();
        let mut i = 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let (a, b) = rest.split_at((i + 1).min(rest.len()));
        return Some((strip_side(a, "a/")?, strip_side(b.trim_start(), "b/")?));
    }
    if rest.ends_with('"') {
        let at = rest.find(" \"b/")?;
        return Some((
            strip_side(&rest[..at], "a/")?,
            strip_side(&rest[at + 1..], "b/")?,
        ));
    }
    // `a/P b/P`: the same P on both sides.
    let n = rest.len().saturating_sub(5) / 2;
    if let (Some(a), Some(b)) = (
        rest.get(..n + 2).and_then(|a| a.strip_prefix("a/")),
        rest.get(n + 3..).and_then(|b| b.strip_prefix("b/")),
    ) && a == b
    {
        return Some((a.to_string(), b.to_string()));
    }
    // A rename without spaces trouble: split at the first ` b/`.
    let at = rest.find(" b/")?;
    let a = rest.get(..at)?.strip_prefix("a/")?;
    Some((a.to_string(), rest[at + 3..].to_string()))
}

/// Parses `git diff-tree --cc -U0` output.
fn parse_cc(text: &str) -> Vec<FileChange> {
    let mut out: Vec<FileChange> = Vec::new();
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("diff --cc ") {
            out.push(FileChange {
                old_path: Some(unquote(p)),
                new_path: Some(unquote(p)),
                binary: false,
                hunks: Vec::new(),
            });
        } else if line.starts_with("Binary files") {
            if let Some(f) = out.last_mut() {
                f.binary = true;
            }
        } else if let Some(rest) = line.strip_prefix("@@@") {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            let first = parts.iter().find(|p| p.starts_with('-'));
            let result = parts.iter().find(|p| p.starts_with('+'));
            if let (Some(f), Some(result), Some(fc)) = (first, result, out.last_mut()) {
                let (os, ol) = range(f);
                let (ns, nl) = range(result);
                fc.hunks.push(Hunk::new(os, ol, ns, nl));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(old: Option<&str>, new: Option<&str>, binary: bool, hunks: Vec<Hunk>) -> FileChange {
        FileChange {
            old_path: old.map(str::to_string),
            new_path: new.map(str::to_string),
            binary,
            hunks,
        }
    }

    #[test]
    fn hunk_headers_parse_with_and_without_counts() {
        assert_eq!(
            hunk_header(b"@@ -3 +3,2 @@ fn x"),
            Some(Hunk::new(3, 1, 3, 2))
        );
        assert_eq!(hunk_header(b"@@ -0,0 +1 @@"), Some(Hunk::new(0, 0, 1, 1)));
        assert_eq!(hunk_header(b"@@ bogus"), None);
    }

    /// Every section shape `git diff -M -U0` prints: a change whose body
    /// holds header-like lines, a rename with spaces, a quoted path, an
    /// added binary, a deletion, a mode change, a pure rename.
    #[test]
    fn patches_parse_into_one_change_per_file() {
        let out = concat!(
            "diff --git a/src/a b.rs b/src/a b.rs\n",
            "index 1..2 100644\n",
            "--- a/src/a b.rs\t\n",
            "+++ b/src/a b.rs\t\n",
            "@@ -3,2 +3 @@ fn x\n",
            "--- not a header\n",
            "-+++ nor this\n",
            "+diff --git a/x b/x\n",
            "diff --git a/old name.rs b/new name.rs\n",
            "similarity index 90%\n",
            "rename from old name.rs\n",
            "rename to new name.rs\n",
            "--- a/old name.rs\t\n",
            "+++ b/new name.rs\t\n",
            "@@ -1 +1 @@\n",
            "-a\n",
            "+b\n",
            "diff --git \"a/t\\tab.rs\" \"b/t\\tab.rs\"\n",
            "--- \"a/t\\tab.rs\"\n",
            "+++ \"b/t\\tab.rs\"\n",
            "@@ -0,0 +1,2 @@\n",
            "+x\n",
            "+y\n",
            "diff --git a/img.png b/img.png\n",
            "new file mode 100644\n",
            "index 0..3\n",
            "Binary files /dev/null and b/img.png differ\n",
            "diff --git a/gone.rs b/gone.rs\n",
            "deleted file mode 100644\n",
            "--- a/gone.rs\n",
            "+++ /dev/null\n",
            "@@ -1,2 +0,0 @@\n",
            "-a\n",
            "-b\n",
            "diff --git a/run.sh b/run.sh\n",
            "old mode 100644\n",
            "new mode 100755\n",
            "diff --git a/src/pre_exit.rs b/src/await.rs\n",
            "similarity index 100%\n",
            "rename from src/pre_exit.rs\n",
            "rename to src/await.rs\n",
            "diff --git a/p q b/r s\n",
            "similarity index 100%\n",
            "rename from p q\n",
            "rename to r s\n",
        );
        let got = parse_patch(out.as_bytes()).unwrap();
        assert_eq!(
            got,
            vec![
                fc(
                    Some("src/a b.rs"),
                    Some("src/a b.rs"),
                    false,
                    vec![Hunk::new(3, 2, 3, 1)]
                ),
                fc(
                    Some("old name.rs"),
                    Some("new name.rs"),
                    false,
                    vec![Hunk::new(1, 1, 1, 1)]
                ),
                fc(
                    Some("t\tab.rs"),
                    Some("t\tab.rs"),
                    false,
                    vec![Hunk::new(0, 0, 1, 2)]
                ),
                fc(None, Some("img.png"), true, vec![]),
                fc(Some("gone.rs"), None, false, vec![Hunk::new(1, 2, 0, 0)]),
                fc(Some("run.sh"), Some("run.sh"), false, vec![]),
                fc(Some("src/pre_exit.rs"), Some("src/await.rs"), false, vec![]),
                fc(Some("p q"), Some("r s"), false, vec![]),
            ]
        );
        assert!(parse_patch(b"diff --git nonsense\n").is_none());
        // Unexpected prefixes are refused, never sliced blindly.
        assert!(parse_patch(b"diff --git x b/y\n").is_none());
        // Every escape of git's C quoting.
        assert_eq!(
            unquote(r#""a\a\b\f\n\r\t\v\"\\\303\251""#),
            "a\u{7}\u{8}\u{c}\n\r\t\u{b}\"\\é"
        );
    }

    #[test]
    fn parses_combined_diff_hunks() {
        let t = "diff --cc src/a.rs\nindex 1,2..3\n--- a/src/a.rs\n+++ b/src/a.rs\n@@@ -3,2 -3,1 +3,4 @@@\n- x\n++y\n";
        let v = parse_cc(t);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path(), "src/a.rs");
        assert_eq!(
            v[0].hunks,
            vec![Hunk {
                old_start: 3,
                old_lines: 2,
                new_start: 3,
                new_lines: 4
            }]
        );
    }

    #[test]
    fn names_that_are_not_utf8_are_found_in_headers_only() {
        let patch = b"diff --git a/caf\xe9.txt b/caf\xe9.txt\nindex 1..2 100644\n--- a/caf\xe9.txt\t\n+++ b/caf\xe9.txt\t\n@@ -1 +1 @@\n-\xff\n+x\n";
        assert_eq!(non_utf8_path(patch).as_deref(), Some("caf\\xE9.txt"));
        // Bytes in hunk bodies are content.
        let content = b"diff --git a/ok.rs b/ok.rs\n--- a/ok.rs\n+++ b/ok.rs\n@@ -1 +1 @@\n-\xe9\n+--- \xe9\n";
        assert_eq!(non_utf8_path(content), None);
        // A renamed file: its old name.
        let renamed =
            b"diff --git a/old b/new\nsimilarity index 90%\nrename from \xe9old\nrename to new\n";
        assert_eq!(non_utf8_path(renamed).as_deref(), Some("\\xE9old"));
    }

    #[test]
    fn unquotes_c_style_paths() {
        assert_eq!(unquote("\"a\\tb \\\"c\\\"\""), "a\tb \"c\"");
        assert_eq!(unquote("\"caf\\303\\251\""), "café");
    }
}
