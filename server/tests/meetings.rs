//! Groups and meetings at the relay, over real sockets: who reads a group and a meeting of
//! each audience (its members, in their own right or through their organisation, and no one
//! else), who writes what in a meeting (each person only their own answer, proposals in their
//! own name, the hosts the rest), who keeps a group (staff), that a person added to a group
//! is offered its meetings on the connection they have open, and who reads and writes a
//! person's needs for a meeting (the person writes; the person and the meeting's hosts read,
//! a host added or removed while connected gains or loses them at once).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::Automerge;
use common::Relay;
use common::device::{Device, can_read, open};
use samskab_model::demo::{COORDINATION_GROUP, ELDER_CARE_GROUP};
use samskab_model::kinds::group::{Group, Membership, group_document_id};
use samskab_model::kinds::meeting::{
    AgendaItem, AgendaState, Audience, Meeting, MeetingStatus, MeetingType, Rsvp, RsvpAnswer,
};
use samskab_model::kinds::needs::{Needs, needs_document_id};
use samskab_model::{DocumentId, PersonId};

/// An edit of a meeting a test tries.
type Edit = Box<dyn Fn(&mut Meeting)>;

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

fn meeting_ids() -> Vec<DocumentId> {
    samskab_model::demo::meetings(0)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn group(slug: &str) -> DocumentId {
    group_document_id(&slug.parse().unwrap())
}

struct People {
    anna: String,
    bo: String,
    eva: String,
    carla: String,
    admin: String,
    vera: String,
    vera_id: PersonId,
}

async fn people(relay: &Relay) -> People {
    relay.add_library_coordinator();
    let (vera_id, vera) = relay.register("Vera").await;
    People {
        anna: relay.login("anna@demo.samskab.dk").await,
        bo: relay.login("bo@demo.samskab.dk").await,
        eva: relay.login_as("eva@bibliotek.dk", "samskab-demo").await,
        carla: relay.login("carla@demo.samskab.dk").await,
        admin: relay.login("admin@demo.samskab.dk").await,
        vera,
        vera_id: vera_id.parse().unwrap(),
    }
}

#[tokio::test]
async fn groups_and_meetings_are_read_by_their_members_and_no_one_else() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let p = people(&relay).await;
    let meetings = meeting_ids();
    let (elder_meeting, coordination_meeting) = (meetings[1], meetings[2]);
    // (document, what it is, [anna, bo, eva, carla, admin, vera])
    let matrix = [
        (
            group(ELDER_CARE_GROUP),
            "the elder-care group",
            [true, false, false, true, true, false],
        ),
        (
            group(COORDINATION_GROUP),
            "the coordination group",
            [false, true, true, true, true, false],
        ),
        (
            elder_meeting,
            "the elder-care dialogue meeting",
            [true, false, false, true, true, false],
        ),
        (
            coordination_meeting,
            "the coordination group's meeting",
            [false, true, true, true, true, false],
        ),
    ];
    let who = [
        ("Anna", &p.anna),
        ("Bo", &p.bo),
        ("Eva", &p.eva),
        ("Carla", &p.carla),
        ("admin", &p.admin),
        ("Vera", &p.vera),
    ];
    for (id, what, expected) in matrix {
        for ((name, token), reads) in who.iter().zip(expected) {
            assert_eq!(
                can_read(&relay, token, id, &format!("{name}-{id}")).await,
                reads,
                "{name} reads {what}: {reads}"
            );
        }
    }

    // A draft is its hosts' (and staff's) alone; a public meeting everyone's.
    let (mut bo, _) = open::<Group>(&relay, &p.bo, group(COORDINATION_GROUP), "bo-draft").await;
    let draft_id = DocumentId::random();
    let now = common::now();
    let mut draft = Meeting::draft(
        "demo-bo".parse().unwrap(),
        "Klubbernes netværksmøde",
        MeetingType::CrossCutting,
        now + 86_400_000,
        now + 90_000_000,
        now,
    );
    bo.change(draft_id, |d| write(d, &draft)).await;
    assert_eq!(
        bo.verdict(draft_id).await,
        None,
        "a coordinator holds a meeting"
    );
    for ((name, token), reads) in who.iter().zip([false, true, false, true, true, false]) {
        assert_eq!(
            can_read(&relay, token, draft_id, &format!("{name}-draft")).await,
            reads,
            "{name} reads the draft"
        );
    }
    draft = autosurgeon::hydrate(bo.hub.document(&draft_id).unwrap()).unwrap();
    draft.status = MeetingStatus::Published;
    draft.audience = Audience::Public;
    bo.change(draft_id, |d| write(d, &draft)).await;
    assert_eq!(bo.verdict(draft_id).await, None);
    for (name, token) in who {
        assert!(
            can_read(&relay, token, draft_id, &format!("{name}-public")).await,
            "{name} reads a public meeting"
        );
    }

    // Vera, added to the elder-care group by staff while her phone is connected, is offered
    // its meeting on that connection; a fresh device of hers reads it too.
    let mut phone = Device::connect(&relay.ws_url_as(&p.vera), "vera-phone").await;
    assert!(!phone.catalogued().await.contains(&elder_meeting));
    let (mut carla, mut elder) =
        open::<Group>(&relay, &p.carla, group(ELDER_CARE_GROUP), "carla-group").await;
    elder
        .people
        .insert(p.vera_id.clone(), Membership::person(now, "Vera"));
    carla
        .change(group(ELDER_CARE_GROUP), |d| write(d, &elder))
        .await;
    assert_eq!(carla.verdict(group(ELDER_CARE_GROUP)).await, None);
    phone
        .pump_until("the group's meeting, offered", |hub| {
            !hub.heads(&elder_meeting).is_empty()
        })
        .await;
    assert!(can_read(&relay, &p.vera, elder_meeting, "vera-member").await);
    assert!(can_read(&relay, &p.vera, group(ELDER_CARE_GROUP), "vera-group").await);
    relay.shutdown().await;
}

