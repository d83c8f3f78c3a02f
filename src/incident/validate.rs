//! Every schema error of a record in one run (issue 14 item 4): serde stops
//! at the first error it meets, so when it refuses a record this walks the
//! record's key index against `schemas/incident.schema.json` itself (the one
//! truth for keys, enums and types) and reports each unknown key (with the
//! closest known one), each value outside an enum (with the closest allowed
//! one), each missing required key and each mapping/list/scalar in the place
//! of another, at its line and column.
//!
//! The walk only reports what serde also refuses: values serde may coerce
//! (a number where text is expected, `null` for an optional list) are left
//! to serde's own error.
use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

use super::store::did_you_mean;
use super::yaml::KeyIndex;
use crate::findings::RuleId;
use crate::findings::{Finding, Level};

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(super::create::INCIDENT_SCHEMA).expect("the shipped schema is JSON")
});

/// `#/$defs/name` references resolved against the shipped schema.
fn resolve(s: &Value) -> &Value {
    let mut s = s;
    for _ in 0..8 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/$defs/")
                .and_then(|n| SCHEMA.get("$defs").and_then(|d| d.get(n)))
            {
                Some(t) => s = t,
                None => return s,
            },
            None => return s,
        }
    }
    s
}

fn types(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn quoted(v: &[&str]) -> String {
    v.iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn last_name(path: &str) -> &str {
    let p = path.rsplit('.').next().unwrap_or(path);
    p.split('[').next().unwrap_or(p)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Null,
    Scalar,
}

fn describe(k: Kind) -> &'static str {
    match k {
        Kind::Map => "a mapping",
        Kind::Seq => "a list",
        Kind::Null => "nothing",
        Kind::Scalar => "a single value",
    }
}

fn expected(t: &[&str]) -> String {
    let words: Vec<&str> = t
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "object" => "a mapping (`key: value` lines)",
            "array" => "a list (`- item` lines or `[a, b]`)",
            "integer" => "a whole number",
            "number" => "a number",
            "boolean" => "true or false",
            _ => "text",
        })
        .collect();
    words.join(" or ")
}

/// Whether YAML reads `text` as an integer (decimal, `0x`, `0o`, a sign).
fn yaml_int(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    if let Some(h) = t.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = t.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

/// Whether YAML reads `text` as a float (`1.5`, `1e3`, `.inf`, `.nan`): the
/// impossible ones are refused later with their own message.
fn yaml_float(text: &str) -> bool {
    let t = text.trim();
    let special = t.trim_start_matches(['+', '-']).to_ascii_lowercase();
    matches!(special.as_str(), ".inf" | ".nan") || t.parse::<f64>().is_ok()
}

/// Every schema error the key index of `source` shows, for file `rel`, in
/// document order. Empty when the walk finds nothing (serde's own error
/// then stands alone).
pub fn schema_errors(rel: &str, source: &str, index: &KeyIndex) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut schemas: HashMap<&str, &Value> = HashMap::new();
    let at = |pos: super::yaml::Pos, message: String, help: String| {
        Finding::new(RuleId::Schema, Level::Error, message)
            .file(rel)
            .at(pos.line, pos.column)
            .help(help)
    };
    for path in index.paths() {
        let schema = if path.is_empty() {
            &*SCHEMA
        } else {
            let (parent, key) = match path.strip_suffix(']') {
                Some(p) => (&p[..p.rfind('[').unwrap_or(0)], None),
                None => match path.rfind('.') {
                    Some(i) => (&path[..i], Some(&path[i + 1..])),
                    None => ("", Some(path)),
                },
            };
            let Some(ps) = schemas.get(parent) else {
                continue; // Inside an unknown key or a refused value.
            };
            let child = match key {
                Some(k) => ps.get("properties").and_then(|p| p.get(k)),
                None => ps.get("items"),
            };
            match (child, key) {
                (Some(c), _) => resolve(c),
                (None, Some(k)) if ps.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    let known: Vec<&str> = ps
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|m| m.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let help = match did_you_mean(k, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("remove it, or use one of {}", quoted(&known)),
                    };
                    let pos = index.key(path).unwrap_or_else(|| index.nearest(path));
                    out.push(at(pos, format!("unknown key `{k}`"), help));
                    continue;
                }
                _ => continue,
            }
        };
        let Some(v) = index.value(path) else { continue };
        let kind = match &v.scalar {
            Some(s) if matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL") => Kind::Null,
            Some(_) => Kind::Scalar,
            None if source[v.pos.offset..].starts_with('[')
                || source[v.pos.offset..].starts_with("- ")
                || source[v.pos.offset..].starts_with("-\n")
                || source[v.pos.offset..].starts_with("-\r") =>
            {
                Kind::Seq
            }
            None => Kind::Map,
        };
        let t = types(schema);
        let name = if path.is_empty() {
            "the record"
        } else {
            last_name(path)
        };
        let fits = match kind {
            Kind::Null => true, // serde decides (an optional value may be empty).
            Kind::Map => t.is_empty() || t.contains(&"object"),
            Kind::Seq => t.is_empty() || t.contains(&"array"),
            Kind::Scalar => {
                t.is_empty()
                    || t.iter()
                        .any(|x| matches!(*x, "string" | "integer" | "number" | "boolean"))
            }
        };
        if !fits {
            out.push(at(
                v.pos,
                format!(
                    "wrong type for `{name}`: found {}, expected {}",
                    describe(kind),
                    expected(&t)
                ),
                format!("write `{name}` as {}", expected(&t)),
            ));
            continue;
        }
        if let (Kind::Scalar, Some(text)) = (kind, v.scalar.as_deref()) {
            let number_only = !t.is_empty()
                && t.iter()
                    .all(|x| matches!(*x, "integer" | "number" | "null"));
            let parses = if t.contains(&"integer") {
                yaml_int(text)
            } else {
                yaml_int(text) || yaml_float(text)
            };
            if number_only && !parses {
                out.push(at(
                    v.pos,
                    format!(
                        "wrong type for `{name}`: found `{text}`, expected {}",
                        expected(&t)
                    ),
                    format!("write `{name}` as a number, without quotes or units"),
                ));
                continue;
            }
            if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
                let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                if !allowed.contains(&text) {
                    let help = match did_you_mean(text, &allowed) {
                        Some(k) => format!("did you mean `{k}`? allowed: {}", quoted(&allowed)),
                        None => format!("use one of {}", quoted(&allowed)),
                    };
                    out.push(at(
                        v.pos,
                        format!("`{text}` is not an allowed value for `{name}`"),
                        help,
                    ));
                    continue;
                }
            }
        }
        if kind == Kind::Map {
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let child = if path.is_empty() {
                    r.to_string()
                } else {
                    format!("{path}.{r}")
                };
                if index.key(&child).is_none() {
                    out.push(at(
                        v.pos,
                        format!("missing required key `{r}`"),
                        format!("add `{r}:` to this mapping"),
                    ));
                }
            }
        }
        schemas.insert(path, schema);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numbers_are_numbers() {
        for t in ["12", "-3", "0x1A", "0o17", "+4"] {
            assert!(yaml_int(t), "{t}");
        }
        for t in ["many", "1.5", "0x", "12 USD", ""] {
            assert!(!yaml_int(t), "{t}");
        }
        for t in ["1.5", "1e3", ".inf", "-.Inf", ".NaN"] {
            assert!(yaml_float(t), "{t}");
        }
        assert!(!yaml_float("lots"));
    }
}
