//! The GitHub, Markdown and SARIF renderers of one report model.
//!
//! Annotations are checked as exact strings and also parsed back the way the
//! Actions runner parses workflow commands, so escaping is proven by round
//! trip, not only by example. SARIF is validated by Microsoft's SARIF
//! Multitool (`AEEF_SARIF_MULTITOOL`, or the copy `.ci/run` installs in
//! `.ci/node_modules`; a failure in CI when missing, see
//! `tests/external_tool`), plus structural checks that always run.
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

use aeef::findings::{Finding, Level, Report, RuleId, github, markdown, rules, sarif};

mod external_tool;

fn report(findings: Vec<Finding>) -> Report {
    Report { findings }
}

/// A report that exercises every location shape and every character the
/// renderers must escape.
fn mixed_report() -> Report {
    report(vec![
        Finding::new(
            RuleId::CaUnverified,
            Level::Warn,
            "CA-2 is not verified: owner bob, due 2026-03-01",
        )
        .incident("INC-2026-007")
        .action("CA-2")
        .file("incidents/INC-2026-007.yaml")
        .at(40, 5),
        Finding::new(
            RuleId::ProvenanceIncomplete,
            Level::Error,
            "commit lacks AI-Reviewed-By, AI-Prompt-Ref",
        )
        .commit("3f2a9c1e0b7d4a5f8e6c2b1a0d9f8e7c6b5a4d3e")
        .help("add the trailers: AI-Reviewed-By: <login>"),
        Finding::new(
            RuleId::CaUnverifiedOverdue,
            Level::Error,
            "100% overdue | see\r\nline two: a, b",
        )
        .incident("INC-2026-007")
        .action("CA-1")
        .file("incidents/dir with space/INC-2026-007 #1.yaml")
        .at(31, 7),
        Finding::new(
            RuleId::PostmortemMissing,
            Level::Warn,
            "rca.human_review is empty",
        )
        .incident("INC-2026-008")
        .file("incidents/INC-2026-008.yaml"),
        Finding::new(RuleId::Schema, Level::Error, "unknown key `sevrity`")
            .file("incidents/INC-2026-009.yaml")
            .at(3, 1),
    ])
}

fn annotations_of(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    github::annotations(r, &mut out).expect("write to Vec");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// A workflow command as the runner sees it.
#[derive(Debug, PartialEq)]
struct Command_ {
    command: String,
    properties: BTreeMap<String, String>,
    data: String,
}

/// Parses one line the way actions/runner's `ActionCommand.TryParseV2`
/// does: `::name k=v,k=v::data`, properties split at `,` then at the first
/// `=`, values and data unescaped (`%0D`, `%0A`, `%3A`, `%2C`, then `%25`).
fn parse_command(line: &str) -> Option<Command_> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = match head.find(' ') {
        Some(i) => (&head[..i], &head[i + 1..]),
        None => (head, ""),
    };
    let mut properties = BTreeMap::new();
    for pair in props.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=')?;
        properties.insert(k.to_string(), unescape_property(v));
    }
    Some(Command_ {
        command: command.to_string(),
        properties,
        data: unescape_data(data),
    })
}

fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn annotation_escaping_is_exact_in_data_and_properties() {
    let r = report(vec![
        Finding::new(
            RuleId::CaUnverifiedOverdue,
            Level::Error,
            "50% done: a, b\r\nnext line\nlast",
        )
        .incident("INC-1")
        .action("CA-1")
        .file("incidents/a:b,c%d.yaml")
        .at(3, 9),
    ]);
    assert_eq!(
        annotations_of(&r),
        vec![
            "::error file=incidents/a%3Ab%2Cc%25d.yaml,line=3,col=9,\
             title=ca-unverified-overdue INC-1/CA-1::50%25 done: a, b%0D%0Anext line%0Alast"
                .to_string()
        ]
    );
    assert_eq!(github::escape_data("%\r\n:,"), "%25%0D%0A:,");
    assert_eq!(github::escape_property("%\r\n:,"), "%25%0D%0A%3A%2C");
}

