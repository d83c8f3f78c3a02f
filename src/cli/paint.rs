//! Minimal ANSI styling for human output, off unless colour is enabled.
use crate::incident::Origin;

/// Wraps text in an SGR sequence when `on`.
pub fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Colour of an origin: the stronger the AI involvement, the louder.
pub fn origin(on: bool, o: Origin) -> String {
    let code = match o {
        Origin::AiGenerated => "1;31",
        Origin::AiModified => "33",
        Origin::AiAdjacent => "36",
        Origin::Human => "2",
    };
    paint(on, code, o.as_str())
}

pub fn bold(on: bool, text: &str) -> String {
    paint(on, "1", text)
}

pub fn dim(on: bool, text: &str) -> String {
    paint(on, "2", text)
}
