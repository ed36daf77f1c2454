//! Server-rendered pages (Japanese, no JavaScript): search, service detail, the problem-report
//! form, and the maintainers' report list.

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde::Deserialize;
use tsunagu_domain::{ReportId, ServiceId};
use tsunagu_search::{RawFilters, SearchRequest};
use tsunagu_store::{NewReport, ReportCategory, ReportStatus};

use crate::staff::{anon_csrf, check_anon_csrf, with_cookie};
use crate::views::{Facets, HitView, Layout, ServiceView};
use crate::{AppError, AppState};

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(search_page))
        .route("/services/{id}", get(service_page))
        .route(
            "/services/{id}/report",
            get(report_form).post(report_submit),
        )
        .route("/maintainer/reports", get(maintainer_reports))
        .route("/maintainer/reports/{id}/close", post(maintainer_close))
        .route("/static/style.css", get(stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        // No icon: answer 204 so browsers do not log a 404 on every page.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
}

const PAGE_SIZE: usize = 20;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
}

pub(crate) fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// A file to download: its type, an attachment name (ASCII) and the bytes.
pub(crate) fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A value as pretty JSON to download.
pub(crate) fn json_download(
    content_type: &'static str,
    filename: &str,
    value: &impl serde::Serialize,
) -> Result<Response, AppError> {
    let body = serde_json::to_vec_pretty(value).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(content_type, filename, body))
}

/// CSV text to download, with the BOM Excel needs to read UTF-8.
pub(crate) fn csv_download(filename: &str, text: &str) -> Response {
    let body = [tsunagu_domain::directory::exchange::csv::BOM, text]
        .concat()
        .into_bytes();
    download("text/csv; charset=utf-8", filename, body)
}

/// Renders an error as a page with the site frame.
pub(crate) fn error_page(state: &AppState, err: AppError) -> Response {
    if matches!(err, AppError::LoginRequired) {
        return Redirect::to("/staff/login").into_response();
    }
    if let AppError::Internal(detail) = &err {
        tracing::error!(%detail, "internal error");
    }
    let page = ErrorPage {
        layout: Layout::of(state),
        title: format!("エラー（{}）", err.status().as_u16()),
        message: err.message_ja(),
    };
    let mut res = match page.render() {
        Ok(html) => (err.status(), Html(html)).into_response(),
        Err(_) => (err.status(), err.message_ja()).into_response(),
    };
    if matches!(err, AppError::Unauthorized) {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Basic realm=\"tsunagu maintainers\""),
        );
    }
    res
}

pub(crate) fn respond(state: &AppState, r: Result<Response, AppError>) -> Response {
    r.unwrap_or_else(|e| error_page(state, e))
}

async fn not_found(State(state): State<AppState>) -> Response {
    error_page(&state, AppError::NotFound("route".into()))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
}

/// Raw search parameters, shared by the page and `/api/v1/search`. Every field is text so
/// that a bad value becomes a clear 400, not an extractor rejection.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub q: Option<String>,
    pub prefecture: Option<String>,
    pub region: Option<String>,
    pub concern: Option<String>,
    pub audience: Option<String>,
    pub service_kind: Option<String>,
    pub kind: Option<String>,
    pub open_now: Option<String>,
    pub page: Option<String>,
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
    pub request: SearchRequest,
    pub page: usize,
    pub per_page: usize,
}

impl SearchParams {
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
#[template(path = "search.html")]
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
) -> Response {
    let result = async {
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
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    layout: Layout,
    s: ServiceView,
    reported: bool,
}

#[derive(Debug, Deserialize)]
struct DetailParams {
    reported: Option<String>,
}

fn service_id(path: Result<Path<String>, PathRejection>) -> Result<ServiceId, AppError> {
    let Path(raw) = path.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    ServiceId::parse(raw).map_err(|_| AppError::NotFound("service".into()))
}

async fn service_page(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<DetailParams>, QueryRejection>,
) -> Response {
    let result = async {
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
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    id: String,
    name: String,
    categories: Vec<(&'static str, &'static str, bool)>,
    message: String,
    error: String,
    csrf: String,
}

fn report_page(
    state: &AppState,
    id: &ServiceId,
    name: String,
    category: Option<ReportCategory>,
    message: String,
    error: String,
    csrf: String,
) -> ReportPage {
    ReportPage {
        csrf,
        layout: Layout::of(state),
        id: id.to_string(),
        name,
        categories: ReportCategory::ALL
            .iter()
            .map(|c| (c.code(), c.label_ja(), Some(*c) == category))
            .collect(),
        message,
        error,
    }
}

async fn report_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let result = async {
        let id = service_id(path)?;
        let (service, _) = state.store.service(&id).await?;
        let (csrf, cookie) = anon_csrf(&headers)?;
        let page = report_page(
            &state,
            &id,
            service.name,
            None,
            String::new(),
            String::new(),
            csrf,
        );
        Ok(with_cookie(render(&page)?.into_response(), cookie))
    }
    .await;
    respond(&state, result)
}

#[derive(Debug, Deserialize)]
struct ReportFormData {
    category: Option<String>,
    message: Option<String>,
    csrf: Option<String>,
}

/// Rejects form posts from other sites: when the browser sends `Origin`, its host must be ours.
/// This is the outer check; every form also carries a CSRF token ([`crate::staff`]).
pub(crate) fn same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    if !host.is_empty() && origin_host == host {
        Ok(())
    } else {
        Err(AppError::Forbidden("cross-origin form post".into()))
    }
}

