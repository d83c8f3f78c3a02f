//! `aeef gate` on a pull request against a fake GitHub that records every
//! label and comment call (issue 13, items 2, 3 and 6): the managed labels
//! applied, kept without churn on reruns and removed after a force-push;
//! one summary comment created once and edited in place; the read-only
//! token of a fork's pull request; a hostile commit subject in the table.
mod common;
mod fake_github;

use common::{RepoBuilder, aeef_env, stderr, stdout};
use fake_github::Fake;
use serde_json::{Value, json};

/// Distinctive so a leak anywhere is found by a substring search.
const TOKEN: &str = "ghp_PrT0kenNeverShown0123456789abcdefQ";
const MARKER: &str = "<!-- aeef:pr-summary -->";

/// A repository whose `main` has one human file, and a branch `topic` with
/// a human commit adding 2 lines and a complete AEEF-attributed commit
/// adding 8: share 8/10, so both labels are due.
fn repo() -> (RepoBuilder, String, String) {
    let mut r = RepoBuilder::new();
    r.write("src/lib.rs", "fn base() {}\n");
    let base = r.commit("base");
    r.checkout_new("topic", &base);
    r.write("src/human.rs", "fn a() {}\nfn b() {}\n");
    r.commit("Add two human lines");
    let ai: String = (0..8).map(|i| format!("fn ai{i}() {{}}\n")).collect();
    r.write("src/ai.rs", &ai);
    aeef_trailers(&mut r);
    let head = r.commit("Add the retry helpers");
    (r, base, head)
}

fn aeef_trailers(r: &mut RepoBuilder) {
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "claude-opus-4")
        .trailer("AI-Prompt-Ref", "prompts/retry.md")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
}

/// The fake with pull request #1 (an issue with `pull_request` set) that
/// already carries a label aeef does not manage.
async fn fake() -> Fake {
    let f = Fake::start(TOKEN).await;
    let n = f.seed("Retry helpers", "", &["bug"], &[]);
    assert_eq!(n, 1);
    f.set_field(n, "pull_request", json!({"url": "https://x/pulls/1"}));
    f
}

