//! The state every handler shares ([`AppState`]): the store, the search catalog and crisis
//! lines, the triage rules and lexicon, the knowledge base with the status of every rule
//! citation, the settings, the clock and the rate limiters; how it is loaded at start and
//! replaced whole on reload.

use crate::kit::error::AppError;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use tsunagu_domain::kb::citations::{catalogue, check, CitationStatus, RuleCitation};
use tsunagu_domain::{Directory, ResourceKind};
use tsunagu_search::kb::DocIndex;
use tsunagu_search::{Analyzer, SearchIndex};
use tsunagu_store::{DocumentInfo, Store};

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
    pub rate_limit: Option<crate::kit::ratelimit::RateLimit>,
    /// Triage rule file; `None` uses the bundled one.
    pub triage_rules: Option<std::path::PathBuf>,
    /// Triage lexicon file; `None` uses the bundled one.
    pub triage_lexicon: Option<std::path::PathBuf>,
    /// Where the server is reached; `None` takes the request's `Host` over plain http.
    pub public_url: Option<crate::kit::public_url::PublicUrl>,
}

/// A crisis line shown in the banner: each service of kind `crisis_line` (only sourced lines
/// carry the kind), once per phone, or once with its web page when its source gives no number.
#[derive(Debug, Clone)]
pub struct CrisisLine {
    /// Service id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Number, when the source gives one.
    pub number: Option<String>,
    /// Digits for `tel:`.
    pub digits: Option<String>,
    /// The line's web page, shown when there is no number.
    pub url: Option<String>,
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
    /// HSDS ids (UUIDs, `tsunagu_domain::directory::exchange::hsds::hsds_id`) to the readable
    /// service ids.
    pub hsds_services: std::collections::HashMap<String, tsunagu_domain::ServiceId>,
    /// The same for organizations.
    pub hsds_organizations: std::collections::HashMap<String, tsunagu_domain::OrganizationId>,
    /// Every (service, location) link in source order: HSDS `service_at_location`s.
    pub service_locations: Vec<(tsunagu_domain::ServiceId, tsunagu_domain::LocationId)>,
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
                let line =
                    |number: Option<&tsunagu_domain::directory::phone::PhoneNumber>| CrisisLine {
                        id: s.id.to_string(),
                        name: s.name.clone(),
                        number: number.map(ToString::to_string),
                        digits: number.map(|n| n.digits()),
                        url: s.links.first().map(|l| l.url.clone()),
                        source: s.provenance.source.cite(),
                    };
                if s.phones.is_empty() {
                    vec![line(None)]
                } else {
                    s.phones.iter().map(|p| line(Some(&p.number))).collect()
                }
            })
            .collect();
        Ok(Catalog {
            index: SearchIndex::build(dir, analyzer)?,
            crisis,
            triage: tsunagu_domain::triage::Resources::new(dir),
            hsds_services: dir
                .services
                .iter()
                .map(|s| {
                    let uuid = tsunagu_domain::directory::exchange::hsds::hsds_id(
                        "service",
                        s.id.as_ref(),
                    );
                    (uuid, s.id.clone())
                })
                .collect(),
            service_locations: dir
                .services
                .iter()
                .flat_map(|s| s.location_ids.iter().map(|l| (s.id.clone(), l.clone())))
                .collect(),
            hsds_organizations: dir
                .organizations
                .iter()
                .map(|o| {
                    let uuid = tsunagu_domain::directory::exchange::hsds::hsds_id(
                        "organization",
                        o.id.as_ref(),
                    );
                    (uuid, o.id.clone())
                })
                .collect(),
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
    pub limiters: Option<Arc<crate::kit::ratelimit::Limiters>>,
    /// Triage rules and lexicon; replaced whole by [`AppState::reload_triage`].
    pub triage: Arc<RwLock<Arc<TriageData>>>,
    /// Knowledge base; replaced whole by [`AppState::reload_docs`].
    pub docs: Arc<RwLock<Arc<DocsData>>>,
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
            .map(|r| Arc::new(crate::kit::ratelimit::Limiters::new(r)));
        let rules = tsunagu_domain::kb::citations::catalogue(&triage.rules);
        let docs = DocsData::load(store.as_ref(), analyzer.clone(), &rules).await?;
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
    pub fn docs(&self) -> Arc<DocsData> {
        match self.docs.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Every rule citation of the engines (with the triage rules in use).
    pub fn rule_citations(&self) -> Vec<tsunagu_domain::kb::citations::RuleCitation> {
        rule_citations(self)
    }

    /// Re-reads the ingested documents and re-checks the rule citations (after
    /// `tsunagu docs ingest`); on error the knowledge base in use stays.
    pub async fn reload_docs(&self) -> Result<usize, AppError> {
        let rules = self.rule_citations();
        let fresh = DocsData::load(self.store.as_ref(), self.analyzer.clone(), &rules).await?;
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

/// The ingested documents, their index and the state of every rule citation; rebuilt whole by
/// [`AppState::reload_docs`].
pub struct DocsData {
    /// Passage index.
    pub index: DocIndex,
    /// Ingested documents.
    pub documents: Vec<DocumentInfo>,
    /// Status of each rule citation (`file:lines` → status).
    pub statuses: BTreeMap<String, CitationStatus>,
}

impl DocsData {
    /// Reads the passages and checks the citations of `rules` against the stored texts.
    pub async fn load(
        store: &dyn Store,
        analyzer: std::sync::Arc<dyn tsunagu_search::Analyzer>,
        rules: &[RuleCitation],
    ) -> Result<DocsData, AppError> {
        let passages = store
            .all_passages()
            .await?
            .into_iter()
            .map(|(doc, passage)| tsunagu_search::kb::IndexedPassage { doc, passage })
            .collect();
        let index =
            DocIndex::build(passages, analyzer).map_err(|e| AppError::Internal(e.to_string()))?;
        let documents = store.documents().await?;
        let mut texts: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut statuses = BTreeMap::new();
        for r in rules {
            let doc = &r.citation.doc;
            if !texts.contains_key(doc) {
                let text = store.document_text(doc).await?;
                texts.insert(doc.clone(), text);
            }
            let text = texts.get(doc).and_then(|t| t.as_deref());
            statuses.insert(r.citation.to_string(), check(&r.citation, text));
        }
        Ok(DocsData {
            index,
            documents,
            statuses,
        })
    }
}

/// Every rule citation with the triage rules in use.
pub fn rule_citations(state: &AppState) -> Vec<RuleCitation> {
    catalogue(&state.triage().rules)
}
