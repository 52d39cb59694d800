//! What the sync client tells the shell and the pages: the status line's state, the problem
//! banner, the session-expired prompt, and the version the pages re-read documents on.

use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

use super::Client;
use super::driver::PENDING_KEY;
use crate::store::StoreError;

/// What the sync status line shows. Whether the relay is reachable is the connection
/// indicator's to say ([`crate::connectivity`]), not this line's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    /// Not connected, and nothing waits: nothing to say.
    Idle,
    /// Not connected, or connected and not yet acknowledged: this many documents have changes
    /// the relay has not confirmed.
    Pending(usize),
    /// Connected and exchanging messages.
    Syncing,
    /// Connected, and the relay holds everything this device has.
    AllSaved,
}

/// The signals pages read; Copy, so it travels through context.
#[derive(Debug, Clone, Copy)]
pub struct SyncView {
    /// Bumped whenever any document changes here.
    pub version: RwSignal<u64>,
    pub status: RwSignal<SyncStatus>,
    /// A problem to show the user, if any: "quota", "storage", or "refused:<code>".
    pub problem: RwSignal<Option<String>>,
    /// The relay no longer accepts this device's session: ask for the password again.
    pub expired: RwSignal<bool>,
    /// The documents stored on the device have been read (forms that start from a document
    /// wait for this, or they would start empty and overwrite it).
    pub loaded: RwSignal<bool>,
}

impl SyncView {
    pub(super) fn new() -> Self {
        SyncView {
            version: RwSignal::new(0),
            status: RwSignal::new(SyncStatus::Idle),
            problem: RwSignal::new(None),
            expired: RwSignal::new(false),
            loaded: RwSignal::new(false),
        }
    }
}

/// Pages re-read the documents when `version` changes. Changes from the relay come in bursts
/// (a new device receives hundreds of documents), so they are announced at most every 200 ms
/// rather than once per message; the device's own changes are announced at once.
pub(super) fn bump_soon(client: &Rc<Client>) {
    if client.bump_scheduled.replace(true) {
        return;
    }
    let client = client.clone();
    gloo_timers::callback::Timeout::new(200, move || {
        client.bump_scheduled.set(false);
        client.view.version.update(|v| *v += 1);
    })
    .forget();
}

/// Logs a failed save and tells the user (the banner says whether the device is full).
pub(super) fn report_store_error(client: &Rc<Client>, e: &StoreError) {
    leptos::logging::warn!("cannot save to IndexedDB: {}", e.0);
    client.view.problem.set(Some(if e.is_quota() {
        "quota".into()
    } else {
        "storage".into()
    }));
}

/// Drops from the pending list what the relay now holds, remembers the rest, and sets the
/// status line.
pub(super) fn update_status(client: &Rc<Client>) {
    let relay = client.relay.borrow().clone();
    let pending_count = {
        let hub = client.hub.borrow();
        let mut pending = client.pending.borrow_mut();
        if let Some(relay) = &relay {
            pending.retain(|id| !hub.in_sync_with(relay, id));
        }
        if !client.forgotten.get() {
            let list: Vec<String> = pending.iter().map(ToString::to_string).collect();
            let _ = LocalStorage::set(PENDING_KEY, list);
        }
        pending.len()
    };
    let status = match (relay.is_some(), pending_count) {
        (false, 0) => SyncStatus::Idle,
        (false, n) => SyncStatus::Pending(n),
        (true, 0) => SyncStatus::AllSaved,
        (true, _) => SyncStatus::Syncing,
    };
    client.view.status.set(status);
}
