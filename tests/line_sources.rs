//! Line-level provenance sources on real repositories (DESIGN §1.2 items 4
//! and 5, §2): git-ai notes in every key form real notes carry, Agent Trace
//! records under each rule, and how both narrow which lines of a commit are
//! AI. Issue 9, items 7 and 8.
mod common;

use std::path::PathBuf;

use aeef::classify::{Classifier, LineSource, Options};
use aeef::git::Repo;
use common::{RepoBuilder, aeef, git_in, stderr, stdout};
use serde_json::Value;

fn twelve_lines(tag: &str) -> String {
    (1..=12).map(|i| format!("{tag} line {i}\n")).collect()
}

fn note_fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/notes")
        .join(name);
    std::fs::read_to_string(p).expect("note fixture")
}

fn blame_json(r: &RepoBuilder, target: &str) -> Value {
    let o = aeef(r.path(), &["blame", target, "--format", "json"]);
    assert!(o.status.success(), "aeef blame failed: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("one JSON object")
}

fn origin(r: &RepoBuilder, sha: &str) -> String {
    blame_json(r, sha)["origin"].as_str().unwrap().to_string()
}

/// `aeef scan --format json` rows by commit id.
fn scan(r: &RepoBuilder) -> std::collections::HashMap<String, Value> {
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "aeef scan failed: {}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON line");
            (v["commit"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn sources(v: &Value) -> Vec<String> {
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn session_note(ranges: &str) -> String {
    format!(
        "src/a.rs\n  s_0123456789abcd::t_0123456789abcd {ranges}\n---\n{{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}\n"
    )
}

/// Guards DESIGN §2 line precision (issue 9, item 7): a commit whose only AI
/// evidence is its note lists lines 1-3 as AI; a later human fix of line 10
/// is `human`, not `ai-modified` (the note does not list line 10); a fix of
/// line 2 is `ai-modified`.
#[test]
fn note_decides_which_lines_are_ai_so_a_fix_outside_them_is_human() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let base = r.commit("Add a.rs");
    r.note(&base, &session_note("1-3"));
    r.edit("src/a.rs", 10, 10, &["fixed 10"]);
    let fix10 = r.commit("Fix line 10");
    assert_eq!(origin(&r, &fix10), "human");
    r.edit("src/a.rs", 2, 2, &["fixed 2"]);
    let fix2 = r.commit("Fix line 2");
    let v = blame_json(&r, &fix2);
    assert_eq!(v["origin"], "ai-modified");
    let ev = v["evidence"].as_array().unwrap();
    assert!(
        ev.iter()
            .any(|e| e["kind"] == "ai-lines-modified" && e["lines"] == serde_json::json!([[2, 2]])),
        "{ev:?}"
    );
}

/// Guards DESIGN §2: the note decides even when a commit-level source also
/// marks the commit AI; an empty note (tracked, no AI lines) makes none of
/// its lines AI.
#[test]
fn note_narrows_lines_even_when_the_message_says_ai() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let base = r.commit("Add a.rs");
    r.note(&base, &session_note("1-3"));
    r.write("src/b.rs", &twelve_lines("y"));
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let empty = r.commit("Add b.rs");
    r.note(&empty, &note_fixture("empty-attestations.txt"));
    // The commit itself is still AI (its trailer), and lists the note.
    let rows = scan(&r);
    assert_eq!(rows[&base]["ai"], true);
    assert_eq!(
        sources(&rows[&empty]),
        vec!["agent:claude-code", "git-ai-note"]
    );
    r.edit("src/a.rs", 11, 11, &["fixed 11"]);
    let fix_a = r.commit("Fix a line 11");
    assert_eq!(origin(&r, &fix_a), "human");
    r.edit("src/b.rs", 2, 2, &["fixed 2"]);
    let fix_b = r.commit("Fix b line 2");
    assert_eq!(origin(&r, &fix_b), "human");

    // The same answers through the one line-attribution interface.
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let l2 = c.line_attribution(&base, "src/a.rs", 2).unwrap();
    assert!(l2.ai);
    assert_eq!(l2.source, LineSource::GitAiNote);
    assert_eq!(l2.tool.as_deref(), Some("claude-code"));
    assert_eq!(l2.model.as_deref(), Some("claude-opus-4-6"));
    assert_eq!(l2.session.as_deref(), Some("s_0123456789abcd"));
    let l11 = c.line_attribution(&base, "src/a.rs", 11).unwrap();
    assert!(!l11.ai);
    assert_eq!(l11.source, LineSource::GitAiNote);
    assert!(l11.detail.contains("not listed"), "{}", l11.detail);
    let b2 = c.line_attribution(&empty, "src/b.rs", 2).unwrap();
    assert!(!b2.ai);
}

/// Guards DESIGN §2: a line-level source also makes the lines it lists AI
/// in a commit with no other provenance, and a commit without any
/// line-level source keeps its commit-level verdict for every line.
#[test]
fn commit_level_provenance_decides_lines_without_a_line_source() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let base = r.commit("Add a.rs");
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let l = c.line_attribution(&base, "src/a.rs", 11).unwrap();
    assert!(l.ai);
    assert_eq!(l.source, LineSource::Commit);
    assert_eq!(l.tool.as_deref(), Some("claude-code"));
    r.edit("src/a.rs", 11, 11, &["fixed 11"]);
    let fix = r.commit("Fix line 11");
    assert_eq!(origin(&r, &fix), "ai-modified");
}

/// Guards issue 9 item 7: every key form real notes carry keeps the note a
/// source (on git-ai's own history 644 of 2,413 noted commits lost it).
#[test]
fn every_note_key_form_is_a_git_ai_note_source() {
    // (fixture, ai, tool)
    let cases = [
        ("sessions-humans.txt", true, Some("claude-code")),
        ("legacy-prompts.txt", true, Some("cursor")),
        ("uuid-prompts.txt", true, Some("cursor")),
        ("bare-human.txt", true, Some("cursor")),
        ("ai-agent.txt", true, Some("claude-code")),
        ("unknown-key.txt", true, Some("unknown-agent")),
        ("malformed-line.txt", true, Some("codex")),
        ("empty-attestations.txt", false, None),
        ("human-only.txt", false, None),
    ];
    let mut r = RepoBuilder::new();
    let mut shas = Vec::new();
    for (i, (name, _, _)) in cases.iter().enumerate() {
        r.write(&format!("f{i}.txt"), "x\n");
        let sha = r.commit(&format!("commit {i}"));
        r.note(&sha, &note_fixture(name));
        shas.push(sha);
    }
    let rows = scan(&r);
    for ((name, ai, tool), sha) in cases.iter().zip(&shas) {
        let row = &rows[sha];
        assert_eq!(sources(row), vec!["git-ai-note"], "{name}");
        assert_eq!(row["ai"], *ai, "{name}");
        assert_eq!(row["tool"].as_str(), *tool, "{name}");
    }
    // The commit of an empty note is tracked: shown in blame's evidence.
    let v = blame_json(&r, &shas[7]);
    assert_eq!(
        v["provenance"]["sources"],
        serde_json::json!(["git-ai-note"])
    );
    assert_eq!(v["provenance"]["ai"], false);
}

/// Guards item 7's routing on the line level: a UUID prompt, a bare
/// `human`, a bare `ai_agent` and a key that resolves nowhere.
#[test]
fn note_lines_follow_each_key_form() {
    let mut r = RepoBuilder::new();
    let body: String = (1..=210).map(|i| format!("l{i}\n")).collect();
    r.write("tests/stats.rs", &body);
    let sha = r.commit("stats");
    r.note(&sha, &note_fixture("bare-human.txt"));
    r.write("src/lib.rs", &twelve_lines("z"));
    let unk = r.commit("lib");
    r.note(&unk, &note_fixture("unknown-key.txt"));
    r.write("agent-support/vscode/package-lock.json", &twelve_lines("p"));
    let anon = r.commit("lock");
    r.note(&anon, &note_fixture("ai-agent.txt"));
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let at = |s: &str, p: &str, l| c.line_attribution(s, p, l).unwrap();
    assert!(at(&sha, "tests/stats.rs", 67).ai);
    assert_eq!(
        at(&sha, "tests/stats.rs", 67).model.as_deref(),
        Some("gpt-5.1")
    );
    assert!(!at(&sha, "tests/stats.rs", 68).ai, "bare `human` key");
    assert!(at(&sha, "tests/stats.rs", 68).detail.contains("human"));
    assert!(!at(&sha, "tests/stats.rs", 66).ai, "not listed");
    let u = at(&unk, "src/lib.rs", 2);
    assert!(u.ai);
    assert_eq!(u.tool.as_deref(), Some("unknown-agent"));
    assert!(
        u.detail.contains("resolves to no session or prompt"),
        "{}",
        u.detail
    );
    let a = at(&anon, "agent-support/vscode/package-lock.json", 9);
    assert!(a.ai);
    assert_eq!(a.tool.as_deref(), Some("unknown-agent"));
    assert!(!at(&anon, "agent-support/vscode/package-lock.json", 4).ai);
}

/// Guards "never drop the commit's other sources": a note with a bad line
/// keeps its good lines, and a note that is no note at all leaves the
/// message's sources intact.
#[test]
fn a_malformed_note_costs_only_its_bad_lines() {
    let mut r = RepoBuilder::new();
    r.write("src/b.rs", "b1\nb2\n");
    r.write("src/a.rs", &twelve_lines("x"));
    let sha = r.commit("a and b");
    r.note(&sha, &note_fixture("malformed-line.txt"));
    r.write("c.txt", "c\n");
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let garbage = r.commit("c");
    r.note(&garbage, "this is not a git-ai note\n");
    let rows = scan(&r);
    assert_eq!(rows[&sha]["tool"], "codex");
    assert_eq!(sources(&rows[&garbage]), vec!["agent:claude-code"]);
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    assert!(c.line_attribution(&sha, "src/a.rs", 3).unwrap().ai);
    assert!(c.line_attribution(&sha, "src/b.rs", 2).unwrap().ai);
    assert!(!c.line_attribution(&sha, "src/a.rs", 9).unwrap().ai);
    let v = blame_json(&r, &sha);
    let ev = v["evidence"].to_string();
    assert!(ev.contains("line 3") && ev.contains("skipped"), "{ev}");
}

/// One reading of a note everywhere (issue 10): line blame keeps only the
/// metadata's `agent_id`s, as scans do, so a transcript broken *after* the
/// entry a line needs gives the same tool and model in `scan`, in
/// `aeef blame <sha>` and per line (before, line blame parsed the whole
/// JSON and lost every agent; scans did not).
#[test]
fn scan_and_blame_read_a_note_with_a_broken_transcript_alike() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let sha = r.commit("agent work");
    let note = session_note("1-4");
    // The root object's closing brace gives way to a cut-off transcript.
    let broken = note.trim_end().strip_suffix('}').unwrap().to_string()
        + ",\"transcripts\":{\"t\":[\"unterminated\n";
    assert!(
        serde_json::from_str::<Value>(broken.split("---\n").nth(1).unwrap()).is_err(),
        "{broken}"
    );
    r.note(&sha, &broken);
    let rows = scan(&r);
    assert_eq!(rows[&sha]["tool"], "claude-code");
    assert_eq!(rows[&sha]["model_version"], "claude-opus-4-6");
    let whole = blame_json(&r, &sha);
    assert_eq!(whole["provenance"]["tool"], rows[&sha]["tool"], "{whole}");
    let lines = blame_json(&r, "src/a.rs");
    let line = |n: usize| &lines["lines"][n - 1];
    assert_eq!(line(2)["origin"], "ai-generated", "{lines}");
    assert_eq!(line(2)["tool"], rows[&sha]["tool"], "{lines}");
    assert_eq!(line(2)["model"], rows[&sha]["model_version"], "{lines}");
    assert_eq!(line(9)["origin"], "human");
}

