//! Who is signed in on this device, and the relay's account API (log in, register, passwords,
//! invitations).
//!
//! The relay gives the session as an HttpOnly cookie, which the page never sees; the app keeps
//! only the user (id, name, role, organisations) in localStorage, so that it opens offline
//! with that person's data. The shell reads it once at start into the [`Session`] context,
//! which the pages read ([`use_session`]). A session that expired while offline shows up when
//! the sync connection is refused: the app asks for the password again and loses nothing
//! (unsent changes wait in IndexedDB).
//!
//! Logging out, which also deletes the user's data from the device, is
//! [`crate::sign_out`]'s: it reaches into the sync client and the other stores, which this
//! module does not know.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::PersonId;
use samskab_model::api::{ErrorBody, ErrorCode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::i18n::{self, Lang, Msg};

pub const USER_KEY: &str = "samskab.user";

/// The signed-in user as this device remembers them: the API's own user type, so what the
/// relay answers is what the device keeps.
pub type SignedIn = samskab_model::api::User;

/// Who is signed in, as context: read from localStorage when the app starts, set again when
/// the person signs in anew (the session-expired prompt) and cleared at logout. Signing in
/// from the login page starts the app again in place (`app::Entered`), which reads it anew;
/// logging out reloads the page.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    user: StoredValue<Option<SignedIn>>,
}

impl Session {
    /// The user this device remembers, if any.
    pub fn start() -> Self {
        Session {
            user: StoredValue::new(LocalStorage::get(USER_KEY).ok()),
        }
    }

    /// The signed-in user, if any.
    pub fn user(&self) -> Option<SignedIn> {
        self.user.try_get_value().flatten()
    }

    /// The signed-in person's id, if any.
    pub fn person(&self) -> Option<PersonId> {
        self.user
            .try_with_value(|u| u.as_ref().map(|u| u.id.clone()))
            .flatten()
    }

    /// Whether the signed-in user coordinates, is staff or admin (not only a volunteer).
    pub fn runs_tasks(&self) -> bool {
        self.user
            .try_with_value(|u| {
                u.as_ref()
                    .is_some_and(|u| u.role != samskab_model::authz::Role::Volunteer)
            })
            .unwrap_or(false)
    }

    /// After signing in (again): the relay's answer becomes the session.
    pub fn signed_in(&self, user: SignedIn) {
        self.user.try_set_value(Some(user));
    }

    /// At logout: nobody is signed in, here or at the next start.
    pub fn forget(&self) {
        LocalStorage::delete(USER_KEY);
        self.user.try_set_value(None);
    }
}

/// Follows logging in and out in the browser's other tabs: when another tab of this app
/// forgets the user (logs out, which also deletes the documents under this tab) or signs
/// someone in, this tab starts again as the browser now is, rather than go on showing, and
/// failing to save, the data of a session that has ended here.
pub fn follow_other_tabs() {
    // The browser tells other tabs, never the one that wrote; `None` is a clear() of all.
    let _ = window_event_listener(leptos::ev::storage, |e| {
        if e.key().is_none_or(|key| key == USER_KEY) {
            let _ = window().location().reload();
        }
    });
}

/// The session from context (the shell provides it on every device, signed in or not).
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Keeps the user for the next start (the relay answered who this is).
fn remember(user: &SignedIn) {
    let _ = LocalStorage::set(USER_KEY, user);
}

/// Why signing in (or another account request) did not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInError {
    BadCredentials,
    /// The relay's real wait, in seconds (its `retry_after`, as `Retry-After` says).
    TooManyAttempts(u64),
    EmailTaken,
    PasswordTooShort,
    Invalid,
    Offline,
    InvitationInvalid,
    Forbidden,
    /// A password reset link that is unknown, used or expired.
    ResetInvalid,
    /// No account has that e-mail (answered to staff only).
    NoSuchAccount,
}

