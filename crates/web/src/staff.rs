//! Staff pages under `/staff`: sign-in with password and TOTP, people's files, consent,
//! records, who viewed a record, and the subject-access export.
//!
//! # Brief overview
//! - **Sessions.** A random 256-bit token in the cookie `tsunagu_session` (`Secure`,
//!   `HttpOnly`, `SameSite=Strict`, `Path=/`); the database keeps only its SHA-256. A session
//!   ends after [`IDLE_TIMEOUT`] without use or [`ABSOLUTE_TIMEOUT`]; the token is replaced
//!   when the second factor succeeds, so a token seen before sign-in is worthless after it.
//! - **CSRF.** Every form carries a token: the session's own token on staff forms, and on
//!   forms used before sign-in (and the public report form) a token that must equal the
//!   `tsunagu_csrf` cookie (double submit). Posts from another origin are refused as well.
//! - **Failures** all read 「認証に失敗しました」, whether the username is unknown, the
//!   password or code is wrong, or the account is locked or disabled; the audit trail says
//!   which. Unknown usernames cost a real argon2 check so timing does not tell them apart.
//! - Every page here sends `Cache-Control: no-store`: personal data must not sit in caches.
//!
//! All reading and writing of personal data goes through [`tsunagu_store::RecordStore`],
//! which checks the role and the organisation and writes the audit entry.

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cookie::{Cookie, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;
use tsunagu_domain::records::access::{
    session_alive, Permission, TotpSecret, Username, ABSOLUTE_TIMEOUT, IDLE_TIMEOUT,
    SECOND_FACTOR_WINDOW,
};
use tsunagu_domain::records::audit_trail::AuditEntry;
use tsunagu_domain::records::consent::{ConsentGiver, ConsentScope, NewConsent, RecordKind};
use tsunagu_domain::{ConsentId, RecordId, SubjectId};
use tsunagu_store::records::{Session, SessionStage, StaffCtx};

use crate::auth::{new_token, same_secret, token_hash, verify_password_blocking};
use crate::form::Pairs;
use crate::pages::{json_download, render, respond, same_origin};
use crate::views::Layout;
use crate::{AppError, AppState};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tsunagu_session";
/// Name of the cookie behind forms used without a session.
pub const CSRF_COOKIE: &str = "tsunagu_csrf";
const AUTH_FAILED: &str = "認証に失敗しました。入力内容を確認してください。";

/// Staff routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", get(login_form).post(login_submit))
        .route("/staff/login/totp", get(totp_form).post(totp_submit))
        .route("/staff/logout", post(logout))
        .route("/staff", get(home))
        .route("/staff/subjects", post(create_subject))
        .route("/staff/subjects/{id}", get(subject_page))
        .route("/staff/subjects/{id}/consents", post(add_consent))
        .route("/staff/subjects/{id}/records", post(add_record))
        .route("/staff/subjects/{id}/export", get(export_subject))
        .route("/staff/consents/{id}/withdraw", post(withdraw_consent))
        .route("/staff/records/{id}", get(record_page))
        .route("/staff/records/{id}/access", get(access_page))
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// The client's address (the peer of the TCP connection), or `unknown` in tests without one.
#[derive(Debug, Clone)]
pub struct Remote(pub String);

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

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

fn set_cookie(name: &'static str, value: String, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((name, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict);
    if let Some(secs) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(secs));
    }
    // A cookie built from hex tokens and fixed names is always a valid header value.
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

