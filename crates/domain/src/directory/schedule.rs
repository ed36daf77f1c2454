//! Opening hours as the seeds state them, and the open-now rule.
//!
//! The seeds describe hours in prose: `月～金(祝日・年末年始を除く) 10:00～15:00`,
//! `初診日: 毎週金曜 9:00～11:00`, `行動嗜癖専門外来(第2・第4金曜日)`, `月、水、金 11:00~15:00
//! 但し祝祭日休み`, `月～土・祝日 9:30～17:00`. [`Hours`] keeps the parts that matter for
//! "can I reach them now": rules per kind (reception, phone line, first visit, return visit,
//! meeting), days as weekday sets or nth-weekday-of-month, what happens on national holidays,
//! the 年末年始 closure, fixed closed days (such as a founding day), and 予約制.
//!
//! Open-now ([`Hours::open_state`]) answers from the contact rules only (reception and phone),
//! with Japanese national holidays from the `jpholiday` crate. It says [`OpenState::Unknown`]
//! whenever the source does not settle the question: no hours at all, or a holiday when the
//! source says nothing about holidays.

use crate::common::calendar::{is_year_end, national_holiday};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// What a rule's hours are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursKind {
    /// 受付時間 (reception, including phone reservations).
    Reception,
    /// 電話相談の受付時間.
    Phone,
    /// 初診日.
    FirstVisit,
    /// 再診日.
    ReturnVisit,
    /// A program or meeting held on these days.
    Program,
}

impl HoursKind {
    /// Every kind.
    pub const ALL: [HoursKind; 5] = [
        HoursKind::Reception,
        HoursKind::Phone,
        HoursKind::FirstVisit,
        HoursKind::ReturnVisit,
        HoursKind::Program,
    ];

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            HoursKind::Reception => "受付時間",
            HoursKind::Phone => "電話受付",
            HoursKind::FirstVisit => "初診日",
            HoursKind::ReturnVisit => "再診日",
            HoursKind::Program => "プログラム",
        }
    }

    fn is_contact(self) -> bool {
        matches!(self, HoursKind::Reception | HoursKind::Phone)
    }
}

/// Which days a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Days {
    /// Every week on these weekdays.
    Weekly {
        /// Weekdays (`Mon` … `Sun`).
        weekdays: Vec<Weekday>,
    },
    /// The nth weekday of each month (`第2・第4金曜` = weeks [2, 4], Fri).
    MonthlyNth {
        /// Which occurrences, 1-5.
        weeks: Vec<u8>,
        /// Which weekday.
        weekday: Weekday,
    },
}

impl Days {
    fn includes(&self, date: NaiveDate) -> bool {
        match self {
            Days::Weekly { weekdays } => weekdays.contains(&date.weekday()),
            Days::MonthlyNth { weeks, weekday } => {
                let nth = u8::try_from((date.day() - 1) / 7 + 1).unwrap_or(0);
                date.weekday() == *weekday && weeks.contains(&nth)
            }
        }
    }

    /// Japanese description, such as `月・火・水` or `第2・第4金曜`.
    pub fn label_ja(&self) -> String {
        match self {
            Days::Weekly { weekdays } => weekdays
                .iter()
                .map(|w| weekday_ja(*w))
                .collect::<Vec<_>>()
                .join("・"),
            Days::MonthlyNth { weeks, weekday } => format!(
                "{}{}曜",
                weeks
                    .iter()
                    .map(|w| format!("第{w}"))
                    .collect::<Vec<_>>()
                    .join("・"),
                weekday_ja(*weekday)
            ),
        }
    }
}

/// Japanese one-character weekday name.
pub fn weekday_ja(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// One line of hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursRule {
    /// What the hours are for.
    pub kind: HoursKind,
    /// Which days.
    pub days: Days,
    /// Opening time (JST); `None` when the source gives the day but not the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<NaiveTime>,
    /// Closing time (JST), after `opens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<NaiveTime>,
    /// Needs a reservation (予約制).
    #[serde(default)]
    pub by_appointment: bool,
}

/// What the source says about national holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayPolicy {
    /// The source does not say.
    #[default]
    Unstated,
    /// Closed on national holidays (祝日休み).
    Closed,
    /// Open on national holidays with the rules of [`HolidayPolicy::OpenAs`]'s weekday.
    OpenAs(Weekday),
}

/// A month and day that recurs every year (such as a founding day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDay {
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
}

/// The hours of a service, as stated by its source.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Hours {
    /// The rules; empty means the source gives no hours.
    #[serde(default)]
    pub rules: Vec<HoursRule>,
    /// National holidays.
    #[serde(default)]
    pub holidays: HolidayPolicy,
    /// Closed over 年末年始.
    #[serde(default)]
    pub closed_year_end: bool,
    /// Other fixed closed days each year.
    #[serde(default)]
    pub closed_days: Vec<MonthDay>,
    /// Everything needs a reservation (予約制).
    #[serde(default)]
    pub by_appointment: bool,
    /// A note in the product's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a service is closed now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum ClosedReason {
    /// Outside the stated hours.
    OutsideHours,
    /// A national holiday and the source says it is closed on holidays.
    Holiday(String),
    /// 年末年始.
    YearEnd,
    /// A fixed closed day.
    ClosedDay,
}

