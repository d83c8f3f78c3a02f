//! GitHub Actions rendering of a [`Report`] (`--format github`): workflow
//! command annotations on stdout, a Markdown step summary for
//! `$GITHUB_STEP_SUMMARY`, and `verdict` / `errors` / `warnings` for
//! `$GITHUB_OUTPUT`.
//!
//! Escaping follows the runner's `ActionCommand` parser
//! (actions/runner `src/Runner.Common/ActionCommand.cs`, the same rules as
//! `@actions/core`'s `toCommandValue` escaping): data escapes `%`, `\r`,
//! `\n`; property values additionally `:` and `,`.
use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::markdown::{self, ordered, short_sha, table};
use super::{Finding, Level, Report};

/// The runner shows at most this many `error` annotations per step.
pub const MAX_ERROR_ANNOTATIONS: usize = 10;
/// The runner shows at most this many `warning` annotations per step.
pub const MAX_WARNING_ANNOTATIONS: usize = 10;
/// Rows of the step summary shown before the rest folds into `<details>`.
pub const SUMMARY_OPEN_ROWS: usize = 20;
/// Rows of the step summary in all: a step summary is capped at 1 MiB by
/// the runner, and a table of thousands of rows helps nobody.
pub const SUMMARY_MAX_ROWS: usize = 1000;

