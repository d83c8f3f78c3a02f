//! Entire checkpoints (DESIGN §1.2 item 6), the pure half: the trailer's
//! id, the checkpoint metadata JSON, and how a checkpoint fills a commit's
//! provenance. The git half (`crate::git::entire`) finds the metadata.
//!
//! Entire (the `entire` CLI by entireio) records agent sessions. Its
//! `prepare-commit-msg` hook adds `Entire-Checkpoint: <id>` to a commit made
//! during a session; the id is 12 lower-case hex digits, or a 26-character
//! ULID in its newer `git-refs` store. The checkpoint's metadata lives off
//! the code history (entireio/cli `docs/architecture/sessions-and-checkpoints.md`
//! and `ref-checkpoint-backend.md`):
//!
//! - branch `entire/checkpoints/v1`, tree `<id[:2]>/<id[2:]>/`, or a ref
//!   `refs/entire/checkpoints/<id[-2:]>/<id>` whose commit's tree is the
//!   checkpoint;
//! - `metadata.json` at the checkpoint's root: a summary (`checkpoint_id`,
//!   `sessions`, `files_touched`, `token_usage`); early versions wrote the
//!   session fields (`agent`, `session_id`) here directly;
//! - `0/metadata.json`, `1/metadata.json`, …: one per session, with `agent`
//!   (Entire's display name: `Claude Code`, `Codex`, `Copilot CLI`,
//!   `Cursor`, `Factory AI Droid`, `Gemini CLI`, `OpenCode`, `Pi`), `model`
//!   (e.g. `claude-sonnet-4-6`), `session_id` and `initial_attribution`
//!   (`agent_lines`, `human_added`, `human_modified`, `human_removed`,
//!   `total_committed`, `agent_percentage`).
//!
//! The agent name maps to a canonical tool id with
//! [`agents::known_tool`](super::agents::known_tool); an agent it does not
//! know, or no metadata at all, gives `unknown-agent` via source `entire`.
use serde::Deserialize;

use super::Provenance;
use super::agents::{self, tool};

/// The trailer key, as Entire writes it.
pub const TRAILER: &str = "Entire-Checkpoint";

/// Lines attributed by Entire's `initial_attribution` (counts of lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LineCounts {
    pub agent_lines: u64,
    pub human_added: u64,
    pub human_modified: u64,
    pub human_removed: u64,
    pub total_committed: u64,
}

/// One session of a checkpoint, from a `metadata.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Session {
    /// Entire's agent name as written (`Claude Code`).
    pub agent: Option<String>,
    pub model: Option<String>,
    pub session_id: Option<String>,
    #[serde(rename = "initial_attribution")]
    pub lines: Option<LineCounts>,
}

impl Session {
    /// Reads one `metadata.json`. `None` when it is not a JSON object.
    /// Unknown fields are ignored (the format grows), and a field of an
    /// unexpected type reads as absent rather than failing the whole file.
    pub fn parse(json: &str) -> Option<Session> {
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        let o = v.as_object()?;
        let text = |k: &str| {
            o.get(k)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Some(Session {
            // `Agent` (early versions) and `Unknown` are Entire's own
            // "agent not known" values (`AgentTypeUnknown`).
            agent: text("agent").filter(|a| !matches!(a.as_str(), "Agent" | "Unknown")),
            model: text("model"),
            session_id: text("session_id"),
            lines: o
                .get("initial_attribution")
                .and_then(|x| LineCounts::deserialize(x).ok()),
        })
    }

    fn has_any(&self) -> bool {
        self.agent.is_some() || self.model.is_some() || self.lines.is_some()
    }
}

/// What the metadata of one checkpoint says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: String,
    /// Where it was read, for the evidence (`entire/checkpoints/v1`).
    pub from: String,
    /// The sessions in folder order (`0/`, `1/`, …), or the root's own
    /// fields for the early single-file layout.
    pub sessions: Vec<Session>,
}

/// True for an id Entire writes: 12 lower-case hex digits, or a 26-char
/// ULID (Crockford base32, upper case).
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    match b.len() {
        12 => b
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)),
        26 => b.iter().all(|c| {
            c.is_ascii_digit()
                || (c.is_ascii_uppercase() && !matches!(c, b'I' | b'L' | b'O' | b'U'))
        }),
        _ => false,
    }
}

