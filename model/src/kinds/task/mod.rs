//! The task (opgave) as a kind of document: its word, root fields and size bound, what reading
//! it depends on, who may read it, how a write is judged ([`rules`]), the facts its sign-ups
//! make true, and what it holds about a person. The schema is [`schema`] (also
//! `crate::task`).

pub mod erasure;
pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT, ReadDoc};

use super::{DocumentKind, Fact, Facts, NarrowWrite, Write};
use crate::authz::{Path, Principal, Refusal};
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

    fn check_narrow_write(w: &NarrowWrite<'_>) -> Option<Result<(), Refusal>> {
        rules::check_narrow_task_write(w)
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

    /// A write that touches sign-up entries and nothing else the facts depend on (the
    /// organisation, shifts as a whole) touches only those volunteers' facts: each is read
    /// from their entries on every shift, without hydrating the roster.
    fn facts_touched(_: &DocumentId, doc: &Automerge, paths: &[Path]) -> Option<Vec<(Fact, bool)>> {
        let mut people: Vec<PersonId> = Vec::new();
        for path in paths {
            let p: Vec<&str> = path.iter().map(String::as_str).collect();
            match p.as_slice() {
                ["shifts", _, "signups", person, ..] => {
                    let person: PersonId = person.parse().ok()?;
                    if !people.contains(&person) {
                        people.push(person);
                    }
                }
                ["shifts", _, "start" | "end" | "capacity" | "decisions", ..] => {}
                ["shifts" | "organisation", ..] => return None,
                _ => {}
            }
        }
        let organisation: OrganisationId =
            autosurgeon::hydrate_prop(doc, ROOT, "organisation").ok()?;
        let shifts = match doc.get(ROOT, "shifts").ok()? {
            Some((automerge::Value::Object(automerge::ObjType::Map), shifts)) => shifts,
            _ => return None,
        };
        let mut facts = Vec::new();
        for person in &people {
            let mut active = false;
            for shift in doc.keys(&shifts) {
                let Some((_, shift)) = doc.get(&shifts, shift.as_str()).ok()? else {
                    continue;
                };
                let Some((_, signups)) = doc.get(&shift, "signups").ok()? else {
                    continue;
                };
                let signup = rules::signup_in(doc, &signups, person.as_str()).ok()?;
                active |= signup.is_some_and(|s| s.state == SignupState::SignedUp);
            }
            let fact = Fact::SignedUp {
                person: person.clone(),
                organisation: organisation.clone(),
            };
            facts.push((fact, active));
        }
        Some(facts)
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
                        place: place_word(crate::Roster::of(shift).place_of(shift, person)),
                        task_status: task.status,
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
    const EXPIRE: Option<super::Expire<Task>> = Some(erasure::expire);
}

/// One of the person's sign-ups in their export, with the task it is for.
#[derive(Debug, serde::Serialize)]
struct SignupRecord {
    task: String,
    title: String,
    organisation: OrganisationId,
    shift_start: i64,
    shift_end: i64,
    /// What the person asked for ("tilmeldt", "afmeldt").
    state: SignupState,
    /// Where that left them: a coordinator's decision and the places decide it.
    place: String,
    /// The task's own state (a cancelled task keeps its sign-ups).
    task_status: TaskStatus,
    at: i64,
}

/// A place on a shift in the words "Hent mine data" uses.
fn place_word(place: crate::Place) -> String {
    match place {
        crate::Place::Confirmed => "bekraeftet".into(),
        crate::Place::Waitlisted(n) => format!("venteliste-{n}"),
        crate::Place::Declined => "afvist".into(),
        crate::Place::Withdrawn => "afmeldt".into(),
        crate::Place::NotSignedUp => "ikke-tilmeldt".into(),
    }
}
