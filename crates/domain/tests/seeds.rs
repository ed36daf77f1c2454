//! Importer tests against the real seed documents in `../shared/seeds/`.
//!
//! The seeds sit beside the project in development and CI, never on a user's machine. When
//! they are missing these tests print why and pass without checking; the unit tests' own
//! sample tables cover the same code paths. With `CI=true` a missing seed is a failure.

use std::path::PathBuf;
use tsunagu_domain::directory::exchange::handbook;
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

// --- the alcohol rules cite the lines that say them ------------------------------------------

mod alcohol_citations {
    use super::seed;
    use tsunagu_domain::alcohol::*;

    fn lines(text: &str, c: Cite) -> String {
        text.lines()
            .skip(c.from as usize - 1)
            .take((c.to - c.from + 1) as usize)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Normalises the seed's spacing and wave dashes so that exact labels can be compared.
    fn squash(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace('～', "~")
    }

    #[test]
    fn every_audit_option_and_unit_example_is_printed_where_it_is_cited() {
        let Some(text) = seed(MANUAL) else { return };
        for item in AUDIT_ITEMS {
            let at = squash(&lines(&text, item.cite));
            assert!(
                at.starts_with(&format!("{}.", item.number)),
                "item {} at {}: {at}",
                item.number,
                item.cite.source()
            );
            for (score, label) in item.options {
                let printed = format!("{score}.{}", squash(label));
                assert!(
                    at.contains(&printed),
                    "item {}: {printed:?} not at {}",
                    item.number,
                    item.cite.source()
                );
            }
        }
        let units = squash(&lines(
            &text,
            Cite {
                section: "",
                from: 112,
                to: 114,
            },
        ));
        for u in UNIT_EXAMPLES {
            assert!(units.contains(&squash(u)), "{u}");
        }
    }

    #[test]
    fn bands_thresholds_and_the_risk_table_match_the_cited_lines() {
        let Some(text) = seed(MANUAL) else { return };
        let bands = squash(&lines(
            &text,
            Cite {
                section: "",
                from: 144,
                to: 146,
            },
        ));
        for b in AUDIT_BANDS {
            assert!(
                bands.contains(&format!("{}~{}点", b.min, b.max)),
                "band {}-{}",
                b.min,
                b.max
            );
        }
        let c = lines(&text, AUDIT_C_CITE);
        assert!(c.contains("男性で 5 点以上、女性で 4 点以上"), "{c}");
        assert!(lines(&text, ICD10_RULE_CITE).contains("3 項目以上が同時に 1 カ月以上"));
        assert!(lines(&text, GRAMS_CITE).contains("×0.8"));
        let drl = squash(&lines(&text, DRL_CITE));
        for row in [
            "VeryHigh100g超60g超",
            "High60g超~100g以下40g超~60g以下",
            "Medium40g超~60g以下20g~40g以下",
            "Low1g以上~40g以下1g以上~20g以下",
        ] {
            assert!(drl.contains(row), "{row} not in {drl}");
        }
        let table = squash(&lines(&text, PRESETS_CITE));
        for p in PRESETS {
            assert!(table.contains(&squash(p.serving)), "{}", p.serving);
            assert!(table.contains(&format!("{}%", p.abv)), "{}", p.abv);
        }
        let success = lines(&text, SUCCESS_CITE);
        assert!(
            success.contains("40g/日以下")
                && success.contains("20g/日以下")
                && success.contains("3か月間")
        );
    }

    #[test]
    fn the_pathway_and_goal_citations_point_at_their_rules() {
        let Some(text) = seed(MANUAL) else { return };
        let schedule = pathway_schedule(
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            chrono::NaiveDate::from_ymd_opt(2027, 1, 1),
        );
        let expect = [
            ("effect_review_3m", "3か月ごと"),
            ("effect_review_6m", "6か月目"),
            ("stop_review_12m", "12か月"),
            ("follow_up_6m_after_stop", "60g/日"),
        ];
        for (code, needle) in expect {
            let m = schedule.iter().find(|m| m.code == code).expect("milestone");
            assert!(
                lines(&text, m.cite).contains(needle),
                "{code}: {needle} not at {}",
                m.cite.source()
            );
        }
        let goal = lines(&text, GOAL_CITES[0]);
        for c in [
            "入院による治療",
            "社会・家庭生活が困難",
            "生命に危機",
            "離脱症状",
            "断酒を希望",
        ] {
            assert!(goal.contains(c), "{c}");
        }
        assert!(lines(&text, GOAL_CITES[1]).contains("断酒治療への同意取得"));
        assert!(lines(&text, ABSTINENCE_PROMPTS[1].1).contains("来院ごとに"));
        // Every prompt the tracker can raise cites lines that carry its rule.
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let needles = [
            ("diagnose_icd10", "15 点以上"),
            ("choose_goal", "断酒を選択すべき患者"),
            ("abstinence_treatment", "同意をとり"),
            ("refer_specialist", "同意をとり"),
            ("intermediate_reduction", "来院ごとに"),
            ("seek_abstinence_consent", "同意取得"),
            ("success", "3か月間維持"),
            ("refer_no_effect", "6か月目"),
            ("consider_dose", "増量"),
            ("stop_review", "12か月"),
            ("treatment_end", "60g/日以下"),
            ("consult_before_represcribing", "60g/日超"),
            ("not_dependent", "アルコール依存症と診断されること"),
        ];
        let g = |crit: &[&str], consent| PathwayEvent::GoalChosen {
            date: d(2026, 1, 10),
            criteria: crit.iter().map(|s| s.to_string()).collect(),
            abstinence_consent: consent,
        };
        let ev = |m, g, eff| PathwayEvent::Evaluation {
            date: d(2026, m, 15),
            average_grams_per_day: g,
            effective: eff,
            marked_improvement: false,
        };
        let scenarios = vec![
            vec![PathwayEvent::Screening {
                date: d(2026, 1, 5),
                answers: vec![4; 8].into_iter().chain([4, 4]).collect(),
            }],
            vec![PathwayEvent::Icd10Assessed {
                date: d(2026, 1, 6),
                met: vec![1],
                together_or_repeated: true,
            }],
            vec![g(&["wants_abstinence"], true)],
            vec![g(&["wants_abstinence"], false)],
            vec![
                g(&[], false),
                PathwayEvent::ReferralRefused {
                    date: d(2026, 1, 12),
                },
            ],
            vec![
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
                ev(4, 30.0, true),
            ],
            vec![
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
                ev(7, 80.0, false),
            ],
            vec![
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
                ev(4, 80.0, false),
            ],
            vec![
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
                PathwayEvent::DrugStopped {
                    date: d(2027, 1, 15),
                    next: 3,
                },
                PathwayEvent::FollowUp {
                    date: d(2027, 7, 15),
                    average_grams_per_day: 50.0,
                },
            ],
            vec![
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
                PathwayEvent::DrugStopped {
                    date: d(2027, 1, 15),
                    next: 3,
                },
                PathwayEvent::FollowUp {
                    date: d(2027, 7, 15),
                    average_grams_per_day: 70.0,
                },
            ],
        ];
        let mut seen = std::collections::BTreeSet::new();
        for s in &scenarios {
            for p in pathway_view(s, Sex::Male, d(2027, 7, 20)).prompts {
                let needle = needles
                    .iter()
                    .find(|(c, _)| *c == p.code)
                    .map(|(_, n)| *n)
                    .expect("every prompt has a needle");
                assert!(
                    lines(&text, p.cite).contains(needle),
                    "{}: {needle:?} not at {}",
                    p.code,
                    p.cite.source()
                );
                seen.insert(p.code);
            }
        }
        let open_ended = pathway_view(
            &[
                g(&[], false),
                PathwayEvent::TreatmentStarted {
                    date: d(2026, 1, 15),
                },
            ],
            Sex::Male,
            d(2027, 2, 1),
        );
        seen.extend(open_ended.prompts.iter().map(|p| p.code));
        assert_eq!(
            seen.len(),
            needles.len(),
            "every prompt was raised: {seen:?}"
        );
        for c in ICD10_CRITERIA {
            let l = lines(&text, c.cite);
            assert!(
                l.starts_with(&c.number.to_string()),
                "criterion {} at {}",
                c.number,
                c.cite.source()
            );
        }
    }
}

// --- the deadline rules cite the lines that state them -----------------------------------------

mod deadline_citations {
    use super::seed;
    use tsunagu_domain::law::deadlines::{obligations, At, Event, HANDBOOK, RULES};

