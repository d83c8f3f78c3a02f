//! Pull requests and commits (DESIGN §9, AEEF Code Provenance &
//! Attribution): what aeef shows where authors and reviewers look.
//!
//! - [`share`]: the AI share of a change — lines added by the change that
//!   are AI-attributed at its head, overall and per tool and model.
//! - [`labels`]: which of the labels aeef manages (`ai-assisted`,
//!   `ai-primary`) a pull request should carry, and applying that.
//! - [`comment`]: the one pull-request comment (`--comment`), rendered and
//!   kept up to date in place.
//! - [`disclosure`]: the opt-in `pr-disclosure` rule over the PR body.
pub mod comment;
pub mod disclosure;
pub mod labels;
pub mod share;

pub use share::{Share, share_of_change};
