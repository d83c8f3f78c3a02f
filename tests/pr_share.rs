//! The AI share of a change (DESIGN §9, issue 13 item 1) on real built
//! repositories: lines the change adds (git's `--numstat` is the oracle),
//! attributed per line at the head — commit trailers, a git-ai note that
//! narrows its commit's lines, an Agent Trace record, a human commit that
//! rewrites AI lines, a binary file, a rename, a deletion and a merge.
mod common;

use aeef::classify::{Classifier, Options};
use aeef::git::Repo;
use common::{RepoBuilder, aeef, aeef_env, stderr, stdout};
use serde_json::{Value, json};

fn lines(tag: &str, n: usize) -> String {
    (1..=n).map(|i| format!("{tag} line {i}\n")).collect()
}

/// A git-ai note attesting `ranges` of `path` to a Claude session.
fn note(path: &str, ranges: &str) -> String {
    format!(
        "{path}\n  s_0123456789abcd::t_0123456789abcd {ranges}\n---\n{{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}\n"
    )
}

/// An Agent Trace record (spec §6.2 shape) of `revision` attributing lines
/// `from..=to` of `path` to AI.
fn trace(revision: &str, path: &str, from: u32, to: u32) -> String {
    format!(
        r#"{{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-06T00:00:00Z","vcs":{{"type":"git","revision":"{revision}"}},"tool":{{"name":"claude-code"}},"files":[{{"path":"{path}","conversations":[{{"url":"https://example.com/v1/conversations/1","contributor":{{"type":"ai","model_id":"anthropic/claude-opus-4-5-20251101"}},"ranges":[{{"start_line":{from},"end_line":{to}}}]}}]}}]}}"#
    )
}

/// Lines added from the merge base of `base` and `head` to `head`, as
/// `git diff --numstat -M` counts them (binary files, shown as `-`, add
/// none): the oracle for "lines added by the change".
fn numstat_added(r: &RepoBuilder, base: &str, head: &str) -> u64 {
    let mb = r.git(&["merge-base", base, head]);
    r.git(&["diff", "--numstat", "-M", mb.trim(), head])
        .lines()
        .filter_map(|l| l.split('\t').next()?.parse::<u64>().ok())
        .sum()
}

/// Builds the change `main..topic`; see the comments for what each commit
/// adds. Returns the repository.
fn change() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    // History before the change, for shallow clones to cut.
    for i in 0..3 {
        r.write("pre.txt", &lines(&format!("pre {i}"), 3));
        r.commit(&format!("Prehistory {i}"));
    }
    r.write("src/a.rs", &lines("a", 12))
        .write("old.rs", &lines("old", 20))
        .write("del.rs", &lines("del", 5));
    r.commit("Base");
    // A side branch forked at the base, merged into the topic below:
    // 4 lines by aider.
    r.checkout_new("side", "main");
    r.write("src/side.rs", &lines("side", 4));
    r.trailer("AI-Tool", "aider")
        .trailer("AI-Model-Version", "gpt-4o");
    r.commit("Side: add side.rs");
    r.checkout("main");
    r.checkout_new("topic", "main");
    // 10 lines by Claude (trailers); the human commit below rewrites 2.
    r.write("src/ai.rs", &lines("ai", 10));
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4-6");
    r.commit("Add ai.rs");
    // 12 lines in a commit whose trailer says Claude, but its git-ai note
    // lists only lines 1-3 as AI: 3 AI lines, 9 human.
    r.write("src/noted.rs", &lines("noted", 12));
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let noted = r.commit("Add noted.rs");
    r.note(&noted, &note("src/noted.rs", "1-3"));
    // 12 lines, no commit-level provenance; an Agent Trace record (written
    // below) attributes lines 1-4 to AI.
    r.write("src/traced.rs", &lines("traced", 12));
    let traced = r.commit("Add traced.rs");
    // Human: 2 AI lines rewritten, line 5 of a.rs replaced by 3 lines.
    r.edit("src/ai.rs", 2, 3, &["human 2", "human 3"]).edit(
        "src/a.rs",
        5,
        5,
        &["h5", "h5b", "h5c"],
    );
    r.commit("Human fixes");
    // Human: a binary file, a rename with one line changed, a deletion.
    r.write_bytes("logo.png", &[0x89, b'P', b'N', b'G', 0, 1, 2, 0, 255, 0]);
    r.rename("old.rs", "new.rs")
        .edit("new.rs", 7, 7, &["renamed and changed"]);
    r.remove("del.rs");
    r.commit("Binary, rename, deletion");
    r.merge("side", "Merge side", &[]);
    // The base branch moves on: not part of the change.
    r.checkout("main");
    r.edit("src/a.rs", 12, 12, &["main moved"]);
    r.commit("Main moves on");
    r.checkout("topic");
    // Kept in the work tree, uncommitted, as many do.
    r.write(
        ".agent-trace/traces.jsonl",
        &format!("{}\n", trace(&traced, "src/traced.rs", 1, 4)),
    );
    r
}

