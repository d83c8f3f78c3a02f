//! One vocabulary for corrective actions (DESIGN §3, §4): what "verified by
//! the record", "closed as wont-do", "overdue" and "the next effectiveness
//! mark" mean. Every command — `incident check/list/show`, `postmortem`,
//! `ca status/review`, `report` and the gate — asks these functions, so no two
//! of them can print a different answer for the same action.
//!
//! Verification itself (GitHub's issue and timeline, or the record checked
//! against its git history) is decided by `github::status`; these functions
//! take its answer as the `verified` argument and fall back to
//! [`recorded_verification`] where no such answer exists.
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{CaStatus, CorrectiveAction, Timestamp, same_login};

/// Which actions count as verified, keyed `(incident id, action id)`, as
/// the one verification decided them (GitHub, or the record checked against
/// its git history: `github::status`). An action the map lacks falls back
/// to [`recorded_verification`] (no repository to check against).
#[derive(Debug, Clone, Default)]
pub struct Verified(
    pub std::collections::HashMap<(String, String), bool>,
    /// `wont-do` actions whose `approved_by` the owner committed (found by
    /// the same history check as verification): their approval does not
    /// count, so they stay open whatever the record says.
    pub std::collections::HashSet<(String, String)>,
);

impl Verified {
    /// Whether `ca` of incident `inc` still asks for work: not verified,
    /// and not declined with an approval that counts ([`is_open`] plus the
    /// history's answer on who approved it). Every command asks this.
    pub fn open(&self, inc: &str, ca: &CorrectiveAction) -> bool {
        let approval_void = self.1.contains(&(inc.to_string(), ca.id.clone()));
        !self.of(inc, ca) && (approval_void || !is_declined(ca))
    }

    /// [`Verified::open`] and past its due date ([`is_past_due`]).
    pub fn overdue(&self, inc: &str, ca: &CorrectiveAction, now: DateTime<Utc>) -> bool {
        self.open(inc, ca) && is_past_due(ca, now)
    }

    /// Whether `ca` of incident `inc` is verified.
    pub fn of(&self, inc: &str, ca: &CorrectiveAction) -> bool {
        self.0
            .get(&(inc.to_string(), ca.id.clone()))
            .copied()
            .unwrap_or_else(|| recorded_verification(ca))
    }
}

/// What the record itself says: `verified_by` names someone and
/// `verified_at` is set. Who committed that line is checked elsewhere
/// (offline verification blames it); this is only the record's claim.
pub fn recorded_verification(ca: &CorrectiveAction) -> bool {
    ca.verified_by
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
        && ca.verified_at.is_some()
}

/// Why a `wont-do` does not close its action (DESIGN §3): the standard
/// asks that completion be confirmed by someone other than the owner, and
/// declining an action is a decision of the same weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WontDoProblem {
    /// No `approved_by`.
    NoApprover,
    /// `approved_by` is the owner (`@alice` = `alice`).
    ApprovedByOwner,
    /// No `reason`.
    NoReason,
}

impl WontDoProblem {
    /// One sentence for the finding.
    pub fn describe(self) -> &'static str {
        match self {
            WontDoProblem::NoApprover => "has no `approved_by`",
            WontDoProblem::ApprovedByOwner => "is approved by its own owner",
            WontDoProblem::NoReason => "has no `reason`",
        }
    }
}

/// For a `wont-do` action, what keeps it from counting as closed; `None`
/// when it is properly approved or is not `wont-do` at all.
pub fn wont_do_problem(ca: &CorrectiveAction) -> Option<WontDoProblem> {
    if ca.status != CaStatus::WontDo {
        return None;
    }
    let approver = ca.approved_by.as_deref().map(str::trim).unwrap_or("");
    if approver.is_empty() {
        return Some(WontDoProblem::NoApprover);
    }
    if ca.owner.as_deref().is_some_and(|o| same_login(o, approver)) {
        return Some(WontDoProblem::ApprovedByOwner);
    }
    if ca.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Some(WontDoProblem::NoReason);
    }
    None
}

/// True for a `wont-do` approved by someone other than the owner, with a
/// reason: the action is closed without being done. An unapproved
/// `wont-do` counts as open (`ca-wont-do-unapproved`).
pub fn is_declined(ca: &CorrectiveAction) -> bool {
    ca.status == CaStatus::WontDo && wont_do_problem(ca).is_none()
}

/// True while the action still asks for work: neither verified nor
/// declined with approval.
pub fn is_open(ca: &CorrectiveAction, verified: bool) -> bool {
    !verified && !is_declined(ca)
}

/// True when the action is open (see [`is_open`]) and `now`'s UTC date is
/// after its due date: the day after `due` is the first overdue day.
pub fn is_overdue(ca: &CorrectiveAction, verified: bool, now: DateTime<Utc>) -> bool {
    is_open(ca, verified) && is_past_due(ca, now)
}

/// True when `now`'s UTC date is after the action's due date, whatever its
/// state: [`is_overdue`] for an action known to be open (a `wont-do` whose
/// approval its owner committed, which the record alone cannot tell).
pub fn is_past_due(ca: &CorrectiveAction, now: DateTime<Utc>) -> bool {
    ca.due.is_some_and(|d| now.date_naive() > d)
}

