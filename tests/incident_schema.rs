//! The JSON Schema and the Rust types agree: every valid fixture passes the
//! schema and round-trips through the types (YAML → types → JSON → schema,
//! types → YAML → same value); every invalid fixture fails both.
use std::path::{Path, PathBuf};

use aeef::incident::Incident;
use aeef::incident::store::parse_record;

fn fixtures(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/incidents")
        .join(sub);
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures under {sub}");
    v
}

fn validator(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_valid_fixture_matches_the_schema_and_round_trips() {
    let v = validator("incident.schema.json");
    let mut files = fixtures("valid");
    files.extend(fixtures("rules"));
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let rec =
            parse_record("x.yaml", &bytes).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        // The YAML as written satisfies the schema.
        let raw: serde_json::Value = serde_saphyr::from_slice(&bytes).unwrap();
        assert_eq!(
            errors(&v, &raw),
            Vec::<String>::new(),
            "{} (as written)",
            f.display()
        );
        // types → JSON satisfies it too, and comes back as the same value.
        let json = serde_json::to_value(&rec.incident).unwrap();
        assert_eq!(
            errors(&v, &json),
            Vec::<String>::new(),
            "{} (from types)",
            f.display()
        );
        let back: Incident = serde_json::from_value(json).unwrap();
        assert_eq!(back, rec.incident, "{}: JSON round trip", f.display());
        // types → YAML → types is the identity, and the YAML re-reads cleanly.
        let yaml = serde_saphyr::to_string(&rec.incident).unwrap();
        let again = parse_record("y.yaml", yaml.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e:?}\n{yaml}", f.display()));
        assert_eq!(
            again.incident,
            rec.incident,
            "{}: YAML round trip",
            f.display()
        );
    }
}

#[test]
fn every_invalid_fixture_fails_both_the_types_and_the_schema() {
    let v = validator("incident.schema.json");
    for f in fixtures("invalid") {
        let bytes = std::fs::read(&f).unwrap();
        let finding = parse_record("x.yaml", &bytes).err();
        assert!(
            finding.is_some(),
            "{} was accepted by the types",
            f.display()
        );
        if let Ok(raw) = serde_saphyr::from_slice::<serde_json::Value>(&bytes) {
            assert!(
                !v.is_valid(&raw),
                "{} was accepted by the schema",
                f.display()
            );
        }
    }
}

#[test]
fn the_config_schema_accepts_what_init_writes_and_rejects_unknown_rules() {
    let v = validator("config.schema.json");
    let init: serde_json::Value = serde_saphyr::from_str(aeef::cli::init::DEFAULT_CONFIG).unwrap();
    assert_eq!(errors(&v, &init), Vec::<String>::new());
    let cfg: aeef::config::Config =
        serde_saphyr::from_str(aeef::cli::init::DEFAULT_CONFIG).unwrap();
    assert_eq!(
        errors(&v, &serde_json::to_value(&cfg).unwrap()),
        Vec::<String>::new()
    );
    let bad: serde_json::Value = serde_json::json!({"rules": {"ca-categoires": "warn"}});
    assert!(!v.is_valid(&bad));
    assert!(aeef::config::Config::parse(b"rules: {ca-categoires: warn}\n").is_err());
    let bad_level = serde_json::json!({"rules": {"ca-categories": "loud"}});
    assert!(!v.is_valid(&bad_level));
    assert!(aeef::config::Config::parse(b"rules: {ca-categories: loud}\n").is_err());
}

