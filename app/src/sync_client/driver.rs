//! Drives the model's [`Hub`]: loads the stored documents, passes every frame from the relay
//! through one queue in order, carries out the hub's effects (saves before the sends that
//! follow them), commits local changes, and keeps the list of changes the relay has not
//! confirmed yet ("pending", remembered across reloads).
//!
//! [`Hub`]: samskab_model::sync::Hub

use std::collections::BTreeSet;
use std::future::Future;
use std::rc::Rc;

use futures::StreamExt;
use futures::channel::mpsc;
use futures::future::FutureExt;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::DocumentId;
use samskab_model::sync::{Effect, Message, frames};

use super::client::{Client, Committing, Incoming, Outgoing};
use super::connection;
use super::engine::Loaded;
use super::index::{Entry, INDEX_VERSION, META_KEY, Meta};
use super::status::SyncStatus;
use crate::connectivity;
use crate::store::{Saved, StoreError};

/// The localStorage key of the pending list.
pub const PENDING_KEY: &str = "samskab.pending";

/// How many effects one batch gathers at most before it is applied.
const MAX_BATCH: usize = 2_000;

/// The pending list as the last page left it.
pub(super) fn remembered_pending() -> BTreeSet<DocumentId> {
    LocalStorage::get::<Vec<String>>(PENDING_KEY)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The engine's life: take in the documents the main module read, connect, then handle the
/// queue until the page goes.
pub(super) async fn run(
    client: Rc<Client>,
    loaded: Loaded,
    mut rx: mpsc::UnboundedReceiver<Incoming>,
) {
    let Loaded {
        store,
        documents,
        index_current,
    } = loaded;
    if let Some(store) = &store {
        // Compaction first: it writes the store as it was read, in pages later than any read;
        // the index entries `take_in` rebuilds must come after those, or they would be
        // overridden by the copies they replace.
        store.compact_pending().await;
        take_in(&client, store, documents, index_current).await;
    }
    *client.store.borrow_mut() = store;
    super::mark("samskab:documents-loaded");
    client.shared.view.version.update(|v| *v += 1);
    client.shared.view.loaded.set(true);
    connection::connect(&client);
    update_status(&client);

    let mut queued: Option<Incoming> = None;
    loop {
        let incoming = match queued.take() {
            Some(next) => next,
            None => match rx.next().await {
                Some(next) => next,
                None => break,
            },
        };
        match incoming {
            Incoming::Frame(bytes) => {
                // Every frame already waiting is handled in one go, so that a burst (a new
                // device receiving thousands of documents) is saved in few transactions.
                let mut effects = handle_frame(&client, &bytes);
                while effects.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(Incoming::Frame(bytes)) => {
                            effects.extend(handle_frame(&client, &bytes));
                        }
                        Ok(other) => {
                            queued = Some(other);
                            break;
                        }
                        _ => break,
                    }
                }
                apply(&client, effects).await;
            }
            Incoming::Closed => {
                let joined = client.relay.borrow_mut().take();
                if let Some(relay) = &joined {
                    client.hub.borrow_mut().disconnect(relay);
                }
                client.ws.borrow_mut().take();
                update_status(&client);
                if client.stopped.get() {
                    connectivity::report_socket(None);
                    continue;
                }
                if joined.is_none() && connection::session_expired().await {
                    // The relay refused the upgrade because the session is gone: wait for
                    // the password (unsent changes stay in IndexedDB meanwhile).
                    client.stopped.set(true);
                    client.shared.view.expired.set(true);
                    connectivity::report_socket(None);
                    continue;
                }
                connection::schedule_reconnect(&client);
            }
        }
    }
}

/// Hands the stored documents to the hub as bytes with the heads their index entries give
/// (parsed later, when read); one without a current entry (a store made by an older app, or
/// an index made for someone else) is parsed now and its entry written. Entries without a
/// document are deleted.
async fn take_in(
    client: &Rc<Client>,
    store: &crate::store::Store,
    documents: Vec<(DocumentId, Vec<u8>)>,
    current: bool,
) {
    let me = &client.shared.me;
    let mut rebuilt = Vec::new();
    {
        let mut hub = client.hub.borrow_mut();
        let mut index = client.shared.index.borrow_mut();
        let mut held = std::collections::HashSet::with_capacity(documents.len());
        for (id, bytes) in documents {
            held.insert(id);
            if let Some(entry) = index.entries.get(&id) {
                hub.load_stored(id, bytes, entry.heads.clone());
                continue;
            }
            if let Err(e) = hub.load(id, &bytes) {
                leptos::logging::warn!("document {id} does not load: {e}");
                continue;
            }
            if let Some(doc) = hub.document(&id) {
                let entry = Entry::of(id, doc, Some(me));
                rebuilt.push((id.to_string(), Some(entry.to_json())));
                index.insert(id, entry);
            }
        }
        // Entries without a document (none should be: both are written and deleted together).
        let orphans: Vec<DocumentId> = index
            .entries
            .keys()
            .filter(|id| !held.contains(*id))
            .copied()
            .collect();
        for id in orphans {
            index.remove(&id);
            rebuilt.push((id.to_string(), None));
        }
    }
    if !current {
        let meta = Meta {
            version: INDEX_VERSION,
            person: Some(me.clone()),
        };
        // A struct of a number and an id always serialises.
        let json = serde_json::to_vec(&meta).unwrap_or_default();
        rebuilt.push((META_KEY.to_owned(), Some(json)));
    }
    if !rebuilt.is_empty()
        && let Err(e) = store.save_index(&rebuilt).await
    {
        leptos::logging::warn!("cannot write the index: {}", e.0);
    }
}

