//! The SQL of personal records, written once for every backend (`impl<B: Backend>` of each
//! record trait, on [`crate::backend::sql`]): row mapping, audit events, and the transaction
//! helpers. Permission checks and audit events are ordinary functions (`StaffCtx::require`,
//! [`staff_event`]); every method checks, works and appends its audit entry in one transaction.

use crate::backend::error::Result;
use crate::backend::row::{bad, RowExt};
use crate::backend::sql::{query, query_built, Backend, Tx};
use crate::records::store::*;
use chrono::{DateTime, Utc};
use tsunagu_domain::records::access::{AttemptRefused, Claim, OrgScope, Username};
use tsunagu_domain::records::audit_trail::{AuditAction, AuditEntry, AuditEvent, AuditTarget};
use tsunagu_domain::records::consent::ConsentScope;
use tsunagu_domain::{ConsentId, RecordId, StaffId, SubjectId};

/// One account change: an update with one value, its audit action, and whether the
/// account's sessions end.
pub(crate) struct AccountChange {
    pub(crate) sql: &'static str,
    pub(crate) value: Option<String>,
    pub(crate) action: AuditAction,
    pub(crate) end_sessions: bool,
}

/// An audit event from a staff context.
pub(crate) fn staff_event(
    ctx: &StaffCtx,
    action: AuditAction,
    target: AuditTarget,
    target_id: Option<String>,
    subject: Option<SubjectId>,
    detail: String,
    now: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        at: now,
        actor: ctx.username.to_string(),
        action,
        target,
        target_id,
        subject_id: subject.map(|s| s.0),
        remote: ctx.remote.clone(),
        detail,
    }
}

/// What a staff member tried, for the audit entry written if it is refused.
pub(crate) struct Attempted {
    pub(crate) action: AuditAction,
    pub(crate) target: AuditTarget,
    pub(crate) target_id: Option<String>,
    pub(crate) subject: Option<SubjectId>,
}

/// Runs one access to personal data and, if it is refused ([`crate::StoreError::is_refusal`]:
/// the role may not, the id is outside the organisation, the consent is withdrawn or
/// missing), writes the refusal to the trail in a transaction of its own (the refused one wrote
/// nothing) before returning the error. Probing other organisations' ids is therefore visible.
pub(crate) async fn refusal_audited<B: Backend, T>(
    b: &B,
    ctx: &StaffCtx,
    tried: Attempted,
    now: DateTime<Utc>,
    access: impl std::future::Future<Output = crate::Result<T>> + Send,
) -> crate::Result<T> {
    let result = access.await;
    if let Err(e) = &result {
        if e.is_refusal() {
            let mut tx = b.begin_write().await?;
            // A refused look at a record names its person, so that the refusal shows where
            // that person's file is reviewed (also by the organisation that holds it).
            let record = tried
                .target_id
                .as_deref()
                .filter(|_| tried.target == AuditTarget::Record)
                .and_then(|id| id.parse::<i64>().ok());
            let subject = match (tried.subject, record) {
                (None, Some(id)) => query("select subject_id from records where id = $1")
                    .bind(id)
                    .fetch_optional(&mut tx)
                    .await?
                    .map(|r| r.int("subject_id"))
                    .transpose()?
                    .map(SubjectId),
                (subject, _) => subject,
            };
            let ev = staff_event(
                ctx,
                AuditAction::Refused,
                tried.target,
                tried.target_id,
                subject,
                format!("{}: {e}", tried.action.code()),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
        }
    }
    result
}

/// An audit event from an actor about an account or the system.
pub(crate) fn actor_event(
    by: &Actor,
    action: AuditAction,
    target: AuditTarget,
    target_id: Option<String>,
    detail: String,
    now: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        at: now,
        actor: by.name.clone(),
        action,
        target,
        target_id,
        subject_id: None,
        remote: by.remote.clone(),
        detail,
    }
}

pub(crate) const STAFF_COLS: &str =
    "id, username, organization, role, password_hash, totp_secret, totp_last_step, \
     failed_logins, locked_until, attempt_after, disabled_at, created_at";

