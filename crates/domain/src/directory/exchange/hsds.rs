//! HSDS 3.0 exchange with the tsunagu Japan profile.
//!
//! Export writes HSDS objects (`organization`, `location` with `addresses`, `service` with
//! `phones`, `schedules`, `service_areas`, `languages`, `service_at_locations` and taxonomy
//! `attributes`) so any HSDS consumer can read the directory. What HSDS core cannot express
//! (typed concerns, audiences and service kinds, the structured hours with holiday and 年末年始
//! rules, provenance and data-quality notes) travels in an `x_tsunagu` object on each record,
//! as HSDS profiles allow. Import reads the core fields it owns (ids, names, descriptions,
//! status, eligibility, fees, phones, languages, locations) and the profile object for the
//! rest; `schedules` and `attributes` are derived views and are not read back when the profile
//! object is there. Export followed by import gives back exactly the same directory (tested).
//!
//! A document another system wrote (no `x_tsunagu`) is read from HSDS core alone: the
//! schedules in RRULE form ([`super::rrule`]), tsunagu's own taxonomy terms where it uses them,
//! the address parts, and a provenance naming the imported file and the line of each record.
//! What cannot be taken is an error naming the line ([`HsdsError::line`]).

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
use std::collections::HashMap;

/// Where a server answers the description of tsunagu's HSDS profile ([`profile_json`]),
/// under its public URL.
pub const PROFILE_PATH: &str = "/hsds/profile";

/// The profile URL of a deployment whose public URL is `base` (`https://example.jp`, without
/// a trailing slash).
pub fn profile_url(base: &str) -> String {
    format!("{}{PROFILE_PATH}", base.trim_end_matches('/'))
}

/// What tsunagu's HSDS profile adds to and decides about HSDS 3.0, for the people who take its
/// data: a server answers it at [`PROFILE_PATH`], and the `profile` of `/hsds/` and of an
/// export points there.
pub fn profile_json() -> Value {
    json!({
        "name": "tsunagu Japan profile of HSDS 3.0",
        "hsds_version": "3.0",
        "identifiers": {
            "scheme": "UUID v5 (RFC 9562 section 5.5) of `kind:readable-id` under the namespace below; stable across exports and servers",
            "namespace": ID_NAMESPACE.to_string(),
            "readable_id": "x_tsunagu.id of each record (the id the pages and the project's own API use)",
        },
        "extension": {
            "x_tsunagu": "on services, organizations, locations and service_at_locations: the readable id and what HSDS core cannot hold (tsunagu's kinds, concerns, audiences and service kinds, opening hours as the sources state them, provenance with file and line, quality notes)",
        },
        "taxonomies": taxonomies_json(),
        "decisions": [
            "schedules give timezone 9 (Japan Standard Time, UTC+9) as HSDS's offset in hours",
            "an e-mail printed against spam (name[at]example.jp) is read as name@example.jp for the core field and kept as printed in x_tsunagu",
            format!("an organization without a description in its sources says so in Japanese: {NO_DESCRIPTION}"),
            "an address is given only when its street, city, region and postal code are all known",
            "last_modified (API only) is the later of the service's and its organization's last change; exports carry no change times",
        ],
    })
}

/// The namespace of tsunagu's HSDS identifiers. HSDS 3.0 gives every `id` and `*_id`
/// `"format": "uuid"`, so each record's HSDS id is the UUID v5 (RFC 9562 §5.5) of its kind and
/// readable id under this namespace: stable across exports and servers, while the pages and the
/// project's own API keep the readable ids (which travel in `x_tsunagu.id`).
///
/// Decision: a random UUID drawn once for this project. Never change it: every exported id
/// depends on it.
pub const ID_NAMESPACE: uuid::Uuid = uuid::uuid!("e3bd4940-2eab-4795-86e5-a1f8c0d56575");

/// The HSDS id of a record of `kind` (`service`, `organization`, `location`, `phone` …) whose
/// readable key is `key`.
///
/// A record imported from another system keeps the UUID its producer gave it as its readable
/// id; that UUID (in canonical lowercase form) is then its HSDS id again, so the producer's
/// ids survive a pass through tsunagu.
pub fn hsds_id(kind: &str, key: &str) -> String {
    if uuid::Uuid::parse_str(key).is_ok_and(|u| u.hyphenated().to_string() == key) {
        return key.to_owned();
    }
    uuid::Uuid::new_v5(&ID_NAMESPACE, format!("{kind}:{key}").as_bytes()).to_string()
}

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

