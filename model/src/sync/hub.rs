//! The sans-IO heart of sync: a set of documents and, per connected peer and document, an
//! automerge sync state. It takes events (a peer connected, a message arrived, a local change)
//! and returns [`Effect`]s (send this, persist that) for its driver to carry out in order.
//!
//! The relay drives one hub for all its connections; the client drives one with the relay as
//! its only peer. Neither does any sync logic of its own, and tests drive hubs through a
//! simulated network with no sockets and no sleeps.
//!
//! Ordering matters: when a received message changes a document, the hub emits
//! [`Effect::Persist`] before any [`Effect::Send`], so a driver that performs effects in order
//! acknowledges a change (its reply carries the new heads) only after it is durably written.
//!
//! Changes the relay cannot judge yet (a dependency is missing) are *parked* per peer and
//! document ([`Hub::park`]): never applied to the shared document, never sent to anyone, and
//! dropped with the connection. The relay's messages to that peer ask for the missing
//! dependencies (`need`), as automerge itself does for changes it queues, so an honest client
//! whose change was held back by a Bloom-filter false positive still completes its sync.
//!
//! On the relay, a document with no content, or one the peer may not read, is answered exactly
//! as a missing one, and no state is kept for it: a stateless reply from an empty document.
//!
//! Flow control comes from automerge's sync state: a peer is sent a new message about a
//! document only when there is something it lacks and it has answered the previous one
//! (`in_flight`), so a busy document's changes are batched into the next message rather than
//! sent one by one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};

use crate::ids::DocumentId;
use crate::sync::message::{
    CatalogEntry, FINGERPRINT_BYTES, Message, PeerId, catalog_digest, fingerprint,
};

/// Which side of the protocol a hub plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Answers `doc-unavailable` for documents it does not have; never asks for documents.
    /// Answers catalog requests, and pushes new documents to the peers that sent one.
    Relay,
    /// Sends a catalog request when the relay connects, then syncs only the documents whose
    /// heads differ from the relay's.
    Client,
}

/// Something the driver must do, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a message to `message`'s target.
    Send(Message),
    /// Durably append these bytes (an incremental save, or changes as written: loadable with
    /// `load_incremental`) to the document's stored bytes. When the driver saves whole documents
    /// ([`Hub::set_whole_saves`]) it stores the document as the hub now holds it, and these
    /// bytes are either empty or, for a document that arrived whole into an empty one (a new
    /// device's first sync), that whole document as the peer saved it: the driver may store
    /// them as they are rather than save the document again.
    Persist {
        document: DocumentId,
        bytes: Vec<u8>,
    },
    /// A document changed because of a peer (for the client's UI).
    Changed { document: DocumentId },
    /// The peer does not have (or will not share) the document.
    Unavailable { document: DocumentId, peer: PeerId },
    /// The relay refused a change to the document. The hub has dropped its copy and requests
    /// the relay's; the driver deletes its stored copy and tells the user why (`code` is a
    /// [`crate::authz::Refusal`] code).
    Refused {
        document: DocumentId,
        code: String,
        message: String,
    },
    /// This side may no longer read the document (its owner withdrew consent, say). The hub
    /// has dropped its copy; the driver deletes its stored copy.
    Revoked { document: DocumentId },
}

/// Why a message could not be processed. The driver closes that peer's connection with the
/// reason; the hub and the other peers carry on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("{0} is not connected")]
    UnknownPeer(PeerId),
    #[error("message claims to come from {claimed} on {actual}'s connection")]
    WrongSender { claimed: PeerId, actual: PeerId },
    #[error("bad sync message for {document}: {reason}")]
    BadSyncMessage {
        document: DocumentId,
        reason: String,
    },
    #[error("unexpected {0} message during sync")]
    Unexpected(&'static str),
}

/// What a peer sent about a document that the relay could not judge yet: the message chunks
/// (single changes, or bundles and documents, which automerge's sync may send as one chunk)
/// and the change hashes they wait for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parked {
    pub chunks: Vec<Vec<u8>>,
    pub needs: Vec<ChangeHash>,
}

/// Whether a peer may read a document (the relay's authorization; a client allows all), given
/// the document and its heads (known to the hub: the policy need not sort them again).
pub type ReadPolicy = Box<dyn Fn(&PeerId, &DocumentId, &Automerge, &[ChangeHash]) -> bool + Send>;

/// Documents and their sync states with every connected peer.
pub struct Hub {
    me: PeerId,
    role: Role,
    docs: BTreeMap<DocumentId, Slot>,
    peers: HashMap<PeerId, BTreeMap<DocumentId, sync::State>>,
    /// Peers that asked for the catalog: they follow every document, so new ones are pushed.
    followers: HashSet<PeerId>,
    /// Who may read what; `None` lets everyone read everything.
    read_policy: Option<ReadPolicy>,
    /// Changes from a peer that wait for their dependencies (relay side), per document.
    parked: HashMap<PeerId, HashMap<DocumentId, Parked>>,
    /// Relay side, when the driver batches ([`Hub::set_batching`]): offers owed and not yet
    /// generated. `None`: every received message is answered at once (the client, tests).
    owed: Option<Owed>,
    /// Client side: the documents sent to the relay for a check in the catalog exchange.
    checked: HashSet<DocumentId>,
    /// Relay side: the peers sent changes to a document that have not answered since (see
    /// [`Hub::offer`]).
    unanswered: HashSet<(PeerId, DocumentId)>,
    /// Relay side: the peers last told only a document's new heads ([`Hub::broadcast`]); their
    /// next offer carries the changes.
    announced: HashSet<(PeerId, DocumentId)>,
    /// Relay side: the writers [`Hub::acknowledge`] told this burst, which [`Hub::answer`]
    /// leaves to the broadcast.
    acknowledged: HashSet<(PeerId, DocumentId)>,
    /// Relay side: the documents two or more peers wrote to in a burst since their last
    /// broadcast ([`Hub::acknowledge`]): their followers are told new heads before changes.
    contended: HashSet<DocumentId>,
    /// The documents two or more peers wrote to in the burst [`Hub::acknowledge`] last saw.
    written_at_once: Vec<DocumentId>,
    /// Relay side: the judge's copy of a document with the changes of the message it judged
    /// applied ([`Hub::take_judged_copy`]), for the next [`Hub::receive`] of that message.
    judged: Option<JudgedCopy>,
    /// Client side: what the relay's catalog listed that this device did not hold, and how
    /// many it listed so (see [`Hub::fetching`]).
    awaited: HashSet<DocumentId>,
    listed_new: usize,
    /// Whether [`Effect::Persist`] carries the change's bytes (see [`Hub::set_whole_saves`]).
    incremental_saves: bool,
}

/// The bytes of `message`'s changes when they are one whole saved document (a document
/// chunk), as automerge sends to a peer that has nothing yet.
fn whole_document(message: &sync::Message) -> Option<&[u8]> {
    /// Every automerge chunk starts with these; a document chunk has type 0 after the
    /// four-byte checksum.
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    const DOCUMENT_CHUNK: u8 = 0;
    let mut chunks = message.changes.iter();
    let (Some(only), None) = (chunks.next(), chunks.next()) else {
        return None;
    };
    (only.len() > 8 && only[..4] == MAGIC && only[8] == DOCUMENT_CHUNK).then_some(only)
}

/// A document as the hub holds it: in memory, or as stored bytes whose heads are known and
/// which are parsed only when something reads or changes the document
/// ([`Hub::load_stored`]). A device that holds thousands of documents then starts, and
/// exchanges its catalog with the relay, without parsing them all.
#[derive(Debug)]
enum Slot {
    /// In memory, with its heads once asked for (automerge sorts them on every
    /// `get_heads`, which a document with hundreds of concurrent heads, a task in a sign-up
    /// storm, paid for several times per message). Cleared whenever the document is lent out
    /// to change ([`Slot::doc_mut`]).
    Parsed(Automerge, OnceLock<Vec<ChangeHash>>),
    Stored {
        bytes: Vec<u8>,
        heads: Vec<ChangeHash>,
        parsed: OnceLock<Automerge>,
    },
}

impl Default for Slot {
    fn default() -> Self {
        Slot::parsed(Automerge::new())
    }
}

