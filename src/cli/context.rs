//! What every command shares, in one place (ARCHITECTURE principle 4):
//! where it runs ([`Workspace`]: work tree or `--rev`, repository, config),
//! the records or a refusal ([`refuse_unreadable`]), the one `--now`
//! parser, and the findings printed for `incident check`, `gate` and
//! `audit`. Subcommand files hold their arguments and a short `run`.
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Ctx, Format, out, write_result};
use crate::config::Config;
use crate::error::{Outcome, UsageError};
use crate::findings::{Finding, Report, human};
use crate::git::Repo;
use crate::incident::store::{self, LoadedIncident};

/// The value name every `--now` shows in `--help` (one spelling).
pub(crate) const NOW_VALUE: &str = "RFC3339";

/// The one `--now` parser: an RFC 3339 timestamp with a time zone, as UTC,
/// or a date `YYYY-MM-DD`, taken as its midnight UTC. Used as a clap
/// `value_parser`, so a bad value is a usage error (exit 2,
/// `aeef::usage::arguments`) naming the argument.
pub(crate) fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(t) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    Err("expected an RFC 3339 timestamp, e.g. 2026-11-30T12:00:00Z, or a date 2026-11-30 (midnight UTC)".to_string())
}

/// Where the command runs: the repository's work tree (or `-C DIR` / the
/// current directory outside a repository), the repository if any, config.
pub(crate) struct Workspace {
    pub root: PathBuf,
    pub repo: Option<Repo>,
    pub config: Config,
    /// The revision whose tree holds the records (DESIGN §5): `--rev`, or
    /// HEAD in a bare repository; `None` reads the work tree.
    pub rev: Option<(String, git2::Oid)>,
}

impl Workspace {
    /// The commit the records were read from, when not the work tree: the
    /// history that decides who committed their values.
    pub fn records_at(&self) -> Option<git2::Oid> {
        self.rev.as_ref().map(|(_, oid)| *oid)
    }

    /// Every record, from the work tree or from the tree of [`Self::rev`],
    /// with the findings about what could not be read. Reading from a
    /// revision says so on stderr, naming it.
    pub fn records(&self) -> miette::Result<(Vec<LoadedIncident>, Vec<Finding>)> {
        match (&self.rev, &self.repo) {
            (Some((name, oid)), Some(repo)) => {
                let (ok, bad) = store::load_from_tree(repo.git2(), *oid, &self.config)
                    .map_err(crate::error::GitError::from)?;
                let short = &oid.to_string()[..12];
                let mut e = super::err(false);
                let _ = writeln!(
                    e,
                    "note: reading incident records from the tree of {name} ({short}), not a work tree"
                );
                if ok.is_empty() && bad.is_empty() {
                    let dir = self.config.incidents_dir.trim_end_matches('/');
                    let has_dir = repo
                        .git2()
                        .find_commit(*oid)
                        .and_then(|c| c.tree())
                        .is_ok_and(|t| t.get_path(Path::new(dir)).is_ok());
                    let _ = if has_dir {
                        writeln!(e, "note: no incident records in {dir}/ at {name}")
                    } else {
                        writeln!(
                            e,
                            "note: no incidents folder ({dir}/) at {name}: no incident records were read"
                        )
                    };
                }
                Ok((ok, bad))
            }
            _ => Ok(store::load_all(&self.root, &self.config)),
        }
    }
}

impl Workspace {
    /// Every record, or the one refusal when any cannot be read
    /// ([`refuse_unreadable`]): what a command that uses the records (and
    /// does not decide about them) calls.
    pub fn records_or_refuse(&self, ctx: &Ctx) -> miette::Result<Vec<LoadedIncident>> {
        let (records, bad) = self.records()?;
        if !bad.is_empty() {
            refuse_unreadable(ctx, &self.root, &records, bad)?;
        }
        Ok(records)
    }
}