/// The checkpoint ids a commit names, in order (`Provenance::entire`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntireRef {
    pub ids: Vec<String>,
    /// The tool is `unknown-agent` only because nothing but the trailer
    /// named one: checkpoint metadata may replace it.
    pub tool_placeholder: bool,
}

/// Fills `p` from the metadata of its checkpoints (those found; an id
/// with no metadata keeps `unknown-agent`). The tool and model come from
/// the first session that names them, unless another source already named
/// them; every session's agent, model and line counts go to the evidence.
pub fn apply(p: &mut Provenance, checkpoints: &[Checkpoint]) {
    let Some(r) = p.entire.clone() else { return };
    for c in checkpoints {
        for (i, s) in c.sessions.iter().enumerate().filter(|(_, s)| s.has_any()) {
            let mut parts = Vec::new();
            if let Some(a) = &s.agent {
                parts.push(format!("agent {a}"));
            }
            if let Some(m) = &s.model {
                parts.push(format!("model {m}"));
            }
            if let Some(l) = &s.lines {
                parts.push(format!(
                    "{} agent line(s), {} human line(s) added, {} modified, {} removed, {} committed",
                    l.agent_lines, l.human_added, l.human_modified, l.human_removed, l.total_committed
                ));
            }
            p.signals.push(format!(
                "Entire checkpoint {} session {i} ({}): {}",
                c.id,
                c.from,
                parts.join(", ")
            ));
        }
    }
    let sessions = || checkpoints.iter().flat_map(|c| c.sessions.iter());
    if r.tool_placeholder
        && let Some(agent) = sessions().find_map(|s| s.agent.as_deref())
    {
        p.tool = Some(
            agents::known_tool(agent)
                .unwrap_or(tool::UNKNOWN)
                .to_string(),
        );
    }
    if p.model_version.is_none() {
        p.model_version =
            sessions().find_map(|s| s.model.as_deref().and_then(super::model::normalise));
    }
    if p.session_id.is_none() {
        p.session_id = sessions().find_map(|s| s.session_id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex12_or_ulid() {
        assert!(valid_id("a3b2c4d5e6f7"));
        assert!(valid_id("01KVBJCWYA4YW6J5M9GP655HZN"));
        assert!(!valid_id("A3B2C4D5E6F7"));
        assert!(!valid_id("a3b2c4d5e6f"));
        assert!(!valid_id("01KVBJCWYA4YW6J5M9GP655HZU"));
        assert!(!valid_id(""));
    }

    #[test]
    fn session_metadata_as_entire_writes_it() {
        // Shape of a 0.5.x session metadata.json (values made up).
        let s = Session::parse(
            r#"{"cli_version":"0.5.3","checkpoint_id":"214e9cd12196","session_id":"b9480160-c3c0-42e0-a622-2c6f2fabc934","strategy":"manual-commit","agent":"Claude Code","model":"claude-sonnet-4-6","token_usage":{"input_tokens":151},"initial_attribution":{"calculated_at":"2026-06-13T04:44:56Z","agent_lines":39,"agent_removed":4,"human_added":0,"human_modified":0,"human_removed":0,"total_committed":39,"total_lines_changed":43,"agent_percentage":100,"metric_version":2}}"#,
        )
        .unwrap();
        assert_eq!(s.agent.as_deref(), Some("Claude Code"));
        assert_eq!(s.model.as_deref(), Some("claude-sonnet-4-6"));
        assert_eq!(s.lines.unwrap().agent_lines, 39);
        assert_eq!(s.lines.unwrap().total_committed, 39);
        // A summary without session fields, and junk.
        assert!(!Session::parse(r#"{"sessions":[]}"#).unwrap().has_any());
        assert_eq!(Session::parse("not json"), None);
        // Entire's placeholders for an agent it did not know.
        for a in ["Agent", "Unknown"] {
            let s = Session::parse(&format!(r#"{{"agent":"{a}","model":"m"}}"#)).unwrap();
            assert_eq!(s.agent, None, "{a}");
        }
        // A field of the wrong type is absent, not an error.
        let s = Session::parse(r#"{"agent":7,"model":"m"}"#).unwrap();
        assert_eq!((s.agent, s.model.as_deref()), (None, Some("m")));
    }
}
