//! The one pull-request comment of `aeef gate --comment` (DESIGN §9): the
//! verdict, the AI share, a table of the change's commits (short id,
//! origin, tool, model, subject) and the findings, found again on every run
//! by the hidden marker [`MARKER`] and edited in place, never posted twice.
//! With a read-only token (pull requests from forks) the same Markdown goes
//! to the step summary instead, saying so.
//!
//! Everything in the body that comes from commits or records (subjects,
//! tool and model names, finding messages) is escaped by [`escape`]: a
//! hostile commit subject can neither ping people (`@team`), link issues
//! (`#1`), break the table (`|`, line breaks) nor inject HTML or Markdown.
use crate::findings::markdown::{location, short_sha, verdict_line};
use crate::findings::{Level, Report};
use crate::github::{Client, GithubError, RepoSlug, comments};

/// The hidden marker that identifies the comment.
pub const MARKER: &str = "<!-- aeef:pr-summary -->";

/// GitHub refuses a comment body longer than 65,536 characters
/// ("body is too long (maximum is 65536 characters)").
pub const MAX_CHARS: usize = 65_536;

/// The permission a comment write needs, for messages.
pub const WRITE_PERMISSION: &str = "pull-requests: write, issues: write";

/// One row of the commit table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRow {
    pub sha: String,
    /// `ai-generated`, `ai-modified`, `ai-adjacent` or `human` (DESIGN §2).
    pub origin: String,
    pub tool: Option<String>,
    pub model: Option<String>,
    /// First line of the message.
    pub subject: String,
}

/// Escapes untrusted text for one line of the comment (a table cell, the
/// heading): [`crate::markdown::text`], the one escape of every Markdown
/// output (no HTML, links, mentions, references, autolinked URLs, domains
/// or SHAs; secrets masked).
pub fn escape(s: &str) -> String {
    crate::markdown::text(s)
}

fn cell(s: Option<&str>) -> String {
    match s {
        Some(v) if !v.trim().is_empty() => escape(v),
        _ => "—".into(),
    }
}

/// Renders the comment body: the marker, a heading, the verdict, the share,
/// the commit table and the findings. Longer than [`MAX_CHARS`], it is cut
/// at a line boundary and ends with a line saying so. Registered secrets
/// (the token) are masked.
pub fn render(
    title: &str,
    report: &Report,
    share: Option<&super::Share>,
    commits: &[CommitRow],
) -> String {
    let mut lines: Vec<String> = vec![
        MARKER.to_string(),
        format!("## {}", escape(title)),
        String::new(),
        verdict_line(report),
        String::new(),
    ];
    if let Some(s) = share {
        lines.push("### AI share".into());
        lines.push(String::new());
        lines.push(format!(
            "**{} %** of the added lines are AI-attributed: {} of {} ({} AI commit{}).",
            s.percent(),
            s.ai_lines,
            s.lines,
            s.ai_commits,
            if s.ai_commits == 1 { "" } else { "s" }
        ));
        let rows = s.rows();
        if !rows.is_empty() {
            lines.push(String::new());
            lines.push("| | Name | AI lines | Share of added lines |".into());
            lines.push("|---|---|---:|---:|".into());
            for (kind, name, n) in rows {
                lines.push(format!(
                    "| {kind} | {} | {n} | {:.1} % |",
                    escape(name),
                    100.0 * n as f64 / s.lines.max(1) as f64
                ));
            }
        }
        lines.push(String::new());
    }
    lines.push(format!("### Commits ({})", commits.len()));
    lines.push(String::new());
    if commits.is_empty() {
        lines.push("None.".into());
    } else {
        lines.push("| Commit | Origin | Tool | Model | Subject |".into());
        lines.push("|---|---|---|---|---|".into());
        for c in commits {
            lines.push(format!(
                "| `{}` | {} | {} | {} | {} |",
                // aeef's own hex id in a code span (no autolink there);
                // anything else is escaped like text.
                match short_sha(&c.sha) {
                    h if h.chars().all(|c| c.is_ascii_hexdigit()) => h.to_string(),
                    other => escape(other),
                },
                escape(&c.origin),
                cell(c.tool.as_deref()),
                cell(c.model.as_deref()),
                cell(Some(&c.subject)),
            ));
        }
    }
    lines.push(String::new());
    let findings: Vec<_> = {
        let mut v: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.level != Level::Off)
            .collect();
        v.sort_by_key(|f| f.level);
        v
    };
    lines.push(format!("### Findings ({})", findings.len()));
    lines.push(String::new());
    if findings.is_empty() {
        lines.push("None.".into());
    } else {
        lines.push("| Level | Rule | Incident | Location | Message |".into());
        lines.push("|---|---|---|---|---|".into());
        for f in findings {
            let level = match f.level {
                Level::Error => "❌ error",
                Level::Warn => "⚠️ warning",
                Level::Note => "ℹ️ note",
                Level::Off => "off",
            };
            let incident = match (&f.incident, &f.corrective_action) {
                (Some(i), Some(a)) => Some(format!("{i}/{a}")),
                (Some(i), None) => Some(i.clone()),
                _ => None,
            };
            let mut message = f.message.clone();
            if let Some(h) = &f.help {
                message.push_str(" — help: ");
                message.push_str(h);
            }
            lines.push(format!(
                "| {level} | `{}` | {} | {} | {} |",
                f.rule.as_str(),
                cell(incident.as_deref()),
                cell(Some(&location(f))),
                cell(Some(&message)),
            ));
        }
    }
    lines.push(String::new());
    lines.push(format!(
        "<sub>aeef {} · this comment is updated in place on every run</sub>",
        env!("CARGO_PKG_VERSION")
    ));
    let masked: Vec<String> = lines
        .iter()
        .map(|l| crate::redact::mask_secrets(l).into_owned())
        .collect();
    fit(&masked, MAX_CHARS)
}

