//! Japanese calendar facts every capability counts with: Japan Standard Time, the start of a
//! Japanese day, national holidays (by the `jpholiday` crate) and 年末年始. Pure: the instant is
//! always passed in.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// Japan Standard Time for an instant: UTC+9 (Japan has no daylight saving time). Open-now and
/// staleness work in JST whatever the server's time zone.
pub fn jst(utc: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    (utc + Duration::hours(9)).naive_utc()
}

/// The instant a day begins in Japan (0:00 JST), for dates typed as Japanese days.
pub fn jst_day_start(date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    (date.and_time(chrono::NaiveTime::MIN) - Duration::hours(9)).and_utc()
}

/// The national holiday on `date`, if any, by the `jpholiday` crate.
pub fn national_holiday(date: NaiveDate) -> Option<String> {
    jpholiday::jpholiday::JPHoliday::new().is_holiday_name(&date)
}

/// 年末年始. Decision: the seeds say 年末年始 without dates; we use December 29 to January 3,
/// the closure of public offices under 行政機関の休日に関する法律 第1条第1項第3号, and apply
/// it only to services whose source states a 年末年始 closure.
pub fn is_year_end(date: NaiveDate) -> bool {
    (date.month() == 12 && date.day() >= 29) || (date.month() == 1 && date.day() <= 3)
}
