//! Staff sign-in: the password form, the TOTP second factor and sign-out.
//!
//! Failures all read 「認証に失敗しました」, whether the username is unknown, the password or
//! code is wrong, or the account is locked, disabled or within its pause after a failure; the
//! audit trail says which. Every attempt that does not sign in also counts against the client
//! address's budget (shared by all servers, `records::throttle` in the domain). Unknown
//! usernames cost a real argon2 check so timing does not tell them apart. The session token is
//! replaced when the second factor succeeds, so a token seen before sign-in is worthless after
//! it.

use crate::kit::csrf::{anon_csrf, same_origin, with_cookie, CsrfOnly};
use crate::kit::error::{AppError, PageError, PageResult};
use crate::kit::form::{form_of, CsrfField, PublicForm, StaffForm};
use crate::kit::session::{session_at, Remote, StaffSession};

use crate::kit::auth::{new_token, same_secret, token_hash, verify_password_blocking};
use crate::kit::cookies::{clear_session_cookie, set_cookie, SESSION_COOKIE};
use crate::kit::layout::Layout;
use crate::kit::render::render;
use crate::kit::state::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tsunagu_domain::records::access::{AttemptRefused, TotpSecret, Username};
use tsunagu_store::records::store::SessionStage;
use tsunagu_store::StoreError;

/// Sign-in routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", get(login_form).post(login_submit))
        .route("/staff/login/totp", get(totp_form).post(totp_submit))
        .route("/staff/logout", post(logout))
}

const AUTH_FAILED: &str =
    "認証に失敗しました。入力内容を確認し、数秒おいてからもう一度お試しください。";

#[derive(Template)]
#[template(path = "records/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    error: String,
    username: String,
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (csrf, cookie) = anon_csrf(&headers)?;
    let page = LoginPage {
        layout: Layout::of(&state),
        csrf,
        error: String::new(),
        username: String::new(),
    };
    Ok(with_cookie(render(&page)?.into_response(), cookie))
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
    PublicForm(f): PublicForm<LoginForm>,
) -> PageResult {
    let now = (state.clock)();
    let typed = f.username.unwrap_or_default();
    let password = f.password.unwrap_or_default();
    let staff = match Username::parse(&typed) {
        Ok(u)
            if password.chars().count() <= tsunagu_domain::records::access::Password::MAX_CHARS =>
        {
            state.store.staff_by_username(&u).await?
        }
        _ => None,
    };
    // The attempt is claimed (counted) before the password is checked, so parallel guesses
    // cannot get past the lock-out: at most five are checked in all.
    let claim = match &staff {
        Some(staff) => Some(state.store.claim_attempt(staff.id, &remote.0, now).await?),
        None => None,
    };
    // Checked in every case, so the time taken does not tell unknown or locked accounts apart.
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
    if !(ok && matches!(claim, Some(Ok(_)))) {
        // Every attempt that does not sign in counts against the address's budget.
        state
            .store
            .address_failed(&remote.budget_key(), now)
            .await?;
    }
    let (Some(staff), Some(claim)) = (staff, claim) else {
        state.store.login_failed_unknown(&remote.0, now).await?;
        return failed(state.clone(), csrf).await.map_err(PageError);
    };
    // A refused attempt (locked, disabled, too soon) was audited when it was refused.
    let Ok(claim) = claim else {
        return failed(state.clone(), csrf).await.map_err(PageError);
    };
    if !ok {
        state
            .store
            .attempt_failed(staff.id, &claim, &remote.0, now)
            .await?;
        return failed(state.clone(), csrf).await.map_err(PageError);
    }
    let token = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let session_csrf = new_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let (stage, next) = if staff.role.needs_totp() {
        // A right password is not a failure; the second factor claims its own attempt.
        state.store.attempt_released(staff.id, &claim).await?;
        (SessionStage::SecondFactor, "/staff/login/totp")
    } else {
        state
            .store
            .login_succeeded(staff.id, None, &claim, &remote.0, now)
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

#[derive(Template)]
#[template(path = "records/totp.html")]
struct TotpPage {
    layout: Layout,
    csrf: String,
    error: String,
}

async fn totp_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
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
) -> PageResult {
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
        return Err(AppError::Forbidden("CSRF token missing or wrong".into()).into());
    }
    let now = (state.clock)();
    let staff = &session.staff;
    let secret = staff
        .totp_secret
        .as_deref()
        .and_then(|s| TotpSecret::from_base32(s).ok());
    // Claimed before the code is checked: parallel guesses at the code cannot get past the
    // lock-out either.
    let claim = match state.store.claim_attempt(staff.id, &remote.0, now).await? {
        Ok(claim) => claim,
        Err(AttemptRefused::TooSoon(_)) => {
            state
                .store
                .address_failed(&remote.budget_key(), now)
                .await?;
            return Ok(totp_failed(&state, &session)?);
        }
        Err(_) => {
            state
                .store
                .address_failed(&remote.budget_key(), now)
                .await?;
            return Ok(back_to_sign_in(&state, &hash, now).await?);
        }
    };
    let verdict = secret.as_ref().and_then(|secret| {
        secret
            .verify(f.code.as_deref().unwrap_or(""), now, staff.totp_last_step)
            .ok()
    });
    // Accepting the code consumes its step in the store, atomically: a code raced by two
    // half-signed sessions (or a replay) signs in once.
    let accepted = match verdict {
        Some(step) => match state
            .store
            .login_succeeded(staff.id, Some(step), &claim, &remote.0, now)
            .await
        {
            Ok(()) => true,
            Err(StoreError::Conflict(_)) => false,
            Err(e) => return Err(e.into()),
        },
        None => false,
    };
    if !accepted {
        state
            .store
            .attempt_failed(staff.id, &claim, &remote.0, now)
            .await?;
        state
            .store
            .address_failed(&remote.budget_key(), now)
            .await?;
        if claim.locks_until.is_some() {
            return Ok(back_to_sign_in(&state, &hash, now).await?);
        }
        return Ok(totp_failed(&state, &session)?);
    }
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
    let mut res = Redirect::to("/staff").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, token, None));
    Ok(res)
}

/// The code form again, with the failure message.
fn totp_failed(
    state: &AppState,
    session: &tsunagu_store::records::store::Session,
) -> Result<Response, AppError> {
    let page = TotpPage {
        layout: Layout::of(state),
        csrf: session.csrf_token.clone(),
        error: AUTH_FAILED.to_owned(),
    };
    Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
}

/// Ends a half-signed session whose account is locked, and sends the person back to the
/// password form.
async fn back_to_sign_in(
    state: &AppState,
    hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, AppError> {
    state.store.delete_session(hash, None, now).await?;
    let mut res = Redirect::to("/staff/login").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie());
    Ok(res)
}

async fn logout(
    State(state): State<AppState>,
    s: StaffSession,
    StaffForm(_): StaffForm<CsrfOnly>,
) -> PageResult {
    state
        .store
        .delete_session(&s.token_hash, Some(&s.ctx), (state.clock)())
        .await?;
    let mut res = Redirect::to("/staff/login").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie());
    Ok(res)
}

impl CsrfField for LoginForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}
