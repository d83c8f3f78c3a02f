//! Every policy rule against its fixtures: each `trigger*` record yields
//! exactly the findings its `# expect:` line names (rule and level), each
//! `pass*` record yields what its line says (usually none), and every rule
//! id of DESIGN §3 has both kinds.
use std::path::{Path, PathBuf};

use aeef::findings::{Level, RuleId, Scope};
use aeef::incident::policy::{self, PolicyOptions};
use aeef::incident::store::parse_record;
use chrono::{DateTime, Utc};

const NOW: &str = "2026-12-01T00:00:00Z";
/// The one commit the fixtures' repository "has".
const KNOWN: &str = "3f2a9c1e5b7d9f0a1c3e5b7d9f0a1c3e5b7d9f0a";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/incidents")
}

fn expected(src: &str) -> Vec<(String, Level)> {
    let line = src
        .lines()
        .find_map(|l| l.strip_prefix("# expect: "))
        .expect("an # expect: line");
    if line.trim() == "none" {
        return Vec::new();
    }
    let mut v: Vec<(String, Level)> = line
        .split(',')
        .map(|p| {
            let (r, l) = p.trim().split_once('=').unwrap();
            (
                r.to_string(),
                if l == "error" {
                    Level::Error
                } else {
                    Level::Warn
                },
            )
        })
        .collect();
    v.sort();
    v
}

fn run(path: &Path, opts: &PolicyOptions) -> Vec<(String, Level)> {
    let bytes = std::fs::read(path).unwrap();
    let mut rec =
        parse_record("r.yaml", &bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    let id = rec.incident.id.clone();
    // Named after its id, as in an incidents folder (`record-file-name`).
    rec.path = format!("incidents/{id}.yaml");
    let findings = policy::check(&[rec], opts);
    for f in &findings {
        // Every policy finding points at a place in the record.
        assert!(f.line.is_some() && f.column.is_some(), "{f:?}");
        assert_eq!(f.incident.as_deref(), Some(id.as_str()), "{f:?}");
    }
    let mut v: Vec<(String, Level)> = findings
        .into_iter()
        .map(|f| (f.rule.to_string(), f.level))
        .collect();
    v.sort();
    v
}

fn exists(sha: &str) -> bool {
    KNOWN.starts_with(&sha.to_ascii_lowercase())
}

#[test]
fn every_rule_fixture_gives_exactly_its_expected_findings() {
    let mut opts = PolicyOptions::new(now());
    opts.commit_exists = Some(&exists);
    let mut seen_trigger = std::collections::BTreeSet::new();
    let mut seen_pass = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let dir = entry.unwrap().path();
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            let want = expected(&std::fs::read_to_string(&f).unwrap());
            let got = run(&f, &opts);
            assert_eq!(got, want, "{}", f.display());
            if name.starts_with("trigger") {
                assert!(
                    got.iter().any(|(r, _)| *r == rule),
                    "{} does not trigger {rule}",
                    f.display()
                );
                seen_trigger.insert(rule.clone());
            } else {
                assert!(
                    !got.iter().any(|(r, _)| *r == rule),
                    "{} triggers {rule}",
                    f.display()
                );
                seen_pass.insert(rule.clone());
            }
        }
    }
    // Every rule over the records (the catalogue's `Scope::Record`).
    for rule in RuleId::ALL.iter().filter(|r| r.scope() == Scope::Record) {
        let rule = rule.as_str();
        assert!(seen_trigger.contains(rule), "no trigger fixture for {rule}");
        assert!(seen_pass.contains(rule), "no pass fixture for {rule}");
    }
}

#[test]
fn complete_records_of_every_severity_are_clean() {
    let mut opts = PolicyOptions::new(now());
    opts.commit_exists = Some(&exists);
    for sev in ["sev-1", "sev-2", "sev-3", "sev-4"] {
        let f = root().join(format!("valid/{sev}.yaml"));
        assert_eq!(run(&f, &opts), Vec::new(), "{sev}");
    }
}