    fn cited(text: &str, source: &str) -> String {
        let (file, lines) = source.split_once(':').expect("file:lines");
        assert_eq!(file, HANDBOOK);
        let (from, to) = match lines.split_once('-') {
            Some((a, b)) => (
                a.parse::<usize>().expect("line"),
                b.parse::<usize>().expect("line"),
            ),
            None => (lines.parse().expect("line"), lines.parse().expect("line")),
        };
        text.lines()
            .skip(from - 1)
            .take(to - from + 1)
            .collect::<Vec<_>>()
            .join("")
    }

    #[test]
    fn every_timed_rule_cites_a_line_that_states_its_period() {
        let Some(text) = seed(HANDBOOK) else { return };
        for r in RULES {
            let needle = match (r.obligation, r.length) {
                ("reconsent_due", _) => "1年経過時及び以後2年ごと",
                ("periodic_report_due", _) if r.event == "involuntary_admission" => {
                    "入院後6月(入院後6月を経過するまでの間は3月)ごと"
                }
                ("periodic_report_due", _) => "12月ごとの各月",
                ("notebook_expiry", _) if r.event == "notebook_renewal_application_received" => {
                    "更新前の有効期限の2年後"
                }
                ("support_category_change_effective", _) => "翌月の初日",
                ("written_notice", _) => "書面で知らせ",
                ("specified_physician_record_due", _) => "1月以内",
                ("admission_notice" | "discharge_notice", _) => "10日以内",
                ("guardian_appointment_deadline", _) => "4週間を限り",
                ("notice_deferral_limit", _) => "4週間を経過する日",
                (_, tsunagu_domain::law::deadlines::Length::Hours(72)) => "72時間",
                (_, tsunagu_domain::law::deadlines::Length::Hours(12)) => "12時間を限り",
                ("notebook_expiry", _) => "2年が経過する日の属する月の末日",
                ("notebook_renewal_window_opens", _) => "3月前から",
                ("notebook_change_notice", _) => "30日以内",
                ("objection_deadline", _) => "60日以内",
                ("lawsuit_deadline", _) => "6か月以内",
                ("assessment_admission_end", _) => "2月を超え",
                ("assessment_admission_max_end", _) => "1月を超えない範囲",
                ("outpatient_period_end", _) => "3年間",
                ("outpatient_period_max_end", _) => "2年を超えない範囲",
                ("continuation_application_due", _) => "6月が経過する日までに",
                ("certificate_valid_until", _) => "1年以内の日で月の末日たる日",
                ("support_renewal_window_opens", _) => "概ね3か月前",
                other => panic!("no needle for {other:?}"),
            };
            let at = cited(&text, r.basis.source);
            assert!(
                at.contains(needle),
                "{} ({}): {needle:?} not at {}",
                r.obligation,
                r.event,
                r.basis.source
            );
        }
    }

