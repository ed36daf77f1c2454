//! Form and path input: `Pairs` (a form read as name/value pairs, for forms with repeated
//! fields or many optional ones), form and path rejections turned into client errors, and the
//! extractors pages take: `StaffForm` (the signed-in session, the form, the origin and the
//! session's CSRF token, in that order), `PublicForm` (the form, the origin and the
//! double-submit token, for forms used without a session) and `Id` (a typed id from the path).

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request};

use crate::kit::csrf::{check_anon_csrf, check_session_csrf, CsrfOnly};
use crate::kit::error::{AppError, PageError};
use crate::kit::session::StaffSession;
use crate::kit::state::AppState;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tsunagu_domain::{ConsentId, RecordId, SubjectId};

/// A urlencoded form as its pairs, in order.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, trimmed; `""` when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The first value of `name`, trimmed; `None` when absent or empty.
    pub(crate) fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    /// Every value of `name` (repeated checkboxes).
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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

/// A form with a CSRF token field.
pub(crate) trait CsrfField {
    /// The token the form carried, if any.
    fn csrf(&self) -> Option<&str>;
}

impl CsrfField for Pairs {
    fn csrf(&self) -> Option<&str> {
        self.opt("csrf")
    }
}

impl CsrfField for CsrfOnly {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// A staff form (extractor): the signed-in session, then the form, then the same-origin check
/// and the session's CSRF token, in that order; any failure is a [`PageError`].
pub(crate) struct StaffForm<T>(pub(crate) T);

impl<T> FromRequest<AppState> for StaffForm<T>
where
    T: CsrfField + DeserializeOwned + Send,
{
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let session = StaffSession::from_request_parts(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let form = Form::<T>::from_request(Request::from_parts(parts, body), state).await;
        let t = form_of(form)?;
        check_session_csrf(&headers, &session, t.csrf())?;
        Ok(StaffForm(t))
    }
}

/// A form used without a session (public forms, the sign-in form) (extractor): the form, then
/// the same-origin check and the double-submit token against the `tsunagu_csrf` cookie; any
/// failure is a [`PageError`].
pub(crate) struct PublicForm<T>(pub(crate) T);

impl<T> FromRequest<AppState> for PublicForm<T>
where
    T: CsrfField + DeserializeOwned + Send,
{
    type Rejection = PageError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let headers = req.headers().clone();
        let t = form_of(Form::<T>::from_request(req, state).await)?;
        check_anon_csrf(&headers, t.csrf())?;
        Ok(PublicForm(t))
    }
}

/// An id of a kind that staff pages take from their path.
pub(crate) trait PathId: Sized {
    /// What it names, for the not-found error.
    const WHAT: &'static str;
    /// The id from its number.
    fn of(n: i64) -> Self;
}

impl PathId for SubjectId {
    const WHAT: &'static str = "subject";
    fn of(n: i64) -> Self {
        SubjectId(n)
    }
}

impl PathId for RecordId {
    const WHAT: &'static str = "record";
    fn of(n: i64) -> Self {
        RecordId(n)
    }
}

impl PathId for ConsentId {
    const WHAT: &'static str = "consent";
    fn of(n: i64) -> Self {
        ConsentId(n)
    }
}

/// A typed id from the path (extractor); a path that is not a number is "not found".
pub(crate) struct Id<T>(pub(crate) T);

impl<T: PathId, S: Send + Sync> FromRequestParts<S> for Id<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let path = Path::<i64>::from_request_parts(parts, state).await;
        Ok(Id(T::of(path_id(path, T::WHAT)?)))
    }
}
