//! What may reach a terminal or a log: credential masking and control
//! character escaping, each defined once and applied to every byte `aeef`
//! prints (stdout through [`Guard`], diagnostics on stderr through
//! [`for_terminal`]).
//!
//! The repository's committed content is untrusted input (README, "Security
//! model"): a commit message, a record or a config file can carry terminal
//! escape sequences that move the cursor or rewrite the window title, and a
//! symlink or a pasted log can carry a credential. Neither may reach the
//! user's screen or a CI log as written.
use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{LazyLock, Mutex};

use regex::Regex;

/// What replaces a masked credential.
pub const MASK: &str = "***";

/// GitHub token formats (github.blog 2021-04-05 "Behind GitHub's new
/// authentication token formats": `ghp_` personal, `gho_` OAuth, `ghu_`
/// user-to-server, `ghs_` server-to-server (the Actions `GITHUB_TOKEN`),
/// `ghr_` refresh; `github_pat_` fine-grained personal tokens), header
/// values (`Authorization: Bearer …`, also as git's
/// `http.extraheader = AUTHORIZATION: basic …`), `x-access-token:<token>@`
/// in remote URLs, `oauth_token` / `access_token` parameters, and
/// environment-style `NAME=value` pairs whose name says token, secret or
/// password (what `/proc/self/environ` holds). Values stop at whitespace,
/// quotes, a backslash or a comma, so masking never breaks a JSON string.
static SECRET_RES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // `(?-u:\b)`: an ASCII word boundary, so a token right after a
        // non-ASCII letter (`éghp_…`) is masked too.
        (r"(?-u:\b)(gh[pousr]_)[A-Za-z0-9_]{8,}", "${1}***"),
        (r"(?-u:\b)(github_pat_)[A-Za-z0-9_]{8,}", "${1}***"),
        (
            r#"(?i)(authorization\s*[:=]\s*(?:(?:basic|bearer|token)\s+)?)[^\s"'\\,;]+"#,
            "${1}***",
        ),
        (r#"(?i)(x-access-token:)[^\s"'\\,;@]+"#, "${1}***"),
        (
            r#"(?i)((?:oauth_token|access_token)["']?\s*[:=]\s*["']?)[^\s"'\\,;&]+"#,
            "${1}***",
        ),
        (
            r#"(?i)(?-u:\b)([A-Za-z0-9_]*(?:token|secret|password|passwd)[A-Za-z0-9_]*=)[^\s"'\\,;&\x00]+"#,
            "${1}***",
        ),
    ]
    .into_iter()
    .map(|(re, with)| (Regex::new(re).expect("static regex"), with))
    .collect()
});

/// Literal secret values known to this process (the token in use): masked
/// wherever they appear, whatever their shape.
static KNOWN: LazyLock<Mutex<Vec<String>>> = LazyLock::new(|| {
    let mut v = Vec::new();
    for name in ["GITHUB_TOKEN", "GH_TOKEN"] {
        if let Some(t) = std::env::var_os(name).and_then(|t| t.into_string().ok()) {
            push_secret(&mut v, &t);
        }
    }
    Mutex::new(v)
});

fn push_secret(v: &mut Vec<String>, s: &str) {
    let s = s.trim();
    // Short values would mask ordinary words.
    if s.len() >= 8 && !v.iter().any(|k| k == s) {
        v.push(s.to_string());
    }
}

/// Adds a secret value (a token read from `--token-env`) to the values
/// [`mask_secrets`] masks literally. `GITHUB_TOKEN` and `GH_TOKEN` are
/// registered on first use. Values shorter than 8 bytes are ignored.
pub fn register_secret(value: &str) {
    if let Ok(mut v) = KNOWN.lock() {
        push_secret(&mut v, value);
    }
}

/// Cheap test before the regexes: every pattern needs one of these.
fn may_hold_secret(s: &str, known: &[String]) -> bool {
    let lower = s.as_bytes().iter().any(|b| b.is_ascii_uppercase());
    let hay: Cow<str> = if lower {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    };
    [
        "gh",
        "github_pat_",
        "authorization",
        "x-access-token",
        "token",
        "secret",
        "passw",
    ]
    .iter()
    .any(|n| hay.contains(n))
        || known.iter().any(|k| s.contains(k.as_str()))
}

