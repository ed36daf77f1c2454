//! Storage for tsunagu: one [`Store`] made of small capability traits, implemented for SQLite
//! ([`SqliteStore`], the embedded default) and PostgreSQL ([`PgStore`]).
//!
//! # Brief overview
//! Both implementations run the *same* SQL text, written once per capability in its `sql.rs`
//! as ordinary code (`impl<B: Backend> … for B`) with `$n` placeholders (which SQLite also
//! accepts), so the only per-backend code is the connection setup, the write lock, the
//! migration directory and the binding and reading of values ([`backend`]). The contract
//! suite in `tests/contract.rs` runs every operation against both databases. Every write
//! happens in one transaction: an import either lands whole or not at all. `sqlx::Error` never
//! leaves this crate; callers see [`StoreError`].
//!
//! # Map
//! - [`backend`]: the shared kit (errors, row access, each backend's connection and life
//!   cycle); it imports no capability.
//! - [`directory`]: organizations, services and problem reports ([`DirectoryStore`],
//!   [`ReportStore`]).
//! - [`records`]: staff accounts, sign-in and sessions, people and consent, records, and the
//!   audit trail ([`StaffStore`], [`SignInStore`], [`SubjectStore`], [`RecordStore`],
//!   [`AuditStore`]); every method checks the role and writes its audit entry in the same
//!   transaction.
//! - [`law`]: case events and their obligations, the due list ([`DeadlineStore`]).
//! - [`kb`]: ingested documents and their passages ([`DocStore`]).
#![deny(missing_docs)]

pub mod backend;
pub mod directory;
pub mod kb;
pub mod law;
pub mod records;

pub use backend::error::{Result, StoreError};
pub use backend::lifecycle::Lifecycle;
pub use backend::postgres::PgStore;
pub use backend::sqlite::SqliteStore;
pub use directory::store::{
    DirectoryStore, Page, Report, ReportStore, ServiceFilter, Stamped, WriteSummary,
};
pub use kb::store::{DocStore, DocumentInfo, PutOutcome};
pub use law::store::DeadlineStore;
pub use records::store::{AuditStore, RecordStore, SignInStore, StaffStore, SubjectStore};

/// The whole storage contract: every capability's traits and the backend's life cycle. Both
/// backends implement each part and pass the same contract suite; callers hold an
/// `Arc<dyn Store>`.
pub trait Store:
    Lifecycle
    + DirectoryStore
    + ReportStore
    + StaffStore
    + SignInStore
    + SubjectStore
    + RecordStore
    + AuditStore
    + DeadlineStore
    + DocStore
    + Send
    + Sync
{
}

impl Store for SqliteStore {}
impl Store for PgStore {}

/// The capability traits and the whole [`Store`], so that their methods are in scope on an
/// `Arc<dyn Store>`: `use tsunagu_store::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AuditStore, DeadlineStore, DirectoryStore, DocStore, Lifecycle, RecordStore, ReportStore,
        SignInStore, StaffStore, Store, SubjectStore,
    };
}
