//! The directory in the database: organizations and services stored whole as the JSON of
//! their domain types beside the columns queries filter and sort on, and problem reports.
//!
//! - [`store`]: the traits ([`store::DirectoryStore`], [`store::ReportStore`]) and their types.
//! - `sql`: their SQL, one text for SQLite and PostgreSQL.
//!
//! Migrations `0001_directory.sql` per backend. The domain is `tsunagu_domain::directory`.

mod sql;
pub mod store;
