//! The in-process walk behind `aeef scan` (`git::walk`) against
//! `git rev-list` as the oracle, and against the `git rev-list` path it
//! replaced, on built histories with merges, equal commit dates, clock
//! skew, renames, notes and shallow edges.
mod common;

use common::{RepoBuilder, aeef, aeef_env, aeef_within, git_in, stderr, stdout};

const S1: &str = "s_0123456789abcd::t_fedcba98765432";

fn scan(dir: &std::path::Path, spec: &[&str]) -> String {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(spec);
    let o = aeef(dir, &args);
    assert!(o.status.success(), "{spec:?}: {}", stderr(&o));
    stdout(&o)
}

fn commits(json_lines: &str) -> Vec<String> {
    json_lines
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            v["commit"].as_str().unwrap().to_string()
        })
        .collect()
}

/// A history with two merged topic branches, a branch left unmerged, equal
/// commit dates across branches, a commit dated before its parent, a
/// rename, AI trailers and git-ai notes.
fn history() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", "a\n");
    r.commit("root");
    r.write("src/b.rs", "b\n");
    r.trailer("AI-Tool", "claude-code");
    let ai = r.commit("ai work");
    r.note(
        &ai,
        &format!("src/b.rs\n  {S1} 1\n---\n{{\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}"),
    );
    r.checkout_new("topic", "HEAD");
    r.write("src/t.rs", "t1\n");
    r.at("2026-01-05T20:00:00Z");
    r.commit("topic one");
    r.write("src/t.rs", "t2\n");
    r.trailer("Co-authored-by", "Claude <noreply@anthropic.com>");
    r.at("2026-01-05T20:00:00Z");
    let t2 = r.commit("topic two, same date");
    r.note(&t2, &format!("src/t.rs\n  {S1} 1\n---\n{{}}"));
    r.checkout("main");
    r.write("src/a.rs", "a2\n");
    r.at("2026-01-05T20:00:00Z");
    r.commit("main, same date as topic");
    r.rename("src/a.rs", "src/renamed.rs");
    // Clock skew: older than its parent.
    r.at("2026-01-01T00:00:00Z");
    r.commit("rename, dated in the past");
    r.merge("topic", "Merge topic", &[]);
    r.checkout_new("side", "HEAD~2");
    r.write("src/s.rs", "s\n");
    r.commit("side work");
    r.checkout_new("second", "main");
    r.write("src/c.rs", "c\n");
    r.commit("second topic");
    r.checkout("main");
    r.write("src/d.rs", "d\n");
    r.commit("main after merge");
    r.merge("second", "Merge second", &[]);
    r.git(&["tag", "-a", "v1", "-m", "release", "HEAD~1"]);
    r
}

