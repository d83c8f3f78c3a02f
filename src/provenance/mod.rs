//! AI provenance of a commit, read from every source of DESIGN §1 and merged
//! into one [`Provenance`] value. Pure: takes a message, identities and an
//! optional git-ai note; the git edge (`crate::git`) supplies them.
pub mod agent_trace;
pub mod agents;
pub mod block;
pub mod body;
pub mod entire;
pub mod model;
pub mod notes;
pub mod notes_fast;
pub mod range;
pub mod scan;
pub mod spans;
pub mod trailers;

use serde::Serialize;

pub use agents::{AgentMatch, AgentTable, CommitIdentity};
pub use block::AttributionBlock;
pub use body::BodyLine;
pub use entire::EntireRef;
pub use notes::{AgentId, AttestKey, Note, Resolution};
pub use trailers::Trailer;

/// How much a human changed AI output (`AI-Human-Modifications`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum HumanModifications {
    None,
    Minor,
    Moderate,
    Substantial,
    Unknown,
}

impl HumanModifications {
    /// Parses one of the four declared levels (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "minor" => Some(Self::Minor),
            "moderate" => Some(Self::Moderate),
            "substantial" => Some(Self::Substantial),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Minor => "minor",
            Self::Moderate => "moderate",
            Self::Substantial => "substantial",
            Self::Unknown => "unknown",
        }
    }
}

/// How sure a source is that AI wrote the commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    High,
}

/// Which AEEF fields the commit declares (trailers or `AI-Attribution:` block).
/// The gate's `provenance-incomplete` rule reads this.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AeefFields {
    pub tool: bool,
    pub model_version: bool,
    pub prompt_ref: bool,
    /// Present *and* one of the four levels.
    pub human_modifications: bool,
    pub reviewer: bool,
    /// An `AI-Attribution:` block without `generation-date:` (DESIGN §9:
    /// the block form includes the generation date; trailers have no such
    /// field, so a commit without a block never sets this).
    pub block_undated: bool,
}

impl AeefFields {
    /// Names of the missing fields, as trailer keys.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if !self.tool {
            m.push("AI-Tool");
        }
        if !self.model_version {
            m.push("AI-Model-Version");
        }
        if !self.prompt_ref {
            m.push("AI-Prompt-Ref");
        }
        if !self.human_modifications {
            m.push("AI-Human-Modifications");
        }
        if !self.reviewer {
            m.push("AI-Reviewed-By");
        }
        if self.block_undated {
            m.push("generation-date");
        }
        m
    }
}

/// The merged AI provenance of one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// Some source says AI took part (see `confidence`).
    pub ai: bool,
    pub tool: Option<String>,
    pub model_version: Option<String>,
    pub prompt_ref: Option<String>,
    pub human_modifications: HumanModifications,
    pub reviewer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// `high` for AEEF fields, agent conventions and git-ai notes; `low` when
    /// only weak signals matched; absent when no AI source matched.
    pub confidence: Option<Confidence>,
    /// `aeef-trailer`, `aeef-block`, `agent:<tool>`, `git-ai-note`, `entire`, `declared-human`.
    pub sources: Vec<String>,
    #[serde(skip)]
    pub declared_human: bool,
    #[serde(skip)]
    pub aeef_fields: AeefFields,
    /// What matched, one line each, for the evidence list.
    #[serde(skip)]
    pub signals: Vec<String>,
    /// Disagreements between sources (block vs trailers, negative vs positive).
    #[serde(skip)]
    pub conflicts: Vec<String>,
    /// AEEF fields found only outside git's trailer block (DESIGN §1.1):
    /// the key as written and its message line. They count, and earn the
    /// gate's `provenance-not-trailer` warning.
    #[serde(skip)]
    pub not_in_trailers: Vec<(String, usize)>,
    /// The Entire checkpoints the message names (`Entire-Checkpoint:`).
    #[serde(skip)]
    pub entire: Option<EntireRef>,
}

