//! Issue 14 items 1 and 2: a record opened at detection time without a
//! faulty commit, every command coping with it, `aeef incident edit ID
//! --commit SHA` adding commits in place (comments and layout kept, the
//! pre-fill re-run), and the tool of an ai-modified human commit taken from
//! the AI commits whose lines it changed.
mod common;

use common::{RepoBuilder, aeef, stderr, stdout};

const NOW: &str = "2026-12-01T00:00:00Z";

fn ai(r: &mut RepoBuilder, tool: &str, model: &str) {
    r.trailer("AI-Tool", tool)
        .trailer("AI-Model-Version", model)
        .trailer("AI-Prompt-Ref", "prompts/pay.v1")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
}

/// `f` gets six lines from claude-code, then two more from copilot; a
/// human commit rewrites four claude lines and both copilot lines.
/// Returns (repo, claude commit, copilot commit, human commit).
fn repo() -> (RepoBuilder, String, String, String) {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    r.write("f", "c1\nc2\nc3\nc4\nc5\nc6\n");
    ai(&mut r, "claude-code", "claude-opus-4");
    let claude = r.commit("Add retry");
    r.write("f", "c1\nc2\nc3\nc4\nc5\nc6\np1\np2\n");
    ai(&mut r, "copilot", "gpt-4o");
    let copilot = r.commit("Add backoff");
    r.write("f", "c1\nc2\nh3\nh4\nh5\nh6\nh7\nh8\n");
    let human = r.commit("Fix retry by hand");
    (r, claude, copilot, human)
}

fn new_record(r: &RepoBuilder, commits: &[&str]) -> String {
    let mut a = vec![
        "incident",
        "new",
        "--severity",
        "SEV-2",
        "--title",
        "Double charge",
        "--detected-at",
        "2026-11-02T09:14:00Z",
    ];
    for c in commits {
        a.extend(["--commit", c]);
    }
    let o = aeef(r.path(), &a);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).trim().to_string()
}

fn record(r: &RepoBuilder, rel: &str) -> aeef::incident::Incident {
    let text = std::fs::read_to_string(r.path().join(rel)).unwrap();
    aeef::incident::store::parse_record(rel, text.as_bytes())
        .unwrap_or_else(|f| panic!("{f:?}\n{text}"))
        .incident
}

