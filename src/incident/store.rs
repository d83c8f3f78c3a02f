//! Finding and reading incident records on disk. Every way a record can be
//! unreadable (bytes that are not UTF-8, an empty file, a YAML syntax error,
//! a wrong type, a value outside an enum, an unknown key, a timestamp
//! without a time zone, two files with one id) becomes a `schema` finding
//! that points at the file, line and column and says how to fix it.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use regex::Regex;

use super::Incident;
use super::yaml::{KeyIndex, Pos, line_col_of, offset_of};
use crate::config::Config;
use crate::findings::{Finding, Level, RuleId};

/// One record read from disk.
#[derive(Debug, Clone)]
pub struct LoadedIncident {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The file's text, for diagnostics.
    pub source: String,
    pub incident: Incident,
    /// Where each key stands in `source`, for findings.
    pub index: KeyIndex,
}

/// Id of an incident record: `INC-YYYY-NNN` (three or more digits).
pub static ID_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^INC-[0-9]{4}-[0-9]{3,}$").expect("static regex"));
/// Id of a corrective action: `CA-n`.
pub static CA_ID_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^CA-[1-9][0-9]*$").expect("static regex"));
/// An abbreviated or full commit id.
pub static SHA_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9a-fA-F]{4,64}$").expect("static regex"));

/// Keys whose values are timestamps with a mandatory time zone.
const TIMESTAMP_KEYS: &[&str] = &[
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "at",
    "verified_at",
    "evaluated_at",
];

/// The id a record file's name gives (DESIGN §3: `incidents/<id>.yaml`):
/// the last path component without `.yaml` / `.yml`. The `record-file-name`
/// rule compares it with the record's `id`.
pub fn record_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

/// Every `*.yaml` / `*.yml` file under `<root>/<cfg.incidents_dir>`, sorted.
/// What the walk cannot read as a record is not listed: [`scan_dir`] says
/// what it is.
pub fn record_paths(root: &Path, cfg: &Config) -> Vec<PathBuf> {
    scan_dir(root, &root.join(&cfg.incidents_dir)).0
}

/// What a record's file name must end with (lower case, as
/// `aeef incident new` writes it).
fn record_extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") {
        Some(".yaml")
    } else if lower.ends_with(".yml") {
        Some(".yml")
    } else {
        None
    }
}

/// Walks `dir` for records: regular `*.yaml` / `*.yml` files, sorted. Every
/// entry that looks like a record but cannot be read as one is a `schema`
/// finding instead of a silent skip (DESIGN §3, issue 12): a symlink (never
/// followed: it could lead out of the repository), a FIFO, socket or device,
/// a directory named `*.yaml`, an upper-case `*.YAML` / `*.Yml` that other
/// tools would read and aeef would not, and a folder that cannot be listed.
/// A missing `dir` yields nothing (the caller decides what that means).
pub fn scan_dir(root: &Path, dir: &Path) -> (Vec<PathBuf>, Vec<Finding>) {
    let mut files = Vec::new();
    let mut bad = Vec::new();
    let finding = |path: &Path, message: String, help: &str| {
        let rel = relative(root, path);
        Finding::new(RuleId::Schema, Level::Error, message)
            .file(rel)
            .help(help)
    };
    if !dir.exists() && std::fs::symlink_metadata(dir).is_err() {
        return (files, bad);
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let why = err
                    .io_error()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| err.to_string());
                bad.push(finding(
                    &path,
                    format!(
                        "cannot list {}: {why}; records in it would be skipped",
                        relative(root, &path)
                    ),
                    "make the incidents folder readable (and searchable) by the user running aeef",
                ));
                continue;
            }
        };
        if e.depth() == 0 {
            continue;
        }
        let name = e.file_name().to_string_lossy();
        let t = e.file_type();
        let Some(ext) = record_extension(&name) else {
            // A linked folder would hide the records under it.
            if t.is_symlink() && e.path().is_dir() {
                bad.push(finding(
                    e.path(),
                    format!(
                        "{} is a symlink to a folder; aeef does not follow it, so records under it are not read",
                        relative(root, e.path())
                    ),
                    "move the records into the incidents folder itself",
                ));
            }
            continue;
        };
        let rel = relative(root, e.path());
        if t.is_symlink() {
            bad.push(finding(
                e.path(),
                format!("{rel} is a symlink; aeef does not follow symlinks to records"),
                "commit the record itself in the incidents folder, not a link to it",
            ));
        } else if t.is_dir() {
            bad.push(finding(
                e.path(),
                format!("{rel} is a directory, not a record"),
                "rename the directory so its name does not end in .yaml / .yml",
            ));
        } else if !t.is_file() {
            let kind = std::fs::symlink_metadata(e.path())
                .map(|m| crate::safe_fs::kind_of(&m))
                .unwrap_or("special file");
            bad.push(finding(
                e.path(),
                format!("{rel} is a {kind}, not a regular file"),
                "records are ordinary YAML files; remove this entry",
            ));
        } else if !name.ends_with(ext) {
            bad.push(finding(
                e.path(),
                format!("{rel} has an upper-case extension; aeef reads only `{ext}`"),
                "rename the file with a lower-case extension (`git mv`)",
            ));
        } else {
            files.push(e.into_path());
        }
    }
    files.sort();
    (files, bad)
}

