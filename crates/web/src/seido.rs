//! 制度ナビ: the procedures' periods with their legal basis, and a calculator
//! (「手帳の更新はいつから？」). Public and stateless: the calculator is a GET form and nothing
//! is stored.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tsunagu_domain::deadlines::{obligations, At, Due, Event, Length, RULES};
use tsunagu_domain::period::{FirstDay, Unit};

use crate::pages::{render, respond};
use crate::views::Layout;
use crate::{AppError, AppState};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/seido", get(page))
}

/// Field values a calculator choice sets.
type Preset = &'static [(&'static str, &'static str)];

/// The calculator's choices: event code, label, and the extra fields it sets.
const CHOICES: &[(&str, &str, Preset)] = &[
    (
        "notebook_application_received",
        "手帳の申請が市町村に受理された（交付日）",
        &[],
    ),
    (
        "notebook_renewal_application_received",
        "手帳の更新申請が受理された（前の有効期限の入力が必要）",
        &[],
    ),
    (
        "notebook_grade_change_decided",
        "手帳の等級変更が決定した",
        &[],
    ),
    (
        "notebook_holder_moved",
        "手帳を持つ人が同じ都道府県内で転居した",
        &[("within_prefecture", "true")],
    ),
    (
        "outpatient_support_application_received",
        "自立支援医療（精神通院）の新規申請が受理された",
        &[],
    ),
    ("decision_notified", "処分の通知を受けた（不服申立て）", &[]),
    (
        "support_category_change_decided",
        "自立支援医療の所得区分の変更が決定した",
        &[],
    ),
    ("voluntary_admission", "任意入院した", &[]),
    (
        "voluntary_discharge_hold",
        "任意入院者の退院を指定医の診察で制限した（時刻が必要）",
        &[("by", "designated_physician")],
    ),
    (
        "voluntary_discharge_hold",
        "任意入院者の退院を特定医師の診察で制限した（時刻が必要）",
        &[("by", "specified_physician")],
    ),
    (
        "involuntary_admission",
        "措置入院した（2人以上の指定医の診察が一致）",
        &[],
    ),
    (
        "emergency_involuntary_admission",
        "緊急措置入院した（時刻が必要）",
        &[],
    ),
    (
        "urgent_admission",
        "応急入院した・指定医の診察（時刻が必要）",
        &[("by", "designated_physician")],
    ),
    (
        "urgent_admission",
        "応急入院した・特定医師の診察（時刻が必要）",
        &[("by", "specified_physician")],
    ),
    (
        "medical_protection_admission",
        "医療保護入院した（保護者の同意）",
        &[("consent_by", "guardian")],
    ),
    (
        "medical_protection_discharge",
        "医療保護入院者が退院した（他の入院形態への移行を含む）",
        &[],
    ),
    (
        "outpatient_treatment_order",
        "医療観察法の通院決定があった",
        &[],
    ),
    (
        "assessment_admission_order_executed",
        "医療観察法の鑑定入院命令が執行された",
        &[],
    ),
    (
        "inpatient_treatment_order",
        "医療観察法の入院決定があった",
        &[],
    ),
];

fn period_text(l: Length) -> String {
    let unit = |u: Unit| match u {
        Unit::Days => "日",
        Unit::Weeks => "週間",
        Unit::Months => "か月",
        Unit::Years => "年",
    };
    let first = |f: FirstDay| match f {
        FirstDay::Excluded => "翌日から数えて",
        FirstDay::Included => "その日から起算して",
    };
    match l {
        Length::Hours(h) => format!("その時刻から{h}時間"),
        Length::Calendar {
            n,
            unit: u,
            first: f,
        } => format!("{}{n}{}", first(f), unit(u)),
        Length::MonthEnd {
            n,
            unit: u,
            first: f,
        } => format!("{}{n}{}が経過する日の属する月の末日", first(f), unit(u)),
        Length::MonthEndWithin { n, unit: u } => format!("その日から{n}{}以内の月の末日", unit(u)),
        Length::MonthsBefore { months, .. } => format!("期限の{months}か月前から"),
        Length::ReportMonths { first, every, .. } => {
            let early: String = first.iter().map(|m| format!("{m}か月目、")).collect();
            format!("翌月を1か月目として{early}{every}か月ごとの月の末日まで")
        }
        Length::MonthEndAfterField { months, .. } => {
            format!("前の有効期限の{}年後の月末", months / 12)
        }
        Length::FirstOfNextMonth => "翌月の初日から".into(),
    }
}

struct RuleRow {
    event: &'static str,
    obligation: &'static str,
    period: String,
    meaning: &'static str,
    law: &'static str,
    source: &'static str,
}