pub(crate) fn workspace(ctx: &Ctx) -> miette::Result<Workspace> {
    let base = match &ctx.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| crate::error::IoError::CurrentDir {
            reason: e.to_string(),
        })?,
    };
    let repo = match Repo::discover(Some(&base)) {
        Ok(r) => Some(r),
        // Records also live outside any repository, but a repository the
        // user named (`GIT_DIR`, `GIT_WORK_TREE`) that cannot be opened is
        // an error, as for git: never the folder around as "no repository".
        Err(e) if crate::git::repository_named_by_env() => return Err(e.into()),
        Err(_) => None,
    };
    let root = repo
        .as_ref()
        .and_then(|r| r.workdir().map(Path::to_path_buf))
        .unwrap_or_else(|| base.clone());
    // No work tree (a bare repository) or `--rev`: records at a revision.
    let rev_name = match (&ctx.rev, &repo) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(r)) if r.workdir().is_none() => Some("HEAD".to_string()),
        _ => None,
    };
    let rev = match (rev_name, &repo) {
        (Some(name), Some(r)) => {
            // In a shallow clone an unknown revision is most likely beyond
            // its edge: say so, with the fix, as the gate does for --base.
            let sha = crate::git::resolve::revision(r, &name).map_err(|e| match e {
                crate::error::GitError::UnknownRevision { .. }
                    if !r.shallow_commits().is_empty() =>
                {
                    crate::error::GitError::Shallow {
                        what: format!("the revision {name} (--rev) is not in this shallow clone"),
                    }
                }
                e => e,
            })?;
            Some((
                name,
                git2::Oid::from_str(&sha).map_err(crate::error::GitError::from)?,
            ))
        }
        (Some(_), None) => {
            return Err(crate::error::UsageError::new(
                "--rev needs a git repository",
                "run aeef inside the repository, or point -C at it",
            )
            .into());
        }
        _ => None,
    };
    let config = match (&rev, &repo) {
        (Some((_, oid)), Some(r)) => config_at(r, *oid)?,
        _ => Config::load(&root).map_err(|e| miette::Report::new(*e))?,
    };
    Ok(Workspace {
        root,
        repo,
        config,
        rev,
    })
}

/// `.aeef.yml` from the tree of `commit` ([`Config::at_commit`]).
pub(crate) fn config_at(repo: &Repo, commit: git2::Oid) -> miette::Result<Config> {
    Config::at_commit(repo, commit)
}

/// Each action's verification as `incident check` and the gate decide it
/// offline (DESIGN §4: the record, with the `verified_by` line committed by
/// someone other than the owner); the records' own claims outside a
/// repository. A shallow boundary in the way is exit 2, as for the gate.
pub(crate) fn verified(
    ws: &Workspace,
    records: &[LoadedIncident],
    now: DateTime<Utc>,
) -> miette::Result<crate::incident::actions::Verified> {
    let Some(repo) = &ws.repo else {
        return Ok(Default::default());
    };
    let st = crate::github::status::statuses_offline(repo, records, now, ws.records_at())?;
    Ok(crate::incident::actions::Verified(
        st.iter()
            .map(|s| {
                (
                    (s.incident.clone(), s.corrective_action.clone()),
                    s.verified,
                )
            })
            .collect(),
        st.into_iter()
            .filter(|s| s.approval_by_owner.is_some())
            .map(|s| (s.incident, s.corrective_action))
            .collect(),
    ))
}

/// Prints the "no incidents folder" note on stderr when the default folder
/// does not exist (a configured one that is missing is a `config` finding).
pub(crate) fn note_missing_dir(ctx: &Ctx, ws: &Workspace) {
    if ws.rev.is_some() {
        return; // `Workspace::records` says it for a revision.
    }
    if let Some(note) = store::missing_dir_note(&ws.root, &ws.config) {
        let mut e = super::err(ctx.color);
        let _ = writeln!(e, "{note}");
    }
}

/// The text of every file the findings point into, for snippets.
pub(crate) fn sources_for(
    root: &Path,
    records: &[LoadedIncident],
    findings: &[Finding],
) -> human::Sources {
    // Only the files findings point into, not every record.
    let by_path: HashMap<&str, &str> = records
        .iter()
        .map(|r| (r.path.as_str(), r.source.as_str()))
        .collect();
    let mut s = human::Sources::new();
    for f in findings {
        if let Some(file) = &f.file
            && !s.contains_key(file)
            && let Some(text) = by_path.get(file.as_str())
        {
            s.insert(file.clone(), (*text).to_string());
        }
    }
    // Other files (`.aeef.yml`) only from inside the work tree: a snippet
    // never quotes a file outside the repository (safe_fs).
    let jail = crate::safe_fs::Jail::new(root);
    for f in findings {
        if let Some(file) = &f.file
            && !s.contains_key(file)
            && !Path::new(file).is_absolute()
            && let Ok(b) = jail.read(&root.join(file), crate::safe_fs::RECORD_MAX_BYTES)
        {
            s.insert(file.clone(), String::from_utf8_lossy(&b).into_owned());
        }
    }
    s
}

