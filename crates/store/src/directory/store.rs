//! The directory's storage contract: organizations and services as their domain JSON beside
//! the columns queries filter and sort on ([`DirectoryStore`]), problem reports
//! ([`ReportStore`]), pages, and write counts.

use crate::backend::error::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tsunagu_domain::directory::report::{NewReport, ReportCategory, ReportStatus};
use tsunagu_domain::{Directory, Organization, OrganizationId, ReportId, Service, ServiceId};

/// A page request: 1-based page number and page size (1-100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    page: u32,
    per_page: u32,
}

impl Page {
    /// Largest allowed page size.
    pub const MAX_PER_PAGE: u32 = 100;

    /// Validates a page request.
    pub fn new(page: u32, per_page: u32) -> Result<Page> {
        if page == 0 {
            return Err(StoreError::Invalid("page starts at 1".into()));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(StoreError::Invalid(format!(
                "per_page must be 1-{}",
                Self::MAX_PER_PAGE
            )));
        }
        Ok(Page { page, per_page })
    }
    /// Page number.
    pub fn page(self) -> u32 {
        self.page
    }
    /// Page size.
    pub fn per_page(self) -> u32 {
        self.per_page
    }
    pub(crate) fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

/// A stored problem report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Id.
    pub id: ReportId,
    /// The listing.
    pub service_id: String,
    /// Category.
    pub category: ReportCategory,
    /// Message.
    pub message: String,
    /// Status.
    pub status: ReportStatus,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// What the maintainer did.
    pub resolution: Option<String>,
}

/// Counts after writing a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    /// Organizations written.
    pub organizations: usize,
    /// Services written.
    pub services: usize,
}

/// Which services a listing takes (every condition given must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    /// Only the services of this organization (a `NotFound` error when there is none).
    pub organization: Option<OrganizationId>,
    /// Only services that changed at or after this time, counting a change of their
    /// organization (HSDS `modified_after`).
    pub modified_since: Option<DateTime<Utc>>,
    /// Only services with at least one term of this taxonomy (an HSDS taxonomy code of
    /// `tsunagu_domain::directory::exchange::hsds::TAXONOMIES`; HSDS `taxonomy_id`).
    pub taxonomy: Option<String>,
}

impl ServiceFilter {
    /// Whether the filter takes every service.
    pub fn is_empty(&self) -> bool {
        *self == ServiceFilter::default()
    }
}

/// A record with the time it last changed: for a service, the later of its own last change
/// and its organization's (what HSDS calls `last_modified`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stamped<T> {
    /// The record.
    pub record: T,
    /// When it last changed.
    pub modified: DateTime<Utc>,
}

/// The directory: organizations and services written whole in one transaction, read whole, by id or by page; and index metadata.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Replaces the whole directory in one transaction (used to load the bundled dataset and
    /// by `import --replace`).
    /// Records whose stored document changes are stamped `now` as their last change; a record
    /// written again unchanged keeps its time.
    async fn replace_directory(&self, dir: &Directory, now: DateTime<Utc>) -> Result<WriteSummary>;

    /// Inserts or updates every record of `dir` in one transaction.
    /// Changed records are stamped `now`, as by [`DirectoryStore::replace_directory`].
    async fn upsert_directory(&self, dir: &Directory, now: DateTime<Utc>) -> Result<WriteSummary>;

    /// The whole directory in source order.
    async fn directory(&self) -> Result<Directory>;

    /// One service with its organization.
    async fn service(&self, id: &ServiceId) -> Result<(Service, Organization)>;

    /// A page of services in source order, and the total count.
    async fn services_page(&self, page: Page) -> Result<(Vec<Service>, u64)>;

    /// A page of the services of one organization in source order, and their count (a
    /// `NotFound` error when there is no such organization).
    async fn services_of_organization(
        &self,
        organization: &OrganizationId,
        page: Page,
    ) -> Result<(Vec<Service>, u64)>;

    /// A page of the services `filter` takes, in source order, with their last change, and
    /// their count.
    async fn services_where(
        &self,
        filter: &ServiceFilter,
        page: Page,
    ) -> Result<(Vec<Stamped<Service>>, u64)>;

    /// The ids of every service `filter` takes, in source order.
    async fn service_ids_where(&self, filter: &ServiceFilter) -> Result<Vec<ServiceId>>;

    /// When a service last changed (see [`Stamped`]).
    async fn service_modified(&self, id: &ServiceId) -> Result<DateTime<Utc>>;

    /// One organization (with its locations).
    async fn organization(&self, id: &OrganizationId) -> Result<Organization>;

    /// A page of organizations in source order, and the total count.
    async fn organizations_page(&self, page: Page) -> Result<(Vec<Organization>, u64)>;

    /// Number of services.
    async fn count_services(&self) -> Result<u64>;

    /// Reads a metadata value.
    async fn meta(&self, key: &str) -> Result<Option<String>>;

    /// Writes a metadata value.
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

/// Problem reports on listings: filing, listing and closing them.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Files a problem report about an existing service.
    async fn add_report(&self, report: &NewReport, now: DateTime<Utc>) -> Result<Report>;

    /// Reports, newest first, optionally by status.
    async fn reports(&self, status: Option<ReportStatus>) -> Result<Vec<Report>>;

    /// Closes an open report.
    async fn close_report(
        &self,
        id: ReportId,
        resolution: &str,
        now: DateTime<Utc>,
    ) -> Result<Report>;
}