/// Parses stored bytes; bytes that do not load give an empty document (the driver wrote
/// them from a valid save, so this is a damaged store: the relay's copy comes back at the
/// next sync, as for a document this side never had).
fn parse(bytes: &[u8]) -> Automerge {
    let mut doc = Automerge::new();
    if doc.load_incremental(bytes).is_err() {
        doc = Automerge::new();
    }
    doc
}

impl Slot {
    fn parsed(doc: Automerge) -> Self {
        Slot::Parsed(doc, OnceLock::new())
    }

    fn doc(&self) -> &Automerge {
        match self {
            Slot::Parsed(doc, _) => doc,
            Slot::Stored { bytes, parsed, .. } => parsed.get_or_init(|| parse(bytes)),
        }
    }

    fn doc_mut(&mut self) -> &mut Automerge {
        if let Slot::Stored { bytes, parsed, .. } = self {
            let doc = parsed.take().unwrap_or_else(|| parse(bytes));
            *self = Slot::parsed(doc);
        }
        match self {
            Slot::Parsed(doc, heads) => {
                // The caller may change it: its heads are read afresh next time.
                heads.take();
                doc
            }
            // Not reached: a stored slot became parsed just above.
            Slot::Stored { .. } => unreachable!("a stored slot is parsed above"),
        }
    }

    /// Keeps `heads` as the in-memory document's, read just now (after the last change).
    fn remember_heads(&mut self, heads: Vec<ChangeHash>) {
        if let Slot::Parsed(_, known) = self {
            *known = OnceLock::from(heads);
        }
    }

    /// Its heads, without parsing stored bytes.
    fn heads(&self) -> Vec<ChangeHash> {
        self.heads_ref().into_owned()
    }

    /// Its heads, borrowed where they are known already.
    fn heads_ref(&self) -> std::borrow::Cow<'_, [ChangeHash]> {
        match self {
            Slot::Parsed(doc, heads) => heads.get_or_init(|| doc.get_heads()).into(),
            Slot::Stored { heads, parsed, .. } => match parsed.get() {
                Some(doc) => doc.get_heads().into(),
                None => heads.into(),
            },
        }
    }

    fn has_content(&self) -> bool {
        !self.heads_ref().is_empty()
    }
}

/// A judged copy of a document ([`Hub::take_judged_copy`]): the message it was judged for,
/// and the document with that message's changes applied.
#[derive(Debug)]
struct JudgedCopy {
    id: DocumentId,
    data: Vec<u8>,
    doc: Automerge,
}

/// Offers a batching relay owes: a reply to each peer that sent something about a document,
/// and to every peer syncing a document that changed. Generated by [`Hub::answer`] and
/// [`Hub::broadcast`] once a burst of messages has been taken in, instead of once per message.
#[derive(Debug, Default)]
struct Owed {
    /// The peers that sent something about a document, and whether it changed the document.
    replies: std::collections::BTreeMap<(PeerId, DocumentId), bool>,
    changed: std::collections::BTreeSet<DocumentId>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("me", &self.me)
            .field("role", &self.role)
            .field("documents", &self.docs.len())
            .field("peers", &self.peers.len())
            .finish_non_exhaustive()
    }
}

impl Hub {
    pub fn new(me: PeerId, role: Role) -> Self {
        Self {
            me,
            role,
            docs: BTreeMap::new(),
            peers: HashMap::new(),
            followers: HashSet::new(),
            read_policy: None,
            parked: HashMap::new(),
            owed: None,
            checked: HashSet::new(),
            unanswered: HashSet::new(),
            announced: HashSet::new(),
            judged: None,
            contended: HashSet::new(),
            written_at_once: Vec::new(),
            acknowledged: HashSet::new(),
            awaited: HashSet::new(),
            listed_new: 0,
            incremental_saves: true,
        }
    }

    /// For a driver that stores each document whole, saving it from [`Hub::document`] when it
    /// writes (the browser, which saves a document once however many messages changed it in a
    /// burst): [`Effect::Persist`] then carries no bytes, and the hub does not encode the
    /// changes a second time (a new device's first sync paid for it on every document).
    pub fn set_whole_saves(&mut self, on: bool) {
        self.incremental_saves = !on;
    }

    /// Client side: while documents the relay listed and this device did not hold are on
    /// their way (a new device's first sync), how many have arrived and how many were listed.
    /// `None` once all have (or the relay said one is unavailable or revoked), and after a
    /// disconnect.
    /// Cheap: called after every batch of messages, while thousands may be awaited (each
    /// leaves the set as its content arrives, see [`Hub::arrived`]).
    pub fn fetching(&mut self) -> Option<(usize, usize)> {
        if self.awaited.is_empty() {
            self.listed_new = 0;
            return None;
        }
        Some((self.listed_new - self.awaited.len(), self.listed_new))
    }

    /// `id` has content now (it arrived, was loaded, or changed here): no longer awaited.
    fn arrived(&mut self, id: &DocumentId) {
        if !self.awaited.is_empty() {
            self.awaited.remove(id);
        }
    }

    /// Client side: the catalog listed `id`; if this device has nothing of it, it is awaited.
    fn await_listed(&mut self, id: DocumentId) {
        if self.heads(&id).is_empty() && self.awaited.insert(id) {
            self.listed_new += 1;
        }
    }

    /// Relay side: received messages no longer generate offers themselves. The driver calls
    /// [`Hub::answer`] once it has taken in a burst of messages (each sender gets one reply per
    /// document however many messages it sent), and [`Hub::broadcast`] for the documents that
    /// changed, as often as it wants every follower of a busy document told (automerge's
    /// offers cost about the document's concurrent heads times its peers, so a storm of writes
    /// answered one by one costs the square of the writers). Effects that persist a change are
    /// still returned by [`Hub::receive`] itself, so they come before any offer.
    pub fn set_batching(&mut self, on: bool) {
        self.owed = on.then(Owed::default);
    }

    /// Whether offers are owed ([`Hub::set_batching`]): replies, or changed documents.
    pub fn owes(&self) -> bool {
        self.owed
            .as_ref()
            .is_some_and(|o| !o.replies.is_empty() || !o.changed.is_empty())
    }

