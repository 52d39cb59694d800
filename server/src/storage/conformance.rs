//! One suite for every storage implementation: each case is a function written against the
//! traits ([`Store`], [`AccountStore`]) and a [`Harness`] that opens handles on a fresh
//! database; [`conformance_tests!`] turns them into one `#[test]` per case for an
//! implementation. SQLite runs it in `storage::sqlite`; a PostgreSQL implementation adds a
//! harness (a fresh schema per test) and the same one line.
//!
//! Two handles from one harness stand for two relays on one database.

use std::sync::Arc;

use samskab_model::authz::Role;
use samskab_model::sync::PeerId;
use samskab_model::{DocumentId, OrganisationId, PersonId};

use super::accounts::{Acceptance, ActorBinding, InvitationRecord, ResetRecord, UserRecord};
use super::{AccountStore, Store};
use crate::accounts::{Accounts, NewUser, Organisation, session_hash};
use crate::audit::ProfileRead;
use crate::peers::Binding;

/// A fresh, empty database of one implementation.
pub trait Harness {
    type Documents: Store;
    /// A new handle on this database's documents (each call: another relay's).
    fn documents(&self) -> Self::Documents;
    /// A new handle on this database's accounts (each call: another relay's).
    fn accounts(&self) -> Arc<dyn AccountStore>;
}

/// One `#[test]` per case, for the implementation `$harness` (an expression making a fresh
/// [`Harness`]) opens.
macro_rules! conformance_tests {
    ($harness:expr) => {
        $crate::storage::conformance::conformance_tests!(@cases $harness;
            documents_append_and_load,
            compaction_replaces_what_was_read,
            compaction_keeps_a_chunk_another_relay_appended,
            a_compaction_behind_another_changes_nothing,
            users_are_unique_by_id_and_email,
            credentials_are_found_by_email,
            sessions_are_stored_by_hash_and_ended,
            a_login_session_round_trip,
            replacing_a_password_ends_every_session,
            organisations_and_memberships,
            an_invitation_is_accepted_once,
            a_refused_acceptance_stores_nothing,
            a_reset_works_once_and_ends_sessions,
            a_newer_reset_replaces_the_older,
            an_actor_binds_to_one_person_forever,
            a_peer_binds_to_one_user_until_forgotten,
            contacts_never_move_back,
            contacts_are_recorded_together,
            audit_entries_read_back_newest_first,
            audit_entries_are_committed_when_recorded,
        );
    };
    (@cases $harness:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $crate::storage::conformance::$case(&$harness);
            }
        )*
    };
}
pub(crate) use conformance_tests;

fn id(s: &str) -> PersonId {
    s.parse().unwrap()
}

fn org(s: &str) -> OrganisationId {
    s.parse().unwrap()
}

fn record(person: &str, email: &str) -> UserRecord {
    UserRecord {
        id: id(person),
        email: email.into(),
        name: person.to_uppercase(),
        phone: String::new(),
        password_hash: format!("hash-of-{person}"),
        role: Role::Volunteer,
        created_at: 1,
    }
}

/// A store with Anna and Bent.
fn anna_and_bent(store: &dyn AccountStore) {
    assert!(
        store
            .insert_user(&record("anna", "anna@example.dk"))
            .unwrap()
    );
    assert!(
        store
            .insert_user(&record("bent", "bent@example.dk"))
            .unwrap()
    );
}

fn hash(token: &str) -> Vec<u8> {
    session_hash(token)
}

pub fn documents_append_and_load<H: Harness>(h: &H) {
    let (a, b) = (
        DocumentId::from_bytes([1; 16]),
        DocumentId::from_bytes([2; 16]),
    );
    let mut store = h.documents();
    store.append(&a, b"one-").unwrap();
    store.append(&b, b"bee").unwrap();
    store.append(&a, b"two").unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap(), b"one-two");
    assert_eq!(store.load(&DocumentId::from_bytes([3; 16])).unwrap(), None);
    let all = h.documents().load_all().unwrap();
    assert_eq!(all.len(), 2);
    let doc_a = all.iter().find(|d| d.id == a).unwrap();
    assert_eq!((doc_a.bytes.as_slice(), doc_a.chunks), (&b"one-two"[..], 2));
    let doc_b = all.iter().find(|d| d.id == b).unwrap();
    assert!(doc_a.through > doc_b.through, "positions grow with appends");
}

