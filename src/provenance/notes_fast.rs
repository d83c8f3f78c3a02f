//! A git-ai note summarised straight from the blob's bytes, for scans that
//! read thousands of notes (DESIGN §1.2 item 4: "read only `agent_id` of
//! the keys a verdict needs"). The classifier (`aeef blame`) parses the
//! same [`shrink`]ed text, so every command reads a note one way.
//!
//! The answer is [`NoteSummary::of`] of [`Note::parse`], the semantic entry
//! points: this module only shrinks their input. It keeps the attestation
//! section as it is and replaces the JSON metadata (often hundreds of kB of
//! transcripts) by a small document holding, for each entry of `sessions`,
//! `prompts` and `humans`, its `agent_id` alone; it stops reading the JSON
//! once every key the attestations name has been found. A test holds the
//! result equal to the full parse on every fixture and on real notes.
//!
//! One difference by design: damage in the metadata *after* the last entry
//! the summary needs is not seen (the full parse would drop every agent).
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{Note, NoteSummary};

/// The summary of the note in `bytes`; `None` when the attestation section
/// cannot be read (as `Note::parse(..).ok()` is `None`).
pub fn summary(bytes: &[u8]) -> Option<NoteSummary> {
    let text = shrink(bytes);
    let note = Note::parse(&text).ok()?;
    Some(NoteSummary::of(&note))
}

/// The note text with its metadata reduced to what a summary reads.
pub fn shrink(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let meta_only = bytes.trim_ascii_start().starts_with(b"{");
    let (attest, meta) = if meta_only {
        (&bytes[..0], Some(bytes))
    } else {
        split_at_divider(bytes)
    };
    let mut text = String::from_utf8_lossy(attest).into_owned();
    let Some(meta) = meta else {
        return text;
    };
    let wanted = wanted_keys(&text);
    let reduced = reduce(meta, &wanted);
    if !meta_only {
        text.push_str("---\n");
    }
    if let Some(r) = reduced {
        text.push_str(&r);
    }
    text
}

/// The attestation section (up to and without the `---` line) and the
/// metadata after it, split as [`Note::parse`] splits lines (on `\n`, a
/// trailing `\r` ignored).
fn split_at_divider(bytes: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut start = 0;
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line == b"---" {
            return (&bytes[..start], Some(&bytes[(end + 1).min(bytes.len())..]));
        }
        start = end + 1;
    }
    (bytes, None)
}

/// Metadata entry names the attestation keys resolve to (DESIGN §1.2
/// item 4): the session of a `s_…::t_…` pair, any other key as written.
fn wanted_keys(attest: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for line in crate::util::split_lf(attest) {
        let Some(entry) = line.strip_prefix("  ") else {
            continue;
        };
        let Some(key) = entry.split_whitespace().next() else {
            continue;
        };
        let name = key.split_once("::").map_or(key, |(s, _)| s);
        out.insert(name.to_string());
    }
    out
}

/// The metadata map names whose entries carry `agent_id`s.
const MAPS: [&str; 3] = ["sessions", "prompts", "humans"];

/// Reads `meta` until every wanted key has been seen in one of [`MAPS`]
/// and writes the reduced document; `None` when the JSON is broken before
/// that point (the full parse would read no agent either).
fn reduce(meta: &[u8], wanted: &HashSet<String>) -> Option<String> {
    let mut state = State {
        wanted,
        found: HashSet::new(),
        maps: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_slice(meta);
    let done = match (Root(&mut state)).deserialize(&mut de) {
        Ok(()) => de.end().is_ok(),
        Err(e) => e.to_string().starts_with(DONE),
    };
    if !done {
        return None;
    }
    let mut doc = serde_json::Map::new();
    for (name, entries) in state.maps {
        doc.insert(name, serde_json::Value::Object(entries));
    }
    serde_json::to_string(&doc).ok()
}

/// The message of the error that stops the read once all is found.
const DONE: &str = "aeef: all wanted entries read";

struct State<'a> {
    wanted: &'a HashSet<String>,
    found: HashSet<String>,
    maps: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
}

impl State<'_> {
    fn complete(&self) -> bool {
        self.wanted.iter().all(|k| self.found.contains(k))
    }
}

struct Root<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a git-ai metadata object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            if MAPS.contains(&name.as_str()) {
                self.0.maps.push((name, serde_json::Map::new()));
                map.next_value_seed(Entries(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Entries<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Entries<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of entries")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let agent = map.next_value_seed(Entry)?;
            let mut entry = serde_json::Map::new();
            if let Some(a) = agent {
                entry.insert("agent_id".into(), a);
            }
            if self.0.wanted.contains(&key) {
                self.0.found.insert(key.clone());
            }
            if let Some((_, m)) = self.0.maps.last_mut() {
                m.insert(key, serde_json::Value::Object(entry));
            }
            if self.0.complete() {
                return Err(de::Error::custom(DONE));
            }
        }
        Ok(())
    }
}

