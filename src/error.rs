//! Errors that stop a command (exit code 2). Each variant has a stable
//! diagnostic code and a help line that says how to fix it.
use miette::Diagnostic;
use thiserror::Error;

/// What a run of `aeef` ends with, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: the command did its work; a check passed.
    Ok,
    /// 1: a check ran and its verdict is "failed". Not a crash.
    Failed,
}

/// Errors from the git edge.
#[derive(Debug, Error, Diagnostic)]
pub enum GitError {
    #[error("not a git repository: {path}")]
    #[diagnostic(
        code(aeef::git::not_a_repository),
        help("run aeef inside a repository, or point at one with `-C DIR`")
    )]
    NotARepository { path: String },

    /// `-C DIR` names no directory aeef can enter (git: "cannot change to").
    #[error("cannot change to `{path}`: {reason}")]
    #[diagnostic(
        code(aeef::git::no_such_directory),
        help("`-C` takes a directory that exists; check the path")
    )]
    NoSuchDirectory { path: String, reason: String },

    /// git reads the repository but libgit2 does not: SHA-256 object ids
    /// (`extensions.objectFormat = sha256`, read by libgit2 only in an
    /// experimental build), the reftable ref store, or an extension libgit2
    /// does not know (`extensions.partialClone` as older git wrote it,
    /// `compatObjectFormat`, `refStorage`). `path` is the repository git
    /// found (its work tree, else its git directory).
    #[error("aeef cannot read the repository at {path}: {reason}")]
    #[diagnostic(
        code(aeef::git::unsupported_repository),
        help(
            "aeef reads repositories through libgit2, which does not read this repository's format (SHA-256 object ids, reftable refs, or the extension named above); it reads SHA-1 repositories with git's default ref store, such as a full `git clone --ref-format=files` of a SHA-1 repository"
        )
    )]
    UnsupportedRepository { path: String, reason: String },

    #[error("unknown revision `{rev}`")]
    #[diagnostic(
        code(aeef::git::unknown_revision),
        help(
            "check the name with `git rev-parse --verify {rev}`; fetch it if it lives on a remote"
        )
    )]
    UnknownRevision { rev: String },

    /// An abbreviated id that starts more than one object, none of them
    /// the one commit git would take (`git rev-parse`: "short object ID
    /// … is ambiguous").
    #[error("`{rev}` is ambiguous: more than one object's id starts with it")]
    #[diagnostic(
        code(aeef::git::ambiguous_revision),
        help(
            "give more digits of the id; `git rev-parse --disambiguate={prefix}` lists the objects it could be"
        )
    )]
    AmbiguousRevision { rev: String, prefix: String },

    /// One side of a range (`A..B`, `A...B`) names no commit: the message
    /// says which side, so the user fixes that one name.
    #[error("unknown revision `{rev}`: the {side} side of the range `{range}`")]
    #[diagnostic(
        code(aeef::git::unknown_revision),
        help(
            "check the name with `git rev-parse --verify {rev}`; fetch it if it lives on a remote"
        )
    )]
    UnknownRangeSide {
        rev: String,
        /// `left` or `right`.
        side: &'static str,
        range: String,
    },

    /// `aeef blame ARG` without a line range: ARG is neither a revision nor
    /// a file at HEAD. Most often a mistyped or unfetched commit, so it is
    /// said as an unknown revision first.
    #[error("unknown revision `{arg}` (and no file `{arg}` at {rev})")]
    #[diagnostic(
        code(aeef::git::unknown_revision),
        help(
            "check the name with `git rev-parse --verify {arg}`; a file is named by its path from where aeef runs, e.g. `src/lib.rs:10-20`"
        )
    )]
    UnknownRevisionOrPath { arg: String, rev: String },

    /// A name git resolves, but to an object that is not a commit (a tree,
    /// a blob, a tag of one): `HEAD^{tree}`, `HEAD:src`. `kind` is git's
    /// word for the object (`tree`, `blob`, `tag`).
    #[error("`{rev}` names a {kind}, not a commit")]
    #[diagnostic(
        code(aeef::git::not_a_commit),
        help(
            "name a commit: a SHA, a branch, a tag of a commit, or `HEAD~N` (`git cat-file -t {rev}` shows what `{rev}` is)"
        )
    )]
    NotACommit { rev: String, kind: String },

    /// `A..B` or `A...B` given where one commit is expected (`blame`,
    /// `gate --base/--head`, `incident edit --commit`, `--rev`).
    #[error("`{rev}` is a range where one commit is expected")]
    #[diagnostic(
        code(aeef::git::range_not_commit),
        help(
            "name one commit here (e.g. one side of `{rev}`); to list the commits of a range use `aeef scan {rev}`"
        )
    )]
    RangeNotCommit { rev: String },

    /// `aeef blame DIR`: blame attributes the lines of a file.
    #[error("`{path}` is a directory; blame takes a file")]
    #[diagnostic(
        code(aeef::git::is_directory),
        help(
            "name a file in it (`git ls-tree --name-only {rev} {path}/` lists them), e.g. `{path}/FILE:10-20`"
        )
    )]
    IsDirectory { path: String, rev: String },

    /// A line range that ends past the end of the file at that revision.
    #[error("line {line} is past the end of {path} ({total} lines)")]
    #[diagnostic(
        code(aeef::git::line_past_end),
        help(
            "{path} has {total} lines at {rev}: ask for lines within 1-{total} (`{path}:1-{total}`), or blame another revision with `--rev`"
        )
    )]
    LinePastEnd {
        path: String,
        line: u32,
        total: u32,
        rev: String,
    },

    /// `PATH:L1-L2` whose range is not one.
    #[error("`{range}` is not a line range")]
    #[diagnostic(
        code(aeef::git::bad_line_range),
        help("write PATH:L1-L2 with 1 <= L1 <= L2, or PATH:L for one line")
    )]
    BadLineRange { range: String },

    /// A file a commit changed whose name is not UTF-8 (git stores names
    /// as bytes; aeef reads them as UTF-8 text).
    #[error("{commit} changed `{path}`, whose name is not UTF-8: aeef cannot attribute its lines")]
    #[diagnostic(
        code(aeef::git::non_utf8_path),
        help(
            "aeef reads file names as UTF-8 (`\\xNN` above is a byte that is not); rename the file to a UTF-8 name (`git mv`) in a later commit, and decide this commit's origin by hand (`git show {commit}`)"
        )
    )]
    NonUtf8Path { path: String, commit: String },

    #[error("path `{path}` is not in the tree of {rev}")]
    #[diagnostic(
        code(aeef::git::path_not_in_tree),
        help(
            "list the tree with `git ls-tree -r --name-only {rev}`; paths are relative to the repository root"
        )
    )]
    PathNotInTree { path: String, rev: String },

    /// A file the tree lists whose content this repository does not hold
    /// (a partial clone that has not fetched it, or damage).
    #[error("the content of `{path}` at {rev} (blob {blob}) is not in this repository")]
    #[diagnostic(
        code(aeef::git::missing_object),
        help(
            "in a partial clone (`--filter=blob:none`) fetch it with `git cat-file -p {rev}:{path}` and run aeef again; otherwise check the repository with `git fsck`"
        )
    )]
    MissingObject {
        path: String,
        rev: String,
        blob: String,
    },

    /// A configured path git cannot take (a NUL byte ends a C string).
    #[error("`{key}` in .aeef.yml cannot be used as a path in git: {reason}")]
    #[diagnostic(
        code(aeef::git::invalid_path),
        help(
            "write `{key}` as a relative folder inside the repository, e.g. `incidents`, without control characters"
        )
    )]
    InvalidPath { key: String, reason: String },

    /// Raised only where the clone is shallow (or git's walk stopped at a
    /// boundary); `what` says which history is missing.
    #[error("the git-ai note of {commit} cannot be read: {what}")]
    #[diagnostic(
        code(aeef::git::bad_note),
        help(
            "`refs/notes/ai` names an object git cannot read as a note, so whether the commit is AI cannot be decided; fetch the notes again (`git fetch origin +refs/notes/ai:refs/notes/ai`) or remove the note (`git notes --ref=ai remove {commit}`), and run `git fsck` to see what else is missing"
        )
    )]
    BadNote { commit: String, what: String },

    /// A loose object file that does not hold one whole object (git:
    /// "loose object … is corrupt"), or that cannot be read at all (a
    /// folder in its place, no permission): read by aeef itself, since
    /// libgit2 loops forever on a truncated one (`git::loose`). `what`
    /// begins "is corrupt: …" or "cannot be read: …".
    #[error("loose object {oid} ({path}) {what}")]
    #[diagnostic(
        code(aeef::git::corrupt_object),
        help(
            "the repository is damaged: run `git fsck` to see what else is; restore the object from another clone (move the file away and `git fetch`), or clone again"
        )
    )]
    CorruptObject {
        oid: String,
        path: String,
        what: String,
    },

    #[error("history needed to decide is missing: {what}")]
    #[diagnostic(
        code(aeef::git::shallow),
        help(
            "fetch the full history with `git fetch --unshallow` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)"
        )
    )]
    Shallow { what: String },

    /// Two commits of a full clone that share no history.
    #[error("{base} and {head} share no history (they have no merge base)")]
    #[diagnostic(
        code(aeef::git::no_merge_base),
        help(
            "check `--base` and `--head` (or the event's base and head): they must be commits of the same history"
        )
    )]
    NoMergeBase { base: String, head: String },

    #[error("`{command}` failed: {stderr}")]
    #[diagnostic(
        code(aeef::git::command_failed),
        help("run the command by hand in the repository to see git's own explanation")
    )]
    CommandFailed { command: String, stderr: String },

    #[error("git output could not be read: {what}")]
    #[diagnostic(
        code(aeef::git::unexpected_output),
        help("this is a bug in aeef; please report it with the command you ran")
    )]
    Parse { what: String },

    #[error(transparent)]
    #[diagnostic(
        code(aeef::git::libgit2),
        help("check that the repository is readable and not corrupt (`git fsck`)")
    )]
    Git2(#[from] git2::Error),

    #[error("i/o error: {0}")]
    #[diagnostic(
        code(aeef::io),
        help("check that the repository's files are readable and the disk has room")
    )]
    Io(#[from] std::io::Error),
}