#[tokio::test]
async fn each_writes_only_their_part_of_a_meeting_and_staff_keep_the_groups() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let p = people(&relay).await;
    let id = meeting_ids()[1];
    let anna_id: PersonId = "demo-anna".parse().unwrap();
    let now = common::now();

    // Anna answers for herself: kept. For someone else, or as a host: refused.
    let (mut anna, mut m) = open::<Meeting>(&relay, &p.anna, id, "anna").await;
    m.rsvps.insert(
        anna_id.clone(),
        Rsvp {
            answer: RsvpAnswer::Maybe,
            name: "Anna".into(),
            on_behalf: None,
            at: now,
        },
    );
    anna.change(id, |d| write(d, &m)).await;
    assert_eq!(anna.verdict(id).await, None, "her own answer");
    let cases: [(&str, Edit, &str); 4] = [
        (
            "answers for someone else",
            Box::new(|m: &mut Meeting| {
                m.rsvps.insert(
                    "demo-carla".parse().unwrap(),
                    Rsvp {
                        answer: RsvpAnswer::No,
                        name: "Anna".into(),
                        on_behalf: None,
                        at: common::now(),
                    },
                );
            }),
            "moede.not-yours",
        ),
        (
            "renames the meeting",
            Box::new(|m: &mut Meeting| m.title = "Mit møde".into()),
            "moede.not-host",
        ),
        (
            "writes the minutes",
            Box::new(|m: &mut Meeting| m.minutes.update("Hemmeligt")),
            "moede.not-host",
        ),
        (
            "accepts a proposal",
            Box::new(|m: &mut Meeting| {
                for item in m.agenda.values_mut() {
                    item.state = AgendaState::Accepted;
                }
            }),
            "moede.not-yours",
        ),
    ];
    for (what, edit, code) in cases {
        let (mut anna, mut m) = open::<Meeting>(&relay, &p.anna, id, &format!("anna-{what}")).await;
        edit(&mut m);
        anna.change(id, |d| write(d, &m)).await;
        assert_eq!(anna.verdict(id).await.as_deref(), Some(code), "Anna {what}");
    }

    // She proposes an item in her own name; the host accepts it; she cannot sign as him.
    let (mut anna, mut m) = open::<Meeting>(&relay, &p.anna, id, "anna-proposes").await;
    let proposal = AgendaItem {
        title: "Kørsel til møderne".into(),
        note: String::new(),
        by: anna_id.clone(),
        at: now,
        state: AgendaState::Proposed,
        position: 0,
        minutes: 0,
    };
    m.agenda
        .insert("anna-forslag".parse().unwrap(), proposal.clone());
    anna.change(id, |d| write(d, &m)).await;
    assert_eq!(anna.verdict(id).await, None, "a proposal in her own name");
    let mut m: Meeting = autosurgeon::hydrate(anna.hub.document(&id).unwrap()).unwrap();
    m.agenda.insert(
        "falsk".parse().unwrap(),
        AgendaItem {
            by: "demo-carla".parse().unwrap(),
            ..proposal
        },
    );
    anna.change(id, |d| write(d, &m)).await;
    assert_eq!(anna.verdict(id).await.as_deref(), Some("moede.not-by-you"));
    let (mut carla, mut m) = open::<Meeting>(&relay, &p.carla, id, "carla-host").await;
    m.agenda
        .get_mut(&"anna-forslag".parse().unwrap())
        .unwrap()
        .state = AgendaState::Accepted;
    m.minutes.update("Punkt 1: Velkomst.");
    carla.change(id, |d| write(d, &m)).await;
    assert_eq!(carla.verdict(id).await, None, "the host decides and writes");

    // A volunteer holds no meeting; a group is staff's to keep.
    let mut draft = Meeting::draft(
        anna_id,
        "Mit møde",
        MeetingType::Information,
        now + 1_000_000,
        now + 2_000_000,
        now,
    );
    let new = DocumentId::random();
    anna.change(new, |d| write(d, &draft)).await;
    assert_eq!(anna.verdict(new).await.as_deref(), Some("moede.not-host"));
    draft.title = "x".into();
    let (mut bo, mut coordination) =
        open::<Group>(&relay, &p.bo, group(COORDINATION_GROUP), "bo-group").await;
    coordination.name = "Bos gruppe".into();
    bo.change(group(COORDINATION_GROUP), |d| write(d, &coordination))
        .await;
    assert_eq!(
        bo.verdict(group(COORDINATION_GROUP)).await.as_deref(),
        Some("gruppe.not-staff")
    );
    let (mut admin, mut coordination) =
        open::<Group>(&relay, &p.admin, group(COORDINATION_GROUP), "admin-group").await;
    coordination.description = "Opdateret".into();
    admin
        .change(group(COORDINATION_GROUP), |d| write(d, &coordination))
        .await;
    assert_eq!(admin.verdict(group(COORDINATION_GROUP)).await, None);
    // A group lives only at its derived id.
    let elsewhere = DocumentId::random();
    let copy = Group::new("andet".parse().unwrap(), "Andet", now);
    admin.change(elsewhere, |d| write(d, &copy)).await;
    assert_eq!(
        admin.verdict(elsewhere).await.as_deref(),
        Some("gruppe.wrong-id")
    );

    // What the relay keeps: Anna's answer and accepted proposal, none of the refused edits.
    let (_, kept) = open::<Meeting>(&relay, &p.carla, id, "carla-check").await;
    assert_eq!(
        kept.rsvps[&"demo-anna".parse::<PersonId>().unwrap()].answer,
        RsvpAnswer::Maybe
    );
    assert_eq!(kept.title, samskab_model::demo::meetings(0)[1].1.title);
    assert_eq!(kept.minutes.as_str(), "Punkt 1: Velkomst.");
    assert!(
        !kept
            .rsvps
            .contains_key(&"demo-carla".parse::<PersonId>().unwrap())
    );
    assert!(!kept.agenda.contains_key(&"falsk".parse().unwrap()));
    relay.shutdown().await;
}

