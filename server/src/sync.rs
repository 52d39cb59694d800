//! The relay's sync engine: one thread that owns the shared [`Hub`] and the [`Store`], and
//! carries out the hub's effects in order. Connections talk to it through a channel.
//!
//! One owner, no locks: every message from every connection is processed in arrival order, and
//! a change is appended to the store (fsynced) before the messages that acknowledge it are
//! handed to the connections. A dedicated thread rather than a tokio task, because SQLite
//! calls block and must not stall the async runtime.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use automerge::{ActorId, Automerge, ChangeHash};
use samskab_model::authz::{self, Principal, ReadView, Refusal};
pub use samskab_model::judge::{Incoming, Trial, Verdict, Writer, admit, judge};
use samskab_model::kinds::profile::ProfileView;
use samskab_model::kinds::task::TaskView;
use samskab_model::kinds::{self, Fact, Facts};
use samskab_model::profile::{Profile, profile_document_id};
use samskab_model::public_task::PublicTask;
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role, limits};
use samskab_model::task::{SignupState, TaskStatus};
use samskab_model::{DocumentId, OrganisationId, PersonId, Task};
use tokio::sync::{mpsc, oneshot};

use crate::accounts::Accounts;
use crate::audit::ProfileRead;
use crate::storage::{Store, StoreError};

/// Who opened a sync connection, and from what.
#[derive(Debug, Clone)]
pub struct Client {
    pub principal: Principal,
    /// SHA-256 of the session token the connection was opened with.
    pub session: Vec<u8>,
    /// The browser's `User-Agent` (for the audit log), at most 200 characters.
    pub user_agent: String,
    /// When this device was last in contact with the relay, or its session began, whichever
    /// is later (ms; set by the engine at connect): sign-ups it made offline cannot be older.
    pub last_contact: i64,
}

/// Tells one connection of a peer id from a later one that replaced it.
pub type ConnectionId = u64;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The facts the documents make true ([`Fact`]), kept over every document: which document
/// makes which facts true, and how many documents make each. The kinds declare what their
/// documents make true (`DocumentKind::facts`) and whose readers depend on it
/// (`DocumentKind::watches`); the engine only keeps the count.
#[derive(Debug, Default)]
pub struct FactIndex {
    by_document: HashMap<DocumentId, BTreeSet<Fact>>,
    counts: HashMap<Fact, u32>,
}

impl Facts for FactIndex {
    fn holds(&self, fact: &Fact) -> bool {
        self.counts.contains_key(fact)
    }
}

impl FactIndex {
    /// Records what document `id` makes true now. Returns the facts that came or went.
    pub fn update(&mut self, id: DocumentId, facts: Vec<Fact>) -> Vec<Fact> {
        let new: BTreeSet<Fact> = facts.into_iter().collect();
        let old = self.by_document.remove(&id).unwrap_or_default();
        let mut touched = Vec::new();
        for gone in old.difference(&new) {
            if let Some(count) = self.counts.get_mut(gone) {
                *count -= 1;
                if *count == 0 {
                    self.counts.remove(gone);
                    touched.push(gone.clone());
                }
            }
        }
        for came in new.difference(&old) {
            let count = self.counts.entry(came.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                touched.push(came.clone());
            }
        }
        if !new.is_empty() {
            self.by_document.insert(id, new);
        }
        touched
    }
}

/// A document's [`ReadView`] at the heads it was read at.
type CachedView = (Vec<ChangeHash>, Option<ReadView>);

/// What the hub's read policy consults, shared with the engine: who is behind each connected
/// peer, what reading each document depends on (cached by heads: a catalog of thousands of
/// documents must not read thousands of documents each time), and the facts index.
/// Locked in this order when more than one is needed.
#[derive(Debug, Default)]
struct Readers {
    clients: Mutex<HashMap<PeerId, Client>>,
    views: Mutex<HashMap<DocumentId, CachedView>>,
    facts: Mutex<FactIndex>,
}

impl Readers {
    fn view(&self, id: &DocumentId, doc: &Automerge) -> Option<ReadView> {
        let mut views = lock(&self.views);
        let heads = doc.get_heads();
        let entry = views.entry(*id).or_insert_with(|| (Vec::new(), None));
        if entry.0 != heads {
            *entry = (heads, authz::read_view(doc));
        }
        entry.1.clone()
    }

    fn may_read(&self, who: &Principal, id: &DocumentId, doc: &Automerge) -> bool {
        let Some(view) = self.view(id, doc) else {
            return false;
        };
        let facts = lock(&self.facts);
        authz::may_read(who, &view, &*facts)
    }
}

/// A connection's queue of outgoing messages, bounded by their bytes: the engine adds each
/// message's weight when it queues it, the connection subtracts it once written. A reader that
/// lets more than [`limits::OUTBOX_BYTES`] pile up is disconnected rather than buffered (a
/// count of messages would either cut off an honest device that asked for thousands of small
/// documents at once, or let a slow reader hold thousands of large ones).
#[derive(Debug, Clone)]
pub struct Outbox {
    pub sender: mpsc::UnboundedSender<Outgoing>,
    pub queued: Arc<std::sync::atomic::AtomicUsize>,
}

