//! `aeef hook` (DESIGN §9 "Hooks") run by real `git commit` in built
//! repositories: with and without an existing hook, with `core.hooksPath`
//! and in a linked worktree; `uninstall` restores what was there;
//! `--complete` adds git trailers; an agent's environment variable counts;
//! a human commit passes untouched; `--no-verify` is git's own bypass.
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{RepoBuilder, aeef, stderr, stdout};

/// Runs `git commit --allow-empty --cleanup=strip ARGS` in `dir` as a person
/// would: every variable of aeef's agent table removed (the test itself
/// may run inside an agent's shell), then `env` added.
fn commit(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .args(["commit", "-q", "--allow-empty"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Alice Human")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Human")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for v in aeef::provenance::agents::environment::variables() {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("git commit runs")
}

fn msg(dir: &Path) -> String {
    common::git_in(dir, &["log", "-1", "--format=%B"])
}

fn head(dir: &Path) -> String {
    common::git_in(dir, &["rev-parse", "HEAD"])
        .trim()
        .to_string()
}

fn install(dir: &Path, args: &[&str]) -> Output {
    let mut a = vec!["hook", "install"];
    a.extend_from_slice(args);
    let out = aeef(dir, &a);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("a.txt", "a\n");
    r.commit("start");
    r
}

const CLAUDE: &str = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>";
const REST: &str = "AI-Prompt-Ref: PROJ-12\nAI-Human-Modifications: minor\nAI-Reviewed-By: alice";

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("stat").permissions().mode() & 0o777
}

/// Guards the default path: a person's commit with no agent mark and no
/// agent in the environment is committed exactly as written.
#[test]
fn a_human_commit_without_a_mark_passes_untouched() {
    let r = repo();
    install(r.path(), &[]);
    let text = "Fix the retry loop\n\nIt retried forever.\n";
    let out = commit(r.path(), &["-m", text], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(msg(r.path()), text.to_string() + "\n");
}

/// Guards the rejection: an agent's co-author line without the AEEF fields
/// stops the commit, and the message names the missing fields and the exact
/// lines, the ones aeef knows filled in from the mark.
#[test]
fn an_agent_mark_without_the_aeef_fields_is_rejected_with_the_lines_to_add() {
    let r = repo();
    install(r.path(), &[]);
    let before = head(r.path());
    let out = commit(r.path(), &["-m", &format!("Add retry\n\n{CLAUDE}")], &[]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert_eq!(head(r.path()), before, "no commit was made");
    assert!(err.contains("aeef::hook::provenance_incomplete"), "{err}");
    assert!(
        err.contains(
            "lacks AI-Tool, AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications, AI-Reviewed-By"
        ),
        "{err}"
    );
    for line in [
        "AI-Tool: claude-code",
        "AI-Model-Version: claude-opus-4-6",
        "AI-Human-Modifications: none|minor|moderate|substantial",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    assert!(err.contains("noreply@anthropic.com"), "why: {err}");
    // What people read when git stops them.
    insta::assert_snapshot!("rejection", err);

    // With the fields the same commit passes, and the gate agrees.
    let full = format!(
        "Add retry\n\nAI-Tool: claude-code\nAI-Model-Version: claude-opus-4-6\n{REST}\n{CLAUDE}"
    );
    let out = commit(r.path(), &["-m", &full], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sha = head(r.path());
    let gate = aeef(
        r.path(),
        &[
            "gate",
            "--offline",
            "--base",
            &before,
            "--head",
            &sha,
            "--format",
            "json",
        ],
    );
    assert!(
        !stdout(&gate).contains("provenance-incomplete"),
        "{}",
        stdout(&gate)
    );
}

/// Guards `--complete`: the trailers aeef knows from the mark are added as
/// git trailers (in git's trailer block, as `git interpret-trailers
/// --parse` reads them); what it cannot know is still rejected and the
/// message file is not changed then.
#[test]
fn complete_adds_tool_and_model_as_git_trailers_and_rejects_only_the_unknowable() {
    let r = repo();
    install(r.path(), &["--complete"]);
    let out = commit(
        r.path(),
        &["-m", &format!("Add retry\n\n{REST}\n{CLAUDE}")],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("added AI-Tool: claude-code"));
    let parsed = common::git_in(r.path(), &["log", "-1", "--format=%(trailers:only,unfold)"]);
    assert!(parsed.contains("AI-Tool: claude-code\n"), "{parsed}");
    assert!(
        parsed.contains("AI-Model-Version: claude-opus-4-6\n"),
        "{parsed}"
    );
    assert!(
        parsed.contains(CLAUDE),
        "the original trailers stay: {parsed}"
    );
    // git as the oracle: the message is byte for byte what `git commit
    // --trailer` makes of the same message in a repository without hooks.
    let plain = repo();
    let out = commit(
        plain.path(),
        &[
            "-m",
            &format!("Add retry\n\n{REST}\n{CLAUDE}"),
            "--trailer",
            "AI-Tool: claude-code",
            "--trailer",
            "AI-Model-Version: claude-opus-4-6",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(msg(r.path()), msg(plain.path()));

    // A bare Claude mark tells no model, and nothing tells the prompt.
    let before = head(r.path());
    let out = commit(
        r.path(),
        &[
            "-m",
            "Add more\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
        ],
        &[],
    );
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert_eq!(head(r.path()), before);
    assert!(
        err.contains("lacks AI-Model-Version, AI-Prompt-Ref, AI-Human-Modifications, AI-Reviewed-By (aeef adds AI-Tool: claude-code itself"),
        "{err}"
    );
    assert_eq!(
        msg(r.path()),
        format!(
            "Add retry\n\n{REST}\n{CLAUDE}\nAI-Tool: claude-code\nAI-Model-Version: claude-opus-4-6\n\n"
        )
    );
}

/// Guards environment detection: a commit made from an agent's shell
/// (`CLAUDECODE=1`, as Claude Code sets it) counts as AI-assisted with no
/// mark in its message; `CLAUDECODE=0` opts out; `--complete` fills in the
/// tool from the variable.
#[test]
fn an_agents_environment_variable_makes_a_commit_ai_assisted() {
    let r = repo();
    install(r.path(), &[]);
    let out = commit(r.path(), &["-m", "Tidy"], &[("CLAUDECODE", "1")]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("CLAUDECODE=1 in the environment (claude-code)"),
        "{err}"
    );
    assert!(err.contains("AI-Tool: claude-code"), "{err}");

    let out = commit(r.path(), &["-m", "Tidy"], &[("CLAUDECODE", "0")]);
    assert!(out.status.success(), "{}", stderr(&out));

    install(r.path(), &["--complete"]);
    let out = commit(
        r.path(),
        &[
            "-m",
            &format!("Tidy\n\nAI-Model-Version: gemini-2.5-pro\n{REST}"),
        ],
        &[("GEMINI_CLI", "1")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        msg(r.path()).contains("\nAI-Tool: gemini\n"),
        "{}",
        msg(r.path())
    );
}

/// Guards chaining and `uninstall`: an existing hook is moved aside, not
/// overwritten, and runs first (its edit of the message is kept; its
/// failure stops the commit); installing twice changes nothing more;
/// `uninstall` puts back the same bytes and mode.
#[test]
fn an_existing_hook_is_chained_and_uninstall_restores_it_exactly() {
    let r = repo();
    let hooks = r.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    let original = "#!/bin/sh\n# team hook\ngrep -q '^Change-Id:' \"$1\" || printf '\\nChange-Id: I0123\\n' >> \"$1\"\ngrep -q FAILME \"$1\" && exit 3\nexit 0\n";
    let hook = hooks.join("commit-msg");
    std::fs::write(&hook, original).expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    }
    let out = install(r.path(), &[]);
    assert!(
        stdout(&out).contains("commit-msg.pre-aeef"),
        "{}",
        stdout(&out)
    );
    let chained = hooks.join("commit-msg.pre-aeef");
    assert_eq!(
        std::fs::read_to_string(&chained).expect("chained"),
        original
    );

    // Installing again rewrites aeef's hook only.
    let out = install(r.path(), &["--complete"]);
    assert!(stdout(&out).contains("updated"), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(&chained).expect("chained"),
        original
    );
    assert!(!hooks.join("commit-msg.pre-aeef.pre-aeef").exists());

    let out = commit(r.path(), &["-m", "Human change"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        msg(r.path()).contains("Change-Id: I0123"),
        "the team hook ran"
    );
    let before = head(r.path());
    let out = commit(r.path(), &["-m", "FAILME"], &[]);
    assert!(!out.status.success());
    assert_eq!(
        head(r.path()),
        before,
        "the team hook's failure stops the commit"
    );

    let out = aeef(r.path(), &["hook", "uninstall"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), original);
    assert_eq!(mode(&hook), 0o750);
    assert!(!chained.exists());
    // The agent mark passes again: aeef's hook is gone.
    let out = commit(r.path(), &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Guards `uninstall` with no hook before: the hooks directory is left
/// without a commit-msg hook, and a hook that is not aeef's is never
/// removed.
#[test]
fn uninstall_removes_only_aeefs_hook() {
    let r = repo();
    install(r.path(), &["--prepare-commit-msg"]);
    let hooks = r.path().join(".git/hooks");
    assert!(hooks.join("prepare-commit-msg").exists());
    let out = aeef(r.path(), &["hook", "uninstall"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!hooks.join("commit-msg").exists());
    assert!(!hooks.join("prepare-commit-msg").exists());
    // Again, with nothing left: it says so, and still exits 0.
    let out = aeef(r.path(), &["hook", "uninstall"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing to remove"),
        "{}",
        stdout(&out)
    );

    std::fs::write(hooks.join("commit-msg"), "#!/bin/sh\nexit 0\n").expect("write");
    let out = aeef(r.path(), &["hook", "uninstall"]);
    assert!(stdout(&out).contains("not aeef's"), "{}", stdout(&out));
    assert!(hooks.join("commit-msg").exists());
}

/// Guards `core.hooksPath` (a relative path, as husky and lefthook set
/// it): the hook goes where git runs hooks from, not into `.git/hooks`.
#[test]
fn core_hooks_path_is_honoured() {
    let r = repo();
    r.git(&["config", "core.hooksPath", ".githooks"]);
    install(r.path(), &[]);
    assert!(r.path().join(".githooks/commit-msg").exists());
    assert!(!r.path().join(".git/hooks/commit-msg").exists());
    let out = commit(r.path(), &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("aeef::hook::provenance_incomplete"));
}

/// Guards a relative `core.hooksPath` with aeef run from outside the work
/// tree (`GIT_DIR`, `GIT_WORK_TREE`; a fresh tester's finding): git runs
/// hooks from the work tree's root, so the hook goes under it, not under
/// the current folder (where `git rev-parse --git-path hooks` points from
/// there), and a commit run the same way meets it.
#[test]
fn a_relative_hooks_path_from_outside_the_work_tree() {
    let r = repo();
    r.git(&["config", "core.hooksPath", ".githooks"]);
    let outside = tempfile::tempdir().unwrap();
    let dir = r.path().join(".git");
    let vars = [
        ("GIT_DIR", dir.to_str().unwrap()),
        ("GIT_WORK_TREE", r.path().to_str().unwrap()),
    ];
    let o = common::aeef_env(outside.path(), &["hook", "install"], &vars);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(r.path().join(".githooks/commit-msg").exists());
    assert!(!outside.path().join(".githooks").exists());
    let out = commit(outside.path(), &["-m", &format!("x\n\n{CLAUDE}")], &vars);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("aeef::hook::provenance_incomplete"));
}

/// Guards a relative `core.hooksPath` with aeef run from inside `.git`
/// (a fresh tester's finding): git answers there as for a bare repository
/// and points under `.git`, but `git commit` runs hooks from the work
/// tree's root. Installed, status and uninstall all mean that one hook; a
/// bare repository keeps its hooks under the git folder.
#[test]
fn a_relative_hooks_path_from_inside_the_git_folder() {
    let r = repo();
    r.git(&["config", "core.hooksPath", ".githooks"]);
    let inside = r.path().join(".git");
    for deeper in [inside.clone(), inside.join("refs")] {
        install(&deeper, &[]);
        assert!(r.path().join(".githooks/commit-msg").exists());
        assert!(!inside.join(".githooks").exists());
        let out = aeef(&deeper, &["hook", "uninstall"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!r.path().join(".githooks/commit-msg").exists());
    }
    install(&inside, &[]);
    let out = commit(r.path(), &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("aeef::hook::provenance_incomplete"));

    // A linked worktree's git folder: its hooks are read from its root.
    let wt = tempfile::tempdir().unwrap();
    let lw = wt.path().join("lw");
    r.git(&["worktree", "add", "-q", lw.to_str().unwrap()]);
    install(&inside.join("worktrees/lw"), &[]);
    assert!(lw.join(".githooks/commit-msg").exists());
    assert!(!inside.join("worktrees/lw/.githooks").exists());

    let bare = tempfile::tempdir().unwrap();
    // A bare repository keeps them under the git folder, also one named
    // `.git` (whose parent folder git would find it from, still bare).
    for b in [bare.path().join("b.git"), bare.path().join("x/.git")] {
        let init = Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&b)
            .output()
            .unwrap();
        assert!(init.status.success());
        let set = Command::new("git")
            .current_dir(&b)
            .args(["config", "core.hooksPath", ".githooks"])
            .output()
            .unwrap();
        assert!(set.status.success());
        install(&b, &[]);
        assert!(b.join(".githooks/commit-msg").exists(), "{}", b.display());
    }
}

/// Guards a git folder nothing names a work tree for (a fresh tester's
/// finding): inside a `--separate-git-dir` folder, with a relative
/// `core.hooksPath`, aeef installed under the git folder, reported
/// success, and `git commit` in the work tree never ran the hook. It now
/// stops with a coded error and writes nothing; without `core.hooksPath`
/// the hooks are inside the git folder and installing there is right.
#[test]
fn a_relative_hooks_path_with_no_work_tree_in_sight_is_refused() {
    let base = tempfile::tempdir().unwrap();
    let (sep, wt) = (base.path().join("sep.git"), base.path().join("r"));
    let init = Command::new("git")
        .args(["init", "-q", "--separate-git-dir"])
        .arg(&sep)
        .arg(&wt)
        .output()
        .unwrap();
    assert!(init.status.success());
    let config = |args: &[&str]| {
        let o = Command::new("git")
            .current_dir(&wt)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success());
    };
    config(&["config", "core.hooksPath", ".githooks"]);
    let out = aeef(&sep, &["hook", "install"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aeef::hook::no_work_tree"),
        "{}",
        stderr(&out)
    );
    assert!(!sep.join(".githooks").exists() && !wt.join(".githooks").exists());
    // From the work tree it goes where git runs it.
    install(&wt, &[]);
    assert!(wt.join(".githooks/commit-msg").exists());
    config(&["config", "--unset", "core.hooksPath"]);
    install(&sep, &[]);
    assert!(sep.join("hooks/commit-msg").exists());
    // A bare repository's linked worktree whose folder is gone: its own
    // git folder is not bare (a third tester's finding).
    let b = base.path().join("b.git");
    for args in [
        vec!["init", "-q", "--bare", b.to_str().unwrap()],
        vec!["-C", b.to_str().unwrap(), "config", "core.hooksPath", "hk"],
        vec![
            "-C",
            b.to_str().unwrap(),
            "worktree",
            "add",
            "-q",
            "--orphan",
            "-b",
            "m",
            "../bwt",
        ],
    ] {
        let o = Command::new("git").args(&args).output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    std::fs::remove_dir_all(base.path().join("bwt")).unwrap();
    let out = aeef(&b.join("worktrees/bwt"), &["hook", "install"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aeef::hook::no_work_tree"),
        "{}",
        stderr(&out)
    );
    assert!(!b.join("worktrees/bwt/hk").exists());
    install(&b, &[]);
    assert!(b.join("hk/commit-msg").exists());
}

/// Guards a repository under a folder whose name is not UTF-8 (a fresh
/// tester's finding): the hook went into a new folder named with U+FFFD
/// beside the repository, and never ran.
#[cfg(unix)]
#[test]
fn a_folder_name_that_is_not_utf8_gets_its_own_hook() {
    use std::os::unix::ffi::OsStrExt;
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    let init = Command::new("git")
        .arg("init")
        .arg("-q")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(init.status.success());
    install(&dir, &[]);
    assert!(dir.join(".git/hooks/commit-msg").exists());
    let names: Vec<_> = std::fs::read_dir(base.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "nothing is created beside the repository: {names:?}"
    );
    let out = commit(&dir, &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
}

/// Guards worktrees: installed from a linked worktree, the hook lands in
/// the common hooks directory git runs for every worktree.
#[test]
fn a_linked_worktree_uses_the_common_hooks() {
    let r = repo();
    let wt = tempfile::tempdir().expect("tempdir");
    let wt_path = wt.path().join("wt");
    r.git(&["worktree", "add", "-q", wt_path.to_str().expect("utf-8")]);
    install(&wt_path, &[]);
    assert!(r.path().join(".git/hooks/commit-msg").exists());
    let out = commit(&wt_path, &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    let out = commit(r.path(), &["-m", &format!("x\n\n{CLAUDE}")], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
}

/// Guards git's own bypass: `--no-verify` skips commit-msg, so aeef.
#[test]
fn no_verify_is_respected() {
    let r = repo();
    install(r.path(), &[]);
    let out = commit(
        r.path(),
        &["--no-verify", "-m", &format!("x\n\n{CLAUDE}")],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Guards comment handling: a mark inside git's comment lines (what the
/// editor shows, e.g. `git commit -v`'s diff below the scissors line) is
/// not part of the message; the reminder of `prepare-commit-msg` is shown
/// in the editor and never committed.
#[test]
fn prepare_commit_msg_reminds_in_the_editor_and_comments_do_not_count() {
    let r = repo();
    install(r.path(), &["--prepare-commit-msg"]);
    let seen = r.path().join("seen.txt");
    let editor = r.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\ncp \"$1\" '{}'\n{{ printf 'Edited by hand\\n\\n'; cat '{}'; printf '# {CLAUDE}\\n'; }} > \"$1.new\" && mv \"$1.new\" \"$1\"\n",
            seen.display(),
            seen.display()
        ),
    )
    .expect("editor");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let out = commit(
        r.path(),
        &["-v"],
        &[("GIT_EDITOR", editor.to_str().expect("utf-8"))],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = std::fs::read_to_string(&seen).expect("seen");
    assert!(
        shown.contains("# AI-Tool: <tool, e.g. claude-code>"),
        "{shown}"
    );
    assert_eq!(msg(r.path()), "Edited by hand\n\n");
}

/// Guards one truth with the gate: below a scissors line git's trailer
/// parser reads nothing (`git log --format=%(trailers)` is empty), so
/// neither the provenance engine nor the hook counts an agent line there,
/// even when `git commit -m` keeps it in the message.
#[test]
fn the_hook_reads_a_scissors_message_as_git_and_the_gate_do() {
    let r = repo();
    install(r.path(), &[]);
    let text = format!("x\n\n# ------------------------ >8 ------------------------\n{CLAUDE}");
    let out = commit(r.path(), &["-m", &text], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(msg(r.path()).contains(CLAUDE), "git kept the line");
    assert_eq!(
        common::git_in(r.path(), &["log", "-1", "--format=%(trailers)"]).trim(),
        ""
    );
    let blame = aeef(r.path(), &["blame", "HEAD", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&blame)).expect("json");
    assert_eq!(doc["origin"], "human", "{doc:#}");
}

/// One truth: the README's table of agent environment variables is the
/// data the hook reads. `AEEF_BLESS=1` rewrites the README.
#[test]
fn readme_environment_table_matches_the_data() {
    const START: &str = "<!-- env-agents:start -->\n";
    const END: &str = "<!-- env-agents:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(START).expect("table start marker") + START.len();
    let end = readme[start..].find(END).expect("table end marker") + start;
    let want = aeef::provenance::agents::environment::readme_table();
    if readme[start..end] == want {
        return;
    }
    if std::env::var_os("AEEF_BLESS").is_some() {
        let new = format!("{}{want}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, new).expect("write README.md");
        return;
    }
    panic!(
        "README.md's environment table differs from the data; run \
         `AEEF_BLESS=1 cargo test --test hook` to regenerate it.\nexpected:\n{want}"
    );
}

/// Guards "never overwrite": when both a foreign hook and a
/// `commit-msg.pre-aeef` exist, install refuses (exit 2, stable code) and
/// changes nothing; a missing message file is exit 2 too, not a verdict.
#[test]
fn install_refuses_to_lose_a_hook_and_a_missing_message_file_is_exit_2() {
    let r = repo();
    let hooks = r.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    std::fs::write(hooks.join("commit-msg"), "#!/bin/sh\necho one\n").expect("write");
    std::fs::write(hooks.join("commit-msg.pre-aeef"), "#!/bin/sh\necho two\n").expect("write");
    let out = aeef(r.path(), &["hook", "install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("aeef::hook::chained_exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("commit-msg")).expect("hook"),
        "#!/bin/sh\necho one\n"
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("commit-msg.pre-aeef")).expect("chained"),
        "#!/bin/sh\necho two\n"
    );

    let out = aeef(r.path(), &["hook", "run", "commit-msg", "no/such/file"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("aeef::hook::message_file"),
        "{}",
        stderr(&out)
    );
}

/// Guards issue 13 item 2 with real `git commit`: a message ending with an
/// `AI-Attribution:` block that lacks `generation-date` is told to add an
/// indented line inside the block (never `--trailer`, which makes git fold
/// the block into one trailer); `--complete` leaves such a message exactly
/// as written when it rejects (byte for byte what a hook that never edits
/// leaves in COMMIT_EDITMSG); following the advice commits; and a block git
/// already folded (`git commit --trailer "generation-date: …"`) is still
/// the commit's block for the gate, not "no AI commit".
#[test]
fn a_block_message_is_never_folded_and_is_told_to_add_block_lines() {
    let block = "Add x\n\nAI-Attribution:\n  tool: claude-code\n  model-version: claude-opus-4-6\n  prompt-ref: PROJ-1\n  human-modifications: minor\n  reviewer: alice";
    let editmsg =
        |dir: &Path| std::fs::read(dir.join(".git/COMMIT_EDITMSG")).expect("COMMIT_EDITMSG");

    let plain = repo();
    install(plain.path(), &[]);
    let out = commit(plain.path(), &["-m", block], &[]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("lacks generation-date"), "{err}");
    assert!(
        err.contains("inside the AI-Attribution: block")
            && err.contains("  generation-date: <when the code was generated"),
        "{err}"
    );
    assert!(
        !err.contains("--trailer \""),
        "never advise --trailer: {err}"
    );

    let completing = repo();
    install(completing.path(), &["--complete"]);
    let before = head(completing.path());
    let out = commit(completing.path(), &["-m", block], &[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(head(completing.path()), before);
    assert_eq!(editmsg(completing.path()), editmsg(plain.path()));
    assert!(
        String::from_utf8_lossy(&editmsg(completing.path())).contains("AI-Attribution:\n  tool:"),
        "the block is not folded"
    );

    // The advice, followed: the indented line inside the block.
    let dated = format!("{block}\n  generation-date: 2026-01-05T10:00:00Z");
    let out = commit(completing.path(), &["-m", &dated], &[]);
    assert!(out.status.success(), "{}", stderr(&out));

    // What the old advice did: git folds the block; aeef still reads it.
    let folded = repo();
    let out = commit(
        folded.path(),
        &[
            "-m",
            block,
            "--trailer",
            "generation-date: 2026-01-05T10:00:00Z",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(msg(folded.path()).contains("AI-Attribution: tool: claude-code\n"));
    let o = aeef(folded.path(), &["scan", "HEAD~1..HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("one JSON line");
    assert_eq!(v["ai"], true);
    assert_eq!(v["tool"], "claude-code");
    assert_eq!(v["sources"], serde_json::json!(["aeef-block"]));
    // And the hook accepts the folded, dated block as complete.
    install(folded.path(), &[]);
    let out = commit(
        folded.path(),
        &[
            "-m",
            block,
            "--trailer",
            "generation-date: 2026-01-05T10:00:00Z",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}
