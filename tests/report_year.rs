//! A year of generated incidents in a real repository: monthly and
//! quarterly counts, severity mix, weighted scores and AI-commit rates of
//! `aeef report --format json` against expectations computed here from
//! the generation parameters (chrono as the calendar oracle).
mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use common::{RepoBuilder, aeef, stdout};
use serde_json::Value;

const SEVERITIES: [&str; 4] = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"];
const WEIGHTS: [u32; 4] = [10, 5, 2, 1];
const TOOLS: [&str; 3] = ["claude-code", "aider", "github-copilot"];

/// One generated incident.
struct Gen {
    detected: String,
    sev: usize,
    tool: usize,
}

/// Month `m` (1–12) of 2026 gets `(7m mod 5) + 1` incidents on days 1, 7,
/// 13, …; in even months the first one is written at 00:30 local time in
/// UTC+01:00, which is still the previous month in UTC.
fn generate() -> Vec<Gen> {
    let mut v = Vec::new();
    for m in 1..=12u32 {
        for j in 0..((m * 7) % 5 + 1) {
            let detected = if m % 2 == 0 && j == 0 {
                format!("2026-{m:02}-01T00:30:00+01:00")
            } else {
                format!("2026-{m:02}-{:02}T09:00:00Z", 1 + 6 * j)
            };
            v.push(Gen {
                detected,
                sev: ((m + j) % 4) as usize,
                tool: ((m + j) % 3) as usize,
            });
        }
    }
    v
}

/// AI commits of tool `t` in month `m`: `(m + t) mod 3` (zero is allowed).
fn ai_commits(m: u32, t: usize) -> u32 {
    (m + t as u32) % 3
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn build() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    for m in 1..=12u32 {
        let mut hour = 10;
        for (t, tool) in TOOLS.iter().enumerate() {
            for _ in 0..ai_commits(m, t) {
                r.write("src/lib.rs", &format!("// {m} {tool} {hour}\n"));
                r.at(&format!("2026-{m:02}-15T{hour:02}:00:00Z"))
                    .trailer("AI-Tool", tool);
                r.commit(&format!("feat: change in {m} by {tool}"));
                hour += 1;
            }
        }
        // One human commit per month must not count as AI.
        r.write("README", &format!("month {m}\n"));
        r.at(&format!("2026-{m:02}-20T10:00:00Z"));
        r.commit("docs: human change");
    }
    for (n, g) in generate().iter().enumerate() {
        r.write(
            &format!("incidents/INC-2026-{:03}.yaml", n + 1),
            &format!(
                "id: INC-2026-{:03}\ntitle: generated {n}\nseverity: {}\nstatus: open\nteam: team-{}\n\
                 detected_at: {}\nclassification:\n  origin: ai-generated\n  failure_mode: logic-error\n  \
                 ai_tool: {{name: {}, model_version: m-{}}}\n",
                n + 1,
                SEVERITIES[g.sev],
                n % 2,
                g.detected,
                TOOLS[g.tool],
                g.tool
            ),
        );
    }
    // Records land after the year so they do not count as a 2026 commit.
    r.at("2027-02-01T10:00:00Z");
    r.commit("incidents: the year's records");
    r
}

fn report(r: &RepoBuilder, period: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--format",
        "json",
        "--now",
        "2027-03-01T00:00:00Z",
    ];
    args.extend_from_slice(period);
    let o = aeef(r.path(), &args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("report JSON")
}

/// Expected (count, score, per-severity, per-tool) of incidents whose UTC
/// detection month is in `months` (year 2026).
fn expected(
    gens: &[Gen],
    months: &[u32],
) -> (u64, u64, BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let mut sev = BTreeMap::new();
    for s in SEVERITIES {
        sev.insert(s.to_string(), 0);
    }
    let mut tools = BTreeMap::new();
    let (mut n, mut score) = (0, 0);
    for g in gens {
        let t = utc(&g.detected);
        if t.year() == 2026 && months.contains(&t.month()) {
            n += 1;
            score += u64::from(WEIGHTS[g.sev]);
            *sev.get_mut(SEVERITIES[g.sev]).unwrap() += 1;
            *tools.entry(TOOLS[g.tool].to_string()).or_insert(0) += 1;
        }
    }
    (n, score, sev, tools)
}

fn as_map(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect()
}

