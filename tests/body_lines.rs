//! Provenance lines outside git's trailer block (DESIGN §1.1, issue 9 item
//! 2), AEEF's agent-wrapper trailers and Entire checkpoints (item 8), on
//! the commit shapes real histories have. Real `git interpret-trailers`
//! is the oracle for git's own view: each shape is first shown to hide the
//! agent line from git, then shown to be read by aeef with evidence naming
//! the line.
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use aeef::provenance::{self, AgentTable, CommitIdentity, Confidence, Provenance};
use common::{RepoBuilder, aeef, git_in, stderr, stdout};
use serde_json::Value;

const HUMAN: CommitIdentity<'static> = CommitIdentity {
    author_name: "Dana Maintainer",
    author_email: "dana@example.org",
    committer_name: "Dana Maintainer",
    committer_email: "dana@example.org",
};

/// What `git interpret-trailers --parse --no-divider` finds in `msg`
/// (git's default configuration), as `Key: value` lines.
fn git_trailers(msg: &str) -> Vec<String> {
    let mut child = Command::new("git")
        .args(["interpret-trailers", "--parse", "--no-divider"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(msg.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn read(msg: &str) -> (Vec<provenance::Trailer>, Provenance) {
    provenance::of_commit(&AgentTable::builtin(), &HUMAN, msg, None)
}

/// The one signal that mentions `needle`.
fn signal<'a>(p: &'a Provenance, needle: &str) -> &'a str {
    p.signals
        .iter()
        .find(|s| s.contains(needle))
        .unwrap_or_else(|| panic!("no signal with {needle:?} in {:?}", p.signals))
}

// --- the shapes of issue 9 item 2 -------------------------------------

/// An orchestrator appends its own trailer paragraph after the agent's.
const ORCHESTRATOR: &str = "Add retry budget to the web client\n\nThe client retried forever on 503.\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n\nExecuted-By: crew/alice\nRig: web\nRole: crew\n";

/// A forge's `---------` separator before its own co-author lines, in the
/// same paragraph as the agent's `Assisted-by:`.
const FORGE_SEPARATOR: &str = "Fix off-by-one in pager (#412)\n\nThe last page was dropped.\n\nAssisted-by: Claude Code:claude-sonnet-4-5\n---------\nCo-authored-by: Erin Reviewer <erin@example.org>\n";

/// GitHub's squash layout: the separator is its own paragraph and the
/// human co-authors form the last one, which git does read.
const FORGE_SQUASH: &str = "Pager fixes (#413)\n\n* Fix off-by-one in pager\n\nAssisted-by: Claude Code:claude-sonnet-4-5\n\n* Add a test\n\n---------\n\nCo-authored-by: Erin Reviewer <erin@example.org>\n";

/// A PR template's comment residue in the trailer paragraph.
const TEMPLATE_RESIDUE: &str = "Cache parsed config\n\nParsing took 40 ms per request.\n\nCo-authored-by: Claude <noreply@anthropic.com>\n<!-- Describe your change above this line -->\n<!-- Link the issue: Fixes #123 -->\n";

/// A squash merge concatenating the messages of several commits.
const SQUASH_CONCAT: &str = "Importer rewrite (#77)\n\n* commit one\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n* commit two\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n* commit three by hand\n";

/// Regression for issue 9 item 2: an orchestrator's paragraph after the
/// agent's hid Claude Code (git reads only the last paragraph).
#[test]
fn orchestrator_paragraph_after_the_agents_does_not_hide_it() {
    let git = git_trailers(ORCHESTRATOR);
    assert_eq!(git, ["Executed-By: crew/alice", "Rig: web", "Role: crew"]);
    let (trailers, p) = read(ORCHESTRATOR);
    // git's view is unchanged: the JSON `trailers` field stays git's.
    let ours: Vec<String> = trailers
        .iter()
        .map(|t| format!("{}: {}", t.key, t.value))
        .collect();
    assert_eq!(ours, git);
    assert!(p.is_ai());
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert_eq!(p.model_version.as_deref(), Some("claude-opus-4-6"));
    assert_eq!(p.confidence, Some(Confidence::High));
    assert_eq!(
        signal(&p, "noreply@anthropic.com"),
        "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com> (body line 5, outside git's trailer block)"
    );
}

/// Regression for issue 9 item 2: a forge separator in the trailer
/// paragraph made git drop the whole paragraph, `Assisted-by` included.
#[test]
fn forge_separator_before_co_authors_does_not_hide_assisted_by() {
    assert!(git_trailers(FORGE_SEPARATOR).is_empty());
    let (trailers, p) = read(FORGE_SEPARATOR);
    assert!(trailers.is_empty());
    assert!(p.is_ai());
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert_eq!(
        signal(&p, "Assisted-by"),
        "Assisted-by: Claude Code:claude-sonnet-4-5 (body line 5, outside git's trailer block)"
    );
    // The human co-author is a body line too, and not an agent.
    assert!(!p.signals.iter().any(|s| s.contains("erin@")));
}

/// Regression for issue 9 item 2: GitHub's squash layout keeps the agent
/// line in an earlier paragraph than the co-authors git reads.
#[test]
fn forge_squash_layout_reads_the_agent_line_above_the_separator() {
    assert_eq!(
        git_trailers(FORGE_SQUASH),
        ["Co-authored-by: Erin Reviewer <erin@example.org>"]
    );
    let (_, p) = read(FORGE_SQUASH);
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert!(signal(&p, "Assisted-by").ends_with("(body line 5, outside git's trailer block)"));
}

/// Regression for issue 9 item 2: PR-template comment residue made git
/// reject the trailer paragraph.
#[test]
fn pr_template_comment_residue_does_not_hide_co_author() {
    assert!(git_trailers(TEMPLATE_RESIDUE).is_empty());
    let (_, p) = read(TEMPLATE_RESIDUE);
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert!(
        signal(&p, "Co-authored-by: Claude")
            .ends_with("(body line 5, outside git's trailer block)")
    );
}

/// Regression for issue 9 item 2: a squash merge keeps each commit's
/// co-author line in the middle of the message; repeated lines are one
/// piece of evidence, at their first place.
#[test]
fn squash_merge_of_several_messages_reads_each_commits_lines_once() {
    assert!(git_trailers(SQUASH_CONCAT).is_empty());
    let (_, p) = read(SQUASH_CONCAT);
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    let claude: Vec<&String> = p
        .signals
        .iter()
        .filter(|s| s.contains("noreply@anthropic.com"))
        .collect();
    assert_eq!(
        claude,
        [
            "Co-authored-by: Claude <noreply@anthropic.com> (body line 5, outside git's trailer block)"
        ]
    );
}

/// Found on git-ai's own history: the agent's co-author line glued to the
/// end of a prose paragraph (no blank line before it), so git's 25 % rule
/// rejects the whole paragraph.
#[test]
fn co_author_line_glued_to_a_prose_paragraph_is_read() {
    let msg = "Move the metrics family into src/model\n\nThe oldest open note is fulfilled: the family moves together,\nshims keep the old paths for their consumers.\nCo-Authored-By: Claude Fable 5 <noreply@anthropic.com>\n";
    assert!(git_trailers(msg).is_empty());
    let (_, p) = read(msg);
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert!(signal(&p, "Fable").ends_with("(body line 5, outside git's trailer block)"));
}

/// Found on crush's history: `Assisted-by:` in its own paragraph, a human
/// co-author in the last one (which git reads).
#[test]
fn assisted_by_paragraph_above_a_human_co_author_is_read() {
    let msg = "feat(enricher): add a model enricher\n\nFetch the context window from the server's models endpoint.\n\nAssisted-by: Crush:qwen3.7-max\n\nCo-Authored-By: Erin Reviewer <erin@example.org>\n";
    assert_eq!(
        git_trailers(msg),
        ["Co-Authored-By: Erin Reviewer <erin@example.org>"]
    );
    let (_, p) = read(msg);
    assert!(p.is_ai());
    assert!(
        signal(&p, "Assisted-by").ends_with("(body line 5, outside git's trailer block)"),
        "{:?}",
        p.signals
    );
}

/// A squash merge of commits made in several Entire sessions names several
/// checkpoints; each is evidence (Entire itself reads them anywhere in the
/// message for squash history), the repeated one once: git's view first.
#[test]
fn squash_merge_with_several_entire_checkpoints() {
    let msg = "Login flow (#9)\n\n* Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7\n\n* Add logout\n\nEntire-Checkpoint: 0f1e2d3c4b5a\n\n* Fix login\n\nEntire-Checkpoint: a3b2c4d5e6f7\n";
    let (_, p) = read(msg);
    assert_eq!(p.sources, ["entire"]);
    assert_eq!(
        p.entire.as_ref().unwrap().ids,
        ["a3b2c4d5e6f7", "0f1e2d3c4b5a"]
    );
    assert_eq!(
        signal(&p, "a3b2c4d5e6f7"),
        "Entire-Checkpoint: a3b2c4d5e6f7 (trailer)"
    );
    assert_eq!(
        signal(&p, "0f1e2d3c4b5a"),
        "Entire-Checkpoint: 0f1e2d3c4b5a (body line 9, outside git's trailer block)"
    );
}

/// The same line inside git's block says so.
#[test]
fn a_line_git_reads_is_evidence_from_the_trailer_view() {
    let msg = "Add x\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
    assert_eq!(
        git_trailers(msg),
        ["Co-Authored-By: Claude <noreply@anthropic.com>"]
    );
    let (_, p) = read(msg);
    assert_eq!(
        signal(&p, "noreply@anthropic.com"),
        "Co-Authored-By: Claude <noreply@anthropic.com> (trailer)"
    );
}

// --- near misses --------------------------------------------------------

/// Lines that look like provenance but are quoted, fenced, indented, the
/// title, or prose: none is a provenance line, whatever git makes of them.
#[test]
fn near_misses_fences_quotes_indents_title_and_prose_are_not_read() {
    let cases = [
        (
            "agent lines inside a ``` fence",
            "Document the co-author convention\n\nAgents sign like this:\n\n```\nCo-authored-by: Claude <noreply@anthropic.com>\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\nAssisted-by: Claude Code:claude-sonnet-4-5\n```\n\nNothing else.\n",
        ),
        (
            "a quoted co-author line",
            "Revert the import change\n\nThe original said:\n\n> Co-authored-by: Claude <noreply@anthropic.com>\n> Assisted-by: Claude Code:claude-sonnet-4-5\n\nReverted by hand.\n",
        ),
        (
            "indented lines (git merge --squash quotes messages so)",
            "Squashed commit of the following:\n\ncommit 0123456789abcdef0123456789abcdef01234567\n\n    Add x\n\n    Co-authored-by: Claude <noreply@anthropic.com>\n    AI-Tool: claude-code\n\nDone.\n",
        ),
        (
            "the title line itself",
            "Co-authored-by: Claude <noreply@anthropic.com>\n\nA human wrote this.\n",
        ),
        (
            "prose mentioning a key mid-line",
            "Strip template lines\n\nWe now drop Co-authored-by: Claude <noreply@anthropic.com> lines and\nthe phrase Assisted-by: Claude Code:claude-sonnet-4-5 from templates.\n\nDone by hand.\n",
        ),
    ];
    for (what, msg) in cases {
        let (_, p) = read(msg);
        assert!(!p.ai, "{what}: {:?}", p.signals);
        assert!(p.signals.is_empty(), "{what}: {:?}", p.signals);
        assert!(p.not_in_trailers.is_empty(), "{what}");
    }
}

// --- AEEF fields outside the block, AI-Usage, AEEF-Run-ID --------------

/// An AEEF field outside the trailer block counts and is marked for the
/// gate's `provenance-not-trailer` warning; the block wins a key both have.
#[test]
fn aeef_fields_outside_the_block_count_and_are_flagged() {
    let msg = "Add x\n\nAI-Tool: claude-code\nAI-Model-Version: claude-opus-4-6\n\nSome prose.\n\nAI-Model-Version: claude-sonnet-4-5\nSigned-off-by: Dana <dana@example.org>\n";
    assert_eq!(
        git_trailers(msg),
        [
            "AI-Model-Version: claude-sonnet-4-5",
            "Signed-off-by: Dana <dana@example.org>"
        ]
    );
    let (_, p) = read(msg);
    assert!(p.is_ai());
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert_eq!(p.model_version.as_deref(), Some("claude-sonnet-4-5"));
    assert!(p.aeef_fields.tool && p.aeef_fields.model_version);
    assert_eq!(p.not_in_trailers, [("AI-Tool".to_string(), 3)]);
    assert_eq!(
        signal(&p, "AI-Tool"),
        "AI-Tool: claude-code (body line 3, outside git's trailer block)"
    );
    assert_eq!(
        signal(&p, "AI-Model-Version"),
        "AI-Model-Version: claude-sonnet-4-5 (trailer)"
    );
}

/// AEEF's agent wrapper (`aeef_commit` in the AEEF CLI's git-workflow.sh)
/// writes `AI-Usage: aeef-cli/<role>` and `AEEF-Run-ID:`.
#[test]
fn aeef_wrapper_trailers_are_ai_provenance() {
    let msg = "feat(aeef): developer agent changes\n\nAutomated changes by the AEEF Developer Agent.\n\nAI-Usage: aeef-cli/developer\nAEEF-Run-ID: 20261129-101500-developer\n";
    let (_, p) = read(msg);
    assert!(p.is_ai());
    assert_eq!(p.sources, ["aeef-trailer"]);
    assert_eq!(p.session_id.as_deref(), Some("20261129-101500-developer"));
    assert_eq!(
        signal(&p, "AI-Usage"),
        "AI-Usage: aeef-cli/developer (trailer)"
    );
    // The disclosure values.
    for v in ["assisted", "generated", "Generated"] {
        let (_, p) = read(&format!("x\n\nAI-Usage: {v}\n"));
        assert!(p.is_ai(), "{v}");
    }
    // A template placeholder left in is not a declaration either way.
    let (_, p) = read("x\n\nAI-Usage: none|assisted|generated\n");
    assert!(!p.ai && !p.declared_human);
    assert!(p.conflicts[0].contains("not one of"), "{:?}", p.conflicts);
}

/// `AI-Usage: none` is a negative attestation like `AI-Tool: none`, in
/// either view.
#[test]
fn ai_usage_none_declares_human() {
    for msg in [
        "Fix typo\n\nAI-Usage: none\n",
        "Fix typo\n\nAI-Usage: none\n<!-- template residue -->\n",
    ] {
        let (_, p) = read(msg);
        assert!(!p.ai, "{msg}");
        assert!(p.declared_human, "{msg}");
        assert_eq!(p.sources, ["declared-human"]);
    }
}

// --- Entire ---------------------------------------------------------------

/// An `Entire-Checkpoint:` trailer with no metadata: `unknown-agent` via
/// `entire`; a malformed id is not a checkpoint.
#[test]
fn entire_checkpoint_without_metadata_is_unknown_agent() {
    let (_, p) = read("Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7\n");
    assert!(p.is_ai());
    assert_eq!(p.sources, ["entire"]);
    assert_eq!(p.tool.as_deref(), Some("unknown-agent"));
    assert_eq!(
        signal(&p, "Entire"),
        "Entire-Checkpoint: a3b2c4d5e6f7 (trailer)"
    );
    let (_, p) = read("Add login\n\nEntire-Checkpoint: not-an-id\n");
    assert!(!p.ai);
    // Another source's tool stands.
    let (_, p) = read(
        "Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
    );
    assert_eq!(p.tool.as_deref(), Some("claude-code"));
    assert_eq!(p.sources, ["agent:claude-code", "entire"]);
}

/// Writes a blob/tree/commit structure for `files` (path → contents) and
/// returns the commit id; the tree is built with `git mktree` level by level.
fn commit_tree(r: &RepoBuilder, files: &[(&str, &str)], msg: &str) -> String {
    // Build through a temporary index so nested paths just work.
    let index = r.path().join(".git/AEEF_ENTIRE_INDEX");
    let _ = std::fs::remove_file(&index);
    for (path, text) in files {
        let blob_file = r.path().join(".git/AEEF_ENTIRE_BLOB");
        std::fs::write(&blob_file, text).unwrap();
        let blob = git_in(
            r.path(),
            &["hash-object", "-w", blob_file.to_str().unwrap()],
        );
        let out = Command::new("git")
            .current_dir(r.path())
            .env("GIT_INDEX_FILE", &index)
            .args([
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("100644,{},{path}", blob.trim()),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new("git")
        .current_dir(r.path())
        .env("GIT_INDEX_FILE", &index)
        .args(["write-tree"])
        .output()
        .unwrap();
    let tree = String::from_utf8(out.stdout).unwrap();
    git_in(r.path(), &["commit-tree", tree.trim(), "-m", msg])
        .trim()
        .to_string()
}

/// Session metadata as Entire 0.5 writes it (`0/metadata.json`).
fn session_json(id: &str, agent: &str, model: &str, agent_lines: u32) -> String {
    format!(
        r#"{{"cli_version":"0.5.3","checkpoint_id":"{id}","session_id":"2026-01-05-8f76b0e8-b8f1-4a87-9186-848bdd83d62e","strategy":"manual-commit","created_at":"2026-01-05T11:00:00Z","branch":"main","checkpoints_count":2,"files_touched":["src/login.rs"],"agent":"{agent}","model":"{model}","token_usage":{{"input_tokens":151,"output_tokens":644,"api_call_count":3}},"initial_attribution":{{"calculated_at":"2026-01-05T11:00:00Z","agent_lines":{agent_lines},"agent_removed":0,"human_added":2,"human_modified":1,"human_removed":0,"total_committed":{total},"total_lines_changed":{total},"agent_percentage":80,"metric_version":2}}}}"#,
        total = agent_lines + 3
    )
}

/// The root summary (`metadata.json`) of a checkpoint.
fn summary_json(id: &str) -> String {
    format!(
        r#"{{"cli_version":"0.5.3","checkpoint_id":"{id}","strategy":"manual-commit","branch":"main","checkpoints_count":2,"files_touched":["src/login.rs"],"sessions":[{{"metadata":"/{}/{}/0/metadata.json","transcript":"/{}/{}/0/full.jsonl","prompt":"/{}/{}/0/prompt.txt"}}]}}"#,
        &id[..2],
        &id[2..],
        &id[..2],
        &id[2..],
        &id[..2],
        &id[2..]
    )
}

fn blame_json(r: &RepoBuilder, sha: &str) -> Value {
    let o = aeef(r.path(), &["blame", sha, "--format", "json"]);
    assert!(o.status.success(), "aeef blame failed: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("one JSON object")
}

fn evidence(v: &Value) -> Vec<String> {
    v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

/// The checkpoint branch as Entire lays it out: agent, model and line
/// counts come from the session metadata; the tool maps to its canonical
/// id; an agent the table does not know stays `unknown-agent` with its name
/// in the evidence; the `git-refs` store (one ref per checkpoint) is read
/// too; scan reports the same.
#[test]
fn entire_checkpoint_metadata_from_the_checkpoint_branch() {
    let mut r = RepoBuilder::new();
    r.write("src/login.rs", "fn login() {}\n");
    let known = r.commit("Add login\n\nEntire-Checkpoint: a3b2c4d5e6f7");
    r.write("src/logout.rs", "fn logout() {}\n");
    let unknown = r.commit("Add logout\n\nEntire-Checkpoint: 0f1e2d3c4b5a");
    r.write("src/session.rs", "fn session() {}\n");
    let missing = r.commit("Add session\n\nEntire-Checkpoint: 999999999999");
    r.write("src/token.rs", "fn token() {}\n");
    let ulid = "01KVBJCWYA4YW6J5M9GP655HZN";
    let by_ref = r.commit(&format!("Add token\n\nEntire-Checkpoint: {ulid}"));

    let a = "a3b2c4d5e6f7";
    let b = "0f1e2d3c4b5a";
    let s_a = session_json(a, "Claude Code", "claude-sonnet-4-6", 12);
    let s_b = session_json(b, "Factory AI Droid", "glm-4.6", 5);
    let (sum_a, sum_b) = (summary_json(a), summary_json(b));
    // Entire's git-branch layout: `<id[:2]>/<id[2:]>/`, sessions numbered.
    let paths = |id: &str| {
        let dir = format!("{}/{}", &id[..2], &id[2..]);
        (
            format!("{dir}/metadata.json"),
            format!("{dir}/0/metadata.json"),
        )
    };
    let (p_a, p_b) = (paths(a), paths(b));
    let v1 = commit_tree(
        &r,
        &[
            (&p_a.0, &sum_a),
            (&p_a.1, &s_a),
            ("a3/b2c4d5e6f7/0/full.jsonl", "{}\n"),
            ("a3/b2c4d5e6f7/0/prompt.txt", "add a login\n"),
            (&p_b.0, &sum_b),
            (&p_b.1, &s_b),
        ],
        "Checkpoint: 0f1e2d3c4b5a",
    );
    r.git(&["update-ref", "refs/heads/entire/checkpoints/v1", &v1]);
    let s_c = session_json(ulid, "Codex", "gpt-5-codex", 7);
    let c = commit_tree(
        &r,
        &[("metadata.json", "{}"), ("0/metadata.json", &s_c)],
        "checkpoint",
    );
    r.git(&[
        "update-ref",
        &format!("refs/entire/checkpoints/{}/{ulid}", &ulid[24..]),
        &c,
    ]);

    let v = blame_json(&r, &known);
    assert_eq!(v["origin"], "ai-generated");
    assert_eq!(v["provenance"]["tool"], "claude-code");
    assert_eq!(v["provenance"]["model_version"], "claude-sonnet-4-6");
    assert_eq!(v["provenance"]["sources"], serde_json::json!(["entire"]));
    let ev = evidence(&v);
    assert!(
        ev.contains(&"Entire checkpoint a3b2c4d5e6f7 session 0 (entire/checkpoints/v1): agent Claude Code, model claude-sonnet-4-6, 12 agent line(s), 2 human line(s) added, 1 modified, 0 removed, 15 committed".to_string()),
        "{ev:?}"
    );

    let v = blame_json(&r, &unknown);
    assert_eq!(v["provenance"]["tool"], "unknown-agent");
    assert_eq!(v["provenance"]["model_version"], "glm-4.6");
    assert!(
        evidence(&v)
            .iter()
            .any(|e| e.contains("agent Factory AI Droid"))
    );

    let v = blame_json(&r, &missing);
    assert_eq!(v["provenance"]["tool"], "unknown-agent");
    assert_eq!(v["provenance"]["model_version"], Value::Null);

    let v = blame_json(&r, &by_ref);
    assert_eq!(v["provenance"]["tool"], "codex");
    assert!(
        evidence(&v)
            .iter()
            .any(|e| e.contains(&format!("(refs/entire/checkpoints/ZN/{ulid})")))
    );

    // `aeef scan` reads the same metadata.
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tool_of = |sha: &str| {
        rows.iter().find(|r| r["commit"] == sha).unwrap()["tool"]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(tool_of(&known).as_deref(), Some("claude-code"));
    assert_eq!(tool_of(&unknown).as_deref(), Some("unknown-agent"));
    assert_eq!(tool_of(&by_ref).as_deref(), Some("codex"));
}

/// A fresh clone has only the remote-tracking copy of the branch.
#[test]
fn entire_branch_is_read_from_the_remote_tracking_copy() {
    let mut r = RepoBuilder::new();
    r.write("a.rs", "a\n");
    let sha = r.commit("Add a\n\nEntire-Checkpoint: a3b2c4d5e6f7");
    let s = session_json("a3b2c4d5e6f7", "Gemini CLI", "gemini-2.5-pro", 3);
    let v1 = commit_tree(&r, &[("a3/b2c4d5e6f7/0/metadata.json", &s)], "Checkpoint");
    r.git(&[
        "update-ref",
        "refs/remotes/origin/entire/checkpoints/v1",
        &v1,
    ]);
    let v = blame_json(&r, &sha);
    assert_eq!(v["provenance"]["tool"], "gemini");
    assert!(
        evidence(&v)
            .iter()
            .any(|e| e.contains("(remotes/origin/entire/checkpoints/v1)"))
    );
}

// --- through the CLI ------------------------------------------------------

/// `aeef blame <sha>` on a commit whose only agent line stands outside
/// git's block: ai-generated, with the body-line evidence; the JSON
/// `trailers` field stays git's view.
#[test]
fn blame_reads_agent_lines_outside_the_trailer_block() {
    let mut r = RepoBuilder::new();
    r.write("src/web.rs", "fn retry() {}\n");
    let sha = r.commit_raw(ORCHESTRATOR.as_bytes());
    let git = r.git(&["log", "-1", "--format=%(trailers:only,unfold)", &sha]);
    assert!(!git.contains("anthropic"), "{git}");
    let v = blame_json(&r, &sha);
    assert_eq!(v["origin"], "ai-generated");
    assert_eq!(v["provenance"]["tool"], "claude-code");
    assert_eq!(
        v["provenance"]["sources"],
        serde_json::json!(["agent:claude-code"])
    );
    assert!(
        evidence(&v).contains(
            &"Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com> (body line 5, outside git's trailer block)"
                .to_string()
        ),
        "{:?}",
        evidence(&v)
    );
    let keys: Vec<&str> = v["trailers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["Executed-By", "Rig", "Role"]);
}

/// `aeef gate` on a change whose AEEF fields stand above a human trailer
/// paragraph: the provenance check passes, `provenance-not-trailer` warns
/// and names each field; fields in the block earn nothing.
#[test]
fn gate_warns_provenance_not_trailer_for_fields_outside_the_block() {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    let base = r.commit("Initial commit");
    r.write("src/pay.rs", "a\n");
    r.commit_raw(
        b"Add payment retry\n\nAI-Tool: claude-code\nAI-Model-Version: claude-opus-4-6\nAI-Prompt-Ref: prompts/pay.v1\nAI-Human-Modifications: minor\nAI-Reviewed-By: bob\n\nSigned-off-by: Dana Maintainer <dana@example.org>\n",
    );
    r.write("src/ok.rs", "b\n");
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4-6")
        .trailer("AI-Prompt-Ref", "prompts/ok.v1")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
    let head = r.commit("Add ok");
    let o = aeef(
        r.path(),
        &["gate", "--format", "json", "--base", &base, "--head", &head],
    );
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&o), stderr(&o)));
    assert_eq!(o.status.code(), Some(0), "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "provenance-incomplete"),
        "{v}"
    );
    let warn: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "provenance-not-trailer")
        .collect();
    assert_eq!(warn.len(), 1, "{v}");
    assert_eq!(warn[0]["level"], "warn");
    assert_eq!(warn[0]["file"], "src/pay.rs");
    let msg = warn[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("AI-Tool (message line 3), AI-Model-Version (message line 4), AI-Prompt-Ref (message line 5), AI-Human-Modifications (message line 6), AI-Reviewed-By (message line 7) outside git's trailer block"),
        "{msg}"
    );
    // Config can turn it off like any rule.
    r.write(".aeef.yml", "rules:\n  provenance-not-trailer: off\n");
    let o = aeef(
        r.path(),
        &["gate", "--format", "json", "--base", &base, "--head", &head],
    );
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&o), stderr(&o)));
    assert_eq!(o.status.code(), Some(0), "{v}");
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "provenance-not-trailer"),
        "{v}"
    );
}
