//! The AI share of a change (DESIGN §9): lines added by the change that are
//! AI-attributed at its head, over all lines it added, overall and per tool
//! and model.
//!
//! "Lines added" are git's: the lines `git diff --numstat -M BASE...HEAD`
//! counts as added (the merge base against the head, renames followed, so
//! a renamed file adds only the lines it changed; binary files and deleted
//! lines count for nothing). "AI-attributed" is DESIGN §2's per-line rule,
//! [`Classifier::line_attribution`] of the commit `git blame` names for the
//! line at the head: commit provenance, narrowed by the commit's git-ai note
//! and Agent Trace records where they exist. Only the added lines are
//! blamed, and each blame stops at the base: the cost follows the size of
//! the change, not the length of the history.
//!
//! The decision is pure ([`added_ranges`], [`tally`]); [`share_of_change`]
//! gathers the values from git.
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::classify::Classifier;
use crate::error::GitError;
use crate::git::{self, BlameLine, FileChange, Repo};
use crate::provenance::agents::tool;

/// The model name counted in [`Share::by_model`] for an AI line whose
/// source names no model.
pub const UNKNOWN_MODEL: &str = "unknown";

/// The AI share of a change (DESIGN §9). JSON (DESIGN §8, in the gate's
/// pull-request output and `aeef scan BASE..HEAD --share`):
/// `{"ai_lines":N,"lines":N,"ratio":0.0-1.0,"by_tool":{…},"by_model":{…},"ai_commits":N}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// Lines added by the change that are AI-attributed at the head.
    pub ai_lines: u64,
    /// All lines added by the change (text files; binary files and
    /// deletions excluded).
    pub lines: u64,
    /// `ai_lines / lines`, from 0.0 to 1.0; 0.0 when the change adds no
    /// line (nothing of it was written by AI).
    pub ratio: f64,
    /// AI lines per canonical tool id (`claude-code`, …; `unknown-agent`
    /// when the source names none). The counts sum to `ai_lines`.
    pub by_tool: BTreeMap<String, u64>,
    /// AI lines per model as the source names it (`unknown` when it names
    /// none). The counts sum to `ai_lines`.
    pub by_model: BTreeMap<String, u64>,
    /// Commits of the change (`BASE..HEAD`) that carry AI provenance of
    /// their own ([`crate::provenance::Provenance::is_ai`]): a change whose
    /// AI lines were all rewritten still had AI commits (the `ai-assisted`
    /// label is due for "any AI line or AI commit").
    pub ai_commits: u64,
}

impl Share {
    /// True when the change has any AI-attributed line or AI commit: when
    /// the `ai-assisted` label is due (DESIGN §9).
    pub fn ai_assisted(&self) -> bool {
        self.ai_lines > 0 || self.ai_commits > 0
    }

    /// True when more than `threshold` (0.0–1.0) of the added lines are
    /// AI-attributed: when the `ai-primary` label is due (DESIGN §9,
    /// `pr: {primary_threshold: 0.5}`). Compared in whole lines, so a share
    /// of exactly the threshold is not above it.
    pub fn exceeds(&self, threshold: f64) -> bool {
        self.lines > 0 && self.ai_lines as f64 > threshold * self.lines as f64
    }

    /// `ratio` as a percentage with one decimal (`37.5`).
    pub fn percent(&self) -> String {
        format!("{:.1}", self.ratio * 100.0)
    }

    /// One line for humans: `12 of 40 added lines AI-attributed (30.0 %)`.
    pub fn summary(&self) -> String {
        format!(
            "{} of {} added line{} AI-attributed ({} %), {} AI commit{}",
            self.ai_lines,
            self.lines,
            if self.lines == 1 { "" } else { "s" },
            self.percent(),
            self.ai_commits,
            if self.ai_commits == 1 { "" } else { "s" },
        )
    }

    /// Rows of `(kind, name, lines)` for tables: tools then models, each
    /// by lines descending, then by name.
    pub fn rows(&self) -> Vec<(&'static str, &str, u64)> {
        let mut out = Vec::new();
        for (kind, map) in [("tool", &self.by_tool), ("model", &self.by_model)] {
            let mut v: Vec<_> = map.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            out.extend(v.into_iter().map(|(k, n)| (kind, k.as_str(), *n)));
        }
        out
    }

