//! Coding-agent conventions (DESIGN §1.3): how Claude Code, aider, the
//! GitHub Copilot coding agent, Cursor, Codex, Devin, Jules, Amp, OpenHands,
//! opencode, Windsurf and Gemini mark the commits they write, plus the
//! generic `Assisted-by:` / `Generated-by:` / `AI-Assisted:` trailers.
//!
//! Everything matches on an e-mail address, a numeric GitHub noreply id, a
//! trailer key or a whole marker line — never on a display name alone, so a
//! human called "Claude" or "Copilot" is never taken for an agent. The one
//! name-based convention, aider's `(aider)` suffix, is aider's own
//! deliberate marker and cannot be confused with a person's name.
//!
//! Confidence: a match on the author, a co-author or an agent trailer is
//! `high`. Weak signals are `low` and never make a commit agent-written on
//! their own: a match on the committer only (the agent applied someone
//! else's change: a rebase, a cherry-pick, aider's `--attribute-committer`),
//! and review-suggestion bots (`Copilot <175728472+Copilot@…>`,
//! `gemini-code-assist[bot]`), whose co-author line means a human accepted a
//! suggested edit in a pull-request review.
//!
//! This runs on every commit of a long history scan, so the checks are plain
//! string comparisons; the only regexes are compiled once and only run when
//! a cheap substring pre-check passes.
use std::sync::LazyLock;

use regex::Regex;

use super::Confidence;
use super::trailers::Trailer;

/// Who wrote and who committed a commit (names and e-mail addresses).
#[derive(Debug, Clone, Copy)]
pub struct CommitIdentity<'a> {
    pub author_name: &'a str,
    pub author_email: &'a str,
    pub committer_name: &'a str,
    pub committer_email: &'a str,
}

/// One convention that matched a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMatch {
    /// Canonical tool id (`claude-code`, `aider`, …, `unknown-agent`).
    pub tool: String,
    /// Model named by the convention ("Claude Opus 4.6", "gpt-4o"), if any.
    pub model: Option<String>,
    pub confidence: Confidence,
    /// What matched, for the evidence list (e.g. `Co-Authored-By: Claude <noreply@anthropic.com>`).
    pub evidence: String,
    /// A session id the convention carries (`Claude-Session:`, `Amp-Thread-ID:`).
    pub session_id: Option<String>,
}

/// Canonical tool ids, as used in `agent:<tool>` sources.
pub mod tool {
    pub const CLAUDE_CODE: &str = "claude-code";
    pub const AIDER: &str = "aider";
    pub const GITHUB_COPILOT: &str = "github-copilot";
    pub const CURSOR: &str = "cursor";
    pub const CODEX: &str = "codex";
    pub const DEVIN: &str = "devin";
    pub const JULES: &str = "jules";
    pub const AMP: &str = "amp";
    pub const OPENHANDS: &str = "openhands";
    pub const OPENCODE: &str = "opencode";
    pub const WINDSURF: &str = "windsurf";
    pub const GEMINI: &str = "gemini";
    pub const UNKNOWN: &str = "unknown-agent";
}

/// A convention from config (`agents:` in `.aeef.yml`), lower-cased once.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExtraRule {
    tool: String,
    emails: Vec<String>,
    trailers: Vec<String>,
}

/// The table of conventions: built-in entries plus any from config.
#[derive(Debug, Clone)]
pub struct AgentTable {
    extra: Vec<ExtraRule>,
}

impl Default for AgentTable {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Where an e-mail address was found; decides the confidence and the
/// evidence prefix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Author,
    Committer,
    CoAuthor,
}

/// What an e-mail address says about a tool.
struct EmailHit {
    tool: String,
    confidence: Confidence,
}

/// Collects matches, one per (tool, evidence), in order of discovery.
#[derive(Default)]
struct Found(Vec<AgentMatch>);

