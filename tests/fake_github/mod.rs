//! A stateful fake GitHub on wiremock: one `Respond` that stores issues,
//! labels, comments and timeline events behind `Arc<Mutex<…>>` and speaks
//! the REST shapes `aeef` uses (pagination with `Link`, `per_page`,
//! `state`, `labels` filters, server-assigned numbers). Faults can be
//! queued per route to lose answers, delay them or rate-limit.
#![allow(dead_code)]
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

#[derive(Debug, Clone)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
    pub events: Vec<Value>,
    pub closed_at: Option<String>,
    /// Extra top-level fields of the issue's JSON (`"pull_request": null`,
    /// a pull request's `{"url": …}`), set with [`Fake::set_field`].
    pub extra: serde_json::Map<String, Value>,
}

impl Issue {
    fn json(&self) -> Value {
        let mut v = json!({
            "number": self.number, "title": self.title, "body": self.body,
            "state": self.state, "state_reason": self.state_reason,
            "labels": self.labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
            "assignees": self.assignees.iter().map(|a| json!({"login": a})).collect::<Vec<_>>(),
            "assignee": self.assignees.first().map(|a| json!({"login": a})),
            "closed_at": self.closed_at, "user": {"login": "aeef-bot"},
        });
        if let Some(o) = v.as_object_mut() {
            o.extend(self.extra.clone());
        }
        v
    }
}

#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer with this status without touching state.
    Before(u16, Value),
    /// Do the work, then answer 502 (the answer is lost).
    After502,
    /// Do the work, then answer only after this delay.
    Delay(Duration),
    /// 403 with `x-ratelimit-remaining: 0`, reset this many seconds ahead.
    RateLimit(i64),
    /// 429 with `retry-after`.
    RetryAfter(u64),
    /// Answer with this status and these raw bytes (not JSON, not UTF-8…)
    /// without touching state.
    Raw(u16, Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: String,
    /// Matched against the path (no query) with `ends_with`.
    pub path_suffix: String,
    pub kind: FaultKind,
}

#[derive(Debug, Default)]
pub struct State {
    pub token: String,
    pub owner: String,
    pub repo: String,
    pub issues: BTreeMap<u64, Issue>,
    pub labels: BTreeMap<String, Value>,
    /// (id, issue, body)
    pub comments: Vec<(u64, u64, String)>,
    pub next_number: u64,
    pub next_comment: u64,
    pub faults: VecDeque<Fault>,
    /// "METHOD path?query" of every request.
    pub log: Vec<String>,
    /// Requests without `X-GitHub-Api-Version: 2022-11-28`.
    pub missing_version: usize,
    /// The token may read but not write, as a pull request from a fork's
    /// `GITHUB_TOKEN`: every POST, PATCH and DELETE answers 403.
    pub read_only: bool,
}

#[derive(Clone)]
pub struct FakeGithub(pub Arc<Mutex<State>>);

pub struct Fake {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    pub async fn start(token: &str) -> Fake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            token: token.into(),
            owner: "acme".into(),
            repo: "pay".into(),
            next_number: 1,
            next_comment: 1000,
            ..State::default()
        }));
        Mock::given(any())
            .respond_with(FakeGithub(state.clone()))
            .mount(&server)
            .await;
        Fake { server, state }
    }
    pub fn uri(&self) -> String {
        self.server.uri()
    }
    pub fn st(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
    pub fn fault(&self, method: &str, path_suffix: &str, kind: FaultKind) {
        self.st().faults.push_back(Fault {
            method: method.into(),
            path_suffix: path_suffix.into(),
            kind,
        });
    }
    /// Adds an issue as if someone filed it; returns its number.
    pub fn seed(&self, title: &str, body: &str, labels: &[&str], assignees: &[&str]) -> u64 {
        let mut s = self.st();
        let n = s.next_number;
        s.next_number += 1;
        s.issues.insert(
            n,
            Issue {
                number: n,
                title: title.into(),
                body: body.into(),
                state: "open".into(),
                state_reason: None,
                labels: labels.iter().map(|l| l.to_string()).collect(),
                assignees: assignees.iter().map(|a| a.to_string()).collect(),
                events: vec![],
                closed_at: None,
                extra: Default::default(),
            },
        );
        n
    }
    /// Sets a top-level field of issue `n`'s JSON (e.g. `pull_request`).
    pub fn set_field(&self, n: u64, key: &str, value: Value) {
        self.st()
            .issues
            .get_mut(&n)
            .unwrap()
            .extra
            .insert(key.into(), value);
    }
    /// Every request path received (`METHOD path?query`).
    pub fn requests(&self) -> Vec<String> {
        self.st().log.clone()
    }
    pub fn event(&self, n: u64, ev: Value) {
        self.st().issues.get_mut(&n).unwrap().events.push(ev);
    }
    pub fn close(&self, n: u64, by: &str, reason: &str, at: &str) {
        let mut s = self.st();
        let i = s.issues.get_mut(&n).unwrap();
        i.state = "closed".into();
        i.state_reason = Some(reason.into());
        i.closed_at = Some(at.into());
        i.events.push(json!({"event": "closed", "actor": {"login": by}, "created_at": at, "state_reason": reason}));
    }
    pub fn reopen(&self, n: u64, by: &str) {
        let mut s = self.st();
        let i = s.issues.get_mut(&n).unwrap();
        i.state = "open".into();
        i.state_reason = Some("reopened".into());
        i.closed_at = None;
        i.events.push(json!({"event": "reopened", "actor": {"login": by}, "created_at": "2026-11-25T10:00:00Z"}));
    }
    pub fn label(&self, n: u64, name: &str, by: &str) {
        let mut s = self.st();
        let i = s.issues.get_mut(&n).unwrap();
        i.labels.push(name.into());
        i.events.push(json!({"event": "labeled", "actor": {"login": by}, "label": {"name": name, "color": "0e8a16"}, "created_at": "2026-11-22T10:00:00Z"}));
    }
    /// Issues whose body carries `marker`.
    pub fn with_marker(&self, marker: &str) -> Vec<u64> {
        self.st()
            .issues
            .values()
            .filter(|i| i.body.contains(marker))
            .map(|i| i.number)
            .collect()
    }
    pub fn count(&self, prefix: &str) -> usize {
        self.st()
            .log
            .iter()
            .filter(|l| l.starts_with(prefix))
            .count()
    }
}

