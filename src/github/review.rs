//! `aeef ca review`: the weekly corrective-action digest in Markdown (open
//! actions by owner, overdue first; due in the next 7 days; effectiveness
//! evaluations due) and the sticky comment that carries it.
use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Days, Utc};
use serde_json::json;

use super::api;
use super::client::{Client, Method};
use super::status::ActionStatus;
use super::{GithubError, RepoSlug};

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

async fn find_sticky(
    client: &Client,
    slug: &RepoSlug,
    issue: u64,
) -> Result<Option<u64>, GithubError> {
    let path = format!("{}/issues/{issue}/comments", slug.api_path());
    let comments: Vec<api::Comment> = client
        .get_all(&path, &slug.to_string(), "issues: read")
        .await?;
    Ok(comments
        .iter()
        .find(|c| c.body.as_deref().is_some_and(|b| b.contains(REVIEW_MARKER)))
        .map(|c| c.id))
}

/// Creates or updates the one comment on `issue` that carries the marker.
/// A POST whose answer was lost is resolved by looking for the marker
/// again, never by posting twice.
pub async fn post(
    client: &Client,
    slug: &RepoSlug,
    issue: u64,
    markdown: &str,
) -> Result<Posted, GithubError> {
    let repo = slug.to_string();
    let body = json!({"body": format!("{REVIEW_MARKER}\n{markdown}")});
    if let Some(id) = find_sticky(client, slug, issue).await? {
        let path = format!("{}/issues/comments/{id}", slug.api_path());
        let r = client.request(Method::Patch, &path, Some(&body)).await?;
        client.check(Method::Patch, &path, r, &repo, "issues: write")?;
        return Ok(Posted::Updated(id));
    }
    let path = format!("{}/issues/{issue}/comments", slug.api_path());
    let r = client.request(Method::Post, &path, Some(&body)).await;
    match r {
        Ok(r) if r.ok() => {
            let c: api::Comment = client.parse(Method::Post, &path, &r)?;
            Ok(Posted::Created(c.id))
        }
        Ok(r) if r.status < 500 => {
            Err(client.status_error(Method::Post, &path, &r, &repo, "issues: write"))
        }
        Ok(_) | Err(GithubError::Timeout { .. } | GithubError::Network { .. }) => {
            match find_sticky(client, slug, issue).await? {
                Some(id) => Ok(Posted::Created(id)),
                None => Err(GithubError::Http {
                    status: 0,
                    method: "POST".into(),
                    path,
                    detail: ": the comment was not stored; rerun to post it".into(),
                }),
            }
        }
        Err(e) => Err(e),
    }
}
