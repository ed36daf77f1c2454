//! JSON API under `/api/v1` (the HSDS API under `/hsds` is [`crate::directory::hsds`]). The
//! OpenAPI document, which describes both, is
//! served at `/api/v1/openapi.json`; a test checks that every documented path is routed.

use crate::directory::pages::SearchParams;
use crate::kit::error::{ApiError, AppError};
use crate::kit::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tsunagu_domain::directory::report::{NewReport, ReportCategory};
use tsunagu_domain::{Audience, Concern, Prefecture, ResourceKind, ServiceId, ServiceKind};

/// API routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/services/{id}", get(service))
        .route("/api/v1/services/{id}/reports", post(report))
        .route("/api/v1/facets", get(facets))
        .route("/api/v1/openapi.json", get(openapi))
}

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

/// `GET /api/v1/search`: the same search as the page, as `{"total", "results", "page", "per_page"}`.
async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> ApiResult {
    let Query(params) = query.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    // The API is strict where the HTML form is lenient: a parameter given must have a value
    // (the OpenAPI document says so), except the free text.
    if let Some(name) = params.first_empty_filter() {
        return Err(AppError::BadRequest(format!("「{name}」に値がありません")).into());
    }
    let parsed = params.parse(&state, 20)?;
    let r = state
        .catalog()
        .index
        .search(&parsed.request)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(
        json!({"total": r.total, "page": parsed.page, "per_page": parsed.per_page, "results": r.results}),
    ))
}

fn parse_id(path: Result<Path<String>, PathRejection>) -> Result<ServiceId, AppError> {
    let Path(raw) = path.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    ServiceId::parse(raw).map_err(|_| AppError::NotFound("service".into()))
}

/// `GET /api/v1/services/{id}`: the service, its organization, open-now and staleness.
async fn service(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let id = parse_id(path)?;
    let (s, org) = state.store.service(&id).await?;
    let now = state.now_jst();
    Ok(Json(json!({
        "service": s,
        "organization": org,
        "open_now": s.hours.open_state(now),
        "stale": s.provenance.is_stale(now.date()),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    category: String,
    message: String,
}

/// `POST /api/v1/services/{id}/reports`: files a problem report; 201 with the report.
async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    body: Result<Json<ReportBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    crate::kit::csrf::same_origin(&headers)?;
    let id = parse_id(path)?;
    let Json(body) = body.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let category: ReportCategory = body.category.parse()?;
    let report = NewReport::parse(id, category, &body.message)?;
    let stored = state.store.add_report(&report, (state.clock)()).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// `GET /api/v1/facets`: every code list with Japanese labels.
async fn facets() -> Json<Value> {
    fn list<T: Copy>(
        all: &[T],
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<Value> {
        all.iter()
            .map(|&v| json!({"code": code(v), "label": label(v)}))
            .collect()
    }
    Json(json!({
        "prefectures": Prefecture::all().map(|p| json!({"code": p.code(), "label": p.name()})).collect::<Vec<_>>(),
        "concerns": list(Concern::ALL, Concern::code, Concern::label_ja),
        "audiences": list(Audience::ALL, Audience::code, Audience::label_ja),
        "service_kinds": list(ServiceKind::ALL, ServiceKind::code, ServiceKind::label_ja),
        "kinds": list(ResourceKind::ALL, ResourceKind::code, ResourceKind::label_ja),
    }))
}

/// The OpenAPI document as written, kept next to the code it describes. Schemas marked
/// `"x-codes": "<list>"` get their `enum` from the domain's code lists when served
/// ([`openapi_document`]).
pub const OPENAPI: &str = include_str!("../../static/openapi.json");

/// The OpenAPI document as served: [`OPENAPI`] with every `x-codes` list filled in from the
/// domain, so that the codes it lists are exactly the ones the server accepts.
pub fn openapi_document() -> &'static Value {
    static DOC: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
        let mut doc: Value = serde_json::from_str(OPENAPI).unwrap_or(Value::Null);
        fill_codes(&mut doc);
        doc
    });
    &DOC
}

fn fill_codes(v: &mut Value) {
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<Value> {
        all.iter().map(|&c| Value::from(code(c))).collect()
    }
    match v {
        Value::Object(m) => {
            let list = match m.get("x-codes").and_then(Value::as_str) {
                Some("prefecture") => Some(
                    Prefecture::spellings()
                        .into_iter()
                        .map(Value::from)
                        .collect(),
                ),
                Some("concern") => Some(codes(Concern::ALL, Concern::code)),
                Some("audience") => Some(codes(Audience::ALL, Audience::code)),
                Some("service_kind") => Some(codes(ServiceKind::ALL, ServiceKind::code)),
                Some("resource_kind") => Some(codes(ResourceKind::ALL, ResourceKind::code)),
                _ => None,
            };
            if let Some(list) = list {
                m.insert("enum".into(), Value::Array(list));
            }
            m.values_mut().for_each(fill_codes);
        }
        Value::Array(a) => a.iter_mut().for_each(fill_codes),
        _ => {}
    }
}

async fn openapi() -> Json<&'static Value> {
    Json(openapi_document())
}
