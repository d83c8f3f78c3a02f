//! Property-based hostile-input suite (issue 12, item 9): the parsers a
//! pull request controls — commit trailers, the `AI-Attribution:` block,
//! git-ai notes, incident records (YAML → record → schema → policy →
//! report) and `.aeef.yml` — get arbitrary bytes and structured mutations of
//! valid inputs. None may panic; every rejected record or config names a
//! position (line and column, or a span). Case counts are bounded so the
//! suite runs in seconds in CI; a failure prints its minimal input.
use std::path::{Path, PathBuf};

use aeef::config::Config;
use aeef::incident::policy::{self, PolicyOptions};
use aeef::incident::store::parse_record;
use aeef::provenance::agents::{AgentTable, CommitIdentity};
use aeef::provenance::notes::Note;
use aeef::provenance::{NoteSummary, block, of_commit, trailers};
use aeef::report::period::Period;
use chrono::{DateTime, Utc};
use proptest::prelude::*;

/// Cases per property: enough to reach the deep branches through the
/// structured strategies, few enough for a CI run of a few seconds.
/// `PROPTEST_CASES=20000` runs a deeper search locally.
fn cases(n: u32) -> ProptestConfig {
    let env = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: env.unwrap_or(n),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

/// Text built from pieces that matter to a parser plus random text, so
/// generated inputs reach past the first "not my format" check.
fn pieces(special: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(special).prop_map(str::to_string),
        2 => "[ -~]{0,12}",
        1 => any::<char>().prop_map(String::from),
        1 => Just("\n".to_string()),
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

const MESSAGE_PIECES: &[&str] = &[
    "AI-Tool: claude-code",
    "AI-Tool: none",
    "AI-Model-Version: claude-opus-4-6",
    "AI-Human-Modifications: minor",
    "AI-Reviewed-By: bob",
    "AI-Usage: generated",
    "Co-authored-by: Claude <noreply@anthropic.com>",
    "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "Assisted-by: claude:opus [tool]",
    "Generated-by: aider (gpt-4o)",
    "Signed-off-by: A U Thor <a@example.com>",
    "(cherry picked from commit 0123abc)",
    "AI-Attribution:",
    "  tool: aider",
    "  model-version: gpt-4o",
    "  human-modifications: none",
    "\tcontinued",
    "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
    "# ------------------------ >8 ------------------------",
    "```",
    "> ",
    "---------",
    "Conflicts:",
    "Key:",
    ": ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\0",
    " ",
    "\u{1b}[2K\u{1b}[1A",
    "\u{feff}",
    "é",
];

const NOTE_PIECES: &[&str] = &[
    "src/pay.rs",
    "\"dir with space/a.rs\"",
    "\n",
    "  ",
    "   ",
    "s_0123456789abcd::t_0123456789abcd ",
    "h_0123456789abcd ",
    "0123456789abcdef ",
    "abcdef0 ",
    "human ",
    "ai_agent ",
    "1-3",
    "5",
    ",",
    "-",
    "0",
    "4294967295",
    "99999999999999999999",
    "3-1",
    "---",
    "{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{\"0123456789abcdef\":{\"agent_id\":{\"tool\":\"claude\",\"model\":\"x\"}}}}",
    "{\"sessions\":{\"s_0123456789abcd\":{\"agent_id\":{\"tool\":\"cursor\"}}}}",
    "{",
    "}",
    "\"agent_id\":",
    "null",
    "\r\n",
    "\u{feff}",
    "\t",
];

const YAML_PIECES: &[&str] = &[
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\n",
    "  ",
    "\"",
    "'",
    " #",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "~",
    "null",
    ".nan",
    "-.inf",
    ".inf",
    "-1",
    "-0.5",
    "1e400",
    "18446744073709551616",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2026-13-45T25:61:61Z",
    "2026-11-02T09:14:00+25:00",
    "2026-11-02",
    "<<: *a\n",
    "---\n",
    "...\n",
    "\t",
    "\r\n",
    "\u{feff}",
    "\0",
    "é",
    "\u{1b}]0;title\u{7}",
    "issue: ",
    "corrective_actions:\n  - ",
    "id: CA-1",
    "resolved_at: ",
    "detected_at: ",
    "financial_usd: ",
];

/// Values written over a scalar of a valid record: the impossible, the
/// mistyped and the YAML-special.
const VALUE_PIECES: &[&str] = &[
    "~",
    "\"\"",
    "[]",
    "{}",
    ".nan",
    "-.inf",
    "-1",
    "0",
    "1e400",
    "18446744073709551616",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2026-01-01T00:00:00-12:00",
    "2026-11-02",
    "SEV-9",
    "CA-1",
    "INC-2026-001",
    "\"@alice\"",
    "[a, b]",
    "{x: 1}",
    "&a x",
    "*a",
    "!!str 5",
    "\"\\u0000\"",
    "\"\\e[2J\"",
    "done",
    "wont-do",
];

/// Replaces the scalars at the given positions (fractions of the list of
/// scalar values) with value pieces, through the record's own key index:
/// the structure stays valid, the values go wrong.
fn replace_values(text: &str, edits: &[(f64, &str)]) -> String {
    let mut t = text.to_string();
    for (f, piece) in edits {
        let Ok(idx) = aeef::incident::yaml::KeyIndex::build(&t) else {
            break;
        };
        let scalars: Vec<(usize, usize)> = idx
            .paths()
            .filter_map(|p| idx.value(p))
            .filter(|v| v.scalar.is_some() && v.end > v.pos.offset)
            .map(|v| (v.pos.offset, v.end))
            .collect();
        if scalars.is_empty() {
            break;
        }
        let k = ((f * scalars.len() as f64) as usize).min(scalars.len() - 1);
        let (a, b) = scalars[k];
        t.replace_range(a..b, piece);
    }
    t
}

/// The `.txt` files of a fixtures folder (agent commits, git-ai notes).
fn text_fixtures(sub: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(sub);
    let mut v: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {sub}");
    v.into_iter().map(|(_, b)| b).collect()
}

/// Valid inputs to mutate: every incident fixture (read once).
fn fixtures() -> &'static [(PathBuf, Vec<u8>)] {
    static ALL: std::sync::OnceLock<Vec<(PathBuf, Vec<u8>)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/incidents");
        let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let p = e.into_path();
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect();
        v.sort();
        assert!(v.len() > 10, "fixtures missing");
        v
    })
}

