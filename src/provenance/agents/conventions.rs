//! The coding-agent conventions as data (DESIGN §1.2.3): one entry per
//! agent with its canonical tool id, the names people write for it, its
//! exact identities (e-mail addresses and GitHub noreply account ids), the
//! trailer keys and marker lines it writes, and the public sources each of
//! these was taken from. The matcher in [`super`] reads only this table
//! (plus `agents:` rules from `.aeef.yml`), and the README's
//! "Coding-agent conventions" table is generated from it by
//! [`readme_table`]; `tests/agents_fixtures.rs` fails when the README
//! differs.
//!
//! Identities are exact: an address is matched whole (ASCII
//! case-insensitively), a GitHub noreply address
//! `<id>+<login>@users.noreply.github.com` by its numeric id alone (logins
//! can be renamed and reused, ids cannot), never a domain and never a
//! display name alone. The people who build an agent commit from the
//! agent's domain (`paul@aider.chat` is aider's maintainer, not aider).
use crate::provenance::Confidence;

const H: Confidence = Confidence::High;
const L: Confidence = Confidence::Low;

/// One agent's conventions.
#[derive(Debug)]
pub struct Convention {
    /// Canonical tool id reported in output (`agent:<tool>` sources).
    pub tool: &'static str,
    /// The agent's name as its vendor writes it (README).
    pub name: &'static str,
    /// Names people write for the agent in trailer values and co-author
    /// display names, in the form [`super::known_tool`] compares: ASCII
    /// lower-case, `-` and `_` as spaces, single spaces.
    pub aliases: &'static [&'static str],
    /// Exact e-mail addresses, lower-case.
    pub emails: &'static [Email],
    /// GitHub accounts, decided by numeric id.
    pub accounts: &'static [Account],
    /// A suffix the agent appends to the author or committer name
    /// (aider's `(aider)`).
    pub name_suffix: Option<&'static str>,
    /// Trailer keys only this agent writes.
    pub trailers: &'static [TrailerKey],
    /// Whole-line markers the agent writes in the message body.
    pub markers: &'static [Marker],
    /// Public sources for the entries above (vendor docs, source code,
    /// issue threads).
    pub sources: &'static [&'static str],
}

/// An exact e-mail address and what a match on it means.
#[derive(Debug)]
pub struct Email {
    pub address: &'static str,
    /// `Low` for addresses that mark an accepted suggestion rather than
    /// agent-written code.
    pub confidence: Confidence,
}

/// A GitHub account, matched by the numeric id of its noreply address.
#[derive(Debug)]
pub struct Account {
    /// The numeric user id (`https://api.github.com/users/<login>` → `id`).
    pub id: &'static str,
    /// The login, for the README and evidence only.
    pub login: &'static str,
    pub confidence: Confidence,
    /// What the account does (README).
    pub role: &'static str,
}

/// A trailer key an agent writes and what its value carries.
#[derive(Debug)]
pub struct TrailerKey {
    /// The key as the vendor writes it; matched case-insensitively.
    pub key: &'static str,
    pub value: TrailerValue,
}

/// How a convention trailer's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailerValue {
    /// Any non-empty value.
    Any,
    /// Only this value (ASCII case-insensitive), e.g. `Made-with: Cursor`.
    Equals(&'static str),
    /// A session id; an URL gives its last path segment
    /// (`https://ampcode.com/threads/T-…` → `T-…`).
    Session,
}

/// A marker line: the vendor's phrase and the agent's name, bare
/// (`💘 Generated with Crush`) or as a Markdown link to one of the vendor's
/// pages (`🤖 Generated with [Claude Code](https://claude.com/claude-code)`),
/// optionally after an emoji, on a line of its own.
#[derive(Debug)]
pub struct Marker {
    /// The phrase as the vendor writes it (`Generated with`); matched
    /// ASCII case-insensitively.
    pub phrase: &'static str,
    /// The agent's name as it appears after the phrase, likewise.
    pub name: &'static str,
    /// URL prefixes (scheme and `www.` left out) the link may point to; the
    /// bare form needs none.
    pub links: &'static [&'static str],
}

const fn email(address: &'static str) -> Email {
    Email {
        address,
        confidence: H,
    }
}