/// Prints a report in the chosen format on stdout.
pub(crate) fn print_report(
    ctx: &Ctx,
    report: &Report,
    sources: &human::Sources,
) -> miette::Result<()> {
    REPORT_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut o = out();
    let r = match ctx.format {
        Format::Json => serde_json::to_writer_pretty(&mut o, &crate::findings::to_json(report))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(o)),
        _ => human::render(report, sources, ctx.color, super::stdout_width(), &mut o),
    };
    write_result(r)
}

/// The one behaviour for records that cannot be read, fail-closed: a
/// command that uses the records (`incident list|show|notify`,
/// `postmortem`, `report`, `ca file|status|review`) prints the `schema`
/// findings — with their file, line and snippet on stderr, or as the JSON
/// findings document on stdout with `--format json` — and stops with exit 2
/// ([`UnreadableRecords`]); it never goes on with the readable rest. The
/// deciding commands (`incident check`, `gate`) print the same findings in
/// their report, whose verdict is then `error`, and exit 2 as well. `audit`
/// reads the records' history, where an unreadable version is its own
/// finding (`audit-unreadable`).
pub(crate) fn refuse_unreadable(
    ctx: &Ctx,
    root: &Path,
    records: &[LoadedIncident],
    bad: Vec<Finding>,
) -> miette::Result<Outcome> {
    // Records, not findings: one record may have several problems.
    let n = bad
        .iter()
        .map(|f| f.file.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut report = Report { findings: bad };
    report.sort();
    let sources = sources_for(root, records, &report.findings);
    if ctx.format == Format::Json {
        print_report(ctx, &report, &sources)?;
    } else {
        let mut err = super::err(ctx.color);
        let _ = human::render(
            &report,
            &sources,
            ctx.color,
            super::stderr_width(),
            &mut err,
        );
    }
    Err(UnreadableRecords { n }.into())
}

/// The stop of a deciding command (`incident check`, `gate`) whose report
/// names records it cannot read: the same [`UnreadableRecords`]
/// (`aeef::incident::unreadable`) as every other command that uses the
/// records, counting the files of the report's `schema` errors. `None` when
/// no record is unreadable (the report is undecidable for another reason,
/// e.g. a `config` finding).
pub(crate) fn unreadable_in(report: &Report) -> Option<UnreadableRecords> {
    let n = report
        .findings
        .iter()
        .filter(|f| f.rule == crate::findings::RuleId::Schema && f.file.is_some())
        .map(|f| f.file.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    (n > 0).then_some(UnreadableRecords { n })
}

/// Records that cannot be read stopped a command (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{n} incident record{} cannot be read; nothing was decided", if *n == 1 { "" } else { "s" })]
#[diagnostic(
    code(aeef::incident::unreadable),
    help("fix the records above; `aeef incident check` lists every problem with its position")
)]
pub struct UnreadableRecords {
    /// How many record files the printed findings name.
    pub n: usize,
}

/// `--now`, or the system clock ([`now`]).
pub(crate) fn now_or(t: Option<DateTime<Utc>>) -> DateTime<Utc> {
    t.unwrap_or_else(now)
}

/// The system clock in whole seconds: every timestamp aeef writes by
/// default (a new record's `detected_at`, a notification's `sent_at`) is
/// RFC 3339 without fractional seconds, as people write them in records.
pub(crate) fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(0)
}

/// Loads every record and finds `id` (exit 2 when a record cannot be read
/// or the id is unknown).
pub(crate) fn find_incident(ctx: &Ctx, ws: &Workspace, id: &str) -> miette::Result<LoadedIncident> {
    let records = ws.records_or_refuse(ctx)?;
    let wanted = id.trim().to_ascii_uppercase();
    if let Some(r) = records.iter().find(|r| r.incident.id == wanted) {
        return Ok(r.clone());
    }
    let ids: Vec<&str> = records.iter().map(|r| r.incident.id.as_str()).collect();
    let help = match store::did_you_mean(&wanted, &ids) {
        Some(k) => format!("did you mean `{k}`?"),
        None if ids.is_empty() => "there are no incident records yet".into(),
        None => "`aeef incident list` shows the ids".into(),
    };
    Err(UsageError::new(
        format!("no incident `{id}` under {}/", ws.config.incidents_dir),
        help,
    )
    .into())
}

