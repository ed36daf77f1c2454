//! The clinician's alcohol page for one person: screening, goal, the reduction pathway with
//! its schedule and sources, and the drinking diary with its chart, weekly and monthly
//! summaries and CSV export.
//!
//! Pathway events are `alcohol_pathway` records and diary lines are `drinking_diary` records,
//! stored through [`tsunagu_store::RecordStore`]: only under a consent covering that kind,
//! every read and write audited.

use crate::alcohol::panels::{diary_panels, SummaryRow, FHIR_JSON};
use crate::kit::error::{AppError, PageError, PageResult};
use crate::kit::form::{Id, Pairs, StaffForm};
use crate::kit::layout::Layout;
use crate::kit::render::{csv_download, json_download, render};
use crate::kit::session::{Me, StaffSession};
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use tsunagu_domain::alcohol::{
    pathway_view, AbstinenceCriterion, AuditAnswers, DiaryEntry, MilestoneState, PathwayEvent, Sex,
    StoredDrink, PRESETS, SMALL_STEP_CITE,
};
use tsunagu_domain::records::consent::RecordKind;
use tsunagu_domain::SubjectId;

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/subjects/{id}/alcohol", get(page))
        .route("/staff/subjects/{id}/alcohol/events", post(add_event))
        .route("/staff/subjects/{id}/alcohol/diary", post(add_drink))
        .route("/staff/subjects/{id}/alcohol/diary.csv", get(diary_csv))
        .route(
            "/staff/subjects/{id}/alcohol/audit-fhir.json",
            get(screening_fhir),
        )
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        ))
}

struct Loaded {
    events: Vec<PathwayEvent>,
    drinks: Vec<StoredDrink>,
}

async fn load(state: &AppState, s: &StaffSession, id: SubjectId) -> Result<Loaded, AppError> {
    let now = (state.clock)();
    let events = state
        .store
        .records_of_kind(&s.ctx, id, RecordKind::AlcoholPathway, now)
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_value::<PathwayEvent>(r.body).ok())
        .collect();
    let drinks = state
        .store
        .records_of_kind(&s.ctx, id, RecordKind::DrinkingDiary, now)
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_value::<StoredDrink>(r.body).ok())
        .collect();
    Ok(Loaded { events, drinks })
}

fn sex_of(events: &[PathwayEvent]) -> Option<Sex> {
    events.iter().rev().find_map(|e| match e {
        PathwayEvent::SexRecorded { sex, .. } => Some(*sex),
        _ => None,
    })
}

fn goal_of(events: &[PathwayEvent]) -> Option<f64> {
    let mut goals: Vec<(NaiveDate, f64)> = events
        .iter()
        .filter_map(|e| match e {
            PathwayEvent::DiaryGoal {
                date,
                grams_per_day,
            } => Some((*date, *grams_per_day)),
            _ => None,
        })
        .collect();
    goals.sort_by_key(|(d, _)| *d);
    goals.last().map(|(_, g)| *g)
}

fn entries(drinks: &[StoredDrink], today: NaiveDate) -> Vec<DiaryEntry> {
    drinks.iter().filter_map(|d| d.entry(today).ok()).collect()
}

struct Row {
    due: String,
    what: &'static str,
    state: &'static str,
    source: String,
}

struct PromptRow {
    text: String,
    source: String,
}

