//! The accounts API under `/api`: register, log in, log out, who am I, change password.
//!
//! A session token is answered once, in the JSON body (for tools) and as an HttpOnly,
//! SameSite=Strict cookie (for the app; Secure when the request came over https through a
//! proxy that says so). Every endpoint that needs a session accepts the cookie, an
//! `Authorization: Bearer` header, or (for WebSocket clients that cannot set headers) a
//! `token` query parameter. Tokens are never logged, and passwords never appear in `Debug`.
//!
//! Bodies are read with [`AppJson`], so that a body that is not the JSON an endpoint takes is
//! answered like every other API error. Logins are throttled per address and per (account,
//! address), counting failures only (`limits`).
//!
//! Registration tells a person that their e-mail already has an account (409): without an
//! e-mail channel the relay cannot do otherwise, since a free e-mail gets its account at once,
//! which answers the question as well as any message would. So it bounds how often: an address
//! gets [`limits::EMAIL_TAKEN_ANSWERS_PER_ADDRESS`] such answers an hour, and then no
//! registration at all until the hour is over.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use samskab_model::authz::Role;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::accounts::{NewUser, Organisation, Password, SESSION_DAYS, User, normalise_email};
use crate::error::ApiError;
use crate::limits::{self, address_key, wait_seconds};

/// A JSON request body. Unlike `axum::Json`, every way it can fail (not JSON, not this shape,
/// another content type, too large, too slow) is an [`ApiError`], answered as the relay's JSON
/// error body; and the whole body must arrive within [`limits::BODY_READ_TIMEOUT`].
#[derive(Debug)]
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let read = Json::<T>::from_request(request, state);
        match tokio::time::timeout(limits::BODY_READ_TIMEOUT, read).await {
            Ok(Ok(Json(value))) => Ok(Self(value)),
            Ok(Err(rejection)) => Err(rejection.into()),
            Err(_) => Err(ApiError::BodyTimeout),
        }
    }
}

pub const COOKIE: &str = "samskab_session";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/profile/reads", get(profile_reads))
        .route("/export", get(export))
        .route("/password", post(change_password))
        .route(
            "/organisations",
            get(organisations).post(create_organisation),
        )
        .route("/people", get(find_people))
        .route("/invitations", post(invite))
        .route("/invitations/accept", post(accept_invitation))
}

/// The session token a request carries: cookie, bearer header or `token` query parameter.
pub fn session_token(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned());
    let from_bearer = || {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
    };
    let from_query = || {
        uri.query()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| *name == "token")
            .map(|(_, value)| value.to_owned())
    };
    from_cookie
        .or_else(from_bearer)
        .or_else(from_query)
        .filter(|t| !t.is_empty())
}

/// The signed-in user of a request, as a handler's argument: a handler that takes one answers
/// 401 without a valid session before its body runs. (The WebSocket upgrade takes it as a
/// `Result`, so that it checks the origin before it answers anything.)
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The session token the request carried.
    pub token: String,
}

impl FromRequestParts<Arc<AppState>> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let (user, token) = current_user(state, &parts.headers, &parts.uri).await?;
        Ok(CurrentUser { user, token })
    }
}

/// The signed-in user of a request, or 401.
async fn current_user(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(User, String), ApiError> {
    let token = session_token(headers, uri).ok_or(ApiError::Unauthorized)?;
    let accounts = state.accounts.clone();
    let lookup = token.clone();
    let user = blocking(move || accounts.session(&lookup)).await?;
    user.map(|u| (u, token)).ok_or(ApiError::Unauthorized)
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::accounts::AccountError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("task failed: {e}")))?
        .map_err(ApiError::from)
}

pub(crate) fn limited(result: Result<(), std::time::Duration>) -> Result<(), ApiError> {
    result.map_err(|wait| ApiError::TooManyAttempts(wait_seconds(wait)))
}

