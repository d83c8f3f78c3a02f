//! Reading commits: `git rev-list` for the ids of a range (exactly git's
//! semantics), libgit2 for the objects (on several threads, see
//! `provenance::scan`), a libgit2 walk when `git` is not on PATH.
use super::Repo;
use crate::error::{GitError, UsageError};

/// A commit as read from the object database; text fields are decoded
/// lossily so a non-UTF-8 message never stops a run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawCommit {
    pub sha: String,
    pub parents: Vec<String>,
    pub author_name: String,
    pub author_email: String,
    pub committer_name: String,
    pub committer_email: String,
    /// Author time, seconds since the epoch.
    pub author_time: i64,
    pub message: String,
}

impl RawCommit {
    /// The identities the agent conventions look at.
    pub fn identity(&self) -> crate::provenance::CommitIdentity<'_> {
        crate::provenance::CommitIdentity {
            author_name: &self.author_name,
            author_email: &self.author_email,
            committer_name: &self.committer_name,
            committer_email: &self.committer_email,
        }
    }

    /// The first line of the message.
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("")
    }
}

/// Options of `git rev-list` that `aeef scan` passes through. Anything else
/// starting with `-` is refused: `git log` has options that write files.
const PASS_THROUGH: &[&str] = &[
    "--all",
    "--branches",
    "--tags",
    "--remotes",
    "--not",
    "--first-parent",
    "--no-merges",
    "--merges",
    "--ancestry-path",
    "--reverse",
    "--topo-order",
    "--date-order",
];
const PASS_THROUGH_PREFIX: &[&str] = &[
    "--since=",
    "--until=",
    "--after=",
    "--before=",
    "--max-count=",
    "--skip=",
    "--author=",
    "--committer=",
    "--branches=",
    "--tags=",
    "--remotes=",
    "--glob=",
    "--exclude=",
    "--grep=",
];

/// Checks and translates a user's REVSPEC into `git log` arguments:
/// `--all` excludes `refs/notes/*` (notes commits are not code history).
pub fn revspec_args(spec: &[String]) -> Result<Vec<String>, UsageError> {
    let mut out = Vec::new();
    for a in spec {
        if a.starts_with('-') {
            let ok = PASS_THROUGH.contains(&a.as_str())
                || PASS_THROUGH_PREFIX.iter().any(|p| a.starts_with(p))
                || (a.starts_with("-n")
                    && a[2..].chars().all(|c| c.is_ascii_digit())
                    && a.len() > 2);
            if !ok {
                return Err(UsageError::new(
                    format!("`{a}` is not a revision option aeef passes to git"),
                    format!(
                        "use revisions and ranges (`HEAD`, `main..topic`, `--all`) or one of: {}",
                        PASS_THROUGH.join(", ")
                    ),
                ));
            }
            if a == "--all" {
                out.push("--exclude=refs/notes/*".to_string());
            }
        }
        out.push(a.clone());
    }
    if !out.iter().any(|a| {
        !a.starts_with('-')
            || a == "--all"
            || a.starts_with("--branches")
            || a.starts_with("--tags")
            || a.starts_with("--glob")
            || a.starts_with("--remotes")
    }) {
        out.push("HEAD".into());
    }
    Ok(out)
}

/// Commits per batch handed out by [`RevList`].
const BATCH: usize = 256;

/// Commit ids from `git rev-list <spec>` as it runs, in batches, for
/// readers that load the objects themselves on several threads.
pub struct RevList {
    child: Option<std::process::Child>,
    reader: Option<std::io::BufReader<std::process::ChildStdout>>,
    preloaded: Option<std::vec::IntoIter<git2::Oid>>,
    args: Vec<String>,
    error: Option<GitError>,
}

impl RevList {
    /// Starts `git rev-list` over `spec` (a libgit2 walk when git is absent).
    pub fn start(repo: &Repo, spec: &[String]) -> Result<RevList, GitError> {
        let args = revspec_args(spec).map_err(|e| GitError::CommandFailed {
            command: "aeef scan".into(),
            stderr: e.message,
        })?;
        if !repo.has_git() {
            let oids = walk_git2(repo, &args)?;
            return Ok(RevList {
                child: None,
                reader: None,
                preloaded: Some(oids.into_iter()),
                args,
                error: None,
            });
        }
        let mut cmd = repo.git();
        cmd.arg("rev-list")
            .args(&args)
            .arg("--")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn()?;
        let reader = child
            .stdout
            .take()
            .map(|o| std::io::BufReader::with_capacity(1 << 16, o));
        Ok(RevList {
            child: Some(child),
            reader,
            preloaded: None,
            args,
            error: None,
        })
    }

