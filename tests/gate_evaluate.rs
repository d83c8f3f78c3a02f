//! The gate's decision as a pure function (issue 11, Deliver: "the gate's
//! decision as a pure function of records, verifications, the change and
//! options … with table-driven tests that need no git and no binary").
//! Every row builds records from YAML text, each action's verification as
//! the adapters would hand it over (`build_status` over a `Verification`),
//! a change, waivers and options, calls `aeef::gate::evaluate` and compares
//! the findings' (rule, level) and one message fragment.
use std::collections::{BTreeSet, HashMap};

use aeef::config::Config;
use aeef::findings::{Level, Report, Verdict};
use aeef::gate::{Change, ChangeCommit, Inputs, evaluate};
use aeef::github::status::{IssueState, ReasonCode, Verification, build_status};
use aeef::incident::policy::PolicyOptions;
use aeef::incident::store::{LoadedIncident, parse_record};
use aeef::provenance::Provenance;
use chrono::{DateTime, Utc};

const RESOLVED: &str = "id: INC-2026-001
title: Payment retry double-charges
severity: SEV-3
status: resolved
detected_at: 2026-11-02T09:14:00Z
acknowledged_at: 2026-11-02T09:30:00Z
resolved_at: 2026-11-03T09:30:00Z
rca: {defect: d, generation_context: g, validation_pipeline: v, human_review: h, process_environment: p}
root_cause: r
corrective_actions:
  - {id: CA-1, action: Add an idempotency key, category: immediate-fix, owner: alice, due: 2026-12-20, issue: 412}
  - {id: CA-2, action: Add a timeout test, category: test-improvement, owner: carol, due: 2026-12-20, issue: 413}
";

/// Before the due date, and after it (both actions overdue).
const BEFORE_DUE: &str = "2026-12-01T00:00:00Z";
const OVERDUE: &str = "2026-12-22T09:00:00Z";

/// How an action's verification came out, as the adapters decide it.
#[derive(Clone, Copy)]
struct Decided {
    ca: &'static str,
    verified: bool,
    code: ReasonCode,
    reason: &'static str,
}

const fn v(ca: &'static str, verified: bool, code: ReasonCode, reason: &'static str) -> Decided {
    Decided {
        ca,
        verified,
        code,
        reason,
    }
}

/// A change: the files it touches, a `Corrective-Action:` trailer, what it
/// verifies itself, and which waivers it adds.
#[derive(Clone, Copy, Default)]
struct ChangeSpec {
    files: &'static [&'static str],
    implements: Option<&'static str>,
    self_verified: Option<&'static str>,
    new_waivers: &'static [usize],
}

struct Case {
    name: &'static str,
    record: String,
    now: &'static str,
    /// `None`: no verification at hand (the records' claims count).
    statuses: Option<Vec<Decided>>,
    change: Option<ChangeSpec>,
    config: &'static str,
    fail_on_unverified: bool,
    want: Vec<(&'static str, &'static str)>,
    /// A finding of this rule whose message holds this text.
    message: Option<(&'static str, &'static str)>,
}

