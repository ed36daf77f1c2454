//! The directory model: an HSDS 3.0 profile for Japan.
//!
//! HSDS's core objects are kept: [`Organization`], [`Service`], [`Location`] and the link
//! between them (a service lists the locations it is offered at, HSDS's service_at_location).
//! Phones, links, schedules ([`Hours`]), service areas, languages and cost hang off the
//! service. The Japan profile adds typed concerns, audiences and service kinds, JIS X 0401
//! prefectures, and per-record provenance: the source document and line range each record was
//! taken from, the date the source states its facts as of, the date someone last verified the
//! record, and data-quality notes for anything in the source that looks wrong.

use crate::common::ids::{LocationId, OrganizationId, ServiceId};
use crate::directory::codes::{Audience, Concern, ResourceKind, ServiceKind, ServiceStatus};
use crate::directory::phone::PhoneNumber;
use crate::directory::prefecture::Prefecture;
use crate::directory::schedule::Hours;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Where a record's facts come from: a document and an inclusive 1-based line range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// The source document's file name, such as `000_aa5960de417e9b16.txt`.
    pub doc: String,
    /// First line.
    pub from: u32,
    /// Last line.
    pub to: u32,
}

impl SourceRef {
    /// `file:from-to`.
    pub fn cite(&self) -> String {
        if self.from == self.to {
            format!("{}:{}", self.doc, self.from)
        } else {
            format!("{}:{}-{}", self.doc, self.from, self.to)
        }
    }
}

/// Provenance of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Source document and lines.
    pub source: SourceRef,
    /// Further sources that add facts to the same record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<SourceRef>,
    /// The date the source states its facts as of: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// When a person last confirmed the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verified: Option<NaiveDate>,
}

/// Records older than this many years (by as-of or last verification) get a "confirm before
/// you call" notice.
pub const STALE_AFTER_YEARS: i32 = 3;

impl Provenance {
    /// The year of the newest of as-of and last-verified, if either is known.
    fn freshest_year(&self) -> Option<i32> {
        let as_of = self
            .as_of
            .as_deref()
            .and_then(|s| s.get(..4))
            .and_then(|y| y.parse().ok());
        let verified = self.last_verified.map(|d| d.year());
        as_of.max(verified)
    }

    /// Whether the record should carry a "confirm before calling" notice on `today`.
    /// Unknown dates count as stale: nobody can vouch for them.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        self.freshest_year()
            .is_none_or(|y| today.year() - y >= STALE_AFTER_YEARS)
    }
}

/// A suspected problem in the source, kept next to the fact rather than silently fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityNote {
    /// The field concerned (`phone`, `address`, `name`, …).
    pub field: String,
    /// What looks wrong, in Japanese.
    pub note: String,
}

/// A phone number with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// The number.
    pub number: PhoneNumber,
    /// What it is for (`予約電話`, `代表`, `相談ダイヤル`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Phone {
    /// Whether the number looks wrong (see [`PhoneNumber::suspicion`]).
    pub fn flagged(&self) -> bool {
        self.number.suspicion().is_some()
    }
}

/// A web link with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The URL, copied exactly from the source.
    pub url: String,
    /// What the page is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// HSDS location types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// A place people can visit.
    #[default]
    Physical,
    /// Online only.
    Virtual,
}

/// A place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Id.
    pub id: LocationId,
    /// Physical or virtual.
    #[serde(default)]
    pub kind: LocationKind,
    /// 郵便番号 (`187-8551`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Prefecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefecture: Option<Prefecture>,
    /// Address as printed (after the prefecture when the source omits it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Where a service is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope")]
pub enum ServiceArea {
    /// The whole country (national groups, phone lines, online meetings).
    National,
    /// One prefecture.
    Prefecture {
        /// Which.
        prefecture: Prefecture,
    },
    /// One municipality (指定都市 included).
    Municipality {
        /// Its prefecture.
        prefecture: Prefecture,
        /// Its name (`札幌市`).
        name: String,
    },
}

impl ServiceArea {
    /// The prefecture, if the area is within one.
    pub fn prefecture(&self) -> Option<Prefecture> {
        match self {
            ServiceArea::National => None,
            ServiceArea::Prefecture { prefecture }
            | ServiceArea::Municipality { prefecture, .. } => Some(*prefecture),
        }
    }

    /// Japanese label.
    pub fn label_ja(&self) -> String {
        match self {
            ServiceArea::National => "全国".to_owned(),
            ServiceArea::Prefecture { prefecture } => prefecture.name().to_owned(),
            ServiceArea::Municipality { name, .. } => name.clone(),
        }
    }
}

/// An organization (HSDS `organization`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Id.
    pub id: OrganizationId,
    /// Name as printed, including any legal-form prefix (`特定非営利活動法人 東京ダルク`).
    pub name: String,
    /// Description in tsunagu's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Main website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Places.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Founding date as the source gives it (ISO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<String>,
    /// Provenance.
    pub provenance: Provenance,
    /// Data-quality notes.
    #[serde(default)]
    pub quality_notes: Vec<QualityNote>,
}

