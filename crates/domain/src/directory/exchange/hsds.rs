//! HSDS 3.0 exchange with the tsunagu Japan profile.
//!
//! Export writes HSDS objects (`organization`, `location` with `addresses`, `service` with
//! `phones`, `schedules`, `service_areas`, `languages`, `service_at_locations` and taxonomy
//! `attributes`) so any HSDS consumer can read the directory. What HSDS core cannot express
//! (typed concerns, audiences and service kinds, the structured hours with holiday and 年末年始
//! rules, provenance and data-quality notes) travels in an `x_tsunagu` object on each record,
//! as HSDS profiles allow. Import reads the core fields it owns (ids, names, descriptions,
//! status, eligibility, fees, phones, languages, locations) and the profile object for the
//! rest; `schedules` and `attributes` are derived views and are not read back. Export followed
//! by import gives back exactly the same directory (tested).

use crate::common::ids::{LocationId, OrganizationId, ServiceId};
use crate::directory::codes::{Audience, Concern, ResourceKind, ServiceKind, ServiceStatus};
use crate::directory::model::{
    Directory, Link, Location, LocationKind, Organization, Phone, Provenance, QualityNote, Service,
    ServiceArea,
};
use crate::directory::phone::PhoneNumber;
use crate::directory::prefecture::Prefecture;
use crate::directory::schedule::{Days, Hours};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The profile name written into exports.
pub const PROFILE: &str = "https://tsunagu.example/hsds-profile/japan";

fn byday(days: &Days) -> (&'static str, String) {
    let code = |w: chrono::Weekday| match w {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    match days {
        Days::Weekly { weekdays } => (
            "WEEKLY",
            weekdays
                .iter()
                .map(|w| code(*w))
                .collect::<Vec<_>>()
                .join(","),
        ),
        Days::MonthlyNth { weeks, weekday } => (
            "MONTHLY",
            weeks
                .iter()
                .map(|n| format!("{n}{}", code(*weekday)))
                .collect::<Vec<_>>()
                .join(","),
        ),
    }
}

/// The HSDS `service` object for one service.
pub fn service_json(s: &Service, org: Option<&Organization>) -> Value {
    let phones: Vec<Value> = s
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"id": format!("{}-phone-{}", s.id, i + 1), "number": p.number.as_ref(), "description": p.label}))
        .collect();
    let schedules: Vec<Value> = s
        .hours
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (freq, byday) = byday(&r.days);
            json!({
                "id": format!("{}-schedule-{}", s.id, i + 1),
                "service_id": s.id.as_ref(),
                "freq": freq,
                "byday": byday,
                "opens_at": r.opens.map(|t| t.format("%H:%M").to_string()),
                "closes_at": r.closes.map(|t| t.format("%H:%M").to_string()),
                "description": r.kind.label_ja(),
                "notes": s.hours.note,
            })
        })
        .collect();
    let attributes: Vec<Value> = s
        .concerns
        .iter()
        .map(|c| ("tsunagu-concern", c.code(), c.label_ja()))
        .chain(s.audiences.iter().map(|a| ("tsunagu-audience", a.code(), a.label_ja())))
        .chain(s.service_kinds.iter().map(|k| ("tsunagu-service-kind", k.code(), k.label_ja())))
        .map(|(tax, code, name)| {
            json!({"id": format!("{}-{tax}-{code}", s.id), "taxonomy_term": {"id": format!("{tax}:{code}"), "code": code, "name": name, "taxonomy": tax}})
        })
        .collect();
    let mut v = json!({
        "id": s.id.as_ref(),
        "organization_id": s.organization_id.as_ref(),
        "name": s.name,
        "alternate_name": if s.alternate_names.is_empty() { None } else { Some(s.alternate_names.join("、")) },
        "description": s.description,
        "url": s.links.first().map(|l| l.url.clone()),
        "email": s.emails.first(),
        "status": match s.status { ServiceStatus::Active => "active", ServiceStatus::TemporarilyClosed => "temporarily closed", ServiceStatus::Defunct => "defunct" },
        "eligibility_description": s.eligibility,
        "fees_description": s.cost,
        "phones": phones,
        "schedules": schedules,
        "service_areas": s.service_area.as_ref().map(|a| vec![json!({"id": format!("{}-area", s.id), "name": a.label_ja()})]).unwrap_or_default(),
        "languages": s.languages.iter().map(|l| json!({"id": format!("{}-lang-{l}", s.id), "code": l})).collect::<Vec<_>>(),
        "service_at_locations": s.location_ids.iter().map(|l| json!({"id": format!("{}@{}", s.id, l), "location_id": l.as_ref()})).collect::<Vec<_>>(),
        "attributes": attributes,
        "x_tsunagu": ServiceProfile::of(s),
    });
    if let (Some(org), Some(obj)) = (org, v.as_object_mut()) {
        obj.insert("organization".into(), organization_json(org));
    }
    v
}

