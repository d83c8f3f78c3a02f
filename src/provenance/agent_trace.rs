//! Agent Trace records (DESIGN §1.2 item 5; the open Agent Trace
//! specification v0.1, <https://agent-trace.dev>, `cursor/agent-trace`).
//!
//! A trace record is one JSON object per line of `.agent-trace/traces.jsonl`
//! (the reference implementation's place; the spec leaves storage open):
//!
//! ```json
//! {"version":"0.1.0","id":"…","timestamp":"2026-01-23T14:30:00Z",
//!  "vcs":{"type":"git","revision":"a1b2…"},"tool":{"name":"cursor"},
//!  "files":[{"path":"src/parser.ts","conversations":[
//!    {"contributor":{"type":"ai","model_id":"anthropic/claude-opus-4-5-20251101"},
//!     "ranges":[{"start_line":42,"end_line":67,"content_hash":"murmur3:9f2e8a1b"}]}]}]}
//! ```
//!
//! **Which commit a record describes.** The spec says ranges are positions
//! at the recorded revision; the reference implementation records `HEAD` at
//! edit time, so its edits land in a *child* of the recorded revision. A
//! record therefore attributes commit C's lines when its `vcs.revision` is
//! C ([`Rule::SameRevision`]), or is a parent of C and its `timestamp` is
//! not after C's author time ([`Rule::ParentBefore`]; git keeps whole
//! seconds, so the same second counts as before). Records of another VCS
//! (`vcs.type` other than `git`) are ignored.
//!
//! **Which lines.** A range with a `content_hash` this module can compute
//! (`sha256:<hex>`, `murmur3:<hex>`, over the range's lines joined by `\n`)
//! matches where C's version of the file has that content: at its recorded
//! lines, else at the one place the content moved to; content found nowhere
//! attributes nothing. A range without a hash, or with an algorithm this
//! module does not know, matches by line number in C's version. Later
//! records (by timestamp, then file order) win a line, as later entries do
//! in a git-ai note.
//!
//! **Contributors.** `ai` is AI; `mixed` is AI with human modifications
//! `moderate`; `human` is human; `unknown` decides nothing (the line is as
//! if no record listed it). A range's own `contributor` overrides its
//! conversation's.
//!
//! Reading is tolerant: a line that is not a record, or a range that is not
//! one, is skipped and named in the evidence; the file is read once per run
//! and at most [`MAX_TRACE_BYTES`] of it.
use std::collections::{HashMap, HashSet};

use super::{Confidence, HumanModifications, Provenance, agents};

/// Where the reference implementation writes records, relative to the
/// repository root.
pub const TRACES_PATH: &str = ".agent-trace/traces.jsonl";

/// Largest traces file read (64 MiB); a larger one is skipped, with a note
/// in the evidence, rather than slowing every run.
pub const MAX_TRACE_BYTES: u64 = 64 << 20;

/// Problems of the traces file listed in one commit's evidence; the rest
/// are counted.
const MAX_PROBLEMS_SHOWN: usize = 5;

/// Bound on the moved-content search: (lines of the file) × (lines of the
/// range) above this is not searched, only the recorded position is.
const MAX_SEARCH_WORK: usize = 2_000_000;

/// The spec's contributor types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contributor {
    Ai,
    Human,
    Mixed,
    Unknown,
}

impl Contributor {
    fn parse(s: &str) -> Contributor {
        match s.trim().to_ascii_lowercase().as_str() {
            "ai" => Contributor::Ai,
            "human" => Contributor::Human,
            "mixed" => Contributor::Mixed,
            _ => Contributor::Unknown,
        }
    }

    /// True for `ai` and `mixed`.
    pub fn is_ai(self) -> bool {
        matches!(self, Contributor::Ai | Contributor::Mixed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Contributor::Ai => "ai",
            Contributor::Human => "human",
            Contributor::Mixed => "mixed",
            Contributor::Unknown => "unknown",
        }
    }
}

