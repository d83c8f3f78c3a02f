//! Commits that declare an `encoding` header read as `git log` shows them,
//! and a declared encoding can never hide AI provenance (issue 12, item 1).
//!
//! git re-encodes the whole commit object with iconv and prints the stored
//! bytes when that fails. For `UTF-16`, `UTF-16LE` and `UTF-16BE` it fails
//! on an object of odd length (git shows the trailer) and turns the ASCII
//! headers into CJK text on an even length (git shows an empty message);
//! iconv does not know `replacement` at all. aeef reads the stored bytes in
//! every one of these cases.
mod common;

use common::{RepoBuilder, aeef, stderr, stdout};
use serde_json::Value;

const ENCODINGS: [&str; 4] = ["UTF-16", "UTF-16LE", "UTF-16BE", "replacement"];

/// A base commit, then one commit declaring `encoding` whose message is
/// ASCII with an `AI-Tool` trailer; `pad` makes the object one byte
/// longer, to cover both parities of git's iconv behaviour.
fn repo(encoding: Option<&str>, pad: bool) -> (RepoBuilder, String, String) {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    let base = r.commit("Initial commit");
    if let Some(e) = encoding {
        r.git(&["config", "i18n.commitEncoding", e]);
    }
    r.write("src/pay.rs", "retry\n");
    let title = if pad { "Retry!" } else { "Retry" };
    let sha = r.commit_raw(format!("{title}\n\nAI-Tool: claude-code\n").as_bytes());
    (r, base, sha)
}

/// `git log --format=%(trailers:only,unfold)` of `sha`, one `key: value` a
/// line (printed in UTF-8: the repository's `i18n.commitEncoding` would
/// otherwise be git's output encoding too).
fn git_trailers(r: &RepoBuilder, sha: &str) -> Vec<String> {
    r.git(&[
        "-c",
        "i18n.logOutputEncoding=UTF-8",
        "log",
        "-1",
        "--format=%(trailers:only,unfold)",
        sha,
    ])
    .lines()
    .filter(|l| !l.is_empty())
    .map(str::to_string)
    .collect()
}

fn blame_json(r: &RepoBuilder, sha: &str) -> Value {
    let o = aeef(r.path(), &["blame", sha, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

fn aeef_trailers(v: &Value) -> Vec<String> {
    v["trailers"]
        .as_array()
        .expect("trailers")
        .iter()
        .map(|t| {
            format!(
                "{}: {}",
                t["key"].as_str().unwrap(),
                t["value"].as_str().unwrap()
            )
        })
        .collect()
}

fn scan_tool(r: &RepoBuilder, sha: &str) -> Value {
    let o = aeef(r.path(), &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .find(|v| v["commit"] == sha)
        .expect("the commit is scanned")["tool"]
        .clone()
}

fn gate_code(r: &RepoBuilder, base: &str, head: &str) -> i32 {
    let o = aeef(
        r.path(),
        &["gate", "--format", "json", "--base", base, "--head", head],
    );
    o.status.code().expect("exit code")
}

/// Guards issue 12 item 1: `encoding UTF-16` (LE, BE, `replacement`) on an
/// ASCII message hid the `AI-Tool` trailer from scan, blame and the gate.
/// Where git itself shows the trailer, aeef's trailers equal git's; where
/// git shows nothing (an even-length UTF-16 object), aeef still sees it.
#[test]
fn declared_non_ascii_encodings_never_hide_trailers() {
    let (plain, plain_base, plain_sha) = repo(None, false);
    let expected_gate = gate_code(&plain, &plain_base, &plain_sha);
    assert!(
        matches!(expected_gate, 0 | 1),
        "the gate did not run: {expected_gate}"
    );
    assert_eq!(scan_tool(&plain, &plain_sha), "claude-code");
    for encoding in ENCODINGS {
        for pad in [false, true] {
            let (r, base, sha) = repo(Some(encoding), pad);
            let header = r.git(&["cat-file", "-p", &sha]);
            assert!(
                header.contains(&format!("\nencoding {encoding}\n")),
                "{header}"
            );
            let v = blame_json(&r, &sha);
            let ours = aeef_trailers(&v);
            assert_eq!(ours, ["AI-Tool: claude-code"], "{encoding} pad={pad}: {v}");
            let git = git_trailers(&r, &sha);
            // git is the oracle wherever it can show the message at all.
            if !git.is_empty() {
                assert_eq!(ours, git, "{encoding} pad={pad}");
            }
            assert_eq!(
                v["provenance"]["tool"], "claude-code",
                "{encoding} pad={pad}"
            );
            assert_eq!(scan_tool(&r, &sha), "claude-code", "{encoding} pad={pad}");
            assert_eq!(
                gate_code(&r, &base, &sha),
                expected_gate,
                "{encoding} pad={pad}: the gate must judge the commit as without the header"
            );
        }
    }
    // `replacement` is unknown to iconv: git shows the stored bytes on
    // both parities, so git is the oracle there for certain.
    for pad in [false, true] {
        let (r, _, sha) = repo(Some("replacement"), pad);
        assert_eq!(git_trailers(&r, &sha), ["AI-Tool: claude-code"]);
    }
}

/// An ASCII-compatible declared encoding still decodes as git does, and
/// bytes that do not decode in it fall back to the stored bytes as git's
/// failed iconv does.
#[test]
fn legacy_encodings_decode_and_bad_bytes_fall_back_like_git() {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    r.git(&["config", "i18n.commitEncoding", "Shift_JIS"]);
    // "日本" in Shift_JIS.
    let good = r.commit_raw(b"\x93\xfa\x96\x7b\n\nAI-Tool: aider\n");
    r.write("a", "2\n");
    // A lone lead byte: not Shift_JIS; git prints the stored bytes.
    let bad = r.commit_raw(b"Fix \x81\n\nAI-Tool: codex\n");
    let log = |sha: &str| {
        r.git(&[
            "-c",
            "i18n.logOutputEncoding=UTF-8",
            "log",
            "-1",
            "--format=%s",
            sha,
        ])
        .trim_end()
        .to_string()
    };
    assert_eq!(log(&good), "日本");
    let o = aeef(r.path(), &["blame", &good]);
    assert!(stdout(&o).contains("日本"), "{}", stdout(&o));
    assert_eq!(blame_json(&r, &good)["provenance"]["tool"], "aider");
    let v = blame_json(&r, &bad);
    assert_eq!(v["provenance"]["tool"], "codex");
    assert_eq!(aeef_trailers(&v), git_trailers(&r, &bad));
}
