//! Defect origin (DESIGN §2): `ai-generated`, `ai-modified`, `ai-adjacent`
//! or `human`, with the evidence behind each decision.
//!
//! The decision itself ([`decide`]) is pure: it takes the commit's own
//! provenance and the blame of the lines around its changes, as values.
//! [`Classifier`] gathers those values from git and caches provenance per
//! commit, so a line range that touches many commits reads each once.
pub mod ancestry;
pub mod lines;
pub mod onepass;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Serialize;

use crate::error::GitError;
use crate::git::{self, BlameLine, FileChange, Hunk, Repo};
use crate::incident::Origin;
use crate::provenance::agent_trace::{self, AgentTraces, Applied, LineMap};
use crate::provenance::{
    self, AgentTable, AttestKey, HumanModifications, Note, Provenance, Resolution, Trailer,
};

/// How far from a change AI lines make it `ai-adjacent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Within N lines of the changed lines (default 3).
    Lines(u32),
    /// Within the function that encloses the change, as git's
    /// function-context diff (`git diff -W`) delimits it.
    Function,
}

impl std::str::FromStr for Window {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("function") {
            return Ok(Window::Function);
        }
        s.parse()
            .map(Window::Lines)
            .map_err(|_| format!("`{s}` is neither a number of lines nor `function`"))
    }
}

/// Options of a classification.
#[derive(Debug, Clone)]
pub struct Options {
    /// Adjacency window (default 3 lines).
    pub window: Window,
    pub agents: AgentTable,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: Window::Lines(3),
            agents: AgentTable::builtin(),
        }
    }
}

/// One piece of evidence behind a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `provenance`, `conflict`, `ai-lines-modified`, `ai-lines-adjacent`,
    /// `ignored-rev` (a revision blame looked past), `info`.
    pub kind: String,
    pub message: String,
    /// For blame-based evidence: the AI commit whose lines are involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ai_commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line ranges `[from, to]` in the parent's version of `file`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<(u32, u32)>,
}

impl Evidence {
    fn info(kind: &str, message: impl Into<String>) -> Self {
        Evidence {
            kind: kind.into(),
            message: message.into(),
            ai_commit: None,
            file: None,
            lines: Vec::new(),
        }
    }
}

/// The classification of one commit.
#[derive(Debug, Clone, Serialize)]
pub struct CommitClassification {
    pub commit: String,
    pub origin: Origin,
    pub provenance: Provenance,
    pub trailers: Vec<Trailer>,
    pub evidence: Vec<Evidence>,
    /// Files the commit touched (new paths; old path for deletions).
    #[serde(skip)]
    pub files: Vec<String>,
    /// First line of the message.
    #[serde(skip)]
    pub summary: String,
}

/// Origin of a commit that carries AI provenance of its own.
pub fn origin_of_ai(p: &Provenance) -> Origin {
    match p.human_modifications {
        HumanModifications::Moderate | HumanModifications::Substantial => Origin::AiModified,
        _ => Origin::AiGenerated,
    }
}

/// A blamed line of the parent, with whether AI wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributedLine {
    /// Line number in the parent.
    pub line: u32,
    pub commit: String,
    pub ai: bool,
}

/// The parent's attribution around one changed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContext {
    /// Path in the parent.
    pub path: String,
    pub hunks: Vec<Hunk>,
    /// Parent lines within the adjacency window of the hunks.
    pub near: Vec<(u32, u32)>,
    /// Blame of the lines in and around the hunks, at the parent.
    pub lines: Vec<AttributedLine>,
}

/// The parent-coordinate lines a hunk changes (empty for a pure insertion).
fn changed(h: &Hunk) -> Option<(u32, u32)> {
    (h.old_lines > 0).then(|| (h.old_start, h.old_start + h.old_lines - 1))
}

/// Parent lines within `window` lines of a hunk, including the changed ones.
pub fn neighbourhood(h: &Hunk, window: u32) -> (u32, u32) {
    match changed(h) {
        Some((a, b)) => (a.saturating_sub(window).max(1), b + window),
        // Inserted after line `old_start`: lines old_start-w+1 ..= old_start+w.
        None => (
            (h.old_start + 1).saturating_sub(window).max(1),
            h.old_start + window,
        ),
    }
}