// ---------------------------------------------------------------- Agent Trace

const MODEL: &str = "anthropic/claude-opus-4-5-20251101";

/// One record shaped like the spec's §6.2 example.
fn record(id: &str, revision: &str, timestamp: &str, ranges: &str, contributor: &str) -> String {
    format!(
        r#"{{"version":"0.1.0","id":"{id}","timestamp":"{timestamp}","vcs":{{"type":"git","revision":"{revision}"}},"tool":{{"name":"claude-code"}},"files":[{{"path":"src/a.rs","conversations":[{{"url":"https://example.com/v1/conversations/12345","contributor":{{"type":"{contributor}","model_id":"{MODEL}"}},"ranges":[{ranges}],"related":[{{"type":"session","url":"https://example.com/v1/sessions/67890"}}]}}]}}],"metadata":{{"confidence":0.95}}}}"#
    )
}

fn write_traces(r: &mut RepoBuilder, records: &[String]) {
    let mut text = records.join("\n");
    text.push('\n');
    r.write(".agent-trace/traces.jsonl", &text);
}

/// Commit times: RepoBuilder dates commit N at 2026-01-05T10:00Z + N hours.
fn hour(n: u32) -> String {
    format!("2026-01-05T{:02}:00:00Z", 10 + n)
}

/// Guards DESIGN §1.2 item 5, same-revision rule: a record whose revision
/// is the commit attributes that commit's lines by line number (the file
/// kept uncommitted in the work tree, as many do).
#[test]
fn agent_trace_record_at_the_commit_attributes_its_lines() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let base = r.commit("Add a.rs");
    write_traces(
        &mut r,
        &[record(
            "550e8400-e29b-41d4-a716-446655440000",
            &base,
            // After every commit below, so the parent rule leaves them alone.
            "2026-01-06T00:00:00Z",
            r#"{"start_line":1,"end_line":3}"#,
            "ai",
        )],
    );
    let rows = scan(&r);
    let row = &rows[&base];
    assert_eq!(sources(row), vec!["agent-trace"]);
    assert_eq!(row["ai"], true);
    assert_eq!(row["tool"], "claude-code");
    // One model, one row (DESIGN §1.3): the snapshot date is dropped.
    assert_eq!(row["model_version"], "claude-opus-4-5");
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let l = c.line_attribution(&base, "src/a.rs", 2).unwrap();
    assert!(l.ai);
    assert_eq!(l.source, LineSource::AgentTrace);
    assert!(
        l.detail.contains("its vcs.revision is the commit"),
        "{}",
        l.detail
    );
    assert!(l.detail.contains("matched by line number"), "{}", l.detail);
    assert_eq!(
        l.session.as_deref(),
        Some("https://example.com/v1/conversations/12345")
    );
    assert!(!c.line_attribution(&base, "src/a.rs", 10).unwrap().ai);
    // Later human fixes: outside the listed lines → human; inside → ai-modified.
    r.edit("src/a.rs", 10, 10, &["fixed 10"]);
    let fix10 = r.commit("Fix line 10");
    assert_eq!(origin(&r, &fix10), "human");
    r.edit("src/a.rs", 2, 2, &["fixed 2"]);
    let fix2 = r.commit("Fix line 2");
    assert_eq!(origin(&r, &fix2), "ai-modified");
}