/// At detection time the faulty commit is unknown (issue 14 item 1): the
/// record opens without one, and every command that reads records copes.
#[test]
fn a_record_without_commits_is_read_by_every_command() {
    let (r, ..) = repo();
    let rel = new_record(&r, &[]);
    assert_eq!(rel, "incidents/INC-2026-001.yaml");
    // `incident new` says how to add the commits later (on stderr).
    let o = aeef(
        r.path(),
        &["incident", "new", "--severity", "SEV-4", "--title", "y"],
    );
    assert!(
        stderr(&o).contains("aeef incident edit INC-2026-002 --commit SHA"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(r.path().join("incidents/INC-2026-002.yaml")).unwrap();
    let inc = record(&r, &rel);
    assert!(inc.faulty_commits.is_empty());
    assert!(inc.classification.is_none());
    let runs: [&[&str]; 9] = [
        &["incident", "check", "--now", NOW],
        &["gate", "--offline", "--now", NOW],
        &["incident", "list", "--now", NOW],
        &["incident", "show", "INC-2026-001", "--now", NOW],
        &["postmortem", "INC-2026-001"],
        &["report", "--month", "2026-11", "--now", NOW],
        &["ca", "status", "--offline", "--now", NOW],
        &["ca", "file", "--dry-run", "--repo", "acme/pay"],
        &["ca", "review", "--offline", "--now", NOW],
    ];
    for args in runs {
        let o = aeef(r.path(), args);
        let e = stderr(&o);
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        // 1 is a verdict (the SEV-2 post-mortem is missing); 2 would mean
        // the record could not be read or the command could not decide.
        assert_ne!(o.status.code(), Some(2), "{args:?}: {e}{}", stdout(&o));
    }
    let o = aeef(
        r.path(),
        &["--format", "json", "incident", "show", "INC-2026-001"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["incident"]["id"], "INC-2026-001");
}

/// `incident edit` adds the commit in place: the comment a person wrote,
/// the `$schema` line and the other fields stay byte for byte; the
/// pre-fill of the new commit lands in classification and
/// generation_context.
#[test]
fn edit_adds_commits_in_place_and_reruns_the_prefill() {
    let (r, claude, ..) = repo();
    let rel = new_record(&r, &[]);
    let path = r.path().join(&rel);
    let before = std::fs::read_to_string(&path).unwrap();
    let with_comment = before.replace(
        "status: open",
        "status: open # paged at 09:14, see #ops-payments",
    );
    std::fs::write(&path, &with_comment).unwrap();
    let o = aeef(
        r.path(),
        &["incident", "edit", "inc-2026-001", "--commit", &claude[..8]],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), rel);
    let after = std::fs::read_to_string(&path).unwrap();
    // Every line of the record before the edit is still there, in order.
    let mut rest = after.as_str();
    for line in with_comment.lines() {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("lost `{line}`:\n{after}"));
        rest = &rest[at + line.len()..];
    }
    let inc = record(&r, &rel);
    assert_eq!(inc.faulty_commits, vec![claude.clone()]);
    let c = inc.classification.unwrap();
    assert_eq!(c.origin, Some(aeef::incident::Origin::AiGenerated));
    let tool = c.ai_tool.unwrap();
    assert_eq!(tool.name, "claude-code");
    assert_eq!(tool.model_version.as_deref(), Some("claude-opus-4"));
    assert!(c.evidence.iter().any(|e| e.starts_with(&claude[..12])));
    let g = inc.generation_context.unwrap();
    assert_eq!(g.prompt_template.as_deref(), Some("prompts/pay.v1"));
    // The edited record is what `incident new --commit` would have written.
    let fresh = new_record(&r, &[&claude]);
    let direct = record(&r, &fresh);
    assert_eq!(direct.classification, record(&r, &rel).classification);
    assert_eq!(
        direct.generation_context,
        record(&r, &rel).generation_context
    );
}

/// A second edit appends to the list and keeps a value changed by hand,
/// saying so.
#[test]
fn a_second_edit_keeps_hand_written_values() {
    let (r, claude, copilot, _) = repo();
    let rel = new_record(&r, &[&copilot]);
    let path = r.path().join(&rel);
    let text = std::fs::read_to_string(&path).unwrap();
    // A person decided the origin after review.
    let text = text.replace("origin: ai-generated", "origin: ai-modified # reviewed");
    std::fs::write(&path, &text).unwrap();
    let o = aeef(
        r.path(),
        &["incident", "edit", "INC-2026-001", "--commit", &claude],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("classification.origin: kept `ai-modified`"),
        "{}",
        stderr(&o)
    );
    let inc = record(&r, &rel);
    assert_eq!(inc.faulty_commits, vec![copilot.clone(), claude.clone()]);
    let c = inc.classification.unwrap();
    assert_eq!(c.origin, Some(aeef::incident::Origin::AiModified));
    // The tool the first commit gave stays: it is still the pre-fill's.
    assert_eq!(c.ai_tool.unwrap().name, "github-copilot");
    assert!(c.evidence.iter().any(|e| e.starts_with(&claude[..12])));
    assert!(c.evidence.iter().any(|e| e.starts_with(&copilot[..12])));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("# reviewed")
    );
}

/// Unknown commit, unknown id, a commit the record already names (even
/// abbreviated) and a commit given twice are refused; the file is untouched.
#[test]
fn edit_refuses_unknown_and_duplicate_commits() {
    let (r, claude, copilot, _) = repo();
    let rel = new_record(&r, &[&claude]);
    let path = r.path().join(&rel);
    let before = std::fs::read(&path).unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["incident", "edit", "INC-2026-001", "--commit", "nosuch"],
            "unknown revision `nosuch`",
        ),
        (
            &["incident", "edit", "INC-2026-009", "--commit", "HEAD"],
            "no incident `INC-2026-009`",
        ),
        (
            &["incident", "edit", "INC-2026-001", "--commit", &claude[..7]],
            "is already a faulty commit of INC-2026-001",
        ),
        (
            &[
                "incident",
                "edit",
                "INC-2026-001",
                "--commit",
                &copilot,
                "--commit",
                &copilot[..9],
            ],
            "aeef::incident::duplicate_commit",
        ),
    ];
    for (args, want) in cases {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&path).unwrap(), before, "{args:?}");
    }
}

