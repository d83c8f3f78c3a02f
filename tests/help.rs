//! Snapshots of `--help`: what people read first, and where the exit codes
//! are documented.
mod common;

use common::{aeef, stdout};

#[test]
fn help_texts() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        vec!["--help"],
        vec!["scan", "--help"],
        vec!["blame", "--help"],
        vec!["gate", "--help"],
        vec!["incident", "--help"],
        vec!["incident", "edit", "--help"],
        vec!["ca", "--help"],
        vec!["report", "--help"],
        vec!["audit", "--help"],
        vec!["hook", "install", "--help"],
    ] {
        let o = aeef(dir.path(), &cmd);
        assert!(o.status.success(), "{cmd:?}");
        let name = cmd.join("_").replace("--", "");
        insta::assert_snapshot!(name, stdout(&o));
    }
    let o = aeef(dir.path(), &["--help"]);
    let text = stdout(&o);
    for code in [
        "0  ok",
        "1  the check ran and failed",
        "2  usage, input or environment error",
    ] {
        assert!(text.contains(code), "{text}");
    }
}

/// Guards issue 14 item 9: `--help` listed csv, html, github and sarif for
/// commands that refuse them. Each command's help must list exactly the
/// formats its `run` accepts: every advertised format gets past the
/// format check, and every other one is refused by the parser.
#[test]
fn each_command_help_offers_exactly_the_formats_it_prints() {
    let mut repo = common::RepoBuilder::new();
    repo.write("a.txt", "one\n").commit("first");
    let every = [
        "human", "json", "github", "sarif", "markdown", "csv", "html", "text", "slack",
    ];
    let cases: &[(&[&str], &[&str])] = &[
        // Markdown is the `--share` view's; the commit list refuses it.
        (
            &["scan", "HEAD..", "--share"],
            &["human", "json", "markdown"],
        ),
        (&["blame", "HEAD"], &["human", "json"]),
        (
            &["incident", "check"],
            &["human", "json", "github", "sarif", "markdown"],
        ),
        (&["incident", "list"], &["human", "json"]),
        (&["incident", "show", "INC-2026-001"], &["human", "json"]),
        (
            &["incident", "notify", "INC-2026-001"],
            &["human", "markdown", "text", "json", "slack"],
        ),
        (&["postmortem", "INC-2026-001"], &["human", "markdown"]),
        (&["ca", "status", "--offline"], &["human", "json"]),
        (&["ca", "review", "--offline"], &["human", "markdown"]),
        (
            &["gate", "--offline"],
            &["human", "json", "github", "sarif", "markdown"],
        ),
        (
            &["report", "--month", "2026-01"],
            &["human", "json", "markdown", "csv", "html"],
        ),
        (
            &["audit"],
            &["human", "json", "github", "sarif", "markdown"],
        ),
    ];
    for (cmd, formats) in cases {
        // The help lists these, in this order.
        let name_len = if cmd[0] == "incident" || cmd[0] == "ca" {
            2
        } else {
            1
        };
        let mut help_cmd: Vec<&str> = cmd[..name_len].to_vec();
        help_cmd.push("--help");
        let help = stdout(&aeef(repo.path(), &help_cmd)).replace(['\n', ' '], "");
        let listed: Vec<&str> = every
            .iter()
            .copied()
            .filter(|f| {
                help.contains(&format!("-{f}\n").replace('\n', ""))
                    || help.contains(&format!(",{f},"))
                    || help.contains(&format!("values:{f},"))
                    || help.contains(&format!(",{f}]"))
                    || help.contains(&format!("-{f}:"))
            })
            .collect();
        let mut want = formats.to_vec();
        want.sort();
        let mut got = listed.clone();
        got.sort();
        assert_eq!(got, want, "{cmd:?} --help lists {listed:?}");
        for f in every {
            let mut args = cmd.to_vec();
            args.extend(["--format", f]);
            let o = aeef(repo.path(), &args);
            let err = common::stderr(&o);
            if formats.contains(&f) {
                assert!(
                    !err.contains("does not print") && !err.contains("invalid value"),
                    "{args:?} advertised but refused: {err}"
                );
            } else {
                assert_eq!(o.status.code(), Some(2), "{args:?}");
                assert!(err.contains("invalid value"), "{args:?}: {err}");
            }
        }
    }
}