#[test]
fn annotations_round_trip_through_the_runner_parser() {
    // Why: a missed escape silently truncates the message or drops
    // properties in the runner; parsing back proves nothing is lost.
    let r = mixed_report();
    let lines = annotations_of(&r);
    assert_eq!(lines.len(), r.findings.len());
    let mut seen = HashSet::new();
    for line in &lines {
        let cmd = parse_command(line).unwrap_or_else(|| panic!("unparsable: {line}"));
        let f = r
            .findings
            .iter()
            .find(|f| {
                let mut expect = f.message.clone();
                if let Some(h) = &f.help {
                    expect.push_str("\nhelp: ");
                    expect.push_str(h);
                }
                cmd.data == expect
            })
            .unwrap_or_else(|| panic!("no finding has the message of {line}"));
        assert!(seen.insert(f.message.clone()), "finding written twice");
        let expected_command = match f.level {
            Level::Error => "error",
            _ => "warning",
        };
        assert_eq!(cmd.command, expected_command);
        assert_eq!(cmd.properties.get("file"), f.file.as_ref());
        assert_eq!(
            cmd.properties.get("line").map(String::as_str),
            f.line.map(|l| l.to_string()).as_deref()
        );
        assert_eq!(
            cmd.properties.get("col").map(String::as_str),
            f.column.map(|c| c.to_string()).as_deref()
        );
        let title = cmd.properties.get("title").expect("title");
        assert!(title.starts_with(f.rule.as_str()), "{title}");
        if let Some(inc) = &f.incident {
            assert!(title.contains(inc.as_str()), "{title}");
        }
    }
}

#[test]
fn errors_come_before_warnings() {
    let lines = annotations_of(&mixed_report());
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| if l.starts_with("::error ") { "e" } else { "w" })
        .collect();
    assert_eq!(kinds, ["e", "e", "e", "w", "w"]);
    // Within a level the report's order is kept (a stable sort).
    assert!(lines[0].contains("provenance-incomplete"));
    assert!(lines[1].contains("ca-unverified-overdue"));
    assert!(lines[2].contains("title=schema"));
}

#[test]
fn commit_findings_carry_the_short_commit_in_the_title_and_no_file() {
    let lines = annotations_of(&mixed_report());
    let line = lines
        .iter()
        .find(|l| l.contains("provenance-incomplete"))
        .expect("annotation");
    assert_eq!(
        line,
        "::error title=provenance-incomplete 3f2a9c1e0b7d::commit lacks AI-Reviewed-By, AI-Prompt-Ref\
         %0Ahelp: add the trailers: AI-Reviewed-By: <login>"
    );
}

#[test]
fn past_the_runner_limits_one_notice_counts_the_rest() {
    let mut findings = Vec::new();
    for i in 0..13 {
        findings.push(
            Finding::new(RuleId::CaDue, Level::Error, format!("error {i}")).incident("INC-1"),
        );
    }
    for i in 0..11 {
        findings.push(Finding::new(
            RuleId::CaNotFiled,
            Level::Warn,
            format!("warning {i}"),
        ));
    }
    let lines = annotations_of(&report(findings));
    let errors = lines.iter().filter(|l| l.starts_with("::error ")).count();
    let warnings = lines.iter().filter(|l| l.starts_with("::warning ")).count();
    let notices: Vec<&String> = lines.iter().filter(|l| l.starts_with("::notice")).collect();
    assert_eq!(errors, github::MAX_ERROR_ANNOTATIONS);
    assert_eq!(warnings, github::MAX_WARNING_ANNOTATIONS);
    assert_eq!(notices.len(), 1, "{lines:#?}");
    assert_eq!(lines.last(), Some(notices[0]), "the notice comes last");
    let notice = parse_command(notices[0]).expect("parsable notice");
    assert!(
        notice
            .data
            .starts_with("4 more findings (3 errors, 1 warning) not shown as annotations"),
        "{}",
        notice.data
    );
    assert!(notice.data.contains("summary"), "{}", notice.data);
    // The first ten of each level are the ones shown.
    assert!(lines[0].ends_with("::error 0"));
    assert!(lines[9].ends_with("::error 9"));
    assert!(lines[10].ends_with("::warning 0"));
}

