//! Progress on stderr (issue 10): long work shows a bar on a terminal,
//! and nothing at all reaches a pipe, a file or a CI log.
mod common;

use common::{RepoBuilder, aeef_env, stderr};

/// A history where line blame has parent blames to do: AI lines, then a
/// human commit that edits one of them and one beside them.
fn repo_with_work() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let base: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    r.write("a.rs", &base);
    r.commit("Human base");
    r.trailer("AI-Tool", "claude-code");
    r.edit("a.rs", 5, 6, &["ai 5", "ai 6"]);
    r.commit("AI edits a");
    r.edit("a.rs", 6, 6, &["human 6"]);
    r.edit("a.rs", 9, 9, &["human 9"]);
    r.commit("Human edits a");
    r
}

/// Guards "nothing in pipes or CI logs": with the delay at zero, so a bar
/// would be due at once, a piped stderr still gets no byte from line blame
/// or from a scan.
#[test]
fn piped_stderr_gets_no_progress_bytes() {
    let r = repo_with_work();
    for args in [
        &["blame", "a.rs", "--format", "json"][..],
        &["scan", "HEAD", "--format", "json"][..],
    ] {
        let o = aeef_env(r.path(), args, &[("AEEF_PROGRESS_DELAY_MS", "0")]);
        assert!(o.status.success(), "aeef {args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "aeef {args:?} wrote {:?}", stderr(&o));
        assert!(
            !o.stdout.contains(&b'\r'),
            "aeef {args:?}: a carriage return in stdout"
        );
    }
}

/// Guards the other half: on a terminal (a pseudo-terminal from
/// util-linux `script`) the bar is drawn on stderr, and stdout, sent to a
/// file, stays clean JSON. Skipped with a reason where `script` is absent.
#[test]
fn a_terminal_gets_the_bar_and_stdout_stays_clean() {
    if !common::script_available() {
        return;
    }
    let r = repo_with_work();
    let out = r.path().join("out.json");
    let cmd = format!(
        "AEEF_PROGRESS_DELAY_MS=0 '{}' blame a.rs --format json > '{}'",
        env!("CARGO_BIN_EXE_aeef"),
        out.display()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(r.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    assert!(o.status.success(), "script: {}", stderr(&o));
    let tty = String::from_utf8_lossy(&o.stdout);
    assert!(tty.contains("blaming at parents"), "terminal got {tty:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("stdout is one JSON object");
    assert_eq!(json["lines"][5]["origin"], "ai-modified");
}
