//! Reading files the repository controls, safely: the config, the incident
//! records and the GitHub event payload are regular files of bounded size,
//! never a device, a FIFO or a directory, and (for the repository's own
//! files) never anything outside the work tree or inside the git directory,
//! however a symlink points. A refused file is never opened, so its content
//! can never reach a diagnostic.
//!
//! The limits are far above any real file (a record is a few KiB, an event
//! payload a few hundred KiB) and far below what would exhaust memory:
//! `/dev/zero` or a 10 GB blob is refused before a byte is read.
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Largest `.aeef.yml` read: 1 MiB.
pub const CONFIG_MAX_BYTES: u64 = 1 << 20;
/// Largest incident record read: 4 MiB.
pub const RECORD_MAX_BYTES: u64 = 4 << 20;
/// Largest `GITHUB_EVENT_PATH` payload read: 25 MiB (GitHub caps webhook
/// payloads at 25 MB: docs.github.com "Webhook events and payloads").
pub const EVENT_MAX_BYTES: u64 = 25 << 20;

/// Why a file was not read. The messages name the path and never the
/// content.
#[derive(Debug)]
pub enum Refusal {
    /// Nothing at that path.
    NotFound,
    /// The path (or a directory on the way) resolves outside the work tree.
    Outside { target: PathBuf },
    /// The path resolves into the git directory, which is not committed
    /// content (it holds `config` with remote URLs and credentials).
    InGitDir,
    /// A directory, FIFO, socket or device.
    NotRegular { kind: &'static str },
    /// Larger than the limit.
    TooLarge { size: u64, limit: u64 },
    /// Any other I/O error (permissions, …).
    Io(io::Error),
}

impl Refusal {
    /// One sentence for a diagnostic: what is wrong with `what`.
    pub fn describe(&self, what: &str) -> String {
        match self {
            Refusal::NotFound => format!("{what} does not exist"),
            Refusal::Outside { .. } => format!(
                "{what} is a symlink (or lies under one) that leads out of the repository; aeef does not follow it"
            ),
            Refusal::InGitDir => {
                format!("{what} resolves into the git directory, which is not committed content")
            }
            Refusal::NotRegular { kind } => {
                format!("{what} is a {kind}, not a regular file")
            }
            Refusal::TooLarge { size, limit } => format!(
                "{what} is {} (limit {}); aeef does not read it",
                human_size(*size),
                human_size(*limit)
            ),
            Refusal::Io(e) => format!("{what} cannot be read: {e}"),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::NotFound => "check the path",
            Refusal::Outside { .. } | Refusal::InGitDir => {
                "commit the file itself instead of a symlink; files outside the work tree are never read"
            }
            Refusal::NotRegular { .. } => "replace it with an ordinary file",
            Refusal::TooLarge { .. } => {
                "this is not a file aeef writes or expects; check that the path is right"
            }
            Refusal::Io(_) => "check the file's permissions",
        }
    }
}

/// `1.0 MiB`, `25 MiB`, `12 bytes`.
pub fn human_size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

/// What a non-regular file is, for messages.
pub fn kind_of(m: &Metadata) -> &'static str {
    let t = m.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO (named pipe)";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "device";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// Opens `path` for reading without blocking on a FIFO and without making a
/// terminal the controlling one, then checks, on the open file, that it is
/// regular and within `limit`, and reads it.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    // Refuse what is visibly not a regular file before opening it.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(Refusal::NotRegular { kind: kind_of(&m) }),
        Ok(m) if m.len() > limit => {
            return Err(Refusal::TooLarge {
                size: m.len(),
                limit,
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Refusal::NotFound),
        Err(e) => return Err(Refusal::Io(e)),
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The file may have been swapped for a FIFO since the check.
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file: File = opts.open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Refusal::NotFound,
        _ => Refusal::Io(e),
    })?;
    let m = file.metadata().map_err(Refusal::Io)?;
    if !m.is_file() {
        return Err(Refusal::NotRegular { kind: kind_of(&m) });
    }
    if m.len() > limit {
        return Err(Refusal::TooLarge {
            size: m.len(),
            limit,
        });
    }
    let mut buf = Vec::with_capacity(usize::try_from(m.len()).unwrap_or(0));
    // A file that grows while read still stops at the limit.
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(Refusal::Io)?;
    if buf.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// The work tree a command reads: every repository file is resolved inside
/// it before it is opened.
#[derive(Debug, Clone)]
pub struct Jail {
    /// The root as given (for relative names in messages).
    root: PathBuf,
    /// The root with symlinks resolved.
    canon: PathBuf,
}

impl Jail {
    /// A jail at `root` (the work tree, or the directory a command runs in
    /// outside a repository).
    pub fn new(root: &Path) -> Jail {
        Jail {
            root: root.to_path_buf(),
            canon: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Where `path` really is, if it is inside the work tree and not in its
    /// git directory. `NotFound` when nothing is there.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let real = match path.canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A dangling symlink is still a symlink that leads somewhere.
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(Refusal::Outside {
                        target: std::fs::read_link(path).unwrap_or_default(),
                    });
                }
                // Missing: but the nearest existing directory on the way
                // must not lead out either (`link/sub` with `link -> /tmp`).
                let mut up = path.parent();
                while let Some(dir) = up {
                    if let Ok(real) = dir.canonicalize() {
                        self.inside(real)?;
                        break;
                    }
                    up = dir.parent();
                }
                return Err(Refusal::NotFound);
            }
            Err(e) => return Err(Refusal::Io(e)),
        };
        self.inside(real)
    }

    fn inside(&self, real: PathBuf) -> Result<PathBuf, Refusal> {
        let Ok(rel) = real.strip_prefix(&self.canon) else {
            return Err(Refusal::Outside { target: real });
        };
        if rel
            .components()
            .any(|c| matches!(c, Component::Normal(n) if n == ".git"))
        {
            return Err(Refusal::InGitDir);
        }
        Ok(real)
    }

    /// Reads a file of the work tree: inside the jail, regular, at most
    /// `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
        let real = self.resolve(path)?;
        read_regular(&real, limit)
    }

    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Why a configured path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    Empty,
    Absolute,
    ParentDir,
    Nul,
    /// It exists and resolves outside the work tree (or into `.git`).
    LeadsOut,
}