/// Loads every record under the incidents directory; a record that cannot
/// be read becomes a `schema` finding instead, and so does every entry of
/// the folder that looks like a record but cannot be read as one
/// ([`scan_dir`]). A configured `incidents_dir` that does not exist is a
/// `config` finding pointing at the key in `.aeef.yml` (exit 2: a typo must
/// not pass as "no incidents"); the default folder missing is no finding
/// ([`missing_default_dir`] lets a command say so).
pub fn load_all(root: &Path, cfg: &Config) -> (Vec<LoadedIncident>, Vec<Finding>) {
    let dir = root.join(&cfg.incidents_dir);
    let (files, mut unseen) = scan_dir(root, &dir);
    let configured = cfg.positions.of("incidents_dir");
    if let Ok(m) = std::fs::metadata(&dir)
        && !m.is_dir()
    {
        let mut f = Finding::new(
            if configured.is_some() {
                RuleId::Config
            } else {
                RuleId::Schema
            },
            Level::Error,
            format!(
                "the incidents folder `{}` is a {}, not a folder",
                crate::redact::escape_controls(&cfg.incidents_dir),
                crate::safe_fs::kind_of(&m)
            ),
        )
        .help("records live in a folder, one YAML file per incident; move this entry aside");
        f = match configured {
            Some((line, column)) => f.file(crate::config::FILE_NAME).at(line, column),
            None => f.file(cfg.incidents_dir.clone()),
        };
        unseen.push(f);
    } else if files.is_empty()
        && unseen.is_empty()
        && !dir.is_dir()
        && let Some((line, column)) = cfg.positions.of("incidents_dir")
    {
        unseen.push(
            Finding::new(
                RuleId::Config,
                Level::Error,
                format!(
                    "the configured incidents_dir `{}` does not exist",
                    crate::redact::escape_controls(&cfg.incidents_dir)
                ),
            )
            .file(crate::config::FILE_NAME)
            .at(line, column)
            .help(
                "correct `incidents_dir` in .aeef.yml, or create the folder (`aeef init` does); nothing was checked",
            ),
        );
    }
    let (ok, mut bad) = load_paths(root, &files);
    bad.extend(unseen);
    (ok, bad)
}