/// The HSDS `organization` object.
pub fn organization_json(o: &Organization) -> Value {
    json!({
        "id": o.id.as_ref(),
        "name": o.name,
        "description": o.description,
        "website": o.url,
        "x_tsunagu": {"founded": o.founded, "provenance": o.provenance, "quality_notes": o.quality_notes},
    })
}

/// The HSDS `location` object.
pub fn location_json(o: &Organization, l: &Location) -> Value {
    json!({
        "id": l.id.as_ref(),
        "organization_id": o.id.as_ref(),
        "location_type": match l.kind { LocationKind::Physical => "physical", LocationKind::Virtual => "virtual" },
        "addresses": l.address.as_ref().map(|a| vec![json!({
            "id": format!("{}-address", l.id),
            "address_1": a,
            "state_province": l.prefecture.map(|p| p.name()),
            "postal_code": l.postal_code,
            "country": "JP",
            "address_type": "physical",
        })]).unwrap_or_default(),
        "x_tsunagu": {"prefecture": l.prefecture.map(|p| p.code()), "postal_code": l.postal_code},
    })
}

/// A whole directory as one HSDS document.
pub fn export(dir: &Directory) -> Value {
    json!({
        "hsds_version": "3.0",
        "profile": PROFILE,
        "organizations": dir.organizations.iter().map(organization_json).collect::<Vec<_>>(),
        "locations": dir.organizations.iter().flat_map(|o| o.locations.iter().map(move |l| location_json(o, l))).collect::<Vec<_>>(),
        "services": dir.services.iter().map(|s| service_json(s, None)).collect::<Vec<_>>(),
    })
}

/// Profile fields of a service that HSDS core cannot hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ServiceProfile {
    kind: ResourceKind,
    #[serde(default)]
    alternate_names: Vec<String>,
    #[serde(default)]
    concerns: Vec<Concern>,
    #[serde(default)]
    audiences: Vec<Audience>,
    #[serde(default)]
    service_kinds: Vec<ServiceKind>,
    #[serde(default)]
    anonymous: Option<bool>,
    #[serde(default)]
    reservation_required: Option<bool>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    hours: Hours,
    #[serde(default)]
    service_area: Option<ServiceArea>,
    #[serde(default)]
    opened: Option<String>,
    provenance: Provenance,
    #[serde(default)]
    quality_notes: Vec<QualityNote>,
}

impl ServiceProfile {
    fn of(s: &Service) -> ServiceProfile {
        ServiceProfile {
            kind: s.kind,
            alternate_names: s.alternate_names.clone(),
            concerns: s.concerns.clone(),
            audiences: s.audiences.clone(),
            service_kinds: s.service_kinds.clone(),
            anonymous: s.anonymous,
            reservation_required: s.reservation_required,
            emails: s.emails.clone(),
            links: s.links.clone(),
            hours: s.hours.clone(),
            service_area: s.service_area.clone(),
            opened: s.opened.clone(),
            provenance: s.provenance.clone(),
            quality_notes: s.quality_notes.clone(),
        }
    }
}

#[derive(Deserialize)]
struct InOrgProfile {
    #[serde(default)]
    founded: Option<String>,
    provenance: Provenance,
    #[serde(default)]
    quality_notes: Vec<QualityNote>,
}

#[derive(Deserialize)]
struct InOrg {
    id: OrganizationId,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    website: Option<String>,
    x_tsunagu: InOrgProfile,
}

#[derive(Deserialize)]
struct InAddress {
    address_1: String,
}

#[derive(Deserialize)]
struct InLocationProfile {
    #[serde(default)]
    prefecture: Option<Prefecture>,
    #[serde(default)]
    postal_code: Option<String>,
}

#[derive(Deserialize)]
struct InLocation {
    id: LocationId,
    organization_id: OrganizationId,
    #[serde(default)]
    location_type: Option<String>,
    #[serde(default)]
    addresses: Vec<InAddress>,
    x_tsunagu: InLocationProfile,
}

