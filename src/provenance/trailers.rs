//! Git-compatible trailer parsing.
//!
//! [`parse`] returns what `git interpret-trailers --parse --no-divider` prints
//! for a message under git's default trailer configuration (the same parser
//! that backs `git log --format=%(trailers:only,unfold)`). The steps mirror
//! git's `trailer.c` and `commit.c` so that odd inputs (comment lines in the
//! middle of a block, CRLF, `Conflicts:` sections, scissors lines, NUL bytes)
//! give the same answer as git; `tests/trailers_differential.rs` checks that
//! against the real `git` on thousands of generated messages.
//!
//! Everything works on byte offsets into the message: all bytes git looks at
//! are ASCII, so every offset is a `char` boundary and the only allocations
//! are the returned keys and values.

/// One trailer as git reads it: key as written, value unfolded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trailer {
    /// The token before the separator, surrounding whitespace trimmed.
    pub key: String,
    /// The value, trimmed, with continuation lines joined by one space.
    pub value: String,
}

/// Lines git writes itself; a block holding one needs only 25 % trailers.
const GIT_GENERATED_PREFIXES: [&[u8]; 2] = [b"Signed-off-by: ", b"(cherry picked from commit "];

/// The `git commit -v` scissors line. Only a line that is exactly this (no
/// trailing space, no CR before its LF) cuts the message, as in git 2.47.
const SCISSORS: &str = "# ------------------------ >8 ------------------------";

/// git's `isspace` (`sane_ctype`): space, tab, LF and CR only. Form feed and
/// vertical tab are *not* whitespace to git, unlike `u8::is_ascii_whitespace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where git's trailer block stands in a message: byte offsets into it.
/// Used by the body-line view (DESIGN §1.1) to tell the lines git reads as
/// trailers from the lines it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpan {
    /// Start of the trailer block; equal to `end` when git finds none.
    pub start: usize,
    /// End of the log message proper: before a NUL, the scissors line and
    /// the trailing run of comment lines, blank lines and `Conflicts:`
    /// sections, none of which git reads.
    pub end: usize,
}

/// The span of git's trailer block in `message`, computed exactly as
/// [`parse`] finds it.
pub fn block_span(message: &str) -> BlockSpan {
    let (msg, completed) = c_string(message);
    let end = end_of_log_message(msg, completed);
    let start = trailer_block_start(msg.as_bytes(), end).min(end);
    BlockSpan { start, end }
}

/// The message as git sees it (everything after a NUL is gone) and whether
/// git would add a final LF.
fn c_string(message: &str) -> (&str, bool) {
    match message.find('\0') {
        Some(nul) => (&message[..nul], false),
        // `interpret-trailers` adds a final LF when the input lacks one.
        None => (message, !message.is_empty() && !message.ends_with('\n')),
    }
}

/// Parses the trailers of a commit message exactly as git does.
pub fn parse(message: &str) -> Vec<Trailer> {
    parse_with_span(message).0
}

/// [`parse`] and [`block_span`] in one pass over the message: what the
/// provenance reader needs for both views of a message.
pub fn parse_with_span(message: &str) -> (Vec<Trailer>, BlockSpan) {
    // git handles the message as a C string: everything after a NUL is gone.
    let (msg, completed) = c_string(message);
    let buf = msg.as_bytes();
    let end = end_of_log_message(msg, completed);
    let start = trailer_block_start(buf, end);
    let span = BlockSpan {
        start: start.min(end),
        end,
    };
    let mut out = Vec::new();
    if start >= end {
        return (out, span);
    }

    // Group the block's lines into entries: a line with a separator takes the
    // indented lines after it as continuations. Each entry is contiguous in
    // the message, so it is handled as one slice.
    let mut entry: Option<(usize, usize)> = None; // (start, separator offset)
    let mut pos = start;
    while pos < end {
        let eol = line_end(buf, pos, end);
        if entry.is_some() && is_space(buf[pos]) {
            pos = eol;
            continue;
        }
        if let Some((s, sep)) = entry.take() {
            out.push(make_trailer(msg, s, sep, pos));
        }
        let line = &buf[pos..eol];
        // A comment line never becomes a trailer and never takes
        // continuations: `#` fails find_separator's token rule.
        if let Some(sep) = find_separator(line) {
            entry = Some((pos, sep));
        }
        pos = eol;
    }
    if let Some((s, sep)) = entry {
        out.push(make_trailer(msg, s, sep, end));
    }
    (out, span)
}