impl Found {
    fn push(
        &mut self,
        tool: &str,
        model: Option<String>,
        confidence: Confidence,
        evidence: String,
        session_id: Option<String>,
    ) {
        if self
            .0
            .iter()
            .any(|m| m.tool == tool && m.evidence == evidence)
        {
            return;
        }
        self.0.push(AgentMatch {
            tool: tool.to_string(),
            model,
            confidence,
            evidence,
            session_id,
        });
    }
}

impl AgentTable {
    /// The built-in conventions of DESIGN §1.3.
    pub fn builtin() -> Self {
        AgentTable { extra: Vec::new() }
    }

    /// Adds the conventions from config. An e-mail rule matches the author,
    /// a co-author (high) or the committer alone (low); a trailer rule
    /// matches when the trailer key is present with a non-empty value.
    pub fn with_rules(mut self, rules: &[crate::config::AgentRule]) -> Self {
        for r in rules {
            let tool = r.tool.trim();
            if tool.is_empty() {
                continue;
            }
            self.extra.push(ExtraRule {
                tool: tool.to_string(),
                emails: r
                    .emails
                    .iter()
                    .map(|e| e.trim().to_ascii_lowercase())
                    .filter(|e| !e.is_empty())
                    .collect(),
                trailers: r
                    .trailers
                    .iter()
                    .map(|t| t.trim().to_ascii_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect(),
            });
        }
        self
    }

    /// Every convention that matches the commit, in order of appearance:
    /// author, committer, marker lines of the message, then trailers.
    pub fn detect(
        &self,
        who: &CommitIdentity<'_>,
        message: &str,
        trailers: &[Trailer],
    ) -> Vec<AgentMatch> {
        let mut found = Found::default();
        self.identity(
            &mut found,
            Role::Author,
            who.author_name,
            who.author_email,
            "",
        );
        let before_committer: Vec<String> = found.0.iter().map(|m| m.tool.clone()).collect();
        // aider marks the author name with "(aider)" when it wrote the change
        // and the committer name when it only committed a human's edit.
        if ends_with_aider(who.author_name) {
            found.push(
                tool::AIDER,
                None,
                Confidence::High,
                format!("author: {}", show(who.author_name, who.author_email)),
                None,
            );
        }
        self.identity(
            &mut found,
            Role::Committer,
            who.committer_name,
            who.committer_email,
            "",
        );
        if ends_with_aider(who.committer_name) && !ends_with_aider(who.author_name) {
            found.push(
                tool::AIDER,
                None,
                Confidence::Low,
                format!(
                    "committer: {}",
                    show(who.committer_name, who.committer_email)
                ),
                None,
            );
        }
        // A committer that repeats the author's tool adds nothing.
        found.0.retain(|m| {
            !(m.evidence.starts_with("committer: ") && before_committer.contains(&m.tool))
        });
        markers(&mut found, message);
        for t in trailers {
            self.trailer(&mut found, t);
        }
        found.0
    }

    /// Matches one identity (author, committer or co-author). A co-author's
    /// evidence is its whole trailer line, given in `line`.
    fn identity(&self, found: &mut Found, role: Role, name: &str, email: &str, line: &str) {
        let email = email.trim();
        if email.is_empty() {
            return;
        }
        let lower = email.to_ascii_lowercase();
        let mut hits: Vec<EmailHit> = Vec::new();
        for r in &self.extra {
            if r.emails.contains(&lower) {
                hits.push(EmailHit {
                    tool: r.tool.clone(),
                    confidence: Confidence::High,
                });
            }
        }
        if let Some(h) = builtin_email(&lower) {
            hits.push(h);
        }
        for h in hits {
            let (evidence, confidence) = match role {
                Role::Author => (format!("author: {}", show(name, email)), h.confidence),
                Role::Committer => (format!("committer: {}", show(name, email)), Confidence::Low),
                Role::CoAuthor => (line.to_string(), h.confidence),
            };
            let model = model_from_name(&h.tool, name);
            found.push(&h.tool, model, confidence, evidence, None);
        }
    }

    /// Matches one trailer.
    fn trailer(&self, found: &mut Found, t: &Trailer) {
        let key = t.key.trim();
        let value = t.value.trim();
        let evidence = || format!("{key}: {value}");
        for r in &self.extra {
            if !value.is_empty() && r.trailers.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                found.push(&r.tool, None, Confidence::High, evidence(), None);
            }
        }
        let lkey = key.to_ascii_lowercase();
        match lkey.as_str() {
            "co-authored-by" => {
                if let Some((name, email)) = split_identity(value) {
                    self.identity(found, Role::CoAuthor, name, email, &evidence());
                }
            }
            "claude-session" if !value.is_empty() => found.push(
                tool::CLAUDE_CODE,
                None,
                Confidence::High,
                evidence(),
                Some(value.to_string()),
            ),
            "agent-logs-url" if !value.is_empty() => found.push(
                tool::GITHUB_COPILOT,
                None,
                Confidence::High,
                evidence(),
                None,
            ),
            "made-with" if value.eq_ignore_ascii_case("cursor") => {
                found.push(tool::CURSOR, None, Confidence::High, evidence(), None)
            }
            "amp-thread-id" | "amp-thread" if !value.is_empty() => found.push(
                tool::AMP,
                None,
                Confidence::High,
                evidence(),
                Some(amp_thread(value)),
            ),
            "assisted-by" if !value.is_empty() => {
                let (agent, model) = match value.split_once(':') {
                    // Kernel form `AGENT:MODEL [TOOL…]`: the model is the
                    // first word after the colon, analysis tools follow.
                    Some((a, rest)) if !looks_like_url(value) => {
                        (a.trim(), rest.split_whitespace().next().map(str::to_string))
                    }
                    _ => (value, None),
                };
                let tool_id = known_tool(agent).unwrap_or(tool::UNKNOWN);
                found.push(tool_id, model, Confidence::High, evidence(), None);
            }
            "generated-by" if !value.is_empty() => {
                let (tool_id, model) = match known_tool(value) {
                    Some(id) => (id, None),
                    // The name as written is all we know of the tool.
                    None => (tool::UNKNOWN, Some(value.to_string())),
                };
                found.push(tool_id, model, Confidence::High, evidence(), None);
            }
            "ai-assisted" if !value.is_empty() => {
                let v = value.to_ascii_lowercase();
                if matches!(v.as_str(), "yes" | "true" | "y" | "1") {
                    found.push(tool::UNKNOWN, None, Confidence::High, evidence(), None);
                } else if !matches!(v.as_str(), "no" | "false" | "n" | "0" | "none" | "human") {
                    // `AI-Assisted: <tool>`: a name instead of yes/no.
                    let (tool_id, model) = match known_tool(value) {
                        Some(id) => (id, None),
                        None => (tool::UNKNOWN, Some(value.to_string())),
                    };
                    found.push(tool_id, model, Confidence::High, evidence(), None);
                }
                // Negative values are a declaration handled by the merge.
            }
            _ => {}
        }
    }
}

