//! The opt-in rule `pr-disclosure` (DESIGN §9): the pull request's body
//! declares its AI use — `AI-Usage: none|assisted|generated`, and when not
//! `none`, `AI-Tool:` and `AI-Prompt-Ref:` — consistently with what aeef
//! found in the change. Pure: the body and the facts go in, findings come
//! out. Off unless `.aeef.yml` sets its level (`rules: {pr-disclosure: warn}`).
use std::collections::BTreeSet;

use crate::findings::{Finding, Level, RuleId};

/// The rule id.
pub const RULE: RuleId = RuleId::PrDisclosure;

/// The fields as the body gives them (first occurrence of each key,
/// case-insensitive, at the start of a line, outside fenced code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    pub usage: Option<String>,
    pub tool: Option<String>,
    pub prompt_ref: Option<String>,
}

/// Reads `AI-Usage:`, `AI-Tool:` and `AI-Prompt-Ref:` lines from a PR body.
/// A line may be a list item or bold (`- **AI-Usage:** assisted`); values
/// are trimmed; an empty value counts as absent. Lines in ``` fences are
/// examples, not declarations.
pub fn parse(body: &str) -> Fields {
    let mut f = Fields::default();
    let mut fenced = false;
    for raw in body.lines() {
        let line = raw.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = line
            .trim_start_matches(['-', '*', '+', '>', ' '])
            .trim_start();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches('*').trim();
        let value = value.trim().trim_start_matches('*').trim().to_string();
        if value.is_empty() {
            continue;
        }
        let slot = if key.eq_ignore_ascii_case("AI-Usage") {
            &mut f.usage
        } else if key.eq_ignore_ascii_case("AI-Tool") {
            &mut f.tool
        } else if key.eq_ignore_ascii_case("AI-Prompt-Ref") {
            &mut f.prompt_ref
        } else {
            continue;
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    f
}

/// What aeef found in the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Any AI-attributed line or AI commit (the `ai-assisted` condition).
    pub ai: bool,
    /// Canonical ids of the tools found (`claude-code`, …).
    pub tools: BTreeSet<String>,
}

/// Letters and digits only, lower case: `Claude Code` and `claude-code`
/// name the same tool.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The findings for a PR `body` against what aeef `found`, at `level`.
pub fn check(body: &str, found: &Found, level: Level) -> Vec<Finding> {
    if level == Level::Off {
        return Vec::new();
    }
    let f = parse(body);
    let finding = |msg: String, help: &str| Finding::new(RULE, level, msg).help(help.to_string());
    let add_lines = "add to the pull request's description, e.g. `AI-Usage: assisted`, `AI-Tool: claude-code`, `AI-Prompt-Ref: <link or id>` (or `AI-Usage: none`)";
    let Some(usage) = f.usage.as_deref() else {
        return vec![finding(
            format!(
                "the pull request's description has no `AI-Usage:` line{}",
                if found.ai {
                    " although aeef found AI-attributed lines or commits"
                } else {
                    ""
                }
            ),
            add_lines,
        )];
    };
    let usage_l = usage.to_ascii_lowercase();
    let mut out = Vec::new();
    match usage_l.as_str() {
        "none" => {
            if found.ai {
                out.push(finding(
                    format!(
                        "the pull request declares `AI-Usage: none`, but aeef found AI-attributed lines or commits{}",
                        if found.tools.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " ({})",
                                found.tools.iter().cloned().collect::<Vec<_>>().join(", ")
                            )
                        }
                    ),
                    "declare `AI-Usage: assisted` or `generated` with `AI-Tool:` and `AI-Prompt-Ref:`, or fix the commits' provenance if it is wrong",
                ));
            }
            return out;
        }
        "assisted" | "generated" => {}
        _ => {
            return vec![finding(
                format!(
                    "`AI-Usage: {}` is not one of none, assisted, generated",
                    crate::redact::escape_controls(usage)
                ),
                "write `AI-Usage: none`, `AI-Usage: assisted` or `AI-Usage: generated`",
            )];
        }
    }
    for (key, value) in [("AI-Tool", &f.tool), ("AI-Prompt-Ref", &f.prompt_ref)] {
        if value.is_none() {
            out.push(finding(
                format!("the pull request declares `AI-Usage: {usage_l}` but no `{key}:` line"),
                add_lines,
            ));
        }
    }
    if let Some(tool) = &f.tool {
        let declared = squash(tool);
        let matches = found.tools.iter().any(|t| {
            let t = squash(t);
            !t.is_empty() && (declared.contains(&t) || t.contains(&declared))
        });
        if !found.tools.is_empty() && !declared.is_empty() && !matches {
            out.push(finding(
                format!(
                    "the pull request declares `AI-Tool: {}`, but aeef attributes the change to {}",
                    crate::redact::escape_controls(tool),
                    found.tools.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                "name the tool the commits' provenance names, or fix the commits' provenance",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(ai: bool, tools: &[&str]) -> Found {
        Found {
            ai,
            tools: tools.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn fields_are_read_from_list_items_and_bold_but_not_fences() {
        let f = parse(
            "Fixes #3\n\n```\nAI-Usage: none\n```\n- **AI-Usage:** assisted\n* AI-Tool: Claude Code\nai-prompt-ref: PR-12\nAI-Usage: none\n",
        );
        assert_eq!(f.usage.as_deref(), Some("assisted"));
        assert_eq!(f.tool.as_deref(), Some("Claude Code"));
        assert_eq!(f.prompt_ref.as_deref(), Some("PR-12"));
    }

    #[test]
    fn disclosure_must_agree_with_what_aeef_found() {
        let w = Level::Warn;
        // Missing entirely.
        assert_eq!(check("just a fix", &found(false, &[]), w).len(), 1);
        // `none` for a human change is fine; for an AI change it is not.
        assert!(check("AI-Usage: none", &found(false, &[]), w).is_empty());
        let f = check("AI-Usage: none", &found(true, &["claude-code"]), w);
        assert!(f[0].message.contains("claude-code"), "{:?}", f);
        // Complete and consistent (tool names compared loosely).
        let ok = "AI-Usage: assisted\nAI-Tool: Claude Code\nAI-Prompt-Ref: chat/42";
        assert!(check(ok, &found(true, &["claude-code"]), w).is_empty());
        // Wrong tool, missing prompt ref, bad value.
        let f = check(
            "AI-Usage: generated\nAI-Tool: copilot",
            &found(true, &["claude-code"]),
            w,
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            check("AI-Usage: lots", &found(true, &[]), w)[0]
                .message
                .contains("not one of")
        );
        assert!(check("", &found(true, &[]), Level::Off).is_empty());
    }
}
