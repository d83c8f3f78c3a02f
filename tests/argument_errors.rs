//! Issue 14 item 3: every command that takes a revision, a range or a
//! `PATH:L1-L2` says what is wrong with the argument the user gave (one
//! resolver, `aeef::git::resolve`), with a stable code, a help line and
//! exit 2 — never "path … is not in the tree" for a mistyped commit.
mod common;

use common::{RepoBuilder, aeef, stderr};

/// A repository whose `f` has 1410 lines, in two commits (so `HEAD~1`
/// exists and `HEAD~99999` does not).
fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("README.md", "readme\n");
    r.commit("Initial commit");
    let text: String = (1..=1410).map(|i| format!("line {i}\n")).collect();
    r.write("f", &text);
    r.commit("Add f");
    r
}

/// Runs aeef, expects exit 2, and returns stderr.
fn refused(r: &RepoBuilder, args: &[&str]) -> String {
    let o = aeef(r.path(), args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
    assert!(!e.contains("panicked"), "{e}");
    e
}

/// `aeef blame deadbeef` used to say "path 'deadbeef' is not in the tree":
/// a mistyped commit is an unknown revision.
#[test]
fn blame_of_an_unknown_commit_says_unknown_revision() {
    let r = repo();
    for arg in ["deadbeef", "HEAD~99999"] {
        let e = refused(&r, &["blame", arg]);
        assert!(e.contains(&format!("unknown revision `{arg}`")), "{e}");
        assert!(e.contains("aeef::git::unknown_revision"), "{e}");
        assert!(
            e.contains(&format!("git rev-parse --verify {arg}")),
            "the help names the check: {e}"
        );
        assert!(!e.contains("is not in the tree"), "{e}");
    }
    // A real revision of that shape still works, and so does a file.
    assert!(aeef(r.path(), &["blame", "HEAD~1"]).status.success());
    assert!(aeef(r.path(), &["blame", "f:3"]).status.success());
}

/// `aeef blame f:5010` on a 1410-line file used to print "path 'f:5010 (the
/// file has 1410 lines)' is not in the tree": it is a line past the end.
#[test]
fn blame_past_the_end_of_a_file_names_its_length() {
    let r = repo();
    let e = refused(&r, &["blame", "f:5010"]);
    assert!(
        e.contains("line 5010 is past the end of f (1410 lines)"),
        "{e}"
    );
    assert!(e.contains("aeef::git::line_past_end"), "{e}");
    assert!(
        e.contains("f:1-1410"),
        "the help gives the valid range: {e}"
    );
    let e = refused(&r, &["blame", "f:1400-1411"]);
    assert!(
        e.contains("line 1411 is past the end of f (1410 lines)"),
        "{e}"
    );
    // The file at an older revision does not exist: that is a path error.
    let e = refused(&r, &["blame", "f:1", "--rev", "HEAD~1"]);
    assert!(e.contains("aeef::git::path_not_in_tree"), "{e}");
    let e = refused(&r, &["blame", "f:9-3"]);
    assert!(e.contains("aeef::git::bad_line_range"), "{e}");
}

/// `aeef scan nosuchref..HEAD` used to suggest `git rev-parse --verify`
/// on the whole range: the side that is unknown is named instead.
#[test]
fn scan_names_the_unknown_side_of_a_range() {
    let r = repo();
    let e = refused(&r, &["scan", "nosuchref..HEAD"]);
    assert!(
        e.contains("unknown revision `nosuchref`: the left side of the range `nosuchref..HEAD`"),
        "{e}"
    );
    assert!(e.contains("git rev-parse --verify nosuchref"), "{e}");
    assert!(!e.contains("--verify nosuchref..HEAD"), "{e}");
    let e = refused(&r, &["scan", "HEAD~1...nosuch"]);
    assert!(e.contains("the right side of the range"), "{e}");
    let e = refused(&r, &["scan", "nosuch"]);
    assert!(e.contains("unknown revision `nosuch`"), "{e}");
    let e = refused(&r, &["scan", "^nosuch", "HEAD"]);
    assert!(e.contains("unknown revision `nosuch`"), "{e}");
    // What git accepts still passes: an open side, parent shorthands.
    for ok in [&["HEAD~1.."][..], &["HEAD^@"], &["HEAD^!"], &["..HEAD"]] {
        let mut a = vec!["scan"];
        a.extend_from_slice(ok);
        let o = aeef(r.path(), &a);
        assert!(o.status.success(), "{ok:?}: {}", stderr(&o));
    }
}

/// The other commands that take a revision give the same diagnostic.
#[test]
fn every_revision_argument_says_unknown_revision() {
    let r = repo();
    let cases: [&[&str]; 5] = [
        &["gate", "--offline", "--base", "nosuch", "--head", "HEAD"],
        &["gate", "--offline", "--base", "HEAD~1", "--head", "nosuch"],
        &[
            "incident",
            "new",
            "--severity",
            "SEV-3",
            "--title",
            "x",
            "--commit",
            "nosuch",
        ],
        &["--rev", "nosuch", "incident", "list"],
        &["--rev", "nosuch", "report", "--month", "2026-11"],
    ];
    for args in cases {
        let e = refused(&r, args);
        assert!(e.contains("unknown revision `nosuch`"), "{args:?}: {e}");
        assert!(e.contains("aeef::git::unknown_revision"), "{args:?}: {e}");
    }
    // `incident edit --commit` is covered in tests/incident_edit.rs.
    // Nothing was written by the refused `incident new`.
    assert!(!r.path().join("incidents").exists());
}

/// `aeef blame f:abc` and `f:1,5` used to say "unknown revision `f:abc`
/// (and no file … at HEAD)": the file exists, so the line spec is what is
/// wrong. The same holds with `--rev`.
#[test]
fn blame_of_an_existing_file_with_a_bad_line_spec_says_bad_line_range() {
    let r = repo();
    for arg in ["f:abc", "f:1,5", "f:0", "f:9-3"] {
        let e = refused(&r, &["blame", arg]);
        assert!(e.contains("aeef::git::bad_line_range"), "{arg}: {e}");
        assert!(!e.contains("unknown revision"), "{arg}: {e}");
    }
    let e = refused(&r, &["blame", "f:x", "--rev", "HEAD"]);
    assert!(e.contains("aeef::git::bad_line_range"), "{e}");
    // A file that does not exist is still unknown (nothing to blame).
    let e = refused(&r, &["blame", "nofile:abc"]);
    assert!(e.contains("aeef::git::unknown_revision"), "{e}");
}

/// `HEAD^{tree}` resolves in git (`git rev-parse --verify` succeeds), so
/// "unknown revision" with that help sent users in a circle: say it names
/// a tree, wherever one commit is expected.
#[test]
fn a_tree_where_a_commit_is_expected_says_not_a_commit() {
    let r = repo();
    let cases: [&[&str]; 3] = [
        &["blame", "HEAD^{tree}"],
        &[
            "gate",
            "--offline",
            "--base",
            "HEAD^{tree}",
            "--head",
            "HEAD",
        ],
        &["--rev", "HEAD^{tree}", "incident", "list"],
    ];
    for args in cases {
        let e = refused(&r, args);
        assert!(e.contains("aeef::git::not_a_commit"), "{args:?}: {e}");
        assert!(e.contains("names a tree, not a commit"), "{args:?}: {e}");
    }
    // git agrees that it is a tree.
    assert_eq!(r.git(&["cat-file", "-t", "HEAD^{tree}"]).trim(), "tree");
}

/// `A..B` given where one commit is expected used to be an "unknown
/// revision `A..B`": it is a range, and `aeef scan` is what takes ranges.
#[test]
fn a_range_where_one_commit_is_expected_says_so() {
    let r = repo();
    let cases: [&[&str]; 4] = [
        &["blame", "HEAD~1..HEAD"],
        &[
            "gate",
            "--offline",
            "--base",
            "HEAD~1..HEAD",
            "--head",
            "HEAD",
        ],
        &["--rev", "HEAD~1..HEAD", "incident", "check"],
        &["--rev", "HEAD~1...HEAD", "incident", "list"],
    ];
    for args in cases {
        let e = refused(&r, args);
        assert!(e.contains("aeef::git::range_not_commit"), "{args:?}: {e}");
        assert!(
            e.contains("a range where one commit is expected"),
            "{args:?}: {e}"
        );
        assert!(e.contains("aeef scan"), "the help names scan: {e}");
    }
}

/// `aeef blame src` (a folder) used to say "unknown revision `src` (and no
/// file `src` at HEAD)": it is a directory, and blame takes a file.
#[test]
fn blame_of_a_directory_says_it_is_a_directory() {
    let mut r = repo();
    r.write("src/lib.rs", "fn a() {}\n");
    r.commit("Add src");
    for arg in ["src", "src/", "src:3"] {
        let e = refused(&r, &["blame", arg]);
        assert!(e.contains("aeef::git::is_directory"), "{arg}: {e}");
        assert!(e.contains("`src` is a directory"), "{arg}: {e}");
    }
    assert!(aeef(r.path(), &["blame", "src/lib.rs:1"]).status.success());
}

/// `aeef scan nosuch..HEAD --share` used to give its own `aeef::scan::share`
/// error with shallow-clone help, unlike plain `scan`: both go through the
/// one resolver and say the same thing.
#[test]
fn scan_share_names_the_unknown_side_like_plain_scan() {
    let r = repo();
    let plain = refused(&r, &["scan", "nosuch..HEAD"]);
    let share = refused(&r, &["scan", "nosuch..HEAD", "--share"]);
    for e in [&plain, &share] {
        assert!(e.contains("aeef::git::unknown_revision"), "{e}");
        assert!(
            e.contains("unknown revision `nosuch`: the left side of the range `nosuch..HEAD`"),
            "{e}"
        );
    }
    assert_eq!(plain, share);
}

/// A gate (or `incident check`, `audit`) that stops before deciding used to
/// print nothing in github, sarif and markdown formats: CI saw no verdict,
/// no `verdict=error` output and no SARIF log. Every report format now
/// says "error: nothing was decided", as JSON already did.
#[test]
fn a_gate_that_cannot_decide_reports_error_in_every_format() {
    let r = repo();
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = (dir.path().join("out"), dir.path().join("summary"));
    let env = [
        ("GITHUB_OUTPUT", out.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    // `audit` reads no `--rev`: it stops early outside a repository.
    let elsewhere = tempfile::tempdir().unwrap();
    let elsewhere = elsewhere.path().to_str().unwrap();
    let commands: [(&[&str], &str); 3] = [
        (
            &["gate", "--offline", "--base", "nosuch", "--head", "HEAD"],
            "unknown_revision",
        ),
        (
            &["--rev", "nosuch", "incident", "check"],
            "unknown_revision",
        ),
        (&["-C", elsewhere, "audit"], "not_a_repository"),
    ];
    for (cmd, code) in commands {
        let (code, escaped) = (
            format!("aeef::git::{code}"),
            format!("aeef%3A%3Agit%3A%3A{code}"),
        );
        for format in ["github", "sarif", "markdown", "json"] {
            let _ = std::fs::remove_file(&out);
            let _ = std::fs::remove_file(&summary);
            let mut args = cmd.to_vec();
            args.extend(["--format", format]);
            let o = common::aeef_env(r.path(), &args, &env);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let s = common::stdout(&o);
            match format {
                "github" => {
                    assert!(s.starts_with(&format!("::error title={escaped}::")), "{s}");
                    let last = s.lines().last().unwrap();
                    assert!(last.contains(": error (nothing was decided"), "{s}");
                    let outputs = std::fs::read_to_string(&out).unwrap();
                    assert!(outputs.lines().any(|l| l == "verdict=error"), "{outputs}");
                    let sum = std::fs::read_to_string(&summary).unwrap();
                    assert!(sum.contains("nothing was decided"), "{sum}");
                }
                "sarif" => {
                    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
                    assert_eq!(v["version"], "2.1.0");
                    let run = &v["runs"][0];
                    assert_eq!(run["results"].as_array().unwrap().len(), 0);
                    let inv = &run["invocations"][0];
                    assert_eq!(inv["executionSuccessful"], false);
                    let n = &inv["toolExecutionNotifications"][0];
                    assert_eq!(n["level"], "error");
                    assert_eq!(n["descriptor"]["id"], code.as_str());
                }
                "markdown" => {
                    assert!(s.starts_with("## aeef "), "{s}");
                    assert!(s.contains("could not decide: "), "{s}");
                }
                _ => {
                    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
                    assert_eq!(v["verdict"], "error");
                    assert_eq!(v["error"]["code"], code.as_str());
                }
            }
        }
    }
}

/// The README promises every error a stable code and a help line; clap's
/// own refusals (a bad value, an unknown flag, a missing argument) had
/// neither. Each is now `aeef::usage::arguments` with clap's suggestion as
/// help, exit 2; `--help` and `--version` are unchanged (exit 0, stdout).
#[test]
fn every_argument_parser_error_has_the_usage_arguments_code() {
    let r = repo();
    let cases: [(&[&str], &str); 9] = [
        (
            &["incident", "list", "--now", "garbage"],
            "e.g. 2026-11-30T12:00:00Z",
        ),
        (&["report", "--trend", "0"], "--trend"),
        (
            &["incident", "new", "--severity", "SEV-5", "--title", "x"],
            "SEV-5",
        ),
        (&["blame", "--window", "banana", "HEAD"], "banana"),
        (
            &["gate", "--offline", "--fail-on", "bogus"],
            "possible values",
        ),
        (&["scan", "-n", "abc"], "abc"),
        (&["report", "--since", "2026-01-01"], "--until"),
        (
            &["incident", "list", "--format", "csv"],
            "possible values: human, json",
        ),
        (&["scan", "--bogus"], "--bogus"),
    ];
    for (args, says) in cases {
        let e = refused(&r, args);
        assert!(e.contains("aeef::usage::arguments"), "{args:?}: {e}");
        assert!(e.contains("help: "), "{args:?}: {e}");
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(!e.contains("premature end of input"), "{e}");
    }
    // A format put before the command is refused by `run`, not the
    // parser: the same code and the same possible values.
    let after = refused(&r, &["incident", "list", "--format", "csv"]);
    let before = refused(&r, &["--format", "csv", "incident", "list"]);
    for e in [&after, &before] {
        assert!(e.contains("aeef::usage::arguments"), "{e}");
        assert!(
            e.contains("invalid value 'csv' for '--format <FORMAT>'"),
            "{e}"
        );
        assert!(e.contains("[possible values: human, json]"), "{e}");
    }
    for flag in ["--help", "--version"] {
        let o = aeef(r.path(), &[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert!(!common::stdout(&o).is_empty());
        assert!(stderr(&o).is_empty());
    }
    // A group without its subcommand still shows its help (exit 2), not
    // a diagnostic made of the help's first line.
    for args in [&[][..], &["incident"]] {
        let o = aeef(r.path(), args);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains("Usage: aeef") && e.contains("Commands:"), "{e}");
        assert!(!e.contains("aeef::usage::arguments"), "{e}");
    }
}

/// `--now 2026-11-30` used to fail with chrono's "premature end of input":
/// a date is its midnight UTC, the same instant as the full timestamp.
#[test]
fn now_accepts_a_date_as_midnight_utc() {
    let r = repo();
    let date = aeef(
        r.path(),
        &[
            "incident",
            "list",
            "--now",
            "2026-11-30",
            "--format",
            "json",
        ],
    );
    let full = aeef(
        r.path(),
        &[
            "incident",
            "list",
            "--now",
            "2026-11-30T00:00:00Z",
            "--format",
            "json",
        ],
    );
    assert!(date.status.success(), "{}", stderr(&date));
    assert_eq!(common::stdout(&date), common::stdout(&full));
}

/// Diagnostics used to hard-wrap near 100 columns, breaking quoted values
/// and paths (`security-⏎vulnerability`); a piped stderr (CI logs, `2>&1 |
/// grep`) keeps each message and help on one line, whatever COLUMNS says.
#[test]
fn diagnostics_on_a_pipe_are_not_wrapped() {
    let r = repo();
    let long = format!(
        "refs/heads/{}-very-long-branch-name",
        "security-vulnerability".repeat(8)
    );
    let o = common::aeef_env(r.path(), &["blame", &long], &[("COLUMNS", "40")]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    let line = e
        .lines()
        .find(|l| l.contains("unknown revision"))
        .expect("the message");
    assert!(line.contains(&long), "the value is whole on one line: {e}");
    let help = e.lines().find(|l| l.contains("help:")).expect("the help");
    assert!(
        help.contains(&format!("git rev-parse --verify {long}")),
        "{e}"
    );
}

/// On a terminal diagnostics wrap at its width, but never inside a name at
/// a hyphen (a fresh tester saw `` `AI-Model-`` / `Version-…`): run under a
/// pseudo-terminal from util-linux `script`, skipped where it is absent.
#[test]
fn diagnostics_on_a_terminal_never_break_at_a_hyphen() {
    if !common::script_available() {
        return;
    }
    let r = repo();
    let name = "AI-Model-Version-and-AI-Prompt-Ref-file-name";
    let cmd = format!(
        "'{}' --color never blame {name}",
        env!("CARGO_BIN_EXE_aeef")
    );
    let o = std::process::Command::new("script")
        .args(["-qc", &cmd, "/dev/null"])
        .current_dir(r.path())
        .env("COLUMNS", "40")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&o.stdout).replace('\r', "");
    assert!(text.contains("aeef::git::unknown_revision"), "{text}");
    assert!(text.lines().count() > 6, "wrapped at 40 columns: {text}");
    assert!(text.contains(name), "the name is whole: {text}");
    assert!(
        !text.lines().any(|l| l.trim_end().ends_with('-')),
        "a line ends inside a name: {text}"
    );
}

/// `ca review --post N --offline` used to say "no GitHub token" (with a
/// token set) and suggest `--dry-run`, which `ca review` does not have:
/// the two flags cannot be combined, and the parser says so.
#[test]
fn ca_review_post_conflicts_with_offline() {
    let r = repo();
    let o = common::aeef_env(
        r.path(),
        &["ca", "review", "--post", "5", "--offline", "--repo", "a/b"],
        &[("GITHUB_TOKEN", "x")],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("aeef::usage::arguments"), "{e}");
    assert!(
        e.contains("'--post <ISSUE>' cannot be used with '--offline'"),
        "{e}"
    );
    // Without a token, `--post` names only what `ca review` has.
    let o = common::aeef_env(
        r.path(),
        &["ca", "review", "--post", "5", "--repo", "a/b"],
        &[("GITHUB_TOKEN", "")],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("aeef::github::no_token"), "{e}");
    assert!(!e.contains("--dry-run"), "ca review has no --dry-run: {e}");
}

/// Report periods used to say "expected YYYY-MM-DD" for 2026-02-30 (the
/// shape is right, the day does not exist) and "the month is not a number"
/// for `--month 2026-02-01`; `report --since` refused the RFC 3339 time
/// `audit --since` took. One parser says what is wrong, for both commands.
#[test]
fn period_arguments_say_what_is_wrong_with_one_parser() {
    let r = repo();
    let cases: [(&[&str], &str); 4] = [
        (
            &["report", "--since", "2026-02-30", "--until", "2026-03-01"],
            "the day does not exist",
        ),
        (
            &["audit", "--since", "2026-02-30"],
            "the day does not exist",
        ),
        (&["report", "--month", "2026-02-01"], "expected YYYY-MM"),
        (&["audit", "--since", "yesterday"], "RFC 3339"),
    ];
    for (args, says) in cases {
        let e = refused(&r, args);
        assert!(e.contains("aeef::report::period"), "{args:?}: {e}");
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(!e.contains("not a number"), "{e}");
    }
    // An RFC 3339 time is its UTC day in `report`, as in `audit`.
    let day = aeef(
        r.path(),
        &[
            "report",
            "--since",
            "2026-02-01",
            "--until",
            "2026-02-28",
            "--format",
            "json",
        ],
    );
    let time = aeef(
        r.path(),
        &[
            "report",
            "--since",
            "2026-02-01T00:00:00Z",
            "--until",
            "2026-02-28",
            "--format",
            "json",
        ],
    );
    assert!(time.status.success(), "{}", stderr(&time));
    assert_eq!(common::stdout(&day), common::stdout(&time));
    assert!(
        aeef(r.path(), &["audit", "--since", "2026-02-01T00:00:00Z"])
            .status
            .success()
    );
}

/// `ca review --offline`, `ca review --now` and `ca status --incident`
/// had no description in `--help`, and `--now` showed `<RFC3339>` in some
/// commands and `<NOW>` in others. Every option of every command has a
/// description, and `--now` one value name.
#[test]
fn every_option_has_a_description_and_now_one_value_name() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>, nows: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            if a.is_hide_set() || a.get_id() == "help" || a.get_id() == "version" {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {}", a.get_id()));
            }
            if a.get_long() == Some("now") {
                let names: Vec<String> = a
                    .get_value_names()
                    .unwrap_or_default()
                    .iter()
                    .map(|n| n.to_string())
                    .collect();
                nows.push(format!("{path}: {}", names.join(",")));
            }
        }
        for sc in cmd.get_subcommands() {
            walk(sc, &format!("{path} {}", sc.get_name()), missing, nows);
        }
    }
    let (mut missing, mut nows) = (Vec::new(), Vec::new());
    // Subcommands are built when chosen (all but `blame`, whose `REV`
    // shares the global `--rev`'s id); build them all to walk them.
    let mut cmd = aeef::cli::command();
    for sc in cmd.get_subcommands() {
        let deferred = sc.get_arguments().count() == 0;
        assert_eq!(deferred, sc.get_name() != "blame", "{}", sc.get_name());
    }
    cmd.build();
    walk(&cmd, "aeef", &mut missing, &mut nows);
    assert!(
        missing.is_empty(),
        "options without a description: {missing:?}"
    );
    assert!(nows.len() >= 5, "{nows:?}");
    assert!(nows.iter().all(|n| n.ends_with(": RFC3339")), "{nows:?}");
    // `scan --help` says markdown needs --share, as the refusal does.
    let r = repo();
    let help = common::stdout(&aeef(r.path(), &["scan", "--help"]));
    assert!(help.contains("markdown only with --share"), "{help}");
    let e = refused(&r, &["scan", "--format", "markdown"]);
    assert!(
        e.contains("only with --share") && e.contains("aeef::usage::arguments"),
        "{e}"
    );
}

/// `incident edit ID --commit HEAD^{tree}` and `--commit HEAD..HEAD~1`
/// used to say "unknown revision": the edit goes through the one resolver
/// and names the tree or the range, writing nothing.
#[test]
fn incident_edit_commit_names_a_tree_or_a_range() {
    let r = repo();
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--severity",
            "SEV-3",
            "--title",
            "x",
            "--detected-at",
            "2026-11-30T12:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = r.path().join("incidents/INC-2026-001.yaml");
    let before = std::fs::read_to_string(&file).unwrap();
    for (commit, code) in [
        ("HEAD^{tree}", "aeef::git::not_a_commit"),
        ("HEAD..HEAD~1", "aeef::git::range_not_commit"),
    ] {
        let e = refused(
            &r,
            &["incident", "edit", "INC-2026-001", "--commit", commit],
        );
        assert!(e.contains(code), "{commit}: {e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    }
}

/// Found by a fresh tester: commands that write to the work tree, or name
/// their revisions another way, ignored the global `--rev` silently (`aeef
/// --rev v1 scan` listed HEAD's history, `incident new` wrote to the work
/// tree). Each refuses it now, saying what to do instead; the reading
/// commands still honour it.
#[test]
fn commands_that_cannot_honour_rev_refuse_it() {
    let r = repo();
    for args in [
        vec!["--rev", "HEAD", "scan"],
        vec!["--rev", "HEAD", "init"],
        vec![
            "--rev",
            "HEAD",
            "incident",
            "new",
            "--title",
            "t",
            "--severity",
            "SEV-3",
        ],
        vec!["--rev", "HEAD", "ca", "file", "--dry-run"],
        vec!["--rev", "HEAD", "hook", "install"],
    ] {
        let e = refused(&r, &args);
        assert!(e.contains("aeef::usage"), "{args:?}: {e}");
        assert!(e.contains("--rev HEAD:"), "{args:?}: {e}");
    }
    let o = aeef(r.path(), &["--rev", "HEAD", "incident", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `aeef blame HEAD~1 --rev HEAD` said "path `HEAD~1` is not in the tree
/// of HEAD" (a fresh tester's finding): `--rev` is for a file's lines, so
/// the commit was read as a path. The message says so and names both
/// ways out; a real missing path keeps its own error.
#[test]
fn a_commit_with_rev_says_rev_is_for_a_files_lines() {
    let r = repo();
    let e = refused(&r, &["blame", "HEAD~1", "--rev", "HEAD"]);
    assert!(e.contains("aeef::usage"), "{e}");
    assert!(e.contains("`HEAD~1` is a commit"), "{e}");
    assert!(e.contains("aeef blame HEAD~1` (no --rev)"), "{e}");
    let e = refused(&r, &["blame", "nosuch.rs", "--rev", "HEAD"]);
    assert!(e.contains("aeef::git::path_not_in_tree"), "{e}");
    assert!(
        aeef(r.path(), &["blame", "f:1-2", "--rev", "HEAD"])
            .status
            .success()
    );
}

/// `-C` naming a folder that is not there, or a file, is said as git says
/// it ("cannot change to"), not as "not a git repository" (a fresh
/// tester's case); a folder that is there but holds no repository still is.
#[test]
fn dash_c_to_a_missing_directory_says_so() {
    let r = repo();
    let file = r.path().join("a-file");
    std::fs::write(&file, "x\n").unwrap();
    let missing = r.path().join("no-such-folder");
    for (dir, reason) in [
        (missing.to_str().unwrap(), "No such file or directory"),
        (file.to_str().unwrap(), "not a directory"),
    ] {
        let o = common::aeef(r.path(), &["-C", dir, "scan"]);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains("aeef::git::no_such_directory"), "{e}");
        assert!(
            e.contains(&format!("cannot change to `{dir}`")) && e.contains(reason),
            "{e}"
        );
    }
    let empty = tempfile::tempdir().unwrap();
    let o = common::aeef(r.path(), &["-C", empty.path().to_str().unwrap(), "scan"]);
    assert!(
        stderr(&o).contains("aeef::git::not_a_repository"),
        "{}",
        stderr(&o)
    );
}
