//! The GitHub REST client: octocrab as the transport (rustls, no retry
//! layer, so a POST is never re-sent behind our back), raw JSON in and
//! out, and the policies the typed API does not give us: our own
//! pagination over `Link: rel="next"`, bounded read retries with backoff on
//! 5xx and timeouts, and rate-limit waits bounded by `--max-wait`.
//!
//! Writes are never retried here except after a rate-limit answer (GitHub
//! did not process the request). Deciding whether a failed POST took
//! effect is the caller's job (it re-lists and matches its marker).
use std::sync::{Arc, Mutex};
use std::time::Duration;

use octocrab::Octocrab;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::GithubError;

/// The most of one answer aeef reads: 64 MiB. GitHub's largest answer it
/// asks for — 100 issues of at most 65,536 characters each — stays well
/// below; a server that sends more (or never stops) is refused, not
/// buffered without bound.
pub const MAX_BODY: usize = 64 << 20;

/// Receives one line per request (`GET /repos/…  → 200`) for `--verbose`.
/// Never given headers or bodies.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// How the client behaves; [`ClientOptions::new`] has the defaults.
#[derive(Clone)]
pub struct ClientOptions {
    /// API root, `https://api.github.com` or `https://HOST/api/v3`.
    pub api_url: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Upper bound on the total time spent waiting out rate limits.
    pub max_wait: Duration,
    /// Extra attempts for reads after a 5xx, a timeout or a network error.
    pub read_retries: u32,
    /// First backoff between read attempts (doubles each time).
    pub backoff: Duration,
    /// Name of the variable the token came from, for error messages.
    pub token_var: String,
    pub log: Option<Logger>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api_url", &self.api_url)
            .field("timeout", &self.timeout)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

impl ClientOptions {
    /// Defaults: 30 s timeout, 60 s max wait, 3 read retries from 1 s.
    pub fn new(api_url: impl Into<String>) -> Self {
        ClientOptions {
            api_url: api_url.into(),
            timeout: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            read_retries: 3,
            backoff: Duration::from_secs(1),
            token_var: "GITHUB_TOKEN".into(),
            log: None,
        }
    }
}

/// HTTP methods the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    /// Removing a label from an issue (idempotent: a second DELETE of the
    /// same label answers 404, which callers read as "already absent").
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
    /// Safe to send again without checking what the first attempt did.
    fn idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// One answer: status, the headers we use, the body as JSON (`Null` when
/// empty or not JSON; `json` tells which).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Value,
    /// The body was JSON (UTF-8, parsed). False for an empty body, HTML from
    /// a proxy, or bytes that are not UTF-8.
    pub json: bool,
    /// Length of the body in bytes (for messages; the body is never quoted).
    pub len: usize,
    /// The body was longer than [`MAX_BODY`] and was not read to its end.
    pub too_large: bool,
    /// The `rel="next"` target of the `Link` header, as a path + query.
    pub next: Option<String>,
}

impl Response {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// GitHub's `message` field, if any.
    pub fn message(&self) -> &str {
        self.body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// A GitHub REST client bound to one API root and (optionally) one token.
pub struct Client {
    octo: Octocrab,
    opts: ClientOptions,
    /// Kept only to scrub it from any text we pass on.
    secret: Option<String>,
    waited: Mutex<Duration>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.opts.api_url)
            .finish_non_exhaustive()
    }
}

/// A transport failure (no HTTP answer).
enum Transport {
    Timeout,
    Other(String),
}

