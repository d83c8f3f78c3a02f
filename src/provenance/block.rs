//! The AEEF `AI-Attribution:` block (DESIGN §1.2).
//!
//! ```text
//! AI-Attribution:
//!   tool: claude-code
//!   model-version: claude-opus-4-6
//!   human-modifications: minor
//! ```
//!
//! The block may stand in any paragraph, so git's trailer parser does not see
//! it and this module reads it line by line. Rules:
//! - the header is a line that is `AI-Attribution:` (key case-insensitive) with
//!   nothing after the colon but whitespace;
//! - each following line indented with spaces or tabs is a `key: value` field;
//!   keys are case-insensitive, unknown keys and lines without `:` are skipped;
//! - the block ends at the first line that is not indented, or is blank;
//! - a field written twice keeps the later value (as trailers do), an empty
//!   value counts as absent;
//! - a header with no known field is not a block, and the search goes on.
//!
//! **The folded form git writes.** When git rewrites the trailers of a
//! message whose last paragraph is the block (`git commit --trailer …`,
//! `git interpret-trailers`, `-s`), it reads the indented lines as
//! continuation lines of an `AI-Attribution` trailer and writes the block
//! back as
//!
//! ```text
//! AI-Attribution: tool: claude-code
//!   model-version: claude-opus-4-6
//! generation-date: 2026-01-05T10:00:00Z
//! ```
//!
//! with the first field joined onto the header and new trailers appended at
//! column 0. That form is read as the same block: a header line
//! `AI-Attribution: KEY: VALUE` whose KEY is a block key starts it, the
//! indented lines follow as above, and then, up to the end of the paragraph,
//! column-0 `key: value` lines whose key is a block key (other trailers such
//! as `AI-Tool:` are left to the trailer parser) are fields of the block.
//!
//! CRLF line endings are accepted.

const HEADER: &str = "ai-attribution";

/// The block's field keys (lower case), the ones [`AttributionBlock::set`] stores.
const KEYS: [&str; 7] = [
    "tool",
    "model-version",
    "prompt-ref",
    "session-id",
    "generation-date",
    "human-modifications",
    "reviewer",
];

/// The fields of an `AI-Attribution:` block, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributionBlock {
    /// `tool:` — the AI tool, e.g. `claude-code`.
    pub tool: Option<String>,
    /// `model-version:` — the model, e.g. `claude-opus-4-6`.
    pub model_version: Option<String>,
    /// `prompt-ref:` — where the prompt is kept.
    pub prompt_ref: Option<String>,
    /// `session-id:` — the agent session.
    pub session_id: Option<String>,
    /// `generation-date:` — when the code was generated, as written.
    pub generation_date: Option<String>,
    /// `human-modifications:` — `none|minor|moderate|substantial`, as written
    /// (the merge validates the level).
    pub human_modifications: Option<String>,
    /// `reviewer:` — who reviewed the AI output.
    pub reviewer: Option<String>,
    /// 1-based line of the `AI-Attribution:` header in the message.
    pub line: usize,
}

impl AttributionBlock {
    /// True when at least one known field has a value.
    fn has_fields(&self) -> bool {
        [
            &self.tool,
            &self.model_version,
            &self.prompt_ref,
            &self.session_id,
            &self.generation_date,
            &self.human_modifications,
            &self.reviewer,
        ]
        .iter()
        .any(|f| f.is_some())
    }

