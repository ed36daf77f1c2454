//! Server-rendered pages (Japanese, no JavaScript): search, service detail, the problem-report
//! form, and the maintainers' report list.

use crate::directory::views::{Facets, HitView, ServiceView};
use crate::kit::error::{AppError, PageResult};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tsunagu_domain::ServiceId;
use tsunagu_search::{RawFilters, SearchRequest};

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(search_page))
        .route("/services/{id}", get(service_page))
}

const PAGE_SIZE: usize = 20;

/// Raw search parameters, shared by the page and `/api/v1/search`. Every field is text so
/// that a bad value becomes a clear 400, not an extractor rejection.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Free text.
    pub q: Option<String>,
    /// Prefecture (name or JIS code).
    pub prefecture: Option<String>,
    /// Region (地方).
    pub region: Option<String>,
    /// Concern code.
    pub concern: Option<String>,
    /// Audience code.
    pub audience: Option<String>,
    /// Service kind code.
    pub service_kind: Option<String>,
    /// Resource kind code.
    pub kind: Option<String>,
    /// Only services open now (`1`/`true`).
    pub open_now: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Page size.
    pub per_page: Option<String>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_number(
    v: &Option<String>,
    what: &str,
    default: usize,
    max: usize,
) -> Result<usize, AppError> {
    match nonempty(v) {
        None => Ok(default),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| AppError::BadRequest(format!("{what}は1から{max}までの数です"))),
    }
}

/// A parsed search: the request and the page.
pub struct ParsedSearch {
    /// The search to run.
    pub request: SearchRequest,
    /// Page number, from 1.
    pub page: usize,
    /// Page size.
    pub per_page: usize,
}

impl SearchParams {
    /// The name of the first parameter other than `q` that was given empty, if any.
    pub fn first_empty_filter(&self) -> Option<&'static str> {
        [
            ("prefecture", &self.prefecture),
            ("region", &self.region),
            ("concern", &self.concern),
            ("audience", &self.audience),
            ("service_kind", &self.service_kind),
            ("kind", &self.kind),
            ("open_now", &self.open_now),
            ("page", &self.page),
            ("per_page", &self.per_page),
        ]
        .into_iter()
        .find(|(_, v)| v.as_deref().is_some_and(|s| s.trim().is_empty()))
        .map(|(name, _)| name)
    }

    /// Whether anything was asked.
    pub fn is_empty(&self) -> bool {
        [
            &self.q,
            &self.prefecture,
            &self.concern,
            &self.audience,
            &self.service_kind,
            &self.kind,
            &self.open_now,
        ]
        .iter()
        .all(|v| nonempty(v).is_none())
    }

    /// Validates the parameters into a search request.
    pub fn parse(
        &self,
        state: &AppState,
        default_per_page: usize,
    ) -> Result<ParsedSearch, AppError> {
        let open_now = match nonempty(&self.open_now) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "open_now「{other}」は true か false です"
                )))
            }
        };
        let page = parse_number(&self.page, "ページ", 1, 10_000)?;
        let per_page = parse_number(&self.per_page, "件数", default_per_page, 100)?;
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > tsunagu_search::MAX_QUERY_CHARS {
            return Err(AppError::BadRequest(format!(
                "検索語は{}文字までです",
                tsunagu_search::MAX_QUERY_CHARS
            )));
        }
        let mut request = SearchRequest {
            text: q,
            open_now,
            now: Some(state.now_jst()),
            limit: per_page,
            offset: (page - 1) * per_page,
            ..Default::default()
        };
        let raw = RawFilters {
            prefecture: self.prefecture.as_deref(),
            region: self.region.as_deref(),
            concern: self.concern.as_deref(),
            audience: self.audience.as_deref(),
            service_kind: self.service_kind.as_deref(),
            kind: self.kind.as_deref(),
        };
        raw.apply(&mut request).map_err(|e| {
            AppError::BadRequest(format!(
                "{}「{}」は使えない値です",
                e.field.label_ja(),
                e.value
            ))
        })?;
        Ok(ParsedSearch {
            request,
            page,
            per_page,
        })
    }
}

#[derive(Template)]
#[template(path = "directory/search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    facets: Facets,
    open_now: bool,
    searched: bool,
    total: usize,
    hits: Vec<HitView>,
    prev_url: Option<String>,
    next_url: Option<String>,
    page: usize,
    directory_size: usize,
}

fn page_url(params: &ParsedSearch, page: usize) -> String {
    let r = &params.request;
    let mut pairs: Vec<(&str, String)> = vec![("q", r.text.clone())];
    if let Some(p) = r.prefecture {
        pairs.push(("prefecture", p.code()));
    }
    if let Some(c) = r.concern {
        pairs.push(("concern", c.code().into()));
    }
    if let Some(a) = r.audience {
        pairs.push(("audience", a.code().into()));
    }
    if let Some(k) = r.service_kind {
        pairs.push(("service_kind", k.code().into()));
    }
    if let Some(k) = r.kind {
        pairs.push(("kind", k.code().into()));
    }
    if r.open_now {
        pairs.push(("open_now", "true".into()));
    }
    pairs.push(("page", page.to_string()));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("/?{}", query.join("&"))
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn search_page(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> PageResult {
    let Query(params) = query.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let parsed = params.parse(&state, PAGE_SIZE)?;
    let catalog = state.catalog();
    let searched = !params.is_empty();
    let (total, hits) = if searched {
        let r = catalog
            .index
            .search(&parsed.request)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let today = state.now_jst().date();
        (
            r.total,
            r.results.iter().map(|h| HitView::of(h, today)).collect(),
        )
    } else {
        (0, Vec::new())
    };
    let r = &parsed.request;
    let page = SearchPage {
        layout: Layout::of(&state),
        q: r.text.clone(),
        facets: Facets::new(r.prefecture, r.concern, r.audience, r.service_kind, r.kind),
        open_now: r.open_now,
        searched,
        total,
        hits,
        prev_url: (parsed.page > 1).then(|| page_url(&parsed, parsed.page - 1)),
        next_url: (parsed.page * parsed.per_page < total)
            .then(|| page_url(&parsed, parsed.page + 1)),
        page: parsed.page,
        directory_size: catalog.index.len(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "directory/service.html")]
struct ServicePage {
    layout: Layout,
    s: ServiceView,
    reported: bool,
}

#[derive(Debug, Deserialize)]
struct DetailParams {
    reported: Option<String>,
}

pub(crate) fn service_id(path: Result<Path<String>, PathRejection>) -> Result<ServiceId, AppError> {
    let Path(raw) = path.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    ServiceId::parse(raw).map_err(|_| AppError::NotFound("service".into()))
}

async fn service_page(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<DetailParams>, QueryRejection>,
) -> PageResult {
    let id = service_id(path)?;
    let reported = query.ok().and_then(|Query(p)| p.reported).is_some();
    let (service, org) = state.store.service(&id).await?;
    let page = ServicePage {
        layout: Layout::of(&state),
        s: ServiceView::of(&service, &org, state.now_jst()),
        reported,
    };
    Ok(render(&page)?.into_response())
}
