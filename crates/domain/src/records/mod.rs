//! Sensitive records (要配慮個人情報): who may see them, under what consent, and the trail of
//! every access.
//!
//! # Map
//! - [`access`]: staff roles, the permission matrix, sign-in rules and TOTP.
//! - [`throttle`]: the sign-in budget of a client address, shared by all servers.
//! - [`consent`]: consent scopes and givers, withdrawal, and retention periods.
//! - [`audit_trail`]: the hash-chained audit entry and its verification.
//!
//! Stored by `tsunagu_store::records` (which checks the role and writes the audit entry in
//! the same transaction), served by `tsunagu_web::records`.

pub mod access;
pub mod audit_trail;
pub mod consent;
pub mod throttle;