/// Builds one trailer from the entry `msg[start..end]` whose separator sits
/// `sep` bytes into it.
fn make_trailer(msg: &str, start: usize, sep: usize, end: usize) -> Trailer {
    let key = trim(&msg[start..start + sep]);
    let value = unfold(trim(&msg[start + sep + 1..end]));
    Trailer {
        key: key.to_string(),
        value,
    }
}

/// Trims git whitespace from both ends.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

/// git's `unfold_value`: every LF and the whitespace after it become one
/// space. Other bytes, a CR before the LF included, stay as they are.
fn unfold(v: &str) -> String {
    let b = v.as_bytes();
    let Some(first_nl) = memchr(b'\n', b, 0) else {
        return v.to_string();
    };
    let mut out = String::with_capacity(v.len());
    let mut run = 0;
    let mut i = first_nl;
    loop {
        out.push_str(&v[run..i]);
        i += 1;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        out.push(' ');
        run = i;
        match memchr(b'\n', b, i) {
            Some(nl) => i = nl,
            None => break,
        }
    }
    out.push_str(&v[run..]);
    // `v` is trimmed, so the text after the last LF is not whitespace and
    // git's final trim has nothing left to remove.
    out
}

/// Position of `needle` in `hay[from..]`, as an offset into `hay`.
fn memchr(needle: u8, hay: &[u8], from: usize) -> Option<usize> {
    hay[from..]
        .iter()
        .position(|&b| b == needle)
        .map(|p| p + from)
}

/// Offset just past the LF ending the line at `pos`, or `limit`.
fn line_end(buf: &[u8], pos: usize, limit: usize) -> usize {
    memchr(b'\n', &buf[..limit], pos).map_or(limit, |nl| nl + 1)
}

/// Start of the line before the one starting at `len` (git's `last_line`):
/// the last byte before `len` is skipped since a final LF belongs to the line.
fn last_line(buf: &[u8], len: usize) -> Option<usize> {
    match len {
        0 => None,
        1 => Some(0),
        _ => Some(memchr::memrchr(b'\n', &buf[..len - 1]).map_or(0, |nl| nl + 1)),
    }
}

/// git's `find_separator` with the default separators (`:`): the offset of the
/// `:` when the line starts with a token of ASCII alphanumerics and `-`,
/// optionally followed by spaces or tabs. `None` when there is no such `:` or
/// it is the first byte.
pub(crate) fn find_separator(line: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
            return (i >= 1).then_some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            whitespace_found = true;
            continue;
        }
        return None;
    }
    None
}

/// git's `is_blank_line`: only whitespace up to the end of the line.
fn is_blank_line(line_from: &[u8]) -> bool {
    line_from
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_space(b))
}

/// End of the log message proper (git's `find_end_of_log_message` with
/// `--no-divider`): the scissors line and the run of comment lines, empty
/// lines and `Conflicts:` sections at the end are not part of it.
/// `completed` says git would see a LF after the last byte of `msg`.
fn end_of_log_message(msg: &str, completed: bool) -> usize {
    let buf = msg.as_bytes();
    // wt_status_locate_end: the first scissors line cuts the message.
    let cutoff = scissors_line(msg).unwrap_or(buf.len());

    // ignored_log_message_bytes. `boc` 0 doubles as "no run yet", as in git,
    // so a run starting at offset 0 restarts at its next comment line.
    let mut boc = 0;
    let mut in_conflicts = false;
    let mut bol = 0;
    while bol < cutoff {
        let next = line_end(buf, bol, cutoff);
        let rest = &buf[bol..];
        if buf[bol] == b'#' || buf[bol] == b'\n' {
            if boc == 0 {
                boc = bol;
            }
        } else if rest.starts_with(b"Conflicts:\n") || (completed && rest == b"Conflicts:") {
            in_conflicts = true;
            if boc == 0 {
                boc = bol;
            }
        } else if in_conflicts && buf[bol] == b'\t' {
            // A path listed in the old-style conflicts section.
        } else if boc != 0 {
            boc = 0;
            in_conflicts = false;
        }
        bol = next;
    }
    if boc != 0 { boc } else { cutoff }
}

