//! Routes of the site itself: the style sheet, the health check, the icon and the not-found
//! page.

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::kit::render::{not_found, stylesheet};
use crate::kit::state::AppState;

/// Site routes (and the fallback for every unknown path).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/style.css", get(stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        // No icon: answer 204 so browsers do not log a 404 on every page.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
}