/// `s` with every credential-looking value replaced by `***` (see the
/// patterns above) and every registered secret value masked. The one
/// masking function: every diagnostic and every output line goes through it.
pub fn mask_secrets(s: &str) -> Cow<'_, str> {
    // Borrowed, not cloned: this runs on every output line.
    let guard = KNOWN.lock();
    let known: &[String] = guard.as_deref().map(Vec::as_slice).unwrap_or(&[]);
    if !may_hold_secret(s, known) {
        return Cow::Borrowed(s);
    }
    let mut out = Cow::Borrowed(s);
    for k in known {
        if out.contains(k.as_str()) {
            out = Cow::Owned(out.replace(k.as_str(), MASK));
        }
    }
    for (re, with) in SECRET_RES.iter() {
        if let Cow::Owned(t) = re.replace_all(&out, *with) {
            out = Cow::Owned(t);
        }
    }
    out
}

/// True for a character a terminal acts on instead of showing: C0 controls
/// (tab and line feed excepted), DEL, C1 controls (U+0080–U+009F, CSI among
/// them) and the bidirectional overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069, which reorder what follows: CVE-2021-42574).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

/// `s` with every [`is_unsafe_char`] written as a visible `\u{1b}` escape,
/// so text from commits and records shows what it holds and cannot move
/// the cursor, set the title or the clipboard, or reorder the line.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_controls`], but a well-formed SGR sequence
/// (`ESC [ digits;… m`, colours and weights, which cannot move the cursor)
/// passes when `sgr` is set, so `--color always` keeps its colours. The
/// concealed attribute (8) is never passed: it would hide text.
fn escape_line(s: &str, sgr: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && sgr
            && let Some(len) = sgr_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if is_unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Length of a harmless SGR sequence at the start of `s`, if there is one.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    if !body[end..].starts_with('m') || end > 32 {
        return None;
    }
    let params: Vec<&str> = body[..end].split(';').collect();
    // 38;5;n / 38;2;r;g;b carry numbers that are not attributes.
    let mut i = 0;
    while i < params.len() {
        match params[i] {
            "38" | "48" => {
                i += match params.get(i + 1) {
                    Some(&"5") => 3,
                    Some(&"2") => 5,
                    _ => return None,
                };
            }
            "8" | "08" => return None,
            _ => i += 1,
        }
    }
    Some(2 + end + 1)
}

/// A diagnostic or message for a terminal or a log: credentials masked,
/// control characters escaped (harmless colours kept when `color`).
pub fn for_terminal(s: &str, color: bool) -> String {
    let masked = mask_secrets(s);
    escape_line(&masked, color).into_owned()
}

/// How [`Guard`] treats what passes through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Machine formats (JSON, SARIF, CSV, HTML, GitHub commands): credentials
    /// masked, bytes otherwise as written (JSON escapes its own controls).
    MaskOnly,
    /// Human and Markdown output: credentials masked and control characters
    /// escaped; `color` lets harmless SGR colour sequences through.
    Terminal { color: bool },
}

/// A writer that masks credentials and (in [`Mode::Terminal`]) escapes
/// control characters, line by line: a sequence split across two `write`
/// calls is still seen whole. Flushes what it holds on `flush` and drop.
pub struct Guard<W: Write> {
    inner: W,
    mode: Mode,
    pending: Vec<u8>,
}

