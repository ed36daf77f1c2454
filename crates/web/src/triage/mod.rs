//! Consultation triage on the web: `/triage` (a form → the referral plan, with a print view and
//! a plain-text copy) and `POST /api/v1/triage` (JSON). Anonymous and stateless: nothing about
//! the consultation is stored or logged; the form is a POST so that its text never sits in a
//! URL. Saving a consultation with its plan is a staff action under consent (not here).

use crate::kit::csrf::{anon_csrf, with_cookie};
use crate::kit::error::{ApiError, AppError, PageResult};
use crate::kit::form::{Pairs, PublicForm};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use tsunagu_domain::directory::prefecture::Prefecture;
use tsunagu_domain::triage::{
    plan_json, plan_text, Consultant, Consultation, Justice, PersonSex, Plan, TriageConcern,
    Urgency,
};

/// Largest triage request body: a 20,000-character text as a percent-encoded form.
pub const MAX_TRIAGE_BODY: usize = 256 * 1024;

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/triage", get(form).post(submit))
        .route("/api/v1/triage", post(api))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_TRIAGE_BODY))
}

fn run(state: &AppState, c: &Consultation) -> Result<Plan, AppError> {
    state
        .triage_plan(c)
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// `POST /api/v1/triage`: one consultation object in, the plan out.
async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<Consultation>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    crate::kit::csrf::same_origin(&headers)?;
    let Json(c) = body.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let p = run(&state, &c)?;
    Ok(Json(plan_json(&p)))
}

struct Choice {
    code: &'static str,
    label: &'static str,
    checked: bool,
}

struct PlanView {
    crisis: bool,
    recommendations: Vec<tsunagu_domain::triage::Recommendation>,
    points: Vec<tsunagu_domain::triage::Point>,
    inferred: Vec<String>,
    negated: Vec<String>,
    text: String,
}

#[derive(Template)]
#[template(path = "triage/plan.html")]
struct TriagePage {
    layout: Layout,
    csrf: String,
    text: String,
    age: String,
    municipality: String,
    consultants: Vec<Choice>,
    sexes: Vec<Choice>,
    justices: Vec<Choice>,
    concerns: Vec<Choice>,
    urgencies: Vec<Choice>,
    prefectures: Vec<(String, &'static str, bool)>,
    plan: Option<PlanView>,
    error: String,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    chosen: &[T],
) -> Vec<Choice> {
    all.iter()
        .map(|&x| Choice {
            code: code(x),
            label: label(x),
            checked: chosen.contains(&x),
        })
        .collect()
}

fn page(state: &AppState, csrf: String, c: &Consultation) -> TriagePage {
    TriagePage {
        layout: Layout::of(state),
        csrf,
        text: c.text.clone(),
        age: c.age.map(|a| a.to_string()).unwrap_or_default(),
        municipality: c.municipality.clone().unwrap_or_default(),
        consultants: choices(
            Consultant::ALL,
            Consultant::code,
            Consultant::label_ja,
            &c.consultant.into_iter().collect::<Vec<_>>(),
        ),
        sexes: choices(
            PersonSex::ALL,
            PersonSex::code,
            PersonSex::label_ja,
            &c.sex.into_iter().collect::<Vec<_>>(),
        ),
        justices: choices(
            Justice::ALL,
            Justice::code,
            Justice::label_ja,
            &c.justice.into_iter().collect::<Vec<_>>(),
        ),
        concerns: choices(
            TriageConcern::ALL,
            TriageConcern::code,
            TriageConcern::label_ja,
            &c.concerns,
        ),
        urgencies: choices(Urgency::ALL, Urgency::code, Urgency::label_ja, &c.urgency),
        prefectures: Prefecture::all()
            .map(|p| {
                let chosen = c.prefecture.as_deref() == Some(p.name());
                (p.name().to_owned(), p.name(), chosen)
            })
            .collect(),
        plan: None,
        error: String::new(),
    }
}

async fn form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    let p = page(&state, csrf, &Consultation::default());
    Ok(with_cookie(render(&p)?.into_response(), cookie))
}

