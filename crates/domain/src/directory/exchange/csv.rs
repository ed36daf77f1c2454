//! CSV exchange: one row per service, with its organization's columns repeated.
//!
//! The file is UTF-8 with a byte-order mark so that Excel opens Japanese text correctly.
//! Code lists (concerns, audiences, service kinds, languages) are `|`-separated codes;
//! structured fields (locations, phones, links, hours, provenance, quality notes, names,
//! e-mails) are JSON in their cell, which keeps the round trip lossless. Reading reports every
//! bad row with its line number, so the caller can refuse the file or skip those rows.

use crate::directory::model::{Directory, Organization, Service};
use serde::{Deserialize, Serialize};

/// The byte-order mark that lets Excel read UTF-8 CSV.
pub const BOM: &str = "\u{feff}";

#[derive(Debug, Serialize, Deserialize)]
struct Row {
    service_id: String,
    organization_id: String,
    organization_name: String,
    organization_description: String,
    organization_url: String,
    organization_founded: String,
    organization_provenance: String,
    organization_quality_notes: String,
    locations: String,
    name: String,
    alternate_names: String,
    kind: String,
    description: String,
    eligibility: String,
    concerns: String,
    audiences: String,
    service_kinds: String,
    anonymous: String,
    reservation_required: String,
    status: String,
    phones: String,
    emails: String,
    links: String,
    hours: String,
    location_ids: String,
    service_area: String,
    languages: String,
    cost: String,
    opened: String,
    provenance: String,
    quality_notes: String,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn codes<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

fn flag(b: Option<bool>) -> String {
    match b {
        Some(true) => "true".into(),
        Some(false) => "false".into(),
        None => String::new(),
    }
}

/// Writes the directory as CSV (with BOM).
pub fn write(dir: &Directory) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    for s in &dir.services {
        let Some(o) = dir.organization(&s.organization_id) else {
            continue;
        };
        w.serialize(Row {
            service_id: s.id.to_string(),
            organization_id: o.id.to_string(),
            organization_name: o.name.clone(),
            organization_description: opt(&o.description),
            organization_url: opt(&o.url),
            organization_founded: opt(&o.founded),
            organization_provenance: json(&o.provenance),
            organization_quality_notes: json(&o.quality_notes),
            locations: json(&o.locations),
            name: s.name.clone(),
            alternate_names: json(&s.alternate_names),
            kind: s.kind.to_string(),
            description: opt(&s.description),
            eligibility: opt(&s.eligibility),
            concerns: codes(&s.concerns),
            audiences: codes(&s.audiences),
            service_kinds: codes(&s.service_kinds),
            anonymous: flag(s.anonymous),
            reservation_required: flag(s.reservation_required),
            status: s.status.to_string(),
            phones: json(&s.phones),
            emails: json(&s.emails),
            links: json(&s.links),
            hours: json(&s.hours),
            location_ids: json(&s.location_ids),
            service_area: s.service_area.as_ref().map(json).unwrap_or_default(),
            languages: s.languages.join("|"),
            cost: opt(&s.cost),
            opened: opt(&s.opened),
            provenance: json(&s.provenance),
            quality_notes: json(&s.quality_notes),
        })?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// One bad row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

fn none_if_empty(s: String) -> Option<String> {
    if s.trim().is_empty() {
        None
    } else {
        Some(s)
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(column: &str, cell: &str) -> Result<T, String> {
    serde_json::from_str(cell).map_err(|e| format!("column {column}: {e}"))
}

fn parse_codes<T: std::str::FromStr>(column: &str, cell: &str) -> Result<Vec<T>, String>
where
    T::Err: std::fmt::Display,
{
    cell.split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().map_err(|e| format!("column {column}: {e}")))
        .collect()
}

fn parse_flag(column: &str, cell: &str) -> Result<Option<bool>, String> {
    match cell.trim() {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        other => Err(format!(
            "column {column}: expected true, false or empty, found {other:?}"
        )),
    }
}

fn parse_row(r: Row) -> Result<(Organization, Service), String> {
    let org = Organization {
        id: r
            .organization_id
            .clone()
            .try_into()
            .map_err(|e| format!("column organization_id: {e}"))?,
        name: r.organization_name,
        description: none_if_empty(r.organization_description),
        url: none_if_empty(r.organization_url),
        locations: parse_json("locations", &r.locations)?,
        founded: none_if_empty(r.organization_founded),
        provenance: parse_json("organization_provenance", &r.organization_provenance)?,
        quality_notes: parse_json("organization_quality_notes", &r.organization_quality_notes)?,
    };
    let service = Service {
        id: r
            .service_id
            .try_into()
            .map_err(|e| format!("column service_id: {e}"))?,
        organization_id: org.id.clone(),
        name: r.name,
        alternate_names: parse_json("alternate_names", &r.alternate_names)?,
        kind: r.kind.parse().map_err(|e| format!("column kind: {e}"))?,
        description: none_if_empty(r.description),
        eligibility: none_if_empty(r.eligibility),
        concerns: parse_codes("concerns", &r.concerns)?,
        audiences: parse_codes("audiences", &r.audiences)?,
        service_kinds: parse_codes("service_kinds", &r.service_kinds)?,
        anonymous: parse_flag("anonymous", &r.anonymous)?,
        reservation_required: parse_flag("reservation_required", &r.reservation_required)?,
        status: r
            .status
            .parse()
            .map_err(|e| format!("column status: {e}"))?,
        phones: parse_json("phones", &r.phones)?,
        emails: parse_json("emails", &r.emails)?,
        links: parse_json("links", &r.links)?,
        hours: parse_json("hours", &r.hours)?,
        location_ids: parse_json("location_ids", &r.location_ids)?,
        service_area: if r.service_area.trim().is_empty() {
            None
        } else {
            Some(parse_json("service_area", &r.service_area)?)
        },
        languages: r
            .languages
            .split('|')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        cost: none_if_empty(r.cost),
        opened: none_if_empty(r.opened),
        provenance: parse_json("provenance", &r.provenance)?,
        quality_notes: parse_json("quality_notes", &r.quality_notes)?,
    };
    if service.name.trim().is_empty() {
        return Err("column name: empty".into());
    }
    Ok((org, service))
}

/// Reads CSV written by [`write()`] (the BOM is optional). Returns the rows that parsed and an
/// error for every row that did not; a row whose organization columns disagree with an
/// earlier row of the same organization is an error too.
pub fn read(bytes: &[u8]) -> (Directory, Vec<RowError>) {
    let bytes = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    let mut dir = Directory::default();
    let mut errors = Vec::new();
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(RowError {
                line: 1,
                message: format!("header: {e}"),
            });
            return (dir, errors);
        }
    };
    let mut record = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(RowError {
                    line: e.position().map_or(line, |p| p.line()),
                    message: e.to_string(),
                });
                // A broken record (bad UTF-8, wrong field count) cannot be resynchronised.
                if matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let parsed = record
            .deserialize::<Row>(Some(&headers))
            .map_err(|e| e.to_string())
            .and_then(parse_row);
        match parsed {
            Ok((org, service)) => match dir.organization(&org.id) {
                Some(existing) if *existing != org => errors.push(RowError {
                    line,
                    message: format!("organization {} differs from an earlier row", org.id),
                }),
                Some(_) => dir.services.push(service),
                None => {
                    dir.organizations.push(org);
                    dir.services.push(service);
                }
            },
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    (dir, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_gives_back_the_same_directory_and_starts_with_a_bom() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let bytes = write(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(bytes.starts_with("\u{feff}service_id,".as_bytes()));
        let (back, errors) = read(&bytes);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(back == dir);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let dir = crate::directory::dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
        let small = Directory {
            organizations: dir.organizations.clone(),
            services: dir.services[..3].to_vec(),
        };
        let text = String::from_utf8(write(&small).unwrap_or_default()).unwrap_or_default();
        let broken = text
            .replacen(",recovery_facility,", ",no_such_kind,", 1)
            .replacen(
                ",mental_health_welfare_center,",
                ",mental_health_welfare_center_x,",
                1,
            );
        let (ok, errors) = read(broken.as_bytes());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("kind"), "{}", errors[0].message);
        assert_eq!(ok.services.len(), 2);
    }

    #[test]
    fn garbage_gives_errors_not_panics() {
        let (_, errors) = read(b"a,b\n1,2\n");
        assert!(!errors.is_empty());
        let (_, errors) = read(&[0xff, 0xfe, 0x00]);
        assert!(!errors.is_empty());
    }
}