fn json_resp(status: u16, v: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(v)
        .insert_header("content-type", "application/json")
}

fn not_found() -> ResponseTemplate {
    json_resp(
        404,
        json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
    )
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// One page of `items` with GitHub's `Link` header.
fn page(req: &Request, items: Vec<Value>) -> ResponseTemplate {
    let per = query(req, "per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(30usize)
        .clamp(1, 100);
    let pg = query(req, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let last = items.len().div_ceil(per).max(1);
    let chunk: Vec<Value> = items.into_iter().skip((pg - 1) * per).take(per).collect();
    let link_to = |p: usize| {
        let mut u = req.url.clone();
        let pairs: Vec<(String, String)> = req
            .url
            .query_pairs()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut()
            .clear()
            .extend_pairs(pairs)
            .append_pair("page", &p.to_string());
        u.to_string()
    };
    let mut links = Vec::new();
    if pg < last {
        links.push(format!("<{}>; rel=\"next\"", link_to(pg + 1)));
        links.push(format!("<{}>; rel=\"last\"", link_to(last)));
    }
    if pg > 1 {
        links.push(format!("<{}>; rel=\"first\"", link_to(1)));
        links.push(format!("<{}>; rel=\"prev\"", link_to(pg - 1)));
    }
    let mut r = json_resp(200, Value::Array(chunk));
    if !links.is_empty() {
        r = r.insert_header("link", links.join(", ").as_str());
    }
    r
}

impl Respond for FakeGithub {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let method = req.method.as_str().to_string();
        let path = req.url.path().to_string();
        s.log.push(format!(
            "{method} {}{}",
            path,
            req.url.query().map(|q| format!("?{q}")).unwrap_or_default()
        ));
        if req
            .headers
            .get("x-github-api-version")
            .and_then(|v| v.to_str().ok())
            != Some("2022-11-28")
        {
            s.missing_version += 1;
        }
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if auth != format!("Bearer {}", s.token) {
            return json_resp(
                401,
                json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
            );
        }
        let fault = s
            .faults
            .iter()
            .position(|f| f.method == method && path.ends_with(&f.path_suffix))
            .and_then(|i| s.faults.remove(i));
        let mut after = None;
        if let Some(f) = fault {
            match f.kind {
                FaultKind::Before(st, body) => return json_resp(st, body),
                FaultKind::Raw(st, bytes) => {
                    return ResponseTemplate::new(st)
                        .set_body_raw(bytes, "application/json; charset=utf-8");
                }
                FaultKind::RateLimit(secs) => {
                    let reset = chrono::Utc::now().timestamp() + secs;
                    return json_resp(403, json!({"message": "API rate limit exceeded"}))
                        .insert_header("x-ratelimit-remaining", "0")
                        .insert_header("x-ratelimit-reset", reset.to_string().as_str());
                }
                FaultKind::RetryAfter(secs) => {
                    return json_resp(
                        429,
                        json!({"message": "You have exceeded a secondary rate limit"}),
                    )
                    .insert_header("retry-after", secs.to_string().as_str());
                }
                k => after = Some(k),
            }
        }
        if s.read_only && method != "GET" {
            return json_resp(
                403,
                json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest", "status": "403"}),
            );
        }
        let resp = route(&mut s, req, &method, &path);
        match after {
            Some(FaultKind::After502) => json_resp(502, json!({"message": "Bad Gateway"})),
            Some(FaultKind::Delay(d)) => resp.set_delay(d),
            _ => resp,
        }
    }
}

fn route(s: &mut State, req: &Request, method: &str, path: &str) -> ResponseTemplate {
    let path = path.strip_prefix("/api/v3").unwrap_or(path);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segs.len() < 3 || segs[0] != "repos" || segs[1] != s.owner || segs[2] != s.repo {
        return not_found();
    }
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    match (method, &segs[3..]) {
        ("GET", []) => json_resp(200, json!({"full_name": format!("{}/{}", s.owner, s.repo)})),
        ("GET", ["labels", name]) => {
            let name = urlish_decode(name);
            match s.labels.get(&name) {
                Some(l) => json_resp(200, l.clone()),
                None => not_found(),
            }
        }
        ("POST", ["labels"]) => {
            let Some(name) = body.get("name").and_then(Value::as_str).map(str::to_string) else {
                return json_resp(422, json!({"message": "Validation Failed"}));
            };
            if s.labels.contains_key(&name) {
                return json_resp(
                    422,
                    json!({"message": "Validation Failed", "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}]}),
                );
            }
            s.labels.insert(name, body.clone());
            json_resp(201, body)
        }
        ("GET", ["issues"]) => {
            let state = query(req, "state").unwrap_or_else(|| "open".into());
            let want: Vec<String> = query(req, "labels")
                .map(|l| {
                    l.split(',')
                        .map(str::to_string)
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let items: Vec<Value> = s
                .issues
                .values()
                .rev()
                .filter(|i| state == "all" || i.state == state)
                .filter(|i| want.iter().all(|w| i.labels.contains(w)))
                .map(Issue::json)
                .collect();
            page(req, items)
        }
        ("POST", ["issues"]) => {
            let n = s.next_number;
            s.next_number += 1;
            let strs = |k: &str| -> Vec<String> {
                body.get(k)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let labels = strs("labels");
            for l in &labels {
                s.labels
                    .entry(l.clone())
                    .or_insert_with(|| json!({"name": l}));
            }
            let issue = Issue {
                number: n,
                title: body
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                body: body
                    .get("body")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                state: "open".into(),
                state_reason: None,
                labels,
                assignees: strs("assignees"),
                events: vec![],
                closed_at: None,
                extra: Default::default(),
            };
            let v = issue.json();
            s.issues.insert(n, issue);
            json_resp(201, v)
        }
        ("GET", ["issues", n]) => match n.parse().ok().and_then(|n: u64| s.issues.get(&n)) {
            Some(i) => json_resp(200, i.json()),
            None => not_found(),
        },
        ("GET", ["issues", n, "timeline"]) => {
            match n.parse().ok().and_then(|n: u64| s.issues.get(&n)) {
                Some(i) => page(req, i.events.clone()),
                None => not_found(),
            }
        }
        ("GET", ["issues", n, "labels"]) => {
            match n.parse().ok().and_then(|n: u64| s.issues.get(&n)) {
                Some(i) => {
                    let items = i
                        .labels
                        .iter()
                        .map(|l| json!({"name": l, "color": "ededed"}))
                        .collect();
                    page(req, items)
                }
                None => not_found(),
            }
        }
        ("POST", ["issues", n, "labels"]) => {
            let n: u64 = n.parse().unwrap_or(0);
            let names: Vec<String> = body
                .get("labels")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if !s.issues.contains_key(&n) {
                return not_found();
            }
            for l in &names {
                s.labels
                    .entry(l.clone())
                    .or_insert_with(|| json!({"name": l}));
            }
            let i = s.issues.get_mut(&n).unwrap();
            for l in names {
                if !i.labels.contains(&l) {
                    i.labels.push(l);
                }
            }
            let v = i
                .labels
                .iter()
                .map(|l| json!({"name": l}))
                .collect::<Vec<_>>();
            json_resp(200, Value::Array(v))
        }
        ("DELETE", ["issues", n, "labels", name]) => {
            let name = urlish_decode(name);
            match n.parse().ok().and_then(|n: u64| s.issues.get_mut(&n)) {
                Some(i) if i.labels.contains(&name) => {
                    i.labels.retain(|l| *l != name);
                    let v = i
                        .labels
                        .iter()
                        .map(|l| json!({"name": l}))
                        .collect::<Vec<_>>();
                    json_resp(200, Value::Array(v))
                }
                _ => json_resp(
                    404,
                    json!({"message": "Label does not exist", "documentation_url": "https://docs.github.com/rest"}),
                ),
            }
        }
        ("GET", ["issues", n, "comments"]) => {
            let n: u64 = n.parse().unwrap_or(0);
            if !s.issues.contains_key(&n) {
                return not_found();
            }
            let items = s
                .comments
                .iter()
                .filter(|c| c.1 == n)
                .map(|c| json!({"id": c.0, "body": c.2}))
                .collect();
            page(req, items)
        }
        ("POST", ["issues", n, "comments"]) => {
            let n: u64 = n.parse().unwrap_or(0);
            if !s.issues.contains_key(&n) {
                return not_found();
            }
            let id = s.next_comment;
            s.next_comment += 1;
            let b = body
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            s.comments.push((id, n, b.clone()));
            json_resp(201, json!({"id": id, "body": b}))
        }
        ("PATCH", ["issues", "comments", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            let b = body
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            match s.comments.iter_mut().find(|c| c.0 == id) {
                Some(c) => {
                    c.2 = b.clone();
                    json_resp(200, json!({"id": id, "body": b}))
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn urlish_decode(s: &str) -> String {
    s.replace("%3A", ":").replace("%3a", ":")
}
