//! "Glemt adgangskode": resetting a password with a one-time link, by mail or handed over in
//! person by staff.
//!
//! - `POST /api/password/forgot {email}` answers the same 202 whether or not an account has
//!   that e-mail (no account enumeration) and, if one has, mails it a link. The work (token,
//!   mail) happens after the answer, so its time says nothing either. Limited per client
//!   address (429) and per e-mail address (silently: no mail, the same 202).
//! - `POST /api/password/reset-link {email}` (staff and admins) answers the link itself, to
//!   hand a volunteer in person; who made it for whom is logged.
//! - `POST /api/password/reset {token, password}` sets the password, uses up the token, ends
//!   every session of the account and signs this device in.
//!
//! Tokens are 256 random bits, given out once; only their SHA-256 is stored. A token works once,
//! for [`MAIL_LINK_LIFETIME`] (mailed) or [`HANDED_LINK_LIFETIME`] (from staff), and a newer
//! link for the same account replaces it. The link is `<public URL>/nulstil-adgangskode#<token>`:
//! the base comes from configuration, never from the request's `Host` (which an attacker
//! sets, and would get the token sent to their own site), and the token sits in the fragment,
//! which browsers send neither to the server nor in `Referer`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use samskab_model::PersonId;
use samskab_model::account_fields;
use samskab_model::authz::Role;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::accounts::{
    AccountError, Accounts, Password, User, check_password, hash_password, random_hex, token_hash,
};
use crate::api::{AppJson, CurrentUser, blocking, limited, signed_in};
use crate::error::ApiError;
use crate::limits::address_key;
use crate::mail::OutgoingMail;
use crate::secret::Secret;
use crate::storage::accounts::ResetRecord;

/// How long a mailed link works.
pub const MAIL_LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// How long a link made by staff works (handed over in person, perhaps used at home later).
pub const HANDED_LINK_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// The app's page that reads the token from the fragment.
pub const RESET_PATH: &str = "/nulstil-adgangskode";

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The link for `token` under the configured public URL.
pub fn reset_url(public_url: &str, token: &str) -> String {
    format!("{public_url}{RESET_PATH}#{token}")
}

/// Whether someone of role `maker` may make a reset link for an account of role `target`:
/// only for roles below their own, so no one takes over a peer's or a superior's account.
pub fn may_make_link_for(maker: Role, target: Role) -> bool {
    match maker {
        Role::Admin => target != Role::Admin,
        Role::Staff => matches!(target, Role::Volunteer | Role::Coordinator),
        Role::Coordinator | Role::Volunteer => false,
    }
}

impl Accounts {
    /// Makes a reset token for `user` that works until `now + lifetime`, replacing any earlier
    /// one of theirs; returns the token (only its hash is kept).
    pub fn create_reset(
        &self,
        user: &PersonId,
        made_by: Option<&PersonId>,
        lifetime: Duration,
        now: i64,
    ) -> Result<String, AccountError> {
        let token = random_hex(32);
        self.store().replace_reset(
            &token_hash(&token),
            &ResetRecord {
                user: user.clone(),
                made_by: made_by.cloned(),
                created_at: now,
                expires_at: now.saturating_add(millis(lifetime)),
            },
            now,
        )?;
        Ok(token)
    }

    /// Sets `password` for the account of a valid `token`, uses the token up, ends every
    /// session of the account and opens a new one. The password is checked first, so a refused
    /// password does not spend the link.
    pub fn reset_password(
        &self,
        token: &str,
        password: &str,
        now: i64,
    ) -> Result<(User, String), AccountError> {
        check_password(password)?;
        if token.len() != 64 {
            return Err(AccountError::ResetInvalid);
        }
        let hash = token_hash(token);
        let Some(user) = self.store().reset_user(&hash, now)? else {
            return Err(AccountError::ResetInvalid);
        };
        // argon2 before the store's transaction: it takes a while and others need the store.
        let new_hash = hash_password(password)?;
        if !self.store().use_reset(&hash, &user, &new_hash, now)? {
            return Err(AccountError::ResetInvalid);
        }
        let account = self
            .user(&user)?
            .ok_or(AccountError::Corrupt("user vanished"))?;
        let session = self.open_session(&user)?;
        Ok((account, session))
    }
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/password/forgot", post(forgot))
        .route("/password/reset", post(reset))
        .route("/password/reset-link", post(reset_link))
}

