//! The public alcohol self-checks over HTTP: AUDIT, the drink calculator and the diary, none of which stores anything.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn the_audit_self_check_scores_answers_and_stores_nothing() {
    let app = test_app().await;
    let (status, headers, body) = get(&app, "/alcohol/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains_key(header::SET_COOKIE));
    assert!(
        body.contains("日本酒1合=2単位")
            && body.contains("1週間に4回以上")
            && body.contains("あるが、過去1年にはない")
    );
    let answers = "q1=4&q2=4&q3=4&q4=3&q5=2&q6=1&q7=0&q8=0&q9=2&q10=4&sex=male";
    let post = |form: String| {
        Request::post("/alcohol/audit")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, CSRF_COOKIE)
            .body(Body::from(form))
            .expect("request")
    };
    let (status, _, body) = send(&app, post(format!("{answers}&{CSRF_FIELD}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("結果: 24 点") && body.contains("アルコール依存症が疑われます"),
        "{body}"
    );
    assert!(body.contains("AUDIT-C（質問1〜3の合計）: 12 点 — 陽性"));
    assert!(body.contains("003_44ecc7f7098cb87f.txt:"));
    // Missing and impossible answers are named; nothing is computed.
    let (status, _, body) = send(&app, post(format!("q1=1&{CSRF_FIELD}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("質問 2・3・4・5・6・7・8・9・10 に答えてください"));
    let bad9 = answers.replace("q9=2", "q9=3");
    let (status, _, body) = send(&app, post(format!("{bad9}&{CSRF_FIELD}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("item 9"));
    assert_eq!(
        send(&app, post(answers.to_owned())).await.0,
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    // The same answers as a FHIR Bundle download.
    let (status, headers, body) =
        send(&app, post(format!("{answers}&fhir=audit-c&{CSRF_FIELD}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or("")
        .starts_with("application/fhir+json"));
    let bundle = json(&body);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(
        bundle["entry"][2]["resource"]["code"]["coding"][0]["code"],
        "75626-2"
    );
    assert_eq!(bundle["entry"][2]["resource"]["valueInteger"], 12);
}

#[tokio::test]
async fn the_drink_calculator_turns_drinks_into_grams_and_a_risk_level() {
    let app = test_app().await;
    let post = |form: &str| {
        Request::post("/alcohol/drinks")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, CSRF_COOKIE)
            .body(Body::from(format!("{form}&{CSRF_FIELD}")))
            .expect("request")
    };
    let (status, _, body) = send(&app, post("beer=3&custom_ml=100&custom_abv=40&sex=male")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("純アルコール 92.0 g"), "{body}");
    assert!(body.contains("高リスク") && body.contains("多量飲酒の日"));
    let (status, _, body) = send(&app, post("beer=1&sex=female")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("純アルコール 20.0 g") && body.contains("低リスク"));
    for bad in [
        "beer=99",
        "custom_ml=-5&custom_abv=5",
        "custom_ml=100&custom_abv=120",
        "custom_ml=x&custom_abv=5",
        "sex=other",
    ] {
        let (status, _, _) = send(&app, post(bad)).await;
        assert!(status.is_client_error(), "{bad}: {status}");
    }
}

#[tokio::test]
async fn the_self_check_diary_keeps_its_lines_in_the_form_and_stores_nothing() {
    let app = test_app().await;
    let post = |form: String| {
        Request::post("/alcohol/diary")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, CSRF_COOKIE)
            .body(Body::from(format!("{form}&{CSRF_FIELD}")))
            .expect("request")
    };
    // Add a long can of beer ×3 on 2026-11-19 (the test clock is 2026-11-20 JST).
    let (status, _, body) = send(
        &app,
        post("action=add&date=2026-11-19&drink=beer&count=3&sex=male&goal=40&diary=".into()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("2026-11-19,ビール・発泡酒,500,5,3,60.0"),
        "{body}"
    );
    assert!(
        body.contains("<svg") && body.contains("2026-11-19: 60.0 g") && body.contains("目標 40 g")
    );
    // Paste the diary back and add another line: both are there.
    let diary = "date,drink,ml,abv_percent,count,grams%0A2026-11-19,beer,500,5,3,60.0%0A";
    let (status, _, body) = send(&app, post(format!("action=add&date=2026-11-18&drink=custom&ml=100&abv=40&count=1&sex=female&diary={diary}"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("2026-11-18,その他,100,40,1,32.0")
            && body.contains("2026-11-19,beer,500,5,3,60.0")
    );
    // Women's bands: 60 g is High (40 < g <= 60), 32 g Medium.
    assert!(
        body.contains("2026-11-19: 60.0 g（高リスク）")
            && body.contains("2026-11-18: 32.0 g（中リスク）"),
        "{body}"
    );
    // The CSV download.
    let (status, headers, csv) =
        send(&app, post(format!("action=csv&sex=male&diary={diary}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap_or("")
        .contains("drinking-diary.csv"));
    assert!(csv.contains("2026-11-19,beer,500,5,3,60.0"));
    // Bad lines are named with their line numbers; a future day cannot be added.
    let bad = "date,drink,ml,abv_percent,count,grams%0A2026-11-19,beer,500,5,3,60%0A2026-13-01,beer,500,5,1,20%0A";
    let (status, _, body) = send(&app, post(format!("action=show&diary={bad}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("3行目"), "{body}");
    let (status, _, body) = send(
        &app,
        post("action=add&date=2026-11-30&drink=beer&count=1&diary=".into()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("future"));
}