/// The built-in conventions, in README order.
pub static CONVENTIONS: &[Convention] = &[
    Convention {
        tool: "claude-code",
        name: "Claude Code",
        aliases: &[
            "claude",
            "claude code",
            "claude code cli",
            "anthropic claude",
            "anthropic claude code",
            "claude[bot]",
        ],
        emails: &[
            email("noreply@anthropic.com"),
            email("claude@anthropic.com"),
        ],
        accounts: &[Account {
            id: "209825114",
            login: "claude[bot]",
            confidence: H,
            role: "Claude GitHub app, claude-code-action",
        }],
        name_suffix: None,
        trailers: &[TrailerKey {
            key: "Claude-Session",
            value: TrailerValue::Session,
        }],
        markers: &[Marker {
            phrase: "Generated with",
            name: "Claude Code",
            links: &[
                "claude.com",
                "claude.ai",
                "docs.anthropic.com",
                "docs.claude.com",
                "anthropic.com",
            ],
        }],
        sources: &[
            "https://docs.rs/claude-code-settings/0.1.0/claude_code_settings/struct.Attribution.html",
            "https://github.com/anthropics/claude-code/issues/14241",
            "https://github.com/anthropics/claude-code/issues/29999",
            "https://github.com/python-wheel-build/fromager/pull/1010",
            "https://api.github.com/users/claude%5Bbot%5D",
        ],
    },
    Convention {
        tool: "aider",
        name: "aider",
        aliases: &["aider", "aider chat"],
        // aider@aider.chat since 2025-06; noreply@aider.chat and
        // noreply@aider.dev in the releases before it.
        emails: &[
            email("aider@aider.chat"),
            email("noreply@aider.chat"),
            email("noreply@aider.dev"),
        ],
        accounts: &[],
        name_suffix: Some("(aider)"),
        trailers: &[],
        markers: &[],
        sources: &[
            "https://github.com/Aider-AI/aider/blob/main/aider/repo.py",
            "https://github.com/Aider-AI/aider/pull/3789",
            "https://aider.chat/docs/git.html",
        ],
    },
    Convention {
        tool: "github-copilot",
        name: "GitHub Copilot",
        aliases: &[
            "copilot",
            "github copilot",
            "copilot cli",
            "github copilot cli",
            "copilot coding agent",
            "github copilot coding agent",
            "copilot swe agent",
            "copilot swe agent[bot]",
        ],
        emails: &[],
        accounts: &[
            Account {
                id: "198982749",
                login: "Copilot",
                confidence: H,
                role: "coding agent, `copilot-swe-agent[bot]`",
            },
            Account {
                id: "223556219",
                login: "Copilot",
                confidence: H,
                role: "Copilot CLI and agentic workflows",
            },
            Account {
                id: "175728472",
                login: "Copilot",
                confidence: L,
                role: "accepted review suggestion",
            },
        ],
        name_suffix: None,
        trailers: &[TrailerKey {
            key: "Agent-Logs-Url",
            value: TrailerValue::Any,
        }],
        markers: &[],
        sources: &[
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/agent_detection.rs",
            "https://github.com/github/copilot-cli/issues/3177",
            "https://api.github.com/users/Copilot",
        ],
    },
    Convention {
        tool: "cursor",
        name: "Cursor",
        aliases: &["cursor", "cursor agent", "cursor cli", "cursoragent"],
        emails: &[email("cursoragent@cursor.com")],
        accounts: &[],
        name_suffix: None,
        trailers: &[TrailerKey {
            key: "Made-with",
            value: TrailerValue::Equals("Cursor"),
        }],
        markers: &[Marker {
            phrase: "Made with",
            name: "Cursor",
            links: &["cursor.com"],
        }],
        sources: &[
            "https://github.com/asap-protocol/asap-protocol/pull/135",
            "https://github.com/nuxeo/nuxeo-web-ui/pull/3497",
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/agent_detection.rs",
        ],
    },
    Convention {
        tool: "codex",
        name: "OpenAI Codex",
        aliases: &["codex", "openai codex", "codex cli", "codex cloud"],
        emails: &[email("noreply@openai.com"), email("codex@openai.com")],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://github.com/openai/codex/pull/11617",
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/attribution_recovery.rs",
        ],
    },
    Convention {
        tool: "devin",
        name: "Devin",
        aliases: &["devin", "devin ai", "devin ai integration[bot]"],
        emails: &[],
        accounts: &[Account {
            id: "158243242",
            login: "devin-ai-integration[bot]",
            confidence: H,
            role: "Devin's GitHub app",
        }],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://api.github.com/users/devin-ai-integration%5Bbot%5D",
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/agent_detection.rs",
        ],
    },
    Convention {
        tool: "jules",
        name: "Jules",
        aliases: &["jules", "google jules", "google labs jules[bot]"],
        emails: &[],
        accounts: &[Account {
            id: "161369871",
            login: "google-labs-jules[bot]",
            confidence: H,
            role: "Jules's GitHub app",
        }],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &["https://api.github.com/users/google-labs-jules%5Bbot%5D"],
    },
    Convention {
        tool: "amp",
        name: "Amp",
        aliases: &["amp", "sourcegraph amp", "ampcode", "amp code"],
        emails: &[email("amp@ampcode.com")],
        accounts: &[],
        name_suffix: None,
        trailers: &[
            TrailerKey {
                key: "Amp-Thread-ID",
                value: TrailerValue::Session,
            },
            TrailerKey {
                key: "Amp-Thread",
                value: TrailerValue::Session,
            },
        ],
        markers: &[Marker {
            phrase: "Generated with",
            name: "Amp",
            links: &["ampcode.com"],
        }],
        sources: &[
            "https://github.com/lobehub/lobehub/pull/18302",
            "https://github.com/jackin-project/jackin/pull/138",
        ],
    },
    Convention {
        tool: "openhands",
        name: "OpenHands",
        aliases: &["openhands", "all hands", "openhands agent"],
        // All Hands moved from all-hands.dev to openhands.dev.
        emails: &[
            email("openhands@all-hands.dev"),
            email("openhands@openhands.dev"),
        ],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://github.com/OpenHands/docs/pull/22",
            "https://github.com/logic-star-ai/insights/pull/1",
        ],
    },
    Convention {
        tool: "opencode",
        name: "opencode",
        aliases: &["opencode", "open code", "opencode agent[bot]"],
        emails: &[email("noreply@opencode.ai")],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[Marker {
            phrase: "Generated with",
            name: "opencode",
            links: &["opencode.ai"],
        }],
        sources: &[
            "https://github.com/anomalyco/opencode/issues/786",
            "https://github.com/anomalyco/opencode/issues/919",
        ],
    },
    Convention {
        tool: "windsurf",
        name: "Windsurf",
        aliases: &["windsurf", "codeium", "cascade", "windsurf cascade"],
        emails: &[
            email("noreply@windsurf.com"),
            email("noreply@codeium.com"),
            email("windsurf@codeium.com"),
        ],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/attribution_recovery.rs",
        ],
    },
    Convention {
        tool: "gemini",
        name: "Gemini CLI / Gemini Code Assist",
        aliases: &[
            "gemini",
            "gemini cli",
            "google gemini",
            "gemini code assist",
            "gemini cli[bot]",
        ],
        emails: &[],
        accounts: &[
            Account {
                id: "218195315",
                login: "gemini-cli[bot]",
                confidence: H,
                role: "Gemini CLI's GitHub app",
            },
            Account {
                id: "176961590",
                login: "gemini-code-assist[bot]",
                confidence: L,
                role: "accepted review suggestion",
            },
        ],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://api.github.com/users/gemini-cli%5Bbot%5D",
            "https://api.github.com/users/gemini-code-assist%5Bbot%5D",
        ],
    },
    Convention {
        tool: "qwen-code",
        name: "Qwen Code",
        aliases: &["qwen code", "qwen coder", "qwen code cli"],
        emails: &[email("qwen-coder@alibabacloud.com")],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &["https://github.com/QwenLM/qwen-code"],
    },
    Convention {
        tool: "crush",
        name: "Crush (Charm)",
        // termai was Crush's name before it moved to Charm.
        aliases: &["crush", "charm crush", "termai"],
        emails: &[
            email("crush@charm.land"),
            email("noreply@crush.charm.land"),
            email("noreply@termai.io"),
        ],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[
            Marker {
                phrase: "Generated with",
                name: "Crush",
                links: &["charm.land", "github.com/charmbracelet/crush"],
            },
            Marker {
                phrase: "Generated with",
                name: "termai",
                links: &[],
            },
        ],
        sources: &[
            "https://github.com/charmbracelet/crush/blob/main/README.md",
            "https://github.com/charmbracelet/crush/commit/39c637385",
            "https://github.com/charmbracelet/crush/pull/2871",
        ],
    },
    Convention {
        tool: "warp",
        name: "Warp (Oz)",
        aliases: &["warp", "warp agent", "oz", "warp oz"],
        emails: &[email("oz-agent@warp.dev")],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[Marker {
            phrase: "This PR was generated with",
            name: "Oz",
            links: &["warp.dev"],
        }],
        sources: &[
            "https://github.com/warpdotdev/warp/issues/9215",
            "https://github.com/warpdotdev/warp/pull/13201",
        ],
    },
    Convention {
        tool: "factory-droid",
        name: "Factory Droid",
        aliases: &["droid", "factory droid", "factory droid[bot]"],
        emails: &[],
        accounts: &[Account {
            id: "138933559",
            login: "factory-droid[bot]",
            confidence: H,
            role: "Factory's GitHub app",
        }],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://api.github.com/users/factory-droid%5Bbot%5D",
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/attribution_recovery.rs",
        ],
    },
    Convention {
        tool: "roo-code",
        name: "Roo Code (cloud agent)",
        aliases: &["roo", "roo code", "roomote"],
        emails: &[email("roomote@roocode.com")],
        accounts: &[],
        name_suffix: None,
        trailers: &[],
        markers: &[],
        sources: &[
            "https://github.com/git-ai-project/git-ai/blob/main/src/authorship/agent_detection.rs",
        ],
    },
];