    /// Waits for git and reports how it ended.
    pub fn finish(mut self) -> Result<(), GitError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let Some(child) = self.child.take() else {
            return Ok(());
        };
        drop(self.reader.take());
        finish_child(child, &self.args, "rev-list")
    }
}

impl Iterator for RevList {
    type Item = Vec<git2::Oid>;

    fn next(&mut self) -> Option<Vec<git2::Oid>> {
        use std::io::BufRead;
        if let Some(pre) = self.preloaded.as_mut() {
            let v: Vec<git2::Oid> = pre.by_ref().take(BATCH).collect();
            return (!v.is_empty()).then_some(v);
        }
        let reader = self.reader.as_mut()?;
        let mut v = Vec::with_capacity(BATCH);
        let mut line = String::new();
        while v.len() < BATCH {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => match git2::Oid::from_str(line.trim()) {
                    Ok(oid) => v.push(oid),
                    Err(_) => {
                        self.error = Some(GitError::Parse {
                            what: format!("git rev-list printed `{}`", line.trim()),
                        });
                        self.reader = None;
                        break;
                    }
                },
                Err(e) => {
                    self.error = Some(e.into());
                    self.reader = None;
                    break;
                }
            }
        }
        (!v.is_empty()).then_some(v)
    }
}

/// Waits for a git child and turns a failure into an error naming the
/// revision git complained about.
fn finish_child(child: std::process::Child, args: &[String], what: &str) -> Result<(), GitError> {
    let out = child.wait_with_output()?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if let Some(bad) = args
        .iter()
        .find(|a| !a.starts_with('-') && stderr.contains(a.as_str()))
    {
        return Err(GitError::UnknownRevision { rev: bad.clone() });
    }
    Err(GitError::CommandFailed {
        command: format!("git {what} {}", args.join(" ")),
        stderr,
    })
}

/// libgit2 walk for `A`, `^A`, `A..B`, `--all` when `git` is absent.
fn walk_git2(repo: &Repo, args: &[String]) -> Result<Vec<git2::Oid>, GitError> {
    let r = repo.git2();
    let mut walk = r.revwalk()?;
    walk.set_sorting(git2::Sort::TIME)?;
    let mut negate = false;
    for a in args {
        match a.as_str() {
            "--all" => {
                for reference in r.references()?.flatten() {
                    let name = reference.name().unwrap_or("");
                    if name.starts_with("refs/notes/") {
                        continue;
                    }
                    if let Ok(c) = reference.peel_to_commit() {
                        walk.push(c.id())?;
                    }
                }
            }
            "--not" => negate = !negate,
            s if s.starts_with('-') => {}
            s if s.contains("..") => walk
                .push_range(s)
                .map_err(|_| GitError::UnknownRevision { rev: s.into() })?,
            s => {
                let (hide, name) = match s.strip_prefix('^') {
                    Some(n) => (!negate, n),
                    None => (negate, s),
                };
                let oid = git2::Oid::from_str(&repo.resolve_commit(name)?)?;
                if hide {
                    walk.hide(oid)?
                } else {
                    walk.push(oid)?
                }
            }
        }
    }
    Ok(walk.collect::<Result<Vec<_>, _>>()?)
}

/// A libgit2 handle on a repository, opened at its first use: a scan's
/// worker threads need one only for what the walk hands them unread (a
/// note's blob, unusual commit bytes), and opening one reads the
/// repository's config files.
pub struct LazyRepo<'a> {
    git_dir: &'a std::path::Path,
    repo: Option<Result<git2::Repository, git2::Error>>,
}

impl<'a> LazyRepo<'a> {
    /// A handle on the repository at `git_dir`, not opened yet.
    pub fn new(git_dir: &'a std::path::Path) -> Self {
        LazyRepo {
            git_dir,
            repo: None,
        }
    }

