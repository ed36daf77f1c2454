//! Flags of the law commands: `deadlines` (procedures and their deadlines) and `copay`
//! (自立支援医療). Both read JSON from standard input or `--file`.

use clap::Args;
use std::path::PathBuf;

/// `tsunagu deadlines`.
#[derive(Args, Debug)]
pub struct DeadlinesArgs {
    /// Read the events from this file instead of standard input.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tsunagu copay`.
#[derive(Args, Debug)]
pub struct CopayArgs {
    /// Read the input from this file instead of standard input.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