/// The mail with the link: Danish first, English below.
pub fn reset_mail(user: &User, url: &str) -> OutgoingMail {
    let name = &user.name;
    let body = format!(
        "Hej {name}\n\
         \n\
         Nogen (forhåbentlig dig) har bedt om at nulstille adgangskoden til din konto i Samskab.\n\
         Åbn linket herunder for at vælge en ny adgangskode. Linket virker én gang og i 1 time.\n\
         \n\
         {url}\n\
         \n\
         Har du ikke bedt om det, kan du se bort fra denne mail. Din adgangskode er ikke ændret.\n\
         \n\
         Venlig hilsen\n\
         Samskab\n\
         \n\
         ----\n\
         \n\
         Hello {name}\n\
         \n\
         Someone (hopefully you) asked to reset the password of your Samskab account.\n\
         Open the link above to choose a new password. It works once, for 1 hour.\n\
         \n\
         If you did not ask for this, ignore this e-mail. Your password has not changed.\n"
    );
    OutgoingMail {
        to_name: user.name.clone(),
        to: user.email.clone(),
        subject: "Nulstil din adgangskode til Samskab / Reset your Samskab password".into(),
        body,
    }
}

#[derive(Debug, Deserialize)]
struct ForgotBody {
    email: String,
}

/// The one answer to every accepted request.
fn accepted() -> Response {
    (
        StatusCode::ACCEPTED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({
            "status": "accepted",
            "message": "if an account has that e-mail, a link to reset its password is on its way",
        })),
    )
        .into_response()
}

async fn forgot(
    State(state): State<Arc<AppState>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    AppJson(body): AppJson<ForgotBody>,
) -> Result<Response, ApiError> {
    // A malformed address is refused for what it is; that says nothing about accounts.
    let email = account_fields::email(&body.email).map_err(|e| ApiError::Invalid(e.to_string()))?;
    limited(state.limits.reset_address.check(&address_key(addr.ip())))?;
    if state.limits.reset_account.check(&email).is_err() {
        tracing::info!("password reset not mailed: that e-mail had its mails for the hour");
        return Ok(accepted());
    }
    let background = state.clone();
    tokio::spawn(async move {
        if let Err(e) = mail_reset_link(&background, &email).await {
            tracing::error!(error = format!("{e:#}"), "password reset mail failed");
        }
    });
    Ok(accepted())
}

/// Makes a token for the account with `email`, if there is one, and mails it the link.
async fn mail_reset_link(state: &AppState, email: &str) -> anyhow::Result<()> {
    let accounts = state.accounts.clone();
    let email = email.to_owned();
    let made = tokio::task::spawn_blocking(move || {
        let Some(user) = accounts.user_by_email(&email)? else {
            return Ok(None);
        };
        let token = accounts.create_reset(&user.id, None, MAIL_LINK_LIFETIME, accounts.now_ms())?;
        Ok::<_, AccountError>(Some((user, token)))
    })
    .await??;
    let Some((user, token)) = made else {
        tracing::info!("password reset asked for an e-mail without an account; nothing sent");
        return Ok(());
    };
    let mail = reset_mail(&user, &reset_url(&state.public_url, &token));
    let delivery = state.mailer.send(&mail).await?;
    tracing::info!(user = %user.id, ?delivery, "password reset link mailed");
    Ok(())
}

#[derive(Debug, Deserialize)]
struct ResetBody {
    token: Secret,
    password: Password,
}

async fn reset(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    AppJson(body): AppJson<ResetBody>,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let (user, session) = blocking(move || {
        accounts.reset_password(
            body.token.expose(),
            body.password.expose(),
            accounts.now_ms(),
        )
    })
    .await?;
    state.sync.end_user_sessions(user.id.clone());
    tracing::info!(user = %user.id, "password reset with a link; every other session ended");
    Ok(signed_in(user, session, &headers))
}

#[derive(Debug, Deserialize)]
struct ResetLinkBody {
    email: String,
}

/// A link made by staff. No `Debug`: it carries the token.
#[derive(Serialize)]
struct HandedLink {
    url: String,
    /// Milliseconds since the epoch.
    expires_at: i64,
    name: String,
    email: String,
}