/// One edit of a byte string: insert a piece, delete a range, or
/// duplicate a range, at a position given as a fraction of the length.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(f64, String),
    Delete(f64, usize),
    Duplicate(f64, usize),
    Byte(f64, u8),
}

fn mutation(pieces: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        3 => (at.clone(), proptest::sample::select(pieces)).prop_map(|(a, p)| Mutation::Insert(a, p.to_string())),
        2 => (at.clone(), 1usize..24).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (at.clone(), 1usize..80).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        1 => (at, any::<u8>()).prop_map(|(a, b)| Mutation::Byte(a, b)),
    ]
}

fn apply(mut b: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
        match m {
            Mutation::Insert(f, s) => {
                let at = pos(*f, b.len());
                b.splice(at..at, s.bytes());
            }
            Mutation::Delete(f, n) => {
                let at = pos(*f, b.len());
                let end = (at + n).min(b.len());
                b.drain(at..end);
            }
            Mutation::Duplicate(f, n) => {
                let at = pos(*f, b.len());
                let end = (at + n).min(b.len());
                let copy = b[at..end].to_vec();
                b.splice(end..end, copy);
            }
            Mutation::Byte(f, x) => {
                if !b.is_empty() {
                    let at = pos(*f, b.len() - 1);
                    b[at] = *x;
                }
            }
        }
    }
    b
}

