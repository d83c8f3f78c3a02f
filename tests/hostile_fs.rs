//! Issue 12: the files a pull request controls (`.aeef.yml`, the records,
//! their symlinks, commit text, the event payload) are hostile input. Each
//! test guards one kind: nothing outside the repository is read or quoted,
//! no credential is printed, no read is unbounded or blocks, no record is
//! silently skipped, no terminal escape reaches the screen, no write is
//! half-done or left behind, no id is reused.
#![cfg(unix)]
mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{RepoBuilder, aeef, aeef_env, aeef_within, stderr, stdout};

const NOW: &str = "2026-12-01T00:00:00Z";
const TOKEN: &str = "ghp_CanaryToken0123456789abcdefABCDEF0123";
const CANARY: &str = "canary-env-value-5b1e";

fn record(id: &str) -> String {
    format!(
        "id: {id}\ntitle: Retry double-charges\nseverity: SEV-4\nstatus: open\ndetected_at: 2026-11-30T00:00:00Z\n"
    )
}

fn repo_with_record() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", "fn a() {}\n");
    r.write("incidents/INC-2026-001.yaml", &record("INC-2026-001"));
    r.commit("feat: a");
    r
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().expect("mkfifo runs");
    assert!(st.success(), "mkfifo {}", p.display());
}

