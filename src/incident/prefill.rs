//! The pre-fill of a record from its faulty commits (DESIGN §3): origin,
//! AI tool and model version, prompt reference, human-modification level and
//! the evidence, as `aeef incident new --commit` and `aeef incident edit
//! --commit` write them.
//!
//! For a faulty commit that is itself AI (it carries AI provenance), tool and
//! model come from its own provenance (the first such commit, in the order
//! given). For an `ai-modified` / `ai-adjacent` human commit, they come from
//! the AI commits its evidence names ([`tool_by_lines`]): the lines it
//! changed of each AI commit (or, when it changed none, the lines within the
//! adjacency window) are added up per tool and model, and the most lines
//! wins; every AI commit is listed in the evidence with its count.
use std::collections::BTreeMap;

use super::{AiTool, Classification, GenerationContext, Origin};
use crate::classify::{self, Evidence};
use crate::config::Config;
use crate::git::Repo;
use crate::provenance::HumanModifications;

/// How the evidence line naming the tool chosen from other commits starts
/// (`ai_tool claude-code claude-opus-4: from the AI commits …`): one such
/// line describes all the faulty commits, so `incident edit` replaces it.
pub const TOOL_CHOICE_PREFIX: &str = "ai_tool ";

/// Whether an evidence line is the pre-fill's one line about the tool taken
/// from other commits: the choice ([`TOOL_CHOICE_PREFIX`]) or
/// `ai_tool: the AI commits … name no tool`. It describes all the faulty
/// commits together, so `incident edit` rewrites it, or drops it when the
/// pre-fill of all the commits no longer writes one (an AI faulty commit
/// names the tool itself), exactly as `incident new` with every commit would.
pub fn is_tool_line(line: &str) -> bool {
    line.starts_with(TOOL_CHOICE_PREFIX) || line.starts_with("ai_tool:")
}

/// What the provenance engine says about a set of faulty commits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefill {
    /// The strongest origin of the commits (`ai-generated > ai-modified >
    /// ai-adjacent > human`); `None` when no commit could be read.
    pub origin: Option<Origin>,
    pub tool: Option<String>,
    pub model: Option<String>,
    pub prompt: Option<String>,
    pub human: Option<HumanModifications>,
    /// One line per piece of evidence, each prefixed with the faulty
    /// commit's 12-character id, then the tool choice when it came from
    /// other commits.
    pub evidence: Vec<String>,
}

impl Prefill {
    /// `classification` as the pre-fill writes it (`None` when empty).
    pub fn classification(&self) -> Option<Classification> {
        let c = Classification {
            origin: self.origin,
            failure_mode: None,
            validation_gap: None,
            ai_tool: self.tool.clone().map(|name| AiTool {
                name,
                model_version: self.model.clone(),
            }),
            evidence: self.evidence.clone(),
        };
        (c != Classification::default()).then_some(c)
    }

    /// `generation_context` as the pre-fill writes it (`None` when empty).
    pub fn generation_context(&self) -> Option<GenerationContext> {
        let g = GenerationContext {
            prompt_template: self.prompt.clone(),
            human_modifications: self.human,
            ..Default::default()
        };
        (g != GenerationContext::default()).then_some(g)
    }
}

/// An AI commit a human faulty commit touched: its tool and model (from its
/// own provenance) and how many lines of it the faulty commits changed (or
/// lay beside, for `ai-adjacent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiSource {
    /// Full id.
    pub commit: String,
    pub tool: Option<String>,
    pub model: Option<String>,
    pub lines: u32,
}

/// The tool and model the pre-fill names for human faulty commits, from the
/// AI commits their evidence names: lines are added up per `(tool, model)`;
/// the most lines wins; a tie goes to the tool name, then the model, in
/// byte order (so the same history always gives the same record). Sources
/// without a tool name cannot be chosen. `None` when no source has a tool.
pub fn tool_by_lines(sources: &[AiSource]) -> Option<(String, Option<String>)> {
    let mut per: BTreeMap<(&str, Option<&str>), u32> = BTreeMap::new();
    for s in sources {
        if let Some(t) = &s.tool {
            *per.entry((t.as_str(), s.model.as_deref())).or_default() += s.lines;
        }
    }
    // BTreeMap iterates in (tool, model) order; `max_by_key` keeps the
    // last maximum, so reverse to keep the first.
    per.into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|((t, m), _)| (t.to_string(), m.map(str::to_string)))
}