/// A usage error the CLI detects itself (bad argument values and the like).
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(aeef::usage))]
pub struct UsageError {
    pub message: String,
    #[help]
    pub help: Option<String>,
}

impl UsageError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

/// A command line the parser refused (an unknown flag, a bad value, a
/// missing argument, a format the command does not print): clap's message,
/// with its suggestions (possible values, "a similar value exists", the
/// usage line) as the help. One code for every such mistake, so scripts
/// and the README's promise ("every error has a stable code") hold.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(aeef::usage::arguments))]
pub struct ArgumentsError {
    pub message: String,
    #[help]
    pub help: Option<String>,
}

impl ArgumentsError {
    /// From clap's rendered error: the first line (without `error: `) is
    /// the message; the rest (tips, possible values, usage, "for more
    /// information") the help, one line each.
    pub fn from_clap(e: &clap::Error) -> Self {
        let text = e.render().to_string();
        let mut lines = text.lines().map(str::trim).peekable();
        let mut message = lines
            .next()
            .unwrap_or("the command line could not be read")
            .trim_start_matches("error: ")
            .to_string();
        // "the following required arguments were not provided:" lists
        // them on the next lines: they are part of the message.
        while message.ends_with(':') || message.ends_with(", ") {
            match lines.next_if(|l| !l.is_empty()) {
                Some(l) if message.ends_with(':') => message = format!("{message} {l}"),
                Some(l) => message.push_str(l),
                None => break,
            }
            if lines.peek().is_some_and(|l| !l.is_empty()) {
                message.push_str(", ");
            }
        }
        let help: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
        ArgumentsError {
            message,
            help: (!help.is_empty()).then(|| help.join("\n")),
        }
    }
}

