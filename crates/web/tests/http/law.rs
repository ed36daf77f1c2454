//! 制度ナビ over HTTP: the rules and their deadlines, and the 自立支援医療 calculator.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

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
