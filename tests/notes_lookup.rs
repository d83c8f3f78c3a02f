//! Range scans look git-ai notes up commit by commit in the notes tree
//! (`git::notes_feed::NotesTree`) instead of reading the whole notes index
//! first. These tests hold the lookup to `git notes --ref=ai list` (git's
//! own answer) and to libgit2's notes iterator (the index it replaced) on
//! notes trees that fan out, split oddly, lie outside the range or are
//! missing, and hold the scan's rows to the notes git lists.
mod common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use aeef::git::Repo;
use aeef::git::notes_feed::NotesTree;
use common::{RepoBuilder, aeef, aeef_env, stderr, stdout};

const S1: &str = "s_0123456789abcd::t_fedcba98765432";

/// A git-ai note that makes its commit AI (`git-ai-note` in `sources`).
fn ai_note(n: usize) -> String {
    format!(
        "src/f{n}.rs\n  {S1} 1\n---\n{{\"sessions\":{{\"s_0123456789abcd\":{{\"agent_id\":{{\"tool\":\"claude\",\"model\":\"claude-opus-4-6\"}}}}}}}}"
    )
}

/// Runs `git fast-import` on `stream` in `r`.
fn fast_import(r: &RepoBuilder, stream: &str) {
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(r.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "fast-import failed");
}

/// `commits` commits on main; a note (through fast-import, which fans the
/// notes tree out as git does) on each commit `noted(i)` says yes to.
fn history(commits: usize, noted: impl Fn(usize) -> bool) -> RepoBuilder {
    let r = RepoBuilder::new();
    let mut s = String::new();
    for i in 0..commits {
        let data = format!("line {i}\n");
        s += &format!(
            "commit refs/heads/main\nmark :{}\ncommitter T <t@example.com> {} +0000\ndata 9\ncommit {}\nM 644 inline src/f.rs\ndata {}\n{data}\n",
            i + 1,
            1_767_600_000 + i * 60,
            i % 10,
            data.len()
        );
    }
    for i in (0..commits).filter(|&i| noted(i)) {
        let note = ai_note(i);
        s += &format!(
            "commit refs/notes/ai\ncommitter T <t@example.com> {} +0000\ndata 5\nnote\n",
            1_767_700_000 + i
        );
        s += &format!("N inline :{}\ndata {}\n{note}\n", i + 1, note.len());
    }
    fast_import(&r, &s);
    r.git(&["reset", "-q", "--hard", "main"]);
    r
}

/// Commit → note blob, as `git notes --ref=ai list` prints it.
fn git_notes(r: &RepoBuilder) -> HashMap<String, String> {
    let out = Command::new("git")
        .args(["notes", "--ref=ai", "list"])
        .current_dir(r.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(blob, commit)| (commit.to_string(), blob.to_string()))
        .collect()
}

fn rev_list(r: &RepoBuilder, spec: &str) -> Vec<String> {
    r.git(&["rev-list", spec])
        .lines()
        .map(str::to_string)
        .collect()
}

/// Every commit's lookup equals git's list and libgit2's index.
fn assert_lookups_match(r: &RepoBuilder) {
    let repo = Repo::discover(Some(r.path())).unwrap();
    let index = repo.notes_index();
    let git = git_notes(r);
    let mut tree = NotesTree::new(&repo);
    for c in rev_list(r, "--all") {
        let oid = git2::Oid::from_str(&c).unwrap();
        let got = tree.blob(oid);
        assert_eq!(got, index.get(&oid).copied(), "{c}: libgit2's index");
        assert_eq!(
            got.map(|b| b.to_string()),
            git.get(&c).cloned(),
            "{c}: git notes list"
        );
    }
}

/// The commits of a scan's JSON rows whose sources include the git-ai note.
fn noted_rows(json: &str) -> (Vec<String>, Vec<String>) {
    let mut all = Vec::new();
    let mut noted = Vec::new();
    for l in json.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
        let c = v["commit"].as_str().unwrap().to_string();
        let sources = v["sources"].as_array().unwrap();
        if sources.iter().any(|s| s == "git-ai-note") {
            noted.push(c.clone());
        }
        all.push(c);
    }
    (all, noted)
}