impl SignInError {
    /// The sentence for it, with the relay's real wait for a 429.
    pub fn describe(self, lang: Lang) -> String {
        let msg = match self {
            SignInError::TooManyAttempts(seconds) => return i18n::too_many_attempts(seconds, lang),
            SignInError::BadCredentials => Msg::BadCredentials,
            SignInError::EmailTaken => Msg::EmailTaken,
            SignInError::PasswordTooShort => Msg::PasswordTooShort,
            SignInError::Invalid => Msg::InvalidInput,
            SignInError::Offline => Msg::SignInOffline,
            SignInError::InvitationInvalid => Msg::InvitationInvalid,
            SignInError::Forbidden => Msg::NotAllowed,
            SignInError::ResetInvalid => Msg::ResetInvalid,
            SignInError::NoSuchAccount => Msg::NoSuchAccount,
        };
        msg.text(lang).to_owned()
    }
}

/// Sends a request to the API: `body` as a JSON object of text fields. Answers the status
/// and the body's text; `Err(Offline)` when the relay cannot be reached.
pub(crate) async fn call(
    method: &str,
    path: &str,
    body: Option<&[(&str, &str)]>,
) -> Result<(u16, String), SignInError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(fields) = body {
        let object: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect();
        init.set_body(&JsValue::from_str(
            &serde_json::Value::Object(object).to_string(),
        ));
    }
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| SignInError::Invalid)?;
    if body.is_some() {
        let _ = request.headers().set("content-type", "application/json");
    }
    let window = web_sys::window().ok_or(SignInError::Offline)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| SignInError::Offline)?
        .dyn_into()
        .map_err(|_| SignInError::Offline)?;
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

/// `body` read as `T`, or `Invalid` (the relay answered something this app does not know).
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, SignInError> {
    serde_json::from_str(body).map_err(|_| SignInError::Invalid)
}

/// What an error answer means for the person, from its status and the relay's error code.
fn error_of(status: u16, body: &str) -> SignInError {
    let body: Option<ErrorBody> = serde_json::from_str(body).ok();
    match (status, body.as_ref().map(|b| b.error)) {
        // A 429 without the number (a proxy's) waits a minute.
        (429, _) => SignInError::TooManyAttempts(body.and_then(|b| b.retry_after).unwrap_or(60)),
        (410, _) => SignInError::InvitationInvalid,
        (403, _) => SignInError::Forbidden,
        (_, Some(ErrorCode::EmailTaken)) => SignInError::EmailTaken,
        (_, Some(ErrorCode::PasswordTooShort)) => SignInError::PasswordTooShort,
        (_, Some(ErrorCode::ResetInvalid)) => SignInError::ResetInvalid,
        (_, Some(ErrorCode::NoSuchAccount)) => SignInError::NoSuchAccount,
        (401, _) => SignInError::BadCredentials,
        _ => SignInError::Invalid,
    }
}

async fn sign_in_with(path: &str, body: &[(&str, &str)]) -> Result<SignedIn, SignInError> {
    let (status, text) = call("POST", path, Some(body)).await?;
    if !(200..300).contains(&status) {
        return Err(error_of(status, &text));
    }
    let answer: samskab_model::api::SignedIn = parse(&text)?;
    remember(&answer.user);
    Ok(answer.user)
}

pub async fn login(email: &str, password: &str) -> Result<SignedIn, SignInError> {
    sign_in_with("/api/login", &[("email", email), ("password", password)]).await
}

pub async fn register(
    name: &str,
    email: &str,
    phone: &str,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let body = [
        ("name", name),
        ("email", email),
        ("phone", phone),
        ("password", password),
    ];
    sign_in_with("/api/register", &body).await
}

/// Asks the relay who the session cookie belongs to: `Ok(None)` when it has none or it
/// expired, `Err` when the relay cannot be reached.
pub async fn me() -> Result<Option<SignedIn>, SignInError> {
    let (status, text) = call("GET", "/api/me", None).await?;
    match status {
        200 => {
            let user: Option<SignedIn> = serde_json::from_str(&text).ok();
            if let Some(user) = &user {
                remember(user);
            }
            Ok(user)
        }
        401 => Ok(None),
        _ => Err(SignInError::Offline),
    }
}