#[test]
fn no_notice_at_exactly_the_limit() {
    let findings = (0..10)
        .map(|i| Finding::new(RuleId::CaDue, Level::Error, format!("e{i}")))
        .chain((0..10).map(|i| Finding::new(RuleId::CaNotFiled, Level::Warn, format!("w{i}"))))
        .collect();
    let lines = annotations_of(&report(findings));
    assert_eq!(lines.len(), 20);
    assert!(!lines.iter().any(|l| l.starts_with("::notice")));
}

#[test]
fn outputs_are_key_value_lines() {
    // The mixed report holds a `schema` finding: nothing was decided
    // (exit 2), so the verdict is `error` (issue 14 item 8), as in JSON.
    assert_eq!(
        github::outputs(&mixed_report()),
        "verdict=error\nerrors=3\nwarnings=2\n"
    );
    let mut decided = mixed_report();
    decided.findings.retain(|f| f.rule != RuleId::Schema);
    assert_eq!(
        github::outputs(&decided),
        "verdict=fail\nerrors=2\nwarnings=2\n"
    );
    let warn_only = report(vec![Finding::new(RuleId::CaNotFiled, Level::Warn, "x")]);
    assert_eq!(
        github::outputs(&warn_only),
        "verdict=pass\nerrors=0\nwarnings=1\n"
    );
    assert_eq!(
        github::outputs(&Report::default()),
        "verdict=pass\nerrors=0\nwarnings=0\n"
    );
}

#[test]
fn step_summary_has_verdict_counts_and_one_row_per_finding() {
    let r = mixed_report();
    let s = github::step_summary(&r, "aeef gate");
    assert!(s.starts_with("## aeef gate\n\n"), "{s}");
    assert!(
        s.contains("**Verdict: ⚠️ error (nothing was decided)** · 3 errors · 2 warnings"),
        "{s}"
    );
    assert_eq!(table_rows(&s).len(), r.findings.len(), "{s}");
    assert!(!s.contains("<details>"), "short reports are not folded");
    // The escaped cell of the message with `|`, `%` and CRLF.
    assert!(
        s.contains("100% overdue \\| see<br>line two\\: a, b"),
        "{s}"
    );

    let clean = github::step_summary(&Report::default(), "aeef gate");
    assert!(clean.contains("**Verdict: ✅ pass** · 0 errors · 0 warnings"));
    assert!(clean.contains("No findings."));
}

#[test]
fn long_step_summaries_fold_the_rest_into_details() {
    let findings: Vec<Finding> = (0..45)
        .map(|i| {
            Finding::new(RuleId::CaDue, Level::Error, format!("finding {i}")).incident("INC-1")
        })
        .collect();
    let s = github::step_summary(&report(findings), "aeef gate");
    let (open, folded) = s.split_once("<details>").expect("details block");
    assert_eq!(table_rows(open).len(), github::SUMMARY_OPEN_ROWS);
    assert!(
        folded.starts_with("<summary>25 more findings</summary>"),
        "{folded}"
    );
    assert_eq!(table_rows(folded).len(), 25);
    assert!(folded.contains("</details>"));
    assert!(folded.contains("finding 44"));
}

#[test]
fn append_creates_and_never_truncates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sub-output");
    let summary = dir.path().join("summary.md");
    // A previous step left a line without its newline.
    std::fs::write(&out, "other=1").expect("write");
    let r = mixed_report();
    github::write_step_files(&r, "aeef gate", Some(&summary), Some(&out)).expect("append");
    github::write_step_files(&r, "aeef gate", Some(&summary), Some(&out)).expect("append");
    let text = std::fs::read_to_string(&out).expect("read");
    assert_eq!(
        text,
        "other=1\nverdict=error\nerrors=3\nwarnings=2\nverdict=error\nerrors=3\nwarnings=2\n"
    );
    let md = std::fs::read_to_string(&summary).expect("read");
    assert_eq!(
        md.matches("## aeef gate").count(),
        2,
        "created, then appended"
    );
}

/// Rows of Markdown tables in `s`, minus header and delimiter rows, each
/// split into cells at unescaped `|`.
fn table_rows(s: &str) -> Vec<Vec<String>> {
    s.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| Level"))
        .map(split_row)
        .collect()
}

fn split_row(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    cells
}