fn all_output(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

// ---- item 3: symlinks out of the repository, credentials ----------------

/// Why: a `.aeef.yml` symlinked to /proc/self/environ printed the whole
/// environment, GITHUB_TOKEN included, in the YAML error snippet of every
/// command. Now the link is refused before reading and nothing is quoted.
#[test]
fn config_symlinked_to_proc_environ_prints_no_token_in_any_command() {
    let r = repo_with_record();
    symlink("/proc/self/environ", r.path().join(".aeef.yml")).unwrap();
    let env = [("GITHUB_TOKEN", TOKEN), ("AEEF_CANARY", CANARY)];
    let commands: &[&[&str]] = &[
        &["scan"],
        &["blame", "HEAD"],
        &["incident", "check", "--now", NOW],
        &["incident", "list"],
        &["incident", "show", "INC-2026-001"],
        &["gate", "--offline", "--now", NOW],
        &["gate", "--offline", "--now", NOW, "--format", "json"],
        &["report", "--month", "2026-11"],
        &["audit"],
        &["postmortem", "INC-2026-001"],
        &["init"],
    ];
    for args in commands {
        let o = aeef_env(r.path(), args, &env);
        let text = all_output(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {text}");
        assert!(
            !text.contains("CanaryToken"),
            "{args:?} leaks the token: {text}"
        );
        assert!(
            !text.contains(CANARY),
            "{args:?} quotes the environment: {text}"
        );
        assert!(
            text.contains("leads out of the repository") || text.contains("already exists"),
            "{args:?} does not say why: {text}"
        );
    }
}

/// Why: naming a record on the command line must not let a committed
/// symlink in the incidents folder lead the read out of the repository.
#[test]
fn a_symlinked_record_named_on_the_command_line_is_not_followed_out() {
    let r = repo_with_record();
    symlink(
        "/proc/self/environ",
        r.path().join("incidents/INC-2026-002.yaml"),
    )
    .unwrap();
    let o = aeef_env(
        r.path(),
        &[
            "incident",
            "check",
            "incidents/INC-2026-002.yaml",
            "--now",
            NOW,
        ],
        &[("AEEF_CANARY", CANARY)],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(!all_output(&o).contains(CANARY), "{}", all_output(&o));
    assert!(
        all_output(&o).contains("leads out of the repository"),
        "{}",
        all_output(&o)
    );
}

/// Why: a symlink into the git directory (`.git/config` holds remote URLs
/// and, after actions/checkout, an `AUTHORIZATION` header) is not committed
/// content and must not be quoted either.
#[test]
fn config_symlinked_into_the_git_directory_is_refused() {
    let r = repo_with_record();
    r.git(&[
        "config",
        "http.https://github.com/.extraheader",
        &format!("AUTHORIZATION: basic {TOKEN}"),
    ]);
    symlink(".git/config", r.path().join(".aeef.yml")).unwrap();
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        !all_output(&o).contains("CanaryToken"),
        "{}",
        all_output(&o)
    );
    assert!(stderr(&o).contains("git directory"), "{}", stderr(&o));
}

/// Why: a credential inside the repository (a record quoting a log) must
/// still be masked wherever aeef quotes it; one masking function serves
/// every diagnostic path.
#[test]
fn credentials_in_quoted_records_are_masked_in_snippets() {
    let mut r = repo_with_record();
    r.write(
        "incidents/INC-2026-002.yaml",
        &format!(
            "id: INC-2026-002\ntitle: leaked {TOKEN}\nseverity: SEV-9\nstatus: open\ndetected_at: 2026-11-30T00:00:00Z\n"
        ),
    );
    for format in ["human", "json"] {
        let o = aeef(
            r.path(),
            &["incident", "check", "--now", NOW, "--format", format],
        );
        assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
        assert!(
            !all_output(&o).contains("CanaryToken"),
            "{}",
            all_output(&o)
        );
    }
}

// ---- item 4: configured paths stay inside --------------------------------

/// Why: `incidents_dir: ../outside`, an absolute path or a symlinked
/// folder made aeef read and write outside the repository (`incident new`
/// wrote ../outside/INC-2026-001.yaml). Each is refused with the key's
/// position and a fix; nothing is written.
#[test]
fn incidents_dir_leading_out_of_the_repository_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let out_path = outside.path().to_str().unwrap().to_string();
    for (value, link) in [
        ("../outside", false),
        (out_path.as_str(), false),
        ("ops/incidents", true),
    ] {
        let mut r = RepoBuilder::new();
        r.write("src/a.rs", "fn a() {}\n");
        let sha = r.commit("feat: a");
        if link {
            std::fs::create_dir_all(r.path().join("ops")).unwrap();
            symlink(outside.path(), r.path().join("ops/incidents")).unwrap();
        }
        std::fs::write(
            r.path().join(".aeef.yml"),
            format!("adjacency_window: 3\nincidents_dir: {value}\n"),
        )
        .unwrap();
        for args in [
            vec!["incident", "check", "--now", NOW],
            vec!["gate", "--offline", "--now", NOW],
            vec![
                "incident",
                "new",
                "--commit",
                &sha,
                "--severity",
                "SEV-3",
                "--title",
                "x",
            ],
        ] {
            let o = aeef(r.path(), &args);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{value} {args:?}: {}",
                all_output(&o)
            );
            let e = stderr(&o);
            assert!(e.contains("aeef::config::path_outside"), "{e}");
            assert!(e.contains(".aeef.yml:2:"), "points at the key: {e}");
        }
        assert_eq!(
            std::fs::read_dir(outside.path()).unwrap().count(),
            0,
            "{value}: something was written outside the repository"
        );
    }
}

