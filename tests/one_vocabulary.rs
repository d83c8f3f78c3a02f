//! Issue 11, Deliver "one vocabulary": "verified", "overdue", the next
//! effectiveness mark and the SLA outcome are each defined once and every
//! command asks the same function. Item 4 of the issue measured five
//! definitions of "verified", three of "overdue" and two of "SLA met" that
//! gave different answers for the same records.
//!
//! This runs every command that states one of them — `incident check`,
//! `gate --offline`, `ca status`, `incident list`, `incident show`,
//! `postmortem` and `report` — over every readable fixture record, each
//! committed alone to a real repository, and asserts they agree.
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

const NOW: &str = "2026-12-01T00:00:00Z";

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/incidents");
    let mut v: Vec<PathBuf> = ["valid", "rules"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(root.join(d)))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    v.sort();
    assert!(v.len() > 20, "fixtures missing: {v:?}");
    v
}

fn json(o: &std::process::Output, what: &str) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("{what}: {e}: {} {}", stdout(o), stderr(o)))
}

/// Actions named by findings of `rule`.
fn actions_with(v: &Value, rule: &str) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .filter_map(|f| f["corrective_action"].as_str().map(str::to_string))
        .collect()
}

/// Actions `incident check` calls overdue: `ca-unverified-overdue`, or
/// `ca-verified-by-owner` that absorbed it (one cause, one finding; its
/// message keeps "N days overdue").
fn overdue_in(v: &Value) -> BTreeSet<String> {
    let mut out = actions_with(v, "ca-unverified-overdue");
    out.extend(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "ca-verified-by-owner")
            .filter(|f| f["message"].as_str().unwrap_or("").contains("days overdue"))
            .filter_map(|f| f["corrective_action"].as_str().map(str::to_string)),
    );
    out
}

fn has(v: &Value, rule: &str) -> bool {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == rule)
}

#[test]
fn every_command_agrees_on_verified_overdue_marks_and_slas_for_every_fixture() {
    let mut compared = 0;
    // How often each answer was "yes", so the agreement is not vacuous.
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for path in fixtures() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut r = RepoBuilder::new();
        r.write("incidents/record.yaml", &text);
        // Nobody who owns an action in the fixtures.
        r.author("Incident Lead", "lead@example.com");
        r.commit("record");
        let run = |args: &[&str]| {
            let mut a = args.to_vec();
            a.extend(["--now", NOW]);
            aeef(r.path(), &a)
        };
        let o = run(&["incident", "check", "--format", "json"]);
        if o.status.code() == Some(2) {
            // Unreadable or measured against a clock it predates: nothing
            // is decided, by any command (other tests cover exit 2).
            continue;
        }
        let check = json(&o, &name);
        let gate = json(&run(&["gate", "--offline", "--format", "json"]), &name);
        let status = json(
            &run(&["ca", "status", "--offline", "--format", "json"]),
            &name,
        );
        let list = json(&run(&["incident", "list", "--format", "json"]), &name);
        let inc = &list["incidents"][0];
        let id = inc["id"].as_str().unwrap().to_string();
        let show = stdout(&run(&["incident", "show", &id, "--format", "json"]));
        let pm = stdout(&run(&["postmortem", &id]));
        let report = json(
            &run(&[
                "report",
                "--since",
                "2020-01-01",
                "--until",
                "2026-12-01",
                "--format",
                "json",
                "--no-provenance",
            ]),
            &name,
        );

        // The gate without a change decides exactly what `incident check` does.
        assert_eq!(check["findings"], gate["findings"], "{name}: check vs gate");

        let actions = status["actions"].as_array().unwrap();
        let set = |key: &str| -> BTreeSet<String> {
            actions
                .iter()
                .filter(|a| a[key] == true)
                .map(|a| a["corrective_action"].as_str().unwrap().to_string())
                .collect()
        };
        // Overdue: ca status, check, list, show, postmortem, report.
        let overdue = set("overdue");
        *seen.entry("overdue").or_default() += overdue.len();
        *seen.entry("verified").or_default() += set("verified").len();
        *seen.entry("effectiveness overdue").or_default() += set("effectiveness_overdue").len();
        assert_eq!(
            overdue,
            overdue_in(&check),
            "{name}: overdue (ca status vs check)"
        );
        assert_eq!(
            inc["overdue_actions"].as_u64().unwrap() as usize,
            overdue.len(),
            "{name}: overdue (list)"
        );
        assert!(
            show.contains(&format!("\"overdue_actions\": {}", overdue.len())),
            "{name}: overdue (show): {show}"
        );
        for a in actions {
            let ca = a["corrective_action"].as_str().unwrap();
            let row = pm
                .lines()
                .find(|l| l.starts_with(&format!("| {ca} |")))
                .unwrap_or_else(|| panic!("{name}: postmortem has no row for {ca}:\n{pm}"));
            assert_eq!(
                row.contains("| overdue |"),
                overdue.contains(ca),
                "{name}: overdue (postmortem) {row}"
            );
        }
        // Verified: ca status against check's unverified findings (declined
        // actions are neither).
        let mut unverified: BTreeSet<String> = actions_with(&check, "ca-unverified")
            .union(&actions_with(&check, "ca-unverified-overdue"))
            .cloned()
            .collect();
        unverified.extend(actions_with(&check, "ca-verified-by-owner"));
        for a in actions {
            let ca = a["corrective_action"].as_str().unwrap().to_string();
            if a["declined"] == true {
                assert!(!unverified.contains(&ca), "{name}: declined {ca}");
                continue;
            }
            assert_eq!(
                a["verified"] == true,
                !unverified.contains(&ca),
                "{name}: verified {ca} (ca status vs check)"
            );
        }
        // Effectiveness marks: ca status against check.
        assert_eq!(
            set("effectiveness_overdue"),
            actions_with(&check, "ca-effectiveness-overdue"),
            "{name}: effectiveness overdue"
        );
        // Report totals, when the incident is in the period.
        if report["incidents"].as_u64().unwrap_or(0) == 1 {
            let cas = &report["corrective_actions"];
            assert_eq!(
                cas["overdue"].as_u64().unwrap() as usize,
                overdue.len(),
                "{name}: overdue (report)"
            );
            assert_eq!(
                cas["verified"].as_u64().unwrap() as usize,
                set("verified").len(),
                "{name}: verified (report)"
            );
        }
        // SLA outcomes: check (missed = finding), postmortem, report.
        for kind in ["acknowledge", "mitigate", "resolve"] {
            let missed = has(&check, &format!("sla-{kind}"));
            *seen.entry("sla missed").or_default() += usize::from(missed);
            let line = pm
                .lines()
                .find(|l| l.contains("SLA Compliance"))
                .unwrap_or_else(|| panic!("{name}: no SLA line:\n{pm}"));
            assert_eq!(
                line.contains(&format!("{kind} missed")),
                missed,
                "{name}: {kind} (check vs postmortem): {line}"
            );
            if report["incidents"].as_u64().unwrap_or(0) == 1
                && let Some(rate) = report["sla_compliance"][kind].as_f64()
            {
                assert_eq!(
                    rate == 0.0,
                    missed,
                    "{name}: {kind} (check vs report {rate})"
                );
            }
        }
        compared += 1;
    }
    assert!(compared > 20, "only {compared} fixtures compared");
    for what in ["overdue", "verified", "effectiveness overdue", "sla missed"] {
        assert!(
            seen.get(what).copied().unwrap_or(0) > 0,
            "no fixture is {what}: {seen:?}"
        );
    }
}