#[derive(Template)]
#[template(path = "alcohol/staff.html")]
struct AlcoholPage {
    layout: Layout,
    me: Me,
    id: i64,
    label: String,
    sex: &'static str,
    has_sex: bool,
    has_screening: bool,
    goal: String,
    schedule: Vec<Row>,
    prompts: Vec<PromptRow>,
    events: Vec<(String, String)>,
    chart: String,
    weeks: Vec<SummaryRow>,
    months: Vec<SummaryRow>,
    criteria: Vec<(&'static str, &'static str)>,
    icd10: Vec<(u8, &'static str, &'static str, String, String)>,
    presets: Vec<(&'static str, String)>,
    today: String,
    small_step_source: String,
    can_write: bool,
}

fn describe(e: &PathwayEvent) -> String {
    match e {
        PathwayEvent::Screening { answers, .. } => match AuditAnswers::parse(answers) {
            Ok(a) => format!(
                "AUDIT {} 点（{}）・AUDIT-C {} 点",
                a.total(),
                a.band().label,
                a.audit_c()
            ),
            Err(_) => "AUDIT（読み取れない回答）".into(),
        },
        PathwayEvent::GoalChosen {
            criteria,
            abstinence_consent,
            ..
        } => format!(
            "目標の選択: 断酒の基準 {}／断酒への同意 {}",
            if criteria.is_empty() {
                "該当なし".to_owned()
            } else {
                criteria
                    .iter()
                    .filter_map(|c| AbstinenceCriterion::parse(c).ok())
                    .map(AbstinenceCriterion::label_ja)
                    .collect::<Vec<_>>()
                    .join("・")
            },
            if *abstinence_consent {
                "あり"
            } else {
                "なし"
            }
        ),
        PathwayEvent::TreatmentStarted { .. } => "薬剤による減酒治療を開始".into(),
        PathwayEvent::Evaluation {
            average_grams_per_day,
            effective,
            marked_improvement,
            ..
        } => format!(
            "効果判定: 3か月平均 {average_grams_per_day:.1} g/日・効果{}{}",
            if *effective { "あり" } else { "なし" },
            if *marked_improvement {
                "・問題の顕著な改善あり"
            } else {
                ""
            }
        ),
        PathwayEvent::DrugStopped { next, .. } => {
            format!("薬剤投与を中止（次の治療: 選択肢 {next}）")
        }
        PathwayEvent::FollowUp {
            average_grams_per_day,
            ..
        } => format!("中止後の経過: {average_grams_per_day:.1} g/日"),
        PathwayEvent::ReferralRefused { .. } => "専門医療機関への紹介を拒否".into(),
        PathwayEvent::SexRecorded { sex, .. } => format!(
            "性別: {}",
            if *sex == Sex::Male {
                "男性"
            } else {
                "女性"
            }
        ),
        PathwayEvent::Icd10Assessed {
            met,
            together_or_repeated,
            ..
        } => {
            let mut flags = [false; 6];
            for &n in met {
                if (1..=6).contains(&n) {
                    flags[usize::from(n - 1)] = true;
                }
            }
            let a = tsunagu_domain::alcohol::icd10_assess(flags, *together_or_repeated);
            format!(
                "ICD-10: {} 項目該当（{}）→ {}",
                a.met,
                met.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("・"),
                if a.dependence {
                    "依存症の診断基準を満たす"
                } else {
                    "診断基準を満たさない"
                }
            )
        }
        PathwayEvent::DoseChanged { mg, .. } => format!("薬剤の用量を {mg} mg に変更"),
        PathwayEvent::DiaryGoal { grams_per_day, .. } => {
            format!("飲酒量の目標（スモールステップ）: {grams_per_day:.0} g/日")
        }
    }
}

async fn page(State(state): State<AppState>, s: StaffSession, Id(id): Id<SubjectId>) -> PageResult {
    let file = state
        .store
        .subject_file(&s.ctx, id, (state.clock)())
        .await?;
    let loaded = load(&state, &s, id).await?;
    let today = state.today_jst();
    let sex = sex_of(&loaded.events);
    let view = pathway_view(&loaded.events, sex.unwrap_or(Sex::Female), today);
    let diary = entries(&loaded.drinks, today);
    let goal = goal_of(&loaded.events);
    let (chart, weeks, months) = match sex {
        Some(sex) => diary_panels(&diary, sex, today, goal)?,
        None => (String::new(), Vec::new(), Vec::new()),
    };
    let mut events: Vec<&PathwayEvent> = loaded.events.iter().collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.date()));
    let page = AlcoholPage {
        layout: Layout::of(&state),
        id: id.0,
        label: file.subject.label,
        sex: match sex {
            Some(Sex::Male) => "男性",
            Some(Sex::Female) => "女性",
            None => "未記録",
        },
        has_sex: sex.is_some(),
        has_screening: loaded
            .events
            .iter()
            .any(|e| matches!(e, PathwayEvent::Screening { .. })),
        goal: goal
            .map(|g| format!("{g:.0} g/日"))
            .unwrap_or_else(|| "未設定".into()),
        schedule: view
            .schedule
            .iter()
            .map(|m| Row {
                due: m.milestone.due.to_string(),
                what: m.milestone.what,
                state: match m.state {
                    MilestoneState::Done => "記録済み",
                    MilestoneState::DueSoon => "2週間以内",
                    MilestoneState::Overdue => "期限超過",
                    MilestoneState::Upcoming => "予定",
                },
                source: format!("{} {}", m.milestone.cite.section, m.milestone.cite.source()),
            })
            .collect(),
        prompts: view
            .prompts
            .iter()
            .map(|p| PromptRow {
                text: p.text.clone(),
                source: format!("{} {}", p.cite.section, p.cite.source()),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| (e.date().to_string(), describe(e)))
            .collect(),
        chart,
        weeks,
        months,
        criteria: AbstinenceCriterion::ALL
            .iter()
            .map(|c| (c.code(), c.label_ja()))
            .collect(),
        icd10: tsunagu_domain::alcohol::ICD10_CRITERIA
            .iter()
            .map(|c| {
                (
                    c.number,
                    c.name,
                    c.meaning,
                    c.examples.join("、"),
                    c.cite.source(),
                )
            })
            .collect(),
        presets: PRESETS
            .iter()
            .map(|p| (p.code, format!("{}（{}%・{}）", p.name, p.abv, p.serving)))
            .collect(),
        today: today.to_string(),
        small_step_source: SMALL_STEP_CITE.source(),
        can_write: s
            .ctx
            .role
            .allows(tsunagu_domain::records::access::Permission::WriteRecords),
        me: Me::of(&s),
    };
    Ok(render(&page)?.into_response())
}

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// Builds an event from the form's pairs.
fn event_from(pairs: &Pairs) -> Result<PathwayEvent, AppError> {
    let get = |k: &str| pairs.get(k);
    let date = NaiveDate::parse_from_str(get("date"), "%Y-%m-%d")
        .map_err(|_| bad("日付を YYYY-MM-DD で入力してください"))?;
    let grams = |k: &str| {
        get(k)
            .parse::<f64>()
            .map_err(|_| bad("1日あたりの平均量（g）を数字で入力してください"))
    };
    Ok(match get("event") {
        "screening" => PathwayEvent::Screening {
            date,
            answers: (1..=10)
                .map(|i| get(&format!("q{i}")).parse::<u8>())
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| bad("AUDIT の10問すべてに答えてください"))?,
        },
        "goal_chosen" => PathwayEvent::GoalChosen {
            date,
            criteria: pairs.all("criteria").map(str::to_owned).collect(),
            abstinence_consent: get("abstinence_consent") == "yes",
        },
        "treatment_started" => PathwayEvent::TreatmentStarted { date },
        "evaluation" => PathwayEvent::Evaluation {
            date,
            average_grams_per_day: grams("grams")?,
            effective: get("effective") == "yes",
            marked_improvement: get("marked_improvement") == "yes",
        },
        "drug_stopped" => PathwayEvent::DrugStopped {
            date,
            next: get("next")
                .parse()
                .map_err(|_| bad("次の治療を選んでください"))?,
        },
        "follow_up" => PathwayEvent::FollowUp {
            date,
            average_grams_per_day: grams("grams")?,
        },
        "referral_refused" => PathwayEvent::ReferralRefused { date },
        "icd10_assessed" => PathwayEvent::Icd10Assessed {
            date,
            met: pairs
                .all("met")
                .map(|v| v.trim().parse::<u8>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| bad("met: 基準の番号が正しくありません"))?,
            together_or_repeated: get("together_or_repeated") == "yes",
        },
        "dose_changed" => PathwayEvent::DoseChanged {
            date,
            mg: get("mg")
                .parse()
                .map_err(|_| bad("mg: 用量を数字で入力してください"))?,
        },
        "sex_recorded" => PathwayEvent::SexRecorded {
            date,
            sex: get("sex").parse().map_err(bad)?,
        },
        "diary_goal" => PathwayEvent::DiaryGoal {
            date,
            grams_per_day: grams("grams")?,
        },
        other => return Err(bad(format!("unknown event {other:?}"))),
    })
}

