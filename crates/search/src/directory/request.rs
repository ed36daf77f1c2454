//! What a directory search takes and gives back: the request, its hits and the page of
//! results.

use chrono::NaiveDateTime;
use serde::Serialize;
use tsunagu_domain::directory::schedule::OpenState;
use tsunagu_domain::{Audience, Concern, Prefecture, ResourceKind, ServiceKind};

/// Longest query accepted, in characters; longer input is cut (a search box, not a document).
pub const MAX_QUERY_CHARS: usize = 200;

/// A search request. All filters are optional.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Free text.
    pub text: String,
    /// Only this prefecture (national services are included: they serve everyone).
    pub prefecture: Option<Prefecture>,
    /// Rank this prefecture first without filtering.
    pub region: Option<Prefecture>,
    /// Concern filter.
    pub concern: Option<Concern>,
    /// Audience filter.
    pub audience: Option<Audience>,
    /// Service-kind filter.
    pub service_kind: Option<ServiceKind>,
    /// Resource-kind filter.
    pub kind: Option<ResourceKind>,
    /// Only services whose contact hours say open at `now`.
    pub open_now: bool,
    /// Japan time used for open-now.
    pub now: Option<NaiveDateTime>,
    /// Page size (at most 100).
    pub limit: usize,
    /// Offset into the results.
    pub offset: usize,
}

/// One phone in a result.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HitPhone {
    /// Number.
    pub number: String,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether the number looks wrong (see the service's quality notes).
    pub flagged: bool,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// Organization name.
    pub organization: String,
    /// Prefecture name, if the service is within one.
    pub prefecture: Option<String>,
    /// Resource kind code.
    pub kind: String,
    /// Phones.
    pub phones: Vec<HitPhone>,
    /// Main URL.
    pub url: Option<String>,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Open-now state, when `now` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_now: Option<OpenState>,
    /// As-of date of the source.
    pub as_of: Option<String>,
    /// Number of data-quality notes.
    pub quality_notes: usize,
}

/// Results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// Number of matching services (see [`SearchIndex::search`](super::SearchIndex::search) for open-now).
    pub total: usize,
    /// This page.
    pub results: Vec<Hit>,
}
