//! Every error a user can see has a stable code and a help line (README
//! "Errors"): issue 14 item 8 found 11 of 17 ad-hoc errors with neither.
//! This reads the sources, since an error without a code is only found
//! when someone hits it.
use std::path::{Path, PathBuf};

/// Source files under `src/`, without their `#[cfg(test)]` tail.
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let s = std::fs::read_to_string(&p).unwrap();
            let s = match s.find("#[cfg(test)]") {
                Some(i) => s[..i].to_string(),
                None => s,
            };
            (p, s)
        })
        .collect()
}

fn line_of(s: &str, at: usize) -> usize {
    s[..at].matches('\n').count() + 1
}

/// The text of a macro call starting at `open` (the index of its `(`).
fn call_at(s: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[open..open + i];
                }
            }
            _ => {}
        }
    }
    &s[open..]
}

/// Guards the README's promise: an ad-hoc `miette!` error without
/// `code =` and `help =`, or an `.into_diagnostic()` (which has neither),
/// fails this test with the file and line to fix.
#[test]
fn every_ad_hoc_error_has_a_code_and_a_help_line() {
    let mut missing = Vec::new();
    for (path, s) in sources() {
        for (at, _) in s.match_indices("miette::miette!(") {
            let call = call_at(&s, at + "miette::miette!".len());
            if !call.contains("code =") || !call.contains("help =") {
                missing.push(format!("{}:{}", path.display(), line_of(&s, at)));
            }
        }
        for (at, _) in s.match_indices("into_diagnostic") {
            missing.push(format!(
                "{}:{} (into_diagnostic)",
                path.display(),
                line_of(&s, at)
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "errors without code or help:\n{}",
        missing.join("\n")
    );
}

/// Guards the same promise for error types: each `#[error(…)]` of a type
/// deriving `miette::Diagnostic` is followed by a `#[diagnostic(…)]` with
/// `code(…)` and a help (`help(…)` or a `#[help]` field). `transparent`
/// variants take both from the error they wrap.
#[test]
fn every_error_variant_has_a_code_and_a_help_line() {
    // Types that are not shown as they are: `ConfigError` implements
    // `Diagnostic` by hand with a code per error (and a help where one
    // exists); `EditError` becomes a diagnostic of the command using it.
    let exempt = ["src/config.rs", "src/incident/yaml.rs"];
    let mut missing = Vec::new();
    for (path, s) in sources() {
        if exempt.iter().any(|e| path.ends_with(e)) || !s.contains("Diagnostic") {
            continue;
        }
        let starts: Vec<usize> = s.match_indices("#[error(").map(|(i, _)| i).collect();
        for (k, &at) in starts.iter().enumerate() {
            let rest = &s[at + "#[error(".len()..];
            if rest.starts_with("transparent") {
                continue;
            }
            let end = starts.get(k + 1).copied().unwrap_or(s.len());
            let chunk = &s[at..end.min(at + 1500)];
            let has_code = chunk.contains("code(");
            let has_help = chunk.contains("help(") || chunk.contains("#[help]");
            if !has_code || !has_help {
                missing.push(format!(
                    "{}:{}{}{}",
                    path.display(),
                    line_of(&s, at),
                    if has_code { "" } else { " no code" },
                    if has_help { "" } else { " no help" }
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "error variants without code or help:\n{}",
        missing.join("\n")
    );
}
