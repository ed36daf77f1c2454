//! The admin's review of the organisation's audit trail under `/staff/audit`: every entry by
//! its staff, about its accounts or about its people, newest first, filtered by action (for
//! example only refused accesses), staff member, person and period. Opening the page is
//! itself an entry in the trail.

use crate::kit::error::{AppError, PageResult};
use crate::kit::layout::Layout;
use crate::kit::render::{jst, render};
use crate::kit::session::{Me, StaffSession};
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tsunagu_domain::common::calendar::jst_day_start;
use tsunagu_domain::records::access::Username;
use tsunagu_domain::records::audit_trail::AuditAction;
use tsunagu_domain::SubjectId;
use tsunagu_store::records::store::AuditFilter;

/// Audit review routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/staff/audit", get(review))
}

/// How many entries one page shows.
const SHOWN: i64 = 500;

#[derive(Deserialize, Default)]
struct ReviewQuery {
    action: Option<String>,
    actor: Option<String>,
    subject: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

struct Row {
    seq: i64,
    at: String,
    actor: String,
    action: &'static str,
    refused: bool,
    target: String,
    subject: String,
    remote: String,
    detail: String,
}

struct ActionOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "records/audit.html")]
struct ReviewPage {
    layout: Layout,
    me: Me,
    actions: Vec<ActionOption>,
    actor: String,
    subject: String,
    from: String,
    until: String,
    rows: Vec<Row>,
    limit: i64,
}

/// A query field with something in it.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Reads the filter; a value that does not parse is refused with what was expected.
fn filter_of(q: &ReviewQuery) -> Result<AuditFilter, AppError> {
    let bad = |what: &str| AppError::BadRequest(what.to_owned());
    let day = |v: &str, what: &str| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| bad(&format!("{what} は YYYY-MM-DD の形で指定してください")))
    };
    Ok(AuditFilter {
        action: given(&q.action)
            .map(|a| {
                a.parse::<AuditAction>()
                    .map_err(|_| bad("操作の種類が不明です"))
            })
            .transpose()?,
        actor: given(&q.actor)
            .map(|u| Username::parse(u).map_err(|_| bad("職員のユーザー名が正しくありません")))
            .transpose()?,
        subject: given(&q.subject)
            .map(|s| {
                s.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(SubjectId)
                    .ok_or_else(|| bad("対象者番号は正の整数で指定してください"))
            })
            .transpose()?,
        from: given(&q.from)
            .map(|d| day(d, "開始日").map(jst_day_start))
            .transpose()?,
        until: given(&q.until)
            .map(|d| day(d, "終了日").map(|d| jst_day_start(d.succ_opt().unwrap_or(d))))
            .transpose()?,
        limit: SHOWN,
    })
}

async fn review(
    State(state): State<AppState>,
    s: StaffSession,
    Query(q): Query<ReviewQuery>,
) -> PageResult {
    let filter = filter_of(&q)?;
    let entries = state
        .store
        .review_audit(&s.ctx, &filter, (state.clock)())
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = ReviewPage {
        layout: Layout::of(&state),
        me: Me::of(&s),
        actions: AuditAction::ALL
            .iter()
            .map(|&a| ActionOption {
                code: a.code(),
                label: a.label_ja(),
                selected: filter.action == Some(a),
            })
            .collect(),
        actor: text(&q.actor),
        subject: text(&q.subject),
        from: text(&q.from),
        until: text(&q.until),
        limit: SHOWN,
        rows: entries
            .into_iter()
            .map(|e| Row {
                seq: e.seq,
                at: jst(e.event.at),
                actor: e.event.actor,
                action: e.event.action.label_ja(),
                refused: matches!(
                    e.event.action,
                    AuditAction::Refused | AuditAction::LoginFailed
                ),
                target: format!(
                    "{} {}",
                    e.event.target.label_ja(),
                    e.event.target_id.unwrap_or_default()
                ),
                subject: e
                    .event
                    .subject_id
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                remote: e.event.remote,
                detail: e.event.detail,
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
