//! 制度ナビ: the procedures' periods with their legal basis, and a calculator
//! (「手帳の更新はいつから？」). Public and stateless: the calculator is a GET form and nothing
//! is stored. `/seido/jiritsu` gives the 自立支援医療 income category, its monthly cap with each
//! step's basis, and the month's cap ledger for visits typed in.

use crate::kit::csrf::{anon_csrf, with_cookie};
use crate::kit::error::{AppError, PageResult};
use crate::kit::form::{Pairs, PublicForm};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tsunagu_domain::law::deadlines::{
    event_label_ja, findings, obligations, At, Due, Event, Length, RULES,
};
use tsunagu_domain::law::jiritsu::{
    categorise, ledger, Cap, Category, Household, Tax, Visit, ROUNDING_BASIS,
};
use tsunagu_domain::law::period::{FirstDay, Unit};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/seido", get(page))
        .route("/seido/jiritsu", get(copay_form).post(copay_submit))
}

/// Field values a calculator choice sets.
type Preset = &'static [(&'static str, &'static str)];

/// The calculator's choices: event code, what the choice adds to the event's label
/// ([`event_label_ja`], written once in the domain), and the extra fields it sets.
const CHOICES: &[(&str, &str, Preset)] = &[
    ("notebook_application_received", "", &[]),
    (
        "notebook_renewal_application_received",
        "（前の有効期限の入力が必要）",
        &[],
    ),
    ("notebook_grade_change_decided", "", &[]),
    (
        "notebook_holder_moved",
        "（同じ都道府県内）",
        &[("within_prefecture", "true")],
    ),
    (
        "outpatient_support_application_received",
        "（新規・精神通院）",
        &[],
    ),
    ("decision_notified", "（不服申立て）", &[]),
    ("support_category_change_decided", "", &[]),
    ("voluntary_admission", "", &[]),
    (
        "voluntary_discharge_hold",
        "・指定医の診察",
        &[("by", "designated_physician")],
    ),
    (
        "voluntary_discharge_hold",
        "・特定医師の診察",
        &[("by", "specified_physician")],
    ),
    (
        "involuntary_admission",
        "（2人以上の指定医の診察が一致）",
        &[],
    ),
    ("emergency_involuntary_admission", "", &[]),
    (
        "urgent_admission",
        "・指定医の診察",
        &[("by", "designated_physician")],
    ),
    (
        "urgent_admission",
        "・特定医師の診察",
        &[("by", "specified_physician")],
    ),
    (
        "medical_protection_admission",
        "（保護者の同意）",
        &[("consent_by", "guardian")],
    ),
    (
        "medical_protection_discharge",
        "（他の入院形態への移行を含む）",
        &[],
    ),
    ("outpatient_treatment_order", "", &[]),
    ("assessment_admission_order_executed", "（医療観察法）", &[]),
    ("inpatient_treatment_order", "", &[]),
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
        Length::MonthEndAfterField { months, .. } if months % 12 == 0 => {
            format!("前の有効期限の{}年後の月末", months / 12)
        }
        Length::MonthEndAfterField { months, .. } => format!("前の有効期限の{months}か月後の月末"),
        Length::FirstOfNextMonth => "翌月の初日から".into(),
        Length::AtEvent => "そのとき（措置を採るときに）".into(),
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
#[template(path = "law/seido.html")]
struct SeidoPage {
    layout: Layout,
    rules: Vec<RuleRow>,
    choices: Vec<(String, String, bool)>,
    at: String,
    time: String,
    previous: String,
    results: Vec<ResultRow>,
    notes: Vec<String>,
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
) -> PageResult {
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let chosen = q.event.as_deref().unwrap_or("");
    let mut results = Vec::new();
    let mut error = String::new();
    let mut notes: Vec<String> = Vec::new();
    if let Some(at_text) = q.at.as_deref().filter(|a| !a.trim().is_empty()) {
        let at_text = match q.time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => format!("{}T{t}", at_text.trim()),
            None => at_text.trim().to_owned(),
        };
        match choice_of(chosen) {
            None => error = "手続きを選んでください。".into(),
            Some((code, _, fields)) => {
                match At::parse(&at_text) {
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
                        notes = findings(&event)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|f| format!("{}（{} {}）", f.meaning, f.basis.law, f.basis.source))
                            .collect();
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
                                            wareki: tsunagu_domain::common::wareki::format(day)
                                                .unwrap_or_default(),
                                            note: o.closed_day_note().unwrap_or_default(),
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
                }
            }
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
            .map(|(code, qualifier, fields)| {
                let key = choice_key(code, fields);
                let selected = key == chosen;
                (
                    key,
                    format!("{}{qualifier}", event_label_ja(code)),
                    selected,
                )
            })
            .collect(),
        at: q.at.unwrap_or_default().chars().take(10).collect(),
        time: q.time.unwrap_or_default().chars().take(5).collect(),
        previous: q.previous.unwrap_or_default().chars().take(10).collect(),
        results,
        notes,
        error,
    };
    let status = if page.error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}

// --- 自立支援医療: the income category, its cap and the month's ledger ----------------------

struct LedgerRow {
    date: String,
    cost: u64,
    tenth: u64,
    copay: u64,
    total: u64,
    reached: bool,
}

#[derive(Template)]
#[template(path = "law/jiritsu.html")]
struct CopayPage {
    layout: Layout,
    q: CopayEcho,
    category: String,
    cap: String,
    reasons: Vec<(String, &'static str, &'static str)>,
    ledger: Vec<LedgerRow>,
    rounding: &'static str,
    error: String,
    csrf: String,
}

