//! The relay's sync engine: one thread that owns the shared [`Hub`] and the [`Store`], and
//! carries out the hub's effects in order. Connections talk to it through a channel.
//!
//! One owner, no locks: every message from every connection is processed in arrival order, and
//! a change is appended to the store (fsynced) before the messages that acknowledge it are
//! handed to the connections. A dedicated thread rather than a tokio task, because SQLite
//! calls block and must not stall the async runtime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

use automerge::{ActorId, Automerge};
use samskab_model::authz::{self, Principal, Refusal};
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role};
use samskab_model::{DocumentId, Task};
use tokio::sync::{mpsc, oneshot};

use crate::accounts::Accounts;
use crate::storage::{Store, StoreError};

/// A task's organisation and status: what reading it depends on.
type ReadView = (samskab_model::OrganisationId, samskab_model::TaskStatus);

/// Who is behind each connected peer, shared with the hub's read policy.
type Principals = Arc<Mutex<HashMap<PeerId, Principal>>>;

fn lock(principals: &Principals) -> std::sync::MutexGuard<'_, HashMap<PeerId, Principal>> {
    principals
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
        principal: Principal,
        /// SHA-256 of the session token the connection was opened with.
        session: Vec<u8>,
        outbox: mpsc::UnboundedSender<Outgoing>,
        done: oneshot::Sender<Result<(), String>>,
    },
    Disconnect {
        peer: PeerId,
    },
    Receive {
        peer: PeerId,
        message: Message,
    },
    Catalog {
        reader: Principal,
        reply: oneshot::Sender<Vec<(DocumentId, Vec<String>)>>,
    },
    /// Close the connections opened with this session, or with any session of this user.
    EndSessions {
        session: Option<Vec<u8>>,
        user: Option<samskab_model::PersonId>,
    },
    Seed {
        id: DocumentId,
        bytes: Vec<u8>,
        done: oneshot::Sender<Result<bool, String>>,
    },
}

/// A handle to the engine; cheap to clone.
#[derive(Debug, Clone)]
pub struct SyncEngine {
    commands: mpsc::UnboundedSender<Command>,
    me: PeerId,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Connect { .. } => "Connect",
            Command::Disconnect { .. } => "Disconnect",
            Command::Receive { .. } => "Receive",
            Command::Catalog { .. } => "Catalog",
            Command::Seed { .. } => "Seed",
            Command::EndSessions { .. } => "EndSessions",
        })
    }
}

impl SyncEngine {
    /// Loads every stored document and starts the engine thread. Documents stored in many
    /// chunks are compacted into one save on the way.
    pub fn start(mut store: Box<dyn Store>, accounts: Arc<Accounts>) -> Result<Self, StoreError> {
        let me: PeerId = "samskab-relay"
            .parse()
            .map_err(|_| StoreError::Engine("invalid relay peer id".into()))?;
        let mut hub = Hub::new(me.clone(), Role::Relay);
        let principals: Principals = Arc::default();
        let readers = principals.clone();
        // What reading depends on (organisation and status), cached by heads: a catalog of a
        // thousand documents must not read a thousand documents each time.
        let views: Mutex<HashMap<DocumentId, (Vec<automerge::ChangeHash>, Option<ReadView>)>> =
            Mutex::default();
        hub.set_read_policy(Box::new(move |peer, id, doc| {
            let principals = lock(&readers);
            let Some(who) = principals.get(peer) else {
                return false;
            };
            let mut views = views
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let heads = doc.get_heads();
            let entry = views.entry(*id).or_insert_with(|| (Vec::new(), None));
            if entry.0 != heads {
                *entry = (heads, authz::read_view(doc));
            }
            entry
                .1
                .as_ref()
                .is_some_and(|view| authz::may_read(who, view))
        }));
        let docs = store.load_all()?;
        let count = docs.len();
        for stored in docs {
            if let Err(e) = hub.load(stored.id, &stored.bytes) {
                // A document that does not load is kept in the store untouched for inspection
                // and left out of sync, rather than stopping the relay for everyone.
                tracing::error!(document = %stored.id, error = %e, "stored document does not load; skipped");
                continue;
            }
            if stored.chunks > 16
                && let Some(doc) = hub.document(&stored.id)
            {
                store.compact(&stored.id, &doc.save())?;
            }
        }
        tracing::info!(documents = count, "documents loaded");
        let (commands, rx) = mpsc::unbounded_channel();
        thread::Builder::new()
            .name("sync-engine".into())
            .spawn(move || {
                Engine {
                    hub,
                    store,
                    outboxes: HashMap::new(),
                    principals,
                    accounts,
                    actors: HashMap::new(),
                    sessions: HashMap::new(),
                }
                .run(rx)
            })
            .map_err(|e| StoreError::Engine(e.to_string()))?;
        Ok(Self { commands, me })
    }

