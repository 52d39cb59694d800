//! The task document (opgave): what an organisation asks volunteers to do, its shifts, and the
//! volunteers' sign-ups. Mapped to and from automerge with autosurgeon; the schema is written
//! out in `docs/documents.md`.
//!
//! Who writes what is shaped into the document so that a rule can be checked by path: a
//! volunteer's sign-up lives under `shifts/<shift>/signups/<person>` and nothing else of theirs
//! is in the document; a coordinator's decisions live under `shifts/<shift>/decisions/<person>`.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{OrganisationId, PersonId, ShiftId};
use crate::kinds::{DocumentKind, KindTag};
use crate::lang::Lang;
use crate::text_enum::text_enum;

/// Unix time in milliseconds (UTC). Documents store instants; devices show local time.
pub type Millis = i64;

pub use crate::kinds::task::TaskKind;

/// The schema marker every task document carries at `kind`.
pub const TASK_KIND: &str = TaskKind::KIND;
/// The schema version this code writes.
pub const TASK_SCHEMA: u64 = TaskKind::SCHEMA;

text_enum!(
    /// The areas of volunteering the municipality works with.
    Area {
        Elderly = "aeldre",
        Sport = "idraet",
        Culture = "kultur",
        Nature = "natur-og-miljoe",
        ChildrenYouth = "boern-og-unge",
        Social = "socialt",
        Health = "sundhed",
        Other = "andet",
    }
);

impl Area {
    /// The area's name as users read it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Area::Elderly, Lang::Da) => "Ældre",
            (Area::Elderly, Lang::En) => "Elderly",
            (Area::Sport, Lang::Da) => "Idræt",
            (Area::Sport, Lang::En) => "Sport",
            (Area::Culture, Lang::Da) => "Kultur",
            (Area::Culture, Lang::En) => "Culture",
            (Area::Nature, Lang::Da) => "Natur og miljø",
            (Area::Nature, Lang::En) => "Nature and environment",
            (Area::ChildrenYouth, Lang::Da) => "Børn og unge",
            (Area::ChildrenYouth, Lang::En) => "Children and young people",
            (Area::Social, Lang::Da) => "Socialt",
            (Area::Social, Lang::En) => "Social",
            (Area::Health, Lang::Da) => "Sundhed",
            (Area::Health, Lang::En) => "Health",
            (Area::Other, Lang::Da) => "Andet",
            (Area::Other, Lang::En) => "Other",
        }
    }
}

text_enum!(
    /// Where a task is in its life.
    TaskStatus {
        /// Being written; only its organisation sees it.
        Draft = "kladde",
        /// Visible to everyone signed in; open for sign-ups.
        Published = "offentliggjort",
        /// Called off; sign-ups are kept for the record.
        Cancelled = "aflyst",
        /// Done.
        Finished = "afsluttet",
    }
);

text_enum!(
    /// A volunteer's own state on a shift.
    SignupState {
        SignedUp = "tilmeldt",
        Withdrawn = "afmeldt",
    }
);

text_enum!(
    /// A coordinator's explicit decision about a volunteer on a shift, overriding the order.
    Decision {
        Confirmed = "bekraeftet",
        Declined = "afvist",
    }
);

/// A task document.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Task {
    /// Always [`TASK_KIND`]: hydrating any other kind of document as a task fails here.
    pub kind: KindTag<TaskKind>,
    pub schema: u64,
    pub organisation: OrganisationId,
    pub title: String,
    pub description: String,
    pub area: Area,
    /// One of the municipality's towns (configuration, see [`crate::towns`]).
    pub town: String,
    /// Address or meeting point.
    pub place: String,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub shifts: BTreeMap<ShiftId, Shift>,
    /// Skills wanted, from the curated list or free text.
    pub skills: Vec<String>,
    pub contact: Contact,
    pub status: TaskStatus,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Coordinators' invitations to volunteers found in the CV bank ("Inviter til opgave"),
    /// by person. Absent in documents written before invitations existed.
    #[autosurgeon(
        missing = "BTreeMap::new",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub invitations: BTreeMap<PersonId, Invitation>,
}

