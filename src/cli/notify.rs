//! `aeef incident notify ID`: the stakeholder notification of an incident
//! (issue 15), printed (`--format markdown|text|json|slack`) or posted to a
//! Slack or Microsoft Teams incoming webhook (`--post [--to slack|teams]`),
//! optionally only when what it shows has changed since the last one sent
//! (`--on-change`, for a scheduled CI job).
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Ctx, Format, out, write_result};
use crate::error::{Outcome, UsageError};
use crate::incident::notify::{self, Notification};
use crate::webhook::Webhook;

/// The environment variable holding the webhook URL unless `--webhook-env`
/// names another.
pub const DEFAULT_WEBHOOK_ENV: &str = "AEEF_NOTIFY_WEBHOOK";

/// Which chat tool's payload `--post` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Slack incoming webhook: Block Kit (`--format slack`).
    Slack,
    /// Microsoft Teams Workflows webhook: an Adaptive Card message.
    Teams,
}

/// Arguments of `aeef incident notify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Formats: markdown (the default; `human` is the same), text, json, slack (Block Kit JSON).
With --post, the payload is Slack Block Kit (--to slack, the default) or a Teams Adaptive
Card message (--to teams), sent to the URL in $AEEF_NOTIFY_WEBHOOK (or --webhook-env NAME).")]
pub struct NotifyArgs {
    /// Incident id (INC-YYYY-NNN).
    pub id: String,
    /// Fix the clock (RFC 3339) for SLAs still running and overdue actions.
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = super::context::parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// POST the notification to the incoming webhook (one request, no retry).
    #[arg(long)]
    pub post: bool,
    /// Payload shape for --post.
    #[arg(long, value_enum, requires = "post")]
    pub to: Option<Target>,
    /// Environment variable holding the webhook URL (never printed).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_WEBHOOK_ENV, requires = "post")]
    pub webhook_env: String,
    /// With --post: print the payload instead of sending it (nothing is recorded).
    #[arg(long, requires = "post")]
    pub dry_run: bool,
    /// With --post: send only if what the notification shows changed since the last one sent.
    #[arg(long, requires = "post")]
    pub on_change: bool,
    /// Where --on-change remembers the last notification sent
    /// (default: <git dir>/aeef/notify/<ID>.json).
    #[arg(long, value_name = "FILE", requires = "on_change")]
    pub state: Option<PathBuf>,
    /// Seconds to wait for the webhook's answer.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

/// What `--on-change` keeps: the fingerprint of the last notification sent
/// and when it was sent.
#[derive(Debug, Serialize, Deserialize)]
struct SentState {
    schema_version: u32,
    id: String,
    fingerprint: String,
    sent_at: DateTime<Utc>,
}

/// The formats `aeef incident notify` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[
    Format::Human,
    Format::Markdown,
    Format::Text,
    Format::Json,
    Format::Slack,
];

pub fn run(a: NotifyArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let target = target_of(&a, ctx.format)?;
    // The secret is checked before anything else, so a misconfigured job
    // fails at once whatever the record says.
    let hook = if a.post && !a.dry_run {
        Some(Webhook::from_env(&a.webhook_env)?)
    } else {
        None
    };
    let ws = super::context::workspace(ctx)?;
    let rec = super::context::find_incident(ctx, &ws, &a.id)?;
    let now = super::context::now_or(a.now);
    let verified = super::context::verified(&ws, std::slice::from_ref(&rec), now)?;
    let n = Notification::of_by(&rec.incident, now, &verified);
    let Some(target) = target else {
        return print(&n, ctx.format);
    };
    let payload = match target {
        Target::Slack => notify::slack(&n),
        Target::Teams => notify::teams(&n),
    };
    let fingerprint = n.fingerprint();
    let state_path = if a.on_change {
        Some(state_path(ctx, &ws, &a, &n.id)?)
    } else {
        None
    };
    if let Some(p) = &state_path
        && let Some(prev) = read_state(p)?
        && prev.fingerprint == fingerprint
    {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "aeef: {} unchanged since the notification sent at {}; nothing sent",
            n.id,
            prev.sent_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        return Ok(Outcome::Ok);
    }
    let body = serde_json::to_vec_pretty(&payload)
        .map_err(|e| crate::error::IoError::render("the payload", e))?;
    let Some(hook) = hook else {
        // --dry-run: the exact bytes that would be sent.
        let mut o = out();
        return write_result(o.write_all(&body).and_then(|()| writeln!(o))).map(|()| Outcome::Ok);
    };
    let status = super::connection::block_on(hook.post(body, Duration::from_secs(a.timeout)))??;
    if let Some(p) = &state_path {
        write_state(
            p,
            &SentState {
                schema_version: 1,
                id: n.id.clone(),
                fingerprint,
                sent_at: super::context::now(),
            },
        )?;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "aeef: sent {} to the {} webhook in `{}` ({}; HTTP {status})",
        n.id,
        match target {
            Target::Slack => "Slack",
            Target::Teams => "Teams",
        },
        hook.var(),
        hook.host()
    );
    Ok(Outcome::Ok)
}

