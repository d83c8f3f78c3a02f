//! `aeef blame REV` (the origin of one commit) and
//! `aeef blame PATH[:L1[-L2]] [--rev REV]` (line-level attribution).
use std::io::{BufWriter, Write};

use super::{Ctx, Format, paint};
use crate::classify::lines::{self, LineBlame};
use crate::classify::{self, Classifier, CommitClassification};
use crate::error::Outcome;
use crate::git::{self, Repo};
use crate::incident::Origin;

/// Arguments of `aeef blame`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aeef blame HEAD                     classify the last commit
  aeef blame 3f2a9c1e --format json   the same, as JSON
  aeef blame src/pay.rs:40-58         who wrote these lines, and was it AI?
  aeef blame src/pay.rs --rev v1.4    a whole file at a tag")]
pub struct Args {
    /// A revision (commit mode) or PATH[:L1[-L2]] (line mode).
    #[arg(value_name = "REV | PATH[:L1[-L2]]")]
    pub target: String,

    /// Revision to blame lines at (line mode; default HEAD).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    /// Adjacency window: a number of lines, or `function` for the enclosing
    /// function (default: `adjacency_window` in .aeef.yml, else 3).
    #[arg(long, value_name = "N|function")]
    pub window: Option<classify::Window>,
}

/// The formats `aeef blame` prints (its `--help` lists exactly these).
pub const FORMATS: &[Format] = &[Format::Human, Format::Json];

pub fn run(args: Args, ctx: &Ctx) -> miette::Result<Outcome> {
    ctx.require_format(FORMATS)?;
    let repo = ctx.repo()?;
    let cfg = super::load_config(&repo)?;
    let opts = classify::Options {
        window: args
            .window
            .unwrap_or(classify::Window::Lines(cfg.adjacency_window)),
        agents: crate::provenance::AgentTable::builtin().with_rules(&cfg.agents),
    };
    if !repo.has_git() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: `git` is not on PATH: using libgit2's blame, which is much slower on long histories"
        );
    }
    let classifier = Classifier::new(&repo, opts);
    let target = match git::resolve::blame_target(&repo, &args.target, args.rev.as_deref(), |p| {
        relative_path(&repo, ctx.dir.as_deref(), p)
    }) {
        // `aeef blame HEAD~1 --rev HEAD`: `--rev` names the revision of a
        // file's lines, so the commit was read as a path; say which it is.
        Err(crate::error::GitError::PathNotInTree { .. })
            if args.rev.is_some() && git::resolve::revision(&repo, &args.target).is_ok() =>
        {
            return Err(crate::error::UsageError {
                message: format!(
                    "`{}` is a commit, and `--rev` is for a file's lines (it was read as a path)",
                    args.target
                ),
                help: Some(format!(
                    "classify the commit with `aeef blame {}` (no --rev), or name a file: `aeef blame FILE[:L1-L2] --rev REV`",
                    args.target
                )),
            }
            .into());
        }
        t => t?,
    };
    let (rev, path, range) = match target {
        git::resolve::BlameTarget::Commit(sha) => {
            let c = classifier.classify(&sha)?;
            super::write_result(print_commit(&c, ctx))?;
            return Ok(Outcome::Ok);
        }
        git::resolve::BlameTarget::Lines { rev, path, range } => (rev, path, range),
    };
    if !repo.has_git() && !repo.ignore_revs().is_empty() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: libgit2's blame cannot skip the revisions listed in {}: lines they touched are attributed to them",
            git::blame::IGNORE_REVS_FILE
        );
    }
    let lb = lines::line_blame(&repo, &classifier, &rev, &path, range)?;
    super::write_result(print_lines(&lb, ctx))?;
    Ok(Outcome::Ok)
}

/// Paths are taken relative to where aeef runs (`-C DIR`, else the current
/// directory) inside the work tree, as git does; `git blame` wants them
/// relative to the root.
fn relative_path(repo: &Repo, dir: Option<&std::path::Path>, path: &str) -> String {
    let Ok(here) = std::env::current_dir() else {
        return path.to_string();
    };
    let cwd = match dir {
        Some(d) => here.join(d),
        None => here,
    };
    let Some(root) = repo.workdir() else {
        return path.to_string();
    };
    let (Ok(root), Ok(cwd)) = (root.canonicalize(), cwd.canonicalize()) else {
        return path.to_string();
    };
    let typed = std::path::Path::new(path);
    if typed.is_absolute() {
        // Inside the work tree: from its root; elsewhere: as typed (the
        // file is then reported missing under the name the user gave).
        let canonical = typed
            .parent()
            .and_then(|d| d.canonicalize().ok())
            .zip(typed.file_name())
            .map(|(d, f)| d.join(f));
        return match canonical.as_deref().map(|c| c.strip_prefix(&root)) {
            Some(Ok(rel)) => lexical(&rel.to_string_lossy().replace('\\', "/")),
            _ => path.to_string(),
        };
    }
    let joined = match cwd.strip_prefix(&root) {
        Ok(sub) if !sub.as_os_str().is_empty() => {
            sub.join(path).to_string_lossy().replace('\\', "/")
        }
        _ => path.to_string(),
    };
    lexical(&joined)
}

