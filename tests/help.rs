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
