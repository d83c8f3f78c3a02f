//! `aeef incident notify` end to end (issue 15): every format's shape, and
//! `--post` against a real local HTTP server (wiremock) standing in for the
//! Slack / Teams incoming webhook.
mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::{RepoBuilder, aeef, aeef_env, stderr, stdout};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "INC-2026-010";
const FILE: &str = "incidents/INC-2026-010.yaml";
/// Past the SEV-1 resolve deadline and CA-2's due date, before CA-3's.
const NOW: &str = "2026-11-20T00:00:00Z";
/// The secret part of the webhook URL; must never appear in any output.
const SECRET_PATH: &str = "/services/T000SECRET/B000SECRET/XyZsEcReTtOkEn";

/// A SEV-1 record: acknowledged in time, mitigated late, not resolved; one
/// verified action, one overdue, one open; four evidence lines.
fn record(status: &str, extra: &str) -> String {
    format!(
        r#"id: INC-2026-010
title: Checkout double-charges on gateway timeout
severity: SEV-1
status: {status}
team: payments
detected_at: "2026-11-02T09:00:00Z"
acknowledged_at: "2026-11-02T09:10:00Z"
mitigated_at: "2026-11-02T14:00:00Z"
{extra}faulty_commits:
  - 3f2a9c1e
classification:
  origin: ai-generated
  failure_mode: logic-error
  validation_gap: test-gap
  ai_tool:
    name: claude-code
    model_version: claude-opus-4-20250514
  evidence:
    - "3f2a9c1e: Co-Authored-By: Claude"
    - "3f2a9c1e: AEEF-Tool trailer"
    - "3f2a9c1e: git-ai note covers 12 of 14 lines"
    - "3f2a9c1e: blame window 3 lines"
impact:
  users_affected: 300
  summary: duplicate card charges
corrective_actions:
  - id: CA-1
    action: Revert the retry wrapper
    category: immediate-fix
    owner: alice
    due: 2026-11-03
    status: done
    verified_by: bob
    verified_at: "2026-11-03T10:00:00Z"
  - id: CA-2
    action: Add a timeout-then-success test
    category: test-improvement
    owner: carol
    due: 2026-11-10
    status: open
  - id: CA-3
    action: State the gateway's timeout semantics in the prompt
    category: prompt-improvement
    owner: dave
    due: 2026-11-30
    status: open
"#
    )
}

fn repo(text: &str) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("src/pay.rs", "fn pay() {}\n");
    r.write(FILE, text);
    // Committed by someone who owns no action, so a recorded
    // verification counts (offline verification reads who committed it).
    r.author("Incident Lead", "lead@example.com");
    r.commit("feat: pay");
    r
}

fn notify(r: &RepoBuilder, args: &[&str]) -> Output {
    let mut v = vec!["incident", "notify", ID, "--now", NOW];
    v.extend_from_slice(args);
    aeef(r.path(), &v)
}

fn post(r: &RepoBuilder, url: &str, args: &[&str]) -> Output {
    let mut v = vec!["incident", "notify", ID, "--now", NOW, "--post"];
    v.extend_from_slice(args);
    aeef_env(r.path(), &v, &[("AEEF_NOTIFY_WEBHOOK", url)])
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Panics if the URL or its secret path shows up anywhere the user sees.
fn assert_secret_kept(o: &Output, url: &str) {
    for text in [stdout(o), stderr(o)] {
        assert!(
            !text.contains(url) && !text.contains(SECRET_PATH) && !text.contains("SECRET"),
            "the webhook URL leaked:\n{text}"
        );
    }
}

async fn hook(status: u16, body: &str) -> (MockServer, String) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SECRET_PATH))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    let url = format!("{}{SECRET_PATH}", server.uri());
    (server, url)
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("the payload is JSON"))
        .collect()
}

// Guards what people read in each format: the same facts (SLA clocks as
// `incident check` computes them, the AI dimensions with evidence in one
// line, open and overdue actions), each in its own shape.
#[test]
fn each_format_shows_the_sla_clocks_ai_dimensions_and_open_actions() {
    let r = repo(&record("mitigated", ""));
    let md = notify(&r, &[]);
    assert!(md.status.success(), "{}", stderr(&md));
    insta::assert_snapshot!("notify_markdown", stdout(&md));
    let text = notify(&r, &["--format", "text"]);
    insta::assert_snapshot!("notify_text", stdout(&text));

    let j = json(&notify(&r, &["--format", "json"]));
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["id"], ID);
    let states: Vec<(&str, &str)> = j["sla"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["sla"].as_str().unwrap(), s["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("acknowledge", "met"),
            ("mitigate", "breached"),
            ("resolve", "breached")
        ]
    );
    assert_eq!(j["ai"]["origin"], "ai-generated");
    assert_eq!(
        j["ai"]["evidence"],
        "3f2a9c1e: Co-Authored-By: Claude; 3f2a9c1e: AEEF-Tool trailer; 3f2a9c1e: git-ai note covers 12 of 14 lines (+1 more)"
    );
    let open: Vec<(&str, bool)> = j["open_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["overdue"].as_bool().unwrap()))
        .collect();
    assert_eq!(open, [("CA-2", true), ("CA-3", false)]);

    let slack = json(&notify(&r, &["--format", "slack"]));
    insta::assert_json_snapshot!("notify_slack", slack);
    let teams = json(&notify(&r, &["--post", "--dry-run", "--to", "teams"]));
    insta::assert_json_snapshot!("notify_teams", teams);
    // `--post --dry-run` (Slack by default) prints exactly `--format slack`.
    assert_eq!(json(&notify(&r, &["--post", "--dry-run"])), slack);
}