/// One attributed line range of a file (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRange {
    pub start: u32,
    pub end: u32,
    /// `algorithm:hex` as written.
    pub content_hash: Option<String>,
    pub contributor: Contributor,
    /// `model_id` as written (`anthropic/claude-opus-4-5-20251101`).
    pub model_id: Option<String>,
    /// The conversation's `url`: the session that produced the range.
    pub conversation: Option<String>,
}

/// One file of a record, its conversations' ranges flattened in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFile {
    pub path: String,
    pub ranges: Vec<TraceRange>,
}

/// One trace record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRecord {
    /// The record's `id` (a UUID in the spec).
    pub id: Option<String>,
    /// Where it was read: `HEAD:.agent-trace/traces.jsonl line 3`.
    pub origin: String,
    /// `vcs.revision`, lowercased.
    pub revision: String,
    /// `timestamp`, seconds since the epoch.
    pub time: Option<i64>,
    /// `tool.name` as written.
    pub tool: Option<String>,
    pub files: Vec<TraceFile>,
}

impl TraceRecord {
    /// How the evidence names the record: `Agent Trace record <id> (<origin>)`.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("Agent Trace record {id} ({})", self.origin),
            None => format!("Agent Trace record at {}", self.origin),
        }
    }
}

/// Why a record applies to a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `vcs.revision` is the commit (the spec's reading).
    SameRevision,
    /// `vcs.revision` is a parent of the commit and the record was made no
    /// later than the commit (the reference implementation's reading).
    ParentBefore,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::SameRevision => "its vcs.revision is the commit",
            Rule::ParentBefore => {
                "its vcs.revision is the commit's parent and it was recorded before the commit was made"
            }
        }
    }
}

/// A record that applies to a commit, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Index into [`AgentTraces::records`].
    pub record: usize,
    pub rule: Rule,
}

/// Every record of a run, indexed by revision.
#[derive(Debug, Default)]
pub struct AgentTraces {
    records: Vec<TraceRecord>,
    by_revision: HashMap<String, Vec<usize>>,
    /// Records whose revision is abbreviated (7-39 hex): matched by prefix.
    short: Vec<usize>,
    /// Skipped lines and files, `origin: why`.
    problems: Vec<String>,
    seen: HashSet<String>,
}

impl AgentTraces {
    /// True when no record was read.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// Lines and files that were skipped, each naming where and why.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Records a file-level problem (too large, unreadable).
    pub fn note_problem(&mut self, problem: String) {
        self.problems.push(problem);
    }

