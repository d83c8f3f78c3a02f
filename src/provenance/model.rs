//! Model names, normalised so that one model is one row in every count
//! (DESIGN §1.3).
//!
//! The canonical spelling is the vendor's API id in lower case with words
//! joined by `-`: `Claude Opus 4.6`, `claude-opus-4.6`, `"claude-opus-4-6"`,
//! `Opus 4.6 (1M context)` and `anthropic/claude-opus-4-6-20260101` all
//! become `claude-opus-4-6` (Anthropic's API ids write versions with `-`,
//! so for Claude a `.` becomes `-` too); `GPT-5` becomes `gpt-5`,
//! `Gemini 2.5 Pro` becomes `gemini-2.5-pro` (OpenAI's and Google's ids keep
//! the `.`). What is removed: surrounding quotes and whitespace, deployment
//! suffixes (`(1M context)`, `[1m]`, a tool name in parentheses such as
//! `(Claude Code)`), a router or provider prefix (`openrouter/anthropic/`,
//! `anthropic/`, Bedrock's `us.anthropic.`) in front of a known model
//! family, and for Claude the snapshot date (`-20251101`, `@20250929`) and a
//! Bedrock version (`-v1:0`): display names never carry them and the
//! undated id names the same model. Placeholders (`auto`, `unknown`,
//! `default`, `none`, empty, template residue such as `<model>` or
//! `{{ .ModelID }}`) are not models. The text as written stays in the
//! evidence; only `model_version` is normalised.

/// Normalises a model name as written; `None` for a placeholder or a name
/// that is only an agent (`Claude`, `Claude Code`).
pub fn normalise(raw: &str) -> Option<String> {
    // Most models are written as API ids already; only Claude's need work.
    if is_plain_id(raw) && !is_placeholder(raw) {
        return Some(raw.to_string());
    }
    let mut s = strip_quotes(raw.trim());
    loop {
        let before = s.len();
        s = strip_deployment_suffix(s);
        s = strip_quotes(s);
        if s.len() == before {
            break;
        }
    }
    if is_placeholder(s) {
        return None;
    }
    let s = strip_vendor_words(s);
    // Words become one id (`Claude Opus 4.6` → `claude-opus-4.6`); a name
    // that keeps a parenthesised part keeps its spaces.
    let sep = if s.contains('(') { ' ' } else { '-' };
    let mut lower = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !lower.is_empty() {
            lower.push(sep);
        }
        if w.is_ascii() {
            lower.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            lower.push_str(&w.to_lowercase());
        }
    }
    let lower = strip_provider(&lower);
    if let Some(claude) = claude_id(lower) {
        return claude;
    }
    Some(lower.to_string())
}

/// Already canonical: lower-case ASCII letters, digits, `-` and `.`, not
/// a Claude name (whose dates and dots are rewritten).
fn is_plain_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && !s.starts_with("claude")
        && !s.split(['-', '.']).next().is_some_and(is_claude_family)
}

/// Whether a model name is a placeholder rather than a model.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() {
        return true;
    }
    let wrapped = |o: char, c: char| t.starts_with(o) && t.ends_with(c);
    if wrapped('<', '>')
        || wrapped('{', '}')
        || wrapped('[', ']')
        || (t.contains('{') && t.contains("{{"))
    {
        return true;
    }
    [
        "auto", "unknown", "default", "none", "n/a", "na", "null", "-", "?", "tbd",
    ]
    .iter()
    .any(|p| t.eq_ignore_ascii_case(p))
}

/// A value left from a template rather than written by someone: a
/// placeholder ([`is_placeholder`]: `N/A`, `-`, `<tool>`, `{{ x }}`,
/// `unknown`, …) other than the explicit `none`, or a list of choices
/// (`none|claude-code|copilot`). Such a value decides nothing: an
/// `AI-Tool: N/A` in a pull-request template is not an AI commit.
pub fn is_template_value(s: &str) -> bool {
    let t = s.trim();
    (is_placeholder(t) && !t.eq_ignore_ascii_case("none")) || t.contains('|')
}

/// Whether a word is one of Anthropic's model family names, which people
/// write without `Claude` (`Opus 4.6`, `sonnet`).
pub fn is_claude_family(word: &str) -> bool {
    ["opus", "sonnet", "haiku", "fable"]
        .iter()
        .any(|f| word.eq_ignore_ascii_case(f))
}

fn strip_quotes(mut s: &str) -> &str {
    const PAIRS: [(char, char); 5] = [
        ('"', '"'),
        ('\'', '\''),
        ('`', '`'),
        ('\u{201c}', '\u{201d}'),
        ('\u{2018}', '\u{2019}'),
    ];
    'again: loop {
        s = s.trim();
        for (o, c) in PAIRS {
            if s.len() >= o.len_utf8() + c.len_utf8()
                && let Some(inner) = s.strip_prefix(o).and_then(|r| r.strip_suffix(c))
            {
                s = inner;
                continue 'again;
            }
        }
        return s;
    }
}

