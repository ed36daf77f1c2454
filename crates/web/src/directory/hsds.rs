//! The HSDS 3.0 API under `/hsds` (Open Referral's required `/`, `/services`, `/services/{id}`
//! and the optional `/organizations`, `/service_at_locations`, `/taxonomies` and
//! `/taxonomy_terms`, each with `/{id}`).
//! Documents come from [`tsunagu_domain::directory::exchange::hsds`], so every one validates
//! against the official schemas (tested). A record is found by its HSDS id (a UUID) or by its
//! readable id. Lists are pages in HSDS's shape (`total_items`, `page_number`, `contents` …).

use crate::kit::error::{ApiError, AppError};
use crate::kit::state::AppState;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tsunagu_domain::directory::exchange::hsds;
use tsunagu_domain::{OrganizationId, ServiceId};
use tsunagu_store::Page;

/// HSDS routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hsds/", get(root))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
        .route("/hsds/taxonomies", get(taxonomies))
        .route("/hsds/taxonomies/{id}", get(taxonomy))
        .route("/hsds/taxonomy_terms", get(taxonomy_terms))
        .route("/hsds/taxonomy_terms/{id}", get(taxonomy_term))
}

type ApiResult = Result<Json<Value>, ApiError>;

/// The highest page number the paginated endpoints answer (as `/api/v1/search`).
const MAX_PAGE: u32 = 10_000;

async fn root() -> Json<Value> {
    Json(json!({"version": "3.0", "profile": hsds::PROFILE, "openapi_url": "/api/v1/openapi.json"}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    page: Option<u32>,
    per_page: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceParams {
    page: Option<u32>,
    per_page: Option<u32>,
    /// Only the services of this organization (its HSDS id or readable id).
    organization_id: Option<String>,
}

fn page_of(page: Option<u32>, per_page: Option<u32>) -> Result<Page, AppError> {
    let number = page.unwrap_or(1);
    if number > MAX_PAGE {
        return Err(AppError::BadRequest(format!("page must be 1-{MAX_PAGE}")));
    }
    Ok(Page::new(number, per_page.unwrap_or(50))?)
}

fn query_of<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(t)| t)
        .map_err(|e| AppError::rejected(e.status(), e.body_text()))
}

fn path_of(p: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    p.map(|Path(s)| s)
        .map_err(|e| AppError::rejected(e.status(), e.body_text()))
}

/// One page in HSDS's shape.
fn page_json(page: Page, total: u64, contents: Vec<Value>) -> Json<Value> {
    let per = u64::from(page.per_page());
    let total_pages = total.div_ceil(per).max(1);
    Json(json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page.page(),
        "size": contents.len(),
        "first_page": page.page() == 1,
        "last_page": u64::from(page.page()) >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    }))
}

