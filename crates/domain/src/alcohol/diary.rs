//! The drinking diary: entries, summaries over a span (heavy and alcohol-free days, the risk
//! level), and the diary's CSV.

use crate::alcohol::drinks::{
    drinking_risk_level, heavy_day, pure_alcohol_grams, success_target, Drink, RiskLevel,
};
use crate::alcohol::shared::{field, AlcoholError, Sex};
use chrono::NaiveDate;
use serde::Serialize;

/// One diary line: a day and a drink (preset or custom), how many.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiaryEntry {
    /// The day.
    pub date: NaiveDate,
    /// The drink.
    pub drink: Drink,
    /// How many servings (1-50).
    pub count: u32,
}

impl DiaryEntry {
    /// Checks the day (not after `today`) and the count.
    pub fn parse(
        date: NaiveDate,
        drink: Drink,
        count: u32,
        today: NaiveDate,
    ) -> Result<DiaryEntry, AlcoholError> {
        if date > today {
            return Err(field("date", format!("{date} is in the future")));
        }
        if !(1..=50).contains(&count) {
            return Err(field("count", "the number of servings must be 1-50"));
        }
        Ok(DiaryEntry { date, drink, count })
    }
    /// Grams of this line.
    pub fn grams(&self) -> f64 {
        self.drink.grams() * f64::from(self.count)
    }
}

/// One day of the diary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayTotal {
    /// The day.
    pub date: NaiveDate,
    /// Pure alcohol.
    pub grams: f64,
    /// Its risk level.
    pub risk: RiskLevel,
    /// Over the heavy-drinking line.
    pub heavy: bool,
}

/// A period of the diary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiarySummary {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Every day of the period, with 0 g on days without entries.
    pub days: Vec<DayTotal>,
    /// Total pure alcohol (TAC).
    pub total_grams: f64,
    /// Average per day over the whole period.
    pub average_grams_per_day: f64,
    /// Heavy-drinking days.
    pub heavy_days: u32,
    /// Alcohol-free days (under 1 g).
    pub alcohol_free_days: u32,
    /// The risk level of the daily average.
    pub risk: RiskLevel,
    /// Whether the average meets the success target (which must hold for 3 months).
    pub within_success_target: bool,
}

/// Summarises `entries` over `from..=to` (at most 366 days).
pub fn summarise(
    entries: &[DiaryEntry],
    from: NaiveDate,
    to: NaiveDate,
    sex: Sex,
) -> Result<DiarySummary, AlcoholError> {
    if to < from {
        return Err(field("to", "the period ends before it starts"));
    }
    let n = (to - from).num_days() + 1;
    if n > 366 {
        return Err(field("to", "a summary covers at most 366 days"));
    }
    let days: Vec<DayTotal> = from
        .iter_days()
        .take(usize::try_from(n).unwrap_or(0))
        .map(|date| {
            // `+ 0.0` turns the empty sum's -0.0 into 0.0, which is what people should read.
            let grams: f64 = entries
                .iter()
                .filter(|e| e.date == date)
                .map(DiaryEntry::grams)
                .sum::<f64>()
                + 0.0;
            DayTotal {
                date,
                grams,
                risk: drinking_risk_level(grams, sex),
                heavy: heavy_day(grams, sex),
            }
        })
        .collect();
    let total: f64 = days.iter().map(|d| d.grams).sum::<f64>() + 0.0;
    let average = total / days.len().max(1) as f64;
    Ok(DiarySummary {
        from,
        to,
        total_grams: total,
        average_grams_per_day: average,
        heavy_days: u32::try_from(days.iter().filter(|d| d.heavy).count()).unwrap_or(u32::MAX),
        alcohol_free_days: u32::try_from(days.iter().filter(|d| d.grams < 1.0).count())
            .unwrap_or(u32::MAX),
        risk: drinking_risk_level(average, sex),
        within_success_target: average <= success_target(sex),
        days,
    })
}

/// A diary line as stored (one `drinking_diary` record per line).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoredDrink {
    /// Day.
    pub date: NaiveDate,
    /// Volume of one serving.
    pub ml: f64,
    /// Strength.
    pub abv: f64,
    /// Servings.
    pub count: u32,
    /// What it was (a preset's name or 「その他」).
    pub label: String,
}

