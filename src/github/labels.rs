//! Labels on one issue or pull request, and labels of the repository
//! (GitHub REST 2022-11-28, "Labels": `GET /repos/O/R/labels/NAME`,
//! `POST /repos/O/R/labels`, `GET|POST /repos/O/R/issues/N/labels`,
//! `DELETE /repos/O/R/issues/N/labels/NAME`). A pull request is an issue
//! for these endpoints.
//!
//! Writes follow the client's discipline: a POST is never sent again
//! blindly; after an answer that leaves open whether GitHub stored it, the
//! labels are read back. Every error is a [`GithubError`]; a 403 on a write
//! is [`GithubError::Forbidden`], which callers read as "this token may not
//! write here" (the read-only token of a pull request from a fork).
use serde_json::json;

use super::api;
use super::client::{Client, Method};
use super::{GithubError, RepoSlug};

/// A repository label aeef creates when it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelSpec {
    pub name: &'static str,
    /// Six hex digits, no `#`.
    pub color: &'static str,
    pub description: &'static str,
}

/// The permission label writes need, for error messages.
pub const WRITE_PERMISSION: &str = "pull-requests: write, issues: write";

/// Percent-encodes a label name for a path segment (names may hold spaces,
/// `:` or `/`; GitHub decodes the segment).
pub fn path_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Creates the label `name` in the repository unless it exists. A 422
/// `already_exists` (a concurrent run created it) is success; `permission`
/// names what the POST needs, for a 403.
pub async fn ensure(
    client: &Client,
    slug: &RepoSlug,
    name: &str,
    color: &str,
    description: &str,
    permission: &str,
) -> Result<(), GithubError> {
    let repo = slug.to_string();
    let get = format!("{}/labels/{}", slug.api_path(), path_segment(name));
    let r = client.request(Method::Get, &get, None).await?;
    if r.ok() {
        return Ok(());
    }
    if r.status != 404 {
        return Err(client.status_error(Method::Get, &get, &r, &repo, "issues: read"));
    }
    let post = format!("{}/labels", slug.api_path());
    let body = json!({"name": name, "color": color, "description": description});
    let r = client.request(Method::Post, &post, Some(&body)).await?;
    let exists = r.status == 422
        && serde_json::from_value::<api::Validation>(r.body.clone()).is_ok_and(|v| {
            v.errors
                .iter()
                .any(|e| e.code.as_deref() == Some("already_exists"))
        });
    if !r.ok() && !exists {
        return Err(client.status_error(Method::Post, &post, &r, &repo, permission));
    }
    Ok(())
}

/// The names of the labels issue (or pull request) `n` carries, every page.
pub async fn on_issue(
    client: &Client,
    slug: &RepoSlug,
    n: u64,
) -> Result<Vec<String>, GithubError> {
    let path = format!("{}/issues/{n}/labels", slug.api_path());
    let labels: Vec<api::Label> = client
        .get_all(&path, &slug.to_string(), "issues: read")
        .await?;
    Ok(labels.into_iter().map(|l| l.name().to_string()).collect())
}

/// Adds `names` to issue `n` (GitHub keeps the labels it already has).
/// After a timeout, a lost connection or a 5xx the labels are read back:
/// if they are all there the POST took effect; otherwise it is an error
/// (adding a label twice is harmless, but the client never re-sends a
/// POST on its own).
pub async fn add(
    client: &Client,
    slug: &RepoSlug,
    n: u64,
    names: &[&str],
) -> Result<(), GithubError> {
    if names.is_empty() {
        return Ok(());
    }
    let repo = slug.to_string();
    let path = format!("{}/issues/{n}/labels", slug.api_path());
    let body = json!({ "labels": names });
    let lost = match client.request(Method::Post, &path, Some(&body)).await {
        Ok(r) if r.ok() => return Ok(()),
        Ok(r) if r.status < 500 => {
            return Err(client.status_error(Method::Post, &path, &r, &repo, WRITE_PERMISSION));
        }
        Ok(r) => client.status_error(Method::Post, &path, &r, &repo, WRITE_PERMISSION),
        Err(e @ (GithubError::Timeout { .. } | GithubError::Network { .. })) => e,
        Err(e) => return Err(e),
    };
    let now = on_issue(client, slug, n).await?;
    let all_there = names
        .iter()
        .all(|w| now.iter().any(|l| l.eq_ignore_ascii_case(w)));
    if all_there { Ok(()) } else { Err(lost) }
}

/// Removes label `name` from issue `n`. A 404 means it is not there (a
/// concurrent run removed it): success.
pub async fn remove(
    client: &Client,
    slug: &RepoSlug,
    n: u64,
    name: &str,
) -> Result<(), GithubError> {
    let path = format!(
        "{}/issues/{n}/labels/{}",
        slug.api_path(),
        path_segment(name)
    );
    let r = client.request(Method::Delete, &path, None).await?;
    if r.ok() || r.status == 404 {
        return Ok(());
    }
    Err(client.status_error(
        Method::Delete,
        &path,
        &r,
        &slug.to_string(),
        WRITE_PERMISSION,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_names_are_encoded_for_paths() {
        assert_eq!(super::path_segment("ai-assisted"), "ai-assisted");
        assert_eq!(
            super::path_segment("ca:test improvement"),
            "ca%3Atest%20improvement"
        );
        assert_eq!(super::path_segment("a/b"), "a%2Fb");
    }
}
