//! Line → commit attribution. `git blame --porcelain` when git is on PATH
//! (15–20× faster than libgit2's blame), libgit2's blame otherwise.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Repo;
use crate::error::GitError;

/// One blamed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameLine {
    /// 1-based line number in the blamed revision.
    pub line: u32,
    /// The commit that last changed the line.
    pub commit: String,
    /// 1-based line number in that commit's version of the file.
    pub orig_line: u32,
    /// The file's path in that commit (differs after a rename).
    pub orig_path: String,
    /// The commit is a boundary of the walk (its history was not searched).
    pub boundary: bool,
    /// The parent `commit` was compared with and the file's path there
    /// (git's `previous` header); `None` for a root commit or a file the
    /// commit added.
    pub previous: Option<(String, String)>,
    /// The line's text (lossy UTF-8, no newline).
    pub content: String,
}

/// Fails when `line` is attributed to a commit whose history git did not
/// search: a shallow boundary (listed in `.git/shallow`, its parents never
/// fetched) or a `boundary` commit of the walk. Such a commit only *looks*
/// like the line's author — in a depth-1 clone every line blames to the
/// one fetched commit — so any decision that reads a blamed author or
/// commit calls this first (DESIGN §2, "Shallow clones": never guess).
/// `path` names the blamed file in the message.
pub fn check_not_boundary(repo: &Repo, line: &BlameLine, path: &str) -> Result<(), GitError> {
    let short = &line.commit[..12.min(line.commit.len())];
    if repo.is_shallow_boundary(&line.commit) {
        return Err(GitError::Shallow {
            what: format!(
                "line {} of {path} blames to {short}, the edge of this shallow clone, so who wrote it is unknown",
                line.line
            ),
        });
    }
    if line.boundary {
        return Err(GitError::Shallow {
            what: format!(
                "line {} of {path} blames to {short}, where git blame's walk stopped, so who wrote it is unknown",
                line.line
            ),
        });
    }
    Ok(())
}

/// Number of lines in `path` at `rev`, or `None` when the path is not a
/// blob in that tree.
pub fn line_count(repo: &Repo, rev: &str, path: &str) -> Result<Option<u32>, GitError> {
    let r = repo.git2();
    let commit = r.find_commit(git2::Oid::from_str(rev)?)?;
    let tree = commit.tree()?;
    let Ok(entry) = tree.get_path(std::path::Path::new(path)) else {
        return Ok(None);
    };
    let blob = match entry.to_object(r).and_then(|o| o.peel_to_blob()) {
        Ok(blob) => blob,
        // Listed as a file, but its content is absent: saying "not in the
        // tree" would send the reader looking for a path that is there.
        Err(e)
            if entry.kind() == Some(git2::ObjectType::Blob)
                && e.code() == git2::ErrorCode::NotFound =>
        {
            return Err(GitError::MissingObject {
                path: path.to_string(),
                rev: rev[..rev.len().min(12)].to_string(),
                blob: entry.id().to_string(),
            });
        }
        Err(_) => return Ok(None),
    };
    let c = blob.content();
    let mut n = c.iter().filter(|b| **b == b'\n').count() as u32;
    if !c.is_empty() && !c.ends_with(b"\n") {
        n += 1;
    }
    Ok(Some(n))
}

/// Blames `path` at commit `rev` (40 hex), limited to the 1-based inclusive
/// `ranges` (empty = whole file). Ranges are clamped to the file's length.
pub fn blame(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
) -> Result<Vec<BlameLine>, GitError> {
    blame_within(repo, rev, path, ranges, &[])
}

/// [`blame`], stopping the walk at the commits in `exclude` (40 hex, given
/// to git as `^REV`): a line older than them is attributed to one of them
/// with `boundary` set. Ignored without git (libgit2 cannot stop there).
pub fn blame_within(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
    exclude: &[String],
) -> Result<Vec<BlameLine>, GitError> {
    let Some(total) = line_count(repo, rev, path)? else {
        return Err(GitError::PathNotInTree {
            path: path.into(),
            rev: rev.into(),
        });
    };
    if total == 0 {
        return Ok(Vec::new());
    }
    let mut clamped: Vec<(u32, u32)> = ranges
        .iter()
        .map(|&(a, b)| (a.max(1), b.min(total)))
        .filter(|(a, b)| a <= b)
        .collect();
    if ranges.is_empty() {
        clamped.push((1, total));
    }
    if clamped.is_empty() {
        return Ok(Vec::new());
    }
    clamped.sort_unstable();
    if repo.has_git() {
        blame_git(repo, rev, path, &clamped, exclude)
    } else {
        blame_git2(repo, rev, path, &clamped)
    }
}