/// Loads the records from the tree of commit `rev` instead of the work
/// tree (DESIGN §5, records at a revision): what a bare repository, or
/// `--rev REV`, holds. The same rules as [`load_all`]: every blob under
/// `incidents_dir` named `*.yaml`/`*.yml` is parsed as a record; a symlink,
/// a submodule, an upper-case `*.YAML` or a blob over the record size limit
/// is a `schema` finding, never a silent skip. A folder the tree lacks
/// yields no records (the caller prints the note); a configured one is a
/// `config` finding, as in the work tree.
pub fn load_from_tree(
    repo: &git2::Repository,
    commit: git2::Oid,
    cfg: &Config,
) -> Result<(Vec<LoadedIncident>, Vec<Finding>), git2::Error> {
    let tree = repo.find_commit(commit)?.tree()?;
    let dir = cfg.incidents_dir.trim_end_matches('/');
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let sub = match tree.get_path(Path::new(dir)) {
        Ok(e) if e.kind() == Some(git2::ObjectType::Tree) => repo.find_tree(e.id())?,
        // A symbolic link, a submodule or a file where the folder should
        // be: the records cannot be read, which is never "no records" (the
        // gate would pass on zero of them), configured folder or default.
        Ok(e) => {
            let what = match e.filemode() {
                0o120000 => "a symbolic link",
                0o160000 => "a submodule",
                _ => "a file",
            };
            let mut f = Finding::new(
                RuleId::Config,
                Level::Error,
                format!(
                    "the incidents folder `{}` is {what} in the tree of {}, not a folder: no record could be read",
                    crate::redact::escape_controls(dir),
                    &commit.to_string()[..12]
                ),
            )
            .help("commit the records in a folder (aeef reads a revision's records from its tree, where a link is not followed), or point `incidents_dir` in .aeef.yml at that folder; nothing was checked");
            f = match cfg.positions.of("incidents_dir") {
                Some((line, column)) => f.file(crate::config::FILE_NAME).at(line, column),
                None => f.file(dir),
            };
            bad.push(f);
            return Ok((ok, bad));
        }
        Err(_) => {
            if let Some((line, column)) = cfg.positions.of("incidents_dir") {
                bad.push(
                    Finding::new(
                        RuleId::Config,
                        Level::Error,
                        format!(
                            "the configured incidents_dir `{}` is not a folder in the tree of {}",
                            crate::redact::escape_controls(&cfg.incidents_dir),
                            &commit.to_string()[..12]
                        ),
                    )
                    .file(crate::config::FILE_NAME)
                    .at(line, column)
                    .help("correct `incidents_dir` in .aeef.yml; nothing was checked"),
                );
            }
            return Ok((ok, bad));
        }
    };
    let mut entries: Vec<(String, git2::Oid, i32)> = Vec::new();
    sub.walk(git2::TreeWalkMode::PreOrder, |parent, e| {
        if let Ok(name) = e.name() {
            let rel = format!("{dir}/{parent}{name}");
            if record_extension(name).is_some() {
                entries.push((rel, e.id(), e.filemode()));
                // A folder named like a record is refused, never walked
                // into: the same answer as in a work tree (scan_dir).
                if e.kind() == Some(git2::ObjectType::Tree) {
                    return git2::TreeWalkResult::Skip;
                }
            }
        }
        git2::TreeWalkResult::Ok
    })?;
    entries.sort();
    for (rel, oid, mode) in entries {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let lower_ok = name.ends_with(".yaml") || name.ends_with(".yml");
        let problem = if mode == 0o040000 {
            Some("is a directory, not a record")
        } else if mode == 0o120000 {
            Some("is a symlink; records are never read through links")
        } else if mode == 0o160000 {
            Some("is a submodule, not a record")
        } else if !lower_ok {
            Some("has an upper-case extension; name records `*.yaml`")
        } else {
            None
        };
        if let Some(p) = problem {
            bad.push(
                Finding::new(RuleId::Schema, Level::Error, format!("{rel} {p}"))
                    .file(rel.clone())
                    .help("make it a regular `*.yaml` file in the incidents folder"),
            );
            continue;
        }
        let blob = repo.find_blob(oid)?;
        if blob.size() as u64 > crate::safe_fs::RECORD_MAX_BYTES {
            bad.push(
                Finding::new(
                    RuleId::Schema,
                    Level::Error,
                    format!(
                        "{rel} is larger than a record may be ({} bytes)",
                        blob.size()
                    ),
                )
                .file(rel.clone())
                .help("a record is a few kB of YAML; split attachments out of it"),
            );
            continue;
        }
        match parse_record_all(&rel, blob.content()) {
            Ok(r) => ok.push(r),
            Err(f) => bad.extend(f),
        }
    }
    bad.extend(duplicate_ids(&ok));
    Ok((ok, bad))
}

/// True when the incidents folder is the default one (not set in
/// `.aeef.yml`) and does not exist: a note for the user, not an error.
pub fn missing_default_dir(root: &Path, cfg: &Config) -> bool {
    cfg.positions.of("incidents_dir").is_none()
        && std::fs::symlink_metadata(root.join(&cfg.incidents_dir)).is_err()
}

