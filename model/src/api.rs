//! The HTTP API's answers and error codes, defined once: the relay serialises these types and
//! the app deserialises the same ones, so a renamed field or a new error code is a compile
//! error on both sides rather than a silent `None` in the browser.
//!
//! Request bodies stay with the relay's handlers for now (their passwords are redacted types
//! there); the app writes them as JSON objects with the field names below.

use serde::{Deserialize, Serialize};

use crate::authz::{Principal, Role};
use crate::ids::{OrganisationId, PersonId};
use crate::text_enum::text_enum;

/// A person found by `GET /api/people?q=` (to add to a group, to invite to a meeting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFound {
    pub person: PersonId,
    pub name: String,
    pub email: String,
}

/// A user as the API shows it (never the password hash). The app remembers the signed-in
/// user in this shape so that it opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: PersonId,
    pub email: String,
    pub name: String,
    /// Absent in users an app remembered before the phone was kept.
    #[serde(default)]
    pub phone: String,
    pub role: Role,
    pub organisations: Vec<OrganisationId>,
}

impl User {
    pub fn principal(&self) -> Principal {
        Principal {
            person: self.id.clone(),
            role: self.role,
            organisations: self.organisations.clone(),
        }
    }
}

/// The answer of every endpoint that signs a device in (log in, register, accept an
/// invitation, change or reset the password): the user, and the session token for tools (the
/// app uses the HttpOnly cookie set beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user: User,
    pub token: String,
}

/// One delivery of a volunteer's CV to someone else's device ("Hvem har set mit CV").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRead {
    pub reader: PersonId,
    /// The reader's name, as their account has it.
    pub reader_name: String,
    pub reader_role: Role,
    /// The organisations the reader coordinates (for coordinators).
    pub organisations: Vec<String>,
    pub at: i64,
    pub device: String,
    pub user_agent: String,
}

/// A link a person hands over: an invitation (`POST /api/invitations`) has `url` only, a
/// staff reset link (`POST /api/password/reset-link`) also when it expires and for whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedLink {
    /// A path (invitations) or a full URL (reset links).
    pub url: String,
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

text_enum!(
    /// What went wrong, as every API error body says it (`error`). Stable: the app picks its
    /// Danish sentence by it.
    ErrorCode {
        NotFound = "not_found",
        MethodNotAllowed = "method_not_allowed",
        BadCredentials = "bad_credentials",
        Unauthorized = "unauthorized",
        TooManyAttempts = "too_many_attempts",
        EmailTaken = "email_taken",
        PasswordTooShort = "password_too_short",
        Invalid = "invalid",
        InvalidJson = "invalid_json",
        UnsupportedMediaType = "unsupported_media_type",
        PayloadTooLarge = "payload_too_large",
        BodyTimeout = "body_timeout",
        Forbidden = "forbidden",
        ForeignOrigin = "foreign_origin",
        InvitationInvalid = "invitation_invalid",
        ResetInvalid = "reset_invalid",
        NoSuchAccount = "no_such_account",
        Internal = "internal",
    }
);

/// The body of every API error: the code, an English message for developers, and for a 429
/// how many seconds to wait (as its `Retry-After` header says).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_read_back_as_the_relay_writes_them() {
        let body = ErrorBody {
            error: ErrorCode::TooManyAttempts,
            message: "too many attempts; try again in 120 seconds".into(),
            retry_after: Some(120),
        };
        let json = serde_json::to_string(&body).unwrap();
        assert!(json.contains(r#""error":"too_many_attempts""#), "{json}");
        assert_eq!(serde_json::from_str::<ErrorBody>(&json).unwrap(), body);
        let plain: ErrorBody =
            serde_json::from_str(r#"{"error":"email_taken","message":"x"}"#).unwrap();
        assert_eq!(plain.error, ErrorCode::EmailTaken);
        assert_eq!(plain.retry_after, None);
    }

    #[test]
    fn a_user_remembered_before_phones_still_reads() {
        let user: User = serde_json::from_str(
            r#"{"id":"demo-anna","email":"a@b.dk","name":"Anna","role":"frivillig","organisations":[]}"#,
        )
        .unwrap();
        assert_eq!(user.phone, "");
        assert_eq!(user.principal().role, Role::Volunteer);
    }
}