/// The taxonomies tsunagu classifies services by: code, Japanese name, and what a term of it
/// says about a service.
pub const TAXONOMIES: [(&str, &str, &str); 3] = [
    (
        "tsunagu-concern",
        "困りごと",
        "支援が扱う困りごと（依存の対象や生活上の問題）の分類",
    ),
    (
        "tsunagu-audience",
        "対象",
        "支援を利用できる人（本人、家族など）の分類",
    ),
    (
        "tsunagu-service-kind",
        "支援の種類",
        "支援の形（相談、医療、自助グループなど）の分類",
    ),
];

/// The HSDS `taxonomy` objects.
pub fn taxonomies_json() -> Vec<Value> {
    TAXONOMIES
        .iter()
        .map(|(code, name, description)| {
            json!({"id": hsds_id("taxonomy", code), "name": name, "description": description, "version": "1"})
        })
        .collect()
}

/// Every HSDS `taxonomy_term`: each concern, audience and service kind.
pub fn taxonomy_terms_json() -> Vec<Value> {
    let concerns = Concern::ALL
        .iter()
        .map(|c| ("tsunagu-concern", c.code(), c.label_ja()));
    let audiences = Audience::ALL
        .iter()
        .map(|a| ("tsunagu-audience", a.code(), a.label_ja()));
    let kinds = ServiceKind::ALL
        .iter()
        .map(|k| ("tsunagu-service-kind", k.code(), k.label_ja()));
    concerns
        .chain(audiences)
        .chain(kinds)
        .map(|(tax, code, name)| taxonomy_term(tax, code, name))
        .collect()
}

fn taxonomy_term(tax: &str, code: &str, name: &str) -> Value {
    let label = TAXONOMIES.iter().find(|t| t.0 == tax).map_or(tax, |t| t.1);
    json!({
        "id": hsds_id("taxonomy_term", &format!("{tax}:{code}")),
        "code": code,
        "name": name,
        "description": format!("{label}の分類で「{name}」に当たる支援"),
        "taxonomy": tax,
        "taxonomy_id": hsds_id("taxonomy", tax),
        "language": "ja",
    })
}

/// Drops `null` members and empty strings and arrays from an object: HSDS leaves out what is
/// unknown (`null` is not a string).
fn pruned(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| match v {
                    Value::Null => false,
                    Value::String(s) => !s.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    _ => true,
                })
                .collect(),
        ),
        other => other,
    }
}

/// The taxonomy terms of a service as (taxonomy, code, label), in the order of
/// [`TAXONOMIES`].
pub fn service_terms(
    s: &Service,
) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> + '_ {
    s.concerns
        .iter()
        .map(|c| ("tsunagu-concern", c.code(), c.label_ja()))
        .chain(
            s.audiences
                .iter()
                .map(|a| ("tsunagu-audience", a.code(), a.label_ja())),
        )
        .chain(
            s.service_kinds
                .iter()
                .map(|k| ("tsunagu-service-kind", k.code(), k.label_ja())),
        )
}

/// The terms of a service as one searchable text: ` taxonomy:code taxonomy:code ` (a space
/// before and after each key, so `LIKE '% taxonomy:%'` and `LIKE '% taxonomy:code %'` find
/// them). What the store keeps beside a service for the HSDS `taxonomy_id` and
/// `taxonomy_term_id` filters.
pub fn term_keys(s: &Service) -> String {
    let mut out = String::from(" ");
    for (tax, code, _) in service_terms(s) {
        out.push_str(tax);
        out.push(':');
        out.push_str(code);
        out.push(' ');
    }
    out
}