fn blame_git(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
    exclude: &[String],
) -> Result<Vec<BlameLine>, GitError> {
    let mut cmd = repo.git();
    // The raw file, as every diff aeef reads it (`--no-textconv`): a
    // textconv driver would give other lines and line numbers.
    cmd.args(["blame", "--porcelain", "--root", "--no-textconv"]);
    // git reads `blame.ignoreRevsFile` itself; the root file is passed here.
    if let Some(root) = &repo.ignore_revs().root_file {
        cmd.arg("--ignore-revs-file").arg(root);
    }
    for (a, b) in ranges {
        cmd.arg(format!("-L{a},{b}"));
    }
    cmd.arg(rev);
    for e in exclude {
        cmd.arg(format!("^{e}"));
    }
    cmd.arg("--").arg(path);
    let out = repo.run(&mut cmd)?;
    parse_porcelain(&out)
}

/// Parses `git blame --porcelain` output.
pub fn parse_porcelain(out: &[u8]) -> Result<Vec<BlameLine>, GitError> {
    let mut lines = Vec::new();
    let mut filename: HashMap<String, String> = HashMap::new();
    let mut boundary: HashMap<String, bool> = HashMap::new();
    let mut previous: HashMap<String, (String, String)> = HashMap::new();
    // (commit, orig_line, final_line) of the group being read.
    let mut current: Option<(String, u32, u32)> = None;
    let bad = |what: &str| GitError::Parse {
        what: format!("git blame --porcelain: {what}"),
    };
    for raw in out.split(|b| *b == b'\n') {
        if raw.first() == Some(&b'\t') {
            let (commit, orig, fin) = current
                .take()
                .ok_or_else(|| bad("content line without header"))?;
            lines.push(BlameLine {
                content: String::from_utf8_lossy(&raw[1..])
                    .trim_end_matches('\r')
                    .to_string(),
                line: fin,
                orig_path: filename.get(&commit).cloned().unwrap_or_default(),
                boundary: boundary.get(&commit).copied().unwrap_or(false),
                previous: previous.get(&commit).cloned(),
                commit,
                orig_line: orig,
            });
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        if let Some(sha) = current.as_ref().map(|c| c.0.clone()) {
            if let Some(f) = text.strip_prefix("filename ") {
                filename.insert(sha, super::diff_unquote(f));
            } else if let Some((p, f)) = text
                .strip_prefix("previous ")
                .and_then(|r| r.split_once(' '))
            {
                previous.insert(sha, (p.to_string(), super::diff_unquote(f)));
            } else if text == "boundary" {
                boundary.insert(sha, true);
            }
            continue;
        }
        let mut parts = text.split(' ');
        let (Some(sha), Some(orig), Some(fin)) = (parts.next(), parts.next(), parts.next()) else {
            if text.is_empty() {
                continue;
            }
            return Err(bad("unexpected header"));
        };
        if sha.len() < 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("unexpected header"));
        }
        current = Some((
            sha.to_string(),
            orig.parse().map_err(|_| bad("bad line number"))?,
            fin.parse().map_err(|_| bad("bad line number"))?,
        ));
    }
    Ok(lines)
}

fn blame_git2(
    repo: &Repo,
    rev: &str,
    path: &str,
    ranges: &[(u32, u32)],
) -> Result<Vec<BlameLine>, GitError> {
    let r = repo.git2();
    let text = {
        let commit = r.find_commit(git2::Oid::from_str(rev)?)?;
        let blob = commit
            .tree()?
            .get_path(std::path::Path::new(path))?
            .to_object(r)?
            .peel_to_blob()?;
        String::from_utf8_lossy(blob.content()).into_owned()
    };
    let contents: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut previous: HashMap<(git2::Oid, String), Option<(String, String)>> = HashMap::new();
    for &(a, b) in ranges {
        let mut opts = git2::BlameOptions::new();
        opts.newest_commit(git2::Oid::from_str(rev)?)
            .min_line(a as usize)
            .max_line(b as usize)
            .track_copies_same_file(true);
        let blame = r.blame_file(std::path::Path::new(path), Some(&mut opts))?;
        for line in a..=b {
            let Some(h) = blame.get_line(line as usize) else {
                continue;
            };
            let offset = line - h.final_start_line() as u32;
            let orig_path = h
                .path()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string());
            let commit = h.final_commit_id();
            let prev = previous
                .entry((commit, orig_path.clone()))
                .or_insert_with(|| previous_git2(r, commit, &orig_path))
                .clone();
            out.push(BlameLine {
                line,
                commit: commit.to_string(),
                orig_line: h.orig_start_line() as u32 + offset,
                orig_path,
                previous: prev,
                // libgit2 marks root commits as boundaries; only shallow edges matter and
                // those are checked against .git/shallow by the caller.
                boundary: false,
                content: contents
                    .get(line as usize - 1)
                    .unwrap_or(&"")
                    .trim_end_matches('\r')
                    .to_string(),
            });
        }
    }
    out.dedup_by_key(|l| l.line);
    Ok(out)
}

/// git's `previous` for libgit2's blame, which does not report it: the first
/// parent, when the file exists there under the same path (libgit2's blame
/// does not say where a renamed file came from).
fn previous_git2(r: &git2::Repository, commit: git2::Oid, path: &str) -> Option<(String, String)> {
    let parent = r.find_commit(commit).ok()?.parent(0).ok()?;
    parent
        .tree()
        .ok()?
        .get_path(std::path::Path::new(path))
        .ok()?;
    Some((parent.id().to_string(), path.to_string()))
}

