//! Where a rule comes from ([`Basis`]: the law and article, and the seed line that states it)
//! and why an input was refused ([`Refusal`]: the rule broken, a message, and the basis). Shared
//! by every engine that applies legal rules, so none of them imports another for these.

use serde::Serialize;

/// The legal basis of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Basis {
    /// Law and article.
    pub law: &'static str,
    /// `file:line` in the seed.
    pub source: &'static str,
}

/// An unlawful or impossible input, naming the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct Refusal {
    /// The rule broken (`involuntary_admission_two_designated_physicians`, `date` …).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// The basis, when a legal rule was broken.
    pub basis: Option<Basis>,
}
