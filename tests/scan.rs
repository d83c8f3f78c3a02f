//! `aeef scan`: ranges as git takes them, JSON Lines, the summary table,
//! notes refs excluded from `--all`, hostile messages.
mod common;

use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

fn rows(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    r.commit("human one");
    r.write("a", "2\n");
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-sonnet-4");
    r.commit("ai two");
    r.write("a", "3\n");
    r.commit("human three");
    r
}

#[test]
fn json_lines_match_git_rev_list() {
    let r = repo();
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = rows(&stdout(&o));
    let expected: Vec<String> = r
        .git(&["rev-list", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    let got: Vec<String> = v
        .iter()
        .map(|r| r["commit"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(v[1]["ai"], true);
    assert_eq!(v[1]["tool"], "claude-code");
    assert_eq!(v[1]["model_version"], "claude-sonnet-4");
    assert_eq!(v[1]["human_modifications"], "unknown");
    assert_eq!(v[1]["confidence"], "high");
    assert_eq!(v[1]["sources"], serde_json::json!(["aeef-trailer"]));
    assert_eq!(v[0]["ai"], false);
    let keys: Vec<&str> = v[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schema_version",
            "commit",
            "ai",
            "tool",
            "model_version",
            "human_modifications",
            "confidence",
            "sources"
        ]
    );
}

/// Issue 14 item 8: scan wrote `"human_modifications":null` for a human
/// commit where blame wrote `"unknown"`, and its JSON Lines carried no
/// `schema_version`. Every line is versioned and both commands write the
/// same value for the same commit.
#[test]
fn scan_lines_are_versioned_and_agree_with_blame_on_human_modifications() {
    let r = repo();
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = rows(&stdout(&o));
    assert_eq!(lines.len(), 3);
    for line in &lines {
        assert_eq!(line["schema_version"], 1, "{line}");
        let sha = line["commit"].as_str().unwrap();
        let b = aeef(r.path(), &["blame", sha, "--format", "json"]);
        assert!(b.status.success(), "{}", stderr(&b));
        let blame: Value = serde_json::from_str(&stdout(&b)).unwrap();
        assert!(line["human_modifications"].is_string(), "{line}");
        assert_eq!(
            line["human_modifications"], blame["provenance"]["human_modifications"],
            "{sha}"
        );
    }
}

/// Snapshot of the human scan (issue 14: human output under insta): one
/// line per commit, then the table per tool and model.
#[test]
fn human_scan_snapshot() {
    let r = repo();
    let o = aeef(r.path(), &["scan"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("scan_human", stdout(&o));
}

#[test]
fn ranges_and_all_follow_git() {
    let mut r = repo();
    let first = r
        .git(&["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    let o = aeef(
        r.path(),
        &["scan", &format!("{first}..HEAD"), "--format", "json"],
    );
    assert_eq!(rows(&stdout(&o)).len(), 2);
    // Notes commits live under refs/notes/*: --all must not list them.
    let head = r.head();
    r.note(&head, "a\n  0123456 1\n---\n{}\n");
    let o = aeef(r.path(), &["scan", "--all", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = r
        .git(&["rev-list", "--exclude=refs/notes/*", "--all"])
        .lines()
        .count();
    assert_eq!(rows(&stdout(&o)).len(), expected);
    assert_eq!(expected, 3);
    // Plain `git rev-list --all` would have listed the notes commit too.
    assert_eq!(r.git(&["rev-list", "--all"]).lines().count(), 4);
}

#[test]
fn human_output_ends_with_a_summary_per_tool_and_model() {
    let r = repo();
    let o = aeef(r.path(), &["scan"]);
    let out = stdout(&o);
    assert!(
        out.contains("claude-code      claude-sonnet-4                     1   33.3%"),
        "{out}"
    );
    assert!(
        out.contains("human            -                                   2   66.7%"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("total                                                3"),
        "{out}"
    );
}

#[test]
fn non_utf8_and_huge_messages_do_not_panic() {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    r.commit_raw(b"Latin-1 caf\xe9\n\nAI-Tool: aider\n");
    let mut huge = b"Huge\n\n".to_vec();
    huge.extend(std::iter::repeat_n(b"word ".as_slice(), 220_000).flatten());
    huge.extend_from_slice(b"\n\nAI-Tool: codex\n");
    r.write("a", "2\n");
    r.commit_raw(&huge);
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = rows(&stdout(&o));
    assert_eq!(v[0]["tool"], "codex");
    assert_eq!(v[1]["tool"], "aider");
    let o = aeef(r.path(), &["blame", "HEAD~1"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn unknown_revision_exits_2() {
    let r = repo();
    let o = aeef(r.path(), &["scan", "nope..HEAD"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Without `git` on PATH the libgit2 walk must list the same commits with
/// the same provenance as `git rev-list` does.
#[test]
fn libgit2_fallback_agrees_with_git() {
    let mut r = repo();
    let head = r.head();
    r.note(&head, "a\n  0123456 1\n---\n{}\n");
    let first = r
        .git(&["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    let range = format!("{first}..HEAD");
    for spec in [vec!["HEAD"], vec!["--all"], vec![range.as_str()]] {
        let mut args = vec!["scan", "--format", "json"];
        args.extend(spec.iter().copied());
        let with_git = aeef(r.path(), &args);
        let without = common::aeef_env(r.path(), &args, &[("AEEF_NO_GIT", "1")]);
        assert!(without.status.success(), "{}", stderr(&without));
        assert_eq!(stdout(&with_git), stdout(&without), "{spec:?}");
    }
}

/// A commit that declares a legacy encoding reads as `git log` shows it.
#[test]
fn declared_commit_encoding_is_decoded_like_git_log() {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    r.git(&["config", "i18n.commitEncoding", "ISO-8859-1"]);
    let sha = r.commit_raw(b"Caf\xe9 au lait\n\nAI-Tool: aider\n");
    let subject = r.git(&[
        "-c",
        "i18n.logOutputEncoding=UTF-8",
        "log",
        "-1",
        "--format=%s",
        &sha,
    ]);
    assert_eq!(subject.trim(), "Café au lait");
    let o = aeef(r.path(), &["blame", &sha]);
    assert!(stdout(&o).contains("Café au lait"), "{}", stdout(&o));
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert_eq!(rows(&stdout(&o))[0]["tool"], "aider");
}
