//! Report periods: a calendar month, a quarter or an explicit date range,
//! all in UTC, with the preceding period of the same length.
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use miette::Diagnostic;
use thiserror::Error;

use crate::incident::Timestamp;

/// A period of whole UTC days, `from` and `to` both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Month,
    Quarter,
    Range,
}

/// A period argument that cannot be read.
#[derive(Debug, Error, Diagnostic)]
#[error("invalid period `{value}`: {why}")]
#[diagnostic(code(aeef::report::period))]
pub struct PeriodError {
    pub value: String,
    pub why: String,
    /// How to write it, naming the flags of the command that reads it
    /// ([`REPORT_HELP`] unless the caller says otherwise).
    #[help]
    pub help: String,
}

/// The help of a period error of `aeef report`.
pub const REPORT_HELP: &str = "use `--month 2026-11`, `--quarter 2026-Q4` or `--since 2026-10-01 --until 2026-12-31` (a day may also be an RFC 3339 time)";

fn err(value: &str, why: &str) -> PeriodError {
    PeriodError {
        value: value.to_string(),
        why: why.to_string(),
        help: REPORT_HELP.to_string(),
    }
}

/// The one parser of a `--since`/`--until` value (`aeef report`, `aeef
/// audit`): an RFC 3339 time with a zone, as UTC, or a `YYYY-MM-DD` date,
/// as its midnight UTC. Errors: "the day does not exist" for a date of the
/// right shape that the calendar lacks (`2026-02-30`), else the expected
/// forms.
pub fn parse_instant(s: &str) -> Result<chrono::DateTime<Utc>, PeriodError> {
    let t = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    Err(if shaped {
        err(s, "the day does not exist in the calendar")
    } else {
        err(
            s,
            "expected YYYY-MM-DD or an RFC 3339 time, e.g. 2026-11-30T12:00:00Z",
        )
    })
}