    #[test]
    fn the_copayment_rounding_cites_its_line() {
        let Some(text) = seed(HANDBOOK) else { return };
        let b = tsunagu_domain::law::jiritsu::ROUNDING_BASIS;
        assert!(cited(&text, b.source).contains("四捨五入"), "{}", b.source);
    }

    #[test]
    fn every_refusal_cites_a_line_that_states_its_prohibition() {
        let Some(text) = seed(HANDBOOK) else { return };
        let e = |kind: &str, fields: &[(&str, &str)], exams: &[(&str, &str)]| Event {
            kind: kind.into(),
            at: At::parse("2026-11-20T10:00").expect("valid"),
            fields: fields
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            examinations: exams
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            members: Vec::new(),
        };
        use tsunagu_domain::law::review_board::{Category, Conflict, Member};
        let member = |category: Category, present: bool| Member {
            category,
            designated_physician: category == Category::Medical,
            present,
            conflict: None,
            vote: None,
        };
        let panel = |edit: &dyn Fn(&mut Vec<Member>)| {
            let mut members = vec![
                member(Category::Medical, true),
                member(Category::Medical, true),
                member(Category::Legal, true),
                member(Category::Other, true),
                member(Category::Other, true),
            ];
            edit(&mut members);
            Event {
                members,
                ..e("review_board_session", &[], &[])
            }
        };
        let cases = [
            (
                e(
                    "involuntary_admission",
                    &[],
                    &[("designated_physician", "admission_needed")],
                ),
                "結果が一致",
            ),
            (
                e(
                    "seclusion",
                    &[("ordered_by", "physician"), ("hours", "13")],
                    &[],
                ),
                "12時間を超えるもの",
            ),
            (
                e("restraint", &[("ordered_by", "physician")], &[]),
                "身体的拘束",
            ),
            (
                e(
                    "restriction",
                    &[("kind", "letters"), ("with", "family")],
                    &[],
                ),
                "信書の発受の制限",
            ),
            (
                e("restriction", &[("kind", "phone"), ("with", "lawyer")], &[]),
                "弁護士との電話の制限",
            ),
            (
                e(
                    "restriction",
                    &[("kind", "visit"), ("with", "authorities")],
                    &[],
                ),
                "弁護士及び",
            ),
            (
                e(
                    "notebook_application_received",
                    &[
                        ("route", "certificate"),
                        ("first_visit", "2026-05-10"),
                        ("certificate_date", "2026-06-01"),
                    ],
                    &[],
                ),
                "6月を経過した日以後",
            ),
            (
                e(
                    "notebook_renewal_application_received",
                    &[("previous_expiry", "2027-03-31")],
                    &[],
                ),
                "3月前から",
            ),
            (
                e(
                    "voluntary_discharge_hold",
                    &[
                        ("by", "specified_physician"),
                        ("hospital_approved", "false"),
                    ],
                    &[],
                ),
                "基準に適合すると都道府県知事が認めるもの",
            ),
            (
                e(
                    "urgent_admission",
                    &[
                        ("by", "designated_physician"),
                        ("hospital_approved", "false"),
                    ],
                    &[],
                ),
                "都道府県知事が指定する精神科病院",
            ),
            (panel(&|m| m.truncate(4)), "委員5人"),
            (
                panel(&|m| m[0].designated_physician = false),
                "精神保健指定医である者に限る",
            ),
            (
                panel(&|m| m[0].conflict = Some(Conflict::HospitalStaff)),
                "議事に加わることができない",
            ),
            (
                panel(&|m| m[2].present = false),
                "それぞれ1人出席しなければ",
            ),
        ];
        for (event, needle) in cases {
            let refusal = obligations(&event).expect_err("refused");
            let basis = refusal.basis.expect("a legal basis");
            assert!(
                cited(&text, basis.source).contains(needle),
                "{}: {needle:?} not at {}",
                refusal.rule,
                basis.source
            );
        }
    }

