//! The accounts API under `/api`: register, log in, log out, who am I, change password.
//!
//! A session token is answered once, in the JSON body (for tools) and as an HttpOnly,
//! SameSite=Strict cookie (for the app; Secure when the request came over https through a
//! proxy that says so). Every endpoint that needs a session accepts the cookie, an
//! `Authorization: Bearer` header, or (for WebSocket clients that cannot set headers) a
//! `token` query parameter. Tokens are never logged.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use samskab_model::authz::Role;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::accounts::{NewUser, SESSION_DAYS, User, normalise_email};
use crate::error::ApiError;

pub const COOKIE: &str = "samskab_session";

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/password", post(change_password))
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

/// The signed-in user of a request, or 401.
pub async fn current_user(
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

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::accounts::AccountError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("task failed: {e}")))?
        .map_err(ApiError::from)
}

fn limited(result: Result<(), std::time::Duration>) -> Result<(), ApiError> {
    result.map_err(|wait| ApiError::TooManyAttempts(wait.as_secs().max(1)))
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

#[derive(Debug, Serialize)]
struct Session {
    user: User,
    token: String,
}

fn signed_in(user: User, token: String, headers: &HeaderMap) -> Response {
    let set = cookie(&token, SESSION_DAYS * 24 * 60 * 60, secure(headers));
    (
        [
            (header::SET_COOKIE, set),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(Session { user, token }),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct RegisterBody {
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
    password: String,
}

async fn register(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<RegisterBody>,
) -> Result<Response, ApiError> {
    limited(state.limits.register_address.check(&addr.ip().to_string()))?;
    let accounts = state.accounts.clone();
    let (user, token) = blocking(move || {
        let new = NewUser {
            email: body.email,
            name: body.name,
            phone: body.phone,
            password: body.password.clone(),
            role: Role::Volunteer,
        };
        let user = accounts.create_user(&new, None)?;
        accounts.login(&user.email, &body.password)
    })
    .await?;
    tracing::info!(user = %user.id, "volunteer registered");
    Ok((StatusCode::CREATED, signed_in(user, token, &headers)).into_response())
}

#[derive(Debug, Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    limited(state.limits.login_address.check(&addr.ip().to_string()))?;
    limited(
        state
            .limits
            .login_account
            .check(&normalise_email(&body.email)),
    )?;
    let accounts = state.accounts.clone();
    let (user, token) = blocking(move || accounts.login(&body.email, &body.password)).await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(signed_in(user, token, &headers))
}

async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers, &uri) {
        let accounts = state.accounts.clone();
        blocking(move || accounts.logout(&token)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie("", 0, secure(&headers)))],
    )
        .into_response())
}

async fn me(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (user, _) = current_user(&state, &headers, &uri).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(user)).into_response())
}

#[derive(Debug, Deserialize)]
struct PasswordBody {
    old: String,
    new: String,
}

async fn change_password(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
    Json(body): Json<PasswordBody>,
) -> Result<Response, ApiError> {
    let (user, _) = current_user(&state, &headers, &uri).await?;
    limited(state.limits.login_account.check(&user.email))?;
    let accounts = state.accounts.clone();
    let id = user.id.clone();
    let token = blocking(move || accounts.change_password(&id, &body.old, &body.new)).await?;
    tracing::info!(user = %user.id, "password changed; other sessions ended");
    Ok(signed_in(user, token, &headers))
}
