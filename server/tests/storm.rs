//! A sign-up storm over real WebSockets: 300 devices hold a task, all sign up to its one
//! shift at once, and every device ends up with all 300 sign-ups, acknowledged by the relay.
//! A test of correctness under the relay's batching (writers answered at the end of a burst,
//! changed documents offered at most every few tens of milliseconds), not of time.
//!
//! The devices are kept light so that the test is cheap in a debug build: they sync only the
//! task (no catalog exchange, which would have each of them fetch every demo document), and
//! they read the task's sign-ups only once the relay's heads match theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::Relay;
use common::device::{Device, next_message};
use samskab_model::authz::Role;
use samskab_model::sync::Hub;
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task, TaskStatus};
use samskab_server::accounts::{Accounts, session_hash};
use samskab_server::storage::accounts::UserRecord;

const DEVICES: usize = 300;
/// Generous: this is no timing test, only a bound so a lost message fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(240);

fn task() -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Sommerfest",
        Area::Sport,
        1,
    );
    const START: i64 = 4_102_444_800_000;
    task.shifts.insert(
        "s1".parse::<ShiftId>().unwrap(),
        Shift::new(START, START + 3_600_000, 20),
    );
    task.status = TaskStatus::Published;
    task
}

fn read_task(hub: &Hub, id: &DocumentId) -> Option<Task> {
    autosurgeon::hydrate(hub.document(id)?).ok()
}

fn write_task(doc: &mut automerge::Automerge, task: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .unwrap();
}

fn signups(hub: &Hub, id: &DocumentId) -> usize {
    read_task(hub, id).map_or(0, |t| t.shifts.values().map(|s| s.signups.len()).sum())
}

/// Volunteers with sessions, written into the accounts before the relay starts (no argon2
/// per account: nobody logs in with a password here).
fn volunteers(data: &std::path::Path, n: usize) -> Vec<(PersonId, String)> {
    let accounts = Accounts::open(data).unwrap();
    let now = accounts.now_ms();
    (0..n)
        .map(|i| {
            let id: PersonId = format!("storm-{i}").parse().unwrap();
            accounts
                .store()
                .insert_user(&UserRecord {
                    id: id.clone(),
                    email: format!("storm-{i}@example.dk"),
                    name: format!("Frivillig {i}"),
                    phone: String::new(),
                    password_hash: "unused".into(),
                    role: Role::Volunteer,
                    created_at: now,
                })
                .unwrap();
            let token = format!("{i:064x}");
            accounts
                .store()
                .insert_session(&session_hash(&token), &id, now, now + 86_400_000)
                .unwrap();
            (id, token)
        })
        .collect()
}

/// A device that skips the catalog exchange: it syncs only what it asks for.
async fn light(url: &str, name: &str) -> Device {
    use futures_util::SinkExt;
    use samskab_model::sync::{Message, Role};
    use tokio_tungstenite::tungstenite::Message as Ws;
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut hub = Hub::new(name.parse().unwrap(), Role::Client);
    let join = Message::Join {
        sender_id: hub.me().clone(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    };
    ws.send(Ws::Binary(join.encode().into())).await.unwrap();
    let relay = match next_message(&mut ws).await {
        Some(Message::Peer { sender_id, .. }) => sender_id,
        other => panic!("expected peer, got {other:?}"),
    };
    // The hub's only effect at connect is its catalog request, which is not sent.
    let _catalog_request = hub.connect(relay.clone());
    Device::joined(hub, ws, relay)
}

/// Processes the relay's messages until `done` holds.
async fn pump(device: &mut Device, what: &str, done: impl Fn(&Device) -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done(device) {
        let message = tokio::time::timeout_at(deadline, next_message(&mut device.ws))
            .await
            .unwrap_or_else(|_| panic!("{}: timed out waiting for {what}", device.hub.me()))
            .unwrap_or_else(|| panic!("{}: connection closed waiting for {what}", device.hub.me()));
        let effects = device.hub.receive(&device.relay, message).unwrap();
        device.send(effects).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_devices_signing_up_at_once_all_converge() {
    let started = std::time::Instant::now();
    let data = tempfile::tempdir().unwrap();
    let people = volunteers(data.path(), DEVICES);
    let relay = Relay::start_with(data, true).await;
    let id = DocumentId::random();
    let bo = relay.ws_url_as(&relay.login("bo@demo.samskab.dk").await);
    let mut coordinator = Device::connect(&bo, "coordinator").await;
    coordinator.change(id, |doc| write_task(doc, &task())).await;
    coordinator.acknowledged(id).await;

    // Every device holds the task: it asks for it, as a stock automerge-repo client does.
    let mut devices = Vec::new();
    for (i, (_, token)) in people.iter().enumerate() {
        let mut device = light(&relay.ws_url_as(token), &format!("storm-device-{i}")).await;
        let effects = device.hub.request(id);
        device.send(effects).await;
        devices.push(device);
    }
    let devices = futures_util::future::join_all(devices.into_iter().map(|mut d| async move {
        let relay = d.relay.clone();
        pump(&mut d, "the task", |d| {
            read_task(&d.hub, &id).is_some() && d.hub.in_sync_with(&relay, &id)
        })
        .await;
        d
    }))
    .await;

    let synced = started.elapsed();
    // All at once: each signs up, then waits for everybody's sign-up and the relay's heads.
    let now = common::now();
    let handles: Vec<_> = devices
        .into_iter()
        .zip(people)
        .map(|(mut d, (person, _))| {
            tokio::spawn(async move {
                let mut mine = read_task(&d.hub, &id).unwrap();
                mine.shifts
                    .get_mut(&"s1".parse::<ShiftId>().unwrap())
                    .unwrap()
                    .signups
                    .insert(
                        person,
                        Signup {
                            state: SignupState::SignedUp,
                            at: now,
                        },
                    );
                d.change(id, |doc| write_task(doc, &mine)).await;
                let relay = d.relay.clone();
                pump(&mut d, "every sign-up", |d| {
                    d.hub.in_sync_with(&relay, &id) && signups(&d.hub, &id) == DEVICES
                })
                .await;
                d.hub.heads(&id)
            })
        })
        .collect();
    let mut heads = Vec::new();
    for h in handles {
        heads.push(h.await.unwrap());
    }
    // Numbers for whoever reads the output; nothing here depends on them.
    eprintln!(
        "{DEVICES} devices: set up and synced after {synced:?}, all converged after {:?}",
        started.elapsed()
    );
    assert!(heads.windows(2).all(|w| w[0] == w[1]), "devices differ");
    // The coordinator, who wrote nothing, is offered the whole burst too.
    let relay_id = coordinator.relay.clone();
    pump(&mut coordinator, "every sign-up", |d| {
        d.hub.in_sync_with(&relay_id, &id) && signups(&d.hub, &id) == DEVICES
    })
    .await;
    assert_eq!(coordinator.hub.heads(&id), heads[0]);
    let stored: serde_json::Value = relay.catalog().await;
    let listed = stored["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id.to_string())
        .unwrap()["heads"]
        .clone();
    let expected: Vec<String> = heads[0].iter().map(|h| h.to_string()).collect();
    assert_eq!(listed, serde_json::json!(expected));
    relay.shutdown().await;
}
