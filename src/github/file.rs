//! `aeef ca file`: one GitHub issue per corrective action, found again by a
//! hidden marker so a rerun after any failure creates no duplicate, and the
//! issue number written back into the YAML record with a minimal text edit
//! that keeps comments and layout.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;
use serde_json::json;

use super::api;
use super::client::{Client, Method};
use super::{CA_LABEL, GithubError, RepoSlug};
use crate::incident::store::LoadedIncident;
use crate::incident::yaml::{self, KeyIndex};
use crate::incident::{Category, Incident};

/// The hidden marker that identifies an action's issue.
pub fn marker(incident: &str, ca: &str) -> String {
    format!("<!-- aeef:ca {incident}/{ca} -->")
}

fn marker_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"<!--\s*aeef:ca\s+([^\s/]+)/([^\s]+)\s*-->").expect("static regex")
    })
}

/// Every `(incident, action)` marker in an issue body.
pub fn markers_in(body: &str) -> Vec<(String, String)> {
    marker_re()
        .captures_iter(body)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// One issue to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub incident: String,
    pub corrective_action: String,
    /// The record, relative to the repository root.
    pub file: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
}

/// The label of a category.
pub fn category_label(c: Category) -> String {
    format!("ca:{}", c.as_str())
}

/// The web root for links to records: `GITHUB_SERVER_URL` style, derived
/// from the API root (`api.github.com` → `github.com`, `HOST/api/v3` → `HOST`).
pub fn web_root(api_url: &str) -> String {
    let u = api_url.trim_end_matches('/');
    if u == "https://api.github.com" {
        return "https://github.com".into();
    }
    u.strip_suffix("/api/v3").unwrap_or(u).to_string()
}

/// The issue for one action.
pub fn plan_one(inc: &Incident, file: &str, idx: usize, web: &str, slug: &RepoSlug) -> Planned {
    let a = &inc.corrective_actions[idx];
    let owner = a
        .owner
        .as_deref()
        .map(|o| o.trim_start_matches('@').to_string());
    let title = format!(
        "[{}/{}] {}",
        inc.id,
        a.id,
        a.action.lines().next().unwrap_or("").trim()
    );
    let link = format!("{web}/{}/{}/blob/HEAD/{file}", slug.owner, slug.name);
    let body = format!(
        "Corrective action **{ca}** of incident **{id}**: {inc_title}\n\n\
         | | |\n|---|---|\n\
         | Incident | {id} ({sev}) |\n\
         | Category | `{cat}` |\n\
         | Owner | {owner} |\n\
         | Due | {due} |\n\
         | Record | [{file}]({link}) |\n\n\
         {action}\n\n\
         Close this issue as completed when the action is done. Completion is \
         verified by someone other than the owner and the assignees: they close \
         the issue or add the `{verified}` label.\n\n{marker}\n",
        ca = a.id,
        id = inc.id,
        inc_title = inc.title,
        sev = inc.severity.as_str(),
        cat = a.category.as_str(),
        owner = owner
            .as_deref()
            .map(|o| format!("@{o}"))
            .unwrap_or_else(|| "(none)".into()),
        due = a
            .due
            .map(|d| d.to_string())
            .unwrap_or_else(|| "(none)".into()),
        action = a.action.trim(),
        verified = super::VERIFIED_LABEL,
        marker = marker(&inc.id, &a.id),
    );
    Planned {
        incident: inc.id.clone(),
        corrective_action: a.id.clone(),
        file: file.to_string(),
        title,
        body,
        labels: vec![CA_LABEL.to_string(), category_label(a.category)],
        assignee: owner,
    }
}

/// Every action without an issue that still asks for work: never one the
/// record already verifies, nor a `wont-do` (DESIGN §4), so `ca file` does
/// not open an issue for an action the gate already counts as done.
pub fn plan(incidents: &[LoadedIncident], web: &str, slug: &RepoSlug) -> Vec<Planned> {
    let mut out = Vec::new();
    for li in incidents {
        for (i, a) in li.incident.corrective_actions.iter().enumerate() {
            let settled = crate::incident::actions::recorded_verification(a)
                || a.status == crate::incident::CaStatus::WontDo;
            if a.issue.is_none() && !settled {
                out.push(plan_one(&li.incident, &li.path, i, web, slug));
            }
        }
    }
    out
}

