//! Runs every coding-agent fixture (`fixtures/agents/*.txt`) and every git-ai
//! note fixture (`fixtures/notes/*.txt`) through the public provenance API
//! and checks the result against the expectation tables below.
use std::path::{Path, PathBuf};

use aeef::provenance::{self, AgentTable, AttestKey, CommitIdentity, Confidence, Note};

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir)
}

/// A fixture commit: `author:` / `committer:` header, empty line, message.
struct Commit {
    author: (String, String),
    committer: (String, String),
    message: String,
}

fn split_ident(v: &str) -> (String, String) {
    let open = v.rfind('<').expect("identity has <email>");
    let close = v.rfind('>').expect("identity has <email>");
    (v[..open].trim().to_string(), v[open + 1..close].to_string())
}

fn load(name: &str) -> Commit {
    let text = std::fs::read_to_string(fixtures("agents").join(format!("{name}.txt")))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    let (header, message) = text
        .split_once("\n\n")
        .expect("header, blank line, message");
    let mut author = None;
    let mut committer = None;
    for line in header.lines() {
        match line.split_once(": ") {
            Some(("author", v)) => author = Some(split_ident(v)),
            Some(("committer", v)) => committer = Some(split_ident(v)),
            _ => panic!("fixture {name}: unexpected header line {line:?}"),
        }
    }
    Commit {
        author: author.expect("author line"),
        committer: committer.expect("committer line"),
        message: message.to_string(),
    }
}

struct Expect {
    name: &'static str,
    tool: Option<&'static str>,
    model: Option<&'static str>,
    confidence: Option<Confidence>,
    sources: &'static [&'static str],
    session: Option<&'static str>,
    /// Text one evidence line must contain (the line as written).
    evidence: Option<&'static str>,
}

const H: Option<Confidence> = Some(Confidence::High);
const L: Option<Confidence> = Some(Confidence::Low);

