//! What the sync client tells the shell and the pages: the status line's state, the problem
//! banner, the session-expired prompt, and the version the pages re-read documents on.

use leptos::prelude::*;

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
    /// Connected, and fetching documents the relay listed and this device did not hold (a
    /// new device's first sync): how many have arrived of how many.
    Fetching(usize, usize),
    /// Connected, and the relay holds everything this device has.
    AllSaved,
}

/// The signals pages read; Copy, so it travels through context.
#[derive(Debug, Clone, Copy)]
pub struct SyncView {
    /// Bumped whenever any document changes here.
    pub version: RwSignal<u64>,
    pub status: RwSignal<SyncStatus>,
    /// A problem to show the user, if any: `quota`, `storage`, or `refused:<code>`.
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
