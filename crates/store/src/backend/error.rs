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
    /// No standing consent covers this use of a person's data (the message names the kind).
    #[error("no consent: {0}")]
    NoConsent(String),
    /// The database failed. The detail is for logs, never for clients.
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// Whether this error is an access-control decision about personal data (a role that may
    /// not, an id outside the organisation, a withdrawn consent, no consent): such refusals are
    /// written to the audit trail (OWASP ASVS 7.1.3, 7.2.2).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::Forbidden(_)
                | StoreError::NotFound(_)
                | StoreError::Gone(_)
                | StoreError::NoConsent(_)
        )
    }
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
