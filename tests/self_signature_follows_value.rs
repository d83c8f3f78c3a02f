//! Who "committed" a `verified_by` or a `wont-do`'s `approved_by` is the
//! author of the commit that set its current VALUE, not of the last edit of
//! its line (issue 11, fix items 2 and 3): a re-quoting commit by a
//! formatter must not turn an owner's self-verification into a valid one,
//! and an owner must not decline their own action. `incident check`,
//! `gate` (offline and online), `ca status` and `aeef audit` agree.
mod common;
mod fake_github;

use common::{RepoBuilder, aeef, aeef_env, stderr, stdout};
use fake_github::Fake;
use serde_json::Value;

const NOW: &str = "2026-12-01T00:00:00Z";
const F: &str = "incidents/INC-2026-001.yaml";
const TOKEN: &str = "ghp_S3cretTokenValue0123456789abcdefXYZ";

/// A resolved SEV-3 whose CA-1 (owner alice) is `ca1`; CA-2 and CA-3 are
/// verified properly so categories and the rest are quiet.
fn record(ca1: &str) -> String {
    format!(
        "id: INC-2026-001\ntitle: min\nseverity: SEV-3\nstatus: resolved\n\
         detected_at: \"2026-11-01T08:00:00Z\"\nacknowledged_at: \"2026-11-01T08:30:00Z\"\n\
         resolved_at: \"2026-11-02T08:00:00Z\"\n\
         rca: {{defect: a, generation_context: b, validation_pipeline: c, human_review: d, process_environment: e}}\n\
         root_cause: r\ncorrective_actions:\n\
         \x20 - id: CA-1\n    action: a\n    category: training\n    owner: alice\n    due: 2026-11-10\n{ca1}\
         \x20 - {{id: CA-2, action: b, category: immediate-fix, owner: carol, due: 2026-11-10, status: done, verified_by: bob, verified_at: \"2026-11-09T00:00:00Z\"}}\n\
         \x20 - {{id: CA-3, action: c, category: training, owner: carol, due: 2026-11-10, status: done, verified_by: bob, verified_at: \"2026-11-09T00:00:00Z\"}}\n"
    )
}

/// The record committed by a maintainer, then `ca1` by `who`, then the
/// same text re-quoted (`: bob` → `: "bob"`) by `fmt`.
fn history(ca1: &str, who: (&str, &str), fmt: (&str, &str)) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.author("Maint", "maint@example.com");
    r.write(F, &record("    status: open\n"));
    r.commit("record");
    r.author(who.0, who.1);
    r.write(F, &record(ca1));
    r.commit("settle CA-1");
    r.author(fmt.0, fmt.1);
    r.write(F, &record(&ca1.replace(": bob", ": \"bob\"")));
    r.commit("yaml fmt");
    r
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn rules_for(v: &Value, ca: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["corrective_action"] == ca)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn ca1_status(r: &RepoBuilder) -> Value {
    let o = aeef(
        r.path(),
        &[
            "ca",
            "status",
            "--offline",
            "--format",
            "json",
            "--now",
            NOW,
        ],
    );
    json(&o)["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["corrective_action"] == "CA-1")
        .cloned()
        .unwrap()
}

const VERIFIED: &str =
    "    status: done\n    verified_by: bob\n    verified_at: \"2026-11-09T00:00:00Z\"\n";
const DECLINED: &str = "    status: wont-do\n    approved_by: bob\n    reason: not needed\n";

/// Why: issue 11 measured a formatter's re-quoting of the owner's own
/// `verified_by: bob` passing gate and check (blame named the formatter).
#[test]
fn a_formatting_edit_by_someone_else_does_not_launder_an_owners_verification() {
    let r = history(
        VERIFIED,
        ("alice", "alice@example.com"),
        ("fmtbot", "fmtbot@example.com"),
    );
    // The last edit of the line is the formatter's: git says so.
    let blame = r.git(&["blame", "--porcelain", "-L/verified_by/,+1", "--", F]);
    assert!(blame.contains("author fmtbot"), "{blame}");
    for args in [
        &["incident", "check", "--format", "json", "--now", NOW][..],
        &["gate", "--offline", "--format", "json", "--now", NOW][..],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let rules = rules_for(&json(&o), "CA-1");
        assert!(
            rules.contains(&"ca-verified-by-owner".to_string()),
            "{args:?}: {rules:?}"
        );
    }
    let st = ca1_status(&r);
    assert_eq!(st["verified"], false, "{st}");
    // The audit, reading the same history, names alice's commit.
    let a = aeef(r.path(), &["audit", "--format", "json"]);
    assert!(stdout(&a).contains("audit-self-verified"), "{}", stdout(&a));
}

/// Why: the converse — the value follows its setter, so the owner
/// re-quoting a colleague's verification does not void it.
#[test]
fn an_owners_formatting_edit_keeps_a_colleagues_verification() {
    let r = history(
        VERIFIED,
        ("bob", "bob@example.com"),
        ("alice", "alice@example.com"),
    );
    let o = aeef(
        r.path(),
        &["gate", "--offline", "--format", "json", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(ca1_status(&r)["verified"], true);
}

/// Why: issue 11 found `wont-do` approvals committed by the owner accepted
/// by gate, check and ca status (only `aeef audit` reported them).
#[test]
fn an_owner_cannot_decline_their_own_action_offline() {
    let r = history(
        DECLINED,
        ("alice", "alice@example.com"),
        ("fmtbot", "fmtbot@example.com"),
    );
    for args in [
        &["incident", "check", "--format", "json", "--now", NOW][..],
        &["gate", "--offline", "--format", "json", "--now", NOW][..],
    ] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let v = json(&o);
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "ca-wont-do-unapproved" && f["corrective_action"] == "CA-1")
            .unwrap_or_else(|| panic!("{args:?}: {v}"));
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("committed by the owner @alice"),
            "{f}"
        );
        // Not declined, so open and past due.
        assert!(rules_for(&v, "CA-1").contains(&"ca-unverified-overdue".to_string()));
    }
    let st = ca1_status(&r);
    assert_eq!(st["declined"], false, "{st}");
    assert_eq!(st["overdue"], true, "{st}");
}

