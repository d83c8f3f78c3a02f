//! One POST of a JSON payload to a chat incoming webhook (Slack, Microsoft
//! Teams Workflows) for `aeef incident notify --post`.
//!
//! The webhook URL is a secret (whoever has it can post to the channel):
//! it is read from an environment variable only, never printed, never put
//! in an error, a log line or `Debug` output — errors name the variable and
//! at most the host. Rules, as for the GitHub client
//! (`github::client::check_api_url`): `https://` anywhere, `http://` only to
//! a loopback host (a test server, a local relay); no user name or password
//! in the URL. One request, no retry (a retried POST can post twice),
//! redirects are not followed (a 3xx is a failure), and the whole exchange
//! is bounded by a timeout. The answer's body is read up to
//! [`MAX_ANSWER`] bytes and quoted (escaped) only to explain a failure, as
//! Slack puts its reason there (`invalid_blocks`, `no_service`).
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use miette::Diagnostic;
use thiserror::Error;

use crate::github::client::is_loopback_host;

/// The most of a webhook's answer that is read: 64 KiB (Slack answers
/// `ok` or a short error code; Teams Workflows answer with an empty 202).
pub const MAX_ANSWER: usize = 64 << 10;

/// Why a notification could not be sent; every variant exits 2 and none
/// quotes the URL.
#[derive(Debug, Error, Diagnostic)]
pub enum WebhookError {
    #[error("no webhook URL: the environment variable `{var}` is not set or empty")]
    #[diagnostic(
        code(aeef::notify::webhook_missing),
        help(
            "set `{var}` to the incoming webhook URL (in CI, from a secret), or name another variable with `--webhook-env NAME`"
        )
    )]
    Missing { var: String },

    #[error("`--webhook-env` takes the name of an environment variable, and this is not one")]
    #[diagnostic(
        code(aeef::notify::webhook_env),
        help(
            "put the URL in a variable (`export AEEF_NOTIFY_WEBHOOK=…`, in CI from a secret) and pass its name; the URL itself never goes on the command line, where logs and shell history keep it"
        )
    )]
    NotAVariable,

    #[error("the webhook URL in `{var}` is not usable: {reason}")]
    #[diagnostic(
        code(aeef::notify::webhook_url),
        help("`{var}` must hold the whole URL the chat tool gave you: https://HOST/…")
    )]
    BadUrl { var: String, reason: String },

    #[error("the webhook URL in `{var}` uses plain http to {host}, which is not a loopback host")]
    #[diagnostic(
        code(aeef::notify::webhook_insecure),
        help(
            "the URL is a secret and the payload describes an incident: use https (plain http is accepted only for localhost / 127.0.0.1 / [::1])"
        )
    )]
    Insecure { var: String, host: String },

    #[error("the webhook ({host}) answered HTTP {status}{detail}; the notification was not posted")]
    #[diagnostic(
        code(aeef::notify::webhook_status),
        help(
            "nothing was retried. 400: the chat tool refused the payload (check `--to`); 403/404/410: the webhook was revoked or its channel removed — create a new one and update the secret; 429/5xx: try again later"
        )
    )]
    Status {
        host: String,
        status: u16,
        detail: String,
    },

    #[error("cannot reach the webhook ({host}): {detail}")]
    #[diagnostic(
        code(aeef::notify::webhook_unreachable),
        help(
            "nothing was retried, so nothing was posted twice; check the network or proxy and run the command again"
        )
    )]
    Transport { host: String, detail: String },

    #[error("the webhook ({host}) did not answer within {secs} s")]
    #[diagnostic(
        code(aeef::notify::webhook_timeout),
        help(
            "the message may or may not have been posted; check the channel before running the command again (no automatic retry)"
        )
    )]
    Timeout { host: String, secs: u64 },
}

/// A checked webhook URL. `Debug` shows the host only.
#[derive(Clone)]
pub struct Webhook {
    url: String,
    host: String,
    var: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("host", &self.host)
            .field("var", &self.var)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// Reads and checks the URL in the environment variable `var`
    /// (surrounding whitespace trimmed).
    /// A `var` that is not a variable name (`[A-Za-z_][A-Za-z0-9_]*`) —
    /// most likely the URL itself pasted as `--webhook-env` — is refused
    /// without being quoted.
    pub fn from_env(var: &str) -> Result<Webhook, WebhookError> {
        let is_name = var
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_name {
            return Err(WebhookError::NotAVariable);
        }
        let raw = std::env::var(var).unwrap_or_default();
        // The URL is a secret: masked in every output line and diagnostic,
        // whatever path ends up quoting it.
        if !raw.trim().is_empty() {
            crate::redact::register_secret(raw.trim());
        }
        Self::parse(&raw, var)
    }

