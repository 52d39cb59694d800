//! Erasure at the relay, over real sockets: a volunteer who signed up for a task, has a CV
//! read by staff and an audit trail, deletes their account ("Slet min konto"); then nothing of
//! them (id, name, e-mail, phone) is in any served document's full history nor in the
//! database file, the task keeps its roster's shape, a device that was offline through the
//! erasure deletes the profile and re-fetches the task at its next connection, and an old
//! device's attempt to push the pre-erasure history is refused. Staff erasure on request
//! needs a reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::Automerge;
use common::device::Device;
use common::{Relay, now};
use samskab_model::erasure::{ErasedPerson, history_mentions};
use samskab_model::profile::{Consent, CoordinatorConsent, Profile, profile_document_id};
use samskab_model::sync::{Hub, Role};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task, TaskStatus};

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

fn shift() -> ShiftId {
    "vagt-1".parse().unwrap()
}

const NAME: &str = "Veronika Vestergaard";
const EMAIL: &str = "veronika.v@example.dk";
const PHONE: &str = "+45 22 33 44 55";
const PASSWORD: &str = "en god lang kode";

async fn register(relay: &Relay, name: &str, email: &str, phone: &str) -> (PersonId, String) {
    let res = relay
        .client
        .post(format!("{}/api/register", relay.base))
        .json(&serde_json::json!({"name": name, "email": email, "phone": phone, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let body: serde_json::Value = res.json().await.unwrap();
    (
        body["user"]["id"].as_str().unwrap().parse().unwrap(),
        body["token"].as_str().unwrap().to_owned(),
    )
}

/// The documents a device of `token` holds once synced, saved (as the app keeps them).
async fn synced(relay: &Relay, token: &str, name: &str, ids: &[DocumentId]) -> Hub {
    let mut device = Device::connect(&relay.ws_url_as(token), name).await;
    device
        .pump_until("the documents", |hub| {
            ids.iter().all(|id| !hub.heads(id).is_empty())
        })
        .await;
    let mut kept = Hub::new(format!("{name}-again").parse().unwrap(), Role::Client);
    for (id, doc) in device.hub.documents() {
        kept.load(*id, &doc.save()).unwrap();
    }
    kept
}

fn database_bytes(relay: &Relay) -> Vec<u8> {
    let mut bytes = Vec::new();
    for file in ["samskab.sqlite3", "samskab.sqlite3-wal"] {
        if let Ok(b) = std::fs::read(relay.data().join(file)) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn slet_min_konto_leaves_nothing_of_the_person_anywhere() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (vera, vera_token) = register(&relay, NAME, EMAIL, PHONE).await;
    let (viggo, viggo_token) = register(&relay, "Viggo", "viggo@example.dk", "").await;

    // Bo publishes a task with one place; Vera takes it, Viggo waits.
    let bo_token = relay.login("bo@demo.samskab.dk").await;
    let mut bo = Device::connect(&relay.ws_url_as(&bo_token), "bo").await;
    let task_id = DocumentId::random();
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
    task.status = TaskStatus::Published;
    bo.change(task_id, |d| write(d, &task)).await;
    bo.acknowledged(task_id).await;
    for (who, token, name) in [
        (&vera, &vera_token, "vera"),
        (&viggo, &viggo_token, "viggo"),
    ] {
        let mut device = Device::connect(&relay.ws_url_as(token), name).await;
        device
            .pump_until("the task", |hub| !hub.heads(&task_id).is_empty())
            .await;
        let mut signed: Task =
            autosurgeon::hydrate(device.hub.document(&task_id).unwrap()).unwrap();
        signed.shifts.get_mut(&shift()).unwrap().signups.insert(
            who.clone(),
            Signup {
                state: SignupState::SignedUp,
                at: now(),
            },
        );
        device.change(task_id, |d| write(d, &signed)).await;
        device.acknowledged(task_id).await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await; // distinct sign-up times
    }

    // Vera's CV, shared with staff, with her phone and e-mail.
    let mut owner = Device::connect(&relay.ws_url_as(&vera_token), "vera-cv").await;
    let mut profile = Profile::new(vera.clone(), NAME, now());
    profile.phone = PHONE.into();
    profile.email = EMAIL.into();
    profile.consent = Consent {
        staff: true,
        coordinators: CoordinatorConsent::Nobody,
    };
    let profile_id = profile_document_id(&vera);
    owner.change(profile_id, |d| write(d, &profile)).await;
    owner.acknowledged(profile_id).await;

    // Carla (staff) reads it (an audit entry); her tablet then goes offline with its copies.
    let carla = relay.login("carla@demo.samskab.dk").await;
    let offline = synced(&relay, &carla, "carla-tablet", &[profile_id, task_id]).await;
    // Bo's phone goes offline with the task's old history too.
    let bo_offline = synced(&relay, &bo_token, "bo-phone", &[task_id]).await;
    let before = database_bytes(&relay);
    assert!(
        contains(&before, EMAIL),
        "the check below can fail: the e-mail is stored now"
    );

    // A wrong password deletes nothing.
    let delete = |password: &str| {
        relay
            .client
            .post(format!("{}/api/account/delete", relay.base))
            .bearer_auth(&vera_token)
            .json(&serde_json::json!({"password": password}))
            .send()
    };
    assert_eq!(
        delete("forkert kode!").await.unwrap().status(),
        reqwest::StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        delete(PASSWORD).await.unwrap().status(),
        reqwest::StatusCode::NO_CONTENT
    );
    assert_eq!(
        relay.me_status(&vera_token).await,
        reqwest::StatusCode::UNAUTHORIZED
    );

    // Every document the relay serves, whole history, holds nothing of her.
    let person = ErasedPerson {
        id: vera.clone(),
        name: NAME.into(),
        email: EMAIL.into(),
        phone: PHONE.into(),
    };
    let admin = relay.login("admin@demo.samskab.dk").await;
    let catalog = relay.catalog().await;
    let ids: Vec<DocumentId> = catalog["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(!ids.contains(&profile_id), "the profile is gone");
    assert!(ids.contains(&task_id));
    let everything = synced(&relay, &admin, "admin", &ids).await;
    for (id, doc) in everything.documents() {
        assert!(
            !history_mentions(doc, &person.needles(), &[]),
            "{id} still mentions her"
        );
    }
    // The task keeps its shape: one place held (by a pseudonym), Viggo still waiting.
    let after: Task = autosurgeon::hydrate(everything.document(&task_id).unwrap()).unwrap();
    let roster = samskab_model::Roster::of(&after.shifts[&shift()]);
    assert_eq!(roster.waitlist, vec![viggo.clone()]);
    assert_eq!(roster.confirmed.len(), 1);
    assert!(roster.confirmed[0].as_str().starts_with("slettet-"));
    assert_eq!(
        everything
            .document(&task_id)
            .unwrap()
            .get_changes(&[])
            .len(),
        1,
        "a fresh history"
    );

    // The database file keeps none of her identifiers (the audit entry of Carla's read is gone).
    let stored = database_bytes(&relay);
    for needle in [EMAIL, NAME, vera.as_str()] {
        assert!(
            !contains(&stored, needle),
            "{needle} is still in the database file"
        );
    }

    // Carla's tablet comes back: it deletes the profile and swaps the task for the new one.
    let url = relay.ws_url_as(&carla);
    let mut back = Device::reconnect(offline, &url).await;
    back.pump_until("the erasure", |hub| {
        hub.document(&profile_id).is_none() && hub.heads(&task_id) == everything.heads(&task_id)
    })
    .await;
    assert!(!history_mentions(
        back.hub.document(&task_id).unwrap(),
        &person.needles(),
        &[]
    ));

    // Bo's old phone, ignoring the revocation, pushes the old history with a new edit on top:
    // refused, and the relay's task is unchanged.
    let old_bytes = bo_offline.document(&task_id).unwrap().save();
    let mut old_phone = Device::reconnect(bo_offline, &relay.ws_url_as(&bo_token)).await;
    old_phone
        .pump_until("the revocation", |hub| hub.document(&task_id).is_none())
        .await;
    old_phone.hub.load(task_id, &old_bytes).unwrap();
    old_phone
        .change(task_id, |d| {
            let mut t: Task = autosurgeon::hydrate(&*d).unwrap();
            t.title = "Kioskvagt (rettet offline)".into();
            write(d, &t);
        })
        .await;
    assert_eq!(
        old_phone.verdict(task_id).await.as_deref(),
        Some("rewritten")
    );
    let served = synced(&relay, &admin, "admin-2", &[task_id]).await;
    assert_eq!(served.heads(&task_id), everything.heads(&task_id));

    // Her old device cannot sync at all, and nothing can be written at the profile's id again.
    let refused = tokio_tungstenite::connect_async(relay.ws_url_as(&vera_token)).await;
    assert!(refused.is_err(), "her session is gone");
}

#[tokio::test]
async fn staff_erase_on_request_with_a_reason_and_it_is_logged() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let (_, _) = register(&relay, "Walter Wind", "walter@example.dk", "").await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let erase = |token: String, reason: &str| {
        relay
            .client
            .post(format!("{}/api/erasures", relay.base))
            .bearer_auth(token)
            .json(&serde_json::json!({"email": "walter@example.dk", "reason": reason}))
            .send()
    };
    assert_eq!(
        erase(carla.clone(), "  ").await.unwrap().status(),
        reqwest::StatusCode::BAD_REQUEST
    );
    let (_, viggo) = register(&relay, "Viggo", "viggo@example.dk", "").await;
    assert_eq!(
        erase(viggo, "fordi").await.unwrap().status(),
        reqwest::StatusCode::FORBIDDEN
    );
    let res = erase(carla.clone(), "Anmodning pr. telefon 3. dec.")
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let log: serde_json::Value = relay
        .client
        .get(format!("{}/api/erasures", relay.base))
        .bearer_auth(&carla)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log[0]["reason"], "Anmodning pr. telefon 3. dec.");
    assert_eq!(log[0]["by_role"], "personale");
    assert!(
        !log.to_string().contains("walter"),
        "the log names no erased person"
    );
    let login = relay
        .client
        .post(format!("{}/api/login", relay.base))
        .json(&serde_json::json!({"email": "walter@example.dk", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), reqwest::StatusCode::UNAUTHORIZED);
}
