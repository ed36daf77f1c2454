//! Where the data lives: `--data-dir` and `--database-url`, flattened into every command that
//! opens the store. `kit::store` opens the store they point at.

use crate::kit::store::StoreAt;
use clap::Args;
use std::path::PathBuf;

/// The store flags shared by every command that reads or writes data.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// Directory for the embedded SQLite database.
    #[arg(
        long,
        env = "TSUNAGU_DATA_DIR",
        default_value = "./tsunagu-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL (`postgres://…` or `sqlite://…`); overrides --data-dir.
    #[arg(long, env = "TSUNAGU_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl StoreArgs {
    /// Where these flags put the store.
    pub fn at(&self) -> StoreAt<'_> {
        StoreAt {
            data_dir: &self.data_dir,
            database_url: self.database_url.as_deref(),
        }
    }
}
