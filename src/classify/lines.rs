//! Per-line origin (DESIGN §2, `aeef blame PATH[:L1-L2]`): each line's
//! origin is about that line, not about its commit.
//!
//! The rule itself ([`line_origin`]) is pure: a line's own attribution, its
//! commit's provenance and the parent's attribution around the hunk that
//! wrote it. [`line_blame`] gathers those values from git, asking only what
//! the blamed lines need: one `git blame` of the range, then for the human
//! lines one `git blame` of the parent restricted to their hunks ± the
//! window, and only at parents whose history holds any AI provenance at
//! all ([`super::ancestry`]). Parent blames run on several threads; whole
//! answers and per-commit origins are cached ([`crate::git::cache`]).
//! Where one pass over the file's history ([`super::onepass`]) agrees with
//! the range's `git blame`, it supplies the parent lines of the blamed
//! file instead, and those parent blames are not run.
use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::ancestry::{self, AiAncestry};
use super::onepass;
use super::{AttributedLine, Classifier, Options, Window, neighbourhood, origin_of_ai};
use crate::error::GitError;
use crate::git::{self, Hunk, Repo, cache::Cache};
use crate::incident::Origin;
use crate::progress::Progress;
use crate::provenance::{AttestKey, Provenance};

/// The parent's attribution around the hunk that wrote a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HunkContext {
    /// Parent lines the hunk replaced or deleted.
    pub changed: Vec<AttributedLine>,
    /// Parent lines within the adjacency window that it left alone.
    pub near: Vec<AttributedLine>,
}

/// The origin of one line (DESIGN §2, per-line origin), with the AI commit
/// whose parent lines made a human line `ai-modified` / `ai-adjacent`:
///
/// - an AI-attributed line (`ai`) is `ai-generated` or `ai-modified` by
///   the level of its commit's provenance (`own`);
/// - a human line whose hunk replaced or edited AI-attributed parent lines
///   is `ai-modified`;
/// - a human line whose hunk lies within the window of AI-attributed parent
///   lines is `ai-adjacent`;
/// - anything else is `human` (also when `hunk` is `None`: no parent, or a
///   parent whose history carries no AI provenance).
pub fn line_origin<'a>(
    ai: bool,
    own: &Provenance,
    hunk: Option<&'a HunkContext>,
) -> (Origin, Option<&'a str>) {
    if ai {
        return (origin_of_ai(own), None);
    }
    let Some(h) = hunk else {
        return (Origin::Human, None);
    };
    if let Some(l) = h.changed.iter().find(|l| l.ai) {
        return (Origin::AiModified, Some(&l.commit));
    }
    if let Some(l) = h.near.iter().find(|l| l.ai) {
        return (Origin::AiAdjacent, Some(&l.commit));
    }
    (Origin::Human, None)
}

/// The hunk of a commit's zero-context diff that wrote `line` (a line of
/// the commit's version). When the diff placed the change a little
/// differently from blame's (sliders), the nearest hunk.
pub fn hunk_of(hunks: &[Hunk], line: u32) -> Option<Hunk> {
    let distance = |h: &Hunk| {
        let (a, b) = (h.new_start, h.new_start + h.new_lines.max(1) - 1);
        if line < a {
            a - line
        } else {
            line.saturating_sub(b)
        }
    };
    hunks
        .iter()
        .filter(|h| h.new_lines > 0)
        .min_by_key(|h| distance(h))
        .copied()
}

/// Parent lines within `window` lines of line `line` (a line of the
/// commit's version inside hunk `h`): counted from the line itself, so in a
/// long inserted block only the lines near its ends are near the parent's
/// lines. The parent lines the hunk replaced are not included (they are the
/// hunk's own, see [`context_of`]). For a one-line hunk this is exactly the
/// neighbourhood commit classification uses.
pub fn line_window(h: &Hunk, line: u32, window: u32) -> Vec<(u32, u32)> {
    let n = h.new_lines.max(1);
    let k = line.saturating_sub(h.new_start).min(n - 1);
    // Last parent line above the hunk, first below it.
    let (above, below) = if h.old_lines > 0 {
        (h.old_start - 1, h.old_start + h.old_lines)
    } else {
        (h.old_start, h.old_start + 1)
    };
    let mut out = Vec::new();
    // A parent line `d` lines above `above` is k + d + 1 lines away.
    if window > k && above >= 1 {
        out.push(((above + k + 1).saturating_sub(window).max(1), above));
    }
    // A parent line `d` lines below `below` is (n - 1 - k) + d + 1 away.
    let gap = n - k;
    if window >= gap {
        out.push((below, below + (window - gap)));
    }
    out
}

