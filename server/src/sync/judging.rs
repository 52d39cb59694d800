//! Judging an incoming sync message before the hub applies it: the writer's principal, the
//! relay's bounds on sign-up times, the ids reserved for another kind, the actor binding, and
//! what a refused writer is told. The rules themselves are the kinds' ([`admit`]).

use std::collections::{HashMap, HashSet};

use automerge::ActorId;
use samskab_model::authz::{self, Principal, Refusal};
use samskab_model::judge::{Incoming, Writer, admit};
use samskab_model::kinds;
use samskab_model::sync::{Effect, Message, PeerId};
use samskab_model::{DocumentId, PersonId};

use super::engine::Engine;
use super::{RESERVED_IDS_TTL, lock};
use crate::accounts::Accounts;
use crate::storage::accounts::ActorBinding;

impl Engine {
    /// Judges the changes a sync message carries before the hub applies any of them
    /// ([`admit`]); returns the message to hand to the hub (`None`: as it came).
    pub(super) fn authorize(
        &mut self,
        peer: &PeerId,
        id: DocumentId,
        data: &[u8],
    ) -> Result<Option<Vec<u8>>, Refusal> {
        // Erasure hook: erased documents and replaced histories are refused first.
        if let Some(refusal) = self.tombstone_refusal(id, data) {
            return Err(refusal);
        }
        let Some(client) = lock(&self.readers.clients).get(peer).cloned() else {
            return Err(Refusal::Forbidden {
                path: String::new(),
            });
        };
        // Only a creation can take another kind's id; the list is not consulted otherwise.
        let reserved = self.hub.heads(&id).is_empty() && self.reserved_ids().contains(&id);
        let window = authz::SignupWindow {
            now: self.accounts.now_ms(),
            not_before: client.last_contact,
        };
        let size = self.sizes.get(&id).copied().unwrap_or(0);
        // The actor the relay writes this document under (notices, folded heads): it is in the
        // document's history for every reader to see, and no device may write as the relay.
        let relay_actor = self.hub.document(&id).map(|doc| doc.get_actor().clone());
        let (actors, unbound, accounts) = (&mut self.actors, &mut self.unbound, &self.accounts);
        let admitted = admit(
            &mut self.hub,
            Incoming { peer, id, data },
            Writer {
                who: &client.principal,
                window,
                reserved,
                size,
            },
            |actor| {
                if relay_actor.as_ref() == Some(actor) {
                    return Err(Refusal::ForeignActor);
                }
                bind_actor(actors, unbound, accounts, actor, &client.principal)
            },
        )?;
        Ok(admitted.map(|admitted| {
            *self.sizes.entry(id).or_insert(0) += admitted.bytes;
            // What the changes touched, so that indexing their facts reads only that part.
            self.judged_paths = Some((id, admitted.paths));
            admitted.data
        }))
    }

    /// The ids the kinds derive from every account and organisation (a person's profile, an
    /// organisation's document): no other kind may be created at one, or the document it is
    /// meant for could never be made. Read again every [`RESERVED_IDS_TTL`].
    pub(super) fn reserved_ids(&mut self) -> &HashSet<DocumentId> {
        if self
            .reserved_ids_at
            .is_none_or(|at| at.elapsed() > RESERVED_IDS_TTL)
        {
            let directory = crate::peers::person_ids(&self.accounts).and_then(|people| {
                let organisations = self.accounts.organisations()?;
                Ok((people, organisations))
            });
            match directory {
                Ok((people, organisations)) => {
                    let organisations: Vec<_> = organisations.into_iter().map(|o| o.id).collect();
                    self.reserved_ids = kinds::derived_ids(&people, &organisations);
                    self.reserved_ids_at = Some(std::time::Instant::now());
                }
                Err(e) => tracing::error!(error = %e, "cannot list accounts for reserved ids"),
            }
        }
        &self.reserved_ids
    }

    /// A refused change is dropped. A Samskab client is told which document and why (it
    /// resets that document to the relay's version); a stock client gets `error` and is
    /// disconnected.
    pub(super) fn refuse(&mut self, peer: &PeerId, id: DocumentId, refusal: &Refusal) {
        tracing::warn!(document = %id, code = refusal.code(), reason = %refusal, "refused a change");
        self.hub.forget(peer, &id);
        if self.hub.is_follower(peer) {
            let message = Message::ChangeRefused {
                sender_id: self.hub.me().clone(),
                target_id: peer.clone(),
                document_id: id,
                code: refusal.code(),
                message: refusal.to_string(),
            };
            self.apply(None, vec![Effect::Send(message)]);
        } else {
            self.close(peer, format!("change to {id} refused: {refusal}"));
        }
    }
}

/// Binds an actor id to the writer on its first use, or refuses it if another user's or
/// retired (`actors` caches what the accounts store says, saving a database read per
/// change). A new binding is made in the cache and in `unbound`, and written with the burst
/// ([`Engine::store_unstored`]).
fn bind_actor(
    actors: &mut HashMap<ActorId, PersonId>,
    unbound: &mut Vec<(ActorId, PersonId)>,
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
    match accounts.actor_binding(actor.to_bytes()) {
        Ok(ActorBinding::Unbound) => {
            actors.insert(actor.clone(), who.person.clone());
            unbound.push((actor.clone(), who.person.clone()));
            Ok(())
        }
        Ok(ActorBinding::Bound(owner)) => {
            let ours = owner == who.person;
            actors.insert(actor.clone(), owner);
            if ours {
                Ok(())
            } else {
                Err(Refusal::ForeignActor)
            }
        }
        Ok(ActorBinding::Retired) => Err(Refusal::ForeignActor),
        Err(e) => {
            tracing::error!(error = %e, "cannot read an actor id's binding; refusing the change");
            Err(Refusal::Forbidden {
                path: String::new(),
            })
        }
    }
}
