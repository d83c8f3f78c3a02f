//! Issue 14 item 4: three mistakes in one record took three runs. Every
//! error a record has is reported in one run, each at its line and column
//! with a "did you mean", by `incident check`, `gate --offline` and
//! `incident list` alike; a file whose name is not its id is a finding.
mod common;

use common::{RepoBuilder, aeef, stderr, stdout};

const NOW: &str = "2026-12-01T00:00:00Z";

/// A record with three mistakes: an enum value (line 4), an unknown key
/// (line 10) and another enum value (line 13).
const THREE_MISTAKES: &str = "id: INC-2026-001
title: Payment retry double-charges
severity: SEV-3
status: opne
detected_at: 2026-11-02T09:14:00Z
corrective_actions:
  - id: CA-1
    action: Add an idempotency key
    category: immediate-fix
    ownr: alice
  - id: CA-2
    action: Add a test
    category: test-improvment
";

fn repo_with(name: &str, text: &str) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    r.write(&format!("incidents/{name}"), text);
    r.commit("Record");
    r
}

fn three() -> String {
    THREE_MISTAKES.to_string()
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// The three `schema` findings, as (line, message, help).
fn schema_findings(v: &serde_json::Value) -> Vec<(u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_three(found: &[(u64, String, String)]) {
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].0, 4);
    assert!(found[0].1.contains("`opne`"), "{found:#?}");
    assert!(found[0].2.contains("did you mean `open`?"), "{found:#?}");
    assert_eq!(found[1].0, 10);
    assert!(found[1].1.contains("unknown key `ownr`"), "{found:#?}");
    assert!(found[1].2.contains("did you mean `owner`?"), "{found:#?}");
    assert_eq!(found[2].0, 13);
    assert!(found[2].1.contains("`test-improvment`"), "{found:#?}");
    assert!(
        found[2].2.contains("did you mean `test-improvement`?"),
        "{found:#?}"
    );
}

/// `incident check` and `gate --offline` report all three in one run and
/// exit 2 (nothing about the record can be decided).
#[test]
fn check_and_gate_report_every_schema_error_in_one_run() {
    let r = repo_with("INC-2026-001.yaml", &three());
    for args in [
        &["--format", "json", "incident", "check", "--now", NOW][..],
        &["--format", "json", "gate", "--offline", "--now", NOW],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_three(&schema_findings(&json(&o)));
    }
    // The human output shows each with its position.
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    let text = stdout(&o) + &stderr(&o);
    for at in [
        "INC-2026-001.yaml:4:",
        "INC-2026-001.yaml:10:",
        "INC-2026-001.yaml:13:",
    ] {
        assert!(text.contains(at), "{at}: {text}");
    }
}

