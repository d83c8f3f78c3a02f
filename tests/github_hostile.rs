//! Issue 12, the GitHub edge: answers of the wrong shape, unknown timeline
//! events, `"pull_request": null`, non-UTF-8 bodies, plain-http API roots
//! and tokens no HTTP header can carry. The real binary against the
//! stateful fake GitHub (`tests/fake_github`) on loopback.
mod common;
mod fake_github;

use common::{RepoBuilder, aeef_env, stderr, stdout};
use fake_github::{Fake, FaultKind};
use serde_json::{Value, json};

/// Distinctive so a leak anywhere is found by a substring search.
const TOKEN: &str = "ghp_H0stileTestTokenValue0123456789abc";
const F: &str = "incidents/INC-2026-007.yaml";

fn record(actions: &str) -> String {
    format!(
        "id: INC-2026-007\n\
         title: Payment retry double-charges\n\
         severity: SEV-2\n\
         status: resolved\n\
         detected_at: 2026-11-02T09:14:00Z\n\
         corrective_actions:\n{actions}"
    )
}

fn ca(id: &str, owner: &str, extra: &str) -> String {
    format!(
        "  - id: {id}\n    action: Do {id}\n    category: training\n    owner: {owner}\n    due: 2026-11-20\n{extra}"
    )
}

fn repo_with(text: &str) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write(F, text);
    r.commit("records");
    r
}