/// Whole days past the due date at `now` (0 when not past it).
pub fn days_overdue(ca: &CorrectiveAction, now: DateTime<Utc>) -> i64 {
    ca.due
        .map(|d| (now.date_naive() - d).num_days().max(0))
        .unwrap_or(0)
}

/// The effectiveness evaluations the standard asks for: 30 and 90 days
/// after verification (`effectiveness.day30`, `effectiveness.day90`).
pub const MARKS: [(&str, i64); 2] = [("day30", 30), ("day90", 90)];

/// The instant an evaluation falls due: verification time + `days` days.
pub fn mark_instant(verified_at: Timestamp, days: i64) -> Timestamp {
    verified_at + Duration::days(days)
}

/// The first evaluation not yet recorded, with the instant it falls due;
/// `None` when the action is not verified or both are recorded.
pub fn next_mark(
    ca: &CorrectiveAction,
    verified_at: Option<Timestamp>,
) -> Option<(&'static str, Timestamp)> {
    let at = verified_at?;
    let eff = ca.effectiveness.clone().unwrap_or_default();
    MARKS
        .iter()
        .zip([eff.day30.is_some(), eff.day90.is_some()])
        .find(|(_, done)| !done)
        .map(|((name, days), _)| (*name, mark_instant(at, *days)))
}

/// The day of [`next_mark`], as `ca status` prints it.
pub fn next_mark_day(ca: &CorrectiveAction, verified_at: Option<Timestamp>) -> Option<NaiveDate> {
    next_mark(ca, verified_at).map(|(_, t)| t.date_naive())
}

/// Every evaluation past its mark at `now` and not recorded, by name.
pub fn overdue_marks(
    ca: &CorrectiveAction,
    verified_at: Option<Timestamp>,
    now: DateTime<Utc>,
) -> Vec<(&'static str, Timestamp)> {
    let Some(at) = verified_at else {
        return Vec::new();
    };
    let eff = ca.effectiveness.clone().unwrap_or_default();
    MARKS
        .iter()
        .zip([eff.day30.is_some(), eff.day90.is_some()])
        .filter(|(_, done)| !done)
        .map(|((name, days), _)| (*name, mark_instant(at, *days)))
        .filter(|(_, mark)| now.fixed_offset() > *mark)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::Category;

    fn ca(status: CaStatus) -> CorrectiveAction {
        CorrectiveAction {
            id: "CA-1".into(),
            action: "x".into(),
            category: Category::ImmediateFix,
            owner: Some("alice".into()),
            due: NaiveDate::from_ymd_opt(2026, 11, 20),
            status,
            issue: None,
            verified_by: None,
            verified_at: None,
            effectiveness: None,
            approved_by: None,
            reason: None,
        }
    }

    fn now(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// The due day itself is not overdue; the next day is.
    #[test]
    fn overdue_starts_the_day_after_due() {
        let a = ca(CaStatus::Open);
        assert!(!is_overdue(&a, false, now("2026-11-20T23:59:00Z")));
        assert!(is_overdue(&a, false, now("2026-11-21T00:00:00Z")));
        assert!(!is_overdue(&a, true, now("2026-11-21T00:00:00Z")));
        assert_eq!(days_overdue(&a, now("2026-11-23T10:00:00Z")), 3);
    }

    /// A wont-do closes an action only with an approver who is not the
    /// owner and a reason; otherwise it stays open and can be overdue.
    #[test]
    fn wont_do_needs_an_approver_other_than_the_owner_and_a_reason() {
        let mut a = ca(CaStatus::WontDo);
        assert_eq!(wont_do_problem(&a), Some(WontDoProblem::NoApprover));
        assert!(is_overdue(&a, false, now("2026-12-01T00:00:00Z")));
        a.approved_by = Some("@Alice".into());
        assert_eq!(wont_do_problem(&a), Some(WontDoProblem::ApprovedByOwner));
        a.approved_by = Some("bob".into());
        assert_eq!(wont_do_problem(&a), Some(WontDoProblem::NoReason));
        a.reason = Some("superseded by CA-2".into());
        assert_eq!(wont_do_problem(&a), None);
        assert!(is_declined(&a));
        assert!(!is_overdue(&a, false, now("2026-12-01T00:00:00Z")));
    }

    #[test]
    fn marks_count_from_verification_to_the_minute() {
        let a = ca(CaStatus::Done);
        let at = DateTime::parse_from_rfc3339("2026-10-01T10:00:00Z").unwrap();
        let (name, t) = next_mark(&a, Some(at)).unwrap();
        assert_eq!(
            (name, t.to_rfc3339().as_str()),
            ("day30", "2026-10-31T10:00:00+00:00")
        );
        assert!(overdue_marks(&a, Some(at), now("2026-10-31T10:00:00Z")).is_empty());
        assert_eq!(
            overdue_marks(&a, Some(at), now("2026-10-31T10:01:00Z")).len(),
            1
        );
        assert!(next_mark(&a, None).is_none());
    }
}