/// Guards the reference implementation's reading: a record of the parent,
/// made before the commit, describes the commit (and not the parent); a
/// near-miss made after the commit, and one of an unrelated revision,
/// describe nothing. The committed copy of the file at HEAD is read too.
#[test]
fn agent_trace_parent_revision_counts_only_when_recorded_before_the_commit() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let parent = r.commit("Add a.rs"); // 11:00
    r.edit("src/a.rs", 4, 6, &["ai 4", "ai 5", "ai 6"]);
    let child = r.commit("Edit with the agent"); // 12:00
    r.edit("src/a.rs", 8, 8, &["late 8"]);
    let late = r.commit("Edit after"); // 13:00
    // HEAD was `parent` during the edit, recorded at 11:30 (before `child`).
    let before = record(
        "11111111-1111-4111-8111-111111111111",
        &parent,
        "2026-01-05T11:30:00Z",
        r#"{"start_line":4,"end_line":6}"#,
        "ai",
    );
    // Near-miss: `child`'s parent recorded at 13:30, after `late` was made.
    let after = record(
        "22222222-2222-4222-8222-222222222222",
        &child,
        "2026-01-05T13:30:00Z",
        r#"{"start_line":8,"end_line":8}"#,
        "ai",
    );
    let unrelated = record(
        "33333333-3333-4333-8333-333333333333",
        "0123456789abcdef0123456789abcdef01234567",
        "2026-01-05T11:30:00Z",
        r#"{"start_line":1,"end_line":12}"#,
        "ai",
    );
    write_traces(&mut r, &[before, after, unrelated]);
    let traces_commit = r.commit("Keep traces"); // 14:00, commits the file
    // Only HEAD's tree has it now.
    std::fs::remove_file(r.path().join(".agent-trace/traces.jsonl")).unwrap();
    let rows = scan(&r);
    assert_eq!(sources(&rows[&child]), vec!["agent-trace"]);
    assert_eq!(rows[&child]["ai"], true);
    assert_eq!(rows[&late]["ai"], false, "recorded after `late` was made");
    assert_eq!(sources(&rows[&late]), Vec::<String>::new());
    assert_eq!(rows[&traces_commit]["ai"], false);
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let l = c.line_attribution(&child, "src/a.rs", 5).unwrap();
    assert!(l.ai);
    assert!(
        l.detail.contains("recorded before the commit"),
        "{}",
        l.detail
    );
    assert!(
        l.detail.contains("HEAD:.agent-trace/traces.jsonl"),
        "{}",
        l.detail
    );
    assert!(!c.line_attribution(&child, "src/a.rs", 3).unwrap().ai);
    assert!(!c.line_attribution(&late, "src/a.rs", 8).unwrap().ai);
}