    /// The documents that changed since they were last broadcast.
    pub fn changed_documents(&self) -> Vec<DocumentId> {
        self.owed
            .as_ref()
            .map(|o| o.changed.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Replies owed to the peers that sent something: one offer per peer and document.
    pub fn answer(&mut self) -> Vec<Effect> {
        let Some(owed) = self.owed.as_mut() else {
            return Vec::new();
        };
        let replies = std::mem::take(&mut owed.replies);
        let broadcast_owed = owed.changed.clone();
        let relay = self.role == Role::Relay;
        let acknowledged = std::mem::take(&mut self.acknowledged);
        let mut effects = Vec::new();
        for ((peer, id), wrote) in replies {
            // Told that its write is held; the broadcast tells it the rest.
            if acknowledged.contains(&(peer.clone(), id)) {
                continue;
            }
            // A peer that only answered (its message changed nothing) is not waiting for an
            // acknowledgement: if the document changed, the broadcast offers it to every peer,
            // this one included, with what changed. Answered now too, it would be sent the
            // same changes twice over in a storm (each device's answer to each offer drew
            // another offer carrying everything written since), and devices take in each.
            if relay && !wrote && broadcast_owed.contains(&id) {
                continue;
            }
            if self.may_read(&peer, &id) {
                self.offer(&peer, id, &mut effects);
            }
        }
        effects
    }

    /// Relay side: `doc` is this hub's copy of `id` with the changes of the sync message
    /// `data` applied (the judge applied them to a copy to judge them). If the next message
    /// [`Hub::receive`]s is that one, the hub takes `doc` as its document instead of applying
    /// the changes again; automerge's applying is most of what a change costs the relay (a
    /// sign-up by a new device renumbers every op's actor). Any other message drops it.
    pub fn take_judged_copy(&mut self, id: DocumentId, data: Vec<u8>, doc: Automerge) {
        self.judged = Some(JudgedCopy { id, data, doc });
    }

    /// The documents two or more peers wrote to in the burst that [`Hub::acknowledge`] last
    /// saw: a storm, which the relay lets pause before it offers the document to everyone.
    pub fn written_at_once(&self) -> &[DocumentId] {
        &self.written_at_once
    }

    /// Relay side, before [`Hub::answer`]: for each document that two or more peers wrote to
    /// in this burst, tells each of those writers that lacks something else of it that the
    /// relay holds its heads, in a message of its own that names them and carries no changes,
    /// and marks the document contended until its next [`Hub::broadcast`]. A writer so told
    /// gets no reply from [`Hub::answer`]: the broadcast tells it and the document's other
    /// peers the new heads alone, and the answer to that is offered what it lacks.
    ///
    /// Why: a writer knows its change is durable when the relay's heads include it. In a
    /// storm the reply that says so also carries everyone else's sign-ups (a whole saved
    /// document while the writer lacks a third of the changes), which the writer takes in
    /// before it can read the heads; and once the heads are folded its change is no longer one
    /// of them. At 1,000 devices the last acknowledgement came when the devices had spent as
    /// much CPU as for converging. This message is read in microseconds, and a stock client
    /// does not answer it: its sync state then says the relay holds what it holds. It names the
    /// writer's heads, not the relay's (every writer's, hundreds in a storm, 32 bytes each, and
    /// every answer would name them back). One writer alone gets its reply, changes and all,
    /// as before: nothing else waits in front of it.
    pub fn acknowledge(&mut self) -> Vec<Effect> {
        self.written_at_once.clear();
        let Some(owed) = self.owed.as_ref() else {
            return Vec::new();
        };
        let mut writers: BTreeMap<DocumentId, Vec<&PeerId>> = BTreeMap::new();
        for ((peer, id), wrote) in &owed.replies {
            if *wrote {
                writers.entry(*id).or_default().push(peer);
            }
        }
        let mut effects = Vec::new();
        let mut told = Vec::new();
        let mut contended = Vec::new();
        for (id, peers) in writers.into_iter().filter(|(_, p)| p.len() > 1) {
            contended.push(id);
            let Some(slot) = self.docs.get(&id) else {
                continue;
            };
            let heads = slot.heads();
            for peer in peers {
                let Some(state) = self.peers.get(peer).and_then(|d| d.get(&id)) else {
                    continue;
                };
                let Some(theirs) = state.their_heads.clone() else {
                    continue;
                };
                // A writer that holds everything the relay holds is told so by its reply; one
                // whose heads the relay lacks (a change waiting for its dependencies) is not
                // acknowledged.
                if theirs == heads || self.lacks_theirs(peer, id) || !self.may_read(peer, &id) {
                    continue;
                }
                effects.push(Effect::Send(Message::Sync {
                    document_id: id,
                    sender_id: self.me.clone(),
                    target_id: peer.clone(),
                    data: wire(Role::Relay, heads_only(theirs, state.shared_heads.clone())),
                }));
                told.push((peer.clone(), id));
            }
        }
        self.contended.extend(contended.iter().copied());
        self.written_at_once = contended;
        self.acknowledged.extend(told);
        effects
    }

    /// Relay side: folds a document's concurrent heads into one when there are at least
    /// `at_least` (the relay uses [`MERGE_HEADS_AT`]), with a change that holds no operations
    /// and depends on them all (automerge's `empty_commit`). Returns its [`Effect::Persist`];
    /// the peers get the change with the next offers. Not counted against the document's size
    /// limit by the relay: it is not a writer's.
    ///
    /// Why: every sync message carries the sender's heads, and the receiver keeps them in its
    /// sync state. After a storm of 300 concurrent sign-ups every message either way carried
    /// 300 hashes (9.6 KB) twice over (heads, and the Bloom filter's base), and would until
    /// someone wrote to the task again; the relay held that for every peer. One merge, sent
    /// once, and every message after it names one head.
    pub fn merge_heads(&mut self, id: DocumentId, at_least: usize) -> Vec<Effect> {
        let incremental = self.incremental_saves;
        let Some(slot) = self.docs.get_mut(&id) else {
            return Vec::new();
        };
        if slot.heads().len() < at_least.max(2) {
            return Vec::new();
        }
        let doc = slot.doc_mut();
        let before = doc.get_heads();
        doc.empty_commit(automerge::transaction::CommitOptions::default());
        let after = doc.get_heads();
        let bytes = if incremental {
            doc.save_after(&before)
        } else {
            Vec::new()
        };
        slot.remember_heads(after);
        vec![Effect::Persist {
            document: id,
            bytes,
        }]
    }

    /// Offers a changed document to every peer that syncs it (and may read it).
    pub fn broadcast(&mut self, id: DocumentId) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(owed) = self.owed.as_mut() {
            owed.changed.remove(&id);
        }
        let contended = self.contended.remove(&id);
        let mut peers: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, d)| d.contains_key(&id))
            .map(|(p, _)| p.clone())
            .collect();
        peers.sort();
        for peer in peers {
            if self.may_read(&peer, &id) && !(contended && self.announce(&peer, id, &mut effects)) {
                self.offer(&peer, id, &mut effects);
            }
        }
        effects
    }

    /// Relay side, for a contended document ([`Hub::acknowledge`]): tells `peer` its new heads
    /// alone, unless it was told so last time and has answered since (then it is offered the
    /// changes). True if that is done, or if `peer` has not answered yet.
    fn announce(&mut self, peer: &PeerId, id: DocumentId, effects: &mut Vec<Effect>) -> bool {
        if self.role != Role::Relay || self.owed.is_none() {
            return false;
        }
        let key = (peer.clone(), id);
        if self.unanswered.contains(&key) {
            return true;
        }
        // Told the heads last time and answered since: offered the changes now, unless the
        // relay still lacks what the peer has (asked for at once, in a message as small).
        if self.announced.contains(&key) && !self.lacks_theirs(peer, id) {
            return false;
        }
        let Some(message) = self.heads_for(peer, id) else {
            return false;
        };
        effects.push(Effect::Send(message));
        self.unanswered.insert(key.clone());
        self.announced.insert(key);
        true
    }

    /// What `peer` sent about `id` that waits for its dependencies.
    pub fn parked(&self, peer: &PeerId, id: &DocumentId) -> Option<&Parked> {
        self.parked.get(peer).and_then(|docs| docs.get(id))
    }

    /// Replaces what `peer` has parked for `id` (`None`: nothing). The driver bounds it (see
    /// [`Hub::parked_bytes`]).
    pub fn park(&mut self, peer: &PeerId, id: DocumentId, parked: Option<Parked>) {
        let docs = self.parked.entry(peer.clone()).or_default();
        match parked {
            Some(parked) if !parked.chunks.is_empty() => {
                docs.insert(id, parked);
            }
            _ => {
                docs.remove(&id);
            }
        }
        if docs.is_empty() {
            self.parked.remove(peer);
        }
    }

    /// How many chunks and bytes `peer` has parked, over all documents.
    pub fn parked_bytes(&self, peer: &PeerId) -> (usize, usize) {
        self.parked.get(peer).map_or((0, 0), |docs| {
            docs.values()
                .flat_map(|p| &p.chunks)
                .fold((0, 0), |(n, b), c| (n + 1, b + c.len()))
        })
    }

    /// The dependencies that `peer`'s parked changes to `id` still wait for.
    fn parked_needs(&self, peer: &PeerId, id: &DocumentId) -> Vec<ChangeHash> {
        let Some(parked) = self.parked(peer, id) else {
            return Vec::new();
        };
        let doc = self.docs.get(id).map(Slot::doc);
        let mut needs: Vec<ChangeHash> = parked
            .needs
            .iter()
            .copied()
            .filter(|h| doc.is_none_or(|d| d.get_change_by_hash(h).is_none()))
            .collect();
        needs.sort();
        needs.dedup();
        needs
    }

    /// Whether `peer` said it holds changes of `id` that the relay does not.
    fn lacks_theirs(&self, peer: &PeerId, id: DocumentId) -> bool {
        let (Some(slot), Some(theirs)) = (
            self.docs.get(&id),
            self.peers
                .get(peer)
                .and_then(|d| d.get(&id))
                .and_then(|s| s.their_heads.as_ref()),
        ) else {
            return false;
        };
        !slot.doc().get_missing_deps(theirs).is_empty()
    }

    /// A message that tells `peer` the document's heads and what the relay needs of the
    /// peer's ([`heads_only`]), or `None` if the peer said it holds those heads already.
    fn heads_for(&self, peer: &PeerId, id: DocumentId) -> Option<Message> {
        let slot = self.docs.get(&id)?;
        let state = self.peers.get(peer)?.get(&id)?;
        let heads = slot.heads();
        if state.their_heads.as_ref() == Some(&heads) {
            return None;
        }
        let doc = slot.doc();
        let mut message = heads_only(heads, state.shared_heads.clone());
        // What the peer said it has and the relay lacks (its change may not have come with its
        // heads: the relay's Bloom filter can claim, wrongly, to hold it).
        if let Some(theirs) = &state.their_heads {
            message.need = doc.get_missing_deps(theirs);
            message.need.sort();
        }
        self.ask_for_parked_needs(peer, &id, &mut message);
        Some(Message::Sync {
            document_id: id,
            sender_id: self.me.clone(),
            target_id: peer.clone(),
            data: wire(self.role, message),
        })
    }

    /// Adds what `peer`'s parked changes wait for to the `need` of an outgoing sync message.
    fn ask_for_parked_needs(&self, peer: &PeerId, id: &DocumentId, message: &mut sync::Message) {
        let needs = self.parked_needs(peer, id);
        if needs.is_empty() {
            return;
        }
        message.need.extend(needs);
        // The encoding requires sorted hashes (and panics otherwise).
        message.need.sort();
        message.need.dedup();
    }

    /// Sets who may read what. A peer is never listed, sent, pushed or offered a document it
    /// may not read, and a request for one is answered as for a document that does not exist.
    pub fn set_read_policy(&mut self, policy: ReadPolicy) {
        self.read_policy = Some(policy);
    }

    /// Whether `peer` may read `id` under the read policy (a document with no content yet is
    /// readable: there is nothing in it to guard).
    pub fn may_read(&self, peer: &PeerId, id: &DocumentId) -> bool {
        match (&self.read_policy, self.docs.get(id)) {
            (None, _) => true,
            (Some(policy), Some(slot)) => {
                !slot.has_content() || policy(peer, id, slot.doc(), &slot.heads_ref())
            }
            (Some(_), None) => true,
        }
    }

    /// Whether `peer` asked for the catalog (a Samskab client, not a stock one).
    pub fn is_follower(&self, peer: &PeerId) -> bool {
        self.followers.contains(peer)
    }

    /// Drops this side's copy of a document and every peer's sync state for it (a client whose
    /// change was refused starts again from the relay's version).
    pub fn reset(&mut self, id: &DocumentId) {
        self.docs.remove(id);
        for states in self.peers.values_mut() {
            states.remove(id);
        }
        for docs in self.parked.values_mut() {
            docs.remove(id);
        }
    }

    /// Forgets `peer`'s sync state for a document, so that its next message starts afresh.
    pub fn forget(&mut self, peer: &PeerId, id: &DocumentId) {
        if let Some(states) = self.peers.get_mut(peer) {
            states.remove(id);
        }
        self.unanswered.remove(&(peer.clone(), *id));
        self.announced.remove(&(peer.clone(), *id));
        self.park(peer, *id, None);
    }

    pub fn me(&self) -> &PeerId {
        &self.me
    }

    /// Adds a document from storage (concatenated saves and incremental saves).
    pub fn load(&mut self, id: DocumentId, bytes: &[u8]) -> Result<(), automerge::AutomergeError> {
        let mut doc = Automerge::new();
        doc.load_incremental(bytes)?;
        if !doc.get_heads().is_empty() {
            self.arrived(&id);
        }
        self.docs.insert(id, Slot::parsed(doc));
        Ok(())
    }

    /// Adds a document from storage whose heads are known (kept beside the bytes when they
    /// were saved), without parsing it: it is parsed the first time it is read or changed.
    /// `heads` must be the heads of `bytes`; the catalog exchange trusts them.
    pub fn load_stored(&mut self, id: DocumentId, bytes: Vec<u8>, heads: Vec<ChangeHash>) {
        if !heads.is_empty() {
            self.arrived(&id);
        }
        self.docs.insert(
            id,
            Slot::Stored {
                bytes,
                heads,
                parsed: OnceLock::new(),
            },
        );
    }

    /// The document, parsed if it was only stored.
    pub fn document(&self, id: &DocumentId) -> Option<&Automerge> {
        self.docs.get(id).map(Slot::doc)
    }

    /// Whether the document is held in memory already (not only as stored bytes).
    pub fn is_parsed(&self, id: &DocumentId) -> bool {
        match self.docs.get(id) {
            Some(Slot::Parsed(..)) => true,
            Some(Slot::Stored { parsed, .. }) => parsed.get().is_some(),
            None => false,
        }
    }

    /// Documents with content (an id someone only asked about has none). Parses every stored
    /// one; [`Hub::ids`] does not.
    pub fn documents(&self) -> impl Iterator<Item = (&DocumentId, &Automerge)> {
        self.docs
            .iter()
            .filter(|(_, d)| d.has_content())
            .map(|(id, d)| (id, d.doc()))
    }

    /// The ids of the documents with content, without parsing any.
    pub fn ids(&self) -> impl Iterator<Item = &DocumentId> {
        self.docs
            .iter()
            .filter(|(_, d)| d.has_content())
            .map(|(id, _)| id)
    }

    pub fn heads(&self, id: &DocumentId) -> Vec<ChangeHash> {
        self.docs.get(id).map(Slot::heads).unwrap_or_default()
    }

    /// The documents with content and their heads, without parsing any.
    fn held(&self) -> impl Iterator<Item = (&DocumentId, Vec<ChangeHash>)> {
        self.docs
            .iter()
            .filter(|(_, d)| d.has_content())
            .map(|(id, d)| (id, d.heads()))
    }

    /// Replaces a document with its stored bytes, dropping what was only in memory, and
    /// forgets every peer's sync state for it. Returns those peers: their view of the document
    /// is no longer what this side has, so the driver should close their connections (they
    /// reconnect and resync from scratch). Used when persisting a change failed.
    pub fn reload(
        &mut self,
        id: DocumentId,
        stored: &[u8],
    ) -> Result<Vec<PeerId>, automerge::AutomergeError> {
        let mut doc = Automerge::new();
        doc.load_incremental(stored)?;
        self.docs.insert(id, Slot::parsed(doc));
        let affected = self
            .peers
            .iter_mut()
            .filter_map(|(peer, states)| states.remove(&id).map(|_| peer.clone()))
            .collect();
        Ok(affected)
    }

    /// Takes back this side's latest local changes to `id`: the document as it was at
    /// `heads` (a device whose store refused the change: what it shows must be what it has
    /// kept). It goes on under a new actor, so no later change of this side can take the
    /// place of one taken back that a peer may have been sent meanwhile, and its sync starts
    /// again with every peer of it (the relay then sends back anything it had of the taken-back
    /// changes). Nothing happens if `id` is not here or `heads` are not in its history.
    pub fn revert(&mut self, id: DocumentId, heads: &[ChangeHash]) -> Vec<Effect> {
        let Some(slot) = self.docs.get_mut(&id) else {
            return Vec::new();
        };
        let Ok(earlier) = slot.doc_mut().fork_at(heads) else {
            return Vec::new();
        };
        let earlier_heads = earlier.get_heads();
        *slot = Slot::parsed(earlier);
        slot.remember_heads(earlier_heads);
        let peers: Vec<PeerId> = self
            .peers
            .iter_mut()
            .filter_map(|(peer, states)| states.remove(&id).map(|_| peer.clone()))
            .collect();
        let mut effects = vec![Effect::Changed { document: id }];
        for peer in peers {
            if self.may_read(&peer, &id) {
                self.start(&peer, id, &mut effects);
            }
        }
        effects
    }

    /// Whether `peer` has told us it holds exactly our current heads of `id`: everything this
    /// side has of the document is acknowledged by that peer.
    pub fn in_sync_with(&self, peer: &PeerId, id: &DocumentId) -> bool {
        let (Some(doc), Some(state)) = (
            self.docs.get(id),
            self.peers.get(peer).and_then(|s| s.get(id)),
        ) else {
            return false;
        };
        state.their_heads.as_deref() == Some(&doc.heads()[..])
    }

    pub fn is_connected(&self, peer: &PeerId) -> bool {
        self.peers.contains_key(peer)
    }

    /// A peer finished the handshake. A client tells the relay which documents it holds at
    /// which heads (the catalog request); the relay's catalog answer decides what to sync.
    pub fn connect(&mut self, peer: PeerId) -> Vec<Effect> {
        self.peers.insert(peer.clone(), BTreeMap::new());
        let mut effects = Vec::new();
        if self.role == Role::Client {
            // A device that holds documents sends only their digest first (see
            // `docs/protocol.md`, Catalog); an empty one asks for the whole list at once.
            let have = self.catalog();
            let digest = (!have.is_empty()).then(|| self.own_digest().into());
            effects.push(Effect::Send(Message::CatalogRequest {
                sender_id: self.me.clone(),
                target_id: peer,
                have: if digest.is_some() { Vec::new() } else { have },
                digest,
                fingerprints: None,
            }));
        }
        effects
    }

    /// A peer's connection ended. Its sync states go: a reconnection starts afresh, which is
    /// what automerge's protocol requires after messages may have been lost.
    pub fn disconnect(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
        self.unanswered.retain(|(p, _)| p != peer);
        self.announced.retain(|(p, _)| p != peer);
        self.followers.remove(peer);
        self.parked.remove(peer);
        self.awaited.clear();
        self.listed_new = 0;
        // A check asked for on this connection may never have arrived: the next connection
        // asks again rather than take the documents as checked.
        self.checked.clear();
    }

    /// The digest of every document with content at its heads.
    fn own_digest(&self) -> Vec<u8> {
        let entries: Vec<(DocumentId, Vec<ChangeHash>)> =
            self.held().map(|(id, heads)| (*id, heads)).collect();
        catalog_digest(entries.iter().map(|(id, h)| (id, &h[..])))
    }

    /// Every document with content and its heads.
    pub fn catalog(&self) -> Vec<CatalogEntry> {
        self.held()
            .map(|(id, heads)| CatalogEntry {
                document_id: *id,
                heads,
            })
            .collect()
    }

    /// The client wants a document it may not have yet: asks every peer for it.
    pub fn request(&mut self, id: DocumentId) -> Vec<Effect> {
        self.docs.entry(id).or_default();
        let peers: Vec<PeerId> = self.peers.keys().cloned().collect();
        let mut effects = Vec::new();
        for peer in peers {
            self.start(&peer, id, &mut effects);
        }
        effects
    }

    /// Changes a document here (creating it if new), persists the change and offers it to
    /// every connected peer.
    pub fn change<T>(
        &mut self,
        id: DocumentId,
        f: impl FnOnce(&mut Automerge) -> T,
    ) -> (T, Vec<Effect>) {
        let incremental = self.incremental_saves;
        let doc = self.docs.entry(id).or_default().doc_mut();
        let before = doc.get_heads();
        let result = f(doc);
        let mut effects = Vec::new();
        if doc.get_heads() != before {
            effects.push(Effect::Persist {
                document: id,
                bytes: if incremental {
                    doc.save_after(&before)
                } else {
                    Vec::new()
                },
            });
            self.arrived(&id);
            let peers: Vec<PeerId> = self.peers.keys().cloned().collect();
            for peer in peers {
                if !self.may_read(&peer, &id) {
                    continue;
                }
                if self.peers.get(&peer).is_some_and(|d| d.contains_key(&id)) {
                    self.offer(&peer, id, &mut effects);
                } else {
                    self.start(&peer, id, &mut effects);
                }
            }
        }
        (result, effects)
    }

    /// Processes one message from `from`.
    pub fn receive(&mut self, from: &PeerId, message: Message) -> Result<Vec<Effect>, SyncError> {
        if !self.peers.contains_key(from) {
            return Err(SyncError::UnknownPeer(from.clone()));
        }
        match message {
            Message::Request {
                document_id,
                sender_id,
                data,
                ..
            } => {
                self.check_sender(from, &sender_id)?;
                self.receive_sync(from, document_id, &data, true)
            }
            Message::Sync {
                document_id,
                sender_id,
                data,
                ..
            } => {
                self.check_sender(from, &sender_id)?;
                self.receive_sync(from, document_id, &data, false)
            }
            Message::DocUnavailable {
                document_id,
                sender_id,
                ..
            } => {
                self.check_sender(from, &sender_id)?;
                if let Some(docs) = self.peers.get_mut(from) {
                    docs.remove(&document_id);
                }
                self.awaited.remove(&document_id);
                Ok(vec![Effect::Unavailable {
                    document: document_id,
                    peer: from.clone(),
                }])
            }
            Message::Leave { .. } => {
                self.disconnect(from);
                Ok(Vec::new())
            }
            Message::CatalogRequest {
                sender_id,
                have,
                digest,
                fingerprints,
                ..
            } if self.role == Role::Relay => {
                self.check_sender(from, &sender_id)?;
                Ok(match (digest, fingerprints) {
                    // A check (third round): fingerprints present and empty.
                    (None, Some(f)) if f.is_empty() => self.answer_check(from, &have),
                    (_, Some(fingerprints)) => self.answer_fingerprints(from, &fingerprints),
                    (Some(digest), None) if have.is_empty() => self.answer_digest(from, &digest),
                    _ => self.answer_catalog_request(from, &have),
                })
            }
            Message::Catalog {
                sender_id,
                documents,
                digest,
                unknown,
                ..
            } if self.role == Role::Client => {
                self.check_sender(from, &sender_id)?;
                Ok(match (digest, unknown) {
                    (Some(digest), None) if documents.is_empty() => {
                        self.follow_digest(from, &digest)
                    }
                    (_, Some(unknown)) => self.follow_fingerprints(from, &documents, &unknown),
                    _ => self.follow_catalog(from, &documents),
                })
            }
            Message::ChangeRefused {
                sender_id,
                document_id,
                code,
                message,
                ..
            } if self.role == Role::Client => {
                self.check_sender(from, &sender_id)?;
                self.reset(&document_id);
                let mut effects = vec![Effect::Refused {
                    document: document_id,
                    code,
                    message,
                }];
                effects.extend(self.request(document_id));
                Ok(effects)
            }
            Message::Revoked {
                sender_id,
                document_ids,
                ..
            } if self.role == Role::Client => {
                self.check_sender(from, &sender_id)?;
                Ok(document_ids
                    .into_iter()
                    .map(|document| {
                        self.reset(&document);
                        self.awaited.remove(&document);
                        Effect::Revoked { document }
                    })
                    .collect())
            }
            Message::Revoked { .. } => Err(SyncError::Unexpected("samskab-revoked")),
            Message::ChangeRefused { .. } => Err(SyncError::Unexpected("samskab-change-refused")),
            Message::CatalogRequest { .. } => Err(SyncError::Unexpected("samskab-catalog-request")),
            Message::Catalog { .. } => Err(SyncError::Unexpected("samskab-catalog")),
            // Ephemeral messages (presence, cursors) are not used by Samskab and not relayed.
            Message::Ephemeral { .. } | Message::Unknown | Message::Error { .. } => Ok(Vec::new()),
            Message::Join { .. } => Err(SyncError::Unexpected("join")),
            Message::Peer { .. } => Err(SyncError::Unexpected("peer")),
            // A connection's driver unpacks batches (`Message::unbatch`) and passes each
            // message on by itself.
            Message::Batch { .. } => Err(SyncError::Unexpected("samskab-batch")),
        }
    }

    /// Relay side: remembers `peer` as a follower, marks the documents it holds at the relay's
    /// own heads as in sync (nothing needs to travel for them), and lists every document it
    /// may read. Documents it holds but may no longer read are revoked first.
    fn answer_catalog_request(&mut self, peer: &PeerId, have: &[CatalogEntry]) -> Vec<Effect> {
        self.followers.insert(peer.clone());
        let mut effects = Vec::new();
        // Only a device that really holds some of the document (heads the relay knows: hashes
        // cannot be guessed) is told to delete it; for a listed id with made-up heads the
        // answer is the same as for an id that does not exist.
        let revoked = self.revoked_of(peer, have);
        if !revoked.is_empty() {
            effects.push(Effect::Send(Message::Revoked {
                sender_id: self.me.clone(),
                target_id: peer.clone(),
                document_ids: revoked,
            }));
        }
        for entry in have {
            if self.heads(&entry.document_id) == entry.heads
                && self.may_read(peer, &entry.document_id)
            {
                self.assume_in_sync(peer, entry.document_id);
            }
        }
        let documents = self
            .catalog()
            .into_iter()
            .filter(|e| self.may_read(peer, &e.document_id))
            .collect();
        effects.push(Effect::Send(Message::Catalog {
            sender_id: self.me.clone(),
            target_id: peer.clone(),
            documents,
            digest: None,
            unknown: None,
        }));
        effects
    }

    /// The documents of `have` that `peer` holds (heads the relay knows: hashes cannot be
    /// guessed) and may no longer read.
    fn revoked_of(&self, peer: &PeerId, have: &[CatalogEntry]) -> Vec<DocumentId> {
        have.iter()
            .filter(|e| {
                !self.heads(&e.document_id).is_empty()
                    && !e.heads.is_empty()
                    && self
                        .docs
                        .get(&e.document_id)
                        .map(Slot::doc)
                        .is_some_and(|d| e.heads.iter().all(|h| d.get_change_by_hash(h).is_some()))
                    && !self.may_read(peer, &e.document_id)
            })
            .map(|e| e.document_id)
            .collect()
    }

    /// Relay side, third round (rare): the documents the device holds that the relay neither
    /// matched nor listed (made on the device, or no longer readable), with their heads. Those
    /// it may no longer read are revoked; the rest come back as unknown, to be synced.
    fn answer_check(&mut self, peer: &PeerId, have: &[CatalogEntry]) -> Vec<Effect> {
        let revoked = self.revoked_of(peer, have);
        let unknown: Vec<u8> = have
            .iter()
            .filter(|e| !revoked.contains(&e.document_id))
            .flat_map(|e| fingerprint(&e.document_id, &e.heads))
            .collect();
        let mut effects = Vec::new();
        if !revoked.is_empty() {
            effects.push(Effect::Send(Message::Revoked {
                sender_id: self.me.clone(),
                target_id: peer.clone(),
                document_ids: revoked,
            }));
        }
        effects.push(Effect::Send(Message::Catalog {
            sender_id: self.me.clone(),
            target_id: peer.clone(),
            documents: Vec::new(),
            digest: None,
            unknown: Some(unknown.into()),
        }));
        effects
    }

    /// The documents `peer` may read with content, with their heads, in id order.
    fn readable(&self, peer: &PeerId) -> Vec<(DocumentId, Vec<ChangeHash>)> {
        self.held()
            .filter(|(id, _)| self.may_read(peer, id))
            .map(|(id, heads)| (*id, heads))
            .collect()
    }

    /// Relay side, first round of a digest catalog: equal digests mean the device holds
    /// exactly what it may read, at the relay's heads (all in sync, nothing listed); otherwise
    /// the relay's digest tells the device to send its fingerprints.
    fn answer_digest(&mut self, peer: &PeerId, theirs: &[u8]) -> Vec<Effect> {
        self.followers.insert(peer.clone());
        let readable = self.readable(peer);
        let ours = catalog_digest(readable.iter().map(|(id, h)| (id, &h[..])));
        if ours == theirs {
            for (id, _) in &readable {
                self.assume_in_sync(peer, *id);
            }
        }
        vec![Effect::Send(Message::Catalog {
            sender_id: self.me.clone(),
            target_id: peer.clone(),
            documents: Vec::new(),
            digest: Some(ours.into()),
            unknown: None,
        })]
    }

    /// Relay side, second round: the device's documents as fingerprints. Those that match a
    /// readable document at the relay's heads are in sync; those that match a document it may
    /// not read are revoked (the fingerprint proves it holds those heads); those that match a
    /// readable document at heads it had a few changes ago ([`earlier_heads`]) are sent those
    /// changes at once, before the catalog (the device then has them in this round trip, with
    /// no sync round of its own); the rest are sent back as unknown, and the readable
    /// documents still unmatched are listed.
    fn answer_fingerprints(&mut self, peer: &PeerId, theirs: &[u8]) -> Vec<Effect> {
        self.followers.insert(peer.clone());
        let theirs: HashSet<[u8; FINGERPRINT_BYTES]> = theirs
            .chunks_exact(FINGERPRINT_BYTES)
            .filter_map(|c| c.try_into().ok())
            .collect();
        let mut matched = HashSet::new();
        let mut revoked = Vec::new();
        let mut documents = Vec::new();
        let mut effects = Vec::new();
        // Walking back through a document's changes costs the relay; a device sending
        // fingerprints that match nothing must not make it walk every document.
        let mut walk = EARLIER_HEADS_PER_FINGERPRINT * theirs.len();
        let all: Vec<(DocumentId, Vec<ChangeHash>)> =
            self.held().map(|(id, heads)| (*id, heads)).collect();
        for (id, heads) in all {
            let print = fingerprint(&id, &heads);
            let held = theirs.contains(&print);
            if held {
                matched.insert(print);
            }
            match (held, self.may_read(peer, &id)) {
                (true, true) => self.assume_in_sync(peer, id),
                (true, false) => revoked.push(id),
                (false, true) => {
                    let behind = self.docs.get(&id).map(Slot::doc).and_then(|doc| {
                        earlier_heads(doc, EARLIER_HEADS, &mut walk)
                            .into_iter()
                            .map(|earlier| (fingerprint(&id, &earlier), earlier))
                            .find(|(print, _)| theirs.contains(print) && !matched.contains(print))
                    });
                    match behind {
                        Some((print, earlier)) => {
                            matched.insert(print);
                            self.catch_up(peer, id, earlier, &mut effects);
                        }
                        None => documents.push(CatalogEntry {
                            document_id: id,
                            heads,
                        }),
                    }
                }
                (false, false) => {}
            }
        }
        let unknown: Vec<u8> = theirs
            .iter()
            .filter(|p| !matched.contains(*p))
            .flatten()
            .copied()
            .collect();
        if !revoked.is_empty() {
            effects.push(Effect::Send(Message::Revoked {
                sender_id: self.me.clone(),
                target_id: peer.clone(),
                document_ids: revoked,
            }));
        }
        effects.push(Effect::Send(Message::Catalog {
            sender_id: self.me.clone(),
            target_id: peer.clone(),
            documents,
            digest: None,
            unknown: Some(unknown.into()),
        }));
        effects
    }

    /// Client side, first round: the relay's digest equals ours, so every document held is in
    /// sync; otherwise send the fingerprints.
    fn follow_digest(&mut self, relay: &PeerId, theirs: &[u8]) -> Vec<Effect> {
        if self.own_digest() == theirs {
            let ids: Vec<DocumentId> = self.ids().copied().collect();
            for id in ids {
                self.assume_in_sync(relay, id);
            }
            return Vec::new();
        }
        let fingerprints: Vec<u8> = self
            .held()
            .flat_map(|(id, heads)| fingerprint(id, &heads))
            .collect();
        vec![Effect::Send(Message::CatalogRequest {
            sender_id: self.me.clone(),
            target_id: relay.clone(),
            have: Vec::new(),
            digest: None,
            fingerprints: Some(fingerprints.into()),
        })]
    }

    /// Client side, second round: listed documents are synced as in [`Hub::follow_catalog`];
    /// documents held whose fingerprints the relay did not know are synced; every other
    /// document held is in sync.
    fn follow_fingerprints(
        &mut self,
        relay: &PeerId,
        listed: &[CatalogEntry],
        unknown: &[u8],
    ) -> Vec<Effect> {
        let unknown: HashSet<&[u8]> = unknown.chunks_exact(FINGERPRINT_BYTES).collect();
        let listed_ids: HashSet<DocumentId> = listed.iter().map(|e| e.document_id).collect();
        let held: Vec<(DocumentId, bool)> = self
            .held()
            .filter(|(id, _)| !listed_ids.contains(*id))
            .map(|(id, heads)| {
                let print = fingerprint(id, &heads);
                (*id, unknown.contains(&print[..]))
            })
            .collect();
        let mut effects = Vec::new();
        // Held, unknown to the relay at these heads and not listed: made here, or no longer
        // readable. Checked first with their heads (the relay revokes what it must), then
        // synced: once checked, they are synced.
        let checked = std::mem::take(&mut self.checked);
        let mut check = Vec::new();
        for (id, differs) in held {
            if !differs {
                self.assume_in_sync(relay, id);
            } else if self.peers.get(relay).is_some_and(|s| s.contains_key(&id)) {
                // already syncing (a local change since the request, say)
            } else if checked.contains(&id) {
                self.start(relay, id, &mut effects);
            } else {
                check.push(CatalogEntry {
                    document_id: id,
                    heads: self.heads(&id),
                });
            }
        }
        if !check.is_empty() {
            self.checked = check.iter().map(|e| e.document_id).collect();
            effects.push(Effect::Send(Message::CatalogRequest {
                sender_id: self.me.clone(),
                target_id: relay.clone(),
                have: check,
                digest: None,
                fingerprints: Some(Vec::new().into()),
            }));
        }
        for entry in listed {
            if self
                .peers
                .get(relay)
                .is_some_and(|s| s.contains_key(&entry.document_id))
            {
                continue;
            }
            if self.heads(&entry.document_id) == entry.heads {
                self.assume_in_sync(relay, entry.document_id);
            } else {
                self.await_listed(entry.document_id);
                self.docs.entry(entry.document_id).or_default();
                self.start(relay, entry.document_id, &mut effects);
            }
        }
        effects
    }

    /// Relay side, after who may read `id` may have changed (the document itself changed, or
    /// something its read policy depends on): a follower that may read it and does not sync it
    /// yet is sent it at once (a new document, or consent given); one that syncs it and may no
    /// longer read it is told it is revoked and its sync state is dropped.
    pub fn reevaluate(&mut self, id: DocumentId) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.role != Role::Relay || self.heads(&id).is_empty() {
            return effects;
        }
        let mut followers: Vec<PeerId> = self.followers.iter().cloned().collect();
        followers.sort();
        for peer in followers {
            let syncing = self.peers.get(&peer).is_some_and(|d| d.contains_key(&id));
            match (syncing, self.may_read(&peer, &id)) {
                (false, true) => self.start(&peer, id, &mut effects),
                (true, false) => {
                    self.forget(&peer, &id);
                    effects.push(Effect::Send(Message::Revoked {
                        sender_id: self.me.clone(),
                        target_id: peer,
                        document_ids: vec![id],
                    }));
                }
                _ => {}
            }
        }
        effects
    }

    /// Client side: documents at the relay's heads are in sync; every other document, listed
    /// or only held here, is synced (requested when this side has nothing of it).
    fn follow_catalog(&mut self, relay: &PeerId, listed: &[CatalogEntry]) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut ids: Vec<DocumentId> = self.ids().copied().collect();
        for entry in listed {
            if self
                .peers
                .get(relay)
                .is_some_and(|s| s.contains_key(&entry.document_id))
            {
                continue; // already syncing (a local change since the request, say)
            }
            if self.heads(&entry.document_id) == entry.heads {
                self.assume_in_sync(relay, entry.document_id);
            } else {
                self.await_listed(entry.document_id);
                self.docs.entry(entry.document_id).or_default();
                ids.push(entry.document_id);
            }
        }
        for id in ids {
            if !self.peers.get(relay).is_some_and(|s| s.contains_key(&id)) {
                self.start(relay, id, &mut effects);
            }
        }
        effects
    }

    /// A sync state for a peer known to hold exactly this side's heads of `id`: it generates
    /// no message until the document changes, then sends only the new changes.
    fn assume_in_sync(&mut self, peer: &PeerId, id: DocumentId) {
        let heads = self.heads(&id);
        let Some(states) = self.peers.get_mut(peer) else {
            return;
        };
        states.entry(id).or_insert_with(|| holding(heads));
    }

    /// Relay side: `peer` is known to hold `id` at `earlier` heads of the relay's (its
    /// fingerprint said so): it is sent the changes since, as a sync partner that has exactly
    /// those heads would be.
    fn catch_up(
        &mut self,
        peer: &PeerId,
        id: DocumentId,
        earlier: Vec<ChangeHash>,
        effects: &mut Vec<Effect>,
    ) {
        let Some(states) = self.peers.get_mut(peer) else {
            return;
        };
        states.insert(id, holding(earlier));
        self.start(peer, id, effects);
    }

    fn check_sender(&self, from: &PeerId, claimed: &PeerId) -> Result<(), SyncError> {
        if claimed != from {
            return Err(SyncError::WrongSender {
                claimed: claimed.clone(),
                actual: from.clone(),
            });
        }
        Ok(())
    }

    fn receive_sync(
        &mut self,
        from: &PeerId,
        id: DocumentId,
        data: &[u8],
        is_request: bool,
    ) -> Result<Vec<Effect>, SyncError> {
        let bad = |reason: String| SyncError::BadSyncMessage {
            document: id,
            reason,
        };
        // The judged copy is for this message alone.
        let judged = self
            .judged
            .take()
            .filter(|j| j.id == id && j.data == data)
            .map(|j| j.doc);
        let message = sync::Message::decode(data).map_err(|e| bad(e.to_string()))?;
        let they_have_it = !message.heads.is_empty();
        let mut effects = Vec::new();

        if self.role == Role::Relay {
            let has_content = !self.heads(&id).is_empty();
            let visible = has_content && self.may_read(from, &id);
            if !visible && (has_content || message.changes.is_empty()) {
                // Exactly as for a document that does not exist, and keep no state for it: an
                // id someone only guessed, or one they may not read, costs nothing to hold.
                if let Some(states) = self.peers.get_mut(from) {
                    states.remove(&id);
                }
                if !they_have_it {
                    if is_request {
                        effects.push(Effect::Send(Message::DocUnavailable {
                            document_id: id,
                            sender_id: self.me.clone(),
                            target_id: from.clone(),
                        }));
                    }
                    return Ok(effects);
                }
                let mut state = sync::State::new();
                let mut empty = Automerge::new();
                // The message carries no changes here, so this only reads its heads and needs.
                let _ = empty.receive_sync_message(&mut state, message);
                if let Some(mut reply) = empty.generate_sync_message(&mut state) {
                    self.ask_for_parked_needs(from, &id, &mut reply);
                    effects.push(Effect::Send(Message::Sync {
                        document_id: id,
                        sender_id: self.me.clone(),
                        target_id: from.clone(),
                        data: wire(self.role, reply),
                    }));
                }
                return Ok(effects);
            }
        }

        let Self {
            docs,
            peers,
            owed,
            incremental_saves,
            unanswered,
            ..
        } = self;
        if !unanswered.is_empty() {
            unanswered.remove(&(from.clone(), id));
        }
        let slot = docs.entry(id).or_default();
        let before = slot.heads();
        let doc = slot.doc_mut();
        let state = peers
            .get_mut(from)
            .ok_or_else(|| SyncError::UnknownPeer(from.clone()))?
            .entry(id)
            .or_default();
        // Batching defers the reply to the end of the burst. automerge takes a message without
        // changes whose heads equal ours as proof that the peer knows we have them and records
        // our heads as sent; but while a reply is owed, the peer has not been told yet (it
        // sent those heads itself: its own changes, which we have not acknowledged). Without
        // this the deferred reply is never generated and the writer never acknowledged.
        let owed_reply = owed
            .as_ref()
            .is_some_and(|o| o.replies.contains_key(&(from.clone(), id)));
        // automerge's first answer to a peer that has nothing is the whole document, saved.
        let arrived_whole = (!*incremental_saves && before.is_empty())
            .then(|| whole_document(&message).map(<[u8]>::to_vec))
            .flatten();
        let sent = owed_reply.then(|| state.last_sent_heads.clone());
        // The judged copy holds the message's changes already: automerge finds each present
        // and only reads the rest of the message. Judged, the message carries exactly the
        // changes new to the relay, each as it was written: they are what is stored, rather
        // than automerge rebuilding them from its op store against the heads before (in a
        // storm, hundreds).
        let judged_changes = judged.is_some().then(|| {
            message
                .changes
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<u8>>()
        });
        let replaced = judged.map(|copy| std::mem::replace(doc, copy));
        if let Err(e) = doc.receive_sync_message(state, message) {
            if let Some(old) = replaced {
                *doc = old;
            }
            return Err(bad(e.to_string()));
        }
        if let Some(sent) = sent {
            state.last_sent_heads = sent;
        }
        let after = doc.get_heads();
        let changed = after != before;
        if changed {
            effects.push(Effect::Persist {
                document: id,
                bytes: match (*incremental_saves, judged_changes) {
                    (true, Some(changes)) => changes,
                    (true, None) => doc.save_after(&before),
                    (false, _) => arrived_whole.unwrap_or_default(),
                },
            });
            effects.push(Effect::Changed { document: id });
        }
        slot.remember_heads(after);
        if changed {
            self.arrived(&id);
        }
        if let Some(owed) = self.owed.as_mut() {
            // Batching: the sender is owed a reply; everyone else only if something changed.
            *owed.replies.entry((from.clone(), id)).or_default() |= changed;
            if changed {
                owed.changed.insert(id);
            }
            if self.role == Role::Relay && changed {
                effects.extend(self.reevaluate(id));
            }
            return Ok(effects);
        }
        // Answer the sender, and tell everyone else who syncs this document.
        let peer_ids: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, d)| d.contains_key(&id))
            .map(|(p, _)| p.clone())
            .collect();
        for peer in peer_ids {
            if self.may_read(&peer, &id) {
                self.offer(&peer, id, &mut effects);
            }
        }
        // A document new to the relay goes to every follower at once; a change may also have
        // changed who may read it.
        if self.role == Role::Relay && self.heads(&id) != before {
            effects.extend(self.reevaluate(id));
        }
        Ok(effects)
    }

    /// Begins syncing `id` with `peer`: `request` if this side has nothing of it, else `sync`.
    fn start(&mut self, peer: &PeerId, id: DocumentId, effects: &mut Vec<Effect>) {
        let Some(doc) = self.docs.get(&id).map(Slot::doc) else {
            return;
        };
        let Some(states) = self.peers.get_mut(peer) else {
            return;
        };
        let state = states.entry(id).or_default();
        let empty = doc.get_heads().is_empty();
        if let Some(mut message) = doc.generate_sync_message(state) {
            self.ask_for_parked_needs(peer, &id, &mut message);
            let data = wire(self.role, message);
            effects.push(Effect::Send(if empty {
                Message::Request {
                    document_id: id,
                    sender_id: self.me.clone(),
                    target_id: peer.clone(),
                    data,
                }
            } else {
                Message::Sync {
                    document_id: id,
                    sender_id: self.me.clone(),
                    target_id: peer.clone(),
                    data,
                }
            }));
        }
    }

    /// Sends `peer` whatever it lacks of `id`, if anything and if it is not waiting on us.
    fn offer(&mut self, peer: &PeerId, id: DocumentId, effects: &mut Vec<Effect>) {
        let Some(doc) = self.docs.get(&id).map(Slot::doc) else {
            return;
        };
        let Some(state) = self.peers.get_mut(peer).and_then(|d| d.get_mut(&id)) else {
            return;
        };
        let unanswered = self.unanswered.contains(&(peer.clone(), id));
        if awaits_answer(self.role, state, doc, unanswered) {
            return;
        }
        if let Some(mut message) = doc.generate_sync_message(state) {
            if self.role == Role::Relay {
                self.announced.remove(&(peer.clone(), id));
                if !message.changes.is_empty() {
                    self.unanswered.insert((peer.clone(), id));
                }
            }
            self.ask_for_parked_needs(peer, &id, &mut message);
            effects.push(Effect::Send(Message::Sync {
                document_id: id,
                sender_id: self.me.clone(),
                target_id: peer.clone(),
                data: wire(self.role, message),
            }));
        }
    }
}

