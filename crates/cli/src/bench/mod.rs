//! Benchmarks: search, personal-record writes, the deadline dashboard.

pub mod due;
pub mod search;
pub mod writes;
