//! Organisation documents at the relay, over real sockets: every organisation has one (the
//! relay makes it, the demo ones with what they say about themselves), everyone signed in
//! reads it, its own coordinators and the municipality's staff write it and no one else, it is
//! made at no other id, and the open task bank shows the name the organisation gives itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::Automerge;
use common::Relay;
use common::device::{Device, can_read};
use samskab_model::DocumentId;
use samskab_model::kinds::organisation::{Category, Organisation, organisation_document_id};

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

fn football() -> DocumentId {
    organisation_document_id(&"haslev-fodbold".parse().unwrap())
}

/// The people of the matrix: (who, token).
async fn people(relay: &Relay) -> Vec<(&'static str, String)> {
    relay.add_library_coordinator();
    let (_, vera) = relay.register("Vera").await;
    vec![
        ("own coordinator", relay.login("bo@demo.samskab.dk").await),
        (
            "coordinator of another organisation",
            relay.login_as("eva@bibliotek.dk", "samskab-demo").await,
        ),
        ("staff", relay.login("carla@demo.samskab.dk").await),
        ("admin", relay.login("admin@demo.samskab.dk").await),
        ("volunteer", vera),
    ]
}

/// A fresh device of `token`'s user with the football club's document synced.
async fn device_with_football(relay: &Relay, token: &str, name: &str) -> (Device, Organisation) {
    let mut device = Device::connect(&relay.ws_url_as(token), name).await;
    let id = football();
    let effects = device.hub.request(id);
    device.send(effects).await;
    device
        .pump_until("the organisation", |hub| !hub.heads(&id).is_empty())
        .await;
    let doc: Organisation = autosurgeon::hydrate(device.hub.document(&id).unwrap()).unwrap();
    (device, doc)
}

#[tokio::test]
async fn everyone_reads_an_organisation_and_only_those_who_run_it_write_it() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let people = people(&relay).await;

    for (who, token) in &people {
        assert!(
            can_read(&relay, token, football(), who).await,
            "{who} reads the organisation"
        );
    }
    // The relay made it with what the demo club says about itself.
    let (_, seeded) = device_with_football(&relay, &people[0].1, "look").await;
    assert_eq!(seeded.name, "Haslev Fodboldklub");
    assert_eq!(seeded.category, Category::Association);
    assert!(!seeded.description.is_empty());

    // (who, the refusal code, or None when the write is kept)
    let expected = [
        ("own coordinator", None),
        (
            "coordinator of another organisation",
            Some("organisation.not-yours"),
        ),
        ("staff", None),
        ("admin", None),
        ("volunteer", Some("organisation.not-yours")),
    ];
    for ((who, token), (named, outcome)) in people.iter().zip(expected) {
        assert_eq!(*who, named);
        let (mut device, mut doc) = device_with_football(&relay, token, &format!("w-{who}")).await;
        doc.description = format!("Skrevet af {who}");
        device.change(football(), |d| write(d, &doc)).await;
        assert_eq!(
            device.verdict(football()).await.as_deref(),
            outcome,
            "{who} edits the description"
        );
        // What the relay holds is what was allowed: a fresh device sees it or not.
        let (_, now) = device_with_football(&relay, &people[2].1, &format!("c-{who}")).await;
        assert_eq!(
            now.description == doc.description,
            outcome.is_none(),
            "{who}'s edit kept or not"
        );
    }

    // Invalid content is refused with the kind's own code, even from those who run it.
    let (mut bo, mut doc) = device_with_football(&relay, &people[0].1, "bo-cvr").await;
    doc.cvr = "12".into();
    bo.change(football(), |d| write(d, &doc)).await;
    assert_eq!(
        bo.verdict(football()).await.as_deref(),
        Some("organisation.invalid")
    );

    // No organisation document at an id not derived from its organisation.
    let (mut bo, _) = device_with_football(&relay, &people[0].1, "bo-elsewhere").await;
    let elsewhere = DocumentId::random();
    let copy = Organisation::new(
        "haslev-fodbold".parse().unwrap(),
        "Haslev Fodboldklub 2",
        Category::Association,
        common::now(),
    );
    bo.change(elsewhere, |d| write(d, &copy)).await;
    assert_eq!(
        bo.verdict(elsewhere).await.as_deref(),
        Some("organisation.wrong-id")
    );

    // An organisation's document cannot be turned into a task.
    let (mut staff, _) = device_with_football(&relay, &people[2].1, "carla-task").await;
    let task = samskab_model::Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kiosk",
        samskab_model::Area::Sport,
        common::now(),
    );
    staff.change(football(), |d| write(d, &task)).await;
    assert!(staff.verdict(football()).await.is_some());
}

#[tokio::test]
async fn a_new_organisation_gets_its_document_and_the_task_bank_its_chosen_name() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{}/api/organisations", relay.base))
        .bearer_auth(&carla)
        .json(&serde_json::json!({ "name": "Karise Petanque Klub", "kind": "anden" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = organisation_document_id(&"karise-petanque-klub".parse().unwrap());
    let mut device = Device::connect(&relay.ws_url_as(&carla), "carla").await;
    let effects = device.hub.request(id);
    device.send(effects).await;
    device
        .pump_until("the new organisation", |hub| !hub.heads(&id).is_empty())
        .await;
    let doc: Organisation = autosurgeon::hydrate(device.hub.document(&id).unwrap()).unwrap();
    assert_eq!(doc.name, "Karise Petanque Klub");
    assert_eq!(doc.category, Category::Other);

    // The football club renames itself in its document; visitors see the new name.
    let bo = relay.login("bo@demo.samskab.dk").await;
    let (mut bo, mut club) = device_with_football(&relay, &bo, "bo").await;
    club.name = "Haslev FK".into();
    bo.change(football(), |d| write(d, &club)).await;
    assert_eq!(bo.verdict(football()).await, None);
    let deadline = tokio::time::Instant::now() + common::device::PATIENCE;
    loop {
        let body: serde_json::Value = client
            .get(format!("{}/api/public/tasks", relay.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = body["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["organisation"] == "haslev-fodbold")
            .map(|t| t["organisation_name"].as_str().unwrap())
            .collect();
        assert!(!names.is_empty());
        if names.iter().all(|n| *n == "Haslev FK") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the task bank still says {names:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}
