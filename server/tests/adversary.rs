//! The relay against an adversary, over real sockets: hand-built automerge changes that a real
//! client never makes. Each test is one class of attack from the hardening issue: writes hidden
//! behind missing dependencies, changes parked until someone else uploads them, state for
//! guessed ids, oversize content, stolen device ids, back-dated sign-ups, ids reserved for
//! profiles, and answers that tell an unreadable document from a missing one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::num::NonZeroU64;

use automerge::legacy::{Key, ObjectId, Op, OpId, OpType, SortedVec};
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjId, ReadDoc, ScalarValue};
use common::device::{Device, PATIENCE, next_message};
use common::{Relay, now};
use futures_util::SinkExt;
use samskab_model::sync::{Message, PeerId};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, ShiftId, Task, TaskStatus};
use tokio_tungstenite::tungstenite::Message as Ws;

fn shift() -> ShiftId {
    "vagt-1".parse().unwrap()
}

fn task(created_at: i64) -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kioskvagt",
        Area::Sport,
        created_at,
    );
    task.shifts.insert(
        shift(),
        Shift::new(now() + 86_400_000, now() + 90_000_000, 2),
    );
    task.status = TaskStatus::Published;
    task
}

fn write(doc: &mut Automerge, task: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .unwrap();
}

async fn device(relay: &Relay, email: &str, name: &str) -> Device {
    let token = relay.login(email).await;
    Device::connect(&relay.ws_url_as(&token), name).await
}

/// A published task made by Bo, as the relay has it.
async fn published(relay: &Relay, created_at: i64) -> (Device, DocumentId) {
    let mut bo = device(relay, "bo@demo.samskab.dk", "bo-setup").await;
    let id = DocumentId::random();
    bo.change(id, |d| write(d, &task(created_at))).await;
    bo.acknowledged(id).await;
    (bo, id)
}

/// A change by `actor` of one op, `action` at `key` on `obj` (an object id of `doc`, or the
/// root), with the dependencies `deps`.
fn forged(
    obj: &ObjId,
    key: &str,
    action: OpType,
    actor: &ActorId,
    start_op: u64,
    deps: Vec<ChangeHash>,
) -> Change {
    let target = match obj {
        ObjId::Root => ObjectId::Root,
        ObjId::Id(counter, actor, _) => ObjectId::Id(OpId(*counter, actor.clone())),
    };
    Change::from(automerge::ExpandedChange {
        operations: vec![Op {
            action,
            obj: target,
            key: Key::Map(key.into()),
            pred: SortedVec::new(),
            insert: false,
        }],
        actor_id: actor.clone(),
        hash: None,
        seq: 1,
        start_op: NonZeroU64::new(start_op).unwrap(),
        time: 0,
        message: None,
        deps,
        extra_bytes: Vec::new(),
        author: None,
    })
}

fn put(value: &str) -> OpType {
    OpType::Put(ScalarValue::Str(value.into()))
}

/// The object at `path` in `doc`.
fn object(doc: &Automerge, path: &[&str]) -> ObjId {
    let mut obj = ObjId::Root;
    for key in path {
        obj = match doc.get(&obj, *key).unwrap() {
            Some((_, id)) => id,
            None => panic!("no {key}"),
        };
    }
    obj
}