    pub fn me(&self) -> &PeerId {
        &self.me
    }

    /// Registers a connection's peer. Fails if that peer id is already connected.
    pub async fn connect(
        &self,
        peer: PeerId,
        principal: Principal,
        session: Vec<u8>,
        outbox: mpsc::UnboundedSender<Outgoing>,
    ) -> Result<(), String> {
        let (done, result) = oneshot::channel();
        self.send(Command::Connect {
            peer,
            principal,
            session,
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
    pub fn end_user_sessions(&self, user: samskab_model::PersonId) {
        self.send(Command::EndSessions {
            session: None,
            user: Some(user),
        });
    }

    pub fn disconnect(&self, peer: PeerId) {
        self.send(Command::Disconnect { peer });
    }

    pub fn receive(&self, peer: PeerId, message: Message) {
        self.send(Command::Receive { peer, message });
    }

    /// Every document `reader` may read, with its heads (hex change hashes).
    pub async fn catalog(&self, reader: Principal) -> Vec<(DocumentId, Vec<String>)> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Catalog { reader, reply });
        rx.await.unwrap_or_default()
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
        if self.commands.send(command).is_err() {
            tracing::error!("the sync engine has stopped");
        }
    }
}

struct Engine {
    hub: Hub,
    store: Box<dyn Store>,
    outboxes: HashMap<PeerId, mpsc::UnboundedSender<Outgoing>>,
    principals: Principals,
    accounts: Arc<Accounts>,
    /// Actor ids known to be bound, and to whom (saves a database write per change).
    actors: HashMap<ActorId, samskab_model::PersonId>,
    /// The session each connection was opened with.
    sessions: HashMap<PeerId, Vec<u8>>,
}

impl Engine {
    fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(command) = rx.blocking_recv() {
            match command {
                Command::Connect {
                    peer,
                    principal,
                    session,
                    outbox,
                    done,
                } => {
                    let result = if self.outboxes.contains_key(&peer) {
                        Err(format!("peer id {peer} is already connected"))
                    } else {
                        self.outboxes.insert(peer.clone(), outbox);
                        self.sessions.insert(peer.clone(), session);
                        lock(&self.principals).insert(peer.clone(), principal);
                        let effects = self.hub.connect(peer);
                        self.apply(None, effects);
                        Ok(())
                    };
                    let _ = done.send(result);
                }
                Command::Disconnect { peer } => {
                    self.hub.disconnect(&peer);
                    self.outboxes.remove(&peer);
                    self.sessions.remove(&peer);
                    lock(&self.principals).remove(&peer);
                }
                Command::EndSessions { session, user } => {
                    let ended: Vec<PeerId> = {
                        let principals = lock(&self.principals);
                        self.sessions
                            .iter()
                            .filter(|(peer, s)| {
                                session.as_ref() == Some(*s)
                                    || user.as_ref().is_some_and(|u| {
                                        principals.get(*peer).is_some_and(|p| p.person == *u)
                                    })
                            })
                            .map(|(peer, _)| peer.clone())
                            .collect()
                    };
                    for peer in ended {
                        self.close(&peer, "the session has ended; log in again".into());
                    }
                }
                Command::Receive { peer, message } => {
                    let span = tracing::debug_span!("sync", peer = %peer, kind = message.kind(), document = ?message.document_id().map(|d| d.to_string()));
                    let _enter = span.enter();
                    tracing::debug!("received");
                    if let Message::Sync {
                        document_id, data, ..
                    }
                    | Message::Request {
                        document_id, data, ..
                    } = &message
                        && let Err(refusal) = self.authorize(&peer, *document_id, data)
                    {
                        self.refuse(&peer, *document_id, &refusal);
                        continue;
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
                        .filter(|(_, doc)| {
                            autosurgeon::hydrate::<_, Task>(*doc)
                                .is_ok_and(|task| authz::may_read_task(&reader, &task))
                        })
                        .map(|(id, doc)| {
                            (*id, doc.get_heads().iter().map(|h| h.to_string()).collect())
                        })
                        .collect();
                    let _ = reply.send(catalog);
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
                    let _ = done.send(result);
                }
            }
        }
    }