/// Splits the parent's attributed lines into a hunk's changed lines and
/// the lines within `near` (parent ranges) around it.
pub fn context_of(h: &Hunk, near: &[(u32, u32)], parent: &[AttributedLine]) -> HunkContext {
    let changed = (h.old_lines > 0).then(|| (h.old_start, h.old_start + h.old_lines - 1));
    let mut ctx = HunkContext::default();
    for l in parent {
        if changed.is_some_and(|(a, b)| (a..=b).contains(&l.line)) {
            ctx.changed.push(l.clone());
        } else if near.iter().any(|&(a, b)| (a..=b).contains(&l.line)) {
            ctx.near.push(l.clone());
        }
    }
    ctx
}

/// One attributed line (DESIGN §8).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineOut {
    pub line: u32,
    pub commit: String,
    pub origin: Origin,
    /// The AI tool of an AI-attributed line; for a human line, the tool a
    /// low-confidence signal names (`human (github-copilot)`).
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// For an `ai-modified` / `ai-adjacent` human line: the AI commit whose
    /// lines at the parent it replaced or sits next to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_commit: Option<String>,
    #[serde(skip)]
    pub content: String,
}

/// One commit of a range, with its own (whole-commit) origin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitOut {
    pub commit: String,
    pub origin: Origin,
    pub provenance: serde_json::Value,
    #[serde(skip)]
    pub summary: String,
}

/// A revision a blame stepped over because an ignore list names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IgnoredRev {
    pub commit: String,
    /// The file that lists it (`.git-blame-ignore-revs`, or the value of
    /// `blame.ignoreRevsFile`).
    pub listed_in: String,
}

/// Line-level attribution of a range (DESIGN §8).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineBlame {
    pub schema_version: u32,
    pub path: String,
    pub rev: String,
    pub origin: Origin,
    pub lines: Vec<LineOut>,
    pub commits: Vec<CommitOut>,
    /// Listed revisions that changed this file: blame looked past them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_revs: Vec<IgnoredRev>,
}

/// The cached form: the answer plus the text the JSON leaves out.
#[derive(Serialize, Deserialize)]
struct Cached {
    blame: LineBlame,
    content: Vec<String>,
    summaries: Vec<String>,
}

/// The provenance object of DESIGN §8.
pub fn provenance_json(p: &Provenance) -> serde_json::Value {
    serde_json::json!({
        "ai": p.ai,
        "tool": p.tool,
        "model_version": p.model_version,
        "prompt_ref": p.prompt_ref,
        "human_modifications": p.human_modifications,
        "reviewer": p.reviewer,
        "confidence": p.confidence,
        "sources": p.sources,
    })
}

/// What every cached origin depends on besides its commit: the options
/// (window, agent table with the configuration's rules), the ignore lists,
/// the notes ref and line-level source refs, the Agent Trace records (the
/// committed file at HEAD and the work tree's, often uncommitted: DESIGN
/// §1.2 item 5), and whether git is used.
pub fn context_key(repo: &Repo, opts: &Options) -> Vec<u8> {
    use crate::provenance::agent_trace::TRACES_PATH;
    let committed = repo
        .git2()
        .revparse_single(&format!("HEAD:{TRACES_PATH}"))
        .map(|o| o.id().to_string())
        .unwrap_or_default();
    // The work tree's file by content (a missing file hashes as empty).
    let worktree = repo
        .workdir()
        .and_then(|d| std::fs::read(d.join(TRACES_PATH)).ok())
        .map(|b| Cache::key(&[&b]))
        .unwrap_or_default();
    let tip = |name: &str| {
        repo.git2()
            .refname_to_id(name)
            .map(|o| o.to_string())
            .unwrap_or_default()
    };
    format!(
        "{:?}\n{:?}\n{:?}\nnotes={}\nentire={}\ngit={}\nshallow={}\ntraces={committed} {worktree}",
        opts.window,
        opts.agents,
        repo.ignore_revs(),
        tip(git::NOTES_REF),
        tip("refs/heads/entire/checkpoints/v1"),
        repo.has_git(),
        repo.shallow_commits().len(),
    )
    .into_bytes()
}

