//! Web UI and JSON API for tsunagu.
//!
//! # Brief overview
//! [`app`] builds the whole axum [`Router`] from an [`AppState`], so tests drive it with
//! `oneshot` and no port. Pages are Japanese, server-rendered with askama, work without
//! JavaScript, and share every search and lookup with their JSON twins (under `/api/v1`, plus
//! HSDS read endpoints under `/hsds`). Every response carries security headers, including a CSP
//! without inline scripts. Errors never leak internals: server faults are logged and answered
//! with a generic message.
//!
//! # Map
//! One folder per capability, the same names as in the other crates; templates sit in
//! `templates/<capability>/`:
//! - [`kit`]: what every page shares and that imports no capability: the state, errors (with
//!   the page error that renders the layout), the layout and site navigation, rendering and
//!   downloads, cookies, CSRF, the signed-in staff session extractor, forms, secrets, rate
//!   limits.
//! - [`directory`]: search, service pages, problem reports, the JSON and HSDS API.
//! - [`triage`]: the consultation → referral plan page and API.
//! - [`alcohol`]: the public AUDIT, drinks and diary checks, and the staff alcohol page.
//! - [`law`]: 制度ナビ (public) and the staff deadline pages.
//! - [`kb`]: the knowledge base: questions, passages in context, every rule with its passage.
//! - [`records`]: staff sign-in, people's files, consent, records and their access log.

#![deny(missing_docs)]

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub mod alcohol;
pub mod directory;
pub mod kb;
pub mod kit;
pub mod law;
pub mod records;
pub mod triage;

pub use kit::error::{AppError, MAX_BODY_BYTES};
pub use kit::public_url::{BadPublicUrl, PublicUrl};
pub use kit::state::{AppState, Catalog, Clock, CrisisLine, TriageData, WebConfig};
pub use kit::{auth, ratelimit};

/// The whole application.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
               frame-ancestors 'none'; base-uri 'none'";
    Router::new()
        .merge(records::router())
        .merge(alcohol::router())
        .merge(law::router())
        .merge(triage::router())
        .merge(kb::router())
        .merge(directory::router())
        .merge(kit::site::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::middleware::page_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::middleware::limit,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            kit::error::MAX_BODY_BYTES,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // `same-origin`, not `no-referrer`: with no-referrer browsers send `Origin: null` on our own
        // form posts, which the same-origin check must refuse. Other sites still get nothing.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}