fn clear_session_cookie() -> HeaderValue {
    set_cookie(SESSION_COOKIE, String::new(), Some(0))
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The double-submit token for forms without a session: the cookie's value when it has a
/// valid one, else a new token and the `Set-Cookie` that stores it.
pub(crate) fn anon_csrf(headers: &HeaderMap) -> Result<(String, Option<HeaderValue>), AppError> {
    if let Some(t) = cookie_value(headers, CSRF_COOKIE).filter(|t| is_token(t)) {
        return Ok((t, None));
    }
    let t = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let cookie = set_cookie(CSRF_COOKIE, t.clone(), None);
    Ok((t, Some(cookie)))
}

/// Checks a form's token against the `tsunagu_csrf` cookie, and the origin.
pub(crate) fn check_anon_csrf(headers: &HeaderMap, given: Option<&str>) -> Result<(), AppError> {
    same_origin(headers)?;
    let cookie = cookie_value(headers, CSRF_COOKIE).unwrap_or_default();
    match given {
        Some(g) if is_token(&cookie) && same_secret(g, &cookie) => Ok(()),
        _ => Err(AppError::Forbidden("CSRF token missing or wrong".into())),
    }
}

/// Adds a `Set-Cookie` to a response when one is given.
pub(crate) fn with_cookie(mut res: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// A signed-in staff member on this request.
pub(crate) struct Signed {
    pub(crate) ctx: StaffCtx,
    pub(crate) session: Session,
    token_hash: String,
}

/// The session behind the cookie if it is alive and at `stage`.
async fn session_at(
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
) -> Result<Signed, AppError> {
    let (session, hash) = session_at(state, headers, SessionStage::Active)
        .await?
        .ok_or(AppError::LoginRequired)?;
    state.store.touch_session(&hash, (state.clock)()).await?;
    Ok(Signed {
        ctx: StaffCtx::of(&session.staff, &remote.0),
        session,
        token_hash: hash,
    })
}

/// Checks a staff form: same origin and the session's CSRF token.
pub(crate) fn check_session_csrf(
    headers: &HeaderMap,
    s: &Signed,
    given: Option<&str>,
) -> Result<(), AppError> {
    same_origin(headers)?;
    match given {
        Some(g) if same_secret(g, &s.session.csrf_token) => Ok(()),
        _ => Err(AppError::Forbidden("CSRF token missing or wrong".into())),
    }
}

pub(crate) fn form_of<T>(form: Result<Form<T>, FormRejection>) -> Result<T, AppError> {
    form.map(|Form(t)| t)
        .map_err(|e| AppError::rejected(e.status(), e.body_text()))
}

pub(crate) fn path_id(path: Result<Path<i64>, PathRejection>, what: &str) -> Result<i64, AppError> {
    path.map(|Path(id)| id)
        .map_err(|_| AppError::NotFound(what.to_owned()))
}

pub(crate) fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    tsunagu_domain::common::calendar::jst(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

// --- sign-in ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "staff_login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    error: String,
    username: String,
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
        let (csrf, cookie) = anon_csrf(&headers)?;
        let page = LoginPage {
            layout: Layout::of(&state),
            csrf,
            error: String::new(),
            username: String::new(),
        };
        Ok(with_cookie(render(&page)?.into_response(), cookie))
    }
    .await;
    respond(&state, result)
}

#[derive(Deserialize)]
struct LoginForm {
    username: Option<String>,
    password: Option<String>,
    csrf: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        check_anon_csrf(&headers, f.csrf.as_deref())?;
        let now = (state.clock)();
        let typed = f.username.unwrap_or_default();
        let password = f.password.unwrap_or_default();
        let staff = match Username::parse(&typed) {
            Ok(u)
                if password.chars().count()
                    <= tsunagu_domain::records::access::Password::MAX_CHARS =>
            {
                state.store.staff_by_username(&u).await?
            }
            _ => None,
        };
        let ok = verify_password_blocking(
            password.clone(),
            staff.as_ref().map(|s| s.password_hash.clone()),
        )
        .await;
        let failed = |state: AppState, csrf: String| async move {
            let page = LoginPage {
                layout: Layout::of(&state),
                csrf,
                error: AUTH_FAILED.to_owned(),
                username: typed.chars().take(32).collect(),
            };
            Ok::<Response, AppError>((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        };
        let csrf = f.csrf.unwrap_or_default();
        let Some(staff) = staff else {
            state.store.login_failed_unknown(&remote.0, now).await?;
            return failed(state.clone(), csrf).await;
        };
        if !staff.login_state().may_attempt(now) || !ok {
            state.store.login_failed(staff.id, &remote.0, now).await?;
            return failed(state.clone(), csrf).await;
        }
        let token = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let session_csrf = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let (stage, next) = if staff.role.needs_totp() {
            (SessionStage::SecondFactor, "/staff/login/totp")
        } else {
            state
                .store
                .login_succeeded(staff.id, None, &remote.0, now)
                .await?;
            (SessionStage::Active, "/staff")
        };
        state
            .store
            .create_session(
                &token_hash(&token),
                staff.id,
                &session_csrf,
                stage,
                &remote.0,
                now,
            )
            .await?;
        let mut res = Redirect::to(next).into_response();
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, token, None));
        Ok(res)
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "staff_totp.html")]
struct TotpPage {
    layout: Layout,
    csrf: String,
    error: String,
}

