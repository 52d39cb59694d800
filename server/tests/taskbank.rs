//! The task bank's HTTP side over real sockets: the open catalog a visitor without an account
//! reads (published tasks only, never who signed up, revalidated by ETag), and the roster's
//! contacts, which only the task's own coordinators (and staff) get.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::Automerge;
use common::device::Device;
use common::{Relay, now};
use reqwest::StatusCode;
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, ShiftId, Task, TaskStatus};

fn shift() -> ShiftId {
    "vagt-1".parse().unwrap()
}

fn task(title: &str, status: TaskStatus) -> Task {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        title,
        Area::Sport,
        now() - 60_000,
    );
    task.shifts.insert(
        shift(),
        Shift::new(now() + 86_400_000, now() + 90_000_000, 2),
    );
    task.status = status;
    task
}

fn write(doc: &mut Automerge, task: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, task))
        .unwrap();
}

async fn device(relay: &Relay, token: &str, name: &str) -> Device {
    let mut device = Device::connect(&relay.ws_url_as(token), name).await;
    device
        .pump_until("the catalog", |hub| hub.documents().count() > 0)
        .await;
    device
}

/// A volunteer with a phone number: their person id and token.
async fn volunteer(relay: &Relay, name: &str, phone: &str) -> (String, String) {
    let res = relay
        .client
        .post(format!("{}/api/register", relay.base))
        .json(&serde_json::json!({
            "name": name,
            "email": format!("{}@example.dk", name.to_lowercase()),
            "phone": phone,
            "password": "en god lang kode",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "register {name}");
    let body: serde_json::Value = res.json().await.unwrap();
    (
        body["user"]["id"].as_str().unwrap().to_owned(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

/// Signs `token`'s volunteer up (or withdraws them) on `id`'s shift, through a device of theirs.
async fn sign(relay: &Relay, token: &str, person: &str, id: DocumentId, state: SignupState) {
    let mut d = device(relay, token, &format!("phone-{person}")).await;
    d.pump_until("the task", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut t: Task = autosurgeon::hydrate(d.hub.document(&id).unwrap()).unwrap();
    t.shifts
        .get_mut(&shift())
        .unwrap()
        .signups
        .insert(person.parse().unwrap(), Signup { state, at: now() });
    d.change(id, |doc| write(doc, &t)).await;
    d.acknowledged(id).await;
}

struct World {
    relay: Relay,
    bo: Device,
    published: DocumentId,
    draft: DocumentId,
    vera: String,
    walter: String,
}

impl World {
    async fn new() -> World {
        let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
        relay.add_library_coordinator();
        let bo_token = relay.login("bo@demo.samskab.dk").await;
        let mut bo = device(&relay, &bo_token, "tablet-bo").await;
        let (published, draft) = (DocumentId::random(), DocumentId::random());
        bo.change(published, |d| {
            write(d, &task("Kioskvagt ved pokalkampen", TaskStatus::Published))
        })
        .await;
        bo.acknowledged(published).await;
        bo.change(draft, |d| {
            write(d, &task("Hemmelig kladde", TaskStatus::Draft))
        })
        .await;
        bo.acknowledged(draft).await;
        let (vera, vera_token) = volunteer(&relay, "Vera", "+45 21 22 23 24").await;
        let (walter, walter_token) = volunteer(&relay, "Walter", "").await;
        sign(&relay, &vera_token, &vera, published, SignupState::SignedUp).await;
        sign(
            &relay,
            &walter_token,
            &walter,
            published,
            SignupState::SignedUp,
        )
        .await;
        sign(
            &relay,
            &walter_token,
            &walter,
            published,
            SignupState::Withdrawn,
        )
        .await;
        World {
            relay,
            bo,
            published,
            draft,
            vera,
            walter,
        }
    }

    async fn public(&self, etag: Option<&str>) -> reqwest::Response {
        let mut req = self
            .relay
            .client
            .get(format!("{}/api/public/tasks", self.relay.base));
        if let Some(tag) = etag {
            req = req.header("if-none-match", tag);
        }
        req.send().await.unwrap()
    }

    async fn contacts(&self, id: DocumentId, token: Option<&str>) -> reqwest::Response {
        let mut req = self
            .relay
            .client
            .get(format!("{}/api/tasks/{id}/contacts", self.relay.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.unwrap()
    }
}

#[tokio::test]
async fn a_visitor_sees_published_tasks_and_never_who_signed_up() {
    let world = World::new().await;
    // No session at all.
    let res = world.public(None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let text = res.text().await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tasks = body["tasks"].as_array().unwrap();
    let ours = tasks
        .iter()
        .find(|t| t["id"] == world.published.to_string())
        .expect("the published task is open to all");
    assert_eq!(ours["title"], "Kioskvagt ved pokalkampen");
    assert_eq!(ours["organisation_name"], "Haslev Fodboldklub");
    assert_eq!(ours["shifts"][0]["capacity"], 2);
    assert_eq!(
        ours["shifts"][0]["taken"], 1,
        "Vera holds a place, Walter withdrew"
    );
    assert_eq!(ours["shifts"][0]["waiting"], 0);
    // The demo's published tasks are there too; no draft is.
    assert!(tasks.len() > 1);
    assert!(tasks.iter().all(|t| t["status"] != "kladde"));
    assert!(!text.contains(&world.draft.to_string()));
    assert!(!text.contains("Hemmelig kladde"));
    // Nothing names or times a volunteer.
    for person in [&world.vera, &world.walter] {
        assert!(
            !text.contains(person.as_str()),
            "{person} is in the open catalog"
        );
    }
    assert!(!text.contains("Vera") && !text.contains("signups") && !text.contains("invitations"));

    // Unchanged: 304 with no body, also after the relay made its answer anew.
    let again = world.public(Some(&etag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    tokio::time::sleep(samskab_server::taskbank::PUBLIC_TTL).await;
    let again = world.public(Some(&etag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.text().await.unwrap().is_empty());

    // A change shows (after the short reuse of the last answer) with a new tag.
    let mut world = world;
    let published = world.published;
    let mut t: Task = autosurgeon::hydrate(world.bo.hub.document(&published).unwrap()).unwrap();
    t.title = "Kioskvagt ved finalen".into();
    world.bo.change(published, |d| write(d, &t)).await;
    world.bo.acknowledged(published).await;
    tokio::time::sleep(samskab_server::taskbank::PUBLIC_TTL).await;
    let changed = world.public(Some(&etag)).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    assert!(
        changed
            .text()
            .await
            .unwrap()
            .contains("Kioskvagt ved finalen")
    );
}

#[tokio::test]
async fn the_roster_s_names_and_phones_go_only_to_the_task_s_coordinators() {
    let world = World::new().await;
    let relay = &world.relay;
    let bo = relay.login("bo@demo.samskab.dk").await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let eva = relay.login_as("eva@bibliotek.dk", "samskab-demo").await;
    let anna = relay.login("anna@demo.samskab.dk").await;

    // The task's own coordinator: everyone with an active sign-up, with name and phone.
    for (who, token) in [("bo", &bo), ("carla (staff)", &carla)] {
        let res = world.contacts(world.published, Some(token)).await;
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: serde_json::Value = res.json().await.unwrap();
        let contacts = body["contacts"].as_array().unwrap();
        assert_eq!(contacts.len(), 1, "{who}: only Vera is signed up: {body}");
        assert_eq!(contacts[0]["person"], world.vera.as_str());
        assert_eq!(contacts[0]["name"], "Vera");
        assert_eq!(contacts[0]["phone"], "+45 21 22 23 24");
    }
    // A draft without sign-ups: an empty roster.
    let res = world.contacts(world.draft, Some(&bo)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["contacts"].as_array().unwrap().is_empty());

    // Anyone else: the same answer as for a task that does not exist.
    let nothing = world.contacts(DocumentId::random(), Some(&bo)).await;
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);
    let nothing: serde_json::Value = nothing.json().await.unwrap();
    for (who, token) in [
        ("another organisation's coordinator", &eva),
        ("a volunteer", &anna),
    ] {
        let res = world.contacts(world.published, Some(token)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body, nothing, "{who}");
    }
    let res = world.contacts(world.published, None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = relay
        .client
        .get(format!("{}/api/tasks/not-an-id/contacts", relay.base))
        .bearer_auth(&bo)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// The municipality's towns reach every device, visitors included, and cost a 304 when
/// unchanged; a relay started with its own towns file serves those.
#[tokio::test]
async fn the_towns_are_served_to_anyone_from_the_relays_configuration() {
    let relay = Relay::start().await;
    let res = reqwest::get(format!("{}/api/towns", relay.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let body: samskab_model::towns::Towns = res.json().await.unwrap();
    assert_eq!(body, samskab_model::towns::Towns::demo());
    let again = reqwest::Client::new()
        .get(format!("{}/api/towns", relay.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("byer.json");
    std::fs::write(
        &file,
        r#"{"towns":[{"name":"Ringsted","lat":55.44,"lon":11.79}]}"#,
    )
    .unwrap();
    let own = Relay::start_configured(tempfile::tempdir().unwrap(), false, |c| {
        c.towns = Some(file.clone());
    })
    .await;
    let body: serde_json::Value = reqwest::get(format!("{}/api/towns", own.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["towns"][0]["name"], "Ringsted");
    assert_eq!(body["towns"].as_array().unwrap().len(), 1);
}
