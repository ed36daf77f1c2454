//! The law's procedures and periods: what must happen by when, as data with its article.
//!
//! # Map
//! - [`period`]: legal periods (民法 第138条〜第143条, exact hours, month ends, closed days).
//! - [`deadlines`]: the procedures of the 精神保健福祉法, 手帳, 自立支援医療, appeals and the
//!   医療観察法 periods as the rule table [`deadlines::RULES`], each rule citing its article
//!   and `004_d9518c60032bdf29.txt:line`.
//! - [`review_board`]: whether a 精神医療審査会 panel may sit, and what its vote decided.
//! - [`jiritsu`]: 自立支援医療（精神通院医療）'s income category, monthly cap and ledger.
//!
//! A rule's basis and a refusal are [`crate::common::basis`]. Stored by
//! `tsunagu_store::law`, served by `tsunagu_web::law` (制度ナビ and the staff case pages).

pub mod deadlines;
pub mod jiritsu;
pub mod period;
pub mod review_board;
