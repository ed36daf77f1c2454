//! 和暦 (Japanese era) dates as printed in the handbook tables.
//!
//! The tables abbreviate the era to one character and space digits freely: `昭43.4`,
//! `平 4. 9`, `昭64. 1`, `平01. 10. 06`, `昭45. 9. 17`. Only the eras that can appear in a
//! 2006 table (明治 to 平成) and 令和 are accepted. A year-month result is kept as
//! [`YearMonth`], never padded to a fake day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month, for dates the source gives without a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    /// Gregorian year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A parsed 和暦 value: either a full date or a year and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wareki {
    /// Year and month only.
    Month(YearMonth),
    /// A full date.
    Date(NaiveDate),
}

impl Wareki {
    /// ISO form: `1968-04` or `1970-09-17`.
    pub fn iso(&self) -> String {
        match self {
            Wareki::Month(m) => m.to_string(),
            Wareki::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Why a 和暦 string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a 和暦 date: {0:?}")]
pub struct InvalidWareki(pub String);

/// A (year, month, day) triple.
type Ymd = (i32, u32, u32);

/// An era: its spellings and its first and last days (its first year is the year of its first
/// day).
struct Era {
    names: &'static [&'static str],
    first: Ymd,
    last: Ymd,
}

const ERAS: [Era; 5] = [
    Era {
        names: &["明治", "明", "M"],
        first: (1868, 1, 25),
        last: (1912, 7, 29),
    },
    Era {
        names: &["大正", "大", "T"],
        first: (1912, 7, 30),
        last: (1926, 12, 24),
    },
    Era {
        names: &["昭和", "昭", "S"],
        first: (1926, 12, 25),
        last: (1989, 1, 7),
    },
    Era {
        names: &["平成", "平", "H"],
        first: (1989, 1, 8),
        last: (2019, 4, 30),
    },
    Era {
        names: &["令和", "令", "R"],
        first: (2019, 5, 1),
        last: (9999, 12, 31),
    },
];

/// Parses `昭43.4`, `平 4. 9`, `平01. 10. 06`, `昭和45年9月17日`, `令和元年5月`.
/// A date outside its era (`昭65.1`, `平31.5`) is rejected rather than rolled over.
pub fn parse(raw: &str) -> Result<Wareki, InvalidWareki> {
    let err = || InvalidWareki(raw.to_owned());
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (era, rest) = ERAS
        .iter()
        .find_map(|era| {
            era.names
                .iter()
                .find_map(|p| s.strip_prefix(p))
                .map(|rest| (era, rest))
        })
        .ok_or_else(err)?;
    let rest = rest.replace("元", "1");
    let parts: Vec<&str> = rest
        .split(['.', '年', '月', '日', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| err())?;
    let (ey, m, d) = match nums.as_slice() {
        [y, m] => (*y, *m, None),
        [y, m, d] => (*y, *m, Some(*d)),
        _ => return Err(err()),
    };
    if ey == 0 || !(1..=12).contains(&m) {
        return Err(err());
    }
    let year = era.first.0 + i32::try_from(ey).map_err(|_| err())? - 1;
    let first = NaiveDate::from_ymd_opt(era.first.0, era.first.1, era.first.2).ok_or_else(err)?;
    let last = NaiveDate::from_ymd_opt(era.last.0, era.last.1, era.last.2).ok_or_else(err)?;
    match d {
        Some(d) => {
            let date = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(err)?;
            if date < first || date > last {
                return Err(err());
            }
            Ok(Wareki::Date(date))
        }
        None => {
            // The month must overlap the era: 昭64.1 is valid (1989-01-01..07), 昭64.2 is not.
            let month_start = NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(err)?;
            let month_end = if m == 12 {
                NaiveDate::from_ymd_opt(year, 12, 31)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1).and_then(|d| d.pred_opt())
            }
            .ok_or_else(err)?;
            if month_end < first || month_start > last {
                return Err(err());
            }
            Ok(Wareki::Month(YearMonth { year, month: m }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> String {
        parse(s).map(|w| w.iso()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn handbook_year_month_forms_parse() {
        assert_eq!(iso("昭43.4"), "1968-04");
        assert_eq!(iso("平 4. 9"), "1992-09");
        assert_eq!(iso("平18. 4"), "2006-04");
        assert_eq!(iso("昭64. 1"), "1989-01");
    }

    #[test]
    fn handbook_full_dates_parse_with_padding_and_spaces() {
        assert_eq!(iso("昭45. 9. 17"), "1970-09-17");
        assert_eq!(iso("平01. 10. 06"), "1989-10-06");
        assert_eq!(iso("昭38.11.21"), "1963-11-21");
    }

    #[test]
    fn long_forms_and_gannen_parse() {
        assert_eq!(iso("令和元年5月"), "2019-05");
        assert_eq!(iso("平成18年4月1日"), "2006-04-01");
    }

    #[test]
    fn dates_outside_their_era_are_rejected() {
        for bad in [
            "昭64. 2",
            "平31. 5. 1",
            "昭0.1",
            "昭43.13",
            "2006.4",
            "",
            "昭",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}

/// Formats a date in 和暦 with the era's full name, 元年 for the first year:
/// `2019-05-01` → `令和元年5月1日`. `None` before 明治.
pub fn format(date: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let era = ERAS.iter().rev().find(|e| {
        NaiveDate::from_ymd_opt(e.first.0, e.first.1, e.first.2).is_some_and(|f| date >= f)
    })?;
    let year = date.year() - era.first.0 + 1;
    let y = if year == 1 {
        "元".to_owned()
    } else {
        year.to_string()
    };
    Some(format!(
        "{}{y}年{}月{}日",
        era.names[0],
        date.month(),
        date.day()
    ))
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn dates_format_in_their_era_with_gannen() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(format(d(2019, 5, 1)).as_deref(), Some("令和元年5月1日"));
        assert_eq!(format(d(2019, 4, 30)).as_deref(), Some("平成31年4月30日"));
        assert_eq!(format(d(2026, 11, 21)).as_deref(), Some("令和8年11月21日"));
        assert_eq!(format(d(1989, 1, 7)).as_deref(), Some("昭和64年1月7日"));
        assert_eq!(format(d(1926, 12, 25)).as_deref(), Some("昭和元年12月25日"));
        assert_eq!(format(d(1800, 1, 1)), None);
        for day in [
            d(1970, 9, 17),
            d(1992, 9, 1),
            d(2019, 5, 1),
            d(2026, 11, 21),
        ] {
            let text = format(day).expect("formats");
            assert_eq!(
                parse(&text).map(|w| w.iso()),
                Ok(day.format("%Y-%m-%d").to_string()),
                "{text}"
            );
        }
    }
}
