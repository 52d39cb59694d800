//! Notices over real sockets, with a real SMTP server: the relay writes what happened into
//! each person's inbox (and mails it, if they chose e-mail); only the owner reads an inbox;
//! the owner marks notices read and changes the settings and nothing else; an inbox a phone
//! made offline and the one the relay made are one document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use automerge::{ActorId, Automerge};
use common::Relay;
use common::device::{Device, can_read, open};
use common::smtp::SmtpSink;
use samskab_model::PersonId;
use samskab_model::kinds::inbox::{self, Inbox, MailState, Notice, NoticeKind};
use samskab_model::kinds::meeting::{Meeting, MeetingStatus, Rsvp, RsvpAnswer};
use samskab_server::mail::{MailConfig, SmtpTls};

/// An edit of an inbox a test tries.
type Edit = Box<dyn Fn(&mut Inbox)>;

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, value: &T) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .unwrap();
}

async fn relay(smtp: &SmtpSink) -> Relay {
    let port = smtp.port;
    Relay::start_configured(tempfile::tempdir().unwrap(), true, move |config| {
        config.public_url = Some("https://frivillig.example.dk".into());
        config.mail = MailConfig {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(port),
            smtp_tls: SmtpTls::None,
            smtp_from: Some("Samskab <noreply@example.dk>".into()),
            ..MailConfig::default()
        };
        config.notices.notice_every_secs = 1;
    })
    .await
}

/// `person`'s inbox as a device of theirs syncs it, once `done` holds for it (20 s at most).
async fn inbox_when(
    relay: &Relay,
    token: &str,
    person: &PersonId,
    what: &str,
    done: impl Fn(&Inbox) -> bool,
) -> Inbox {
    let id = inbox::inbox_document_id(person);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for attempt in 0.. {
        let mut device =
            Device::connect(&relay.ws_url_as(token), &format!("{person}-{attempt}")).await;
        let effects = device.hub.request(id);
        device.send(effects).await;
        let relay_peer = device.relay.clone();
        let synced = tokio::time::timeout(
            Duration::from_secs(2),
            device.pump_until("the inbox", |hub| {
                !hub.heads(&id).is_empty() && hub.in_sync_with(&relay_peer, &id)
            }),
        )
        .await;
        if synced.is_ok()
            && let Ok(found) = autosurgeon::hydrate::<_, Inbox>(device.hub.document(&id).unwrap())
            && done(&found)
        {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{person}'s inbox never showed {what}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    unreachable!()
}

fn notice<'a>(inbox: &'a Inbox, what: NoticeKind, document: &str) -> Option<&'a Notice> {
    inbox
        .notices
        .values()
        .find(|n| n.what == what && n.document == document)
}

