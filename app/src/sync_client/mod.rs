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
mod engine;
mod index;
mod running;
mod status;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::{DocumentId, PersonId};

use crate::connectivity::{self, Socket};
use crate::store::{Store, StoreError};
use engine::{Engine, Loaded};
use index::{Entry, INDEX_VERSION, META_KEY, Meta};

pub use client::SyncClient;
pub use connection::HANDSHAKE_TIMEOUT_MS;
pub use documents::{ChangeError, Editable};
pub use driver::PENDING_KEY;
pub use index::{MyPlace, MyShift, TaskRow};
pub use status::{SyncStatus, SyncView};

/// What the main module and the engine share: the pages' signals, the index (read by the
/// main module at start, then kept by the engine as documents change), and the engine once
/// it runs.
pub struct Shared {
    pub(super) view: SyncView,
    /// The index entries of every document on the device (see `index`).
    pub(super) index: RefCell<index::Index>,
    /// The signed-in person, whose places the task rows show.
    pub(super) me: PersonId,
    pub(super) engine: RefCell<Option<Rc<dyn Engine>>>,
    /// Set at logout: nothing more is written to this device's storage, and an engine that
    /// arrives after it is not started.
    pub(super) forgotten: Cell<bool>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("me", &self.me)
            .field("running", &self.engine.borrow().is_some())
            .finish_non_exhaustive()
    }
}

impl SyncClient {
    /// Starts the sync client for the signed-in person `me`: reads the index (the lists
    /// render from it), then starts the engine with the stored documents, which connects.
    /// Called once, by the shell, for a signed-in device.
    pub fn start(me: PersonId) -> Self {
        let shared = Rc::new(Shared {
            view: SyncView::new(),
            index: RefCell::new(index::Index::default()),
            me,
            engine: RefCell::new(None),
            forgotten: Cell::new(false),
        });
        // It connects as soon as the documents are loaded: "connecting" from the start, so the
        // header does not say "online" on the probe's word meanwhile.
        connectivity::report_socket(Some(Socket::Connecting));
        spawn_local(boot(shared.clone()));
        SyncClient {
            view: shared.view,
            shared: StoredValue::new_local(shared),
        }
    }

    /// After signing in again: sync resumes at once.
    pub fn resume(&self) {
        if let Some(engine) = self.engine() {
            engine.resume();
        }
    }

    /// Logging out: closes the connection for good and deletes every document from this
    /// device.
    pub async fn stop_and_forget(self) {
        let Some(shared) = self.shared() else {
            return;
        };
        shared.forgotten.set(true);
        *shared.index.borrow_mut() = index::Index::default();
        let engine = shared.engine.borrow_mut().take();
        match engine {
            Some(engine) => engine.stop_and_forget().await,
            None => {
                connectivity::report_socket(None);
                if let Err(e) = crate::store::delete_database().await {
                    leptos::logging::warn!("could not delete IndexedDB at logout: {}", e.0);
                }
            }
        }
    }

    /// When this page last opened a connection to the relay, if it has. The relay accepts a
    /// sign-up time no older than the session's previous contact (less its clock slack), and
    /// that contact is never later than this: a time since then is one it accepts.
    pub fn connected_since(&self) -> Option<i64> {
        self.engine().and_then(|e| e.connected_since())
    }
}

/// Fetches and compiles the sync engine's chunk ahead of a start (a visitor filling in the
/// login form). Once it is there, asking again costs nothing (the loader keeps it); a failed
/// fetch is tried again at the next ask.
#[cfg(feature = "split")]
pub async fn preload_engine() {
    let _ = engine::preload().await;
}

/// The sync client from context (provided by the shell for a signed-in device).
pub fn use_sync() -> SyncClient {
    expect_context::<SyncClient>()
}

