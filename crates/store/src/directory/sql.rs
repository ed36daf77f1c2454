//! The directory's SQL, written once for every backend (`impl<B: Backend>` of the directory
//! traits, on [`crate::backend::sql`]).

use crate::backend::error::{Result, StoreError};
use crate::backend::row::time_of;
use crate::backend::sql::{query, Backend};
use crate::directory::store::*;
use tsunagu_domain::directory::report::ReportStatus;
use tsunagu_domain::{Directory, ReportId, Service};

fn status_of(s: &str) -> Result<ReportStatus> {
    match s {
        "open" => Ok(ReportStatus::Open),
        "closed" => Ok(ReportStatus::Closed),
        other => Err(StoreError::Backend(format!(
            "unknown report status {other:?} in database"
        ))),
    }
}

fn report_of(row: &crate::backend::sql::AnyRow) -> Result<Report> {
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

pub(crate) async fn write_directory<B: Backend + ?Sized>(
    this: &B,
    dir: &tsunagu_domain::Directory,
    replace: bool,
) -> crate::Result<crate::WriteSummary> {
    dir.validate().map_err(|errors| {
        crate::StoreError::Invalid(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let mut tx = this.begin().await?;
    if replace {
        query("delete from services").execute(&mut tx).await?;
        query("delete from organizations").execute(&mut tx).await?;
    }
    let base: i64 = if replace {
        0
    } else {
        query("select coalesce(max(position), -1) + 1 as next from services")
            .fetch_one(&mut tx)
            .await?
            .try_get("next")?
    };
    for (i, o) in dir.organizations.iter().enumerate() {
        let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
        query(
            "insert into organizations (id, name, position, doc) values ($1, $2, $3, $4) \
             on conflict (id) do update set name = excluded.name, doc = excluded.doc",
        )
        .bind(o.id.to_string())
        .bind(o.name.clone())
        .bind(pos)
        .bind(serde_json::to_string(o)?)
        .execute(&mut tx)
        .await?;
    }
    for (i, s) in dir.services.iter().enumerate() {
        let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
        query(
            "insert into services (id, organization_id, name, prefecture, status, position, doc) \
             values ($1, $2, $3, $4, $5, $6, $7) \
             on conflict (id) do update set organization_id = excluded.organization_id, \
             name = excluded.name, prefecture = excluded.prefecture, status = excluded.status, \
             doc = excluded.doc",
        )
        .bind(s.id.to_string())
        .bind(s.organization_id.to_string())
        .bind(s.name.clone())
        .bind(crate::directory::sql::prefecture_column(dir, s))
        .bind(s.status.code())
        .bind(pos)
        .bind(serde_json::to_string(s)?)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(crate::WriteSummary {
        organizations: dir.organizations.len(),
        services: dir.services.len(),
    })
}

#[async_trait::async_trait]
impl<B: Backend> DirectoryStore for B {
    async fn replace_directory(
        &self,
        dir: &tsunagu_domain::Directory,
    ) -> crate::Result<crate::WriteSummary> {
        write_directory(self, dir, true).await
    }

    async fn upsert_directory(
        &self,
        dir: &tsunagu_domain::Directory,
    ) -> crate::Result<crate::WriteSummary> {
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
            crate::StoreError::Invalid(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let summary = crate::WriteSummary {
            organizations: dir.organizations.len(),
            services: dir.services.len(),
        };
        let mut batch = dir.clone();
        // Organizations that services refer to must be present for the prefecture column.
        for s in &dir.services {
            if batch.organization(&s.organization_id).is_none() {
                if let Some(o) = merged.organization(&s.organization_id) {
                    batch.organizations.push(o.clone());
                }
            }
        }
        write_directory_unchecked(self, &batch).await?;
        Ok(summary)
    }

    async fn directory(&self) -> crate::Result<tsunagu_domain::Directory> {
        let mut dir = tsunagu_domain::Directory::default();
        for row in query("select doc from organizations order by position, id")
            .fetch_all(self.pool())
            .await?
        {
            let doc: String = row.try_get("doc")?;
            dir.organizations.push(serde_json::from_str(&doc)?);
        }
        for row in query("select doc from services order by position, id")
            .fetch_all(self.pool())
            .await?
        {
            let doc: String = row.try_get("doc")?;
            dir.services.push(serde_json::from_str(&doc)?);
        }
        Ok(dir)
    }

    async fn service(
        &self,
        id: &tsunagu_domain::ServiceId,
    ) -> crate::Result<(tsunagu_domain::Service, tsunagu_domain::Organization)> {
        let row = query(
            "select s.doc as service, o.doc as organization from services s \
             join organizations o on o.id = s.organization_id where s.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("service {id}")))?;
        let s: String = row.try_get("service")?;
        let o: String = row.try_get("organization")?;
        Ok((serde_json::from_str(&s)?, serde_json::from_str(&o)?))
    }

    async fn services_page(
        &self,
        page: crate::Page,
    ) -> crate::Result<(Vec<tsunagu_domain::Service>, u64)> {
        let rows = query("select doc from services order by position, id limit $1 offset $2")
            .bind(i64::from(page.per_page()))
            .bind(page.offset())
            .fetch_all(self.pool())
            .await?;
        Ok((docs(rows)?, self.count_services().await?))
    }

    async fn services_of_organization(
        &self,
        organization: &tsunagu_domain::OrganizationId,
        page: crate::Page,
    ) -> crate::Result<(Vec<tsunagu_domain::Service>, u64)> {
        // One read transaction, so the page and the count agree.
        let mut tx = self.begin().await?;
        self::organization_in(&mut tx, organization).await?;
        let rows = query(
            "select doc from services where organization_id = $1 \
             order by position, id limit $2 offset $3",
        )
        .bind(organization.to_string())
        .bind(i64::from(page.per_page()))
        .bind(page.offset())
        .fetch_all(&mut tx)
        .await?;
        let n: i64 = query("select count(*) as n from services where organization_id = $1")
            .bind(organization.to_string())
            .fetch_one(&mut tx)
            .await?
            .try_get("n")?;
        Ok((docs(rows)?, u64::try_from(n).unwrap_or(0)))
    }

    async fn organization(
        &self,
        id: &tsunagu_domain::OrganizationId,
    ) -> crate::Result<tsunagu_domain::Organization> {
        organization_in(&mut self.begin().await?, id).await
    }

    async fn organizations_page(
        &self,
        page: crate::Page,
    ) -> crate::Result<(Vec<tsunagu_domain::Organization>, u64)> {
        let mut tx = self.begin().await?;
        let rows = query("select doc from organizations order by position, id limit $1 offset $2")
            .bind(i64::from(page.per_page()))
            .bind(page.offset())
            .fetch_all(&mut tx)
            .await?;
        let n: i64 = query("select count(*) as n from organizations")
            .fetch_one(&mut tx)
            .await?
            .try_get("n")?;
        Ok((docs(rows)?, u64::try_from(n).unwrap_or(0)))
    }

    async fn count_services(&self) -> crate::Result<u64> {
        let n: i64 = query("select count(*) as n from services")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn meta(&self, key: &str) -> crate::Result<Option<String>> {
        let row = query("select value from dataset_meta where key = $1")
            .bind(key.to_owned())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("value")?),
            None => None,
        })
    }

    async fn set_meta(&self, key: &str, value: &str) -> crate::Result<()> {
        query("insert into dataset_meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value")
            .bind(key.to_owned())
            .bind(value.to_owned())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<B: Backend> ReportStore for B {
    async fn add_report(
        &self,
        report: &tsunagu_domain::directory::report::NewReport,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<crate::Report> {
        let mut tx = self.begin().await?;
        let exists = query("select 1 as one from services where id = $1")
            .bind(report.service_id().to_string())
            .fetch_optional(&mut tx)
            .await?
            .is_some();
        if !exists {
            return Err(crate::StoreError::NotFound(format!(
                "service {}",
                report.service_id()
            )));
        }
        let row = query(
            "insert into problem_reports (service_id, category, message, status, created_at) \
             values ($1, $2, $3, 'open', $4) \
             returning id, service_id, category, message, status, created_at, closed_at, resolution",
        )
        .bind(report.service_id().to_string())
        .bind(report.category().code())
        .bind(report.message().to_owned())
        .bind(now.to_rfc3339())
        .fetch_one(&mut tx)
        .await?;
        let stored = crate::directory::sql::report_of(&row)?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn reports(
        &self,
        status: Option<tsunagu_domain::directory::report::ReportStatus>,
    ) -> crate::Result<Vec<crate::Report>> {
        let rows = match status {
            Some(st) => query(
                "select id, service_id, category, message, status, created_at, closed_at, resolution \
                 from problem_reports where status = $1 order by id desc",
            )
            .bind(st.to_string())
            .fetch_all(self.pool())
            .await?,
            None => query(
                "select id, service_id, category, message, status, created_at, closed_at, resolution \
                 from problem_reports order by id desc",
            )
            .fetch_all(self.pool())
            .await?,
        };
        rows.iter().map(crate::directory::sql::report_of).collect()
    }

    async fn close_report(
        &self,
        id: tsunagu_domain::ReportId,
        resolution: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<crate::Report> {
        let resolution = resolution.trim();
        if resolution.is_empty()
            || resolution.chars().count()
                > tsunagu_domain::directory::report::NewReport::MAX_MESSAGE_CHARS
        {
            return Err(crate::StoreError::Invalid(
                "resolution must be 1-2000 characters".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let current = query("select status from problem_reports where id = $1")
            .bind(id.0)
            .fetch_optional(&mut tx)
            .await?
            .ok_or_else(|| crate::StoreError::NotFound(format!("report {id}")))?;
        let status: String = current.try_get("status")?;
        if status != "open" {
            return Err(crate::StoreError::Conflict(format!(
                "report {id} is already closed"
            )));
        }
        let row = query(
            "update problem_reports set status = 'closed', closed_at = $1, resolution = $2 where id = $3 \
             returning id, service_id, category, message, status, created_at, closed_at, resolution",
        )
        .bind(now.to_rfc3339())
        .bind(resolution.to_owned())
        .bind(id.0)
        .fetch_one(&mut tx)
        .await?;
        let report = crate::directory::sql::report_of(&row)?;
        tx.commit().await?;
        Ok(report)
    }
}

/// Writes a batch already validated against the stored state.
pub(crate) async fn write_directory_unchecked<B: Backend + ?Sized>(
    this: &B,
    dir: &tsunagu_domain::Directory,
) -> crate::Result<crate::WriteSummary> {
    write_directory(this, dir, false).await
}

/// The records of `doc` columns.
fn docs<T: serde::de::DeserializeOwned>(
    rows: Vec<crate::backend::sql::AnyRow>,
) -> crate::Result<Vec<T>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let doc: String = row.try_get("doc")?;
        out.push(serde_json::from_str(&doc)?);
    }
    Ok(out)
}

/// One organization, inside a transaction.
async fn organization_in(
    tx: &mut crate::backend::sql::Tx,
    id: &tsunagu_domain::OrganizationId,
) -> crate::Result<tsunagu_domain::Organization> {
    let row = query("select doc from organizations where id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("organization {id}")))?;
    let doc: String = row.try_get("doc")?;
    Ok(serde_json::from_str(&doc)?)
}