/// A sync message about `id` from `me` to `relay` that claims `heads` (and `have`) and
/// carries `chunks`, built by hand as an attacker would.
fn sync_message(
    me: &PeerId,
    relay: &PeerId,
    id: DocumentId,
    heads: Vec<ChangeHash>,
    have: Vec<automerge::sync::Have>,
    chunks: Vec<Vec<u8>>,
) -> Message {
    let message = automerge::sync::Message {
        heads,
        need: Vec::new(),
        have,
        changes: chunks.into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    Message::Sync {
        document_id: id,
        sender_id: me.clone(),
        target_id: relay.clone(),
        data: message.encode(),
    }
}

/// Sends `changes` to the relay as one sync message about `id`, claiming `heads`, and waits
/// for the relay's verdict: `Some(code)` if it refused them, `None` if it answered with a sync
/// message (accepted, or parked).
async fn send_changes(
    device: &mut Device,
    id: DocumentId,
    heads: Vec<ChangeHash>,
    changes: &[Change],
) -> Option<String> {
    let chunks = changes.iter().map(|c| c.raw_bytes().to_vec()).collect();
    let wire = sync_message(
        device.hub.me(),
        &device.relay,
        id,
        heads,
        Vec::new(),
        chunks,
    );
    device
        .ws
        .send(Ws::Binary(wire.encode().into()))
        .await
        .unwrap();
    loop {
        let answer = tokio::time::timeout(PATIENCE, next_message(&mut device.ws))
            .await
            .expect("an answer in time")
            .expect("the connection stays open");
        match answer {
            Message::ChangeRefused {
                document_id, code, ..
            } if document_id == id => return Some(code),
            Message::Sync { document_id, .. } if document_id == id => return None,
            _ => {}
        }
    }
}

/// A fresh staff device's copy of `id`, synced from the relay.
async fn fresh_copy(relay: &Relay, id: DocumentId, name: &str) -> Automerge {
    let mut carla = device(relay, "carla@demo.samskab.dk", name).await;
    carla
        .pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let relay_peer = carla.relay.clone();
    carla
        .pump_until("in sync", |hub| hub.in_sync_with(&relay_peer, &id))
        .await;
    carla.hub.document(&id).unwrap().clone()
}

#[tokio::test]
async fn a_write_hidden_behind_missing_dependencies_is_refused() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (bo, id) = published(&relay, now() - 60_000).await;
    let stored = bo.hub.document(&id).unwrap().clone();
    let heads = stored.get_heads();
    let contact = object(&stored, &["contact"]);
    let capacity_of = object(&stored, &["shifts", "vagt-1"]);
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-forger").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;

    // deps: [] with a put on the task's contact map, and on its shift: invisible to a diff
    // against the change's own dependencies.
    let actor = ActorId::random();
    for (obj, key, value) in [
        (&contact, "email", put("anna@evil.example")),
        (
            &capacity_of,
            "capacity",
            OpType::Put(ScalarValue::Uint(1000)),
        ),
    ] {
        let hidden = forged(obj, key, value, &actor, 1, Vec::new());
        let code = send_changes(
            &mut anna,
            id,
            vec![hidden.hash()],
            std::slice::from_ref(&hidden),
        )
        .await;
        assert_eq!(code.as_deref(), Some("unknown-object"), "{key}");
    }
    // The same write with honest dependencies is seen for what it is.
    let honest = forged(
        &contact,
        "email",
        put("anna@evil.example"),
        &actor,
        100,
        heads,
    );
    let code = send_changes(&mut anna, id, vec![honest.hash()], &[honest]).await;
    assert_eq!(code.as_deref(), Some("forbidden"));

    let copy = fresh_copy(&relay, id, "carla-check").await;
    let task: Task = autosurgeon::hydrate(&copy).unwrap();
    assert_eq!(task.contact, samskab_model::task::Contact::default());
    assert_eq!(task.shifts[&shift()].capacity, 2);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_change_with_a_missing_dependency_is_never_stored_or_forwarded() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (_bo, id) = published(&relay, now() - 60_000).await;
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-parker").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    // A title change that depends on a change nobody has.
    let missing = ChangeHash([7; 32]);
    let parked = forged(
        &ObjId::Root,
        "title",
        put("Overtaget"),
        &ActorId::random(),
        1,
        vec![missing],
    );
    let code = send_changes(
        &mut anna,
        id,
        vec![parked.hash()],
        std::slice::from_ref(&parked),
    )
    .await;
    assert_eq!(code, None, "held for its dependency, not refused");

    // Another device gets the task without the parked change, now and after a restart.
    let copy = fresh_copy(&relay, id, "carla-1").await;
    assert!(copy.get_change_by_hash(&parked.hash()).is_none());
    // Not even waiting in her copy for its dependency (a whole-document save carries such
    // changes along), from where her device would later upload it as its own.
    assert_eq!(
        copy.get_missing_deps(&[]),
        Vec::<ChangeHash>::new(),
        "the orphan reached another device"
    );
    let heads: Vec<String> = copy.get_heads().iter().map(ToString::to_string).collect();
    drop(anna);
    let relay = Relay::start_with(relay.stop_keeping_data().await, true).await;
    let copy = fresh_copy(&relay, id, "carla-2").await;
    assert!(copy.get_change_by_hash(&parked.hash()).is_none());
    let after: Vec<String> = copy.get_heads().iter().map(ToString::to_string).collect();
    assert_eq!(after, heads);
    relay.shutdown().await;
}

