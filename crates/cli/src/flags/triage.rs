//! Flags of `tsunagu triage`, `tsunagu eval triage` and `tsunagu eval crisis`: the rule and
//! lexicon files, the labelled sets, the thresholds.

use crate::flags::store::StoreArgs;
use clap::Args;
use std::path::PathBuf;

/// `tsunagu triage`.
#[derive(Args, Debug)]
pub struct TriageArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Rule file (default: the bundled data/triage-rules.json).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Lexicon file (default: the bundled data/triage-lexicon.json).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `tsunagu eval triage`.
#[derive(Args, Debug)]
pub struct EvalTriageArgs {
    /// The labelled cases (JSON list).
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Rule file (default: bundled).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Lexicon file (default: bundled).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `tsunagu eval crisis`.
#[derive(Args, Debug)]
pub struct EvalCrisisArgs {
    /// Labelled sets (JSON lists of `{id, text, crisis, kind, who, why}`); each is reported
    /// alone and all together.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when the recall over all files is below this (0-1).
    #[arg(long)]
    pub min_recall: Option<f64>,
    /// Exit 1 when the false-alarm rate over all files is above this (0-1).
    #[arg(long)]
    pub max_false_alarms: Option<f64>,
    /// Rule file (default: bundled).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Lexicon file (default: bundled).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}
