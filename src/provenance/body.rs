//! Provenance lines anywhere in the body (DESIGN §1.1, the second view of
//! a message).
//!
//! git reads trailers only from the last paragraph, and only when that
//! paragraph passes its 25 % rule. Real histories put agent lines where git
//! does not look: an orchestrator appends its own trailer paragraph after
//! the agent's, a forge inserts a `---------` separator before its
//! co-author lines, a PR template leaves `<!-- … -->` residue in the trailer
//! paragraph, a squash merge concatenates the messages of many commits. This
//! module finds those lines; `trailers` keeps reading git's block exactly as
//! git does (the JSON `trailers` field stays that view).
//!
//! A line counts when it
//! - comes after the title (the first line),
//! - starts at column 0 (an indented line is quoted or code, and continues
//!   nothing outside git's block),
//! - is not a quoted line (`>`) and not inside a fenced code block (a line
//!   opening with ```` ``` ```` or `~~~`, up to three spaces in, until the
//!   matching closing fence or the end of the message, as CommonMark reads it),
//! - stands outside git's trailer block (lines inside it are git's view) and
//!   before the end of the log message git reads,
//! - and is `Key: value` by git's own token rule with a non-empty value.
//!
//! Whether such a line is a *provenance* line is decided by the readers of
//! each source: the merge for the AEEF keys, `AI-Assisted` and
//! `Entire-Checkpoint`, the agent table for everything else (a
//! `Co-authored-by` line counts only with an agent identity). The same
//! column-0, no-fence, no-quote rule limits where marker lines are read
//! ([`Lines::marker_text`]).
//!
//! Cost: one pass over the line starts of the message; a line is looked at
//! further only when it starts with an ASCII letter or digit outside git's
//! block, and nothing is allocated for a message without such lines.
use std::borrow::Cow;

use super::agents::{AgentMatch, AgentTable, CommitIdentity};
use super::trailers::{self, Trailer};

/// One `Key: value` line of the body outside git's trailer block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLine {
    /// 1-based line of the message (the title is line 1).
    pub line: usize,
    /// Key as written, value trimmed (a single line: nothing is unfolded
    /// outside git's block).
    pub trailer: Trailer,
}

/// The body-line view of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines<'m> {
    /// `Key: value` lines after the title, at column 0, outside fences,
    /// quotes and git's trailer block, in message order.
    pub candidates: Vec<BodyLine>,
    /// The message as marker lines are searched in: the title dropped, and
    /// fenced, quoted and indented lines blanked (line structure kept).
    /// Borrowed when nothing needed blanking.
    pub marker_text: Cow<'m, str>,
}

/// Where a provenance line was found, for the evidence: `None` is git's
/// trailer block, `Some(n)` message line `n` outside it. Confidence is the
/// same for both (DESIGN §1.1). Displays as ` (trailer)` or
/// ` (body line N, outside git's trailer block)`, written straight into
/// the evidence line (no allocation of its own: this runs per signal of
/// every AI commit of a scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place(pub Option<usize>);

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str(" (trailer)"),
            Some(n) => write!(f, " (body line {n}, outside git's trailer block)"),
        }
    }
}

/// [`Place`] of a line, as a value to format.
pub fn place(line: Option<usize>) -> Place {
    Place(line)
}

/// An open fenced code block: its fence character and length.
#[derive(Clone, Copy)]
struct Fence {
    ch: u8,
    len: usize,
}

/// The fence a line opens or closes: up to three spaces, then a run of at
/// least three backticks or tildes. Returns (char, run length, rest).
fn fence_of(line: &[u8]) -> Option<(u8, usize, &[u8])> {
    let indent = line.iter().take(4).take_while(|&&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.iter().take_while(|&&b| b == ch).count();
    (len >= 3).then(|| (ch, len, &rest[len..]))
}

/// Reads the body-line view of `message`.
pub fn read(message: &str) -> Lines<'_> {
    read_with_span(message, trailers::block_span(message))
}

