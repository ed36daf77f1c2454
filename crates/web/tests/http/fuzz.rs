//! Fuzz targets for the HTTP surface (property tests) and the bad-input corpus: whatever a
//! client sends, the answer is a 2xx/3xx/4xx with a clear message, never a 5xx or a panic.

use crate::helpers::{send, test_app};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Percent-encodes arbitrary bytes so that any byte sequence reaches the query parser.
fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn search_queries_of_any_bytes_never_cause_a_server_error() {
    let rt = runtime();
    let app = rt.block_on(test_app());
    let keys = prop_oneof![
        Just("q"),
        Just("prefecture"),
        Just("region"),
        Just("concern"),
        Just("audience"),
        Just("service_kind"),
        Just("kind"),
        Just("open_now"),
        Just("page"),
        Just("per_page"),
        Just("zzz"),
        Just("event"),
        Just("at"),
        Just("limit"),
        Just("c"),
        Just("organization_id"),
        Just("search"),
        Just("taxonomy_term_id"),
        Just("modified_after"),
        Just("taxonomy_id"),
        Just("minimal"),
        Just("full"),
        Just("format"),
    ];
    let pairs =
        proptest::collection::vec((keys, proptest::collection::vec(any::<u8>(), 0..24)), 0..4);
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(
            &(
                pairs,
                prop_oneof![
                    Just("/api/v1/search"),
                    Just("/"),
                    Just("/hsds/services"),
                    Just("/hsds/organizations"),
                    Just("/hsds/taxonomies"),
                    Just("/hsds/service_at_locations"),
                    Just("/hsds/taxonomy_terms"),
                    Just("/seido"),
                    Just("/docs"),
                    Just("/docs/cite"),
                    Just("/api/v1/docs/search")
                ],
            ),
            |(pairs, path)| {
                let query: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={}", encode(v)))
                    .collect();
                let uri = format!("{path}?{}", query.join("&"));
                let req = Request::get(&uri).body(Body::empty()).expect("request");
                let (status, _, _) = rt.block_on(send(&app, req));
                prop_assert!(status.as_u16() < 500, "{uri} -> {status}");
                Ok(())
            },
        )
        .expect("no server errors");
}

#[test]
fn json_bodies_of_any_shape_never_cause_a_server_error() {
    let rt = runtime();
    let app = rt.block_on(test_app());
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        "\\PC{0,40}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("phone")),
    ];
    let json = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("category".to_owned()),
                    Just("message".to_owned()),
                    "[a-z]{1,8}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(&json, |v| {
            let req = Request::post("/api/v1/services/mhwc-05/reports")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .expect("request");
            let (status, _, _) = rt.block_on(send(&app, req));
            prop_assert!(status.as_u16() < 500, "{v} -> {status}");
            Ok(())
        })
        .expect("no server errors");
}

#[test]
fn form_bodies_of_any_bytes_never_cause_a_server_error() {
    let rt = runtime();
    let app = rt.block_on(test_app());
    let paths = prop_oneof![
        Just("/staff/login"),
        Just("/services/mhwc-05/report"),
        Just("/staff/login/totp"),
        Just("/staff/subjects"),
        Just("/alcohol/audit"),
        Just("/alcohol/drinks"),
        Just("/alcohol/diary"),
        Just("/seido/jiritsu"),
        Just("/triage"),
        Just("/staff/subjects/1/deadlines/events"),
        Just("/staff/subjects/1/deadlines/1/done"),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(
            &(paths, proptest::collection::vec(any::<u8>(), 0..300)),
            |(path, body)| {
                let req = Request::post(path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, crate::helpers::CSRF_COOKIE)
                    .body(Body::from(body.clone()))
                    .expect("request");
                let (status, _, _) = rt.block_on(send(&app, req));
                prop_assert!(status.as_u16() < 500, "{path} {body:?} -> {status}");
                Ok(())
            },
        )
        .expect("no server errors");
}

/// The bad-input corpus: hand-picked inputs that have broken servers elsewhere. Each goes to
/// every endpoint that takes a body; each must get a 4xx with a message.
#[tokio::test]
async fn the_bad_input_corpus_gets_clear_client_errors_everywhere() {
    let app = test_app().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
    let corpus: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("invalid UTF-8", vec![0xff, 0xfe, 0xfd]),
        ("overlong UTF-8 slash", vec![0xc0, 0xaf]),
        (
            "lone surrogate escape",
            br#"{"category":"phone","message":"\ud800"}"#.to_vec(),
        ),
        (
            "NUL bytes",
            b"{\"category\":\"phone\",\"message\":\"\0\0\"}".to_vec(),
        ),
        (
            "BOM then JSON",
            b"\xef\xbb\xbf{\"category\":\"phone\",\"message\":\"x\"}".to_vec(),
        ),
        ("deeply nested arrays", deep.into_bytes()),
        ("deeply nested objects", deep_object.into_bytes()),
        (
            "huge number",
            format!(
                "{{\"category\":\"phone\",\"message\":{}}}",
                "9".repeat(5000)
            )
            .into_bytes(),
        ),
        (
            "duplicate keys",
            br#"{"category":"phone","category":"hours","message":"x"}"#.to_vec(),
        ),
        (
            "unknown field",
            br#"{"category":"phone","message":"x","admin":true}"#.to_vec(),
        ),
        ("wrong types", br#"{"category":1,"message":[]}"#.to_vec()),
        (
            "trailing garbage",
            br#"{"category":"phone","message":"x"} trailing"#.to_vec(),
        ),
        (
            "just over the limit",
            vec![b'a'; tsunagu_web::MAX_BODY_BYTES + 1],
        ),
    ];
    let targets = [
        ("/api/v1/services/mhwc-05/reports", "application/json"),
        (
            "/services/mhwc-05/report",
            "application/x-www-form-urlencoded",
        ),
        ("/staff/login", "application/x-www-form-urlencoded"),
        ("/staff/login/totp", "application/x-www-form-urlencoded"),
        ("/api/v1/services/mhwc-05/reports", "text/plain"),
        ("/alcohol/audit", "application/x-www-form-urlencoded"),
        ("/alcohol/drinks", "application/x-www-form-urlencoded"),
        ("/alcohol/diary", "application/x-www-form-urlencoded"),
        ("/seido/jiritsu", "application/x-www-form-urlencoded"),
        ("/triage", "application/x-www-form-urlencoded"),
        ("/api/v1/triage", "application/json"),
    ];
    for (name, body) in &corpus {
        for (path, ctype) in targets {
            let req = Request::post(path)
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body.clone()))
                .expect("request");
            let (status, _, text) = send(&app, req).await;
            assert!(
                status.is_client_error() || status == StatusCode::SEE_OTHER,
                "{name} to {path} ({ctype}): {status}"
            );
            assert!(
                status == StatusCode::SEE_OTHER || !text.is_empty(),
                "{name} to {path}: empty answer"
            );
        }
    }
}
