//! SLA compliance for reports, on the policy's SLA table (DESIGN §3).
use chrono::{DateTime, Utc};

use crate::incident::{Severity, Timestamp};

/// The three SLAs, measured from `detected_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Acknowledge,
    Mitigate,
    Resolve,
}

/// Every SLA, in display order.
pub const KINDS: [Kind; 3] = [Kind::Acknowledge, Kind::Mitigate, Kind::Resolve];

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Acknowledge => "acknowledge",
            Kind::Mitigate => "mitigate",
            Kind::Resolve => "resolve",
        }
    }
}

/// The deadline of `kind` for an incident of `sev` detected at `detected`;
/// `None` where the SLA does not apply (mitigate for SEV-3/4). The limits
/// are the policy's own table, so reports and checks never disagree.
pub fn deadline(sev: Severity, kind: Kind, detected: &Timestamp) -> Option<Timestamp> {
    let table = crate::incident::policy::sla(sev);
    let limit = match kind {
        Kind::Acknowledge => Some(table.acknowledge),
        Kind::Mitigate => table.mitigate,
        Kind::Resolve => Some(table.resolve),
    }?;
    Some(limit.deadline(*detected))
}

/// Whether the SLA was met: `Some(true|false)` when decided, `None` when it
/// does not apply or the incident is still inside its deadline without a time.
pub fn met(
    sev: Severity,
    kind: Kind,
    detected: &Timestamp,
    reached: Option<&Timestamp>,
    now: DateTime<Utc>,
) -> Option<bool> {
    let due = deadline(sev, kind, detected)?;
    match reached {
        Some(r) => Some(*r <= due),
        None if now > due => Some(false),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sev4_acknowledge_skips_the_weekend() {
        let fri = chrono::DateTime::parse_from_rfc3339("2026-03-06T10:00:00Z").unwrap();
        let d = deadline(Severity::Sev4, Kind::Acknowledge, &fri).unwrap();
        assert_eq!(d.to_rfc3339(), "2026-03-09T10:00:00+00:00");
        assert!(deadline(Severity::Sev3, Kind::Mitigate, &fri).is_none());
    }
}