impl Period {
    /// The calendar month `year-month`.
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        Some(Period {
            from,
            to: next.pred_opt()?,
            kind: Kind::Month,
        })
    }

    /// Quarter `q` (1–4) of `year`.
    pub fn quarter(year: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let first = Period::month(year, 3 * q - 2)?;
        let last = Period::month(year, 3 * q)?;
        Some(Period {
            from: first.from,
            to: last.to,
            kind: Kind::Quarter,
        })
    }

    /// The days `from..=to`.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then_some(Period {
            from,
            to,
            kind: Kind::Range,
        })
    }

    /// Parses `YYYY-MM`. Errors name what is wrong: another shape (a
    /// date `2026-02-01` is not a month) is "expected YYYY-MM"; month 13 is
    /// "no such month".
    pub fn parse_month(s: &str) -> Result<Period, PeriodError> {
        let shape = || err(s, "expected YYYY-MM, e.g. 2026-11");
        let (y, m) = s.trim().split_once('-').ok_or_else(shape)?;
        let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(y, 4..=4) || !digits(m, 1..=2) {
            return Err(shape());
        }
        let y: i32 = y.parse().map_err(|_| shape())?;
        let m: u32 = m.parse().map_err(|_| shape())?;
        Period::month(y, m).ok_or_else(|| err(s, "no such month (months are 01-12)"))
    }

    /// Parses `YYYY-Qn` (`q` in either case).
    pub fn parse_quarter(s: &str) -> Result<Period, PeriodError> {
        let upper = s.trim().to_ascii_uppercase();
        let (y, q) = upper
            .split_once("-Q")
            .ok_or_else(|| err(s, "expected YYYY-Qn"))?;
        let y: i32 = y.parse().map_err(|_| err(s, "the year is not a number"))?;
        let q: u32 = q.parse().map_err(|_| err(s, "the quarter is not 1-4"))?;
        Period::quarter(y, q).ok_or_else(|| err(s, "the quarter is not 1-4"))
    }

    /// Parses a day of `--since`/`--until`: a `YYYY-MM-DD` date or an
    /// RFC 3339 time (its UTC day), as [`parse_instant`] reads it.
    pub fn parse_date(s: &str) -> Result<NaiveDate, PeriodError> {
        parse_instant(s).map(|t| t.date_naive())
    }

    /// The period just before this one: the previous month or quarter, or
    /// for a date range the same number of days immediately before it.
    pub fn previous(&self) -> Period {
        let prev_day = self.from.pred_opt().unwrap_or(self.from);
        let same_kind = match self.kind {
            Kind::Month => Period::month(prev_day.year(), prev_day.month()),
            Kind::Quarter => Period::quarter(prev_day.year(), (prev_day.month() - 1) / 3 + 1),
            Kind::Range => None,
        };
        same_kind.unwrap_or_else(|| {
            let days = (self.to - self.from).num_days();
            Period {
                from: prev_day - Duration::days(days),
                to: prev_day,
                kind: Kind::Range,
            }
        })
    }

    /// The last calendar month that has ended by `now` (UTC): the month
    /// before `now`'s month. The default period of `aeef report`.
    pub fn last_complete_month(now: chrono::DateTime<Utc>) -> Period {
        let today = now.date_naive();
        // The day before the 1st of this month lies in the month wanted.
        let before = today
            .with_day(1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        Period::month(before.year(), before.month()).unwrap_or(Period {
            from: before,
            to: before,
            kind: Kind::Range,
        })
    }

    /// How many periods a trend shows when `--trend` is not given: six
    /// months, four quarters, four ranges.
    pub fn default_trend_len(&self) -> usize {
        match self.kind {
            Kind::Month => 6,
            Kind::Quarter | Kind::Range => 4,
        }
    }

    /// The `n` periods ending with this one (each the [`previous`] of the
    /// next), oldest first; `n` of 0 is taken as 1.
    ///
    /// [`previous`]: Period::previous
    pub fn trend(&self, n: usize) -> Vec<Period> {
        let mut v = vec![*self];
        while v.len() < n.max(1) {
            let before = v[v.len() - 1].previous();
            if before == v[v.len() - 1] {
                break; // the calendar's first day: nothing before it
            }
            v.push(before);
        }
        v.reverse();
        v
    }

    /// True when `t` falls on one of the period's days in UTC.
    pub fn contains(&self, t: &Timestamp) -> bool {
        let start = Utc.from_utc_datetime(&self.from.and_time(chrono::NaiveTime::MIN));
        let end = match self.to.succ_opt() {
            Some(d) => Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN)),
            None => return *t >= start,
        };
        *t >= start && *t < end
    }

    /// `2026-03`, `2026-Q1` or `2026-03-01..2026-03-15`, for titles.
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Month => self.from.format("%Y-%m").to_string(),
            Kind::Quarter => format!("{}-Q{}", self.from.year(), (self.from.month() - 1) / 3 + 1),
            Kind::Range => format!("{}..{}", self.from, self.to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds() {
        let p = Period::parse_month("2024-02").unwrap();
        assert_eq!(p.to.to_string(), "2024-02-29");
        let q = Period::parse_quarter("2026-q4").unwrap();
        assert_eq!(
            (q.from.to_string(), q.to.to_string()),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        assert!(Period::parse_month("2026-13").is_err());
        assert!(Period::parse_quarter("2026-Q5").is_err());
        assert!(Period::parse_month("march").is_err());
    }

    #[test]
    fn previous_periods() {
        assert_eq!(
            Period::parse_month("2026-01").unwrap().previous().label(),
            "2025-12"
        );
        assert_eq!(
            Period::parse_quarter("2026-Q1").unwrap().previous().label(),
            "2025-Q4"
        );
        let r = Period::range(
            Period::parse_date("2026-03-11").unwrap(),
            Period::parse_date("2026-03-20").unwrap(),
        )
        .unwrap();
        assert_eq!(r.previous().label(), "2026-03-01..2026-03-10");
    }

    #[test]
    fn default_period_is_the_last_complete_month() {
        // Guards issue 14 item 7: `aeef report` without a period reports the
        // month that has ended, also across a year boundary.
        let at = |s: &str| s.parse::<chrono::DateTime<Utc>>().unwrap();
        let p = Period::last_complete_month(at("2026-03-31T23:59:59Z"));
        assert_eq!(p.label(), "2026-02");
        assert_eq!(p.to.to_string(), "2026-02-28");
        let p = Period::last_complete_month(at("2026-01-01T00:00:00Z"));
        assert_eq!(p.label(), "2025-12");
    }

    #[test]
    fn trend_periods_run_oldest_first_and_end_with_the_period() {
        let labels = |p: Period, n| p.trend(n).iter().map(Period::label).collect::<Vec<_>>();
        assert_eq!(
            labels(Period::parse_month("2026-02").unwrap(), 4),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(
            labels(Period::parse_quarter("2026-Q1").unwrap(), 3),
            ["2025-Q3", "2025-Q4", "2026-Q1"]
        );
        let r = Period::range(
            Period::parse_date("2026-03-11").unwrap(),
            Period::parse_date("2026-03-20").unwrap(),
        )
        .unwrap();
        assert_eq!(
            labels(r, 2),
            ["2026-03-01..2026-03-10", "2026-03-11..2026-03-20"]
        );
        assert_eq!(labels(r, 0).len(), 1);
    }

    #[test]
    fn contains_uses_utc_days() {
        let p = Period::parse_month("2026-03").unwrap();
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        assert!(p.contains(&t("2026-04-01T01:00:00+02:00")));
        assert!(!p.contains(&t("2026-04-01T00:00:00Z")));
        assert!(!p.contains(&t("2026-03-01T00:30:00+01:00")));
    }
}
