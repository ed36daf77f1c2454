//! Secrets for staff sign-in: argon2id password hashes, random tokens, TOTP secrets.
//!
//! The rules (who needs a second factor, lock-out, timeouts) live in
//! [`tsunagu_domain::records::access`]; this module supplies what needs a random source or heavy
//! computation. Argon2 is deliberately slow, so callers in async code run [`hash_password`]
//! and [`verify_password`] on a blocking thread ([`verify_password_blocking`]).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use tsunagu_domain::records::access::{Password, TotpSecret};

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The operating system's random source failed.
    #[error("random source failed: {0}")]
    Random(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, SecretError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(buf)
}

/// A random token of 256 bits, hex-encoded (session cookies, CSRF tokens).
pub fn new_token() -> Result<String, SecretError> {
    Ok(hex::encode(random_bytes(32)?))
}

/// What the database keeps of a session token: its SHA-256, so a copy of the database holds
/// no usable cookie.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new 160-bit TOTP secret.
pub fn new_totp_secret() -> Result<TotpSecret, SecretError> {
    TotpSecret::from_bytes(random_bytes(TotpSecret::NEW_BYTES)?)
        .map_err(|e| SecretError::Random(e.to_string()))
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, the
/// OWASP recommendation) and a random salt; returns the PHC string.
pub fn hash_password(p: &Password) -> Result<String, SecretError> {
    Argon2::default()
        .hash_password(p.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// A hash of a password nobody has, checked when the username is unknown so that the answer
/// takes as long as for a real account.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3nF9kVwT8Jm6uKo0h8pJ1y6a5nqSg3m7Ws8r1Yb9o2E";

/// Checks a password against a stored PHC string (`None`: an unknown account, checked against
/// a dummy hash and always false). A malformed stored hash counts as a mismatch.
pub fn verify_password(given: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(given.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_password_blocking(given: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&given, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// Compares two strings in time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let p = Password::parse("correct horse battery staple").expect("valid");
        let h = hash_password(&p).expect("hash");
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify_password("correct horse battery staple", Some(&h)));
        assert!(!verify_password("correct horse battery stapler", Some(&h)));
        assert!(!verify_password("anything", None));
        assert!(!verify_password("anything", Some("not a hash")));
        assert_ne!(h, hash_password(&p).expect("hash"), "salted");
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy hash must cost a real check"
        );
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let a = new_token().expect("token");
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token().expect("token"));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()) && !same_secret(&a, "x"));
    }
}
