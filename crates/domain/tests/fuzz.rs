//! Fuzz targets (property tests): every parser and importer that takes outside input must
//! return a value or a typed error for *any* input, never panic; and the parsers that have an
//! inverse must round-trip. Run more cases with `PROPTEST_CASES=100000 cargo test --test fuzz`.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use tsunagu_domain::common::wareki;
use tsunagu_domain::directory::exchange::{csv as csvfmt, handbook, hsds};
use tsunagu_domain::records::access::{OrgScope, Password, TotpSecret, Username};
use tsunagu_domain::records::consent::{ConsentScope, RetentionPolicy};
use tsunagu_domain::{PhoneNumber, Prefecture, ServiceId};

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
    use tsunagu_domain::law::period::*;

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

// --- the deadline engine and 自立支援医療 ---------------------------------------------------

mod engine_properties {
    use chrono::{Datelike, Duration, NaiveDate};
    use proptest::prelude::*;
    use tsunagu_domain::law::deadlines::{findings, obligations, At, Due, Event, EVENT_TYPES};
    use tsunagu_domain::law::jiritsu::{categorise, ledger, Cap, Household, Visit};

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..20_000)
            .prop_map(|n| NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(n))
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "\\PC{0,12}".prop_map(serde_json::Value::from),
            prop::sample::select(EVENT_TYPES.iter().map(|(k, _, _)| *k).collect::<Vec<_>>())
                .prop_map(serde_json::Value::from),
            "20[0-9]{2}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9])?"
                .prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                prop::collection::btree_map(
                    prop::sample::select(vec![
                        "type",
                        "at",
                        "by",
                        "consent_by",
                        "hours",
                        "ordered_by",
                        "kind",
                        "with",
                        "route",
                        "pension_grade",
                        "first_visit",
                        "certificate_date",
                        "previous_expiry",
                        "decided",
                        "within_prefecture",
                        "examinations",
                        "members",
                        "category",
                        "present",
                        "vote",
                        "conflict",
                        "finding",
                        "designated_physician"
                    ]),
                    inner,
                    0..8,
                )
                .prop_map(|m| serde_json::Value::Object(
                    m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    /// Events of a known type with plausible and implausible field values.
    fn event_like() -> impl Strategy<Value = serde_json::Value> {
        let value = prop_oneof![
            prop::sample::select(vec![
                "designated_physician",
                "specified_physician",
                "physician",
                "guardian",
                "support_obligor",
                "letters",
                "phone",
                "visit",
                "lawyer",
                "family",
                "authorities",
                "certificate",
                "pension",
                "1",
                "2",
                "3",
                "4",
                "true",
                "false",
                "13",
                "-1",
                "2026-02-30",
                "2025-05-31",
                "2026-11-20"
            ])
            .prop_map(serde_json::Value::from),
            date().prop_map(|d| serde_json::Value::from(d.to_string())),
            (0i64..50).prop_map(serde_json::Value::from),
        ];
        let fields = prop::collection::btree_map(
            prop::sample::select(vec![
                "by",
                "consent_by",
                "hours",
                "ordered_by",
                "kind",
                "with",
                "route",
                "pension_grade",
                "first_visit",
                "certificate_date",
                "previous_expiry",
                "decided",
                "within_prefecture",
            ]),
            value,
            0..5,
        );
        (
            prop::sample::select(EVENT_TYPES.iter().map(|(k, _, _)| *k).collect::<Vec<_>>()),
            date(),
            prop::option::of(0u32..1440),
            fields,
        )
            .prop_map(|(kind, d, minutes, fields)| {
                let at = match minutes {
                    Some(m) => format!("{d}T{:02}:{:02}", m / 60, m % 60),
                    None => d.to_string(),
                };
                let mut o = serde_json::Map::new();
                o.insert("type".into(), kind.into());
                o.insert("at".into(), at.into());
                for (k, v) in fields {
                    o.insert(k.to_owned(), v);
                }
                serde_json::Value::Object(o)
            })
    }

    fn household_like() -> impl Strategy<Value = serde_json::Value> {
        (
            prop::sample::select(vec![
                "unknown",
                "not_filed",
                "non_taxable",
                "taxed",
                "other",
            ]),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "welfare",
                    "uninsured_without_reason",
                    "total_income",
                    "public_pension",
                    "other_benefits",
                    "income_levy_total",
                    "income_levy_below_200k",
                    "severe_continuing",
                    "treated_as_non_taxable",
                ]),
                prop_oneof![
                    any::<bool>().prop_map(serde_json::Value::from),
                    (-2_000_000i64..2_000_000).prop_map(serde_json::Value::from),
                    prop::sample::select(vec!["low_1", "low_2", "middle", "x"])
                        .prop_map(serde_json::Value::from),
                ],
                0..6,
            ),
        )
            .prop_map(|(tax, m)| {
                let mut o: serde_json::Map<String, serde_json::Value> =
                    m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                o.insert("tax".into(), tax.into());
                serde_json::Value::Object(o)
            })
    }

    proptest! {
        #[test]
        fn any_event_of_a_known_type_is_computed_or_refused_without_panicking(v in event_like()) {
            if let Ok(e) = Event::from_json(&v) {
                match obligations(&e) {
                    Ok(list) => {
                        prop_assert!(findings(&e).is_ok());
                        // (A due date may lie before the event: a lawsuit's one-year outer
                        // limit counts from the decision, which can be long before its notice.)
                        for o in list {
                            prop_assert!(o.basis.source.starts_with("004_d9518c60032bdf29.txt:"));
                        }
                    }
                    Err(r) => prop_assert!(!r.rule.is_empty() && !r.message.is_empty()),
                }
                prop_assert_eq!(Event::from_json(&e.to_json()).ok(), Some(e));
            }
        }

        #[test]
        fn households_get_a_category_with_cited_reasons_or_a_clear_error(v in household_like()) {
            if let Ok(h) = serde_json::from_value::<Household>(v) {
                match categorise(&h) {
                    Ok(a) => {
                        prop_assert!(a.reasons.len() >= 2);
                        prop_assert!(a.reasons.iter().all(|r| r.basis.source.starts_with("004_d9518c60032bdf29.txt:")));
                        prop_assert_eq!(a.cap, a.category.cap().0);
                    }
                    Err(e) => prop_assert!(!e.0.is_empty()),
                }
            }
        }

        #[test]
        fn any_json_event_is_read_checked_and_computed_without_panicking(v in json()) {
            if let Ok(e) = Event::from_json(&v) {
                let _ = obligations(&e);
                let _ = findings(&e);
                prop_assert_eq!(Event::from_json(&e.to_json()).ok(), Some(e));
            }
        }

        #[test]
        fn periodic_reports_are_month_ends_in_order_after_the_admission(d in date(), sochi in any::<bool>()) {
            let e = if sochi {
                Event::from_json(&serde_json::json!({"type": "involuntary_admission", "at": d.to_string(),
                    "examinations": [{"by": "designated_physician", "finding": "admission_needed"}, {"by": "designated_physician", "finding": "admission_needed"}]}))
            } else {
                Event::from_json(&serde_json::json!({"type": "medical_protection_admission", "at": d.to_string(), "consent_by": "guardian"}))
            }
            .expect("valid");
            let reports: Vec<NaiveDate> = obligations(&e).expect("lawful").into_iter()
                .filter(|o| o.obligation == "periodic_report_due")
                .map(|o| o.due.date())
                .collect();
            prop_assert_eq!(reports.len(), if sochi { 11 } else { 5 });
            prop_assert!(reports.iter().all(|r| (*r + Duration::days(1)).day() == 1));
            prop_assert!(reports.windows(2).all(|w| w[0] < w[1]));
            let first_gap = (reports[0].year() - d.year()) * 12 + reports[0].month() as i32 - d.month() as i32;
            prop_assert_eq!(first_gap, if sochi { 3 } else { 12 });
        }

        #[test]
        fn a_due_is_overdue_from_the_end_of_its_day_in_japan(d in date(), minutes in 0u32..1440) {
            let t = d.and_hms_opt(minutes / 60, minutes % 60, 0).expect("time");
            prop_assert_eq!(Due::Date(d).overdue_at() - Due::DateTime(t).overdue_at(), Duration::minutes(i64::from(1440 - minutes)));
            prop_assert_eq!(Due::parse_text(&Due::DateTime(t).text()), Some(Due::DateTime(t)));
            prop_assert!(matches!(At::parse(&Due::Date(d).text()), Ok(At::Date(x)) if x == d));
        }

        #[test]
        fn the_ledger_never_collects_past_the_cap_in_any_month(
            cap in prop_oneof![Just(0u64), Just(2_500u64), Just(5_000), Just(10_000), Just(20_000)],
            visits in prop::collection::vec((0i64..120, 0u64..2_000_000), 0..40),
        ) {
            let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
            let visits: Vec<Visit> = visits.iter().map(|(d, c)| Visit { date: start + Duration::days(*d), cost: *c }).collect();
            let lines = ledger(Cap::Yen(cap), &visits).expect("covered");
            prop_assert!(lines.iter().all(|l| l.month_total <= cap && l.copay <= l.tenth && l.copay % 10 == 0));
            let total: u64 = lines.iter().map(|l| l.copay).sum();
            let months = lines.iter().map(|l| (l.date.year(), l.date.month())).collect::<std::collections::BTreeSet<_>>();
            prop_assert!(total <= cap * months.len() as u64);
        }

        #[test]
        fn any_household_json_gets_a_category_or_a_clear_error(v in json()) {
            if let Ok(h) = serde_json::from_value::<Household>(v) {
                if let Ok(a) = categorise(&h) {
                    prop_assert!(!a.reasons.is_empty());
                    prop_assert!(a.reasons.iter().all(|r| r.basis.source.starts_with("004_d9518c60032bdf29.txt:")));
                }
            }
        }
    }
}

