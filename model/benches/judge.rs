//! The cost of judging one write as the task fills: [`judge`] over a task whose one shift
//! (1,000 places, then a waitlist) already holds 10, 100, 1,000 and 1,900 sign-ups (a shift
//! takes at most 2,000 entries). It prints the median time of judging one more sign-up (the
//! narrow judgement: the relay's copy cloned, the change applied, its paths read, and only the
//! entries, the shift and the task's status read), of automerge applying that change to the
//! copy and of the clone alone (both part of it), and of a coordinator's new title (the whole
//! judgement: the task hydrated before and after). Then, against a task holding 10, 100 and
//! 300 concurrent sign-ups (a storm, before the relay folds their heads), one more sign-up:
//! as one change, and as the whole document automerge sends for it when the task was made in
//! one change. It asserts nothing about time (timed assertions flake).
//!
//! Run with `cargo bench -p samskab-model --bench judge`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Automerge, Change};
use samskab_model::authz::{Principal, Role, SignupWindow};
use samskab_model::judge::{Trial, judge};
use samskab_model::task::{Millis, Shift, Signup, SignupState, TaskStatus};
use samskab_model::{Area, DocumentId, PersonId, ShiftId, Task};

const NOW: Millis = 1_800_000_000_000;
const RUNS: usize = 15;

/// A published task whose one shift holds `n` sign-ups, as the relay holds it.
fn task_with(n: usize) -> Automerge {
    let mut task = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Festival",
        Area::Sport,
        NOW,
    );
    task.status = TaskStatus::Published;
    let mut shift = Shift::new(NOW + 86_400_000, NOW + 90_000_000, 1_000);
    for i in 0..n {
        let person: PersonId = format!("frivillig-{i}").parse().unwrap();
        let at = NOW - 1_000 + i64::try_from(i).unwrap();
        shift.signups.insert(
            person,
            Signup {
                state: SignupState::SignedUp,
                at,
            },
        );
    }
    task.shifts.insert(shift_id(), shift);
    let mut doc = AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &task).unwrap();
    doc.commit();
    doc.document().clone()
}

fn shift_id() -> ShiftId {
    "vagt-1".parse().unwrap()
}

/// The change of one more volunteer signing up, made on a copy of `base`.
fn one_more(base: &Automerge) -> Vec<u8> {
    let mut device = AutoCommit::load(&base.save()).unwrap();
    let mut task: Task = autosurgeon::hydrate(&device).unwrap();
    task.shifts.get_mut(&shift_id()).unwrap().signups.insert(
        "ny-frivillig".parse().unwrap(),
        Signup {
            state: SignupState::SignedUp,
            at: NOW,
        },
    );
    autosurgeon::reconcile(&mut device, &task).unwrap();
    let heads = base.get_heads();
    let changes = device.document().get_changes(&heads);
    assert_eq!(changes.len(), 1);
    changes[0].raw_bytes().to_vec()
}

/// The change of the organisation's coordinator giving the task a new title.
fn retitled(base: &Automerge) -> Vec<u8> {
    let mut device = AutoCommit::load(&base.save()).unwrap();
    let mut task: Task = autosurgeon::hydrate(&device).unwrap();
    task.title = "Sommerfestival".into();
    autosurgeon::reconcile(&mut device, &task).unwrap();
    let heads = base.get_heads();
    let changes = device.document().get_changes(&heads);
    assert_eq!(changes.len(), 1);
    changes[0].raw_bytes().to_vec()
}