/// Ends the session at the relay, if it can be reached (the rest of logging out is
/// [`crate::sign_out`]'s).
pub async fn end_at_relay() {
    let _ = call("POST", "/api/logout", None).await;
}

/// Creates an account from an invitation link's code, and signs it in.
pub async fn accept_invitation(
    code: &str,
    name: &str,
    email: &str,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let body = [
        ("code", code),
        ("name", name),
        ("email", email),
        ("password", password),
    ];
    sign_in_with("/api/invitations/accept", &body).await
}

/// Asks the relay for an invitation link for a new coordinator of `organisation`; the full URL.
pub async fn invite_coordinator(organisation: &str) -> Result<String, SignInError> {
    let body = [("role", "koordinator"), ("organisation", organisation)];
    let (status, text) = call("POST", "/api/invitations", Some(&body)).await?;
    if status != 201 {
        return Err(error_of(status, &text));
    }
    let path = parse::<HandedLink>(&text)?.url;
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Ok(format!("{origin}{path}"))
}

/// Changes the password; the relay ends every other session (other devices must log in again).
pub async fn change_password(old: &str, new: &str) -> Result<(), SignInError> {
    sign_in_with("/api/password", &[("old", old), ("new", new)])
        .await
        .map(drop)
}

/// "Glemt adgangskode": asks the relay to mail a reset link. The relay answers the same
/// whether or not an account has the e-mail, so `Ok` says only that the request was taken.
pub async fn forgot_password(email: &str) -> Result<(), SignInError> {
    let (status, text) = call("POST", "/api/password/forgot", Some(&[("email", email)])).await?;
    if status != 202 {
        return Err(error_of(status, &text));
    }
    Ok(())
}

/// Sets a new password with the token of a reset link; the relay ends every session of the
/// account and signs this device in.
pub async fn reset_password(token: &str, password: &str) -> Result<SignedIn, SignInError> {
    sign_in_with(
        "/api/password/reset",
        &[("token", token), ("password", password)],
    )
    .await
}

/// A link made to hand over in person: an invitation, or a staff reset link (with its expiry
/// and the account's name).
pub use samskab_model::api::HandedLink;

/// Asks the relay for a reset link for the account with `email` (staff and admins).
pub async fn reset_link(email: &str) -> Result<HandedLink, SignInError> {
    let (status, text) = call(
        "POST",
        "/api/password/reset-link",
        Some(&[("email", email)]),
    )
    .await?;
    if status != 201 {
        return Err(error_of(status, &text));
    }
    parse(&text)
}

/// One read of the user's profile, from the relay's audit log.
pub use samskab_model::api::ProfileRead as ReadEntry;

/// "Hvem har set mit CV": the audit log of the user's profile, newest first.
pub async fn profile_reads() -> Result<Vec<ReadEntry>, SignInError> {
    let (status, text) = call("GET", "/api/profile/reads", None).await?;
    if status != 200 {
        return Err(error_of(status, &text));
    }
    parse(&text)
}

/// "Slet min konto": the relay erases the account and everything of it, confirmed with the
/// password. The caller then empties this device ([`crate::sign_out`]).
pub async fn delete_account(password: &str) -> Result<(), SignInError> {
    let (status, text) = call(
        "POST",
        "/api/account/delete",
        Some(&[("password", password)]),
    )
    .await?;
    if status != 204 {
        return Err(error_of(status, &text));
    }
    Ok(())
}

/// Staff: erases the person with `email` on their request, with the reason for the log.
pub async fn erase_on_request(email: &str, reason: &str) -> Result<(), SignInError> {
    let (status, text) = call(
        "POST",
        "/api/erasures",
        Some(&[("email", email), ("reason", reason)]),
    )
    .await?;
    if status != 200 {
        return Err(error_of(status, &text));
    }
    Ok(())
}