/// A human commit that rewrote AI lines used to leave `ai_tool` empty, so
/// reports counted the incident under "unspecified" (issue 14 item 2). The
/// tool with the most changed lines is named; both AI commits are listed.
#[test]
fn ai_modified_human_commit_takes_the_tool_with_most_changed_lines() {
    let (r, claude, copilot, human) = repo();
    let rel = new_record(&r, &[&human]);
    let inc = record(&r, &rel);
    let c = inc.classification.unwrap();
    assert_eq!(c.origin, Some(aeef::incident::Origin::AiModified));
    let tool = c.ai_tool.expect("a tool from the AI commits");
    assert_eq!(tool.name, "claude-code");
    assert_eq!(tool.model_version.as_deref(), Some("claude-opus-4"));
    let choice = c
        .evidence
        .iter()
        .find(|e| e.starts_with("ai_tool claude-code claude-opus-4"))
        .unwrap_or_else(|| panic!("{:#?}", c.evidence));
    assert!(choice.contains(&format!(
        "{} claude-code claude-opus-4: 4 lines",
        &claude[..12]
    )));
    assert!(choice.contains(&format!(
        "{} github-copilot gpt-4o: 2 lines",
        &copilot[..12]
    )));
    // The same through `incident edit` on a record opened without commits.
    let rel2 = new_record(&r, &[]);
    let o = aeef(
        r.path(),
        &["incident", "edit", "INC-2026-002", "--commit", &human],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        record(&r, &rel2).classification,
        record(&r, &rel).classification
    );
}

/// An ai-adjacent human commit (it changed only lines beside AI lines)
/// takes the tool of those AI commits too, and the evidence says the lines
/// were nearby, not changed.
#[test]
fn ai_adjacent_human_commit_takes_the_tool_of_the_nearby_lines() {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    r.write("g", "h1\nh2\nh3\nh4\nh5\nh6\nh7\n");
    r.commit("Add g");
    r.write("g", "a1\na2\nh3\nh4\nh5\nh6\nh7\n");
    ai(&mut r, "claude-code", "claude-opus-4");
    r.commit("Rewrite the top of g");
    r.write("g", "a1\na2\nh3\nh4\nk5\nh6\nh7\n");
    let human = r.commit("Tweak by hand");
    let rel = new_record(&r, &[&human]);
    let c = record(&r, &rel).classification.unwrap();
    assert_eq!(c.origin, Some(aeef::incident::Origin::AiAdjacent));
    assert_eq!(c.ai_tool.unwrap().name, "claude-code");
    assert!(
        c.evidence
            .iter()
            .any(|e| e.starts_with("ai_tool claude-code claude-opus-4: from the AI commits whose lines lie within the adjacency window")),
        "{:#?}",
        c.evidence
    );
}

