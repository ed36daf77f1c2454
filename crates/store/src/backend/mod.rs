//! The shared kit of the store: the error type, row access, each backend's connection setup and
//! life cycle. Nothing here imports a capability; each capability's `sql.rs` implements its
//! traits for both backends with one SQL text.
//!
//! - [`error`]: [`error::StoreError`] and `Result`.
//! - `row`: typed column access and stored times, the same on both backends.
//! - [`sqlite`]: [`sqlite::SqliteStore`], the embedded default (WAL, `synchronous = FULL`,
//!   `BEGIN IMMEDIATE` for writers), backup and integrity check.
//! - [`postgres`]: [`postgres::PgStore`], for deployments that outgrow one machine (an advisory
//!   lock serialises audit appends).
//! - [`lifecycle`]: which backend, migrations, closing the pool.

pub mod error;
pub mod lifecycle;
pub mod postgres;
pub(crate) mod row;
pub mod sqlite;
