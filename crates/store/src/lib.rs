//! Storage for tsunagu: one [`Store`] trait, implemented for SQLite ([`SqliteStore`], the
//! embedded default) and PostgreSQL ([`PgStore`]).
//!
//! # Brief overview
//! Both implementations run the *same* SQL text, written once in [`impl_store!`] with `$n`
//! placeholders (which SQLite also accepts), so the only per-backend code is the connection
//! setup and the migration directory. The contract suite in `tests/contract.rs` runs every
//! operation against both databases. Every write happens in one transaction: an import either
//! lands whole or not at all. `sqlx::Error` never leaves this crate; callers see
//! [`StoreError`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::fmt;
use std::str::FromStr;
use tsunagu_domain::{Directory, Organization, ReportId, Service, ServiceId};

pub mod deadlines;
pub mod docs;
mod postgres;
pub mod records;
mod sqlite;

pub use deadlines::DeadlineStore;
pub use docs::{DocStore, DocumentInfo, PutOutcome};
pub use postgres::PgStore;
pub use records::RecordStore;
pub use sqlite::SqliteStore;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The record does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The operation conflicts with the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is not acceptable (the message is safe to show).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The caller's role does not allow this (the message names the rule).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The record exists but may no longer be used (its consent was withdrawn).
    #[error("gone: {0}")]
    Gone(String),
    /// The database failed. The detail is for logs, never for clients.
    #[error("database error: {0}")]
    Backend(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}
impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Backend(e.to_string())
    }
}
impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON does not match the model: {e}"))
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A page request: 1-based page number and page size (1-100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    page: u32,
    per_page: u32,
}

impl Page {
    /// Largest allowed page size.
    pub const MAX_PER_PAGE: u32 = 100;

    /// Validates a page request.
    pub fn new(page: u32, per_page: u32) -> Result<Page> {
        if page == 0 {
            return Err(StoreError::Invalid("page starts at 1".into()));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(StoreError::Invalid(format!(
                "per_page must be 1-{}",
                Self::MAX_PER_PAGE
            )));
        }
        Ok(Page { page, per_page })
    }
    /// Page number.
    pub fn page(self) -> u32 {
        self.page
    }
    /// Page size.
    pub fn per_page(self) -> u32 {
        self.per_page
    }
    fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

/// What a problem report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCategory {
    /// The phone number is wrong.
    Phone,
    /// The address is wrong.
    Address,
    /// The hours are wrong.
    Hours,
    /// The service has closed.
    Closed,
    /// Anything else.
    Other,
}

impl ReportCategory {
    /// Every category.
    pub const ALL: [ReportCategory; 5] = [
        Self::Phone,
        Self::Address,
        Self::Hours,
        Self::Closed,
        Self::Other,
    ];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Address => "address",
            Self::Hours => "hours",
            Self::Closed => "closed",
            Self::Other => "other",
        }
    }
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Phone => "電話番号が違う",
            Self::Address => "所在地が違う",
            Self::Hours => "受付時間が違う",
            Self::Closed => "閉鎖・休止している",
            Self::Other => "その他",
        }
    }
}

impl FromStr for ReportCategory {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| StoreError::Invalid(format!("unknown report category {s:?}")))
    }
}

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Waiting for a maintainer.
    Open,
    /// Dealt with.
    Closed,
}

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReportStatus::Open => "open",
            ReportStatus::Closed => "closed",
        })
    }
}

/// A new problem report, already validated by [`NewReport::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    service_id: ServiceId,
    category: ReportCategory,
    message: String,
}

impl NewReport {
    /// Longest message accepted, in characters.
    pub const MAX_MESSAGE_CHARS: usize = 2000;

    /// Validates a report: the message must be 1-2000 characters after trimming.
    pub fn parse(
        service_id: ServiceId,
        category: ReportCategory,
        message: &str,
    ) -> Result<NewReport> {
        let message = message.trim();
        if message.is_empty() {
            return Err(StoreError::Invalid("message is empty".into()));
        }
        if message.chars().count() > Self::MAX_MESSAGE_CHARS {
            return Err(StoreError::Invalid(format!(
                "message is longer than {} characters",
                Self::MAX_MESSAGE_CHARS
            )));
        }
        Ok(NewReport {
            service_id,
            category,
            message: message.to_owned(),
        })
    }
}