pub(crate) fn staff_of(r: &impl RowExt) -> Result<Staff> {
    let username = r.text("username")?;
    let org = r.text("organization")?;
    let role = r.text("role")?;
    Ok(Staff {
        id: StaffId(r.int("id")?),
        username: Username::parse(&username).map_err(|_| bad("username", &username))?,
        organization: OrgScope::parse(&org).map_err(|_| bad("organization", &org))?,
        role: role.parse().map_err(|_| bad("role", &role))?,
        password_hash: r.text("password_hash")?,
        totp_secret: r.opt_text("totp_secret")?,
        totp_last_step: r
            .opt_int("totp_last_step")?
            .and_then(|s| u64::try_from(s).ok()),
        failed_logins: u32::try_from(r.int("failed_logins")?).unwrap_or(u32::MAX),
        locked_until: r.opt_time("locked_until")?,
        attempt_after: r.opt_time("attempt_after")?,
        disabled_at: r.opt_time("disabled_at")?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) const SUBJECT_COLS: &str =
    "s.id, s.organization, s.label, st.username as created_by, s.created_at";

pub(crate) fn subject_of(r: &impl RowExt) -> Result<Subject> {
    Ok(Subject {
        id: SubjectId(r.int("id")?),
        organization: r.text("organization")?,
        label: r.text("label")?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) const CONSENT_COLS: &str =
    "c.id, c.subject_id, c.purpose, c.scope, c.given_by, c.giver_name, c.given_at, \
     st.username as recorded_by, c.recorded_at, c.withdrawn_at";

pub(crate) fn consent_of(r: &impl RowExt) -> Result<Consent> {
    let scope = r.text("scope")?;
    let given_by = r.text("given_by")?;
    Ok(Consent {
        id: ConsentId(r.int("id")?),
        subject_id: SubjectId(r.int("subject_id")?),
        purpose: r.text("purpose")?,
        scope: ConsentScope::from_codes(&scope).map_err(|_| bad("scope", &scope))?,
        given_by: given_by.parse().map_err(|_| bad("given_by", &given_by))?,
        giver_name: r.opt_text("giver_name")?,
        given_at: r.time("given_at")?,
        recorded_by: r.text("recorded_by")?,
        recorded_at: r.time("recorded_at")?,
        withdrawn_at: r.opt_time("withdrawn_at")?,
    })
}

pub(crate) const RECORD_COLS: &str =
    "r.id, r.subject_id, r.consent_id, r.kind, r.body, st.username as created_by, \
     r.created_at, r.retain_until, r.deletion_due";

pub(crate) fn record_of(r: &impl RowExt) -> Result<Record> {
    let kind = r.text("kind")?;
    Ok(Record {
        id: RecordId(r.int("id")?),
        subject_id: SubjectId(r.int("subject_id")?),
        consent_id: ConsentId(r.int("consent_id")?),
        kind: kind.parse().map_err(|_| bad("kind", &kind))?,
        body: serde_json::from_str(&r.text("body")?)?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        retain_until: r.time("retain_until")?,
        deletion_due: r.opt_time("deletion_due")?,
    })
}

pub(crate) const AUDIT_COLS: &str =
    "seq, at, actor, action, target, target_id, subject_id, remote, detail, prev_hash, hash";

pub(crate) fn audit_of(r: &impl RowExt) -> Result<AuditEntry> {
    let action = r.text("action")?;
    let target = r.text("target")?;
    Ok(AuditEntry {
        seq: r.int("seq")?,
        event: AuditEvent {
            at: r.time("at")?,
            actor: r.text("actor")?,
            action: action.parse().map_err(|_| bad("action", &action))?,
            target: target.parse().map_err(|_| bad("target", &target))?,
            target_id: r.opt_text("target_id")?,
            subject_id: r.opt_int("subject_id")?,
            remote: r.text("remote")?,
            detail: r.text("detail")?,
        },
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

/// Appends an audit entry inside `tx` (which must come from `begin_write`).
pub(crate) async fn append_in(
    tx: &mut Tx,
    event: tsunagu_domain::records::audit_trail::AuditEvent,
) -> crate::Result<tsunagu_domain::records::audit_trail::AuditEntry> {
    use crate::backend::row::RowExt;
    let last = query("select seq, hash from audit_log order by seq desc limit 1")
        .fetch_optional(&mut *tx)
        .await?;
    let prev = match &last {
        Some(r) => Some((r.int("seq")?, r.text("hash")?)),
        None => None,
    };
    let entry = tsunagu_domain::records::audit_trail::chain_next(
        prev.as_ref().map(|(s, h)| (*s, h.as_str())),
        event,
    );
    query(
        "insert into audit_log (seq, at, actor, action, target, target_id, subject_id, remote, detail, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(entry.seq)
    .bind(crate::backend::row::ts(entry.event.at))
    .bind(entry.event.actor.clone())
    .bind(entry.event.action.code())
    .bind(entry.event.target.code())
    .bind(entry.event.target_id.clone())
    .bind(entry.event.subject_id)
    .bind(entry.event.remote.clone())
    .bind(entry.event.detail.clone())
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(&mut *tx)
    .await?;
    Ok(entry)
}

pub(crate) async fn staff_in(
    tx: &mut Tx,
    username: &tsunagu_domain::records::access::Username,
) -> crate::Result<Staff> {
    let sql = format!("select {} from staff where username = $1", STAFF_COLS);
    let row = query_built(sqlx::AssertSqlSafe(sql))
        .bind(username.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("account {username}")))?;
    staff_of(&row)
}

pub(crate) async fn staff_by_id_in(
    tx: &mut Tx,
    id: tsunagu_domain::StaffId,
) -> crate::Result<Staff> {
    let sql = format!("select {} from staff where id = $1", STAFF_COLS);
    let row = query_built(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("account {id}")))?;
    staff_of(&row)
}

/// A subject of the caller's organisation; another organisation's file is "not
/// found", so that its existence is not revealed.
pub(crate) async fn subject_in(
    tx: &mut Tx,
    ctx: &StaffCtx,
    id: tsunagu_domain::SubjectId,
) -> crate::Result<Subject> {
    let sql = format!(
        "select {} from subjects s join staff st on st.id = s.created_by where s.id = $1 and s.organization = $2",
        SUBJECT_COLS
    );
    let row = query_built(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(ctx.organization.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("subject {id}")))?;
    subject_of(&row)
}

pub(crate) async fn consents_in(
    tx: &mut Tx,
    subject: tsunagu_domain::SubjectId,
) -> crate::Result<Vec<Consent>> {
    let sql = format!(
        "select {} from consents c join staff st on st.id = c.recorded_by where c.subject_id = $1 order by c.id desc",
        CONSENT_COLS
    );
    let rows = query_built(sqlx::AssertSqlSafe(sql))
        .bind(subject.0)
        .fetch_all(&mut *tx)
        .await?;
    rows.iter().map(consent_of).collect()
}

pub(crate) async fn records_in(
    tx: &mut Tx,
    subject: tsunagu_domain::SubjectId,
) -> crate::Result<Vec<Record>> {
    let sql = format!(
        "select {} from records r join staff st on st.id = r.created_by where r.subject_id = $1 order by r.id desc",
        RECORD_COLS
    );
    let rows = query_built(sqlx::AssertSqlSafe(sql))
        .bind(subject.0)
        .fetch_all(&mut *tx)
        .await?;
    rows.iter().map(record_of).collect()
}

/// Inserts a record under a standing consent that covers its kind, with its audit
/// entry, inside `tx` (from `begin_write`). The caller checks the permission.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_record_in(
    tx: &mut Tx,
    ctx: &StaffCtx,
    subject: tsunagu_domain::SubjectId,
    kind: tsunagu_domain::records::consent::RecordKind,
    body: String,
    retention: &tsunagu_domain::records::consent::RetentionPolicy,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<Record> {
    use crate::backend::row::RowExt;
    subject_in(tx, ctx, subject).await?;
    let consent = consents_in(tx, subject)
        .await?
        .into_iter()
        .find(|c| c.active() && c.scope.covers(kind))
        .ok_or_else(|| {
            crate::StoreError::NoConsent(format!(
                "no standing consent covers {} records for this person: record a consent first",
                kind.code()
            ))
        })?;
    let row = query(
        "insert into records (subject_id, consent_id, kind, body, created_by, created_at, retain_until) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(subject.0)
    .bind(consent.id.0)
    .bind(kind.code())
    .bind(body)
    .bind(ctx.id.0)
    .bind(crate::backend::row::ts(now))
    .bind(crate::backend::row::ts(retention.retain_until(kind, now)))
    .fetch_one(&mut *tx)
    .await?;
    let id = row.int("id")?;
    let ev = staff_event(
        ctx,
        AuditAction::Create,
        AuditTarget::Record,
        Some(id.to_string()),
        Some(subject),
        format!("kind={}", kind.code()),
        now,
    );
    append_in(tx, ev).await?;
    let sql = format!(
        "select {} from records r join staff st on st.id = r.created_by where r.id = $1",
        RECORD_COLS
    );
    let row = query_built(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    record_of(&row)
}

/// Applies an account change, audits it and ends the account's sessions.
pub(crate) async fn change_account<B: Backend + ?Sized>(
    this: &B,
    username: &tsunagu_domain::records::access::Username,
    change: AccountChange,
    by: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<Staff> {
    let mut tx = this.begin_write().await?;
    let staff = staff_in(&mut tx, username).await?;
    query(change.sql)
        .bind(change.value)
        .bind(staff.id.0)
        .execute(&mut tx)
        .await?;
    if change.end_sessions {
        query("delete from sessions where staff_id = $1")
            .bind(staff.id.0)
            .execute(&mut tx)
            .await?;
    }
    let ev = actor_event(
        by,
        change.action,
        AuditTarget::Account,
        Some(username.to_string()),
        String::new(),
        now,
    );
    append_in(&mut tx, ev).await?;
    let staff = staff_by_id_in(&mut tx, staff.id).await?;
    tx.commit().await?;
    Ok(staff)
}

#[async_trait::async_trait]
impl<B: Backend> StaffStore for B {
    async fn create_staff(
        &self,
        new: &NewStaff,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Staff> {
        if new.role.needs_totp() && new.totp_secret.is_none() {
            return Err(crate::StoreError::Invalid(format!(
                "the {} role sees personal data and needs a TOTP secret",
                new.role.code()
            )));
        }
        let mut tx = self.begin_write().await?;
        let taken = query("select 1 as one from staff where username = $1")
            .bind(new.username.to_string())
            .fetch_optional(&mut tx)
            .await?
            .is_some();
        if taken {
            return Err(crate::StoreError::Conflict(format!(
                "account {} already exists",
                new.username
            )));
        }
        query(
            "insert into staff (username, organization, role, password_hash, totp_secret, failed_logins, created_at) \
             values ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(new.username.to_string())
        .bind(new.organization.to_string())
        .bind(new.role.code())
        .bind(new.password_hash.clone())
        .bind(new.totp_secret.clone())
        .bind(crate::backend::row::ts(now))
        .execute(&mut tx)
        .await?;
        let ev = actor_event(
            by,
            AuditAction::AccountCreated,
            AuditTarget::Account,
            Some(new.username.to_string()),
            format!("role={} organization={}", new.role.code(), new.organization),
            now,
        );
        append_in(&mut tx, ev).await?;
        let staff = staff_in(&mut tx, &new.username).await?;
        tx.commit().await?;
        Ok(staff)
    }

    async fn staff_by_username(
        &self,
        username: &tsunagu_domain::records::access::Username,
    ) -> crate::Result<Option<Staff>> {
        let sql = format!("select {} from staff where username = $1", STAFF_COLS);
        let row = query_built(sqlx::AssertSqlSafe(sql))
            .bind(username.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(staff_of).transpose()
    }

    async fn list_staff(&self) -> crate::Result<Vec<Staff>> {
        let sql = format!("select {} from staff order by username", STAFF_COLS);
        let rows = query_built(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(staff_of).collect()
    }

    async fn disable_staff(
        &self,
        username: &tsunagu_domain::records::access::Username,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Staff> {
        change_account(
            self,
            username,
            AccountChange {
                sql: "update staff set disabled_at = $1 where id = $2",
                value: Some(crate::backend::row::ts(now)),
                action: AuditAction::AccountDisabled,
                end_sessions: true,
            },
            by,
            now,
        )
        .await
    }

    async fn reset_totp(
        &self,
        username: &tsunagu_domain::records::access::Username,
        secret: Option<&str>,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Staff> {
        change_account(
            self,
            username,
            AccountChange {
                sql: "update staff set totp_secret = $1, totp_last_step = null where id = $2",
                value: secret.map(str::to_owned),
                action: AuditAction::TotpReset,
                end_sessions: true,
            },
            by,
            now,
        )
        .await
    }

    async fn set_role(
        &self,
        username: &tsunagu_domain::records::access::Username,
        role: tsunagu_domain::records::access::Role,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Staff> {
        let mut tx = self.begin_write().await?;
        let staff = staff_in(&mut tx, username).await?;
        if role.needs_totp() && staff.totp_secret.is_none() {
            return Err(crate::StoreError::Invalid(format!(
                "the {} role sees personal data: enrol a TOTP secret first (user reset-totp)",
                role.code()
            )));
        }
        query("update staff set role = $1 where id = $2")
            .bind(role.code())
            .bind(staff.id.0)
            .execute(&mut tx)
            .await?;
        query("delete from sessions where staff_id = $1")
            .bind(staff.id.0)
            .execute(&mut tx)
            .await?;
        let ev = actor_event(
            by,
            AuditAction::RoleChanged,
            AuditTarget::Account,
            Some(username.to_string()),
            format!("{} -> {}", staff.role.code(), role.code()),
            now,
        );
        append_in(&mut tx, ev).await?;
        let staff = staff_by_id_in(&mut tx, staff.id).await?;
        tx.commit().await?;
        Ok(staff)
    }

    async fn unlock_staff(
        &self,
        username: &tsunagu_domain::records::access::Username,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Staff> {
        change_account(
            self,
            username,
            AccountChange {
                sql: "update staff set locked_until = $1, attempt_after = $1, failed_logins = 0 where id = $2",
                value: None,
                action: AuditAction::Unlocked,
                end_sessions: false,
            },
            by,
            now,
        )
        .await
    }
}

#[async_trait::async_trait]
impl<B: Backend> SignInStore for B {
    async fn claim_attempt(
        &self,
        id: tsunagu_domain::StaffId,
        remote: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Result<Claim, AttemptRefused>> {
        // The write transaction is serialised (`begin_write`), so the state read here is the
        // latest: two racing attempts cannot both see the same count.
        let mut tx = self.begin_write().await?;
        let staff = staff_by_id_in(&mut tx, id).await?;
        let claimed = staff.login_state().claim(now);
        match claimed {
            Ok((claim, next)) => {
                store_login_state(&mut tx, id, &next).await?;
                tx.commit().await?;
                Ok(Ok(claim))
            }
            Err(refused) => {
                let ev = account_event(
                    &staff,
                    remote,
                    AuditAction::LoginFailed,
                    refused.audit_detail(),
                    now,
                );
                append_in(&mut tx, ev).await?;
                tx.commit().await?;
                Ok(Err(refused))
            }
        }
    }

    async fn attempt_failed(
        &self,
        id: tsunagu_domain::StaffId,
        claim: &Claim,
        remote: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        let mut tx = self.begin_write().await?;
        let staff = staff_by_id_in(&mut tx, id).await?;
        let ev = account_event(
            &staff,
            remote,
            AuditAction::LoginFailed,
            claim.audit_detail(),
            now,
        );
        append_in(&mut tx, ev).await?;
        if let Some(until) = claim.locks_until {
            let detail = format!("until {}", crate::backend::row::ts(until));
            let ev = account_event(&staff, remote, AuditAction::Locked, detail, now);
            append_in(&mut tx, ev).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn attempt_released(
        &self,
        id: tsunagu_domain::StaffId,
        claim: &Claim,
    ) -> crate::Result<()> {
        let mut tx = self.begin_write().await?;
        let staff = staff_by_id_in(&mut tx, id).await?;
        let next = staff.login_state().released(claim);
        store_login_state(&mut tx, id, &next).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn login_failed_unknown(
        &self,
        remote: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        let mut tx = self.begin_write().await?;
        let by = Actor {
            name: String::new(),
            remote: remote.to_owned(),
        };
        let ev = actor_event(
            &by,
            AuditAction::LoginFailed,
            AuditTarget::Account,
            None,
            "unknown account".into(),
            now,
        );
        append_in(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn login_succeeded(
        &self,
        id: tsunagu_domain::StaffId,
        totp_step: Option<u64>,
        claim: &Claim,
        remote: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        let mut tx = self.begin_write().await?;
        let staff = staff_by_id_in(&mut tx, id).await?;
        // The write transaction is serialised (`begin_write`), so the step read here is the
        // latest one: of two sign-ins racing with the same code, the second finds it used.
        // The update repeats the condition so that no interleaving can store an older step.
        if let (Some(step), Some(last)) = (totp_step, staff.totp_last_step) {
            if step <= last {
                return Err(crate::StoreError::Conflict(
                    "this one-time code was already used".into(),
                ));
            }
        }
        let step = totp_step.and_then(|s| i64::try_from(s).ok());
        let done = query(
            "update staff set failed_logins = 0, locked_until = null, attempt_after = null, \
             totp_last_step = coalesce($1, totp_last_step) \
             where id = $2 and ($1 is null or totp_last_step is null or totp_last_step < $1)",
        )
        .bind(step)
        .bind(id.0)
        .execute(&mut tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(crate::StoreError::Conflict(
                "this one-time code was already used".into(),
            ));
        }
        let ev = account_event(
            &staff,
            remote,
            AuditAction::Login,
            claim.audit_detail(),
            now,
        );
        append_in(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn failures_before_last_sign_in(
        &self,
        id: tsunagu_domain::StaffId,
    ) -> crate::Result<FailedAttempts> {
        // One read transaction, so both queries see the same trail.
        let mut tx = self.begin().await?;
        let name = staff_by_id_in(&mut tx, id).await?.username.to_string();
        let logins = query(
            "select seq from audit_log where target = 'account' and target_id = $1 \
             and action = 'login' order by seq desc limit 2",
        )
        .bind(name.as_str())
        .fetch_all(&mut tx)
        .await?;
        let Some(last) = logins.first() else {
            return Ok(FailedAttempts::default());
        };
        let last = last.int("seq")?;
        let before = logins
            .get(1)
            .map(|r| r.int("seq"))
            .transpose()?
            .unwrap_or(0);
        let rows = query(
            "select at, remote from audit_log where target = 'account' and target_id = $1 \
             and action = 'login_failed' and seq > $2 and seq < $3 order by seq desc",
        )
        .bind(name.as_str())
        .bind(before)
        .bind(last)
        .fetch_all(&mut tx)
        .await?;
        Ok(FailedAttempts {
            count: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            last_at: rows.first().map(|r| r.time("at")).transpose()?,
            last_from: rows.first().map(|r| r.text("remote")).transpose()?,
        })
    }

    async fn admit_address(
        &self,
        address: &str,
        budget: tsunagu_domain::records::throttle::AddressBudget,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<std::result::Result<(), chrono::DateTime<chrono::Utc>>> {
        crate::records::throttle::admit_address(self, address, budget, now).await
    }

    async fn address_failed(
        &self,
        address: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        crate::records::throttle::address_failed(self, address, now).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        staff: tsunagu_domain::StaffId,
        csrf_token: &str,
        stage: SessionStage,
        remote: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        query(
            "insert into sessions (token_hash, staff_id, csrf_token, stage, created_at, last_seen, remote) \
             values ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash.to_owned())
        .bind(staff.0)
        .bind(csrf_token.to_owned())
        .bind(stage.code())
        .bind(crate::backend::row::ts(now))
        .bind(remote.to_owned())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> crate::Result<Option<Session>> {
        use crate::backend::row::RowExt;
        let row = query(
            "select staff_id, csrf_token, stage, created_at, last_seen from sessions where token_hash = $1",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sql = format!("select {} from staff where id = $1", STAFF_COLS);
        let staff = query_built(sqlx::AssertSqlSafe(sql))
            .bind(row.int("staff_id")?)
            .fetch_one(self.pool())
            .await?;
        Ok(Some(Session {
            staff: staff_of(&staff)?,
            csrf_token: row.text("csrf_token")?,
            stage: SessionStage::parse(&row.text("stage")?)?,
            created_at: row.time("created_at")?,
            last_seen: row.time("last_seen")?,
        }))
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        query("update sessions set last_seen = $1 where token_hash = $2")
            .bind(crate::backend::row::ts(now))
            .bind(token_hash.to_owned())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<&StaffCtx>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<()> {
        let mut tx = self.begin_write().await?;
        query("delete from sessions where token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&mut tx)
            .await?;
        if let Some(ctx) = audit {
            let ev = staff_event(
                ctx,
                AuditAction::Logout,
                AuditTarget::Account,
                Some(ctx.username.to_string()),
                None,
                String::new(),
                now,
            );
            append_in(&mut tx, ev).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<B: Backend> SubjectStore for B {
    async fn create_subject(
        &self,
        ctx: &StaffCtx,
        label: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Subject> {
        let tried = Attempted {
            action: AuditAction::Create,
            target: AuditTarget::Subject,
            target_id: None,
            subject: None,
        };
        refusal_audited(self, ctx, tried, now, async move {
            use crate::backend::row::RowExt;
            ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
            let label = check_label(label)?;
            let mut tx = self.begin_write().await?;
            let row = query(
                "insert into subjects (organization, label, created_by, created_at) values ($1, $2, $3, $4) returning id",
            )
            .bind(ctx.organization.to_string())
            .bind(label)
            .bind(ctx.id.0)
            .bind(crate::backend::row::ts(now))
            .fetch_one(&mut tx)
            .await?;
            let id = tsunagu_domain::SubjectId(row.int("id")?);
            let ev = staff_event(
                ctx,
                AuditAction::Create,
                AuditTarget::Subject,
                Some(id.to_string()),
                Some(id),
                String::new(),
                now,
            );
            append_in(&mut tx, ev).await?;
            let subject = subject_in(&mut tx, ctx, id).await?;
            tx.commit().await?;
            Ok(subject)
        })
        .await
    }

    async fn list_subjects(
        &self,
        ctx: &StaffCtx,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Vec<Subject>> {
        let tried = Attempted {
            action: AuditAction::List,
            target: AuditTarget::Subject,
            target_id: None,
            subject: None,
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let mut tx = self.begin_write().await?;
            let sql = format!(
                "select {} from subjects s join staff st on st.id = s.created_by where s.organization = $1 order by s.id desc",
                SUBJECT_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(ctx.organization.to_string())
                .fetch_all(&mut tx)
                .await?;
            let subjects: Vec<_> = rows.iter().map(subject_of).collect::<crate::Result<_>>()?;
            let ev = staff_event(
                ctx,
                AuditAction::List,
                AuditTarget::Subject,
                None,
                None,
                format!("{} files", subjects.len()),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(subjects)
        })
        .await
    }

    async fn subject_file(
        &self,
        ctx: &StaffCtx,
        id: tsunagu_domain::SubjectId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<SubjectFile> {
        let tried = Attempted {
            action: AuditAction::Read,
            target: AuditTarget::Subject,
            target_id: Some(id.to_string()),
            subject: Some(id),
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let mut tx = self.begin_write().await?;
            let subject = subject_in(&mut tx, ctx, id).await?;
            let consents = consents_in(&mut tx, id).await?;
            let records = records_in(&mut tx, id)
                .await?
                .into_iter()
                .map(|r| RecordSummary {
                    id: r.id,
                    kind: r.kind,
                    created_by: r.created_by,
                    created_at: r.created_at,
                    usable: r.deletion_due.is_none(),
                })
                .collect();
            let ev = staff_event(
                ctx,
                AuditAction::Read,
                AuditTarget::Subject,
                Some(id.to_string()),
                Some(id),
                String::new(),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(SubjectFile {
                subject,
                consents,
                records,
            })
        })
        .await
    }

    async fn record_consent(
        &self,
        ctx: &StaffCtx,
        subject: tsunagu_domain::SubjectId,
        consent: &tsunagu_domain::records::consent::NewConsent,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Consent> {
        let tried = Attempted {
            action: AuditAction::ConsentGiven,
            target: AuditTarget::Subject,
            target_id: Some(subject.to_string()),
            subject: Some(subject),
        };
        refusal_audited(self, ctx, tried, now, async move {
            use crate::backend::row::RowExt;
            ctx.require(tsunagu_domain::records::access::Permission::RecordConsent)?;
            let mut tx = self.begin_write().await?;
            subject_in(&mut tx, ctx, subject).await?;
            let row = query(
                "insert into consents (subject_id, purpose, scope, given_by, giver_name, given_at, recorded_by, recorded_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
            )
            .bind(subject.0)
            .bind(consent.purpose().to_owned())
            .bind(consent.scope().to_codes())
            .bind(consent.given_by().code())
            .bind(consent.giver_name().map(str::to_owned))
            .bind(crate::backend::row::ts(consent.given_at()))
            .bind(ctx.id.0)
            .bind(crate::backend::row::ts(now))
            .fetch_one(&mut tx)
            .await?;
            let id = row.int("id")?;
            let ev = staff_event(
                ctx,
                AuditAction::ConsentGiven,
                AuditTarget::Consent,
                Some(id.to_string()),
                Some(subject),
                format!("scope={}", consent.scope().to_codes()),
                now,
            );
            append_in(&mut tx, ev).await?;
            let consent = consents_in(&mut tx, subject)
                .await?
                .into_iter()
                .find(|c| c.id.0 == id)
                .ok_or_else(|| crate::StoreError::Backend("consent vanished after insert".into()))?;
            tx.commit().await?;
            Ok(consent)
        })
        .await
    }

    async fn withdraw_consent(
        &self,
        ctx: &StaffCtx,
        id: tsunagu_domain::ConsentId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Consent> {
        let tried = Attempted {
            action: AuditAction::ConsentWithdrawn,
            target: AuditTarget::Consent,
            target_id: Some(id.to_string()),
            subject: None,
        };
        refusal_audited(self, ctx, tried, now, async move {
            use crate::backend::row::RowExt;
            ctx.require(tsunagu_domain::records::access::Permission::RecordConsent)?;
            let mut tx = self.begin_write().await?;
            let row = query(
                "select c.subject_id, c.withdrawn_at from consents c join subjects s on s.id = c.subject_id \
                 where c.id = $1 and s.organization = $2",
            )
            .bind(id.0)
            .bind(ctx.organization.to_string())
            .fetch_optional(&mut tx)
            .await?
            .ok_or_else(|| crate::StoreError::NotFound(format!("consent {id}")))?;
            if row.opt_text("withdrawn_at")?.is_some() {
                return Err(crate::StoreError::Conflict(format!(
                    "consent {id} is already withdrawn"
                )));
            }
            let subject = tsunagu_domain::SubjectId(row.int("subject_id")?);
            query("update consents set withdrawn_at = $1, withdrawn_by = $2 where id = $3")
                .bind(crate::backend::row::ts(now))
                .bind(ctx.id.0)
                .bind(id.0)
                .execute(&mut tx)
                .await?;
            // Obligations are derived from the records: they go with the records' use.
            query("delete from obligations where record_id in (select id from records where consent_id = $1)")
                .bind(id.0)
                .execute(&mut tx)
                .await?;
            let n = query(
                "update records set deletion_due = $1 where consent_id = $2 and deletion_due is null",
            )
            .bind(crate::backend::row::ts(now))
            .bind(id.0)
            .execute(&mut tx)
            .await?
            .rows_affected();
            let ev = staff_event(
                ctx,
                AuditAction::ConsentWithdrawn,
                AuditTarget::Consent,
                Some(id.to_string()),
                Some(subject),
                format!("{n} records due for deletion"),
                now,
            );
            append_in(&mut tx, ev).await?;
            let consent = consents_in(&mut tx, subject)
                .await?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| crate::StoreError::Backend("consent vanished after update".into()))?;
            tx.commit().await?;
            Ok(consent)
        })
        .await
    }

    async fn export_subject(
        &self,
        ctx: &StaffCtx,
        id: tsunagu_domain::SubjectId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<SubjectExport> {
        let tried = Attempted {
            action: AuditAction::Export,
            target: AuditTarget::Subject,
            target_id: Some(id.to_string()),
            subject: Some(id),
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ExportSubject)?;
            let mut tx = self.begin_write().await?;
            let subject = subject_in(&mut tx, ctx, id).await?;
            let consents = consents_in(&mut tx, id).await?;
            let records = records_in(&mut tx, id).await?;
            let sql = format!(
                "select {} from audit_log where subject_id = $1 order by seq",
                AUDIT_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_all(&mut tx)
                .await?;
            let access_log = rows
                .iter()
                .map(audit_of)
                .collect::<crate::Result<Vec<_>>>()?;
            let ev = staff_event(
                ctx,
                AuditAction::Export,
                AuditTarget::Subject,
                Some(id.to_string()),
                Some(id),
                format!("{} records", records.len()),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(SubjectExport {
                exported_at: now,
                exported_by: ctx.username.to_string(),
                subject,
                consents,
                records,
                access_log,
            })
        })
        .await
    }

    async fn purge(
        &self,
        by: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<PurgeSummary> {
        use crate::backend::row::RowExt;
        let mut tx = self.begin_write().await?;
        let t = crate::backend::row::ts(now);
        let due = query(
            "select id, subject_id, kind, deletion_due from records \
             where (deletion_due is not null and deletion_due <= $1) or retain_until <= $1 order by id",
        )
        .bind(t.clone())
        .fetch_all(&mut tx)
        .await?;
        let mut summary = PurgeSummary::default();
        for r in &due {
            let id = r.int("id")?;
            let withdrawn = r.opt_text("deletion_due")?.is_some();
            if withdrawn {
                summary.records_withdrawn += 1;
            } else {
                summary.records_expired += 1;
            }
            query("delete from records where id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
            let ev = tsunagu_domain::records::audit_trail::AuditEvent {
                subject_id: Some(r.int("subject_id")?),
                ..actor_event(
                    by,
                    AuditAction::Delete,
                    AuditTarget::Record,
                    Some(id.to_string()),
                    format!(
                        "kind={} reason={}",
                        r.text("kind")?,
                        if withdrawn {
                            "consent_withdrawn"
                        } else {
                            "retention"
                        }
                    ),
                    now,
                )
            };
            append_in(&mut tx, ev).await?;
        }
        // A file with no records left and no standing consent holds nothing usable.
        let empty = query(
            "select s.id from subjects s where not exists (select 1 from records r where r.subject_id = s.id) \
             and not exists (select 1 from consents c where c.subject_id = s.id and c.withdrawn_at is null) \
             and exists (select 1 from consents c where c.subject_id = s.id) order by s.id",
        )
        .fetch_all(&mut tx)
        .await?;
        for s in &empty {
            let id = s.int("id")?;
            query("delete from subjects where id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
            summary.subjects_deleted += 1;
            let ev = tsunagu_domain::records::audit_trail::AuditEvent {
                subject_id: Some(id),
                ..actor_event(
                    by,
                    AuditAction::Delete,
                    AuditTarget::Subject,
                    Some(id.to_string()),
                    "all consents withdrawn".into(),
                    now,
                )
            };
            append_in(&mut tx, ev).await?;
        }
        let idle_cut = crate::backend::row::ts(now - tsunagu_domain::records::access::IDLE_TIMEOUT);
        let abs_cut =
            crate::backend::row::ts(now - tsunagu_domain::records::access::ABSOLUTE_TIMEOUT);
        summary.sessions_deleted =
            query("delete from sessions where last_seen <= $1 or created_at <= $2")
                .bind(idle_cut)
                .bind(abs_cut)
                .execute(&mut tx)
                .await?
                .rows_affected();
        let ev = actor_event(
            by,
            AuditAction::Purge,
            AuditTarget::System,
            None,
            format!(
                "expired={} withdrawn={} subjects={} sessions={}",
                summary.records_expired,
                summary.records_withdrawn,
                summary.subjects_deleted,
                summary.sessions_deleted
            ),
            now,
        );
        append_in(&mut tx, ev).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

#[async_trait::async_trait]
impl<B: Backend> RecordStore for B {
    async fn add_record(
        &self,
        ctx: &StaffCtx,
        subject: tsunagu_domain::SubjectId,
        kind: tsunagu_domain::records::consent::RecordKind,
        body: &serde_json::Value,
        retention: &tsunagu_domain::records::consent::RetentionPolicy,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Record> {
        let tried = Attempted {
            action: AuditAction::Create,
            target: AuditTarget::Record,
            target_id: None,
            subject: Some(subject),
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
            let body = check_body(body)?;
            let mut tx = self.begin_write().await?;
            let record =
                insert_record_in(&mut tx, ctx, subject, kind, body, retention, now).await?;
            tx.commit().await?;
            Ok(record)
        })
        .await
    }

    async fn record(
        &self,
        ctx: &StaffCtx,
        id: tsunagu_domain::RecordId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Record> {
        let tried = Attempted {
            action: AuditAction::Read,
            target: AuditTarget::Record,
            target_id: Some(id.to_string()),
            subject: None,
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let mut tx = self.begin_write().await?;
            let sql = format!(
                "select {} from records r join staff st on st.id = r.created_by join subjects s on s.id = r.subject_id \
                 where r.id = $1 and s.organization = $2",
                RECORD_COLS
            );
            let row = query_built(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .bind(ctx.organization.to_string())
                .fetch_optional(&mut tx)
                .await?
                .ok_or_else(|| crate::StoreError::NotFound(format!("record {id}")))?;
            let record = record_of(&row)?;
            if record.deletion_due.is_some() {
                return Err(crate::StoreError::Gone(format!(
                    "record {id}: its consent was withdrawn, so it may no longer be used and awaits deletion"
                )));
            }
            let ev = staff_event(
                ctx,
                AuditAction::Read,
                AuditTarget::Record,
                Some(id.to_string()),
                Some(record.subject_id),
                String::new(),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(record)
        })
        .await
    }

    async fn records_of_kind(
        &self,
        ctx: &StaffCtx,
        subject: tsunagu_domain::SubjectId,
        kind: tsunagu_domain::records::consent::RecordKind,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Vec<Record>> {
        let tried = Attempted {
            action: AuditAction::Read,
            target: AuditTarget::Record,
            target_id: None,
            subject: Some(subject),
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let mut tx = self.begin_write().await?;
            subject_in(&mut tx, ctx, subject).await?;
            let sql = format!(
                "select {} from records r join staff st on st.id = r.created_by \
                 where r.subject_id = $1 and r.kind = $2 and r.deletion_due is null order by r.id",
                RECORD_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(subject.0)
                .bind(kind.code())
                .fetch_all(&mut tx)
                .await?;
            let records = rows
                .iter()
                .map(record_of)
                .collect::<crate::Result<Vec<_>>>()?;
            for r in &records {
                let ev = staff_event(
                    ctx,
                    AuditAction::Read,
                    AuditTarget::Record,
                    Some(r.id.to_string()),
                    Some(subject),
                    String::new(),
                    now,
                );
                append_in(&mut tx, ev).await?;
            }
            tx.commit().await?;
            Ok(records)
        })
        .await
    }

    async fn record_access_log(
        &self,
        ctx: &StaffCtx,
        id: tsunagu_domain::RecordId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Vec<tsunagu_domain::records::audit_trail::AuditEntry>> {
        let tried = Attempted {
            action: AuditAction::ViewAccessLog,
            target: AuditTarget::Record,
            target_id: Some(id.to_string()),
            subject: None,
        };
        refusal_audited(self, ctx, tried, now, async move {
            use crate::backend::row::RowExt;
            ctx.require(tsunagu_domain::records::access::Permission::ViewAccessLog)?;
            let mut tx = self.begin_write().await?;
            // The record may be gone (purged); its trail stays, so the scope check is on
            // the person when the record still exists, and on the trail's own subject id
            // otherwise.
            let subject = query(
                "select subject_id from audit_log where target = 'record' and target_id = $1 \
                 and subject_id is not null order by seq limit 1",
            )
            .bind(id.to_string())
            .fetch_optional(&mut tx)
            .await?
            .ok_or_else(|| crate::StoreError::NotFound(format!("record {id}")))?;
            let subject = tsunagu_domain::SubjectId(subject.int("subject_id")?);
            let org = query("select organization from subjects where id = $1")
                .bind(subject.0)
                .fetch_optional(&mut tx)
                .await?;
            let org = match org {
                Some(r) => Some(r.text("organization")?),
                // Purged: the record belonged to the organisation of whoever created it.
                None => query(
                    "select st.organization from audit_log a join staff st on st.username = a.actor \
                     where a.target = 'record' and a.target_id = $1 and a.action = 'create' order by a.seq limit 1",
                )
                .bind(id.to_string())
                .fetch_optional(&mut tx)
                .await?
                .map(|r| r.text("organization"))
                .transpose()?,
            };
            let in_scope = org.as_deref() == Some(ctx.organization.as_ref());
            if !in_scope {
                return Err(crate::StoreError::NotFound(format!("record {id}")));
            }
            // Everything about the record, refusals included, and every export of the person's
            // file, which contained the record.
            let sql = format!(
                "select {} from audit_log where (target = 'record' and target_id = $1) \
                 or (action = 'export' and subject_id = $2 and seq > \
                     (select min(seq) from audit_log where target = 'record' and target_id = $1)) \
                 order by seq",
                AUDIT_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(id.to_string())
                .bind(subject.0)
                .fetch_all(&mut tx)
                .await?;
            let entries = rows
                .iter()
                .map(audit_of)
                .collect::<crate::Result<Vec<_>>>()?;
            let ev = staff_event(
                ctx,
                AuditAction::ViewAccessLog,
                AuditTarget::Record,
                Some(id.to_string()),
                Some(subject),
                String::new(),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(entries)
        })
        .await
    }
}

#[async_trait::async_trait]
impl<B: Backend> AuditStore for B {
    async fn append_audit(
        &self,
        event: tsunagu_domain::records::audit_trail::AuditEvent,
    ) -> crate::Result<tsunagu_domain::records::audit_trail::AuditEntry> {
        let mut tx = self.begin_write().await?;
        let entry = append_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn review_audit(
        &self,
        ctx: &StaffCtx,
        filter: &AuditFilter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Vec<tsunagu_domain::records::audit_trail::AuditEntry>> {
        let tried = Attempted {
            action: AuditAction::ViewAccessLog,
            target: AuditTarget::System,
            target_id: None,
            subject: filter.subject,
        };
        refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReviewAuditTrail)?;
            let mut tx = self.begin_write().await?;
            let sql = format!(
                "select {} from audit_log where \
                 (actor in (select username from staff where organization = $1) \
                  or (target = 'account' and target_id in (select username from staff where organization = $1)) \
                  or subject_id in (select id from subjects where organization = $1)) \
                 and ($2 is null or action = $2) and ($3 is null or actor = $3) \
                 and ($4 is null or subject_id = $4) and ($5 is null or at >= $5) \
                 and ($6 is null or at < $6) order by seq desc limit $7",
                AUDIT_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(ctx.organization.to_string())
                .bind(filter.action.map(|a| a.code().to_owned()))
                .bind(filter.actor.as_ref().map(|u| u.to_string()))
                .bind(filter.subject.map(|s| s.0))
                .bind(filter.from.map(crate::backend::row::ts))
                .bind(filter.until.map(crate::backend::row::ts))
                .bind(filter.limit.clamp(1, 1000))
                .fetch_all(&mut tx)
                .await?;
            let entries = rows
                .iter()
                .map(audit_of)
                .collect::<crate::Result<Vec<_>>>()?;
            let ev = staff_event(
                ctx,
                AuditAction::ViewAccessLog,
                AuditTarget::System,
                None,
                filter.subject,
                format!("audit review, {} entries", entries.len()),
                now,
            );
            append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(entries)
        })
        .await
    }

    async fn audit_page(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> crate::Result<Vec<tsunagu_domain::records::audit_trail::AuditEntry>> {
        let sql = format!(
            "select {} from audit_log where seq > $1 order by seq limit $2",
            AUDIT_COLS
        );
        let rows = query_built(sqlx::AssertSqlSafe(sql))
            .bind(after_seq)
            .bind(limit.clamp(1, 10_000))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(audit_of).collect()
    }
}

/// An audit event about a staff account, by that account (sign-in attempts).
fn account_event(
    staff: &Staff,
    remote: &str,
    action: AuditAction,
    detail: String,
    now: chrono::DateTime<chrono::Utc>,
) -> AuditEvent {
    let by = Actor {
        name: staff.username.to_string(),
        remote: remote.to_owned(),
    };
    actor_event(
        &by,
        action,
        AuditTarget::Account,
        Some(staff.username.to_string()),
        detail,
        now,
    )
}

/// Writes the sign-in counters of an account.
async fn store_login_state(
    tx: &mut Tx,
    id: tsunagu_domain::StaffId,
    st: &tsunagu_domain::records::access::LoginState,
) -> crate::Result<()> {
    query(
        "update staff set failed_logins = $1, locked_until = $2, attempt_after = $3 where id = $4",
    )
    .bind(i64::from(st.failed_logins))
    .bind(st.locked_until.map(crate::backend::row::ts))
    .bind(st.attempt_after.map(crate::backend::row::ts))
    .bind(id.0)
    .execute(tx)
    .await?;
    Ok(())
}
