//! Fuzz targets (property tests): every parser and importer that takes outside input must
//! return a value or a typed error for *any* input, never panic; and the parsers that have an
//! inverse must round-trip. Run more cases with `PROPTEST_CASES=100000 cargo test --test fuzz`.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use tsunagu_domain::access::{OrgScope, Password, TotpSecret, Username};
use tsunagu_domain::consent::{ConsentScope, RetentionPolicy};
use tsunagu_domain::{csvfmt, handbook, hsds, wareki, PhoneNumber, Prefecture, ServiceId};

/// Text that looks like the seeds: Japanese, digits, era names, tabs, newlines, separators.
fn seedlike() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("昭".to_owned()),
        Just("平".to_owned()),
        Just("令和".to_owned()),
        Just("元年".to_owned()),
        Just("年".to_owned()),
        Just("月".to_owned()),
        Just("日".to_owned()),
        Just(".".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("〒".to_owned()),
        Just("（".to_owned()),
        Just("TEL".to_owned()),
        Just("-".to_owned()),
        Just("精神保健福祉センター".to_owned()),
        "[0-9]{1,4}",
        "\\PC{0,3}",
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wareki_parse_never_panics(s in seedlike()) {
        let _ = wareki::parse(&s);
    }

    #[test]
    fn any_heisei_date_round_trips(days in 0i64..11_070) {
        let d = NaiveDate::from_ymd_opt(1989, 1, 8).expect("valid") + chrono::Duration::days(days);
        let y = d.year() - 1988;
        let text = format!("平{y}.{}.{}", d.month(), d.day());
        prop_assert_eq!(wareki::parse(&text).map(|w| w.iso()), Ok(d.format("%Y-%m-%d").to_string()));
    }

    #[test]
    fn small_parsers_never_panic(s in "\\PC{0,60}") {
        let _ = PhoneNumber::parse(&s);
        let _ = Prefecture::parse(&s);
        let _ = ServiceId::parse(s.clone());
        let _ = Username::parse(&s);
        let _ = Password::parse(&s);
        let _ = OrgScope::parse(&s);
        let _ = TotpSecret::from_base32(&s);
        let _ = ConsentScope::from_codes(&s);
        let _ = RetentionPolicy::parse(&s);
    }

    #[test]
    fn the_handbook_importer_never_panics(s in seedlike()) {
        let _ = handbook::import("fuzz.txt", &s);
    }

    #[test]
    fn the_hsds_importer_never_panics(s in "\\PC{0,200}") {
        let _ = hsds::import(&s);
    }

    #[test]
    fn the_csv_importer_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = csvfmt::read(&bytes);
    }
}