impl Default for Provenance {
    fn default() -> Self {
        Provenance {
            ai: false,
            tool: None,
            model_version: None,
            prompt_ref: None,
            human_modifications: HumanModifications::Unknown,
            reviewer: None,
            session_id: None,
            confidence: None,
            sources: Vec::new(),
            declared_human: false,
            aeef_fields: AeefFields::default(),
            signals: Vec::new(),
            conflicts: Vec::new(),
            not_in_trailers: Vec::new(),
            entire: None,
        }
    }
}

impl Provenance {
    /// True when the commit counts as carrying AI provenance for
    /// classification: a high-confidence source matched (DESIGN §2).
    pub fn is_ai(&self) -> bool {
        self.ai && self.confidence == Some(Confidence::High)
    }

    fn add_source(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !self.sources.contains(&s) {
            self.sources.push(s);
        }
    }
}

/// What the git-ai note of a commit says, summarised for the merge
/// (DESIGN §1.2 item 4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteSummary {
    /// Number of lines the note attributes to AI keys.
    pub ai_lines: u64,
    /// Number of lines the note attributes to known humans.
    pub human_lines: u64,
    /// Tool and model of the first AI key (in order of appearance) whose
    /// metadata names them.
    pub agent: Option<AgentId>,
    pub session_id: Option<String>,
    /// AI keys that own lines but resolve nowhere in the metadata (AI, tool
    /// unknown), as written; `ai_agent` is listed too.
    pub unknown_keys: Vec<String>,
    /// Skipped lines of the note, `line N: why`.
    pub problems: Vec<String>,
}

impl NoteSummary {
    /// Summarises a parsed note. Reads the metadata (once) only when the
    /// note has AI lines: a human-only or empty note needs none.
    pub fn of(note: &Note) -> NoteSummary {
        let (ai_lines, human_lines) = note.line_counts();
        let mut s = NoteSummary {
            ai_lines,
            human_lines,
            problems: note
                .problems()
                .iter()
                .map(|e| format!("line {}: {}", e.line, e.message))
                .collect(),
            ..NoteSummary::default()
        };
        if ai_lines == 0 {
            return s;
        }
        for key in note.keys().into_iter().filter(|k| k.is_ai()) {
            if s.session_id.is_none()
                && let AttestKey::Session { session, .. } = key
            {
                s.session_id = Some(session.clone());
            }
            match note.resolve(key) {
                Resolution::Agent(a) => {
                    if s.agent.is_none() {
                        s.agent = Some(a);
                    }
                }
                Resolution::Nowhere | Resolution::Anonymous => {
                    s.unknown_keys.push(key.id().to_string());
                }
                Resolution::Silent => {}
            }
        }
        s
    }
}

const K_TOOL: &str = "ai-tool";
const K_MODEL: &str = "ai-model-version";
const K_PROMPT: &str = "ai-prompt-ref";
const K_HUMAN: &str = "ai-human-modifications";
const K_REVIEWER: &str = "ai-reviewed-by";
const K_USAGE: &str = "ai-usage";
const K_RUN: &str = "aeef-run-id";
const K_ASSISTED: &str = "ai-assisted";

/// Keys the merge reads itself, from git's trailer block and from body
/// lines (DESIGN §1.1, §1.2 items 1, 6, 7); everything else is the agent
/// table's. Lower case.
const MERGE_KEYS: [&str; 9] = [
    K_TOOL,
    K_MODEL,
    K_PROMPT,
    K_HUMAN,
    K_REVIEWER,
    K_USAGE,
    K_RUN,
    K_ASSISTED,
    "entire-checkpoint",
];

fn is_merge_key(key: &str) -> bool {
    MERGE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// What `AI-Usage:` declares (AEEF's agent wrapper writes
/// `AI-Usage: aeef-cli/<role>`; the disclosure form is
/// `none|assisted|generated`). `None` for any other value.
fn usage_is_ai(v: &str) -> Option<bool> {
    let l = v.trim().to_ascii_lowercase();
    match l.as_str() {
        "none" => Some(false),
        "assisted" | "generated" => Some(true),
        _ => l
            .strip_prefix("aeef-cli/")
            .filter(|role| !role.is_empty() && !role.contains(char::is_whitespace))
            .map(|_| true),
    }
}

fn is_negative(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "none" | "no" | "false" | "human"
    )
}

