//! `aeef init`, `incident new|check|list|show` and `postmortem` end to end,
//! on real repositories.
mod common;

use std::path::Path;

use common::{RepoBuilder, aeef, stderr, stdout};

const NOW: &str = "2026-12-01T00:00:00Z";

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/incidents")
            .join(rel),
    )
    .unwrap()
}

/// A repository whose history has the fixtures' faulty commit id prefix is
/// impossible to forge, so policy fixtures that name `3f2a9c1e` get it
/// rewritten to a real commit here.
fn repo_with(files: &[(&str, &[u8])]) -> (RepoBuilder, String) {
    let mut r = RepoBuilder::new();
    r.write("src/payments/retry.rs", "fn retry() {}\n");
    let sha = r.commit("feat: retry");
    for (name, bytes) in files {
        let text = String::from_utf8_lossy(bytes).replace("3f2a9c1e", &sha[..8]);
        let bytes: Vec<u8> = if std::str::from_utf8(bytes).is_ok() {
            text.into_bytes()
        } else {
            bytes.to_vec()
        };
        r.write_bytes(&format!("incidents/{name}"), &bytes);
    }
    // Committed, as in CI: `incident check` decides verification like the
    // gate, from who committed each `verified_by` line.
    if !files.is_empty() {
        r.author("Incident Lead", "lead@example.com");
        r.commit("docs: incident records");
        r.author("Alice Human", "alice@example.com");
    }
    (r, sha)
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Each kind of bad input gives a `schema` finding with a position and
/// exit 2, in JSON (stdout) and human output, and `postmortem -o` writes
/// nothing.
#[test]
fn bad_input_gives_positioned_diagnostics_and_exit_2() {
    type Case = (&'static str, Vec<u8>, (u64, u64), &'static str);
    let cases: Vec<Case> = vec![
        ("empty.yaml", fixture("invalid/empty.yaml"), (1, 1), "empty"),
        (
            "syntax-error.yaml",
            fixture("invalid/syntax-error.yaml"),
            (7, 39),
            "syntax",
        ),
        (
            "wrong-type.yaml",
            fixture("invalid/wrong-type.yaml"),
            (7, 19),
            "wrong type for `users_affected`",
        ),
        (
            "unknown-enum.yaml",
            fixture("invalid/unknown-enum.yaml"),
            (9, 15),
            "test-improvment",
        ),
        (
            "no-time-zone.yaml",
            fixture("invalid/no-time-zone.yaml"),
            (5, 14),
            "no time zone",
        ),
        (
            "date-only.yaml",
            fixture("invalid/date-only.yaml"),
            (6, 14),
            "no time zone",
        ),
        (
            "unknown-key.yaml",
            fixture("invalid/unknown-key.yaml"),
            (7, 3),
            "unknown key `orign`",
        ),
        (
            "bad-id.yaml",
            fixture("invalid/bad-id.yaml"),
            (1, 5),
            "not an incident id",
        ),
        (
            "missing-required.yaml",
            fixture("invalid/missing-required.yaml"),
            (1, 1),
            "detected_at",
        ),
        (
            "latin1.yaml",
            b"id: INC-2026-001\ntitle: caf\xe9\n".to_vec(),
            (2, 11),
            "UTF-8",
        ),
        (
            // Issues and verification are keyed INC/CA: two CA-1 would be one.
            "duplicate-ca.yaml",
            b"id: INC-2026-001\ntitle: t\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-11-01T00:00:00Z\ncorrective_actions:\n  - id: CA-1\n    action: a\n    category: training\n  - id: CA-1\n    action: b\n    category: training\n".to_vec(),
            (10, 9),
            "CA-1 appears twice",
        ),
    ];
    for (name, bytes, (line, col), needle) in cases {
        let (r, _) = repo_with(&[(name, &bytes)]);
        let o = aeef(
            r.path(),
            &["incident", "check", "--now", NOW, "--format", "json"],
        );
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let doc = json(&o);
        assert_eq!(doc["schema_version"], 1);
        let f = &doc["findings"][0];
        assert_eq!(f["rule"], "schema", "{name}: {doc}");
        assert_eq!(f["file"], format!("incidents/{name}"), "{name}");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(line), Some(col)),
            "{name}: {f}"
        );
        assert!(
            f["message"].as_str().unwrap().contains(needle),
            "{name}: {f}"
        );
        assert!(f["help"].as_str().is_some_and(|h| !h.is_empty()), "{name}");

        let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let out = stdout(&o);
        assert!(
            out.contains(&format!("incidents/{name}:{line}:{col}")),
            "{name}: {out}"
        );
        assert!(out.contains("help:"), "{name}: {out}");

        let o = aeef(
            r.path(),
            &["postmortem", "INC-2026-001", "-o", "pm.md", "--now", NOW],
        );
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(
            !r.path().join("pm.md").exists(),
            "{name}: postmortem wrote a file"
        );
        assert!(
            stderr(&o).contains(&format!("incidents/{name}")),
            "{name}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn duplicate_ids_name_both_files() {
    let (r, _) = repo_with(&[
        ("INC-2026-300.yaml", &fixture("duplicate/INC-2026-300.yaml")),
        ("INC-2026-301.yaml", &fixture("duplicate/INC-2026-301.yaml")),
    ]);
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2));
    let doc = json(&o);
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "schema")
        .unwrap();
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("incidents/INC-2026-300.yaml") && msg.contains("incidents/INC-2026-301.yaml"),
        "{msg}"
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn human_diagnostics_snapshot() {
    let (r, _) = repo_with(&[
        ("INC-2026-201.yaml", &fixture("invalid/unknown-key.yaml")),
        ("INC-2026-202.yaml", &fixture("invalid/no-time-zone.yaml")),
        ("INC-2026-101.yaml", &fixture("rules/ca-owner/trigger.yaml")),
        (
            "INC-2026-102.yaml",
            &fixture("rules/ca-unverified/trigger.yaml"),
        ),
    ]);
    // Two records share id INC-2026-101 after the copy above: rename one.
    let p = r.path().join("incidents/INC-2026-102.yaml");
    let t = std::fs::read_to_string(&p)
        .unwrap()
        .replace("id: INC-2026-101", "id: INC-2026-102");
    std::fs::write(&p, t).unwrap();
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!("check_human", stdout(&o));
}