    /// Parses one traces file; `origin` names it in the evidence
    /// (`HEAD:.agent-trace/traces.jsonl`). A record already read (same
    /// `id`, or the same text when it has none) is not added twice, so the
    /// committed file and the work tree's copy can both be read.
    pub fn add_text(&mut self, text: &str, origin: &str) {
        for (i, line) in text.split('\n').enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at = format!("{origin} line {}", i + 1);
            match parse_record(line, &at) {
                Ok(None) => {}
                Ok(Some((record, problems))) => {
                    self.problems.extend(problems);
                    let key = record.id.clone().unwrap_or_else(|| line.to_string());
                    if self.seen.insert(key) {
                        self.push(record);
                    }
                }
                Err(why) => self.problems.push(format!("{at}: {why}; skipped")),
            }
        }
    }

    fn push(&mut self, r: TraceRecord) {
        let i = self.records.len();
        let full = r.revision.len() == 40 || r.revision.len() == 64;
        if full {
            self.by_revision
                .entry(r.revision.clone())
                .or_default()
                .push(i);
        } else {
            self.short.push(i);
        }
        self.records.push(r);
    }

    fn at_revision<'a>(&'a self, sha: &'a str) -> impl Iterator<Item = usize> + 'a {
        let sha_l = sha.to_ascii_lowercase();
        let full = self.by_revision.get(&sha_l).into_iter().flatten().copied();
        let short = self
            .short
            .iter()
            .copied()
            .filter(move |&i| sha_l.starts_with(&self.records[i].revision));
        full.chain(short)
    }

    /// Records that describe commit `sha` (with `parents`, made at
    /// `time`, seconds since the epoch), ordered oldest first (by
    /// timestamp, then order read), so later ones win a line.
    pub fn for_commit(&self, sha: &str, parents: &[String], time: i64) -> Vec<Applied> {
        if self.records.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Applied> = self
            .at_revision(sha)
            .map(|record| Applied {
                record,
                rule: Rule::SameRevision,
            })
            .collect();
        for p in parents {
            for record in self.at_revision(p) {
                let before = self.records[record].time.is_some_and(|t| t <= time);
                if before && !out.iter().any(|a| a.record == record) {
                    out.push(Applied {
                        record,
                        rule: Rule::ParentBefore,
                    });
                }
            }
        }
        out.sort_by_key(|a| (self.records[a.record].time.unwrap_or(i64::MIN), a.record));
        out
    }

    /// What the records of a commit say, for the commit-level merge; `None`
    /// when none decides anything (no records, or only `unknown` ranges).
    pub fn summary(&self, applied: &[Applied]) -> Option<TraceSummary> {
        let mut s = TraceSummary::default();
        for a in applied {
            let r = &self.records[a.record];
            let (mut ai, mut mixed, mut human) = (0u64, 0u64, 0u64);
            for f in &r.files {
                for g in &f.ranges {
                    let n = u64::from(g.end - g.start + 1);
                    match g.contributor {
                        Contributor::Ai => ai += n,
                        Contributor::Mixed => mixed += n,
                        Contributor::Human => human += n,
                        Contributor::Unknown => continue,
                    }
                    if g.contributor.is_ai() && s.model_id.is_none() {
                        s.model_id = g.model_id.clone();
                    }
                }
            }
            if ai + mixed + human == 0 {
                continue;
            }
            s.ai_lines += ai;
            s.mixed_lines += mixed;
            s.human_lines += human;
            if ai + mixed > 0 && s.tool.is_none() {
                s.tool = r.tool.clone();
            }
            s.evidence.push(format!(
                "{}: {}; {ai} AI, {mixed} mixed, {human} human line(s)",
                r.label(),
                a.rule.describe()
            ));
        }
        if s.evidence.is_empty() {
            return None;
        }
        s.problems = self.problems.clone();
        Some(s)
    }

    /// Paints the lines of `path` in the commit's version from the records
    /// that apply to it. `text` is that version of the file (needed only
    /// when [`AgentTraces::needs_text`] says so; `None` makes hashed ranges
    /// match by line number).
    pub fn paint(&self, applied: &[Applied], path: &str, text: Option<&str>) -> LineMap {
        let lines: Option<Vec<&str>> = text.map(split_lines);
        let mut map = LineMap::default();
        for a in applied {
            let r = &self.records[a.record];
            for f in r.files.iter().filter(|f| same_path(&f.path, path)) {
                for g in &f.ranges {
                    if g.contributor == Contributor::Unknown {
                        continue;
                    }
                    let Some((start, end, how)) = place(g, lines.as_deref()) else {
                        continue;
                    };
                    let d = map.decisions.len();
                    map.decisions.push(LineDecision {
                        contributor: g.contributor,
                        model_id: g.model_id.clone(),
                        tool: r.tool.clone(),
                        conversation: g.conversation.clone(),
                        detail: format!(
                            "{}: {}; range {}-{} of {} ({})",
                            r.label(),
                            a.rule.describe(),
                            g.start,
                            g.end,
                            f.path,
                            how
                        ),
                    });
                    map.paint(start, end, d);
                }
            }
        }
        map
    }

    /// True when a range of `path` carries a content hash, so
    /// [`AgentTraces::paint`] needs the file's text.
    pub fn needs_text(&self, applied: &[Applied], path: &str) -> bool {
        applied.iter().any(|a| {
            self.records[a.record]
                .files
                .iter()
                .filter(|f| same_path(&f.path, path))
                .any(|f| f.ranges.iter().any(|g| g.content_hash.is_some()))
        })
    }
}

