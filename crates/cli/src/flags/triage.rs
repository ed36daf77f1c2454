//! Flags of `tsunagu triage` and `tsunagu eval triage`: the rule and lexicon files, the
//! labelled case set.

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