    #[test]
    fn every_finding_cites_a_line_that_states_it() {
        use tsunagu_domain::law::deadlines::findings;
        let Some(text) = seed(HANDBOOK) else { return };
        let v = |j: serde_json::Value| Event::from_json(&j).expect("valid");
        let member = |c: &str, vote: &str| serde_json::json!({"category": c, "designated_physician": c == "medical", "present": true, "vote": vote});
        let cases = [
            (
                v(
                    serde_json::json!({"type": "notebook_application_received", "at": "2026-11-20", "route": "pension", "pension_grade": 1}),
                ),
                "年金1級であれば手帳1級",
            ),
            (
                v(
                    serde_json::json!({"type": "notebook_renewal_application_received", "at": "2026-11-20", "previous_expiry": "2026-10-31"}),
                ),
                "有効期限の経過後であっても",
            ),
            (
                v(
                    serde_json::json!({"type": "review_board_session", "at": "2026-11-20", "members": [
                    member("medical", "for"), member("medical", "for"), member("legal", "for"),
                    member("other", "against"), member("other", "against")]}),
                ),
                "出席した委員の過半数",
            ),
            (
                v(
                    serde_json::json!({"type": "review_board_session", "at": "2026-11-20", "members": [
                    member("medical", "for"), member("medical", "for"), member("legal", "against"),
                    member("other", "against"), {"category": "other", "present": false}]}),
                ),
                "可否同数",
            ),
            (
                v(
                    serde_json::json!({"type": "voluntary_discharge_hold", "at": "2026-11-20T10:00", "by": "specified_physician"}),
                ),
                "特定病院の基準",
            ),
            (
                v(
                    serde_json::json!({"type": "urgent_admission", "at": "2026-11-20T10:00", "by": "designated_physician"}),
                ),
                "都道府県知事が指定する",
            ),
        ];
        for (event, needle) in cases {
            let f = findings(&event).expect("lawful");
            assert_eq!(f.len(), 1, "{}", event.kind);
            assert!(
                cited(&text, f[0].basis.source).contains(needle),
                "{}: {needle:?} not at {}",
                f[0].finding,
                f[0].basis.source
            );
        }
    }

