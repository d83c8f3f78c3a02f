//! A light position index of a YAML document: where each key and each value
//! stands (line, column, byte span), by path (`corrective_actions[1].owner`).
//!
//! serde gives positions only while deserializing (in its errors); the
//! policy rules run afterwards on plain values and still need to point at
//! the relevant key, so the loader walks the parser's events once and keeps
//! this index beside the record.
use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, Span};

/// A position in the source: 1-based line and column (in characters), and
/// the byte span for snippets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes (at least 1 for labels).
    pub len: usize,
}

/// A scalar value as written, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueAt {
    pub pos: Pos,
    /// The scalar's text; `None` for mappings and sequences.
    pub scalar: Option<String>,
    /// Byte offset just past the node: the end of a scalar as written
    /// (quotes included; equal to `pos.offset` for an empty scalar), the
    /// end of a collection's closing event (past `}` / `]` in flow style).
    pub end: usize,
}

/// Positions of every key and value of one document, by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyIndex {
    keys: HashMap<String, Pos>,
    values: HashMap<String, ValueAt>,
    /// Paths in document order, for walks that need it.
    order: Vec<String>,
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
    },
    Seq {
        path: String,
        next: usize,
    },
    /// A complex (non-scalar) mapping key: skipped, depth-counted.
    Skip(usize),
}

/// Byte offset of the end of `span`, within `source`.
fn end_of(span: &Span, source: &str) -> usize {
    let start = span.start.byte_offset().unwrap_or(0).min(source.len());
    span.end
        .byte_offset()
        .unwrap_or(start)
        .clamp(start, source.len())
}