/// One line of the `ca file` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filed {
    pub incident: String,
    pub corrective_action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The `ca file` result (`--format json` prints it with `schema_version`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub created: Vec<Filed>,
    pub existing: Vec<Filed>,
    pub failed: Vec<Filed>,
}

/// Lists every issue labelled `ai-incident-ca` (all states, every page) and
/// maps each marker to the lowest issue number carrying it.
pub async fn list_markers(
    client: &Client,
    slug: &RepoSlug,
) -> Result<BTreeMap<(String, String), u64>, GithubError> {
    let path = format!("{}/issues?labels={CA_LABEL}&state=all", slug.api_path());
    let items: Vec<api::Issue> = client
        .get_all(&path, &slug.to_string(), "issues: read")
        .await?;
    let mut map = BTreeMap::new();
    for it in items {
        // `"pull_request": null` is an issue; only a present value marks a PR.
        if it.is_pull_request() {
            continue;
        }
        let (n, Some(body)) = (it.number, it.body.as_deref()) else {
            continue;
        };
        for key in markers_in(body) {
            let e = map.entry(key).or_insert(n);
            *e = (*e).min(n);
        }
    }
    Ok(map)
}

fn label_style(name: &str) -> (&'static str, String) {
    if name == CA_LABEL {
        (
            "d93f0b",
            "Corrective action from an AI-generated-defect incident (aeef)".into(),
        )
    } else {
        (
            "1d76db",
            format!(
                "Corrective-action category {}",
                name.trim_start_matches("ca:")
            ),
        )
    }
}

/// Creates the labels that do not exist yet. A 422 `already_exists` (a
/// concurrent run) is fine.
pub async fn ensure_labels(
    client: &Client,
    slug: &RepoSlug,
    labels: &BTreeSet<String>,
) -> Result<(), GithubError> {
    for name in labels {
        let (color, description) = label_style(name);
        super::labels::ensure(client, slug, name, color, &description, "issues: write").await?;
    }
    Ok(())
}

/// A 422 that refuses the assignee (`errors[].field` is `assignees`, or the
/// message names it): GitHub stored nothing.
fn refused_assignee(r: &super::client::Response) -> bool {
    let v = serde_json::from_value::<api::Validation>(r.body.clone()).unwrap_or_default();
    v.errors.iter().any(|e| {
        e.field
            .as_deref()
            .is_some_and(|f| f.starts_with("assignee"))
    }) || r.message().to_ascii_lowercase().contains("assignee")
}

/// How filing one action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    Created(u64),
    Existing(u64),
    Failed(String),
}

/// Creates one issue, never sending the POST again blindly: after an
/// answer that leaves open whether GitHub stored it (5xx, timeout, broken
/// connection) the labelled issues are listed again and the marker
/// matched; only when it is absent is the POST repeated (3 attempts).
pub async fn create_issue(
    client: &Client,
    slug: &RepoSlug,
    p: &Planned,
) -> Result<FileOutcome, GithubError> {
    let repo = slug.to_string();
    let path = format!("{}/issues", slug.api_path());
    let mut body = json!({"title": p.title, "body": p.body, "labels": p.labels});
    if let Some(a) = &p.assignee {
        body["assignees"] = json!([a]);
    }
    let key = (p.incident.clone(), p.corrective_action.clone());
    let mut last = String::new();
    for attempt in 1..=3u32 {
        match client.request(Method::Post, &path, Some(&body)).await {
            Ok(r) if r.ok() => {
                let created: api::Created = client.parse(Method::Post, &path, &r)?;
                return Ok(FileOutcome::Created(created.number));
            }
            Ok(r) if r.status == 422 && body.get("assignees").is_some() && refused_assignee(&r) => {
                // GitHub refused the assignee (not a collaborator) and stored
                // nothing: file it unassigned rather than not at all.
                if let Some(o) = body.as_object_mut() {
                    o.remove("assignees");
                }
                last = format!("assignee @{} refused", p.assignee.as_deref().unwrap_or(""));
                continue;
            }
            Ok(r) if matches!(r.status, 401 | 403 | 404) => {
                return Err(client.status_error(Method::Post, &path, &r, &repo, "issues: write"));
            }
            Ok(r) if r.status < 500 => {
                let msg = r.message().to_string();
                return Ok(FileOutcome::Failed(format!(
                    "GitHub answered {}: {msg}",
                    r.status
                )));
            }
            Ok(r) => last = format!("GitHub answered {}", r.status),
            Err(e @ (GithubError::Timeout { .. } | GithubError::Network { .. })) => {
                last = e.to_string()
            }
            Err(e) => return Err(e),
        }
        // The answer was lost or failed after the fact: read back before
        // deciding to send again.
        if let Some(n) = list_markers(client, slug).await?.get(&key) {
            return Ok(FileOutcome::Created(*n));
        }
        tokio::time::sleep(client.options().backoff * attempt).await;
    }
    Ok(FileOutcome::Failed(format!(
        "gave up after 3 attempts: {last}"
    )))
}

