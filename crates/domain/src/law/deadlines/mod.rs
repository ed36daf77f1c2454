//! The deadline engine: procedures of the 精神保健福祉法 as data, each with its article and the
//! seed line that states it, turned into dated obligations by [`crate::law::period`].
//!
//! # Brief overview
//! An [`Event`] (an admission, a hold, a discharge, a restriction) goes in; [`obligations()`]
//! returns what must happen by when, or a [`Refusal`](crate::common::basis::Refusal) naming the rule when the event itself is
//! unlawful or impossible (措置 without two agreeing 指定医, 隔離 over 12 hours ordered by a
//! non-指定医, restricting a call with the patient's lawyer …). The rules are the table
//! [`RULES`] and the checks in [`check()`]; every entry cites `004_d9518c60032bdf29.txt:line`.
//!
//! Holidays (民法142条): each rule says what a closed last day does. Notifications to the
//! 保健所長 / 知事 move to the next open day (行政機関の休日に関する法律 第2条 for acts
//! toward an administrative body); limits on holding a patient never move (a patient's liberty
//! does not wait for Monday). Either way a closed last day is flagged.
//!
//! This covers the admission procedures and their periodic reports, the restrictions, the
//! 手帳 (expiry, renewal window, renewal after expiry, grade change, moves, the certificate's
//! 6 months, the pension route), 自立支援医療's validity, renewal and the date an income
//! category change takes effect, appeals as the handbook's 教示 words them, the 医療観察法
//! periods, and the 審査会 panel ([`crate::law::review_board`]). Besides dated obligations an event
//! can give [`Finding`]s: facts such as the 手帳 grade or a vote's outcome, each with its basis.
//! The money rules of 自立支援医療 are in [`crate::law::jiritsu`].
//!
//! # Map
//! - [`rules`]: the rule table [`RULES`] and its check; [`events`]: event codes, labels and the
//!   [`Event`] itself; [`check`](mod@check): refusals of unlawful or impossible events;
//!   [`obligations`](mod@obligations): dated obligations and findings.
//!
//! Every item is re-exported here (`tsunagu_domain::law::deadlines::obligations`, `…::RULES`).

pub mod check;
pub mod events;
pub mod obligations;
pub mod rules;
#[cfg(test)]
mod tests;

pub use check::*;
pub use events::*;
pub use obligations::*;
pub use rules::*;