pub fn compaction_replaces_what_was_read<H: Harness>(h: &H) {
    let (a, b) = (
        DocumentId::from_bytes([1; 16]),
        DocumentId::from_bytes([2; 16]),
    );
    let mut store = h.documents();
    store.append(&a, b"one-").unwrap();
    store.append(&b, b"bee").unwrap();
    store.append(&a, b"two").unwrap();
    let read = store.load_all().unwrap();
    let doc_a = read.iter().find(|d| d.id == a).unwrap();
    store.compact(&a, b"whole", doc_a.through).unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap(), b"whole");
    assert_eq!(
        store.load(&b).unwrap().unwrap(),
        b"bee",
        "other documents untouched"
    );
    let again = h.documents().load_all().unwrap();
    let doc_a = again.iter().find(|d| d.id == a).unwrap();
    assert_eq!(doc_a.chunks, 1);
    store.append(&a, b"+three").unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap(), b"whole+three");
}

pub fn compaction_keeps_a_chunk_another_relay_appended<H: Harness>(h: &H) {
    let a = DocumentId::from_bytes([1; 16]);
    let (mut compacting, mut other) = (h.documents(), h.documents());
    compacting.append(&a, b"one-").unwrap();
    compacting.append(&a, b"two").unwrap();
    let read = compacting.load_all().unwrap();
    // Between the read and the compaction, another relay appends.
    other.append(&a, b"-meanwhile").unwrap();
    compacting.compact(&a, b"whole", read[0].through).unwrap();
    assert_eq!(other.load(&a).unwrap().unwrap(), b"whole-meanwhile");
    assert_eq!(compacting.load_all().unwrap()[0].chunks, 2);
}

pub fn a_compaction_behind_another_changes_nothing<H: Harness>(h: &H) {
    let a = DocumentId::from_bytes([1; 16]);
    let (mut first, mut second) = (h.documents(), h.documents());
    first.append(&a, b"one").unwrap();
    let early = second.load_all().unwrap();
    first.append(&a, b"-two").unwrap();
    let late = first.load_all().unwrap();
    first.compact(&a, b"one-two", late[0].through).unwrap();
    // The second relay read less and compacts later: the save that holds more stays.
    second.compact(&a, b"one", early[0].through).unwrap();
    assert_eq!(first.load(&a).unwrap().unwrap(), b"one-two");
}

pub fn users_are_unique_by_id_and_email<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    assert!(
        !store
            .insert_user(&record("anna2", "anna@example.dk"))
            .unwrap()
    );
    assert!(
        !store
            .insert_user(&record("anna", "other@example.dk"))
            .unwrap()
    );
    assert!(
        !h.accounts()
            .insert_user(&record("x", "bent@example.dk"))
            .unwrap()
    );
    assert!(store.user(&id("anna2")).unwrap().is_none());
    let anna = store.user(&id("anna")).unwrap().unwrap();
    assert_eq!(
        (anna.email.as_str(), anna.name.as_str()),
        ("anna@example.dk", "ANNA")
    );
    assert_eq!(anna.role, Role::Volunteer);
    let mut ids = store.person_ids().unwrap();
    ids.sort();
    assert_eq!(ids, vec![id("anna"), id("bent")]);
}

pub fn credentials_are_found_by_email<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    assert_eq!(
        store.credentials("anna@example.dk").unwrap(),
        Some((id("anna"), "hash-of-anna".into()))
    );
    assert_eq!(store.credentials("nobody@example.dk").unwrap(), None);
    assert_eq!(
        store.user_by_email("bent@example.dk").unwrap().unwrap().id,
        id("bent")
    );
    assert_eq!(
        store.password_hash(&id("bent")).unwrap().as_deref(),
        Some("hash-of-bent")
    );
    assert_eq!(store.password_hash(&id("nobody")).unwrap(), None);
}

