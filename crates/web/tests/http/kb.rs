//! The knowledge base on the web: search page and API, context view, the rules' citations.

use crate::helpers::{app_of, send, test_store};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tsunagu_domain::kb::parse_document;
use tsunagu_store::DocStore;

const GUIDE: &str = "第1章 入院\n\n1. 医療保護入院\n\n医療保護入院とは、本人の同意がなくても保護者の同意で行う入院である。\n\n\
    ○精神保健及び精神障害者福祉に関する法律\n\n\
    第三十三条の二 管理者は、医療保護入院者を退院させたときは、十日以内に届け出なければならない。\n";

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String) {
    let (s, _, b) = send(app, Request::get(uri).body(Body::empty()).expect("request")).await;
    (s, b)
}

fn q(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn app_with(docs: &[(&str, &str)]) -> axum::Router {
    let store = test_store().await;
    for (name, text) in docs {
        let doc = parse_document(name, text.as_bytes()).expect("parses");
        store
            .put_document(&doc, text, chrono::Utc::now())
            .await
            .expect("stored");
    }
    app_of(store).await
}

#[tokio::test]
async fn a_question_finds_the_article_with_highlights_on_the_page_and_in_the_api() {
    let app = app_with(&[("guide.txt", GUIDE)]).await;
    let (status, body) = get(&app, &format!("/docs?q={}", q("医保の退院届はいつまで"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("第三十三条の二"), "{body}");
    assert!(body.contains("<mark>"), "{body}");
    assert!(body.contains("/docs/cite?c=guide.txt:9"), "{body}");

    let (status, body) = get(
        &app,
        &format!("/api/v1/docs/search?q={}&limit=3", q("法第33条の2")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let top = &v["results"][0];
    assert_eq!(top["doc"], "guide.txt");
    assert_eq!(top["lines"], serde_json::json!([9, 9]));
    assert_eq!(top["article"], "33の2");
    assert!(top["heading"]
        .as_str()
        .is_some_and(|h| h.contains("精神保健")));
    assert!(top["score"].as_f64().is_some_and(|s| s > 0.0));
    assert!(!top["highlights"].as_array().expect("highlights").is_empty());
}

#[tokio::test]
async fn empty_overlong_and_malformed_questions_get_clear_errors() {
    let app = app_with(&[("guide.txt", GUIDE)]).await;
    let (status, body) = get(&app, "/api/v1/docs/search?q=%20").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("質問を入力してください"), "{body}");
    let (status, _) = get(&app, &format!("/api/v1/docs/search?q={}", "a".repeat(501))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/api/v1/docs/search?q=x&limit=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = get(&app, "/docs?q=%20%20").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("doc-hit\""));
    let (status, _) = get(&app, "/docs/cite?c=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&app, "/docs/cite").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_context_view_shows_the_cited_lines_and_a_missing_document_says_so() {
    let app = app_with(&[("guide.txt", GUIDE)]).await;
    let (status, body) = get(&app, "/docs/cite?c=guide.txt:9").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<tr class=\"cited\"><th scope=\"row\">9</th>"),
        "{body}"
    );
    assert!(
        body.contains("医療保護入院とは"),
        "the lines around it are shown: {body}"
    );
    let (_, body) = get(&app, "/docs/cite?c=004_d9518c60032bdf29.txt:2213").await;
    assert!(body.contains("まだ取り込まれていない"), "{body}");
}

#[tokio::test]
async fn rules_whose_document_changed_are_flagged() {
    // A document under the handbook's name that is not the handbook: every deadline rule's
    // lines are missing or read differently.
    let app = app_with(&[("004_d9518c60032bdf29.txt", GUIDE)]).await;
    let (status, body) = get(&app, "/docs/rules").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("要確認"), "{body}");
    assert!(body.contains("引用した行が文書にありません"), "{body}");
    let (_, body) = get(&app, "/api/v1/docs/citations").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let all = v["citations"].as_array().expect("list");
    assert!(all.iter().any(|c| c["status"] == "out_of_range"));
    assert!(
        all.iter().any(|c| c["status"] == "not_ingested"),
        "the other seeds are not ingested"
    );
}

#[tokio::test]
async fn with_the_seeds_ingested_every_rule_shows_its_passage_and_resolves() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: {} is not there (the seeds sit beside the project in CI)",
            dir.display()
        );
        return;
    };
    let mut docs = Vec::new();
    for e in entries {
        let path = e.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        docs.push((name, std::fs::read_to_string(&path).expect("utf-8")));
    }
    let refs: Vec<(&str, &str)> = docs.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let app = app_with(&refs).await;
    let (_, body) = get(&app, "/docs/rules").await;
    assert!(
        body.contains("要確認 0件"),
        "{}",
        &body[..body.len().min(2000)]
    );
    assert!(body.contains("資料未取り込み 0件"));
    // The 医療保護入院 discharge notice rule shows the passage that states 10日以内.
    assert!(
        body.contains("10日以内に、その旨及び厚生労働省令で定め"),
        "the passage is shown next to the rule"
    );
    let (_, body) = get(&app, "/api/v1/docs/citations").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(
        v["citations"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["status"] == "resolves"),
        "{v}"
    );
}
