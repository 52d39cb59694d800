//! The task (opgave) as a kind of document: its word, root fields and size bound, what reading
//! it depends on, who may read it, how a write is judged ([`rules`]), the facts its sign-ups
//! make true, and what it holds about a person. The schema is [`schema`] (also
//! `crate::task`).

pub mod erasure;
pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, OrganisationId, PersonId};
use schema::{SignupState, Task, TaskStatus};

pub use rules::TaskRefusal;

/// The task as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskKind;

/// What reading a task depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub organisation: OrganisationId,
    pub status: TaskStatus,
}

impl DocumentKind for TaskKind {
    const KIND: &'static str = "opgave";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "organisation",
        "title",
        "description",
        "area",
        "town",
        "place",
        "shifts",
        "skills",
        "contact",
        "status",
        "created_at",
        "updated_at",
        "invitations",
    ];

    const MAX_BYTES: usize = crate::sync::limits::TASK_BYTES;
    type Doc = Task;
    type View = TaskView;
    type Refusal = TaskRefusal;

    fn read_view(doc: &Automerge) -> Option<TaskView> {
        Some(TaskView {
            organisation: autosurgeon::hydrate_prop(doc, ROOT, "organisation").ok()?,
            status: autosurgeon::hydrate_prop(doc, ROOT, "status").ok()?,
        })
    }

    /// Published, cancelled and finished tasks are for everyone signed in; drafts only for
    /// those who run the organisation.
    fn may_read(who: &Principal, view: &TaskView, _: &dyn Facts) -> bool {
        view.status != TaskStatus::Draft || who.coordinates(&view.organisation)
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        // Another kind's derived id (a person's profile) cannot hold a task.
        if w.before.is_none() && w.reserved {
            return Err(Refusal::ReservedId);
        }
        rules::check_task_write_within(w.who, w.before, w.after, w.paths, w.window)
    }

    const HAS_FACTS: bool = true;

    /// Everyone with an active sign-up on one of its shifts has signed up with its
    /// organisation (a draft's sign-ups count too: they were made while it was published).
    fn facts(_: &DocumentId, task: &Task) -> Vec<Fact> {
        task.signed_up_people()
            .into_iter()
            .map(|person| Fact::SignedUp {
                person,
                organisation: task.organisation.clone(),
            })
            .collect()
    }

    const EXPORT_KEY: Option<&'static str> = Some("signups");

    /// Every sign-up of the person's, with its task and shift, by the shift's start.
    fn export(person: &PersonId, tasks: &[(DocumentId, Task)]) -> Option<serde_json::Value> {
        let mut signups = Vec::new();
        for (id, task) in tasks {
            for shift in task.shifts.values() {
                if let Some(signup) = shift.signups.get(person) {
                    signups.push(SignupRecord {
                        task: id.to_string(),
                        // A draft is its organisation's business, even to those signed up
                        // for it before it went back to draft.
                        title: if task.status == TaskStatus::Draft {
                            String::new()
                        } else {
                            task.title.clone()
                        },
                        organisation: task.organisation.clone(),
                        shift_start: shift.start,
                        shift_end: shift.end,
                        state: signup.state,
                        at: signup.at,
                    });
                }
            }
        }
        signups.sort_by_key(|s| s.shift_start);
        serde_json::to_value(signups).ok()
    }

    /// The person is written out, the roster keeping its shape ([`erasure`]).
    fn erase(person: &ErasedPerson, task: &Task) -> Erasure<Task> {
        erasure::erase_person(person, task)
    }

    /// A task whose shifts all ended before the cut-off keeps its counts, not its people.
    fn expire(task: &Task, cutoff: i64) -> Erasure<Task> {
        erasure::expire(task, cutoff)
    }
}

/// One of the person's sign-ups in their export, with the task it is for.
#[derive(Debug, serde::Serialize)]
struct SignupRecord {
    task: String,
    title: String,
    organisation: OrganisationId,
    shift_start: i64,
    shift_end: i64,
    state: SignupState,
    at: i64,
}
