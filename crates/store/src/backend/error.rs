//! The store's one error type ([`StoreError`]) and its `Result`. `sqlx::Error` never leaves
//! the crate: it becomes [`StoreError::Backend`], whose detail is for logs, never for clients.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The record does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The operation conflicts with the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is not acceptable (the message is safe to show).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The caller's role does not allow this (the message names the rule).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The record exists but may no longer be used (its consent was withdrawn).
    #[error("gone: {0}")]
    Gone(String),
    /// The database failed. The detail is for logs, never for clients.
    #[error("database error: {0}")]
    Backend(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON does not match the model: {e}"))
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
