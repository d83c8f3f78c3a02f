//! Hunks are placed where git places them. Which hunk wrote a line decides
//! its origin (ai-modified, ai-adjacent or human), and the one pass reads
//! git's own diff, so the hunks line blame takes from elsewhere must be
//! git's too: libgit2's diff slides some changes among repeated lines to
//! another place (found on rust-lang/cargo's `Cargo.lock` and on git-ai,
//! where the same line then got a different origin with and without the
//! one pass). The fixture is a generated lockfile whose deleted package
//! block libgit2 places one line lower than git.
mod common;

use common::{RepoBuilder, aeef, stderr};

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

/// `changes` reads git's own patch of a commit: paths with spaces (which
/// git ends with a tab in `---`/`+++` lines), a rename with spaces and an
/// edit, a C-quoted path, an added binary, a deleted file and a mode
/// change, each with git's hunks. A user's diff configuration that would
/// change the patch text (no prefixes, colour, relative paths, merged
/// hunks, an external driver) changes nothing.
#[test]
fn changes_read_gits_patch_whatever_the_diff_configuration() {
    let mut r = RepoBuilder::new();
    let text = |tag: &str| -> String { (1..=12).map(|i| format!("{tag} {i}\n")).collect() };
    r.write("src/a b.rs", &text("a"))
        .write("old name.rs", &text("old"))
        .write("tab\tquote\".rs", &text("tab"))
        .write("gone.rs", &text("gone"))
        .write("run.sh", "echo\n");
    let parent = r.commit("base");
    r.edit("src/a b.rs", 3, 3, &["three"])
        .edit("src/a b.rs", 5, 5, &["five"])
        .rename("old name.rs", "new name.rs")
        .edit("new name.rs", 1, 1, &["one"])
        .edit("tab\tquote\".rs", 12, 12, &["twelve", "thirteen"])
        .write_bytes("img.png", b"\x89PNG\r\n\x1a\n\0\0\0binary")
        .remove("gone.rs");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        r.path().join("run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let sha = r.commit("many shapes");
    for (k, v) in [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.relative", "true"),
        ("diff.interHunkContext", "5"),
        ("diff.context", "7"),
        ("color.ui", "always"),
        ("diff.external", "false"),
        ("core.quotePath", "true"),
    ] {
        r.git(&["config", k, v]);
    }
    let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
    let mut got: Vec<_> = aeef::git::diff::changes(&repo, &sha, Some(&parent))
        .unwrap()
        .into_iter()
        .map(|c| {
            let hunks: Vec<_> = c
                .hunks
                .iter()
                .map(|h| (h.old_start, h.old_lines, h.new_start, h.new_lines))
                .collect();
            (c.old_path, c.new_path, c.binary, hunks)
        })
        .collect();
    got.sort();
    let s = |p: &str| Some(p.to_string());
    let mut want = vec![
        (
            s("src/a b.rs"),
            s("src/a b.rs"),
            false,
            vec![(3, 1, 3, 1), (5, 1, 5, 1)],
        ),
        (
            s("old name.rs"),
            s("new name.rs"),
            false,
            vec![(1, 1, 1, 1)],
        ),
        (
            s("tab\tquote\".rs"),
            s("tab\tquote\".rs"),
            false,
            vec![(12, 1, 12, 2)],
        ),
        (None, s("img.png"), true, vec![]),
        (s("gone.rs"), None, false, vec![(1, 12, 0, 0)]),
        (s("run.sh"), s("run.sh"), false, vec![]),
    ];
    want.sort();
    assert_eq!(got, want);
    // One `git diff-tree --stdin` for many commits reads the same patch.
    let feed = aeef::git::diff::ChangesFeed::start(&repo, vec![(sha.clone(), parent.clone())]);
    let fed = feed
        .take(&sha, &parent)
        .expect("the feed has the pair it was asked");
    assert_eq!(
        fed,
        aeef::git::diff::changes(&repo, &sha, Some(&parent)).unwrap()
    );
}

/// Line blame reads the changes of many commits from one git process
/// (`ChangesFeed`): each commit gets exactly what `changes` gives it alone,
/// whatever order callers ask in, also a commit that changed nothing (its
/// id still heads its part of the output) and commits whose patches hold
/// lines that look like another commit's id. What was not asked for, or
/// what git cannot diff, is `None`, so that the caller diffs it alone and
/// reports git's error.
#[test]
fn a_feed_of_many_commits_gives_each_commit_its_own_changes() {
    let mut r = RepoBuilder::new();
    let text = |tag: &str| -> String { (1..=30).map(|i| format!("{tag} {i}\n")).collect() };
    r.write("a.rs", &text("a")).write("b c.rs", &text("b"));
    let mut shas = vec![r.commit("base")];
    for i in 0..12 {
        r.edit("a.rs", i + 1, i + 1, &[&format!("edit {i}")]);
        if i % 3 == 0 {
            r.rename(
                if i % 2 == 0 { "b c.rs" } else { "d.rs" },
                if i % 2 == 0 { "d.rs" } else { "b c.rs" },
            );
        }
        if i == 5 {
            // A changed line holding a commit id.
            let before = shas.last().unwrap().clone();
            r.edit("a.rs", 20, 20, &[&before]);
        }
        shas.push(r.commit(&format!("change {i}")));
    }
    r.git(&["commit", "-q", "--allow-empty", "-m", "nothing"]);
    shas.push(r.git(&["rev-parse", "HEAD"]).trim().to_string());
    let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
    let pairs: Vec<(String, String)> = shas
        .windows(2)
        .map(|w| (w[1].clone(), w[0].clone()))
        .collect();
    let feed = aeef::git::diff::ChangesFeed::start(&repo, pairs.clone());
    // Asked newest first: each waits for its part or finds it done.
    for (sha, parent) in pairs.iter().rev() {
        let alone = aeef::git::diff::changes(&repo, sha, Some(parent)).unwrap();
        assert_eq!(feed.take(sha, parent), Some(alone), "{sha}");
    }
    assert_eq!(feed.take(&shas[0], &shas[2]), None, "not asked for");
    let empty = feed.take(shas.last().unwrap(), &shas[shas.len() - 2]);
    assert_eq!(empty, Some(Vec::new()), "a commit that changed nothing");
    // git cannot diff an object it does not have: the feed says `None` for
    // it (the caller's own diff reports git's error) instead of waiting
    // forever, and the commits around it keep their own changes.
    let missing = "0123456789abcdef0123456789abcdef01234567".to_string();
    let bad = vec![
        (shas[1].clone(), shas[0].clone()),
        (missing.clone(), shas[0].clone()),
        (shas[3].clone(), shas[2].clone()),
    ];
    let feed = aeef::git::diff::ChangesFeed::start(&repo, bad);
    assert_eq!(feed.take(&missing, &shas[0]), None);
    for (sha, parent) in [(&shas[3], &shas[2]), (&shas[1], &shas[0])] {
        let alone = aeef::git::diff::changes(&repo, sha, Some(parent)).unwrap();
        assert_eq!(feed.take(sha, parent), Some(alone), "{sha}");
    }
}

/// C source of functions `name(x) { if (x) { return value; } return 0; }`.
fn functions(fns: &[(&str, &str)]) -> String {
    fns.iter()
        .map(|(n, v)| {
            format!("int {n}(int x) {{\n    if (x) {{\n        return {v};\n    }}\n\n    return 0;\n}}\n\n")
        })
        .collect()
}

/// git 2.47's blame diffs with myers whatever `diff.algorithm` says, and
/// `GIT_DIFF_OPTS` would widen every hunk: neither may change which lines
/// aeef calls changed, or the answer would disagree with the owners
/// `git blame` names (the fresh tester's histogram case: six lines went
/// from ai-modified to ai-adjacent). The fixture is one where histogram
/// and myers place the hunks differently.
#[test]
fn diff_algorithm_and_diff_opts_change_no_answer() {
    let mut r = RepoBuilder::new();
    r.write("README", "b\n");
    r.commit("base");
    let all: Vec<(String, String)> = (0..8).map(|i| (format!("f{i}"), format!("a{i}"))).collect();
    let all: Vec<(&str, &str)> = all.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    r.write("p.c", &functions(&all));
    r.trailer("AI-Tool", "claude-code");
    r.commit("AI writes");
    let mut after: Vec<(&str, &str)> = all.clone();
    after.remove(2);
    after.insert(4, ("g", "99"));
    r.write("p.c", &functions(&after));
    let human = r.commit("Human deletes f2 and inserts g");
    let hunks = |algorithm: &str| {
        r.git(&[
            "-c",
            &format!("diff.algorithm={algorithm}"),
            "diff",
            "-U0",
            "HEAD~1",
            "HEAD",
        ])
        .lines()
        .filter(|l| l.starts_with("@@"))
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    assert_ne!(
        hunks("myers"),
        hunks("histogram"),
        "the fixture must tell them apart"
    );
    let answers = |env: &[(&str, &str)]| {
        let run = |args: &[&str]| {
            let mut env = env.to_vec();
            env.push(("AEEF_NO_CACHE", "1"));
            let o = common::aeef_env(r.path(), args, &env);
            assert!(o.status.success(), "{}", common::stderr(&o));
            common::stdout(&o)
        };
        (
            run(&["blame", &human, "--format", "json"]),
            run(&["blame", "p.c", "--format", "json"]),
            run(&["scan", "HEAD~1..HEAD", "--share", "--format", "json"]),
        )
    };
    let plain = answers(&[]);
    assert!(plain.0.contains("ai-modified"), "{}", plain.0);
    r.git(&["config", "diff.algorithm", "histogram"]);
    assert_eq!(answers(&[]), plain, "diff.algorithm=histogram");
    r.git(&["config", "--unset", "diff.algorithm"]);
    assert_eq!(
        answers(&[("GIT_DIFF_OPTS", "--unified=12")]),
        plain,
        "GIT_DIFF_OPTS"
    );
}

/// A file whose name is not UTF-8 (git stores names as bytes): a commit
/// that changed one cannot be attributed, and every reader says so with one
/// coded error naming the file and the commit (exit 2), where the name read
/// lossily was looked for under another name ("not in the tree").
#[test]
fn a_file_name_that_is_not_utf8_is_named_not_misread() {
    use std::os::unix::ffi::OsStrExt;
    let mut r = RepoBuilder::new();
    let latin1 = r.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&latin1, "a\nb\nc\nd\n").unwrap();
    r.write("ok.rs", "1\n2\n3\n");
    r.commit("base");
    let base = r.head();
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    std::fs::write(&latin1, "a\nB\nc\nd\n").unwrap();
    r.write("ok.rs", "1\nTWO\n3\n");
    r.commit("AI edits");
    // A human edit next to the AI lines, in both files: its origin needs
    // the Latin-1 file's lines at its parent.
    std::fs::write(&latin1, "a\nB\nC\nd\n").unwrap();
    r.write("ok.rs", "1\nTWO\nTHREE\n");
    let human = r.commit("human edits");
    // With git on PATH, and without it (libgit2 reads the diffs then).
    let no_git = tempfile::tempdir().unwrap();
    let no_git = [("PATH", no_git.path().to_str().unwrap())];
    for (args, env) in [
        (vec!["blame", human.as_str()], &[][..]),
        (vec!["blame", "ok.rs"], &[][..]),
        (
            vec!["scan", "--share", &format!("{base}..{human}")],
            &[][..],
        ),
        (vec!["blame", human.as_str()], &no_git[..]),
        (
            vec!["scan", "--share", &format!("{base}..{human}")],
            &no_git[..],
        ),
    ] {
        let o = common::aeef_env(r.path(), &args, env);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("aeef::git::non_utf8_path"), "{args:?}: {err}");
        assert!(err.contains("caf\\xE9.txt"), "{args:?}: {err}");
        assert!(!err.contains("not in the tree"), "{args:?}: {err}");
    }
}