    /// A Markdown section (`### AI share`, the summary, a table of tools
    /// and models), for `--format markdown` and the step summary.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "### AI share of the change\n\n**{} %** of the added lines are AI-attributed: {} of {} ({} AI commit{}).\n",
            self.percent(),
            self.ai_lines,
            self.lines,
            self.ai_commits,
            if self.ai_commits == 1 { "" } else { "s" },
        );
        let rows = self.rows();
        if !rows.is_empty() {
            out.push_str("\n| | Name | AI lines | Share of added lines |\n|---|---|---:|---:|\n");
            for (kind, name, n) in rows {
                out.push_str(&format!(
                    "| {kind} | {} | {n} | {:.1} % |\n",
                    crate::findings::markdown::escape_cell(name),
                    100.0 * n as f64 / self.lines.max(1) as f64
                ));
            }
        }
        out.push('\n');
        out
    }
}

/// Writes the share for a terminal: the summary line, then one row per
/// tool and model (`tool  claude-code  10  25.0 %`). No colour: the same
/// text goes to logs.
pub fn write_human(share: &Share, w: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(w, "AI share: {}", share.summary())?;
    let rows = share.rows();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        w,
        "  {:<6} {:<32} {:>8} {:>7}",
        "", "name", "AI lines", "share"
    )?;
    for (kind, name, n) in rows {
        writeln!(
            w,
            "  {kind:<6} {name:<32} {n:>8} {:>5.1} %",
            100.0 * n as f64 / share.lines.max(1) as f64
        )?;
    }
    Ok(())
}

/// One line the change added, as DESIGN §2's per-line rule attributes it at
/// the head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddedLine {
    pub ai: bool,
    /// Canonical tool id when `ai`.
    pub tool: Option<String>,
    /// Model when `ai` and the source names one.
    pub model: Option<String>,
}

/// The share of `lines` (every line the change added, attributed), with
/// the number of the change's AI commits. Pure.
pub fn tally(lines: impl IntoIterator<Item = AddedLine>, ai_commits: u64) -> Share {
    let mut s = Share {
        ai_commits,
        ..Share::default()
    };
    for l in lines {
        s.lines += 1;
        if !l.ai {
            continue;
        }
        s.ai_lines += 1;
        let t = l.tool.unwrap_or_else(|| tool::UNKNOWN.to_string());
        *s.by_tool.entry(t).or_default() += 1;
        let m = l.model.unwrap_or_else(|| UNKNOWN_MODEL.to_string());
        *s.by_model.entry(m).or_default() += 1;
    }
    s.ratio = if s.lines == 0 {
        0.0
    } else {
        s.ai_lines as f64 / s.lines as f64
    };
    s
}

/// The lines each file holds at the head that the change added: the new
/// side of every zero-context hunk, as 1-based inclusive ranges, by path at
/// the head. Binary files and deleted files add nothing; a renamed file
/// adds only the lines its hunks changed. Pure.
pub fn added_ranges(changes: &[FileChange]) -> Vec<(String, Vec<(u32, u32)>)> {
    let mut out = Vec::new();
    for ch in changes {
        let Some(path) = &ch.new_path else { continue };
        if ch.binary {
            continue;
        }
        let ranges: Vec<(u32, u32)> = ch
            .hunks
            .iter()
            .filter(|h| h.new_lines > 0)
            .map(|h| (h.new_start, h.new_start + h.new_lines - 1))
            .collect();
        if !ranges.is_empty() {
            out.push((path.clone(), ranges));
        }
    }
    out
}

