//! The git edge: opening repositories (`-C`, bare, worktrees), resolving
//! revisions, reading commits fast, diffs, blame and git-ai notes.
//!
//! `git` on PATH is preferred where it is faster or defines the semantics
//! (`git log` for scans, `git blame --porcelain`, `git diff-tree --cc`);
//! libgit2 is the fallback and serves small object reads.
pub mod blame;
pub mod cache;
pub mod commits;
pub mod diff;
pub mod entire;
pub mod loose;
pub mod notes_feed;
pub mod packs;
pub mod resolve;
pub mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::error::GitError;

pub use blame::BlameLine;
pub use commits::RawCommit;
pub(crate) use diff::unquote as diff_unquote;
pub use diff::{FileChange, Hunk};

/// The notes ref git-ai writes.
pub const NOTES_REF: &str = "refs/notes/ai";

/// An open repository.
pub struct Repo {
    repo: git2::Repository,
    /// Directory git subprocesses run in (`git -C`).
    cwd: PathBuf,
    /// The git directory and work tree to hand every git process, when
    /// its working folder would not lead it there: the user named them
    /// (`GIT_DIR`, `GIT_WORK_TREE`), or the work tree is one git names
    /// from outside it (`core.worktree`).
    named: Option<(PathBuf, Option<PathBuf>)>,
    git_on_path: bool,
    shallow: OnceLock<HashSet<String>>,
    ignore_revs: OnceLock<blame::IgnoreRevs>,
    /// Ancestors already resolved: (commit, `~N`/`^N` suffix) → commit id.
    ancestors: std::sync::Mutex<std::collections::HashMap<(git2::Oid, String), String>>,
    /// Commit objects read while resolving `NAME~N`, kept for the walk
    /// that usually follows over the same commits
    /// ([`Repo::take_read_commit`]).
    read_commits: std::sync::Mutex<std::collections::HashMap<git2::Oid, Vec<u8>>>,
    /// The pack files, listed at the first walk ([`Repo::packs`]).
    packs: OnceLock<Option<packs::Packs>>,
}

/// Most commit objects [`Repo::take_read_commit`] keeps (about 1 kB each).
const READ_COMMITS: usize = 4096;

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("cwd", &self.cwd).finish()
    }
}

/// True when `git` is on PATH (looked up, not run: a process start costs
/// more than a small scan) and `AEEF_NO_GIT` is not set.
fn git_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::env::var_os("AEEF_NO_GIT").is_none()
            && std::env::var_os("PATH").is_some_and(|path| {
                std::env::split_paths(&path).any(|dir| is_executable(&dir.join("git")))
            })
    })
}

/// Environment variables that change where git looks for a repository;
/// libgit2's plain discovery ignores them.
const DISCOVERY_ENV: [&str; 5] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/// True when any of [`DISCOVERY_ENV`] is set: git, not libgit2's own
/// search, then says where the repository is.
fn discovery_env_set() -> bool {
    DISCOVERY_ENV.iter().any(|v| std::env::var_os(v).is_some())
}

