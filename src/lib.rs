//! `aeef` — a Git-native AI-provenance reader and CI gate for incident
//! response on AI-generated defects (AEEF incident-response standard).
//!
//! The crate is a pure core (provenance parsing, classification, policy
//! rules, report models) with git, files and network in thin adapters
//! (`git`, `incident::store`, `github`). The library never prints: every
//! renderer takes `impl Write`.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audit;
pub mod classify;
pub mod cli;
pub mod config;
pub mod error;
pub mod findings;
pub mod gate;
pub mod git;
pub mod github;
pub mod hook;
pub mod incident;
pub mod markdown;
pub mod pr;
pub mod progress;
pub mod provenance;
pub mod redact;
pub mod report;
pub mod safe_fs;
pub mod util;
pub mod webhook;