/// Attributes each line of `path` at `rev` (40 hex; all lines when `range`
/// is None): the line's commit as `git blame` names it (honouring the
/// ignore lists), its origin by [`line_origin`], tool, model and session;
/// then each commit's own origin. Errors: the path or range is not in the
/// tree, a shallow edge is reached ([`GitError::Shallow`]), git fails.
pub fn line_blame(
    repo: &Repo,
    classifier: &Classifier<'_>,
    rev: &str,
    path: &str,
    range: Option<(u32, u32)>,
) -> Result<LineBlame, GitError> {
    let opts = classifier.opts.clone();
    let short = &rev[..rev.len().min(12)];
    git::resolve::file_lines(repo, rev, short, path, range)?;
    let cache = Cache::open(repo);
    let ctx_key = context_key(repo, &opts);
    let key = Cache::key(&[
        b"lines",
        rev.as_bytes(),
        path.as_bytes(),
        format!("{range:?}").as_bytes(),
        &ctx_key,
    ]);
    if let Some(hit) = cache
        .as_ref()
        .and_then(|c| c.get("lines", &key))
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
    {
        let mut lb = hit.blame;
        for (l, c) in lb.lines.iter_mut().zip(hit.content) {
            l.content = c;
        }
        for (c, s) in lb.commits.iter_mut().zip(hit.summaries) {
            c.summary = s;
        }
        return Ok(lb);
    }

    // On a terminal after a second: parent blames done of those needed.
    let progress =
        Progress::new("{spinner} blaming at parents {human_pos}/{human_len} ({elapsed})");
    // The range's `git blame` starts first, on its own handle: it is the
    // longest step, and everything below runs while it does.
    let ranges: Vec<(u32, u32)> = range.into_iter().collect();
    let blame_repo = repo.reopen()?;
    let (blamed, index, pass) = std::thread::scope(|s| -> Result<_, GitError> {
        let blame = s.spawn(move || git::blame::blame(&blame_repo, rev, path, &ranges));
        // The history index is read while git blames (on the other core);
        // the paths AI lines can live in, only when a parent blame asks.
        let pending = ancestry::start(repo, rev, &opts.agents)?;
        // The file's history in one pass (issue 10), read meanwhile in case
        // it can stand in for the parent blames; dropped unread when not
        // needed.
        let pass = match opts.window {
            Window::Lines(w) if repo.has_git() && onepass::enabled() => {
                Some(onepass::Speculative::start(repo, rev, path, w)?)
            }
            _ => None,
        };
        let second = match pending {
            Some(p) => Some((p, repo.reopen()?)),
            None => None,
        };
        let handle = second.map(|(p, r)| {
            s.spawn(move || {
                let index = p.finish(&r).ok()?;
                let shortcut = ancestry::Shortcut {
                    bound: index.blame_bound().to_vec(),
                    // Unknown paths only cost speed: every path is then blamed.
                    paths: ancestry::LatePaths::new(&index, &r, rev),
                };
                Some((index, shortcut))
            })
        });
        let blamed = match blame.join() {
            Ok(b) => b,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // A failed index only costs speed: every parent is then blamed.
        let index = handle.and_then(|h| h.join().ok()).flatten();
        Ok((blamed?, index, pass))
    })?;
    let lb = attribute(
        repo,
        classifier,
        &opts,
        rev,
        path,
        &blamed,
        index.as_ref(),
        pass,
        &progress,
    )?;
    if let Some(c) = &cache {
        let cached = Cached {
            content: lb.lines.iter().map(|l| l.content.clone()).collect(),
            summaries: lb.commits.iter().map(|c| c.summary.clone()).collect(),
            blame: lb.clone(),
        };
        if let Ok(bytes) = serde_json::to_vec(&cached) {
            c.put("lines", &key, &bytes);
        }
    }
    Ok(lb)
}

/// The blame of the parent needed for one human commit's lines.
struct ParentJob {
    parent: String,
    parent_path: String,
    ranges: Vec<(u32, u32)>,
    /// Already blamed while classifying the commit in full.
    ready: Option<Vec<AttributedLine>>,
}

/// Parent lines blamed by whole-commit classifications, by (parent, path).
type Blamed = HashMap<(String, String), Vec<AttributedLine>>;

/// The lines of `have` covering every line of `ranges` that exists in
/// `path` at `parent`, or `None` when some are missing.
pub(crate) fn covered(
    repo: &Repo,
    parent: &str,
    path: &str,
    ranges: &[(u32, u32)],
    have: &[AttributedLine],
) -> Result<Option<Vec<AttributedLine>>, GitError> {
    let by_line: HashMap<u32, &AttributedLine> = have.iter().map(|l| (l.line, l)).collect();
    let pick = |total: u32| {
        let mut out = Vec::new();
        for &(a, b) in ranges {
            for l in a.max(1)..=b.min(total) {
                out.push((*by_line.get(&l)?).clone());
            }
        }
        Some(out)
    };
    // The file's length matters only when a window runs past lines `have`
    // lacks: reading the blob for every parent took 50 ms of a whole-file
    // run on git-ai `src/daemon.rs`.
    if let Some(out) = pick(u32::MAX) {
        return Ok(Some(out));
    }
    let total = git::blame::line_count(repo, parent, path)?.unwrap_or(0);
    Ok(pick(total))
}

/// Human lines of one (commit, path): the parent git compared it with, the
/// path there, and (index into the output, line in the commit) of each.
type HumanGroup = (String, String, Vec<(usize, u32)>);

/// A human line waiting for its parent context: (index into the output,
/// job, hunk, parent ranges of its window).
type Waiting = (usize, usize, Hunk, Vec<(u32, u32)>);

// The run's inputs, each used once; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn attribute(
    repo: &Repo,
    classifier: &Classifier<'_>,
    opts: &Options,
    rev: &str,
    path: &str,
    blamed: &[git::BlameLine],
    index: Option<&(AiAncestry, ancestry::Shortcut)>,
    pass: Option<onepass::Speculative>,
    progress: &Progress,
) -> Result<LineBlame, GitError> {
    let may_have_ai = |sha: &str| index.is_none_or(|(i, _)| i.may_have_ai_lines(sha));
    let unbounded = ancestry::Shortcut::default();
    let shortcut = index.map_or(&unbounded, |(_, s)| s);
    let mut lines = Vec::with_capacity(blamed.len());
    let mut order: Vec<String> = Vec::new();
    let mut provs: HashMap<String, Provenance> = HashMap::new();
    // Human lines by (commit, path in it): their parent and lines.
    let mut human: HashMap<(String, String), HumanGroup> = HashMap::new();
    for b in blamed {
        if b.boundary || repo.is_shallow_boundary(&b.commit) {
            return Err(GitError::Shallow {
                what: format!(
                    "line {} of {path} is attributed to {}, the edge of a shallow clone, so its real author is unknown",
                    b.line,
                    &b.commit[..12.min(b.commit.len())]
                ),
            });
        }
        if !provs.contains_key(&b.commit) {
            provs.insert(b.commit.clone(), classifier.provenance(&b.commit)?);
            order.push(b.commit.clone());
        }
        let p = &provs[&b.commit];
        let (ai, key) = classifier.line_is_ai(&b.commit, &b.orig_path, b.orig_line)?;
        let mut tool = p.tool.clone();
        let mut model = p.model_version.clone();
        let mut session = None;
        if let Some(AttestKey::Session { session: s, .. } | AttestKey::Legacy(s)) = &key {
            session = Some(s.clone());
            if let Some(agent) = key
                .as_ref()
                .and_then(|k| classifier.note_agent(&b.commit, k))
            {
                if let Some(t) = agent.tool {
                    tool =
                        Some(crate::provenance::agents::known_tool(&t).map_or(t, str::to_string));
                }
                model = agent.model.or(model);
            }
        }
        if !ai {
            // A human line names a tool only for a low-confidence signal.
            if !p.ai || p.is_ai() {
                tool = None;
            }
            model = None;
            if let Some((parent, parent_path)) = &b.previous {
                human
                    .entry((b.commit.clone(), b.orig_path.clone()))
                    .or_insert_with(|| (parent.clone(), parent_path.clone(), Vec::new()))
                    .2
                    .push((lines.len(), b.orig_line));
            }
        }
        lines.push(LineOut {
            line: b.line,
            commit: b.commit.clone(),
            origin: if ai { origin_of_ai(p) } else { Origin::Human },
            tool,
            model,
            session,
            ai_commit: None,
            content: b.content.clone(),
        });
    }

    // The parent lines of this file the one pass knows, attributed as a
    // bounded parent blame would: a line whose commit's history holds no AI
    // provenance lies past the bound (not AI), the rest by line attribution.
    // Read only when it saves more than it costs: a `git log -p` of the
    // file against the parent blames it replaces.
    // Commits whose parent blame of this file would run (a classification
    // and a hunk context of the same commit share it).
    let mut need: std::collections::HashSet<&str> = human
        .iter()
        .filter(|(_, (parent, _, _))| may_have_ai(parent))
        .map(|((c, _), _)| c.as_str())
        .collect();
    for sha in &order {
        if !provs[sha].is_ai()
            && classifier
                .known(sha)?
                .raw
                .parents
                .iter()
                .any(|q| may_have_ai(q))
        {
            need.insert(sha.as_str());
        }
    }
    let need = need.len();
    // The commits' changes start now, on the other core, while the one
    // pass may still be reading the file's history.
    let plan = plan_origins(repo, classifier, opts, &order, &provs, &may_have_ai)?;
    let pass = match pass {
        Some(p) if need >= onepass::MIN_BLAMES || onepass::forced() => {
            p.finish()
                .ok()
                .flatten()
                // Git is the oracle: the one pass stands in for parent blames
                // only when it gives every blamed line git blame's commit and line.
                .filter(|p| p.agrees(path, blamed) || onepass::gave_up(0).is_some())
        }
        // Too few parent blames to save: dropped unread (check 14).
        Some(_) => onepass::gave_up(14),
        None => None,
    };
    let known = match &pass {
        Some(pass) => {
            let mut known = onepass::ParentLines::new();
            for sha in &order {
                let Some((parent, lines)) = pass.at_parent(sha) else {
                    continue;
                };
                let mut out = Vec::with_capacity(lines.len());
                for (line, owner, orig_line) in lines {
                    let ai = may_have_ai(owner) && classifier.line_is_ai(owner, path, orig_line)?.0;
                    out.push(AttributedLine {
                        line,
                        commit: owner.to_string(),
                        ai,
                    });
                }
                // Siblings share a parent: keep the lines around both.
                known
                    .entry((parent.to_string(), path.to_string()))
                    .or_default()
                    .extend(out);
            }
            Some(std::sync::Arc::new(known))
        }
        None => None,
    };

    // Whole-commit origins first: their parent blames serve the lines too,
    // so the files the human lines came from are blamed first.
    let first: std::collections::HashSet<String> =
        human.values().map(|(_, ppath, _)| ppath.clone()).collect();
    let (commits, mut blamed_in_full) = commit_origins(
        repo,
        opts,
        shortcut,
        std::sync::Arc::new(first),
        known.clone(),
        progress,
        plan,
    )?;
    if let Some(k) = &known {
        for (key, lines) in k.iter() {
            blamed_in_full
                .entry(key.clone())
                .or_default()
                .extend(lines.iter().cloned());
        }
    }

    // Parent contexts, only where the parent's history has AI provenance.
    let mut jobs: Vec<ParentJob> = Vec::new();
    let mut waiting: Vec<Waiting> = Vec::new();
    let mut groups: Vec<_> = human.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for ((commit, cpath), (parent, ppath, wanted)) in groups {
        if !may_have_ai(&parent) {
            continue;
        }
        // The pass diffed the file at each of its commits already (git's
        // diff, as the blame that named the commit): one libgit2 diff of
        // the whole file per commit took a tenth of a whole-file run.
        let from_pass = pass
            .as_ref()
            .filter(|_| ppath == path && cpath == path)
            .and_then(|p| p.hunks(&commit, &parent));
        let hunks = match from_pass {
            Some(h) => h.to_vec(),
            None => git::diff::file_hunks(repo, &parent, &ppath, &commit, &cpath)?,
        };
        let functions = match opts.window {
            Window::Function if repo.has_git() => {
                git::diff::function_ranges(repo, &parent, &commit, &ppath, &cpath)?
            }
            _ => Vec::new(),
        };
        let job = jobs.len();
        let mut all = Vec::new();
        let mut these: Vec<Waiting> = Vec::new();
        for (at, orig_line) in wanted {
            let Some(h) = hunk_of(&hunks, orig_line) else {
                continue;
            };
            let near = window_of(&h, orig_line, opts.window, &functions);
            if near.is_empty() && h.old_lines == 0 {
                // Inserted, and nothing of the parent within the window.
                continue;
            }
            all.extend(near.iter().copied());
            if h.old_lines > 0 {
                all.push((h.old_start, h.old_start + h.old_lines - 1));
            }
            these.push((at, job, h, near));
        }
        if !all.is_empty() {
            let ranges = super::merge_ranges(all);
            let ready = match blamed_in_full.get(&(parent.clone(), ppath.clone())) {
                Some(have) => covered(repo, &parent, &ppath, &ranges, have)?,
                None => None,
            };
            // Asked only where a blame would run: the first ask reads the paths.
            if ready.is_none() && !shortcut.may_have_ai_path(&ppath) {
                // No line of this path can be AI: the lines stay human.
                continue;
            }
            waiting.append(&mut these);
            jobs.push(ParentJob {
                parent,
                parent_path: ppath,
                ranges,
                ready,
            });
        }
    }
    let contexts = parallel(
        repo,
        opts,
        shortcut,
        None,
        None,
        None,
        progress,
        jobs,
        |c, job| {
            if let Some(ready) = job.ready {
                return Ok(ready);
            }
            let bound = &c.shortcut.bound;
            let blamed = git::blame::blame_within(
                c.repo,
                &job.parent,
                &job.parent_path,
                &job.ranges,
                bound,
            )?;
            let mut out = Vec::with_capacity(blamed.len());
            for b in &blamed {
                if b.boundary && !bound.is_empty() {
                    // Older than the bound: not AI-attributed.
                    out.push(AttributedLine {
                        line: b.line,
                        commit: b.commit.clone(),
                        ai: false,
                    });
                    continue;
                }
                if b.boundary || c.repo.is_shallow_boundary(&b.commit) {
                    return Err(GitError::Shallow {
                        what: format!(
                            "line {} of {} at {} is attributed to {}, the edge of a shallow clone",
                            b.line,
                            job.parent_path,
                            &job.parent[..12.min(job.parent.len())],
                            &b.commit[..12.min(b.commit.len())]
                        ),
                    });
                }
                let (ai, _) = c.line_is_ai(&b.commit, &b.orig_path, b.orig_line)?;
                out.push(AttributedLine {
                    line: b.line,
                    commit: b.commit.clone(),
                    ai,
                });
            }
            Ok(out)
        },
    )?;
    for (at, job, h, near) in waiting {
        let ctx = context_of(&h, &near, &contexts[job]);
        let l = &mut lines[at];
        let (origin, ai_commit) = line_origin(false, &provs[&l.commit], Some(&ctx));
        l.origin = origin;
        l.ai_commit = ai_commit.map(str::to_string);
    }

    let origin = lines
        .iter()
        .map(|l| l.origin)
        .max()
        .unwrap_or(Origin::Human);
    let ignore = repo.ignore_revs();
    let ignored_revs = if ignore.is_empty() {
        Vec::new()
    } else {
        ignore
            // The index lists exactly the history of `rev`: no walk per revision.
            .touching_in(repo.git2(), rev, path, &|oid| {
                index.map(|(i, _)| i.contains(oid))
            })
            .into_iter()
            .map(|commit| IgnoredRev {
                listed_in: ignore.listed_in(&commit).unwrap_or_default().to_string(),
                commit,
            })
            .collect()
    };
    Ok(LineBlame {
        schema_version: 1,
        path: path.to_string(),
        rev: rev.to_string(),
        origin,
        lines,
        commits,
        ignored_revs,
    })
}