/// True when the user named the repository itself (`GIT_DIR` or
/// `GIT_WORK_TREE`): one that cannot be opened is then an error, never "no
/// repository", and git is handed both ([`Repo::git_as_user`]).
pub fn repository_named_by_env() -> bool {
    ["GIT_DIR", "GIT_WORK_TREE"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

/// The common case, opened by libgit2 alone (no `git rev-parse` process:
/// every command opens a repository, and a process costs milliseconds):
/// no discovery variable is set, the git directory has its `config` (so
/// `core.bare` decides bare or not, for git and libgit2 alike), and `start`
/// is not inside the git directory of a non-bare repository (where git has
/// no work tree but libgit2 would use the parent). `None` otherwise: then
/// git is asked.
fn open_ordinary(start: &Path) -> Option<git2::Repository> {
    if discovery_env_set() {
        return None;
    }
    let none = std::iter::empty::<&std::ffi::OsStr>();
    let repo = git2::Repository::open_ext(start, git2::RepositoryOpenFlags::empty(), none).ok()?;
    if !repo.commondir().join("config").is_file() {
        return None;
    }
    if !repo.is_bare() {
        let here = start.canonicalize().ok()?;
        let git_dir = repo.path().canonicalize().ok()?;
        if here.starts_with(&git_dir) {
            return None;
        }
        // Outside the work tree libgit2 found (a copied linked worktree,
        // whose admin folder still names the original): git decides.
        let work_tree = repo.workdir()?.canonicalize().ok()?;
        if !here.starts_with(&work_tree) {
            return None;
        }
    }
    Some(repo)
}

/// Whether git run in `work_tree` finds `git_dir` there: its `.git` is that
/// folder, or a `gitdir:` file naming it (linked worktrees, submodules).
fn leads_back(work_tree: &Path, git_dir: &Path) -> bool {
    let dot = work_tree.join(".git");
    let named = match std::fs::read(&dot) {
        Ok(file) => match file.strip_prefix(b"gitdir: ") {
            Some(rest) => work_tree.join(path_of_output(rest.trim_ascii_end())),
            None => return false,
        },
        Err(_) => dot,
    };
    named.canonicalize().is_ok_and(|d| d == git_dir)
}

/// libgit2's discovery, corrected where it differs from git: a git
/// directory without `config` (so without `core.bare`) that is neither a
/// `.git` folder nor a worktree's is bare to git, while libgit2 would take
/// its parent folder for the work tree.
fn open_like_git(start: &Path) -> Result<git2::Repository, git2::Error> {
    let none = std::iter::empty::<&std::ffi::OsStr>();
    let repo = git2::Repository::open_ext(start, git2::RepositoryOpenFlags::empty(), none)?;
    let guessed_work_tree = !repo.is_bare()
        && !repo.is_worktree()
        && repo.path().file_name() != Some(std::ffi::OsStr::new(".git"))
        && !repo.path().join("config").is_file();
    if guessed_work_tree {
        let git_dir = repo.path().to_path_buf();
        let flags = git2::RepositoryOpenFlags::NO_SEARCH | git2::RepositoryOpenFlags::BARE;
        return git2::Repository::open_ext(&git_dir, flags, std::iter::empty::<&std::ffi::OsStr>());
    }
    Ok(repo)
}

/// What `git rev-parse` said about a directory.
enum Asked {
    Found(Location),
    /// git: "not a git repository (or any of the parent directories)".
    NotARepository,
    /// git could not answer (refused the repository, or failed to run).
    Failed,
}

/// Where git says the repository is (see [`Repo::discover`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    git_dir: PathBuf,
    /// git's `--is-bare-repository`.
    bare: bool,
    /// The work tree root; `None` in a bare repository or inside the git
    /// directory (where git, too, has no work tree).
    work_tree: Option<PathBuf>,
    /// The work tree is one git names from outside it (`GIT_WORK_TREE`,
    /// `core.worktree`): git run there would not find the repository.
    outside: bool,
}

impl Location {
    /// `git rev-parse ARGS` run in `start`, as discovery asks it.
    fn rev_parse(start: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        tune_allocator(&mut cmd);
        cmd.current_dir(start)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .arg("rev-parse")
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    /// Asks `git rev-parse` in `start`.
    fn ask_git(start: &Path) -> Asked {
        let Ok(out) = Location::rev_parse(
            start,
            &[
                "--absolute-git-dir",
                "--is-bare-repository",
                "--is-inside-work-tree",
                "--show-cdup",
            ],
        )
        // git's own words, untranslated, to tell "no repository" apart.
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .output() else {
            return Asked::Failed;
        };
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return if err.contains("not a git repository") {
                Asked::NotARepository
            } else {
                Asked::Failed
            };
        }
        match Location::parse(start, &out.stdout) {
            Some(mut l) => {
                if l.work_tree.is_none() && !l.bare {
                    l.work_tree = Location::top_level(start);
                    l.outside = l.work_tree.is_some();
                }
                Asked::Found(l)
            }
            None => Asked::Failed,
        }
    }

    /// The work tree git names when run from outside it (`GIT_WORK_TREE`,
    /// `core.worktree`), if it is a directory; `None` where git has none
    /// (inside a git directory git answers "must be run in a work tree").
    fn top_level(start: &Path) -> Option<PathBuf> {
        let out = Location::rev_parse(start, &["--show-toplevel"])
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        let top = path_of_output(&out.stdout);
        if top.as_os_str().is_empty() || !top.is_dir() {
            return None;
        }
        Some(top.canonicalize().unwrap_or(top))
    }

    /// Reads the four answers of [`Location::ask_git`] (`--show-cdup`
    /// prints nothing outside a work tree).
    /// Paths are bytes (a repository may live under a folder whose name
    /// is not UTF-8).
    fn parse(start: &Path, text: &[u8]) -> Option<Location> {
        let mut lines = text.split(|&b| b == b'\n');
        let git_dir = path_of_bytes(lines.next().filter(|l| !l.is_empty())?);
        let bare = lines.next()? == b"true";
        let inside = lines.next()? == b"true";
        let cdup = path_of_bytes(lines.next().unwrap_or(b""));
        let work_tree = (!bare && inside).then(|| {
            let top = start.join(cdup);
            top.canonicalize().unwrap_or(top)
        });
        Some(Location {
            git_dir,
            bare,
            work_tree,
            outside: false,
        })
    }

    /// Opens the git directory with libgit2, without searching and without
    /// needing a `config` file, and sets the work tree git named.
    fn open(&self) -> Result<git2::Repository, git2::Error> {
        let mut flags = git2::RepositoryOpenFlags::NO_SEARCH;
        if self.work_tree.is_none() {
            flags |= git2::RepositoryOpenFlags::BARE;
        }
        let repo = git2::Repository::open_ext(
            &self.git_dir,
            flags,
            std::iter::empty::<&std::ffi::OsStr>(),
        )?;
        if let Some(top) = &self.work_tree {
            let same = repo
                .workdir()
                .is_some_and(|w| w.canonicalize().ok().as_deref() == Some(top.as_path()));
            if !same {
                repo.set_workdir(top, false)?;
            }
        }
        Ok(repo)
    }
}

/// The path git printed on one line (its newline dropped), as bytes: a
/// folder whose name is not UTF-8 is still that folder.
pub(crate) fn path_of_output(stdout: &[u8]) -> PathBuf {
    path_of_bytes(stdout.strip_suffix(b"\n").unwrap_or(stdout))
}

/// A path git printed, as the bytes it printed.
#[cfg(unix)]
fn path_of_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn path_of_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.with_extension("exe").is_file() || p.is_file()
}

