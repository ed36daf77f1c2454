//! Tests of the lexicon, the rule book and plans on the bundled directory.

use super::*;
use chrono::NaiveDateTime;

fn now() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(11, 0, 0))
        .expect("time")
}

fn run(c: &Consultation) -> Plan {
    let book = RuleBook::bundled().expect("rules");
    let lex = Lexicon::bundled().expect("lexicon");
    let dir = Resources::new(&crate::directory::dataset::bundled().expect("directory"));
    plan(&book, &lex, &dir, c, now()).expect("plan")
}

fn roles(p: &Plan) -> Vec<&'static str> {
    p.recommendations.iter().map(|r| r.role.code()).collect()
}

#[test]
fn the_bundled_data_loads() {
    assert!(RuleBook::bundled().is_ok());
    assert!(Lexicon::bundled().is_ok());
}

#[test]
fn case_09_gives_the_casebooks_roles_in_order() {
    let p = run(&Consultation {
        text: "32歳の夫が違法薬物の所持と使用で逮捕され、2年服役し、来月の仮釈放が決まりました。家族として支えたいが、また薬物に戻るのではと不安です。".into(),
        prefecture: Some("東京都".into()),
        ..Consultation::default()
    });
    assert!(!p.crisis);
    assert_eq!(p.facts.consultant, Some(Consultant::Spouse));
    assert_eq!(p.facts.justice, Some(Justice::ParoleSoon));
    assert_eq!(p.facts.sex, Some(PersonSex::Male));
    assert_eq!(
        roles(&p),
        [
            "mental_health_welfare_center",
            "addiction_medical",
            "health_center",
            "recovery_facility",
            "family_group",
            "self_help_group",
            "probation"
        ]
    );
    let ids = |role: usize| -> Vec<String> {
        p.recommendations[role]
            .resources
            .iter()
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(ids(0)[0], "tokyo-mhwc-addiction-hub", "the Tokyo hub first");
    assert!(ids(3).contains(&"tokyo-darc".to_owned()) && ids(3).contains(&"japan-mac".to_owned()));
    assert!(
        !ids(3).contains(&"darc-womens-house".to_owned()),
        "the person is a man"
    );
    assert!(
        ids(1).contains(&"ncnp-drug-addiction".to_owned()),
        "a women's programme does not make a clinic women-only"
    );
    assert!(
        ids(4).contains(&"nar-anon".to_owned())
            && ids(4).contains(&"family-associations".to_owned())
    );
    assert!(ids(5).contains(&"na-japan".to_owned()));
    assert_eq!(ids(6), ["probation-family-meetings"]);
    assert!(p
        .points
        .iter()
        .any(|x| x.cite == "000_aa5960de417e9b16.txt:62"));
    assert!(p
        .recommendations
        .iter()
        .all(|r| r.reasons.iter().all(|x| is_citation(&x.cite))));
}

#[test]
fn urgency_opens_the_plan_and_negation_cancels_it() {
    let p = run(&Consultation {
        text: "お酒がやめられず、もう死にたいと毎日思っています。".into(),
        ..Consultation::default()
    });
    assert!(p.crisis);
    assert_eq!(roles(&p)[0], "crisis_line");
    assert_eq!(
        p.recommendations[0]
            .resources
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["inochi-no-denwa"],
        "the one sourced crisis line, whatever the addiction"
    );
    let p = run(&Consultation {
        text: "お酒はやめられないが、死にたいとは思わない。".into(),
        ..Consultation::default()
    });
    assert!(!p.crisis);
    assert_eq!(p.negated[0].code, "suicidal");
    assert!(p.facts.concerns.contains(&TriageConcern::Alcohol));
}

#[test]
fn readings_slang_and_widths_are_one_word() {
    for text in [
        "かくせいざいがやめられない",
        "シャブがやめられない",
        "しゃぶがやめられない",
        "ｼｬﾌﾞがやめられない",
    ] {
        let p = run(&Consultation {
            text: text.into(),
            ..Consultation::default()
        });
        assert!(
            p.facts.concerns.contains(&TriageConcern::Stimulants),
            "{text}"
        );
    }
    let p = run(&Consultation {
        text: "もう、しにたい".into(),
        ..Consultation::default()
    });
    assert!(p.crisis);
    let p = run(&Consultation {
        text: "大丈夫だと思うが酒が増えた".into(),
        ..Consultation::default()
    });
    assert_eq!(p.facts.consultant, None, "大丈夫 is not 夫");
}

#[test]
fn stated_fields_win_over_the_text_and_bad_input_is_named() {
    let p = run(&Consultation {
        text: "夫のギャンブルが心配".into(),
        consultant: Some(Consultant::Supporter),
        ..Consultation::default()
    });
    assert_eq!(p.facts.consultant, Some(Consultant::Supporter));
    assert!(p.inferred.iter().any(|i| i.code == "spouse" && !i.used));
    let book = RuleBook::bundled().expect("rules");
    let lex = Lexicon::bundled().expect("lexicon");
    let dir = Resources::new(&crate::directory::dataset::bundled().expect("directory"));
    let err = |c: Consultation| plan(&book, &lex, &dir, &c, now()).expect_err("refused");
    assert_eq!(err(Consultation::default()), TriageError::Empty);
    assert!(matches!(
        err(Consultation {
            text: "あ".repeat(MAX_TEXT_CHARS + 1),
            ..Consultation::default()
        }),
        TriageError::TooLong(_)
    ));
    assert!(matches!(
        err(Consultation {
            text: "x".into(),
            prefecture: Some("ムー大陸".into()),
            ..Consultation::default()
        }),
        TriageError::Prefecture(_)
    ));
}

#[test]
fn a_region_with_nothing_in_the_directory_gets_guidance_not_an_invention() {
    let p = run(&Consultation {
        text: "息子がパチンコで借金を重ねています".into(),
        prefecture: Some("沖縄県".into()),
        ..Consultation::default()
    });
    let rf = p
        .recommendations
        .iter()
        .find(|r| r.role == Role::RecoveryFacility)
        .expect("role");
    assert!(
        rf.resources.iter().all(|r| r.prefecture.is_none()),
        "{:?}",
        rf.resources
    );
    let welfare = p
        .recommendations
        .iter()
        .find(|r| r.role == Role::WelfareOffice)
        .expect("借金");
    assert!(
        welfare.resources.is_empty()
            && welfare
                .none_found
                .as_deref()
                .is_some_and(|g| g.contains("福祉事務所"))
    );
    let mhwc = &p.recommendations[0];
    assert_eq!(mhwc.role, Role::MentalHealthWelfareCenter);
    assert_eq!(mhwc.resources[0].prefecture.as_deref(), Some("沖縄県"));
}

#[test]
fn broken_rule_files_are_refused_naming_the_rule() {
    let broken = RULES_JSON.replacen(
        "\"role\": \"probation\", \"priority\": 70",
        "\"role\": \"astrology\", \"priority\": 70",
        1,
    );
    assert!(RuleBook::parse(&broken).is_err());
    let mut uncited: serde_json::Value = serde_json::from_str(RULES_JSON).expect("JSON");
    for r in uncited["rules"].as_array_mut().expect("rules") {
        if r["id"] == "probation-family" {
            r["cite"] = "somewhere".into();
        }
    }
    let e = RuleBook::parse(&uncited.to_string()).expect_err("uncited");
    assert!(e.to_string().contains("probation-family"), "{e}");
    let dup = RULES_JSON.replacen("\"id\": \"poverty\"", "\"id\": \"crisis\"", 1);
    assert!(RuleBook::parse(&dup)
        .expect_err("dup")
        .to_string()
        .contains("duplicate"));
    let lex = LEXICON_JSON.replacen("\"code\": \"stimulants\"", "\"code\": \"stimulant\"", 1);
    assert!(Lexicon::parse(&lex).is_err());
}

#[test]
fn an_age_is_any_whole_json_number_from_0_to_255_and_null_is_not_given() {
    let age = |json: &str| serde_json::from_str::<Consultation>(json).map(|c| c.age);
    assert_eq!(age(r#"{"age": 23}"#).ok(), Some(Some(23)));
    assert_eq!(age(r#"{"age": 23.0}"#).ok(), Some(Some(23)));
    assert_eq!(age(r#"{"age": null}"#).ok(), Some(None));
    assert_eq!(age(r#"{}"#).ok(), Some(None));
    for bad in [
        r#"{"age": 23.5}"#,
        r#"{"age": 256}"#,
        r#"{"age": -1}"#,
        r#"{"age": "20"}"#,
    ] {
        assert!(age(bad).is_err(), "{bad}");
    }
}
