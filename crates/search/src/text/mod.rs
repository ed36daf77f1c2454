//! The shared text kit: how folded Japanese text becomes words and bigrams, and the crate's
//! error. It imports no capability; [`crate::directory`] and [`crate::kb`] both build on it.
//!
//! # Map
//! - `analyzer.rs`: the [`Analyzer`] trait (folded text → words; the same function analyses
//!   documents and queries), the embedded [`TinySegmenter`], the character [`bigrams`] used
//!   for substring matching, and the options of the pre-analysed tantivy fields.
//! - `lindera_ipadic.rs`: the better analyser, [`LinderaIpadic`], compiled at run time from
//!   Debian's `mecab-ipadic` sources ([`DEBIAN_IPADIC`]) with the metadata in
//!   `crates/search/lindera/ipadic-metadata.json`.
//! - `error.rs`: [`SearchError`], an index that could not be built or queried.
//!
//! Text folding itself (NFKC, case, kana) is `tsunagu_domain::common::normalize`. Both
//! analysers are exercised by the directory's tests (`directory/tests.rs`), which run every
//! behaviour with each of them.

mod analyzer;
mod error;
mod lindera_ipadic;

pub(crate) use analyzer::whitespace_field;
pub use analyzer::{bigrams, Analyzer, TinySegmenter};
pub use error::SearchError;
pub use lindera_ipadic::{LinderaIpadic, DEBIAN_IPADIC};
