//! The action's history steps (`scripts/action-run.sh`, DESIGN §9) on a
//! simulated runner: a built repository is the "remote" (a base branch, a
//! topic branch with a git-ai note, and the `refs/pull/N/merge` commit
//! GitHub makes), the workspace is a real shallow clone of it over
//! `file://`, made with the commands `actions/checkout` runs on
//! `pull_request` (the merge commit at depth 1, no `refs/notes/*`), and the
//! environment is what a runner sets. The real `aeef gate` runs at the end.
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{RepoBuilder, git_in};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-run.sh")
}

/// A git-ai note attributing lines `ranges` of `path` to a Claude session.
fn note(path: &str, ranges: &str) -> String {
    format!(
        "{path}\n  s_0123456789abcd::t_0123456789abcd {ranges}\n---\n{{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}\n"
    )
}

/// The remote: `main` with `main_commits` commits after the fork point,
/// `topic` with `topic_commits` commits after it (the second one AI-written
/// by its git-ai note only), and `refs/pull/7/merge`.
struct Remote {
    repo: RepoBuilder,
    base: String,
    head: String,
    merge: String,
    noted: String,
}

fn remote(main_commits: usize, topic_commits: usize) -> Remote {
    let mut r = RepoBuilder::new();
    // Older history below the fork point, which deepening must not need.
    for i in 0..8 {
        r.write("README.md", &format!("shop {i}\n"));
        r.commit(&format!("early work {i}"));
    }
    let fork = r.head();
    for i in 0..main_commits {
        r.write("main.txt", &format!("main {i}\n"));
        r.commit(&format!("main work {i}"));
    }
    let base = r.head();
    r.checkout_new("topic", &fork);
    let mut noted = String::new();
    for i in 0..topic_commits {
        r.write(&format!("src/f{i}.rs"), "fn a() {}\nfn b() {}\n");
        let sha = r.commit(&format!("topic work {i}"));
        if i == 1 {
            r.note(&sha, &note(&format!("src/f{i}.rs"), "1-2"));
            noted = sha;
        }
    }
    let head = r.head();
    // The test merge commit GitHub keeps at refs/pull/N/merge: base first.
    r.checkout_new("merge-tmp", &base);
    let merge = r.merge("topic", "Merge topic into main", &[]);
    r.git(&["update-ref", "refs/pull/7/merge", &merge]);
    r.checkout("main");
    r.git(&["branch", "-q", "-D", "merge-tmp"]);
    Remote {
        repo: r,
        base,
        head,
        merge,
        noted,
    }
}

