//! Wrong verdicts a fresh user found on real commit shapes (issue 9),
//! each reproduced on a built repository.
mod common;

use common::{RepoBuilder, aeef, stdout};
use serde_json::Value;

fn blame(r: &RepoBuilder, rev: &str) -> Value {
    let o = aeef(r.path(), &["blame", rev, "--format", "json"]);
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

/// A PR template's placeholder is not a declaration: `AI-Tool: N/A`,
/// `<tool>`, `-` or a list of choices, and `AI-Assisted: N/A`, leave a
/// human commit human (the value is listed as a conflict, not as a tool).
#[test]
fn template_placeholders_do_not_make_a_commit_ai() {
    for (key, value) in [
        ("AI-Tool", "N/A"),
        ("AI-Tool", "<tool>"),
        ("AI-Tool", "-"),
        ("AI-Tool", "none|claude-code|copilot"),
        ("AI-Assisted", "N/A"),
        ("AI-Assisted", "unknown"),
    ] {
        let mut r = RepoBuilder::new();
        r.write("a.txt", "a\n");
        r.trailer(key, value);
        let sha = r.commit("Fix the parser");
        let v = blame(&r, &sha);
        assert_eq!(v["origin"], "human", "{key}: {value} → {v:#}");
        assert_eq!(v["provenance"]["ai"], false, "{key}: {value}");
        assert!(v["provenance"]["tool"].is_null(), "{key}: {value}");
        // The placeholder is named, not silently dropped (AI-Tool), or
        // not taken for a tool name (AI-Assisted).
        if key == "AI-Tool" {
            assert!(
                v["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["kind"] == "conflict"
                        && e["message"].as_str().unwrap().contains(value)),
                "{key}: {value} → {v:#}"
            );
        }
    }
    // `AI-Tool: none` stays a declaration of a human commit.
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    r.trailer("AI-Tool", "none");
    let sha = r.commit("Fix");
    let v = blame(&r, &sha);
    assert!(
        v["provenance"]["sources"]
            .to_string()
            .contains("declared-human"),
        "{v:#}"
    );
}

/// A git-ai note in which nothing could be read says nothing about lines:
/// it must not turn a Claude co-authored commit's lines human, so a later
/// human fix of one of them is `ai-modified`, not `human`.
#[test]
fn an_unreadable_note_does_not_override_the_co_author() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "1\n2\n3\n4\n5\n6\n");
    r.trailer("Co-Authored-By", "Claude Opus 4.6 <noreply@anthropic.com>");
    let ai = r.commit("Add a");
    r.note(&ai, "\"m\n  0123456789abcdef 1-6\n---\n{}\n");
    r.edit("a.txt", 3, 3, &["three"]);
    let fix = r.commit("Fix line 3");
    let v = blame(&r, &fix);
    assert_eq!(v["origin"], "ai-modified", "{v:#}");
}

/// `AI-Tool: Claude Code` is the same tool as `claude-code` (one row in
/// every count), as `AI-Assisted: Claude Code` already was.
#[test]
fn aeef_tool_names_map_to_canonical_ids() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    r.trailer("AI-Tool", "Claude Code");
    let sha = r.commit("Add a");
    assert_eq!(blame(&r, &sha)["provenance"]["tool"], "claude-code");
}

/// 76 commits of git-ai's history pair an agent co-author with a note that
/// attests no AI lines. The note decides the lines (DESIGN §2), and the
/// disagreement is named in the evidence rather than passed over.
#[test]
fn an_empty_note_beside_a_co_author_is_named_as_a_conflict() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "1\n2\n");
    r.trailer("Co-Authored-By", "Claude Opus 4.6 <noreply@anthropic.com>");
    let ai = r.commit("Add a");
    r.note(
        &ai,
        "---\n{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{}}\n",
    );
    let v = blame(&r, &ai);
    assert!(
        v["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "conflict"
                && e["message"]
                    .as_str()
                    .unwrap()
                    .contains("attests no AI lines")),
        "{v:#}"
    );
}