    #[test]
    fn every_income_category_and_its_reasons_cite_the_lines_that_state_them() {
        use tsunagu_domain::law::jiritsu::{
            categorise, Category, Household, Tax, LEDGER_BASIS, RATE_BASIS,
        };
        let Some(text) = seed(HANDBOOK) else { return };
        for (c, needle) in [
            (Category::Welfare, "負担上限月額0円"),
            (Category::Low1, "負担上限月額2,500円"),
            (Category::Low2, "負担上限月額5,000円"),
            (Category::Middle, "負担上限月額設定なし"),
            (Category::Middle1, "負担上限月額5,000円"),
            (Category::Middle2, "負担上限月額10,000円"),
            (Category::High, "支給対象外"),
            (Category::HighSevere, "負担上限月額20,000円"),
        ] {
            let (_, b) = c.cap();
            assert!(
                cited(&text, b.source).contains(needle),
                "{c}: {needle:?} not at {}",
                b.source
            );
        }
        assert!(cited(&text, RATE_BASIS.source).contains("原則1割"));
        assert!(cited(&text, LEDGER_BASIS.source).contains("自己負担を徴収しない"));
        let h = |tax: Tax, f: &dyn Fn(&mut Household)| {
            let mut h = Household {
                welfare: false,
                uninsured_without_reason: false,
                tax,
                total_income: None,
                public_pension: None,
                other_benefits: None,
                income_levy_total: None,
                income_levy_below_200k: false,
                severe_continuing: false,
                treated_as_non_taxable: None,
            };
            f(&mut h);
            h
        };
        let cases = [
            (h(Tax::NonTaxable, &|h| h.welfare = true), "生活保護世帯"),
            (
                h(Tax::Taxed, &|h| h.uninsured_without_reason = true),
                "正当な理由がなく",
            ),
            (h(Tax::Unknown, &|_| {}), "所得が一切確認できなければ"),
            (
                h(Tax::NotFiled, &|_| {}),
                "非課税であることが確認できなければ",
            ),
            (
                h(Tax::NotFiled, &|h| {
                    h.treated_as_non_taxable = Some(Category::Low2)
                }),
                "低所得2と認定",
            ),
            (h(Tax::NonTaxable, &|_| {}), "非課税であることについてのみ"),
            (
                h(Tax::NonTaxable, &|h| h.public_pension = Some(1)),
                "80万円以下",
            ),
            (
                h(Tax::NonTaxable, &|h| h.public_pension = Some(900_000)),
                "③低所得2の対象",
            ),
            (
                h(Tax::Taxed, &|h| h.income_levy_total = Some(1)),
                "20万円未満",
            ),
            (
                h(Tax::Taxed, &|h| {
                    h.income_levy_total = Some(1);
                    h.severe_continuing = true
                }),
                "2万円未満",
            ),
            (
                h(Tax::Taxed, &|h| {
                    h.income_levy_total = Some(30_000);
                    h.severe_continuing = true
                }),
                "2万円以上20万円未満",
            ),
            (
                h(Tax::Taxed, &|h| h.income_levy_total = Some(300_000)),
                "20万円以上",
            ),
            (
                h(Tax::Taxed, &|h| h.income_levy_below_200k = true),
                "20万円未満であることについてのみ",
            ),
            (
                h(Tax::Unknown, &|h| h.severe_continuing = true),
                "⑤' 一定所得以上(重度かつ継続)の対象",
            ),
        ];
        for (household, needle) in cases {
            let a = categorise(&household).expect("valid");
            let first = &a.reasons[a.reasons.len().saturating_sub(2)];
            let all: String = a
                .reasons
                .iter()
                .map(|r| cited(&text, r.basis.source))
                .collect();
            assert!(
                all.contains(needle),
                "{:?}: {needle:?} not in the cited lines ({})",
                a.category,
                first.basis.source
            );
        }
    }
}

// --- the triage rules cite the passages they follow ---------------------------------------------

mod triage_citations {
    use super::seed;
    use tsunagu_domain::triage::{Role, RuleBook};