/// A file or stream aeef could not read or write, and the rare value it
/// could not render. Each names what the user knows (the path given, "the
/// output"), never a temporary file.
#[derive(Debug, Error, Diagnostic)]
pub enum IoError {
    /// Writing a file of the work tree (a record, the schema, state).
    #[error("cannot write {what}: {reason}")]
    #[diagnostic(
        code(aeef::io::write),
        help(
            "check that {what} may be written (permissions, disk space, a read-only checkout) and run again"
        )
    )]
    Write { what: String, reason: String },

    /// Reading a file aeef keeps (notification state).
    #[error("cannot read {what}: {reason}")]
    #[diagnostic(
        code(aeef::io::read),
        help("check that {what} is a readable file; delete it if it is stale")
    )]
    Read { what: String, reason: String },

    /// Stdout closed or failed for another reason than a closed pipe.
    #[error("cannot write the output: {reason}")]
    #[diagnostic(
        code(aeef::io::output),
        help(
            "check where stdout goes (a full disk, a closed file); a closed pipe is not an error"
        )
    )]
    Output { reason: String },

    /// The process has no current directory (it was deleted).
    #[error("no current directory: {reason}")]
    #[diagnostic(
        code(aeef::io::current_dir),
        help("run aeef from a folder that exists, or point at the repository with `-C DIR`")
    )]
    CurrentDir { reason: String },

    /// A value could not be serialised: a bug, not bad input.
    #[error("cannot render {what}: {reason}")]
    #[diagnostic(
        code(aeef::internal::render),
        help("this is a bug in aeef; please report it with the command you ran")
    )]
    Render { what: String, reason: String },
}

impl IoError {
    /// [`IoError::Write`] of `what` from an I/O error.
    pub fn write(what: impl Into<String>, e: &std::io::Error) -> Self {
        IoError::Write {
            what: what.into(),
            reason: e.to_string(),
        }
    }
    /// [`IoError::Render`] of `what`.
    pub fn render(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        IoError::Render {
            what: what.into(),
            reason: e.to_string(),
        }
    }
}
