//! The sync engine's part of erasure and retention (issue #15): writing a person out of every
//! document (or, for retention, everyone out of documents long past) through the kinds' hooks
//! ([`kinds::erase_any`], [`kinds::expire_any`]), replacing rewritten histories by fresh ones,
//! and the tombstones that keep old histories out for good.
//!
//! Hooks into the engine, each one line: [`Engine::tombstone_refusal`] at the top of
//! `authorize` (judging.rs), [`Engine::drop_stale_catalog_entries`] before a catalog request
//! reaches the hub, [`Engine::revoke_stale_sync`] before a sync message is judged, [`Engine::refuses_connect`] at connect, and [`super::Command::Erase`].
//!
//! What a device sees is in `docs/protocol.md`, "Erasure and rewritten documents".

use std::collections::{HashMap, HashSet};

use automerge::{ActorId, ChangeHash, ReadDoc};
use samskab_model::authz::Refusal;
use samskab_model::erasure::{ErasedPerson, Erasure, all_hashes, history_mentions};
use samskab_model::kinds;
use samskab_model::sync::{Effect, Message, PeerId};
use samskab_model::{DocumentId, PersonId};

use super::engine::Engine;
use super::lock;
use crate::storage::StoreError;

/// Whose data an erasure removes from the documents.
#[derive(Debug, Clone)]
pub enum Subject {
    /// One person (GDPR art. 17), with the actor ids bound to them.
    Person {
        person: ErasedPerson,
        actors: Vec<ActorId>,
    },
    /// Retention: personal data older than this cut-off (ms), as each kind's `expire` says.
    Before(i64),
}

/// One document an erasure changes: its id, what becomes of it (a fresh history's bytes and
/// heads, or deletion) and its old history's hashes.
type Planned = (
    DocumentId,
    Erasure<(Vec<u8>, Vec<ChangeHash>)>,
    Vec<ChangeHash>,
);

/// What an erasure did to the documents.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DocumentErasure {
    pub deleted: Vec<DocumentId>,
    pub rewritten: Vec<DocumentId>,
}

/// What the relay remembers forever of erased documents and replaced histories: ids and change
/// hashes only. Loaded from the accounts store at start; written there before any document
/// changes.
#[derive(Debug, Default)]
pub(super) struct Tombstones {
    pub(super) erased: HashSet<DocumentId>,
    retired: HashMap<ChangeHash, DocumentId>,
    /// People whose erasure is under way: no connection of theirs is accepted meanwhile.
    pub(super) erasing: HashSet<PersonId>,
}

impl Tombstones {
    pub(super) fn load(accounts: &crate::accounts::Accounts) -> Result<Self, StoreError> {
        let (erased, retired) = accounts.store().tombstones()?;
        Ok(Self {
            erased: erased.into_iter().collect(),
            retired: retired
                .into_iter()
                .map(|(doc, hash)| (ChangeHash(hash), doc))
                .collect(),
            erasing: HashSet::new(),
        })
    }

    /// Whether `hash` is a change of `id`'s replaced history (and not in its current one: a
    /// state rewritten back to an earlier one has the same fresh change again).
    fn retired(
        &self,
        id: &DocumentId,
        hash: &ChangeHash,
        current: Option<&automerge::Automerge>,
    ) -> bool {
        self.retired.get(hash) == Some(id)
            && current.is_none_or(|doc| doc.get_change_by_hash(hash).is_none())
    }
}

impl Engine {
    /// Hook for `authorize`: a write to an erased document, or a change of (or on top of) a
    /// replaced history, is refused before anything else is looked at.
    pub(super) fn tombstone_refusal(&self, id: DocumentId, data: &[u8]) -> Option<Refusal> {
        if self.tombstones.erased.contains(&id) {
            return Some(Refusal::Erased);
        }
        if self.tombstones.retired.is_empty() {
            return None;
        }
        let message = automerge::sync::Message::decode(data).ok()?;
        let current = self.hub.document(&id);
        for bytes in message.changes.iter() {
            // A chunk that is not one change (a whole document) is judged by admit as usual;
            // every change in it is then checked by its dependencies on the way in below.
            let Ok(change) = automerge::Change::from_bytes(bytes.to_vec()) else {
                let mut scratch = automerge::Automerge::new();
                if scratch.load_incremental(bytes).is_ok()
                    && all_hashes(&scratch)
                        .iter()
                        .any(|h| self.tombstones.retired(&id, h, current))
                {
                    return Some(Refusal::Rewritten);
                }
                continue;
            };
            if self.tombstones.retired(&id, &change.hash(), current)
                || change
                    .deps()
                    .iter()
                    .any(|d| self.tombstones.retired(&id, d, current))
            {
                return Some(Refusal::Rewritten);
            }
        }
        None
    }

