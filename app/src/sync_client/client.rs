//! The pages' handle on the sync client ([`SyncClient`]), and the engine's state ([`Client`]),
//! kept between events and shared by the socket's callbacks and the timers; with the cache of
//! hydrated documents it holds.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use automerge::ChangeHash;
use futures::channel::mpsc;
use leptos::prelude::*;
use samskab_model::DocumentId;
use samskab_model::sync::{Hub, PeerId};
use web_sys::WebSocket;

use super::Shared;
use super::engine::Engine;
use super::status::SyncView;
use crate::store::Store;

/// The sync client as pages hold it: its signals, and a handle on what the main module and
/// the engine share.
#[derive(Debug, Clone, Copy)]
pub struct SyncClient {
    /// What the header and the pages watch.
    pub view: SyncView,
    /// Kept in the reactive arena as a local (not `Send`) value: the handle stays `Copy` and
    /// travels through context, while the state itself never leaves the browser's thread.
    pub(super) shared: StoredValue<Rc<Shared>, LocalStorage>,
}

/// What the engine keeps between events: shared by the socket's callbacks and the timers.
pub(super) struct Client {
    pub(super) hub: RefCell<Hub>,
    pub(super) store: RefCell<Option<Store>>,
    pub(super) ws: RefCell<Option<WebSocket>>,
    pub(super) relay: RefCell<Option<PeerId>>,
    pub(super) pending: RefCell<BTreeSet<DocumentId>>,
    pub(super) attempts: Cell<u32>,
    pub(super) incoming: mpsc::UnboundedSender<Incoming>,
    /// Messages for the relay, each batch after the saves it waits for (see
    /// `driver::send_in_order`).
    pub(super) outgoing: mpsc::UnboundedSender<Outgoing>,
    /// The last transaction of saves the driver started, until the next starts.
    pub(super) committing: RefCell<Option<Committing>>,
    /// Hydrated documents of every kind (see `running`).
    pub(super) cache: RefCell<Cache>,
    /// The pages' signals, the index, the signed-in person and whether they logged out,
    /// shared with the main module.
    pub(super) shared: Rc<Shared>,
    /// When the `version` bump already scheduled is due (`Date.now()`, see
    /// `driver::bump_soon`).
    pub(super) bump_due: Cell<Option<f64>>,
    /// Whether a first sync was going on at the last announcement scheduled.
    pub(super) was_fetching: Cell<bool>,
    /// Set at logout or when the session expired: no reconnecting until told.
    pub(super) stopped: Cell<bool>,
    /// Counts sockets, so a handshake timer knows whether its socket is still the current one.
    pub(super) generation: Cell<u64>,
    /// When this page's current (or last) sync connection opened, on the device's clock.
    pub(super) connected_at: Cell<Option<i64>>,
}

impl SyncClient {
    /// What the main module and the engine share, unless the app that made this handle is
    /// gone.
    pub(super) fn shared(&self) -> Option<Rc<Shared>> {
        self.shared.try_get_value()
    }

    /// The engine, once it runs.
    pub(super) fn engine(&self) -> Option<Rc<dyn Engine>> {
        self.shared()?.engine.borrow().clone()
    }
}

/// What the socket puts on the driver's queue.
pub(super) enum Incoming {
    Frame(Vec<u8>),
    Closed,
}

/// Resolves once a transaction of saves has committed (see `Store::start_save_all`); the
/// driver and the sender both wait for it.
pub(super) type Committing = futures::future::Shared<
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::store::StoreError>>>>,
>;

/// Messages for the relay once `saved` has committed (the writes they acknowledge), on the
/// socket they were made for (`generation`): the sync states they come from end with it.
pub(super) struct Outgoing {
    pub(super) saved: Option<Committing>,
    pub(super) messages: Vec<samskab_model::sync::Message>,
    pub(super) generation: u64,
}

/// A document as hydrated at these heads (`None` if it is not of that kind).
type Cached = (Vec<ChangeHash>, Option<Rc<dyn Any>>);

/// Hydrated documents by kind and by document, with the heads they were read at: a document
/// is hydrated again only when it changed, so re-reading a thousand after one changed
/// hydrates one.
#[derive(Default)]
pub(super) struct Cache(pub(super) HashMap<&'static str, HashMap<DocumentId, Cached>>);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("relay", &self.relay.borrow())
            .field("pending", &self.pending.borrow())
            .finish_non_exhaustive()
    }
}