/// Set once a findings report went to stdout, so [`super::main`] does not
/// print a second document for an error that follows it.
pub(crate) static REPORT_PRINTED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// The formats [`emit_report`] prints.
pub const REPORT_FORMATS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Github,
    Format::Sarif,
    Format::Markdown,
];

/// What a command adds to its findings report (the gate's AI share of a
/// pull request): top-level JSON fields, a Markdown section after the
/// findings (also appended to the step summary), and a line after the
/// verdict of `--format github`. Human output is the command's own.
#[derive(Debug, Default)]
pub(crate) struct Addendum {
    pub json: Vec<(String, serde_json::Value)>,
    pub markdown: Option<String>,
    pub line: Option<String>,
}

/// The one printer of a findings report, used by `incident check`, `gate`
/// and `audit`: `json` (the frozen v1 document, `verdict` `error` when
/// nothing was decided), `sarif`, `markdown` (headed by `title`), `github`
/// (workflow annotations, the step summary and `$GITHUB_OUTPUT`, then one
/// line with the verdict), and `human`, which each command draws itself.
pub(crate) fn emit_report(
    ctx: &Ctx,
    report: &Report,
    title: &str,
    addendum: &Addendum,
    human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> miette::Result<()> {
    use crate::findings::{github as gh, markdown, sarif};
    REPORT_PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut o = out();
    let r = match ctx.format {
        Format::Json => {
            let mut doc = crate::findings::to_json(report);
            if let Some(obj) = doc.as_object_mut() {
                for (k, v) in &addendum.json {
                    obj.insert(k.clone(), v.clone());
                }
            }
            serde_json::to_writer_pretty(&mut o, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(o))
        }
        Format::Sarif => sarif::render(report, env!("CARGO_PKG_VERSION"), &mut o),
        Format::Markdown => {
            markdown::render_titled(report, title, &mut o).and_then(|()| match &addendum.markdown {
                Some(md) => write!(o, "\n{md}"),
                None => Ok(()),
            })
        }
        Format::Github => (|| {
            gh::annotations(report, &mut o)?;
            let var = |k: &str| {
                std::env::var_os(k)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
            };
            let summary = var("GITHUB_STEP_SUMMARY");
            gh::write_step_files(
                report,
                title,
                summary.as_deref(),
                var("GITHUB_OUTPUT").as_deref(),
            )?;
            if let (Some(md), Some(path)) = (&addendum.markdown, summary.as_deref()) {
                gh::append_to_file(path, md)?;
            }
            if let Some(l) = &addendum.line {
                writeln!(o, "{l}")?;
            }
            // The verdict is the last line, what a log's tail shows.
            writeln!(
                o,
                "{title}: {} ({})",
                report.verdict_word(),
                report.summary()
            )
        })(),
        _ => human(&mut o),
    };
    write_result(r)
}

/// The report of a deciding command (`incident check`, `gate`, `audit`,
/// named by `title`) that stopped before deciding (exit 2: a bad revision,
/// missing history, GitHub unreachable), in every format [`emit_report`]
/// prints, so a pipeline reading the report still sees "nothing was
/// decided" and why: `json` is the v1 document with `verdict` `error` and
/// an `error` object; `github` an `::error` annotation, `verdict=error`
/// (and zero counts) in `$GITHUB_OUTPUT`, a step summary, and the verdict
/// as the last line; `sarif` a log with no results whose invocation has
/// `executionSuccessful: false` and the error as a
/// `toolExecutionNotification` (SARIF 2.1.0 §3.20.14, §3.20.21); `markdown`
/// the titled document saying it could not decide. Human output prints
/// nothing here: the diagnostic on stderr is the whole story.
pub(crate) fn emit_error(ctx: &Ctx, title: &str, error: &miette::Report) {
    use crate::findings::github as gh;
    let code = error.code().map(|c| c.to_string());
    let message = error.to_string();
    let help = error.help().map(|h| h.to_string());
    let mut o = out();
    let r: std::io::Result<()> = match ctx.format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema_version": 1,
                "verdict": "error",
                "findings": [],
                "error": { "code": code, "message": message, "help": help },
            });
            writeln!(o, "{doc:#}")
        }
        Format::Sarif => {
            let mut text = message.clone();
            if let Some(h) = &help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut notification = serde_json::json!({
                "level": "error",
                "message": { "text": text },
            });
            if let Some(c) = &code {
                notification["descriptor"] = serde_json::json!({ "id": c });
            }
            let mut doc =
                crate::findings::sarif::to_value(&Report::default(), env!("CARGO_PKG_VERSION"));
            doc["runs"][0]["invocations"] = serde_json::json!([{
                "executionSuccessful": false,
                "exitCode": 2,
                "toolExecutionNotifications": [notification],
            }]);
            serde_json::to_writer_pretty(&mut o, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(o))
        }
        Format::Markdown => writeln!(o, "{}", error_markdown(title, &message, help.as_deref())),
        Format::Github => (|| {
            let mut data = message.clone();
            if let Some(h) = &help {
                data.push_str("\nhelp: ");
                data.push_str(h);
            }
            writeln!(
                o,
                "::error title={}::{}",
                gh::escape_property(code.as_deref().unwrap_or("aeef")),
                gh::escape_data(&data)
            )?;
            let var = |k: &str| {
                std::env::var_os(k)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
            };
            if let Some(path) = var("GITHUB_STEP_SUMMARY") {
                gh::append_to_file(
                    &path,
                    &format!("{}\n", error_markdown(title, &message, help.as_deref())),
                )?;
            }
            if let Some(path) = var("GITHUB_OUTPUT") {
                gh::append_to_file(&path, "verdict=error\nerrors=0\nwarnings=0\n")?;
            }
            writeln!(o, "{title}: error (nothing was decided: {message})")
        })(),
        _ => Ok(()),
    };
    let _ = write_result(r);
}