/// The form's values as typed, shown back.
#[derive(Default)]
struct CopayEcho {
    tax: String,
    welfare: bool,
    uninsured: bool,
    severe: bool,
    total_income: String,
    public_pension: String,
    other_benefits: String,
    income_levy_total: String,
    levy_below_200k: bool,
    treated: String,
    visits: String,
}

fn yen<T: std::str::FromStr>(name: &str, v: &str) -> Result<Option<T>, String> {
    let v = v.trim().replace([',', '，'], "");
    if v.is_empty() {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| format!("{name}は円の整数で入力してください。"))
}

fn household_of(e: &CopayEcho) -> Result<Household, String> {
    let tax = match e.tax.as_str() {
        "unknown" => Tax::Unknown,
        "not_filed" => Tax::NotFiled,
        "non_taxable" => Tax::NonTaxable,
        "taxed" => Tax::Taxed,
        _ => return Err("世帯の市町村民税の状況を選んでください。".into()),
    };
    Ok(Household {
        welfare: e.welfare,
        uninsured_without_reason: e.uninsured,
        tax,
        total_income: yen("本人の合計所得", &e.total_income)?,
        public_pension: yen("本人の公的年金等の収入", &e.public_pension)?,
        other_benefits: yen("その他の給付", &e.other_benefits)?,
        income_levy_total: yen("世帯の所得割の合計", &e.income_levy_total)?,
        income_levy_below_200k: e.levy_below_200k,
        severe_continuing: e.severe,
        treated_as_non_taxable: match e.treated.as_str() {
            "" => None,
            "low_2" => Some(Category::Low2),
            "low_1" => Some(Category::Low1),
            _ => return Err("非課税とみなす扱いの選択が正しくありません。".into()),
        },
    })
}

/// Visits typed one per line as `YYYY-MM-DD 医療費` (a comma or space between).
fn visits_of(text: &str) -> Result<Vec<Visit>, String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 200 {
        return Err("受診は200件まで入力できます。".into());
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut parts = l
                .split([',', ' ', '\t', '，', '　'])
                .filter(|p| !p.is_empty());
            let (Some(d), Some(c), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!(
                    "受診 {} 行目: 「2026-11-05 12000」の形で入力してください。",
                    i + 1
                ));
            };
            let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("受診 {} 行目: 日付 {d} が正しくありません。", i + 1))?;
            let cost = yen::<u64>("医療費", c)
                .map_err(|e| format!("受診 {} 行目: {e}", i + 1))?
                .unwrap_or(0);
            Ok(Visit { date, cost })
        })
        .collect()
}

fn empty_copay_page(state: &AppState, csrf: String) -> CopayPage {
    CopayPage {
        layout: Layout::of(state),
        q: CopayEcho::default(),
        category: String::new(),
        cap: String::new(),
        reasons: Vec::new(),
        ledger: Vec::new(),
        rounding: ROUNDING_BASIS.source,
        error: String::new(),
        csrf,
    }
}

async fn copay_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = empty_copay_page(&state, csrf);
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

/// Computes the category (a POST, like the other self-checks, so that income figures never
/// sit in a URL or an access log; nothing is stored).
async fn copay_submit(
    State(state): State<AppState>,
    PublicForm(pairs): PublicForm<Pairs>,
) -> PageResult {
    let clip = |k: &str, n: usize| pairs.get(k).chars().take(n).collect::<String>();
    let on = |k: &str| !pairs.get(k).is_empty();
    let echo = CopayEcho {
        welfare: on("welfare"),
        uninsured: on("uninsured"),
        severe: on("severe"),
        levy_below_200k: on("levy_below_200k"),
        tax: clip("tax", 20),
        total_income: clip("total_income", 20),
        public_pension: clip("public_pension", 20),
        other_benefits: clip("other_benefits", 20),
        income_levy_total: clip("income_levy_total", 20),
        treated: clip("treated", 10),
        visits: clip("visits", 8000),
    };
    let mut page = empty_copay_page(&state, pairs.get("csrf").to_owned());
    let outcome = household_of(&echo).and_then(|h| {
        let a = categorise(&h).map_err(|e| e.to_string())?;
        let visits = visits_of(&echo.visits)?;
        let lines = if visits.is_empty() {
            Vec::new()
        } else {
            ledger(a.cap, &visits).map_err(|_| {
                "この所得区分は自立支援医療の対象外のため、上限額の管理はありません。".to_owned()
            })?
        };
        Ok((a, lines))
    });
    match outcome {
        Ok((a, lines)) => {
            page.category = a.category.label_ja().to_owned();
            page.cap = match a.cap {
                Cap::Yen(y) => format!("月 {y} 円"),
                Cap::NoCap => "上限なし（医療費の1割）".into(),
                Cap::NotCovered => "自立支援医療の対象外".into(),
            };
            page.reasons = a
                .reasons
                .into_iter()
                .map(|r| (r.text, r.basis.law, r.basis.source))
                .collect();
            page.ledger = lines
                .into_iter()
                .map(|l| LedgerRow {
                    date: l.date.to_string(),
                    cost: l.cost,
                    tenth: l.tenth,
                    copay: l.copay,
                    total: l.month_total,
                    reached: l.cap_reached,
                })
                .collect();
        }
        Err(e) => page.error = e,
    }
    page.q = echo;
    let status = if page.error.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)?).into_response())
}
