//! The gate teams keep switching on (issue 11): grace for a fresh incident,
//! acknowledged corrective-action changes, waivers, approved `wont-do`, and
//! one answer for the same records whatever the path (check, gate, report).
mod common;

use common::{RepoBuilder, aeef, aeef_env, stderr, stdout};
use serde_json::Value;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {} {}", stdout(o), stderr(o)))
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// A repository with a faulty commit on src/pay.rs and `record` (with
/// `{short}` replaced by that commit) committed by an incident lead.
fn repo_with_record(record: &str) -> (RepoBuilder, String, String) {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    r.write("src/pay.rs", "a\nb\nc\n");
    let faulty = r.commit("Add payment retry");
    let base = r.head();
    r.write(
        "incidents/INC-2026-001.yaml",
        &record.replace("{short}", &faulty[..8]),
    );
    r.author("Lead", "lead@example.com");
    r.commit("Open INC-2026-001");
    r.author("Alice Human", "alice@example.com");
    (r, faulty, base)
}

const FRESH_SEV1: &str = "id: INC-2026-001
title: Checkout down
severity: SEV-1
status: open
detected_at: 2026-11-29T08:00:00Z
acknowledged_at: 2026-11-29T08:05:00Z
faulty_commits: [{short}]
";

/// Issue 11.1: opening a SEV-1 must not block the hotfix for it. While the
/// incident is open the post-mortem and corrective-action rules are
/// warnings that name their grace; after resolution + 5 business days they
/// are errors again.
#[test]
fn a_fresh_incident_does_not_block_its_own_hotfix() {
    let (r, _, base) = repo_with_record(FRESH_SEV1);
    let (o, head) = {
        let mut r = r;
        r.write("src/pay.rs", "a\nb fixed\nc\n");
        let head = r.commit("Hotfix checkout");
        let o = aeef(
            r.path(),
            &[
                "gate",
                "--format",
                "json",
                "--now",
                "2026-11-29T09:00:00Z",
                "--base",
                &base,
                "--head",
                &head,
            ],
        );
        (o, (r, head))
    };
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    for rule in ["postmortem-missing", "ca-categories"] {
        let f = findings(&v, rule);
        assert_eq!(f.len(), 1, "{v:#}");
        assert_eq!(f[0]["level"], "warn");
        assert!(
            f[0]["message"].as_str().unwrap().contains("grace"),
            "{}",
            f[0]["message"]
        );
    }
    // Resolved on Sunday 2026-11-29: the grace is the five business days
    // after it (Monday to Friday); then the rules bite again.
    let (mut r, _) = head;
    let p = r.path().join("incidents/INC-2026-001.yaml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "status: open",
        "status: resolved\nresolved_at: 2026-11-29T10:00:00Z",
    );
    r.write("incidents/INC-2026-001.yaml", &t);
    r.author("Lead", "lead@example.com");
    r.commit("Resolve INC-2026-001");
    let check = |now: &str| {
        let o = aeef(
            r.path(),
            &["incident", "check", "--format", "json", "--now", now],
        );
        (o.status.code(), json(&o))
    };
    let (code, v) = check("2026-12-04T09:00:00Z");
    assert_eq!(code, Some(0), "inside grace: {v:#}");
    assert!(
        findings(&v, "postmortem-missing")[0]["message"]
            .as_str()
            .unwrap()
            .contains("until 2026-12-05 00:00 UTC")
    );
    let (code, v) = check("2026-12-08T09:00:00Z");
    assert_eq!(code, Some(1), "after grace: {v:#}");
    assert_eq!(findings(&v, "postmortem-missing")[0]["level"], "error");
    assert_eq!(findings(&v, "ca-categories")[0]["level"], "error");
}