/// The HSDS `service` object for one service (with its `organization` when given).
pub fn service_json(s: &Service, org: Option<&Organization>) -> Value {
    let sid = hsds_id("service", s.id.as_ref());
    let phones: Vec<Value> = s
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            pruned(json!({
                "id": hsds_id("phone", &format!("{}:{}", s.id, i + 1)),
                "service_id": sid,
                "number": p.number.as_ref(),
                "description": p.label,
            }))
        })
        .collect();
    let schedules: Vec<Value> = s
        .hours
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (freq, byday) = byday(&r.days);
            pruned(json!({
                "id": hsds_id("schedule", &format!("{}:{}", s.id, i + 1)),
                "service_id": sid,
                "freq": freq,
                "byday": byday,
                "opens_at": r.opens.map(|t| t.format("%H:%M").to_string()),
                "closes_at": r.closes.map(|t| t.format("%H:%M").to_string()),
                // HSDS gives the zone as a UTC offset in hours: JST is +9.
                "timezone": 9,
                "description": r.kind.label_ja(),
                "notes": s.hours.note,
            }))
        })
        .collect();
    let attributes: Vec<Value> = service_terms(s)
        .map(|(tax, code, name)| {
            let term = taxonomy_term(tax, code, name);
            json!({
                "id": hsds_id("attribute", &format!("{}:{tax}:{code}", s.id)),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            })
        })
        .collect();
    let mut v = pruned(json!({
        "id": sid,
        "organization_id": hsds_id("organization", s.organization_id.as_ref()),
        "name": s.name,
        "alternate_name": if s.alternate_names.is_empty() { None } else { Some(s.alternate_names.join("、")) },
        "description": s.description,
        "url": s.links.first().map(|l| l.url.clone()),
        "email": s.emails.first().and_then(|e| core_email(e)),
        "status": match s.status { ServiceStatus::Active => "active", ServiceStatus::TemporarilyClosed => "temporarily closed", ServiceStatus::Defunct => "defunct" },
        "eligibility_description": s.eligibility,
        "fees_description": s.cost,
        "phones": phones,
        "schedules": schedules,
        "service_areas": s.service_area.as_ref().map(|a| vec![json!({"id": hsds_id("service_area", s.id.as_ref()), "service_id": sid, "name": a.label_ja()})]).unwrap_or_default(),
        "languages": s.languages.iter().map(|l| json!({"id": hsds_id("language", &format!("{}:{l}", s.id)), "service_id": sid, "code": l})).collect::<Vec<_>>(),
        "service_at_locations": s.location_ids.iter().map(|l| service_at_location_json(&s.id, l)).collect::<Vec<_>>(),
        "attributes": attributes,
        "x_tsunagu": ServiceProfile::of(s),
    }));
    if let (Some(org), Some(obj)) = (org, v.as_object_mut()) {
        obj.insert("organization".into(), organization_json(org));
    }
    v
}

/// An address for HSDS `email` (`"format": "email"`), from one as the source prints it.
///
/// Decision: sources print addresses against spam as `name[at]example.jp`; HSDS wants a
/// usable address, so `[at]`, `［at］` and `(at)` are read as `@`. A text that is still not a
/// plain `local@domain.tld` address is left out of the core field (it stays, as printed, in
/// `x_tsunagu.emails`).
pub fn core_email(printed: &str) -> Option<String> {
    let e = printed
        .trim()
        .replace("[at]", "@")
        .replace("［at］", "@")
        .replace("(at)", "@");
    let (local, domain) = e.split_once('@')?;
    let plain = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
    };
    (plain(local) && plain(domain) && domain.contains('.') && !domain.starts_with('.')).then_some(e)
}

/// The HSDS `service_at_location` linking a service to one of its locations.
pub fn service_at_location_json(service: &ServiceId, location: &LocationId) -> Value {
    json!({
        "id": hsds_id("service_at_location", &format!("{service}@{location}")),
        "service_id": hsds_id("service", service.as_ref()),
        "location_id": hsds_id("location", location.as_ref()),
        "x_tsunagu": {"id": format!("{service}@{location}"), "location": location.as_ref()},
    })
}

/// What an organization without a description in its sources says instead (HSDS requires a
/// description; tsunagu does not write one that no source gives).
pub const NO_DESCRIPTION: &str = "出典にこの団体の説明はありません。";

/// The HSDS `organization` object.
pub fn organization_json(o: &Organization) -> Value {
    pruned(json!({
        "id": hsds_id("organization", o.id.as_ref()),
        "name": o.name,
        "description": o.description.as_deref().filter(|d| !d.trim().is_empty()).unwrap_or(NO_DESCRIPTION),
        "website": o.url,
        "x_tsunagu": {"id": o.id.as_ref(), "founded": o.founded, "provenance": o.provenance, "quality_notes": o.quality_notes, "description": o.description},
    }))
}

/// The municipality an address starts with (after its prefecture, if written): a designated
/// city (`札幌市中央区…` → `札幌市`), otherwise the text up to the first 市, 区, 町 or 村 that is not
/// the name's first character, skipping a 郡 before it. `None` when nothing matches.
///
/// Decision: names with 村/町/市 inside them that this rule would cut short are listed
/// ([`CITY_EXCEPTIONS`]); an address whose city cannot be read keeps its text in `x_tsunagu`
/// and has no HSDS `address` (HSDS requires a city).
pub fn city_of(address: &str) -> Option<String> {
    let mut a = address.trim().trim_start_matches('〒');
    if let Some(p) = Prefecture::all().find(|p| a.starts_with(p.name())) {
        a = &a[p.name().len()..];
    }
    if let Some(c) =
        crate::directory::prefecture::DesignatedCity::all().find(|c| a.starts_with(c.name))
    {
        return Some(c.name.to_owned());
    }
    if let Some(c) = CITY_EXCEPTIONS.iter().find(|c| a.starts_with(*c)) {
        return Some((*c).to_owned());
    }
    let chars: Vec<char> = a.chars().collect();
    let mut start = 0;
    let mut i = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '郡' && start == 0 {
            start = i + 1;
            i += 2;
            continue;
        }
        if matches!(c, '市' | '区' | '町' | '村') && i > start {
            let mut end = i + 1;
            // 四日市市, 大町市, 羽村市: a marker followed by 市 belongs to the name.
            if chars.get(end) == Some(&'市') {
                end += 1;
            }
            return Some(chars[start..end].iter().collect());
        }
        i += 1;
    }
    None
}

