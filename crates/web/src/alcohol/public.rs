//! Alcohol self-check pages: the AUDIT questionnaire and a one-day drink calculator.
//!
//! Anonymous use stores nothing: answers arrive by POST (so they are not in URLs, histories or
//! logs), the result is computed and shown, and nothing is written anywhere. Forms carry the
//! double-submit CSRF token like every other form.

use crate::alcohol::panels::FHIR_JSON;
use crate::kit::csrf::{anon_csrf, with_cookie};
use crate::kit::error::{AppError, PageResult};
use crate::kit::form::{Pairs, PublicForm};
use crate::kit::layout::Layout;
use crate::kit::render::{csv_download, json_download, render};
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tsunagu_domain::alcohol::{
    audit_c_threshold, drinking_risk_level, heavy_day, AuditAnswers, Drink, Sex, AUDIT_C_CITE,
    AUDIT_ITEMS, DRL_CITE, GRAMS_CITE, PRESETS, PRESETS_CITE, UNIT_EXAMPLES,
};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alcohol/audit", get(audit_form).post(audit_submit))
        .route("/alcohol/drinks", get(drinks_form).post(drinks_submit))
        .route(
            "/alcohol/diary",
            get(diary_form)
                .post(diary_submit)
                // A year of diary lines travels in the form; allow more than the default.
                .layer(axum::extract::DefaultBodyLimit::max(DIARY_BODY_BYTES)),
        )
}

/// Largest diary form accepted (about a year of daily lines with Japanese labels).
pub const DIARY_BODY_BYTES: usize = 256 * 1024;

struct Question {
    number: u8,
    text: &'static str,
    options: Vec<(u8, &'static str, bool)>,
    units: bool,
}

#[derive(Template)]
#[template(path = "alcohol/audit.html")]
struct AuditPage {
    layout: Layout,
    csrf: String,
    questions: Vec<Question>,
    units: &'static [&'static str],
    error: String,
    result: Option<AuditResult>,
}

struct AuditResult {
    total: u8,
    min: u8,
    max: u8,
    label: &'static str,
    guidance: &'static [&'static str],
    audit_c: u8,
    audit_c_verdict: String,
    band_source: String,
    audit_c_source: String,
    scores: Vec<(usize, u8)>,
}

fn questions(chosen: &[Option<u8>]) -> Vec<Question> {
    AUDIT_ITEMS
        .iter()
        .enumerate()
        .map(|(i, item)| Question {
            number: item.number,
            text: item.question,
            options: item
                .options
                .iter()
                .map(|(score, label)| {
                    (
                        *score,
                        *label,
                        chosen.get(i).copied().flatten() == Some(*score),
                    )
                })
                .collect(),
            units: item.number == 2,
        })
        .collect()
}

async fn audit_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = AuditPage {
        layout: Layout::of(&state),
        csrf,
        questions: questions(&[]),
        units: &UNIT_EXAMPLES,
        error: String::new(),
        result: None,
    };
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

async fn audit_submit(
    State(state): State<AppState>,
    PublicForm(pairs): PublicForm<Pairs>,
) -> PageResult {
    let get = |k: &str| pairs.opt(k);
    let chosen: Vec<Option<u8>> = (1..=10)
        .map(|i| get(&format!("q{i}")).and_then(|v| v.trim().parse::<u8>().ok()))
        .collect();
    let sex = match get("sex").unwrap_or("") {
        "" => None,
        s => Some(
            s.parse::<Sex>()
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
    };
    let csrf = get("csrf").unwrap_or_default().to_owned();
    let missing: Vec<String> = chosen
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_none())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let answers = if missing.is_empty() {
        let scores: Vec<u8> = chosen.iter().map(|c| c.unwrap_or(0)).collect();
        AuditAnswers::parse(&scores).map_err(|e| e.to_string())
    } else {
        Err(format!("質問 {} に答えてください。", missing.join("・")))
    };
    // The FHIR export of the same answers, as a download.
    if let (Ok(a), Some(form)) = (&answers, pairs.opt("fhir")) {
        let form = tsunagu_domain::alcohol::fhir::Form::parse(form)
            .unwrap_or(tsunagu_domain::alcohol::fhir::Form::Audit);
        let bundle = tsunagu_domain::alcohol::fhir::bundle(form, a, (state.clock)());
        return Ok(json_download(FHIR_JSON, "audit-fhir.json", &bundle)?);
    }
    let (status, error, result) = match answers {
        Ok(a) => {
            let band = a.band();
            let verdict = match sex {
                Some(s) => format!(
                    "{}（{}は{}点以上で依存症を疑います）",
                    if a.audit_c_positive(s) {
                        "陽性"
                    } else {
                        "陰性"
                    },
                    if s == Sex::Male { "男性" } else { "女性" },
                    audit_c_threshold(s)
                ),
                None => "性別を選ぶと判定します（男性5点以上・女性4点以上で依存症を疑います）"
                    .to_owned(),
            };
            let r = AuditResult {
                total: a.total(),
                min: band.min,
                max: band.max,
                label: band.label,
                guidance: band.guidance,
                audit_c: a.audit_c(),
                audit_c_verdict: verdict,
                band_source: band.cite.source(),
                scores: a
                    .scores()
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (i + 1, *s))
                    .collect(),
                audit_c_source: AUDIT_C_CITE.source(),
            };
            (StatusCode::OK, String::new(), Some(r))
        }
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e, None),
    };
    let page = AuditPage {
        layout: Layout::of(&state),
        csrf,
        questions: questions(&chosen),
        units: &UNIT_EXAMPLES,
        error,
        result,
    };
    Ok((status, render(&page)?).into_response())
}

