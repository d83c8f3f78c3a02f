//! Defect origin (DESIGN §2). IN PROGRESS: signatures are final.
use serde::Serialize;

use crate::error::GitError;
use crate::git::Repo;
use crate::incident::Origin;
use crate::provenance::{AgentTable, Provenance, Trailer};

/// Options of a classification.
#[derive(Debug, Clone)]
pub struct Options {
    /// Adjacency window in lines (default 3).
    pub window: u32,
    pub agents: AgentTable,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: 3,
            agents: AgentTable::builtin(),
        }
    }
}

/// One piece of evidence behind a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `provenance`, `blame-modified`, `blame-adjacent`, `note`, `info`.
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line ranges `[from, to]` in the parent's version of `file`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<(u32, u32)>,
}

/// The classification of one commit.
#[derive(Debug, Clone, Serialize)]
pub struct CommitClassification {
    pub commit: String,
    pub origin: Origin,
    pub provenance: Provenance,
    pub trailers: Vec<Trailer>,
    pub evidence: Vec<Evidence>,
    /// Files the commit touched (new paths; old path for deletions).
    #[serde(skip)]
    pub files: Vec<String>,
}

/// Classifies commit `sha` (40 hex).
pub fn classify_commit(
    _repo: &Repo,
    _sha: &str,
    _opts: &Options,
) -> Result<CommitClassification, GitError> {
    Err(GitError::Parse {
        what: "classification is being built".into(),
    })
}
