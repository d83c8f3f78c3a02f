//! End-to-end classification on real repositories: one scenario per origin
//! of DESIGN §2, plus merges, roots, renames, binaries, deletions, shallow
//! clones and the honest-failure paths.
mod common;

use common::{RepoBuilder, aeef, aeef_env, git_in, stderr, stdout};
use serde_json::Value;

fn ten_lines(tag: &str) -> String {
    (1..=10).map(|i| format!("{tag} line {i}\n")).collect()
}

fn blame_json(r: &RepoBuilder, target: &str, extra: &[&str]) -> Value {
    let mut args = vec!["blame", target, "--format", "json"];
    args.extend_from_slice(extra);
    let o = aeef(r.path(), &args);
    assert!(o.status.success(), "aeef blame failed: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("one JSON object")
}

fn origin(r: &RepoBuilder, sha: &str) -> String {
    blame_json(r, sha, &[])["origin"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A repo whose first commit is an AI file of 10 lines by claude-code.
fn ai_base() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("src/pay.rs", &ten_lines("ai"));
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4")
        .trailer("AI-Prompt-Ref", "prompts/pay.v1")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
    r.commit("Add payment retry");
    r
}

#[test]
fn ai_generated_for_none_minor_and_missing_level() {
    let mut r = RepoBuilder::new();
    for (i, level) in [Some("none"), Some("minor"), None].into_iter().enumerate() {
        r.write(&format!("f{i}.rs"), "x\n");
        r.trailer("AI-Tool", "aider");
        if let Some(l) = level {
            r.trailer("AI-Human-Modifications", l);
        }
        let sha = r.commit("ai change");
        let v = blame_json(&r, &sha, &[]);
        assert_eq!(v["origin"], "ai-generated", "level {level:?}");
        let expect = level.unwrap_or("unknown");
        assert_eq!(v["provenance"]["human_modifications"], expect);
        assert_eq!(
            v["provenance"]["sources"],
            serde_json::json!(["aeef-trailer"])
        );
    }
}

#[test]
fn ai_modified_by_declared_level() {
    let mut r = RepoBuilder::new();
    for level in ["moderate", "substantial", "Moderate"] {
        r.write("f.rs", level);
        r.trailer("AI-Tool", "cursor")
            .trailer("AI-Human-Modifications", level);
        let sha = r.commit("ai change, edited");
        assert_eq!(origin(&r, &sha), "ai-modified", "{level}");
    }
}

#[test]
fn ai_modified_when_a_human_edits_ai_lines() {
    let mut r = ai_base();
    let ai = r.head();
    r.edit("src/pay.rs", 5, 5, &["human line 5"]);
    let sha = r.commit("Fix retry by hand");
    let v = blame_json(&r, &sha, &[]);
    assert_eq!(v["origin"], "ai-modified");
    let ev = v["evidence"].as_array().unwrap();
    let m = ev
        .iter()
        .find(|e| e["kind"] == "ai-lines-modified")
        .expect("modified evidence");
    assert_eq!(m["ai_commit"], ai.as_str());
    assert_eq!(m["file"], "src/pay.rs");
    assert_eq!(m["lines"], serde_json::json!([[5, 5]]));
    assert_eq!(v["provenance"]["ai"], false);
}

#[test]
fn deleting_ai_lines_is_ai_modified() {
    let mut r = ai_base();
    r.edit("src/pay.rs", 3, 4, &[]);
    let sha = r.commit("Remove two lines");
    let v = blame_json(&r, &sha, &[]);
    assert_eq!(v["origin"], "ai-modified");
    let m = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "ai-lines-modified")
        .cloned()
        .unwrap();
    assert_eq!(m["lines"], serde_json::json!([[3, 4]]));
}

/// File: lines 1-10 AI, 11-20 human. A human edit at line `at` (a human
/// line) is adjacent when within `window` of line 10.
fn adjacency_repo(at: usize) -> (RepoBuilder, String) {
    let mut r = ai_base();
    let mut text = ten_lines("ai");
    text.push_str(&ten_lines("human"));
    r.write("src/pay.rs", &text);
    r.commit("Human code below the AI code");
    r.edit("src/pay.rs", at, at, &["changed"]);
    let sha = r.commit("Touch a human line");
    (r, sha)
}

#[test]
fn ai_adjacent_inside_the_window_and_human_just_outside() {
    // Line 13 is 3 lines from AI line 10: inside the default window.
    let (r, sha) = adjacency_repo(13);
    let v = blame_json(&r, &sha, &[]);
    assert_eq!(v["origin"], "ai-adjacent");
    let a = v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "ai-lines-adjacent")
        .cloned()
        .unwrap();
    assert_eq!(a["lines"], serde_json::json!([[10, 10]]));
    // Line 14 is 4 lines away: outside.
    let (r, sha) = adjacency_repo(14);
    assert_eq!(origin(&r, &sha), "human");
    // A wider window brings it back in.
    assert_eq!(
        blame_json(&r, &sha, &["--window", "4"])["origin"],
        "ai-adjacent"
    );
}

