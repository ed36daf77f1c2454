//! Search behaviour on the bundled dataset and on tiny fixtures.

use super::*;
use crate::text::{bigrams, Analyzer, LinderaIpadic, TinySegmenter, DEBIAN_IPADIC};
use std::sync::Arc;
use tsunagu_domain::directory::dataset;
use tsunagu_domain::{Audience, Concern, Prefecture, ResourceKind};

fn index_with(analyzer: Arc<dyn Analyzer>) -> SearchIndex {
    let dir = dataset::bundled().unwrap_or_else(|e| panic!("{e}"));
    SearchIndex::build(&dir, analyzer).unwrap_or_else(|e| panic!("{e}"))
}

/// The lindera analyser, with IPADIC built once per test process from Debian's mecab-ipadic.
/// Without the package the lindera tests print SKIPPED; with CI=true they fail instead.
fn lindera() -> Option<Arc<dyn Analyzer>> {
    static DICT: std::sync::OnceLock<Option<Arc<LinderaIpadic>>> = std::sync::OnceLock::new();
    let built = DICT.get_or_init(|| {
        let source = std::path::Path::new(DEBIAN_IPADIC);
        if !source.join("matrix.def").is_file() {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {DEBIAN_IPADIC} is missing (apt-get install mecab-ipadic)");
            eprintln!("SKIPPED (lindera): {DEBIAN_IPADIC} not found; install the Debian package mecab-ipadic");
            return None;
        }
        let out = std::env::temp_dir().join(format!("tsunagu-ipadic-test-{}", std::process::id()));
        LinderaIpadic::build(source, &out).unwrap_or_else(|e| panic!("{e}"));
        Some(Arc::new(LinderaIpadic::load(&out).unwrap_or_else(|e| panic!("{e}"))))
    });
    built.clone().map(|a| a as Arc<dyn Analyzer>)
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

fn darc_women_ranks_the_womens_house_first(idx: &SearchIndex) {
    let r = search(idx, "ダルク 女性");
    assert_eq!(ids(&r).first(), Some(&"darc-womens-house"), "{:?}", ids(&r));
}

fn kana_and_latin_spellings_find_darc(idx: &SearchIndex) {
    for q in ["ダルク", "だるく", "DARC", "ＤＡＲＣ", "ﾀﾞﾙｸ"] {
        let r = search(idx, q);
        assert!(ids(&r).contains(&"tokyo-darc"), "{q}: {:?}", ids(&r));
    }
}

fn akita_finds_the_akita_centre_with_its_phone_flagged(idx: &SearchIndex) {
    let r = search(idx, "秋田");
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

fn an_exact_name_beats_a_mention(idx: &SearchIndex) {
    assert_eq!(ids(&search(idx, "ナラノン")).first(), Some(&"nar-anon"));
    assert_eq!(ids(&search(idx, "東京ダルク")).first(), Some(&"tokyo-darc"));
}

fn every_part_of_a_query_must_match(idx: &SearchIndex) {
    let r = search(idx, "ダルク 秋田");
    assert!(r.results.is_empty(), "{:?}", ids(&r));
}

fn facets_filter_and_national_services_stay_in_a_prefecture_filter(idx: &SearchIndex) {
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

fn drug_subtype_services_answer_a_drugs_filter(idx: &SearchIndex) {
    let r = idx
        .search(&SearchRequest {
            concern: Some(Concern::Stimulants),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ids(&r).contains(&"tokyo-darc"));
}

fn the_region_ranks_first_without_filtering(idx: &SearchIndex) {
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

fn open_now_keeps_only_open_services(idx: &SearchIndex) {
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

fn punctuation_only_or_huge_queries_do_not_fail(idx: &SearchIndex) {
    assert_eq!(
        search(idx, "、。!?").total,
        idx.len(),
        "no searchable text means everything"
    );
    let huge = "ダルク".repeat(10_000);
    let _ = search(idx, &huge);
    let _ = search(idx, "女");
}

#[test]
fn bigrams_split_runs_and_keep_single_characters() {
    assert_eq!(bigrams("ダルク女性"), vec!["ダル", "ルク", "ク女", "女性"]);
    assert_eq!(bigrams("a・bc"), vec!["a", "bc"]);
    assert_eq!(bigrams("ハウス"), vec!["ハウ", "ウス"]);
}

fn natural_sentences_match_by_their_content_words(idx: &SearchIndex) {
    let r = search(idx, "薬物をやめたい女性");
    assert!(
        ids(&r).iter().take(5).any(|id| *id == "darc-womens-house"),
        "{:?}",
        ids(&r)
    );
    let r = search(idx, "夫が覚醒剤をやめられない");
    assert!(
        !r.results.is_empty(),
        "a sentence without spaces still finds services"
    );
}

fn everyday_words_find_the_directory_terms(idx: &SearchIndex) {
    let r = search(idx, "お酒");
    assert!(ids(&r).contains(&"aa-japan"), "{:?}", ids(&r));
    let r = search(idx, "シャブ");
    assert!(ids(&r).contains(&"tokyo-darc"), "{:?}", ids(&r));
}

fn one_content_word_with_endings_still_matches(idx: &SearchIndex) {
    // お酒 → 酒 (after dropping お and the verb endings) → アルコール by synonym.
    assert!(ids(&search(idx, "お酒がやめられない")).contains(&"aa-japan"));
    assert!(ids(&search(idx, "パチンコがやめられない")).contains(&"japan-mac"));
}

fn few_whole_matches_are_completed_by_word_matches_ranked_below_them(idx: &SearchIndex) {
    let r = search(idx, "女性専用の施設");
    let got = ids(&r);
    assert_eq!(
        got.first(),
        Some(&"oneness"),
        "the whole phrase occurs in ワンネス's description: {got:?}"
    );
    assert!(got.contains(&"darc-womens-house"), "{got:?}");
}

/// Every behaviour above is checked with both analysers.
macro_rules! with_both_analyzers {
    ($($name:ident),* $(,)?) => {
        mod with_tinysegmenter {
            $(#[test] fn $name() { super::$name(&super::index_with(std::sync::Arc::new(super::TinySegmenter))) })*
        }
        /// Frequent parts match by bigrams without positions above 5,000 services; forcing
        /// that path on the bundled directory checks the behaviours hold there too.
        mod with_frequent_part_path {
            $(#[test] fn $name() { super::$name(&super::index_with(std::sync::Arc::new(super::TinySegmenter)).with_frequent_min_docs(0)) })*
        }
        mod with_lindera_ipadic {
            $(#[test] fn $name() { if let Some(a) = super::lindera() { super::$name(&super::index_with(a)) } })*
        }
    };
}

with_both_analyzers!(
    darc_women_ranks_the_womens_house_first,
    kana_and_latin_spellings_find_darc,
    akita_finds_the_akita_centre_with_its_phone_flagged,
    an_exact_name_beats_a_mention,
    every_part_of_a_query_must_match,
    facets_filter_and_national_services_stay_in_a_prefecture_filter,
    drug_subtype_services_answer_a_drugs_filter,
    the_region_ranks_first_without_filtering,
    open_now_keeps_only_open_services,
    punctuation_only_or_huge_queries_do_not_fail,
    natural_sentences_match_by_their_content_words,
    everyday_words_find_the_directory_terms,
    one_content_word_with_endings_still_matches,
    few_whole_matches_are_completed_by_word_matches_ranked_below_them,
);

#[test]
fn lindera_segments_particles_and_compounds_as_ipadic_words() {
    let Some(a) = lindera() else { return };
    assert_eq!(
        a.words("お酒がやめられない"),
        vec!["お", "酒", "が", "やめ", "られ", "ない"]
    );
    assert_eq!(
        a.words("ダルク女性ハウス"),
        vec!["ダルク", "女性", "ハウス"]
    );
    assert_eq!(a.name(), "lindera-ipadic");
}

#[test]
fn building_from_a_directory_without_ipadic_is_a_clear_error() {
    let err = LinderaIpadic::build(
        std::path::Path::new("/nonexistent"),
        &std::env::temp_dir().join("x"),
    )
    .err();
    assert!(err
        .map(|e| e.to_string())
        .unwrap_or_default()
        .contains("mecab-ipadic"));
}