/// What every rejected record must carry, and what every accepted one must
/// survive: policy, the future-date check, the report and the issue
/// write-back.
fn record_property(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_record("incidents/x.yaml", bytes) {
        Err(f) => {
            prop_assert_eq!(f.rule.as_str(), "schema");
            prop_assert_eq!(f.file.as_deref(), Some("incidents/x.yaml"));
            let (line, col) = (f.line.unwrap_or(0), f.column.unwrap_or(0));
            prop_assert!(line >= 1 && col >= 1, "no position: {:?}", f);
            // YAML line breaks: LF, CRLF, and a lone CR (YAML 1.2 b-break).
            let breaks = bytes
                .iter()
                .enumerate()
                .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .count();
            let lines = breaks as u32 + 1;
            prop_assert!(
                line <= lines,
                "line {} past the end ({}): {:?}",
                line,
                lines,
                f
            );
            prop_assert!(!f.message.trim().is_empty());
        }
        Ok(rec) => {
            let findings = policy::check(std::slice::from_ref(&rec), &PolicyOptions::new(now()));
            for f in &findings {
                prop_assert!(
                    f.line.is_some_and(|l| l >= 1),
                    "finding without line: {:?}",
                    f
                );
            }
            // Impossible values never reach a report (item 14).
            let period = Period::month(2026, 11).unwrap();
            let stats = aeef::report::compute(&[&rec.incident], &period, now(), None);
            for (sev, h) in &stats.mttr_hours {
                prop_assert!(
                    h.is_none_or(|h| h.is_finite() && h >= 0.0),
                    "MTTR {:?} for {}",
                    h,
                    sev
                );
            }
            if let Some(usd) = rec.incident.impact.as_ref().and_then(|i| i.financial_usd) {
                prop_assert!(usd.is_finite() && usd >= 0.0, "financial_usd {}", usd);
            }
            for a in &rec.incident.corrective_actions {
                prop_assert!(
                    rec.incident
                        .resolved_at
                        .is_none_or(|r| r >= rec.incident.detected_at)
                );
                // The write-back (item 12) either refuses or is exact.
                if let Some(out) = aeef::github::file::set_issue(&rec.source, &a.id, 4242) {
                    prop_assert!(
                        aeef::github::file::same_record_plus_issue(&rec.source, &out, &a.id, 4242),
                        "{} edit changed more than its issue:\n{}\n---\n{}",
                        a.id,
                        rec.source,
                        out
                    );
                }
            }
            let _ = aeef::incident::postmortem::render(&rec.incident, now());
        }
    }
    Ok(())
}

fn message_property(msg: &str) {
    let table = AgentTable::builtin();
    let who = CommitIdentity {
        author_name: "A U Thor",
        author_email: "noreply@anthropic.com",
        committer_name: "C O Mitter",
        committer_email: "c@example.com",
    };
    let t = trailers::parse(msg);
    for tr in &t {
        assert!(!tr.key.is_empty());
    }
    let _ = block::parse(msg);
    let _ = of_commit(&table, &who, msg, None);
}

proptest! {
    #![proptest_config(cases(400))]

    /// The trailer, block and agent parsers take any text: a commit
    /// message is attacker-controlled.
    #[test]
    fn commit_message_parsers_never_panic_on_any_text(msg in any::<String>()) {
        message_property(&msg);
    }

    #[test]
    fn commit_message_parsers_never_panic_on_provenance_shaped_text(msg in pieces(MESSAGE_PIECES, 60)) {
        message_property(&msg);
    }

    /// Invalid UTF-8 reaches the parsers decoded as git log would
    /// (lossily); nothing in that path may panic either.
    #[test]
    fn commit_message_parsers_never_panic_on_any_bytes(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        message_property(&String::from_utf8_lossy(&b));
    }

    /// Real agent commits (fixtures/agents), mutated: the conventions'
    /// matchers see near-valid messages.
    #[test]
    fn commit_message_parsers_never_panic_on_mutated_agent_commits(
        which in any::<proptest::sample::Index>(),
        muts in proptest::collection::vec(mutation(MESSAGE_PIECES), 1..5),
    ) {
        let all = text_fixtures("agents");
        let b = apply(all[which.index(all.len())].clone(), &muts);
        message_property(&String::from_utf8_lossy(&b));
    }

    /// A git-ai note is either read or refused with a line inside the note:
    /// any text, note-shaped text, and real notes (fixtures/notes) mutated.
    #[test]
    fn git_ai_notes_parse_or_name_a_line(text in prop_oneof![
        any::<String>(),
        pieces(NOTE_PIECES, 80),
        (any::<proptest::sample::Index>(), proptest::collection::vec(mutation(NOTE_PIECES), 1..5))
            .prop_map(|(w, m)| {
                let all = text_fixtures("notes");
                String::from_utf8_lossy(&apply(all[w.index(all.len())].clone(), &m)).into_owned()
            }),
    ]) {
        match Note::parse(&text) {
            Err(e) => {
                let lines = text.split('\n').count();
                prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}: {}", e.line, lines, e.message);
                prop_assert!(!e.message.is_empty());
            }
            Ok(n) => {
                let s = NoteSummary::of(&n);
                let _ = s.ai_lines;
                for p in n.paths() {
                    for (a, b) in n.ai_ranges(p) {
                        prop_assert!(a >= 1 && a <= b, "range {}-{}", a, b);
                        if let Some(k) = n.owner(p, a) {
                            let _ = n.agent(k);
                        }
                    }
                }
                let _ = of_commit(&AgentTable::builtin(), &CommitIdentity {
                    author_name: "a", author_email: "a@example.com",
                    committer_name: "a", committer_email: "a@example.com",
                }, "x", Some(&n));
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(300))]

    /// Any bytes as a record: read, or one `schema` finding with a position.
    #[test]
    fn record_loader_names_a_position_for_any_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        record_property(&b)?;
    }

    #[test]
    fn record_loader_names_a_position_for_yaml_shaped_text(t in pieces(YAML_PIECES, 50)) {
        record_property(t.as_bytes())?;
    }

    /// Valid records, mutated: the deep paths (schema, patterns, impossible
    /// values, policy, write-back) see near-valid input.
    #[test]
    fn record_loader_policy_and_writeback_survive_mutated_fixtures(
        which in any::<proptest::sample::Index>(),
        muts in proptest::collection::vec(mutation(YAML_PIECES), 1..4),
    ) {
        let all = fixtures();
        let (_, bytes) = &all[which.index(all.len())];
        record_property(&apply(bytes.clone(), &muts))?;
    }

    /// Valid records with wrong values in valid places: most still parse
    /// as YAML, so the schema, the value checks, the policy, the report
    /// and the write-back all run on them.
    #[test]
    fn record_checks_survive_wrong_values_in_valid_fixtures(
        which in any::<proptest::sample::Index>(),
        edits in proptest::collection::vec((0.0..1.0f64, proptest::sample::select(VALUE_PIECES)), 1..3),
    ) {
        let all = fixtures();
        let (_, bytes) = &all[which.index(all.len())];
        let text = String::from_utf8_lossy(bytes);
        record_property(replace_values(&text, &edits).as_bytes())?;
    }

    /// `.aeef.yml` from a pull request: read, or an error with a span.
    #[test]
    fn config_loader_names_a_position_for_any_input(
        t in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            pieces(YAML_PIECES, 30).prop_map(String::into_bytes),
            proptest::collection::vec(mutation(YAML_PIECES), 1..4)
                .prop_map(|m| apply(aeef::cli::init::DEFAULT_CONFIG.as_bytes().to_vec(), &m)),
        ]
    ) {
        if let Err(e) = Config::parse(&t) {
            prop_assert!(e.span.is_some(), "config error without a position: {}", e.message);
            prop_assert!(!e.message.trim().is_empty());
        }
    }
}