/// Why: `incident new` writes `.aeef/incident.schema.json` beside the
/// record; a `.aeef` symlinked out of the repository must not receive it.
#[test]
fn incident_new_never_writes_through_a_symlinked_schema_folder() {
    let outside = tempfile::tempdir().unwrap();
    let r = repo_with_record();
    symlink(outside.path(), r.path().join(".aeef")).unwrap();
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            "HEAD",
            "--severity",
            "SEV-3",
            "--title",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("leads out of the repository"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(!r.path().join("incidents/INC-2026-002.yaml").exists());
}

// ---- item 5: records aeef cannot see -------------------------------------

/// Why: symlinked records, FIFOs, directories named `*.yaml` and upper-case
/// `*.YAML` were skipped and the gate passed. Each is now a `schema`
/// finding naming the entry, and the gate cannot pass (exit 2).
#[test]
fn records_aeef_cannot_read_are_findings_never_a_silent_pass() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("r.yaml"), record("INC-2026-009")).unwrap();
    type Make = fn(&Path, &Path);
    let cases: [(&str, Make); 5] = [
        ("INC-2026-002.yaml", |dir, out| {
            symlink(out.join("r.yaml"), dir.join("INC-2026-002.yaml")).unwrap()
        }),
        ("INC-2026-003.yaml", |dir, _| {
            mkfifo(&dir.join("INC-2026-003.yaml"))
        }),
        ("INC-2026-004.yaml", |dir, _| {
            std::fs::create_dir(dir.join("INC-2026-004.yaml")).unwrap()
        }),
        ("INC-2026-005.YAML", |dir, _| {
            std::fs::write(dir.join("INC-2026-005.YAML"), record("INC-2026-005")).unwrap()
        }),
        ("archive", |dir, out| {
            symlink(out, dir.join("archive")).unwrap()
        }),
    ];
    for (name, make) in cases {
        let r = repo_with_record();
        make(&r.path().join("incidents"), outside.path());
        for args in [
            vec!["gate", "--offline", "--now", NOW, "--format", "json"],
            vec!["incident", "check", "--now", NOW, "--format", "json"],
            vec![
                "incident",
                "check",
                "incidents",
                "--now",
                NOW,
                "--format",
                "json",
            ],
        ] {
            let o = aeef_within(r.path(), &args, &[], Duration::from_secs(20));
            assert_eq!(
                o.status.code(),
                Some(2),
                "{name} {args:?}: {}",
                all_output(&o)
            );
            let doc: serde_json::Value =
                serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
            assert_eq!(doc["verdict"], "error", "exit 2 decided nothing: {doc:#}");
            let findings = doc["findings"].as_array().unwrap();
            assert!(
                findings.iter().any(|f| f["rule"] == "schema"
                    && f["file"].as_str() == Some(&format!("incidents/{name}"))),
                "{name}: {doc:#}"
            );
        }
    }
}

/// Why: a folder the user running aeef cannot list hid every record in it.
#[test]
fn an_unreadable_incidents_folder_is_a_finding() {
    use std::os::unix::fs::PermissionsExt;
    let r = repo_with_record();
    let sub = r.path().join("incidents/2025");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("INC-2025-001.yaml"), record("INC-2025-001")).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = if std::fs::read_dir(&sub).is_ok() {
        // Root reads through permissions: run aeef as `nobody` instead, on
        // a repository nobody owns (git refuses repositories of others).
        let chown = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(r.path())
            .status()
            .expect("chown runs");
        assert!(chown.success());
        let mut dir = r.path().to_path_buf();
        while let Some(parent) = dir.parent() {
            // The temp directory itself must be traversable.
            if parent == Path::new("/") {
                break;
            }
            let _ = std::fs::set_permissions(
                &dir,
                std::fs::Permissions::from_mode(
                    std::fs::metadata(&dir).unwrap().permissions().mode() | 0o011,
                ),
            );
            dir = parent.to_path_buf();
        }
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_aeef"))
            .args(["gate", "--offline", "--now", NOW])
            .current_dir(r.path())
            .env_remove("GITHUB_TOKEN")
            .env_remove("GITHUB_EVENT_PATH")
            .env("HOME", r.path())
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(Stdio::null())
            .output()
            .expect("setpriv runs")
    } else {
        aeef(r.path(), &["gate", "--offline", "--now", NOW])
    };
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(
        all_output(&o).contains("cannot list incidents/2025"),
        "{}",
        all_output(&o)
    );
}