/// `incident list` refuses an unreadable record, and lists all three.
#[test]
fn list_refuses_with_every_schema_error() {
    let r = repo_with("INC-2026-001.yaml", &three());
    let o = aeef(r.path(), &["--format", "json", "incident", "list"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_three(&schema_findings(&json(&o)));
    let o = aeef(r.path(), &["incident", "list"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for want in [
        "did you mean `open`?",
        "did you mean `owner`?",
        "did you mean `test-improvement`?",
    ] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

/// Mistakes serde never reaches (after its first error) and ones it does
/// not check (patterns, time zones) come together: a wrong type, a
/// missing required key, a bad commit id and a timestamp without a zone.
#[test]
fn types_required_keys_patterns_and_zones_come_together() {
    let text = "id: INC-2026-001
title: x
severity: SEV-3
detected_at: 2026-11-02T09:14:00
faulty_commits: [zzz]
impact: {users_affected: many}
timeline: {at: x}
";
    let all = aeef::incident::store::parse_record_all("x.yaml", text.as_bytes()).unwrap_err();
    let got: Vec<(u32, &str)> = all
        .iter()
        .map(|f| (f.line.unwrap(), f.message.as_str()))
        .collect();
    assert!(
        got.iter()
            .any(|(l, m)| *l == 1 && m.contains("missing required key `status`")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 4 && m.contains("no time zone")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 5 && m.contains("`zzz` is not a commit id")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 6 && m.contains("users_affected")),
        "{got:#?}"
    );
    assert!(
        got.iter()
            .any(|(l, m)| *l == 7 && m.contains("wrong type for `timeline`")),
        "{got:#?}"
    );
    // The first of them is what `parse_record` returns.
    let first = aeef::incident::store::parse_record("x.yaml", text.as_bytes()).unwrap_err();
    assert_eq!(first.line, Some(1));
}

/// A readable record in a file named after another id is a
/// `record-file-name` finding (DESIGN §3), in `incident check` and the gate.
#[test]
fn a_file_named_after_another_id_is_a_finding() {
    let text = "id: INC-2026-001
title: x
severity: SEV-4
status: open
detected_at: 2026-11-30T09:14:00Z
acknowledged_at: 2026-11-30T09:20:00Z
";
    let r = repo_with("INC-2026-002.yaml", text);
    for args in [
        &["--format", "json", "incident", "check", "--now", NOW][..],
        &["--format", "json", "gate", "--offline", "--now", NOW],
    ] {
        let o = aeef(r.path(), args);
        let v = json(&o);
        let f: Vec<&serde_json::Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "record-file-name")
            .collect();
        assert_eq!(f.len(), 1, "{args:?}: {v:#}");
        assert_eq!(f[0]["level"], "error");
        assert_eq!(f[0]["line"], 1);
        assert!(
            f[0]["help"]
                .as_str()
                .unwrap()
                .contains("git mv incidents/INC-2026-002.yaml incidents/INC-2026-001.yaml"),
            "{f:?}"
        );
        assert_eq!(o.status.code(), Some(1), "a verdict, not a refusal");
    }
    // The rule can be turned off like any other.
    std::fs::write(
        r.path().join(".aeef.yml"),
        "rules: {record-file-name: off}\n",
    )
    .unwrap();
    let o = aeef(
        r.path(),
        &["--format", "json", "incident", "check", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// The walk only speaks when serde refused the record, so on valid content
/// it must find nothing: every valid and rule fixture walks clean (a false
/// error there would be shown beside a real one).
#[test]
fn the_schema_walk_finds_nothing_in_valid_records() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/incidents");
    let mut n = 0;
    for sub in ["valid", "rules", "duplicate"] {
        for e in walkdir::WalkDir::new(root.join(sub)).into_iter().flatten() {
            if !e.file_type().is_file() {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            let index = aeef::incident::yaml::KeyIndex::build(&text).unwrap();
            let found = aeef::incident::validate::schema_errors("x.yaml", &text, &index);
            assert!(found.is_empty(), "{}: {found:#?}", e.path().display());
            n += 1;
        }
    }
    assert!(n > 10, "only {n} fixtures");
}

/// A record with mistakes at every depth (issue 14, retest): three
/// required keys missing from the record, from an action and from a
/// `day30` evaluation; an enum value at the top and one inside
/// `effectiveness.day30` (a `oneOf` in the schema); a count below the
/// schema's minimum; an unknown key beside them.
const EVERY_DEPTH: &str = "title: many mistakes
status: opne
impact:
  users_affected: -3
corrective_actions:
  - owner: alice
    effectiveness:
      day30: {note: x}
  - id: CA-2
    action: Add a test
    category: test-improvement
    verifed_by: bob
    effectiveness:
      day30:
        evaluated_at: 2026-11-20T00:00:00Z
        result: partially_effective
";

/// (line, message) of every `schema` finding, in order.
fn lines_and_messages(v: &serde_json::Value) -> Vec<(u64, String)> {
    schema_findings(v)
        .into_iter()
        .map(|(l, m, _)| (l, m))
        .collect()
}

/// Guards issue 14 item 4 for every kind the schema states: each missing
/// required key (three share the record's first position, three an
/// action's, two an evaluation's), each enum value at any depth, each
/// number bound and each unknown key, all in one run, each at its line,
/// with uniform messages — by `incident check`, `gate --offline` and
/// `incident list` alike, which stop with `aeef::incident::unreadable`.
#[test]
fn every_mistake_at_every_depth_is_reported_in_one_run() {
    let r = repo_with("INC-2026-053.yaml", EVERY_DEPTH);
    let want: &[(u64, &str)] = &[
        (1, "missing required key `id`"),
        (1, "missing required key `severity`"),
        (1, "missing required key `detected_at`"),
        (
            2,
            "`status`: `opne` is not one of open|mitigated|resolved|closed; did you mean `open`?",
        ),
        (
            4,
            "`impact.users_affected`: must be a whole number ≥ 0, found -3",
        ),
        (6, "missing required key `id` in `corrective_actions[0]`"),
        (
            6,
            "missing required key `action` in `corrective_actions[0]`",
        ),
        (
            6,
            "missing required key `category` in `corrective_actions[0]`",
        ),
        (
            8,
            "missing required key `evaluated_at` in `corrective_actions[0].effectiveness.day30`",
        ),
        (
            8,
            "missing required key `result` in `corrective_actions[0].effectiveness.day30`",
        ),
        (12, "unknown key `verifed_by`"),
        (
            16,
            "`corrective_actions[1].effectiveness.day30.result`: `partially_effective` is not one of effective|partially-effective|ineffective; did you mean `partially-effective`?",
        ),
    ];
    for args in [
        &["--format", "json", "incident", "check", "--now", NOW][..],
        &["--format", "json", "gate", "--offline", "--now", NOW],
        &["--format", "json", "incident", "list"],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let got = lines_and_messages(&json(&o));
        let got: Vec<(u64, &str)> = got.iter().map(|(l, m)| (*l, m.as_str())).collect();
        assert_eq!(got, want, "{args:?}");
    }
    // One code for unreadable records, whichever command meets them.
    for args in [
        &["incident", "check", "--now", NOW][..],
        &["incident", "list"],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains("aeef::incident::unreadable"), "{args:?}: {e}");
        assert!(!e.contains("aeef::usage"), "{args:?}: {e}");
    }
}
