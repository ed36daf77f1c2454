//! Web UI and JSON API for tsunagu.
//!
//! # Brief overview
//! [`app`] builds the whole axum [`Router`] from an [`AppState`], so tests drive it with
//! `oneshot` and no port. Pages ([`pages`]) are Japanese, server-rendered with askama, work
//! without JavaScript, and share every search and lookup with their JSON twins ([`api`], under
//! `/api/v1`, plus HSDS read endpoints under `/hsds`). Every response carries security headers,
//! including a CSP without inline scripts. Errors never leak internals: server faults are
//! logged and answered with a generic message.

use axum::http::{header, HeaderValue};
use axum::Router;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::sync::{Arc, RwLock};
use tower_http::set_header::SetResponseHeaderLayer;
use tsunagu_domain::{Directory, ResourceKind};
use tsunagu_search::{Analyzer, SearchIndex};
use tsunagu_store::Store;

pub mod alcohol;
pub mod api;
pub mod auth;
pub mod chart;
pub mod docs;
mod error;
mod form;
pub mod pages;
pub mod ratelimit;
pub mod seido;
pub mod staff;
pub mod staff_alcohol;
pub mod staff_deadlines;
pub mod triage;
mod views;

pub use error::AppError;

/// Returns the current time; injected so that tests control "now".
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Token for the maintainers' report pages (HTTP Basic, user `maintainer`). When `None`,
    /// those pages answer 404.
    pub maintainer_token: Option<String>,
    /// How long each kind of personal record is kept.
    pub retention: tsunagu_domain::records::consent::RetentionPolicy,
    /// Per-client rate limits on public endpoints; `None` turns them off (tests).
    pub rate_limit: Option<ratelimit::RateLimit>,
    /// Triage rule file; `None` uses the bundled one.
    pub triage_rules: Option<std::path::PathBuf>,
    /// Triage lexicon file; `None` uses the bundled one.
    pub triage_lexicon: Option<std::path::PathBuf>,
}

/// A crisis line shown in the banner: only services of kind `crisis_line` that have a phone
/// and a source.
#[derive(Debug, Clone)]
pub struct CrisisLine {
    /// Service id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Number.
    pub number: String,
    /// Digits for `tel:`.
    pub digits: String,
    /// `file:lines` of the source.
    pub source: String,
}

/// What is rebuilt when the directory changes: the search index and the banner lines.
#[derive(Debug)]
pub struct Catalog {
    /// The search index.
    pub index: SearchIndex,
    /// Crisis lines for the banner.
    pub crisis: Vec<CrisisLine>,
    /// The directory prepared for triage plans.
    pub triage: tsunagu_domain::triage::Resources,
}

/// The triage rule book and lexicon in use; replaced whole on reload.
#[derive(Debug)]
pub struct TriageData {
    /// Rules.
    pub rules: tsunagu_domain::triage::RuleBook,
    /// Lexicon.
    pub lexicon: tsunagu_domain::triage::Lexicon,
}

