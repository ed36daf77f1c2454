//! The five seed documents parse with their structure. Runs when `../shared/seeds` is there
//! (always in CI) and says so when it skips; `src/kb/mod.rs` has small fixtures for the same paths.

use tsunagu_domain::kb::{parse_document, ParsedDocument, Passage, PassageKind};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds");
const ALL: [&str; 5] = [
    "000_aa5960de417e9b16.txt",
    "001_39df3f9f329c5b5d.txt",
    "002_a61d736c83c4c3b2.txt",
    "003_44ecc7f7098cb87f.txt",
    "004_d9518c60032bdf29.txt",
];

fn seed(name: &str) -> Option<(String, ParsedDocument)> {
    let path = std::path::Path::new(SEEDS).join(name);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} is not there (the seeds sit beside the project in CI)",
            path.display()
        );
        return None;
    };
    let doc = parse_document(name, &bytes).expect("a seed parses");
    Some((String::from_utf8(bytes).expect("utf-8"), doc))
}

fn find(doc: &ParsedDocument, f: impl Fn(&Passage) -> bool) -> &Passage {
    doc.passages
        .iter()
        .find(|p| f(p))
        .expect("the passage is there")
}

#[test]
fn every_seed_parses_without_problems_and_covers_every_line_of_text() {
    for name in ALL {
        let Some((text, doc)) = seed(name) else {
            return;
        };
        assert!(doc.problems.is_empty(), "{name}: {:?}", doc.problems);
        let mut covered = vec![false; text.lines().count() + 2];
        for p in &doc.passages {
            assert!(p.from <= p.to, "{name}: {p:?}");
            for l in p.from..=p.to {
                covered[l as usize] = true;
            }
        }
        // Lines outside every passage: blank, front matter, headings, page residue.
        let outside = text
            .lines()
            .enumerate()
            .filter(|(i, l)| !covered[i + 1] && !l.trim().is_empty())
            .count();
        let text_lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(
            outside * 4 < text_lines,
            "{name}: {outside} of {text_lines} lines outside passages"
        );
        // Passages are in order and do not overlap.
        for w in doc.passages.windows(2) {
            assert!(w[0].to < w[1].from, "{name}: {:?} / {:?}", w[0], w[1]);
        }
    }
}

#[test]
fn the_handbook_keeps_chapters_sections_and_law_articles() {
    let Some((_, doc)) = seed("004_d9518c60032bdf29.txt") else {
        return;
    };
    assert_eq!(doc.title, "我が国の精神保健福祉");
    let toc = find(&doc, |p| p.kind == PassageKind::Toc);
    assert_eq!((toc.from, toc.to), (19, 354));
    // 法第33条の4 (応急入院) is one article passage under its law, chapter and section.
    let a = find(&doc, |p| p.article.as_deref() == Some("33の4"));
    assert_eq!((a.from, a.kind), (4902, PassageKind::Article));
    assert_eq!(
        a.law.as_deref(),
        Some("精神保健及び精神障害者福祉に関する法律")
    );
    assert!(
        a.heading.iter().any(|h| h == "第4節 医療保護入院等"),
        "{:?}",
        a.heading
    );
    assert!(a.text.contains("72時間を限り"));
    // The same number in another law is another passage with that law.
    let other = find(&doc, |p| {
        p.article.as_deref() == Some("33") && p.law.as_deref() == Some("精神保健福祉士法")
    });
    assert_eq!(other.from, 7244);
    // 附則 articles are marked.
    assert!(doc
        .passages
        .iter()
        .any(|p| p.supplementary && p.article.as_deref() == Some("1")));
    // Prose under its chapter → section → item → label path.
    let p = find(&doc, |p| p.from == 2107);
    assert_eq!(
        p.heading,
        [
            "第3章 精神障害者支援施策",
            "1. 精神医療施策",
            "(7) 任意入院",
            "(概要)"
        ]
    );
    // Tables stay tables, caption and header repeated when cut.
    let t: Vec<&Passage> = doc
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Table && p.text.starts_with("表3 年次別"))
        .collect();
    assert!(t.len() >= 2);
    assert!(t.iter().all(|p| p
        .text
        .lines()
        .nth(1)
        .is_some_and(|l| l.starts_with("年次\t"))));
    // The appendix: 資料編 → I → law; II resets the law.
    let notice = find(&doc, |p| p.from >= 11439 && p.kind == PassageKind::Text);
    assert_eq!(
        notice.heading[..2],
        ["資料編".to_owned(), "II 通知・審議会意見等".to_owned()]
    );
    assert!(doc.cleanup.page_residue > 0);
}

#[test]
fn the_casebook_joins_its_vertical_tab_labels() {
    let Some((_, doc)) = seed("000_aa5960de417e9b16.txt") else {
        return;
    };
    let p = find(&doc, |p| p.text.contains("就労 心身の不調"));
    assert!(p.text.contains("DV・虐待"));
    assert!(doc.cleanup.vertical_labels >= 2);
}

#[test]
fn markdown_seeds_use_their_headings_and_front_matter() {
    let Some((_, doc)) = seed("001_39df3f9f329c5b5d.txt") else {
        return;
    };
    assert_eq!(doc.title, "依存症相談窓口一覧");
    assert!(doc.cleanup.front_matter > 0);
    let p = find(&doc, |p| p.heading.last().is_some_and(|h| h == "ダルク"));
    assert_eq!(p.heading[0], "依存症相談窓口一覧");
    let Some((_, manual)) = seed("003_44ecc7f7098cb87f.txt") else {
        return;
    };
    assert!(manual
        .passages
        .iter()
        .any(|p| p.heading.iter().any(|h| h.contains("飲酒量低減治療の選択"))));
    assert!(manual.passages.iter().all(|p| !p.text.contains("<li")));
}

#[test]
fn every_rule_citation_resolves_in_the_seeds_and_its_anchor_is_recorded() {
    use std::collections::BTreeMap;
    use tsunagu_domain::kb::citations::{anchors, catalogue, check, CitationStatus};
    use tsunagu_domain::kb::line_anchor;
    let book = tsunagu_domain::triage::RuleBook::bundled().expect("bundled rules");
    let mut texts = BTreeMap::new();
    for name in ALL {
        let Some((text, _)) = seed(name) else { return };
        texts.insert(name.to_owned(), text);
    }
    let mut fresh = BTreeMap::new();
    for c in catalogue(&book) {
        let text = texts.get(&c.citation.doc).expect("cited seed exists");
        let anchor = line_anchor(text, c.citation.from, c.citation.to).expect("cited lines exist");
        fresh.insert(c.citation.to_string(), anchor);
    }
    if std::env::var_os("UPDATE_ANCHORS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/citation-anchors.json"
        );
        let json = serde_json::to_string_pretty(&fresh).expect("json") + "\n";
        std::fs::write(path, json).expect("writes the anchors");
        return;
    }
    assert_eq!(
        anchors(),
        &fresh,
        "data/citation-anchors.json is out of date: run UPDATE_ANCHORS=1 cargo test -p tsunagu-domain --test kb_seeds"
    );
    for c in catalogue(&book) {
        let text = texts.get(&c.citation.doc).map(String::as_str);
        assert_eq!(
            check(&c.citation, text),
            CitationStatus::Resolves,
            "{}",
            c.citation
        );
    }
    // A changed line is flagged.
    let c = catalogue(&book).remove(0).citation;
    let mut lines: Vec<String> = texts[&c.doc].lines().map(str::to_owned).collect();
    lines[c.from as usize - 1].push_str("（改正）");
    assert_eq!(check(&c, Some(&lines.join("\n"))), CitationStatus::Changed);
}