/// The payload `--post` sends, or `None` to print in `format`. `--format
/// slack` picks Slack; a Teams card has no `--format` of its own; the
/// other formats are for reading, not for a webhook.
fn target_of(a: &NotifyArgs, format: Format) -> miette::Result<Option<Target>> {
    if !a.post {
        return Ok(None);
    }
    match (format, a.to) {
        (Format::Slack, Some(Target::Teams)) => Err(UsageError::new(
            "`--format slack` and `--to teams` ask for two different payloads",
            "drop `--format slack`: `--to` chooses what --post sends",
        )
        .into()),
        (Format::Human | Format::Slack, to) => Ok(Some(to.unwrap_or(Target::Slack))),
        (f, _) => Err(UsageError::new(
            format!("--post sends a chat payload, not `--format {}`", f.name()),
            "drop --format; choose the payload with `--to slack` (Block Kit) or `--to teams` (Adaptive Card)",
        )
        .into()),
    }
}

fn print(n: &Notification, format: Format) -> miette::Result<Outcome> {
    let text = match format {
        Format::Text => notify::text(n),
        Format::Json => pretty(&notify::json(n))?,
        Format::Slack => pretty(&notify::slack(n))?,
        _ => notify::markdown(n),
    };
    let mut o = out();
    write_result(o.write_all(text.as_bytes())).map(|()| Outcome::Ok)
}

fn pretty(v: &serde_json::Value) -> miette::Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| crate::error::IoError::render("JSON", e).into())
}

/// `--state FILE` (relative to `-C DIR`), else
/// `<common git dir>/aeef/notify/<ID>.json` — shared by every worktree of
/// the repository and never committed.
fn state_path(
    ctx: &Ctx,
    ws: &super::context::Workspace,
    a: &NotifyArgs,
    id: &str,
) -> miette::Result<PathBuf> {
    if let Some(p) = &a.state {
        return Ok(match &ctx.dir {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.clone(),
        });
    }
    let repo = ws.repo.as_ref().ok_or_else(|| {
        miette::Report::new(UsageError::new(
            "--on-change needs somewhere to remember what was sent, and this is not a git repository",
            "run it inside the repository (`-C DIR`), or give a file with `--state FILE`",
        ))
    })?;
    Ok(repo
        .git2()
        .commondir()
        .join("aeef")
        .join("notify")
        .join(format!("{id}.json")))
}

/// The last state sent, `None` when there is none yet. A file that exists
/// but cannot be read or parsed is an error (exit 2), not "send again":
/// silently re-sending on every run is the spam `--on-change` prevents.
fn read_state(p: &Path) -> miette::Result<Option<SentState>> {
    let bytes = match std::fs::read(p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(crate::error::IoError::Read {
                what: p.display().to_string(),
                reason: e.to_string(),
            }
            .into());
        }
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        UsageError::new(
            format!("{} is not a notification state file ({e})", p.display()),
            "delete it to send the next notification unconditionally",
        )
        .into()
    })
}

fn write_state(p: &Path, s: &SentState) -> miette::Result<()> {
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| crate::error::IoError::write(dir.display().to_string(), &e))?;
    }
    let mut bytes =
        serde_json::to_vec_pretty(s).map_err(|e| crate::error::IoError::render("the state", e))?;
    bytes.push(b'\n');
    crate::util::write_atomic(p, &bytes, false).map_err(|e| {
        miette::miette!(
            code = "aeef::notify::state_not_written",
            help = "make the state file's folder writable; until then each --on-change run sends again",
            "the notification was sent, but its state could not be written to {}: {}; the next --on-change run will send it again",
            p.display(),
            e.kind()
        )
    })
}
