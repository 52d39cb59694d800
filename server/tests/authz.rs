//! The authorization matrix at the relay, over real sockets: every role against task
//! documents, for read, create, write an allowed field, write a forbidden field, write someone
//! else's sign-up, and reuse someone else's actor id. Every refusal is checked three ways: the
//! writer is told (`samskab-change-refused`), a connected staff device never receives the
//! change, and the relay (memory, then its store after a restart) does not hold it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::{ActorId, Automerge, ChangeHash, ReadDoc};
use common::device::{Device, next_message};
use common::{Relay, now};
use samskab_model::sync::Message;
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, ShiftId, Task, TaskStatus};

fn shift() -> ShiftId {
    "vagt-1".parse().unwrap()
}

fn task(status: TaskStatus) -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kioskvagt",
        Area::Sport,
        now() - 60_000,
    );
    task.shifts.insert(
        shift(),
        Shift::new(now() + 86_400_000, now() + 90_000_000, 1),
    );
    task.status = status;
    task
}

fn write(doc: &mut Automerge, task: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .unwrap();
}

fn read(device: &Device, id: &DocumentId) -> Task {
    autosurgeon::hydrate(device.hub.document(id).unwrap()).unwrap()
}

fn signed_up(task: &mut Task, person: &str) {
    task.shifts.get_mut(&shift()).unwrap().signups.insert(
        person.parse().unwrap(),
        Signup {
            state: SignupState::SignedUp,
            at: now(),
        },
    );
}

struct World {
    relay: Relay,
    observer: Device,
    barrier: DocumentId,
    bo: Device,
    published: DocumentId,
    draft: DocumentId,
}

impl World {
    async fn new() -> World {
        let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
        // A coordinator of another organisation, made as the admin command would.
        relay.add_library_coordinator();

        let mut bo = device(&relay, "bo@demo.samskab.dk", "bo").await;
        let (published, draft, barrier) = (
            DocumentId::random(),
            DocumentId::random(),
            DocumentId::random(),
        );
        for (id, status) in [
            (published, TaskStatus::Published),
            (draft, TaskStatus::Draft),
            (barrier, TaskStatus::Published),
        ] {
            bo.change(id, |d| write(d, &task(status))).await;
            bo.acknowledged(id).await;
        }
        let mut observer = device(&relay, "carla@demo.samskab.dk", "observer").await;
        observer
            .pump_until("every task", |hub| {
                [published, draft, barrier]
                    .iter()
                    .all(|id| !hub.heads(id).is_empty())
            })
            .await;
        World {
            relay,
            observer,
            barrier,
            bo,
            published,
            draft,
        }
    }

