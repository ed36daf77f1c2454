//! What each subcommand does, one file per capability; this file only dispatches.
//!
//! - `serve`: the web UI and JSON API.
//! - `directory`: search, import, export, reports, status, migrate, dict build.
//! - `records`: staff accounts, the audit trail, purge, backup, restore.
//! - `law`: deadlines and the 自立支援医療 copay.
//! - `kb`: the knowledge base (docs ingest/search/list/remove, eval docs).
//! - `triage`: one consultation's referral plan, eval triage.
//! - `alcohol`: the alcohol self-check tools.
//!
//! The benchmarks are in `crate::bench`; what several commands share is in `crate::kit`.

use crate::bench;
use crate::flags::{Command, EvalWhat};
use std::process::ExitCode;

pub mod alcohol;
pub mod directory;
pub mod kb;
pub mod law;
pub mod records;
pub mod serve;
pub mod triage;

/// Runs one subcommand; its exit code, or an error for `main` to report.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::User { action, store } => records::user(action, &store).await,
        Command::Audit(args) => records::audit(args).await,
        Command::Alcohol { action } => alcohol::alcohol(action),
        Command::Deadlines(args) => law::deadlines(args),
        Command::Copay(args) => law::copay(args),
        Command::Triage(args) => triage::run(args).await,
        Command::Eval {
            what: EvalWhat::Triage(args),
        } => triage::eval(args).await,
        Command::Eval {
            what: EvalWhat::Docs(args),
        } => kb::run_eval(args).await,
        Command::Eval {
            what: EvalWhat::Crisis(args),
        } => triage::eval_crisis(args).await,
        Command::Docs { action } => kb::run(action).await,
        Command::Purge { json, store } => records::purge(json, &store).await,
        Command::Backup(args) => records::backup(args).await,
        Command::Restore(args) => records::restore(args).await,
        Command::Migrate { store } => directory::migrate(&store).await,
        Command::Search(args) => directory::search(args).await,
        Command::Import(args) => directory::import(args).await,
        Command::Export(args) => directory::export(args).await,
        Command::Reports { action, store } => directory::reports(action, &store).await,
        Command::Status { store } => directory::status(&store).await,
        Command::Bench(args) => bench::search::run(args).await,
        Command::BenchWrites(args) => bench::writes::run(args).await,
        Command::BenchDue(args) => bench::due::run(args).await,
        Command::BenchTriage(args) => bench::triage::run(args),
        Command::Dict { action } => directory::dict(action),
    }
}
