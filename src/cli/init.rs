//! `aeef init`: writes `.aeef.yml` (the defaults, commented), the incidents
//! directory and the schemas under `.aeef/` that records and config point
//! at. Refuses to overwrite an existing config.
use std::io::Write;

use super::{Ctx, Format, out, write_result};
use crate::error::{Outcome, UsageError};
use crate::incident::create;

/// Arguments of `aeef init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// The commented default configuration `aeef init` writes.
pub const DEFAULT_CONFIG: &str = "\
# yaml-language-server: $schema=.aeef/config.schema.json
# aeef configuration. Every key is optional; the values below are the defaults.

# Where incident records live, one YAML file per incident (INC-YYYY-NNN.yaml).
incidents_dir: incidents

# Lines around AI-attributed code within which a human change is `ai-adjacent`.
adjacency_window: 3

# Rule levels: error | warn | off. The defaults are
#   error: schema, config, unknown-commit, record-file-name,
#          postmortem-missing, ca-categories, ca-owner, ca-due,
#          ca-unverified-overdue, ca-verified-by-owner,
#          ca-effectiveness-overdue, provenance-incomplete,
#          touches-open-incident, ca-wont-do-unapproved, waiver-expired,
#          waiver-invalid, audit-record-deleted, audit-id-reused,
#          audit-self-verified, audit-rewritten-after-resolve, audit-retention,
#          audit-unsigned, audit-unreadable
#   warn:  sla-acknowledge, sla-mitigate, sla-resolve, ca-unverified,
#          ca-not-filed, provenance-not-trailer, pr-label-missing
#   (postmortem-missing is a warning for SEV-3)
#   (pr-disclosure is opt-in: it runs only when `rules:` sets its level)
rules: {}
#  ca-categories: warn
#  ca-not-filed: off

# Extra coding-agent conventions, matched on e-mail address or trailer key.
agents: []
#  - tool: my-agent
#    emails: [bot@example.com]
#    trailers: [My-Agent-Session]

audit:
  require_signed: false

# How long after `resolved_at` the post-mortem and corrective-action rules
# (postmortem-missing, ca-categories, ca-owner, ca-due) stay warnings; while
# an incident is open or mitigated they are warnings anyway.
# 5bd = 5 business days; also 3d (days) or 12h (hours).
grace:
  postmortem: 5bd
  corrective_actions: 5bd

# Findings accepted on purpose: reported as a note naming the waiver, never
# silently. The approver must not be the owner of the action it covers.
waivers: []
#  - rule: touches-open-incident
#    incident: INC-2026-007
#    corrective_action: CA-2        # optional
#    path: src/payments/retry.rs    # optional
#    reason: refactor reviewed against the post-mortem
#    approved_by: bob
#    expires: 2026-12-31

# Pull requests (aeef gate in a pull request, with a token that may write):
# `ai-assisted` when the change has any AI-attributed line or commit, and
# `ai-primary` when more than this share (0 to 1) of its added lines are
# AI-attributed.
pr:
  primary_threshold: 0.5
";

/// Why `init` cannot set up `root`, checked before anything is written so a
/// refusal leaves the directory as it was.
fn preflight(ws: &super::context::Workspace) -> miette::Result<()> {
    if let Some(repo) = &ws.repo
        && repo.workdir().is_none()
    {
        return Err(UsageError::new(
            "this is a bare repository: it has no work tree to hold .aeef.yml and incidents/",
            "run `aeef init` in a checkout (`git clone`, `git worktree add`) and commit the files",
        )
        .into());
    }
    let root = &ws.root;
    let cfg_path = root.join(crate::config::FILE_NAME);
    if std::fs::symlink_metadata(&cfg_path).is_ok() {
        return Err(UsageError::new(
            format!(
                "{} already exists in {}; nothing was written",
                crate::config::FILE_NAME,
                root.display()
            ),
            "edit it by hand, or remove it first to start over",
        )
        .into());
    }
    // Each folder init writes into must be a real folder (or absent): a
    // file would fail half-way, a symlink could lead out of the repository.
    for name in ["incidents", ".aeef"] {
        if let Ok(m) = std::fs::symlink_metadata(root.join(name))
            && !m.file_type().is_dir()
        {
            return Err(UsageError::new(
                format!(
                    "`{name}` exists and is a {}, not a folder; nothing was written",
                    crate::safe_fs::kind_of(&m)
                ),
                format!("move `{name}` aside (or remove it) and run `aeef init` again"),
            )
            .into());
        }
    }
    for rel in [create::SCHEMA_PATH, ".aeef/config.schema.json"] {
        if let Ok(m) = std::fs::symlink_metadata(root.join(rel))
            && !m.file_type().is_file()
        {
            return Err(UsageError::new(
                format!(
                    "`{rel}` exists and is a {}, not a file; nothing was written",
                    crate::safe_fs::kind_of(&m)
                ),
                format!("remove `{rel}` and run `aeef init` again"),
            )
            .into());
        }
    }
    Ok(())
}

/// The formats `aeef init` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[Format::Human];

pub fn run(_args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let ws = super::context::workspace(ctx)?;
    preflight(&ws)?;
    let cfg_path = ws.root.join(crate::config::FILE_NAME);
    let io =
        |what: &str, e: std::io::Error| miette::Report::new(crate::error::IoError::write(what, &e));
    // The config goes first and create-new: a concurrent init loses cleanly.
    crate::util::write_atomic(&cfg_path, DEFAULT_CONFIG.as_bytes(), true).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            miette::Report::new(UsageError::new(
                format!(
                    "{} already exists; nothing was written",
                    crate::config::FILE_NAME
                ),
                "edit it by hand, or remove it first to start over",
            ))
        } else {
            io(crate::config::FILE_NAME, e)
        }
    })?;
    let mut written = vec![crate::config::FILE_NAME.to_string()];
    let dir = ws.root.join("incidents");
    let fresh = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|e| io("incidents/", e))?;
    if fresh {
        crate::util::write_atomic(&dir.join(".gitkeep"), b"", true)
            .map_err(|e| io("incidents/.gitkeep", e))?;
        written.push("incidents/.gitkeep".into());
    }
    let schemas = ws.root.join(".aeef");
    std::fs::create_dir_all(&schemas).map_err(|e| io(".aeef/", e))?;
    for (rel, text) in [
        (create::SCHEMA_PATH, create::INCIDENT_SCHEMA),
        (".aeef/config.schema.json", create::CONFIG_SCHEMA),
    ] {
        match crate::util::write_atomic(&ws.root.join(rel), text.as_bytes(), true) {
            Ok(()) => written.push(rel.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(rel, e)),
        }
    }
    let mut o = out();
    let mut text = String::new();
    for w in &written {
        text.push_str(&format!("wrote {w}\n"));
    }
    write_result(o.write_all(text.as_bytes())).map(|()| Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_defaults_are_the_defaults() {
        let c = crate::config::Config::parse(DEFAULT_CONFIG.as_bytes()).unwrap();
        assert_eq!(c, crate::config::Config::default());
    }
}