/// Over https (as a TLS-terminating proxy reports it) the cookie is Secure.
fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(token: &str, max_age: i64, secure: bool) -> HeaderValue {
    let value = format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn signed_in(user: User, token: String, headers: &HeaderMap) -> Response {
    let set = cookie(&token, SESSION_DAYS * 24 * 60 * 60, secure(headers));
    (
        [
            (header::SET_COOKIE, set),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(samskab_model::api::SignedIn { user, token }),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct RegisterBody {
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
    password: Password,
}

/// Counts a registration (or an accepted invitation) from `address`, refusing it if the
/// address has spent its registrations or its "that e-mail has an account" answers.
fn may_register(state: &AppState, address: &str) -> Result<(), ApiError> {
    limited(
        state
            .limits
            .email_taken
            .spent_at(address, std::time::Instant::now()),
    )?;
    limited(state.limits.register_address.check(address))
}

/// Passes an account-creating result through, counting a 409 against the address's allowance
/// of them (and answering 429 instead once it is spent).
fn counting_taken<T>(
    state: &AppState,
    address: &str,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if let Err(ApiError::EmailTaken) = &result {
        limited(state.limits.email_taken.check(address))?;
        // Without the address: the log keeps no client addresses elsewhere either.
        tracing::info!("registration for an e-mail that has an account");
    }
    result
}

async fn register(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(body): AppJson<RegisterBody>,
) -> Result<Response, ApiError> {
    let address = address_key(addr.ip());
    may_register(&state, &address)?;
    let accounts = state.accounts.clone();
    let created = blocking(move || {
        let password = body.password.into_inner();
        let new = NewUser {
            email: body.email,
            name: body.name,
            phone: body.phone,
            password: password.clone(),
            role: Role::Volunteer,
        };
        let user = accounts.create_user(&new, None)?;
        accounts.login(&user.email, &password)
    })
    .await;
    let (user, token) = counting_taken(&state, &address, created)?;
    tracing::info!(user = %user.id, "volunteer registered");
    Ok((StatusCode::CREATED, signed_in(user, token, &headers)).into_response())
}

#[derive(Debug, Deserialize)]
struct LoginBody {
    email: String,
    password: Password,
}

/// Runs a password check for `account` from `address` under the login throttle: refused with
/// 429 while the address must wait; counted as a failure if the password was wrong.
async fn throttled<T: Send + 'static>(
    state: &AppState,
    account: &str,
    address: &str,
    check: impl FnOnce() -> Result<T, crate::accounts::AccountError> + Send + 'static,
) -> Result<T, ApiError> {
    limited(state.limits.login.attempt(account, address))?;
    let result = blocking(check).await;
    match &result {
        Ok(_) => state.limits.login.succeeded(account, address),
        Err(ApiError::BadCredentials) => {}
        // A new password too short, a failure of the relay's own: no guess was judged.
        Err(_) => state.limits.login.not_judged(account, address),
    }
    result
}

async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginBody>,
) -> Result<Response, ApiError> {
    let account = normalise_email(&body.email);
    let accounts = state.accounts.clone();
    let (user, token) = throttled(&state, &account, &address_key(addr.ip()), move || {
        accounts.login(&body.email, body.password.expose())
    })
    .await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(signed_in(user, token, &headers))
}

async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers, &uri) {
        state
            .sync
            .end_session(crate::accounts::session_hash(&token));
        let accounts = state.accounts.clone();
        blocking(move || accounts.logout(&token)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie("", 0, secure(&headers)))],
    )
        .into_response())
}

async fn me(CurrentUser { user, .. }: CurrentUser) -> Result<Response, ApiError> {
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(user)).into_response())
}

/// "Hvem har set mit CV": the audit log of the caller's profile, newest first.
async fn profile_reads(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let entries = blocking(move || accounts.reads_of(&user.id, Some(crate::audit::SHOWN))).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(entries)).into_response())
}

/// "Hent mine data": everything Samskab holds about the caller, as one JSON download: the
/// account, each kind's part (the profile, every sign-up), and the audit log of who read
/// the profile.
async fn export(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
) -> Result<Response, ApiError> {
    let documents = state.sync.export(user.id.clone()).await;
    let accounts = state.accounts.clone();
    let id = user.id.clone();
    let reads = blocking(move || accounts.reads_of(&id, None)).await?;
    let mut body = serde_json::json!({
        "exported_at": state.accounts.now_ms(),
        "account": user,
        "profile_reads": reads,
    });
    if let Some(body) = body.as_object_mut() {
        // Each kind's part, under its own key (`profile`, `signups`).
        body.extend(documents);
    }
    readable_times(&mut body);
    // Indented, so that a person who opens the file in a text editor can read it.
    let text = serde_json::to_string_pretty(&body)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("the export does not serialise: {e}")))?;
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"samskab-mine-data.json\"",
            ),
        ],
        text,
    )
        .into_response())
}

