//! `aeef gate` end to end on built repositories: each way it passes, fails
//! and refuses to decide.
mod common;

use common::{RepoBuilder, aeef, aeef_env, git_in, stderr, stdout};
use serde_json::Value;

const BEFORE_DUE: &str = "2026-11-10T00:00:00Z";
const AFTER_DUE: &str = "2026-11-25T00:00:00Z";

/// A repository with one AI commit on src/pay.rs and an open SEV-3 incident
/// naming it, with two unverified actions due 2026-11-20 and 2026-12-20.
fn repo() -> (RepoBuilder, String) {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    r.write("src/pay.rs", "a\nb\nc\n");
    full_trailers(&mut r);
    let ai = r.commit("Add payment retry");
    let short = &ai[..8];
    r.write(
        "incidents/INC-2026-001.yaml",
        &format!(
            "id: INC-2026-001
title: Payment retry double-charges
severity: SEV-3
status: open
detected_at: 2026-11-02T09:14:00Z
acknowledged_at: 2026-11-02T09:30:00Z
faulty_commits: [{short}]
corrective_actions:
  - id: CA-1
    action: Add an idempotency key
    category: immediate-fix
    owner: alice
    due: 2026-11-20
    issue: 1
  - id: CA-2
    action: Add a timeout test
    category: test-improvement
    owner: carol
    due: 2026-12-20
    issue: 2
"
        ),
    );
    r.commit("Record INC-2026-001");
    (r, ai)
}

fn full_trailers(r: &mut RepoBuilder) {
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4")
        .trailer("AI-Prompt-Ref", "prompts/pay.v1")
        .trailer("AI-Human-Modifications", "minor")
        .trailer("AI-Reviewed-By", "bob");
}

fn gate(r: &RepoBuilder, args: &[&str]) -> (i32, Value) {
    let mut a = vec!["gate", "--format", "json"];
    a.extend_from_slice(args);
    let o = aeef(r.path(), &a);
    let v = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&o), stderr(&o)));
    (o.status.code().unwrap(), v)
}

fn rules(v: &Value, level: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == level)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The record `text` with `verified_by: WHO` and a `verified_at` added to
/// the action whose line is `    issue: N`.
fn with_verifier(text: &str, issue: u32, who: &str) -> String {
    let line = format!("    issue: {issue}\n");
    text.replace(
        &line,
        &format!("{line}    verified_by: {who}\n    verified_at: 2026-11-19T10:00:00Z\n"),
    )
}