/// The convention of a canonical tool id.
pub fn by_tool(tool: &str) -> Option<&'static Convention> {
    CONVENTIONS.iter().find(|c| c.tool == tool)
}

/// The README's "Coding-agent conventions" table, one row per entry of
/// [`CONVENTIONS`], as Markdown (ends with a newline).
pub fn readme_table() -> String {
    let mut out = String::from(
        "| tool id | agent | identities | trailers and marker lines | sources |\n|---|---|---|---|---|\n",
    );
    for c in CONVENTIONS {
        let mut ids: Vec<String> = Vec::new();
        for e in c.emails {
            ids.push(weak(format!("`{}`", e.address), e.confidence));
        }
        for a in c.accounts {
            ids.push(weak(
                format!(
                    "`{}+{}@users.noreply.github.com` ({})",
                    a.id, a.login, a.role
                ),
                a.confidence,
            ));
        }
        if let Some(s) = c.name_suffix {
            ids.push(format!("`{s}` at the end of the author name"));
        }
        let mut marks: Vec<String> = Vec::new();
        for t in c.trailers {
            marks.push(match t.value {
                TrailerValue::Equals(v) => format!("`{}: {v}`", t.key),
                TrailerValue::Any => format!("`{}:`", t.key),
                TrailerValue::Session => format!("`{}:` (session)", t.key),
            });
        }
        for m in c.markers {
            let links = if m.links.is_empty() {
                String::new()
            } else {
                format!(
                    ", bare or linked to {}",
                    m.links
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            marks.push(format!("line `{} {}`{links}", m.phrase, m.name));
        }
        let sources: Vec<String> = c
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| format!("[{}]({s})", i + 1))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.tool,
            c.name,
            or_dash(ids.join("; ")),
            or_dash(marks.join("; ")),
            sources.join(" ")
        ));
    }
    out
}