struct DrinkRow {
    code: &'static str,
    label: String,
    count: u32,
}

struct DrinksResult {
    grams: String,
    level: &'static str,
    heavy: bool,
    lines: Vec<String>,
    grams_source: String,
    drl_source: String,
}

#[derive(Template)]
#[template(path = "alcohol/drinks.html")]
struct DrinksPage {
    layout: Layout,
    csrf: String,
    rows: Vec<DrinkRow>,
    custom_ml: String,
    custom_abv: String,
    custom_count: String,
    sex_male: bool,
    error: String,
    result: Option<DrinksResult>,
    presets_source: String,
}

fn drink_rows(counts: &[u32]) -> Vec<DrinkRow> {
    PRESETS
        .iter()
        .enumerate()
        .map(|(i, p)| DrinkRow {
            code: p.code,
            label: format!("{}（{}%）{}（約{}mL）", p.name, p.abv, p.serving, p.ml),
            count: counts.get(i).copied().unwrap_or(0),
        })
        .collect()
}

async fn drinks_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = DrinksPage {
        layout: Layout::of(&state),
        csrf,
        rows: drink_rows(&[]),
        custom_ml: String::new(),
        custom_abv: String::new(),
        custom_count: String::new(),
        sex_male: true,
        error: String::new(),
        result: None,
        presets_source: PRESETS_CITE.source(),
    };
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

fn one_decimal(g: f64) -> String {
    format!("{:.1}", (g * 10.0).round() / 10.0)
}

async fn drinks_submit(
    State(state): State<AppState>,
    PublicForm(pairs): PublicForm<Pairs>,
) -> PageResult {
    let get = |k: &str| pairs.opt(k);
    let sex: Sex = get("sex")
        .unwrap_or("male")
        .parse()
        .map_err(|e: tsunagu_domain::alcohol::AlcoholError| AppError::BadRequest(e.to_string()))?;
    let mut problems = Vec::new();
    let counts: Vec<u32> = PRESETS
        .iter()
        .map(|p| match get(p.code).unwrap_or("") {
            "" => 0,
            v => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 50)
                .unwrap_or_else(|| {
                    problems.push(format!("{}の杯数は0〜50で入力してください。", p.name));
                    0
                }),
        })
        .collect();
    let mut lines = Vec::new();
    let mut total = 0.0;
    for (p, n) in PRESETS.iter().zip(&counts) {
        if *n > 0 {
            let g = Drink::parse(p.ml, p.abv).map(|d| d.grams()).unwrap_or(0.0) * f64::from(*n);
            total += g;
            lines.push(format!("{} × {} = {} g", p.name, n, one_decimal(g)));
        }
    }
    let (cm, ca, cc) = (
        get("custom_ml").unwrap_or(""),
        get("custom_abv").unwrap_or(""),
        get("custom_count").unwrap_or(""),
    );
    if !cm.is_empty() || !ca.is_empty() {
        let ml = cm
            .parse::<f64>()
            .map_err(|_| "量（mL）は数字で入力してください。".to_owned());
        let abv = ca
            .parse::<f64>()
            .map_err(|_| "度数（%）は数字で入力してください。".to_owned());
        let n = if cc.is_empty() {
            Ok(1)
        } else {
            cc.parse::<u32>()
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| "その他のお酒の杯数は1〜50で入力してください。".to_owned())
        };
        match (ml, abv, n) {
            (Ok(ml), Ok(abv), Ok(n)) => match Drink::parse(ml, abv) {
                Ok(d) => {
                    let g = d.grams() * f64::from(n);
                    total += g;
                    lines.push(format!(
                        "その他 {ml}mL・{abv}% × {n} = {} g",
                        one_decimal(g)
                    ));
                }
                Err(e) => problems.push(match e.to_string() {
                    s if s.starts_with("ml") => {
                        "量は0より多く10,000mL以下で入力してください。".to_owned()
                    }
                    _ => "度数は0〜100%で入力してください。".to_owned(),
                }),
            },
            (a, b, c) => problems.extend([a.err(), b.err(), c.err()].into_iter().flatten()),
        }
    }
    let level = drinking_risk_level(total, sex);
    let result = problems.is_empty().then(|| DrinksResult {
        grams: one_decimal(total),
        level: level.label_ja(),
        heavy: heavy_day(total, sex),
        lines,
        grams_source: GRAMS_CITE.source(),
        drl_source: DRL_CITE.source(),
    });
    let page = DrinksPage {
        layout: Layout::of(&state),
        csrf: get("csrf").unwrap_or_default().to_owned(),
        rows: drink_rows(&counts),
        custom_ml: cm.chars().take(12).collect(),
        custom_abv: ca.chars().take(12).collect(),
        custom_count: cc.chars().take(4).collect(),
        sex_male: sex == Sex::Male,
        error: problems.join(" "),
        presets_source: PRESETS_CITE.source(),
        result,
    };
    let status = if page.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

