//! Pure domain types and rules for tsunagu.
//!
//! # Brief overview
//! One folder per capability; each folder's `mod.rs` is the map of that capability (what it
//! owns, where its rule data and seed sources are).
//! - [`common`]: what every capability shares and that imports none of them: typed ids, the
//!   code-list machinery, text folding, the Japanese calendar, 和暦, and the basis/refusal of a
//!   rule.
//! - [`directory`]: the support directory (an HSDS 3.0 profile for Japan), its code lists,
//!   prefectures, phones, opening hours, the bundled dataset and its exchange formats.
//! - [`triage`]: a consultation in, an explained referral plan out.
//! - [`alcohol`]: AUDIT screening, drinking risk, the diary and the reduction pathway, with
//!   their FHIR export.
//! - [`law`]: legal periods, the procedure deadlines, the 精神医療審査会 panel and
//!   自立支援医療 (`jiritsu`).
//! - [`kb`]: guideline documents into passages, and every rule's citation of them.
//! - [`records`]: staff access rules, consent and retention, and the hash-chained audit trail.
//!
//! It does no I/O and never reads a clock: every rule that depends on time (open-now,
//! staleness, deadlines) takes `now` as an argument.
#![deny(missing_docs)]

pub mod alcohol;
pub mod common;
pub mod directory;
pub mod kb;
pub mod law;
pub mod records;
pub mod triage;

pub use common::ids::{
    ConsentId, LocationId, OrganizationId, RecordId, ReportId, ServiceId, StaffId, SubjectId,
};
pub use directory::codes::{Audience, Concern, ResourceKind, ServiceKind, ServiceStatus};
pub use directory::model::{
    Directory, Location, Organization, Provenance, QualityNote, Service, SourceRef,
};
pub use directory::phone::PhoneNumber;
pub use directory::prefecture::Prefecture;
pub use directory::schedule::{Hours, OpenState};
