//! The environment variables coding agents set in the shells they run, as
//! data (DESIGN §9 "Hooks"): a commit made from such a shell is made while
//! the agent works, so `aeef hook` asks it for the AEEF fields even when
//! its message carries no agent mark.
//!
//! Only variables an agent sets for the commands *it* runs are listed, never
//! those of an editor's terminal that a person types into as well
//! (`CURSOR_TRACE_ID`, `TERM_PROGRAM=vscode`, `TERM_PROGRAM=WarpTerminal`,
//! `CODEIUM_EDITOR_APP_ROOT`): a false match would reject a human commit.
//! Agents that run in their own cloud machines and commit under their own
//! identity (Devin, Jules, the Copilot coding agent) are known by that
//! identity instead ([`super::conventions`]); Devin and Factory Droid set
//! no variable in their shell tools.
//!
//! A variable whose value is empty or false-like (`0`, `false`, `no`,
//! `off`) counts as unset, so `CLAUDECODE=0 git commit` opts a command out.

/// What a variable's value must be for the marker to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvValue {
    /// Any value that is not empty or false-like.
    Set,
    /// Exactly this value (ASCII case-insensitive).
    Equals(&'static str),
    /// The value names the agent (`AI_AGENT=claude-code`): a known name
    /// gives its canonical tool id ([`super::known_tool`]), any other name
    /// `unknown-agent`.
    Names,
}

/// One variable an agent sets in its shells.
#[derive(Debug)]
pub struct EnvMarker {
    /// Canonical tool id (`claude-code`, …; the ids of
    /// [`super::conventions::CONVENTIONS`] where the agent is there).
    pub tool: &'static str,
    /// The variable's name, exactly (case-sensitive, as on Unix).
    pub var: &'static str,
    pub value: EnvValue,
    /// Public sources: vendor docs, source code, issue threads, or a
    /// detection library that collected it.
    pub sources: &'static [&'static str],
}

const AM_I_VIBING: &str = "https://github.com/ascorbic/am-i-vibing";
const VERCEL_DETECT_AGENT: &str =
    "https://github.com/vercel/vercel/blob/main/packages/detect-agent/src/index.ts";

/// The built-in markers, in precedence order: when one agent runs inside
/// another (Claude Code started from an opencode shell), the first match
/// names the tool and the others are listed as evidence.
pub static MARKERS: &[EnvMarker] = &[
    EnvMarker {
        tool: "claude-code",
        var: "CLAUDECODE",
        value: EnvValue::Equals("1"),
        sources: &[
            "https://github.com/anthropics/claude-code/issues/531",
            VERCEL_DETECT_AGENT,
        ],
    },
    EnvMarker {
        tool: "cursor",
        var: "CURSOR_AGENT",
        value: EnvValue::Equals("1"),
        sources: &[VERCEL_DETECT_AGENT],
    },
    EnvMarker {
        tool: "codex",
        var: "CODEX_THREAD_ID",
        value: EnvValue::Set,
        sources: &[
            "https://github.com/aws/aws-cdk-cli/blob/main/packages/aws-cdk/lib/cli/util/detect-agent.ts",
        ],
    },
    EnvMarker {
        tool: "codex",
        var: "CODEX_SANDBOX_NETWORK_DISABLED",
        value: EnvValue::Equals("1"),
        sources: &["https://github.com/openai/codex/blob/main/AGENTS.md"],
    },
    EnvMarker {
        tool: "codex",
        var: "CODEX_SANDBOX",
        value: EnvValue::Set,
        sources: &[
            "https://github.com/openai/codex/blob/main/AGENTS.md",
            VERCEL_DETECT_AGENT,
        ],
    },
    EnvMarker {
        tool: "gemini",
        var: "GEMINI_CLI",
        value: EnvValue::Equals("1"),
        sources: &[
            "https://github.com/google-gemini/gemini-cli/blob/main/packages/core/src/services/shellExecutionService.ts",
            VERCEL_DETECT_AGENT,
        ],
    },
    EnvMarker {
        tool: "qwen-code",
        var: "QWEN_CODE",
        value: EnvValue::Equals("1"),
        sources: &[AM_I_VIBING],
    },
    EnvMarker {
        tool: "opencode",
        var: "OPENCODE",
        value: EnvValue::Equals("1"),
        sources: &[AM_I_VIBING],
    },
    EnvMarker {
        tool: "amp",
        var: "AMP_CURRENT_THREAD_ID",
        value: EnvValue::Set,
        sources: &[AM_I_VIBING],
    },
    EnvMarker {
        tool: "amp",
        var: "AGENT",
        value: EnvValue::Equals("amp"),
        sources: &[AM_I_VIBING],
    },
    EnvMarker {
        tool: "auggie",
        var: "AUGMENT_AGENT",
        value: EnvValue::Equals("1"),
        sources: &[AM_I_VIBING],
    },
    EnvMarker {
        tool: "warp",
        var: "OZ_RUN_ID",
        value: EnvValue::Set,
        sources: &[AM_I_VIBING],
    },
    // Vercel's proposed cross-vendor variable: the value names the agent.
    EnvMarker {
        tool: super::tool::UNKNOWN,
        var: "AI_AGENT",
        value: EnvValue::Names,
        sources: &["https://github.com/vercel/vercel/blob/main/packages/detect-agent/README.md"],
    },
];

