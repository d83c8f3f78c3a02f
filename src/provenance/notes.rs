//! git-ai notes (`refs/notes/ai`, DESIGN §1.4): line-level attribution
//! inside one commit, schema `authorship/3.0.0` and older key forms.
//!
//! A note is an attestation section, a line `---`, then JSON metadata:
//!
//! ```text
//! src/pay.rs
//!   s_0123456789abcd::t_fedcba98765432 1-4,9-10,12
//!   h_00112233445566 5-8
//! "docs/read me.md"
//!   a1b2c3d4e5f60718 3
//! ---
//! {"schema_version":"authorship/3.0.0","sessions":{…},"humans":{…},"prompts":{…}}
//! ```
//!
//! A path stands at column 0, double-quoted when it contains whitespace
//! (with C-style escapes: `\"`, `\\`, `\t`, `\n`, `\r`, octal `\NNN`). Under
//! it, lines indented two spaces give `KEY RANGES`: RANGES is a comma list of
//! 1-based lines and `a-b` spans, which may overlap or repeat.
//!
//! **When two entries list the same line, the later entry wins**, as in
//! git-ai's own lookup (it reads a file's entries last to first): the later
//! entry records the later edit. A path listed twice is one file whose
//! entries continue in order. Lines not listed are untracked, not human.
//!
//! The metadata can be hundreds of kB (old notes keep whole transcripts), so
//! it is kept raw and parsed at most once, the first time [`Note::agent`]
//! needs it; bad or missing metadata makes `agent` return `None` and never
//! fails the note.
use std::collections::HashMap;
use std::sync::OnceLock;

/// Who a range of lines is attested to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttestKey {
    /// `s_<14 hex>::t_<14 hex>`: an AI session and trace, each kept with its
    /// prefix (`s_…`, `t_…`) as the metadata keys them.
    Session { session: String, trace: String },
    /// `h_<14 hex>`: a known human (with its prefix).
    Human(String),
    /// A bare 16- or 7-hex legacy prompt key (AI).
    Legacy(String),
}

impl AttestKey {
    /// True for AI keys (sessions and legacy prompt keys).
    pub fn is_ai(&self) -> bool {
        !matches!(self, AttestKey::Human(_))
    }

