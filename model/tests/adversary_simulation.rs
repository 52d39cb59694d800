//! A seeded, deterministic simulation of the relay *with its judge* ([`admit`], as the
//! relay's engine calls it), honest devices and one adversary, over in-memory links: no
//! sockets, no sleeps. A coordinator edits a published task, two volunteers sign up and
//! withdraw, and Mallory, a volunteer, sends what a real client never would: writes whose
//! dependencies hide the objects they touch, forbidden writes, changes sent before the changes
//! they depend on, changes that depend on something nobody has, and replays of old messages.
//! Devices drop their connections and the relay crashes and restarts from its store.
//!
//! At the end: every honest device holds exactly what the relay holds; every change of
//! Mallory's that the relay kept writes only her own sign-up entries; the task's contact and
//! title are the coordinator's; nothing parked without its dependencies was kept; the store
//! holds what the relay holds.
//!
//! A failing seed is printed; rerun it alone with `SIM_SEED=<seed>`. `SIM_SEEDS=<n>` runs
//! more seeds than the 1,000 of a plain run (`cargo xtask fuzz` does).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::num::NonZeroU64;

use automerge::legacy::{Key, ObjectId, Op, OpId, OpType, SortedVec};
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjId, ROOT, ReadDoc, ScalarValue};
use samskab_model::authz::{Principal, Refusal, Role as UserRole, SignupWindow};
use samskab_model::judge::{Admitted, Incoming, Writer, admit};
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task, TaskStatus};

/// xorshift64*: small, seedable, good enough to pick events.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const COORDINATOR: usize = 0;
const MALLORY: usize = 3;
const CONTACT: &str = "kontakt@klub.dk";
const TITLE: &str = "Kioskvagt";

fn relay_id() -> PeerId {
    "relay".parse().unwrap()
}

fn shifts() -> [ShiftId; 2] {
    ["vagt-a".parse().unwrap(), "vagt-b".parse().unwrap()]
}

struct Device {
    hub: Hub,
    who: Principal,
    online: bool,
}

struct World {
    rng: Rng,
    relay: Hub,
    store: BTreeMap<DocumentId, Vec<u8>>,
    sizes: HashMap<DocumentId, usize>,
    actors: HashMap<ActorId, PersonId>,
    devices: Vec<Device>,
    links: BTreeMap<(PeerId, PeerId), VecDeque<Message>>,
    /// Messages Mallory sent, to replay.
    sent_by_mallory: Vec<Message>,
    /// Changes that depend on a hash nobody has: they must never be kept.
    orphans: Vec<ChangeHash>,
    doc: DocumentId,
    clock: i64,
}

fn person(name: &str) -> PersonId {
    name.parse().unwrap()
}

fn principal(name: &str, role: UserRole) -> Principal {
    Principal {
        person: person(name),
        role,
        organisations: if role == UserRole::Coordinator {
            vec!["klub".parse().unwrap()]
        } else {
            Vec::new()
        },
    }
}

fn task() -> Task {
    let mut t = Task::draft("klub".parse().unwrap(), TITLE, Area::Sport, 0);
    for id in shifts() {
        t.shifts
            .insert(id, Shift::new(10_000_000_000, 10_000_003_600, 2));
    }
    t.contact.email = CONTACT.into();
    t.status = TaskStatus::Published;
    t
}

fn read(doc: &Automerge) -> Task {
    autosurgeon::hydrate(doc).unwrap()
}

fn write(doc: &mut Automerge, t: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, t))
        .unwrap();
}

/// One op by `actor`, with `deps`, as Mallory builds it by hand.
fn forged(
    obj: &ObjId,
    key: &str,
    value: ScalarValue,
    actor: &ActorId,
    deps: Vec<ChangeHash>,
) -> Change {
    let target = match obj {
        ObjId::Root => ObjectId::Root,
        ObjId::Id(counter, actor, _) => ObjectId::Id(OpId(*counter, actor.clone())),
    };
    Change::from(automerge::ExpandedChange {
        operations: vec![Op {
            action: OpType::Put(value),
            obj: target,
            key: Key::Map(key.into()),
            pred: SortedVec::new(),
            insert: false,
        }],
        actor_id: actor.clone(),
        hash: None,
        seq: 1,
        start_op: NonZeroU64::new(1).unwrap(),
        time: 0,
        message: None,
        deps,
        extra_bytes: Vec::new(),
        author: None,
    })
}

