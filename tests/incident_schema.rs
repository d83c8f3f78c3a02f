//! The JSON Schema and the Rust types agree: every valid fixture passes the
//! schema and round-trips through the types (YAML → types → JSON → schema,
//! types → YAML → same value); every invalid fixture fails both.
use std::path::{Path, PathBuf};

use aeef::findings::{Level, RuleId};
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

/// `schemas/config.schema.json` as it must read: the rule names of
/// `rules:` and of a waiver's `rule` are the catalogue's ids, in catalogue
/// order; everything else as it stands. Written the way the file is
/// (2-space indent, non-ASCII as `\uXXXX`, a final newline).
fn expected_config_schema(current: &str) -> String {
    let mut d: serde_json::Value = serde_json::from_str(current).unwrap();
    // `schema` and `config` (input that cannot be read) cannot be set:
    // nothing could be decided without them, and the loader refuses them.
    let settable: Vec<&str> = RuleId::ALL
        .iter()
        .filter(|r| r.scope() != aeef::findings::Scope::Input)
        .map(|r| r.as_str())
        .collect();
    let ids = serde_json::json!(settable);
    d["properties"]["rules"]["propertyNames"]["enum"] = ids.clone();
    if d["properties"].get("waivers").is_some() {
        d["properties"]["waivers"]["items"]["properties"]["rule"]["enum"] = ids;
    }
    let mut out = String::new();
    for c in serde_json::to_string_pretty(&d).unwrap().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out.push('\n');
    out
}

/// One comment line group of `aeef init`'s config: `#   error: a, b,` then
/// continuation lines `#          c, d`, at most 78 columns.
fn wrapped(prefix: &str, items: &[&str]) -> String {
    let mut lines = Vec::new();
    let mut cur = format!("#   {prefix}");
    for (i, it) in items.iter().enumerate() {
        let piece = if i == 0 {
            it.to_string()
        } else {
            format!(", {it}")
        };
        if i > 0 && cur.len() + piece.len() > 78 {
            lines.push(format!("{cur},"));
            cur = format!("#          {it}");
        } else {
            cur.push_str(&piece);
        }
    }
    lines.push(cur);
    lines.join("\n")
}

const INIT_LEVELS_START: &str = "# Rule levels: error | warn | off. The defaults are\n";
const INIT_LEVELS_END: &str = "#   (postmortem-missing is a warning for SEV-3)";

/// `src/cli/init.rs` as it must read: the commented default levels list
/// every rule of the catalogue under its default level.
fn expected_init_source(current: &str) -> String {
    let of = |level: Level| -> Vec<&str> {
        RuleId::ALL
            .iter()
            .filter(|r| r.default_level() == level)
            .map(|r| r.as_str())
            .collect()
    };
    let i = current
        .find(INIT_LEVELS_START)
        .expect("init.rs: rule levels comment");
    let j = current.find(INIT_LEVELS_END).expect("init.rs: SEV-3 note");
    format!(
        "{}{INIT_LEVELS_START}{}\n{}\n{}",
        &current[..i],
        wrapped("error: ", &of(Level::Error)),
        wrapped("warn:  ", &of(Level::Warn)),
        &current[j..]
    )
}

