//! The gate's adapter: reads the change of a pull request (its commits with
//! provenance, the files it touches), what the change itself verifies or
//! waives, and the files each incident concerns, from git. The decision
//! over these values is [`super::evaluate`], which needs no git.
use std::collections::{BTreeSet, HashMap};

use super::{Change, ChangeCommit};
use crate::config::Config;
use crate::error::GitError;
use crate::git::{self, Repo};
use crate::incident::store::LoadedIncident;
use crate::provenance;

/// Which end of a change a revision is, as the shallow-clone error names it.
#[derive(Debug, Clone, Copy)]
enum End {
    Base,
    Head,
}

/// Resolves a change endpoint; a missing commit in a shallow clone is a
/// history problem, not a typo. The error names the end: the base of a
/// pull request is not a commit "of the change" (issue 13).
fn endpoint(repo: &Repo, rev: &str, end: End) -> Result<String, GitError> {
    crate::git::resolve::revision(repo, rev).map_err(|e| {
        if repo.shallow_commits().is_empty() {
            e
        } else {
            GitError::Shallow {
                what: match end {
                    End::Base => format!("the base {rev} is not in this shallow clone"),
                    End::Head => {
                        format!("the head {rev} of the change is not in this shallow clone")
                    }
                },
            }
        }
    })
}

