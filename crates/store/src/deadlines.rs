//! Deadlines of stored cases: a case event is a personal record (kind `case`, stored only under
//! a consent that covers cases); the obligations the deadline engine derives from it are stored
//! beside it, so that an organisation's due list is an indexed range query, never a scan.
//!
//! # Brief overview
//! [`DeadlineStore::add_case_event`] stores the event and its obligations in one transaction
//! with its audit entry. [`DeadlineStore::due_list`] answers the dashboard (overdue / within
//! 7 days / later) from the partial index `obligations_open_due`; [`DeadlineStore::case_deadlines`]
//! lists one person's, for the case page and the iCalendar feed. Every read is audited; marking
//! an obligation done is audited. Withdrawing the consent deletes the obligations with the
//! records' use (they are derived data); purging the records deletes them by cascade.

use crate::records::StaffCtx;
use crate::Result;
use chrono::{DateTime, Utc};
use tsunagu_domain::records::consent::RetentionPolicy;
use tsunagu_domain::{RecordId, SubjectId};

/// An obligation to store with its case event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObligation {
    /// Obligation code.
    pub obligation: String,
    /// Due day or JST wall time, as shown (`2026-11-30`, `2026-11-21T11:00`).
    pub due: String,
    /// The instant it becomes overdue.
    pub due_at: DateTime<Utc>,
    /// Law and article.
    pub law: String,
    /// Seed `file:line`.
    pub source: String,
    /// What it means.
    pub meaning: String,
}

/// A stored obligation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueItem {
    /// Row id.
    pub id: i64,
    /// The case event (record) it came from.
    pub record_id: RecordId,
    /// The person.
    pub subject_id: SubjectId,
    /// The person's file label.
    pub subject_label: String,
    /// Obligation code.
    pub obligation: String,
    /// Due, as shown.
    pub due: String,
    /// Overdue from.
    pub due_at: DateTime<Utc>,
    /// Law and article.
    pub law: String,
    /// Seed `file:line`.
    pub source: String,
    /// What it means.
    pub meaning: String,
    /// When marked done.
    pub done_at: Option<DateTime<Utc>>,
}

/// The dashboard: open obligations of the caller's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct DueList {
    /// Past their due instant.
    pub overdue: Vec<DueItem>,
    /// Due within the next 7 days.
    pub within_7_days: Vec<DueItem>,
    /// Due later.
    pub later: Vec<DueItem>,
    /// How many are overdue in all (the list holds at most `limit`).
    pub overdue_total: i64,
    /// How many are due within 7 days in all.
    pub within_7_days_total: i64,
}