/// The answer to "is it open now?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum OpenState {
    /// Open until the given time today.
    Open {
        /// Closing time.
        until: NaiveTime,
    },
    /// Closed, with the reason and the next opening if one is found within two weeks.
    Closed {
        /// Why.
        why: ClosedReason,
        /// Next opening.
        next_open: Option<NaiveDateTime>,
    },
    /// The source does not tell.
    Unknown {
        /// Why it cannot be told, in Japanese.
        why: String,
    },
}

impl OpenState {
    /// Whether the state is [`OpenState::Open`].
    pub fn is_open(&self) -> bool {
        matches!(self, OpenState::Open { .. })
    }

    /// A short Japanese sentence for people.
    pub fn label_ja(&self) -> String {
        match self {
            OpenState::Open { until } => format!("受付中（{}まで）", until.format("%H:%M")),
            OpenState::Closed { why, next_open } => {
                let why = match why {
                    ClosedReason::OutsideHours => "受付時間外".to_owned(),
                    ClosedReason::Holiday(name) => format!("祝日（{name}）のため休み"),
                    ClosedReason::YearEnd => "年末年始のため休み".to_owned(),
                    ClosedReason::ClosedDay => "休業日".to_owned(),
                };
                match next_open {
                    Some(t) => format!(
                        "{why}・次は{}月{}日（{}）{}から",
                        t.month(),
                        t.day(),
                        weekday_ja(t.weekday()),
                        t.format("%H:%M")
                    ),
                    None => why,
                }
            }
            OpenState::Unknown { why } => format!("不明（{why}）"),
        }
    }
}

enum DayVerdict {
    Closed(ClosedReason),
    Rules(Weekday),
    Unknown(String),
}

impl Hours {
    /// Whether the source gives any hours at all.
    pub fn is_known(&self) -> bool {
        !self.rules.is_empty()
    }

    fn day_verdict(&self, date: NaiveDate) -> DayVerdict {
        if self.closed_year_end && is_year_end(date) {
            return DayVerdict::Closed(ClosedReason::YearEnd);
        }
        if self
            .closed_days
            .iter()
            .any(|md| md.month == date.month() && md.day == date.day())
        {
            return DayVerdict::Closed(ClosedReason::ClosedDay);
        }
        if let Some(name) = national_holiday(date) {
            return match self.holidays {
                HolidayPolicy::Closed => DayVerdict::Closed(ClosedReason::Holiday(name)),
                HolidayPolicy::OpenAs(w) => DayVerdict::Rules(w),
                HolidayPolicy::Unstated => {
                    DayVerdict::Unknown(format!("{name}の対応は情報源に記載がありません"))
                }
            };
        }
        DayVerdict::Rules(date.weekday())
    }