/// The export's times as people and programs read them: every field named `at`, `start`,
/// `end`, `since`, `until`, or ending in `_at`, `_start` or `_end`, that holds milliseconds
/// since 1970 becomes RFC 3339
/// in Danish time ("2026-12-06T05:33:52+01:00"); 0, which the documents write for "not yet"
/// (a notice not read), becomes `null`.
fn readable_times(value: &mut serde_json::Value) {
    use serde_json::Value;
    const TIMES: [&str; 5] = ["at", "start", "end", "since", "until"];
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                let is_time = TIMES.contains(&key.as_str())
                    || ["_at", "_start", "_end"]
                        .iter()
                        .any(|end| key.ends_with(end));
                match field.as_i64() {
                    Some(0) if is_time => *field = Value::Null,
                    Some(ms) if is_time && ms > 0 => {
                        *field = Value::String(samskab_model::local_time::rfc3339(ms));
                    }
                    _ => readable_times(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(readable_times),
        _ => {}
    }
}

#[derive(Debug, Deserialize)]
struct PasswordBody {
    old: Password,
    new: Password,
}

async fn change_password(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    CurrentUser { user, .. }: CurrentUser,
    headers: HeaderMap,
    AppJson(body): AppJson<PasswordBody>,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let id = user.id.clone();
    // The old password is a guess like a login's: a stolen session must not become an
    // unthrottled way to test passwords.
    let token = throttled(&state, &user.email, &address_key(addr.ip()), move || {
        accounts.change_password(&id, body.old.expose(), body.new.expose())
    })
    .await?;
    // Every other session ended: so do the sync connections opened with them.
    state.sync.end_user_sessions(user.id.clone());
    tracing::info!(user = %user.id, "password changed; other sessions ended");
    Ok(signed_in(user, token, &headers))
}

#[derive(Debug, Deserialize)]
struct PeopleQuery {
    #[serde(default)]
    q: String,
}

/// `GET /api/people?q=`: people to add to a group or invite to a meeting
/// ([`crate::accounts::Accounts::find_people`]); 403 for a volunteer.
async fn find_people(
    State(state): State<Arc<AppState>>,
    current: CurrentUser,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let found = blocking(move || accounts.find_people(&current.user, &query.q)).await?;
    let found = found.ok_or(ApiError::Forbidden)?;
    Ok(Json(found).into_response())
}

async fn organisations(
    State(state): State<Arc<AppState>>,
    _: CurrentUser,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let list = blocking(move || accounts.organisations()).await?;
    Ok(Json(list).into_response())
}

#[derive(Debug, Deserialize)]
struct OrganisationBody {
    #[serde(default)]
    id: Option<String>,
    name: String,
    kind: String,
}

/// A URL-safe id from a name: "Karise Petanque Klub" -> "karise-petanque-klub".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let c = match c {
            'æ' => "ae".to_owned(),
            'ø' => "oe".to_owned(),
            'å' => "aa".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        if c == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(&c);
    }
    out.trim_end_matches('-').chars().take(64).collect()
}