#[test]
fn check_exit_codes_follow_the_verdict_and_config_levels() {
    let (r, _) = repo_with(&[("INC-2026-002.yaml", &fixture("valid/sev-2.yaml"))]);
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        json(&o),
        serde_json::json!({"schema_version": 1, "verdict": "pass", "findings": []})
    );

    let (r, _) = repo_with(&[(
        "INC-2026-101.yaml",
        &fixture("rules/ca-categories/trigger.yaml"),
    )]);
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    assert_eq!(doc["verdict"], "fail");
    assert_eq!(doc["findings"][0]["rule"], "ca-categories");
    assert_eq!(doc["findings"][0]["level"], "error");
    assert_eq!(doc["findings"][0]["incident"], "INC-2026-101");
    assert_eq!(doc["findings"][0]["file"], "incidents/INC-2026-101.yaml");

    std::fs::write(
        r.path().join(".aeef.yml"),
        "rules:\n  ca-categories: warn\n",
    )
    .unwrap();
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["findings"][0]["level"], "warn");

    // A warning becomes an error with --fail-on unverified.
    let (r, _) = repo_with(&[(
        "INC-2026-101.yaml",
        &fixture("rules/ca-unverified/trigger.yaml"),
    )]);
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0));
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--fail-on", "unverified"],
    );
    assert_eq!(o.status.code(), Some(1));

    // A bad config is exit 2 with its position.
    std::fs::write(
        r.path().join(".aeef.yml"),
        "rules:\n  ca-categoires: warn\n",
    )
    .unwrap();
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `ca-categories`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_faulty_commits_are_errors_and_paths_narrow_the_check() {
    let (r, _) = repo_with(&[
        (
            "INC-2026-101.yaml",
            &fixture("rules/unknown-commit/trigger.yaml"),
        ),
        ("INC-2026-002.yaml", &fixture("valid/sev-2.yaml")),
    ]);
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    assert_eq!(doc["findings"][0]["rule"], "unknown-commit");
    assert_eq!(doc["findings"][0]["commit"], "deadbeef00");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "check",
            "--now",
            NOW,
            "incidents/INC-2026-002.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn init_writes_defaults_and_refuses_to_overwrite() {
    let r = RepoBuilder::new();
    let o = aeef(r.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [
        ".aeef.yml",
        "incidents/.gitkeep",
        ".aeef/incident.schema.json",
        ".aeef/config.schema.json",
    ] {
        assert!(r.path().join(f).exists(), "{f}");
    }
    let cfg = std::fs::read(r.path().join(".aeef.yml")).unwrap();
    assert_eq!(
        aeef::config::Config::parse(&cfg).unwrap(),
        aeef::config::Config::default()
    );
    std::fs::write(r.path().join(".aeef.yml"), "adjacency_window: 5\n").unwrap();
    let o = aeef(r.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(r.path().join(".aeef.yml")).unwrap(),
        "adjacency_window: 5\n"
    );
}

#[test]
fn new_prefills_from_provenance_and_points_at_an_existing_schema() {
    let mut r = RepoBuilder::new();
    r.write("src/pay.rs", "fn pay() {}\n");
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4-20250514")
        .trailer("AI-Prompt-Ref", "prompts/payments/retry.v2.1.0")
        .trailer("AI-Human-Modifications", "minor");
    let sha = r.commit("feat: retry payments");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            &sha[..8],
            "--severity",
            "SEV-2",
            "--title",
            "Double charge",
            "--team",
            "payments",
            "--detected-at",
            "2026-11-02T09:14:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "incidents/INC-2026-001.yaml\n");
    let text = std::fs::read_to_string(r.path().join("incidents/INC-2026-001.yaml")).unwrap();
    let first = text.lines().next().unwrap();
    let schema = first
        .strip_prefix("# yaml-language-server: $schema=")
        .expect("schema line");
    assert!(r.path().join("incidents").join(schema).exists(), "{schema}");
    let rec = aeef::incident::store::parse_record("x", text.as_bytes()).unwrap();
    let inc = rec.incident;
    assert_eq!(inc.faulty_commits, vec![sha.clone()]);
    assert_eq!(inc.team.as_deref(), Some("payments"));
    let c = inc.classification.unwrap();
    assert_eq!(c.origin, Some(aeef::incident::Origin::AiGenerated));
    let tool = c.ai_tool.unwrap();
    assert_eq!(tool.name, "claude-code");
    // One model, one row (DESIGN §1.3): the snapshot date is dropped from
    // `model_version`; the evidence keeps the text as written.
    assert_eq!(tool.model_version.as_deref(), Some("claude-opus-4"));
    assert!(
        c.evidence
            .iter()
            .any(|e| e.contains("AI-Tool: claude-code")),
        "{:?}",
        c.evidence
    );
    let g = inc.generation_context.unwrap();
    assert_eq!(
        g.prompt_template.as_deref(),
        Some("prompts/payments/retry.v2.1.0")
    );
    assert_eq!(
        g.human_modifications,
        Some(aeef::provenance::HumanModifications::Minor)
    );
    // A fresh record is schema-valid: the check reports only policy findings.
    let o = aeef(
        r.path(),
        &[
            "incident",
            "check",
            "--now",
            "2026-11-02T09:20:00Z",
            "--format",
            "json",
        ],
    );
    // While the incident is open, what the standard asks for *after* it
    // (post-mortem, corrective actions) is a warning that names its grace.
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let findings = json(&o)["findings"].as_array().unwrap().clone();
    assert!(findings.iter().all(|f| f["rule"] != "schema"));
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "postmortem-missing" && f["level"] == "warn"),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["rule"] == "ca-categories")
            .all(|f| f["level"] == "warn" && f["message"].as_str().unwrap().contains("grace")),
        "{findings:?}"
    );

    // The next one gets the next number; an unknown commit writes nothing.
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
            "x",
            "--detected-at",
            "2026-12-02T09:00:00+01:00",
        ],
    );
    assert_eq!(stdout(&o), "incidents/INC-2026-002.yaml\n");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            "0badc0de",
            "--severity",
            "SEV-4",
            "--title",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("0badc0de"));
    let n = std::fs::read_dir(r.path().join("incidents"))
        .unwrap()
        .count();
    assert_eq!(n, 2);
}