fn scan(r: &RepoBuilder, spec: &str) -> String {
    let o = aeef(r.path(), &["scan", spec, "--format", "json"]);
    assert!(o.status.success(), "{spec}: {}", stderr(&o));
    stdout(&o)
}

/// A range scan lists exactly `git rev-list`'s commits, and exactly those
/// of them git lists a note for carry the note as a source.
fn assert_scan_matches_git(r: &RepoBuilder, spec: &str) -> usize {
    let git = git_notes(r);
    let (all, noted) = noted_rows(&scan(r, spec));
    assert_eq!(all, rev_list(r, spec), "{spec}: commits");
    let want: Vec<String> = all
        .iter()
        .filter(|c| git.contains_key(*c))
        .cloned()
        .collect();
    assert_eq!(noted, want, "{spec}: noted commits");
    noted.len()
}

/// Guards the fan-out descent: above ~256 notes git (and fast-import)
/// store notes as `ab/<38 hex>`, and a lookup that only read flat names
/// would find none of them.
#[test]
fn fanned_out_notes_tree_finds_each_note_git_lists() {
    let r = history(700, |i| i % 2 == 0);
    let top = r.git(&["ls-tree", "refs/notes/ai"]);
    assert!(
        top.lines().all(|l| l.contains(" tree ")) && top.lines().count() > 100,
        "notes tree fans out: {top}"
    );
    assert_eq!(git_notes(&r).len(), 350);
    assert_lookups_match(&r);
    // Notes on some commits of the range, and on commits outside it.
    assert_eq!(assert_scan_matches_git(&r, "HEAD~200..HEAD"), 100);
    assert_eq!(assert_scan_matches_git(&r, "HEAD"), 350);
}

/// Guards ranges whose commits have no notes while older commits do: the
/// range must show no note (and starts no `git cat-file`).
#[test]
fn notes_only_outside_the_range_are_not_attributed() {
    let r = history(300, |i| i < 250);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~40..HEAD"), 0);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~60..HEAD~20"), 10);
}

/// Guards a flat (small) notes tree, the layout below git's fan-out
/// threshold.
#[test]
fn flat_notes_tree_finds_each_note() {
    let r = history(40, |i| i % 3 == 0);
    let top = r.git(&["ls-tree", "refs/notes/ai"]);
    assert!(top.lines().all(|l| l.contains(" blob ")), "flat: {top}");
    assert_lookups_match(&r);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~20..HEAD"), 7);
}

/// Guards repositories without `refs/notes/ai`: no lookup fails, the scan
/// runs and shows no note.
#[test]
fn missing_notes_ref_scans_without_notes() {
    let r = history(30, |_| false);
    assert!(r.git(&["for-each-ref", "refs/notes"]).trim().is_empty());
    let repo = Repo::discover(Some(r.path())).unwrap();
    let mut tree = NotesTree::new(&repo);
    assert!(!tree.exists());
    assert_eq!(tree.blob(git2::Oid::from_str(&r.head()).unwrap()), None);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~10..HEAD"), 0);
}

