//! AI provenance of a commit, read from every source of DESIGN §1 and merged
//! into one [`Provenance`] value. Pure: takes a message, identities and an
//! optional git-ai note; the git edge (`crate::git`) supplies them.
pub mod agents;
pub mod block;
pub mod notes;
pub mod notes_fast;
pub mod scan;
pub mod trailers;

use serde::Serialize;

pub use agents::{AgentMatch, AgentTable, CommitIdentity};
pub use block::AttributionBlock;
pub use notes::{AgentId, AttestKey, Note};
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
    /// `aeef-trailer`, `aeef-block`, `agent:<tool>`, `git-ai-note`, `declared-human`.
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

/// What the git-ai note of a commit says, summarised for the merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteSummary {
    /// Number of lines the note attributes to AI sessions.
    pub ai_lines: u64,
    /// Tool and model of the first AI session that has them.
    pub agent: Option<AgentId>,
    pub session_id: Option<String>,
}

impl NoteSummary {
    /// Summarises a parsed note.
    pub fn of(note: &Note) -> NoteSummary {
        let mut s = NoteSummary::default();
        for path in note.paths() {
            for (a, b) in note.ai_ranges(path) {
                s.ai_lines += u64::from(b - a + 1);
            }
        }
        if s.ai_lines > 0 {
            'outer: for path in note.paths() {
                for (a, _) in note.ai_ranges(path) {
                    if let Some(key) = note.owner(path, a) {
                        if let AttestKey::Session { session, .. } = key {
                            s.session_id = Some(session.clone());
                        }
                        if let Some(agent) = note.agent(key) {
                            s.agent = Some(agent);
                            break 'outer;
                        }
                    }
                }
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

fn is_negative(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "none" | "no" | "false" | "human"
    )
}

/// Merges every source into one value. `trailers` are the commit's trailers
/// as git reads them; `matches` come from [`AgentTable::detect`].
pub fn merge(
    trailers: &[Trailer],
    block: Option<&AttributionBlock>,
    matches: &[AgentMatch],
    note: Option<&NoteSummary>,
) -> Provenance {
    let mut p = Provenance::default();
    let get = |key: &str| {
        trailers
            .iter()
            .rev()
            .find(|t| t.key.eq_ignore_ascii_case(key))
            .map(|t| t.value.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let t_tool = get(K_TOOL);
    let t_model = get(K_MODEL);
    let t_prompt = get(K_PROMPT);
    let t_human = get(K_HUMAN);
    let t_reviewer = get(K_REVIEWER);
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
            p.signals.push(format!("AI-Tool: {v} (declared human)"));
        }
        _ if t_any => {
            high = true;
            p.add_source("aeef-trailer");
            for (k, v) in [
                ("AI-Tool", &t_tool),
                ("AI-Model-Version", &t_model),
                ("AI-Prompt-Ref", &t_prompt),
                ("AI-Human-Modifications", &t_human),
                ("AI-Reviewed-By", &t_reviewer),
            ] {
                if let Some(v) = v {
                    p.signals.push(format!("{k}: {v}"));
                }
            }
        }
        _ => {}
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

    let tool = t_tool
        .clone()
        .filter(|v| !is_negative(v))
        .or(b_tool.clone());
    let model = t_model.clone().or(b_model.clone());
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
    };
    p.tool = tool;
    p.model_version = model;
    p.human_modifications = human_level.unwrap_or(HumanModifications::Unknown);

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
                .find_map(|x| x.model.clone());
        }
        if p.session_id.is_none() {
            p.session_id = matches.iter().find_map(|x| x.session_id.clone());
        }
    }

    // 4. git-ai note.
    if let Some(n) = note.filter(|n| n.ai_lines > 0) {
        high = true;
        p.add_source("git-ai-note");
        p.signals.push(format!(
            "git-ai note attributes {} line(s) to AI",
            n.ai_lines
        ));
        if let Some(a) = &n.agent {
            if p.tool.is_none() {
                // git-ai names tools in its own words (`claude`); report the canonical id.
                p.tool = a
                    .tool
                    .as_deref()
                    .map(|t| agents::known_tool(t).map_or_else(|| t.to_string(), str::to_string));
            }
            if p.model_version.is_none() {
                p.model_version = a.model.clone();
            }
        }
        if p.session_id.is_none() {
            p.session_id = n.session_id.clone();
        }
    }

    // 5. Negative attestation (`AI-Assisted: no` arrives here as a trailer).
    if trailers
        .iter()
        .any(|t| t.key.eq_ignore_ascii_case("ai-assisted") && is_negative(&t.value))
    {
        p.declared_human = true;
        p.signals.push("AI-Assisted: no (declared human)".into());
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
    let trailers = trailers::parse(message);
    let block = block::parse(message);
    let matches = table.detect(who, message, &trailers);
    let p = merge(&trailers, block.as_ref(), &matches, note);
    (trailers, p)
}