/// Offset of the first line that is exactly the scissors line.
fn scissors_line(msg: &str) -> Option<usize> {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(SCISSORS));
    let buf = msg.as_bytes();
    FINDER.find_iter(buf).find(|&at| {
        let after = at + SCISSORS.len();
        (at == 0 || buf[at - 1] == b'\n') && matches!(buf.get(after), None | Some(b'\n'))
    })
}

/// Start of the trailer block in `buf[..len]`, or `len` when there is none
/// (git's `find_trailer_block_start`).
fn trailer_block_start(buf: &[u8], len: usize) -> usize {
    // The first paragraph (comment lines aside) is the title.
    let mut s = 0;
    while s < len {
        if buf[s] != b'#' && is_blank_line(&buf[s..]) {
            break;
        }
        s = line_end(buf, s, buf.len());
    }
    let end_of_title = s;

    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let mut trailer_lines = 0usize;
    let mut non_trailer_lines = 0usize;
    // Indented lines seen since the last trailer: continuations if a trailer
    // comes before them, non-trailers otherwise.
    let mut possible_continuation_lines = 0usize;

    let mut cursor = last_line(buf, len);
    while let Some(l) = cursor.filter(|&l| l >= end_of_title) {
        cursor = last_line(buf, l);
        let bol = &buf[l..];
        if bol.first() == Some(&b'#') {
            non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank_line(bol) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation_lines;
            let accepted = (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0);
            return if accepted {
                line_end(buf, l, buf.len())
            } else {
                len
            };
        }
        only_spaces = false;

        if GIT_GENERATED_PREFIXES.iter().any(|p| bol.starts_with(p)) {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            recognized_prefix = true;
            continue;
        }
        let first = bol[0];
        if !is_space(first) && find_separator(bol).is_some() {
            // With no `trailer.*` configuration no token is "recognized";
            // only the git-generated prefixes above set `recognized_prefix`.
            trailer_lines += 1;
            possible_continuation_lines = 0;
        } else if is_space(first) {
            possible_continuation_lines += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(msg: &str) -> Vec<(String, String)> {
        parse(msg).into_iter().map(|t| (t.key, t.value)).collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn title_paragraph_is_never_trailers() {
        // A one-paragraph message is all title, even when it looks like trailers.
        assert!(parse("Key: value\nOther: thing\n").is_empty());
        assert!(parse("Title\nSigned-off-by: A <a@b>\n").is_empty());
    }

    #[test]
    fn only_last_paragraph_counts() {
        // Trailers in a middle paragraph are prose to git.
        let msg = "T\n\nA: 1\n\nbody text\n\nB: 2\nC: 3\n";
        assert_eq!(kv(msg), pairs(&[("B", "2"), ("C", "3")]));
    }

    #[test]
    fn key_with_spaces_before_colon_is_trimmed() {
        // find_separator allows whitespace between token and `:`.
        assert_eq!(kv("T\n\nKey \t: v\n"), pairs(&[("Key", "v")]));
        // ...but not inside the token.
        assert!(parse("T\n\nKe y: v\n").is_empty());
    }

    #[test]
    fn continuation_keeps_cr_before_lf() {
        // git's unfold only removes the LF, so a CRLF continuation leaves
        // `\r` inside the value (git prints it too).
        assert_eq!(
            kv("T\r\n\r\nKey: a\r\n  cont\r\n"),
            pairs(&[("Key", "a\r cont")])
        );
    }

    #[test]
    fn empty_value_is_a_trailer() {
        assert_eq!(kv("T\n\nKey:\nA: b"), pairs(&[("Key", ""), ("A", "b")]));
    }

    #[test]
    fn signed_off_by_allows_25_percent() {
        // One git-generated line + one trailer against six prose lines.
        let msg = "T\n\nSigned-off-by: A <a@b>\np\np\np\np\np\np\nX: y\n";
        assert_eq!(kv(msg), pairs(&[("Signed-off-by", "A <a@b>"), ("X", "y")]));
        // Seven prose lines tip it under 25 %.
        let msg = "T\n\nSigned-off-by: A <a@b>\np\np\np\np\np\np\np\nX: y\n";
        assert!(parse(msg).is_empty());
    }

    #[test]
    fn cherry_pick_line_counts_but_is_not_printed() {
        // The cherry-pick note qualifies the block but has no separator.
        let msg = "T\n\nprose here\n(cherry picked from commit 0123456789012345678901234567890123456789)\nK: v\n";
        assert_eq!(kv(msg), pairs(&[("K", "v")]));
    }

    #[test]
    fn scissors_line_ends_message() {
        // Everything below `git commit -v`'s scissors is ignored.
        let msg = "T\n\nA: b\n# ------------------------ >8 ------------------------\nB: c\n";
        assert_eq!(kv(msg), pairs(&[("A", "b")]));
        // git 2.47 wants the exact line: a CR or a space after it keeps it
        // an ordinary comment line.
        let msg = "T\n\nA: b\n# ------------------------ >8 ------------------------\r\nB: c\n";
        assert_eq!(kv(msg), pairs(&[("A", "b"), ("B", "c")]));
        let msg = "T\n\nA: b\n# ------------------------ >8 ------------------------ \nB: c\n";
        assert_eq!(kv(msg), pairs(&[("A", "b"), ("B", "c")]));
    }

    #[test]
    fn dashes_are_not_a_divider_with_no_divider() {
        // With --no-divider `---` is an ordinary non-trailer line.
        assert!(parse("T\n\nA: b\n---\nC: d\n").is_empty());
    }

    #[test]
    fn comment_line_in_block_counts_pending_continuations() {
        // An indented line directly above a comment is a non-trailer.
        assert!(parse("T\n\nKey: v\n# c\n  cont\n").is_empty());
        // A plain comment between trailers is skipped.
        assert_eq!(
            kv("T\n\nA: 1\n# c\nB: 2\n"),
            pairs(&[("A", "1"), ("B", "2")])
        );
    }

    #[test]
    fn trailing_conflicts_section_is_ignored() {
        // Old `git merge` messages end with `Conflicts:` and tab-indented paths.
        assert_eq!(kv("T\n\nA: b\nConflicts:\n\tfoo\n"), pairs(&[("A", "b")]));
        // git completes the last line before looking, so a final
        // `Conflicts:` without LF is a conflicts section too...
        assert_eq!(kv("T\n\nA: b\nConflicts:"), pairs(&[("A", "b")]));
        // ...but not when a NUL hides the added LF, nor with CRLF.
        assert_eq!(
            kv("T\n\nA: b\nConflicts:\0"),
            pairs(&[("A", "b"), ("Conflicts", "")])
        );
        assert_eq!(
            kv("T\n\nA: b\nConflicts:\r\n"),
            pairs(&[("A", "b"), ("Conflicts", "")])
        );
    }

    #[test]
    fn nul_truncates_message() {
        // git reads the message as a C string.
        assert_eq!(kv("T\n\nA: b\0\nB: c\n"), pairs(&[("A", "b")]));
    }

    #[test]
    fn form_feed_is_not_blank() {
        // git's isspace excludes \f, so a form-feed line is prose.
        assert!(parse("T\n\nA: b\n\x0c\nB: c\n").is_empty());
    }

    #[test]
    fn leading_blank_line_makes_empty_title() {
        assert_eq!(kv("\nA: b"), pairs(&[("A", "b")]));
    }

    #[test]
    fn unfold_collapses_blank_continuations() {
        assert_eq!(unfold("a   \n\n   b\n\tc"), "a    b c");
        assert_eq!(unfold("no newline"), "no newline");
    }

    #[test]
    fn non_ascii_value_and_empty_input() {
        assert_eq!(kv("T\n\nK: é 中文 🎉"), pairs(&[("K", "é 中文 🎉")]));
        assert!(parse("").is_empty());
        assert!(parse("\n").is_empty());
        assert!(parse("#").is_empty());
    }
}
