//! Staff deadlines: the organisation's dashboard (overdue / within 7 days / later), one
//! person's case page where procedure events are entered and obligations marked done, and an
//! iCalendar (RFC 5545) file of the open obligations.
//!
//! A case event is a `case` record, stored only under a consent that covers cases; the engine
//! ([`tsunagu_domain::law::deadlines`]) computes its obligations when it is entered, and an unlawful
//! event is refused with the rule it breaks, so nothing is stored. Every page is audited by
//! the store.

use crate::kit::error::{AppError, PageError, PageResult};
use crate::kit::form::{Id, Pairs, StaffForm};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::session::{Me, StaffSession};
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use icalendar::{Calendar, Class, Component, EventLike};
use tsunagu_domain::law::deadlines::{
    event_label_ja, findings, obligations, Due, Event, EVENT_LABELS, EVENT_TYPES,
};
use tsunagu_domain::SubjectId;
use tsunagu_store::law::store::{DueItem, NewObligation};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/deadlines", get(dashboard))
        .route("/staff/subjects/{id}/deadlines", get(case_page))
        .route("/staff/subjects/{id}/deadlines/events", post(add_event))
        .route(
            "/staff/subjects/{id}/deadlines/{obligation}/done",
            post(complete),
        )
        .route("/staff/subjects/{id}/deadlines.ics", get(ical))
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// How many obligations each dashboard section lists.
const DASHBOARD_LIMIT: i64 = 200;

/// One obligation as shown.
struct Row {
    id: i64,
    subject_id: i64,
    subject_label: String,
    due: String,
    wareki: String,
    meaning: String,
    law: String,
    source: String,
    done: bool,
    overdue: bool,
}

fn row(i: &DueItem, now: chrono::DateTime<chrono::Utc>) -> Row {
    let day = i.due.get(..10).unwrap_or(&i.due);
    let wareki = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(tsunagu_domain::common::wareki::format)
        .unwrap_or_default();
    Row {
        id: i.id,
        subject_id: i.subject_id.0,
        subject_label: i.subject_label.clone(),
        due: i.due.replace('T', " "),
        wareki,
        meaning: i.meaning.clone(),
        law: i.law.clone(),
        source: i.source.clone(),
        done: i.done_at.is_some(),
        overdue: i.done_at.is_none() && i.due_at <= now,
    }
}

struct Section {
    title: String,
    id: &'static str,
    rows: Vec<Row>,
    more: i64,
}

#[derive(Template)]
#[template(path = "law/staff_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    me: Me,
    now: String,
    sections: Vec<Section>,
    can_write: bool,
}

async fn dashboard(State(state): State<AppState>, s: StaffSession) -> PageResult {
    let now = (state.clock)();
    let list = state.store.due_list(&s.ctx, DASHBOARD_LIMIT, now).await?;
    let section = |title: &str, id, v: &[DueItem], total: Option<i64>| Section {
        title: match total {
            Some(t) => format!("{title}（{t} 件）"),
            None => title.to_owned(),
        },
        id,
        rows: v.iter().map(|i| row(i, now)).collect(),
        more: total.map_or(0, |t| (t - v.len() as i64).max(0)),
    };
    render(&DashboardPage {
        layout: Layout::of(&state),
        me: Me::of(&s),
        now: crate::kit::render::jst(now),
        sections: vec![
            section(
                "期限切れ",
                "overdue",
                &list.overdue,
                Some(list.overdue_total),
            ),
            section(
                "7日以内",
                "within-7-days",
                &list.within_7_days,
                Some(list.within_7_days_total),
            ),
            section("それ以降", "later", &list.later, None),
        ],
        can_write: s
            .ctx
            .role
            .allows(tsunagu_domain::records::access::Permission::WriteRecords),
    })
    .map(IntoResponse::into_response)
    .map_err(PageError)
}

/// A recorded procedure, with what the engine found besides dates.
struct EventRow {
    at: String,
    what: &'static str,
    by: String,
    findings: Vec<String>,
}

#[derive(Template)]
#[template(path = "law/staff_case.html")]
struct CasePage {
    layout: Layout,
    me: Me,
    id: i64,
    label: String,
    open: Vec<Row>,
    done: Vec<Row>,
    events: Vec<EventRow>,
    choices: Vec<(&'static str, &'static str)>,
    can_write: bool,
}