/// The error rules a findings report `v` names for action `ca`.
fn ca_errors(v: &Value, ca: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["corrective_action"] == ca && f["level"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// `aeef [before…] ca status --offline`'s entry for action `ca`.
fn ca_status(r: &RepoBuilder, before: &[&str], ca: &str) -> Value {
    let mut args = before.to_vec();
    args.extend([
        "ca",
        "status",
        "--offline",
        "--format",
        "json",
        "--now",
        AFTER_DUE,
    ]);
    let o = aeef(r.path(), &args);
    let st: Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    st["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["corrective_action"] == ca)
        .unwrap()
        .clone()
}

#[test]
fn passes_while_actions_are_not_yet_due() {
    let (r, _) = repo();
    let (code, v) = gate(&r, &["--now", BEFORE_DUE]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["schema_version"], 1);
    assert!(rules(&v, "error").is_empty());
    assert!(rules(&v, "warn").contains(&"ca-unverified".to_string()));
}

#[test]
fn unverified_action_past_due_fails() {
    let (r, _) = repo();
    let (code, v) = gate(&r, &["--now", AFTER_DUE]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "fail");
    assert_eq!(rules(&v, "error"), ["ca-unverified-overdue"]);
    let f = &v["findings"][0];
    assert_eq!(f["corrective_action"], "CA-1");
    assert_eq!(f["file"], "incidents/INC-2026-001.yaml");
    assert!(f["line"].as_u64().is_some());
}

#[test]
fn fail_on_unverified_fails_any_unverified_action() {
    let (r, _) = repo();
    let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--fail-on", "unverified"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v, "error"), ["ca-unverified", "ca-unverified"]);
}

#[test]
fn verified_by_someone_else_in_history_passes_even_when_overdue() {
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    let text = text
        .replace(
            "    issue: 1\n",
            "    issue: 1\n    verified_by: dave\n    verified_at: 2026-11-19T10:00:00Z\n",
        )
        .replace(
            "    issue: 2\n",
            "    issue: 2\n    verified_by: dave\n    verified_at: 2026-11-19T10:00:00Z\n",
        );
    r.author("Dave Reviewer", "dave@example.com");
    r.write("incidents/INC-2026-001.yaml", &text);
    r.commit("Verify CA-1 and CA-2");
    let (code, v) = gate(&r, &["--now", AFTER_DUE]);
    assert_eq!(code, 0, "{v}");
    // Both paths of the offline check: CA-1's owner (alice) wrote the record,
    // so its verified_by line is blamed; CA-2's owner (carol) never touched
    // it, which settles the question without blame. Both are verified.
    let o = aeef(
        r.path(),
        &[
            "ca",
            "status",
            "--offline",
            "--format",
            "json",
            "--now",
            AFTER_DUE,
        ],
    );
    let st: Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    for a in st["actions"].as_array().unwrap() {
        assert_eq!(a["verified"], true, "{a}");
        assert_eq!(a["verifier"], "dave", "{a}");
    }
    // The owner writing their own verification does not count.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    r.author("alice", "alice@example.com");
    r.write(
        "incidents/INC-2026-001.yaml",
        &text.replace(
            "    issue: 1\n",
            "    issue: 1\n    verified_by: dave\n    verified_at: 2026-11-19T10:00:00Z\n",
        ),
    );
    r.commit("Verify CA-1 myself");
    let (code, v) = gate(&r, &["--now", AFTER_DUE]);
    assert_eq!(code, 1, "{v}");
    // One cause, one finding (issue 11): the owner's verification, which
    // also says how overdue the action is.
    let errors = rules(&v, "error");
    assert!(errors.contains(&"ca-verified-by-owner".to_string()), "{v}");
    assert!(
        !errors.contains(&"ca-unverified-overdue".to_string()),
        "{v}"
    );
    assert!(v.to_string().contains("days overdue"), "{v}");
}

/// Records read from another revision (`--rev REV`) are judged by the
/// history up to REV: who committed `verified_by` there. Both ways: a
/// verification by someone else at REV, which the owner later rewrote at
/// HEAD, is verified at REV; and the owner's own verification at REV,
/// which someone else later re-committed at HEAD, is not (reading
/// authorship at HEAD passed it).
#[test]
fn records_at_a_revision_are_judged_by_that_revisions_history() {
    let verify = |text: &str, who: &str| with_verifier(text, 1, who);
    let path = "incidents/INC-2026-001.yaml";
    // No finding says CA-1 is unverified or verified by its owner.
    let ca1_clear = |v: &Value| {
        !v["findings"].as_array().unwrap().iter().any(|f| {
            f["corrective_action"] == "CA-1"
                && f["rule"]
                    .as_str()
                    .is_some_and(|r| r == "ca-verified-by-owner" || r.starts_with("ca-unverified"))
        })
    };
    // Each run: the gate, `incident check` and `ca status`, offline.
    let ca1_verified = |r: &RepoBuilder, rev: &str| -> Vec<bool> {
        let (_, v) = gate(r, &["--rev", rev, "--offline", "--now", AFTER_DUE]);
        let gate_ok = ca1_clear(&v);
        let o = aeef(
            r.path(),
            &[
                "--rev", rev, "incident", "check", "--format", "json", "--now", AFTER_DUE,
            ],
        );
        let out = stdout(&o);
        assert!(out.contains("\"verdict\""), "{out} {}", stderr(&o));
        let check = ca1_clear(&serde_json::from_str(&out).unwrap());
        let ca1 = ca_status(r, &["--rev", rev], "CA-1")["verified"] == true;
        vec![gate_ok, check, ca1]
    };

    // Dave verifies at REV; the owner (alice) rewrites the line at HEAD.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.author("Dave Reviewer", "dave@example.com");
    r.write(path, &verify(&text, "dave"));
    let rev = r.commit("Verify CA-1");
    r.author("alice", "alice@example.com");
    r.write(path, &verify(&text, "erin"));
    let later = r.commit("Say erin verified CA-1");
    assert_eq!(ca1_verified(&r, &rev), [true, true, true], "at {rev}");
    assert_eq!(ca1_verified(&r, "HEAD"), [false, false, false], "at HEAD");
    // The audit too reads the history up to the revision.
    let audit = |rev: &str| {
        stdout(&aeef(
            r.path(),
            &["--rev", rev, "audit", "--format", "json"],
        ))
    };
    assert!(audit("HEAD").contains(&later[..12]), "{}", audit("HEAD"));
    assert!(!audit(&rev).contains(&later[..12]), "{}", audit(&rev));

    // The owner verifies at REV; dave later sets the value himself (to
    // erin, then back), so HEAD's record is REV's, byte for byte, with a
    // verification dave committed.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.author("alice", "alice@example.com");
    r.write(path, &verify(&text, "dave"));
    let rev = r.commit("Verify CA-1 myself");
    r.author("Dave Reviewer", "dave@example.com");
    r.write(path, &verify(&text, "erin"));
    r.commit("erin verified CA-1");
    r.write(path, &verify(&text, "dave"));
    r.commit("No, I verified CA-1");
    assert_eq!(ca1_verified(&r, &rev), [false, false, false], "at {rev}");
    assert_eq!(ca1_verified(&r, "HEAD"), [true, true, true], "at HEAD");
}

/// Found by a fresh tester: a rename of the record by someone else hid the
/// owner's own verification (the "nobody who touched it is the owner"
/// shortcut read the history under the new name only), and the gate
/// passed while the audit reported `audit-self-verified`. A move into
/// another folder leaves who set the value unknown there, never the mover.
#[test]
fn a_renamed_record_keeps_its_owners_verification_the_owners() {
    let verify = |text: &str| with_verifier(text, 1, "dave");
    let ca1 = |r: &RepoBuilder| -> (i32, bool, String) {
        let (code, _) = gate(r, &["--offline", "--now", AFTER_DUE]);
        let a = ca_status(r, &[], "CA-1");
        (code, a["verified"] == true, a["reason"].to_string())
    };
    // The owner writes the verification; bob renames the file.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    r.author("alice", "alice@example.com");
    r.write("incidents/INC-2026-001.yaml", &verify(&text));
    r.commit("Verify CA-1 myself");
    r.author("bob", "bob@example.com");
    r.git(&[
        "mv",
        "incidents/INC-2026-001.yaml",
        "incidents/INC-2026-001.yml",
    ]);
    r.commit("Rename the record");
    let (code, verified, reason) = ca1(&r);
    assert_eq!((code, verified), (1, false), "{reason}");
    assert!(reason.contains("committed by the owner @alice"), "{reason}");
    // Dave verifies; the owner moves the record into a subfolder: not
    // verified (who set it is not read across folders), and not blamed on
    // the owner's move either.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    r.author("Dave Reviewer", "dave@example.com");
    r.write("incidents/INC-2026-001.yaml", &verify(&text));
    r.commit("Verify CA-1");
    r.author("alice", "alice@example.com");
    std::fs::create_dir_all(r.path().join("incidents/2026")).unwrap();
    r.git(&[
        "mv",
        "incidents/INC-2026-001.yaml",
        "incidents/2026/INC-2026-001.yaml",
    ]);
    r.commit("File it under 2026/");
    let (code, verified, reason) = ca1(&r);
    assert_eq!((code, verified), (1, false), "{reason}");
    assert!(!reason.contains("committed by the owner"), "{reason}");
}

/// Found by a fresh tester: a record deleted and added back unchanged by
/// someone else took the owner's own verification for theirs (the gate
/// passed while the audit reported `audit-self-verified`). A deletion does
/// not end the value's run: the setter stays the owner.
#[test]
fn a_record_deleted_and_added_back_keeps_its_setter() {
    let (mut r, _) = repo();
    let path = "incidents/INC-2026-001.yaml";
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    let verified = with_verifier(&text, 1, "dave");
    r.write("incidents/.keep", "");
    r.author("alice", "alice@example.com");
    r.write(path, &verified);
    r.commit("Verify CA-1 myself");
    r.author("bob", "bob@example.com");
    r.remove(path);
    r.commit("Remove the record");
    r.write(path, &verified);
    r.commit("Put it back");
    let (code, v) = gate(&r, &["--offline", "--now", AFTER_DUE]);
    assert_eq!(code, 1, "{v}");
    assert!(
        rules(&v, "error").contains(&"ca-verified-by-owner".to_string()),
        "{v}"
    );
}

/// Found by a fresh tester: the owner verifies on main while someone else
/// renames the record on a branch, then merges it: read in one line of
/// history the merge seemed to set the value, and the gate passed while the
/// audit reported `audit-self-verified`. A merge is no setter: `git blame`
/// follows the line into the parent it came from. The other way round, a
/// colleague's verification merged by the owner stays the colleague's.
#[test]
fn a_merge_is_not_taken_for_who_set_a_value() {
    let path = "incidents/INC-2026-001.yaml";
    // git as `who` (author and committer), allowed to fail (a conflict).
    let git_as = |r: &RepoBuilder, who: &str, args: &[&str]| -> bool {
        std::process::Command::new("git")
            .current_dir(r.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", r.path())
            .env("GIT_AUTHOR_NAME", who)
            .env("GIT_AUTHOR_EMAIL", format!("{who}@example.com"))
            .env("GIT_COMMITTER_NAME", who)
            .env("GIT_COMMITTER_EMAIL", format!("{who}@example.com"))
            .output()
            .unwrap()
            .status
            .success()
    };
    let verify = |text: &str| with_verifier(text, 1, "dave");
    let ca1_errors = |r: &RepoBuilder| -> Vec<String> {
        ca_errors(&gate(r, &["--offline", "--now", AFTER_DUE]).1, "CA-1")
    };
    // Bob renames on a branch; alice verifies her own action on main; bob
    // merges the branch.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.git(&["checkout", "-q", "-b", "side"]);
    r.author("bob", "bob@example.com");
    r.git(&["mv", path, "incidents/INC-2026-001.yml"]);
    r.commit("Rename on a branch");
    r.git(&["checkout", "-q", "-"]);
    r.author("alice", "alice@example.com");
    r.write(path, &verify(&text));
    r.commit("Verify CA-1 myself");
    assert!(git_as(&r, "bob", &["merge", "-q", "--no-edit", "side"]));
    assert_eq!(ca1_errors(&r), ["ca-verified-by-owner"]);
    // Dave verifies on main; alice edits CA-2 on her branch and merges main
    // into it: the merge combines both, and the value is still dave's.
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.git(&["checkout", "-q", "-b", "mine"]);
    r.author("alice", "alice@example.com");
    r.write(
        path,
        &text.replace("Add a timeout test", "Add a timeout test for retries"),
    );
    r.commit("Reword CA-2");
    r.git(&["checkout", "-q", "-"]);
    r.author("Dave Reviewer", "dave@example.com");
    r.write(path, &verify(&text));
    r.commit("Verify CA-1");
    r.git(&["checkout", "-q", "mine"]);
    assert!(git_as(&r, "alice", &["merge", "-q", "--no-edit", "-"]));
    assert!(
        std::fs::read_to_string(r.path().join(path))
            .unwrap()
            .contains("for retries")
    );
    assert!(
        std::fs::read_to_string(r.path().join(path))
            .unwrap()
            .contains("verified_by: dave")
    );
    assert_eq!(ca1_errors(&r), Vec::<String>::new());
    // Found by the next tester, each with git and without it (libgit2):
    let no_git = tempfile::tempdir().unwrap();
    let both = |r: &RepoBuilder, ca: &str| -> Vec<Vec<String>> {
        [vec![], vec![("PATH", no_git.path().to_str().unwrap())]]
            .iter()
            .map(|env| {
                let o = aeef_env(
                    r.path(),
                    &["gate", "--offline", "--format", "json", "--now", AFTER_DUE],
                    env,
                );
                ca_errors(&serde_json::from_str(&stdout(&o)).unwrap(), ca)
            })
            .collect()
    };
    // The owner writes the value in her own merge (no conflict), and no
    // other commit of hers ever touched the record (CA-2's owner, carol):
    // the merge's author counts (`git log` listed no file for a merge, so
    // "nobody who touched it is the owner" held).
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.author("bob", "bob@example.com");
    r.write(
        path,
        &text.replace("Add an idempotency key", "Add an idempotency key now"),
    );
    r.commit("Reword CA-1");
    r.git(&["checkout", "-q", "-"]);
    assert!(git_as(
        &r,
        "carol",
        &["merge", "-q", "--no-ff", "--no-commit", "pr"]
    ));
    let merged = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.write(path, &with_verifier(&merged, 2, "dave"));
    r.git(&["add", path]);
    assert!(git_as(&r, "carol", &["commit", "-q", "--no-edit"]));
    assert_eq!(
        both(&r, "CA-2"),
        [["ca-verified-by-owner"], ["ca-verified-by-owner"]]
    );
    // A conflict the owner resolves by keeping a colleague's value from
    // main over her own from the branch: the colleague's (libgit2's walk
    // read the branch's version last and named the owner).
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    r.git(&["checkout", "-q", "-b", "pr"]);
    r.author("alice", "alice@example.com");
    r.write(path, &verify(&text));
    r.commit("Verify CA-1 myself");
    r.git(&["checkout", "-q", "-"]);
    r.author("erin", "erin@example.com");
    r.write(
        path,
        &verify(&text).replace("verified_by: dave", "verified_by: erin"),
    );
    r.commit("Verify CA-1");
    assert!(
        !git_as(&r, "alice", &["merge", "-q", "--no-edit", "pr"]),
        "a conflict"
    );
    r.git(&["checkout", "--ours", path]);
    r.git(&["add", path]);
    assert!(git_as(&r, "alice", &["commit", "-q", "--no-edit"]));
    let now = std::fs::read_to_string(r.path().join(path)).unwrap();
    assert!(now.contains("verified_by: erin"), "{now}");
    assert_eq!(
        both(&r, "CA-1"),
        [Vec::<String>::new(), Vec::<String>::new()]
    );
}

/// Found by a fresh tester: without `git` on PATH, a `wont-do` whose
/// `approved_by` the owner committed counted as declined (the check of who
/// touched the record needs git and was skipped, not done another way).
#[test]
fn an_owners_own_approval_counts_as_open_without_git_too() {
    let (mut r, _) = repo();
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    r.author("alice", "alice@example.com");
    r.write(
        "incidents/INC-2026-001.yaml",
        &text.replace(
            "    issue: 1\n",
            "    issue: 1\n    status: wont-do\n    approved_by: bob\n    reason: superseded\n",
        ),
    );
    r.commit("Decline CA-1 as bob");
    let no_git = tempfile::tempdir().unwrap();
    let path = no_git.path().to_str().unwrap();
    for env in [vec![], vec![("PATH", path)]] {
        let o = aeef_env(
            r.path(),
            &["gate", "--offline", "--format", "json", "--now", AFTER_DUE],
            &env,
        );
        assert_eq!(o.status.code(), Some(1), "{env:?}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("ca-wont-do-unapproved"),
            "{env:?}: {}",
            stdout(&o)
        );
    }
}

/// Found by a fresh tester: at a revision (`--rev`, a bare repository)
/// an incidents folder committed as a symbolic link read as "no records"
/// and the gate passed; `incidents_dir: ./incidents` was not found in the
/// tree and the audit walked no commit; an `incidents_dir` leading out
/// passed the audit. Each is now refused or read as in the work tree.
#[test]
fn the_incidents_folder_at_a_revision_is_read_as_in_the_work_tree_or_refused() {
    // A symbolic link: exit 2 with a `config` finding, never a pass.
    let (mut r, _) = repo();
    std::fs::rename(r.path().join("incidents"), r.path().join("real")).unwrap();
    std::os::unix::fs::symlink("real", r.path().join("incidents")).unwrap();
    r.commit("Link the folder");
    let o = aeef(
        r.path(),
        &[
            "--rev",
            "HEAD",
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            AFTER_DUE,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("is a symbolic link in the tree"),
        "{}",
        stdout(&o)
    );
    // `./incidents/`: the same folder at a revision and in the audit.
    let (mut r, _) = repo();
    r.write(".aeef.yml", "incidents_dir: ./incidents/\n");
    r.commit("Configure the folder");
    let (code, v) = gate(&r, &["--rev", "HEAD", "--offline", "--now", AFTER_DUE]);
    assert_eq!(code, 1, "{v}");
    assert!(
        rules(&v, "error")
            .iter()
            .any(|f| f.starts_with("ca-unverified")),
        "{v}"
    );
    let o = aeef(r.path(), &["audit", "--format", "json"]);
    let audit = stdout(&o);
    assert!(audit.contains("\"verdict\""), "{audit} {}", stderr(&o));
    let o = aeef(r.path(), &["audit"]);
    assert!(
        stdout(&o).contains("1 commit(s) touching incident records"),
        "{}",
        stdout(&o)
    );
    // A folder leading out of the repository: refused at a revision too.
    let (mut r, _) = repo();
    r.write(".aeef.yml", "incidents_dir: ../outside\n");
    r.commit("Point outside");
    for args in [
        vec!["--rev", "HEAD", "audit"],
        vec!["--rev", "HEAD", "gate", "--offline"],
    ] {
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("aeef::config::path_outside"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // `incident check PATH` reads work-tree files: refused with `--rev`.
    let o = aeef(
        r.path(),
        &[
            "--rev",
            "HEAD~1",
            "incident",
            "check",
            "incidents/INC-2026-001.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("reads files from the work tree"),
        "{}",
        stderr(&o)
    );
}

/// Found by a fresh tester: `aeef --rev REV report` counted HEAD's commits
/// next to REV's incidents. The commits of the period are REV's history.
#[test]
fn a_report_at_a_revision_counts_that_revisions_commits() {
    let (mut r, _) = repo();
    let main = r.head();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("src/more.rs", "x\n");
    full_trailers(&mut r);
    r.commit("More AI code");
    r.git(&["checkout", "-q", "-"]);
    let count = |rev: &str| -> (Value, String) {
        let args = [
            "--rev", rev, "report", "--month", "2026-01", "--format", "json", "--now", AFTER_DUE,
        ];
        let o = aeef(r.path(), &args);
        let v: Value =
            serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
        let human = stdout(&aeef(
            r.path(),
            &[
                "--rev", rev, "report", "--month", "2026-01", "--now", AFTER_DUE,
            ],
        ));
        (v["provenance"].clone(), human)
    };
    let (at_main, _) = count(&main);
    let (at_feature, human) = count("feature");
    assert_eq!(
        at_feature["commits"].as_u64().unwrap(),
        at_main["commits"].as_u64().unwrap() + 1,
        "{at_main} {at_feature}"
    );
    assert_eq!(
        at_feature["ai_commits"].as_u64().unwrap(),
        at_main["ai_commits"].as_u64().unwrap() + 1
    );
    assert!(
        human.contains("Commits on feature in the period"),
        "{human}"
    );
}

/// Found by a fresh tester: `--rev` beyond a shallow clone's edge said
/// "unknown revision" where `gate --base` says what is missing and how to
/// fetch it.
#[test]
fn a_revision_beyond_a_shallow_edge_says_so() {
    let (r, _) = repo();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let o = aeef(
        &dir.path().join("c"),
        &["--rev", "HEAD~1", "incident", "list"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("aeef::git::shallow"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--unshallow"), "{}", stderr(&o));
}

#[test]
fn ai_commit_missing_each_required_field_fails() {
    let fields = [
        "AI-Tool",
        "AI-Model-Version",
        "AI-Prompt-Ref",
        "AI-Human-Modifications",
        "AI-Reviewed-By",
    ];
    for missing in fields {
        let (mut r, _) = repo();
        let base = r.head();
        r.write("README.md", "changed\n");
        // The commit is AI through an agent convention even without AI-Tool.
        r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
        for (k, v) in [
            ("AI-Tool", "claude-code"),
            ("AI-Model-Version", "claude-opus-4"),
            ("AI-Prompt-Ref", "prompts/readme"),
            ("AI-Human-Modifications", "none"),
            ("AI-Reviewed-By", "bob"),
        ] {
            if k != missing {
                r.trailer(k, v);
            }
        }
        let head = r.commit("Update README");
        let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
        assert_eq!(code, 1, "missing {missing}: {v}");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "provenance-incomplete")
            .cloned()
            .unwrap();
        assert_eq!(f["commit"], head.as_str());
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .ends_with(&format!("lacks {missing}")),
            "{f}"
        );
    }
    // An invalid level counts as missing.
    let (mut r, _) = repo();
    let base = r.head();
    r.write("README.md", "x\n");
    full_trailers(&mut r);
    r.trailer("AI-Human-Modifications", "lots");
    let head = r.commit("Bad level");
    let (code, _) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
    assert_eq!(code, 1);
}

#[test]
fn complete_ai_commit_and_attribution_block_pass() {
    let (mut r, _) = repo();
    let base = r.head();
    r.write("README.md", "x\n");
    full_trailers(&mut r);
    r.commit("Trailers");
    r.write("README.md", "y\n");
    r.commit("Block\n\nAI-Attribution:\n  tool: cursor\n  model-version: gpt-5\n  prompt-ref: ad-hoc\n  session-id: s1\n  generation-date: 2026-01-05T10:00:00Z\n  human-modifications: none\n  reviewer: bob\n\nMore text.");
    let head = r.head();
    let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
    assert_eq!(code, 0, "{v}");
}

/// The AEEF provenance rules ask the `AI-Attribution:` block to carry its
/// `generation-date`: a block without one is incomplete, named as such.
#[test]
fn attribution_block_without_generation_date_is_incomplete() {
    let (mut r, _) = repo();
    let base = r.head();
    r.write("README.md", "y\n");
    r.commit("Block\n\nAI-Attribution:\n  tool: cursor\n  model-version: gpt-5\n  prompt-ref: ad-hoc\n  human-modifications: none\n  reviewer: bob\n");
    let head = r.head();
    let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(rules(&v, "error"), ["provenance-incomplete"]);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.ends_with("lacks generation-date"), "{msg}");
}

#[test]
fn change_touching_a_file_of_an_open_incident_fails() {
    let (mut r, _) = repo();
    let base = r.head();
    r.edit("src/pay.rs", 2, 2, &["B"]);
    let head = r.commit("Fix pay by hand");
    let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v, "error"), ["touches-open-incident"]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "touches-open-incident")
        .cloned()
        .unwrap();
    assert_eq!(f["file"], "src/pay.rs");
    assert_eq!(f["incident"], "INC-2026-001");
}

#[test]
fn human_only_change_elsewhere_passes() {
    let (mut r, _) = repo();
    let base = r.head();
    r.write("docs/guide.md", "hello\n");
    r.commit("Docs");
    r.write("docs/guide.md", "hello again\n");
    let head = r.commit("More docs");
    let (code, v) = gate(&r, &["--now", BEFORE_DUE, "--base", &base, "--head", &head]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn pull_request_payload_gives_base_and_head() {
    let (mut r, _) = repo();
    let base = r.head();
    r.edit("src/pay.rs", 1, 1, &["A"]);
    let head = r.commit("Touch pay");
    let event = r.path().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({"action": "synchronize", "number": 7, "pull_request": {"base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "topic"}}}).to_string(),
    )
    .unwrap();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", BEFORE_DUE],
        &[("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("touches-open-incident"));
    // A push event has no pull request: only the incident rules run.
    std::fs::write(&event, r#"{"ref": "refs/heads/main", "after": "abc"}"#).unwrap();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", BEFORE_DUE],
        &[("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn shallow_history_cannot_decide() {
    let (mut r, _) = repo();
    r.write("README.md", "1\n");
    r.commit("one");
    r.write("README.md", "2\n");
    r.commit("two");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let clone = dir.path().join("c");
    let base = r.git(&["rev-parse", "HEAD~2"]);
    let o = aeef(
        &clone,
        &[
            "gate",
            "--now",
            BEFORE_DUE,
            "--base",
            base.trim(),
            "--head",
            "HEAD",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("fetch-depth: 0"), "{e}");
}

/// Guards issue 13 item 6: the pull request's base missing from a shallow
/// clone is named as the base, not as "a commit of the change" (it is not
/// one, and the user fetches the wrong thing).
#[test]
fn a_base_missing_from_a_shallow_clone_is_named_as_the_base() {
    let (mut r, _) = repo();
    r.write("README.md", "1\n");
    r.commit("one");
    r.write("README.md", "2\n");
    r.commit("two");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let clone = dir.path().join("c");
    let base = r.git(&["rev-parse", "HEAD~2"]);
    let base = base.trim();
    let o = aeef(
        &clone,
        &[
            "gate", "--now", BEFORE_DUE, "--base", base, "--head", "HEAD",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("the base {base} is not in this shallow clone")),
        "{e}"
    );
    assert!(!e.contains("of the change is not"), "{e}");
}

/// The faulty commit of an open incident is missing from a shallow clone:
/// which files the incident concerns is unknown, so the gate must not pass.
#[test]
fn incident_files_missing_from_a_shallow_clone_cannot_decide() {
    let (mut r, _) = repo();
    for i in 0..3 {
        r.write("docs/x.md", &format!("{i}\n"));
        r.commit("docs");
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "2", &url, "c"]);
    let clone = dir.path().join("c");
    let o = aeef(
        &clone,
        &[
            "gate", "--now", BEFORE_DUE, "--base", "HEAD~1", "--head", "HEAD",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("fetch-depth: 0"), "{}", stderr(&o));
}

#[test]
fn unreadable_record_cannot_decide() {
    let (mut r, _) = repo();
    r.write(
        "incidents/INC-2026-002.yaml",
        "id: INC-2026-002\ntitle: [unclosed\n",
    );
    r.commit("Broken record");
    let o = aeef(r.path(), &["gate", "--format", "json", "--now", BEFORE_DUE]);
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "schema")
        .cloned()
        .unwrap();
    assert_eq!(f["file"], "incidents/INC-2026-002.yaml");
    assert!(f["line"].as_u64().is_some());
    let o = aeef(r.path(), &["gate", "--now", BEFORE_DUE]);
    assert_eq!(o.status.code(), Some(2));
    // Issue 14 item 8: exit 2 is verdict `error` in every format.
    assert_eq!(v["verdict"], "error");
    let o = aeef(
        r.path(),
        &["gate", "--format", "github", "--now", BEFORE_DUE],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains(": error ("), "{}", stdout(&o));
}

/// Issue 14 item 8: when the gate stops with exit 2 before deciding
/// anything (here an unknown `--base`), `--format json` still prints one
/// document on stdout with verdict `error` and the diagnostic's code, so a
/// pipeline never reads an empty stdout or a `fail`.
#[test]
fn exit_2_before_any_finding_is_still_a_json_verdict_error() {
    let (r, _) = repo();
    let o = aeef(
        r.path(),
        &[
            "gate",
            "--base",
            "nosuch",
            "--head",
            "HEAD",
            "--format",
            "json",
            "--offline",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["verdict"], "error");
    assert_eq!(v["error"]["code"], "aeef::git::unknown_revision");
    assert!(v["error"]["help"].as_str().is_some());
    // Not a second document after a report that was already printed.
    let o = aeef(r.path(), &["incident", "check", "--format", "json"]);
    let text = stdout(&o);
    assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
}

#[test]
fn github_unreachable_while_online_cannot_decide() {
    let (r, _) = repo();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let o = aeef_env(
        r.path(),
        &[
            "gate",
            "--now",
            BEFORE_DUE,
            "--repo",
            "acme/pay",
            "--timeout",
            "2",
            "--retry-backoff-ms",
            "1",
        ],
        &[
            ("GITHUB_TOKEN", "ghp_gate_secret_token_value"),
            ("GITHUB_API_URL", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("cannot decide"), "{all}");
    assert!(!all.contains("ghp_gate_secret_token_value"));
    // --offline decides from the records instead.
    let o = aeef_env(
        r.path(),
        &["gate", "--offline", "--now", BEFORE_DUE],
        &[
            ("GITHUB_TOKEN", "ghp_gate_secret_token_value"),
            ("GITHUB_API_URL", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--token-env` given the token itself instead of a variable name: refused
/// without echoing it; a non-number timeout is refused, not a panic.
#[test]
fn token_passed_as_a_name_is_never_echoed() {
    let (r, _) = repo();
    for cmd in [vec!["gate"], vec!["ca", "status"]] {
        let mut args = cmd.clone();
        args.extend(["--token-env", "ghp_literal_token_value-1"]);
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("ghp_literal_token_value"), "{all}");
        assert!(all.contains("--token-env"), "{all}");
    }
    let o = aeef(r.path(), &["ca", "status", "--timeout", "nan"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Why: issue 11 (fix item 8) — with the configured incidents folder gone,
/// the closing diagnostic blamed unreadable records and `schema` findings
/// that did not exist. It names the finding kind that actually blocks.
#[test]
fn the_closing_diagnostic_names_the_config_finding_that_blocks() {
    let mut r = RepoBuilder::new();
    r.write(".aeef.yml", "incidents_dir: records\n");
    r.commit("config naming a folder that is not there");
    for args in [&["gate", "--offline"][..], &["incident", "check"][..]] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains("`config` finding"), "{args:?}: {e}");
        assert!(!e.contains("`schema`"), "{args:?}: {e}");
        assert!(!e.contains("cannot be read"), "{args:?}: {e}");
    }
}