proptest! {
    // Each case audits a two-commit history through the loader: fewer cases.
    #![proptest_config(cases(120))]

    /// Issue 12 item 13 as a property: a committed version `incident check`
    /// refuses is `audit-unreadable`, one it reads is not, and an unreadable
    /// version is never taken for a rewrite of the record before it.
    #[test]
    fn audit_reports_exactly_the_versions_the_loader_refuses(
        which in any::<proptest::sample::Index>(),
        muts in proptest::collection::vec(mutation(YAML_PIECES), 1..3),
    ) {
        use aeef::audit::{AuditCommit, Change};
        use aeef::findings::RuleId::{AuditRewrittenAfterResolve as REWRITTEN, AuditUnreadable as UNREADABLE};
        let all = fixtures();
        let (_, before) = &all[which.index(all.len())];
        let after = apply(before.clone(), &muts);
        let path = "incidents/x.yaml".to_string();
        let commit = |sha: &str, b: &[u8], change: Change| AuditCommit {
            sha: sha.into(),
            author_name: "A".into(),
            author_email: "a@example.com".into(),
            time: now(),
            signed: true,
            changes: vec![change],
            not_utf8: if std::str::from_utf8(b).is_err() { vec![path.clone()] } else { vec![] },
        };
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let history = [
            commit("1", before, Change::Added { path: path.clone(), text: text(before) }),
            commit("2", &after, Change::Modified { path: path.clone(), old: text(before), new: text(&after) }),
        ];
        let report = aeef::audit::check(&history, &Config::default(), None);
        let unreadable_at = |sha: &str| report.findings.iter().any(|f| f.rule == UNREADABLE && f.commit.as_deref() == Some(sha));
        let before_ok = parse_record(&path, before).is_ok();
        let after_ok = parse_record(&path, &after).is_ok();
        prop_assert_eq!(unreadable_at("1"), !before_ok);
        prop_assert_eq!(unreadable_at("2"), !after_ok);
        if !after_ok {
            prop_assert!(
                !report.findings.iter().any(|f| f.rule == REWRITTEN && f.commit.as_deref() == Some("2")),
                "an unreadable version was read as a rewrite: {:?}",
                report.findings
            );
        }
    }
}
