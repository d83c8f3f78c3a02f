//! `aeef ca review`: the weekly corrective-action digest in Markdown (open
//! actions by owner, overdue first; due in the next 7 days; effectiveness
//! evaluations due) and the sticky comment that carries it.
use std::collections::BTreeMap;
use std::io::Write;

use super::client::Client;
use super::status::ActionStatus;
use super::{GithubError, RepoSlug};
use chrono::{DateTime, Days, Utc};

/// Marks the one comment `--post` keeps up to date.
pub const REVIEW_MARKER: &str = "<!-- aeef:ca-review -->";

/// Still needs work or verification: not verified and not declined with
/// approval (`incident::actions::is_open`).
pub fn is_open(s: &ActionStatus) -> bool {
    !s.verified && !s.declined
}

fn line(s: &ActionStatus) -> String {
    let issue = s.issue.map(|n| format!(" #{n}")).unwrap_or_default();
    let due = s
        .due
        .map(|d| format!(", due {d}"))
        .unwrap_or_else(|| ", no due date".into());
    let flag = if s.overdue { "**overdue** " } else { "" };
    format!(
        "- {flag}{}/{}{issue}: {}{due} ({})",
        s.incident,
        s.corrective_action,
        s.action.lines().next().unwrap_or("").trim(),
        s.reason
    )
}

/// Renders the digest. `statuses` come from [`super::statuses`] or
/// [`super::statuses_offline`]; `now` fixes "today".
pub fn render(
    statuses: &[ActionStatus],
    now: DateTime<Utc>,
    w: &mut impl Write,
) -> std::io::Result<()> {
    let today = now.date_naive();
    let week = today.checked_add_days(Days::new(7)).unwrap_or(today);
    writeln!(w, "# Corrective-action review, {today}\n")?;
    let open: Vec<&ActionStatus> = statuses.iter().filter(|s| is_open(s)).collect();
    let overdue = open.iter().filter(|s| s.overdue).count();
    writeln!(
        w,
        "{} open, {overdue} overdue, {} verified.\n",
        open.len(),
        statuses.iter().filter(|s| s.verified).count()
    )?;

    writeln!(w, "## Open actions by owner\n")?;
    if open.is_empty() {
        writeln!(w, "None.\n")?;
    }
    let mut by_owner: BTreeMap<String, Vec<&ActionStatus>> = BTreeMap::new();
    for s in &open {
        let o = s
            .owner
            .clone()
            .map(|o| format!("@{}", o.trim_start_matches('@')));
        by_owner
            .entry(o.unwrap_or_else(|| "(no owner)".into()))
            .or_default()
            .push(s);
    }
    for (owner, mut list) in by_owner {
        // Overdue first, then by due date (none last), then by id.
        list.sort_by_key(|s| {
            (
                !s.overdue,
                s.due.is_none(),
                s.due,
                s.incident.clone(),
                s.corrective_action.clone(),
            )
        });
        writeln!(w, "### {owner}\n")?;
        for s in list {
            writeln!(w, "{}", line(s))?;
        }
        writeln!(w)?;
    }

    writeln!(w, "## Due in the next 7 days\n")?;
    let mut soon: Vec<&&ActionStatus> = open
        .iter()
        .filter(|s| s.due.is_some_and(|d| d >= today && d <= week))
        .collect();
    soon.sort_by_key(|s| (s.due, s.incident.clone(), s.corrective_action.clone()));
    if soon.is_empty() {
        writeln!(w, "None.")?;
    }
    for s in soon {
        writeln!(w, "{}", line(s))?;
    }
    writeln!(w)?;

    writeln!(w, "## Effectiveness evaluations due\n")?;
    let mut eff: Vec<&ActionStatus> = statuses
        .iter()
        .filter(|s| s.next_effectiveness_mark.is_some_and(|m| m <= week))
        .collect();
    eff.sort_by_key(|s| {
        (
            s.next_effectiveness_mark,
            s.incident.clone(),
            s.corrective_action.clone(),
        )
    });
    if eff.is_empty() {
        writeln!(w, "None.")?;
    }
    for s in eff {
        let m = s
            .next_effectiveness_mark
            .map(|m| m.to_string())
            .unwrap_or_default();
        let flag = if s.effectiveness_overdue {
            "**overdue** "
        } else {
            ""
        };
        let owner = s
            .owner
            .as_deref()
            .map(|o| format!(" (@{o})"))
            .unwrap_or_default();
        writeln!(
            w,
            "- {flag}{}/{}{owner}: evaluation due {m}",
            s.incident, s.corrective_action
        )?;
    }
    Ok(())
}

/// Whether `--post` created the comment or updated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Created(u64),
    Updated(u64),
}

/// Creates or updates the one comment on `issue` that carries the marker
/// ([`super::comments::upsert`]: a lost POST is resolved by looking for the
/// marker again, never by posting twice).
pub async fn post(
    client: &Client,
    slug: &RepoSlug,
    issue: u64,
    markdown: &str,
) -> Result<Posted, GithubError> {
    let body = format!("{REVIEW_MARKER}\n{markdown}");
    let u =
        super::comments::upsert(client, slug, issue, REVIEW_MARKER, &body, "issues: write").await?;
    Ok(if u.created {
        Posted::Created(u.id)
    } else {
        Posted::Updated(u.id)
    })
}
