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
