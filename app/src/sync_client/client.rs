//! The sync client's shared state ([`Client`]), kept between events and shared by the socket's
//! callbacks, the timers and the pages' handle ([`SyncClient`]); and the cache of hydrated
//! documents it holds.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use automerge::ChangeHash;
use futures::channel::mpsc;
use leptos::prelude::*;
use samskab_model::DocumentId;
use samskab_model::kinds::DocumentKind;
use samskab_model::sync::{Hub, PeerId};
use web_sys::WebSocket;

use super::status::SyncView;
use crate::store::Store;

/// The sync client as pages hold it: its signals, and a handle on the state it drives.
#[derive(Debug, Clone, Copy)]
pub struct SyncClient {
    /// What the header and the pages watch.
    pub view: SyncView,
    /// Kept in the reactive arena as a local (not `Send`) value: the handle stays `Copy` and
    /// travels through context, while the state itself never leaves the browser's thread.
    pub(super) client: StoredValue<Rc<Client>, LocalStorage>,
}

/// What the client keeps between events: shared by the socket's callbacks, the timers and the
/// pages' handle.
pub(super) struct Client {
    pub(super) hub: RefCell<Hub>,
    pub(super) store: RefCell<Option<Store>>,
    pub(super) ws: RefCell<Option<WebSocket>>,
    pub(super) relay: RefCell<Option<PeerId>>,
    pub(super) pending: RefCell<BTreeSet<DocumentId>>,
    pub(super) attempts: Cell<u32>,
    pub(super) incoming: mpsc::UnboundedSender<Incoming>,
    pub(super) view: SyncView,
    /// Hydrated documents of every kind (see `documents`).
    pub(super) cache: RefCell<Cache>,
    /// The index entries of every document on the device (see `index`).
    pub(super) index: RefCell<super::index::Index>,
    /// The signed-in person, whose places the task rows show.
    pub(super) me: samskab_model::PersonId,
    /// Whether a `version` bump is already scheduled (see `driver::bump_soon`).
    pub(super) bump_scheduled: Cell<bool>,
    /// Set at logout or when the session expired: no reconnecting until told.
    pub(super) stopped: Cell<bool>,
    /// Set at logout: nothing more is written to this device's storage.
    pub(super) forgotten: Cell<bool>,
    /// Counts sockets, so a handshake timer knows whether its socket is still the current one.
    pub(super) generation: Cell<u64>,
    /// When this page's current (or last) sync connection opened, on the device's clock.
    pub(super) connected_at: Cell<Option<i64>>,
}

impl SyncClient {
    /// The shared state, unless the app that made this handle is gone.
    pub(super) fn client(&self) -> Option<Rc<Client>> {
        self.client.try_get_value()
    }
}

/// What the socket puts on the driver's queue.
pub(super) enum Incoming {
    Frame(Vec<u8>),
    Closed,
}

/// A document as hydrated at these heads (`None` if it is not of that kind).
type Cached<T> = (Vec<ChangeHash>, Option<T>);

/// The hydrated documents of one kind.
pub(super) type Docs<K> = HashMap<DocumentId, Cached<<K as DocumentKind>::Doc>>;

/// Hydrated documents by kind and by document, with the heads they were read at: a document
/// is hydrated again only when it changed, so re-reading a thousand after one changed
/// hydrates one.
#[derive(Default)]
pub(super) struct Cache(HashMap<TypeId, Box<dyn Any>>);

impl Cache {
    /// Runs `f` on kind `K`'s documents.
    pub(super) fn with<K: DocumentKind, R>(&mut self, f: impl FnOnce(&mut Docs<K>) -> R) -> R
    where
        K::Doc: 'static,
    {
        let slot = self
            .0
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(Docs::<K>::new()));
        if let Some(docs) = slot.downcast_mut::<Docs<K>>() {
            return f(docs);
        }
        // Not reached: the slot of `K`'s type id only ever holds `Docs<K>`. Were it otherwise,
        // starting that kind's cache afresh would still be correct.
        let mut fresh = Docs::<K>::new();
        let result = f(&mut fresh);
        *slot = Box::new(fresh);
        result
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("relay", &self.relay.borrow())
            .field("pending", &self.pending.borrow())
            .finish_non_exhaustive()
    }
}
