//! The shared kit of the store: the error type, row access, each backend's connection setup and
//! life cycle. Nothing here imports a capability; each capability's `sql.rs` implements its
//! traits once, for every [`sql::Backend`].
//!
//! - [`error`]: [`error::StoreError`] and `Result`.
//! - `row`: typed column access and stored times, the same on both backends.
//! - [`sqlite`]: [`sqlite::SqliteStore`], the embedded default (WAL, `synchronous = FULL`,
//!   `BEGIN IMMEDIATE` for writers), backup and integrity check.
//! - [`postgres`]: [`postgres::PgStore`], for deployments that outgrow one machine (an advisory
//!   lock serialises audit appends).
//! - [`lifecycle`]: which backend, migrations, closing the pool.
//! - [`sql`]: what truly differs between the backends: running one SQL text on either
//!   ([`sql::Query`], [`sql::Tx`], [`sql::AnyRow`], and [`sql::Backend`], which both stores
//!   implement and every capability's SQL is written against).

pub mod error;
pub mod lifecycle;
pub mod postgres;
pub(crate) mod row;
pub mod sql;
pub mod sqlite;