    /// (opens, closes) of the contact rules that apply on `date`, read as `as_weekday`.
    fn contact_rules_on(
        &self,
        date: NaiveDate,
        as_weekday: Weekday,
    ) -> impl Iterator<Item = (NaiveTime, NaiveTime)> + '_ {
        // A holiday treated "as Saturday" uses Saturday's rules; match on a date with that weekday.
        let probe = (0..7)
            .map(|i| date + Duration::days(i))
            .find(|d| d.weekday() == as_weekday)
            .unwrap_or(date);
        let probe = if as_weekday == date.weekday() {
            date
        } else {
            probe
        };
        self.rules
            .iter()
            .filter(move |r| r.kind.is_contact() && r.days.includes(probe))
            .filter_map(|r| Some((r.opens?, r.closes?)))
    }

    /// Is the service reachable at `now` (Japan time)? See the module docs.
    pub fn open_state(&self, now: NaiveDateTime) -> OpenState {
        if !self
            .rules
            .iter()
            .any(|r| r.kind.is_contact() && r.opens.is_some() && r.closes.is_some())
        {
            return OpenState::Unknown {
                why: "受付時間の情報がありません".to_owned(),
            };
        }
        let today = now.date();
        let why = match self.day_verdict(today) {
            DayVerdict::Unknown(why) => return OpenState::Unknown { why },
            DayVerdict::Closed(reason) => reason,
            DayVerdict::Rules(w) => {
                let t = now.time();
                if let Some((_, closes)) = self
                    .contact_rules_on(today, w)
                    .find(|(o, c)| *o <= t && t < *c)
                {
                    return OpenState::Open { until: closes };
                }
                ClosedReason::OutsideHours
            }
        };
        OpenState::Closed {
            why,
            next_open: self.next_open(now),
        }
    }

    /// The next opening after `now` within 14 days, skipping days whose status is unknown.
    pub fn next_open(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        (0..15).find_map(|offset| {
            let date = now.date() + Duration::days(offset);
            let DayVerdict::Rules(w) = self.day_verdict(date) else {
                return None;
            };
            self.contact_rules_on(date, w)
                .map(|(opens, _)| date.and_time(opens))
                .filter(|t| *t > now)
                .min()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::calendar::jst;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }
    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap_or_default()
            .and_time(t(h, mi))
    }
    fn weekdays() -> Days {
        Days::Weekly {
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
        }
    }
    fn ncnp_like() -> Hours {
        Hours {
            rules: vec![HoursRule {
                kind: HoursKind::Reception,
                days: weekdays(),
                opens: Some(t(10, 0)),
                closes: Some(t(15, 0)),
                by_appointment: false,
            }],
            holidays: HolidayPolicy::Closed,
            closed_year_end: true,
            ..Hours::default()
        }
    }

    #[test]
    fn open_inside_weekday_hours_and_closed_outside() {
        let h = ncnp_like();
        // 2026-11-20 is a Friday.
        assert!(h.open_state(at(2026, 11, 20, 10, 0)).is_open());
        assert!(
            !h.open_state(at(2026, 11, 20, 15, 0)).is_open(),
            "closing time is exclusive"
        );
        assert_eq!(
            h.open_state(at(2026, 11, 21, 12, 0)),
            OpenState::Closed {
                why: ClosedReason::OutsideHours,
                next_open: Some(at(2026, 11, 24, 10, 0))
            },
            "Saturday is closed; Monday 2026-11-23 is 勤労感謝の日, so the next opening is Tuesday"
        );
    }

    #[test]
    fn japan_time_is_utc_plus_nine_across_midnight() {
        let utc = chrono::DateTime::parse_from_rfc3339("2026-11-20T15:30:00Z").map(|t| t.to_utc());
        assert_eq!(utc.map(jst).ok(), Some(at(2026, 11, 21, 0, 30)));
    }

    #[test]
    fn national_holidays_come_from_the_crate() {
        assert!(
            national_holiday(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()).is_some()
        );
        assert!(
            national_holiday(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()).is_none()
        );
        let h = ncnp_like();
        assert!(matches!(
            h.open_state(at(2026, 11, 23, 11, 0)),
            OpenState::Closed {
                why: ClosedReason::Holiday(_),
                ..
            }
        ));
    }

    #[test]
    fn a_holiday_with_no_stated_policy_is_unknown_not_open() {
        let h = Hours {
            holidays: HolidayPolicy::Unstated,
            ..ncnp_like()
        };
        assert!(matches!(
            h.open_state(at(2026, 11, 23, 11, 0)),
            OpenState::Unknown { .. }
        ));
    }

    #[test]
    fn year_end_closure_applies_only_when_stated() {
        // 2026-12-29 is a Tuesday.
        let h = ncnp_like();
        assert!(matches!(
            h.open_state(at(2026, 12, 29, 11, 0)),
            OpenState::Closed {
                why: ClosedReason::YearEnd,
                ..
            }
        ));
        let h = Hours {
            closed_year_end: false,
            ..ncnp_like()
        };
        assert!(h.open_state(at(2026, 12, 29, 11, 0)).is_open());
    }

    #[test]
    fn no_hours_means_unknown() {
        assert!(matches!(
            Hours::default().open_state(at(2026, 11, 20, 11, 0)),
            OpenState::Unknown { .. }
        ));
    }

    #[test]
    fn second_and_fourth_friday_rules_match_only_those_fridays() {
        let d = Days::MonthlyNth {
            weeks: vec![2, 4],
            weekday: Weekday::Fri,
        };
        // Fridays in November 2026: 6, 13, 20, 27.
        let fri = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap_or_default();
        assert!(!d.includes(fri(6)));
        assert!(d.includes(fri(13)));
        assert!(!d.includes(fri(20)));
        assert!(d.includes(fri(27)));
        assert_eq!(d.label_ja(), "第2・第4金曜");
    }

    #[test]
    fn holidays_open_as_a_weekday_use_that_days_rules() {
        // 月～土・祝日 9:30～17:00
        let h = Hours {
            rules: vec![HoursRule {
                kind: HoursKind::Reception,
                days: Days::Weekly {
                    weekdays: vec![
                        Weekday::Mon,
                        Weekday::Tue,
                        Weekday::Wed,
                        Weekday::Thu,
                        Weekday::Fri,
                        Weekday::Sat,
                    ],
                },
                opens: Some(t(9, 30)),
                closes: Some(t(17, 0)),
                by_appointment: false,
            }],
            holidays: HolidayPolicy::OpenAs(Weekday::Sat),
            ..Hours::default()
        };
        assert!(h.open_state(at(2026, 11, 23, 10, 0)).is_open());
        assert!(
            !h.open_state(at(2026, 11, 22, 10, 0)).is_open(),
            "Sunday is closed"
        );
    }

    #[test]
    fn fixed_closed_days_close_the_service() {
        let h = Hours {
            closed_days: vec![MonthDay { month: 11, day: 20 }],
            ..ncnp_like()
        };
        assert!(matches!(
            h.open_state(at(2026, 11, 20, 11, 0)),
            OpenState::Closed {
                why: ClosedReason::ClosedDay,
                ..
            }
        ));
    }
}
