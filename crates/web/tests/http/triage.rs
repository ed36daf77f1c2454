//! Triage over HTTP: a consultation in, an explained plan out, on the page and in the API.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

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
    // The crisis role lists いのちの電話 (seed 004:2957), the one sourced crisis line.
    let main = body.split("id=\"main\"").nth(1).unwrap_or("");
    let role = main.split("role-crisis_line").nth(1).unwrap_or("");
    let role = role
        .split("role-mental_health_welfare_center")
        .next()
        .unwrap_or("");
    assert!(role.contains("/services/inochi-no-denwa"), "{role}");
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
