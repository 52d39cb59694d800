//! Sync through the relay over real WebSockets on 127.0.0.1: Rust clients built on the same
//! sans-IO hub the app uses converge; a relay killed with SIGKILL mid-stream loses no change it
//! had acknowledged; malformed, oversize and out-of-order input closes only that connection.
//! Every connection is signed in (the demo accounts; `authz.rs` tests who may do what).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{ROOT, ReadDoc};
use common::device::{Device, PATIENCE, Socket, next_message};
use common::{Relay, fixture_dist};
use futures_util::{SinkExt, StreamExt};
use samskab_model::sync::{Hub, Message, Role};
use samskab_model::task::Shift;
use samskab_model::{Area, DocumentId, ShiftId, Task, TaskStatus};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Ws;

fn task() -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kiosk til hjemmekamp",
        Area::Sport,
        1,
    );
    // In 2100: a shift that has not started, so the relay takes sign-ups for it.
    const START: i64 = 4_102_444_800_000;
    task.shifts.insert(
        "s1".parse::<ShiftId>().unwrap(),
        Shift::new(START, START + 3_600_000, 1),
    );
    task.status = TaskStatus::Published;
    task
}

fn write_task(doc: &mut automerge::Automerge, task: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .unwrap();
}

fn read_task(hub: &Hub, id: &DocumentId) -> Option<Task> {
    let doc = hub.document(id)?;
    autosurgeon::hydrate(doc).ok()
}

#[tokio::test]
async fn two_devices_converge_through_the_relay() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let id = DocumentId::random();

    let bo = relay.ws_url_as(&relay.login("bo@demo.samskab.dk").await);
    let mut coordinator = Device::connect(&bo, "coordinator").await;
    coordinator.change(id, |doc| write_task(doc, &task())).await;
    coordinator.acknowledged(id).await;

    let anna = relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await);
    let mut volunteer = Device::connect(&anna, "volunteer").await;
    let effects = volunteer.hub.request(id);
    volunteer.send(effects).await;
    volunteer
        .pump_until("the task", |hub| read_task(hub, &id).is_some())
        .await;
    assert_eq!(read_task(&volunteer.hub, &id).unwrap(), task());

    // The volunteer signs up; the coordinator, still connected, receives it without asking.
    let mut signed_up = task();
    signed_up
        .shifts
        .get_mut(&"s1".parse::<ShiftId>().unwrap())
        .unwrap()
        .signups
        .insert(
            "demo-anna".parse().unwrap(),
            samskab_model::task::Signup {
                state: samskab_model::task::SignupState::SignedUp,
                // Now: the relay refuses a sign-up dated before the device's session began.
                at: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis() as i64,
            },
        );
    let expected = signed_up.clone();
    volunteer
        .change(id, |doc| write_task(doc, &signed_up))
        .await;
    volunteer.acknowledged(id).await;
    coordinator
        .pump_until("the sign-up", |hub| {
            read_task(hub, &id).as_ref() == Some(&expected)
        })
        .await;

    // The catalog lists the document with the heads both devices now have.
    let catalog: serde_json::Value = relay.catalog().await;
    let entry = catalog["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id.to_string())
        .unwrap();
    assert_eq!(entry["url"], id.url());
    let heads: Vec<String> = coordinator
        .hub
        .heads(&id)
        .iter()
        .map(|h| h.to_string())
        .collect();
    assert_eq!(entry["heads"], serde_json::json!(heads));
    relay.shutdown().await;
}

