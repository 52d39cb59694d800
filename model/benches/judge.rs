//! The cost of judging one sign-up as the task fills: [`judge`] over a task whose one shift
//! (1,000 places, then a waitlist) already holds 10, 100, 1,000 and 1,900 sign-ups (a shift takes at most 2,000 entries), for one new sign-up. It prints the median
//! time of the whole judgement (the relay's copy of the document cloned for the trial, the
//! change applied, its paths read, the task hydrated before and after and the rules asked),
//! and of the clone alone, and asserts nothing about time (timed assertions flake).
//!
//! Run with `cargo bench -p samskab-model --bench judge`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Automerge};
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
    println!("## Judging one sign-up as the task fills (median of {RUNS})");
    println!("| sign-ups already | judge (whole) | of which the clone | document bytes |");
    println!("|---|---|---|---|");
    for n in [10, 100, 1_000, 1_900] {
        let base = task_with(n);
        let change = one_more(&base);
        let size = base.save().len();
        let mut whole = Vec::new();
        let mut clone = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let copy = base.clone();
            clone.push(started.elapsed());
            let trial = Trial {
                id: DocumentId::from_bytes([1; 16]),
                base: copy,
                size,
                reserved: false,
            };
            let verdict = judge(trial, std::slice::from_ref(&change), &who, window, |_| {
                Ok(())
            })
            .expect("an honest sign-up is allowed");
            assert_eq!(verdict.accepted.len(), 1);
            whole.push(started.elapsed());
            black_box(verdict);
        }
        println!(
            "| {n} | {:.2} ms | {:.2} ms | {} |",
            median(whole).as_secs_f64() * 1e3,
            median(clone).as_secs_f64() * 1e3,
            size
        );
    }
}