pub fn sessions_are_stored_by_hash_and_ended<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    store
        .insert_session(&hash("t1"), &id("anna"), 10, 100)
        .unwrap();
    let session = h.accounts().session(&hash("t1")).unwrap().unwrap();
    assert_eq!(
        (session.user, session.created_at, session.expires_at),
        (id("anna"), 10, 100)
    );
    store.extend_session(&hash("t1"), 500).unwrap();
    assert_eq!(store.session(&hash("t1")).unwrap().unwrap().expires_at, 500);
    store.delete_session(&hash("t1")).unwrap();
    assert_eq!(store.session(&hash("t1")).unwrap(), None);
    store.delete_session(&hash("never")).unwrap();
}

/// Through the rules: the token handed out is not what is stored, only its hash is; an
/// expired session is refused and removed; logout ends it.
pub fn a_login_session_round_trip<H: Harness>(h: &H) {
    let accounts = Accounts::new(h.accounts()).unwrap();
    let anna = accounts
        .create_user(
            &NewUser {
                email: " Anna@Example.dk ".into(),
                name: "Anna".into(),
                phone: String::new(),
                password: "korrekt hest".into(),
                role: Role::Volunteer,
            },
            None,
        )
        .unwrap();
    let (same, token) = accounts.login("anna@example.dk", "korrekt hest").unwrap();
    assert_eq!(same, anna);
    let store = accounts.store();
    assert_eq!(
        store.session(token.as_bytes()).unwrap(),
        None,
        "not by the token"
    );
    let stored = store.session(&session_hash(&token)).unwrap().unwrap();
    assert_eq!(stored.user, anna.id);
    assert_eq!(accounts.session(&token).unwrap(), Some(anna.clone()));
    assert_eq!(
        accounts.session_at(&token, stored.expires_at).unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.session(&session_hash(&token)).unwrap(),
        None,
        "and removed"
    );
    let (_, token) = accounts.login("anna@example.dk", "korrekt hest").unwrap();
    accounts.logout(&token).unwrap();
    assert_eq!(accounts.session(&token).unwrap(), None);
}

pub fn replacing_a_password_ends_every_session<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    store
        .insert_session(&hash("a1"), &id("anna"), 1, i64::MAX)
        .unwrap();
    store
        .insert_session(&hash("a2"), &id("anna"), 1, i64::MAX)
        .unwrap();
    store
        .insert_session(&hash("b1"), &id("bent"), 1, i64::MAX)
        .unwrap();
    h.accounts()
        .replace_password(&id("anna"), "new-hash")
        .unwrap();
    assert_eq!(
        store.password_hash(&id("anna")).unwrap().as_deref(),
        Some("new-hash")
    );
    assert_eq!(store.session(&hash("a1")).unwrap(), None);
    assert_eq!(store.session(&hash("a2")).unwrap(), None);
    assert!(
        store.session(&hash("b1")).unwrap().is_some(),
        "others' sessions stay"
    );
}

pub fn organisations_and_memberships<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    let club = Organisation {
        id: org("klub"),
        name: "Klubben".into(),
        kind: "forening".into(),
    };
    let centre = Organisation {
        id: org("center"),
        name: "Aktivitetscentret".into(),
        kind: "center".into(),
    };
    assert!(store.insert_organisation(&club, 1).unwrap());
    assert!(store.insert_organisation(&centre, 2).unwrap());
    assert!(
        !store.insert_organisation(&club, 3).unwrap(),
        "the id is taken"
    );
    assert_eq!(
        store.organisations().unwrap(),
        vec![centre, club],
        "by name"
    );
    assert!(store.organisation_exists(&org("klub")).unwrap());
    assert!(!store.organisation_exists(&org("andet")).unwrap());
    store.add_membership(&id("anna"), &org("klub")).unwrap();
    store.add_membership(&id("anna"), &org("klub")).unwrap();
    store.add_membership(&id("anna"), &org("center")).unwrap();
    let anna = h.accounts().user(&id("anna")).unwrap().unwrap();
    assert_eq!(anna.organisations, vec![org("center"), org("klub")]);
    assert!(
        store
            .user(&id("bent"))
            .unwrap()
            .unwrap()
            .organisations
            .is_empty()
    );
}