#[test]
fn markdown_escapes_pipes_newlines_and_html_in_cells() {
    let r = report(vec![
        Finding::new(RuleId::CaOwner, Level::Error, "a | b\nc <script>&")
            .incident("INC|1")
            .action("CA-1")
            .file("incidents/x.yaml")
            .at(2, 3)
            .help("set owner:"),
    ]);
    let mut out = Vec::new();
    markdown::render(&r, &mut out).expect("render");
    let text = String::from_utf8(out).expect("utf-8");
    let rows = table_rows(&text);
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(
        rows[0],
        [
            "❌ error",
            "`ca-owner`",
            "INC|1",
            "CA-1",
            "incidents/x.yaml\\:2\\:3",
            "a | b<br>c &lt;script&gt;&amp;<br>help\\: set owner\\:",
        ],
        "{text}"
    );
    assert!(text.contains("**Verdict: ❌ fail** · 1 error · 0 warnings"));
    assert_eq!(markdown::escape_cell("x\r\ny|z"), "x<br>y\\|z");
}

#[test]
fn markdown_has_one_row_per_finding_with_six_cells() {
    let r = mixed_report();
    let mut out = Vec::new();
    markdown::render(&r, &mut out).expect("render");
    let text = String::from_utf8(out).expect("utf-8");
    let rows = table_rows(&text);
    assert_eq!(rows.len(), r.findings.len(), "{text}");
    for row in &rows {
        assert_eq!(row.len(), 6, "{row:?}");
    }
    assert!(
        // The SHA cannot autolink (issue 13): a word joiner after 6 digits.
        rows.iter().any(|r| r[4] == "commit 3f2a9c1e0b7d"),
        "{rows:?}"
    );
}

fn sarif_of(r: &Report) -> serde_json::Value {
    let mut out = Vec::new();
    sarif::render(r, "0.1.0", &mut out).expect("render");
    serde_json::from_slice(&out).expect("SARIF is JSON")
}

