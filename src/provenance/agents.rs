//! Coding-agent conventions. PLACEHOLDER: replaced by the real table.
use super::Confidence;
use super::trailers::Trailer;

/// Who wrote and who committed a commit (names and e-mail addresses).
#[derive(Debug, Clone, Copy)]
pub struct CommitIdentity<'a> {
    pub author_name: &'a str,
    pub author_email: &'a str,
    pub committer_name: &'a str,
    pub committer_email: &'a str,
}

/// One convention that matched a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMatch {
    /// Canonical tool id (`claude-code`, `aider`, …, `unknown-agent`).
    pub tool: String,
    /// Model named by the convention ("Claude Opus 4.6", "gpt-4o"), if any.
    pub model: Option<String>,
    pub confidence: Confidence,
    /// What matched, for the evidence list (e.g. `Co-Authored-By: Claude <noreply@anthropic.com>`).
    pub evidence: String,
    /// A session id the convention carries (`Claude-Session:`, `Amp-Thread-ID:`).
    pub session_id: Option<String>,
}

/// The table of conventions: built-in entries plus any from config.
#[derive(Debug, Clone, Default)]
pub struct AgentTable {}

impl AgentTable {
    /// The built-in conventions of DESIGN §1.3.
    pub fn builtin() -> Self {
        AgentTable {}
    }

    /// Adds conventions from config.
    pub fn with_rules(self, _rules: &[crate::config::AgentRule]) -> Self {
        self
    }

    /// Every convention that matches the commit.
    pub fn detect(
        &self,
        _who: &CommitIdentity<'_>,
        _message: &str,
        _trailers: &[Trailer],
    ) -> Vec<AgentMatch> {
        Vec::new()
    }
}