fn invitation(expires_at: i64) -> InvitationRecord {
    InvitationRecord {
        role: Role::Coordinator,
        organisation: Some(org("klub")),
        invited_by: id("anna"),
        expires_at,
        used_by: None,
    }
}

pub fn an_invitation_is_accepted_once<H: Harness>(h: &H) {
    let (one, two) = (h.accounts(), h.accounts());
    anna_and_bent(&*one);
    one.insert_invitation(&hash("code"), &invitation(100))
        .unwrap();
    assert_eq!(
        one.invitation(&hash("code")).unwrap(),
        Some(invitation(100))
    );
    let mut carl = record("carl", "carl@example.dk");
    carl.role = Role::Coordinator;
    assert_eq!(
        one.accept_invitation(&hash("code"), &carl, 50).unwrap(),
        Acceptance::Accepted
    );
    let stored = two.user(&carl.id).unwrap().unwrap();
    assert_eq!(stored.role, Role::Coordinator);
    assert_eq!(stored.organisations, vec![org("klub")]);
    assert_eq!(
        two.invitation(&hash("code")).unwrap().unwrap().used_by,
        Some(carl.id)
    );
    // A second relay, a second person, the same code: refused, and nothing stored.
    let dora = record("dora", "dora@example.dk");
    assert_eq!(
        two.accept_invitation(&hash("code"), &dora, 50).unwrap(),
        Acceptance::Invalid
    );
    assert_eq!(one.user(&dora.id).unwrap(), None);
    assert_eq!(
        one.accept_invitation(&hash("unknown"), &dora, 50).unwrap(),
        Acceptance::Invalid
    );
}

pub fn a_refused_acceptance_stores_nothing<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    store
        .insert_invitation(&hash("code"), &invitation(100))
        .unwrap();
    let dora = record("dora", "dora@example.dk");
    assert_eq!(
        store.accept_invitation(&hash("code"), &dora, 100).unwrap(),
        Acceptance::Invalid,
        "expired"
    );
    assert_eq!(store.user(&dora.id).unwrap(), None);
    let taken = record("dora", "bent@example.dk");
    assert_eq!(
        store.accept_invitation(&hash("code"), &taken, 50).unwrap(),
        Acceptance::EmailTaken
    );
    assert_eq!(store.user(&dora.id).unwrap(), None);
    assert_eq!(
        store.invitation(&hash("code")).unwrap().unwrap().used_by,
        None,
        "still unused"
    );
    assert_eq!(
        store.accept_invitation(&hash("code"), &dora, 50).unwrap(),
        Acceptance::Accepted
    );
}

fn reset(user: &str, expires_at: i64) -> ResetRecord {
    ResetRecord {
        user: id(user),
        made_by: None,
        created_at: 0,
        expires_at,
    }
}

pub fn a_reset_works_once_and_ends_sessions<H: Harness>(h: &H) {
    let (one, two) = (h.accounts(), h.accounts());
    anna_and_bent(&*one);
    one.insert_session(&hash("s"), &id("anna"), 1, i64::MAX)
        .unwrap();
    one.replace_reset(&hash("r"), &reset("anna", 100), 0)
        .unwrap();
    assert_eq!(one.reset_user(&hash("r"), 99).unwrap(), Some(id("anna")));
    assert_eq!(one.reset_user(&hash("r"), 100).unwrap(), None, "expired");
    assert!(!one.use_reset(&hash("r"), &id("anna"), "late", 100).unwrap());
    assert!(
        !one.use_reset(&hash("r"), &id("bent"), "wrong user", 10)
            .unwrap()
    );
    assert_eq!(
        one.password_hash(&id("bent")).unwrap().as_deref(),
        Some("hash-of-bent")
    );
    assert!(one.use_reset(&hash("r"), &id("anna"), "new", 10).unwrap());
    assert_eq!(
        one.password_hash(&id("anna")).unwrap().as_deref(),
        Some("new")
    );
    assert_eq!(one.session(&hash("s")).unwrap(), None);
    assert!(
        !two.use_reset(&hash("r"), &id("anna"), "again", 10).unwrap(),
        "once"
    );
    assert_eq!(
        one.password_hash(&id("anna")).unwrap().as_deref(),
        Some("new")
    );
}

