//! Corrective actions on GitHub (DESIGN §4): the REST client edge
//! ([`client`]), filing one issue per action ([`file`]), reading back
//! whether an action was verified by someone other than its owner
//! ([`status`]) and the weekly review digest ([`review`]).
//!
//! The decisions are pure functions over values (records, raw issue and
//! timeline JSON, a clock); the network lives in [`client::Client`].
pub mod api;
pub mod client;
pub mod comments;
pub mod event;
pub mod file;
pub mod labels;
pub mod review;
pub mod status;

use miette::Diagnostic;
use thiserror::Error;

pub use client::{Client, ClientOptions};
pub use status::{ActionStatus, ReasonCode, Verification, statuses, statuses_offline, verify};

/// The label every corrective-action issue carries.
pub const CA_LABEL: &str = "ai-incident-ca";
/// The label a verifier adds to confirm completion.
pub const VERIFIED_LABEL: &str = "ca-verified";
// Every request carries `X-GitHub-Api-Version: 2022-11-28`: octocrab adds
// it (from its package metadata), and the fake GitHub in the tests refuses
// requests without it.
/// Default API root (GitHub Enterprise Server: `https://HOST/api/v3`).
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// `OWNER/NAME` of the repository the issues live in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSlug {
    pub owner: String,
    pub name: String,
}

impl std::fmt::Display for RepoSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl RepoSlug {
    /// Parses `OWNER/NAME` (as `--repo` and `GITHUB_REPOSITORY` give it).
    pub fn parse(s: &str) -> Option<RepoSlug> {
        let (owner, name) = s.trim().split_once('/')?;
        let name = name.strip_suffix(".git").unwrap_or(name);
        (valid_part(owner) && valid_part(name)).then(|| RepoSlug {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    /// Reads `OWNER/NAME` from a remote URL: `https://HOST/OWNER/NAME(.git)`,
    /// `ssh://git@HOST(:PORT)/OWNER/NAME(.git)`, `git@HOST:OWNER/NAME(.git)`.
    /// The last two path segments are taken, so GitHub Enterprise hosts
    /// with a path prefix work too.
    pub fn from_remote_url(url: &str) -> Option<RepoSlug> {
        let url = url.trim().trim_end_matches('/');
        let path = if let Some((_, rest)) = url.split_once("://") {
            // Drop the authority (user, host, port).
            rest.split_once('/')?.1
        } else if let Some((host, path)) = url.split_once(':') {
            // scp-like `git@host:owner/name`; a Windows path is no remote.
            if host.contains('/') || host.len() == 1 {
                return None;
            }
            path
        } else {
            return None;
        };
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        let mut parts = path.rsplit('/');
        let name = parts.next()?;
        let owner = parts.next()?;
        RepoSlug::parse(&format!("{owner}/{name}"))
    }

    /// `/repos/OWNER/NAME`.
    pub fn api_path(&self) -> String {
        format!("/repos/{}/{}", self.owner, self.name)
    }
}

/// Errors talking to GitHub. All of them end the command with exit code 2;
/// none of them ever carries the token.
#[derive(Debug, Error, Diagnostic)]
pub enum GithubError {
    #[error("no GitHub token: `{var}` is not set (or is empty)")]
    #[diagnostic(
        code(aeef::github::no_token),
        help(
            "export a token with `issues: write` in {var} (or name another variable with `--token-env NAME`); {without}"
        )
    )]
    NoToken {
        var: String,
        /// What the same command does without a token, naming only flags
        /// it has (e.g. "`aeef ca file --dry-run` plans without one").
        without: String,
    },

    #[error("cannot tell which GitHub repository to use")]
    #[diagnostic(
        code(aeef::github::no_repository),
        help(
            "pass `--repo OWNER/NAME`, set GITHUB_REPOSITORY, or add an `origin` remote that points at GitHub"
        )
    )]
    NoRepository,

    #[error("`{value}` is not a GitHub repository (OWNER/NAME)")]
    #[diagnostic(
        code(aeef::github::bad_repository),
        help("write it as OWNER/NAME, e.g. `--repo acme/payments`")
    )]
    BadRepository { value: String },

    #[error("GITHUB_API_URL `{url}` is not usable: {reason}")]
    #[diagnostic(
        code(aeef::github::bad_api_url),
        help("use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server")
    )]
    BadApiUrl { url: String, reason: String },

    #[error(
        "GITHUB_API_URL `{url}` uses plain http:// to {host}; the token would cross the network unencrypted"
    )]
    #[diagnostic(
        code(aeef::github::insecure_api_url),
        help(
            "use https:// (https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server); http:// is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]). Nothing was sent."
        )
    )]
    InsecureApiUrl { url: String, host: String },

    #[error("the token in `{var}` contains {what} (character {position}); the value is not shown")]
    #[diagnostic(
        code(aeef::github::bad_token),
        help(
            "a token is one line of printable ASCII: set {var} again without line breaks or spaces (e.g. `export {var}=\"$(tr -d '\\r\\n' < token.txt)\"`). Nothing was sent."
        )
    )]
    BadToken {
        var: String,
        what: String,
        position: usize,
    },

    #[error("GitHub rejected the token (401 Bad credentials) on {method} {path}")]
    #[diagnostic(
        code(aeef::github::unauthorized),
        help("check that {var} holds a valid, unexpired token for this GitHub host")
    )]
    Unauthorized {
        method: String,
        path: String,
        var: String,
    },

    #[error("GitHub refused {method} {path} (403): the token lacks `{permission}`")]
    #[diagnostic(
        code(aeef::github::forbidden),
        help(
            "grant the token `{permission}` (in a workflow: the `permissions:` block); in a pull request from a fork GITHUB_TOKEN is read-only, so file from a push or workflow_dispatch run, or use `aeef ca status --offline`"
        )
    )]
    Forbidden {
        method: String,
        path: String,
        permission: String,
    },

    #[error(
        "repository {repo} not found, or not visible to this token ({method} {path} answered 404)"
    )]
    #[diagnostic(
        code(aeef::github::not_found),
        help(
            "check `--repo` / GITHUB_REPOSITORY and GITHUB_API_URL; a private repository needs a token that can read it"
        )
    )]
    NotFound {
        repo: String,
        method: String,
        path: String,
    },

    #[error(
        "GitHub rate limit: asked to wait {wait_secs} s, more than --max-wait {max_wait_secs} s allows"
    )]
    #[diagnostic(
        code(aeef::github::rate_limited),
        help("rerun later, or raise `--max-wait SECONDS`; the run is safe to repeat")
    )]
    RateLimited { wait_secs: u64, max_wait_secs: u64 },

    #[error("GitHub answered {status} on {method} {path}{detail}")]
    #[diagnostic(
        code(aeef::github::http),
        help(
            "GitHub may be having trouble (https://www.githubstatus.com); the run is safe to repeat"
        )
    )]
    Http {
        status: u16,
        method: String,
        path: String,
        detail: String,
    },

    #[error("no answer from GitHub on {method} {path} within {secs} s")]
    #[diagnostic(
        code(aeef::github::timeout),
        help(
            "check the network and GITHUB_API_URL, or raise `--timeout`; the run is safe to repeat"
        )
    )]
    Timeout {
        method: String,
        path: String,
        secs: f64,
    },

    #[error("cannot reach GitHub on {method} {path}: {detail}")]
    #[diagnostic(
        code(aeef::github::network),
        help("check the network, a proxy, and GITHUB_API_URL; the run is safe to repeat")
    )]
    Network {
        method: String,
        path: String,
        detail: String,
    },

    #[error("GitHub answered {status} on {method} {path}, but not in the shape aeef reads: {what}")]
    #[diagnostic(
        code(aeef::github::unexpected),
        help(
            "check that GITHUB_API_URL points at a GitHub REST API root (https://api.github.com, or https://HOST/api/v3) and not at a proxy or web page; nothing was decided from this answer"
        )
    )]
    Unexpected {
        method: String,
        path: String,
        status: u16,
        what: String,
    },
}

