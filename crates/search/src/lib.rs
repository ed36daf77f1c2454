//! Japanese full-text search over the directory.
//!
//! # Brief overview
//! [`SearchIndex::build`] indexes every service of a [`Directory`] in memory with tantivy.
//! Text is folded first ([`tsunagu_domain::normalize::fold`]: NFKC, case, hiragana →
//! katakana), then indexed twice:
//!
//! - as **words** from an [`Analyzer`] (the embedded [`TinySegmenter`] by default, which needs no
//!   setup), for ranking by meaningful terms;
//! - as **character bigrams** with positions, so each query part can be matched as an exact
//!   substring (a phrase of bigrams), which keeps recall on names a segmenter does not know
//!   (ダルク女性ハウス, ナラノン) without the noise of loose bigram matching.
//!
//! A query is split on spaces; every part must match (in the name, other names or the body),
//! and parts are scored with BM25 with the name weighted above the body. The top hits are then
//! re-ranked: an exact name match first, then names containing every part, then the user's
//! region. Facets (prefecture, concern, audience, service kind, resource kind) are filters on
//! keyword fields; open-now is checked against each hit's hours at the `now` passed in.
//!
//! STACK.md's note applies: tantivy's `QueryParser` would turn a Japanese string into one
//! phrase, so queries are built by hand from the analysed terms.

use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use tsunagu_domain::normalize::fold;
use tsunagu_domain::schedule::OpenState;
use tsunagu_domain::{Audience, Concern, Directory, Prefecture, ResourceKind, Service, ServiceKind};

mod analyzer;
pub use analyzer::{bigrams, Analyzer, TinySegmenter};

/// Search failures (index construction or a tantivy fault; never a user-input problem).
#[derive(Debug, thiserror::Error)]
#[error("search index error: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError(e.to_string())
    }
}

/// Longest query accepted, in characters; longer input is cut (a search box, not a document).
pub const MAX_QUERY_CHARS: usize = 200;

/// A search request. All filters are optional.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Free text.
    pub text: String,
    /// Only this prefecture (national services are included: they serve everyone).
    pub prefecture: Option<Prefecture>,
    /// Rank this prefecture first without filtering.
    pub region: Option<Prefecture>,
    /// Concern filter.
    pub concern: Option<Concern>,
    /// Audience filter.
    pub audience: Option<Audience>,
    /// Service-kind filter.
    pub service_kind: Option<ServiceKind>,
    /// Resource-kind filter.
    pub kind: Option<ResourceKind>,
    /// Only services whose contact hours say open at `now`.
    pub open_now: bool,
    /// Japan time used for open-now.
    pub now: Option<NaiveDateTime>,
    /// Page size (at most 100).
    pub limit: usize,
    /// Offset into the results.
    pub offset: usize,
}

/// One phone in a result.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HitPhone {
    /// Number.
    pub number: String,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether the number looks wrong (see the service's quality notes).
    pub flagged: bool,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// Organization name.
    pub organization: String,
    /// Prefecture name, if the service is within one.
    pub prefecture: Option<String>,
    /// Resource kind code.
    pub kind: String,
    /// Phones.
    pub phones: Vec<HitPhone>,
    /// Main URL.
    pub url: Option<String>,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Open-now state, when `now` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_now: Option<OpenState>,
    /// As-of date of the source.
    pub as_of: Option<String>,
    /// Number of data-quality notes.
    pub quality_notes: usize,
}

/// Results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// Number of matching services (see [`SearchIndex::search`] for open-now).
    pub total: usize,
    /// This page.
    pub results: Vec<Hit>,
}

/// What the index keeps per service outside tantivy, for re-ranking and results.
struct Entry {
    hit: Hit,
    names: Vec<String>,
    prefecture: Option<Prefecture>,
    national: bool,
    service: Service,
}

#[derive(Clone, Copy)]
struct Fields {
    ord: Field,
    name_w: Field,
    name_g: Field,
    body_w: Field,
    body_g: Field,
    pref: Field,
    concern: Field,
    audience: Field,
    skind: Field,
    rkind: Field,
}

/// The in-memory search index.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    entries: Vec<Entry>,
    analyzer: Arc<dyn Analyzer>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("services", &self.entries.len()).field("analyzer", &self.analyzer.name()).finish()
    }
}

const NATIONAL: &str = "national";
/// How many top hits are re-ranked and checked for open-now.
const RERANK_WINDOW: usize = 2000;

fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let positions = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let freqs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        ord: sb.add_u64_field("ord", FAST),
        name_w: sb.add_text_field("name_w", freqs.clone()),
        name_g: sb.add_text_field("name_g", positions.clone()),
        body_w: sb.add_text_field("body_w", freqs),
        body_g: sb.add_text_field("body_g", positions),
        pref: sb.add_text_field("pref", STRING),
        concern: sb.add_text_field("concern", STRING),
        audience: sb.add_text_field("audience", STRING),
        skind: sb.add_text_field("skind", STRING),
        rkind: sb.add_text_field("rkind", STRING),
    };
    (sb.build(), fields)
}

/// The body text of a service: everything searchable except its names.
fn body_text(s: &Service, org_name: &str, addresses: &[String]) -> String {
    let mut parts: Vec<&str> = vec![org_name];
    parts.extend(s.description.as_deref());
    parts.extend(s.eligibility.as_deref());
    parts.extend(addresses.iter().map(String::as_str));
    let labels: Vec<&str> = s
        .concerns
        .iter()
        .map(|c| c.label_ja())
        .chain(s.audiences.iter().map(|a| a.label_ja()))
        .chain(s.service_kinds.iter().map(|k| k.label_ja()))
        .chain(std::iter::once(s.kind.label_ja()))
        .collect();
    let mut text = parts.join(" ");
    text.push(' ');
    text.push_str(&labels.join(" "));
    if let Some(area) = &s.service_area {
        text.push(' ');
        text.push_str(&area.label_ja());
    }
    text
}