/// Municipalities whose names hold 市, 町, 村 or 郡 in the middle.
pub const CITY_EXCEPTIONS: [&str; 8] = [
    "東村山市",
    "武蔵村山市",
    "大和郡山市",
    "郡山市",
    "小郡市",
    "蒲郡市",
    "郡上市",
    "上市町",
];

/// The HSDS `location` object. The postal `address` is written only when its city, prefecture
/// and postal code are all known (HSDS requires them); the text always travels in
/// `x_tsunagu`.
pub fn location_json(o: &Organization, l: &Location) -> Value {
    let prefecture = l
        .prefecture
        .or_else(|| l.address.as_deref().and_then(Prefecture::from_address));
    let address = match (
        &l.address,
        l.address.as_deref().and_then(city_of),
        prefecture,
        &l.postal_code,
    ) {
        (Some(a), Some(city), Some(p), Some(postal)) => vec![json!({
            "id": hsds_id("address", l.id.as_ref()),
            "location_id": hsds_id("location", l.id.as_ref()),
            "address_1": a,
            "city": city,
            "state_province": p.name(),
            "postal_code": postal,
            "country": "JP",
            "address_type": "physical",
        })],
        _ => Vec::new(),
    };
    pruned(json!({
        "id": hsds_id("location", l.id.as_ref()),
        "organization_id": hsds_id("organization", o.id.as_ref()),
        "location_type": match l.kind { LocationKind::Physical => "physical", LocationKind::Virtual => "virtual" },
        "addresses": address,
        "x_tsunagu": {"id": l.id.as_ref(), "organization": o.id.as_ref(), "prefecture": l.prefecture.map(|p| p.code()), "postal_code": l.postal_code, "address": l.address},
    }))
}

/// A whole directory as one HSDS document; `profile` is the URL of the profile's description
/// ([`profile_url`]) when the deployment's public URL is known, and left out otherwise.
pub fn export(dir: &Directory, profile: Option<&str>) -> Value {
    let mut doc = json!({
        "hsds_version": "3.0",
        "organizations": dir.organizations.iter().map(organization_json).collect::<Vec<_>>(),
        "locations": dir.organizations.iter().flat_map(|o| o.locations.iter().map(move |l| location_json(o, l))).collect::<Vec<_>>(),
        "services": dir.services.iter().map(|s| service_json(s, None)).collect::<Vec<_>>(),
        "taxonomies": taxonomies_json(),
        "taxonomy_terms": taxonomy_terms_json(),
    });
    if let (Some(url), Some(obj)) = (profile, doc.as_object_mut()) {
        obj.insert("profile".into(), Value::String(url.to_owned()));
    }
    doc
}

/// Profile fields of a service that HSDS core cannot hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ServiceProfile {
    /// The readable id (absent in exports older than the UUID ids, whose `id` is readable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
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
            id: Some(s.id.to_string()),
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
    id: Option<String>,
    #[serde(default)]
    founded: Option<String>,
    provenance: Provenance,
    #[serde(default)]
    quality_notes: Vec<QualityNote>,
}

#[derive(Deserialize)]
struct InOrg {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    year_incorporated: Option<f64>,
    #[serde(default)]
    x_tsunagu: Option<InOrgProfile>,
}

#[derive(Deserialize)]
struct InAddress {
    address_1: String,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    state_province: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
}

