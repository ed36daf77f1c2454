//! The storage contract of personal records, as five small traits ([`StaffStore`],
//! [`SignInStore`], [`SubjectStore`], [`RecordStore`], [`AuditStore`]), and their types: accounts,
//! actors and staff contexts, sessions, people, consents, records, exports, purge counts, and
//! the checks on labels and record bodies.

use crate::backend::error::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tsunagu_domain::records::access::{
    AttemptRefused, Claim, LoginState, OrgScope, Permission, Role, Username,
};
use tsunagu_domain::records::audit_trail::{AuditEntry, AuditEvent, ChainHead};
use tsunagu_domain::records::consent::{
    ConsentGiver, ConsentScope, NewConsent, RecordKind, RetentionPolicy,
};
use tsunagu_domain::records::throttle::AddressBudget;
use tsunagu_domain::{ConsentId, RecordId, StaffId, SubjectId};

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    /// Id.
    pub id: StaffId,
    /// Username.
    pub username: Username,
    /// Organisation (scope).
    pub organization: OrgScope,
    /// Role.
    pub role: Role,
    /// The argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// The TOTP secret in base32, once enrolled.
    #[serde(skip)]
    pub totp_secret: Option<String>,
    /// The last accepted TOTP step.
    #[serde(skip)]
    pub totp_last_step: Option<u64>,
    /// Consecutive failures.
    pub failed_logins: u32,
    /// Locked until.
    pub locked_until: Option<DateTime<Utc>>,
    /// No sign-in attempt is checked before this time (the pause after a failure).
    pub attempt_after: Option<DateTime<Utc>>,
    /// When an admin disabled the account.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Staff {
    /// The account as the sign-in rules see it.
    pub fn login_state(&self) -> LoginState {
        LoginState {
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            disabled: self.disabled_at.is_some(),
            attempt_after: self.attempt_after,
        }
    }
}

/// A new account. The password is already hashed (hashing is the caller's CPU-heavy job).
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Username.
    pub username: Username,
    /// Organisation.
    pub organization: OrgScope,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// TOTP secret (base32), required for roles that see personal data.
    pub totp_secret: Option<String>,
}

/// Who acts on accounts or the system: a signed-in admin, or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Name written to the audit trail (`tanaka`, `cli:root`).
    pub name: String,
    /// Where from (`127.0.0.1`, `cli`).
    pub remote: String,
}

impl Actor {
    /// The command line, as the operating-system user `user`.
    pub fn cli(user: &str) -> Actor {
        Actor {
            name: format!("cli:{user}"),
            remote: "cli".into(),
        }
    }
}

/// A signed-in staff member asking for personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCtx {
    /// Account id.
    pub id: StaffId,
    /// Username.
    pub username: Username,
    /// Organisation.
    pub organization: OrgScope,
    /// Role.
    pub role: Role,
    /// Client address.
    pub remote: String,
}

impl StaffCtx {
    /// The context of `staff` acting from `remote`.
    pub fn of(staff: &Staff, remote: &str) -> StaffCtx {
        StaffCtx {
            id: staff.id,
            username: staff.username.clone(),
            organization: staff.organization.clone(),
            role: staff.role,
            remote: remote.to_owned(),
        }
    }
    pub(crate) fn require(&self, p: Permission) -> Result<()> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "the {} role may not {}",
                self.role.code(),
                p.code()
            )))
        }
    }
}

/// Where a session is in the sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// The password was right; the second factor is next.
    SecondFactor,
    /// Signed in.
    Active,
}

impl SessionStage {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Active => "active",
        }
    }
    pub(crate) fn parse(s: &str) -> Result<SessionStage> {
        match s {
            "second_factor" => Ok(SessionStage::SecondFactor),
            "active" => Ok(SessionStage::Active),
            other => Err(StoreError::Backend(format!(
                "unknown session stage {other:?}"
            ))),
        }
    }
}

/// A session with its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The account.
    pub staff: Staff,
    /// The CSRF token bound to the session.
    pub csrf_token: String,
    /// The stage.
    pub stage: SessionStage,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last used.
    pub last_seen: DateTime<Utc>,
}