/// The median time (ms) of judging `chunk` (one honest write) against `base`.
fn judging_ms(
    base: &Automerge,
    size: usize,
    chunk: &[u8],
    who: &Principal,
    window: SignupWindow,
) -> f64 {
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let trial = Trial {
            id: DocumentId::from_bytes([1; 16]),
            base,
            size,
            reserved: false,
        };
        let verdict = judge(trial, &[chunk.to_vec()], who, window, |_| Ok(()))
            .expect("an honest write is allowed");
        assert_eq!(verdict.accepted.len(), 1);
        samples.push(started.elapsed());
        black_box(verdict);
    }
    median(samples).as_secs_f64() * 1e3
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let who = Principal {
        person: "ny-frivillig".parse().unwrap(),
        role: Role::Volunteer,
        organisations: Vec::new(),
    };
    let window = SignupWindow {
        now: NOW + 60_000,
        not_before: NOW - 60_000,
    };
    let coordinator = Principal {
        person: "koordinator".parse().unwrap(),
        role: Role::Coordinator,
        organisations: vec!["haslev-fodbold".parse().unwrap()],
    };
    println!("## Judging one write as the task fills (median of {RUNS})");
    println!(
        "| sign-ups already | one more sign-up (narrow) | of which automerge applying it | of which the clone | a coordinator's new title (whole) | document bytes |"
    );
    println!("|---|---|---|---|---|---|");
    for n in [10, 100, 1_000, 1_900] {
        let base = task_with(n);
        let size = base.save().len();
        let time = |change: &[u8], who: &Principal| judging_ms(&base, size, change, who, window);
        let sign_up = time(&one_more(&base), &who);
        let retitle = time(&retitled(&base), &coordinator);
        let (mut clone, mut apply) = (Vec::new(), Vec::new());
        let change = Change::from_bytes(one_more(&base)).unwrap();
        for _ in 0..RUNS {
            let started = Instant::now();
            let mut copy = black_box(base.clone());
            clone.push(started.elapsed());
            let started = Instant::now();
            copy.apply_changes([change.clone()]).unwrap();
            apply.push(started.elapsed());
        }
        let ms = |samples| median(samples).as_secs_f64() * 1e3;
        println!(
            "| {n} | {sign_up:.3} ms | {:.3} ms | {:.3} ms | {retitle:.2} ms | {size} |",
            ms(apply),
            ms(clone),
        );
    }
    storm_rows(&who, window);
}

/// A task whose shift got `n` sign-ups at once: each its own change on the published task, so
/// the relay holds `n` concurrent heads until it folds them at the end of the burst.
fn task_in_a_storm(n: usize) -> (Automerge, Automerge) {
    let before = task_with(0);
    let mut doc = before.clone();
    for i in 0..n {
        let mut device = AutoCommit::load(&before.save()).unwrap();
        let mut task: Task = autosurgeon::hydrate(&device).unwrap();
        task.shifts.get_mut(&shift_id()).unwrap().signups.insert(
            format!("frivillig-{i}").parse().unwrap(),
            Signup {
                state: SignupState::SignedUp,
                at: NOW,
            },
        );
        autosurgeon::reconcile(&mut device, &task).unwrap();
        doc.apply_changes(device.document().get_changes(&before.get_heads()))
            .unwrap();
    }
    (before, doc)
}

/// Judging one more sign-up in the middle of a storm, against `n` concurrent heads.
fn storm_rows(who: &Principal, window: SignupWindow) {
    println!();
    println!(
        "## Judging one sign-up in a storm: the relay holding that many concurrent sign-ups (median of {RUNS})"
    );
    println!(
        "| concurrent heads | one more sign-up (narrow) | the same sent as a whole document |"
    );
    println!("|---|---|---|");
    for n in [10, 100, 300] {
        let (before, base) = task_in_a_storm(n);
        assert_eq!(base.get_heads().len(), n);
        let change = one_more(&before);
        // automerge sends a change that is more than a third of the document's changes as
        // the whole document: a sign-up to a task made in one change.
        let mut device = before.clone();
        device
            .apply_changes([Change::from_bytes(change.clone()).unwrap()])
            .unwrap();
        let whole = device.save();
        let size = base.save().len();
        let time = |chunk: &[u8]| judging_ms(&base, size, chunk, who, window);
        println!("| {n} | {:.3} ms | {:.3} ms |", time(&change), time(&whole));
    }
}
