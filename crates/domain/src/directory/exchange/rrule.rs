//! HSDS schedules in their iCalendar RRULE form (`freq`, `interval`, `byday` …, RFC 5545
//! §3.3.10) read into tsunagu's opening days ([`Days`]), for documents other systems wrote.
//!
//! tsunagu's days are weekly weekdays or the nth weekdays of each month, which covers what
//! support services publish (「毎週月〜金」, 「第2・第4金曜」). A rule that means something else
//! (every other week, particular dates, a count or an end date, another time zone) is refused
//! with the reason, never approximated: a wrong opening day sends someone to a closed door.

use crate::directory::schedule::Days;
use chrono::{NaiveTime, Weekday};

/// The parts of an HSDS schedule that say when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recurrence<'a> {
    /// `WEEKLY` or `MONTHLY` (HSDS's two values; `DAILY` is read too).
    pub freq: Option<&'a str>,
    /// Every how many periods.
    pub interval: Option<f64>,
    /// `MO,WE` or `2FR,4FR`.
    pub byday: Option<&'a str>,
    /// Rule parts tsunagu cannot hold when present: `bymonthday`, `byweekno`, `byyearday`,
    /// `count`, `until` (by name).
    pub unsupported: Vec<&'static str>,
    /// HSDS's UTC offset in hours.
    pub timezone: Option<f64>,
    /// `HH:MM` or `HH:MM:SS`.
    pub opens_at: Option<&'a str>,
    /// `HH:MM` or `HH:MM:SS`.
    pub closes_at: Option<&'a str>,
}

/// What a schedule says, in tsunagu's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// Which days.
    pub days: Days,
    /// Opening time (JST).
    pub opens: Option<NaiveTime>,
    /// Closing time (JST).
    pub closes: Option<NaiveTime>,
}

/// Reads a schedule, or says why it cannot be held.
pub fn read(r: &Recurrence<'_>) -> Result<Opening, String> {
    if let Some(part) = r.unsupported.first() {
        return Err(format!(
            "the rule uses {part}, which tsunagu's opening days cannot hold (only weekly weekdays and nth weekdays of the month)"
        ));
    }
    if let Some(tz) = r.timezone {
        if tz != 9.0 {
            return Err(format!(
                "timezone {tz} is not Japan time (9); tsunagu keeps opening hours in JST"
            ));
        }
    }
    if let Some(n) = r.interval {
        if n != 1.0 {
            return Err(format!(
                "interval {n}: a rule that repeats every {n} periods cannot be held"
            ));
        }
    }
    let days = match r.freq.map(str::to_ascii_uppercase).as_deref() {
        Some("WEEKLY") | Some("DAILY") => {
            let weekdays = match r.byday.filter(|b| !b.trim().is_empty()) {
                Some(b) => b
                    .split(',')
                    .map(|d| weekday(d.trim()).ok_or_else(|| bad_day(d)))
                    .collect::<Result<Vec<_>, _>>()?,
                None if r.freq.is_some_and(|f| f.eq_ignore_ascii_case("DAILY")) => vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                    Weekday::Sat,
                    Weekday::Sun,
                ],
                None => return Err("a WEEKLY rule without byday names no day".into()),
            };
            Days::Weekly { weekdays }
        }
        Some("MONTHLY") => {
            let b = r
                .byday
                .filter(|b| !b.trim().is_empty())
                .ok_or("a MONTHLY rule without byday (2FR,4FR) names no day")?;
            let mut weeks = Vec::new();
            let mut day = None;
            for part in b.split(',') {
                let part = part.trim();
                let split = part.len().saturating_sub(2);
                let (n, d) = (
                    part.get(..split).unwrap_or(""),
                    part.get(split..).unwrap_or(""),
                );
                let w = weekday(d).ok_or_else(|| bad_day(part))?;
                let n: u8 = n
                    .trim_start_matches('+')
                    .parse()
                    .ok()
                    .filter(|n| (1..=5).contains(n))
                    .ok_or_else(|| {
                        format!("byday {part:?}: a monthly day needs its week, 1-5 (2FR)")
                    })?;
                if day.is_some_and(|x| x != w) {
                    return Err(format!(
                        "byday {b:?} mixes weekdays; tsunagu holds one weekday per monthly rule"
                    ));
                }
                day = Some(w);
                weeks.push(n);
            }
            let weekday = day.ok_or("byday names no day")?;
            Days::MonthlyNth { weeks, weekday }
        }
        Some(other) => return Err(format!("freq {other:?} is not WEEKLY or MONTHLY")),
        None => return Err("the schedule has no freq (WEEKLY or MONTHLY)".into()),
    };
    let opens = r.opens_at.map(time).transpose()?;
    let closes = r.closes_at.map(time).transpose()?;
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            return Err(format!("closes_at {c} is not after opens_at {o}"));
        }
    }
    Ok(Opening {
        days,
        opens,
        closes,
    })
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn bad_day(d: &str) -> String {
    format!("byday {d:?} is not a weekday code (MO … SU)")
}