/// `./src/a.rs` and `src/a.rs` are one path.
fn same_path(recorded: &str, path: &str) -> bool {
    recorded.strip_prefix("./").unwrap_or(recorded) == path
}

/// Lines of a file as the ranges count them (a final newline ends the last
/// line, it does not start another).
fn split_lines(text: &str) -> Vec<&str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.is_empty() && text.is_empty() {
        return Vec::new();
    }
    body.split('\n').collect()
}

/// Where a range lands in the commit's version, and how it was matched.
fn place(g: &TraceRange, lines: Option<&[&str]>) -> Option<(u32, u32, String)> {
    let by_number = |why: &str| Some((g.start, g.end, format!("matched by line number{why}")));
    let Some(hash) = g.content_hash.as_deref() else {
        return by_number("; no content hash");
    };
    let Some(want) = Hash::parse(hash) else {
        return by_number(&format!(
            "; content hash `{hash}` uses an algorithm aeef does not compute"
        ));
    };
    let Some(lines) = lines else {
        return by_number("; the file's content was not available to check its content hash");
    };
    let len = (g.end - g.start + 1) as usize;
    let at = |from: usize| lines.get(from..from + len).is_some_and(|w| want.matches(w));
    let recorded = g.start as usize - 1;
    if at(recorded) {
        return Some((
            g.start,
            g.end,
            "matched by content hash at its recorded lines".into(),
        ));
    }
    if lines.len().saturating_mul(len) > MAX_SEARCH_WORK {
        return None;
    }
    let found: Vec<usize> = (0..lines.len().saturating_sub(len - 1))
        .filter(|&i| i != recorded && at(i))
        .take(2)
        .collect();
    match found.as_slice() {
        [i] => {
            let (a, b) = (*i as u32 + 1, (*i + len) as u32);
            Some((
                a,
                b,
                format!("matched by content hash, moved to lines {a}-{b}"),
            ))
        }
        // Not there, or in several places: the hash says the recorded
        // content is not identifiable in this version.
        _ => None,
    }
}

/// A content hash this module can check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hash {
    Sha256(String),
    Murmur3(u32),
}

impl Hash {
    fn parse(s: &str) -> Option<Hash> {
        let (alg, hex) = s.trim().split_once(':')?;
        match alg.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" if hex.len() == 64 => Some(Hash::Sha256(hex.to_ascii_lowercase())),
            "murmur3" | "murmur3_32" => u32::from_str_radix(hex, 16).ok().map(Hash::Murmur3),
            _ => None,
        }
    }

    /// Whether the lines, joined by `\n` (with or without a final
    /// newline), have this hash.
    fn matches(&self, lines: &[&str]) -> bool {
        let joined = lines.join("\n");
        let with_nl = format!("{joined}\n");
        [joined.as_bytes(), with_nl.as_bytes()]
            .iter()
            .any(|b| match self {
                Hash::Sha256(h) => sha256_hex(b) == *h,
                Hash::Murmur3(h) => murmur3_32(b, 0) == *h,
            })
    }
}

/// What a record says about one painted span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDecision {
    pub contributor: Contributor,
    pub model_id: Option<String>,
    /// `tool.name` of the record, as written.
    pub tool: Option<String>,
    /// The conversation `url` of the range, if given.
    pub conversation: Option<String>,
    /// Which record, rule and range matched, for the evidence.
    pub detail: String,
}

/// The lines of one file of one commit that records decide: disjoint
/// spans, each owned by the record range that painted it last.
#[derive(Debug, Default)]
pub struct LineMap {
    /// `(first, last, index into decisions)`, inclusive, disjoint, sorted.
    spans: Vec<(u32, u32, usize)>,
    decisions: Vec<LineDecision>,
}

impl LineMap {
    fn paint(&mut self, a: u32, b: u32, d: usize) {
        super::spans::paint(&mut self.spans, a, b, d);
    }

