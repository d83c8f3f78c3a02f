//! Finding and reading incident records on disk. BASIC VERSION: the
//! incidents work replaces the loader with span-carrying diagnostics but
//! keeps these signatures.
use std::path::{Path, PathBuf};

use super::Incident;
use crate::config::Config;
use crate::findings::{Finding, Level};

/// One record read from disk.
#[derive(Debug, Clone)]
pub struct LoadedIncident {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The file's text, for diagnostics.
    pub source: String,
    pub incident: Incident,
}

/// Every `*.yaml` / `*.yml` file under `<root>/<cfg.incidents_dir>`, sorted.
pub fn record_paths(root: &Path, cfg: &Config) -> Vec<PathBuf> {
    let dir = root.join(&cfg.incidents_dir);
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    v.sort();
    v
}

/// Loads every record; a record that cannot be read becomes a `schema`
/// finding instead.
pub fn load_all(root: &Path, cfg: &Config) -> (Vec<LoadedIncident>, Vec<Finding>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for p in record_paths(root, cfg) {
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read_to_string(&p) {
            Ok(source) => match serde_saphyr::from_str::<Incident>(&source) {
                Ok(incident) => ok.push(LoadedIncident {
                    path: rel,
                    source,
                    incident,
                }),
                Err(e) => bad.push(Finding::new("schema", Level::Error, e.to_string()).file(rel)),
            },
            Err(e) => bad.push(Finding::new("schema", Level::Error, e.to_string()).file(rel)),
        }
    }
    (ok, bad)
}
