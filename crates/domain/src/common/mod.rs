//! What every capability shares. Nothing here imports a capability module.
//!
//! - [`ids`]: typed identifiers (directory slugs and record row ids).
//! - [`codes`]: the machinery of closed code lists ([`codes::UnknownCode`]); the lists
//!   themselves live with their capability.
//! - [`normalize`]: text folding for matching (NFKC, case, kana).
//! - [`calendar`]: Japan Standard Time, national holidays and 年末年始.
//! - [`wareki`]: 和暦 dates.
//! - [`basis`]: where a legal rule comes from and why an input was refused.

pub mod basis;
pub mod calendar;
pub mod codes;
pub mod ids;
pub mod normalize;
pub mod wareki;