/// HSDS-shaped JSON with random values in the fields the importer reads.
fn hsds_doc() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("\"\"".to_owned()),
        "-?[0-9]{1,20}",
        "\"\\PC{0,12}\""
            .prop_map(|s| serde_json::to_string(&s[1..s.len() - 1]).unwrap_or_default()),
    ];
    (value.clone(), value.clone(), value).prop_map(|(a, b, c)| {
        format!(
            r#"{{"organizations":[{{"id":{a},"name":{b},"services":[{{"id":{c},"name":{b},"phones":{a}}}]}}]}}"#
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hsds_shaped_documents_with_bad_values_get_typed_errors(doc in hsds_doc()) {
        let _ = hsds::import(&doc);
    }
}

// --- alcohol: scoring and grams ------------------------------------------------------------

mod alcohol_properties {
    use proptest::prelude::*;
    use tsunagu_domain::alcohol::*;

    fn valid_answers() -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(0u8..=4, 8),
            prop_oneof![Just(0u8), Just(2), Just(4)],
            prop_oneof![Just(0u8), Just(2), Just(4)],
        )
            .prop_map(|(mut v, a, b)| {
                v.push(a);
                v.push(b);
                v
            })
    }

    proptest! {
        #[test]
        fn valid_answers_score_their_sum_within_0_to_40_in_the_right_band(v in valid_answers()) {
            let a = AuditAnswers::parse(&v).expect("valid");
            let sum: u32 = v.iter().map(|x| u32::from(*x)).sum();
            prop_assert_eq!(u32::from(a.total()), sum);
            prop_assert!(a.total() <= 40 && a.audit_c() <= 12);
            let b = a.band();
            prop_assert!(b.min <= a.total() && a.total() <= b.max);
            prop_assert_eq!(a.audit_c_positive(Sex::Male), a.audit_c() >= 5);
        }

        #[test]
        fn any_other_answer_list_is_refused_with_a_named_field(v in proptest::collection::vec(any::<u8>(), 0..14)) {
            let valid = v.len() == 10
                && v[..8].iter().all(|x| *x <= 4)
                && v[8..].iter().all(|x| matches!(x, 0 | 2 | 4));
            let r = AuditAnswers::parse(&v);
            prop_assert_eq!(r.is_ok(), valid);
            if let Err(e) = r {
                prop_assert!(e.to_string().starts_with("answers:"));
            }
        }

        #[test]
        fn grams_are_linear_in_volume_and_strength(ml in 0.1f64..5000.0, abv in 0.0f64..100.0, k in 1u32..10) {
            let g = pure_alcohol_grams(ml, abv);
            prop_assert!(g >= 0.0);
            let scaled = pure_alcohol_grams(ml * f64::from(k), abv);
            prop_assert!((scaled - g * f64::from(k)).abs() <= 1e-9 * scaled.max(1.0));
            prop_assert!(pure_alcohol_grams(ml, abv.min(99.0) + 1.0) > g);
        }

        #[test]
        fn risk_levels_never_go_down_as_grams_go_up(a in 0.0f64..300.0, b in 0.0f64..300.0) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            for sex in [Sex::Male, Sex::Female] {
                prop_assert!(drinking_risk_level(lo, sex) <= drinking_risk_level(hi, sex));
            }
            prop_assert!(drinking_risk_level(a, Sex::Female) >= drinking_risk_level(a, Sex::Male));
        }
    }
}

// --- legal periods ---------------------------------------------------------------------------

mod period_properties {
    use chrono::{Datelike, Duration, NaiveDate};
    use proptest::prelude::*;
    use tsunagu_domain::period::*;

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..40_000)
            .prop_map(|n| NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(n))
    }

    proptest! {
        #[test]
        fn day_and_week_periods_end_exactly_n_days_after_the_event(e in date(), n in 1u32..400) {
            prop_assert_eq!(last_day(e, n, Unit::Days, FirstDay::Excluded), Some(e + Duration::days(i64::from(n))));
            prop_assert_eq!(last_day(e, n, Unit::Days, FirstDay::Included), Some(e + Duration::days(i64::from(n) - 1)));
            prop_assert_eq!(last_day(e, n, Unit::Weeks, FirstDay::Excluded), Some(e + Duration::weeks(i64::from(n))));
        }

        #[test]
        fn month_periods_end_the_day_before_the_corresponding_day_or_at_the_month_end(e in date(), n in 1u32..60) {
            let d0 = start_day(e, FirstDay::Excluded);
            let last = last_day(e, n, Unit::Months, FirstDay::Excluded).expect("in range");
            let next = last + Duration::days(1);
            prop_assert!(next.day() == d0.day() || (last == end_of_month(last) && d0.day() > last.day()), "{e} +{n}m -> {last}");
            let months_apart = (last.year() - d0.year()) * 12 + last.month() as i32 - d0.month() as i32;
            prop_assert!(months_apart == n as i32 || months_apart == n as i32 - 1);
            let longer = last_day(e, n + 1, Unit::Months, FirstDay::Excluded).expect("in range");
            prop_assert!(longer > last);
            prop_assert_eq!(last_day(e, n, Unit::Years, FirstDay::Excluded), last_day(e, n * 12, Unit::Months, FirstDay::Excluded));
        }

        #[test]
        fn hour_periods_are_exact(e in date(), minutes in 0u32..1440, h in 1i64..200) {
            let at = e.and_hms_opt(minutes / 60, minutes % 60, 0).expect("time");
            prop_assert_eq!(after_hours(at, h).map(|t| t - at), Some(Duration::hours(h)));
        }

        #[test]
        fn extended_deadlines_land_on_an_open_day_never_earlier(e in date()) {
            let x = extend_past_closed_days(e);
            prop_assert!(x >= e && closed_day(x).is_none() && (x - e).num_days() < 10);
        }
    }
}