struct ResultRow {
    obligation: &'static str,
    due: String,
    wareki: String,
    note: String,
    meaning: &'static str,
    law: &'static str,
    source: &'static str,
}

#[derive(Template)]
#[template(path = "seido.html")]
struct SeidoPage {
    layout: Layout,
    rules: Vec<RuleRow>,
    choices: Vec<(String, &'static str, bool)>,
    at: String,
    time: String,
    previous: String,
    results: Vec<ResultRow>,
    error: String,
}

/// The calculator's query.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeidoQuery {
    event: Option<String>,
    at: Option<String>,
    time: Option<String>,
    previous: Option<String>,
}

/// A choice's form value: the event code, and the first preset field's value when the same
/// code appears with different fields (`urgent_admission:specified_physician`).
fn choice_key(code: &str, fields: Preset) -> String {
    match fields.first() {
        Some((_, v)) if CHOICES.iter().filter(|(c, _, _)| *c == code).count() > 1 => {
            format!("{code}:{v}")
        }
        _ => code.to_owned(),
    }
}

fn choice_of(value: &str) -> Option<&'static (&'static str, &'static str, Preset)> {
    CHOICES.iter().find(|(c, _, f)| choice_key(c, f) == value)
}

async fn page(
    State(state): State<AppState>,
    query: Result<Query<SeidoQuery>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
        let chosen = q.event.as_deref().unwrap_or("");
        let mut results = Vec::new();
        let mut error = String::new();
        if let Some(at_text) = q.at.as_deref().filter(|a| !a.trim().is_empty()) {
            let at_text = match q.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => format!("{}T{t}", at_text.trim()),
                None => at_text.trim().to_owned(),
            };
            match choice_of(chosen) {
                None => error = "手続きを選んでください。".into(),
                Some((code, _, fields)) => match At::parse(&at_text) {
                    Err(_) => error =
                        "日付を YYYY-MM-DD で入力してください（存在する日付）。時刻は HH:MM です。"
                            .into(),
                    Ok(at) => {
                        let mut event = Event::new(code, at, fields);
                        if *code == "involuntary_admission" {
                            let agreed = (
                                "designated_physician".to_owned(),
                                "admission_needed".to_owned(),
                            );
                            event.examinations = vec![agreed.clone(), agreed];
                        }
                        if let Some(p) = q.previous.as_deref().filter(|p| !p.trim().is_empty()) {
                            if *code == "notebook_renewal_application_received" {
                                event
                                    .fields
                                    .push(("previous_expiry".into(), p.trim().to_owned()));
                            }
                        }
                        match obligations(&event) {
                            Ok(list) => {
                                results = list
                                    .into_iter()
                                    .map(|o| {
                                        let day = match o.due {
                                            Due::Date(d) => d,
                                            Due::DateTime(t) => t.date(),
                                        };
                                        ResultRow {
                                            obligation: o.obligation,
                                            due: match o.due {
                                                Due::Date(d) => d.to_string(),
                                                Due::DateTime(t) => {
                                                    t.format("%Y-%m-%d %H:%M").to_string()
                                                }
                                            },
                                            wareki: tsunagu_domain::wareki::format(day)
                                                .unwrap_or_default(),
                                            note: match (&o.closed_day, o.moved_from) {
                                                (Some(c), Some(from)) => format!(
                                                    "{from} が{c}のため、翌開庁日に延びます"
                                                ),
                                                (Some(c), None) => {
                                                    format!("{c}にあたります（延びません）")
                                                }
                                                _ => String::new(),
                                            },
                                            meaning: o.meaning,
                                            law: o.basis.law,
                                            source: o.basis.source,
                                        }
                                    })
                                    .collect();
                            }
                            Err(r) => error = r.message,
                        }
                    }
                },
            }
        }
        let page = SeidoPage {
            layout: Layout::of(&state),
            rules: RULES
                .iter()
                .map(|r| RuleRow {
                    event: r.event,
                    obligation: r.obligation,
                    period: period_text(r.length),
                    meaning: r.meaning,
                    law: r.basis.law,
                    source: r.basis.source,
                })
                .collect(),
            choices: CHOICES
                .iter()
                .map(|(code, label, fields)| {
                    let key = choice_key(code, fields);
                    let selected = key == chosen;
                    (key, *label, selected)
                })
                .collect(),
            at: q.at.unwrap_or_default().chars().take(10).collect(),
            time: q.time.unwrap_or_default().chars().take(5).collect(),
            previous: q.previous.unwrap_or_default().chars().take(10).collect(),
            results,
            error,
        };
        let status = if page.error.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok((status, render(&page)?).into_response())
    }
    .await;
    respond(&state, result)
}
