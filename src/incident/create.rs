//! Creating records: allocating the next `INC-YYYY-NNN` without ever
//! overwriting (create-new: a temporary file renamed with
//! `persist_noclobber`, the next number on conflict, so two runs at once get
//! different ids) and rendering a new record's YAML.
use std::io;
use std::path::{Path, PathBuf};

use super::Incident;

/// Where `aeef init` and `aeef incident new` put the schema in a repository,
/// relative to the root, so the `$schema` line points at a file that exists.
pub const SCHEMA_PATH: &str = ".aeef/incident.schema.json";

/// The incident schema shipped with this build.
pub const INCIDENT_SCHEMA: &str = include_str!("../../schemas/incident.schema.json");

/// The `.aeef.yml` schema shipped with this build.
pub const CONFIG_SCHEMA: &str = include_str!("../../schemas/config.schema.json");

/// The number of a record file name `INC-<year>-NNN.y(a)ml` of `year`
/// (the last path component counts, so git's `incidents/…` paths work).
pub fn number_in_name(name: &str, year: i32) -> Option<u32> {
    let name = name.rsplit('/').next().unwrap_or(name);
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))?;
    stem.strip_prefix(&format!("INC-{year}-"))?
        .parse::<u32>()
        .ok()
}

/// The highest number used for `year` by files named `INC-<year>-NNN.y(a)ml`
/// in `dir`.
pub fn highest_number(dir: &Path, year: i32) -> u32 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|name| number_in_name(&name, year))
        .max()
        .unwrap_or(0)
}

/// The highest number of `year` among `names` (paths the incidents folder
/// has held in history, e.g. from `git log --all --name-only`), 0 if none.
pub fn highest_in_names<'a>(names: impl IntoIterator<Item = &'a str>, year: i32) -> u32 {
    names
        .into_iter()
        .filter_map(|n| number_in_name(n.trim(), year))
        .max()
        .unwrap_or(0)
}

/// `INC-<year>-<n>` with at least three digits.
pub fn format_id(year: i32, n: u32) -> String {
    format!("INC-{year}-{n:03}")
}

/// Writes a new record for the first free id of `year` in `dir`:
/// `render(id)` gives the file's text. Never replaces an existing file;
/// when another process takes the number first, moves on to the next one.
/// Returns the path and the id.
pub fn create_record(
    dir: &Path,
    year: i32,
    render: impl Fn(&str) -> String,
) -> io::Result<(PathBuf, String)> {
    create_record_above(dir, year, 0, render)
}

/// [`create_record`] with a number the new id must exceed besides the live
/// files: the highest the folder has held in history (DESIGN §3: ids are
/// never reused, so a deleted record's number stays taken).
pub fn create_record_above(
    dir: &Path,
    year: i32,
    floor: u32,
    render: impl Fn(&str) -> String,
) -> io::Result<(PathBuf, String)> {
    std::fs::create_dir_all(dir)?;
    let mut n = highest_number(dir, year).max(floor) + 1;
    for _ in 0..10_000 {
        let id = format_id(year, n);
        let path = dir.join(format!("{id}.yaml"));
        // The `.yml` twin counts as taken too.
        if dir.join(format!("{id}.yml")).exists() {
            n += 1;
            continue;
        }
        match crate::util::write_atomic(&path, render(&id).as_bytes(), true) {
            Ok(()) => return Ok((path, id)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                n = n.max(highest_number(dir, year)) + 1;
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free incident id for {year} after 10000 attempts"
    )))
}

/// The relative path from `from_dir` to `target` (both under one root,
/// given relative to it, `/`-separated).
pub fn relative_path(from_dir: &str, target: &str) -> String {
    let from: Vec<&str> = from_dir
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let to: Vec<&str> = target
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// The text of a new record: the `$schema` line, the record, and a comment
/// listing what the policy will still ask for.
pub fn render_new(inc: &Incident, schema_ref: &str) -> Result<String, String> {
    let body = serde_saphyr::to_string(inc).map_err(|e| e.to_string())?;
    Ok(format!(
        "# yaml-language-server: $schema={schema_ref}\n{body}\
# Still to write (`aeef incident check` lists what is missing):\n\
#   acknowledged_at / mitigated_at / resolved_at, classification.failure_mode,\n\
#   classification.validation_gap, impact, timeline, rca (defect, generation_context,\n\
#   validation_pipeline, human_review, process_environment), root_cause,\n\
#   corrective_actions (two categories or more, each with owner and due), lessons_learned\n"
    ))
}

/// The highest number of `year` any record file of `dir` has had in the
/// history of every ref (`git log --all --name-only -- <dir>`), so a deleted
/// record's id is never handed out again (DESIGN §3). 0 when git is not on
/// PATH or the repository has no commits yet; the live files still count.
pub fn highest_in_history(repo: &crate::git::Repo, dir: &str, year: i32) -> u32 {
    if !repo.has_git() {
        return 0;
    }
    let mut cmd = repo.git();
    // The folder name is a path, never pathspec magic.
    cmd.env("GIT_LITERAL_PATHSPECS", "1").args([
        "log",
        "--all",
        "--format=",
        "--name-only",
        "--no-renames",
        "--",
        dir,
    ]);
    match repo.run(&mut cmd) {
        Ok(out) => highest_in_names(String::from_utf8_lossy(&out).lines(), year),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_incidents_dir() {
        assert_eq!(
            relative_path("incidents", ".aeef/incident.schema.json"),
            "../.aeef/incident.schema.json"
        );
        assert_eq!(
            relative_path("ops/incidents", ".aeef/x.json"),
            "../../.aeef/x.json"
        );
        assert_eq!(relative_path("", ".aeef/x.json"), ".aeef/x.json");
    }

    #[test]
    fn history_names_count_for_the_next_id() {
        let names = [
            "incidents/INC-2026-004.yaml",
            "incidents/INC-2026-011.yml",
            "incidents/INC-2025-099.yaml",
            "incidents/notes.md",
            "",
        ];
        assert_eq!(highest_in_names(names, 2026), 11);
        let d = tempfile::tempdir().unwrap();
        let (_, id) = create_record_above(d.path(), 2026, 11, |id| id.to_string()).unwrap();
        assert_eq!(id, "INC-2026-012");
    }

    #[test]
    fn ids_continue_after_the_highest_file() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("INC-2026-007.yaml"), "x").unwrap();
        std::fs::write(d.path().join("INC-2025-099.yaml"), "x").unwrap();
        let (p, id) = create_record(d.path(), 2026, |id| format!("id: {id}\n")).unwrap();
        assert_eq!(id, "INC-2026-008");
        assert_eq!(std::fs::read_to_string(p).unwrap(), "id: INC-2026-008\n");
        assert_eq!(
            std::fs::read_to_string(d.path().join("INC-2026-007.yaml")).unwrap(),
            "x"
        );
    }
}
