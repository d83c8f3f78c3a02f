//! Issue 12, item 12: `ca file` writes `issue: N` into a record through
//! the YAML positions, in whatever style the record is written. Every
//! fixture under `fixtures/incidents/` is written in block (as committed),
//! one-line flow, JSON and block-with-flow-items style; for each corrective
//! action the edit must reparse to the same record plus that number and
//! leave every other byte as it was.
use std::path::{Path, PathBuf};

use aeef::github::file::{key_line, same_record_plus_issue, set_issue};
use aeef::incident::store::parse_record;
use aeef::incident::yaml::{self, KeyIndex};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/incidents");
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

/// A YAML flow scalar: JSON's quoting is valid YAML double-quoting.
fn flow(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {}", flow(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Top-level keys in block style, each value (and each corrective action)
/// in flow style.
fn block_with_flow_items(v: &Value) -> String {
    let mut out = String::from("# mixed style\n");
    for (k, val) in v.as_object().unwrap() {
        match (k.as_str(), val) {
            ("corrective_actions", Value::Array(items)) => {
                out.push_str("corrective_actions:\n");
                for it in items {
                    out.push_str(&format!("  - {}   # action\n", flow(it)));
                }
            }
            _ => out.push_str(&format!("{k}: {}\n", flow(val))),
        }
    }
    out
}

/// The four styles of one fixture's text.
fn styles(text: &str) -> Vec<(&'static str, String)> {
    let v: Value = serde_saphyr::from_str(text).unwrap();
    vec![
        ("block", text.to_string()),
        ("flow", flow(&v) + "\n"),
        ("json", serde_json::to_string_pretty(&v).unwrap()),
        ("block-with-flow-items", block_with_flow_items(&v)),
    ]
}

/// Writes `issue: n` into `ca` of `text` and checks the result; returns it.
fn write_and_check(name: &str, text: &str, ca: &str, n: u64) -> String {
    let idx = KeyIndex::build(text).unwrap();
    let i = yaml::seq_item_with(&idx, "corrective_actions", "id", ca)
        .unwrap_or_else(|| panic!("{name}: {ca} not found"));
    let edit = yaml::set_key(
        text,
        &idx,
        &format!("corrective_actions[{i}]"),
        "issue",
        &n.to_string(),
        &["id", "action", "category", "owner", "due", "status"],
    )
    .unwrap_or_else(|e| panic!("{name} {ca}: {e}\n{text}"));
    // The edit replaces nothing but an old value of `issue`, and adds
    // nothing but the key, the number and punctuation.
    let old = &text[edit.range.clone()];
    assert!(
        old.is_empty() || old == "null" || old == "~" || old.parse::<u64>().is_ok(),
        "{name} {ca}: replaced `{old}`"
    );
    let added = edit.text.replace(&n.to_string(), "").replace("issue", "");
    assert!(
        added
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, ',' | ':' | '"')),
        "{name} {ca}: added `{}`",
        edit.text
    );
    assert!(edit.text.contains(&n.to_string()));
    let out = edit.apply(text);
    assert_eq!(
        set_issue(text, ca, n).as_deref(),
        Some(out.as_str()),
        "{name} {ca}"
    );
    assert!(
        same_record_plus_issue(text, &out, ca, n),
        "{name} {ca}: not the same record plus issue {n}:\n{out}"
    );
    // The loader (schema, patterns, value checks) accepts it as well.
    parse_record("x.yaml", out.as_bytes()).unwrap_or_else(|f| panic!("{name} {ca}: {f:?}\n{out}"));
    out
}

// Guards issue 12 item 12 on every fixture and every style, including a
// second write over the first (the number replaced in place).
#[test]
fn issue_write_back_round_trips_every_fixture_in_every_style() {
    let mut written = 0;
    let mut unreadable = 0;
    let mut verified_lines = 0;
    for f in fixtures() {
        let bytes = std::fs::read(&f).unwrap();
        let Ok(rec) = parse_record("x.yaml", &bytes) else {
            // `ca file` refuses to run on a record it cannot read; the
            // edit on such text still must not panic.
            unreadable += 1;
            let _ = set_issue(&String::from_utf8_lossy(&bytes), "CA-1", 5);
            continue;
        };
        for (style, text) in styles(&rec.source) {
            let name = format!("{} ({style})", f.display());
            let again = parse_record("x.yaml", text.as_bytes())
                .unwrap_or_else(|e| panic!("{name} does not load: {e:?}\n{text}"));
            assert_eq!(
                again.incident, rec.incident,
                "{name}: style changed the record"
            );
            for (k, ca) in rec.incident.corrective_actions.iter().enumerate() {
                // Offline verification blames the `verified_by` line: it is
                // found in every style, at the line that holds the key.
                if ca.verified_by.is_some() {
                    let l = key_line(&text, &ca.id, "verified_by")
                        .unwrap_or_else(|| panic!("{name} {}: no verified_by line", ca.id));
                    let line = text.split('\n').nth(l).unwrap_or("");
                    assert!(
                        line.contains("verified_by"),
                        "{name} {}: line {l} is `{line}`",
                        ca.id
                    );
                    verified_lines += 1;
                }
                let n = 400 + k as u64;
                let once = write_and_check(&name, &text, &ca.id, n);
                let twice = write_and_check(&format!("{name} again"), &once, &ca.id, n + 100);
                assert_eq!(
                    once.len(),
                    twice.len(),
                    "{name}: a rewrite replaces in place"
                );
                written += 1;
            }
        }
    }
    assert!(written >= 100, "only {written} write-backs exercised");
    assert!(unreadable >= 5, "the invalid fixtures were not exercised");
    assert!(
        verified_lines >= 8,
        "only {verified_lines} verified_by lines checked"
    );
}
