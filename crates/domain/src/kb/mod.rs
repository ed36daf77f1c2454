//! Knowledge base: guideline documents split into passages that follow their own structure.
//!
//! # Brief overview
//! [`parse_document`] turns the bytes of one plain-text or Markdown document (the seeds are
//! text converted from PDF) into [`Passage`]s. It never reads a file: the caller passes the
//! bytes and the document's name. It refuses what is not a text document ([`DocError`]) and
//! otherwise always succeeds, listing what it could not follow as [`Problem`]s and what it
//! cleaned up as [`Cleanup`] counts.
//!
//! Structure is read from the lines themselves, highest level first:
//! law titles (`○…法律`), 第N編/章/節/款, Markdown `#` headings, `1.`, `1.1`, `(1)`, `ア`,
//! `(ア)`, law articles (`第33条の4 …`, which start a passage of their own) and bracketed labels
//! (`(概要)`). Every passage keeps the heading path above it and the line range it came from.
//! Tables (tab-separated lines) stay tables: one passage of rows, with the caption line
//! (`表3 …`) and the header row repeated when a long table is cut. A table of contents
//! (`目次` up to the first heading that repeats its first entry) is kept as one passage of kind
//! `toc`, which search does not rank. Page residue (lone page numbers, rows of empty cells),
//! vertical labels printed one character per line (`就` / `労` → `就労`), YAML front matter
//! and HTML tags are cleaned and counted.
//!
//! [`normalize`] is the matching form shared by indexing and querying: [`fold`](crate::common::normalize::fold) plus
//! kanji numbers in legal counters made Arabic (`第三十三条` → `第33条`, `十日以内` →
//! `10日以内`) and OCR spaces inside numbers dropped (`法 8 2 条` → `法82条`); it keeps a map
//! back to the original characters so that highlights land on the text as printed.
//! [`articles_in`] finds article references; [`ArticleRef`] is their canonical form.
//!
//! # Map
//! - [`document`]: the limits and types of a parsed document, line anchors and [`Citation`].
//! - [`lines`]: what each line is; [`parser`]: lines into passages ([`parse_document`]).
//! - [`matching`]: the matching form and article references.
//! - [`citations`]: every rule's citation across the engines and whether it still resolves
//!   (anchors in `data/citation-anchors.json`).
//!
//! The items of `document` and `matching`, and `parse_document`, are re-exported here. Stored by
//! `tsunagu_store::kb`, indexed by `tsunagu_search::kb`, served by `tsunagu_web::kb` and
//! `tsunagu docs`.

pub mod citations;
pub mod document;
pub mod lines;
pub mod matching;
pub mod parser;
#[cfg(test)]
mod tests;

pub use document::*;
pub use matching::*;
pub use parser::parse_document;