impl Outbox {
    /// A new outbox and the receiving end for the connection.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Outgoing>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (
            Self {
                sender,
                queued: Arc::default(),
            },
            receiver,
        )
    }

    /// Queues a message; false (and nothing queued) if the outbox is over its bound.
    fn push(&self, message: Message) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let weight = weight(&message);
        if self.queued.load(Relaxed) + weight > limits::OUTBOX_BYTES {
            return false;
        }
        self.queued.fetch_add(weight, Relaxed);
        self.sender.send(Outgoing::Message(message)).is_ok()
    }

    /// The byte count the connection lowers as it writes (see [`written`]). Only the count:
    /// a connection holding a sender of its own outbox would never see it close.
    pub fn meter(&self) -> Arc<std::sync::atomic::AtomicUsize> {
        self.queued.clone()
    }
}

/// The connection wrote `message` from an outbox whose [`Outbox::meter`] is `queued`.
pub fn written(queued: &std::sync::atomic::AtomicUsize, message: &Message) {
    queued.fetch_sub(weight(message), std::sync::atomic::Ordering::Relaxed);
}

/// About how many bytes a message takes on the wire (its payload plus a frame's worth).
pub fn weight(message: &Message) -> usize {
    match message {
        Message::Sync { data, .. } | Message::Request { data, .. } => data.len() + 128,
        Message::Catalog { documents, .. } => documents.len() * 100 + 128,
        _ => 256,
    }
}

/// What the engine sends a connection.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// Send an `error` message with this reason, then close.
    Close(String),
}

enum Command {
    Connect {
        peer: PeerId,
        client: Client,
        outbox: Outbox,
        done: oneshot::Sender<Result<ConnectionId, String>>,
    },
    Disconnect {
        peer: PeerId,
        connection: ConnectionId,
    },
    Receive {
        peer: PeerId,
        connection: ConnectionId,
        message: Message,
        /// Held until the engine is done with the message: the connection reads no more than
        /// [`limits::INFLIGHT_MESSAGES`] ahead of the engine.
        _permit: tokio::sync::OwnedSemaphorePermit,
    },
    Catalog {
        reader: Principal,
        reply: oneshot::Sender<Vec<(DocumentId, Vec<String>)>>,
    },
    /// Close the connections opened with this session, or with any session of this user.
    EndSessions {
        session: Option<Vec<u8>>,
        user: Option<PersonId>,
    },
    Export {
        person: PersonId,
        reply: oneshot::Sender<Export>,
    },
    Seed {
        id: DocumentId,
        bytes: Vec<u8>,
        done: oneshot::Sender<Result<bool, String>>,
    },
    /// The open task bank: every task that is not a draft, as anyone may see it.
    PublicTasks {
        reply: oneshot::Sender<Vec<PublicTask>>,
    },
    /// One task as the relay holds it (for checks the HTTP API makes itself).
    Task {
        id: DocumentId,
        reply: oneshot::Sender<Option<Task>>,
    },
}

/// A handle to the engine; cheap to clone.
#[derive(Debug, Clone)]
pub struct SyncEngine {
    commands: mpsc::UnboundedSender<Command>,
    me: PeerId,
    gauge: Arc<Gauge>,
}

/// How far behind the engine is, read by the health endpoints without asking the engine
/// (a stalled engine could not answer).
#[derive(Debug, Default)]
struct Gauge {
    /// Commands sent and not yet finished.
    queued: std::sync::atomic::AtomicUsize,
    /// When the engine last finished a command (ms).
    last_done: std::sync::atomic::AtomicI64,
}

/// The engine counts as behind with more commands than this waiting…
pub const HEALTH_MAX_QUEUED: usize = 5_000;
/// …or when commands wait and it has finished none for this long (ms).
pub const HEALTH_MAX_STALL_MS: i64 = 2_000;

/// What the health endpoints report about the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Commands waiting for the engine.
    pub queued: usize,
    /// How long commands have waited with none finished (ms; 0 when none wait).
    pub stalled_ms: i64,
}

impl Health {
    fn at(queued: usize, last_done: i64, now: i64) -> Self {
        let stalled_ms = if queued == 0 {
            0
        } else {
            (now - last_done).max(0)
        };
        Self { queued, stalled_ms }
    }

    /// Whether the engine keeps up: few commands waiting, and it is finishing them.
    pub fn is_ok(&self) -> bool {
        self.queued <= HEALTH_MAX_QUEUED && self.stalled_ms <= HEALTH_MAX_STALL_MS
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Connect { .. } => "Connect",
            Command::Disconnect { .. } => "Disconnect",
            Command::Receive { .. } => "Receive",
            Command::Catalog { .. } => "Catalog",
            Command::Seed { .. } => "Seed",
            Command::Export { .. } => "Export",
            Command::EndSessions { .. } => "EndSessions",
            Command::PublicTasks { .. } => "PublicTasks",
            Command::Task { .. } => "Task",
        })
    }
}

