//! One comment kept up to date on an issue or pull request, found again by
//! a hidden marker (`<!-- aeef:… -->`): `ca review --post` and the gate's
//! pull-request summary (DESIGN §4, §9). GitHub REST 2022-11-28, "Issue
//! comments": `GET /repos/O/R/issues/N/comments` (oldest first, every page
//! read), `POST` there, `PATCH /repos/O/R/issues/comments/ID`.
use serde_json::json;

use super::api;
use super::client::{Client, Method};
use super::{GithubError, RepoSlug};

/// What [`upsert`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upserted {
    /// The comment now carrying the body.
    pub id: u64,
    /// True when it was created by this call, false when updated in place.
    pub created: bool,
    /// Other comments that also carry the marker (left alone: aeef never
    /// deletes what it did not just write). Empty in the usual case.
    pub duplicates: Vec<u64>,
}

/// Ids of the comments on issue `n` whose body contains `marker`, oldest
/// first. Reads every page.
pub async fn marked(
    client: &Client,
    slug: &RepoSlug,
    n: u64,
    marker: &str,
) -> Result<Vec<u64>, GithubError> {
    let path = format!("{}/issues/{n}/comments", slug.api_path());
    let comments: Vec<api::Comment> = client
        .get_all(&path, &slug.to_string(), "issues: read")
        .await?;
    Ok(comments
        .iter()
        .filter(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)))
        .map(|c| c.id)
        .collect())
}

/// Creates or updates the one comment on issue `n` that carries `marker`;
/// `body` must contain the marker. When several comments carry it, the
/// oldest is updated and the others are named in
/// [`Upserted::duplicates`]. A POST whose answer was lost (timeout, broken
/// connection, 5xx) is resolved by looking for the marker again, never by
/// posting twice. `permission` names what a write needs, for a 403.
pub async fn upsert(
    client: &Client,
    slug: &RepoSlug,
    n: u64,
    marker: &str,
    body: &str,
    permission: &str,
) -> Result<Upserted, GithubError> {
    debug_assert!(body.contains(marker));
    let repo = slug.to_string();
    let payload = json!({ "body": body });
    let found = marked(client, slug, n, marker).await?;
    if let Some((&id, rest)) = found.split_first() {
        let path = format!("{}/issues/comments/{id}", slug.api_path());
        let r = client.request(Method::Patch, &path, Some(&payload)).await?;
        client.check(Method::Patch, &path, r, &repo, permission)?;
        return Ok(Upserted {
            id,
            created: false,
            duplicates: rest.to_vec(),
        });
    }
    let path = format!("{}/issues/{n}/comments", slug.api_path());
    match client.request(Method::Post, &path, Some(&payload)).await {
        Ok(r) if r.ok() => {
            let c: api::Comment = client.parse(Method::Post, &path, &r)?;
            Ok(Upserted {
                id: c.id,
                created: true,
                duplicates: Vec::new(),
            })
        }
        Ok(r) if r.status < 500 => {
            Err(client.status_error(Method::Post, &path, &r, &repo, permission))
        }
        Ok(_) | Err(GithubError::Timeout { .. } | GithubError::Network { .. }) => {
            match marked(client, slug, n, marker).await?.first() {
                Some(&id) => Ok(Upserted {
                    id,
                    created: true,
                    duplicates: Vec::new(),
                }),
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