/// Collapses sorted line numbers into inclusive ranges.
pub fn ranges(mut lines: Vec<u32>) -> Vec<(u32, u32)> {
    lines.sort_unstable();
    lines.dedup();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for l in lines {
        match out.last_mut() {
            Some((_, b)) if *b + 1 == l => *b = l,
            _ => out.push((l, l)),
        }
    }
    out
}

/// The pure decision of DESIGN §2.
pub fn decide(own: &Provenance, files: &[FileContext]) -> (Origin, Vec<Evidence>) {
    let mut evidence = Vec::new();
    if own.is_ai() {
        for s in &own.signals {
            evidence.push(Evidence::info("provenance", s.clone()));
        }
        return (origin_of_ai(own), evidence);
    }
    if own.ai {
        for s in &own.signals {
            evidence.push(Evidence::info("low-confidence", s.clone()));
        }
    }
    let mut modified = false;
    let mut adjacent = false;
    for f in files {
        // (ai commit) → lines, for modified and adjacent separately.
        let mut hit_mod: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut hit_adj: HashMap<&str, Vec<u32>> = HashMap::new();
        for l in f.lines.iter().filter(|l| l.ai) {
            let in_change = f
                .hunks
                .iter()
                .filter_map(changed)
                .any(|(a, b)| (a..=b).contains(&l.line));
            if in_change {
                hit_mod.entry(&l.commit).or_default().push(l.line);
            } else if f.near.iter().any(|&(a, b)| (a..=b).contains(&l.line)) {
                hit_adj.entry(&l.commit).or_default().push(l.line);
            }
        }
        for (kind, hits, what) in [
            ("ai-lines-modified", hit_mod, "changes or deletes"),
            (
                "ai-lines-adjacent",
                hit_adj,
                "changes lines within the adjacency window of",
            ),
        ] {
            let mut hits: Vec<_> = hits.into_iter().collect();
            hits.sort();
            for (commit, lines) in hits {
                if kind == "ai-lines-modified" {
                    modified = true;
                } else {
                    adjacent = true;
                }
                let rs = ranges(lines);
                evidence.push(Evidence {
                    kind: kind.into(),
                    message: format!(
                        "{what} {} of {} attributed to AI commit {}",
                        fmt_lines(&rs),
                        f.path,
                        &commit[..commit.len().min(12)]
                    ),
                    ai_commit: Some(commit.to_string()),
                    file: Some(f.path.clone()),
                    lines: rs,
                });
            }
        }
    }
    let origin = if modified {
        Origin::AiModified
    } else if adjacent {
        Origin::AiAdjacent
    } else {
        evidence.push(Evidence::info(
            "info",
            "no AI provenance and no AI-attributed lines changed or nearby: the ordinary incident process applies",
        ));
        Origin::Human
    };
    (origin, evidence)
}

/// `1-4, 9` style.
/// `line 5` for one line, `lines 2-4, 9` for more: the ranges with the
/// noun in the right number (evidence messages are read by people).
pub fn fmt_lines(rs: &[(u32, u32)]) -> String {
    match rs {
        [(a, b)] if a == b => format!("line {a}"),
        _ => format!("lines {}", fmt_ranges(rs)),
    }
}

pub fn fmt_ranges(rs: &[(u32, u32)]) -> String {
    rs.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Provenance of one commit plus its line-level sources, cached.
#[derive(Debug)]
struct Known {
    provenance: Provenance,
    trailers: Vec<Trailer>,
    note: Option<Note>,
    /// Agent Trace records that describe this commit and decide something.
    traces: Vec<Applied>,
    raw: git::RawCommit,
}

impl Known {
    /// True when a line-level source decides this commit's lines (DESIGN §2).
    fn line_level(&self) -> bool {
        self.deciding_note() || !self.traces.is_empty()
    }

    /// A note decides the commit's lines unless nothing in it could be
    /// read: a note whose every attestation line is broken says nothing
    /// about lines, and must not override the commit's other sources.
    fn deciding_note(&self) -> bool {
        self.note
            .as_ref()
            .is_some_and(|n| !n.paths().is_empty() || n.problems().is_empty())
    }
}

/// Which source decided a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineSource {
    /// The commit's git-ai note (`refs/notes/ai`).
    GitAiNote,
    /// An Agent Trace record of the commit.
    AgentTrace,
    /// No line-level source: the commit's own provenance.
    Commit,
}

