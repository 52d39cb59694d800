//! The engine driven through its commands, without sockets or a thread: devices are the
//! model's client hubs, their messages handed to [`Engine::command`] and the engine's outboxes
//! read back. Documents are kept in memory; accounts in a SQLite file in a temporary directory;
//! the relay's clock is a [`ManualClock`] the test sets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Arc;

use automerge::Automerge;
use samskab_model::authz::{Principal, Role};
use samskab_model::profile::{Consent, CoordinatorConsent, Profile, profile_document_id};
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role as HubRole};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, Task, TaskStatus};
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::engine::Engine;
use super::health::Gauge;
use super::outbox::{Outbox, Outgoing};
use super::{Client, Command, ConnectionId};
use crate::accounts::Accounts;
use crate::storage::{ChunkSeq, Store, StoreError, StoredDocument};
use samskab_model::clock::{ManualClock, Timestamp};

/// Documents in memory, appended and compacted as the SQLite store does.
#[derive(Debug, Default, Clone)]
struct MemoryStore {
    chunks: Arc<std::sync::Mutex<HashMap<DocumentId, Vec<Vec<u8>>>>>,
}

impl Store for MemoryStore {
    fn load_all(&mut self) -> Result<Vec<StoredDocument>, StoreError> {
        let chunks = self.chunks.lock().unwrap();
        Ok(chunks
            .iter()
            .map(|(id, c)| StoredDocument {
                id: *id,
                bytes: c.concat(),
                chunks: c.len(),
                through: ChunkSeq(i64::try_from(c.len()).unwrap()),
            })
            .collect())
    }

    fn append(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        let mut chunks = self.chunks.lock().unwrap();
        chunks.entry(*id).or_default().push(bytes.to_vec());
        Ok(())
    }

    fn compact(
        &mut self,
        id: &DocumentId,
        bytes: &[u8],
        _through: ChunkSeq,
    ) -> Result<(), StoreError> {
        let mut chunks = self.chunks.lock().unwrap();
        chunks.insert(*id, vec![bytes.to_vec()]);
        Ok(())
    }

    fn replace(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        let mut chunks = self.chunks.lock().unwrap();
        chunks.insert(*id, vec![bytes.to_vec()]);
        Ok(())
    }

    fn delete(&mut self, id: &DocumentId) -> Result<(), StoreError> {
        self.chunks.lock().unwrap().remove(id);
        Ok(())
    }

    fn load(&mut self, id: &DocumentId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.chunks.lock().unwrap().get(id).map(|c| c.concat()))
    }
}

impl MemoryStore {
    fn stored(&self, id: &DocumentId) -> bool {
        self.chunks.lock().unwrap().contains_key(id)
    }
}

/// A device: a client hub, its connection and its outbox's receiving end.
struct Device {
    hub: Hub,
    connection: ConnectionId,
    inbox: mpsc::UnboundedReceiver<Outgoing>,
    refused: Vec<String>,
}

/// When the tests' relay clock starts (2027-01-15).
const T0: i64 = 1_800_000_000_000;

fn now_ms() -> i64 {
    T0
}

struct World {
    engine: Engine,
    clock: Arc<ManualClock>,
    store: MemoryStore,
    accounts: Arc<Accounts>,
    devices: HashMap<PeerId, Device>,
    relay: PeerId,
    /// Whether held messages are flushed after each command (as the engine's loop does when
    /// nothing else waits); off, they stay held until the test flushes them.
    flush: bool,
    /// Whether each command is a burst of its own (as when messages arrive one at a time);
    /// off, commands pile up until [`World::end_burst`], as when many wait in the queue.
    burst_each: bool,
    _dir: tempfile::TempDir,
}

