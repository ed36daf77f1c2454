//! Rendering: templates to HTML, the error page in the layout (and the middleware that renders
//! the errors page handlers return), downloads (JSON, CSV with a BOM), the style sheet, and
//! times shown in JST.

use crate::kit::error::AppError;
use crate::kit::layout::Layout;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "kit/error.html")]
pub(crate) struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
}

pub(crate) fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// A file to download: its type, an attachment name (ASCII) and the bytes.
pub(crate) fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A value as pretty JSON to download.
pub(crate) fn json_download(
    content_type: &'static str,
    filename: &str,
    value: &impl serde::Serialize,
) -> Result<Response, AppError> {
    let body = serde_json::to_vec_pretty(value).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(content_type, filename, body))
}

/// CSV text to download, with the BOM Excel needs to read UTF-8.
pub(crate) fn csv_download(filename: &str, text: &str) -> Response {
    let body = [tsunagu_domain::directory::exchange::csv::BOM, text]
        .concat()
        .into_bytes();
    download("text/csv; charset=utf-8", filename, body)
}

/// Renders an error as a page with the site frame.
pub(crate) fn error_page(state: &AppState, err: AppError) -> Response {
    if matches!(err, AppError::LoginRequired) {
        return Redirect::to("/staff/login").into_response();
    }
    if let AppError::Internal(detail) = &err {
        tracing::error!(%detail, "internal error");
    }
    let page = ErrorPage {
        layout: Layout::of(state),
        title: format!("エラー（{}）", err.status().as_u16()),
        message: err.message_ja(),
    };
    let mut res = match page.render() {
        Ok(html) => (err.status(), Html(html)).into_response(),
        Err(_) => (err.status(), err.message_ja()).into_response(),
    };
    if matches!(err, AppError::Unauthorized) {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Basic realm=\"tsunagu maintainers\""),
        );
    }
    res
}

pub(crate) async fn not_found(State(state): State<AppState>) -> Response {
    error_page(&state, AppError::NotFound("route".into()))
}

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

pub(crate) fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    tsunagu_domain::common::calendar::jst(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
