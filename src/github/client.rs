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
use serde_json::Value;

use super::GithubError;

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
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
    /// Safe to send again without checking what the first attempt did.
    fn idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// One answer: status, the headers we use, the body as JSON (`Null` when
/// empty or not JSON).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Value,
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
    pub fn new(opts: ClientOptions, token: Option<String>) -> Result<Client, GithubError> {
        let bad = || GithubError::BadApiUrl {
            url: opts.api_url.clone(),
        };
        let url = opts.api_url.trim_end_matches('/').to_string();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(bad());
        }
        let mut b = Octocrab::builder()
            .base_uri(url.as_str())
            .map_err(|_| bad())?
            .set_connect_timeout(Some(opts.timeout))
            .set_read_timeout(Some(opts.timeout))
            .set_write_timeout(Some(opts.timeout));
        let token = token.filter(|t| !t.trim().is_empty());
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
    /// contains it, but transport errors are not ours).
    fn scrub(&self, s: &str) -> String {
        match &self.secret {
            Some(t) if !t.is_empty() => s.replace(t.as_str(), "***"),
            _ => s.to_string(),
        }
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
            };
            let res = res.map_err(|e| Transport::Other(self.scrub(&e.to_string())))?;
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
            let text = self
                .octo
                .body_to_string(res)
                .await
                .map_err(|e| Transport::Other(self.scrub(&e.to_string())))?;
            let body = serde_json::from_str(&text).unwrap_or(Value::Null);
            Ok((Response { status, body, next }, Some(rate)))
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

    /// GETs every page of a list endpoint (`per_page=100` is added), following
    /// `Link: rel="next"`.
    pub async fn get_all(
        &self,
        path: &str,
        repo: &str,
        permission: &str,
    ) -> Result<Vec<Value>, GithubError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}per_page=100"));
        let mut out = Vec::new();
        let mut pages = 0;
        while let Some(p) = next.take() {
            pages += 1;
            let resp = self.request(Method::Get, &p, None).await?;
            let resp = self.check(Method::Get, &p, resp, repo, permission)?;
            let Value::Array(items) = resp.body else {
                return Err(GithubError::Unexpected {
                    method: "GET".into(),
                    path: path_only(&p),
                    what: "expected a JSON array".into(),
                });
            };
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
