//! Flags of the knowledge base: `tsunagu docs …` (ingest, search, list, remove) and
//! `tsunagu eval docs`.

use crate::flags::store::StoreArgs;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `tsunagu docs …`.
#[derive(Subcommand, Debug)]
pub enum DocsAction {
    /// Ingest text or Markdown files, or every .txt/.md file under a directory. A changed file
    /// replaces its passages; an unchanged one is left alone.
    Ingest {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print a JSON report on stdout.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Answer a question with ranked passages (document, lines, heading path, text).
    Search {
        /// The question (「医療保護入院の届出はいつまで？」「法第33条の4」).
        question: String,
        /// Number of passages.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Print JSON: {"results": [{"doc", "lines", "heading", "text", "score", …}]}.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the ingested documents.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Remove a document and its passages.
    Remove {
        /// Document name as listed.
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// `tsunagu eval docs`.
#[derive(Args, Debug)]
pub struct EvalDocsArgs {
    /// The labelled questions (JSON list of {id, question, doc, lines: [from, to]}).
    pub file: PathBuf,
    /// Parse these files or directories instead of reading the ingested passages.
    #[arg(long)]
    pub docs: Vec<PathBuf>,
    /// Timed passes over the questions.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Skip lindera + IPADIC.
    #[arg(long)]
    pub no_lindera: bool,
    /// List the questions an engine does not answer first.
    #[arg(long)]
    pub show_misses: bool,
    /// Exit 1 when an engine of this project is below this MRR or not ahead of FTS5.
    #[arg(long)]
    pub min_mrr: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}