fn pos_of(span: &Span, source: &str) -> Pos {
    let offset = span.start.byte_offset().unwrap_or(0).min(source.len());
    let end = span
        .end
        .byte_offset()
        .unwrap_or(offset)
        .clamp(offset, source.len());
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
        offset,
        len: (end - offset).max(1),
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl KeyIndex {
    /// Walks the events of `source`'s first document. A syntax error stops
    /// the walk and is returned with its position.
    pub fn build(source: &str) -> Result<KeyIndex, SyntaxError> {
        let mut idx = KeyIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(source);
        while let Some(ev) = parser.next_event() {
            let (event, span) = ev.map_err(|e| {
                let m = e.marker();
                let offset = m.byte_offset().unwrap_or(0).min(source.len());
                SyntaxError {
                    pos: Pos {
                        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                        column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                        offset,
                        len: 1,
                    },
                    message: e.info(),
                }
            })?;
            if matches!(event, Event::DocumentEnd) {
                // Only the first document counts.
                break;
            }
            let pos = pos_of(&span, source);
            let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
            let closes = matches!(event, Event::MappingEnd | Event::SequenceEnd);
            let is_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
                    | Event::Alias(..)
            );
            if let Some(Frame::Skip(depth)) = stack.last_mut() {
                if opens {
                    *depth += 1;
                } else if closes {
                    *depth -= 1;
                }
                if *depth == 0 {
                    stack.pop();
                    // The complex key is done; its value follows.
                    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                        *key = Some("?".into());
                    }
                }
                continue;
            }
            if closes {
                if let Some(Frame::Map { path, .. } | Frame::Seq { path, .. }) = stack.pop()
                    && let Some(v) = idx.values.get_mut(&path)
                {
                    v.end = end_of(&span, source).max(v.pos.offset);
                }
                continue;
            }
            if !is_node {
                continue;
            }
            let scalar = match &event {
                Event::Scalar(s, ..) => Some(s.to_string()),
                _ => None,
            };
            // Where does this node sit?
            let child_path = match stack.last_mut() {
                None => Some(String::new()),
                Some(Frame::Map { path, key }) => match key.take() {
                    None => {
                        // A key.
                        match &scalar {
                            Some(k) => {
                                let p = join(path, k);
                                idx.keys.insert(p, pos);
                                *key = Some(k.clone());
                            }
                            None => {
                                if opens {
                                    stack.push(Frame::Skip(1));
                                } else {
                                    *key = Some("?".into());
                                }
                            }
                        }
                        None
                    }
                    Some(k) => Some(join(path, &k)),
                },
                Some(Frame::Seq { path, next }) => {
                    let p = format!("{path}[{next}]");
                    *next += 1;
                    Some(p)
                }
                Some(Frame::Skip(_)) => None,
            };
            let Some(child) = child_path else { continue };
            idx.values.insert(
                child.clone(),
                ValueAt {
                    pos,
                    scalar: scalar.clone(),
                    end: end_of(&span, source),
                },
            );
            idx.order.push(child.clone());
            match event {
                Event::MappingStart(..) => stack.push(Frame::Map {
                    path: child,
                    key: None,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Seq {
                    path: child,
                    next: 0,
                }),
                _ => {}
            }
        }
        Ok(idx)
    }

    /// Drops what only loading needs (scalar texts, document order), keeping
    /// the positions the policy findings point at: a thousand records stay
    /// small in memory.
    pub fn compact(&mut self) {
        self.order = Vec::new();
        for v in self.values.values_mut() {
            v.scalar = None;
        }
        self.keys.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// Position of the key at `path` (`corrective_actions[0].owner`).
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.keys.get(path).copied()
    }

    /// The value at `path`.
    pub fn value(&self, path: &str) -> Option<&ValueAt> {
        self.values.get(path)
    }

    /// The key at `path` or, failing that, the nearest ancestor's key, or
    /// the start of the document. Policy findings point here.
    pub fn nearest(&self, path: &str) -> Pos {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.key(&p).or_else(|| self.value(&p).map(|v| v.pos)) {
                return pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => break,
            }
        }
        self.values.get("").map(|v| v.pos).unwrap_or(Pos {
            line: 1,
            column: 1,
            offset: 0,
            len: 1,
        })
    }

    /// Value paths in document order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    /// The path of the value at `line`:`column` (1-based), if any.
    pub fn value_at(&self, line: u32, column: u32) -> Option<(&str, &ValueAt)> {
        self.values
            .iter()
            .find(|(_, v)| v.pos.line == line && v.pos.column == column)
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The mapping that holds a key at column `column` on or before `line`:
    /// the latest-starting mapping value in that column (serde reports a
    /// missing key at the mapping's last key; the start reads better).
    pub fn mapping_containing(&self, line: u32, column: u32) -> Option<Pos> {
        self.values
            .values()
            .filter(|v| v.scalar.is_none() && v.pos.column == column && v.pos.line <= line)
            .map(|v| v.pos)
            .max_by_key(|p| p.offset)
    }

    /// Key paths whose position is `line`:`column` (1-based), if any.
    pub fn key_at(&self, line: u32, column: u32) -> Option<&str> {
        self.keys
            .iter()
            .find(|(_, p)| p.line == line && p.column == column)
            .map(|(k, _)| k.as_str())
    }
}

/// One text edit: the bytes `range` of the source become `text`; every
/// other byte stays as it was (comments, quoting, flow or block style,
/// line endings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range replaced (empty for an insertion).
    pub range: std::ops::Range<usize>,
    pub text: String,
}

impl Edit {
    /// `source` with the edit applied.
    pub fn apply(&self, source: &str) -> String {
        let mut out = String::with_capacity(source.len() + self.text.len());
        out.push_str(&source[..self.range.start]);
        out.push_str(&self.text);
        out.push_str(&source[self.range.end..]);
        out
    }
}

/// Why [`set_key`] found no edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no mapping at `{0}`")]
    NoMapping(String),
    #[error("no insertion point for `{0}` keeps the layout")]
    NoPlace(String),
}

/// The index of the item of the sequence at `seq` whose `key` is the
/// scalar `value` (`corrective_actions`, `id`, `CA-2` → `Some(1)`).
pub fn seq_item_with(index: &KeyIndex, seq: &str, key: &str, value: &str) -> Option<usize> {
    (0..)
        .map_while(|i| index.value(&format!("{seq}[{i}]")).map(|_| i))
        .find(|i| {
            index
                .value(&format!("{seq}[{i}].{key}"))
                .and_then(|v| v.scalar.as_deref())
                == Some(value)
        })
}

/// Start of the line holding byte `at`.
fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The line ending used by the line holding byte `at` (`\r\n` or `\n`).
fn eol_at(source: &str, at: usize) -> &'static str {
    let rest = &source[at..];
    let line = rest.find('\n').map_or(rest, |i| &rest[..i]);
    if line.ends_with('\r') || (!rest.contains('\n') && source.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    }
}

