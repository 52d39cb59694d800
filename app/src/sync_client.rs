//! The device's side of sync: the shared sans-IO [`Hub`] from `model`, driven over one
//! WebSocket to the relay, with every document kept in IndexedDB ([`Store`]).
//!
//! - Start: open IndexedDB, load every document into the hub, connect.
//! - Connect: `join`, wait for `peer`, then the hub sends a catalog request with the heads of
//!   every document held here; the relay's catalog answer names every document this device may
//!   read, and only those whose heads differ are synced (those not held here are requested).
//!   While connected, the relay pushes new documents.
//! - Every incoming frame goes through one queue, processed in order; the hub's effects are
//!   carried out in order: a changed document is saved to IndexedDB before anything is sent.
//! - A local change (signing up, say) is saved to IndexedDB before the call returns, then
//!   offered to the relay. It stays "pending" (kept across reloads in localStorage) until the
//!   relay's reply shows it holds those heads.
//! - A closed connection is retried after 1, 2, 4 ... 30 s with jitter, at once on the
//!   browser's `online` event, when the app becomes visible, and when the connectivity probe
//!   finds the relay again. A socket the relay has not answered within
//!   [`HANDSHAKE_TIMEOUT_MS`] is given up (a network that accepts connections and never
//!   answers would otherwise hold it "connecting" forever).
//! - The socket's state goes to [`crate::connectivity`], which shows the one connection state
//!   of the header; the status line here says only where the device's changes are.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use automerge::ChangeHash;
use futures::StreamExt;
use futures::channel::mpsc;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::profile::{Profile, ProfileError, profile_document_id};
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role};
use samskab_model::{DocumentId, PersonId, Task};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::connectivity::{self, Socket};
use crate::store::{Store, StoreError};

pub const PENDING_KEY: &str = "samskab.pending";

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

/// A document as hydrated at these heads (`None` if it is not of that kind).
type Cached<T> = (Vec<ChangeHash>, Option<T>);

struct Client {
    hub: RefCell<Hub>,
    store: RefCell<Option<Store>>,
    ws: RefCell<Option<WebSocket>>,
    relay: RefCell<Option<PeerId>>,
    pending: RefCell<BTreeSet<DocumentId>>,
    attempts: RefCell<u32>,
    incoming: mpsc::UnboundedSender<Incoming>,
    view: SyncView,
    /// Hydrated tasks by document, with the heads they were read at: a document is hydrated
    /// again only when it changed.
    tasks: RefCell<HashMap<DocumentId, Cached<Task>>>,
    /// Hydrated profiles, the same way.
    profiles: RefCell<HashMap<DocumentId, Cached<Profile>>>,
    /// Whether a `version` bump is already scheduled (see [`bump_soon`]).
    bump_scheduled: Cell<bool>,
    /// Set at logout or when the session expired: no reconnecting until told.
    stopped: Cell<bool>,
    /// Set at logout: nothing more is written to this device's storage.
    forgotten: Cell<bool>,
    /// Counts sockets, so a handshake timer knows whether its socket is still the current one.
    generation: Cell<u64>,
}

enum Incoming {
    Frame(Vec<u8>),
    Closed,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

fn client() -> Option<Rc<Client>> {
    CLIENT.with(|c| c.borrow().clone())
}

/// Starts the sync client (once) and returns its signals.
pub fn start() -> SyncView {
    if let Some(c) = client() {
        return c.view;
    }
    let view = SyncView {
        version: RwSignal::new(0),
        status: RwSignal::new(SyncStatus::Idle),
        problem: RwSignal::new(None),
        expired: RwSignal::new(false),
        loaded: RwSignal::new(false),
    };
    let me = new_peer_id();
    let (tx, rx) = mpsc::unbounded();
    let pending: BTreeSet<DocumentId> = LocalStorage::get::<Vec<String>>(PENDING_KEY)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let client = Rc::new(Client {
        hub: RefCell::new(Hub::new(me, Role::Client)),
        store: RefCell::new(None),
        ws: RefCell::new(None),
        relay: RefCell::new(None),
        pending: RefCell::new(pending),
        attempts: RefCell::new(0),
        incoming: tx,
        view,
        tasks: RefCell::new(HashMap::new()),
        profiles: RefCell::new(HashMap::new()),
        bump_scheduled: Cell::new(false),
        stopped: Cell::new(false),
        forgotten: Cell::new(false),
        generation: Cell::new(0),
    });
    CLIENT.with(|c| *c.borrow_mut() = Some(client.clone()));
    // It connects as soon as the documents are loaded: "connecting" from the start, so the
    // header does not say "online" on the probe's word meanwhile.
    connectivity::report_socket(Some(Socket::Connecting));
    spawn_local(run(client, rx));

    let _ = window_event_listener(leptos::ev::online, |_| reconnect_now());
    let _ = window_event_listener(leptos::ev::visibilitychange, |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            reconnect_now();
        }
    });
    view
}

