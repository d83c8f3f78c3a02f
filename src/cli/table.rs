//! Aligned text tables for human output, in the style of `gh issue list`:
//! an upper-case header row, columns two spaces apart, the last column not
//! padded (it may be long). Widths count characters, not bytes.

/// Renders `header` and `rows` (each as many cells as the header) as
/// lines ending in `\n`. `bold` paints the header (colour output only).
pub fn render(header: &[&str], rows: &[Vec<String>], bold: bool) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            if i + 1 == n {
                s.push_str(c);
            } else {
                s.push_str(c);
                let pad = widths[i] - c.chars().count() + 2;
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let head = line(&mut header.iter().copied());
    let mut out = if bold {
        format!("{}\n", super::paint::bold(true, head.trim_end()))
    } else {
        head
    };
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    /// Columns line up by characters (an em dash is one), the last one is
    /// not padded, and no line ends in spaces.
    #[test]
    fn columns_align_by_characters_and_lines_have_no_trailing_spaces() {
        let t = render(
            &["A", "BB", "C"],
            &[
                vec!["x—y".into(), "1".into(), "last".into()],
                vec!["long cell".into(), "".into(), "".into()],
            ],
            false,
        );
        assert_eq!(t, "A          BB  C\nx—y        1   last\nlong cell\n");
    }
}
