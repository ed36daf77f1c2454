//! The `tsunagu` binary.
//!
//! `main` stays thin: it parses flags, runs the command and turns any error into a message and
//! exit code 1 (usage errors exit 2 through clap). Every command that touches data opens the
//! same store `serve` uses (SQLite under the data directory, or `--database-url`), runs the
//! migrations and, on first use, loads the bundled directory.
//!
//! # Code tour
//!
//! - `flags`: the command line as typed (clap types), one file per capability.
//! - `commands`: what each subcommand does, one file per capability; `commands/mod.rs`
//!   dispatches.
//! - `bench`: the benchmarks.
//! - `kit`: what several commands share (the store, the analyser, measuring); it imports no
//!   command.

use anyhow::Context;
use std::process::ExitCode;

mod bench;
mod commands;
mod flags;
mod kit;

fn main() -> ExitCode {
    kit::pipe::quiet_on_broken_pipe();
    let cli = flags::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(cli.log_level())),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the async runtime and runs the command.
fn run(cli: flags::Cli) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(commands::run(cli.command))
}