/// The lines of each AI commit that the evidence of a human commit names:
/// `ai-lines-modified` when there is any, else `ai-lines-adjacent`. Full
/// AI commit id → line count, over every piece of evidence given, and
/// whether the lines were changed (`true`) or only nearby.
pub fn lines_by_ai_commit<'a>(
    evidence: impl IntoIterator<Item = &'a Evidence>,
) -> (Vec<(String, u32)>, bool) {
    let ev: Vec<&Evidence> = evidence.into_iter().collect();
    let modified = ev.iter().any(|e| e.kind == "ai-lines-modified");
    let kind = if modified {
        "ai-lines-modified"
    } else {
        "ai-lines-adjacent"
    };
    let mut per: BTreeMap<String, u32> = BTreeMap::new();
    for e in ev.iter().filter(|e| e.kind == kind) {
        if let Some(c) = &e.ai_commit {
            let n: u32 = e.lines.iter().map(|(a, b)| b.saturating_sub(*a) + 1).sum();
            *per.entry(c.clone()).or_default() += n;
        }
    }
    (per.into_iter().collect(), modified)
}

/// Runs the classifier over `shas` (full ids) with the repository's agent
/// conventions (`agents:` in `.aeef.yml`), as `aeef blame` does. A commit
/// whose blame-based classification fails still contributes its own
/// provenance, and the evidence says the classification was unavailable.
pub fn prefill(repo: &Repo, cfg: &Config, shas: &[String]) -> Prefill {
    let mut p = Prefill::default();
    let table = crate::provenance::AgentTable::builtin().with_rules(&cfg.agents);
    let opts = classify::Options {
        window: classify::Window::Lines(cfg.adjacency_window),
        agents: table.clone(),
    };
    // One classifier: what it learns about shared history is read once.
    let classifier = classify::Classifier::new(repo, opts);
    // Evidence of human commits that touched AI lines, for the tool choice.
    let mut touched: Vec<Evidence> = Vec::new();
    for sha in shas {
        let short = &sha[..sha.len().min(12)];
        let (origin, prov, evidence) = match classifier.classify(sha) {
            Ok(c) => {
                if !c.provenance.is_ai()
                    && matches!(c.origin, Origin::AiModified | Origin::AiAdjacent)
                {
                    touched.extend(c.evidence.iter().cloned());
                }
                let ev: Vec<String> = c.evidence.iter().map(|e| e.message.clone()).collect();
                (Some(c.origin), c.provenance.clone(), ev)
            }
            Err(err) => {
                let Ok(raw) = crate::git::commits::read(repo, sha) else {
                    continue;
                };
                let (_, mut prov) =
                    crate::provenance::of_commit(&table, &raw.identity(), &raw.message, None);
                crate::git::entire::Store::new(repo).enrich(&mut prov);
                let origin = prov.is_ai().then(|| classify::origin_of_ai(&prov));
                let mut ev = prov.signals.clone();
                ev.push(format!("blame-based classification unavailable: {err}"));
                (origin, prov, ev)
            }
        };
        if let Some(o) = origin {
            p.origin = Some(p.origin.map_or(o, |x| x.max(o)));
        }
        for e in evidence {
            p.evidence.push(format!("{short}: {e}"));
        }
        if prov.is_ai() && p.tool.is_none() && p.model.is_none() {
            p.tool = prov.tool.clone();
            p.model = prov.model_version.clone();
            p.prompt = prov.prompt_ref.clone();
            p.human = Some(prov.human_modifications);
        }
    }
    if p.tool.is_none() && p.model.is_none() && !touched.is_empty() {
        let (lines, modified) = lines_by_ai_commit(&touched);
        let how = if modified {
            "whose lines the faulty commits changed"
        } else {
            "whose lines lie within the adjacency window of the faulty commits' changes"
        };
        let sources: Vec<AiSource> = lines
            .into_iter()
            .map(|(commit, lines)| {
                let prov = classifier.provenance(&commit).ok();
                AiSource {
                    tool: prov.as_ref().and_then(|p| p.tool.clone()),
                    model: prov.and_then(|p| p.model_version),
                    commit,
                    lines,
                }
            })
            .collect();
        if let Some((tool, model)) = tool_by_lines(&sources) {
            p.evidence
                .push(describe_choice(&sources, how, &tool, model.as_deref()));
            p.tool = Some(tool);
            p.model = model;
        } else if !sources.is_empty() {
            p.evidence.push(format!(
                "ai_tool: the AI commits {how} name no tool ({})",
                list_sources(&sources)
            ));
        }
    }
    p
}

