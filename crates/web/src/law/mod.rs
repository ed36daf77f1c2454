//! The law on the web: 制度ナビ, the public deadline and 自立支援医療 calculators ([`seido`]),
//! and the staff case pages with their obligations, dashboard and iCalendar file
//! ([`staff`]). The rules are `tsunagu_domain::law` (seed 004); obligations are stored by the
//! store's law traits.

use axum::Router;

use crate::kit::state::AppState;

pub mod seido;
pub mod staff;

/// Law routes.
pub fn router() -> Router<AppState> {
    Router::new().merge(seido::router()).merge(staff::router())
}
