//! Middleware every route passes through: per-client rate limits on public endpoints
//! ([`limit`], with the limits of [`crate::kit::ratelimit`]) and the rendering of page errors in
//! the layout ([`page_errors`]).

use crate::kit::error::{ApiError, AppError, UnrenderedError};
use crate::kit::render::error_page;
use crate::kit::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use tsunagu_domain::records::throttle::address_key;

/// Refuses a client over its budget with 429 and `Retry-After` (JSON on the API, a page
/// elsewhere).
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(limiters) = state.limiters.as_deref() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    // Both sign-in steps share the per-address sign-in budget, kept in the database for all
    // servers: the password form and the second factor (where parallel guesses at a 6-digit
    // code would otherwise be unlimited).
    let is_login =
        req.method() == Method::POST && (path == "/staff/login" || path == "/staff/login/totp");
    let exempt = path.starts_with("/static/")
        || path == "/healthz"
        || path == "/favicon.ico"
        || (path.starts_with("/staff") && !is_login);
    if exempt {
        return next.run(req).await;
    }
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if is_login {
        let key = address_key(ip);
        let now = (state.clock)();
        return match state.store.admit_address(&key, limiters.sign_in, now).await {
            Ok(Ok(())) => next.run(req).await,
            Ok(Err(from)) => too_many(&state, path, (from - now).num_seconds()),
            Err(e) => error_page(&state, e.into()),
        };
    }
    // Forget idle clients now and then so the table does not grow without bound.
    if limiters.seen.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
        limiters.public.retain_recent();
    }
    match limiters.public.check_key(&ip) {
        Ok(()) => next.run(req).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            too_many(
                &state,
                path,
                i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
            )
        }
    }
}

/// 429 with `Retry-After` (at least one second): JSON on the API, a page elsewhere.
fn too_many(state: &AppState, path: &str, secs: i64) -> Response {
    let mut res = if path.starts_with("/api/") || path.starts_with("/hsds/") {
        ApiError(AppError::TooManyRequests).into_response()
    } else {
        error_page(state, AppError::TooManyRequests)
    };
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Renders the errors that page handlers returned ([`crate::kit::error::PageError`]) as pages
/// in the layout; every other response passes through.
pub async fn page_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let Some(UnrenderedError(err)) = res.extensions_mut().remove::<UnrenderedError>() else {
        return res;
    };
    let mut page = error_page(&state, err);
    // Keep what the routes' own layers set on the response (`Cache-Control: no-store` on staff
    // pages, a cookie), but not the bare response's body headers.
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}
