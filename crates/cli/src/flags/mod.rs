//! The command line as typed: every clap type of `tsunagu`, one file per capability (as
//! ripgrep's `crates/core/flags/`). Nothing here does I/O; `commands` turns these into work.

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

pub mod alcohol;
pub mod bench;
pub mod directory;
pub mod kb;
pub mod law;
pub mod records;
pub mod serve;
pub mod store;
pub mod triage;

/// Parses the command line; a usage error exits 2 through clap, and so does a spelling that
/// has moved, naming the new one.
pub fn parse() -> Cli {
    let cli = Cli::parse();
    if let Command::Audit(a) = &cli.command {
        if a.action.is_none() && (a.answers.is_some() || a.sex.is_some() || a.fhir.is_some()) {
            audit_questionnaire_moved().exit();
        }
    }
    cli
}

/// `tsunagu audit --answers …` was the AUDIT questionnaire; `audit` now means only the audit
/// trail, and the questionnaire lives with the other alcohol tools.
fn audit_questionnaire_moved() -> clap::Error {
    const MESSAGE: &str =
        "the AUDIT questionnaire has moved: use `tsunagu alcohol audit --answers …` \
         (`tsunagu audit` is the audit trail: `tsunagu audit verify`)";
    let mut cli = Cli::command();
    cli.build();
    match cli
        .find_subcommand_mut("alcohol")
        .and_then(|c| c.find_subcommand_mut("audit"))
    {
        Some(new) => new.error(ErrorKind::InvalidSubcommand, MESSAGE),
        None => cli.error(ErrorKind::InvalidSubcommand, MESSAGE),
    }
}

/// The whole command line.
#[derive(Parser, Debug)]
#[command(
    name = "tsunagu",
    version,
    about = "つなぐ: connects people with addiction and mental-health problems, and their families, to support in Japan"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The default log level: `serve` reports what it does, the other commands only warn.
    pub fn log_level(&self) -> &'static str {
        if matches!(self.command, Command::Serve(_)) {
            "info"
        } else {
            "warn"
        }
    }
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the web UI and JSON API.
    Serve(serve::ServeArgs),
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: records::UserAction,
        #[command(flatten)]
        store: store::StoreArgs,
    },
    /// Check the audit trail (`verify`). AUDIT screening is `tsunagu alcohol audit`.
    #[command(args_conflicts_with_subcommands = true)]
    Audit(records::AuditArgs),
    /// Legal deadlines: reads {"events": [...]} on stdin, prints the obligations with their
    /// basis; an unlawful or impossible event exits 2 naming the rule.
    Deadlines(law::DeadlinesArgs),
    /// 自立支援医療（精神通院）: reads {"household": {...}, "visits": [...]} on stdin, prints the
    /// income category, its monthly cap with the reasons, and the cap ledger; exit 2 on a bad
    /// household.
    Copay(law::CopayArgs),
    /// Consultation triage: reads one consultation as JSON on stdin ({"text": "...",
    /// "prefecture": "東京都", ...}) and prints the referral plan; exit 2 on bad input.
    Triage(triage::TriageArgs),
    /// Evaluations over labelled sets.
    Eval {
        #[command(subcommand)]
        what: EvalWhat,
    },
    /// Alcohol self-check tools: AUDIT screening, grams, risk level, pathway schedule, presets.
    Alcohol {
        #[command(subcommand)]
        action: alcohol::AlcoholAction,
    },
    /// Delete personal records past retention or under withdrawn consent (run it daily).
    Purge {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: store::StoreArgs,
    },
    /// Write an online backup of the SQLite database (the server may keep running).
    Backup(records::BackupArgs),
    /// Replace the SQLite database with a checked backup (stop the server first).
    Restore(records::RestoreArgs),
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        store: store::StoreArgs,
    },
    /// Search the directory.
    Search(directory::SearchArgs),
    /// Import directory data.
    #[command(args_conflicts_with_subcommands = true)]
    Import(directory::ImportArgs),
    /// Export the directory.
    Export(directory::ExportArgs),
    /// List or close "problem with this listing" reports.
    Reports {
        #[command(subcommand)]
        action: directory::ReportsAction,
        #[command(flatten)]
        store: store::StoreArgs,
    },
    /// Show the database backend and what it holds.
    Status {
        #[command(flatten)]
        store: store::StoreArgs,
    },
    /// Measure search latency and precision against SQLite FTS5 (trigram).
    Bench(bench::BenchArgs),
    /// Measure personal-record writes with SQLite synchronous FULL (used) against NORMAL.
    BenchWrites(bench::BenchWritesArgs),
    /// Benchmark: the deadline dashboard over 1M stored obligations, index against a scan.
    BenchDue(bench::BenchDueArgs),
    /// Benchmark: triage plan latency in process, directory lookup included.
    BenchTriage(bench::BenchTriageArgs),
    /// Build the lindera + IPADIC dictionary (from Debian's mecab-ipadic) into the data
    /// directory; `serve` and `search` use it from then on.
    Dict {
        #[command(subcommand)]
        action: directory::DictAction,
    },
    /// Knowledge base: ingest guideline documents and search their passages.
    Docs {
        #[command(subcommand)]
        action: kb::DocsAction,
    },
}

/// `tsunagu eval …`: one evaluation per capability that has a labelled set.
#[derive(Subcommand, Debug)]
pub enum EvalWhat {
    /// Knowledge base: MRR, recall@1 and recall@5 against SQLite FTS5 (trigram), same run.
    Docs(kb::EvalDocsArgs),
    /// Triage: role precision and recall, crisis recall, must-include hits.
    Triage(triage::EvalTriageArgs),
    /// Crisis detection: recall, false-alarm rate, per kind, and every miss and false alarm.
    Crisis(triage::EvalCrisisArgs),
}
