//! Per-client rate limits.
//!
//! Two budgets per client address:
//! - public pages and the JSON API: GCRA via the `governor` crate, **in each server's memory**
//!   (it protects the server; with several servers behind a load balancer a client gets this
//!   budget on each);
//! - sign-in attempts (the password form and the second factor): a much smaller budget **kept
//!   in the database** and so shared by every server, with a pause that doubles after repeated
//!   failures from the address ([`tsunagu_domain::records::throttle`]), on top of the
//!   per-account lock-out and pauses.
//!
//! Staff pages behind a session are not limited here: they are already authenticated and
//! audited. Static files and `/healthz` are never limited. A refused request gets 429 with
//! `Retry-After`.
//!
//! The key is the TCP peer (an IPv6 client by its /64). Behind a reverse proxy every client
//! shares the proxy's address, so deployers there should limit at the proxy (or raise these
//! limits).

use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::AtomicU64;
use tsunagu_domain::records::throttle::AddressBudget;

/// The configured budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained public requests per second per client.
    pub per_second: u32,
    /// Burst allowance for public requests.
    pub burst: u32,
    /// Sign-in attempts per minute per client (shared by all servers).
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
    pub(crate) sign_in: AddressBudget,
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
            sign_in: AddressBudget::per_minute(r.logins_per_minute),
            seen: AtomicU64::new(0),
        }
    }
}
