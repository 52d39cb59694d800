//! The relay's sync engine: one thread that owns the shared [`Hub`] and the [`Store`], and
//! carries out the hub's effects in order. Connections talk to it through a channel.
//!
//! One owner, no locks: every message from every connection is processed in arrival order, and
//! a change is appended to the store (fsynced) before the messages that acknowledge it are
//! handed to the connections. A dedicated thread rather than a tokio task, because SQLite
//! calls block and must not stall the async runtime.
//!
//! By concern:
//! - this file: the handle ([`SyncEngine`]) and the commands connections and the HTTP API send;
//! - [`engine`]: the engine itself, carrying out the hub's effects (IO only through the
//!   [`Store`] and [`Accounts`] it is given, so tests drive it without sockets);
//! - [`judging`]: judging incoming changes (the rules are the kinds', in `model`);
//! - [`readers`]: the read policy; [`facts`]: the facts index the kinds' read rules consult;
//! - [`audit_hold`]: audited messages wait for their audit entry;
//! - [`contacts`]: when devices and sessions were last in contact, written once per burst;
//! - [`erasure`]: erasure and retention in the documents, and the tombstones;
//! - [`outbox`]: each connection's bounded queue; [`health`]: how far behind the engine is.
//!
//! Nothing here names a kind of document except the open task bank (`public_tasks`), which
//! is a projection of tasks by nature.

mod audit_hold;
mod contacts;
mod engine;
pub mod erasure;
mod facts;
mod health;
mod judging;
mod outbox;
mod readers;

use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use samskab_model::authz::Principal;
use samskab_model::clock::Clock;
pub use samskab_model::judge::{Incoming, Trial, Verdict, Writer, admit, judge};
use samskab_model::kinds::{self, DocumentKind};
use samskab_model::public_task::PublicTask;
use samskab_model::sync::{Hub, Message, PeerId};
use samskab_model::{DocumentId, PersonId, Task};
use tokio::sync::{mpsc, oneshot};

use crate::accounts::Accounts;
use crate::storage::{Store, StoreError};
use engine::Engine;
pub use facts::FactIndex;
use health::Gauge;
pub use health::{HEALTH_MAX_QUEUED, HEALTH_MAX_STALL_MS, Health};
pub use outbox::{Outbox, Outgoing, weight, written};

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

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) enum Command {
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
    /// Runs a read of the documents on the engine thread (see [`SyncEngine::documents`]).
    Read(Box<dyn FnOnce(&Hub) + Send>),
    /// Writes a person (or, for retention, everyone before a cut-off) out of every document
    /// ([`erasure`]).
    Erase {
        subject: erasure::Subject,
        reply: oneshot::Sender<Result<erasure::DocumentErasure, String>>,
    },
    /// A change the relay makes itself (a notice in an inbox): persisted, then offered to
    /// every follower of the document, as a device's change would be. Refused for an erased
    /// document.
    Write {
        id: DocumentId,
        edit: Box<dyn FnOnce(&mut automerge::Automerge) + Send>,
        done: oneshot::Sender<Result<bool, String>>,
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
    clock: Arc<dyn Clock>,
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
            Command::Read(_) => "Read",
            Command::Erase { .. } => "Erase",
            Command::Write { .. } => "Write",
        })
    }
}

impl SyncEngine {
    /// Loads every stored document and starts the engine thread. Documents stored in many
    /// chunks are compacted into one save on the way.
    pub fn start(store: Box<dyn Store>, accounts: Arc<Accounts>) -> Result<Self, StoreError> {
        let clock = accounts.clock();
        match crate::peers::prune(&accounts, accounts.now_ms()) {
            Ok(forgotten) => tracing::info!(forgotten, "old device bindings forgotten"),
            Err(e) => tracing::warn!(error = %e, "cannot forget old device bindings"),
        }
        let gauge = Arc::new(Gauge::new(accounts.now_ms()));
        let engine = Engine::load(store, accounts, gauge.clone())?;
        let me = engine.hub.me().clone();
        let (commands, rx) = mpsc::unbounded_channel();
        thread::Builder::new()
            .name("sync-engine".into())
            .spawn(move || engine.run(rx))
            .map_err(|e| StoreError::Engine(e.to_string()))?;
        Ok(Self {
            commands,
            me,
            gauge,
            clock,
        })
    }