/// An honest change that arrives before the one it depends on (as after a Bloom-filter false
/// positive) waits, the relay asks for the missing one, and both are then judged and kept.
#[tokio::test]
async fn a_parked_change_is_judged_once_its_dependency_arrives() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (mut bo, id) = published(&relay, now() - 60_000).await;
    let base = bo.hub.heads(&id);
    let mut t: Task = autosurgeon::hydrate(bo.hub.document(&id).unwrap()).unwrap();
    let mut doc = bo.hub.document(&id).unwrap().clone();
    t.description = "Første".into();
    write(&mut doc, &t);
    t.description = "Anden".into();
    write(&mut doc, &t);
    let changes = doc.get_changes(&base);
    let (first, second) = (changes[0].clone(), changes[1].clone());
    // The second alone: held, and its dependency asked for.
    let wire = sync_message(
        bo.hub.me(),
        &bo.relay,
        id,
        doc.get_heads(),
        Vec::new(),
        vec![second.raw_bytes().to_vec()],
    );
    bo.ws.send(Ws::Binary(wire.encode().into())).await.unwrap();
    let need = loop {
        match tokio::time::timeout(PATIENCE, next_message(&mut bo.ws))
            .await
            .unwrap()
            .unwrap()
        {
            Message::Sync {
                document_id, data, ..
            } if document_id == id => {
                break automerge::sync::Message::decode(&data).unwrap().need;
            }
            _ => {}
        }
    };
    assert!(
        need.contains(&first.hash()),
        "the relay asks for the missing change"
    );
    let code = send_changes(&mut bo, id, doc.get_heads(), &[first]).await;
    assert_eq!(code, None);
    let copy = fresh_copy(&relay, id, "carla-parked").await;
    assert!(copy.get_change_by_hash(&second.hash()).is_some());
    let task: Task = autosurgeon::hydrate(&copy).unwrap();
    assert_eq!(task.description, "Anden");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_guessed_id_leaves_no_state_and_is_answered_as_missing() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-guesser").await;
    let guessed = DocumentId::random();
    // Claim a head of a document the relay does not have, with no changes.
    let wire = sync_message(
        anna.hub.me(),
        &anna.relay,
        guessed,
        vec![ChangeHash([9; 32])],
        Vec::new(),
        Vec::new(),
    );
    anna.ws
        .send(Ws::Binary(wire.encode().into()))
        .await
        .unwrap();
    // Asked for afterwards, by anyone, it is a document that does not exist.
    let mut bo = device(&relay, "bo@demo.samskab.dk", "bo-asks").await;
    let effects = bo.hub.request(guessed);
    bo.send(effects).await;
    let answer = tokio::time::timeout(PATIENCE, async {
        loop {
            match next_message(&mut bo.ws).await.unwrap() {
                Message::DocUnavailable { document_id, .. } if document_id == guessed => break,
                Message::Sync { document_id, .. } => assert_ne!(document_id, guessed),
                _ => {}
            }
        }
    })
    .await;
    assert!(answer.is_ok(), "a guessed id was never answered");
    relay.shutdown().await;
}

