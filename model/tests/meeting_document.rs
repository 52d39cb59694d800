//! The meeting document under concurrent edits: people answering and proposing agenda items
//! offline, note-takers typing the minutes at once, merged in any order, give every replica
//! the same answers, the same seats and waitlist, the same agenda and the same minutes with
//! every note-taker's words; and each change a device made is one the relay's rules accept.
#![allow(clippy::unwrap_used)]

mod common;

use automerge::{AutoCommit, ReadDoc};
use proptest::prelude::*;
use samskab_model::authz::{Principal, Role, SignupWindow, change_paths};
use samskab_model::kinds::meeting::rules::check_meeting_write;
use samskab_model::kinds::meeting::{
    AgendaItem, AgendaState, Meeting, MeetingStatus, MeetingType, MergedText, Rsvp, RsvpAnswer,
};
use samskab_model::{ItemId, PersonId};

const NOW: i64 = 1_800_000_000_000;

fn base() -> Meeting {
    let mut m = Meeting::draft(
        "carla".parse().unwrap(),
        "Dialogmøde",
        MeetingType::Dialogue,
        NOW + 86_400_000,
        NOW + 90_000_000,
        NOW - 10_000,
    );
    m.status = MeetingStatus::Published;
    m.capacity = 3;
    m.note_takers = vec!["nina".parse().unwrap(), "ole".parse().unwrap()];
    m
}

/// One device's offline edit.
#[derive(Debug, Clone)]
enum Edit {
    /// Person `n` answers at time offset `at`.
    Answer { n: u8, answer: u8, at: i64 },
    /// Person `n` proposes an agenda item.
    Propose { n: u8, title: String },
    /// A note-taker (0: nina, 1: ole) types at a position of the minutes.
    Type { who: u8, at: usize, text: String },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u8..8, 0u8..3, 0i64..5).prop_map(|(n, answer, at)| Edit::Answer { n, answer, at }),
        (0u8..8, "[a-zæøå]{1,12}").prop_map(|(n, title)| Edit::Propose { n, title }),
        (0u8..2, 0usize..40, "[a-z ]{1,10}").prop_map(|(who, at, text)| Edit::Type {
            who,
            at,
            text
        }),
    ]
}

fn writer(e: &Edit) -> Principal {
    let name = match e {
        Edit::Answer { n, .. } | Edit::Propose { n, .. } => format!("person-{n}"),
        Edit::Type { who: 0, .. } => "nina".into(),
        Edit::Type { .. } => "ole".into(),
    };
    Principal {
        person: name.parse().unwrap(),
        role: Role::Volunteer,
        organisations: Vec::new(),
    }
}

fn apply(m: &mut Meeting, e: &Edit, who: &PersonId, salt: usize) {
    match e {
        Edit::Answer { answer, at, .. } => {
            let answer = [RsvpAnswer::Yes, RsvpAnswer::Maybe, RsvpAnswer::No][*answer as usize];
            m.rsvps.insert(
                who.clone(),
                Rsvp {
                    answer,
                    name: who.to_string(),
                    on_behalf: None,
                    at: NOW - 1_000 + at,
                },
            );
        }
        Edit::Propose { title, .. } => {
            let id: ItemId = format!("forslag-{salt}").parse().unwrap();
            m.agenda.insert(
                id,
                AgendaItem {
                    title: title.clone(),
                    note: String::new(),
                    by: who.clone(),
                    at: NOW,
                    state: AgendaState::Proposed,
                    position: 0,
                    minutes: 0,
                },
            );
        }
        Edit::Type { at, text, .. } => {
            let len = m.minutes.as_str().len();
            let mut words = m.minutes.as_str().to_owned();
            words.insert_str((*at).min(len), text);
            m.minutes.update(words);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_merge_order_gives_the_same_answers_seats_agenda_and_minutes(
        edits in prop::collection::vec(edit(), 1..10),
        seed in any::<u64>(),
    ) {
        let mut doc = AutoCommit::new();
        let mut start = base();
        start.minutes = MergedText::from("Referat: ");
        autosurgeon::reconcile(&mut doc, &start).unwrap();
        doc.commit();
        let window = SignupWindow { now: NOW, not_before: i64::MIN };
        let forks: Vec<AutoCommit> = edits
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut fork = doc.fork();
                let before: Meeting = autosurgeon::hydrate(&fork).unwrap();
                let mut after: Meeting = autosurgeon::hydrate(&fork).unwrap();
                let who = writer(e);
                apply(&mut after, e, &who.person, i);
                autosurgeon::reconcile(&mut fork, &after).unwrap();
                // The device's change is one the relay accepts.
                let head = fork.get_heads()[0];
                let change = fork.document().get_change_by_hash(&head).unwrap().clone();
                let paths = change_paths(fork.document(), &change).unwrap();
                let judged: Meeting = autosurgeon::hydrate(&fork).unwrap();
                assert_eq!(check_meeting_write(&who, Some(&before), &judged, &paths, window), Ok(()), "{e:?}");
                fork
            })
            .collect();
        let order = common::shuffled(forks.len(), seed);
        let mut a = doc.fork();
        for fork in &forks {
            a.merge(&mut fork.clone()).unwrap();
        }
        let mut b = doc.fork();
        for i in order {
            b.merge(&mut forks[i].clone()).unwrap();
        }
        let left: Meeting = autosurgeon::hydrate(&a).unwrap();
        let right: Meeting = autosurgeon::hydrate(&b).unwrap();
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(left.seats(), right.seats());
        prop_assert_eq!(left.validate(), Ok(()));
        // No note-taker's character is lost: each one's words are in the merged minutes, in
        // their order. (Not necessarily side by side: a text edit is written as the splices of
        // a diff, and two writers' splices at the same place may interleave.)
        let is_subsequence = |needle: &str, hay: &str| {
            let mut hay = hay.chars();
            needle.chars().all(|c| hay.any(|h| h == c))
        };
        for e in &edits {
            if let Edit::Type { text, .. } = e {
                prop_assert!(is_subsequence(text, left.minutes.as_str()), "{:?} lost from {:?}", text, left.minutes.as_str());
            }
        }
        let typed: usize = edits.iter().map(|e| match e { Edit::Type { text, .. } => text.chars().count(), _ => 0 }).sum();
        prop_assert_eq!(left.minutes.as_str().chars().count(), "Referat: ".len() + typed, "nothing lost, nothing doubled");
        // Seats never exceed the capacity, and the waitlist holds the rest of the "yes".
        let seats = left.seats();
        let yes = left.rsvps.values().filter(|r| r.answer == RsvpAnswer::Yes).count();
        prop_assert!(seats.confirmed.len() <= 3);
        prop_assert_eq!(seats.confirmed.len() + seats.waitlist.len(), yes);
    }
}
