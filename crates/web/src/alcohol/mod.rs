//! Alcohol on the web: the public self-checks ([`public`]: AUDIT, drinks → grams, a diary kept
//! only in the page), the staff page of one person's screening, diary and reduction pathway
//! ([`staff`]), what both show of a diary ([`panels`]) and its SVG chart ([`chart`]). The rules
//! are `tsunagu_domain::alcohol` (seed 003).

use axum::Router;

use crate::kit::state::AppState;

pub mod chart;
pub mod panels;
pub mod public;
pub mod staff;

/// Alcohol routes.
pub fn router() -> Router<AppState> {
    Router::new().merge(public::router()).merge(staff::router())
}
