//! `aeef report` over built incident records (issue 14, item 7): the trend
//! over the last N periods in every format, the default period, severity
//! tables in severity order, and one spelling of every enum value across
//! formats — the record's and the schema's.
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

/// The clock of every run: the default period is then 2026-03.
const NOW: &str = "2026-04-10T00:00:00Z";

/// Seven incidents from January to April 2026. March has SEV-4 twice and
/// SEV-1, SEV-2 once each, so an order by count would put SEV-4 first.
fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let records = [
        ("001", "SEV-3", "2026-01-10T09:00:00Z", ""),
        ("002", "SEV-1", "2026-02-03T09:00:00Z", ""),
        ("003", "SEV-4", "2026-02-20T09:00:00Z", ""),
        (
            "004",
            "SEV-2",
            "2026-03-05T09:00:00Z",
            "classification: {origin: ai-modified, failure_mode: data-handling, validation_gap: review-gap, ai_tool: {name: claude-code}}\n\
             corrective_actions:\n\
             - {id: CA-1, action: a, category: immediate-fix, owner: al, due: 2026-03-08, status: done, verified_by: bo, verified_at: 2026-03-10T00:00:00Z, \
             effectiveness: {day30: {evaluated_at: 2026-04-09T00:00:00Z, result: partially-effective}}}\n\
             - {id: CA-2, action: b, category: test-improvement, owner: al, due: 2026-03-08, status: done, verified_by: bo, verified_at: 2026-03-10T00:00:00Z, \
             effectiveness: {day30: {evaluated_at: 2026-04-09T00:00:00Z, result: ineffective}}}\n",
        ),
        (
            "005",
            "SEV-1",
            "2026-03-12T09:00:00Z",
            "classification: {origin: ai-generated, failure_mode: security-vulnerability, validation_gap: scan-gap}\n",
        ),
        ("006", "SEV-4", "2026-03-15T09:00:00Z", ""),
        ("007", "SEV-4", "2026-03-20T09:00:00Z", ""),
        ("008", "SEV-1", "2026-04-02T09:00:00Z", ""),
    ];
    for (n, sev, at, extra) in records {
        r.write(
            &format!("incidents/INC-2026-{n}.yaml"),
            &format!(
                "id: INC-2026-{n}\ntitle: t{n}\nseverity: {sev}\nstatus: open\ndetected_at: {at}\n{extra}"
            ),
        );
    }
    r.at("2026-03-05T10:00:00Z").commit("records");
    r
}

