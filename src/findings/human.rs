//! Human rendering of a [`Report`]: one miette diagnostic per finding,
//! pointing at the file, line and column with a snippet of the record when
//! its text is at hand, the rule id as the diagnostic code and the help line.
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode, SourceSpan,
};

use super::{Finding, Level, Report};

/// The sources of the files findings point into, by the path the findings
/// carry.
pub type Sources = HashMap<String, String>;

struct Diag<'a> {
    f: &'a Finding,
    code: String,
    src: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diag").field("finding", self.f).finish()
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages name the corrective action themselves; the incident
        // gives them their context.
        match &self.f.incident {
            Some(i) if !self.f.message.contains(i.as_str()) => write!(f, "{i}: {}", self.f.message),
            _ => f.write_str(&self.f.message),
        }
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(match self.f.level {
            Level::Error => Severity::Error,
            Level::Note => Severity::Advice,
            _ => Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.f
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = match self.f.level {
            Level::Error => "here",
            _ => "this",
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label.to_string()),
            span,
        ))))
    }
}

/// Byte span of the token at 1-based `line`:`column` (column in characters):
/// up to the next space or YAML punctuation, at least one byte.
fn token_span(source: &str, line: u32, column: u32) -> Option<SourceSpan> {
    let mut off = 0usize;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let text = l.trim_end_matches(['\n', '\r']);
            let col = column.saturating_sub(1) as usize;
            let start = text
                .char_indices()
                .nth(col)
                .map(|(b, _)| b)
                .unwrap_or(text.len());
            let rest = &text[start..];
            // A token ends at a space, a flow delimiter, or a `:` that
            // separates a key (not the colons inside a timestamp).
            let bytes = rest.as_bytes();
            let len = rest
                .char_indices()
                .find(|&(i, c)| {
                    c.is_whitespace()
                        || matches!(c, ',' | ']' | '}')
                        || (c == ':' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()))
                })
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
                .max(1);
            let len = len
                .min(l.len().saturating_sub(start))
                .max(usize::from(!l.is_empty()));
            return Some(SourceSpan::new((off + start).into(), len));
        }
        off += l.len();
    }
    // A position past the end (an empty file): point at the end.
    (line >= 1).then(|| SourceSpan::new(source.len().into(), 0))
}

/// Renders every finding of `report` (in its order) and a summary line.
/// `color` chooses the coloured Unicode theme; otherwise plain ASCII, which
/// is also what the snapshot tests read. `width` is the terminal's width
/// in columns to wrap messages at, never inside a word or at a hyphen
/// (`AI-Prompt-Ref` stays whole); `None` (a pipe, a file, a CI log) keeps
/// each message on one line, as diagnostics on stderr do.
pub fn render(
    report: &Report,
    sources: &Sources,
    color: bool,
    width: Option<usize>,
    w: &mut impl Write,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::none()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        // A path or quoted value stays whole (`incidents/INC-2026-052.yaml`).
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    let handler = match width {
        Some(columns) => handler.with_width(columns),
        None => handler.with_wrap_lines(false),
    };
    for f in &report.findings {
        let mut src = None;
        let mut span = None;
        if let (Some(file), Some(line)) = (&f.file, f.line)
            && let Some(text) = sources.get(file)
        {
            span = token_span(text, line, f.column.unwrap_or(1));
            src = Some(NamedSource::new(file, text.clone()));
        }
        let d = Diag {
            f,
            code: format!("aeef::{}", f.rule),
            src,
            span,
        };
        let mut out = String::new();
        if handler.render_report(&mut out, &d).is_err() {
            out = format!("{}: {}\n", f.level.as_str(), d);
        }
        // Without a snippet, say where anyway.
        if d.src.is_none()
            && let Some(file) = &f.file
        {
            let at = match (f.line, f.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                (Some(l), None) => format!("{file}:{l}"),
                _ => file.clone(),
            };
            out.push_str(&format!("  at {at}\n"));
        }
        w.write_all(out.as_bytes())?;
        writeln!(w)?;
    }
    writeln!(w, "{}", report.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_token_with_code_and_help() {
        let mut sources = Sources::new();
        sources.insert(
            "incidents/a.yaml".into(),
            "id: INC-2026-001\nteem: x\n".into(),
        );
        let report = Report {
            findings: vec![
                Finding::new(
                    crate::findings::RuleId::Schema,
                    Level::Error,
                    "unknown key `teem`",
                )
                .file("incidents/a.yaml")
                .at(2, 1)
                .help("did you mean `team`?"),
            ],
        };
        let mut out = Vec::new();
        render(&report, &sources, false, Some(100), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("aeef::schema"), "{s}");
        assert!(s.contains("incidents/a.yaml:2:1"), "{s}");
        assert!(s.contains("teem: x"), "{s}");
        assert!(s.contains("did you mean `team`?"), "{s}");
        assert!(s.ends_with("1 error, 0 warnings, 0 notes\n"), "{s}");
    }

    /// Guards what a CI log gets: without a width (a pipe or a file) a long
    /// message stays on one line; on a terminal it wraps at the width but
    /// never at a hyphen inside a name (`AI-Prompt-` / `Ref`, seen by a
    /// fresh tester in a gate's findings).
    #[test]
    fn long_messages_wrap_only_on_a_terminal_and_never_at_a_hyphen() {
        let message = "commit c08de56df34c (Harden GitHub Actions workflows) is attributed to \
                       claude-code (agent:claude-code, git-ai-note) but lacks AI-Tool, \
                       AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications, AI-Reviewed-By";
        let report = Report {
            findings: vec![Finding::new(
                crate::findings::RuleId::ProvenanceIncomplete,
                Level::Error,
                message,
            )],
        };
        let render_at = |width| {
            let mut out = Vec::new();
            render(&report, &Sources::new(), false, width, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let file = render_at(None);
        assert!(file.lines().any(|l| l.ends_with(message)), "{file}");
        let terminal = render_at(Some(60));
        assert!(
            terminal.lines().all(|l| l.chars().count() <= 60),
            "{terminal}"
        );
        for name in [
            "AI-Model-Version",
            "AI-Prompt-Ref",
            "AI-Human-Modifications",
        ] {
            assert!(terminal.contains(name), "{name} split:\n{terminal}");
        }
    }
}
