//! Flags of the benchmarks: `bench` (search), `bench-writes`, `bench-due` and
//! `bench-triage`.

use clap::Args;
use std::path::PathBuf;

/// `tsunagu bench`: search latency and precision.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Size of the synthetic directory (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub synthetic: usize,
    /// Measured passes over the query set, per engine and dataset.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Labelled queries (JSON); default: the project's bench/queries.json.
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// List the labelled queries where an engine's top 5 misses relevant listings.
    #[arg(long)]
    pub show_misses: bool,
    /// Print the median latency of every query for both engines.
    #[arg(long)]
    pub per_query: bool,
    /// Skip the lindera + IPADIC analyser (by default it is measured too when Debian's
    /// mecab-ipadic is installed; its dictionary is built into a temporary directory).
    #[arg(long)]
    pub no_lindera: bool,
}

/// `tsunagu bench-writes`.
#[derive(Args, Debug)]
pub struct BenchWritesArgs {
    /// Records written per run.
    #[arg(long, default_value_t = 500)]
    pub records: usize,
    /// Concurrent writers in the second run.
    #[arg(long, default_value_t = 4)]
    pub writers: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tsunagu bench-due`.
#[derive(Args, Debug)]
pub struct BenchDueArgs {
    /// Obligations stored.
    #[arg(long, default_value_t = 1_000_000)]
    pub obligations: u64,
    /// Dashboard loads timed per variant.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tsunagu bench-triage`.
#[derive(Args, Debug)]
pub struct BenchTriageArgs {
    /// The cases to plan (default: bench/triage-cases.json).
    #[arg(long, default_value = "bench/triage-cases.json")]
    pub cases: PathBuf,
    /// Rounds over the cases.
    #[arg(long, default_value_t = 50)]
    pub rounds: usize,
    /// Add this many synthetic services to the bundled directory (0: bundled only).
    #[arg(long, default_value_t = 0)]
    pub synthetic: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