/// How many earlier heads of a document the relay tries against a device's fingerprints
/// ([`earlier_heads`]): a device that missed up to this many changes of it is caught up in the
/// catalog's second round.
const EARLIER_HEADS: usize = 8;
/// How many concurrent heads a document has before the relay folds them into one
/// ([`Hub::merge_heads`]). Two devices writing at once are common and cost nothing much; eight
/// are a storm.
pub const MERGE_HEADS_AT: usize = 8;
/// The relay's walking budget per fingerprint a device sends (see [`Hub::answer_fingerprints`]).
const EARLIER_HEADS_PER_FINGERPRINT: usize = 4;

/// Whether an offer to a peer in `state` is to wait for the peer's answer to the last one,
/// decided without generating it. automerge's `generate_sync_message` does its costly work
/// (the Bloom filter, the hashes to send, and for a peer holding nothing a compressed save of
/// the whole document) before its own "message in flight" check, and that check holds only
/// while our heads are unchanged.
///
/// - Heads unchanged since the last message, which the peer has not answered: automerge would
///   send nothing, so nothing is generated.
/// - Relay side, a peer sent changes it has not answered yet (`unanswered`, kept by the hub):
///   automerge would send it another message at every new head. In a storm every broadcast
///   sent a busy device one more message (a whole document while it lacked a third of the
///   changes, and at connecting, the whole document again and again) before it had read the
///   last; at 1,000 devices waiting halved the relay's CPU (13.3 to 6.9 s) and cut the
///   messages by 30 %. It will answer: taking in changes moves its heads, so its sync state
///   has something to say. Its answer is owed a reply ([`Hub::answer`]) with whatever changed
///   meanwhile.
fn awaits_answer(role: Role, state: &sync::State, doc: &Automerge, unanswered: bool) -> bool {
    (role == Role::Relay && unanswered)
        || (state.in_flight && state.have_responded && state.last_sent_heads == doc.get_heads())
}