/// glibc's allocator settings for the git processes aeef runs, unless the
/// user set `GLIBC_TUNABLES` themselves (theirs are kept as they are).
///
/// With glibc's defaults a `git blame` gives memory back to the kernel as
/// soon as the top of its heap is free and takes it again on the next
/// blob: measured on git-ai-project/git-ai, `git blame --porcelain` of
/// `src/daemon.rs` took 75,211 page faults and 407 ms of CPU; with the
/// heap grown 16 MiB at a time (`glibc.malloc.top_pad`) and backed by
/// transparent huge pages where the kernel offers them on request
/// (`glibc.malloc.hugetlb=1`, glibc 2.35+), 645 faults and 269 ms, for
/// 1–2% more peak memory. Other C libraries, and older glibc for the
/// tunables it does not know, ignore the variable (glibc's manual,
/// "Tunables"); the answers are git's either way.
pub fn tune_allocator(cmd: &mut Command) {
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        cmd.env("GLIBC_TUNABLES", TUNABLES);
    }
}

/// The settings [`tune_allocator`] gives.
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216";

/// `cmd` as a shell line to run by hand (`cd DIR && VAR=value git …`),
/// without the allocator settings, which change no answer.
pub fn shown(cmd: &Command) -> String {
    format!("{cmd:?}")
        .replace(&format!("GLIBC_TUNABLES={TUNABLES:?} "), "")
        .replace('"', "")
}

/// The bytes of the blob a git-ai note entry names, or what is wrong with
/// it in the words of [`GitError::BadNote`]'s `what` (as `git cat-file
/// --batch` answers: "its entry … is a tree, not a blob", "its object … is
/// missing"): a note git cannot read must stop the command, never read as
/// "no note" nor as another object's bytes. A loose note is read by aeef
/// itself ([`loose`]; git-ai writes its notes loose): libgit2, which reads
/// the others, loops forever on a truncated loose one.
pub fn note_blob(repo: &git2::Repository, entry: git2::Oid) -> Result<Vec<u8>, String> {
    match loose::read(&repo.commondir().join("objects"), entry) {
        Ok(Some((packs::OBJ_BLOB, bytes))) => return Ok(bytes),
        Ok(Some((kind, _))) => {
            return Err(format!(
                "its entry {entry} is a {}, not a blob",
                packs::type_name(kind)
            ));
        }
        Ok(None) => {}
        Err(e) => return Err(e.to_string()),
    }
    repo.find_blob(entry)
        .map(|b| b.content().to_vec())
        .map_err(|_| match repo.find_object(entry, None) {
            Ok(o) => format!(
                "its entry {entry} is a {}, not a blob",
                o.kind().map_or("object of unknown type", |k| k.str())
            ),
            Err(_) => format!("its object {entry} is missing"),
        })
}

