//! `aeef incident new | check | list | show`.
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Utc};

use super::context::{
    find_incident, note_missing_dir, now_or, parse_now, sources_for, verified, workspace,
};
use super::{Ctx, Format, out, write_result};
use crate::error::{Outcome, UsageError};
use crate::findings::{Report, human};
use crate::gate::FailOn;
use crate::incident::store;
use crate::incident::{Incident, Origin, Severity, Status, Timestamp, create, policy};
use crate::safe_fs::Refusal;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a record with the next free INC-YYYY-NNN id, pre-filled from the commits' provenance.
    New(NewArgs),
    /// Add faulty commits to a record in place and re-run the pre-fill.
    Edit(EditArgs),
    /// Check records against the schema and the policy rules.
    Check(CheckArgs),
    /// List incidents: id, severity, status, origin, open and overdue actions.
    List(ListArgs),
    /// Show one incident in full.
    Show(ShowArgs),
    /// Notify stakeholders per severity SLA: print, or post to a webhook.
    Notify(super::notify::NotifyArgs),
}

fn parse_ts(s: &str) -> Result<Timestamp, String> {
    DateTime::parse_from_rfc3339(s)
        .map_err(|e| format!("`{s}` is not an RFC 3339 timestamp with a time zone ({e})"))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::ALL
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("`{s}` is not a severity; use SEV-1, SEV-2, SEV-3 or SEV-4"))
}

/// Arguments of `aeef incident new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Faulty commit(s): any revision git understands (abbreviated SHAs too).
    /// Optional: at detection time the faulty commit is often unknown; add
    /// it later with `aeef incident edit ID --commit SHA`.
    #[arg(long = "commit", value_name = "SHA", num_args = 1..)]
    pub commits: Vec<String>,
    /// SEV-1 (critical) … SEV-4 (minor).
    #[arg(long, value_parser = parse_severity)]
    pub severity: Severity,
    /// One line saying what went wrong.
    #[arg(long)]
    pub title: String,
    /// Owning team.
    #[arg(long)]
    pub team: Option<String>,
    /// When it was detected (RFC 3339); default now. Its year names the id.
    #[arg(long, value_parser = parse_ts)]
    pub detected_at: Option<Timestamp>,
}

/// What `aeef incident check` prints: the formats of the findings report.
pub const CHECK_FORMATS: &[Format] = super::context::REPORT_FORMATS;

/// Arguments of `aeef incident edit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Adds the commits to `faulty_commits` and re-runs the pre-fill (origin, AI
tool and model, prompt, human modifications, evidence) over all of them.
The file is edited in place: comments and layout stay. A value changed by
hand is kept (the command says so); evidence lines are added, never
removed.")]
pub struct EditArgs {
    /// Incident id (INC-YYYY-NNN).
    pub id: String,
    /// Faulty commit(s) to add: any revision git understands.
    #[arg(long = "commit", value_name = "SHA", num_args = 1.., required = true)]
    pub commits: Vec<String>,
}

/// Arguments of `aeef incident check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Record files or directories (default: the incidents directory).
    pub paths: Vec<PathBuf>,
    /// Fix the clock (RFC 3339) for SLAs, due dates and effectiveness marks.
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Which unverified corrective actions fail the check (as for `aeef gate`).
    #[arg(long, value_enum, default_value_t = FailOn::Overdue)]
    pub fail_on: FailOn,
}

/// Arguments of `aeef incident list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Fix the clock (RFC 3339) for overdue actions.
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// Arguments of `aeef incident show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Incident id (INC-YYYY-NNN).
    pub id: String,
    /// Fix the clock (RFC 3339) for SLAs still running.
    #[arg(long, value_name = super::context::NOW_VALUE, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

pub fn run(c: Command, ctx: &Ctx) -> miette::Result<Outcome> {
    match c {
        Command::New(a) => new(a, ctx),
        Command::Edit(a) => edit(a, ctx),
        Command::Check(a) => check(a, ctx),
        Command::List(a) => list(a, ctx),
        Command::Show(a) => show(a, ctx),
        Command::Notify(a) => super::notify::run(a, ctx),
    }
}

