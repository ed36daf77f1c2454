//! Knowledge-base documents and their passages.
//!
//! # Brief overview
//! [`DocStore::put_document`] stores one parsed document with its passages in one transaction:
//! a new name is added, a changed text (another SHA-256) replaces the old row and every old
//! passage, the same text is left alone. A failure leaves the previous version whole.
//! [`DocStore::all_passages`] feeds the in-memory search index; [`DocStore::document_text`]
//! feeds the context view and the citation check.

use crate::Result;
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

pub(crate) fn info_of<R: sqlx::Row>(row: &R) -> Result<DocumentInfo>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let at: String = row.try_get("ingested_at")?;
    let report: String = row.try_get("report")?;
    Ok(DocumentInfo {
        name: row.try_get("name")?,
        title: row.try_get("title")?,
        sha256: row.try_get("sha256")?,
        bytes: row.try_get("bytes")?,
        lines: row.try_get("lines")?,
        passages: row.try_get("passages")?,
        ingested_at: crate::time_of(&at)?,
        report: serde_json::from_str(&report)?,
    })
}

/// Expands [`DocStore`] for one backend; the SQL is shared text.
macro_rules! impl_doc_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::docs::DocStore for $store {
            async fn put_document(
                &self,
                doc: &tsunagu_domain::kb::ParsedDocument,
                text: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::Result<$crate::docs::PutOutcome> {
                use sqlx::Row;
                let mut tx = self.pool.begin().await?;
                let old: Option<String> = sqlx::query("select sha256 from kb_documents where name = $1")
                    .bind(doc.name.clone())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("sha256"))
                    .transpose()?;
                let outcome = match old {
                    Some(sha) if sha == doc.sha256 => return Ok($crate::docs::PutOutcome::Unchanged),
                    Some(_) => $crate::docs::PutOutcome::Replaced,
                    None => $crate::docs::PutOutcome::Added,
                };
                sqlx::query("delete from kb_passages where document = $1")
                    .bind(doc.name.clone())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("delete from kb_documents where name = $1")
                    .bind(doc.name.clone())
                    .execute(&mut *tx)
                    .await?;
                let report = $crate::docs::DocReport { problems: doc.problems.clone(), cleanup: doc.cleanup };
                sqlx::query(
                    "insert into kb_documents (name, title, sha256, bytes, lines, ingested_at, report, body) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(doc.name.clone())
                .bind(doc.title.clone())
                .bind(doc.sha256.clone())
                .bind(text.len() as i64)
                .bind(i64::from(doc.lines))
                .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
                .bind(serde_json::to_string(&report)?)
                .bind(text.to_owned())
                .execute(&mut *tx)
                .await?;
                // Multi-row inserts: one round trip per chunk, not per passage.
                for chunk in doc.passages.chunks(200) {
                    let mut sql = String::from(
                        "insert into kb_passages (document, seq, line_from, line_to, data) values ",
                    );
                    for i in 0..chunk.len() {
                        let b = i * 5;
                        if i > 0 {
                            sql.push_str(", ");
                        }
                        sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5));
                    }
                    // Built from placeholders only; every value is bound.
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for p in chunk {
                        q = q
                            .bind(doc.name.clone())
                            .bind(i64::from(p.seq))
                            .bind(i64::from(p.from))
                            .bind(i64::from(p.to))
                            .bind(serde_json::to_string(p)?);
                    }
                    q.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn documents(&self) -> $crate::Result<Vec<$crate::docs::DocumentInfo>> {
                let rows = sqlx::query(
                    "select d.name, d.title, d.sha256, d.bytes, d.lines, d.ingested_at, d.report, \
                     (select count(*) from kb_passages p where p.document = d.name) as passages \
                     from kb_documents d order by d.name",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map($crate::docs::info_of).collect()
            }

            async fn all_passages(&self) -> $crate::Result<Vec<(String, tsunagu_domain::kb::Passage)>> {
                use sqlx::Row;
                let rows = sqlx::query("select document, data from kb_passages order by document, seq")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        let doc: String = r.try_get("document")?;
                        let data: String = r.try_get("data")?;
                        Ok((doc, serde_json::from_str(&data)?))
                    })
                    .collect()
            }

            async fn document_text(&self, name: &str) -> $crate::Result<Option<String>> {
                use sqlx::Row;
                Ok(sqlx::query("select body from kb_documents where name = $1")
                    .bind(name.to_owned())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.try_get("body"))
                    .transpose()?)
            }

            async fn remove_document(&self, name: &str) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("delete from kb_passages where document = $1")
                    .bind(name.to_owned())
                    .execute(&mut *tx)
                    .await?;
                let gone = sqlx::query("delete from kb_documents where name = $1")
                    .bind(name.to_owned())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(gone > 0)
            }
        }
    };
}
pub(crate) use impl_doc_store;
