//! SLA names for reports. Whether an SLA was met is decided in one place,
//! `incident::policy::sla_outcomes`, which `incident check`, `postmortem`,
//! `report` and the gate all call; this module only lists the kinds in
//! display order.
pub use crate::incident::policy::SlaKind as Kind;

/// Every SLA, in display order.
pub const KINDS: [Kind; 3] = [Kind::Acknowledge, Kind::Mitigate, Kind::Resolve];
