//! Japanese full-text search for tsunagu: the support directory and the knowledge base, each
//! an in-memory tantivy index, on a shared Japanese text kit.
//!
//! # Brief overview
//! One folder per capability; each folder's `mod.rs` is the map of that capability (what it
//! owns, its data, its tests).
//! - [`text`]: the shared kit, which imports no capability: the [`Analyzer`] trait, the
//!   embedded [`TinySegmenter`], [`LinderaIpadic`] built from Debian's `mecab-ipadic`,
//!   character [`bigrams`], and [`SearchError`].
//! - [`directory`]: the directory index ([`SearchIndex`]): services by name, body and facets,
//!   with region ranking and open-now; [`SearchRequest`] in, [`SearchResults`] out, and the
//!   filters as people type them ([`RawFilters`]).
//! - [`kb`]: the knowledge-base passage index ([`kb::DocIndex`]): a question in, ranked
//!   passages with their lines and highlights out.
//!
//! The items used across the workspace are re-exported here.
#![deny(missing_docs)]

pub mod directory;
pub mod kb;
pub mod text;

pub use directory::{
    searchable_texts, BadFilter, FilterField, Hit, HitPhone, RawFilters, SearchIndex,
    SearchRequest, SearchResults, SearchableText, MAX_QUERY_CHARS,
};
pub use text::{bigrams, Analyzer, LinderaIpadic, SearchError, TinySegmenter, DEBIAN_IPADIC};