/// `Name <email>` for evidence lines.
fn show(name: &str, email: &str) -> String {
    format!("{} <{}>", name.trim(), email.trim())
}

fn ends_with_aider(name: &str) -> bool {
    name.trim_end().ends_with("(aider)")
}

fn looks_like_url(v: &str) -> bool {
    v.contains("://")
}

/// Splits `Name <email>`; `None` without an address (a bare name never
/// identifies an agent).
fn split_identity(value: &str) -> Option<(&str, &str)> {
    let v = value.trim();
    let open = v.rfind('<')?;
    let close = v[open..].find('>')? + open;
    let email = v[open + 1..close].trim();
    if email.is_empty() || !email.contains('@') {
        return None;
    }
    Some((v[..open].trim(), email))
}

/// The model a display name carries, for the tools whose convention puts
/// one there: Claude Code (`Claude Opus 4.6`, `claude-opus-4 (Claude Code)`)
/// and aider (`aider (gpt-4o)`).
fn model_from_name(tool_id: &str, name: &str) -> Option<String> {
    let name = name.trim();
    match tool_id {
        tool::CLAUDE_CODE => {
            let (bare, tagged) = match name.strip_suffix("(Claude Code)") {
                Some(b) => (b.trim(), true),
                None => (name, false),
            };
            let l = bare.to_ascii_lowercase();
            if bare.is_empty() || matches!(l.as_str(), "claude" | "claude code" | "claude[bot]") {
                return None;
            }
            (tagged || l.contains("claude")).then(|| bare.to_string())
        }
        tool::AIDER => {
            let open = name.find('(')?;
            let close = name.rfind(')')?;
            let inner = name.get(open + 1..close)?.trim();
            (!inner.is_empty() && !inner.eq_ignore_ascii_case("aider")).then(|| inner.to_string())
        }
        _ => None,
    }
}