fn who(name: &str, role: Role, orgs: &[&str]) -> Principal {
    Principal {
        person: name.parse().unwrap(),
        role,
        organisations: orgs.iter().map(|o| o.parse().unwrap()).collect(),
    }
}

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::at(Timestamp(T0)));
        let store = crate::storage::SqliteAccounts::open(dir.path()).unwrap();
        let accounts = Arc::new(Accounts::with_clock(Arc::new(store), clock.clone()).unwrap());
        let store = MemoryStore::default();
        let engine = Engine::load(
            Box::new(store.clone()),
            accounts.clone(),
            Arc::new(Gauge::default()),
        )
        .unwrap();
        let mut engine = engine;
        // Every burst is one command here, and every changed document is offered at once.
        engine.broadcast_every = std::time::Duration::ZERO;
        let relay = engine.hub.me().clone();
        World {
            engine,
            clock,
            store,
            accounts,
            devices: HashMap::new(),
            relay,
            flush: true,
            burst_each: true,
            _dir: dir,
        }
    }

    /// Runs a command as the engine's loop does, flushing held messages after it.
    fn command(&mut self, command: Command) {
        self.engine.command(command);
        if self.burst_each {
            self.end_burst();
        }
    }

    /// Ends a burst as the engine's loop does when nothing else waits.
    fn end_burst(&mut self) {
        self.engine.end_burst();
        if self.flush && !self.engine.held.is_empty() {
            self.engine.flush_held();
        }
    }

    /// Connects a device of `principal`'s, creating their account (actor ids bind to one).
    fn connect(&mut self, name: &str, principal: Principal) -> PeerId {
        if self.accounts.user(&principal.person).unwrap().is_none() {
            self.accounts
                .create_user(
                    &crate::accounts::NewUser {
                        email: format!("{}@example.dk", principal.person),
                        name: name.into(),
                        phone: String::new(),
                        password: "et langt kodeord".into(),
                        role: principal.role,
                    },
                    Some(principal.person.clone()),
                )
                .unwrap();
        }
        let peer: PeerId = name.parse().unwrap();
        let (outbox, inbox) = Outbox::new();
        let (done, mut result) = oneshot::channel();
        self.command(Command::Connect {
            peer: peer.clone(),
            client: Client {
                principal,
                session: name.as_bytes().to_vec(),
                user_agent: "test".into(),
                last_contact: 0,
            },
            outbox,
            done,
        });
        let connection = result.try_recv().unwrap().unwrap();
        let mut hub = Hub::new(peer.clone(), HubRole::Client);
        let effects = hub.connect(self.relay.clone());
        self.devices.insert(
            peer.clone(),
            Device {
                hub,
                connection,
                inbox,
                refused: Vec::new(),
            },
        );
        self.send(&peer, effects);
        self.settle();
        peer
    }

    fn send(&mut self, peer: &PeerId, effects: Vec<Effect>) {
        let connection = self.devices[peer].connection;
        for effect in effects {
            if let Effect::Send(message) = effect {
                let permit = Arc::new(Semaphore::new(1)).try_acquire_owned().unwrap();
                self.command(Command::Receive {
                    peer: peer.clone(),
                    connection,
                    message,
                    _permit: permit,
                });
            }
        }
    }

    /// Delivers what the engine queued to the devices, and their answers back, until quiet.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            let peers: Vec<PeerId> = self.devices.keys().cloned().collect();
            for peer in peers {
                while let Ok(outgoing) = self.devices.get_mut(&peer).unwrap().inbox.try_recv() {
                    moved = true;
                    let Outgoing::Message(message) = outgoing else {
                        panic!("{peer} was disconnected")
                    };
                    let device = self.devices.get_mut(&peer).unwrap();
                    if let Message::ChangeRefused { code, .. } = &message {
                        device.refused.push(code.clone());
                    }
                    let effects = device.hub.receive(&self.relay, message).unwrap();
                    self.send(&peer, effects);
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn change<T: autosurgeon::Reconcile>(&mut self, peer: &PeerId, id: DocumentId, value: &T) {
        let device = self.devices.get_mut(peer).unwrap();
        let ((), effects) = device.hub.change(id, |d| write(d, value));
        self.send(peer, effects);
        self.settle();
    }

    fn holds(&self, peer: &PeerId, id: &DocumentId) -> bool {
        !self.devices[peer].hub.heads(id).is_empty()
    }
}

fn published_task() -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kioskvagt",
        Area::Sport,
        now_ms() - 60_000,
    );
    task.shifts.insert(
        "vagt-1".parse().unwrap(),
        Shift::new(now_ms() + 86_400_000, now_ms() + 90_000_000, 2),
    );
    task.status = TaskStatus::Published;
    task
}

/// `task` with `person` signed up for its shift at `at`.
fn signed_up(task: &Task, person: &str, at: i64) -> Task {
    let mut task = task.clone();
    if let Some(shift) = task.shifts.get_mut(&"vagt-1".parse().unwrap()) {
        shift.signups.insert(
            person.parse().unwrap(),
            Signup {
                state: SignupState::SignedUp,
                at,
            },
        );
    }
    task
}

