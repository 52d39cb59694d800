//! A stock JavaScript automerge-repo client (npm `@automerge/automerge-repo` 2.5 with its
//! WebSocket adapter, on Node.js) syncs through the relay: it reads a published task written by
//! a Rust client and then sees a change the Rust client makes. This is what proves the relay
//! speaks automerge-repo's protocol rather than something merely like it.
//!
//! Needs Node.js and the npm packages in tests/e2e (`cargo xtask test` installs both).

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use automerge::ROOT;
use automerge::transaction::Transactable;
use common::Relay;
use futures_util::{SinkExt, StreamExt};
use samskab_model::sync::{Effect, Hub, Message, Role};
use samskab_model::task::Shift;
use samskab_model::{Area, DocumentId, Task, TaskStatus};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message as Ws;

fn e2e_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e")
}

#[tokio::test]
async fn a_stock_automerge_repo_client_reads_a_task_and_sees_a_rust_change() {
    let dir = e2e_dir();
    assert!(
        dir.join("node_modules/@automerge/automerge-repo").is_dir(),
        "the npm packages are missing in tests/e2e: run `cargo xtask test`, which installs them"
    );
    let relay = Relay::start().await;

    // The Rust side: publish a task and wait until the relay has it.
    let (mut ws, _) = tokio_tungstenite::connect_async(relay.ws_url())
        .await
        .unwrap();
    let mut hub = Hub::new("rust-coordinator".parse().unwrap(), Role::Client);
    let join = Message::Join {
        sender_id: hub.me().clone(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    };
    ws.send(Ws::Binary(join.encode().into())).await.unwrap();
    let relay_peer = match next(&mut ws).await {
        Message::Peer { sender_id, .. } => sender_id,
        other => panic!("expected peer, got {other:?}"),
    };
    hub.connect(relay_peer.clone());
    let id = DocumentId::random();
    let mut task = Task::draft(
        "bibliotek-haslev".parse().unwrap(),
        "Højtlæsning for børn",
        Area::Culture,
        1,
    );
    task.shifts
        .insert("s1".parse().unwrap(), Shift::new(10, 20, 2));
    task.status = TaskStatus::Published;
    let ((), effects) = hub.change(id, |doc| {
        doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, &task))
            .unwrap();
    });
    send(&mut ws, effects).await;
    while !hub.in_sync_with(&relay_peer, &id) {
        let m = next(&mut ws).await;
        let effects = hub.receive(&relay_peer, m).unwrap();
        send(&mut ws, effects).await;
    }

    // The JavaScript side.
    let expected = "Husk bøgerne fra magasinet";
    let mut node = tokio::process::Command::new("node")
        .current_dir(&dir)
        .arg("stock-client.mjs")
        .arg(relay.ws_url())
        .arg(id.url())
        .arg(expected)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let loaded: serde_json::Value = serde_json::from_str(
        &tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the stock client loads the task in time")
            .unwrap()
            .expect("a line from the stock client"),
    )
    .unwrap();
    assert_eq!(loaded["event"], "loaded");
    assert_eq!(loaded["kind"], "opgave");
    assert_eq!(loaded["title"], "Højtlæsning for børn");
    assert_eq!(loaded["status"], "offentliggjort");

    // A change from Rust reaches the JavaScript client through the relay.
    let ((), effects) = hub.change(id, |doc| {
        let mut tx = doc.transaction();
        tx.put(ROOT, "description", expected).unwrap();
        tx.commit();
    });
    send(&mut ws, effects).await;
    let pump = async {
        loop {
            let m = next(&mut ws).await;
            let effects = hub.receive(&relay_peer, m).unwrap();
            send(&mut ws, effects).await;
        }
    };
    let changed = async {
        let line = lines.next_line().await.unwrap().expect("a second line");
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    let changed = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::select! {
            v = changed => v,
            () = pump => unreachable!(),
        }
    })
    .await
    .expect("the stock client sees the change in time");
    assert_eq!(changed["event"], "changed");
    assert_eq!(changed["description"], expected);
    assert!(node.wait().await.unwrap().success());
    relay.shutdown().await;
}

async fn next(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Message {
    loop {
        match ws.next().await.expect("open").expect("no error") {
            Ws::Binary(b) => return Message::decode(&b).unwrap(),
            _ => continue,
        }
    }
}

async fn send(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    effects: Vec<Effect>,
) {
    for effect in effects {
        if let Effect::Send(m) = effect {
            ws.send(Ws::Binary(m.encode().into())).await.unwrap();
        }
    }
}