/// One entry: its `agent_id`, everything else skipped unread.
struct Entry;

impl<'de> DeserializeSeed<'de> for Entry {
    type Value = Option<serde_json::Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Entry {
    type Value = Option<serde_json::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an entry object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut agent = None;
        while let Some(k) = map.next_key::<String>()? {
            if k == "agent_id" {
                agent = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(agent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &str = "s_0123456789abcd::t_fedcba98765432";

    fn full(text: &str) -> Option<NoteSummary> {
        Note::parse(text).ok().map(|n| NoteSummary::of(&n))
    }

    /// Notes of every shape the parser knows: sessions, legacy prompt keys,
    /// humans, metadata-only, bad metadata, CRLF, no metadata, transcripts
    /// before and after the wanted entry.
    fn fixtures() -> Vec<String> {
        let big = "x".repeat(200_000);
        vec![
            format!(
                "a.rs\n  {S1} 1-4\n---\n{{\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}"
            ),
            format!(
                "a.rs\n  0123456789abcdef 1,3\n  h_00112233445566 2\n---\n{{\"prompts\":{{\"aaaa\":{{\"messages\":[\"{big}\"],\"agent_id\":{{\"tool\":\"cursor\"}}}},\"0123456789abcdef\":{{\"messages\":[{{\"text\":\"{big}\"}}],\"agent_id\":{{\"tool\":\"codex\",\"model\":\"gpt-5\"}}}},\"zzzz\":{{\"messages\":\"{big}\"}}}},\"humans\":{{\"h_00112233445566\":{{\"name\":\"x\"}}}}}}"
            ),
            format!("a.rs\n  {S1} 1\n---\n{{not json"),
            format!("a.rs\n  {S1} 1\n"),
            format!("a.rs\r\n  {S1} 1-2\r\n---\r\n{{\"sessions\":{{}}}}\r\n"),
            "{\"schema_version\":\"authorship/3.0.0\",\"prompts\":{}}".to_string(),
            format!(
                "\u{feff}a.rs\n  0123456 2\n---\n{{\"prompts\":{{\"0123456\":{{\"agent_id\":{{\"tool\":\"aider\"}}}}}}}}"
            ),
            format!("a.rs\n  {S1} 1\n---\n{{\"sessions\":[1,2]}}"),
            format!("  {S1} 1\n---\n{{}}"),
            format!("a.rs\n  h_00112233445566 1-3\n---\n{{\"humans\":{{}}}}"),
            String::new(),
        ]
    }

    #[test]
    fn summary_equals_the_full_parse_on_every_fixture() {
        for f in fixtures() {
            assert_eq!(
                summary(f.as_bytes()),
                full(&f),
                "{}",
                &f[..f.len().min(200)]
            );
        }
    }

    /// Every note of a real repository (`AEEF_REAL_REPO`, e.g. a clone of
    /// git-ai with its 10,685 notes) summarises as the full parse does.
    /// Skipped, saying so, when the variable is not set.
    #[test]
    #[allow(clippy::print_stderr)]
    fn summary_equals_the_full_parse_on_real_notes() {
        let Some(dir) = std::env::var_os("AEEF_REAL_REPO") else {
            eprintln!("skipped: set AEEF_REAL_REPO to a repository with refs/notes/ai");
            return;
        };
        let repo = git2::Repository::open(dir).expect("repository");
        let Ok(notes) = repo.notes(Some("refs/notes/ai")) else {
            return;
        };
        let mut n = 0;
        for (blob, commit) in notes.flatten() {
            let bytes = repo.find_blob(blob).expect("note blob").content().to_vec();
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(summary(&bytes), full(&text), "note of {commit}");
            n += 1;
        }
        eprintln!("{n} notes compared");
    }

    #[test]
    fn metadata_is_read_only_up_to_the_wanted_entries() {
        // The wanted entry comes first; what follows is not JSON at all and
        // is never read.
        let f = "a.rs\n  0123456789abcdef 1\n---\n{\"prompts\":{\"0123456789abcdef\":{\"agent_id\":{\"tool\":\"codex\"}},\"later\": <<<not read>>>";
        let s = summary(f.as_bytes()).expect("summary");
        assert_eq!(s.agent.and_then(|a| a.tool).as_deref(), Some("codex"));
        assert!(shrink(f.as_bytes()).len() < 120);
    }
}