#[test]
fn writes_are_judged_stored_and_fanned_out_by_the_read_policy() {
    let mut w = World::new();
    let bo = w.connect("bo", who("bo", Role::Coordinator, &["haslev-fodbold"]));
    let anna = w.connect("anna", who("anna", Role::Volunteer, &[]));

    // A draft reaches no volunteer; published, it reaches Anna and is stored.
    let id = DocumentId::random();
    let mut task = published_task();
    task.status = TaskStatus::Draft;
    w.change(&bo, id, &task);
    assert!(w.store.stored(&id));
    assert!(!w.holds(&anna, &id), "a draft is its organisation's");
    task.status = TaskStatus::Published;
    w.change(&bo, id, &task);
    assert!(w.holds(&anna, &id), "pushed to Anna once published");

    // Anna signs up for herself: kept. She changes the title: refused with the kind's code,
    // and Bo's copy never sees it.
    let signed = signed_up(&task, "anna", now_ms());
    w.change(&anna, id, &signed);
    assert!(w.devices[&anna].refused.is_empty());
    let mut taken = signed.clone();
    taken.title = "Overtaget".into();
    w.change(&anna, id, &taken);
    assert_eq!(w.devices[&anna].refused, vec!["forbidden".to_owned()]);
    let at_bo: Task = autosurgeon::hydrate(w.devices[&bo].hub.document(&id).unwrap()).unwrap();
    assert_eq!(at_bo.title, "Kioskvagt");
    assert_eq!(at_bo.signed_up_people(), vec!["anna".parse().unwrap()]);
}

/// Vera's device writes her profile, shared with staff only; its id and owner.
fn vera_shares_her_profile_with_staff(w: &mut World) -> (DocumentId, PersonId) {
    let vera = w.connect("vera", who("vera", Role::Volunteer, &[]));
    let mut profile = Profile::new("vera".parse().unwrap(), "Vera", now_ms());
    profile.consent = Consent {
        staff: true,
        coordinators: CoordinatorConsent::Nobody,
    };
    let id = profile_document_id(&profile.owner);
    w.change(&vera, id, &profile);
    (id, profile.owner)
}

#[test]
fn a_profile_reaches_a_reader_only_after_its_audit_entry() {
    let mut w = World::new();
    let (id, owner) = vera_shares_her_profile_with_staff(&mut w);
    assert!(
        w.accounts.reads_of(&owner, None).unwrap().is_empty(),
        "the owner's own"
    );

    let eva = w.connect("eva", who("eva", Role::Coordinator, &["bibliotek"]));
    assert!(
        !w.holds(&eva, &id),
        "coordinators do not read without consent"
    );

    // Staff may (consent): the message carrying it waits for its audit entry.
    w.flush = false;
    let carla = w.connect("carla", who("carla", Role::Staff, &[]));
    assert!(!w.engine.held.is_empty(), "held");
    assert!(!w.holds(&carla, &id), "not sent before its entry");
    assert!(w.accounts.reads_of(&owner, None).unwrap().is_empty());
    w.engine.flush_held();
    w.settle();
    assert!(w.holds(&carla, &id), "sent once its entry is committed");
    let reads = w.accounts.reads_of(&owner, None).unwrap();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].reader, "carla".parse().unwrap());
}

#[test]
fn a_profile_held_for_a_connection_that_ended_is_neither_sent_nor_logged() {
    let mut w = World::new();
    let (id, owner) = vera_shares_her_profile_with_staff(&mut w);

    // Carla's device connects; the profile waits for its audit entry. Before the entry is
    // committed, the connection drops and the device connects again under the same peer id.
    w.flush = false;
    let carla = w.connect("carla", who("carla", Role::Staff, &[]));
    assert!(!w.engine.held.is_empty(), "held");
    let connection = w.devices[&carla].connection;
    w.command(Command::Disconnect {
        peer: carla.clone(),
        connection,
    });
    let carla = w.connect("carla", who("carla", Role::Staff, &[]));
    w.engine.flush_held();
    w.settle();

    // The new connection gets the profile through its own sync, logged once: what was held
    // for the old connection was read by nobody.
    assert!(w.holds(&carla, &id));
    let reads = w.accounts.reads_of(&owner, None).unwrap();
    assert_eq!(reads.len(), 1, "{reads:?}");
}

#[test]
fn sign_up_times_are_judged_by_the_relays_clock() {
    let mut w = World::new();
    let bo = w.connect("bo", who("bo", Role::Coordinator, &["haslev-fodbold"]));
    let anna = w.connect("anna", who("anna", Role::Volunteer, &[]));
    let id = DocumentId::random();
    let task = published_task();
    w.change(&bo, id, &task);
    // Anna's device says it is T0 + 1 hour; the relay's clock says T0: a sign-up from the
    // future is refused with the task's own code.
    let early = signed_up(&task, "anna", T0 + 3_600_000);
    w.change(&anna, id, &early);
    assert_eq!(
        w.devices[&anna].refused,
        vec!["opgave.implausible".to_owned()]
    );
    // An hour later by the relay's clock the same time is plausible.
    w.clock.advance_ms(3_600_000);
    let anna2 = w.connect("anna-2", who("anna", Role::Volunteer, &[]));
    w.change(&anna2, id, &early);
    assert!(
        w.devices[&anna2].refused.is_empty(),
        "{:?}",
        w.devices[&anna2].refused
    );
}