/// The Markdown of a report that could not decide: the title, the verdict
/// line in the words of [`crate::findings::markdown::verdict_line`], the
/// error and its help.
fn error_markdown(title: &str, message: &str, help: Option<&str>) -> String {
    use crate::findings::markdown::escape_inline;
    let mut s = format!(
        "## {}\n\n**Verdict: ⚠️ error (nothing was decided)** · could not decide: {}\n",
        escape_inline(title),
        escape_inline(message)
    );
    if let Some(h) = help {
        s.push_str(&format!("\nhelp: {}\n", escape_inline(h)));
    }
    s
}

/// Why `-o FILE` could not be written (exit 2). The messages name the file
/// the user gave, never the temporary file it is staged in.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum OutputError {
    /// The folder of FILE does not exist: aeef does not create it.
    #[error("cannot write {path}: the folder {dir} does not exist")]
    #[diagnostic(
        code(aeef::output::missing_dir),
        help("create the folder first (`mkdir -p {dir}`), or write to an existing one")
    )]
    MissingDir { path: String, dir: String },
    /// Any other failure (permissions, a full disk, FILE is a folder).
    #[error("cannot write {path}: {reason}")]
    #[diagnostic(
        code(aeef::output::write_failed),
        help("check that {path} is a file you may write and that the disk has room")
    )]
    WriteFailed { path: String, reason: String },
}

/// Writes `bytes` to `path` (`-o FILE`) atomically: all or nothing, the
/// old file intact on failure ([`crate::util::write_atomic`]). A relative
/// path is taken from `-C DIR` when given.
pub(crate) fn write_output(ctx: &Ctx, path: &Path, bytes: &[u8]) -> miette::Result<()> {
    let path = match &ctx.dir {
        Some(d) if path.is_relative() => d.join(path),
        _ => path.to_path_buf(),
    };
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(OutputError::MissingDir {
            path: shown,
            dir: dir.display().to_string(),
        }
        .into());
    }
    crate::util::write_atomic(&path, bytes, false).map_err(|e| {
        // The io error's text may name the staged temporary file: only its
        // kind is shown, with the path the user gave.
        let reason = if path.is_dir() {
            "it is a folder".to_string()
        } else {
            e.kind().to_string()
        };
        OutputError::WriteFailed {
            path: shown,
            reason,
        }
        .into()
    })
}