/// The document `id` as saved, with its index entry (kept in memory too). `None` if the hub
/// does not hold it. `whole`: the document's bytes as they arrived, when it arrived whole
/// into an empty one and has not changed since (see [`Effect::Persist`]); stored as they are.
fn saved(client: &Client, id: DocumentId, whole: Option<Vec<u8>>) -> Option<Saved> {
    let hub = client.hub.borrow();
    let doc = hub.document(&id)?;
    let entry = Entry::of(id, doc, Some(&client.shared.me));
    let json = entry.to_json();
    client.shared.index.borrow_mut().insert(id, entry);
    Some(Saved {
        id,
        // Without automerge's DEFLATE of large columns: a fifth of the CPU for about a fifth
        // more bytes (7,500 profiles: 5.5 MB -> 6.7 MB; `cargo bench -p samskab-model --bench
        // cv`), and a new device saves every document it receives. Loading reads both.
        bytes: whole.unwrap_or_else(|| {
            doc.save_with_options(automerge::SaveOptions {
                deflate: false,
                retain_orphans: true,
            })
        }),
        entry: json,
    })
}

/// The documents to save at the next flush, each with its bytes as they arrived when it
/// arrived whole and nothing changed it after (`None`: save it from the hub).
type Saves = std::collections::BTreeMap<DocumentId, Option<Vec<u8>>>;

/// Passes one frame's messages (a batch's, or the one it is) to the hub and returns what to
/// do (the caller applies a batch of effects).
fn handle_frame(client: &Rc<Client>, bytes: &[u8]) -> Vec<Effect> {
    let messages = match Message::decode(bytes).and_then(Message::unbatch) {
        Ok(messages) => messages,
        Err(e) => {
            leptos::logging::warn!("bad message from the relay: {e}");
            return Vec::new();
        }
    };
    let mut effects = Vec::new();
    for message in messages {
        effects.extend(handle_message(client, message));
    }
    effects
}

fn handle_message(client: &Rc<Client>, message: Message) -> Vec<Effect> {
    match message {
        Message::Peer { sender_id, .. } => {
            client.attempts.set(0);
            *client.relay.borrow_mut() = Some(sender_id.clone());
            // The hub sends the catalog request; the relay's catalog then decides what syncs.
            client.hub.borrow_mut().connect(sender_id)
        }
        Message::Error { message } => {
            leptos::logging::warn!("the relay closed the connection: {message}");
            Vec::new()
        }
        other => {
            let Some(relay) = client.relay.borrow().clone() else {
                return Vec::new();
            };
            let result = client.hub.borrow_mut().receive(&relay, other);
            match result {
                Ok(effects) => effects,
                Err(e) => {
                    leptos::logging::warn!("sync error: {e}");
                    connection::close(client);
                    Vec::new()
                }
            }
        }
    }
}

/// Starts saving the documents changed so far, in one transaction, and queues what waits for
/// them to be sent once they have committed. The driver goes on with the next frames while
/// IndexedDB writes (a new device's first sync spent a sixth of its time waiting for
/// commits), but starts a transaction only once the one before has committed: meanwhile the
/// frames that arrive make the next batch, and a batch pays its transaction, its status line
/// and its re-render once.
async fn flush(client: &Rc<Client>, saves: &mut Saves, sends: &mut Vec<Message>) {
    let mut committing = None;
    if !saves.is_empty() {
        let docs: Vec<Saved> = std::mem::take(saves)
            .into_iter()
            .filter_map(|(id, whole)| saved(client, id, whole))
            .collect();
        let before = client.committing.borrow_mut().take();
        if let Some(before) = before {
            // Its failure, if any, is the sender's to report.
            let _ = before.await;
        }
        let store = client.store.borrow().clone();
        if let Some(store) = store {
            match store.start_save_all(&docs) {
                Ok(commit) => {
                    let commit: Committing =
                        (Box::pin(commit) as std::pin::Pin<Box<dyn Future<Output = _>>>).shared();
                    *client.committing.borrow_mut() = Some(commit.clone());
                    committing = Some(commit);
                }
                Err(e) => report_store_error(client, &e),
            }
        }
    }
    if committing.is_none() && sends.is_empty() {
        return;
    }
    let _ = client.outgoing.unbounded_send(Outgoing {
        saved: committing,
        messages: std::mem::take(sends),
        generation: client.generation.get(),
    });
}

