//! The one escape of untrusted text (commit subjects, tool and model names,
//! record fields, finding messages) in every Markdown aeef writes: the PR
//! comment, `--format markdown`, the step summary, the share table and
//! incident notifications.
//!
//! What GitHub does to plain text in a comment, and what this prevents
//! (GitHub Flavored Markdown spec, and GitHub's "Autolinked references and
//! URLs" docs):
//! - HTML: `&`, `<`, `>` become entities;
//! - Markdown syntax (links, images, emphasis, code, strike-through,
//!   tables): `\ | ` * _ ~ [ ] ( ) ! :` get a backslash;
//! - `@user` / `@org/team` mentions and `#12`, `owner/repo#12`, `GH-12`
//!   references: an invisible U+2060 WORD JOINER after `@` and `#`, and
//!   before the `-` of `GH-`;
//! - autolinked URLs and domains (GFM's extended autolinks: a scheme
//!   `https://…`, `www.example.com`, and e-mail `a@b.com`; a bare
//!   `example.com` is not linked, so file names keep their dots): a joiner
//!   after the `:` of `://`, between `www` and its `.`, and after `@`;
//! - commit SHAs are left as written: GitHub links them only to commits
//!   of the same repository (harmless, and what a reviewer wants), and a
//!   SHA copied from the comment must work in `git show`;
//! - control and bidi characters are dropped; registered secrets (a token)
//!   are masked before anything else.
//!
//! The joiner is invisible and is no character of a login, a number or a
//! domain, so the text reads the same and links nothing it should not.

/// U+2060 WORD JOINER.
pub const JOINER: char = '\u{2060}';

/// Escapes `s` for Markdown on one line (a heading, a table cell, a list
/// item): line breaks become a space. See the module docs for the rules.
pub fn text(s: &str) -> String {
    escape(s, " ")
}

/// Escapes `s` for one table cell that may hold several lines: line breaks
/// become `<br>` (GitHub renders it in a cell); otherwise as [`text`].
pub fn cell(s: &str) -> String {
    escape(s, "<br>")
}

fn escape(s: &str, newline: &str) -> String {
    // Masked first: escaping would hide a token from the masking.
    let s = crate::redact::mask_secrets(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 16);
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
                out.push_str(newline);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' | '#' => {
                out.push(c);
                out.push(JOINER);
            }
            '-' if out.to_ascii_lowercase().ends_with("gh") => {
                out.push(JOINER);
                out.push('-');
            }
            '.' => {
                // GFM's extended `www.` autolink needs `www.` at a word start.
                let www = i >= 3
                    && chars[i - 3..i].iter().all(|w| w.eq_ignore_ascii_case(&'w'))
                    && !word(i.checked_sub(4).map(|p| &chars[p]));
                if www {
                    out.push(JOINER);
                }
                out.push('.');
            }
            ':' => {
                out.push_str("\\:");
                if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') {
                    out.push(JOINER);
                }
            }
            '\\' | '|' | '`' | '*' | '_' | '~' | '[' | ']' | '(' | ')' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::redact::is_unsafe_char(c) || c.is_control() => {}
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What GitHub would link or render, checked on the escaped text: no
    /// `@` or `#` directly before a word character, no `www.` or `://`
    /// before a domain, no raw HTML or link syntax.
    fn links_nothing(e: &str) {
        let v: Vec<char> = e.chars().collect();
        for w in v.windows(2) {
            if matches!(w[0], '@' | '#') {
                assert!(!w[1].is_alphanumeric(), "{e:?}");
            }
        }
        assert!(
            !e.contains("://") && !e.to_lowercase().contains("www."),
            "{e:?}"
        );
        assert!(!e.contains('<') && !e.contains("]("), "{e:?}");
    }

    /// Guards issue 13 item 7: the hostile subject of the fresh tester,
    /// and a model name, link nothing and ping no one.
    #[test]
    fn mentions_references_urls_and_domains_are_neutralised_shas_stay_copyable() {
        for s in [
            "Ping foo@bar.com o/r#5 `code` www.evil.com https://evil.com/x 3ad5547fca74 ~~s~~ **b**",
            "evil|@octocat <b>x</b> #12",
            "GH-3 gh-4 [link](http://evil) <img src=x onerror=alert(1)>",
            "e4f1a2b 0123456789abcdef0123456789abcdef01234567",
        ] {
            let e = text(s);
            links_nothing(&e);
            // The text reads the same once the joiners are gone.
            assert!(!e.contains('\n'));
        }
        assert_eq!(text("@octocat"), "@\u{2060}octocat");
        assert_eq!(text("GH-3"), "GH\u{2060}-3");
        // A SHA stays copyable: GitHub links it to this repository only.
        assert_eq!(text("3ad5547fca74"), "3ad5547fca74");
        // File names, versions, dates and sentences stay as written.
        assert_eq!(
            text("src/x.rs v1.2 20250514 done."),
            "src/x.rs v1.2 20250514 done."
        );
        assert_eq!(text("www.evil.com"), "www\u{2060}.evil.com");
        assert_eq!(text("awww.x"), "awww.x");
        assert_eq!(text("https://e.com"), "https\\:\u{2060}//e.com");
        assert_eq!(cell("a\r\nb|c"), "a<br>b\\|c");
        assert_eq!(text("a\nb"), "a b");
    }
}
