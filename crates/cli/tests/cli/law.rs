//! The law: deadlines and the 自立支援医療 copay.

use crate::helpers::{data_dir, json, ok, tsunagu_stdin};

#[test]
fn deadlines_prints_obligations_with_their_basis_and_refuses_unlawful_events() {
    let dir = data_dir();
    let input = r#"{"events": [
        {"type": "medical_protection_admission", "at": "2026-11-02", "consent_by": "support_obligor"},
        {"type": "urgent_admission", "at": "2026-11-20T23:00", "by": "specified_physician"},
        {"type": "medical_protection_discharge", "at": "2026-11-12"}
    ]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], input)));
    let got: Vec<(String, String, String)> = v["obligations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| {
            (
                o["obligation"].as_str().unwrap_or("").to_owned(),
                o["due"].as_str().unwrap_or("").to_owned(),
                o["basis"]["source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got[0],
        (
            "admission_notice".into(),
            "2026-11-12".into(),
            "004_d9518c60032bdf29.txt:4893".into()
        )
    );
    assert_eq!(got[1].0, "guardian_appointment_deadline");
    let reports: Vec<&str> = got
        .iter()
        .filter(|o| o.0 == "periodic_report_due")
        .map(|o| o.1.as_str())
        .collect();
    assert_eq!(
        reports[0], "2027-11-30",
        "month 12 counting December as the 1st"
    );
    let got: Vec<_> = got
        .into_iter()
        .filter(|o| o.0 != "periodic_report_due")
        .collect();
    assert_eq!(
        got[3],
        (
            "hold_expires".into(),
            "2026-11-21T11:00:00".into(),
            "004_d9518c60032bdf29.txt:4906".into()
        )
    );
    assert_eq!(
        (got[4].0.as_str(), got[4].1.as_str()),
        ("specified_physician_record_due", "2026-12-20"),
        "the 特定医師 record within a month"
    );
    assert_eq!(
        (got[5].0.as_str(), got[5].1.as_str()),
        ("discharge_notice", "2026-11-24"),
        "moved past Sunday and 勤労感謝の日"
    );
    assert!(v["obligations"][0]["basis"]["law"]
        .as_str()
        .is_some_and(|l| l.contains("第33条")));
    let refusals = [
        (
            r#"{"events":[{"type":"involuntary_admission","at":"2026-11-20","examinations":[{"by":"designated_physician","finding":"admission_needed"},{"by":"designated_physician","finding":"not_needed"}]}]}"#,
            "involuntary_admission_two_designated_physicians",
        ),
        (
            r#"{"events":[{"type":"seclusion","at":"2026-11-20T10:00","ordered_by":"physician","hours":13}]}"#,
            "seclusion_over_12_hours_needs_designated_physician",
        ),
        (
            r#"{"events":[{"type":"restriction","at":"2026-11-20","kind":"phone","with":"lawyer"}]}"#,
            "calls_with_lawyer_or_authorities_cannot_be_restricted",
        ),
        (
            r#"{"events":[{"type":"voluntary_admission","at":"2026-02-30"}]}"#,
            "date",
        ),
        (
            r#"{"events":[{"type":"voluntary_admission","at":"2026-02-01","colour":"blue"}]}"#,
            "input",
        ),
    ];
    for (input, rule) in refusals {
        let out = tsunagu_stdin(&dir, &["deadlines", "--json"], input);
        assert_eq!(out.status.code(), Some(2), "{input}");
        let v = json(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(v["error"]["rule"], rule, "{input}");
    }
    // 手帳, appeals and 医療観察法 events; booleans are accepted as JSON booleans.
    let more = r#"{"events": [
        {"type": "notebook_application_received", "at": "2026-11-20", "route": "pension", "pension_grade": 2},
        {"type": "notebook_holder_moved", "at": "2026-11-02", "within_prefecture": true},
        {"type": "decision_notified", "at": "2026-11-20"},
        {"type": "outpatient_treatment_order", "at": "2026-11-20"}
    ]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], more)));
    let dues: Vec<(&str, &str)> = v["obligations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| {
            (
                o["obligation"].as_str().unwrap_or(""),
                o["due"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        dues,
        [
            ("notebook_expiry", "2028-11-30"),
            ("notebook_renewal_window_opens", "2028-08-30"),
            ("notebook_change_notice", "2026-12-02"),
            ("objection_deadline", "2027-01-19"),
            ("lawsuit_deadline", "2027-05-20"),
            ("outpatient_period_end", "2029-11-19"),
            ("outpatient_period_max_end", "2031-11-19"),
        ]
    );
    assert_eq!(v["findings"][0]["finding"], "notebook_grade");
    assert_eq!(v["findings"][0]["value"], "2");
    let early = r#"{"events":[{"type":"notebook_application_received","at":"2026-11-20","route":"certificate","first_visit":"2026-08-01","certificate_date":"2026-11-01"}]}"#;
    let out = tsunagu_stdin(&dir, &["deadlines", "--json"], early);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["error"]["rule"],
        "certificate_before_six_months"
    );
    let out = tsunagu_stdin(&dir, &["deadlines"], "not json");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not JSON"));
    // A 審査会 session without a legal member present cannot sit.
    let panel = r#"{"events":[{"type":"review_board_session","at":"2026-11-20","members":[
        {"category":"medical","designated_physician":true,"present":true,"vote":"for"},
        {"category":"medical","designated_physician":true,"present":true,"vote":"for"},
        {"category":"legal","present":false},
        {"category":"other","present":true,"vote":"against"},
        {"category":"other","present":true,"vote":"for"}]}]}"#;
    let out = tsunagu_stdin(&dir, &["deadlines", "--json"], panel);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))["error"]["rule"],
        "review_board_quorum"
    );
    let seated = panel.replace(
        r#"{"category":"legal","present":false}"#,
        r#"{"category":"legal","present":true,"vote":"against"}"#,
    );
    let v = json(&ok(&tsunagu_stdin(&dir, &["deadlines", "--json"], &seated)));
    assert_eq!(v["findings"][0]["value"], "adopted");
}

#[test]
fn copay_gives_the_income_category_its_cap_and_the_ledger() {
    let dir = data_dir();
    let input = r#"{"household": {"tax": "non_taxable", "total_income": -100000, "public_pension": 780000},
        "visits": [{"date": "2026-11-05", "cost": 20000}, {"date": "2026-11-19", "cost": 12345}]}"#;
    let v = json(&ok(&tsunagu_stdin(&dir, &["copay", "--json"], input)));
    assert_eq!(v["category"], "low_1");
    assert_eq!(v["cap"], serde_json::json!({"kind": "yen", "yen": 2500}));
    assert_eq!(v["ledger"][0]["copay"], 2000);
    assert_eq!(v["ledger"][1]["copay"], 500);
    assert_eq!(v["ledger"][1]["cap_reached"], true);
    assert!(v["reasons"][0]["basis"]["source"]
        .as_str()
        .is_some_and(|s| s.ends_with(":20426")));
    for bad in [
        r#"{"household": {"tax": "unknown"}, "visits": [{"date": "2026-11-05", "cost": 1}]}"#,
        r#"{"household": {"tax": "maybe"}}"#,
        r#"{"household": {"tax": "taxed"}, "visits": [{"date": "2026-02-30", "cost": 1}]}"#,
        "[]",
    ] {
        let out = tsunagu_stdin(&dir, &["copay", "--json"], bad);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
}