impl LineSource {
    /// The source name as DESIGN §1 spells it (`git-ai-note`, `agent-trace`),
    /// `commit` for the commit-level fallback.
    pub fn as_str(self) -> &'static str {
        match self {
            LineSource::GitAiNote => "git-ai-note",
            LineSource::AgentTrace => "agent-trace",
            LineSource::Commit => "commit",
        }
    }
}

/// Who wrote one line of one commit (DESIGN §2, "AI-attributed line").
///
/// When the commit has a git-ai note or Agent Trace records, they decide:
/// lines they list as AI are AI, lines they list as human and lines they do
/// not list are not, whatever the commit-level sources say. Otherwise the
/// commit's own provenance decides (`ai` is [`Provenance::is_ai`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAttribution {
    pub ai: bool,
    /// Canonical tool id (`claude-code`, …, `unknown-agent`) when `ai`.
    pub tool: Option<String>,
    /// Model as the source gives it, when `ai`.
    pub model: Option<String>,
    /// git-ai session or prompt id, the Agent Trace conversation `url`, or
    /// the commit's session id, when `ai`.
    pub session: Option<String>,
    /// `moderate` for Agent Trace `mixed` lines; otherwise the commit's level.
    pub human_modifications: HumanModifications,
    pub source: LineSource,
    /// Why, in one line: the note key or record and rule that matched.
    pub detail: String,
}

/// Classifies commits of one repository, caching what it reads.
pub struct Classifier<'r> {
    repo: &'r Repo,
    opts: Options,
    known: RefCell<HashMap<String, Rc<Known>>>,
    done: RefCell<HashMap<String, Rc<CommitClassification>>>,
    /// Entire checkpoint metadata, read only for commits that name one.
    entire: RefCell<git::entire::Store>,
    /// The git-ai notes lookup, kept so the notes tree is read once.
    notes: RefCell<git::notes_feed::NotesTree<'r>>,
    /// Agent Trace records, read once per classifier (per run).
    traces: std::cell::OnceCell<AgentTraces>,
    /// Lines of (commit, path) that Agent Trace records decide.
    trace_lines: RefCell<HashMap<(String, String), Rc<LineMap>>>,
    /// Where parent blames may stop, and which paths they may skip
    /// ([`ancestry::Shortcut`]); empty = blame everything to the root.
    shortcut: ancestry::Shortcut,
    /// Parent lines blamed while classifying, by (parent, path at parent),
    /// for line blame to reuse.
    parent_lines: RefCell<HashMap<(String, String), Vec<AttributedLine>>>,
    /// Set by [`Classifier::origin_only`]: stop blaming a commit's files
    /// once one shows the strongest answer, blaming these paths first.
    origin_only: Option<std::sync::Arc<std::collections::HashSet<String>>>,
    /// Parent lines already known without blaming ([`onepass`]), by
    /// (parent, path at parent); used when they cover a file's window.
    known_lines: Option<std::sync::Arc<onepass::ParentLines>>,
    /// Commits' changes read ahead by one git process ([`Classifier::with_changes`]).
    changes: Option<std::sync::Arc<git::diff::ChangesFeed>>,
}

impl<'r> Classifier<'r> {
    pub fn new(repo: &'r Repo, opts: Options) -> Self {
        Classifier {
            repo,
            opts,
            known: RefCell::default(),
            done: RefCell::default(),
            entire: RefCell::new(git::entire::Store::new(repo)),
            notes: RefCell::new(git::notes_feed::NotesTree::new(repo)),
            traces: std::cell::OnceCell::new(),
            trace_lines: RefCell::default(),
            shortcut: ancestry::Shortcut::default(),
            parent_lines: RefCell::default(),
            origin_only: None,
            known_lines: None,
            changes: None,
        }
    }

    /// Parent lines known without blaming (from [`onepass`]): a file whose
    /// whole window they cover is not blamed at the parent. Same answers.
    pub fn with_known_lines(mut self, lines: std::sync::Arc<onepass::ParentLines>) -> Self {
        self.known_lines = Some(lines);
        self
    }

    /// Takes a commit's changes against its parent from `feed` where it
    /// has them (one `git diff-tree` for many commits); same answers.
    pub fn with_changes(mut self, feed: std::sync::Arc<git::diff::ChangesFeed>) -> Self {
        self.changes = Some(feed);
        self
    }

