//! Staff accounts: roles, what each role may do, and the sign-in rules.
//!
//! # Brief overview
//! Personal data in tsunagu (consultations, drinking diaries, pathway and case records) is
//! 要配慮個人情報 under the APPI. Japan's medical-information guideline (3省2ガイドライン) asks
//! for identified users, access limited by duty and two-factor authentication. This module
//! holds those rules as data: [`Role::allows`] is the one permission matrix, [`Role::needs_totp`]
//! follows from it, and the sign-in limits ([`LOCKOUT_AFTER_FAILURES`], [`IDLE_TIMEOUT`] …) are
//! constants that the web layer and the store both read. Nothing here reads a clock or a random
//! source: times and secrets are passed in.

use crate::common::codes::code_enum;
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

code_enum!(
    /// A staff role. Every account has exactly one, scoped to one organisation.
    Role, "role" {
        /// Manages accounts, reads the audit trail, answers subject-access requests, purges.
        Admin => ("admin", "管理者"),
        /// A clinician: reads and writes records, records consent, sees who viewed a record.
        Clinician => ("clinician", "医療職"),
        /// A counsellor (保健所, 精神保健福祉センター, 保護司): reads and writes records, records consent.
        Counsellor => ("counsellor", "相談員"),
        /// Sees the directory and the staff pages without personal data.
        Viewer => ("viewer", "閲覧者"),
    }
);

code_enum!(
    /// One thing a role may do. The matrix is [`Role::allows`].
    Permission, "permission" {
        /// Read personal records of the own organisation.
        ReadRecords => ("read_records", "記録の閲覧"),
        /// Create personal records.
        WriteRecords => ("write_records", "記録の作成"),
        /// Record or withdraw a consent.
        RecordConsent => ("record_consent", "同意の記録・撤回"),
        /// See who read or changed a record.
        ViewAccessLog => ("view_access_log", "閲覧履歴の確認"),
        /// Export everything held about one person (開示請求).
        ExportSubject => ("export_subject", "本人開示用の出力"),
        /// Add, disable and unlock accounts, reset 2FA.
        ManageAccounts => ("manage_accounts", "アカウント管理"),
        /// Review the organisation's audit trail, refused accesses included.
        ReviewAuditTrail => ("review_audit_trail", "監査ログの確認"),
    }
);

impl Role {
    /// The permission matrix, the one place that says who may do what.
    ///
    /// Decision: an admin does not read record contents in the staff pages (duty separation);
    /// a subject-access export, which an admin makes, contains them and is itself audited.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => matches!(
                p,
                ViewAccessLog | ExportSubject | ManageAccounts | ReviewAuditTrail
            ),
            Role::Clinician => matches!(
                p,
                ReadRecords | WriteRecords | RecordConsent | ViewAccessLog
            ),
            Role::Counsellor => matches!(p, ReadRecords | WriteRecords | RecordConsent),
            Role::Viewer => false,
        }
    }

    /// Whether the role can reach personal data in any way (records, exports, the audit trail,
    /// which names subjects). Such roles must sign in with a second factor.
    pub fn sees_personal_data(self) -> bool {
        Permission::ALL.iter().any(|&p| self.allows(p))
    }

    /// TOTP (RFC 6238) is required for every role that can see personal data.
    pub fn needs_totp(self) -> bool {
        self.sees_personal_data()
    }
}

/// Consecutive failed sign-ins (password or second factor) that lock an account.
pub const LOCKOUT_AFTER_FAILURES: u32 = 5;
/// How long a lock lasts unless an admin unlocks earlier (`tsunagu user unlock`).
/// Decision: a timed lock rather than a permanent one, so that an attacker who guesses
/// usernames cannot shut staff out for good; every lock is in the audit trail.
pub const LOCKOUT_DURATION: Duration = Duration::minutes(30);
/// The pause after the k-th failure in a row before the next attempt on the account is
/// checked: 1, 2, 4 and 8 seconds after the first to fourth (the fifth locks). A person who
/// mistypes waits longer than this to type again and never meets it; a script that races
/// guesses gets one checked per pause (OWASP ASVS 2.2.1, progressive delays).
///
/// Decision: the pause is per account and short. A longer one would let anyone who knows a
/// username keep the owner out, which the lock rule below already has to guard against; the
/// per-address budget (`records::throttle`) slows an attacker who tries many accounts.
pub fn account_delay(failures_in_a_row: u32) -> Duration {
    match failures_in_a_row {
        0 => Duration::zero(),
        k => Duration::seconds(1 << (k - 1).min(4)),
    }
}
/// A session unused for this long is over.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session is over after this long whatever the activity (one working day).
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Time allowed between the password step and the second factor.
pub const SECOND_FACTOR_WINDOW: Duration = Duration::minutes(5);