/// Why: a misspelt configured `incidents_dir` read as "no incidents" and
/// passed. A configured folder that does not exist is exit 2 pointing at
/// the key; the default folder missing is only a note.
#[test]
fn a_configured_incidents_dir_that_does_not_exist_is_exit_2() {
    let r = repo_with_record();
    std::fs::write(r.path().join(".aeef.yml"), "incidents_dir: incidnets\n").unwrap();
    let o = aeef(
        r.path(),
        &["gate", "--offline", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "config", "{doc:#}");
    assert_eq!(f["file"], ".aeef.yml", "{doc:#}");
    assert_eq!(f["line"], 1, "{doc:#}");

    let mut plain = RepoBuilder::new();
    plain.write("src/a.rs", "fn a() {}\n");
    plain.commit("feat: a");
    let o = aeef(plain.path(), &["gate", "--offline", "--now", NOW]);
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(
        stderr(&o).contains("note: no incidents folder"),
        "{}",
        stderr(&o)
    );
}

// ---- item 6: regular files only, bounded ---------------------------------

/// Why: `.aeef.yml` as a FIFO blocked every command forever, and as a huge
/// file (or /dev/zero) grew memory without limit.
#[test]
fn config_that_is_a_fifo_or_too_large_is_refused_without_blocking() {
    let r = repo_with_record();
    mkfifo(&r.path().join(".aeef.yml"));
    let o = aeef_within(
        r.path(),
        &["incident", "check", "--now", NOW],
        &[],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));

    std::fs::remove_file(r.path().join(".aeef.yml")).unwrap();
    let mut big = String::from("# padding\n");
    while big.len() <= aeef::safe_fs::CONFIG_MAX_BYTES as usize {
        big.push_str("# ..............................................................\n");
    }
    std::fs::write(r.path().join(".aeef.yml"), big).unwrap();
    let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(stderr(&o).contains("limit 1.0 MiB"), "{}", stderr(&o));
}

