//! `files:` entries are compared with the change's paths as `git diff
//! --name-only` prints them. Issue 11 (fix item 10): `./Cargo.toml` and
//! `src/cargo/` never matched, and `/etc/passwd`, `../outside.rs`, `*.md`
//! were accepted though nothing can ever match them — a silent pass of
//! `touches-open-incident`.
mod common;

use common::{RepoBuilder, aeef, stdout};
use serde_json::Value;

const NOW: &str = "2026-11-29T09:00:00Z";

fn record(files: &str) -> String {
    format!(
        "id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: resolved\n\
         detected_at: 2026-11-02T09:14:00Z\nacknowledged_at: 2026-11-02T09:30:00Z\n\
         resolved_at: 2026-11-03T09:30:00Z\nfiles: {files}\n\
         rca: {{defect: d, generation_context: g, validation_pipeline: v, human_review: h, process_environment: p}}\n\
         root_cause: r\ncorrective_actions:\n\
         \x20 - {{id: CA-1, action: a, category: immediate-fix, owner: alice, due: 2026-12-20}}\n\
         \x20 - {{id: CA-2, action: b, category: training, owner: alice, due: 2026-12-20}}\n"
    )
}

/// The gate over a change that edits `Cargo.toml` and `src/cargo/core.rs`.
fn gate(files: &str) -> (Option<i32>, Value) {
    let mut r = RepoBuilder::new();
    r.write("Cargo.toml", "[package]\n");
    r.write("src/cargo/core.rs", "fn a() {}\n");
    r.write("incidents/INC-2026-001.yaml", &record(files));
    r.commit("base");
    let base = r.head();
    r.write("Cargo.toml", "[package]\nname = \"x\"\n");
    r.write("src/cargo/core.rs", "fn a() { b() }\n");
    let head = r.commit("change");
    let o = aeef(
        r.path(),
        &[
            "gate", "--format", "json", "--now", NOW, "--base", &base, "--head", &head,
        ],
    );
    (o.status.code(), serde_json::from_str(&stdout(&o)).unwrap())
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Why: `./Cargo.toml` and a folder `src/cargo/` name files of the change.
#[test]
fn dot_slash_and_folder_entries_match_the_changes_files() {
    for files in ["[./Cargo.toml]", "[src/cargo/]"] {
        let (code, v) = gate(files);
        assert_eq!(code, Some(1), "{files}: {v:#}");
        assert!(
            rules(&v).contains(&"touches-open-incident".to_string()),
            "{files}: {v:#}"
        );
    }
    // A folder entry does not match a sibling that only shares a prefix.
    let (_, v) = gate("[src/car/]");
    assert!(
        !rules(&v).contains(&"touches-open-incident".to_string()),
        "{v:#}"
    );
}

/// Why: entries that can never match are refused at their line, exit 2,
/// instead of passing the gate silently.
#[test]
fn entries_that_can_never_match_are_schema_findings() {
    for entry in [
        "/etc/passwd",
        "../outside.rs",
        "\"*.md\"",
        "src/../Cargo.toml",
    ] {
        let (code, v) = gate(&format!("[{entry}]"));
        assert_eq!(code, Some(2), "{entry}: {v:#}");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "schema")
            .unwrap_or_else(|| panic!("{entry}: {v:#}"));
        assert!(
            f["message"].as_str().unwrap().contains("can never match"),
            "{f}"
        );
        assert_eq!(f["line"], 8, "{f}");
    }
}