/// Why an account value was rejected. The messages are for the admin who typed them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The username is not acceptable.
    #[error(
        "username must be 3-32 characters from a-z, 0-9, '.', '_' and '-', starting with a letter"
    )]
    BadUsername,
    /// The password is too short or too long.
    #[error("password must be {min}-{max} characters", min = Password::MIN_CHARS, max = Password::MAX_CHARS)]
    BadPassword,
    /// The organisation is empty or too long.
    #[error("organisation must be 1-100 characters")]
    BadOrganization,
    /// The TOTP secret is not base32 or too short.
    #[error("TOTP secret must be base32 of at least 16 bytes")]
    BadTotpSecret,
}

/// A staff username: 3-32 characters of `a-z 0-9 . _ -`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Parses a username. Case is folded so that `Tanaka` and `tanaka` are one account.
    pub fn parse(s: &str) -> Result<Username, AccountError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            });
        if ok {
            Ok(Username(s))
        } else {
            Err(AccountError::BadUsername)
        }
    }
}
impl TryFrom<String> for Username {
    type Error = AccountError;
    fn try_from(s: String) -> Result<Self, AccountError> {
        Username::parse(&s)
    }
}
impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}
impl AsRef<str> for Username {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy. It never implements `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Shortest password accepted (NIST SP 800-63B asks for at least 8; staff who handle
    /// 要配慮個人情報 get a longer minimum).
    pub const MIN_CHARS: usize = 12;
    /// Longest password accepted: argon2 cost grows with input, so an unbounded password is a
    /// denial-of-service lever.
    pub const MAX_CHARS: usize = 128;

    /// Checks a new password against the policy.
    pub fn parse(s: &str) -> Result<Password, AccountError> {
        let n = s.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&n) && !s.trim().is_empty() {
            Ok(Password(s.to_owned()))
        } else {
            Err(AccountError::BadPassword)
        }
    }
    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A staff organisation (the scope of an account: staff see only their own organisation's
/// subjects). Free text such as `川崎市精神保健福祉センター`, 1-100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgScope(String);

impl OrgScope {
    /// Parses an organisation name.
    pub fn parse(s: &str) -> Result<OrgScope, AccountError> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
            Err(AccountError::BadOrganization)
        } else {
            Ok(OrgScope(s.to_owned()))
        }
    }
}
impl TryFrom<String> for OrgScope {
    type Error = AccountError;
    fn try_from(s: String) -> Result<Self, AccountError> {
        OrgScope::parse(&s)
    }
}
impl From<OrgScope> for String {
    fn from(o: OrgScope) -> String {
        o.0
    }
}
impl AsRef<str> for OrgScope {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for OrgScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A TOTP shared secret (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of skew).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

/// Why a second-factor code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpRefusal {
    /// The code does not match any allowed step.
    #[error("the code does not match")]
    Mismatch,
    /// The code matches a step that was already used (RFC 6238 §5.2: accept a code once).
    #[error("the code was already used")]
    Replayed,
}

impl TotpSecret {
    /// Shortest secret accepted: RFC 4226 §4 asks for 128 bits and recommends 160.
    pub const MIN_BYTES: usize = 16;
    /// Length of a new secret (160 bits).
    pub const NEW_BYTES: usize = 20;

    /// Wraps raw secret bytes (from a random source).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<TotpSecret, AccountError> {
        if bytes.len() < Self::MIN_BYTES {
            return Err(AccountError::BadTotpSecret);
        }
        Ok(TotpSecret(bytes))
    }

    /// Parses the base32 text stored in the database or typed into an authenticator.
    pub fn from_base32(s: &str) -> Result<TotpSecret, AccountError> {
        let bytes = totp_rs::Secret::try_from_base32(s.trim().to_ascii_uppercase())
            .map_err(|_| AccountError::BadTotpSecret)?;
        Self::from_bytes(bytes.as_bytes().to_vec())
    }

    /// The base32 form (RFC 4648, no padding).
    pub fn to_base32(&self) -> String {
        totp_rs::Secret::from(self.0.clone()).to_base32()
    }

    fn totp(&self, account: &str) -> totp_rs::Totp {
        // 6 digits, 30 s, SHA-1, skew 1: the RFC 6238 defaults that every authenticator app
        // supports. build_noncompliant only skips the checks done in from_bytes and on the
        // account name below.
        totp_rs::Builder::new()
            .with_secret(self.0.clone())
            .with_account_name(account.replace(':', "_"))
            .with_issuer(Some("tsunagu"))
            .build_noncompliant()
    }

    /// The code an authenticator shows at `unix_seconds` (used by tests and the crash script).
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.totp("").generate(unix_seconds).to_string()
    }

    /// The `otpauth://` URI for enrolling an authenticator app.
    pub fn provisioning_uri(&self, account: &Username) -> String {
        self.totp(account.as_ref())
            .to_url()
            .unwrap_or_else(|_| format!("otpauth://totp/tsunagu?secret={}", self.to_base32()))
    }