async fn totp_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
        let (session, _) = session_at(&state, &headers, SessionStage::SecondFactor)
            .await?
            .ok_or(AppError::LoginRequired)?;
        let page = TotpPage {
            layout: Layout::of(&state),
            csrf: session.csrf_token,
            error: String::new(),
        };
        Ok(render(&page)?.into_response())
    }
    .await;
    respond(&state, result)
}

#[derive(Deserialize)]
struct TotpForm {
    code: Option<String>,
    csrf: Option<String>,
}

async fn totp_submit(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    form: Result<Form<TotpForm>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        same_origin(&headers)?;
        let (session, hash) = session_at(&state, &headers, SessionStage::SecondFactor)
            .await?
            .ok_or(AppError::LoginRequired)?;
        if !f
            .csrf
            .as_deref()
            .is_some_and(|g| same_secret(g, &session.csrf_token))
        {
            return Err(AppError::Forbidden("CSRF token missing or wrong".into()));
        }
        let now = (state.clock)();
        let staff = &session.staff;
        let secret = staff
            .totp_secret
            .as_deref()
            .and_then(|s| TotpSecret::from_base32(s).ok());
        let verdict = match (&secret, staff.login_state().may_attempt(now)) {
            (Some(secret), true) => secret
                .verify(f.code.as_deref().unwrap_or(""), now, staff.totp_last_step)
                .ok(),
            _ => None,
        };
        let Some(step) = verdict else {
            let after = state.store.login_failed(staff.id, &remote.0, now).await?;
            if !after.login_state().may_attempt(now) {
                state.store.delete_session(&hash, None, now).await?;
                let mut res = Redirect::to("/staff/login").into_response();
                res.headers_mut()
                    .append(header::SET_COOKIE, clear_session_cookie());
                return Ok(res);
            }
            let page = TotpPage {
                layout: Layout::of(&state),
                csrf: session.csrf_token.clone(),
                error: AUTH_FAILED.to_owned(),
            };
            return Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response());
        };
        // A fresh token for the signed-in session: the pre-sign-in one is now worthless.
        state.store.delete_session(&hash, None, now).await?;
        let token = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let csrf = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
        state
            .store
            .create_session(
                &token_hash(&token),
                staff.id,
                &csrf,
                SessionStage::Active,
                &remote.0,
                now,
            )
            .await?;
        state
            .store
            .login_succeeded(staff.id, Some(step), &remote.0, now)
            .await?;
        let mut res = Redirect::to("/staff").into_response();
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, token, None));
        Ok(res)
    }
    .await;
    respond(&state, result)
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        let s = signed_in(&state, &headers, &remote).await?;
        check_session_csrf(&headers, &s, f.csrf.as_deref())?;
        state
            .store
            .delete_session(&s.token_hash, Some(&s.ctx), (state.clock)())
            .await?;
        let mut res = Redirect::to("/staff/login").into_response();
        res.headers_mut()
            .append(header::SET_COOKIE, clear_session_cookie());
        Ok(res)
    }
    .await;
    respond(&state, result)
}

// --- people and records -------------------------------------------------------------------

/// What the page header shows about the signed-in member.
pub(crate) struct Me {
    pub(crate) username: String,
    pub(crate) role: &'static str,
    pub(crate) organization: String,
    pub(crate) csrf: String,
    pub(crate) idle_minutes: i64,
    pub(crate) absolute_hours: i64,
}