/// A stored problem report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Id.
    pub id: ReportId,
    /// The listing.
    pub service_id: String,
    /// Category.
    pub category: ReportCategory,
    /// Message.
    pub message: String,
    /// Status.
    pub status: ReportStatus,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// What the maintainer did.
    pub resolution: Option<String>,
}

/// Counts after writing a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    /// Organizations written.
    pub organizations: usize,
    /// Services written.
    pub services: usize,
}

/// The storage contract. Both backends implement it and pass the same contract suite.
#[async_trait]
pub trait Store: RecordStore + DeadlineStore + DocStore + Send + Sync {
    /// Which backend (`sqlite` / `postgres`), for logs and the status page.
    fn backend(&self) -> &'static str;

    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;

    /// Closes the connection pool, waiting for open connections to finish (on SQLite the
    /// last close checkpoints the WAL into the database file).
    async fn close_pool(&self);

    /// Replaces the whole directory in one transaction (used to load the bundled dataset and
    /// by `import --replace`).
    async fn replace_directory(&self, dir: &Directory) -> Result<WriteSummary>;

    /// Inserts or updates every record of `dir` in one transaction.
    async fn upsert_directory(&self, dir: &Directory) -> Result<WriteSummary>;

    /// The whole directory in source order.
    async fn directory(&self) -> Result<Directory>;

    /// One service with its organization.
    async fn service(&self, id: &ServiceId) -> Result<(Service, Organization)>;

    /// A page of services in source order, and the total count.
    async fn services_page(&self, page: Page) -> Result<(Vec<Service>, u64)>;

    /// Number of services.
    async fn count_services(&self) -> Result<u64>;

    /// Files a problem report about an existing service.
    async fn add_report(&self, report: &NewReport, now: DateTime<Utc>) -> Result<Report>;

    /// Reports, newest first, optionally by status.
    async fn reports(&self, status: Option<ReportStatus>) -> Result<Vec<Report>>;

    /// Closes an open report.
    async fn close_report(
        &self,
        id: ReportId,
        resolution: &str,
        now: DateTime<Utc>,
    ) -> Result<Report>;

    /// Reads a metadata value.
    async fn meta(&self, key: &str) -> Result<Option<String>>;

    /// Writes a metadata value.
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

fn status_of(s: &str) -> Result<ReportStatus> {
    match s {
        "open" => Ok(ReportStatus::Open),
        "closed" => Ok(ReportStatus::Closed),
        other => Err(StoreError::Backend(format!(
            "unknown report status {other:?} in database"
        ))),
    }
}

fn time_of(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Backend(format!("bad timestamp {s:?} in database: {e}")))
}

fn report_of<R: Row>(row: &R) -> Result<Report>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let category: String = row.try_get("category")?;
    let status: String = row.try_get("status")?;
    let created: String = row.try_get("created_at")?;
    let closed: Option<String> = row.try_get("closed_at")?;
    Ok(Report {
        id: ReportId(row.try_get("id")?),
        service_id: row.try_get("service_id")?,
        category: category
            .parse()
            .map_err(|_| StoreError::Backend(format!("bad category {category:?}")))?,
        message: row.try_get("message")?,
        status: status_of(&status)?,
        created_at: time_of(&created)?,
        closed_at: closed.as_deref().map(time_of).transpose()?,
        resolution: row.try_get("resolution")?,
    })
}

/// The prefecture code stored in the `services.prefecture` column.
fn prefecture_column(dir: &Directory, s: &Service) -> Option<String> {
    dir.organization(&s.organization_id)
        .and_then(|o| s.prefecture(o))
        .map(|p| p.code())
}

