//! The alcohol self-check tools, the AUDIT questionnaire (`tsunagu alcohol audit`) among them.

use crate::helpers::{data_dir, json, ok, tsunagu};

#[test]
fn audit_screening_prints_total_band_and_audit_c_and_names_bad_fields() {
    let dir = data_dir();
    let v = json(&ok(&tsunagu(
        &dir,
        &[
            "alcohol",
            "audit",
            "--json",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--sex",
            "male",
        ],
    )));
    assert_eq!(v["total"], 24);
    assert_eq!(v["band"], "suspected_dependence");
    assert_eq!(v["audit_c"], 12);
    assert_eq!(v["audit_c_positive"], true);
    assert!(v["sources"]["band"]
        .as_str()
        .is_some_and(|s| s.starts_with("003_44ecc7f7098cb87f.txt:")));
    let low = json(&ok(&tsunagu(
        &dir,
        &[
            "alcohol",
            "audit",
            "--json",
            "--answers",
            "1,0,0,0,0,0,0,0,0,0",
            "--sex",
            "female",
        ],
    )));
    assert_eq!(
        (low["band"].as_str(), low["audit_c_positive"].as_bool()),
        (Some("low_risk"), Some(false))
    );
    for (answers, needle) in [
        ("0,0,0,0,0,0,0,0,3,0", "item 9"),
        ("0,0,0,0,0,0,0,0,0,0,0", "10 answers"),
        ("a,b", "answers"),
    ] {
        let out = tsunagu(&dir, &["alcohol", "audit", "--answers", answers]);
        assert!(!out.status.success(), "{answers}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{answers}"
        );
    }
    assert!(!dir.join("tsunagu.db").exists(), "screening stores nothing");
}

#[test]
fn the_old_audit_screening_spelling_exits_2_naming_tsunagu_alcohol_audit() {
    let dir = data_dir();
    for args in [
        vec!["audit", "--answers", "4,4,4,3,2,1,0,0,2,4"],
        vec![
            "audit",
            "--json",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--sex",
            "male",
        ],
        vec![
            "audit",
            "--answers",
            "4,4,4,3,2,1,0,0,2,4",
            "--fhir",
            "audit",
        ],
    ] {
        let out = tsunagu(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("tsunagu alcohol audit"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !dir.join("tsunagu.db").exists(),
        "the old spelling opens nothing"
    );
}

#[test]
fn alcohol_grams_and_risk_level_follow_the_manual() {
    let dir = data_dir();
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "grams", "--ml", "500", "--abv", "5"]
        ))
        .trim(),
        "20"
    );
    assert_eq!(
        json(&ok(&tsunagu(
            &dir,
            &["alcohol", "grams", "--ml", "500", "--abv", "5", "--json"]
        )))["grams"],
        20.0
    );
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "drl", "--grams", "70", "--sex", "male"]
        ))
        .trim(),
        "high"
    );
    assert_eq!(
        ok(&tsunagu(
            &dir,
            &["alcohol", "drl", "--grams", "20", "--sex", "female"]
        ))
        .trim(),
        "low"
    );
    for (args, needle) in [
        (vec!["alcohol", "grams", "--ml", "-1", "--abv", "5"], "ml:"),
        (
            vec!["alcohol", "grams", "--ml", "100", "--abv", "101"],
            "abv:",
        ),
        (
            vec!["alcohol", "drl", "--grams", "10", "--sex", "x"],
            "sex:",
        ),
        (
            vec!["alcohol", "schedule", "--start", "2026-02-30"],
            "start:",
        ),
    ] {
        let out = tsunagu(&dir, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = json(&ok(&tsunagu(
        &dir,
        &["alcohol", "schedule", "--start", "2026-08-31", "--json"],
    )));
    assert_eq!(s["schedule"][0]["due"], "2026-11-30");
    assert_eq!(s["schedule"][3]["step"], "stop_review_12m");
}
