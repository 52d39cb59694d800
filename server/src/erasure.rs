//! Erasing a person (GDPR art. 17): the routine that runs every part of it in order, and its
//! HTTP API.
//!
//! - `POST /api/account/delete` `{password}`: "Slet min konto". The password confirms it (a
//!   session left open on a shared tablet must not be enough); 204 and the cookie cleared.
//! - `POST /api/erasures` `{email, reason}`: staff or an admin erases a person on request
//!   ("anmodning om sletning"); the reason is required and logged. Staff may erase volunteers
//!   and coordinators, an admin anyone but themselves (as for reset links).
//! - `GET /api/erasures`: the newest entries of the erasure log, for staff and admins.
//!
//! The routine ([`erase_person`]), in this order so that a crash anywhere leaves something a
//! second run finishes (every step is idempotent, and the account, with the name and e-mail
//! the documents are searched for, goes last):
//! 1. the sync engine refuses the person's connections and closes those open, then writes them
//!    out of every document through the kinds' hooks, replacing rewritten histories, and
//!    stores the tombstones (`sync::erasure`);
//! 2. the account goes in one transaction (`storage::erasure::ErasureStore::erase_account`):
//!    user, memberships, sessions, resets, devices, invitations; actor ids stay bound to no
//!    one, refused forever;
//! 3. the erasure is logged (who asked, why, counts; never whom), and the database's
//!    write-ahead log is checkpointed so no copy of a deleted row stays in it.
//!
//! **The audit log.** Entries of reads *of* the person's profile are deleted: they are about
//! the person, and the person is gone. Entries of the person's reads of *others'* profiles
//! are kept, the reader replaced by a pseudonym (`slettet-<random>`, the same for all of this
//! erasure's entries, linked to nothing) and the browser's User-Agent dropped; role, time and
//! device description stay. Why: the log is the other volunteer's record of who saw their CV
//! (shown to them in "Hvem har set mit CV"), which the municipality keeps to document access
//! to personal data (GDPR art. 5(2) and 32; art. 17(3)(b) lets a legal obligation override
//! erasure). That a staff member read the CV stays true and visible; who it was is no longer
//! kept once they are erased. The entries then follow the audit log's own retention period.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use samskab_model::PersonId;
use samskab_model::api::User;
use samskab_model::authz::Role;
use samskab_model::erasure::ErasedPerson;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::accounts::{Accounts, Password, random_hex};
use crate::api::{AppJson, CurrentUser, blocking};
use crate::error::ApiError;
use crate::storage::erasure::{AccountErasure, ErasureRecord};
use crate::sync::SyncEngine;
use crate::sync::erasure::Subject;

/// The longest reason kept in the log.
pub const REASON_CHARS: usize = 500;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/account/delete", post(delete_own_account))
        .route("/erasures", post(erase_on_request).get(erasure_log))
}

/// What one erasure did.
#[derive(Debug, Clone, Serialize)]
pub struct ErasureReport {
    pub documents_deleted: usize,
    pub documents_rewritten: usize,
    pub account: AccountErasure,
}

/// Who asked for an erasure.
#[derive(Debug, Clone)]
pub enum Requester {
    /// The person themselves ("Slet min konto").
    Themselves,
    /// Staff or an admin, on the person's request, with the reason.
    Staff { by: User, reason: String },
    /// The retention job (an account inactive past the period).
    Retention,
}