/// The note a reading command prints on stderr when
/// [`missing_default_dir`] holds (DESIGN §5: finding no incidents folder is
/// a note, not a silent pass).
pub fn missing_dir_note(root: &Path, cfg: &Config) -> Option<String> {
    missing_default_dir(root, cfg).then(|| {
        format!(
            "note: no incidents folder ({}/) in {}: no incident records were read",
            cfg.incidents_dir,
            root.display()
        )
    })
}

/// `path` relative to `root`, `/`-separated (as given when outside).
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Loads the given files (and, for directories, the records beneath them),
/// then reports ids used by more than one file.
pub fn load_paths(root: &Path, paths: &[PathBuf]) -> (Vec<LoadedIncident>, Vec<Finding>) {
    // Parsing dominates a check over many records and each file is
    // independent: spread the files over the available cores, keep order.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = paths.len().div_ceil(threads).max(64);
    let jail = crate::safe_fs::Jail::new(root);
    let jail = &jail;
    let results: Vec<Result<LoadedIncident, Vec<Finding>>> = if paths.len() <= chunk {
        paths.iter().map(|p| load_one(jail, p)).collect()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = paths
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || part.iter().map(|p| load_one(jail, p)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                // A worker only panics on a bug: surface it, never drop records.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut ok = Vec::with_capacity(results.len());
    let mut bad = Vec::new();
    for r in results {
        match r {
            Ok(rec) => ok.push(rec),
            Err(f) => bad.extend(f),
        }
    }
    bad.extend(duplicate_ids(&ok));
    (ok, bad)
}

fn load_one(jail: &crate::safe_fs::Jail, p: &Path) -> Result<LoadedIncident, Vec<Finding>> {
    let root = jail.root();
    let rel = relative(root, p);
    // Inside the work tree, a regular file of bounded size (safe_fs); a
    // record named on the command line outside the repository is still
    // regular and bounded.
    let read = if p.starts_with(root) {
        jail.read(p, crate::safe_fs::RECORD_MAX_BYTES)
    } else {
        crate::safe_fs::read_regular(p, crate::safe_fs::RECORD_MAX_BYTES)
    };
    match read {
        Ok(bytes) => parse_record_all(&rel, &bytes),
        Err(r) => Err(vec![
            Finding::new(RuleId::Schema, Level::Error, r.describe(&rel))
                .file(rel)
                .help(r.help()),
        ]),
    }
}

/// A `schema` finding for each record whose id another file already uses.
/// Both paths are named; the finding points at the later file's `id`.
pub fn duplicate_ids(records: &[LoadedIncident]) -> Vec<Finding> {
    let mut first: HashMap<&str, &LoadedIncident> = HashMap::new();
    let mut out = Vec::new();
    for r in records {
        let id = r.incident.id.as_str();
        match first.get(id) {
            Some(prev) => {
                let pos = r.index.nearest("id");
                out.push(
                    Finding::new(
                        RuleId::Schema,
                        Level::Error,
                        format!(
                            "incident id `{id}` is used by both {} and {}",
                            prev.path, r.path
                        ),
                    )
                    .incident(id)
                    .file(&r.path)
                    .at(pos.line, pos.column)
                    .help(
                        "every record needs its own id; renumber one of them (`aeef incident new` allocates a free one)",
                    ),
                );
            }
            None => {
                first.insert(id, r);
            }
        }
    }
    out
}

fn schema_at(
    rel: &str,
    pos: Pos,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Box<Finding> {
    Box::new(
        Finding::new(RuleId::Schema, Level::Error, message)
            .file(rel)
            .at(pos.line, pos.column)
            .help(help),
    )
}

/// Reads one record from its bytes. `rel` names it in findings. On
/// refusal, the first error in document order ([`parse_record_all`] has
/// them all).
pub fn parse_record(rel: &str, bytes: &[u8]) -> Result<LoadedIncident, Box<Finding>> {
    parse_record_all(rel, bytes).map_err(|mut v| Box::new(v.swap_remove(0)))
}

/// Reads one record from its bytes, or says everything that is wrong with
/// it in one run (issue 14): every timestamp without a zone, every
/// pattern (ids, commit ids, empty text) and, when serde refuses the record,
/// every unknown key, enum value, missing key and misplaced type the schema
/// walk ([`super::validate`]) finds, in document order. A YAML syntax error,
/// bytes that are not UTF-8 or an empty file stop the reading: one finding.
/// Never empty on `Err`.
pub fn parse_record_all(rel: &str, bytes: &[u8]) -> Result<LoadedIncident, Vec<Finding>> {
    let one = |f: Box<Finding>| vec![*f];
    let source = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = line_col_of(bytes, at);
            return Err(vec![
                Finding::new(
                    RuleId::Schema,
                    Level::Error,
                    format!(
                        "the record is not valid UTF-8 (byte 0x{:02x} at offset {at})",
                        bytes[at]
                    ),
                )
                .file(rel)
                .at(line, column)
                .help("save the file as UTF-8; YAML records must be UTF-8 text"),
            ]);
        }
    };
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let index = match KeyIndex::build(source) {
        Ok(i) => i,
        Err(e) => {
            return Err(one(schema_at(
                rel,
                e.pos,
                format!("YAML syntax error: {}", e.message),
                "fix the YAML syntax at this position (indentation, quotes, brackets)",
            )));
        }
    };
    let root = index.value("");
    if root.is_none_or(|v| v.scalar.as_deref().is_some_and(|s| s.trim().is_empty())) {
        return Err(one(schema_at(
            rel,
            Pos {
                line: 1,
                column: 1,
                offset: 0,
                len: 1,
            },
            "the record is empty",
            "a record needs at least `id`, `title`, `severity`, `status` and `detected_at`; `aeef incident new` writes one",
        )));
    }
    if let Some(v) = root
        && v.scalar.is_some()
    {
        return Err(one(schema_at(
            rel,
            v.pos,
            "the record is not a mapping of keys to values",
            "write the record as `key: value` lines (`id: INC-2026-001`, `title: …`)",
        )));
    }
    let mut errors = check_timestamps(rel, &index);
    let incident = match serde_saphyr::from_str::<Incident>(source) {
        Ok(i) => i,
        Err(e) => {
            errors.extend(check_patterns(rel, &Texts::of_index(&index)));
            errors.extend(super::validate::schema_errors(rel, source, &index));
            // serde's own error, unless the walks already said it there.
            let f = serde_finding(rel, source, &index, &e);
            if !errors.iter().any(|g| g.line == f.line) {
                errors.push(*f);
            }
            return Err(sorted(errors));
        }
    };
    errors.extend(check_patterns(rel, &Texts::of_record(&incident, &index)));
    if errors.is_empty() {
        errors.extend(incident.impossible_values().into_iter().map(|v| {
            let pos = index
                .value(&v.path)
                .map(|x| x.pos)
                .unwrap_or_else(|| index.nearest(&v.path));
            *schema_at(rel, pos, v.message, v.help)
        }));
    }
    if !errors.is_empty() {
        return Err(sorted(errors));
    }
    let mut index = index;
    index.compact();
    Ok(LoadedIncident {
        path: rel.to_string(),
        source: source.to_string(),
        incident,
        index,
    })
}

/// Findings in document order, one per position.
fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
    v.sort_by_key(|f| (f.line, f.column));
    // Several findings may share a position (every required key missing
    // from one mapping points at it); only the same finding twice goes.
    let mut seen = std::collections::HashSet::new();
    v.retain(|f| seen.insert((f.line, f.column, f.message.clone())));
    v
}

