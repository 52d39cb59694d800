//! Logging out on a shared device: ends the session at the relay, stops sync, and deletes
//! what the user left here (their documents, the whole IndexedDB database; the pending-changes
//! list; the organisations and roster contacts; their settings). Only the device's language
//! stays.
//!
//! It lives above the session, the sync client and the stores it empties, so that none of
//! them needs to know the others.

use gloo_storage::{LocalStorage, Storage};

use crate::session::{self, Session};
use crate::sync_client::{self, SyncClient};
use crate::{organisations, roster_contacts, settings};

/// Logs out and removes this user's data from the device. Resolves once IndexedDB is deleted;
/// the user is forgotten last, so that a page closed half-way still knows whose data is left.
pub async fn sign_out(session: Session, sync: Option<SyncClient>) {
    session::end_at_relay().await;
    match sync {
        Some(sync) => sync.stop_and_forget().await,
        None => {
            if let Err(e) = crate::store::delete_database().await {
                leptos::logging::warn!("could not delete IndexedDB at logout: {}", e.0);
            }
        }
    }
    for key in [
        sync_client::PENDING_KEY,
        settings::PERSON_KEY,
        settings::ORG_KEY,
        organisations::KEY,
        roster_contacts::KEY,
    ] {
        LocalStorage::delete(key);
    }
    session.forget();
}