/// `path` with `.` and empty components dropped and each `..` taking the
/// component before it, as a shell resolves `./src/x.rs` or `../README`
/// typed in a folder of the work tree (symbolic links are not followed:
/// the path names a file of a commit's tree, not of the disk). A `..`
/// above the root is kept, so the file is then reported missing.
fn lexical(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    parts.join("/")
}

/// The JSON document of `aeef blame REV` (DESIGN §8).
pub fn commit_json(c: &CommitClassification) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 1,
        "commit": c.commit,
        "origin": c.origin,
        "provenance": lines::provenance_json(&c.provenance),
        "evidence": c.evidence,
        "trailers": c.trailers,
    })
}

fn print_commit(c: &CommitClassification, ctx: &Ctx) -> std::io::Result<()> {
    let mut w = BufWriter::new(super::out());
    if ctx.format == Format::Json {
        serde_json::to_writer(&mut w, &commit_json(c))?;
        writeln!(w)?;
        return w.flush();
    }
    let on = ctx.color;
    let p = &c.provenance;
    writeln!(
        w,
        "{} {}",
        paint::paint(on, "33", &format!("commit {}", c.commit)),
        c.summary
    )?;
    writeln!(w, "origin:     {}", paint::origin(on, c.origin))?;
    if p.ai {
        let mut tool = p.tool.clone().unwrap_or_else(|| "unknown".into());
        if let Some(m) = &p.model_version {
            tool.push_str(&format!(" ({m})"));
        }
        writeln!(w, "tool:       {tool}")?;
        writeln!(w, "human mods: {}", p.human_modifications.as_str())?;
        if let Some(r) = &p.prompt_ref {
            writeln!(w, "prompt:     {r}")?;
        }
        if let Some(r) = &p.reviewer {
            writeln!(w, "reviewer:   {r}")?;
        }
        if let Some(conf) = p.confidence {
            writeln!(
                w,
                "confidence: {}",
                if conf == crate::provenance::Confidence::High {
                    "high"
                } else {
                    "low"
                }
            )?;
        }
    }
    if !p.sources.is_empty() {
        writeln!(w, "sources:    {}", p.sources.join(", "))?;
    }
    writeln!(w, "evidence:")?;
    for e in &c.evidence {
        writeln!(w, "  - {}", e.message)?;
    }
    // A human commit's evidence already says the ordinary incident
    // process applies: said once.
    w.flush()
}

fn print_lines(lb: &LineBlame, ctx: &Ctx) -> std::io::Result<()> {
    let mut w = BufWriter::new(super::out());
    if ctx.format == Format::Json {
        serde_json::to_writer(&mut w, lb)?;
        writeln!(w)?;
        return w.flush();
    }
    let on = ctx.color;
    let width = lb.lines.last().map_or(1, |l| l.line.to_string().len());
    for l in &lb.lines {
        let origin = format!("{:<12}", l.origin.as_str());
        // A human line's tool is a low-confidence signal: `human (copilot)`.
        let tool = match (&l.tool, l.origin) {
            (Some(t), Origin::Human) => format!("({t})"),
            (Some(t), _) => t.clone(),
            (None, _) => "-".into(),
        };
        writeln!(
            w,
            "{} {} {:<12} {:>width$}) {}",
            paint::paint(on, "33", &l.commit[..8]),
            paint::origin(on, l.origin).replace(l.origin.as_str(), &origin),
            tool,
            l.line,
            l.content,
        )?;
    }
    writeln!(w)?;
    let mut counts: std::collections::BTreeMap<(Origin, String), usize> = Default::default();
    for l in &lb.lines {
        *counts
            .entry((l.origin, l.tool.clone().unwrap_or_default()))
            .or_default() += 1;
    }
    writeln!(
        w,
        "{} {}",
        paint::bold(on, "range origin:"),
        paint::origin(on, lb.origin)
    )?;
    for ((o, t), n) in counts.iter().rev() {
        let t = if t.is_empty() {
            String::new()
        } else {
            format!(" ({t})")
        };
        writeln!(w, "  {n:>5} line(s) {}{t}", o.as_str())?;
    }
    writeln!(w, "{}", paint::bold(on, "commits:"))?;
    for c in &lb.commits {
        writeln!(
            w,
            "  {} {:<12} {}",
            &c.commit[..10],
            c.origin.as_str(),
            c.summary
        )?;
    }
    if !lb.ignored_revs.is_empty() {
        writeln!(w, "{}", paint::bold(on, "skipped (ignore list):"))?;
        for r in &lb.ignored_revs {
            writeln!(w, "  {} listed in {}", &r.commit[..10], r.listed_in)?;
        }
    }
    w.flush()
}