fn weak(s: String, c: Confidence) -> String {
    match c {
        Confidence::High => s,
        Confidence::Low => format!("{s} *(low)*"),
    }
}

fn or_dash(s: String) -> String {
    if s.is_empty() { "–".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the table's own invariants: one entry per tool id, lower-case
    /// addresses and aliases in matcher form, numeric ids, a source for
    /// every entry.
    #[test]
    fn table_is_well_formed() {
        let mut tools: Vec<&str> = CONVENTIONS.iter().map(|c| c.tool).collect();
        tools.sort_unstable();
        tools.dedup();
        assert_eq!(tools.len(), CONVENTIONS.len(), "duplicate tool id");
        let mut emails = Vec::new();
        let mut ids = Vec::new();
        let mut aliases = Vec::new();
        for c in CONVENTIONS {
            assert!(!c.sources.is_empty(), "{} has no source", c.tool);
            // `known_tool` reads aliases only: the id itself must be one.
            let id = super::super::normalise_name(c.tool);
            assert!(
                c.aliases.contains(&id.as_str()),
                "{} lacks alias {id:?}",
                c.tool
            );
            assert!(c.sources.iter().all(|s| s.starts_with("https://")));
            for e in c.emails {
                assert_eq!(e.address, e.address.to_ascii_lowercase());
                assert!(e.address.contains('@'));
                emails.push(e.address);
            }
            for a in c.accounts {
                assert!(a.id.bytes().all(|b| b.is_ascii_digit()), "{}", a.id);
                ids.push(a.id);
            }
            for a in c.aliases {
                assert_eq!(*a, super::super::normalise_name(a), "alias {a:?}");
                // `known_tool` normalises into a 48-byte buffer.
                assert!(a.len() <= 48, "alias {a:?} too long");
                aliases.push(*a);
            }
        }
        for v in [&mut emails, &mut ids, &mut aliases] {
            let n = v.len();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), n, "an identity or alias belongs to two agents");
        }
    }
}