    /// Hook at connect: no connection for a person being erased.
    pub(super) fn refuses_connect(&self, person: &PersonId) -> bool {
        self.tombstones.erasing.contains(person)
    }

    /// Hook for a catalog request, before the hub answers it: every listed document that was
    /// erased, or that the device holds at heads from a replaced history, is revoked (the
    /// device deletes its copy) and left out of what the hub sees; a rewritten one is then in
    /// the catalog as a document the device does not hold, so it fetches the fresh history.
    /// Only heads the relay really retired count (hashes cannot be guessed), so a made-up
    /// entry learns nothing.
    pub(super) fn drop_stale_catalog_entries(
        &mut self,
        peer: &PeerId,
        message: Message,
    ) -> Message {
        let mut message = message;
        let Message::CatalogRequest { have, .. } = &mut message else {
            return message;
        };
        if self.tombstones.retired.is_empty() || have.is_empty() {
            return message;
        }
        let (stale, kept): (Vec<_>, Vec<_>) = std::mem::take(have).into_iter().partition(|entry| {
            let current = self.hub.document(&entry.document_id);
            entry
                .heads
                .iter()
                .any(|h| self.tombstones.retired(&entry.document_id, h, current))
        });
        *have = kept;
        if !stale.is_empty() {
            tracing::info!(peer = %peer, documents = stale.len(), "revoking erased or rewritten documents at connect");
            let revoked = Message::Revoked {
                sender_id: self.hub.me().clone(),
                target_id: peer.clone(),
                document_ids: stale.into_iter().map(|e| e.document_id).collect(),
            };
            self.apply(None, vec![Effect::Send(revoked)]);
        }
        message
    }

    /// Hook for a sync message, before it is judged: a Samskab device whose first sync message
    /// about a document names heads from a replaced history (with the digest catalog its
    /// heads travel there, not in the catalog request) gets the document revoked, as at
    /// connect, and is then sent the fresh history as a document it does not hold. True if
    /// the message was consumed so. A stock client is left to the refusal of its old changes.
    pub(super) fn revoke_stale_sync(&mut self, peer: &PeerId, message: &Message) -> bool {
        if self.tombstones.retired.is_empty() || !self.hub.is_follower(peer) {
            return false;
        }
        let (Message::Sync {
            document_id, data, ..
        }
        | Message::Request {
            document_id, data, ..
        }) = message
        else {
            return false;
        };
        let Ok(sync) = automerge::sync::Message::decode(data) else {
            return false; // judged (and refused as malformed) as usual
        };
        let current = self.hub.document(document_id);
        if !sync
            .heads
            .iter()
            .any(|h| self.tombstones.retired(document_id, h, current))
        {
            return false;
        }
        tracing::info!(peer = %peer, document = %document_id, "revoking a rewritten document a device still holds");
        self.hub.forget(peer, document_id);
        let revoked = Message::Revoked {
            sender_id: self.hub.me().clone(),
            target_id: peer.clone(),
            document_ids: vec![*document_id],
        };
        self.apply(None, vec![Effect::Send(revoked)]);
        let effects = self.hub.reevaluate(*document_id);
        self.apply(None, effects);
        true
    }

