//! The narrow judgement of a task write (a volunteer's own sign-up, judged from the entries it
//! touches) against the whole judgement (the task hydrated before and after), and the facts a
//! write touches against the facts of the whole task: wherever the narrow one answers, it must
//! answer the same, over random rosters and random writes; and it must answer for the
//! volunteer's own sign-ups, or the relay would still hydrate the whole roster for each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use automerge::{AutoCommit, Automerge};
use proptest::prelude::*;
use samskab_model::authz::{Principal, Role, SignupWindow, change_paths};
use samskab_model::kinds::task::rules::check_task_write_within;
use samskab_model::kinds::{self, Fact, Kind, NarrowWrite};
use samskab_model::task::{Millis, Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task, TaskStatus};

const NOW: Millis = 1_800_000_000_000;
const HOUR: Millis = 3_600_000;
const PEOPLE: [&str; 4] = ["anna", "bo", "carla", "dan"];

fn person(i: usize) -> PersonId {
    PEOPLE[i % PEOPLE.len()].parse().unwrap()
}

fn shift(i: usize) -> ShiftId {
    format!("vagt-{i}").parse().unwrap()
}

/// A roster entry: (shift, person, state: 0 signed up, 1 withdrawn, its time offset in hours).
type Entry = (usize, usize, u8, i64);

/// A task with `shifts` shifts (their starts `starts` hours from now) and `entries`.
fn task(status: TaskStatus, starts: &[i64], entries: &[Entry]) -> Task {
    let mut task = Task::draft(
        "klub".parse().unwrap(),
        "Kiosk",
        Area::Sport,
        NOW - 48 * HOUR,
    );
    for (i, start) in starts.iter().enumerate() {
        let start = NOW + start * HOUR;
        task.shifts
            .insert(shift(i), Shift::new(start, start + 2 * HOUR, 2));
    }
    for &(s, p, state, at) in entries {
        set_entry(&mut task, s, person(p), state, at);
    }
    task.status = status;
    task
}

/// What the writer does to the task.
#[derive(Debug, Clone)]
enum Edit {
    /// Sets one's own entry on a shift (state 0 signed up, 1 withdrawn) at an hour offset.
    Own(usize, u8, i64),
    /// The same on two shifts at once.
    OwnTwice(usize, usize, i64),
    /// Removes one's own entry from a shift.
    RemoveOwn(usize),
    /// Sets someone else's entry.
    Others(usize, usize, i64),
    /// A new title.
    Retitle,
    /// Moves a shift's start.
    MoveShift(usize, i64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0..3usize, 0..2u8, -60i64..60).prop_map(|(s, st, at)| Edit::Own(s, st, at)),
        1 => (0..3usize, 0..3usize, -60i64..60).prop_map(|(a, b, at)| Edit::OwnTwice(a, b, at)),
        1 => (0..3usize).prop_map(Edit::RemoveOwn),
        1 => (0..3usize, 1..4usize, -60i64..60).prop_map(|(s, p, at)| Edit::Others(s, p, at)),
        1 => Just(Edit::Retitle),
        1 => (0..3usize, -60i64..60).prop_map(|(s, h)| Edit::MoveShift(s, h)),
    ]
}

/// Sets `who`'s entry on shift `s` (modulo the shifts there are): state 0 signed up, 1
/// withdrawn, at an hour offset from now.
fn set_entry(task: &mut Task, s: usize, who: PersonId, state: u8, at: i64) {
    let n = task.shifts.len();
    if let Some(shift) = task.shifts.get_mut(&shift(s % n)) {
        let state = if state == 0 {
            SignupState::SignedUp
        } else {
            SignupState::Withdrawn
        };
        let at = NOW + at * HOUR;
        shift.signups.insert(who, Signup { state, at });
    }
}

fn apply(task: &mut Task, edit: &Edit, me: &PersonId) {
    let n = task.shifts.len();
    let entry = set_entry;
    match *edit {
        Edit::Own(s, state, at) => entry(task, s, me.clone(), state, at),
        Edit::OwnTwice(a, b, at) => {
            entry(task, a, me.clone(), 0, at);
            entry(task, b, me.clone(), 0, at);
        }
        Edit::RemoveOwn(s) => {
            if let Some(shift) = task.shifts.get_mut(&shift(s % n)) {
                shift.signups.remove(me);
            }
        }
        Edit::Others(s, p, at) => entry(task, s, person(p), 0, at),
        Edit::Retitle => task.title = "Sommerfest".into(),
        Edit::MoveShift(s, h) => {
            if let Some(shift) = task.shifts.get_mut(&shift(s % n)) {
                shift.start = NOW + h * HOUR;
                shift.end = shift.start + 2 * HOUR;
            }
        }
    }
}

