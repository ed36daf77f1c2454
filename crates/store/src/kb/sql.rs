//! The SQL of the knowledge base, written once for every backend (`impl<B: Backend>`, on
//! [`crate::backend::sql`]).

use crate::backend::sql::{query, query_built, Backend};
use crate::kb::store::*;

#[async_trait::async_trait]
impl<B: Backend> DocStore for B {
    async fn put_document(
        &self,
        doc: &tsunagu_domain::kb::ParsedDocument,
        text: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::Result<PutOutcome> {
        let mut tx = self.begin().await?;
        let old: Option<String> = query("select sha256 from kb_documents where name = $1")
            .bind(doc.name.clone())
            .fetch_optional(&mut tx)
            .await?
            .map(|r| r.try_get("sha256"))
            .transpose()?;
        let outcome = match old {
            Some(sha) if sha == doc.sha256 => return Ok(PutOutcome::Unchanged),
            Some(_) => PutOutcome::Replaced,
            None => PutOutcome::Added,
        };
        query("delete from kb_passages where document = $1")
            .bind(doc.name.clone())
            .execute(&mut tx)
            .await?;
        query("delete from kb_documents where name = $1")
            .bind(doc.name.clone())
            .execute(&mut tx)
            .await?;
        let report = DocReport {
            problems: doc.problems.clone(),
            cleanup: doc.cleanup,
        };
        query(
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
        .execute(&mut tx)
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
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            // Built from placeholders only; every value is bound.
            let mut q = query_built(sqlx::AssertSqlSafe(sql));
            for p in chunk {
                q = q
                    .bind(doc.name.clone())
                    .bind(i64::from(p.seq))
                    .bind(i64::from(p.from))
                    .bind(i64::from(p.to))
                    .bind(serde_json::to_string(p)?);
            }
            q.execute(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn documents(&self) -> crate::Result<Vec<DocumentInfo>> {
        let rows = query(
            "select d.name, d.title, d.sha256, d.bytes, d.lines, d.ingested_at, d.report, \
             (select count(*) from kb_passages p where p.document = d.name) as passages \
             from kb_documents d order by d.name",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(info_of).collect()
    }

    async fn all_passages(&self) -> crate::Result<Vec<(String, tsunagu_domain::kb::Passage)>> {
        let rows = query("select document, data from kb_passages order by document, seq")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let doc: String = r.try_get("document")?;
                let data: String = r.try_get("data")?;
                Ok((doc, serde_json::from_str(&data)?))
            })
            .collect()
    }

    async fn document_text(&self, name: &str) -> crate::Result<Option<String>> {
        Ok(query("select body from kb_documents where name = $1")
            .bind(name.to_owned())
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get("body"))
            .transpose()?)
    }

    async fn remove_document(&self, name: &str) -> crate::Result<bool> {
        let mut tx = self.begin().await?;
        query("delete from kb_passages where document = $1")
            .bind(name.to_owned())
            .execute(&mut tx)
            .await?;
        let gone = query("delete from kb_documents where name = $1")
            .bind(name.to_owned())
            .execute(&mut tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(gone > 0)
    }
}