fn report(r: &RepoBuilder, args: &[&str]) -> String {
    let mut all = vec!["report", "--now", NOW];
    all.extend_from_slice(args);
    let o = aeef(r.path(), &all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// RFC 4180 records of a CSV document (quoted fields, doubled quotes).
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, s.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote");
    rows
}

/// The trend of March 2026 with the default length (six months):
/// (period, incidents, weighted score).
const TREND: [(&str, u32, u32); 6] = [
    ("2025-10", 0, 0),
    ("2025-11", 0, 0),
    ("2025-12", 0, 0),
    ("2026-01", 1, 2),
    ("2026-02", 2, 11),
    ("2026-03", 4, 17),
];

#[test]
fn without_a_period_the_report_covers_the_last_complete_month() {
    // Guards item 7: `aeef report` alone used to refuse; the month that has
    // ended before --now is the report a lead asks for.
    let r = repo();
    let v: Value = serde_json::from_str(&report(&r, &["--format", "json"])).unwrap();
    assert_eq!(v["period"]["from"], "2026-03-01");
    assert_eq!(v["period"]["to"], "2026-03-31");
    assert_eq!(v["incidents"], 4);
    // The same as naming the month.
    let named: Value =
        serde_json::from_str(&report(&r, &["--month", "2026-03", "--format", "json"])).unwrap();
    assert_eq!(v, named);
}

#[test]
fn json_trend_lists_each_period_oldest_first_with_counts_and_scores() {
    let r = repo();
    let v: Value = serde_json::from_str(&report(&r, &["--format", "json"])).unwrap();
    let trend = v["trend"].as_array().expect("trend array");
    let got: Vec<(String, u64, u64)> = trend
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["incidents"].as_u64().unwrap(),
                p["weighted_score"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = TREND
        .iter()
        .map(|(p, n, s)| (p.to_string(), u64::from(*n), u64::from(*s)))
        .collect();
    assert_eq!(got, want);
    // The last point is the period itself and agrees with the headline.
    let last = &trend[5];
    assert_eq!(last["incidents"], v["incidents"]);
    assert_eq!(last["weighted_score"], v["weighted_score"]);
    assert_eq!(last["by_severity"], v["by_severity"]);
    assert_eq!(trend[4]["weighted_score"], v["previous_weighted_score"]);
    assert_eq!(
        (last["from"].as_str(), last["to"].as_str()),
        (Some("2026-03-01"), Some("2026-03-31"))
    );
}

#[test]
fn trend_length_follows_the_flag_and_quarters_step_by_quarter() {
    let r = repo();
    let v: Value =
        serde_json::from_str(&report(&r, &["--trend", "2", "--format", "json"])).unwrap();
    let labels: Vec<&str> = v["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2026-02", "2026-03"]);

    let q: Value = serde_json::from_str(&report(
        &r,
        &[
            "--quarter",
            "2026-Q2",
            "--format",
            "json",
            "--no-provenance",
        ],
    ))
    .unwrap();
    let got: Vec<(&str, u64)> = q["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap(),
                p["incidents"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2025-Q3", 0),
            ("2025-Q4", 0),
            ("2026-Q1", 7),
            ("2026-Q2", 1)
        ]
    );

    let o = aeef(r.path(), &["report", "--now", NOW, "--trend", "0"]);
    assert_eq!(o.status.code(), Some(2), "a trend of no periods is refused");
}

#[test]
fn csv_carries_the_trend_rows() {
    let r = repo();
    let rows = parse_csv(&report(&r, &["--format", "csv"]));
    assert_eq!(rows[0], ["dimension", "value", "count"]);
    assert!(
        rows.iter().all(|r| r.len() == 3),
        "three columns everywhere"
    );
    for (dim, col) in [("trend_incidents", 1), ("trend_weighted_score", 2)] {
        let got: Vec<(String, String)> = rows
            .iter()
            .filter(|r| r[0] == dim)
            .map(|r| (r[1].clone(), r[2].clone()))
            .collect();
        let want: Vec<(String, String)> = TREND
            .iter()
            .map(|t| {
                let n = if col == 1 { t.1 } else { t.2 };
                (t.0.to_string(), n.to_string())
            })
            .collect();
        assert_eq!(got, want, "{dim}");
    }
}

#[test]
fn human_and_markdown_show_the_trend_table() {
    let r = repo();
    let human = report(&r, &[]);
    let tail = &human[human.find("Trend (last 6 periods)").expect("trend section")..];
    for (p, n, s) in TREND {
        let line = tail
            .lines()
            .find(|l| l.trim_start().starts_with(p))
            .unwrap_or_else(|| panic!("no row for {p}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[1..3], [n.to_string(), s.to_string()], "{line}");
    }
    let md = report(&r, &["--format", "markdown"]);
    assert!(md.contains("## Trend"));
    assert!(
        md.contains("| 2026-03 | 4 | 17 | 1 | 1 | 0 | 2 |"),
        "period, incidents, score, SEV-1..SEV-4"
    );
}

#[test]
fn html_has_an_inline_svg_line_chart_of_the_trend() {
    let r = repo();
    let html = report(&r, &["--format", "html"]);
    let start = html.find("<svg class=\"trend\"").expect("trend svg");
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    // One line per series, one point per period in each.
    assert_eq!(svg.matches("<polyline").count(), 2);
    assert_eq!(svg.matches("<circle").count(), 2 * TREND.len());
    for (p, n, s) in TREND {
        assert!(svg.contains(&format!("<title>{p} incidents: {n}</title>")));
        assert!(svg.contains(&format!("<title>{p} weighted score: {s}</title>")));
    }
    let points = |series: &str| -> Vec<(f64, f64)> {
        let at = svg.find(&format!("data-series=\"{series}\"")).unwrap();
        let p = &svg[at..];
        let p = &p[p.find("points=\"").unwrap() + 8..];
        p[..p.find('"').unwrap()]
            .split(' ')
            .map(|xy| {
                let (x, y) = xy.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    };
    // Left to right in time; higher values are drawn higher (smaller y).
    let score = points("weighted score");
    assert!(score.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(score[5].1 < score[4].1 && score[4].1 < score[3].1);
    assert_eq!(score[0].1, score[1].1);
    assert!(!html.contains("<script"));
}

#[test]
fn severity_tables_are_in_severity_order_in_every_format() {
    // Guards item 7: markdown sorted severities by count (SEV-4 first here).
    let r = repo();
    let order = |text: &str, needles: [&str; 4]| -> Vec<usize> {
        needles
            .iter()
            .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} missing")))
            .collect()
    };
    let sorted = |v: Vec<usize>| v.windows(2).all(|w| w[0] < w[1]);

    let human = report(&r, &[]);
    let sev = &human[human.find("\nSeverity\n").unwrap()..];
    assert!(
        sorted(order(sev, ["SEV-1", "SEV-2", "SEV-3", "SEV-4"])),
        "{sev}"
    );

    let md = report(&r, &["--format", "markdown"]);
    let sev = &md[md.find("## Severity").unwrap()..];
    assert!(
        sorted(order(
            sev,
            ["| SEV-1 |", "| SEV-2 |", "| SEV-3 |", "| SEV-4 |"]
        )),
        "{sev}"
    );
    let html = report(&r, &["--format", "html"]);
    let sev = &html[html.find("data-dimension=\"by_severity\"").unwrap()..];
    assert!(sorted(order(
        sev,
        [
            "<title>SEV-1:",
            "<title>SEV-2:",
            "<title>SEV-3:",
            "<title>SEV-4:"
        ]
    )));
}

/// Every enum value of the incident schema.
fn schema_enums() -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(e)) = m.get("enum") {
                    out.extend(e.iter().filter_map(|x| x.as_str().map(str::to_string)));
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/incident.schema.json"),
    )
    .unwrap();
    let mut out = BTreeSet::new();
    walk(&serde_json::from_str(&text).unwrap(), &mut out);
    out
}

#[test]
fn every_enum_value_has_the_schema_spelling_in_every_format() {
    // Guards item 7: JSON said `partially_effective` where the record, the
    // schema and the CSV say `partially-effective`.
    let r = repo();
    let enums = schema_enums();
    assert!(enums.contains("partially-effective"));
    let v: Value = serde_json::from_str(&report(&r, &["--format", "json"])).unwrap();
    for dim in [
        "by_severity",
        "by_origin",
        "by_failure_mode",
        "by_validation_gap",
    ] {
        for k in v[dim].as_object().unwrap().keys() {
            assert!(
                enums.contains(k) || k == "unspecified",
                "{dim}: `{k}` is not a schema value"
            );
        }
    }
    let day30 = &v["corrective_actions"]["effectiveness"]["day30"];
    let keys: BTreeMap<&str, u64> = day30
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_u64().unwrap()))
        .collect();
    assert_eq!(
        keys,
        BTreeMap::from([
            ("effective", 0),
            ("partially-effective", 1),
            ("ineffective", 1),
            ("overdue", 0),
            ("pending", 0),
        ])
    );

    let formats = ["human", "markdown", "json", "csv", "html"];
    for f in formats {
        let out = report(&r, &["--format", f]);
        // Another spelling of a hyphenated schema value (snake case, spaces)
        // never appears; the schema spelling does where the value is counted.
        for e in enums
            .iter()
            .filter(|e| e.contains('-') && !e.starts_with("SEV"))
        {
            for other in [e.replace('-', "_"), e.replace('-', " ")] {
                assert!(!out.contains(&other), "{f}: `{other}` instead of `{e}`");
            }
        }
        for e in [
            "partially-effective",
            "ai-modified",
            "data-handling",
            "review-gap",
        ] {
            assert!(out.contains(e), "{f}: `{e}` missing");
        }
    }
}
