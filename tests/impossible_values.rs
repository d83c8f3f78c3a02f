//! Issue 12, item 14: values no incident can have are `schema` findings
//! at their YAML position, never data. A resolution before detection gave
//! an MTTR of −318 h, `financial_usd: .nan` showed $0, a detection in 9999
//! passed the gate.
mod common;

use aeef::incident::store::parse_record;
use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

const HEAD: &str = "id: INC-2026-001\ntitle: t\nseverity: SEV-2\nstatus: resolved\ndetected_at: 2026-11-02T09:14:00Z\n";

/// The finding for `extra` appended to a valid head: (line, column, message).
fn refused(extra: &str) -> (u32, u32, String) {
    let src = format!("{HEAD}{extra}");
    let f = parse_record("incidents/INC-2026-001.yaml", src.as_bytes())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(f.rule, aeef::findings::RuleId::Schema);
    (f.line.unwrap(), f.column.unwrap(), f.message.clone())
}

// Guards: a milestone before detection is refused at its value (the
// −318 h MTTR of the issue).
#[test]
fn milestones_before_detection_are_schema_findings_at_the_value() {
    for key in ["acknowledged_at", "mitigated_at", "resolved_at"] {
        let (line, col, msg) = refused(&format!("{key}: 2026-10-19T11:00:00Z\n"));
        assert_eq!((line, col), (6, key.len() as u32 + 3), "{key}: {msg}");
        assert!(
            msg.contains(key) && msg.contains("before `detected_at`"),
            "{msg}"
        );
    }
    // The same instant in another offset is not "before".
    let same = format!("{HEAD}resolved_at: 2026-11-02T10:14:00+01:00\n");
    assert!(parse_record("x.yaml", same.as_bytes()).is_ok());
}

// Guards: NaN, infinities and negative amounts are not numbers a report
// may print ($0 for NaN, a huge negative for -.inf).
#[test]
fn nan_infinite_and_negative_amounts_are_schema_findings() {
    for (v, word) in [
        (".nan", "not a number"),
        (".NaN", "not a number"),
        (".inf", "infinite"),
        ("-.inf", "infinite"),
        ("-18400", "negative"),
    ] {
        let (line, col, msg) = refused(&format!("impact:\n  financial_usd: {v}\n"));
        assert_eq!((line, col), (7, 18), "{v}: {msg}");
        assert!(
            msg.contains("financial_usd") && msg.contains(word),
            "{v}: {msg}"
        );
    }
    for key in ["mttr_hours", "time_to_detect_hours"] {
        let (line, _, msg) = refused(&format!("metrics:\n  {key}: -318.2\n"));
        assert_eq!(line, 7, "{msg}");
        assert!(msg.contains(key) && msg.contains("negative"), "{msg}");
    }
    // A negative count is a type error of the unsigned field.
    let (line, _, _) = refused("impact:\n  users_affected: -5\n");
    assert_eq!(line, 7);
    // Zero is a real amount.
    let zero = format!("{HEAD}impact: {{financial_usd: 0, users_affected: 0}}\n");
    assert!(parse_record("x.yaml", zero.as_bytes()).is_ok());
}

fn repo_with(record: &str) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("incidents/INC-2026-001.yaml", record);
    r.commit("incident");
    r
}

fn check_json(r: &RepoBuilder, now: &str) -> (Option<i32>, Value) {
    let o = aeef(
        r.path(),
        &["incident", "check", "--format", "json", "--now", now],
    );
    let v = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|_| panic!("{} {}", stdout(&o), stderr(&o)));
    (o.status.code(), v)
}

// Guards: a detection in 9999 (or days after `--now`) is a typo, reported
// as `schema` at the value with exit 2, by check, gate and report alike.
#[test]
fn dates_in_the_far_future_are_schema_findings_with_exit_2() {
    let rec = "id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 9999-11-02T09:14:00Z\n";
    let r = repo_with(rec);
    let (code, v) = check_json(&r, "2026-11-03T00:00:00Z");
    assert_eq!(code, Some(2), "{v}");
    let f = &v["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("schema"), Some(5), Some(14)),
        "{v}"
    );
    assert!(f["message"].as_str().unwrap().contains("future"), "{f}");
    let gate = aeef(
        r.path(),
        &["gate", "--offline", "--now", "2026-11-03T00:00:00Z"],
    );
    assert_eq!(gate.status.code(), Some(2), "{}", stdout(&gate));
    let report = aeef(
        r.path(),
        &[
            "report",
            "--month",
            "2026-11",
            "--no-provenance",
            "--now",
            "2026-11-03T00:00:00Z",
        ],
    );
    assert_eq!(report.status.code(), Some(2), "{}", stderr(&report));
    assert!(stderr(&report).contains("future"), "{}", stderr(&report));

    // Two days ahead of the clock is refused; twelve hours is clock skew.
    let r = repo_with(&rec.replace("9999-11-02T09:14:00Z", "2026-11-05T00:00:00Z"));
    assert_eq!(check_json(&r, "2026-11-03T00:00:00Z").0, Some(2));
    assert_ne!(check_json(&r, "2026-11-04T12:00:00Z").0, Some(2));
}

// Guards the report itself: it refuses the record instead of printing a
// negative MTTR.
#[test]
fn report_never_shows_a_negative_mttr() {
    let r = repo_with(
        "id: INC-2026-001\ntitle: t\nseverity: SEV-2\nstatus: resolved\ndetected_at: 2026-11-15T09:00:00Z\nresolved_at: 2026-11-02T03:00:00Z\n",
    );
    let o = aeef(
        r.path(),
        &[
            "report",
            "--month",
            "2026-11",
            "--no-provenance",
            "--format",
            "json",
            "--now",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(!stdout(&o).contains("-318"), "{}", stdout(&o));
    // With `--format json` the refusal's findings are the JSON document on
    // stdout (one behaviour for unreadable records, README "Exit codes").
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verdict"], "error");
    assert!(
        v["findings"].to_string().contains("before `detected_at`"),
        "{v}"
    );
    assert!(
        stderr(&o).contains("aeef::incident::unreadable"),
        "{}",
        stderr(&o)
    );
}
