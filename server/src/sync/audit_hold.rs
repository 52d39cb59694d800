//! The audit hold: a message that carries a document whose reads are audited (a profile, to
//! anyone but its owner) waits until its audit entry is committed; anything else for that
//! peer waits behind it, so each peer still gets its messages in order.

use std::collections::HashSet;

use samskab_model::sync::{Message, PeerId};

use super::engine::Engine;
use super::lock;
use crate::audit::ProfileRead;

impl Engine {
    /// If `message` carries a profile to someone other than its owner: the audit entry it
    /// needs (`Some(None)` when it carries no changes, only sync bookkeeping, which is held
    /// too, to keep the order, but not logged).
    pub(super) fn audit_of(&self, message: &Message) -> Option<Option<ProfileRead>> {
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
        let view = self.readers.view(document_id, doc)?;
        let owner = view.audited_owner()?.clone();
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
            at: self.accounts.now_ms(),
            device: crate::peers::device_label(target_id, &client.user_agent),
            user_agent: client.user_agent.clone(),
        }))
    }

    /// Commits the held messages' audit entries in one transaction, then sends them. If the
    /// log cannot be written, nothing is sent and those readers are disconnected (they retry).
    pub(super) fn flush_held(&mut self) {
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
}
