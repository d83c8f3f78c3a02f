//! The audit trail of the incident records: walks the git history of the
//! incidents folder and reports, as [`Finding`]s with stable rule ids,
//! what an auditor must see — deleted records, reused ids, self-verified
//! corrective actions, resolved incidents rewritten without a timeline
//! entry, removals inside the retention period, unsigned commits, and
//! committed versions of a record that cannot be read at all.
//!
//! [`check`] is pure: it takes the history as values ([`Change`]s per
//! [`AuditCommit`]); [`history`] reads it from the repository with libgit2.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Deserialize;

use crate::config::Config;
use crate::error::GitError;
use crate::findings::{Finding, Level, Report, RuleId};
use crate::git::Repo;

/// Retention in years: SEV-1/2 five, SEV-3/4 three.
fn retention_years(severity: &str) -> i64 {
    if matches!(severity, "SEV-1" | "SEV-2") {
        5
    } else {
        3
    }
}

/// One commit that touched a record, oldest first.
#[derive(Debug, Clone)]
pub struct AuditCommit {
    pub sha: String,
    pub author_name: String,
    pub author_email: String,
    /// Committer time, the moment the change entered the history.
    pub time: DateTime<Utc>,
    /// The commit carries a signature header (`gpgsig`, `gpgsig-sha256`).
    pub signed: bool,
    pub changes: Vec<Change>,
    /// Paths whose version in this commit is not UTF-8 (their text in
    /// `changes` is decoded lossily): `audit-unreadable`, as the loader
    /// refuses such a record.
    pub not_utf8: Vec<String>,
}

/// A change to one record file. Texts are the file contents.
#[derive(Debug, Clone)]
pub enum Change {
    Added {
        path: String,
        text: String,
    },
    Modified {
        path: String,
        old: String,
        new: String,
    },
    Deleted {
        path: String,
        old: String,
    },
    Renamed {
        from: String,
        to: String,
        old: String,
        new: String,
    },
}