/// Sets `key` to `value` (written as given: a plain scalar such as `412`)
/// in the mapping at `map_path` of `source`, through the positions of
/// `index` (built from `source` by [`KeyIndex::build`], not compacted),
/// as one [`Edit`] that keeps every other byte:
///
/// - an existing value is replaced in place (`issue: null # later` →
///   `issue: 412 # later`; an empty value gets ` 412` after its colon);
/// - in a flow mapping (`{id: CA-1, …}`, JSON) the entry is appended after
///   the last one, `, issue: 412` (`"issue": 412` when the keys are
///   double-quoted), on a line of its own when the mapping spans lines;
/// - in a block mapping a new line `issue: 412` at the keys' indentation
///   follows the line of the last key of `after` present (or of the last
///   key), or, when that value spans lines, goes before the next key.
///
/// The caller re-reads the result (the edit is positional, not semantic).
pub fn set_key(
    source: &str,
    index: &KeyIndex,
    map_path: &str,
    key: &str,
    value: &str,
    after: &[&str],
) -> Result<Edit, EditError> {
    let prefix = if map_path.is_empty() {
        String::new()
    } else {
        format!("{map_path}.")
    };
    let target = format!("{prefix}{key}");
    let no_place = || EditError::NoPlace(target.clone());
    if let (Some(k), Some(v)) = (index.key(&target), index.value(&target)) {
        if v.end > v.pos.offset {
            return Ok(Edit {
                range: v.pos.offset..v.end,
                text: value.to_string(),
            });
        }
        // An empty value: write it after the key's colon.
        let from = (k.offset + k.len).min(source.len());
        let colon = source[from..].find(':').ok_or_else(no_place)?;
        if !source[from..from + colon]
            .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .is_empty()
        {
            return Err(no_place());
        }
        let at = from + colon + 1;
        return Ok(Edit {
            range: at..at,
            text: format!(" {value}"),
        });
    }
    let map = index
        .value(map_path)
        .filter(|v| v.scalar.is_none())
        .ok_or_else(|| EditError::NoMapping(map_path.to_string()))?;
    if source[map.pos.offset..].starts_with('[') {
        return Err(EditError::NoMapping(map_path.to_string()));
    }
    // Direct children, in document order.
    let children: Vec<&str> = index
        .order
        .iter()
        .map(String::as_str)
        .filter(|p| {
            p.strip_prefix(prefix.as_str())
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(['.', '[']))
        })
        .collect();
    let key_of = |p: &str| index.key(p).ok_or_else(no_place);
    let end_of = |p: &str| -> Result<usize, EditError> {
        let k = key_of(p)?;
        let v_end = index.value(p).map_or(0, |v| v.end);
        Ok(v_end.max(k.offset + k.len).min(source.len()))
    };
    if source[map.pos.offset..].starts_with('{') {
        let json = match children.first() {
            Some(first) => source[key_of(first)?.offset..].starts_with('"'),
            None => false,
        };
        let entry = if json {
            format!("\"{key}\": {value}")
        } else {
            format!("{key}: {value}")
        };
        let Some(last) = children.last() else {
            let at = map.pos.offset + 1;
            return Ok(Edit {
                range: at..at,
                text: entry,
            });
        };
        let lk = key_of(last)?;
        let at = end_of(last)?;
        let text = if lk.line > map.pos.line {
            let ls = line_start(source, lk.offset);
            let lead = &source[ls..lk.offset];
            let indent = if lead.chars().all(|c| c == ' ' || c == '\t') {
                lead.to_string()
            } else {
                " ".repeat(lk.column.saturating_sub(1) as usize)
            };
            format!(",{}{indent}{entry}", eol_at(source, lk.offset))
        } else {
            format!(", {entry}")
        };
        return Ok(Edit {
            range: at..at,
            text,
        });
    }
    // Block mapping: keys start their lines at one column. Try the last
    // key of `after`, then every key from the last one up.
    let preferred = children.iter().rposition(|c| {
        let name = c.rsplit('.').next().unwrap_or(c);
        after.contains(&name)
    });
    for a in preferred.into_iter().chain((0..children.len()).rev()) {
        if let Some(edit) = block_insert(source, &children, a, key, value, &key_of, &end_of)? {
            return Ok(edit);
        }
    }
    Err(no_place())
}