    /// Judges the changes a sync message carries before the hub applies any of them: each new
    /// change's actor must be the sender's own, and the paths it wrote must be the sender's to
    /// write (`model::authz`). The message is tried on a copy of the document; nothing is
    /// applied, stored or forwarded unless every change passes. Messages that do not decode
    /// pass through, and the hub reports them.
    fn authorize(&mut self, peer: &PeerId, id: DocumentId, data: &[u8]) -> Result<(), Refusal> {
        let Ok(message) = automerge::sync::Message::decode(data) else {
            return Ok(());
        };
        if message.changes.is_empty() {
            return Ok(());
        }
        let Some(who) = lock(&self.principals).get(peer).cloned() else {
            return Err(Refusal::Forbidden {
                path: String::new(),
            });
        };
        let base = self.hub.document(&id).cloned().unwrap_or_default();
        judge(base, message, &who, now_ms(), |actor| {
            self.bind_actor(actor, &who)
        })
    }

    fn bind_actor(&mut self, actor: &ActorId, who: &Principal) -> Result<(), Refusal> {
        if let Some(owner) = self.actors.get(actor) {
            return if *owner == who.person {
                Ok(())
            } else {
                Err(Refusal::ForeignActor)
            };
        }
        match self.accounts.bind_actor(actor.to_bytes(), &who.person) {
            Ok(true) => {
                self.actors.insert(actor.clone(), who.person.clone());
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

    /// A refused change is dropped. A Samskab client is told which document and why (it
    /// resets that document to the relay's version); a stock client gets `error` and is
    /// disconnected.
    fn refuse(&mut self, peer: &PeerId, id: DocumentId, refusal: &Refusal) {
        tracing::warn!(document = %id, code = refusal.code(), reason = %refusal, "refused a change");
        self.hub.forget(peer, &id);
        if self.hub.is_follower(peer) {
            if let Some(outbox) = self.outboxes.get(peer) {
                let _ = outbox.send(Outgoing::Message(Message::ChangeRefused {
                    sender_id: self.hub.me().clone(),
                    target_id: peer.clone(),
                    document_id: id,
                    code: refusal.code().into(),
                    message: refusal.to_string(),
                }));
            }
        } else {
            self.close(peer, format!("change to {id} refused: {refusal}"));
        }
    }

    /// Carries out effects in order. If persisting fails, nothing after it is sent: the
    /// document is reloaded from the store and everyone syncing it is disconnected, so no one
    /// is told of a change the relay does not durably have.
    fn apply(&mut self, origin: Option<&PeerId>, effects: Vec<Effect>) {
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
                    if let Some(outbox) = self.outboxes.get(&target) {
                        tracing::debug!(to = %target, kind = message.kind(), "sending");
                        let _ = outbox.send(Outgoing::Message(message));
                    }
                }
                Effect::Changed { .. } | Effect::Unavailable { .. } | Effect::Refused { .. } => {}
            }
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
        self.hub.disconnect(peer);
        if let Some(outbox) = self.outboxes.remove(peer) {
            let _ = outbox.send(Outgoing::Close(reason));
        }
    }
}

/// Judges the changes a sync message would add to `base` (the relay's copy, or an empty
/// document), written by `who` at `now`. `bind` binds each change's actor id to the writer (or
/// refuses). Pure apart from `bind`; the engine calls it for every incoming sync message that
/// carries changes, and the benchmark measures it.
pub fn judge(
    base: Automerge,
    message: automerge::sync::Message,
    who: &Principal,
    now: i64,
    mut bind: impl FnMut(&ActorId) -> Result<(), Refusal>,
) -> Result<(), Refusal> {
    use automerge::sync::SyncDoc;
    let base_heads = base.get_heads();
    let before = if base_heads.is_empty() {
        None
    } else {
        let task: Task = autosurgeon::hydrate(&base).map_err(|_| Refusal::NotATask)?;
        if !authz::may_read_task(who, &task) {
            // The hub answers as for a document that does not exist.
            return Ok(());
        }
        Some(task)
    };
    let mut trial = base;
    if trial
        .receive_sync_message(&mut automerge::sync::State::new(), message)
        .is_err()
    {
        return Ok(());
    }
    let changes = trial.get_changes(&base_heads);
    if changes.is_empty() {
        return Ok(());
    }
    let mut paths = Vec::new();
    for change in &changes {
        bind(change.actor_id())?;
        paths.extend(authz::change_paths(&trial, change.deps(), change.hash()));
    }
    let after: Task = autosurgeon::hydrate(&trial).map_err(|_| Refusal::NotATask)?;
    authz::check_task_write(who, before.as_ref(), &after, &paths, now)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
