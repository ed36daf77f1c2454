//! Search behaviour on the bundled dataset and on tiny fixtures.

use super::*;
use tsunagu_domain::dataset;

fn index() -> SearchIndex {
    let dir = dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
    SearchIndex::build(&dir, Arc::new(TinySegmenter)).unwrap_or_else(|e| panic!("{e}"))
}

fn search(idx: &SearchIndex, text: &str) -> SearchResults {
    idx.search(&SearchRequest {
        text: text.into(),
        limit: 10,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.results.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn darc_women_ranks_the_womens_house_first() {
    let idx = index();
    let r = search(&idx, "ダルク 女性");
    assert_eq!(ids(&r).first(), Some(&"darc-womens-house"), "{:?}", ids(&r));
}

#[test]
fn kana_and_latin_spellings_find_darc() {
    let idx = index();
    for q in ["ダルク", "だるく", "DARC", "ＤＡＲＣ", "ﾀﾞﾙｸ"] {
        let r = search(&idx, q);
        assert!(ids(&r).contains(&"tokyo-darc"), "{q}: {:?}", ids(&r));
    }
}

#[test]
fn akita_finds_the_akita_centre_with_its_phone_flagged() {
    let idx = index();
    let r = search(&idx, "秋田");
    let centre = r
        .results
        .iter()
        .find(|h| h.id == "mhwc-05")
        .unwrap_or_else(|| panic!("{:?}", ids(&r)));
    assert_eq!(centre.prefecture.as_deref(), Some("秋田県"));
    assert!(centre
        .phones
        .iter()
        .any(|p| p.flagged && p.number == "118-892-3773"));
}

#[test]
fn an_exact_name_beats_a_mention() {
    let idx = index();
    assert_eq!(ids(&search(&idx, "ナラノン")).first(), Some(&"nar-anon"));
    assert_eq!(
        ids(&search(&idx, "東京ダルク")).first(),
        Some(&"tokyo-darc")
    );
}

#[test]
fn every_part_of_a_query_must_match() {
    let idx = index();
    let r = search(&idx, "ダルク 秋田");
    assert!(r.results.is_empty(), "{:?}", ids(&r));
}

#[test]
fn facets_filter_and_national_services_stay_in_a_prefecture_filter() {
    let idx = index();
    let tokyo = Prefecture::parse("東京都").ok();
    let r = idx
        .search(&SearchRequest {
            prefecture: tokyo,
            concern: Some(Concern::Drugs),
            audience: Some(Audience::Family),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let got = ids(&r);
    assert!(
        got.contains(&"tokyo-darc") && got.contains(&"nar-anon"),
        "{got:?}"
    );
    assert!(!got.contains(&"mhwc-05"));
    let kinds = idx
        .search(&SearchRequest {
            kind: Some(ResourceKind::MentalHealthWelfareCenter),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        kinds.total, 65,
        "64 handbook centres + the casebook's Tokyo hub"
    );
}

#[test]
fn drug_subtype_services_answer_a_drugs_filter() {
    let idx = index();
    let r = idx
        .search(&SearchRequest {
            concern: Some(Concern::Stimulants),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ids(&r).contains(&"tokyo-darc"));
}

#[test]
fn the_region_ranks_first_without_filtering() {
    let idx = index();
    let region = Prefecture::parse("北海道").ok();
    let r = idx
        .search(&SearchRequest {
            text: "精神保健福祉センター".into(),
            region,
            limit: 5,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        r.results[0].prefecture.as_deref(),
        Some("北海道"),
        "{:?}",
        ids(&r)
    );
    assert!(r.total > 60);
}

#[test]
fn open_now_keeps_only_open_services() {
    let idx = index();
    // Friday 2026-11-20 11:00 JST.
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(11, 0, 0));
    let r = idx
        .search(&SearchRequest {
            text: "ダルク".into(),
            open_now: true,
            now,
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ids(&r).contains(&"tokyo-darc"));
    assert!(r
        .results
        .iter()
        .all(|h| h.open_now.as_ref().is_some_and(|s| s.is_open())));
    // Sunday: every DARC listed is closed or unknown.
    let sunday =
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).and_then(|d| d.and_hms_opt(11, 0, 0));
    let r = idx
        .search(&SearchRequest {
            text: "ダルク".into(),
            open_now: true,
            now: sunday,
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.total, 0, "{:?}", ids(&r));
}

#[test]
fn punctuation_only_or_huge_queries_do_not_fail() {
    let idx = index();
    assert_eq!(
        search(&idx, "、。!?").total,
        idx.len(),
        "no searchable text means everything"
    );
    let huge = "ダルク".repeat(10_000);
    let _ = search(&idx, &huge);
    let _ = search(&idx, "女");
}

#[test]
fn bigrams_split_runs_and_keep_single_characters() {
    assert_eq!(bigrams("ダルク女性"), vec!["ダル", "ルク", "ク女", "女性"]);
    assert_eq!(bigrams("a・bc"), vec!["a", "bc"]);
    assert_eq!(bigrams("ハウス"), vec!["ハウ", "ウス"]);
}

#[test]
fn natural_sentences_match_by_their_content_words() {
    let idx = index();
    let r = search(&idx, "薬物をやめたい女性");
    assert!(
        ids(&r).iter().take(5).any(|id| *id == "darc-womens-house"),
        "{:?}",
        ids(&r)
    );
    let r = search(&idx, "夫が覚醒剤をやめられない");
    assert!(
        !r.results.is_empty(),
        "a sentence without spaces still finds services"
    );
}

#[test]
fn everyday_words_find_the_directory_terms() {
    let idx = index();
    let r = search(&idx, "お酒");
    assert!(ids(&r).contains(&"aa-japan"), "{:?}", ids(&r));
    let r = search(&idx, "シャブ");
    assert!(ids(&r).contains(&"tokyo-darc"), "{:?}", ids(&r));
}

#[test]
fn one_content_word_with_endings_still_matches() {
    let idx = index();
    // お酒 → 酒 (after dropping お and the verb endings) → アルコール by synonym.
    assert!(ids(&search(&idx, "お酒がやめられない")).contains(&"aa-japan"));
    assert!(ids(&search(&idx, "パチンコがやめられない")).contains(&"japan-mac"));
}

#[test]
fn few_whole_matches_are_completed_by_word_matches_ranked_below_them() {
    let idx = index();
    let r = search(&idx, "女性専用の施設");
    let got = ids(&r);
    assert_eq!(
        got.first(),
        Some(&"oneness"),
        "the whole phrase occurs in ワンネス's description: {got:?}"
    );
    assert!(got.contains(&"darc-womens-house"), "{got:?}");
}