#[allow(clippy::panic)]
/// A fresh peer id for this device's connection. The relay binds a peer id to the account that
/// first used it, so a new one is made at every start and after every logout (the next person
/// on a shared tablet must not arrive under the previous one's id).
fn new_peer_id() -> PeerId {
    format!("samskab-app-{}", &DocumentId::random().to_string()[..12])
        .parse()
        .unwrap_or_else(|_| unreachable_peer())
}

fn unreachable_peer() -> PeerId {
    // "samskab-app-" and 12 base58 characters are always a valid peer id.
    panic!("invalid generated peer id")
}

async fn run(client: Rc<Client>, mut rx: mpsc::UnboundedReceiver<Incoming>) {
    match Store::open().await {
        Ok(store) => {
            match store.load_all().await {
                Ok(docs) => {
                    let mut hub = client.hub.borrow_mut();
                    for (id, bytes) in docs {
                        if let Err(e) = hub.load(id, &bytes) {
                            leptos::logging::warn!("document {id} does not load: {e}");
                        }
                    }
                }
                Err(e) => leptos::logging::warn!("cannot read documents: {}", e.0),
            }
            *client.store.borrow_mut() = Some(store);
        }
        Err(e) => {
            leptos::logging::warn!("IndexedDB unavailable: {}", e.0);
            client.view.problem.set(Some(e.0));
        }
    }
    client.view.version.update(|v| *v += 1);
    client.view.loaded.set(true);
    connect(&client);
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
                if joined.is_none() && session_expired().await {
                    // The relay refused the upgrade because the session is gone: wait for
                    // the password (unsent changes stay in IndexedDB meanwhile).
                    client.stopped.set(true);
                    client.view.expired.set(true);
                    connectivity::report_socket(None);
                    continue;
                }
                schedule_reconnect(&client);
            }
        }
    }
}

fn sync_url() -> String {
    let location = window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}/sync", location.host().unwrap_or_default())
}

/// Whether the relay answers that this device has no valid session (not merely unreachable).
/// A relay that does not answer within a few seconds has not said so: this runs between a
/// failed connection and the next attempt, which must not wait on a network that never answers.
async fn session_expired() -> bool {
    use futures::FutureExt;
    let answer = crate::session::me().fuse();
    let give_up = gloo_timers::future::sleep(std::time::Duration::from_millis(u64::from(
        connectivity::PROBE_TIMEOUT_MS,
    )))
    .fuse();
    futures::pin_mut!(answer, give_up);
    futures::select! {
        me = answer => matches!(me, Ok(None)),
        () = give_up => false,
    }
}

/// After signing in again: sync resumes at once.
pub fn resume() {
    if let Some(client) = client() {
        client.stopped.set(false);
        client.view.expired.set(false);
        *client.attempts.borrow_mut() = 0;
        connect(&client);
    }
}

