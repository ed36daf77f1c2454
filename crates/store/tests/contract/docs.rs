//! Knowledge-base documents: added, replaced whole when the text changes, left alone when it
//! does not, removed with their passages.

use chrono::{TimeZone, Utc};
use tsunagu_domain::kb::parse_document;
use tsunagu_store::prelude::*;
use tsunagu_store::PutOutcome;

const V1: &str = "第1章 総則\n\n1. 目的\n\n本文一。\n\n第33条 管理者は届け出なければならない。\n";
const V2: &str = "第1章 総則\n\n1. 目的\n\n本文二。\n\n2. 定義\n\n定義の本文。\n";

pub async fn a_document_is_added_replaced_whole_and_left_alone_when_unchanged(store: &dyn Store) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 21, 3, 0, 0)
        .single()
        .expect("time");
    let v1 = parse_document("g.txt", V1.as_bytes()).expect("parses");
    assert_eq!(
        store.put_document(&v1, V1, now).await.expect("put"),
        PutOutcome::Added
    );
    assert_eq!(
        store.put_document(&v1, V1, now).await.expect("put"),
        PutOutcome::Unchanged
    );
    let stored = store.all_passages().await.expect("passages");
    assert_eq!(stored.len(), v1.passages.len());
    assert_eq!(stored[1].1, v1.passages[1]);
    assert_eq!(stored[1].1.article.as_deref(), Some("33"));

    let v2 = parse_document("g.txt", V2.as_bytes()).expect("parses");
    assert_eq!(
        store.put_document(&v2, V2, now).await.expect("put"),
        PutOutcome::Replaced
    );
    let stored = store.all_passages().await.expect("passages");
    let texts: Vec<&str> = stored.iter().map(|(_, p)| p.text.as_str()).collect();
    assert_eq!(
        texts,
        ["本文二。", "定義の本文。"],
        "no passage of the old text is left"
    );
    assert_eq!(
        store.document_text("g.txt").await.expect("text").as_deref(),
        Some(V2)
    );

    let docs = store.documents().await.expect("documents");
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].passages, docs[0].lines), (2, 9));
    assert_eq!(docs[0].sha256, v2.sha256);
    assert_eq!(docs[0].ingested_at, now);

    let other = parse_document("h.txt", V1.as_bytes()).expect("parses");
    store.put_document(&other, V1, now).await.expect("put");
    assert!(store.remove_document("g.txt").await.expect("remove"));
    assert!(!store.remove_document("g.txt").await.expect("remove"));
    let left = store.all_passages().await.expect("passages");
    assert!(left.iter().all(|(d, _)| d == "h.txt"));
    assert_eq!(store.document_text("g.txt").await.expect("text"), None);
}
