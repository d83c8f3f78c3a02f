//! git-ai notes (`refs/notes/ai`). PLACEHOLDER: replaced by the real parser.

/// Who a range of lines is attested to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttestKey {
    /// `s_<14 hex>::t_<14 hex>`: an AI session and trace.
    Session { session: String, trace: String },
    /// `h_<14 hex>`: a known human.
    Human(String),
    /// A bare 16- or 7-hex legacy prompt key (AI).
    Legacy(String),
}

impl AttestKey {
    /// True for AI keys (sessions and legacy prompt keys).
    pub fn is_ai(&self) -> bool {
        !matches!(self, AttestKey::Human(_))
    }
}

/// Tool and model of an AI session, from the note's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentId {
    pub tool: Option<String>,
    pub model: Option<String>,
}

/// A parsed git-ai note.
#[derive(Debug, Default)]
pub struct Note {}

/// A note that could not be read.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("git-ai note: {message} (line {line})")]
#[diagnostic(code(aeef::provenance::bad_note))]
pub struct NoteError {
    pub message: String,
    pub line: usize,
}

impl Note {
    /// Parses the attestation section; metadata is kept raw until needed.
    pub fn parse(_text: &str) -> Result<Note, NoteError> {
        Ok(Note {})
    }

    /// Paths the note attests, in order of appearance.
    pub fn paths(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Merged, sorted 1-based inclusive line ranges attested to AI in `path`.
    pub fn ai_ranges(&self, _path: &str) -> Vec<(u32, u32)> {
        Vec::new()
    }

    /// The key that owns `line` of `path`, if the note lists it.
    pub fn owner(&self, _path: &str, _line: u32) -> Option<&AttestKey> {
        None
    }

    /// Tool and model of an AI key, parsing the metadata once on first use.
    pub fn agent(&self, _key: &AttestKey) -> Option<AgentId> {
        None
    }
}
