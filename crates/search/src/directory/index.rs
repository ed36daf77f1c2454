//! The directory index: building it from a [`Directory`] and answering a [`SearchRequest`].

use super::request::{Hit, HitPhone, SearchRequest, SearchResults, MAX_QUERY_CHARS};
use super::synonyms;
use crate::text::{bigrams, whitespace_field, Analyzer, SearchError};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, FAST, STRING};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use tsunagu_domain::common::normalize::{fold, fold_width};
use tsunagu_domain::{Concern, Directory, Service};
/// What the index keeps per service outside tantivy, for results and open-now.
struct Entry {
    hit: Hit,
    service: Service,
}

/// The searchable text of one service, width-folded ([`fold_width`]: NFKC, case, spaces; kana
/// as written): what both this index and the FTS5 baseline of the benchmark index, so that they
/// are compared on the same input. Bigrams and FTS5 apply the full [`fold`] on top.
#[derive(Debug, Clone)]
pub struct SearchableText {
    /// Service id.
    pub id: String,
    /// Name and other names.
    pub names: Vec<String>,
    /// Everything else that is searchable (organization, description, eligibility, address,
    /// labels of concerns, audiences and kinds, area).
    pub body: String,
}

/// The searchable texts of every service of `dir` whose organization is present, in order.
pub fn searchable_texts(dir: &Directory) -> Vec<SearchableText> {
    let orgs: HashMap<&str, &tsunagu_domain::Organization> = dir
        .organizations
        .iter()
        .map(|o| (o.id.as_ref(), o))
        .collect();
    dir.services
        .iter()
        .filter_map(|s| {
            let org = orgs.get(s.organization_id.as_ref())?;
            let addresses: Vec<String> = s
                .locations(org)
                .map(|l| {
                    let pref = l.prefecture.map(|p| p.name()).unwrap_or("");
                    format!("{pref}{}", l.address.as_deref().unwrap_or(""))
                })
                .collect();
            Some(SearchableText {
                id: s.id.to_string(),
                names: std::iter::once(&s.name)
                    .chain(&s.alternate_names)
                    .map(|n| fold_width(n))
                    .collect(),
                body: fold_width(&body_text(s, &org.name, &addresses)),
            })
        })
        .collect()
}

#[derive(Clone, Copy)]
struct Fields {
    ord: Field,
    name_exact: Field,
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
    frequent_min_docs: u64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("services", &self.entries.len())
            .field("analyzer", &self.analyzer.name())
            .finish()
    }
}

const NATIONAL: &str = "national";
/// A part whose rarest bigram occurs in more than this share of the services is frequent.
const FREQUENT_SHARE: f64 = 0.005;
/// How many of a frequent part's bigrams (the rarest) it must contain.
const FREQUENT_GRAMS: usize = 3;
/// Below this many services every part keeps exact substring matching.
const FREQUENT_MIN_DOCS: u64 = 5_000;
/// How many top matches are checked for open-now.
const RERANK_WINDOW: usize = 2000;

fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let positions = whitespace_field(true);
    let freqs = whitespace_field(false);
    let fields = Fields {
        ord: sb.add_u64_field("ord", FAST),
        name_exact: sb.add_text_field("name_exact", STRING),
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
        let orgs: HashMap<&str, &tsunagu_domain::Organization> = dir
            .organizations
            .iter()
            .map(|o| (o.id.as_ref(), o))
            .collect();
        let texts = searchable_texts(dir);
        let services = dir
            .services
            .iter()
            .filter(|s| orgs.contains_key(s.organization_id.as_ref()));
        let mut entries = Vec::with_capacity(texts.len());
        for (ord, (s, text)) in services.zip(texts).enumerate() {
            let Some(org) = orgs.get(s.organization_id.as_ref()) else {
                continue;
            };
            let prefecture = s.prefecture(org);
            let national = matches!(
                s.service_area,
                Some(tsunagu_domain::directory::model::ServiceArea::National)
            );
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.ord, ord as u64);
            for n in &text.names {
                let folded = fold(n);
                doc.add_text(f.name_exact, folded.replace(' ', ""));
                doc.add_text(f.name_w, words_of(analyzer.as_ref(), n).join(" "));
                doc.add_text(f.name_g, bigrams(&folded).join(" "));
            }
            doc.add_text(f.body_w, words_of(analyzer.as_ref(), &text.body).join(" "));
            doc.add_text(f.body_g, bigrams(&fold(&text.body)).join(" "));
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
            let url = s
                .links
                .first()
                .map(|l| l.url.clone())
                .or_else(|| org.url.clone());
            let phones = s
                .phones
                .iter()
                .map(|p| HitPhone {
                    number: p.number.to_string(),
                    label: p.label.clone(),
                    flagged: p.flagged(),
                })
                .collect();
            entries.push(Entry {
                hit: Hit {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    organization: org.name.clone(),
                    prefecture: prefecture.map(|p| p.name().to_owned()),
                    kind: s.kind.code().to_owned(),
                    phones,
                    url,
                    score: 0.0,
                    open_now: None,
                    as_of: s.provenance.as_of.clone(),
                    quality_notes: s.quality_notes.len(),
                },
                service: s.clone(),
            });
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            fields: f,
            entries,
            analyzer,
            frequent_min_docs: FREQUENT_MIN_DOCS,
        })
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

    /// The part as a substring of a name (bigram phrase on `name_g`), for the
    /// "every part is in the name" boost.
    fn in_name(&self, part: &str) -> Option<Box<dyn Query>> {
        let grams = bigrams(part);
        if grams.len() >= 2 && self.is_frequent(&grams) {
            // As in `substring`: a frequent part is in the name when its rarest bigrams are.
            let all: Vec<(Occur, Box<dyn Query>)> = self
                .rarest_grams(&grams, FREQUENT_GRAMS)
                .iter()
                .map(|g| {
                    let q = TermQuery::new(
                        Term::from_field_text(self.fields.name_g, g),
                        IndexRecordOption::Basic,
                    );
                    (Occur::Must, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            return Some(Box::new(BooleanQuery::new(all)));
        }
        let field = self.fields.name_g;
        let terms: Vec<Term> = grams
            .iter()
            .map(|g| Term::from_field_text(field, g))
            .collect();
        match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::Basic,
            ))),
            _ => Some(Box::new(PhraseQuery::new(terms))),
        }
    }

    /// A term, or any of its synonyms, as a substring of a name (weight 3) or the body
    /// (weight 1): a phrase of its bigrams, or one term for a one-bigram word.
    /// Whether the rarest of `grams` occurs in more than [`FREQUENT_SHARE`] of the services
    /// (and the index has at least `frequent_min_docs` services).
    fn is_frequent(&self, grams: &[String]) -> bool {
        let searcher = self.reader.searcher();
        let docs = searcher.num_docs();
        if docs < self.frequent_min_docs {
            return false;
        }
        let rarest = grams
            .iter()
            .map(|g| {
                searcher
                    .doc_freq(&Term::from_field_text(self.fields.body_g, g))
                    .unwrap_or(0)
            })
            .min()
            .unwrap_or(0);
        rarest as f64 > FREQUENT_SHARE * docs as f64
    }

    /// The `n` bigrams of `grams` that occur in the fewest services: the selective ones.
    fn rarest_grams(&self, grams: &[String], n: usize) -> Vec<String> {
        let searcher = self.reader.searcher();
        let mut by_freq: Vec<(u64, &String)> = grams
            .iter()
            .map(|g| {
                (
                    searcher
                        .doc_freq(&Term::from_field_text(self.fields.body_g, g))
                        .unwrap_or(0),
                    g,
                )
            })
            .collect();
        by_freq.sort();
        by_freq.dedup_by(|a, b| a.1 == b.1);
        by_freq
            .into_iter()
            .take(n)
            .map(|(_, g)| g.clone())
            .collect()
    }

    /// Sets the index size from which frequent parts match by bigrams without positions (tests lower it to
    /// exercise that path on the small bundled directory).
    pub fn with_frequent_min_docs(mut self, docs: u64) -> SearchIndex {
        self.frequent_min_docs = docs;
        self
    }

    fn substring(&self, term: &str) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for variant in synonyms::variants(term) {
            if variant.chars().count() == 1 {
                // One character cannot be a bigram inside a run: match it as a word.
                for (field, boost) in [(f.name_w, 3.0), (f.body_w, 1.0)] {
                    let q = TermQuery::new(
                        Term::from_field_text(field, &variant),
                        IndexRecordOption::WithFreqs,
                    );
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
                }
                continue;
            }
            let grams = bigrams(&variant);
            if grams.len() >= 2 && self.is_frequent(&grams) {
                // A frequent part (in more than FREQUENT_SHARE of the services): checking
                // bigram positions in every one of its matches dominates the query time, so it
                // matches when its FREQUENT_GRAMS rarest bigrams occur, which term postings
                // answer without positions. That keeps every substring match (no segmenter is
                // involved) and gives up only adjacency and the commonest bigrams, which select
                // little. Rare parts keep exact substring matching.
                let rarest = self.rarest_grams(&grams, FREQUENT_GRAMS);
                for (field, boost) in [(f.name_g, 3.0), (f.body_g, 1.0)] {
                    let all: Vec<(Occur, Box<dyn Query>)> = rarest
                        .iter()
                        .map(|g| {
                            let q = TermQuery::new(
                                Term::from_field_text(field, g),
                                IndexRecordOption::WithFreqs,
                            );
                            (Occur::Must, Box::new(q) as Box<dyn Query>)
                        })
                        .collect();
                    let q: Box<dyn Query> = Box::new(BooleanQuery::new(all));
                    should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                }
                continue;
            }
            for (field, boost) in [(f.name_g, 3.0), (f.body_g, 1.0)] {
                let terms: Vec<Term> = grams
                    .iter()
                    .map(|g| Term::from_field_text(field, g))
                    .collect();
                let q: Box<dyn Query> = match terms.len() {
                    0 => continue,
                    1 => Box::new(TermQuery::new(
                        terms[0].clone(),
                        IndexRecordOption::WithFreqs,
                    )),
                    _ => Box::new(PhraseQuery::new(terms)),
                };
                should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        if should.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(should)))
        }
    }

    /// Content words of a query part (width-folded, kana as typed), folded: the analyser's
    /// words without particles and verb endings (words of at most two hiragana such as が, を,
    /// たい, ない), without repeats.
    fn content_words(&self, part: &str) -> Vec<String> {
        let is_hiragana = |c: char| ('\u{3041}'..='\u{309f}').contains(&c);
        let is_kanji = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '々';
        // Adjacent all-kanji words form one compound (覚醒 + 剤 → 覚醒剤): the useful unit.
        let mut merged: Vec<String> = Vec::new();
        for w in self.analyzer.words(part) {
            match merged.last_mut() {
                Some(last) if w.chars().all(is_kanji) && last.chars().all(is_kanji) => {
                    last.push_str(&w)
                }
                _ => merged.push(w),
            }
        }
        let mut out: Vec<String> = Vec::new();
        for mut w in merged {
            // TinySegmenter sometimes keeps a case particle on the word (「お酒が」): drop it
            // when what precedes it is kanji or katakana.
            let chars: Vec<char> = w.chars().collect();
            if let [.., before, last] = chars.as_slice() {
                if "がをにはのでともへや".contains(*last) && !is_hiragana(*before) {
                    w.pop();
                }
            }
            let particle = w.chars().count() <= 2 && w.chars().all(is_hiragana);
            let w = fold(&w);
            if !particle && !out.contains(&w) {
                out.push(w);
            }
        }
        out
    }

    /// The query for one space-separated part. Strict: the part occurs whole (as a substring,
    /// synonyms included). Loose (the retry when nothing matched strictly), for a part such as
    /// 「夫が覚醒剤をやめられない」, when at least half of those words occur; whole matches
    /// score double. Analyser words add ranking signal.
    fn part_query(&self, part: &str, loose: bool) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let whole = self.substring(&fold(part))?;
        let words = self.content_words(part);
        let required: Box<dyn Query> = if loose && self.can_loosen(part) {
            let clauses: Vec<(Occur, Box<dyn Query>)> = words
                .iter()
                .filter_map(|w| self.substring(w))
                .map(|q| (Occur::Should, q))
                .collect();
            let need = clauses.len().div_ceil(2).max(1);
            let loose: Box<dyn Query> =
                Box::new(BooleanQuery::with_minimum_required_clauses(clauses, need));
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, Box::new(BoostQuery::new(whole, 2.0))),
                (Occur::Should, loose),
            ]))
        } else {
            whole
        };
        let mut scoring: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, required)];
        // A frequent part has many matches, which its bigrams already score; word scoring on
        // top would double the work.
        let frequent = {
            let grams = bigrams(&fold(part));
            grams.len() >= 2 && self.is_frequent(&grams)
        };
        for w in words.iter().filter(|_| !frequent) {
            for (field, boost) in [(f.name_w, 2.0), (f.body_w, 0.5)] {
                let q = TermQuery::new(
                    Term::from_field_text(field, w),
                    IndexRecordOption::WithFreqs,
                );
                scoring.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        Some(Box::new(BooleanQuery::new(scoring)))
    }

    fn filters(&self, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
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

    /// Runs a search.
    ///
    /// Ranking is computed inside tantivy over every match: BM25 of the parts (names weighted
    /// above the body), plus constant boosts: 100 when the whole query is a name, 20 when every
    /// part occurs in a name, 10 for the requested region and 2 for national services when a
    /// region is given. With `open_now` the filter is applied to the best `RERANK_WINDOW` (2000)
    /// matches, and `total` counts those that are open.
    ///
    /// Every part must first occur whole. Only when that does not fill the requested page is
    /// the query retried with the loose match of each part's content words (for sentences typed
    /// without spaces); whole matches still rank first there. Loose matching over frequent
    /// words is costly and noisier, so it is a fallback.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let text: String = req.text.chars().take(MAX_QUERY_CHARS).collect();
        let width = fold_width(&text);
        let parts: Vec<&str> = width.split(' ').filter(|p| !p.is_empty()).collect();
        let strict = self.run(self.query(req, &parts, false), req)?;
        if strict.total < req.offset + req.limit.min(100)
            && parts.iter().any(|p| self.can_loosen(p))
        {
            return self.run(self.query(req, &parts, true), req);
        }
        Ok(strict)
    }

    /// Whether a part has content words other than itself, so that the loose match differs.
    fn can_loosen(&self, part: &str) -> bool {
        let words = self.content_words(part);
        !words.is_empty() && words != [fold(part)]
    }

    /// The whole query: parts (strict or loose), boosts, region and filters.
    fn query(&self, req: &SearchRequest, parts: &[&str], loose: bool) -> BooleanQuery {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut name_parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for p in parts {
            // A part with nothing searchable in it (punctuation only) is ignored.
            if let Some(q) = self.part_query(p, loose) {
                clauses.push((Occur::Must, q));
                if let Some(n) = self.in_name(&fold(p)) {
                    name_parts.push((Occur::Must, n));
                }
            }
        }
        let has_text = !clauses.is_empty();
        if has_text {
            let exact = TermQuery::new(
                Term::from_field_text(f.name_exact, &fold(&parts.concat())),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(exact), 100.0)),
            ));
            if !name_parts.is_empty() {
                let all_in_name: Box<dyn Query> = Box::new(BooleanQuery::new(name_parts));
                clauses.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(all_in_name, 20.0)),
                ));
            }
        } else {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
            ));
        }
        if let Some(region) = req.region {
            let local = TermQuery::new(
                Term::from_field_text(f.pref, &region.code()),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(local), 10.0)),
            ));
            let national = TermQuery::new(
                Term::from_field_text(f.pref, NATIONAL),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(national), 2.0)),
            ));
        }
        clauses.extend(self.filters(req));
        BooleanQuery::new(clauses)
    }

    fn run(&self, query: BooleanQuery, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let limit = req.limit.min(100);
        let window = if req.open_now {
            RERANK_WINDOW.max(req.offset + limit)
        } else {
            req.offset + limit
        };
        let collector = (TopDocs::with_limit(window.max(1)).order_by_score(), Count);
        let (top, count) = searcher.search(&query, &collector)?;
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for seg in searcher.segment_readers() {
            columns.push(seg.fast_fields().u64("ord")?);
        }
        let mut scored: Vec<(f32, usize)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let Some(column) = columns.get(addr.segment_ord as usize) else {
                continue;
            };
            let Some(ord) = column
                .first(addr.doc_id)
                .and_then(|o| usize::try_from(o).ok())
            else {
                continue;
            };
            if ord < self.entries.len() {
                scored.push((score, ord));
            }
        }
        let mut total = count;
        if req.open_now {
            let now = req
                .now
                .ok_or_else(|| SearchError("open_now needs now".into()))?;
            scored.retain(|(_, ord)| self.entries[*ord].service.hours.open_state(now).is_open());
            total = scored.len();
        }
        let results = scored
            .into_iter()
            .skip(req.offset)
            .take(limit)
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

/// The analyser's words of width-folded text, each folded: segment with kana as written, match
/// kana-insensitively.
fn words_of(analyzer: &dyn Analyzer, text: &str) -> Vec<String> {
    analyzer.words(text).iter().map(|w| fold(w)).collect()
}