    /// True when `key` (any case) is a field of the block.
    fn is_key(key: &str) -> bool {
        KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Stores one field; unknown keys are ignored.
    fn set(&mut self, key: &str, value: &str) {
        let slot = match key.to_ascii_lowercase().as_str() {
            "tool" => &mut self.tool,
            "model-version" => &mut self.model_version,
            "prompt-ref" => &mut self.prompt_ref,
            "session-id" => &mut self.session_id,
            "generation-date" => &mut self.generation_date,
            "human-modifications" => &mut self.human_modifications,
            "reviewer" => &mut self.reviewer,
            _ => return,
        };
        *slot = (!value.is_empty()).then(|| value.to_string());
    }
}

/// Whether some line of `message` starts with [`HEADER`] (any case): what
/// [`is_header`] and [`folded_header`] both need.
fn has_header_line(message: &str) -> bool {
    let h = message.as_bytes();
    let starts_header = |at: usize| {
        h.get(at..at + HEADER.len())
            .is_some_and(|k| k.eq_ignore_ascii_case(HEADER.as_bytes()))
    };
    starts_header(0) || memchr::memchr_iter(b'\n', h).any(|nl| starts_header(nl + 1))
}

/// True for the header line: `AI-Attribution:` and only whitespace after it.
fn is_header(line: &str) -> bool {
    line.get(..HEADER.len())
        .is_some_and(|k| k.eq_ignore_ascii_case(HEADER))
        && line[HEADER.len()..]
            .strip_prefix(':')
            .is_some_and(|rest| rest.trim().is_empty())
}

/// The first field of git's folded header `AI-Attribution: KEY: VALUE`
/// (see the module docs), when KEY is a block key.
fn folded_header(line: &str) -> Option<(&str, &str)> {
    let rest = line
        .get(..HEADER.len())
        .filter(|k| k.eq_ignore_ascii_case(HEADER))
        .and_then(|_| line[HEADER.len()..].strip_prefix(':'))?;
    let (key, value) = rest.split_once(':')?;
    let key = key.trim();
    (rest.starts_with([' ', '\t']) && AttributionBlock::is_key(key)).then(|| (key, value.trim()))
}

/// Finds the first `AI-Attribution:` block in any paragraph of `message`,
/// outside fenced code (```` ``` ```` / `~~~`): a message that documents the
/// block format in a fence is not itself attributed (the same rule as the
/// provenance lines of DESIGN §1.1).
pub fn parse(message: &str) -> Option<AttributionBlock> {
    // Both header forms start a line with `AI-Attribution` (any case): a
    // message without such a line (nearly every one) has no block, and
    // is not read line by line.
    if !has_header_line(message) {
        return None;
    }
    // `lines()` drops the CR of a CRLF ending, so CRLF needs nothing else.
    let mut lines = message.lines().enumerate().peekable();
    let mut fence: Option<&str> = None;
    while let Some((idx, line)) = lines.next() {
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                continue;
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            _ => {}
        }
        let folded = folded_header(line);
        if folded.is_none() && !is_header(line) {
            continue;
        }
        let mut block = AttributionBlock {
            line: idx + 1,
            ..AttributionBlock::default()
        };
        if let Some((key, value)) = folded {
            block.set(key, value);
        }
        while let Some((_, field)) =
            lines.next_if(|(_, l)| l.starts_with([' ', '\t']) && !l.trim().is_empty())
        {
            if let Some((key, value)) = field.split_once(':') {
                block.set(key.trim(), value.trim());
            }
        }
        if folded.is_some() {
            // git appended trailers after the folded block: the block keys
            // among them belong to it, to the end of the paragraph.
            while let Some((_, field)) = lines.next_if(|(_, l)| !l.trim().is_empty()) {
                if let Some((key, value)) = field.split_once(':')
                    && !field.starts_with([' ', '\t'])
                    && AttributionBlock::is_key(key.trim())
                {
                    block.set(key.trim(), value.trim());
                }
            }
        }
        if block.has_fields() {
            return Some(block);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message documenting the block inside a code fence is not
    /// attributed (found by a fresh user on a docs commit).
    #[test]
    fn a_block_inside_a_fence_is_not_read() {
        let msg =
            "Document the attribution block\n\n```\nAI-Attribution:\n  tool: claude-code\n```\n";
        assert!(parse(msg).is_none());
        let after = format!("{msg}\nAI-Attribution:\n  tool: aider\n");
        assert_eq!(parse(&after).unwrap().tool.as_deref(), Some("aider"));
    }

    #[test]
    fn reads_every_field_in_a_middle_paragraph() {
        let msg = "Add retry\n\nSome prose.\n\nAI-Attribution:\n  tool: claude-code\n  model-version: claude-opus-4-6\n  prompt-ref: prompts/retry.md\n  session-id: s_01\n  generation-date: 2026-01-05T10:00:00Z\n  human-modifications: minor\n  reviewer: Alice <a@example.com>\n\nMore prose.\n\nSigned-off-by: A <a@b>\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.line, 5);
        assert_eq!(b.tool.as_deref(), Some("claude-code"));
        assert_eq!(b.model_version.as_deref(), Some("claude-opus-4-6"));
        assert_eq!(b.prompt_ref.as_deref(), Some("prompts/retry.md"));
        assert_eq!(b.session_id.as_deref(), Some("s_01"));
        // Only the first colon splits: the time keeps its own colons.
        assert_eq!(b.generation_date.as_deref(), Some("2026-01-05T10:00:00Z"));
        assert_eq!(b.human_modifications.as_deref(), Some("minor"));
        assert_eq!(b.reviewer.as_deref(), Some("Alice <a@example.com>"));
    }

    #[test]
    fn keys_are_case_insensitive_and_unknown_keys_ignored() {
        let msg = "T\n\nai-ATTRIBUTION:  \t\n  TOOL: aider\n  colour: blue\n  no colon here\n\tModel-Version : gpt-4o\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.line, 3);
        assert_eq!(b.tool.as_deref(), Some("aider"));
        assert_eq!(b.model_version.as_deref(), Some("gpt-4o"));
        assert_eq!(b.reviewer, None);
    }

    #[test]
    fn block_ends_at_first_unindented_line() {
        // `reviewer:` at column 0 is a trailer-like line, not part of the block.
        let msg = "T\n\nAI-Attribution:\n  tool: cursor\nreviewer: Bob\n  prompt-ref: late\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.tool.as_deref(), Some("cursor"));
        assert_eq!(b.reviewer, None);
        assert_eq!(b.prompt_ref, None);
    }

    #[test]
    fn blank_line_with_spaces_ends_the_block() {
        // Whitespace-only lines look blank to a reader, so they close the block.
        let msg = "T\n\nAI-Attribution:\n  tool: codex\n   \n  reviewer: Bob\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.reviewer, None);
    }

    #[test]
    fn crlf_message() {
        let msg = "T\r\n\r\nAI-Attribution:\r\n  tool: jules\r\n  human-modifications: none\r\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.line, 3);
        assert_eq!(b.tool.as_deref(), Some("jules"));
        assert_eq!(b.human_modifications.as_deref(), Some("none"));
    }

    #[test]
    fn header_with_text_after_colon_is_not_a_header() {
        // `AI-Attribution: yes` is an ordinary trailer, not the block form.
        assert_eq!(parse("T\n\nAI-Attribution: yes\n  tool: x\n"), None);
        assert_eq!(parse("T\n\n  AI-Attribution:\n  tool: x\n"), None);
        assert_eq!(parse("T\n\nAI-Attributions:\n  tool: x\n"), None);
    }

    #[test]
    fn empty_header_is_skipped_for_a_later_block() {
        // A header without fields says nothing; the next block counts.
        let msg = "AI-Attribution:\n\nAI-Attribution:\n  tool:\n\nAI-Attribution:\n  tool: amp\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.line, 6);
        assert_eq!(b.tool.as_deref(), Some("amp"));
    }

    #[test]
    fn repeated_field_keeps_last_and_non_ascii_survives() {
        let msg = "T\n\nAI-Attribution:\n  reviewer: Zoë\n  reviewer: 李雷 🎉\n";
        let b = parse(msg).expect("block");
        assert_eq!(b.reviewer.as_deref(), Some("李雷 🎉"));
    }

    /// Guards issue 13 item 2: `git commit --trailer "generation-date: …"`
    /// on a message ending with the block makes git fold it; the folded
    /// block must still be the block, or the gate sees no AI commit at all.
    /// The oracle is real `git interpret-trailers` output.
    #[test]
    fn the_block_git_folds_when_it_adds_trailers_is_still_read() {
        let msg = "Add x\n\nAI-Attribution:\n  tool: claude-code\n  model-version: claude-opus-4-6\n  human-modifications: minor\n";
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("git")
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args([
                "interpret-trailers",
                "--trailer",
                "AI-Tool: claude-code",
                "--trailer",
                "generation-date: 2026-01-05T10:00:00Z",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(msg.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        let folded = String::from_utf8(out.stdout).unwrap();
        // The shape git writes (if git stops folding, this test says so).
        assert!(
            folded.contains("AI-Attribution: tool: claude-code\n  model-version:"),
            "{folded}"
        );
        let b = parse(&folded).expect("the folded block");
        assert_eq!(b.line, 3);
        assert_eq!(b.tool.as_deref(), Some("claude-code"));
        assert_eq!(b.model_version.as_deref(), Some("claude-opus-4-6"));
        assert_eq!(b.human_modifications.as_deref(), Some("minor"));
        assert_eq!(b.generation_date.as_deref(), Some("2026-01-05T10:00:00Z"));
        // What was parsed unfolded is parsed the same folded.
        let unfolded = parse(msg).unwrap();
        assert_eq!(
            AttributionBlock {
                generation_date: None,
                ..b
            },
            unfolded
        );
        // `AI-Attribution: yes` is still an ordinary trailer; a paragraph
        // break ends the folded block.
        assert_eq!(parse("T\n\nAI-Attribution: yes: no\n"), None);
        let b = parse("T\n\nAI-Attribution: tool: x\n\nreviewer: Bob\n").unwrap();
        assert_eq!(b.reviewer, None);
    }

    #[test]
    fn no_block_and_odd_inputs_do_not_panic() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("AI-Attribution"), None);
        assert_eq!(parse("AI-Attributio"), None);
        assert_eq!(parse("é"), None);
        assert_eq!(parse("AI-Attribution:"), None);
        // A multi-byte char where the colon would be must not split a char.
        assert_eq!(parse("AI-Attributioné:\n  tool: x"), None);
    }
}