/// A simulated runner with the workspace checked out as actions/checkout
/// does on `pull_request` with its defaults.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn checkout(remote: &Remote) -> Runner {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("file://{}", remote.repo.path().display());
        // What actions/checkout runs on `pull_request` with its defaults:
        // one fetch of the test merge ref at depth 1 (over file://, where
        // git honours depth), no tags, no notes.
        let ws = dir.path().join("workspace");
        std::fs::create_dir(&ws).expect("mkdir");
        git_in(&ws, &["init", "-q"]);
        git_in(&ws, &["remote", "add", "origin", &url]);
        git_in(
            &ws,
            &[
                "fetch",
                "-q",
                "--no-tags",
                "--prune",
                "--no-recurse-submodules",
                "--depth=1",
                "origin",
                "+refs/pull/7/merge:refs/remotes/pull/7/merge",
            ],
        );
        git_in(
            &ws,
            &["checkout", "-q", "--detach", "refs/remotes/pull/7/merge"],
        );
        std::fs::create_dir(dir.path().join("temp")).expect("mkdir");
        let event = serde_json::json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "title": "Topic",
                "body": "",
                "base": {"ref": "main", "sha": remote.base},
                "head": {"ref": "topic", "sha": remote.head},
            },
            "repository": {"full_name": "acme/shop"},
        });
        std::fs::write(dir.path().join("event.json"), event.to_string()).expect("event");
        Runner { dir }
    }

    fn ws(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(&self.ws(), args)
    }

    fn has(&self, sha: &str) -> bool {
        Command::new("git")
            .current_dir(self.ws())
            .args(["cat-file", "-e", &format!("{sha}^{{commit}}")])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stderr(Stdio::null())
            .status()
            .expect("git")
            .success()
    }

    /// Runs the action's script as action.yml does, with the environment a
    /// runner sets for a `pull_request` event and the real aeef.
    fn run(&self, inputs: &[(&str, &str)], env: &[(&str, &str)], merge: &str) -> Output {
        let mut c = Command::new("bash");
        c.arg(script())
            .current_dir(self.ws())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", self.dir.path().join("event.json"))
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_HEAD_REF", "topic")
            .env("GITHUB_REF", "refs/pull/7/merge")
            .env("GITHUB_SHA", merge)
            .env("GITHUB_REPOSITORY", "acme/shop")
            .env("GITHUB_WORKSPACE", self.ws())
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
            .env("RUNNER_TEMP", self.dir.path().join("temp"))
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("AEEF_BIN", env!("CARGO_BIN_EXE_aeef"))
            .env("INPUT_VERSION", "")
            .env("INPUT_ARGS", "--offline")
            .env("INPUT_FAIL_ON", "overdue")
            .env("INPUT_FORMAT", "json")
            .env("INPUT_WORKING_DIRECTORY", ".")
            .env("INPUT_GITHUB_TOKEN", "")
            .env("INPUT_OUTPUT", "")
            .env("INPUT_DEEPEN", "true")
            .stdin(Stdio::null());
        for (k, v) in inputs {
            c.env(format!("INPUT_{k}"), v);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("bash runs")
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Guards issue 13 item 4, the measured gaps: with actions/checkout's
/// defaults the notes never reached the gate (AI lines known from notes
/// counted as human) and the shallow clone ended the gate with exit 2.
/// Now the script fetches `refs/notes/ai`, deepens to the merge base, and
/// the real gate decides: the commit that only its note marks as AI is
/// found and lacks its AEEF fields.
#[test]
fn action_fetches_notes_and_deepens_a_shallow_pr_checkout_so_the_gate_decides() {
    let remote = remote(3, 5);
    let r = Runner::checkout(&remote);
    assert_eq!(
        r.git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
    assert!(
        !r.has(&remote.base) && !r.has(&remote.head),
        "set-up: parents absent"
    );
    assert!(r.git(&["for-each-ref", "refs/notes/"]).is_empty());

    let out = r.run(&[], &[("AEEF_DEEPEN_START", "2")], &remote.merge);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    // The gate ran and decided (a verdict, not exit 2).
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("gate JSON");
    assert_eq!(doc["verdict"], "fail", "{doc:#}");
    let findings = doc["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["rule"] == "provenance-incomplete"
            && f["commit"] == remote.noted.as_str()
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("git-ai-note"))),
        "the note-only AI commit must be found: {doc:#}"
    );
    // The notes ref mirrors the remote's.
    assert_eq!(
        r.git(&["rev-parse", "refs/notes/ai"]),
        remote.repo.git(&["rev-parse", "refs/notes/ai"])
    );
    // The merge base is present, as git computes it on the remote.
    let mb = remote
        .repo
        .git(&["merge-base", &remote.base, &remote.head])
        .trim()
        .to_string();
    assert_eq!(
        r.git(&["merge-base", &remote.base, &remote.head]).trim(),
        mb
    );
    // Still a shallow clone: deepened, not unshallowed.
    assert_eq!(
        r.git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
    assert!(stderr.contains("fetched refs/notes/ai"), "{stderr}");
    assert!(stderr.contains("deepened the shallow clone"), "{stderr}");
}

/// Guards the bound: a merge base further back than AEEF_DEEPEN_LIMIT stops
/// with exit 2 and says what to set, and aeef does not run on a history
/// that cannot decide.
#[test]
fn deepening_is_bounded_and_exit_2_names_fetch_depth_0() {
    let remote = remote(2, 12);
    let r = Runner::checkout(&remote);
    let out = r.run(
        &[],
        &[("AEEF_DEEPEN_START", "2"), ("AEEF_DEEPEN_LIMIT", "6")],
        &remote.merge,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("::error title=aeef action::")
            && stderr.contains("not within 6 commits")
            && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "aeef must not have run");
    // The step's outputs say so (issue 13 item 4), not nothing.
    assert_eq!(
        std::fs::read_to_string(r.dir.path().join("output")).unwrap(),
        "verdict=error\n"
    );
    // Bounded: the merge base is still absent after 6 commits of deepening.
    let status = Command::new("git")
        .current_dir(r.ws())
        .args(["merge-base", &remote.base, &remote.head])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git");
    assert!(!status.status.success());
}

/// Guards `deepen: false`: the history stays as checked out (the notes are
/// still fetched), and the gate reports the missing history itself (exit 2
/// with its `fetch-depth: 0` hint).
#[test]
fn deepen_false_leaves_the_history_alone_and_the_gate_says_why() {
    let remote = remote(1, 3);
    let r = Runner::checkout(&remote);
    let shallow_before = std::fs::read_to_string(r.ws().join(".git/shallow")).expect("shallow");
    let out = r.run(&[("DEEPEN", "false")], &[], &remote.merge);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!r.has(&remote.base) && !r.has(&remote.head));
    assert_eq!(
        std::fs::read_to_string(r.ws().join(".git/shallow")).expect("shallow"),
        shallow_before
    );
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    assert!(!stderr.contains("deepened"), "{stderr}");
    assert_eq!(
        r.git(&["rev-parse", "refs/notes/ai"]),
        remote.repo.git(&["rev-parse", "refs/notes/ai"])
    );
}

/// Guards "a missing notes ref on the remote is not an error": a remote
/// without git-ai notes passes through to the gate, which passes.
#[test]
fn a_remote_without_notes_is_not_an_error() {
    let remote = remote(1, 1);
    remote.repo.git(&["update-ref", "-d", "refs/notes/ai"]);
    let r = Runner::checkout(&remote);
    let out = r.run(&[], &[], &remote.merge);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stderr}",
        text(&out.stdout)
    );
    assert!(stderr.contains("has no refs/notes/ai"), "{stderr}");
    assert!(r.git(&["for-each-ref", "refs/notes/"]).is_empty());
    assert!(r.has(&remote.base) && r.has(&remote.head));
}

