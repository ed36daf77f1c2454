//! The directory on the web: the search page and service pages ([`pages`], with their view
//! models in `views`), problem reports and the maintainers' list ([`report`]), and the JSON
//! and HSDS API ([`api`]). Search is `tsunagu_search::directory`; storage is the store's
//! directory traits.

use axum::Router;

use crate::kit::state::AppState;

pub mod api;
pub mod pages;
pub mod report;
pub(crate) mod views;

/// Directory routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(report::router())
        .merge(api::router())
}