// Guards one truth: the SLA states are `incident check`'s — the notify
// JSON says breached exactly where check reports an `sla-*` finding.
#[test]
fn breached_slas_are_the_ones_incident_check_reports() {
    let r = repo(&record("mitigated", ""));
    let check = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    let c: Value = serde_json::from_slice(&check.stdout).unwrap();
    let mut from_check: Vec<String> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .filter_map(|r| r.strip_prefix("sla-"))
        .map(str::to_string)
        .collect();
    from_check.sort();
    let j = json(&notify(&r, &["--format", "json"]));
    let mut breached: Vec<String> = j["sla"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "breached")
        .map(|s| s["sla"].as_str().unwrap().to_string())
        .collect();
    breached.sort();
    assert_eq!(breached, from_check);
}

// Guards terminals and logs against a record that carries escape sequences,
// forged lines or bidi overrides, and Slack against `<!channel>` pings.
#[test]
fn control_characters_from_the_record_are_escaped() {
    let text = record("open", "").replace(
        "title: Checkout double-charges on gateway timeout",
        "title: \"Checkout\\u001b[31m red\\nforged: line\\u202e <!channel>\"",
    );
    let r = repo(&text);
    let t = stdout(&notify(&r, &["--format", "text"]));
    assert!(!t.contains('\u{1b}') && !t.contains('\u{202e}'), "{t}");
    assert!(
        t.contains("Checkout\\u{1b}[31m red\\nforged: line\\u{202e} <!channel>"),
        "{t}"
    );
    assert!(!t.lines().any(|l| l.starts_with("forged")), "{t}");
    let md = stdout(&notify(&r, &[]));
    assert!(
        !md.contains('\u{1b}') && md.contains("&lt;\\!channel&gt;"),
        "{md}"
    );
    let slack = stdout(&notify(&r, &["--format", "slack"]));
    assert!(!slack.contains("<!channel>") && slack.contains("&lt;!channel&gt;"));
}