/// `sha256sum` of the text as the oracle for content hashes.
fn sha256_of(text: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Guards the content-hash rule: a range with a hash matches where its
/// content is in the commit's version (here moved from lines 1-3 to 6-8),
/// not at its recorded numbers; a hash found nowhere attributes nothing.
#[test]
fn agent_trace_content_hash_matches_moved_lines_and_nothing_else() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let parent = r.commit("Add a.rs");
    r.edit("src/a.rs", 6, 8, &["fn agent() {", "    work();", "}"]);
    let child = r.commit("Agent function");
    let moved = sha256_of("fn agent() {\n    work();\n}");
    let gone = sha256_of("nothing like this\nis in the file\n");
    let ranges = format!(
        r#"{{"start_line":1,"end_line":3,"content_hash":"sha256:{moved}"}},{{"start_line":10,"end_line":11,"content_hash":"sha256:{gone}"}}"#
    );
    write_traces(
        &mut r,
        &[record(
            "44444444-4444-4444-8444-444444444444",
            &parent,
            "2026-01-05T11:10:00Z",
            &ranges,
            "ai",
        )],
    );
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let ai: Vec<u32> = (1..=12)
        .filter(|&l| c.line_attribution(&child, "src/a.rs", l).unwrap().ai)
        .collect();
    assert_eq!(ai, vec![6, 7, 8]);
    let l = c.line_attribution(&child, "src/a.rs", 7).unwrap();
    assert!(l.detail.contains("moved to lines 6-8"), "{}", l.detail);
}

