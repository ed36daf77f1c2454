//! Forms read as name/value pairs: for forms with repeated fields (checkboxes) or many
//! optional ones, where a struct would need a field per question.
use axum::extract::rejection::PathRejection;
use axum::extract::Path;

use crate::kit::error::AppError;
use axum::extract::rejection::FormRejection;
use axum::extract::Form;

/// A urlencoded form as its pairs, in order.
pub(crate) struct Pairs(Vec<(String, String)>);

impl Pairs {
    /// The extracted form, or a client error.
    pub(crate) fn from_form(
        form: Result<Form<Vec<(String, String)>>, FormRejection>,
    ) -> Result<Pairs, AppError> {
        form.map(|Form(p)| Pairs(p))
            .map_err(|e| AppError::rejected(e.status(), e.body_text()))
    }

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
