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
                stack.pop();
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
}
