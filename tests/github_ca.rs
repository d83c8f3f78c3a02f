//! `aeef ca file | status | review` end to end: the real binary, real git
//! repositories holding incident records, and a stateful fake GitHub.
mod common;
mod fake_github;

use std::time::{Duration, Instant};

use common::{RepoBuilder, aeef_env, stderr, stdout};
use fake_github::{Fake, FaultKind};
use serde_json::{Value, json};

/// Distinctive so a leak anywhere is found by a substring search.
const TOKEN: &str = "ghp_S3cretTokenValue0123456789abcdefXYZ";

fn record(id: &str, actions: &str) -> String {
    format!(
        "# yaml-language-server: $schema=../schemas/incident.schema.json\n\
         id: {id} # keep this comment\n\
         title: Payment retry double-charges\n\
         severity: SEV-2\n\
         status: resolved\n\
         detected_at: 2026-11-02T09:14:00Z\n\
         corrective_actions:\n{actions}"
    )
}

fn ca(id: &str, category: &str, owner: &str, extra: &str) -> String {
    format!(
        "  - id: {id}\n    action: Do {id}\n    category: {category}   # why\n    owner: {owner}\n    due: 2026-11-20\n{extra}"
    )
}

fn three_actions() -> String {
    [
        ca("CA-1", "test-improvement", "alice", ""),
        ca("CA-2", "scanning-rule", "bob", ""),
        ca("CA-3", "training", "carol", ""),
    ]
    .concat()
}

fn repo_with(files: &[(&str, String)]) -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("README.md", "x\n");
    for (p, t) in files {
        r.write(p, t);
    }
    r.commit("records");
    r
}

/// Runs aeef against the fake with the token set; asserts the token never
/// shows up in stdout or stderr.
fn run(r: &RepoBuilder, fake: &Fake, args: &[&str]) -> std::process::Output {
    run_tok(r, fake, args, TOKEN)
}

fn run_tok(r: &RepoBuilder, fake: &Fake, args: &[&str], token: &str) -> std::process::Output {
    let uri = fake.uri();
    let o = aeef_env(
        r.path(),
        args,
        &[
            ("GITHUB_TOKEN", token),
            ("GITHUB_API_URL", &uri),
            ("GITHUB_REPOSITORY", "acme/pay"),
        ],
    );
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(TOKEN), "token leaked in output:\n{all}");
    assert!(
        !all.contains(&TOKEN[4..20]),
        "token fragment leaked:\n{all}"
    );
    o
}

fn json_out(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn issue_in_record(r: &RepoBuilder, file: &str, ca: &str) -> Option<u64> {
    let text = std::fs::read_to_string(r.path().join(file)).unwrap();
    let inc: aeef::incident::Incident = serde_saphyr::from_str(&text).unwrap();
    inc.corrective_actions
        .into_iter()
        .find(|c| c.id == ca)
        .and_then(|c| c.issue)
}

const F: &str = "incidents/INC-2026-007.yaml";

// Guards idempotency: reruns, and reruns with the record reset, never file twice.
#[tokio::test(flavor = "multi_thread")]
async fn rerun_three_times_files_exactly_one_issue_per_action() {
    let fake = Fake::start(TOKEN).await;
    let r = repo_with(&[(F, record("INC-2026-007", &three_actions()))]);
    let first = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let j = json_out(&first);
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["created"].as_array().unwrap().len(), 3);
    // Second run: the records carry the numbers, nothing to do.
    let second = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(second.status.success());
    assert_eq!(json_out(&second)["created"], json!([]));
    // Third run with the numbers lost from the records: markers find them.
    r.git(&["checkout", "--", F]);
    let third = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(third.status.success(), "{}", stderr(&third));
    let j3 = json_out(&third);
    assert_eq!(j3["created"], json!([]));
    assert_eq!(j3["existing"].as_array().unwrap().len(), 3);

    for (c, owner, cat) in [
        ("CA-1", "alice", "test-improvement"),
        ("CA-2", "bob", "scanning-rule"),
        ("CA-3", "carol", "training"),
    ] {
        let found = fake.with_marker(&format!("<!-- aeef:ca INC-2026-007/{c} -->"));
        assert_eq!(found.len(), 1, "{c}: {found:?}");
        assert_eq!(issue_in_record(&r, F, c), Some(found[0]));
        let st = fake.st();
        let i = &st.issues[&found[0]];
        assert_eq!(i.title, format!("[INC-2026-007/{c}] Do {c}"));
        assert_eq!(i.assignees, vec![owner.to_string()]);
        assert!(
            i.labels.contains(&"ai-incident-ca".to_string())
                && i.labels.contains(&format!("ca:{cat}"))
        );
        assert!(
            i.body.contains(&format!("@{owner}"))
                && i.body.contains("2026-11-20")
                && i.body.contains(F)
        );
    }
    assert_eq!(fake.st().issues.len(), 3);
    assert_eq!(fake.count("POST /repos/acme/pay/issues"), 3);
    assert!(fake.st().labels["ai-incident-ca"]["color"].is_string());
    assert_eq!(
        fake.st().missing_version,
        0,
        "every request sends X-GitHub-Api-Version"
    );
    // The edit kept comments and layout: only `issue:` lines were added.
    let text = std::fs::read_to_string(r.path().join(F)).unwrap();
    assert!(
        text.contains("id: INC-2026-007 # keep this comment")
            && text.contains("category: training   # why")
    );
    let diff = r.git(&["diff", "--numstat", "--", F]);
    assert!(diff.starts_with("3\t0\t"), "{diff}");
}