/// The app sends its messages in `samskab-batch` frames; the relay then answers it in batches
/// too (a new device receives hundreds of documents in a few frames), while a stock client
/// beside it is still sent one message per frame (`Device::next` fails on a batch sent to a
/// stock client).
#[tokio::test]
async fn a_device_that_sends_batches_is_answered_in_batches() {
    const TASKS: usize = 300;
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let bo = relay.ws_url_as(&relay.login("bo@demo.samskab.dk").await);
    let mut coordinator = Device::connect(&bo, "coordinator").await;
    let ids: Vec<DocumentId> = (0..TASKS).map(|_| DocumentId::random()).collect();
    for id in &ids {
        coordinator
            .change(*id, |doc| write_task(doc, &task()))
            .await;
    }
    for id in &ids {
        coordinator.acknowledged(*id).await;
    }

    let anna = relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await);
    let mut volunteer = Device::connect_batching(&anna, "volunteer").await;
    // The catalog lists every published task; the hub asks for each, and each is acknowledged.
    volunteer
        .pump_until("every task, in sync", |hub| {
            ids.iter()
                .all(|id| read_task(hub, id).is_some() && hub.in_sync_with(&relay_id(), id))
        })
        .await;
    assert_eq!(
        volunteer.batch_frames, volunteer.frames,
        "after its first batch, everything to the device came in batches"
    );
    assert!(
        volunteer.frames * 10 <= TASKS,
        "{} frames for {TASKS} documents",
        volunteer.frames
    );

    // The stock coordinator, following the same documents, is still sent single messages.
    let id = ids[0];
    coordinator
        .change(id, |doc| {
            let mut tx = doc.transaction();
            tx.put(ROOT, "description", "Ny tekst").unwrap();
            tx.commit();
        })
        .await;
    coordinator.acknowledged(id).await;
    volunteer
        .pump_until("the new description", |hub| {
            read_task(hub, &id).is_some_and(|t| t.description == "Ny tekst")
        })
        .await;
    assert!(coordinator.frames > 0 && coordinator.batch_frames == 0);
    relay.shutdown().await;
}

fn relay_id() -> samskab_model::sync::PeerId {
    "samskab-relay".parse().unwrap()
}

#[tokio::test]
async fn a_restarted_relay_serves_what_it_stored() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let id = DocumentId::random();
    let token = relay.login("bo@demo.samskab.dk").await;
    let mut device = Device::connect(&relay.ws_url_as(&token), "writer").await;
    device.change(id, |doc| write_task(doc, &task())).await;
    device.acknowledged(id).await;
    let data = relay.stop_keeping_data().await;

    // Sessions are stored too: the same token works after the restart.
    let relay = Relay::start_with_data(data).await;
    let mut reader = Device::connect(&relay.ws_url_as(&token), "reader").await;
    let effects = reader.hub.request(id);
    reader.send(effects).await;
    reader
        .pump_until("the task", |hub| read_task(hub, &id).is_some())
        .await;
    assert_eq!(read_task(&reader.hub, &id).unwrap(), task());
    relay.shutdown().await;
}

#[tokio::test]
async fn a_request_for_an_unknown_document_is_answered_unavailable() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let anna = relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await);
    let mut device = Device::connect(&anna, "curious").await;
    let id = DocumentId::random();
    let effects = device.hub.request(id);
    device.send(effects).await;
    loop {
        match next_message(&mut device.ws).await {
            // The answer to the catalog request the device sent on connecting.
            Some(Message::Catalog { documents, .. }) => {
                assert!(documents.iter().all(|d| d.document_id != id));
            }
            Some(Message::DocUnavailable { document_id, .. }) => {
                assert_eq!(document_id, id);
                break;
            }
            other => panic!("expected doc-unavailable, got {other:?}"),
        }
    }
    relay.shutdown().await;
}

