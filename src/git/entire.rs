//! Entire checkpoint metadata, the git half (DESIGN §1.2 item 6): finds the
//! `metadata.json` files of a checkpoint id on the `entire/checkpoints/v1`
//! branch or under `refs/entire/checkpoints/`, and hands them to
//! [`crate::provenance::entire`].
//!
//! Cheap by construction: nothing is opened until a commit names a
//! checkpoint; the refs are resolved once per run; each id is read once (a
//! few small blobs by tree path) and cached. A missing branch, a missing
//! checkpoint or unreadable metadata is not an error: the commit keeps
//! `unknown-agent` via `entire`, as DESIGN says.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Repo;
use crate::provenance::Provenance;
use crate::provenance::entire::{self, Checkpoint, Session};

/// The branch Entire's `git-branch` store writes.
pub const BRANCH: &str = "entire/checkpoints/v1";

/// Where the `git-refs` store keeps one ref per checkpoint.
const REFS_PREFIX: &str = "refs/entire/checkpoints/";

/// What one run has opened: the repository and the checkpoint branch trees
/// (local branch first, then remote-tracking copies).
struct Opened {
    repo: git2::Repository,
    /// (tree, name for the evidence).
    branches: Vec<(git2::Oid, String)>,
}

/// Looks up checkpoint metadata, lazily and once per id. `Send`, so a scan
/// can move it into the thread that writes its output.
pub struct Store {
    git_dir: PathBuf,
    opened: Option<Option<Opened>>,
    cache: HashMap<String, Option<Checkpoint>>,
}

impl Store {
    /// A store for `repo`; reads nothing yet.
    pub fn new(repo: &Repo) -> Store {
        Store::at(repo.git2().path())
    }

    /// A store for the repository whose git directory is `git_dir`.
    pub fn at(git_dir: &Path) -> Store {
        Store {
            git_dir: git_dir.to_path_buf(),
            opened: None,
            cache: HashMap::new(),
        }
    }

    /// Adds what the checkpoint metadata says to `p`, when `p` names
    /// checkpoints (`Entire-Checkpoint:`); otherwise does nothing.
    pub fn enrich(&mut self, p: &mut Provenance) {
        let Some(r) = &p.entire else { return };
        let ids = r.ids.clone();
        let found: Vec<Checkpoint> = ids.iter().filter_map(|id| self.lookup(id)).collect();
        entire::apply(p, &found);
    }

    /// The metadata of checkpoint `id`, if this repository has it.
    pub fn lookup(&mut self, id: &str) -> Option<Checkpoint> {
        if let Some(c) = self.cache.get(id) {
            return c.clone();
        }
        let got = self.read(id);
        self.cache.insert(id.to_string(), got.clone());
        got
    }

    fn opened(&mut self) -> Option<&Opened> {
        if self.opened.is_none() {
            self.opened = Some(open(&self.git_dir));
        }
        self.opened.as_ref()?.as_ref()
    }

    fn read(&mut self, id: &str) -> Option<Checkpoint> {
        if !entire::valid_id(id) {
            return None;
        }
        let o = self.opened()?;
        // git-refs store: one ref per checkpoint, sharded by the last two characters.
        let shard = &id[id.len() - 2..];
        let ref_name = format!("{REFS_PREFIX}{shard}/{id}");
        if let Ok(tree) = o
            .repo
            .find_reference(&ref_name)
            .and_then(|r| r.peel_to_tree())
            && let Some(c) = checkpoint_in(&o.repo, &tree, id, &ref_name)
        {
            return Some(c);
        }
        // git-branch store: `<id[:2]>/<id[2:]>/` in the branch's tree.
        let sub = format!("{}/{}", &id[..2], &id[2..]);
        for (tree, name) in &o.branches {
            let Ok(root) = o.repo.find_tree(*tree) else {
                continue;
            };
            let Ok(entry) = root.get_path(Path::new(&sub)) else {
                continue;
            };
            let Ok(dir) = o.repo.find_tree(entry.id()) else {
                continue;
            };
            if let Some(c) = checkpoint_in(&o.repo, &dir, id, name) {
                return Some(c);
            }
        }
        None
    }
}

/// Opens the repository and resolves the checkpoint branches, once.
fn open(git_dir: &Path) -> Option<Opened> {
    let repo = git2::Repository::open(git_dir).ok()?;
    let mut names = vec![format!("refs/heads/{BRANCH}")];
    // A fresh clone has only the remote-tracking copy (origin first).
    names.push(format!("refs/remotes/origin/{BRANCH}"));
    if let Ok(refs) = repo.references_glob(&format!("refs/remotes/*/{BRANCH}")) {
        for r in refs.flatten() {
            if let Ok(n) = r.name() {
                names.push(n.to_string());
            }
        }
    }
    let mut branches: Vec<(git2::Oid, String)> = Vec::new();
    for n in names {
        let Ok(tree) = repo.find_reference(&n).and_then(|r| r.peel_to_tree()) else {
            continue;
        };
        if !branches.iter().any(|(t, _)| *t == tree.id()) {
            let shown = n
                .strip_prefix("refs/heads/")
                .or_else(|| n.strip_prefix("refs/"))
                .unwrap_or(&n)
                .to_string();
            branches.push((tree.id(), shown));
        }
    }
    Some(Opened { repo, branches })
}

/// Reads a checkpoint directory: the numbered session folders' metadata,
/// or the root metadata of the early single-file layout.
fn checkpoint_in(
    repo: &git2::Repository,
    dir: &git2::Tree<'_>,
    id: &str,
    from: &str,
) -> Option<Checkpoint> {
    let text = |tree: &git2::Tree<'_>| -> Option<String> {
        let e = tree.get_name("metadata.json")?;
        let blob = repo.find_blob(e.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    };
    let mut numbered: Vec<(u32, Session)> = dir
        .iter()
        .filter_map(|e| {
            let n: u32 = e.name().ok()?.parse().ok()?;
            let sub = repo.find_tree(e.id()).ok()?;
            Some((n, Session::parse(&text(&sub)?)?))
        })
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    let mut sessions: Vec<Session> = numbered.into_iter().map(|(_, s)| s).collect();
    let root = text(dir).and_then(|t| Session::parse(&t));
    if sessions.is_empty() {
        sessions.extend(root.clone());
    }
    if sessions.is_empty() && root.is_none() {
        return None;
    }
    Some(Checkpoint {
        id: id.to_string(),
        from: from.to_string(),
        sessions,
    })
}
