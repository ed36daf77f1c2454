//! Reading rows the same way on both backends: typed column access ([`RowExt`]) and the stored
//! text of a time ([`ts`], [`time_of`]).

use crate::backend::error::{Result, StoreError};
use crate::backend::sql::AnyRow;
use chrono::{DateTime, Utc};
use tsunagu_domain::records::audit_trail::audit_time;

pub(crate) fn time_of(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Backend(format!("bad timestamp {s:?} in database: {e}")))
}

/// The stored text of a time (fixed width, so text order is time order).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    audit_time(t)
}

pub(crate) fn bad(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("bad {what} {v:?} in database"))
}

/// Typed column access shared by both backends.
pub(crate) trait RowExt {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn time(&self, col: &str) -> Result<DateTime<Utc>> {
        crate::backend::row::time_of(&self.text(col)?)
    }
    fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        self.opt_text(col)?
            .as_deref()
            .map(crate::backend::row::time_of)
            .transpose()
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String> {
        Ok(self.try_get(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.try_get(col)?)
    }
    fn int(&self, col: &str) -> Result<i64> {
        Ok(self.try_get(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.try_get(col)?)
    }
}