impl SyncEngine {
    /// Loads every stored document and starts the engine thread. Documents stored in many
    /// chunks are compacted into one save on the way.
    pub fn start(mut store: Box<dyn Store>, accounts: Arc<Accounts>) -> Result<Self, StoreError> {
        match crate::peers::prune(&accounts, now_ms()) {
            Ok(forgotten) => tracing::info!(forgotten, "old device bindings forgotten"),
            Err(e) => tracing::warn!(error = %e, "cannot forget old device bindings"),
        }
        let me: PeerId = crate::peers::RELAY_PEER
            .parse()
            .map_err(|_| StoreError::Engine("invalid relay peer id".into()))?;
        let mut hub = Hub::new(me.clone(), Role::Relay);
        let readers: Arc<Readers> = Arc::default();
        let policy = readers.clone();
        hub.set_read_policy(Box::new(move |peer, id, doc| {
            let Some(who) = lock(&policy.clients).get(peer).map(|c| c.principal.clone()) else {
                return false;
            };
            policy.may_read(&who, id, doc)
        }));
        let docs = store.load_all()?;
        let count = docs.len();
        let mut sizes = HashMap::new();
        for stored in docs {
            sizes.insert(stored.id, stored.bytes.len());
            if let Err(e) = hub.load(stored.id, &stored.bytes) {
                // A document that does not load is kept in the store untouched for inspection
                // and left out of sync, rather than stopping the relay for everyone.
                tracing::error!(document = %stored.id, error = %e, "stored document does not load; skipped");
                continue;
            }
            if stored.chunks > 16
                && let Some(doc) = hub.document(&stored.id)
            {
                store.compact(&stored.id, &doc.save(), stored.through)?;
            }
        }
        {
            let mut facts = lock(&readers.facts);
            for (id, doc) in hub.documents() {
                facts.update(*id, kinds::facts_of(doc));
            }
        }
        tracing::info!(documents = count, "documents loaded");
        let (commands, rx) = mpsc::unbounded_channel();
        let gauge = Arc::new(Gauge::default());
        gauge
            .last_done
            .store(now_ms(), std::sync::atomic::Ordering::Relaxed);
        let engine_gauge = gauge.clone();
        thread::Builder::new()
            .name("sync-engine".into())
            .spawn(move || {
                Engine {
                    hub,
                    store,
                    outboxes: HashMap::new(),
                    readers,
                    accounts,
                    actors: HashMap::new(),
                    held: Vec::new(),
                    holding_for: HashSet::new(),
                    held_since: None,
                    public: HashMap::new(),
                    sizes,
                    connections: HashMap::new(),
                    next_connection: 1,
                    last_heard: HashMap::new(),
                    profile_ids: HashSet::new(),
                    profile_ids_at: None,
                    gauge: engine_gauge,
                }
                .run(rx)
            })
            .map_err(|e| StoreError::Engine(e.to_string()))?;
        Ok(Self {
            commands,
            me,
            gauge,
        })
    }

    /// How far behind the engine is.
    pub fn health(&self) -> Health {
        use std::sync::atomic::Ordering::Relaxed;
        Health::at(
            self.gauge.queued.load(Relaxed),
            self.gauge.last_done.load(Relaxed),
            now_ms(),
        )
    }

    pub fn me(&self) -> &PeerId {
        &self.me
    }

    /// Registers a connection's peer. Fails if the peer id is another user's (or the relay's);
    /// a connection of the same user with the same peer id is replaced (the device is back
    /// before its old socket timed out).
    pub async fn connect(
        &self,
        peer: PeerId,
        client: Client,
        outbox: Outbox,
    ) -> Result<ConnectionId, String> {
        let (done, result) = oneshot::channel();
        self.send(Command::Connect {
            peer,
            client,
            outbox,
            done,
        });
        result
            .await
            .unwrap_or_else(|_| Err("the sync engine stopped".into()))
    }

    /// Closes the sync connections opened with a session that just ended (logout).
    pub fn end_session(&self, session: Vec<u8>) {
        self.send(Command::EndSessions {
            session: Some(session),
            user: None,
        });
    }

    /// Closes every sync connection of a user (their sessions ended: password change).
    pub fn end_user_sessions(&self, user: PersonId) {
        self.send(Command::EndSessions {
            session: None,
            user: Some(user),
        });
    }

    pub fn disconnect(&self, peer: PeerId, connection: ConnectionId) {
        self.send(Command::Disconnect { peer, connection });
    }