    /// For callers that read only [`CommitClassification::origin`]: a human
    /// commit is `ai-modified` as soon as one file's changed parent lines
    /// include an AI-attributed line (DESIGN §2; nothing ranks higher), so
    /// its remaining files are not blamed and the evidence is partial.
    /// Files whose parent path is in `first` are blamed first (the ones the
    /// caller needs anyway). The origin is the same as [`Classifier::classify`]'s.
    pub fn origin_only(mut self, first: std::sync::Arc<std::collections::HashSet<String>>) -> Self {
        self.origin_only = Some(first);
        self
    }

    fn traces(&self) -> Result<&AgentTraces, GitError> {
        if let Some(t) = self.traces.get() {
            return Ok(t);
        }
        let t = agent_trace::load(self.repo, None)?;
        Ok(self.traces.get_or_init(|| t))
    }

    /// Lets parent blames stop at the shortcut's bound (commits whose
    /// history carries no AI provenance) and skip paths where no line can
    /// be AI-attributed ([`ancestry::Shortcut`]). Same answers, less work.
    pub fn bounded(mut self, shortcut: ancestry::Shortcut) -> Self {
        self.shortcut = shortcut;
        self
    }

    fn known(&self, sha: &str) -> Result<Rc<Known>, GitError> {
        if let Some(k) = self.known.borrow().get(sha) {
            return Ok(k.clone());
        }
        let raw = git::commits::read(self.repo, sha)?;
        // Only the `agent_id`s of the metadata are kept, as scans read
        // notes (one reading everywhere): a whole-file blame on git-ai held
        // 30 MB of transcripts otherwise.
        let note = self
            .repo
            .note(&mut self.notes.borrow_mut(), sha, |bytes| {
                Note::parse(&provenance::notes_fast::shrink(bytes)).ok()
            })?
            .flatten();
        let (trailers, mut provenance) = provenance::of_commit(
            &self.opts.agents,
            &raw.identity(),
            &raw.message,
            note.as_ref(),
        );
        self.entire.borrow_mut().enrich(&mut provenance);
        let traces = self.traces()?;
        let mut applied = traces.for_commit(sha, &raw.parents, raw.author_time);
        match traces.summary(&applied) {
            Some(s) => agent_trace::apply(&mut provenance, &s),
            // Records that decide nothing (`unknown` only) do not narrow lines.
            None => applied.clear(),
        }
        let k = Rc::new(Known {
            provenance,
            trailers,
            note,
            traces: applied,
            raw,
        });
        self.known.borrow_mut().insert(sha.to_string(), k.clone());
        Ok(k)
    }

    /// Provenance of `sha` (cached).
    pub fn provenance(&self, sha: &str) -> Result<Provenance, GitError> {
        Ok(self.known(sha)?.provenance.clone())
    }

    /// False only when no line `sha` wrote can be AI-attributed
    /// ([`Classifier::line_attribution`]): the commit carries no AI
    /// provenance of its own, and it has no git-ai note and no Agent Trace
    /// record that could list AI lines. Cached with the commit.
    pub fn may_attribute_ai(&self, sha: &str) -> Result<bool, GitError> {
        let k = self.known(sha)?;
        Ok(k.provenance.is_ai() || k.note.is_some() || !k.traces.is_empty())
    }

    /// The Agent Trace decisions for `path` as of `commit` (cached).
    fn trace_map(&self, commit: &str, k: &Known, path: &str) -> Rc<LineMap> {
        let key = (commit.to_string(), path.to_string());
        if let Some(m) = self.trace_lines.borrow().get(&key) {
            return m.clone();
        }
        // `known` read the traces before any line is asked for, and stopped
        // on the one error they can give: this is never an `Err`.
        let Ok(traces) = self.traces() else {
            return Rc::default();
        };
        let text = traces
            .needs_text(&k.traces, path)
            .then(|| self.file_at(commit, path))
            .flatten();
        let m = Rc::new(traces.paint(&k.traces, path, text.as_deref()));
        self.trace_lines.borrow_mut().insert(key, m.clone());
        m
    }