/// Erases `user` everywhere (see the module comment).
pub async fn erase_person(
    accounts: &Arc<Accounts>,
    sync: &SyncEngine,
    user: &User,
    requester: Requester,
) -> Result<ErasureReport, ApiError> {
    let state = (accounts, sync);
    let accounts = state.0.clone();
    let id = user.id.clone();
    let actors = blocking(move || Ok(accounts.store().actors_of(&id)?)).await?;
    let person = ErasedPerson {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
    };
    let documents = sync
        .erase(Subject::Person {
            person,
            actors: actors
                .iter()
                .map(|a| automerge::ActorId::from(a.as_slice()))
                .collect(),
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("erasing documents: {e}")))?;
    let pseudonym: PersonId = format!("slettet-{}", random_hex(6))
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("pseudonym")))?;
    let accounts = state.0.clone();
    let id = user.id.clone();
    let account = blocking(move || Ok(accounts.store().erase_account(&id, &pseudonym)?)).await?;
    sync.end_user_sessions(user.id.clone());
    let (by, by_role, reason) = match requester {
        Requester::Themselves => (None, "selv".to_owned(), "Slet min konto".to_owned()),
        Requester::Staff { by, reason } => (Some(by.id), by.role.as_str().to_owned(), reason),
        Requester::Retention => (
            None,
            "opbevaring".to_owned(),
            "inaktiv konto (opbevaringsperiode udløbet)".to_owned(),
        ),
    };
    let record = ErasureRecord {
        at: state.0.now_ms(),
        by,
        by_role,
        reason,
        documents_deleted: documents.deleted.len(),
        documents_rewritten: documents.rewritten.len(),
        audit_removed: account.audit_removed,
        audit_pseudonymised: account.audit_pseudonymised,
    };
    let accounts = state.0.clone();
    let logged = record.clone();
    blocking(move || {
        accounts.store().record_erasure(&logged)?;
        accounts.store().checkpoint()?;
        Ok(())
    })
    .await?;
    // Counts and who asked; never whom.
    tracing::info!(
        by = ?record.by.as_ref().map(PersonId::as_str),
        by_role = %record.by_role,
        documents_deleted = record.documents_deleted,
        documents_rewritten = record.documents_rewritten,
        sessions = account.sessions,
        audit_removed = account.audit_removed,
        audit_pseudonymised = account.audit_pseudonymised,
        actors_retired = account.actors_retired,
        "a person was erased"
    );
    Ok(ErasureReport {
        documents_deleted: record.documents_deleted,
        documents_rewritten: record.documents_rewritten,
        account,
    })
}

#[derive(Debug, Deserialize)]
struct DeleteBody {
    password: Password,
}

/// "Slet min konto".
async fn delete_own_account(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
    AppJson(body): AppJson<DeleteBody>,
) -> Result<Response, ApiError> {
    let accounts = state.accounts.clone();
    let id = user.id.clone();
    blocking(move || accounts.check_password(&id, body.password.expose())).await?;
    erase_person(&state.accounts, &state.sync, &user, Requester::Themselves).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            format!(
                "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
                crate::api::COOKIE
            ),
        )],
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct RequestBody {
    email: String,
    reason: String,
}

/// Whether `by` may erase an account of role `target` on request.
pub fn may_erase(by: Role, target: Role) -> bool {
    match by {
        Role::Admin => true,
        Role::Staff => matches!(target, Role::Volunteer | Role::Coordinator),
        _ => false,
    }
}

/// Staff erase a person on request.
async fn erase_on_request(
    State(state): State<Arc<AppState>>,
    CurrentUser { user: by, .. }: CurrentUser,
    AppJson(body): AppJson<RequestBody>,
) -> Result<Response, ApiError> {
    if !matches!(by.role, Role::Staff | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let reason = body.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::Invalid("a reason is required".into()));
    }
    if reason.chars().count() > REASON_CHARS {
        return Err(ApiError::Invalid(format!(
            "the reason is longer than {REASON_CHARS} characters"
        )));
    }
    let accounts = state.accounts.clone();
    let email = body.email;
    let target = blocking(move || accounts.user_by_email(&email))
        .await?
        .ok_or(ApiError::NoSuchAccount)?;
    if target.id == by.id || !may_erase(by.role, target.role) {
        return Err(ApiError::Forbidden);
    }
    let report = erase_person(
        &state.accounts,
        &state.sync,
        &target,
        Requester::Staff { by, reason },
    )
    .await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(report)).into_response())
}

/// The erasure log, newest first.
async fn erasure_log(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
) -> Result<Response, ApiError> {
    if !matches!(user.role, Role::Staff | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let accounts = state.accounts.clone();
    let log = blocking(move || Ok(accounts.store().erasures(100)?)).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(log)).into_response())
}
