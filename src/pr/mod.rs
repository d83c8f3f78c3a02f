//! Pull requests and commits (DESIGN §9, AEEF Code Provenance &
//! Attribution): what aeef shows where authors and reviewers look.
//!
//! - [`share`]: the AI share of a change — lines added by the change that
//!   are AI-attributed at its head, overall and per tool and model.
pub mod share;

pub use share::{Share, share_of_change};