/// A page of a list held in memory (taxonomies, terms, service-location links): `total`
/// items, of which `items(skip, take)` builds the page asked for.
fn list_page(
    total: usize,
    items: impl FnOnce(usize, usize) -> Vec<Value>,
    p: PageParams,
) -> ApiResult {
    let page = page_of(p.page, p.per_page)?;
    let take = usize::try_from(page.per_page()).unwrap_or(0);
    let skip = usize::try_from(page.page() - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(take);
    let total = u64::try_from(total).unwrap_or(u64::MAX);
    Ok(page_json(page, total, items(skip, take)))
}

/// [`list_page`] over a list built whole.
fn fixed_page(all: Vec<Value>, p: PageParams) -> ApiResult {
    let total = all.len();
    list_page(
        total,
        |skip, take| all.into_iter().skip(skip).take(take).collect(),
        p,
    )
}

fn service_id(state: &AppState, raw: String) -> Result<ServiceId, AppError> {
    let known = state
        .catalog()
        .hsds_services
        .get(&raw.to_ascii_lowercase())
        .cloned();
    match known {
        Some(id) => Ok(id),
        None => ServiceId::parse(raw).map_err(|_| AppError::NotFound("service".into())),
    }
}

fn organization_id(state: &AppState, raw: String) -> Result<OrganizationId, AppError> {
    let known = state
        .catalog()
        .hsds_organizations
        .get(&raw.to_ascii_lowercase())
        .cloned();
    match known {
        Some(id) => Ok(id),
        None => OrganizationId::parse(raw).map_err(|_| AppError::NotFound("organization".into())),
    }
}

/// `GET /hsds/services`: a page of services (HSDS `service_list` items), optionally of one
/// organization.
async fn services(
    State(state): State<AppState>,
    query: Result<Query<ServiceParams>, QueryRejection>,
) -> ApiResult {
    let p = query_of(query)?;
    let page = page_of(p.page, p.per_page)?;
    let (services, total) = match p.organization_id {
        Some(raw) => {
            let org = organization_id(&state, raw)?;
            state.store.services_of_organization(&org, page).await?
        }
        None => state.store.services_page(page).await?,
    };
    let contents = services
        .iter()
        .map(|s| hsds::service_json(s, None))
        .collect();
    Ok(page_json(page, total, contents))
}

/// `GET /hsds/services/{id}`: one service with its organization.
async fn service(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let id = service_id(&state, path_of(path)?)?;
    let (s, org) = state.store.service(&id).await?;
    Ok(Json(hsds::service_json(&s, Some(&org))))
}

/// `GET /hsds/organizations`: a page of organizations (HSDS `organization_list` items).
async fn organizations(
    State(state): State<AppState>,
    query: Result<Query<PageParams>, QueryRejection>,
) -> ApiResult {
    let p = query_of(query)?;
    let page = page_of(p.page, p.per_page)?;
    let (orgs, total) = state.store.organizations_page(page).await?;
    let contents = orgs.iter().map(hsds::organization_json).collect();
    Ok(page_json(page, total, contents))
}

/// `GET /hsds/organizations/{id}`: one organization with its locations and services.
async fn organization(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let id = organization_id(&state, path_of(path)?)?;
    let org = state.store.organization(&id).await?;
    let mut services = Vec::new();
    for n in 1..=MAX_PAGE {
        let page = Page::new(n, Page::MAX_PER_PAGE)?;
        let (some, total) = state.store.services_of_organization(&id, page).await?;
        services.extend(some.iter().map(|s| hsds::service_json(s, None)));
        if u64::try_from(services.len()).unwrap_or(u64::MAX) >= total || some.is_empty() {
            break;
        }
    }
    let mut doc = hsds::organization_json(&org);
    if let Some(obj) = doc.as_object_mut() {
        let locations: Vec<Value> = org
            .locations
            .iter()
            .map(|l| hsds::location_json(&org, l))
            .collect();
        if !locations.is_empty() {
            obj.insert("locations".into(), Value::Array(locations));
        }
        if !services.is_empty() {
            obj.insert("services".into(), Value::Array(services));
        }
    }
    Ok(Json(doc))
}

/// `GET /hsds/service_at_locations`: every link of a service to a location, in source order.
async fn service_at_locations(
    State(state): State<AppState>,
    query: Result<Query<PageParams>, QueryRejection>,
) -> ApiResult {
    let catalog = state.catalog();
    let links = &catalog.service_locations;
    list_page(
        links.len(),
        |skip, take| {
            links
                .iter()
                .skip(skip)
                .take(take)
                .map(|(s, l)| hsds::service_at_location_json(s, l))
                .collect()
        },
        query_of(query)?,
    )
}

/// `GET /hsds/service_at_locations/{id}`: by HSDS id, or by `service@location`.
async fn service_at_location(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let raw = path_of(path)?;
    let all = state
        .catalog()
        .service_locations
        .iter()
        .map(|(s, l)| hsds::service_at_location_json(s, l))
        .collect();
    find(all, &raw, "service_at_location")
}

/// The item of `all` whose id is `raw`, or the HSDS id of `kind` with the readable key `raw`.
fn find(all: Vec<Value>, raw: &str, kind: &str) -> ApiResult {
    let by_key = hsds::hsds_id(kind, raw);
    let raw = raw.to_ascii_lowercase();
    all.into_iter()
        .find(|t| t["id"] == raw.as_str() || t["id"] == by_key.as_str())
        .map(Json)
        .ok_or_else(|| AppError::NotFound(kind.replace('_', " ")).into())
}

/// `GET /hsds/taxonomies`.
async fn taxonomies(query: Result<Query<PageParams>, QueryRejection>) -> ApiResult {
    fixed_page(hsds::taxonomies_json(), query_of(query)?)
}

/// `GET /hsds/taxonomies/{id}`: by HSDS id, or by code (`tsunagu-concern`).
async fn taxonomy(path: Result<Path<String>, PathRejection>) -> ApiResult {
    let raw = path_of(path)?;
    find(hsds::taxonomies_json(), &raw, "taxonomy")
}

/// `GET /hsds/taxonomy_terms`.
async fn taxonomy_terms(query: Result<Query<PageParams>, QueryRejection>) -> ApiResult {
    fixed_page(hsds::taxonomy_terms_json(), query_of(query)?)
}

/// `GET /hsds/taxonomy_terms/{id}`: by HSDS id, or by `taxonomy:code`
/// (`tsunagu-concern:alcohol`).
async fn taxonomy_term(path: Result<Path<String>, PathRejection>) -> ApiResult {
    let raw = path_of(path)?;
    find(hsds::taxonomy_terms_json(), &raw, "taxonomy_term")
}
