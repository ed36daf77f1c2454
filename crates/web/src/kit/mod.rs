//! The web kit: what every capability's pages share. Nothing here imports a capability module;
//! capabilities import the kit.
//!
//! - [`state`]: [`state::AppState`] (store, search catalog, triage data, knowledge base, clock,
//!   limits) and how it is loaded and reloaded.
//! - [`error`]: [`error::AppError`] with its status, code and Japanese message; the JSON error
//!   ([`error::ApiError`]) and the page error ([`error::PageError`]) that renders the layout.
//! - [`layout`]: the frame of every page, with the site and staff navigation.
//! - [`render`]: templates to HTML, error pages, downloads.
//! - [`site`]: routes of the site itself (style sheet, health check, icon, not found).
//! - [`cookies`], [`csrf`], [`session`]: session and CSRF cookies, the double-submit and
//!   same-origin checks, and the [`session::StaffSession`] extractor every staff page takes.
//! - [`form`]: form pairs, form and path parsing.
//! - [`auth`]: password hashing, tokens and TOTP secrets.
//! - [`ratelimit`]: per-client rate limits; [`middleware`]: the layers that apply them and
//!   render page errors.
//! - [`public_url`]: the deployment's public URL, for links that must be absolute.

pub mod auth;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod form;
pub mod layout;
pub mod middleware;
pub mod public_url;
pub mod ratelimit;
pub mod render;
pub mod session;
pub mod site;
pub mod state;
