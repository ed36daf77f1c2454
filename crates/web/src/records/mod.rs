//! Sensitive records on the web, under `/staff`: sign-in with password and TOTP
//! ([`signin`]), and people's files, consent, records, who viewed a record and the
//! subject-access export ([`people`]). Every page here sends `Cache-Control: no-store`:
//! personal data must not sit in caches. All reading and writing of personal data goes through
//! the store's record traits, which check the role and the organisation and write the audit
//! entry.

use axum::http::{header, HeaderValue};
use axum::Router;

use crate::kit::state::AppState;

pub mod audit;
pub mod people;
pub mod signin;

/// Staff routes for sign-in and records.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(signin::router())
        .merge(people::router())
        .merge(audit::router())
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
