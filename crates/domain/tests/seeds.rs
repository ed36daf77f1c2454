//! Importer tests against the real seed documents in `../shared/seeds/`.
//!
//! The seeds sit beside the project in development and CI, never on a user's machine. When
//! they are missing these tests print why and pass without checking; the unit tests' own
//! sample tables cover the same code paths. With `CI=true` a missing seed is a failure.

use std::path::PathBuf;
use tsunagu_domain::handbook;
use tsunagu_domain::Prefecture;

fn seed(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but seed {} is missing: {e}",
                path.display()
            );
            eprintln!(
                "SKIPPED: seed {} not found ({e}); the sample-table unit tests cover the importer",
                path.display()
            );
            None
        }
    }
}

const HANDBOOK: &str = "004_d9518c60032bdf29.txt";

#[test]
fn the_handbook_tables_import_62_departments_64_centres_and_29_organisations() {
    let Some(text) = seed(HANDBOOK) else { return };
    let im = handbook::import(HANDBOOK, &text);
    assert!(im.errors.is_empty(), "{:#?}", im.errors);
    assert_eq!(im.departments, 62);
    assert_eq!(im.centres, 64);
    assert_eq!(im.related, 29);
    assert_eq!(im.directory.validate(), Ok(()));
}

#[test]
fn tokyo_has_three_centres_after_fill_down() {
    let Some(text) = seed(HANDBOOK) else { return };
    let im = handbook::import(HANDBOOK, &text);
    let tokyo = Prefecture::parse("東京都").ok();
    let n = im
        .directory
        .services
        .iter()
        .filter(|s| s.id.as_ref().starts_with("mhwc-"))
        .filter(|s| {
            let org = im.directory.organization(&s.organization_id);
            org.and_then(|o| s.prefecture(o)) == tokyo
        })
        .count();
    assert_eq!(n, 3);
    assert_eq!(im.filled_down, vec![22647, 22648]);
}

#[test]
fn the_akita_centre_phone_is_flagged_and_kept_as_printed() {
    let Some(text) = seed(HANDBOOK) else { return };
    let im = handbook::import(HANDBOOK, &text);
    let akita = im
        .directory
        .services
        .iter()
        .find(|s| s.id.as_ref() == "mhwc-05")
        .expect("秋田県 centre");
    assert_eq!(akita.name, "秋田県精神保健福祉センター");
    assert_eq!(akita.phones[0].number.as_ref(), "118-892-3773");
    assert!(akita.has_flagged_phone());
    assert_eq!(
        akita.provenance.source.cite(),
        "004_d9518c60032bdf29.txt:22638"
    );
}

#[test]
fn known_ocr_problems_become_notes_not_fixes() {
    let Some(text) = seed(HANDBOOK) else { return };
    let im = handbook::import(HANDBOOK, &text);
    let find = |id: &str| {
        im.directory
            .services
            .iter()
            .find(|s| s.id.as_ref() == id)
            .expect(id)
    };
    let shimane = find("mhwc-32");
    assert!(shimane.name.starts_with("鳥根"), "name stays as printed");
    assert!(shimane
        .quality_notes
        .iter()
        .any(|n| n.field == "jurisdiction"));
    assert!(find("mhwc-nagoya")
        .quality_notes
        .iter()
        .any(|n| n.field == "jurisdiction"));
    assert!(
        find("dept-26")
            .quality_notes
            .iter()
            .any(|n| n.field == "address"),
        "京都府 address"
    );
    assert!(
        find("mhwc-28")
            .quality_notes
            .iter()
            .any(|n| n.field == "address"),
        "兵庫県 address"
    );
    assert_eq!(find("dept-kobe").phones.len(), 2);
    assert_eq!(find("dept-hiroshima").phones.len(), 2);
}

/// The bundled dataset must be exactly what the importer produces from the seed, so that the
/// product never carries a hand-edited copy of imported facts.
#[test]
fn the_bundled_handbook_dataset_matches_a_fresh_import() {
    let Some(text) = seed(HANDBOOK) else { return };
    let im = handbook::import(HANDBOOK, &text);
    let bundled: tsunagu_domain::Directory =
        serde_json::from_str(include_str!("../../../data/handbook-tables.json"))
            .expect("bundled JSON parses");
    assert!(bundled == im.directory, "data/handbook-tables.json is out of date: run `tsunagu import handbook-tables --emit data/handbook-tables.json ../shared/seeds/{HANDBOOK}`");
}