/// Connects a raw socket and completes the handshake by hand.
async fn raw_joined(url: &str, name: &str) -> Socket {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let join = Message::Join {
        sender_id: name.parse().unwrap(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    };
    ws.send(Ws::Binary(join.encode().into())).await.unwrap();
    assert!(matches!(
        next_message(&mut ws).await,
        Some(Message::Peer { .. })
    ));
    ws
}

/// The connection answers with an `error` message and then closes.
async fn expect_error_and_close(ws: &mut Socket) -> String {
    let mut error = None;
    let closed = tokio::time::timeout(PATIENCE, async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(Ws::Binary(bytes)) => {
                    if let Ok(Message::Error { message }) = Message::decode(&bytes) {
                        error = Some(message);
                    }
                }
                Ok(Ws::Close(_)) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection stayed open");
    error.expect("an error message before the close")
}

#[tokio::test]
async fn bad_input_closes_only_that_connection() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let url = relay.ws_url_as(&relay.login("bo@demo.samskab.dk").await);
    let id = DocumentId::random();
    let mut good = Device::connect(&url, "good").await;
    good.change(id, |doc| write_task(doc, &task())).await;
    good.acknowledged(id).await;

    // Garbage bytes.
    let mut ws = raw_joined(&url, "garbage").await;
    ws.send(Ws::Binary(vec![0xff, 0x00, 0x13].into()))
        .await
        .unwrap();
    let reason = expect_error_and_close(&mut ws).await;
    assert!(reason.contains("malformed"), "{reason}");

    // A text frame.
    let mut ws = raw_joined(&url, "texter").await;
    ws.send(Ws::Text("hello".into())).await.unwrap();
    expect_error_and_close(&mut ws).await;

    // A well-formed message whose sync payload is garbage.
    let mut ws = raw_joined(&url, "liar").await;
    let bad = Message::Sync {
        document_id: id,
        sender_id: "liar".parse().unwrap(),
        target_id: "samskab-relay".parse().unwrap(),
        data: vec![0x42, 0x99, 0x99],
    };
    ws.send(Ws::Binary(bad.encode().into())).await.unwrap();
    let reason = expect_error_and_close(&mut ws).await;
    assert!(reason.contains("bad sync message"), "{reason}");

    // Batches the relay refuses whole: empty, nested, or holding a join.
    let batch = |messages: Vec<Vec<u8>>| Message::Batch {
        messages: messages.into_iter().map(Into::into).collect(),
    };
    let request = Message::Request {
        document_id: id,
        sender_id: "batcher".parse().unwrap(),
        target_id: "samskab-relay".parse().unwrap(),
        data: Vec::new(),
    };
    let nested = samskab_model::sync::frames([&request]).remove(0);
    for bad in [batch(vec![]), batch(vec![request.encode(), nested])] {
        let mut ws = raw_joined(&url, "batcher").await;
        ws.send(Ws::Binary(bad.encode().into())).await.unwrap();
        let reason = expect_error_and_close(&mut ws).await;
        assert!(reason.contains("a batch holds"), "{reason}");
    }

    // Speaking for another peer.
    let mut ws = raw_joined(&url, "impostor").await;
    let forged = Message::Sync {
        document_id: id,
        sender_id: "good".parse().unwrap(),
        target_id: "samskab-relay".parse().unwrap(),
        data: Vec::new(),
    };
    ws.send(Ws::Binary(forged.encode().into())).await.unwrap();
    expect_error_and_close(&mut ws).await;

    // Skipping the handshake.
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let early = Message::Request {
        document_id: id,
        sender_id: "x".parse().unwrap(),
        target_id: "y".parse().unwrap(),
        data: Vec::new(),
    };
    ws.send(Ws::Binary(early.encode().into())).await.unwrap();
    let reason = expect_error_and_close(&mut ws).await;
    assert!(reason.contains("expected join"), "{reason}");

    // Oversize: one frame over the 8 MiB limit.
    let mut ws = raw_joined(&url, "flood").await;
    let _ = ws.send(Ws::Binary(vec![0u8; 9 * 1024 * 1024].into())).await;
    let closed = tokio::time::timeout(PATIENCE, async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    assert!(closed.is_ok(), "an oversize frame closes the connection");

    // The good device never noticed: it still syncs.
    good.change(id, |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "description", "Stadig her").unwrap();
        tx.commit();
    })
    .await;
    good.acknowledged(id).await;
    assert_eq!(
        good.hub
            .document(&id)
            .unwrap()
            .get(ROOT, "description")
            .unwrap()
            .unwrap()
            .0
            .as_str(),
        Some("Stadig her")
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn a_foreign_origin_is_refused_at_the_upgrade() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let url = relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await);
    let mut request = url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(err.to_string().contains("403"), "{err}");

    let mut request = url.into_client_request().unwrap();
    let own = relay.base.clone();
    request.headers_mut().insert("origin", own.parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
    relay.shutdown().await;
}

/// The relay as a separate process, so that it can be killed with SIGKILL.
struct RelayProcess {
    child: std::process::Child,
    port: u16,
}

impl RelayProcess {
    fn start(data: &std::path::Path, dist: &std::path::Path, port: u16) -> Self {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_samskab-server"))
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data")
            .arg(data)
            .arg("--dist")
            .arg(dist)
            .arg("--demo")
            // `SAMSKAB_TEST_LOG=samskab_server=debug` shows what the relay did.
            .env(
                "SAMSKAB_LOG",
                std::env::var("SAMSKAB_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .spawn()
            .unwrap();
        RelayProcess { child, port }
    }

    async fn ready(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "relay did not start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Logs in the demo coordinator; the sync URL with the token.
    async fn url(&self) -> String {
        let res: serde_json::Value = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{}/api/login", self.port))
            .json(&serde_json::json!({"email": "bo@demo.samskab.dk", "password": "samskab-demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        format!(
            "ws://127.0.0.1:{}/sync?token={}",
            self.port,
            res["token"].as_str().unwrap()
        )
    }

    fn kill_9(mut self) {
        self.child.kill().unwrap(); // SIGKILL on unix
        self.child.wait().unwrap();
    }
}

impl Drop for RelayProcess {
    /// A failed test does not leave its relay running (it would hold the test's output open).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn sigkill_mid_stream_loses_no_acknowledged_change() {
    let dist = tempfile::tempdir().unwrap();
    fixture_dist(dist.path());
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let relay = RelayProcess::start(data.path(), dist.path(), port);
    relay.ready().await;
    let id = DocumentId::random();
    let mut writer = Device::connect(&relay.url().await, "writer").await;
    writer.change(id, |doc| write_task(doc, &task())).await;

    // Edit in bursts; after each acknowledged burst, remember the heads the relay confirmed.
    let mut confirmed = Vec::new();
    let mut written = 0;
    for burst in 0..6 {
        for _ in 0..10 {
            let mut edited = task();
            edited.description = format!("Version {written}");
            writer.change(id, |doc| write_task(doc, &edited)).await;
            written += 1;
        }
        if burst < 5 {
            writer.acknowledged(id).await;
            confirmed = writer.hub.heads(&id);
        }
    }
    // The last burst is in flight (sent, not acknowledged) when the relay is killed.
    relay.kill_9();
    assert_eq!(written, 60);

    let relay = RelayProcess::start(data.path(), dist.path(), port);
    relay.ready().await;
    let mut reader = Device::connect(&relay.url().await, "reader").await;
    let effects = reader.hub.request(id);
    reader.send(effects).await;
    reader
        .pump_until("the acknowledged edits", |hub| {
            hub.document(&id)
                .is_some_and(|d| confirmed.iter().all(|h| d.get_change_by_hash(h).is_some()))
        })
        .await;
    let doc = reader.hub.document(&id).unwrap();
    for head in &confirmed {
        // Every change up to the last acknowledged heads survived (their ancestors with them).
        assert!(
            doc.get_change_by_hash(head).is_some(),
            "acknowledged change {head} was lost"
        );
    }
    let version: usize = read_task(&reader.hub, &id)
        .unwrap()
        .description
        .trim_start_matches("Version ")
        .parse()
        .unwrap();
    assert!(
        version >= 49,
        "the 50 acknowledged edits are there ({version})"
    );

    // And the writer, reconnecting, brings the relay whatever it had not acknowledged.
    let hub = std::mem::replace(
        &mut writer.hub,
        Hub::new("spare".parse().unwrap(), Role::Client),
    );
    let mut hub = hub;
    hub.disconnect(&writer.relay);
    let mut writer = Device::reconnect(hub, &relay.url().await).await;
    writer.acknowledged(id).await;
    relay.kill_9();
}

#[tokio::test]
async fn demo_tasks_are_seeded_once_and_sync_like_any_other() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let catalog: serde_json::Value = relay.catalog().await;
    let ids: Vec<DocumentId> = catalog["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().parse().unwrap())
        .collect();
    // The admin's catalog: the 12 demo tasks, the demo profiles that consent to staff, and
    // the demo organisations' documents.
    let tasks: Vec<DocumentId> = samskab_model::demo::tasks(0)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let staff_profiles = samskab_model::demo::profiles(0)
        .iter()
        .filter(|p| p.consent.staff)
        .count();
    assert_eq!(tasks.len(), 12);
    assert!(tasks.iter().all(|t| ids.contains(t)));
    let organisations: Vec<DocumentId> = samskab_model::demo::ORGANISATIONS
        .iter()
        .map(|(id, _)| {
            samskab_model::kinds::organisation::organisation_document_id(&id.parse().unwrap())
        })
        .collect();
    assert!(organisations.iter().all(|o| ids.contains(o)));
    // The demo groups and meetings: staff read every one.
    let groups_and_meetings =
        samskab_model::demo::groups(0).len() + samskab_model::demo::meetings(0).len();
    assert_eq!(groups_and_meetings, 5);
    let seeded = tasks.len() + staff_profiles + organisations.len() + groups_and_meetings;
    assert_eq!(ids.len(), seeded);

    let anna = relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await);
    let mut device = Device::connect(&anna, "browser").await;
    let effects = device.hub.request(tasks[0]);
    device.send(effects).await;
    device
        .pump_until("a demo task", |hub| read_task(hub, &tasks[0]).is_some())
        .await;
    let task = read_task(&device.hub, &tasks[0]).unwrap();
    assert_eq!(task.status, TaskStatus::Published);
    assert_eq!(task.validate(), Ok(()));

    // A restart with --demo again adds nothing.
    let data = relay.stop_keeping_data().await;
    let relay = Relay::start_with(data, true).await;
    let catalog: serde_json::Value = relay.catalog().await;
    assert_eq!(catalog["documents"].as_array().unwrap().len(), seeded);
    relay.shutdown().await;
}

#[tokio::test]
async fn the_upgrade_refuses_missing_unknown_revoked_and_expired_sessions() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let status_of = |url: String| async move {
        match tokio_tungstenite::connect_async(url).await {
            Ok(_) => 101,
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                response.status().as_u16()
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(status_of(relay.ws_url()).await, 401, "no token");
    assert_eq!(
        status_of(relay.ws_url_as(&"ab".repeat(32))).await,
        401,
        "unknown token"
    );

    let token = relay.login("anna@demo.samskab.dk").await;
    assert_eq!(status_of(relay.ws_url_as(&token)).await, 101);
    let mut open = Device::connect(&relay.ws_url_as(&token), "open").await;
    assert_eq!(relay.logout(&token).await, reqwest::StatusCode::NO_CONTENT);
    assert_eq!(
        status_of(relay.ws_url_as(&token)).await,
        401,
        "revoked at logout"
    );
    // A connection opened with the session closes when it ends.
    let reason = expect_error_and_close(&mut open.ws).await;
    assert!(reason.contains("session has ended"), "{reason}");

    // A session past its expiry (moved back in the database) is refused and removed.
    let token = relay.login("anna@demo.samskab.dk").await;
    let db = rusqlite::Connection::open(relay.data().join("samskab.sqlite3")).unwrap();
    db.execute("UPDATE sessions SET expires_at = 0", [])
        .unwrap();
    assert_eq!(status_of(relay.ws_url_as(&token)).await, 401, "expired");
    relay.shutdown().await;
}