fn list_sources(sources: &[AiSource]) -> String {
    sources
        .iter()
        .map(|s| {
            let who = match (&s.tool, &s.model) {
                (Some(t), Some(m)) => format!("{t} {m}"),
                (Some(t), None) => t.clone(),
                _ => "no tool named".to_string(),
            };
            format!(
                "{} {who}: {} line{}",
                &s.commit[..s.commit.len().min(12)],
                s.lines,
                if s.lines == 1 { "" } else { "s" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The evidence line for a tool taken from other commits: every AI commit
/// with its tool, model and line count, and the rule that chose.
fn describe_choice(sources: &[AiSource], how: &str, tool: &str, model: Option<&str>) -> String {
    let chosen = match model {
        Some(m) => format!("{tool} {m}"),
        None => tool.to_string(),
    };
    format!(
        "{TOOL_CHOICE_PREFIX}{chosen}: from the AI commits {how} ({}); most lines wins, a tie goes to the tool name, then the model, in alphabetical order",
        list_sources(sources)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(commit: &str, tool: Option<&str>, model: Option<&str>, lines: u32) -> AiSource {
        AiSource {
            commit: commit.into(),
            tool: tool.map(Into::into),
            model: model.map(Into::into),
            lines,
        }
    }

    /// Lines add up per tool and model across commits; the most wins.
    #[test]
    fn most_lines_per_tool_and_model_wins() {
        let s = [
            src("a", Some("copilot"), None, 8),
            src("b", Some("claude-code"), Some("opus"), 5),
            src("c", Some("claude-code"), Some("opus"), 5),
            src("d", None, None, 50),
        ];
        assert_eq!(
            tool_by_lines(&s),
            Some(("claude-code".into(), Some("opus".into())))
        );
    }

    /// A tie is decided by name, then model, whatever the input order.
    #[test]
    fn ties_go_to_the_tool_name_then_the_model() {
        let a = src("a", Some("cursor"), None, 3);
        let b = src("b", Some("aider"), Some("gpt-4o"), 3);
        let c = src("c", Some("aider"), Some("claude"), 3);
        for order in [
            vec![a.clone(), b.clone(), c.clone()],
            vec![c.clone(), b.clone(), a.clone()],
        ] {
            assert_eq!(
                tool_by_lines(&order),
                Some(("aider".into(), Some("claude".into())))
            );
        }
        assert_eq!(tool_by_lines(&[src("x", None, None, 9)]), None);
    }

    /// Modified lines count before adjacent ones; ranges are inclusive.
    #[test]
    fn modified_lines_are_counted_before_adjacent_ones() {
        let ev = |kind: &str, c: &str, lines: Vec<(u32, u32)>| Evidence {
            kind: kind.into(),
            message: String::new(),
            ai_commit: Some(c.into()),
            file: Some("f".into()),
            lines,
        };
        let all = [
            ev("ai-lines-adjacent", "a", vec![(1, 100)]),
            ev("ai-lines-modified", "b", vec![(1, 2), (5, 5)]),
            ev("ai-lines-modified", "b", vec![(9, 9)]),
            ev("ai-lines-modified", "c", vec![(3, 3)]),
        ];
        assert_eq!(
            lines_by_ai_commit(&all),
            (vec![("b".to_string(), 4), ("c".to_string(), 1)], true)
        );
        assert_eq!(
            lines_by_ai_commit(&all[..1]),
            (vec![("a".to_string(), 100)], false)
        );
    }
}