#[test]
fn config_levels_override_and_off_drops_a_rule() {
    let f = root().join("rules/ca-categories/trigger.yaml");
    let mut opts = PolicyOptions::new(now());
    opts.rules.insert(RuleId::CaCategories, Level::Warn);
    assert_eq!(
        run(&f, &opts),
        vec![("ca-categories".to_string(), Level::Warn)]
    );
    opts.rules.insert(RuleId::CaCategories, Level::Off);
    assert_eq!(run(&f, &opts), Vec::new());
}

#[test]
fn fail_on_unverified_makes_unverified_actions_errors() {
    let f = root().join("rules/ca-unverified/trigger.yaml");
    let mut opts = PolicyOptions::new(now());
    opts.fail_on_unverified = true;
    assert_eq!(
        run(&f, &opts),
        vec![("ca-unverified".to_string(), Level::Error)]
    );
    // `off` in config still wins over --fail-on.
    opts.rules.insert(RuleId::CaUnverified, Level::Off);
    assert_eq!(run(&f, &opts), Vec::new());
}

#[test]
fn an_assignee_may_not_verify_either() {
    let f = root().join("rules/ca-verified-by-owner/pass.yaml");
    let mut opts = PolicyOptions::new(now());
    opts.assignees
        .insert("INC-2026-101/CA-2".into(), vec!["dave".into()]);
    assert_eq!(
        run(&f, &opts),
        vec![("ca-verified-by-owner".to_string(), Level::Error)]
    );
}

#[test]
fn without_a_repository_commits_are_not_judged() {
    let f = root().join("rules/unknown-commit/trigger.yaml");
    assert_eq!(run(&f, &PolicyOptions::new(now())), Vec::new());
}

#[test]
fn open_incidents_count_elapsed_time_to_now() {
    // Detected at 09:14; acknowledged nowhere. 20 minutes later SEV-2's
    // 30-minute acknowledgement SLA still runs, 40 minutes later it is missed.
    let src = "id: INC-2026-500\ntitle: t\nseverity: SEV-2\nstatus: open\ndetected_at: 2026-10-01T09:14:00Z\n";
    let rec = parse_record("r.yaml", src.as_bytes()).unwrap();
    let at =
        |s: &str| PolicyOptions::new(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
    let rules = |o: &PolicyOptions| -> Vec<String> {
        policy::check(std::slice::from_ref(&rec), o)
            .into_iter()
            .map(|f| f.rule.to_string())
            .filter(|r| r.starts_with("sla-"))
            .collect()
    };
    assert_eq!(rules(&at("2026-10-01T09:34:00Z")), Vec::<String>::new());
    assert_eq!(rules(&at("2026-10-01T09:54:00Z")), vec!["sla-acknowledge"]);
    let f = policy::check(std::slice::from_ref(&rec), &at("2026-10-01T09:54:00Z"));
    let ack = f.iter().find(|f| f.rule == RuleId::SlaAcknowledge).unwrap();
    assert_eq!((ack.line, ack.column), (Some(5), Some(1)));
}

/// Verification decided on GitHub (the record has no `verified_by`) still
/// starts the 30- and 90-day effectiveness clocks, from GitHub's time.
#[test]
fn effectiveness_counts_from_verification_decided_elsewhere() {
    let path = root().join("rules/ca-unverified/trigger.yaml");
    let rec = parse_record("r.yaml", &std::fs::read(&path).unwrap()).unwrap();
    let mut opts = PolicyOptions::new(now());
    let key = |ca: &str| format!("INC-2026-101/{ca}");
    opts.verified = Some([(key("CA-1"), true), (key("CA-2"), true)].into());
    opts.verified_at.insert(
        key("CA-2"),
        DateTime::parse_from_rfc3339("2026-10-01T10:00:00Z").unwrap(),
    );
    let findings = policy::check(&[rec], &opts);
    let ca2: Vec<&str> = findings
        .iter()
        .filter(|f| f.corrective_action.as_deref() == Some("CA-2"))
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(ca2, ["ca-effectiveness-overdue"], "{findings:?}");
}