async fn create_organisation(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
    AppJson(body): AppJson<OrganisationBody>,
) -> Result<Response, ApiError> {
    if !matches!(user.role, Role::Staff | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let id = body
        .id
        .unwrap_or_else(|| slug(&body.name))
        .parse()
        .map_err(|_| {
            ApiError::Invalid("the organisation id must be 1 to 64 of a-z, 0-9 and -".into())
        })?;
    let org = Organisation {
        id,
        name: body.name,
        kind: body.kind,
    };
    let accounts = state.accounts.clone();
    let created = org.clone();
    blocking(move || accounts.create_organisation(&created)).await?;
    crate::organisation_documents::create(&state.sync, &org, state.accounts.now_ms())
        .await
        .map_err(ApiError::Internal)?;
    tracing::info!(by = %user.id, organisation = %org.id, "organisation created");
    Ok((StatusCode::CREATED, Json(org)).into_response())
}

#[derive(Debug, Deserialize)]
struct InviteBody {
    role: Role,
    #[serde(default)]
    organisation: Option<samskab_model::OrganisationId>,
}

#[derive(Debug, Serialize)]
struct Invitation {
    code: String,
    url: String,
    role: Role,
    organisation: Option<samskab_model::OrganisationId>,
}

/// Staff and admins invite coordinators (to any organisation) and staff; admins also admins;
/// coordinators invite coordinators to their own organisations. Volunteers register themselves.
fn may_invite(
    inviter: &User,
    role: Role,
    organisation: Option<&samskab_model::OrganisationId>,
) -> bool {
    match role {
        Role::Volunteer => false,
        Role::Coordinator => organisation.is_some_and(|org| inviter.principal().coordinates(org)),
        Role::Staff => matches!(inviter.role, Role::Staff | Role::Admin),
        Role::Admin => inviter.role == Role::Admin,
    }
}

async fn invite(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
    AppJson(body): AppJson<InviteBody>,
) -> Result<Response, ApiError> {
    if body.role == Role::Coordinator && body.organisation.is_none() {
        return Err(ApiError::Invalid(
            "a coordinator is invited to an organisation".into(),
        ));
    }
    if !may_invite(&user, body.role, body.organisation.as_ref()) {
        return Err(ApiError::Forbidden);
    }
    let accounts = state.accounts.clone();
    let (role, org, by) = (body.role, body.organisation.clone(), user.id.clone());
    let code = blocking(move || {
        if let Some(org) = &org
            && !accounts.organisation_exists(org)?
        {
            return Err(crate::accounts::AccountError::Invalid(
                "no such organisation",
            ));
        }
        accounts.invite(&by, role, org.as_ref())
    })
    .await?;
    tracing::info!(by = %user.id, role = %body.role, "invitation created");
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(Invitation {
            url: format!("/invitation/{code}"),
            code,
            role: body.role,
            organisation: body.organisation,
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct AcceptBody {
    code: String,
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
    password: Password,
}

async fn accept_invitation(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    AppJson(body): AppJson<AcceptBody>,
) -> Result<Response, ApiError> {
    let address = address_key(addr.ip());
    may_register(&state, &address)?;
    let accounts = state.accounts.clone();
    let accepted = blocking(move || {
        accounts.accept_invitation(
            &body.code,
            &NewUser {
                email: body.email,
                name: body.name,
                phone: body.phone,
                password: body.password.into_inner(),
                // The invitation's role replaces this.
                role: Role::Volunteer,
            },
        )
    })
    .await;
    let (user, token) = counting_taken(&state, &address, accepted)?;
    tracing::info!(user = %user.id, role = %user.role, "invitation accepted");
    Ok((StatusCode::CREATED, signed_in(user, token, &headers)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_keep_passwords_out_of_debug() {
        let login: LoginBody =
            serde_json::from_str(r#"{"email": "a@b.dk", "password": "hemmelig-kode"}"#).unwrap();
        let register: RegisterBody = serde_json::from_str(
            r#"{"name": "A", "email": "a@b.dk", "password": "hemmelig-kode"}"#,
        )
        .unwrap();
        let change: PasswordBody =
            serde_json::from_str(r#"{"old": "hemmelig-kode", "new": "hemmelig-kode-2"}"#).unwrap();
        let accept: AcceptBody = serde_json::from_str(
            r#"{"code": "c", "name": "A", "email": "a@b.dk", "password": "hemmelig-kode"}"#,
        )
        .unwrap();
        for shown in [
            format!("{login:?}"),
            format!("{register:?}"),
            format!("{change:?}"),
            format!("{accept:?}"),
        ] {
            assert!(!shown.contains("hemmelig"), "{shown}");
        }
        assert!(format!("{login:?}").contains("a@b.dk"), "the rest is shown");
    }
}