    /// `path` as of `commit`, as text (for content hashes); `None` when
    /// absent or larger than the traces bound.
    fn file_at(&self, commit: &str, path: &str) -> Option<String> {
        let g = self.repo.git2();
        let tree = g
            .find_commit(git2::Oid::from_str(commit).ok()?)
            .ok()?
            .tree()
            .ok()?;
        let blob = tree
            .get_path(std::path::Path::new(path))
            .ok()?
            .to_object(g)
            .ok()?;
        let blob = blob.as_blob()?;
        (blob.size() as u64 <= agent_trace::MAX_TRACE_BYTES)
            .then(|| String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// Who wrote line `line` (1-based) of `path` as of `commit`, the commit
    /// `git blame` names for it (`path` and `line` are blame's original
    /// path and line, i.e. in that commit's version). Cached per commit and
    /// file; a line costs a binary search. See [`LineAttribution`] for the
    /// rule; errors only when the commit cannot be read.
    pub fn line_attribution(
        &self,
        commit: &str,
        path: &str,
        line: u32,
    ) -> Result<LineAttribution, GitError> {
        let k = self.known(commit)?;
        let p = &k.provenance;
        if let Some(note) = &k.note
            && let Some(key) = note.owner(path, line)
        {
            if !key.is_ai() {
                return Ok(LineAttribution {
                    ai: false,
                    tool: None,
                    model: None,
                    session: None,
                    human_modifications: HumanModifications::Unknown,
                    source: LineSource::GitAiNote,
                    detail: format!(
                        "git-ai note attests line {line} of {path} to human key `{}`",
                        key.id()
                    ),
                });
            }
            let (tool, model, why) = match note.resolve(key) {
                Resolution::Agent(a) => {
                    let tool = a.tool.as_deref().map(|t| {
                        provenance::agents::known_tool(t).map_or_else(|| t.to_string(), str::to_string)
                    });
                    (
                        tool,
                        a.model.as_deref().and_then(provenance::model::normalise),
                        String::new(),
                    )
                }
                Resolution::Silent => (None, None, String::new()),
                Resolution::Anonymous => (None, None, " (AI, tool unknown)".to_string()),
                Resolution::Nowhere => (
                    None,
                    None,
                    " (the key resolves to no session or prompt of the note's metadata: AI, tool unknown)".to_string(),
                ),
            };
            let session = match key {
                AttestKey::Session { session, .. } | AttestKey::Legacy(session) => {
                    Some(session.clone())
                }
                _ => None,
            };
            return Ok(LineAttribution {
                ai: true,
                tool: Some(tool.unwrap_or_else(|| provenance::agents::tool::UNKNOWN.to_string())),
                model,
                session,
                human_modifications: p.human_modifications,
                source: LineSource::GitAiNote,
                detail: format!(
                    "git-ai note attests line {line} of {path} to AI key `{}`{why}",
                    key.id()
                ),
            });
        }
        if !k.traces.is_empty()
            && let Some(d) = self.trace_map(commit, &k, path).at(line)
        {
            let ai = d.contributor.is_ai();
            return Ok(LineAttribution {
                ai,
                tool: ai.then(|| agent_trace::tool_id(d.tool.as_deref())),
                model: d
                    .model_id
                    .as_deref()
                    .filter(|_| ai)
                    .and_then(|m| provenance::model::normalise(agent_trace::model_name(m))),
                session: d.conversation.clone().filter(|_| ai),
                human_modifications: match d.contributor {
                    agent_trace::Contributor::Mixed => HumanModifications::Moderate,
                    _ if ai => p.human_modifications,
                    _ => HumanModifications::Unknown,
                },
                source: LineSource::AgentTrace,
                detail: format!("{} ({})", d.detail, d.contributor.as_str()),
            });
        }
        if k.line_level() {
            let (source, what) = if k.deciding_note() {
                (LineSource::GitAiNote, "the commit's git-ai note")
            } else {
                (LineSource::AgentTrace, "the commit's Agent Trace records")
            };
            return Ok(LineAttribution {
                ai: false,
                tool: None,
                model: None,
                session: None,
                human_modifications: HumanModifications::Unknown,
                source,
                detail: format!(
                    "line {line} of {path} is not listed as AI by {what}, which decide the commit's lines"
                ),
            });
        }
        let ai = p.is_ai();
        Ok(LineAttribution {
            ai,
            tool: p.tool.clone().filter(|_| ai),
            model: p.model_version.clone().filter(|_| ai),
            session: p.session_id.clone().filter(|_| ai),
            human_modifications: p.human_modifications,
            source: LineSource::Commit,
            detail: if ai {
                format!("commit-level provenance ({})", p.sources.join(", "))
            } else {
                "the commit carries no AI provenance".to_string()
            },
        })
    }

    /// Whether line `orig_line` of `orig_path`, last changed by `commit`, was
    /// written by AI ([`Classifier::line_attribution`]), with the git-ai note
    /// key that covers it, if any.
    pub fn line_is_ai(
        &self,
        commit: &str,
        orig_path: &str,
        orig_line: u32,
    ) -> Result<(bool, Option<AttestKey>), GitError> {
        let a = self.line_attribution(commit, orig_path, orig_line)?;
        let k = self.known(commit)?;
        let key = k
            .note
            .as_ref()
            .and_then(|n| n.owner(orig_path, orig_line))
            .cloned();
        Ok((a.ai, key))
    }

    /// Tool and model of a note key of `commit`.
    pub fn note_agent(&self, commit: &str, key: &AttestKey) -> Option<provenance::AgentId> {
        let k = self.known(commit).ok()?;
        k.note.as_ref()?.agent(key)
    }

    fn check_not_shallow(&self, line: &BlameLine, path: &str) -> Result<(), GitError> {
        git::blame::check_not_boundary(self.repo, line, path)
    }

    /// Parent lines within the adjacency window of a file's hunks.
    fn near(
        &self,
        parent: &str,
        sha: &str,
        ch: &FileChange,
        old: &str,
    ) -> Result<Vec<(u32, u32)>, GitError> {
        let lines = |w| merge_ranges(ch.hunks.iter().map(|h| neighbourhood(h, w)).collect());
        match self.opts.window {
            Window::Lines(w) => Ok(lines(w)),
            Window::Function if self.repo.has_git() => {
                let new = ch.new_path.as_deref().unwrap_or(old);
                let f = git::diff::function_ranges(self.repo, parent, sha, old, new)?;
                // Changes outside any function (git found no header) fall back to lines.
                Ok(if f.is_empty() {
                    lines(3)
                } else {
                    merge_ranges(f)
                })
            }
            Window::Function => Ok(lines(3)),
        }
    }

    /// Classifies commit `sha` (40 hex).
    pub fn classify(&self, sha: &str) -> Result<Rc<CommitClassification>, GitError> {
        if let Some(c) = self.done.borrow().get(sha) {
            return Ok(c.clone());
        }
        let k = self.known(sha)?;
        let raw = &k.raw;
        let mut evidence = Vec::new();
        let mut info = Vec::new();
        for c in &k.provenance.conflicts {
            info.push(Evidence::info("conflict", c.clone()));
        }
        // A shallow edge looks like a root commit: its parents were not fetched.
        if self.repo.is_shallow_boundary(sha) && !k.provenance.is_ai() {
            return Err(GitError::Shallow {
                what: format!(
                    "the parents of {} were not fetched",
                    &sha[..12.min(sha.len())]
                ),
            });
        }
        let changes: Vec<FileChange> = match raw.parents.len() {
            _ if self.repo.is_shallow_boundary(sha) => Vec::new(),
            0 => {
                info.push(Evidence::info("info", "root commit: no parent to blame"));
                git::diff::changes(self.repo, sha, None)?
            }
            1 => {
                let parent = &raw.parents[0];
                match self.changes.as_ref().and_then(|f| f.take(sha, parent)) {
                    Some(changes) => changes,
                    None => git::diff::changes(self.repo, sha, Some(parent))?,
                }
            }
            _ => {
                if !self.repo.has_git() {
                    info.push(Evidence::info(
                        "info",
                        "git is not on PATH: merge conflict resolutions cannot be read; classified by its own provenance",
                    ));
                    Vec::new()
                } else {
                    let r = git::diff::merge_resolutions(self.repo, sha)?;
                    info.push(Evidence::info(
                        "info",
                        if r.is_empty() {
                            "merge commit without conflict resolutions: it adds no lines of its own".to_string()
                        } else {
                            format!("merge commit: classified by its conflict resolutions in {} file(s)", r.len())
                        },
                    ));
                    r
                }
            }
        };
        let files: Vec<String> = changes.iter().map(|c| c.path().to_string()).collect();
        let merge_without_resolutions =
            raw.parents.len() > 1 && changes.is_empty() && self.repo.has_git();
        let mut changes = changes;
        if let Some(first) = &self.origin_only {
            // Stable: the preferred paths first, the rest in diff order.
            changes.sort_by_key(|c| !c.old_path.as_ref().is_some_and(|p| first.contains(p)));
        }
        let mut partial = false;
        let (origin, mut ev) = if merge_without_resolutions {
            (Origin::Human, Vec::new())
        } else if k.provenance.is_ai() {
            decide(&k.provenance, &[])
        } else {
            let mut contexts = Vec::new();
            // An AI-attributed line seen within a window, not changed.
            let mut adjacent = false;
            if let Some(parent) = raw.parents.first() {
                for ch in &changes {
                    let Some(old) = ch.old_path.as_deref() else {
                        continue;
                    };
                    if ch.binary {
                        info.push(Evidence::info(
                            "info",
                            format!("{old}: binary file, no line attribution"),
                        ));
                        continue;
                    }
                    if ch.hunks.is_empty() {
                        continue;
                    }
                    let mut near = self.near(parent, sha, ch, old)?;
                    if adjacent && self.origin_only.as_ref().is_some_and(|f| !f.contains(old)) {
                        // Already `ai-adjacent`: only `ai-modified` can change
                        // the answer, so only the lines the commit changed
                        // are asked (a pure insertion asks nothing). A path
                        // the caller needs (`first`) keeps its whole window.
                        near = merge_ranges(ch.hunks.iter().filter_map(changed).collect());
                        partial = true;
                        if near.is_empty() {
                            continue;
                        }
                    }
                    let bound = &self.shortcut.bound;
                    let known = match self
                        .known_lines
                        .as_ref()
                        .and_then(|k| k.get(&(parent.clone(), old.to_string())))
                    {
                        Some(have) => lines::covered(self.repo, parent, old, &near, have)?,
                        None => None,
                    };
                    // Asked only where a blame would run: the first ask reads the paths.
                    if known.is_none() && !self.shortcut.may_have_ai_path(old) {
                        // No line of this path can be AI (see `bounded`).
                        continue;
                    }
                    let blamed = match known {
                        Some(_) => Vec::new(),
                        None => git::blame::blame_within(self.repo, parent, old, &near, bound)?,
                    };
                    let ignore = self.repo.ignore_revs();
                    for rev in ignore.touching(self.repo.git2(), parent, old) {
                        info.push(Evidence::info(
                            "ignored-rev",
                            format!(
                                "blame of {old} at the parent looked past {} (listed in {})",
                                &rev[..12],
                                ignore.listed_in(&rev).unwrap_or_default()
                            ),
                        ));
                    }
                    let mut lines = known.unwrap_or_else(|| Vec::with_capacity(blamed.len()));
                    for b in &blamed {
                        if b.boundary && !bound.is_empty() {
                            // Older than the bound: not AI (see `bounded`).
                            lines.push(AttributedLine {
                                line: b.line,
                                commit: b.commit.clone(),
                                ai: false,
                            });
                            continue;
                        }
                        self.check_not_shallow(b, old)?;
                        let ai = self
                            .line_attribution(&b.commit, &b.orig_path, b.orig_line)?
                            .ai;
                        lines.push(AttributedLine {
                            line: b.line,
                            commit: b.commit.clone(),
                            ai,
                        });
                    }
                    self.parent_lines
                        .borrow_mut()
                        .entry((parent.clone(), old.to_string()))
                        .or_default()
                        .extend(lines.iter().cloned());
                    let in_change = |l: &AttributedLine| {
                        ch.hunks
                            .iter()
                            .filter_map(changed)
                            .any(|(a, b)| (a..=b).contains(&l.line))
                    };
                    let modified =
                        self.origin_only.is_some() && lines.iter().any(|l| l.ai && in_change(l));
                    adjacent = adjacent
                        || lines.iter().any(|l| {
                            l.ai && !in_change(l)
                                && near.iter().any(|&(a, b)| (a..=b).contains(&l.line))
                        });
                    contexts.push(FileContext {
                        path: old.to_string(),
                        hunks: ch.hunks.clone(),
                        near,
                        lines,
                    });
                    if modified {
                        partial = true;
                        break;
                    }
                }
            }
            decide(&k.provenance, &contexts)
        };
        evidence.append(&mut ev);
        evidence.append(&mut info);
        let c = Rc::new(CommitClassification {
            commit: sha.to_string(),
            origin,
            provenance: k.provenance.clone(),
            trailers: k.trailers.clone(),
            evidence,
            files,
            summary: raw.summary().to_string(),
        });
        if !partial {
            self.done.borrow_mut().insert(sha.to_string(), c.clone());
        }
        Ok(c)
    }
}

/// Sorts and merges overlapping or touching ranges.
pub fn merge_ranges(mut v: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (a, b) in v {
        match out.last_mut() {
            Some((_, pb)) if a <= *pb + 1 => *pb = (*pb).max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ai() -> Provenance {
        Provenance {
            ai: true,
            confidence: Some(provenance::Confidence::High),
            ..Provenance::default()
        }
    }

    fn ctx(hunk: Hunk, ai_lines: &[u32], all: std::ops::RangeInclusive<u32>) -> FileContext {
        FileContext {
            path: "f.rs".into(),
            hunks: vec![hunk],
            near: vec![neighbourhood(&hunk, 3)],
            lines: all
                .map(|l| AttributedLine {
                    line: l,
                    commit: if ai_lines.contains(&l) {
                        "a".repeat(40)
                    } else {
                        "b".repeat(40)
                    },
                    ai: ai_lines.contains(&l),
                })
                .collect(),
        }
    }

    const H: Hunk = Hunk {
        old_start: 10,
        old_lines: 2,
        new_start: 10,
        new_lines: 2,
    };

    #[test]
    fn own_provenance_decides_by_human_modification_level() {
        let mut p = ai();
        assert_eq!(decide(&p, &[]).0, Origin::AiGenerated);
        p.human_modifications = HumanModifications::Minor;
        assert_eq!(decide(&p, &[]).0, Origin::AiGenerated);
        p.human_modifications = HumanModifications::Moderate;
        assert_eq!(decide(&p, &[]).0, Origin::AiModified);
        p.human_modifications = HumanModifications::Substantial;
        assert_eq!(decide(&p, &[]).0, Origin::AiModified);
    }

    #[test]
    fn window_edges_are_inclusive() {
        let human = Provenance::default();
        // Changed lines 10-11; window 3 reaches 7 and 14.
        assert_eq!(
            decide(&human, &[ctx(H, &[7], 1..=20)]).0,
            Origin::AiAdjacent
        );
        assert_eq!(
            decide(&human, &[ctx(H, &[14], 1..=20)]).0,
            Origin::AiAdjacent
        );
        assert_eq!(decide(&human, &[ctx(H, &[6], 1..=20)]).0, Origin::Human);
        assert_eq!(decide(&human, &[ctx(H, &[15], 1..=20)]).0, Origin::Human);
        assert_eq!(
            decide(&human, &[ctx(H, &[11], 1..=20)]).0,
            Origin::AiModified
        );
    }

    #[test]
    fn pure_insertion_window_counts_from_the_insertion_point() {
        let human = Provenance::default();
        let ins = Hunk {
            old_start: 10,
            old_lines: 0,
            new_start: 11,
            new_lines: 3,
        };
        // Inserted between parent lines 10 and 11: 8..=13 is within 3 lines.
        assert_eq!(
            decide(&human, &[ctx(ins, &[8], 1..=20)]).0,
            Origin::AiAdjacent
        );
        assert_eq!(
            decide(&human, &[ctx(ins, &[13], 1..=20)]).0,
            Origin::AiAdjacent
        );
        assert_eq!(decide(&human, &[ctx(ins, &[7], 1..=20)]).0, Origin::Human);
        assert_eq!(decide(&human, &[ctx(ins, &[14], 1..=20)]).0, Origin::Human);
    }

    #[test]
    fn evidence_names_commit_file_and_ranges() {
        let (_, ev) = decide(&Provenance::default(), &[ctx(H, &[10, 11, 13], 1..=20)]);
        let m = ev.iter().find(|e| e.kind == "ai-lines-modified").unwrap();
        assert_eq!(m.lines, vec![(10, 11)]);
        assert_eq!(m.file.as_deref(), Some("f.rs"));
        let a = ev.iter().find(|e| e.kind == "ai-lines-adjacent").unwrap();
        assert_eq!(a.lines, vec![(13, 13)]);
    }

    #[test]
    fn window_parses_lines_or_function() {
        assert_eq!("4".parse::<Window>(), Ok(Window::Lines(4)));
        assert_eq!("function".parse::<Window>(), Ok(Window::Function));
        assert!("wide".parse::<Window>().is_err());
    }

    #[test]
    fn ranges_merge() {
        assert_eq!(
            merge_ranges(vec![(5, 9), (1, 3), (4, 4), (20, 22)]),
            vec![(1, 9), (20, 22)]
        );
        assert_eq!(ranges(vec![3, 1, 2, 7]), vec![(1, 3), (7, 7)]);
    }
}
