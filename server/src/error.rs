//! The error type of the HTTP API. Handlers, extractors and middleware return `ApiError`; the
//! mapping to a status and a JSON body happens here once. Internal details are logged once,
//! never sent.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use samskab_model::api::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("this path does not take that method")]
    MethodNotAllowed,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("not signed in, or the session has expired")]
    Unauthorized,
    /// The wait, in whole seconds.
    #[error("too many attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("an account with that email exists")]
    EmailTaken,
    #[error("the password must have at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("{0}")]
    Invalid(String),
    /// A body that is not JSON, or not the JSON this endpoint takes (`status` is 400 or 422).
    #[error("{message}")]
    BadJson { status: StatusCode, message: String },
    #[error("the body must be JSON (content-type: application/json)")]
    UnsupportedMediaType,
    #[error("the body is larger than {} bytes", crate::limits::MAX_BODY_BYTES)]
    PayloadTooLarge,
    #[error("the body did not arrive within {} seconds", crate::limits::BODY_READ_TIMEOUT.as_secs())]
    BodyTimeout,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("a page of another site may not change anything here")]
    ForeignOrigin,
    #[error("the invitation is unknown, used or expired")]
    InvitationInvalid,
    #[error("the reset link is unknown, used or expired; ask for a new one")]
    ResetInvalid,
    #[error("no account has that e-mail")]
    NoSuchAccount,
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
            }
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            ApiError::TooManyAttempts(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts)
            }
            ApiError::EmailTaken => (StatusCode::CONFLICT, ErrorCode::EmailTaken),
            ApiError::PasswordTooShort { .. } => {
                (StatusCode::BAD_REQUEST, ErrorCode::PasswordTooShort)
            }
            ApiError::Invalid(_) => (StatusCode::BAD_REQUEST, ErrorCode::Invalid),
            ApiError::BadJson { status, .. } => (*status, ErrorCode::InvalidJson),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
            ApiError::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            ApiError::BodyTimeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::BodyTimeout),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            ApiError::ForeignOrigin => (StatusCode::FORBIDDEN, ErrorCode::ForeignOrigin),
            ApiError::InvitationInvalid => (StatusCode::GONE, ErrorCode::InvitationInvalid),
            ApiError::ResetInvalid => (StatusCode::BAD_REQUEST, ErrorCode::ResetInvalid),
            ApiError::NoSuchAccount => (StatusCode::NOT_FOUND, ErrorCode::NoSuchAccount),
            ApiError::Internal(e) => {
                // `{:#}`: the whole chain of causes, in the log only.
                tracing::error!(error = format!("{e:#}"), "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        };
        let message = match &self {
            ApiError::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        let retry_after = match self {
            ApiError::TooManyAttempts(seconds) => Some(seconds),
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: code,
                message,
                retry_after,
            }),
        )
            .into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            // A body that broke off on the client's side is not the relay's failure either.
            status if status.is_client_error() => ApiError::BadJson {
                status,
                message: rejection.body_text(),
            },
            _ => ApiError::Internal(anyhow::anyhow!("reading a body: {}", rejection.body_text())),
        }
    }
}

impl From<crate::accounts::AccountError> for ApiError {
    fn from(e: crate::accounts::AccountError) -> Self {
        use crate::accounts::{AccountError, MIN_PASSWORD};
        match e {
            AccountError::BadCredentials => ApiError::BadCredentials,
            AccountError::EmailTaken => ApiError::EmailTaken,
            AccountError::PasswordTooShort => ApiError::PasswordTooShort { min: MIN_PASSWORD },
            AccountError::PasswordTooLong | AccountError::Field(_) => {
                ApiError::Invalid(e.to_string())
            }
            AccountError::Invalid(m) => ApiError::Invalid(m.to_owned()),
            AccountError::InvitationInvalid => ApiError::InvitationInvalid,
            AccountError::ResetInvalid => ApiError::ResetInvalid,
            // The relay's own failures: the client learns that something broke, the log what.
            AccountError::Storage(_) | AccountError::Hash(_) | AccountError::Corrupt(_) => {
                ApiError::Internal(anyhow::Error::new(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_account_failures_are_500() {
        use crate::accounts::AccountError;
        for e in [
            AccountError::Corrupt("stored role"),
            AccountError::Hash("out of memory".into()),
            AccountError::Storage(rusqlite::Error::InvalidQuery.into()),
        ] {
            let response = ApiError::from(e).into_response();
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        }
    }
}