/// Reads the form into a consultation; an unknown code is an error naming the field.
fn consultation_of(pairs: &Pairs) -> Result<Consultation, String> {
    fn one<T: std::str::FromStr>(pairs: &Pairs, name: &str) -> Result<Option<T>, String> {
        match pairs.opt(name).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("{name}: {v:?} は選べない値です。")),
        }
    }
    fn many<T: std::str::FromStr>(pairs: &Pairs, name: &str) -> Result<Vec<T>, String> {
        pairs
            .all(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name}: {v:?} は選べない値です。"))
            })
            .collect()
    }
    Ok(Consultation {
        text: pairs.get("text").to_owned(),
        consultant: one(pairs, "consultant")?,
        age: match pairs.opt("age").map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<u8>()
                    .map_err(|_| "年齢は0〜120の数字で入力してください。".to_owned())
                    .and_then(|a| {
                        if a <= 120 {
                            Ok(a)
                        } else {
                            Err("年齢は0〜120の数字で入力してください。".to_owned())
                        }
                    })?,
            ),
        },
        sex: one(pairs, "sex")?,
        concerns: many(pairs, "concern")?,
        justice: one(pairs, "justice")?,
        prefecture: pairs
            .opt("prefecture")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        municipality: pairs
            .opt("municipality")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(40).collect()),
        urgency: many(pairs, "urgency")?,
    })
}

async fn submit(State(state): State<AppState>, PublicForm(pairs): PublicForm<Pairs>) -> PageResult {
    let csrf = pairs.get("csrf").to_owned();
    let (c, error) = match consultation_of(&pairs) {
        Ok(c) => (c, String::new()),
        Err(e) => (Consultation::default(), e),
    };
    let mut p = page(&state, csrf, &c);
    p.error = error;
    if p.error.is_empty() {
        match run(&state, &c) {
            Ok(plan) => {
                p.plan = Some(PlanView {
                    crisis: plan.crisis,
                    inferred: plan
                        .inferred
                        .iter()
                        .map(|i| {
                            format!(
                                "「{}」→ {}{}",
                                i.from,
                                label_of(&i.code),
                                if i.used {
                                    ""
                                } else {
                                    "（入力した項目を優先）"
                                }
                            )
                        })
                        .collect(),
                    negated: plan
                        .negated
                        .iter()
                        .map(|f| format!("「{}」（否定されているため使っていません）", f.term))
                        .collect(),
                    text: plan_text(&plan),
                    recommendations: plan.recommendations,
                    points: plan.points,
                });
            }
            Err(AppError::BadRequest(m)) => p.error = japanese_error(&m),
            Err(e) => return Err(e.into()),
        }
    }
    let status = if p.error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&p)?).into_response())
}

/// A code's Japanese label, whichever list it is from.
fn label_of(code: &str) -> String {
    if let Some(p) = code.strip_prefix("prefecture:") {
        return format!("地域: {}", Prefecture::parse(p).map_or(p, |x| x.name()));
    }
    if let Ok(x) = code.parse::<TriageConcern>() {
        return x.label_ja().to_owned();
    }
    if let Ok(x) = code.parse::<Urgency>() {
        return x.label_ja().to_owned();
    }
    if let Ok(x) = code.parse::<Consultant>() {
        return format!("相談者: {}", x.label_ja());
    }
    if let Ok(x) = code.parse::<Justice>() {
        return x.label_ja().to_owned();
    }
    if let Ok(x) = code.parse::<PersonSex>() {
        return format!("本人: {}", x.label_ja());
    }
    code.to_owned()
}

fn japanese_error(m: &str) -> String {
    if m.contains("empty") {
        "相談の内容を書くか、項目を1つ以上選んでください。".into()
    } else if m.contains("characters") {
        format!(
            "相談の内容が長すぎます（{} 文字まで）。",
            tsunagu_domain::triage::MAX_TEXT_CHARS
        )
    } else if m.contains("prefecture") {
        "都道府県が正しくありません。".into()
    } else {
        m.to_owned()
    }
}
