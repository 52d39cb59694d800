//! Profiles (the CV bank) at the relay, over real sockets: the consent matrix (every audience
//! against every consent setting: the read allowed or refused, through the catalog and through
//! an explicit request, and an audit entry written or not), consent withdrawal reaching online
//! and offline devices, access following sign-ups, and writes by anyone but the owner refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::Automerge;
use common::device::{Device, PATIENCE, can_read, next_message};
use common::{Relay, now};
use samskab_model::profile::{Consent, CoordinatorConsent, Profile, profile_document_id};
use samskab_model::sync::Message;
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task, TaskStatus};
use samskab_server::accounts::Accounts;

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

fn shift() -> ShiftId {
    "vagt-1".parse().unwrap()
}

struct World {
    relay: Relay,
    owner: Device,
    owner_id: PersonId,
    profile: Profile,
    tokens: Vec<(&'static str, String)>,
}

impl World {
    /// A relay with demo accounts, a coordinator of another organisation (Eva), a volunteer
    /// (Vera) with a profile who has signed up for a Haslev Fodboldklub task (run by Bo), and
    /// a second volunteer (Viggo).
    async fn new() -> World {
        let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
        relay.add_library_coordinator();
        let (vera, vera_token) = relay.register("Vera").await;
        let (_, viggo_token) = relay.register("Viggo").await;
        let owner_id: PersonId = vera.parse().unwrap();

        // Bo publishes a task; Vera signs up for it.
        let bo_token = relay.login("bo@demo.samskab.dk").await;
        let mut bo = Device::connect(&relay.ws_url_as(&bo_token), "bo-setup").await;
        let task_id = DocumentId::random();
        let mut task = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt",
            Area::Sport,
            now() - 60_000,
        );
        task.shifts.insert(
            shift(),
            Shift::new(now() + 86_400_000, now() + 90_000_000, 2),
        );
        task.status = TaskStatus::Published;
        bo.change(task_id, |d| write(d, &task)).await;
        bo.acknowledged(task_id).await;

        let mut owner = Device::connect(&relay.ws_url_as(&vera_token), "vera").await;
        owner
            .pump_until("the task", |hub| !hub.heads(&task_id).is_empty())
            .await;
        let mut signed = task.clone();
        signed.shifts.get_mut(&shift()).unwrap().signups.insert(
            owner_id.clone(),
            Signup {
                state: SignupState::SignedUp,
                at: now(),
            },
        );
        owner.change(task_id, |d| write(d, &signed)).await;
        owner.acknowledged(task_id).await;

        let mut profile = Profile::new(owner_id.clone(), "Vera Vestergaard", now());
        profile.skills = vec!["foerstehjaelp".into()];
        let id = profile_document_id(&owner_id);
        owner.change(id, |d| write(d, &profile)).await;
        owner.acknowledged(id).await;

        let tokens = vec![
            ("staff", relay.login("carla@demo.samskab.dk").await),
            ("admin", relay.login("admin@demo.samskab.dk").await),
            ("coordinator signed up with", bo_token),
            (
                "coordinator of another organisation",
                relay.login_as("eva@bibliotek.dk", "samskab-demo").await,
            ),
            ("another volunteer", viggo_token),
        ];
        World {
            relay,
            owner,
            owner_id,
            profile,
            tokens,
        }
    }

    fn id(&self) -> DocumentId {
        profile_document_id(&self.owner_id)
    }

    async fn set_consent(&mut self, consent: Consent) {
        self.profile.consent = consent;
        let (id, profile) = (self.id(), self.profile.clone());
        self.owner.change(id, |d| write(d, &profile)).await;
        self.owner.acknowledged(id).await;
    }

    /// Audit entries for the owner's profile, per reader id.
    fn audit_count(&self, reader: &str) -> usize {
        let accounts = Accounts::open(self.relay.data()).unwrap();
        accounts
            .reads_of(&self.owner_id, None)
            .unwrap()
            .iter()
            .filter(|e| e.reader.as_str() == reader)
            .count()
    }
}

