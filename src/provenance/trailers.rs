//! Git-compatible trailer parsing (`git interpret-trailers --parse --no-divider`).
//! PLACEHOLDER: replaced by the real parser.

/// One trailer as git reads it: key as written, value unfolded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trailer {
    pub key: String,
    pub value: String,
}

/// Parses the trailers of a commit message exactly as git does.
pub fn parse(message: &str) -> Vec<Trailer> {
    let last = message.trim_end().rsplit("\n\n").next().unwrap_or("");
    last.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| Trailer {
            key: k.trim().to_string(),
            value: v.trim().to_string(),
        })
        .collect()
}