#[tokio::test]
async fn a_cancelled_meeting_reaches_the_inbox_and_the_mailbox_of_those_coming() {
    let smtp = SmtpSink::start().await;
    let relay = relay(&smtp).await;
    let anna_id: PersonId = "demo-anna".parse().unwrap();
    let anna = relay.login("anna@demo.samskab.dk").await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let meeting = samskab_model::demo::meetings(0)[1].0;
    let document = meeting.to_string();

    // At start the relay tells Anna, a member of the elder-care group, of its next meeting.
    let found = inbox_when(&relay, &anna, &anna_id, "the published meeting", |i| {
        notice(i, NoticeKind::MeetingPublished, &document).is_some()
    })
    .await;
    assert_eq!(found.owner, anna_id);

    // She says yes; the host (Carla) cancels.
    let (mut device, mut m) = open::<Meeting>(&relay, &anna, meeting, "anna-rsvp").await;
    m.rsvps.insert(
        anna_id.clone(),
        Rsvp {
            answer: RsvpAnswer::Yes,
            name: "Anna Frivillig".into(),
            on_behalf: None,
            at: common::now(),
        },
    );
    device.change(meeting, |d| write(d, &m)).await;
    assert_eq!(device.verdict(meeting).await, None);
    let (mut host, mut m) = open::<Meeting>(&relay, &carla, meeting, "carla-cancel").await;
    m.status = MeetingStatus::Cancelled;
    m.updated_at = common::now();
    host.change(meeting, |d| write(d, &m)).await;
    assert_eq!(host.verdict(meeting).await, None);

    let found = inbox_when(&relay, &anna, &anna_id, "the cancellation, mailed", |i| {
        notice(i, NoticeKind::MeetingCancelled, &document)
            .is_some_and(|n| n.mail == MailState::Sent)
    })
    .await;
    let cancelled = notice(&found, NoticeKind::MeetingCancelled, &document).unwrap();
    assert_eq!(cancelled.title, m.title);
    assert_eq!(cancelled.start, m.start);
    let mails = smtp.messages();
    let mail = mails
        .iter()
        .find(|mail| {
            mail["to"]
                .as_str()
                .unwrap_or_default()
                .contains("anna@demo.samskab.dk")
                && mail["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Aflyst: ")
        })
        .unwrap_or_else(|| panic!("no cancellation mail to Anna among {mails:#?}"));
    let body = mail["body"].as_str().unwrap();
    let when = samskab_model::notices::spoken_time(m.start, samskab_model::lang::Lang::Da);
    assert!(body.contains(&format!("Tid: {when}")), "{body}");
    assert!(
        body.contains(&format!("https://frivillig.example.dk/moeder/{document}")),
        "{body}"
    );
    // The host who cancelled is not told of her own cancellation.
    assert!(
        mails.iter().all(|mail| {
            !(mail["to"]
                .as_str()
                .unwrap_or_default()
                .contains("carla@demo.samskab.dk")
                && mail["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Aflyst: "))
        }),
        "Carla is mailed her own cancellation"
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn only_the_owner_reads_an_inbox_and_marks_it_read_and_no_one_writes_a_notice() {
    let smtp = SmtpSink::start().await;
    let relay = relay(&smtp).await;
    let anna_id: PersonId = "demo-anna".parse().unwrap();
    let anna = relay.login("anna@demo.samskab.dk").await;
    let id = inbox::inbox_document_id(&anna_id);
    let first = inbox_when(&relay, &anna, &anna_id, "a notice", |i| {
        !i.notices.is_empty()
    })
    .await;

    // Who reads Anna's inbox: Anna only, not a coordinator, staff or the admin.
    for (email, reads) in [
        ("anna@demo.samskab.dk", true),
        ("bo@demo.samskab.dk", false),
        ("carla@demo.samskab.dk", false),
        ("admin@demo.samskab.dk", false),
    ] {
        let token = relay.login(email).await;
        assert_eq!(
            can_read(&relay, &token, id, &format!("read-{email}")).await,
            reads,
            "{email} reads Anna's inbox: {reads}"
        );
    }

    // Anna marks a notice read and chooses the app only: kept.
    let (mut device, mut mine) = open::<Inbox>(&relay, &anna, id, "anna-settings").await;
    let key = first.notices.keys().next().unwrap().clone();
    mine.notices.get_mut(&key).unwrap().read_at = common::now();
    mine.settings.email = false;
    mine.settings.reminder_hours = 2;
    device.change(id, |d| write(d, &mine)).await;
    assert_eq!(device.verdict(id).await, None, "read mark and settings");

    // Nor may she write as the relay: the actor its notices were written under is in her
    // inbox's history, and a read mark under it is refused (it would bind the relay's actor to
    // her, and her changes would pass for the relay's).
    let (mut device, mut mine) = open::<Inbox>(&relay, &anna, id, "anna-as-relay").await;
    let relay_actor = {
        use automerge::ReadDoc;
        let doc = device.hub.document(&id).unwrap();
        let notices = match doc.get(automerge::ROOT, "notices").unwrap() {
            Some((_, obj)) => obj,
            None => panic!("the inbox has no notices"),
        };
        match doc.get(&notices, key.as_str()).unwrap() {
            Some((_, automerge::ObjId::Id(_, actor, _))) => actor,
            other => panic!("the notice is not an object: {other:?}"),
        }
    };
    mine.notices.get_mut(&key).unwrap().read_at = common::now() + 1;
    device
        .change(id, |d| {
            d.set_actor(relay_actor.clone());
            write(d, &mine);
        })
        .await;
    assert_eq!(
        device.verdict(id).await.as_deref(),
        Some("foreign-actor"),
        "Anna writes as the relay"
    );

    // She cannot write a notice of her own, change one, or delete one.
    let forged = Notice {
        title: "Falsk".into(),
        ..mine.notices[&key].clone()
    };
    let cases: [(&str, Edit); 3] = [
        (
            "adds a notice",
            Box::new(move |i: &mut Inbox| {
                i.notices.insert("falsk".into(), forged.clone());
            }),
        ),
        (
            "rewrites a notice",
            Box::new(|i: &mut Inbox| {
                for n in i.notices.values_mut() {
                    n.title = "Ændret".into();
                }
            }),
        ),
        (
            "deletes the notices",
            Box::new(|i: &mut Inbox| i.notices.clear()),
        ),
    ];
    for (what, edit) in cases {
        let (mut device, mut mine) =
            open::<Inbox>(&relay, &anna, id, &format!("anna-{what}")).await;
        edit(&mut mine);
        device.change(id, |d| write(d, &mine)).await;
        assert_eq!(
            device.verdict(id).await.as_deref(),
            Some("indbakke.relay-only"),
            "Anna {what}"
        );
    }

    // Bo cannot make (or write) Anna's inbox from his device.
    let bo = relay.login("bo@demo.samskab.dk").await;
    let mut device = Device::connect(&relay.ws_url_as(&bo), "bo-forges").await;
    device
        .change(id, |d| {
            *d = inbox::genesis(&anna_id);
            d.set_actor(ActorId::random());
            let mut i: Inbox = autosurgeon::hydrate(d).unwrap();
            i.settings.email = false;
            write(d, &i);
        })
        .await;
    assert!(device.verdict(id).await.is_some(), "Bo writes Anna's inbox");

    let kept = inbox_when(&relay, &anna, &anna_id, "her settings", |i| {
        !i.settings.email
    })
    .await;
    assert_eq!(kept.settings.reminder_hours, 2);
    assert!(kept.notices[&key].read_at > 0);
    assert!(!kept.notices.contains_key("falsk"));
    assert!(kept.notices.values().all(|n| n.title != "Ændret"));
    relay.shutdown().await;
}

#[tokio::test]
async fn an_inbox_made_offline_and_the_relays_are_one_and_reminders_follow_the_choice() {
    let smtp = SmtpSink::start().await;
    let relay = relay(&smtp).await;
    let (vera_id, vera) = relay.register("Vera").await;
    let vera_id: PersonId = vera_id.parse().unwrap();
    let carla = relay.login("carla@demo.samskab.dk").await;
    let id = inbox::inbox_document_id(&vera_id);

    // Vera's phone makes her inbox (as its fixed first change) and chooses a reminder 3 hours
    // before and the app only.
    let mut phone = Device::connect(&relay.ws_url_as(&vera), "vera-phone").await;
    phone
        .change(id, |d| {
            *d = inbox::genesis(&vera_id);
            d.set_actor(ActorId::random());
            let mut i: Inbox = autosurgeon::hydrate(d).unwrap();
            i.settings.reminder_hours = 3;
            i.settings.email = false;
            write(d, &i);
        })
        .await;
    assert_eq!(phone.verdict(id).await, None, "Vera makes her own inbox");

    // Carla plans a public meeting in two hours and invites Vera; Vera says yes.
    let meeting = samskab_model::DocumentId::random();
    let now = common::now();
    let mut m = Meeting::draft(
        "demo-carla".parse().unwrap(),
        "Kaffemøde for nye frivillige",
        samskab_model::kinds::meeting::MeetingType::Information,
        now + 2 * 3_600_000,
        now + 3 * 3_600_000,
        now,
    );
    m.invited = vec![vera_id.clone()];
    m.audience = samskab_model::kinds::meeting::Audience::Invited;
    m.status = MeetingStatus::Published;
    m.place.address = "Frivilligcentret, Torvet 2".into();
    let mut host = Device::connect(&relay.ws_url_as(&carla), "carla-plans").await;
    host.change(meeting, |d| write(d, &m)).await;
    assert_eq!(host.verdict(meeting).await, None);
    let (mut device, mut m) = open::<Meeting>(&relay, &vera, meeting, "vera-rsvp").await;
    m.rsvps.insert(
        vera_id.clone(),
        Rsvp {
            answer: RsvpAnswer::Yes,
            name: "Vera".into(),
            on_behalf: None,
            at: common::now(),
        },
    );
    device.change(meeting, |d| write(d, &m)).await;
    assert_eq!(device.verdict(meeting).await, None);

    // The relay's notices land in the inbox her phone made: her settings are still there,
    // the invitation and the reminder (two hours ahead is within her three) are not mailed.
    let document = meeting.to_string();
    let found = inbox_when(
        &relay,
        &vera,
        &vera_id,
        "the invitation and reminder",
        |i| {
            notice(i, NoticeKind::MeetingPublished, &document).is_some()
                && notice(i, NoticeKind::MeetingReminder, &document).is_some()
        },
    )
    .await;
    assert_eq!(found.settings.reminder_hours, 3);
    assert!(!found.settings.email);
    let reminder = notice(&found, NoticeKind::MeetingReminder, &document).unwrap();
    assert_eq!(reminder.mail, MailState::None);
    assert_eq!(reminder.place, "Frivilligcentret, Torvet 2");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        smtp.messages().iter().all(|mail| !mail["to"]
            .as_str()
            .unwrap_or_default()
            .contains("vera@example.dk")),
        "Vera chose the app only: {:#?}",
        smtp.messages()
    );
    // The host, reminded by the default 24 hours, is mailed.
    let carla_id: PersonId = "demo-carla".parse().unwrap();
    inbox_when(&relay, &carla, &carla_id, "her reminder, mailed", |i| {
        notice(i, NoticeKind::MeetingReminder, &document).is_some_and(|n| n.mail == MailState::Sent)
    })
    .await;
    relay.shutdown().await;
}