#[test]
fn sarif_structure_rules_indexes_levels_locations() {
    let r = mixed_report();
    let doc = sarif_of(&r);
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "aeef");
    assert_eq!(run["tool"]["driver"]["version"], "0.1.0");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());

    let rules_ = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules_
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids unique: {ids:?}");
    let present: HashSet<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(unique, present, "one rule per rule id present");
    for rule in rules_ {
        let id = rule["id"].as_str().expect("id");
        let (short, full, help) = {
            let r = id.parse::<RuleId>().expect("known rule");
            (r.short(), r.full(), r.help())
        };
        assert_eq!(rule["shortDescription"]["text"], short);
        assert_eq!(rule["fullDescription"]["text"], full);
        assert_eq!(rule["help"]["text"], help);
        let level = rule["defaultConfiguration"]["level"]
            .as_str()
            .expect("level");
        assert!(["error", "warning", "note"].contains(&level), "{level}");
    }

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), r.findings.len());
    let mut fingerprints = HashSet::new();
    for res in results {
        let idx = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules_[idx]["id"], res["ruleId"],
            "ruleIndex points at ruleId"
        );
        let level = res["level"].as_str().expect("level");
        assert!(["error", "warning"].contains(&level), "{level}");
        let fp = res["partialFingerprints"]["aeefFindingHash/v1"]
            .as_str()
            .expect("fingerprint");
        assert!(fingerprints.insert(fp.to_string()), "fingerprints distinct");
        assert!(
            res["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }
    // Errors map to "error", warnings to "warning", in the finding order.
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels, ["error", "error", "error", "warning", "warning"]);

    // A file finding: relative, percent-encoded uri under %SRCROOT%.
    let overdue = results
        .iter()
        .find(|r| r["ruleId"] == "ca-unverified-overdue")
        .expect("result");
    let phys = &overdue["locations"][0]["physicalLocation"];
    assert_eq!(
        phys["artifactLocation"]["uri"],
        "incidents/dir%20with%20space/INC-2026-007%20%231.yaml"
    );
    assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(phys["region"]["startLine"], 31);
    assert_eq!(phys["region"]["startColumn"], 7);
    // A file without a line points at line 1 (GitHub requires startLine).
    let pm = results
        .iter()
        .find(|r| r["ruleId"] == "postmortem-missing")
        .expect("result");
    let region = &pm["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert!(region["startColumn"].is_null());

    // A commit finding: a logical location naming the commit.
    let prov = results
        .iter()
        .find(|r| r["ruleId"] == "provenance-incomplete")
        .expect("result");
    let logical = &prov["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["name"], "3f2a9c1e0b7d4a5f8e6c2b1a0d9f8e7c6b5a4d3e");
    assert_eq!(logical["kind"], "resource");
    assert!(prov["locations"][0]["physicalLocation"].is_null());
    assert_eq!(
        prov["properties"]["commit"],
        "3f2a9c1e0b7d4a5f8e6c2b1a0d9f8e7c6b5a4d3e"
    );
}

#[test]
fn sarif_fingerprint_ignores_line_and_wording_but_not_identity() {
    // Why: code scanning matches alerts across runs by fingerprint; editing
    // the record above a finding must not open a new alert.
    let a = Finding::new(RuleId::CaDue, Level::Error, "one wording")
        .incident("INC-1")
        .action("CA-1")
        .file("incidents/INC-1.yaml")
        .at(10, 3);
    let moved = Finding {
        line: Some(12),
        message: "another wording".into(),
        ..a.clone()
    };
    let other_action = a.clone().action("CA-2");
    assert_eq!(sarif::fingerprint(&a), sarif::fingerprint(&moved));
    assert_ne!(sarif::fingerprint(&a), sarif::fingerprint(&other_action));
    // Fields do not bleed into each other.
    let x = Finding::new(RuleId::CaDue, Level::Error, "m").incident("ab");
    let y = Finding::new(RuleId::CaDue, Level::Error, "m").action("ab");
    assert_ne!(sarif::fingerprint(&x), sarif::fingerprint(&y));
    assert_eq!(sarif::fingerprint(&a).len(), 16);
    // Two schema findings in one file (no incident to name) are two alerts.
    let k1 = Finding::new(RuleId::Schema, Level::Error, "unknown key `a`")
        .file("incidents/x.yaml")
        .at(3, 1);
    let k2 = Finding::new(RuleId::Schema, Level::Error, "unknown key `b`")
        .file("incidents/x.yaml")
        .at(7, 1);
    assert_ne!(sarif::fingerprint(&k1), sarif::fingerprint(&k2));
}

// Guards one truth for rule texts: SARIF's `tool.driver.rules[]` entry of
// every rule is its catalogue entry (id string, texts, default level), not
// the level of the finding that made it present.
#[test]
fn sarif_rule_entries_come_from_the_catalogue() {
    for id in RuleId::ALL {
        let r = report(vec![Finding::new(*id, Level::Note, "m")]);
        let doc = sarif_of(&r);
        let rule = &doc["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], id.as_str());
        assert_eq!(rule["shortDescription"]["text"], id.short());
        assert_eq!(rule["fullDescription"]["text"], id.full());
        assert_eq!(rule["help"]["text"], id.help());
        let want = match id.default_level() {
            Level::Error => "error",
            Level::Off => "none",
            _ => "warning",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], want, "{id}");
        // SARIF1001: `name` must differ from `id`.
        assert_ne!(rule["name"], rule["id"]);
        assert_eq!(doc["runs"][0]["results"][0]["ruleId"], id.as_str());
        assert!(doc["runs"][0]["results"][0]["locations"].is_null());
    }
    let schema = report(vec![Finding::new(RuleId::Schema, Level::Error, "m")]);
    assert_eq!(
        sarif_of(&schema)["runs"][0]["tool"]["driver"]["rules"][0]["name"],
        "SchemaRule"
    );
    let two = report(vec![Finding::new(RuleId::CaNotFiled, Level::Warn, "m")]);
    assert_eq!(
        sarif_of(&two)["runs"][0]["tool"]["driver"]["rules"][0]["name"],
        "CaNotFiled"
    );
}

#[test]
fn sarif_validated_by_microsoft_multitool() {
    let tool = match external_tool::sarif_multitool() {
        Ok(t) => t,
        Err(why) => return external_tool::missing("SARIF Multitool", &why),
    };
    let tool = tool.as_path();
    let dir = tempfile::tempdir().expect("tempdir");

    // Control: the multitool reports nothing for a document it cannot
    // deserialize (an unknown `level`, say), so first prove it does flag a
    // known error (startLine 0, SARIF's 1-based lines) in this setup.
    let control = serde_json::json!({
        "$schema": sarif::SCHEMA_URI, "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "control"}}, "results": [{
            "ruleId": "x", "message": {"text": "m."},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "a.txt"}, "region": {"startLine": 0}}}]}]}]
    });
    let control_errors = multitool_errors(tool, dir.path(), "control.sarif", &control);
    assert!(
        !control_errors.is_empty(),
        "SARIF Multitool flagged nothing in a document with startLine 0: it is not validating"
    );

    // Every rule of the catalogue once, so every description is validated.
    let mut findings = mixed_report().findings;
    for (i, rule) in rules::RULES.iter().enumerate() {
        findings.push(
            Finding::new(
                rule.id,
                rule.default_level,
                format!("{} finding {i}.", rule.id.as_str()),
            )
            .incident(format!("INC-2026-{i:03}"))
            .file(format!("incidents/INC-2026-{i:03}.yaml"))
            .at(1, 1),
        );
    }
    for (name, r) in [
        ("mixed.sarif", report(findings)),
        ("empty.sarif", Report::default()),
    ] {
        let doc = sarif_of_version(&r, env!("CARGO_PKG_VERSION"));
        let errors = multitool_errors(tool, dir.path(), name, &doc);
        assert!(
            errors.is_empty(),
            "{name}: SARIF Multitool reports errors:\n{}",
            serde_json::to_string_pretty(&errors).unwrap_or_default()
        );
        // The multitool skips what it cannot deserialize, so the schema it
        // ships is applied as well (enums, required properties).
        match shipped_schema(tool) {
            Some(schema) => {
                let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
                let problems: Vec<String> = validator
                    .iter_errors(&doc)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(problems.is_empty(), "{name}: schema errors: {problems:#?}");
            }
            None => external_tool::missing(
                "the SARIF schema shipped with the multitool",
                "no sarif-2.1.0.json lies beside it",
            ),
        }
    }
}

