//! `aeef hook` (DESIGN §9 "Hooks"): a `commit-msg` hook that asks a commit
//! made by or with a coding agent for the AEEF fields before it exists.
//!
//! The decision is pure ([`decide`]): the message as git will commit it,
//! the identities git will record, the agents found in the environment
//! ([`crate::provenance::agents::environment`]). A commit is AI-attributed
//! when the provenance engine says so with high confidence — the same
//! [`Provenance::is_ai`] the gate's `provenance-incomplete` reads, over the
//! same sources (AEEF trailers and block, agent trailers, marker lines,
//! co-author and author identities, body lines) — or when an agent is
//! found in the environment. Such a commit must declare the fields of
//! [`crate::provenance::AeefFields::missing`], the gate's list; a human commit with no mark
//! passes untouched. [`install`] writes and removes the hook files.
pub mod install;

use crate::provenance::agents::environment::EnvAgent;
use crate::provenance::{self, AgentTable, CommitIdentity, Provenance};

/// The scissors line of `git commit -v` (without its comment character):
/// git drops it and everything below (`git help commit`, `--cleanup`).
const SCISSORS: &str = " ------------------------ >8 ------------------------";

/// How git will clean the message up (`git help commit`, `--cleanup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanup {
    /// Comment lines and everything from the scissors line on go (`strip`;
    /// `default` when an editor runs).
    Strip,
    /// Everything from the scissors line on goes (`scissors` with an
    /// editor).
    Scissors,
    /// Comment lines stay (`whitespace`, `verbatim`; `default` without an
    /// editor, e.g. `git commit -m`).
    Keep,
}

impl Cleanup {
    /// From `commit.cleanup` (None when unset) and whether an editor runs:
    /// git sets `GIT_EDITOR=:` for its hooks when none does.
    pub fn of(config: Option<&str>, editor: bool) -> Cleanup {
        match (config.unwrap_or("default"), editor) {
            ("strip", _) | ("default", true) => Cleanup::Strip,
            ("scissors", true) => Cleanup::Scissors,
            _ => Cleanup::Keep,
        }
    }
}

/// The message as git will commit it: under [`Cleanup::Strip`] lines from
/// the scissors line on and comment lines (starting with `comment`, git's
/// `core.commentChar`, `#` by default) removed; under
/// [`Cleanup::Scissors`] the scissors part only. Other whitespace is left:
/// it changes no provenance line.
pub fn committed_text(message: &str, comment: &str, cleanup: Cleanup) -> String {
    if cleanup == Cleanup::Keep {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    for line in message.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.strip_prefix(comment) == Some(SCISSORS) {
            break;
        }
        if cleanup == Cleanup::Strip && !comment.is_empty() && bare.starts_with(comment) {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// What the hook decided about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No agent mark and no agent in the environment: a human commit,
    /// passed untouched.
    Human,
    /// The message declares itself human (`AI-Tool: none`, `AI-Usage:
    /// none`, `AI-Assisted: no`) and no AI source marks it: passed.
    DeclaredHuman,
    /// AI-attributed and every AEEF field is there: passed. `outside`
    /// lists AEEF lines found only outside git's trailer block (key as
    /// written, message line), which the gate warns about
    /// (`provenance-not-trailer`).
    Complete { outside: Vec<(String, usize)> },
    /// AI-attributed; with `--complete`, adding these trailers (key,
    /// value) makes it complete.
    Add(Vec<(String, String)>),
    /// AI-attributed and incomplete: rejected.
    Reject(Rejection),
}

/// Why a commit is rejected and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Why the commit counts as AI-attributed, one item each (agent marks,
    /// AEEF lines, environment variables).
    pub why: Vec<String>,
    /// The AEEF fields it lacks, as trailer keys in the gate's order.
    pub missing: Vec<&'static str>,
    /// The lines to add, one per missing field: a value aeef knows from the
    /// agent mark, else a placeholder naming what to write.
    pub lines: Vec<String>,
    /// With `--complete`: the lines aeef adds itself once `missing` is
    /// there (so `missing` lists only what aeef cannot know).
    pub will_add: Vec<String>,
    /// The message line of the `AI-Attribution:` block, when the message
    /// has one: then `lines` are the block's own indented `key: value`
    /// lines, to add inside the block. Never `git commit --trailer`: git
    /// would fold the block into one trailer (issue 13).
    pub block: Option<usize>,
}

/// The `AI-Attribution:` block key of an AEEF field (DESIGN §1.2 item 2).
fn block_key(field: &str) -> &str {
    match field {
        "AI-Tool" => "tool",
        "AI-Model-Version" => "model-version",
        "AI-Prompt-Ref" => "prompt-ref",
        "AI-Human-Modifications" => "human-modifications",
        "AI-Reviewed-By" => "reviewer",
        other => other,
    }
}

/// What to write for a field aeef cannot know.
fn placeholder(key: &str) -> &'static str {
    match key {
        "AI-Tool" => "<tool, e.g. claude-code>",
        "AI-Model-Version" => "<model, e.g. claude-opus-4-6>",
        "AI-Prompt-Ref" => "<prompt file, ticket or session link>",
        "AI-Human-Modifications" => "none|minor|moderate|substantial",
        "AI-Reviewed-By" => "<who reviewed the AI output>",
        "generation-date" => "<when the code was generated, ISO 8601>",
        _ => "<value>",
    }
}