    /// Parses a key as written in a note.
    fn parse(s: &str) -> Option<AttestKey> {
        if let Some((sess, trace)) = s.split_once("::") {
            let ok = |p: &str, prefix: &str| {
                p.strip_prefix(prefix)
                    .is_some_and(|h| h.len() == 14 && is_hex(h))
            };
            return (ok(sess, "s_") && ok(trace, "t_")).then(|| AttestKey::Session {
                session: sess.to_string(),
                trace: trace.to_string(),
            });
        }
        if let Some(h) = s.strip_prefix("h_") {
            return (h.len() == 14 && is_hex(h)).then(|| AttestKey::Human(s.to_string()));
        }
        ((s.len() == 16 || s.len() == 7) && is_hex(s)).then(|| AttestKey::Legacy(s.to_string()))
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Tool and model of an AI session, from the note's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentId {
    pub tool: Option<String>,
    pub model: Option<String>,
}

/// One file's attestation after applying entries in order: disjoint spans
/// sorted by start, each owned by the key that listed it last.
#[derive(Debug)]
struct FileLines {
    path: String,
    /// `(first, last, index into Note::keys)`, inclusive, disjoint, sorted.
    spans: Vec<(u32, u32, usize)>,
}

/// The metadata fields `agent` reads; everything else (transcripts) is
/// skipped by the deserializer without being stored.
#[derive(Debug, Default, serde::Deserialize)]
struct Meta {
    #[serde(default)]
    sessions: HashMap<String, MetaEntry>,
    #[serde(default)]
    prompts: HashMap<String, MetaEntry>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct MetaEntry {
    #[serde(default)]
    agent_id: Option<serde_json::Value>,
}

impl MetaEntry {
    fn agent(&self) -> Option<AgentId> {
        let a = self.agent_id.as_ref()?;
        let field = |k: &str| {
            a.get(k)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let id = AgentId {
            tool: field("tool"),
            model: field("model"),
        };
        (id.tool.is_some() || id.model.is_some()).then_some(id)
    }
}

/// A parsed git-ai note.
#[derive(Debug, Default)]
pub struct Note {
    files: Vec<FileLines>,
    keys: Vec<AttestKey>,
    /// The JSON after `---`, unparsed until `agent` needs it.
    raw_meta: Option<String>,
    meta: OnceLock<Option<Meta>>,
}

/// A note that could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("git-ai note: {message} (line {line})")]
#[diagnostic(
    code(aeef::provenance::bad_note),
    help(
        "the note on refs/notes/ai is not in git-ai's authorship format; inspect it with `git notes --ref=ai show <commit>`"
    )
)]
pub struct NoteError {
    pub message: String,
    /// 1-based line of the note text.
    pub line: usize,
}

fn err(line: usize, message: impl Into<String>) -> NoteError {
    NoteError {
        message: message.into(),
        line,
    }
}

impl Note {
    /// Parses the attestation section; metadata is kept raw until needed.
    pub fn parse(text: &str) -> Result<Note, NoteError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A note without attestations may be metadata alone.
        let meta_only = text.trim_start().starts_with('{');
        let mut note = Note::default();
        // Entries per file in order, as (key index, ranges), before painting.
        let mut pending: Vec<(String, Vec<Entry>)> = Vec::new();
        let mut current: Option<usize> = None;
        let mut divider: Option<usize> = None;
        let lines = text.split('\n').enumerate().take_while(|_| !meta_only);
        for (i, raw) in lines {
            let n = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line == "---" {
                divider = Some(i);
                break;
            }
            if line.trim().is_empty() {
                continue;
            }
            if let Some(entry) = line
                .strip_prefix("  ")
                .filter(|e| !e.starts_with(char::is_whitespace))
            {
                let Some(file) = current else {
                    return Err(err(n, "an attestation entry comes before any file path"));
                };
                let (key, ranges) = entry
                    .trim()
                    .split_once(' ')
                    .ok_or_else(|| err(n, format!("`{}` is not `KEY RANGES`", entry.trim())))?;
                let key = AttestKey::parse(key).ok_or_else(|| {
                    err(
                        n,
                        format!(
                            "`{key}` is not an attestation key (s_<14 hex>::t_<14 hex>, h_<14 hex>, or 16/7 hex)"
                        ),
                    )
                })?;
                let ranges = parse_ranges(ranges.trim()).map_err(|m| err(n, m))?;
                let k = match note.keys.iter().position(|x| *x == key) {
                    Some(k) => k,
                    None => {
                        note.keys.push(key);
                        note.keys.len() - 1
                    }
                };
                pending[file].1.push((k, ranges));
            } else if line.starts_with(char::is_whitespace) {
                return Err(err(
                    n,
                    "attestation entries are indented exactly two spaces; paths start at column 0",
                ));
            } else {
                let path = parse_path(line).map_err(|m| err(n, m))?;
                current = Some(match pending.iter().position(|(p, _)| *p == path) {
                    Some(f) => f,
                    None => {
                        pending.push((path, Vec::new()));
                        pending.len() - 1
                    }
                });
            }
        }
        note.files = pending
            .into_iter()
            .map(|(path, entries)| FileLines {
                path,
                spans: paint(&entries),
            })
            .collect();
        let meta_text = if meta_only {
            Some(text)
        } else {
            divider.map(|d| {
                // Byte offset of the line after the divider.
                let mut off = 0;
                for (i, l) in text.split('\n').enumerate() {
                    off += l.len() + 1;
                    if i == d {
                        break;
                    }
                }
                text.get(off.min(text.len())..).unwrap_or("")
            })
        };
        note.raw_meta = meta_text
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(note)
    }

