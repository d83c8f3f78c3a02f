//! `aeef blame PATH[:L1-L2]` on real repositories: each line's origin is
//! about that line (DESIGN §2), per-line commits equal `git blame`'s
//! (git is the oracle, across merges and renames), ignore lists are
//! honoured, the cache never serves a stale answer, shallow edges stop it.
mod common;

use common::{RepoBuilder, aeef, aeef_env, git_in, stderr, stdout};
use serde_json::Value;

fn lines_of(tag: &str, from: usize, to: usize) -> String {
    (from..=to).map(|i| format!("{tag} line {i}\n")).collect()
}

fn json(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut a = vec!["blame"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    let o = aeef_env(dir, &a, env);
    assert!(o.status.success(), "aeef {a:?} failed: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("one JSON object")
}

/// (line, commit) pairs of `git blame --porcelain` at HEAD, the oracle.
fn git_blame(r: &RepoBuilder, path: &str, extra: &[&str]) -> Vec<(u64, String)> {
    let mut args = vec!["blame", "--porcelain"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["HEAD", "--", path]);
    r.git(&args)
        .lines()
        .filter(|l| l.len() > 40 && l.as_bytes()[..40].iter().all(u8::is_ascii_hexdigit))
        .map(|l| {
            let p: Vec<&str> = l.split(' ').collect();
            (p[2].parse().unwrap(), p[0].to_string())
        })
        .collect()
}

fn commits_of(v: &Value) -> Vec<(u64, String)> {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The own origin line blame's `commits` list gives `sha`.
fn commit_origin(v: &Value, sha: &str) -> Value {
    v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commit"] == sha)
        .unwrap_or_else(|| panic!("{sha} not in commits"))["origin"]
        .clone()
}

/// Every commit's origin in `v`'s `commits` list equals the one
/// `aeef blame <sha>` gives in full (cache off).
fn origins_equal_commit_blame(r: &RepoBuilder, v: &Value) {
    for commit in v["commits"].as_array().unwrap() {
        let sha = commit["commit"].as_str().unwrap();
        let whole = json(r.path(), &[sha], &[("AEEF_NO_CACHE", "1")]);
        assert_eq!(commit["origin"], whole["origin"], "commit {sha}");
    }
}

fn origin_at(v: &Value, line: usize) -> &str {
    v["lines"][line - 1]["origin"].as_str().unwrap()
}

/// Lines 1-10 written by an AI commit, lines 11-30 by a human.
fn half_ai() -> (RepoBuilder, String) {
    let mut r = RepoBuilder::new();
    r.write("src/pay.rs", &lines_of("ai", 1, 10));
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Human-Modifications", "none");
    let ai = r.commit("AI writes the payment core");
    let mut text = std::fs::read_to_string(r.path().join("src/pay.rs")).unwrap();
    text.push_str(&lines_of("human", 11, 30));
    r.write("src/pay.rs", &text);
    r.commit("Human adds the rest");
    (r, ai)
}

/// Guards issue 9 item 9: a human commit that edits one AI line, one line
/// beside AI lines and one line far from any made every line it wrote
/// `ai-modified`; each line is now judged by its own hunk.
#[test]
fn each_line_is_judged_by_its_own_hunk_not_its_commit() {
    let (mut r, ai) = half_ai();
    r.edit("src/pay.rs", 5, 5, &["fix 5"]);
    r.edit("src/pay.rs", 12, 12, &["fix 12"]);
    r.edit("src/pay.rs", 25, 25, &["fix 25"]);
    let fix = r.commit("Human fixes three lines");
    let v = json(r.path(), &["src/pay.rs"], &[]);
    assert_eq!(commits_of(&v), git_blame(&r, "src/pay.rs", &[]));
    assert_eq!(origin_at(&v, 5), "ai-modified");
    assert_eq!(v["lines"][4]["ai_commit"], ai.as_str());
    assert_eq!(origin_at(&v, 12), "ai-adjacent");
    assert_eq!(origin_at(&v, 25), "human");
    assert!(v["lines"][24].get("ai_commit").is_none());
    assert_eq!(origin_at(&v, 1), "ai-generated");
    assert_eq!(v["lines"][0]["tool"], "claude-code");
    assert_eq!(origin_at(&v, 20), "human");
    assert!(v["lines"][19]["tool"].is_null());
    assert_eq!(v["origin"], "ai-generated");
    // The commit keeps its own, whole-commit origin.
    let c = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["commit"] == fix.as_str())
        .unwrap();
    assert_eq!(c["origin"], "ai-modified");
    // A range holding only the far line is human, whatever its commit did.
    let v = json(r.path(), &["src/pay.rs:25"], &[]);
    assert_eq!(v["origin"], "human");
    assert_eq!(v["commits"][0]["origin"], "ai-modified");
    // The wider window reaches line 12's neighbours but not line 25.
    let v = json(r.path(), &["src/pay.rs:25", "--window", "20"], &[]);
    assert_eq!(v["origin"], "ai-adjacent");
}

/// Guards the "human (github-copilot)" reading: a low-confidence signal
/// names its tool on a human line without making the line AI.
#[test]
fn low_confidence_tool_shows_on_a_human_line() {
    let mut r = RepoBuilder::new();
    r.write("a.rs", &lines_of("x", 1, 5));
    r.trailer(
        "Co-authored-by",
        "Copilot <175728472+Copilot@users.noreply.github.com>",
    );
    r.commit("Apply review suggestion");
    let v = json(r.path(), &["a.rs:1-2"], &[]);
    assert_eq!(v["origin"], "human");
    assert_eq!(v["lines"][0]["origin"], "human");
    assert_eq!(v["lines"][0]["tool"], "github-copilot");
    let o = aeef(r.path(), &["blame", "a.rs:1"]);
    assert!(
        stdout(&o).contains("human (github-copilot)"),
        "{}",
        stdout(&o)
    );
}

/// Guards ignore lists (DESIGN §2): a formatting commit listed in
/// `.git-blame-ignore-revs` (or `blame.ignoreRevsFile`) must not take over
/// the AI lines it re-indented, in line blame and in commit blame.
#[test]
fn ignore_revs_keep_ai_lines_with_their_ai_commit() {
    let mut r = RepoBuilder::new();
    r.write("src/lib.rs", &lines_of("ai", 1, 12));
    r.trailer("AI-Tool", "claude-code");
    let ai = r.commit("AI writes lib");
    r.write("src/lib.rs", &lines_of("    ai", 1, 12));
    let fmt = r.commit("Reformat");
    r.write(".git-blame-ignore-revs", &format!("# formatting\n{fmt}\n"));
    r.commit("Ignore the reformat in blame");
    r.edit("src/lib.rs", 6, 6, &["    human 6"]);
    let human = r.commit("Human edits line 6");

    let oracle = git_blame(
        &r,
        "src/lib.rs",
        &["--ignore-revs-file", ".git-blame-ignore-revs"],
    );
    let v = json(r.path(), &["src/lib.rs"], &[]);
    assert_eq!(commits_of(&v), oracle);
    assert_eq!(v["lines"][0]["commit"], ai.as_str());
    assert_eq!(origin_at(&v, 1), "ai-generated");
    // Line 6 replaced a line the ignore list leaves with the AI commit.
    assert_eq!(origin_at(&v, 6), "ai-modified");
    assert_eq!(
        v["ignored_revs"],
        serde_json::json!([{"commit": fmt, "listed_in": ".git-blame-ignore-revs"}])
    );
    let c = json(r.path(), &[&human], &[]);
    assert_eq!(c["origin"], "ai-modified");
    assert!(
        c["evidence"].to_string().contains(&fmt[..12]),
        "{}",
        c["evidence"]
    );

    // The same list under another name, through git's own setting.
    std::fs::rename(
        r.path().join(".git-blame-ignore-revs"),
        r.path().join("revs-to-skip"),
    )
    .unwrap();
    let v = json(r.path(), &["src/lib.rs:1-3"], &[]);
    assert_eq!(
        v["lines"][0]["commit"],
        fmt.as_str(),
        "no list: the reformat owns it"
    );
    r.git(&["config", "blame.ignoreRevsFile", "revs-to-skip"]);
    let v = json(r.path(), &["src/lib.rs:1-3"], &[]);
    assert_eq!(v["lines"][0]["commit"], ai.as_str());
    assert_eq!(v["ignored_revs"][0]["listed_in"], "revs-to-skip");
}

/// Guards git as the oracle on histories with merges and renames: the
/// per-line commits equal `git blame`'s, and lines a merge resolved get an
/// origin without error.
#[test]
fn per_line_commits_equal_git_blame_across_merges_and_renames() {
    let (mut r, _) = half_ai();
    r.checkout_new("topic", "main");
    r.trailer("AI-Tool", "aider");
    r.edit("src/pay.rs", 20, 20, &["aider 20"]);
    r.commit("aider on topic");
    r.checkout("main");
    r.edit("src/pay.rs", 28, 28, &["main 28"]);
    r.commit("human on main");
    r.edit("src/pay.rs", 20, 20, &["main 20"]);
    r.commit("human conflicting edit");
    let mut resolved = std::fs::read_to_string(r.path().join("src/pay.rs")).unwrap();
    resolved = resolved.replace("main 20", "resolved 20");
    r.merge("topic", "Merge topic", &[("src/pay.rs", &resolved)]);
    r.rename("src/pay.rs", "src/payments.rs");
    r.commit("Rename");
    r.edit("src/payments.rs", 21, 21, &["after rename 21"]);
    r.commit("human after rename");

    let v = json(r.path(), &["src/payments.rs"], &[]);
    assert_eq!(commits_of(&v), git_blame(&r, "src/payments.rs", &[]));
    // The merge owns its resolution, line 20; judged against the parent
    // git compared it with, as commit classification judges the merge.
    let merge = v["lines"][19]["commit"].as_str().unwrap().to_string();
    let whole = json(r.path(), &[&merge], &[]);
    assert_eq!(origin_at(&v, 20), whole["origin"].as_str().unwrap());
    // Line 21 sits beside the resolved line only; not near AI lines.
    assert_eq!(origin_at(&v, 21), "human");
    assert_eq!(origin_at(&v, 1), "ai-generated");
    // And without git, libgit2's blame gives the same commits.
    let v2 = json(r.path(), &["src/payments.rs"], &[("AEEF_NO_GIT", "1")]);
    assert_eq!(commits_of(&v2), commits_of(&v));
}

/// Guards the cache: a repeated run gives the same answer; a new note, an
/// amended (rebased) commit or a changed window never reads a stale one;
/// two processes filling it at once both answer right.
#[test]
fn cache_is_reused_but_never_stale() {
    let (mut r, _) = half_ai();
    r.edit("src/pay.rs", 15, 15, &["new 15"]);
    let edit15 = r.commit("Human edits 15");
    let cold = json(r.path(), &["src/pay.rs:14-16"], &[]);
    let cache = r.path().join(".git/aeef/cache/lines");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);
    let warm = json(r.path(), &["src/pay.rs:14-16"], &[]);
    assert_eq!(cold, warm);
    let off = json(r.path(), &["src/pay.rs:14-16"], &[("AEEF_NO_CACHE", "1")]);
    assert_eq!(off, cold);
    assert_eq!(origin_at(&cold, 1), "human");

    // A git-ai note now says line 15 is AI: the answer changes.
    r.note(
        &edit15,
        "src/pay.rs\n  s_0123456789abcd::t_0123456789abcd 15\n---\n{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{\"s_0123456789abcd\":{\"agent_id\":{\"tool\":\"cursor\",\"model\":\"gpt-5\"}}}}\n",
    );
    let noted = json(r.path(), &["src/pay.rs:14-16"], &[]);
    assert_eq!(noted["lines"][1]["origin"], "ai-generated");
    assert_eq!(noted["lines"][1]["tool"], "cursor");
    assert_eq!(noted["lines"][1]["model"], "gpt-5");

    // Amending HEAD (as a rebase would) gives new commits, new answers.
    r.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "Codex edits 15\n\nAI-Tool: codex",
    ]);
    let amended = json(r.path(), &["src/pay.rs:14-16"], &[]);
    assert_eq!(amended["lines"][1]["tool"], "codex");

    // A changed window is part of the key.
    let w0 = json(r.path(), &["src/pay.rs:10-12", "--window", "0"], &[]);
    let w3 = json(r.path(), &["src/pay.rs:10-12"], &[]);
    assert_eq!(w0["lines"][2]["origin"], "human");
    assert_eq!(w3["lines"][2]["origin"], "ai-adjacent");

    // Two cold processes at once.
    std::fs::remove_dir_all(r.path().join(".git/aeef")).unwrap();
    let exe = env!("CARGO_BIN_EXE_aeef");
    let spawn = || {
        std::process::Command::new(exe)
            .current_dir(r.path())
            .args(["blame", "src/pay.rs", "--format", "json"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
    let again = json(r.path(), &["src/pay.rs"], &[]);
    assert_eq!(again, serde_json::from_slice::<Value>(&a.stdout).unwrap());
}

/// Guards the shallow rule for line blame: when the parent context of a
/// human line lies beyond the shallow edge, aeef stops with the fix
/// instead of guessing `human`.
#[test]
fn parent_context_beyond_the_shallow_edge_exits_2() {
    let (mut r, _) = half_ai();
    r.edit("src/pay.rs", 9, 9, &["human 9"]);
    r.commit("Human edits 9");
    r.edit("src/pay.rs", 29, 29, &["human 29"]);
    r.commit("Human edits 29");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(dir.path(), &["clone", "-q", "--depth", "2", &url, "c"]);
    let clone = dir.path().join("c");
    // Line 29's commit and its parent are present, but blame at the parent
    // reaches the edge.
    let o = aeef(&clone, &["blame", "src/pay.rs:29"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("git fetch --unshallow"),
        "{}",
        stderr(&o)
    );
    git_in(&clone, &["fetch", "-q", "--unshallow"]);
    let v = json(&clone, &["src/pay.rs:29"], &[]);
    assert_eq!(v["origin"], "human");
    let v = json(&clone, &["src/pay.rs:9"], &[]);
    assert_eq!(v["origin"], "ai-modified");
}

/// Guards the shortcuts of line blame (parent blames stopped at the
/// parents of the oldest AI commits, paths no AI commit touched skipped,
/// renames followed): on a history where AI arrives late, every commit's
/// origin in `commits` equals what `aeef blame <sha>` (no shortcut) says,
/// and lines beside AI lines in a renamed file are still found.
#[test]
fn shortcuts_give_the_same_answers_as_full_classification() {
    let mut r = RepoBuilder::new();
    r.write("a.rs", &lines_of("a", 1, 10));
    r.write("b.rs", &lines_of("b", 1, 10));
    r.commit("Human base");
    r.edit("a.rs", 2, 2, &["human 2"]);
    r.commit("Human edits a");
    r.trailer("AI-Tool", "codex");
    r.edit("b.rs", 4, 6, &["codex 4", "codex 5", "codex 6"]);
    let ai = r.commit("Codex edits b");
    r.rename("b.rs", "c.rs");
    r.commit("Rename b to c");
    r.edit("a.rs", 5, 5, &["x 5"]);
    r.edit("c.rs", 8, 8, &["x 8"]);
    let x = r.commit("Human edits a and c");
    r.edit("a.rs", 9, 9, &["y 9"]);
    let y = r.commit("Human edits a only");

    let c = json(r.path(), &["c.rs"], &[]);
    assert_eq!(commits_of(&c), git_blame(&r, "c.rs", &[]));
    assert_eq!(c["lines"][4]["commit"], ai.as_str());
    assert_eq!(origin_at(&c, 5), "ai-generated");
    assert_eq!(origin_at(&c, 8), "ai-adjacent");
    assert_eq!(origin_at(&c, 10), "human");
    let a = json(r.path(), &["a.rs"], &[]);
    assert_eq!(commits_of(&a), git_blame(&r, "a.rs", &[]));
    assert!(
        a["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["origin"] == "human")
    );
    for v in [&a, &c] {
        origins_equal_commit_blame(&r, v);
    }
    let find = |sha: &str| commit_origin(&a, sha);
    assert_eq!(find(&x), "ai-adjacent");
    assert_eq!(find(&y), "human");
}

/// Guards the early stop of line blame's commit origins (issue 10: a human
/// commit's files are blamed only until one shows `ai-modified`): a human
/// commit whose first file is only *beside* AI lines but whose second file
/// *changes* AI lines (written by a commit a git-ai note makes AI) is still
/// `ai-modified`, and one that changes AI lines in the blamed file stops
/// there with the same origin `aeef blame <sha>` gives in full.
#[test]
fn early_stop_keeps_each_commits_full_origin() {
    let mut r = RepoBuilder::new();
    r.write("a.rs", &lines_of("a", 1, 20));
    r.write("b.rs", &lines_of("b", 1, 20));
    r.commit("Human base");
    r.trailer("AI-Tool", "claude-code");
    r.edit("a.rs", 5, 6, &["claude 5", "claude 6"]);
    r.commit("Claude edits a");
    // No message provenance: the note alone makes lines 10-11 of b.rs AI.
    r.edit("b.rs", 10, 12, &["noted 10", "noted 11", "plain 12"]);
    let noted = r.commit("Edit b");
    r.note(
        &noted,
        "b.rs\n  s_0123456789abcd::t_0123456789abcd 10-11\n---\n{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{\"s_0123456789abcd\":{\"agent_id\":{\"tool\":\"cursor\",\"model\":\"gpt-5\"}}}}\n",
    );
    // Beside a.rs's AI lines, replacing b.rs's noted line 10.
    r.edit("a.rs", 8, 8, &["human 8"]);
    r.edit("b.rs", 10, 10, &["human 10"]);
    let both = r.commit("Human edits a near AI and b over AI");
    // Replacing an AI line of a.rs, and far from anything in b.rs.
    r.edit("a.rs", 6, 6, &["human 6"]);
    r.edit("b.rs", 19, 19, &["human 19"]);
    let over = r.commit("Human edits a over AI");

    let v = json(r.path(), &["a.rs"], &[]);
    assert_eq!(commits_of(&v), git_blame(&r, "a.rs", &[]));
    assert_eq!(origin_at(&v, 6), "ai-modified");
    assert_eq!(origin_at(&v, 8), "ai-adjacent");
    let origin_of = |sha: &str| commit_origin(&v, sha);
    assert_eq!(origin_of(&both), "ai-modified");
    assert_eq!(origin_of(&over), "ai-modified");
    origins_equal_commit_blame(&r, &v);
    // The noted file itself: per-line commits still equal git's.
    let b = json(r.path(), &["b.rs"], &[]);
    assert_eq!(commits_of(&b), git_blame(&r, "b.rs", &[]));
    assert_eq!(origin_at(&b, 10), "ai-modified");
    assert_eq!(origin_at(&b, 11), "ai-generated");
    // Written with the noted lines but not listed: human, and its parent
    // had no AI lines.
    assert_eq!(origin_at(&b, 12), "human");
}

/// Guards the narrowed asks of line blame's commit origins (issue 10): once
/// a human commit is `ai-adjacent`, its other files are blamed only at the
/// lines it changed. A later file whose changed lines are AI still makes
/// it `ai-modified`; an insertion among AI lines leaves it `ai-adjacent`;
/// a commit adjacent only in a later file is found there. Every origin
/// equals the one `aeef blame <sha>` gives in full.
#[test]
fn an_adjacent_commit_still_finds_ai_lines_it_changes_in_later_files() {
    let mut r = RepoBuilder::new();
    for f in ["a.rs", "b.rs", "c.rs", "d.rs"] {
        r.write(f, &lines_of(&f[..1], 1, 30));
    }
    r.commit("Human base");
    r.trailer("AI-Tool", "claude-code");
    for f in ["a.rs", "b.rs", "c.rs", "d.rs"] {
        r.edit(f, 10, 12, &["claude 10", "claude 11", "claude 12"]);
    }
    r.commit("Claude edits every file");
    // Beside AI lines in a.rs (the blamed file), over them in c.rs.
    r.edit("a.rs", 14, 14, &["human 14"]);
    r.edit("b.rs", 25, 25, &["human 25"]);
    r.edit("c.rs", 11, 11, &["human 11"]);
    let over_later = r.commit("Human edits near AI in a, over AI in c");
    // Beside AI lines in a.rs, and lines inserted among c.rs's AI lines.
    r.edit("a.rs", 8, 8, &["human 8"]);
    r.edit("c.rs", 10, 9, &["inserted"]);
    let inserted = r.commit("Human edits near AI in a, inserts into c");
    // Far from AI lines in a.rs; beside them in b.rs, over them in d.rs.
    r.edit("a.rs", 28, 28, &["human 28"]);
    r.edit("b.rs", 14, 14, &["human b14"]);
    r.edit("d.rs", 12, 12, &["human d12"]);
    let later_adjacent = r.commit("Human edits a far away, near AI in b, over AI in d");
    // Far away in a.rs, beside AI lines in b.rs only.
    r.edit("a.rs", 26, 26, &["human 26"]);
    r.edit("b.rs", 8, 8, &["human b8"]);
    let adjacent_only = r.commit("Human edits a far away, near AI in b");

    let v = json(r.path(), &["a.rs"], &[]);
    assert_eq!(commits_of(&v), git_blame(&r, "a.rs", &[]));
    let origin_of = |sha: &str| commit_origin(&v, sha);
    assert_eq!(origin_of(&over_later), "ai-modified");
    assert_eq!(origin_of(&inserted), "ai-adjacent");
    assert_eq!(origin_of(&later_adjacent), "ai-modified");
    assert_eq!(origin_of(&adjacent_only), "ai-adjacent");
    origins_equal_commit_blame(&r, &v);
    // The lines themselves: a.rs's human lines by their own hunks.
    assert_eq!(origin_at(&v, 14), "ai-adjacent");
    assert_eq!(origin_at(&v, 8), "ai-adjacent");
    assert_eq!(origin_at(&v, 28), "human");
}

/// Guards the cache key against Agent Trace records kept uncommitted in
/// the work tree (DESIGN §1.2 item 5): writing the file changes the
/// answer, so a repeated run must not serve the one cached before it.
#[test]
fn cache_misses_when_the_work_tree_traces_change() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &lines_of("x", 1, 12));
    let base = r.commit("Add a.rs");
    let before = json(r.path(), &["src/a.rs:1-3"], &[]);
    assert_eq!(origin_at(&before, 1), "human");
    let record = format!(
        r#"{{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-06T00:00:00Z","vcs":{{"type":"git","revision":"{base}"}},"tool":{{"name":"claude-code"}},"files":[{{"path":"src/a.rs","conversations":[{{"contributor":{{"type":"ai","model_id":"anthropic/claude-opus-4-5-20251101"}},"ranges":[{{"start_line":1,"end_line":3}}]}}]}}]}}"#
    );
    std::fs::create_dir_all(r.path().join(".agent-trace")).unwrap();
    std::fs::write(r.path().join(".agent-trace/traces.jsonl"), record + "\n").unwrap();
    let after = json(r.path(), &["src/a.rs:1-3"], &[]);
    assert_eq!(origin_at(&after, 1), "ai-generated");
    let fresh = json(r.path(), &["src/a.rs:1-3"], &[("AEEF_NO_CACHE", "1")]);
    assert_eq!(after, fresh);
}