/// Files every planned issue: labels first, one listing, then create what
/// is missing; `record` is called after each success so a later failure
/// loses nothing.
pub async fn file_all(
    client: &Client,
    slug: &RepoSlug,
    plans: &[Planned],
    mut record: impl FnMut(&Planned, u64) -> Result<(), String>,
) -> Result<FileReport, GithubError> {
    let mut report = FileReport::default();
    if plans.is_empty() {
        return Ok(report);
    }
    let labels: BTreeSet<String> = plans
        .iter()
        .flat_map(|p| p.labels.iter().cloned())
        .collect();
    ensure_labels(client, slug, &labels).await?;
    let known = list_markers(client, slug).await?;
    for p in plans {
        let key = (p.incident.clone(), p.corrective_action.clone());
        let outcome = match known.get(&key) {
            Some(n) => FileOutcome::Existing(*n),
            None => create_issue(client, slug, p).await?,
        };
        let line = |issue, error| Filed {
            incident: p.incident.clone(),
            corrective_action: p.corrective_action.clone(),
            issue,
            error,
        };
        match outcome {
            FileOutcome::Created(n) | FileOutcome::Existing(n) => {
                if let Err(e) = record(p, n) {
                    report
                        .failed
                        .push(line(Some(n), Some(format!("issue #{n} exists but {e}"))));
                } else if matches!(outcome, FileOutcome::Created(_)) {
                    report.created.push(line(Some(n), None));
                } else {
                    report.existing.push(line(Some(n), None));
                }
            }
            FileOutcome::Failed(e) => report.failed.push(line(None, Some(e))),
        }
    }
    Ok(report)
}

// ---------------------------------------------------------------------------
// Minimal YAML text edits, through the positions of the key index, so a
// record in block, flow or JSON style keeps every other byte.

/// Keys after which a new `issue:` line goes (DESIGN §3's order).
const ISSUE_AFTER: [&str; 6] = ["id", "action", "category", "owner", "due", "status"];

/// The 0-based line of `key:` in the corrective action `ca`, in any style.
pub fn key_line(text: &str, ca: &str, key: &str) -> Option<usize> {
    let idx = KeyIndex::build(text).ok()?;
    let i = yaml::seq_item_with(&idx, "corrective_actions", "id", ca)?;
    let at = idx.key(&format!("corrective_actions[{i}].{key}"))?;
    Some((at.line as usize).saturating_sub(1))
}

/// Sets `issue: N` on corrective action `ca` with one positional edit
/// ([`yaml::set_key`]): an existing value is replaced (keeping a trailing
/// comment), or the entry is added after the last of `id`/`action`/
/// `category`/`owner`/`due`/`status`, in the record's own style (block,
/// flow, JSON). `None` when the action cannot be found or no edit keeps
/// the layout; the caller then tells the user to add the line by hand.
pub fn set_issue(text: &str, ca: &str, n: u64) -> Option<String> {
    let idx = KeyIndex::build(text).ok()?;
    let i = yaml::seq_item_with(&idx, "corrective_actions", "id", ca)?;
    let edit = yaml::set_key(
        text,
        &idx,
        &format!("corrective_actions[{i}]"),
        "issue",
        &n.to_string(),
        &ISSUE_AFTER,
    )
    .ok()?;
    Some(edit.apply(text))
}

