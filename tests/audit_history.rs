//! `aeef audit` over crafted histories: each rule triggered by the history
//! that breaks it, a clean history that passes, `--since`, and the shallow
//! clone that cannot be audited.
mod common;

use common::{RepoBuilder, aeef, git_in, stderr, stdout};
use serde_json::Value;

/// A resolved SEV-2 record with one corrective action owned by alice.
fn record(id: &str, sev: &str, status: &str, detected: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: retry double-charges\nseverity: {sev}\nstatus: {status}\nteam: payments\n\
         detected_at: {detected}\ntimeline:\n  - {{at: {detected}, event: alert}}\n{extra}"
    )
}

const CA_OPEN: &str = "corrective_actions:\n  - {id: CA-1, action: add a test, category: test-improvement, owner: alice, due: 2026-02-01}\n";
const CA_VERIFIED: &str = "corrective_actions:\n  - {id: CA-1, action: add a test, category: test-improvement, owner: alice, due: 2026-02-01, status: done, verified_by: bob, verified_at: 2026-01-20T10:00:00Z}\n";

fn audit(r: &RepoBuilder, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(extra);
    let o = aeef(r.path(), &args);
    let v = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|_| panic!("json: {} {}", stdout(&o), stderr(&o)));
    (o.status.code(), v)
}

fn rules(v: &Value) -> Vec<String> {
    let mut r: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    r.sort();
    r
}

/// Opens INC-2026-001, resolves it with a timeline entry, has bob verify
/// the action and writes the post-mortem afterwards: all legitimate.
fn clean() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let p = "incidents/INC-2026-001.yaml";
    r.author("Alice Example", "alice@example.com");
    r.write(
        p,
        &record(
            "INC-2026-001",
            "SEV-2",
            "open",
            "2026-01-05T09:00:00Z",
            CA_OPEN,
        ),
    );
    r.commit("incident: open INC-2026-001");
    let resolved = record(
        "INC-2026-001",
        "SEV-2",
        "resolved",
        "2026-01-05T09:00:00Z",
        "",
    )
    .replace(
        "timeline:\n",
        "resolved_at: 2026-01-06T09:00:00Z\ntimeline:\n",
    ) + "  - {at: 2026-01-06T09:00:00Z, event: resolved}\n"
        + CA_OPEN;
    r.write(p, &resolved);
    r.commit("incident: resolve INC-2026-001");
    r.author("Bob Verifier", "1234+bob@users.noreply.github.com");
    r.write(p, &resolved.replace(CA_OPEN, CA_VERIFIED));
    r.commit("incident: verify CA-1");
    r.author("Alice Example", "alice@example.com");
    let pm = resolved.replace(CA_OPEN, CA_VERIFIED) + "root_cause: no idempotency key\n";
    r.write(p, &pm);
    r.commit("incident: post-mortem");
    r
}

