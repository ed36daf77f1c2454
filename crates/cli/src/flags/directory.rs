//! Flags of the directory commands: `search`, `import`, `export`, `reports` and `dict`.

use crate::flags::store::StoreArgs;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `tsunagu search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Free text.
    pub query: Option<String>,
    /// Prefecture (name or JIS code).
    #[arg(long)]
    pub prefecture: Option<String>,
    /// Rank this prefecture first without filtering.
    #[arg(long)]
    pub region: Option<String>,
    /// Concern code (drugs, alcohol, gambling, …).
    #[arg(long)]
    pub concern: Option<String>,
    /// Audience code (self, family, …).
    #[arg(long)]
    pub audience: Option<String>,
    /// Service kind code.
    #[arg(long)]
    pub service_kind: Option<String>,
    /// Resource kind code.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only services whose hours say open now (Japan time).
    #[arg(long)]
    pub open_now: bool,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `tsunagu import`: a file in a format, or a source with its own parser.
#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: Option<ImportSource>,
    /// Format of FILE.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// File to import.
    pub file: Option<PathBuf>,
    /// Replace the whole directory instead of adding/updating records.
    #[arg(long)]
    pub replace: bool,
    /// Import the valid rows and report every skipped one (default: any bad row imports nothing).
    #[arg(long)]
    pub skip_invalid: bool,
    /// HSDS written by another system: the kind of every service that does not say its own
    /// (a resource-kind code, such as `self_help_group`). Without it such services are refused.
    #[arg(long, value_parser = |s: &str| s.parse::<tsunagu_domain::ResourceKind>().map_err(|e| e.to_string()))]
    pub kind: Option<tsunagu_domain::ResourceKind>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Sources of `tsunagu import` that have their own parser.
#[derive(Subcommand, Debug)]
pub enum ImportSource {
    /// Parse the directory tables of 「我が国の精神保健福祉」(seed 004) and import them.
    HandbookTables {
        /// The handbook text file.
        file: PathBuf,
        /// Write the parsed directory as JSON to this file instead of importing it.
        #[arg(long)]
        emit: Option<PathBuf>,
        /// Import the valid rows and report every skipped one.
        #[arg(long)]
        skip_invalid: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `tsunagu export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output file (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The public URL of the deployment whose data this is: an HSDS export then names its
    /// profile (`<URL>/hsds/profile`). Without it the export has no `profile`.
    #[arg(long, env = "TSUNAGU_PUBLIC_URL", value_parser = tsunagu_web::PublicUrl::parse)]
    pub public_url: Option<tsunagu_web::PublicUrl>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The exchange formats of `import` and `export`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// HSDS 3.0 JSON with the tsunagu Japan profile.
    Hsds,
    /// CSV (UTF-8 with BOM), one row per service.
    Csv,
}

/// `tsunagu reports …`.
#[derive(Subcommand, Debug)]
pub enum ReportsAction {
    /// List reports (open ones unless --all).
    List {
        /// Include closed reports.
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Close a report.
    Close {
        /// Report id.
        id: i64,
        /// What was done.
        #[arg(long)]
        resolution: String,
    },
}

/// `tsunagu dict …`.
#[derive(Subcommand, Debug)]
pub enum DictAction {
    /// Build the dictionary.
    Build {
        /// IPADIC sources (EUC-JP CSV and .def files).
        #[arg(long, default_value = tsunagu_search::DEBIAN_IPADIC)]
        source: PathBuf,
        /// Data directory the dictionary goes into (as `<data-dir>/ipadic`).
        #[arg(long, env = "TSUNAGU_DATA_DIR", default_value = "./tsunagu-data")]
        data_dir: PathBuf,
    },
}
