//! Tests of the parser (structure, tables, TOC, residue, bad bytes), anchors, citations and the
//! matching form.

use super::*;
use crate::kb::lines::kanji_number;

fn parse(text: &str) -> ParsedDocument {
    parse_document("t.txt", text.as_bytes()).expect("parses")
}

#[test]
fn kanji_numbers_are_read_in_both_forms() {
    assert_eq!(kanji_number("三十三"), Some(33));
    assert_eq!(kanji_number("十"), Some(10));
    assert_eq!(kanji_number("百二"), Some(102));
    assert_eq!(kanji_number("二〇〇六"), Some(2006));
    assert_eq!(kanji_number("千九百五十"), Some(1950));
    assert_eq!(kanji_number("x"), None);
    assert_eq!(
        kanji_number(&"九千".repeat(1_000_000)),
        None,
        "overflow is refused"
    );
}

#[test]
fn article_numbers_in_kanji_and_arabic_normalise_alike() {
    assert_eq!(normalize("第三十三条の四").text, "第33条ノ4");
    assert_eq!(normalize("第３３条の４").text, "第33条ノ4");
    assert_eq!(normalize("十日以内に届け出").text, "10日以内ニ届ケ出");
    assert_eq!(normalize("法 8 2 条").text, "法82条");
    // Not a counter: left alone.
    assert_eq!(normalize("一般の人").text, "一般ノ人");
}

#[test]
fn the_map_points_back_at_the_original_characters() {
    let n = normalize("第三十三条で");
    assert_eq!(n.text, "第33条デ");
    assert_eq!(n.map, vec![0, 1, 1, 4, 5]);
}

#[test]
fn article_references_carry_their_law() {
    let refs = articles_in(&normalize("法第33条の4及び医療観察法第42条、33条").text);
    assert_eq!(
        refs,
        vec![
            ArticleRef {
                number: "33の4".into(),
                law: Some("法".into())
            },
            ArticleRef {
                number: "42".into(),
                law: Some("医療観察法".into())
            },
            ArticleRef {
                number: "33".into(),
                law: None
            },
        ]
    );
}

#[test]
fn headings_nest_and_articles_start_their_own_passages() {
    let doc = parse(
        "第1章 総則\n\n1. はじめに\n\n本文です。\n\n(1) 目的\n\n目的の本文。\n\n\
         ○テスト法\n\n第33条 管理者は、10日以内に届け出なければならない。\n2 前項の場合も同様とする。\n\
         第33条の2 次の条。\n",
    );
    #[allow(clippy::type_complexity)]
    let p: Vec<(&[String], PassageKind, Option<&str>, u32, u32)> = doc
        .passages
        .iter()
        .map(|p| {
            (
                p.heading.as_slice(),
                p.kind,
                p.article.as_deref(),
                p.from,
                p.to,
            )
        })
        .collect();
    assert_eq!(p[0].0, ["第1章 総則", "1. はじめに"]);
    assert_eq!(p[1].0, ["第1章 総則", "1. はじめに", "(1) 目的"]);
    assert_eq!(
        (p[2].1, p[2].2, p[2].3, p[2].4),
        (PassageKind::Article, Some("33"), 13, 14)
    );
    assert_eq!(doc.passages[2].law.as_deref(), Some("テスト法"));
    assert_eq!(p[3].2, Some("33の2"));
    assert_eq!(doc.passages[3].heading, ["テスト法"]);
}

#[test]
fn tables_stay_tables_with_caption_and_header() {
    let mut text = String::from("表1 件数\n区分\t件数\n");
    for i in 0..30 {
        text.push_str(&format!("行{i}\t{i}\n"));
    }
    let doc = parse(&text);
    assert_eq!(doc.passages.len(), 2);
    assert!(doc.passages.iter().all(|p| p.kind == PassageKind::Table));
    assert!(doc.passages[0]
        .text
        .starts_with("表1 件数\n区分\t件数\n行0\t0"));
    assert!(
        doc.passages[1].text.starts_with("表1 件数\n区分\t件数\n"),
        "{}",
        doc.passages[1].text
    );
}

#[test]
fn vertical_labels_and_page_residue_are_cleaned() {
    let doc = parse("見出しなし本文。\n就\n労\n\n心\n身\n\n12\n続きの本文。\n");
    let text: Vec<&str> = doc.passages.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(text, ["見出しなし本文。\n就労 心身\n続きの本文。"]);
    assert_eq!(doc.cleanup.vertical_labels, 1);
    assert_eq!(doc.cleanup.page_residue, 1);
}

#[test]
fn a_table_of_contents_is_one_passage_until_its_first_entry_repeats() {
    let doc = parse("目 次\n\n第一章 基礎\t1\n1. とは\t1\n\n第1章 基礎\n\n1. とは\n\n本文。\n");
    assert_eq!(doc.passages[0].kind, PassageKind::Toc);
    assert_eq!((doc.passages[0].from, doc.passages[0].to), (1, 4));
    assert_eq!(doc.passages[1].heading, ["第1章 基礎", "1. とは"]);
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
}

#[test]
fn front_matter_and_tags_are_removed_and_markdown_headings_nest() {
    let doc = parse("---\ntitle: '一覧'\n---\n\n# 一覧\n\n本文<br>続き\n\n## 相談\n\n1. 電話\n");
    assert_eq!(doc.title, "一覧");
    assert_eq!(doc.passages[0].text, "本文続き");
    assert_eq!(doc.passages[1].heading, ["一覧", "相談"]);
    assert_eq!(doc.passages[1].text, "1. 電話");
    assert_eq!(doc.cleanup.html_tags, 1);
}

#[test]
fn bad_input_is_refused_by_name() {
    assert!(matches!(
        parse_document("a.txt", b""),
        Err(DocError::Empty { .. })
    ));
    assert!(matches!(
        parse_document("a.txt", b"ab\0c"),
        Err(DocError::Binary { at: 2, .. })
    ));
    assert!(matches!(
        parse_document("a.txt", b"ok \xff\xfe"),
        Err(DocError::NotUtf8 { at: 3, .. })
    ));
    assert!(matches!(
        parse_document("a/b.txt", b"x"),
        Err(DocError::BadName { .. })
    ));
    let big = vec![b'a'; MAX_DOC_BYTES + 1];
    assert!(matches!(
        parse_document("a.txt", &big),
        Err(DocError::TooLarge { .. })
    ));
}

#[test]
fn damaged_text_is_reported_with_its_line() {
    let doc = parse("一行目\n壊れた\u{fffd}行\n");
    assert_eq!(doc.problems[0].line, 2);
}

#[test]
fn anchors_change_when_the_cited_lines_change() {
    let a = line_anchor("a\nb\nc\n", 2, 3);
    assert_eq!(a, line_anchor("a\nb  \nc", 2, 3));
    assert_ne!(a, line_anchor("a\nB\nc\n", 2, 3));
    assert_eq!(line_anchor("a\n", 2, 2), None);
}

#[test]
fn citations_parse_and_print() {
    let c = Citation::parse("004_x.txt:10-12").expect("parses");
    assert_eq!((c.from, c.to), (10, 12));
    assert_eq!(c.to_string(), "004_x.txt:10-12");
    assert_eq!(Citation::parse("004_x.txt:0"), None);
    assert_eq!(Citation::parse("004_x.txt:5-4"), None);
}