pub fn a_newer_reset_replaces_the_older<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    store
        .replace_reset(&hash("first"), &reset("anna", 100), 0)
        .unwrap();
    store
        .replace_reset(&hash("bent"), &reset("bent", 100), 0)
        .unwrap();
    store
        .replace_reset(&hash("second"), &reset("anna", 100), 0)
        .unwrap();
    assert_eq!(store.reset_user(&hash("first"), 1).unwrap(), None);
    assert_eq!(
        store.reset_user(&hash("second"), 1).unwrap(),
        Some(id("anna"))
    );
    assert_eq!(
        store.reset_user(&hash("bent"), 1).unwrap(),
        Some(id("bent"))
    );
}

pub fn an_actor_binds_to_one_person_forever<H: Harness>(h: &H) {
    let (one, two) = (h.accounts(), h.accounts());
    anna_and_bent(&*one);
    assert!(one.bind_actor(&[1, 2, 3], &id("anna")).unwrap());
    assert!(one.bind_actor(&[1, 2, 3], &id("anna")).unwrap());
    assert!(!two.bind_actor(&[1, 2, 3], &id("bent")).unwrap());
    assert!(two.bind_actor(&[4], &id("bent")).unwrap());
    assert!(!one.bind_actor(&[4], &id("anna")).unwrap());
    // Nothing that forgets devices forgets actors.
    one.forget_contacts(i64::MAX).unwrap();
    assert!(!one.bind_actor(&[1, 2, 3], &id("bent")).unwrap());
    // Read without binding.
    assert_eq!(
        two.actor_binding(&[1, 2, 3]).unwrap(),
        ActorBinding::Bound(id("anna"))
    );
    assert_eq!(two.actor_binding(&[5]).unwrap(), ActorBinding::Unbound);
    assert_eq!(two.actor_binding(&[5]).unwrap(), ActorBinding::Unbound);
    // Many at once: each as alone, the first of two claims on a new id winning.
    assert_eq!(
        one.bind_actors(&[
            (vec![5], id("anna")),
            (vec![4], id("anna")),
            (vec![5], id("bent")),
            (vec![6], id("bent")),
        ])
        .unwrap(),
        vec![true, false, false, true]
    );
    assert_eq!(
        two.actor_binding(&[6]).unwrap(),
        ActorBinding::Bound(id("bent"))
    );
    assert!(one.bind_actors(&[]).unwrap().is_empty());
    // An erased person's ids are retired: bound to no one, ever.
    one.erase_account(&id("anna"), &id("slettet-anna")).unwrap();
    assert_eq!(
        two.actor_binding(&[1, 2, 3]).unwrap(),
        ActorBinding::Retired
    );
    assert_eq!(
        two.bind_actors(&[(vec![1, 2, 3], id("bent"))]).unwrap(),
        vec![false]
    );
}

pub fn a_peer_binds_to_one_user_until_forgotten<H: Harness>(h: &H) {
    let (one, two) = (h.accounts(), h.accounts());
    let phone: PeerId = "phone-1".parse().unwrap();
    assert_eq!(
        one.bind_peer(&phone, &id("anna"), 10).unwrap(),
        Binding::Yours { last_contact: None }
    );
    one.touch_peer(&phone, 20).unwrap();
    assert_eq!(
        two.bind_peer(&phone, &id("anna"), 30).unwrap(),
        Binding::Yours {
            last_contact: Some(20)
        }
    );
    assert_eq!(
        two.bind_peer(&phone, &id("bent"), 30).unwrap(),
        Binding::Foreign
    );
    assert_eq!(one.forget_contacts(20).unwrap(), 0, "in contact at 20");
    assert_eq!(one.forget_contacts(21).unwrap(), 1);
    assert_eq!(
        two.bind_peer(&phone, &id("bent"), 40).unwrap(),
        Binding::Yours { last_contact: None }
    );
}