    /// How far behind the engine is.
    pub fn health(&self) -> Health {
        self.gauge.health(self.clock.now().millis())
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

    /// Every document of kind `K` the relay holds, hydrated (those that do not hydrate are
    /// left out), in no particular order.
    pub async fn documents<K: DocumentKind>(&self) -> Vec<(DocumentId, K::Doc)>
    where
        K::Doc: Send,
    {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Read(Box::new(move |hub: &Hub| {
            let found = hub
                .documents()
                .filter(|(_, doc)| kinds::Kind::of(doc) == kinds::Kind::of_kind::<K>())
                .filter_map(|(id, doc)| Some((*id, autosurgeon::hydrate(doc).ok()?)))
                .collect();
            let _ = reply.send(found);
        })));
        rx.await.unwrap_or_default()
    }

    /// Makes a change to document `id` here, at the relay (see [`Command::Write`]); whether
    /// anything changed.
    pub async fn write(
        &self,
        id: DocumentId,
        edit: impl FnOnce(&mut automerge::Automerge) + Send + 'static,
    ) -> Result<bool, String> {
        let (done, rx) = oneshot::channel();
        self.send(Command::Write {
            id,
            edit: Box::new(edit),
            done,
        });
        rx.await
            .unwrap_or_else(|_| Err("the sync engine stopped".into()))
    }

    /// Runs `read` on the engine thread, with the documents as they are now, and returns what
    /// it returns.
    pub async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Hub) -> T + Send + 'static,
    ) -> Option<T> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Read(Box::new(move |hub: &Hub| {
            let _ = reply.send(read(hub));
        })));
        rx.await.ok()
    }

    /// Writes `subject` out of every document (see [`erasure`]); what went.
    pub async fn erase(
        &self,
        subject: erasure::Subject,
    ) -> Result<erasure::DocumentErasure, String> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Erase { subject, reply });
        rx.await
            .unwrap_or_else(|_| Err("the sync engine stopped".into()))
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
        self.gauge.sent(self.clock.now().millis());
        if self.commands.send(command).is_err() {
            self.gauge.not_taken();
            tracing::error!("the sync engine has stopped");
        }
    }
}

/// What the documents hold about one person ("Hent mine data"): one key per kind that
/// exports something (`profile`, `signups`), as each kind says ([`kinds::export`]).
pub type Export = serde_json::Map<String, serde_json::Value>;

/// How long the reserved ids are used before the accounts are read again.
pub(super) const RESERVED_IDS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// How often at most a changed document is offered to every peer syncing it; the writers
/// themselves are answered at the end of every burst. The JS sync server throttles the same
/// way (about 100 ms).
pub(super) const BROADCAST_EVERY: std::time::Duration = std::time::Duration::from_millis(50);
/// A document's next broadcast waits at least this many times as long as its last one took
/// (see `engine::broadcast_pause`).
pub(super) const BROADCAST_SHARE: u32 = 3;
/// A document two or more devices wrote to in one burst (a storm of sign-ups) is offered to
/// everyone once writes to it have paused this long, or at most [`STORM_WAIT`] after the first
/// of them: offered earlier, every device whose sign-up was still on its way was told of the
/// others' first, answered, and was sent the task before its own acknowledgement.
pub(super) const STORM_QUIET: std::time::Duration = std::time::Duration::from_millis(25);
/// See [`STORM_QUIET`].
pub(super) const STORM_WAIT: std::time::Duration = std::time::Duration::from_millis(200);
/// Commands taken in before a burst ends even if more wait (its changes are then stored and
/// answered).
pub(super) const BURST_COMMANDS: usize = 512;

/// How many held profile messages the engine batches into one audit transaction at most.
pub(super) const AUDIT_BATCH: usize = 256;
/// How long a held profile message waits for its batch at most while the engine is busy.
pub(super) const AUDIT_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

#[cfg(test)]
mod tests;
