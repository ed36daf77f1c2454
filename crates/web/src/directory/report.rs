//! Problem reports on a listing (the public form, CSRF-protected, rate-limited) and the
//! maintainers' list where they are closed (HTTP Basic with the maintainer token).

use crate::directory::pages::service_id;
use crate::kit::csrf::{anon_csrf, check_anon_csrf, with_cookie};
use crate::kit::error::{AppError, PageResult};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde::Deserialize;
use tsunagu_domain::directory::report::{NewReport, ReportCategory, ReportStatus};
use tsunagu_domain::{ReportId, ServiceId};

/// Report and maintainer routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/services/{id}/report",
            get(report_form).post(report_submit),
        )
        .route("/maintainer/reports", get(maintainer_reports))
        .route("/maintainer/reports/{id}/close", post(maintainer_close))
}

#[derive(Template)]
#[template(path = "directory/report.html")]
struct ReportPage {
    layout: Layout,
    id: String,
    name: String,
    categories: Vec<(&'static str, &'static str, bool)>,
    message: String,
    error: String,
    csrf: String,
}

fn report_page(
    state: &AppState,
    id: &ServiceId,
    name: String,
    category: Option<ReportCategory>,
    message: String,
    error: String,
    csrf: String,
) -> ReportPage {
    ReportPage {
        csrf,
        layout: Layout::of(state),
        id: id.to_string(),
        name,
        categories: ReportCategory::ALL
            .iter()
            .map(|c| (c.code(), c.label_ja(), Some(*c) == category))
            .collect(),
        message,
        error,
    }
}

async fn report_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = service_id(path)?;
    let (service, _) = state.store.service(&id).await?;
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = report_page(
        &state,
        &id,
        service.name,
        None,
        String::new(),
        String::new(),
        csrf,
    );
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

#[derive(Debug, Deserialize)]
struct ReportFormData {
    category: Option<String>,
    message: Option<String>,
    csrf: Option<String>,
}

async fn report_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ReportFormData>, FormRejection>,
) -> PageResult {
    let id = service_id(path)?;
    let (service, _) = state.store.service(&id).await?;
    let Form(data) = form.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    check_anon_csrf(&headers, data.csrf.as_deref())?;
    let csrf = data.csrf.clone().unwrap_or_default();
    let category = data
        .category
        .as_deref()
        .and_then(|c| c.parse::<ReportCategory>().ok());
    let message = data.message.unwrap_or_default();
    let problem = match category {
        None => Some("問題の種類を選んでください。".to_owned()),
        Some(c) => match NewReport::parse(id.clone(), c, &message) {
            Ok(report) => {
                state.store.add_report(&report, (state.clock)()).await?;
                None
            }
            Err(_) => Some(format!(
                "内容を1文字以上{}文字以内で書いてください。",
                NewReport::MAX_MESSAGE_CHARS
            )),
        },
    };
    match problem {
        None => Ok(Redirect::to(&format!("/services/{id}?reported=1")).into_response()),
        Some(error) => {
            let page = report_page(&state, &id, service.name, category, message, error, csrf);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

/// Checks HTTP Basic credentials `maintainer:<token>` against the configured token.
pub(crate) fn check_maintainer(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(token) = state.config.maintainer_token.as_deref() else {
        return Err(AppError::NotFound("maintainer pages are disabled".into()));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .ok_or(AppError::Unauthorized)?;
    let expected = format!("maintainer:{token}");
    // Compare without an early exit so timing does not reveal the token.
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}

#[derive(Template)]
#[template(path = "directory/maintainer_reports.html")]
struct MaintainerPage {
    layout: Layout,
    reports: Vec<ReportRow>,
    csrf: String,
}

struct ReportRow {
    id: i64,
    service_id: String,
    category: &'static str,
    message: String,
    created_at: String,
    open: bool,
    resolution: String,
}

async fn maintainer_reports(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    check_maintainer(&state, &headers)?;
    let reports = state.store.reports(None).await?;
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = MaintainerPage {
        csrf,
        layout: Layout::of(&state),
        reports: reports
            .into_iter()
            .map(|r| ReportRow {
                id: r.id.0,
                service_id: r.service_id,
                category: r.category.label_ja(),
                message: r.message,
                created_at: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                open: r.status == ReportStatus::Open,
                resolution: r.resolution.unwrap_or_default(),
            })
            .collect(),
    };
    Ok(with_cookie(render(&page)?.into_response(), cookie))
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    resolution: Option<String>,
    csrf: Option<String>,
}

async fn maintainer_close(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
    form: Result<Form<CloseForm>, FormRejection>,
) -> PageResult {
    check_maintainer(&state, &headers)?;
    let Path(id) = path.map_err(|_| AppError::NotFound("report".into()))?;
    let Form(data) = form.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    check_anon_csrf(&headers, data.csrf.as_deref())?;
    let resolution = data.resolution.unwrap_or_default();
    state
        .store
        .close_report(ReportId(id), &resolution, (state.clock)())
        .await?;
    Ok(Redirect::to("/maintainer/reports").into_response())
}
