//! Hunks are placed where git places them. Which hunk wrote a line decides
//! its origin (ai-modified, ai-adjacent or human), and the one pass reads
//! git's own diff, so the hunks line blame takes from elsewhere must be
//! git's too: libgit2's diff slides some changes among repeated lines to
//! another place (found on rust-lang/cargo's `Cargo.lock` and on git-ai,
//! where the same line then got a different origin with and without the
//! one pass). The fixture is a generated lockfile whose deleted package
//! block libgit2 places one line lower than git.
mod common;

use common::RepoBuilder;

const BEFORE: &str = include_str!("../fixtures/diff/lock-before.txt");
const AFTER: &str = include_str!("../fixtures/diff/lock-after.txt");

/// `git diff -U0 A B`'s hunks as (old start, old lines, new start, new lines).
fn git_hunks(r: &RepoBuilder, a: &str, b: &str) -> Vec<(u32, u32, u32, u32)> {
    let side = |s: &str| -> (u32, u32) {
        match s.split_once(',') {
            Some((x, n)) => (x.parse().unwrap(), n.parse().unwrap()),
            None => (s.parse().unwrap(), 1),
        }
    };
    r.git(&["diff", "-U0", "--no-color", a, b])
        .lines()
        .filter_map(|l| l.strip_prefix("@@ -"))
        .map(|l| {
            let mut p = l.split(' ');
            let (os, ol) = side(p.next().unwrap());
            let (ns, nl) = side(p.next().unwrap().trim_start_matches('+'));
            (os, ol, ns, nl)
        })
        .collect()
}

#[test]
fn hunks_of_a_change_among_repeated_lines_are_gits() {
    let mut r = RepoBuilder::new();
    r.write("Cargo.lock", BEFORE);
    let before = r.commit("before");
    r.write("Cargo.lock", AFTER);
    let after = r.commit("a package block removed");
    r.write("Cargo.lock", BEFORE);
    let again = r.commit("and put back");
    let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
    for (a, b) in [(&before, &after), (&after, &again)] {
        let ours: Vec<_> = aeef::git::diff::file_hunks(&repo, a, "Cargo.lock", b, "Cargo.lock")
            .unwrap()
            .into_iter()
            .map(|h| (h.old_start, h.old_lines, h.new_start, h.new_lines))
            .collect();
        let git = git_hunks(&r, a, b);
        assert!(!git.is_empty());
        assert_eq!(ours, git, "{a}..{b}");
    }
}