/// Found by a fresh tester: for a commit object git cannot read (its
/// content does not match its id) `git diff-tree --stdin` prints nothing
/// and goes on, exit 0; the feed gave the commit before it everything up to
/// the end of the output, and line blame called a human commit far from
/// any AI line `ai-adjacent`. Each part now ends at the next asked commit's
/// id, whichever it is, and the unreadable one is left to its own diff.
#[test]
fn a_commit_git_cannot_read_does_not_lend_its_neighbours_changes() {
    let mut r = RepoBuilder::new();
    let lines = |f: &dyn Fn(usize) -> String| -> String { (1..=60).map(|i| f(i) + "\n").collect() };
    r.write("f.txt", &lines(&|i| format!("line {i}")));
    r.commit("base");
    let ai = |i: usize| (10..=12).contains(&i) || (47..=49).contains(&i);
    r.write(
        "f.txt",
        &lines(&|i| {
            if ai(i) {
                format!("AI {i}")
            } else {
                format!("line {i}")
            }
        }),
    );
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    r.commit("ai");
    let human = |changed: &[usize]| {
        let changed = changed.to_vec();
        lines(&move |i| {
            if changed.contains(&i) {
                format!("hu {i}")
            } else if ai(i) {
                format!("AI {i}")
            } else {
                format!("line {i}")
            }
        })
    };
    r.write("f.txt", &human(&[30]));
    let far = r.commit("human far 30");
    r.write("f.txt", &human(&[30, 40]));
    let broken = r.commit("human far 40");
    r.write("f.txt", &human(&[30, 40, 50]));
    let near = r.commit("human next to AI 50");
    let parent = |c: &str| r.git(&["rev-parse", &format!("{c}~1")]).trim().to_string();
    let parents: std::collections::HashMap<String, String> = [&far, &broken, &near]
        .iter()
        .map(|c| (c.to_string(), parent(c)))
        .collect();
    let parent = |c: &str| parents[c].clone();
    // The broken commit's loose object gets another object's bytes.
    let raw = r
        .git(&["cat-file", "commit", &broken])
        .replace("far 40", "FAR 40");
    let other = {
        use std::io::Write;
        let mut c = std::process::Command::new("git")
            .current_dir(r.path())
            .args(["hash-object", "-t", "commit", "-w", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
        String::from_utf8(c.wait_with_output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string()
    };
    let obj = |id: &str| r.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    let target = obj(&broken);
    let mut perm = std::fs::metadata(&target).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&target, perm).unwrap();
    std::fs::copy(obj(&other), &target).unwrap();

    let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
    let pairs: Vec<_> = [&far, &broken, &near]
        .iter()
        .map(|c| (c.to_string(), parent(c)))
        .collect();
    let feed = aeef::git::diff::ChangesFeed::start(&repo, pairs);
    let alone = aeef::git::diff::changes(&repo, &far, Some(&parent(&far))).unwrap();
    assert_eq!(feed.take(&far, &parent(&far)), Some(alone));
    assert_eq!(feed.take(&broken, &parent(&broken)), None);
    let alone = aeef::git::diff::changes(&repo, &near, Some(&parent(&near))).unwrap();
    assert_eq!(feed.take(&near, &parent(&near)), Some(alone));
    // Line blame: the far commits are human, the near one ai-adjacent.
    let o = aeef(r.path(), &["blame", "f.txt", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let origin = |c: &str| {
        v["commits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["commit"] == c)
            .map(|x| x["origin"].as_str().unwrap().to_string())
    };
    assert_eq!(origin(&far).as_deref(), Some("human"), "{v}");
    assert_eq!(origin(&near).as_deref(), Some("ai-adjacent"), "{v}");
}

/// A file whose line 2 a human wrote next to line 3, written by Claude.
fn human_next_to_ai() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("a.rs", "1\n2\n3\n4\n5\n6\n7\n8\n");
    r.commit("base");
    r.trailer("Co-Authored-By", "Claude <noreply@anthropic.com>");
    r.write("a.rs", "1\n2\nAI\n4\n5\n6\n7\n8\n");
    r.commit("ai");
    r.write("a.rs", "1\nH\nAI\n4\n5\n6\n7\n8\n");
    r.commit("human next to it");
    r
}

/// Writes `text` to `path` as an executable script.
fn executable(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Found by a fresh tester: `git diff-tree` reads the index, so it ran a
/// `core.fsmonitor` hook (a slow one made line blame wait for it) and took
/// a blob's content from a work-tree file whose stat data matched. The
/// feed's git reads objects only: the hook never runs.
#[test]
fn the_feed_reads_no_index_and_runs_no_fsmonitor_hook() {
    let r = human_next_to_ai();
    let marker = r.path().join("hook-ran");
    let hook = r.path().join(".git/fsmonitor-hook");
    executable(&hook, &format!("#!/bin/sh\ntouch '{}'\n", marker.display()));
    r.git(&["config", "core.fsmonitor", hook.to_str().unwrap()]);
    let o = aeef(r.path(), &["blame", "a.rs", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!marker.exists(), "the fsmonitor hook ran");
}

/// Guards the allocator settings aeef gives the git processes it runs
/// (issue 10: glibc's defaults cost a whole-file `git blame` a third of
/// its time in page faults): every git process gets them, and a user's
/// own `GLIBC_TUNABLES` reaches git unchanged. A `git` first on PATH
/// records what it was given and runs the real one.
#[test]
fn git_runs_with_aeefs_allocator_settings_unless_the_user_set_their_own() {
    let r = human_next_to_ai();
    let real = String::from_utf8(
        std::process::Command::new("sh")
            .args(["-c", "command -v git"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("tunables.log");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"${{GLIBC_TUNABLES-unset}}\" >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        real.trim()
    );
    executable(&bin.path().join("git"), &script);
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // `GIT_DIR` set: the repository is located by `git rev-parse` too;
    // `hook install` asks git where hooks live.
    let git_dir = r.path().join(".git");
    let run = |args: &[&str], tunables: Option<&str>| {
        let _ = std::fs::remove_file(&log);
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_aeef"));
        c.current_dir(r.path())
            .args(args)
            .env("GIT_DIR", &git_dir)
            .env("PATH", &path)
            .env("AEEF_NO_CACHE", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GLIBC_TUNABLES");
        if let Some(t) = tunables {
            c.env("GLIBC_TUNABLES", t);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let seen = std::fs::read_to_string(&log).unwrap();
        let seen: Vec<String> = seen.lines().map(str::to_string).collect();
        assert!(seen.len() >= 2, "git ran {} time(s)", seen.len());
        seen
    };
    let blame: &[&str] = &["blame", "a.rs", "--format", "json"];
    let hook: &[&str] = &["hook", "install"];
    for args in [blame, hook] {
        for seen in run(args, None) {
            assert_eq!(
                seen, "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216",
                "{args:?}"
            );
        }
    }
    for seen in run(blame, Some("glibc.malloc.tcache_count=0")) {
        assert_eq!(seen, "glibc.malloc.tcache_count=0");
    }
}
