//! The directory on the web: the search page and service pages ([`pages`], with their view
//! models in `views`), problem reports and the maintainers' list ([`report`]), and the JSON
//! API ([`api`]) and the HSDS 3.0 API ([`hsds`]). Search is `tsunagu_search::directory`; storage is the store's
//! directory traits.

use axum::Router;

use crate::kit::state::AppState;

pub mod api;
pub mod hsds;
pub mod pages;
pub mod report;
pub(crate) mod views;

/// Directory routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(report::router())
        .merge(api::router())
        .merge(hsds::router())
}
