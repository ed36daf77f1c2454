//! Tests of screening, the goal, grams and risk levels, and diary summaries.

use super::*;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

#[test]
fn the_issue_example_scores_24_and_suspects_dependence() {
    let a = AuditAnswers::parse_list("4,4,4,3,2,1,0,0,2,4").expect("valid");
    assert_eq!(a.total(), 24);
    assert_eq!(a.band().code, "suspected_dependence");
    assert_eq!(a.audit_c(), 12);
    assert!(a.audit_c_positive(Sex::Female) && a.audit_c_positive(Sex::Male));
}

#[test]
fn bands_change_at_8_and_15() {
    // Items 1-8 take up to 4 each; items 9 and 10 add 4 each for totals above 32.
    let with_total = |t: u8| {
        let mut s = [0u8; 10];
        let mut left = t;
        for slot in s.iter_mut() {
            let v = left.min(4);
            *slot = v;
            left -= v;
        }
        AuditAnswers::parse(&s).expect("valid")
    };
    assert_eq!(with_total(7).band().code, "low_risk");
    assert_eq!(with_total(8).band().code, "problem_drinking");
    assert_eq!(with_total(14).band().code, "problem_drinking");
    assert_eq!(with_total(15).band().code, "suspected_dependence");
    assert_eq!(with_total(40).band().code, "suspected_dependence");
}

#[test]
fn item_9_and_10_take_only_0_2_or_4_and_ten_answers_are_needed() {
    let e = AuditAnswers::parse(&[0, 0, 0, 0, 0, 0, 0, 0, 3, 0]).expect_err("3 on item 9");
    assert!(e.to_string().contains("item 9"), "{e}");
    assert!(AuditAnswers::parse(&[0; 11]).is_err());
    assert!(AuditAnswers::parse(&[5, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    assert!(AuditAnswers::parse_list("1,2,x").is_err());
}

#[test]
fn audit_c_thresholds_differ_by_sex() {
    let a = AuditAnswers::parse(&[2, 1, 1, 0, 0, 0, 0, 0, 0, 0]).expect("valid");
    assert_eq!(a.audit_c(), 4);
    assert!(a.audit_c_positive(Sex::Female));
    assert!(!a.audit_c_positive(Sex::Male));
}

#[test]
fn icd10_needs_three_criteria_together_or_repeated() {
    assert!(icd10_assess([true, true, true, false, false, false], true).dependence);
    assert!(!icd10_assess([true, true, true, false, false, false], false).dependence);
    assert!(!icd10_assess([true, true, false, false, false, false], true).dependence);
}

#[test]
fn any_abstinence_criterion_chooses_abstinence() {
    assert_eq!(choose_goal(&[]), GoalDecision::ReductionPossible);
    for c in AbstinenceCriterion::ALL {
        assert_eq!(
            choose_goal(&[c]),
            GoalDecision::Abstinence { because: vec![c] }
        );
        assert_eq!(AbstinenceCriterion::parse(c.code()), Ok(c));
    }
}

#[test]
fn grams_follow_the_manuals_formula_and_presets_hold_about_20_g() {
    assert!((pure_alcohol_grams(500.0, 5.0) - 20.0).abs() < 1e-9);
    for p in PRESETS {
        let g = pure_alcohol_grams(p.ml, p.abv);
        assert!((19.0..=21.0).contains(&g), "{} holds {g} g", p.code);
    }
    assert!(Drink::parse(-1.0, 5.0).is_err());
    assert!(Drink::parse(100.0, 101.0).is_err());
    assert!(Drink::parse(f64::NAN, 5.0).is_err());
}

#[test]
fn risk_levels_follow_the_table_with_20_g_for_women_in_low() {
    use RiskLevel::*;
    let m = |g| drinking_risk_level(g, Sex::Male);
    let f = |g| drinking_risk_level(g, Sex::Female);
    assert_eq!(
        [
            m(0.0),
            m(1.0),
            m(40.0),
            m(40.1),
            m(60.0),
            m(60.1),
            m(100.0),
            m(100.1)
        ],
        [None, Low, Low, Medium, Medium, High, High, VeryHigh]
    );
    assert_eq!(
        [
            f(0.5),
            f(1.0),
            f(20.0),
            f(20.1),
            f(40.0),
            f(40.1),
            f(60.0),
            f(60.1)
        ],
        [None, Low, Low, Medium, Medium, High, High, VeryHigh]
    );
    assert_eq!(drinking_risk_level(70.0, Sex::Male).code(), "high");
}

#[test]
fn a_week_of_diary_is_summarised_with_heavy_and_free_days() {
    let today = d(2026, 11, 21);
    let beer = Drink::parse(500.0, 5.0).expect("valid");
    let entries = [
        DiaryEntry::parse(d(2026, 11, 15), beer, 4, today).expect("valid"),
        DiaryEntry::parse(d(2026, 11, 16), beer, 1, today).expect("valid"),
    ];
    let s = summarise(&entries, d(2026, 11, 15), d(2026, 11, 21), Sex::Male).expect("valid");
    assert_eq!(s.days.len(), 7);
    assert!((s.total_grams - 100.0).abs() < 1e-9);
    assert_eq!((s.heavy_days, s.alcohol_free_days), (1, 5));
    assert!(s.within_success_target, "100 g over 7 days is 14.3 g/day");
    assert!(
        DiaryEntry::parse(d(2026, 11, 22), beer, 1, today).is_err(),
        "future"
    );
    assert!(summarise(&entries, d(2026, 11, 21), d(2026, 11, 15), Sex::Male).is_err());
    let empty = summarise(&[], d(2026, 11, 1), d(2026, 11, 7), Sex::Male).expect("valid");
    assert!(
        empty.total_grams.is_sign_positive() && empty.days[0].grams.is_sign_positive(),
        "no -0.0"
    );
}

#[test]
fn the_schedule_reviews_every_three_months_and_follows_up_six_months_after_stopping() {
    let s = pathway_schedule(d(2026, 8, 31), Some(d(2027, 8, 31)));
    let due: Vec<(&str, NaiveDate)> = s.iter().map(|m| (m.code, m.due)).collect();
    assert_eq!(
        due,
        [
            ("effect_review_3m", d(2026, 11, 30)),
            ("effect_review_6m", d(2027, 2, 28)),
            ("effect_review_9m", d(2027, 5, 31)),
            ("stop_review_12m", d(2027, 8, 31)),
            ("follow_up_6m_after_stop", d(2028, 2, 29)),
        ]
    );
    assert!(s.iter().all(|m| m.cite.source().starts_with(MANUAL)));
}
