//! The engine: the one thread that owns the hub and the store and carries out the hub's
//! effects in order (persist before acknowledging, hold audited messages, fan out). Judging
//! is in [`super::judging`], the audit hold in [`super::audit_hold`], the read policy in
//! [`super::readers`]. Driven through [`Engine::command`], so it can be tested without
//! sockets or a thread.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use automerge::{ActorId, Automerge, ChangeHash};
use samskab_model::authz::{Path, ReadView, Refusal};
use samskab_model::kinds;
use samskab_model::kinds::task::TaskView;
use samskab_model::public_task::PublicTask;
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role, limits};
use samskab_model::task::TaskStatus;
use samskab_model::{DocumentId, PersonId, Task};
use tokio::sync::mpsc;

use super::health::Gauge;
use super::outbox::{Outbox, Outgoing};
use super::readers::Readers;
use super::{AUDIT_BATCH, AUDIT_WAIT, Command, ConnectionId, Export, lock};
use crate::accounts::Accounts;
use crate::audit::ProfileRead;
use crate::storage::{Store, StoreError};

pub(super) struct Engine {
    pub(super) hub: Hub,
    pub(super) store: Box<dyn Store>,
    pub(super) outboxes: HashMap<PeerId, Outbox>,
    /// The current connection of each connected peer id.
    pub(super) connections: HashMap<PeerId, ConnectionId>,
    pub(super) next_connection: ConnectionId,
    /// When the relay last received a message from each connected peer (ms).
    pub(super) last_heard: HashMap<PeerId, i64>,
    /// Bytes held of each document (stored saves plus appended changes).
    pub(super) sizes: HashMap<DocumentId, usize>,
    /// The ids the kinds derive from every account and organisation, refreshed now and then.
    pub(super) reserved_ids: HashSet<DocumentId>,
    pub(super) reserved_ids_at: Option<std::time::Instant>,
    /// While a judged sync message is received: its document, and what its changes wrote,
    /// for indexing only the facts they can have touched ([`Engine::changed`]).
    pub(super) judged_paths: Option<(DocumentId, Vec<Path>)>,
    pub(super) gauge: Arc<Gauge>,
    pub(super) readers: Arc<Readers>,
    pub(super) accounts: Arc<Accounts>,
    /// Actor ids known to be bound, and to whom (saves a database write per change).
    pub(super) actors: HashMap<ActorId, PersonId>,
    /// Actor ids first used in this burst, in [`Engine::actors`] and not yet written: they are
    /// bound in the accounts together, before the burst's changes are stored.
    pub(super) unbound: Vec<(ActorId, PersonId)>,
    /// Messages carrying profiles to readers other than their owners, held until their audit
    /// entries are committed (see [`crate::audit`]), in the order they are to be sent.
    pub(super) held: Vec<(Message, Option<ProfileRead>)>,
    /// The peers with held messages: anything else for them waits behind those.
    pub(super) holding_for: HashSet<PeerId>,
    /// When the oldest held message was held.
    pub(super) held_since: Option<std::time::Instant>,
    /// The open projection of each task by the heads it was made at: a task is hydrated for
    /// the public catalog only when it changed.
    pub(super) public: HashMap<DocumentId, (Vec<ChangeHash>, Option<PublicTask>)>,
    /// Erased documents and replaced histories, refused forever ([`super::erasure`]).
    pub(super) tombstones: super::erasure::Tombstones,
    /// Changes applied in this burst and not yet stored, with the peer that sent each: they
    /// are written in one transaction before anything of the burst is sent.
    pub(super) unstored: Vec<(DocumentId, Vec<u8>, Option<PeerId>)>,
    /// Messages that wait for [`Engine::unstored`] to be stored, in order.
    pub(super) unsent: Vec<Message>,
    /// How often at most a changed document is offered to every peer that syncs it (the
    /// writers themselves are answered at the end of each burst).
    pub(super) broadcast_every: std::time::Duration,
    /// When devices and sessions were last in contact, written at the end of each burst.
    pub(super) contacts: super::contacts::Contacts,
    /// When each recently changed document was last offered to every peer, and how long
    /// that took the engine.
    pub(super) last_broadcast: HashMap<DocumentId, (std::time::Instant, std::time::Duration)>,
    /// When the next held-back broadcast is due.
    pub(super) next_broadcast: Option<std::time::Instant>,
    /// Documents in a storm ([`super::STORM_QUIET`]) not offered to everyone since: when the
    /// first and the last burst that wrote to each at once ended.
    pub(super) storms: HashMap<DocumentId, (std::time::Instant, std::time::Instant)>,
}

