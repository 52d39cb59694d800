//! The task bank's HTTP endpoints beside sync:
//!
//! - `GET /api/public/tasks`: the open task bank for visitors without an account, every task
//!   that is not a draft as [`PublicTask`] (never who signed up). Answered with an `ETag`, so a
//!   device that already has this catalog gets a 304 with no body. The answer is made at most
//!   once per [`PUBLIC_TTL`] whatever the number of visitors: the sync engine's thread, which
//!   every write waits for, is asked no more often than that.
//! - `GET /api/tasks/<id>/contacts`: the name and phone of each person with an active sign-up
//!   on the task, for those who coordinate its organisation (staff and admins included).
//!   Anyone else, and any id that is not a task, gets the same 404, so the endpoint tells
//!   nobody else which tasks exist or who is on them.

use samskab_model::kinds::organisation::OrganisationKind;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use samskab_model::DocumentId;
use samskab_model::public_task::{self, PublicCatalog};
use samskab_model::roster_contact::{RosterContact, RosterContacts};

use crate::AppState;
use crate::api::CurrentUser;
use crate::error::ApiError;

/// How long one made answer of the open catalog is served before it is made again.
pub const PUBLIC_TTL: Duration = Duration::from_secs(1);

/// The last open catalog made: its JSON and its entity tag.
#[derive(Debug, Default)]
pub struct PublicCache(Mutex<Option<Made>>);

#[derive(Debug, Clone)]
struct Made {
    at: Instant,
    etag: String,
    json: Arc<Vec<u8>>,
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/public/tasks", get(public_tasks))
        .route("/tasks/{id}/contacts", get(contacts))
}

async fn public_tasks(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let made = made_catalog(&state).await?;
    Ok(crate::revalidated::json(&headers, &made.etag, &made.json))
}

/// The catalog made within [`PUBLIC_TTL`], or a new one.
async fn made_catalog(state: &AppState) -> Result<Made, ApiError> {
    if let Some(made) = lock(&state.public_catalog)
        .as_ref()
        .filter(|m| m.at.elapsed() < PUBLIC_TTL)
    {
        return Ok(made.clone());
    }
    let mut tasks = state.sync.public_tasks().await;
    let accounts = state.accounts.clone();
    let organisations = tokio::task::spawn_blocking(move || accounts.organisations())
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("task failed: {e}")))?
        .map_err(ApiError::from)?;
    // The name an organisation gives itself in its document; the table's name for one that
    // has no document yet.
    let documents = state.sync.documents::<OrganisationKind>().await;
    for task in &mut tasks {
        let named = documents
            .iter()
            .find(|(_, o)| o.organisation == task.organisation)
            .map(|(_, o)| o.name.clone());
        task.organisation_name = named.unwrap_or_else(|| {
            organisations
                .iter()
                .find(|o| o.id == task.organisation)
                .map_or_else(|| task.organisation.to_string(), |o| o.name.clone())
        });
    }
    public_task::sort(&mut tasks);
    let json = serde_json::to_vec(&PublicCatalog { tasks })
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("catalog JSON: {e}")))?;
    let etag = crate::revalidated::entity_tag(&json);
    let made = Made {
        at: Instant::now(),
        etag,
        json: Arc::new(json),
    };
    *lock(&state.public_catalog) = Some(made.clone());
    Ok(made)
}

fn lock(cache: &PublicCache) -> std::sync::MutexGuard<'_, Option<Made>> {
    // A panic while holding this lock leaves at worst a stale catalog, which is fine to use.
    cache
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn contacts(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: DocumentId = id.parse().map_err(|_| ApiError::NotFound)?;
    let task = state
        .sync
        .task(id)
        .await
        .filter(|t| user.principal().coordinates(&t.organisation))
        .ok_or(ApiError::NotFound)?;
    let people = task.signed_up_people();
    let accounts = state.accounts.clone();
    let contacts = tokio::task::spawn_blocking(move || {
        people
            .into_iter()
            .filter_map(|person| match accounts.user(&person) {
                Ok(Some(u)) => Some(Ok(RosterContact {
                    person,
                    name: u.name,
                    phone: u.phone,
                })),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("task failed: {e}")))?
    .map_err(ApiError::from)?;
    tracing::info!(task = %id, reader = %user.id, count = contacts.len(), "roster contacts read");
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(RosterContacts { contacts }),
    )
        .into_response())
}