impl Me {
    pub(crate) fn of(s: &Signed) -> Me {
        Me {
            username: s.ctx.username.to_string(),
            role: s.ctx.role.label_ja(),
            organization: s.ctx.organization.to_string(),
            csrf: s.session.csrf_token.clone(),
            idle_minutes: IDLE_TIMEOUT.num_minutes(),
            absolute_hours: ABSOLUTE_TIMEOUT.num_hours(),
        }
    }
}

struct SubjectRow {
    id: i64,
    label: String,
    created_at: String,
    created_by: String,
}

#[derive(Template)]
#[template(path = "staff_home.html")]
struct HomePage {
    layout: Layout,
    me: Me,
    can_read: bool,
    can_write: bool,
    subjects: Vec<SubjectRow>,
}

async fn home(State(state): State<AppState>, remote: Remote, headers: HeaderMap) -> Response {
    let result = async {
        let s = signed_in(&state, &headers, &remote).await?;
        let can_read = s.ctx.role.allows(Permission::ReadRecords);
        let subjects = if can_read {
            state.store.list_subjects(&s.ctx, (state.clock)()).await?
        } else {
            Vec::new()
        };
        let page = HomePage {
            layout: Layout::of(&state),
            can_read,
            can_write: s.ctx.role.allows(Permission::WriteRecords),
            subjects: subjects
                .into_iter()
                .map(|x| SubjectRow {
                    id: x.id.0,
                    label: x.label,
                    created_at: jst(x.created_at),
                    created_by: x.created_by,
                })
                .collect(),
            me: Me::of(&s),
        };
        Ok(render(&page)?.into_response())
    }
    .await;
    respond(&state, result)
}

#[derive(Deserialize)]
struct SubjectForm {
    label: Option<String>,
    csrf: Option<String>,
}

async fn create_subject(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    form: Result<Form<SubjectForm>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        let s = signed_in(&state, &headers, &remote).await?;
        check_session_csrf(&headers, &s, f.csrf.as_deref())?;
        let subject = state
            .store
            .create_subject(&s.ctx, f.label.as_deref().unwrap_or(""), (state.clock)())
            .await?;
        Ok(Redirect::to(&format!("/staff/subjects/{}", subject.id)).into_response())
    }
    .await;
    respond(&state, result)
}

struct ConsentRow {
    id: i64,
    purpose: String,
    scope: String,
    given_by: String,
    given_at: String,
    recorded_by: String,
    withdrawn_at: String,
    active: bool,
}

struct RecordRow {
    id: i64,
    kind: &'static str,
    created_at: String,
    created_by: String,
    usable: bool,
}

#[derive(Template)]
#[template(path = "staff_subject.html")]
struct SubjectPage {
    layout: Layout,
    me: Me,
    id: i64,
    label: String,
    created_at: String,
    consents: Vec<ConsentRow>,
    records: Vec<RecordRow>,
    kinds: Vec<(&'static str, &'static str)>,
    givers: Vec<(&'static str, &'static str)>,
    can_write: bool,
    can_consent: bool,
    can_export: bool,
    has_consent: bool,
}

async fn subject_page(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let s = signed_in(&state, &headers, &remote).await?;
        let id = SubjectId(path_id(path, "subject")?);
        let file = state
            .store
            .subject_file(&s.ctx, id, (state.clock)())
            .await?;
        let role = s.ctx.role;
        let page = SubjectPage {
            layout: Layout::of(&state),
            id: id.0,
            label: file.subject.label,
            created_at: jst(file.subject.created_at),
            has_consent: file.consents.iter().any(|c| c.active()),
            consents: file
                .consents
                .into_iter()
                .map(|c| ConsentRow {
                    id: c.id.0,
                    active: c.active(),
                    purpose: c.purpose,
                    scope: c
                        .scope
                        .kinds()
                        .map(RecordKind::label_ja)
                        .collect::<Vec<_>>()
                        .join("・"),
                    given_by: match &c.giver_name {
                        Some(n) => format!("{}（{n}）", c.given_by.label_ja()),
                        None => c.given_by.label_ja().to_owned(),
                    },
                    given_at: jst(c.given_at),
                    recorded_by: c.recorded_by,
                    withdrawn_at: c.withdrawn_at.map(jst).unwrap_or_default(),
                })
                .collect(),
            records: file
                .records
                .into_iter()
                .map(|r| RecordRow {
                    id: r.id.0,
                    kind: r.kind.label_ja(),
                    created_at: jst(r.created_at),
                    created_by: r.created_by,
                    usable: r.usable,
                })
                .collect(),
            kinds: RecordKind::ALL
                .iter()
                .map(|k| (k.code(), k.label_ja()))
                .collect(),
            givers: ConsentGiver::ALL
                .iter()
                .map(|g| (g.code(), g.label_ja()))
                .collect(),
            can_write: role.allows(Permission::WriteRecords),
            can_consent: role.allows(Permission::RecordConsent),
            can_export: role.allows(Permission::ExportSubject),
            me: Me::of(&s),
        };
        Ok(render(&page)?.into_response())
    }
    .await;
    respond(&state, result)
}