text_enum!(
    /// A volunteer's answer to an invitation.
    InvitationAnswer {
        Pending = "afventer",
        Accepted = "ja",
        Declined = "nej",
    }
);

/// An invitation to a shift: written by a coordinator (`by`), answered by the volunteer
/// (`answer`, the only part they may write). Accepting also signs them up for the shift.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Invitation {
    pub shift: ShiftId,
    pub by: PersonId,
    pub at: Millis,
    pub answer: InvitationAnswer,
}

/// How to reach the task's contact person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// One shift of a task.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Shift {
    pub start: Millis,
    pub end: Millis,
    /// Places to fill; at least 1.
    pub capacity: u64,
    /// Each volunteer's own entry, written only by that volunteer.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub signups: BTreeMap<PersonId, Signup>,
    /// The coordinators' decisions, written only by coordinators.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub decisions: BTreeMap<PersonId, DecisionEntry>,
}

/// A volunteer's sign-up on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Signup {
    pub state: SignupState,
    /// When the volunteer last signed up (or withdrew), on their device's clock. Sign-ups are
    /// ordered by this time, then by person id, which every replica reads the same.
    pub at: Millis,
}

/// A coordinator's decision on a volunteer.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct DecisionEntry {
    pub decision: Decision,
    pub by: PersonId,
    pub at: Millis,
}

/// Limits that keep documents small and screens readable.
pub mod limits {
    pub const TITLE: usize = 120;
    pub const DESCRIPTION: usize = 5_000;
    pub const PLACE: usize = 200;
    pub const TOWN: usize = 80;
    pub const SKILL: usize = 60;
    pub const SKILLS: usize = 20;
    pub const SHIFTS: usize = 100;
    pub const CAPACITY: u64 = 1_000;
    pub const CONTACT_FIELD: usize = 120;
    /// Sign-up entries (and decisions) per shift: room for every place several times over,
    /// with withdrawals, while no one can make a task that every device must sync huge.
    pub const SIGNUPS: usize = 2_000;
    pub const INVITATIONS: usize = 5_000;
}

/// A rule a task breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("the title is empty")]
    TitleEmpty,
    #[error("the {field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("shift {0} ends before it starts")]
    EndNotAfterStart(ShiftId),
    #[error("shift {0} has no places")]
    NoCapacity(ShiftId),
    #[error("shift {shift} has more than {max} places")]
    CapacityTooLarge { shift: ShiftId, max: u64 },
    #[error("more than {0} shifts")]
    TooManyShifts(usize),
    #[error("more than {0} skills")]
    TooManySkills(usize),
    #[error("more than {0} entries in one list of the task")]
    TooManyEntries(usize),
    #[error("a published task needs at least one shift")]
    PublishedWithoutShifts,
    #[error("shift {0} has sign-ups and cannot be deleted")]
    ShiftHasSignups(ShiftId),
    #[error("shift {0} has already started")]
    ShiftStarted(ShiftId),
}

