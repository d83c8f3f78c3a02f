//! SARIF 2.1.0 rendering of a [`Report`] (`--format sarif`), for GitHub code
//! scanning and other SARIF viewers.
//!
//! One `tool.driver.rules[]` entry per rule id present, described from the
//! [`rules`](super::rules) catalogue; one result per finding, located in the
//! incident file (relative to `%SRCROOT%`) and, for commit findings, by a
//! logical location naming the commit. `partialFingerprints` hash what
//! identifies a finding (rule, incident, action, file, commit) and not its
//! line or wording, so code scanning keeps one alert across reruns even when
//! the record is edited above it.
//!
//! GitHub code scanning rejects a whole upload when one result has no
//! physical location, so findings meant for SARIF should carry a `file`
//! (the gate anchors commit findings at a file the commit changed); a
//! finding without one gets only its logical location (the commit).
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde_json::{Value, json};

use super::markdown::ordered;
use super::{Finding, Level, Report, RuleId};

/// `$schema` of the document.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of the fingerprint in `partialFingerprints`; the `/v1` changes if the
/// hashed fields ever do, so old and new alerts are not confused.
pub const FINGERPRINT_KEY: &str = "aeefFindingHash/v1";
/// The uri base id of every artifact location: the repository root.
pub const SRCROOT: &str = "%SRCROOT%";

/// Writes the report as one SARIF 2.1.0 log with a single run.
pub fn render(report: &Report, tool_version: &str, w: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_value(report, tool_version))?;
    writeln!(w)
}

/// The SARIF log as a JSON value (what [`render`] writes).
pub fn to_value(report: &Report, tool_version: &str) -> Value {
    let findings = ordered(report);

    // The rules present, sorted by id for stable output, each described
    // from the catalogue.
    let present: BTreeSet<RuleId> = findings.iter().map(|f| f.rule).collect();
    let index: BTreeMap<RuleId, usize> =
        present.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = present.iter().map(|id| rule_value(*id)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result_value(f, index[&f.rule]))
        .collect();

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "aeef",
                    "version": tool_version,
                    "semanticVersion": tool_version,
                    "informationUri": "https://github.com/aeef/aeef",
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                SRCROOT: {
                    "description": { "text": "The root of the repository that aeef checked." }
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule_value(id: RuleId) -> Value {
    let r = id.rule();
    json!({
        "id": id,
        "name": rule_name(id.as_str()),
        "shortDescription": { "text": r.short },
        "fullDescription": { "text": r.full },
        "help": { "text": r.help },
        "defaultConfiguration": { "level": sarif_level(r.default_level) },
    })
}

fn result_value(f: &Finding, rule_index: usize) -> Value {
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut location = serde_json::Map::new();
    if let Some(file) = &f.file {
        let mut region = serde_json::Map::new();
        // SARIF lines and columns are 1-based; 0 means "unknown" here.
        // GitHub code scanning requires `region.startLine`, so a finding
        // about a whole file points at its first line.
        let line = f.line.filter(|l| *l >= 1);
        region.insert("startLine".into(), json!(line.unwrap_or(1)));
        if let (Some(_), Some(col)) = (line, f.column.filter(|c| *c >= 1)) {
            region.insert("startColumn".into(), json!(col));
        }
        let physical = json!({
            "artifactLocation": { "uri": relative_uri(file), "uriBaseId": SRCROOT },
            "region": Value::Object(region),
        });
        location.insert("physicalLocation".into(), physical);
    }
    let mut logical = Vec::new();
    if let Some(commit) = &f.commit {
        logical.push(json!({
            "name": commit,
            "fullyQualifiedName": format!("commit/{commit}"),
            "kind": "resource",
        }));
    }
    match (&f.incident, &f.corrective_action) {
        (Some(inc), Some(ca)) => logical.push(json!({
            "name": ca,
            "fullyQualifiedName": format!("{inc}/{ca}"),
            "kind": "object",
        })),
        (Some(inc), None) => logical.push(json!({
            "name": inc,
            "fullyQualifiedName": inc,
            "kind": "object",
        })),
        _ => {}
    }
    if !logical.is_empty() {
        location.insert("logicalLocations".into(), Value::Array(logical));
    }

    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": sarif_level(f.level),
        "message": { "text": text },
    });
    if !location.is_empty() {
        result["locations"] = json!([Value::Object(location)]);
    }
    result["partialFingerprints"] = json!({ FINGERPRINT_KEY: fingerprint(f) });
    let mut props = serde_json::Map::new();
    for (key, value) in [
        ("incident", &f.incident),
        ("corrective_action", &f.corrective_action),
        ("commit", &f.commit),
    ] {
        if let Some(v) = value {
            props.insert(key.into(), json!(v));
        }
    }
    if !props.is_empty() {
        result["properties"] = Value::Object(props);
    }
    result
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warning",
        Level::Note => "note",
        Level::Off => "none",
    }
}

/// `ca-unverified-overdue` → `CaUnverifiedOverdue`: SARIF's `name` is an
/// identifier-like form of the rule, and must differ from `id` (the
/// multitool's SARIF1001), so a one-word id gets a `Rule` suffix.
fn rule_name(id: &str) -> String {
    let name = pascal_case(id);
    if name.eq_ignore_ascii_case(id) {
        name + "Rule"
    } else {
        name
    }
}

fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A relative path as a URI reference: `/` separated, every byte outside
/// the unreserved set percent-encoded (spaces, `#`, `%`, non-ASCII).
pub fn relative_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Stable hash (FNV-1a, 64 bit, hex) of rule, incident, action, file and
/// commit. FNV rather than `DefaultHasher`, whose output may change between
/// Rust releases and would then reopen every alert.
pub fn fingerprint(f: &Finding) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    // Findings tied to an incident or action keep their identity when lines
    // move; the others (two unknown keys in one unreadable file) have only
    // their position to tell them apart.
    let position = (f.incident.is_none() && f.corrective_action.is_none())
        .then(|| format!("{}:{}", f.line.unwrap_or(0), f.column.unwrap_or(0)));
    let fields = [
        Some(f.rule.as_str()),
        f.incident.as_deref(),
        f.corrective_action.as_deref(),
        f.file.as_deref(),
        f.commit.as_deref(),
        position.as_deref(),
    ];
    for field in fields {
        // A separator and a presence byte keep ("a","") and ("","a") apart.
        let bytes = match field {
            Some(s) => {
                let mut v = vec![1u8];
                v.extend_from_slice(s.as_bytes());
                v
            }
            None => vec![0u8],
        };
        for b in bytes.into_iter().chain([0xffu8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