/// Parent lines within the window of line `line` of hunk `h`: `N` lines
/// ([`line_window`]), or the extent of the function enclosing the hunk as
/// `git diff -W` found it (`functions`), falling back to 3 lines outside
/// any function (as commit classification does).
fn window_of(h: &Hunk, line: u32, window: Window, functions: &[(u32, u32)]) -> Vec<(u32, u32)> {
    match window {
        Window::Lines(w) => line_window(h, line, w),
        Window::Function => {
            let (a, b) = neighbourhood(h, 0);
            let f: Vec<(u32, u32)> = functions
                .iter()
                .copied()
                .filter(|&(fa, fb)| fa <= b.max(a) && a <= fb)
                .collect();
            if f.is_empty() {
                line_window(h, line, 3)
            } else {
                f
            }
        }
    }
}

/// The commits whose own origin must be classified in full, and their
/// changes already being read ([`plan_origins`]); run by [`commit_origins`].
struct OriginPlan {
    out: Vec<CommitOut>,
    todo: Vec<(usize, String)>,
    feed: std::sync::Arc<git::diff::ChangesFeed>,
    cache: Option<Cache>,
    scope: String,
}

/// Each commit's own origin, as `aeef blame <sha>` decides it, where the
/// answer is known without blaming: a commit with AI provenance of its own
/// (`origin_of_ai`), a commit none of whose parents' histories carries AI
/// provenance (`human`), or one cached. The rest are classified in full by
/// [`commit_origins`]; their changes start coming from one `git diff-tree`
/// now, while the caller waits for the one pass.
fn plan_origins(
    repo: &Repo,
    classifier: &Classifier<'_>,
    opts: &Options,
    order: &[String],
    provs: &HashMap<String, Provenance>,
    may_have_ai: &dyn Fn(&str) -> bool,
) -> Result<OriginPlan, GitError> {
    let cache = Cache::open(repo);
    let ctx_key = context_key(repo, opts);
    let scope = Cache::key(&[b"commit", &ctx_key]);
    let cached: HashMap<String, String> = cache
        .as_ref()
        .map(|c| c.table("commit", &scope))
        .unwrap_or_default();
    let mut out = Vec::with_capacity(order.len());
    let mut todo: Vec<(usize, String)> = Vec::new();
    for (i, sha) in order.iter().enumerate() {
        let p = &provs[sha];
        let known = classifier.known(sha)?;
        let parents = &known.raw.parents;
        let origin = if repo.is_shallow_boundary(sha) {
            None
        } else if parents.len() <= 1 && p.is_ai() {
            Some(origin_of_ai(p))
        } else if !p.is_ai() && parents.iter().all(|q| !may_have_ai(q)) {
            Some(Origin::Human)
        } else {
            None
        };
        let origin = origin.or_else(|| {
            cached
                .get(sha)
                .and_then(|o| serde_json::from_value(serde_json::Value::String(o.clone())).ok())
        });
        if origin.is_none() {
            todo.push((i, sha.clone()));
        }
        out.push(CommitOut {
            commit: sha.clone(),
            origin: origin.unwrap_or(Origin::Human),
            provenance: provenance_json(p),
            summary: known.raw.summary().to_string(),
        });
    }
    // Their changes come from one git process while the blames run.
    let mut pairs = Vec::new();
    for (_, sha) in &todo {
        let parents = &classifier.known(sha)?.raw.parents;
        if let [parent] = parents.as_slice()
            && !repo.is_shallow_boundary(sha)
        {
            pairs.push((sha.clone(), parent.clone()));
        }
    }
    let feed = std::sync::Arc::new(git::diff::ChangesFeed::start(repo, pairs));
    Ok(OriginPlan {
        out,
        todo,
        feed,
        cache,
        scope,
    })
}

