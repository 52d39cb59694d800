//! The relay's sync engine: one thread that owns the shared [`Hub`] and the [`Store`], and
//! carries out the hub's effects in order. Connections talk to it through a channel.
//!
//! One owner, no locks: every message from every connection is processed in arrival order, and
//! a change is appended to the store (fsynced) before the messages that acknowledge it are
//! handed to the connections. A dedicated thread rather than a tokio task, because SQLite
//! calls block and must not stall the async runtime.

use std::collections::HashMap;
use std::thread;

use samskab_model::DocumentId;
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role};
use tokio::sync::{mpsc, oneshot};

use crate::storage::{Store, StoreError};

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
        reply: oneshot::Sender<Vec<(DocumentId, Vec<String>)>>,
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
        })
    }
}

impl SyncEngine {
    /// Loads every stored document and starts the engine thread. Documents stored in many
    /// chunks are compacted into one save on the way.
    pub fn start(mut store: Box<dyn Store>) -> Result<Self, StoreError> {
        let me: PeerId = "samskab-relay"
            .parse()
            .map_err(|_| StoreError::Engine("invalid relay peer id".into()))?;
        let mut hub = Hub::new(me.clone(), Role::Relay);
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
        outbox: mpsc::UnboundedSender<Outgoing>,
    ) -> Result<(), String> {
        let (done, result) = oneshot::channel();
        self.send(Command::Connect { peer, outbox, done });
        result
            .await
            .unwrap_or_else(|_| Err("the sync engine stopped".into()))
    }

    pub fn disconnect(&self, peer: PeerId) {
        self.send(Command::Disconnect { peer });
    }

    pub fn receive(&self, peer: PeerId, message: Message) {
        self.send(Command::Receive { peer, message });
    }

    /// Every document with its heads (hex change hashes).
    pub async fn catalog(&self) -> Vec<(DocumentId, Vec<String>)> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Catalog { reply });
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
}

impl Engine {
    fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        while let Some(command) = rx.blocking_recv() {
            match command {
                Command::Connect { peer, outbox, done } => {
                    let result = if self.outboxes.contains_key(&peer) {
                        Err(format!("peer id {peer} is already connected"))
                    } else {
                        self.outboxes.insert(peer.clone(), outbox);
                        let effects = self.hub.connect(peer);
                        self.apply(None, effects);
                        Ok(())
                    };
                    let _ = done.send(result);
                }
                Command::Disconnect { peer } => {
                    self.hub.disconnect(&peer);
                    self.outboxes.remove(&peer);
                }
                Command::Receive { peer, message } => {
                    let span = tracing::debug_span!("sync", peer = %peer, kind = message.kind(), document = ?message.document_id().map(|d| d.to_string()));
                    let _enter = span.enter();
                    tracing::debug!("received");
                    match self.hub.receive(&peer, message) {
                        Ok(effects) => self.apply(Some(&peer), effects),
                        Err(e) => {
                            tracing::warn!(error = %e, "refused message; closing connection");
                            self.close(&peer, e.to_string());
                        }
                    }
                }
                Command::Catalog { reply } => {
                    let catalog = self
                        .hub
                        .documents()
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
                Effect::Changed { .. } | Effect::Unavailable { .. } => {}
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
