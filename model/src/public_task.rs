//! The open task bank: what anyone may see of a task without an account.
//!
//! The strategy asks for a *broadly accessible* task bank, so a visitor browses and searches
//! the published tasks before creating an account. The task document itself cannot be shown
//! to them: it holds every volunteer's person id and sign-up times. The relay therefore
//! serves this projection instead (`GET /api/public/tasks`): the task's own words, its
//! organisation's name, and per shift only how many places there are, how many are taken and
//! how many wait. Drafts are never in it. Signed-in devices build the same projection from the
//! documents they hold, so the list, its filters and its search are one code path for both.
//!
//! The projection is deliberately lossy: nothing in it names, counts per person or times a
//! volunteer.

use serde::{Deserialize, Serialize};

use crate::ids::{DocumentId, OrganisationId, ShiftId};
use crate::roster::Roster;
use crate::task::{Area, Contact, Millis, Task, TaskStatus};

/// A task as a visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTask {
    pub id: DocumentId,
    pub title: String,
    pub description: String,
    pub area: Area,
    pub town: String,
    pub place: String,
    pub skills: Vec<String>,
    /// The task's contact person, as the coordinator wrote it for volunteers to call.
    pub contact: PublicContact,
    pub organisation: OrganisationId,
    /// The organisation's name, so that a visitor's search finds "fodbold" in the club's
    /// tasks and the card can say who is asking.
    pub organisation_name: String,
    pub status: TaskStatus,
    /// In order of start.
    pub shifts: Vec<PublicShift>,
}

/// The contact person of a task (the same fields as the document's [`Contact`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicContact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// One shift: when, and how full, never who.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicShift {
    pub id: ShiftId,
    pub start: Millis,
    pub end: Millis,
    pub capacity: u64,
    /// Places held (confirmed, including a coordinator's overbooking).
    pub taken: u64,
    /// People on the waiting list.
    pub waiting: u64,
}

/// The whole open catalog as the relay serves it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCatalog {
    pub tasks: Vec<PublicTask>,
}

impl From<&Contact> for PublicContact {
    fn from(c: &Contact) -> Self {
        PublicContact {
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        }
    }
}

impl PublicTask {
    /// The projection of `task`, or `None` for a draft (never public).
    pub fn of(id: DocumentId, task: &Task, organisation_name: &str) -> Option<Self> {
        (task.status != TaskStatus::Draft).then(|| Self::project(id, task, organisation_name))
    }

    /// The projection of `task` whatever its state: for the facts a page shows of a task its
    /// reader may see anyway (a coordinator's own draft). Use [`PublicTask::of`] for anything
    /// shown to the public.
    pub fn project(id: DocumentId, task: &Task, organisation_name: &str) -> Self {
        let mut shifts: Vec<PublicShift> = task
            .shifts
            .iter()
            .map(|(sid, shift)| {
                let roster = Roster::of(shift);
                PublicShift {
                    id: sid.clone(),
                    start: shift.start,
                    end: shift.end,
                    capacity: shift.capacity,
                    taken: roster.confirmed.len() as u64,
                    waiting: roster.waitlist.len() as u64,
                }
            })
            .collect();
        shifts.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
        PublicTask {
            id,
            title: task.title.clone(),
            description: task.description.clone(),
            area: task.area,
            town: task.town.clone(),
            place: task.place.clone(),
            skills: task.skills.clone(),
            contact: (&task.contact).into(),
            organisation: task.organisation.clone(),
            organisation_name: organisation_name.to_owned(),
            status: task.status,
            shifts,
        }
    }

    /// Free places over all shifts.
    pub fn free_places(&self) -> u64 {
        self.shifts.iter().map(PublicShift::free).sum()
    }

    /// The earliest shift start, for sorting lists by date.
    pub fn first_start(&self) -> Option<Millis> {
        self.shifts.iter().map(|s| s.start).min()
    }

    /// Whether every shift has ended (a task without shifts is never past).
    pub fn is_past(&self, now: Millis) -> bool {
        !self.shifts.is_empty() && self.shifts.iter().all(|s| s.end <= now)
    }

    /// A task of the main list: published and not over. Cancelled, finished and past tasks
    /// are "Tidligere".
    pub fn is_current(&self, now: Millis) -> bool {
        self.status == TaskStatus::Published && !self.is_past(now)
    }

