//! The store contract: every test runs against SQLite and PostgreSQL, each with a database of
//! its own and the real migrations.
//!
//! PostgreSQL tests need `TSUNAGU_TEST_DATABASE_URL` (a server URL such as
//! `postgres://postgres@127.0.0.1:5433/postgres`; `scripts/check` starts a throwaway cluster
//! and sets it). Without it they print SKIPPED and pass; with `CI=true` they fail instead.

use chrono::{TimeZone, Utc};
use std::sync::atomic::{AtomicU32, Ordering};
use tsunagu_domain::directory::dataset;
use tsunagu_domain::directory::report::{NewReport, ReportCategory, ReportStatus};
use tsunagu_domain::{Directory, ReportId, ServiceId};
use tsunagu_store::prelude::*;
use tsunagu_store::{Page, PgStore, SqliteStore, StoreError};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

async fn sqlite() -> Option<Box<dyn Store>> {
    sqlite_raw().await.map(|(s, _)| s)
}

async fn postgres() -> Option<Box<dyn Store>> {
    postgres_raw().await.map(|(s, _)| s)
}

/// Direct access to a test database, for tests that play the attacker (changing the audit
/// trail behind the store's back).
enum Raw {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Raw {
    /// One text column of every row a query returns (SQLite only).
    async fn texts(&self, col: &str, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        use sqlx::Row;
        let Raw::Sqlite(path) = self else {
            return Ok(Vec::new());
        };
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(path),
        )
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(&pool)
            .await;
        pool.close().await;
        rows?.iter().map(|r| r.try_get::<String, _>(col)).collect()
    }

    /// A second handle on the same database, as another server would open it.
    async fn open(&self) -> std::sync::Arc<dyn Store> {
        match self {
            Raw::Sqlite(path) => std::sync::Arc::new(SqliteStore::open(path).await.expect("open")),
            Raw::Postgres(url) => {
                std::sync::Arc::new(PgStore::connect(url).await.expect("connect"))
            }
        }
    }

    async fn exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new().filename(path),
                )
                .await?;
                let r = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected());
                pool.close().await;
                r
            }
            Raw::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await?;
                let r = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .map(|r| r.rows_affected());
                pool.close().await;
                r
            }
        }
    }
}

async fn sqlite_raw() -> Option<(Box<dyn Store>, Raw)> {
    let dir = std::env::temp_dir().join("tsunagu-contract");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique("t")));
    let store = SqliteStore::open(&path).await.expect("open sqlite");
    store.migrate().await.expect("migrate");
    Some((Box::new(store), Raw::Sqlite(path)))
}

async fn postgres_raw() -> Option<(Box<dyn Store>, Raw)> {
    let Ok(url) = std::env::var("TSUNAGU_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but TSUNAGU_TEST_DATABASE_URL is not set"
        );
        eprintln!("SKIPPED (postgres): TSUNAGU_TEST_DATABASE_URL is not set; run scripts/check to start PostgreSQL");
        return None;
    };
    use sqlx::Executor;
    let name = unique("tsunagu_test");
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("connect to the test server");
    admin
        .execute(sqlx::AssertSqlSafe(format!("create database {name}")))
        .await
        .expect("create database");
    admin.close().await;
    let (base, _) = url.rsplit_once('/').expect("URL ends with a database name");
    let db_url = format!("{base}/{name}");
    let store = PgStore::connect(&db_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((Box::new(store), Raw::Postgres(db_url)))
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test] async fn $name() { if let Some(s) = super::sqlite().await { super::$name(s.as_ref()).await } })*
        }
        mod on_postgres {
            $(#[tokio::test] async fn $name() { if let Some(s) = super::postgres().await { super::$name(s.as_ref()).await } })*
        }
    };
}

