//! Legal periods: 民法 第138条〜第143条 and exact hour periods.
//!
//! # Brief overview
//! - **Hours** (「72時間を限り」): an exact span from the moment the measure was taken, so the
//!   deadline is a date and time ([`after_hours`]).
//! - **Days, weeks, months, years** (民法140条〜143条): the first day is not counted
//!   (初日不算入) unless the period starts at 0:00 or the text says 起算 ([`FirstDay`]); the
//!   period ends at the end of its last day (141条). Weeks, months and years follow the calendar:
//!   they end on the day before the day corresponding to the 起算日, or on the last day of the
//!   month when that month has no such day (143条2項).
//! - **Month ends** (「…の属する月の末日」): [`end_of_month`].
//! - **Holidays** (142条): [`closed_day`] says whether a day is a Sunday, a Saturday, a national
//!   holiday or 年末年始. Whether a deadline on such a day moves to the next open day is decided
//!   per procedure, next to its rule ([`extend_past_closed_days`] does the moving).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Weekday};
use serde::Serialize;

/// How the first day counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstDay {
    /// 初日不算入 (民法140条本文): counting starts the next day.
    Excluded,
    /// The period starts at 0:00 of that day, or the text says 「その日から起算して」.
    Included,
}

/// A calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 日.
    Days,
    /// 週.
    Weeks,
    /// 月.
    Months,
    /// 年.
    Years,
}

/// The 起算日: the first day counted.
pub fn start_day(event: NaiveDate, first: FirstDay) -> NaiveDate {
    match first {
        FirstDay::Excluded => event.succ_opt().unwrap_or(event),
        FirstDay::Included => event,
    }
}

/// The last day of a period of `n` units after `event` (民法140条〜143条). `None` only past the
/// calendar's end.
pub fn last_day(event: NaiveDate, n: u32, unit: Unit, first: FirstDay) -> Option<NaiveDate> {
    let d0 = start_day(event, first);
    match unit {
        Unit::Days => d0
            .checked_add_signed(Duration::days(i64::from(n)))
            .and_then(|d| d.pred_opt()),
        Unit::Weeks => d0
            .checked_add_signed(Duration::weeks(i64::from(n)))
            .and_then(|d| d.pred_opt()),
        Unit::Months => months_end(d0, n),
        Unit::Years => months_end(d0, n.checked_mul(12)?),
    }
}

/// 民法143条2項: the day before the corresponding day `months` later, or that month's last day
/// when it has no corresponding day.
fn months_end(d0: NaiveDate, months: u32) -> Option<NaiveDate> {
    let target_first = d0.with_day(1)?.checked_add_months(Months::new(months))?;
    match target_first.with_day(d0.day()) {
        Some(corresponding) => corresponding.pred_opt(),
        None => Some(end_of_month(target_first)),
    }
}

/// The deadline `hours` after `at` (exact, to the minute).
pub fn after_hours(at: NaiveDateTime, hours: i64) -> Option<NaiveDateTime> {
    at.checked_add_signed(Duration::hours(hours))
}

/// The last day of the month `d` falls in.
pub fn end_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1)
        .and_then(|f| f.checked_add_months(Months::new(1)))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// Why a day is closed, if it is (for 民法142条 and for flagging).
pub fn closed_day(d: NaiveDate) -> Option<String> {
    if let Some(name) = crate::common::calendar::national_holiday(d) {
        return Some(name);
    }
    if crate::common::calendar::is_year_end(d) {
        return Some("年末年始".into());
    }
    match d.weekday() {
        Weekday::Sun => Some("日曜日".into()),
        Weekday::Sat => Some("土曜日".into()),
        _ => None,
    }
}

/// Moves a last day that falls on a closed day to the next open day (民法142条).
pub fn extend_past_closed_days(mut d: NaiveDate) -> NaiveDate {
    for _ in 0..20 {
        if closed_day(d).is_none() {
            break;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn ten_days_from_an_admission_end_on_the_tenth_day_after_it() {
        // 初日不算入: admitted 1 April, counting from 2 April, the 10th day is 11 April.
        assert_eq!(
            last_day(d(2026, 4, 1), 10, Unit::Days, FirstDay::Excluded),
            Some(d(2026, 4, 11))
        );
        assert_eq!(
            last_day(d(2026, 4, 1), 10, Unit::Days, FirstDay::Included),
            Some(d(2026, 4, 10))
        );
    }

    #[test]
    fn four_weeks_end_on_the_day_before_the_corresponding_weekday() {
        // Monday 5 January → 起算日 Tuesday 6 January → ends Monday 2 February.
        assert_eq!(
            last_day(d(2026, 1, 5), 4, Unit::Weeks, FirstDay::Excluded),
            Some(d(2026, 2, 2))
        );
    }

    #[test]
    fn months_without_a_corresponding_day_end_on_the_month_end() {
        // 起算日 31 January + 1 month: no 31 February → 28 February.
        assert_eq!(
            last_day(d(2026, 1, 30), 1, Unit::Months, FirstDay::Excluded),
            Some(d(2026, 2, 28))
        );
        // 起算日 1 March + 1 month → the day before 1 April.
        assert_eq!(
            last_day(d(2026, 2, 28), 1, Unit::Months, FirstDay::Excluded),
            Some(d(2026, 3, 31))
        );
        // Leap years: 起算日 29 February 2028 + 1 year → no 29 February 2029 → 28 February.
        assert_eq!(
            last_day(d(2028, 2, 28), 1, Unit::Years, FirstDay::Excluded),
            Some(d(2029, 2, 28))
        );
        assert_eq!(
            last_day(d(2026, 11, 20), 6, Unit::Months, FirstDay::Excluded),
            Some(d(2027, 5, 20))
        );
    }

    #[test]
    fn hour_periods_are_exact_and_month_ends_are_found() {
        let at = d(2026, 12, 31).and_hms_opt(22, 30, 0).expect("time");
        assert_eq!(after_hours(at, 72), d(2027, 1, 3).and_hms_opt(22, 30, 0));
        assert_eq!(end_of_month(d(2028, 2, 3)), d(2028, 2, 29));
    }

    #[test]
    fn closed_days_are_named_and_deadlines_can_move_past_them() {
        assert_eq!(closed_day(d(2026, 11, 3)).as_deref(), Some("文化の日"));
        assert_eq!(closed_day(d(2026, 11, 22)).as_deref(), Some("日曜日"));
        assert_eq!(closed_day(d(2026, 12, 30)).as_deref(), Some("年末年始"));
        assert_eq!(closed_day(d(2026, 11, 20)), None);
        assert_eq!(extend_past_closed_days(d(2026, 12, 29)), d(2027, 1, 4));
    }
}