/// Logging out: closes the connection for good and deletes every document from this device.
pub async fn stop_and_forget() {
    let client = client();
    if let Some(client) = &client {
        client.stopped.set(true);
        client.forgotten.set(true);
        if let Some(ws) = client.ws.borrow_mut().take() {
            let _ = ws.close();
        }
        connectivity::report_socket(None);
        client.pending.borrow_mut().clear();
        client.tasks.borrow_mut().clear();
        *client.hub.borrow_mut() = Hub::new(new_peer_id(), Role::Client);
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

thread_local! {
    /// When this page's current (or last) sync connection opened, on the device's clock.
    static CONNECTED_AT: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
}

/// When this page last opened a connection to the relay, if it has. The relay accepts a
/// sign-up time no older than the session's previous contact (less its clock slack), and that
/// contact is never later than this: a time since then is one it accepts.
pub fn connected_since() -> Option<i64> {
    CONNECTED_AT.get()
}

fn connect(client: &Rc<Client>) {
    if client.ws.borrow().is_some() || client.stopped.get() {
        return;
    }
    let Ok(ws) = WebSocket::new(&sync_url()) else {
        schedule_reconnect(client);
        return;
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let generation = client.generation.get().wrapping_add(1);
    client.generation.set(generation);
    let me = client.hub.borrow().me().clone();
    let on_open = {
        let ws = ws.clone();
        Closure::<dyn FnMut()>::new(move || {
            connectivity::report_socket(Some(Socket::Open));
            CONNECTED_AT.set(Some(crate::time::now()));
            let join = Message::Join {
                sender_id: me.clone(),
                supported_protocol_versions: vec!["1".into()],
                metadata: None,
            };
            let _ = ws.send_with_u8_array(&join.encode());
        })
    };
    let tx = client.incoming.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Ok(buffer) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
            let _ = tx.unbounded_send(Incoming::Frame(js_sys::Uint8Array::new(&buffer).to_vec()));
        }
    });
    let tx = client.incoming.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || {
        // The header hears of it at once, not after the frames still queued.
        connectivity::report_socket(Some(Socket::Closed));
        let _ = tx.unbounded_send(Incoming::Closed);
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket owns its handlers for its whole life; a new socket gets new ones.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *client.ws.borrow_mut() = Some(ws);
    connectivity::report_socket(Some(Socket::Connecting));
    // Until the relay's `peer` arrives the device is not syncing; give the attempt up if it
    // does not come (its close is handled like any other).
    let waiting = client.clone();
    gloo_timers::callback::Timeout::new(HANDSHAKE_TIMEOUT_MS, move || {
        if waiting.generation.get() == generation
            && waiting.relay.borrow().is_none()
            && let Some(ws) = waiting.ws.borrow().as_ref()
        {
            leptos::logging::warn!("the relay did not answer the sync connection in time");
            let _ = ws.close();
        }
    })
    .forget();
}

/// How long a new sync connection may take until the relay's `peer` message.
pub const HANDSHAKE_TIMEOUT_MS: u32 = 10_000;

fn schedule_reconnect(client: &Rc<Client>) {
    let attempt = {
        let mut a = client.attempts.borrow_mut();
        *a = a.saturating_add(1);
        *a
    };
    let base = 1000u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(5))
        .min(30_000);
    let delay = (f64::from(base) * (1.0 + js_sys::Math::random() * 0.3)) as u32;
    let client = client.clone();
    gloo_timers::callback::Timeout::new(delay, move || connect(&client)).forget();
}

/// Connects at once if not connected (and not stopped), without waiting out the back-off.
pub fn reconnect_now() {
    if let Some(client) = client() {
        *client.attempts.borrow_mut() = 0;
        connect(&client);
    }
}

/// Closes the connection (the browser says there is no network, so it is dead even if the
/// socket has not noticed); it is retried as after any close.
pub fn drop_connection() {
    if let Some(client) = client()
        && let Some(ws) = client.ws.borrow().as_ref()
    {
        let _ = ws.close();
    }
}

/// Passes one frame to the hub and returns what to do (the caller applies a batch).
fn handle_frame(client: &Rc<Client>, bytes: &[u8]) -> Vec<Effect> {
    let message = match Message::decode(bytes) {
        Ok(m) => m,
        Err(e) => {
            leptos::logging::warn!("bad message from the relay: {e}");
            return Vec::new();
        }
    };
    match message {
        Message::Peer { sender_id, .. } => {
            *client.attempts.borrow_mut() = 0;
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
                    if let Some(ws) = client.ws.borrow().as_ref() {
                        let _ = ws.close();
                    }
                    Vec::new()
                }
            }
        }
    }
}

/// How many effects one batch gathers at most before it is applied.
const MAX_BATCH: usize = 2_000;