#[derive(Deserialize)]
struct InPhone {
    number: PhoneNumber,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct InLanguage {
    code: String,
}

#[derive(Deserialize)]
struct InServiceAtLocation {
    location_id: LocationId,
}

#[derive(Deserialize)]
struct InService {
    id: ServiceId,
    organization_id: OrganizationId,
    name: String,
    #[serde(default)]
    description: Option<String>,
    status: String,
    #[serde(default)]
    eligibility_description: Option<String>,
    #[serde(default)]
    fees_description: Option<String>,
    #[serde(default)]
    phones: Vec<InPhone>,
    #[serde(default)]
    languages: Vec<InLanguage>,
    #[serde(default)]
    service_at_locations: Vec<InServiceAtLocation>,
    x_tsunagu: ServiceProfile,
}

#[derive(Deserialize)]
struct InDocument {
    #[serde(default)]
    organizations: Vec<InOrg>,
    #[serde(default)]
    locations: Vec<InLocation>,
    #[serde(default)]
    services: Vec<InService>,
}

/// Why an HSDS document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum HsdsError {
    /// Not valid JSON, or a field has the wrong shape. The message names the line and column.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A status that HSDS does not define.
    #[error("service {service}: unknown status {status:?}")]
    Status {
        /// Service id.
        service: String,
        /// What was given.
        status: String,
    },
    /// A location belongs to an organization that is not in the document.
    #[error("location {location}: unknown organization {organization}")]
    Orphan {
        /// Location id.
        location: String,
        /// Organization id.
        organization: String,
    },
}

/// Reads an HSDS document written by [`export`] (or by another system following the profile).
pub fn import(text: &str) -> Result<Directory, HsdsError> {
    let doc: InDocument = serde_json::from_str(text)?;
    let mut organizations: Vec<Organization> = doc
        .organizations
        .into_iter()
        .map(|o| Organization {
            id: o.id,
            name: o.name,
            description: o.description,
            url: o.website,
            locations: vec![],
            founded: o.x_tsunagu.founded,
            provenance: o.x_tsunagu.provenance,
            quality_notes: o.x_tsunagu.quality_notes,
        })
        .collect();
    for l in doc.locations {
        let org = organizations
            .iter_mut()
            .find(|o| o.id == l.organization_id)
            .ok_or_else(|| HsdsError::Orphan {
                location: l.id.to_string(),
                organization: l.organization_id.to_string(),
            })?;
        org.locations.push(Location {
            id: l.id,
            kind: if l.location_type.as_deref() == Some("virtual") {
                LocationKind::Virtual
            } else {
                LocationKind::Physical
            },
            postal_code: l.x_tsunagu.postal_code,
            prefecture: l.x_tsunagu.prefecture,
            address: l.addresses.into_iter().next().map(|a| a.address_1),
        });
    }
    let mut services = Vec::new();
    for s in doc.services {
        let status = match s.status.as_str() {
            "active" => ServiceStatus::Active,
            "temporarily closed" | "temporarily_closed" => ServiceStatus::TemporarilyClosed,
            "defunct" | "inactive" => ServiceStatus::Defunct,
            other => {
                return Err(HsdsError::Status {
                    service: s.id.to_string(),
                    status: other.to_owned(),
                })
            }
        };
        let p = s.x_tsunagu;
        services.push(Service {
            id: s.id,
            organization_id: s.organization_id,
            name: s.name,
            alternate_names: p.alternate_names,
            kind: p.kind,
            description: s.description,
            eligibility: s.eligibility_description,
            concerns: p.concerns,
            audiences: p.audiences,
            service_kinds: p.service_kinds,
            anonymous: p.anonymous,
            reservation_required: p.reservation_required,
            status,
            phones: s
                .phones
                .into_iter()
                .map(|ph| Phone {
                    number: ph.number,
                    label: ph.description,
                })
                .collect(),
            emails: p.emails,
            links: p.links,
            hours: p.hours,
            location_ids: s
                .service_at_locations
                .into_iter()
                .map(|x| x.location_id)
                .collect(),
            service_area: p.service_area,
            languages: s.languages.into_iter().map(|l| l.code).collect(),
            cost: s.fees_description,
            opened: p.opened,
            provenance: p.provenance,
            quality_notes: p.quality_notes,
        });
    }
    Ok(Directory {
        organizations,
        services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_then_import_gives_back_the_same_directory() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let text = serde_json::to_string(&export(&dir)).unwrap_or_default();
        let back = import(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == dir, "round trip changed the directory");
    }

    #[test]
    fn schedules_use_hsds_byday_codes() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let s = dir
            .services
            .iter()
            .find(|s| s.id.as_ref() == "showa-karasuyama-addiction")
            .unwrap_or_else(|| panic!());
        let v = service_json(s, None);
        let bydays: Vec<&str> = v["schedules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["byday"].as_str())
            .collect();
        assert!(
            bydays.contains(&"MO,TU,WE,TH,FR") && bydays.contains(&"2FR,4FR"),
            "{bydays:?}"
        );
    }

    #[test]
    fn bad_documents_give_errors_with_positions() {
        let e = import("{\"services\": [ {\"id\": 5} ]}")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("line 1"), "{e}");
        assert!(import("not json").is_err());
    }
}
