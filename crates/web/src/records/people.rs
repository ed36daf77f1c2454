//! People's files under `/staff`: the list of files, a person's file with its consents and
//! records, adding consent and records, withdrawing consent, one record and who viewed it, and
//! the subject-access export.
//!
//! Every handler takes a [`crate::kit::session::StaffSession`] (and, for forms, a `StaffForm`,
//! which checks the origin and the session's CSRF token), so none of them checks sign-in by
//! hand. All reading and writing of personal data goes through the store's record traits,
//! which check the role and the organisation and write the audit entry.
use crate::kit::csrf::CsrfOnly;
use crate::kit::error::{AppError, PageError, PageResult};
use crate::kit::form::{CsrfField, Id, Pairs, StaffForm};
use crate::kit::session::{Me, StaffSession};
use serde::Deserialize;

use crate::kit::layout::Layout;
use crate::kit::render::{json_download, jst, render};
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use tsunagu_domain::records::access::Permission;
use tsunagu_domain::records::audit_trail::AuditEntry;
use tsunagu_domain::records::consent::{ConsentGiver, ConsentScope, NewConsent, RecordKind};
use tsunagu_domain::{ConsentId, RecordId, SubjectId};

/// Staff routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(home))
        .route("/staff/subjects", post(create_subject))
        .route("/staff/subjects/{id}", get(subject_page))
        .route("/staff/subjects/{id}/consents", post(add_consent))
        .route("/staff/subjects/{id}/records", post(add_record))
        .route("/staff/subjects/{id}/export", get(export_subject))
        .route("/staff/consents/{id}/withdraw", post(withdraw_consent))
        .route("/staff/records/{id}", get(record_page))
        .route("/staff/records/{id}/access", get(access_page))
}

// --- sign-in ------------------------------------------------------------------------------

// --- people and records -------------------------------------------------------------------

struct SubjectRow {
    id: i64,
    label: String,
    created_at: String,
    created_by: String,
}

#[derive(Template)]
#[template(path = "records/home.html")]
struct HomePage {
    layout: Layout,
    me: Me,
    can_read: bool,
    can_write: bool,
    subjects: Vec<SubjectRow>,
    /// Failed sign-in attempts on this account since its previous sign-in, if any.
    failed: Option<FailedNotice>,
}

/// What the owner is told of failed attempts on the account (OWASP ASVS 2.2.3 asks that users
/// learn of them), once signed in.
struct FailedNotice {
    count: u32,
    last_at: String,
    last_from: String,
}