/// How long after a broadcast that took `took` the document is offered to everyone again:
/// `every`, or longer for a document so many peers sync that offering it took long, so that
/// its offers (and the work they give every device, which in a storm of sign-ups is to take in
/// the whole document again) take at most about a quarter of the time while writes keep
/// coming. The writers are answered at every burst's end whatever this says.
pub(super) fn broadcast_pause(
    every: std::time::Duration,
    took: std::time::Duration,
) -> std::time::Duration {
    every.max(took * super::BROADCAST_SHARE)
}

fn as_task(doc: &Automerge) -> Option<Task> {
    // A document of another kind does not hydrate as a task (its `kind` says so).
    autosurgeon::hydrate(doc).ok()
}

impl Engine {
    /// The engine over `store`'s documents (those stored in many chunks compacted on the
    /// way), with its read policy and facts index built. Nothing runs until commands come.
    pub(super) fn load(
        mut store: Box<dyn Store>,
        accounts: Arc<Accounts>,
        gauge: Arc<Gauge>,
    ) -> Result<Self, StoreError> {
        let me: PeerId = crate::peers::RELAY_PEER
            .parse()
            .map_err(|_| StoreError::Engine("invalid relay peer id".into()))?;
        let mut hub = Hub::new(me, Role::Relay);
        hub.set_batching(true);
        let readers: Arc<Readers> = Arc::default();
        let policy = readers.clone();
        hub.set_read_policy(Box::new(move |peer, id, doc, heads| {
            // The locks in `Readers`' order: clients, then views, then facts.
            let clients = lock(&policy.clients);
            clients
                .get(peer)
                .is_some_and(|c| policy.may_read_at(&c.principal, id, doc, heads))
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
        for (id, doc) in hub.documents() {
            readers.index(id, doc, None);
        }
        tracing::info!(documents = count, "documents loaded");
        let tombstones = super::erasure::Tombstones::load(&accounts)?;
        Ok(Engine {
            tombstones,
            hub,
            store,
            outboxes: HashMap::new(),
            readers,
            accounts,
            actors: HashMap::new(),
            unbound: Vec::new(),
            held: Vec::new(),
            holding_for: HashSet::new(),
            held_since: None,
            public: HashMap::new(),
            sizes,
            connections: HashMap::new(),
            next_connection: 1,
            last_heard: HashMap::new(),
            reserved_ids: HashSet::new(),
            reserved_ids_at: None,
            judged_paths: None,
            gauge,
            unstored: Vec::new(),
            unsent: Vec::new(),
            broadcast_every: super::BROADCAST_EVERY,
            last_broadcast: HashMap::new(),
            next_broadcast: None,
            storms: HashMap::new(),
            contacts: super::contacts::Contacts::default(),
        })
    }

    pub(super) fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        // Only a timer, for the held-back broadcasts: waiting for a command with a deadline.
        let timer = match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(timer) => timer,
            Err(e) => {
                tracing::error!(error = %e, "the sync engine cannot start its timer");
                return;
            }
        };
        let mut burst = 0;
        loop {
            // The next command; `None` when the held-back broadcasts are due first.
            let next = match self.next_broadcast {
                None => Some(rx.blocking_recv()),
                // The timeout is made inside `block_on`: its timer needs the runtime.
                Some(due) => timer
                    .block_on(async { tokio::time::timeout_at(due.into(), rx.recv()).await })
                    .ok(),
            };
            match next {
                None => {
                    burst = 0;
                    self.end_burst();
                }
                Some(None) => {
                    self.contacts.write(&self.accounts);
                    break;
                }
                Some(Some(command)) => {
                    self.command(command);
                    self.gauge.done(self.accounts.now_ms());
                    // A burst ends when nothing else waits (or it is long): its changes are
                    // stored in one transaction, then its writers answered and changed
                    // documents offered.
                    burst += 1;
                    if rx.is_empty() || burst >= super::BURST_COMMANDS {
                        burst = 0;
                        self.end_burst();
                    }
                }
            }
            // Held profile messages go out in batches: when nothing else is waiting, when the
            // batch is full, or when the oldest has waited long enough. Checked after the
            // held-back broadcasts too: what they send may be held, and no command may come.
            let waited = self
                .held_since
                .is_some_and(|since| since.elapsed() >= AUDIT_WAIT);
            if !self.held.is_empty() && (rx.is_empty() || self.held.len() >= AUDIT_BATCH || waited)
            {
                self.flush_held();
            }
        }
    }

    pub(super) fn command(&mut self, command: Command) {
        // Reads see only stored changes, as before bursts were stored together. A connection
        // replacing another of the same peer id gets nothing generated for the old one.
        let store_first = match &command {
            Command::Receive { .. } | Command::Disconnect { .. } => false,
            Command::Connect { peer, .. } => self.outboxes.contains_key(peer),
            _ => true,
        };
        if store_first {
            self.store_unstored();
        }
        {
            match command {
                Command::Connect {
                    peer,
                    mut client,
                    outbox,
                    done,
                } => {
                    // Erasure hook: no connection for a person being erased.
                    if self.refuses_connect(&client.principal.person) {
                        let _ = done.send(Err("the account has been deleted".into()));
                        return;
                    }
                    let now = self.accounts.now_ms();
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
                            let contact = self.contacts.of_session(&self.accounts, &client.session);
                            client.last_contact = contact.unwrap_or(i64::MIN).max(session_start);
                            self.contacts.peer(&peer, now);
                            self.contacts.session(&client.session, now);
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
                    self.last_heard.insert(peer.clone(), self.accounts.now_ms());
                    let span = tracing::debug_span!("sync", peer = %peer, kind = message.kind(), document = ?message.document_id().map(|d| d.to_string()));
                    let _enter = span.enter();
                    tracing::debug!("received");
                    // Erasure hook: erased and rewritten documents are revoked at connect.
                    let mut message = self.drop_stale_catalog_entries(&peer, message);
                    if self.revoke_stale_sync(&peer, &message) {
                        return;
                    }
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
                            self.judged_paths = None; // the message is not taken in
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
                    self.judged_paths = None;
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
                Command::Read(read) => read(&self.hub),
                Command::Erase { subject, reply } => {
                    let _ = reply.send(self.erase_documents(&subject).map_err(|e| e.to_string()));
                }
                Command::Write { id, edit, done } => {
                    let _ = done.send(self.write(id, edit));
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

    /// A change the relay makes itself ([`Command::Write`]).
    pub(super) fn write(
        &mut self,
        id: DocumentId,
        edit: Box<dyn FnOnce(&mut Automerge) + Send>,
    ) -> Result<bool, String> {
        if self.tombstones.erased.contains(&id) {
            return Err(Refusal::Erased.to_string());
        }
        let ((), effects) = self.hub.change(id, edit);
        let mut persisted = 0;
        for effect in &effects {
            if let Effect::Persist { bytes, .. } = effect {
                persisted += bytes.len();
            }
        }
        if persisted == 0 {
            return Ok(false);
        }
        *self.sizes.entry(id).or_insert(0) += persisted;
        self.apply(None, effects);
        // Stored now, not at the end of the burst: the caller is told it is done only once
        // it is durable (and the offers queued behind it go out).
        self.store_unstored();
        if self.hub.document(&id).is_none() {
            return Err("the relay could not store the change".into());
        }
        self.changed(&[id]);
        Ok(true)
    }

    /// The end of a burst of commands: stores what it changed (one transaction), sends what
    /// waited for that, answers each peer that sent something, and offers the documents that
    /// changed to everyone syncing them (each at most every [`Engine::broadcast_every`]).
    pub(super) fn end_burst(&mut self) {
        // Where two or more peers wrote to a document, each writer that lacks the others'
        // writes is first told, alone, that the relay holds its heads (sent once the burst is
        // stored, like everything below).
        let effects = self.hub.acknowledge();
        self.apply(None, effects);
        let ended = std::time::Instant::now();
        for id in self.hub.written_at_once() {
            self.storms.entry(*id).or_insert((ended, ended)).1 = ended;
        }
        // Many concurrent heads (a storm of sign-ups) are folded into one before they are
        // stored and offered: every later message names one head instead of all of them.
        for id in self.hub.changed_documents() {
            let effects = self
                .hub
                .merge_heads(id, samskab_model::sync::MERGE_HEADS_AT);
            self.apply(None, effects);
        }
        self.store_unstored();
        let effects = self.hub.answer();
        self.apply(None, effects);
        let now = std::time::Instant::now();
        self.next_broadcast = None;
        for id in self.hub.changed_documents() {
            let throttled = self.last_broadcast.get(&id).map_or(now, |(at, took)| {
                *at + broadcast_pause(self.broadcast_every, *took)
            });
            let due = self.storms.get(&id).map_or(throttled, |(first, last)| {
                throttled.max((*last + super::STORM_QUIET).min(*first + super::STORM_WAIT))
            });
            if due <= now {
                let started = std::time::Instant::now();
                let effects = self.hub.broadcast(id);
                self.apply(None, effects);
                self.last_broadcast.insert(id, (now, started.elapsed()));
                self.storms.remove(&id);
            } else {
                self.next_broadcast = Some(self.next_broadcast.map_or(due, |n| n.min(due)));
            }
        }
        // A storm's offer is due at most `STORM_WAIT` after it began (later only if throttled):
        // an entry older than twice that is for a document no longer changing.
        self.storms
            .retain(|_, (first, _)| now.duration_since(*first) < super::STORM_WAIT * 2);
        if self.last_broadcast.len() > 4096 {
            let every = self.broadcast_every;
            self.last_broadcast
                .retain(|_, (at, took)| now.duration_since(*at) < broadcast_pause(every, *took));
        }
        // Offers generate no changes, but stay in order behind anything still unstored.
        self.store_unstored();
        self.contacts.write(&self.accounts);
    }

    /// Writes the burst's changes in one transaction, then delivers what waited for them. If
    /// the write fails, each document is reloaded from the store and everyone syncing it is
    /// disconnected (no one is told of a change the relay does not durably have); what waited
    /// about other documents still goes.
    pub(super) fn store_unstored(&mut self) {
        let bound = self.bind_new_actors();
        if self.unstored.is_empty() {
            return;
        }
        let unstored = std::mem::take(&mut self.unstored);
        let unsent = std::mem::take(&mut self.unsent);
        let chunks: Vec<(DocumentId, Vec<u8>)> = unstored
            .iter()
            .map(|(id, bytes, _)| (*id, bytes.clone()))
            .collect();
        let mut lost = HashSet::new();
        let stored = if bound {
            self.store.append_all(&chunks).map_err(|e| e.to_string())
        } else {
            Err("an actor id of the burst could not be bound".to_owned())
        };
        if let Err(e) = stored {
            tracing::error!(error = %e, changes = chunks.len(), "cannot persist changes; dropping them");
            for (id, _, origin) in &unstored {
                if lost.insert(*id) {
                    self.recover(*id, origin.as_ref());
                } else if let Some(origin) = origin {
                    self.close(
                        origin,
                        "the relay could not store the change; try again later".into(),
                    );
                }
            }
        }
        for message in unsent {
            if message.document_id().is_some_and(|id| lost.contains(&id)) {
                continue;
            }
            self.send_now(message);
        }
    }

    /// Writes the actor ids first used in this burst to the accounts, in one transaction (one
    /// fsync, where each used to take its own: a storm of sign-ups is a new actor each),
    /// before the burst's changes are stored, so no change is stored before its actor's
    /// binding. False if the write failed or an actor turned out to be someone else's
    /// (another relay on the same file bound it meanwhile): those leave the cache, and the
    /// burst's changes are dropped as on any failed write.
    fn bind_new_actors(&mut self) -> bool {
        if self.unbound.is_empty() {
            return true;
        }
        let unbound = std::mem::take(&mut self.unbound);
        let pairs: Vec<(Vec<u8>, PersonId)> = unbound
            .iter()
            .map(|(actor, person)| (actor.to_bytes().to_vec(), person.clone()))
            .collect();
        let bound = self.accounts.bind_actors(&pairs).unwrap_or_else(|e| {
            tracing::error!(error = %e, actors = pairs.len(), "cannot bind actor ids");
            vec![false; pairs.len()]
        });
        let mut all = true;
        for ((actor, _), ours) in unbound.iter().zip(bound) {
            if !ours {
                self.actors.remove(actor);
                all = false;
            }
        }
        all
    }

    /// Every task that is not a draft, as [`PublicTask`]s (names empty), from the cache where
    /// the task has not changed. Only documents whose read view is a task are hydrated.
    pub(super) fn public_tasks(&mut self) -> Vec<PublicTask> {
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

    pub(super) fn export(&self, person: &PersonId) -> Export {
        let views: Vec<(DocumentId, &Automerge, ReadView)> = self
            .hub
            .documents()
            .filter_map(|(id, doc)| Some((*id, doc, self.readers.view(id, doc)?)))
            .collect();
        kinds::export(person, views.iter().map(|(id, doc, view)| (id, *doc, view)))
    }

    /// After documents changed: the facts they make true may change who may read other
    /// documents (a task's sign-ups, the profiles whose consent is "my organisations"), so the
    /// documents that watch a fact that came or went are re-evaluated for every follower.
    ///
    /// A document changed by the message being received is indexed from what its judged
    /// changes wrote ([`Engine::judged_paths`]): a sign-up re-reads one volunteer's facts, not
    /// the whole roster.
    pub(super) fn changed(&mut self, documents: &[DocumentId]) {
        let mut touched = Vec::new();
        for id in documents {
            let Some(doc) = self.hub.document(id) else {
                continue;
            };
            let paths = self
                .judged_paths
                .as_ref()
                .filter(|(judged, _)| judged == id)
                .map(|(_, paths)| paths.as_slice());
            touched.extend(self.readers.index(id, doc, paths));
        }
        self.reevaluate_dependents(&touched);
    }

    /// Asks again who may read each document whose readers depend on a fact that came or
    /// went (a profile on its owner's sign-ups, a meeting on its groups' members, a person's
    /// needs on the meeting's hosts).
    pub(super) fn reevaluate_dependents(&mut self, touched: &[kinds::Fact]) {
        let dependents = lock(&self.readers.facts).dependents(touched);
        for id in dependents {
            let effects = self.hub.reevaluate(id);
            self.apply(None, effects);
        }
    }

    pub(super) fn deliver(&mut self, message: Message) {
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

    /// Carries out effects in order. If persisting fails, nothing after it is sent: the
    /// document is reloaded from the store and everyone syncing it is disconnected, so no one
    /// is told of a change the relay does not durably have.
    ///
    /// A message carrying a profile to someone other than its owner is held until its audit
    /// entry is written; anything else for that peer waits behind it, so each peer still gets
    /// its messages in order.
    pub(super) fn apply(&mut self, origin: Option<&PeerId>, effects: Vec<Effect>) {
        let mut changed = Vec::new();
        for effect in effects {
            match effect {
                // Stored at the end of the burst, before anything sent after it.
                Effect::Persist { document, bytes } => {
                    self.unstored.push((document, bytes, origin.cloned()));
                }
                Effect::Send(message) if !self.unstored.is_empty() => self.unsent.push(message),
                Effect::Send(message) => self.send_now(message),
                Effect::Changed { document } => changed.push(document),
                Effect::Unavailable { .. } | Effect::Refused { .. } | Effect::Revoked { .. } => {}
            }
        }
        if !changed.is_empty() {
            self.changed(&changed);
        }
    }

    /// Sends a message whose changes are stored: at once, or held behind an audit entry.
    fn send_now(&mut self, message: Message) {
        let Some(target) = message.target_id().cloned() else {
            return;
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

    pub(super) fn recover(&mut self, document: DocumentId, origin: Option<&PeerId>) {
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

    pub(super) fn close(&mut self, peer: &PeerId, reason: String) {
        if let Some(outbox) = self.outboxes.get(peer) {
            // Past any bound: the reason goes last, after what is queued.
            let _ = outbox.sender.send(Outgoing::Close(reason));
        }
        self.drop_peer(peer);
    }

    /// Forgets a peer's connection: its sync states, parked changes, held messages and outbox
    /// (which ends the connection's writer), and records when the device was last heard from.
    /// Held messages go too: they were made for this connection's sync states, and a device
    /// reconnecting under the same peer id before the hold is flushed must not get them on
    /// its new connection (nothing read, nothing to audit).
    pub(super) fn drop_peer(&mut self, peer: &PeerId) {
        self.hub.disconnect(peer);
        self.held.retain(|(m, _)| m.target_id() != Some(peer));
        self.holding_for.remove(peer);
        if self.held.is_empty() {
            self.held_since = None;
        }
        self.outboxes.remove(peer);
        self.connections.remove(peer);
        let client = lock(&self.readers.clients).remove(peer);
        if let Some(at) = self.last_heard.remove(peer) {
            self.contacts.peer(peer, at);
            if let Some(client) = client {
                self.contacts.session(&client.session, at);
            }
        }
    }
}
