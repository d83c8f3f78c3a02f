//! Markdown rendering of a [`Report`]: a verdict line, the counts and a
//! table of findings. `--format markdown` prints it; the GitHub step summary
//! (`findings::github::step_summary`) is built from the same pieces.
use std::io::{self, Write};

use super::{Finding, Level, Report};

/// Writes the report as a Markdown document titled "aeef findings".
pub fn render(report: &Report, w: &mut impl Write) -> io::Result<()> {
    render_titled(report, "aeef findings", w)
}

/// Writes the report as a Markdown document under a `## title` heading.
pub fn render_titled(report: &Report, title: &str, w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "## {}", escape_inline(title))?;
    writeln!(w)?;
    writeln!(w, "{}", verdict_line(report))?;
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    w.write_all(table(&ordered(report), usize::MAX).as_bytes())
}

/// `**Verdict: pass** · 0 errors · 1 warning (1 in grace) · 0 notes`.
pub fn verdict_line(report: &Report) -> String {
    let verdict = match report.verdict_word() {
        "pass" => "✅ pass",
        "fail" => "❌ fail",
        _ => "⚠️ error (nothing was decided)",
    };
    format!(
        "**Verdict: {verdict}** · {}",
        report.count_parts().join(" · ")
    )
}

/// The findings errors first, otherwise in report order (a stable sort, so a
/// report sorted by [`Report::sort`] keeps its order).
pub(crate) fn ordered(report: &Report) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.level != Level::Off)
        .collect();
    v.sort_by_key(|f| f.level);
    v
}

/// A Markdown table of at most `max_rows` findings, each cell escaped; a
/// line after the table says how many rows were left out.
pub(crate) fn table(findings: &[&Finding], max_rows: usize) -> String {
    let mut out = String::from(
        "| Level | Rule | Incident | Action | Location | Message |\n|---|---|---|---|---|---|\n",
    );
    for f in findings.iter().take(max_rows) {
        let level = match f.level {
            Level::Error => "❌ error",
            Level::Warn => "⚠️ warning",
            Level::Note => "ℹ️ note",
            Level::Off => "off",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "| {level} | `{}` | {} | {} | {} | {} |\n",
            escape_code(f.rule.as_str()),
            escape_cell(f.incident.as_deref().unwrap_or("")),
            escape_cell(f.corrective_action.as_deref().unwrap_or("")),
            escape_cell(&location(f)),
            escape_cell(&message),
        ));
    }
    if findings.len() > max_rows {
        out.push_str(&format!(
            "\n…and {} more not shown here (`--format json` lists all of them).\n",
            findings.len() - max_rows
        ));
    }
    out
}

/// Where a finding points: `file:line:col`, `file:line`, `file`, and the
/// short commit when there is one.
pub fn location(f: &Finding) -> String {
    let mut loc = String::new();
    if let Some(file) = &f.file {
        loc.push_str(file);
        if let Some(line) = f.line {
            loc.push_str(&format!(":{line}"));
            if let Some(col) = f.column {
                loc.push_str(&format!(":{col}"));
            }
        }
    }
    if let Some(commit) = &f.commit {
        if !loc.is_empty() {
            loc.push(' ');
        }
        loc.push_str("commit ");
        loc.push_str(short_sha(commit));
    }
    loc
}

/// The first 12 characters of a SHA (all of it when shorter).
pub(crate) fn short_sha(sha: &str) -> &str {
    match sha.char_indices().nth(12) {
        Some((i, _)) => &sha[..i],
        None => sha,
    }
}

/// Escapes text for one table cell that may hold several lines:
/// [`crate::markdown::cell`], the one escape of every Markdown output
/// (line breaks become `<br>`; no HTML, links, mentions, references,
/// autolinked URLs, domains or SHAs).
pub fn escape_cell(s: &str) -> String {
    crate::markdown::cell(s)
}

/// Text inside a code span in a cell: a backtick would end the span and a
/// `|` the cell (GitHub splits cells before parsing code spans).
fn escape_code(s: &str) -> String {
    s.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Text on one line outside a table (a heading): [`crate::markdown::text`].
pub(crate) fn escape_inline(s: &str) -> String {
    crate::markdown::text(s)
}