    /// Writes `subject` out of every document: each kind decides (delete, rewrite, untouched);
    /// a document whose state is untouched but whose history mentions the person is rewritten
    /// too. For each document changed, in this order: the old history's hashes (and an erased
    /// id) are stored as tombstones, then the store replaces or deletes the document, then
    /// the hub; devices syncing it are told (`samskab-revoked` for a deleted document; a
    /// rewritten one closes their connection, and at reconnect they drop the old history and
    /// fetch the new one). A failure stops the erasure with the error; running it again
    /// finishes it (every step is idempotent).
    pub(super) fn erase_documents(
        &mut self,
        subject: &Subject,
    ) -> Result<DocumentErasure, StoreError> {
        let started = std::time::Instant::now();
        if let Subject::Person { person, actors } = subject {
            self.tombstones.erasing.insert(person.id.clone());
            let theirs: Vec<PeerId> = lock(&self.readers.clients)
                .iter()
                .filter(|(_, c)| c.principal.person == person.id)
                .map(|(p, _)| p.clone())
                .collect();
            for peer in theirs {
                self.close(&peer, "the account has been deleted".into());
            }
            for actor in actors {
                self.actors.remove(actor);
            }
            // Actor ids bound since the accounts listed theirs (the engine stores a burst, its
            // new actors' bindings first, before it takes a command like this one) are
            // retired with the account, which retires every actor bound to them, and leave
            // the cache too.
            self.actors.retain(|_, p| *p != person.id);
        }
        let needles = match subject {
            Subject::Person { person, .. } => person.needles(),
            Subject::Before(_) => Vec::new(),
        };
        let mut plan: Vec<Planned> = Vec::new();
        for (id, doc) in self.hub.documents() {
            let decision = match subject {
                Subject::Person { person, actors } => match kinds::erase_any(doc, person) {
                    Erasure::Untouched if history_mentions(doc, &needles, actors) => {
                        kinds::fresh_any(doc).map_or(Erasure::Untouched, Erasure::Rewrite)
                    }
                    decided => decided,
                },
                Subject::Before(cutoff) => kinds::expire_any(doc, *cutoff),
            };
            if decision != Erasure::Untouched {
                plan.push((*id, decision, all_hashes(doc)));
            }
        }
        let mut out = DocumentErasure::default();
        let now = self.accounts.now_ms();
        for (id, decision, old) in plan {
            let hashes: Vec<[u8; 32]> = old.iter().map(|h| h.0).collect();
            match decision {
                Erasure::Untouched => {}
                Erasure::Delete => {
                    self.accounts
                        .store()
                        .record_tombstones(&[id], &[(id, hashes)], now)?;
                    self.store.delete(&id)?;
                    self.tombstones.erased.insert(id);
                    self.tombstones
                        .retired
                        .extend(old.into_iter().map(|h| (h, id)));
                    let affected = self.hub.reload(id, &[]).unwrap_or_default();
                    self.hub.reset(&id);
                    self.sizes.remove(&id);
                    lock(&self.readers.views).remove(&id);
                    let touched = lock(&self.readers.facts).forget(id);
                    for peer in affected {
                        self.revoke(&peer, id);
                    }
                    self.reevaluate_dependents(&touched);
                    out.deleted.push(id);
                }
                Erasure::Rewrite((bytes, _heads)) => {
                    self.accounts
                        .store()
                        .record_tombstones(&[], &[(id, hashes)], now)?;
                    self.store.replace(&id, &bytes)?;
                    self.tombstones
                        .retired
                        .extend(old.into_iter().map(|h| (h, id)));
                    let affected = match self.hub.reload(id, &bytes) {
                        Ok(affected) => affected,
                        Err(e) => {
                            tracing::error!(document = %id, error = %e, "a fresh history does not load");
                            Vec::new()
                        }
                    };
                    self.sizes.insert(id, bytes.len());
                    for peer in affected {
                        self.close(&peer, "a document was rewritten to erase a person's data; reconnect to fetch it".into());
                    }
                    self.changed(&[id]);
                    out.rewritten.push(id);
                }
            }
        }
        tracing::info!(
            deleted = out.deleted.len(),
            rewritten = out.rewritten.len(),
            ms = started.elapsed().as_millis() as u64,
            "documents erased"
        );
        Ok(out)
    }

    /// Tells a peer to delete a document (a stock client, which knows no such message, is
    /// disconnected: at reconnect the document is simply not there).
    fn revoke(&mut self, peer: &PeerId, id: DocumentId) {
        if self.hub.is_follower(peer) {
            let message = Message::Revoked {
                sender_id: self.hub.me().clone(),
                target_id: peer.clone(),
                document_ids: vec![id],
            };
            self.apply(None, vec![Effect::Send(message)]);
        } else {
            self.close(peer, format!("document {id} was erased"));
        }
    }
}
