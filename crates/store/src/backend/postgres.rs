//! The PostgreSQL backend, for deployments that outgrow one machine.

use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// A store on PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Connects to a `postgres://` URL.
    pub async fn connect(url: &str) -> crate::Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(PgStore { pool })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl crate::backend::lifecycle::Lifecycle for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> crate::backend::error::Result<()> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn close_pool(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl crate::backend::sql::Backend for PgStore {
    fn pool(&self) -> crate::backend::sql::Pool {
        crate::backend::sql::Pool::Postgres(self.pool.clone())
    }

    /// A write transaction holding the audit-append lock (a transaction-scoped advisory
    /// lock), so that two writers cannot both read the same audit head and fork the chain.
    async fn begin_write(&self) -> crate::Result<crate::backend::sql::Tx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("select pg_advisory_xact_lock(7310258)")
            .execute(&mut *tx)
            .await?;
        Ok(crate::backend::sql::Tx::Postgres(tx))
    }
}