/// The values aeef knows for missing fields: `AI-Tool` and
/// `AI-Model-Version` from the agent mark (the tool and model the
/// provenance engine read, normalised as every output reports them), else
/// the tool of the first agent found in the environment. `unknown-agent`
/// is not a tool anyone can check, so it is never written.
fn known_values(p: &Provenance, env: &[EnvAgent]) -> Vec<(&'static str, String)> {
    let f = p.aeef_fields;
    let mut out = Vec::new();
    let unknown = crate::provenance::agents::tool::UNKNOWN;
    if !f.tool {
        let tool = p
            .tool
            .clone()
            .filter(|t| p.is_ai() && t != unknown)
            .or_else(|| env.iter().map(|a| a.tool.clone()).find(|t| t != unknown));
        if let Some(t) = tool {
            out.push(("AI-Tool", t));
        }
    }
    if !f.model_version
        && let Some(m) = p.model_version.clone().filter(|_| p.is_ai())
    {
        out.push(("AI-Model-Version", m));
    }
    out
}

/// Decides one commit message. `message` is the text git will commit
/// ([`committed_text`]); `who` the author and committer git will record;
/// `env` the agents found in the environment; `complete` is `--complete`.
pub fn decide(
    table: &AgentTable,
    who: &CommitIdentity<'_>,
    message: &str,
    env: &[EnvAgent],
    complete: bool,
) -> Verdict {
    let (_, p) = provenance::of_commit(table, who, message, None);
    let marked = p.is_ai();
    if !marked && env.is_empty() {
        return Verdict::Human;
    }
    if !marked && p.declared_human {
        return Verdict::DeclaredHuman;
    }
    let missing = p.aeef_fields.missing();
    if missing.is_empty() {
        return Verdict::Complete {
            outside: p.not_in_trailers.clone(),
        };
    }
    let known = known_values(&p, env);
    let is_known = |k: &str| known.iter().any(|(key, _)| *key == k);
    // A message with a block is never completed: git's trailer rewriting
    // folds a block that ends the message into one trailer, so the fields
    // go into the block by hand (named below).
    let block = provenance::block::parse(message).map(|b| b.line);
    let complete = complete && block.is_none();
    let (missing, will_add): (Vec<&'static str>, Vec<String>) = if complete {
        let still: Vec<&'static str> = missing.iter().copied().filter(|k| !is_known(k)).collect();
        if still.is_empty() {
            return Verdict::Add(known.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        }
        let adds = known.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        (still, adds)
    } else {
        (missing, Vec::new())
    };
    let mut why: Vec<String> = Vec::new();
    if marked {
        why.extend(p.signals.iter().cloned());
    }
    why.extend(
        env.iter()
            .map(|a| format!("{} in the environment ({})", a.evidence, a.tool)),
    );
    let lines = missing
        .iter()
        .map(|k| {
            let v = known
                .iter()
                .find(|(key, _)| key == k)
                .map_or_else(|| placeholder(k).to_string(), |(_, v)| v.clone());
            match block {
                Some(_) => format!("  {}: {v}", block_key(k)),
                None => format!("{k}: {v}"),
            }
        })
        .collect();
    Verdict::Reject(Rejection {
        why,
        missing,
        lines,
        will_add,
        block,
    })
}

/// The commented reminder `prepare-commit-msg` puts above git's own
/// comments when the message is edited in an editor: the AEEF fields, with
/// the tool filled in when an agent is found in the environment. Every
/// line starts with `comment`, so the default cleanup removes it.
pub fn reminder(comment: &str, env: &[EnvAgent]) -> String {
    let unknown = crate::provenance::agents::tool::UNKNOWN;
    let tool = env
        .iter()
        .map(|a| a.tool.as_str())
        .find(|t| *t != unknown)
        .unwrap_or("<tool, e.g. claude-code>");
    let mut s = String::new();
    let mut line = |t: &str| {
        s.push_str(comment);
        if !t.is_empty() {
            s.push(' ');
            s.push_str(t);
        }
        s.push('\n');
    };
    match env.first() {
        Some(a) => line(&format!(
            "aeef: {} is set, so this commit counts as AI-assisted and must end with",
            a.evidence
                .split_once(" is set")
                .map_or(a.evidence.as_str(), |(v, _)| v)
        )),
        None => line("aeef: if AI wrote part of this change, end the message with"),
    }
    line("these lines (uncomment and fill in; the commit-msg hook checks them):");
    line("");
    line(&format!("AI-Tool: {tool}"));
    for k in [
        "AI-Model-Version",
        "AI-Prompt-Ref",
        "AI-Human-Modifications",
        "AI-Reviewed-By",
    ] {
        line(&format!("{k}: {}", placeholder(k)));
    }
    line("");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::AeefFields;

    const HUMAN: CommitIdentity<'static> = CommitIdentity {
        author_name: "Alice",
        author_email: "alice@example.com",
        committer_name: "Alice",
        committer_email: "alice@example.com",
    };

    fn claude_env() -> Vec<EnvAgent> {
        vec![EnvAgent {
            tool: "claude-code".into(),
            evidence: "CLAUDECODE=1".into(),
        }]
    }

    const FULL: &str = "AI-Tool: claude-code\nAI-Model-Version: claude-opus-4-6\nAI-Prompt-Ref: PROJ-1\nAI-Human-Modifications: minor\nAI-Reviewed-By: alice\n";

    #[test]
    fn a_human_commit_without_mark_or_agent_passes() {
        let t = AgentTable::builtin();
        assert_eq!(decide(&t, &HUMAN, "Fix typo\n", &[], false), Verdict::Human);
        // A weak signal alone (an accepted Copilot suggestion) is not AI
        // for the gate, so not for the hook either.
        let msg = "Fix\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n";
        assert_eq!(decide(&t, &HUMAN, msg, &[], false), Verdict::Human);
    }

    #[test]
    fn an_agent_mark_requires_the_gates_fields_with_exact_lines() {
        let t = AgentTable::builtin();
        let msg = "Add retry\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n";
        let Verdict::Reject(r) = decide(&t, &HUMAN, msg, &[], false) else {
            panic!("must reject");
        };
        assert_eq!(r.missing, AeefFields::default().missing());
        assert_eq!(r.lines[0], "AI-Tool: claude-code");
        assert_eq!(r.lines[1], "AI-Model-Version: claude-opus-4-6");
        assert_eq!(
            r.lines[3],
            "AI-Human-Modifications: none|minor|moderate|substantial"
        );
        assert!(
            r.why.iter().any(|w| w.contains("noreply@anthropic.com")),
            "{r:?}"
        );
    }

    #[test]
    fn complete_adds_only_what_the_mark_tells_and_rejects_the_rest() {
        let t = AgentTable::builtin();
        let msg = "Add retry\n\nAI-Prompt-Ref: PROJ-1\nAI-Human-Modifications: minor\nAI-Reviewed-By: alice\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n";
        assert_eq!(
            decide(&t, &HUMAN, msg, &[], true),
            Verdict::Add(vec![
                ("AI-Tool".into(), "claude-code".into()),
                ("AI-Model-Version".into(), "claude-opus-4-6".into()),
            ])
        );
        let msg = "Add retry\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
        let Verdict::Reject(r) = decide(&t, &HUMAN, msg, &[], true) else {
            panic!("must reject");
        };
        // No model in the mark: aeef cannot know it either. The tool it
        // adds itself once the rest is there.
        assert_eq!(r.missing[0], "AI-Model-Version");
        assert_eq!(r.will_add, ["AI-Tool: claude-code"]);
        assert!(!r.lines.iter().any(|l| l.starts_with("AI-Tool")));
    }

    /// Guards issue 13 item 2b/2c: a message with an `AI-Attribution:`
    /// block is told to add the missing fields as indented lines of the
    /// block (a `--trailer` would make git fold the block), and `--complete`
    /// adds nothing to it (its trailers would fold the block as well).
    #[test]
    fn a_block_message_is_told_to_add_block_lines_and_is_never_completed() {
        let t = AgentTable::builtin();
        let msg = "Add x\n\nAI-Attribution:\n  tool: claude-code\n  model-version: claude-opus-4-6\n  prompt-ref: PROJ-1\n  human-modifications: minor\n  reviewer: alice\n";
        for complete in [false, true] {
            let Verdict::Reject(r) = decide(&t, &HUMAN, msg, &[], complete) else {
                panic!("must reject");
            };
            assert_eq!(r.missing, ["generation-date"]);
            assert_eq!(r.block, Some(3));
            assert_eq!(
                r.lines,
                ["  generation-date: <when the code was generated, ISO 8601>"]
            );
            assert!(r.will_add.is_empty());
        }
        let msg = "Add x\n\nAI-Attribution:\n  generation-date: 2026-01-05\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n";
        let Verdict::Reject(r) = decide(&t, &HUMAN, msg, &[], true) else {
            panic!("a block message is never completed");
        };
        assert_eq!(r.lines[0], "  tool: claude-code");
        assert_eq!(r.lines[1], "  model-version: claude-opus-4-6");
    }

    #[test]
    fn an_agent_in_the_environment_makes_an_unmarked_commit_ai() {
        let t = AgentTable::builtin();
        let Verdict::Reject(r) = decide(&t, &HUMAN, "Fix\n", &claude_env(), false) else {
            panic!("must reject");
        };
        assert!(r.why[0].contains("CLAUDECODE=1"));
        assert_eq!(r.lines[0], "AI-Tool: claude-code");
        let msg = format!("Fix\n\n{FULL}");
        assert_eq!(
            decide(&t, &HUMAN, &msg, &claude_env(), false),
            Verdict::Complete { outside: vec![] }
        );
        // Fields above another paragraph count, and are named for the
        // gate's provenance-not-trailer warning.
        let msg = format!("Fix\n\n{FULL}\nSee the issue.\n");
        let Verdict::Complete { outside } = decide(&t, &HUMAN, &msg, &claude_env(), false) else {
            panic!("complete");
        };
        assert_eq!(outside.first(), Some(&("AI-Tool".to_string(), 3)));
        assert_eq!(
            decide(&t, &HUMAN, "Fix\n\nAI-Tool: none\n", &claude_env(), false),
            Verdict::DeclaredHuman
        );
    }

    #[test]
    fn comments_and_the_scissors_part_are_not_the_message() {
        let msg = "Fix\n# Co-Authored-By: Claude <noreply@anthropic.com>\n# ------------------------ >8 ------------------------\nCo-Authored-By: Claude <noreply@anthropic.com>\n";
        assert_eq!(committed_text(msg, "#", Cleanup::Strip), "Fix\n");
        assert_eq!(
            committed_text("Fix\n; note\n", ";", Cleanup::Strip),
            "Fix\n"
        );
        // `git commit -m` keeps comment lines: so does the check.
        assert_eq!(committed_text(msg, "#", Cleanup::Keep), msg);
        assert_eq!(
            committed_text(msg, "#", Cleanup::Scissors),
            "Fix\n# Co-Authored-By: Claude <noreply@anthropic.com>\n"
        );
        assert_eq!(Cleanup::of(None, false), Cleanup::Keep);
        assert_eq!(Cleanup::of(None, true), Cleanup::Strip);
        assert_eq!(Cleanup::of(Some("strip"), false), Cleanup::Strip);
        assert_eq!(Cleanup::of(Some("verbatim"), true), Cleanup::Keep);
    }

    #[test]
    fn the_reminder_is_all_comment_lines() {
        let r = reminder("#", &claude_env());
        assert!(r.lines().all(|l| l.starts_with('#')), "{r}");
        assert!(r.contains("# AI-Tool: claude-code\n"), "{r}");
        assert_eq!(committed_text(&r, "#", Cleanup::Strip), "");
    }
}
