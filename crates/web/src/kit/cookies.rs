//! The session and CSRF cookies: names, reading, and writing them `Secure`, `HttpOnly`,
//! `SameSite=Strict`, `Path=/`.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tsunagu_session";

/// Name of the cookie behind forms used without a session.
pub const CSRF_COOKIE: &str = "tsunagu_csrf";

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

pub(crate) fn set_cookie(name: &'static str, value: String, max_age: Option<i64>) -> HeaderValue {
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

pub(crate) fn clear_session_cookie() -> HeaderValue {
    set_cookie(SESSION_COOKIE, String::new(), Some(0))
}

pub(crate) fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
