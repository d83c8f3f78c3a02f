//! `Repo::resolve_commit` remembers `NAME~N` / `NAME^N` by the commit NAME
//! resolves to (a scan resolves its range twice). These tests hold it to
//! `git rev-parse` after the refs move, and its errors to the name asked.
mod common;

use aeef::git::Repo;
use common::RepoBuilder;

/// Guards the memo against stale answers: after HEAD moves, `HEAD~1` is
/// the new HEAD's parent, as `git rev-parse` says, in the same `Repo`.
#[test]
fn ancestor_resolution_follows_a_moved_head() {
    let mut r = RepoBuilder::new();
    for i in 0..5 {
        r.write("f.txt", &format!("{i}\n"));
        r.commit(&format!("c{i}"));
    }
    let repo = Repo::discover(Some(r.path())).unwrap();
    for rev in ["HEAD~1", "HEAD~3", "HEAD^", "HEAD^^", "HEAD~2^1", "main~4"] {
        let want = r.git(&["rev-parse", rev]).trim().to_string();
        assert_eq!(repo.resolve_commit(rev).unwrap(), want, "{rev}");
        assert_eq!(repo.resolve_commit(rev).unwrap(), want, "{rev}, again");
    }
    r.write("f.txt", "5\n");
    r.commit("c5");
    let want = r.git(&["rev-parse", "HEAD~1"]).trim().to_string();
    assert_eq!(repo.resolve_commit("HEAD~1").unwrap(), want);
}

/// Guards the diagnostic: a missing ancestor names the revision as typed,
/// not the commit id the memo resolved its base to.
#[test]
fn missing_ancestor_error_names_the_revision_asked() {
    let mut r = RepoBuilder::new();
    r.write("f.txt", "a\n");
    r.commit("only");
    let repo = Repo::discover(Some(r.path())).unwrap();
    let e = repo.resolve_commit("HEAD~9").unwrap_err().to_string();
    assert!(e.contains("HEAD~9"), "{e}");
    let e = repo.resolve_commit("nosuch~1").unwrap_err().to_string();
    assert!(e.contains("nosuch~1"), "{e}");
}

/// Guards the parent-line reading of `~N` / `^N` against git's rules
/// (gitrevisions(7)) across merges: second parents, `^0`, `~0`, chains,
/// and a missing second parent is an error.
#[test]
fn ancestor_steps_across_merges_equal_git_rev_parse() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    r.commit("root");
    r.checkout_new("topic", "HEAD");
    for i in 0..3 {
        r.write("t.txt", &format!("{i}\n"));
        r.commit(&format!("topic {i}"));
    }
    r.checkout("main");
    r.write("m.txt", "m\n");
    r.commit("main work");
    r.merge("topic", "Merge topic", &[]);
    r.write("m.txt", "m2\n");
    r.commit("after merge");
    let repo = Repo::discover(Some(r.path())).unwrap();
    for rev in [
        "HEAD~1^2",
        "HEAD^^2~2",
        "HEAD^1^1",
        "HEAD~0",
        "HEAD^0",
        "HEAD~2",
        "HEAD^^2^",
        "HEAD~1^2~1^0",
        "HEAD~10",
        "HEAD^3",
        "HEAD~1^3",
    ] {
        let out = std::process::Command::new("git")
            .args(["rev-parse", "--verify", "--quiet", rev])
            .current_dir(r.path())
            .output()
            .unwrap();
        let want = out
            .status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string());
        assert_eq!(repo.resolve_commit(rev).ok(), want, "{rev}");
    }
}

/// Guards the abbreviated id shared by a commit and another object (a
/// fresh tester found one in rust-lang/cargo, `35853c1`: a commit and a
/// tree): `git log ID` takes the commit, so `aeef scan ID` and ranges from
/// it list what `git rev-list FULL-ID` lists, where `git rev-list ID --`
/// refuses the name as ambiguous.
#[test]
fn an_id_prefix_shared_with_a_blob_names_the_commit() {
    let mut r = RepoBuilder::new();
    for i in 0..60 {
        r.write("f.txt", &format!("{i}\n"));
        r.commit(&format!("c{i}"));
    }
    // Blobs no ref reaches, written in one fast-import run: enough that
    // some commit's first four hex digits start a blob's id too (the
    // history is fixed, so which one is fixed).
    let mut stream = String::new();
    for i in 0..6000 {
        let body = format!("blob number {i}\n");
        stream.push_str(&format!("blob\ndata {}\n{body}\n", body.len()));
    }
    let mut fi = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(r.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    std::io::Write::write_all(&mut fi.stdin.take().unwrap(), stream.as_bytes()).unwrap();
    assert!(fi.wait().unwrap().success());
    let objects = r.git(&[
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objectname) %(objecttype)",
    ]);
    let ids = |commit: bool| -> Vec<&str> {
        objects
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter(|(_, kind)| (*kind == "commit") == commit)
            .map(|(id, _)| id)
            .collect()
    };
    let (commits, others) = (ids(true), ids(false));
    let shared = commits
        .iter()
        .find(|c| {
            let p = &c[..4];
            others.iter().any(|o| o.starts_with(p))
                && commits.iter().filter(|x| x.starts_with(p)).count() == 1
        })
        .expect("a commit whose 4-digit prefix a blob shares");
    let prefix = &shared[..4];
    assert_eq!(
        r.git(&["log", "-1", "--format=%H", prefix]).trim(),
        *shared,
        "git log takes the commit"
    );
    let o = common::aeef(r.path(), &["scan", prefix, "-n", "1", "--format", "json"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stdout(&o).contains(&format!("\"commit\":\"{shared}\"")));
    let range = format!("{prefix}~3..{prefix}");
    let o = common::aeef(r.path(), &["scan", &range, "--format", "json"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let want = r.git(&["rev-list", &format!("{shared}~3..{shared}")]);
    let got: Vec<String> = common::stdout(&o)
        .lines()
        .map(|l| l[l.find("\"commit\":\"").unwrap() + 10..][..40].to_string())
        .collect();
    assert_eq!(got, want.lines().collect::<Vec<_>>());

    // A prefix two blobs share and no commit: ambiguous, as git says, not
    // "unknown revision" with a hint to fetch it.
    let twice = others
        .iter()
        .map(|o| &o[..4])
        .find(|p| {
            others.iter().filter(|o| o.starts_with(*p)).count() >= 2
                && !commits.iter().any(|c| c.starts_with(*p))
        })
        .expect("a 4-digit prefix two blobs share");
    for args in [
        vec!["scan", twice],
        vec!["scan", &format!("{twice}..HEAD")],
        vec!["blame", twice],
    ] {
        let o = common::aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = common::stderr(&o);
        assert!(e.contains("aeef::git::ambiguous_revision"), "{args:?}: {e}");
        assert!(e.contains(&format!("--disambiguate={twice}")), "{e}");
    }
}