/// The built-in e-mail conventions. `email` is lower-case.
fn builtin_email(email: &str) -> Option<EmailHit> {
    let hit = |t: &str, c: Confidence| {
        Some(EmailHit {
            tool: t.to_string(),
            confidence: c,
        })
    };
    match email {
        "noreply@anthropic.com" => return hit(tool::CLAUDE_CODE, Confidence::High),
        "cursoragent@cursor.com" => return hit(tool::CURSOR, Confidence::High),
        "noreply@openai.com" | "codex@openai.com" => return hit(tool::CODEX, Confidence::High),
        "amp@ampcode.com" => return hit(tool::AMP, Confidence::High),
        // All Hands moved from all-hands.dev to openhands.dev.
        "openhands@all-hands.dev" | "openhands@openhands.dev" => {
            return hit(tool::OPENHANDS, Confidence::High);
        }
        "noreply@opencode.ai" => return hit(tool::OPENCODE, Confidence::High),
        // Cascade's co-author line; both forms are in use.
        "windsurf@codeium.com" | "noreply@codeium.com" => {
            return hit(tool::WINDSURF, Confidence::High);
        }
        _ => {}
    }
    if email.ends_with("@aider.chat") || email.ends_with("@aider.dev") {
        return hit(tool::AIDER, Confidence::High);
    }
    // GitHub noreply addresses: `<numeric id>+<login>@users.noreply.github.com`.
    // The numeric id is what identifies the account; logins can be reused.
    let local = email.strip_suffix("@users.noreply.github.com")?;
    let (id, login) = local.split_once('+')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match (id, login) {
        // The Copilot coding agent (author `copilot-swe-agent[bot]`).
        ("198982749", "copilot") => hit(tool::GITHUB_COPILOT, Confidence::High),
        // Copilot as a reviewer: a human accepted its suggestion.
        ("175728472", "copilot") => hit(tool::GITHUB_COPILOT, Confidence::Low),
        (_, "devin-ai-integration[bot]") => hit(tool::DEVIN, Confidence::High),
        (_, "google-labs-jules[bot]") => hit(tool::JULES, Confidence::High),
        (_, "claude[bot]") => hit(tool::CLAUDE_CODE, Confidence::High),
        (_, "gemini-cli[bot]") => hit(tool::GEMINI, Confidence::High),
        // Gemini Code Assist reviews pull requests; its co-author line comes
        // from an accepted review suggestion.
        (_, "gemini-code-assist[bot]") => hit(tool::GEMINI, Confidence::Low),
        _ => None,
    }
}