fn check(a: CheckArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(CHECK_FORMATS)?;
    let ws = workspace(ctx)?;
    let base = ctx.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !a.paths.is_empty()
        && let Some((name, _)) = &ws.rev
    {
        // Files named on the command line are read from the work tree; the
        // verification would then be judged by another version's history.
        return Err(crate::error::UsageError::new(
            format!(
                "`incident check PATH…` reads files from the work tree, but the records are read from {name} here (`--rev`, or a bare repository)"
            ),
            format!(
                "check the records of {name} without paths (`aeef --rev {name} incident check`), or check work-tree files without `--rev`"
            ),
        )
        .into());
    }
    let (records, bad) = if a.paths.is_empty() {
        note_missing_dir(ctx, &ws);
        ws.records()?
    } else {
        // Paths named on the command line are the user's choice; what a
        // named folder holds is walked like the incidents folder, so
        // nothing in it is skipped silently (store::scan_dir).
        let root = ws.root.canonicalize().unwrap_or_else(|_| ws.root.clone());
        let mut files = Vec::new();
        let mut unseen = Vec::new();
        for p in &a.paths {
            let p = if p.is_absolute() {
                p.clone()
            } else {
                base.join(p)
            };
            // Resolve the folders on the way but not the file itself: a
            // record that is a symlink inside the repository is then read
            // through the work tree's rules (never followed out of it).
            let p = match (p.parent(), p.file_name()) {
                (Some(dir), Some(name)) if !p.is_dir() => dir
                    .canonicalize()
                    .map(|d| d.join(name))
                    .unwrap_or_else(|_| p.clone()),
                _ => p.canonicalize().unwrap_or(p),
            };
            if p.is_dir() {
                let (f, b) = store::scan_dir(&root, &p);
                files.extend(f);
                unseen.extend(b);
            } else {
                files.push(p);
            }
        }
        let (records, mut bad) = store::load_paths(&root, &files);
        bad.extend(unseen);
        (records, bad)
    };
    let repo = ws.repo.as_ref();
    // Records often name the same commits: ask git once per id.
    let seen = std::cell::RefCell::new(HashMap::<String, bool>::new());
    let exists = |sha: &str| {
        if let Some(v) = seen.borrow().get(sha) {
            return *v;
        }
        let v = repo.is_some_and(|r| r.resolve_commit(&format!("{sha}^{{commit}}")).is_ok());
        seen.borrow_mut().insert(sha.to_string(), v);
        v
    };
    let now = now_or(a.now);
    let mut opts = policy::PolicyOptions::new(now);
    opts.rules = ws.config.rules.clone();
    opts.grace = ws.config.grace;
    opts.fail_on_unverified = a.fail_on == FailOn::Unverified;
    if repo.is_some() {
        opts.commit_exists = Some(&exists);
    }
    // The same decision as `aeef gate --offline` without a change: the
    // records checked against their git history (who committed
    // `verified_by`), and the waivers.
    let statuses = repo
        .map(|r| crate::github::status::statuses_offline(r, &records, now, ws.records_at()))
        .transpose()?;
    let mut findings = bad;
    findings.extend(crate::gate::evaluate(
        &crate::gate::Inputs {
            records: &records,
            statuses: statuses.as_deref(),
            change: None,
            incident_files: &HashMap::new(),
            waivers: &ws.config.waivers,
        },
        opts,
    ));
    let mut report = Report { findings };
    report.sort();
    let sources = if ctx.format == Format::Json {
        human::Sources::new()
    } else {
        sources_for(&ws.root, &records, &report.findings)
    };
    let title = format!("aeef incident check: {} incident record(s)", records.len());
    super::context::emit_report(ctx, &report, &title, &Default::default(), |o| {
        human::render(
            &report,
            &sources,
            ctx.color,
            super::stdout_width(),
            &mut &mut *o,
        )
    })?;
    if report.undecidable() {
        // Exit 2: printed the findings already; say why on stderr briefly,
        // with the one code of unreadable records when records are the cause.
        if let Some(e) = super::context::unreadable_in(&report) {
            return Err(e.into());
        }
        let kinds = report.undecidable_kinds();
        return Err(UsageError::new(
            format!("nothing could be decided: see the {kinds} finding(s) above"),
            format!("fix the {kinds} findings above and run the check again"),
        )
        .into());
    }
    Ok(match report.verdict() {
        crate::findings::Verdict::Pass => Outcome::Ok,
        crate::findings::Verdict::Fail => Outcome::Failed,
    })
}

