//! Server-rendered SVG chart of daily grams of pure alcohol, with the WHO risk bands behind
//! the bars and the patient's goal as a dashed line. Presentation attributes only (no `style`
//! attributes), so the page's CSP needs no exceptions; every bar has a `<title>` and the chart
//! a text description, for screen readers.

use std::fmt::Write;
use tsunagu_domain::alcohol::{drl_bounds, DayTotal, RiskLevel, Sex};

const W: f64 = 680.0;
const H: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 34.0;

fn band_fill(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::None | RiskLevel::Low => "#e8f3ea",
        RiskLevel::Medium => "#fdf5d8",
        RiskLevel::High => "#fde3cf",
        RiskLevel::VeryHigh => "#f9d2d2",
    }
}

/// The chart for `days` (oldest first) with an optional goal in grams per day.
pub fn daily_grams_svg(days: &[DayTotal], goal: Option<f64>, sex: Sex) -> String {
    let [low, medium, high] = drl_bounds(sex);
    let max_g = days.iter().map(|d| d.grams).fold(0.0_f64, f64::max);
    let top_g = (max_g.max(high + 20.0).max(goal.unwrap_or(0.0)) * 1.1).ceil();
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let y = |g: f64| TOP + plot_h * (1.0 - (g / top_g).clamp(0.0, 1.0));
    let mut s = String::new();
    let summary = format!(
        "{}日分の1日あたり純アルコール量（g）。最大 {:.1} g。{}",
        days.len(),
        max_g,
        goal.map(|g| format!("目標 {g:.0} g/日。"))
            .unwrap_or_default()
    );
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="chart-title chart-desc" class="chart"><title id="chart-title">1日の純アルコール量</title><desc id="chart-desc">{summary}</desc>"#
    );
    // Risk bands.
    let bands = [
        (0.0, low, RiskLevel::Low),
        (low, medium, RiskLevel::Medium),
        (medium, high, RiskLevel::High),
        (high, top_g, RiskLevel::VeryHigh),
    ];
    for (from, to, level) in bands {
        let (y1, y2) = (y(to), y(from));
        let _ = write!(
            s,
            r##"<rect x="{LEFT}" y="{y1:.1}" width="{plot_w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#555">{}</text>"##,
            (y2 - y1).max(0.0),
            band_fill(level),
            W - RIGHT - 4.0,
            y1 + 12.0,
            level.label_ja()
        );
    }
    // Axis labels.
    for g in [0.0, low, medium, high] {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#333">{g:.0}</text><line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#bbb" stroke-width="0.5"/>"##,
            LEFT - 4.0,
            y(g) + 3.0,
            W - RIGHT,
            y(g),
            y(g)
        );
    }
    // Bars.
    let n = days.len().max(1) as f64;
    let step = plot_w / n;
    let bar_w = (step * 0.7).max(1.0);
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + step * i as f64 + (step - bar_w) / 2.0;
        let top = y(d.grams);
        let fill = if d.heavy { "#b3261e" } else { "#2b5797" };
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{top:.1}" width="{bar_w:.1}" height="{:.1}" fill="{fill}"><title>{}: {:.1} g（{}）</title></rect>"#,
            (y(0.0) - top).max(0.0),
            d.date,
            d.grams,
            d.risk.label_ja()
        );
        if i % 7 == 0 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#333">{}</text>"##,
                x,
                H - BOTTOM + 14.0,
                d.date.format("%m/%d")
            );
        }
    }
    if let Some(g) = goal {
        let gy = y(g);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{gy:.1}" y2="{gy:.1}" stroke="#000" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#000">目標 {g:.0} g</text>"##,
            W - RIGHT,
            LEFT + 4.0,
            gy - 4.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{LEFT}" y="{:.1}" font-size="10" fill="#333">g/日（赤い棒: 多量飲酒の日）</text></svg>"##,
        H - 4.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use tsunagu_domain::alcohol::drinking_risk_level;

    #[test]
    fn the_chart_has_a_bar_per_day_the_bands_and_the_goal_line() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let days: Vec<DayTotal> = (0..14)
            .map(|i| {
                let g = f64::from(i) * 10.0;
                DayTotal {
                    date: start + chrono::Duration::days(i64::from(i)),
                    grams: g,
                    risk: drinking_risk_level(g, Sex::Male),
                    heavy: g > 60.0,
                }
            })
            .collect();
        let svg = daily_grams_svg(&days, Some(40.0), Sex::Male);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<title>2026-11-").count(), 14);
        assert_eq!(
            svg.matches("fill=\"#b3261e\"").count(),
            7,
            "days over 60 g (70-130) are red"
        );
        assert!(svg.contains("目標 40 g") && svg.contains("非常に高いリスク"));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }
}