/// A timestamp written without a time zone is ambiguous: say so (for each
/// one) before serde reports a generic parse failure.
fn check_timestamps(rel: &str, index: &KeyIndex) -> Vec<Finding> {
    let mut out = Vec::new();
    for path in index.paths() {
        let last = path.rsplit('.').next().unwrap_or(path);
        if !TIMESTAMP_KEYS.contains(&last) {
            continue;
        }
        let Some(v) = index.value(path) else { continue };
        let Some(text) = v.scalar.as_deref() else {
            continue;
        };
        let t = text.trim();
        if t.is_empty() || t == "~" || t == "null" || DateTime::parse_from_rfc3339(t).is_ok() {
            continue;
        }
        let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
            || NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").is_ok()
            || NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").is_ok()
            || NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok();
        let (message, help) = if naive {
            (
                format!("`{last}` has no time zone: `{t}`"),
                format!(
                    "write the offset explicitly, e.g. `{}Z` for UTC or `+01:00`",
                    if t.len() == 10 {
                        format!("{t}T00:00:00")
                    } else {
                        t.to_string()
                    }
                ),
            )
        } else {
            (
                format!("`{last}` is not an RFC 3339 timestamp: `{t}`"),
                "write it as `2026-11-02T09:14:00Z` (date, `T`, time, time zone)".to_string(),
            )
        };
        out.push(*schema_at(rel, v.pos, message, help));
    }
    out
}