/// Each honest device writes under one actor id of its own, so a seed replays exactly.
fn device_actor(d: usize) -> ActorId {
    ActorId::from(vec![0xd0, d as u8])
}

impl World {
    fn new(seed: u64) -> Self {
        let names = [
            ("bo", UserRole::Coordinator),
            ("anna", UserRole::Volunteer),
            ("bent", UserRole::Volunteer),
            ("mallory", UserRole::Volunteer),
        ];
        let mut world = World {
            rng: Rng(seed | 1),
            relay: Hub::new(relay_id(), Role::Relay),
            store: BTreeMap::new(),
            sizes: HashMap::new(),
            actors: HashMap::new(),
            devices: names
                .iter()
                .map(|(name, role)| Device {
                    hub: Hub::new(format!("{name}-device").parse().unwrap(), Role::Client),
                    who: principal(name, *role),
                    online: false,
                })
                .collect(),
            links: BTreeMap::new(),
            sent_by_mallory: Vec::new(),
            orphans: Vec::new(),
            doc: DocumentId::from_bytes([7; 16]),
            clock: 1_000_000,
        };
        let doc = world.doc;
        let (_, effects) = world.devices[COORDINATOR].hub.change(doc, |d| {
            d.set_actor(device_actor(COORDINATOR));
            write(d, &task());
        });
        world.connect(COORDINATOR);
        world.sent_by_device(COORDINATOR, effects);
        world
    }

    fn peer(&self, d: usize) -> PeerId {
        self.devices[d].hub.me().clone()
    }

    fn sent_by_device(&mut self, d: usize, effects: Vec<Effect>) {
        let me = self.peer(d);
        if !self.devices[d].online {
            return;
        }
        for effect in effects {
            if let Effect::Send(m) = effect {
                self.links
                    .entry((me.clone(), relay_id()))
                    .or_default()
                    .push_back(m);
            }
        }
    }

