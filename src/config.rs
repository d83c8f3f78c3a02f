//! `.aeef.yml`: rule levels, the adjacency window, where incidents live,
//! extra agent conventions.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::Level;

/// The file name looked up at the repository root.
pub const FILE_NAME: &str = ".aeef.yml";

/// An extra coding-agent convention from config: matched on e-mail address
/// (author, committer or co-author) or on a trailer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentRule {
    /// Canonical tool id reported in output.
    pub tool: String,
    /// Exact e-mail addresses (case-insensitive).
    #[serde(default)]
    pub emails: Vec<String>,
    /// Trailer keys whose presence marks the tool (case-insensitive).
    #[serde(default)]
    pub trailers: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    #[serde(default)]
    pub require_signed: bool,
}

/// The whole config; every field has a default so an empty file is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_incidents_dir")]
    pub incidents_dir: String,
    #[serde(default = "default_window")]
    pub adjacency_window: u32,
    /// Rule id → level override.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    #[serde(default)]
    pub agents: Vec<AgentRule>,
    #[serde(default)]
    pub audit: AuditConfig,
}

fn default_incidents_dir() -> String {
    "incidents".into()
}
fn default_window() -> u32 {
    3
}

impl Default for Config {
    fn default() -> Self {
        Config {
            incidents_dir: default_incidents_dir(),
            adjacency_window: default_window(),
            rules: BTreeMap::new(),
            agents: Vec::new(),
            audit: AuditConfig::default(),
        }
    }
}

impl Config {
    /// The configured level of `rule`, or `default`.
    pub fn level(&self, rule: &str, default: Level) -> Level {
        self.rules.get(rule).copied().unwrap_or(default)
    }
}