fn scan_share(r: &RepoBuilder, range: &str) -> Value {
    let o = aeef(r.path(), &["scan", range, "--share", "--format", "json"]);
    assert!(
        o.status.success(),
        "aeef scan --share failed: {}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "one JSON line: {out}");
    serde_json::from_str(&out).expect("JSON")
}

/// Guards DESIGN §9's definition end to end: the added lines are exactly
/// git's (binary, deletion and the pure rename add nothing; the base
/// branch's own later commit is not in the change), and each is AI by the
/// per-line rule — trailers, the note narrowing its commit to 3 lines, the
/// Agent Trace record's 4 lines, the merged side branch's lines, minus the
/// AI lines a human rewrote.
#[test]
fn share_counts_gits_added_lines_attributed_per_line_at_the_head() {
    let r = change();
    let v = scan_share(&r, "main..topic");
    let s = &v["share"];
    // 10 + 12 + 12 + 4 (side) + 3 (a.rs) + 1 (new.rs), as git counts them.
    assert_eq!(numstat_added(&r, "main", "topic"), 42);
    assert_eq!(s["lines"], 42);
    // ai.rs 10 - 2 rewritten, noted.rs 3 of 12, traced.rs 4, side.rs 4.
    assert_eq!(s["ai_lines"], 19);
    assert_eq!(s["ratio"].as_f64().unwrap(), 19.0 / 42.0);
    assert_eq!(s["by_tool"], json!({"claude-code": 15, "aider": 4}));
    assert_eq!(
        s["by_model"],
        json!({"claude-opus-4-6": 11, "claude-opus-4-5": 4, "gpt-4o": 4})
    );
    // ai.rs, noted.rs (trailer), traced.rs (its record), side.rs.
    assert_eq!(s["ai_commits"], 4);
    assert_eq!(
        v["merge_base"],
        r.git(&["merge-base", "main", "topic"]).trim()
    );
    assert_eq!(v["head"], r.git(&["rev-parse", "topic"]).trim());
    assert_eq!(v["schema_version"], 1);

    // The library answer is the same value.
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let base = repo.resolve_commit("main").unwrap();
    let head = repo.resolve_commit("topic").unwrap();
    let share = aeef::pr::share_of_change(&repo, &c, &base, &head).unwrap();
    assert_eq!(serde_json::to_value(&share).unwrap(), *s);
    assert!(share.ai_assisted());
    assert!(!share.exceeds(0.5));
}

/// Guards one truth across commands: the gate's pull-request JSON carries
/// the same share as `aeef scan --share`, and only in PR mode.
#[test]
fn gate_in_pr_mode_reports_the_same_share_as_scan() {
    let r = change();
    let expected = scan_share(&r, "main..topic")["share"].clone();
    let o = aeef(
        r.path(),
        &[
            "gate",
            "--base",
            "main",
            "--head",
            "topic",
            "--offline",
            "--format",
            "json",
        ],
    );
    assert!(o.status.code() != Some(2), "gate errored: {}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("gate JSON");
    assert_eq!(v["share"], expected);
    // Without a change there is no share to report.
    let o = aeef(r.path(), &["gate", "--offline", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("gate JSON");
    assert!(v.get("share").is_none(), "{v}");
}

/// Guards the share in the formats people read: the gate's human and
/// Markdown output and the GitHub step summary, and scan's human output.
#[test]
fn share_is_shown_in_human_markdown_and_the_step_summary() {
    let r = change();
    let gate = ["gate", "--base", "main", "--head", "topic", "--offline"];
    let human = stdout(&aeef(r.path(), &gate));
    assert!(
        human.contains("AI share: 19 of 42 added lines AI-attributed (45.2 %), 4 AI commits"),
        "{human}"
    );
    assert!(
        human.contains("claude-code") && human.contains("aider"),
        "{human}"
    );
    let md = stdout(&aeef(
        r.path(),
        &[&gate[..], &["--format", "markdown"]].concat(),
    ));
    assert!(md.contains("### AI share of the change"), "{md}");
    assert!(md.contains("**45.2 %**"), "{md}");
    assert!(md.contains("| tool | claude-code | 15 | 35.7 % |"), "{md}");
    let summary = r.path().join("summary.md");
    let o = aeef_env(
        r.path(),
        &[&gate[..], &["--format", "github"]].concat(),
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert!(stdout(&o).contains("AI share: 19 of 42"), "{}", stdout(&o));
    // The verdict is the last line of `--format github` (a log's tail),
    // after the AI share (issue 14: it used to come before it).
    let last = stdout(&o).lines().last().unwrap_or_default().to_string();
    assert!(
        last.starts_with("aeef gate: ") && last.contains(": fail (4 errors"),
        "{last}"
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("### AI share of the change"), "{text}");
    assert!(text.contains("| model | gpt-4o | 4 | 9.5 % |"), "{text}");
    let scan = stdout(&aeef(r.path(), &["scan", "main..topic", "--share"]));
    assert!(scan.contains("AI share: 19 of 42"), "{scan}");
    let smd = stdout(&aeef(
        r.path(),
        &["scan", "main..", "--share", "--format", "markdown"],
    ));
    assert!(smd.contains("**45.2 %**"), "{smd}");
}

/// Guards the zero case: a change that only deletes lines and adds a
/// binary file adds no line, and its share is 0.0, not NaN.
#[test]
fn a_change_adding_no_text_lines_has_a_zero_share() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", &lines("a", 5));
    r.commit("Base");
    r.checkout_new("topic", "main");
    r.edit("a.txt", 2, 3, &[]);
    r.write_bytes("blob.bin", &[0, 1, 2, 3, 0, 255]);
    r.trailer("AI-Tool", "claude-code");
    r.commit("Delete two lines, add a binary");
    assert_eq!(numstat_added(&r, "main", "topic"), 0);
    let s = &scan_share(&r, "main..topic")["share"];
    assert_eq!(
        *s,
        json!({"ai_lines": 0, "lines": 0, "ratio": 0.0, "by_tool": {}, "by_model": {}, "ai_commits": 1})
    );
}

/// Guards the usage contract: `--share` measures a change, so it needs one
/// range BASE..HEAD; anything else exits 2 naming the form to use.
#[test]
fn share_without_a_range_is_a_usage_error_with_help() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    r.commit("Base");
    for args in [
        &["scan", "--share"][..],
        &["scan", "HEAD", "--share"],
        &["scan", "HEAD...HEAD", "--share"],
        &["scan", "main..HEAD", "HEAD", "--share"],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("aeef::scan::share"), "{args:?}: {e}");
        assert!(e.contains("BASE..HEAD") || e.contains("rev-parse"), "{e}");
        assert!(stdout(&o).is_empty());
    }
    // An unknown side is the resolver's error, as for plain `scan`
    // (tests/argument_errors.rs).
    let o = aeef(r.path(), &["scan", "nosuch..HEAD", "--share"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("aeef::git::unknown_revision"));
    // Options that change which commits a scan lists do not apply.
    let o = aeef(r.path(), &["scan", "main..HEAD", "--share", "--all"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Guards DESIGN §2 "never guess" for the share: in a shallow clone that
/// lacks the merge base, the share exits 2 naming the fix.
#[test]
fn shallow_clone_without_the_merge_base_is_an_error() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", &lines("a", 3));
    r.commit("Base");
    r.checkout_new("topic", "main");
    for i in 0..3 {
        r.write(&format!("f{i}.txt"), &lines("f", 2));
        r.commit(&format!("Topic {i}"));
    }
    r.checkout("main");
    r.write("m.txt", "m\n");
    r.commit("Main moves on");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    common::git_in(
        dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "c",
        ],
    );
    let clone = dir.path().join("c");
    let o = aeef(&clone, &["scan", "origin/main..origin/topic", "--share"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("shallow"), "{}", stderr(&o));
}

/// Guards the Action's path (issue 13 item 4 deepens a shallow clone until
/// the merge base is present): a clone whose edge is exactly the merge base
/// gives the same share as the full repository, not a shallow error.
#[test]
fn shallow_clone_holding_the_merge_base_gives_the_full_share() {
    let r = change();
    let full = scan_share(&r, "main..topic")["share"].clone();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    // Everything from the merge base on (commits are an hour apart).
    let mb = r.git(&["merge-base", "main", "topic"]);
    let since = r.git(&["log", "-1", "--format=%cI", mb.trim()]);
    common::git_in(
        dir.path(),
        &[
            "clone",
            "-q",
            &format!("--shallow-since={}", since.trim()),
            "--no-single-branch",
            &url,
            "c",
        ],
    );
    let clone = dir.path().join("c");
    let shallow = std::fs::read_to_string(clone.join(".git/shallow")).unwrap();
    assert_eq!(
        shallow.trim(),
        mb.trim(),
        "the clone's edge is the merge base"
    );
    // The note travels with refs/notes/ai; the trace file is the work tree's.
    common::git_in(
        &clone,
        &["fetch", "-q", "origin", "refs/notes/ai:refs/notes/ai"],
    );
    std::fs::create_dir_all(clone.join(".agent-trace")).unwrap();
    std::fs::copy(
        r.path().join(".agent-trace/traces.jsonl"),
        clone.join(".agent-trace/traces.jsonl"),
    )
    .unwrap();
    let o = aeef(
        &clone,
        &[
            "scan",
            "origin/main..origin/topic",
            "--share",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["share"], full);
}

/// Guards the shortcut for the common human pull request: with no commit
/// that could have written an AI line nothing is blamed, and the answer is
/// still git's line count, all human.
#[test]
fn a_human_change_counts_its_lines_without_blaming() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", &lines("a", 8));
    r.commit("Base");
    r.checkout_new("topic", "main");
    r.edit("a.txt", 3, 4, &["x", "y", "z"])
        .write("b.txt", &lines("b", 5));
    r.commit("Human change");
    r.rename("b.txt", "c.txt").edit("c.txt", 2, 2, &["changed"]);
    r.commit("Rename");
    // git's own trace shows which commands aeef ran (outside the work
    // tree: the next commit adds everything in it).
    let trace_file = tempfile::NamedTempFile::new().unwrap();
    let trace = trace_file.path().to_path_buf();
    let o = aeef_env(
        r.path(),
        &["scan", "main..topic", "--share", "--format", "json"],
        &[("GIT_TRACE", trace.to_str().unwrap())],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ran = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(
        !ran.contains(" blame "),
        "no blame for a human change: {ran}"
    );
    let s = &serde_json::from_str::<Value>(&stdout(&o)).unwrap()["share"];
    assert_eq!(numstat_added(&r, "main", "topic"), 8);
    assert_eq!(
        *s,
        json!({"ai_lines": 0, "lines": 8, "ratio": 0.0, "by_tool": {}, "by_model": {}, "ai_commits": 0})
    );
    // An AI commit on top turns blaming back on; the counts stay git's.
    r.write("d.txt", &lines("d", 2));
    r.trailer("AI-Tool", "cursor");
    r.commit("AI lines");
    std::fs::remove_file(&trace).ok();
    let o = aeef_env(
        r.path(),
        &["scan", "main..topic", "--share", "--format", "json"],
        &[("GIT_TRACE", trace.to_str().unwrap())],
    );
    let ran = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(ran.contains(" blame "), "the AI change is blamed: {ran}");
    let s = &serde_json::from_str::<Value>(&stdout(&o)).unwrap()["share"];
    assert_eq!(numstat_added(&r, "main", "topic"), 10);
    assert_eq!(
        (s["lines"].as_u64(), s["ai_lines"].as_u64()),
        (Some(10), Some(2))
    );
    assert_eq!(s["by_tool"], json!({"cursor": 2}));
}

/// Guards merges inside the change (DESIGN §2: a merge is judged by its
/// conflict resolutions): lines a merge commit wrote while resolving a
/// conflict are its own (AI here, by its trailer), lines merged in from a
/// human side branch stay human, and the AI line the resolution replaced
/// no longer counts — while its commit still does.
#[test]
fn conflict_resolution_lines_belong_to_the_merge_commit() {
    let mut r = RepoBuilder::new();
    r.write("f.txt", &lines("f", 5));
    r.commit("Base");
    r.checkout_new("side", "main");
    r.edit("f.txt", 3, 3, &["side 3"])
        .write("g.txt", &lines("g", 2));
    r.commit("Side: human");
    r.checkout("main");
    r.checkout_new("topic", "main");
    r.edit("f.txt", 3, 3, &["topic 3"]);
    r.trailer("AI-Tool", "claude-code");
    r.commit("Topic: AI");
    r.trailer("AI-Tool", "claude-code");
    let merge = r.merge(
        "side",
        "Merge side, resolved by the agent",
        &[(
            "f.txt",
            "f line 1\nf line 2\nresolved 3a\nresolved 3b\nf line 4\nf line 5\n",
        )],
    );
    assert_eq!(
        r.git(&["rev-list", "--parents", "-1", &merge])
            .split(' ')
            .count(),
        3
    );
    assert_eq!(numstat_added(&r, "main", "topic"), 4);
    let s = &scan_share(&r, "main..topic")["share"];
    assert_eq!(
        *s,
        json!({"ai_lines": 2, "lines": 4, "ratio": 0.5, "by_tool": {"claude-code": 2}, "by_model": {"unknown": 2}, "ai_commits": 2})
    );
}

/// The lines `git diff -U0 -M` of merge base → head adds, by path at the
/// head (the `+` side of each hunk).
fn added_lines_by_git(r: &RepoBuilder, base: &str, head: &str) -> Vec<(String, u32)> {
    let mb = r.git(&["merge-base", base, head]);
    let mut out = Vec::new();
    let mut path = String::new();
    for l in r.git(&["diff", "-U0", "-M", mb.trim(), head]).lines() {
        if let Some(p) = l.strip_prefix("+++ b/") {
            path = p.to_string();
        } else if let Some(rest) = l.strip_prefix("@@ ") {
            let plus = rest.split(' ').nth(1).unwrap().trim_start_matches('+');
            let (start, n) = match plus.split_once(',') {
                Some((s, n)) => (s.parse::<u32>().unwrap(), n.parse::<u32>().unwrap()),
                None => (plus.parse().unwrap(), 1),
            };
            out.extend((start..start + n).map(|l| (path.clone(), l)));
        }
    }
    out
}

/// Guards one truth with `aeef blame PATH` (DESIGN §2 per-line origin):
/// each line the change added is AI in the share exactly when `aeef blame`
/// at the head says that line is AI-attributed (an AI origin of its own,
/// not a human line next to AI), with the same tool.
#[test]
fn share_agrees_line_by_line_with_aeef_blame() {
    let r = change();
    let added = added_lines_by_git(&r, "main", "topic");
    assert_eq!(added.len(), 42);
    let mut by_tool = std::collections::BTreeMap::<String, u64>::new();
    let mut blamed = std::collections::HashMap::<String, Value>::new();
    for (path, line) in &added {
        let v = blamed.entry(path.clone()).or_insert_with(|| {
            let o = aeef(r.path(), &["blame", path, "--format", "json"]);
            assert!(o.status.success(), "{}", stderr(&o));
            serde_json::from_str(&stdout(&o)).unwrap()
        });
        let l = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == *line)
            .unwrap();
        let ai =
            l["origin"] != "human" && l["origin"] != "ai-adjacent" && l.get("ai_commit").is_none();
        if ai {
            *by_tool
                .entry(l["tool"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    let s = &scan_share(&r, "main..topic")["share"];
    assert_eq!(serde_json::to_value(&by_tool).unwrap(), s["by_tool"]);
}

/// Hunks per file, each `(old_start, old_lines, new_start, new_lines)`.
type FileHunks = Vec<(String, Vec<(u32, u32, u32, u32)>)>;

/// `git diff -U0 A B` hunks per file: the oracle for where git places
/// each change.
fn git_hunks(r: &RepoBuilder, a: &str, b: &str) -> FileHunks {
    let text = r.git(&["diff", "-U0", "-M", "--no-color", a, b]);
    let mut out: FileHunks = Vec::new();
    let range = |s: &str| -> (u32, u32) {
        let s = s.trim_start_matches(['-', '+']);
        match s.split_once(',') {
            Some((x, n)) => (x.parse().unwrap(), n.parse().unwrap()),
            None => (s.parse().unwrap(), 1),
        }
    };
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("+++ b/") {
            out.push((p.to_string(), Vec::new()));
        } else if let Some(rest) = line.strip_prefix("@@ ") {
            let mut it = rest.split_whitespace();
            let (os, ol) = range(it.next().unwrap());
            let (ns, nl) = range(it.next().unwrap());
            out.last_mut().unwrap().1.push((os, ol, ns, nl));
        }
    }
    out
}

/// Guards issue 13 item 1: an inserted block whose first and last lines
/// repeat (a test function inserted above another in a `mod tests`) has
/// several valid placements; git (indent heuristic, on by default since
/// git 2.14) puts it where `git blame` attributes it. aeef's added lines
/// must be git's positions, not just git's count, or the share counts a
/// base line as added and misses the real AI line.
#[test]
fn added_lines_sit_where_git_diff_places_them_with_the_indent_heuristic() {
    let mut r = RepoBuilder::new();
    let base =
        "mod tests {\n    use super::*;\n\n    #[test]\n    fn old() {\n        y\n    }\n}\n";
    r.write("x.rs", base);
    r.commit("init");
    r.checkout_new("topic", "main");
    r.write("h.txt", "1\n2\n3\n4\n");
    r.commit("human notes");
    let topic = "mod tests {\n    use super::*;\n\n    #[test]\n    fn new() {\n        x\n    }\n\n    #[test]\n    fn old() {\n        y\n    }\n}\n";
    r.write("x.rs", topic);
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4-6");
    r.commit("add test");
    let head = r.head();
    let mb = r.git(&["merge-base", "main", "topic"]).trim().to_string();

    // Positions: aeef's hunks are git's hunks, file by file.
    let repo = Repo::discover(Some(r.path())).unwrap();
    let ours: FileHunks = aeef::git::diff::changes(&repo, &head, Some(&mb))
        .unwrap()
        .into_iter()
        .map(|c| {
            let h = c
                .hunks
                .iter()
                .map(|h| (h.old_start, h.old_lines, h.new_start, h.new_lines))
                .collect();
            (c.path().to_string(), h)
        })
        .collect();
    let theirs = git_hunks(&r, &mb, &head);
    assert_eq!(ours, theirs);
    // git's placement starts the block at `#[test]` (line 4), not at the blank.
    assert_eq!(theirs[1].1, vec![(3, 0, 4, 5)]);

    // Consequence: the share counts the 5 lines blame gives the AI commit.
    let blamed = r
        .git(&["blame", "--porcelain", "-L4,8", "topic", "--", "x.rs"])
        .lines()
        .filter(|l| l.starts_with(&head))
        .count();
    assert_eq!(blamed, 5);
    let s = &scan_share(&r, "main..topic")["share"];
    assert_eq!(s["lines"], 9);
    assert_eq!(s["ai_lines"], 5);
}