    /// Hands the engine a message from a connection, with one of that connection's permits
    /// (see [`limits::INFLIGHT_MESSAGES`]), released when the engine is done with it.
    pub fn receive(
        &self,
        peer: PeerId,
        connection: ConnectionId,
        message: Message,
        permit: tokio::sync::OwnedSemaphorePermit,
    ) {
        self.send(Command::Receive {
            peer,
            connection,
            message,
            _permit: permit,
        });
    }

    /// Every document `reader` may read, with its heads (hex change hashes).
    pub async fn catalog(&self, reader: Principal) -> Vec<(DocumentId, Vec<String>)> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Catalog { reader, reply });
        rx.await.unwrap_or_default()
    }

    /// Everything the documents hold about `person`: their profile and their sign-ups.
    pub async fn export(&self, person: PersonId) -> Export {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Export { person, reply });
        rx.await.unwrap_or_default()
    }

    /// The open task bank: every task that is not a draft, projected to what anyone may see
    /// (organisation names left empty: the caller knows them), in no particular order.
    pub async fn public_tasks(&self) -> Vec<PublicTask> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::PublicTasks { reply });
        rx.await.unwrap_or_default()
    }

    /// The task with this id, if the relay holds one.
    pub async fn task(&self, id: DocumentId) -> Option<Task> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Task { id, reply });
        rx.await.ok().flatten()
    }

    /// Stores a document unless one with this id exists. True if it was added.
    pub async fn seed(&self, id: DocumentId, bytes: Vec<u8>) -> Result<bool, String> {
        let (done, result) = oneshot::channel();
        self.send(Command::Seed { id, bytes, done });
        result
            .await
            .unwrap_or_else(|_| Err("the sync engine stopped".into()))
    }

    fn send(&self, command: Command) {
        use std::sync::atomic::Ordering::Relaxed;
        self.gauge.queued.fetch_add(1, Relaxed);
        if self.commands.send(command).is_err() {
            self.gauge.queued.fetch_sub(1, Relaxed);
            tracing::error!("the sync engine has stopped");
        }
    }
}

struct Engine {
    hub: Hub,
    store: Box<dyn Store>,
    outboxes: HashMap<PeerId, Outbox>,
    /// The current connection of each connected peer id.
    connections: HashMap<PeerId, ConnectionId>,
    next_connection: ConnectionId,
    /// When the relay last received a message from each connected peer (ms).
    last_heard: HashMap<PeerId, i64>,
    /// Bytes held of each document (stored saves plus appended changes).
    sizes: HashMap<DocumentId, usize>,
    /// Derived profile ids of every account, refreshed now and then.
    profile_ids: HashSet<DocumentId>,
    profile_ids_at: Option<std::time::Instant>,
    gauge: Arc<Gauge>,
    readers: Arc<Readers>,
    accounts: Arc<Accounts>,
    /// Actor ids known to be bound, and to whom (saves a database write per change).
    actors: HashMap<ActorId, PersonId>,
    /// Messages carrying profiles to readers other than their owners, held until their audit
    /// entries are committed (see [`crate::audit`]), in the order they are to be sent.
    held: Vec<(Message, Option<ProfileRead>)>,
    /// The peers with held messages: anything else for them waits behind those.
    holding_for: HashSet<PeerId>,
    /// When the oldest held message was held.
    held_since: Option<std::time::Instant>,
    /// The open projection of each task by the heads it was made at: a task is hydrated for
    /// the public catalog only when it changed.
    public: HashMap<DocumentId, (Vec<ChangeHash>, Option<PublicTask>)>,
}

/// What the documents hold about one person ("Hent mine data").
#[derive(Debug, Default, serde::Serialize)]
pub struct Export {
    pub profile: Option<Profile>,
    pub signups: Vec<SignupRecord>,
}

/// One of the person's sign-ups, with the task it is for.
#[derive(Debug, serde::Serialize)]
pub struct SignupRecord {
    pub task: String,
    pub title: String,
    pub organisation: OrganisationId,
    pub shift_start: i64,
    pub shift_end: i64,
    pub state: SignupState,
    pub at: i64,
}

/// How long the list of account profile ids is used before it is read again.
const PROFILE_IDS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// How many held profile messages the engine batches into one audit transaction at most.
const AUDIT_BATCH: usize = 256;
/// How long a held profile message waits for its batch at most while the engine is busy.
const AUDIT_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

fn as_task(doc: &Automerge) -> Option<Task> {
    // A document of another kind does not hydrate as a task (its `kind` says so).
    autosurgeon::hydrate(doc).ok()
}

