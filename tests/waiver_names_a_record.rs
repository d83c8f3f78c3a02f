//! A waiver that names an incident or action no record holds would never
//! match anything; issue 11 (fix item 9) found it accepted silently. It is
//! `waiver-invalid`, with the nearest existing id.
mod common;

use common::{RepoBuilder, aeef, stdout};
use serde_json::Value;

const NOW: &str = "2026-12-01T00:00:00Z";

fn repo(waiver: &str) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.author("Maint", "maint@example.com");
    r.write(
        "incidents/INC-2026-001.yaml",
        "id: INC-2026-001\ntitle: t\nseverity: SEV-4\nstatus: open\ndetected_at: \"2026-11-30T08:00:00Z\"\n\
         corrective_actions:\n  - {id: CA-1, action: a, category: training, owner: alice, due: 2026-12-20, status: open}\n",
    );
    r.write(
        ".aeef.yml",
        &format!("waivers:\n  - {{rule: ca-unverified, {waiver}, reason: r, approved_by: lead, expires: 2027-01-31}}\n"),
    );
    r.commit("record and waiver");
    r
}

fn invalid(r: &RepoBuilder) -> Vec<Value> {
    let o = aeef(
        r.path(),
        &["gate", "--offline", "--format", "json", "--now", NOW],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "waiver-invalid")
        .cloned()
        .collect()
}

/// Why: a typo in the incident id left the finding it meant to accept
/// standing, with nothing saying why.
#[test]
fn a_waiver_for_a_missing_incident_is_invalid_with_did_you_mean() {
    let f = invalid(&repo("incident: INC-2026-01"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("no record holds"),
        "{f:?}"
    );
    assert!(
        f[0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `INC-2026-001`"),
        "{f:?}"
    );
}

/// Why: the same for an action the incident does not have.
#[test]
fn a_waiver_for_a_missing_action_is_invalid_with_did_you_mean() {
    let f = invalid(&repo("incident: INC-2026-001, corrective_action: ca-1"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("`ca-1`"),
        "{f:?}"
    );
    assert!(
        f[0]["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `CA-1`"),
        "{f:?}"
    );
    // A correct one is not invalid.
    assert!(invalid(&repo("incident: INC-2026-001, corrective_action: CA-1")).is_empty());
}