/// The merge base of `base` and `head` (40 hex each), as `git merge-base`
/// picks it. Errors: [`GitError::Shallow`] in a shallow clone that lacks
/// the history joining them, [`GitError::NoMergeBase`] otherwise.
pub fn merge_base(repo: &Repo, base: &str, head: &str) -> Result<String, GitError> {
    let r = repo.git2();
    let mb = r
        .merge_base(git2::Oid::from_str(base)?, git2::Oid::from_str(head)?)
        .map_err(|_| {
            let short = |s: &str| s[..12.min(s.len())].to_string();
            if repo.is_shallow() {
                GitError::Shallow {
                    what: format!(
                        "no merge base of {} and {} in this shallow clone",
                        short(base),
                        short(head)
                    ),
                }
            } else {
                GitError::NoMergeBase {
                    base: short(base),
                    head: short(head),
                }
            }
        })?;
    Ok(mb.to_string())
}

/// The commits of the change: reachable from `head`, not from `base`
/// (`git rev-list BASE..HEAD`), newest first.
pub fn change_commits(repo: &Repo, base: &str, head: &str) -> Result<Vec<String>, GitError> {
    let mut walk = repo.git2().revwalk()?;
    walk.push(git2::Oid::from_str(head)?)?;
    walk.hide(git2::Oid::from_str(base)?)?;
    walk.map(|o| o.map(|o| o.to_string()).map_err(GitError::from))
        .collect()
}

/// The AI share of the change `base..head` (40-hex commits; DESIGN §9).
///
/// Gathers: the merge base; the change's commits and how many carry AI
/// provenance; the lines `git diff` of merge base → head adds
/// ([`added_ranges`]); one `git blame -L… HEAD ^BASE` per file for those
/// lines only; each blamed line's attribution by the classifier. When no
/// commit of the change can have written an AI line
/// ([`Classifier::may_attribute_ai`]) nothing is blamed: every added line
/// is human. A line
/// whose blame reaches the base (older than the change: git's diff and
/// blame can disagree on a moved line) counts as added and not AI.
///
/// Errors: no merge base ([`merge_base`]); a line blamed to the edge of a
/// shallow clone ([`GitError::Shallow`]: who wrote it is unknown, never
/// guessed); git failing.
pub fn share_of_change(
    repo: &Repo,
    classifier: &Classifier<'_>,
    base: &str,
    head: &str,
) -> Result<Share, GitError> {
    let mb = merge_base(repo, base, head)?;
    let changes = git::diff::changes(repo, head, Some(&mb))?;
    share_of_diff(repo, classifier, base, head, &changes)
}

/// [`share_of_change`] over a diff of merge base → head the caller already
/// read (the gate's [`crate::gate::Change::diff`]), so it is read once.
pub fn share_of_diff(
    repo: &Repo,
    classifier: &Classifier<'_>,
    base: &str,
    head: &str,
    changes: &[git::diff::FileChange],
) -> Result<Share, GitError> {
    let mut ai_commits = 0;
    let mut may_have_ai = false;
    for sha in change_commits(repo, base, head)? {
        if repo.is_shallow_boundary(&sha) {
            return Err(GitError::Shallow {
                what: format!(
                    "the history of the change stops at {} (shallow clone), so who wrote its lines is unknown",
                    &sha[..12.min(sha.len())]
                ),
            });
        }
        if classifier.provenance(&sha)?.is_ai() {
            ai_commits += 1;
        }
        may_have_ai |= classifier.may_attribute_ai(&sha)?;
    }
    let files = added_ranges(changes);
    if !may_have_ai {
        // No commit of the change can have written an AI line, and a line
        // blamed past the base is not the change's: nothing to blame (the
        // common human pull request costs one diff).
        let n: u64 = files
            .iter()
            .flat_map(|(_, r)| r)
            .map(|&(a, b)| u64::from(b - a + 1))
            .sum();
        return Ok(tally((0..n).map(|_| AddedLine::default()), ai_commits));
    }
    let blames = blame_files(repo, head, base, &files)?;
    let mut lines = Vec::new();
    for ((path, _), blamed) in files.iter().zip(blames) {
        // `None`: not a blob at the head (a submodule), no lines of text.
        for b in blamed.iter().flatten() {
            if b.boundary && repo.has_git() {
                // Older than the change: git's walk stopped at the base
                // (`--root` marks no other commit a boundary, and a
                // shallow clone deepened just to the merge base has its
                // edge there), so not written by the change.
                lines.push(AddedLine::default());
                continue;
            }
            git::blame::check_not_boundary(repo, b, path)?;
            let a = classifier.line_attribution(&b.commit, &b.orig_path, b.orig_line)?;
            lines.push(AddedLine {
                ai: a.ai,
                tool: a.tool,
                model: a.model,
            });
        }
    }
    Ok(tally(lines, ai_commits))
}

