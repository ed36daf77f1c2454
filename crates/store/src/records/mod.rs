//! Personal records: staff accounts, sessions, people, consents, records and the audit trail.
//!
//! # Brief overview
//! The record traits ([`store::StaffStore`], [`store::SignInStore`], [`store::SubjectStore`],
//! [`store::RecordStore`], [`store::AuditStore`]) are the only way personal data enters or leaves the database. Every method
//! that touches it takes a [`store::StaffCtx`] (who is asking, from where), checks the role against
//! [`tsunagu_domain::records::access::Role::allows`] and the organisation scope, does its work and
//! appends the audit entry **in the same transaction**: a read that cannot be logged does not
//! happen, and a write is never half done. Audit entries are chained
//! ([`tsunagu_domain::records::audit_trail`]); appends are serialised (`BEGIN IMMEDIATE` on SQLite, an
//! advisory lock on PostgreSQL) so that two writers cannot fork the chain.
//!
//! As with the directory, the SQL is written once in `sql.rs` and runs on both
//! backends; `tests/contract.rs` holds both to the same behaviour.

pub(crate) mod sql;
pub mod store;
mod throttle;
