//! The storage contract of case deadlines ([`DeadlineStore`]) and its types: an obligation to
//! store, a due item, the due list.

use crate::backend::error::Result;
use crate::records::store::StaffCtx;
use chrono::{DateTime, Utc};
use tsunagu_domain::records::consent::RetentionPolicy;
use tsunagu_domain::{RecordId, SubjectId};

/// An obligation to store with its case event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObligation {
    /// Obligation code.
    pub obligation: String,
    /// Due day or JST wall time, as shown (`2026-11-30`, `2026-11-21T11:00`).
    pub due: String,
    /// The instant it becomes overdue.
    pub due_at: DateTime<Utc>,
    /// Law and article.
    pub law: String,
    /// Seed `file:line`.
    pub source: String,
    /// What it means.
    pub meaning: String,
}

/// A stored obligation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DueItem {
    /// Row id.
    pub id: i64,
    /// The case event (record) it came from.
    pub record_id: RecordId,
    /// The person.
    pub subject_id: SubjectId,
    /// The person's file label.
    pub subject_label: String,
    /// Obligation code.
    pub obligation: String,
    /// Due, as shown.
    pub due: String,
    /// Overdue from.
    pub due_at: DateTime<Utc>,
    /// Law and article.
    pub law: String,
    /// Seed `file:line`.
    pub source: String,
    /// What it means.
    pub meaning: String,
    /// When marked done.
    pub done_at: Option<DateTime<Utc>>,
}

/// The dashboard: open obligations of the caller's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct DueList {
    /// Past their due instant.
    pub overdue: Vec<DueItem>,
    /// Due within the next 7 days.
    pub within_7_days: Vec<DueItem>,
    /// Due later.
    pub later: Vec<DueItem>,
    /// How many are overdue in all (the list holds at most `limit`).
    pub overdue_total: i64,
    /// How many are due within 7 days in all.
    pub within_7_days_total: i64,
}

/// The storage contract for case deadlines; both backends implement it.
#[async_trait::async_trait]
pub trait DeadlineStore: Send + Sync {
    /// Stores a case event (a `case` record, consent-gated) and the obligations derived from
    /// it, in one transaction with its audit entry.
    async fn add_case_event(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        event: &serde_json::Value,
        obligations: &[NewObligation],
        retention: &RetentionPolicy,
        now: DateTime<Utc>,
    ) -> Result<crate::records::store::Record>;
    /// One person's obligations (open and done), by due instant; one audit entry.
    async fn case_deadlines(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueItem>>;
    /// The organisation's open obligations: overdue, within 7 days of `now`, and later (each
    /// list at most `limit` long, soonest first); one audit entry.
    async fn due_list(&self, ctx: &StaffCtx, limit: i64, now: DateTime<Utc>) -> Result<DueList>;
    /// Marks one of a person's obligations done; audited. Another person's or organisation's
    /// obligation is "not found".
    async fn complete_obligation(
        &self,
        ctx: &StaffCtx,
        subject: SubjectId,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<DueItem>;
}

/// The columns [`due_of`] reads.
pub(crate) const DUE_COLS: &str =
    "o.id, o.record_id, o.subject_id, s.label as subject_label, o.obligation, o.due, \
     o.due_at, o.law, o.source, o.meaning, o.done_at";