/// Like `contract!`, for tests that also need [`Raw`] access.
macro_rules! contract_raw {
    ($($name:ident),* $(,)?) => {
        mod raw_on_sqlite {
            $(#[tokio::test] async fn $name() { if let Some((s, r)) = super::sqlite_raw().await { super::$name(s.as_ref(), &r).await } })*
        }
        mod raw_on_postgres {
            $(#[tokio::test] async fn $name() { if let Some((s, r)) = super::postgres_raw().await { super::$name(s.as_ref(), &r).await } })*
        }
    };
}

#[path = "../../../tests/support/hsds_schema.rs"]
mod hsds_schema;

#[path = "contract/records.rs"]
mod records;
use records::*;
#[path = "contract/deadlines.rs"]
mod deadlines;
use deadlines::*;
#[path = "contract/docs.rs"]
mod docs;
use docs::*;
#[path = "contract/directory_changes.rs"]
mod directory_changes;
use directory_changes::*;

contract!(
    the_bundled_directory_round_trips_exactly,
    a_service_is_read_with_its_organization_and_unknown_ids_are_not_found,
    pages_follow_source_order_and_bad_pages_are_rejected,
    upsert_updates_and_adds_without_touching_the_rest,
    an_invalid_directory_writes_nothing,
    problem_reports_are_filed_listed_and_closed_once,
    metadata_is_stored_and_replaced,
    migrations_can_run_twice,
    accounts_are_created_once_and_roles_that_see_personal_data_need_totp,
    five_failed_sign_ins_lock_an_account_and_an_admin_can_unlock_it,
    failures_during_a_lock_do_not_extend_it,
    a_totp_step_signs_in_once,
    the_failures_since_the_previous_sign_in_are_counted_for_the_owner,
    disabling_an_account_or_resetting_its_totp_ends_its_sessions,
    a_record_is_stored_only_under_a_standing_consent_that_covers_its_kind,
    staff_see_only_their_organisation_and_roles_limit_what_they_do,
    withdrawing_consent_stops_use_and_purge_deletes_the_records,
    records_past_retention_are_purged_and_the_purge_is_audited,
    every_access_is_in_the_audit_trail_and_the_access_log_names_the_reader,
    a_subject_access_export_holds_everything_about_the_person,
    concurrent_writers_keep_one_unbroken_audit_chain,
    the_due_list_splits_overdue_this_week_and_later_for_the_organisation_only,
    completing_an_obligation_takes_it_off_the_list_once,
    no_consent_stores_nothing_and_withdrawal_removes_the_obligations,
    a_document_is_added_replaced_whole_and_left_alone_when_unchanged,
    hsds_documents_of_a_10000_service_directory_read_back_from_the_store_validate,
    organizations_are_paged_in_source_order_with_their_services,
    a_record_written_again_unchanged_keeps_its_time,
    services_are_filtered_by_organization_taxonomy_and_change,
);

contract_raw!(
    the_database_refuses_to_change_the_audit_trail,
    audit_verify_finds_an_entry_changed_behind_the_stores_back,
    the_due_list_reads_the_open_due_index,
    racing_sign_in_attempts_on_two_servers_let_five_through,
    an_address_budget_is_shared_by_two_servers,
);

fn bundled() -> Directory {
    dataset::bundled().expect("bundled dataset")
}

/// A fixed "now" for directory writes.
fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

fn sid(s: &str) -> ServiceId {
    ServiceId::parse(s).expect("id")
}

/// The bundled directory and 10,000 synthetic services, written and read back a page at a time:
/// every HSDS item and every full document (with its organization) validates against the
/// official HSDS 3.0 schemas, on either backend.
async fn hsds_documents_of_a_10000_service_directory_read_back_from_the_store_validate(
    store: &dyn Store,
) {
    use hsds_schema::{assert_none, schema};
    use tsunagu_domain::directory::exchange::hsds;
    let (Some(item), Some(full)) = (schema("service_list"), schema("service")) else {
        return;
    };
    let mut dir = dataset::bundled().expect("bundled");
    let syn = tsunagu_domain::directory::synthetic::synthetic(&dir, 10_000).expect("synthetic");
    dir.organizations.extend(syn.organizations);
    dir.services.extend(syn.services);
    store.replace_directory(&dir, t0()).await.expect("load");
    let mut violations = Vec::new();
    let mut seen = 0;
    for n in 1.. {
        let (services, total) = store
            .services_page(Page::new(n, 100).expect("page"))
            .await
            .expect("page");
        for s in &services {
            violations.extend(item.violations(&hsds::service_json(s, None)));
            let (s, org) = store.service(&s.id).await.expect("service");
            violations.extend(full.violations(&hsds::service_json(&s, Some(&org))));
        }
        seen += services.len();
        if u64::try_from(seen).unwrap_or(u64::MAX) >= total {
            break;
        }
    }
    assert_eq!(seen, 10_000 + bundled().services.len());
    assert_none("services read back from the store", &violations);
}

async fn organizations_are_paged_in_source_order_with_their_services(store: &dyn Store) {
    let dir = dataset::bundled().expect("bundled");
    store.replace_directory(&dir, t0()).await.expect("load");
    let (first, total) = store
        .organizations_page(Page::new(1, 10).expect("page"))
        .await
        .expect("page");
    assert_eq!(total, u64::try_from(dir.organizations.len()).unwrap_or(0));
    assert_eq!(first, dir.organizations[..10].to_vec());
    let (last, _) = store
        .organizations_page(Page::new(18, 10).expect("page"))
        .await
        .expect("page");
    assert_eq!(last, dir.organizations[170..].to_vec());
    let org = &dir.organizations[3];
    assert_eq!(
        &store.organization(&org.id).await.expect("organization"),
        org
    );
    let (services, n) = store
        .services_of_organization(&org.id, Page::new(1, 100).expect("page"))
        .await
        .expect("services");
    let expected: Vec<_> = dir
        .services
        .iter()
        .filter(|s| s.organization_id == org.id)
        .cloned()
        .collect();
    assert_eq!(
        (services, n),
        (expected.clone(), u64::try_from(expected.len()).unwrap_or(0))
    );
    let nobody = tsunagu_domain::OrganizationId::parse("no-such-org").expect("id");
    assert!(matches!(
        store.organization(&nobody).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .services_of_organization(&nobody, Page::new(1, 10).expect("page"))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn the_bundled_directory_round_trips_exactly(store: &dyn Store) {
    let dir = bundled();
    let summary = store.replace_directory(&dir, t0()).await.expect("replace");
    assert_eq!(summary.services, dir.services.len());
    assert_eq!(store.directory().await.expect("read"), dir);
    assert_eq!(
        store.count_services().await.expect("count"),
        dir.services.len() as u64
    );
}

async fn a_service_is_read_with_its_organization_and_unknown_ids_are_not_found(store: &dyn Store) {
    store
        .replace_directory(&bundled(), t0())
        .await
        .expect("replace");
    let (service, org) = store
        .service(&sid("darc-womens-house"))
        .await
        .expect("found");
    assert_eq!(service.name, "ダルク女性ハウス");
    assert_eq!(org.id, service.organization_id);
    assert!(matches!(
        store.service(&sid("no-such-service")).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn pages_follow_source_order_and_bad_pages_are_rejected(store: &dyn Store) {
    let dir = bundled();
    store.replace_directory(&dir, t0()).await.expect("replace");
    let (first, total) = store
        .services_page(Page::new(1, 10).expect("page"))
        .await
        .expect("page 1");
    assert_eq!(total, dir.services.len() as u64);
    assert_eq!(
        first.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        dir.services[..10]
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    );
    let (second, _) = store
        .services_page(Page::new(2, 10).expect("page"))
        .await
        .expect("page 2");
    assert_eq!(second[0].id, dir.services[10].id);
    let (beyond, _) = store
        .services_page(Page::new(1000, 100).expect("page"))
        .await
        .expect("empty page");
    assert!(beyond.is_empty());
    assert!(Page::new(0, 10).is_err() && Page::new(1, 0).is_err() && Page::new(1, 101).is_err());
}

async fn upsert_updates_and_adds_without_touching_the_rest(store: &dyn Store) {
    let dir = bundled();
    store.replace_directory(&dir, t0()).await.expect("replace");
    let mut changed = dir
        .services
        .iter()
        .find(|s| s.id.as_ref() == "tokyo-darc")
        .cloned()
        .expect("tokyo-darc");
    changed.description = Some("更新された説明".into());
    let mut added = changed.clone();
    added.id = sid("tokyo-darc-copy");
    let batch = Directory {
        organizations: vec![],
        services: vec![changed.clone(), added.clone()],
    };
    store.upsert_directory(&batch, t0()).await.expect("upsert");
    assert_eq!(
        store.service(&changed.id).await.expect("changed").0,
        changed
    );
    assert_eq!(store.service(&added.id).await.expect("added").0, added);
    assert_eq!(
        store.count_services().await.expect("count"),
        dir.services.len() as u64 + 1
    );
}

async fn an_invalid_directory_writes_nothing(store: &dyn Store) {
    let dir = bundled();
    store.replace_directory(&dir, t0()).await.expect("replace");
    let mut bad = dir.clone();
    bad.services[0].organization_id =
        tsunagu_domain::OrganizationId::parse("missing-org").expect("id");
    assert!(matches!(
        store.replace_directory(&bad, t0()).await,
        Err(StoreError::Invalid(_))
    ));
    let mut orphan = dir.services[1].clone();
    orphan.id = sid("orphan");
    orphan.organization_id = tsunagu_domain::OrganizationId::parse("missing-org").expect("id");
    let batch = Directory {
        organizations: vec![],
        services: vec![orphan],
    };
    assert!(matches!(
        store.upsert_directory(&batch, t0()).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store.directory().await.expect("read"),
        dir,
        "nothing half-written"
    );
}

async fn problem_reports_are_filed_listed_and_closed_once(store: &dyn Store) {
    store
        .replace_directory(&bundled(), t0())
        .await
        .expect("replace");
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 21, 1, 2, 3)
        .single()
        .expect("time");
    let new = NewReport::parse(
        sid("mhwc-05"),
        ReportCategory::Phone,
        " 電話番号がつながりません ",
    )
    .expect("valid");
    let r = store.add_report(&new, t0).await.expect("filed");
    assert_eq!(
        (r.status, r.message.as_str(), r.created_at),
        (ReportStatus::Open, "電話番号がつながりません", t0)
    );
    let missing = NewReport::parse(sid("nope"), ReportCategory::Other, "x").expect("valid");
    assert!(matches!(
        store.add_report(&missing, t0).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(NewReport::parse(sid("mhwc-05"), ReportCategory::Other, "   ").is_err());
    assert!(NewReport::parse(sid("mhwc-05"), ReportCategory::Other, &"あ".repeat(2001)).is_err());
    assert_eq!(
        store
            .reports(Some(ReportStatus::Open))
            .await
            .expect("open")
            .len(),
        1
    );
    let closed = store
        .close_report(r.id, "番号を確認しました", t0)
        .await
        .expect("closed");
    assert_eq!(
        (closed.status, closed.closed_at),
        (ReportStatus::Closed, Some(t0))
    );
    assert!(matches!(
        store.close_report(r.id, "again", t0).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.close_report(ReportId(999_999), "x", t0).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .reports(Some(ReportStatus::Open))
        .await
        .expect("open")
        .is_empty());
    assert_eq!(store.reports(None).await.expect("all").len(), 1);
}

async fn metadata_is_stored_and_replaced(store: &dyn Store) {
    assert_eq!(store.meta("dataset").await.expect("meta"), None);
    store.set_meta("dataset", "a").await.expect("set");
    store.set_meta("dataset", "b").await.expect("set");
    assert_eq!(
        store.meta("dataset").await.expect("meta").as_deref(),
        Some("b")
    );
}

async fn migrations_can_run_twice(store: &dyn Store) {
    store.migrate().await.expect("second migrate is a no-op");
}

/// The migrations before `version`, to build a database as an older release left it.
fn migrations_before(mut m: sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
    m.migrations = std::borrow::Cow::Owned(
        m.migrations
            .iter()
            .filter(|x| x.version < version)
            .cloned()
            .collect(),
    );
    m
}

/// The bundled directory as the rows release 0005 wrote (no change times, no terms).
fn old_rows() -> (Vec<[String; 3]>, Vec<[String; 5]>) {
    let dir = bundled();
    let orgs = dir
        .organizations
        .iter()
        .map(|o| {
            [
                o.id.to_string(),
                o.name.clone(),
                serde_json::to_string(o).expect("json"),
            ]
        })
        .collect();
    let services = dir
        .services
        .iter()
        .map(|s| {
            [
                s.id.to_string(),
                s.organization_id.to_string(),
                s.name.clone(),
                s.status.code().to_owned(),
                serde_json::to_string(s).expect("json"),
            ]
        })
        .collect();
    (orgs, services)
}

const OLD_ORG: &str = "insert into organizations (id, name, position, doc) values ($1, $2, $3, $4)";
const OLD_SERVICE: &str =
    "insert into services (id, organization_id, name, status, position, doc) \
     values ($1, $2, $3, $4, $5, $6)";

/// Writes [`old_rows`] into `pool` (SQLite or PostgreSQL) as release 0005 did.
macro_rules! write_old_rows {
    ($pool:expr) => {{
        let (orgs, services) = old_rows();
        for (i, [id, name, doc]) in orgs.into_iter().enumerate() {
            sqlx::query(OLD_ORG)
                .bind(id)
                .bind(name)
                .bind(i as i64)
                .bind(doc)
                .execute(&$pool)
                .await
                .expect("old org");
        }
        for (i, [id, org, name, status, doc]) in services.into_iter().enumerate() {
            sqlx::query(OLD_SERVICE)
                .bind(id)
                .bind(org)
                .bind(name)
                .bind(status)
                .bind(i as i64)
                .bind(doc)
                .execute(&$pool)
                .await
                .expect("old service");
        }
    }};
}

#[tokio::test]
async fn migration_0006_on_sqlite_stamps_an_existing_directory() {
    let dir = std::env::temp_dir().join("tsunagu-contract");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique("old")));
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true),
    )
    .await
    .expect("open");
    migrations_before(sqlx::migrate!("migrations/sqlite"), 6)
        .run(&pool)
        .await
        .expect("old migrations");
    write_old_rows!(pool);
    pool.close().await;
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("migrate");
    a_directory_stored_before_change_times_is_stamped_and_filterable(&store).await;
}

#[tokio::test]
async fn migration_0006_on_postgres_stamps_an_existing_directory() {
    let Some((store, Raw::Postgres(url))) = postgres_raw().await else {
        return;
    };
    // Start again from an empty database migrated only as far as release 0005.
    store.close_pool().await;
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    for sql in ["drop schema public cascade", "create schema public"] {
        sqlx::query(sql).execute(&pool).await.expect("reset");
    }
    migrations_before(sqlx::migrate!("migrations/postgres"), 6)
        .run(&pool)
        .await
        .expect("old migrations");
    write_old_rows!(pool);
    pool.close().await;
    let store = PgStore::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    a_directory_stored_before_change_times_is_stamped_and_filterable(&store).await;
}
