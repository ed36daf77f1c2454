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
    /// Free text, searched as on the search page (ranked).
    search: Option<String>,
    /// Only services with this taxonomy term (its HSDS id, or `taxonomy:code`).
    taxonomy_term_id: Option<String>,
}

/// A taxonomy term as a search filter.
fn term_filter(raw: &str, req: &mut tsunagu_search::SearchRequest) -> Result<(), AppError> {
    let wanted = raw.to_ascii_lowercase();
    let term = hsds::taxonomy_terms_json().into_iter().find(|t| {
        t["id"] == wanted.as_str()
            || format!(
                "{}:{}",
                t["taxonomy"].as_str().unwrap_or(""),
                t["code"].as_str().unwrap_or("")
            ) == raw
    });
    let Some(term) = term else {
        return Err(AppError::NotFound("taxonomy term".into()));
    };
    let code = term["code"].as_str().unwrap_or("");
    let unknown = || AppError::NotFound("taxonomy term".into());
    match term["taxonomy"].as_str() {
        Some("tsunagu-concern") => req.concern = Some(code.parse().map_err(|_| unknown())?),
        Some("tsunagu-audience") => req.audience = Some(code.parse().map_err(|_| unknown())?),
        Some("tsunagu-service-kind") => {
            req.service_kind = Some(code.parse().map_err(|_| unknown())?)
        }
        _ => return Err(unknown()),
    }
    Ok(())
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

/// `GET /hsds/services`: a page of services (HSDS `service_list` items) in source order, or of
/// one organization, or (with `search` and/or `taxonomy_term_id`) the search page's ranked
/// results.
async fn services(
    State(state): State<AppState>,
    query: Result<Query<ServiceParams>, QueryRejection>,
) -> ApiResult {
    let p = query_of(query)?;
    let page = page_of(p.page, p.per_page)?;
    let searching = p.search.is_some() || p.taxonomy_term_id.is_some();
    let org = p
        .organization_id
        .map(|raw| organization_id(&state, raw))
        .transpose()?;
    let (services, total) = match (org, searching) {
        (Some(org), false) => state.store.services_of_organization(&org, page).await?,
        (None, false) => state.store.services_page(page).await?,
        (org, true) => {
            let text = p.search.unwrap_or_default();
            if text.chars().count() > tsunagu_search::MAX_QUERY_CHARS {
                return Err(AppError::BadRequest(format!(
                    "search is at most {} characters",
                    tsunagu_search::MAX_QUERY_CHARS
                ))
                .into());
            }
            let mut req = tsunagu_search::SearchRequest {
                text,
                ..Default::default()
            };
            if let Some(term) = &p.taxonomy_term_id {
                term_filter(term, &mut req)?;
            }
            let only = match &org {
                Some(org) => Some(organization_services(&state, org).await?),
                None => None,
            };
            let (ids, total) = ranked_ids(&state, req, only.as_ref(), page)?;
            let mut services = Vec::with_capacity(ids.len());
            for id in ids {
                services.push(state.store.service(&id).await?.0);
            }
            (services, total)
        }
    };
    let contents = services
        .iter()
        .map(|s| hsds::service_json(s, None))
        .collect();
    Ok(page_json(page, total, contents))
}

/// The ids of every service of an organization.
async fn organization_services(
    state: &AppState,
    org: &OrganizationId,
) -> Result<std::collections::HashSet<ServiceId>, AppError> {
    let mut ids = std::collections::HashSet::new();
    for n in 1..=MAX_PAGE {
        let (some, total) = state
            .store
            .services_of_organization(org, Page::new(n, Page::MAX_PER_PAGE)?)
            .await?;
        let got = some.len();
        ids.extend(some.into_iter().map(|s| s.id));
        if got == 0 || u64::try_from(ids.len()).unwrap_or(u64::MAX) >= total {
            break;
        }
    }
    Ok(ids)
}

/// One page of the search's ranked results, and their total; with `only`, restricted to
/// those services (the ranked results are walked in steps of 100 to count and page them).
fn ranked_ids(
    state: &AppState,
    mut req: tsunagu_search::SearchRequest,
    only: Option<&std::collections::HashSet<ServiceId>>,
    page: Page,
) -> Result<(Vec<ServiceId>, u64), AppError> {
    let per = usize::try_from(page.per_page()).unwrap_or(50);
    let skip = usize::try_from(page.page() - 1)
        .unwrap_or(0)
        .saturating_mul(per);
    let catalog = state.catalog();
    let search = |req: &tsunagu_search::SearchRequest| {
        catalog
            .index
            .search(req)
            .map_err(|e| AppError::Internal(e.to_string()))
    };
    let parse = |id: String| ServiceId::parse(id).map_err(|e| AppError::Internal(e.to_string()));
    let Some(only) = only else {
        req.limit = per;
        req.offset = skip;
        let found = search(&req)?;
        let ids = found
            .results
            .into_iter()
            .map(|h| parse(h.id))
            .collect::<Result<_, _>>()?;
        return Ok((ids, u64::try_from(found.total).unwrap_or(u64::MAX)));
    };
    req.limit = 100;
    let (mut matched, mut ids) = (0usize, Vec::new());
    loop {
        let found = search(&req)?;
        let n = found.results.len();
        for hit in found.results {
            let id = parse(hit.id)?;
            if only.contains(&id) {
                if matched >= skip && ids.len() < per {
                    ids.push(id);
                }
                matched += 1;
            }
        }
        req.offset += 100;
        if n == 0 || req.offset >= found.total {
            break;
        }
    }
    Ok((ids, u64::try_from(matched).unwrap_or(u64::MAX)))
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
