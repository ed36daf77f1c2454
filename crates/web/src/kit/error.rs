//! The web layer's one error type. Each variant maps to a status code; JSON routes answer
//! `{"error": code, "message": 日本語}`, pages render the error page. Server faults are logged
//! with their detail and answered with a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tsunagu_store::StoreError;

/// Errors of handlers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// 400 with a message safe to show.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// 401 (maintainer pages).
    #[error("authentication required")]
    Unauthorized,
    /// 403 (cross-site form posts).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 403: the signed-in role may not do this.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// Staff pages without a valid session: pages redirect to the sign-in page, JSON is 401.
    #[error("sign-in required")]
    LoginRequired,
    /// 409.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 410: the record exists but its consent was withdrawn.
    #[error("gone: {0}")]
    Gone(String),
    /// 429.
    #[error("too many requests")]
    TooManyRequests,
    /// 413.
    #[error("request body too large")]
    TooLarge,
    /// 500; the detail is logged only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Conflict(what) | StoreError::NoConsent(what) => AppError::Conflict(what),
            StoreError::Invalid(what) => AppError::BadRequest(what),
            StoreError::Forbidden(what) => AppError::NotAllowed(what),
            StoreError::Gone(what) => AppError::Gone(what),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tsunagu_domain::common::codes::UnknownCode> for AppError {
    fn from(e: tsunagu_domain::common::codes::UnknownCode) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

impl From<tsunagu_domain::directory::report::ReportError> for AppError {
    fn from(e: tsunagu_domain::directory::report::ReportError) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

impl AppError {
    /// Status code.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotAllowed(_) => StatusCode::FORBIDDEN,
            AppError::LoginRequired => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotAllowed(_) => "not_allowed",
            AppError::LoginRequired => "login_required",
            AppError::Conflict(_) => "conflict",
            AppError::Gone(_) => "gone",
            AppError::TooManyRequests => "too_many_requests",
            AppError::TooLarge => "too_large",
            AppError::Internal(_) => "internal",
        }
    }

    /// Japanese message for people. Client errors include their (safe) detail.
    pub fn message_ja(&self) -> String {
        match self {
            AppError::BadRequest(d) => format!("入力を確認してください: {d}"),
            AppError::NotFound(_) => "お探しのページや情報は見つかりませんでした。".to_owned(),
            AppError::Unauthorized => "認証が必要です。".to_owned(),
            AppError::Forbidden(_) => {
                "この操作は受け付けられませんでした。ページを開き直してから送信してください。"
                    .to_owned()
            }
            AppError::NotAllowed(_) => "この操作を行う権限がありません。".to_owned(),
            AppError::LoginRequired => {
                "ログインが必要です。一定時間操作がなかった場合も、もう一度ログインしてください。"
                    .to_owned()
            }
            AppError::Conflict(d) => format!("現在の状態では実行できません: {d}"),
            AppError::Gone(_) => {
                "この記録は同意が撤回されたため利用できません（削除待ち）。".to_owned()
            }
            AppError::TooManyRequests => {
                "短い時間にアクセスが集中しています。少し待ってからもう一度お試しください。"
                    .to_owned()
            }
            AppError::TooLarge => format!(
                "送信された内容が大きすぎます（{}バイトまで）。",
                MAX_BODY_BYTES
            ),
            AppError::Internal(_) => {
                "サーバーで問題が起きました。時間をおいてもう一度お試しください。".to_owned()
            }
        }
    }

    /// Maps an extractor rejection (bad query, form, JSON, path) to a client error, keeping
    /// "too large" distinct.
    pub fn rejected(status: StatusCode, detail: String) -> AppError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(detail)
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = serde_json::json!({"error": self.0.code(), "message": self.0.message_ja()});
        let mut res = (self.0.status(), Json(body)).into_response();
        if matches!(self.0, AppError::Unauthorized) {
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Basic realm=\"tsunagu maintainers\""),
            );
        }
        res
    }
}

/// Largest request body accepted. The longest legitimate body is a report of 2000 Japanese
/// characters sent as a form: 3 UTF-8 bytes each, ×3 when percent-encoded, about 18 KB.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// An error answered as a page in the site's layout. Handlers of pages return
/// [`PageResult`] and use `?`; the response carries the error, and the middleware
/// [`crate::kit::middleware::page_errors`] renders it with the layout (it needs the state, which a
/// response does not have). A missing session redirects to the sign-in page.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// What a page handler returns.
pub type PageResult = Result<Response, PageError>;

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

/// The error a page response carries to [`crate::kit::middleware::page_errors`].
#[derive(Debug, Clone)]
pub struct UnrenderedError(pub AppError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = self.0.status().into_response();
        res.extensions_mut().insert(UnrenderedError(self.0));
        res
    }
}
