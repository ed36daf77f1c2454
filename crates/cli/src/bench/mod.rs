//! Benchmarks, each measured in one run against its baseline: `search` (tantivy against
//! SQLite FTS5 trigram; `tsunagu bench`), `writes` (synchronous FULL against NORMAL;
//! `bench-writes`), `due` (the deadline dashboard, index against scan; `bench-due`) and
//! `triage` (plan latency; `bench-triage`). The labelled sets are data under `bench/` at the
//! root of the repository.

pub mod due;
pub mod search;
pub mod triage;
pub mod writes;