impl TriageData {
    /// Loads the files configured (or the bundled data), checking them.
    pub fn load(config: &WebConfig) -> Result<TriageData, String> {
        let read = |p: &std::path::Path| {
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let rules = match &config.triage_rules {
            Some(p) => tsunagu_domain::triage::RuleBook::parse(&read(p)?),
            None => tsunagu_domain::triage::RuleBook::bundled(),
        }
        .map_err(|e| e.to_string())?;
        let lexicon = match &config.triage_lexicon {
            Some(p) => tsunagu_domain::triage::Lexicon::parse(&read(p)?),
            None => tsunagu_domain::triage::Lexicon::bundled(),
        }
        .map_err(|e| e.to_string())?;
        Ok(TriageData { rules, lexicon })
    }
}

impl Catalog {
    /// Builds the catalog for a directory.
    pub fn build(
        dir: &Directory,
        analyzer: Arc<dyn Analyzer>,
    ) -> Result<Catalog, tsunagu_search::SearchError> {
        let crisis = dir
            .services
            .iter()
            .filter(|s| s.kind == ResourceKind::CrisisLine)
            .flat_map(|s| {
                s.phones.iter().map(move |p| CrisisLine {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    number: p.number.to_string(),
                    digits: p.number.digits(),
                    source: s.provenance.source.cite(),
                })
            })
            .collect();
        Ok(Catalog {
            index: SearchIndex::build(dir, analyzer)?,
            crisis,
            triage: tsunagu_domain::triage::Resources::new(dir),
        })
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The current catalog; replaced whole after an import.
    pub catalog: Arc<RwLock<Arc<Catalog>>>,
    /// Analyzer used to rebuild the catalog.
    pub analyzer: Arc<dyn Analyzer>,
    /// Settings.
    pub config: Arc<WebConfig>,
    /// The clock.
    pub clock: Clock,
    /// Rate limiters, when configured.
    pub limiters: Option<Arc<ratelimit::Limiters>>,
    /// Triage rules and lexicon; replaced whole by [`AppState::reload_triage`].
    pub triage: Arc<RwLock<Arc<TriageData>>>,
    /// Knowledge base; replaced whole by [`AppState::reload_docs`].
    pub docs: Arc<RwLock<Arc<docs::DocsData>>>,
}

impl AppState {
    /// Builds the state from the stored directory.
    pub async fn load(
        store: Arc<dyn Store>,
        analyzer: Arc<dyn Analyzer>,
        config: WebConfig,
        clock: Clock,
    ) -> Result<AppState, AppError> {
        tsunagu_domain::law::deadlines::validate_catalogue().map_err(|problems| {
            AppError::Internal(format!(
                "the deadline catalogue is invalid: {}",
                problems.join("; ")
            ))
        })?;
        let triage = TriageData::load(&config)
            .map_err(|e| AppError::Internal(format!("the triage data is invalid: {e}")))?;
        let dir = store.directory().await?;
        let catalog = Catalog::build(&dir, analyzer.clone())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let limiters = config
            .rate_limit
            .map(|r| Arc::new(ratelimit::Limiters::new(r)));
        let rules = tsunagu_domain::kb::citations::catalogue(&triage.rules);
        let docs = docs::DocsData::load(store.as_ref(), analyzer.clone(), &rules).await?;
        Ok(AppState {
            docs: Arc::new(RwLock::new(Arc::new(docs))),
            limiters,
            store,
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            triage: Arc::new(RwLock::new(Arc::new(triage))),
            analyzer,
            config: Arc::new(config),
            clock,
        })
    }

    /// The triage rules and lexicon in use.
    pub fn triage(&self) -> Arc<TriageData> {
        match self.triage.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The referral plan for a consultation, with the rules, lexicon and directory in use now.
    pub fn triage_plan(
        &self,
        c: &tsunagu_domain::triage::Consultation,
    ) -> Result<tsunagu_domain::triage::Plan, tsunagu_domain::triage::TriageError> {
        let data = self.triage();
        tsunagu_domain::triage::plan(
            &data.rules,
            &data.lexicon,
            &self.catalog().triage,
            c,
            self.now_jst(),
        )
    }

    /// Re-reads the triage files; on any error the data in use stays and the error is
    /// returned (an admin fixes the file and reloads again).
    pub fn reload_triage(&self) -> Result<(), String> {
        let fresh = Arc::new(TriageData::load(&self.config)?);
        match self.triage.write() {
            Ok(mut g) => *g = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// The knowledge base in use.
    pub fn docs(&self) -> Arc<docs::DocsData> {
        match self.docs.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Every rule citation of the engines (with the triage rules in use).
    pub fn rule_citations(&self) -> Vec<tsunagu_domain::kb::citations::RuleCitation> {
        docs::rule_citations(self)
    }

    /// Re-reads the ingested documents and re-checks the rule citations (after
    /// `tsunagu docs ingest`); on error the knowledge base in use stays.
    pub async fn reload_docs(&self) -> Result<usize, AppError> {
        let rules = self.rule_citations();
        let fresh =
            docs::DocsData::load(self.store.as_ref(), self.analyzer.clone(), &rules).await?;
        let n = fresh.index.len();
        let fresh = Arc::new(fresh);
        match self.docs.write() {
            Ok(mut g) => *g = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(n)
    }

    /// The current catalog.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Japan Standard Time now, from the injected clock.
    pub fn now_jst(&self) -> NaiveDateTime {
        tsunagu_domain::common::calendar::jst((self.clock)())
    }

    /// Today in Japan, from the injected clock.
    pub fn today_jst(&self) -> chrono::NaiveDate {
        self.now_jst().date()
    }
}

/// Largest request body accepted. The longest legitimate body is a report of 2000 Japanese
/// characters sent as a form: 3 UTF-8 bytes each, ×3 when percent-encoded, about 18 KB.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
               frame-ancestors 'none'; base-uri 'none'";
    Router::new()
        .merge(staff::router())
        .merge(staff_alcohol::router())
        .merge(staff_deadlines::router())
        .merge(alcohol::router())
        .merge(seido::router())
        .merge(triage::router())
        .merge(docs::router())
        .merge(pages::router())
        .merge(api::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::limit,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // `same-origin`, not `no-referrer`: with no-referrer browsers send `Origin: null` on our own
        // form posts, which the same-origin check must refuse. Other sites still get nothing.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}