impl Engine {
    fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(command) = rx.blocking_recv() {
            self.command(command);
            self.gauge
                .queued
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            self.gauge
                .last_done
                .store(now_ms(), std::sync::atomic::Ordering::Relaxed);
            // Held profile messages go out in batches: when nothing else is waiting, when the
            // batch is full, or when the oldest has waited long enough.
            let waited = self
                .held_since
                .is_some_and(|since| since.elapsed() >= AUDIT_WAIT);
            if !self.held.is_empty() && (rx.is_empty() || self.held.len() >= AUDIT_BATCH || waited)
            {
                self.flush_held();
            }
        }
    }

    fn command(&mut self, command: Command) {
        {
            match command {
                Command::Connect {
                    peer,
                    mut client,
                    outbox,
                    done,
                } => {
                    let now = now_ms();
                    let result = match crate::peers::bind(
                        &self.accounts,
                        &peer,
                        &client.principal.person,
                        now,
                    ) {
                        Ok(crate::peers::Binding::Foreign) => {
                            Err(format!("peer id {peer} belongs to another device"))
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "cannot bind a peer id");
                            Err("the relay cannot accept connections right now".into())
                        }
                        Ok(crate::peers::Binding::Yours { .. }) => {
                            if self.outboxes.contains_key(&peer) {
                                self.close(
                                    &peer,
                                    "replaced by a newer connection of this device".into(),
                                );
                            }
                            // Read before this connection counts as contact.
                            let session_start =
                                crate::peers::session_started(&self.accounts, &client.session)
                                    .unwrap_or(None)
                                    .unwrap_or(now);
                            let contact =
                                crate::peers::session_contact(&self.accounts, &client.session)
                                    .unwrap_or(None);
                            client.last_contact = contact.unwrap_or(i64::MIN).max(session_start);
                            let _ = crate::peers::touch(&self.accounts, &peer, now);
                            let _ =
                                crate::peers::touch_session(&self.accounts, &client.session, now);
                            let connection = self.next_connection;
                            self.next_connection += 1;
                            self.connections.insert(peer.clone(), connection);
                            self.outboxes.insert(peer.clone(), outbox);
                            lock(&self.readers.clients).insert(peer.clone(), client);
                            let effects = self.hub.connect(peer);
                            self.apply(None, effects);
                            Ok(connection)
                        }
                    };
                    let _ = done.send(result);
                }
                Command::Disconnect { peer, connection } => {
                    if self.connections.get(&peer) == Some(&connection) {
                        self.drop_peer(&peer);
                    }
                }
                Command::EndSessions { session, user } => {
                    let ended: Vec<PeerId> = lock(&self.readers.clients)
                        .iter()
                        .filter(|(_, c)| {
                            session.as_ref() == Some(&c.session)
                                || user.as_ref() == Some(&c.principal.person)
                        })
                        .map(|(peer, _)| peer.clone())
                        .collect();
                    for peer in ended {
                        self.close(&peer, "the session has ended; log in again".into());
                    }
                }
                Command::Receive {
                    peer,
                    connection,
                    message,
                    _permit,
                } => {
                    if self.connections.get(&peer) != Some(&connection) {
                        return; // from a connection that was replaced or closed
                    }
                    self.last_heard.insert(peer.clone(), now_ms());
                    let span = tracing::debug_span!("sync", peer = %peer, kind = message.kind(), document = ?message.document_id().map(|d| d.to_string()));
                    let _enter = span.enter();
                    tracing::debug!("received");
                    let mut message = message;
                    if let Message::Sync {
                        document_id, data, ..
                    }
                    | Message::Request {
                        document_id, data, ..
                    } = &mut message
                    {
                        match self.authorize(&peer, *document_id, data) {
                            Ok(Some(judged)) => *data = judged,
                            Ok(None) => {}
                            Err(Refusal::Malformed(reason)) => {
                                tracing::warn!(%reason, "malformed sync message; closing connection");
                                self.close(
                                    &peer,
                                    format!("bad sync message for {document_id}: {reason}"),
                                );
                                return;
                            }
                            Err(Refusal::TooLarge) if !self.hub.is_follower(&peer) => {
                                self.close(&peer, Refusal::TooLarge.to_string());
                                return;
                            }
                            Err(refusal) => {
                                self.refuse(&peer, *document_id, &refusal);
                                return;
                            }
                        }
                        let (count, bytes) = self.hub.parked_bytes(&peer);
                        if count > limits::PARKED_CHANGES || bytes > limits::PARKED_BYTES {
                            tracing::warn!(
                                count,
                                bytes,
                                "too many changes waiting for their dependencies; closing connection"
                            );
                            self.close(&peer, "too many changes wait for changes the relay does not have; reconnect to sync again".into());
                            return;
                        }
                    }
                    match self.hub.receive(&peer, message) {
                        Ok(effects) => self.apply(Some(&peer), effects),
                        Err(e) => {
                            tracing::warn!(error = %e, "refused message; closing connection");
                            self.close(&peer, e.to_string());
                        }
                    }
                }
                Command::Catalog { reader, reply } => {
                    let catalog = self
                        .hub
                        .documents()
                        .filter(|(id, doc)| self.readers.may_read(&reader, id, doc))
                        .map(|(id, doc)| {
                            (*id, doc.get_heads().iter().map(|h| h.to_string()).collect())
                        })
                        .collect();
                    let _ = reply.send(catalog);
                }
                Command::Export { person, reply } => {
                    let _ = reply.send(self.export(&person));
                }
                Command::PublicTasks { reply } => {
                    let _ = reply.send(self.public_tasks());
                }
                Command::Task { id, reply } => {
                    let _ = reply.send(self.hub.document(&id).and_then(as_task));
                }
                Command::Seed { id, bytes, done } => {
                    let result = if self.hub.document(&id).is_some() {
                        Ok(false)
                    } else {
                        self.store
                            .append(&id, &bytes)
                            .map_err(|e| e.to_string())
                            .and_then(|()| self.hub.load(id, &bytes).map_err(|e| e.to_string()))
                            .map(|()| true)
                    };
                    if result == Ok(true) {
                        self.sizes.insert(id, bytes.len());
                        self.changed(&[id]);
                    }
                    let _ = done.send(result);
                }
            }
        }
    }

    /// Every task that is not a draft, as [`PublicTask`]s (names empty), from the cache where
    /// the task has not changed. Only documents whose read view is a task are hydrated.
    fn public_tasks(&mut self) -> Vec<PublicTask> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (id, doc) in self.hub.documents() {
            if !matches!(self.readers.view(id, doc), Some(ReadView::Task(TaskView { status, .. })) if status != TaskStatus::Draft)
            {
                continue;
            }
            seen.insert(*id);
            let heads = doc.get_heads();
            let entry = self.public.entry(*id).or_insert_with(|| (Vec::new(), None));
            if entry.0 != heads || entry.1.is_none() {
                *entry = (
                    heads,
                    as_task(doc).and_then(|t| PublicTask::of(*id, &t, "")),
                );
            }
            out.extend(entry.1.clone());
        }
        self.public.retain(|id, _| seen.contains(id));
        out
    }

    fn export(&self, person: &PersonId) -> Export {
        let profile = self
            .hub
            .document(&profile_document_id(person))
            .and_then(|doc| autosurgeon::hydrate(doc).ok());
        let mut signups = Vec::new();
        for (id, doc) in self.hub.documents() {
            if !matches!(self.readers.view(id, doc), Some(ReadView::Task(_))) {
                continue;
            }
            let Some(task) = as_task(doc) else { continue };
            for shift in task.shifts.values() {
                if let Some(signup) = shift.signups.get(person) {
                    signups.push(SignupRecord {
                        task: id.to_string(),
                        // A draft is its organisation's business, even to those signed up
                        // for it before it went back to draft.
                        title: if task.status == TaskStatus::Draft {
                            String::new()
                        } else {
                            task.title.clone()
                        },
                        organisation: task.organisation.clone(),
                        shift_start: shift.start,
                        shift_end: shift.end,
                        state: signup.state,
                        at: signup.at,
                    });
                }
            }
        }
        signups.sort_by_key(|s| s.shift_start);
        Export { profile, signups }
    }

    /// After documents changed: the facts they make true may change who may read other
    /// documents (a task's sign-ups, the profiles whose consent is "my organisations"), so the
    /// documents that watch a fact that came or went are re-evaluated for every follower.
    fn changed(&mut self, documents: &[DocumentId]) {
        let mut touched = Vec::new();
        for id in documents {
            let Some(doc) = self.hub.document(id) else {
                continue;
            };
            touched.extend(lock(&self.readers.facts).update(*id, kinds::facts_of(doc)));
        }
        let mut watchers: Vec<DocumentId> = touched.iter().flat_map(kinds::watchers).collect();
        watchers.sort();
        watchers.dedup();
        for id in watchers {
            let effects = self.hub.reevaluate(id);
            self.apply(None, effects);
        }
    }

    /// If `message` carries a profile to someone other than its owner: the audit entry it
    /// needs (`Some(None)` when it carries no changes, only sync bookkeeping, which is held
    /// too, to keep the order, but not logged).
    fn audit_of(&self, message: &Message) -> Option<Option<ProfileRead>> {
        let (Message::Sync {
            document_id,
            target_id,
            data,
            ..
        }
        | Message::Request {
            document_id,
            target_id,
            data,
            ..
        }) = message
        else {
            return None;
        };
        let doc = self.hub.document(document_id)?;
        let Some(ReadView::Profile(ProfileView { owner, .. })) =
            self.readers.view(document_id, doc)
        else {
            return None;
        };
        let clients = lock(&self.readers.clients);
        let client = clients.get(target_id)?;
        if client.principal.person == owner {
            return None;
        }
        let carries = automerge::sync::Message::decode(data).is_ok_and(|m| !m.changes.is_empty());
        Some(carries.then(|| ProfileRead {
            owner,
            document: document_id.to_string(),
            reader: client.principal.person.clone(),
            reader_role: client.principal.role,
            at: now_ms(),
            device: crate::peers::device_label(target_id, &client.user_agent),
            user_agent: client.user_agent.clone(),
        }))
    }

    /// Commits the held messages' audit entries in one transaction, then sends them. If the
    /// log cannot be written, nothing is sent and those readers are disconnected (they retry).
    fn flush_held(&mut self) {
        let held = std::mem::take(&mut self.held);
        self.holding_for.clear();
        self.held_since = None;
        let live: Vec<(Message, Option<ProfileRead>)> = held
            .into_iter()
            .filter(|(m, _)| m.target_id().is_some_and(|t| self.outboxes.contains_key(t)))
            .collect();
        let reads: Vec<ProfileRead> = live.iter().filter_map(|(_, r)| r.clone()).collect();
        if let Err(e) = self.accounts.record_reads(&reads) {
            tracing::error!(error = %e, "cannot write the profile audit log; not sending profiles");
            let peers: HashSet<PeerId> = live
                .iter()
                .filter_map(|(m, _)| m.target_id().cloned())
                .collect();
            for peer in peers {
                self.close(&peer, "the relay cannot serve profiles right now".into());
            }
            return;
        }
        for (message, _) in live {
            self.deliver(message);
        }
    }

    fn deliver(&mut self, message: Message) {
        let Some(target) = message.target_id().cloned() else {
            return;
        };
        let Some(outbox) = self.outboxes.get(&target) else {
            return;
        };
        tracing::debug!(to = %target, kind = message.kind(), "sending");
        if !outbox.push(message) {
            // A reader this far behind is disconnected, not buffered: one slow or stalled
            // device must not hold the relay's memory or delay anyone else.
            tracing::warn!(peer = %target, limit = limits::OUTBOX_BYTES, "outbox full; disconnecting a slow reader");
            self.drop_peer(&target);
        }
    }

    /// Judges the changes a sync message carries before the hub applies any of them
    /// ([`admit`]); returns the message to hand to the hub (`None`: as it came).
    fn authorize(
        &mut self,
        peer: &PeerId,
        id: DocumentId,
        data: &[u8],
    ) -> Result<Option<Vec<u8>>, Refusal> {
        let Some(client) = lock(&self.readers.clients).get(peer).cloned() else {
            return Err(Refusal::Forbidden {
                path: String::new(),
            });
        };
        // Only a creation can take another kind's id; the list is not consulted otherwise.
        let reserved = self.hub.heads(&id).is_empty() && self.accounts_profile_ids().contains(&id);
        let window = authz::SignupWindow {
            now: now_ms(),
            not_before: client.last_contact,
        };
        let size = self.sizes.get(&id).copied().unwrap_or(0);
        let (actors, accounts) = (&mut self.actors, &self.accounts);
        let admitted = admit(
            &mut self.hub,
            Incoming { peer, id, data },
            Writer {
                who: &client.principal,
                window,
                reserved,
                size,
            },
            |actor| bind_actor(actors, accounts, actor, &client.principal),
        )?;
        Ok(admitted.map(|(data, bytes)| {
            *self.sizes.entry(id).or_insert(0) += bytes;
            data
        }))
    }

    /// The derived document ids of every account's profile: no other kind may be created at
    /// one, or that person's CV could never be created.
    fn accounts_profile_ids(&mut self) -> &HashSet<DocumentId> {
        if self
            .profile_ids_at
            .is_none_or(|at| at.elapsed() > PROFILE_IDS_TTL)
        {
            match crate::peers::person_ids(&self.accounts) {
                Ok(people) => {
                    self.profile_ids = people.iter().map(profile_document_id).collect();
                    self.profile_ids_at = Some(std::time::Instant::now());
                }
                Err(e) => tracing::error!(error = %e, "cannot list accounts for reserved ids"),
            }
        }
        &self.profile_ids
    }

    /// A refused change is dropped. A Samskab client is told which document and why (it
    /// resets that document to the relay's version); a stock client gets `error` and is
    /// disconnected.
    fn refuse(&mut self, peer: &PeerId, id: DocumentId, refusal: &Refusal) {
        tracing::warn!(document = %id, code = refusal.code(), reason = %refusal, "refused a change");
        self.hub.forget(peer, &id);
        if self.hub.is_follower(peer) {
            let message = Message::ChangeRefused {
                sender_id: self.hub.me().clone(),
                target_id: peer.clone(),
                document_id: id,
                code: refusal.code().into(),
                message: refusal.to_string(),
            };
            self.apply(None, vec![Effect::Send(message)]);
        } else {
            self.close(peer, format!("change to {id} refused: {refusal}"));
        }
    }

    /// Carries out effects in order. If persisting fails, nothing after it is sent: the
    /// document is reloaded from the store and everyone syncing it is disconnected, so no one
    /// is told of a change the relay does not durably have.
    ///
    /// A message carrying a profile to someone other than its owner is held until its audit
    /// entry is written; anything else for that peer waits behind it, so each peer still gets
    /// its messages in order.
    fn apply(&mut self, origin: Option<&PeerId>, effects: Vec<Effect>) {
        let mut changed = Vec::new();
        for effect in effects {
            match effect {
                Effect::Persist { document, bytes } => {
                    if let Err(e) = self.store.append(&document, &bytes) {
                        tracing::error!(document = %document, error = %e, "cannot persist a change; dropping it");
                        self.recover(document, origin);
                        return;
                    }
                }
                Effect::Send(message) => {
                    let Some(target) = message.target_id().cloned() else {
                        continue;
                    };
                    if let Some(read) = self.audit_of(&message) {
                        self.held_since.get_or_insert_with(std::time::Instant::now);
                        self.holding_for.insert(target);
                        self.held.push((message, read));
                    } else if self.holding_for.contains(&target) {
                        self.held.push((message, None));
                    } else {
                        self.deliver(message);
                    }
                }
                Effect::Changed { document } => changed.push(document),
                Effect::Unavailable { .. } | Effect::Refused { .. } | Effect::Revoked { .. } => {}
            }
        }
        if !changed.is_empty() {
            self.changed(&changed);
        }
    }

    fn recover(&mut self, document: DocumentId, origin: Option<&PeerId>) {
        let stored = match self.store.load(&document) {
            Ok(bytes) => bytes.unwrap_or_default(),
            Err(e) => {
                tracing::error!(document = %document, error = %e, "cannot reload the document either");
                Vec::new()
            }
        };
        let mut affected = self.hub.reload(document, &stored).unwrap_or_default();
        if let Some(origin) = origin {
            affected.push(origin.clone());
        }
        for peer in affected {
            self.close(
                &peer,
                "the relay could not store the change; try again later".into(),
            );
        }
    }

    fn close(&mut self, peer: &PeerId, reason: String) {
        if let Some(outbox) = self.outboxes.get(peer) {
            // Past any bound: the reason goes last, after what is queued.
            let _ = outbox.sender.send(Outgoing::Close(reason));
        }
        self.drop_peer(peer);
    }

    /// Forgets a peer's connection: its sync states, parked changes and outbox (which ends the
    /// connection's writer), and records when the device was last heard from.
    fn drop_peer(&mut self, peer: &PeerId) {
        self.hub.disconnect(peer);
        self.outboxes.remove(peer);
        self.connections.remove(peer);
        let client = lock(&self.readers.clients).remove(peer);
        if let Some(at) = self.last_heard.remove(peer) {
            let _ = crate::peers::touch(&self.accounts, peer, at);
            if let Some(client) = client {
                let _ = crate::peers::touch_session(&self.accounts, &client.session, at);
            }
        }
    }
}