    /// The decision for a 1-based line, if a record lists it.
    pub fn at(&self, line: u32) -> Option<&LineDecision> {
        let i = self.spans.partition_point(|&(_, b, _)| b < line);
        let &(a, _, d) = self.spans.get(i)?;
        (a <= line).then(|| &self.decisions[d])
    }

    /// Merged 1-based ranges of lines decided AI (`ai` or `mixed`).
    pub fn ai_ranges(&self) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for &(a, b, d) in &self.spans {
            if !self.decisions[d].contributor.is_ai() {
                continue;
            }
            match out.last_mut() {
                Some(l) if l.1.checked_add(1) == Some(a) => l.1 = b,
                _ => out.push((a, b)),
            }
        }
        out
    }
}

/// What the records of one commit say, for the commit-level merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceSummary {
    pub ai_lines: u64,
    pub mixed_lines: u64,
    pub human_lines: u64,
    /// `tool.name` of the first record with AI lines, as written.
    pub tool: Option<String>,
    /// First `model_id` of an AI range, as written.
    pub model_id: Option<String>,
    /// One line per record that decided something.
    pub evidence: Vec<String>,
    /// Skipped lines of the traces file(s) in this run.
    pub problems: Vec<String>,
}

/// The model part of a models.dev id: `anthropic/claude-opus-4-5` →
/// `claude-opus-4-5` (the id as written stays in the evidence).
pub fn model_name(model_id: &str) -> &str {
    model_id
        .rsplit_once('/')
        .map_or(model_id, |(_, m)| m)
        .trim()
}

/// The canonical tool id of a record's `tool.name` (`claude-code`,
/// `cursor`, …), `unknown-agent` for a name no agent entry knows.
pub fn tool_id(name: Option<&str>) -> String {
    name.and_then(agents::known_tool)
        .unwrap_or(agents::tool::UNKNOWN)
        .to_string()
}

/// Adds what a commit's records say to its merged provenance: the source
/// `agent-trace`, and AI with high confidence when a record lists AI or
/// mixed lines (`mixed` makes human modifications `moderate` unless another
/// source declared a level). Tool and model fill gaps only, unless every
/// earlier source was low-confidence.
pub fn apply(p: &mut Provenance, s: &TraceSummary) {
    p.add_source("agent-trace");
    p.signals.extend(s.evidence.iter().cloned());
    for problem in s.problems.iter().take(MAX_PROBLEMS_SHOWN) {
        p.signals.push(format!("Agent Trace: {problem}"));
    }
    if s.problems.len() > MAX_PROBLEMS_SHOWN {
        p.signals.push(format!(
            "Agent Trace: {} more problem(s) in the traces file",
            s.problems.len() - MAX_PROBLEMS_SHOWN
        ));
    }
    if s.ai_lines + s.mixed_lines == 0 {
        return;
    }
    let was_high = p.is_ai();
    if p.declared_human && !was_high {
        p.conflicts.push(
            "the commit declares itself human-written but other sources attribute it to AI; the AI sources win".into(),
        );
    }
    if !was_high || p.tool.is_none() {
        p.tool = Some(tool_id(s.tool.as_deref()));
    }
    if (!was_high || p.model_version.is_none())
        && let Some(m) = s
            .model_id
            .as_deref()
            .map(model_name)
            .and_then(super::model::normalise)
    {
        p.model_version = Some(m);
    }
    if s.mixed_lines > 0 && p.human_modifications == HumanModifications::Unknown {
        p.human_modifications = HumanModifications::Moderate;
    }
    p.ai = true;
    p.confidence = Some(Confidence::High);
}