/// A text of the record with the position it is reported at.
type At<'a> = Option<(Pos, &'a str)>;

/// The texts [`check_patterns`] judges: from the typed record when serde
/// read it (aliases resolved), else from the scalars of the key index (so
/// the patterns are still checked, and reported with the other errors, when
/// serde stopped early).
struct Texts<'a> {
    id: At<'a>,
    title: At<'a>,
    commits: Vec<At<'a>>,
    /// Each corrective action's `id` and `action`.
    actions: Vec<(At<'a>, At<'a>)>,
}

impl<'a> Texts<'a> {
    fn of_record(inc: &'a Incident, index: &KeyIndex) -> Self {
        let at = |path: &str, text: &'a str| {
            let pos = index
                .value(path)
                .map(|v| v.pos)
                .unwrap_or_else(|| index.nearest(path));
            Some((pos, text))
        };
        Texts {
            id: at("id", &inc.id),
            title: at("title", &inc.title),
            commits: inc
                .faulty_commits
                .iter()
                .enumerate()
                .map(|(i, c)| at(&format!("faulty_commits[{i}]"), c))
                .collect(),
            actions: inc
                .corrective_actions
                .iter()
                .enumerate()
                .map(|(i, ca)| {
                    (
                        at(&format!("corrective_actions[{i}].id"), &ca.id),
                        at(&format!("corrective_actions[{i}].action"), &ca.action),
                    )
                })
                .collect(),
        }
    }

    fn of_index(index: &'a KeyIndex) -> Self {
        let at = |path: &str| {
            index
                .value(path)
                .and_then(|v| v.scalar.as_deref().map(|s| (v.pos, s)))
        };
        let items = |seq: &str| {
            (0..)
                .map(|i| format!("{seq}[{i}]"))
                .take_while(|p| index.value(p).is_some())
                .collect::<Vec<_>>()
        };
        Texts {
            id: at("id"),
            title: at("title"),
            commits: items("faulty_commits").iter().map(|p| at(p)).collect(),
            actions: items("corrective_actions")
                .iter()
                .map(|p| (at(&format!("{p}.id")), at(&format!("{p}.action"))))
                .collect(),
        }
    }
}