/// A sync message that tells a peer `heads` and carries no changes. Its `have` says the relay
/// holds `known` (heads the peer said it holds) and nothing the peer does not know of, so the
/// peer's answer carries what the message's `need` asks for (which the caller fills in) and
/// any change the peer made since `known`, and no other. A `have` of automerge's own making
/// would carry a Bloom filter, which about 1 % of the time claims, wrongly, that the relay
/// holds the peer's next write: the write then comes a round trip late. No `have` at all would
/// hold back the peer's next write until it was asked for.
fn heads_only(heads: Vec<ChangeHash>, known: Vec<ChangeHash>) -> sync::Message {
    sync::Message {
        heads,
        need: Vec::new(),
        have: vec![sync::Have {
            last_sync: known,
            bloom: sync::BloomFilter::default(),
        }],
        changes: Vec::<Vec<u8>>::new().into(),
        flags: None,
        version: sync::MessageVersion::V1,
    }
}

/// A sync message as sent. The relay's:
///
/// - carry no flags, so a device takes the relay for a peer of the first message version and
///   sends it its new changes one by one, never a whole saved document in their place:
///   automerge sends that for more than a third of a document's changes, which is every write
///   to a document of one or two changes (a task made by "Opret og offentliggør"). The relay
///   judges and stores a change as it came; a saved document it must load whole and take
///   apart, and it would store the task again with every sign-up. The flags say nothing else
///   the relay uses: it has no read-only peers and never resets a device's sync. What the
///   relay sends a device is the device's choice, as before.
/// - that carry the whole document say, in their `have`, that the relay holds exactly its
///   heads (the peer holds them too once it has loaded it) rather than automerge's Bloom
///   filter of every change: about 1 % of the time that filter claims, wrongly, to hold the
///   peer's next write, and the write came a round trip late (the last devices acknowledged
///   in a storm).
fn wire(role: Role, mut message: sync::Message) -> Vec<u8> {
    if role == Role::Relay {
        message.flags = None;
        if !message.have.is_empty() && whole_document(&message).is_some() {
            message.have = vec![sync::Have {
                last_sync: message.heads.clone(),
                bloom: sync::BloomFilter::default(),
            }];
        }
    }
    message.encode()
}