/// Parses one line of a traces file: `Ok(None)` for a record of another
/// VCS, `Err` for a line that is not a usable record; range-level problems
/// come back with the record.
fn parse_record(line: &str, at: &str) -> Result<Option<(TraceRecord, Vec<String>)>, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON record ({e})"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    let vcs = obj.get("vcs");
    if let Some(t) = vcs.and_then(|v| v.get("type")).and_then(|t| t.as_str())
        && !t.eq_ignore_ascii_case("git")
    {
        return Ok(None);
    }
    let revision = vcs
        .and_then(|v| v.get("revision"))
        .and_then(|r| r.as_str())
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| r.len() >= 7 && r.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or("no git vcs.revision (a 7-64 hex commit id), so no commit to attribute it to")?;
    let str_field = |o: Option<&serde_json::Value>| {
        o.and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let id = str_field(obj.get("id"));
    let time = str_field(obj.get("timestamp"))
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.timestamp());
    let tool = str_field(obj.get("tool").and_then(|t| t.get("name")));
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let contributor_of = |c: Option<&serde_json::Value>| {
        c.map(|c| {
            (
                c.get("type")
                    .and_then(|t| t.as_str())
                    .map_or(Contributor::Unknown, Contributor::parse),
                str_field(c.get("model_id")),
            )
        })
    };
    for f in obj
        .get("files")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
    {
        let Some(path) = str_field(f.get("path")) else {
            problems.push(format!("{at}: a file without a path; skipped"));
            continue;
        };
        let mut ranges = Vec::new();
        let convs = f.get("conversations").and_then(|c| c.as_array());
        for c in convs.into_iter().flatten() {
            let conv = contributor_of(c.get("contributor"));
            let url = str_field(c.get("url"));
            for g in c
                .get("ranges")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                let num = |k: &str| {
                    g.get(k)
                        .and_then(|n| n.as_u64())
                        .and_then(|n| u32::try_from(n).ok())
                        .filter(|&n| n >= 1)
                };
                let (Some(start), Some(end)) = (num("start_line"), num("end_line")) else {
                    problems.push(format!(
                        "{at}: a range of {path} without 1-based start_line and end_line; skipped"
                    ));
                    continue;
                };
                if start > end {
                    problems.push(format!(
                        "{at}: range {start}-{end} of {path} runs backwards; skipped"
                    ));
                    continue;
                }
                let own = contributor_of(g.get("contributor"));
                let (contributor, model_id) = match (own, &conv) {
                    (Some((c, m)), _) => (c, m.or_else(|| conv.as_ref().and_then(|x| x.1.clone()))),
                    (None, Some((c, m))) => (*c, m.clone()),
                    (None, None) => (Contributor::Unknown, None),
                };
                ranges.push(TraceRange {
                    start,
                    end,
                    content_hash: str_field(g.get("content_hash")),
                    contributor,
                    model_id,
                    conversation: url.clone(),
                });
            }
        }
        files.push(TraceFile { path, ranges });
    }
    let origin = at.to_string();
    Ok(Some((
        TraceRecord {
            id,
            origin,
            revision,
            time,
            tool,
            files,
        },
        problems,
    )))
}

