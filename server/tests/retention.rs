//! The retention job over aged data, with the relay's clock moved (no sleeping): expired
//! sessions and links go, old audit entries go, an inactive volunteer is told by e-mail and
//! erased 30 days later (not before), a task whose last shift ended three years ago keeps its
//! counts and loses its people, and every run reports what it removed as counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use samskab_model::authz::Role;
use samskab_model::clock::{ManualClock, Timestamp};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, Roster, ShiftId, Task, TaskStatus};
use samskab_server::accounts::{Accounts, NewUser};
use samskab_server::audit::ProfileRead;
use samskab_server::mail::Mailer;
use samskab_server::retention::{RetentionConfig, run_once};
use samskab_server::storage::{SqliteAccounts, SqliteStore};
use samskab_server::sync::SyncEngine;

const DAY: i64 = 24 * 60 * 60 * 1000;
const START: i64 = 1_700_000_000_000;

#[tokio::test]
async fn the_daily_job_removes_what_has_aged_and_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::at(Timestamp(START)));
    let accounts = Arc::new(
        Accounts::with_clock(
            Arc::new(SqliteAccounts::open(dir.path()).unwrap()),
            clock.clone(),
        )
        .unwrap(),
    );
    let engine = SyncEngine::start(
        Box::new(SqliteStore::open(dir.path()).unwrap()),
        accounts.clone(),
    )
    .unwrap();
    let mailer = Mailer::from_config(&Default::default(), dir.path()).unwrap();
    let config = RetentionConfig::default();

    let new = |email: &str, role| NewUser {
        email: email.into(),
        name: "Ingrid Inaktiv".into(),
        phone: String::new(),
        password: "en god lang kode".into(),
        role,
    };
    let ingrid = accounts
        .create_user(&new("ingrid@example.dk", Role::Volunteer), None)
        .unwrap();
    let (_, _token) = accounts
        .login("ingrid@example.dk", "en god lang kode")
        .unwrap();
    let staff = accounts
        .create_user(&new("sten@kommune.dk", Role::Staff), None)
        .unwrap();
    accounts
        .store()
        .record_reads(&[ProfileRead {
            owner: ingrid.id.clone(),
            document: "x".into(),
            reader: staff.id.clone(),
            reader_role: Role::Staff,
            at: START,
            device: "Chrome".into(),
            user_agent: "UA".into(),
        }])
        .unwrap();

    // A task whose only shift ends tomorrow, with Ingrid in it and someone waiting.
    let shift: ShiftId = "vagt-1".parse().unwrap();
    let mut task = Task::draft("klub".parse().unwrap(), "Loppemarked", Area::Culture, START);
    let mut s = Shift::new(START + DAY / 2, START + DAY, 1);
    for (who, at) in [
        (ingrid.id.clone(), START + 1),
        ("bent".parse().unwrap(), START + 2),
    ] {
        s.signups.insert(
            who,
            Signup {
                state: SignupState::SignedUp,
                at,
            },
        );
    }
    task.shifts.insert(shift.clone(), s);
    task.status = TaskStatus::Finished;
    let task_id = DocumentId::random();
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &task).unwrap();
    assert!(engine.seed(task_id, doc.save()).await.unwrap());

    // The day after: nothing has aged yet but nothing is lost either.
    clock.set(Timestamp(START + DAY));
    let first = run_once(&accounts, &engine, &mailer, &config).await;
    assert_eq!(
        (
            first.audit_entries,
            first.tasks_rewritten,
            first.accounts_notified
        ),
        (0, 0, 0)
    );

    // Three years less 30 days without activity: told by e-mail, not erased; the audit entry
    // (over a year old) and the session (expired) are gone.
    clock.set(Timestamp(START + (3 * 365 - 30) * DAY + 1));
    let told = run_once(&accounts, &engine, &mailer, &config).await;
    assert_eq!(told.accounts_notified, 1, "{told:?}");
    assert_eq!(told.accounts_erased, 0);
    assert_eq!(told.audit_entries, 1);
    assert_eq!(told.sessions, 1);
    let mails = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(mails, 1, "the notice went to the outbox");
    assert!(accounts.user(&ingrid.id).unwrap().is_some());
    // Told once, not every day.
    clock.set(Timestamp(START + (3 * 365 - 29) * DAY));
    assert_eq!(
        run_once(&accounts, &engine, &mailer, &config)
            .await
            .accounts_notified,
        0
    );

    // Past three years since the task's last shift, and 30 days after the notice: the task
    // keeps its counts without its people, Ingrid's account is erased; staff are never.
    clock.set(Timestamp(START + 3 * 365 * DAY + 2 * DAY));
    let done = run_once(&accounts, &engine, &mailer, &config).await;
    assert_eq!(done.accounts_erased, 1, "{done:?}");
    assert!(done.tasks_rewritten >= 1);
    assert!(accounts.user(&ingrid.id).unwrap().is_none());
    assert!(accounts.user(&staff.id).unwrap().is_some());
    let now: Task = engine.task(task_id).await.unwrap();
    let roster = Roster::of(&now.shifts[&shift]);
    assert_eq!((roster.confirmed.len(), roster.waitlist.len()), (1, 1));
    assert!(
        roster
            .confirmed
            .iter()
            .chain(&roster.waitlist)
            .all(|p| p.as_str().starts_with("slettet-")),
        "{roster:?}"
    );
}