fn base(name: &'static str, now: &'static str) -> Case {
    Case {
        name,
        record: RESOLVED.to_string(),
        now,
        statuses: None,
        change: None,
        config: "",
        fail_on_unverified: false,
        want: Vec::new(),
        message: None,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn run(c: &Case) -> Vec<aeef::findings::Finding> {
    let rec: LoadedIncident =
        parse_record("incidents/INC-2026-001.yaml", c.record.as_bytes()).unwrap();
    let now = at(c.now);
    let statuses: Option<Vec<_>> = c.statuses.as_ref().map(|vs| {
        rec.incident
            .corrective_actions
            .iter()
            .map(|a| {
                let d = vs.iter().find(|x| x.ca == a.id).copied().unwrap_or(v(
                    "",
                    false,
                    ReasonCode::Open,
                    "the issue is open",
                ));
                let verification = Verification {
                    verified: d.verified,
                    verifier: d.verified.then(|| "dave".to_string()),
                    verified_at: d
                        .verified
                        .then(|| DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap()),
                    code: d.code,
                    reason: d.reason.to_string(),
                    assignees: Vec::new(),
                };
                let state = if d.verified {
                    IssueState::Closed
                } else {
                    IssueState::Open
                };
                build_status(&rec.incident, &rec.path, a, state, verification, now)
            })
            .collect()
    });
    let change = c.change.map(|s| Change {
        base: "b".repeat(40),
        head: "h".repeat(40),
        merge_base: "b".repeat(40),
        diff: Vec::new(),
        commits: vec![ChangeCommit {
            sha: "c".repeat(40),
            summary: "change".into(),
            provenance: Provenance::default(),
            files: s.files.iter().map(|f| f.to_string()).collect(),
            implements: s.implements.iter().map(|t| t.to_string()).collect(),
        }],
        files: s.files.iter().map(|f| f.to_string()).collect(),
        pr_text: None,
        self_verified: s
            .self_verified
            .iter()
            .map(|ca| ("INC-2026-001".to_string(), ca.to_string()))
            .collect(),
        new_waivers: s.new_waivers.iter().copied().collect(),
    });
    let cfg = Config::parse(c.config.as_bytes()).unwrap();
    let files: HashMap<String, BTreeSet<String>> = [(
        "INC-2026-001".to_string(),
        ["src/pay.rs".to_string()].into(),
    )]
    .into();
    let records = [rec];
    let inputs = Inputs {
        records: &records,
        statuses: statuses.as_deref(),
        change: change.as_ref(),
        incident_files: &files,
        waivers: &cfg.waivers,
    };
    let mut opts = PolicyOptions::new(now);
    opts.rules = cfg.rules.clone();
    opts.grace = cfg.grace;
    opts.fail_on_unverified = c.fail_on_unverified;
    evaluate(&inputs, opts)
}

fn cases() -> Vec<Case> {
    let overdue_both = vec![
        ("ca-unverified-overdue", "error"),
        ("ca-unverified-overdue", "error"),
    ];
    let verified_both = Some(vec![
        v(
            "CA-1",
            true,
            ReasonCode::Verified,
            "closed as completed by @dave",
        ),
        v(
            "CA-2",
            true,
            ReasonCode::Verified,
            "closed as completed by @dave",
        ),
    ]);
    let touch = ChangeSpec {
        files: &["src/pay.rs"],
        ..ChangeSpec::default()
    };
    let waiver = "waivers:\n  - {rule: ca-unverified-overdue, incident: INC-2026-001, corrective_action: CA-2, reason: vendor fix pending, approved_by: bob, expires: 2026-12-31}\n";
    let touch_waiver = "waivers:\n  - {rule: touches-open-incident, incident: INC-2026-001, reason: reviewed against the incident, approved_by: bob, expires: 2026-12-31}\n";
    vec![
        Case {
            want: vec![("ca-unverified", "warn"), ("ca-unverified", "warn")],
            ..base("not yet due: unverified actions are warnings", BEFORE_DUE)
        },
        Case {
            fail_on_unverified: true,
            want: vec![("ca-unverified", "error"), ("ca-unverified", "error")],
            ..base("--fail-on unverified makes them errors", BEFORE_DUE)
        },
        Case {
            want: overdue_both.clone(),
            message: Some(("ca-unverified-overdue", "2 days overdue")),
            ..base("past due and unverified: errors", OVERDUE)
        },
        Case {
            statuses: verified_both.clone(),
            want: vec![],
            ..base("verified from the issues: nothing", OVERDUE)
        },
        Case {
            // DESIGN §4: an open issue wins over the record's claim, and the
            // finding says why the claim does not count.
            record: RESOLVED.replace(
                "due: 2026-12-20, issue: 412}",
                "due: 2026-12-20, issue: 412, verified_by: dave, verified_at: 2026-12-01T10:00:00Z}",
            ),
            statuses: Some(vec![
                v("CA-1", false, ReasonCode::Open, "issue #412 is open"),
                v("CA-2", true, ReasonCode::Verified, "closed as completed by @dave"),
            ]),
            want: vec![("ca-unverified-overdue", "error")],
            message: Some(("ca-unverified-overdue", "issue #412 is open")),
            ..base("an open issue wins over a recorded verification", OVERDUE)
        },
        Case {
            // No verification at hand (no repository): the record's claim counts.
            record: RESOLVED.replace(
                "due: 2026-12-20, issue: 412}",
                "due: 2026-12-20, issue: 412, verified_by: dave, verified_at: 2026-12-01T10:00:00Z}",
            ),
            want: vec![("ca-unverified-overdue", "error")],
            ..base("without verification the record's claim counts", OVERDUE)
        },
        Case {
            // Issue 11.3: the owner verified (closed the issue / committed
            // the line) and the record names the owner: one finding, not two.
            record: RESOLVED.replace(
                "due: 2026-12-20, issue: 412}",
                "due: 2026-12-20, issue: 412, verified_by: alice, verified_at: 2026-12-01T10:00:00Z}",
            ),
            statuses: Some(vec![
                v("CA-1", false, ReasonCode::VerifiedByOwner, "closed by the owner @alice"),
                v("CA-2", true, ReasonCode::Verified, "closed as completed by @dave"),
            ]),
            // One cause, one finding: the owner's verification absorbs the
            // overdue one (its message keeps the days overdue).
            want: vec![("ca-verified-by-owner", "error")],
            ..base("owner verification is reported once", OVERDUE)
        },
        Case {
            statuses: Some(vec![v(
                "CA-1",
                false,
                ReasonCode::CommittedByOwner,
                "`verified_by` was committed by the owner",
            )]),
            want: vec![("ca-unverified", "warn"), ("ca-verified-by-owner", "error")],
            message: Some(("ca-verified-by-owner", "committed by the owner")),
            ..base("a verification committed by the owner is its own error", BEFORE_DUE)
        },
        Case {
            change: Some(touch),
            want: vec![
                ("ca-unverified", "warn"),
                ("ca-unverified", "warn"),
                ("touches-open-incident", "error"),
            ],
            message: Some(("touches-open-incident", "CA-1, CA-2 are not verified")),
            ..base("a change touching an open incident's file fails", BEFORE_DUE)
        },
        Case {
            change: Some(ChangeSpec {
                implements: Some("INC-2026-001/CA-1"),
                ..touch
            }),
            want: vec![
                ("ca-unverified", "warn"),
                ("ca-unverified", "warn"),
                ("touches-open-incident", "note"),
            ],
            message: Some(("touches-open-incident", "implements its corrective action CA-1")),
            ..base("a change that declares its action is acknowledged", BEFORE_DUE)
        },
        Case {
            statuses: verified_both.clone(),
            change: Some(touch),
            want: vec![],
            ..base("touching a fully verified incident is fine", BEFORE_DUE)
        },
        Case {
            // Verified by the change itself: still open for its own rule.
            statuses: verified_both.clone(),
            change: Some(ChangeSpec {
                self_verified: Some("CA-1"),
                ..touch
            }),
            want: vec![("touches-open-incident", "error")],
            ..base("a change cannot verify an incident and exempt itself", BEFORE_DUE)
        },
        Case {
            config: waiver,
            want: vec![
                ("ca-unverified-overdue", "error"),
                ("ca-unverified-overdue", "note"),
            ],
            message: Some(("ca-unverified-overdue", "approved by bob until 2026-12-31")),
            ..base("a waiver turns its finding into a note", OVERDUE)
        },
        Case {
            config: "waivers:\n  - {rule: ca-unverified-overdue, incident: INC-2026-001, corrective_action: CA-2, reason: r, approved_by: bob, expires: 2026-12-21}\n",
            want: {
                let mut w = overdue_both.clone();
                w.push(("waiver-expired", "error"));
                w
            },
            ..base("an expired waiver is an error and stops applying", OVERDUE)
        },
        Case {
            config: "waivers:\n  - {rule: ca-unverified-overdue, incident: INC-2026-001, corrective_action: CA-2, reason: r, approved_by: Carol, expires: 2026-12-31}\n",
            want: {
                let mut w = overdue_both.clone();
                w.push(("waiver-invalid", "error"));
                w
            },
            ..base("a waiver approved by the action's owner does not apply", OVERDUE)
        },
        Case {
            config: touch_waiver,
            change: Some(touch),
            want: vec![
                ("ca-unverified", "warn"),
                ("ca-unverified", "warn"),
                ("touches-open-incident", "note"),
            ],
            ..base("a merged waiver accepts the change's finding", BEFORE_DUE)
        },
        Case {
            config: touch_waiver,
            change: Some(ChangeSpec {
                new_waivers: &[0],
                ..touch
            }),
            want: vec![
                ("ca-unverified", "warn"),
                ("ca-unverified", "warn"),
                ("touches-open-incident", "error"),
            ],
            ..base("a waiver the change adds does not accept its own finding", BEFORE_DUE)
        },
        Case {
            // Issue 11.1: a fresh SEV-1 without post-mortem or actions.
            record: "id: INC-2026-001\ntitle: Checkout down\nseverity: SEV-1\nstatus: open\ndetected_at: 2026-12-01T08:00:00Z\nacknowledged_at: 2026-12-01T08:05:00Z\n".into(),
            now: "2026-12-01T09:00:00Z",
            want: vec![("ca-categories", "warn"), ("postmortem-missing", "warn")],
            message: Some(("postmortem-missing", "grace: a warning until 5bd after resolution")),
            ..base("a fresh incident's rules are in grace", BEFORE_DUE)
        },
        Case {
            config: "rules: {ca-unverified-overdue: warn, waiver-expired: off}\n",
            want: vec![
                ("ca-unverified-overdue", "warn"),
                ("ca-unverified-overdue", "warn"),
            ],
            ..base("config levels apply to the gate's findings", OVERDUE)
        },
    ]
}

#[test]
fn the_gate_decides_each_row_of_the_table() {
    let mut failures = Vec::new();
    for c in cases() {
        let findings = run(&c);
        let mut got: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.rule.to_string(), f.level.as_str().to_string()))
            .collect();
        got.sort();
        let mut want: Vec<(String, String)> = c
            .want
            .iter()
            .map(|(r, l)| (r.to_string(), l.to_string()))
            .collect();
        want.sort();
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", c.name));
            continue;
        }
        if let Some((rule, text)) = c.message
            && !findings
                .iter()
                .any(|f| f.rule.as_str() == rule && f.message.contains(text))
        {
            failures.push(format!(
                "{}: no {rule} finding says `{text}`: {:?}",
                c.name,
                findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        // The verdict is a function of the levels: fail iff an error.
        let report = Report { findings };
        let fails = want.iter().any(|(_, l)| l == "error");
        assert_eq!(
            report.verdict() == Verdict::Fail,
            fails,
            "{}: verdict",
            c.name
        );
        assert!(report.findings.iter().all(|f| f.level != Level::Off));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
