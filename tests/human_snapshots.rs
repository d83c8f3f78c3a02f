//! Snapshots of what people read: the human output of `blame`, `scan`,
//! `report` and `audit` over repositories built with fixed authors, dates
//! and contents (so commit ids are the same on every machine), with the
//! clock fixed by `--now` where a command reads it. A change in wording,
//! order or alignment shows up as a snapshot diff to review (issue 14).
mod common;

use common::{RepoBuilder, aeef, stderr, stdout};

/// Runs `aeef` in `r`, expects `code`, and returns stdout after checking it
/// holds nothing of this machine: not the repository's temporary path, not
/// the home directory.
fn run(r: &RepoBuilder, args: &[&str], code: i32) -> String {
    let o = aeef(r.path(), args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    let out = stdout(&o);
    let dir = r.path().to_string_lossy().into_owned();
    assert!(!out.contains(&dir), "{args:?} prints the repository path");
    assert!(!out.contains("/tmp/"), "{args:?} prints a temporary path");
    if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
        assert!(
            !out.contains(&*home.to_string_lossy()),
            "{args:?} prints $HOME"
        );
    }
    out
}

fn ten_lines(tag: &str) -> String {
    (1..=10).map(|i| format!("{tag} line {i}\n")).collect()
}

/// An AI commit with every AEEF trailer, a human edit of two of its lines,
/// and an unrelated human commit.
fn code_repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.author("Alice Example", "alice@example.com");
    r.write("README", "payments\n");
    r.commit("Start the payments service");
    r.write("src/pay.rs", &ten_lines("ai"));
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4")
        .trailer("AI-Prompt-Ref", "prompts/pay.v1")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
    r.commit("Add payment retry");
    r.edit("src/pay.rs", 3, 4, &["human line 3", "human line 4"]);
    r.commit("Fix the retry bound");
    r.write("src/other.rs", "fn main() {}\n");
    r.trailer("AI-Tool", "aider")
        .trailer("AI-Model-Version", "gpt-4.1")
        .trailer("AI-Human-Modifications", "minor");
    r.commit("Add the other entry point");
    r
}

#[test]
fn blame_commit_human_output() {
    let r = code_repo();
    insta::assert_snapshot!("blame_commit_ai_modified", run(&r, &["blame", "HEAD~1"], 0));
    insta::assert_snapshot!(
        "blame_commit_ai_generated",
        run(&r, &["blame", "HEAD~2"], 0)
    );
}

#[test]
fn blame_lines_human_output() {
    let r = code_repo();
    insta::assert_snapshot!("blame_lines", run(&r, &["blame", "src/pay.rs:2-5"], 0));
}

#[test]
fn scan_human_output() {
    let r = code_repo();
    insta::assert_snapshot!("scan_all", run(&r, &["scan"], 0));
}

/// Three incidents in March 2026 (two AI-attributed, one with verified and
/// evaluated corrective actions) and one in February, with AI commits in
/// March beside them.
fn incident_repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let records = [
        (
            "INC-2026-001",
            "severity: SEV-3\nstatus: resolved\nteam: search\ndetected_at: 2026-02-10T09:00:00Z\n\
             acknowledged_at: 2026-02-10T10:00:00Z\nresolved_at: 2026-02-12T09:00:00Z\n",
        ),
        (
            "INC-2026-002",
            "severity: SEV-2\nstatus: resolved\nteam: payments\ndetected_at: 2026-03-02T09:00:00Z\n\
             acknowledged_at: 2026-03-02T09:20:00Z\nmitigated_at: 2026-03-02T12:00:00Z\n\
             resolved_at: 2026-03-03T09:00:00Z\n\
             classification: {origin: ai-generated, failure_mode: logic-error, validation_gap: test-gap, \
             ai_tool: {name: claude-code, model_version: claude-opus-4}}\n\
             generation_context: {prompt_template: prompts/pay.v1}\n\
             corrective_actions:\n\
             - {id: CA-1, action: Add an idempotency test, category: test-improvement, owner: alice, due: 2026-03-10, \
             status: done, verified_by: bob, verified_at: 2026-03-09T10:00:00Z, \
             effectiveness: {day30: {evaluated_at: 2026-04-08T10:00:00Z, result: partially-effective}}}\n\
             - {id: CA-2, action: Pin the retry prompt, category: prompt-improvement, owner: carol, due: 2026-03-20}\n",
        ),
        (
            "INC-2026-003",
            "severity: SEV-1\nstatus: open\nteam: payments\ndetected_at: 2026-03-15T09:00:00Z\n\
             acknowledged_at: 2026-03-15T09:05:00Z\n\
             classification: {origin: ai-modified, failure_mode: data-handling, validation_gap: review-gap, \
             ai_tool: {name: aider, model_version: gpt-4.1}}\n",
        ),
        (
            "INC-2026-004",
            "severity: SEV-4\nstatus: open\nteam: search\ndetected_at: 2026-03-28T09:00:00Z\n",
        ),
    ];
    for (id, body) in records {
        r.write(
            &format!("incidents/{id}.yaml"),
            &format!("id: {id}\ntitle: {id} title\n{body}"),
        );
    }
    // bob commits the records, so CA-1's `verified_by: bob` line is his own
    // (verification is checked against who committed it).
    r.author("Bob Verifier", "bob@example.com");
    r.at("2026-03-01T08:00:00Z")
        .commit("Add the incident records");
    r.author("Alice Example", "alice@example.com");
    r.write("src/a.rs", "a\n");
    r.at("2026-03-05T10:00:00Z")
        .trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4");
    r.commit("AI change");
    r.write("src/b.rs", "b\n");
    r.at("2026-03-06T10:00:00Z");
    r.commit("Human change");
    r
}

#[test]
fn report_human_output() {
    let r = incident_repo();
    let args = ["report", "--now", "2026-04-10T00:00:00Z"];
    let out = run(&r, &args, 0);
    assert!(
        out.starts_with("AI incident report 2026-03 "),
        "default period"
    );
    insta::assert_snapshot!("report_month", out);
}

/// A record whose corrective action its owner verified, and a record
/// deleted from history.
fn audit_repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let base = "title: retry double-charges\nseverity: SEV-3\nstatus: open\nteam: payments\n\
                detected_at: 2026-01-05T09:00:00Z\n";
    let ca = "corrective_actions:\n  - {id: CA-1, action: add a test, category: test-improvement, owner: alice, due: 2026-02-01";
    r.author("Carol", "carol@example.com");
    r.write(
        "incidents/INC-2026-001.yaml",
        &format!("id: INC-2026-001\n{base}{ca}}}\n"),
    );
    r.write(
        "incidents/INC-2026-002.yaml",
        &format!("id: INC-2026-002\n{base}"),
    );
    r.commit("incident: open INC-2026-001 and INC-2026-002");
    r.author("Alice Example", "alice@example.com");
    r.write(
        "incidents/INC-2026-001.yaml",
        &format!(
            "id: INC-2026-001\n{base}{ca}, status: done, verified_by: bob, verified_at: 2026-01-20T10:00:00Z}}\n"
        ),
    );
    r.commit("verify my own action");
    r.remove("incidents/INC-2026-002.yaml");
    r.commit("drop a duplicate record");
    r
}

#[test]
fn audit_human_output() {
    let r = audit_repo();
    insta::assert_snapshot!("audit_findings", run(&r, &["audit"], 1));
}