#[test]
fn human_commit_says_ordinary_process_applies() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", &ten_lines("h"));
    r.commit("one");
    r.edit("a.txt", 2, 2, &["x"]);
    let sha = r.commit("two");
    let o = aeef(r.path(), &["blame", &sha]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("origin:     human"), "{out}");
    // Issue 14 item 8: the evidence line and a closing line both said it.
    assert_eq!(
        out.matches("ordinary incident process applies").count(),
        1,
        "{out}"
    );
}

/// Snapshot of the human blame of an ai-modified commit (issue 14: human
/// output under insta): origin, provenance and the evidence, once each.
#[test]
fn human_blame_snapshot() {
    let mut r = ai_base();
    r.edit("src/pay.rs", 2, 2, &["human fix"]);
    let sha = r.commit("fix one line");
    let o = aeef(r.path(), &["blame", &sha]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("blame_human_ai_modified", stdout(&o));
}

/// Issue 14 item 8: one changed line was "lines 76". Evidence names one
/// line in the singular and several in the plural.
#[test]
fn evidence_says_line_for_one_and_lines_for_several() {
    let mut r = ai_base();
    r.edit("src/pay.rs", 2, 2, &["human fix"]);
    let one = r.commit("fix one line");
    let ev = blame_json(&r, &one, &[])["evidence"].to_string();
    assert!(
        ev.contains("changes or deletes line 2 of src/pay.rs"),
        "{ev}"
    );
    r.edit("src/pay.rs", 5, 6, &["x", "y"]);
    let two = r.commit("fix two lines");
    let ev = blame_json(&r, &two, &[])["evidence"].to_string();
    assert!(
        ev.contains("changes or deletes lines 5-6 of src/pay.rs"),
        "{ev}"
    );
}

#[test]
fn root_commit_is_classified_by_its_own_provenance() {
    let r = ai_base();
    let v = blame_json(&r, "HEAD", &[]);
    assert_eq!(v["origin"], "ai-generated");
    assert_eq!(v["provenance"]["tool"], "claude-code");
    assert_eq!(v["provenance"]["model_version"], "claude-opus-4");
    assert_eq!(v["provenance"]["prompt_ref"], "prompts/pay.v1");
    assert_eq!(v["provenance"]["reviewer"], "bob");
    assert_eq!(
        v["trailers"][0],
        serde_json::json!({"key": "AI-Tool", "value": "claude-code"})
    );
    let mut r = RepoBuilder::new();
    r.write("a", "a\n");
    r.commit("human root");
    assert_eq!(origin(&r, "HEAD"), "human");
}

#[test]
fn renamed_ai_file_edited_by_a_human_is_ai_modified() {
    let mut r = ai_base();
    r.rename("src/pay.rs", "src/payments/retry.rs");
    r.commit("Move file");
    r.edit("src/payments/retry.rs", 2, 2, &["edited"]);
    let sha = r.commit("Edit moved file");
    assert_eq!(origin(&r, &sha), "ai-modified");
    // Line blame follows the rename back to the AI commit, as git blame does.
    let o = aeef(
        r.path(),
        &["blame", "src/payments/retry.rs:1-3", "--format", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines[0]["origin"], "ai-generated");
    assert_eq!(lines[0]["tool"], "claude-code");
    assert_eq!(lines[1]["origin"], "ai-modified");
    assert_eq!(v["origin"], "ai-generated");
}

#[test]
fn binary_files_are_skipped_with_a_note() {
    let mut r = ai_base();
    r.write_bytes("logo.png", &[0x89, b'P', b'N', b'G', 0, 1, 2, 3, 0, 0]);
    r.commit("Add logo");
    r.write_bytes("logo.png", &[0x89, b'P', b'N', b'G', 0, 9, 9, 9, 0, 0]);
    let sha = r.commit("Change logo");
    let v = blame_json(&r, &sha, &[]);
    assert_eq!(v["origin"], "human");
    let text = v["evidence"].to_string();
    assert!(text.contains("binary"), "{text}");
}

#[test]
fn merge_commits_are_classified_by_conflict_resolutions_only() {
    let mut r = ai_base();
    let base = r.head();
    // Branch edits line 2; main edits line 2 too: a conflict the merge resolves.
    r.checkout_new("topic", &base);
    r.edit("src/pay.rs", 2, 2, &["topic line 2"]);
    r.commit("topic edit");
    r.checkout("main");
    r.edit("src/pay.rs", 2, 2, &["main line 2"]);
    let main_edit = r.head();
    let _ = main_edit;
    r.commit("main edit");
    let mut resolved = ten_lines("ai");
    resolved = resolved.replace("ai line 2\n", "resolved line 2\n");
    let merge = r.merge("topic", "Merge topic", &[("src/pay.rs", &resolved)]);
    let v = blame_json(&r, &merge, &[]);
    // The resolution replaced line 2, which main's parent attributes to a human
    // commit, right next to AI lines 1 and 3.
    assert_eq!(v["origin"], "ai-adjacent", "{v}");
    assert!(v["evidence"].to_string().contains("conflict resolutions"));

    // A clean merge adds nothing of its own.
    let mut r = ai_base();
    let base = r.head();
    r.checkout_new("side", &base);
    r.write("other.rs", "x\n");
    r.commit("side");
    r.checkout("main");
    r.write("third.rs", "y\n");
    r.commit("main");
    let merge = r.merge("side", "Merge side", &[]);
    let v = blame_json(&r, &merge, &[]);
    assert_eq!(v["origin"], "human");
    assert!(
        v["evidence"]
            .to_string()
            .contains("without conflict resolutions")
    );
}

#[test]
fn line_blame_matches_git_blame_with_and_without_git() {
    let mut r = ai_base();
    r.edit("src/pay.rs", 3, 4, &["h3", "h4", "h4b"]);
    r.commit("human edit");
    r.trailer("AI-Tool", "codex");
    r.edit("src/pay.rs", 8, 8, &["codex 8"]);
    r.commit("codex edit");
    // git is the oracle for line → commit.
    let porcelain = r.git(&["blame", "--porcelain", "HEAD", "--", "src/pay.rs"]);
    let expected: Vec<(u32, String)> = porcelain
        .lines()
        .filter(|l| l.len() > 40 && l.as_bytes()[..40].iter().all(u8::is_ascii_hexdigit))
        .map(|l| {
            let p: Vec<&str> = l.split(' ').collect();
            (p[2].parse().unwrap(), p[0].to_string())
        })
        .collect();
    for env in [vec![], vec![("AEEF_NO_GIT", "1")]] {
        let o = aeef_env(r.path(), &["blame", "src/pay.rs", "--format", "json"], &env);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let got: Vec<(u32, String)> = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["line"].as_u64().unwrap() as u32,
                    l["commit"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(got, expected, "env {env:?}");
        // The fallback says so.
        assert_eq!(
            stderr(&o).contains("libgit2's blame"),
            !env.is_empty(),
            "{}",
            stderr(&o)
        );
        assert_eq!(v["origin"], "ai-generated");
        assert_eq!(v["lines"][7]["tool"], "codex");
    }
}

#[test]
fn line_blame_reports_git_ai_sessions() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &ten_lines("x"));
    let sha = r.commit("Add a.rs");
    r.note(
        &sha,
        "src/a.rs\n  s_0123456789abcd::t_0123456789abcd 1-4,9-10\n---\n{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{\"s_0123456789abcd\":{\"agent_id\":{\"tool\":\"cursor\",\"model\":\"gpt-5\"}}}}\n",
    );
    let o = aeef(r.path(), &["blame", "src/a.rs:1-10", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["origin"], "ai-generated");
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0]["session"], "s_0123456789abcd");
    assert_eq!(lines[0]["tool"], "cursor");
    assert_eq!(lines[9]["session"], "s_0123456789abcd");
    // Line 5 is not listed: untracked, so no session (the commit is still AI).
    assert!(lines[4].get("session").is_none());
    assert_eq!(
        v["commits"][0]["provenance"]["sources"],
        serde_json::json!(["git-ai-note"])
    );
    assert_eq!(v["commits"][0]["provenance"]["model_version"], "gpt-5");
}

