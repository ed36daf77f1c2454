//! Deadlines of stored cases: a case event is a personal record (kind `case`, stored only under
//! a consent that covers cases); the obligations the deadline engine derives from it are stored
//! beside it, so that an organisation's due list is an indexed range query, never a scan.
//!
//! # Brief overview
//! [`store::DeadlineStore::add_case_event`] stores the event and its obligations in one transaction
//! with its audit entry. [`store::DeadlineStore::due_list`] answers the dashboard (overdue / within
//! 7 days / later) from the partial index `obligations_open_due`; [`store::DeadlineStore::case_deadlines`]
//! lists one person's, for the case page and the iCalendar feed. Every read is audited; marking
//! an obligation done is audited. Withdrawing the consent deletes the obligations with the
//! records' use (they are derived data); purging the records deletes them by cascade.
//!
//! [`store`] holds [`store::DeadlineStore`] and its types; `sql.rs` its SQL for both backends
//! (migrations `0003_deadlines.sql`). The rules are `tsunagu_domain::law`.

pub(crate) mod sql;
pub mod store;