fn event(r: &RepoBuilder, base: &str, head: &str, body: &str) -> std::path::PathBuf {
    let p = r.path().join(".git/event.json");
    std::fs::write(
        &p,
        json!({"action": "synchronize", "number": 1, "pull_request": {
            "number": 1, "title": "Retry helpers", "body": body,
            "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "topic"}}})
        .to_string(),
    )
    .unwrap();
    p
}

/// Runs the gate against the fake; asserts the token never shows up.
fn gate(
    r: &RepoBuilder,
    fake: &Fake,
    ev: &std::path::Path,
    extra: &[(&str, &str)],
    args: &[&str],
) -> std::process::Output {
    let uri = fake.uri();
    let mut env = vec![
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_API_URL", uri.as_str()),
        ("GITHUB_REPOSITORY", "acme/pay"),
        ("GITHUB_EVENT_PATH", ev.to_str().unwrap()),
    ];
    env.extend_from_slice(extra);
    let mut all_args = vec!["gate", "--format", "json", "--retry-backoff-ms", "1"];
    all_args.extend_from_slice(args);
    let o = aeef_env(r.path(), &all_args, &env);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(TOKEN), "token leaked:\n{all}");
    o
}

fn json_out(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

fn labels_of(fake: &Fake, n: u64) -> Vec<String> {
    let mut v = fake.st().issues[&n].labels.clone();
    v.sort();
    v
}

fn comments_on(fake: &Fake, n: u64) -> Vec<(u64, String)> {
    fake.st()
        .comments
        .iter()
        .filter(|c| c.1 == n)
        .map(|c| (c.0, c.2.clone()))
        .collect()
}

/// Requests made since `from` (an index into the fake's log).
fn since(fake: &Fake, from: usize) -> Vec<String> {
    fake.requests()[from..].to_vec()
}

fn writes(reqs: &[String]) -> Vec<&String> {
    reqs.iter().filter(|l| !l.starts_with("GET ")).collect()
}

// Guards items 2 and 3 end to end: labels and one comment appear on the
// first run, a rerun changes nothing but one PATCH of the comment, and a
// force-push that drops the AI commit takes exactly the managed labels
// away (never `bug`).
#[tokio::test(flavor = "multi_thread")]
async fn labels_and_comment_follow_the_change_across_reruns_and_force_push() {
    let fake = fake().await;
    let (mut r, base, head) = repo();
    let ev = event(&r, &base, &head, "");

    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(labels_of(&fake, 1), ["ai-assisted", "ai-primary", "bug"]);
    // Both labels were created in the repository, with a colour.
    assert!(fake.st().labels["ai-assisted"]["color"].is_string());
    assert!(fake.st().labels["ai-primary"]["description"].is_string());
    let c = comments_on(&fake, 1);
    assert_eq!(c.len(), 1, "{c:?}");
    let body = &c[0].1;
    assert!(body.starts_with(MARKER), "{body}");
    assert!(body.contains("**Verdict: ✅ pass**"), "{body}");
    assert!(body.contains("**80.0 %** of the added lines"), "{body}");
    assert!(
        body.lines().any(|l| l.contains(&head[..12])
            && l.contains("ai-generated")
            && l.contains("claude-code")
            && l.contains("claude-opus-4")),
        "{body}"
    );
    assert!(
        stderr(&o).contains("label `ai-primary` added"),
        "{}",
        stderr(&o)
    );
    let first_id = c[0].0;

    // Rerun: no label churn, no second comment, one PATCH.
    let mark = fake.requests().len();
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = since(&fake, mark);
    assert_eq!(
        writes(&w),
        [&format!("PATCH /repos/acme/pay/issues/comments/{first_id}")],
        "{w:?}"
    );
    assert_eq!(comments_on(&fake, 1).len(), 1);
    assert_eq!(labels_of(&fake, 1), ["ai-assisted", "ai-primary", "bug"]);

    // Force-push: the branch now holds only a human commit.
    r.git(&["reset", "-q", "--hard", &base]);
    r.write("src/human.rs", "fn a() {}\n");
    let new_head = r.commit("Redo by hand");
    let ev = event(&r, &base, &new_head, "");
    let mark = fake.requests().len();
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(labels_of(&fake, 1), ["bug"]);
    let w = since(&fake, mark);
    let deletes: Vec<_> = w.iter().filter(|l| l.starts_with("DELETE ")).collect();
    assert_eq!(deletes.len(), 2, "{w:?}");
    assert!(!w.iter().any(|l| l.starts_with("POST ")), "{w:?}");
    let c = comments_on(&fake, 1);
    assert_eq!(c.len(), 1);
    assert!(!c[0].1.contains(&head[..12]) && c[0].1.contains(&new_head[..12]));
    assert!(c[0].1.contains("**0.0 %**"), "{}", c[0].1);
    assert!(
        stderr(&o).contains("label `ai-assisted` removed"),
        "{}",
        stderr(&o)
    );
}

// Guards `pr.primary_threshold`: 80 % of the lines is not above 0.9, so only
// `ai-assisted` is due; and labels need no `--comment`.
#[tokio::test(flavor = "multi_thread")]
async fn the_configured_threshold_decides_ai_primary() {
    let fake = fake().await;
    let (mut r, base, _) = repo();
    r.write(".aeef.yml", "pr:\n  primary_threshold: 0.9\n");
    let head = r.commit("config");
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(labels_of(&fake, 1), ["ai-assisted", "bug"]);
    assert!(
        comments_on(&fake, 1).is_empty(),
        "no comment without --comment"
    );
}

// Guards the fork path: a read-only token (403 on every write) turns the
// due labels into `pr-label-missing` warnings and the comment into the
// step summary, saying so; the exit code is the other findings' (0 here,
// 1 with a provenance error), never 2.
#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_token_reports_due_labels_and_falls_back_to_the_step_summary() {
    let fake = fake().await;
    fake.st().read_only = true;
    let (mut r, base, head) = repo();
    let summary = r.path().join(".git/summary.md");
    let ev = event(&r, &base, &head, "");
    let extra = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    let o = gate(&r, &fake, &ev, &extra, &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let j = json_out(&o);
    let missing: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "pr-label-missing")
        .collect();
    assert_eq!(missing.len(), 2, "{j}");
    assert!(missing.iter().all(|f| f["level"] == "warn"));
    assert!(
        missing[0]["message"]
            .as_str()
            .unwrap()
            .contains("read-only token")
    );
    assert!(
        missing
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("`ai-primary`"))
    );
    assert_eq!(labels_of(&fake, 1), ["bug"]);
    assert!(comments_on(&fake, 1).is_empty());
    let s = std::fs::read_to_string(&summary).unwrap();
    assert!(s.contains("could not comment on pull request #1"), "{s}");
    assert!(s.contains(MARKER) && s.contains("### Commits (2)"), "{s}");
    assert!(
        s.contains("pr-label-missing"),
        "the summary lists the findings: {s}"
    );
    assert!(!s.contains(TOKEN), "token in the step summary: {s}");
    assert!(stderr(&o).contains("read-only token"), "{}", stderr(&o));

    // An AI commit without its fields: the provenance error decides (exit 1).
    r.write("src/more.rs", "fn m() {}\n");
    r.trailer("AI-Tool", "claude-code");
    let head = r.commit("More");
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &extra, &["--comment"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("provenance-incomplete"));
}

// Guards the comment against what a commit author controls: a subject that
// mentions people, references issues, holds `|`, HTML, Markdown links or
// even the token cannot ping, link, break the table or leak.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_commit_subject_is_plain_text_in_the_comment() {
    let fake = fake().await;
    let (mut r, base, _) = repo();
    r.write("src/evil.rs", "fn e() {}\n");
    aeef_trailers(&mut r);
    let subject = format!(
        "@everyone @acme/security fix #1 | GH-2 <img src=x onerror=alert(1)> [click](https://evil.example) **{TOKEN}**"
    );
    let head = r.commit(&subject);
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = comments_on(&fake, 1);
    let body = &c[0].1;
    for bad in [
        "@everyone",
        "@acme/security",
        "#1 ",
        "GH-2",
        "<img",
        "](https://",
    ] {
        assert!(!body.contains(bad), "{bad} survived:\n{body}");
    }
    // Not even with the Markdown escapes taken out again.
    assert!(
        !body.replace('\\', "").contains(TOKEN),
        "token in the comment:\n{body}"
    );
    assert!(body.contains("\\*\\*\\*\\*\\*"), "masked as ***: {body}");
    let row = body
        .lines()
        .find(|l| l.contains(&head[..12]))
        .expect("the commit's row");
    // Six cell borders: `|` inside the subject is escaped (`\|`).
    let borders = row.replace("\\|", "").matches('|').count();
    assert_eq!(borders, 6, "{row}");
    assert!(row.contains("everyone") && row.contains("click"), "{row}");
}

