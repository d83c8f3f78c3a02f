//! The GitHub connection every command that talks to GitHub shares: the
//! options (`--repo`, `--token-env`, timeouts), the token (masked in every
//! output from the moment it is read), the repository slug, and the async
//! runtime, which stays inside [`GitHub`] so commands call plain functions.
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::error::UsageError;
use crate::github::client::Logger;
use crate::github::{self, Client, ClientOptions, GithubError, RepoSlug};

/// Options shared by the commands that talk to GitHub.
#[derive(Debug, Clone, clap::Args)]
pub struct GhArgs {
    /// The repository the issues live in (default: GITHUB_REPOSITORY, then
    /// the `origin` remote).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// Environment variable holding the token.
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
    /// Longest total wait for rate limits before giving up (exit 2).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub max_wait: u64,
    /// Timeout of one request.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = seconds)]
    pub timeout: f64,
    /// Log each request (method and path, never headers) to stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// First backoff between read retries (tests make it short).
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub retry_backoff_ms: u64,
}

/// `--token-env` takes a variable's *name*. Someone who passes the token
/// itself must not see it echoed back (clap's own validation would quote
/// it), so this check runs after parsing and never repeats the value.
pub(crate) fn check_token_env(gh: &GhArgs) -> miette::Result<()> {
    let s = gh.token_env.as_str();
    let ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        return Ok(());
    }
    Err(UsageError::new(
        "`--token-env` must name an environment variable (like GITHUB_TOKEN); the value given is not a variable name and is not shown",
        "pass the variable's name, e.g. `--token-env GH_TOKEN`, and put the token in that variable",
    )
    .into())
}

/// A finite, positive number of seconds.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("expected a positive number of seconds".into()),
    }
}

/// The token from `--token-env` (default GITHUB_TOKEN), `None` when unset
/// or blank. A value that is not UTF-8 is kept (lossily) rather than read
/// as "not set": the client then refuses it with `aeef::github::bad_token`.
pub(crate) fn token(gh: &GhArgs) -> Option<String> {
    let t = std::env::var_os(&gh.token_env)
        .map(|t| t.to_string_lossy().into_owned())
        .filter(|t| !t.trim().is_empty())?;
    // Whatever its shape, the token in use is masked in every output.
    crate::redact::register_secret(&t);
    Some(t)
}

pub(crate) fn slug(gh: &GhArgs, repo: &crate::git::Repo) -> Result<RepoSlug, GithubError> {
    if let Some(r) = &gh.repo {
        return RepoSlug::parse(r).ok_or_else(|| GithubError::BadRepository { value: r.clone() });
    }
    if let Ok(r) = std::env::var("GITHUB_REPOSITORY")
        && !r.trim().is_empty()
    {
        return RepoSlug::parse(&r).ok_or(GithubError::BadRepository { value: r });
    }
    repo.git2()
        .find_remote("origin")
        .ok()
        .and_then(|r| r.url().ok().and_then(RepoSlug::from_remote_url))
        .ok_or(GithubError::NoRepository)
}

pub(crate) fn api_url() -> String {
    std::env::var("GITHUB_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| github::DEFAULT_API_URL.to_string())
}

pub(crate) fn client(gh: &GhArgs, token: Option<String>) -> Result<Client, GithubError> {
    let mut o = ClientOptions::new(api_url());
    o.timeout = Duration::from_secs_f64(gh.timeout.clamp(0.01, 3600.0));
    o.max_wait = Duration::from_secs(gh.max_wait);
    o.backoff = Duration::from_millis(gh.retry_backoff_ms);
    o.token_var = gh.token_env.clone();
    if gh.verbose {
        let log: Logger = Arc::new(|line: &str| {
            let line = crate::redact::for_terminal(line, false);
            let _ = writeln!(std::io::stderr().lock(), "aeef: {line}");
        });
        o.log = Some(log);
    }
    Client::new(o, token)
}

pub(crate) fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    github::runtime().map_err(|e| {
        miette::miette!(
            code = "aeef::runtime",
            help = "the system refused a thread or a socket; check the process limits (`ulimit -n`, `ulimit -u`)",
            "cannot start the async runtime: {e}"
        )
    })
}

/// A connection to one repository on GitHub: the client, the slug and the
/// runtime its requests run on (hidden: callers use [`GitHub::run`]).
pub(crate) struct GitHub {
    rt: tokio::runtime::Runtime,
    pub client: Client,
    pub slug: RepoSlug,
}

impl GitHub {
    /// Connects with `token` to `slug`. Nothing is sent yet; errors are a
    /// runtime that cannot start or a token the client refuses.
    pub fn new(gh: &GhArgs, slug: RepoSlug, token: Option<String>) -> miette::Result<GitHub> {
        let rt = runtime()?;
        let client = {
            let _g = rt.enter();
            client(gh, token)?
        };
        Ok(GitHub { rt, client, slug })
    }

    /// Runs one request (or a sequence of them) to completion.
    pub fn run<F: std::future::Future>(&self, f: F) -> F::Output {
        let _g = self.rt.enter();
        self.rt.block_on(f)
    }
}

/// Runs a future outside a GitHub connection (the webhook posts of
/// `aeef incident notify`) on a runtime of its own.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> miette::Result<F::Output> {
    let rt = runtime()?;
    let _g = rt.enter();
    Ok(rt.block_on(f))
}