    fn cited(cite: &str) -> Option<String> {
        let (file, lines) = cite.split_once(':').expect("file:lines");
        let text = seed(file)?;
        let (from, to) = match lines.split_once('-') {
            Some((a, b)) => (
                a.parse::<usize>().expect("line"),
                b.parse::<usize>().expect("line"),
            ),
            None => (lines.parse().expect("line"), lines.parse().expect("line")),
        };
        let all: Vec<&str> = text.lines().collect();
        assert!(
            to <= all.len() && from <= to,
            "{cite}: beyond the file ({} lines)",
            all.len()
        );
        Some(all[from - 1..to].join(""))
    }

    /// What the passage behind each role must be about.
    fn needle(role: Role) -> &'static str {
        match role {
            Role::CrisisLine => "いのちの電話",
            Role::MentalHealthWelfareCenter => "精神保健福祉センター",
            Role::HealthCenter => "保健",
            Role::AddictionMedical => "医療機関",
            Role::RecoveryFacility => "施設",
            Role::SelfHelpGroup => "ミーティング",
            Role::FamilyGroup => "家族",
            Role::Probation => "保護観察所",
            Role::AddictionNpo => "依存症",
            Role::WelfareOffice => "福祉事務所",
            Role::EmploymentSupport => "ハローワーク",
            Role::DvSupport => "DV",
            Role::LegalSupport => "法律相談",
        }
    }

    #[test]
    fn every_role_and_rule_cites_a_passage_about_it() {
        let book = RuleBook::bundled().expect("rules");
        for r in &book.roles {
            let Some(text) = cited(&r.cite) else { return };
            assert!(
                text.contains(needle(r.role)),
                "role {}: {:?} not at {}",
                r.role,
                needle(r.role),
                r.cite
            );
        }
        for r in &book.rules {
            let Some(text) = cited(&r.cite) else { return };
            // A rule cites either its role's passage or the handbook line that names the body.
            let ok = text.contains(needle(r.role))
                || (r.role == Role::MentalHealthWelfareCenter && text.contains("総合技術センター"))
                || (r.role == Role::HealthCenter && text.contains("社会福祉機関"));
            assert!(ok, "rule {}: {:?} not at {}", r.id, needle(r.role), r.cite);
        }
        for p in &book.points {
            let Some(text) = cited(&p.cite) else { return };
            assert!(
                !text.trim().is_empty(),
                "point {}: empty passage at {}",
                p.id,
                p.cite
            );
        }
    }
}