/// Maps a tool name as people write it (`Claude`, `GitHub Copilot`,
/// `Gemini CLI`) to a canonical id.
pub fn known_tool(name: &str) -> Option<&'static str> {
    let norm: String = name
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    let id = match norm.as_str() {
        "claude" | "claude code" | "anthropic claude" | "anthropic claude code" => {
            tool::CLAUDE_CODE
        }
        "aider" => tool::AIDER,
        "copilot"
        | "github copilot"
        | "copilot coding agent"
        | "github copilot coding agent"
        | "copilot swe agent" => tool::GITHUB_COPILOT,
        "cursor" | "cursor agent" => tool::CURSOR,
        "codex" | "openai codex" | "codex cli" => tool::CODEX,
        "devin" | "devin ai" => tool::DEVIN,
        "jules" | "google jules" => tool::JULES,
        "amp" | "sourcegraph amp" => tool::AMP,
        "openhands" | "all hands" => tool::OPENHANDS,
        "opencode" => tool::OPENCODE,
        "windsurf" | "codeium" | "cascade" | "windsurf cascade" => tool::WINDSURF,
        "gemini" | "gemini cli" | "google gemini" | "gemini code assist" => tool::GEMINI,
        _ => return None,
    };
    Some(id)
}

/// The thread id of an `Amp-Thread-ID:` value, which is usually the thread
/// URL `https://ampcode.com/threads/T-…`.
fn amp_thread(value: &str) -> String {
    value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(value)
        .to_string()
}

/// Whole-line markers agents put in the message body.
static MARKERS: LazyLock<[(Regex, &'static str); 3]> = LazyLock::new(|| {
    let re = |s: &str| Regex::new(s).expect("static marker regex");
    [
        (
            re(
                r"(?i)^\s*(?:🤖\s*)?generated with (?:\[claude code\]\(https?://(?:www\.)?(?:claude\.com/claude-code|claude\.ai/code)/?\)|claude code)\.?\s*$",
            ),
            tool::CLAUDE_CODE,
        ),
        (
            re(
                r"(?i)^\s*(?:🤖\s*)?generated with \[opencode\]\(https?://(?:www\.)?opencode\.ai/?\)",
            ),
            tool::OPENCODE,
        ),
        (
            re(r"(?i)^\s*(?:🤖\s*)?generated with \[amp\]\(https?://(?:www\.)?ampcode\.com/?\)"),
            tool::AMP,
        ),
    ]
});

/// Searches the message for marker lines; skipped unless the message says
/// "generated with" somewhere.
fn markers(found: &mut Found, message: &str) {
    if !contains_ignore_case(message, "generated with") {
        return;
    }
    for line in message.lines() {
        if !contains_ignore_case(line, "generated with") {
            continue;
        }
        for (re, tool_id) in MARKERS.iter() {
            if re.is_match(line) {
                found.push(
                    tool_id,
                    None,
                    Confidence::High,
                    line.trim().to_string(),
                    None,
                );
            }
        }
    }
}