/// A service: one listing in the directory (HSDS `service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Id.
    pub id: ServiceId,
    /// The organization that runs it.
    pub organization_id: OrganizationId,
    /// Name people know it by.
    pub name: String,
    /// Other names and spellings (`DARC`, `Nar-Anon`, `ナルコティクス・アノニマス`).
    #[serde(default)]
    pub alternate_names: Vec<String>,
    /// Kind of provider.
    pub kind: ResourceKind,
    /// What it does, in tsunagu's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who it is for, in tsunagu's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<String>,
    /// Concerns it helps with.
    #[serde(default)]
    pub concerns: Vec<Concern>,
    /// Who it is for.
    #[serde(default)]
    pub audiences: Vec<Audience>,
    /// What it offers.
    #[serde(default)]
    pub service_kinds: Vec<ServiceKind>,
    /// Whether people can take part anonymously; `None` when the source does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    /// Whether a reservation is needed; `None` when the source does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_required: Option<bool>,
    /// HSDS status.
    pub status: ServiceStatus,
    /// Phones.
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// E-mail addresses, copied from the source.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Links (home page, meeting lists, online meetings).
    #[serde(default)]
    pub links: Vec<Link>,
    /// Hours.
    #[serde(default)]
    pub hours: Hours,
    /// Locations (HSDS service_at_location).
    #[serde(default)]
    pub location_ids: Vec<LocationId>,
    /// Where it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<ServiceArea>,
    /// Languages (ISO 639-1), only when the source says.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Cost, in tsunagu's words, only when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    /// 開設年月 etc. as the source gives it (ISO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<String>,
    /// Provenance.
    pub provenance: Provenance,
    /// Data-quality notes.
    #[serde(default)]
    pub quality_notes: Vec<QualityNote>,
}

impl Service {
    /// The prefecture used for filtering and regional ranking: the service area's, else that of
    /// the first location that has one.
    pub fn prefecture(&self, org: &Organization) -> Option<Prefecture> {
        self.service_area
            .as_ref()
            .and_then(ServiceArea::prefecture)
            .or_else(|| self.locations(org).find_map(|l| l.prefecture))
    }

    /// The service's locations, resolved against its organization.
    pub fn locations<'a>(
        &'a self,
        org: &'a Organization,
    ) -> impl Iterator<Item = &'a Location> + 'a {
        self.location_ids
            .iter()
            .filter_map(move |id| org.locations.iter().find(|l| &l.id == id))
    }

    /// Whether any phone number is flagged as suspect.
    pub fn has_flagged_phone(&self) -> bool {
        self.phones.iter().any(Phone::flagged)
    }
}

/// A whole directory: what the bundled dataset, `export` and `import` carry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Directory {
    /// Organizations with their locations.
    pub organizations: Vec<Organization>,
    /// Services.
    pub services: Vec<Service>,
}

/// A consistency problem in a [`Directory`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// Two records share an id.
    #[error("duplicate {kind} id {id}")]
    DuplicateId {
        /// organization / service / location.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A service names an organization that is not there.
    #[error("service {service} refers to unknown organization {organization}")]
    UnknownOrganization {
        /// The service.
        service: String,
        /// The missing organization.
        organization: String,
    },
    /// A service names a location its organization does not have.
    #[error("service {service} refers to location {location}, which organization {organization} does not have")]
    UnknownLocation {
        /// The service.
        service: String,
        /// The organization.
        organization: String,
        /// The missing location.
        location: String,
    },
    /// A required text is empty.
    #[error("{kind} {id} has an empty name")]
    EmptyName {
        /// organization / service.
        kind: &'static str,
        /// The id.
        id: String,
    },
}

impl Directory {
    /// Checks ids are unique and every link resolves. Returns every problem found.
    pub fn validate(&self) -> Result<(), Vec<DirectoryError>> {
        let mut errors = Vec::new();
        let mut orgs = HashSet::new();
        let mut locations = HashSet::new();
        for o in &self.organizations {
            if !orgs.insert(o.id.as_ref()) {
                errors.push(DirectoryError::DuplicateId {
                    kind: "organization",
                    id: o.id.to_string(),
                });
            }
            if o.name.trim().is_empty() {
                errors.push(DirectoryError::EmptyName {
                    kind: "organization",
                    id: o.id.to_string(),
                });
            }
            for l in &o.locations {
                if !locations.insert(l.id.as_ref()) {
                    errors.push(DirectoryError::DuplicateId {
                        kind: "location",
                        id: l.id.to_string(),
                    });
                }
            }
        }
        let mut services = HashSet::new();
        for s in &self.services {
            if !services.insert(s.id.as_ref()) {
                errors.push(DirectoryError::DuplicateId {
                    kind: "service",
                    id: s.id.to_string(),
                });
            }
            if s.name.trim().is_empty() {
                errors.push(DirectoryError::EmptyName {
                    kind: "service",
                    id: s.id.to_string(),
                });
            }
            match self
                .organizations
                .iter()
                .find(|o| o.id == s.organization_id)
            {
                None => errors.push(DirectoryError::UnknownOrganization {
                    service: s.id.to_string(),
                    organization: s.organization_id.to_string(),
                }),
                Some(org) => {
                    for l in &s.location_ids {
                        if !org.locations.iter().any(|ol| &ol.id == l) {
                            errors.push(DirectoryError::UnknownLocation {
                                service: s.id.to_string(),
                                organization: org.id.to_string(),
                                location: l.to_string(),
                            });
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The organization of a service.
    pub fn organization(&self, id: &OrganizationId) -> Option<&Organization> {
        self.organizations.iter().find(|o| &o.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prov(as_of: Option<&str>) -> Provenance {
        Provenance {
            source: SourceRef {
                doc: "x.txt".into(),
                from: 1,
                to: 2,
            },
            also: vec![],
            as_of: as_of.map(str::to_owned),
            last_verified: None,
        }
    }

    #[test]
    fn handbook_records_from_2006_are_stale_and_recent_ones_are_not() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
        assert!(prov(Some("2006-04-01")).is_stale(today));
        assert!(!prov(Some("2025")).is_stale(today));
        assert!(prov(None).is_stale(today), "unknown dates count as stale");
    }

    #[test]
    fn citations_name_the_file_and_lines() {
        assert_eq!(prov(None).source.cite(), "x.txt:1-2");
    }
}