// --- self-check diary --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "alcohol/diary.html")]
struct DiaryPage {
    layout: Layout,
    csrf: String,
    diary: String,
    today: String,
    presets: Vec<(&'static str, String)>,
    sex_female: bool,
    goal: String,
    errors: Vec<String>,
    chart: String,
    weeks: Vec<crate::alcohol::panels::SummaryRow>,
    months: Vec<crate::alcohol::panels::SummaryRow>,
    lines: usize,
}

fn diary_page(state: &AppState, csrf: String) -> DiaryPage {
    DiaryPage {
        layout: Layout::of(state),
        csrf,
        diary: String::new(),
        today: state.today_jst().to_string(),
        presets: PRESETS
            .iter()
            .map(|p| (p.code, format!("{}（{}%・{}）", p.name, p.abv, p.serving)))
            .collect(),
        sex_female: false,
        goal: String::new(),
        errors: Vec::new(),
        chart: String::new(),
        weeks: Vec::new(),
        months: Vec::new(),
        lines: 0,
    }
}

async fn diary_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    Ok(with_cookie(
        render(&diary_page(&state, csrf))?.into_response(),
        cookie,
    ))
}

async fn diary_submit(
    State(state): State<AppState>,
    PublicForm(pairs): PublicForm<Pairs>,
) -> PageResult {
    use tsunagu_domain::alcohol::{diary_csv, read_diary_csv, StoredDrink};
    let get = |k: &str| pairs.get(k);
    let today = state.today_jst();
    let mut page = diary_page(&state, get("csrf").to_owned());
    let sex: Sex = get("sex").parse().unwrap_or(Sex::Male);
    page.sex_female = sex == Sex::Female;
    let goal = match get("goal") {
        "" => None,
        g => match g
            .parse::<f64>()
            .ok()
            .filter(|g| g.is_finite() && (0.0..=1000.0).contains(g))
        {
            Some(g) => Some(g),
            None => {
                page.errors
                    .push("目標は0〜1000 gの数字で入力してください。".into());
                None
            }
        },
    };
    page.goal = get("goal").chars().take(8).collect();
    let text = get("diary");
    let mut drinks = if text.is_empty() {
        Vec::new()
    } else {
        match read_diary_csv(text, today) {
            Ok(d) => d,
            Err(errors) => {
                page.errors.extend(errors);
                Vec::new()
            }
        }
    };
    if page.errors.is_empty() && get("action") == "add" {
        let date = chrono::NaiveDate::parse_from_str(get("date"), "%Y-%m-%d");
        let count = get("count").parse::<u32>();
        let drink = match PRESETS.iter().find(|p| p.code == get("drink")) {
            Some(p) => Ok((p.ml, p.abv, p.name.to_owned())),
            None => match (get("ml").parse::<f64>(), get("abv").parse::<f64>()) {
                (Ok(ml), Ok(abv)) => Ok((ml, abv, "その他".to_owned())),
                _ => Err("その他のお酒は量（mL）と度数（%）を数字で入力してください。".to_owned()),
            },
        };
        match (date, count, drink) {
            (Ok(date), Ok(count), Ok((ml, abv, label))) => {
                let d = StoredDrink {
                    date,
                    ml,
                    abv,
                    count,
                    label,
                };
                match d.entry(today) {
                    Ok(_) => drinks.push(d),
                    Err(e) => page.errors.push(format!("追加できません: {e}")),
                }
            }
            (Err(_), _, _) => page
                .errors
                .push("日付を YYYY-MM-DD で入力してください。".into()),
            (_, Err(_), _) => page
                .errors
                .push("杯数を1〜50の数字で入力してください。".into()),
            (_, _, Err(e)) => page.errors.push(e),
        }
    }
    drinks.sort_by_key(|d| d.date);
    let csv_text = if page.errors.is_empty() {
        diary_csv(&drinks).map_err(|e| AppError::Internal(e.to_string()))?
    } else {
        text.to_owned()
    };
    if page.errors.is_empty() && get("action") == "csv" {
        return Ok(csv_download("drinking-diary.csv", &csv_text));
    }
    page.lines = drinks.len();
    page.diary = csv_text;
    if page.errors.is_empty() && !drinks.is_empty() {
        let entries: Vec<_> = drinks.iter().filter_map(|d| d.entry(today).ok()).collect();
        // The chart ends at the latest entry, so an older diary pasted back still shows.
        let end = drinks.iter().map(|d| d.date).max().unwrap_or(today);
        let (chart, weeks, months) =
            crate::alcohol::panels::diary_panels(&entries, sex, end, goal)?;
        page.chart = chart;
        page.weeks = weeks;
        page.months = months;
    }
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}
