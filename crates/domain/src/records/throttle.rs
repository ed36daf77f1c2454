//! The sign-in budget of one client address, shared by every server through the database.
//!
//! # Brief overview
//! Each account has its own lock-out and pauses ([`crate::records::access::LoginState`]). An
//! attacker who tries one password on many accounts meets neither, so sign-in attempts (the
//! password form and the second factor alike) are also budgeted per client address:
//! - a steady budget ([`AddressBudget`], a generic cell rate: `per_minute` attempts at once,
//!   then one every `60 / per_minute` seconds), and
//! - a pause that doubles with every failure past [`ADDRESS_FREE_FAILURES`] from the address
//!   within [`ADDRESS_FAILURE_MEMORY`], up to [`ADDRESS_MAX_DELAY`] ([`address_delay`]).
//!
//! The store reads and writes an address's [`AddressState`] in one serialised write, so the
//! budget holds across servers and against parallel requests. IPv6 clients are budgeted by
//! their /64 network ([`address_key`]), since one host usually holds a whole /64.
//!
//! Decision: the public pages' per-address limit stays in each server's memory (it protects
//! the server, not an account); only sign-in is shared, where a limit that multiplies with the
//! number of servers would multiply an attacker's guesses.

use chrono::{DateTime, Duration, Utc};
use std::net::IpAddr;

/// Failures from one address that cost nothing beyond the steady budget: a busy office behind
/// one address mistypes now and then.
pub const ADDRESS_FREE_FAILURES: u32 = 10;
/// How long an address's failures are remembered after its last one.
pub const ADDRESS_FAILURE_MEMORY: Duration = Duration::minutes(15);
/// The longest pause an address can earn.
pub const ADDRESS_MAX_DELAY: Duration = Duration::minutes(15);

/// The pause after an address's `failures`-th recent failure: none up to
/// [`ADDRESS_FREE_FAILURES`], then 1, 2, 4 … seconds, at most [`ADDRESS_MAX_DELAY`].
pub fn address_delay(failures: u32) -> Duration {
    if failures <= ADDRESS_FREE_FAILURES {
        return Duration::zero();
    }
    let doubling = (failures - ADDRESS_FREE_FAILURES - 1).min(20);
    Duration::seconds(1 << doubling).min(ADDRESS_MAX_DELAY)
}

/// The key an address is budgeted under: an IPv4 address as it is, an IPv6 address by its /64
/// network (an IPv4-mapped IPv6 address as the IPv4 address).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The stored budget of one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressState {
    /// When the budget is full again (the "theoretical arrival time" of the cell-rate
    /// algorithm): attempts are admitted while it is at most a burst ahead of now.
    pub full_at: DateTime<Utc>,
    /// Failures from the address, counted while they are recent.
    pub failures: u32,
    /// The last failure.
    pub last_failure: Option<DateTime<Utc>>,
}

impl AddressState {
    /// The failures still remembered at `now`.
    pub fn recent_failures(&self, now: DateTime<Utc>) -> u32 {
        match self.last_failure {
            Some(t) if now - t <= ADDRESS_FAILURE_MEMORY => self.failures,
            _ => 0,
        }
    }

    /// The state after one more failure at `now`.
    pub fn failed(&self, now: DateTime<Utc>) -> AddressState {
        AddressState {
            full_at: self.full_at,
            failures: self.recent_failures(now).saturating_add(1),
            last_failure: Some(now),
        }
    }

    /// The state of an address not seen before (for a failure recorded without an admission,
    /// when the budget is switched off).
    pub fn new_at(now: DateTime<Utc>) -> AddressState {
        AddressState {
            full_at: now,
            failures: 0,
            last_failure: None,
        }
    }

    /// Whether nothing about the address matters any more at `now` (the row can go).
    pub fn forgotten(&self, now: DateTime<Utc>) -> bool {
        self.full_at <= now && self.recent_failures(now) == 0
    }
}

/// The steady sign-in budget per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressBudget {
    per_minute: u32,
}

impl AddressBudget {
    /// `per_minute` attempts a minute (at least 1), all of them at once if need be.
    pub fn per_minute(per_minute: u32) -> AddressBudget {
        AddressBudget {
            per_minute: per_minute.max(1),
        }
    }

    fn interval(self) -> Duration {
        Duration::milliseconds(60_000 / i64::from(self.per_minute))
    }

    /// Admits one attempt from an address whose state is `st` (none if not seen before) at
    /// `now`: the new state to store, or the time from which it would be admitted.
    pub fn admit(
        self,
        st: Option<&AddressState>,
        now: DateTime<Utc>,
    ) -> Result<AddressState, DateTime<Utc>> {
        let st = st.cloned().unwrap_or_else(|| AddressState::new_at(now));
        let failures = st.recent_failures(now);
        if let Some(last) = st.last_failure {
            let until = last + address_delay(failures);
            if until > now {
                return Err(until);
            }
        }
        let interval = self.interval();
        let burst = interval * i32::try_from(self.per_minute - 1).unwrap_or(i32::MAX);
        let full_at = st.full_at.max(now);
        if full_at - burst > now {
            return Err(full_at - burst);
        }
        Ok(AddressState {
            full_at: full_at + interval,
            failures,
            last_failure: st.last_failure,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 9, m, s)
            .single()
            .expect("valid time")
    }

    #[test]
    fn ten_attempts_a_minute_come_at_once_and_then_one_every_six_seconds() {
        let budget = AddressBudget::per_minute(10);
        let mut st: Option<AddressState> = None;
        let mut admitted = 0;
        let mut first_refusal = None;
        for _ in 0..50 {
            match budget.admit(st.as_ref(), at(0, 0)) {
                Ok(next) => {
                    admitted += 1;
                    st = Some(next);
                }
                Err(t) => {
                    first_refusal.get_or_insert(t);
                }
            }
        }
        assert_eq!(admitted, 10);
        assert_eq!(first_refusal, Some(at(0, 6)));
        let st = st.expect("admitted");
        assert!(budget.admit(Some(&st), at(0, 5)).is_err());
        let st = budget
            .admit(Some(&st), at(0, 6))
            .expect("one more after 6 s");
        assert!(budget.admit(Some(&st), at(0, 6)).is_err());
        // An hour later the budget is full again.
        assert!(!st.forgotten(at(0, 59)));
        assert!(st.forgotten(at(59, 0)));
    }

    #[test]
    fn failures_past_ten_pause_the_address_for_doubling_times_and_are_forgotten_after_15_minutes() {
        let delays: Vec<i64> = [0, 10, 11, 12, 13, 20, 40]
            .map(|n| address_delay(n).num_seconds())
            .to_vec();
        assert_eq!(delays, vec![0, 0, 1, 2, 4, 512, 900]);
        let budget = AddressBudget::per_minute(1000);
        let mut st = AddressState::new_at(at(0, 0));
        for _ in 0..12 {
            st = st.failed(at(0, 0));
        }
        assert_eq!(budget.admit(Some(&st), at(0, 0)), Err(at(0, 2)));
        assert!(budget.admit(Some(&st), at(0, 2)).is_ok());
        assert_eq!(st.recent_failures(at(15, 0)), 12);
        assert_eq!(st.recent_failures(at(15, 1)), 0);
        assert_eq!(st.failed(at(15, 1)).failures, 1, "counted afresh");
    }

    #[test]
    fn ipv6_clients_share_the_budget_of_their_64_network() {
        let key = |s: &str| address_key(s.parse().expect("an address"));
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }
}
