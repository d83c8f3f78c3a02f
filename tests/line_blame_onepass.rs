//! Line blame's one pass over a file's history (issue 10) gives exactly
//! the answers of the per-parent `git blame`s it replaces: every case is
//! run both ways (`AEEF_ONE_PASS=0` blames at every parent as before) and
//! against `git blame` itself, on histories with merges, renames, ignore
//! lists and moved lines; and a linear history runs one `git blame` only.
mod common;

use common::{RepoBuilder, aeef_env, stderr, stdout};
use serde_json::Value;

fn lines_of(tag: &str, from: usize, to: usize) -> String {
    (from..=to).map(|i| format!("{tag} line {i}\n")).collect()
}

/// `aeef blame ARGS --format json` without the cache, the one pass forced
/// on (even on histories this small) or off, and how many `git blame` processes it ran (from `GIT_TRACE`).
fn run(r: &RepoBuilder, args: &[&str], one_pass: bool) -> (Value, usize) {
    let trace = tempfile::NamedTempFile::new().unwrap();
    let mut a = vec!["blame"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    let o = aeef_env(
        r.path(),
        &a,
        &[
            ("AEEF_NO_CACHE", "1"),
            ("AEEF_ONE_PASS", if one_pass { "1" } else { "0" }),
            ("GIT_TRACE", trace.path().to_str().unwrap()),
        ],
    );
    assert!(o.status.success(), "aeef {a:?} failed: {}", stderr(&o));
    let log = std::fs::read_to_string(trace.path()).unwrap();
    let blames = log
        .lines()
        .filter(|l| l.contains("built-in: git blame"))
        .count();
    (serde_json::from_str(&stdout(&o)).unwrap(), blames)
}

/// Runs `args` both ways, asserts the same JSON and per-line commits equal
/// to `git blame --porcelain` of `path` at HEAD; returns the answer and the
/// `git blame` counts (one pass, per parent).
fn both(r: &RepoBuilder, args: &[&str], path: &str) -> (Value, usize, usize) {
    let (fast, n_fast) = run(r, args, true);
    let (slow, n_slow) = run(r, args, false);
    assert_eq!(fast, slow, "the one pass changed the answer of {args:?}");
    let oracle: Vec<(u64, String)> = r
        .git(&["blame", "--porcelain", "HEAD", "--", path])
        .lines()
        .filter(|l| l.len() > 40 && l.as_bytes()[..40].iter().all(u8::is_ascii_hexdigit))
        .map(|l| {
            let p: Vec<&str> = l.split(' ').collect();
            (p[2].parse().unwrap(), p[0].to_string())
        })
        .collect();
    let got: Vec<(u64, String)> = fast["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    if args.len() == 1 && !args[0].contains(':') {
        assert_eq!(got, oracle, "per-line commits differ from git blame");
    }
    (fast, n_fast, n_slow)
}

fn origin_at(v: &Value, line: usize) -> &str {
    v["lines"][line - 1]["origin"].as_str().unwrap()
}

/// An AI commit writes 20 lines; humans then replace part of the AI hunk,
/// add lines beside it and far from it, in a line of single-file commits.
/// Older human history comes first, so that most commits lie below the
/// AI bound and blames may stop there (`AiAncestry::blame_bound`).
fn linear() -> RepoBuilder {
    linear_after(5)
}

/// [`linear`] after `older` human commits of another file.
fn linear_after(older: usize) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    for n in 1..=older {
        r.write("docs/notes.txt", &lines_of("note", 1, n));
        r.commit("Human notes");
    }
    let mut text = lines_of("ai", 1, 20);
    text.push_str(&lines_of("old", 21, 60));
    r.write("src/core.rs", &lines_of("old", 21, 60));
    r.commit("Human base");
    r.write("src/core.rs", &text);
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Human-Modifications", "none");
    r.commit("AI writes the core");
    r.edit("src/core.rs", 5, 7, &["human 5", "human 6"]);
    r.commit("Human replaces part of the AI hunk");
    r.edit("src/core.rs", 21, 21, &["human beside"]);
    r.commit("Human edits beside the AI lines");
    r.edit("src/core.rs", 50, 50, &["human far"]);
    r.commit("Human edits far away");
    r
}