/// Reads the records of a run: `.agent-trace/traces.jsonl` as committed at
/// `tip` (`HEAD` when `None`) and the work tree's copy (many keep it
/// uncommitted), each at most [`MAX_TRACE_BYTES`]. The one function of this
/// module that touches git. What cannot be read is a problem in the
/// evidence of the commits the records describe; the one error is a
/// damaged loose object on the way to the file
/// ([`crate::error::GitError::CorruptObject`]), which would hang libgit2.
pub fn load(
    repo: &crate::git::Repo,
    tip: Option<&str>,
) -> Result<AgentTraces, crate::error::GitError> {
    let mut t = AgentTraces::default();
    let g = repo.git2();
    let rev = tip.unwrap_or("HEAD");
    // Most repositories have no traces file: aeef's pack reader says so
    // without a libgit2 reader opened for one lookup.
    // A damaged loose commit or tree is an error here: libgit2, which
    // reads the file next, loops forever on a truncated one.
    let commit = match repo.resolve_commit(rev) {
        Ok(id) => git2::Oid::from_str(&id).ok(),
        Err(e @ crate::error::GitError::CorruptObject { .. }) => return Err(e),
        Err(_) => None,
    };
    let absent = match commit {
        Some(c) => repo.has_path_fast(c, TRACES_PATH)? == Some(false),
        None => false,
    };
    if !absent
        && let Some(oid) = g
            .revparse_single(rev)
            .ok()
            .and_then(|o| o.peel_to_tree().ok())
            .and_then(|tree| tree.get_path(std::path::Path::new(TRACES_PATH)).ok())
            .map(|e| e.id())
    {
        let origin = format!("{rev}:{TRACES_PATH}");
        let size = g
            .odb()
            .ok()
            .and_then(|o| o.read_header(oid).ok())
            .map(|h| h.0);
        match size {
            Some(n) if n as u64 > MAX_TRACE_BYTES => t.note_problem(format!(
                "{origin} is {n} bytes, more than the {MAX_TRACE_BYTES} aeef reads; not read"
            )),
            _ => {
                if let Ok(blob) = g.find_blob(oid) {
                    t.add_text(&String::from_utf8_lossy(blob.content()), &origin);
                }
            }
        }
    }
    if let Some(dir) = repo.workdir() {
        let path = dir.join(TRACES_PATH);
        match std::fs::metadata(&path) {
            Ok(m) if m.len() > MAX_TRACE_BYTES => t.note_problem(format!(
                "{TRACES_PATH} in the work tree is {} bytes, more than the {MAX_TRACE_BYTES} aeef reads; not read",
                m.len()
            )),
            Ok(_) => {
                if let Ok(bytes) = std::fs::read(&path) {
                    t.add_text(&String::from_utf8_lossy(&bytes), TRACES_PATH);
                }
            }
            Err(_) => {}
        }
    }
    Ok(t)
}

/// SHA-256 (FIPS 180-4) of `data`, lowercase hex.
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    for chunk in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