/// True when `after` reads as the record `before` with exactly one change:
/// `issue: n` on action `ca`. The edit is positional; this is its proof.
pub fn same_record_plus_issue(before: &str, after: &str, ca: &str, n: u64) -> bool {
    let (Ok(mut want), Ok(got)) = (
        serde_saphyr::from_str::<Incident>(before),
        serde_saphyr::from_str::<Incident>(after),
    ) else {
        return false;
    };
    match want.corrective_actions.iter_mut().find(|c| c.id == ca) {
        Some(c) => c.issue = Some(n),
        None => return false,
    }
    want == got
}

/// Writes `issue: n` into the record at `root/file` atomically, after
/// checking the edited text still parses to the same record with the new
/// number.
pub fn record_issue(root: &Path, file: &str, ca: &str, n: u64) -> Result<(), String> {
    let path = root.join(file);
    // The same bounded, in-repository read the loader used (safe_fs).
    let bytes = crate::safe_fs::Jail::new(root)
        .read(&path, crate::safe_fs::RECORD_MAX_BYTES)
        .map_err(|r| format!("{file} could not be read: {}", r.describe(file)))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file} is not UTF-8"))?;
    let hint = || format!("add `issue: {n}` to {ca} in {file} by hand");
    let new = set_issue(&text, ca, n)
        .ok_or_else(|| {
            format!(
                "{ca} in {file} could not be edited in place (not found, or written through an alias or block scalar that leaves no place for the line); {}",
                hint()
            )
        })?;
    if !same_record_plus_issue(&text, &new, ca, n) {
        return Err(format!("{file} could not be edited safely; {}", hint()));
    }
    crate::util::write_atomic(&path, new.as_bytes(), false)
        .map_err(|e| format!("{file} could not be written: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REC: &str = "\
id: INC-2026-007 # the id
title: t
corrective_actions:
  # first one
  - id: CA-1
    action: >
      Add an idempotency-key test
      for the retry path
    category: test-improvement   # keep me
    owner: alice
    due: 2026-11-20
    effectiveness:
      day30: null

  - id: CA-2
    action: Scan rule
    category: scanning-rule
    issue: null # filed later
    owner: bob
  - {id: CA-3, action: x, category: training}
lessons_learned: [a]
";

    #[test]
    fn inserts_after_known_keys_keeping_comments() {
        let out = set_issue(REC, "CA-1", 412).unwrap();
        assert!(
            out.contains("    due: 2026-11-20\n    issue: 412\n    effectiveness:"),
            "{out}"
        );
        assert!(out.contains("# keep me") && out.contains("# first one"));
        assert_eq!(out.lines().count(), REC.lines().count() + 1);
    }

    #[test]
    fn replaces_existing_and_flow() {
        let out = set_issue(REC, "CA-2", 9).unwrap();
        assert!(out.contains("    issue: 9 # filed later\n"), "{out}");
        let out = set_issue(REC, "CA-3", 10).unwrap();
        assert!(
            out.contains("  - {id: CA-3, action: x, category: training, issue: 10}"),
            "{out}"
        );
        assert!(set_issue(REC, "CA-9", 1).is_none());
        assert_eq!(key_line(REC, "CA-2", "owner"), Some(18));
    }

    #[test]
    fn crlf_kept() {
        let crlf = REC.replace('\n', "\r\n");
        let out = set_issue(&crlf, "CA-1", 4).unwrap();
        assert!(out.contains("    issue: 4\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn markers_parse() {
        let m = markers_in("x\n<!-- aeef:ca INC-2026-007/CA-2 -->\n");
        assert_eq!(m, vec![("INC-2026-007".into(), "CA-2".into())]);
        assert_eq!(
            markers_in(&marker("INC-1", "CA-1")),
            vec![("INC-1".into(), "CA-1".into())]
        );
    }

    #[test]
    fn web_roots() {
        assert_eq!(web_root("https://api.github.com"), "https://github.com");
        assert_eq!(
            web_root("https://ghe.acme.io/api/v3/"),
            "https://ghe.acme.io"
        );
    }
}
