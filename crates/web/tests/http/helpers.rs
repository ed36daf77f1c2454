//! Fixtures shared by every HTTP test module: a migrated SQLite store with the bundled
//! directory, the app over it with a fixed clock, and request helpers.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tower::ServiceExt;
use tsunagu_search::TinySegmenter;
use tsunagu_store::prelude::*;
use tsunagu_store::SqliteStore;
use tsunagu_web::{app, AppState, WebConfig};

pub(crate) static N: AtomicU32 = AtomicU32::new(0);

/// Friday 2026-11-20 11:00 JST.
pub(crate) fn fixed_clock() -> tsunagu_web::Clock {
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
    test_store_and_path().await.0
}

/// [`test_store`] and the path of its database, for a second handle (a second server).
pub(crate) async fn test_store_and_path() -> (SqliteStore, std::path::PathBuf) {
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
        .replace_directory(
            &tsunagu_domain::directory::dataset::bundled().expect("dataset"),
            chrono::Utc::now(),
        )
        .await
        .expect("load");
    (store, path)
}

/// The app over `store`.
pub(crate) async fn app_of(store: SqliteStore) -> Router {
    let config = WebConfig {
        maintainer_token: Some("s3cret".into()),
        ..WebConfig::default()
    };
    app_with(store, config).await
}

/// The app over `store` with `config` and the fixed clock.
pub(crate) async fn app_with(store: SqliteStore, config: WebConfig) -> Router {
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

pub(crate) async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// A double-submit CSRF pair for forms used without a session.
pub(crate) const CSRF_COOKIE: &str =
    "tsunagu_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub(crate) const CSRF_FIELD: &str =
    "csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

pub(crate) fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}
