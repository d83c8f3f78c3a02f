//! Issue 12, the git edge: shallow clones never verify from their boundary
//! commit, "shallow clone" is never said of a full clone, and `-C DIR`
//! opens every repository shape the way `git -C DIR` does. Real git
//! repositories (`RepoBuilder`) with real `git clone` as the oracle.
mod common;

use std::path::Path;

use common::{RepoBuilder, aeef, git_in, stderr, stdout};
use serde_json::Value;

const F: &str = "incidents/INC-2026-007.yaml";
const NOW: &str = "2026-12-01T00:00:00Z";

/// CA-1 of alice, due 2026-11-20; `verified_by: bob` written by alice
/// herself; then two commits by bob that do not touch the record.
fn self_verified_then_others_commit() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.author("Alice Human", "alice@example.com");
    r.write(
        F,
        "id: INC-2026-007\n\
         title: Payment retry double-charges\n\
         severity: SEV-2\n\
         status: resolved\n\
         detected_at: 2026-11-02T09:14:00Z\n\
         corrective_actions:\n\
         \x20 - id: CA-1\n\
         \x20   action: Add an idempotency test\n\
         \x20   category: test-improvement\n\
         \x20   owner: alice\n\
         \x20   due: 2026-11-20\n",
    );
    r.commit("Record INC-2026-007");
    r.edit(
        F,
        12,
        11,
        &[
            "    verified_by: bob",
            "    verified_at: 2026-11-21T10:00:00Z",
        ],
    );
    r.commit("Mark CA-1 verified");
    r.author("Bob Reviewer", "bob@example.com");
    r.write("README.md", "one\n");
    r.commit("Docs");
    r.write("README.md", "two\n");
    r.commit("More docs");
    r
}

fn clone(src: &Path, into: &Path, depth: Option<u32>) -> std::path::PathBuf {
    let url = format!("file://{}", src.display());
    let d = depth.map(|d| d.to_string());
    let mut args = vec!["clone", "-q"];
    if let Some(d) = &d {
        args.extend(["--depth", d]);
    }
    args.extend([url.as_str(), "c"]);
    git_in(into, &args);
    into.join("c")
}