/// Guards the point of the one pass: on a linear file history, human
/// commits owning lines need no `git blame` at their parents (one blame,
/// of the asked lines, where the per-parent way runs several), with the
/// same per-line origins.
#[test]
fn linear_history_needs_no_parent_blames() {
    let r = linear();
    let (v, fast, slow) = both(&r, &["src/core.rs"], "src/core.rs");
    assert_eq!(fast, 1, "one git blame, of the asked lines");
    assert!(slow > 1, "the per-parent way blames at parents ({slow})");
    assert_eq!(origin_at(&v, 1), "ai-generated");
    // Lines 5-6 replaced AI lines 5-7 of the parent.
    assert_eq!(origin_at(&v, 5), "ai-modified");
    assert_eq!(origin_at(&v, 6), "ai-modified");
    // Line 21 replaced a human line two under the AI lines.
    assert_eq!(origin_at(&v, 21), "ai-adjacent");
    assert_eq!(origin_at(&v, 20), "human");
    assert_eq!(origin_at(&v, 50), "human");
    // Every parent line came from the pass, so the walk for the paths AI
    // lines can live in (`git log -M --name-status`) was never asked for
    // and never run; blaming per parent asks for it.
    let walks = |one_pass: &str| {
        let trace = tempfile::NamedTempFile::new().unwrap();
        let o = aeef_env(
            r.path(),
            &["blame", "src/core.rs", "--format", "json"],
            &[
                ("AEEF_NO_CACHE", "1"),
                ("AEEF_ONE_PASS", one_pass),
                ("GIT_TRACE", trace.path().to_str().unwrap()),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(trace.path())
            .unwrap()
            .lines()
            .filter(|l| l.contains("--name-status"))
            .count()
    };
    assert_eq!(walks("1"), 0);
    assert_eq!(walks("0"), 1);
    // A range answers the same as the whole file's lines (with so few
    // parent blames to save, per parent: `onepass::MIN_BLAMES`).
    let (part, _, _) = both(&r, &["src/core.rs:4-8"], "src/core.rs");
    assert_eq!(part["lines"][1], v["lines"][4]);
}

/// The `git blame` and `git log` command lines `aeef blame PATH` ran,
/// blaming at every parent (from `GIT_TRACE`).
fn git_runs(r: &RepoBuilder, path: &str) -> (Value, Vec<String>) {
    let trace = tempfile::NamedTempFile::new().unwrap();
    let o = aeef_env(
        r.path(),
        &["blame", path, "--format", "json"],
        &[
            ("AEEF_NO_CACHE", "1"),
            ("AEEF_ONE_PASS", "0"),
            ("GIT_TRACE", trace.path().to_str().unwrap()),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = std::fs::read_to_string(trace.path())
        .unwrap()
        .lines()
        .filter(|l| l.contains("built-in: git blame") || l.contains("built-in: git log"))
        .map(str::to_string)
        .collect();
    (serde_json::from_str(&stdout(&o)).unwrap(), runs)
}

/// Guards the blame bound (issue 10): where AI provenance starts early,
/// most of the history lies above the bound, and a bounded `git blame`
/// first walks all of it (git-ai: twice the time of an unbounded one).
/// Parent blames then run without `^BOUND`, and the walk for the paths AI
/// lines can live in is not run; where AI starts late both are used. The
/// per-line origins are the same either way.
#[test]
fn a_bound_deep_in_the_history_is_not_handed_to_blame() {
    let parent_blames = |runs: &[String]| -> Vec<String> {
        runs.iter()
            .filter(|l| l.contains("git blame") && !l.contains("-L1,"))
            .cloned()
            .collect()
    };
    let (deep, runs) = git_runs(&linear_after(0), "src/core.rs");
    let blames = parent_blames(&runs);
    assert!(!blames.is_empty(), "{runs:#?}");
    assert!(blames.iter().all(|l| !l.contains(" ^")), "{blames:#?}");
    assert!(
        !runs.iter().any(|l| l.contains("--name-status")),
        "{runs:#?}"
    );
    let (late, runs) = git_runs(&linear_after(5), "src/core.rs");
    let blames = parent_blames(&runs);
    assert!(
        !blames.is_empty() && blames.iter().all(|l| l.contains(" ^")),
        "{blames:#?}"
    );
    assert!(
        runs.iter().any(|l| l.contains("--name-status")),
        "{runs:#?}"
    );
    let origins = |v: &Value| -> Vec<String> {
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["origin"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(origins(&deep), origins(&late));
    assert!(origins(&deep).iter().any(|o| o == "ai-adjacent"));
}

/// Guards merges: lines an AI commit brought in on a branch, merged, then
/// edited by a human after the merge, are carried through the merge as
/// `git blame` passes them (first parent that has them unchanged).
#[test]
fn merge_bringing_ai_lines_agrees_with_per_parent_blames() {
    let mut r = RepoBuilder::new();
    r.write("src/m.rs", &lines_of("base", 1, 30));
    r.commit("Human base");
    r.checkout_new("topic", "main");
    r.edit("src/m.rs", 10, 10, &["ai 10", "ai 11", "ai 12"]);
    r.trailer("AI-Tool", "aider");
    r.commit("AI on topic");
    r.checkout("main");
    r.edit("src/m.rs", 25, 25, &["main 25"]);
    r.commit("Human on main");
    r.merge("topic", "Merge topic", &[]);
    r.edit("src/m.rs", 11, 11, &["human over ai"]);
    r.commit("Human edits an AI line after the merge");
    // A merge that resolves a conflict owns lines of its own.
    r.checkout_new("other", "main");
    r.edit("src/m.rs", 2, 2, &["other 2"]);
    r.commit("Human on other");
    r.checkout("main");
    r.edit("src/m.rs", 2, 2, &["main 2"]);
    r.commit("Human on main again");
    let mut resolved = std::fs::read_to_string(r.path().join("src/m.rs")).unwrap();
    resolved = resolved.replace("main 2\n", "resolved 2\n");
    r.merge("other", "Merge other", &[("src/m.rs", &resolved)]);
    let (v, fast, slow) = both(&r, &["src/m.rs"], "src/m.rs");
    assert!(
        fast < slow,
        "the one pass went through the merges ({fast} vs {slow})"
    );
    assert_eq!(origin_at(&v, 11), "ai-modified");
    assert_eq!(origin_at(&v, 10), "ai-generated");
}

/// Guards renames: blame follows the file to its old name; the one pass
/// cannot (it reads one path) and must leave the answer to per-parent
/// blames.
#[test]
fn rename_agrees_with_per_parent_blames() {
    let mut r = linear();
    r.rename("src/core.rs", "src/engine.rs");
    r.commit("Rename");
    r.edit("src/engine.rs", 3, 3, &["human after rename"]);
    r.commit("Human edits an AI line after the rename");
    let (v, _, _) = both(&r, &["src/engine.rs"], "src/engine.rs");
    assert_eq!(origin_at(&v, 3), "ai-modified");
    assert_eq!(origin_at(&v, 5), "ai-modified");
}

/// Guards the ignore lists: a listed reformat does not own the AI lines in
/// `git blame`, so the one pass (which would give them to it) steps aside.
#[test]
fn ignore_revs_agree_with_per_parent_blames() {
    let mut r = RepoBuilder::new();
    r.write("src/lib.rs", &lines_of("ai", 1, 12));
    r.trailer("AI-Tool", "claude-code");
    r.commit("AI writes lib");
    r.write("src/lib.rs", &lines_of("    ai", 1, 12));
    let fmt = r.commit("Reformat");
    r.write(".git-blame-ignore-revs", &format!("{fmt}\n"));
    r.commit("Ignore the reformat in blame");
    r.edit("src/lib.rs", 6, 6, &["    human 6"]);
    r.commit("Human edits line 6");
    let (v, _, _) = both(&r, &["src/lib.rs:1-12"], "src/lib.rs");
    assert_eq!(v["lines"][5]["origin"], "ai-modified");
}

/// Guards moved lines: a human moving a block of AI lines owns the moved
/// copy in `git blame` (no `-M`), and replaced the AI lines it took away.
#[test]
fn moved_lines_agree_with_per_parent_blames() {
    let mut r = linear();
    let text = std::fs::read_to_string(r.path().join("src/core.rs")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut moved: Vec<&str> = Vec::new();
    moved.extend_from_slice(&lines[..8]);
    moved.extend_from_slice(&lines[13..40]);
    moved.extend_from_slice(&lines[8..13]);
    moved.extend_from_slice(&lines[40..]);
    r.write("src/core.rs", &(moved.join("\n") + "\n"));
    r.commit("Human moves AI lines 9-13 down");
    let (v, _, _) = both(&r, &["src/core.rs"], "src/core.rs");
    assert_eq!(origin_at(&v, 1), "ai-generated");
}