/// Merges every source into one value. `trailers` are the commit's trailers
/// as git reads them, `body` the provenance lines outside git's block that
/// the merge reads itself (from [`body::detect`]; git's block wins a key
/// both have); `matches` come from [`AgentTable::detect`] over both views.
pub fn merge(
    trailers: &[Trailer],
    body: &[BodyLine],
    block: Option<&AttributionBlock>,
    matches: &[AgentMatch],
    note: Option<&NoteSummary>,
) -> Provenance {
    let mut p = Provenance::default();
    // (value, None) from git's block, (value, Some(line)) from a body line.
    let get = |key: &str| -> Option<(String, Option<usize>)> {
        let nonempty = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        trailers
            .iter()
            .rev()
            .find(|t| t.key.eq_ignore_ascii_case(key))
            .and_then(|t| nonempty(&t.value))
            .map(|v| (v, None))
            .or_else(|| {
                body.iter()
                    .rev()
                    .find(|b| b.trailer.key.eq_ignore_ascii_case(key))
                    .and_then(|b| nonempty(&b.trailer.value).map(|v| (v, Some(b.line))))
            })
    };
    // A template's placeholder (`AI-Tool: N/A`, `<tool>`, `a|b|c`) is not a
    // declaration: ignored, and listed as a conflict.
    let template = std::cell::RefCell::new(Vec::new());
    let get = |key: &str| {
        get(key).filter(|(v, l)| {
            // Only the tool: a model of `auto` is Cursor's own setting, kept
            // as written (and normalised to no model).
            let keep = !key.eq_ignore_ascii_case(K_TOOL) || !model::is_template_value(v);
            if !keep {
                template.borrow_mut().push(format!(
                    "{key}: `{v}` looks like a template placeholder; ignored{}",
                    body::place(*l)
                ));
            }
            keep
        })
    };
    let split = |x: Option<(String, Option<usize>)>| match x {
        Some((v, l)) => (Some(v), l),
        None => (None, None),
    };
    let (t_tool, l_tool) = split(get(K_TOOL));
    let (t_model, l_model) = split(get(K_MODEL));
    let (t_prompt, l_prompt) = split(get(K_PROMPT));
    let (t_human, l_human) = split(get(K_HUMAN));
    let (t_reviewer, l_reviewer) = split(get(K_REVIEWER));
    p.conflicts.extend(template.borrow_mut().drain(..));
    let mut high = false;
    let mut low = false;

    // 1. AEEF trailers.
    let t_any = t_tool.is_some()
        || t_model.is_some()
        || t_prompt.is_some()
        || t_human.is_some()
        || t_reviewer.is_some();
    match &t_tool {
        Some(v) if is_negative(v) => {
            p.declared_human = true;
            p.signals.push(format!(
                "AI-Tool: {v} (declared human){}",
                body::place(l_tool)
            ));
        }
        _ if t_any => {
            high = true;
            p.add_source("aeef-trailer");
            for (k, v, l) in [
                ("AI-Tool", &t_tool, l_tool),
                ("AI-Model-Version", &t_model, l_model),
                ("AI-Prompt-Ref", &t_prompt, l_prompt),
                ("AI-Human-Modifications", &t_human, l_human),
                ("AI-Reviewed-By", &t_reviewer, l_reviewer),
            ] {
                if let Some(v) = v {
                    p.signals.push(format!("{k}: {v}{}", body::place(l)));
                }
            }
        }
        _ => {}
    }

    // AEEF's agent wrapper: `AI-Usage:` and `AEEF-Run-ID:` (DESIGN §1.2 item 1).
    let (usage, l_usage) = split(get(K_USAGE));
    p.conflicts.extend(template.borrow_mut().drain(..));
    let (run_id, l_run) = split(get(K_RUN));
    if let Some(v) = &usage {
        match usage_is_ai(v) {
            Some(false) => {
                p.declared_human = true;
                p.signals.push(format!(
                    "AI-Usage: {v} (declared human){}",
                    body::place(l_usage)
                ));
            }
            Some(true) => {
                high = true;
                p.add_source("aeef-trailer");
                p.signals
                    .push(format!("AI-Usage: {v}{}", body::place(l_usage)));
            }
            None => p.conflicts.push(format!(
                "AI-Usage: `{v}` is not one of none|assisted|generated|aeef-cli/<role>; ignored"
            )),
        }
    }
    if let Some(v) = &run_id {
        high = true;
        p.add_source("aeef-trailer");
        p.signals
            .push(format!("AEEF-Run-ID: {v}{}", body::place(l_run)));
    }

    // 2. The AI-Attribution block: fills gaps, trailers win on conflict.
    let mut b_tool = None;
    let mut b_model = None;
    let mut b_prompt = None;
    let mut b_human = None;
    let mut b_reviewer = None;
    if let Some(b) = block {
        let negative = b.tool.as_deref().is_some_and(is_negative);
        if negative {
            p.declared_human = true;
            p.signals.push(format!(
                "AI-Attribution block (line {}): tool: none (declared human)",
                b.line
            ));
        } else {
            high = true;
            p.add_source("aeef-block");
            p.signals
                .push(format!("AI-Attribution block at message line {}", b.line));
            type Slot<'a> = (
                &'a str,
                &'a Option<String>,
                &'a Option<String>,
                &'a mut Option<String>,
            );
            let pairs: [Slot<'_>; 5] = [
                ("tool", &b.tool, &t_tool, &mut b_tool),
                ("model-version", &b.model_version, &t_model, &mut b_model),
                ("prompt-ref", &b.prompt_ref, &t_prompt, &mut b_prompt),
                (
                    "human-modifications",
                    &b.human_modifications,
                    &t_human,
                    &mut b_human,
                ),
                ("reviewer", &b.reviewer, &t_reviewer, &mut b_reviewer),
            ];
            for (name, bv, tv, out) in pairs {
                if let Some(bv) = bv.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    if let Some(tv) = tv
                        && !tv.eq_ignore_ascii_case(bv)
                    {
                        p.conflicts.push(format!(
                            "AI-Attribution block says {name}: {bv} but the trailer says {tv}; using the trailer"
                        ));
                    }
                    *out = Some(bv.to_string());
                }
            }
            if p.session_id.is_none() {
                p.session_id = b.session_id.clone();
            }
        }
    }

    // A tool as people write it (`Claude Code`, `GitHub Copilot`) is one row
    // under its canonical id; an unknown name is kept as written.
    let tool = t_tool
        .clone()
        .filter(|v| !is_negative(v))
        .or(b_tool.clone())
        .map(|t| agents::known_tool(&t).map_or(t, str::to_string));
    let model = t_model.clone().or(b_model.clone());
    // One model, one row (DESIGN §1.3); the evidence keeps the text as written.
    let model_norm = model.as_deref().and_then(model::normalise);
    let human_raw = t_human.clone().or(b_human.clone());
    p.prompt_ref = t_prompt.clone().or(b_prompt.clone());
    p.reviewer = t_reviewer.clone().or(b_reviewer.clone());
    let human_level = human_raw.as_deref().and_then(HumanModifications::parse);
    if let (Some(raw), None) = (&human_raw, human_level) {
        p.conflicts.push(format!(
            "AI-Human-Modifications: `{raw}` is not one of none|minor|moderate|substantial; treated as unknown"
        ));
    }
    p.aeef_fields = AeefFields {
        tool: tool.is_some(),
        model_version: model.is_some(),
        prompt_ref: p.prompt_ref.is_some(),
        human_modifications: human_level.is_some(),
        reviewer: p.reviewer.is_some(),
        block_undated: block.is_some_and(|b| b.generation_date.is_none()),
    };
    p.tool = tool;
    p.model_version = model_norm;
    p.human_modifications = human_level.unwrap_or(HumanModifications::Unknown);
    if p.session_id.is_none() {
        p.session_id = run_id.clone();
    }
    // AEEF fields that only a body line supplies (the block is a sanctioned
    // place of its own, in any paragraph).
    let in_block = |k: &str| {
        block.is_some_and(|b| {
            match k {
                K_TOOL => &b.tool,
                K_MODEL => &b.model_version,
                K_PROMPT => &b.prompt_ref,
                K_HUMAN => &b.human_modifications,
                K_REVIEWER => &b.reviewer,
                _ => &None,
            }
            .is_some()
        })
    };
    // The AEEF fields of DESIGN §1.2 item 1, which belong in git's block.
    let found_at = [
        (K_TOOL, l_tool),
        (K_MODEL, l_model),
        (K_PROMPT, l_prompt),
        (K_HUMAN, l_human),
        (K_REVIEWER, l_reviewer),
        (K_USAGE, l_usage),
        (K_RUN, l_run),
    ];
    for (k, line) in found_at {
        if let Some(line) = line
            && !in_block(k)
            && let Some(b) = body.iter().find(|b| b.line == line)
        {
            p.not_in_trailers.push((b.trailer.key.clone(), line));
        }
    }
    p.not_in_trailers.sort_by_key(|(_, l)| *l);

    // 3. Coding-agent conventions.
    for m in matches {
        p.add_source(format!("agent:{}", m.tool));
        p.signals.push(match m.confidence {
            Confidence::High => m.evidence.clone(),
            Confidence::Low => format!("{} (low confidence)", m.evidence),
        });
        match m.confidence {
            Confidence::High => high = true,
            Confidence::Low => low = true,
        }
    }
    let best = matches
        .iter()
        .find(|m| m.confidence == Confidence::High)
        .or_else(|| matches.first());
    if let Some(m) = best {
        if p.tool.is_none() {
            p.tool = Some(m.tool.clone());
        }
        if p.model_version.is_none() {
            p.model_version = matches
                .iter()
                .filter(|x| x.tool == m.tool)
                .find_map(|x| x.model.as_deref().and_then(model::normalise));
        }
        if p.session_id.is_none() {
            p.session_id = matches.iter().find_map(|x| x.session_id.clone());
        }
    }

    // 4. git-ai note: a source whenever the commit has one, AI only when
    // it attributes lines to AI (DESIGN §1.2 item 4).
    if let Some(n) = note {
        p.add_source("git-ai-note");
        if n.ai_lines > 0 {
            high = true;
            p.signals.push(format!(
                "git-ai note attributes {} line(s) to AI",
                n.ai_lines
            ));
            if !n.unknown_keys.is_empty() {
                p.signals.push(format!(
                    "git-ai note key(s) {} resolve to no session or prompt of the note's metadata: AI, tool unknown",
                    n.unknown_keys.join(", ")
                ));
            }
        } else {
            p.signals.push(format!(
                "git-ai note: the commit is tracked by git-ai with no AI lines ({} line(s) attested to humans)",
                n.human_lines
            ));
        }
        for problem in &n.problems {
            p.signals
                .push(format!("git-ai note {problem}: the line is skipped"));
        }
        if n.ai_lines > 0 {
            if p.tool.is_none() {
                // git-ai names tools in its own words (`claude`); report the
                // canonical id, `unknown-agent` when no key names one.
                p.tool = Some(
                    n.agent
                        .as_ref()
                        .and_then(|a| a.tool.as_deref())
                        .map_or(agents::tool::UNKNOWN.to_string(), |t| {
                            agents::known_tool(t).map_or_else(|| t.to_string(), str::to_string)
                        }),
                );
            }
            if p.model_version.is_none() {
                p.model_version = n
                    .agent
                    .as_ref()
                    .and_then(|a| a.model.as_deref())
                    .and_then(model::normalise);
            }
            if p.session_id.is_none() {
                p.session_id = n.session_id.clone();
            }
        }
    }

    // 5. Entire checkpoints (DESIGN §1.2 item 6): the trailer marks an
    // agent session; `entire::apply` adds what the checkpoint metadata says.
    let mut ids: Vec<String> = Vec::new();
    let entire_lines = trailers
        .iter()
        .map(|t| (t, None))
        .chain(body.iter().map(|b| (&b.trailer, Some(b.line))));
    for (t, line) in entire_lines {
        if !t.key.eq_ignore_ascii_case(entire::TRAILER) {
            continue;
        }
        let id = t.value.trim();
        if !entire::valid_id(id) {
            p.conflicts.push(format!(
                "{}: `{id}` is not an Entire checkpoint id (12 hex digits or a ULID); ignored",
                t.key
            ));
        } else if !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
            p.signals
                .push(format!("{}: {id}{}", t.key.trim(), body::place(line)));
        }
    }
    if !ids.is_empty() {
        high = true;
        p.add_source("entire");
        let tool_placeholder = p.tool.is_none();
        if tool_placeholder {
            p.tool = Some(agents::tool::UNKNOWN.to_string());
        }
        p.entire = Some(EntireRef {
            ids,
            tool_placeholder,
        });
    }

    // 6. Negative attestation (`AI-Assisted: no`), in either view.
    let assisted = trailers
        .iter()
        .map(|t| (t, None))
        .chain(body.iter().map(|b| (&b.trailer, Some(b.line))))
        .find(|(t, _)| t.key.eq_ignore_ascii_case(K_ASSISTED) && is_negative(&t.value));
    if let Some((_, line)) = assisted {
        p.declared_human = true;
        p.signals.push(format!(
            "AI-Assisted: no (declared human){}",
            body::place(line)
        ));
    }
    if p.declared_human {
        p.add_source("declared-human");
        if high {
            p.conflicts.push(
                "the commit declares itself human-written but other sources attribute it to AI; the AI sources win".into(),
            );
        }
    }

    p.ai = high || low;
    p.confidence = if high {
        Some(Confidence::High)
    } else if low {
        Some(Confidence::Low)
    } else {
        None
    };
    if !p.ai {
        p.tool = None;
        p.model_version = None;
    }
    // The note decides the lines (DESIGN §2), but a note without AI lines
    // beside a high-confidence AI source is a disagreement worth naming:
    // often git-ai was not watching the agent.
    if high && note.is_some_and(|n| n.ai_lines == 0) {
        p.conflicts.push(format!(
            "the git-ai note attests no AI lines, while {} mark the commit AI; the note decides which lines are AI",
            p.sources
                .iter()
                .filter(|s| s.as_str() != "git-ai-note")
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    p
}

/// Reads a commit's provenance from its message, identities and note.
pub fn of_commit(
    table: &AgentTable,
    who: &CommitIdentity<'_>,
    message: &str,
    note: Option<&Note>,
) -> (Vec<Trailer>, Provenance) {
    let summary = note.map(NoteSummary::of);
    of_commit_summary(table, who, message, summary.as_ref())
}

/// Like [`of_commit`], with the note already summarised: scans read notes
/// through [`notes_fast::summary`], which reads only what the summary needs.
pub fn of_commit_summary(
    table: &AgentTable,
    who: &CommitIdentity<'_>,
    message: &str,
    note: Option<&NoteSummary>,
) -> (Vec<Trailer>, Provenance) {
    // Both views of the message (DESIGN §1.1): git's block, and provenance
    // lines anywhere after the title.
    let (trailers, span) = trailers::parse_with_span(message);
    let block = block::parse(message);
    let lines = body::read_with_span(message, span);
    let (body_lines, matches) = body::detect(table, who, &lines, &trailers, is_merge_key);
    let p = merge(&trailers, &body_lines, block.as_ref(), &matches, note);
    (trailers, p)
}