#[rustfmt::skip]
const TABLE: &[Expect] = &[
    Expect { name: "claude-code", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "claude-code-model", tool: Some("claude-code"), model: Some("claude-opus-4-6"), confidence: H, sources: &["agent:claude-code"], session: Some("01JQ7Z3K9V4M2N8P6R5T0W1XYZ"), evidence: Some("Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>") },
    Expect { name: "claude-code-web", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "claude-code-docs-footer", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: Some("🤖 Generated with [Claude Code](https://docs.anthropic.com/s/claude-code)") },
    Expect { name: "claude-code-bare-footer", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: Some("Generated with Claude Code") },
    Expect { name: "claude-code-claude-email", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: Some("Co-Authored-By: Claude <claude@anthropic.com>") },
    Expect { name: "claude-code-1m-context", tool: Some("claude-code"), model: Some("claude-opus-4-6"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: Some("Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>") },
    Expect { name: "claude-code-opus-5", tool: Some("claude-code"), model: Some("claude-opus-5"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "claude-bot", tool: Some("claude-code"), model: None, confidence: H, sources: &["agent:claude-code"], session: None, evidence: Some("author: claude[bot] <209825114+claude[bot]@users.noreply.github.com>") },
    Expect { name: "aider-author", tool: Some("aider"), model: None, confidence: H, sources: &["agent:aider"], session: None, evidence: None },
    Expect { name: "aider-committer-only", tool: Some("aider"), model: None, confidence: L, sources: &["agent:aider"], session: None, evidence: None },
    Expect { name: "aider-co-author", tool: Some("aider"), model: Some("gpt-4o"), confidence: H, sources: &["agent:aider"], session: None, evidence: None },
    Expect { name: "aider-co-author-current", tool: Some("aider"), model: Some("claude-sonnet-4"), confidence: H, sources: &["agent:aider"], session: None, evidence: Some("aider (anthropic/claude-sonnet-4-20250514)") },
    Expect { name: "aider-co-author-dev", tool: Some("aider"), model: Some("gpt-4.1"), confidence: H, sources: &["agent:aider"], session: None, evidence: None },
    Expect { name: "copilot-agent", tool: Some("github-copilot"), model: None, confidence: H, sources: &["agent:github-copilot"], session: None, evidence: None },
    Expect { name: "copilot-cli", tool: Some("github-copilot"), model: None, confidence: H, sources: &["agent:github-copilot"], session: None, evidence: Some("223556219+Copilot") },
    Expect { name: "copilot-review-suggestion", tool: Some("github-copilot"), model: None, confidence: L, sources: &["agent:github-copilot"], session: None, evidence: None },
    Expect { name: "cursor-agent", tool: Some("cursor"), model: None, confidence: H, sources: &["agent:cursor"], session: None, evidence: None },
    Expect { name: "cursor-made-with", tool: Some("cursor"), model: None, confidence: H, sources: &["agent:cursor"], session: None, evidence: None },
    Expect { name: "cursor-made-with-link", tool: Some("cursor"), model: None, confidence: H, sources: &["agent:cursor"], session: None, evidence: Some("Made with [Cursor](https://cursor.com)") },
    Expect { name: "codex", tool: Some("codex"), model: None, confidence: H, sources: &["agent:codex"], session: None, evidence: None },
    Expect { name: "codex-model", tool: Some("codex"), model: Some("o4-mini"), confidence: H, sources: &["agent:codex"], session: None, evidence: None },
    Expect { name: "devin", tool: Some("devin"), model: None, confidence: H, sources: &["agent:devin"], session: None, evidence: None },
    Expect { name: "jules", tool: Some("jules"), model: None, confidence: H, sources: &["agent:jules"], session: None, evidence: None },
    Expect { name: "amp", tool: Some("amp"), model: None, confidence: H, sources: &["agent:amp"], session: Some("T-7f3e2d1c-4b5a-6978-8a9b-0c1d2e3f4a5b"), evidence: None },
    Expect { name: "openhands", tool: Some("openhands"), model: None, confidence: H, sources: &["agent:openhands"], session: None, evidence: None },
    Expect { name: "opencode", tool: Some("opencode"), model: None, confidence: H, sources: &["agent:opencode"], session: None, evidence: None },
    Expect { name: "windsurf", tool: Some("windsurf"), model: None, confidence: H, sources: &["agent:windsurf"], session: None, evidence: None },
    Expect { name: "gemini-cli-bot", tool: Some("gemini"), model: None, confidence: H, sources: &["agent:gemini"], session: None, evidence: None },
    Expect { name: "gemini-review-suggestion", tool: Some("gemini"), model: None, confidence: L, sources: &["agent:gemini"], session: None, evidence: None },
    Expect { name: "qwen-code", tool: Some("qwen-code"), model: None, confidence: H, sources: &["agent:qwen-code"], session: None, evidence: None },
    Expect { name: "crush-co-author", tool: Some("crush"), model: None, confidence: H, sources: &["agent:crush"], session: None, evidence: Some("💘 Generated with Crush") },
    Expect { name: "crush-assisted-by", tool: Some("crush"), model: Some("glm-5.2"), confidence: H, sources: &["agent:crush"], session: None, evidence: Some("Assisted-by: Crush:glm-5.2") },
    Expect { name: "crush-assisted-by-via", tool: Some("crush"), model: Some("glm-5.1"), confidence: H, sources: &["agent:crush"], session: None, evidence: None },
    Expect { name: "warp-oz", tool: Some("warp"), model: None, confidence: H, sources: &["agent:warp"], session: None, evidence: None },
    Expect { name: "factory-droid", tool: Some("factory-droid"), model: None, confidence: H, sources: &["agent:factory-droid"], session: None, evidence: None },
    Expect { name: "kernel-assisted-by", tool: Some("claude-code"), model: Some("claude-3-opus"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "kernel-assisted-by-unknown", tool: Some("unknown-agent"), model: Some("foo-coder-2"), confidence: H, sources: &["agent:unknown-agent"], session: None, evidence: Some("agent \"FooAgent\"") },
    Expect { name: "assisted-by-slash", tool: Some("claude-code"), model: Some("claude-opus-4-7"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "assisted-by-spaced-slash", tool: Some("claude-code"), model: Some("claude-opus-4-7"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "assisted-by-parens", tool: Some("cursor"), model: Some("gpt-5"), confidence: H, sources: &["agent:cursor"], session: None, evidence: None },
    Expect { name: "assisted-by-agent-colon-model", tool: Some("claude-code"), model: Some("claude-sonnet-4-5"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "assisted-by-auto", tool: Some("cursor"), model: None, confidence: H, sources: &["agent:cursor"], session: None, evidence: Some("Assisted-by: Cursor:auto") },
    Expect { name: "generated-by", tool: Some("unknown-agent"), model: None, confidence: H, sources: &["agent:unknown-agent"], session: None, evidence: Some("agent \"Tabnine\"") },
    Expect { name: "generated-by-model-prose", tool: Some("claude-code"), model: Some("claude-opus-4-5"), confidence: H, sources: &["agent:claude-code"], session: None, evidence: None },
    Expect { name: "generated-by-link", tool: Some("gemini"), model: None, confidence: H, sources: &["agent:gemini"], session: None, evidence: None },
    Expect { name: "aeef-model-quoted", tool: Some("claude-code"), model: Some("claude-opus-4-6"), confidence: H, sources: &["aeef-trailer"], session: None, evidence: Some("AI-Model-Version: \"claude-opus-4-6\"") },
    Expect { name: "aeef-model-auto", tool: Some("cursor"), model: None, confidence: H, sources: &["aeef-trailer"], session: None, evidence: Some("AI-Model-Version: auto") },
    Expect { name: "ai-assisted-yes", tool: Some("unknown-agent"), model: None, confidence: H, sources: &["agent:unknown-agent"], session: None, evidence: None },
    Expect { name: "near-miss-ai-assisted-no", tool: None, model: None, confidence: None, sources: &["declared-human"], session: None, evidence: None },
    Expect { name: "near-miss-claude-monet", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-anthropic-staff", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-cursor-prose", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-copilot-name", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-vendor-domain", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-foreign-link", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-prose-footer", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
    Expect { name: "near-miss-unknown-noreply-id", tool: None, model: None, confidence: None, sources: &[], session: None, evidence: None },
];

#[test]
fn every_agent_fixture_matches_its_expectation() {
    let table = AgentTable::builtin();
    for e in TABLE {
        let c = load(e.name);
        let who = CommitIdentity {
            author_name: &c.author.0,
            author_email: &c.author.1,
            committer_name: &c.committer.0,
            committer_email: &c.committer.1,
        };
        let (_, p) = provenance::of_commit(&table, &who, &c.message, None);
        let ctx = format!("fixture {}: {p:?}", e.name);
        assert_eq!(p.tool.as_deref(), e.tool, "tool, {ctx}");
        assert_eq!(p.model_version.as_deref(), e.model, "model, {ctx}");
        assert_eq!(p.confidence, e.confidence, "confidence, {ctx}");
        assert_eq!(p.sources, e.sources, "sources, {ctx}");
        assert_eq!(p.session_id.as_deref(), e.session, "session, {ctx}");
        if let Some(ev) = e.evidence {
            assert!(
                p.signals.iter().any(|s| s.contains(ev)),
                "evidence {ev:?}, {ctx}"
            );
        }
        // Only high-confidence conventions make a commit AI-provenanced.
        assert_eq!(p.is_ai(), e.confidence == H, "is_ai, {ctx}");
    }
}

/// Guards against a fixture added without an expectation (or the reverse).
#[test]
fn every_agent_fixture_has_an_expectation() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures("agents"))
        .expect("fixtures/agents")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".txt"))
                .map(str::to_string)
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = TABLE.iter().map(|e| e.name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

fn note(name: &str) -> Note {
    let text = std::fs::read_to_string(fixtures("notes").join(name)).expect("note fixture");
    Note::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn sessions_and_humans_note() {
    let n = note("sessions-humans.txt");
    assert_eq!(n.paths(), vec!["src/pay.rs", "docs/user guide.md"]);
    // 12 is AI in the first entry, then claimed by the human in the repeated
    // `src/pay.rs` block: the later entry wins. 20-30,25-35,33 overlap.
    assert_eq!(n.ai_ranges("src/pay.rs"), vec![(1, 4), (9, 10), (20, 35)]);
    assert_eq!(n.ai_ranges("docs/user guide.md"), vec![(3, 3), (5, 5)]);
    assert_eq!(
        n.owner("src/pay.rs", 12),
        Some(&AttestKey::Human("h_99887766554433".into()))
    );
    assert_eq!(n.owner("src/pay.rs", 11), None);
    assert_eq!(
        n.owner("src/pay.rs", 34),
        Some(&AttestKey::Session {
            session: "s_0a1b2c3d4e5f60".into(),
            trace: "t_aabbccddeeff00".into()
        })
    );
    let key = n.owner("docs/user guide.md", 3).cloned().expect("owner");
    let a = n.agent(&key).expect("cursor session");
    assert_eq!(
        (a.tool.as_deref(), a.model.as_deref()),
        (Some("cursor"), Some("gpt-5"))
    );
    assert_eq!(n.agent(&AttestKey::Human("h_99887766554433".into())), None);

    // Through the merge: the note alone makes the commit AI-provenanced.
    let who = CommitIdentity {
        author_name: "Jane Doe",
        author_email: "jane@example.com",
        committer_name: "Jane Doe",
        committer_email: "jane@example.com",
    };
    let (_, p) = provenance::of_commit(&AgentTable::builtin(), &who, "Fix totals\n", Some(&n));
    assert_eq!(p.sources, vec!["git-ai-note"]);
    assert_eq!(
        p.tool.as_deref(),
        Some("claude-code"),
        "git-ai tool names are reported as canonical ids"
    );
    assert_eq!(p.model_version.as_deref(), Some("claude-opus-4-6"));
    assert_eq!(p.session_id.as_deref(), Some("s_0a1b2c3d4e5f60"));
    assert!(p.is_ai());
}

#[test]
fn legacy_prompt_keys_note() {
    let n = note("legacy-prompts.txt");
    assert_eq!(
        n.ai_ranges("lib/parse.py"),
        vec![(1, 10), (15, 15), (17, 18)]
    );
    assert_eq!(n.ai_ranges("tests/test parse.py"), vec![(2, 2)]);
    let long = AttestKey::Legacy("c9883b05a2487d6d".into());
    let a = n.agent(&long).expect("prompt metadata");
    assert_eq!(a.model.as_deref(), Some("claude-3-sonnet"));
    // A 7-hex key with no prompt record: AI, but no tool or model.
    assert_eq!(
        n.owner("lib/parse.py", 17),
        Some(&AttestKey::Legacy("abc1234".into()))
    );
    assert_eq!(n.agent(&AttestKey::Legacy("abc1234".into())), None);
}

#[test]
fn large_metadata_note() {
    let n = note("large-metadata.txt");
    assert_eq!(n.ai_ranges("src/ledger.rs"), vec![(1, 38)]);
    let key = n.owner("src/ledger.rs", 1).cloned().expect("owner");
    let a = n.agent(&key).expect("agent");
    assert_eq!(a.tool.as_deref(), Some("claude"));
    assert_eq!(a.model.as_deref(), Some("claude-sonnet-4-5"));
    // Asking again reuses the parsed metadata.
    assert_eq!(n.agent(&key), Some(a));
}