#[test]
fn monthly_and_quarterly_counts_match_the_generated_year() {
    let r = build();
    let gens = generate();
    let mut total = 0;
    for m in 1..=12u32 {
        let j = report(&r, &["--month", &format!("2026-{m:02}")]);
        let (n, score, sev, tools) = expected(&gens, &[m]);
        total += n;
        assert_eq!(j["incidents"].as_u64(), Some(n), "month {m}");
        assert_eq!(j["weighted_score"].as_u64(), Some(score), "month {m}");
        assert_eq!(as_map(&j["by_severity"]), sev, "month {m}");
        assert_eq!(as_map(&j["by_ai_tool"]), tools, "month {m}");
        let prev = if m == 1 {
            0
        } else {
            expected(&gens, &[m - 1]).1
        };
        assert_eq!(
            j["previous_weighted_score"].as_u64(),
            Some(prev),
            "month {m}"
        );
        assert_eq!(j["period"]["from"], format!("2026-{m:02}-01"));

        // AI commits per tool and incidents per 1,000 of them.
        let p = &j["provenance"];
        let ai: u32 = (0..3).map(|t| ai_commits(m, t)).sum();
        assert_eq!(p["ai_commits"].as_u64(), Some(u64::from(ai)), "month {m}");
        assert_eq!(p["commits"].as_u64(), Some(u64::from(ai) + 1), "month {m}");
        for (t, tool) in TOOLS.iter().enumerate() {
            let c = ai_commits(m, t);
            let inc = tools.get(*tool).copied().unwrap_or(0);
            let row = &p["by_tool"][tool];
            if c == 0 && inc == 0 {
                assert!(row.is_null(), "month {m} {tool}: {row}");
                continue;
            }
            assert_eq!(
                row["commits"].as_u64(),
                Some(u64::from(c)),
                "month {m} {tool}"
            );
            assert_eq!(row["incidents"].as_u64(), Some(inc), "month {m} {tool}");
            if c == 0 {
                assert!(row["incidents_per_1000_commits"].is_null());
            } else {
                let want = inc as f64 * 1000.0 / f64::from(c);
                let got = row["incidents_per_1000_commits"].as_f64().unwrap();
                assert!(
                    (got - want).abs() < 0.01,
                    "month {m} {tool}: {got} vs {want}"
                );
            }
        }
    }
    assert_eq!(
        total as usize,
        gens.len(),
        "every incident lands in one month"
    );

    for q in 1..=4u32 {
        let j = report(&r, &["--quarter", &format!("2026-Q{q}")]);
        let months = [3 * q - 2, 3 * q - 1, 3 * q];
        let (n, score, sev, tools) = expected(&gens, &months);
        assert_eq!(j["incidents"].as_u64(), Some(n), "Q{q}");
        assert_eq!(j["weighted_score"].as_u64(), Some(score), "Q{q}");
        assert_eq!(as_map(&j["by_severity"]), sev, "Q{q}");
        assert_eq!(as_map(&j["by_ai_tool"]), tools, "Q{q}");
        let prev = if q == 1 {
            0
        } else {
            expected(&gens, &[3 * q - 5, 3 * q - 4, 3 * q - 3]).1
        };
        assert_eq!(j["previous_weighted_score"].as_u64(), Some(prev), "Q{q}");
    }
}

#[test]
fn custom_range_covers_the_whole_year_and_csv_agrees() {
    let r = build();
    let gens = generate();
    let j = report(&r, &["--since", "2026-01-01", "--until", "2026-12-31"]);
    assert_eq!(j["incidents"].as_u64(), Some(gens.len() as u64));
    let o = aeef(
        r.path(),
        &[
            "report",
            "--format",
            "csv",
            "--since",
            "2026-01-01",
            "--until",
            "2026-12-31",
            "--now",
            "2027-03-01T00:00:00Z",
        ],
    );
    let csv = stdout(&o);
    assert!(csv.starts_with("dimension,value,count\n"));
    assert!(
        csv.contains(&format!("\nincidents,total,{}\n", gens.len())),
        "{csv}"
    );
}

#[test]
fn exactly_one_period_is_required() {
    let r = build();
    let none = aeef(r.path(), &["report"]);
    assert_eq!(none.status.code(), Some(2));
    let two = aeef(
        r.path(),
        &["report", "--month", "2026-01", "--quarter", "2026-Q1"],
    );
    assert_eq!(two.status.code(), Some(2));
    let bad = aeef(r.path(), &["report", "--month", "2026-13"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        common::stderr(&bad).contains("--month 2026-11"),
        "{}",
        common::stderr(&bad)
    );
}

/// The JSON of DESIGN §6 is a contract other tools read: every key it
/// names is there with the type it names (extra keys are allowed).
#[test]
fn json_keeps_the_design_contract() {
    let r = build();
    let v = report(&r, &["--quarter", "2026-Q1"]);
    assert_eq!(v["schema_version"], 1);
    assert!(
        v["period"]["from"].is_string() && v["period"]["to"].is_string(),
        "{v}"
    );
    assert!(v["incidents"].is_u64());
    for k in [
        "by_severity",
        "by_origin",
        "by_failure_mode",
        "by_ai_tool",
        "by_model_version",
        "by_validation_gap",
        "by_team",
        "by_prompt_template",
    ] {
        let m = v[k]
            .as_object()
            .unwrap_or_else(|| panic!("{k} is not an object: {v}"));
        assert!(m.values().all(Value::is_u64), "{k}: {v}");
    }
    assert!(
        v["weighted_score"].is_u64() && v["previous_weighted_score"].is_u64(),
        "{v}"
    );
    let mttr = v["mttr_hours"].as_object().expect("mttr_hours");
    assert!(
        mttr.keys().all(|k| k.starts_with("SEV-"))
            && mttr.values().all(|x| x.is_number() || x.is_null()),
        "{v}"
    );
    let sla = v["sla_compliance"].as_object().expect("sla_compliance");
    for k in ["acknowledge", "mitigate", "resolve"] {
        let x = &sla[k];
        assert!(
            x.is_null() || x.as_f64().is_some_and(|f| (0.0..=1.0).contains(&f)),
            "{k}: {v}"
        );
    }
    for k in ["opened", "verified", "overdue"] {
        assert!(
            v["corrective_actions"][k].is_u64(),
            "corrective_actions.{k}: {v}"
        );
    }
}