#[test]
fn shallow_clone_refuses_to_guess() {
    let mut r = ai_base();
    r.edit("src/pay.rs", 1, 1, &["h"]);
    r.commit("human 1");
    r.edit("src/pay.rs", 2, 2, &["h2"]);
    r.commit("human 2");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let clone = dir.path().join("c");
    let o = aeef(&clone, &["blame", "HEAD"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("fetch-depth: 0") && e.contains("git fetch --unshallow"),
        "{e}"
    );
    let o = aeef(&clone, &["blame", "src/pay.rs:1-2"]);
    assert_eq!(o.status.code(), Some(2));
    // One commit deeper, the parent is there but blame at it ends at the
    // shallow edge: still no guess.
    git_in(&clone, &["fetch", "-q", "--deepen", "1"]);
    let o = aeef(&clone, &["blame", "HEAD"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    // With the whole history the answer comes.
    git_in(&clone, &["fetch", "-q", "--unshallow"]);
    let o = aeef(&clone, &["blame", "HEAD", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"origin\":\"ai-modified\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn honest_failures_exit_2() {
    let r = ai_base();
    let o = aeef(r.path(), &["blame", "no-such-rev"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-rev"), "{}", stderr(&o));
    let o = aeef(r.path(), &["blame", "src/missing.rs:1-2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not in the tree"), "{}", stderr(&o));
    let o = aeef(r.path(), &["blame", "src/pay.rs:5-99"]);
    assert_eq!(o.status.code(), Some(2));
    let o = aeef(r.path(), &["blame", "src/pay.rs:9-3"]);
    assert_eq!(o.status.code(), Some(2));
    let not_repo = tempfile::tempdir().unwrap();
    let o = aeef(not_repo.path(), &["blame", "HEAD"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a git repository"),
        "{}",
        stderr(&o)
    );
    let o = aeef(r.path(), &["scan", "--output=/tmp/x"]);
    assert_eq!(o.status.code(), Some(2));
    let o = aeef(r.path(), &["blame", "HEAD", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn dash_c_bare_repositories_and_worktrees() {
    let r = ai_base();
    let elsewhere = tempfile::tempdir().unwrap();
    let p = r.path().to_str().unwrap();
    let o = aeef(
        elsewhere.path(),
        &["-C", p, "blame", "HEAD", "--format", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bare = elsewhere.path().join("bare.git");
    git_in(
        elsewhere.path(),
        &["clone", "-q", "--bare", p, bare.to_str().unwrap()],
    );
    for args in [
        vec!["blame", "HEAD"],
        vec!["scan"],
        vec!["blame", "src/pay.rs:1-2"],
    ] {
        let o = aeef(&bare, &args);
        assert!(o.status.success(), "bare {args:?}: {}", stderr(&o));
    }
    let wt = elsewhere.path().join("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    let o = aeef(&wt, &["blame", "src/pay.rs:1-2", "--format", "json"]);
    assert!(o.status.success(), "worktree: {}", stderr(&o));
}

/// `--window function`: adjacency follows the enclosing function (git's
/// `diff -W`), not a line count — in both directions.
#[test]
fn function_window_follows_the_enclosing_function() {
    let mut r = RepoBuilder::new();
    // a: lines 1-3; blank line 4; b: lines 5-17.
    let mut text = String::from("fn a() {\n    a1\n}\n\nfn b() {\n");
    for i in 6..=16 {
        text.push_str(&format!("    b{i}\n"));
    }
    text.push_str("}\n");
    r.write("src/lib.rs", &text);
    r.commit("Human functions a and b");
    r.trailer("AI-Tool", "claude-code");
    r.edit("src/lib.rs", 6, 6, &["    ai wrote this"]);
    r.commit("AI edits the top of b");
    let base = r.head();
    // Line 15 is inside b, 9 lines below the AI line.
    r.edit("src/lib.rs", 15, 15, &["    human b15"]);
    let far_in_b = r.commit("Human edit deep in b");
    assert_eq!(origin(&r, &far_in_b), "human");
    assert_eq!(
        blame_json(&r, &far_in_b, &["--window", "function"])["origin"],
        "ai-adjacent"
    );
    // Line 3 closes a, 3 lines above the AI line: adjacent by lines, not by function.
    r.checkout_new("other", &base);
    r.edit("src/lib.rs", 3, 3, &["} // end of a"]);
    let in_a = r.commit("Human edit in a");
    assert_eq!(origin(&r, &in_a), "ai-adjacent");
    assert_eq!(
        blame_json(&r, &in_a, &["--window", "function"])["origin"],
        "human"
    );
    let o = aeef(r.path(), &["blame", &in_a, "--window", "wide"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A path is relative to where aeef runs, as with git: a subdirectory, or
/// the directory `-C` names.
#[test]
fn paths_are_relative_to_the_directory_aeef_runs_in() {
    let r = ai_base();
    let expected = blame_json(&r, "src/pay.rs:1-2", &[]);
    let o = aeef(
        &r.path().join("src"),
        &["blame", "pay.rs:1-2", "--format", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&o)).unwrap(),
        expected
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let src = r.path().join("src");
    let o = aeef(
        elsewhere.path(),
        &[
            "-C",
            src.to_str().unwrap(),
            "blame",
            "pay.rs:1-2",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&o)).unwrap(),
        expected
    );
}

/// A path is read as a shell reads it in the folder aeef runs in:
/// `./src/x.rs` at the root, `../a..b.txt` from `src/` (a `..` inside a
/// name is no range when the file exists), an absolute path inside the
/// work tree from its root, and a `..` above the root is
/// a missing file (not a range), exit 2.
#[test]
fn paths_with_dot_components_name_the_file_typed() {
    let mut r = RepoBuilder::new();
    r.write("src/x.rs", "one\ntwo\n").write("a..b.txt", "x\n");
    r.commit("files");
    let lines = |dir: &std::path::Path, target: &str| {
        let o = aeef(dir, &["blame", target, "--format", "json"]);
        assert!(o.status.success(), "{target}: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        (
            v["path"].as_str().unwrap().to_string(),
            v["lines"].as_array().unwrap().len(),
        )
    };
    let root = r.path();
    let src = root.join("src");
    assert_eq!(lines(root, "./src/x.rs:2"), ("src/x.rs".into(), 1));
    assert_eq!(lines(root, "src/./x.rs"), ("src/x.rs".into(), 2));
    assert_eq!(lines(root, "./a..b.txt"), ("a..b.txt".into(), 1));
    assert_eq!(lines(&src, "../a..b.txt"), ("a..b.txt".into(), 1));
    assert_eq!(lines(&src, "./x.rs"), ("src/x.rs".into(), 2));
    let abs = root.canonicalize().unwrap().join("src/x.rs");
    assert_eq!(lines(&src, abs.to_str().unwrap()), ("src/x.rs".into(), 2));
    let o = aeef(&src, &["blame", "../../x.rs"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no file `../../x.rs`"),
        "{}",
        stderr(&o)
    );
}

/// A file the tree lists but whose content the repository lacks (a partial
/// clone that has not fetched it) is named as such, with the command that
/// fetches it, not as a path missing from the tree.
#[test]
fn a_file_whose_content_is_absent_is_named_missing_not_unknown() {
    let mut r = RepoBuilder::new();
    r.write("logo.png", "not really a png\n");
    r.commit("logo");
    let blob = r.git(&["rev-parse", "HEAD:logo.png"]).trim().to_string();
    std::fs::remove_file(
        r.path()
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();
    let o = aeef(r.path(), &["blame", "logo.png"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("aeef::git::missing_object"), "{err}");
    assert!(
        err.contains(&blob) && err.contains("git cat-file -p"),
        "{err}"
    );
    assert!(!err.contains("unknown revision"), "{err}");
}