async fn home(State(state): State<AppState>, s: StaffSession) -> PageResult {
    let can_read = s.ctx.role.allows(Permission::ReadRecords);
    let subjects = if can_read {
        state.store.list_subjects(&s.ctx, (state.clock)()).await?
    } else {
        Vec::new()
    };
    let failed = state.store.failures_before_last_sign_in(s.ctx.id).await?;
    let page = HomePage {
        failed: (failed.count > 0).then(|| FailedNotice {
            count: failed.count,
            last_at: failed.last_at.map(jst).unwrap_or_default(),
            last_from: failed.last_from.unwrap_or_default(),
        }),
        layout: Layout::of(&state),
        can_read,
        can_write: s.ctx.role.allows(Permission::WriteRecords),
        subjects: subjects
            .into_iter()
            .map(|x| SubjectRow {
                id: x.id.0,
                label: x.label,
                created_at: jst(x.created_at),
                created_by: x.created_by,
            })
            .collect(),
        me: Me::of(&s),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
struct SubjectForm {
    label: Option<String>,
    csrf: Option<String>,
}

async fn create_subject(
    State(state): State<AppState>,
    s: StaffSession,
    StaffForm(f): StaffForm<SubjectForm>,
) -> PageResult {
    let subject = state
        .store
        .create_subject(&s.ctx, f.label.as_deref().unwrap_or(""), (state.clock)())
        .await?;
    Ok(Redirect::to(&format!("/staff/subjects/{}", subject.id)).into_response())
}

struct ConsentRow {
    id: i64,
    purpose: String,
    scope: String,
    given_by: String,
    given_at: String,
    recorded_by: String,
    withdrawn_at: String,
    active: bool,
}

struct RecordRow {
    id: i64,
    kind: &'static str,
    created_at: String,
    created_by: String,
    usable: bool,
}

#[derive(Template)]
#[template(path = "records/subject.html")]
struct SubjectPage {
    layout: Layout,
    me: Me,
    id: i64,
    label: String,
    created_at: String,
    consents: Vec<ConsentRow>,
    records: Vec<RecordRow>,
    kinds: Vec<(&'static str, &'static str)>,
    givers: Vec<(&'static str, &'static str)>,
    can_write: bool,
    can_consent: bool,
    can_export: bool,
    has_consent: bool,
}

async fn subject_page(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
) -> PageResult {
    let file = state
        .store
        .subject_file(&s.ctx, id, (state.clock)())
        .await?;
    let role = s.ctx.role;
    let page = SubjectPage {
        layout: Layout::of(&state),
        id: id.0,
        label: file.subject.label,
        created_at: jst(file.subject.created_at),
        has_consent: file.consents.iter().any(|c| c.active()),
        consents: file
            .consents
            .into_iter()
            .map(|c| ConsentRow {
                id: c.id.0,
                active: c.active(),
                purpose: c.purpose,
                scope: c
                    .scope
                    .kinds()
                    .map(RecordKind::label_ja)
                    .collect::<Vec<_>>()
                    .join("・"),
                given_by: match &c.giver_name {
                    Some(n) => format!("{}（{n}）", c.given_by.label_ja()),
                    None => c.given_by.label_ja().to_owned(),
                },
                given_at: jst(c.given_at),
                recorded_by: c.recorded_by,
                withdrawn_at: c.withdrawn_at.map(jst).unwrap_or_default(),
            })
            .collect(),
        records: file
            .records
            .into_iter()
            .map(|r| RecordRow {
                id: r.id.0,
                kind: r.kind.label_ja(),
                created_at: jst(r.created_at),
                created_by: r.created_by,
                usable: r.usable,
            })
            .collect(),
        kinds: RecordKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_ja()))
            .collect(),
        givers: ConsentGiver::ALL
            .iter()
            .map(|g| (g.code(), g.label_ja()))
            .collect(),
        can_write: role.allows(Permission::WriteRecords),
        can_consent: role.allows(Permission::RecordConsent),
        can_export: role.allows(Permission::ExportSubject),
        me: Me::of(&s),
    };
    Ok(render(&page)?.into_response())
}