/// ASCII case-insensitive substring test without allocating: jumps from
/// one occurrence of the needle's first byte (either case) to the next with
/// memchr instead of comparing at every offset; this runs on every commit
/// of a scan.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else { return true };
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = 0;
    while at + n.len() <= h.len() {
        let rest = &h[at..=h.len() - n.len()];
        let next = match (rest.iter().position(|&b| b == lo), lo != up) {
            (Some(i), true) => rest[..i].iter().position(|&b| b == up).unwrap_or(i),
            (Some(i), false) => i,
            (None, true) => match rest.iter().position(|&b| b == up) {
                Some(i) => i,
                None => return false,
            },
            (None, false) => return false,
        };
        if h[at + next..at + next + n.len()].eq_ignore_ascii_case(n) {
            return true;
        }
        at += next + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AgentRule;

    #[test]
    fn contains_ignore_case_finds_any_case() {
        assert!(contains_ignore_case(
            "x 🤖 Generated With [Claude Code]",
            "generated with"
        ));
        assert!(contains_ignore_case("generated with", "generated with"));
        assert!(!contains_ignore_case("generated wit", "generated with"));
        assert!(!contains_ignore_case("", "g"));
        assert!(contains_ignore_case("aaG", "g"));
        assert!(contains_ignore_case("gG-GENERATED WITH", "generated with"));
    }

    fn human() -> CommitIdentity<'static> {
        CommitIdentity {
            author_name: "Jane Doe",
            author_email: "jane@example.com",
            committer_name: "Jane Doe",
            committer_email: "jane@example.com",
        }
    }

    fn tr(k: &str, v: &str) -> Trailer {
        Trailer {
            key: k.into(),
            value: v.into(),
        }
    }

    fn detect(who: &CommitIdentity<'_>, msg: &str, t: &[Trailer]) -> Vec<AgentMatch> {
        AgentTable::builtin().detect(who, msg, t)
    }

    #[test]
    fn claude_co_author_model_from_display_name() {
        let t = [tr(
            "Co-Authored-By",
            "Claude Opus 4.6 <noreply@anthropic.com>",
        )];
        let m = detect(&human(), "x", &t);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].tool, "claude-code");
        assert_eq!(m[0].model.as_deref(), Some("Claude Opus 4.6"));
        assert_eq!(m[0].confidence, Confidence::High);
        assert_eq!(
            m[0].evidence,
            "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"
        );
    }

    #[test]
    fn plain_claude_names_no_model() {
        let t = [tr("co-authored-by", "Claude <noreply@anthropic.com>")];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].model, None);
        let t = [tr(
            "Co-Authored-By",
            "claude-opus-4-1 (Claude Code) <noreply@anthropic.com>",
        )];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].model.as_deref(), Some("claude-opus-4-1"));
    }

    #[test]
    fn human_named_claude_or_anthropic_staff_do_not_match() {
        let who = CommitIdentity {
            author_name: "Claude Monet",
            author_email: "claude@example.com",
            committer_name: "Claude Monet",
            committer_email: "claude@example.com",
        };
        let t = [tr("Co-authored-by", "Jane <jane@anthropic.com>")];
        assert!(detect(&who, "Paint water lilies", &t).is_empty());
        let t = [tr("Co-authored-by", "Copilot <copilot@example.com>")];
        assert!(detect(&human(), "x", &t).is_empty());
        // A name without an address never identifies an agent.
        let t = [tr("Co-authored-by", "Claude")];
        assert!(detect(&human(), "x", &t).is_empty());
    }

    #[test]
    fn marker_line_must_be_the_whole_line() {
        let msg = "Add x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n";
        let m = detect(&human(), msg, &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].evidence,
            "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
        );
        let msg = "Add x\n\nGenerated with [Claude Code](https://claude.ai/code)";
        assert_eq!(detect(&human(), msg, &[]).len(), 1);
        let prose = "Strip lines like 'Generated with Claude Code' from templates";
        assert!(detect(&human(), prose, &[]).is_empty());
    }

    #[test]
    fn aider_author_high_committer_only_low() {
        let who = CommitIdentity {
            author_name: "Jane Doe (aider)",
            ..human()
        };
        let m = detect(&who, "x", &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].confidence, Confidence::High);
        assert_eq!(m[0].evidence, "author: Jane Doe (aider) <jane@example.com>");
        let who = CommitIdentity {
            committer_name: "Jane Doe (aider)",
            ..human()
        };
        let m = detect(&who, "x", &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].confidence, Confidence::Low);
    }

    #[test]
    fn aider_co_author_model_in_parentheses() {
        let t = [tr(
            "Co-authored-by",
            "aider (openrouter/anthropic/claude-3.5-sonnet) <noreply@aider.dev>",
        )];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].tool, "aider");
        assert_eq!(
            m[0].model.as_deref(),
            Some("openrouter/anthropic/claude-3.5-sonnet")
        );
    }

    #[test]
    fn copilot_ids_decide_confidence() {
        let who = CommitIdentity {
            author_name: "copilot-swe-agent[bot]",
            author_email: "198982749+Copilot@users.noreply.github.com",
            ..human()
        };
        let m = detect(&who, "x", &[]);
        assert_eq!(m[0].tool, "github-copilot");
        assert_eq!(m[0].confidence, Confidence::High);
        let t = [tr(
            "Co-authored-by",
            "Copilot <175728472+Copilot@users.noreply.github.com>",
        )];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].confidence, Confidence::Low);
        // Another account called Copilot with an unknown id is not the agent.
        let t = [tr(
            "Co-authored-by",
            "Copilot <12345+Copilot@users.noreply.github.com>",
        )];
        assert!(detect(&human(), "x", &t).is_empty());
    }

    #[test]
    fn committer_repeating_the_author_adds_nothing() {
        let who = CommitIdentity {
            author_name: "Claude",
            author_email: "noreply@anthropic.com",
            committer_name: "Claude",
            committer_email: "noreply@anthropic.com",
        };
        let m = detect(&who, "x", &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].evidence, "author: Claude <noreply@anthropic.com>");
    }

    #[test]
    fn committer_only_email_is_low() {
        let who = CommitIdentity {
            committer_name: "Cursor Agent",
            committer_email: "cursoragent@cursor.com",
            ..human()
        };
        let m = detect(&who, "x", &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].tool, "cursor");
        assert_eq!(m[0].confidence, Confidence::Low);
    }

    #[test]
    fn kernel_assisted_by() {
        let t = [tr("Assisted-by", "Claude:claude-3-opus coccinelle sparse")];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].tool, "claude-code");
        assert_eq!(m[0].model.as_deref(), Some("claude-3-opus"));
        let t = [tr("Assisted-by", "GitHub Copilot:claude-sonnet-4.6")];
        assert_eq!(detect(&human(), "x", &t)[0].tool, "github-copilot");
        let t = [tr("Assisted-by", "FooBot:foo-large-2")];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].tool, "unknown-agent");
        assert_eq!(m[0].model.as_deref(), Some("foo-large-2"));
    }

    #[test]
    fn ai_assisted_yes_matches_no_does_not() {
        let m = detect(&human(), "x", &[tr("AI-Assisted", "yes")]);
        assert_eq!(m[0].tool, "unknown-agent");
        assert!(detect(&human(), "x", &[tr("AI-Assisted", "no")]).is_empty());
        assert!(detect(&human(), "x", &[tr("AI-Assisted", "false")]).is_empty());
    }

    #[test]
    fn sessions_from_trailers() {
        let t = [
            tr(
                "Amp-Thread-ID",
                "https://ampcode.com/threads/T-5a1b2c3d-0000",
            ),
            tr("Claude-Session", "01HZX"),
        ];
        let m = detect(&human(), "x", &t);
        assert_eq!(m[0].session_id.as_deref(), Some("T-5a1b2c3d-0000"));
        assert_eq!(m[1].session_id.as_deref(), Some("01HZX"));
    }

    #[test]
    fn config_rules_extend_the_table() {
        let rules = [AgentRule {
            tool: "acme-bot".into(),
            emails: vec!["Bot@Acme.Example".into()],
            trailers: vec!["Acme-Run".into()],
        }];
        let table = AgentTable::builtin().with_rules(&rules);
        let who = CommitIdentity {
            author_email: "bot@acme.example",
            ..human()
        };
        let m = table.detect(&who, "x", &[tr("acme-run", "42")]);
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|m| m.tool == "acme-bot"));
        assert_eq!(m[1].evidence, "acme-run: 42");
        // Builtins still apply.
        let m = table.detect(&human(), "x", &[tr("Made-with", "Cursor")]);
        assert_eq!(m[0].tool, "cursor");
    }

    #[test]
    fn one_match_per_tool_and_evidence() {
        let t = [
            tr("Co-Authored-By", "Claude <noreply@anthropic.com>"),
            tr("Co-Authored-By", "Claude <noreply@anthropic.com>"),
        ];
        assert_eq!(detect(&human(), "x", &t).len(), 1);
    }
}
