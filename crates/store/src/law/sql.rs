//! The SQL of case deadlines, written once for every backend (`impl<B: Backend>`, on
//! [`crate::backend::sql`]).

use crate::backend::error::Result;
use crate::backend::sql::{query, query_built, Backend, Tx};
use crate::law::store::*;
use tsunagu_domain::{RecordId, SubjectId};

pub(crate) fn due_of(r: &impl crate::backend::row::RowExt) -> Result<DueItem> {
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

pub(crate) async fn due_range_in(
    tx: &mut Tx,
    organization: &str,
    from: Option<&str>,
    to: Option<&str>,
    limit: i64,
) -> crate::Result<(Vec<DueItem>, i64)> {
    use crate::backend::row::RowExt;
    // Both bounds always bound: '' sorts before every time and '~' after.
    let (from, to) = (from.unwrap_or(""), to.unwrap_or("~"));
    let sql = format!(
        "select {} from obligations o join subjects s on s.id = o.subject_id \
         where o.organization = $1 and o.done_at is null and o.due_at >= $2 and o.due_at < $3 \
         order by o.due_at, o.id limit $4",
        DUE_COLS
    );
    let rows = query_built(sqlx::AssertSqlSafe(sql))
        .bind(organization.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    let items = rows
        .iter()
        .map(crate::law::sql::due_of)
        .collect::<crate::Result<Vec<_>>>()?;
    let total = if (items.len() as i64) < limit {
        items.len() as i64
    } else {
        let row = query(
            "select count(*) as n from obligations o \
             where o.organization = $1 and o.done_at is null and o.due_at >= $2 and o.due_at < $3",
        )
        .bind(organization.to_owned())
        .bind(from.to_owned())
        .bind(to.to_owned())
        .fetch_one(&mut *tx)
        .await?;
        row.int("n")?
    };
    Ok((items, total))
}

#[async_trait::async_trait]
impl<B: Backend> DeadlineStore for B {
    async fn add_case_event(
        &self,
        ctx: &crate::records::store::StaffCtx,
        subject: tsunagu_domain::SubjectId,
        event: &serde_json::Value,
        obligations: &[NewObligation],
        retention: &tsunagu_domain::records::consent::RetentionPolicy,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<crate::records::store::Record> {
        let tried = crate::records::sql::Attempted {
            action: tsunagu_domain::records::audit_trail::AuditAction::Create,
            target: tsunagu_domain::records::audit_trail::AuditTarget::Record,
            target_id: None,
            subject: Some(subject),
        };
        crate::records::sql::refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
            let body = crate::records::store::check_body(event)?;
            let mut tx = self.begin_write().await?;
            let record = crate::records::sql::insert_record_in(
                &mut tx,
                ctx,
                subject,
                tsunagu_domain::records::consent::RecordKind::Case,
                body,
                retention,
                now,
            )
            .await?;
            for o in obligations {
                query(
                    "insert into obligations (record_id, subject_id, organization, obligation, due, due_at, law, source, meaning) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(record.id.0)
                .bind(subject.0)
                .bind(ctx.organization.to_string())
                .bind(o.obligation.clone())
                .bind(o.due.clone())
                .bind(crate::backend::row::ts(o.due_at))
                .bind(o.law.clone())
                .bind(o.source.clone())
                .bind(o.meaning.clone())
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await?;
            Ok(record)
        })
        .await
    }

    async fn case_deadlines(
        &self,
        ctx: &crate::records::store::StaffCtx,
        subject: tsunagu_domain::SubjectId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<Vec<DueItem>> {
        let tried = crate::records::sql::Attempted {
            action: tsunagu_domain::records::audit_trail::AuditAction::Read,
            target: tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
            target_id: None,
            subject: Some(subject),
        };
        crate::records::sql::refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let mut tx = self.begin_write().await?;
            crate::records::sql::subject_in(&mut tx, ctx, subject).await?;
            let sql = format!(
                "select {} from obligations o join subjects s on s.id = o.subject_id \
                 where o.subject_id = $1 order by o.due_at, o.id",
                DUE_COLS
            );
            let rows = query_built(sqlx::AssertSqlSafe(sql))
                .bind(subject.0)
                .fetch_all(&mut tx)
                .await?;
            let items = rows
                .iter()
                .map(crate::law::sql::due_of)
                .collect::<crate::Result<Vec<_>>>()?;
            let ev = crate::records::sql::staff_event(
                ctx,
                tsunagu_domain::records::audit_trail::AuditAction::Read,
                tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                None,
                Some(subject),
                format!("{} obligations", items.len()),
                now,
            );
            crate::records::sql::append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(items)
        })
        .await
    }

    async fn due_list(
        &self,
        ctx: &crate::records::store::StaffCtx,
        limit: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<DueList> {
        let tried = crate::records::sql::Attempted {
            action: tsunagu_domain::records::audit_trail::AuditAction::List,
            target: tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
            target_id: None,
            subject: None,
        };
        crate::records::sql::refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::ReadRecords)?;
            let limit = limit.clamp(1, 1000);
            let org = ctx.organization.to_string();
            let now_s = crate::backend::row::ts(now);
            let week = crate::backend::row::ts(now + chrono::Duration::days(7));
            let mut tx = self.begin_write().await?;
            let (overdue, overdue_total) =
                due_range_in(&mut tx, &org, None, Some(&now_s), limit).await?;
            let (within_7_days, within_7_days_total) =
                due_range_in(&mut tx, &org, Some(&now_s), Some(&week), limit).await?;
            let (later, _) = due_range_in(&mut tx, &org, Some(&week), None, limit).await?;
            let ev = crate::records::sql::staff_event(
                ctx,
                tsunagu_domain::records::audit_trail::AuditAction::List,
                tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                None,
                None,
                format!(
                    "overdue={overdue_total} within_7_days={within_7_days_total} shown={}",
                    overdue.len() + within_7_days.len() + later.len()
                ),
                now,
            );
            crate::records::sql::append_in(&mut tx, ev).await?;
            tx.commit().await?;
            Ok(DueList {
                overdue,
                within_7_days,
                later,
                overdue_total,
                within_7_days_total,
            })
        })
        .await
    }

    async fn complete_obligation(
        &self,
        ctx: &crate::records::store::StaffCtx,
        subject: tsunagu_domain::SubjectId,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<DueItem> {
        let tried = crate::records::sql::Attempted {
            action: tsunagu_domain::records::audit_trail::AuditAction::Complete,
            target: tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
            target_id: Some(id.to_string()),
            subject: Some(subject),
        };
        crate::records::sql::refusal_audited(self, ctx, tried, now, async move {
            ctx.require(tsunagu_domain::records::access::Permission::WriteRecords)?;
            let mut tx = self.begin_write().await?;
            let sql = format!(
                "select {} from obligations o join subjects s on s.id = o.subject_id \
                 where o.id = $1 and o.organization = $2 and o.subject_id = $3",
                DUE_COLS
            );
            let row = query_built(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(ctx.organization.to_string())
                .bind(subject.0)
                .fetch_optional(&mut tx)
                .await?
                .ok_or_else(|| crate::StoreError::NotFound(format!("obligation {id}")))?;
            let item = crate::law::sql::due_of(&row)?;
            if item.done_at.is_some() {
                return Err(crate::StoreError::Conflict(format!(
                    "obligation {id} is already done"
                )));
            }
            query("update obligations set done_at = $1, done_by = $2 where id = $3")
                .bind(crate::backend::row::ts(now))
                .bind(ctx.id.0)
                .bind(id)
                .execute(&mut tx)
                .await?;
            let ev = crate::records::sql::staff_event(
                ctx,
                tsunagu_domain::records::audit_trail::AuditAction::Complete,
                tsunagu_domain::records::audit_trail::AuditTarget::Deadline,
                Some(id.to_string()),
                Some(item.subject_id),
                format!("{} due {}", item.obligation, item.due),
                now,
            );
            crate::records::sql::append_in(&mut tx, ev).await?;
            let row = query_built(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(ctx.organization.to_string())
                .bind(subject.0)
                .fetch_one(&mut tx)
                .await?;
            let item = crate::law::sql::due_of(&row)?;
            tx.commit().await?;
            Ok(item)
        })
        .await
    }
}