impl StoredDrink {
    /// Checks it as a diary entry at `today`.
    pub fn entry(&self, today: NaiveDate) -> Result<DiaryEntry, AlcoholError> {
        DiaryEntry::parse(
            self.date,
            Drink::parse(self.ml, self.abv)?,
            self.count,
            today,
        )
    }
}

/// The diary's CSV header (the staff export and the self-check use the same file).
pub const DIARY_CSV_HEADER: [&str; 6] = ["date", "drink", "ml", "abv_percent", "count", "grams"];

/// Most lines a diary file may have.
pub const MAX_DIARY_LINES: usize = 2000;

/// Writes diary lines as CSV (UTF-8, with the header; `grams` is computed).
pub fn diary_csv(drinks: &[StoredDrink]) -> Result<String, AlcoholError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| field("diary", e.to_string());
    w.write_record(DIARY_CSV_HEADER).map_err(e)?;
    for d in drinks {
        let g = pure_alcohol_grams(d.ml, d.abv) * f64::from(d.count);
        w.write_record([
            d.date.to_string(),
            d.label.clone(),
            d.ml.to_string(),
            d.abv.to_string(),
            d.count.to_string(),
            format!("{g:.1}"),
        ])
        .map_err(e)?;
    }
    let bytes = w.into_inner().map_err(|x| field("diary", x.to_string()))?;
    String::from_utf8(bytes).map_err(|x| field("diary", x.to_string()))
}

/// Reads a diary CSV (as written by [`diary_csv`]; the `grams` column is ignored and
/// recomputed). Every bad line is reported with its line number; nothing is returned then.
pub fn read_diary_csv(text: &str, today: NaiveDate) -> Result<Vec<StoredDrink>, Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        if i >= MAX_DIARY_LINES {
            errors.push(format!("{MAX_DIARY_LINES} 行を超えています"));
            break;
        }
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{line}行目: {e}"));
                continue;
            }
        };
        let col = |k: usize| rec.get(k).unwrap_or("").trim();
        let parsed = (|| {
            let date = NaiveDate::parse_from_str(col(0), "%Y-%m-%d")
                .map_err(|_| field("date", format!("{:?} is not YYYY-MM-DD", col(0))))?;
            let ml: f64 = col(2).parse().map_err(|_| field("ml", "not a number"))?;
            let abv: f64 = col(3).parse().map_err(|_| field("abv", "not a number"))?;
            let count: u32 = col(4)
                .parse()
                .map_err(|_| field("count", "not a whole number"))?;
            let label: String = col(1).chars().take(40).collect();
            let d = StoredDrink {
                date,
                ml,
                abv,
                count,
                label: if label.is_empty() {
                    "その他".into()
                } else {
                    label
                },
            };
            d.entry(today)?;
            Ok::<_, AlcoholError>(d)
        })();
        match parsed {
            Ok(d) => out.push(d),
            Err(e) => errors.push(format!("{line}行目: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod diary_csv_tests {
    use super::*;

    #[test]
    fn a_diary_round_trips_through_csv_and_bad_lines_are_named() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
        let drinks = vec![
            StoredDrink {
                date: today,
                ml: 500.0,
                abv: 5.0,
                count: 2,
                label: "ビール・発泡酒".into(),
            },
            StoredDrink {
                date: today,
                ml: 100.0,
                abv: 40.0,
                count: 1,
                label: "その他, 強い酒".into(),
            },
        ];
        let text = diary_csv(&drinks).expect("csv");
        assert!(text.starts_with("date,drink,ml,abv_percent,count,grams\n"));
        assert_eq!(read_diary_csv(&text, today), Ok(drinks));
        let bad = "date,drink,ml,abv_percent,count,grams\n2026-11-22,beer,500,5,1,20\n2026-11-20,beer,-1,5,1,0\nx,beer,500,5,1,20\n";
        let errors = read_diary_csv(bad, today).expect_err("bad lines");
        assert_eq!(errors.len(), 3);
        assert!(
            errors[0].starts_with("2行目: date")
                && errors[1].starts_with("3行目: ml")
                && errors[2].starts_with("4行目: date"),
            "{errors:?}"
        );
    }
}
