//! The crate's error: building or querying an index failed (never a user-input problem).

/// Search failures (index construction or a tantivy fault; never a user-input problem).
#[derive(Debug, thiserror::Error)]
#[error("search index error: {0}")]
pub struct SearchError(pub(crate) String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}
