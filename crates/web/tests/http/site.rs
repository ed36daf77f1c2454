//! What every page shares: rate limits, CSRF tokens on forms, same-origin checks, bad JSON, and the site navigation.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tsunagu_web::WebConfig;

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_client_and_answer_429_with_retry_after() {
    let config = WebConfig {
        rate_limit: Some(tsunagu_web::ratelimit::RateLimit {
            per_second: 1,
            burst: 2,
            logins_per_minute: 1,
        }),
        ..WebConfig::default()
    };
    let app = app_with(test_store().await, config).await;
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
async fn second_factor_posts_share_the_per_address_sign_in_limit() {
    // Arrange: one sign-in attempt per minute per address.
    let config = WebConfig {
        rate_limit: Some(tsunagu_web::ratelimit::RateLimit {
            per_second: 100,
            burst: 100,
            logins_per_minute: 1,
        }),
        ..WebConfig::default()
    };
    let app = app_with(test_store().await, config).await;
    let totp = || {
        Request::post("/staff/login/totp")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("code=123456&{CSRF_FIELD}")))
            .expect("request")
    };
    // Act and assert: the first guess is answered (no half-signed session: back to sign-in),
    // the next ones are refused before they reach the code check.
    assert_eq!(send(&app, totp()).await.0, StatusCode::SEE_OTHER);
    for _ in 0..5 {
        let (status, headers, _) = send(&app, totp()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(headers.contains_key(header::RETRY_AFTER));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_budget_of_an_address_is_one_for_two_servers_on_one_database() {
    // Arrange: two servers over one database, each allowing 10 sign-in attempts a minute per
    // address. (Kept in each server's memory, the budget would be 10 on each: 20 in all.)
    let (store, path) = test_store_and_path().await;
    let config = || WebConfig {
        rate_limit: Some(tsunagu_web::ratelimit::RateLimit {
            per_second: 100,
            burst: 100,
            logins_per_minute: 10,
        }),
        ..WebConfig::default()
    };
    let other = tsunagu_store::SqliteStore::open(&path)
        .await
        .expect("second handle");
    let servers = [
        app_with(store, config()).await,
        app_with(other, config()).await,
    ];
    // Act: 40 password and second-factor posts from one address at once, spread over both.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = servers[i % 2].clone();
        let req = if i % 4 < 2 {
            Request::post("/staff/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, CSRF_COOKIE)
                .body(Body::from(format!(
                    "username=nobody&password=x&{CSRF_FIELD}"
                )))
        } else {
            Request::post("/staff/login/totp")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("code=123456&{CSRF_FIELD}")))
        }
        .expect("request");
        tasks.push(tokio::spawn(async move { send(&app, req).await.0 }));
    }
    let mut answered = 0;
    for t in tasks {
        let status = t.await.expect("task");
        if status != StatusCode::TOO_MANY_REQUESTS {
            answered += 1;
        }
    }
    // Assert: one budget of 10 for the address, whichever server was asked.
    assert_eq!(answered, 10);
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
async fn every_public_page_carries_the_site_navigation_to_every_capability() {
    // Arrange
    let app = test_app().await;
    let links = [
        ("/", "相談先をさがす"),
        ("/triage", "相談内容から支援先を探す"),
        ("/alcohol/audit", "飲酒のセルフチェック"),
        ("/seido", "制度ナビ"),
        ("/docs", "資料から調べる"),
        ("/staff", "職員用"),
    ];
    for page in [
        "/",
        "/services/mhwc-05",
        "/triage",
        "/alcohol/audit",
        "/alcohol/drinks",
        "/alcohol/diary",
        "/seido",
        "/seido/jiritsu",
        "/docs",
        "/docs/rules",
        "/staff/login",
        "/no-such-page",
    ] {
        // Act
        let (_, _, body) = get(&app, page).await;
        // Assert
        let nav = body
            .split("<nav class=\"site-nav\"")
            .nth(1)
            .and_then(|rest| rest.split("</nav>").next())
            .unwrap_or_else(|| panic!("{page}: no site navigation"));
        for (href, label) in links {
            assert!(
                nav.contains(&format!("<a href=\"{href}\">{label}</a>")),
                "{page}: the navigation lacks {label} ({href})"
            );
        }
    }
}