/// Guards odd splits libgit2's iterator (the index this lookup replaced)
/// accepts: two fan-out levels (`ab/cd/<36 hex>`), a 4-digit directory
/// (`abcd/<36 hex>`), both for one prefix (two different trees), and a
/// flat name beside fan-out directories.
#[test]
fn odd_notes_tree_splits_match_libgit2s_index() {
    let r = history(6, |_| false);
    let commits = rev_list(&r, "HEAD");
    let paths = [
        format!(
            "{}/{}/{}",
            &commits[0][..2],
            &commits[0][2..4],
            &commits[0][4..]
        ),
        format!("{}/{}", &commits[1][..4], &commits[1][4..]),
        commits[2].clone(),
        format!("{}/{}", &commits[3][..2], &commits[3][2..]),
        // The same 4-digit prefix as commits[0]'s two levels, another tree.
        format!("{}/{}", &commits[0][..4], "0".repeat(36)),
        format!(
            "{}/{}/{}",
            &commits[1][..2],
            &commits[1][2..4],
            "f".repeat(36)
        ),
    ];
    let mut s = String::from(
        "commit refs/notes/ai\ncommitter T <t@example.com> 1767700000 +0000\ndata 5\nnote\n",
    );
    for (i, p) in paths.iter().enumerate() {
        let note = ai_note(i);
        s += &format!("M 644 inline {p}\ndata {}\n{note}\n", note.len());
    }
    fast_import(&r, &s);
    let repo = Repo::discover(Some(r.path())).unwrap();
    assert_eq!(repo.notes_index().len(), 6, "libgit2 reads every split");
    let mut tree = NotesTree::new(&repo);
    let decoys = [
        format!("{}{}", &commits[0][..4], "0".repeat(36)),
        format!("{}{}", &commits[1][..4], "f".repeat(36)),
    ];
    for c in commits.iter().chain(&decoys) {
        let oid = git2::Oid::from_str(c).unwrap();
        assert_eq!(tree.blob(oid), repo.notes_index().get(&oid).copied(), "{c}");
    }
}

/// Guards a long scan's notes: packed notes (every note of a fetched or
/// gc'd notes ref) are read in this process, by the thread that classifies
/// each commit, with no `git cat-file` at all; loose notes (git-ai writes
/// them loose until `git gc`) are read by two `git cat-file` processes (a
/// batch of commits each, after the first few batches). Either way every
/// note git lists is found, in a history of more than twice as many noted
/// batches as the first process takes alone.
#[test]
fn long_scans_read_packed_notes_here_and_loose_ones_through_two_processes() {
    let r = history(1600, |i| i % 8 != 3);
    let cat_files = |spec: &str| {
        let trace = tempfile::NamedTempFile::new().unwrap();
        let o = aeef_env(
            r.path(),
            &["scan", spec, "--format", "json"],
            &[("GIT_TRACE", trace.path().to_str().unwrap())],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(trace.path())
            .unwrap()
            .lines()
            .filter(|l| l.contains("built-in: git cat-file"))
            .count()
    };
    // fast-import wrote everything into one pack.
    assert_eq!(assert_scan_matches_git(&r, "HEAD"), 1400);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~1500..HEAD"), 1313);
    assert_eq!(cat_files("HEAD"), 0);
    assert_eq!(cat_files("HEAD~500..HEAD"), 0);
    // The same objects loose.
    unpack_all(&r);
    assert_eq!(assert_scan_matches_git(&r, "HEAD"), 1400);
    assert_eq!(assert_scan_matches_git(&r, "HEAD~1500..HEAD"), 1313);
    // The long scan really ran a second process (on two cores or more),
    // and a range of a few batches only one.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(cat_files("HEAD"), if cores > 1 { 2 } else { 1 });
    assert_eq!(cat_files("HEAD~500..HEAD"), 1);
}

/// Every object of `r` loose: its packs moved out and unpacked (no
/// connectivity check, so notes trees git would refuse stay as they are).
fn unpack_all(r: &RepoBuilder) {
    let pack_dir = r.path().join(".git/objects/pack");
    let aside = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&pack_dir).unwrap().flatten() {
        std::fs::rename(e.path(), aside.path().join(e.file_name())).unwrap();
    }
    for e in std::fs::read_dir(aside.path()).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "pack") {
            let pack = std::fs::File::open(e.path()).unwrap();
            let st = Command::new("git")
                .args(["unpack-objects", "-q"])
                .current_dir(r.path())
                .stdin(pack)
                .status()
                .unwrap();
            assert!(st.success());
        }
    }
}

/// Every object of `r` in one more pack, loose copies removed: listed one
/// by one for `git pack-objects`, which (unlike `git repack`) does not walk
/// the notes trees a test broke on purpose.
fn pack_all(r: &RepoBuilder) {
    let ids = r.git(&[
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objectname)",
    ]);
    git_input(
        r,
        &["pack-objects", "-q", ".git/objects/pack/pack"],
        ids.as_bytes(),
    );
    r.git(&["prune-packed"]);
    let loose = r.git(&["count-objects"]);
    assert!(loose.starts_with("0 objects"), "{loose}");
}

