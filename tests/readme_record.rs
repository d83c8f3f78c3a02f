//! The README's complete, annotated incident record is a test fixture
//! (issue 14, item 10): it is cut out of README.md, committed to a real
//! repository beside the faulty commit it names, and must pass
//! `aeef incident check` with no finding at all. It must also show every
//! field the schema knows, each top-level one with a comment, so the
//! README cannot drift from what aeef accepts or leave a field unexplained.
mod common;

use std::collections::BTreeSet;

use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

const README: &str = include_str!("../README.md");
const HEADING: &str = "### A complete record";

/// The first ```yaml block after the heading.
fn readme_record() -> &'static str {
    let from = README
        .find(HEADING)
        .unwrap_or_else(|| panic!("README.md has no `{HEADING}` section"));
    let rest = &README[from..];
    let start = rest.find("```yaml\n").expect("a ```yaml block") + "```yaml\n".len();
    let len = rest[start..].find("\n```").expect("the block ends") + 1;
    &rest[start..start + len]
}

/// The commit the record names: the AI commit of the retry code, built with
/// explicit author, date, content and trailers so its id is the same on
/// every machine.
fn build() -> (RepoBuilder, String) {
    let mut r = RepoBuilder::new();
    r.author("Dana Developer", "dana@example.com");
    r.write(
        "src/payments/retry.rs",
        "pub fn retry(charge: &Charge) -> Result<(), Error> {\n    gateway::charge(charge)\n}\n",
    );
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4-20250514")
        .trailer("AI-Prompt-Ref", "prompts/payments/retry.v2.1.0")
        .trailer("AI-Human-Modifications", "none");
    // Merged 2.5 h before detection (`time_to_detect_hours: 2.5`).
    r.at("2026-09-02T06:44:00Z");
    let sha = r.commit("Retry the payment on gateway timeout");
    (r, sha)
}

/// Commits `yaml` as INC-2026-007 (by bob, so his `verified_by` lines are
/// his own: the owners' own verification would not count) and returns the
/// exit code and the JSON of `aeef incident check`.
fn check(r: RepoBuilder, yaml: &str) -> (Option<i32>, Value) {
    check_at(r, yaml, Some(NOW))
}

/// The day the README record was last checked against (issue 14: a copy
/// failed on the day because two evaluations lay in the future).
const NOW: &str = "2026-11-30T03:00:00Z";

/// As [`check`], with `--now` when given, else the real clock.
fn check_at(mut r: RepoBuilder, yaml: &str, now: Option<&str>) -> (Option<i32>, Value) {
    r.author("Bob Reviewer", "bob@example.com");
    r.write("incidents/INC-2026-007.yaml", yaml);
    r.at("2026-10-22T12:00:00Z")
        .commit("incident: INC-2026-007");
    let mut args = vec!["incident", "check", "--format", "json"];
    if let Some(n) = now {
        args.extend(["--now", n]);
    }
    let o = aeef(r.path(), &args);
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&o), stderr(&o)));
    (o.status.code(), v)
}

#[test]
fn readme_record_passes_incident_check_with_no_finding() {
    let yaml = readme_record();
    let (r, sha) = build();
    let named = yaml
        .lines()
        .find_map(|l| l.strip_prefix("faulty_commits: ["))
        .and_then(|l| l.split(']').next())
        .expect("faulty_commits in the README record");
    assert!(
        sha.starts_with(named),
        "the README record names {named}; the fixture commit is {sha}: put its first 12 characters in the README"
    );
    let (code, v) = check(r, yaml);
    assert_eq!(v["findings"], serde_json::json!([]), "{v:#}");
    assert_eq!(code, Some(0));
}

/// Issue 14: the README record copied on the day it was read failed with
/// "`evaluated_at` … lies in the future". Checked with the real clock, no
/// moment of the record may lie ahead, and nothing makes it unreadable
/// (later, the pending 90-day evaluations may rightly fall due: that is a
/// policy finding, not a broken example).
#[test]
fn readme_record_has_no_future_moment_by_the_real_clock() {
    let (code, v) = check_at(build().0, readme_record(), None);
    let schema: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema")
        .collect();
    assert!(schema.is_empty(), "{v:#}");
    assert_ne!(code, Some(2), "{v:#}");
}

#[test]
fn a_broken_copy_of_the_readme_record_is_caught() {
    // Control: the check above is only worth something if the same run
    // does find a problem in this record. One category left → ca-categories.
    let yaml = readme_record().replace(
        "category: prompt-improvement",
        "category: test-improvement  ",
    );
    let (code, v) = check(build().0, &yaml);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["ca-categories"], "{v:#}");
    assert_eq!(code, Some(1));
}

/// Property names of every object in the schema, `$defs` included.
fn schema_properties() -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(p)) = m.get("properties") {
                    out.extend(p.keys().cloned());
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/incident.schema.json")).unwrap();
    let mut out = BTreeSet::new();
    walk(&schema, &mut out);
    out
}

#[test]
fn readme_record_shows_every_schema_field_with_comments() {
    let yaml = readme_record();
    // A key is shown when it appears as `key:` (also inside `{…}` flows or
    // a comment line, as the wont-do fields do).
    let missing: Vec<String> = schema_properties()
        .into_iter()
        .filter(|k| {
            !yaml.lines().any(|l| {
                let l = l
                    .trim_start()
                    .trim_start_matches("- ")
                    .trim_start_matches("# ");
                l.starts_with(&format!("{k}:"))
                    || l.contains(&format!("{{{k}:"))
                    || l.contains(&format!(", {k}:"))
            })
        })
        .collect();
    assert!(missing.is_empty(), "the README record lacks {missing:?}");
    let bare: Vec<&str> = yaml
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && !l.is_empty())
        .filter(|l| !l.contains(" # "))
        .collect();
    assert!(
        bare.is_empty(),
        "top-level fields without a comment: {bare:?}"
    );
    // Two categories of corrective action, each with owner, due date,
    // issue, verifier and an effectiveness result.
    for k in ["category: test-improvement", "category: prompt-improvement"] {
        assert!(yaml.contains(k), "{k}");
    }
    for k in [
        "owner:",
        "due:",
        "issue:",
        "verified_by:",
        "day30: {evaluated_at:",
    ] {
        assert_eq!(yaml.matches(k).count(), 2, "{k} in both actions");
    }
}