/// The consent form. `scope` may repeat, so the form is read as pairs.
fn consent_from_pairs(
    pairs: &Pairs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NewConsent, AppError> {
    let get = |k: &str| pairs.opt(k);
    let kinds = pairs
        .all("scope")
        .map(|v| v.parse::<RecordKind>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let scope = ConsentScope::new(kinds).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let given_by: ConsentGiver = get("given_by").unwrap_or("").parse().map_err(
        |e: tsunagu_domain::common::codes::UnknownCode| AppError::BadRequest(e.to_string()),
    )?;
    let given_at = match get("given_on").map(str::trim).filter(|s| !s.is_empty()) {
        // A date typed in the form is a day in Japan; its start (0:00 JST) is stored.
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(tsunagu_domain::common::calendar::jst_day_start)
            .map_err(|_| AppError::BadRequest("同意日は YYYY-MM-DD で入力してください".into()))?,
        None => now,
    };
    NewConsent::parse(
        get("purpose").unwrap_or(""),
        scope,
        given_by,
        get("giver_name"),
        given_at,
        now,
    )
    .map_err(|e| AppError::BadRequest(e.to_string()))
}

async fn add_consent(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let result = async {
        let pairs = Pairs::from_form(form)?;
        let s = signed_in(&state, &headers, &remote).await?;
        check_session_csrf(&headers, &s, pairs.opt("csrf"))?;
        let id = SubjectId(path_id(path, "subject")?);
        let now = (state.clock)();
        let consent = consent_from_pairs(&pairs, now)?;
        state
            .store
            .record_consent(&s.ctx, id, &consent, now)
            .await?;
        Ok(Redirect::to(&format!("/staff/subjects/{id}")).into_response())
    }
    .await;
    respond(&state, result)
}

async fn withdraw_consent(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        let s = signed_in(&state, &headers, &remote).await?;
        check_session_csrf(&headers, &s, f.csrf.as_deref())?;
        let id = ConsentId(path_id(path, "consent")?);
        let c = state
            .store
            .withdraw_consent(&s.ctx, id, (state.clock)())
            .await?;
        Ok(Redirect::to(&format!("/staff/subjects/{}", c.subject_id)).into_response())
    }
    .await;
    respond(&state, result)
}

#[derive(Deserialize)]
struct RecordForm {
    kind: Option<String>,
    note: Option<String>,
    /// For a consultation: also make the referral plan and keep it with the record.
    plan: Option<String>,
    csrf: Option<String>,
}

/// Longest note typed into the record form, in characters.
const MAX_NOTE_CHARS: usize = 5000;

async fn add_record(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
    form: Result<Form<RecordForm>, FormRejection>,
) -> Response {
    let result = async {
        let f = form_of(form)?;
        let s = signed_in(&state, &headers, &remote).await?;
        check_session_csrf(&headers, &s, f.csrf.as_deref())?;
        let id = SubjectId(path_id(path, "subject")?);
        let kind: RecordKind = f.kind.as_deref().unwrap_or("").parse().map_err(
            |e: tsunagu_domain::common::codes::UnknownCode| AppError::BadRequest(e.to_string()),
        )?;
        let note = f.note.unwrap_or_default();
        let note = note.trim();
        if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::BadRequest(format!(
                "記録の内容を1文字以上{MAX_NOTE_CHARS}文字以内で入力してください"
            )));
        }
        let wants_plan = f.plan.as_deref().is_some_and(|p| !p.is_empty());
        let body = if wants_plan && kind == RecordKind::Consultation {
            // The plan as it was when the consultation was recorded (the directory and rules
            // may change later), kept under the same consent as the consultation.
            let plan = state
                .triage_plan(&tsunagu_domain::triage::Consultation {
                    text: note.to_owned(),
                    ..Default::default()
                })
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            serde_json::json!({
                "note": note,
                "plan": tsunagu_domain::triage::plan_text(&plan),
                "plan_json": tsunagu_domain::triage::plan_json(&plan),
            })
        } else {
            serde_json::json!({ "note": note })
        };
        let rec = state
            .store
            .add_record(
                &s.ctx,
                id,
                kind,
                &body,
                &state.config.retention,
                (state.clock)(),
            )
            .await?;
        Ok(Redirect::to(&format!("/staff/records/{}", rec.id)).into_response())
    }
    .await;
    respond(&state, result)
}

