//! The GitHub Actions event payload (`GITHUB_EVENT_PATH`): what the gate
//! reads from a `pull_request` event. GitHub documents the payload at
//! <https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request>.

/// The change's base and head from a `pull_request` event payload.
pub fn event_shas(path: &std::path::Path) -> miette::Result<Option<(String, String)>> {
    Ok(event_pull_request(path)?.map(|p| (p.base, p.head)))
}

/// What the gate reads from a `pull_request` event payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPullRequest {
    pub base: String,
    pub head: String,
    /// Title and body, joined by a blank line: where a change references
    /// the corrective action it implements (DESIGN §5).
    pub text: String,
    /// `pull_request.number` (else the payload's top-level `number`).
    pub number: Option<u64>,
    /// `pull_request.body` alone (`pr-disclosure`, DESIGN §9).
    pub body: String,
}

/// Reads the pull request of an event payload; `None` for other events.
pub fn event_pull_request(path: &std::path::Path) -> miette::Result<Option<EventPullRequest>> {
    // A regular file of bounded size: `/dev/zero` or a FIFO is refused
    // before a byte is read (safe_fs).
    let bytes =
        crate::safe_fs::read_regular(path, crate::safe_fs::EVENT_MAX_BYTES).map_err(|r| {
            miette::miette!(
                code = "aeef::gate::event",
                help = "GITHUB_EVENT_PATH is set by GitHub Actions to a JSON file; unset it outside a runner",
                "{}",
                r.describe(&format!("the event payload {}", path.display()))
            )
        })?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        miette::miette!(
            code = "aeef::gate::event",
            help = "the payload must be the JSON GitHub Actions wrote",
            "the event payload {} is not JSON: {e}",
            path.display()
        )
    })?;
    let Some(pr) = v.get("pull_request") else {
        return Ok(None);
    };
    let sha = |k: &str| {
        pr.get(k)
            .and_then(|b| b.get("sha"))
            .and_then(|s| s.as_str())
            .map(str::to_string)
    };
    let text = |k: &str| pr.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    match (sha("base"), sha("head")) {
        (Some(base), Some(head)) => Ok(Some(EventPullRequest {
            base,
            head,
            text: format!("{}\n\n{}", text("title"), text("body")),
            number: pr
                .get("number")
                .or_else(|| v.get("number"))
                .and_then(|n| n.as_u64()),
            body: text("body"),
        })),
        _ => Err(miette::miette!(
            code = "aeef::gate::event",
            help = "pass --base and --head explicitly",
            "the pull_request payload at {} has no base.sha / head.sha",
            path.display()
        )),
    }
}
