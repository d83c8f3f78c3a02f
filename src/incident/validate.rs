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

/// `#/$defs/name` references resolved against the shipped schema; a
/// `oneOf` / `anyOf` of one schema and `{"type": "null"}` (an optional
/// mapping such as `effectiveness.day30`) resolves to that schema, so the
/// walk descends into it (an empty value is left to serde, as everywhere).
fn resolve(s: &Value) -> &Value {
    let mut s = s;
    for _ in 0..8 {
        if let Some(branches) = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array)
        {
            let mut real = branches.iter().filter(|b| types(b) != ["null"]);
            match (real.next(), real.next()) {
                (Some(one), None) => {
                    s = one;
                    continue;
                }
                _ => return s,
            }
        }
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
            // A block sequence's position is its first item's: known as a
            // sequence by that item (`path[0]`); a flow one (`[…]`, `[]`)
            // and one placed at its dash, by the text.
            None if index.value(&format!("{path}[0]")).is_some()
                || source[v.pos.offset..].starts_with('[')
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
                    out.push(enum_error(path, text, &allowed, |m, h| at(v.pos, m, h)));
                    continue;
                }
            }
            if number_only && let Some(problem) = bound_problem(schema, &t, text) {
                out.push(at(
                    v.pos,
                    format!("`{path}`: {problem}"),
                    format!(
                        "write `{name}` as {problem_fix}",
                        problem_fix = bound_fix(schema, &t)
                    ),
                ));
                continue;
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
                    let place = if path.is_empty() {
                        String::new()
                    } else {
                        format!(" in `{path}`")
                    };
                    out.push(at(
                        v.pos,
                        format!("missing required key `{r}`{place}"),
                        format!("add `{r}:` to this mapping"),
                    ));
                }
            }
        }
        schemas.insert(path, schema);
    }
    out
}

/// The one wording of a value outside an enum, for the walk and for
/// serde's own refusal: "`status`: `opne` is not one of
/// open|mitigated|resolved|closed; did you mean `open`?" (`path` is the
/// key's dotted path in the record).
pub(crate) fn enum_error(
    path: &str,
    text: &str,
    allowed: &[&str],
    make: impl FnOnce(String, String) -> Finding,
) -> Finding {
    let guess = did_you_mean(text, allowed);
    let mut message = format!("`{path}`: `{text}` is not one of {}", allowed.join("|"));
    if let Some(k) = guess {
        message.push_str(&format!("; did you mean `{k}`?"));
    }
    let help = match guess {
        Some(k) => format!("did you mean `{k}`? allowed: {}", quoted(allowed)),
        None => format!("use one of {}", quoted(allowed)),
    };
    make(message, help)
}

/// The schema's bounds (`minimum`, `exclusiveMinimum`, `maximum`,
/// `exclusiveMaximum`) as words: "a whole number ≥ 0".
fn bound_fix(schema: &Value, t: &[&str]) -> String {
    let mut words = if t.contains(&"integer") {
        "a whole number".to_string()
    } else {
        "a number".to_string()
    };
    for (key, sign) in [
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ] {
        if let Some(b) = schema.get(key).and_then(Value::as_f64) {
            words.push_str(&format!(" {sign} {b}"));
        }
    }
    words
}

/// "must be a whole number ≥ 0, found -3" when the number `text` lies
/// outside the schema's bounds; `None` when it is within them (or is no
/// plain number: serde and the loader judge `.nan` / `.inf`).
fn bound_problem(schema: &Value, t: &[&str], text: &str) -> Option<String> {
    let trimmed = text.trim();
    let v: f64 = if yaml_int(trimmed) {
        let sign = if trimmed.starts_with('-') { -1.0 } else { 1.0 };
        let digits = trimmed.trim_start_matches(['+', '-']);
        let n = if let Some(h) = digits.strip_prefix("0x") {
            u128::from_str_radix(h, 16).ok()? as f64
        } else if let Some(o) = digits.strip_prefix("0o") {
            u128::from_str_radix(o, 8).ok()? as f64
        } else {
            digits.parse::<f64>().ok()?
        };
        sign * n
    } else {
        trimmed.parse::<f64>().ok().filter(|v| v.is_finite())?
    };
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let outside = num("minimum").is_some_and(|b| v < b)
        || num("exclusiveMinimum").is_some_and(|b| v <= b)
        || num("maximum").is_some_and(|b| v > b)
        || num("exclusiveMaximum").is_some_and(|b| v >= b);
    outside.then(|| format!("must be {}, found {trimmed}", bound_fix(schema, t)))
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