    /// Checks `raw`, a URL that came from the variable `var` (for
    /// messages). Errors never contain the URL.
    pub fn parse(raw: &str, var: &str) -> Result<Webhook, WebhookError> {
        let url = raw.trim();
        let bad = |reason: &str| WebhookError::BadUrl {
            var: var.to_string(),
            reason: reason.into(),
        };
        if url.is_empty() {
            return Err(WebhookError::Missing {
                var: var.to_string(),
            });
        }
        if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(bad("it contains a space or a control character"));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(bad("it is not an absolute URL (https://HOST/…)"));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.contains('@') {
            return Err(bad("it carries a user name or password"));
        }
        let host = if let Some(v6) = authority.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, _)) => h,
                None => return Err(bad("its IPv6 host has no closing `]`")),
            }
        } else {
            authority.split(':').next().unwrap_or("")
        };
        if host.is_empty() {
            return Err(bad("it names no host"));
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {}
            "http" if is_loopback_host(host) => {}
            "http" => {
                return Err(WebhookError::Insecure {
                    var: var.to_string(),
                    host: host.to_string(),
                });
            }
            _ => return Err(bad("its scheme is not https")),
        }
        if url.parse::<hyper::Uri>().is_err() {
            return Err(bad("it is not a valid URL"));
        }
        Ok(Webhook {
            url: url.to_string(),
            host: host.to_string(),
            var: var.to_string(),
        })
    }

    /// The host the URL points at (not secret; used in messages).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The variable the URL came from.
    pub fn var(&self) -> &str {
        &self.var
    }

    /// Removes the URL and its path from `s` (an error text from the
    /// transport might quote them).
    fn scrub(&self, s: &str) -> String {
        let mut out = s.replace(&self.url, "<webhook URL>");
        if let Some((_, rest)) = self.url.split_once("://")
            && let Some(i) = rest.find(['/', '?'])
            && rest.len() - i > 1
        {
            out = out.replace(&rest[i..], "/<secret>");
        }
        out
    }

    /// POSTs `body` (JSON) once; `Ok(status)` for a 2xx answer. Any other
    /// answer, a network error, or no answer within `timeout` is an error.
    pub async fn post(&self, body: Vec<u8>, timeout: Duration) -> Result<u16, WebhookError> {
        match tokio::time::timeout(timeout, self.exchange(body)).await {
            Ok(r) => r,
            Err(_) => Err(WebhookError::Timeout {
                host: self.host.clone(),
                secs: timeout.as_secs().max(1),
            }),
        }
    }

    async fn exchange(&self, body: Vec<u8>) -> Result<u16, WebhookError> {
        let transport = |detail: String| WebhookError::Transport {
            host: self.host.clone(),
            detail: self.scrub(&detail),
        };
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| transport(format!("no TLS root certificates: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build::<_, Full<Bytes>>(https);
        let req = hyper::Request::post(self.url.as_str())
            .header(
                hyper::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(
                hyper::header::USER_AGENT,
                concat!("aeef/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| transport(e.to_string()))?;
        let resp = client
            .request(req)
            .await
            .map_err(|e| transport(error_chain(&e)))?;
        let status = resp.status();
        let answer = Limited::new(resp.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        if status.is_success() {
            return Ok(status.as_u16());
        }
        let text = String::from_utf8_lossy(&answer);
        let text = text.trim();
        let detail = if text.is_empty() {
            String::new()
        } else {
            let shown: String = text.chars().take(200).collect();
            format!(
                " ({})",
                self.scrub(&crate::incident::notify::visible(&shown))
            )
        };
        Err(WebhookError::Status {
            host: self.host.clone(),
            status: status.as_u16(),
            detail,
        })
    }
}

/// The error and its causes, innermost last, without repeats.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    causes(e).join(": ")
}

/// The messages of `e` and each of its sources, outermost first, without
/// consecutive repeats (shared with the GitHub client's transport errors).
pub(crate) fn causes(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut chain = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        chain.push(c.to_string());
        cur = c.source();
    }
    chain.dedup();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the secret: no error text ever contains the URL or its path.
    #[test]
    fn errors_never_quote_the_url() {
        for raw in [
            "http://hooks.example.com/services/T0/B0/SECRET",
            "ftp://hooks.example.com/services/T0/B0/SECRET",
            "https://user:SECRET@hooks.example.com/x",
            "https://hooks.example.com/services/T0/B0/SE CRET",
            "hooks.example.com/services/T0/B0/SECRET",
        ] {
            let e = Webhook::parse(raw, "HOOK").unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(
                !shown.contains("SECRET") && !shown.contains("/services"),
                "{shown}"
            );
        }
    }

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert!(Webhook::parse("https://hooks.slack.com/services/a/b/c", "V").is_ok());
        assert!(Webhook::parse("http://127.0.0.1:8080/hook", "V").is_ok());
        assert!(Webhook::parse("http://[::1]:8080/hook", "V").is_ok());
        assert!(matches!(
            Webhook::parse("http://hooks.slack.com/services/a/b/c", "V"),
            Err(WebhookError::Insecure { .. })
        ));
        assert!(matches!(
            Webhook::parse("  ", "V"),
            Err(WebhookError::Missing { .. })
        ));
        // Teams Workflows URLs carry their signature in the query.
        assert!(
            Webhook::parse(
                "https://prod.westus.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc",
                "V"
            )
            .is_ok()
        );
    }

    /// Guards the secret when the URL is pasted where the variable's name
    /// goes: the error does not echo it.
    #[test]
    fn a_url_given_as_the_variable_name_is_not_echoed() {
        let e = Webhook::from_env("https://hooks.slack.com/services/T0/B0/SECRET").unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(matches!(e, WebhookError::NotAVariable));
        assert!(
            !shown.contains("SECRET") && !shown.contains("hooks"),
            "{shown}"
        );
    }

    #[test]
    fn debug_shows_the_host_only() {
        let w = Webhook::parse("https://hooks.slack.com/services/T0/B0/SECRET", "V").unwrap();
        let d = format!("{w:?}");
        assert!(
            d.contains("hooks.slack.com") && !d.contains("SECRET"),
            "{d}"
        );
        assert_eq!(
            w.scrub("error sending to https://hooks.slack.com/services/T0/B0/SECRET"),
            "error sending to <webhook URL>"
        );
    }
}
