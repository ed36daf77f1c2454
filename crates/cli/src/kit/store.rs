//! Opening the store every data command uses (SQLite under the data directory, or
//! `--database-url`), migrating it and loading the bundled directory on first use; and the lock
//! `serve` and `restore` take on the data directory.

use anyhow::{bail, Context};
use std::path::Path;
use std::sync::Arc;
use tsunagu_domain::directory::dataset;
use tsunagu_store::{PgStore, SqliteStore, Store};

/// Where the store is: SQLite under the data directory, unless a database URL is given.
#[derive(Debug, Clone, Copy)]
pub struct StoreAt<'a> {
    /// Directory for the embedded SQLite database (and the lock, and the dictionary).
    pub data_dir: &'a Path,
    /// `postgres://…` or `sqlite:…`; overrides `data_dir`.
    pub database_url: Option<&'a str>,
}

impl StoreAt<'_> {
    /// Whether the store is PostgreSQL: several servers may share it (and a working
    /// directory), so no data-directory lock is taken for it.
    pub fn is_postgres(&self) -> bool {
        self.database_url
            .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    }
}

/// Opens the configured store without touching its contents.
pub async fn open_store(args: StoreAt<'_>) -> anyhow::Result<Arc<dyn Store>> {
    match args.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let s = PgStore::connect(url)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Arc::new(s))
        }
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(
            SqliteStore::connect(url)
                .await
                .context("cannot open the SQLite database")?,
        )),
        Some(other) => bail!("unsupported database URL {other:?}: use postgres://… or sqlite://…"),
        None => {
            std::fs::create_dir_all(args.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    args.data_dir.display()
                )
            })?;
            let path = args.data_dir.join("tsunagu.db");
            Ok(Arc::new(SqliteStore::open(&path).await.with_context(
                || format!("cannot open {}", path.display()),
            )?))
        }
    }
}

/// Opens the store, migrates it and loads the bundled directory on first use.
pub async fn ready_store(args: StoreAt<'_>) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(args).await?;
    store.migrate().await.context("migrations failed")?;
    if store.meta("dataset").await?.is_none() {
        let dir = dataset::bundled().context("the bundled dataset is broken")?;
        let summary = store
            .replace_directory(&dir, chrono::Utc::now())
            .await
            .context("loading the bundled dataset failed")?;
        store
            .set_meta("dataset", &format!("bundled {}", env!("CARGO_PKG_VERSION")))
            .await?;
        eprintln!(
            "loaded the bundled directory: {} organizations, {} services",
            summary.organizations, summary.services
        );
    }
    Ok(store)
}

/// The lock `serve` holds on its data directory, so that a restore cannot pull the database
/// out from under a running server.
pub fn lock_data_dir(data_dir: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join("tsunagu.lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => {
            bail!(
                "another tsunagu server is using {}; stop it first",
                data_dir.display()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}