/// Checks what serde cannot express but the schema does (id patterns,
/// non-empty text), so the types and the schema reject the same records;
/// every mistake, not only the first.
fn check_patterns(rel: &str, t: &Texts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some((pos, id)) = t.id
        && !ID_RE.is_match(id)
    {
        out.push(*schema_at(
            rel,
            pos,
            format!("`{id}` is not an incident id"),
            "incident ids look like `INC-2026-007` (INC, the year, a number of three or more digits)",
        ));
    }
    if let Some((pos, title)) = t.title
        && title.trim().is_empty()
    {
        out.push(*schema_at(
            rel,
            pos,
            "the title is empty",
            "say in one line what went wrong",
        ));
    }
    for (pos, sha) in t.commits.iter().flatten() {
        if !SHA_RE.is_match(sha) {
            out.push(*schema_at(
                rel,
                *pos,
                format!("`{sha}` is not a commit id"),
                "write an abbreviated or full commit id (hex), e.g. `3f2a9c1e`",
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (id, action) in &t.actions {
        if let Some((pos, id)) = id {
            // Issues, verification and findings are keyed `INC/CA`: a
            // repeated id would make two actions one.
            if !seen.insert(*id) {
                out.push(*schema_at(
                    rel,
                    *pos,
                    format!("{id} appears twice in this record"),
                    "give each corrective action its own id (`CA-1`, `CA-2`, …)",
                ));
            } else if !CA_ID_RE.is_match(id) {
                out.push(*schema_at(
                    rel,
                    *pos,
                    format!("`{id}` is not a corrective-action id"),
                    "corrective actions are numbered `CA-1`, `CA-2`, …",
                ));
            }
        }
        if let Some((pos, text)) = action
            && text.trim().is_empty()
        {
            let id = id.map_or("the action", |(_, s)| s);
            out.push(*schema_at(
                rel,
                *pos,
                format!("{id} has an empty `action`"),
                "say what will be done",
            ));
        }
    }
    out
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known name closest to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (distance(word, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(word.len()) / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

fn list(expected: &[&str]) -> String {
    expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A serde-saphyr error whose own text speaks of the library (its options,
/// its API, its internal counters), said in terms of the user's file:
/// `(message, help)`. `None` for errors whose own text is fine.
pub fn user_yaml_error(inner: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    Some(match inner {
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!(
                    "the key `{}` appears twice in the same mapping",
                    crate::redact::escape_controls(k)
                ),
                None => "a key appears twice in the same mapping".to_string(),
            },
            "a key may appear once per mapping; remove or merge the duplicate".to_string(),
        ),
        E::MultipleDocuments { .. } => (
            "the file holds more than one YAML document (a `---` line starts a second one)"
                .to_string(),
            "keep one document: remove the extra `---` line and merge what follows it".to_string(),
        ),
        E::Budget { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => (
            "the YAML is too large, too deeply nested or expands too many aliases (`*name`) to be read safely"
                .to_string(),
            "write the values out plainly; a record or config needs neither deep nesting nor repeated aliases"
                .to_string(),
        ),
        E::UnknownAnchor { .. } => (
            "an alias (`*name`) refers to an anchor (`&name`) that is not defined before it"
                .to_string(),
            "define the anchor first, or write the value out".to_string(),
        ),
        E::Eof { .. } => (
            "the YAML ends in the middle of a value".to_string(),
            "complete or remove the last entry".to_string(),
        ),
        _ => return None,
    })
}

/// Turns a serde-saphyr error into a finding at its position.
fn serde_finding(
    rel: &str,
    source: &str,
    index: &KeyIndex,
    e: &serde_saphyr::Error,
) -> Box<Finding> {
    use serde_saphyr::Error as E;
    let pos = match e.location() {
        Some(loc) if loc.line() > 0 => {
            let line = u32::try_from(loc.line()).unwrap_or(u32::MAX);
            let column = u32::try_from(loc.column()).unwrap_or(u32::MAX);
            Pos {
                line,
                column,
                offset: offset_of(source, line, column),
                len: 1,
            }
        }
        _ => index.nearest(""),
    };
    let key = index.key_at(pos.line, pos.column).map(str::to_string);
    // serde-saphyr wraps the original error for snippets and aliases.
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    let pos = match inner {
        E::SerdeMissingField { .. } => index
            .mapping_containing(pos.line, pos.column)
            .unwrap_or(pos),
        _ => pos,
    };
    if let Some((message, help)) = user_yaml_error(inner) {
        return schema_at(rel, pos, message, help);
    }
    let (message, help) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let help = match did_you_mean(field, expected) {
                Some(k) => format!("did you mean `{k}`?"),
                None if expected.is_empty() => "remove this key".to_string(),
                None => format!("remove it, or use one of {}", list(expected)),
            };
            (format!("unknown key `{field}`"), help)
        }
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let f = super::validate::enum_error(
                key.as_deref().unwrap_or("value"),
                variant,
                expected,
                |m, h| Finding::new(RuleId::Schema, Level::Error, m).help(h),
            );
            (f.message, f.help.unwrap_or_default())
        }
        E::SerdeMissingField { field, .. } => (
            format!("missing required key `{field}`"),
            format!("add `{field}:` to this mapping"),
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!("wrong type: found {unexpected}, expected {expected}"),
            "change the value to the expected type (quote text, drop quotes from numbers)"
                .to_string(),
        ),
        E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!("invalid value: {unexpected}, expected {expected}"),
            "change the value to the expected form".to_string(),
        ),
        E::DuplicateMappingKey { .. } => (
            e.without_snippet().to_string(),
            "a key may appear once per mapping; remove or merge the duplicate".to_string(),
        ),
        _ => {
            let plain = plain_message(e);
            match index.value_at(pos.line, pos.column) {
                Some((path, v)) if !path.is_empty() => {
                    let name = path.rsplit('.').next().unwrap_or(path);
                    let found = v
                        .scalar
                        .as_deref()
                        .map(|s| format!(", found `{s}`"))
                        .unwrap_or_default();
                    (
                        format!("wrong type for `{name}`: {plain}{found}"),
                        format!(
                            "write `{name}` as the schema says (`schemas/incident.schema.json`); numbers without quotes or units"
                        ),
                    )
                }
                _ => (
                    plain,
                    "fix the value at this position; `schemas/incident.schema.json` describes every field"
                        .to_string(),
                ),
            }
        }
    };
    schema_at(rel, pos, message, help)
}

/// serde-saphyr's message without its own snippet and position suffix (the
/// finding carries the position).
fn plain_message(e: &serde_saphyr::Error) -> String {
    let s = e.without_snippet().to_string();
    let first = s.lines().next().unwrap_or("").trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let known = ["owner", "due", "status", "verified_by"];
        assert_eq!(did_you_mean("ownr", &known), Some("owner"));
        assert_eq!(did_you_mean("verifed_by", &known), Some("verified_by"));
        assert_eq!(did_you_mean("colour", &known), None);
    }

    fn err(src: &str) -> Finding {
        parse_record("x.yaml", src.as_bytes())
            .unwrap_err()
            .as_ref()
            .clone()
    }

    const HEAD: &str = "id: INC-2026-001\ntitle: t\nseverity: SEV-2\nstatus: open\n";

    #[test]
    fn unknown_key_points_at_it_with_a_suggestion() {
        let f = err(&format!(
            "{HEAD}detected_at: 2026-01-01T00:00:00Z\nteem: x\n"
        ));
        assert_eq!((f.line, f.column), (Some(6), Some(1)), "{f:?}");
        assert_eq!(f.help.as_deref(), Some("did you mean `team`?"));
    }

    #[test]
    fn bad_enum_value_names_the_allowed_ones() {
        let f = err(
            "id: INC-2026-001\ntitle: t\nseverity: SEV-9\nstatus: open\ndetected_at: 2026-01-01T00:00:00Z\n",
        );
        assert_eq!(f.line, Some(3), "{f:?}");
        assert!(f.message.contains("SEV-9"), "{f:?}");
        assert!(f.help.as_deref().unwrap_or("").contains("`SEV-1`"), "{f:?}");
    }

    #[test]
    fn yaml_library_wording_never_reaches_the_user() {
        // Why: serde-saphyr says "set DuplicateKeyPolicy in Options" and
        // "use from_str_multiple"; a record's author needs the file's terms.
        for (src, says) in [
            (
                format!("{HEAD}detected_at: 2026-01-01T00:00:00Z\ntitle: again\n"),
                "appears twice",
            ),
            (
                format!("{HEAD}detected_at: 2026-01-01T00:00:00Z\n---\nid: INC-2026-002\n"),
                "more than one YAML document",
            ),
        ] {
            let f = err(&src);
            let text = format!("{} {}", f.message, f.help.as_deref().unwrap_or(""));
            assert!(text.contains(says), "{text}");
            for internal in ["DuplicateKeyPolicy", "Options", "from_str", "budget"] {
                assert!(!text.contains(internal), "{internal}: {text}");
            }
        }
    }

    #[test]
    fn timestamp_without_zone_is_refused() {
        let f = err(&format!("{HEAD}detected_at: 2026-01-01T10:00:00\n"));
        assert_eq!((f.line, f.column), (Some(5), Some(14)));
        assert!(f.message.contains("no time zone"), "{f:?}");
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let f = err(&format!(
            "{HEAD}detected_at: 2026-01-01T10:00:00Z\nimpact:\n  users_affected: many\n"
        ));
        assert_eq!(f.line, Some(7), "{f:?}");
        assert!(
            f.message.contains("wrong type") || f.message.contains("invalid"),
            "{f:?}"
        );
    }
}
