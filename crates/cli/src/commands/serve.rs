//! `tsunagu serve`: the web UI and JSON API. Holds the data directory's lock while it runs,
//! reloads the triage data and the knowledge base on SIGHUP, and shuts down gracefully on
//! Ctrl-C or SIGTERM, closing the pool so that SQLite checkpoints its WAL.

use crate::flags::serve::ServeArgs;
use crate::flags::store::StoreArgs;
use crate::kit::analyzer::analyzer_for;
use crate::kit::store::{lock_data_dir, ready_store};
use anyhow::Context;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// `tsunagu serve`.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let retention = tsunagu_domain::records::consent::RetentionPolicy::parse(&args.retention)
        .map_err(|e| anyhow::anyhow!("--retention: {e}"))?;
    let rate_limit = (args.rate_per_second > 0).then_some(tsunagu_web::ratelimit::RateLimit {
        per_second: args.rate_per_second,
        burst: args.rate_burst,
        logins_per_minute: args.logins_per_minute,
    });
    let config = tsunagu_web::WebConfig {
        maintainer_token: args.maintainer_token,
        retention,
        rate_limit,
        triage_rules: args.triage_rules,
        triage_lexicon: args.triage_lexicon,
        public_url: args.public_url,
    };
    serve(&args.addr, config, &args.store).await
}

async fn serve(
    addr: &str,
    config: tsunagu_web::WebConfig,
    args: &StoreArgs,
) -> anyhow::Result<ExitCode> {
    // On SQLite the lock is held until the server stops, so that `tsunagu restore` cannot swap
    // the database under a running server (and a second server cannot open the same file). On
    // PostgreSQL several servers share the database, and the data directory only holds the
    // read-only dictionary: no lock.
    let _lock = if args.at().is_postgres() {
        None
    } else {
        Some(lock_data_dir(&args.data_dir)?)
    };
    let store = ready_store(args.at()).await?;
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

/// Ctrl-C, or SIGTERM on Unix.
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
