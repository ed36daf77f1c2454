//! Alcohol self-check pages: the AUDIT questionnaire and a one-day drink calculator.
//!
//! Anonymous use stores nothing: answers arrive by POST (so they are not in URLs, histories or
//! logs), the result is computed and shown, and nothing is written anywhere. Forms carry the
//! double-submit CSRF token like every other form.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tsunagu_domain::alcohol::{
    audit_c_threshold, drinking_risk_level, heavy_day, AuditAnswers, Drink, Sex, AUDIT_C_CITE,
    AUDIT_ITEMS, DRL_CITE, GRAMS_CITE, PRESETS, PRESETS_CITE, UNIT_EXAMPLES,
};

use crate::pages::{render, respond};
use crate::staff::{anon_csrf, check_anon_csrf, with_cookie};
use crate::views::Layout;
use crate::{AppError, AppState};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alcohol/audit", get(audit_form).post(audit_submit))
        .route("/alcohol/drinks", get(drinks_form).post(drinks_submit))
}

struct Question {
    number: u8,
    text: &'static str,
    options: Vec<(u8, &'static str, bool)>,
    units: bool,
}

#[derive(Template)]
#[template(path = "alcohol_audit.html")]
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

async fn audit_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
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
    .await;
    respond(&state, result)
}

async fn audit_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let result = async {
        let pairs = form
            .map(|Form(p)| p)
            .map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        check_anon_csrf(&headers, get("csrf"))?;
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
    .await;
    respond(&state, result)
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
#[template(path = "alcohol_drinks.html")]
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

async fn drinks_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
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
    .await;
    respond(&state, result)
}

fn one_decimal(g: f64) -> String {
    format!("{:.1}", (g * 10.0).round() / 10.0)
}

async fn drinks_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let result = async {
        let pairs = form
            .map(|Form(p)| p)
            .map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
        check_anon_csrf(&headers, get("csrf"))?;
        let sex: Sex = get("sex").unwrap_or("male").parse().map_err(
            |e: tsunagu_domain::alcohol::AlcoholError| AppError::BadRequest(e.to_string()),
        )?;
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
    .await;
    respond(&state, result)
}
