//! The `tsunagu` binary.
//!
//! `main` stays thin: it parses flags, runs the command and turns any error into a message and
//! exit code 1 (usage errors exit 2 through clap). Every command that touches data opens the
//! same store `serve` uses (SQLite under the data directory, or `--database-url`), runs the
//! migrations and, on first use, loads the bundled directory.

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tsunagu_domain::directory::dataset;
use tsunagu_domain::directory::exchange::{csv as csvfmt, handbook, hsds};
use tsunagu_domain::{Directory, ReportId};
use tsunagu_search::{
    Analyzer, LinderaIpadic, RawFilters, SearchIndex, SearchRequest, TinySegmenter,
};
use tsunagu_store::{PgStore, ReportStatus, SqliteStore, Store};

mod bench;
mod commands;

use commands::{alcohol, kb as docs, law as deadlines, records, triage};

#[derive(Parser, Debug)]
#[command(
    name = "tsunagu",
    version,
    about = "つなぐ: connects people with addiction and mental-health problems, and their families, to support in Japan"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct StoreArgs {
    /// Directory for the embedded SQLite database.
    #[arg(
        long,
        env = "TSUNAGU_DATA_DIR",
        default_value = "./tsunagu-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database URL (`postgres://…` or `sqlite://…`); overrides --data-dir.
    #[arg(long, env = "TSUNAGU_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the web UI and JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TSUNAGU_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Token for the maintainers' report pages (HTTP Basic user `maintainer`).
        #[arg(long, env = "TSUNAGU_MAINTAINER_TOKEN")]
        maintainer_token: Option<String>,
        /// Days each kind of personal record is kept, e.g. `consultation=1825,case=3650`
        /// (default 1825 for every kind; a policy choice, see the README).
        #[arg(long, env = "TSUNAGU_RETENTION", default_value = "")]
        retention: String,
        /// Public requests per second per client address (0 turns rate limiting off).
        #[arg(long, env = "TSUNAGU_RATE_PER_SECOND", default_value_t = 20)]
        rate_per_second: u32,
        /// Burst of public requests allowed above the rate.
        #[arg(long, env = "TSUNAGU_RATE_BURST", default_value_t = 100)]
        rate_burst: u32,
        /// Sign-in attempts per minute per client address.
        #[arg(long, env = "TSUNAGU_LOGINS_PER_MINUTE", default_value_t = 10)]
        logins_per_minute: u32,
        /// Triage rule file (default: the bundled one). Send SIGHUP to reload it.
        #[arg(long, env = "TSUNAGU_TRIAGE_RULES")]
        triage_rules: Option<PathBuf>,
        /// Triage lexicon file (default: the bundled one). Send SIGHUP to reload it.
        #[arg(long, env = "TSUNAGU_TRIAGE_LEXICON")]
        triage_lexicon: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: records::UserAction,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// AUDIT alcohol screening (`--answers`), or `verify` the audit trail.
    #[command(args_conflicts_with_subcommands = true)]
    Audit {
        #[command(subcommand)]
        action: Option<records::AuditCommand>,
        /// The ten AUDIT answers as scores, e.g. 4,4,4,3,2,1,0,0,2,4 (stores nothing).
        #[arg(long)]
        answers: Option<String>,
        /// male or female, for the AUDIT-C threshold.
        #[arg(long)]
        sex: Option<String>,
        /// Print a FHIR R4 Bundle (Questionnaire, QuestionnaireResponse, Observation) instead:
        /// `audit` or `audit-c`.
        #[arg(long, value_parser = ["audit", "audit-c"])]
        fhir: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Legal deadlines: reads {"events": [...]} on stdin, prints the obligations with their
    /// basis; an unlawful or impossible event exits 2 naming the rule.
    Deadlines {
        /// Read the events from this file instead of standard input.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// 自立支援医療（精神通院）: reads {"household": {...}, "visits": [...]} on stdin, prints the
    /// income category, its monthly cap with the reasons, and the cap ledger; exit 2 on a bad
    /// household.
    Copay {
        /// Read the input from this file instead of standard input.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Consultation triage: reads one consultation as JSON on stdin ({"text": "...",
    /// "prefecture": "東京都", ...}) and prints the referral plan; exit 2 on bad input.
    Triage {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Rule file (default: the bundled data/triage-rules.json).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Lexicon file (default: the bundled data/triage-lexicon.json).
        #[arg(long)]
        lexicon: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Evaluations over labelled sets.
    Eval {
        #[command(subcommand)]
        what: EvalWhat,
    },
    /// Alcohol self-check tools: grams, risk level, pathway schedule, presets.
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
        store: StoreArgs,
    },
    /// Write an online backup of the SQLite database (the server may keep running).
    Backup(records::BackupArgs),
    /// Replace the SQLite database with a checked backup (stop the server first).
    Restore(records::RestoreArgs),
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Search the directory.
    Search(SearchArgs),
    /// Import directory data.
    #[command(args_conflicts_with_subcommands = true)]
    Import(ImportArgs),
    /// Export the directory.
    Export {
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List or close "problem with this listing" reports.
    Reports {
        #[command(subcommand)]
        action: ReportsAction,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Show the database backend and what it holds.
    Status {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Measure search latency and precision against SQLite FTS5 (trigram).
    Bench(bench::search::BenchArgs),
    /// Measure personal-record writes with SQLite synchronous FULL (used) against NORMAL.
    BenchWrites(bench::writes::BenchWritesArgs),
    /// Benchmark: the deadline dashboard over 1M stored obligations, index against a scan.
    BenchDue(bench::due::BenchDueArgs),
    /// Benchmark: triage plan latency in process, directory lookup included.
    BenchTriage {
        /// The cases to plan (default: bench/triage-cases.json).
        #[arg(long, default_value = "bench/triage-cases.json")]
        cases: PathBuf,
        /// Rounds over the cases.
        #[arg(long, default_value_t = 50)]
        rounds: usize,
        /// Add this many synthetic services to the bundled directory (0: bundled only).
        #[arg(long, default_value_t = 0)]
        synthetic: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build the lindera + IPADIC dictionary (from Debian's mecab-ipadic) into the data
    /// directory; `serve` and `search` use it from then on.
    Dict {
        #[command(subcommand)]
        action: DictAction,
    },
    /// Knowledge base: ingest guideline documents and search their passages.
    Docs {
        #[command(subcommand)]
        action: DocsAction,
    },
}

#[derive(Subcommand, Debug)]
enum DocsAction {
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

#[derive(Subcommand, Debug)]
enum EvalWhat {
    /// Knowledge base: MRR, recall@1 and recall@5 against SQLite FTS5 (trigram), same run.
    Docs {
        /// The labelled questions (JSON list of {id, question, doc, lines: [from, to]}).
        file: PathBuf,
        /// Parse these files or directories instead of reading the ingested passages.
        #[arg(long)]
        docs: Vec<PathBuf>,
        /// Timed passes over the questions.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// Skip lindera + IPADIC.
        #[arg(long)]
        no_lindera: bool,
        /// List the questions an engine does not answer first.
        #[arg(long)]
        show_misses: bool,
        /// Exit 1 when an engine of this project is below this MRR or not ahead of FTS5.
        #[arg(long)]
        min_mrr: Option<f64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Triage: role precision and recall, crisis recall, must-include hits.
    Triage {
        /// The labelled cases (JSON list).
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Rule file (default: bundled).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Lexicon file (default: bundled).
        #[arg(long)]
        lexicon: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args, Debug)]
struct SearchArgs {
    /// Free text.
    query: Option<String>,
    /// Prefecture (name or JIS code).
    #[arg(long)]
    prefecture: Option<String>,
    /// Rank this prefecture first without filtering.
    #[arg(long)]
    region: Option<String>,
    /// Concern code (drugs, alcohol, gambling, …).
    #[arg(long)]
    concern: Option<String>,
    /// Audience code (self, family, …).
    #[arg(long)]
    audience: Option<String>,
    /// Service kind code.
    #[arg(long)]
    service_kind: Option<String>,
    /// Resource kind code.
    #[arg(long)]
    kind: Option<String>,
    /// Only services whose hours say open now (Japan time).
    #[arg(long)]
    open_now: bool,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Debug)]
struct ImportArgs {
    #[command(subcommand)]
    source: Option<ImportSource>,
    /// Format of FILE.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// File to import.
    file: Option<PathBuf>,
    /// Replace the whole directory instead of adding/updating records.
    #[arg(long)]
    replace: bool,
    /// Import the valid rows and report every skipped one (default: any bad row imports nothing).
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Subcommand, Debug)]
enum ImportSource {
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

#[derive(Subcommand, Debug)]
enum ReportsAction {
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

#[derive(Subcommand, Debug)]
enum DictAction {
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

/// Where `tsunagu dict build` puts the dictionary.
fn ipadic_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("ipadic")
}

/// The analyser for this data directory: lindera + IPADIC when `tsunagu dict build` has run,
/// else the embedded TinySegmenter.
fn analyzer_for(data_dir: &std::path::Path) -> Arc<dyn Analyzer> {
    let dir = ipadic_dir(data_dir);
    if LinderaIpadic::is_built(&dir) {
        match LinderaIpadic::load(&dir) {
            Ok(a) => return Arc::new(a),
            Err(e) => tracing::warn!("{e}; using TinySegmenter"),
        }
    }
    Arc::new(TinySegmenter)
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// HSDS 3.0 JSON with the tsunagu Japan profile.
    Hsds,
    /// CSV (UTF-8 with BOM), one row per service.
    Csv,
}

/// A reader that closes the pipe early (`tsunagu search … | head`) makes `println!` panic with
/// "Broken pipe". That is not an error of ours: stop quietly, as other Unix tools do.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    let level = if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            addr,
            maintainer_token,
            retention,
            rate_per_second,
            rate_burst,
            logins_per_minute,
            triage_rules,
            triage_lexicon,
            store,
        } => {
            let retention = tsunagu_domain::records::consent::RetentionPolicy::parse(&retention)
                .map_err(|e| anyhow::anyhow!("--retention: {e}"))?;
            let rate_limit = (rate_per_second > 0).then_some(tsunagu_web::ratelimit::RateLimit {
                per_second: rate_per_second,
                burst: rate_burst,
                logins_per_minute,
            });
            let config = tsunagu_web::WebConfig {
                maintainer_token,
                retention,
                rate_limit,
                triage_rules,
                triage_lexicon,
            };
            serve(&addr, config, &store).await
        }
        Command::User { action, store } => records::user(action, &store).await,
        Command::Audit {
            action,
            answers,
            sex,
            fhir,
            json,
            store,
        } => match (action, answers) {
            (Some(action), _) => records::audit(action, &store).await,
            (None, Some(answers)) => match fhir.as_deref() {
                Some(form) => alcohol::audit_fhir(&answers, form),
                None => alcohol::audit(&answers, sex.as_deref(), json),
            },
            (None, None) => {
                bail!("give --answers for AUDIT screening, or `verify` to check the audit trail")
            }
        },
        Command::Alcohol { action } => alcohol::alcohol(action),
        Command::Deadlines { file, json } => deadlines::run(file, json),
        Command::Copay { file, json } => deadlines::copay(file, json),
        Command::Triage {
            json,
            rules,
            lexicon,
            store,
        } => {
            let dir = ready_store(&store).await?.directory().await?;
            triage::run(&dir, rules.as_deref(), lexicon.as_deref(), json)
        }
        Command::Eval {
            what:
                EvalWhat::Triage {
                    file,
                    json,
                    rules,
                    lexicon,
                    store,
                },
        } => {
            let dir = ready_store(&store).await?.directory().await?;
            triage::eval(&dir, &file, rules.as_deref(), lexicon.as_deref(), json)
        }
        Command::Eval {
            what:
                EvalWhat::Docs {
                    file,
                    docs: paths,
                    rounds,
                    no_lindera,
                    show_misses,
                    min_mrr,
                    json,
                    store,
                },
        } => {
            let opened = if paths.is_empty() {
                Some(ready_store(&store).await?)
            } else {
                None
            };
            let lindera = if no_lindera {
                None
            } else {
                docs::lindera_for_eval(&store.data_dir)?
            };
            let opts = docs::EvalOptions {
                docs: paths,
                rounds,
                json,
                show_misses,
                min_mrr,
            };
            docs::eval(opened.as_deref(), lindera, &file, &opts).await
        }
        Command::Docs { action } => match action {
            DocsAction::Ingest { paths, json, store } => {
                docs::ingest(ready_store(&store).await?.as_ref(), &paths, json).await
            }
            DocsAction::Search {
                question,
                limit,
                json,
                store,
            } => {
                let s = ready_store(&store).await?;
                docs::search(
                    s.as_ref(),
                    analyzer_for(&store.data_dir),
                    &question,
                    limit,
                    json,
                )
                .await
            }
            DocsAction::List { json, store } => {
                docs::list(ready_store(&store).await?.as_ref(), json).await
            }
            DocsAction::Remove { name, store } => {
                docs::remove(ready_store(&store).await?.as_ref(), &name).await
            }
        },
        Command::Purge { json, store } => records::purge(json, &store).await,
        Command::Backup(a) => records::backup(a).await,
        Command::Restore(a) => records::restore(a).await,
        Command::Migrate { store } => {
            let s = open_store(&store).await?;
            s.migrate().await?;
            println!("migrations applied ({})", s.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => search(args).await,
        Command::Import(args) => import(args).await,
        Command::Export {
            format,
            output,
            store,
        } => export(format, output, &store).await,
        Command::Reports { action, store } => reports(action, &store).await,
        Command::Status { store } => {
            let s = ready_store(&store).await?;
            println!("backend: {}", s.backend());
            println!("analyser: {}", analyzer_for(&store.data_dir).name());
            println!("services: {}", s.count_services().await?);
            println!(
                "dataset: {}",
                s.meta("dataset").await?.unwrap_or_else(|| "-".into())
            );
            println!(
                "open reports: {}",
                s.reports(Some(ReportStatus::Open)).await?.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => bench::search::run(args).await,
        Command::BenchWrites(args) => bench::writes::run(args).await,
        Command::BenchDue(args) => bench::due::run(args).await,
        Command::BenchTriage {
            cases,
            rounds,
            synthetic,
            json,
        } => {
            let base = dataset::bundled().context("the bundled dataset is broken")?;
            let dir = if synthetic > 0 {
                bench::search::synthetic(&base, synthetic)?
            } else {
                base
            };
            triage::bench(&dir, &cases, rounds, json)
        }
        Command::Dict {
            action: DictAction::Build { source, data_dir },
        } => {
            let out = ipadic_dir(&data_dir);
            eprintln!(
                "building the IPADIC dictionary from {} into {}…",
                source.display(),
                out.display()
            );
            let started = Instant::now();
            LinderaIpadic::build(&source, &out)?;
            eprintln!(
                "built in {:.1} s; serve and search now use lindera-ipadic",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the configured store without touching its contents.
async fn open_store(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    match args.database_url.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let s = PgStore::connect(url)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Arc::new(s))
        }
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(
            SqliteStore::connect(url)
                .await
                .context("cannot open the SQLite database")?,
        )),
        Some(other) => bail!("unsupported database URL {other:?}: use postgres://… or sqlite://…"),
        None => {
            std::fs::create_dir_all(&args.data_dir).with_context(|| {
                format!(
                    "cannot create the data directory {}",
                    args.data_dir.display()
                )
            })?;
            let path = args.data_dir.join("tsunagu.db");
            Ok(Arc::new(SqliteStore::open(&path).await.with_context(
                || format!("cannot open {}", path.display()),
            )?))
        }
    }
}

/// Opens the store, migrates it and loads the bundled directory on first use.
async fn ready_store(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(args).await?;
    store.migrate().await.context("migrations failed")?;
    if store.meta("dataset").await?.is_none() {
        let dir = dataset::bundled().context("the bundled dataset is broken")?;
        let summary = store
            .replace_directory(&dir)
            .await
            .context("loading the bundled dataset failed")?;
        store
            .set_meta("dataset", &format!("bundled {}", env!("CARGO_PKG_VERSION")))
            .await?;
        eprintln!(
            "loaded the bundled directory: {} organizations, {} services",
            summary.organizations, summary.services
        );
    }
    Ok(store)
}

async fn serve(
    addr: &str,
    config: tsunagu_web::WebConfig,
    args: &StoreArgs,
) -> anyhow::Result<ExitCode> {
    // Held until the server stops, so that `tsunagu restore` cannot swap the database
    // under a running server.
    let _lock = records::lock_data_dir(&args.data_dir)?;
    let store = ready_store(args).await?;
    let started = Instant::now();
    let clock: tsunagu_web::Clock = Arc::new(chrono::Utc::now);
    let state =
        tsunagu_web::AppState::load(store.clone(), analyzer_for(&args.data_dir), config, clock)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let indexed = state.catalog().index.len();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(
        backend = store.backend(),
        services = indexed,
        analyser = state.catalog().index.analyzer_name(),
        index_ms = started.elapsed().as_millis() as u64,
        "tsunagu listening on http://{}",
        listener.local_addr()?
    );
    // SIGHUP reloads the triage rules and lexicon, and the knowledge base (after
    // `tsunagu docs ingest`); a broken file is refused and the data in use stays.
    #[cfg(unix)]
    {
        let state = state.clone();
        if let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        {
            tokio::spawn(async move {
                while hup.recv().await.is_some() {
                    match state.reload_triage() {
                        Ok(()) => tracing::info!("triage rules and lexicon reloaded"),
                        Err(e) => {
                            tracing::error!("triage reload refused, keeping the rules in use: {e}")
                        }
                    }
                    match state.reload_docs().await {
                        Ok(n) => tracing::info!(passages = n, "knowledge base reloaded"),
                        Err(e) => {
                            tracing::error!(
                                "knowledge-base reload failed, keeping the one in use: {e}"
                            )
                        }
                    }
                }
            });
        }
    }
    // Connection info gives handlers the client address for the audit trail.
    let app = tsunagu_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // In-flight requests have finished; close the pool so SQLite checkpoints its WAL.
    store.close_pool().await;
    tracing::info!("shut down");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn search(a: SearchArgs) -> anyhow::Result<ExitCode> {
    let mut request = SearchRequest {
        text: a.query.clone().unwrap_or_default(),
        open_now: a.open_now,
        now: Some(tsunagu_domain::common::calendar::jst(chrono::Utc::now())),
        limit: a.limit.clamp(1, 100),
        ..Default::default()
    };
    let raw = RawFilters {
        prefecture: a.prefecture.as_deref(),
        region: a.region.as_deref(),
        concern: a.concern.as_deref(),
        audience: a.audience.as_deref(),
        service_kind: a.service_kind.as_deref(),
        kind: a.kind.as_deref(),
    };
    raw.apply(&mut request)?;
    if request.text.chars().count() > tsunagu_search::MAX_QUERY_CHARS {
        bail!(
            "the query is longer than {} characters",
            tsunagu_search::MAX_QUERY_CHARS
        );
    }
    let store = ready_store(&a.store).await?;
    let dir = store.directory().await?;
    let index = SearchIndex::build(&dir, analyzer_for(&a.store.data_dir))?;
    let results = index.search(&request)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("{}件", results.total);
        for (i, h) in results.results.iter().enumerate() {
            let phones: Vec<String> = h
                .phones
                .iter()
                .map(|p| {
                    if p.flagged {
                        format!("{}（要確認）", p.number)
                    } else {
                        p.number.clone()
                    }
                })
                .collect();
            println!(
                "{:>2}. {}  [{}]  {}",
                i + 1,
                h.name,
                h.prefecture.as_deref().unwrap_or("全国"),
                phones.join(" / ")
            );
            if let Some(state) = &h.open_now {
                println!("    {}  /services/{}", state.label_ja(), h.id);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    const MAX: u64 = 512 * 1024 * 1024;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > MAX {
        bail!(
            "{} is larger than {} MiB",
            path.display(),
            MAX / 1024 / 1024
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn utf8(path: &std::path::Path, bytes: Vec<u8>) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{} is not valid UTF-8 (first bad byte at offset {at})",
            path.display()
        )
    })
}

async fn write_directory(store: &dyn Store, dir: &Directory, replace: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!(
        "writing {} organizations and {} services in one transaction…",
        dir.organizations.len(),
        dir.services.len()
    );
    let summary = if replace {
        store.replace_directory(dir).await?
    } else {
        store.upsert_directory(dir).await?
    };
    eprintln!(
        "imported {} organizations and {} services in {:.1} s",
        summary.organizations,
        summary.services,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(ImportSource::HandbookTables {
        file,
        emit,
        skip_invalid,
        store,
    }) = a.source
    {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("handbook.txt")
            .to_owned();
        let text = utf8(&file, read_file(&file)?)?;
        eprintln!("parsing {}…", file.display());
        let im = handbook::import(&name, &text);
        eprintln!("found {} departments, {} centres, {} related organisations; {} data-quality notes; {} rows filled down", im.departments, im.centres, im.related, im.notes.len(), im.filled_down.len());
        for e in &im.errors {
            eprintln!("{}:{}: {}", file.display(), e.line, e.message);
        }
        if !im.errors.is_empty() && !skip_invalid {
            bail!(
                "{} bad rows; nothing imported (use --skip-invalid to import the rest)",
                im.errors.len()
            );
        }
        if !im.errors.is_empty() {
            eprintln!("skipped {} bad rows", im.errors.len());
        }
        if let Some(out) = emit {
            let mut json = serde_json::to_string_pretty(&im.directory)?;
            json.push('\n');
            std::fs::write(&out, json)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("wrote {}", out.display());
            return Ok(ExitCode::SUCCESS);
        }
        let store = ready_store(&store).await?;
        write_directory(store.as_ref(), &im.directory, false).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(format), Some(file)) = (a.format, a.file.as_ref()) else {
        bail!("usage: tsunagu import --format hsds|csv <file>   or   tsunagu import handbook-tables <file>");
    };
    eprintln!("reading {}…", file.display());
    let bytes = read_file(file)?;
    let dir = match format {
        Format::Hsds => {
            let text = utf8(file, bytes)?;
            hsds::import(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
        }
        Format::Csv => {
            let (dir, errors) = csvfmt::read(&bytes);
            for e in &errors {
                eprintln!("{}:{}: {}", file.display(), e.line, e.message);
            }
            if !errors.is_empty() && !a.skip_invalid {
                bail!(
                    "{} bad rows; nothing imported (use --skip-invalid to import the rest)",
                    errors.len()
                );
            }
            if !errors.is_empty() {
                eprintln!("skipped {} bad rows (listed above)", errors.len());
            }
            dir
        }
    };
    eprintln!(
        "parsed {} organizations and {} services",
        dir.organizations.len(),
        dir.services.len()
    );
    let store = ready_store(&a.store).await?;
    write_directory(store.as_ref(), &dir, a.replace).await?;
    Ok(ExitCode::SUCCESS)
}

async fn export(
    format: Format,
    output: Option<PathBuf>,
    args: &StoreArgs,
) -> anyhow::Result<ExitCode> {
    let store = ready_store(args).await?;
    let dir = store.directory().await?;
    let bytes = match format {
        Format::Hsds => {
            let mut s = serde_json::to_string_pretty(&hsds::export(&dir))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => csvfmt::write(&dir)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "exported {} services to {}",
                dir.services.len(),
                path.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn reports(action: ReportsAction, args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let store = ready_store(args).await?;
    match action {
        ReportsAction::List { all, json } => {
            let list = store
                .reports(if all { None } else { Some(ReportStatus::Open) })
                .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({"reports": list}))?
                );
            } else if list.is_empty() {
                println!("no reports");
            } else {
                for r in list {
                    println!(
                        "#{} [{}] {} {}: {}",
                        r.id,
                        r.status,
                        r.created_at.format("%Y-%m-%d %H:%M"),
                        r.service_id,
                        r.message
                    );
                }
            }
        }
        ReportsAction::Close { id, resolution } => {
            let r = store
                .close_report(ReportId(id), &resolution, chrono::Utc::now())
                .await?;
            println!("closed #{}", r.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