impl PathProblem {
    pub fn describe(&self, key: &str, value: &str) -> String {
        let v = crate::redact::escape_controls(value);
        match self {
            PathProblem::Empty => format!("`{key}` is empty"),
            PathProblem::Absolute => format!("`{key}: {v}` is an absolute path"),
            PathProblem::ParentDir => format!("`{key}: {v}` climbs out with `..`"),
            PathProblem::Nul => format!("`{key}` contains a NUL byte"),
            PathProblem::LeadsOut
                if value
                    .trim_start_matches("./")
                    .split('/')
                    .next()
                    .is_some_and(|first| first == ".git") =>
            {
                format!("`{key}: {v}` points into the git directory, not the work tree")
            }
            PathProblem::LeadsOut => format!(
                "`{key}: {v}` is (or lies under) a symlink that leads out of the repository"
            ),
        }
    }
}

/// Checks a path from `.aeef.yml`: relative, `/`-separated, no `..`, no
/// NUL, and, where it exists, resolving inside the work tree and outside
/// the git directory. A missing path, or a file where a folder should be,
/// is not a problem here (reading commands report what they cannot read).
pub fn check_configured_dir(jail: &Jail, value: &str) -> Result<(), PathProblem> {
    check_configured_dir_text(value)?;
    let full = jail.root().join(Path::new(value));
    match jail.resolve(&full) {
        Ok(_) | Err(Refusal::NotFound) => Ok(()),
        Err(Refusal::Outside { .. } | Refusal::InGitDir) => Err(PathProblem::LeadsOut),
        Err(_) => Ok(()),
    }
}