// Guards "never retry a POST blindly": lost answers and failures before storing.
#[tokio::test(flavor = "multi_thread")]
async fn lost_answers_timeouts_and_5xx_never_duplicate_or_lose() {
    let fake = Fake::start(TOKEN).await;
    let r = repo_with(&[(F, record("INC-2026-007", &three_actions()))]);
    fake.fault("POST", "/repos/acme/pay/issues", FaultKind::After502);
    fake.fault(
        "POST",
        "/repos/acme/pay/issues",
        FaultKind::Before(500, json!({"message": "Server Error"})),
    );
    fake.fault(
        "POST",
        "/repos/acme/pay/issues",
        FaultKind::Delay(Duration::from_secs(3)),
    );
    let o = run(
        &r,
        &fake,
        &[
            "ca",
            "file",
            "--format",
            "json",
            "--timeout",
            "0.7",
            "--retry-backoff-ms",
            "10",
            "--verbose",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("POST /repos/acme/pay/issues"),
        "verbose logs requests"
    );
    assert!(!stderr(&o).to_lowercase().contains("authorization"));
    let j = json_out(&o);
    assert_eq!(j["created"].as_array().unwrap().len(), 3, "{j}");
    assert_eq!(j["failed"], json!([]));
    for c in ["CA-1", "CA-2", "CA-3"] {
        let found = fake.with_marker(&format!("<!-- aeef:ca INC-2026-007/{c} -->"));
        assert_eq!(found.len(), 1, "{c}");
        assert_eq!(issue_in_record(&r, F, c), Some(found[0]));
    }
    // 502 (stored) → found by re-listing; 500 (not stored) → one more POST; timeout (stored) → found.
    assert_eq!(fake.count("POST /repos/acme/pay/issues"), 4);
}

// Guards the verification rule of DESIGN §4 against the raw timeline.
#[tokio::test(flavor = "multi_thread")]
async fn verification_read_from_issue_and_timeline() {
    let fake = Fake::start(TOKEN).await;
    let l = &["ai-incident-ca"];
    let at = "2026-11-21T10:00:00Z";
    let i1 = fake.seed("a", "", l, &["carol"]);
    fake.close(i1, "carol", "completed", at); // assignee closes: no
    let i2 = fake.seed("b", "", l, &["alice"]);
    fake.close(i2, "bob", "completed", at); // someone else: yes
    let i3 = fake.seed("c", "", l, &["alice"]);
    fake.close(i3, "alice", "completed", at);
    fake.label(i3, "ca-verified", "dave"); // label by someone else: yes
    let i4 = fake.seed("d", "", l, &["alice"]);
    fake.close(i4, "alice", "completed", at);
    fake.label(i4, "ca-verified", "alice"); // owner: no
    let i5 = fake.seed("e", "", l, &["alice"]);
    fake.close(i5, "bob", "completed", at);
    fake.reopen(i5, "alice"); // reopened: no
    let i6 = fake.seed("f", "", l, &["alice"]);
    fake.close(i6, "bob", "not_planned", at); // not planned: no
    let i7 = fake.seed("g", "", l, &["alice"]);
    for k in 0..130 {
        // More than one page of events GitHub may add later.
        fake.event(
            i7,
            json!({"event": format!("future_event_{k}"), "payload": {"x": [k]}}),
        );
    }
    fake.event(
        i7,
        json!({"event": "cross-referenced", "source": {"issue": {"number": 1}}}),
    );
    fake.close(i7, "bob", "completed", at);
    let actions: String = [
        (1, i1),
        (2, i2),
        (3, i3),
        (4, i4),
        (5, i5),
        (6, i6),
        (7, i7),
        (8, 999),
    ]
    .iter()
    .map(|(k, n)| {
        ca(
            &format!("CA-{k}"),
            "training",
            "alice",
            &format!("    issue: {n}\n"),
        )
    })
    .collect();
    let r = repo_with(&[(F, record("INC-2026-007", &actions))]);
    let o = run(
        &r,
        &fake,
        &[
            "ca",
            "status",
            "--format",
            "json",
            "--now",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    assert_eq!(j["schema_version"], 1);
    let a = j["actions"].as_array().unwrap();
    let get = |k: usize| &a[k - 1];
    let verified: Vec<bool> = a.iter().map(|x| x["verified"].as_bool().unwrap()).collect();
    assert_eq!(
        verified,
        [false, true, true, false, false, false, true, false]
    );
    assert_eq!(get(1)["reason_code"], "verified-by-owner");
    assert_eq!(get(2)["verifier"], "bob");
    assert_eq!(get(2)["next_effectiveness_mark"], "2026-12-21");
    assert_eq!(get(2)["overdue"], false);
    assert_eq!(get(3)["verifier"], "dave");
    assert_eq!(get(4)["reason_code"], "verified-by-owner");
    assert_eq!(
        (get(5)["state"].as_str(), get(5)["reason_code"].as_str()),
        (Some("open"), Some("reopened"))
    );
    assert_eq!(get(5)["overdue"], true);
    assert_eq!(get(6)["reason_code"], "not-planned");
    assert_eq!(get(6)["state"], "closed");
    assert_eq!(get(7)["verifier"], "bob");
    assert_eq!(
        (get(8)["state"].as_str(), get(8)["issue"].as_u64()),
        (Some("missing"), Some(999))
    );
    assert!(
        fake.count(&format!("GET /repos/acme/pay/issues/{i7}/timeline")) >= 2,
        "timeline paginated"
    );
}

// Guards pagination: a marker on the second page must be found.
#[tokio::test(flavor = "multi_thread")]
async fn finds_markers_among_150_issues_on_two_pages() {
    let fake = Fake::start(TOKEN).await;
    for k in 0..150u32 {
        let body = if k == 2 {
            "filed earlier\n<!-- aeef:ca INC-2026-007/CA-1 -->".to_string()
        } else {
            format!("<!-- aeef:ca INC-2025-{k:03}/CA-1 -->")
        };
        fake.seed(&format!("old {k}"), &body, &["ai-incident-ca"], &[]);
    }
    fake.seed(
        "unlabelled",
        "<!-- aeef:ca INC-2026-007/CA-2 -->",
        &["other"],
        &[],
    );
    let acts = [
        ca("CA-1", "training", "alice", ""),
        ca("CA-2", "training", "bob", ""),
    ]
    .concat();
    let r = repo_with(&[(F, record("INC-2026-007", &acts))]);
    let o = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    assert_eq!(
        j["existing"],
        json!([{"incident": "INC-2026-007", "corrective_action": "CA-1", "issue": 3}])
    );
    assert_eq!(j["created"][0]["issue"], 152);
    let lists: Vec<String> = fake
        .st()
        .log
        .iter()
        .filter(|l| l.starts_with("GET /repos/acme/pay/issues?"))
        .cloned()
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
    assert!(
        lists[0].contains("per_page=100")
            && lists[0].contains("state=all")
            && lists[0].contains("labels=ai-incident-ca")
    );
    assert!(lists[1].contains("page=2"));
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_are_waited_out_within_max_wait() {
    let fake = Fake::start(TOKEN).await;
    let r = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    fake.fault("GET", "/repos/acme/pay/issues", FaultKind::RateLimit(1));
    fake.fault("POST", "/repos/acme/pay/issues", FaultKind::RetryAfter(1));
    let t = Instant::now();
    let o = run(
        &r,
        &fake,
        &["ca", "file", "--format", "json", "--max-wait", "10"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "waited for both limits"
    );
    assert_eq!(json_out(&o)["created"].as_array().unwrap().len(), 1);
    assert_eq!(fake.st().issues.len(), 1);

    // A reset an hour away is more than --max-wait allows: exit 2 at once.
    let r2 = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    fake.fault("GET", "/repos/acme/pay/issues", FaultKind::RateLimit(3600));
    let t = Instant::now();
    let o = run(&r2, &fake, &["ca", "file", "--max-wait", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("rate limit"), "{}", stderr(&o));
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_token_forbidden_and_unknown_repo_exit_2_plainly() {
    let fake = Fake::start(TOKEN).await;
    let r = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    // The fake only knows TOKEN; this one leaks-checks against TOKEN too.
    let o = run_tok(
        &r,
        &fake,
        &["ca", "file", "--verbose"],
        "ghp_wrongWRONGwrong",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("401") && e.contains("GITHUB_TOKEN"), "{e}");
    assert!(!e.contains("ghp_wrongWRONGwrong"));

    fake.fault(
        "POST",
        "/repos/acme/pay/labels",
        FaultKind::Before(
            403,
            json!({"message": "Resource not accessible by integration"}),
        ),
    );
    let o = run(&r, &fake, &["ca", "file"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("issues: write") && stderr(&o).contains("fork"),
        "{}",
        stderr(&o)
    );

    let o = run(&r, &fake, &["ca", "file", "--repo", "acme/nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("acme/nope") && stderr(&o).contains("not found"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fake.st().issues.len(), 0);
    assert_eq!(issue_in_record(&r, F, "CA-1"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn read_retries_on_5xx_then_gives_up_with_exit_2() {
    let fake = Fake::start(TOKEN).await;
    let r = repo_with(&[(
        F,
        record(
            "INC-2026-007",
            &ca("CA-1", "training", "alice", "    issue: 1\n"),
        ),
    )]);
    fake.seed("x", "", &["ai-incident-ca"], &["alice"]);
    fake.fault(
        "GET",
        "/repos/acme/pay/issues/1",
        FaultKind::Before(502, json!({})),
    );
    let o = run(
        &r,
        &fake,
        &[
            "ca",
            "status",
            "--format",
            "json",
            "--retry-backoff-ms",
            "5",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json_out(&o)["actions"][0]["state"], "open");
    for _ in 0..4 {
        fake.fault(
            "GET",
            "/repos/acme/pay/issues/1",
            FaultKind::Before(503, json!({})),
        );
    }
    let o = run(&r, &fake, &["ca", "status", "--retry-backoff-ms", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("503"), "{}", stderr(&o));
}

// Guards the sticky comment: posting twice leaves one comment, updated.
#[tokio::test(flavor = "multi_thread")]
async fn review_digest_and_one_sticky_comment() {
    let fake = Fake::start(TOKEN).await;
    let board = fake.seed("weekly review", "", &[], &[]);
    let acts = [
        ca("CA-1", "training", "alice", ""),
        ca("CA-2", "training", "alice", "").replace("2026-11-20", "2026-12-12"),
        ca("CA-3", "training", "bob", "").replace("2026-11-20", "2026-12-05"),
    ]
    .concat();
    let r = repo_with(&[(F, record("INC-2026-007", &acts))]);
    let o = run(
        &r,
        &fake,
        &["ca", "review", "--now", "2026-12-01T00:00:00Z"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.starts_with("# Corrective-action review, 2026-12-01"),
        "{md}"
    );
    let alice = md.find("### @alice").unwrap();
    let overdue = md[alice..].find("**overdue** INC-2026-007/CA-1").unwrap();
    let later = md[alice..].find("INC-2026-007/CA-2").unwrap();
    assert!(overdue < later, "overdue first:\n{md}");
    let soon = md.find("## Due in the next 7 days").unwrap();
    assert!(
        md[soon..].contains("CA-3")
            && !md[soon..md.find("## Effectiveness").unwrap()].contains("CA-2")
    );

    for _ in 0..2 {
        let o = run(
            &r,
            &fake,
            &[
                "ca",
                "review",
                "--post",
                &board.to_string(),
                "--now",
                "2026-12-01T00:00:00Z",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let st = fake.st();
    let mine: Vec<_> = st
        .comments
        .iter()
        .filter(|c| c.1 == board && c.2.contains("<!-- aeef:ca-review -->"))
        .collect();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].2.contains("### @bob"));
    assert_eq!(st.log.iter().filter(|l| l.starts_with("PATCH")).count(), 1);
}

// Guards the offline rule: `verified_by` must be committed by someone other than the owner.
#[test]
fn offline_status_uses_blame_on_verified_by() {
    let acts = [
        ca("CA-1", "training", "alice", ""),
        ca("CA-2", "training", "alice", ""),
        ca("CA-3", "training", "alice", ""),
    ]
    .concat();
    let mut r = RepoBuilder::new();
    r.author("Alice Human", "alice@example.com");
    r.write(F, &record("INC-2026-007", &acts));
    r.commit("record");
    // Bob verifies CA-1.
    r.author("Bob Reviewer", "bob@example.com");
    r.edit(
        F,
        13,
        12,
        &[
            "    verified_by: bob",
            "    verified_at: 2026-11-21T10:00:00Z",
        ],
    );
    r.commit("verify CA-1");
    // Alice writes a verifier into her own CA-2 (noreply address).
    r.author("A. H.", "123+alice@users.noreply.github.com");
    let text = std::fs::read_to_string(r.path().join(F)).unwrap();
    let pos = text.lines().position(|l| l.contains("id: CA-2")).unwrap() + 5;
    r.edit(F, pos + 1, pos, &["    verified_by: carol"]);
    r.commit("verify CA-2 myself");
    // CA-3 verified in the work tree only.
    let text = std::fs::read_to_string(r.path().join(F)).unwrap();
    let pos = text.lines().position(|l| l.contains("id: CA-3")).unwrap() + 5;
    r.edit(F, pos + 1, pos, &["    verified_by: dave"]);

    let o = aeef_env(
        r.path(),
        &[
            "ca",
            "status",
            "--format",
            "json",
            "--now",
            "2026-12-01T00:00:00Z",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    assert_eq!(j["mode"], "offline");
    let a = j["actions"].as_array().unwrap();
    assert_eq!(
        (a[0]["verified"].as_bool(), a[0]["verifier"].as_str()),
        (Some(true), Some("bob"))
    );
    assert_eq!(a[0]["next_effectiveness_mark"], "2026-12-21");
    assert_eq!(a[1]["reason_code"], "committed-by-owner");
    assert_eq!(a[2]["reason_code"], "not-committed");
    assert_eq!(a[0]["state"], "missing");
}

/// Issue 14 item 6: `ca status` for people had no header, an unexplained
/// issue state, and the due date and next effectiveness mark only in JSON.
/// It is a table like `gh issue list` with what to do next per action.
#[test]
fn ca_status_human_is_a_table_with_state_due_mark_and_next_step() {
    let acts = [
        ca("CA-1", "training", "alice", ""),
        ca("CA-2", "training", "alice", ""),
        ca("CA-3", "training", "alice", ""),
        ca("CA-4", "training", "alice", "    issue: 12\n"),
    ]
    .concat();
    let mut r = RepoBuilder::new();
    r.author("Alice Human", "alice@example.com");
    r.write(F, &record("INC-2026-007", &acts));
    r.commit("record");
    r.author("Bob Reviewer", "bob@example.com");
    r.edit(
        F,
        13,
        12,
        &[
            "    verified_by: bob",
            "    verified_at: 2026-11-21T10:00:00Z",
        ],
    );
    r.commit("verify CA-1");
    r.author("A. H.", "123+alice@users.noreply.github.com");
    let text = std::fs::read_to_string(r.path().join(F)).unwrap();
    let pos = text.lines().position(|l| l.contains("id: CA-2")).unwrap() + 5;
    r.edit(F, pos + 1, pos, &["    verified_by: carol"]);
    r.commit("verify CA-2 myself");
    let o = aeef_env(
        r.path(),
        &["ca", "status", "--now", "2026-12-01T00:00:00Z"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("ca_status_human_offline", stdout(&o));
}

#[test]
fn dry_run_reads_repository_from_origin_without_token() {
    let r = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    r.git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:acme/payments.git",
    ]);
    let o = aeef_env(r.path(), &["ca", "file", "--dry-run"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("would file in acme/payments: [INC-2026-007/CA-1] Do CA-1"),
        "{}",
        stdout(&o)
    );
    let o = aeef_env(r.path(), &["ca", "file"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("GITHUB_TOKEN"));
}

/// Issue 14 item 5: with a local `origin` (no GitHub repository) and no
/// token, `ca file --dry-run` stopped at "no repository". A dry run plans
/// from the records alone and says what it could not check.
#[test]
fn dry_run_plans_offline_with_a_local_origin_and_says_what_was_not_checked() {
    let r = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    let bare = tempfile::tempdir().unwrap();
    r.git(&["remote", "add", "origin", bare.path().to_str().unwrap()]);
    let o = aeef_env(r.path(), &["ca", "file", "--dry-run"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("would file in the GitHub repository (unknown here: pass --repo OWNER/NAME): [INC-2026-007/CA-1] Do CA-1"),
        "{text}"
    );
    assert!(
        text.contains("note: existing issues were not checked: no token in GITHUB_TOKEN"),
        "{text}"
    );
    let o = aeef_env(
        r.path(),
        &["ca", "file", "--dry-run", "--format", "json"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_out(&o);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["repository"], Value::Null);
    assert_eq!(v["existing_checked"], false);
    assert_eq!(v["would_create"][0]["corrective_action"], "CA-1");
    assert_eq!(
        v["would_create"][0]["labels"],
        json!(["ai-incident-ca", "ca:training"])
    );
    assert_eq!(v["existing"], json!([]));
    // Every reason is listed (issue 14: only the token was): no token and
    // no repository known (the origin is a local path).
    let reasons: Vec<&str> = v["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(reasons.len(), 2, "{v}");
    assert!(reasons[0].contains("no token in GITHUB_TOKEN"), "{v}");
    assert!(reasons[1].contains("no GitHub repository known"), "{v}");
    assert!(
        text.contains("note: existing issues were not checked: no GitHub repository known"),
        "{text}"
    );
}

/// Issue 14 item 5: with a token but no repository known, the dry run
/// still plans and says why existing issues were not checked; the token is
/// never shown.
#[test]
fn dry_run_with_a_token_but_no_repository_says_existing_issues_were_not_checked() {
    let r = repo_with(&[(
        F,
        record("INC-2026-007", &ca("CA-1", "training", "alice", "")),
    )]);
    let o = aeef_env(
        r.path(),
        &["ca", "file", "--dry-run", "--format", "json"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains(TOKEN) && !stderr(&o).contains(TOKEN));
    let v = json_out(&o);
    assert_eq!(v["existing_checked"], false);
    assert!(
        v["not_checked"][0]
            .as_str()
            .unwrap()
            .contains("no GitHub repository known"),
        "{v}"
    );
}

/// Issue 11.3: an action with no issue whose `verified_by` someone other
/// than the owner committed is verified by its record — online (a token, the
/// Action's default) exactly as offline. The online gate used to call it
/// "not verified (203 days overdue)", and `ca file` planned an issue for it.
#[tokio::test(flavor = "multi_thread")]
async fn online_and_offline_agree_on_an_unfiled_action_verified_in_its_record() {
    let fake = Fake::start(TOKEN).await;
    let acts = [
        ca("CA-1", "training", "alice", ""),
        ca("CA-2", "test-improvement", "alice", "    issue: 1\n"),
    ]
    .concat();
    let mut r = RepoBuilder::new();
    r.write(F, &record("INC-2026-007", &acts));
    r.commit("record");
    r.author("Bob Reviewer", "bob@example.com");
    let text = std::fs::read_to_string(r.path().join(F)).unwrap();
    let pos = text.lines().position(|l| l.contains("id: CA-1")).unwrap() + 5;
    r.edit(
        F,
        pos + 1,
        pos,
        &[
            "    verified_by: bob",
            "    verified_at: 2026-11-21T10:00:00Z",
        ],
    );
    r.commit("verify CA-1");
    let n = fake.seed(
        "CA-2",
        "<!-- aeef:ca INC-2026-007/CA-2 -->",
        &["ai-incident-ca"],
        &["alice"],
    );
    assert_eq!(n, 1);
    fake.close(1, "bob", "completed", "2026-11-21T10:00:00Z");
    let now = "2026-12-01T00:00:00Z";
    let verdicts = |extra: &[&str]| {
        let mut a = vec!["gate", "--format", "json", "--now", now];
        a.extend_from_slice(extra);
        let o = run(&r, &fake, &a);
        (o.status.code(), json_out(&o))
    };
    let (online_code, online) = verdicts(&[]);
    let (offline_code, offline) = verdicts(&["--offline"]);
    // The record lacks a post-mortem (an error either way). CA-2's closed
    // issue counts only online; CA-1's record counts in both.
    assert_eq!(online_code, offline_code, "{online:#}\n{offline:#}");
    let unverified = |v: &Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("ca-unverified"))
            .filter(|f| f["corrective_action"] == "CA-1")
            .count()
    };
    assert_eq!((unverified(&online), unverified(&offline)), (0, 0));
    // ca status online says the same, and ca file plans nothing for CA-1.
    let o = run(
        &r,
        &fake,
        &["ca", "status", "--format", "json", "--now", now],
    );
    let j = json_out(&o);
    let ca1 = j["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["corrective_action"] == "CA-1")
        .unwrap();
    assert_eq!(
        (ca1["verified"].as_bool(), ca1["verifier"].as_str()),
        (Some(true), Some("bob"))
    );
    let o = run(&r, &fake, &["ca", "file", "--dry-run", "--format", "json"]);
    assert!(!stdout(&o).contains("CA-1"), "{}", stdout(&o));
}

/// The record of `record("INC-2026-007", three_actions())` as JSON (valid
/// YAML) and in one-line flow style.
fn json_record() -> String {
    let text = record("INC-2026-007", &three_actions());
    let v: Value = serde_saphyr::from_str(&text).unwrap();
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

const FLOW_RECORD: &str = "# flow style, comments kept\n{id: INC-2026-007, title: Payment retry double-charges, severity: SEV-2, status: resolved,\n  detected_at: 2026-11-02T09:14:00Z, corrective_actions: [\n    {id: CA-1, action: Do CA-1, category: test-improvement, owner: alice, due: 2026-11-20}, # first\n    {id: CA-2, action: Do CA-2, category: scanning-rule, owner: bob, due: 2026-11-20, issue: null},\n    {id: CA-3, action: Do CA-3, category: training, owner: carol, due: 2026-11-20}]}\n";

// Guards issue 12 item 12: `ca file` filed the issue but could not write
// its number into a record in flow or JSON style, and `ca status` then
// said "no issue filed". Both styles now get the numbers, in their style,
// with every other byte kept.
#[tokio::test(flavor = "multi_thread")]
async fn ca_file_records_issue_numbers_in_flow_and_json_records() {
    let fake = Fake::start(TOKEN).await;
    let g = "incidents/INC-2026-008.yaml";
    let flow = FLOW_RECORD.replace("INC-2026-007", "INC-2026-008");
    let r = repo_with(&[(F, json_record()), (g, flow.clone())]);
    let o = run(&r, &fake, &["ca", "file", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    assert_eq!(j["created"].as_array().unwrap().len(), 6, "{j}");
    assert_eq!(j["failed"], json!([]), "{j}");
    for (file, inc) in [(F, "INC-2026-007"), (g, "INC-2026-008")] {
        for c in ["CA-1", "CA-2", "CA-3"] {
            let found = fake.with_marker(&format!("<!-- aeef:ca {inc}/{c} -->"));
            assert_eq!(issue_in_record(&r, file, c), Some(found[0]), "{file} {c}");
        }
    }
    // JSON stays JSON; flow stays flow with its comments.
    let json_after = std::fs::read_to_string(r.path().join(F)).unwrap();
    assert!(
        serde_json::from_str::<Value>(&json_after).is_ok(),
        "{json_after}"
    );
    let flow_after = std::fs::read_to_string(r.path().join(g)).unwrap();
    assert!(
        flow_after.contains("# flow style, comments kept") && flow_after.contains("}, # first"),
        "{flow_after}"
    );
    assert!(
        flow_after.contains("due: 2026-11-20, issue: "),
        "{flow_after}"
    );
    // Only the numbers were added: removing them gives the old text back.
    let strip = |t: &str| {
        regex::Regex::new(r#",?\s*"?issue"?: [0-9]+"#)
            .unwrap()
            .replace_all(t, "")
            .into_owned()
    };
    assert_eq!(
        strip(&flow_after),
        strip(&flow).replace(", issue: null", "")
    );
    let status = run(
        &r,
        &fake,
        &[
            "ca",
            "status",
            "--format",
            "json",
            "--now",
            "2026-11-10T00:00:00Z",
        ],
    );
    assert!(status.status.success(), "{}", stderr(&status));
    let s = json_out(&status);
    for a in s["actions"].as_array().unwrap() {
        assert_eq!(a["state"], "open", "{a}");
        assert!(a["issue"].as_u64().is_some(), "{a}");
    }
}

// Guards DESIGN §4 "found by its marker when the record lacks the number":
// a record whose `issue:` write failed (or was reverted) still gets its
// verification from the issue, on every online path.
#[tokio::test(flavor = "multi_thread")]
async fn ca_status_finds_an_issue_by_its_marker_when_the_record_lacks_the_number() {
    let fake = Fake::start(TOKEN).await;
    let l = &["ai-incident-ca"];
    let n = fake.seed(
        "[INC-2026-007/CA-2] Do CA-2",
        "body\n\n<!-- aeef:ca INC-2026-007/CA-2 -->\n",
        l,
        &["bob"],
    );
    fake.close(n, "dave", "completed", "2026-11-21T10:00:00Z");
    let r = repo_with(&[(F, record("INC-2026-007", &three_actions()))]);
    let o = run(
        &r,
        &fake,
        &[
            "ca",
            "status",
            "--format",
            "json",
            "--now",
            "2026-11-25T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json_out(&o);
    let a = j["actions"].as_array().unwrap();
    assert_eq!(
        (
            a[1]["issue"].as_u64(),
            a[1]["state"].as_str(),
            a[1]["verified"].as_bool(),
            a[1]["verifier"].as_str()
        ),
        (Some(n), Some("closed"), Some(true), Some("dave")),
        "{j}"
    );
    // The others have no issue anywhere: still "missing".
    assert_eq!(
        (a[0]["state"].as_str(), a[0]["issue"].as_u64()),
        (Some("missing"), None)
    );
    // One listing of the labelled issues, not one per action.
    assert_eq!(fake.count("GET /repos/acme/pay/issues?labels="), 1);
}

// Guards the online gate on the same rule: an action whose issue is found
// by its marker is filed (no `ca-not-filed`) and verified from that issue.
#[tokio::test(flavor = "multi_thread")]
async fn online_gate_reads_an_issue_found_by_its_marker() {
    let fake = Fake::start(TOKEN).await;
    let n = fake.seed(
        "[INC-2026-007/CA-2] Do CA-2",
        "body\n\n<!-- aeef:ca INC-2026-007/CA-2 -->\n",
        &["ai-incident-ca"],
        &["bob"],
    );
    fake.close(n, "dave", "completed", "2026-11-21T10:00:00Z");
    let r = repo_with(&[(F, record("INC-2026-007", &three_actions()))]);
    let o = run(
        &r,
        &fake,
        &["gate", "--format", "json", "--now", "2026-11-25T00:00:00Z"],
    );
    let j = json_out(&o);
    let about = |rule: &str| -> Vec<String> {
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["corrective_action"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(about("ca-not-filed"), ["CA-1", "CA-3"], "{j}");
    assert!(
        !about("ca-unverified-overdue").contains(&"CA-2".to_string()),
        "{j}"
    );
    assert_eq!(about("ca-unverified-overdue"), ["CA-1", "CA-3"], "{j}");
}

/// Issue 11 Deliver, DESIGN §4: online, an open or reopened issue wins over
/// a `verified_by` in the record (someone other than the owner committed
/// it), and the finding says why the record's claim does not count; offline
/// the record is all there is, so it counts.
#[tokio::test(flavor = "multi_thread")]
async fn an_open_or_reopened_issue_wins_over_a_verified_record_and_says_so() {
    let fake = Fake::start(TOKEN).await;
    let verified = "    verified_by: bob\n    verified_at: 2026-11-21T10:00:00Z\n";
    let acts = [
        ca(
            "CA-1",
            "training",
            "alice",
            &format!("    issue: 1\n{verified}"),
        ),
        ca(
            "CA-2",
            "test-improvement",
            "alice",
            &format!("    issue: 2\n{verified}"),
        ),
    ]
    .concat();
    let mut r = RepoBuilder::new();
    r.author("Bob Reviewer", "bob@example.com");
    r.write(F, &record("INC-2026-007", &acts));
    r.commit("record, verified by bob");
    let one = fake.seed(
        "[INC-2026-007/CA-1] Do CA-1",
        "<!-- aeef:ca INC-2026-007/CA-1 -->",
        &["ai-incident-ca"],
        &["alice"],
    );
    let two = fake.seed(
        "[INC-2026-007/CA-2] Do CA-2",
        "<!-- aeef:ca INC-2026-007/CA-2 -->",
        &["ai-incident-ca"],
        &["alice"],
    );
    assert_eq!((one, two), (1, 2));
    fake.close(2, "dave", "completed", "2026-11-21T10:00:00Z");
    fake.reopen(2, "alice");
    let now = "2026-12-01T00:00:00Z";
    let gate = |extra: &[&str]| {
        let mut a = vec!["gate", "--format", "json", "--now", now];
        a.extend_from_slice(extra);
        let o = run(&r, &fake, &a);
        (o.status.code(), json_out(&o))
    };
    let overdue = |v: &Value, ca: &str| -> Option<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "ca-unverified-overdue" && f["corrective_action"] == ca)
            .map(|f| f["message"].as_str().unwrap().to_string())
    };
    let (code, online) = gate(&[]);
    assert_eq!(code, Some(1), "{online:#}");
    let m1 = overdue(&online, "CA-1").expect("CA-1 unverified online");
    // Both sides of the disagreement are named (issue 11 fix item 5).
    assert!(
        m1.contains(": the record says `verified_by: ") && m1.ends_with(" is open"),
        "{m1}"
    );
    let m2 = overdue(&online, "CA-2").expect("CA-2 unverified online");
    assert!(
        m2.contains(": the record says `verified_by: ") && m2.ends_with(" was reopened"),
        "{m2}"
    );
    let (_, offline) = gate(&["--offline"]);
    assert_eq!(
        (overdue(&offline, "CA-1"), overdue(&offline, "CA-2")),
        (None, None),
        "{offline:#}"
    );
    // ca status online gives the same answer, with the reason code.
    let o = run(
        &r,
        &fake,
        &["ca", "status", "--format", "json", "--now", now],
    );
    let j = json_out(&o);
    let codes: Vec<(bool, String)> = j["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["verified"].as_bool().unwrap(),
                a["reason_code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [(false, "open".to_string()), (false, "reopened".to_string())],
        "{j:#}"
    );
}