/// A person whose records are held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// Id.
    pub id: SubjectId,
    /// Organisation holding the file.
    pub organization: String,
    /// What staff call the file.
    pub label: String,
    /// Created by (username).
    pub created_by: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A stored consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// Id.
    pub id: ConsentId,
    /// The person.
    pub subject_id: SubjectId,
    /// Purpose.
    pub purpose: String,
    /// Covered kinds.
    pub scope: ConsentScope,
    /// Who gave it.
    pub given_by: ConsentGiver,
    /// Their name when not the person.
    pub giver_name: Option<String>,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// Who recorded it (username).
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Whether it still stands.
    pub fn active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Id.
    pub id: RecordId,
    /// The person.
    pub subject_id: SubjectId,
    /// The consent it is held under.
    pub consent_id: ConsentId,
    /// Kind.
    pub kind: RecordKind,
    /// Contents (a JSON object).
    pub body: serde_json::Value,
    /// Written by (username).
    pub created_by: String,
    /// Written.
    pub created_at: DateTime<Utc>,
    /// Due for deletion by retention.
    pub retain_until: DateTime<Utc>,
    /// Due for deletion because its consent was withdrawn.
    pub deletion_due: Option<DateTime<Utc>>,
}

/// A record in a listing (no contents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    /// Id.
    pub id: RecordId,
    /// Kind.
    pub kind: RecordKind,
    /// Written by.
    pub created_by: String,
    /// Written.
    pub created_at: DateTime<Utc>,
    /// Whether it may still be used (its consent stands).
    pub usable: bool,
}

/// A person's file: who they are, their consents and their records (without contents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectFile {
    /// The person.
    pub subject: Subject,
    /// Consents, newest first.
    pub consents: Vec<Consent>,
    /// Records, newest first.
    pub records: Vec<RecordSummary>,
}

/// Everything held about one person (a subject-access export).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectExport {
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// Who made it.
    pub exported_by: String,
    /// The person.
    pub subject: Subject,
    /// Every consent.
    pub consents: Vec<Consent>,
    /// Every record with contents.
    pub records: Vec<Record>,
    /// Every audit entry about the person.
    pub access_log: Vec<AuditEntry>,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct PurgeSummary {
    /// Records past retention.
    pub records_expired: u64,
    /// Records whose consent was withdrawn.
    pub records_withdrawn: u64,
    /// Files left with no record and no standing consent.
    pub subjects_deleted: u64,
    /// Sessions that had ended.
    pub sessions_deleted: u64,
}

/// The longest record body accepted, in bytes of JSON.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// Checks a subject label: 1-100 characters, no control characters.
pub fn check_label(label: &str) -> Result<String> {
    let l = label.trim();
    if l.is_empty() || l.chars().count() > 100 || l.chars().any(char::is_control) {
        return Err(StoreError::Invalid("label must be 1-100 characters".into()));
    }
    Ok(l.to_owned())
}

/// Checks a record body: a JSON object of at most [`MAX_RECORD_BYTES`].
pub fn check_body(body: &serde_json::Value) -> Result<String> {
    if !body.is_object() {
        return Err(StoreError::Invalid(
            "a record body must be a JSON object".into(),
        ));
    }
    let text = serde_json::to_string(body)?;
    if text.len() > MAX_RECORD_BYTES {
        return Err(StoreError::Invalid(format!(
            "a record body must be at most {MAX_RECORD_BYTES} bytes"
        )));
    }
    Ok(text)
}

/// Staff accounts: creating, finding, listing and changing them (every change audited).
#[async_trait]
pub trait StaffStore: Send + Sync {
    // --- accounts -------------------------------------------------------------------------