// Guards "found by the marker, every page": with 120 other comments first
// and two carrying the marker, the oldest marked one is updated, the other
// is left alone and the run says so.
#[tokio::test(flavor = "multi_thread")]
async fn the_marked_comment_is_found_past_the_first_page_and_duplicates_are_named() {
    let fake = fake().await;
    {
        let mut s = fake.st();
        for i in 0..120 {
            s.comments.push((i + 1, 1, format!("LGTM {i}")));
        }
        s.comments.push((500, 1, format!("{MARKER}\nold summary")));
        s.comments
            .push((501, 1, format!("{MARKER}\nanother old summary")));
    }
    let (r, base, head) = repo();
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = comments_on(&fake, 1);
    assert_eq!(c.len(), 122);
    let get = |id: u64| c.iter().find(|x| x.0 == id).unwrap().1.clone();
    assert!(get(500).contains("### Commits (2)"));
    assert!(get(501).contains("another old summary"));
    assert_eq!(fake.count("POST /repos/acme/pay/issues/1/comments"), 0);
    let e = stderr(&o);
    assert!(
        e.contains("updated in place (id 500") && e.contains("501"),
        "{e}"
    );
}

// Guards the opt-in `pr-disclosure`: off by default; when enabled, a body
// declaring `AI-Usage: none` for a change with an AI commit is reported.
#[tokio::test(flavor = "multi_thread")]
async fn pr_disclosure_is_opt_in_and_checks_the_body_against_the_change() {
    let fake = fake().await;
    let (mut r, base, head) = repo();
    let ev = event(&r, &base, &head, "AI-Usage: none");
    let o = gate(&r, &fake, &ev, &[], &[]);
    assert!(!stdout(&o).contains("pr-disclosure"), "{}", stdout(&o));
    r.write(".aeef.yml", "rules:\n  pr-disclosure: warn\n");
    let head = r.commit("enable disclosure");
    let ev = event(&r, &base, &head, "AI-Usage: none");
    let o = gate(&r, &fake, &ev, &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json_out(&o);
    let f: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "pr-disclosure")
        .collect();
    assert_eq!(f.len(), 1, "{j}");
    assert!(
        f[0]["message"].as_str().unwrap().contains("claude-code"),
        "{j}"
    );
    let ev = event(
        &r,
        &base,
        &head,
        "Adds retries.\n\nAI-Usage: generated\nAI-Tool: Claude Code\nAI-Prompt-Ref: prompts/retry.md\n",
    );
    let o = gate(&r, &fake, &ev, &[], &[]);
    assert!(!stdout(&o).contains("pr-disclosure"), "{}", stdout(&o));
}

