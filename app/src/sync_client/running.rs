//! The engine as it runs: made by [`start`] (the split point's body, so everything here is in
//! the engine's chunk), it answers the main module's [`Engine`] calls over the [`Client`]
//! state the driver and the connection keep.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use automerge::ChangeHash;
use futures::FutureExt;
use futures::channel::mpsc;
use futures::future::LocalBoxFuture;
use leptos::prelude::Set;
use leptos::task::spawn_local;
use samskab_model::DocumentId;
use samskab_model::kinds::inbox::genesis;
use samskab_model::sync::{Hub, Role};

use super::Shared;
use super::client::{Cache, Client};
use super::documents::ops;
use super::engine::{Engine, Erased, Failure, Loaded, Write};
use super::{connection, driver};
use crate::connectivity;

/// This device's hub. The driver stores each document whole (`driver::saved`, once per
/// document per burst), so the hub need not encode each change for storage as well.
fn new_hub() -> Hub {
    let mut hub = Hub::new(connection::new_peer_id(), Role::Client);
    hub.set_whole_saves(true);
    hub
}

/// Makes the engine's state and starts its driver on the documents the main module read.
pub(super) fn start(shared: Rc<Shared>, loaded: Loaded) -> Rc<dyn Engine> {
    let (tx, rx) = mpsc::unbounded();
    let (outgoing, to_send) = mpsc::unbounded();
    let client = Rc::new(Client {
        hub: RefCell::new(new_hub()),
        store: RefCell::new(None),
        ws: RefCell::new(None),
        relay: RefCell::new(None),
        pending: RefCell::new(driver::remembered_pending()),
        attempts: Cell::new(0),
        incoming: tx,
        outgoing,
        committing: RefCell::new(None),
        cache: RefCell::new(Cache::default()),
        shared,
        bump_due: Cell::new(None),
        was_fetching: Cell::new(false),
        stopped: Cell::new(false),
        generation: Cell::new(0),
        connected_at: Cell::new(None),
    });
    spawn_local(driver::run(client.clone(), loaded, rx));
    spawn_local(driver::send_in_order(client.clone(), to_send));
    connection::watch_the_browser(&client);
    Rc::new(Running(client))
}

/// The [`Engine`] over the client's state.
struct Running(Rc<Client>);

impl Engine for Running {
    fn all(&self, kind: &'static str) -> Vec<(DocumentId, Rc<dyn Any>)> {
        let Some(ops) = ops(kind) else {
            return Vec::new();
        };
        let client = &self.0;
        let hub = client.hub.borrow();
        let index = client.shared.index.borrow();
        let mut cache = client.cache.borrow_mut();
        let docs = cache.0.entry(kind).or_default();
        // Documents this device no longer holds (revoked, refused) leave the cache.
        docs.retain(|id, _| !hub.heads(id).is_empty());
        let mut found = Vec::new();
        for id in hub.ids() {
            // The index knows each stored document's kind: those of other kinds are not
            // parsed (a profile bank of thousands stays bytes while tasks are read).
            if index.kind_of(id).is_some_and(|k| k != kind) {
                continue;
            }
            let heads = hub.heads(id);
            let entry = docs.entry(*id).or_insert_with(|| (Vec::new(), None));
            if entry.0 != heads {
                let Some(doc) = hub.document(id) else {
                    continue;
                };
                // A document of another kind fails at its first field, `kind`.
                *entry = (heads, (ops.hydrate)(doc).map(Rc::from));
            }
            if let Some(value) = &entry.1 {
                found.push((*id, value.clone()));
            }
        }
        found
    }

    fn one(&self, id: &DocumentId, kind: &'static str) -> Option<Erased> {
        let ops = ops(kind)?;
        let hub = self.0.hub.borrow();
        (ops.hydrate)(hub.document(id)?)
    }

    fn heads(&self, id: &DocumentId) -> Vec<ChangeHash> {
        self.0
            .hub
            .borrow()
            .document(id)
            .map(automerge::Automerge::get_heads)
            .unwrap_or_default()
    }

    fn write<'a>(
        &self,
        id: DocumentId,
        kind: &'static str,
        write: Write<'a>,
    ) -> LocalBoxFuture<'a, Result<(), Failure>> {
        let client = self.0.clone();
        async move {
            let ops = ops(kind).ok_or(Failure::NotLoaded)?;
            let committed = driver::commit(&client, id, |doc| {
                let edit = match write {
                    Write::Put(value) => {
                        return if (ops.reconcile)(doc, &*value) {
                            Ok(())
                        } else {
                            Err(Failure::NotLoaded)
                        };
                    }
                    Write::Edit(edit) => edit,
                    Write::Inbox(person, edit) => {
                        if doc.get_heads().is_empty() {
                            *doc = genesis(&person);
                            doc.set_actor(automerge::ActorId::random());
                        }
                        edit
                    }
                    Write::EditFrom(heads, edit) => {
                        // On a fork with an actor of its own (a fork at older heads cannot
                        // continue this device's actor's sequence), merged back.
                        let mut fork = doc.fork_at(&heads).map_err(|_| Failure::NotLoaded)?;
                        let mut value = (ops.hydrate)(&fork).ok_or(Failure::NotLoaded)?;
                        edit(&mut *value).map_err(Failure::Invalid)?;
                        if !(ops.reconcile)(&mut fork, &*value) {
                            return Err(Failure::NotLoaded);
                        }
                        doc.merge(&mut fork).map_err(|_| Failure::NotLoaded)?;
                        return Ok(());
                    }
                };
                let mut value = (ops.hydrate)(doc).ok_or(Failure::NotLoaded)?;
                edit(&mut *value).map_err(Failure::Invalid)?;
                if (ops.reconcile)(doc, &*value) {
                    Ok(())
                } else {
                    Err(Failure::NotLoaded)
                }
            })
            .await;
            committed.map_err(|e| match e {
                driver::CommitError::Change(e) => e,
                driver::CommitError::Storage(e) => Failure::Storage(e),
            })
        }
        .boxed_local()
    }

    fn resume(&self) {
        let client = &self.0;
        client.stopped.set(false);
        client.shared.view.expired.set(false);
        client.attempts.set(0);
        connection::connect(client);
    }

    fn stop_and_forget(&self) -> LocalBoxFuture<'static, ()> {
        let client = self.0.clone();
        async move {
            client.stopped.set(true);
            client.shared.forgotten.set(true);
            if let Some(ws) = client.ws.borrow_mut().take() {
                let _ = ws.close();
            }
            connectivity::report_socket(None);
            client.pending.borrow_mut().clear();
            *client.cache.borrow_mut() = Cache::default();
            *client.hub.borrow_mut() = new_hub();
            let store = client.store.borrow_mut().take();
            let deleted = match store {
                Some(store) => store.delete_everything().await,
                None => crate::store::delete_database().await,
            };
            if let Err(e) = deleted {
                leptos::logging::warn!("could not delete IndexedDB at logout: {}", e.0);
            }
        }
        .boxed_local()
    }

    fn connected_since(&self) -> Option<i64> {
        self.0.connected_at.get()
    }
}