/// Sends each batch of messages once the saves before it have committed, in the order they
/// were queued (IndexedDB commits a page's transactions in the order they began). A failed
/// save is reported, and its messages are still sent, as before: the relay keeps every
/// document, and the catalog exchange at the next connection finds what this device lacks.
/// Messages made for a socket that has closed since are dropped.
pub(super) async fn send_in_order(
    client: Rc<Client>,
    mut queue: mpsc::UnboundedReceiver<Outgoing>,
) {
    while let Some(Outgoing {
        saved,
        messages,
        generation,
    }) = queue.next().await
    {
        if let Some(saved) = saved
            && let Err(e) = saved.await
        {
            report_store_error(&client, &e);
        }
        if generation != client.generation.get() {
            continue;
        }
        if let Some(ws) = client.ws.borrow().as_ref() {
            // In batches: a new device asks for thousands of documents and acknowledges each,
            // and a frame costs the browser more than its bytes (docs/protocol.md, "Batches").
            for frame in frames(&messages) {
                let _ = ws.send_with_u8_array(&frame);
            }
        }
    }
}

/// Carries out the hub's effects in order, with saves before the sends that follow them.
/// Consecutive saves go into one IndexedDB transaction, and sends wait for the saves before
/// them (sending later is always safe; acknowledging a change before it is stored is not).
async fn apply(client: &Rc<Client>, effects: Vec<Effect>) {
    let mut changed = false;
    let mut saves = Saves::new();
    let mut sends = Vec::new();
    for effect in effects {
        // Deleting a document must come after the saves before it.
        if matches!(effect, Effect::Refused { .. } | Effect::Revoked { .. }) {
            flush(client, &mut saves, &mut sends).await;
        }
        match effect {
            Effect::Persist { document, bytes } => {
                // Bytes of a whole document stand for it only if nothing changed it after.
                let whole = (!bytes.is_empty() && !saves.contains_key(&document)).then_some(bytes);
                saves.insert(document, whole);
                changed = true;
            }
            Effect::Send(message) => sends.push(message),
            Effect::Changed { .. } => changed = true,
            Effect::Unavailable { .. } => {}
            Effect::Refused { document, code, .. } => {
                // The relay has the true version; drop ours (the hub already did) and show why.
                client.shared.index.borrow_mut().remove(&document);
                let store = client.store.borrow().clone();
                if let Some(store) = store
                    && let Err(e) = store.delete(&document).await
                {
                    leptos::logging::warn!("cannot delete a refused document: {}", e.0);
                }
                client.pending.borrow_mut().remove(&document);
                client
                    .shared
                    .view
                    .problem
                    .set(Some(format!("refused:{code}")));
                changed = true;
            }
            Effect::Revoked { document } => {
                // This user may no longer read it (its owner withdrew consent): the hub has
                // dropped it; the stored copy goes too, with its index entry.
                client.shared.index.borrow_mut().remove(&document);
                let store = client.store.borrow().clone();
                if let Some(store) = store
                    && let Err(e) = store.delete(&document).await
                {
                    leptos::logging::warn!("cannot delete a revoked document: {}", e.0);
                }
                client.pending.borrow_mut().remove(&document);
                changed = true;
            }
        }
    }
    flush(client, &mut saves, &mut sends).await;
    if changed {
        bump_soon(client);
    }
    update_status(client);
}

/// Why a local change was not committed: the change itself gave up (nothing was written), or
/// the save to IndexedDB failed.
pub(super) enum CommitError<E> {
    Change(E),
    Storage(StoreError),
}

