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
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use tsunagu_domain::directory::exchange::hsds;
use tsunagu_domain::{Organization, OrganizationId, Service, ServiceId};
use tsunagu_store::{Page, ServiceFilter, Stamped};

/// HSDS routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hsds/", get(root))
        .route(hsds::PROFILE_PATH, get(profile))
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

/// `GET /hsds/`: the HSDS version, and absolute URLs of the profile and of the OpenAPI
/// document, under the configured public URL or else the request's host.
async fn root(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Json<Value> {
    let base = match &state.config.public_url {
        Some(url) => url.as_str().to_owned(),
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    !h.is_empty()
                        && h.chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
                })
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    Json(json!({
        "version": "3.0",
        "profile": hsds::profile_url(&base),
        "openapi_url": format!("{base}/api/v1/openapi.json"),
    }))
}

/// `GET /hsds/profile`: what tsunagu's profile adds to and decides about HSDS 3.0.
async fn profile() -> Json<Value> {
    Json(hsds::profile_json())
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
    /// Only services with any term of this taxonomy (its HSDS id, or its code).
    taxonomy_id: Option<String>,
    /// Only services changed at or after this time (see [`modified_since`]).
    modified_after: Option<String>,
    /// Items with only `id` and `last_modified`.
    minimal: Option<bool>,
    /// Items as fully nested as `/services/{id}` (with their organization).
    full: Option<bool>,
    /// `json` (pages, the default) or `ndjson` (every result, one per line, unpaged).
    format: Option<String>,
}

/// How much of each service a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `id` and `last_modified` (HSDS `minimal`).
    Minimal,
    /// The `service_list` item.
    Item,
    /// The whole service with its organization (HSDS `full`).
    Full,
}

impl Shape {
    /// Decision: with both `minimal` and `full` true, `minimal` wins: the client that asks
    /// for the least gets the least, and both are valid values by the HSDS OpenAPI.
    fn of(p: &ServiceParams) -> Shape {
        match (p.minimal.unwrap_or(false), p.full.unwrap_or(false)) {
            (true, _) => Shape::Minimal,
            (false, true) => Shape::Full,
            (false, false) => Shape::Item,
        }
    }
}

/// The time `modified_after` names: an RFC 3339 date-time (`2026-12-01T09:00:00+09:00`), or a
/// date (`2026-12-01`), read as the start of that day in Japan time.
///
/// Decision: HSDS types the parameter `datetime` without saying more; a bare date is what
/// people type, and the directory's days are Japanese days.
fn modified_since(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let raw = raw.trim();
    // An offset typed unencoded in a URL (`+09:00`) arrives as a space.
    let plus = raw.replace(' ', "+");
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw)
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&plus))
    {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.checked_sub_signed(chrono::Duration::hours(9)))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "modified_after must be an RFC 3339 date-time such as 2026-12-01T09:00:00+09:00, \
                 or a date such as 2026-12-01 (got {raw:?})"
            ))
        })
}

/// The taxonomy `taxonomy_id` names: by HSDS id or by code.
fn taxonomy_code(raw: &str) -> Result<String, AppError> {
    let wanted = raw.trim().to_ascii_lowercase();
    hsds::TAXONOMIES
        .iter()
        .map(|t| t.0)
        .find(|code| *code == wanted || hsds::hsds_id("taxonomy", code) == wanted)
        .map(str::to_owned)
        .ok_or_else(|| AppError::NotFound("taxonomy".into()))
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

/// `GET /hsds/services`: a page of services (HSDS `service_list` items, or minimal or full
/// ones) in source order, optionally of one organization, of one taxonomy, changed since a
/// time; or (with `search` and/or `taxonomy_term_id`) the search page's ranked results under
/// the same conditions. With `format=ndjson`, every result, one per line, unpaged.
async fn services(
    State(state): State<AppState>,
    query: Result<Query<ServiceParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query_of(query)?;
    let shape = Shape::of(&p);
    let ndjson = match p.format.as_deref().map(str::trim) {
        None | Some("json") => false,
        Some("ndjson") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "format must be json or ndjson (got {other:?})"
            ))
            .into())
        }
    };
    let select = Selection::of(&state, &p)?;
    if ndjson {
        return Ok(ndjson_of(state, select, shape));
    }
    let page = page_of(p.page, p.per_page)?;
    let (services, total) = select.page(&state, page).await?;
    let contents = render(&state, services, shape).await?;
    Ok(page_json(page, total, contents).into_response())
}

/// Which services a `/hsds/services` request lists, and in which order.
#[derive(Debug, Clone)]
struct Selection {
    filter: ServiceFilter,
    /// The search to rank by, when the request searches.
    search: Option<tsunagu_search::SearchRequest>,
}