fn specs(r: &RepoBuilder) -> Vec<Vec<String>> {
    let root = r
        .git(&["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["HEAD"]),
        s(&["--all"]),
        s(&["topic..main"]),
        s(&["main..topic"]),
        s(&["side..main"]),
        s(&["main..side"]),
        s(&["^topic", "main"]),
        s(&["v1..HEAD"]),
        s(&[&format!("{root}..HEAD")]),
        s(&["HEAD~3..HEAD"]),
        s(&["--first-parent", "HEAD"]),
        s(&["--no-merges", "HEAD"]),
        s(&["-n", "3", "HEAD"]),
        s(&["--since", "2026-01-05T14:00:00Z", "HEAD"]),
        s(&["--until", "2026-01-05T15:00:00Z", "HEAD"]),
        s(&[
            "--since",
            "2026-01-05T12:00:00Z",
            "--until",
            "2026-01-05T20:00:00Z",
            "--all",
        ]),
        s(&["--", "side", "topic", "--not", "second"]),
        s(&["--", "--all", "--not", "topic"]),
    ]
}

/// Guards the in-process walk: every simple spec lists exactly the commits
/// `git rev-list` lists, in git's order (merges, ties, skew, exclusions).
#[test]
fn walk_lists_what_git_rev_list_lists() {
    let r = history();
    for spec in specs(&r) {
        let refs: Vec<&str> = spec.iter().map(String::as_str).collect();
        let mut git_args = vec!["rev-list"];
        for a in &refs {
            match *a {
                "--" => {}
                "-n" => git_args.push("--max-count"),
                "--since" => git_args.push("--since"),
                "--until" => git_args.push("--until"),
                "--all" => {
                    git_args.push("--exclude=refs/notes/*");
                    git_args.push("--all");
                }
                other => git_args.push(other),
            }
        }
        let expected: Vec<String> = r.git(&git_args).lines().map(str::to_string).collect();
        assert_eq!(commits(&scan(r.path(), &refs)), expected, "{spec:?}");
    }
}

/// Guards "same answers as before": the walk's JSON equals, line for line,
/// the `git rev-list` + libgit2 path (taken for any spec the walk does not
/// handle; `--since` in the past selects it without changing the set).
#[test]
fn walk_and_rev_list_paths_print_the_same_json() {
    let r = history();
    for spec in [vec!["HEAD"], vec!["--all"], vec!["topic..main"]] {
        let fast = scan(r.path(), &spec);
        let mut slow_spec = spec.clone();
        slow_spec.push("--since=1970-01-02");
        let slow = scan(r.path(), &slow_spec);
        assert_eq!(fast, slow, "{spec:?}");
        if spec != ["topic..main"] {
            assert!(fast.contains("\"git-ai-note\""), "{fast}");
        }
    }
}

/// Guards shallow edges: in a depth-2 clone the walk stops at the shallow
/// boundary exactly where `git rev-list` does.
#[test]
fn walk_stops_at_shallow_boundaries_like_git() {
    let r = history();
    let clone = tempfile::tempdir().unwrap();
    let src = format!("file://{}", r.path().display());
    git_in(
        clone.path(),
        &["clone", "-q", "--no-local", "--depth", "2", &src, "c"],
    );
    let dir = clone.path().join("c");
    for spec in [vec!["HEAD"], vec!["HEAD~1..HEAD"], vec!["--all"]] {
        let mut git_args = vec!["rev-list"];
        git_args.extend(spec.iter().copied());
        let expected: Vec<String> = git_in(&dir, &git_args)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(commits(&scan(&dir, &spec)), expected, "{spec:?}");
    }
}

/// Guards the replace-ref check of the walk (`git::walk::can_walk`): a
/// history cut by `git replace --graft`, with the replace ref loose and
/// then packed, is listed as `git rev-list` lists it (git applies the
/// replacement; the in-process walk would not, so it must stand aside).
#[test]
fn replaced_histories_are_listed_as_git_lists_them() {
    let r = history();
    let full = commits(&scan(r.path(), &["HEAD"]));
    r.git(&["replace", "--graft", "HEAD~2"]);
    let expected: Vec<String> = r
        .git(&["rev-list", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    assert!(expected.len() < full.len(), "the graft cuts the history");
    assert_eq!(commits(&scan(r.path(), &["HEAD"])), expected, "loose");
    r.git(&["pack-refs", "--all"]);
    assert!(
        std::fs::read_dir(r.path().join(".git/refs/replace"))
            .map(|mut d| d.next().is_none())
            .unwrap_or(true),
        "the replace ref is packed"
    );
    assert_eq!(commits(&scan(r.path(), &["HEAD"])), expected, "packed");
}

/// `aeef scan --format json SPEC` with aeef's own pack reader switched
/// off: `GIT_OBJECT_DIRECTORY` naming the repository's own objects changes
/// nothing for git or libgit2, and sends every read to libgit2
/// (`git::packs`).
fn scan_libgit2_reads(dir: &std::path::Path, spec: &[&str]) -> String {
    let objects = dir.join(".git/objects");
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(spec);
    let o = aeef_env(
        dir,
        &args,
        &[("GIT_OBJECT_DIRECTORY", objects.to_str().unwrap())],
    );
    assert!(o.status.success(), "{spec:?}: {}", stderr(&o));
    stdout(&o)
}

/// Guards the pack reader (`git::packs`): on the history packed (commits
/// stored whole and as deltas, a loose commit after the pack, two packs),
/// every spec prints the same JSON as with libgit2 reading every object,
/// as the `git rev-list` path, and lists what `git rev-list` lists.
#[test]
fn packed_histories_read_as_libgit2_reads_them() {
    let mut r = history();
    r.git(&["repack", "-adf", "--window=250", "--depth=50", "-q"]);
    // A second pack, and a loose commit on top.
    r.write("src/e.rs", "e\n");
    r.trailer("Co-authored-by", "Claude <noreply@anthropic.com>");
    r.commit("after the first pack");
    r.git(&["repack", "-d", "-q"]);
    r.write("src/f.rs", "f\n");
    r.commit("loose");
    let packs = std::fs::read_dir(r.path().join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pack"))
        .count();
    assert_eq!(packs, 2);
    for spec in specs(&r) {
        let refs: Vec<&str> = spec.iter().map(String::as_str).collect();
        let ours = scan(r.path(), &refs);
        assert_eq!(ours, scan_libgit2_reads(r.path(), &refs), "{spec:?}");
    }
    for spec in [
        vec!["HEAD"],
        vec!["--all"],
        vec!["topic..main"],
        vec!["HEAD~4..HEAD"],
    ] {
        let ours = scan(r.path(), &spec);
        let mut slow_spec = spec.clone();
        slow_spec.push("--since=1970-01-02");
        assert_eq!(ours, scan(r.path(), &slow_spec), "{spec:?}");
        // `aeef scan --all` leaves the notes refs out.
        let mut git_args = vec!["rev-list", "--exclude=refs/notes/*"];
        git_args.extend(spec.iter().copied());
        let expected: Vec<String> = r.git(&git_args).lines().map(str::to_string).collect();
        assert_eq!(commits(&ours), expected, "{spec:?}");
        assert!(ours.contains("\"git-ai-note\"") || spec.len() == 1 && spec[0].contains(".."));
    }
}

/// Writes a commit object with exactly `body` (headers and message),
/// whether git could parse it or not (`hash-object --literally`).
fn write_commit_object(r: &RepoBuilder, body: &[u8]) -> String {
    let f = r.path().join(".git/AEEF_RAW_COMMIT");
    std::fs::write(&f, body).unwrap();
    let sha = r
        .git(&[
            "hash-object",
            "-t",
            "commit",
            "--literally",
            "-w",
            f.to_str().unwrap(),
        ])
        .trim()
        .to_string();
    std::fs::remove_file(&f).unwrap();
    sha
}

/// Writes a commit object with exactly `body` (headers and message) and
/// points `refs/heads/<branch>` at it.
fn raw_commit(r: &RepoBuilder, branch: &str, body: &[u8]) -> String {
    let sha = write_commit_object(r, body);
    r.git(&["update-ref", &format!("refs/heads/{branch}"), &sha]);
    sha
}

/// Guards the walk's own commit parser against libgit2's (the path it
/// replaced, selected here by `--date-order`, the same order on a line):
/// odd identities, extra author lines (git then dates the commit 0),
/// several `encoding` headers, continuation headers, no message, a NUL
/// byte, a bad timestamp.
#[test]
fn unusual_commit_objects_read_as_libgit2_reads_them() {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    let base = r.commit("base");
    let tree = r.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string();
    let bodies: Vec<Vec<u8>> = vec![
        format!("tree {tree}\nparent {base}\nauthor   Ann  <x> <ann@example.com>  1767607200 +0100\ncommitter  Bot\t<noreply@anthropic.com> 1767607201 -0500\n\nTitle\n\nAI-Tool: claude-code\n").into_bytes(),
        format!("tree {tree}\nparent {base}\nauthor A <a@x> 1767607200 +0000\nauthor B <b@x> 1767607300 +0000\ncommitter C <c@x> 1767607200 +0000\nencoding ISO-8859-1\nencoding UTF-8\nmergetag object {base}\n type commit\n\nCafé\n").into_bytes(),
        format!("tree {tree}\nparent {base}\nauthor A <a@x> 1767607200 +0000\ncommitter C <c@x> 1767607200 +0000\n").into_bytes(),
        format!("tree {tree}\nparent {base}\nauthor A <a@x> 1767607200 +0000\ncommitter C <c@x> 1767607200 +0000\n\nNUL \0 inside\n\nAI-Tool: aider\n").into_bytes(),
        format!("tree {tree}\nparent {base}\nauthor A <a@x> -5 +0000\ncommitter C <c@x> 1767607200 +0000\n\nNegative time\n").into_bytes(),
        [
            format!("tree {tree}\nparent {base}\nauthor A <a@x>\ncommitter C <c@x> 1767607200 +0000\nencoding ISO-8859-1\n\nCaf").as_bytes(),
            b"\xe9\n\nAI-Tool: codex\n",
        ]
        .concat(),
    ];
    for (i, body) in bodies.iter().enumerate() {
        let branch = format!("odd{i}");
        raw_commit(&r, &branch, body);
    }
    // Read loose, and again from a pack (`git::packs`).
    for packed in [false, true] {
        if packed {
            r.git(&["repack", "-adf", "-q"]);
        }
        check_unusual(&r, bodies.len());
    }
}

fn check_unusual(r: &RepoBuilder, n: usize) {
    for i in 0..n {
        let branch = format!("odd{i}");
        let fast = scan(r.path(), &[&branch]);
        let slow = scan(r.path(), &[&branch, "--", "--date-order"]);
        assert_eq!(fast, slow, "object {i}");
        let expected: Vec<String> = r
            .git(&["rev-list", &branch])
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(commits(&fast), expected, "object {i}");
        let blame = aeef(r.path(), &["blame", &branch, "--format", "json"]);
        assert!(blame.status.success(), "{}", stderr(&blame));
    }
}

/// Runs the walk against the `git rev-list` path on a real repository when
/// `AEEF_REAL_REPO` names one (e.g. a clone of rust-lang/cargo or of
/// git-ai, whose notes exercise the note summaries): `scripts/bench` and
/// the README figures rely on it. Skipped, saying so, otherwise.
#[test]
fn walk_equals_rev_list_path_on_a_real_repository() {
    let Some(dir) = std::env::var_os("AEEF_REAL_REPO") else {
        eprintln!("skipped: set AEEF_REAL_REPO to a repository to compare on");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let fast = scan(&dir, &["HEAD"]);
    let slow = scan(&dir, &["HEAD", "--since=1970-01-02"]);
    assert_eq!(fast.lines().count(), slow.lines().count());
    assert!(fast == slow, "the walk and the rev-list path differ");
    let expected: Vec<String> = git_in(&dir, &["rev-list", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(commits(&fast), expected);
    // Ranges take the limited walk, summarised while it reads, with the
    // commits resolving `HEAD~N` read once.
    for range in ["HEAD~300..HEAD", "HEAD~1000..HEAD~20"] {
        let fast = scan(&dir, &[range]);
        let slow = scan(&dir, &[range, "--since=1970-01-02"]);
        assert!(
            fast == slow,
            "{range}: the walk and the rev-list path differ"
        );
        let expected: Vec<String> = git_in(&dir, &["rev-list", range])
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(commits(&fast), expected, "{range}");
    }
}

/// Guards aeef's own tree lookup (`Repo::has_path_fast`, which spares
/// libgit2 a reader for the Agent Trace file most repositories do not
/// have): on a loose and on a packed history, for paths present, absent,
/// under a file and in folders, it answers as libgit2's `Tree::get_path`
/// does, or leaves the answer to it (`None`) for a path under a file.
#[test]
fn tree_lookups_answer_as_libgit2_packed_and_loose() {
    let mut r = RepoBuilder::new();
    r.write("src/a.rs", "a\n");
    r.write(".agent-trace/traces.jsonl", "{}\n");
    r.write("notes", "a file, not a folder\n");
    let with = r.commit("with traces");
    r.remove(".agent-trace/traces.jsonl");
    r.write(".agent-trace/other", "x\n");
    let without = r.commit("without traces");
    let paths = [
        ".agent-trace/traces.jsonl",
        ".agent-trace/other",
        ".agent-trace",
        "src/a.rs",
        "src/b.rs",
        "src",
        "missing/deeper/still",
        "notes/under-a-file",
        "notes",
    ];
    let oid = |s: &str| git2::Oid::from_str(s).unwrap();
    for packed in [false, true] {
        if packed {
            r.git(&["repack", "-adf", "-q"]);
        }
        let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
        let mut decided = 0;
        for commit in [&with, &without] {
            let tree = repo
                .git2()
                .find_commit(oid(commit))
                .unwrap()
                .tree()
                .unwrap();
            for p in paths {
                let libgit2 = tree.get_path(std::path::Path::new(p)).is_ok();
                match repo.has_path_fast(oid(commit), p).unwrap() {
                    Some(ours) => {
                        assert_eq!(ours, libgit2, "{commit} {p} (packed: {packed})");
                        decided += 1;
                    }
                    None => assert_eq!(p, "notes/under-a-file", "{commit} (packed: {packed})"),
                }
            }
        }
        assert_eq!(decided, 2 * (paths.len() - 1), "packed: {packed}");
    }
}

/// Guards resolving plain reference names through the pack reader
/// (`Repo::resolve_commit`): branches, `HEAD`, full ref names, a
/// lightweight and an annotated tag, ids, and names that only look like
/// refs resolve as `git rev-parse NAME^{commit}` does, packed and loose.
#[test]
fn names_resolve_as_git_resolves_them() {
    let r = history();
    r.git(&["tag", "light", "HEAD~2"]);
    r.git(&["branch", "deadbeef", "topic"]);
    let head = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    let names = [
        "HEAD",
        "main",
        "topic",
        "refs/heads/side",
        "heads/second",
        "v1",
        "light",
        "deadbeef",
        &head,
        &head[..10],
        "HEAD~2",
        "main^2",
        "v1~1",
    ];
    for packed in [false, true] {
        if packed {
            r.git(&["repack", "-adf", "-q"]);
            r.git(&["pack-refs", "--all"]);
        }
        let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
        for name in names {
            let git = r.git(&["rev-parse", &format!("{name}^{{commit}}")]);
            let ours = repo.resolve_commit(name).unwrap();
            assert_eq!(ours, git.trim(), "{name} (packed: {packed})");
            // aeef's readers read it (and kept its bytes for the walk)
            // exactly for ref names (an all-hex one too, which git reads
            // as the ref) and full ids of commits, packed ones by the pack
            // reader and loose ones by `git::loose`; the rest was
            // libgit2's (a tag object, an abbreviated id), or is a `~`/`^`
            // step's end, which the steps never read.
            let reader_names = ["HEAD", "main", "topic", "refs/heads/side", "heads/second"];
            let by_reader =
                reader_names.contains(&name) || ["light", "deadbeef", &head].contains(&name);
            let kept = repo.take_read_commit(git2::Oid::from_str(&ours).unwrap());
            assert_eq!(kept.is_some(), by_reader, "{name} (packed: {packed})");
        }
        assert!(repo.resolve_commit("no-such-branch").is_err());
        assert!(repo.resolve_commit("HEAD^{tree}").is_err());
    }
    // 40 hex digits are an object id to git, never a ref's name: a branch
    // so named is not what they resolve to, whether or not the object
    // exists (a fresh tester found the branch taken when it does not).
    let topic = r.git(&["rev-parse", "topic"]).trim().to_string();
    let fake = "1".repeat(40);
    r.git(&["branch", &fake, "topic"]);
    r.git(&["branch", &head, "topic"]);
    for packed in [false, true] {
        if packed {
            r.git(&["pack-refs", "--all"]);
        }
        let repo = aeef::git::Repo::discover(Some(r.path())).unwrap();
        assert!(repo.resolve_commit(&fake).is_err(), "packed: {packed}");
        assert_eq!(repo.resolve_commit(&head).unwrap(), head);
        assert_ne!(head, topic);
        let o = aeef(r.path(), &["scan", "--format", "json", &fake]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("aeef::git::unknown_revision"));
    }
}

/// A loose commit cut short (a crash mid-write, a damaged disk) stops a
/// scan with exit 2 naming the object and the fix, whether a name
/// resolves to it or the walk meets it; nothing is printed as a result.
/// libgit2 alone loops forever on such a file (libgit2/libgit2#7342), so
/// each run has a deadline. Whole loose commits read as before (the other
/// tests here run on loose histories).
#[test]
fn a_truncated_loose_commit_is_a_corrupt_object_not_a_hang() {
    for (damaged, spec) in [
        ("HEAD", "HEAD"),
        ("HEAD", "main"),
        ("HEAD~2", "HEAD"),
        ("HEAD~2", "HEAD~4..HEAD"),
        ("topic", "--all"),
        // Behind the annotated tag `v1`: peeled by aeef, not libgit2.
        ("HEAD~1", "v1"),
        ("HEAD~1", "--all"),
        // HEAD's tree, read for the Agent Trace file whatever the range.
        ("HEAD^{tree}", "HEAD~2..HEAD~1"),
    ] {
        let r = history();
        let oid = r.git(&["rev-parse", damaged]).trim().to_string();
        let spec = if spec == "HEAD~4..HEAD" {
            format!("{}..HEAD", r.git(&["rev-parse", "HEAD~4"]).trim())
        } else {
            spec.to_string()
        };
        let file = r
            .path()
            .join(".git/objects")
            .join(&oid[..2])
            .join(&oid[2..]);
        let whole = std::fs::read(&file).expect("the commit is loose");
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, &whole[..whole.len() / 2]).unwrap();
        let o = aeef_within(
            r.path(),
            &["scan", "--format", "json", &spec],
            &[],
            std::time::Duration::from_secs(60),
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{damaged} in {spec}: {err}");
        // aeef's reader says so (`corrupt_object`), or git itself where the
        // spec goes to `git rev-list` (`--all` with refs the walk leaves).
        assert!(err.contains(&oid) && err.contains("corrupt"), "{err}");
        if spec != "--all" {
            assert!(
                err.contains("aeef::git::corrupt_object") && err.contains("git fsck"),
                "{err}"
            );
        }
        assert!(stdout(&o).is_empty(), "{damaged} in {spec}");
    }
}

/// The same for git-ai's notes, which it writes loose: a cut-short notes
/// commit, notes tree or note stops the scan, and `blame` of the noted
/// commit, as an unreadable note (exit 2), never "no note" and never a
/// command that does not end.
#[test]
fn a_truncated_loose_notes_object_is_a_bad_note_not_a_hang() {
    for (damaged, command) in [
        ("refs/notes/ai", "scan"),
        ("refs/notes/ai^{tree}", "scan"),
        ("note", "scan"),
        ("note", "blame"),
    ] {
        let r = history();
        let noted = r.git(&["rev-parse", ":/ai work"]).trim().to_string();
        let damaged = if damaged == "note" {
            format!("refs/notes/ai:{noted}")
        } else {
            damaged.to_string()
        };
        let oid = r.git(&["rev-parse", &damaged]).trim().to_string();
        let file = r
            .path()
            .join(".git/objects")
            .join(&oid[..2])
            .join(&oid[2..]);
        let whole = std::fs::read(&file).expect("the notes object is loose");
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, &whole[..whole.len() / 2]).unwrap();
        let args: &[&str] = if command == "scan" {
            &["scan", "--format", "json", "HEAD"]
        } else {
            &["blame", "--format", "json", &noted]
        };
        let o = aeef_within(r.path(), args, &[], std::time::Duration::from_secs(60));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{damaged} ({command}): {err}");
        assert!(err.contains("aeef::git::bad_note"), "{damaged}: {err}");
        assert!(stdout(&o).is_empty(), "{damaged}");
    }
}

/// Guards `--all` against a shorter list that reads as complete: a branch
/// whose commit git cannot parse (a 12-digit `parent` line, written with
/// `hash-object --literally`) stops `git rev-list --all` (exit 128) and
/// `aeef scan --all` (exit 2, nothing on stdout); a tag naming a blob is
/// passed over by both (a fresh tester's case).
#[test]
fn all_refs_stop_at_a_commit_that_does_not_parse_and_pass_over_blobs() {
    let mut r = RepoBuilder::new();
    r.write("a", "1\n");
    r.commit("one");
    r.write("a", "2\n");
    r.commit("two");
    let blob = r.git(&["rev-parse", "HEAD:a"]).trim().to_string();
    r.git(&["update-ref", "refs/tags/a-blob", &blob]);
    assert_eq!(
        commits(&scan(r.path(), &["--all"])).len(),
        2,
        "a blob tag is passed over"
    );
    let tree = r.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string();
    let head = r.head();
    let text = format!(
        "tree {tree}\nparent {}\nauthor A <a@example.com> 1700000000 +0000\n\
         committer A <a@example.com> 1700000000 +0000\n\nbroken\n",
        &head[..12]
    );
    let id = write_commit_object(&r, text.as_bytes());
    // Written by hand: `git update-ref` refuses a commit it cannot parse.
    std::fs::write(r.path().join(".git/refs/heads/short"), format!("{id}\n")).unwrap();
    let git = std::process::Command::new("git")
        .args(["rev-list", "--all"])
        .current_dir(r.path())
        .output()
        .unwrap();
    assert_eq!(git.status.code(), Some(128), "git refuses the history");
    let o = aeef(r.path(), &["scan", "--all", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
}