impl TaskError {
    /// A sentence for the user.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (TaskError::TitleEmpty, Lang::Da) => "Skriv en titel.".into(),
            (TaskError::TooLong { field, max }, Lang::Da) => {
                format!("Feltet {} må højst have {max} tegn.", field_da(field))
            }
            (TaskError::EndNotAfterStart(_), Lang::Da) => {
                "En vagt skal slutte efter den begynder.".into()
            }
            (TaskError::NoCapacity(_), Lang::Da) => "En vagt skal have mindst én plads.".into(),
            (TaskError::CapacityTooLarge { max, .. }, Lang::Da) => {
                format!("En vagt kan højst have {max} pladser.")
            }
            (TaskError::TooManyShifts(max), Lang::Da) => {
                format!("En opgave kan højst have {max} vagter.")
            }
            (TaskError::TooManySkills(max), Lang::Da) => format!("Vælg højst {max} kompetencer."),
            (TaskError::TooManyEntries(max), Lang::Da) => {
                format!("Opgaven kan højst have {max} tilmeldinger eller invitationer pr. liste.")
            }
            (TaskError::PublishedWithoutShifts, Lang::Da) => {
                "Tilføj mindst én vagt, før opgaven offentliggøres.".into()
            }
            (TaskError::ShiftHasSignups(_), Lang::Da) => {
                "En vagt med tilmeldte kan ikke slettes. Aflys opgaven, hvis den ikke bliver til noget.".into()
            }
            (TaskError::ShiftStarted(_), Lang::Da) => {
                "Vagten er allerede begyndt. Vælg et tidspunkt, der ikke er passeret.".into()
            }
            (TaskError::ShiftStarted(_), Lang::En) => {
                "The shift has already started. Choose a time that has not passed.".into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

fn field_da(field: &str) -> &'static str {
    match field {
        "title" => "titel",
        "description" => "beskrivelse",
        "place" => "sted",
        "town" => "by",
        "skill" => "kompetence",
        _ => "kontakt",
    }
}

impl Task {
    /// A new draft with no shifts.
    pub fn draft(organisation: OrganisationId, title: &str, area: Area, now: Millis) -> Self {
        Task {
            kind: KindTag::new(),
            schema: TASK_SCHEMA,
            organisation,
            title: title.trim().into(),
            description: String::new(),
            area,
            town: String::new(),
            place: String::new(),
            shifts: BTreeMap::new(),
            skills: Vec::new(),
            contact: Contact::default(),
            status: TaskStatus::Draft,
            created_at: now,
            updated_at: now,
            invitations: BTreeMap::new(),
        }
    }

    /// Every rule the task breaks; empty when it is valid. The app shows these before saving;
    /// the relay refuses a change that leaves a task breaking any of them.
    pub fn problems(&self) -> Vec<TaskError> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(TaskError::TitleEmpty);
        }
        let mut check_len = |field: &'static str, value: &str, max: usize| {
            if value.chars().count() > max {
                problems.push(TaskError::TooLong { field, max });
            }
        };
        check_len("title", &self.title, limits::TITLE);
        check_len("description", &self.description, limits::DESCRIPTION);
        check_len("place", &self.place, limits::PLACE);
        check_len("town", &self.town, limits::TOWN);
        for skill in &self.skills {
            check_len("skill", skill, limits::SKILL);
        }
        for value in [&self.contact.name, &self.contact.phone, &self.contact.email] {
            check_len("contact", value, limits::CONTACT_FIELD);
        }
        if self.skills.len() > limits::SKILLS {
            problems.push(TaskError::TooManySkills(limits::SKILLS));
        }
        if self.shifts.len() > limits::SHIFTS {
            problems.push(TaskError::TooManyShifts(limits::SHIFTS));
        }
        for (id, shift) in &self.shifts {
            if shift.end <= shift.start {
                problems.push(TaskError::EndNotAfterStart(id.clone()));
            }
            if shift.capacity == 0 {
                problems.push(TaskError::NoCapacity(id.clone()));
            }
            if shift.signups.len() > limits::SIGNUPS || shift.decisions.len() > limits::SIGNUPS {
                problems.push(TaskError::TooManyEntries(limits::SIGNUPS));
            }
            if shift.capacity > limits::CAPACITY {
                problems.push(TaskError::CapacityTooLarge {
                    shift: id.clone(),
                    max: limits::CAPACITY,
                });
            }
        }
        if self.invitations.len() > limits::INVITATIONS {
            problems.push(TaskError::TooManyEntries(limits::INVITATIONS));
        }
        if self.status == TaskStatus::Published && self.shifts.is_empty() {
            problems.push(TaskError::PublishedWithoutShifts);
        }
        problems
    }

    /// `Ok` when the task breaks no rule, else the first rule it breaks.
    pub fn validate(&self) -> Result<(), TaskError> {
        crate::kinds::first_problem(self.problems())
    }

    /// What stops the task from being published at `now`: the rules every task follows as a
    /// published one, and that none of its shifts has started. A task already published keeps
    /// its past shifts (they are its record); only the step to published is judged here.
    pub fn publish_problems(&self, now: Millis) -> Vec<TaskError> {
        let next = Task {
            status: TaskStatus::Published,
            ..self.clone()
        };
        let mut problems = next.problems();
        problems.extend(
            self.shifts
                .iter()
                .filter(|(_, s)| s.has_started(now))
                .map(|(id, _)| TaskError::ShiftStarted(id.clone())),
        );
        problems
    }

    /// Publishes the task, or changes nothing and says why not ([`Task::publish_problems`]).
    pub fn publish(&mut self, now: Millis) -> Result<(), Vec<TaskError>> {
        let problems = self.publish_problems(now);
        if !problems.is_empty() {
            return Err(problems);
        }
        self.status = TaskStatus::Published;
        self.updated_at = now;
        Ok(())
    }

    /// Whether every shift has ended at `now` (a task without shifts has not).
    pub fn is_past(&self, now: Millis) -> bool {
        !self.shifts.is_empty() && self.shifts.values().all(|s| s.end <= now)
    }

    /// Everyone with an active sign-up (`tilmeldt`) on any of its shifts, each once, sorted.
    pub fn signed_up_people(&self) -> Vec<PersonId> {
        let mut people: Vec<PersonId> = self
            .shifts
            .values()
            .flat_map(|s| s.signups.iter())
            .filter(|(_, signup)| signup.state == SignupState::SignedUp)
            .map(|(person, _)| person.clone())
            .collect();
        people.sort();
        people.dedup();
        people
    }

    /// The earliest shift start, for sorting lists by date.
    pub fn first_start(&self) -> Option<Millis> {
        self.shifts.values().map(|s| s.start).min()
    }
}