/// Guards the contributor types: `mixed` is AI with moderate human
/// modifications (so the commit is `ai-modified`), `human` lines are not
/// AI, and `unknown` decides nothing (the commit keeps its own verdict).
#[test]
fn agent_trace_mixed_human_and_unknown_contributors() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let mixed = r.commit("mixed");
    r.write("src/a.rs", &twelve_lines("y"));
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    let unknown = r.commit("unknown only");
    let mut both = record(
        "55555555-5555-4555-8555-555555555555",
        &mixed,
        // After the child was made: only the same-revision rule applies.
        "2026-01-05T12:30:00Z",
        r#"{"start_line":1,"end_line":2},{"start_line":5,"end_line":5,"contributor":{"type":"human"}}"#,
        "mixed",
    );
    both.push('\n');
    both.push_str(&record(
        "66666666-6666-4666-8666-666666666666",
        &unknown,
        &hour(2),
        r#"{"start_line":1,"end_line":12}"#,
        "unknown",
    ));
    write_traces(&mut r, &[both]);
    let rows = scan(&r);
    assert_eq!(rows[&mixed]["human_modifications"], "moderate");
    assert_eq!(origin(&r, &mixed), "ai-modified");
    assert_eq!(sources(&rows[&unknown]), vec!["agent:claude-code"]);
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    let m = c.line_attribution(&mixed, "src/a.rs", 1).unwrap();
    assert!(m.ai);
    assert_eq!(m.human_modifications.as_str(), "moderate");
    assert!(
        !c.line_attribution(&mixed, "src/a.rs", 5).unwrap().ai,
        "range override: human"
    );
    // `unknown` decided nothing: the commit-level source decides its lines.
    let u = c.line_attribution(&unknown, "src/a.rs", 9).unwrap();
    assert!(u.ai);
    assert_eq!(u.source, LineSource::Commit);
}