/// Removes one trailing `(…)` or `[…]` group that names a deployment
/// (context size, "thinking", a tool) rather than a version.
fn strip_deployment_suffix(s: &str) -> &str {
    let s = s.trim_end();
    let (open, close) = match s.chars().last() {
        Some(')') => ('(', ')'),
        Some(']') => ('[', ']'),
        _ => return s,
    };
    let Some(at) = s.rfind(open) else { return s };
    if at == 0 {
        return s;
    }
    let inner = s[at + 1..s.len() - close.len_utf8()].trim();
    let l = inner.to_ascii_lowercase();
    let deployment = l.contains("context")
        || l == "thinking"
        || l == "extended thinking"
        || l == "preview"
        || is_context_size(&l)
        || super::agents::known_tool(inner).is_some();
    if deployment { s[..at].trim_end() } else { s }
}

/// `1m`, `200k`: a context size as Claude Code writes it (`opus[1m]`).
fn is_context_size(l: &str) -> bool {
    let digits = l.trim_end_matches(['k', 'm']);
    digits.len() < l.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Drops a provider written in words in front of the model: `Z.ai: GLM
/// 5.1`, `AWS Claude Opus 4.6`, `OpenAI GPT-5`, `Google Gemini 2.5 Pro`.
fn strip_vendor_words(s: &str) -> &str {
    let mut s = match s.rfind(": ") {
        Some(i) => s[i + 2..].trim(),
        None => s,
    };
    const VENDORS: [&str; 10] = [
        "aws",
        "amazon",
        "bedrock",
        "vertex",
        "azure",
        "openrouter",
        "anthropic",
        "openai",
        "google",
        "github",
    ];
    while let Some((first, rest)) = s.split_once(char::is_whitespace) {
        if !VENDORS.iter().any(|v| first.eq_ignore_ascii_case(v)) || rest.trim().is_empty() {
            break;
        }
        s = rest.trim_start();
    }
    s
}

/// Drops `vendor/` and `router/vendor/` prefixes, and Bedrock's
/// `us.anthropic.`, in front of a known model family.
fn strip_provider(l: &str) -> &str {
    let last = l.rsplit('/').next().unwrap_or(l);
    let known = |m: &str| {
        m.starts_with("claude")
            || m.starts_with("gpt")
            || m.starts_with("gemini")
            || (m.starts_with('o') && m[1..].starts_with(|c: char| c.is_ascii_digit()))
    };
    let last = if known(last) { last } else { l };
    match last.find("anthropic.claude") {
        Some(i) => &last[i + "anthropic.".len()..],
        None => last,
    }
}

/// The Claude API id of a lower-cased, `-`-joined name, or `None` when it
/// is not a Claude model; `Some(None)` when it is only the agent's name.
fn claude_id(l: &str) -> Option<Option<String>> {
    let first = l.split(['-', '.', '_']).next().unwrap_or("");
    if first != "claude" && !is_claude_family(first) {
        return None;
    }
    // Vertex `@20250929`, Bedrock `:0`.
    let l = l.split(['@', ':']).next().unwrap_or(l);
    let mut words: Vec<&str> = l.split(['-', '.', '_']).filter(|w| !w.is_empty()).collect();
    if words.first() != Some(&"claude") {
        words.insert(0, "claude");
    }
    // A snapshot date ends the id; a Bedrock `v1` may follow it.
    if let Some(i) = words
        .iter()
        .position(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
    {
        words.truncate(i);
    }
    if words.last() == Some(&"latest") {
        words.pop();
    }
    // Cursor writes the version before the family and adds a mode:
    // `claude-4.5-sonnet-thinking`, `claude-4.6-opus-high-thinking` are
    // `claude-sonnet-4-5`, `claude-opus-4-6` (the mode is not a model).
    // (Claude 3 ids are written version-first by Anthropic too: kept.)
    if words.len() >= 3
        && words[1].parse::<u32>().is_ok_and(|major| major >= 4)
        && let Some(fam) = words.iter().position(|w| is_claude_family(w))
        && fam > 1
    {
        let version: Vec<&str> = words[1..fam]
            .iter()
            .copied()
            .filter(|w| w.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        let mut reordered = vec!["claude", words[fam]];
        reordered.extend(version);
        words = reordered;
    }
    if words.len() == 1 || words == ["claude", "code"] {
        return Some(None);
    }
    Some(Some(words.join("-")))
}

#[cfg(test)]
mod tests {
    use super::normalise;

    fn n(s: &str) -> Option<String> {
        normalise(s)
    }

    /// Cursor's names put the version first and add a mode; found on
    /// git-ai's history as four rows for two models.
    #[test]
    fn cursor_model_names_are_the_api_ids() {
        assert_eq!(
            n("claude-4-5-sonnet-thinking").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            n("claude-4.6-opus-high-thinking").as_deref(),
            Some("claude-opus-4-6")
        );
        assert_eq!(n("claude-4.5-sonnet").as_deref(), Some("claude-sonnet-4-5"));
        assert_eq!(n("claude-opus-4-6").as_deref(), Some("claude-opus-4-6"));
    }

    /// Guards issue 9 item 6: a display name and its API id are one model.
    #[test]
    fn claude_display_name_equals_api_id() {
        for s in [
            "Claude Opus 4.6",
            "claude-opus-4-6",
            "claude-opus-4.6",
            "Opus 4.6",
            "anthropic/claude-opus-4-6",
            "claude-opus-4-6-20260205",
            "us.anthropic.claude-opus-4-6-20260205-v1:0",
            "claude-opus-4-6@20260205",
        ] {
            assert_eq!(n(s).as_deref(), Some("claude-opus-4-6"), "{s}");
        }
        assert_eq!(n("Claude 3.5 Sonnet").as_deref(), Some("claude-3-5-sonnet"));
        assert_eq!(
            n("openrouter/anthropic/claude-3.5-sonnet").as_deref(),
            Some("claude-3-5-sonnet")
        );
    }

    /// Guards issue 9 item 6: `(1M context)` is a deployment, not a model.
    #[test]
    fn context_suffix_is_dropped() {
        assert_eq!(n("Claude Opus 5 (1M context)"), n("Claude Opus 5"));
        assert_eq!(n("Claude Opus 5").as_deref(), Some("claude-opus-5"));
        assert_eq!(
            n("claude-sonnet-4-5[1m]").as_deref(),
            Some("claude-sonnet-4-5")
        );
        assert_eq!(
            n("claude-opus-4-1 (Claude Code)").as_deref(),
            Some("claude-opus-4-1")
        );
        // A parenthesised version is not a deployment.
        assert_eq!(
            n("gpt-4o (2024-08-06)").as_deref(),
            Some("gpt-4o (2024-08-06)")
        );
    }

    /// Guards issue 9 item 6: quotes around a model are not part of it.
    #[test]
    fn quoted_models() {
        assert_eq!(n("\"claude-opus-4-6\"").as_deref(), Some("claude-opus-4-6"));
        assert_eq!(n(" 'gpt-5' ").as_deref(), Some("gpt-5"));
        assert_eq!(n("`gemini-2.5-pro`").as_deref(), Some("gemini-2.5-pro"));
        assert_eq!(n("“Claude Opus 4.6”").as_deref(), Some("claude-opus-4-6"));
    }

    /// Guards issue 9 item 5: placeholders are not models.
    #[test]
    fn auto_placeholder() {
        for s in [
            "auto",
            "Auto",
            "unknown",
            "default",
            "",
            "  ",
            "<model>",
            "{{ .ModelID }}",
            "\"auto\"",
        ] {
            assert_eq!(n(s), None, "{s:?}");
        }
        assert_eq!(n("Claude"), None);
        assert_eq!(n("Claude Code"), None);
    }

    #[test]
    fn other_vendors_keep_their_dots() {
        assert_eq!(n("GPT-5").as_deref(), Some("gpt-5"));
        assert_eq!(n("gpt-4.1").as_deref(), Some("gpt-4.1"));
        assert_eq!(n("Gemini 2.5 Pro").as_deref(), Some("gemini-2.5-pro"));
        assert_eq!(
            n("google/gemini-2.5-pro").as_deref(),
            Some("gemini-2.5-pro")
        );
        assert_eq!(n("o4-mini").as_deref(), Some("o4-mini"));
        assert_eq!(n("GLM-5.1").as_deref(), Some("glm-5.1"));
        assert_eq!(n("GLM 5.1").as_deref(), Some("glm-5.1"));
        assert_eq!(n("Z.ai: GLM 5.1").as_deref(), Some("glm-5.1"));
        assert_eq!(n("OpenAI GPT-5").as_deref(), Some("gpt-5"));
        assert_eq!(
            n("Google Gemini 2.5 Pro").as_deref(),
            Some("gemini-2.5-pro")
        );
    }

    /// Found on Crush's history: the same Claude model through Bedrock and
    /// a new family name.
    #[test]
    fn provider_words_and_new_families() {
        assert_eq!(n("AWS Claude Opus 4.6").as_deref(), Some("claude-opus-4-6"));
        assert_eq!(n("Claude Fable 5").as_deref(), Some("claude-fable-5"));
        assert_eq!(n("fable 5").as_deref(), Some("claude-fable-5"));
    }
}
