//! Erasure of a person (GDPR art. 17) and removal on a retention schedule (art. 5(1)(e)),
//! as far as documents go: what the kinds' erasure hooks say ([`crate::kinds::DocumentKind::erase`],
//! [`crate::kinds::DocumentKind::expire`]), and the two helpers every relay-side rewrite
//! needs: whether a document's *history* mentions a person ([`history_mentions`]), and a fresh
//! history that starts from a rewritten state ([`fresh_history`]).
//!
//! Pure, like the rest of `model`: the relay's erasure routine (`server/src/erasure.rs`)
//! decides when to call these and stores what they return. See `docs/protocol.md`,
//! "Erasure and rewritten documents".

use automerge::{ActorId, AutoCommit, Automerge, ChangeHash};
use autosurgeon::Reconcile;

use crate::ids::PersonId;

/// The person being erased, as the relay's account knew them: what must not remain in any
/// document's state or history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedPerson {
    pub id: PersonId,
    pub name: String,
    /// Normalised (lower-case), as the accounts store keeps it.
    pub email: String,
    /// Empty when the account had none.
    pub phone: String,
}

impl ErasedPerson {
    /// The strings that identify the person inside a document: id, e-mail, phone and name
    /// (the name only when long enough not to match ordinary words: a two-letter name would
    /// flag half the documents for a rewrite).
    pub fn needles(&self) -> Vec<String> {
        let mut needles = vec![self.id.to_string()];
        for value in [&self.email, &self.phone] {
            if !value.trim().is_empty() {
                needles.push(value.trim().to_owned());
            }
        }
        if self.name.trim().chars().count() >= 4 {
            needles.push(self.name.trim().to_owned());
        }
        needles
    }

    /// Whether a free-text contact (a task's or an organisation's) is this person: the same
    /// e-mail (any case) or the same phone number (digits compared).
    pub fn is_contact(&self, email: &str, phone: &str) -> bool {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        (!self.email.is_empty() && email.trim().eq_ignore_ascii_case(self.email.trim()))
            || (digits(&self.phone).len() >= 6 && digits(phone) == digits(&self.phone))
    }
}

/// What erasing a person (or a retention cut-off) does to one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Erasure<D> {
    /// The document's current state holds nothing of the person. (Its history may still: the
    /// relay checks that itself with [`history_mentions`] and rewrites the history if so.)
    Untouched,
    /// The document is the person's own: it goes, and its id is refused from then on.
    Delete,
    /// The document stays, as this state (the person written out of it); the relay replaces
    /// its history by a fresh one starting from it.
    Rewrite(D),
}

impl<D> Erasure<D> {
    /// The same decision over another document type.
    pub fn map<E>(self, f: impl FnOnce(D) -> E) -> Erasure<E> {
        match self {
            Erasure::Untouched => Erasure::Untouched,
            Erasure::Delete => Erasure::Delete,
            Erasure::Rewrite(d) => Erasure::Rewrite(f(d)),
        }
    }
}

/// The actor id the relay writes fresh histories under. Fixed, so that nothing in a rewritten
/// document tells when or by which relay it was rewritten; no user can bind it (it is bound at
/// the relay to no one, and the rewrite is never judged as a user's change).
pub fn relay_actor() -> ActorId {
    ActorId::from(b"samskab-rewrite!".as_slice())
}

/// A document whose whole history is one change by [`relay_actor`], dated 0, holding `state`:
/// nothing of the history it replaces survives (no earlier change, actor id, time or
/// deleted value). Returns its saved bytes and its heads.
pub fn fresh_history<T: Reconcile>(state: &T) -> Result<(Vec<u8>, Vec<ChangeHash>), String> {
    let mut doc = AutoCommit::new().with_actor(relay_actor());
    autosurgeon::reconcile(&mut doc, state).map_err(|e| e.to_string())?;
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    let heads = doc.get_heads();
    Ok((doc.save(), heads))
}

/// Whether any change in `doc`'s history was made under one of `actors`, or holds one of
/// `needles` (as a map key or a string value; compared as written, so e-mail addresses are
/// compared lower-cased). Reads every change: costs in proportion to the history, which is
/// why the relay asks it only during an erasure.
pub fn history_mentions(doc: &Automerge, needles: &[String], actors: &[ActorId]) -> bool {
    use automerge::ScalarValue;
    use automerge::legacy::{Key, OpType};
    let lowered: Vec<String> = needles.iter().map(|n| n.to_lowercase()).collect();
    let hit = |s: &str| {
        let s = s.to_lowercase();
        lowered.iter().any(|n| s.contains(n.as_str()))
    };
    for change in doc.get_changes(&[]) {
        if actors.contains(change.actor_id()) {
            return true;
        }
        for op in change.decode().operations {
            if let Key::Map(key) = &op.key
                && hit(key)
            {
                return true;
            }
            if let OpType::Put(ScalarValue::Str(value)) = &op.action
                && hit(value)
            {
                return true;
            }
        }
    }
    false
}

/// Every change hash in `doc`'s history (what the relay remembers of a replaced history, so
/// that no device can bring any of it back).
pub fn all_hashes(doc: &Automerge) -> Vec<ChangeHash> {
    doc.get_changes(&[]).iter().map(|c| c.hash()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ReadDoc;

    #[test]
    fn a_fresh_history_has_one_change_and_none_of_the_old_values() {
        let mut old = AutoCommit::new();
        autosurgeon::reconcile(
            &mut old,
            std::collections::BTreeMap::from([("a", "vera@x.dk")]),
        )
        .unwrap();
        old.commit();
        autosurgeon::reconcile(&mut old, std::collections::BTreeMap::from([("a", "x")])).unwrap();
        old.commit();
        let needles = vec!["vera@x.dk".to_owned()];
        assert!(history_mentions(old.document(), &needles, &[]));
        let state: std::collections::BTreeMap<String, String> =
            autosurgeon::hydrate(old.document()).unwrap();
        let (bytes, heads) = fresh_history(&state).unwrap();
        let fresh = Automerge::load(&bytes).unwrap();
        assert_eq!(fresh.get_heads(), heads);
        assert_eq!(fresh.get_changes(&[]).len(), 1);
        assert!(!history_mentions(&fresh, &needles, &[]));
        assert_eq!(fresh.get_changes(&[])[0].timestamp(), 0);
        assert!(fresh.get(automerge::ROOT, "a").unwrap().is_some());
        // The same state, rewritten twice, is the same history: nothing varies with the time.
        assert_eq!(fresh_history(&state).unwrap().1, heads);
    }

    #[test]
    fn a_contact_is_the_person_by_email_or_phone() {
        let p = ErasedPerson {
            id: "vera".parse().unwrap(),
            name: "Vera".into(),
            email: "vera@x.dk".into(),
            phone: "+45 12 34 56 78".into(),
        };
        assert!(p.is_contact("Vera@X.dk", ""));
        assert!(
            !p.is_contact("", "12345678"),
            "the country code is part of the number"
        );
        assert!(p.is_contact("", "+45 12345678"));
        assert!(!p.is_contact("bo@x.dk", "87654321"));
        assert_eq!(p.needles().len(), 4);
    }
}