/// The checks of [`check_configured_dir`] that need no work tree, for a
/// configuration read from a revision's tree (`--rev`, a bare
/// repository): no NUL, not empty, not absolute, no `..`, not into `.git`.
pub fn check_configured_dir_text(value: &str) -> Result<(), PathProblem> {
    if value.contains('\0') {
        return Err(PathProblem::Nul);
    }
    if value.trim().is_empty() {
        return Err(PathProblem::Empty);
    }
    let p = Path::new(value);
    // `C:\x` and `\\server` are absolute on Windows; `/x` everywhere.
    let drive = value.as_bytes().get(1) == Some(&b':');
    if p.is_absolute() || p.has_root() || value.starts_with(['/', '\\']) || drive {
        return Err(PathProblem::Absolute);
    }
    if value.split(['/', '\\']).any(|c| c == "..") {
        return Err(PathProblem::ParentDir);
    }
    let first = value
        .split(['/', '\\'])
        .find(|c| !c.is_empty() && *c != ".");
    if first.is_some_and(|c| c.eq_ignore_ascii_case(".git")) {
        return Err(PathProblem::LeadsOut);
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlinks_out_of_the_jail_and_into_git_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "x").unwrap();
        std::fs::write(d.path().join("secret"), "s").unwrap();
        std::fs::write(root.join("ok.yml"), "a: 1").unwrap();
        std::os::unix::fs::symlink(d.path().join("secret"), root.join("out.yml")).unwrap();
        std::os::unix::fs::symlink(root.join(".git/config"), root.join("git.yml")).unwrap();
        std::os::unix::fs::symlink(root.join("ok.yml"), root.join("in.yml")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", root.join("dangling.yml")).unwrap();
        let j = Jail::new(&root);
        assert!(matches!(
            j.read(&root.join("out.yml"), 10),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            j.read(&root.join("git.yml"), 10),
            Err(Refusal::InGitDir)
        ));
        assert!(matches!(
            j.read(&root.join("dangling.yml"), 10),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            j.read(&root.join("nothing.yml"), 10),
            Err(Refusal::NotFound)
        ));
        assert_eq!(j.read(&root.join("in.yml"), 10).unwrap(), b"a: 1");
        assert!(matches!(
            j.read(&root.join("ok.yml"), 3),
            Err(Refusal::TooLarge { .. })
        ));
    }

    #[test]
    fn devices_and_directories_are_not_read() {
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(Refusal::NotRegular { kind: "device" })
        ));
        assert!(matches!(
            read_regular(Path::new("/"), 10),
            Err(Refusal::NotRegular { kind: "directory" })
        ));
    }

    #[test]
    fn configured_dirs_stay_inside() {
        let d = tempfile::tempdir().unwrap();
        let j = Jail::new(d.path());
        assert_eq!(check_configured_dir(&j, "incidents"), Ok(()));
        assert_eq!(check_configured_dir(&j, "ops/incidents"), Ok(()));
        assert_eq!(
            check_configured_dir(&j, "../x"),
            Err(PathProblem::ParentDir)
        );
        assert_eq!(
            check_configured_dir(&j, "a/../../x"),
            Err(PathProblem::ParentDir)
        );
        assert_eq!(check_configured_dir(&j, "/tmp"), Err(PathProblem::Absolute));
        assert_eq!(check_configured_dir(&j, "a\0b"), Err(PathProblem::Nul));
        assert_eq!(check_configured_dir(&j, " "), Err(PathProblem::Empty));
        std::os::unix::fs::symlink("/tmp", d.path().join("link")).unwrap();
        assert_eq!(check_configured_dir(&j, "link"), Err(PathProblem::LeadsOut));
        assert_eq!(
            check_configured_dir(&j, "link/sub"),
            Err(PathProblem::LeadsOut)
        );
    }
}