impl Repo {
    /// Opens the repository containing `dir` (or the current directory)
    /// exactly as git does. The common case (a git directory with its
    /// `config`, no `GIT_DIR`-like variables) is opened by libgit2 alone,
    /// where both agree. Otherwise git itself is asked where the git
    /// directory and the work tree are (`git rev-parse --absolute-git-dir
    /// --is-bare-repository --is-inside-work-tree --show-cdup`), so
    /// `GIT_DIR`/`GIT_WORK_TREE`, a start inside `.git`, and git directories
    /// without a `config` file (as some mirrors have: bare to git) open as
    /// `git -C DIR` opens them; libgit2 then opens that git directory
    /// without searching, bare when git found no work tree. Without git on
    /// PATH (or when git refuses), libgit2's discovery is used, corrected
    /// for the config-less case.
    ///
    /// Errors: [`GitError::NoSuchDirectory`] when `dir` is not a directory,
    /// [`GitError::NotARepository`] when neither search finds one.
    pub fn discover(dir: Option<&Path>) -> Result<Repo, GitError> {
        let start = match dir {
            // As git's `-C`: a folder that is not there is said as such,
            // not as "not a git repository".
            Some(d) => match std::fs::metadata(d) {
                Ok(m) if m.is_dir() => d.to_path_buf(),
                Ok(_) => {
                    return Err(GitError::NoSuchDirectory {
                        path: d.display().to_string(),
                        reason: "not a directory".into(),
                    });
                }
                Err(e) => {
                    return Err(GitError::NoSuchDirectory {
                        path: d.display().to_string(),
                        reason: e.to_string(),
                    });
                }
            },
            None => std::env::current_dir()?,
        };
        // git itself does not re-hash every object it reads; libgit2 does by
        // default, which doubles the cost of reading 1,000 records.
        git2::opts::strict_hash_verification(false);
        let git_on_path = git_available();
        let not_a_repo = || GitError::NotARepository {
            path: start.display().to_string(),
        };
        let ordinary = if git_on_path {
            open_ordinary(&start)
        } else {
            None
        };
        // libgit2's own search ignores `GIT_DIR` and the rest: with any of
        // them set, the repository is the one git names or none (falling
        // back read the repository around the current folder, exit 0).
        let named = discovery_env_set();
        let mut outside = false;
        let located = match ordinary {
            Some(r) => Some(r),
            None if git_on_path => match Location::ask_git(&start) {
                Asked::Found(l) => match l.open() {
                    Ok(r) => {
                        outside = l.outside;
                        Some(r)
                    }
                    Err(e) if unsupported(&e) => {
                        let at = l.work_tree.as_ref().unwrap_or(&l.git_dir);
                        return Err(GitError::UnsupportedRepository {
                            path: at.display().to_string(),
                            reason: e.message().to_string(),
                        });
                    }
                    Err(_) if named => return Err(not_a_repo()),
                    Err(_) => None,
                },
                Asked::NotARepository => return Err(not_a_repo()),
                Asked::Failed if named => return Err(not_a_repo()),
                Asked::Failed => None,
            },
            None => None,
        };
        let repo = match located {
            Some(r) => r,
            None => open_like_git(&start).map_err(|_| not_a_repo())?,
        };
        let cwd = repo
            .workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.path().to_path_buf());
        // git run in the work tree finds no repository there, or another
        // (`core.worktree` elsewhere, or above the folder holding `.git`):
        // every git child must be told where both are.
        let strays = repo.workdir().is_some_and(|w| {
            !repo
                .path()
                .canonicalize()
                .is_ok_and(|git_dir| leads_back(w, &git_dir))
        });
        let named = (repository_named_by_env() || outside || strays).then(|| {
            (
                repo.path().to_path_buf(),
                repo.workdir().map(Path::to_path_buf),
            )
        });
        Ok(Repo {
            repo,
            cwd,
            named,
            git_on_path,
            shallow: OnceLock::new(),
            ignore_revs: OnceLock::new(),
            ancestors: Default::default(),
            read_commits: Default::default(),
            packs: OnceLock::new(),
        })
    }

    /// True when this is a shallow clone (`.git/shallow` lists commits).
    pub fn is_shallow(&self) -> bool {
        !self.shallow_commits().is_empty()
    }

    /// A second handle on the same repository, for another thread
    /// (libgit2 handles are not shared between threads).
    pub fn reopen(&self) -> Result<Repo, GitError> {
        Ok(Repo {
            repo: git2::Repository::open(self.repo.path())?,
            cwd: self.cwd.clone(),
            named: self.named.clone(),
            git_on_path: self.git_on_path,
            shallow: OnceLock::new(),
            ignore_revs: OnceLock::new(),
            ancestors: Default::default(),
            read_commits: Default::default(),
            packs: OnceLock::new(),
        })
    }

    /// The revisions blame skips (`.git-blame-ignore-revs`,
    /// `blame.ignoreRevsFile`), read once.
    pub fn ignore_revs(&self) -> &blame::IgnoreRevs {
        self.ignore_revs
            .get_or_init(|| blame::IgnoreRevs::read(&self.repo, &self.cwd))
    }

    /// The directory shared by all worktrees (`.git`, or the bare repository).
    pub fn common_dir(&self) -> &Path {
        self.repo.commondir()
    }

    /// libgit2 handle for small reads.
    pub fn git2(&self) -> &git2::Repository {
        &self.repo
    }

    /// The work tree root, if the repository has one.
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// The work tree `git commit` runs hooks from, for a handle opened from
    /// inside a non-bare repository's git folder (a `.git` folder, or a
    /// linked worktree's `.git/worktrees/NAME`). There git, and so
    /// [`Repo::workdir`], has no work tree, but hooks still run from the
    /// work tree's root (githooks(5)). The candidate is the folder holding
    /// `.git`, or the one a linked worktree's `gitdir` file names; it is
    /// taken only when git, asked there as discovery asks it, names this
    /// same git folder and a work tree. `None` whenever the handle has a
    /// work tree, and for bare repositories and git folders nothing names
    /// a work tree for.
    pub fn work_tree_around(&self) -> Option<PathBuf> {
        if self.workdir().is_some() {
            return None;
        }
        let git_dir = self.repo.path().canonicalize().ok()?;
        let candidate = match std::fs::read(git_dir.join("gitdir")) {
            // A linked worktree's admin folder: `gitdir` names its `.git` file.
            Ok(named) => git_dir.join(path_of_output(&named)).parent()?.to_path_buf(),
            Err(_) if git_dir.file_name()? == ".git" => git_dir.parent()?.to_path_buf(),
            Err(_) => return None,
        };
        let Asked::Found(found) = Location::ask_git(&candidate) else {
            return None;
        };
        let same = found.git_dir.canonicalize().ok()? == git_dir;
        found.work_tree.filter(|_| same)
    }

    /// True when `git` can be run as a subprocess.
    pub fn has_git(&self) -> bool {
        self.git_on_path
    }

    /// A `git` command running in this repository as the user's own git
    /// would (their system config included), from [`Repo::git`]'s folder
    /// and told where the repository is when that folder would not lead
    /// git to it. For questions about the user's setup, such as where
    /// hooks live; answers aeef reads come from [`Repo::git`].
    pub fn git_as_user(&self) -> Command {
        let mut c = Command::new("git");
        tune_allocator(&mut c);
        // git runs from the work tree's root (or the git directory): a
        // relative `GIT_DIR` / `GIT_WORK_TREE` of the user's would point
        // elsewhere from there, and a work tree outside the repository
        // (`GIT_WORK_TREE`, `core.worktree`) leaves git nothing to find, or
        // another repository around it. So git then gets both as git itself
        // answered them ([`Repo::discover`] opens nothing else), absolute.
        if let Some((git_dir, work_tree)) = &self.named {
            c.env("GIT_DIR", git_dir);
            match work_tree {
                Some(top) => c.env("GIT_WORK_TREE", top),
                None => c.env_remove("GIT_WORK_TREE"),
            };
            if std::env::var_os("GIT_COMMON_DIR").is_some() {
                c.env("GIT_COMMON_DIR", self.repo.commondir());
            }
        }
        c.current_dir(&self.cwd).stdin(Stdio::null());
        c
    }

    /// A `git` command running in this repository.
    pub fn git(&self) -> Command {
        let mut c = self.git_as_user();
        // Every diff aeef reads (the one pass, hunks, commit changes) must
        // place hunks as `git blame` does: git 2.47's blame diffs with
        // myers and the indent heuristic whatever `diff.algorithm` says,
        // so both are pinned for every command (a later git whose blame
        // reads the setting gets the same pin). `GIT_DIFF_OPTS` would
        // override `-U0`; `diff.relative` would cut paths (set here, not
        // as `--no-relative`, which git before 2.28 refuses); a low
        // `diff.renameLimit` would turn renames into a deleted and an
        // added file, so it is git's default.
        c.env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_EXTERNAL_DIFF")
            .env_remove("GIT_DIFF_OPTS")
            .args([
                "-c",
                "core.quotePath=false",
                "-c",
                "log.showSignature=false",
                "-c",
                "diff.algorithm=myers",
                "-c",
                "diff.indentHeuristic=true",
                "-c",
                "diff.relative=false",
                "-c",
                "diff.renameLimit=1000",
            ])
            .stdin(Stdio::null());
        c
    }

    /// [`Repo::git`] for a command that must read objects only: no index
    /// (`git diff-tree` reads it, and then takes a blob's content from the
    /// work-tree file whose stat data match its index entry, and runs a
    /// `core.fsmonitor` hook on the way).
    pub fn git_without_index(&self) -> Command {
        let mut c = self.git();
        c.args(["-c", "core.fsmonitor=false"]).env(
            "GIT_INDEX_FILE",
            self.repo.path().join("aeef/no-index/index"),
        );
        c
    }

    /// Runs a git command and returns its stdout, or its stderr as an error.
    pub fn run(&self, cmd: &mut Command) -> Result<Vec<u8>, GitError> {
        let out = cmd.output()?;
        if !out.status.success() {
            return Err(GitError::CommandFailed {
                command: shown(cmd),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(out.stdout)
    }

    /// Resolves `rev` to a commit id (40 hex).
    ///
    /// `NAME~N` / `NAME^N` chains are remembered by the commit `NAME`
    /// resolves to and the suffix (an ancestor of a commit never changes):
    /// libgit2 reads and parses every commit on the way (`HEAD~200` is
    /// 200 commits), and a scan resolves its range twice (validation, then
    /// the walk).
    pub fn resolve_commit(&self, rev: &str) -> Result<String, GitError> {
        let Some((base, suffix)) = rev
            .find(['~', '^'])
            .map(|i| rev.split_at(i))
            .filter(|(b, s)| !b.is_empty() && s.bytes().all(|c| b"~^0123456789".contains(&c)))
        else {
            return self.resolve_commit_uncached(rev);
        };
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        // A corrupt object is said as such; any other failure as the name.
        let named = |e: GitError| match e {
            GitError::CorruptObject { .. } => e,
            _ => unknown(),
        };
        let base = self.resolve_commit_uncached(base).map_err(named)?;
        let key = (
            git2::Oid::from_str(&base).map_err(|_| unknown())?,
            suffix.to_string(),
        );
        if let Some(id) = self
            .ancestors
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(id);
        }
        let id = match self.ancestor_fast(key.0, suffix)? {
            Some(id) => id,
            None => self
                .resolve_commit_uncached(&format!("{base}{suffix}"))
                .map_err(named)?,
        };
        if let Ok(mut m) = self.ancestors.lock() {
            m.insert(key, id.clone());
        }
        Ok(id)
    }

    /// `base` followed by `suffix`'s `~N` / `^N` steps (git's
    /// gitrevisions(7): `~N` is the N-th first-parent generation, `^N` the
    /// N-th parent, `^0` the commit, a missing N is 1), reading each commit
    /// as the scan's walk does: its parent lines only. `Ok(None)` when a
    /// step has no such parent or anything is unusual (a shallow
    /// repository, a grafts file, odd commit bytes): libgit2 then decides
    /// and words the error, as before. A damaged loose commit on the way is
    /// an error ([`Repo::own_object`]).
    fn ancestor_fast(&self, base: git2::Oid, suffix: &str) -> Result<Option<String>, GitError> {
        if self.is_shallow() || self.repo.commondir().join("info/grafts").exists() {
            return Ok(None);
        }
        let mut read = Vec::new();
        let mut z = packs::Reader::default();
        // libgit2's reader, for a commit outside the packs and loose files
        // (an alternate), opened once when first needed.
        let mut odb = None;
        let mut parents = |oid| -> Result<Option<Vec<git2::Oid>>, GitError> {
            let data = match self.own_object(oid, packs::OBJ_COMMIT, &mut z)? {
                Some(data) => data,
                None => {
                    if odb.is_none() {
                        odb = self.repo.odb().ok();
                    }
                    let Some(Ok(obj)) = odb.as_ref().map(|o| o.read(oid)) else {
                        return Ok(None);
                    };
                    if obj.kind() != git2::ObjectType::Commit {
                        return Ok(None);
                    }
                    obj.data().to_vec()
                }
            };
            let parents = commits::walk_fields(&data).map(|(p, _)| p);
            if parents.is_some() && read.len() < READ_COMMITS {
                read.push((oid, data));
            }
            Ok(parents)
        };
        let mut at = base;
        let mut rest = suffix.as_bytes();
        while let Some((&op, tail)) = rest.split_first() {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            let n: usize = match digits {
                0 => 1,
                _ => match std::str::from_utf8(&tail[..digits])
                    .ok()
                    .and_then(|d| d.parse().ok())
                {
                    Some(n) => n,
                    None => return Ok(None),
                },
            };
            rest = &tail[digits..];
            let step = match op {
                b'~' => {
                    let mut to = Some(at);
                    for _ in 0..n {
                        let Some(from) = to else { break };
                        to = parents(from)?.and_then(|p| p.first().copied());
                    }
                    to
                }
                b'^' if n > 0 => parents(at)?.and_then(|p| p.get(n - 1).copied()),
                b'^' => Some(at),
                _ => None,
            };
            let Some(next) = step else {
                return Ok(None);
            };
            at = next;
        }
        if let Ok(mut kept) = self.read_commits.lock() {
            kept.extend(read);
        }
        Ok(Some(at.to_string()))
    }

    /// The repository's pack files, for the in-process walk
    /// ([`packs::Packs`]), listed once; `None` when it has none this
    /// reader reads, or when its objects are not SHA-1 (an
    /// `extensions.objectFormat` other than `sha1`).
    pub fn packs(&self) -> Option<&packs::Packs> {
        self.packs
            .get_or_init(|| {
                // libgit2's own answer (from `extensions.objectFormat`, read
                // when it opened the repository; no second config read).
                if self.repo.object_format() != git2::ObjectFormat::Sha1 {
                    return None;
                }
                packs::Packs::open(&self.repo.commondir().join("objects"))
            })
            .as_ref()
    }

    /// The bytes of commit `oid` if resolving a `NAME~N` read them (each
    /// handed out once): a scan of `HEAD~200..HEAD` then reads those 200
    /// commits once, not once to resolve the range and again to walk it.
    pub fn take_read_commit(&self, oid: git2::Oid) -> Option<Vec<u8>> {
        self.read_commits.lock().ok()?.remove(&oid)
    }

    /// Whether `path` (`a/b`, no leading `/`) names an entry of the tree of
    /// `commit`, read by aeef itself ([`Repo::own_object`]): `Some(false)`
    /// is a sure no (what most repositories answer for an optional file,
    /// with no libgit2 reader opened for it); `None` when this reader
    /// cannot tell (an object outside the packs and loose files, a path
    /// through something other than a folder), for libgit2 to answer. A
    /// damaged loose commit or tree on the way is an error: libgit2, which
    /// would answer next, loops forever on a truncated one.
    pub fn has_path_fast(&self, commit: git2::Oid, path: &str) -> Result<Option<bool>, GitError> {
        let mut z = packs::Reader::default();
        let kept = self
            .read_commits
            .lock()
            .ok()
            .and_then(|k| k.get(&commit).cloned());
        let data = match kept {
            Some(data) => Some(data),
            None => self.own_object(commit, packs::OBJ_COMMIT, &mut z)?,
        };
        let Some(mut oid) = data.as_deref().and_then(commits::tree_id) else {
            return Ok(None);
        };
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let own = self.own_object(oid, packs::OBJ_TREE, &mut z)?;
            let Some(tree) = own.and_then(packs::TreeEntries::parse) else {
                return Ok(None);
            };
            let Some((mode, id)) = tree.get(name.as_bytes()) else {
                return Ok(Some(false));
            };
            if names.peek().is_none() {
                return Ok(Some(true));
            }
            if mode != 0o040000 {
                return Ok(None);
            }
            oid = id;
        }
        Ok(None)
    }

    /// Follows `oid` through annotated tags as libgit2's peel does, each
    /// object read by aeef itself first ([`Repo::own_object`]; a loose one
    /// is inflated whole, whatever its type): a damaged loose tag, or a
    /// damaged loose object a tag names, is [`GitError::CorruptObject`]
    /// before libgit2 reads it (it loops forever on a truncated one). A
    /// chain of more than 64 tags is left to libgit2.
    pub fn check_peel(&self, mut oid: git2::Oid) -> Result<(), GitError> {
        let mut z = packs::Reader::default();
        for _ in 0..64 {
            let tag = self.own_object(oid, packs::OBJ_TAG, &mut z)?;
            match tag.as_deref().and_then(commits::tag_target) {
                Some(next) => oid = next,
                None => return Ok(()),
            }
        }
        Ok(())
    }

    /// `rev` resolved as libgit2's revparse resolves a plain reference name
    /// (`git_reference_dwim`: `HEAD`, `main`, `origin/main`,
    /// `refs/heads/x`, and an all-hex name that is a ref, which git and
    /// libgit2 both take before an abbreviated id), with the commit it
    /// points at read by aeef itself ([`Repo::own_object`]) and kept for
    /// the walk: libgit2 would open its own reader of the same packs (an
    /// index mapped, the object inflated) for one object, a tenth of a
    /// short scan's time, and loops forever on a truncated loose one.
    /// `Ok(None)` for anything else, which libgit2 then resolves as
    /// before: an id (full ids are [`Repo::resolve_commit_uncached`]'s),
    /// `describe` output (libgit2 tries it before references), revision
    /// syntax, a tag object, an object outside the packs and loose files.
    fn resolve_ref_fast(&self, rev: &str) -> Result<Option<String>, GitError> {
        let plain = !rev.is_empty()
            && !rev.contains("-g")
            && !rev.contains(['@', '^', '~', ':', '{', '}', '?', '*', '[', '\\', ' ']);
        if !plain {
            return Ok(None);
        }
        let Some(oid) = self
            .repo
            .resolve_reference_from_short_name(rev)
            .ok()
            .and_then(|r| r.resolve().ok())
            .and_then(|r| r.target())
        else {
            return Ok(None);
        };
        if self.keep_commit(oid)? {
            return Ok(Some(oid.to_string()));
        }
        // A tag's chain, read before libgit2 peels it (`check_peel`).
        self.check_peel(oid)?;
        Ok(None)
    }

    /// Whether `oid` is a commit aeef reads itself ([`Repo::own_object`],
    /// with parent lines it parses), keeping its bytes for the walk.
    fn keep_commit(&self, oid: git2::Oid) -> Result<bool, GitError> {
        if self
            .read_commits
            .lock()
            .is_ok_and(|kept| kept.contains_key(&oid))
        {
            return Ok(true);
        }
        let own = self.own_object(oid, packs::OBJ_COMMIT, &mut packs::Reader::default())?;
        let Some(data) = own.filter(|d| commits::walk_fields(d).is_some()) else {
            return Ok(false);
        };
        if let Ok(mut kept) = self.read_commits.lock()
            && kept.len() < READ_COMMITS
        {
            kept.insert(oid, data);
        }
        Ok(true)
    }

    /// Object `oid` of type `kind` (a [`packs`] type number) as aeef reads
    /// it itself: from the packs ([`packs::Packs`]), else from its loose
    /// file ([`loose`]). `Ok(None)` when neither holds it with that type
    /// (an alternate, another type, anything the pack reader leaves to
    /// libgit2), and always in a repository whose ids are not SHA-1. A
    /// damaged loose file is [`GitError::CorruptObject`]: libgit2, which
    /// would read it next, loops forever on a truncated one.
    pub fn own_object(
        &self,
        oid: git2::Oid,
        kind: u8,
        z: &mut packs::Reader,
    ) -> Result<Option<Vec<u8>>, GitError> {
        // `packs()` is `None` where ids are not SHA-1.
        if let Some(bytes) = self.packs().and_then(|p| p.object(oid, kind, z)) {
            return Ok(Some(bytes));
        }
        if self.repo.object_format() != git2::ObjectFormat::Sha1 {
            return Ok(None);
        }
        let objects = self.repo.commondir().join("objects");
        Ok(loose::read(&objects, oid)?.and_then(|(k, bytes)| (k == kind).then_some(bytes)))
    }

    fn resolve_commit_uncached(&self, rev: &str) -> Result<String, GitError> {
        let unknown = |_| GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        // git reads 40 hex digits as an object id and nothing else, even
        // when no such object exists and a ref has that name (`get_oid_basic`);
        // libgit2's revparse would fall back to the ref. A commit in the
        // packs is read by aeef's reader (the gate's `BASE..HEAD`).
        let obj = match git2::Oid::from_str(rev) {
            Ok(oid) if rev.len() == 40 => {
                if self.keep_commit(oid)? {
                    return Ok(oid.to_string());
                }
                self.check_peel(oid)?;
                self.repo.find_object(oid, None).map_err(unknown)?
            }
            _ => match self.resolve_ref_fast(rev)? {
                Some(id) => return Ok(id),
                None => self.repo.revparse_single(rev).map_err(unknown)?,
            },
        };
        let commit = obj
            .peel_to_commit()
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_string(),
            })?;
        Ok(commit.id().to_string())
    }

    /// Commits listed in `.git/shallow`: their parents are missing.
    pub fn shallow_commits(&self) -> &HashSet<String> {
        self.shallow.get_or_init(|| {
            let path = self.repo.commondir().join("shallow");
            std::fs::read_to_string(path)
                .map(|s| {
                    s.lines()
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// True when `sha` is a shallow boundary (its parents were not fetched).
    pub fn is_shallow_boundary(&self, sha: &str) -> bool {
        self.shallow_commits().contains(sha)
    }

    /// The git-ai note of `sha`, if any (`refs/notes/ai`), found as git
    /// finds it (a regular file entry, any fan-out). Errors
    /// ([`GitError::BadNote`]): the note, or the notes tree that would hold
    /// it, cannot be read (a missing object, a tree where a note blob
    /// belongs), where "no note" would be a guess. `read` gets the blob's
    /// bytes, borrowed (notes can be hundreds of kB of transcripts that
    /// the caller need not copy or keep).
    ///
    /// `notes` is the lookup to use: one kept across calls reads the notes
    /// tree and its fan-out subtrees once, not once per commit.
    pub fn note<T>(
        &self,
        notes: &mut notes_feed::NotesTree<'_>,
        sha: &str,
        read: impl FnOnce(&[u8]) -> T,
    ) -> Result<Option<T>, GitError> {
        let Ok(oid) = git2::Oid::from_str(sha) else {
            return Ok(None);
        };
        let entry = notes.blob(oid);
        if let Some(tree) = notes.last_failed() {
            return Err(GitError::BadNote {
                commit: sha.to_string(),
                what: format!(
                    "the notes tree or commit {tree} that would hold it cannot be read (missing or damaged)"
                ),
            });
        }
        let Some(entry) = entry else {
            return Ok(None);
        };
        match note_blob(&self.repo, entry) {
            Ok(bytes) => Ok(Some(read(&bytes))),
            Err(what) => Err(GitError::BadNote {
                commit: sha.to_string(),
                what,
            }),
        }
    }

    /// Every commit that has a git-ai note → the note's blob id, read from
    /// the notes tree alone (no note is read).
    pub fn notes_index(&self) -> std::collections::HashMap<git2::Oid, git2::Oid> {
        let Ok(iter) = self.repo.notes(Some(NOTES_REF)) else {
            return Default::default();
        };
        iter.filter_map(Result::ok)
            .map(|(blob, commit)| (commit, blob))
            .collect()
    }

    /// Every commit that has a git-ai note, with the note's blob id;
    /// `None` when the notes tree cannot be read whole (a missing fan-out
    /// subtree): the list would leave out the notes there, and whoever
    /// uses it to skip work would skip commits that are AI.
    pub fn noted_commits(&self) -> Option<Vec<(String, git2::Oid)>> {
        if self.repo.find_reference(NOTES_REF).is_err() {
            return Some(Vec::new());
        }
        self.repo
            .notes(Some(NOTES_REF))
            .ok()?
            .map(|n| n.ok().map(|(blob, commit)| (commit.to_string(), blob)))
            .collect()
    }

    /// Reads a blob as text (lossy).
    pub fn blob_text(&self, oid: git2::Oid) -> Option<String> {
        let blob = self.repo.find_blob(oid).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }
}

/// Runs `cmd` and returns its stdout (stderr as an error), or `None`
/// after killing it as soon as `cancel` is set (work started on a guess
/// and dropped once it is not needed). `seen` gets the output so far after
/// each read, so that a caller can act on it while the command still
/// prints (an error from `seen` kills the command and is returned).
/// Errors: git cannot start or fails.
pub fn run_unless_with(
    cmd: &mut Command,
    cancel: &std::sync::atomic::AtomicBool,
    mut seen: impl FnMut(&[u8]) -> Result<(), GitError>,
) -> Result<Option<Vec<u8>>, GitError> {
    use std::io::Read;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let mut stderr = child.stderr.take();
    // git's stderr is read on a thread so that neither pipe can fill up.
    let errors = std::thread::spawn(move || {
        let mut e = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut e);
        }
        e
    });
    let stop = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut stdout = child.stdout.take();
    while let Some(s) = stdout.as_mut() {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            stop(&mut child);
            return Ok(None);
        }
        let read = match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                seen(&out)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(()),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = read {
            stop(&mut child);
            return Err(e);
        }
    }
    let status = child.wait()?;
    let stderr = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(GitError::CommandFailed {
            command: shown(cmd),
            stderr: String::from_utf8_lossy(&stderr).trim().to_string(),
        });
    }
    Ok(Some(out))
}

