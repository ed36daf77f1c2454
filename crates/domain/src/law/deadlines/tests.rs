//! Tests of the rule table, the checks, obligations and findings.

use chrono::NaiveDate;
#[test]
fn every_event_type_but_the_review_board_has_one_label_and_every_label_an_event_type() {
    for (code, _, _) in super::EVENT_TYPES {
        let labelled = super::EVENT_LABELS
            .iter()
            .filter(|(c, _)| c == code)
            .count();
        let expected = usize::from(*code != "review_board_session");
        assert_eq!(labelled, expected, "{code}");
    }
    for (code, label) in super::EVENT_LABELS {
        assert!(
            super::EVENT_TYPES.iter().any(|(c, _, _)| c == code),
            "{code}"
        );
        assert_eq!(super::event_label_ja(code), *label);
    }
    assert_eq!(super::event_label_ja("nope"), "（不明な手続き）");
}

use super::*;

fn ev(kind: &str, at: &str, fields: &[(&str, &str)]) -> Event {
    Event::new(kind, At::parse(at).expect("valid"), fields)
}
fn dues(e: &Event) -> Vec<(&'static str, String)> {
    obligations(e)
        .expect("lawful")
        .into_iter()
        .map(|o| {
            (
                o.obligation,
                serde_json::to_value(o.due)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_catalogue_is_valid_and_the_check_finds_broken_rules() {
    assert_eq!(validate_catalogue(), Ok(()));
    let mut broken: Vec<Rule> = RULES.to_vec();
    broken[0].event = "no_such_event";
    broken[1].basis.source = "004_d9518c60032bdf29.txt";
    broken[2].when = Some(("colour", "blue"));
    let renewal = broken
        .iter()
        .position(|r| matches!(r.length, Length::MonthsBefore { .. }))
        .expect("a counted-back rule");
    broken.swap(renewal, renewal - 1);
    let problems = validate_rules(&broken).expect_err("broken");
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].contains("unknown event type"));
    assert!(problems.iter().any(|p| p.contains("file:line")));
    assert!(problems.iter().any(|p| p.contains("\"colour\"")));
    assert!(problems.iter().any(|p| p.contains("counts back from")));
}

#[test]
fn holds_run_exact_hours_from_the_moment() {
    assert_eq!(
        dues(&ev(
            "voluntary_discharge_hold",
            "2026-11-20T15:30",
            &[("by", "designated_physician")]
        )),
        [
            ("written_notice", "2026-11-20".to_owned()),
            ("hold_expires", "2026-11-23T15:30:00".to_owned())
        ]
    );
    assert_eq!(
        dues(&ev(
            "urgent_admission",
            "2026-11-20T23:00",
            &[("by", "specified_physician")]
        )),
        [
            ("hold_expires", "2026-11-21T11:00:00".to_owned()),
            ("specified_physician_record_due", "2026-12-20".to_owned())
        ]
    );
    assert_eq!(
        dues(&ev(
            "emergency_involuntary_admission",
            "2026-12-31T22:00",
            &[]
        )),
        [("hold_expires", "2027-01-03T22:00:00".to_owned())]
    );
    let e = obligations(&ev(
        "urgent_admission",
        "2026-11-20",
        &[("by", "designated_physician")],
    ))
    .expect_err("needs a time");
    assert!(e.message.contains("needs the time"));
}

#[test]
fn a_specified_physician_hold_needs_an_approved_hospital_and_a_record_within_a_month() {
    let hold = |approved: Option<&str>| {
        let mut f = vec![("by", "specified_physician")];
        if let Some(a) = approved {
            f.push(("hospital_approved", a));
        }
        ev("voluntary_discharge_hold", "2026-11-20T15:30", &f)
    };
    assert_eq!(
        dues(&hold(Some("true"))),
        [
            ("written_notice", "2026-11-20".to_owned()),
            ("specified_physician_record_due", "2026-12-20".to_owned()),
            ("hold_expires", "2026-11-21T03:30:00".to_owned()),
        ]
    );
    assert!(findings(&hold(Some("true"))).expect("lawful").is_empty());
    let unknown = findings(&hold(None)).expect("lawful");
    assert_eq!(
        (unknown[0].finding, unknown[0].value.as_str()),
        ("hospital_condition", "unconfirmed")
    );
    assert_eq!(
        obligations(&hold(Some("false"))).expect_err("refused").rule,
        "specified_physician_hold_needs_approved_hospital"
    );
    let urgent = ev(
        "urgent_admission",
        "2026-11-20T15:30",
        &[
            ("by", "designated_physician"),
            ("hospital_approved", "false"),
        ],
    );
    assert_eq!(
        obligations(&urgent).expect_err("refused").rule,
        "urgent_admission_needs_designated_hospital"
    );
    // A designated physician's hold needs no approved hospital.
    let plain = ev(
        "voluntary_discharge_hold",
        "2026-11-20T15:30",
        &[
            ("by", "designated_physician"),
            ("hospital_approved", "false"),
        ],
    );
    assert!(obligations(&plain).is_ok() && findings(&plain).expect("lawful").is_empty());
}

#[test]
fn medical_protection_admission_gives_the_10_day_notice_and_the_4_week_limits() {
    let d = dues(&ev(
        "medical_protection_admission",
        "2026-11-02",
        &[("consent_by", "support_obligor")],
    ));
    assert_eq!(
        &d[..3],
        [
            ("admission_notice", "2026-11-12".to_owned()),
            ("guardian_appointment_deadline", "2026-11-30".to_owned()),
            ("notice_deferral_limit", "2026-11-30".to_owned()),
        ]
    );
    let d = dues(&ev(
        "medical_protection_admission",
        "2026-11-02",
        &[("consent_by", "guardian")],
    ));
    assert_eq!(
        d.iter()
            .filter(|(o, _)| *o != "periodic_report_due")
            .count(),
        2,
        "no appointment deadline with a guardian's consent"
    );
}

#[test]
fn a_notice_due_on_a_closed_day_moves_and_a_hold_limit_does_not() {
    // 10 days after 2026-11-12 is Sunday 22 November → Monday 23 November is 勤労感謝の日 → 24th.
    let o = obligations(&ev("medical_protection_discharge", "2026-11-12", &[])).expect("lawful");
    assert_eq!(
        o[0].due,
        Due::Date(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"))
    );
    assert_eq!(o[0].moved_from, NaiveDate::from_ymd_opt(2026, 11, 22));
    assert_eq!(o[0].closed_day.as_deref(), Some("日曜日"));
    // A 4-week limit ending on a Sunday stays, flagged.
    let o = obligations(&ev(
        "medical_protection_admission",
        "2026-10-25",
        &[("consent_by", "support_obligor")],
    ))
    .expect("lawful");
    let g = o
        .iter()
        .find(|o| o.obligation == "guardian_appointment_deadline")
        .expect("deadline");
    assert_eq!(
        (g.due, g.moved_from),
        (
            Due::Date(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")),
            None
        )
    );
    assert_eq!(g.closed_day.as_deref(), Some("日曜日"));
}

#[test]
fn periodic_reports_fall_in_months_3_6_then_every_6_for_sochi_and_every_12_for_iho() {
    let sochi = dues(&Event {
        examinations: vec![
            ("designated_physician".into(), "admission_needed".into()),
            ("designated_physician".into(), "admission_needed".into()),
        ],
        ..ev("involuntary_admission", "2026-04-10", &[])
    });
    let reports: Vec<&str> = sochi
        .iter()
        .filter(|(o, _)| *o == "periodic_report_due")
        .map(|(_, d)| d.as_str())
        .collect();
    // April admission: May is month 1, so month 3 is July and month 6 October.
    assert_eq!(
        &reports[..5],
        [
            "2026-07-31",
            "2026-10-31",
            "2027-04-30",
            "2027-10-31",
            "2028-04-30"
        ]
    );
    assert_eq!(reports.len(), 11, "3, then 6 … 60");
    let iho = dues(&ev(
        "medical_protection_admission",
        "2026-04-10",
        &[("consent_by", "guardian")],
    ));
    let reports: Vec<&str> = iho
        .iter()
        .filter(|(o, _)| *o == "periodic_report_due")
        .map(|(_, d)| d.as_str())
        .collect();
    // 2028-04-30 is a Sunday: flagged, not moved out of its month.
    assert_eq!(
        reports,
        [
            "2027-04-30",
            "2028-04-30",
            "2029-04-30",
            "2030-04-30",
            "2031-04-30"
        ]
    );
    let flagged = obligations(&ev(
        "medical_protection_admission",
        "2026-04-10",
        &[("consent_by", "guardian")],
    ))
    .expect("lawful")
    .into_iter()
    .find(|o| o.due == Due::Date(NaiveDate::from_ymd_opt(2028, 4, 30).expect("date")))
    .expect("the 2028 report");
    assert!(flagged.closed_day.is_some() && flagged.moved_from.is_none());
}

#[test]
fn a_renewal_counts_two_years_from_the_previous_expiry_and_may_come_late() {
    let e = ev(
        "notebook_renewal_application_received",
        "2026-01-10",
        &[("previous_expiry", "2026-02-28")],
    );
    assert_eq!(
        dues(&e),
        [
            ("notebook_expiry", "2028-02-29".into()),
            ("notebook_renewal_window_opens", "2027-11-29".into()),
        ]
    );
    assert!(findings(&e).expect("lawful").is_empty());
    let late = ev(
        "notebook_renewal_application_received",
        "2026-03-15",
        &[("previous_expiry", "2026-02-28")],
    );
    assert_eq!(dues(&late)[0].1, "2028-02-29");
    let f = findings(&late).expect("lawful");
    assert_eq!(f[0].finding, "renewal_after_expiry");
    let early = ev(
        "notebook_renewal_application_received",
        "2025-11-27",
        &[("previous_expiry", "2026-02-28")],
    );
    assert_eq!(
        obligations(&early).expect_err("too early").rule,
        "notebook_renewal_too_early"
    );
    let first_day = ev(
        "notebook_renewal_application_received",
        "2025-11-28",
        &[("previous_expiry", "2026-02-28")],
    );
    assert!(
        obligations(&first_day).is_ok(),
        "3 months before is allowed"
    );
}

#[test]
fn the_pension_route_gives_the_pension_grade_without_the_centre() {
    let e = ev(
        "notebook_application_received",
        "2026-11-20",
        &[("route", "pension"), ("pension_grade", "2")],
    );
    let f = findings(&e).expect("lawful");
    assert_eq!((f[0].finding, f[0].value.as_str()), ("notebook_grade", "2"));
    let missing = ev(
        "notebook_application_received",
        "2026-11-20",
        &[("route", "pension")],
    );
    assert_eq!(obligations(&missing).expect_err("no grade").rule, "input");
    let bad = ev(
        "notebook_application_received",
        "2026-11-20",
        &[("route", "pension"), ("pension_grade", "4")],
    );
    assert!(obligations(&bad).is_err());
}

#[test]
fn an_income_category_change_takes_effect_on_the_first_of_next_month() {
    let e = ev("support_category_change_decided", "2026-12-31", &[]);
    assert_eq!(
        dues(&e),
        [("support_category_change_effective", "2027-01-01".into())]
    );
}

#[test]
fn events_round_trip_through_json_and_unknown_fields_are_refused() {
    let v = serde_json::json!({
        "type": "review_board_session", "at": "2026-11-20",
        "members": [
            {"category": "medical", "designated_physician": true, "present": true, "vote": "for"},
            {"category": "medical", "designated_physician": true, "present": true, "vote": "for"},
            {"category": "legal", "present": true, "vote": "against"},
            {"category": "other", "present": true, "vote": "for"},
            {"category": "other", "present": false, "conflict": "guardian"}
        ]
    });
    let e = Event::from_json(&v).expect("valid");
    assert_eq!(Event::from_json(&e.to_json()).expect("round trip"), e);
    let f = findings(&e).expect("lawful");
    assert_eq!(f[0].value, "adopted");
    let typo = serde_json::json!({"type": "voluntary_admission", "at": "2026-11-20", "bye": 1});
    assert!(Event::from_json(&typo)
        .expect_err("typo")
        .message
        .contains("bye"));
    let bad_member = serde_json::json!({"type": "review_board_session", "at": "2026-11-20",
        "members": [{"category": "doctor"}]});
    assert!(Event::from_json(&bad_member).is_err());
    let e = Event::from_json(
        &serde_json::json!({"type": "seclusion", "at": "2026-11-20T08:00",
        "ordered_by": "physician", "hours": 13}),
    )
    .expect("parses");
    assert_eq!(
        obligations(&e).expect_err("refused").rule,
        "seclusion_over_12_hours_needs_designated_physician"
    );
}

#[test]
fn voluntary_admission_reconsent_is_due_at_one_year_then_two_years_later() {
    assert_eq!(
        dues(&ev("voluntary_admission", "2026-04-01", &[])),
        [
            ("written_notice", "2026-04-01".to_owned()),
            ("reconsent_due", "2027-04-01".to_owned()),
            ("reconsent_due", "2029-04-01".to_owned())
        ]
    );
}

#[test]
fn the_notebook_expires_at_a_month_end_two_years_on_and_renewal_opens_three_months_before() {
    let e = ev(
        "notebook_application_received",
        "2026-11-20",
        &[("route", "pension"), ("pension_grade", "1")],
    );
    assert_eq!(
        dues(&e),
        [
            ("notebook_expiry", "2028-11-30".to_owned()),
            ("notebook_renewal_window_opens", "2028-08-30".to_owned())
        ]
    );
    let e = ev("notebook_grade_change_decided", "2026-05-31", &[]);
    assert_eq!(
        dues(&e),
        [
            ("notebook_expiry", "2028-05-31".to_owned()),
            ("notebook_renewal_window_opens", "2028-02-29".to_owned())
        ]
    );
    let moved = ev(
        "notebook_holder_moved",
        "2026-11-02",
        &[("within_prefecture", "false")],
    );
    assert_eq!(
        dues(&moved),
        [("notebook_change_notice", "2026-12-02".to_owned())]
    );
}

#[test]
fn the_certificate_must_be_six_months_after_the_first_visit() {
    let mut e = ev(
        "notebook_application_received",
        "2026-11-20",
        &[
            ("route", "certificate"),
            ("first_visit", "2026-05-10"),
            ("certificate_date", "2026-11-09"),
        ],
    );
    assert_eq!(
        obligations(&e).map_err(|r| r.rule),
        Err("certificate_before_six_months")
    );
    e.fields[2].1 = "2026-11-10".into();
    assert!(
        obligations(&e).is_ok(),
        "5-10 counted: the 6 months end 11-09, valid from 11-10"
    );
    e.fields.truncate(1);
    assert!(
        obligations(&e).is_err(),
        "the certificate route needs its dates"
    );
}

#[test]
fn appeals_run_60_days_and_6_months_capped_at_a_year_from_the_decision() {
    let e = ev("decision_notified", "2026-11-20", &[]);
    assert_eq!(
        dues(&e),
        [
            ("objection_deadline", "2027-01-19".to_owned()),
            ("lawsuit_deadline", "2027-05-20".to_owned())
        ]
    );
    let late = ev(
        "decision_notified",
        "2027-10-01",
        &[("decided", "2026-12-01")],
    );
    assert_eq!(
        dues(&late)[1],
        ("lawsuit_deadline", "2027-12-01".to_owned()),
        "a year from the day after the decision"
    );
    assert!(obligations(&ev(
        "decision_notified",
        "2026-11-20",
        &[("decided", "2026-12-01")]
    ))
    .is_err());
}

#[test]
fn outpatient_support_ends_at_the_last_month_end_within_a_year() {
    assert_eq!(
        dues(&ev(
            "outpatient_support_application_received",
            "2026-11-20",
            &[]
        )),
        [
            ("certificate_valid_until", "2027-10-31".to_owned()),
            ("support_renewal_window_opens", "2027-07-31".to_owned())
        ]
    );
    // Received on the 1st: the year ends on a month end, which is within it.
    assert_eq!(
        dues(&ev(
            "outpatient_support_application_received",
            "2026-11-01",
            &[]
        ))[0]
            .1,
        "2027-10-31"
    );
}

#[test]
fn forensic_periods_count_from_the_day_of_the_order() {
    assert_eq!(
        dues(&ev(
            "assessment_admission_order_executed",
            "2026-11-20",
            &[]
        )),
        [
            ("assessment_admission_end", "2027-01-19".to_owned()),
            ("assessment_admission_max_end", "2027-02-19".to_owned())
        ]
    );
    assert_eq!(
        dues(&ev("outpatient_treatment_order", "2026-11-20", &[])),
        [
            ("outpatient_period_end", "2029-11-19".to_owned()),
            ("outpatient_period_max_end", "2031-11-19".to_owned())
        ]
    );
    assert_eq!(
        dues(&ev("inpatient_treatment_order", "2026-11-20", &[])),
        [("continuation_application_due", "2027-05-19".to_owned())]
    );
}

#[test]
fn unlawful_inputs_are_refused_naming_their_rule() {
    let mut e = ev("involuntary_admission", "2026-11-20", &[]);
    e.examinations = vec![
        ("designated_physician".into(), "admission_needed".into()),
        ("designated_physician".into(), "not_needed".into()),
    ];
    assert_eq!(
        obligations(&e).map_err(|r| r.rule),
        Err("involuntary_admission_two_designated_physicians")
    );
    e.examinations[1].1 = "admission_needed".into();
    assert!(obligations(&e).is_ok());
    let s = ev(
        "seclusion",
        "2026-11-20T10:00",
        &[("ordered_by", "physician"), ("hours", "13")],
    );
    assert_eq!(
        obligations(&s).map_err(|r| r.rule),
        Err("seclusion_over_12_hours_needs_designated_physician")
    );
    assert!(obligations(&ev(
        "seclusion",
        "2026-11-20T10:00",
        &[("ordered_by", "physician"), ("hours", "12")]
    ))
    .is_ok());
    assert_eq!(
        obligations(&ev(
            "restraint",
            "2026-11-20",
            &[("ordered_by", "physician")]
        ))
        .map_err(|r| r.rule),
        Err("restraint_needs_designated_physician")
    );
    assert_eq!(
        obligations(&ev(
            "restriction",
            "2026-11-20",
            &[("kind", "phone"), ("with", "lawyer")]
        ))
        .map_err(|r| r.rule),
        Err("calls_with_lawyer_or_authorities_cannot_be_restricted")
    );
    assert_eq!(
        obligations(&ev(
            "restriction",
            "2026-11-20",
            &[("kind", "letters"), ("with", "family")]
        ))
        .map_err(|r| r.rule),
        Err("letters_cannot_be_restricted")
    );
    assert!(obligations(&ev(
        "restriction",
        "2026-11-20",
        &[("kind", "phone"), ("with", "family")]
    ))
    .is_ok());
    assert_eq!(At::parse("2026-02-30").map_err(|r| r.rule), Err("date"));
    assert!(obligations(&ev("teleport", "2026-11-20", &[])).is_err());
    assert!(obligations(&ev(
        "urgent_admission",
        "2026-11-20T10:00",
        &[("by", "nurse")]
    ))
    .is_err());
}