/// A new line `key: value` after the line of block key `children[a]` (when
/// its value stays on that line), or else before the next key; `None` when
/// neither keeps the layout.
fn block_insert(
    source: &str,
    children: &[&str],
    a: usize,
    key: &str,
    value: &str,
    key_of: &dyn Fn(&str) -> Result<Pos, EditError>,
    end_of: &dyn Fn(&str) -> Result<usize, EditError>,
) -> Result<Option<Edit>, EditError> {
    let ak = key_of(children[a])?;
    let a_end = end_of(children[a])?;
    let indent = " ".repeat(ak.column.saturating_sub(1) as usize);
    let entry = format!("{indent}{key}: {value}");
    if !source[ak.offset..a_end].contains('\n') {
        // After the anchor's line (past a trailing comment).
        let rest = &source[a_end..];
        let (tail, at) = match rest.find('\n') {
            Some(i) => (&rest[..i], Some(a_end + i + 1)),
            None => (rest, None),
        };
        let tail = tail.trim();
        if tail.is_empty() || tail.starts_with('#') {
            return Ok(Some(match at {
                Some(at) => Edit {
                    range: at..at,
                    text: format!("{entry}{}", eol_at(source, ak.offset)),
                },
                None => Edit {
                    range: source.len()..source.len(),
                    text: format!("{}{entry}", eol_at(source, ak.offset)),
                },
            }));
        }
    }
    // The anchor's value spans lines: go before the next key.
    let Some(next) = children.get(a + 1) else {
        return Ok(None);
    };
    let nk = key_of(next)?;
    let ls = line_start(source, nk.offset);
    let lead = &source[ls..nk.offset];
    if !lead.chars().all(|c| c == ' ') {
        return Ok(None);
    }
    Ok(Some(Edit {
        range: ls..ls,
        text: format!("{lead}{key}: {value}{}", eol_at(source, nk.offset)),
    }))
}

/// Byte offset of 1-based `line`:`column` (column in characters) in `source`.
pub fn offset_of(source: &str, line: u32, column: u32) -> usize {
    let mut off = 0usize;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let col = column.saturating_sub(1) as usize;
            let within = l
                .char_indices()
                .nth(col)
                .map(|(b, _)| b)
                .unwrap_or(l.trim_end_matches(['\n', '\r']).len());
            return off + within;
        }
        off += l.len();
    }
    source.len()
}