    /// Whether the visitor's words find this task (see [`crate::task_search`]).
    pub fn matches(&self, query: &str) -> bool {
        crate::task_search::matches_fields(
            [
                self.title.as_str(),
                self.description.as_str(),
                self.place.as_str(),
                self.organisation_name.as_str(),
            ]
            .into_iter()
            .chain(self.skills.iter().map(String::as_str)),
            query,
        )
    }
}

impl PublicShift {
    pub fn free(&self) -> u64 {
        self.capacity.saturating_sub(self.taken)
    }

    pub fn has_started(&self, now: Millis) -> bool {
        self.start <= now
    }
}

impl PublicCatalog {
    /// The catalog of `tasks`, sorted by first shift then id, drafts left out.
    pub fn of<'a>(
        tasks: impl IntoIterator<Item = (DocumentId, &'a Task)>,
        organisation_name: impl Fn(&OrganisationId) -> String,
    ) -> Self {
        let mut tasks: Vec<PublicTask> = tasks
            .into_iter()
            .filter_map(|(id, t)| PublicTask::of(id, t, &organisation_name(&t.organisation)))
            .collect();
        sort(&mut tasks);
        PublicCatalog { tasks }
    }

    pub fn get(&self, id: &DocumentId) -> Option<&PublicTask> {
        self.tasks.iter().find(|t| &t.id == id)
    }
}

/// Sorts tasks as lists show them: by first shift (tasks without shifts last), then id.
pub fn sort(tasks: &mut [PublicTask]) {
    tasks.sort_by_key(|t| (t.first_start().unwrap_or(Millis::MAX), t.id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::{Shift, Signup, SignupState};

    fn person(n: u32) -> crate::PersonId {
        format!("u-{n:016x}").parse().unwrap()
    }

    fn kiosk() -> Task {
        let mut t = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt til hjemmekamp",
            Area::Sport,
            0,
        );
        t.description = "Sælg kaffe og pølser.".into();
        t.contact = Contact {
            name: "Bo".into(),
            phone: "12345678".into(),
            email: "bo@example.dk".into(),
        };
        let mut shift = Shift::new(10_000, 20_000, 2);
        for (n, at) in [(1, 100), (2, 200), (3, 300)] {
            shift.signups.insert(
                person(n),
                Signup {
                    state: SignupState::SignedUp,
                    at,
                },
            );
        }
        shift.signups.insert(
            person(4),
            Signup {
                state: SignupState::Withdrawn,
                at: 50,
            },
        );
        t.shifts.insert("vagt-1".parse().unwrap(), shift);
        t
    }

    #[test]
    fn a_draft_is_never_public() {
        let id = DocumentId::random();
        assert!(PublicTask::of(id, &kiosk(), "Haslev Fodboldklub").is_none());
    }

    #[test]
    fn shifts_say_how_full_never_who() {
        let mut t = kiosk();
        t.status = TaskStatus::Published;
        let id = DocumentId::random();
        let p = PublicTask::of(id, &t, "Haslev Fodboldklub").unwrap();
        assert_eq!(p.shifts.len(), 1);
        assert_eq!((p.shifts[0].taken, p.shifts[0].waiting), (2, 1));
        assert_eq!(p.free_places(), 0);
        let json = serde_json::to_string(&p).unwrap();
        for n in 1..=4 {
            assert!(!json.contains(&person(n).to_string()), "{json}");
        }
        // Sign-up times are not in it either.
        assert!(!json.contains("\"at\""), "{json}");
        let back: PublicTask = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn the_organisation_name_finds_the_task() {
        let mut t = kiosk();
        t.status = TaskStatus::Published;
        let p = PublicTask::of(DocumentId::random(), &t, "Haslev Fodboldklub").unwrap();
        assert!(p.matches("fodbold kiosk"));
        assert!(!p.matches("bibliotek"));
    }

    #[test]
    fn current_and_past() {
        let mut t = kiosk();
        t.status = TaskStatus::Published;
        let p = PublicTask::of(DocumentId::random(), &t, "x").unwrap();
        assert!(p.is_current(5_000));
        assert!(!p.is_current(20_000));
        t.status = TaskStatus::Cancelled;
        let p = PublicTask::of(DocumentId::random(), &t, "x").unwrap();
        assert!(!p.is_current(5_000));
    }
}
