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
//! KEY is routed by its prefix, as git-ai's specification says (Git AI
//! Standard v3.0.0 §1.2.3.1): `s_…::t_…` → `sessions.<s_…>`, `h_…` →
//! `humans` (a known human), anything else → `prompts.<key>` (16-hex,
//! 7-hex and UUID ids all occur in real notes). Early versions also wrote
//! the bare keys `human` (a human) and `ai_agent` (AI, tool unknown). An AI
//! key that resolves nowhere in the metadata still counts as AI, tool
//! unknown ([`Resolution::Nowhere`]).
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

/// Who a range of lines is attested to, routed by the key's prefix as
/// git-ai's specification says (Git AI Standard v3.0.0 §1.2.3.1, and
/// `docs/migrations/sessions-v2-note-format.md`: "the prefixes and
/// separators are part of the stable, public API", the lengths are not).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttestKey {
    /// `s_…::t_…`: an AI session (looked up in `metadata.sessions` by the
    /// part before `::`) and its trace, each kept with its prefix. A bare
    /// `s_…` without a trace is read the same way with an empty trace.
    Session { session: String, trace: String },
    /// `h_…` (optionally `::t_…`): a known human, `metadata.humans`; the id
    /// is the part before `::`.
    Human(String),
    /// Any other key: an AI prompt, looked up in `metadata.prompts`. Real
    /// notes carry 16-hex ids (v1.x), 7-hex ids (before v1.0) and UUIDs.
    Legacy(String),
    /// The bare key `human` of early versions: a human.
    BareHuman,
    /// The bare key `ai_agent` of early versions: AI, tool unknown.
    AiAgent,
}

impl AttestKey {
    /// True for AI keys (everything except `h_…` and `human`).
    pub fn is_ai(&self) -> bool {
        !matches!(self, AttestKey::Human(_) | AttestKey::BareHuman)
    }

    /// The key as the evidence names it (`s_…`, `h_…`, the prompt id,
    /// `human`, `ai_agent`).
    pub fn id(&self) -> &str {
        match self {
            AttestKey::Session { session, .. } => session,
            AttestKey::Human(h) | AttestKey::Legacy(h) => h,
            AttestKey::BareHuman => "human",
            AttestKey::AiAgent => "ai_agent",
        }
    }

    /// Routes a key as written in a note; `None` only for an empty key.
    fn parse(s: &str) -> Option<AttestKey> {
        if s.is_empty() {
            return None;
        }
        if s.starts_with("s_") {
            let (session, trace) = s.split_once("::").unwrap_or((s, ""));
            return Some(AttestKey::Session {
                session: session.to_string(),
                trace: trace.to_string(),
            });
        }
        if s.starts_with("h_") {
            let id = s.split_once("::").map_or(s, |(h, _)| h);
            return Some(AttestKey::Human(id.to_string()));
        }
        Some(match s {
            "human" => AttestKey::BareHuman,
            "ai_agent" => AttestKey::AiAgent,
            _ => AttestKey::Legacy(s.to_string()),
        })
    }
}