/// The sync state of a peer known to hold exactly `heads` of a document.
fn holding(heads: Vec<ChangeHash>) -> sync::State {
    sync::State {
        shared_heads: heads.clone(),
        last_sent_heads: heads.clone(),
        their_heads: Some(heads.clone()),
        their_need: Some(Vec::new()),
        their_have: Some(vec![sync::Have {
            last_sync: heads,
            bloom: sync::BloomFilter::default(),
        }]),
        have_responded: true,
        ..sync::State::default()
    }
}

/// Heads `doc` had before its latest changes, newest first, at most `limit`, each step taken
/// from `budget`: each head taken back in turn, its dependencies in its place. A device that
/// missed the last few changes holds one of these (exactly, where the history is a line; a
/// merge may give sets no replica held, which then match nothing).
fn earlier_heads(doc: &Automerge, limit: usize, budget: &mut usize) -> Vec<Vec<ChangeHash>> {
    let mut out: Vec<Vec<ChangeHash>> = Vec::new();
    let mut queue = std::collections::VecDeque::from([doc.get_heads()]);
    while let Some(heads) = queue.pop_front() {
        for head in &heads {
            if out.len() >= limit || *budget == 0 {
                return out;
            }
            *budget -= 1;
            let Some(change) = doc.get_change_by_hash(head) else {
                continue;
            };
            let mut earlier: Vec<ChangeHash> = heads
                .iter()
                .filter(|h| *h != head)
                .chain(change.deps())
                .copied()
                .collect();
            earlier.sort_unstable();
            earlier.dedup();
            if !earlier.is_empty() && !out.contains(&earlier) {
                out.push(earlier.clone());
                queue.push_back(earlier);
            }
        }
    }
    out
}