/// Line and column (1-based, characters) of byte `offset` in `bytes`, for
/// inputs that are not valid UTF-8 (counts the valid prefix).
pub fn line_col_of(bytes: &[u8], offset: usize) -> (u32, u32) {
    let prefix = &bytes[..offset.min(bytes.len())];
    let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
    let start = prefix
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let col = String::from_utf8_lossy(&prefix[start..]).chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_keys_and_values_by_path() {
        let src = "id: INC-2026-001\ncorrective_actions:\n  - id: CA-1\n    owner: alice\n  - {id: CA-2, owner: bob}\nfaulty_commits: [abc, def]\n";
        let idx = KeyIndex::build(src).unwrap();
        assert_eq!(idx.key("id").unwrap().line, 1);
        let o = idx.key("corrective_actions[0].owner").unwrap();
        assert_eq!((o.line, o.column), (4, 5));
        let o2 = idx.key("corrective_actions[1].owner").unwrap();
        assert_eq!((o2.line, o2.column), (5, 16));
        let v = idx.value("faulty_commits[1]").unwrap();
        assert_eq!(v.scalar.as_deref(), Some("def"));
        assert_eq!((v.pos.line, v.pos.column), (6, 23));
        assert_eq!(&src[v.pos.offset..v.pos.offset + v.pos.len], "def");
        // Missing key: falls back to the nearest ancestor.
        assert_eq!(idx.nearest("corrective_actions[0].due").line, 3);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = KeyIndex::build("id: [unclosed\ntitle: x\n").unwrap_err();
        assert!(e.pos.line >= 1);
        assert!(!e.message.is_empty());
    }

    #[test]
    fn offsets_round_trip() {
        let src = "a: 1\nbé: x\n";
        assert_eq!(offset_of(src, 2, 5), src.find('x').unwrap());
        assert_eq!(line_col_of(b"ab\ncd\xff", 5), (2, 3));
    }

    fn set(src: &str, map: &str, v: &str) -> (Edit, String) {
        let idx = KeyIndex::build(src).unwrap();
        let e = set_key(src, &idx, map, "issue", v, &["id", "owner", "status"]).unwrap();
        let out = e.apply(src);
        (e, out)
    }

    /// An existing value is replaced in place; its comment stays.
    #[test]
    fn set_key_replaces_a_value_in_place_keeping_its_comment() {
        let (e, out) = set("- id: CA-1\n  issue: null # later\n", "[0]", "7");
        assert_eq!(out, "- id: CA-1\n  issue: 7 # later\n");
        assert_eq!(e.range.len(), "null".len());
        let (_, out) = set("{\"id\": \"CA-1\", \"issue\": null}", "", "7");
        assert_eq!(out, "{\"id\": \"CA-1\", \"issue\": 7}");
        let (_, out) = set("- {id: CA-1, issue: }\n", "[0]", "7");
        assert_eq!(out, "- {id: CA-1, issue: 7 }\n");
        let (_, out) = set("- id: CA-1\n  issue:\n  owner: a\n", "[0]", "7");
        assert_eq!(out, "- id: CA-1\n  issue: 7\n  owner: a\n");
    }

    /// Flow and JSON mappings get the entry in their own style.
    #[test]
    fn set_key_appends_to_flow_and_json_mappings_in_their_style() {
        let (_, out) = set("- {id: CA-1, owner: a} # c\n", "[0]", "7");
        assert_eq!(out, "- {id: CA-1, owner: a, issue: 7} # c\n");
        let (_, out) = set("{\"id\": \"CA-1\"}", "", "7");
        assert_eq!(out, "{\"id\": \"CA-1\", \"issue\": 7}");
        let src = "{\r\n  \"id\": \"CA-1\",\r\n  \"effectiveness\": {\"day30\": null}\r\n}\r\n";
        let (_, out) = set(src, "", "7");
        assert_eq!(
            out,
            "{\r\n  \"id\": \"CA-1\",\r\n  \"effectiveness\": {\"day30\": null},\r\n  \"issue\": 7\r\n}\r\n"
        );
        let (_, out) = set("- {}\n", "[0]", "7");
        assert_eq!(out, "- {issue: 7}\n");
    }

    /// Block mappings get a new line after the anchor key's line, or
    /// before the next key when the anchor's value spans lines.
    #[test]
    fn set_key_inserts_a_block_line_at_the_keys_indentation() {
        let (_, out) = set(
            "- id: CA-1 # c\n  owner: a\n  due: 2026-01-01\n",
            "[0]",
            "7",
        );
        assert_eq!(
            out,
            "- id: CA-1 # c\n  owner: a\n  issue: 7\n  due: 2026-01-01\n"
        );
        let (_, out) = set("- id: CA-1\n  owner: a", "[0]", "7");
        assert_eq!(out, "- id: CA-1\n  owner: a\n  issue: 7");
        let (_, out) = set(
            "- id: CA-1\n  owner: >\n    long\n    text\n  due: x\n",
            "[0]",
            "7",
        );
        assert_eq!(
            out,
            "- id: CA-1\n  owner: >\n    long\n    text\n  issue: 7\n  due: x\n"
        );
        // The last key is a block scalar: the line goes after an earlier key.
        let (_, out) = set("- id: CA-1\n  owner: |\n    x\n", "[0]", "7");
        assert_eq!(out, "- id: CA-1\n  issue: 7\n  owner: |\n    x\n");
        let src = "- owner: |\n    x\n";
        let idx = KeyIndex::build(src).unwrap();
        assert!(set_key(src, &idx, "[0]", "issue", "7", &["owner"]).is_err());
    }

    #[test]
    fn seq_items_are_found_by_a_key() {
        let idx = KeyIndex::build("a:\n  - {id: CA-1}\n  - id: CA-2\n").unwrap();
        assert_eq!(seq_item_with(&idx, "a", "id", "CA-2"), Some(1));
        assert_eq!(seq_item_with(&idx, "a", "id", "CA-3"), None);
    }
}