/// Saves the documents changed so far in one transaction, then sends what waited for them.
async fn flush(client: &Rc<Client>, saves: &mut BTreeSet<DocumentId>, sends: &mut Vec<Message>) {
    if !saves.is_empty() {
        let docs: Vec<(DocumentId, Vec<u8>)> = {
            let hub = client.hub.borrow();
            saves
                .iter()
                .filter_map(|id| Some((*id, hub.document(id)?.save())))
                .collect()
        };
        saves.clear();
        let store = client.store.borrow().clone();
        if let Some(store) = store
            && let Err(e) = store.save_all(&docs).await
        {
            report_store_error(client, &e);
        }
    }
    if let Some(ws) = client.ws.borrow().as_ref() {
        for message in sends.drain(..) {
            let _ = ws.send_with_u8_array(&message.encode());
        }
    }
    sends.clear();
}

/// Carries out the hub's effects in order, with saves before the sends that follow them.
/// Consecutive saves go into one IndexedDB transaction, and sends wait for the saves before
/// them (sending later is always safe; acknowledging a change before it is stored is not).
async fn apply(client: &Rc<Client>, effects: Vec<Effect>) {
    let mut changed = false;
    let mut saves = BTreeSet::new();
    let mut sends = Vec::new();
    for effect in effects {
        // Deleting a document must come after the saves before it.
        if matches!(effect, Effect::Refused { .. } | Effect::Revoked { .. }) {
            flush(client, &mut saves, &mut sends).await;
        }
        match effect {
            Effect::Persist { document, .. } => {
                saves.insert(document);
                changed = true;
            }
            Effect::Send(message) => sends.push(message),
            Effect::Changed { .. } => changed = true,
            Effect::Unavailable { .. } => {}
            Effect::Refused { document, code, .. } => {
                // The relay has the true version; drop ours (the hub already did) and show why.
                let store = client.store.borrow().clone();
                if let Some(store) = store
                    && let Err(e) = store.delete(&document).await
                {
                    leptos::logging::warn!("cannot delete a refused document: {}", e.0);
                }
                client.pending.borrow_mut().remove(&document);
                client.view.problem.set(Some(format!("refused:{code}")));
                changed = true;
            }
            Effect::Revoked { document } => {
                // This user may no longer read it (its owner withdrew consent): the hub has
                // dropped it; the stored copy goes too.
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

/// Pages re-read the documents when `version` changes. Changes from the relay come in bursts
/// (a new device receives hundreds of documents), so they are announced at most every 200 ms
/// rather than once per message; the device's own changes are announced at once.
fn bump_soon(client: &Rc<Client>) {
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

fn report_store_error(client: &Rc<Client>, e: &StoreError) {
    leptos::logging::warn!("cannot save to IndexedDB: {}", e.0);
    client.view.problem.set(Some(if e.is_quota() {
        "quota".into()
    } else {
        "storage".into()
    }));
}

fn update_status(client: &Rc<Client>) {
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

/// Every document of one kind this device holds, hydrated. Each document is hydrated once
/// per change (cached by heads), so re-reading a thousand after one changed hydrates one.
fn all_of<T: autosurgeon::Hydrate + Clone>(
    cache: impl Fn(&Client) -> &RefCell<HashMap<DocumentId, Cached<T>>>,
) -> Vec<(DocumentId, T)> {
    let Some(client) = client() else {
        return Vec::new();
    };
    let hub = client.hub.borrow();
    let mut cache = cache(&client).borrow_mut();
    // Documents this device no longer holds (revoked, refused) leave the cache.
    cache.retain(|id, _| hub.document(id).is_some());
    let mut found = Vec::new();
    for (id, doc) in hub.documents() {
        let heads = doc.get_heads();
        let entry = cache.entry(*id).or_insert_with(|| (Vec::new(), None));
        if entry.0 != heads {
            // A document of another kind fails at its first field, `kind`.
            *entry = (heads, autosurgeon::hydrate::<_, T>(doc).ok());
        }
        if let Some(value) = &entry.1 {
            found.push((*id, value.clone()));
        }
    }
    found
}

/// Every task document this device holds.
pub fn tasks() -> Vec<(DocumentId, Task)> {
    all_of(|c| &c.tasks)
}

/// Every profile this device holds: the user's own, and for staff and coordinators those
/// the relay let them read (as their owners consented).
pub fn profiles() -> Vec<Profile> {
    all_of(|c| &c.profiles)
        .into_iter()
        .map(|(_, p)| p)
        .collect()
}

/// `person`'s profile, if this device holds it.
pub fn profile(person: &PersonId) -> Option<Profile> {
    let client = client()?;
    let hub = client.hub.borrow();
    autosurgeon::hydrate(hub.document(&profile_document_id(person))?).ok()
}

/// Saves the user's own profile here (validated, saved to IndexedDB, then offered to the
/// relay). The profile lives at the id derived from its owner.
pub async fn save_profile(profile: Profile) -> Result<(), ChangeError> {
    let problems = profile.problems();
    if !problems.is_empty() {
        return Err(ChangeError::InvalidProfile(problems));
    }
    commit(profile_document_id(&profile.owner), |doc| {
        doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, &profile))
            .map(|_| ())
            .map_err(|_| ChangeError::NotLoaded)
    })
    .await
}

/// One task, if this device holds it.
pub fn task(id: &DocumentId) -> Option<Task> {
    let client = client()?;
    let hub = client.hub.borrow();
    autosurgeon::hydrate(hub.document(id)?).ok()
}

/// Why a local change was not made.
#[derive(Debug, Clone)]
pub enum ChangeError {
    NotLoaded,
    Invalid(Vec<samskab_model::TaskError>),
    InvalidProfile(Vec<ProfileError>),
    Storage(StoreError),
}

/// Changes a task here with an edit that cannot fail; see [`update_task`].
pub async fn change_task(id: DocumentId, edit: impl FnOnce(&mut Task)) -> Result<(), ChangeError> {
    update_task(id, |task| {
        edit(task);
        Ok(())
    })
    .await
}

/// Changes a task here: applies the edit to the task as it is now, validates the result,
/// writes it to the document, saves it to IndexedDB (the call returns only after that), then
/// offers it to the relay.
pub async fn update_task(
    id: DocumentId,
    edit: impl FnOnce(&mut Task) -> Result<(), Vec<samskab_model::TaskError>>,
) -> Result<(), ChangeError> {
    commit(id, |doc| {
        let mut task: Task = autosurgeon::hydrate(&*doc).map_err(|_| ChangeError::NotLoaded)?;
        edit(&mut task).map_err(ChangeError::Invalid)?;
        write(doc, &task)
    })
    .await
}

/// Creates a new task document here (saved, then offered to the relay) and returns its id.
pub async fn create_task(task: Task) -> Result<DocumentId, ChangeError> {
    let id = DocumentId::random();
    commit(id, |doc| write(doc, &task)).await?;
    Ok(id)
}

fn write(doc: &mut automerge::Automerge, task: &Task) -> Result<(), ChangeError> {
    let problems = task.problems();
    if !problems.is_empty() {
        return Err(ChangeError::Invalid(problems));
    }
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .map(|_| ())
        .map_err(|_| ChangeError::NotLoaded)
}

async fn commit(
    id: DocumentId,
    change: impl FnOnce(&mut automerge::Automerge) -> Result<(), ChangeError>,
) -> Result<(), ChangeError> {
    let client = client().ok_or(ChangeError::NotLoaded)?;
    let (result, effects) = client.hub.borrow_mut().change(id, change);
    result?;
    client.pending.borrow_mut().insert(id);
    // Save first, and report a failed save to the caller rather than only to the log.
    let bytes = client.hub.borrow().document(&id).map(|d| d.save());
    let store = client.store.borrow().clone();
    if let (Some(bytes), Some(store)) = (bytes, store) {
        store.save(&id, &bytes).await.map_err(|e| {
            report_store_error(&client, &e);
            ChangeError::Storage(e)
        })?;
    }
    let sends: Vec<Effect> = effects
        .into_iter()
        .filter(|e| matches!(e, Effect::Send(_)))
        .collect();
    apply(&client, sends).await;
    client.view.version.update(|v| *v += 1);
    Ok(())
}