    /// Paths the note attests, in order of appearance.
    pub fn paths(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.path.as_str()).collect()
    }

    fn file(&self, path: &str) -> Option<&FileLines> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Merged, sorted 1-based inclusive line ranges attested to AI in `path`.
    pub fn ai_ranges(&self, path: &str) -> Vec<(u32, u32)> {
        let Some(f) = self.file(path) else {
            return Vec::new();
        };
        let mut out: Vec<(u32, u32)> = Vec::new();
        for &(a, b, k) in &f.spans {
            if !self.keys[k].is_ai() {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1.checked_add(1) == Some(a) => last.1 = b,
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// The key that owns `line` of `path`, if the note lists it (the later
    /// entry when several list it).
    pub fn owner(&self, path: &str, line: u32) -> Option<&AttestKey> {
        let f = self.file(path)?;
        let i = f.spans.partition_point(|&(_, b, _)| b < line);
        let &(a, _, k) = f.spans.get(i)?;
        (a <= line).then(|| &self.keys[k])
    }

    /// Tool and model of an AI key, parsing the metadata once on first use:
    /// `sessions.<s_…>.agent_id` for sessions, `prompts.<key>.agent_id` for
    /// legacy keys. `None` for humans and when the metadata is missing, bad
    /// or silent about the key.
    pub fn agent(&self, key: &AttestKey) -> Option<AgentId> {
        let meta = self
            .meta
            .get_or_init(|| {
                self.raw_meta
                    .as_deref()
                    .and_then(|m| serde_json::from_str::<Meta>(m).ok())
            })
            .as_ref()?;
        match key {
            AttestKey::Session { session, .. } => meta.sessions.get(session)?.agent(),
            AttestKey::Legacy(k) => meta.prompts.get(k)?.agent(),
            AttestKey::Human(_) => None,
        }
    }

    /// True once the metadata has been parsed (for tests of laziness).
    #[cfg(test)]
    fn meta_parsed(&self) -> bool {
        self.meta.get().is_some()
    }
}

/// One `KEY RANGES` line: the key's index in `Note::keys` and its spans.
type Entry = (usize, Vec<(u32, u32)>);

/// Parses `1-4,9-10,12` into inclusive spans (not merged).
fn parse_ranges(s: &str) -> Result<Vec<(u32, u32)>, String> {
    if s.is_empty() {
        return Err("an attestation entry has no line ranges".into());
    }
    let num = |t: &str| -> Result<u32, String> {
        let t = t.trim();
        match t.parse::<u32>() {
            Ok(0) => Err("line numbers start at 1, found 0".into()),
            Ok(v) => Ok(v),
            Err(_) => Err(format!("`{t}` is not a line number")),
        }
    };
    s.split(',')
        .map(|part| {
            let part = part.trim();
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (num(a)?, num(b)?);
                    if a > b {
                        Err(format!("span `{part}` runs backwards"))
                    } else {
                        Ok((a, b))
                    }
                }
                None => num(part).map(|v| (v, v)),
            }
        })
        .collect()
}