async fn reset_link(
    State(state): State<Arc<AppState>>,
    CurrentUser { user: maker, .. }: CurrentUser,
    AppJson(body): AppJson<ResetLinkBody>,
) -> Result<Response, ApiError> {
    if !matches!(maker.role, Role::Staff | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let accounts = state.accounts.clone();
    let email = body.email;
    let target = blocking(move || accounts.user_by_email(&email))
        .await?
        .ok_or(ApiError::NoSuchAccount)?;
    if !may_make_link_for(maker.role, target.role) {
        tracing::warn!(by = %maker.id, for_user = %target.id, role = %target.role, "refused a reset link for an account of this role");
        return Err(ApiError::Forbidden);
    }
    let accounts = state.accounts.clone();
    let (target_id, maker_id) = (target.id.clone(), maker.id.clone());
    let now = accounts.now_ms();
    let token = blocking(move || {
        accounts.create_reset(&target_id, Some(&maker_id), HANDED_LINK_LIFETIME, now)
    })
    .await?;
    tracing::info!(by = %maker.id, by_role = %maker.role, for_user = %target.id, "password reset link made to hand over in person");
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(HandedLink {
            url: reset_url(&state.public_url, &token),
            expires_at: now.saturating_add(millis(HANDED_LINK_LIFETIME)),
            name: target.name,
            email: target.email,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::NewUser;

    const HOUR: i64 = 60 * 60 * 1000;

    fn accounts_with_anna() -> (tempfile::TempDir, Accounts, User) {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::open(dir.path()).unwrap();
        let anna = accounts
            .create_user(
                &NewUser {
                    email: "anna@example.dk".into(),
                    name: "Anna".into(),
                    phone: String::new(),
                    password: "korrekt hest".into(),
                    role: Role::Volunteer,
                },
                None,
            )
            .unwrap();
        (dir, accounts, anna)
    }

    #[test]
    fn a_token_works_once_and_ends_every_session() {
        let (_dir, a, anna) = accounts_with_anna();
        let (_, old_session) = a.login("anna@example.dk", "korrekt hest").unwrap();
        let now = a.now_ms();
        let token = a
            .create_reset(&anna.id, None, MAIL_LINK_LIFETIME, now)
            .unwrap();
        assert!(matches!(
            a.reset_password(&token, "kort", now),
            Err(AccountError::PasswordTooShort)
        ));
        let (user, session) = a.reset_password(&token, "en helt ny kode", now).unwrap();
        assert_eq!(user.id, anna.id);
        assert!(a.session(&old_session).unwrap().is_none());
        assert!(a.session(&session).unwrap().is_some());
        assert!(a.login("anna@example.dk", "en helt ny kode").is_ok());
        assert!(matches!(
            a.reset_password(&token, "endnu en ny kode", now),
            Err(AccountError::ResetInvalid)
        ));
    }

    #[test]
    fn tokens_expire_and_a_newer_one_replaces_the_older() {
        let (_dir, a, anna) = accounts_with_anna();
        let now = a.now_ms();
        let mailed = a
            .create_reset(&anna.id, None, MAIL_LINK_LIFETIME, now)
            .unwrap();
        assert!(matches!(
            a.reset_password(&mailed, "en helt ny kode", now + HOUR),
            Err(AccountError::ResetInvalid)
        ));
        let first = a
            .create_reset(&anna.id, None, HANDED_LINK_LIFETIME, now)
            .unwrap();
        let second = a
            .create_reset(&anna.id, None, HANDED_LINK_LIFETIME, now)
            .unwrap();
        assert!(matches!(
            a.reset_password(&first, "en helt ny kode", now),
            Err(AccountError::ResetInvalid)
        ));
        assert!(
            a.reset_password(&second, "en helt ny kode", now + 23 * HOUR)
                .is_ok()
        );
        assert!(matches!(
            a.reset_password("0".repeat(64).as_str(), "en helt ny kode", now),
            Err(AccountError::ResetInvalid)
        ));
    }

    #[test]
    fn links_only_for_roles_below_ones_own() {
        use Role::*;
        assert!(may_make_link_for(Staff, Volunteer));
        assert!(may_make_link_for(Staff, Coordinator));
        assert!(!may_make_link_for(Staff, Staff));
        assert!(!may_make_link_for(Staff, Admin));
        assert!(may_make_link_for(Admin, Staff));
        assert!(!may_make_link_for(Admin, Admin));
        assert!(!may_make_link_for(Coordinator, Volunteer));
        assert!(!may_make_link_for(Volunteer, Volunteer));
    }

    #[test]
    fn the_mail_has_the_link_in_danish_and_english() {
        let (_dir, _a, anna) = accounts_with_anna();
        let mail = reset_mail(&anna, "https://x.dk/nulstil-adgangskode#abc");
        assert_eq!(mail.to, "anna@example.dk");
        let da = mail.body.find("Åbn linket").unwrap();
        let en = mail.body.find("Open the link").unwrap();
        assert!(da < en, "Danish first");
        assert!(
            mail.body
                .contains("\nhttps://x.dk/nulstil-adgangskode#abc\n")
        );
        let body: ResetBody =
            serde_json::from_str(r#"{"token": "hemmelig-token", "password": "hemmelig-kode"}"#)
                .unwrap();
        assert!(!format!("{body:?}").contains("hemmelig"));
    }
}