#[tokio::test]
async fn oversize_content_and_unknown_keys_are_refused() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (_bo, id) = published(&relay, now() - 60_000).await;
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-big").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let read = |d: &Device| -> Task { autosurgeon::hydrate(d.hub.document(&id).unwrap()).unwrap() };
    let mut t = read(&anna);
    t.shifts.get_mut(&shift()).unwrap().signups.insert(
        "demo-anna".parse().unwrap(),
        Signup {
            state: SignupState::SignedUp,
            at: now(),
        },
    );
    anna.change(id, |d| write(d, &t)).await;
    anna.acknowledged(id).await;
    let doc = anna.hub.document(&id).unwrap().clone();
    let own = object(&doc, &["shifts", "vagt-1", "signups", "demo-anna"]);
    let heads = doc.get_heads();
    let actor = ActorId::random();

    // An unknown key under one's own sign-up entry.
    let extra = forged(&own, "note", put("hej"), &actor, 1_000, heads.clone());
    let code = send_changes(&mut anna, id, vec![extra.hash()], &[extra]).await;
    assert_eq!(code.as_deref(), Some("forbidden"));
    // A 600 KB string in a known field of one's own entry.
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-big-2").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let huge = forged(
        &own,
        "state",
        put(&"x".repeat(600 * 1024)),
        &actor,
        2_000,
        heads,
    );
    let code = send_changes(&mut anna, id, vec![huge.hash()], &[huge]).await;
    assert_eq!(code.as_deref(), Some("too-large"));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_device_id_cannot_be_taken_over() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let anna_token = relay.login("anna@demo.samskab.dk").await;
    let bo_token = relay.login("bo@demo.samskab.dk").await;
    let mut first = Device::connect(&relay.ws_url_as(&anna_token), "annas-phone").await;
    // Anna's phone comes back on a new socket before the old one timed out: it is let in, and
    // the old connection is closed.
    let _second = Device::connect(&relay.ws_url_as(&anna_token), "annas-phone").await;
    let closed = tokio::time::timeout(PATIENCE, async {
        while let Some(message) = next_message(&mut first.ws).await {
            if let Message::Error { message } = message {
                return message;
            }
        }
        String::new()
    })
    .await
    .unwrap();
    assert!(closed.contains("replaced"), "{closed}");
    // Someone else using her device's id, or the relay's own id, is refused.
    for (token, peer) in [(&bo_token, "annas-phone"), (&anna_token, "samskab-relay")] {
        let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url_as(token))
            .await
            .unwrap();
        let join = Message::Join {
            sender_id: peer.parse().unwrap(),
            supported_protocol_versions: vec!["1".into()],
            metadata: None,
        };
        ws.send(Ws::Binary(join.encode().into())).await.unwrap();
        match next_message(&mut ws).await {
            Some(Message::Error { message }) => {
                assert!(message.contains("another device"), "{message}")
            }
            other => panic!("{peer} was let in: {other:?}"),
        }
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn a_sign_up_cannot_be_back_dated_to_jump_the_queue() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let created = now() - 6 * 3_600_000;
    let (_bo, id) = published(&relay, created).await;
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-early").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut t: Task = autosurgeon::hydrate(anna.hub.document(&id).unwrap()).unwrap();
    // Dated at the task's creation, hours before her session began.
    t.shifts.get_mut(&shift()).unwrap().signups.insert(
        "demo-anna".parse().unwrap(),
        Signup {
            state: SignupState::SignedUp,
            at: created,
        },
    );
    let before = anna.hub.heads(&id);
    let ((), effects) = anna.hub.change(id, |d| write(d, &t));
    let changes: Vec<Change> = anna
        .hub
        .document(&id)
        .unwrap()
        .get_changes(&before)
        .into_iter()
        .collect();
    drop(effects);
    let heads = anna.hub.heads(&id);
    let code = send_changes(&mut anna, id, heads, &changes).await;
    assert_eq!(code.as_deref(), Some("opgave.implausible"));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_profile_id_is_reserved_for_its_owners_profile() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let mut bo = device(&relay, "bo@demo.samskab.dk", "bo-squatter").await;
    let annas = samskab_model::profile::profile_document_id(&"demo-anna".parse().unwrap());
    let ((), effects) = bo.hub.change(annas, |d| write(d, &task(now())));
    drop(effects);
    let changes: Vec<Change> = bo
        .hub
        .document(&annas)
        .unwrap()
        .get_changes(&[])
        .into_iter()
        .collect();
    let heads = bo.hub.heads(&annas);
    let code = send_changes(&mut bo, annas, heads, &changes).await;
    assert_eq!(code.as_deref(), Some("reserved-id"));
    relay.shutdown().await;
}