#[test]
fn clean_history_passes() {
    let r = clean();
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), Vec::<String>::new(), "{v}");
    assert_eq!((code, v["verdict"].as_str()), (Some(0), Some("pass")));
    let human = aeef(r.path(), &["audit"]);
    assert!(
        stdout(&human).contains("4 commit(s) touching incident records, 0 error(s)"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn deleted_record_is_reported_and_old_enough_one_passes_retention() {
    let mut r = RepoBuilder::new();
    // SEV-3 resolved in 2020: its 3 years ended in 2023, so only the deletion is reported.
    r.write(
        "incidents/INC-2020-001.yaml",
        &record(
            "INC-2020-001",
            "SEV-3",
            "resolved",
            "2020-01-05T09:00:00Z",
            "resolved_at: 2020-01-06T09:00:00Z\n",
        ),
    );
    r.at("2020-01-06T10:00:00Z");
    r.commit("incident: INC-2020-001");
    r.remove("incidents/INC-2020-001.yaml");
    r.commit("chore: tidy incidents");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-record-deleted"], "{v}");
    assert_eq!(code, Some(1));
    assert_eq!(v["findings"][0]["incident"], "INC-2020-001");
    assert_eq!(v["findings"][0]["commit"].as_str(), Some(r.head().as_str()));
}

/// Snapshot of what an auditor reads (issue 14: human output of `audit`
/// under insta), and the formats it gained from the gate's printer: SARIF
/// with the finding and `--format github` with its annotation and verdict.
#[test]
fn audit_human_output_and_the_gate_formats() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2020-001.yaml",
        &record(
            "INC-2020-001",
            "SEV-3",
            "resolved",
            "2020-01-05T09:00:00Z",
            "resolved_at: 2020-01-06T09:00:00Z\n",
        ),
    );
    r.at("2020-01-06T10:00:00Z");
    r.commit("incident: INC-2020-001");
    r.remove("incidents/INC-2020-001.yaml");
    r.commit("chore: tidy incidents");
    let o = aeef(r.path(), &["audit"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("audit_human_deleted_record", stdout(&o));
    let o = aeef(r.path(), &["audit", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["runs"][0]["results"][0]["ruleId"], "audit-record-deleted",
        "{v}"
    );
    let o = aeef(r.path(), &["audit", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("::error"), "{text}");
    assert!(text.lines().last().unwrap().contains(": fail ("), "{text}");
}

#[test]
fn removal_inside_retention_is_reported() {
    let mut r = RepoBuilder::new();
    // SEV-1 detected 2026-01-05 must be kept until 2031.
    r.write(
        "incidents/INC-2026-009.yaml",
        &record("INC-2026-009", "SEV-1", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("incident: INC-2026-009");
    r.remove("incidents/INC-2026-009.yaml");
    r.commit("chore: drop");
    let (code, v) = audit(&r, &[]);
    assert_eq!(
        rules(&v),
        ["audit-record-deleted", "audit-retention"],
        "{v}"
    );
    assert_eq!(code, Some(1));
    let msg = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "audit-retention")
        .unwrap()["message"]
        .clone();
    assert!(msg.as_str().unwrap().contains("2031-01-05"), "{msg}");
}

#[test]
fn id_reused_in_another_file_and_after_deletion() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2026-001.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("incident: one");
    r.write(
        "incidents/INC-2026-002.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-06T09:00:00Z", ""),
    );
    let dup = r.commit("incident: copy-paste keeps the id");
    let (_, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-id-reused"], "{v}");
    assert_eq!(v["findings"][0]["commit"].as_str(), Some(dup.as_str()));
    assert_eq!(v["findings"][0]["file"], "incidents/INC-2026-002.yaml");

    let mut r = RepoBuilder::new();
    let p = "incidents/INC-2026-003.yaml";
    r.write(
        p,
        &record("INC-2026-003", "SEV-4", "open", "2020-01-05T09:00:00Z", ""),
    );
    r.commit("incident: three");
    r.remove(p);
    r.commit("drop");
    r.write(
        p,
        &record("INC-2026-003", "SEV-4", "open", "2026-02-05T09:00:00Z", ""),
    );
    r.commit("a new incident under the old id");
    let (code, v) = audit(&r, &[]);
    assert_eq!(
        rules(&v),
        ["audit-id-reused", "audit-record-deleted"],
        "{v}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn moving_a_record_is_neither_deletion_nor_reuse() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2026-001.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("incident");
    r.rename(
        "incidents/INC-2026-001.yaml",
        "incidents/2026/INC-2026-001.yaml",
    );
    r.commit("move into a year folder");
    let (code, v) = audit(&r, &[]);
    assert_eq!((code, rules(&v)), (Some(0), vec![]), "{v}");
}

#[test]
fn verified_by_committed_by_the_owner() {
    for (name, email) in [
        ("Alice Example", "alice@example.com"),
        ("alice", "a.example@corp.test"),
        ("A. Example", "98765+alice@users.noreply.github.com"),
    ] {
        let mut r = RepoBuilder::new();
        let p = "incidents/INC-2026-001.yaml";
        r.author("Carol", "carol@example.com");
        r.write(
            p,
            &record(
                "INC-2026-001",
                "SEV-3",
                "open",
                "2026-01-05T09:00:00Z",
                CA_OPEN,
            ),
        );
        r.commit("incident");
        r.author(name, email);
        r.write(
            p,
            &record(
                "INC-2026-001",
                "SEV-3",
                "open",
                "2026-01-05T09:00:00Z",
                CA_VERIFIED,
            ),
        );
        r.commit("verify my own action");
        let (code, v) = audit(&r, &[]);
        assert_eq!(rules(&v), ["audit-self-verified"], "{name} <{email}>: {v}");
        assert_eq!(v["findings"][0]["corrective_action"], "CA-1");
        assert_eq!(code, Some(1));
    }
}

/// A `wont-do` approval the owner committed themselves is reported like a
/// self-verification (issue 11.6): the record names someone else, the
/// owner wrote it.
#[test]
fn wont_do_approval_committed_by_the_owner() {
    let mut r = RepoBuilder::new();
    let p = "incidents/INC-2026-001.yaml";
    r.author("Carol", "carol@example.com");
    let rec = |ca: &str| record("INC-2026-001", "SEV-3", "open", "2026-01-05T09:00:00Z", ca);
    r.write(p, &rec(CA_OPEN));
    r.commit("incident");
    r.author("Alice Example", "alice@example.com");
    r.write(
        p,
        &rec("corrective_actions:\n  - {id: CA-1, action: add a test, category: test-improvement, owner: alice, due: 2026-02-01, status: wont-do, approved_by: bob, reason: superseded}\n"),
    );
    r.commit("decline my own action");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-self-verified"], "{v}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`approved_by: bob`")
    );
    assert_eq!(code, Some(1));
}

#[test]
fn resolved_incident_rewritten_without_timeline_entry() {
    let mut r = clean();
    let p = "incidents/INC-2026-001.yaml";
    let text = std::fs::read_to_string(r.path().join(p)).unwrap();
    r.write(p, &text.replace("severity: SEV-2", "severity: SEV-3"));
    let bad = r.commit("downgrade quietly");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-rewritten-after-resolve"], "{v}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("severity")
    );
    assert_eq!(v["findings"][0]["commit"].as_str(), Some(bad.as_str()));
    assert_eq!(code, Some(1));

    // The same change with a timeline entry saying why is fine.
    let mut r = clean();
    r.write(
        p,
        &text.replace("severity: SEV-2", "severity: SEV-3").replace(
            "  - {at: 2026-01-06T09:00:00Z, event: resolved}\n",
            "  - {at: 2026-01-06T09:00:00Z, event: resolved}\n  - {at: 2026-01-09T09:00:00Z, event: severity corrected to SEV-3 after impact review}\n",
        ),
    );
    r.commit("correct the severity, with a timeline entry");
    let (code, v) = audit(&r, &[]);
    assert_eq!((code, rules(&v)), (Some(0), vec![]), "{v}");

    // Editing an existing timeline entry is a rewrite even with a new one.
    let mut r = clean();
    r.write(p, &text.replace("event: alert", "event: nothing happened"));
    r.commit("edit history");
    let (_, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-rewritten-after-resolve"], "{v}");
}

/// Rewrites HEAD with a `gpgsig` header (presence is what the rule checks;
/// no key is needed to craft one) and moves the branch to it.
fn sign_head(r: &RepoBuilder) -> String {
    let raw = r.git(&["cat-file", "commit", "HEAD"]);
    let (head, body) = raw.split_once("\n\n").unwrap();
    let signed = format!(
        "{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEtest\n -----END PGP SIGNATURE-----\n\n{body}"
    );
    let f = r.path().join(".git/SIGNED");
    std::fs::write(&f, signed).unwrap();
    let sha = r
        .git(&["hash-object", "-t", "commit", "-w", f.to_str().unwrap()])
        .trim()
        .to_string();
    r.git(&["update-ref", "HEAD", &sha]);
    sha
}

#[test]
fn unsigned_commits_when_signatures_are_required() {
    let mut r = RepoBuilder::new();
    r.write(".aeef.yml", "audit:\n  require_signed: true\n");
    r.write(
        "incidents/INC-2026-001.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("incident, unsigned");
    let unsigned = r.head();
    r.write(
        "incidents/INC-2026-002.yaml",
        &record("INC-2026-002", "SEV-4", "open", "2026-01-06T09:00:00Z", ""),
    );
    r.commit("incident, to be signed");
    let signed = sign_head(&r);
    // The oracle: git itself sees the signature header on the crafted commit.
    assert!(
        r.git(&["cat-file", "commit", &signed])
            .contains("\ngpgsig ")
    );
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-unsigned"], "{v}");
    assert_eq!(v["findings"][0]["commit"].as_str(), Some(unsigned.as_str()));
    assert_eq!(code, Some(1));

    // Off by default.
    r.write(".aeef.yml", "");
    r.commit("drop the requirement");
    let (code, v) = audit(&r, &[]);
    assert_eq!((code, rules(&v)), (Some(0), vec![]), "{v}");
}

#[test]
fn since_limits_reporting_but_not_the_walk() {
    let mut r = RepoBuilder::new();
    let p = "incidents/INC-2026-003.yaml";
    r.write(
        p,
        &record("INC-2026-003", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.at("2026-01-05T10:00:00Z");
    r.commit("incident");
    r.remove(p);
    r.at("2026-02-01T10:00:00Z");
    r.commit("drop");
    r.write(
        p,
        &record("INC-2026-003", "SEV-4", "open", "2026-03-05T09:00:00Z", ""),
    );
    r.at("2026-03-10T10:00:00Z");
    r.commit("reuse");
    let (_, v) = audit(&r, &["--since", "2026-03-01"]);
    // The deletion predates --since; the reuse is still recognised as one.
    assert_eq!(rules(&v), ["audit-id-reused"], "{v}");
}

#[test]
fn rule_levels_follow_the_config() {
    let mut r = clean();
    r.remove("incidents/INC-2026-001.yaml");
    r.write(
        ".aeef.yml",
        "rules:\n  audit-record-deleted: warn\n  audit-retention: off\n",
    );
    r.commit("drop with relaxed rules");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-record-deleted"], "{v}");
    assert_eq!(v["findings"][0]["level"], "warn");
    assert_eq!(code, Some(0));
}

#[test]
fn shallow_clone_cannot_be_audited() {
    let r = clean();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let o = aeef(&dir.path().join("shallow"), &["audit"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("fetch-depth: 0"), "{}", stderr(&o));
}

/// A record both branches kept but the merge dropped while resolving: the
/// merge's own change, reported; records brought in by a branch are not
/// reported again at the merge.
#[test]
fn record_deleted_while_resolving_a_merge() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2020-001.yaml",
        &record(
            "INC-2020-001",
            "SEV-3",
            "resolved",
            "2020-01-05T09:00:00Z",
            "resolved_at: 2020-01-06T09:00:00Z\n",
        ),
    );
    r.at("2020-01-06T10:00:00Z");
    let base = r.commit("incident: INC-2020-001");
    r.checkout_new("topic", &base);
    r.write(
        "incidents/INC-2020-002.yaml",
        &record(
            "INC-2020-002",
            "SEV-4",
            "resolved",
            "2020-02-05T09:00:00Z",
            "resolved_at: 2020-02-06T09:00:00Z\n",
        ),
    );
    r.commit("incident: INC-2020-002 on a branch");
    r.checkout("main");
    r.write("README.md", "main work\n");
    r.commit("main work");
    // A clean merge first: nothing of its own.
    r.merge("topic", "Merge topic", &[]);
    let (code, v) = audit(&r, &[]);
    assert_eq!(code, Some(0), "{v}");
    // Now a merge whose result drops a record both sides still have.
    let head = r.head();
    r.checkout_new("other", &head);
    r.write("docs.md", "x\n");
    r.commit("other work");
    r.checkout("main");
    r.write("README.md", "more\n");
    r.commit("more main work");
    let _ = r.git(&["merge", "-q", "--no-ff", "--no-commit", "other"]);
    r.remove("incidents/INC-2020-001.yaml");
    let merge = r.commit("Merge other, dropping a record");
    let (code, v) = audit(&r, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(rules(&v), ["audit-record-deleted"], "{v}");
    assert_eq!(v["findings"][0]["commit"].as_str(), Some(merge.as_str()));
}

/// Records share a template, so git's rename detection pairs a deleted
/// record with a new, similar one added in the same commit. That is a
/// deletion (and an addition), never a move.
#[test]
fn deleting_one_record_while_adding_a_similar_one_is_a_deletion() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2026-001.yaml",
        &record("INC-2026-001", "SEV-2", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("incident 1");
    r.remove("incidents/INC-2026-001.yaml");
    r.write(
        "incidents/INC-2026-002.yaml",
        &record("INC-2026-002", "SEV-2", "open", "2026-01-05T09:00:00Z", ""),
    );
    let sha = r.commit("swap records");
    // git itself sees a rename here.
    assert!(
        r.git(&["show", "-M", "--name-status", "--format=", &sha])
            .starts_with('R')
    );
    let (code, v) = audit(&r, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert!(
        rules(&v).contains(&"audit-record-deleted".to_string()),
        "{v}"
    );
    assert!(rules(&v).contains(&"audit-retention".to_string()), "{v}");
}

/// A draft renamed into the folder's record name is a new record: its
/// verification is audited like any other.
#[test]
fn draft_renamed_into_a_record_is_audited() {
    let mut r = RepoBuilder::new();
    r.write("incidents/INC-2026-001.yaml.draft", "draft\n");
    r.commit("draft");
    r.rename(
        "incidents/INC-2026-001.yaml.draft",
        "incidents/INC-2026-001.yaml",
    );
    r.write(
        "incidents/INC-2026-001.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("promote the draft");
    r.write(
        "incidents/INC-2026-002.yaml",
        &record("INC-2026-001", "SEV-4", "open", "2026-01-05T09:00:00Z", ""),
    );
    r.commit("same id again");
    let (_, v) = audit(&r, &[]);
    assert!(rules(&v).contains(&"audit-id-reused".to_string()), "{v}");
}

/// The resolved record of `clean()` at its last version.
fn resolved_text(r: &RepoBuilder) -> String {
    std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap()
}

// Guards issue 12 item 13: a commit that only breaks a resolved record's
// syntax is an unreadable version, not a timeline edit, and never passes.
#[test]
fn broken_yaml_version_is_audit_unreadable_not_a_rewrite() {
    let mut r = clean();
    let good = resolved_text(&r);
    let broken = good.replace(
        "title: retry double-charges",
        "title: [retry double-charges",
    );
    r.write("incidents/INC-2026-001.yaml", &broken);
    let sha = r.commit("incident: typo");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-unreadable"], "{v}");
    assert_eq!(code, Some(1));
    let f = &v["findings"][0];
    assert_eq!(f["commit"].as_str(), Some(sha.as_str()));
    assert_eq!(f["file"], "incidents/INC-2026-001.yaml");
    assert!(f["line"].as_u64().is_some_and(|l| l >= 2), "{f}");
    assert!(
        f["message"].as_str().unwrap().contains("cannot be read"),
        "{f}"
    );
}

// Guards the hide-a-rewrite trick: break the record, then "fix" it with a
// changed fact. The fix is compared with the last readable version.
#[test]
fn rewrite_hidden_behind_an_unreadable_version_is_still_found() {
    let mut r = clean();
    let good = resolved_text(&r);
    r.write(
        "incidents/INC-2026-001.yaml",
        &good.replace("severity: SEV-2", "severity: [SEV-2"),
    );
    r.commit("incident: wip");
    r.write(
        "incidents/INC-2026-001.yaml",
        &good.replace("severity: SEV-2", "severity: SEV-4"),
    );
    let fix = r.commit("incident: fix syntax");
    let (_, v) = audit(&r, &[]);
    assert_eq!(
        rules(&v),
        ["audit-rewritten-after-resolve", "audit-unreadable"],
        "{v}"
    );
    let rw = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "audit-rewritten-after-resolve")
        .unwrap();
    assert_eq!(rw["commit"].as_str(), Some(fix.as_str()));
    assert!(rw["message"].as_str().unwrap().contains("severity"), "{rw}");
}

// Guards: what `incident check` refuses (schema: unknown key, bad enum,
// impossible value, not UTF-8) is unreadable to the audit too.
#[test]
fn schema_invalid_and_non_utf8_versions_are_audit_unreadable() {
    for (what, bytes) in [
        ("unknown key", b"id: INC-2026-002\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-01-05T09:00:00Z\nteem: x\n".to_vec()),
        ("bad enum", b"id: INC-2026-002\ntitle: t\nseverity: SEV-9\nstatus: open\ndetected_at: 2026-01-05T09:00:00Z\n".to_vec()),
        ("resolved before detected", b"id: INC-2026-002\ntitle: t\nseverity: SEV-3\nstatus: resolved\ndetected_at: 2026-01-05T09:00:00Z\nresolved_at: 2025-12-22T11:00:00Z\n".to_vec()),
        ("not UTF-8", b"id: INC-2026-002\ntitle: caf\xe9\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-01-05T09:00:00Z\n".to_vec()),
    ] {
        let mut r = RepoBuilder::new();
        r.write_bytes("incidents/INC-2026-002.yaml", &bytes);
        r.commit("incident: INC-2026-002");
        let (code, v) = audit(&r, &[]);
        assert_eq!(rules(&v), ["audit-unreadable"], "{what}: {v}");
        assert_eq!(code, Some(1), "{what}");
        let check = aeef(r.path(), &["incident", "check", "--now", "2026-02-01T00:00:00Z"]);
        assert_eq!(check.status.code(), Some(2), "{what}: incident check refuses it too");
    }
}

// Guards issue 12 item 9: a NUL byte in `incidents_dir` made libgit2's
// pathspec panic (exit 101); now a clear error, exit 2. The other commands
// never panic on it either.
#[test]
fn nul_byte_in_incidents_dir_is_an_error_not_a_panic() {
    let mut r = clean();
    r.write(".aeef.yml", "incidents_dir: \"inc\\0idents\"\n");
    r.commit("config");
    let o = aeef(r.path(), &["audit"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("NUL"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    for args in [
        &["gate", "--offline", "--now", "2026-02-01T00:00:00Z"][..],
        &["incident", "check", "--now", "2026-02-01T00:00:00Z"],
        &[
            "report",
            "--month",
            "2026-01",
            "--now",
            "2026-02-01T00:00:00Z",
        ],
        &["incident", "list"],
    ] {
        let o = aeef(r.path(), args);
        assert_ne!(o.status.code(), Some(101), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
}

/// Issue 11 (found by a fresh user): a waiver committed to `.aeef.yml` by
/// the owner of the action it exempts is reported, whoever `approved_by`
/// names; one committed by someone else is not.
#[test]
fn waiver_committed_by_the_owner_it_exempts() {
    let mut r = RepoBuilder::new();
    let p = "incidents/INC-2026-001.yaml";
    r.author("Carol", "carol@example.com");
    r.write(
        p,
        &record(
            "INC-2026-001",
            "SEV-3",
            "open",
            "2026-01-05T09:00:00Z",
            CA_OPEN,
        ),
    );
    r.commit("incident");
    let waiver = "waivers:\n  - {rule: ca-unverified-overdue, incident: INC-2026-001, corrective_action: CA-1, reason: blocked, approved_by: bob, expires: 2026-12-31}\n";
    r.author("Carol", "carol@example.com");
    r.write(".aeef.yml", waiver);
    r.commit("waive as carol");
    let (code, v) = audit(&r, &[]);
    assert_eq!(code, Some(0), "{v}");
    r.write(".aeef.yml", "");
    r.commit("drop it");
    r.author("Alice Example", "alice@example.com");
    r.write(".aeef.yml", waiver);
    r.commit("waive my own action");
    let (code, v) = audit(&r, &[]);
    assert_eq!(rules(&v), ["audit-self-verified"], "{v}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("waiver")
    );
    assert_eq!(code, Some(1));
}

/// Issue 11.4: the `audit-retention` text named detection as the start of
/// the retention while the code counts from `resolved_at`. A SEV-3
/// detected in 2020 and resolved in mid-2023, removed in 2024: past three
/// years from detection, inside three years from resolution — reported,
/// and the rule's description says the anchor the code uses.
#[test]
fn retention_counts_from_resolution_as_the_rule_says() {
    let mut r = RepoBuilder::new();
    r.write(
        "incidents/INC-2020-002.yaml",
        &record(
            "INC-2020-002",
            "SEV-3",
            "resolved",
            "2020-01-05T09:00:00Z",
            "resolved_at: 2023-06-01T09:00:00Z\n",
        ),
    );
    r.at("2023-06-01T10:00:00Z");
    r.commit("incident: INC-2020-002");
    r.at("2024-01-10T10:00:00Z");
    r.remove("incidents/INC-2020-002.yaml");
    r.commit("chore: tidy incidents");
    let (code, v) = audit(&r, &[]);
    assert_eq!(
        rules(&v),
        ["audit-record-deleted", "audit-retention"],
        "{v}"
    );
    assert_eq!(code, Some(1));
    let msg = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "audit-retention")
        .unwrap()["message"]
        .to_string();
    assert!(msg.contains("2026-06-01"), "{msg}");
    let text = aeef::findings::RuleId::AuditRetention.full();
    assert!(
        text.contains("from `resolved_at`") && text.contains("`detected_at` when"),
        "{text}"
    );
}