/// Writes one `::error` / `::warning` workflow command per finding, errors
/// before warnings. Past the runner's per-step limits (10 errors, 10
/// warnings) the remaining findings are not written as annotations; one
/// `::notice` says how many there are and that the step summary lists them.
pub fn annotations(report: &Report, w: &mut impl Write) -> io::Result<()> {
    let (mut errors, mut warnings) = (0usize, 0usize);
    let (mut hidden_errors, mut hidden_warnings) = (0usize, 0usize);
    for f in ordered(report) {
        let command = match f.level {
            Level::Error if errors < MAX_ERROR_ANNOTATIONS => {
                errors += 1;
                "error"
            }
            Level::Error => {
                hidden_errors += 1;
                continue;
            }
            Level::Warn if warnings < MAX_WARNING_ANNOTATIONS => {
                warnings += 1;
                "warning"
            }
            Level::Warn => {
                hidden_warnings += 1;
                continue;
            }
            Level::Note if warnings < MAX_WARNING_ANNOTATIONS => {
                warnings += 1;
                "notice"
            }
            Level::Note => {
                hidden_warnings += 1;
                continue;
            }
            Level::Off => continue,
        };
        writeln!(w, "{}", annotation(command, f))?;
    }
    let hidden = hidden_errors + hidden_warnings;
    if hidden > 0 {
        let message = format!(
            "{hidden} more {} ({hidden_errors} {}, {hidden_warnings} {}) not shown as annotations: \
             the runner shows at most {MAX_ERROR_ANNOTATIONS} errors and {MAX_WARNING_ANNOTATIONS} warnings per step. \
             The job summary lists every finding.",
            if hidden == 1 { "finding" } else { "findings" },
            if hidden_errors == 1 {
                "error"
            } else {
                "errors"
            },
            if hidden_warnings == 1 {
                "warning"
            } else {
                "warnings"
            },
        );
        writeln!(
            w,
            "::notice title={}::{}",
            escape_property("aeef: more findings"),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// One workflow command line (without the newline) for a finding.
fn annotation(command: &str, f: &Finding) -> String {
    let mut props: Vec<String> = Vec::new();
    if let Some(file) = &f.file {
        props.push(format!("file={}", escape_property(file)));
        if let Some(line) = f.line {
            props.push(format!("line={line}"));
            if let Some(col) = f.column {
                props.push(format!("col={col}"));
            }
        }
    }
    props.push(format!("title={}", escape_property(&visible(&title(f)))));
    // Commit text reaches the log as it is shown: control characters and
    // escape sequences become visible escapes (the runner's log is a
    // terminal too), newlines stay as the annotation's own line breaks.
    let mut message = visible(&f.message);
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(&visible(help));
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
}

/// Control characters and escape sequences as visible escapes, except the
/// line breaks (CR, LF) the workflow-command encoding carries itself.
fn visible(s: &str) -> String {
    s.split('\r')
        .map(|part| crate::redact::escape_controls(part).into_owned())
        .collect::<Vec<_>>()
        .join("\r")
}

/// `rule INC-…/CA-…`, `rule INC-…`, or `rule <short commit>`.
fn title(f: &Finding) -> String {
    let mut t = f.rule.to_string();
    match (&f.incident, &f.corrective_action) {
        (Some(inc), Some(ca)) => t.push_str(&format!(" {inc}/{ca}")),
        (Some(inc), None) => t.push_str(&format!(" {inc}")),
        (None, Some(ca)) => t.push_str(&format!(" {ca}")),
        (None, None) => {
            if let Some(commit) = &f.commit {
                t.push_str(&format!(" {}", short_sha(commit)));
            }
        }
    }
    t
}

/// Escapes the message part of a workflow command: `%`, `\r`, `\n`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command: what [`escape_data`]
/// escapes, plus `:` (ends the properties) and `,` (separates them).
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

/// The Markdown appended to `$GITHUB_STEP_SUMMARY`: a heading, the verdict
/// and counts, and a table of findings (errors first). Past
/// [`SUMMARY_OPEN_ROWS`] rows the rest folds into a `<details>` block.
pub fn step_summary(report: &Report, title: &str) -> String {
    let mut out = format!(
        "## {}\n\n{}\n\n",
        title.replace(['\r', '\n'], " "),
        markdown::verdict_line(report)
    );
    let findings = ordered(report);
    if findings.is_empty() {
        out.push_str("No findings.\n\n");
        return out;
    }
    let open = findings.len().min(SUMMARY_OPEN_ROWS);
    out.push_str(&table(&findings[..open], open));
    out.push('\n');
    if findings.len() > open {
        let rest = &findings[open..];
        let max_rest = SUMMARY_MAX_ROWS.saturating_sub(open);
        out.push_str(&format!(
            "<details><summary>{} more {}</summary>\n\n",
            rest.len(),
            if rest.len() == 1 {
                "finding"
            } else {
                "findings"
            }
        ));
        out.push_str(&table(rest, max_rest));
        out.push_str("\n</details>\n\n");
    }
    out
}

/// `verdict=pass|fail|error`, `errors=N`, `warnings=N`, one per line, for
/// `$GITHUB_OUTPUT`. No value can hold a newline, so the simple `key=value`
/// form is safe (the heredoc form is only needed for multi-line values).
pub fn outputs(report: &Report) -> String {
    let verdict = report.verdict_word();
    format!(
        "verdict={verdict}\nerrors={}\nwarnings={}\n",
        report.errors(),
        report.warnings()
    )
}

/// Appends `text` to the file at `path`, creating it if missing and never
/// truncating: other steps' outputs and summaries live in the same files.
/// When the file does not end with a newline one is written first, so a
/// `key=value` line is never glued to a previous one.
pub fn append_to_file(path: &Path, text: &str) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        file.seek(SeekFrom::Start(len - 1))?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// Appends [`step_summary`] to `summary` and [`outputs`] to `output` when
/// those paths are given (the values of `$GITHUB_STEP_SUMMARY` and
/// `$GITHUB_OUTPUT`; the caller reads the environment).
pub fn write_step_files(
    report: &Report,
    title: &str,
    summary: Option<&Path>,
    output: Option<&Path>,
) -> io::Result<()> {
    if let Some(path) = summary {
        append_to_file(path, &step_summary(report, title))?;
    }
    if let Some(path) = output {
        append_to_file(path, &outputs(report))?;
    }
    Ok(())
}