/// Guards `args` as a source of the change and as untrusted input: a
/// `--base` that is neither a commit id nor a local name is never handed
/// to `git fetch` (it could read as an option), and a bad `deepen` value is
/// an input error.
#[test]
fn names_from_args_never_reach_git_fetch_and_deepen_takes_true_or_false() {
    let remote = remote(1, 2);
    let r = Runner::checkout(&remote);
    let pwned = r.dir.path().join("pwned");
    let args = format!(
        "--offline --base --upload-pack=touch\\ {p} --head {h}",
        p = pwned.display(),
        h = remote.head
    );
    let out = r.run(&[("ARGS", &args)], &[], &remote.merge);
    assert!(!pwned.exists(), "an args value ran as an upload-pack");
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = r.run(&[("DEEPEN", "sometimes")], &[], &remote.merge);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("deepen must be true or false"));
}

/// One truth: the notes refs the script fetches are the ones aeef reads.
#[test]
fn the_script_fetches_the_notes_ref_aeef_reads() {
    let script = std::fs::read_to_string(script()).expect("script");
    let line = script
        .lines()
        .find(|l| l.starts_with("AEEF_NOTES_REFS=("))
        .expect("AEEF_NOTES_REFS in the script");
    assert_eq!(line, format!("AEEF_NOTES_REFS=({})", aeef::git::NOTES_REF));
}

/// Guards failing closed without leaking: a remote that cannot be read
/// stops the step with exit 2 before the gate (which would count AI lines
/// known from notes as human), and a credential in the remote's URL does
/// not reach the log.
#[test]
fn an_unreadable_remote_is_exit_2_and_its_credentials_stay_out_of_the_log() {
    let remote = remote(1, 1);
    let r = Runner::checkout(&remote);
    r.git(&[
        "remote",
        "set-url",
        "origin",
        "https://ci-user:s3cr3t-t0ken@127.0.0.1:9/acme/shop.git",
    ]);
    let out = r.run(&[], &[], &remote.merge);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not list the notes refs"), "{stderr}");
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
    assert!(out.stdout.is_empty(), "aeef must not have run");
}

/// Guards issue 13 items 3 and 4: `AEEF_REMOTE` naming a remote the clone
/// does not have is a misconfiguration, exit 2 before the gate (going on
/// would count AI lines known from its notes as human); and every exit 2
/// of the script, this one and an unreadable remote alike, leaves
/// `verdict=error` in the step outputs instead of nothing.
#[test]
fn a_missing_named_remote_is_exit_2_and_every_early_exit_writes_verdict_error() {
    let remote = remote(1, 1);
    let r = Runner::checkout(&remote);
    let output = r.dir.path().join("output");
    let out = r.run(&[], &[("AEEF_REMOTE", "upstream")], &remote.merge);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("AEEF_REMOTE names remote 'upstream'") && stderr.contains("origin"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "aeef must not have run");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "verdict=error\n");

    std::fs::remove_file(&output).unwrap();
    r.git(&[
        "remote",
        "set-url",
        "origin",
        "https://127.0.0.1:9/acme/shop.git",
    ]);
    let out = r.run(&[], &[], &remote.merge);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "verdict=error\n");
}