impl Shift {
    /// Whether the shift has begun at `now`: from then on no one signs up for it, and no task
    /// is published with it.
    pub fn has_started(&self, now: Millis) -> bool {
        self.start <= now
    }

    pub fn new(start: Millis, end: Millis, capacity: u64) -> Self {
        Shift {
            start,
            end,
            capacity,
            signups: BTreeMap::new(),
            decisions: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 3_600_000;

    fn task_with_shifts(starts: &[Millis]) -> Task {
        let mut t = Task::draft("klub".parse().unwrap(), "Kiosk", Area::Sport, 0);
        for (n, start) in starts.iter().enumerate() {
            t.shifts.insert(
                format!("vagt-{n}").parse().unwrap(),
                Shift::new(*start, start + 2 * H, 1),
            );
        }
        t
    }

    #[test]
    fn a_task_with_a_started_shift_is_not_published_and_stays_as_it_was() {
        let now = 100 * H;
        let mut t = task_with_shifts(&[now + H, now - H]);
        let before = t.clone();
        let problems = t.publish(now).unwrap_err();
        assert_eq!(
            problems,
            vec![TaskError::ShiftStarted("vagt-1".parse().unwrap())]
        );
        assert_eq!(t, before);
        // A shift starting this very moment has started.
        let mut t = task_with_shifts(&[now]);
        assert!(t.publish(now).is_err());

        let mut t = task_with_shifts(&[now + H]);
        t.publish(now).unwrap();
        assert_eq!(t.status, TaskStatus::Published);
        assert_eq!(t.updated_at, now);
    }

    #[test]
    fn a_published_task_whose_shifts_have_passed_is_still_valid() {
        let now = 100 * H;
        let mut t = task_with_shifts(&[now + H]);
        t.publish(now).unwrap();
        // Days later, the shift is history, and the task loads and validates as before.
        let later = now + 48 * H;
        assert!(t.problems().is_empty());
        assert!(t.is_past(later));
        assert!(!t.is_past(now));
        assert!(
            t.publish_problems(later)
                .contains(&TaskError::ShiftStarted("vagt-0".parse().unwrap()))
        );
    }

    #[test]
    fn publishing_needs_a_shift() {
        let mut t = task_with_shifts(&[]);
        assert_eq!(
            t.publish(0).unwrap_err(),
            vec![TaskError::PublishedWithoutShifts]
        );
        assert!(!t.is_past(0));
    }
}