/// Reads the change `base..head`: its commits with provenance and the files it touches.
pub fn read(
    repo: &Repo,
    base: &str,
    head: &str,
    table: &provenance::AgentTable,
) -> miette::Result<Change> {
    let base = endpoint(repo, base, End::Base)?;
    let head = endpoint(repo, head, End::Head)?;
    // One definition of the change's merge base (and its shallow-clone error).
    let mb = crate::pr::share::merge_base(repo, &base, &head)?;
    let rows = crate::provenance::range::scan_range(repo, &[format!("{base}..{head}")], table)?;
    let mut commits = Vec::with_capacity(rows.len());
    for (c, p) in rows {
        if repo.is_shallow_boundary(&c.sha) && c.sha != head {
            return Err(GitError::Shallow {
                what: format!(
                    "the history of the change stops at {} (shallow clone)",
                    &c.sha[..12]
                ),
            }
            .into());
        }
        // Findings point at a file the commit changed (code scanning needs one).
        let files = if (p.is_ai() && !p.aeef_fields.missing().is_empty())
            || !p.not_in_trailers.is_empty()
        {
            let parent = c.parents.first().map(String::as_str);
            git::diff::changes(repo, &c.sha, parent)?
                .iter()
                .map(|f| f.path().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let implements = provenance::trailers::parse(&c.message)
            .into_iter()
            .filter(|t| t.key.eq_ignore_ascii_case("Corrective-Action"))
            .map(|t| t.value)
            .collect();
        commits.push(ChangeCommit {
            files,
            implements,
            summary: c.summary().to_string(),
            sha: c.sha,
            provenance: p,
        });
    }
    let diff = git::diff::changes(repo, &head, Some(&mb))?;
    let mut files = BTreeSet::new();
    for ch in &diff {
        files.extend(ch.old_path.iter().cloned());
        files.extend(ch.new_path.iter().cloned());
    }
    Ok(Change {
        base,
        head,
        merge_base: mb,
        diff,
        commits,
        files,
        pr_text: None,
        self_verified: BTreeSet::new(),
        new_waivers: BTreeSet::new(),
    })
}

/// Which verifications, `wont-do` approvals and waivers the change itself
/// adds: the records and `.aeef.yml` at the merge base against those read
/// for this run. A pull request controls its own commits' authors, so what
/// it adds is decided after review, never for the change itself.
pub fn mark_self_exemptions(
    repo: &Repo,
    config: &Config,
    records: &[LoadedIncident],
    change: &mut Change,
) -> miette::Result<()> {
    let r = repo.git2();
    let Ok(mb) = git2::Oid::from_str(&change.merge_base) else {
        return Ok(());
    };
    // Only records and a config the change touches can differ from the
    // merge base: nothing to read otherwise (the common pull request).
    let touches_records = records.iter().any(|li| change.files.contains(&li.path));
    let touches_config = change.files.contains(crate::config::FILE_NAME);
    if !touches_records && !touches_config {
        return Ok(());
    }
    let (before, _) =
        crate::incident::store::load_from_tree(r, mb, config).map_err(GitError::from)?;
    let key = |a: &crate::incident::CorrectiveAction| {
        (
            a.verified_by.clone(),
            a.verified_at,
            a.status,
            a.approved_by.clone(),
            a.reason.clone(),
        )
    };
    for li in records {
        let old = before.iter().find(|o| o.incident.id == li.incident.id);
        for a in &li.incident.corrective_actions {
            let was = old.and_then(|o| o.incident.corrective_actions.iter().find(|x| x.id == a.id));
            let settles_now = crate::incident::actions::recorded_verification(a)
                || crate::incident::actions::is_declined(a);
            if settles_now && was.map(key) != Some(key(a)) {
                change
                    .self_verified
                    .insert((li.incident.id.clone(), a.id.clone()));
            }
        }
    }
    if !touches_config {
        return Ok(());
    }
    let old_cfg = Config::at_commit(repo, mb).unwrap_or_default();
    for (i, w) in config.waivers.iter().enumerate() {
        if !old_cfg.waivers.contains(w) {
            change.new_waivers.insert(i);
        }
    }
    Ok(())
}

/// Files an incident concerns: `files:` plus what its faulty commits
/// touched. A faulty commit a shallow clone lacks (or whose parents it
/// lacks) leaves the answer unknown: that is an error, never "no files".
pub fn incident_files(
    repo: Option<&Repo>,
    li: &LoadedIncident,
    cache: &mut HashMap<String, Vec<String>>,
) -> Result<BTreeSet<String>, GitError> {
    // Normalised as the gate compares them (`./x` is `x`; `dir/` covers
    // the files under it); an entry that can never match is a `schema`
    // finding (`incident::policy::files_findings`).
    let mut out: BTreeSet<String> = li
        .incident
        .files
        .iter()
        .filter_map(|f| crate::incident::policy::files_entry(f).ok())
        .collect();
    let Some(repo) = repo else { return Ok(out) };
    let shallow = !repo.shallow_commits().is_empty();
    for sha in &li.incident.faulty_commits {
        if !cache.contains_key(sha) {
            let files = match repo.resolve_commit(sha) {
                Ok(full) if repo.is_shallow_boundary(&full) => {
                    return Err(GitError::Shallow {
                        what: format!(
                            "the parents of {}'s faulty commit {sha} were not fetched",
                            li.incident.id
                        ),
                    });
                }
                Ok(full) => {
                    let parent = git::commits::read(repo, &full)?.parents.first().cloned();
                    git::diff::changes(repo, &full, parent.as_deref())?
                        .iter()
                        .map(|c| c.path().to_string())
                        .collect()
                }
                Err(_) if shallow => {
                    return Err(GitError::Shallow {
                        what: format!(
                            "{}'s faulty commit {sha} is not in this shallow clone",
                            li.incident.id
                        ),
                    });
                }
                // Not in a full clone either: `unknown-commit` reports it.
                Err(_) => Vec::new(),
            };
            cache.insert(sha.clone(), files);
        }
        out.extend(cache[sha].iter().cloned());
    }
    Ok(out)
}

/// The files of every incident that still has an open corrective action
/// (by `statuses`, the verification of each action), keyed by incident id:
/// what `touches-open-incident` compares the change with.
pub fn open_incident_files(
    repo: Option<&Repo>,
    records: &[LoadedIncident],
    statuses: Option<&[crate::github::status::ActionStatus]>,
) -> Result<HashMap<String, BTreeSet<String>>, GitError> {
    // A `wont-do` whose approval the owner committed is open (DESIGN §3):
    // the one `Verified` answer carries both.
    let verified = crate::incident::actions::Verified(
        statuses
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    (s.incident.clone(), s.corrective_action.clone()),
                    s.verified,
                )
            })
            .collect(),
        statuses
            .into_iter()
            .flatten()
            .filter(|s| s.approval_by_owner.is_some())
            .map(|s| (s.incident.clone(), s.corrective_action.clone()))
            .collect(),
    );
    let mut cache = HashMap::new();
    let mut out = HashMap::new();
    for li in records {
        let open = li
            .incident
            .corrective_actions
            .iter()
            .any(|a| verified.open(&li.incident.id, a));
        if open {
            out.insert(
                li.incident.id.clone(),
                incident_files(repo, li, &mut cache)?,
            );
        }
    }
    Ok(out)
}
