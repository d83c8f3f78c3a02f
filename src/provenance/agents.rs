//! Coding-agent conventions (DESIGN §1.2.3): how coding agents mark the
//! commits they write, plus the generic `Assisted-by:` / `Generated-by:` /
//! `AI-Assisted:` trailers. The agents, their identities, trailer keys,
//! marker lines and sources are data, in [`conventions::CONVENTIONS`]; this
//! module is the matcher.
//!
//! Identities are exact: an e-mail address whole, a GitHub noreply address
//! by its numeric id, never a domain and never a display name alone, so a
//! human called "Claude" and the people who build an agent (who commit from
//! its domain) are never taken for it. The one name-based convention,
//! aider's `(aider)` suffix, is aider's own deliberate marker.
//!
//! Confidence: a match on the author, a co-author or an agent trailer is
//! `high`. Weak signals are `low` and never make a commit agent-written on
//! their own: a match on the committer only (the agent applied someone
//! else's change: a rebase, a cherry-pick, aider's `--attribute-committer`),
//! and review-suggestion accounts (`Copilot <175728472+Copilot@…>`,
//! `gemini-code-assist[bot]`), whose co-author line means a human accepted a
//! suggested edit in a pull-request review.
//!
//! Value forms (DESIGN §1.2.3): `Assisted-by` and `Generated-by` values
//! are read as `AGENT:MODEL [TOOL…]` (the Linux kernel form), `AGENT/MODEL`,
//! `AGENT / MODEL`, `AGENT (MODEL)`, `MODEL via AGENT` (Crush), each
//! possibly followed by `<email>`, prose or a link, which are dropped. A
//! known agent name gives its canonical id; an unknown name gives
//! `unknown-agent` with the name in the evidence, never as the model.
//!
//! This runs on every commit of a long history scan: identities are plain
//! string comparisons against the table, and marker lines are only looked
//! for when a cheap case-insensitive substring test finds a marker phrase
//! in the message.
pub mod conventions;
pub mod environment;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::Confidence;
use super::trailers::Trailer;
use conventions::{CONVENTIONS, Convention, Marker, TrailerValue};

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
    /// Model named by the convention, as written ("Claude Opus 4.6",
    /// "gpt-4o"); the merge normalises it ([`super::model::normalise`]).
    pub model: Option<String>,
    pub confidence: Confidence,
    /// What matched, for the evidence list (e.g. `Co-Authored-By: Claude <noreply@anthropic.com>`).
    pub evidence: String,
    /// A session id the convention carries (`Claude-Session:`, `Amp-Thread-ID:`).
    pub session_id: Option<String>,
}

