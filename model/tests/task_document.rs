//! The task document through automerge: validation, round trips, and the property the task
//! bank rests on: concurrent sign-ups merged in any order give every replica the same roster.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use automerge::AutoCommit;
use proptest::prelude::*;
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, PersonId, Roster, ShiftId, Task, TaskError, TaskStatus};

fn shift_id(s: &str) -> ShiftId {
    s.parse().unwrap()
}

fn published_task() -> Task {
    let mut task = Task::draft(
        "fodbold-haslev".parse().unwrap(),
        "Kiosk til hjemmekamp",
        Area::Sport,
        1_000,
    );
    task.shifts
        .insert(shift_id("s1"), Shift::new(10_000, 20_000, 1));
    task.status = TaskStatus::Published;
    task
}

#[test]
fn a_complete_published_task_is_valid() {
    assert_eq!(published_task().problems(), vec![]);
}

#[test]
fn validation_names_every_broken_rule() {
    let mut task = published_task();
    task.title = "   ".into();
    task.shifts.insert(shift_id("s2"), Shift::new(5, 5, 0));
    let problems = task.problems();
    assert!(problems.contains(&TaskError::TitleEmpty));
    assert!(problems.contains(&TaskError::EndNotAfterStart(shift_id("s2"))));
    assert!(problems.contains(&TaskError::NoCapacity(shift_id("s2"))));

    let mut task = published_task();
    task.shifts.clear();
    assert_eq!(task.validate(), Err(TaskError::PublishedWithoutShifts));
    task.status = TaskStatus::Draft;
    assert_eq!(task.validate(), Ok(()));

    task.title = "x".repeat(121);
    assert_eq!(
        task.validate(),
        Err(TaskError::TooLong {
            field: "title",
            max: 120
        })
    );
    assert_eq!(
        TaskError::PublishedWithoutShifts.describe(samskab_model::Lang::Da),
        "Tilføj mindst én vagt, før opgaven offentliggøres."
    );
}

#[test]
fn a_task_round_trips_through_an_automerge_document() {
    let task = published_task();
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &task).unwrap();
    let bytes = doc.save();
    let loaded = AutoCommit::load(&bytes).unwrap();
    let back: Task = autosurgeon::hydrate(&loaded).unwrap();
    assert_eq!(back, task);
}

#[test]
fn a_document_with_an_unknown_status_does_not_hydrate() {
    use automerge::transaction::Transactable;
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, published_task()).unwrap();
    doc.put(automerge::ROOT, "status", "maybe").unwrap();
    assert!(autosurgeon::hydrate::<_, Task>(&doc).is_err());
}

/// A volunteer's device: forks the shared document, signs up (or withdraws), and returns the
/// fork with that change.
fn sign_up_on_fork(base: &mut AutoCommit, person: &str, at: i64, withdraw: bool) -> AutoCommit {
    let mut fork = base.fork();
    let mut task: Task = autosurgeon::hydrate(&fork).unwrap();
    let shift = task.shifts.get_mut(&shift_id("s1")).unwrap();
    let state = if withdraw {
        SignupState::Withdrawn
    } else {
        SignupState::SignedUp
    };
    shift
        .signups
        .insert(person.parse::<PersonId>().unwrap(), Signup { state, at });
    autosurgeon::reconcile(&mut fork, &task).unwrap();
    fork
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Concurrent sign-ups (some at the same instant, some withdrawn, some by the same person on
    /// two devices) and a concurrent edit of the description, merged into replicas in different
    /// orders: every replica derives the same task and the same roster.
    #[test]
    fn every_merge_order_gives_the_same_roster(
        signups in prop::collection::vec((0usize..12, 0i64..5, any::<bool>()), 1..10),
        capacity in 1u64..4,
        order_seed in any::<u64>(),
    ) {
        let mut task = published_task();
        task.shifts.get_mut(&shift_id("s1")).unwrap().capacity = capacity;
        let mut base = AutoCommit::new();
        autosurgeon::reconcile(&mut base, &task).unwrap();

        let mut forks: Vec<AutoCommit> = signups
            .iter()
            .map(|(who, at, withdraw)| sign_up_on_fork(&mut base, &format!("frivillig-{who}"), *at, *withdraw))
            .collect();
        let mut editor = base.fork();
        let mut edited: Task = autosurgeon::hydrate(&editor).unwrap();
        edited.description = "Husk kasseapparatet".into();
        autosurgeon::reconcile(&mut editor, &edited).unwrap();
        forks.push(editor);

        // Replica A merges in the given order, B in a shuffled one (xorshift on the seed), C in
        // reverse.
        let given: Vec<usize> = (0..forks.len()).collect();
        let shuffled = common::shuffled(given.len(), order_seed);
        let reversed: Vec<usize> = given.iter().rev().copied().collect();

        let mut results = Vec::new();
        for order in [given, shuffled, reversed] {
            let mut replica = base.fork();
            for i in order {
                replica.merge(&mut forks[i]).unwrap();
            }
            let task: Task = autosurgeon::hydrate(&replica).unwrap();
            let roster = Roster::of(&task.shifts[&shift_id("s1")]);
            prop_assert_eq!(&task.description, "Husk kasseapparatet");
            prop_assert!(roster.confirmed.len() as u64 <= capacity);
            results.push((roster, task));
        }
        prop_assert_eq!(&results[0], &results[1]);
        prop_assert_eq!(&results[0], &results[2]);
    }
}