/// Measures an erasure and a retention pass over many documents with real histories (run with
/// `--ignored --nocapture`; prints the times). 2,000 tasks of 20 sign-ups each, one change per
/// sign-up, the erased person in 100 of them.
#[tokio::test]
#[ignore]
async fn measure_erasure_over_many_documents() {
    use samskab_model::erasure::ErasedPerson;
    use samskab_server::sync::erasure::Subject;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::at(Timestamp(START)));
    let accounts = Arc::new(
        Accounts::with_clock(
            Arc::new(SqliteAccounts::open(dir.path()).unwrap()),
            clock.clone(),
        )
        .unwrap(),
    );
    let engine = SyncEngine::start(
        Box::new(SqliteStore::open(dir.path()).unwrap()),
        accounts.clone(),
    )
    .unwrap();
    let shift: ShiftId = "vagt-1".parse().unwrap();
    let erased: samskab_model::PersonId = "erased-person".parse().unwrap();
    let built = std::time::Instant::now();
    for n in 0..2_000 {
        let mut task = Task::draft("klub".parse().unwrap(), "Opgave", Area::Sport, START);
        task.shifts
            .insert(shift.clone(), Shift::new(START + DAY, START + 2 * DAY, 10));
        task.status = TaskStatus::Published;
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &task).unwrap();
        doc.commit();
        for i in 0..20 {
            let who: samskab_model::PersonId = if n % 20 == 0 && i == 7 {
                erased.clone()
            } else {
                format!("frivillig-{n}-{i}").parse().unwrap()
            };
            task.shifts.get_mut(&shift).unwrap().signups.insert(
                who,
                Signup {
                    state: SignupState::SignedUp,
                    at: START + i,
                },
            );
            autosurgeon::reconcile(&mut doc, &task).unwrap();
            doc.commit();
        }
        assert!(engine.seed(DocumentId::random(), doc.save()).await.unwrap());
    }
    eprintln!("seeded 2,000 tasks in {:?}", built.elapsed());
    let person = ErasedPerson {
        id: erased,
        name: "Erna Eriksen".into(),
        email: "erna@example.dk".into(),
        phone: "11223344".into(),
    };
    let started = std::time::Instant::now();
    let done = engine
        .erase(Subject::Person {
            person,
            actors: Vec::new(),
        })
        .await
        .unwrap();
    eprintln!(
        "erasure: {} rewritten, {} deleted, in {:?}",
        done.rewritten.len(),
        done.deleted.len(),
        started.elapsed()
    );
    assert_eq!(done.rewritten.len(), 100);
    let started = std::time::Instant::now();
    let none = engine.erase(Subject::Before(START)).await.unwrap();
    eprintln!(
        "retention pass, nothing due: {:?} ({} rewritten)",
        started.elapsed(),
        none.rewritten.len()
    );
}
