//! Pure domain types and rules for tsunagu.
//!
//! # Brief overview
//! This crate owns the support-resource directory model (an HSDS 3.0 profile for Japan:
//! organizations, services, locations, phones, schedules, provenance), the typed code lists
//! (concerns, audiences, service kinds, statuses, JIS X 0401 prefectures), and the small parsers
//! the importers need (phone numbers, 和暦 dates), and the rules for personal records: staff
//! roles and sign-in ([`access`]), consent and retention ([`consent`]) and the hash-chained audit
//! trail ([`audit`]). It does no I/O and never reads a clock: every
//! rule that depends on time (open-now, staleness) takes `now` as an argument.
#![deny(missing_docs)]

pub mod access;
pub mod alcohol;
pub mod audit;
pub mod citations;
pub mod codes;
pub mod consent;
pub mod csvfmt;
pub mod dataset;
pub mod deadlines;
pub mod fhir;
pub mod handbook;
pub mod hsds;
pub mod ids;
pub mod kb;
pub mod model;
pub mod normalize;
pub mod outpatient_support;
pub mod period;
pub mod phone;
pub mod prefecture;
pub mod review_board;
pub mod schedule;
pub mod triage;
pub mod wareki;

pub use codes::{Audience, Concern, ResourceKind, ServiceKind, ServiceStatus};
pub use ids::{
    ConsentId, LocationId, OrganizationId, RecordId, ReportId, ServiceId, StaffId, SubjectId,
};
pub use model::{Directory, Location, Organization, Provenance, QualityNote, Service, SourceRef};
pub use phone::PhoneNumber;
pub use prefecture::Prefecture;
pub use schedule::{Hours, OpenState};