async fn report_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ReportFormData>, FormRejection>,
) -> Response {
    let result = async {
        let id = service_id(path)?;
        let (service, _) = state.store.service(&id).await?;
        let Form(data) = form.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
        check_anon_csrf(&headers, data.csrf.as_deref())?;
        let csrf = data.csrf.clone().unwrap_or_default();
        let category = data
            .category
            .as_deref()
            .and_then(|c| c.parse::<ReportCategory>().ok());
        let message = data.message.unwrap_or_default();
        let problem = match category {
            None => Some("問題の種類を選んでください。".to_owned()),
            Some(c) => match NewReport::parse(id.clone(), c, &message) {
                Ok(report) => {
                    state.store.add_report(&report, (state.clock)()).await?;
                    None
                }
                Err(_) => Some(format!(
                    "内容を1文字以上{}文字以内で書いてください。",
                    NewReport::MAX_MESSAGE_CHARS
                )),
            },
        };
        match problem {
            None => Ok(Redirect::to(&format!("/services/{id}?reported=1")).into_response()),
            Some(error) => {
                let page = report_page(&state, &id, service.name, category, message, error, csrf);
                Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Checks HTTP Basic credentials `maintainer:<token>` against the configured token.
pub(crate) fn check_maintainer(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(token) = state.config.maintainer_token.as_deref() else {
        return Err(AppError::NotFound("maintainer pages are disabled".into()));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .ok_or(AppError::Unauthorized)?;
    let expected = format!("maintainer:{token}");
    // Compare without an early exit so timing does not reveal the token.
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(AppError::Unauthorized)
    }
}

#[derive(Template)]
#[template(path = "maintainer_reports.html")]
struct MaintainerPage {
    layout: Layout,
    reports: Vec<ReportRow>,
    csrf: String,
}

struct ReportRow {
    id: i64,
    service_id: String,
    category: &'static str,
    message: String,
    created_at: String,
    open: bool,
    resolution: String,
}

async fn maintainer_reports(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
        check_maintainer(&state, &headers)?;
        let reports = state.store.reports(None).await?;
        let (csrf, cookie) = anon_csrf(&headers)?;
        let page = MaintainerPage {
            csrf,
            layout: Layout::of(&state),
            reports: reports
                .into_iter()
                .map(|r| ReportRow {
                    id: r.id.0,
                    service_id: r.service_id,
                    category: r.category.label_ja(),
                    message: r.message,
                    created_at: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    open: r.status == ReportStatus::Open,
                    resolution: r.resolution.unwrap_or_default(),
                })
                .collect(),
        };
        Ok(with_cookie(render(&page)?.into_response(), cookie))
    }
    .await;
    respond(&state, result)
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    resolution: Option<String>,
    csrf: Option<String>,
}

async fn maintainer_close(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
    form: Result<Form<CloseForm>, FormRejection>,
) -> Response {
    let result = async {
        check_maintainer(&state, &headers)?;
        let Path(id) = path.map_err(|_| AppError::NotFound("report".into()))?;
        let Form(data) = form.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
        check_anon_csrf(&headers, data.csrf.as_deref())?;
        let resolution = data.resolution.unwrap_or_default();
        state
            .store
            .close_report(ReportId(id), &resolution, (state.clock)())
            .await?;
        Ok(Redirect::to("/maintainer/reports").into_response())
    }
    .await;
    respond(&state, result)
}