/// Binds an actor id to the writer on its first use, or refuses it if another user's
/// (`actors` caches what the accounts store says, saving a database write per change).
fn bind_actor(
    actors: &mut HashMap<ActorId, PersonId>,
    accounts: &Accounts,
    actor: &ActorId,
    who: &Principal,
) -> Result<(), Refusal> {
    if let Some(owner) = actors.get(actor) {
        return if *owner == who.person {
            Ok(())
        } else {
            Err(Refusal::ForeignActor)
        };
    }
    match accounts.bind_actor(actor.to_bytes(), &who.person) {
        Ok(true) => {
            actors.insert(actor.clone(), who.person.clone());
            Ok(())
        }
        Ok(false) => Err(Refusal::ForeignActor),
        Err(e) => {
            tracing::error!(error = %e, "cannot bind an actor id; refusing the change");
            Err(Refusal::Forbidden {
                path: String::new(),
            })
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_comes_with_its_first_document_and_goes_with_its_last() {
        let fact = Fact::SignedUp {
            person: "vera".parse().unwrap(),
            organisation: "haslev-fodbold".parse().unwrap(),
        };
        let (a, b) = (DocumentId::random(), DocumentId::random());
        let mut index = FactIndex::default();
        assert_eq!(index.update(a, vec![fact.clone()]), vec![fact.clone()]);
        assert!(index.holds(&fact));
        assert!(
            index.update(b, vec![fact.clone()]).is_empty(),
            "already true"
        );
        assert!(index.update(a, vec![fact.clone()]).is_empty(), "unchanged");
        assert!(
            index.update(a, Vec::new()).is_empty(),
            "b still makes it true"
        );
        assert!(index.holds(&fact));
        assert_eq!(index.update(b, Vec::new()), vec![fact.clone()]);
        assert!(!index.holds(&fact));
    }

    #[test]
    fn the_engine_is_behind_when_commands_pile_up_or_none_finish() {
        assert!(Health::at(0, 0, 1_000_000).is_ok(), "idle for long is fine");
        assert!(Health::at(10, 999_000, 1_000_000).is_ok());
        assert!(!Health::at(10, 990_000, 1_000_000).is_ok(), "stalled 10 s");
        assert!(!Health::at(HEALTH_MAX_QUEUED + 1, 1_000_000, 1_000_000).is_ok());
    }
}
