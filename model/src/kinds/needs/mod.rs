//! A person's needs for a meeting as a kind of document ([`schema`]): kept out of the meeting,
//! which its whole audience reads, so that only the person and the meeting's hosts read them
//! (the relay knows the hosts from the meeting: [`Fact::Hosts`]); the person alone writes
//! them ([`rules`]).

pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Topic, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, PersonId};

pub use rules::NeedsRefusal;
pub use schema::{Needs, NeedsError, limits, needs_document_id};

/// A person's needs for a meeting, as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsKind;

/// What reading a needs document depends on: whose, and for which meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsView {
    pub meeting: DocumentId,
    pub person: PersonId,
}

impl DocumentKind for NeedsKind {
    const KIND: &'static str = "behov";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "meeting",
        "person",
        "text",
        "until",
        "updated_at",
    ];
    /// A few sentences, rewritten now and then.
    const MAX_BYTES: usize = 64 * 1024;
    type Doc = Needs;
    type View = NeedsView;
    type Refusal = NeedsRefusal;

    fn read_view(doc: &Automerge) -> Option<NeedsView> {
        let meeting: String = autosurgeon::hydrate_prop(doc, ROOT, "meeting").ok()?;
        Some(NeedsView {
            meeting: meeting.parse().ok()?,
            person: autosurgeon::hydrate_prop(doc, ROOT, "person").ok()?,
        })
    }

    /// The person and the meeting's hosts: not its note-takers, not its audience, not staff
    /// who do not host it (a person's needs can tell of their health).
    fn may_read(who: &Principal, view: &NeedsView, facts: &dyn Facts) -> bool {
        who.person == view.person
            || facts.holds(&Fact::Hosts {
                person: who.person.clone(),
                meeting: view.meeting,
            })
    }

    /// Who may read it changes with the meeting's hosts.
    fn depends_on(view: &NeedsView) -> Vec<Topic> {
        vec![Topic::Hosts(view.meeting)]
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        if w.before.is_none() && w.reserved {
            return Err(Refusal::ReservedId);
        }
        rules::check_needs_write(w.who, w.id, w.before, w.after, w.paths)
    }

    const EXPORT_KEY: Option<&'static str> = Some("meeting_needs");

    fn may_concern(view: &NeedsView, person: &PersonId) -> bool {
        view.person == *person
    }

    /// The person's needs, by meeting.
    fn export(person: &PersonId, docs: &[(DocumentId, Needs)]) -> Option<serde_json::Value> {
        let out: Vec<serde_json::Value> = docs
            .iter()
            .filter(|(_, n)| n.person == *person)
            .map(|(_, n)| {
                serde_json::json!({
                    "meeting": n.meeting,
                    "text": n.text,
                    "updated_at": n.updated_at,
                })
            })
            .collect();
        Some(serde_json::Value::Array(out))
    }

    /// The person's own: deleted.
    fn erase(person: &ErasedPerson, needs: &Needs) -> Erasure<Needs> {
        if needs.person == person.id {
            Erasure::Delete
        } else {
            Erasure::Untouched
        }
    }

    /// Deleted once the meeting is past the retention period: no one needs them then.
    const EXPIRE: Option<super::Expire<Needs>> = Some(expire);
}

/// See [`NeedsKind::EXPIRE`].
fn expire(needs: &Needs, cutoff: i64) -> Erasure<Needs> {
    if needs.until < cutoff {
        Erasure::Delete
    } else {
        Erasure::Untouched
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Role;
    use crate::authz::testing::who;

    #[test]
    fn read_by_the_person_and_the_meetings_hosts_only() {
        let meeting = DocumentId::random();
        let view = NeedsView {
            meeting,
            person: "anna".parse().unwrap(),
        };
        let facts = |fact: &Fact| {
            *fact
                == Fact::Hosts {
                    person: "hanne".parse().unwrap(),
                    meeting,
                }
        };
        assert!(NeedsKind::may_read(
            &who("anna", Role::Volunteer),
            &view,
            &facts
        ));
        assert!(NeedsKind::may_read(
            &who("hanne", Role::Staff),
            &view,
            &facts
        ));
        for reader in [
            who("bo", Role::Volunteer),
            who("bo", Role::Coordinator),
            who("sara", Role::Staff),
            who("root", Role::Admin),
        ] {
            assert!(!NeedsKind::may_read(&reader, &view, &facts), "{reader:?}");
        }
        // A host of another meeting is no host of this one.
        let other = NeedsView {
            meeting: DocumentId::random(),
            ..view.clone()
        };
        assert!(!NeedsKind::may_read(
            &who("hanne", Role::Staff),
            &other,
            &facts
        ));
        assert_eq!(NeedsKind::depends_on(&view), vec![Topic::Hosts(meeting)]);
    }

    #[test]
    fn erased_with_the_person_and_expired_after_the_meeting() {
        let meeting = DocumentId::random();
        let needs = Needs::new(&meeting, "anna".parse().unwrap(), 1_000, 1);
        let erased = |id: &str| ErasedPerson {
            id: id.parse().unwrap(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
        };
        let anna = erased("anna");
        assert_eq!(NeedsKind::erase(&anna, &needs), Erasure::Delete);
        let bo = erased("bo");
        assert_eq!(NeedsKind::erase(&bo, &needs), Erasure::Untouched);
        let expire = NeedsKind::EXPIRE.unwrap();
        assert_eq!(expire(&needs, 999), Erasure::Untouched);
        assert_eq!(expire(&needs, 1_001), Erasure::Delete);
    }
}
