//! Flags of `tsunagu serve`: the address, the maintainer token, retention, rate limits and
//! the triage data files, the public URL. `commands::serve` turns them into a `WebConfig`.

use crate::flags::store::StoreArgs;
use clap::Args;
use std::path::PathBuf;

/// `tsunagu serve`, as typed.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TSUNAGU_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Token for the maintainers' report pages (HTTP Basic user `maintainer`).
    #[arg(long, env = "TSUNAGU_MAINTAINER_TOKEN")]
    pub maintainer_token: Option<String>,
    /// Days each kind of personal record is kept, e.g. `consultation=1825,case=3650`
    /// (default 1825 for every kind; a policy choice, see the README).
    #[arg(long, env = "TSUNAGU_RETENTION", default_value = "")]
    pub retention: String,
    /// Public requests per second per client address (0 turns rate limiting off).
    #[arg(long, env = "TSUNAGU_RATE_PER_SECOND", default_value_t = 20)]
    pub rate_per_second: u32,
    /// Burst of public requests allowed above the rate.
    #[arg(long, env = "TSUNAGU_RATE_BURST", default_value_t = 100)]
    pub rate_burst: u32,
    /// Sign-in attempts per minute per client address, shared by every server on the database.
    #[arg(long, env = "TSUNAGU_LOGINS_PER_MINUTE", default_value_t = 10)]
    pub logins_per_minute: u32,
    /// Triage rule file (default: the bundled one). Send SIGHUP to reload it.
    #[arg(long, env = "TSUNAGU_TRIAGE_RULES")]
    pub triage_rules: Option<PathBuf>,
    /// Triage lexicon file (default: the bundled one). Send SIGHUP to reload it.
    #[arg(long, env = "TSUNAGU_TRIAGE_LEXICON")]
    pub triage_lexicon: Option<PathBuf>,
    /// The URL people reach the server at (`https://tsunagu.example.jp`), for the absolute
    /// links of `/hsds/`; without it they take the request's host over plain http.
    #[arg(long, env = "TSUNAGU_PUBLIC_URL", value_parser = tsunagu_web::PublicUrl::parse)]
    pub public_url: Option<tsunagu_web::PublicUrl>,
    #[command(flatten)]
    pub store: StoreArgs,
}
