//! The error type of the HTTP API. Handlers return `Result<_, ApiError>`; the mapping to a
//! status and a JSON body happens here once. Internal details are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("not signed in, or the session has expired")]
    Unauthorized,
    #[error("too many attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("an account with that email exists")]
    EmailTaken,
    #[error("the password must have at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("{0}")]
    Invalid(String),
    #[error("your role does not allow this")]
    Forbidden,
    #[error("the invitation is unknown, used or expired")]
    InvitationInvalid,
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

/// The body of every API error: a stable machine-readable code and an English message for
/// developers. The app shows its own translated sentence for each code.
#[derive(Debug, Serialize)]
struct ErrorBody {
    error: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            ApiError::EmailTaken => (StatusCode::CONFLICT, "email_taken"),
            ApiError::PasswordTooShort { .. } => (StatusCode::BAD_REQUEST, "password_too_short"),
            ApiError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::InvitationInvalid => (StatusCode::GONE, "invitation_invalid"),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let message = match &self {
            ApiError::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: code,
                message,
            }),
        )
            .into_response();
        if let ApiError::TooManyAttempts(seconds) = self
            && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(e: crate::accounts::AccountError) -> Self {
        use crate::accounts::{AccountError, MIN_PASSWORD};
        match e {
            AccountError::BadCredentials => ApiError::BadCredentials,
            AccountError::EmailTaken => ApiError::EmailTaken,
            AccountError::PasswordTooShort => ApiError::PasswordTooShort { min: MIN_PASSWORD },
            AccountError::PasswordTooLong => ApiError::Invalid(e.to_string()),
            AccountError::Invalid(m) => ApiError::Invalid(m.to_owned()),
            AccountError::InvitationInvalid => ApiError::InvitationInvalid,
            AccountError::Storage(_) | AccountError::Hash(_) => {
                ApiError::Internal(anyhow::anyhow!("{e}"))
            }
        }
    }
}