/// What a note's metadata says about an AI key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The key has an entry with an `agent_id` (tool and/or model).
    Agent(AgentId),
    /// The key has an entry but its `agent_id` names neither tool nor model.
    Silent,
    /// `ai_agent`: AI by definition, no entry to look up.
    Anonymous,
    /// No entry for the key (or no readable metadata): AI, tool unknown.
    Nowhere,
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
    /// Lines of the attestation section that were skipped, as errors
    /// naming their 1-based line (see [`Note::problems`]).
    problems: Vec<NoteError>,
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
    ///
    /// Tolerant, because one bad line must not cost the commit its other
    /// lines nor its other sources: an entry or path line that cannot be
    /// read is skipped and recorded in [`Note::problems`] (an entry under a
    /// skipped path is skipped with it). Fails only when nothing of the text
    /// is a git-ai note: no `---` divider, no metadata object and no
    /// readable attestation entry.
    pub fn parse(text: &str) -> Result<Note, NoteError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // A note without attestations may be metadata alone.
        let meta_only = text.trim_start().starts_with('{');
        let mut note = Note::default();
        // Entries per file in order, as (key index, ranges), before painting.
        let mut pending: Vec<(String, Vec<Entry>)> = Vec::new();
        // `None` before the first path and under a path that was skipped.
        let mut current: Option<usize> = None;
        let mut skipped_path = false;
        let mut divider: Option<usize> = None;
        let mut entries = 0usize;
        // Keys as written, with their index in `note.keys`.
        let mut seen: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
        // Each key's and each path's index, so a note with many of either
        // (a crafted one: thousands) is read in linear time.
        let mut key_index: HashMap<AttestKey, usize, foldhash::fast::RandomState> =
            HashMap::default();
        let mut path_index: HashMap<String, usize, foldhash::fast::RandomState> =
            HashMap::default();
        let lines = crate::util::split_lf(text)
            .enumerate()
            .take_while(|_| !meta_only);
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
                    if !skipped_path {
                        note.problems
                            .push(err(n, "an attestation entry comes before any file path"));
                    }
                    continue;
                };
                let parsed = entry
                    .trim()
                    .split_once(' ')
                    .ok_or_else(|| format!("`{}` is not `KEY RANGES`", entry.trim()))
                    .and_then(|(key, ranges)| {
                        if key.is_empty() {
                            return Err("an attestation entry has an empty key".to_string());
                        }
                        Ok((key, parse_ranges(ranges.trim())?))
                    });
                let (raw, ranges) = match parsed {
                    Ok(p) => p,
                    Err(m) => {
                        note.problems.push(err(n, m));
                        continue;
                    }
                };
                // A key written as before is the same key (a note repeats
                // its few keys on every file): routed once.
                let k = match seen.get(raw) {
                    Some(&k) => k,
                    None => {
                        let Some(key) = AttestKey::parse(raw) else {
                            continue;
                        };
                        let k = match key_index.get(&key) {
                            Some(&k) => k,
                            None => {
                                note.keys.push(key.clone());
                                key_index.insert(key, note.keys.len() - 1);
                                note.keys.len() - 1
                            }
                        };
                        seen.insert(raw, k);
                        k
                    }
                };
                pending[file].1.push((k, ranges));
                entries += 1;
            } else if line.starts_with(char::is_whitespace) {
                note.problems.push(err(
                    n,
                    "attestation entries are indented exactly two spaces; paths start at column 0",
                ));
            } else {
                match parse_path(line) {
                    Ok(path) => {
                        skipped_path = false;
                        current = Some(match path_index.get(&path) {
                            Some(&f) => f,
                            None => {
                                pending.push((path.clone(), Vec::new()));
                                path_index.insert(path, pending.len() - 1);
                                pending.len() - 1
                            }
                        });
                    }
                    Err(m) => {
                        note.problems
                            .push(err(n, format!("{m}; the entries under it are skipped")));
                        current = None;
                        skipped_path = true;
                    }
                }
            }
        }
        if !meta_only && divider.is_none() && entries == 0 {
            let first = note.problems.first();
            return Err(err(
                first.map_or(1, |e| e.line),
                first.map_or_else(
                    || "no attestation entry, no `---` divider and no metadata".to_string(),
                    |e| format!("not a git-ai note: {}", e.message),
                ),
            ));
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
                for (i, l) in crate::util::split_lf(text).enumerate() {
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
    /// every other AI key. `None` for humans, for `ai_agent`, and when the
    /// metadata is missing, bad or silent about the key.
    pub fn agent(&self, key: &AttestKey) -> Option<AgentId> {
        match self.resolve(key) {
            Resolution::Agent(a) => Some(a),
            _ => None,
        }
    }

    /// Where an AI key resolves in the metadata (parsed once, on first
    /// use; only the `agent_id` of each entry is kept). Human keys need no
    /// metadata for a verdict and are reported `Silent`.
    pub fn resolve(&self, key: &AttestKey) -> Resolution {
        let entry = match key {
            AttestKey::Human(_) | AttestKey::BareHuman => return Resolution::Silent,
            AttestKey::AiAgent => return Resolution::Anonymous,
            AttestKey::Session { session, .. } => self.meta().and_then(|m| m.sessions.get(session)),
            AttestKey::Legacy(k) => self.meta().and_then(|m| m.prompts.get(k)),
        };
        match entry {
            None => Resolution::Nowhere,
            Some(e) => e.agent().map_or(Resolution::Silent, Resolution::Agent),
        }
    }

    fn meta(&self) -> Option<&Meta> {
        self.meta
            .get_or_init(|| {
                self.raw_meta
                    .as_deref()
                    .and_then(|m| serde_json::from_str::<Meta>(m).ok())
            })
            .as_ref()
    }

    /// Distinct keys that own at least one line, in order of appearance.
    pub fn keys(&self) -> Vec<&AttestKey> {
        let mut used = vec![false; self.keys.len()];
        for f in &self.files {
            for &(_, _, k) in &f.spans {
                used[k] = true;
            }
        }
        self.keys
            .iter()
            .zip(used)
            .filter_map(|(k, u)| u.then_some(k))
            .collect()
    }

    /// Number of lines (over all files) owned by AI keys and by human keys,
    /// after the later-entry rule.
    pub fn line_counts(&self) -> (u64, u64) {
        let (mut ai, mut human) = (0u64, 0u64);
        for f in &self.files {
            for &(a, b, k) in &f.spans {
                let n = u64::from(b - a + 1);
                if self.keys[k].is_ai() {
                    ai += n;
                } else {
                    human += n;
                }
            }
        }
        (ai, human)
    }

    /// Lines of the attestation section that were skipped (bad ranges,
    /// bad quoting, entries outside a file), each naming its line.
    pub fn problems(&self) -> &[NoteError] {
        &self.problems
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
    plain_ranges(s).map_or_else(|| parse_ranges_in_full(s), Ok)
}

/// [`parse_ranges`] for any text: spaces around numbers, signs, and a
/// problem named for anything that is not a range.
fn parse_ranges_in_full(s: &str) -> Result<Vec<(u32, u32)>, String> {
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

/// RANGES in the form git-ai writes (ASCII digits, `-` and `,` only,
/// every line at least 1, every span forward), read byte by byte: what
/// [`parse_ranges`] makes of them, or `None` for anything else (spaces,
/// signs, zero, overflow, empty parts), which it reads and reports as
/// before. A note lists dozens of ranges per entry.
fn plain_ranges(s: &str) -> Option<Vec<(u32, u32)>> {
    fn line(d: &[u8]) -> Option<u32> {
        let mut v: u32 = 0;
        for &c in d {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
        }
        (v > 0).then_some(v)
    }
    let mut out = Vec::with_capacity(s.len() / 4 + 1);
    for part in s.as_bytes().split(|&b| b == b',') {
        let (a, b) = match memchr::memchr(b'-', part) {
            Some(i) => (line(&part[..i])?, line(&part[i + 1..])?),
            None => {
                let v = line(part)?;
                (v, v)
            }
        };
        if a > b {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
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

/// Applies entries in order, each painting over what earlier entries said
/// ([`super::spans::paint`]), and returns disjoint spans sorted by start.
fn paint(entries: &[Entry]) -> Vec<(u32, u32, usize)> {
    let mut spans: Vec<(u32, u32, usize)> = Vec::new();
    for (k, ranges) in entries {
        for &(a, b) in ranges {
            super::spans::paint(&mut spans, a, b, *k);
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
    fn ranges_read_byte_by_byte_as_they_are_read_in_full() {
        let fixed = [
            "",
            "1",
            "1-4,9-10,12",
            "007",
            "0",
            "1-0",
            "4-2",
            "+5",
            "1 ,2",
            " 1",
            "1-",
            "-1",
            "1--2",
            "1-2-3",
            ",",
            "1,,2",
            "4294967295",
            "4294967296",
            "00000000001",
            "99999999999",
            "1-4294967295",
            "٣",
            "1\t",
            "1,2,3-3",
        ];
        let mut next = crate::util::xorshift(0x2545_f491_4f6c_dd1d);
        let alphabet = b"0123456789-, +";
        let generated: Vec<String> = (0..20_000)
            .map(|_| {
                let len = (next() % 12) as usize;
                (0..len)
                    .map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize]))
                    .collect()
            })
            .collect();
        let mut read_fast = 0;
        for s in fixed
            .iter()
            .copied()
            .chain(generated.iter().map(String::as_str))
        {
            assert_eq!(parse_ranges(s), parse_ranges_in_full(s), "{s:?}");
            if let Some(fast) = plain_ranges(s) {
                assert_eq!(Ok(fast), parse_ranges_in_full(s), "{s:?}");
                read_fast += 1;
            }
        }
        // The byte-level reader takes git-ai's own form (a test that passed
        // with it always declining would prove nothing).
        assert_eq!(
            plain_ranges("1-4,9-10,12"),
            Some(vec![(1, 4), (9, 10), (12, 12)])
        );
        assert!(read_fast > 1000, "{read_fast}");
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

    /// A bad line must cost only itself: the rest of the note, and the
    /// commit's other sources, survive (issue 9, item 7).
    #[test]
    fn malformed_lines_are_skipped_and_reported_with_their_line_number() {
        for (body, line) in [
            (format!("  {S1} 1\nb.rs\n  {S1} 7\n---\n"), 1),
            (format!("a.rs\n  {S1} 0\nb.rs\n  {S1} 7\n---\n"), 2),
            (format!("a.rs\n  {S1} 5-2\nb.rs\n  {S1} 7\n---\n"), 2),
            (format!("a.rs\n  {S1}\nb.rs\n  {S1} 7\n---\n"), 2),
            (format!("a.rs\n\n   {S1} 1\nb.rs\n  {S1} 7\n---\n"), 3),
            (format!("a.rs\n  {S1} 1,x\nb.rs\n  {S1} 7\n---\n"), 2),
            (format!("\"a.rs\n  {S1} 1\nb.rs\n  {S1} 7\n---\n"), 1),
            (
                format!("a.rs\n  {S1} 99999999999\nb.rs\n  {S1} 7\n---\n"),
                2,
            ),
        ] {
            let n = Note::parse(&body).expect(&body);
            assert_eq!(n.problems().len(), 1, "{body:?}");
            assert_eq!(
                n.problems()[0].line,
                line,
                "{body:?}: {}",
                n.problems()[0].message
            );
            assert_eq!(n.ai_ranges("a.rs"), vec![], "{body:?}");
            assert_eq!(n.ai_ranges("b.rs"), vec![(7, 7)], "{body:?}");
        }
    }

    #[test]
    fn text_that_is_no_note_at_all_is_an_error() {
        let e = Note::parse("hello world\n").expect_err("not a note");
        assert_eq!(e.line, 1);
        let e = Note::parse("a.rs\n  k 0\n").expect_err("no readable entry");
        assert_eq!(e.line, 2);
        assert!(Note::parse("---\n{}").is_ok());
    }

    /// Every key form of git-ai's spec and of real notes is routed by prefix
    /// (issue 9, item 7: UUID and 7-hex prompt ids, bare `human`/`ai_agent`).
    #[test]
    fn keys_are_routed_by_prefix() {
        let cases = [
            (
                S1,
                AttestKey::Session {
                    session: "s_0123456789abcd".into(),
                    trace: "t_fedcba98765432".into(),
                },
            ),
            (
                "s_abc::t_def",
                AttestKey::Session {
                    session: "s_abc".into(),
                    trace: "t_def".into(),
                },
            ),
            (
                "s_0123",
                AttestKey::Session {
                    session: "s_0123".into(),
                    trace: String::new(),
                },
            ),
            (H1, AttestKey::Human(H1.into())),
            ("h_00112233445566::t_99", AttestKey::Human(H1.into())),
            (
                "c9883b05a2487d6d",
                AttestKey::Legacy("c9883b05a2487d6d".into()),
            ),
            ("e61c0a4", AttestKey::Legacy("e61c0a4".into())),
            (
                "638f41ac-1dd9-49eb-b090-a4abfe235a97",
                AttestKey::Legacy("638f41ac-1dd9-49eb-b090-a4abfe235a97".into()),
            ),
            ("human", AttestKey::BareHuman),
            ("ai_agent", AttestKey::AiAgent),
        ];
        for (text, want) in cases {
            let n = note(&format!("a.rs\n  {text} 3\n---\n{{}}"));
            assert_eq!(n.owner("a.rs", 3), Some(&want), "{text}");
            assert!(n.problems().is_empty());
        }
        assert!(!AttestKey::BareHuman.is_ai());
        assert!(!AttestKey::Human(H1.into()).is_ai());
        assert!(AttestKey::AiAgent.is_ai());
    }

    #[test]
    fn resolution_names_where_a_key_leads() {
        let n = note(&format!(
            "a.rs\n  {S1} 1\n  e61c0a4 2\n  ffffffffffffffff 3\n  ai_agent 4\n  abcdef0 5\n---\n\
             {{\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\"}}}}}},\
             \"prompts\":{{\"e61c0a4\":{{\"agent_id\":{{\"tool\":\"cursor\",\"model\":\"gpt-5.1\"}},\"messages\":[1,2,3]}},\
             \"abcdef0\":{{\"agent_id\":{{}}}}}}}}"
        ));
        let r = |l| n.resolve(n.owner("a.rs", l).unwrap());
        assert!(matches!(r(1), Resolution::Agent(a) if a.tool.as_deref() == Some("claude")));
        assert!(matches!(r(2), Resolution::Agent(a) if a.model.as_deref() == Some("gpt-5.1")));
        assert_eq!(r(3), Resolution::Nowhere);
        assert_eq!(r(4), Resolution::Anonymous);
        assert_eq!(r(5), Resolution::Silent);
        assert_eq!(n.line_counts(), (5, 0));
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