async fn me(relay: &Relay, token: &str) -> String {
    let res = reqwest::Client::new()
        .get(format!("{}/api/me", relay.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_consent_matrix() {
    use CoordinatorConsent as C;
    let mut world = World::new().await;
    let mut readers = Vec::new();
    for (name, token) in &world.tokens {
        readers.push((*name, token.clone(), me(&world.relay, token).await));
    }
    // (staff, coordinators) -> expected for: staff, admin, coordinator signed up with,
    // coordinator of another organisation, another volunteer.
    let table = [
        ((false, C::Nobody), [false, false, false, false, false]),
        ((true, C::Nobody), [true, true, false, false, false]),
        ((false, C::SignedUp), [false, false, true, false, false]),
        ((true, C::SignedUp), [true, true, true, false, false]),
        ((false, C::All), [false, false, true, true, false]),
        ((true, C::All), [true, true, true, true, false]),
    ];
    for (round, ((staff, coordinators), expected)) in table.into_iter().enumerate() {
        world
            .set_consent(Consent {
                staff,
                coordinators,
            })
            .await;
        for ((name, token, reader), allowed) in readers.iter().zip(expected) {
            let before = world.audit_count(reader);
            let read = can_read(
                &world.relay,
                token,
                world.id(),
                &format!("r{round}-{reader}"),
            )
            .await;
            assert_eq!(
                read, allowed,
                "{name} with staff={staff} coordinators={coordinators}"
            );
            // Being listed in the catalog reveals no content; the device that received the
            // profile is one entry.
            let written = world.audit_count(reader) - before;
            assert_eq!(
                written,
                usize::from(allowed),
                "audit entries for {name} with staff={staff} coordinators={coordinators}"
            );
        }
        // The owner reads their own profile without an audit entry.
        let owner = world.owner_id.to_string();
        let before = world.audit_count(&owner);
        let token = world
            .relay
            .login_as("vera@example.dk", "en god lang kode")
            .await;
        assert!(can_read(&world.relay, &token, world.id(), &format!("r{round}-owner")).await);
        assert_eq!(world.audit_count(&owner), before);
    }

    // What the owner sees of the log, over HTTP: who, with role and name, from which device.
    let token = world
        .relay
        .login_as("vera@example.dk", "en god lang kode")
        .await;
    let res = reqwest::Client::new()
        .get(format!("{}/api/profile/reads", world.relay.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let entries: serde_json::Value = res.json().await.unwrap();
    let entries = entries.as_array().unwrap();
    // Staff and admin: the 3 settings with staff=true; Bo 4 (signed up, all); Eva 2 (all).
    assert_eq!(entries.len(), 3 + 3 + 4 + 2);
    let carla = entries
        .iter()
        .find(|e| e["reader_role"] == "personale")
        .unwrap();
    assert_eq!(carla["reader_name"], "Carla Kommune");
    // The device is named by browser and a tag, never by the peer id it connects with.
    let device = carla["device"].as_str().unwrap();
    assert!(
        device.ends_with(')') && !device.contains("reader"),
        "{device}"
    );
    assert!(carla["at"].as_i64().unwrap() > now() - 600_000);

    // "Hent mine data": the account, the profile, the sign-up and every audit entry.
    let res = reqwest::Client::new()
        .get(format!("{}/api/export", world.relay.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(res.headers()["content-type"], "application/json");
    let text = res.text().await.unwrap();
    // Indented for a person reading it in a text editor.
    assert!(
        text.starts_with("{\n  \""),
        "{}",
        &text[..40.min(text.len())]
    );
    let export: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["account"]["name"], "Vera");
    assert_eq!(export["profile"]["name"], "Vera Vestergaard");
    assert_eq!(export["profile"]["skills"][0], "foerstehjaelp");
    assert_eq!(export["signups"].as_array().unwrap().len(), 1);
    assert_eq!(export["signups"][0]["title"], "Kioskvagt");
    // What the sign-up came to, beside what she asked for.
    assert_eq!(export["signups"][0]["state"], "tilmeldt");
    assert_eq!(export["signups"][0]["place"], "bekraeftet");
    assert_eq!(export["signups"][0]["task_status"], "offentliggjort");
    assert_eq!(export["profile_reads"].as_array().unwrap().len(), 12);
    // Times read as dates and clock times in Danish time, not milliseconds since 1970.
    let danish_time = |v: &serde_json::Value| {
        let s = v.as_str().unwrap_or_else(|| panic!("not a text time: {v}"));
        assert!(
            s.len() == 25
                && s.as_bytes()[10] == b'T'
                && (s.ends_with("+01:00") || s.ends_with("+02:00")),
            "{s}"
        );
    };
    danish_time(&export["exported_at"]);
    danish_time(&export["profile_reads"][0]["at"]);
    danish_time(&export["signups"][0]["shift_start"]);
    danish_time(&export["signups"][0]["at"]);
}

#[tokio::test]
async fn withdrawn_consent_removes_the_profile_from_online_and_offline_devices() {
    let mut world = World::new().await;
    world
        .set_consent(Consent {
            staff: true,
            coordinators: CoordinatorConsent::Nobody,
        })
        .await;
    let id = world.id();
    let carla = world.tokens[0].1.clone();
    let url = world.relay.ws_url_as(&carla);
    let mut online = Device::connect(&url, "carla-online").await;
    online
        .pump_until("the profile", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut offline = Device::connect(&url, "carla-offline").await;
    offline
        .pump_until("the profile", |hub| !hub.heads(&id).is_empty())
        .await;
    // The offline device goes away with its copy (kept as the app keeps it, in storage).
    let saved: Vec<(DocumentId, Vec<u8>)> = offline
        .hub
        .documents()
        .map(|(id, doc)| (*id, doc.save()))
        .collect();
    drop(offline);
    let mut kept = samskab_model::sync::Hub::new(
        "carla-offline-2".parse().unwrap(),
        samskab_model::sync::Role::Client,
    );
    for (doc, bytes) in saved {
        kept.load(doc, &bytes).unwrap();
    }
    assert!(kept.document(&id).is_some());

    world.set_consent(Consent::PRIVATE).await;
    // The online device is told at once.
    online
        .pump_until("the revocation", |hub| hub.document(&id).is_none())
        .await;
    // The offline one at its next connection, before anything else about it.
    let mut back = Device::reconnect(kept, &url).await;
    back.pump_until("the revocation", |hub| hub.document(&id).is_none())
        .await;
    assert!(!can_read(&world.relay, &carla, id, "carla-again").await);

    // Consent given again reaches the online device without reconnecting.
    world
        .set_consent(Consent {
            staff: true,
            coordinators: CoordinatorConsent::Nobody,
        })
        .await;
    online
        .pump_until("the profile again", |hub| !hub.heads(&id).is_empty())
        .await;
}

#[tokio::test]
async fn signing_up_with_an_organisation_lets_its_coordinators_read() {
    let mut world = World::new().await;
    world
        .set_consent(Consent {
            staff: false,
            coordinators: CoordinatorConsent::SignedUp,
        })
        .await;
    let id = world.id();
    let eva = world.tokens[3].1.clone();
    assert!(!can_read(&world.relay, &eva, id, "eva-before").await);

    // Eva, online, publishes a library task; Vera signs up for it; Eva's device gets the
    // profile pushed.
    let mut device = Device::connect(&world.relay.ws_url_as(&eva), "eva").await;
    let task_id = DocumentId::random();
    let mut task = Task::draft(
        "haslev-bibliotek".parse().unwrap(),
        "Højtlæsning",
        Area::Culture,
        now() - 60_000,
    );
    task.shifts.insert(
        shift(),
        Shift::new(now() + 86_400_000, now() + 90_000_000, 2),
    );
    task.status = TaskStatus::Published;
    device.change(task_id, |d| write(d, &task)).await;
    device.acknowledged(task_id).await;
    world
        .owner
        .pump_until("the library task", |hub| !hub.heads(&task_id).is_empty())
        .await;
    let owner_id = world.owner_id.clone();
    let mut signed: Task =
        autosurgeon::hydrate(world.owner.hub.document(&task_id).unwrap()).unwrap();
    signed.shifts.get_mut(&shift()).unwrap().signups.insert(
        owner_id,
        Signup {
            state: SignupState::SignedUp,
            at: now(),
        },
    );
    world.owner.change(task_id, |d| write(d, &signed)).await;
    world.owner.acknowledged(task_id).await;
    device
        .pump_until("the profile", |hub| !hub.heads(&id).is_empty())
        .await;

    // Withdrawing the only sign-up with the library takes it away again.
    let mut withdrawn = signed.clone();
    withdrawn
        .shifts
        .get_mut(&shift())
        .unwrap()
        .signups
        .get_mut(&world.owner_id)
        .unwrap()
        .state = SignupState::Withdrawn;
    world.owner.change(task_id, |d| write(d, &withdrawn)).await;
    world.owner.acknowledged(task_id).await;
    device
        .pump_until("the revocation", |hub| hub.document(&id).is_none())
        .await;
}

#[tokio::test]
async fn only_the_owner_writes_a_profile() {
    let mut world = World::new().await;
    world
        .set_consent(Consent {
            staff: true,
            coordinators: CoordinatorConsent::All,
        })
        .await;
    let id = world.id();
    // Staff can read it but not write it.
    let carla = world.tokens[0].1.clone();
    let mut staff = Device::connect(&world.relay.ws_url_as(&carla), "carla").await;
    staff
        .pump_until("the profile", |hub| !hub.heads(&id).is_empty())
        .await;
    let mut edited: Profile = autosurgeon::hydrate(staff.hub.document(&id).unwrap()).unwrap();
    edited.offer = "Skrevet af en anden".into();
    staff.change(id, |d| write(d, &edited)).await;
    let code = refusal(&mut staff, id).await;
    assert_eq!(code, "profil.not-your-profile");

    // A volunteer cannot create a profile at someone else's id, nor their own profile owned
    // by someone else.
    let viggo = world.tokens[4].1.clone();
    let viggo_id: PersonId = me(&world.relay, &viggo).await.parse().unwrap();
    let mut volunteer = Device::connect(&world.relay.ws_url_as(&viggo), "viggo").await;
    let stranger: PersonId = "somebody-else".parse().unwrap();
    let forged = Profile::new(stranger.clone(), "Falsk", now());
    let forged_id = profile_document_id(&stranger);
    volunteer.change(forged_id, |d| write(d, &forged)).await;
    assert_eq!(
        refusal(&mut volunteer, forged_id).await,
        "profil.not-your-profile"
    );
    let own_id = profile_document_id(&viggo_id);
    volunteer.change(own_id, |d| write(d, &forged)).await;
    assert_eq!(
        refusal(&mut volunteer, own_id).await,
        "profil.not-your-profile"
    );
    // An invalid profile of one's own is refused as invalid.
    let nameless = Profile::new(viggo_id, " ", now());
    let mut fresh = Device::connect(&world.relay.ws_url_as(&viggo), "viggo-2").await;
    fresh.change(own_id, |d| write(d, &nameless)).await;
    assert_eq!(refusal(&mut fresh, own_id).await, "profil.invalid");

    // The owner's profile is untouched at the relay.
    let token = world
        .relay
        .login_as("vera@example.dk", "en god lang kode")
        .await;
    let mut check = Device::connect(&world.relay.ws_url_as(&token), "vera-check").await;
    check
        .pump_until("the profile", |hub| !hub.heads(&id).is_empty())
        .await;
    let stored: Profile = autosurgeon::hydrate(check.hub.document(&id).unwrap()).unwrap();
    assert_eq!(stored.offer, "");
}

/// Waits for `samskab-change-refused` about `id` and returns its code.
async fn refusal(device: &mut Device, id: DocumentId) -> String {
    loop {
        let message = tokio::time::timeout(PATIENCE, next_message(&mut device.ws))
            .await
            .expect("a refusal")
            .expect("the connection stays open");
        if let Message::ChangeRefused {
            document_id, code, ..
        } = &message
            && *document_id == id
        {
            return code.clone();
        }
        let effects = device.hub.receive(&device.relay, message).unwrap();
        device.send(effects).await;
    }
}

/// The documents in the relay's catalog for tools, as the user behind `token` may read them.
async fn catalog_ids(relay: &Relay, token: &str) -> std::collections::BTreeSet<String> {
    let body: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/catalog", relay.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_demo_profiles_are_seeded_with_mixed_consent() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let profiles = samskab_model::demo::profiles(now());
    assert_eq!(profiles.len(), 40);
    let ids = |keep: &dyn Fn(&Profile) -> bool| -> std::collections::BTreeSet<String> {
        profiles
            .iter()
            .filter(|p| keep(p))
            .map(|p| profile_document_id(&p.owner).to_string())
            .collect()
    };
    let all_profiles = ids(&|_| true);
    let seen = |catalog: std::collections::BTreeSet<String>| -> std::collections::BTreeSet<String> {
        catalog.intersection(&all_profiles).cloned().collect()
    };
    let staff = seen(catalog_ids(&relay, &relay.login("carla@demo.samskab.dk").await).await);
    assert_eq!(staff, ids(&|p| p.consent.staff));
    let anna = seen(catalog_ids(&relay, &relay.login("anna@demo.samskab.dk").await).await);
    assert!(anna.is_empty(), "a volunteer sees no one's profile");
    // Bo sees those who share with every coordinator, and those who signed up with his club.
    let bo = seen(catalog_ids(&relay, &relay.login("bo@demo.samskab.dk").await).await);
    let everyone = ids(&|p| p.consent.coordinators == CoordinatorConsent::All);
    assert!(bo.is_superset(&everyone));
    let by_sign_up: Vec<_> = bo.difference(&everyone).collect();
    assert_eq!(
        by_sign_up.len(),
        1,
        "one demo volunteer signed up with Haslev Fodboldklub"
    );
}