/// The tree the notes ref points at, with the entry of `commit` (in the
/// flat tree `history` builds for few notes) pointing at `object` instead,
/// written with `--literally` (git's own tools refuse a tree where a blob
/// belongs), committed on top of `refs/notes/ai`.
fn repoint_note(r: &RepoBuilder, commit: &str, object: &str) {
    let listing = r.git(&["ls-tree", "refs/notes/ai"]);
    let mut raw = Vec::new();
    for l in listing.lines() {
        let (meta, name) = l.split_once('\t').unwrap();
        let id = if name == commit {
            object
        } else {
            meta.split(' ').nth(2).unwrap()
        };
        let mode = meta.split(' ').next().unwrap();
        raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        raw.extend_from_slice(&hex_bytes(id));
    }
    let tree = git_input(
        r,
        &["hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
        &raw,
    );
    let parent = r.git(&["rev-parse", "refs/notes/ai"]);
    let c = r.git(&[
        "commit-tree",
        tree.trim(),
        "-p",
        parent.trim(),
        "-m",
        "repoint",
    ]);
    r.git(&["update-ref", "refs/notes/ai", c.trim()]);
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Guards notes git cannot give as a blob (issue 10's notes reader): an
/// entry naming a tree used to leave its bytes unread, so every later
/// answer of `git cat-file --batch` went to the wrong commit (wrong tools
/// and models, exit 0); a missing note object was read as "no note". Both
/// now stop `aeef scan` and `aeef blame <sha>` with exit 2 and
/// `aeef::git::bad_note`, naming the commit and the fix, and no row is
/// written after the bad note is known.
#[test]
fn notes_git_cannot_read_stop_scan_and_blame_with_a_coded_error() {
    // Each wrong entry with the objects as fast-import left them (the
    // notes tree loose, its target packed: read in this process), then
    // all packed, then all loose (read through `git cat-file`).
    let cases = ["tree", "commit", "missing"]
        .into_iter()
        .flat_map(|b| ["as written", "packed", "loose"].map(move |s| (b, s)));
    for (broken, storage) in cases {
        let r = history(40, |i| i % 2 == 0);
        let commits = rev_list(&r, "HEAD");
        // The 30th newest commit (i = 10) has a note.
        let victim = commits[29].clone();
        let object = match broken {
            "tree" => r.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string(),
            "commit" => commits[0].clone(),
            // An object id nothing has: "missing" to git cat-file.
            _ => "0123456789abcdef0123456789abcdef01234567".to_string(),
        };
        repoint_note(&r, &victim, &object);
        match storage {
            "packed" => pack_all(&r),
            "loose" => unpack_all(&r),
            _ => {}
        }
        let what = format!("{broken}, {storage}");
        let o = aeef(r.path(), &["scan", "HEAD", "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{what}: no row is written");
        let err = stderr(&o);
        assert!(err.contains("aeef::git::bad_note"), "{what}: {err}");
        assert!(err.contains(&victim), "{what}: {err}");
        let said = match broken {
            "missing" => format!("its object {object} is missing"),
            kind => format!("its entry {object} is a {kind}, not a blob"),
        };
        assert!(err.contains(&said), "{what}: {err}");
        assert!(err.contains("git notes --ref=ai remove"), "{broken}: {err}");
        let o = aeef(r.path(), &["blame", &victim, "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains("aeef::git::bad_note"), "{what}");
        // Ranges that do not reach the bad note are read as before.
        assert_eq!(assert_scan_matches_git(&r, "HEAD~20..HEAD"), 10);
    }
}

/// A packed note whose bytes are damaged (they no longer inflate) stops
/// the scan as a missing note does, never reads as "no note": aeef's pack
/// reader leaves it to libgit2, which cannot read it either. (The earlier
/// in-process reader's fallback dropped libgit2's error and the note.)
#[test]
fn a_damaged_packed_note_stops_the_scan() {
    let r = history(40, |i| i % 2 == 0);
    let commits = rev_list(&r, "HEAD");
    let victim = commits[29].clone();
    let blob = git_notes(&r)[&victim].clone();
    // The note's entry in the pack: `id type size size-in-pack offset`.
    let pack_dir = r.path().join(".git/objects/pack");
    let idx = std::fs::read_dir(&pack_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .unwrap();
    let listing = r.git(&["verify-pack", "-v", idx.to_str().unwrap()]);
    let entry: Vec<usize> = listing
        .lines()
        .find(|l| l.starts_with(&blob))
        .expect("the note is packed")
        .split_whitespace()
        .skip(3)
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    let (in_pack, offset) = (entry[0], entry[1]);
    let pack = idx.with_extension("pack");
    let mut perms = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&pack, perms).unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    // A byte in the middle of the compressed data (after the entry header).
    bytes[offset + in_pack / 2 + 1] ^= 0x5a;
    std::fs::write(&pack, bytes).unwrap();
    let o = aeef(r.path(), &["scan", "HEAD", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no row is written");
    let err = stderr(&o);
    assert!(err.contains("aeef::git::bad_note"), "{err}");
    // The first note in scan order that needs the damaged bytes: the
    // victim's, or one stored as a delta on it.
    let notes = git_notes(&r);
    let named = notes
        .iter()
        .find(|(commit, blob)| {
            err.contains(&format!("note of {commit}"))
                && err.contains(&format!("its object {blob} is missing"))
        })
        .map(|(c, _)| c.clone());
    let named = named.unwrap_or_else(|| panic!("names a noted commit and its blob: {err}"));
    assert!(
        commits.iter().position(|c| *c == named) <= commits.iter().position(|c| *c == victim),
        "{err}"
    );
}

/// Commits `tree` (a notes tree id) on top of `refs/notes/ai`.
fn commit_notes_tree(r: &RepoBuilder, tree: &str) {
    let parent = r.git(&["rev-parse", "refs/notes/ai"]);
    let c = r.git(&["commit-tree", tree, "-p", parent.trim(), "-m", "edit"]);
    r.git(&["update-ref", "refs/notes/ai", c.trim()]);
}

/// Commits a notes tree whose fan-out directory holding `commit`'s note
/// names a tree that is not in the repository.
fn break_fan_out(r: &RepoBuilder, commit: &str) {
    let dir = &commit[..2];
    let root = r.git(&["ls-tree", "refs/notes/ai"]);
    let entries: String = root
        .lines()
        .map(|l| {
            if l.ends_with(&format!("\t{dir}")) {
                format!("040000 tree {}\t{dir}\n", "d".repeat(40))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    commit_notes_tree(r, &mktree(r, &entries));
}

/// `git mktree --missing` of `entries` (`MODE TYPE ID\tNAME` lines).
fn mktree(r: &RepoBuilder, entries: &str) -> String {
    git_input(r, &["mktree", "--missing"], entries.as_bytes())
        .trim()
        .to_string()
}

/// Runs git in `r` with `input` on its standard input; its standard output.
fn git_input(r: &RepoBuilder, args: &[&str], input: &[u8]) -> String {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(r.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Guards a fan-out subtree of the notes that git cannot read (the second
/// fresh tester's finding: its commits were read as "no note", so they
/// flipped from AI to human, blame said "human" and the gate passed a
/// change it fails on the intact repository). Git itself fails there
/// (`git notes show`: "unable to read tree"); aeef stops with exit 2 and
/// `aeef::git::bad_note` in scan and blame, and ranges whose commits'
/// notes lie elsewhere still scan.
#[test]
fn a_missing_notes_subtree_stops_scan_and_blame() {
    let r = history(700, |i| i % 2 == 0);
    let commits = rev_list(&r, "HEAD");
    let notes = git_notes(&r);
    // A noted commit among the newest, and its fan-out directory.
    let victim = commits
        .iter()
        .take(10)
        .find(|c| notes.contains_key(*c))
        .unwrap()
        .clone();
    break_fan_out(&r, &victim);
    assert!(
        !Command::new("git")
            .args(["notes", "--ref=ai", "show", &victim])
            .current_dir(r.path())
            .output()
            .unwrap()
            .status
            .success(),
        "git itself cannot read the note"
    );
    for args in [
        vec!["scan", "HEAD", "--format", "json"],
        vec!["blame", victim.as_str(), "--format", "json"],
        // The newest commit replaced the line the victim wrote.
        vec!["blame", "src/f.rs", "--format", "json"],
    ] {
        let o = aeef(r.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("aeef::git::bad_note"), "{args:?}: {err}");
        assert!(err.contains(&victim), "{args:?}: {err}");
        // Nothing on stdout that could pass for a complete answer.
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

/// Guards one notes lookup kept across commits (a fresh tester's finding:
/// once one commit's fan-out subtree could not be read, every later lookup
/// in the run failed too, naming the wrong commit, so `incident new
/// --commit BROKEN --commit GOOD` recorded no origin for GOOD). Only the
/// lookup that met the unreadable tree is refused.
#[test]
fn an_unreadable_notes_subtree_does_not_spoil_other_commits_lookups() {
    let r = history(700, |i| i % 2 == 0);
    let commits = rev_list(&r, "HEAD");
    let notes = git_notes(&r);
    let noted: Vec<&String> = commits
        .iter()
        .take(40)
        .filter(|c| notes.contains_key(*c))
        .collect();
    let victim = noted[0].clone();
    let good = noted
        .iter()
        .find(|c| c[..2] != victim[..2])
        .unwrap()
        .to_string();
    let good_alone = aeef(r.path(), &["blame", &good, "--format", "json"]);
    assert!(good_alone.status.success(), "{}", stderr(&good_alone));
    let want: serde_json::Value = serde_json::from_slice(&good_alone.stdout).unwrap();
    assert_eq!(want["origin"], "ai-generated");
    break_fan_out(&r, &victim);
    assert!(aeef(r.path(), &["init"]).status.success());
    let o = aeef(
        r.path(),
        &[
            "incident",
            "new",
            "--severity",
            "SEV-3",
            "--title",
            "t",
            "--commit",
            &victim,
            "--commit",
            &good,
            "--detected-at",
            "2026-02-01T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = r.path().join("incidents");
    let record = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains(&good))
        .expect("a record naming both commits");
    assert!(record.contains("origin: ai-generated"), "{record}");
    assert!(
        !record.contains(&format!("the git-ai note of {good}")),
        "{record}"
    );
    assert!(
        record.contains(&format!("the git-ai note of {victim}")),
        "{record}"
    );
}

/// Guards entries git does not take for notes: a symlink or a gitlink
/// named like a commit is no note to `git notes show`, and none to aeef.
#[test]
fn symlink_and_gitlink_entries_are_no_notes_as_in_git() {
    let r = history(40, |i| i % 2 == 0);
    let commits = rev_list(&r, "HEAD");
    let notes = git_notes(&r);
    let noted: Vec<&String> = commits
        .iter()
        .filter(|c| notes.contains_key(*c))
        .take(2)
        .collect();
    let (link, gitlink) = (noted[0].clone(), noted[1].clone());
    let root = r.git(&["ls-tree", "refs/notes/ai"]);
    let entries: String = root
        .lines()
        .map(|l| {
            let (meta, name) = l.split_once('\t').unwrap();
            let id = meta.split(' ').nth(2).unwrap();
            if name == link {
                format!("120000 blob {id}\t{name}\n")
            } else if name == gitlink {
                format!("160000 commit {}\t{name}\n", commits[0])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    commit_notes_tree(&r, &mktree(&r, &entries));
    let git = git_notes(&r);
    assert!(
        !git.contains_key(&link) && !git.contains_key(&gitlink),
        "git: no notes"
    );
    // The scan agrees with git's list, commit by commit.
    assert_eq!(assert_scan_matches_git(&r, "HEAD"), 18);
    for c in [&link, &gitlink] {
        let o = aeef(r.path(), &["blame", c, "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stdout(&o).contains("git-ai-note"), "{c}");
    }
}