/// What the audit reads from a record: lenient, every field optional, so
/// an old version that today's schema would refuse can still be audited.
#[derive(Debug, Clone, Default, Deserialize)]
struct View {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    detected_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    corrective_actions: Vec<ActionView>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ActionView {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    verified_by: Option<String>,
    #[serde(default)]
    approved_by: Option<String>,
}

/// Fields that state what happened; after resolution they change only
/// together with a new timeline entry. The post-mortem (`rca`,
/// `root_cause`, `lessons_learned`), corrective actions and metrics are
/// written after resolution by design and are not listed.
const FACT_FIELDS: [&str; 13] = [
    "id",
    "title",
    "severity",
    "team",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "faulty_commits",
    "files",
    "classification",
    "generation_context",
    "impact",
];

struct Parsed {
    view: View,
    doc: serde_json::Value,
}

fn parse(text: &str) -> Parsed {
    Parsed {
        view: serde_saphyr::from_str::<View>(text).unwrap_or_default(),
        doc: serde_saphyr::from_str::<serde_json::Value>(text).unwrap_or(serde_json::Value::Null),
    }
}

/// Parses each distinct text once: a version is read as the new side of
/// one commit and as the old side (or the last readable base) of the next.
#[derive(Default)]
struct Memo(std::collections::HashMap<String, std::rc::Rc<Parsed>>);

impl Memo {
    fn get(&mut self, text: &str) -> std::rc::Rc<Parsed> {
        if let Some(p) = self.0.get(text) {
            return p.clone();
        }
        // Bounded: a long history keeps only recent versions.
        if self.0.len() >= 512 {
            self.0.clear();
        }
        let p = std::rc::Rc::new(parse(text));
        self.0.insert(text.to_string(), p.clone());
        p
    }
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

fn id_of(p: &Parsed, path: &str) -> String {
    p.view
        .id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| stem(path))
}

fn ts(s: &Option<String>) -> Option<DateTime<FixedOffset>> {
    s.as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
}

fn is_resolved(v: &View) -> bool {
    matches!(v.status.as_deref(), Some("resolved" | "closed")) || v.resolved_at.is_some()
}

fn short(sha: &str) -> &str {
    sha.get(..10).unwrap_or(sha)
}

/// Audits a history (oldest commit first). Findings come from commits at
/// or after `since`; older commits still build the state (ids, contents).
pub fn check(history: &[AuditCommit], cfg: &Config, since: Option<DateTime<Utc>>) -> Report {
    let mut findings = Vec::new();
    // Live records: path → id; ids ever deleted; every path an id lived at.
    let mut live: BTreeMap<String, String> = BTreeMap::new();
    let mut deleted: BTreeSet<String> = BTreeSet::new();
    // path → the last committed version that could be read: a change made
    // while (or right after) a record was broken is compared with it.
    let mut readable: BTreeMap<String, String> = BTreeMap::new();
    let mut memo = Memo::default();
    for c in history {
        let report = since.is_none_or(|s| c.time >= s);
        let mut emit = |f: Finding| {
            if report {
                let lvl = cfg.level(f.rule, f.level);
                if lvl != Level::Off {
                    findings.push(Finding { level: lvl, ..f }.commit(c.sha.clone()));
                }
            }
        };
        if cfg.audit.require_signed && !c.signed {
            emit(
                Finding::new(
                    RuleId::AuditUnsigned,
                    Level::Error,
                    format!(
                        "commit {} by {} <{}> changes incident records without a signature",
                        short(&c.sha),
                        c.author_name,
                        c.author_email
                    ),
                )
                .help("sign commits that touch incident records (`git commit -S`, or `commit.gpgsign true`); `audit.require_signed: true` is set in .aeef.yml"),
            );
        }
        // A record whose id is removed in one file and added in another in
        // the same commit was moved, not deleted and re-created.
        let added_ids: BTreeSet<String> = c
            .changes
            .iter()
            .filter_map(|ch| match ch {
                Change::Added { path, text } => Some(id_of(&memo.get(text), path)),
                _ => None,
            })
            .collect();
        let deleted_ids: BTreeSet<String> = c
            .changes
            .iter()
            .filter_map(|ch| match ch {
                Change::Deleted { path, old } => Some(id_of(&memo.get(old), path)),
                _ => None,
            })
            .collect();
        for ch in &c.changes {
            // The last readable version before this change (of the old
            // path, for a rename).
            let base = match ch {
                Change::Modified { path, .. } => readable.get(path).cloned(),
                Change::Renamed { from, .. } => readable.get(from).cloned(),
                _ => None,
            };
            let mut new_ok = true;
            // Every version a commit leaves behind must be readable.
            if let Some((path, text)) = match ch {
                Change::Added { path, text } => Some((path, text)),
                Change::Modified { path, new, .. } => Some((path, new)),
                Change::Renamed { to, new, .. } => Some((to, new)),
                Change::Deleted { .. } => None,
            } {
                match unreadable(path, text, c.not_utf8.contains(path)) {
                    Some(f) => {
                        new_ok = false;
                        emit(f);
                    }
                    None => {
                        readable.insert(path.clone(), text.clone());
                    }
                }
            }
            match ch {
                Change::Deleted { path, old } => {
                    let p = memo.get(old);
                    let id = id_of(&p, path);
                    live.remove(path);
                    readable.remove(path);
                    if added_ids.contains(&id) {
                        continue;
                    }
                    deleted.insert(id.clone());
                    emit(
                        Finding::new(
                            RuleId::AuditRecordDeleted,
                            Level::Error,
                            format!("record {id} was deleted by {} <{}>", c.author_name, c.author_email),
                        )
                        .incident(id.clone())
                        .file(path.clone())
                        .help(format!("incident records are compliance artifacts: restore it with `git checkout {}^ -- {path}`", short(&c.sha))),
                    );
                    retention(&p.view, &id, path, c, &mut emit);
                }
                Change::Added { path, text } => {
                    let p = memo.get(text);
                    let id = id_of(&p, path);
                    if deleted.contains(&id) && !deleted_ids.contains(&id) {
                        emit(
                            Finding::new(RuleId::AuditIdReused, Level::Error, format!("{id} was deleted earlier and is added again in {path}"))
                                .incident(id.clone())
                                .file(path.clone())
                                .help("give a new incident a new id (`aeef incident new`); restore the old record from history instead of re-creating it"),
                        );
                    } else if let Some((other, _)) =
                        live.iter().find(|(p, i)| **i == id && *p != path)
                    {
                        emit(
                            Finding::new(
                                RuleId::AuditIdReused,
                                Level::Error,
                                format!("{id} is already the id of {other}; {path} reuses it"),
                            )
                            .incident(id.clone())
                            .file(path.clone())
                            .help("each incident has one record: pick a new id for this one"),
                        );
                    }
                    self_verified(None, &p.view, &id, path, c, &mut emit);
                    live.insert(path.clone(), id);
                }
                Change::Modified { path, old, new } => {
                    let id = modified(
                        &mut memo,
                        path,
                        old,
                        new,
                        base.as_deref(),
                        new_ok,
                        c,
                        &mut emit,
                    );
                    live.insert(path.clone(), id);
                }
                Change::Renamed { from, to, old, new } => {
                    live.remove(from);
                    if let Some(t) = readable.remove(from)
                        && !readable.contains_key(to)
                    {
                        readable.insert(to.clone(), t);
                    }
                    let id = modified(
                        &mut memo,
                        to,
                        old,
                        new,
                        base.as_deref(),
                        new_ok,
                        c,
                        &mut emit,
                    );
                    live.insert(to.clone(), id);
                }
            }
        }
    }
    let mut r = Report { findings };
    r.sort();
    r
}

/// `audit-unreadable` when `text`, a committed version of the record at
/// `path`, is refused by the record loader (`aeef incident check`'s
/// `schema`), at the loader's line and column, or was not UTF-8.
fn unreadable(path: &str, text: &str, not_utf8: bool) -> Option<Finding> {
    if not_utf8 {
        return Some(
            Finding::new(
                RuleId::AuditUnreadable,
                Level::Error,
                format!("this version of {path} is not valid UTF-8"),
            )
            .file(path.to_string())
            .help("fix the record in a new commit, saved as UTF-8; the broken version stays in history"),
        );
    }
    let f = crate::incident::store::parse_record(path, text.as_bytes()).err()?;
    let mut out = Finding::new(
        RuleId::AuditUnreadable,
        Level::Error,
        format!("this version of {path} cannot be read: {}", f.message),
    )
    .file(path.to_string())
    .help(format!(
        "fix the record in a new commit ({}); the broken version stays in history, and later changes are audited against the last readable one",
        f.help.as_deref().unwrap_or("`aeef incident check` points at the error")
    ));
    if let Some(id) = f.incident {
        out = out.incident(id);
    }
    if let (Some(l), Some(c)) = (f.line, f.column) {
        out = out.at(l, c);
    }
    Some(out)
}

/// The checks of a record changed from `old` to `new`. `base` is the last
/// readable version before the change (`old` itself when it is readable);
/// `new_ok` says whether `new` is. Facts are compared only between readable
/// versions: breaking a record's syntax is `audit-unreadable`, not an edit,
/// and fixing it again is compared with what it said before it broke.
/// Returns the record's id as `new` states it (else the file's stem).
#[allow(clippy::too_many_arguments)]
fn modified(
    memo: &mut Memo,
    path: &str,
    old: &str,
    new: &str,
    base: Option<&str>,
    new_ok: bool,
    c: &AuditCommit,
    emit: &mut impl FnMut(Finding),
) -> String {
    let pn = memo.get(new);
    let id = id_of(&pn, path);
    // Compared with the last readable version: a `verified_by` that was
    // there before the record broke is not written by the fixing commit.
    let po = match base {
        Some(b) if new_ok => memo.get(b),
        _ => memo.get(old),
    };
    self_verified(Some(&po.view), &pn.view, &id, path, c, emit);
    if !new_ok {
        return id;
    }
    if !is_resolved(&po.view) {
        return id;
    }
    let changed: Vec<&str> = FACT_FIELDS
        .iter()
        .copied()
        .filter(|f| po.doc.get(f) != pn.doc.get(f))
        .collect();
    let reopened = matches!(pn.view.status.as_deref(), Some("open" | "mitigated"));
    let old_tl = po
        .doc
        .get("timeline")
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    let new_tl = pn
        .doc
        .get("timeline")
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    let kept = old_tl.iter().all(|e| new_tl.contains(e));
    let grew = new_tl.iter().any(|e| !old_tl.contains(e));
    let mut what: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
    if reopened {
        what.push("status".into());
    }
    if !kept {
        emit(
            Finding::new(RuleId::AuditRewrittenAfterResolve, Level::Error, format!("{id} is resolved and existing timeline entries were changed or removed"))
                .incident(id.clone())
                .file(path.to_string())
                .help("the timeline is append-only: add a new entry that says what was corrected instead of editing old ones"),
        );
    } else if !what.is_empty() && !grew {
        emit(
            Finding::new(
                RuleId::AuditRewrittenAfterResolve,
                Level::Error,
                format!("{id} is resolved and {} changed without a new timeline entry", what.join(", ")),
            )
            .incident(id.clone())
            .file(path.to_string())
            .help("record why in the same commit: append `- {at: <now>, event: corrected <field>: <reason>}` to `timeline`"),
        );
    }
    id
}

/// `audit-self-verified`: a `verified_by` (or a `wont-do`'s `approved_by`)
/// set or changed by a commit whose author is the action's owner: the
/// record names someone else, but the owner wrote it.
fn self_verified(
    old: Option<&View>,
    new: &View,
    id: &str,
    path: &str,
    c: &AuditCommit,
    emit: &mut impl FnMut(Finding),
) {
    type Field = fn(&ActionView) -> Option<String>;
    let fields: [(&str, Field); 2] = [
        ("verified_by", |a| a.verified_by.clone()),
        ("approved_by", |a| a.approved_by.clone()),
    ];
    for ca in &new.corrective_actions {
        for (key, get) in fields {
            self_signed(old, ca, key, get, id, path, c, emit);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn self_signed(
    old: Option<&View>,
    ca: &ActionView,
    key: &str,
    get: fn(&ActionView) -> Option<String>,
    id: &str,
    path: &str,
    c: &AuditCommit,
    emit: &mut impl FnMut(Finding),
) {
    {
        let value = get(ca);
        let Some(by) = value.as_deref().filter(|s| !s.trim().is_empty()) else {
            return;
        };
        let before = old.and_then(|o| {
            o.corrective_actions
                .iter()
                .find(|a| a.id == ca.id)
                .and_then(get)
        });
        if before.as_deref().is_some_and(|b| same_value(b, by)) {
            return;
        }
        let Some(owner) = ca.owner.as_deref() else {
            return;
        };
        if crate::github::status::author_is_login(&c.author_name, &c.author_email, owner) {
            let ca_id = ca.id.clone().unwrap_or_else(|| "?".into());
            emit(
                Finding::new(
                    RuleId::AuditSelfVerified,
                    Level::Error,
                    format!(
                        "{id} {ca_id}: `{key}: {by}` was committed by the action's owner {owner} ({} <{}>)",
                        c.author_name, c.author_email
                    ),
                )
                .incident(id.to_string())
                .action(ca_id)
                .file(path.to_string())
                .help(format!("this must come from someone other than the owner: have {by} commit the `{key}` line")),
            );
        }
    }
}

/// Whether two texts of a `verified_by` / `approved_by` value name the same
/// login once parsed (`bob`, `"bob"`, ` @bob `): a formatting edit that
/// keeps the value is not a new signature, for the audit and for
/// [`value_setter`] alike.
fn same_value(a: &str, b: &str) -> bool {
    crate::incident::same_login(a.trim(), b.trim())
}

/// The value of `key` (`verified_by` or `approved_by`) of action `ca` in a
/// version of a record, blank values as `None`.
fn action_value(v: &View, ca: &str, key: &str) -> Option<String> {
    let a = v
        .corrective_actions
        .iter()
        .find(|a| a.id.as_deref() == Some(ca))?;
    let val = match key {
        "verified_by" => a.verified_by.clone(),
        "approved_by" => a.approved_by.clone(),
        _ => None,
    }?;
    (!val.trim().is_empty()).then_some(val)
}

/// The commit that set the current value of `key` (`verified_by` or
/// `approved_by`) of action `ca` in the record now at `path`, from the
/// record's versions in `history` (oldest first, [`history`]; renames are
/// followed back): the earliest commit of the latest run of versions whose
/// parsed value is the current one. Who "committed the `verified_by`"
/// follows the value, not the last edit of its line, so a re-quoting or
/// re-indenting commit by someone else does not take over an owner's
/// self-verification (issue 11; DESIGN §4), and a deletion between two
/// versions does not end the run. `None` when the last version has no
/// such value. Returns the value found with its setter.
pub fn value_setter<'a>(
    history: &'a [AuditCommit],
    path: &str,
    ca: &str,
    key: &str,
) -> Option<(&'a AuditCommit, String)> {
    // The names the record had, followed back through renames.
    let mut names = BTreeSet::from([path.to_string()]);
    let mut current = path.to_string();
    for c in history.iter().rev() {
        for ch in &c.changes {
            if let Change::Renamed { from, to, .. } = ch
                && *to == current
            {
                current = from.clone();
                names.insert(current.clone());
            }
        }
    }
    let mut memo = Memo::default();
    let mut value: Option<String> = None;
    let mut setter: Option<&AuditCommit> = None;
    for c in history {
        for ch in &c.changes {
            // A deletion is no new value: a record deleted and added
            // back with the same value keeps its setter (re-adding an
            // owner's own verification does not make it someone else's,
            // as `aeef audit` reports it), and a different value re-added
            // is set by the commit that adds it.
            let text = match ch {
                Change::Added { path, text } if names.contains(path) => Some(text),
                Change::Modified { path, new, .. } if names.contains(path) => Some(new),
                Change::Renamed { to, new, .. } if names.contains(to) => Some(new),
                _ => continue,
            };
            let now = text.and_then(|t| action_value(&memo.get(t).view, ca, key));
            let kept = match (&value, &now) {
                (Some(a), Some(b)) => same_value(a, b),
                (None, None) => true,
                _ => false,
            };
            if !kept {
                setter = now.is_some().then_some(c);
            }
            value = now;
        }
    }
    // With the value it found: the versions are read in one line of
    // history, and where branches met the last version read may not be the
    // record as it stands (a merge that kept one side), which the caller
    // checks ([`holds_value`]).
    Some((setter?, value?))
}

/// Whether `text` (a record as it stands) holds `value` as `key` of
/// action `ca`, compared as [`value_setter`] compares versions.
pub fn holds_value(text: &str, ca: &str, key: &str, value: &str) -> bool {
    let mut memo = Memo::default();
    action_value(&memo.get(text).view, ca, key).is_some_and(|v| same_value(&v, value))
}

fn retention(v: &View, id: &str, path: &str, c: &AuditCommit, emit: &mut impl FnMut(Finding)) {
    let Some(sev) = v.severity.as_deref() else {
        return;
    };
    let Some(anchor) = ts(&v.resolved_at).or_else(|| ts(&v.detected_at)) else {
        return;
    };
    let years = retention_years(sev);
    // Calendar years; a leap day falls back to 28 February.
    let until = anchor
        .checked_add_months(chrono::Months::new(12 * years as u32))
        .unwrap_or(anchor + Duration::days(365 * years));
    if c.time < until {
        emit(
            Finding::new(
                RuleId::AuditRetention,
                Level::Error,
                format!("{id} ({sev}) was removed before its {years}-year retention ended on {}", until.date_naive()),
            )
            .incident(id.to_string())
            .file(path.to_string())
            .help(format!("{sev} records are kept {years} years after resolution (detection when unresolved); restore it with `git checkout {}^ -- {path}`", short(&c.sha))),
        );
    }
}

/// The history of `tip` (HEAD when `None`), oldest first in topological
/// order; `None` on an unborn HEAD (no history yet).
fn oldest_first<'r>(
    r: &'r git2::Repository,
    tip: Option<&str>,
) -> Result<Option<git2::Revwalk<'r>>, GitError> {
    let mut walk = r.revwalk()?;
    match tip {
        Some(tip) => walk.push(git2::Oid::from_str(tip)?)?,
        None if r.head().is_err() => return Ok(None),
        None => walk.push_head()?,
    }
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    Ok(Some(walk))
}

/// Reads the history of `dir` (the incidents folder) up to `tip` (a commit
/// id; HEAD when `None`), oldest first, with libgit2. A merge contributes
/// only what differs from all its parents. Fails with [`GitError::Shallow`]
/// in a shallow clone and [`GitError::InvalidPath`] when `dir` holds a NUL
/// byte.
pub fn history(repo: &Repo, dir: &str, tip: Option<&str>) -> Result<Vec<AuditCommit>, GitError> {
    // libgit2 takes pathspecs as C strings: a NUL byte would abort the run.
    if let Some(at) = dir.find(['\0']) {
        return Err(GitError::InvalidPath {
            key: "incidents_dir".into(),
            reason: format!("it contains a NUL byte (at byte {at})"),
        });
    }
    let r = repo.git2();
    if r.is_shallow() || !repo.shallow_commits().is_empty() {
        return Err(GitError::Shallow {
            what: "the audit reads the whole history of the incident records".into(),
        });
    }
    let Some(walk) = oldest_first(r, tip)? else {
        return Ok(Vec::new());
    };
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    let is_record =
        |p: &str| p.starts_with(&prefix) && (p.ends_with(".yaml") || p.ends_with(".yml"));
    // A blob the repository cannot produce (a partial clone, corruption)
    // must stop the audit: read as empty it would pass every check.
    // Lossy texts of blobs that are not UTF-8, to name them unreadable.
    let lossy: std::cell::RefCell<BTreeSet<String>> = Default::default();
    let text = |oid: git2::Oid| -> Result<String, GitError> {
        let b = r.find_blob(oid).map_err(|e| GitError::CommandFailed {
            command: format!("read blob {oid}"),
            stderr: e.message().to_string(),
        })?;
        Ok(match std::str::from_utf8(b.content()) {
            Ok(t) => t.to_string(),
            Err(_) => {
                let t = String::from_utf8_lossy(b.content()).into_owned();
                lossy.borrow_mut().insert(t.clone());
                t
            }
        })
    };
    // The record changes between `parent` (None: the empty tree) and `tree`.
    let changes_between = |parent: Option<&git2::Tree>,
                           tree: &git2::Tree|
     -> Result<Vec<Change>, GitError> {
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(&prefix);
        let mut diff = r.diff_tree_to_tree(parent, Some(tree), Some(&mut opts))?;
        diff.find_similar(Some(git2::DiffFindOptions::new().renames(true)))?;
        let mut changes = Vec::new();
        for d in diff.deltas() {
            let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().replace('\\', "/"));
            let (Some(old_path), Some(new_path)) = (path(d.old_file()), path(d.new_file())) else {
                continue;
            };
            let ch = match d.status() {
                git2::Delta::Added if is_record(&new_path) => Change::Added {
                    text: text(d.new_file().id())?,
                    path: new_path,
                },
                git2::Delta::Deleted if is_record(&old_path) => Change::Deleted {
                    old: text(d.old_file().id())?,
                    path: old_path,
                },
                git2::Delta::Modified | git2::Delta::Typechange if is_record(&new_path) => {
                    Change::Modified {
                        old: text(d.old_file().id())?,
                        new: text(d.new_file().id())?,
                        path: new_path,
                    }
                }
                git2::Delta::Renamed if is_record(&old_path) && is_record(&new_path) => {
                    let (old, new) = (text(d.old_file().id())?, text(d.new_file().id())?);
                    // Records share a template, so rename detection pairs a
                    // deleted record with a new, similar one: a different id
                    // is a deletion and an addition, never a move.
                    if id_of(&parse(&old), &old_path) != id_of(&parse(&new), &new_path) {
                        changes.push(Change::Deleted {
                            old,
                            path: old_path,
                        });
                        Change::Added {
                            text: new,
                            path: new_path,
                        }
                    } else {
                        Change::Renamed {
                            old,
                            new,
                            from: old_path,
                            to: new_path,
                        }
                    }
                }
                git2::Delta::Renamed if is_record(&old_path) => Change::Deleted {
                    old: text(d.old_file().id())?,
                    path: old_path,
                },
                // A draft renamed into a record path is a new record.
                git2::Delta::Renamed if is_record(&new_path) => Change::Added {
                    text: text(d.new_file().id())?,
                    path: new_path,
                },
                _ => continue,
            };
            changes.push(ch);
        }
        Ok(changes)
    };
    let mut out = Vec::new();
    for oid in walk {
        let c = r.find_commit(oid?)?;
        let tree = c.tree()?;
        let changes = match c.parent_count() {
            0 => changes_between(None, &tree)?,
            1 => changes_between(Some(&c.parent(0)?.tree()?), &tree)?,
            // A merge's own changes are those that differ from every parent
            // (a record deleted or rewritten while resolving it); the rest
            // came in with a parent whose commits are walked themselves.
            n => {
                let first = changes_between(Some(&c.parent(0)?.tree()?), &tree)?;
                let mut others = Vec::new();
                for i in 1..n {
                    let paths: Vec<String> = changes_between(Some(&c.parent(i)?.tree()?), &tree)?
                        .iter()
                        .map(|ch| change_path(ch).to_string())
                        .collect();
                    others.push(paths);
                }
                first
                    .into_iter()
                    .filter(|ch| {
                        others
                            .iter()
                            .all(|paths| paths.iter().any(|p| p == change_path(ch)))
                    })
                    .collect()
            }
        };
        if changes.is_empty() {
            continue;
        }
        let not_utf8 = {
            let lossy = lossy.borrow();
            changes
                .iter()
                .filter_map(|ch| match ch {
                    Change::Added { path, text: t }
                    | Change::Modified { path, new: t, .. }
                    | Change::Renamed {
                        to: path, new: t, ..
                    } => lossy.contains(t).then(|| path.clone()),
                    Change::Deleted { .. } => None,
                })
                .collect()
        };
        let author = c.author();
        let time =
            chrono::DateTime::from_timestamp(c.committer().when().seconds(), 0).unwrap_or_default();
        out.push(AuditCommit {
            sha: oid_string(&c),
            author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            time,
            signed: r.extract_signature(&c.id(), None).is_ok(),
            changes,
            not_utf8,
        });
    }
    Ok(out)
}