impl SearchIndex {
    /// Builds the index for `dir` with `analyzer`.
    pub fn build(dir: &Directory, analyzer: Arc<dyn Analyzer>) -> Result<SearchIndex, SearchError> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 200_000_000)?;
        let orgs: HashMap<&str, &tsunagu_domain::Organization> =
            dir.organizations.iter().map(|o| (o.id.as_ref(), o)).collect();
        let mut entries = Vec::with_capacity(dir.services.len());
        for (ord, s) in dir.services.iter().enumerate() {
            let Some(org) = orgs.get(s.organization_id.as_ref()) else { continue };
            let addresses: Vec<String> = s
                .locations(org)
                .map(|l| format!("{}{}", l.prefecture.map(|p| p.name()).unwrap_or(""), l.address.as_deref().unwrap_or("")))
                .collect();
            let names: Vec<String> = std::iter::once(&s.name).chain(&s.alternate_names).map(|n| fold(n)).collect();
            let body = fold(&body_text(s, &org.name, &addresses));
            let prefecture = s.prefecture(org);
            let national = matches!(s.service_area, Some(tsunagu_domain::model::ServiceArea::National));
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.ord, ord as u64);
            for n in &names {
                doc.add_text(f.name_w, analyzer.words(n).join(" "));
                doc.add_text(f.name_g, bigrams(n).join(" "));
            }
            doc.add_text(f.body_w, analyzer.words(&body).join(" "));
            doc.add_text(f.body_g, bigrams(&body).join(" "));
            match prefecture {
                Some(p) if !national => doc.add_text(f.pref, p.code()),
                _ => doc.add_text(f.pref, NATIONAL),
            }
            for wanted in Concern::ALL {
                if s.concerns.iter().any(|c| c.matches(*wanted)) {
                    doc.add_text(f.concern, wanted.code());
                }
            }
            for a in &s.audiences {
                doc.add_text(f.audience, a.code());
            }
            for k in &s.service_kinds {
                doc.add_text(f.skind, k.code());
            }
            doc.add_text(f.rkind, s.kind.code());
            writer.add_document(doc)?;
            let url = s.links.first().map(|l| l.url.clone()).or_else(|| org.url.clone());
            entries.push(Entry {
                hit: Hit {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    organization: org.name.clone(),
                    prefecture: prefecture.map(|p| p.name().to_owned()),
                    kind: s.kind.code().to_owned(),
                    phones: s
                        .phones
                        .iter()
                        .map(|p| HitPhone { number: p.number.to_string(), label: p.label.clone(), flagged: p.flagged() })
                        .collect(),
                    url,
                    score: 0.0,
                    open_now: None,
                    as_of: s.provenance.as_of.clone(),
                    quality_notes: s.quality_notes.len(),
                },
                names,
                prefecture,
                national,
                service: s.clone(),
            });
        }
        writer.commit()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { reader, fields: f, entries, analyzer })
    }

    /// Number of indexed services.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The analyser's name (`tinysegmenter`, `lindera-ipadic`).
    pub fn analyzer_name(&self) -> &'static str {
        self.analyzer.name()
    }

    fn part_query(&self, part: &str) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let grams = bigrams(part);
        let gram_query = |field: Field, boost: f32| -> Option<Box<dyn Query>> {
            let terms: Vec<Term> = grams.iter().map(|g| Term::from_field_text(field, g)).collect();
            let q: Box<dyn Query> = match terms.len() {
                0 => return None,
                1 => Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs)),
                _ => Box::new(PhraseQuery::new(terms)),
            };
            Some(Box::new(BoostQuery::new(q, boost)))
        };
        should.extend(gram_query(f.name_g, 3.0).map(|q| (Occur::Should, q)));
        should.extend(gram_query(f.body_g, 1.0).map(|q| (Occur::Should, q)));
        if should.is_empty() {
            // A single character: only whole words can match it.
            for w in self.analyzer.words(part) {
                for (field, boost) in [(f.name_w, 3.0), (f.body_w, 1.0)] {
                    let q = TermQuery::new(Term::from_field_text(field, &w), IndexRecordOption::WithFreqs);
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
                }
            }
            if should.is_empty() {
                return None;
            }
            return Some(Box::new(BooleanQuery::new(should)));
        }
        // The part matched as a substring; words add ranking signal only.
        let required: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        let mut scoring: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, required)];
        for w in self.analyzer.words(part) {
            for (field, boost) in [(f.name_w, 2.0), (f.body_w, 0.5)] {
                let q = TermQuery::new(Term::from_field_text(field, &w), IndexRecordOption::WithFreqs);
                scoring.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        Some(Box::new(BooleanQuery::new(scoring)))
    }

    fn filters(&self, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic))
        };
        let mut out = Vec::new();
        if let Some(p) = req.prefecture {
            let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (Occur::Should, term(f.pref, &p.code())),
                (Occur::Should, term(f.pref, NATIONAL)),
            ]));
            out.push((Occur::Must, either));
        }
        if let Some(c) = req.concern {
            out.push((Occur::Must, term(f.concern, c.code())));
        }
        if let Some(a) = req.audience {
            out.push((Occur::Must, term(f.audience, a.code())));
        }
        if let Some(k) = req.service_kind {
            out.push((Occur::Must, term(f.skind, k.code())));
        }
        if let Some(k) = req.kind {
            out.push((Occur::Must, term(f.rkind, k.code())));
        }
        out
    }

    /// Runs a search. With `open_now`, the filter is applied to the best
    /// [`RERANK_WINDOW`] text matches and `total` counts those that are open.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let text: String = req.text.chars().take(MAX_QUERY_CHARS).collect();
        let folded = fold(&text);
        let parts: Vec<&str> = folded.split(' ').filter(|p| !p.is_empty()).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for p in &parts {
            if let Some(q) = self.part_query(p) {
                clauses.push((Occur::Must, q));
            } else {
                // Nothing searchable in this part (punctuation only): ignore it.
            }
        }
        let has_text = !clauses.is_empty();
        clauses.extend(self.filters(req));
        if !has_text {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let window = RERANK_WINDOW.max(req.offset + req.limit);
        let (top, count) = searcher.search(&query, &(TopDocs::with_limit(window).order_by_score(), Count))?;
        let joined: String = parts.concat();
        let mut scored: Vec<(f32, usize)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let seg = searcher.segment_reader(addr.segment_ord);
            let column = seg.fast_fields().u64("ord")?;
            let Some(ord) = column.first(addr.doc_id) else { continue };
            let Ok(ord) = usize::try_from(ord) else { continue };
            let Some(e) = self.entries.get(ord) else { continue };
            let mut s = if has_text { score } else { 0.0 };
            if has_text {
                if e.names.iter().any(|n| n.replace(' ', "") == joined) {
                    s += 100.0;
                } else if e.names.iter().any(|n| parts.iter().all(|p| n.contains(p))) {
                    s += 20.0;
                }
            }
            if let Some(region) = req.region {
                if e.prefecture == Some(region) && !e.national {
                    s += 10.0;
                } else if e.national {
                    s += 2.0;
                }
            }
            scored.push((s, ord));
        }
        // Stable order for equal scores: source order.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut total = count;
        if req.open_now {
            let now = req.now.ok_or_else(|| SearchError("open_now needs now".into()))?;
            scored.retain(|(_, ord)| self.entries[*ord].service.hours.open_state(now).is_open());
            total = scored.len();
        }
        let results = scored
            .into_iter()
            .skip(req.offset)
            .take(req.limit.min(100))
            .map(|(score, ord)| {
                let e = &self.entries[ord];
                let mut hit = e.hit.clone();
                hit.score = score;
                hit.open_now = req.now.map(|now| e.service.hours.open_state(now));
                hit
            })
            .collect();
        Ok(SearchResults { total, results })
    }
}

#[cfg(test)]
mod tests;