/// The rule catalogue is the one list of rule ids: the config schema's rule
/// names and `aeef init`'s commented defaults are checked against it, so a
/// new rule cannot be missing from either (they had drifted: the schema
/// lacked every audit rule).
#[test]
fn config_schema_and_init_config_list_every_catalogue_rule() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/config.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let names: Vec<&str> = schema["properties"]["rules"]["propertyNames"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let ids: Vec<&str> = aeef::findings::rules::RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        names, ids,
        "schemas/config.schema.json rules vs the catalogue"
    );
    let init = aeef::cli::init::DEFAULT_CONFIG;
    let section = |level: &str| {
        // `#   error: a, b,` then continuation lines `#          c, d`.
        let mut out = Vec::new();
        let mut inside = false;
        for line in init.lines() {
            if let Some(rest) = line.strip_prefix(&format!("#   {level}:")) {
                inside = true;
                out.extend(
                    rest.split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            } else if inside && line.starts_with("#          ") {
                out.extend(
                    line[1..]
                        .split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            } else {
                inside = false;
            }
        }
        out
    };
    let (errors, warns) = (section("error"), section("warn"));
    for r in aeef::findings::rules::RULES {
        let listed = match r.default_level {
            aeef::findings::Level::Error => &errors,
            _ => &warns,
        };
        assert!(
            listed.iter().any(|x| x == r.id),
            "{} is not listed under its default level in init's config",
            r.id
        );
    }
}

// Guards "one truth" for rule ids: every rule of the catalogue (incident,
// gate and audit rules, `audit-unreadable` included) can be set in
// `.aeef.yml` by both the loader and the schema editors validate with.
#[test]
fn the_config_schema_names_every_rule_of_the_catalogue() {
    let v = validator("config.schema.json");
    for r in aeef::findings::rules::RULES {
        let cfg = serde_json::json!({"rules": {r.id: "warn"}});
        assert_eq!(errors(&v, &cfg), Vec::<String>::new(), "{}", r.id);
        let yaml = format!("rules: {{{}: warn}}\n", r.id);
        assert!(
            aeef::config::Config::parse(yaml.as_bytes()).is_ok(),
            "{}",
            r.id
        );
    }
}

/// Grace and waivers are valid in both the schema and the loader, and the
/// loader refuses a waiver for an unknown rule or a malformed period.
#[test]
fn grace_and_waivers_parse_in_schema_and_loader() {
    let text = "grace: {postmortem: 3bd, corrective_actions: 48h}\nwaivers:\n  - rule: touches-open-incident\n    incident: INC-2026-007\n    corrective_action: CA-2\n    reason: reviewed\n    approved_by: bob\n    expires: 2026-12-31\n";
    let v = validator("config.schema.json");
    let raw: serde_json::Value = serde_saphyr::from_str(text).unwrap();
    assert_eq!(errors(&v, &raw), Vec::<String>::new());
    let c = aeef::config::Config::parse(text.as_bytes()).unwrap();
    assert_eq!(
        c.grace.postmortem,
        aeef::config::GracePeriod::BusinessDays(3)
    );
    assert_eq!(
        c.grace.corrective_actions,
        aeef::config::GracePeriod::Hours(48)
    );
    assert_eq!(c.waivers[0].corrective_action.as_deref(), Some("CA-2"));
    let e = aeef::config::Config::parse(
        b"waivers:\n  - {rule: touches-open-incidnet, incident: INC-2026-007, reason: r, approved_by: bob, expires: 2026-12-31}\n",
    )
    .unwrap_err();
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `touches-open-incident`?")
    );
    assert!(aeef::config::Config::parse(b"grace: {postmortem: soon}\n").is_err());
}

/// The README documents every rule of the catalogue, and where a table row
/// gives a rule's default level, it is the catalogue's (the README's copy
/// of the rule table had drifted from the code before).
#[test]
fn readme_documents_every_rule_with_its_default_level() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for r in aeef::findings::rules::RULES {
        let tick = format!("`{}`", r.id);
        assert!(readme.contains(&tick), "README does not mention {}", r.id);
        for row in readme.lines().filter(|l| l.starts_with('|')) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            // `| \`a\`, \`b\` | level | when |`: the first cell names the rule.
            let named = cells
                .get(1)
                .is_some_and(|c| c.split(", ").any(|x| x == tick));
            if named && let Some(level) = cells.get(2) {
                assert!(
                    level.starts_with(r.default_level.as_str()),
                    "README gives {} the level `{level}`, the catalogue `{}`",
                    r.id,
                    r.default_level.as_str()
                );
            }
        }
    }
}

/// `pr.primary_threshold` (DESIGN §9): the schema editors validate with and
/// the loader agree on what is a share (0 to 1) and what is not.
#[test]
fn pr_primary_threshold_agrees_in_schema_and_loader() {
    let v = validator("config.schema.json");
    for (text, ok) in [
        ("pr: {primary_threshold: 0.5}\n", true),
        ("pr: {primary_threshold: 0}\n", true),
        ("pr: {primary_threshold: 1}\n", true),
        ("pr: {primary_threshold: 1.5}\n", false),
        ("pr: {primary_threshold: -0.1}\n", false),
        ("pr: {primary_threshold: half}\n", false),
        ("pr: {threshold: 0.5}\n", false),
    ] {
        let raw: serde_json::Value = serde_saphyr::from_str(text).unwrap();
        assert_eq!(errors(&v, &raw).is_empty(), ok, "schema: {text}");
        assert_eq!(
            aeef::config::Config::parse(text.as_bytes()).is_ok(),
            ok,
            "loader: {text}"
        );
    }
}
