//! What `src/main.rs` does before any command, in place of Rust's runtime
//! start: a reader that goes away is not a crash, and closed standard
//! descriptors are never reused for files aeef opens.
mod common;

use std::process::{Command, Stdio};

use common::{RepoBuilder, stderr};

fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    for i in 0..50 {
        r.write("a", &format!("{i}\n"));
        if i % 2 == 0 {
            r.trailer("AI-Tool", "claude-code");
        }
        r.commit(&format!("change {i}"));
    }
    r
}

/// Runs `cmd` with its stdout a pipe whose only read end is closed before
/// aeef writes a byte.
fn with_reader_gone(mut cmd: Command) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aeef runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("aeef ends")
}

fn aeef(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aeef"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_TOKEN");
    c
}

/// `aeef scan | head -0`: the write fails with EPIPE, which is not an
/// error (exit 0), and the process is not killed by SIGPIPE (as it would
/// be, status 141 in a shell, with the signal's default disposition).
#[test]
fn a_reader_that_goes_away_is_exit_0_not_sigpipe() {
    let r = repo();
    for format in ["json", "human"] {
        let mut cmd = aeef(r.path());
        cmd.args(["scan", "--format", format]);
        let o = with_reader_gone(cmd);
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(o.status.signal(), None, "killed by a signal ({format})");
        }
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{format}: {}", stderr(&o));
    }
}

/// Started with stdin, stdout and stderr closed (`<&- >&- 2>&-`), aeef
/// finds them open on /dev/null, so no file or pipe it opens takes
/// descriptor 1 (and receives its output). A `git` on PATH that records
/// what its parent's descriptors 0–2 are shows it while aeef runs; the
/// repository is left as it was.
#[cfg(target_os = "linux")]
#[test]
fn closed_standard_descriptors_are_opened_on_dev_null() {
    use std::os::unix::fs::PermissionsExt;
    let r = repo();
    r.git(&["gc", "--quiet"]);
    let before = r.git(&["count-objects", "-v"]);
    let real_git = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .expect("sh runs")
            .stdout,
    )
    .expect("a UTF-8 path");
    let bin_dir = tempfile::tempdir().expect("temp dir");
    let log = bin_dir.path().join("fds.log");
    let wrapper = bin_dir.path().join("git");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nfor fd in 0 1 2; do readlink /proc/$PPID/fd/$fd >> '{}' || echo closed >> '{}'; done\nexec '{}' \"$@\"\n",
            log.display(),
            log.display(),
            real_git.trim()
        ),
    )
    .expect("wrapper written");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin_dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for args in [&["blame", "a"][..], &["scan", "--format", "json"]] {
        let o = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$@" <&- >&- 2>&-"#)
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_aeef"))
            .args(args)
            .current_dir(r.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GITHUB_TOKEN")
            .output()
            .expect("sh runs");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    }
    let seen = std::fs::read_to_string(&log).expect("aeef ran git");
    assert!(!seen.is_empty());
    for line in seen.lines() {
        assert_eq!(
            line, "/dev/null",
            "aeef's descriptors while it ran git:\n{seen}"
        );
    }
    assert_eq!(r.git(&["count-objects", "-v"]), before);
    r.git(&["fsck", "--strict", "--no-progress"]);
}

/// Help and version are output like any other: written to a full disk
/// (`/dev/full`) they are `aeef::io::output`, exit 2 (git exits 128), not
/// a silent exit 0; into a pipe whose reader has gone, still exit 0.
#[cfg(target_os = "linux")]
#[test]
fn help_that_cannot_be_written_is_an_output_error() {
    let r = repo();
    for args in [&["--help"][..], &["--version"], &["scan", "--help"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let o = aeef(r.path())
            .args(args)
            .stdout(full)
            .output()
            .expect("aeef runs");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("aeef::io::output"), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 4, "one line each: {err}");
        let mut cmd = aeef(r.path());
        cmd.args(args);
        let o = with_reader_gone(cmd);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
}

/// A parent that ignores SIGCHLD (bash `trap "" CHLD`, Python's
/// `preexec_fn`) passes that on through exec; the kernel would then reap
/// git's processes itself and waiting for one fail with ECHILD
/// (`aeef::io`, exit 2). aeef sets SIGCHLD back to its default first.
#[cfg(target_os = "linux")]
#[test]
fn an_ignored_sigchld_from_the_parent_does_not_break_git_children() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let r = repo();
    let o = Command::new("bash")
        .arg("-c")
        .arg(r#"trap "" CHLD; exec "$0" blame a --format json"#)
        .arg(env!("CARGO_BIN_EXE_aeef"))
        .current_dir(r.path())
        .env("AEEF_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("bash runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!o.stdout.is_empty());
}