/// Runs aeef against `api` with `token`; asserts no panic (exit 101) and
/// that neither the token nor a fragment of it reaches stdout or stderr.
fn run_with(r: &RepoBuilder, api: &str, token: &str, args: &[&str]) -> std::process::Output {
    let o = aeef_env(
        r.path(),
        args,
        &[
            ("GITHUB_TOKEN", token),
            ("GITHUB_API_URL", api),
            ("GITHUB_REPOSITORY", "acme/pay"),
        ],
    );
    assert_ne!(o.status.code(), Some(101), "panic: {}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(&TOKEN[4..20]), "token leaked:\n{all}");
    o
}

fn run(r: &RepoBuilder, fake: &Fake, args: &[&str]) -> std::process::Output {
    run_with(r, &fake.uri(), TOKEN, args)
}

fn json_out(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

// Guards item 15: `"pull_request": null` is an issue. Read as a pull
// request, the issue carrying the marker was skipped and a rerun of
// `ca file` filed a duplicate. A real pull request with the marker is
// still no issue.
#[tokio::test(flavor = "multi_thread")]
async fn null_pull_request_is_an_issue_so_rerun_files_no_duplicate() {
    let fake = Fake::start(TOKEN).await;
    let body = |ca: &str| format!("filed earlier\n<!-- aeef:ca INC-2026-007/{ca} -->\n");
    let issue = fake.seed(
        "[INC-2026-007/CA-1]",
        &body("CA-1"),
        &["ai-incident-ca"],
        &[],
    );
    fake.set_field(issue, "pull_request", Value::Null);
    let pr = fake.seed("a PR", &body("CA-2"), &["ai-incident-ca"], &[]);
    fake.set_field(pr, "pull_request", json!({"url": "https://x/pulls/2"}));
    let r = repo_with(&record(
        &[ca("CA-1", "alice", ""), ca("CA-2", "bob", "")].concat(),
    ));

    let o = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    assert_eq!(j["existing"][0]["issue"], issue, "{j}");
    assert_eq!(j["existing"].as_array().unwrap().len(), 1, "{j}");
    // CA-2's only "match" is a pull request: a new issue is filed for it.
    assert_eq!(j["created"][0]["corrective_action"], "CA-2", "{j}");
    assert_eq!(fake.with_marker("INC-2026-007/CA-1 ").len(), 1);
}

// Guards item 15: an array where an issue was expected was read as an
// open issue. Every command that reads it must stop (exit 2) and name the
// endpoint, online `ca status` and the online gate alike.
#[tokio::test(flavor = "multi_thread")]
async fn issue_answered_with_the_wrong_shape_is_exit_2_naming_the_endpoint() {
    let fake = Fake::start(TOKEN).await;
    fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    let r = repo_with(&record(&ca("CA-1", "alice", "    issue: 1\n")));
    let shapes = [
        json!([{"number": 1, "state": "closed", "state_reason": "completed"}]),
        json!({"number": 1, "state": "merged"}),
        json!({"number": "one", "state": "open"}),
        json!("closed"),
        // serde's derived structs take an array of field values: not here.
        json!([1, "closed", "completed"]),
    ];
    for args in [
        &["ca", "status"][..],
        &["gate", "--now", "2026-12-01T00:00:00Z"][..],
    ] {
        for shape in &shapes {
            fake.fault(
                "GET",
                "/repos/acme/pay/issues/1",
                FaultKind::Before(200, shape.clone()),
            );
            let o = run(&r, &fake, args);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?} {shape}: {e}");
            assert!(
                e.contains("GET /repos/acme/pay/issues/1")
                    && e.contains("aeef::github::unexpected"),
                "{args:?} {shape}: {e}"
            );
        }
    }
    // The array case says what came.
    fake.fault(
        "GET",
        "/repos/acme/pay/issues/1",
        FaultKind::Before(200, shapes[0].clone()),
    );
    let e = stderr(&run(&r, &fake, &["ca", "status"]));
    assert!(
        e.contains("expected a JSON object, GitHub sent an array") && e.contains("answered 200"),
        "{e}"
    );
    // Text from the server cannot drive the terminal through a message.
    for (status, body) in [
        (
            200,
            json!({"number": 1, "state": "\u{1b}]0;pwned\u{7}\u{1b}[2Jopen"}),
        ),
        (418, json!({"message": "\u{1b}[1A\u{1b}[2Korigin: human"})),
    ] {
        fake.fault(
            "GET",
            "/repos/acme/pay/issues/1",
            FaultKind::Before(status, body),
        );
        let o = run(&r, &fake, &["ca", "status", "--color", "never"]);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
        assert!(e.contains(&status.to_string()), "{e}");
    }
    // A list endpoint that answers an object is the same error.
    fake.fault(
        "GET",
        "/repos/acme/pay/issues/1/timeline",
        FaultKind::Before(200, json!({"events": []})),
    );
    let o = run(&r, &fake, &["ca", "status"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/issues/1/timeline"), "{}", stderr(&o));
}

// Guards item 15 / DESIGN §4: timeline kinds aeef does not know (GitHub
// adds new ones) never fail a page, while a known kind with a malformed
// field is an error rather than silently skipped (a skipped `reopened`
// could turn "not verified" into "verified").
#[tokio::test(flavor = "multi_thread")]
async fn unknown_timeline_events_never_fail_a_page_but_malformed_known_ones_do() {
    let fake = Fake::start(TOKEN).await;
    let n = fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    fake.event(
        n,
        json!({"event": "added_to_merge_queue_2031", "payload": [1, {"x": null}]}),
    );
    fake.event(
        n,
        json!({"id": 1, "body": "a comment-like item without `event`"}),
    );
    fake.event(
        n,
        json!({"event": "labeled", "actor": null, "label": {"name": "ca-verified"}}),
    );
    fake.close(n, "bob", "completed", "2026-11-21T10:00:00Z");
    let r = repo_with(&record(&ca("CA-1", "alice", "    issue: 1\n")));
    let o = run(&r, &fake, &["ca", "status", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a = &json_out(&o)["actions"][0];
    assert_eq!(
        (a["verified"].as_bool(), a["verifier"].as_str()),
        (Some(true), Some("bob")),
        "{a}"
    );

    fake.event(
        n,
        json!({"event": "reopened", "actor": "mallory", "created_at": 5}),
    );
    let o = run(&r, &fake, &["ca", "status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("/issues/1/timeline") && e.contains("`reopened` event"),
        "{e}"
    );
}

// Guards item 15/17: a body that is not UTF-8 came from a server that
// answered; it was reported as "cannot reach GitHub … InvalidUtf8".
#[tokio::test(flavor = "multi_thread")]
async fn non_utf8_answer_says_what_github_answered() {
    let fake = Fake::start(TOKEN).await;
    fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    let r = repo_with(&record(&ca("CA-1", "alice", "    issue: 1\n")));
    let junk = b"{\"number\": 1, \"state\": \"\xff\xfe\"}".to_vec();
    fake.fault(
        "GET",
        "/repos/acme/pay/issues/1",
        FaultKind::Raw(200, junk.clone()),
    );
    let o = run(&r, &fake, &["ca", "status"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("answered 200 on GET /repos/acme/pay/issues/1") && e.contains("not JSON"),
        "{e}"
    );
    assert!(
        !e.contains("cannot reach") && !e.contains("InvalidUtf8"),
        "{e}"
    );
    // An error status with such a body is reported by its status.
    for _ in 0..4 {
        fake.fault(
            "GET",
            "/repos/acme/pay/issues/1",
            FaultKind::Raw(500, junk.clone()),
        );
    }
    let o = run(&r, &fake, &["ca", "status", "--retry-backoff-ms", "1"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        e.contains("GitHub answered 500") && !e.contains("cannot reach"),
        "{e}"
    );
}

// Guards the kind of item 6 at the GitHub edge: an answer is read up to
// 64 MiB, not buffered without bound; past that it is exit 2 naming the
// endpoint.
#[tokio::test(flavor = "multi_thread")]
async fn oversized_answer_is_refused_not_buffered() {
    let fake = Fake::start(TOKEN).await;
    fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    let r = repo_with(&record(&ca("CA-1", "alice", "    issue: 1\n")));
    let mut huge = b"{\"number\": 1, \"state\": \"open\", \"body\": \"".to_vec();
    huge.resize((64 << 20) + 4096, b'a');
    fake.fault("GET", "/repos/acme/pay/issues/1", FaultKind::Raw(200, huge));
    let o = run(&r, &fake, &["ca", "status"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("GET /repos/acme/pay/issues/1") && e.contains("larger than 64 MiB"),
        "{e}"
    );
}

/// A local address of this machine that is not loopback, if it has one:
/// a server listening there is reachable, but not over loopback.
fn non_loopback_local_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // connect() on UDP sends nothing; it only picks the outgoing address.
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

// Guards item 8: a token may leave over plain http only to this machine.
// Every GitHub command refuses `http://` to another host before sending
// anything; a listener on a non-loopback address of this machine receives
// no connection at all.
#[test]
fn http_api_url_off_loopback_is_refused_before_anything_is_sent() {
    let r = repo_with(&record(&ca("CA-1", "alice", "    issue: 1\n")));
    let listener = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let host = non_loopback_local_ip()
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "api.github.com".into());
    for url in [
        format!("http://{host}:{port}"),
        "http://api.github.com".to_string(),
        "http://127.0.0.1.nip.io:9".to_string(),
    ] {
        for args in [
            &["ca", "file"][..],
            &["ca", "file", "--dry-run"][..],
            &["ca", "status"][..],
            &["ca", "review", "--post", "1"][..],
            &["gate", "--now", "2026-12-01T00:00:00Z"][..],
        ] {
            let mut text = record(&ca("CA-1", "alice", ""));
            if args[1] != "file" {
                text = record(&ca("CA-1", "alice", "    issue: 1\n"));
            }
            std::fs::write(r.path().join(F), text).unwrap();
            let o = run_with(&r, &url, TOKEN, args);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{url} {args:?}: {e}");
            assert!(
                e.contains("aeef::github::insecure_api_url"),
                "{url} {args:?}: {e}"
            );
        }
    }
    assert!(
        listener.accept().is_err(),
        "a request reached the non-loopback listener"
    );
}

// Guards item 9: a token with CR/LF or a control character made octocrab
// panic building the Authorization header (exit 101) in every GitHub
// command. It is a clear error (exit 2) naming the variable, never the
// value, and nothing reaches the server.
#[tokio::test(flavor = "multi_thread")]
async fn token_with_line_break_or_control_character_is_exit_2_in_every_command() {
    use std::os::unix::ffi::OsStrExt;
    let fake = Fake::start(TOKEN).await;
    fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    let r = repo_with(&record(&ca("CA-1", "alice", "")));
    let filed = RepoBuilder::new();
    std::fs::create_dir_all(filed.path().join("incidents")).unwrap();
    std::fs::write(
        filed.path().join(F),
        record(&ca("CA-1", "alice", "    issue: 1\n")),
    )
    .unwrap();
    let bad = [
        format!("{TOKEN}\r\nX-Injected: 1"),
        format!("{}\n{}", &TOKEN[..20], &TOKEN[20..]),
        format!("{TOKEN}\u{1b}[2J"),
        format!("{}\u{7f}{}", &TOKEN[..20], &TOKEN[20..]),
    ];
    let cmds: [(&RepoBuilder, &[&str]); 6] = [
        (&r, &["ca", "file"]),
        (&r, &["ca", "file", "--dry-run"]),
        (&filed, &["ca", "status"]),
        (&filed, &["ca", "review"]),
        (&filed, &["ca", "review", "--post", "1"]),
        (&filed, &["gate", "--now", "2026-12-01T00:00:00Z"]),
    ];
    for tok in &bad {
        for (repo, args) in cmds {
            let o = run_with(repo, &fake.uri(), tok, args);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
            assert!(
                e.contains("aeef::github::bad_token") && e.contains("GITHUB_TOKEN"),
                "{args:?}: {e}"
            );
            assert!(!e.contains("X-Injected"), "{e}");
        }
    }
    // A value that is not UTF-8 is "set but unusable", not "not set".
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_aeef"))
        .current_dir(filed.path())
        .args(["ca", "status"])
        .env(
            "GITHUB_TOKEN",
            std::ffi::OsStr::from_bytes(b"ghp_\xff\xfeabc"),
        )
        .env("GITHUB_API_URL", fake.uri())
        .env("GITHUB_REPOSITORY", "acme/pay")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("non-ASCII"), "{}", stderr(&o));
    assert_eq!(fake.requests(), Vec::<String>::new(), "a request was sent");
}