    /// The handle, opened now if it was not (`git2::Repository::open_bare`);
    /// the error of opening it each time it is asked for.
    pub fn get(&mut self) -> Result<&git2::Repository, GitError> {
        let git_dir = self.git_dir;
        match self
            .repo
            .get_or_insert_with(|| git2::Repository::open_bare(git_dir))
        {
            Ok(r) => Ok(r),
            Err(e) => Err(GitError::Git2(git2::Error::from_str(e.message()))),
        }
    }
}

/// Reads one commit object with libgit2.
pub fn read_git2(r: &git2::Repository, oid: git2::Oid) -> Result<RawCommit, GitError> {
    Ok(from_git2(&r.find_commit(oid)?))
}

/// Turns a parsed libgit2 commit into a [`RawCommit`], decoding its text
/// as `git log` shows it (see [`decode_commit_text`]).
pub fn from_git2(c: &git2::Commit<'_>) -> RawCommit {
    let (author, committer) = (c.author(), c.committer());
    let [
        message,
        author_name,
        author_email,
        committer_name,
        committer_email,
    ] = decode_commit_text(
        c.message_encoding().ok().flatten().map(str::as_bytes),
        [
            c.message_raw_bytes(),
            author.name_bytes(),
            author.email_bytes(),
            committer.name_bytes(),
            committer.email_bytes(),
        ],
    );
    RawCommit {
        sha: c.id().to_string(),
        parents: c.parent_ids().map(|p| p.to_string()).collect(),
        author_name,
        author_email,
        committer_name,
        committer_email,
        author_time: author.when().seconds(),
        message,
    }
}

/// Decodes the text fields of one commit (message, names, e-mails) as
/// `git log` prints them, given the commit's `encoding` header.
///
/// git re-encodes a commit that declares an encoding other than UTF-8 with
/// iconv, over the whole object at once, and prints the stored bytes when
/// iconv fails (`logmsg_reencode` in git's `pretty.c`). So:
///
/// - no header, or `UTF-8`: the bytes as they are (lossy where not UTF-8);
/// - an encoding that decodes every field cleanly: the decoded text
///   (`ISO-8859-1`, `Shift_JIS`, …);
/// - a label aeef does not know, or bytes that do not decode (a stray byte
///   in `Shift_JIS`, an unpaired surrogate): the stored bytes, as git does;
/// - an encoding that is not ASCII-compatible (`UTF-16`, `UTF-16LE`,
///   `UTF-16BE`; `replacement`, which decodes anything to one U+FFFD):
///   the stored bytes. git either fails (an odd-length object: git prints
///   the stored bytes) or turns the ASCII headers into CJK text and shows an
///   empty message (an even-length object). aeef reads the stored bytes in
///   both cases so a declared encoding can never hide a trailer from the
///   gate (issue 12: fail closed where git shows nothing).
pub fn decode_commit_text<const N: usize>(label: Option<&[u8]>, fields: [&[u8]; N]) -> [String; N] {
    let declared = label
        .and_then(encoding_rs::Encoding::for_label)
        .filter(|e| *e != encoding_rs::UTF_8)
        // git decodes the headers too: an encoding that does not read
        // `tree ` as `tree ` (UTF-16, replacement) never yields a commit.
        .filter(|e| {
            e.decode_without_bom_handling_and_without_replacement(b"tree \n")
                .is_some_and(|t| t == "tree \n")
        });
    if let Some(e) = declared {
        let decoded = fields.map(|b| {
            e.decode_without_bom_handling_and_without_replacement(b)
                .map(std::borrow::Cow::into_owned)
        });
        if decoded.iter().all(Option::is_some) {
            return decoded.map(Option::unwrap_or_default);
        }
    }
    // `from_utf8` first: the same text for valid UTF-8, checked faster.
    fields.map(|b| match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    })
}

/// A commit object's bytes as the walk read them, with the parents it
/// walked (shallow boundaries applied); turned into a [`RawCommit`] on a
/// worker thread by [`from_object`].
#[derive(Debug, Clone)]
pub struct CommitObject {
    pub oid: git2::Oid,
    pub parents: Vec<git2::Oid>,
    pub data: Vec<u8>,
}

/// libgit2's `git__isspace`, which trims names and e-mails.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The next `\n`-terminated line at `*pos`, without its `\n`.
fn next_line<'a>(data: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let rest = data.get(*pos..)?;
    let end = memchr::memchr(b'\n', rest)?;
    *pos += end + 1;
    Some(&rest[..end])
}