/// The path a change leaves behind (the old one for a deletion).
fn change_path(ch: &Change) -> &str {
    match ch {
        Change::Added { path, .. }
        | Change::Modified { path, .. }
        | Change::Deleted { path, .. } => path,
        Change::Renamed { to, .. } => to,
    }
}

fn oid_string(c: &git2::Commit) -> String {
    c.id().to_string()
}

/// One commit that changed `.aeef.yml`, with its waivers before and after
/// (the adapter [`config_history`] reads them; a version that cannot be
/// parsed counts as having no waivers).
#[derive(Debug, Clone)]
pub struct WaiverCommit {
    pub sha: String,
    pub author_name: String,
    pub author_email: String,
    pub time: DateTime<Utc>,
    pub before: Vec<crate::config::Waiver>,
    pub after: Vec<crate::config::Waiver>,
}

/// `audit-self-verified` for waivers (DESIGN §5): a waiver added or changed
/// by a commit whose author owns an action the waiver covers — the person
/// it exempts wrote it, whoever `approved_by` names. Owners come from the
/// current records (`records`).
pub fn check_waivers(
    history: &[WaiverCommit],
    records: &[crate::incident::store::LoadedIncident],
    cfg: &Config,
    since: Option<DateTime<Utc>>,
) -> Vec<Finding> {
    let level = cfg.level(RuleId::AuditSelfVerified, Level::Error);
    if level == Level::Off {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in history.iter().filter(|c| since.is_none_or(|s| c.time >= s)) {
        for w in c.after.iter().filter(|w| !c.before.contains(w)) {
            let owners = records
                .iter()
                .filter(|r| r.incident.id == w.incident)
                .flat_map(|r| r.incident.corrective_actions.iter())
                .filter(|a| w.corrective_action.as_deref().is_none_or(|id| id == a.id))
                .filter_map(|a| a.owner.as_deref());
            for owner in owners {
                if crate::github::status::author_is_login(&c.author_name, &c.author_email, owner) {
                    out.push(
                        Finding::new(
                            RuleId::AuditSelfVerified,
                            level,
                            format!(
                                "a waiver of `{}` for {}{} (approved_by: {}) was committed by {owner}, the owner it exempts ({} <{}>)",
                                w.rule,
                                w.incident,
                                w.corrective_action
                                    .as_deref()
                                    .map(|a| format!("/{a}"))
                                    .unwrap_or_default(),
                                w.approved_by,
                                c.author_name,
                                c.author_email
                            ),
                        )
                        .incident(w.incident.clone())
                        .commit(c.sha.clone())
                        .file(crate::config::FILE_NAME)
                        .help(format!("a waiver must come from someone other than the owner it exempts: have {} commit it", w.approved_by)),
                    );
                    break;
                }
            }
        }
    }
    out
}

/// Every commit on the history of `tip` (HEAD when `None`) that changed
/// `.aeef.yml`, oldest first, with the waivers of the version before and
/// after it.
pub fn config_history(repo: &Repo, tip: Option<&str>) -> Result<Vec<WaiverCommit>, GitError> {
    let r = repo.git2();
    let Some(walk) = oldest_first(r, tip)? else {
        return Ok(Vec::new());
    };
    let path = std::path::Path::new(crate::config::FILE_NAME);
    let waivers_of = |tree: Option<git2::Tree<'_>>| -> Vec<crate::config::Waiver> {
        tree.and_then(|t| t.get_path(path).ok())
            .and_then(|e| r.find_blob(e.id()).ok())
            .and_then(|b| crate::config::Config::parse(b.content()).ok())
            .map(|c| c.waivers)
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for oid in walk {
        let c = r.find_commit(oid?)?;
        let after_id = c.tree()?.get_path(path).ok().map(|e| e.id());
        let before_tree = c.parent(0).ok().and_then(|p| p.tree().ok());
        let before_id = before_tree
            .as_ref()
            .and_then(|t| t.get_path(path).ok())
            .map(|e| e.id());
        if after_id == before_id || after_id.is_none() {
            continue;
        }
        let a = c.author();
        out.push(WaiverCommit {
            sha: c.id().to_string(),
            author_name: a.name().unwrap_or("").to_string(),
            author_email: a.email().unwrap_or("").to_string(),
            time: DateTime::from_timestamp(c.time().seconds(), 0).unwrap_or_default(),
            before: waivers_of(before_tree),
            after: waivers_of(c.tree().ok()),
        });
    }
    Ok(out)
}