/// The storage contract for case deadlines; both backends implement it.
#[async_trait::async_trait]
pub trait DeadlineStore: Send + Sync {
    /// Stores a case event (a `case` record, consent-gated) and the obligations derived from
    /// it, in one transaction with its audit entry.
    async fn add_case_event(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        event: &serde_json::Value,
        obligations: &[NewObligation],
        retention: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<crate::records::Record>;
    /// One person's obligations (open and done), by due instant; one audit entry.
    async fn case_deadlines(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueItem>>;
    /// The organisation's open obligations: overdue, within 7 days of `now`, and later (each
    /// list at most `limit` long, soonest first); one audit entry.
    async fn due_list(&self, ctx: &StaffCtx, limit: i64, now: DateTime<Utc>) -> Result<DueList>;
    /// Marks one of a person's obligations done; audited. Another person's or organisation's
    /// obligation is "not found".
    async fn complete_obligation(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<DueItem>;
}

/// The columns [`due_of`] reads.
pub(crate) const DUE_COLS: &str =
    "o.id, o.record_id, o.subject_id, s.label as subject_label, o.obligation, o.due, \
     o.due_at, o.law, o.source, o.meaning, o.done_at";

pub(crate) fn due_of(r: &impl crate::records::RowExt) -> Result<DueItem> {
    Ok(DueItem {
        id: r.int("id")?,
        record_id: RecordId(r.int("record_id")?),
        subject_id: SubjectId(r.int("subject_id")?),
        subject_label: r.text("subject_label")?,
        obligation: r.text("obligation")?,
        due: r.text("due")?,
        due_at: r.time("due_at")?,
        law: r.text("law")?,
        source: r.text("source")?,
        meaning: r.text("meaning")?,
        done_at: r.opt_time("done_at")?,
    })
}

/// Expands [`DeadlineStore`] for one backend, beside `impl_record_store!` (it uses its
/// transaction helpers).
macro_rules! impl_deadline_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn due_range_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                organization: &str,
                from: Option<&str>,
                to: Option<&str>,
                limit: i64,
            ) -> $crate::Result<(Vec<$crate::deadlines::DueItem>, i64)> {
                use $crate::records::RowExt;
                // Both bounds always bound: '' sorts before every time and '~' after.
                let (from, to) = (from.unwrap_or(""), to.unwrap_or("~"));
                let sql = format!(
                    "select {} from obligations o join subjects s on s.id = o.subject_id \
                     where o.organization = $1 and o.done_at is null and o.due_at >= $2 and o.due_at < $3 \
                     order by o.due_at, o.id limit $4",
                    $crate::deadlines::DUE_COLS
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(organization.to_owned())
                    .bind(from.to_owned())
                    .bind(to.to_owned())
                    .bind(limit)
                    .fetch_all(&mut **tx)
                    .await?;
                let items = rows.iter().map($crate::deadlines::due_of).collect::<$crate::Result<Vec<_>>>()?;
                let total = if (items.len() as i64) < limit {
                    items.len() as i64
                } else {
                    let row = sqlx::query(
                        "select count(*) as n from obligations o \
                         where o.organization = $1 and o.done_at is null and o.due_at >= $2 and o.due_at < $3",
                    )
                    .bind(organization.to_owned())
                    .bind(from.to_owned())
                    .bind(to.to_owned())
                    .fetch_one(&mut **tx)
                    .await?;
                    row.int("n")?
                };
                Ok((items, total))
            }
        }

        #[async_trait::async_trait]
        impl $crate::deadlines::DeadlineStore for $store {
            async fn add_case_event(
                &self,
                ctx: &$crate::records::StaffCtx,
                subject: tsunagu_domain::SubjectId,
                event: &serde_json::Value,
                obligations: &[$crate::deadlines::NewObligation],
                retention: &tsunagu_domain::records::consent::RetentionPolicy,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::records::Record> {
                ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
                let body = $crate::records::check_body(event)?;
                let mut tx = self.begin_write().await?;
                let record = Self::insert_record_in(
                    &mut tx, ctx, subject, tsunagu_domain::records::consent::RecordKind::Case, body, retention, now,
                )
                .await?;
                for o in obligations {
                    sqlx::query(
                        "insert into obligations (record_id, subject_id, organization, obligation, due, due_at, law, source, meaning) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(record.id.0)
                    .bind(subject.0)
                    .bind(ctx.organization.to_string())
                    .bind(o.obligation.clone())
                    .bind(o.due.clone())
                    .bind($crate::records::ts(o.due_at))
                    .bind(o.law.clone())
                    .bind(o.source.clone())
                    .bind(o.meaning.clone())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(record)
            }

            async fn case_deadlines(
                &self,
                ctx: &$crate::records::StaffCtx,
                subject: tsunagu_domain::SubjectId,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<Vec<$crate::deadlines::DueItem>> {
                ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
                let mut tx = self.begin_write().await?;
                Self::subject_in(&mut tx, ctx, subject).await?;
                let sql = format!(
                    "select {} from obligations o join subjects s on s.id = o.subject_id \
                     where o.subject_id = $1 order by o.due_at, o.id",
                    $crate::deadlines::DUE_COLS
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(subject.0).fetch_all(&mut *tx).await?;
                let items = rows.iter().map($crate::deadlines::due_of).collect::<$crate::Result<Vec<_>>>()?;
                let ev = $crate::records::staff_event(
                    ctx, tsunagu_domain::records::audit_trail::AuditAction::Read, tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                    None, Some(subject), format!("{} obligations", items.len()), now,
                );
                Self::append_in(&mut tx, ev).await?;
                tx.commit().await?;
                Ok(items)
            }

            async fn due_list(
                &self,
                ctx: &$crate::records::StaffCtx,
                limit: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::deadlines::DueList> {
                ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
                let limit = limit.clamp(1, 1000);
                let org = ctx.organization.to_string();
                let now_s = $crate::records::ts(now);
                let week = $crate::records::ts(now + chrono::Duration::days(7));
                let mut tx = self.begin_write().await?;
                let (overdue, overdue_total) = Self::due_range_in(&mut tx, &org, None, Some(&now_s), limit).await?;
                let (within_7_days, within_7_days_total) =
                    Self::due_range_in(&mut tx, &org, Some(&now_s), Some(&week), limit).await?;
                let (later, _) = Self::due_range_in(&mut tx, &org, Some(&week), None, limit).await?;
                let ev = $crate::records::staff_event(
                    ctx, tsunagu_domain::records::audit_trail::AuditAction::List, tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                    None, None,
                    format!("overdue={overdue_total} within_7_days={within_7_days_total} shown={}", overdue.len() + within_7_days.len() + later.len()),
                    now,
                );
                Self::append_in(&mut tx, ev).await?;
                tx.commit().await?;
                Ok($crate::deadlines::DueList { overdue, within_7_days, later, overdue_total, within_7_days_total })
            }

            async fn complete_obligation(
                &self,
                ctx: &$crate::records::StaffCtx,
                subject: tsunagu_domain::SubjectId,
                id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::deadlines::DueItem> {
                ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "select {} from obligations o join subjects s on s.id = o.subject_id \
                     where o.id = $1 and o.organization = $2 and o.subject_id = $3",
                    $crate::deadlines::DUE_COLS
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(id)
                    .bind(ctx.organization.to_string())
                    .bind(subject.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("obligation {id}")))?;
                let item = $crate::deadlines::due_of(&row)?;
                if item.done_at.is_some() {
                    return Err($crate::StoreError::Conflict(format!("obligation {id} is already done")));
                }
                sqlx::query("update obligations set done_at = $1, done_by = $2 where id = $3")
                    .bind($crate::records::ts(now))
                    .bind(ctx.id.0)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let ev = $crate::records::staff_event(
                    ctx, tsunagu_domain::records::audit_trail::AuditAction::Complete, tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                    Some(id.to_string()), Some(item.subject_id), format!("{} due {}", item.obligation, item.due), now,
                );
                Self::append_in(&mut tx, ev).await?;
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .bind(ctx.organization.to_string())
                    .bind(subject.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let item = $crate::deadlines::due_of(&row)?;
                tx.commit().await?;
                Ok(item)
            }
        }
    };
}
pub(crate) use impl_deadline_store;