// Guards the secret and the success path: one POST with the Block Kit
// payload, and neither the URL nor its path in any output.
#[tokio::test(flavor = "multi_thread")]
async fn post_sends_one_slack_payload_and_never_prints_the_url() {
    let (server, url) = hook(200, "ok").await;
    let r = repo(&record("mitigated", ""));
    let o = post(&r, &url, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_secret_kept(&o, &url);
    assert!(stderr(&o).contains("HTTP 200"), "{}", stderr(&o));
    let got = bodies(&server).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0], json(&notify(&r, &["--format", "slack"])));
    let req = &server.received_requests().await.unwrap()[0];
    assert!(
        req.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

// Guards the Teams shape: an Adaptive Card inside a `message` envelope, as
// Teams Workflows webhooks take it (202 Accepted is success).
#[tokio::test(flavor = "multi_thread")]
async fn post_to_teams_sends_an_adaptive_card_message() {
    let (server, url) = hook(202, "").await;
    let r = repo(&record("mitigated", ""));
    let o = post(&r, &url, &["--to", "teams"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_secret_kept(&o, &url);
    let got = bodies(&server).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["type"], "message");
    let a = &got[0]["attachments"][0];
    assert_eq!(a["contentType"], "application/vnd.microsoft.card.adaptive");
    assert_eq!(a["content"]["type"], "AdaptiveCard");
    assert!(a["content"]["body"].to_string().contains("CA-2"));
}

// Guards failures: a refused payload, a revoked webhook and a server error
// each exit 2 naming the status (and Slack's reason), once, without the URL.
#[tokio::test(flavor = "multi_thread")]
async fn failure_statuses_exit_2_naming_the_status_without_retry() {
    for (status, body) in [
        (400, "invalid_blocks"),
        (404, "no_service"),
        (410, "channel_is_archived"),
        (500, ""),
        (302, ""),
    ] {
        let (server, url) = hook(status, body).await;
        let r = repo(&record("mitigated", ""));
        let o = post(&r, &url, &["--on-change"]);
        assert_eq!(o.status.code(), Some(2), "{status}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("HTTP {status}")), "{err}");
        assert!(err.contains(body), "{err}");
        assert!(err.contains("aeef::notify::webhook_status"), "{err}");
        assert_secret_kept(&o, &url);
        assert_eq!(bodies(&server).await.len(), 1, "{status}: no retry");
        // A failed send is not remembered: the next run tries again.
        assert!(
            !r.path()
                .join(".git/aeef/notify")
                .join(format!("{ID}.json"))
                .exists()
        );
    }
}

// Guards the other ways a send fails: nothing listening, no answer in
// time, a URL that is not https — all exit 2 without the URL.
#[tokio::test(flavor = "multi_thread")]
async fn unreachable_slow_and_insecure_webhooks_exit_2_without_the_url() {
    let r = repo(&record("mitigated", ""));
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}{SECRET_PATH}");
    let o = post(&r, &url, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("webhook_unreachable"), "{}", stderr(&o));
    assert_secret_kept(&o, &url);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let url = format!("{}{SECRET_PATH}", server.uri());
    let o = post(&r, &url, &["--timeout", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did not answer within 1 s"),
        "{}",
        stderr(&o)
    );
    assert_secret_kept(&o, &url);

    let url = format!("http://hooks.example.com{SECRET_PATH}");
    let o = post(&r, &url, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("webhook_insecure"), "{}", stderr(&o));
    assert_secret_kept(&o, &url);

    // Another variable named with --webhook-env, unset: says which.
    let o = post(&r, &url, &["--webhook-env", "TEAM_HOOK"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`TEAM_HOOK` is not set"),
        "{}",
        stderr(&o)
    );
    // The URL pasted where the variable's name goes: refused, not echoed.
    let o = post(&r, &url, &["--webhook-env", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("webhook_env"), "{}", stderr(&o));
    assert_secret_kept(&o, &url);
}

// Guards the scheduled job: run every 15 minutes, it sends once per change
// of what the notification shows — not on every run, not never.
#[tokio::test(flavor = "multi_thread")]
async fn on_change_sends_exactly_once_per_change() {
    let (server, url) = hook(200, "ok").await;
    let r = repo(&record("mitigated", ""));
    let run = |now: &str| {
        let o = aeef_env(
            r.path(),
            &[
                "incident",
                "notify",
                ID,
                "--now",
                now,
                "--post",
                "--on-change",
            ],
            &[("AEEF_NOTIFY_WEBHOOK", url.as_str())],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_secret_kept(&o, &url);
        o
    };
    // 2026-11-06: resolve breached, CA-2 not yet overdue.
    run("2026-11-06T00:00:00Z");
    let o = run("2026-11-06T00:15:00Z");
    assert!(stderr(&o).contains("unchanged"), "{}", stderr(&o));
    assert_eq!(bodies(&server).await.len(), 1);
    // CA-2 becomes overdue on 2026-11-11: one more.
    run("2026-11-11T00:00:00Z");
    run("2026-11-11T00:15:00Z");
    assert_eq!(bodies(&server).await.len(), 2);
    // The record changes (resolved): one more, then quiet again.
    let root = r.path().to_path_buf();
    std::fs::write(
        root.join(FILE),
        record("resolved", "resolved_at: \"2026-11-11T09:00:00Z\"\n"),
    )
    .unwrap();
    run("2026-11-11T00:30:00Z");
    run("2026-11-11T00:45:00Z");
    assert_eq!(bodies(&server).await.len(), 3);
    let state = r.path().join(".git/aeef/notify").join(format!("{ID}.json"));
    let s: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(s["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert!(!std::fs::read_to_string(&state).unwrap().contains("SECRET"));
    // --dry-run never records: after a change it prints, and the real run
    // still sends.
    std::fs::write(
        root.join(FILE),
        record("closed", "resolved_at: \"2026-11-11T09:00:00Z\"\n"),
    )
    .unwrap();
    let dry = aeef_env(
        r.path(),
        &[
            "incident",
            "notify",
            ID,
            "--post",
            "--on-change",
            "--dry-run",
        ],
        &[("AEEF_NOTIFY_WEBHOOK", url.as_str())],
    );
    assert!(json(&dry)["blocks"].is_array());
    run("2026-11-11T01:00:00Z");
    assert_eq!(bodies(&server).await.len(), 4);
}

// Guards `--state FILE`: the state goes where the user says (a CI cache),
// relative to `-C`, and a corrupt state file is an error, not a resend.
#[tokio::test(flavor = "multi_thread")]
async fn state_file_is_where_the_user_says_and_corruption_is_exit_2() {
    let (server, url) = hook(200, "ok").await;
    let r = repo(&record("mitigated", ""));
    let other = tempfile::tempdir().unwrap();
    let args = |state: &str| {
        vec![
            "-C".to_string(),
            r.path().display().to_string(),
            "incident".into(),
            "notify".into(),
            ID.into(),
            "--now".into(),
            NOW.into(),
            "--post".into(),
            "--on-change".into(),
            "--state".into(),
            state.into(),
        ]
    };
    let a = args("cache/notify.json");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    for _ in 0..2 {
        let o = aeef_env(other.path(), &a, &[("AEEF_NOTIFY_WEBHOOK", url.as_str())]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(bodies(&server).await.len(), 1);
    assert!(r.path().join("cache/notify.json").is_file());
    // With `--state`, nothing is remembered under the git directory.
    assert!(!r.path().join(".git/aeef/notify").exists());
    std::fs::write(r.path().join("cache/notify.json"), "{not json").unwrap();
    let o = aeef_env(other.path(), &a, &[("AEEF_NOTIFY_WEBHOOK", url.as_str())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a notification state file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(bodies(&server).await.len(), 1);
}

// Guards the fail-closed rule: a record that cannot be read is exit 2 with
// its `schema` diagnostic, and nothing is posted.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_record_is_exit_2_and_nothing_is_posted() {
    let (server, url) = hook(200, "ok").await;
    let r = repo(&record("mitigated", "").replace("severity: SEV-1", "severity: SEV-9"));
    let o = post(&r, &url, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(FILE), "{}", stderr(&o));
    assert!(bodies(&server).await.is_empty());
    let o = notify(&r, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["findings"][0]["rule"], "schema");
    let o = notify(&r, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
}

// Guards the argument rules: --post sends a chat payload, so reading
// formats and contradictory shapes are usage errors (exit 2).
#[test]
fn post_refuses_reading_formats_and_contradictions() {
    let r = repo(&record("mitigated", ""));
    for args in [
        &["--post", "--format", "markdown"][..],
        &["--post", "--format", "slack", "--to", "teams"],
        &["--on-change"],
        &["--format", "sarif"],
    ] {
        let o = notify(&r, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    }
}

// Guards the README table against drifting from the SLA definition
// (`policy::sla`, DESIGN §3): every severity's row names its limits.
#[test]
fn readme_notification_table_matches_the_sla_definition() {
    use aeef::incident::{Severity, policy};
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("### Notifying stakeholders")
        .nth(1)
        .expect("README has the notification section");
    for sev in Severity::ALL {
        let s = policy::sla(sev);
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| {} ", sev.as_str())))
            .unwrap_or_else(|| panic!("no row for {}", sev.as_str()));
        let mut want = vec![s.acknowledge.describe(), s.resolve.describe()];
        want.extend(s.mitigate.map(|m| m.describe()));
        for w in want {
            assert!(row.contains(&w), "{row} lacks {w}");
        }
    }
}

// Guards the help people read: the formats, the payload shapes and where
// the URL comes from.
#[test]
fn notify_help() {
    let o = aeef(Path::new("."), &["incident", "notify", "--help"]);
    assert!(o.status.success());
    insta::assert_snapshot!("notify_help", stdout(&o));
}

// Guards delivery of large incidents: Slack refuses a whole message
// (`invalid_blocks`) when one text is over its limit, so long titles and
// many actions are cut to Slack's limits instead.
#[test]
fn slack_payload_stays_within_block_kit_limits() {
    let long = "x".repeat(4000);
    let mut text = record("open", "").replace(
        "title: Checkout double-charges on gateway timeout",
        &format!("title: {long}"),
    );
    for i in 4..80 {
        text.push_str(&format!(
            "  - id: CA-{i}\n    action: {}\n    category: training\n    owner: erin\n    due: 2026-12-01\n",
            "y".repeat(300)
        ));
    }
    let r = repo(&text);
    let o = notify(&r, &["--format", "slack"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&o);
    let blocks = j["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 50);
    let len = |v: &Value| v.as_str().unwrap().chars().count();
    assert!(len(&j["text"]) <= 3000);
    for b in blocks {
        match b["type"].as_str().unwrap() {
            "header" => assert!(len(&b["text"]["text"]) <= 150),
            _ => {
                if let Some(t) = b.get("text") {
                    assert!(len(&t["text"]) <= 3000, "{}", len(&t["text"]));
                }
                for f in b["fields"].as_array().into_iter().flatten() {
                    assert!(len(&f["text"]) <= 2000);
                }
                assert!(b["fields"].as_array().is_none_or(|f| f.len() <= 10));
            }
        }
    }
    let all = j.to_string();
    assert!(
        all.contains("… and "),
        "the cut says how many actions are left out"
    );
}