/// Stores one pathway event or diary line as a record of `kind` and returns to the page.
async fn store_and_return(
    state: &AppState,
    s: &StaffSession,
    id: SubjectId,
    kind: RecordKind,
    value: &impl serde::Serialize,
) -> Result<Response, AppError> {
    let body = serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))?;
    s.add_record(state, id, kind, &body).await?;
    Ok(Redirect::to(&format!("/staff/subjects/{id}/alcohol")).into_response())
}

async fn add_event(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    StaffForm(pairs): StaffForm<Pairs>,
) -> PageResult {
    let event = event_from(&pairs)?;
    event.check(state.today_jst()).map_err(bad)?;
    store_and_return(&state, &s, id, RecordKind::AlcoholPathway, &event)
        .await
        .map_err(PageError)
}

async fn add_drink(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    StaffForm(pairs): StaffForm<Pairs>,
) -> PageResult {
    let get = |k: &str| pairs.get(k);
    let date = NaiveDate::parse_from_str(get("date"), "%Y-%m-%d")
        .map_err(|_| bad("date: 日付を YYYY-MM-DD で入力してください"))?;
    let count: u32 = get("count")
        .parse()
        .map_err(|_| bad("count: 杯数を数字で入力してください"))?;
    let (ml, abv, label) = match PRESETS.iter().find(|p| p.code == get("drink")) {
        Some(p) => (p.ml, p.abv, p.name.to_owned()),
        None if get("drink") == "custom" => (
            get("ml")
                .parse::<f64>()
                .map_err(|_| bad("ml: 量を数字で入力してください"))?,
            get("abv")
                .parse::<f64>()
                .map_err(|_| bad("abv: 度数を数字で入力してください"))?,
            "その他".to_owned(),
        ),
        None => return Err(PageError(bad("drink: お酒の種類を選んでください"))),
    };
    let stored = StoredDrink {
        date,
        ml,
        abv,
        count,
        label,
    };
    stored.entry(state.today_jst()).map_err(bad)?;
    store_and_return(&state, &s, id, RecordKind::DrinkingDiary, &stored)
        .await
        .map_err(PageError)
}