fn origin_of(inc: &Incident) -> Option<Origin> {
    inc.classification.as_ref().and_then(|c| c.origin)
}

/// The formats `aeef incident list` prints (its `--help` lists exactly these).
pub const LIST_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn list(a: ListArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(LIST_FORMATS)?;
    let ws = workspace(ctx)?;
    let mut records = ws.records_or_refuse(ctx)?;
    records.sort_by(|a, b| a.incident.id.cmp(&b.incident.id));
    let now = now_or(a.now);
    let verified = verified(&ws, &records, now)?;
    let mut o = out();
    if ctx.format == Format::Json {
        let items: Vec<serde_json::Value> = records
            .iter()
            .map(|r| {
                let (open, overdue) = policy::action_counts_by(&r.incident, now, &verified);
                serde_json::json!({
                    "id": r.incident.id,
                    "title": r.incident.title,
                    "severity": r.incident.severity,
                    "status": r.incident.status,
                    "origin": origin_of(&r.incident),
                    "detected_at": r.incident.detected_at,
                    "path": r.path,
                    "open_actions": open,
                    "overdue_actions": overdue,
                })
            })
            .collect();
        let doc = serde_json::json!({"schema_version": 1, "incidents": items});
        return write_result(
            serde_json::to_writer_pretty(&mut o, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(o)),
        )
        .map(|()| Outcome::Ok);
    }
    let mut rows = vec![[
        "ID".to_string(),
        "SEVERITY".into(),
        "STATUS".into(),
        "ORIGIN".into(),
        "OPEN".into(),
        "OVERDUE".into(),
        "TITLE".into(),
    ]];
    for r in &records {
        let (open, overdue) = policy::action_counts_by(&r.incident, now, &verified);
        rows.push([
            r.incident.id.clone(),
            r.incident.severity.as_str().into(),
            status_str(r.incident.status).into(),
            origin_of(&r.incident)
                .map(|o| o.as_str())
                .unwrap_or("-")
                .into(),
            open.to_string(),
            overdue.to_string(),
            r.incident.title.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for r in &rows {
        for (i, w) in widths.iter().enumerate() {
            text.push_str(&format!("{:<w$}  ", r[i], w = *w));
        }
        text.push_str(&r[6]);
        text.push('\n');
    }
    if records.is_empty() {
        text = format!(
            "no incidents under {}/ (create one with `aeef incident new`)\n",
            ws.config.incidents_dir
        );
    }
    write_result(o.write_all(text.as_bytes())).map(|()| Outcome::Ok)
}

fn status_str(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Mitigated => "mitigated",
        Status::Resolved => "resolved",
        Status::Closed => "closed",
    }
}

/// The formats `aeef incident show` prints (its `--help` lists exactly these).
pub const SHOW_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn show(a: ShowArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(SHOW_FORMATS)?;
    let ws = workspace(ctx)?;
    let rec = find_incident(ctx, &ws, &a.id)?;
    let now = now_or(a.now);
    let inc = &rec.incident;
    let slas = policy::sla_outcomes(inc, now);
    let verified = verified(&ws, std::slice::from_ref(&rec), now)?;
    let (open, overdue) = policy::action_counts_by(inc, now, &verified);
    let mut o = out();
    if ctx.format == Format::Json {
        let sla: Vec<serde_json::Value> = slas
            .iter()
            .map(|s| {
                serde_json::json!({
                    "sla": s.kind.as_str(),
                    "limit": s.limit.describe(),
                    "deadline": s.deadline,
                    "reached_at": s.reached_at,
                    "elapsed_minutes": s.elapsed.num_minutes(),
                    "met": s.met,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "schema_version": 1,
            "path": rec.path,
            "incident": inc,
            "sla": sla,
            "open_actions": open,
            "overdue_actions": overdue,
        });
        return write_result(
            serde_json::to_writer_pretty(&mut o, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(o)),
        )
        .map(|()| Outcome::Ok);
    }
    let mut text = format!("{} — {}\n", inc.id, inc.title);
    text.push_str(&format!("file: {}\n", rec.path));
    for s in &slas {
        let verdict = match s.met {
            Some(true) => "met",
            Some(false) => "missed",
            None => "pending",
        };
        text.push_str(&format!(
            "sla {}: {verdict} ({}, limit {})\n",
            s.kind.as_str(),
            policy::human_duration(s.elapsed),
            s.limit.describe()
        ));
    }
    text.push_str(&format!(
        "corrective actions: {open} open, {overdue} overdue\n\n"
    ));
    let yaml =
        serde_saphyr::to_string(inc).map_err(|e| crate::error::IoError::render("the record", e))?;
    text.push_str(&yaml);
    write_result(o.write_all(text.as_bytes())).map(|()| Outcome::Ok)
}

/// The formats `aeef incident new` prints (its `--help` lists exactly these).
pub const NEW_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn new(a: NewArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(NEW_FORMATS)?;
    if a.title.trim().is_empty() {
        return Err(UsageError::new(
            "the title is empty",
            "say in one line what went wrong: --title '…'",
        )
        .into());
    }
    // The title is one line (DESIGN §3): a newline would end the YAML
    // scalar's meaning in every listing, and a control character could
    // rewrite a terminal. Refused, never escaped into the record.
    if let Some((i, c)) = a
        .title
        .trim()
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
    {
        return Err(UsageError::new(
            format!(
                "the title contains {} (U+{:04X}) at character {}; a title is one line of text",
                if matches!(c, '\n' | '\r') { "a line break" } else { "a control character" },
                u32::from(c),
                i + 1
            ),
            "say in one line what went wrong: --title '…' (put details in the record's `timeline` or `rca`)",
        )
        .into());
    }
    let ws = workspace(ctx)?;
    let repo = ws.repo.as_ref().ok_or_else(|| {
        miette::Report::new(UsageError::new(
            "`aeef incident new` needs a git repository to read the faulty commits from",
            "run it inside the repository, or point at it with `-C DIR`",
        ))
    })?;
    if repo.workdir().is_none() {
        return Err(UsageError::new(
            "this is a bare repository: `aeef incident new` writes the record into a work tree, and there is none",
            "run it in a checkout of the repository (`git clone`, `git worktree add`) and commit the record",
        )
        .into());
    }
    let mut shas = Vec::new();
    for c in &a.commits {
        shas.push(crate::git::resolve::revision(repo, c)?);
    }
    let detected_at = a
        .detected_at
        .unwrap_or_else(|| super::context::now().fixed_offset());
    let p = crate::incident::prefill::prefill(repo, &ws.config, &shas);
    let template = Incident {
        id: String::new(),
        title: a.title.trim().to_string(),
        severity: a.severity,
        status: Status::Open,
        team: a.team,
        detected_at,
        acknowledged_at: None,
        mitigated_at: None,
        resolved_at: None,
        faulty_commits: shas,
        files: Vec::new(),
        classification: p.classification(),
        generation_context: p.generation_context(),
        impact: None,
        timeline: Vec::new(),
        rca: None,
        root_cause: None,
        corrective_actions: Vec::new(),
        lessons_learned: Vec::new(),
        metrics: None,
    };
    // The `$schema` line must point at a file that exists; `.aeef/` must not
    // be a symlink leading out of the repository (safe_fs).
    let schema_file = ws.root.join(create::SCHEMA_PATH);
    let jail = crate::safe_fs::Jail::new(&ws.root);
    for p in [ws.root.join(".aeef"), schema_file.clone()] {
        if let Err(r @ (Refusal::Outside { .. } | Refusal::InGitDir)) = jail.resolve(&p) {
            return Err(UsageError::new(
                r.describe(&store::relative(&ws.root, &p)),
                "replace the symlink with a folder of the repository; aeef never writes outside the work tree",
            )
            .into());
        }
    }
    if !schema_file.exists() {
        if let Some(parent) = schema_file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| crate::error::IoError::write(parent.display().to_string(), &e))?;
        }
        match crate::util::write_atomic(&schema_file, create::INCIDENT_SCHEMA.as_bytes(), true) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(crate::error::IoError::write(create::SCHEMA_PATH, &e).into()),
        }
    }
    let schema_ref = create::relative_path(&ws.config.incidents_dir, create::SCHEMA_PATH);
    let dir = ws.root.join(&ws.config.incidents_dir);
    let render_err = std::cell::RefCell::new(None);
    // Above every id the folder has held — file names in history, and the
    // `id:` inside the live records (a file may be named otherwise).
    let (live, _) = store::load_all(&ws.root, &ws.config);
    let in_records = create::highest_in_names(
        live.iter()
            .map(|r| format!("{}.yaml", r.incident.id))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
        detected_at.year(),
    );
    let floor = create::highest_in_history(repo, &ws.config.incidents_dir, detected_at.year())
        .max(in_records);
    let (path, id) = create::create_record_above(&dir, detected_at.year(), floor, |id| {
        let mut inc = template.clone();
        inc.id = id.to_string();
        create::render_new(&inc, &schema_ref).unwrap_or_else(|e| {
            *render_err.borrow_mut() = Some(e);
            String::new()
        })
    })
    .map_err(|e| crate::error::IoError::write(format!("the record under {}", dir.display()), &e))?;
    if let Some(e) = render_err.into_inner() {
        let _ = std::fs::remove_file(&path);
        return Err(crate::error::IoError::render("the record", e).into());
    }
    let rel = store::relative(&ws.root, &path);
    if a.commits.is_empty() {
        let mut e = super::err(ctx.color);
        let _ = writeln!(
            e,
            "note: no faulty commits yet; add them when found with `aeef incident edit {id} --commit SHA`"
        );
    }
    let mut o = out();
    let r = if ctx.format == Format::Json {
        writeln!(
            o,
            "{}",
            serde_json::json!({"schema_version": 1, "id": id, "path": rel})
        )
    } else {
        writeln!(o, "{rel}")
    };
    write_result(r).map(|()| Outcome::Ok)
}

/// The formats `aeef incident edit` prints (its `--help` lists exactly these).
pub const EDIT_FORMATS: &[Format] = &[Format::Human, Format::Json];

fn edit(a: EditArgs, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(EDIT_FORMATS)?;
    let ws = workspace(ctx)?;
    let repo = ws.repo.as_ref().ok_or_else(|| {
        miette::Report::new(UsageError::new(
            "`aeef incident edit` needs a git repository to read the faulty commits from",
            "run it inside the repository, or point at it with `-C DIR`",
        ))
    })?;
    if ws.rev.is_some() {
        return Err(UsageError::new(
            "`aeef incident edit` changes a record in the work tree, and records are being read from a revision",
            "run it in a checkout of the repository, without --rev",
        )
        .into());
    }
    let rec = find_incident(ctx, &ws, &a.id)?;
    let added = crate::incident::edit::plan(repo, &ws.config, &rec, &a.commits)?;
    // The record was read through the jail; it is written back the same
    // way: a whole new file renamed over the old one, never half-written.
    let path = ws.root.join(&rec.path);
    let jail = crate::safe_fs::Jail::new(&ws.root);
    // A record that is a symlink inside the work tree: its target is edited.
    let real = jail.resolve(&path).map_err(|r| {
        miette::Report::new(UsageError::new(
            r.describe(&rec.path),
            "aeef edits only regular files inside the work tree",
        ))
    })?;
    crate::util::write_atomic(&real, added.text.as_bytes(), false)
        .map_err(|e| crate::error::IoError::write(rec.path.clone(), &e))?;
    let mut e = super::err(ctx.color);
    for k in &added.kept {
        let _ = writeln!(e, "note: {k}");
    }
    // Changing the facts of a resolved record is deliberate only with a
    // timeline entry saying why (`audit-rewritten-after-resolve`); the
    // reason is the user's to write, so the edit says what to add rather
    // than inventing one.
    let timeline_entry_needed = crate::incident::edit::needs_timeline_entry(&rec.incident);
    if timeline_entry_needed {
        let _ = writeln!(
            e,
            "note: {} is resolved: `aeef audit` will ask for a new timeline entry in the same commit \
             (audit-rewritten-after-resolve): add `{{at: {}, event: \"corrected faulty_commits: <why>\"}}` to `timeline` before committing",
            rec.incident.id,
            super::context::now_or(None).format("%Y-%m-%dT%H:%M:%SZ")
        );
    }
    let mut o = out();
    let r = if ctx.format == Format::Json {
        writeln!(
            o,
            "{}",
            serde_json::json!({"schema_version": 1, "id": rec.incident.id, "path": rec.path, "kept": added.kept, "timeline_entry_needed": timeline_entry_needed})
        )
    } else {
        writeln!(o, "{}", rec.path)
    };
    write_result(r).map(|()| Outcome::Ok)
}
