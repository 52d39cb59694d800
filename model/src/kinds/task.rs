//! The task (opgave) as a kind of document: its word, root fields and size bound, what reading
//! it depends on, who may read it, and how a write is judged (the path rules themselves are in
//! [`crate::authz`] for now). The schema is [`crate::task`].

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Write};
use crate::authz::{self, Principal, Refusal};
use crate::ids::OrganisationId;
use crate::task::{Task, TaskStatus};

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
        authz::check_task_write_within(w.who, w.before, w.after, w.paths, w.window)
    }

    const HAS_FACTS: bool = true;

    /// Everyone with an active sign-up on one of its shifts has signed up with its
    /// organisation (a draft's sign-ups count too: they were made while it was published).
    fn facts(task: &Task) -> Vec<Fact> {
        task.signed_up_people()
            .into_iter()
            .map(|person| Fact::SignedUp {
                person,
                organisation: task.organisation.clone(),
            })
            .collect()
    }
}