    /// Creates an account (audited). A duplicate username is a conflict.
    async fn create_staff(&self, new: &NewStaff, by: &Actor, now: DateTime<Utc>) -> Result<Staff>;
    /// An account by username.
    async fn staff_by_username(&self, username: &Username) -> Result<Option<Staff>>;
    /// Every account.
    async fn list_staff(&self) -> Result<Vec<Staff>>;
    /// Disables an account and ends its sessions (audited).
    async fn disable_staff(
        &self,
        username: &Username,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Staff>;
    /// Replaces (or clears) the TOTP secret and ends the account's sessions (audited).
    async fn reset_totp(
        &self,
        username: &Username,
        secret: Option<&str>,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Staff>;
    /// Changes an account's role and ends its sessions (audited with the old and new role).
    /// A role that sees personal data needs an enrolled TOTP secret first.
    async fn set_role(
        &self,
        username: &Username,
        role: Role,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Staff>;
    /// Clears a lock and the failure count (audited).
    async fn unlock_staff(
        &self,
        username: &Username,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Staff>;
}

/// Failed sign-in attempts on an account, as its owner is told of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FailedAttempts {
    /// How many.
    pub count: u32,
    /// When the last one was.
    pub last_at: Option<DateTime<Utc>>,
    /// Where the last one came from.
    pub last_from: Option<String>,
}

/// Sign-in: failures and lock-out, successes, and sessions.
#[async_trait]
pub trait SignInStore: Send + Sync {
    /// Claims one sign-in attempt before its password or code is checked
    /// ([`LoginState::claim`]): in one serialised write the attempt is counted as a failure, and
    /// the fifth locks the account. However many attempts race on however many servers, at
    /// most five are let through. A refused attempt (locked, disabled) is audited here and
    /// comes back as `Ok(Err(_))`.
    async fn claim_attempt(
        &self,
        id: StaffId,
        remote: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Claim, AttemptRefused>>;
    /// Records that a claimed attempt failed (audited, with the lock it set if it was the
    /// fifth). The count was already taken by [`SignInStore::claim_attempt`].
    async fn attempt_failed(
        &self,
        id: StaffId,
        claim: &Claim,
        remote: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Gives back a claimed attempt whose password was right and which now goes on to the
    /// second factor ([`LoginState::released`]).
    async fn attempt_released(&self, id: StaffId, claim: &Claim) -> Result<()>;
    /// Records a sign-in attempt for an unknown or malformed username (audited, the text
    /// typed is not kept: it may be a password typed in the wrong box).
    async fn login_failed_unknown(&self, remote: &str, now: DateTime<Utc>) -> Result<()>;
    /// Records a completed sign-in: resets the count, remembers the TOTP step (audited). A
    /// step not newer than the last one accepted is refused with [`StoreError::Conflict`] and
    /// changes nothing: each code signs in once, however many requests race with it.
    async fn login_succeeded(
        &self,
        id: StaffId,
        totp_step: Option<u64>,
        claim: &Claim,
        remote: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The failed sign-in attempts on an account between its last sign-in and the one before
    /// (every failure and refusal the trail holds), so that the owner is told of them.
    async fn failures_before_last_sign_in(&self, id: StaffId) -> Result<FailedAttempts>;

    // --- the budget of a client address (shared by every server) -------------------------

    /// Admits one sign-in attempt (password or code) from `address`
    /// ([`tsunagu_domain::records::throttle::address_key`]) under `budget`, in one serialised
    /// write: `Ok(Err(t))` when it may try again only from `t`.
    async fn admit_address(
        &self,
        address: &str,
        budget: AddressBudget,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<(), DateTime<Utc>>>;
    /// Records a failed attempt from `address` (past ten recent ones, its pause doubles).
    async fn address_failed(&self, address: &str, now: DateTime<Utc>) -> Result<()>;

    // --- sessions -------------------------------------------------------------------------

    /// Stores a session under the hash of its token.
    async fn create_session(
        &self,
        token_hash: &str,
        staff: StaffId,
        csrf_token: &str,
        stage: SessionStage,
        remote: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A session and its account.
    async fn session(&self, token_hash: &str) -> Result<Option<Session>>;
    /// Marks a session used at `now`.
    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()>;
    /// Ends a session; with `audit`, writes a logout entry.
    async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<&StaffCtx>,
        now: DateTime<Utc>,
    ) -> Result<()>;
}

/// People's files and their consents, the subject-access export, and the purge of what is due.
#[async_trait]
pub trait SubjectStore: Send + Sync {
    // --- personal data (every call audited) -----------------------------------------------

    /// Opens a file for a person in the caller's organisation.
    async fn create_subject(
        &self,
        ctx: &StaffCtx,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<Subject>;
    /// The organisation's files, newest first.
    async fn list_subjects(&self, ctx: &StaffCtx, now: DateTime<Utc>) -> Result<Vec<Subject>>;
    /// One file with consents and record summaries.
    async fn subject_file(
        &self,
        ctx: &StaffCtx,
        id: SubjectId,
        now: DateTime<Utc>,
    ) -> Result<SubjectFile>;
    /// Records a consent.
    async fn record_consent(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        consent: &NewConsent,
        now: DateTime<Utc>,
    ) -> Result<Consent>;
    /// Withdraws a consent: its records stop being usable and are due for deletion now.
    async fn withdraw_consent(
        &self,
        ctx: &StaffCtx,
        id: ConsentId,
        now: DateTime<Utc>,
    ) -> Result<Consent>;
    /// Everything held about one person.
    async fn export_subject(
        &self,
        ctx: &StaffCtx,
        id: SubjectId,
        now: DateTime<Utc>,
    ) -> Result<SubjectExport>;

    // --- system ---------------------------------------------------------------------------

    /// Deletes records past retention or under withdrawn consent, files left empty, and
    /// ended sessions; one audit entry per deleted record.
    async fn purge(&self, by: &Actor, now: DateTime<Utc>) -> Result<PurgeSummary>;
}

/// Records under a consent: adding, reading, listing by kind, and who viewed one.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Stores a record under the newest standing consent that covers its kind; refused
    /// without one.
    async fn add_record(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        kind: RecordKind,
        body: &serde_json::Value,
        retention: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<Record>;
    /// Reads one record; refused once its consent is withdrawn.
    async fn record(&self, ctx: &StaffCtx, id: RecordId, now: DateTime<Utc>) -> Result<Record>;
    /// The usable records of one kind for a person, oldest first; one audit entry per record
    /// read, so each record's "who viewed this" stays complete.
    async fn records_of_kind(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        kind: RecordKind,
        now: DateTime<Utc>,
    ) -> Result<Vec<Record>>;
    /// Who read or changed a record ("who viewed this").
    async fn record_access_log(
        &self,
        ctx: &StaffCtx,
        id: RecordId,
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>>;
}

/// Which audit entries an admin asks for; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action (`refused`, `read` …).
    pub action: Option<tsunagu_domain::records::audit_trail::AuditAction>,
    /// Only this actor (a username).
    pub actor: Option<Username>,
    /// Only entries about this person.
    pub subject: Option<SubjectId>,
    /// From this time on.
    pub from: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
    /// At most this many, newest first (clamped to 1–1,000).
    pub limit: i64,
}

/// The hash-chained audit trail: appending, paging, verifying.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one audit entry.
    async fn append_audit(&self, event: AuditEvent) -> Result<AuditEntry>;
    /// The organisation's part of the trail for its admin, newest first: entries by its staff,
    /// about its accounts, or about its people (so that another organisation probing its ids
    /// shows). The review itself is audited.
    async fn review_audit(
        &self,
        ctx: &StaffCtx,
        filter: &AuditFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>>;
    /// Up to `limit` audit entries after `after_seq`, in order.
    async fn audit_page(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>>;
    /// Verifies the whole chain, page by page.
    async fn verify_audit(
        &self,
    ) -> Result<std::result::Result<ChainHead, tsunagu_domain::records::audit_trail::ChainBreak>>
    {
        let mut v = tsunagu_domain::records::audit_trail::ChainVerifier::default();
        let mut after = 0;
        loop {
            let page = self.audit_page(after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                if let Err(b) = v.push(e) {
                    return Ok(Err(b));
                }
            }
        }
        Ok(Ok(v.head()))
    }
}