/// The start: the index and the documents' bytes from IndexedDB, then the engine (fetched
/// meanwhile, if this device does not have its chunk yet). A chunk that cannot be fetched is
/// tried again when the network is back; the lists show the index rows meanwhile.
async fn boot(shared: Rc<Shared>) {
    let loaded = match Store::open().await {
        Ok(store) => match load(&shared, &store).await {
            Ok((documents, index_current)) => Loaded {
                store: Some(store),
                documents,
                index_current,
            },
            Err(e) => {
                leptos::logging::warn!("cannot read documents: {}", e.0);
                Loaded {
                    store: Some(store),
                    documents: Vec::new(),
                    index_current: false,
                }
            }
        },
        Err(e) => {
            leptos::logging::warn!("IndexedDB unavailable: {}", e.0);
            shared.view.problem.set(Some(e.0));
            Loaded {
                store: None,
                documents: Vec::new(),
                index_current: false,
            }
        }
    };
    mark("samskab:store-loaded");
    if shared.forgotten.get() {
        return;
    }
    // The engine's chunk is fetched only now, after the documents are read. Fetching it while
    // IndexedDB opened (`wasm_split`'s `preload`) was tried: a new staff device gained nothing
    // (the wait is the chunk's streaming compile, which then competed with opening the
    // database), and an offline start to the task list was 0.2 s slower (bench-networks.mjs).
    #[cfg(feature = "split")]
    let started = engine::start(shared.clone(), loaded).await;
    #[cfg(not(feature = "split"))]
    let started = engine::start(shared.clone(), loaded);
    match started {
        Ok(engine) if shared.forgotten.get() => {
            // Logged out while the engine was on its way: it stops at once.
            engine.stop_and_forget().await;
        }
        Ok(engine) => {
            *shared.engine.borrow_mut() = Some(engine);
            mark("samskab:engine-started");
            shared.view.version.update(|v| *v += 1);
        }
        Err(crate::pages::on_demand::ChunkMissing) => {
            leptos::logging::warn!("the sync engine could not be fetched; waiting for the network");
            connectivity::report_socket(None);
            online().await;
            // From the start again: the store and the documents went with the failed call.
            spawn_local(boot(shared));
        }
    }
}

/// Resolves at the browser's next `online` event.
async fn online() {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let tx = std::cell::RefCell::new(Some(tx));
    let handle = window_event_listener(leptos::ev::online, move |_| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(());
        }
    });
    let _ = rx.await;
    handle.remove();
}

/// Reads the index, then the documents' bytes, from IndexedDB. The index first: its rows are
/// the lists' (the pages render from them while the documents are read and the engine
/// starts). Returns the documents and whether the index is current (made by this version of
/// the app for this person); if not, its entries are not used and the engine rebuilds them.
async fn load(
    shared: &Rc<Shared>,
    store: &Store,
) -> Result<(Vec<(DocumentId, Vec<u8>)>, bool), StoreError> {
    let meta = Meta {
        version: INDEX_VERSION,
        person: Some(shared.me.clone()),
    };
    let mut current = false;
    let documents = store
        .load_all(|entries| {
            let mut index = shared.index.borrow_mut();
            let mut rest = Vec::with_capacity(entries.len());
            for (key, json) in entries {
                if key == META_KEY {
                    current = std::str::from_utf8(&json)
                        .ok()
                        .and_then(|json| serde_json::from_str::<Meta>(json).ok())
                        .is_some_and(|m| m == meta);
                } else {
                    rest.push((key, json));
                }
            }
            if current {
                for (key, json) in rest {
                    if let (Ok(id), Some(entry)) = (key.parse(), Entry::from_json(&json)) {
                        index.insert(id, entry);
                    }
                }
            }
            drop(index);
            mark("samskab:index-loaded");
            // The lists render from the rows while the documents are read.
            shared.view.version.update(|v| *v += 1);
        })
        .await?;
    Ok((documents, current))
}

/// Sets a `performance.mark` (read by the benchmark, tests/e2e/bench.mjs). Through
/// `Reflect` rather than web-sys's `Performance`, whose feature would rebuild web-sys and
/// everything on it for one call.
pub(super) fn mark(name: &str) {
    use wasm_bindgen::JsCast;
    let performance = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"performance".into()).ok())
        .filter(|p| !p.is_undefined());
    if let Some(performance) = performance
        && let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into())
        && let Some(mark) = mark.dyn_ref::<js_sys::Function>()
    {
        let _ = mark.call1(&performance, &name.into());
    }
}