/// Two `incident new` at once must get two different ids and never clobber.
#[test]
fn concurrent_new_allocates_distinct_ids() {
    let mut r = RepoBuilder::new();
    r.write("a", "a\n");
    r.commit("a");
    let dir = r.path_buf();
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let title = format!("race {i}");
                let o = aeef(
                    &dir,
                    &[
                        "incident",
                        "new",
                        "--commit",
                        "HEAD",
                        "--severity",
                        "SEV-3",
                        "--title",
                        &title,
                        "--detected-at",
                        "2026-05-01T00:00:00Z",
                    ],
                );
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
                stdout(&o).trim().to_string()
            })
        })
        .collect();
    let mut paths: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 6, "{paths:?}");
    let mut titles: Vec<String> = paths
        .iter()
        .map(|p| {
            let t = std::fs::read_to_string(dir.join(p)).unwrap();
            let inc = aeef::incident::store::parse_record(p, t.as_bytes())
                .unwrap()
                .incident;
            assert_eq!(format!("incidents/{}.yaml", inc.id), *p);
            inc.title
        })
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        (0..6).map(|i| format!("race {i}")).collect::<Vec<_>>()
    );
}

#[test]
fn list_and_show_in_both_formats() {
    let (r, _) = repo_with(&[
        ("INC-2026-002.yaml", &fixture("valid/sev-2.yaml")),
        (
            "INC-2026-101.yaml",
            &fixture("rules/ca-unverified-overdue/trigger.yaml"),
        ),
    ]);
    let o = aeef(r.path(), &["incident", "list", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("list_human", stdout(&o));
    let o = aeef(
        r.path(),
        &["incident", "list", "--now", NOW, "--format", "json"],
    );
    let doc = json(&o);
    let rows = doc["incidents"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["id"], "INC-2026-101");
    assert_eq!(
        (
            rows[1]["open_actions"].as_u64(),
            rows[1]["overdue_actions"].as_u64()
        ),
        (Some(1), Some(1))
    );

    let o = aeef(
        r.path(),
        &[
            "incident",
            "show",
            "INC-2026-002",
            "--now",
            NOW,
            "--format",
            "json",
        ],
    );
    let doc = json(&o);
    assert_eq!(doc["incident"]["id"], "INC-2026-002");
    assert_eq!(doc["incident"]["corrective_actions"][1]["id"], "CA-2");
    assert_eq!(doc["sla"][0]["met"], true);
    let o = aeef(
        r.path(),
        &["incident", "show", "inc-2026-002", "--now", NOW],
    );
    let out = stdout(&o);
    assert!(out.starts_with("INC-2026-002 — Payment retry"), "{out}");
    assert!(out.contains("root_cause:"), "{out}");
    let o = aeef(r.path(), &["incident", "show", "INC-2026-003"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `INC-2026-002`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn postmortem_renders_every_section() {
    let (r, _) = repo_with(&[("INC-2026-002.yaml", &fixture("valid/sev-2.yaml"))]);
    let o = aeef(r.path(), &["postmortem", "INC-2026-002", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    insta::assert_snapshot!("postmortem_sev2", md);
    let o = aeef(
        r.path(),
        &[
            "postmortem",
            "INC-2026-002",
            "--now",
            NOW,
            "-o",
            "out/pm.md",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "missing parent dir is an error");
    // Issue 14 item 8: the error had no code or help and showed the
    // temporary file's name.
    let err = stderr(&o);
    assert!(err.contains("aeef::output::missing_dir"), "{err}");
    assert!(
        err.contains("out/pm.md") && err.contains("mkdir -p"),
        "{err}"
    );
    assert!(!err.contains(".aeef-") && !err.contains(".tmp"), "{err}");
    std::fs::create_dir(r.path().join("out")).unwrap();
    let o = aeef(
        r.path(),
        &[
            "postmortem",
            "INC-2026-002",
            "--now",
            NOW,
            "-o",
            "out/pm.md",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(r.path().join("out/pm.md")).unwrap(),
        md
    );
}

#[test]
fn postmortem_of_a_fresh_record_says_what_is_missing() {
    let (r, _) = repo_with(&[(
        "INC-2026-009.yaml",
        b"id: INC-2026-009\ntitle: Fresh\nseverity: SEV-1\nstatus: open\ndetected_at: 2026-11-30T19:30:00Z\n",
    )]);
    let o = aeef(r.path(), &["postmortem", "INC-2026-009", "--now", NOW]);
    let md = stdout(&o);
    for section in [
        "## Summary",
        "## Timeline",
        "## AI Generation Context",
        "## Five-Layer Root Cause Analysis",
        "### Layer 1: The Defect",
        "### Layer 5: The Process and Environment",
        "## Root Cause Statement",
        "## Corrective Actions",
        "## Lessons Learned",
        "## Metrics Impact",
    ] {
        assert!(md.contains(section), "{section} missing:\n{md}");
    }
    assert!(md.matches("_Not recorded yet._").count() >= 10, "{md}");
    // SEV-1 at 4 h 30 min elapsed: acknowledgement (15 min) and mitigation (4 h) missed, resolution pending.
    assert!(
        md.contains("acknowledge missed")
            && md.contains("mitigate missed")
            && md.contains("resolve pending"),
        "{md}"
    );
}

/// Issue 14 item 8: a record opened without `--detected-at` got a
/// timestamp with nanoseconds. Default timestamps are RFC 3339 in whole
/// seconds, as people write them.
#[test]
fn new_without_detected_at_writes_whole_seconds() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    let sha = r.commit("one");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            &sha,
            "--severity",
            "SEV-3",
            "--title",
            "Clock",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = json(&o)["path"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(r.path().join(path)).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("detected_at:"))
        .expect("detected_at line");
    let value = line["detected_at:".len()..]
        .trim()
        .trim_matches(['"', '\'']);
    let t = chrono::DateTime::parse_from_rfc3339(value).expect(value);
    assert_eq!(t.timestamp_subsec_nanos(), 0, "{line}");
    assert!(!value.contains('.'), "{line}");
}

/// Issue 14 item 9: four commands treated an unreadable record four ways
/// (a list of messages, a report-only code, findings with snippets, or
/// silently skipping it). Every command that uses the records now refuses
/// the same way: the `schema` finding with file and line on stderr (on
/// stdout as JSON with `--format json`), exit 2, `aeef::incident::unreadable`.
#[test]
fn every_command_refuses_an_unreadable_record_the_same_way() {
    let (r, _) = repo_with(&[
        ("INC-2026-002.yaml", &fixture("valid/sev-2.yaml")),
        (
            "INC-2026-003.yaml",
            b"id: INC-2026-003\ntitle: [unclosed\n".as_slice(),
        ),
    ]);
    let commands: &[&[&str]] = &[
        &["incident", "list"],
        &["incident", "show", "INC-2026-002"],
        &["postmortem", "INC-2026-002"],
        &["report", "--month", "2026-11", "--no-provenance"],
        &["ca", "status", "--offline"],
        &["ca", "review", "--offline"],
        &["ca", "file", "--dry-run"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.extend(["--now", NOW]);
        if cmd[0] == "ca" && cmd[1] == "file" {
            args.truncate(args.len() - 2); // `ca file` has no clock
        }
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("aeef::incident::unreadable"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("incidents/INC-2026-003.yaml:2"),
            "{args:?}: {err}"
        );
        assert!(stdout(&o).is_empty(), "{args:?} printed a partial result");
    }
    // With `--format json` the findings are the JSON document on stdout.
    for cmd in [
        &["incident", "list"][..],
        &["ca", "status", "--offline"][..],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["--format", "json"]);
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let v = json(&o);
        assert_eq!(v["verdict"], "error", "{args:?}");
        assert_eq!(v["findings"][0]["rule"], "schema", "{args:?}");
        assert_eq!(v["findings"][0]["file"], "incidents/INC-2026-003.yaml");
    }
}

/// Why: issue 11 (fix item 12) found `--title $'a\nb: c'` accepted, writing
/// a multi-line title into the record. A title is one line: refused with
/// the usage code, exit 2, and no file written.
#[test]
fn a_title_with_a_line_break_or_control_character_is_refused() {
    let mut r = RepoBuilder::new();
    r.write("a", "a\n");
    r.commit("a");
    for title in ["a\nb: c", "bell\u{7}", "tab\there"] {
        let o = aeef(
            r.path(),
            &["incident", "new", "--severity", "SEV-4", "--title", title],
        );
        assert_eq!(o.status.code(), Some(2), "{title:?}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(e.contains("aeef::usage") && e.contains("one line"), "{e}");
        assert!(!r.path().join("incidents").exists(), "{title:?}");
    }
}

/// Guards against false type errors beside a real one (a fresh tester): a
/// record `aeef incident new` wrote, its lists in the unindented `- item`
/// style, with one mistake, gets that one error only; `faulty_commits`
/// and `classification.evidence` are not "found a mapping".
#[test]
fn one_mistake_in_a_written_record_is_one_error() {
    let mut r = RepoBuilder::new();
    r.write("a", "a\n");
    let sha = r.commit("a");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--severity",
            "SEV-2",
            "--title",
            "x",
            "--commit",
            &sha,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::read_dir(r.path().join("incidents"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .expect("the record");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\nfaulty_commits:\n- "),
        "unindented list: {text}"
    );
    for (from, to, want) in [
        ("status: open", "status: bogus", "`status`: `bogus`"),
        ("severity: SEV-2", "severity: SEV-9", "`severity`: `SEV-9`"),
        ("title: x", "title: [a]", "wrong type for `title`"),
    ] {
        assert!(text.contains(from), "{from}: {text}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        let o = aeef(r.path(), &["incident", "check"]);
        assert_eq!(o.status.code(), Some(2));
        let e = format!("{}{}", stdout(&o), stderr(&o));
        assert!(e.contains(want), "{e}");
        assert!(!e.contains("found a mapping"), "{to}: {e}");
    }
}
