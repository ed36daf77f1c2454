//! The knowledge base: retrieval over the passages of guideline documents.
//!
//! # Map
//! - `index.rs`: [`DocIndex`] (build from [`IndexedPassage`]s, search a question, the
//!   document and context views), its result [`DocHit`], the question limits
//!   ([`MAX_QUESTION_CHARS`], [`MAX_RESULTS`], [`QuestionError`]), the synonym list of domain
//!   terms [`DOC_SYNONYMS`] and the reranking cues (periods, rules, law names); its unit tests
//!   sit at the end of that file, on a small law-like fixture.
//!
//! Passages come from `tsunagu_domain::kb` (parsing the documents into passages and the
//! matching form [`tsunagu_domain::kb::normalize`]); the analysers are the shared
//! [`crate::text`] kit. The labelled evaluation set is `bench/docs-questions.json`
//! (`tsunagu eval docs`, which also runs SQLite FTS5 on the same questions).

mod index;

pub use index::{
    DocHit, DocIndex, IndexedPassage, QuestionError, DOC_SYNONYMS, MAX_QUESTION_CHARS, MAX_RESULTS,
};