/// A signature line after its `author `/`committer ` prefix, read as
/// libgit2 reads it (`git_signature__parse`: the last `<` and `>`, name and
/// e-mail trimmed): (name, e-mail, seconds). `None` for anything unusual
/// (the caller then asks libgit2 itself).
fn signature(line: &[u8]) -> Option<(&[u8], &[u8], i64)> {
    let lt = line.iter().rposition(|&b| b == b'<')?;
    let gt = line.iter().rposition(|&b| b == b'>')?;
    if gt < lt {
        return None;
    }
    fn trim(b: &[u8]) -> &[u8] {
        let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
        let end = b
            .iter()
            .rposition(|&c| !is_space(c))
            .map_or(start, |e| e + 1);
        &b[start..end.max(start)]
    }
    let (name, email) = (trim(&line[..lt]), trim(&line[lt + 1..gt]));
    let rest = line.get(gt + 1..)?.strip_prefix(b" ")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let time: i64 = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    if name.contains(&0) || email.contains(&0) {
        return None;
    }
    Some((name, email, time))
}

/// The tree a commit object names: its first line, `tree <40 hex>`
/// (gitformat-commit); `None` for anything else (libgit2 then reads it).
pub fn tree_id(data: &[u8]) -> Option<git2::Oid> {
    first_line_id(data, b"tree ")
}

/// The id on the first line of an object after `prefix` (40 hex digits).
fn first_line_id(data: &[u8], prefix: &[u8]) -> Option<git2::Oid> {
    let mut pos = 0;
    let hex = next_line(data, &mut pos)?.strip_prefix(prefix)?;
    if hex.len() != 40 {
        return None;
    }
    git2::Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
}

/// The object an annotated tag object names: its first line, `object
/// <40 hex>` (gitformat-tag); `None` for anything else.
pub fn tag_target(data: &[u8]) -> Option<git2::Oid> {
    first_line_id(data, b"object ")
}

/// Parents and committer date of a commit object, for the walk, the date
/// read as git reads it for ordering (`parse_commit_date` in git's
/// `commit.c`): the line after the parents must be `author`, the next one
/// `committer`, the number after its first `>`; anything else is date 0.
/// `None` when the parent lines themselves are unusual (libgit2 then reads
/// the object).
pub fn walk_fields(data: &[u8]) -> Option<(Vec<git2::Oid>, i64)> {
    let mut pos = 0;
    next_line(data, &mut pos)?.strip_prefix(b"tree ")?;
    let mut parents = Vec::with_capacity(1);
    let mut start = pos;
    while data[pos..].starts_with(b"parent ") {
        let line = next_line(data, &mut pos)?;
        let hex = line.strip_prefix(b"parent ")?;
        parents.push(oid_from_hex(hex)?);
        start = pos;
    }
    Some((parents, git_date(&data[start..])))
}