/// A path line: bare, or double-quoted with C-style escapes.
fn parse_path(line: &str) -> Result<String, String> {
    let Some(body) = line.strip_prefix('"') else {
        return Ok(line.to_string());
    };
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                if !body[i + 1..].trim().is_empty() {
                    return Err("text after the closing quote of a path".into());
                }
                return String::from_utf8(out).map_err(|_| "a quoted path is not UTF-8".into());
            }
            b'\\' => {
                let Some(&c) = bytes.get(i + 1) else {
                    break;
                };
                i += 2;
                match c {
                    b'"' | b'\\' => out.push(c),
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'v' => out.push(0x0b),
                    b'0'..=b'7' => {
                        let digits = bytes
                            .get(i - 1..i + 2)
                            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
                        let Some(d) = digits else {
                            return Err("an octal escape in a path needs three digits".into());
                        };
                        let v = d.iter().fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
                        let v = u8::try_from(v)
                            .map_err(|_| "an octal escape in a path is out of range".to_string())?;
                        out.push(v);
                        i += 2;
                    }
                    other => {
                        return Err(format!(
                            "unknown escape `\\{}` in a quoted path",
                            char::from(other)
                        ));
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Err("a quoted path has no closing quote".into())
}

/// Applies entries in order, each painting over what earlier entries said,
/// and returns disjoint spans sorted by start.
fn paint(entries: &[Entry]) -> Vec<(u32, u32, usize)> {
    let mut spans: Vec<(u32, u32, usize)> = Vec::new();
    for (k, ranges) in entries {
        for &(a, b) in ranges {
            let mut next = Vec::with_capacity(spans.len() + 2);
            for &(x, y, o) in &spans {
                if y < a || x > b {
                    next.push((x, y, o));
                    continue;
                }
                if x < a {
                    next.push((x, a - 1, o));
                }
                if y > b {
                    next.push((b + 1, y, o));
                }
            }
            next.push((a, b, *k));
            next.sort_unstable_by_key(|s| s.0);
            spans = next;
        }
    }
    // Join touching spans of the same key so owners and ranges stay compact.
    let mut out: Vec<(u32, u32, usize)> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(l) if l.2 == s.2 && l.1.checked_add(1) == Some(s.0) => l.1 = s.1,
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &str = "s_0123456789abcd::t_fedcba98765432";
    const H1: &str = "h_00112233445566";

    fn note(body: &str) -> Note {
        Note::parse(body).expect("note parses")
    }

    #[test]
    fn ranges_merge_overlaps_and_repeats() {
        let n = note(&format!("a.rs\n  {S1} 9-10,1-4,12,3-6,12,11\n---\n{{}}"));
        assert_eq!(n.ai_ranges("a.rs"), vec![(1, 6), (9, 12)]);
        assert_eq!(n.ai_ranges("missing.rs"), vec![]);
    }

    #[test]
    fn later_entry_wins_for_a_line_listed_twice() {
        // Line 3 is AI first, then the human entry claims 2-3.
        let n = note(&format!("a.rs\n  {S1} 1-4\n  {H1} 2-3\n---\n{{}}"));
        assert_eq!(n.ai_ranges("a.rs"), vec![(1, 1), (4, 4)]);
        assert_eq!(n.owner("a.rs", 3), Some(&AttestKey::Human(H1.into())));
        assert!(n.owner("a.rs", 4).is_some_and(AttestKey::is_ai));
        // The other order: the session wins.
        let n = note(&format!("a.rs\n  {H1} 2-3\n  {S1} 1-4\n---\n{{}}"));
        assert_eq!(n.ai_ranges("a.rs"), vec![(1, 4)]);
        assert_eq!(n.owner("a.rs", 5), None);
    }

    #[test]
    fn quoted_paths_with_escapes() {
        let n = note(&format!(
            "\"docs/read me.md\"\n  {S1} 1\n\"a \\\"q\\\" \\\\ \\303\\251.txt\"\n  {S1} 2\n---\n"
        ));
        assert_eq!(n.paths(), vec!["docs/read me.md", "a \"q\" \\ é.txt"]);
        assert_eq!(n.ai_ranges("a \"q\" \\ é.txt"), vec![(2, 2)]);
    }

    #[test]
    fn malformed_lines_report_their_line_number() {
        for (body, line) in [
            (format!("  {S1} 1\n---\n"), 1),
            (format!("a.rs\n  {S1} 0\n---\n"), 2),
            (format!("a.rs\n  {S1} 5-2\n---\n"), 2),
            (format!("a.rs\n  {S1}\n---\n"), 2),
            ("a.rs\n  zz 1\n---\n".to_string(), 2),
            (format!("a.rs\n\n   {S1} 1\n---\n"), 3),
            (format!("a.rs\n  {S1} 1,x\n---\n"), 2),
            (format!("\"a.rs\n  {S1} 1\n---\n"), 1),
            (format!("a.rs\n  {S1} 99999999999\n---\n"), 2),
        ] {
            let e = Note::parse(&body).expect_err(&body);
            assert_eq!(e.line, line, "{body:?}: {}", e.message);
        }
    }

    #[test]
    fn metadata_is_parsed_lazily_once_and_bad_metadata_is_harmless() {
        let n = note(&format!(
            "a.rs\n  {S1} 1\n---\n{{\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}"
        ));
        assert!(!n.meta_parsed());
        assert_eq!(n.ai_ranges("a.rs"), vec![(1, 1)]);
        assert!(!n.meta_parsed());
        let key = n.owner("a.rs", 1).cloned().expect("owner");
        let a = n.agent(&key).expect("agent");
        assert_eq!(a.tool.as_deref(), Some("claude"));
        assert!(n.meta_parsed());
        let bad = note(&format!("a.rs\n  {S1} 1\n---\n{{not json"));
        assert_eq!(bad.ai_ranges("a.rs"), vec![(1, 1)]);
        assert_eq!(bad.agent(&key), None);
        let none = note(&format!("a.rs\n  {S1} 1\n"));
        assert_eq!(none.agent(&key), None);
    }

    #[test]
    fn metadata_only_note_has_no_paths() {
        let n = note(
            "{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"x\",\"prompts\":{}}",
        );
        assert!(n.paths().is_empty());
    }

    #[test]
    fn crlf_notes_parse() {
        let n = note(&format!("a.rs\r\n  {S1} 1-2\r\n---\r\n{{}}\r\n"));
        assert_eq!(n.ai_ranges("a.rs"), vec![(1, 2)]);
    }
}