impl Client {
    /// Builds a client. The token goes into octocrab's secret store and is
    /// sent as `Authorization` only to the API host.
    ///
    /// Errors (before anything is sent): the API root is not an absolute
    /// `https://` URL, or `http://` to a host that is not loopback
    /// ([`check_api_url`]); the token holds a character no HTTP header may
    /// carry ([`check_token`]). Neither error quotes the token.
    pub fn new(opts: ClientOptions, token: Option<String>) -> Result<Client, GithubError> {
        let url = check_api_url(&opts.api_url)?;
        let bad = || GithubError::BadApiUrl {
            url: redact_userinfo(&url),
            reason: "it cannot be parsed as a URL".into(),
        };
        let token = token.filter(|t| !t.trim().is_empty());
        if let Some(t) = &token {
            check_token(t.trim(), &opts.token_var)?;
        }
        let mut b = Octocrab::builder()
            .base_uri(url.as_str())
            .map_err(|_| bad())?
            .set_connect_timeout(Some(opts.timeout))
            .set_read_timeout(Some(opts.timeout))
            .set_write_timeout(Some(opts.timeout));
        if let Some(t) = &token {
            b = b.personal_token(t.trim().to_string());
        }
        let octo = b.build().map_err(|_| bad())?;
        let mut opts = opts;
        opts.api_url = url;
        Ok(Client {
            octo,
            opts,
            secret: token.map(|t| t.trim().to_string()),
            waited: Mutex::new(Duration::ZERO),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &ClientOptions {
        &self.opts
    }

    /// Removes the token from `s` (belt and braces: nothing we build
    /// contains it, but transport errors and GitHub's texts are not ours),
    /// and escapes control characters, so text from the server cannot move
    /// the cursor or retitle the terminal when the message is printed.
    fn scrub(&self, s: &str) -> String {
        let s = match &self.secret {
            Some(t) if !t.is_empty() => s.replace(t.as_str(), "***"),
            _ => s.to_string(),
        };
        if !s.chars().any(char::is_control) {
            return s;
        }
        s.chars()
            .flat_map(|c| -> Box<dyn Iterator<Item = char>> {
                if c.is_control() {
                    Box::new(c.escape_default())
                } else {
                    Box::new(std::iter::once(c))
                }
            })
            .collect()
    }

    fn log(&self, line: &str) {
        if let Some(l) = &self.opts.log {
            l(&self.scrub(line));
        }
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(Response, Option<RateHeaders>), Transport> {
        let fut = async {
            let res = match method {
                Method::Get => self.octo._get(path).await,
                Method::Post => self.octo._post(path, body).await,
                Method::Patch => self.octo._patch(path, body).await,
                Method::Delete => self.octo._delete(path, body).await,
            };
            let res = res.map_err(|e| Transport::Other(self.scrub(&transport_detail(&e))))?;
            let status = res.status().as_u16();
            let h = res.headers();
            let header = |name: &str| {
                h.get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let rate = RateHeaders {
                retry_after: header("retry-after"),
                remaining: header("x-ratelimit-remaining"),
                reset: header("x-ratelimit-reset"),
            };
            let next = header("link")
                .and_then(|l| next_link(&l))
                .map(|u| relative(&u));
            // GitHub answered: whatever the body holds, the status stands. A
            // body that is not UTF-8 is "not JSON", never "cannot reach"; one
            // past MAX_BODY is not read further.
            let limited = http_body_util::Limited::new(res.into_body(), MAX_BODY);
            let (bytes, too_large) = match http_body_util::BodyExt::collect(limited).await {
                Ok(c) => (c.to_bytes(), false),
                Err(e)
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some() =>
                {
                    (Default::default(), true)
                }
                Err(e) => return Err(Transport::Other(self.scrub(&transport_detail(&*e)))),
            };
            let parsed = serde_json::from_slice(&bytes).ok();
            let json = parsed.is_some();
            let body = parsed.unwrap_or(Value::Null);
            Ok((
                Response {
                    status,
                    body,
                    json,
                    len: bytes.len(),
                    too_large,
                    next,
                },
                Some(rate),
            ))
        };
        match tokio::time::timeout(self.opts.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(Transport::Timeout),
        }
    }

    /// Sends one request. Waits out rate limits (any method: GitHub did not
    /// process a rate-limited request), retries idempotent requests on 5xx
    /// and transport failures with backoff, and returns whatever HTTP answer
    /// remains. A POST that timed out is an error the caller must resolve by
    /// reading state back, never by sending it again blindly.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Response, GithubError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let started = std::time::Instant::now();
            let r = self.send_once(method, path, body).await;
            let retry_left = method.idempotent() && attempt <= self.opts.read_retries;
            let backoff = self.opts.backoff * 2u32.saturating_pow(attempt - 1);
            match r {
                Err(Transport::Timeout) => {
                    self.log(&format!("{} {path} → timeout", method.as_str()));
                    if retry_left {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(GithubError::Timeout {
                        method: method.as_str().into(),
                        path: path_only(path),
                        secs: self.opts.timeout.as_secs_f64(),
                    });
                }
                Err(Transport::Other(detail)) => {
                    self.log(&format!("{} {path} → error", method.as_str()));
                    if retry_left {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(GithubError::Network {
                        method: method.as_str().into(),
                        path: path_only(path),
                        detail,
                    });
                }
                Ok((resp, rate)) => {
                    self.log(&format!(
                        "{} {path} → {} ({} ms)",
                        method.as_str(),
                        resp.status,
                        started.elapsed().as_millis()
                    ));
                    let now = chrono::Utc::now().timestamp();
                    if let Some(wait) = rate
                        .as_ref()
                        .and_then(|r| rate_limit_wait(resp.status, r, resp.message(), now))
                    {
                        self.wait_for_rate_limit(wait).await?;
                        attempt = 0;
                        continue;
                    }
                    if resp.status >= 500 && retry_left {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Ok(resp);
                }
            }
        }
    }

    async fn wait_for_rate_limit(&self, wait: Duration) -> Result<(), GithubError> {
        let total = {
            let mut w = self.waited.lock().unwrap_or_else(|e| e.into_inner());
            let total = *w + wait;
            if total > self.opts.max_wait {
                return Err(GithubError::RateLimited {
                    wait_secs: wait.as_secs_f64().ceil() as u64,
                    max_wait_secs: self.opts.max_wait.as_secs(),
                });
            }
            *w = total;
            total
        };
        self.log(&format!(
            "rate limited: waiting {:.1} s ({:.1} s of --max-wait used)",
            wait.as_secs_f64(),
            total.as_secs_f64()
        ));
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Maps an answer to an error unless it is 2xx: 401, 403 (naming the
    /// `permission` the call needs), 404 (the repository), anything else.
    pub fn check(
        &self,
        method: Method,
        path: &str,
        resp: Response,
        repo: &str,
        permission: &str,
    ) -> Result<Response, GithubError> {
        if resp.ok() {
            return Ok(resp);
        }
        Err(self.status_error(method, path, &resp, repo, permission))
    }

    /// The error for a non-2xx answer.
    pub fn status_error(
        &self,
        method: Method,
        path: &str,
        resp: &Response,
        repo: &str,
        permission: &str,
    ) -> GithubError {
        let (m, p) = (method.as_str().to_string(), path_only(path));
        match resp.status {
            401 => GithubError::Unauthorized {
                method: m,
                path: p,
                var: self.opts.token_var.clone(),
            },
            403 => GithubError::Forbidden {
                method: m,
                path: p,
                permission: permission.to_string(),
            },
            404 => GithubError::NotFound {
                repo: repo.to_string(),
                method: m,
                path: p,
            },
            status => {
                let msg = self.scrub(resp.message());
                GithubError::Http {
                    status,
                    method: m,
                    path: p,
                    detail: if msg.is_empty() {
                        String::new()
                    } else {
                        format!(": {msg}")
                    },
                }
            }
        }
    }

    /// Reads a 2xx answer as `T`. A body that is not JSON, or JSON of
    /// another shape (an array where an issue was expected, a field of the
    /// wrong type), or a body past [`MAX_BODY`], is
    /// [`GithubError::Unexpected`] naming the method, the endpoint and the
    /// status; the body is not quoted (beyond the one value serde names,
    /// scrubbed of the token and control characters).
    pub fn parse<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        resp: &Response,
    ) -> Result<T, GithubError> {
        self.decode(method, path, resp, false)
    }

    /// [`Client::parse`] for one object (`list` false) or a list of objects
    /// (`list` true). The top-level shape is checked before serde sees the
    /// value: serde's derived structs also accept an array of field values
    /// (`[1, "closed"]` would read as issue 1, closed).
    fn decode<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        resp: &Response,
        list: bool,
    ) -> Result<T, GithubError> {
        let unexpected = |what: String| GithubError::Unexpected {
            method: method.as_str().into(),
            path: path_only(path),
            status: resp.status,
            what,
        };
        if resp.too_large {
            return Err(unexpected(format!(
                "the body is larger than {} MiB, more than any answer aeef reads",
                MAX_BODY >> 20
            )));
        }
        if !resp.json {
            return Err(unexpected(if resp.len == 0 {
                "the body is empty, not JSON".into()
            } else {
                format!("the body ({} bytes) is not JSON", resp.len)
            }));
        }
        let body = &resp.body;
        match (list, body.as_array()) {
            (false, _) if !body.is_object() => {
                return Err(unexpected(format!(
                    "expected a JSON object, GitHub sent {}",
                    json_kind(body)
                )));
            }
            (true, None) => {
                return Err(unexpected(format!(
                    "expected a list (a JSON array), GitHub sent {}",
                    json_kind(body)
                )));
            }
            (true, Some(items)) => {
                if let Some((i, v)) = items.iter().enumerate().find(|(_, v)| !v.is_object()) {
                    return Err(unexpected(format!(
                        "item {} of the list is {}, not a JSON object",
                        i + 1,
                        json_kind(v)
                    )));
                }
            }
            _ => {}
        }
        T::deserialize(body).map_err(|e| {
            let e = self.scrub(&e.to_string());
            // serde names the expectation; add what actually came.
            let got = json_kind(&resp.body);
            unexpected(if e.contains("invalid type") {
                format!("{e} (GitHub sent {got})")
            } else {
                e
            })
        })
    }

    /// GETs one object and reads it as `T` (non-2xx answers are mapped as
    /// [`Client::check`] does).
    pub async fn get_one<T: DeserializeOwned>(
        &self,
        path: &str,
        repo: &str,
        permission: &str,
    ) -> Result<T, GithubError> {
        let resp = self.request(Method::Get, path, None).await?;
        let resp = self.check(Method::Get, path, resp, repo, permission)?;
        self.parse(Method::Get, path, &resp)
    }

    /// GETs every page of a list endpoint (`per_page=100` is added), following
    /// `Link: rel="next"`, and reads every item as `T`. A page that is not a
    /// JSON array, or an item `T` refuses, is [`GithubError::Unexpected`].
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        repo: &str,
        permission: &str,
    ) -> Result<Vec<T>, GithubError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}per_page=100"));
        let mut out = Vec::new();
        let mut pages = 0;
        while let Some(p) = next.take() {
            pages += 1;
            let resp = self.request(Method::Get, &p, None).await?;
            let resp = self.check(Method::Get, &p, resp, repo, permission)?;
            let items: Vec<T> = self.decode(Method::Get, &p, &resp, true)?;
            out.extend(items);
            // A server that links in circles must not keep us forever.
            if pages < 10_000 {
                next = resp.next;
            }
        }
        Ok(out)
    }
}

/// The rate-limit headers of one answer.
#[derive(Debug, Clone, Default)]
pub struct RateHeaders {
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
}

/// How long to wait before repeating a request GitHub refused for rate
/// limiting, or `None` when the answer is no rate limit. Primary limit:
/// `x-ratelimit-remaining: 0` until `x-ratelimit-reset` (epoch seconds).
/// Secondary limits (403/429): `retry-after` seconds, else one minute as
/// GitHub's documentation asks.
pub fn rate_limit_wait(status: u16, h: &RateHeaders, message: &str, now: i64) -> Option<Duration> {
    if status != 403 && status != 429 {
        return None;
    }
    if let Some(secs) = h
        .retry_after
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        return Some(Duration::from_secs(secs));
    }
    if h.remaining.as_deref().map(str::trim) == Some("0") {
        let reset = h
            .reset
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok());
        let secs = reset.map(|r| (r - now).max(0) + 1).unwrap_or(60);
        return Some(Duration::from_secs(secs as u64));
    }
    if status == 429 || message.to_ascii_lowercase().contains("rate limit") {
        return Some(Duration::from_secs(60));
    }
    None
}

/// The `rel="next"` URL of a `Link` header. URLs may contain commas (a
/// `labels=a,b` query), so the header is read `<…>` by `<…>`.
pub fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let url = &after[..end];
        let params_end = after[end..].find('<').map_or(after.len(), |i| end + i);
        let params = &after[end + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.strip_prefix("rel=")
                .is_some_and(|v| v.trim_matches('"').split_whitespace().any(|r| r == "next"))
        });
        if is_next {
            return Some(url.to_string());
        }
        rest = &after[params_end..];
    }
    None
}