#[test]
fn every_change_of_a_burst_is_acknowledged() {
    let mut w = World::new();
    let bo = w.connect("bo", who("bo", Role::Coordinator, &["haslev-fodbold"]));
    let id = DocumentId::random();
    let mut task = published_task();
    w.change(&bo, id, &task);
    assert!(w.devices[&bo].hub.in_sync_with(&w.relay, &id));
    // Ten edits arrive together: one burst, one answer that acknowledges all of them.
    w.burst_each = false;
    for n in 0..10 {
        task.description = format!("Version {n}");
        let device = w.devices.get_mut(&bo).unwrap();
        let ((), effects) = device.hub.change(id, |d| write(d, &task));
        w.send(&bo, effects);
    }
    // In the same burst, a message without changes at those heads (a device's answer to an
    // earlier reply crosses its own changes): it must not count as the relay having told
    // the device its heads.
    let bare = {
        use automerge::sync::SyncDoc;
        let doc = w.devices[&bo].hub.document(&id).unwrap();
        // A fresh state knows nothing of the relay: heads and a Bloom filter, no changes.
        doc.generate_sync_message(&mut automerge::sync::State::new())
            .unwrap()
    };
    assert!(bare.changes.is_empty());
    let message = Message::Sync {
        document_id: id,
        sender_id: bo.clone(),
        target_id: w.relay.clone(),
        data: bare.encode(),
    };
    w.send(&bo, vec![Effect::Send(message)]);
    w.end_burst();
    w.burst_each = true;
    w.settle();
    assert!(
        w.devices[&bo].hub.in_sync_with(&w.relay, &id),
        "the writer is acknowledged"
    );
    assert_eq!(w.engine.hub.heads(&id), w.devices[&bo].hub.heads(&id));
}

/// When a device and its session were last in contact is written once per burst, together;
/// a connection within the burst already sees the contact not yet written (sign-ups a device
/// makes offline cannot be older than its last contact).
#[test]
fn last_contacts_are_written_at_the_end_of_a_burst_and_seen_before() {
    let mut w = World::new();
    let anna = w.connect("anna", who("anna", Role::Volunteer, &[]));
    let person = "anna".parse().unwrap();
    let store = w.accounts.store();
    store
        .insert_session(b"anna", &person, T0, i64::MAX)
        .unwrap();
    w.burst_each = false;
    w.clock.advance_ms(60_000);
    let heard = T0 + 60_000;
    let ping = Message::Ephemeral {
        sender_id: anna.clone(),
        target_id: w.relay.clone(),
        count: 0,
        session_id: String::new(),
        document_id: DocumentId::random(),
        data: Vec::new(),
    };
    w.send(&anna, vec![Effect::Send(ping)]);
    let connection = w.devices[&anna].connection;
    w.command(Command::Disconnect {
        peer: anna.clone(),
        connection,
    });
    assert_eq!(w.accounts.store().session_contact(b"anna").unwrap(), None);
    // The same session connects again within the burst, an hour later by the relay's clock.
    w.clock.advance_ms(3_600_000);
    let (outbox, _inbox) = Outbox::new();
    let (done, mut result) = oneshot::channel();
    w.command(Command::Connect {
        peer: anna.clone(),
        client: Client {
            principal: who("anna", Role::Volunteer, &[]),
            session: b"anna".to_vec(),
            user_agent: "test".into(),
            last_contact: 0,
        },
        outbox,
        done,
    });
    result.try_recv().unwrap().unwrap();
    let seen = super::lock(&w.engine.readers.clients)[&anna].last_contact;
    assert_eq!(seen, heard);
    w.end_burst();
    let now = T0 + 60_000 + 3_600_000;
    assert_eq!(
        w.accounts.store().session_contact(b"anna").unwrap(),
        Some(now)
    );
}

#[test]
fn a_broadcast_that_took_long_holds_the_next_one_back_in_proportion() {
    use super::engine::broadcast_pause;
    use std::time::Duration;
    let every = Duration::from_millis(50);
    // A document few peers sync: the usual pace.
    assert_eq!(broadcast_pause(every, Duration::from_millis(2)), every);
    // Offering it to everyone took 200 ms: the next offer waits three times that, so offers
    // take a quarter of the engine's time while writes keep coming.
    assert_eq!(
        broadcast_pause(every, Duration::from_millis(200)),
        Duration::from_millis(600)
    );
}