/// The rule catalogue ([`RuleId`]) is the one list of rule ids: the config
/// schema's rule names and `aeef init`'s commented defaults are generated
/// from it, so a new rule cannot be missing from either (they had drifted:
/// the schema lacked every audit rule). When they differ this test prints
/// what to write; `AEEF_BLESS=1 cargo test --test incident_schema
/// generated_rule_lists` writes it.
#[test]
fn generated_rule_lists_match_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("AEEF_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut written = false;
    for (rel, make) in [
        (
            "schemas/config.schema.json",
            expected_config_schema as fn(&str) -> String,
        ),
        ("src/cli/init.rs", expected_init_source),
    ] {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).unwrap();
        let want = make(&current);
        if want == current {
            continue;
        }
        if bless {
            std::fs::write(&path, &want).unwrap();
            written = true;
        } else {
            let first = want
                .lines()
                .zip(current.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let shown: Vec<&str> = want
                .lines()
                .skip(first.saturating_sub(2))
                .take(20)
                .collect();
            stale.push(format!(
                "{rel} differs from the rule catalogue from line {}; expected:\n{}",
                first + 1,
                shown.join("\n")
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n\nrun `AEEF_BLESS=1 cargo test --test incident_schema generated_rule_lists` to write them",
        stale.join("\n\n")
    );
    if written {
        // The compiled `DEFAULT_CONFIG` is the old text until a rebuild.
        return;
    }
    // And what `aeef init` actually writes is that text.
    let init = aeef::cli::init::DEFAULT_CONFIG;
    for r in RuleId::ALL {
        assert!(init.contains(r.as_str()), "{r} missing from init's config");
    }
}

// Guards "one truth" for rule ids: every rule of the catalogue (incident,
// gate and audit rules, `audit-unreadable` included) can be set in
// `.aeef.yml` by both the loader and the schema editors validate with.
#[test]
fn the_config_schema_names_every_rule_of_the_catalogue() {
    let v = validator("config.schema.json");
    for r in RuleId::ALL {
        let yaml = format!("rules: {{{r}: warn}}\n");
        if matches!(r, RuleId::Schema | RuleId::Config) {
            // Nothing can be decided without them: the loader refuses to
            // change their level (issue 11 fix item 11).
            let e = aeef::config::Config::parse(yaml.as_bytes()).unwrap_err();
            assert!(e.message.contains("cannot be changed"), "{r}");
            // And the schema editors validate with refuses them too.
            let cfg = serde_json::json!({"rules": {r.as_str(): "warn"}});
            assert!(!errors(&v, &cfg).is_empty(), "{r}");
            continue;
        }
        let cfg = serde_json::json!({"rules": {r.as_str(): "warn"}});
        assert_eq!(errors(&v, &cfg), Vec::<String>::new(), "{r}");
        let parsed = aeef::config::Config::parse(yaml.as_bytes()).unwrap();
        assert_eq!(parsed.level(*r, Level::Error), Level::Warn, "{r}");
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

/// The README documents every rule of the catalogue with its default level:
/// a rule-table row (`| \`id\` | level | when |`, several ids per row
/// allowed) or a rule bullet (`- \`id\` (level) — when`) names it, and the
/// level it gives is the catalogue's (the README's copy of the rule table
/// had drifted from the code before).
#[test]
fn readme_documents_every_rule_with_its_default_level() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    // (ids, level text) of every rule row and rule bullet.
    let mut entries: Vec<(Vec<&str>, &str)> = Vec::new();
    for line in readme.lines() {
        if line.starts_with('|') {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if let (Some(ids), Some(level)) = (cells.get(1), cells.get(2)) {
                entries.push((ids.split(", ").collect(), level));
            }
        } else if let Some(rest) = line.strip_prefix("- `")
            && let Some((id, tail)) = rest.split_once("` (")
            && let Some((level, _)) = tail.split_once(')')
        {
            entries.push((vec![id], level));
        }
    }
    for r in RuleId::ALL {
        let tick = format!("`{r}`");
        let levels: Vec<&str> = entries
            .iter()
            .filter(|(ids, _)| ids.iter().any(|x| *x == tick || *x == r.as_str()))
            .map(|(_, level)| *level)
            .collect();
        assert!(
            !levels.is_empty(),
            "README has no rule-table row or rule bullet (- `{r}` (level) — …) for {r}"
        );
        for level in levels {
            assert!(
                level.starts_with(r.default_level().as_str()),
                "README gives {r} the level `{level}`, the catalogue `{}`",
                r.default_level().as_str()
            );
        }
    }
}

/// The README's `.aeef.yml` examples (grace, waivers, rule levels …) are
/// what users copy: each one is valid for the loader and for the config
/// schema, so a renamed key or rule cannot leave a broken worked example.
#[test]
fn readme_config_examples_are_valid_config() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    const KEYS: [&str; 7] = [
        "incidents_dir:",
        "adjacency_window:",
        "rules:",
        "agents:",
        "audit:",
        "grace:",
        "waivers:",
    ];
    let v = validator("config.schema.json");
    let mut checked = Vec::new();
    let mut block: Option<String> = None;
    for line in readme.lines() {
        match (&mut block, line.trim_end()) {
            (None, "```yaml") => block = Some(String::new()),
            (Some(b), "```") => {
                let first = b
                    .lines()
                    .map(str::trim_end)
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
                    .unwrap_or("");
                if KEYS.iter().any(|k| first.starts_with(k)) {
                    let cfg = aeef::config::Config::parse(b.as_bytes());
                    assert!(cfg.is_ok(), "README example does not load:\n{b}\n{cfg:?}");
                    let mut raw: serde_json::Value = serde_saphyr::from_str(b).unwrap();
                    // serde-saphyr reads a bare `off` as YAML 1.1's `false`;
                    // editors (YAML 1.2) and aeef's typed loader read the
                    // string `off`.
                    if let Some(rules) = raw.get_mut("rules").and_then(|r| r.as_object_mut()) {
                        for level in rules.values_mut() {
                            if *level == serde_json::json!(false) {
                                *level = serde_json::json!("off");
                            }
                        }
                    }
                    assert_eq!(errors(&v, &raw), Vec::<String>::new(), "{b}");
                    checked.push(first.to_string());
                }
                block = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            _ => {}
        }
    }
    for key in ["grace:", "waivers:", "rules:"] {
        assert!(
            checked.iter().any(|c| c.starts_with(key)),
            "no README example starting with `{key}` was checked: {checked:?}"
        );
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