/// Canonical tool ids, as used in `agent:<tool>` sources. Each is the
/// `tool` of one entry of [`conventions::CONVENTIONS`], except
/// [`tool::UNKNOWN`].
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
    pub const QWEN_CODE: &str = "qwen-code";
    pub const CRUSH: &str = "crush";
    pub const WARP: &str = "warp";
    pub const FACTORY_DROID: &str = "factory-droid";
    pub const ROO_CODE: &str = "roo-code";
    /// An agent named by a generic trailer but not in the table.
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
    /// The built-in conventions of [`conventions::CONVENTIONS`].
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
        let author_suffix = name_suffix(who.author_name);
        if let Some(c) = author_suffix {
            found.push(
                c.tool,
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
        if let Some(c) = name_suffix(who.committer_name)
            && author_suffix.is_none()
        {
            found.push(
                c.tool,
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
        aider_chat_log(&mut found, message);
        for t in trailers {
            self.trailer(&mut found, t);
        }
        found.0
    }

    /// The conventions one trailer line matches, alone: what [`detect`]
    /// finds for it with no identity and no marker text (a body line read
    /// outside git's trailer block, `super::body`).
    ///
    /// [`detect`]: AgentTable::detect
    pub fn detect_trailer(&self, t: &Trailer) -> Vec<AgentMatch> {
        let mut found = Found::default();
        self.trailer(&mut found, t);
        found.0
    }

    /// Matches one identity (author, committer or co-author). A co-author's
    /// evidence is its whole trailer line, given in `line`.
    fn identity(&self, found: &mut Found, role: Role, name: &str, email: &str, line: &str) {
        let email = email.trim();
        if email.is_empty() {
            return;
        }
        // Most addresses are lower case already: no copy for those.
        let lower = if email.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(email.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(email)
        };
        let mut hits: Vec<EmailHit> = Vec::new();
        for r in &self.extra {
            if r.emails.iter().any(|e| *e == *lower) {
                hits.push(EmailHit {
                    tool: r.tool.clone(),
                    confidence: Confidence::High,
                });
            }
        }
        if let Some((c, confidence)) = builtin_email(&lower) {
            hits.push(EmailHit {
                tool: c.tool.to_string(),
                confidence,
            });
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
        if value.is_empty() {
            return;
        }
        // Keys compared without a lower-case copy of each.
        let is = |k: &str| key.eq_ignore_ascii_case(k);
        match () {
            () if is("co-authored-by") => {
                if let Some((name, email)) = split_identity(value) {
                    self.identity(found, Role::CoAuthor, name, email, &evidence());
                }
            }
            () if is("assisted-by") || is("generated-by") => push_value(found, evidence(), value),
            () if is("ai-assisted") => {
                let v = value.to_ascii_lowercase();
                if matches!(v.as_str(), "yes" | "true" | "y" | "1") {
                    found.push(tool::UNKNOWN, None, Confidence::High, evidence(), None);
                } else if !matches!(v.as_str(), "no" | "false" | "n" | "0" | "none" | "human")
                    && !super::model::is_template_value(value)
                {
                    // `AI-Assisted: <tool>`: a name instead of yes/no.
                    push_value(found, evidence(), value);
                }
                // Negative values are a declaration handled by the merge.
            }
            () => {
                for c in CONVENTIONS {
                    for k in c.trailers {
                        if !k.key.eq_ignore_ascii_case(key) {
                            continue;
                        }
                        let session = match k.value {
                            TrailerValue::Any => None,
                            TrailerValue::Equals(v) if value.eq_ignore_ascii_case(v) => None,
                            TrailerValue::Equals(_) => continue,
                            TrailerValue::Session => Some(session_of(value)),
                        };
                        found.push(c.tool, None, Confidence::High, evidence(), session);
                    }
                }
            }
        }
    }
}

/// Reads an `Assisted-by` / `Generated-by` / `AI-Assisted` value and
/// records the agent it names.
fn push_value(found: &mut Found, evidence: String, value: &str) {
    let v = agent_value(value);
    match v.tool {
        Some(t) => found.push(t, v.model, Confidence::High, evidence, None),
        None => {
            let evidence = if v.agent.is_empty() {
                evidence
            } else {
                format!(
                    "{evidence} (agent \"{}\" is not in the conventions table)",
                    v.agent
                )
            };
            found.push(tool::UNKNOWN, v.model, Confidence::High, evidence, None);
        }
    }
}

/// What a generic agent trailer's value says.
#[derive(Debug, PartialEq, Eq)]
struct Value {
    /// The agent's name as written (prose, links and e-mail dropped).
    agent: String,
    tool: Option<&'static str>,
    model: Option<String>,
}

/// Parses the value forms of DESIGN §1.2.3 (see the module docs).
fn agent_value(value: &str) -> Value {
    let mut v = value.trim();
    let mut email_tool = None;
    if let Some((name, email)) = split_identity(v) {
        email_tool = builtin_email(&email.to_ascii_lowercase()).map(|(c, _)| c.tool);
        v = name;
    }
    let v = drop_prose(v);
    let (agent, model) = split_forms(v);
    let agent = agent.trim();
    let mut tool = known_tool(agent);
    let mut model = model
        .map(str::trim)
        .filter(|m| plausible_model(m))
        .map(str::to_string);
    if tool.is_none()
        && let Some((t, rest)) = split_alias_prefix(agent)
    {
        tool = Some(t);
        if model.is_none() {
            model = family_model(agent, rest)
                .filter(|m| plausible_model(m))
                .map(str::to_string);
        }
    }
    Value {
        agent: agent.to_string(),
        tool: email_tool.or(tool),
        model,
    }
}

/// Drops what follows the agent and model: a link, a dash or a semicolon
/// and the prose after it, a final full stop. A Markdown link
/// `[Name](url)` gives its text.
fn drop_prose(v: &str) -> &str {
    let mut v = v.trim();
    if let Some(rest) = v.strip_prefix('[')
        && let Some(end) = rest.find("](")
    {
        v = &rest[..end];
    }
    let mut cut = v.len();
    for stop in [
        " http", "(http", "<http", " - ", " — ", " – ", "; ", ", ", " see ",
    ] {
        if let Some(i) = v.find(stop) {
            cut = cut.min(i);
        }
    }
    v[..cut].trim().trim_end_matches('.').trim_end()
}

/// Splits a value into agent and model by the first form that applies.
fn split_forms(v: &str) -> (&str, Option<&str>) {
    let lower = v.to_ascii_lowercase();
    // Crush: `GLM-5.1 via Crush`.
    if let Some(i) = lower.find(" via ") {
        return (&v[i + 5..], Some(&v[..i]));
    }
    // Kernel: `AGENT:MODEL [TOOL…]`; the analysis tools after the model are
    // not the model.
    if let Some(i) = v.find(':')
        && !v[i..].starts_with("://")
    {
        // A model written with spaces (`Crush:AWS Claude Opus 4.6`) is
        // taken whole when its first word is no model.
        let rest = v[i + 1..].trim();
        let first = rest.split_whitespace().next();
        return match first {
            Some(w) if plausible_model(w) => (&v[..i], Some(w)),
            _ => (&v[..i], Some(rest)),
        };
    }
    if let Some(i) = v.find('/') {
        let (a, m) = (&v[..i], &v[i + 1..]);
        return if a.ends_with(' ') {
            // `AGENT / MODEL`: the model may have words.
            (a, Some(m.trim()))
        } else {
            (a, m.split_whitespace().next())
        };
    }
    if let Some(open) = v.find('(')
        && let Some(close) = v[open..].find(')')
    {
        let (outer, inner) = (v[..open].trim(), v[open + 1..open + close].trim());
        // `claude-opus-4-1 (Claude Code)`: the tool is in parentheses.
        if known_tool(inner).is_some() && known_tool(outer).is_none() {
            return (inner, Some(outer));
        }
        return (outer, Some(inner));
    }
    (v, None)
}

/// Whether text in a model position names a model: not a placeholder, not
/// an agent, and with a version digit or an Anthropic family name.
fn plausible_model(m: &str) -> bool {
    let m = m.trim();
    if super::model::is_placeholder(m) || known_tool(m).is_some() {
        return false;
    }
    m.bytes().any(|b| b.is_ascii_digit())
        || m.split(|c: char| !c.is_ascii_alphanumeric())
            .any(super::model::is_claude_family)
}

/// `Name <email>` for evidence lines.
fn show(name: &str, email: &str) -> String {
    format!("{} <{}>", name.trim(), email.trim())
}

/// The convention whose name suffix (aider's `(aider)`) ends `name`.
fn name_suffix(name: &str) -> Option<&'static Convention> {
    let name = name.trim_end();
    CONVENTIONS
        .iter()
        .find(|c| c.name_suffix.is_some_and(|s| name.ends_with(s)))
}

/// The session id of a session trailer: the last path segment of an URL.
fn session_of(value: &str) -> String {
    value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(value)
        .to_string()
}

/// Splits `Name <email>`; `None` without an address (a bare name never
/// identifies an agent).
fn split_identity(value: &str) -> Option<(&str, &str)> {
    let v = value.trim();
    let open = v.rfind('<')?;
    let close = v[open..].find('>')? + open;
    let email = v[open + 1..close].trim();
    if email.is_empty() || !email.contains('@') || email.contains("://") {
        return None;
    }
    Some((v[..open].trim(), email))
}

/// Aliases that are also the first word of the vendor's model names, so a
/// display name `Claude Opus 4.6` is the model as a whole.
const MODEL_FAMILY_ALIASES: [&str; 2] = ["claude", "gemini"];

/// The model in `name` = agent alias + `rest`: the whole name when the
/// alias is the first word of the vendor's model names (`Claude Fable 5`),
/// else the rest (`Codex o4-mini` → `o4-mini`).
fn family_model<'a>(name: &'a str, rest: Option<&'a str>) -> Option<&'a str> {
    let first = normalise_name(name.split_whitespace().next().unwrap_or(""));
    if MODEL_FAMILY_ALIASES.contains(&first.as_str()) {
        rest.map(|_| name)
    } else {
        rest
    }
}

/// The model a co-author or author display name carries for `tool_id`:
/// `Claude Opus 4.6`, `claude-opus-4-1 (Claude Code)`, `aider (gpt-4o)`,
/// `Codex o4-mini`. A name that is only the agent's gives none.
fn model_from_name(tool_id: &str, name: &str) -> Option<String> {
    let name = name
        .trim()
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim();
    let mut candidate = name;
    if let Some(open) = name.find('(')
        && name.ends_with(')')
    {
        let (outer, inner) = (name[..open].trim(), name[open + 1..name.len() - 1].trim());
        if known_tool(inner) == Some(tool_id) {
            candidate = outer;
        } else if known_tool(outer) == Some(tool_id) {
            candidate = inner;
        }
    }
    if candidate.is_empty() || known_tool(candidate) == Some(tool_id) {
        return None;
    }
    if let Some((t, rest)) = split_alias_prefix(candidate) {
        if t != tool_id {
            return None;
        }
        return family_model(candidate, rest)
            .filter(|m| plausible_model(m))
            .map(str::to_string);
    }
    // A bare model id as the name (`claude-opus-4-1 (Claude Code)`).
    (candidate != name && plausible_model(candidate)).then(|| candidate.to_string())
}

/// Splits a name that starts with an agent's alias (one to three words)
/// into the agent's tool id and the rest (`Codex o4-mini` →
/// (`codex`, `o4-mini`)). The longest alias wins.
fn split_alias_prefix(name: &str) -> Option<(&'static str, Option<&str>)> {
    // Where each of the first three words ends, when another word follows.
    let mut ends = [0usize; 3];
    let mut n = 0;
    let mut in_word = false;
    for (i, c) in name.char_indices() {
        if !c.is_whitespace() {
            in_word = true;
        } else if in_word {
            ends[n] = i;
            n += 1;
            in_word = false;
            if n == ends.len() {
                break;
            }
        }
    }
    (0..n).rev().find_map(|k| {
        let t = known_tool(&name[..ends[k]])?;
        let rest = name[ends[k]..].trim();
        Some((t, (!rest.is_empty()).then_some(rest)))
    })
}

/// Exact addresses and noreply account ids of the table, for one hash
/// lookup per identity: convention and confidence.
struct IdentityIndex {
    emails: Map<(&'static Convention, Confidence)>,
    accounts: Map<(&'static Convention, Confidence)>,
    /// Aliases in [`normalise_name`] form.
    aliases: Map<&'static str>,
}

/// A map keyed by the table's short strings. Keys are fixed data, not
/// input, so FNV-1a (a few instructions a byte) replaces SipHash: this
/// runs for the author and committer of every commit.
type Map<V> = HashMap<&'static str, V, BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

static INDEX: LazyLock<IdentityIndex> = LazyLock::new(|| {
    let mut ix = IdentityIndex {
        emails: Map::default(),
        accounts: Map::default(),
        aliases: Map::default(),
    };
    for c in CONVENTIONS {
        for e in c.emails {
            ix.emails.insert(e.address, (c, e.confidence));
        }
        for a in c.accounts {
            ix.accounts.insert(a.id, (c, a.confidence));
        }
        for a in c.aliases {
            ix.aliases.insert(a, c.tool);
        }
    }
    ix
});

/// The built-in convention of an e-mail address (lower-case): an exact
/// address, or a GitHub noreply address decided by its numeric id.
fn builtin_email(email: &str) -> Option<(&'static Convention, Confidence)> {
    // `<numeric id>+<login>@users.noreply.github.com`: the id identifies
    // the account; logins can be renamed and reused.
    if let Some(local) = email.strip_suffix("@users.noreply.github.com") {
        let (id, _login) = local.split_once('+')?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return INDEX.accounts.get(id).copied();
    }
    INDEX.emails.get(email).copied()
}

/// A name in the form the table's aliases are written: ASCII lower-case,
/// `-` and `_` as spaces, single spaces.
pub(crate) fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for w in name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// Maps a tool name as people write it (`Claude`, `GitHub Copilot`,
/// `Gemini CLI`, `claude-code`) to its canonical id, from the aliases of
/// [`conventions::CONVENTIONS`].
///
/// Runs on every co-author of a scan, so the name is normalised into a
/// stack buffer (no alias is longer than it) for one hash lookup.
pub fn known_tool(name: &str) -> Option<&'static str> {
    let mut buf = [0u8; 48];
    let mut n = 0;
    for w in name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
    {
        let need = w.len() + usize::from(n > 0);
        if n + need > buf.len() {
            return None;
        }
        if n > 0 {
            buf[n] = b' ';
            n += 1;
        }
        for b in w.bytes() {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    let key = std::str::from_utf8(&buf[..n]).ok()?;
    INDEX.aliases.get(key).copied()
}

/// The marker phrases of the table, distinct (ASCII case-insensitively).
static PHRASES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut p: Vec<&'static str> = CONVENTIONS
        .iter()
        .flat_map(|c| c.markers.iter().map(|m| m.phrase))
        .collect();
    p.sort_unstable_by_key(|s| s.to_ascii_lowercase());
    p.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    p
});

/// Searches the message for marker lines. A marker is a whole line that
/// starts (after an emoji) with its phrase, so each line costs a look at
/// its first bytes; only a line that starts with a phrase is matched
/// against the table.
fn markers(found: &mut Found, message: &str) {
    if !has_phrase(message) {
        return;
    }
    for line in message.lines() {
        let start = line.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let starts = |p: &&str| {
            start
                .as_bytes()
                .get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
        };
        if !PHRASES.iter().any(starts) {
            continue;
        }
        for c in CONVENTIONS {
            if c.markers.iter().any(|m| is_marker(line, m)) {
                found.push(
                    c.tool,
                    None,
                    Confidence::High,
                    line.trim().to_string(),
                    None,
                );
            }
        }
    }
}

/// aider's early convention (before its `(aider)` author names): the chat
/// that produced the change appended to the message under a line
/// `# Aider chat conversation:` at column 0 (aider's `repo.py`, versions
/// 0.x up to mid-2024). Unambiguous, so high confidence; the title prefix
/// `aider: ` of the same era is not used (it is also a scope prefix).
fn aider_chat_log(found: &mut Found, message: &str) {
    const LINE: &str = "# Aider chat conversation:";
    if !message.contains(LINE) {
        return;
    }
    if message.lines().skip(1).any(|l| l.trim_end() == LINE) {
        found.push(tool::AIDER, None, Confidence::High, LINE.to_string(), None);
    }
}

/// The word every marker phrase ends with (checked by the table test).
const PHRASE_END: &[u8] = b"with";

/// Whether some marker phrase occurs in the message: one pass that jumps
/// (memchr) between occurrences of `with`, in either case, and compares
/// the text before each with the phrases. As cheap as the single-phrase
/// pre-check it replaced, however many phrases the table has.
fn has_phrase(message: &str) -> bool {
    let h = message.as_bytes();
    let Some(last) = h.len().checked_sub(PHRASE_END.len()) else {
        return false;
    };
    memchr::memchr2_iter(b'w', b'W', &h[..=last]).any(|at| {
        let end = at + PHRASE_END.len();
        h[at..end].eq_ignore_ascii_case(PHRASE_END)
            && PHRASES
                .iter()
                .any(|p| end >= p.len() && h[end - p.len()..end].eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// Whether `line` is the marker: the phrase and the name, bare or as a
/// link to one of the vendor's pages, alone on the line after an optional
/// emoji, with optional emphasis and a final full stop.
fn is_marker(line: &str, m: &Marker) -> bool {
    let s = line
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches(|c: char| c == '_' || c == '*' || c == '.' || c.is_whitespace());
    let Some(head) = s.get(..m.phrase.len()) else {
        return false;
    };
    if !head.eq_ignore_ascii_case(m.phrase) {
        return false;
    }
    let rest = &s[m.phrase.len()..];
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.trim_start();
    if rest.eq_ignore_ascii_case(m.name) {
        return true;
    }
    // `Generated with Claude Code (https://claude.com/claude-code)`: the
    // name, then the vendor's link in parentheses, with or without scheme.
    if let Some(after) = rest
        .get(..m.name.len())
        .filter(|h| h.eq_ignore_ascii_case(m.name))
        .and_then(|_| rest.get(m.name.len()..))
        .map(str::trim)
        && let Some(url) = after.strip_prefix('(').and_then(|u| u.strip_suffix(')'))
    {
        let url = url.trim();
        return if url.contains("://") {
            vendor_link(url, m.links)
        } else {
            vendor_link(&format!("https://{url}"), m.links)
        };
    }
    let Some(link) = rest.strip_prefix('[') else {
        return false;
    };
    let Some(text) = link.get(..m.name.len()) else {
        return false;
    };
    if !text.eq_ignore_ascii_case(m.name) {
        return false;
    }
    let Some(url) = link[m.name.len()..]
        .strip_prefix("](")
        .and_then(|u| u.strip_suffix(')'))
    else {
        return false;
    };
    vendor_link(url.trim(), m.links)
}

/// Whether `url` points under one of `prefixes` (scheme and `www.` left out).
fn vendor_link(url: &str, prefixes: &[&str]) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    prefixes.iter().any(|p| {
        rest.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
            && matches!(
                rest.as_bytes().get(p.len()),
                None | Some(b'/' | b'?' | b'#')
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AgentRule;

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
        // The plain-link forms a fresh user found in the wild.
        for line in [
            "🤖 Generated with Claude Code (https://claude.com/claude-code)",
            "Generated with Claude Code (claude.ai/code)",
        ] {
            let m = detect(&human(), &format!("Add x\n\n{line}\n"), &[]);
            assert_eq!(m.len(), 1, "{line}");
            assert_eq!(m[0].tool, "claude-code");
        }
        // Another host in parentheses is not the vendor's footer.
        let m = detect(
            &human(),
            "Add x\n\nGenerated with Claude Code (https://evil.example/x)\n",
            &[],
        );
        assert!(m.is_empty());
    }

    /// aider's early commits carry the chat under this line (304 commits
    /// of aider's own history were called human).
    #[test]
    fn aider_chat_conversation_line_is_aider() {
        let msg = "aider: Add retry\n\n# Aider chat conversation:\n\nUSER: add a retry\n";
        let m = detect(&human(), msg, &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].tool, "aider");
        // Quoted mid-line it is prose.
        assert!(
            detect(
                &human(),
                "Docs\n\nWe strip `# Aider chat conversation:` lines\n",
                &[]
            )
            .is_empty()
        );
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

    /// Guards the value forms of DESIGN §1.2.3, each as projects write it.
    #[test]
    fn value_forms_give_tool_and_model() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                "Claude:claude-3-opus coccinelle sparse",
                Some("claude-code"),
                Some("claude-3-opus"),
            ),
            (
                "Claude Code:claude-sonnet-4-5",
                Some("claude-code"),
                Some("claude-sonnet-4-5"),
            ),
            (
                "claude-code/claude-opus-4-7",
                Some("claude-code"),
                Some("claude-opus-4-7"),
            ),
            (
                "Claude Code / Claude Opus 4.7",
                Some("claude-code"),
                Some("Claude Opus 4.7"),
            ),
            ("Cursor (gpt-5)", Some("cursor"), Some("gpt-5")),
            (
                "claude-opus-4-1 (Claude Code)",
                Some("claude-code"),
                Some("claude-opus-4-1"),
            ),
            (
                "GLM-5.1 via Crush <crush@charm.land>",
                Some("crush"),
                Some("GLM-5.1"),
            ),
            (
                "Claude Code (claude-opus-4-5) - see https://x.example",
                Some("claude-code"),
                Some("claude-opus-4-5"),
            ),
            (
                "Gemini CLI https://github.com/google-gemini/gemini-cli",
                Some("gemini"),
                None,
            ),
            (
                "[Claude Code](https://claude.com/claude-code)",
                Some("claude-code"),
                None,
            ),
            (
                "Claude Opus 4.6",
                Some("claude-code"),
                Some("Claude Opus 4.6"),
            ),
            (
                "Crush:AWS Claude Opus 4.6",
                Some("crush"),
                Some("AWS Claude Opus 4.6"),
            ),
            (
                "Claude (Anthropic AI) <noreply@anthropic.com>",
                Some("claude-code"),
                None,
            ),
            ("Cursor:auto", Some("cursor"), None),
            ("Codex:unknown", Some("codex"), None),
            ("FooBot:foo-large-2", None, Some("foo-large-2")),
            ("Tabnine", None, None),
            ("GPT-5", None, None),
        ];
        for (v, tool, model) in cases {
            let got = agent_value(v);
            assert_eq!(got.tool, *tool, "{v}");
            assert_eq!(got.model.as_deref(), *model, "{v}");
        }
    }

    /// Guards issue 9 item 4: a footer matches by phrase and any vendor
    /// host, or bare, never on one literal URL, and never inside prose.
    #[test]
    fn markers_match_by_pattern() {
        let claude = &conventions::by_tool("claude-code").unwrap().markers[0];
        for line in [
            "🤖 Generated with [Claude Code](https://docs.anthropic.com/s/claude-code)",
            "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
            "Generated with [Claude Code](https://claude.ai/code/session_01ABC)",
            "Generated with [Claude Code](http://www.claude.ai/code).",
            "_Generated with [Claude Code](https://claude.ai/code)_",
            "generated with claude code",
            "  🤖 Generated with Claude Code  ",
        ] {
            assert!(is_marker(line, claude), "{line}");
        }
        for line in [
            "Generated with [Claude Code](https://example.com/claude-code)",
            "Generated with [Claude Code](https://claude.company.example/x)",
            "Generated with [Claude Code](claude.com)",
            "Drop the Generated with Claude Code footer",
            "Generated with Claude Code and a lot of patience",
            "Generated with [Claude Code]",
        ] {
            assert!(!is_marker(line, claude), "{line}");
        }
    }

    #[test]
    fn has_phrase_finds_every_phrase_in_any_case() {
        for c in CONVENTIONS {
            for m in c.markers {
                let p = m.phrase;
                assert!(p.to_ascii_lowercase().ends_with("with"), "{p}");
                assert!(has_phrase(&format!(
                    "x\n\n🤖 {} {}",
                    p.to_ascii_uppercase(),
                    m.name
                )));
                assert!(has_phrase(&format!("{p} x")));
            }
        }
        assert!(!has_phrase("Fix it\n\nwrapped at a sane width, with care"));
        assert!(!has_phrase(""));
        assert!(!has_phrase("Generated wit"));
    }

    /// Guards DESIGN §1.2.3: the numeric id decides a noreply account, the
    /// login does not.
    #[test]
    fn noreply_id_decides() {
        let hit = |e: &str| builtin_email(e).map(|(c, conf)| (c.tool, conf));
        assert_eq!(
            hit("223556219+copilot@users.noreply.github.com"),
            Some(("github-copilot", Confidence::High))
        );
        assert_eq!(hit("12345+copilot@users.noreply.github.com"), None);
        assert_eq!(hit("41898282+claude[bot]@users.noreply.github.com"), None);
        assert_eq!(hit("copilot@users.noreply.github.com"), None);
        assert_eq!(hit("paul@aider.chat"), None);
        assert_eq!(hit("aider@aider.chat").map(|h| h.0), Some("aider"));
    }
}
