//! What the public diary and the staff alcohol page both show of a drinking diary: the chart of
//! the last 28 days and the weekly and monthly summaries; and the FHIR content type.

use crate::kit::error::AppError;
use chrono::{Datelike, Duration, NaiveDate};
use tsunagu_domain::alcohol::{summarise, DiaryEntry, DiarySummary, Sex};

/// Days shown in the chart.
const CHART_DAYS: i64 = 28;

/// One line of a weekly or monthly summary table.
pub(crate) struct SummaryRow {
    pub(crate) label: String,
    pub(crate) total: String,
    pub(crate) average: String,
    pub(crate) heavy: u32,
    pub(crate) free: u32,
    pub(crate) risk: &'static str,
}

fn summary_row(label: String, s: &DiarySummary) -> SummaryRow {
    SummaryRow {
        label,
        total: format!("{:.1}", s.total_grams),
        average: format!("{:.1}", s.average_grams_per_day),
        heavy: s.heavy_days,
        free: s.alcohol_free_days,
        risk: s.risk.label_ja(),
    }
}

/// The chart of the last 28 days up to `end`, and the summaries of the last 4 weeks and 3
/// calendar months (the current month up to `end`).
pub(crate) fn diary_panels(
    diary: &[DiaryEntry],
    sex: Sex,
    end: NaiveDate,
    goal: Option<f64>,
) -> Result<(String, Vec<SummaryRow>, Vec<SummaryRow>), AppError> {
    let from = end - Duration::days(CHART_DAYS - 1);
    let recent = summarise(diary, from, end, sex).map_err(|e| AppError::Internal(e.to_string()))?;
    let chart = crate::alcohol::chart::daily_grams_svg(&recent.days, goal, sex);
    let mut weeks = Vec::new();
    for w in 0..4 {
        let last = end - Duration::days(7 * w);
        let first = last - Duration::days(6);
        if let Ok(sum) = summarise(diary, first, last, sex) {
            weeks.push(summary_row(
                format!("{} 〜 {}", first.format("%m/%d"), last.format("%m/%d")),
                &sum,
            ));
        }
    }
    let mut months = Vec::new();
    let mut first = end.with_day(1).unwrap_or(end);
    for _ in 0..3 {
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .map(|n| n - Duration::days(1))
            .unwrap_or(first)
            .min(end);
        if let Ok(sum) = summarise(diary, first, last, sex) {
            months.push(summary_row(first.format("%Y年%m月").to_string(), &sum));
        }
        first = first
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(first);
    }
    Ok((chart, weeks, months))
}

/// The media type of FHIR JSON.
pub(crate) const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";