// --- triage --------------------------------------------------------------------------------

mod triage_properties {
    use proptest::prelude::*;
    use tsunagu_domain::triage::{analyse, plan, Consultation, Lexicon, Resources, RuleBook};

    fn words() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "夫が",
            "息子の",
            "シャブ",
            "しゃぶ",
            "ｼｬﾌﾞ",
            "死にたい",
            "とは思わない",
            "お酒",
            "パチスロ",
            "仮釈放",
            "服役中",
            "大丈夫",
            "。",
            "、",
            "ていない",
            "od",
            "東京都",
            "札幌市",
            "殴られ",
            "咳止め",
            "\n",
            " ",
            "a",
            "😀",
            "\u{0}",
            "ﾃｽﾄ",
        ]);
        prop::collection::vec(pieces, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn analysis_and_plans_never_panic_and_crisis_always_comes_first(text in words(), any in "\\PC{0,80}") {
            static DATA: std::sync::OnceLock<(Lexicon, RuleBook, Resources)> = std::sync::OnceLock::new();
            let (lex, book, dir) = DATA.get_or_init(|| {
                (
                    Lexicon::bundled().expect("lexicon"),
                    RuleBook::bundled().expect("rules"),
                    Resources::new(&tsunagu_domain::directory::dataset::bundled().expect("directory")),
                )
            });
            let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(11, 0, 0)).expect("time");
            let _ = analyse(lex, &any);
            for t in [text, any] {
                let c = Consultation { text: t, ..Consultation::default() };
                if let Ok(p) = plan(book, lex, dir, &c, now) {
                    if p.crisis {
                        prop_assert_eq!(p.recommendations[0].role.code(), "crisis_line");
                    }
                    prop_assert!(p.recommendations.iter().all(|r| !r.resources.is_empty() || r.none_found.is_some()));
                }
            }
        }
    }
}

// --- knowledge base: any bytes are read or refused by name; the matching form maps back ------

proptest! {
    #[test]
    fn any_document_bytes_parse_into_ordered_passages_or_a_named_refusal(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        text in "[第一二三十百千〇0-9条章節の()（）ア 。\t\n○#-]{0,300}",
    ) {
        use tsunagu_domain::kb::parse_document;
        for input in [bytes, text.into_bytes()] {
            if let Ok(doc) = parse_document("fuzz.txt", &input) {
                for w in doc.passages.windows(2) {
                    prop_assert!(w[0].to < w[1].from, "{:?} / {:?}", w[0], w[1]);
                }
                for p in &doc.passages {
                    prop_assert!(p.from >= 1 && p.from <= p.to && p.to <= doc.lines.max(1));
                }
            }
        }
    }

    #[test]
    fn the_matching_form_maps_every_character_back_to_the_original(text in "\\PC{0,200}") {
        let n = tsunagu_domain::kb::normalize(&text);
        let original = text.chars().count();
        prop_assert_eq!(n.map.len(), n.text.chars().count());
        prop_assert!(n.map.iter().all(|&i| i < original.max(1)));
        prop_assert!(n.map.windows(2).all(|w| w[0] <= w[1]));
    }
}