const OPEN_ACTIONS: &str = "id: INC-2026-001
title: Payment retry double-charges
severity: SEV-3
status: resolved
detected_at: 2026-11-02T09:14:00Z
acknowledged_at: 2026-11-02T09:30:00Z
resolved_at: 2026-11-03T09:30:00Z
faulty_commits: [{short}]
rca: {defect: d, generation_context: g, validation_pipeline: v, human_review: h, process_environment: p}
root_cause: r
corrective_actions:
  - id: CA-1
    action: Add an idempotency key
    category: immediate-fix
    owner: alice
    due: 2026-12-20
    issue: 412
  - id: CA-2
    action: Add a timeout test
    category: test-improvement
    owner: carol
    due: 2026-12-20
";

/// Issue 11.2: the change that implements a corrective action touches the
/// incident's files and must be able to merge before the action can be
/// verified. Declared by a `Corrective-Action:` trailer or, in a pull
/// request, the action's issue or id in the title or body: a note, not an
/// error. Undeclared: still an error.
#[test]
fn a_change_that_implements_a_corrective_action_is_acknowledged() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let base = r.head();
    r.write("src/pay.rs", "a\nb with idempotency key\nc\n");
    r.trailer("Corrective-Action", "INC-2026-001/CA-1");
    let head = r.commit("Add idempotency key");
    let now = "2026-11-29T09:00:00Z";
    let o = aeef(
        r.path(),
        &[
            "gate", "--format", "json", "--now", now, "--base", &base, "--head", &head,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    let f = findings(&v, "touches-open-incident");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["level"], "note");
    assert_eq!(f[0]["corrective_action"], "CA-1");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("Corrective-Action")
    );

    // No declaration: an error that says how to declare.
    r.write("src/pay.rs", "a\nb refactored\nc\n");
    let head2 = r.commit("Refactor payments");
    let o = aeef(
        r.path(),
        &[
            "gate", "--format", "json", "--now", now, "--base", &head, "--head", &head2,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let f = findings(&v, "touches-open-incident");
    assert_eq!(f[0]["level"], "error");
    assert!(
        f[0]["help"]
            .as_str()
            .unwrap()
            .contains("Corrective-Action: INC-2026-001/")
    );

    // The same change in a pull request whose body says `Fixes #412`.
    let event = r.path().join("event.json");
    std::fs::write(
        &event,
        serde_json::json!({"pull_request": {
            "title": "Refactor payments",
            "body": "Part of the incident follow-up.\n\nFixes #412",
            "base": {"sha": head}, "head": {"sha": head2}
        }})
        .to_string(),
    )
    .unwrap();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", now, "--offline"],
        &[("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(findings(&v, "touches-open-incident")[0]["level"], "note");
    // An HTML entity or another repository's issue is no reference.
    std::fs::write(
        &event,
        serde_json::json!({"pull_request": {
            "title": "Refactor", "body": "see &#412; and other/repo#412",
            "base": {"sha": head}, "head": {"sha": head2}
        }})
        .to_string(),
    )
    .unwrap();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", now, "--offline"],
        &[("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

/// Issue 11.6: a finding can be accepted on purpose, never silently: a
/// waiver turns it into a note naming the waiver; an expired waiver is
/// `waiver-expired` and stops applying; one approved by the owner of the
/// action it covers is `waiver-invalid` and does not apply.
#[test]
fn waivers_accept_a_finding_with_an_approver_until_they_expire() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let waiver = |approver: &str, expires: &str| {
        format!(
            "waivers:\n  - rule: ca-unverified-overdue\n    incident: INC-2026-001\n    corrective_action: CA-2\n    reason: blocked on the vendor's fix\n    approved_by: {approver}\n    expires: {expires}\n"
        )
    };
    let check = |r: &RepoBuilder| {
        let o = aeef(
            r.path(),
            &[
                "incident",
                "check",
                "--format",
                "json",
                "--now",
                "2026-12-22T09:00:00Z",
            ],
        );
        (o.status.code(), json(&o))
    };
    // Both actions are overdue on 2026-12-22.
    let (code, v) = check(&r);
    assert_eq!(
        (code, findings(&v, "ca-unverified-overdue").len()),
        (Some(1), 2)
    );

    r.write(".aeef.yml", &waiver("bob", "2026-12-31"));
    let (code, v) = check(&r);
    let f = findings(&v, "ca-unverified-overdue");
    let ca2 = f.iter().find(|f| f["corrective_action"] == "CA-2").unwrap();
    assert_eq!(ca2["level"], "note");
    assert!(
        ca2["message"]
            .as_str()
            .unwrap()
            .contains("approved by bob until 2026-12-31")
    );
    let ca1 = f.iter().find(|f| f["corrective_action"] == "CA-1").unwrap();
    assert_eq!(ca1["level"], "error", "a waiver for CA-2 leaves CA-1 alone");
    assert_eq!(code, Some(1));

    r.write(".aeef.yml", &waiver("bob", "2026-12-01"));
    let (_, v) = check(&r);
    assert_eq!(findings(&v, "waiver-expired").len(), 1);
    assert!(
        findings(&v, "ca-unverified-overdue")
            .iter()
            .all(|f| f["level"] == "error")
    );

    r.write(".aeef.yml", &waiver("'@Carol'", "2026-12-31"));
    let (_, v) = check(&r);
    assert_eq!(findings(&v, "waiver-invalid").len(), 1, "{v:#}");
    assert!(
        findings(&v, "ca-unverified-overdue")
            .iter()
            .all(|f| f["level"] == "error")
    );
}

/// DESIGN §3: `wont-do` without an approver other than the owner and a
/// reason is `ca-wont-do-unapproved` and the action still counts as open
/// (overdue); approved, it closes the action everywhere.
#[test]
fn wont_do_needs_an_approver_other_than_the_owner() {
    let rec = OPEN_ACTIONS.replace(
        "    owner: carol\n    due: 2026-12-20\n",
        "    owner: carol\n    due: 2026-12-20\n    status: wont-do\n",
    );
    let (mut r, faulty, _) = repo_with_record(&rec);
    let check = |r: &RepoBuilder| {
        let o = aeef(
            r.path(),
            &[
                "incident",
                "check",
                "--format",
                "json",
                "--now",
                "2026-12-22T09:00:00Z",
            ],
        );
        json(&o)
    };
    let v = check(&r);
    assert_eq!(findings(&v, "ca-wont-do-unapproved").len(), 1);
    assert!(
        findings(&v, "ca-unverified-overdue")
            .iter()
            .any(|f| f["corrective_action"] == "CA-2")
    );
    let approved = rec.replace(
        "    status: wont-do\n",
        "    status: wont-do\n    approved_by: dave\n    reason: superseded by the gateway's own idempotency\n",
    );
    r.write(
        "incidents/INC-2026-001.yaml",
        &approved.replace("{short}", &faulty[..8]),
    );
    let v = check(&r);
    assert!(findings(&v, "schema").is_empty(), "{v:#}");
    // CA-1 is still overdue: the checks ran.
    assert!(
        findings(&v, "ca-unverified-overdue")
            .iter()
            .any(|f| f["corrective_action"] == "CA-1"),
        "{v:#}"
    );
    assert!(findings(&v, "ca-wont-do-unapproved").is_empty());
    assert!(
        findings(&v, "ca-unverified-overdue")
            .iter()
            .all(|f| f["corrective_action"] != "CA-2")
    );
}

/// Issue 11.4: a resolved SEV-2 with no `mitigated_at`, resolved within the
/// mitigate limit, met its mitigate SLA in `incident check` and in `report`
/// alike (the report used to count a miss).
#[test]
fn check_and_report_agree_on_the_mitigate_sla() {
    let rec = "id: INC-2026-001
title: t
severity: SEV-2
status: resolved
detected_at: 2026-11-02T09:00:00Z
acknowledged_at: 2026-11-02T09:10:00Z
resolved_at: 2026-11-02T12:00:00Z
faulty_commits: [{short}]
";
    let (r, _, _) = repo_with_record(rec);
    let o = aeef(
        r.path(),
        &[
            "incident",
            "check",
            "--format",
            "json",
            "--now",
            "2026-11-03T00:00:00Z",
        ],
    );
    let v = json(&o);
    assert!(findings(&v, "schema").is_empty(), "{v:#}");
    assert!(findings(&v, "sla-mitigate").is_empty());
    let o = aeef(
        r.path(),
        &[
            "report",
            "--month",
            "2026-11",
            "--format",
            "json",
            "--now",
            "2026-11-03T00:00:00Z",
        ],
    );
    let v = json(&o);
    assert_eq!(v["sla_compliance"]["mitigate"], 1.0, "{v:#}");
}

/// Issue 11.5: a bare repository has no work tree; the gate used to read
/// nothing, find 0 records and pass. Every reading command now reads the
/// records from the tree of HEAD (or `--rev`) and says which revision.
#[test]
fn a_bare_repository_reads_records_from_head_and_fails_closed() {
    let (r, _, _) = repo_with_record(OPEN_ACTIONS);
    let bare = tempfile::tempdir().unwrap();
    let dst = bare.path().join("repo.git");
    common::git_in(
        bare.path(),
        &[
            "clone",
            "-q",
            "--bare",
            r.path().to_str().unwrap(),
            dst.to_str().unwrap(),
        ],
    );
    let now = "2026-12-22T09:00:00Z";
    let o = aeef(
        &dst,
        &["gate", "--offline", "--format", "json", "--now", now],
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(findings(&json(&o), "ca-unverified-overdue").len(), 2);
    assert!(
        stderr(&o).contains("from the tree of HEAD"),
        "{}",
        stderr(&o)
    );
    let o = aeef(
        &dst,
        &["incident", "check", "--format", "json", "--now", now],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = aeef(
        &dst,
        &["incident", "list", "--format", "json", "--now", now],
    );
    assert!(stdout(&o).contains("INC-2026-001"), "{}", stdout(&o));

    // `--rev` in a work tree: the records of an older revision.
    let mut r = r;
    let before = r.head();
    r.remove("incidents/INC-2026-001.yaml");
    r.commit("Drop the record");
    let o = aeef(
        r.path(),
        &["incident", "list", "--format", "json", "--now", now],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let _ = json(&o);
    assert!(!stdout(&o).contains("INC-2026-001"));
    let o = aeef(
        r.path(),
        &[
            "--rev", &before, "incident", "list", "--format", "json", "--now", now,
        ],
    );
    assert!(stdout(&o).contains("INC-2026-001"), "{}", stdout(&o));
    assert!(stderr(&o).contains(&before[..12]), "{}", stderr(&o));
}

/// Issue 11.4 (found by a fresh user): a `verified_by: bob` that the owner
/// committed counted as verified in `incident list/show`, `report` and
/// `postmortem` while `incident check` and the gate said "not verified,
/// overdue". Every command now asks the same verification.
#[test]
fn every_command_agrees_on_a_self_verified_action() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let p = r.path().join("incidents/INC-2026-001.yaml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "    due: 2026-12-20\n    issue: 412\n",
        "    due: 2026-12-20\n    issue: 412\n    verified_by: bob\n    verified_at: 2026-12-01T10:00:00Z\n",
    );
    r.write("incidents/INC-2026-001.yaml", &t);
    // alice owns CA-1 and commits bob's name herself.
    r.author("Alice Human", "alice@example.com");
    r.commit("Verify CA-1");
    let now = "2026-12-22T09:00:00Z";
    let run = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--now", now]);
        aeef(r.path(), &a)
    };
    let o = run(&["incident", "check", "--format", "json"]);
    let check = json(&o);
    // Overdue, said by the one finding of its cause (issue 11 fix item 4).
    assert!(
        findings(&check, "ca-verified-by-owner").iter().any(|f| {
            f["corrective_action"] == "CA-1"
                && f["message"].as_str().unwrap().contains("days overdue")
        }),
        "{check:#}"
    );
    let o = run(&["incident", "list", "--format", "json"]);
    let list = json(&o);
    assert_eq!(list["incidents"][0]["overdue_actions"], 2, "{list:#}");
    let o = run(&["incident", "show", "INC-2026-001", "--format", "json"]);
    assert!(
        stdout(&o).contains("\"overdue_actions\": 2"),
        "{}",
        stdout(&o)
    );
    let o = run(&["report", "--month", "2026-11", "--format", "json"]);
    let rep = json(&o);
    assert_eq!(rep["corrective_actions"]["verified"], 0, "{rep:#}");
    let o = run(&["postmortem", "INC-2026-001"]);
    assert!(stdout(&o).contains("does not count"), "{}", stdout(&o));
    // The stakeholder notification lists it among the open actions too.
    let o = run(&["incident", "notify", "INC-2026-001", "--format", "json"]);
    let n = json(&o);
    assert!(n.to_string().contains("\"CA-1\""), "{n:#}");
}

/// Found by a fresh user: a folder named `*.yaml` was refused in a work
/// tree but walked into when the records came from a revision's tree, so
/// the same commit passed in a bare repository. Both refuse it now.
#[test]
fn a_folder_named_like_a_record_is_refused_at_a_revision_too() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2026-007.yaml/rec.yaml",
        "id: INC-2026-007\ntitle: x\nseverity: SEV-4\nstatus: open\ndetected_at: 2026-11-27T00:00:00Z\n",
    );
    r.commit("records");
    let now = "2026-11-28T00:00:00Z";
    let o = aeef(r.path(), &["gate", "--offline", "--now", now]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = aeef(
        r.path(),
        &["--rev", "HEAD", "gate", "--offline", "--now", now],
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("is a directory"), "{}", stdout(&o));
}

/// Found by a fresh user: `incident new` numbered above the file names
/// only, so a record whose file is named otherwise (`payments-outage.yaml`
/// holding `id: INC-2026-010`) got its id handed out again.
#[test]
fn incident_new_numbers_above_the_ids_inside_records() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/payments-outage.yaml",
        "id: INC-2026-010\ntitle: x\nseverity: SEV-4\nstatus: open\ndetected_at: 2026-11-27T00:00:00Z\n",
    );
    r.commit("records");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            "HEAD",
            "--severity",
            "SEV-4",
            "--title",
            "next",
            "--detected-at",
            "2026-11-28T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        r.path().join("incidents/INC-2026-011.yaml").is_file(),
        "{}",
        stdout(&o)
    );
}

/// Found by a fresh user: a pull request could write `verified_by: bob`
/// into the record (commit authors are whatever the PR says) and touch the
/// incident's files in the same change, and the gate passed. What a change
/// itself verifies, declines or waives does not exempt that change; it
/// counts once merged, after review.
#[test]
fn a_change_cannot_verify_an_incident_and_exempt_itself() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let base = r.head();
    let p = r.path().join("incidents/INC-2026-001.yaml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "    issue: 412\n",
        "    issue: 412\n    verified_by: bob\n    verified_at: 2026-11-27T00:00:00Z\n",
    );
    r.write("incidents/INC-2026-001.yaml", &t);
    r.write("src/pay.rs", "a\nb // sneaky\nc\n");
    r.author("bob", "bob@example.com");
    let head = r.commit("tweak");
    let now = "2026-11-28T00:00:00Z";
    let o = aeef(
        r.path(),
        &[
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            now,
            "--base",
            &base,
            "--head",
            &head,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    assert_eq!(findings(&v, "touches-open-incident")[0]["level"], "error");
    // The same for a waiver the change adds for its own finding.
    let mut r2 = repo_with_record(OPEN_ACTIONS).0;
    let base = r2.head();
    r2.write(
        ".aeef.yml",
        "waivers:\n  - {rule: touches-open-incident, incident: INC-2026-001, reason: trust me, approved_by: bob, expires: 2026-12-31}\n",
    );
    r2.write("src/pay.rs", "a\nb // sneaky\nc\n");
    let head = r2.commit("tweak");
    let o = aeef(
        r2.path(),
        &[
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            now,
            "--base",
            &base,
            "--head",
            &head,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    // Once merged, the next change is waived.
    r2.write("src/pay.rs", "a\nb // later\nc\n");
    let later = r2.commit("later");
    let o = aeef(
        r2.path(),
        &[
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            now,
            "--base",
            &head,
            "--head",
            &later,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    assert_eq!(findings(&v, "touches-open-incident")[0]["level"], "note");
}

/// Found by a fresh user: `--format github` annotations and the report's
/// CSV passed terminal escapes from commit text through, and a tool named
/// `=HYPERLINK(…)` became a spreadsheet formula.
#[test]
fn github_annotations_and_csv_neutralise_hostile_commit_text() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    let base = r.commit("base");
    r.write("a.txt", "b\n");
    let head = r.commit(
        "Innocent \u{1b}[1A\u{1b}[2K\u{1b}]52;c;ZXZpbA==\u{7}\n\nAI-Tool: claude\u{1b}[2Kcode",
    );
    let o = aeef(
        r.path(),
        &[
            "--format",
            "github",
            "gate",
            "--offline",
            "--base",
            &base,
            "--head",
            &head,
        ],
    );
    let out = stdout(&o);
    assert!(out.contains("::error"), "{out}{}", stderr(&o));
    assert!(
        out.contains("Innocent"),
        "the hostile subject is shown, escaped: {out}"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    r.trailer("AI-Tool", "=HYPERLINK(\"http://evil/\")");
    r.write("a.txt", "c\n");
    r.commit("formula");
    let o = aeef(
        r.path(),
        &[
            "report",
            "--since",
            "2000-01-01",
            "--until",
            "2100-01-01",
            "--format",
            "csv",
        ],
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.contains("provenance_commits"), "{out}");
    assert!(
        out.to_lowercase().contains("hyperlink"),
        "the formula commit is reported: {out}"
    );
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.lines().all(|l| !l
            .split(',')
            .any(|c| c.trim_start_matches('"').starts_with('='))),
        "{out}"
    );
}

/// Found by a fresh user: the gate's human summary said "0 errors, 3
/// warnings" whether a warning was a real one or an error held back by
/// grace, and waived or acknowledged findings were easy to miss. The
/// summary counts errors, warnings and notes apart and says what softened
/// them, in the human, GitHub and Markdown summaries alike.
#[test]
fn the_gate_summary_counts_grace_waivers_and_acknowledgements_apart() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    // A fresh SEV-1 without a post-mortem or actions: two errors in grace.
    r.write(
        "incidents/INC-2026-002.yaml",
        "id: INC-2026-002\ntitle: Checkout down\nseverity: SEV-1\nstatus: open\ndetected_at: 2026-12-22T08:00:00Z\nacknowledged_at: 2026-12-22T08:05:00Z\n",
    );
    // Both actions of INC-2026-001 are overdue on 2026-12-22: waived.
    r.write(
        ".aeef.yml",
        "waivers:\n  - {rule: ca-unverified-overdue, incident: INC-2026-001, reason: vendor fix pending, approved_by: bob, expires: 2026-12-31}\n",
    );
    r.author("Lead", "lead@example.com");
    r.commit("Open INC-2026-002; waive the overdue actions");
    let base = r.head();
    r.write("src/pay.rs", "a\nb with idempotency key\nc\n");
    r.trailer("Corrective-Action", "INC-2026-001/CA-1");
    let head = r.commit("Add idempotency key");
    let gate = |format: &str| {
        aeef(
            r.path(),
            &[
                "gate",
                "--offline",
                "--format",
                format,
                "--now",
                "2026-12-22T09:00:00Z",
                "--base",
                &base,
                "--head",
                &head,
            ],
        )
    };
    let o = gate("json");
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    let levels = |rule: &str| -> Vec<String> {
        findings(&v, rule)
            .iter()
            .map(|f| f["level"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(levels("ca-unverified-overdue"), ["note", "note"], "{v:#}");
    assert_eq!(levels("touches-open-incident"), ["note"]);
    assert_eq!(levels("postmortem-missing"), ["warn"]);
    assert_eq!(levels("ca-categories"), ["warn"]);
    assert_eq!(levels("ca-not-filed"), ["warn"]);
    let want = "0 errors, 3 warnings (2 in grace), 3 notes (2 waived, 1 acknowledged)";
    let o = gate("human");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().last(), Some(want), "{}", stdout(&o));
    let o = gate("github");
    assert!(
        stdout(&o).contains(&format!("pass ({want})")),
        "{}",
        stdout(&o)
    );
    let o = gate("markdown");
    assert!(
        stdout(&o)
            .contains("· 0 errors · 3 warnings (2 in grace) · 3 notes (2 waived, 1 acknowledged)"),
        "{}",
        stdout(&o)
    );
}

/// Issue 11.3: `incident check` and the gate disagreed on a `verified_by`
/// that the action's owner committed, and the gate reported that action
/// twice. Both now say the same: not verified (overdue), and one
/// `ca-verified-by-owner` where the record names the owner.
#[test]
fn check_and_gate_agree_on_an_owner_committed_verification_and_report_it_once() {
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let p = r.path().join("incidents/INC-2026-001.yaml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "    due: 2026-12-20\n    issue: 412\n",
        "    due: 2026-12-20\n    issue: 412\n    verified_by: alice\n    verified_at: 2026-12-01T10:00:00Z\n",
    );
    r.write("incidents/INC-2026-001.yaml", &t);
    r.author("Alice Human", "alice@example.com");
    r.commit("Verify CA-1 myself");
    let now = "2026-12-22T09:00:00Z";
    let dir = r.path().to_path_buf();
    let by_rule = |args: &[&str]| {
        let o = aeef(&dir, args);
        let v = json(&o);
        let mut got: Vec<(String, String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["corrective_action"] == "CA-1")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["level"].as_str().unwrap().to_string(),
                    f["corrective_action"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        got.sort();
        (o.status.code(), got)
    };
    let check = by_rule(&["incident", "check", "--format", "json", "--now", now]);
    let gate = by_rule(&["gate", "--offline", "--format", "json", "--now", now]);
    assert_eq!(check, gate, "check and gate disagree");
    let rules: Vec<&str> = gate.1.iter().map(|(r, _, _)| r.as_str()).collect();
    // One cause, one finding (issue 11 fix item 4): the owner's
    // verification absorbs the overdue finding.
    assert_eq!(rules, ["ca-verified-by-owner"]);
    assert_eq!(gate.0, Some(1));

    // The record names bob, but alice (the owner) committed the line.
    let t = std::fs::read_to_string(&p)
        .unwrap()
        .replace("verified_by: alice", "verified_by: bob");
    r.write("incidents/INC-2026-001.yaml", &t);
    r.commit("Name bob as the verifier");
    let check = by_rule(&["incident", "check", "--format", "json", "--now", now]);
    let gate = by_rule(&["gate", "--offline", "--format", "json", "--now", now]);
    assert_eq!(check, gate, "check and gate disagree");
    // One finding, an error (it absorbs the overdue one: fix item 4).
    assert!(
        gate.1
            .iter()
            .any(|(r, l, _)| r == "ca-verified-by-owner" && l == "error"),
        "{gate:?}"
    );
    assert!(
        gate.1
            .iter()
            .filter(|(r, _, _)| r == "ca-verified-by-owner")
            .count()
            <= 1,
        "{gate:?}"
    );
}

/// Issue 11.5, every reading command: in a bare repository `incident
/// check/list/show`, `postmortem`, `ca status`, `ca review`, `report` and
/// the gate read the records from the tree of HEAD and say so; none reads
/// "no records" (`ca status` and `ca review` used to refuse the bare
/// repository outright).
#[test]
fn every_reading_command_reads_a_bare_repository_at_head() {
    let (r, _, _) = repo_with_record(OPEN_ACTIONS);
    let bare = tempfile::tempdir().unwrap();
    let dst = bare.path().join("repo.git");
    common::git_in(
        bare.path(),
        &[
            "clone",
            "-q",
            "--bare",
            r.path().to_str().unwrap(),
            dst.to_str().unwrap(),
        ],
    );
    let now = "2026-12-22T09:00:00Z";
    for (args, code) in [
        (&["incident", "check"][..], 1),
        (&["gate", "--offline"][..], 1),
        (&["incident", "list"][..], 0),
        (&["incident", "show", "INC-2026-001"][..], 0),
        (&["postmortem", "INC-2026-001"][..], 0),
        (&["ca", "status", "--offline"][..], 0),
        (&["ca", "review", "--offline"][..], 0),
        (&["report", "--month", "2026-11", "--no-provenance"][..], 0),
    ] {
        let mut a = args.to_vec();
        a.extend(["--now", now]);
        let o = aeef(&dst, &a);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("from the tree of HEAD"),
            "{args:?}: {}",
            stderr(&o)
        );
        let out = stdout(&o);
        let named =
            out.contains("INC-2026-001") || (args[0] == "report" && out.contains("incidents 1 "));
        assert!(named, "{args:?} did not read the record:\n{out}");
    }
}

/// Why: issue 11 (fix item 7) — a `Corrective-Action:` trailer that matched
/// no unverified action was ignored silently, leaving an error that did not
/// say the declaration was seen. Lower-case ids are accepted (ids are
/// upper-case in records, but a hand-typed trailer means the same action).
#[test]
fn a_corrective_action_trailer_that_matches_nothing_is_named_with_why() {
    let now = "2026-11-29T09:00:00Z";
    let gate = |r: &RepoBuilder, base: &str, head: &str| {
        let o = aeef(
            r.path(),
            &[
                "gate", "--format", "json", "--now", now, "--base", base, "--head", head,
            ],
        );
        (o.status.code(), json(&o))
    };
    let cases = [
        ("INC-2026-001/CA-9", "has no unverified action CA-9"),
        ("INC-2026-002/CA-1", "names another incident, INC-2026-002"),
        ("CA-1", "not of the form"),
    ];
    for (trailer, why) in cases {
        let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
        let base = r.head();
        r.write("src/pay.rs", "a\nb changed\nc\n");
        r.trailer("Corrective-Action", trailer);
        let head = r.commit("Change payments");
        let (code, v) = gate(&r, &base, &head);
        assert_eq!(code, Some(1), "{trailer}: {v:#}");
        let f = findings(&v, "touches-open-incident");
        let msg = f[0]["message"].as_str().unwrap();
        assert!(
            msg.contains(&format!("`Corrective-Action: {trailer}`")) && msg.contains(why),
            "{trailer}: {msg}"
        );
    }
    // Lower case counts.
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let base = r.head();
    r.write("src/pay.rs", "a\nb changed\nc\n");
    r.trailer("Corrective-Action", "inc-2026-001/ca-1");
    let head = r.commit("Change payments");
    let (code, v) = gate(&r, &base, &head);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(findings(&v, "touches-open-incident")[0]["level"], "note");
}

/// Why: issue 11 (fix item 6) — what a change adds for itself (the
/// verification of an action, a waiver) does not count for that change,
/// and the finding did not say so: it looked as if aeef ignored it.
#[test]
fn what_a_change_adds_for_itself_is_explained_in_the_finding() {
    let now = "2026-11-29T09:00:00Z";
    let (mut r, _, _) = repo_with_record(OPEN_ACTIONS);
    let base = r.head();
    let p = r.path().join("incidents/INC-2026-001.yaml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "    issue: 412\n",
        "    issue: 412\n    verified_by: bob\n    verified_at: 2026-11-28T10:00:00Z\n",
    );
    r.author("Bob Reviewer", "bob@example.com");
    r.write("incidents/INC-2026-001.yaml", &t);
    r.write("src/pay.rs", "a\nb verified\nc\n");
    r.write(
        ".aeef.yml",
        "waivers:\n  - {rule: touches-open-incident, incident: INC-2026-001, reason: hotfix, approved_by: bob, expires: 2027-01-31}\n",
    );
    let head = r.commit("Verify CA-1, waive the rule, touch pay.rs");
    let o = aeef(
        r.path(),
        &[
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            now,
            "--base",
            &base,
            "--head",
            &head,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let f = findings(&v, "touches-open-incident");
    assert_eq!(f[0]["level"], "error", "{v:#}");
    let msg = f[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(
            "CA-1's verification or approval is added by this change and counts after merge"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("waiver #1 is added by this change and applies after merge"),
        "{msg}"
    );
}
