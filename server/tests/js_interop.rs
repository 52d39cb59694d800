//! A stock JavaScript automerge-repo client (npm `@automerge/automerge-repo` 2.5 with its
//! WebSocket adapter, on Node.js) syncs through the relay: it reads a published task written by
//! a Rust client and then sees a change the Rust client makes. This is what proves the relay
//! speaks automerge-repo's protocol rather than something merely like it.
//!
//! Needs Node.js and the npm packages in tests/e2e (`cargo xtask test` installs both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use automerge::ROOT;
use automerge::transaction::Transactable;
use common::Relay;
use common::device::Device;
use samskab_model::task::Shift;
use samskab_model::{Area, DocumentId, Task, TaskStatus};
use tokio::io::{AsyncBufReadExt, BufReader};

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
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;

    // The Rust side, as the demo coordinator: publish a task and wait until the relay has it.
    let bo = relay.ws_url_as(&relay.login("bo@demo.samskab.dk").await);
    let mut device = Device::connect(&bo, "rust-coordinator").await;
    let id = DocumentId::random();
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Højtlæsning for børn",
        Area::Culture,
        1,
    );
    task.shifts
        .insert("s1".parse().unwrap(), Shift::new(10, 20, 2));
    task.status = TaskStatus::Published;
    device
        .change(id, |doc| {
            doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| {
                autosurgeon::reconcile(tx, &task)
            })
            .unwrap();
        })
        .await;
    device.acknowledged(id).await;

    // The JavaScript side.
    let expected = "Husk bøgerne fra magasinet";
    let mut node = tokio::process::Command::new("node")
        .current_dir(&dir)
        .arg("stock-client.mjs")
        // The stock client signs in as the demo volunteer with the token in the URL.
        .arg(relay.ws_url_as(&relay.login("anna@demo.samskab.dk").await))
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
    device
        .change(id, |doc| {
            let mut tx = doc.transaction();
            tx.put(ROOT, "description", expected).unwrap();
            tx.commit();
        })
        .await;
    // Keep answering the relay while the JavaScript client catches up.
    let pump = device.pump_until("the end of the test", |_| false);
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