/// A draft one may not read and an id that does not exist get the same answers: to a
/// request, to a sync message claiming made-up heads, and in the revocation list at connect.
#[tokio::test]
async fn an_unreadable_document_is_answered_as_a_missing_one() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let mut bo = device(&relay, "bo@demo.samskab.dk", "bo-drafts").await;
    let draft = DocumentId::random();
    let mut t = task(now());
    t.status = TaskStatus::Draft;
    bo.change(draft, |d| write(d, &t)).await;
    bo.acknowledged(draft).await;
    let missing = DocumentId::random();
    let fake = vec![ChangeHash([3; 32])];

    let token = relay.login("anna@demo.samskab.dk").await;
    let mut answers = Vec::new();
    for id in [draft, missing] {
        // Connect claiming to hold the document at made-up heads.
        let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url_as(&token))
            .await
            .unwrap();
        let me: samskab_model::sync::PeerId = format!("probe-{id}").parse().unwrap();
        let join = Message::Join {
            sender_id: me.clone(),
            supported_protocol_versions: vec!["1".into()],
            metadata: None,
        };
        ws.send(Ws::Binary(join.encode().into())).await.unwrap();
        let Some(Message::Peer {
            sender_id: relay_peer,
            ..
        }) = next_message(&mut ws).await
        else {
            panic!("no peer")
        };
        let request = Message::CatalogRequest {
            sender_id: me.clone(),
            target_id: relay_peer.clone(),
            have: vec![samskab_model::sync::CatalogEntry {
                document_id: id,
                heads: fake.clone(),
            }],
            digest: None,
            fingerprints: None,
        };
        ws.send(Ws::Binary(request.encode().into())).await.unwrap();
        let mut revoked = false;
        loop {
            match next_message(&mut ws).await.unwrap() {
                Message::Revoked { document_ids, .. } => revoked |= document_ids.contains(&id),
                Message::Catalog { documents, .. } => {
                    assert!(documents.iter().all(|d| d.document_id != id));
                    break;
                }
                _ => {}
            }
        }
        let wire = sync_message(
            &me,
            &relay_peer,
            id,
            fake.clone(),
            vec![automerge::sync::Have::default()],
            Vec::new(),
        );
        ws.send(Ws::Binary(wire.encode().into())).await.unwrap();
        let reply = loop {
            match next_message(&mut ws).await.unwrap() {
                Message::Sync {
                    document_id, data, ..
                } if document_id == id => {
                    let m = automerge::sync::Message::decode(&data).unwrap();
                    break format!(
                        "sync heads={:?} need={:?} changes={}",
                        m.heads,
                        m.need,
                        m.changes.len()
                    );
                }
                Message::DocUnavailable { document_id, .. } if document_id == id => {
                    break "doc-unavailable".to_owned();
                }
                _ => {}
            }
        };
        answers.push((revoked, reply));
    }
    assert_eq!(answers[0], answers[1], "draft vs missing");
    relay.shutdown().await;
}

