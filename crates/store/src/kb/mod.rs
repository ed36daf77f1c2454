//! Knowledge-base documents and their passages.
//!
//! # Brief overview
//! [`store::DocStore::put_document`] stores one parsed document with its passages in one transaction:
//! a new name is added, a changed text (another SHA-256) replaces the old row and every old
//! passage, the same text is left alone. A failure leaves the previous version whole.
//! [`store::DocStore::all_passages`] feeds the in-memory search index; [`store::DocStore::document_text`]
//! feeds the context view and the citation check.
//!
//! [`store`] holds [`store::DocStore`] and its types; `sql.rs` its SQL for both backends
//! (migrations `0004_docs.sql`). Parsing is `tsunagu_domain::kb`; the index is `tsunagu_search::kb`.

mod sql;
pub mod store;
