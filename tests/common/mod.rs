//! Test helpers: `RepoBuilder` makes real git repositories with fixed
//! authors and dates, and `aeef()` runs the built binary.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Base of every commit date: 2026-01-05T10:00:00Z, one hour per commit.
const EPOCH: i64 = 1_767_607_200;

/// Builds a throwaway repository commit by commit.
pub struct RepoBuilder {
    dir: tempfile::TempDir,
    author: (String, String),
    committer: Option<(String, String)>,
    trailers: Vec<(String, String)>,
    tick: i64,
    /// An explicit date for the next commit only (see [`RepoBuilder::at`]).
    next_date: Option<i64>,
}

/// Runs git in `dir` with a clean, fixed environment; panics with git's
/// stderr on failure (test set-up only).
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .stdin(Stdio::null())
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Default for RepoBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RepoBuilder {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        git_in(dir.path(), &["init", "-q", "-b", "main"]);
        git_in(dir.path(), &["config", "user.name", "Test"]);
        git_in(dir.path(), &["config", "user.email", "test@example.com"]);
        git_in(dir.path(), &["config", "commit.gpgsign", "false"]);
        RepoBuilder {
            dir,
            author: ("Alice Human".into(), "alice@example.com".into()),
            committer: None,
            trailers: Vec::new(),
            tick: 0,
            next_date: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn path_buf(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Sets the author of the following commits (and the committer, unless
    /// `committer` is set).
    pub fn author(&mut self, name: &str, email: &str) -> &mut Self {
        self.author = (name.into(), email.into());
        self
    }

    /// Sets a committer distinct from the author for the following commits.
    pub fn committer(&mut self, name: &str, email: &str) -> &mut Self {
        self.committer = Some((name.into(), email.into()));
        self
    }

    /// Adds a trailer to the next commit only.
    pub fn trailer(&mut self, key: &str, value: &str) -> &mut Self {
        self.trailers.push((key.into(), value.into()));
        self
    }

    /// Writes a whole file.
    pub fn write(&mut self, path: &str, contents: &str) -> &mut Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Writes raw bytes (binary files).
    pub fn write_bytes(&mut self, path: &str, contents: &[u8]) -> &mut Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// Replaces 1-based lines `from..=to` of `path` with `lines`
    /// (an empty `lines` deletes them; `to == from - 1` inserts before `from`).
    pub fn edit(&mut self, path: &str, from: usize, to: usize, lines: &[&str]) -> &mut Self {
        let p = self.dir.path().join(path);
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let mut v: Vec<String> = text.lines().map(str::to_string).collect();
        let start = from - 1;
        let end = to.min(v.len());
        v.splice(start..end, lines.iter().map(|s| s.to_string()));
        let mut out = v.join("\n");
        out.push('\n');
        std::fs::write(p, out).unwrap();
        self
    }

    pub fn remove(&mut self, path: &str) -> &mut Self {
        git_in(self.dir.path(), &["rm", "-q", path]);
        self
    }

    pub fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        let p = self.dir.path().join(to);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        git_in(self.dir.path(), &["mv", from, to]);
        self
    }

    /// Dates the next commit (author and committer) at `rfc3339` instead of
    /// the next hourly tick; later commits continue the hourly sequence.
    pub fn at(&mut self, rfc3339: &str) -> &mut Self {
        let t = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("RFC 3339 date");
        self.next_date = Some(t.timestamp());
        self
    }

    fn dates(&mut self) -> String {
        if let Some(t) = self.next_date.take() {
            return format!("@{t} +0000");
        }
        self.tick += 1;
        format!("@{} +0000", EPOCH + self.tick * 3600)
    }

    fn env_cmd(&mut self, args: &[&str]) -> Command {
        let date = self.dates();
        let (an, ae) = self.author.clone();
        let (cn, ce) = self
            .committer
            .clone()
            .unwrap_or_else(|| self.author.clone());
        let mut c = Command::new("git");
        c.current_dir(self.dir.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            .env("GIT_AUTHOR_NAME", an)
            .env("GIT_AUTHOR_EMAIL", ae)
            .env("GIT_COMMITTER_NAME", cn)
            .env("GIT_COMMITTER_EMAIL", ce)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .stdin(Stdio::null());
        c
    }

    /// Commits everything in the work tree with `msg` plus pending trailers;
    /// returns the new commit id.
    pub fn commit(&mut self, msg: &str) -> String {
        let mut message = msg.to_string();
        if !self.trailers.is_empty() {
            message.push_str("\n\n");
            for (k, v) in self.trailers.drain(..) {
                message.push_str(&format!("{k}: {v}\n"));
            }
        }
        self.commit_raw(message.as_bytes())
    }

    /// Commits with the message bytes exactly as given (no cleanup).
    pub fn commit_raw(&mut self, message: &[u8]) -> String {
        git_in(self.dir.path(), &["add", "-A"]);
        let msg_file = self.dir.path().join(".git/AEEF_TEST_MSG");
        std::fs::write(&msg_file, message).unwrap();
        let out = self
            .env_cmd(&["commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F"])
            .arg(&msg_file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "commit failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.head()
    }

    pub fn head(&self) -> String {
        git_in(self.dir.path(), &["rev-parse", "HEAD"])
            .trim()
            .to_string()
    }

    pub fn checkout_new(&mut self, branch: &str, at: &str) -> &mut Self {
        git_in(self.dir.path(), &["checkout", "-q", "-b", branch, at]);
        self
    }

    pub fn checkout(&mut self, branch: &str) -> &mut Self {
        git_in(self.dir.path(), &["checkout", "-q", branch]);
        self
    }

    /// Merges `branch`; on conflict, takes `resolution` for each (path, contents)
    /// and commits the merge. Returns the merge commit.
    pub fn merge(&mut self, branch: &str, msg: &str, resolution: &[(&str, &str)]) -> String {
        let _ = self
            .env_cmd(&["merge", "-q", "--no-ff", "--no-commit", branch])
            .output()
            .unwrap();
        for (p, c) in resolution {
            self.write(p, c);
        }
        self.commit(msg)
    }

    /// Attaches a git-ai note to `sha` under refs/notes/ai.
    pub fn note(&mut self, sha: &str, text: &str) -> &mut Self {
        let f = self.dir.path().join(".git/AEEF_TEST_NOTE");
        std::fs::write(&f, text).unwrap();
        let out = self
            .env_cmd(&["notes", "--ref=ai", "add", "-f", "-F"])
            .arg(&f)
            .arg(sha)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.dir.path(), args)
    }
}

/// Runs aeef with a deadline: a read that blocks (a FIFO) or a loop must
/// not hang CI; past `limit` the process is killed and the test fails.
pub fn aeef_within(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: std::time::Duration,
) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aeef"));
    c.current_dir(dir)
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_EVENT_PATH")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("aeef runs");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!(
                "aeef {args:?} still running after {limit:?} (blocked): {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Runs the aeef binary with `args` in `dir`.
pub fn aeef(dir: &Path, args: &[&str]) -> Output {
    aeef_env(dir, args, &[])
}

/// Runs the aeef binary with extra environment variables.
pub fn aeef_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aeef"));
    c.current_dir(dir)
        .args(args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("aeef runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether util-linux `script` (a pseudo-terminal for terminal-only
/// behaviour) is installed; a test that needs it says it skipped.
pub fn script_available() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: util-linux `script` is not installed");
    }
    found
}
