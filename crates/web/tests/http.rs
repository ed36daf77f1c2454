//! HTTP tests: the whole router driven with `oneshot`, no port, on a real SQLite store (one
//! database file per test) loaded with the bundled dataset, with a fixed clock.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tower::ServiceExt;
use tsunagu_search::TinySegmenter;
use tsunagu_store::{SqliteStore, Store};
use tsunagu_web::{app, AppState, WebConfig};

#[path = "http/docs.rs"]
mod docs;
#[path = "http/fuzz.rs"]
mod fuzz;
#[path = "http/staff.rs"]
mod staff;

pub(crate) static N: AtomicU32 = AtomicU32::new(0);

/// Friday 2026-11-20 11:00 JST.
fn fixed_clock() -> tsunagu_web::Clock {
    Arc::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0)
            .single()
            .unwrap_or_default()
    })
}

pub(crate) async fn test_app() -> Router {
    app_of(test_store().await).await
}

/// A fresh migrated SQLite store with the bundled directory.
pub(crate) async fn test_store() -> SqliteStore {
    let dir = std::env::temp_dir().join("tsunagu-http");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!(
        "{}-{}.db",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("migrate");
    store
        .replace_directory(&tsunagu_domain::directory::dataset::bundled().expect("dataset"))
        .await
        .expect("load");
    store
}

/// The app over `store`.
pub(crate) async fn app_of(store: SqliteStore) -> Router {
    let config = WebConfig {
        maintainer_token: Some("s3cret".into()),
        ..WebConfig::default()
    };
    let state = AppState::load(
        Arc::new(store),
        Arc::new(TinySegmenter),
        config,
        fixed_clock(),
    )
    .await
    .expect("state");
    app(state)
}

pub(crate) async fn send(
    app: &Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// A double-submit CSRF pair for forms used without a session.
pub(crate) const CSRF_COOKIE: &str =
    "tsunagu_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const CSRF_FIELD: &str = "csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[tokio::test]
async fn the_search_page_finds_darc_womens_house_first_and_shows_the_crisis_banner() {
    let app = test_app().await;
    let (status, headers, body) =
        get(&app, "/?q=%E3%83%80%E3%83%AB%E3%82%AF+%E5%A5%B3%E6%80%A7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap_or("")
        .contains("default-src 'none'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let first = body
        .split("href=\"/services/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("");
    assert_eq!(first, "darc-womens-house");
    assert!(body.contains("いま命の危険があるときは"));
    assert!(body.contains("<html lang=\"ja\">") && body.contains("本文へ移動"));
    assert!(!body.contains("<script"), "pages work without JavaScript");
}

#[tokio::test]
async fn the_api_search_for_akita_flags_the_centre_phone() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/api/v1/search?q=%E7%A7%8B%E7%94%B0").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    let centre = v["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "mhwc-05")
        .expect("akita centre");
    assert_eq!(centre["phones"][0]["number"], "118-892-3773");
    assert_eq!(centre["phones"][0]["flagged"], true);
}

#[tokio::test]
async fn the_detail_page_shows_contacts_hours_provenance_and_stale_notice() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/services/mhwc-05").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "118-892-3773",
        "番号に疑問あり",
        "004_d9518c60032bdf29.txt:22638",
        "2006-04-01",
        "変わっている可能性",
        "データの注意点",
        "受付時間は資料に記載がありません",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    let (_, _, body) = get(&app, "/services/ncnp-drug-addiction").await;
    assert!(
        body.contains("受付中（15:00まで）"),
        "Friday 11:00 is within 10:00-15:00"
    );
    assert!(body.contains("yakubutsuizon@ncnp.go.jp"));
}

#[tokio::test]
async fn bad_input_gets_clear_4xx_answers() {
    let app = test_app().await;
    for (uri, code) in [
        ("/?concern=heroin", StatusCode::BAD_REQUEST),
        (
            "/?prefecture=%E9%B3%A5%E6%A0%B9%E7%9C%8C",
            StatusCode::BAD_REQUEST,
        ),
        ("/?page=0", StatusCode::BAD_REQUEST),
        ("/?unknown=1", StatusCode::BAD_REQUEST),
        ("/api/v1/search?open_now=maybe", StatusCode::BAD_REQUEST),
        ("/api/v1/search?per_page=1000", StatusCode::BAD_REQUEST),
        ("/services/NOT-AN-ID", StatusCode::NOT_FOUND),
        ("/services/no-such-thing", StatusCode::NOT_FOUND),
        ("/api/v1/services/no-such-thing", StatusCode::NOT_FOUND),
        ("/hsds/services?page=0", StatusCode::BAD_REQUEST),
        ("/hsds/services?page=abc", StatusCode::BAD_REQUEST),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, code, "{uri}: {body}");
        if uri.starts_with("/api") || uri.starts_with("/hsds") {
            assert!(json(&body)["message"].is_string(), "{uri}");
        }
    }
    let long = format!("/api/v1/search?q={}", "%E3%81%82".repeat(201));
    assert_eq!(get(&app, &long).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_problem_report_is_filed_and_a_maintainer_closes_it() {
    let app = test_app().await;
    // Empty message: the form comes back with an error and nothing is stored.
    let bad = Request::post("/services/mhwc-05/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("category=phone&message=+&{CSRF_FIELD}")))
        .expect("request");
    let (status, _, body) = send(&app, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("内容を1文字以上"));
    let ok = Request::post("/services/mhwc-05/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("category=phone&message=%E7%95%AA%E5%8F%B7%E3%81%8C%E9%81%95%E3%81%84%E3%81%BE%E3%81%99&{CSRF_FIELD}")))
        .expect("request");
    let (status, headers, _) = send(&app, ok).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/services/mhwc-05?reported=1");
    // Maintainer pages need the token.
    assert_eq!(
        get(&app, "/maintainer/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
    let auth = format!("Basic {}", base64_encode("maintainer:s3cret"));
    let list = Request::get("/maintainer/reports")
        .header(header::AUTHORIZATION, &auth)
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(&app, list).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("番号が違います") && body.contains("未対応"));
    let close = Request::post("/maintainer/reports/1/close")
        .header(header::AUTHORIZATION, &auth)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("resolution=checked&{CSRF_FIELD}")))
        .expect("request");
    assert_eq!(send(&app, close).await.0, StatusCode::SEE_OTHER);
    let again = Request::post("/maintainer/reports/1/close")
        .header(header::AUTHORIZATION, &auth)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("resolution=checked&{CSRF_FIELD}")))
        .expect("request");
    assert_eq!(send(&app, again).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client_and_answer_429_with_retry_after() {
    let store = SqliteStore::open(
        &std::env::temp_dir().join(format!("tsunagu-http/rl-{}.db", std::process::id())),
    )
    .await
    .expect("open");
    store.migrate().await.expect("migrate");
    let config = WebConfig {
        rate_limit: Some(tsunagu_web::ratelimit::RateLimit {
            per_second: 1,
            burst: 2,
            logins_per_minute: 1,
        }),
        ..WebConfig::default()
    };
    let state = AppState::load(
        Arc::new(store),
        Arc::new(TinySegmenter),
        config,
        fixed_clock(),
    )
    .await
    .expect("state");
    let app = app(state);
    assert_eq!(get(&app, "/api/v1/search?q=x").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/").await.0, StatusCode::OK);
    let (status, headers, body) = get(&app, "/api/v1/search?q=x").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert_eq!(json(&body)["error"], "too_many_requests");
    let (status, _, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("少し待って"));
    // Static files and health checks are never limited; sign-in has its own budget.
    assert_eq!(get(&app, "/static/style.css").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
    let login = || {
        Request::post("/staff/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, CSRF_COOKIE)
            .body(Body::from(format!(
                "username=nobody&password=x&{CSRF_FIELD}"
            )))
            .expect("request")
    };
    assert_eq!(send(&app, login()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&app, login()).await.0, StatusCode::TOO_MANY_REQUESTS);
}

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

#[tokio::test]
async fn the_seido_navi_lists_the_rules_and_computes_when_notebook_renewal_opens() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/seido").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("精神保健福祉法第33条第7項")
            && body.contains("004_d9518c60032bdf29.txt:4893")
    );
    let (status, _, body) = get(
        &app,
        "/seido?event=notebook_application_received&at=2026-11-20",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("2028-11-30") && body.contains("令和10年11月30日"),
        "{body}"
    );
    assert!(body.contains("2028-08-30") && body.contains("施行規則第28条第2項"));
    let (status, _, body) = get(
        &app,
        "/seido?event=medical_protection_discharge&at=2026-11-12",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2026-11-24") && body.contains("翌開庁日"));
    // Hour periods take the time; a renewal counts from the previous expiry.
    let (status, _, body) = get(
        &app,
        "/seido?event=urgent_admission:specified_physician&at=2026-11-20&time=23:00",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("2026-11-21 11:00") && body.contains("第33条の4第2項"));
    assert!(
        body.contains("確認すること") && body.contains("応急入院指定病院"),
        "{body}"
    );
    let (status, _, body) = get(
        &app,
        "/seido?event=notebook_renewal_application_received&at=2026-01-10&previous=2026-02-28",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("2028-02-29") && body.contains("2027-11-29"));
    let (status, _, body) = get(&app, "/seido?event=involuntary_admission&at=2026-04-10").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("2026-07-31") && body.contains("第38条の2"));
    for bad in [
        "/seido?event=notebook_application_received&at=2026-02-30",
        "/seido?event=nope&at=2026-11-20",
        "/seido?event=urgent_admission:designated_physician&at=2026-11-20",
        "/seido?event=voluntary_admission&at=2026-11-20&time=25:00",
        "/seido?event=notebook_renewal_application_received&at=2026-01-10",
    ] {
        let (status, _, body) = get(&app, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(body.contains("class=\"error\""));
    }
    assert_eq!(
        get(&app, "/seido?unknown=1").await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_jiritsu_calculator_gives_the_category_its_cap_reasons_and_ledger() {
    let app = test_app().await;
    let (status, headers, body) = get(&app, "/seido/jiritsu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"csrf\"") && headers.get(header::SET_COOKIE).is_some());
    let post = |form: String, cookie: &'static str| {
        Request::post("/seido/jiritsu")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(form))
            .expect("request")
    };
    // 非課税, income 0 + pension 780,000 ≤ 800,000: 低所得1, ¥2,500 a month.
    let form = format!("tax=non_taxable&total_income=-100000&public_pension=780%2C000&visits=2026-11-05+20000%0D%0A2026-11-19%2C12345%0D%0A2026-12-01+4000&{CSRF_FIELD}");
    let (status, _, body) = send(&app, post(form, CSRF_COOKIE)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("結果: 低所得1・月 2500 円"), "{body}");
    assert!(
        body.contains("004_d9518c60032bdf29.txt:20426")
            && body.contains("004_d9518c60032bdf29.txt:20402")
    );
    assert!(
        body.contains("2000 円") && body.contains("500 円") && body.contains("上限に達しました")
    );
    assert!(body.contains("400 円"), "a new month starts again");
    let (_, _, body) = send(
        &app,
        post(
            format!("tax=taxed&income_levy_total=30000&severe=on&{CSRF_FIELD}"),
            CSRF_COOKIE,
        ),
    )
    .await;
    assert!(
        body.contains("中間所得層2（重度かつ継続）・月 10000 円"),
        "{body}"
    );
    for bad in [
        format!("tax=&{CSRF_FIELD}"),
        format!("tax=taxed&income_levy_total=abc&{CSRF_FIELD}"),
        format!("tax=non_taxable&visits=yesterday&{CSRF_FIELD}"),
        format!("tax=taxed&income_levy_total=300000&visits=2026-11-05+100&{CSRF_FIELD}"),
        format!("tax=non_taxable&treated=low_1&{CSRF_FIELD}"),
    ] {
        let (status, _, body) = send(&app, post(bad.clone(), CSRF_COOKIE)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(body.contains("class=\"error\""), "{bad}");
    }
    let (status, _, _) = send(&app, post("tax=taxed".into(), CSRF_COOKIE)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
}

#[tokio::test]
async fn triage_gives_an_explained_plan_on_the_web_and_in_the_api() {
    let app = test_app().await;
    let (status, headers, body) = get(&app, "/triage").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("name=\"csrf\"") && headers.get(header::SET_COOKIE).is_some());
    let post = |form: String| {
        Request::post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, CSRF_COOKIE)
            .body(Body::from(form))
            .expect("request")
    };
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let case09 = "32歳の夫が違法薬物の所持・使用で逮捕され、2年服役し、来月の仮釈放が決まった。家族として支えたいが不安です。";
    let form = format!(
        "text={}&prefecture={}&{CSRF_FIELD}",
        enc(case09),
        enc("東京都")
    );
    let (status, _, body) = send(&app, post(form)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let order: Vec<usize> = [
        "role-mental_health_welfare_center",
        "role-addiction_medical",
        "role-health_center",
        "role-recovery_facility",
        "role-family_group",
        "role-self_help_group",
        "role-probation",
    ]
    .iter()
    .map(|id| body.find(id).unwrap_or_else(|| panic!("{id} missing")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "roles in the casebook's order"
    );
    assert!(body.contains("000_aa5960de417e9b16.txt:86") && body.contains("支援のポイント"));
    assert!(
        body.contains("「夫」→ 相談者: 配偶者・パートナー"),
        "what was inferred is shown"
    );
    assert!(body.contains("class=\"plan-text\"") && body.contains("1. 精神保健福祉センター"));
    assert!(!body.contains("crisis-first"));
    // Crisis first; negation respected.
    let (_, _, body) = send(
        &app,
        post(format!(
            "text={}&{CSRF_FIELD}",
            enc("お酒がやめられず、死にたい")
        )),
    )
    .await;
    assert!(body.contains("crisis-first"));
    assert!(body.find("role-crisis_line") < body.find("role-mental_health_welfare_center"));
    let (_, _, body) = send(
        &app,
        post(format!(
            "text={}&{CSRF_FIELD}",
            enc("お酒はやめられないが死にたいとは思わない")
        )),
    )
    .await;
    assert!(!body.contains("crisis-first") && body.contains("否定されているため"));
    // Bad input: a clear message, 422, nothing else.
    for form in [
        format!("text=&{CSRF_FIELD}"),
        format!("text=x&concern=astrology&{CSRF_FIELD}"),
        format!("text=x&age=300&{CSRF_FIELD}"),
        format!("text={}&{CSRF_FIELD}", "a".repeat(20_001)),
    ] {
        let (status, _, body) = send(&app, post(form.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            &form[..40.min(form.len())]
        );
        assert!(body.contains("class=\"error\""));
    }
    let no_token = Request::post("/triage")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("text=x"))
        .expect("request");
    assert_eq!(send(&app, no_token).await.0, StatusCode::FORBIDDEN);
    // The JSON API.
    let api = |body: Vec<u8>| {
        Request::post("/api/v1/triage")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request")
    };
    let (status, _, body) = send(
        &app,
        api(serde_json::json!({"text": case09, "prefecture": "東京都"})
            .to_string()
            .into_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = json(&body);
    assert_eq!(v["recommendations"][6]["role"], "probation");
    assert_eq!(v["inferred"]["justice"], "parole_soon");
    for (bad, want) in [
        (br#"{"text": ""}"#.to_vec(), 400),
        (br#"{"text": "x", "colour": 1}"#.to_vec(), 400),
        (br#"{"concerns": ["astrology"]}"#.to_vec(), 400),
        (vec![0xff, 0xfe], 400),
        (
            format!(r#"{{"text": "{}"}}"#, "a".repeat(300_000)).into_bytes(),
            413,
        ),
    ] {
        let (status, _, body) = send(&app, api(bad)).await;
        assert_eq!(status.as_u16(), want, "{body}");
        assert!(body.contains("error"), "{body}");
    }
}

#[tokio::test]
async fn forms_carry_a_csrf_token_and_posts_without_it_are_refused() {
    let app = test_app().await;
    let (status, headers, body) = get(&app, "/services/mhwc-05/report").await;
    assert_eq!(status, StatusCode::OK);
    let cookie = headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(cookie.starts_with("tsunagu_csrf="), "{cookie}");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} missing: {cookie}");
    }
    let token = &cookie["tsunagu_csrf=".len().."tsunagu_csrf=".len() + 64];
    assert!(body.contains(&format!("name=\"csrf\" value=\"{token}\"")));
    for (cookie, field) in [
        (None, ""),
        (Some(CSRF_COOKIE), ""),
        (
            Some(CSRF_COOKIE),
            "&csrf=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ),
        (
            None,
            "&csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
    ] {
        let mut req = Request::post("/services/mhwc-05/report")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let req = req
            .body(Body::from(format!("category=phone&message=x{field}")))
            .expect("request");
        assert_eq!(
            send(&app, req).await.0,
            StatusCode::FORBIDDEN,
            "{cookie:?} {field}"
        );
    }
}

#[tokio::test]
async fn cross_site_posts_and_bad_json_are_refused() {
    let app = test_app().await;
    let cross = Request::post("/services/mhwc-05/report")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("category=phone&message=x"))
        .expect("request");
    assert_eq!(send(&app, cross).await.0, StatusCode::FORBIDDEN);
    for body in [
        "{",
        "{\"category\":\"phone\"}",
        "{\"category\":\"phone\",\"message\":\"x\",\"extra\":1}",
        "{\"category\":\"nope\",\"message\":\"x\"}",
    ] {
        let req = Request::post("/api/v1/services/mhwc-05/reports")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request");
        let (status, _, text) = send(&app, req).await;
        assert!(status.is_client_error(), "{body}: {status}");
        assert!(json(&text)["error"].is_string());
    }
    let invalid_utf8 = Request::post("/api/v1/services/mhwc-05/reports")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![b'{', 0xff, 0xfe, b'}']))
        .expect("request");
    assert!(send(&app, invalid_utf8).await.0.is_client_error());
    let huge = Request::post("/api/v1/services/mhwc-05/reports")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![b' '; 64 * 1024 + 1]))
        .expect("request");
    assert_eq!(send(&app, huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // The longest legitimate form: 2000 Japanese characters, percent-encoded.
    let longest = format!("category=other&message={}", "%E3%81%82".repeat(2000));
    let form = Request::post("/services/mhwc-05/report")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, CSRF_COOKIE)
        .body(Body::from(format!("{longest}&{CSRF_FIELD}")))
        .expect("request");
    assert_eq!(send(&app, form).await.0, StatusCode::SEE_OTHER);
    let good = Request::post("/api/v1/services/mhwc-05/reports")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            "{\"category\":\"phone\",\"message\":\"番号が違う\"}",
        ))
        .expect("request");
    assert_eq!(send(&app, good).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn hsds_endpoints_paginate_and_every_documented_path_is_routed() {
    let app = test_app().await;
    let (status, _, body) = get(&app, "/hsds/services?page=2&per_page=10").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["page_number"], 2);
    assert_eq!(v["size"], 10);
    assert!(v["total_items"].as_u64().unwrap_or(0) > 150);
    let (_, _, body) = get(&app, "/hsds/services/tokyo-darc").await;
    let v = json(&body);
    assert_eq!(v["organization"]["name"], "特定非営利活動法人 東京ダルク");
    assert_eq!(v["phones"][0]["number"], "03-3875-8808");
    let doc = json(tsunagu_web::directory::api::OPENAPI);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let uri = path.replace("{id}", "tokyo-darc");
        for method in item.as_object().expect("item").keys() {
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .body(Body::empty())
                .expect("request");
            let (status, _, _) = send(&app, req).await;
            assert_ne!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {uri} is documented but not routed"
            );
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        }
    }
}

fn base64_encode(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}
