//! The AEEF `AI-Attribution:` block. PLACEHOLDER: replaced by the real parser.

/// The fields of an `AI-Attribution:` block, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributionBlock {
    pub tool: Option<String>,
    pub model_version: Option<String>,
    pub prompt_ref: Option<String>,
    pub session_id: Option<String>,
    pub generation_date: Option<String>,
    pub human_modifications: Option<String>,
    pub reviewer: Option<String>,
    /// 1-based line of the `AI-Attribution:` header in the message.
    pub line: usize,
}

/// Finds the first `AI-Attribution:` block in any paragraph of `message`.
pub fn parse(_message: &str) -> Option<AttributionBlock> {
    None
}