/// Applies `change` to document `id` through the hub, saves the result to IndexedDB (the call
/// returns only after that, and reports a failed save), marks it pending, and offers it to the
/// relay.
pub(super) async fn commit<E>(
    client: &Rc<Client>,
    id: DocumentId,
    change: impl FnOnce(&mut automerge::Automerge) -> Result<(), E>,
) -> Result<(), CommitError<E>> {
    let before = client.hub.borrow().heads(&id);
    let (result, effects) = client.hub.borrow_mut().change(id, change);
    result.map_err(CommitError::Change)?;
    // The socket the offers below are made for.
    let generation = client.generation.get();
    let was_pending = !client.pending.borrow_mut().insert(id);
    // Save first, and report a failed save to the caller rather than only to the log.
    let saved = saved(client, id, None);
    let store = client.store.borrow().clone();
    if let (Some(saved), Some(store)) = (saved, store)
        && let Err(e) = store.save_all(&[saved]).await
    {
        report_store_error(client, &e);
        take_back(client, id, &before, was_pending, generation).await;
        return Err(CommitError::Storage(e));
    }
    // Made for a socket that closed while IndexedDB saved, they would go out on the next one
    // as if part of its sync; that connection's catalog exchange offers the change instead.
    let same_socket = client.generation.get() == generation;
    let sends: Vec<Effect> = effects
        .into_iter()
        .filter(|e| same_socket && matches!(e, Effect::Send(_)))
        .collect();
    apply(client, sends).await;
    client.shared.view.version.update(|v| *v += 1);
    Ok(())
}

/// Takes back a change the store refused (a full device): the caller says it was not saved,
/// so the screen must not show it, and it must not reach the relay (its offers are dropped).
/// The document is as it was before (`Hub::revert`), its index entry too, it is pending only
/// if it was before, and its sync starts again (on the same socket; a new one's catalog
/// exchange does that anyway).
async fn take_back(
    client: &Rc<Client>,
    id: DocumentId,
    before: &[automerge::ChangeHash],
    was_pending: bool,
    generation: u64,
) {
    let effects = client.hub.borrow_mut().revert(id, before);
    {
        let hub = client.hub.borrow();
        let mut index = client.shared.index.borrow_mut();
        match hub.document(&id).filter(|doc| !doc.get_heads().is_empty()) {
            Some(doc) => index.insert(id, Entry::of(id, doc, Some(&client.shared.me))),
            None => index.remove(&id),
        }
    }
    if !was_pending {
        client.pending.borrow_mut().remove(&id);
    }
    let same_socket = client.generation.get() == generation;
    let effects: Vec<Effect> = effects
        .into_iter()
        .filter(|e| same_socket || !matches!(e, Effect::Send(_)))
        .collect();
    apply(client, effects).await;
    client.shared.view.version.update(|v| *v += 1);
}

/// Pages re-read the documents when `version` changes. Changes from the relay come in bursts
/// (a new device receives hundreds of documents), so they are announced at most every 200 ms
/// rather than once per message; the device's own changes are announced at once. During a
/// first sync (the status line counts what has arrived) at most every second: each
/// announcement has CV-banken rebuild its search over every profile so far, which a new staff
/// device receiving 7,500 of them paid for dozens of times. The announcement after the last
/// document comes at once: the bank is complete, and the user has waited for it.
pub(super) fn bump_soon(client: &Rc<Client>) {
    let fetching = client.hub.borrow_mut().fetching().is_some();
    let delay = if fetching {
        1_000
    } else if client.was_fetching.get() {
        0
    } else {
        200
    };
    client.was_fetching.set(fetching);
    let due = js_sys::Date::now() + f64::from(delay);
    if client.bump_due.get().is_some_and(|at| at <= due) {
        return;
    }
    client.bump_due.set(Some(due));
    let client = client.clone();
    gloo_timers::callback::Timeout::new(delay, move || {
        // A later-scheduled, sooner announcement has made this one's.
        if client.bump_due.get() != Some(due) {
            return;
        }
        client.bump_due.set(None);
        client.shared.view.version.update(|v| *v += 1);
    })
    .forget();
}

/// Logs a failed save and tells the user (the banner says whether the device is full).
pub(super) fn report_store_error(client: &Rc<Client>, e: &StoreError) {
    leptos::logging::warn!("cannot save to IndexedDB: {}", e.0);
    client.shared.view.problem.set(Some(if e.is_quota() {
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
        if !client.shared.forgotten.get() {
            let list: Vec<String> = pending.iter().map(ToString::to_string).collect();
            let _ = LocalStorage::set(PENDING_KEY, list);
        }
        pending.len()
    };
    // Below this many, a first sync is over too soon for a count to help.
    const COUNTED: usize = 50;
    let fetching = client.hub.borrow_mut().fetching();
    let status = match (relay.is_some(), pending_count, fetching) {
        (false, 0, _) => SyncStatus::Idle,
        (false, n, _) => SyncStatus::Pending(n),
        (true, _, Some((arrived, listed))) if listed >= COUNTED => {
            SyncStatus::Fetching(arrived, listed)
        }
        (true, 0, None) => SyncStatus::AllSaved,
        (true, _, _) => SyncStatus::Syncing,
    };
    client.shared.view.status.set(status);
}