/// The path + query of an absolute URL, so the request goes to our API
/// host (with our token) whatever host a `Link` header names.
fn relative(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".into(),
        },
        None => url.to_string(),
    }
}

/// Says why no answer came, in the words of the innermost cause (the OS
/// or TLS error: "Connection refused (os error 111)", "failed to lookup
/// address information: …"), not the wrappers' ("Service Error: client
/// error (Connect)").
fn transport_detail(e: &(dyn std::error::Error + 'static)) -> String {
    let chain = crate::webhook::causes(e);
    let connect = chain
        .iter()
        .any(|m| m.contains("(Connect)") || m.contains("tcp connect"));
    let root = chain.last().cloned().unwrap_or_default();
    if connect && chain.len() > 1 {
        format!("could not connect: {root}")
    } else {
        root
    }
}

/// What a JSON value is, for messages ("an array", "a string", …).
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks and normalises the API root (issue 12, DESIGN §4: the token is
/// trusted to the configured API host only, and must not cross the network
/// in clear text). Accepted: `https://HOST[:PORT][/PATH]`, and `http://`
/// only to a loopback host — `localhost`, `127.0.0.0/8`, `[::1]` (and
/// `[::ffff:127.x.y.z]`) — where a test server or a local proxy listens.
/// Refused: other schemes, user names or passwords in the URL, a query or
/// fragment, spaces and control characters. Returns the URL without its
/// trailing `/`. Errors never quote credentials.
pub fn check_api_url(raw: &str) -> Result<String, GithubError> {
    let url = raw.trim().trim_end_matches('/');
    let shown = redact_userinfo(url);
    let bad = |reason: &str| GithubError::BadApiUrl {
        url: shown.clone(),
        reason: reason.into(),
    };
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(GithubError::BadApiUrl {
            url: shown.escape_debug().to_string(),
            reason: "it contains a space or a control character".into(),
        });
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad("it is not an absolute URL (https://HOST/…)"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(bad(
            "it carries a user name or password; the token goes in the token variable, never in the URL",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("it has a query or fragment; give the API root only"));
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let Some((h, port)) = v6.split_once(']') else {
            return Err(bad("its IPv6 host has no closing `]`"));
        };
        if !(port.is_empty() || port.strip_prefix(':').is_some_and(valid_port)) {
            return Err(bad("its port is not a number"));
        }
        h
    } else {
        match authority.split_once(':') {
            Some((h, port)) if valid_port(port) => h,
            Some(_) => return Err(bad("its port is not a number")),
            None => authority,
        }
    };
    if host.is_empty() {
        return Err(bad("it names no host"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback_host(host) => Ok(url.to_string()),
        "http" => Err(GithubError::InsecureApiUrl {
            url: shown.clone(),
            host: host.to_string(),
        }),
        _ => Err(bad("its scheme is not https")),
    }
}

fn valid_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

/// `localhost`, an IPv4 address in 127.0.0.0/8, `::1`, or an IPv4-mapped
/// loopback address. Only the strict dotted-quad form counts (`127.1` and
/// `0x7f.0.0.1` do not: they are not what they look like to everyone).
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = h.parse::<std::net::Ipv4Addr>() {
        return v4.is_loopback();
    }
    if let Ok(v6) = host.parse::<std::net::Ipv6Addr>() {
        return v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback());
    }
    false
}

/// `scheme://***@host…` for a URL that carries credentials.
fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// A token must be something an HTTP header can carry: printable ASCII
/// without spaces (GitHub's tokens are `[A-Za-z0-9_]`). A line break, a
/// control character, a space or a non-ASCII character inside the token
/// (a copy-paste of two lines, a file read with its CRLF) is an error
/// naming the variable and the position, never the value. Surrounding
/// whitespace is trimmed before this check.
pub fn check_token(token: &str, var: &str) -> Result<(), GithubError> {
    match token
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())
    {
        None => Ok(()),
        Some((i, c)) => Err(GithubError::BadToken {
            var: var.to_string(),
            what: match c {
                '\r' | '\n' => "a line break",
                c if c.is_control() => "a control character",
                c if c.is_whitespace() => "a space",
                _ => "a non-ASCII character",
            }
            .into(),
            position: i + 1,
        }),
    }
}

/// The path without its query, for error messages.
pub fn path_only(path: &str) -> String {
    path.split('?').next().unwrap_or(path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next() {
        let h = r#"<https://api.github.com/repositories/1/issues?labels=a,b&page=2>; rel="next", <https://api.github.com/repositories/1/issues?labels=a,b&page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues?labels=a,b&page=2")
        );
        let last = r#"<https://x/y?page=1>; rel="prev", <https://x/y?page=1>; rel="first""#;
        assert_eq!(next_link(last), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(relative("https://h/api/v3/x?page=2"), "/api/v3/x?page=2");
    }

    /// Item 8 of issue 12: a token may leave only over https, or over
    /// plain http to this machine.
    #[test]
    fn api_url_requires_https_except_on_loopback() {
        for ok in [
            "https://api.github.com",
            "https://ghe.acme.io/api/v3/",
            "https://ghe.acme.io:8443/api/v3",
            "http://127.0.0.1:8080",
            "http://127.9.9.9/api/v3",
            "http://localhost:3000",
            "HTTP://LOCALHOST",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]:1",
        ] {
            assert!(check_api_url(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://api.github.com",
            "http://10.0.0.1:8080",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://127.1",
            "http://0x7f.0.0.1",
            "http://[::2]:80",
        ] {
            assert!(
                matches!(
                    check_api_url(insecure),
                    Err(GithubError::InsecureApiUrl { .. })
                ),
                "{insecure}"
            );
        }
        for bad in [
            "api.github.com",
            "ftp://api.github.com",
            "https://",
            "https://user:pw@api.github.com",
            "https://api.github.com?x=1",
            "https://api.github.com:abc",
            "https://api.git hub.com",
            "https://api.github.com\r\nX: y",
        ] {
            let e = check_api_url(bad).unwrap_err();
            assert!(matches!(e, GithubError::BadApiUrl { .. }), "{bad}: {e}");
            assert!(!e.to_string().contains("pw@"), "credentials shown: {e}");
        }
    }

    /// Item 9 of issue 12: a token no header can carry is refused by name
    /// and position, never echoed, never a panic.
    #[test]
    fn token_with_line_breaks_or_controls_is_refused_without_echo() {
        assert!(check_token("ghp_abcDEF123_xyz", "GITHUB_TOKEN").is_ok());
        for (tok, what) in [
            ("ghp_abc\r\nX-Injected: 1", "line break"),
            ("ghp_abc\ndef", "line break"),
            ("ghp_abc\u{7}def", "control character"),
            ("ghp_abc\u{0}def", "control character"),
            ("ghp_abc def", "space"),
            ("ghp_abcé", "non-ASCII"),
        ] {
            let e = check_token(tok, "GH_TOKEN").unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains(what) && msg.contains("GH_TOKEN"), "{msg}");
            assert!(!msg.contains("ghp_abc"), "token echoed: {msg}");
        }
        // Client::new refuses it before octocrab ever builds a header.
        let e = Client::new(
            ClientOptions::new("https://api.github.com"),
            Some("ghp_a\r\nb".into()),
        )
        .unwrap_err();
        assert!(
            matches!(e, GithubError::BadToken { position: 6, .. }),
            "{e}"
        );
    }

    #[test]
    fn rate_limit_rules() {
        let h = |ra: Option<&str>, rem: Option<&str>, reset: Option<&str>| RateHeaders {
            retry_after: ra.map(Into::into),
            remaining: rem.map(Into::into),
            reset: reset.map(Into::into),
        };
        assert_eq!(rate_limit_wait(200, &h(Some("5"), None, None), "", 0), None);
        assert_eq!(
            rate_limit_wait(429, &h(Some("5"), None, None), "", 0),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            rate_limit_wait(403, &h(None, Some("0"), Some("1010")), "", 1000),
            Some(Duration::from_secs(11))
        );
        assert_eq!(
            rate_limit_wait(403, &h(None, Some("0"), Some("10")), "", 1000),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            rate_limit_wait(
                403,
                &h(None, None, None),
                "You have exceeded a secondary rate limit",
                0
            ),
            Some(Duration::from_secs(60))
        );
        // A plain permission 403 is no rate limit.
        assert_eq!(
            rate_limit_wait(
                403,
                &h(None, Some("4999"), None),
                "Resource not accessible by integration",
                0
            ),
            None
        );
    }
}
