//! The knowledge base on the web: `/docs` (ask a question, read the passages), `/docs/cite`
//! (a cited line range in its surrounding text, with whether the citation still resolves),
//! `/docs/rules` (every rule of the engines next to the passage it cites) and the JSON API
//! `GET /api/v1/docs/search` and `GET /api/v1/docs/citations`. The documents are guidelines,
//! not personal data: questions are GET requests and nothing is stored.

use crate::kit::error::{ApiError, AppError, PageResult};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tsunagu_domain::kb::citations::{check, CitationStatus, Engine};
use tsunagu_domain::kb::Citation;
use tsunagu_search::kb::{DocHit, DocIndex};
use tsunagu_store::DocumentInfo;

/// Lines shown around a cited range.
const CONTEXT_LINES: u32 = 12;

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/docs", get(search_page))
        .route("/docs/cite", get(cite_page))
        .route("/docs/rules", get(rules_page))
        .route("/api/v1/docs/search", get(api_search))
        .route("/api/v1/docs/citations", get(api_citations))
}

#[derive(Debug, Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

/// Text cut into plain and highlighted pieces.
struct Piece {
    text: String,
    mark: bool,
}

fn pieces(text: &str, highlights: &[[usize; 2]]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for h in highlights {
        let (s, e) = (h[0].min(chars.len()), h[1].min(chars.len()));
        if s < at || s >= e {
            continue;
        }
        if s > at {
            out.push(Piece {
                text: chars[at..s].iter().collect(),
                mark: false,
            });
        }
        out.push(Piece {
            text: chars[s..e].iter().collect(),
            mark: true,
        });
        at = e;
    }
    if at < chars.len() {
        out.push(Piece {
            text: chars[at..].iter().collect(),
            mark: false,
        });
    }
    out
}

struct HitView {
    doc: String,
    title: String,
    lines: String,
    cite: String,
    heading: String,
    kind: &'static str,
    pieces: Vec<Piece>,
    score: String,
}

fn hit_view(h: &DocHit, documents: &[DocumentInfo]) -> HitView {
    let cite = Citation {
        doc: h.doc.clone(),
        from: h.lines[0],
        to: h.lines[1],
    };
    HitView {
        title: documents
            .iter()
            .find(|d| d.name == h.doc)
            .map(|d| d.title.clone())
            .unwrap_or_default(),
        doc: h.doc.clone(),
        lines: format!("{}–{}行", h.lines[0], h.lines[1]),
        cite: cite.to_string(),
        heading: h.heading.clone(),
        kind: h.kind.label_ja(),
        pieces: pieces(&h.text, &h.highlights),
        score: format!("{:.1}", h.score),
    }
}

#[derive(Template)]
#[template(path = "kb/search.html")]
struct DocsPage {
    layout: Layout,
    q: String,
    error: String,
    searched: bool,
    hits: Vec<HitView>,
    documents: Vec<DocumentInfo>,
    problems: usize,
}

fn ask(state: &AppState, q: &str, limit: usize) -> Result<Vec<DocHit>, AppError> {
    let data = state.docs();
    data.index
        .search(q, limit)
        .map_err(|e| AppError::BadRequest(e.message_ja()))
}

