//! CSRF defences: the same-origin check on every form post, the double-submit token for forms
//! used without a session (the `tsunagu_csrf` cookie), and the session's own token on staff
//! forms.

use crate::kit::auth::{new_token, same_secret};
use crate::kit::cookies::{cookie_value, is_token, set_cookie, CSRF_COOKIE};
use crate::kit::error::AppError;
use crate::kit::session::StaffSession;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use serde::Deserialize;

/// Rejects form posts from other sites: when the browser sends `Origin`, its host must be ours.
/// This is the outer check; every form also carries a CSRF token ([`crate::staff`]).
pub(crate) fn same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    if !host.is_empty() && origin_host == host {
        Ok(())
    } else {
        Err(AppError::Forbidden("cross-origin form post".into()))
    }
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

/// Checks a staff form: same origin and the session's CSRF token.
pub(crate) fn check_session_csrf(
    headers: &HeaderMap,
    s: &StaffSession,
    given: Option<&str>,
) -> Result<(), AppError> {
    same_origin(headers)?;
    match given {
        Some(g) if same_secret(g, &s.session.csrf_token) => Ok(()),
        _ => Err(AppError::Forbidden("CSRF token missing or wrong".into())),
    }
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    pub(crate) csrf: Option<String>,
}
