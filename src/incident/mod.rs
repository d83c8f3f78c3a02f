//! Incident records: the model, loading YAML with spans, policy rules,
//! post-mortem rendering.
pub mod actions;
pub mod create;
pub mod edit;
pub mod model;
pub mod notify;
pub mod policy;
pub mod postmortem;
pub mod prefill;
pub mod store;
pub mod validate;
pub mod yaml;

pub use model::*;