pub fn contacts_never_move_back<H: Harness>(h: &H) {
    let store = h.accounts();
    let phone: PeerId = "phone-1".parse().unwrap();
    store.bind_peer(&phone, &id("anna"), 10).unwrap();
    store.touch_peer(&phone, 30).unwrap();
    store.touch_peer(&phone, 20).unwrap();
    assert_eq!(
        store.bind_peer(&phone, &id("anna"), 40).unwrap(),
        Binding::Yours {
            last_contact: Some(30)
        }
    );
    assert_eq!(store.session_contact(&hash("s")).unwrap(), None);
    store.touch_session(&hash("s"), 30).unwrap();
    store.touch_session(&hash("s"), 20).unwrap();
    assert_eq!(store.session_contact(&hash("s")).unwrap(), Some(30));
    assert_eq!(store.forget_contacts(31).unwrap(), 2);
    assert_eq!(store.session_contact(&hash("s")).unwrap(), None);
}

pub fn contacts_are_recorded_together<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    let phone: PeerId = "phone-1".parse().unwrap();
    let unbound: PeerId = "phone-2".parse().unwrap();
    store.bind_peer(&phone, &id("anna"), 10).unwrap();
    store
        .insert_session(&hash("s"), &id("anna"), 1, i64::MAX)
        .unwrap();
    store.touch_session(&hash("s"), 40).unwrap();
    store
        .touch_all(
            &[(phone.clone(), 30), (unbound.clone(), 30)],
            &[(hash("s"), 20), (hash("ended"), 50)],
        )
        .unwrap();
    assert_eq!(
        store.bind_peer(&phone, &id("anna"), 99).unwrap(),
        Binding::Yours {
            last_contact: Some(30)
        }
    );
    // Never back; an unbound peer is not bound by a contact.
    assert_eq!(store.session_contact(&hash("s")).unwrap(), Some(40));
    assert_eq!(
        store.bind_peer(&unbound, &id("bent"), 60).unwrap(),
        Binding::Yours { last_contact: None }
    );
    // A session that does not exist (ended, or erased, while the contact waited) gets none.
    assert_eq!(store.session_contact(&hash("ended")).unwrap(), None);
    store.touch_all(&[], &[(hash("s"), 45)]).unwrap();
    assert_eq!(store.session_contact(&hash("s")).unwrap(), Some(45));
}

fn read(reader: &str, at: i64, device: &str) -> ProfileRead {
    ProfileRead {
        owner: id("anna"),
        document: "profile-anna".into(),
        reader: id(reader),
        reader_role: Role::Coordinator,
        at,
        device: device.into(),
        user_agent: "test".into(),
    }
}

pub fn audit_entries_read_back_newest_first<H: Harness>(h: &H) {
    let store = h.accounts();
    anna_and_bent(&*store);
    store.add_membership(&id("bent"), &org("klub")).unwrap();
    store
        .record_reads(&[
            read("bent", 10, "a"),
            read("bent", 30, "b"),
            read("bent", 20, "c"),
        ])
        .unwrap();
    store.record_reads(&[read("bent", 30, "d")]).unwrap();
    store.record_reads(&[]).unwrap();
    let mut other = read("anna", 5, "x");
    other.owner = id("bent");
    store.record_reads(&[other]).unwrap();
    let entries = store.reads_of(&id("anna"), None).unwrap();
    let devices: Vec<&str> = entries.iter().map(|e| e.device.as_str()).collect();
    assert_eq!(
        devices,
        ["d", "b", "c", "a"],
        "newest first, then the latest recorded"
    );
    assert_eq!(entries[0].reader_name, "BENT");
    assert_eq!(entries[0].organisations, vec!["klub".to_owned()]);
    assert_eq!(entries[0].reader_role, Role::Coordinator);
    let newest: Vec<_> = store.reads_of(&id("anna"), Some(2)).unwrap();
    assert_eq!(newest.len(), 2);
    assert_eq!(newest[..], entries[..2]);
    assert_eq!(store.read_count().unwrap(), 5);
}

/// What `record_reads` returned for is there for every other handle at once: the relay sends
/// the profile only after it returns.
pub fn audit_entries_are_committed_when_recorded<H: Harness>(h: &H) {
    let (relay, other) = (h.accounts(), h.accounts());
    relay
        .record_reads(&[read("bent", 10, "a"), read("bent", 11, "b")])
        .unwrap();
    assert_eq!(other.read_count().unwrap(), 2);
    assert_eq!(other.reads_of(&id("anna"), None).unwrap().len(), 2);
}