/// Issue 14 retest: after `edit --commit <ai-modified human commit>` wrote
/// `ai_tool claude-code …: from the AI commits …`, a second `edit --commit
/// <codex commit>` set `ai_tool` to codex but left the old line. Whatever
/// order the commits come in, the pre-filled fields end as `incident new`
/// with all of them writes them: the stale tool line is dropped.
#[test]
fn edit_leaves_the_prefill_new_gives_for_all_the_commits() {
    let (mut r, _, _, human) = repo();
    r.write("g", "x1\nx2\n");
    ai(&mut r, "codex", "gpt-5");
    let codex = r.commit("Add g");
    let by_edit = new_record(&r, &[]);
    for c in [&human, &codex] {
        let o = aeef(
            r.path(),
            &["incident", "edit", "INC-2026-001", "--commit", c],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let by_new = new_record(&r, &[&human, &codex]);
    let (e, n) = (record(&r, &by_edit), record(&r, &by_new));
    let c = e.classification.clone().unwrap();
    assert_eq!(c.ai_tool.as_ref().unwrap().name, "codex");
    assert!(
        !c.evidence.iter().any(|l| l.starts_with("ai_tool ")),
        "a stale tool line: {:#?}",
        c.evidence
    );
    assert_eq!(e.classification, n.classification);
    assert_eq!(e.generation_context, n.generation_context);
    assert_eq!(e.faulty_commits.len(), n.faulty_commits.len());
}

/// Issue 14 retest: one commit given twice (as typed, or abbreviated two
/// ways) was called "already a faulty commit" of a record that had none.
#[test]
fn a_commit_given_twice_on_the_command_line_is_named_as_such() {
    let (r, claude, _, _) = repo();
    let rel = new_record(&r, &[]);
    let before = std::fs::read(r.path().join(&rel)).unwrap();
    for second in [&claude[..8], &claude[..10]] {
        let o = aeef(
            r.path(),
            &[
                "incident",
                "edit",
                "INC-2026-001",
                "--commit",
                &claude[..10],
                "--commit",
                second,
            ],
        );
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(e.contains("given twice on the command line"), "{e}");
        assert!(!e.contains("already a faulty commit"), "{e}");
        assert!(e.contains("aeef::incident::duplicate_commit"), "{e}");
        assert_eq!(std::fs::read(r.path().join(&rel)).unwrap(), before);
    }
}

/// A resolved record with one faulty commit, committed, then edited to add
/// the copilot commit (not committed yet). Returns the repo, the record's
/// path and the JSON and stderr of the edit.
fn resolved_then_edited() -> (RepoBuilder, String, serde_json::Value, String) {
    let (mut r, claude, copilot, _) = repo();
    let rel = new_record(&r, &[]);
    let open = aeef(
        r.path(),
        &[
            "--format",
            "json",
            "incident",
            "edit",
            "INC-2026-001",
            "--commit",
            &claude,
        ],
    );
    assert!(open.status.success(), "{}", stderr(&open));
    let v: serde_json::Value = serde_json::from_str(&stdout(&open)).unwrap();
    assert_eq!(v["timeline_entry_needed"], false);
    assert!(!stderr(&open).contains("timeline"), "{}", stderr(&open));
    let text = std::fs::read_to_string(r.path().join(&rel)).unwrap();
    let text = text.replace("status: open", "status: resolved")
        + "resolved_at: 2026-11-03T16:40:00Z\ntimeline:\n  - {at: 2026-11-02T09:14:00Z, event: alert}\n";
    r.write(&rel, &text);
    r.commit("Resolve INC-2026-001");
    let o = aeef(
        r.path(),
        &[
            "--format",
            "json",
            "incident",
            "edit",
            "INC-2026-001",
            "--commit",
            &copilot,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = serde_json::from_str(&stdout(&o)).unwrap();
    (r, rel, v, stderr(&o))
}

fn audit_rules(r: &RepoBuilder) -> Vec<String> {
    let o = aeef(r.path(), &["audit", "--format", "json"]);
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|err| panic!("{err}: {}", stderr(&o)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

/// Issue 14 retest: `incident edit` on a resolved record succeeded, and only
/// `aeef audit` later failed (`audit-rewritten-after-resolve`). The edit now
/// says what the audit asks for (stderr, and `timeline_entry_needed` in
/// JSON); with that entry added in the same commit the audit passes, and
/// without it the audit finds the rewrite.
#[test]
fn editing_a_resolved_record_says_the_audit_needs_a_timeline_entry() {
    const RULE: &str = "audit-rewritten-after-resolve";
    let (mut r, rel, v, e) = resolved_then_edited();
    assert_eq!(v["timeline_entry_needed"], true);
    assert!(
        e.contains("INC-2026-001 is resolved") && e.contains(RULE),
        "{e}"
    );
    assert!(e.contains("to `timeline`"), "{e}");
    r.commit("Add the backoff commit to INC-2026-001");
    assert!(
        audit_rules(&r).iter().any(|x| x == RULE),
        "{:?}",
        audit_rules(&r)
    );

    let (mut r, rel2, _, _) = resolved_then_edited();
    assert_eq!(rel2, rel);
    let edited = std::fs::read_to_string(r.path().join(&rel)).unwrap();
    r.write(
        &rel,
        &(edited
            + "  - {at: 2026-12-01T00:00:00Z, event: \"corrected faulty_commits: the backoff commit too\"}\n"),
    );
    r.commit("Add the backoff commit to INC-2026-001");
    assert!(
        !audit_rules(&r).iter().any(|x| x == RULE),
        "{:?}",
        audit_rules(&r)
    );
}