/// A small current-thread runtime for the synchronous command line (and
/// the gate). Build the [`Client`] inside it (`let _g = rt.enter();`):
/// octocrab spawns a worker on the runtime it is built in, so the client
/// must live and be used on that one runtime (`rt.block_on(…)`).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_url_forms() {
        let want = RepoSlug {
            owner: "acme".into(),
            name: "pay".into(),
        };
        for url in [
            "https://github.com/acme/pay",
            "https://github.com/acme/pay.git",
            "https://github.com/acme/pay/",
            "https://user@github.com/acme/pay.git",
            "git@github.com:acme/pay.git",
            "git@github.com:acme/pay",
            "ssh://git@github.com/acme/pay.git",
            "ssh://git@ghe.example.com:2222/acme/pay",
            "https://ghe.example.com/scm/acme/pay.git",
        ] {
            assert_eq!(RepoSlug::from_remote_url(url), Some(want.clone()), "{url}");
        }
        assert_eq!(RepoSlug::from_remote_url("/srv/git/pay"), None);
        assert_eq!(RepoSlug::from_remote_url("C:\\repos\\pay"), None);
        assert_eq!(RepoSlug::from_remote_url("https://github.com/"), None);
    }

    #[test]
    fn slug_rejects_garbage() {
        assert!(RepoSlug::parse("acme").is_none());
        assert!(RepoSlug::parse("acme/pay/x").is_none());
        assert!(RepoSlug::parse("a b/c").is_none());
        assert!(RepoSlug::parse("../x").is_none());
        assert_eq!(RepoSlug::parse("acme/pay.git").unwrap().name, "pay");
    }
}