// Guards item 2: offline verification blames the `verified_by:` line. In
// a depth-1 or depth-2 clone that blame lands on the shallow boundary
// commit (bob's), and aeef accepted its author as the verifier: the gate
// passed what a full clone fails. Every offline path stops with exit 2
// and the fix instead; a full clone still fails (alice verified herself,
// overdue) and never hears "shallow".
#[test]
fn offline_verification_never_trusts_a_shallow_boundary() {
    let r = self_verified_then_others_commit();
    let tmp = tempfile::tempdir().unwrap();

    let full = clone(r.path(), tmp.path(), None);
    let o = aeef(&full, &["gate", "--offline", "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("ca-verified-by-owner"),
        "{}",
        stdout(&o)
    );
    let o = aeef(
        &full,
        &[
            "ca",
            "status",
            "--offline",
            "--format",
            "json",
            "--now",
            NOW,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["actions"][0]["reason_code"], "committed-by-owner", "{j}");
    for o in [&o, &aeef(&full, &["gate", "--offline", "--now", NOW])] {
        let all = format!("{}{}", stdout(o), stderr(o)).to_lowercase();
        assert!(
            !all.contains("shallow"),
            "full clone called shallow:\n{all}"
        );
    }

    for depth in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let c = clone(r.path(), dir.path(), Some(depth));
        assert!(
            c.join(".git/shallow").is_file(),
            "depth {depth} is not shallow"
        );
        for args in [
            &["gate", "--offline", "--now", NOW][..],
            &["gate", "--now", NOW][..],
            &["ca", "status", "--offline", "--now", NOW][..],
            &["ca", "review", "--offline", "--now", NOW][..],
        ] {
            let o = aeef(&c, args);
            let e = stderr(&o);
            assert_eq!(
                o.status.code(),
                Some(2),
                "depth {depth} {args:?}: {}{e}",
                stdout(&o)
            );
            assert!(
                e.contains("aeef::git::shallow")
                    && e.contains("fetch-depth: 0")
                    && e.contains("git fetch --unshallow")
                    && e.contains(F),
                "depth {depth} {args:?}: {e}"
            );
        }
        // Fetching the history is the fix: the same clone then decides.
        git_in(&c, &["fetch", "-q", "--unshallow"]);
        let o = aeef(&c, &["gate", "--offline", "--now", NOW]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "depth {depth} unshallowed: {}",
            stderr(&o)
        );
    }
}

// Guards item 2's boundary: a shallow clone whose missing history does not
// matter (the record was written, verified and committed after the
// boundary, by someone other than the owner) still decides.
#[test]
fn shallow_clone_decides_when_the_record_is_younger_than_the_boundary() {
    let mut r = RepoBuilder::new();
    r.write("README.md", "old\n");
    r.commit("Old history");
    r.write("README.md", "older\n");
    r.commit("More old history");
    r.author("Bob Reviewer", "bob@example.com");
    r.write(
        F,
        "id: INC-2026-007\ntitle: t\nseverity: SEV-2\nstatus: resolved\n\
         detected_at: 2026-11-02T09:14:00Z\ncorrective_actions:\n\
         \x20 - id: CA-1\n    action: a\n    category: training\n    owner: alice\n\
         \x20   due: 2026-11-20\n    verified_by: bob\n    verified_at: 2026-11-21T10:00:00Z\n",
    );
    r.commit("Record and verify");
    let tmp = tempfile::tempdir().unwrap();
    let c = clone(r.path(), tmp.path(), Some(2));
    assert!(c.join(".git/shallow").is_file());
    let o = aeef(
        &c,
        &[
            "ca",
            "status",
            "--offline",
            "--format",
            "json",
            "--now",
            NOW,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["actions"][0]["verified"], true, "{j}");
}

// Guards item 17: "this is a shallow clone" was said of a full clone when
// the change's base and head share no history. That is its own error.
#[test]
fn unrelated_base_and_head_in_a_full_clone_never_say_shallow() {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    let a = r.commit("Root A");
    r.git(&["checkout", "-q", "--orphan", "other"]);
    r.write("b.txt", "b\n");
    let b = r.commit("Root B");
    let o = aeef(
        r.path(),
        &["gate", "--base", &a, "--head", &b, "--now", NOW],
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("aeef::git::no_merge_base"), "{e}");
    assert!(!e.to_lowercase().contains("shallow"), "{e}");
}

/// The commits `aeef scan` lists, in order.
fn scanned(dir: &Path) -> Vec<String> {
    let o = aeef(dir, &["scan", "--format", "json"]);
    assert!(o.status.success(), "{}: {}", dir.display(), stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["commit"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn rev_list(dir: &Path) -> Vec<String> {
    git_in(dir, &["rev-list", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect()
}

// Guards item 16: `-C DIR` opens what `git -C DIR` opens. A bare mirror
// without a `config` file was "not a git repository", or libgit2 took
// its parent folder for the work tree and read that folder's records.
#[test]
fn dash_c_opens_every_repository_shape_as_git_does() {
    let mut r = RepoBuilder::new();
    r.write("README.md", "x\n");
    r.commit("One");
    r.trailer("AI-Tool", "claude-code");
    r.write("README.md", "y\n");
    r.commit("Two");
    let want = rev_list(r.path());
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path();
    // Records in the folder around the mirrors: never theirs.
    std::fs::create_dir_all(here.join("incidents")).unwrap();
    std::fs::write(
        here.join("incidents/INC-2026-001.yaml"),
        "id: INC-2026-001\ntitle: Not yours\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-09-01T00:00:00Z\n",
    )
    .unwrap();
    let src = r.path().to_str().unwrap();
    git_in(here, &["clone", "-q", "--bare", src, "bare.git"]);
    git_in(here, &["clone", "-q", "--mirror", src, "noconfig"]);
    std::fs::remove_file(here.join("noconfig/config")).unwrap();
    r.git(&[
        "worktree",
        "add",
        "-q",
        here.join("wt").to_str().unwrap(),
        "-b",
        "wt",
    ]);

    for shape in ["bare.git", "noconfig", "wt"] {
        let dir = here.join(shape);
        assert_eq!(rev_list(&dir), want, "git itself reads {shape}");
        assert_eq!(scanned(&dir), want, "aeef in {shape}");
        // -C from elsewhere, as `git -C`.
        let o = aeef(
            Path::new("/"),
            &["-C", dir.to_str().unwrap(), "scan", "--format", "json"],
        );
        assert!(o.status.success(), "-C {shape}: {}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), want.len(), "-C {shape}");
        let o = aeef(&dir, &["incident", "list"]);
        assert!(
            !stdout(&o).contains("INC-2026-001"),
            "{shape} read the records of its parent folder:\n{}",
            stdout(&o)
        );
    }
    // GIT_DIR names the repository, as for git.
    for shape in ["bare.git", "noconfig"] {
        let gd = here.join(shape);
        let o = common::aeef_env(
            here,
            &["scan", "--format", "json"],
            &[("GIT_DIR", gd.to_str().unwrap())],
        );
        assert!(o.status.success(), "GIT_DIR={shape}: {}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), want.len(), "GIT_DIR={shape}");
    }
    // A subdirectory of a work tree opens its repository; a folder that git
    // does not call a repository is not one.
    std::fs::create_dir_all(r.path().join("src/deep")).unwrap();
    assert_eq!(scanned(&r.path().join("src/deep")), want);
    let o = aeef(here, &["scan"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("aeef::git::not_a_repository"),
        "{}",
        stderr(&o)
    );
}

/// Guards line blame run from outside the work tree with `GIT_DIR` and
/// `GIT_WORK_TREE` set, relative or absolute (a fresh tester's finding:
/// aeef took the repository for bare and ran `git blame` inside `.git`,
/// "no such path .git/f.txt"; with relative variables git then found no
/// repository at all). Paths are read from the work tree's root, as
/// `git blame` reads them there, and the answer is the one given inside.
#[test]
fn line_blame_from_outside_the_work_tree_with_git_dir_and_work_tree_set() {
    let mut r = RepoBuilder::new();
    r.write("f.txt", "1\n2\n3\n");
    r.commit("Human base");
    r.trailer("AI-Tool", "claude-code");
    r.write("f.txt", "1\nAI\n3\n");
    r.commit("AI edit");
    let inside = aeef(r.path(), &["blame", "f.txt:1-3", "--format", "json"]);
    assert!(inside.status.success(), "{}", stderr(&inside));
    let parent = r.path().parent().unwrap();
    let name = r.path().file_name().unwrap().to_str().unwrap();
    let git_dir = format!("{name}/.git");
    let abs_dir = r.path().join(".git");
    let abs_top = r.path().to_path_buf();
    for (dir, top) in [
        (git_dir.as_str(), name),
        (abs_dir.to_str().unwrap(), abs_top.to_str().unwrap()),
    ] {
        let o = common::aeef_env(
            parent,
            &["blame", "f.txt:1-3", "--format", "json"],
            &[
                ("GIT_DIR", dir),
                ("GIT_WORK_TREE", top),
                ("AEEF_NO_CACHE", "1"),
            ],
        );
        assert!(o.status.success(), "GIT_DIR={dir}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&inside), "GIT_DIR={dir}");
    }
}

/// A file path with a trailing slash names a directory, as git reads it
/// (`git blame f.txt/`: "no such path"): refused, not read as `f.txt`.
#[test]
fn a_file_path_with_a_trailing_slash_is_not_the_file() {
    let mut r = RepoBuilder::new();
    r.write("f.txt", "1\n2\n3\n");
    r.commit("Human base");
    for arg in ["f.txt/", "f.txt/:1-2", "f.txt/.", "f.txt/:5000"] {
        let o = aeef(r.path(), &["blame", arg]);
        refused_with(&o, "aeef::git::path_not_in_tree", arg);
    }
}

/// Asserts `o` stopped with exit 2 and the diagnostic `code`.
fn refused_with(o: &std::process::Output, code: &str, what: impl std::fmt::Debug) {
    assert_eq!(o.status.code(), Some(2), "{what:?}: {}", stdout(o));
    assert!(stderr(o).contains(code), "{what:?}: {}", stderr(o));
}

/// `git --git-dir=DOT ARGS` with a fixed identity and date; its stdout.
fn git_at(dot: &Path, args: &[&str]) -> String {
    let o = std::process::Command::new("git")
        .arg(format!("--git-dir={}", dot.display()))
        .args(["-c", "user.name=Dot", "-c", "user.email=dot@example.com"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// A "dotfiles" repository: `HOLDER/dot.git`, not bare, whose work tree
/// is `top` (`core.worktree`), which holds no `.git` of its own.
fn dotfiles(holder: &Path, top: &Path) -> std::path::PathBuf {
    git_in(holder, &["init", "-q", "--bare", "dot.git"]);
    let dot = holder.join("dot.git");
    git_at(&dot, &["config", "core.bare", "false"]);
    git_at(&dot, &["config", "core.worktree", top.to_str().unwrap()]);
    dot
}

/// Guards the repository git names when discovery variables are set (a
/// second fresh tester's findings): a `GIT_WORK_TREE` that does not exist
/// or is empty never sends aeef to the repository around the current
/// folder with exit 0; a `GIT_WORK_TREE` alone, in a folder outside the
/// repository, still finds it; a work tree named by `core.worktree` is
/// the work tree from outside it too.
#[test]
fn discovery_variables_name_the_repository_git_names_or_none() {
    let mut named = RepoBuilder::new();
    named.write("f.txt", "a\nb\n");
    let named_head = named.commit("Named repository");
    let mut here = RepoBuilder::new();
    here.write("f.txt", "x\n");
    let here_head = here.commit("The repository around the current folder");
    let head_of = |o: &std::process::Output| -> String {
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["commit"].as_str().unwrap().to_string()
    };
    let git_dir = named.path().join(".git");
    let git_dir = git_dir.to_str().unwrap();
    // git reads the named repository with a work tree that does not exist,
    // and refuses an empty one ("not a valid path"): so does aeef.
    for (work_tree, exit) in [("/nonexistent", 0), ("nope", 0), ("", 2)] {
        let o = common::aeef_env(
            here.path(),
            &["blame", "HEAD", "--format", "json"],
            &[("GIT_DIR", git_dir), ("GIT_WORK_TREE", work_tree)],
        );
        assert_eq!(
            o.status.code(),
            Some(exit),
            "GIT_WORK_TREE={work_tree:?}: {}",
            stderr(&o)
        );
        match o.status.code() {
            Some(0) => assert_eq!(head_of(&o), named_head, "GIT_WORK_TREE={work_tree:?}"),
            Some(2) => assert!(stdout(&o).is_empty()),
            c => panic!("GIT_WORK_TREE={work_tree:?}: exit {c:?}: {}", stderr(&o)),
        }
        if !stdout(&o).is_empty() {
            assert_ne!(head_of(&o), here_head);
        }
    }
    // GIT_DIR naming nothing: the gate and the records commands stop as
    // git does, never reading the current folder's records instead.
    std::fs::create_dir_all(here.path().join("incidents")).unwrap();
    std::fs::write(
        here.path().join("incidents/INC-2026-001.yaml"),
        "id: INC-2026-001\ntitle: Not the named repository's\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-09-01T00:00:00Z\n",
    )
    .unwrap();
    for args in [
        &["gate", "--offline"][..],
        &["incident", "list"],
        &["incident", "check"],
    ] {
        let o = common::aeef_env(here.path(), args, &[("GIT_DIR", "/nonexistent")]);
        refused_with(&o, "aeef::git::not_a_repository", args);
    }
    // GIT_WORK_TREE alone: git finds the repository from the current
    // folder and takes the named folder for its work tree.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("f.txt"), "a\nb\n").unwrap();
    let inside = aeef(named.path(), &["blame", "f.txt", "--format", "json"]);
    let o = common::aeef_env(
        named.path(),
        &["blame", "f.txt", "--format", "json"],
        &[
            ("GIT_WORK_TREE", elsewhere.path().to_str().unwrap()),
            ("AEEF_NO_CACHE", "1"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&inside));
    // core.worktree (a "dotfiles" repository), run from outside it: the
    // uncommitted record in the work tree is read.
    let bare = tempfile::tempdir().unwrap();
    let top = tempfile::tempdir().unwrap();
    let dot = dotfiles(bare.path(), top.path());
    std::fs::create_dir_all(top.path().join("incidents")).unwrap();
    std::fs::write(
        top.path().join("incidents/INC-2026-001.yaml"),
        "id: INC-2026-001\ntitle: Dot incident\nseverity: SEV-3\nstatus: open\ndetected_at: 2026-09-01T00:00:00Z\n",
    )
    .unwrap();
    let o = common::aeef_env(
        bare.path(),
        &["incident", "list"],
        &[("GIT_DIR", dot.to_str().unwrap())],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("INC-2026-001"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

/// Guards a work tree named by `core.worktree` that does not lead back to
/// its repository, run from inside the git directory with nothing set (a
/// third fresh tester's finding: git ran in the work tree, found no
/// repository there, or the repository around it, whose history then gave
/// `incident new` its id). Git is told where both are.
#[test]
fn a_core_worktree_inside_another_repository_is_read_as_its_own() {
    let mut host = RepoBuilder::new();
    host.write("inner/f.txt", "host\n");
    host.commit("Host repository");
    let top = host.path().join("inner");
    let holder = tempfile::tempdir().unwrap();
    let dot = dotfiles(holder.path(), &top);
    std::fs::write(top.join("f.txt"), "dot 1\ndot 2\n").unwrap();
    git_at(&dot, &["add", "f.txt"]);
    git_at(&dot, &["commit", "-q", "-m", "Dot repository"]);
    let head = git_at(&dot, &["rev-parse", "HEAD"]);
    for args in [
        vec!["blame", "f.txt", "--format", "json"],
        vec!["blame", "HEAD", "--format", "json"],
    ] {
        let o = aeef(&dot, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let named = v["commit"].as_str().or(v["lines"][0]["commit"].as_str());
        assert_eq!(named, Some(head.as_str()), "{args:?}");
    }
}

/// Guards `core.worktree` naming a folder elsewhere, run from the folder
/// holding `.git` (a fresh tester's finding, a regression of the work tree
/// handed to git): git ran in the work tree, where it finds no repository,
/// so line blame and `hook install` failed. git is told where both are.
#[test]
fn a_core_worktree_elsewhere_run_from_the_folder_holding_git() {
    let holder = tempfile::tempdir().unwrap();
    let (repo, top) = (holder.path().join("m1"), holder.path().join("m1wt"));
    std::fs::create_dir_all(&top).unwrap();
    git_in(holder.path(), &["init", "-q", "m1"]);
    let dot = repo.join(".git");
    git_at(&dot, &["config", "core.worktree", top.to_str().unwrap()]);
    std::fs::write(top.join("f.txt"), "one\n").unwrap();
    git_at(
        &dot,
        &["--work-tree", top.to_str().unwrap(), "add", "f.txt"],
    );
    git_at(
        &dot,
        &[
            "--work-tree",
            top.to_str().unwrap(),
            "commit",
            "-q",
            "-m",
            "One",
        ],
    );
    let head = git_at(&dot, &["rev-parse", "HEAD"]);
    let o = aeef(&repo, &["blame", "f.txt", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"][0]["commit"].as_str(), Some(head.as_str()));
    let o = aeef(&repo, &["hook", "install"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(repo.join(".git/hooks/commit-msg").exists());
}

/// Guards a work tree above the folder holding `.git` (`core.worktree`
/// naming a parent, as dotfiles tools set it) inside another repository,
/// and a copied linked worktree (a fourth tester's findings): git children
/// ran in the work tree and found the outer repository, or the original
/// worktree, so blame failed and `hook install` wrote into the other
/// repository. Each answer is now the one git gives where aeef runs.
#[test]
fn a_work_tree_that_leads_elsewhere_is_handed_to_git() {
    let holder = tempfile::tempdir().unwrap();
    let outer = holder.path().join("outer");
    git_in(holder.path(), &["init", "-q", "outer"]);
    git_in(&outer, &["commit", "-q", "--allow-empty", "-m", "Outer"]);
    git_in(&outer, &["init", "-q", "inner"]);
    let inner = outer.join("inner");
    let dot = inner.join(".git");
    git_at(&dot, &["config", "core.worktree", outer.to_str().unwrap()]);
    std::fs::write(outer.join("x.txt"), "hi\n").unwrap();
    let top = outer.to_str().unwrap();
    git_at(&dot, &["--work-tree", top, "add", "x.txt"]);
    git_at(&dot, &["--work-tree", top, "commit", "-q", "-m", "Inner"]);
    let head = git_at(&dot, &["rev-parse", "HEAD"]);
    let o = aeef(&inner, &["blame", "../x.txt", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"][0]["commit"].as_str(), Some(head.as_str()));
    let o = aeef(&inner, &["blame", "HEAD", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = aeef(&inner, &["hook", "install"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dot.join("hooks/commit-msg").exists());
    assert!(!outer.join(".git/hooks/commit-msg").exists());

    // A linked worktree copied elsewhere: git works in the copy.
    let mut main = RepoBuilder::new();
    main.write("sub/g.txt", "x\n");
    let base = main.commit("Base");
    let wt = holder.path().join("wt");
    main.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    let copy = holder.path().join("wtcopy");
    let cp = std::process::Command::new("cp")
        .arg("-a")
        .arg(&wt)
        .arg(&copy)
        .output()
        .unwrap();
    assert!(cp.status.success());
    let o = aeef(&copy.join("sub"), &["blame", "g.txt", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"][0]["commit"].as_str(), Some(base.as_str()));
    // Files aeef writes go into the copy, where git works.
    let o = aeef(&copy, &["init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(copy.join(".aeef.yml").exists());
    assert!(!wt.join(".aeef.yml").exists());
}

/// Guards a repository under a folder whose name is not UTF-8, found
/// through git (any discovery variable set): git's answer is read as the
/// bytes it printed, not refused as unreadable.
#[cfg(target_os = "linux")]
#[test]
fn a_repository_under_a_non_utf8_folder_opens_through_git() {
    use std::os::unix::ffi::OsStrExt;
    let mut r = RepoBuilder::new();
    r.write("f.txt", "1\n");
    r.commit("One");
    let holder = tempfile::tempdir().unwrap();
    let odd = holder.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir(&odd).unwrap();
    let src = r.path().to_str().unwrap();
    let o = std::process::Command::new("git")
        .args(["clone", "-q", src, "r"])
        .current_dir(&odd)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let repo = odd.join("r");
    let plain = aeef(&repo, &["scan", "--format", "json"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    for (k, v) in [
        ("GIT_CEILING_DIRECTORIES", "/nonexistent"),
        ("GIT_DIR", ".git"),
    ] {
        let o = common::aeef_env(&repo, &["scan", "--format", "json"], &[(k, v)]);
        assert!(o.status.success(), "{k}={v}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&plain), "{k}={v}");
    }
}

/// Guards a linked worktree named by relative `GIT_DIR`, `GIT_COMMON_DIR`
/// and `GIT_WORK_TREE` from a folder outside it: the git processes aeef
/// runs from the work tree get all three made absolute (a relative
/// `GIT_COMMON_DIR` pointed nowhere from there: commit blame failed).
#[test]
fn a_worktree_named_by_relative_variables_from_outside() {
    let mut r = RepoBuilder::new();
    r.write("f.txt", "1\n2\n");
    r.commit("One");
    r.trailer("AI-Tool", "claude-code");
    r.write("f.txt", "1\nAI\n");
    let head = r.commit("Two");
    let holder = tempfile::tempdir().unwrap();
    let wt = holder.path().join("wt");
    r.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    let outside = holder.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let rel = |p: &Path| -> String {
        let mut s = String::from("..");
        for c in p.strip_prefix("/").unwrap().components() {
            s.push('/');
            s.push_str(c.as_os_str().to_str().unwrap());
        }
        format!("{}{}", "../".repeat(outside.components().count() - 2), s)
    };
    let git_dir = rel(&r.path().join(".git/worktrees/wt"));
    let common = rel(&r.path().join(".git"));
    let top = rel(&wt);
    for args in [
        &["blame", "HEAD", "--format", "json"][..],
        &["blame", "f.txt:2", "--format", "json"],
    ] {
        let o = common::aeef_env(
            &outside,
            args,
            &[
                ("GIT_DIR", git_dir.as_str()),
                ("GIT_COMMON_DIR", common.as_str()),
                ("GIT_WORK_TREE", top.as_str()),
            ],
        );
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains(&head), "{args:?}: {}", stdout(&o));
    }
}

/// Repositories git reads and libgit2 (without its experimental build)
/// does not: SHA-256 object ids, the reftable ref store. A coded error
/// naming the repository (not the folder aeef ran in) and libgit2's
/// reason, exit 2, never "not a git repository".
#[test]
fn repositories_libgit2_cannot_read_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for (name, init, reason) in [
        ("sha256", "--object-format=sha256", "object format"),
        ("reftable", "--ref-format=reftable", "extension"),
    ] {
        git_in(dir.path(), &["init", "-q", init, name]);
        let repo = dir.path().join(name);
        git_in(
            &repo,
            &[
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@example.com",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "x",
            ],
        );
        std::fs::create_dir(repo.join("sub")).unwrap();
        for (at, args) in [
            (repo.clone(), &["scan", "HEAD"][..]),
            (repo.join("sub"), &["blame", "HEAD"]),
        ] {
            let o = aeef(&at, args);
            assert_eq!(o.status.code(), Some(2), "{name} {args:?}");
            let err = stderr(&o);
            assert!(err.contains("aeef::git::unsupported_repository"), "{err}");
            assert!(err.contains(reason), "{err}");
            assert!(!err.contains("not a git repository"), "{err}");
            assert!(!err.contains("/sub"), "names the repository: {err}");
        }
    }
}