async fn diary_csv(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
) -> PageResult {
    let loaded = load(&state, &s, id).await?;
    let mut drinks = loaded.drinks.clone();
    drinks.sort_by_key(|d| d.date);
    let text = tsunagu_domain::alcohol::diary_csv(&drinks)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(csv_download(&format!("drinking-diary-{id}.csv"), &text))
}

/// The latest stored AUDIT screening as a FHIR R4 Bundle (`?form=audit-c` for AUDIT-C).
async fn screening_fhir(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    query: Result<
        axum::extract::Query<std::collections::HashMap<String, String>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> PageResult {
    let requested = query
        .map(|q| q.0.get("form").cloned())
        .map_err(|e| bad(e.body_text()))?;
    let form = match requested.as_deref() {
        None => tsunagu_domain::alcohol::fhir::Form::Audit,
        Some(other) => tsunagu_domain::alcohol::fhir::Form::parse(other)
            .ok_or_else(|| bad(format!("form: {other:?} is not audit or audit-c")))?,
    };
    let loaded = load(&state, &s, id).await?;
    let latest = loaded
        .events
        .iter()
        .filter_map(|e| match e {
            PathwayEvent::Screening { date, answers } => Some((*date, answers)),
            _ => None,
        })
        .max_by_key(|(d, _)| *d)
        .ok_or_else(|| AppError::NotFound("screening".into()))?;
    let answers = AuditAnswers::parse(latest.1).map_err(bad)?;
    // The screening day at 0:00 JST.
    let at = tsunagu_domain::common::calendar::jst_day_start(latest.0);
    let bundle = tsunagu_domain::alcohol::fhir::bundle(form, &answers, at);
    Ok(json_download(
        FHIR_JSON,
        &format!("audit-{id}.json"),
        &bundle,
    )?)
}
