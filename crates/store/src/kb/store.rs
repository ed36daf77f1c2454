//! The knowledge base's storage contract ([`DocStore`]) and its types: what an ingest did, the
//! parser's report, and a stored document's summary.

use crate::backend::error::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tsunagu_domain::kb::{Cleanup, ParsedDocument, Passage, Problem};

/// What [`DocStore::put_document`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PutOutcome {
    /// A new document.
    Added,
    /// The text changed: the old passages were replaced.
    Replaced,
    /// The same text was already there.
    Unchanged,
}

/// What the parser reported, stored with the document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DocReport {
    /// What could not be followed.
    pub problems: Vec<Problem>,
    /// What was cleaned.
    pub cleanup: Cleanup,
}

/// A stored document, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// Name (`004_….txt`).
    pub name: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the text, hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: i64,
    /// Lines.
    pub lines: i64,
    /// Passages.
    pub passages: i64,
    /// When it was last ingested or replaced.
    pub ingested_at: DateTime<Utc>,
    /// Parser report.
    pub report: DocReport,
}

/// The storage contract for the knowledge base; both backends implement it.
#[async_trait::async_trait]
pub trait DocStore: Send + Sync {
    /// Adds or replaces `doc` (parsed from `text`) in one transaction.
    async fn put_document(
        &self,
        doc: &ParsedDocument,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<PutOutcome>;
    /// Every stored document, by name.
    async fn documents(&self) -> Result<Vec<DocumentInfo>>;
    /// Every passage with its document name, by document and position.
    async fn all_passages(&self) -> Result<Vec<(String, Passage)>>;
    /// The text of one document as supplied.
    async fn document_text(&self, name: &str) -> Result<Option<String>>;
    /// Removes a document and its passages; false when there was none.
    async fn remove_document(&self, name: &str) -> Result<bool>;
}

pub(crate) fn info_of(row: &crate::backend::sql::AnyRow) -> Result<DocumentInfo> {
    let at: String = row.try_get("ingested_at")?;
    let report: String = row.try_get("report")?;
    Ok(DocumentInfo {
        name: row.try_get("name")?,
        title: row.try_get("title")?,
        sha256: row.try_get("sha256")?,
        bytes: row.try_get("bytes")?,
        lines: row.try_get("lines")?,
        passages: row.try_get("passages")?,
        ingested_at: crate::backend::row::time_of(&at)?,
        report: serde_json::from_str(&report)?,
    })
}