/// Expands the [`Store`] implementation for one backend. The SQL is shared text; `$n`
/// placeholders work on both SQLite and PostgreSQL.
macro_rules! impl_store {
    ($store:ty, $backend:literal, $migrator:expr) => {
        impl $store {
            async fn write_directory(&self, dir: &tsunagu_domain::Directory, replace: bool) -> $crate::Result<$crate::WriteSummary> {
                dir.validate().map_err(|errors| {
                    $crate::StoreError::Invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
                })?;
                let mut tx = self.pool.begin().await?;
                if replace {
                    sqlx::query("delete from services").execute(&mut *tx).await?;
                    sqlx::query("delete from organizations").execute(&mut *tx).await?;
                }
                let base: i64 = if replace {
                    0
                } else {
                    sqlx::query("select coalesce(max(position), -1) + 1 as next from services")
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get("next")?
                };
                for (i, o) in dir.organizations.iter().enumerate() {
                    let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
                    sqlx::query(
                        "insert into organizations (id, name, position, doc) values ($1, $2, $3, $4) \
                         on conflict (id) do update set name = excluded.name, doc = excluded.doc",
                    )
                    .bind(o.id.to_string())
                    .bind(o.name.clone())
                    .bind(pos)
                    .bind(serde_json::to_string(o)?)
                    .execute(&mut *tx)
                    .await?;
                }
                for (i, s) in dir.services.iter().enumerate() {
                    let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
                    sqlx::query(
                        "insert into services (id, organization_id, name, prefecture, status, position, doc) \
                         values ($1, $2, $3, $4, $5, $6, $7) \
                         on conflict (id) do update set organization_id = excluded.organization_id, \
                         name = excluded.name, prefecture = excluded.prefecture, status = excluded.status, \
                         doc = excluded.doc",
                    )
                    .bind(s.id.to_string())
                    .bind(s.organization_id.to_string())
                    .bind(s.name.clone())
                    .bind($crate::prefecture_column(dir, s))
                    .bind(s.status.code())
                    .bind(pos)
                    .bind(serde_json::to_string(s)?)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok($crate::WriteSummary { organizations: dir.organizations.len(), services: dir.services.len() })
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn close_pool(&self) {
                self.pool.close().await;
            }

            async fn migrate(&self) -> $crate::Result<()> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            async fn replace_directory(&self, dir: &tsunagu_domain::Directory) -> $crate::Result<$crate::WriteSummary> {
                self.write_directory(dir, true).await
            }

            async fn upsert_directory(&self, dir: &tsunagu_domain::Directory) -> $crate::Result<$crate::WriteSummary> {
                // Validate the merged result, not just the batch: a service may refer to an
                // organization that is already stored.
                let mut merged = self.directory().await?;
                for o in &dir.organizations {
                    merged.organizations.retain(|m| m.id != o.id);
                    merged.organizations.push(o.clone());
                }
                for s in &dir.services {
                    merged.services.retain(|m| m.id != s.id);
                    merged.services.push(s.clone());
                }
                merged.validate().map_err(|errors| {
                    $crate::StoreError::Invalid(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
                })?;
                let summary = $crate::WriteSummary { organizations: dir.organizations.len(), services: dir.services.len() };
                let mut batch = dir.clone();
                // Organizations that services refer to must be present for the prefecture column.
                for s in &dir.services {
                    if batch.organization(&s.organization_id).is_none() {
                        if let Some(o) = merged.organization(&s.organization_id) {
                            batch.organizations.push(o.clone());
                        }
                    }
                }
                self.write_directory_unchecked(&batch).await?;
                Ok(summary)
            }

            async fn directory(&self) -> $crate::Result<tsunagu_domain::Directory> {
                let mut dir = tsunagu_domain::Directory::default();
                for row in sqlx::query("select doc from organizations order by position, id").fetch_all(&self.pool).await? {
                    let doc: String = row.try_get("doc")?;
                    dir.organizations.push(serde_json::from_str(&doc)?);
                }
                for row in sqlx::query("select doc from services order by position, id").fetch_all(&self.pool).await? {
                    let doc: String = row.try_get("doc")?;
                    dir.services.push(serde_json::from_str(&doc)?);
                }
                Ok(dir)
            }

            async fn service(&self, id: &tsunagu_domain::ServiceId) -> $crate::Result<(tsunagu_domain::Service, tsunagu_domain::Organization)> {
                let row = sqlx::query(
                    "select s.doc as service, o.doc as organization from services s \
                     join organizations o on o.id = s.organization_id where s.id = $1",
                )
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| $crate::StoreError::NotFound(format!("service {id}")))?;
                let s: String = row.try_get("service")?;
                let o: String = row.try_get("organization")?;
                Ok((serde_json::from_str(&s)?, serde_json::from_str(&o)?))
            }

            async fn services_page(&self, page: $crate::Page) -> $crate::Result<(Vec<tsunagu_domain::Service>, u64)> {
                let rows = sqlx::query("select doc from services order by position, id limit $1 offset $2")
                    .bind(i64::from(page.per_page()))
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let doc: String = row.try_get("doc")?;
                    out.push(serde_json::from_str(&doc)?);
                }
                Ok((out, self.count_services().await?))
            }

            async fn count_services(&self) -> $crate::Result<u64> {
                let n: i64 = sqlx::query("select count(*) as n from services").fetch_one(&self.pool).await?.try_get("n")?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn add_report(&self, report: &$crate::NewReport, now: chrono::DateTime<chrono::Utc>) -> $crate::Result<$crate::Report> {
                let mut tx = self.pool.begin().await?;
                let exists = sqlx::query("select 1 as one from services where id = $1")
                    .bind(report.service_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some();
                if !exists {
                    return Err($crate::StoreError::NotFound(format!("service {}", report.service_id)));
                }
                let row = sqlx::query(
                    "insert into problem_reports (service_id, category, message, status, created_at) \
                     values ($1, $2, $3, 'open', $4) \
                     returning id, service_id, category, message, status, created_at, closed_at, resolution",
                )
                .bind(report.service_id.to_string())
                .bind(report.category.code())
                .bind(report.message.clone())
                .bind(now.to_rfc3339())
                .fetch_one(&mut *tx)
                .await?;
                let stored = $crate::report_of(&row)?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn reports(&self, status: Option<$crate::ReportStatus>) -> $crate::Result<Vec<$crate::Report>> {
                let rows = match status {
                    Some(st) => sqlx::query(
                        "select id, service_id, category, message, status, created_at, closed_at, resolution \
                         from problem_reports where status = $1 order by id desc",
                    )
                    .bind(st.to_string())
                    .fetch_all(&self.pool)
                    .await?,
                    None => sqlx::query(
                        "select id, service_id, category, message, status, created_at, closed_at, resolution \
                         from problem_reports order by id desc",
                    )
                    .fetch_all(&self.pool)
                    .await?,
                };
                rows.iter().map($crate::report_of).collect()
            }

            async fn close_report(&self, id: tsunagu_domain::ReportId, resolution: &str, now: chrono::DateTime<chrono::Utc>) -> $crate::Result<$crate::Report> {
                let resolution = resolution.trim();
                if resolution.is_empty() || resolution.chars().count() > $crate::NewReport::MAX_MESSAGE_CHARS {
                    return Err($crate::StoreError::Invalid("resolution must be 1-2000 characters".into()));
                }
                let mut tx = self.pool.begin().await?;
                let current = sqlx::query("select status from problem_reports where id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::StoreError::NotFound(format!("report {id}")))?;
                let status: String = current.try_get("status")?;
                if status != "open" {
                    return Err($crate::StoreError::Conflict(format!("report {id} is already closed")));
                }
                let row = sqlx::query(
                    "update problem_reports set status = 'closed', closed_at = $1, resolution = $2 where id = $3 \
                     returning id, service_id, category, message, status, created_at, closed_at, resolution",
                )
                .bind(now.to_rfc3339())
                .bind(resolution.to_owned())
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
                let report = $crate::report_of(&row)?;
                tx.commit().await?;
                Ok(report)
            }

            async fn meta(&self, key: &str) -> $crate::Result<Option<String>> {
                let row = sqlx::query("select value from dataset_meta where key = $1")
                    .bind(key.to_owned())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    Some(r) => Some(r.try_get("value")?),
                    None => None,
                })
            }

            async fn set_meta(&self, key: &str, value: &str) -> $crate::Result<()> {
                sqlx::query("insert into dataset_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value")
                    .bind(key.to_owned())
                    .bind(value.to_owned())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }

        impl $store {
            /// Writes a batch already validated against the stored state.
            async fn write_directory_unchecked(&self, dir: &tsunagu_domain::Directory) -> $crate::Result<$crate::WriteSummary> {
                self.write_directory(dir, false).await
            }
        }
    };
}
pub(crate) use impl_store;
