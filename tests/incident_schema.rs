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
