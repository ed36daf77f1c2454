//! The directory index: Japanese full-text search over the support directory's services.
//!
//! # Map
//! - `index.rs`: [`SearchIndex`] (build, search, ranking) and the searchable text of a service
//!   ([`searchable_texts`], also what the benchmark's FTS5 baseline indexes).
//! - `request.rs`: what a search takes and gives back: [`SearchRequest`], [`Hit`],
//!   [`SearchResults`], [`MAX_QUERY_CHARS`].
//! - `filters.rs`: filters as people type them ([`RawFilters`]), parsed once for the CLI flags
//!   and the web's query parameters; [`BadFilter`] names the field and the accepted values.
//! - `synonyms.rs`: the small, deliberate list of everyday words mapped to the directory's
//!   terms (「お酒」 → アルコール, 「シャブ」 → 覚醒剤).
//! - `tests.rs`: search behaviour on the bundled dataset, each behaviour run with
//!   TinySegmenter, with the frequent-part path forced, and with lindera + IPADIC (skipped,
//!   or failed under `CI=true`, without Debian's `mecab-ipadic`).
//!
//! Its data is `tsunagu_domain::directory` (the model, code lists and the bundled dataset);
//! the analysers are the shared [`crate::text`] kit. The benchmark queries are
//! `bench/queries.json` (`tsunagu bench`).
//!
//! # Brief overview
//! [`SearchIndex::build`] indexes every service of a [`Directory`](tsunagu_domain::Directory)
//! in memory with tantivy. Text is folded first ([`tsunagu_domain::common::normalize::fold`]:
//! NFKC, case, hiragana → katakana), then indexed twice:
//!
//! - as **words** from an [`Analyzer`](crate::text::Analyzer) (the embedded
//!   [`TinySegmenter`](crate::text::TinySegmenter) by default, which needs no setup), for
//!   ranking by meaningful terms;
//! - as **character bigrams** with positions, so each query part can be matched as an exact
//!   substring (a phrase of bigrams), which keeps recall on names a segmenter does not know
//!   (ダルク女性ハウス, ナラノン) without the noise of loose bigram matching.
//!
//! A query is split on spaces; every part must match (in the name, other names or the body),
//! and parts are scored with BM25 with the name weighted above the body, plus constant boosts in
//! the same query: an exact name match first, then names containing every part, then the
//! user's region (see [`SearchIndex::search`]). Facets (prefecture, concern, audience, service kind, resource kind) are filters on
//! keyword fields; open-now is checked against each hit's hours at the `now` passed in.
//!
//! STACK.md's note applies: tantivy's `QueryParser` would turn a Japanese string into one
//! phrase, so queries are built by hand from the analysed terms.

mod filters;
mod index;
mod request;
mod synonyms;
#[cfg(test)]
mod tests;

pub use filters::{BadFilter, FilterField, RawFilters};
pub use index::{searchable_texts, SearchIndex, SearchableText};
pub use request::{Hit, HitPhone, SearchRequest, SearchResults, MAX_QUERY_CHARS};