/// [`read`] with git's block already located (by
/// [`trailers::parse_with_span`]), so a message is parsed once.
pub fn read_with_span(message: &str, span: trailers::BlockSpan) -> Lines<'_> {
    let buf = message.as_bytes();
    let title_end = memchr::memchr(b'\n', buf).map_or(buf.len(), |i| i + 1);
    let mut candidates = Vec::new();
    let mut fence: Option<Fence> = None;
    // Byte ranges of lines to blank in the marker text.
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut pos = title_end;
    let mut line_no = 1;
    while pos < buf.len() {
        line_no += 1;
        let eol = memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |i| pos + i);
        let mut line = &buf[pos..eol];
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        let start = pos;
        pos = eol + 1;
        let Some(&first) = line.first() else { continue };
        // Only a line starting with a space, ` or ~ can be a fence.
        let maybe_fence = matches!(first, b' ' | b'`' | b'~');
        let excluded = if let Some(f) = fence {
            // Inside a fence: only a closing fence of the same kind ends it.
            if let Some((ch, len, rest)) = fence_of(line)
                && ch == f.ch
                && len >= f.len
                && rest.iter().all(|b| b.is_ascii_whitespace())
            {
                fence = None;
            }
            true
        } else if let Some((ch, len, rest)) = maybe_fence.then(|| fence_of(line)).flatten() {
            // A backtick fence's info string has no backtick.
            if ch == b'~' || !rest.contains(&b'`') {
                fence = Some(Fence { ch, len });
                true
            } else {
                false
            }
        } else {
            matches!(first, b'>' | b' ' | b'\t')
        };
        if excluded {
            blank.push((start, eol));
            continue;
        }
        // Outside git's block and inside the message git reads.
        if start >= span.start.min(span.end) || !first.is_ascii_alphanumeric() {
            continue;
        }
        let Some(sep) = trailers::find_separator(line) else {
            continue;
        };
        // `line` is a prefix of a `str` line ending at an ASCII byte, and
        // `sep` is an ASCII `:`: both cuts are char boundaries.
        let text = &message[start..start + line.len()];
        let key = text[..sep].trim();
        let value = text[sep + 1..].trim();
        if value.is_empty() {
            continue;
        }
        candidates.push(BodyLine {
            line: line_no,
            trailer: Trailer {
                key: key.to_string(),
                value: value.to_string(),
            },
        });
    }
    let rest = &message[title_end.min(message.len())..];
    let marker_text = if blank.is_empty() {
        Cow::Borrowed(rest)
    } else {
        let mut out = String::with_capacity(rest.len());
        let mut at = title_end;
        for (s, e) in blank {
            out.push_str(&message[at..s]);
            at = e;
        }
        out.push_str(&message[at..]);
        Cow::Owned(out)
    };
    Lines {
        candidates,
        marker_text,
    }
}

/// True when the evidence `ev` is the trailer `t` as the agent table
/// writes it (`Key: value`).
fn is_trailer_evidence(ev: &str, t: &Trailer) -> bool {
    ev.strip_prefix(t.key.trim())
        .and_then(|r| r.strip_prefix(": "))
        .is_some_and(|v| v == t.value.trim())
}

/// A body line's key (ASCII case ignored, as git compares trailer keys)
/// and value, hashed and compared as [`detect`] counts two lines the same.
struct SameLine<'a>(&'a str, &'a str);

impl std::hash::Hash for SameLine<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_usize(self.0.len());
        self.1.hash(state);
    }
}

impl PartialEq for SameLine<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0) && self.1 == other.1
    }
}

impl Eq for SameLine<'_> {}