/// Classifies the commits [`plan_origins`] left, on several threads, and
/// caches their origins per commit: the `commits` list, and the parent
/// lines blamed on the way (for the human lines' hunk contexts).
fn commit_origins(
    repo: &Repo,
    opts: &Options,
    shortcut: &ancestry::Shortcut,
    first: std::sync::Arc<std::collections::HashSet<String>>,
    known: Option<std::sync::Arc<onepass::ParentLines>>,
    progress: &Progress,
    plan: OriginPlan,
) -> Result<(Vec<CommitOut>, Blamed), GitError> {
    let OriginPlan {
        mut out,
        todo,
        feed,
        cache,
        scope,
    } = plan;
    let shas: Vec<String> = todo.iter().map(|(_, s)| s.clone()).collect();
    let done = parallel(
        repo,
        opts,
        shortcut,
        Some(first),
        known,
        Some(feed),
        progress,
        shas,
        |c, sha| {
            let origin = c.classify(&sha)?.origin;
            let lines: Vec<_> = c.parent_lines.borrow_mut().drain().collect();
            Ok((origin, lines))
        },
    )?;
    let mut blamed = Blamed::new();
    let mut learnt = HashMap::new();
    for ((i, sha), (origin, lines)) in todo.into_iter().zip(done) {
        for (k, v) in lines {
            blamed.entry(k).or_default().extend(v);
        }
        out[i].origin = origin;
        learnt.insert(sha, origin.as_str().to_string());
    }
    if let Some(c) = &cache {
        c.put_table("commit", &scope, &learnt);
    }
    Ok((out, blamed))
}

