//! The SQLite backend: an embedded database file, the default.
//!
//! WAL mode lets the web server read while an import writes. `synchronous = FULL` makes every
//! commit durable across power loss, not only across a crash of the process. For personal
//! records that is the rule: a consultation a counsellor saw saved must stay saved.
//! `tsunagu bench-writes` measures what it costs against NORMAL (figures in the README), and
//! `scripts/crash-test` proves acknowledged writes survive SIGKILL.

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// A store on SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path`.
    pub async fn open(path: &Path) -> crate::Result<SqliteStore> {
        let options = SqliteConnectOptions::new().filename(path);
        Self::connect_with(options).await
    }

    /// Opens a `sqlite:` URL.
    pub async fn connect(url: &str) -> crate::Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?;
        Self::connect_with(options).await
    }

    /// Opens `path` with `synchronous = NORMAL` instead of FULL. Only for measuring the
    /// difference (`tsunagu bench-writes`): in WAL mode NORMAL can lose the last commits on
    /// power loss, which personal records must not.
    pub async fn open_relaxed_for_benchmark(path: &Path) -> crate::Result<SqliteStore> {
        let options = SqliteConnectOptions::new().filename(path);
        Self::connect_sync(options, SqliteSynchronous::Normal).await
    }

    async fn connect_with(options: SqliteConnectOptions) -> crate::Result<SqliteStore> {
        Self::connect_sync(options, SqliteSynchronous::Full).await
    }

    async fn connect_sync(
        options: SqliteConnectOptions,
        synchronous: SqliteSynchronous,
    ) -> crate::Result<SqliteStore> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }

    /// Writes a consistent copy of the live database to `dest` (`VACUUM INTO`): readers and
    /// writers carry on meanwhile, and the copy is a compact single file with no WAL. `dest`
    /// must not exist.
    pub async fn backup_to(&self, dest: &Path) -> crate::Result<()> {
        if dest.exists() {
            return Err(crate::StoreError::Conflict(format!(
                "{} already exists",
                dest.display()
            )));
        }
        let dest = dest
            .to_str()
            .ok_or_else(|| crate::StoreError::Invalid("the backup path must be UTF-8".into()))?;
        sqlx::query("vacuum into $1")
            .bind(dest.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: `Ok(())` when SQLite finds nothing wrong, else its report.
    pub async fn integrity_check(&self) -> crate::Result<std::result::Result<(), String>> {
        let rows = sqlx::query("pragma integrity_check")
            .fetch_all(&self.pool)
            .await?;
        let lines: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<std::result::Result<_, _>>()?;
        Ok(if lines == ["ok"] {
            Ok(())
        } else {
            Err(lines.join("; "))
        })
    }

    /// Opens an existing database file read-only (to check a backup before restoring it).
    pub async fn open_read_only(path: &Path) -> crate::Result<SqliteStore> {
        let options = SqliteConnectOptions::new().filename(path).read_only(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl crate::backend::lifecycle::Lifecycle for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> crate::backend::error::Result<()> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn close_pool(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl crate::backend::sql::Backend for SqliteStore {
    fn pool(&self) -> crate::backend::sql::Pool {
        crate::backend::sql::Pool::Sqlite(self.pool.clone())
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so
    /// that a transaction which reads the audit head and then appends cannot fail half-way
    /// with "database is locked" when another writer got in between.
    async fn begin_write(&self) -> crate::Result<crate::backend::sql::Tx> {
        Ok(crate::backend::sql::Tx::Sqlite(
            self.pool.begin_with("begin immediate").await?,
        ))
    }
}
