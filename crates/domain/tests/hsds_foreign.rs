//! HSDS 3.0 documents tsunagu did not write (fixtures written by hand from the schema in
//! `tests/fixtures/hsds/`: US-style organizations, several locations, RRULE schedules, missing
//! optional fields, unknown extension fields): they import, or fail with the line and reason;
//! what they hold validates against the official schemas; and once imported they round-trip
//! through tsunagu's own export.

#[path = "../../../tests/support/hsds_schema.rs"]
mod hsds_schema;

use chrono::{NaiveTime, Weekday};
use tsunagu_domain::directory::exchange::hsds::{self, HsdsError, ImportOptions};
use tsunagu_domain::directory::schedule::{Days, HoursKind};
use tsunagu_domain::ResourceKind;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/hsds/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn opts(name: &str) -> ImportOptions {
    ImportOptions {
        source: name.into(),
        default_kind: Some(ResourceKind::AddictionNpo),
    }
}

/// The line of the first `"id": "<id>"` in `text`.
fn line_of_id(text: &str, id: &str) -> usize {
    let needle = format!("\"id\": \"{id}\"");
    let at = text.find(&needle).expect("id in fixture");
    text[..at].matches('\n').count() + 1
}

const S1: &str = "1cbb2aa8-c0bb-4887-adeb-b3cf005ca0ed";
const S3: &str = "99892f6b-adb9-453f-8394-e2cdfd6c2211";
const S2: &str = "cd5bd3f6-f519-4a5a-b3ce-a9c359832db2";

#[test]
fn the_fixture_is_valid_hsds() {
    let (Some(item), Some(org)) = (
        hsds_schema::schema("service_list"),
        hsds_schema::schema("organization"),
    ) else {
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&fixture("foreign.json")).expect("json");
    let mut violations = Vec::new();
    for s in doc["services"].as_array().expect("services") {
        violations.extend(item.violations(s));
    }
    for o in doc["organizations"].as_array().expect("organizations") {
        violations.extend(org.violations(o));
    }
    hsds_schema::assert_none("fixtures/hsds/foreign.json", &violations);
}

#[test]
fn a_document_another_system_wrote_imports_from_hsds_core() {
    let text = fixture("foreign.json");
    let dir = hsds::import_with(&text, &opts("foreign.json")).expect("imports");
    dir.validate().expect("a valid directory");
    assert_eq!(dir.organizations.len(), 2);
    assert_eq!(dir.services.len(), 3);

    // Organizations: US-style fields ignored, year_incorporated kept, provenance at its line.
    let o = &dir.organizations[0];
    assert_eq!(o.name, "テスト市こころの相談センター");
    assert_eq!(o.url.as_deref(), Some("https://example.org/kokoro"));
    assert_eq!(o.founded.as_deref(), Some("1998"));
    assert_eq!(o.provenance.source.doc, "foreign.json");
    assert_eq!(o.locations.len(), 2, "two locations");
    // Addresses from their parts, in Japanese order, without doubling what address_1 holds.
    assert_eq!(
        o.locations[0].address.as_deref(),
        Some("東京都テスト市中央1-2-3")
    );
    assert_eq!(
        o.locations[1].address.as_deref(),
        Some("東京都テスト市北2-4-6")
    );
    assert_eq!(o.locations[0].postal_code.as_deref(), Some("100-0000"));
    assert_eq!(o.locations[0].prefecture.map(|p| p.name()), Some("東京都"));
    // An organization with only the required fields.
    assert!(dir.organizations[1].description.is_some());
    assert!(dir.organizations[1].founded.is_none());

    // The first service: RRULE schedules, our own taxonomy term, the core contact fields.
    let s = &dir.services[0];
    assert_eq!(s.id.as_ref(), S1);
    assert_eq!(s.kind, ResourceKind::AddictionNpo, "the kind given");
    assert_eq!(s.alternate_names, ["テスト相談"]);
    assert_eq!(s.emails, ["tel@example.org"]);
    assert_eq!(s.links[0].url, "https://example.org/kokoro/tel");
    assert_eq!(s.phones[0].number.as_ref(), "03-0000-1111");
    assert_eq!(s.concerns.len(), 1, "the tsunagu term is read, AIRS is not");
    assert_eq!(s.location_ids.len(), 2);
    assert_eq!(s.languages, ["ja"]);
    assert_eq!(s.provenance.source.doc, "foreign.json");
    assert_eq!(
        s.provenance.source.from as usize,
        line_of_id(&text, S1),
        "cited at the line of its id"
    );
    assert_eq!(s.provenance.as_of.as_deref(), Some("2026-10-01"));
    let rules = &s.hours.rules;
    assert_eq!(rules.len(), 2);
    assert_eq!(
        rules[0].kind,
        HoursKind::Phone,
        "its description names the kind"
    );
    assert_eq!(
        rules[0].days,
        Days::Weekly {
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri
            ]
        }
    );
    assert_eq!(rules[0].opens, NaiveTime::from_hms_opt(9, 0, 0));
    assert_eq!(rules[0].closes, NaiveTime::from_hms_opt(17, 0, 0));
    assert_eq!(rules[1].kind, HoursKind::Reception);
    assert_eq!(
        rules[1].days,
        Days::MonthlyNth {
            weeks: vec![2],
            weekday: Weekday::Sat
        }
    );
    // Optional fields missing: nothing made up.
    let bare = &dir.services[1];
    assert!(bare.phones.is_empty() && bare.hours.rules.is_empty() && bare.description.is_none());
    assert_eq!(dir.services[2].hours.rules.len(), 1);

    // Once imported, the records round-trip through tsunagu's own export, under the ids
    // their producer gave them.
    let exported = hsds::export(&dir, None);
    assert_eq!(exported["services"][0]["id"], S1);
    assert_eq!(
        exported["services"][0]["organization_id"],
        dir.organizations[0].id.as_ref()
    );
    let again = hsds::import(&serde_json::to_string(&exported).expect("json")).expect("re-import");
    assert_eq!(again, dir);
}

#[test]
fn what_cannot_be_taken_is_refused_with_its_line_and_reason() {
    let text = fixture("foreign.json");
    let no_kind = hsds::import_with(
        &text,
        &ImportOptions {
            source: "foreign.json".into(),
            default_kind: None,
        },
    )
    .expect_err("no kind");
    assert_eq!(no_kind.line(), line_of_id(&text, S1));
    assert!(no_kind.to_string().contains("--kind"), "{no_kind}");

    let text = fixture("foreign_every_other_week.json");
    let e = hsds::import_with(&text, &opts("x.json")).expect_err("interval 2");
    assert!(matches!(e, HsdsError::At { .. }));
    assert_eq!(e.line(), line_of_id(&text, S3));
    assert!(e.to_string().contains("interval 2"), "{e}");

    let text = fixture("foreign_us_phone.json");
    let e = hsds::import_with(&text, &opts("x.json")).expect_err("+1 number");
    assert_eq!(e.line(), line_of_id(&text, S2));
    assert!(e.to_string().contains("+1 503-555-0100"), "{e}");

    // Broken JSON names its line too.
    let e = hsds::import_with("{\n\"services\": [\n{\"id\": }\n]}", &opts("x.json"))
        .expect_err("bad json");
    assert_eq!(e.line(), 3);
}