/// Runs `f` over `jobs` on up to 4 threads (each with its own repository
/// handle and classifier, [`Classifier::origin_only`] when `first` is
/// given, knowing the parent lines `known`), results in job order; the
/// first error wins.
#[allow(clippy::too_many_arguments)]
fn parallel<J, R, F>(
    repo: &Repo,
    opts: &Options,
    shortcut: &ancestry::Shortcut,
    first: Option<std::sync::Arc<std::collections::HashSet<String>>>,
    known: Option<std::sync::Arc<onepass::ParentLines>>,
    changes: Option<std::sync::Arc<git::diff::ChangesFeed>>,
    progress: &Progress,
    jobs: Vec<J>,
    f: F,
) -> Result<Vec<R>, GitError>
where
    J: Send,
    R: Send,
    F: Fn(&Classifier<'_>, J) -> Result<R, GitError> + Sync,
{
    let threads = crate::provenance::scan::cores().min(4).min(jobs.len());
    fn make<'r>(
        r: &'r Repo,
        opts: &Options,
        shortcut: &ancestry::Shortcut,
        first: &Option<std::sync::Arc<std::collections::HashSet<String>>>,
        known: &Option<std::sync::Arc<onepass::ParentLines>>,
        changes: &Option<std::sync::Arc<git::diff::ChangesFeed>>,
    ) -> Classifier<'r> {
        let mut c = Classifier::new(r, opts.clone()).bounded(shortcut.clone());
        if let Some(k) = known {
            c = c.with_known_lines(k.clone());
        }
        if let Some(f) = changes {
            c = c.with_changes(f.clone());
        }
        match first {
            Some(f) => c.origin_only(f.clone()),
            None => c,
        }
    }
    progress.add_total(jobs.len());
    if threads <= 1 {
        let c = make(repo, opts, shortcut, &first, &known, &changes);
        return jobs
            .into_iter()
            .map(|j| {
                let r = f(&c, j);
                progress.add(1);
                r
            })
            .collect();
    }
    let n = jobs.len();
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let results: Mutex<Vec<Option<Result<R, GitError>>>> =
        Mutex::new((0..n).map(|_| None).collect());
    let handles: Vec<Repo> = (0..threads)
        .map(|_| repo.reopen())
        .collect::<Result<_, _>>()?;
    std::thread::scope(|s| {
        for r in handles {
            let (queue, results, f, first, known, changes) =
                (&queue, &results, &f, &first, &known, &changes);
            s.spawn(move || {
                let c = make(&r, opts, shortcut, first, known, changes);
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((i, job)) = next else { break };
                    let got = f(&c, job);
                    progress.add(1);
                    let stop = got.is_err();
                    if let Ok(mut res) = results.lock() {
                        res[i] = Some(got);
                    }
                    if stop {
                        break;
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let mut out = Vec::with_capacity(n);
    for r in results {
        match r {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(e),
            None => {
                return Err(GitError::Parse {
                    what: "a parallel blame job did not run".into(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::{Confidence, HumanModifications};

    fn at(line: u32, ai: bool) -> AttributedLine {
        AttributedLine {
            line,
            commit: if ai { "a".repeat(40) } else { "b".repeat(40) },
            ai,
        }
    }

    fn ai_prov(level: HumanModifications) -> Provenance {
        Provenance {
            ai: true,
            confidence: Some(Confidence::High),
            human_modifications: level,
            ..Provenance::default()
        }
    }

    #[test]
    fn ai_lines_take_their_commits_level() {
        let p = ai_prov(HumanModifications::None);
        assert_eq!(line_origin(true, &p, None).0, Origin::AiGenerated);
        let p = ai_prov(HumanModifications::Substantial);
        assert_eq!(line_origin(true, &p, None).0, Origin::AiModified);
    }

    #[test]
    fn human_lines_follow_their_hunk_not_their_commit() {
        let human = Provenance::default();
        let replaced = HunkContext {
            changed: vec![at(10, true)],
            near: vec![],
        };
        let (o, c) = line_origin(false, &human, Some(&replaced));
        assert_eq!(o, Origin::AiModified);
        assert_eq!(c, Some("a".repeat(40).as_str()));
        let beside = HunkContext {
            changed: vec![at(10, false)],
            near: vec![at(13, true)],
        };
        assert_eq!(
            line_origin(false, &human, Some(&beside)).0,
            Origin::AiAdjacent
        );
        let alone = HunkContext {
            changed: vec![at(10, false)],
            near: vec![at(13, false)],
        };
        assert_eq!(line_origin(false, &human, Some(&alone)).0, Origin::Human);
        assert_eq!(line_origin(false, &human, None).0, Origin::Human);
        // A commit with AI provenance whose line is human (a note says so)
        // is judged by the line's hunk too.
        let ai = ai_prov(HumanModifications::None);
        assert_eq!(line_origin(false, &ai, Some(&alone)).0, Origin::Human);
    }

    #[test]
    fn hunk_of_finds_the_writing_hunk_or_the_nearest() {
        let hunks = [
            Hunk {
                old_start: 3,
                old_lines: 1,
                new_start: 3,
                new_lines: 2,
            },
            Hunk {
                old_start: 10,
                old_lines: 2,
                new_start: 11,
                new_lines: 0,
            },
            Hunk {
                old_start: 20,
                old_lines: 0,
                new_start: 20,
                new_lines: 3,
            },
        ];
        assert_eq!(hunk_of(&hunks, 4).unwrap().new_start, 3);
        assert_eq!(hunk_of(&hunks, 22).unwrap().new_start, 20);
        // Deletions write no line; a slid line goes to the nearest hunk.
        assert_eq!(hunk_of(&hunks, 18).unwrap().new_start, 20);
        assert!(hunk_of(&[], 1).is_none());
    }

    #[test]
    fn line_window_counts_from_the_line_itself() {
        let one = Hunk {
            old_start: 10,
            old_lines: 2,
            new_start: 10,
            new_lines: 1,
        };
        // A one-line hunk: the commit-level neighbourhood minus the hunk.
        assert_eq!(line_window(&one, 10, 3), vec![(7, 9), (12, 14)]);
        assert_eq!(neighbourhood(&one, 3), (7, 14));
        // Twenty lines inserted after parent line 10: only the ends are near.
        let ins = Hunk {
            old_start: 10,
            old_lines: 0,
            new_start: 11,
            new_lines: 20,
        };
        assert_eq!(line_window(&ins, 11, 3), vec![(8, 10)]);
        assert_eq!(line_window(&ins, 13, 3), vec![(10, 10)]);
        assert!(line_window(&ins, 14, 3).is_empty());
        assert_eq!(line_window(&ins, 30, 3), vec![(11, 13)]);
        assert_eq!(line_window(&ins, 28, 3), vec![(11, 11)]);
        assert!(line_window(&ins, 20, 0).is_empty());
        // At the top of the file nothing lies above.
        let top = Hunk {
            old_start: 0,
            old_lines: 0,
            new_start: 1,
            new_lines: 1,
        };
        assert_eq!(line_window(&top, 1, 2), vec![(1, 2)]);
    }

    #[test]
    fn context_splits_changed_from_nearby_lines() {
        let h = Hunk {
            old_start: 10,
            old_lines: 2,
            new_start: 10,
            new_lines: 1,
        };
        let parent: Vec<_> = (5..=16).map(|l| at(l, l % 2 == 0)).collect();
        let ctx = context_of(&h, &[neighbourhood(&h, 3)], &parent);
        let lines = |v: &[AttributedLine]| v.iter().map(|l| l.line).collect::<Vec<_>>();
        assert_eq!(lines(&ctx.changed), vec![10, 11]);
        assert_eq!(lines(&ctx.near), vec![7, 8, 9, 12, 13, 14]);
    }
}