/// The consent form. `scope` may repeat, so the form is read as pairs.
fn consent_from_pairs(
    pairs: &Pairs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NewConsent, AppError> {
    let get = |k: &str| pairs.opt(k);
    let kinds = pairs
        .all("scope")
        .map(|v| v.parse::<RecordKind>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let scope = ConsentScope::new(kinds).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let given_by: ConsentGiver = get("given_by").unwrap_or("").parse().map_err(
        |e: tsunagu_domain::common::codes::UnknownCode| AppError::BadRequest(e.to_string()),
    )?;
    let given_at = match get("given_on").map(str::trim).filter(|s| !s.is_empty()) {
        // A date typed in the form is a day in Japan; its start (0:00 JST) is stored.
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(tsunagu_domain::common::calendar::jst_day_start)
            .map_err(|_| AppError::BadRequest("同意日は YYYY-MM-DD で入力してください".into()))?,
        None => now,
    };
    NewConsent::parse(
        get("purpose").unwrap_or(""),
        scope,
        given_by,
        get("giver_name"),
        given_at,
        now,
    )
    .map_err(|e| AppError::BadRequest(e.to_string()))
}

async fn add_consent(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    StaffForm(pairs): StaffForm<Pairs>,
) -> PageResult {
    let now = (state.clock)();
    let consent = consent_from_pairs(&pairs, now)?;
    state
        .store
        .record_consent(&s.ctx, id, &consent, now)
        .await?;
    Ok(Redirect::to(&format!("/staff/subjects/{id}")).into_response())
}

async fn withdraw_consent(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<ConsentId>,
    StaffForm(_f): StaffForm<CsrfOnly>,
) -> PageResult {
    let c = state
        .store
        .withdraw_consent(&s.ctx, id, (state.clock)())
        .await?;
    Ok(Redirect::to(&format!("/staff/subjects/{}", c.subject_id)).into_response())
}

#[derive(Deserialize)]
struct RecordForm {
    kind: Option<String>,
    note: Option<String>,
    /// For a consultation: also make the referral plan and keep it with the record.
    plan: Option<String>,
    csrf: Option<String>,
}

/// Longest note typed into the record form, in characters.
const MAX_NOTE_CHARS: usize = 5000;

async fn add_record(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
    StaffForm(f): StaffForm<RecordForm>,
) -> PageResult {
    let kind: RecordKind = f.kind.as_deref().unwrap_or("").parse().map_err(
        |e: tsunagu_domain::common::codes::UnknownCode| AppError::BadRequest(e.to_string()),
    )?;
    let note = f.note.unwrap_or_default();
    let note = note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(PageError(AppError::BadRequest(format!(
            "記録の内容を1文字以上{MAX_NOTE_CHARS}文字以内で入力してください"
        ))));
    }
    let wants_plan = f.plan.as_deref().is_some_and(|p| !p.is_empty());
    let body = if wants_plan && kind == RecordKind::Consultation {
        // The plan as it was when the consultation was recorded (the directory and rules
        // may change later), kept under the same consent as the consultation.
        let plan = state
            .triage_plan(&tsunagu_domain::triage::Consultation {
                text: note.to_owned(),
                ..Default::default()
            })
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        serde_json::json!({
            "note": note,
            "plan": tsunagu_domain::triage::plan_text(&plan),
            "plan_json": tsunagu_domain::triage::plan_json(&plan),
        })
    } else {
        serde_json::json!({ "note": note })
    };
    let rec = s.add_record(&state, id, kind, &body).await?;
    Ok(Redirect::to(&format!("/staff/records/{}", rec.id)).into_response())
}

#[derive(Template)]
#[template(path = "records/record.html")]
struct RecordPage {
    layout: Layout,
    me: Me,
    id: i64,
    subject_id: i64,
    kind: &'static str,
    note: String,
    plan: String,
    created_at: String,
    created_by: String,
    retain_until: String,
    can_see_access: bool,
}

async fn record_page(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<RecordId>,
) -> PageResult {
    let r = state.store.record(&s.ctx, id, (state.clock)()).await?;
    let note = match r.body.get("note").and_then(|n| n.as_str()) {
        Some(n) => n.to_owned(),
        None => serde_json::to_string_pretty(&r.body).unwrap_or_default(),
    };
    let page = RecordPage {
        layout: Layout::of(&state),
        id: r.id.0,
        subject_id: r.subject_id.0,
        kind: r.kind.label_ja(),
        note,
        plan: r
            .body
            .get("plan")
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_owned(),
        created_at: jst(r.created_at),
        created_by: r.created_by,
        retain_until: jst(r.retain_until),
        can_see_access: s.ctx.role.allows(Permission::ViewAccessLog),
        me: Me::of(&s),
    };
    Ok(render(&page)?.into_response())
}

struct AccessRow {
    at: String,
    actor: String,
    action: &'static str,
    remote: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "records/access.html")]
struct AccessPage {
    layout: Layout,
    me: Me,
    id: i64,
    rows: Vec<AccessRow>,
}

fn access_row(e: AuditEntry) -> AccessRow {
    AccessRow {
        at: jst(e.event.at),
        actor: e.event.actor,
        action: e.event.action.label_ja(),
        remote: e.event.remote,
        detail: e.event.detail,
    }
}

async fn access_page(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<RecordId>,
) -> PageResult {
    let log = state
        .store
        .record_access_log(&s.ctx, id, (state.clock)())
        .await?;
    let page = AccessPage {
        layout: Layout::of(&state),
        id: id.0,
        rows: log.into_iter().map(access_row).collect(),
        me: Me::of(&s),
    };
    Ok(render(&page)?.into_response())
}

async fn export_subject(
    State(state): State<AppState>,
    s: StaffSession,
    Id(id): Id<SubjectId>,
) -> PageResult {
    let export = state
        .store
        .export_subject(&s.ctx, id, (state.clock)())
        .await?;
    Ok(json_download(
        "application/json; charset=utf-8",
        &format!("tsunagu-subject-{id}.json"),
        &export,
    )?)
}

impl CsrfField for SubjectForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

impl CsrfField for RecordForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}