fn sarif_of_version(r: &Report, version: &str) -> serde_json::Value {
    let mut out = Vec::new();
    sarif::render(r, version, &mut out).expect("render");
    serde_json::from_slice(&out).expect("SARIF is JSON")
}

/// Runs `multitool validate` on `doc` and returns the error-level results
/// (and error notifications); prints the others for a reader of the log.
fn multitool_errors(
    tool: &Path,
    dir: &Path,
    name: &str,
    doc: &serde_json::Value,
) -> Vec<serde_json::Value> {
    let input = dir.join(name);
    let result = dir.join(format!("{name}.validation.sarif"));
    std::fs::write(&input, serde_json::to_vec_pretty(doc).expect("serialize")).expect("write");
    let run = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&result)
        .output()
        .expect("run sarif-multitool");
    let bytes = std::fs::read(&result).unwrap_or_else(|e| {
        panic!(
            "multitool wrote no result ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
            run.status.code(),
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let log: serde_json::Value = serde_json::from_slice(&bytes).expect("validation result is JSON");
    let mut errors = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for res in run["results"].as_array().into_iter().flatten() {
            if res["level"] == "error" {
                errors.push(res.clone());
            } else {
                eprintln!(
                    "{name}: {} {} {}",
                    res["level"].as_str().unwrap_or("warning"),
                    res["ruleId"].as_str().unwrap_or("?"),
                    res["message"]["arguments"]
                );
            }
        }
        for inv in run["invocations"].as_array().into_iter().flatten() {
            for n in inv["toolExecutionNotifications"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if n["level"] == "error" {
                    errors.push(n.clone());
                }
            }
        }
    }
    errors
}

/// The `sarif-2.1.0.json` that the npm package ships beside its binary
/// (`node_modules/@microsoft/sarif-multitool-<os>/`).
fn shipped_schema(tool: &Path) -> Option<serde_json::Value> {
    let real = std::fs::canonicalize(tool).ok()?;
    let microsoft = real
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "@microsoft"))?;
    for entry in std::fs::read_dir(microsoft).ok()?.flatten() {
        let candidate = entry.path().join("sarif-2.1.0.json");
        if let Ok(text) = std::fs::read_to_string(&candidate) {
            return serde_json::from_str(&text).ok();
        }
    }
    None
}