/// True when `path` at commit `head` is a submodule (a gitlink entry).
fn is_gitlink(repo: &Repo, head: &str, path: &str) -> bool {
    let Ok(oid) = git2::Oid::from_str(head) else {
        return false;
    };
    let r = repo.git2();
    r.find_commit(oid)
        .and_then(|c| c.tree())
        .and_then(|t| t.get_path(std::path::Path::new(path)))
        .is_ok_and(|e| e.kind() == Some(git2::ObjectType::Commit))
}

/// One file's blame, or `None` when the path is not a blob at the head.
type FileBlame = Result<Option<Vec<BlameLine>>, GitError>;

/// The blame at `head` of each file's added ranges, stopping at `base`,
/// in file order; `None` for a path that is not a blob at the head. The
/// `git blame` processes run on up to 4 threads (each with its own
/// repository handle); the first error in file order wins.
fn blame_files(
    repo: &Repo,
    head: &str,
    base: &str,
    files: &[(String, Vec<(u32, u32)>)],
) -> Result<Vec<Option<Vec<BlameLine>>>, GitError> {
    let stop = [base.to_string()];
    let one = |r: &Repo, (path, ranges): &(String, Vec<(u32, u32)>)| match git::blame::blame_within(
        r, head, path, ranges, &stop,
    ) {
        Ok(b) => Ok(Some(b)),
        // Only a submodule has no lines of text; any other path the diff
        // named and the head lacks is a misreading, never "0 lines".
        Err(GitError::PathNotInTree { .. }) if is_gitlink(r, head, path) => Ok(None),
        Err(e) => Err(e),
    };
    let threads = crate::provenance::scan::cores().min(4).min(files.len());
    if threads <= 1 {
        return files.iter().map(|f| one(repo, f)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<FileBlame>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let handles: Vec<Repo> = (0..threads)
        .map(|_| repo.reopen())
        .collect::<Result<_, _>>()?;
    std::thread::scope(|s| {
        for r in handles {
            let (next, slots, one) = (&next, &slots, &one);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let got = one(&r, f);
                    let stop = got.is_err();
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(got);
                    }
                    if stop {
                        break;
                    }
                }
            });
        }
    });
    let mut out = Vec::with_capacity(files.len());
    for slot in slots {
        match slot.into_inner().ok().flatten() {
            Some(got) => out.push(got?),
            None => {
                return Err(GitError::Parse {
                    what: "a blame of the change's added lines did not run".into(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Hunk;

    /// A path the head lacks is an error, not 0 lines (a misread path
    /// would otherwise shrink the share with exit 0); a submodule has no
    /// lines of text.
    #[test]
    fn a_missing_path_fails_and_a_submodule_counts_nothing() {
        let d = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let o = std::process::Command::new("git")
                .current_dir(d.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8_lossy(&o.stdout).trim().to_string()
        };
        git(&["init", "-q"]);
        std::fs::write(d.path().join("a.txt"), "a\n").unwrap();
        git(&["add", "a.txt"]);
        git(&["commit", "-qm", "base"]);
        let base = git(&["rev-parse", "HEAD"]);
        git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{base},sub"),
        ]);
        git(&["commit", "-qm", "submodule"]);
        let head = git(&["rev-parse", "HEAD"]);
        let repo = Repo::discover(Some(d.path())).unwrap();
        let sub = blame_files(&repo, &head, &base, &[("sub".into(), vec![(1, 1)])]).unwrap();
        assert_eq!(sub.len(), 1);
        assert!(sub[0].is_none());
        let missing = blame_files(&repo, &head, &base, &[("nope.txt".into(), vec![(1, 1)])]);
        assert!(
            matches!(missing, Err(GitError::PathNotInTree { .. })),
            "{missing:?}"
        );
    }

    fn ai(tool: Option<&str>, model: Option<&str>) -> AddedLine {
        AddedLine {
            ai: true,
            tool: tool.map(str::to_string),
            model: model.map(str::to_string),
        }
    }

    fn human() -> AddedLine {
        AddedLine::default()
    }

    #[test]
    fn no_added_lines_is_a_zero_share_not_a_division_by_zero() {
        // A change of deletions and binary files only must still render.
        let s = tally(Vec::new(), 0);
        assert_eq!((s.ai_lines, s.lines, s.ratio), (0, 0, 0.0));
        assert!(!s.ai_assisted());
        assert!(!s.exceeds(0.0));
    }

    #[test]
    fn tools_and_models_count_ai_lines_only_and_sum_to_ai_lines() {
        let lines = vec![
            ai(Some("claude-code"), Some("claude-opus-4-6")),
            ai(Some("claude-code"), Some("claude-opus-4-6")),
            ai(Some("aider"), None),
            ai(None, Some("gpt-4o")),
            human(),
            human(),
            human(),
            human(),
        ];
        let s = tally(lines, 2);
        assert_eq!((s.ai_lines, s.lines), (4, 8));
        assert_eq!(s.ratio, 0.5);
        assert_eq!(s.by_tool["claude-code"], 2);
        assert_eq!(s.by_tool["aider"], 1);
        assert_eq!(s.by_tool[tool::UNKNOWN], 1);
        assert_eq!(s.by_model["claude-opus-4-6"], 2);
        assert_eq!(s.by_model[UNKNOWN_MODEL], 1);
        assert_eq!(s.by_model["gpt-4o"], 1);
        assert_eq!(s.by_tool.values().sum::<u64>(), s.ai_lines);
        assert_eq!(s.by_model.values().sum::<u64>(), s.ai_lines);
        assert_eq!(s.rows()[0], ("tool", "claude-code", 2));
    }

    #[test]
    fn exactly_the_threshold_is_not_above_it() {
        // DESIGN §9: `ai-primary` above 50 %, so 2 of 4 is not primary.
        let s = tally(vec![ai(None, None), ai(None, None), human(), human()], 1);
        assert!(!s.exceeds(0.5));
        assert!(s.exceeds(0.49));
        let s = tally(vec![ai(None, None), ai(None, None), human()], 1);
        assert!(s.exceeds(0.5));
    }

    #[test]
    fn an_ai_commit_without_surviving_ai_lines_is_still_ai_assisted() {
        // Labels need "any AI line OR AI commit" (DESIGN §9).
        let s = tally(vec![human()], 1);
        assert_eq!(s.ai_lines, 0);
        assert!(s.ai_assisted());
        assert!(!tally(vec![human()], 0).ai_assisted());
    }

    #[test]
    fn added_ranges_skip_binary_deleted_and_pure_deletion_hunks() {
        let h = |new_start, new_lines| Hunk {
            old_start: 1,
            old_lines: 1,
            new_start,
            new_lines,
        };
        let fc = |old: Option<&str>, new: Option<&str>, binary, hunks| FileChange {
            old_path: old.map(str::to_string),
            new_path: new.map(str::to_string),
            binary,
            hunks,
        };
        let changes = vec![
            fc(Some("a.rs"), Some("a.rs"), false, vec![h(3, 2), h(9, 0)]),
            fc(None, Some("logo.png"), true, vec![]),
            fc(Some("gone.rs"), None, false, vec![h(0, 0)]),
            // Renamed without change: nothing added.
            fc(Some("old.rs"), Some("new.rs"), false, vec![]),
            fc(Some("x.rs"), Some("y.rs"), false, vec![h(7, 1)]),
        ];
        assert_eq!(
            added_ranges(&changes),
            vec![
                ("a.rs".to_string(), vec![(3, 4)]),
                ("y.rs".to_string(), vec![(7, 7)]),
            ]
        );
    }

    #[test]
    fn json_has_the_design_fields() {
        let s = tally(vec![ai(Some("aider"), Some("gpt-4o")), human()], 1);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "ai_lines": 1, "lines": 2, "ratio": 0.5,
                "by_tool": {"aider": 1}, "by_model": {"gpt-4o": 1},
                "ai_commits": 1
            })
        );
    }
}