/// An agent found in the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvAgent {
    /// Canonical tool id; `unknown-agent` for an `AI_AGENT` name aeef does
    /// not know.
    pub tool: String,
    /// What matched, for messages: `CLAUDECODE=1`, `AI_AGENT=my-bot`.
    pub evidence: String,
}

fn false_like(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

/// Every marker of [`MARKERS`] that `var` (a variable lookup, e.g.
/// `|k| std::env::var(k).ok()`) matches, in table order. Pure.
pub fn detect(var: impl Fn(&str) -> Option<String>) -> Vec<EnvAgent> {
    let mut out = Vec::new();
    for m in MARKERS {
        let Some(v) = var(m.var) else { continue };
        if false_like(&v) {
            continue;
        }
        let v = v.trim();
        let tool = match m.value {
            EnvValue::Set => m.tool.to_string(),
            EnvValue::Equals(want) if v.eq_ignore_ascii_case(want) => m.tool.to_string(),
            EnvValue::Equals(_) => continue,
            EnvValue::Names => {
                super::known_tool(v).map_or_else(|| m.tool.to_string(), str::to_string)
            }
        };
        // A session id is not secret, but the evidence needs only the
        // variable for `Set` markers; keep what `Names` and `Equals` saw.
        let evidence = match m.value {
            EnvValue::Set => format!("{} is set", m.var),
            _ => format!("{}={}", m.var, v.chars().take(60).collect::<String>()),
        };
        out.push(EnvAgent { tool, evidence });
    }
    out
}

/// The variables of [`MARKERS`], once each (tests clear them to run as a
/// person would).
pub fn variables() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = MARKERS.iter().map(|m| m.var).collect();
    v.dedup();
    v
}

/// The README's "Agents found in the environment" table, one row per
/// entry of [`MARKERS`], as Markdown (ends with a newline).
pub fn readme_table() -> String {
    let mut out = String::from("| variable | value | tool id | sources |\n|---|---|---|---|\n");
    for m in MARKERS {
        let value = match m.value {
            EnvValue::Set => "any but empty, `0`, `false`, `no`, `off`".to_string(),
            EnvValue::Equals(v) => format!("`{v}`"),
            EnvValue::Names => "the agent's name".to_string(),
        };
        let tool = match m.value {
            EnvValue::Names => "its canonical id, else `unknown-agent`".to_string(),
            _ => format!("`{}`", m.tool),
        };
        let sources: Vec<String> = m
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| format!("[{}]({s})", i + 1))
            .collect();
        out.push_str(&format!(
            "| `{}` | {value} | {tool} | {} |\n",
            m.var,
            sources.join(" ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn markers_match_their_values_and_false_like_values_opt_out() {
        assert_eq!(detect(env(&[("CLAUDECODE", "1")]))[0].tool, "claude-code");
        assert!(detect(env(&[("CLAUDECODE", "0")])).is_empty());
        assert!(detect(env(&[("CLAUDECODE", "")])).is_empty());
        assert!(detect(env(&[("AGENT", "someone-else")])).is_empty());
        assert_eq!(detect(env(&[("AGENT", "amp")]))[0].tool, "amp");
        assert_eq!(
            detect(env(&[("CODEX_THREAD_ID", "019a-thread")]))[0].evidence,
            "CODEX_THREAD_ID is set"
        );
        assert!(detect(env(&[])).is_empty());
    }

    #[test]
    fn ai_agent_names_the_tool_through_the_alias_table() {
        assert_eq!(
            detect(env(&[("AI_AGENT", "claude-code")]))[0].tool,
            "claude-code"
        );
        assert_eq!(detect(env(&[("AI_AGENT", "Gemini CLI")]))[0].tool, "gemini");
        let a = &detect(env(&[("AI_AGENT", "my-bot")]))[0];
        assert_eq!(a.tool, "unknown-agent");
        assert_eq!(a.evidence, "AI_AGENT=my-bot");
    }

    #[test]
    fn nested_agents_are_all_listed_in_table_order() {
        let found = detect(env(&[("OPENCODE", "1"), ("CLAUDECODE", "1")]));
        let tools: Vec<&str> = found.iter().map(|a| a.tool.as_str()).collect();
        assert_eq!(tools, ["claude-code", "opencode"]);
    }

    #[test]
    fn every_marker_names_a_source_and_known_tools_use_canonical_ids() {
        for m in MARKERS {
            assert!(!m.sources.is_empty(), "{} has no source", m.var);
            assert!(
                m.sources.iter().all(|s| s.starts_with("https://")),
                "{}",
                m.var
            );
            if let Some(t) = super::super::known_tool(m.tool) {
                assert_eq!(t, m.tool, "{} must use the canonical id", m.var);
            }
        }
    }
}
