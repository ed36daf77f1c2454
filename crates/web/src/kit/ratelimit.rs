//! Per-client rate limits on the public endpoints (GCRA via the `governor` crate).
//!
//! Two budgets per client address: one for public pages and the JSON API, and a much smaller
//! one for sign-in attempts (on top of the per-account lock-out). Staff pages behind a session
//! are not limited here: they are already authenticated and audited. Static files and
//! `/healthz` are never limited. A refused request gets 429 with `Retry-After`.
//!
//! The key is the TCP peer. Behind a reverse proxy every client shares the proxy's address, so
//! deployers there should limit at the proxy (or raise these limits).

use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::AtomicU64;

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
    pub(crate) public: DefaultKeyedRateLimiter<IpAddr>,
    pub(crate) login: DefaultKeyedRateLimiter<IpAddr>,
    pub(crate) seen: AtomicU64,
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