async fn search_page(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> PageResult {
    let Query(params) = query.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let data = state.docs();
    let q = params.q.unwrap_or_default();
    let searched = !q.trim().is_empty();
    let (hits, error) = if searched {
        match ask(&state, &q, params.limit.unwrap_or(10)) {
            Ok(h) => (
                h.iter().map(|h| hit_view(h, &data.documents)).collect(),
                String::new(),
            ),
            Err(AppError::BadRequest(m)) => (Vec::new(), m),
            Err(e) => return Err(e.into()),
        }
    } else {
        (Vec::new(), String::new())
    };
    let page = DocsPage {
        layout: Layout::of(&state),
        q,
        error,
        searched,
        hits,
        documents: data.documents.clone(),
        problems: data.statuses.values().filter(|s| s.is_problem()).count(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
struct CiteParams {
    c: String,
}

struct LineView {
    number: u32,
    text: String,
    cited: bool,
}

struct CitingRule {
    engine: &'static str,
    label: String,
    basis: String,
}

#[derive(Template)]
#[template(path = "kb/cite.html")]
struct CitePage {
    layout: Layout,
    cite: String,
    doc: String,
    title: String,
    status: &'static str,
    problem: bool,
    ingested: bool,
    headings: Vec<String>,
    lines: Vec<LineView>,
    rules: Vec<CitingRule>,
}

async fn cite_page(
    State(state): State<AppState>,
    query: Result<Query<CiteParams>, QueryRejection>,
) -> PageResult {
    let Query(params) = query.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let c = Citation::parse(params.c.trim()).ok_or_else(|| {
        AppError::BadRequest(
            "引用は「ファイル名:行」または「ファイル名:開始行-終了行」の形で指定してください。"
                .into(),
        )
    })?;
    let text = state.store.document_text(&c.doc).await?;
    let status = check(&c, text.as_deref());
    let data = state.docs();
    let rules = state.rule_citations();
    let cited_by_rule = rules.iter().any(|r| r.citation == c);
    let lines = match &text {
        Some(t) => {
            let from = c.from.saturating_sub(CONTEXT_LINES).max(1);
            let to = c.to.saturating_add(CONTEXT_LINES);
            t.lines()
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l))
                .filter(|(n, _)| (from..=to).contains(n))
                .map(|(n, l)| LineView {
                    number: n,
                    text: l.to_owned(),
                    cited: (c.from..=c.to).contains(&n),
                })
                .collect()
        }
        None => Vec::new(),
    };
    let headings = data
        .index
        .passages_at(&c.doc, c.from, c.to)
        .into_iter()
        .map(|p| p.heading.join(" > "))
        .fold(Vec::new(), |mut acc: Vec<String>, h| {
            if !acc.contains(&h) {
                acc.push(h);
            }
            acc
        });
    let page = CitePage {
        layout: Layout::of(&state),
        cite: c.to_string(),
        title: data
            .documents
            .iter()
            .find(|d| d.name == c.doc)
            .map(|d| d.title.clone())
            .unwrap_or_default(),
        doc: c.doc.clone(),
        // A status is about a rule's citation; a search result's context link has none.
        status: if cited_by_rule || text.is_none() {
            status.label_ja()
        } else {
            ""
        },
        problem: status.is_problem() && cited_by_rule,
        ingested: text.is_some(),
        headings,
        lines,
        rules: rules
            .iter()
            .filter(|r| r.citation == c)
            .map(|r| CitingRule {
                engine: r.engine.label_ja(),
                label: r.label.clone(),
                basis: r.basis.clone(),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

struct RuleRow {
    rule: String,
    label: String,
    basis: String,
    cite: String,
    status: &'static str,
    problem: bool,
    heading: String,
    passage: String,
}

struct RuleGroup {
    engine: &'static str,
    rows: Vec<RuleRow>,
}

#[derive(Template)]
#[template(path = "kb/rules.html")]
struct RulesPage {
    layout: Layout,
    groups: Vec<RuleGroup>,
    total: usize,
    resolved: usize,
    problems: usize,
    missing: usize,
}

/// The passage text at a citation: the passages overlapping it, joined.
fn passage_at(index: &DocIndex, c: &Citation) -> (String, String) {
    let ps = index.passages_at(&c.doc, c.from, c.to);
    let heading = ps
        .first()
        .map(|p| p.heading.join(" > "))
        .unwrap_or_default();
    let text = ps
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    (heading, text)
}

async fn rules_page(State(state): State<AppState>) -> PageResult {
    let data = state.docs();
    let rules = state.rule_citations();
    let mut groups: Vec<RuleGroup> = Vec::new();
    for engine in [
        Engine::Deadlines,
        Engine::Copay,
        Engine::Alcohol,
        Engine::Triage,
    ] {
        let rows = rules
            .iter()
            .filter(|r| r.engine == engine)
            .map(|r| {
                let key = r.citation.to_string();
                let status = data
                    .statuses
                    .get(&key)
                    .copied()
                    .unwrap_or(CitationStatus::NotIngested);
                let (heading, passage) = passage_at(&data.index, &r.citation);
                RuleRow {
                    rule: r.rule.clone(),
                    label: r.label.clone(),
                    basis: r.basis.clone(),
                    cite: key,
                    status: status.label_ja(),
                    problem: status.is_problem(),
                    heading,
                    passage,
                }
            })
            .collect();
        groups.push(RuleGroup {
            engine: engine.label_ja(),
            rows,
        });
    }
    let statuses: Vec<CitationStatus> = rules
        .iter()
        .map(|r| {
            data.statuses
                .get(&r.citation.to_string())
                .copied()
                .unwrap_or(CitationStatus::NotIngested)
        })
        .collect();
    let count = |f: fn(&CitationStatus) -> bool| statuses.iter().filter(|s| f(s)).count();
    let page = RulesPage {
        layout: Layout::of(&state),
        total: rules.len(),
        resolved: count(|s| *s == CitationStatus::Resolves),
        problems: count(|s| s.is_problem()),
        missing: count(|s| *s == CitationStatus::NotIngested),
        groups,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /api/v1/docs/search?q=…&limit=…`.
async fn api_search(
    State(state): State<AppState>,
    query: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(params) = query.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let q = params.q.unwrap_or_default();
    let limit = params.limit.unwrap_or(5);
    if !(1..=50).contains(&limit) {
        return Err(AppError::BadRequest("件数（limit）は1から50までの数です".into()).into());
    }
    let hits = ask(&state, &q, limit)?;
    Ok(Json(serde_json::json!({ "results": hits })))
}

/// `GET /api/v1/docs/citations`: every rule citation and whether it resolves.
async fn api_citations(State(state): State<AppState>) -> Json<serde_json::Value> {
    let data = state.docs();
    let rules = state.rule_citations();
    let items: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let key = r.citation.to_string();
            serde_json::json!({
                "engine": r.engine,
                "rule": r.rule,
                "citation": key,
                "status": data.statuses.get(&key).copied().unwrap_or(CitationStatus::NotIngested),
            })
        })
        .collect();
    Json(serde_json::json!({ "citations": items }))
}