/// The object id 40 hexadecimal digits spell, in either case (git's
/// `get_oid_hex`); `None` for any other length or a non-hex digit. A
/// table lookup per digit: libgit2's `git_oid_fromstrn` through FFI (which
/// also takes shorter ids) was 1 % of a whole-history scan.
pub fn oid_from_hex(hex: &[u8]) -> Option<git2::Oid> {
    let hex: &[u8; 40] = hex.try_into().ok()?;
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let mut raw = [0u8; 20];
    for (out, pair) in raw.iter_mut().zip(hex.chunks_exact(2)) {
        *out = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    git2::Oid::from_bytes(&raw).ok()
}

/// An object id as git prints it: 40 lowercase hexadecimal digits, in a
/// string of exactly that capacity (`Oid`'s `Display` goes through
/// libgit2 and the formatter, growing the string as it writes).
pub fn oid_hex(oid: &git2::Oid) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(40);
    for &b in oid.as_bytes() {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// git's `parse_commit_date` on the bytes after the parent lines.
fn git_date(buf: &[u8]) -> i64 {
    let Some(rest) = buf.strip_prefix(b"author") else {
        return 0;
    };
    let Some(nl) = memchr::memchr(b'\n', rest) else {
        return 0;
    };
    let line = &rest[nl + 1..];
    if !line.starts_with(b"committer") {
        return 0;
    }
    let Some(gt) = line.iter().position(|&b| b == b'>') else {
        return 0;
    };
    let after = &line[gt + 1..];
    let Some(end) = memchr::memchr(b'\n', after) else {
        return 0;
    };
    // strtoumax: leading spaces, an optional sign, digits.
    let digits = after[..end].trim_ascii_start();
    let (negative, digits) = match digits.first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits),
    };
    let n = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u64, |acc, &b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
    // git's timestamps are unsigned: a negative one wraps to the far future.
    if negative && n > 0 {
        return i64::MAX;
    }
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A [`RawCommit`] from a commit object's bytes, exactly as [`from_git2`]
/// reads the same object through libgit2 (`git_commit__parse_raw`: extra
/// `author` lines ignored, the last `encoding` header, the message after the
/// first empty line); `None` for anything unusual (a NUL byte, a malformed
/// signature), which the caller reads with libgit2 instead.
pub fn from_object(c: &CommitObject) -> Option<RawCommit> {
    let data = &c.data;
    let mut pos = 0;
    next_line(data, &mut pos)?.strip_prefix(b"tree ")?;
    let mut line = next_line(data, &mut pos)?;
    while line.starts_with(b"parent ") {
        line = next_line(data, &mut pos)?;
    }
    let author = signature(line.strip_prefix(b"author ")?)?;
    line = next_line(data, &mut pos)?;
    while line.starts_with(b"author ") {
        line = next_line(data, &mut pos)?;
    }
    let committer = signature(line.strip_prefix(b"committer ")?)?;
    let mut encoding = None;
    let message = loop {
        if data.get(pos) == Some(&b'\n') {
            break &data[pos + 1..];
        }
        if pos >= data.len() {
            break &data[..0];
        }
        let line = match next_line(data, &mut pos) {
            Some(l) => l,
            None => {
                let l = &data[pos..];
                pos = data.len();
                l
            }
        };
        if let Some(e) = line.strip_prefix(b"encoding ") {
            encoding = Some(e);
        }
    };
    if message.contains(&0) || encoding.is_some_and(|e| e.contains(&0)) {
        return None;
    }
    let [
        message,
        author_name,
        author_email,
        committer_name,
        committer_email,
    ] = decode_commit_text(
        encoding,
        [message, author.0, author.1, committer.0, committer.1],
    );
    Some(RawCommit {
        sha: oid_hex(&c.oid),
        parents: c.parents.iter().map(oid_hex).collect(),
        author_name,
        author_email,
        committer_name,
        committer_email,
        author_time: author.2,
        message,
    })
}

/// Reads one commit by id.
pub fn read(repo: &Repo, sha: &str) -> Result<RawCommit, GitError> {
    let oid =
        git2::Oid::from_str(sha).map_err(|_| GitError::UnknownRevision { rev: sha.into() })?;
    read_git2(repo.git2(), oid)
}

#[cfg(test)]
mod tests {
    #[test]
    fn object_ids_read_and_print_as_libgit2_does() {
        for text in [
            "0000000000000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffffffffffff",
            "834c5784ca2745a0b192180fb5d362277adb97a4",
            "0123456789abcdefABCDEF0123456789abcdef01",
        ] {
            let ours = super::oid_from_hex(text.as_bytes()).expect("40 hex digits");
            assert_eq!(ours, git2::Oid::from_str(text).expect("libgit2 reads it"));
            assert_eq!(super::oid_hex(&ours), ours.to_string());
            assert_eq!(super::oid_hex(&ours), text.to_ascii_lowercase());
        }
        // Short, long, or not hex at all: not an id (libgit2 pads a short
        // one with zeros; git's commit parser does not).
        for text in [
            "",
            "834c5784",
            "834c5784ca2745a0b192180fb5d362277adb97a",
            "834c5784ca2745a0b192180fb5d362277adb97a4a",
            "834c5784ca2745a0b192180fb5d362277adb97ag",
            "834c5784ca2745a0b192180fb5d362277adb97 4",
        ] {
            assert_eq!(super::oid_from_hex(text.as_bytes()), None, "{text:?}");
        }
    }

    use super::*;

    #[test]
    fn all_excludes_notes_refs() {
        let a = revspec_args(&["--all".into()]).unwrap();
        assert_eq!(a, vec!["--exclude=refs/notes/*", "--all"]);
    }

    #[test]
    fn options_that_write_files_are_refused() {
        assert!(revspec_args(&["--output=/tmp/x".into()]).is_err());
        assert!(revspec_args(&["-n5".into()]).is_ok());
    }
}