impl<W: Write> Guard<W> {
    /// Wraps `inner`; what is written comes out line by line, masked (and
    /// escaped, per `mode`).
    pub fn new(inner: W, mode: Mode) -> Self {
        Guard {
            inner,
            mode,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        let masked = mask_secrets(&text);
        match self.mode {
            Mode::MaskOnly => match (&text, &masked) {
                // Not valid UTF-8 and nothing masked: the bytes as given.
                (Cow::Owned(_), Cow::Borrowed(_)) => self.inner.write_all(bytes),
                _ => self.inner.write_all(masked.as_bytes()),
            },
            Mode::Terminal { color } => {
                self.inner.write_all(escape_line(&masked, color).as_bytes())
            }
        }
    }

    /// Emits the complete lines of `pending`, whose last newline is at
    /// `last_nl` (found in the bytes just written: searching all of
    /// `pending` on every write made a 1.5 MB JSON line quadratic).
    fn drain_lines(&mut self, last_nl: usize) -> io::Result<()> {
        let rest = self.pending.split_off(last_nl + 1);
        let lines = std::mem::replace(&mut self.pending, rest);
        self.emit(&lines)
    }
}

impl<W: Write> Write for Guard<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let before = self.pending.len();
        self.pending.extend_from_slice(buf);
        if let Some(at) = buf.iter().rposition(|&b| b == b'\n') {
            self.drain_lines(before + at)?;
        }
        // A very long line without a newline: emit it rather than grow
        // without bound (a split at a UTF-8 boundary is only cosmetic).
        if self.pending.len() > (1 << 20) {
            let all = std::mem::take(&mut self.pending);
            self.emit(&all)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let all = std::mem::take(&mut self.pending);
            self.emit(&all)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Guard<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_tokens_and_headers_are_masked() {
        let s = "GITHUB_TOKEN=ghs_abcdefgh12345678\0HOME=/root token ghp_0123456789abcdef";
        let m = mask_secrets(s);
        assert!(!m.contains("abcdefgh12345678"), "{m}");
        assert!(!m.contains("0123456789abcdef"), "{m}");
        assert!(m.contains("HOME=/root"), "{m}");
        let m = mask_secrets("extraheader = AUTHORIZATION: basic eC1hY2Nlc3M6c2VjcmV0");
        assert!(!m.contains("eC1hY2Nlc3M6c2VjcmV0"), "{m}");
        let m = mask_secrets("https://x-access-token:s3cr3tvalue@github.com/o/r");
        assert_eq!(m, "https://x-access-token:***@github.com/o/r");
        let m = mask_secrets(r#"{"oauth_token": "abcdefgh123"}"#);
        assert_eq!(m, r#"{"oauth_token": "***"}"#);
        let m = mask_secrets("github_pat_11ABCDEFG0123456789_xyz");
        assert_eq!(m, "github_pat_***");
        assert_eq!(
            mask_secrets("set GITHUB_TOKEN (or --token-env)"),
            "set GITHUB_TOKEN (or --token-env)"
        );
        // Right after a non-ASCII letter, where a Unicode word boundary is
        // not (a fresh tester found these printed in clear).
        assert_eq!(mask_secrets("éghp_abcdefgh12345678"), "éghp_***");
        assert_eq!(mask_secrets("Ωgithub_pat_11ABCDEFG0"), "Ωgithub_pat_***");
        assert_eq!(mask_secrets("ÉTOKEN=accentprefix x"), "ÉTOKEN=*** x");
        assert_eq!(mask_secrets("ßtoken=sharp"), "ßtoken=***");
    }

    #[test]
    fn registered_secrets_are_masked_literally() {
        register_secret("plain-secret-value-42");
        assert_eq!(mask_secrets("x plain-secret-value-42 y"), "x *** y");
    }

    #[test]
    fn control_characters_are_escaped_but_newlines_and_tabs_stay() {
        assert_eq!(escape_controls("a\tb\nc"), "a\tb\nc");
        assert_eq!(
            escape_controls("\u{1b}[2K\rorigin"),
            "\\u{1b}[2K\\u{d}origin"
        );
        assert_eq!(escape_controls("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape_controls("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn colour_keeps_sgr_but_not_cursor_moves_or_conceal() {
        assert_eq!(
            escape_line("\u{1b}[1;31mx\u{1b}[0m", true),
            "\u{1b}[1;31mx\u{1b}[0m"
        );
        assert_eq!(escape_line("\u{1b}[38;5;8mx", true), "\u{1b}[38;5;8mx");
        assert_eq!(escape_line("\u{1b}[8mx", true), "\\u{1b}[8mx");
        assert_eq!(escape_line("\u{1b}[1A", true), "\\u{1b}[1A");
        assert_eq!(escape_line("\u{1b}[1;31m", false), "\\u{1b}[1;31m");
    }

    #[test]
    fn guard_sees_a_sequence_split_across_writes() {
        let mut out = Vec::new();
        {
            let mut g = Guard::new(&mut out, Mode::Terminal { color: false });
            g.write_all(b"a\x1b").unwrap();
            g.write_all(b"[1Ab ghp_abcdefgh").unwrap();
            g.write_all(b"12345678\nend").unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\\u{1b}[1Ab ghp_***\nend");
    }

    /// Guards the newline search on each write (only the bytes just
    /// written): lines cut at any point still come out whole and masked,
    /// as the same text written at once.
    #[test]
    fn guard_output_does_not_depend_on_how_writes_are_cut() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("line {i} token=ghp_{i:0>36} tail"));
            text.push_str(if i % 7 == 0 { "\n\n" } else { " " });
        }
        text.push_str("no newline at the end ghp_0123456789abcdef0123456789abcdef0123");
        let once = {
            let mut out = Vec::new();
            let mut g = Guard::new(&mut out, Mode::MaskOnly);
            g.write_all(text.as_bytes()).unwrap();
            g.flush().unwrap();
            drop(g);
            out
        };
        assert!(!String::from_utf8_lossy(&once).contains("ghp_0"));
        for cut in [1, 3, 7, 64, 1000] {
            let mut out = Vec::new();
            let mut g = Guard::new(&mut out, Mode::MaskOnly);
            for chunk in text.as_bytes().chunks(cut) {
                g.write_all(chunk).unwrap();
            }
            g.flush().unwrap();
            drop(g);
            assert_eq!(out, once, "writes of {cut} bytes");
        }
    }
}
