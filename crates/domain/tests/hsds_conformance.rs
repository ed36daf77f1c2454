//! Every HSDS object the export writes validates against the official HSDS 3.0 compiled
//! schemas, for the bundled directory and for a 10,000-service synthetic one.

#[path = "../../../tests/support/hsds_schema.rs"]
mod hsds_schema;

use hsds_schema::{assert_none, schema};
use tsunagu_domain::directory::exchange::hsds;
use tsunagu_domain::directory::{dataset, synthetic};
use tsunagu_domain::Directory;

fn check(dir: &Directory, what: &str) {
    let (Some(service), Some(item), Some(org), Some(sal)) = (
        schema("service"),
        schema("service_list"),
        schema("organization"),
        schema("service_at_location"),
    ) else {
        return;
    };
    let mut violations = Vec::new();
    for s in &dir.services {
        let o = dir.organization(&s.organization_id);
        violations.extend(service.violations(&hsds::service_json(s, o)));
        violations.extend(item.violations(&hsds::service_json(s, None)));
        for l in &s.location_ids {
            violations.extend(sal.violations(&hsds::service_at_location_json(&s.id, l)));
        }
    }
    for o in &dir.organizations {
        violations.extend(org.violations(&hsds::organization_json(o)));
    }
    println!(
        "{what}: {} services, {} organizations, {} violations",
        dir.services.len(),
        dir.organizations.len(),
        violations.len()
    );
    assert_none(what, &violations);
}

#[test]
fn the_bundled_directory_exports_valid_hsds() {
    check(&dataset::bundled().expect("bundled"), "bundled directory");
}

#[test]
fn a_10000_service_synthetic_directory_exports_valid_hsds() {
    let base = dataset::bundled().expect("bundled");
    let dir = synthetic::synthetic(&base, 10_000).expect("synthetic");
    check(&dir, "synthetic directory");
}

#[test]
fn the_schemas_refuse_what_the_old_export_wrote() {
    // Negative control: the check can fail. Readable ids and nulls, as exports were before.
    let Some(service) = schema("service") else {
        return;
    };
    let old = serde_json::json!({"id": "tokyo-darc", "name": "東京ダルク", "status": "active", "email": null});
    let v = service.violations(&old);
    assert!(v.iter().any(|m| m.contains("/id")), "{v:?}");
    assert!(v.iter().any(|m| m.contains("/email")), "{v:?}");
}