/// Whether libgit2 refused to open a repository for what the repository
/// is (its object format, an extension, its format version), not for where
/// or whether it is: libgit2's `repository.c` messages ("unknown object
/// format", "unsupported extension name", "unsupported repository version").
fn unsupported(e: &git2::Error) -> bool {
    let m = e.message();
    e.class() == git2::ErrorClass::Repository
        && (m.contains("object format")
            || m.contains("unsupported extension")
            || m.contains("unsupported repository version"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// An error's command is one to run by hand: the allocator settings,
    /// which change no answer, are left out; the rest is as run.
    #[test]
    fn a_shown_command_leaves_out_the_allocator_settings() {
        let mut cmd = Command::new("git");
        cmd.env("GLIBC_TUNABLES", TUNABLES)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .current_dir("/tmp")
            .args(["blame", "--porcelain", "--", "a b.rs"]);
        let s = shown(&cmd);
        assert!(!s.contains("GLIBC_TUNABLES"), "{s}");
        assert_eq!(
            s,
            "cd /tmp && GIT_CONFIG_NOSYSTEM=1 git blame --porcelain -- a b.rs"
        );
    }

    #[test]
    fn run_unless_with_returns_the_output_when_left_alone() {
        let mut cmd = Command::new("git");
        cmd.arg("--version");
        let out = run_unless_with(&mut cmd, &AtomicBool::new(false), |_| Ok(())).unwrap();
        assert!(out.unwrap().starts_with(b"git version"));
    }

    #[test]
    fn run_unless_with_kills_the_command_once_cancelled() {
        // `yes` never ends on its own: only the cancel can stop it.
        let cancel = std::sync::Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.store(true, Ordering::Relaxed);
        });
        let mut cmd = Command::new("yes");
        let out = run_unless_with(&mut cmd, &cancel, |_| Ok(())).unwrap();
        t.join().unwrap();
        assert!(out.is_none());
    }

    #[test]
    fn run_unless_with_reports_a_failing_command() {
        let mut cmd = Command::new("git");
        cmd.args(["rev-parse", "--verify", "no-such-revision-here"])
            .current_dir(std::env::temp_dir());
        assert!(run_unless_with(&mut cmd, &AtomicBool::new(false), |_| Ok(())).is_err());
    }
}
