//! Who is signed in on this device.
//!
//! The relay gives the session as an HttpOnly cookie, which the page never sees; the app keeps
//! only the user (id, name, role, organisations) in localStorage, so that it opens offline
//! with that person's data. A session that expired while offline shows up when the sync
//! connection is refused: the app asks for the password again and loses nothing (unsent
//! changes wait in IndexedDB).
//!
//! Logging out on a shared device deletes that user's documents (the whole IndexedDB
//! database), the pending-changes list and the user's settings; only the device's language
//! stays.

use gloo_storage::{LocalStorage, Storage};
use js_sys::{Object, Reflect};
use samskab_model::authz::{Principal, Role};
use samskab_model::{OrganisationId, PersonId};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

pub const USER_KEY: &str = "samskab.user";

/// The signed-in user as this device remembers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    /// Absent in users remembered before the phone was kept.
    #[serde(default)]
    pub phone: String,
    pub role: Role,
    pub organisations: Vec<OrganisationId>,
}

impl SignedIn {
    pub fn principal(&self) -> Principal {
        Principal {
            person: self.id.clone(),
            role: self.role,
            organisations: self.organisations.clone(),
        }
    }
}

/// The user this device is signed in as, if any.
pub fn current() -> Option<SignedIn> {
    LocalStorage::get(USER_KEY).ok()
}

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

