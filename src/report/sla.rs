//! The SLA table of DESIGN §3, private to reports for now.
//! TODO(lead): unify with the SLA logic in `incident::` when both land.
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};

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
/// `None` where the SLA does not apply (mitigate for SEV-3/4).
pub fn deadline(sev: Severity, kind: Kind, detected: &Timestamp) -> Option<Timestamp> {
    let after = |d: Duration| Some(*detected + d);
    match (sev, kind) {
        (Severity::Sev1, Kind::Acknowledge) => after(Duration::minutes(15)),
        (Severity::Sev1, Kind::Mitigate) => after(Duration::hours(4)),
        (Severity::Sev1, Kind::Resolve) => after(Duration::hours(24)),
        (Severity::Sev2, Kind::Acknowledge) => after(Duration::minutes(30)),
        (Severity::Sev2, Kind::Mitigate) => after(Duration::hours(8)),
        (Severity::Sev2, Kind::Resolve) => after(Duration::hours(48)),
        (Severity::Sev3, Kind::Acknowledge) => after(Duration::hours(2)),
        (Severity::Sev3, Kind::Resolve) => after(Duration::days(7)),
        (Severity::Sev4, Kind::Acknowledge) => Some(one_business_day(detected)),
        (Severity::Sev4, Kind::Resolve) => after(Duration::days(30)),
        (Severity::Sev3 | Severity::Sev4, Kind::Mitigate) => None,
    }
}

/// The same time of day on the next weekday (in the record's own offset):
/// Friday 10:00 → Monday 10:00, Saturday 10:00 → Monday 10:00.
fn one_business_day(t: &Timestamp) -> Timestamp {
    let mut d = *t;
    loop {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return d;
        }
    }
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