impl Selection {
    fn of(state: &AppState, p: &ServiceParams) -> Result<Selection, AppError> {
        let filter = ServiceFilter {
            organization: p
                .organization_id
                .clone()
                .map(|raw| organization_id(state, raw))
                .transpose()?,
            modified_since: p
                .modified_after
                .as_deref()
                .map(modified_since)
                .transpose()?,
            taxonomy: p.taxonomy_id.as_deref().map(taxonomy_code).transpose()?,
        };
        let search = if p.search.is_some() || p.taxonomy_term_id.is_some() {
            let text = p.search.clone().unwrap_or_default();
            if text.chars().count() > tsunagu_search::MAX_QUERY_CHARS {
                return Err(AppError::BadRequest(format!(
                    "search is at most {} characters",
                    tsunagu_search::MAX_QUERY_CHARS
                )));
            }
            let mut req = tsunagu_search::SearchRequest {
                text,
                ..Default::default()
            };
            if let Some(term) = &p.taxonomy_term_id {
                term_filter(term, &mut req)?;
            }
            Some(req)
        } else {
            None
        };
        Ok(Selection { filter, search })
    }

    /// One page of the selection, and its total.
    async fn page(
        &self,
        state: &AppState,
        page: Page,
    ) -> Result<(Vec<Stamped<Service>>, u64), AppError> {
        let Some(req) = &self.search else {
            return Ok(state.store.services_where(&self.filter, page).await?);
        };
        let only = if self.filter.is_empty() {
            None
        } else {
            Some(
                state
                    .store
                    .service_ids_where(&self.filter)
                    .await?
                    .into_iter()
                    .collect::<HashSet<_>>(),
            )
        };
        let (ids, total) = ranked_ids(state, req.clone(), only.as_ref(), page)?;
        let mut services = Vec::with_capacity(ids.len());
        for id in ids {
            services.push(Stamped {
                modified: state.store.service_modified(&id).await?,
                record: state.store.service(&id).await?.0,
            });
        }
        Ok((services, total))
    }
}

/// The HSDS JSON of services in `shape`, each with its `last_modified`.
async fn render(
    state: &AppState,
    services: Vec<Stamped<Service>>,
    shape: Shape,
) -> Result<Vec<Value>, AppError> {
    let mut orgs: HashMap<OrganizationId, Organization> = HashMap::new();
    let mut out = Vec::with_capacity(services.len());
    for s in services {
        let doc = match shape {
            Shape::Minimal => json!({"id": hsds::hsds_id("service", s.record.id.as_ref())}),
            Shape::Item => hsds::service_json(&s.record, None),
            Shape::Full => {
                let key = &s.record.organization_id;
                if !orgs.contains_key(key) {
                    orgs.insert(key.clone(), state.store.organization(key).await?);
                }
                hsds::service_json(&s.record, orgs.get(key))
            }
        };
        out.push(stamped(doc, s.modified));
    }
    Ok(out)
}

/// `doc` with HSDS `last_modified` (milliseconds, as HSDS asks).
fn stamped(mut doc: Value, modified: chrono::DateTime<chrono::Utc>) -> Value {
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "last_modified".into(),
            Value::String(modified.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        );
    }
    doc
}

/// Every service of `select`, one JSON document per line, read a page at a time while the
/// answer streams.
fn ndjson_of(state: AppState, select: Selection, shape: Shape) -> Response {
    let pages = futures_util::stream::try_unfold(Some(1u32), move |next| {
        let (state, select) = (state.clone(), select.clone());
        async move {
            let Some(n) = next else {
                return Ok::<_, AppError>(None);
            };
            let page = Page::new(n, Page::MAX_PER_PAGE)?;
            let (services, total) = select.page(&state, page).await?;
            let seen = u64::from(n) * u64::from(Page::MAX_PER_PAGE);
            let more = !services.is_empty() && seen < total && n < MAX_PAGE;
            let mut lines = String::new();
            for doc in render(&state, services, shape).await? {
                lines.push_str(&doc.to_string());
                lines.push('\n');
            }
            Ok(Some((lines, more.then_some(n + 1))))
        }
    });
    let body = axum::body::Body::from_stream(futures_util::StreamExt::map(pages, |r| {
        r.map_err(|e| {
            tracing::error!(error = %e, "the ndjson listing stopped");
            std::io::Error::other(e.to_string())
        })
    }));
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-ndjson")],
        body,
    )
        .into_response()
}

/// One page of the search's ranked results, and their total; with `only`, restricted to
/// those services (the ranked results are walked in steps of 100 to count and page them).
fn ranked_ids(
    state: &AppState,
    mut req: tsunagu_search::SearchRequest,
    only: Option<&HashSet<ServiceId>>,
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
    let modified = state.store.service_modified(&id).await?;
    Ok(Json(stamped(hsds::service_json(&s, Some(&org)), modified)))
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