#[derive(Template)]
#[template(path = "staff_record.html")]
struct RecordPage {
    layout: Layout,
    me: Me,
    id: i64,
    subject_id: i64,
    kind: &'static str,
    note: String,
    plan: String,
    created_at: String,
    created_by: String,
    retain_until: String,
    can_see_access: bool,
}

async fn record_page(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let s = signed_in(&state, &headers, &remote).await?;
        let id = RecordId(path_id(path, "record")?);
        let r = state.store.record(&s.ctx, id, (state.clock)()).await?;
        let note = match r.body.get("note").and_then(|n| n.as_str()) {
            Some(n) => n.to_owned(),
            None => serde_json::to_string_pretty(&r.body).unwrap_or_default(),
        };
        let page = RecordPage {
            layout: Layout::of(&state),
            id: r.id.0,
            subject_id: r.subject_id.0,
            kind: r.kind.label_ja(),
            note,
            plan: r
                .body
                .get("plan")
                .and_then(|p| p.as_str())
                .unwrap_or_default()
                .to_owned(),
            created_at: jst(r.created_at),
            created_by: r.created_by,
            retain_until: jst(r.retain_until),
            can_see_access: s.ctx.role.allows(Permission::ViewAccessLog),
            me: Me::of(&s),
        };
        Ok(render(&page)?.into_response())
    }
    .await;
    respond(&state, result)
}

struct AccessRow {
    at: String,
    actor: String,
    action: &'static str,
    remote: String,
}

#[derive(Template)]
#[template(path = "staff_access.html")]
struct AccessPage {
    layout: Layout,
    me: Me,
    id: i64,
    rows: Vec<AccessRow>,
}

fn access_row(e: AuditEntry) -> AccessRow {
    AccessRow {
        at: jst(e.event.at),
        actor: e.event.actor,
        action: e.event.action.label_ja(),
        remote: e.event.remote,
    }
}

async fn access_page(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let s = signed_in(&state, &headers, &remote).await?;
        let id = RecordId(path_id(path, "record")?);
        let log = state
            .store
            .record_access_log(&s.ctx, id, (state.clock)())
            .await?;
        let page = AccessPage {
            layout: Layout::of(&state),
            id: id.0,
            rows: log.into_iter().map(access_row).collect(),
            me: Me::of(&s),
        };
        Ok(render(&page)?.into_response())
    }
    .await;
    respond(&state, result)
}

async fn export_subject(
    State(state): State<AppState>,
    remote: Remote,
    headers: HeaderMap,
    path: Result<Path<i64>, PathRejection>,
) -> Response {
    let result = async {
        let s = signed_in(&state, &headers, &remote).await?;
        let id = SubjectId(path_id(path, "subject")?);
        let export = state
            .store
            .export_subject(&s.ctx, id, (state.clock)())
            .await?;
        json_download(
            "application/json; charset=utf-8",
            &format!("tsunagu-subject-{id}.json"),
            &export,
        )
    }
    .await;
    respond(&state, result)
}