/// Why: the approval rule must hold with a token too (the Action's default).
#[tokio::test(flavor = "multi_thread")]
async fn an_owner_cannot_decline_their_own_action_online() {
    let fake = Fake::start(TOKEN).await;
    let r = history(
        DECLINED,
        ("alice", "alice@example.com"),
        ("fmtbot", "fmtbot@example.com"),
    );
    let uri = fake.uri();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", NOW],
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_API_URL", &uri),
            ("GITHUB_REPOSITORY", "acme/pay"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rules = rules_for(&json(&o), "CA-1");
    assert!(
        rules.contains(&"ca-wont-do-unapproved".to_string()),
        "{rules:?}"
    );
    // The converse: a colleague's approval, re-quoted by the owner, counts.
    let ok = history(
        DECLINED,
        ("bob", "bob@example.com"),
        ("alice", "alice@example.com"),
    );
    let o = aeef(
        ok.path(),
        &["gate", "--offline", "--format", "json", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Why: issue 11 item 3 saw one owner-committed `verified_by` reported
/// twice (`ca-verified-by-owner` and `ca-unverified-overdue`), so a waiver
/// of the first still failed the gate. One cause is one finding, at the
/// record's line, with a help that fits an action without an issue.
#[test]
fn an_owner_committed_verification_is_one_finding_and_its_waiver_unblocks() {
    let mut r = history(
        VERIFIED,
        ("alice", "alice@example.com"),
        ("fmtbot", "fmtbot@example.com"),
    );
    let o = aeef(
        r.path(),
        &["gate", "--offline", "--format", "json", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    let about: Vec<String> = rules_for(&v, "CA-1")
        .into_iter()
        .filter(|r| r != "ca-not-filed")
        .collect();
    assert_eq!(about, vec!["ca-verified-by-owner".to_string()], "{v}");
    let f = &v["findings"][0];
    assert!(f["line"].as_u64().is_some(), "{f}");
    assert!(
        f["message"].as_str().unwrap().contains("21 days overdue"),
        "{f}"
    );
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains("someone other than the owner commit `verified_by`"),
        "{help}"
    );
    assert!(!help.contains("close the issue"), "{help}");

    r.author("Lead", "lead@example.com");
    r.write(
        ".aeef.yml",
        "waivers:\n  - {rule: ca-verified-by-owner, incident: INC-2026-001, corrective_action: CA-1, reason: verified in the review call, approved_by: lead, expires: 2027-01-31}\n",
    );
    r.commit("waive CA-1");
    let o = aeef(
        r.path(),
        &["gate", "--offline", "--format", "json", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Why: issue 11 found the online "open issue wins" finding saying only
/// "…: the issue is open", naming neither the record's claim nor the issue.
#[tokio::test(flavor = "multi_thread")]
async fn an_open_issue_over_a_verified_record_names_the_disagreement() {
    let fake = Fake::start(TOKEN).await;
    let n = fake.seed("[INC-2026-001/CA-1] a", "", &["ai-incident-ca"], &["alice"]);
    let mut r = RepoBuilder::new();
    r.author("bob", "bob@example.com");
    r.write(
        F,
        &record(&format!(
            "    status: done\n    issue: {n}\n    verified_by: bob\n    verified_at: \"2026-11-09T00:00:00Z\"\n"
        )),
    );
    r.commit("record, verified by bob");
    let uri = fake.uri();
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--now", NOW],
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_API_URL", &uri),
            ("GITHUB_REPOSITORY", "acme/pay"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["corrective_action"] == "CA-1" && f["rule"] == "ca-unverified-overdue")
        .unwrap_or_else(|| panic!("{v}"));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!(
            "the record says `verified_by: bob`, but issue #{n} is open"
        )),
        "{msg}"
    );
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains(&format!("close #{n} as completed")),
        "{f}"
    );
}

/// Why: an owner-declined action keeps its incident open for the change
/// rule too — otherwise a change touching the incident's files passes.
#[test]
fn an_owner_declined_action_keeps_its_incident_open_for_changes() {
    let mut r = RepoBuilder::new();
    r.author("Maint", "maint@example.com");
    r.write("src/pay.rs", "a\n");
    r.write(
        F,
        &format!("{}files: [src/pay.rs]\n", record("    status: open\n")),
    );
    r.commit("record");
    r.author("alice", "alice@example.com");
    r.write(F, &format!("{}files: [src/pay.rs]\n", record(DECLINED)));
    r.commit("decline CA-1 myself");
    let base = r.head();
    r.author("Maint", "maint@example.com");
    r.write("src/pay.rs", "b\n");
    let head = r.commit("touch pay.rs");
    let o = aeef(
        r.path(),
        &[
            "gate",
            "--offline",
            "--format",
            "json",
            "--now",
            NOW,
            "--base",
            &base,
            "--head",
            &head,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "touches-open-incident" && f["level"] == "error"),
        "{v:#}"
    );
}

/// Why: the fresh tester's last disagreement of issue 11 — an owner-approved
/// `wont-do` was open for the gate, `incident check` and `ca status` but
/// "declined" for `incident list`, `show`, `postmortem` and `report`. Every
/// command now asks the one `Verified` answer, which carries the approval.
#[test]
fn every_command_counts_an_owner_approved_wont_do_as_open_and_overdue() {
    let r = history(
        DECLINED,
        ("alice", "alice@example.com"),
        ("fmtbot", "fmtbot@example.com"),
    );
    let run = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--now", NOW]);
        let o = aeef(r.path(), &a);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&o)
        );
        o
    };
    let list = json(&run(&["incident", "list", "--format", "json"]));
    assert_eq!(list["incidents"][0]["overdue_actions"], 1, "{list}");
    let show = stdout(&run(&[
        "incident",
        "show",
        "INC-2026-001",
        "--format",
        "json",
    ]));
    assert!(show.contains("\"overdue_actions\": 1"), "{show}");
    let pm = stdout(&run(&["postmortem", "INC-2026-001"]));
    let row = pm
        .lines()
        .find(|l| l.starts_with("| CA-1 |"))
        .unwrap_or_else(|| panic!("{pm}"));
    assert!(row.contains("| overdue |"), "{row}");
    let report = json(&run(&[
        "report",
        "--since",
        "2026-01-01",
        "--until",
        "2026-12-01",
        "--format",
        "json",
        "--no-provenance",
    ]));
    assert_eq!(report["corrective_actions"]["overdue"], 1, "{report}");
    assert_eq!(ca1_status(&r)["overdue"], true);
}