    /// Checks a code at `now`. `last_step` is the step of the last accepted code; a code of
    /// that step or earlier is refused as a replay. Returns the step to remember.
    pub fn verify(
        &self,
        code: &str,
        now: DateTime<Utc>,
        last_step: Option<u64>,
    ) -> Result<u64, TotpRefusal> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpRefusal::Mismatch);
        }
        let t = u64::try_from(now.timestamp()).unwrap_or(0);
        let step = self.totp("").check(&code, t).ok_or(TotpRefusal::Mismatch)?;
        match last_step {
            Some(last) if step <= last => Err(TotpRefusal::Replayed),
            _ => Ok(step),
        }
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

/// The state of an account as the sign-in rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    /// Consecutive failures so far.
    pub failed_logins: u32,
    /// Locked until this time, if locked.
    pub locked_until: Option<DateTime<Utc>>,
    /// Whether an admin disabled the account.
    pub disabled: bool,
    /// No attempt is checked before this time ([`account_delay`] after the last failure).
    pub attempt_after: Option<DateTime<Utc>>,
}

/// One sign-in attempt (a password or a second-factor code) that the store let through.
///
/// An attempt is counted as a failure *before* its password or code is checked, in the same
/// serialised write that reads the account: however many attempts race, at most
/// [`LOCKOUT_AFTER_FAILURES`] of them are ever checked before the account locks (OWASP ASVS
/// 2.2.1). The check then either confirms the failure, turns the attempt into a success (which
/// ends the series), or, for a right password that still needs its second factor, gives the
/// attempt back ([`LoginState::released`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// Which attempt of the series this is, from 1 to [`LOCKOUT_AFTER_FAILURES`].
    pub attempt: u32,
    /// Set when this attempt, if it fails, is the one that locks the account (the lock is
    /// already in force while it is being checked).
    pub locks_until: Option<DateTime<Utc>>,
    /// The pause this attempt set for the next one ([`account_delay`]), if any.
    pub next_after: Option<DateTime<Utc>>,
    /// The pause in force before this attempt, put back when the attempt is given back.
    pub prior_after: Option<DateTime<Utc>>,
}

/// Why an attempt was not even checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptRefused {
    /// The account is locked until then.
    Locked(DateTime<Utc>),
    /// An admin disabled the account.
    Disabled,
    /// The last failure was too recent ([`account_delay`]); attempts are checked again from
    /// then.
    TooSoon(DateTime<Utc>),
}

impl AttemptRefused {
    /// The note written to the audit trail.
    pub fn audit_detail(self) -> String {
        match self {
            AttemptRefused::Locked(until) => format!(
                "refused: locked until {}",
                until.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            AttemptRefused::Disabled => "refused: account disabled".to_owned(),
            AttemptRefused::TooSoon(after) => format!(
                "refused: too soon after a failure, next attempt from {}",
                after.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        }
    }
}

impl Claim {
    /// The note written to the audit trail for this attempt's outcome.
    pub fn audit_detail(&self) -> String {
        format!("attempt {} of {LOCKOUT_AFTER_FAILURES}", self.attempt)
    }
}

/// What a failed attempt does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFailure {
    /// The new failure count (0 when the attempt locked the account).
    pub failed_logins: u32,
    /// Set when this failure locks the account.
    pub locks_until: Option<DateTime<Utc>>,
}

impl LoginState {
    /// Whether sign-in may be attempted at `now`.
    pub fn may_attempt(&self, now: DateTime<Utc>) -> bool {
        !self.disabled
            && self.locked_until.is_none_or(|t| t <= now)
            && self.attempt_after.is_none_or(|t| t <= now)
    }