// Guards "never re-send a POST blindly": the first comment POST and the
// label POST are stored but their answers lost (502); the run reads back,
// finds the marker and the labels, and ends with one comment and no
// finding.
#[tokio::test(flavor = "multi_thread")]
async fn lost_answers_to_the_comment_and_label_posts_are_read_back_not_resent() {
    let fake = fake().await;
    fake.fault(
        "POST",
        "/issues/1/comments",
        fake_github::FaultKind::After502,
    );
    fake.fault("POST", "/issues/1/labels", fake_github::FaultKind::After502);
    let (r, base, head) = repo();
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(comments_on(&fake, 1).len(), 1);
    assert_eq!(fake.count("POST /repos/acme/pay/issues/1/comments"), 1);
    assert_eq!(fake.count("POST /repos/acme/pay/issues/1/labels"), 1);
    assert_eq!(labels_of(&fake, 1), ["ai-assisted", "ai-primary", "bug"]);
    assert!(!stdout(&o).contains("pr-label-missing"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("summary comment created"),
        "{}",
        stderr(&o)
    );
}

// Guards `--pr N` outside a `pull_request` payload: labels and the comment
// go to the named pull request, and the opt-in disclosure reads the body
// from GitHub instead of passing in silence.
#[tokio::test(flavor = "multi_thread")]
async fn pr_number_without_a_payload_labels_comments_and_reads_the_body() {
    let fake = fake().await;
    fake.st().issues.get_mut(&1).unwrap().body = "AI-Usage: none".into();
    let (mut r, base, _) = repo();
    r.write(".aeef.yml", "rules:\n  pr-disclosure: error\n");
    let head = r.commit("enable disclosure");
    let uri = fake.uri();
    let o = aeef_env(
        r.path(),
        &[
            "gate",
            "--format",
            "json",
            "--base",
            &base,
            "--head",
            &head,
            "--pr",
            "1",
            "--comment",
        ],
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_API_URL", uri.as_str()),
            ("GITHUB_REPOSITORY", "acme/pay"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    let j = json_out(&o);
    assert!(
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "pr-disclosure" && f["level"] == "error"),
        "{j}"
    );
    assert_eq!(labels_of(&fake, 1), ["ai-assisted", "ai-primary", "bug"]);
    assert!(comments_on(&fake, 1)[0].1.contains("**Verdict: ❌ fail**"));
    // Without a token nothing can be read: the rule says so.
    let o = aeef_env(
        r.path(),
        &["gate", "--format", "json", "--base", &base, "--head", &head],
        &[],
    );
    assert!(
        stdout(&o).contains("could not be checked for its AI disclosure"),
        "{}",
        stdout(&o)
    );
    // `--comment` without any pull request (a push run with `comment:
    // true`) says so and gates as usual: exit 1 from the disclosure error.
    let o = aeef_env(
        r.path(),
        &["gate", "--base", &base, "--head", &head, "--comment"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no pull request here"),
        "{}",
        stderr(&o)
    );
}

/// Guards issue 13 item 5: with no repository to talk to (no
/// `GITHUB_REPOSITORY`, no `--repo`, no GitHub remote) the label and
/// comment steps fail like any other write: a warning (the comment falls
/// back to the step summary), and the gate's own verdict decides the exit
/// code — never the verdict printed and then exit 2. With a token, the
/// missing repository stops verification before anything is decided.
#[test]
fn no_repository_for_labels_or_comment_keeps_the_gates_exit_code() {
    let (r, base, head) = repo();
    let summary = r.path().join(".git/summary.md");
    // No token: the comment cannot be posted; the verdict (pass) stands.
    let o = aeef_env(
        r.path(),
        &[
            "gate",
            "--format",
            "json",
            "--base",
            &base,
            "--head",
            &head,
            "--pr",
            "7",
            "--comment",
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_out(&o)["verdict"], "pass");
    assert!(!stderr(&o).contains("no_repository"), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&summary).unwrap().contains(MARKER),
        "the comment falls back to the step summary"
    );

    // A token but no repository: verification on GitHub cannot run, so
    // the gate refuses before deciding — no verdict printed, then exit 2.
    let o = aeef_env(
        r.path(),
        &[
            "gate",
            "--format",
            "json",
            "--base",
            &base,
            "--head",
            &head,
            "--pr",
            "7",
            "--comment",
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // The JSON contract's `verdict: error`, never a pass or fail.
    assert_eq!(json_out(&o)["verdict"], "error");
    assert!(!err.contains(TOKEN));
    assert!(err.contains("aeef::github::no_repository"), "{err}");
}

/// GitHub's autolinks of plain text, checked on one rendered line: an
/// `@login`, a `#N`, `GH-N`, `www.` domain or a `scheme://` URL must not
/// remain. (A SHA may: GitHub links it to this repository's commit only,
/// and it must stay copyable.)
fn assert_links_nothing(line: &str) {
    let v: Vec<char> = line.chars().collect();
    for w in v.windows(2) {
        if matches!(w[0], '@' | '#') {
            assert!(!w[1].is_alphanumeric(), "{:?} in {line}", w);
        }
    }
    let lower = line.to_lowercase();
    for bad in ["www.", "://", "gh-", "<b>"] {
        assert!(!lower.contains(bad), "{bad} in {line}");
    }
}

/// Guards issue 13 item 7: commit and record text in every Markdown output
/// is escaped by one function, and GitHub's autolinks are neutralised too
/// — a subject with `www.evil.com` in the PR comment (a bare short SHA
/// stays as written),
/// and a model `evil|@octocat <b>x</b> #12` in the share table of `aeef
/// scan --share --format markdown` and of the gate's step summary.
#[tokio::test(flavor = "multi_thread")]
async fn autolinks_and_mentions_are_neutralised_in_every_markdown_output() {
    let fake = fake().await;
    let (mut r, base, first) = repo();
    r.write("src/evil.rs", "fn e() {}\n");
    r.trailer("AI-Tool", "claude-code")
        .trailer("AI-Model-Version", "evil|@octocat <b>x</b> #12")
        .trailer("AI-Prompt-Ref", "prompts/retry.md")
        .trailer("AI-Human-Modifications", "none")
        .trailer("AI-Reviewed-By", "bob");
    let sha = &first[..12];
    let head = r.commit(&format!(
        "Ping www.evil.com https://evil.com/x and {sha} GH-3 @admin #5"
    ));
    let summary = r.path().join(".git/summary.md");
    let ev = event(&r, &base, &head, "");
    let o = gate(&r, &fake, &ev, &[], &["--comment"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let body = &comments_on(&fake, 1)[0].1;
    let row = body
        .lines()
        .find(|l| l.contains("Ping"))
        .expect("the commit's row");
    // The row's own short id is a code span (never autolinked); the rest
    // of the row is text.
    let text = row.split_once(" | ").expect("cells").1;
    assert_links_nothing(text);
    assert!(text.contains("evil") && text.contains("admin"), "{row}");
    assert!(text.contains(sha), "the SHA stays copyable: {row}");
    let model_rows: Vec<&str> = body
        .lines()
        .filter(|l| l.contains("octocat") && !l.contains("Ping"))
        .collect();
    assert!(!model_rows.is_empty(), "{body}");
    model_rows.iter().for_each(|l| assert_links_nothing(l));

    let o = aeef_env(
        r.path(),
        &[
            "gate",
            "--format",
            "github",
            "--offline",
            "--base",
            &base,
            "--head",
            &head,
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = std::fs::read_to_string(&summary).unwrap();
    let share_rows: Vec<&str> = summary.lines().filter(|l| l.contains("octocat")).collect();
    assert!(!share_rows.is_empty(), "{summary}");
    share_rows.iter().for_each(|l| assert_links_nothing(l));

    let o = aeef_env(
        r.path(),
        &["scan", "main..topic", "--share", "--format", "markdown"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    let rows: Vec<&str> = md.lines().filter(|l| l.contains("octocat")).collect();
    assert!(!rows.is_empty(), "{md}");
    for l in rows {
        assert_links_nothing(l);
        // Still one table row of four cells: the `|` of the model is escaped.
        assert_eq!(l.replace("\\|", "").matches('|').count(), 5, "{l}");
    }
}