async fn case_page(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
) -> PageResult {
    let now = (state.clock)();
    let file = state.store.subject_file(&s.ctx, id, now).await?;
    let items = state.store.case_deadlines(&s.ctx, id, now).await?;
    let events = state
        .store
        .records_of_kind(
            &s.ctx,
            id,
            tsunagu_domain::records::consent::RecordKind::Case,
            now,
        )
        .await?
        .into_iter()
        .map(|r| EventRow {
            at: r.body["at"].as_str().unwrap_or_default().replace('T', " "),
            what: event_label_ja(r.body["type"].as_str().unwrap_or_default()),
            by: r.created_by.clone(),
            findings: Event::from_json(&r.body)
                .ok()
                .and_then(|e| findings(&e).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|f| format!("{}（{} {}）", f.meaning, f.basis.law, f.basis.source))
                .collect(),
        })
        .collect();
    let (done, open): (Vec<Row>, Vec<Row>) =
        items.iter().map(|i| row(i, now)).partition(|r| r.done);
    render(&CasePage {
        layout: Layout::of(&state),
        me: Me::of(&s),
        id: id.0,
        label: file.subject.label,
        open,
        done,
        events,
        choices: EVENT_LABELS.to_vec(),
        can_write: s
            .ctx
            .role
            .allows(tsunagu_domain::records::access::Permission::WriteRecords),
    })
    .map(IntoResponse::into_response)
    .map_err(PageError)
}

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// The event JSON from the form: the type, the day (and time), and only the fields that type
/// takes, so an unrelated leftover field never reaches the engine.
fn event_json(pairs: &Pairs) -> Result<serde_json::Value, AppError> {
    let kind = pairs.get("event");
    let Some((_, required, optional)) = EVENT_TYPES.iter().find(|(k, _, _)| *k == kind) else {
        return Err(bad("手続きを選んでください"));
    };
    let date = pairs.get("date");
    if date.is_empty() {
        return Err(bad("日付を入力してください"));
    }
    let at = match pairs.opt("time").filter(|t| !t.is_empty()) {
        Some(t) => format!("{date}T{t}"),
        None => date.to_owned(),
    };
    let mut o = serde_json::Map::new();
    o.insert("type".into(), kind.into());
    o.insert("at".into(), at.into());
    for f in required.iter().chain(optional.iter()) {
        if *f == "examinations" {
            let exams: Vec<serde_json::Value> = (1..=3)
                .filter_map(|n| {
                    let by = pairs.get(&format!("exam{n}_by"));
                    let finding = pairs.get(&format!("exam{n}_finding"));
                    (!by.is_empty() && !finding.is_empty())
                        .then(|| serde_json::json!({ "by": by, "finding": finding }))
                })
                .collect();
            o.insert("examinations".into(), exams.into());
        } else if let Some(v) = pairs.opt(f).filter(|v| !v.trim().is_empty()) {
            o.insert((*f).to_owned(), v.trim().into());
        }
    }
    Ok(serde_json::Value::Object(o))
}

async fn add_event(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    StaffForm(pairs): StaffForm<Pairs>,
) -> PageResult {
    let json = event_json(&pairs)?;
    let event = Event::from_json(&json).map_err(|r| bad(r.message))?;
    let derived = obligations(&event).map_err(|r| {
        bad(match r.basis {
            Some(b) => format!(
                "{}（規則 {}・根拠 {} {}）",
                r.message, r.rule, b.law, b.source
            ),
            None => format!("{}（{}）", r.message, r.rule),
        })
    })?;
    let list: Vec<NewObligation> = derived
        .iter()
        .map(|o| NewObligation {
            obligation: o.obligation.to_owned(),
            due: o.due.text(),
            due_at: o.due.overdue_at(),
            law: o.basis.law.to_owned(),
            source: o.basis.source.to_owned(),
            meaning: match o.closed_day_note() {
                Some(n) => format!("{}（{n}）", o.meaning),
                None => o.meaning.to_owned(),
            },
        })
        .collect();
    state
        .store
        .add_case_event(
            &s.ctx,
            id,
            &event.to_json(),
            &list,
            &state.config.retention,
            (state.clock)(),
        )
        .await?;
    Ok(Redirect::to(&format!("/staff/subjects/{}/deadlines", id.0)).into_response())
}

async fn complete(
    State(state): State<AppState>,
    s: StaffSession,
    path: Result<Path<(i64, i64)>, PathRejection>,
    StaffForm(pairs): StaffForm<Pairs>,
) -> PageResult {
    let Ok(Path((subject, obligation))) = path else {
        return Err(AppError::NotFound("obligation".into()).into());
    };
    state
        .store
        .complete_obligation(&s.ctx, SubjectId(subject), obligation, (state.clock)())
        .await?;
    let back = match pairs.opt("back") {
        Some("dashboard") => "/staff/deadlines".to_owned(),
        _ => format!("/staff/subjects/{subject}/deadlines"),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The open obligations as an iCalendar file: a day's deadline is an all-day event, an hour
/// deadline an event at that moment. The file carries the file's label (a pseudonym by
/// policy), each obligation's meaning and basis, and `CLASS:CONFIDENTIAL`; nothing else
/// about the person.
fn calendar(label: &str, items: &[DueItem], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name(&format!("tsunagu 期限 — {label}"));
    for i in items.iter().filter(|i| i.done_at.is_none()) {
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("tsunagu-obligation-{}@tsunagu", i.id))
            .timestamp(now)
            .summary(&format!(
                "{}（{label}）",
                i.meaning.split('。').next().unwrap_or(&i.meaning)
            ))
            .description(&format!("{}\n根拠: {}（{}）", i.meaning, i.law, i.source))
            .class(Class::Confidential);
        match Due::parse_text(&i.due) {
            Some(Due::Date(d)) => {
                ev.all_day(d);
            }
            _ => {
                ev.starts(i.due_at).ends(i.due_at);
            }
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

async fn ical(State(state): State<AppState>, s: StaffSession, Id(id): Id<SubjectId>) -> PageResult {
    let now = (state.clock)();
    let file = state.store.subject_file(&s.ctx, id, now).await?;
    let items = state.store.case_deadlines(&s.ctx, id, now).await?;
    let body = calendar(&file.subject.label, &items, now);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tsunagu-deadlines-{}.ics\"", id.0),
            ),
        ],
        body,
    )
        .into_response())
}
