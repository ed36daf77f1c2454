//! Who is asking: the client's address ([`Remote`]) and the signed-in staff member
//! ([`StaffSession`], an extractor). A session is a random 256-bit token in the cookie
//! `tsunagu_session`; the database keeps only its SHA-256. It ends after the idle timeout or the
//! absolute one (`tsunagu_domain::records::access`), and when the account is disabled.

use crate::kit::auth::token_hash;
use crate::kit::cookies::{cookie_value, is_token, SESSION_COOKIE};
use crate::kit::error::{AppError, PageError};
use crate::kit::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::net::SocketAddr;
use tsunagu_domain::records::access::{
    session_alive, ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, SECOND_FACTOR_WINDOW,
};
use tsunagu_store::records::store::{Session, SessionStage, StaffCtx};

/// The client's address (the peer of the TCP connection), or `unknown` in tests without one.
#[derive(Debug, Clone)]
pub struct Remote(pub String);

impl Remote {
    /// The key of the address's sign-in budget
    /// ([`tsunagu_domain::records::throttle::address_key`]).
    pub fn budget_key(&self) -> String {
        self.0.parse().map_or_else(
            |_| self.0.clone(),
            tsunagu_domain::records::throttle::address_key,
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Remote(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// A signed-in staff member on this request. Every staff page takes it as an extractor: without
/// a live, fully signed-in session the request is refused with [`AppError::LoginRequired`]
/// (pages redirect to the sign-in page) before the handler runs. Extracting it marks the
/// session used.
#[derive(Clone)]
pub struct StaffSession {
    pub(crate) ctx: StaffCtx,
    pub(crate) session: Session,
    pub(crate) token_hash: String,
}

/// The session behind the cookie if it is alive and at `stage`.
pub(crate) async fn session_at(
    state: &AppState,
    headers: &HeaderMap,
    stage: SessionStage,
) -> Result<Option<(Session, String)>, AppError> {
    let Some(token) = cookie_value(headers, SESSION_COOKIE).filter(|t| is_token(t)) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let Some(session) = state.store.session(&hash).await? else {
        return Ok(None);
    };
    let now = (state.clock)();
    let alive = match session.stage {
        SessionStage::Active => session_alive(session.created_at, session.last_seen, now),
        SessionStage::SecondFactor => now - session.created_at < SECOND_FACTOR_WINDOW,
    };
    if !alive || session.staff.disabled_at.is_some() {
        state.store.delete_session(&hash, None, now).await?;
        return Ok(None);
    }
    if session.stage != stage {
        return Ok(None);
    }
    Ok(Some((session, hash)))
}

/// The signed-in staff member, or [`AppError::LoginRequired`]. Marks the session used.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    remote: &Remote,
) -> Result<StaffSession, AppError> {
    let (session, hash) = session_at(state, headers, SessionStage::Active)
        .await?
        .ok_or(AppError::LoginRequired)?;
    state.store.touch_session(&hash, (state.clock)()).await?;
    Ok(StaffSession {
        ctx: StaffCtx::of(&session.staff, &remote.0),
        session,
        token_hash: hash,
    })
}

/// What the page header shows about the signed-in member.
pub(crate) struct Me {
    pub(crate) username: String,
    pub(crate) role: &'static str,
    pub(crate) organization: String,
    pub(crate) csrf: String,
    pub(crate) idle_minutes: i64,
    pub(crate) absolute_hours: i64,
    /// Whether the navigation offers the audit-trail review.
    pub(crate) reviews_audit: bool,
}

impl Me {
    pub(crate) fn of(s: &StaffSession) -> Me {
        Me {
            username: s.ctx.username.to_string(),
            role: s.ctx.role.label_ja(),
            organization: s.ctx.organization.to_string(),
            csrf: s.session.csrf_token.clone(),
            idle_minutes: IDLE_TIMEOUT.num_minutes(),
            absolute_hours: ABSOLUTE_TIMEOUT.num_hours(),
            reviews_audit: s
                .ctx
                .role
                .allows(tsunagu_domain::records::access::Permission::ReviewAuditTrail),
        }
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        if let Some(s) = parts.extensions.get::<StaffSession>() {
            return Ok(s.clone());
        }
        let remote = Remote::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let s = signed_in(state, &parts.headers, &remote).await?;
        // Kept for the form extractor of the same request, so the session is read once.
        parts.extensions.insert(s.clone());
        Ok(s)
    }
}

impl StaffSession {
    /// Stores a record of `kind` about `subject` as this member, under the configured
    /// retention; the store checks the role and the consent and writes the audit entry.
    pub(crate) async fn add_record(
        &self,
        state: &AppState,
        subject: tsunagu_domain::SubjectId,
        kind: tsunagu_domain::records::consent::RecordKind,
        body: &serde_json::Value,
    ) -> Result<tsunagu_store::records::store::Record, AppError> {
        Ok(state
            .store
            .add_record(
                &self.ctx,
                subject,
                kind,
                body,
                &state.config.retention,
                (state.clock)(),
            )
            .await?)
    }
}