    /// Claims one attempt at `now`, before anything is checked: refused while the account is
    /// locked or disabled or within the pause after the last failure, otherwise counted as a
    /// failure at once ([`LoginState::after_failure`]) and the next pause set. Returns the
    /// claim and the state to store.
    pub fn claim(&self, now: DateTime<Utc>) -> Result<(Claim, LoginState), AttemptRefused> {
        // Times are kept to the microsecond, as the store (and the audit trail) keeps them, so
        // that a claim's times still equal the stored ones when it is given back.
        let now = now.trunc_subsecs(6);
        if self.disabled {
            return Err(AttemptRefused::Disabled);
        }
        if let Some(until) = self.locked_until.filter(|&t| t > now) {
            return Err(AttemptRefused::Locked(until));
        }
        if let Some(after) = self.attempt_after.filter(|&t| t > now) {
            return Err(AttemptRefused::TooSoon(after));
        }
        let after = self.after_failure(now);
        // The lock (if this attempt sets one) is the pause; otherwise the pause grows.
        let next_after = match after.locks_until {
            Some(_) => None,
            None => Some(now + account_delay(after.failed_logins)),
        };
        let claim = Claim {
            attempt: self.failed_logins.saturating_add(1),
            locks_until: after.locks_until,
            next_after,
            prior_after: self.attempt_after,
        };
        let state = LoginState {
            failed_logins: after.failed_logins,
            // A lock that has run out is cleared; a new one is set by the fifth attempt.
            locked_until: after.locks_until,
            disabled: false,
            attempt_after: next_after,
        };
        Ok((claim, state))
    }

    /// Gives back an attempt whose password was right but which still needs its second
    /// factor: a right password is not a failure.
    ///
    /// Decision: if other attempts locked the account after this one was claimed, the lock
    /// stays (the safe side); a lock this attempt set is lifted, since without it the
    /// series would not have reached the limit. Likewise the pause this attempt set is
    /// replaced by the one before it, unless a later attempt has set another.
    pub fn released(&self, claim: &Claim) -> LoginState {
        let mut st = self.clone();
        if claim.next_after.is_some() && self.attempt_after == claim.next_after {
            st.attempt_after = claim.prior_after;
        }
        match claim.locks_until {
            Some(until) if self.locked_until == Some(until) => {
                st.locked_until = None;
                st.failed_logins = LOCKOUT_AFTER_FAILURES - 1;
                st.attempt_after = claim.prior_after;
            }
            _ if self.locked_until.is_none() => {
                st.failed_logins = self.failed_logins.saturating_sub(1);
            }
            _ => {}
        }
        st
    }