/// The user in an API answer (`{user: ...}` or the user itself).
fn user_of(value: &JsValue) -> Option<SignedIn> {
    let user = Reflect::get(value, &"user".into())
        .ok()
        .filter(|u| u.is_object())
        .unwrap_or_else(|| value.clone());
    let text = |k: &str| Reflect::get(&user, &k.into()).ok()?.as_string();
    let organisations = Reflect::get(&user, &"organisations".into())
        .ok()
        .map(|v| js_sys::Array::from(&v))
        .map(|a| {
            a.iter()
                .filter_map(|o| o.as_string()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    Some(SignedIn {
        id: text("id")?.parse().ok()?,
        name: text("name")?,
        email: text("email")?,
        phone: text("phone").unwrap_or_default(),
        role: text("role")?.parse().ok()?,
        organisations,
    })
}

pub(crate) async fn call(
    method: &str,
    path: &str,
    body: Option<&Object>,
) -> Result<(u16, JsValue), SignInError> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let json = js_sys::JSON::stringify(body).map_err(|_| SignInError::Invalid)?;
        init.set_body(&json);
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
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    Ok((status, json))
}

fn error_of(status: u16, body: &JsValue) -> SignInError {
    let code = Reflect::get(body, &"error".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    let wait = Reflect::get(body, &"retry_after".into())
        .ok()
        .and_then(|w| w.as_f64())
        .filter(|w| w.is_finite() && *w >= 0.0);
    match (status, code.as_str()) {
        // A 429 without the number (a proxy's) waits a minute.
        (429, _) => SignInError::TooManyAttempts(wait.map_or(60, |w| w.ceil() as u64)),
        (410, _) => SignInError::InvitationInvalid,
        (403, _) => SignInError::Forbidden,
        (_, "email_taken") => SignInError::EmailTaken,
        (_, "password_too_short") => SignInError::PasswordTooShort,
        (_, "reset_invalid") => SignInError::ResetInvalid,
        (_, "no_such_account") => SignInError::NoSuchAccount,
        (401, _) => SignInError::BadCredentials,
        _ => SignInError::Invalid,
    }
}

fn object(fields: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

async fn sign_in_with(path: &str, body: &Object) -> Result<SignedIn, SignInError> {
    let (status, json) = call("POST", path, Some(body)).await?;
    if !(200..300).contains(&status) {
        return Err(error_of(status, &json));
    }
    let user = user_of(&json).ok_or(SignInError::Invalid)?;
    remember(&user);
    Ok(user)
}

pub async fn login(email: &str, password: &str) -> Result<SignedIn, SignInError> {
    sign_in_with(
        "/api/login",
        &object(&[("email", email), ("password", password)]),
    )
    .await
}

pub async fn register(
    name: &str,
    email: &str,
    phone: &str,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let body = object(&[
        ("name", name),
        ("email", email),
        ("phone", phone),
        ("password", password),
    ]);
    sign_in_with("/api/register", &body).await
}

/// Asks the relay who the session cookie belongs to: `Ok(None)` when it has none or it
/// expired, `Err` when the relay cannot be reached.
pub async fn me() -> Result<Option<SignedIn>, SignInError> {
    let (status, json) = call("GET", "/api/me", None).await?;
    match status {
        200 => {
            let user = user_of(&json);
            if let Some(user) = &user {
                remember(user);
            }
            Ok(user)
        }
        401 => Ok(None),
        _ => Err(SignInError::Offline),
    }
}

/// Ends the session at the relay (if it can be reached) and removes this user's data from the
/// device. Resolves once IndexedDB is deleted.
pub async fn logout() {
    let _ = call("POST", "/api/logout", None).await;
    crate::sync_client::stop_and_forget().await;
    for key in [
        USER_KEY,
        crate::sync_client::PENDING_KEY,
        crate::settings::PERSON_KEY,
        crate::settings::ORG_KEY,
        crate::organisations::KEY,
        crate::roster_contacts::KEY,
    ] {
        LocalStorage::delete(key);
    }
}

/// Creates an account from an invitation link's code, and signs it in.
pub async fn accept_invitation(
    code: &str,
    name: &str,
    email: &str,
    password: &str,
) -> Result<SignedIn, SignInError> {
    let body = object(&[
        ("code", code),
        ("name", name),
        ("email", email),
        ("password", password),
    ]);
    sign_in_with("/api/invitations/accept", &body).await
}

/// Asks the relay for an invitation link for a new coordinator of `organisation`; the full URL.
pub async fn invite_coordinator(organisation: &str) -> Result<String, SignInError> {
    let body = object(&[("role", "koordinator"), ("organisation", organisation)]);
    let (status, json) = call("POST", "/api/invitations", Some(&body)).await?;
    if status != 201 {
        return Err(error_of(status, &json));
    }
    let path = Reflect::get(&json, &"url".into())
        .ok()
        .and_then(|u| u.as_string())
        .ok_or(SignInError::Invalid)?;
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Ok(format!("{origin}{path}"))
}

/// Changes the password; the relay ends every other session (other devices must log in again).
pub async fn change_password(old: &str, new: &str) -> Result<(), SignInError> {
    sign_in_with("/api/password", &object(&[("old", old), ("new", new)]))
        .await
        .map(drop)
}

/// "Glemt adgangskode": asks the relay to mail a reset link. The relay answers the same
/// whether or not an account has the e-mail, so `Ok` says only that the request was taken.
pub async fn forgot_password(email: &str) -> Result<(), SignInError> {
    let (status, json) = call(
        "POST",
        "/api/password/forgot",
        Some(&object(&[("email", email)])),
    )
    .await?;
    if status != 202 {
        return Err(error_of(status, &json));
    }
    Ok(())
}

/// Sets a new password with the token of a reset link; the relay ends every session of the
/// account and signs this device in.
pub async fn reset_password(token: &str, password: &str) -> Result<SignedIn, SignInError> {
    sign_in_with(
        "/api/password/reset",
        &object(&[("token", token), ("password", password)]),
    )
    .await
}

/// A one-time reset link made by staff, to hand over in person.
#[derive(Debug, Clone, PartialEq)]
pub struct HandedLink {
    pub url: String,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
    pub name: String,
}

/// Asks the relay for a reset link for the account with `email` (staff and admins).
pub async fn reset_link(email: &str) -> Result<HandedLink, SignInError> {
    let (status, json) = call(
        "POST",
        "/api/password/reset-link",
        Some(&object(&[("email", email)])),
    )
    .await?;
    if status != 201 {
        return Err(error_of(status, &json));
    }
    let text = |k: &str| Reflect::get(&json, &k.into()).ok()?.as_string();
    Ok(HandedLink {
        url: text("url").ok_or(SignInError::Invalid)?,
        expires_at: Reflect::get(&json, &"expires_at".into())
            .ok()
            .and_then(|v| v.as_f64())
            .ok_or(SignInError::Invalid)? as i64,
        name: text("name").unwrap_or_default(),
    })
}

/// One read of the user's profile, from the relay's audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadEntry {
    pub name: String,
    pub role: Role,
    pub organisations: Vec<String>,
    pub at: i64,
    pub device: String,
    pub user_agent: String,
}

/// "Hvem har set mit CV": the audit log of the user's profile, newest first.
pub async fn profile_reads() -> Result<Vec<ReadEntry>, SignInError> {
    let (status, json) = call("GET", "/api/profile/reads", None).await?;
    if status != 200 {
        return Err(error_of(status, &json));
    }
    let entries = js_sys::Array::from(&json)
        .iter()
        .filter_map(|e| {
            let text = |k: &str| Reflect::get(&e, &k.into()).ok()?.as_string();
            Some(ReadEntry {
                name: text("reader_name")?,
                role: text("reader_role")?.parse().ok()?,
                organisations: Reflect::get(&e, &"organisations".into())
                    .ok()
                    .map(|v| {
                        js_sys::Array::from(&v)
                            .iter()
                            .filter_map(|o| o.as_string())
                            .collect()
                    })
                    .unwrap_or_default(),
                at: Reflect::get(&e, &"at".into()).ok()?.as_f64()? as i64,
                device: text("device")?,
                user_agent: text("user_agent").unwrap_or_default(),
            })
        })
        .collect();
    Ok(entries)
}