/// The relay's copy of `before`, and the same with `after` written on top as one change, with
/// that change's paths.
fn documents(before: &Task, after: &Task) -> (Automerge, Automerge, Vec<Vec<String>>) {
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, before).unwrap();
    doc.commit();
    let base = doc.document().clone();
    autosurgeon::reconcile(&mut doc, after).unwrap();
    doc.commit();
    let paths = match doc.document().get_changes(&base.get_heads()).as_slice() {
        [] => Vec::new(),
        [change] => change_paths(doc.document(), change).unwrap(),
        more => panic!("{} changes", more.len()),
    };
    (base, doc.document().clone(), paths)
}

fn facts(doc: &Automerge) -> BTreeSet<Fact> {
    kinds::facts_of(&DocumentId::from_bytes([7; 16]), doc)
        .into_iter()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_narrow_judgement_agrees_with_the_whole(
        status in prop_oneof![Just(TaskStatus::Published), Just(TaskStatus::Draft), Just(TaskStatus::Cancelled)],
        starts in proptest::collection::vec(-30i64..60, 1..4),
        entries in proptest::collection::vec((0..3usize, 0..4usize, 0..2u8, -60i64..0), 0..12),
        edit in edit(),
        not_before in -80i64..10,
    ) {
        let me = person(0);
        let who = Principal { person: me.clone(), role: Role::Volunteer, organisations: Vec::new() };
        let before = task(status, &starts, &entries);
        let mut after = before.clone();
        apply(&mut after, &edit, &me);
        let (base, doc, paths) = documents(&before, &after);
        prop_assume!(!paths.is_empty());
        let window = SignupWindow { now: NOW, not_before: NOW + not_before * HOUR };

        let whole = check_task_write_within(&who, Some(&before), &after, &paths, window);
        let narrow = Kind::Task.check_narrow_write(&NarrowWrite {
            who: &who, before: &base, after: &doc, paths: &paths, window,
        });
        match &edit {
            // One's own entries: the narrow judgement answers, and as the whole one does.
            Edit::Own(..) | Edit::OwnTwice(..) | Edit::RemoveOwn(_) => {
                prop_assert_eq!(narrow, Some(whole.clone()), "{:?} {:?}", edit, paths);
            }
            // Anything else is judged whole.
            _ => prop_assert_eq!(narrow, None, "{:?} {:?}", edit, paths),
        }

        // The facts the write touched, set on the facts before, are the facts after.
        if let Some(touched) = kinds::facts_touched(&DocumentId::from_bytes([7; 16]), &doc, &paths) {
            let mut known = facts(&base);
            for (fact, holds) in touched {
                if holds { known.insert(fact); } else { known.remove(&fact); }
            }
            prop_assert_eq!(known, facts(&doc), "{:?}", edit);
        } else {
            prop_assert!(matches!(edit, Edit::MoveShift(..)) || paths.iter().any(|p| p.len() < 4), "{:?} {:?}", edit, paths);
        }
    }
}

/// The one validity rule one's own entry can break: a shift holds at most 2,000 entries.
#[test]
fn the_narrow_judgement_counts_a_full_shifts_entries() {
    let me = person(0);
    let who = Principal {
        person: me.clone(),
        role: Role::Volunteer,
        organisations: Vec::new(),
    };
    let mut before = task(TaskStatus::Published, &[24], &[]);
    let roster = &mut before.shifts.get_mut(&shift(0)).unwrap().signups;
    for i in 0..2_000 {
        roster.insert(
            format!("frivillig-{i}").parse().unwrap(),
            Signup {
                state: SignupState::SignedUp,
                at: NOW - HOUR,
            },
        );
    }
    let mut after = before.clone();
    apply(&mut after, &Edit::Own(0, 0, 0), &me);
    let (base, doc, paths) = documents(&before, &after);
    let window = SignupWindow {
        now: NOW,
        not_before: NOW - HOUR,
    };
    let whole = check_task_write_within(&who, Some(&before), &after, &paths, window);
    assert!(whole.is_err(), "2,001 entries are refused whole");
    let narrow = Kind::Task.check_narrow_write(&NarrowWrite {
        who: &who,
        before: &base,
        after: &doc,
        paths: &paths,
        window,
    });
    assert_eq!(narrow, Some(whole));
}