#[derive(Deserialize)]
struct InLocationProfile {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    prefecture: Option<Prefecture>,
    #[serde(default)]
    postal_code: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

#[derive(Deserialize)]
struct InLocation {
    id: String,
    organization_id: String,
    #[serde(default)]
    location_type: Option<String>,
    #[serde(default)]
    addresses: Vec<InAddress>,
    #[serde(default)]
    x_tsunagu: Option<InLocationProfile>,
}

#[derive(Deserialize)]
struct InPhone {
    number: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct InLanguage {
    code: String,
}

#[derive(Deserialize)]
struct InServiceAtLocation {
    location_id: String,
}

#[derive(Deserialize)]
struct InSchedule {
    #[serde(default)]
    freq: Option<String>,
    #[serde(default)]
    interval: Option<f64>,
    #[serde(default)]
    byday: Option<String>,
    #[serde(default)]
    bymonthday: Option<String>,
    #[serde(default)]
    byweekno: Option<String>,
    #[serde(default)]
    byyearday: Option<String>,
    #[serde(default)]
    count: Option<f64>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    timezone: Option<f64>,
    #[serde(default)]
    opens_at: Option<String>,
    #[serde(default)]
    closes_at: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct InTerm {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    taxonomy: Option<String>,
}

#[derive(Deserialize)]
struct InAttribute {
    #[serde(default)]
    taxonomy_term: Option<InTerm>,
}

#[derive(Deserialize)]
struct InService {
    id: String,
    organization_id: String,
    name: String,
    #[serde(default)]
    alternate_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    email: Option<String>,
    status: String,
    #[serde(default)]
    eligibility_description: Option<String>,
    #[serde(default)]
    fees_description: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    phones: Vec<InPhone>,
    #[serde(default)]
    schedules: Vec<InSchedule>,
    #[serde(default)]
    attributes: Vec<InAttribute>,
    #[serde(default)]
    languages: Vec<InLanguage>,
    #[serde(default)]
    service_at_locations: Vec<InServiceAtLocation>,
    #[serde(default)]
    x_tsunagu: Option<ServiceProfile>,
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
    /// A record that cannot be taken, at the line of its `id`.
    #[error("line {line}: {problem}")]
    At {
        /// Line of the record in the document (1-based).
        line: usize,
        /// What is wrong.
        problem: Problem,
    },
}

impl HsdsError {
    /// The line of the document the error is about.
    pub fn line(&self) -> usize {
        match self {
            HsdsError::Json(e) => e.line(),
            HsdsError::At { line, .. } => *line,
        }
    }
}

/// What is wrong with one record of an HSDS document.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// A status that HSDS does not define.
    #[error("service {service}: unknown status {status:?}")]
    Status {
        /// Service id.
        service: String,
        /// What was given.
        status: String,
    },
    /// A readable id (in `x_tsunagu.id`, or the HSDS `id`) that tsunagu cannot use.
    #[error("{kind} {id:?}: not a usable id ({reason})")]
    Id {
        /// What kind of record.
        kind: &'static str,
        /// The id given.
        id: String,
        /// Why it was refused.
        reason: String,
    },
    /// A service names a location or organization that is not in the document.
    #[error("service {service}: unknown {what} {id}")]
    Dangling {
        /// Service id.
        service: String,
        /// `location` or `organization`.
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// A location belongs to an organization that is not in the document.
    #[error("location {location}: unknown organization {organization}")]
    Orphan {
        /// Location id.
        location: String,
        /// Organization id.
        organization: String,
    },
    /// A service without tsunagu's profile, imported without a kind to give it.
    #[error("service {service}: the document does not say what kind of provider it is (x_tsunagu.kind); give the kind of such services with --kind (for example --kind self_help_group)")]
    NoKind {
        /// Service id.
        service: String,
    },
    /// A phone number that is not one.
    #[error("service {service}: phone {number:?} is not a Japanese phone number (8-11 digits; no + country code)")]
    Phone {
        /// Service id.
        service: String,
        /// What was given.
        number: String,
    },
    /// A schedule tsunagu cannot hold.
    #[error("service {service}: schedule {n}: {reason}")]
    Schedule {
        /// Service id.
        service: String,
        /// Which schedule (1-based).
        n: usize,
        /// Why.
        reason: String,
    },
}

/// How to read a document: the name it is cited by in the provenance of records that carry
/// none, and the kind given to services that do not say theirs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The file name records without tsunagu's profile are sourced to (`partner.json`).
    pub source: String,
    /// The kind of services without tsunagu's profile; `None` refuses them.
    pub default_kind: Option<ResourceKind>,
}

/// The line (1-based) where the record whose `id` is `id` starts: the first `"id": "<id>"`
/// in the text, else the first mention of the id, else 1.
fn line_of(text: &str, id: &str) -> usize {
    let quoted = format!("\"{id}\"");
    let mut first = None;
    for (at, _) in text.match_indices(&quoted) {
        first.get_or_insert(at);
        let before = text[..at].trim_end();
        if let Some(key) = before.strip_suffix(':') {
            if key.trim_end().ends_with("\"id\"") {
                first = Some(at);
                break;
            }
        }
    }
    first.map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// The readable id of a record: its `x_tsunagu.id`, or its HSDS `id` (an export older than the
/// UUID ids, or a document another system wrote).
fn readable_id<T>(kind: &'static str, profile: Option<&String>, hsds: &str) -> Result<T, Problem>
where
    T: TryFrom<String, Error = crate::common::ids::InvalidId>,
{
    let readable = profile
        .cloned()
        .unwrap_or_else(|| hsds.to_ascii_lowercase());
    T::try_from(readable.clone()).map_err(|e| Problem::Id {
        kind,
        id: readable,
        reason: e.to_string(),
    })
}

/// The provenance of a record without tsunagu's profile: the imported file at the record's
/// line, as of the date its producer last changed it when it says.
fn imported_from(opts: &ImportOptions, line: usize, as_of: Option<&str>) -> Provenance {
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    Provenance {
        source: crate::directory::model::SourceRef {
            doc: opts.source.clone(),
            from: line,
            to: line,
        },
        also: vec![],
        as_of: as_of
            .and_then(|t| t.get(..10))
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
            .map(str::to_owned),
        last_verified: None,
    }
}

/// A location's address text from its HSDS address parts (Japanese order: prefecture, city,
/// the rest), without repeating a part `address_1` already starts with.
fn address_text(a: &InAddress) -> String {
    let starts = |part: &Option<String>| {
        part.as_deref()
            .is_some_and(|p| !p.is_empty() && a.address_1.starts_with(p))
    };
    let mut out = String::new();
    if !starts(&a.state_province) {
        if !starts(&a.city) {
            out.push_str(a.city.as_deref().unwrap_or(""));
        }
        out.insert_str(0, a.state_province.as_deref().unwrap_or(""));
    }
    out.push_str(&a.address_1);
    out
}

/// tsunagu's own taxonomy terms among a service's attributes (others are not read).
fn our_terms(attrs: &[InAttribute]) -> (Vec<Concern>, Vec<Audience>, Vec<ServiceKind>) {
    let (mut c, mut a, mut k) = (Vec::new(), Vec::new(), Vec::new());
    for t in attrs.iter().filter_map(|x| x.taxonomy_term.as_ref()) {
        let code = t.code.as_deref().unwrap_or("");
        match t.taxonomy.as_deref() {
            Some("tsunagu-concern") => c.extend(code.parse::<Concern>().ok()),
            Some("tsunagu-audience") => a.extend(code.parse::<Audience>().ok()),
            Some("tsunagu-service-kind") => k.extend(code.parse::<ServiceKind>().ok()),
            _ => {}
        }
    }
    (c, a, k)
}

/// Reads an HSDS document written by [`export`], or by another system (then from HSDS core
/// alone, as the module documentation says).
pub fn import(text: &str) -> Result<Directory, HsdsError> {
    import_with(text, &ImportOptions::default())
}

/// [`import`] with the options for documents other systems wrote.
pub fn import_with(text: &str, opts: &ImportOptions) -> Result<Directory, HsdsError> {
    let doc: InDocument = serde_json::from_str(text)?;
    let at = |id: &str, problem: Problem| HsdsError::At {
        line: line_of(text, id),
        problem,
    };
    // HSDS ids (UUIDs) to readable ids.
    let mut org_ids: HashMap<String, OrganizationId> = HashMap::new();
    let mut organizations = Vec::new();
    for o in doc.organizations {
        let id: OrganizationId = readable_id(
            "organization",
            o.x_tsunagu.as_ref().and_then(|p| p.id.as_ref()),
            &o.id,
        )
        .map_err(|p| at(&o.id, p))?;
        org_ids.insert(o.id.clone(), id.clone());
        let (founded, provenance, quality_notes) = match o.x_tsunagu {
            Some(p) => (p.founded, p.provenance, p.quality_notes),
            None => (
                o.year_incorporated
                    .filter(|y| y.fract() == 0.0 && (1000.0..=9999.0).contains(y))
                    .map(|y| format!("{y:.0}")),
                imported_from(opts, line_of(text, &o.id), None),
                vec![],
            ),
        };
        organizations.push(Organization {
            id,
            name: o.name,
            description: o.description.filter(|d| d != NO_DESCRIPTION),
            url: o.website,
            locations: vec![],
            founded,
            provenance,
            quality_notes,
        });
    }
    let mut loc_ids: HashMap<String, LocationId> = HashMap::new();
    for l in doc.locations {
        let org_id = org_ids.get(&l.organization_id).cloned();
        let Some(org) = org_id.and_then(|id| organizations.iter_mut().find(|o| o.id == id)) else {
            return Err(at(
                &l.id,
                Problem::Orphan {
                    location: l.id.clone(),
                    organization: l.organization_id.clone(),
                },
            ));
        };
        let id: LocationId = readable_id(
            "location",
            l.x_tsunagu.as_ref().and_then(|p| p.id.as_ref()),
            &l.id,
        )
        .map_err(|p| at(&l.id, p))?;
        loc_ids.insert(l.id.clone(), id.clone());
        let kind = if l.location_type.as_deref() == Some("virtual") {
            LocationKind::Virtual
        } else {
            LocationKind::Physical
        };
        let first = l.addresses.first();
        org.locations.push(match l.x_tsunagu {
            Some(p) => Location {
                id,
                kind,
                postal_code: p.postal_code,
                prefecture: p.prefecture,
                address: p.address.or_else(|| first.map(|a| a.address_1.clone())),
            },
            None => Location {
                id,
                kind,
                postal_code: first.and_then(|a| a.postal_code.clone()),
                prefecture: first
                    .and_then(|a| a.state_province.as_deref())
                    .and_then(|p| Prefecture::parse(p).ok()),
                address: first.map(address_text),
            },
        });
    }
    let mut services = Vec::new();
    for s in doc.services {
        let status = match s.status.as_str() {
            "active" => ServiceStatus::Active,
            "temporarily closed" | "temporarily_closed" => ServiceStatus::TemporarilyClosed,
            "defunct" | "inactive" => ServiceStatus::Defunct,
            other => {
                return Err(at(
                    &s.id,
                    Problem::Status {
                        service: s.id.clone(),
                        status: other.to_owned(),
                    },
                ))
            }
        };
        let id: ServiceId = readable_id(
            "service",
            s.x_tsunagu.as_ref().and_then(|p| p.id.as_ref()),
            &s.id,
        )
        .map_err(|p| at(&s.id, p))?;
        let readable = id.to_string();
        let organization_id = org_ids.get(&s.organization_id).cloned().ok_or_else(|| {
            at(
                &s.id,
                Problem::Dangling {
                    service: readable.clone(),
                    what: "organization",
                    id: s.organization_id.clone(),
                },
            )
        })?;
        let location_ids = s
            .service_at_locations
            .iter()
            .map(|x| {
                loc_ids.get(&x.location_id).cloned().ok_or_else(|| {
                    at(
                        &s.id,
                        Problem::Dangling {
                            service: readable.clone(),
                            what: "location",
                            id: x.location_id.clone(),
                        },
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut phones = Vec::with_capacity(s.phones.len());
        for ph in s.phones {
            let number = PhoneNumber::parse(&ph.number).map_err(|_| {
                at(
                    &s.id,
                    Problem::Phone {
                        service: readable.clone(),
                        number: ph.number.clone(),
                    },
                )
            })?;
            phones.push(Phone {
                number,
                label: ph.description,
            });
        }
        let p = match s.x_tsunagu {
            Some(p) => p,
            None => {
                let line = line_of(text, &s.id);
                let kind = opts.default_kind.ok_or_else(|| {
                    at(
                        &s.id,
                        Problem::NoKind {
                            service: readable.clone(),
                        },
                    )
                })?;
                let mut rules = Vec::with_capacity(s.schedules.len());
                for (n, sc) in s.schedules.iter().enumerate() {
                    let unsupported = [
                        ("bymonthday", sc.bymonthday.is_some()),
                        ("byweekno", sc.byweekno.is_some()),
                        ("byyearday", sc.byyearday.is_some()),
                        ("count", sc.count.is_some()),
                        ("until", sc.until.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(name, present)| present.then_some(name))
                    .collect();
                    let opening = super::rrule::read(&super::rrule::Recurrence {
                        freq: sc.freq.as_deref(),
                        interval: sc.interval,
                        byday: sc.byday.as_deref(),
                        unsupported,
                        timezone: sc.timezone,
                        opens_at: sc.opens_at.as_deref(),
                        closes_at: sc.closes_at.as_deref(),
                    })
                    .map_err(|reason| {
                        at(
                            &s.id,
                            Problem::Schedule {
                                service: readable.clone(),
                                n: n + 1,
                                reason,
                            },
                        )
                    })?;
                    // Decision: a schedule's own words name what its hours are for when they
                    // are one of tsunagu's labels (電話受付 …); otherwise they are
                    // the reception hours, what a service's published hours usually are.
                    let kind = crate::directory::schedule::HoursKind::ALL
                        .iter()
                        .copied()
                        .find(|k| sc.description.as_deref() == Some(k.label_ja()))
                        .unwrap_or(crate::directory::schedule::HoursKind::Reception);
                    rules.push(crate::directory::schedule::HoursRule {
                        kind,
                        days: opening.days,
                        opens: opening.opens,
                        closes: opening.closes,
                        by_appointment: false,
                    });
                }
                let (concerns, audiences, service_kinds) = our_terms(&s.attributes);
                ServiceProfile {
                    id: None,
                    kind,
                    alternate_names: s.alternate_name.clone().into_iter().collect(),
                    concerns,
                    audiences,
                    service_kinds,
                    anonymous: None,
                    reservation_required: None,
                    emails: s.email.clone().into_iter().collect(),
                    links: s
                        .url
                        .clone()
                        .map(|url| Link { url, label: None })
                        .into_iter()
                        .collect(),
                    hours: Hours {
                        rules,
                        ..Hours::default()
                    },
                    service_area: None,
                    opened: None,
                    provenance: imported_from(opts, line, s.last_modified.as_deref()),
                    quality_notes: vec![],
                }
            }
        };
        services.push(Service {
            id,
            organization_id,
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
            phones,
            emails: p.emails,
            links: p.links,
            hours: p.hours,
            location_ids,
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
        let text = serde_json::to_string(&export(&dir, None)).unwrap_or_default();
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

    fn is_uuid(v: &Value) -> bool {
        v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
    }

    #[test]
    fn every_hsds_id_is_a_stable_uuid_and_the_readable_id_travels_in_the_profile() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let doc = export(&dir, None);
        let again = export(&dir, None);
        assert_eq!(doc, again, "ids are stable");
        let mut ids = std::collections::HashSet::new();
        fn walk(v: &Value, ids: &mut std::collections::HashSet<String>, inside_profile: bool) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        if !inside_profile && (k == "id" || k.ends_with("_id")) {
                            assert!(is_uuid(v), "{k} = {v}");
                            if k == "id" {
                                ids.insert(v.to_string());
                            }
                        }
                        assert!(inside_profile || !v.is_null(), "{k} is null");
                        walk(v, ids, inside_profile || k == "x_tsunagu");
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, ids, inside_profile)),
                _ => {}
            }
        }
        walk(&doc, &mut ids, false);
        assert!(ids.len() > 1000, "{} distinct ids", ids.len());
        let s = &doc["services"][0];
        assert_eq!(s["id"], hsds_id("service", dir.services[0].id.as_ref()));
        assert_eq!(s["x_tsunagu"]["id"], dir.services[0].id.as_ref());
        assert!(doc["taxonomy_terms"]
            .as_array()
            .is_some_and(|t| t.iter().all(|t| t["description"].is_string())));
    }

    #[test]
    fn an_export_with_the_old_readable_ids_still_imports() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let mut doc = export(&dir, None);
        // Rewrite the document as exports before the UUID ids were: readable ids in `id` and
        // the references, and no `x_tsunagu.id`.
        let readable = |v: &mut Value| {
            let id = v["x_tsunagu"]["id"].take();
            v["id"] = id;
        };
        for o in doc["organizations"].as_array_mut().into_iter().flatten() {
            readable(o);
        }
        for l in doc["locations"].as_array_mut().into_iter().flatten() {
            let org = l["x_tsunagu"]["organization"].clone();
            l["organization_id"] = org;
            readable(l);
        }
        for (s, svc) in doc["services"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .zip(&dir.services)
        {
            s["organization_id"] = svc.organization_id.as_ref().into();
            let links = s
                .get_mut("service_at_locations")
                .and_then(Value::as_array_mut);
            for sal in links.into_iter().flatten() {
                let loc = sal["x_tsunagu"]["location"].clone();
                sal["location_id"] = loc;
            }
            readable(s);
        }
        let text = doc.to_string();
        let back = import(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(back == dir, "the old form gives back the same directory");
    }

    #[test]
    fn printed_addresses_against_spam_are_read_and_others_left_out() {
        assert_eq!(
            core_email("one[at]oneness-g.com").as_deref(),
            Some("one@oneness-g.com")
        );
        assert_eq!(
            core_email(" info@example.jp ").as_deref(),
            Some("info@example.jp")
        );
        for bad in ["info", "a@b", "a b@c.jp", "a@@b.jp", "@b.jp"] {
            assert_eq!(core_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_city_is_read_from_the_start_of_an_address() {
        for (address, city) in [
            ("小平市小川東町4-1-1", Some("小平市")),
            ("世田谷区上北沢 2-1-1", Some("世田谷区")),
            ("札幌市中央区北3条西6丁目", Some("札幌市")),
            ("東京都八王子市寺町43-9", Some("八王子市")),
            ("四日市市諏訪町1-5", Some("四日市市")),
            ("町田市森野2-2-22", Some("町田市")),
            ("市川市八幡1-1-1", Some("市川市")),
            ("東村山市本町1-2-3", Some("東村山市")),
            ("羽村市緑ヶ丘5-2-1", Some("羽村市")),
            ("西多摩郡瑞穂町箱根ケ崎2335", Some("瑞穂町")),
            ("番地のみ", None),
        ] {
            assert_eq!(city_of(address).as_deref(), city, "{address}");
        }
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