/// Joins `lines` with newlines, keeping whole lines while the text and a
/// closing truncation line fit in `max` characters.
pub fn fit(lines: &[String], max: usize) -> String {
    let total: usize = lines.iter().map(|l| l.chars().count() + 1).sum();
    if total <= max {
        return lines.join("\n") + "\n";
    }
    let note = |shown: usize| {
        format!(
            "\n**… truncated:** this summary is longer than GitHub's {max} characters for a comment; the first {shown} of {} lines are shown. The workflow run has the full report (`aeef gate --format json` lists every finding).\n",
            lines.len()
        )
    };
    let budget = max.saturating_sub(note(lines.len()).chars().count());
    let mut out = String::new();
    let mut used = 0;
    let mut shown = 0;
    for l in lines {
        let n = l.chars().count() + 1;
        if used + n > budget {
            break;
        }
        out.push_str(l);
        out.push('\n');
        used += n;
        shown += 1;
    }
    out.push_str(&note(shown));
    out
}

/// How posting the comment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// A new comment (the first run on this pull request).
    Created(u64),
    /// The marked comment was edited in place; `duplicates` are other
    /// comments that also carry the marker (left alone).
    Updated { id: u64, duplicates: Vec<u64> },
    /// GitHub refused the write with 403: a read-only token.
    ReadOnly,
    /// Another failure, scrubbed of the token.
    Failed(String),
}

/// Creates or updates the marked comment on pull request `n`.
pub async fn post(client: &Client, slug: &RepoSlug, n: u64, body: &str) -> Posted {
    match comments::upsert(client, slug, n, MARKER, body, WRITE_PERMISSION).await {
        Ok(u) if u.created => Posted::Created(u.id),
        Ok(u) => Posted::Updated {
            id: u.id,
            duplicates: u.duplicates,
        },
        Err(GithubError::Forbidden { .. }) => Posted::ReadOnly,
        Err(e) => Posted::Failed(e.to_string()),
    }
}

/// One line saying what happened, for the log (stderr) and, when the
/// comment could not be written, atop the step summary.
pub fn outcome_line(n: u64, p: &Posted) -> String {
    match p {
        Posted::Created(id) => format!("pull request #{n}: summary comment created (id {id})"),
        Posted::Updated { id, duplicates } if duplicates.is_empty() => {
            format!("pull request #{n}: summary comment updated in place (id {id})")
        }
        Posted::Updated { id, duplicates } => format!(
            "pull request #{n}: summary comment updated in place (id {id}, the oldest); {} other comment(s) also carry the marker `{MARKER}` and were left alone (ids {}) — delete them by hand",
            duplicates.len(),
            duplicates
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Posted::ReadOnly => format!(
            "could not comment on pull request #{n}: the token may not write there (a pull request from a fork runs with a read-only token); the summary is in the step summary instead"
        ),
        Posted::Failed(e) => format!(
            "could not comment on pull request #{n} ({e}); the summary is in the step summary instead"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Finding;

    /// Why: a commit subject is written by whoever pushes; in a comment it
    /// must not ping people, link issues or break the table.
    #[test]
    fn hostile_subject_cannot_ping_link_or_break_the_table() {
        let e = escape("@everyone fix #12 | GH-3 <img src=x> [x](http://e) `c` **b**\nnext");
        assert!(!e.contains("@everyone") && !e.contains("#12") && !e.contains("GH-3"));
        assert!(!e.contains('<') && !e.contains('\n'));
        assert!(!e.contains(" | ") && e.contains("\\|"));
        assert!(e.contains("\\[x\\]\\(http\\:\u{2060}//e\\)"), "{e}");
    }

    #[test]
    fn body_is_cut_at_the_limit_with_a_line_saying_so() {
        let mut r = Report::default();
        for i in 0..3000 {
            r.findings.push(Finding::new(
                crate::findings::RuleId::CaUnverified,
                Level::Warn,
                format!("finding {i} {}", "x".repeat(40)),
            ));
        }
        let body = render("aeef gate", &r, None, &[]);
        assert!(body.chars().count() <= MAX_CHARS);
        assert!(body.starts_with(MARKER));
        assert!(body.contains("**… truncated:**"));
        let small = render("aeef gate", &Report::default(), None, &[]);
        assert!(!small.contains("truncated") && small.contains("### Findings (0)"));
    }
}