/// The revisions blame skips (DESIGN §2): those listed in
/// `.git-blame-ignore-revs` at the work tree's root and in the files
/// `blame.ignoreRevsFile` names, read as git's `--ignore-revs-file` reads
/// them (one full object id per line, `#` starts a comment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRevs {
    /// `<root>/.git-blame-ignore-revs` when it exists (git is given it
    /// with `--ignore-revs-file`; it reads `blame.ignoreRevsFile` itself).
    pub root_file: Option<PathBuf>,
    /// Every file read, as the user names it, with the ids it lists.
    pub files: Vec<(String, Vec<String>)>,
}

/// Name of the ignore list git users keep at the repository's root.
pub const IGNORE_REVS_FILE: &str = ".git-blame-ignore-revs";

impl IgnoreRevs {
    /// Reads the lists for `repo` (work tree root and `blame.ignoreRevsFile`,
    /// relative paths taken from the root, as git run there does; `~/`
    /// expanded). A missing configured file is left to git, which refuses it.
    pub fn read(repo: &git2::Repository, root: &Path) -> IgnoreRevs {
        let mut out = IgnoreRevs::default();
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut add = |out: &mut IgnoreRevs, name: String, abs: PathBuf| {
            let canon = abs.canonicalize().unwrap_or_else(|_| abs.clone());
            if seen.contains(&canon) {
                return;
            }
            seen.push(canon);
            if let Ok(text) = std::fs::read_to_string(&abs) {
                out.files.push((name, parse_ignore_list(&text)));
            }
        };
        let rootfile = root.join(IGNORE_REVS_FILE);
        if repo.workdir().is_some() && rootfile.is_file() {
            out.root_file = Some(rootfile.clone());
            add(&mut out, IGNORE_REVS_FILE.to_string(), rootfile);
        }
        let configured: Vec<String> = repo
            .config()
            .ok()
            .and_then(|c| {
                let mut v = Vec::new();
                let mut entries = c.multivar("blame.ignorerevsfile", None).ok()?;
                while let Some(Ok(e)) = entries.next() {
                    match e.value() {
                        // An empty value resets the list, as in git.
                        Ok("") => v.clear(),
                        Ok(s) => v.push(s.to_string()),
                        Err(_) => {}
                    }
                }
                Some(v)
            })
            .unwrap_or_default();
        for name in configured {
            let abs = match name.strip_prefix("~/") {
                Some(rest) => std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(rest))
                    .unwrap_or_else(|| PathBuf::from(&name)),
                None => root.join(&name),
            };
            add(&mut out, name, abs);
        }
        out
    }

    /// Every listed id, once, in file order.
    pub fn revs(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for (_, ids) in &self.files {
            for id in ids {
                if !v.contains(&id.as_str()) {
                    v.push(id);
                }
            }
        }
        v
    }

    /// True when no revision is skipped.
    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|(_, ids)| ids.is_empty())
    }

    /// The file that lists `rev` (for evidence).
    pub fn listed_in(&self, rev: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(_, ids)| ids.iter().any(|i| i == rev))
            .map(|(n, _)| n.as_str())
    }

    /// The listed revisions in the history of `at` (40 hex) that changed
    /// `path` against their first parent: the ones a blame of that file at
    /// `at` looks past.
    pub fn touching(&self, repo: &git2::Repository, at: &str, path: &str) -> Vec<String> {
        self.touching_in(repo, at, path, &|_| None)
    }

    /// [`IgnoreRevs::touching`], asking `in_history` first whether a
    /// revision is in the history of `at` (`None`: unknown, then libgit2's
    /// descendant walk decides, which costs a history walk per revision).
    pub fn touching_in(
        &self,
        repo: &git2::Repository,
        at: &str,
        path: &str,
        in_history: &dyn Fn(git2::Oid) -> Option<bool>,
    ) -> Vec<String> {
        let p = Path::new(path);
        let Ok(at) = git2::Oid::from_str(at) else {
            return Vec::new();
        };
        let entry = |c: &git2::Commit<'_>| c.tree().ok()?.get_path(p).ok().map(|e| e.id());
        self.revs()
            .into_iter()
            .filter(|id| {
                let Some(c) = git2::Oid::from_str(id)
                    .ok()
                    .and_then(|o| repo.find_commit(o).ok())
                else {
                    return false;
                };
                let before = c.parent(0).ok().and_then(|p| entry(&p));
                let after = entry(&c);
                after.is_some()
                    && before != after
                    && (c.id() == at
                        || in_history(c.id()).unwrap_or_else(|| {
                            repo.graph_descendant_of(at, c.id()).unwrap_or(false)
                        }))
            })
            .map(str::to_string)
            .collect()
    }
}

/// The ids of an ignore list, as git's `oidset_parse_file` reads it.
pub fn parse_ignore_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}