/// MurmurHash3 x86 32-bit of `data` with `seed` (Austin Appleby's
/// reference, as the `murmurhash` npm package's `v3` computes it over the
/// UTF-8 bytes).
fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for b in blocks.by_ref() {
        let mut k = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, &byte) in tail.iter().enumerate() {
            k |= u32::from(byte) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const REV: &str = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0";

    /// The spec's §6.2 example record, on one line.
    fn spec_example() -> String {
        format!(
            r#"{{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-23T14:30:00Z","vcs":{{"type":"git","revision":"{REV}"}},"tool":{{"name":"cursor","version":"2.4.0"}},"files":[{{"path":"src/utils/parser.ts","conversations":[{{"url":"https://api.cursor.com/v1/conversations/12345","contributor":{{"type":"ai","model_id":"anthropic/claude-opus-4-5-20251101"}},"ranges":[{{"start_line":42,"end_line":67,"content_hash":"murmur3:9f2e8a1b"}}],"related":[{{"type":"session","url":"https://api.cursor.com/v1/sessions/67890"}}]}}]}},{{"path":"src/utils/helpers.ts","conversations":[{{"url":"https://api.cursor.com/v1/conversations/12345","contributor":{{"type":"ai","model_id":"openai/gpt-4o"}},"ranges":[{{"start_line":10,"end_line":25}}]}}]}}],"metadata":{{"confidence":0.95,"dev.cursor":{{"workspace_id":"ws-abc123"}}}}}}"#
        )
    }

    #[test]
    fn the_spec_example_parses() {
        let mut t = AgentTraces::default();
        t.add_text(&spec_example(), "traces.jsonl");
        assert!(t.problems().is_empty(), "{:?}", t.problems());
        let r = &t.records()[0];
        assert_eq!(r.revision, REV);
        assert_eq!(r.tool.as_deref(), Some("cursor"));
        assert_eq!(r.files.len(), 2);
        assert_eq!(r.files[0].ranges[0].start, 42);
        assert_eq!(
            r.files[0].ranges[0].content_hash.as_deref(),
            Some("murmur3:9f2e8a1b")
        );
        assert_eq!(
            r.files[1].ranges[0].model_id.as_deref(),
            Some("openai/gpt-4o")
        );
        let applied = t.for_commit(REV, &[], 0);
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].rule, Rule::SameRevision);
        let s = t.summary(&applied).expect("decides");
        assert_eq!(s.ai_lines, 26 + 16);
        assert_eq!(tool_id(s.tool.as_deref()), "cursor");
        assert_eq!(
            model_name(s.model_id.as_deref().unwrap()),
            "claude-opus-4-5-20251101"
        );
        // The same record read again (committed copy and work tree) counts once.
        t.add_text(&spec_example(), "work tree");
        assert_eq!(t.records().len(), 1);
    }

    #[test]
    fn records_without_a_git_revision_are_problems_and_other_vcs_are_ignored() {
        let mut t = AgentTraces::default();
        // The spec's minimal record has no vcs: it cannot be tied to a commit.
        t.add_text(
            r#"{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-25T10:00:00Z","files":[{"path":"src/app.ts","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":50}]}]}]}
{"version":"0.1.0","id":"b","timestamp":"2026-01-25T10:00:00Z","vcs":{"type":"jj","revision":"kkmpptxz"},"files":[]}
"#,
            "t",
        );
        assert!(t.is_empty());
        assert_eq!(t.problems().len(), 1);
        assert!(t.problems()[0].starts_with("t line 1: no git vcs.revision"));
    }

    #[test]
    fn an_abbreviated_revision_matches_by_prefix() {
        let mut t = AgentTraces::default();
        t.add_text(
            r#"{"id":"c","vcs":{"type":"git","revision":"A1B2C3D"},"files":[{"path":"a","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":1}]}]}]}"#,
            "t",
        );
        assert_eq!(t.for_commit(REV, &[], 0).len(), 1);
        assert!(
            t.for_commit("b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", &[], 0)
                .is_empty()
        );
    }

    #[test]
    fn range_contributor_overrides_the_conversation_and_later_records_win() {
        let mut t = AgentTraces::default();
        t.add_text(
            &format!(
                r#"{{"id":"1","timestamp":"2026-01-01T00:00:00Z","vcs":{{"type":"git","revision":"{REV}"}},"files":[{{"path":"./f","conversations":[{{"contributor":{{"type":"ai"}},"ranges":[{{"start_line":1,"end_line":10}},{{"start_line":4,"end_line":4,"contributor":{{"type":"human"}}}}]}}]}}]}}
{{"id":"0","timestamp":"2025-12-31T00:00:00Z","vcs":{{"type":"git","revision":"{REV}"}},"files":[{{"path":"f","conversations":[{{"contributor":{{"type":"human"}},"ranges":[{{"start_line":1,"end_line":12}}]}}]}}]}}"#
            ),
            "t",
        );
        let applied = t.for_commit(REV, &[], 0);
        // Record "0" is older: "1" paints over it although it was read first.
        let m = t.paint(&applied, "f", None);
        assert_eq!(m.ai_ranges(), vec![(1, 3), (5, 10)]);
        assert_eq!(m.at(11).map(|d| d.contributor), Some(Contributor::Human));
        assert_eq!(m.at(13), None);
    }

    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(
            sha256_hex(long),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn murmur3_matches_known_vectors() {
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 0x514e_28b7);
        assert_eq!(murmur3_32(b"hello", 0), 0x248b_fa47);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0),
            0x2e4f_f723
        );
    }

    #[test]
    fn murmur3_content_hash_matches_at_the_recorded_lines() {
        let text = "a\nfn x() {}\nb\n";
        let h = murmur3_32(b"fn x() {}", 0);
        let g = TraceRange {
            start: 2,
            end: 2,
            content_hash: Some(format!("murmur3:{h:x}")),
            contributor: Contributor::Ai,
            model_id: None,
            conversation: None,
        };
        let lines = split_lines(text);
        let (a, b, how) = place(&g, Some(&lines)).expect("placed");
        assert_eq!((a, b), (2, 2));
        assert!(how.contains("at its recorded lines"), "{how}");
        let unknown = TraceRange {
            content_hash: Some("xxh3:abcd".into()),
            ..g
        };
        let (_, _, how) = place(&unknown, Some(&lines)).expect("by number");
        assert!(how.contains("does not compute"), "{how}");
    }
}