/// Why: a record is read whole into memory; one past the 4 MiB limit is a
/// `schema` finding naming the limit, not an allocation without bound.
#[test]
fn a_record_past_the_size_limit_is_a_schema_finding() {
    let r = repo_with_record();
    let mut big = record("INC-2026-002");
    big.push_str("lessons_learned:\n");
    while big.len() <= aeef::safe_fs::RECORD_MAX_BYTES as usize {
        big.push_str("  - padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(r.path().join("incidents/INC-2026-002.yaml"), big).unwrap();
    let o = aeef(
        r.path(),
        &["incident", "check", "--now", NOW, "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "incidents/INC-2026-002.yaml")
        .unwrap_or_else(|| panic!("no finding for the large record: {doc:#}"));
    assert_eq!(f["rule"], "schema", "{doc:#}");
    assert!(
        f["message"].as_str().unwrap().contains("limit 4.0 MiB"),
        "{doc:#}"
    );
}

/// Why: `GITHUB_EVENT_PATH=/dev/zero` grew to 24 GB; a FIFO would block.
/// The payload is read only as a regular file of at most 25 MiB.
#[test]
fn event_payload_that_is_a_device_or_fifo_is_refused() {
    let r = repo_with_record();
    let fifo = r.path().join(".git/event.fifo");
    mkfifo(&fifo);
    for path in ["/dev/zero", fifo.to_str().unwrap()] {
        let o = aeef_within(
            r.path(),
            &["gate", "--offline", "--now", NOW],
            &[("GITHUB_EVENT_PATH", path)],
            Duration::from_secs(20),
        );
        assert_eq!(o.status.code(), Some(2), "{path}: {}", all_output(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
}

// ---- item 7: terminal escapes ---------------------------------------------

/// Why: a trailer carrying cursor movement (`ESC[1A ESC[2K CR`) rewrote
/// `origin: ai-generated` as `origin: human` on screen, with `--color never`
/// too. Every control character from commit text is now shown escaped.
#[test]
fn a_trailer_with_cursor_movement_cannot_overwrite_the_origin_on_screen() {
    let mut r = RepoBuilder::new();
    r.write("src/pay.rs", "fn pay() {}\n");
    r.trailer("AI-Tool", "claude-code").trailer(
        "AI-Prompt-Ref",
        "p\x1b[1A\x1b[2K\rorigin:     human\x1b]52;c;ZWNobyBoaQ==\x07\x1b]0;title\x07\u{202e}",
    );
    let sha = r.commit("feat: pay");
    for color in ["never", "always"] {
        let o = aeef(r.path(), &["blame", &sha, "--color", color]);
        assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
        let out = stdout(&o);
        // Only colour (SGR `ESC[…m`) may remain, and only with colour on.
        let mut rest = out.as_str();
        while let Some(i) = rest.find('\x1b') {
            let seq = &rest[i..];
            assert_eq!(
                color, "always",
                "an escape sequence with --color never: {out:?}"
            );
            let end = seq.find('m').expect("SGR ends with m");
            assert!(
                seq[2..end].chars().all(|c| c.is_ascii_digit() || c == ';'),
                "not a colour sequence: {:?}",
                &seq[..end + 1]
            );
            rest = &seq[end + 1..];
        }
        assert!(!out.contains('\r') && !out.contains('\x07'), "{out:?}");
        assert!(!out.contains('\u{202e}'), "{out:?}");
        assert!(out.contains("\\u{1b}[1A"), "shown escaped: {out:?}");
        assert!(out.contains("ai-generated"), "{out:?}");
    }
}

/// Why: the same kind through records: a title with escapes in
/// `incident list` and in Markdown output.
#[test]
fn record_text_with_escape_sequences_is_escaped_in_human_and_markdown_output() {
    let mut r = repo_with_record();
    r.write(
        "incidents/INC-2026-002.yaml",
        "id: INC-2026-002\ntitle: \"ok\\e[2J\\e]0;pwned\\a\"\nseverity: SEV-1\nstatus: open\ndetected_at: 2026-11-30T00:00:00Z\n",
    );
    for args in [
        vec!["incident", "list"],
        vec!["incident", "show", "INC-2026-002", "--now", NOW],
        vec!["postmortem", "INC-2026-002"],
    ] {
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", all_output(&o));
        let out = stdout(&o);
        assert!(
            !out.contains('\x1b') && !out.contains('\x07'),
            "{args:?}: {out:?}"
        );
        assert!(
            out.contains("ok\\u{1b}[2J"),
            "{args:?} shows it escaped: {out:?}"
        );
    }
}

// ---- item 10: init and incident new check first, never in a bare repo ----

/// Why: `init` wrote `.aeef.yml` and then failed on an `incidents` file,
/// leaving a half-set-up repository. Everything is checked before writing.
#[test]
fn init_refuses_before_writing_when_a_folder_it_needs_is_a_file() {
    for name in ["incidents", ".aeef"] {
        let r = RepoBuilder::new();
        std::fs::write(r.path().join(name), "not a folder").unwrap();
        let o = aeef(r.path(), &["init"]);
        assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
        assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
        assert!(
            !r.path().join(".aeef.yml").exists(),
            "{name}: half-written init"
        );
    }
}

/// Why: `init` wrote into bare repositories and `incident new` wrote a
/// duplicate record into the git directory.
#[test]
fn init_and_incident_new_refuse_a_bare_repository() {
    let r = repo_with_record();
    let sha = r.head();
    let bare = tempfile::tempdir().unwrap();
    let bare_path = bare.path().join("r.git");
    common::git_in(
        bare.path(),
        &["clone", "-q", "--bare", r.path().to_str().unwrap(), "r.git"],
    );
    let before = common::git_in(&bare_path, &["count-objects", "-v"]);
    let listing = |p: &Path| {
        let mut v: Vec<String> = walk(p);
        v.sort();
        v
    };
    let files_before = listing(&bare_path);
    let o = aeef(&bare_path, &["init"]);
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(stderr(&o).contains("bare repository"), "{}", stderr(&o));
    let o = aeef(
        &bare_path,
        &[
            "incident",
            "new",
            "--commit",
            &sha,
            "--severity",
            "SEV-3",
            "--title",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
    assert!(stderr(&o).contains("bare repository"), "{}", stderr(&o));
    assert_eq!(
        listing(&bare_path),
        files_before,
        "wrote into the git directory"
    );
    assert_eq!(common::git_in(&bare_path, &["count-objects", "-v"]), before);
}

fn walk(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().filter_map(Result::ok) {
        let path = e.path();
        out.push(path.display().to_string());
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&path));
        }
    }
    out
}

// ---- item 11: no temporary file where the user sees it --------------------

/// Why: killed writes left `.aeef-*.tmp` files (some with complete records)
/// showing in `git status`. Temporary files now live in the git directory,
/// and stale ones from killed runs are removed on the next write.
#[test]
fn stale_temporary_files_are_removed_and_new_ones_never_show_in_git_status() {
    let r = repo_with_record();
    let stale = r.path().join("incidents/.aeef-killed.tmp");
    std::fs::write(&stale, record("INC-2026-002")).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            "HEAD",
            "--severity",
            "SEV-3",
            "--title",
            "x",
            "--detected-at",
            "2026-11-30T00:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert!(!stale.exists(), "the stale temporary file survived");
    let status = r.git(&["status", "--porcelain", "--untracked-files=all"]);
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(
        lines,
        [
            "?? .aeef/incident.schema.json",
            "?? incidents/INC-2026-002.yaml"
        ],
        "{status}"
    );
    let staging = r.path().join(".git/aeef/tmp");
    assert_eq!(
        std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0),
        0,
        "a finished write leaves no temporary file behind"
    );
}

// ---- item 18: ids are never reused ----------------------------------------

/// Why: `incident new` after a record was deleted handed out the deleted
/// record's id again. The next number is above every id in history.
#[test]
fn incident_new_never_reuses_the_id_of_a_deleted_record() {
    let mut r = repo_with_record();
    r.write("incidents/INC-2026-002.yaml", &record("INC-2026-002"));
    r.commit("incident 2");
    r.remove("incidents/INC-2026-002.yaml");
    r.commit("drop incident 2");
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--commit",
            "HEAD",
            "--severity",
            "SEV-3",
            "--title",
            "x",
            "--detected-at",
            "2026-11-30T00:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all_output(&o));
    assert_eq!(stdout(&o), "incidents/INC-2026-003.yaml\n");
}

// ---- item 17: config errors in the user's words ---------------------------

/// Why: config errors leaked serde-saphyr's API ("set DuplicateKeyPolicy in
/// Options", "use from_str_multiple"), and with `--format json` printed no
/// JSON at all.
#[test]
fn config_errors_speak_the_users_language_and_are_json_findings() {
    for (text, says) in [
        (
            "adjacency_window: 3\nadjacency_window: 4\n",
            "appears twice",
        ),
        (
            "adjacency_window: 3\n---\nadjacency_window: 4\n",
            "more than one YAML document",
        ),
    ] {
        let r = repo_with_record();
        std::fs::write(r.path().join(".aeef.yml"), text).unwrap();
        let o = aeef(r.path(), &["incident", "check", "--now", NOW]);
        assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
        let e = stderr(&o);
        assert!(e.contains(says), "{e}");
        for internal in ["DuplicateKeyPolicy", "Options", "from_str", "budget"] {
            assert!(!e.contains(internal), "{internal} in {e}");
        }
        let o = aeef(
            r.path(),
            &["gate", "--offline", "--now", NOW, "--format", "json"],
        );
        assert_eq!(o.status.code(), Some(2), "{}", all_output(&o));
        let doc: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
        assert_eq!(doc["verdict"], "error", "{doc:#}");
        assert_eq!(doc["findings"][0]["rule"], "config", "{doc:#}");
        assert_eq!(doc["findings"][0]["file"], ".aeef.yml", "{doc:#}");
        assert!(doc["findings"][0]["line"].as_u64().is_some(), "{doc:#}");
    }
}