/// Runs the agent table over both views. Returns the agent matches (git's
/// view first, evidence saying which view found each line) and the body
/// lines whose keys the merge reads itself (`merge_key`).
pub fn detect(
    table: &AgentTable,
    who: &CommitIdentity<'_>,
    lines: &Lines<'_>,
    trailers: &[Trailer],
    merge_key: impl Fn(&str) -> bool,
) -> (Vec<BodyLine>, Vec<AgentMatch>) {
    let mut matches = table.detect(who, &lines.marker_text, trailers);
    for m in &mut matches {
        if trailers.iter().any(|t| is_trailer_evidence(&m.evidence, t)) {
            m.evidence.push_str(" (trailer)");
        }
    }
    let mut merge_lines = Vec::new();
    // Lines already seen: a squash merge of a long branch can carry
    // hundreds, so this is a set, not a look back over the earlier lines.
    let mut seen = std::collections::HashSet::new();
    for c in &lines.candidates {
        let (k, v) = (&c.trailer.key, &c.trailer.value);
        // Git's block already has it, or an earlier body line (a squash
        // merge repeats co-author lines): the first place is the evidence.
        if trailers
            .iter()
            .any(|t| t.key.eq_ignore_ascii_case(k) && t.value.trim() == v)
            || !seen.insert(SameLine(k, v))
        {
            continue;
        }
        if merge_key(k) {
            merge_lines.push(c.clone());
        }
        for mut m in table.detect_trailer(&c.trailer) {
            use std::fmt::Write as _;
            let _ = write!(m.evidence, "{}", place(Some(c.line)));
            matches.push(m);
        }
    }
    (merge_lines, matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(msg: &str) -> Vec<(usize, String, String)> {
        read(msg)
            .candidates
            .into_iter()
            .map(|b| (b.line, b.trailer.key, b.trailer.value))
            .collect()
    }

    fn kv(line: usize, k: &str, v: &str) -> (usize, String, String) {
        (line, k.to_string(), v.to_string())
    }

    #[test]
    fn lines_inside_git_block_are_not_body_lines() {
        // git reads the last paragraph: it is not the body view's business.
        assert!(keys("T\n\nbody\n\nCo-authored-by: A <a@b>\n").is_empty());
        // An earlier paragraph is.
        assert_eq!(
            keys("T\n\nAssisted-by: x:y\n\nbody\n"),
            vec![kv(3, "Assisted-by", "x:y")]
        );
    }

    #[test]
    fn rejected_last_paragraph_is_read_line_by_line() {
        // `<!-- -->` residue makes git reject the paragraph.
        let msg = "T\n\nCo-authored-by: C <c@d>\n<!-- describe -->\n<!-- link -->\n";
        assert_eq!(keys(msg), vec![kv(3, "Co-authored-by", "C <c@d>")]);
    }

    #[test]
    fn title_fences_quotes_and_indents_do_not_count() {
        let msg = "Co-authored-by: T <t@t>\n\n```\nCo-authored-by: F <f@f>\n```\n> Co-authored-by: Q <q@q>\n  Co-authored-by: I <i@i>\n~~~~ text\nX: 1\n~~~\nstill: fenced\n~~~~\n\nprose\n";
        assert!(keys(msg).is_empty(), "{:?}", keys(msg));
        // An unclosed fence runs to the end of the message.
        assert!(keys("T\n\n```rust\nA-B: c\n\nprose\n").is_empty());
    }

    #[test]
    fn prose_with_a_key_mid_line_is_not_a_line() {
        let msg = "T\n\nWe now drop Co-authored-by: lines from templates.\nA key: value\n\nend\n";
        assert!(keys(msg).is_empty());
    }

    #[test]
    fn crlf_and_empty_values() {
        let msg = "T\r\n\r\nAI-Tool: x\r\nAI-Model-Version:\r\n\r\nprose\r\n";
        assert_eq!(keys(msg), vec![kv(3, "AI-Tool", "x")]);
    }

    #[test]
    fn marker_text_drops_title_and_blanks_excluded_lines() {
        let l = read("Generated with Claude Code\n\nbody\n");
        assert_eq!(l.marker_text, "\nbody\n");
        assert!(matches!(l.marker_text, Cow::Borrowed(_)));
        let l = read("T\n\n```\nGenerated with Claude Code\n```\nkeep\n  indented\n");
        assert_eq!(l.marker_text, "\n\n\n\nkeep\n\n");
    }

    #[test]
    fn place_names_the_view() {
        assert_eq!(place(None).to_string(), " (trailer)");
        assert_eq!(
            place(Some(7)).to_string(),
            " (body line 7, outside git's trailer block)"
        );
    }
}