/// Guards tolerant reading: a malformed line of traces.jsonl is skipped and
/// named in the evidence; the good records still apply; nothing panics.
#[test]
fn agent_trace_malformed_lines_are_skipped_with_a_note() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", &twelve_lines("x"));
    let base = r.commit("Add a.rs");
    write_traces(
        &mut r,
        &[
            "{not json".to_string(),
            r#"{"version":"0.1.0","id":"x","files":[]}"#.to_string(),
            r#"[1,2,3]"#.to_string(),
            record(
                "77777777-7777-4777-8777-777777777777",
                &base,
                &hour(1),
                r#"{"start_line":3,"end_line":1},{"start_line":2,"end_line":2}"#,
                "ai",
            ),
        ],
    );
    let v = blame_json(&r, &base);
    assert_eq!(
        v["provenance"]["sources"],
        serde_json::json!(["agent-trace"])
    );
    let ev = v["evidence"].to_string();
    assert!(ev.contains("line 1: not a JSON record"), "{ev}");
    assert!(ev.contains("runs backwards"), "{ev}");
    let repo = Repo::discover(Some(r.path())).unwrap();
    let c = Classifier::new(&repo, Options::default());
    assert!(c.line_attribution(&base, "src/a.rs", 2).unwrap().ai);
    assert!(!c.line_attribution(&base, "src/a.rs", 1).unwrap().ai);
}

/// Guards "parent" meaning git's parent (`git rev-parse C^` as the
/// oracle): a record of an older ancestor, made before the commit, is a
/// near-miss and describes nothing.
#[test]
fn agent_trace_parent_is_gits_parent_not_any_ancestor() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", "a\n");
    let p = r.commit("one"); // 11:00
    r.write("src/a.rs", "a\nb\n");
    let c = r.commit("two"); // 12:00
    r.write("src/a.rs", "a\nb\nc\n");
    let g = r.commit("three"); // 13:00
    assert_eq!(git_in(r.path(), &["rev-parse", &format!("{c}^")]).trim(), p);
    assert_eq!(git_in(r.path(), &["rev-parse", &format!("{g}^")]).trim(), c);
    write_traces(
        &mut r,
        &[record(
            "88888888-8888-4888-8888-888888888888",
            &p,
            "2026-01-05T11:59:59Z",
            r#"{"start_line":2,"end_line":2}"#,
            "ai",
        )],
    );
    let rows = scan(&r);
    assert_eq!(rows[&c]["ai"], true);
    assert_eq!(
        rows[&g]["ai"], false,
        "p is g's grandparent, not its parent"
    );
    assert_eq!(sources(&rows[&g]), Vec::<String>::new());
}

/// Guards reading records shaped like the spec's own examples
/// (`fixtures/agent-trace/spec-examples.jsonl`, one kind per line).
#[test]
fn agent_trace_spec_example_records() {
    use aeef::provenance::agent_trace::AgentTraces;
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/agent-trace/spec-examples.jsonl");
    let mut t = AgentTraces::default();
    t.add_text(&std::fs::read_to_string(p).unwrap(), "spec-examples.jsonl");
    // Lines 1, 2 and 4 are git records; 3 is jj (ignored); 5 has no vcs and
    // 6 is truncated (problems).
    assert_eq!(t.records().len(), 3);
    let problems = t.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("spec-examples.jsonl line 5: no git vcs.revision"));
    assert!(problems[1].starts_with("spec-examples.jsonl line 6: not a JSON record"));
    let rev = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0";
    let applied = t.for_commit(rev, &[], 0);
    assert_eq!(applied.len(), 3);
    let s = t.summary(&applied).expect("decides");
    assert_eq!(s.ai_lines, 26 + 16 + (16 * 3 + 3));
    assert_eq!(s.mixed_lines, 41);
    assert_eq!(s.human_lines, 2);
    assert_eq!(s.tool.as_deref(), Some("cursor"));
    // Line by line in src/api.ts: mixed, unknown (undecided), human override.
    let m = t.paint(&applied, "src/api.ts", None);
    assert_eq!(m.ai_ranges(), vec![(10, 50)]);
    assert!(m.at(65).is_none(), "unknown decides nothing");
    assert!(m.at(80).is_some_and(|d| !d.contributor.is_ai()));
    // The murmur3-hashed range cannot be checked without the file: by number.
    let parser = t.paint(&applied, "src/utils/parser.ts", None);
    assert!(parser.at(42).unwrap().detail.contains("was not available"));
}