    /// The relay's heads of a document, from its catalog for tools.
    async fn relay_heads(&self, id: &DocumentId) -> Vec<String> {
        let catalog: serde_json::Value = self.relay.catalog().await;
        catalog["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id.to_string())
            .map(|d| {
                d["heads"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// After a refusal: an allowed change to the barrier document reaches the observer, and
    /// the refused change (whose hashes are `refused`) never did; the relay holds the same
    /// heads as before.
    async fn nothing_arrived(
        &mut self,
        id: &DocumentId,
        heads_before: &[String],
        refused: &[ChangeHash],
    ) {
        let mut t = read(&self.bo, &self.barrier);
        t.description = format!("barrier {}", now());
        let expected = t.description.clone();
        self.bo.change(self.barrier, |d| write(d, &t)).await;
        self.bo.acknowledged(self.barrier).await;
        let barrier = self.barrier;
        self.observer
            .pump_until("the barrier", |hub| {
                hub.document(&barrier)
                    .and_then(|d| autosurgeon::hydrate::<_, Task>(d).ok())
                    .is_some_and(|t| t.description == expected)
            })
            .await;
        if let Some(doc) = self.observer.hub.document(id) {
            for hash in refused {
                assert!(
                    doc.get_change_by_hash(hash).is_none(),
                    "the observer got a refused change"
                );
            }
        }
        assert_eq!(
            self.relay_heads(id).await,
            heads_before,
            "the relay changed"
        );
    }
}

async fn device(relay: &Relay, email: &str, name: &str) -> Device {
    let token = relay.login(email).await;
    // A device's peer id is its own: each account connects with one of its own.
    let user = email.split('@').next().unwrap_or_default();
    let mut device = Device::connect(&relay.ws_url_as(&token), &format!("{name}-{user}")).await;
    // Let the catalog exchange finish.
    device
        .pump_until("the catalog", |hub| hub.documents().count() > 0)
        .await;
    device
}

/// Makes a change on `device` and returns the hashes it created and the refusal code (or
/// `None` if the relay accepted it).
/// Anna on a new device called `name`, once it holds a change of `id` under `actor`.
async fn holding_a_change_of(relay: &Relay, name: &str, id: DocumentId, actor: &ActorId) -> Device {
    let mut anna = device(relay, "anna@demo.samskab.dk", name).await;
    anna.pump_until("the change", |hub| {
        hub.document(&id)
            .is_some_and(|d| d.get_changes(&[]).iter().any(|c| c.actor_id() == actor))
    })
    .await;
    anna
}

async fn attempt(
    device: &mut Device,
    id: DocumentId,
    edit: impl FnOnce(&mut Automerge),
) -> (Vec<ChangeHash>, Option<String>) {
    let before = device.hub.heads(&id);
    let (_, effects) = device.hub.change(id, edit);
    let new: Vec<ChangeHash> = device
        .hub
        .document(&id)
        .unwrap()
        .get_changes(&before)
        .iter()
        .map(|c| c.hash())
        .collect();
    device.send(effects).await;
    let relay = device.relay.clone();
    loop {
        if device.hub.in_sync_with(&relay, &id) {
            return (new, None);
        }
        let message = tokio::time::timeout(common::device::PATIENCE, next_message(&mut device.ws))
            .await
            .expect("an answer in time")
            .expect("the connection stays open");
        if let Message::ChangeRefused {
            document_id, code, ..
        } = &message
        {
            assert_eq!(*document_id, id);
            let code = code.clone();
            let effects = device.hub.receive(&relay, message).unwrap();
            device.send(effects).await;
            return (new, Some(code));
        }
        let effects = device.hub.receive(&relay, message).unwrap();
        device.send(effects).await;
    }
}

#[tokio::test]
async fn reads_follow_the_role_table() {
    let w = World::new().await;
    for (email, sees_draft) in [
        ("anna@demo.samskab.dk", false),
        ("eva@bibliotek.dk", false),
        ("bo@demo.samskab.dk", true),
        ("carla@demo.samskab.dk", true),
        ("admin@demo.samskab.dk", true),
    ] {
        let mut d = device(&w.relay, email, "reader").await;
        let published = w.published;
        d.pump_until("the published task", |hub| {
            !hub.heads(&published).is_empty()
        })
        .await;
        // Asking for the draft by id: a reader gets it, anyone else the same answer as for an
        // id that does not exist.
        let effects = d.hub.request(w.draft);
        d.send(effects).await;
        if sees_draft {
            let draft = w.draft;
            d.pump_until("the draft", |hub| !hub.heads(&draft).is_empty())
                .await;
        } else {
            let answer = tokio::time::timeout(common::device::PATIENCE, async {
                loop {
                    match next_message(&mut d.ws).await.unwrap() {
                        Message::DocUnavailable { document_id, .. } if document_id == w.draft => {
                            break;
                        }
                        Message::Sync { document_id, .. } => {
                            assert_ne!(document_id, w.draft, "{email} was sent the draft")
                        }
                        _ => {}
                    }
                }
            })
            .await;
            assert!(answer.is_ok(), "{email}: no doc-unavailable for the draft");
            assert!(d.hub.heads(&w.draft).is_empty(), "{email} holds the draft");
        }
    }
}

#[tokio::test]
async fn creates_follow_the_role_table() {
    let mut w = World::new().await;
    for (email, allowed) in [
        ("anna@demo.samskab.dk", false),
        ("eva@bibliotek.dk", false),
        ("bo@demo.samskab.dk", true),
        ("carla@demo.samskab.dk", true),
        ("admin@demo.samskab.dk", true),
    ] {
        let mut d = device(&w.relay, email, "creator").await;
        let id = DocumentId::random();
        let (hashes, refused) =
            attempt(&mut d, id, |doc| write(doc, &task(TaskStatus::Published))).await;
        assert_eq!(refused.is_none(), allowed, "{email} creating: {refused:?}");
        if !allowed {
            assert_eq!(refused.as_deref(), Some("forbidden"));
            w.nothing_arrived(&id, &[], &hashes).await;
        }
    }
}

#[tokio::test]
async fn writes_follow_the_role_table() {
    let mut w = World::new().await;
    let (bent, bent_token) = w.relay.register("Bent").await;
    let id = w.published;

    // (who, what, edit, expected refusal code or None)
    type Edit = Box<dyn FnOnce(&mut Task)>;
    let cases: Vec<(&str, &str, Edit, Option<&str>)> = vec![
        (
            "bo@demo.samskab.dk",
            "an allowed field",
            Box::new(|t| t.description = "Bo".into()),
            None,
        ),
        (
            "carla@demo.samskab.dk",
            "an allowed field",
            Box::new(|t| t.description = "Carla".into()),
            None,
        ),
        (
            "admin@demo.samskab.dk",
            "an allowed field",
            Box::new(|t| t.place = "Hallen".into()),
            None,
        ),
        (
            "anna@demo.samskab.dk",
            "a forbidden field",
            Box::new(|t| t.description = "Anna".into()),
            Some("forbidden"),
        ),
        (
            "eva@bibliotek.dk",
            "another organisation's task",
            Box::new(|t| t.title = "Eva".into()),
            Some("forbidden"),
        ),
        (
            "bo@demo.samskab.dk",
            "the organisation",
            Box::new(|t| t.organisation = "haslev-bibliotek".parse().unwrap()),
            Some("forbidden"),
        ),
        (
            "anna@demo.samskab.dk",
            "her own sign-up",
            Box::new(|t| signed_up(t, "demo-anna")),
            None,
        ),
        (
            "anna@demo.samskab.dk",
            "someone else's sign-up",
            Box::new({
                let bent = bent.clone();
                move |t| signed_up(t, &bent)
            }),
            Some("forbidden"),
        ),
        (
            "bo@demo.samskab.dk",
            "a volunteer's sign-up",
            Box::new(|t| signed_up(t, "demo-anna")),
            Some("forbidden"),
        ),
        (
            "bo@demo.samskab.dk",
            "an invalid task",
            Box::new(|t| t.title = " ".into()),
            Some("opgave.invalid"),
        ),
    ];
    for (email, what, edit, expected) in cases {
        let mut d = device(&w.relay, email, "writer").await;
        d.pump_until("the task", |hub| !hub.heads(&id).is_empty())
            .await;
        let mut t = read(&d, &id);
        edit(&mut t);
        let before = w.relay_heads(&id).await;
        let (hashes, refused) = attempt(&mut d, id, |doc| write(doc, &t)).await;
        assert_eq!(refused.as_deref(), expected, "{email} writing {what}");
        if refused.is_some() {
            w.nothing_arrived(&id, &before, &hashes).await;
            // The refused device was reset to the relay's version.
            let relay = d.relay.clone();
            d.pump_until("the relay's version", |hub| hub.in_sync_with(&relay, &id))
                .await;
            assert_eq!(
                d.hub
                    .heads(&id)
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
                before
            );
        }
    }

    // Bent's own sign-up goes through, under his own actor id.
    let mut bent_device = Device::connect(&w.relay.ws_url_as(&bent_token), "bent").await;
    bent_device
        .pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut t = read(&bent_device, &id);
    signed_up(&mut t, &bent);
    let (_, refused) = attempt(&mut bent_device, id, |doc| write(doc, &t)).await;
    assert_eq!(refused, None);

    // Anna reuses Bent's actor id: refused, though the path would be hers to write.
    let bent_actor: ActorId = bent_device
        .hub
        .document(&id)
        .unwrap()
        .get_changes(&[])
        .iter()
        .rev()
        .find(|c| c.actor_id().to_string() != "")
        .map(|c| c.actor_id().clone())
        .unwrap();
    let mut anna = holding_a_change_of(&w.relay, "anna-again", id, &bent_actor).await;
    let mut t = read(&anna, &id);
    t.shifts
        .get_mut(&shift())
        .unwrap()
        .signups
        .remove(&"demo-anna".parse().unwrap());
    let before = w.relay_heads(&id).await;
    let (hashes, refused) = attempt(&mut anna, id, |doc| {
        doc.set_actor(bent_actor.clone());
        write(doc, &t);
    })
    .await;
    assert_eq!(refused.as_deref(), Some("foreign-actor"));
    w.nothing_arrived(&id, &before, &hashes).await;

    // After a restart, the store holds exactly what the relay had accepted.
    let heads = w.relay_heads(&id).await;
    let data = w.relay.stop_keeping_data().await;
    let relay = Relay::start_with(data, true).await;
    let catalog: serde_json::Value = relay.catalog().await;
    let stored = catalog["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id.to_string())
        .unwrap()["heads"]
        .clone();
    assert_eq!(stored, serde_json::json!(heads));

    // The binding was stored with the sign-up (the relay binds a burst's new actors together
    // before it stores the burst): the restarted relay, its cache empty, still refuses it.
    let mut anna = holding_a_change_of(&relay, "anna-restarted", id, &bent_actor).await;
    let mut t = read(&anna, &id);
    t.description = "Anna as Bent".into();
    let (_, refused) = attempt(&mut anna, id, |doc| {
        doc.set_actor(bent_actor.clone());
        write(doc, &t);
    })
    .await;
    assert_eq!(refused.as_deref(), Some("foreign-actor"));
    relay.shutdown().await;
}

#[tokio::test]
async fn a_stock_client_whose_change_is_refused_gets_an_error_and_is_disconnected() {
    let w = World::new().await;
    let token = w.relay.login("anna@demo.samskab.dk").await;
    // A plain automerge-repo client: no catalog request, so not a Samskab client.
    let (mut ws, _) = tokio_tungstenite::connect_async(w.relay.ws_url_as(&token))
        .await
        .unwrap();
    use futures_util::SinkExt;
    let me: samskab_model::sync::PeerId = "stock".parse().unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::Binary(
        Message::Join {
            sender_id: me.clone(),
            supported_protocol_versions: vec!["1".into()],
            metadata: None,
        }
        .encode()
        .into(),
    ))
    .await
    .unwrap();
    let Some(Message::Peer {
        sender_id: relay, ..
    }) = next_message(&mut ws).await
    else {
        panic!("no peer")
    };
    let mut hub = samskab_model::sync::Hub::new(me, samskab_model::sync::Role::Client);
    let _catalog_request_not_sent = hub.connect(relay.clone());
    let mut device = Device::joined(hub, ws, relay);
    let effects = device.hub.request(w.published);
    device.send(effects).await;
    let published = w.published;
    device
        .pump_until("the task", |hub| !hub.heads(&published).is_empty())
        .await;
    let mut t = read(&device, &w.published);
    t.title = "Overtaget".into();
    let ((), effects) = device.hub.change(w.published, |doc| write(doc, &t));
    device.send(effects).await;
    let mut error = None;
    let closed = tokio::time::timeout(common::device::PATIENCE, async {
        while let Some(message) = next_message(&mut device.ws).await {
            if let Message::Error { message } = message {
                error = Some(message);
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the stock client was not disconnected");
    let error = error.expect("an error before the close");
    assert!(error.contains("refused"), "{error}");
}

/// A sign-up takes a place only if it was made before the shift started: one dated at or after
/// the start is refused (`shift-started`), one made offline before the start still counts
/// when it arrives after it, withdrawing after the start is allowed, and signing up again then
/// is refused. The relay keeps only what it accepted.
#[tokio::test]
async fn a_place_is_taken_only_before_the_shift_starts() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let anna_id = "demo-anna";
    let mut bo = device(&relay, "bo@demo.samskab.dk", "bo").await;
    let start = now() - 120_000;
    let mut started = task(TaskStatus::Published);
    started.created_at = now() - 3_600_000;
    started.updated_at = started.created_at;
    started
        .shifts
        .insert(shift(), Shift::new(start, start + 3 * 3_600_000, 2));
    let id = DocumentId::random();
    bo.change(id, |d| write(d, &started)).await;
    bo.acknowledged(id).await;

    // Each attempt from a device of Anna's that starts from the relay's version.
    let sign = |state: SignupState, at: i64| {
        move |t: &mut Task| {
            t.shifts
                .get_mut(&shift())
                .unwrap()
                .signups
                .insert(anna_id.parse().unwrap(), Signup { state, at });
        }
    };
    type Edit = Box<dyn FnOnce(&mut Task)>;
    let cases: Vec<(&str, Edit, Option<&str>)> = vec![
        (
            "signing up now, after the start",
            Box::new(sign(SignupState::SignedUp, now())),
            Some("opgave.shift-started"),
        ),
        (
            "signing up at the start",
            Box::new(sign(SignupState::SignedUp, start)),
            Some("opgave.shift-started"),
        ),
        (
            "a sign-up made offline a minute before the start",
            Box::new(sign(SignupState::SignedUp, start - 60_000)),
            None,
        ),
        (
            "withdrawing after the start",
            Box::new(sign(SignupState::Withdrawn, now())),
            None,
        ),
        (
            "signing up again after the start",
            Box::new(sign(SignupState::SignedUp, now())),
            Some("opgave.shift-started"),
        ),
    ];
    for (n, (what, edit, expected)) in cases.into_iter().enumerate() {
        let mut anna = device(&relay, "anna@demo.samskab.dk", &format!("anna-{n}")).await;
        anna.pump_until("the task", |hub| !hub.heads(&id).is_empty())
            .await;
        let mut t = read(&anna, &id);
        edit(&mut t);
        let (_, refused) = attempt(&mut anna, id, |doc| write(doc, &t)).await;
        assert_eq!(refused.as_deref(), expected, "{what}");
    }

    // What the relay holds: the sign-up made before the start, then withdrawn.
    let mut carla = device(&relay, "carla@demo.samskab.dk", "carla").await;
    let anna = anna_id.parse().unwrap();
    carla
        .pump_until("Anna's withdrawn entry", |hub| {
            hub.document(&id)
                .and_then(|d| autosurgeon::hydrate::<_, Task>(d).ok())
                .is_some_and(|t| {
                    t.shifts[&shift()]
                        .signups
                        .get(&anna)
                        .is_some_and(|s| s.state == SignupState::Withdrawn)
                })
        })
        .await;
    assert_eq!(read(&carla, &id).shifts[&shift()].signups.len(), 1);
    relay.shutdown().await;
}
