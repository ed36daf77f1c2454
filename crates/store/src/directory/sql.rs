//! The directory's SQL, written once for every backend (`impl<B: Backend>` of the directory
//! traits, on [`crate::backend::sql`]).

use crate::backend::error::{Result, StoreError};
use crate::backend::row::{bad, time_of, ts};
use crate::backend::sql::{query, query_built, Backend};
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

/// Writes `dir` in one transaction. With `replace`, records not in `dir` are removed and every
/// record takes its position from `dir`; without, stored records keep their position and new
/// ones go after the rest. A record whose document (or, for a service, organization) differs
/// from the stored one is stamped `now`; one written unchanged keeps its time.
pub(crate) async fn write_directory<B: Backend + ?Sized>(
    this: &B,
    dir: &tsunagu_domain::Directory,
    replace: bool,
    now: chrono::DateTime<chrono::Utc>,
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
    let stamp = ts(now);
    let mut tx = this.begin().await?;
    if replace {
        // Mark what is stored (negative positions); what `dir` writes again is unmarked, and
        // what stays marked is deleted at the end. Rewriting in place, rather than deleting
        // first, is what lets an unchanged record keep its time.
        query("update organizations set position = -1 - position")
            .execute(&mut tx)
            .await?;
        query("update services set position = -1 - position")
            .execute(&mut tx)
            .await?;
    }
    let base: i64 = if replace {
        0
    } else {
        query("select coalesce(max(position), -1) + 1 as next from services")
            .fetch_one(&mut tx)
            .await?
            .try_get("next")?
    };
    let (org_sql, service_sql) = if replace {
        (UPSERT_ORGANIZATION_REPLACING, UPSERT_SERVICE_REPLACING)
    } else {
        (UPSERT_ORGANIZATION, UPSERT_SERVICE)
    };
    for (i, o) in dir.organizations.iter().enumerate() {
        let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
        query(org_sql)
            .bind(o.id.to_string())
            .bind(o.name.clone())
            .bind(pos)
            .bind(serde_json::to_string(o)?)
            .bind(stamp.clone())
            .execute(&mut tx)
            .await?;
    }
    for (i, s) in dir.services.iter().enumerate() {
        let pos = base + i64::try_from(i).unwrap_or(i64::MAX);
        query(service_sql)
            .bind(s.id.to_string())
            .bind(s.organization_id.to_string())
            .bind(s.name.clone())
            .bind(crate::directory::sql::prefecture_column(dir, s))
            .bind(s.status.code())
            .bind(pos)
            .bind(serde_json::to_string(s)?)
            .bind(stamp.clone())
            .bind(tsunagu_domain::directory::exchange::hsds::term_keys(s))
            .execute(&mut tx)
            .await?;
    }
    if replace {
        query("delete from services where position < 0")
            .execute(&mut tx)
            .await?;
        query("delete from organizations where position < 0")
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(crate::WriteSummary {
        organizations: dir.organizations.len(),
        services: dir.services.len(),
    })
}

/// Writing an organization: `$1` id, `$2` name, `$3` position, `$4` doc, `$5` now. The
/// `_REPLACING` form also moves a stored record to its new position.
macro_rules! upsert_organization {
    ($position:literal) => {
        concat!(
            "insert into organizations (id, name, position, doc, modified_at) \
             values ($1, $2, $3, $4, $5) \
             on conflict (id) do update set name = excluded.name, doc = excluded.doc, ",
            $position,
            "modified_at = case when organizations.doc = excluded.doc \
             then organizations.modified_at else excluded.modified_at end"
        )
    };
}
const UPSERT_ORGANIZATION: &str = upsert_organization!("");
const UPSERT_ORGANIZATION_REPLACING: &str = upsert_organization!("position = excluded.position, ");

/// Writing a service: `$1` id, `$2` organization, `$3` name, `$4` prefecture, `$5` status,
/// `$6` position, `$7` doc, `$8` now, `$9` terms.
macro_rules! upsert_service {
    ($position:literal) => {
        concat!(
            "insert into services (id, organization_id, name, prefecture, status, position, doc, \
             modified_at, terms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             on conflict (id) do update set organization_id = excluded.organization_id, \
             name = excluded.name, prefecture = excluded.prefecture, status = excluded.status, \
             doc = excluded.doc, terms = excluded.terms, ",
            $position,
            "modified_at = case when services.doc = excluded.doc \
             and services.organization_id = excluded.organization_id \
             then services.modified_at else excluded.modified_at end"
        )
    };
}
const UPSERT_SERVICE: &str = upsert_service!("");
const UPSERT_SERVICE_REPLACING: &str = upsert_service!("position = excluded.position, ");

/// The `where` clause of a [`crate::ServiceFilter`] over `services s join organizations o`,
/// and the values of its placeholders (numbered from `$1`).
fn filter_clause(filter: &crate::ServiceFilter) -> (String, Vec<String>) {
    let mut conds = Vec::new();
    let mut args = Vec::new();
    if let Some(org) = &filter.organization {
        args.push(org.to_string());
        conds.push(format!("s.organization_id = ${}", args.len()));
    }
    if let Some(t) = filter.modified_since {
        args.push(ts(t));
        let n = args.len();
        conds.push(format!("(s.modified_at >= ${n} or o.modified_at >= ${n})"));
    }
    if let Some(tax) = &filter.taxonomy {
        let escaped: String = tax
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        args.push(format!("% {escaped}:%"));
        conds.push(format!("s.terms like ${} escape '\\'", args.len()));
    }
    if conds.is_empty() {
        (String::new(), args)
    } else {
        (format!(" where {}", conds.join(" and ")), args)
    }
}

/// The later of a service's and its organization's last change.
fn stamp_of(row: &crate::backend::sql::AnyRow) -> Result<chrono::DateTime<chrono::Utc>> {
    let own = time_of(&row.try_get::<String>("service_modified")?)?;
    let org = time_of(&row.try_get::<String>("organization_modified")?)?;
    Ok(own.max(org))
}

#[async_trait::async_trait]
impl<B: Backend> DirectoryStore for B {
    async fn replace_directory(
        &self,
        dir: &tsunagu_domain::Directory,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<crate::WriteSummary> {
        write_directory(self, dir, true, now).await
    }

    async fn upsert_directory(
        &self,
        dir: &tsunagu_domain::Directory,
        now: chrono::DateTime<chrono::Utc>,
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
        write_directory(self, &batch, false, now).await?;
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
        let (stamped, total) = self
            .services_where(&crate::ServiceFilter::default(), page)
            .await?;
        Ok((stamped.into_iter().map(|s| s.record).collect(), total))
    }

    async fn services_of_organization(
        &self,
        organization: &tsunagu_domain::OrganizationId,
        page: crate::Page,
    ) -> crate::Result<(Vec<tsunagu_domain::Service>, u64)> {
        let filter = crate::ServiceFilter {
            organization: Some(organization.clone()),
            ..Default::default()
        };
        let (stamped, total) = self.services_where(&filter, page).await?;
        Ok((stamped.into_iter().map(|s| s.record).collect(), total))
    }

    async fn services_where(
        &self,
        filter: &crate::ServiceFilter,
        page: crate::Page,
    ) -> crate::Result<(Vec<crate::Stamped<tsunagu_domain::Service>>, u64)> {
        // One read transaction, so the page and the count agree.
        let mut tx = self.begin().await?;
        if let Some(org) = &filter.organization {
            self::organization_in(&mut tx, org).await?;
        }
        let (clause, args) = filter_clause(filter);
        let n = args.len();
        let mut rows = query_built(sqlx::AssertSqlSafe(format!(
            "select s.doc as doc, s.modified_at as service_modified, \
             o.modified_at as organization_modified \
             from services s join organizations o on o.id = s.organization_id{clause} \
             order by s.position, s.id limit ${} offset ${}",
            n + 1,
            n + 2
        )));
        let mut count = query_built(sqlx::AssertSqlSafe(format!(
            "select count(*) as n from services s \
             join organizations o on o.id = s.organization_id{clause}"
        )));
        for a in args {
            rows = rows.bind(a.clone());
            count = count.bind(a);
        }
        let rows = rows
            .bind(i64::from(page.per_page()))
            .bind(page.offset())
            .fetch_all(&mut tx)
            .await?;
        let total: i64 = count.fetch_one(&mut tx).await?.try_get("n")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let doc: String = row.try_get("doc")?;
            out.push(crate::Stamped {
                record: serde_json::from_str(&doc)?,
                modified: stamp_of(row)?,
            });
        }
        Ok((out, u64::try_from(total).unwrap_or(0)))
    }

    async fn service_ids_where(
        &self,
        filter: &crate::ServiceFilter,
    ) -> crate::Result<Vec<tsunagu_domain::ServiceId>> {
        let mut tx = self.begin().await?;
        if let Some(org) = &filter.organization {
            self::organization_in(&mut tx, org).await?;
        }
        let (clause, args) = filter_clause(filter);
        let mut ids = query_built(sqlx::AssertSqlSafe(format!(
            "select s.id as id from services s \
             join organizations o on o.id = s.organization_id{clause} order by s.position, s.id"
        )));
        for a in args {
            ids = ids.bind(a);
        }
        ids.fetch_all(&mut tx)
            .await?
            .iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                tsunagu_domain::ServiceId::parse(id.clone()).map_err(|_| bad("service id", &id))
            })
            .collect()
    }

    async fn service_modified(
        &self,
        id: &tsunagu_domain::ServiceId,
    ) -> crate::Result<chrono::DateTime<chrono::Utc>> {
        let row = query(
            "select s.modified_at as service_modified, o.modified_at as organization_modified \
             from services s join organizations o on o.id = s.organization_id where s.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| crate::StoreError::NotFound(format!("service {id}")))?;
        stamp_of(&row)
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