/// A connection that asks again and again for a document and never reads the answers is
/// disconnected instead of being buffered without bound; meanwhile other users' writes are
/// acknowledged.
///
/// The relay answers the asks one peer sends about one document within one burst once
/// (`docs/protocol.md`, batching), and a connection whose write is blocked reads no more asks,
/// so its outbox (16 MiB) no longer fills from one document's asks: what disconnects it is the
/// write that cannot finish (`SEND_TIMEOUT_SECS`). The document is made large (over 1 MiB,
/// the whole of it in every answer) so that the answers overflow the sockets' buffers and
/// the write blocks.
#[tokio::test]
async fn a_reader_that_never_reads_is_disconnected_and_others_are_served() {
    use futures_util::StreamExt;
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let mut bo = device(&relay, "bo@demo.samskab.dk", "bo-big").await;
    let id = DocumentId::random();
    let mut big = task(now() - 60_000);
    // 5,000 characters that compress poorly (6 random bits each), different each time.
    let noise = |n: u64| {
        const ALPHABET: &[u8; 64] =
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..5_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(ALPHABET[(state >> 58) as usize])
            })
            .collect::<String>()
    };
    big.description = noise(0);
    bo.change(id, |d| write(d, &big)).await;
    // The history keeps every description it had: 60 rewrites per change, within the limits
    // of one change, until the document is over 1 MiB.
    let mut n = 1;
    while bo.hub.document(&id).unwrap().save().len() < 1024 * 1024 {
        bo.change(id, |d| {
            d.transact::<_, _, autosurgeon::ReconcileError>(|tx| {
                for _ in 0..60 {
                    big.description = noise(n);
                    n += 1;
                    autosurgeon::reconcile(tx, &big)?;
                }
                Ok(())
            })
            .unwrap();
        })
        .await;
        assert_eq!(bo.verdict(id).await, None, "rewrite {n} refused");
    }
    let size = bo.hub.document(&id).unwrap().save().len();

    let token = relay.login("anna@demo.samskab.dk").await;
    let (ws, _) = tokio_tungstenite::connect_async(relay.ws_url_as(&token))
        .await
        .unwrap();
    let (mut sink, mut stream) = ws.split();
    let me: PeerId = "never-reads".parse().unwrap();
    let join = Message::Join {
        sender_id: me.clone(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    };
    sink.send(Ws::Binary(join.encode().into())).await.unwrap();
    let relay_peer = loop {
        if let Ws::Binary(b) = stream.next().await.unwrap().unwrap()
            && let Ok(Message::Peer { sender_id, .. }) = Message::decode(&b)
        {
            break sender_id;
        }
    };
    // Ask 12,000 times, reading nothing.
    let asks = 12_000;
    for _ in 0..asks {
        // "I have nothing" (an empty Bloom filter): every answer carries the whole document.
        let nothing = vec![automerge::sync::Have::default()];
        let ask = sync_message(&me, &relay_peer, id, Vec::new(), nothing, Vec::new());
        let ask = match ask {
            Message::Sync {
                document_id,
                sender_id,
                target_id,
                data,
            } => Message::Request {
                document_id,
                sender_id,
                target_id,
                data,
            },
            other => other,
        };
        if sink.send(Ws::Binary(ask.encode().into())).await.is_err() {
            break; // already disconnected
        }
    }
    // Someone else's sign-up goes through meanwhile.
    let mut anna = device(&relay, "anna@demo.samskab.dk", "anna-meanwhile").await;
    anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut t: Task = autosurgeon::hydrate(anna.hub.document(&id).unwrap()).unwrap();
    t.shifts.get_mut(&shift()).unwrap().signups.insert(
        "demo-anna".parse().unwrap(),
        Signup {
            state: SignupState::SignedUp,
            at: now(),
        },
    );
    anna.change(id, |d| write(d, &t)).await;
    anna.acknowledged(id).await;

    // Still not reading: the relay gives up on its blocked write (`SEND_TIMEOUT_SECS`) and
    // closes the connection, which the next writes here find out (pings, every half second;
    // a margin for a loaded machine).
    let limit = samskab_model::sync::limits::SEND_TIMEOUT_SECS + 60;
    let gone = tokio::time::timeout(std::time::Duration::from_secs(limit), async {
        while sink.send(Ws::Ping(Vec::new().into())).await.is_ok() {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    })
    .await;
    assert!(gone.is_ok(), "the relay kept the connection open");
    // Reading now: what the sockets held, then the end. It was not all kept.
    let mut answers = 0;
    let ended = tokio::time::timeout(PATIENCE, async {
        while let Some(Ok(frame)) = stream.next().await {
            if matches!(frame, Ws::Close(_)) {
                break;
            }
            answers += 1;
        }
    })
    .await;
    eprintln!(
        "read {answers} answers of {size} bytes to {asks} asks before the relay closed the connection"
    );
    assert!(ended.is_ok(), "the relay kept the connection open");
    assert!(answers < asks, "the relay buffered all {answers} answers");
    relay.shutdown().await;
}
