//! Reading commits: one `git log` stream for ranges (as fast as git itself),
//! libgit2 for single commits and when `git` is not on PATH.
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

/// Fields per `git log` record (see the `--format` in [`LogStream::start`]).
const FIELDS: usize = 8;

/// Every commit `git rev-list <spec>` lists, newest first, with messages.
pub fn log(repo: &Repo, spec: &[String]) -> Result<Vec<RawCommit>, GitError> {
    let mut stream = LogStream::start(repo, spec)?;
    let mut out = Vec::new();
    for batch in stream.by_ref() {
        out.extend(batch);
    }
    stream.finish()?;
    Ok(out)
}

/// Commits per batch handed out by [`LogStream`].
const BATCH: usize = 256;

/// `git log` read as it runs, in batches, so parsing overlaps git's work.
pub struct LogStream {
    child: Option<std::process::Child>,
    reader: Option<std::io::BufReader<std::process::ChildStdout>>,
    /// Commits already read when git is not on PATH.
    preloaded: Option<std::vec::IntoIter<RawCommit>>,
    args: Vec<String>,
    error: Option<GitError>,
}

fn into_text(v: Vec<u8>) -> String {
    String::from_utf8(v).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl LogStream {
    /// Starts `git log` over `spec` (libgit2 walk when git is absent).
    pub fn start(repo: &Repo, spec: &[String]) -> Result<LogStream, GitError> {
        let args = revspec_args(spec).map_err(|e| GitError::CommandFailed {
            command: "aeef scan".into(),
            stderr: e.message,
        })?;
        if !repo.has_git() {
            return Ok(LogStream {
                child: None,
                reader: None,
                preloaded: Some(log_git2(repo, &args)?.into_iter()),
                args,
                error: None,
            });
        }
        let mut cmd = repo.git();
        cmd.args([
            "log",
            "-z",
            "--no-color",
            "--no-show-signature",
            "--encoding=UTF-8",
            "--format=%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%at%x00%B",
        ]);
        cmd.args(&args)
            .arg("--")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn()?;
        let reader = child
            .stdout
            .take()
            .map(|o| std::io::BufReader::with_capacity(1 << 20, o));
        Ok(LogStream {
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
        let out = child.wait_with_output()?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if let Some(bad) = self
            .args
            .iter()
            .find(|a| !a.starts_with('-') && stderr.contains(a.as_str()))
        {
            return Err(GitError::UnknownRevision { rev: bad.clone() });
        }
        Err(GitError::CommandFailed {
            command: format!("git log {}", self.args.join(" ")),
            stderr,
        })
    }

    /// Reads one NUL-separated record; `None` at the end of the stream.
    fn record(&mut self) -> Result<Option<RawCommit>, GitError> {
        use std::io::BufRead;
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        let mut f: [Vec<u8>; FIELDS] = Default::default();
        for (i, slot) in f.iter_mut().enumerate() {
            let n = reader.read_until(0, slot)?;
            if slot.last() == Some(&0) {
                slot.pop();
            }
            if n == 0 {
                if i == 0 {
                    return Ok(None);
                }
                return Err(GitError::Parse {
                    what: "truncated git log record".into(),
                });
            }
        }
        let [sha, parents, an, ae, cn, ce, at, msg] = f;
        let sha = into_text(sha);
        Ok(Some(RawCommit {
            sha: sha.trim_start_matches('\n').to_string(),
            parents: std::str::from_utf8(&parents)
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            author_name: into_text(an),
            author_email: into_text(ae),
            committer_name: into_text(cn),
            committer_email: into_text(ce),
            author_time: std::str::from_utf8(&at)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0),
            message: into_text(msg),
        }))
    }
}

impl Iterator for LogStream {
    type Item = Vec<RawCommit>;

    fn next(&mut self) -> Option<Vec<RawCommit>> {
        if let Some(pre) = self.preloaded.as_mut() {
            let v: Vec<RawCommit> = pre.by_ref().take(BATCH).collect();
            return (!v.is_empty()).then_some(v);
        }
        let mut v = Vec::with_capacity(BATCH);
        while v.len() < BATCH {
            match self.record() {
                Ok(Some(c)) => v.push(c),
                Ok(None) => break,
                Err(e) => {
                    self.error = Some(e);
                    self.reader = None;
                    break;
                }
            }
        }
        (!v.is_empty()).then_some(v)
    }
}

/// libgit2 walk for `A`, `^A`, `A..B`, `--all` when `git` is absent.
fn log_git2(repo: &Repo, args: &[String]) -> Result<Vec<RawCommit>, GitError> {
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
    walk.map(|oid| read_git2(r, oid?)).collect()
}

fn read_git2(r: &git2::Repository, oid: git2::Oid) -> Result<RawCommit, GitError> {
    let c = r.find_commit(oid)?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok(RawCommit {
        sha: oid.to_string(),
        parents: c.parent_ids().map(|p| p.to_string()).collect(),
        author_name: text(c.author().name_bytes()),
        author_email: text(c.author().email_bytes()),
        committer_name: text(c.committer().name_bytes()),
        committer_email: text(c.committer().email_bytes()),
        author_time: c.author().when().seconds(),
        message: text(c.message_raw_bytes()),
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