    fn sent_by_relay(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Persist { document, bytes } => {
                    self.store.entry(document).or_default().extend(bytes);
                }
                Effect::Send(m) => {
                    let to = m.target_id().unwrap().clone();
                    self.links.entry((relay_id(), to)).or_default().push_back(m);
                }
                _ => {}
            }
        }
    }

    fn connect(&mut self, d: usize) {
        let id = self.peer(d);
        self.relay.connect(id);
        self.devices[d].online = true;
        let effects = self.devices[d].hub.connect(relay_id());
        self.sent_by_device(d, effects);
    }

    fn disconnect(&mut self, d: usize) {
        let id = self.peer(d);
        self.devices[d].online = false;
        self.devices[d].hub.disconnect(&relay_id());
        self.relay.disconnect(&id);
        self.links.remove(&(id.clone(), relay_id()));
        self.links.remove(&(relay_id(), id));
    }

    fn crash_relay(&mut self) {
        for d in 0..self.devices.len() {
            if self.devices[d].online {
                self.disconnect(d);
            }
        }
        self.relay = Hub::new(relay_id(), Role::Relay);
        for (doc, bytes) in &self.store {
            self.relay.load(*doc, bytes).unwrap();
        }
    }

    /// The relay's engine for one message: judge, then the hub; a refusal is told to the
    /// writer, who starts that document again from the relay's copy.
    fn relay_receives(&mut self, from: &PeerId, mut message: Message) {
        let d = self
            .devices
            .iter()
            .position(|x| x.hub.me() == from)
            .unwrap();
        let who = self.devices[d].who.clone();
        if let Message::Sync {
            document_id, data, ..
        }
        | Message::Request {
            document_id, data, ..
        } = &mut message
        {
            let id = *document_id;
            if std::env::var("SIM_TRACE").is_ok() {
                let m = automerge::sync::Message::decode(data).unwrap();
                for chunk in m.changes.iter() {
                    match Change::from_bytes(chunk.to_vec()) {
                        Ok(c) => eprintln!("  chunk: change {}", &c.hash().to_string()[..6]),
                        Err(_) => {
                            let d = Automerge::load(chunk).map(|d| d.get_heads());
                            eprintln!(
                                "  chunk: document {} bytes, heads {:?}",
                                chunk.len(),
                                d.map(|h| h
                                    .iter()
                                    .map(|x| x.to_string()[..6].to_owned())
                                    .collect::<Vec<_>>())
                            );
                        }
                    }
                }
            }
            let actors = &mut self.actors;
            let bind = |actor: &ActorId| match actors.get(actor) {
                Some(owner) if *owner == who.person => Ok(()),
                Some(_) => Err(Refusal::ForeignActor),
                None => {
                    actors.insert(actor.clone(), who.person.clone());
                    Ok(())
                }
            };
            let writer = Writer {
                who: &who,
                window: SignupWindow {
                    now: self.clock,
                    not_before: i64::MIN,
                },
                reserved: false,
                size: self.sizes.get(&id).copied().unwrap_or(0),
            };
            match admit(
                &mut self.relay,
                Incoming {
                    peer: from,
                    id,
                    data,
                },
                writer,
                bind,
            ) {
                Ok(Some(Admitted {
                    data: judged,
                    bytes,
                    ..
                })) => {
                    if std::env::var("SIM_TRACE").is_ok() {
                        let parked = self.relay.parked(from, &id).map(|p| p.needs.len());
                        let m = automerge::sync::Message::decode(&judged).unwrap();
                        eprintln!(
                            "  admitted {} chunks, waiting for {parked:?}",
                            m.changes.len()
                        );
                    }
                    *data = judged;
                    *self.sizes.entry(id).or_insert(0) += bytes;
                }
                Ok(None) => {}
                Err(Refusal::Malformed(_)) => {
                    self.disconnect(d);
                    return;
                }
                Err(refusal) => {
                    self.relay.forget(from, &id);
                    self.sent_by_relay(vec![Effect::Send(Message::ChangeRefused {
                        sender_id: relay_id(),
                        target_id: from.clone(),
                        document_id: id,
                        code: refusal.code(),
                        message: refusal.to_string(),
                    })]);
                    return;
                }
            }
        }
        match self.relay.receive(from, message) {
            Ok(effects) => self.sent_by_relay(effects),
            // The relay closes the connection, as its engine does.
            Err(_) => self.disconnect(d),
        }
    }

    fn deliver_one(&mut self) -> bool {
        let busy: Vec<(PeerId, PeerId)> = self
            .links
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(k, _)| k.clone())
            .collect();
        if busy.is_empty() {
            return false;
        }
        let key = busy[self.rng.below(busy.len())].clone();
        let message = self.links.get_mut(&key).unwrap().pop_front().unwrap();
        let message = Message::decode(&message.encode()).unwrap();
        let (from, to) = key;
        if std::env::var("SIM_TRACE").is_ok() {
            let summary = match &message {
                Message::Sync { data, .. } | Message::Request { data, .. } => {
                    let m = automerge::sync::Message::decode(data).unwrap();
                    let short = |h: &[ChangeHash]| {
                        h.iter()
                            .map(|x| x.to_string()[..6].to_owned())
                            .collect::<Vec<_>>()
                            .join(",")
                    };
                    format!(
                        "heads={} need={} have={} changes={}",
                        short(&m.heads),
                        short(&m.need),
                        m.have.len(),
                        m.changes.len()
                    )
                }
                _ => String::new(),
            };
            eprintln!("{from} -> {to}: {} {summary}", message.kind());
        }
        if to == relay_id() {
            self.relay_receives(&from, message);
        } else {
            let d = self.devices.iter().position(|x| *x.hub.me() == to).unwrap();
            let effects = self.devices[d].hub.receive(&from, message).unwrap();
            self.sent_by_device(d, effects);
        }
        true
    }

    /// An honest edit: the coordinator rewrites the description, a volunteer signs up for or
    /// withdraws from a shift.
    fn honest_edit(&mut self, d: usize) {
        let doc = self.doc;
        // A device that does not hold the task yet (or holds only part of it) cannot edit it.
        let Some(current) = self.devices[d]
            .hub
            .document(&doc)
            .and_then(|x| autosurgeon::hydrate::<_, Task>(x).ok())
        else {
            return;
        };
        let mut t = current;
        if d == COORDINATOR {
            t.description = format!("beskrivelse {}", self.clock);
        } else {
            let shift = shifts()[self.rng.below(2)].clone();
            let me = self.devices[d].who.person.clone();
            let signups = &mut t.shifts.get_mut(&shift).unwrap().signups;
            let state = match signups.get(&me).map(|s| s.state) {
                Some(SignupState::SignedUp) => SignupState::Withdrawn,
                _ => SignupState::SignedUp,
            };
            signups.insert(
                me,
                Signup {
                    state,
                    at: self.clock,
                },
            );
        }
        let actor = device_actor(d);
        let (_, effects) = self.devices[d].hub.change(doc, |x| {
            x.set_actor(actor);
            write(x, &t);
        });
        self.sent_by_device(d, effects);
    }

    /// Mallory sends a raw sync message about the task carrying `changes`.
    fn mallory_sends(&mut self, changes: &[Change], heads: Vec<ChangeHash>) {
        if !self.devices[MALLORY].online {
            return;
        }
        let message = automerge::sync::Message {
            heads,
            need: Vec::new(),
            have: vec![automerge::sync::Have::default()],
            changes: changes
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect::<Vec<_>>()
                .into(),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        };
        let wire = Message::Sync {
            document_id: self.doc,
            sender_id: self.peer(MALLORY),
            target_id: relay_id(),
            data: message.encode(),
        };
        self.sent_by_mallory.push(wire.clone());
        self.links
            .entry((self.peer(MALLORY), relay_id()))
            .or_default()
            .push_back(wire);
    }

    fn mallory(&mut self) {
        let doc = self.doc;
        let Some(copy) = self.devices[MALLORY].hub.document(&doc).cloned() else {
            return;
        };
        if autosurgeon::hydrate::<_, Task>(&copy).is_err() {
            return;
        }
        let contact = match copy.get(ROOT, "contact").unwrap() {
            Some((_, id)) => id,
            None => return,
        };
        let shift = match copy.get(ROOT, "shifts").unwrap() {
            Some((_, shifts)) => match copy.get(&shifts, "vagt-a").unwrap() {
                Some((_, id)) => id,
                None => return,
            },
            None => return,
        };
        let actor = ActorId::from(self.rng.next().to_be_bytes().to_vec());
        match self.rng.below(6) {
            // A write whose dependencies omit the object it targets.
            0 => {
                let c = forged(&contact, "email", "mallory@evil".into(), &actor, Vec::new());
                self.mallory_sends(std::slice::from_ref(&c), vec![c.hash()]);
            }
            1 => {
                let c = forged(
                    &shift,
                    "capacity",
                    ScalarValue::Uint(1000),
                    &actor,
                    Vec::new(),
                );
                self.mallory_sends(std::slice::from_ref(&c), vec![c.hash()]);
            }
            // A forbidden write with honest dependencies.
            2 => {
                let c = forged(&ROOT, "title", "Overtaget".into(), &actor, copy.get_heads());
                self.mallory_sends(std::slice::from_ref(&c), vec![c.hash()]);
            }
            // A change that depends on something nobody has.
            3 => {
                let fake = ChangeHash([self.rng.below(250) as u8 + 1; 32]);
                let c = forged(&ROOT, "title", "Forældreløs".into(), &actor, vec![fake]);
                self.orphans.push(c.hash());
                self.mallory_sends(std::slice::from_ref(&c), vec![c.hash()]);
            }
            // Her own two sign-up changes, the second sent before the first.
            4 => {
                let mut t = read(&copy);
                let mut doc2 = copy.clone();
                doc2.set_actor(ActorId::from(self.rng.next().to_le_bytes().to_vec()));
                let me = person("mallory");
                for state in [SignupState::SignedUp, SignupState::Withdrawn] {
                    t.shifts.get_mut(&shifts()[1]).unwrap().signups.insert(
                        me.clone(),
                        Signup {
                            state,
                            at: self.clock,
                        },
                    );
                    write(&mut doc2, &t);
                }
                let new = doc2.get_changes(&copy.get_heads());
                if new.len() == 2 {
                    let (first, second) = (new[0].clone(), new[1].clone());
                    self.mallory_sends(&[second], doc2.get_heads());
                    self.mallory_sends(&[first], doc2.get_heads());
                }
            }
            // A replay of something she sent before.
            _ => {
                if self.devices[MALLORY].online && !self.sent_by_mallory.is_empty() {
                    let old =
                        self.sent_by_mallory[self.rng.below(self.sent_by_mallory.len())].clone();
                    self.links
                        .entry((self.peer(MALLORY), relay_id()))
                        .or_default()
                        .push_back(old);
                }
            }
        }
    }

    fn step(&mut self) {
        self.clock += 1_000;
        match self.rng.below(100) {
            0..=54 => {
                self.deliver_one();
            }
            55..=69 => {
                let d = self.rng.below(3);
                self.honest_edit(d);
            }
            70..=79 => self.mallory(),
            80..=93 => {
                let d = self.rng.below(self.devices.len());
                if self.devices[d].online {
                    self.disconnect(d);
                } else {
                    self.connect(d);
                }
            }
            _ => self.crash_relay(),
        }
    }

    fn settle(&mut self) {
        for d in 0..self.devices.len() {
            if !self.devices[d].online {
                self.connect(d);
            }
        }
        let mut delivered = 0;
        while self.deliver_one() {
            delivered += 1;
            assert!(delivered < 200_000, "sync did not quiesce");
        }
    }

    fn check(&self, seed: u64) {
        let doc = self.doc;
        let relay = self.relay.document(&doc).expect("the relay has the task");
        for d in 0..MALLORY {
            assert_eq!(
                self.devices[d].hub.heads(&doc),
                relay.get_heads(),
                "seed {seed}: {} differs",
                self.peer(d)
            );
        }
        let mallory = person("mallory");
        for change in relay.get_changes(&[]) {
            assert!(
                !self.orphans.contains(&change.hash()),
                "seed {seed}: an orphan change was kept"
            );
            if self.actors.get(change.actor_id()) == Some(&mallory) {
                let paths = samskab_model::authz::change_paths(relay, &change).unwrap();
                for path in paths {
                    let own = path.len() >= 4
                        && path[0] == "shifts"
                        && path[2] == "signups"
                        && path[3] == "mallory";
                    assert!(own, "seed {seed}: Mallory wrote {path:?}");
                }
            }
        }
        let t = read(relay);
        assert_eq!(t.title, TITLE, "seed {seed}");
        assert_eq!(t.contact.email, CONTACT, "seed {seed}");
        assert!(t.shifts.values().all(|s| s.capacity == 2), "seed {seed}");
        let mut reloaded = Hub::new(relay_id(), Role::Relay);
        reloaded.load(doc, &self.store[&doc]).unwrap();
        assert_eq!(
            reloaded.heads(&doc),
            relay.get_heads(),
            "seed {seed}: store behind"
        );
    }
}

fn run(seed: u64) {
    let mut world = World::new(seed);
    for _ in 0..300 {
        world.step();
    }
    world.settle();
    world.check(seed);
}

#[test]
fn honest_devices_converge_and_the_adversary_writes_only_her_own_sign_ups() {
    if let Ok(seed) = std::env::var("SIM_SEED") {
        run(seed.parse().expect("SIM_SEED is a number"));
        return;
    }
    let seeds: u64 = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    for seed in 1..=seeds {
        let result = std::panic::catch_unwind(|| run(seed));
        assert!(
            result.is_ok(),
            "simulation failed for seed {seed} (SIM_SEED={seed})"
        );
    }
}
