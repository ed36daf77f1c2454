//! One file per capability of the `tsunagu` binary.

pub mod alcohol;
pub mod kb;
pub mod law;
pub mod records;
pub mod triage;
