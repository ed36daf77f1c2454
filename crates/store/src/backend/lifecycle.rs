//! What every backend does for itself, outside any capability: say which it is, migrate, and
//! close its pool.

use crate::backend::error::Result;
use async_trait::async_trait;

/// A backend's own life cycle.
#[async_trait]
pub trait Lifecycle: Send + Sync {
    /// Which backend (`sqlite` / `postgres`), for logs and the status page.
    fn backend(&self) -> &'static str;

    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;

    /// Closes the connection pool, waiting for open connections to finish (on SQLite the
    /// last close checkpoints the WAL into the database file).
    async fn close_pool(&self);
}