fn time(t: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(t.trim(), "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(t.trim(), "%H:%M"))
        .map_err(|_| format!("{t:?} is not a time (HH:MM)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule<'a>(freq: &'a str, byday: &'a str) -> Recurrence<'a> {
        Recurrence {
            freq: Some(freq),
            byday: Some(byday),
            opens_at: Some("09:00"),
            closes_at: Some("17:00:00"),
            ..Default::default()
        }
    }

    #[test]
    fn weekly_and_nth_weekday_rules_are_read() {
        let o = read(&rule("WEEKLY", "MO,TU,WE,TH,FR")).expect("weekly");
        assert_eq!(
            o.days,
            Days::Weekly {
                weekdays: vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri
                ]
            }
        );
        assert_eq!(o.opens, NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(o.closes, NaiveTime::from_hms_opt(17, 0, 0));
        let o = read(&rule("MONTHLY", "2FR,+4FR")).expect("monthly");
        assert_eq!(
            o.days,
            Days::MonthlyNth {
                weeks: vec![2, 4],
                weekday: Weekday::Fri
            }
        );
        let daily = Recurrence {
            freq: Some("DAILY"),
            ..Default::default()
        };
        assert!(
            matches!(read(&daily).expect("daily").days, Days::Weekly { weekdays } if weekdays.len() == 7)
        );
    }

    #[test]
    fn rules_tsunagu_cannot_hold_are_refused_with_the_reason() {
        let cases = [
            (
                Recurrence {
                    interval: Some(2.0),
                    ..rule("WEEKLY", "MO")
                },
                "interval 2",
            ),
            (
                Recurrence {
                    unsupported: vec!["bymonthday"],
                    ..rule("MONTHLY", "")
                },
                "bymonthday",
            ),
            (
                Recurrence {
                    timezone: Some(-5.0),
                    ..rule("WEEKLY", "MO")
                },
                "timezone -5",
            ),
            (rule("MONTHLY", "2FR,4MO"), "mixes weekdays"),
            (rule("MONTHLY", "FR"), "needs its week"),
            (rule("MONTHLY", "-1FR"), "needs its week"),
            (rule("WEEKLY", "XX"), "not a weekday"),
            (rule("YEARLY", "MO"), "not WEEKLY or MONTHLY"),
            (
                Recurrence {
                    closes_at: Some("08:00"),
                    ..rule("WEEKLY", "MO")
                },
                "not after",
            ),
            (
                Recurrence {
                    opens_at: Some("9時"),
                    ..rule("WEEKLY", "MO")
                },
                "not a time",
            ),
        ];
        for (r, why) in cases {
            let err = read(&r).expect_err(why);
            assert!(err.contains(why), "{why}: {err}");
        }
    }
}