    /// Applies one failure at `now`: the fifth in a row locks for [`LOCKOUT_DURATION`].
    ///
    /// Decision: a failure while the account is locked neither counts nor moves the lock (it is
    /// still written to the audit trail by the store). Otherwise anyone who knows a username
    /// could keep the account locked for good with five guesses every 30 minutes (OWASP ASVS
    /// 2.2.1 asks for anti-automation that does not become a denial of service).
    pub fn after_failure(&self, now: DateTime<Utc>) -> AfterFailure {
        if self.locked_until.is_some_and(|t| t > now) {
            return AfterFailure {
                failed_logins: self.failed_logins,
                locks_until: None,
            };
        }
        let n = self.failed_logins.saturating_add(1);
        if n >= LOCKOUT_AFTER_FAILURES {
            AfterFailure {
                failed_logins: 0,
                locks_until: Some(now + LOCKOUT_DURATION),
            }
        } else {
            AfterFailure {
                failed_logins: n,
                locks_until: None,
            }
        }
    }
}

/// Whether a session that started at `created` and was last used at `last_seen` is still
/// alive at `now`.
pub fn session_alive(created: DateTime<Utc>, last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen < IDLE_TIMEOUT && now - created < ABSOLUTE_TIMEOUT
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, s)
            .single()
            .expect("valid time")
    }

    #[test]
    fn every_role_that_can_reach_personal_data_needs_totp_and_only_viewer_does_not() {
        for &r in Role::ALL {
            assert_eq!(r.needs_totp(), r != Role::Viewer, "{r}");
        }
    }

    #[test]
    fn the_permission_matrix_keeps_duties_apart() {
        assert!(!Role::Admin.allows(Permission::ReadRecords));
        assert!(Role::Admin.allows(Permission::ManageAccounts));
        assert!(Role::Clinician.allows(Permission::ViewAccessLog));
        assert!(!Role::Counsellor.allows(Permission::ViewAccessLog));
        assert!(!Role::Counsellor.allows(Permission::ManageAccounts));
        assert!(Permission::ALL.iter().all(|&p| !Role::Viewer.allows(p)));
    }

    #[test]
    fn usernames_are_folded_and_checked() {
        assert_eq!(
            Username::parse(" Tanaka.K ").map(String::from),
            Ok("tanaka.k".into())
        );
        for bad in ["ab", "1abc", "a b c", "田中", "x@y.z", &"a".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_shorter_than_12_or_longer_than_128_characters_are_rejected() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(Password::parse("            ").is_err());
        assert!(Password::parse("つなぐパスワード十二文字ok").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("correct horse battery")),
            "Ok(Password(***))"
        );
    }

    // RFC 6238 Appendix B, SHA-1 secret "12345678901234567890": T = 59 → 94287082 (8 digits),
    // so the 6-digit code is 287082; T = 1111111109 → 07081804 → 081804.
    #[test]
    fn totp_matches_the_rfc_6238_test_vectors() {
        let s = TotpSecret::from_bytes(b"12345678901234567890".to_vec()).expect("20 bytes");
        assert_eq!(s.code_at(59), "287082");
        assert_eq!(s.code_at(1_111_111_109), "081804");
        let now = Utc.timestamp_opt(59, 0).single().expect("valid");
        assert_eq!(s.verify("287 082", now, None), Ok(1));
    }

    #[test]
    fn a_totp_code_is_accepted_once_and_one_step_of_skew_is_allowed() {
        let s = TotpSecret::from_bytes(vec![7; 20]).expect("20 bytes");
        let now = at(9, 0, 10);
        let t = u64::try_from(now.timestamp()).expect("positive");
        let step = s.verify(&s.code_at(t), now, None).expect("fresh code");
        assert_eq!(
            s.verify(&s.code_at(t), now, Some(step)),
            Err(TotpRefusal::Replayed)
        );
        assert!(
            s.verify(&s.code_at(t - 30), now, None).is_ok(),
            "previous step"
        );
        assert_eq!(
            s.verify(&s.code_at(t - 90), now, None),
            Err(TotpRefusal::Mismatch)
        );
        assert_eq!(s.verify("abcdef", now, None), Err(TotpRefusal::Mismatch));
    }

    #[test]
    fn totp_secrets_round_trip_through_base32_and_short_ones_are_rejected() {
        let s = TotpSecret::from_bytes((0u8..20).collect()).expect("20 bytes");
        assert_eq!(TotpSecret::from_base32(&s.to_base32()), Ok(s.clone()));
        assert!(TotpSecret::from_bytes(vec![1; 10]).is_err());
        assert!(TotpSecret::from_base32("not base32!").is_err());
        let uri = s.provisioning_uri(&Username::parse("tanaka").expect("valid"));
        assert!(uri.starts_with("otpauth://totp/tsunagu:tanaka?"), "{uri}");
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_for_30_minutes() {
        let mut st = LoginState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
            attempt_after: None,
        };
        for _ in 0..4 {
            let a = st.after_failure(at(9, 0, 0));
            assert_eq!(a.locks_until, None);
            st.failed_logins = a.failed_logins;
        }
        let a = st.after_failure(at(9, 0, 0));
        assert_eq!(a.locks_until, Some(at(9, 30, 0)));
        st.locked_until = a.locks_until;
        assert!(!st.may_attempt(at(9, 29, 59)));
        assert!(st.may_attempt(at(9, 30, 0)));
        st.disabled = true;
        assert!(!st.may_attempt(at(10, 0, 0)));
    }

    #[test]
    fn failures_while_locked_neither_count_nor_extend_the_lock() {
        let locked = LoginState {
            failed_logins: 0,
            locked_until: Some(at(9, 30, 0)),
            disabled: false,
            attempt_after: None,
        };
        let mut st = locked.clone();
        for minute in [5, 10, 15, 20, 29] {
            let a = st.after_failure(at(9, minute, 0));
            assert_eq!(
                a.locks_until, None,
                "a failure at 9:{minute} must not move the lock"
            );
            st.failed_logins = a.failed_logins;
        }
        assert_eq!(st, locked);
        // Once the lock has run out, failures count again from zero.
        let a = st.after_failure(at(9, 30, 0));
        assert_eq!((a.failed_logins, a.locks_until), (1, None));
    }

    #[test]
    fn sessions_end_after_30_idle_minutes_or_12_hours() {
        assert!(session_alive(at(9, 0, 0), at(9, 10, 0), at(9, 39, 59)));
        assert!(!session_alive(at(9, 0, 0), at(9, 10, 0), at(9, 40, 0)));
        assert!(!session_alive(at(0, 0, 0), at(11, 59, 0), at(12, 0, 0)));
    }

    #[test]
    fn attempts_are_counted_when_claimed_so_only_five_are_ever_checked_and_a_right_password_is_given_back(
    ) {
        let fresh = LoginState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
            attempt_after: None,
        };
        // Any number of racing attempts, claimed one after the other by the store: at each
        // moment one is checked, then the pause after it refuses the rest until it is over.
        let mut st = fresh.clone();
        let mut granted = Vec::new();
        let mut refused = Vec::new();
        for t in [0, 1, 3, 7, 15] {
            for _ in 0..40 {
                match st.claim(at(9, 0, t)) {
                    Ok((claim, next)) => {
                        granted.push(claim);
                        st = next;
                    }
                    Err(r) => refused.push(r),
                }
            }
        }
        assert_eq!(
            granted.iter().map(|c| c.attempt).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(refused.len(), 5 * 40 - 5);
        assert_eq!(refused[0], AttemptRefused::TooSoon(at(9, 0, 1)));
        assert_eq!(granted[4].locks_until, Some(at(9, 30, 15)));
        assert_eq!(
            st.claim(at(9, 10, 0)),
            Err(AttemptRefused::Locked(at(9, 30, 15)))
        );
        // The fifth was the right password (second factor next): its lock is lifted and
        // one more failure locks.
        let back = st.released(&granted[4]);
        assert_eq!((back.failed_logins, back.locked_until), (4, None));
        assert_eq!(back.attempt_after, Some(at(9, 0, 15)), "the fourth's pause");
        let (c, locked) = back.claim(at(9, 1, 0)).expect("one attempt left");
        assert_eq!(c.locks_until, Some(at(9, 31, 0)));
        // A right password claimed earlier does not lift a lock that others set.
        assert_eq!(locked.released(&granted[1]), locked);
        // Before any lock, giving back undoes exactly this attempt and its pause.
        let (c1, one) = fresh.claim(at(9, 0, 0)).expect("fresh");
        assert_eq!(one.attempt_after, Some(at(9, 0, 1)));
        assert_eq!(one.released(&c1), fresh);
        // Disabled accounts are never checked; a lock that ran out is cleared by the claim.
        let disabled = LoginState {
            disabled: true,
            ..fresh.clone()
        };
        assert_eq!(disabled.claim(at(9, 0, 0)), Err(AttemptRefused::Disabled));
        let (_, after) = locked.claim(at(10, 0, 0)).expect("lock ran out");
        assert_eq!((after.failed_logins, after.locked_until), (1, None));
    }

    #[test]
    fn the_pause_after_a_failure_doubles_from_one_second_and_a_later_pause_is_kept_on_release() {
        let delays: Vec<i64> = (0..=5).map(|k| account_delay(k).num_seconds()).collect();
        assert_eq!(delays, vec![0, 1, 2, 4, 8, 16]);
        let fresh = LoginState {
            failed_logins: 0,
            locked_until: None,
            disabled: false,
            attempt_after: None,
        };
        // Two claims one second apart: the first is given back after the second set its
        // pause, which stays.
        let (first, st) = fresh.claim(at(9, 0, 0)).expect("fresh");
        let (second, st) = st.claim(at(9, 0, 1)).expect("after the pause");
        assert_eq!(second.next_after, Some(at(9, 0, 3)));
        let back = st.released(&first);
        assert_eq!(
            (back.failed_logins, back.attempt_after),
            (1, Some(at(9, 0, 3)))
        );
        assert!(!back.may_attempt(at(9, 0, 2)));
        assert!(back.may_attempt(at(9, 0, 3)));
        // A clock with nanoseconds: the claim's times are those the store keeps (to the
        // microsecond), so giving it back after a round trip through the store still works.
        let precise = at(9, 0, 0) + Duration::nanoseconds(123_456_789);
        let (c, st) = fresh.claim(precise).expect("fresh");
        let stored = LoginState {
            attempt_after: st.attempt_after.map(|t| t.trunc_subsecs(6)),
            ..st
        };
        assert_eq!(stored.released(&c), fresh);
    }
}