#[tokio::test]
async fn needs_are_written_by_the_person_and_read_by_them_and_the_hosts_alone() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let p = people(&relay).await;
    let meeting = meeting_ids()[1];
    let anna_id: PersonId = "demo-anna".parse().unwrap();
    let annas = needs_document_id(&meeting, &anna_id);
    let who = [
        ("Anna", &p.anna),
        ("Bo", &p.bo),
        ("Eva", &p.eva),
        ("Carla, the host", &p.carla),
        ("admin", &p.admin),
        ("Vera", &p.vera),
    ];
    for ((name, token), reads) in who.iter().zip([true, false, false, true, false, false]) {
        assert_eq!(
            can_read(&relay, token, annas, &format!("{name}-needs")).await,
            reads,
            "{name} reads Anna's needs: {reads}"
        );
    }

    // Anna changes hers; the host cannot, nor can anyone write them for her.
    let (mut anna, mut needs) = open::<Needs>(&relay, &p.anna, annas, "anna-needs").await;
    needs.text = "Rollator, og gerne en plads ved døren.".into();
    anna.change(annas, |d| write(d, &needs)).await;
    assert_eq!(anna.verdict(annas).await, None, "her own needs");
    let (mut carla, mut theirs) = open::<Needs>(&relay, &p.carla, annas, "carla-needs").await;
    theirs.text.clear();
    carla.change(annas, |d| write(d, &theirs)).await;
    assert_eq!(
        carla.verdict(annas).await.as_deref(),
        Some("behov.not-yours"),
        "the host reads, never writes"
    );
    // "Hent mine data": Anna's export holds her needs; the host's holds none of hers.
    let export = |token: String| {
        let url = format!("{}/api/export", relay.base);
        async move {
            let res = reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let annas_export = export(p.anna.clone()).await;
    assert_eq!(
        annas_export["meeting_needs"][0]["text"],
        needs.text.as_str()
    );
    assert_eq!(
        annas_export["meeting_needs"][0]["meeting"],
        meeting.to_string()
    );
    let carlas_export = export(p.carla.clone()).await;
    assert_eq!(carlas_export["meeting_needs"], serde_json::json!([]));
    let now = common::now();
    let mut veras = Needs::new(&meeting, p.vera_id.clone(), now + 1_000, now);
    veras.text = "Tolk".into();
    let mut vera = Device::connect(&relay.ws_url_as(&p.vera), "vera-writes").await;
    vera.change(annas, |d| write(d, &veras)).await;
    assert!(
        vera.verdict(annas).await.is_some(),
        "Vera's needs at Anna's id are refused"
    );
    let elsewhere = DocumentId::random();
    vera.change(elsewhere, |d| write(d, &veras)).await;
    assert_eq!(
        vera.verdict(elsewhere).await.as_deref(),
        Some("behov.wrong-id")
    );
    let hers = needs_document_id(&meeting, &p.vera_id);
    vera.change(hers, |d| write(d, &veras)).await;
    assert_eq!(vera.verdict(hers).await, None, "her own, at her own id");

    // Made a host while her phone is connected, Vera is offered Anna's needs at once; no
    // longer a host, they are taken back.
    let mut phone = Device::connect(&relay.ws_url_as(&p.vera), "vera-phone").await;
    assert!(!phone.catalogued().await.contains(&annas));
    let (mut carla, mut m) = open::<Meeting>(&relay, &p.carla, meeting, "carla-hosts").await;
    m.hosts.push(p.vera_id.clone());
    carla.change(meeting, |d| write(d, &m)).await;
    assert_eq!(carla.verdict(meeting).await, None);
    phone
        .pump_until("Anna's needs, offered to a new host", |hub| {
            !hub.heads(&annas).is_empty()
        })
        .await;
    let seen: Needs = autosurgeon::hydrate(phone.hub.document(&annas).unwrap()).unwrap();
    assert_eq!(seen.text, needs.text);
    m.hosts.retain(|h| *h != p.vera_id);
    carla.change(meeting, |d| write(d, &m)).await;
    assert_eq!(carla.verdict(meeting).await, None);
    phone
        .pump_until("Anna's needs, revoked", |hub| {
            hub.document(&annas).is_none()
        })
        .await;
    assert!(!can_read(&relay, &p.vera, annas, "vera-after").await);
    relay.shutdown().await;
}
