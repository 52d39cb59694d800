//! The device's side of sync: the shared sans-IO [`Hub`] from `model`, driven over one
//! WebSocket to the relay, with every document kept in IndexedDB ([`Store`](crate::store::Store)).
//!
//! - Start: open IndexedDB, read the index and hand every document to the hub as bytes with
//!   its heads (parsed only when a page or sync needs it), connect.
//! - Connect: `join`, wait for `peer`, then the hub sends a catalog request with the heads of
//!   every document held here; the relay's catalog answer names every document this device may
//!   read, and only those whose heads differ are synced (those not held here are requested).
//!   While connected, the relay pushes new documents.
//! - Every incoming frame goes through one queue, processed in order; the hub's effects are
//!   carried out in order: a changed document is saved to IndexedDB before anything is sent.
//! - A local change (signing up, say) is saved to IndexedDB before the call returns, then
//!   offered to the relay. It stays "pending" (kept across reloads in localStorage) until the
//!   relay's reply shows it holds those heads.
//! - A closed connection is retried with back-off (see `connection`).
//! - The socket's state goes to [`crate::connectivity`], which shows the one connection state
//!   of the header; the status line here says only where the device's changes are.
//!
//! By concern:
//! - `client`: the state shared by all of these, and the handle pages hold.
//! - `connection`: the WebSocket, the handshake timeout and reconnecting.
//! - `driver`: feeding the hub (frames in, effects out in order), local commits, the pending
//!   list, and what the status signals say.
//! - `status`: the signals the header and the pages read ([`SyncView`]).
//! - `documents`: typed access to the documents by [`DocumentKind`]
//!   (`sync.documents::<TaskKind>()`, `sync.change::<TaskKind>(id, ..)`), over a cache that
//!   hydrates a document again only when it changed.
//! - `index`: the compact index kept beside the documents in IndexedDB (each document's kind
//!   and heads, the task list's rows, CV-banken's profiles), so that a list or a search opens
//!   without parsing every document (`sync.task_rows()`, `sync.profile_rows()`).
//!
//! The client is one [`SyncClient`] per app, made by the shell and passed to the pages as
//! context ([`use_sync`]); it is `Copy`, so closures and async blocks capture it freely.
//! The JS callbacks (socket events, timers, window events) run outside any component, where
//! there is no context: they hold the shared state itself (an `Rc`). No global is left here.
//!
//! [`DocumentKind`]: samskab_model::kinds::DocumentKind

mod client;
mod connection;
mod documents;
mod driver;
mod index;
mod status;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::mpsc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::sync::{Hub, Role};

use crate::connectivity::{self, Socket};
use client::{Cache, Client};

pub use client::SyncClient;
pub use connection::HANDSHAKE_TIMEOUT_MS;
pub use documents::{ChangeError, Editable};
pub use driver::PENDING_KEY;
pub use index::{MyPlace, MyShift, TaskRow};
pub use status::{SyncStatus, SyncView};

impl SyncClient {
    /// Starts the sync client for the signed-in person `me`: loads the stored documents, then
    /// connects. Called once, by the shell, for a signed-in device.
    pub fn start(me: samskab_model::PersonId) -> Self {
        let view = SyncView::new();
        let (tx, rx) = mpsc::unbounded();
        let client = Rc::new(Client {
            hub: RefCell::new(Hub::new(connection::new_peer_id(), Role::Client)),
            store: RefCell::new(None),
            ws: RefCell::new(None),
            relay: RefCell::new(None),
            pending: RefCell::new(driver::remembered_pending()),
            attempts: Cell::new(0),
            incoming: tx,
            view,
            cache: RefCell::new(Cache::default()),
            index: RefCell::new(index::Index::default()),
            me,
            bump_scheduled: Cell::new(false),
            stopped: Cell::new(false),
            forgotten: Cell::new(false),
            generation: Cell::new(0),
            connected_at: Cell::new(None),
        });
        // It connects as soon as the documents are loaded: "connecting" from the start, so the
        // header does not say "online" on the probe's word meanwhile.
        connectivity::report_socket(Some(Socket::Connecting));
        spawn_local(driver::run(client.clone(), rx));
        connection::watch_the_browser(&client);
        SyncClient {
            view,
            client: StoredValue::new_local(client),
        }
    }

    /// After signing in again: sync resumes at once.
    pub fn resume(&self) {
        if let Some(client) = self.client() {
            client.stopped.set(false);
            client.view.expired.set(false);
            client.attempts.set(0);
            connection::connect(&client);
        }
    }

    /// Logging out: closes the connection for good and deletes every document from this
    /// device.
    pub async fn stop_and_forget(self) {
        let client = self.client();
        if let Some(client) = &client {
            client.stopped.set(true);
            client.forgotten.set(true);
            if let Some(ws) = client.ws.borrow_mut().take() {
                let _ = ws.close();
            }
            connectivity::report_socket(None);
            client.pending.borrow_mut().clear();
            *client.cache.borrow_mut() = Cache::default();
            *client.index.borrow_mut() = index::Index::default();
            *client.hub.borrow_mut() = Hub::new(connection::new_peer_id(), Role::Client);
        }
        let store = client.and_then(|c| c.store.borrow_mut().take());
        let deleted = match store {
            Some(store) => store.delete_everything().await,
            None => crate::store::delete_database().await,
        };
        if let Err(e) = deleted {
            leptos::logging::warn!("could not delete IndexedDB at logout: {}", e.0);
        }
    }

    /// When this page last opened a connection to the relay, if it has. The relay accepts a
    /// sign-up time no older than the session's previous contact (less its clock slack), and
    /// that contact is never later than this: a time since then is one it accepts.
    pub fn connected_since(&self) -> Option<i64> {
        self.client().and_then(|c| c.connected_at.get())
    }
}

/// The sync client from context (provided by the shell for a signed-in device).
pub fn use_sync() -> SyncClient {
    expect_context::<SyncClient>()
}
