//! Per-client rate limits on the public endpoints (GCRA via the `governor` crate).
//!
//! Two budgets per client address: one for public pages and the JSON API, and a much smaller
//! one for sign-in attempts (on top of the per-account lock-out). Staff pages behind a session
//! are not limited here: they are already authenticated and audited. Static files and
//! `/healthz` are never limited. A refused request gets 429 with `Retry-After`.
//!
//! The key is the TCP peer. Behind a reverse proxy every client shares the proxy's address, so
//! deployers there should limit at the proxy (or raise these limits).

use crate::kit::error::AppError;
use crate::kit::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

/// The configured budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained public requests per second per client.
    pub per_second: u32,
    /// Burst allowance for public requests.
    pub burst: u32,
    /// Sign-in attempts per minute per client.
    pub logins_per_minute: u32,
}

impl Default for RateLimit {
    /// 20 requests/s with bursts of 100 (a person paging through results never comes close);
    /// 10 sign-in attempts per minute.
    fn default() -> Self {
        RateLimit {
            per_second: 20,
            burst: 100,
            logins_per_minute: 10,
        }
    }
}

/// The limiters, shared by every request.
pub struct Limiters {
    public: DefaultKeyedRateLimiter<IpAddr>,
    login: DefaultKeyedRateLimiter<IpAddr>,
    seen: AtomicU64,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limiters")
    }
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl Limiters {
    /// Builds limiters for `r`.
    pub fn new(r: RateLimit) -> Limiters {
        Limiters {
            public: DefaultKeyedRateLimiter::keyed(
                Quota::per_second(nz(r.per_second)).allow_burst(nz(r.burst)),
            ),
            login: DefaultKeyedRateLimiter::keyed(Quota::per_minute(nz(r.logins_per_minute))),
            seen: AtomicU64::new(0),
        }
    }
}

/// The middleware.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(limiters) = state.limiters.as_deref() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    let is_login = path == "/staff/login" && req.method() == Method::POST;
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
    // Forget idle clients now and then so the table does not grow without bound.
    if limiters.seen.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
        limiters.public.retain_recent();
        limiters.login.retain_recent();
    }
    let limiter = if is_login {
        &limiters.login
    } else {
        &limiters.public
    };
    match limiter.check_key(&ip) {
        Ok(()) => next.run(req).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            let secs = wait.as_secs().max(1);
            let mut res = if path.starts_with("/api/") || path.starts_with("/hsds/") {
                crate::kit::error::ApiError(AppError::TooManyRequests).into_response()
            } else {
                crate::kit::render::error_page(&state, AppError::TooManyRequests)
            };
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}
