//! Consultation triage: from a consultation (structured fields and Japanese free text) to an
//! explained referral plan, in the way the casebook answers 事例09 (seed 000): crisis first when
//! life is at risk, then the roles in order, each with the matching resources from the directory
//! (the person's region first), why (which facts triggered which rule, with its seed line), what
//! to expect and how to make contact, then 支援のポイント for the person asking.
//!
//! # Brief overview
//! - [`Lexicon`] (data: `data/triage-lexicon.json`) turns free text into facts: concerns,
//!   who is consulting, the justice situation, urgency signals, the person's sex. Matching runs
//!   on folded text ([`crate::common::normalize::fold`]: NFKC, lower case, hiragana → katakana), so
//!   `しゃぶ`, `シャブ` and `ｼｬﾌﾞ` are one word; a negation cue right after a word in the same
//!   clause (「死にたいとは思わない」) cancels it, and the plan lists it as negated.
//! - [`RuleBook`] (data: `data/triage-rules.json`) holds the roles, the rules (facts → role,
//!   priority, reason, citation) and the points. It is validated when loaded: unknown codes,
//!   unknown roles, duplicate ids and citations that are not `file:line` are errors naming the
//!   rule. Nothing about which role a fact calls for is written in this file.
//! - [`plan()`] combines the stated fields (which win) with the inferred ones, applies the rules
//!   and looks the resources up in [`Resources`] (a [`Directory`](crate::Directory) bucketed by provider kind
//!   and prefecture). A role with no resource in the region says
//!   so and gives role-level guidance; nothing is made up.
//!
//! Pure: no I/O, no clock ("now" is passed in for open-now).
//!
//! # Map
//! - [`facts`]: the data files, limits, and the codes and values of a consultation.
//! - [`lexicon`]: text → facts; [`rules`]: the rule book; [`plan`](mod@plan): facts → plan, and the
//!   prepared directory.
//!
//! Every item is re-exported here (`tsunagu_domain::triage::plan`, `…::Lexicon`). Served by
//! `tsunagu_web::triage` and `tsunagu triage`; a saved plan is a record.

pub mod facts;
pub mod lexicon;
pub mod plan;
pub mod rules;
#[cfg(test)]
mod tests;

pub use facts::*;
pub use lexicon::*;
pub use plan::*;
pub use rules::*;
