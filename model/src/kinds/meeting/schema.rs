//! The meeting document (møde): a dialogue meeting, a coordination meeting, a cross-cutting
//! meeting or an information meeting, from planning through RSVPs and agenda to check-in,
//! minutes, decisions and action items. Mapped to and from automerge with autosurgeon; the
//! schema is written out in `docs/documents.md`.
//!
//! As in a task, who writes what is shaped into the document so a rule can be checked by
//! path: a person's RSVP lives under `rsvps/<person>`; an agenda proposal under
//! `agenda/<item>` carries its proposer in `by`; check-ins, decisions and action items carry
//! the host or note-taker who wrote them in `by`; the minutes are an automerge text, so two
//! note-takers typing at once both keep their words.

use std::collections::BTreeMap;

use autosurgeon::reconcile::{NoKey, TextReconciler};
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

use crate::ids::{GroupId, ItemId, OrganisationId, PersonId};
use crate::kinds::{DocumentKind, KindTag};
use crate::lang::Lang;
use crate::task::Millis;
use crate::text_enum::text_enum;

pub use super::MeetingKind;

text_enum!(
    /// What the meeting is for.
    MeetingType {
        /// A regular dialogue meeting between associations, initiators and the municipality.
        Dialogue = "dialogmoede",
        /// A meeting of a coordination group.
        Coordination = "koordinering",
        /// A cross-cutting meeting for a specific collaboration.
        CrossCutting = "tvaergaaende",
        /// An information meeting.
        Information = "information",
    }
);

impl MeetingType {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (MeetingType::Dialogue, Lang::Da) => "Dialogmøde",
            (MeetingType::Dialogue, Lang::En) => "Dialogue meeting",
            (MeetingType::Coordination, Lang::Da) => "Koordinering",
            (MeetingType::Coordination, Lang::En) => "Coordination",
            (MeetingType::CrossCutting, Lang::Da) => "Tværgående møde",
            (MeetingType::CrossCutting, Lang::En) => "Cross-cutting meeting",
            (MeetingType::Information, Lang::Da) => "Informationsmøde",
            (MeetingType::Information, Lang::En) => "Information meeting",
        }
    }
}

text_enum!(
    /// Who the meeting is for (and so who may read it).
    Audience {
        /// Everyone signed in.
        Public = "offentlig",
        /// The members of the meeting's groups (and those invited).
        Groups = "grupper",
        /// Only those invited.
        Invited = "inviterede",
    }
);

text_enum!(
    /// Where a meeting is in its life.
    MeetingStatus {
        /// Being planned; only its hosts (and staff) see it.
        Draft = "kladde",
        /// Announced to its audience; open for RSVPs and agenda proposals.
        Published = "offentliggjort",
        /// Held; the minutes are being written and approved.
        Held = "afholdt",
        /// Held, and its minutes approved and published to the audience.
        MinutesPublished = "referat",
        /// Called off.
        Cancelled = "aflyst",
    }
);

text_enum!(
    /// A person's answer to a meeting.
    RsvpAnswer {
        Yes = "ja",
        Maybe = "maaske",
        No = "nej",
    }
);

text_enum!(
    /// Where an agenda item is.
    AgendaState {
        /// Proposed by a participant; a host has not decided.
        Proposed = "foreslaaet",
        Accepted = "accepteret",
        Declined = "afvist",
    }
);

text_enum!(
    /// Where an action item is.
    ActionState {
        Open = "aaben",
        InProgress = "i-gang",
        Done = "udfoert",
        Dropped = "droppet",
    }
);

impl ActionState {
    /// Still to be done: listed first at the next meeting of the series.
    pub fn is_open(self) -> bool {
        matches!(self, ActionState::Open | ActionState::InProgress)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ActionState::Open, Lang::Da) => "Åben",
            (ActionState::Open, Lang::En) => "Open",
            (ActionState::InProgress, Lang::Da) => "I gang",
            (ActionState::InProgress, Lang::En) => "In progress",
            (ActionState::Done, Lang::Da) => "Udført",
            (ActionState::Done, Lang::En) => "Done",
            (ActionState::Dropped, Lang::Da) => "Droppet",
            (ActionState::Dropped, Lang::En) => "Dropped",
        }
    }
}

/// Upper bounds that keep a meeting's document small and its screens readable.
pub mod limits {
    pub const TITLE: usize = 120;
    pub const PURPOSE: usize = 2_000;
    pub const ADDRESS: usize = 200;
    pub const ROOM: usize = 120;
    pub const LINK: usize = 500;
    pub const HOSTS: usize = 20;
    pub const GROUPS: usize = 20;
    pub const INVITED: usize = 2_000;
    pub const CAPACITY: u64 = 5_000;
    /// RSVPs (each person one), check-ins: room for a town hall meeting.
    pub const PEOPLE: usize = 5_000;
    pub const AGENDA: usize = 100;
    pub const ITEM_TITLE: usize = 200;
    pub const ITEM_NOTE: usize = 2_000;
    pub const MINUTES: usize = 100_000;
    pub const DECISIONS: usize = 200;
    pub const ACTIONS: usize = 200;
    pub const NAME: usize = 120;
}

/// A meeting document.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Meeting {
    pub kind: KindTag<MeetingKind>,
    pub schema: u64,
    pub title: String,
    pub purpose: String,
    pub category: MeetingType,
    /// Who runs the meeting: edit it, accept agenda items, check people in, approve minutes.
    pub hosts: Vec<PersonId>,
    /// Who may write the minutes, decisions and action items besides the hosts.
    pub note_takers: Vec<PersonId>,
    /// The groups it belongs to (their members are its audience when `audience` says so).
    pub groups: Vec<GroupId>,
    pub start: Millis,
    pub end: Millis,
    pub place: Place,
    /// A link to join online, or empty.
    pub online: String,
    pub audience: Audience,
    /// People invited by name (besides the groups' members).
    pub invited: Vec<PersonId>,
    /// The names of those invited, by person id, as the host found them: so the hosts'
    /// list reads offline. (Not in meetings written before names were kept.)
    #[autosurgeon(missing = "BTreeMap::new")]
    pub invited_names: BTreeMap<String, String>,
    /// Seats; 0 for no limit. "Yes" answers beyond it are on the waitlist, in order.
    pub capacity: u64,
    /// When RSVPs close (0: when the meeting starts).
    pub rsvp_closes: Millis,
    /// When agenda proposals close (0: when the meeting starts).
    pub agenda_closes: Millis,
    pub status: MeetingStatus,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub rsvps: BTreeMap<PersonId, Rsvp>,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub agenda: BTreeMap<ItemId, AgendaItem>,
    /// Who came, checked in at the door: by person id for people with an account (so two
    /// tablets checking the same person in make one entry), by a random id for walk-ins.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub attendance: BTreeMap<ItemId, CheckIn>,
    pub minutes: MergedText,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub decisions: BTreeMap<ItemId, DecisionNote>,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub actions: BTreeMap<ItemId, ActionItem>,
    /// Hosts who approved the minutes, and when.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub approvals: BTreeMap<PersonId, Millis>,
    /// The series this meeting belongs to (empty: none); its meetings share it.
    pub series: String,
    /// The document URL of the series' previous meeting (empty: none).
    pub follows: String,
    pub created_by: PersonId,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// An automerge text, read as a string and written as the splices that turn the text the
/// document holds *at the moment of writing* into this value (automerge's `update_text`). So
/// an unchanged value writes nothing, two writers who each add words keep both (each writes
/// only their splices), and an edit made on a fork at older heads (what the writer saw) keeps
/// what others wrote since once merged. Unlike `autosurgeon::Text` it remembers no heads, so
/// a value read from one document can be written to another, or after the document moved on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergedText(String);

impl MergedText {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Sets the whole text; written as the difference from what the document holds.
    pub fn update(&mut self, value: impl Into<String>) {
        self.0 = value.into();
    }
}

impl From<&str> for MergedText {
    fn from(s: &str) -> Self {
        MergedText(s.to_owned())
    }
}

impl Reconcile for MergedText {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.text()?.update(&self.0)
    }
}

impl Hydrate for MergedText {
    fn hydrate_text<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, HydrateError> {
        Ok(MergedText(doc.text(obj)?))
    }
}

/// Where the meeting is, with what a person with a disability needs to know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Place {
    pub address: String,
    pub room: String,
    /// Step-free access (niveaufri adgang).
    pub step_free: bool,
    /// A hearing loop (teleslynge).
    pub hearing_loop: bool,
}

/// A person's answer, written only by them.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Rsvp {
    pub answer: RsvpAnswer,
    /// The name the person answers under: shown to everyone who reads the meeting, and what
    /// the host finds them by at the door (offline, so it is here rather than asked of the
    /// relay).
    pub name: String,
    /// The organisation they come for, if any.
    pub on_behalf: Option<OrganisationId>,
    /// When they answered, on their device's clock: "yes" answers are seated in this order
    /// (then by person id), which every replica reads the same.
    pub at: Millis,
}

/// An item on the agenda: proposed by anyone in the audience, decided by a host.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct AgendaItem {
    pub title: String,
    pub note: String,
    pub by: PersonId,
    pub at: Millis,
    pub state: AgendaState,
    /// Where it comes on the agenda (ascending; ties by item id).
    pub position: i64,
    /// Planned minutes (0: not planned).
    pub minutes: u64,
}

/// Someone checked in at the door.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CheckIn {
    /// The person, if they have an account (then the entry's key is their id).
    pub person: Option<PersonId>,
    /// The name as the host wrote it (a walk-in's only record).
    pub name: String,
    pub by: PersonId,
    pub at: Millis,
}

/// A decision recorded in the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct DecisionNote {
    pub text: String,
    pub by: PersonId,
    pub at: Millis,
}

/// Something to be done after the meeting, by someone.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ActionItem {
    pub title: String,
    /// The person who owns it, if a person does.
    pub owner_person: Option<PersonId>,
    /// The organisation that owns it, if one does.
    pub owner_organisation: Option<OrganisationId>,
    /// The day it is due, `YYYY-MM-DD`, or empty.
    pub due: String,
    pub state: ActionState,
    /// The decision it comes from (empty: none).
    pub decision: String,
    /// The document URL of the task-bank task made from it (empty: none).
    pub task: String,
    pub by: PersonId,
    pub at: Millis,
}

/// Who has a seat and who waits, derived from the document alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seats {
    pub confirmed: Vec<PersonId>,
    pub waitlist: Vec<PersonId>,
}

impl Meeting {
    /// A new draft hosted by `host`.
    pub fn draft(
        host: PersonId,
        title: &str,
        category: MeetingType,
        start: Millis,
        end: Millis,
        now: Millis,
    ) -> Self {
        Self {
            kind: KindTag::new(),
            schema: MeetingKind::SCHEMA,
            title: title.trim().to_owned(),
            purpose: String::new(),
            category,
            hosts: vec![host.clone()],
            note_takers: Vec::new(),
            groups: Vec::new(),
            start,
            end,
            place: Place::default(),
            online: String::new(),
            audience: Audience::Public,
            invited: Vec::new(),
            invited_names: BTreeMap::new(),
            capacity: 0,
            rsvp_closes: 0,
            agenda_closes: 0,
            status: MeetingStatus::Draft,
            rsvps: BTreeMap::new(),
            agenda: BTreeMap::new(),
            attendance: BTreeMap::new(),
            minutes: MergedText::default(),
            decisions: BTreeMap::new(),
            actions: BTreeMap::new(),
            approvals: BTreeMap::new(),
            series: String::new(),
            follows: String::new(),
            created_by: host,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether `person` hosts the meeting.
    pub fn is_host(&self, person: &PersonId) -> bool {
        self.hosts.contains(person)
    }

    /// When RSVPs close: `rsvp_closes`, or the start.
    pub fn rsvps_close_at(&self) -> Millis {
        if self.rsvp_closes > 0 {
            self.rsvp_closes
        } else {
            self.start
        }
    }

    /// When agenda proposals close: `agenda_closes`, or the start.
    pub fn agenda_closes_at(&self) -> Millis {
        if self.agenda_closes > 0 {
            self.agenda_closes
        } else {
            self.start
        }
    }

    /// The "yes" answers seated in order of their time (then person id), up to the capacity;
    /// the rest wait in the same order. Every replica with the same answers reads the same.
    pub fn seats(&self) -> Seats {
        let mut yes: Vec<(&Millis, &PersonId)> = self
            .rsvps
            .iter()
            .filter(|(_, r)| r.answer == RsvpAnswer::Yes)
            .map(|(p, r)| (&r.at, p))
            .collect();
        yes.sort();
        let capacity = if self.capacity == 0 {
            usize::MAX
        } else {
            self.capacity as usize
        };
        let mut seats = Seats::default();
        for (i, (_, person)) in yes.into_iter().enumerate() {
            if i < capacity {
                seats.confirmed.push(person.clone());
            } else {
                seats.waitlist.push(person.clone());
            }
        }
        seats
    }

    /// The agenda as it will be held: accepted items by position, then item id.
    pub fn accepted_agenda(&self) -> Vec<(&ItemId, &AgendaItem)> {
        let mut items: Vec<_> = self
            .agenda
            .iter()
            .filter(|(_, item)| item.state == AgendaState::Accepted)
            .collect();
        items.sort_by(|a, b| (a.1.position, a.0).cmp(&(b.1.position, b.0)));
        items
    }

    /// The action items still to be done, by due date (undated last), then title.
    pub fn open_actions(&self) -> Vec<(&ItemId, &ActionItem)> {
        let mut items: Vec<_> = self
            .actions
            .iter()
            .filter(|(_, a)| a.state.is_open())
            .collect();
        items.sort_by(|a, b| {
            let due = |x: &ActionItem| (x.due.is_empty(), x.due.clone());
            (due(a.1), &a.1.title).cmp(&(due(b.1), &b.1.title))
        });
        items
    }

    /// The next meeting of the series: the same title, type, hosts, groups, place and
    /// audience, `weeks` later, as a draft whose agenda starts with this meeting's open action
    /// items ("Opfølgning: ..."), each keeping its owner in the note.
    pub fn next_in_series(
        &self,
        host: PersonId,
        start: Millis,
        now: Millis,
        new_id: impl Fn(usize) -> ItemId,
        follows: String,
    ) -> Meeting {
        let mut next = Meeting::draft(
            host,
            &self.title,
            self.category,
            start,
            start + (self.end - self.start),
            now,
        );
        next.purpose = self.purpose.clone();
        next.hosts = self.hosts.clone();
        if !next.hosts.contains(&next.created_by) {
            next.hosts.push(next.created_by.clone());
        }
        next.note_takers = self.note_takers.clone();
        next.groups = self.groups.clone();
        next.place = self.place.clone();
        next.online = self.online.clone();
        next.audience = self.audience;
        next.invited = self.invited.clone();
        next.invited_names = self.invited_names.clone();
        next.capacity = self.capacity;
        next.series = self.series.clone();
        next.follows = follows;
        for (i, (_, action)) in self.open_actions().into_iter().enumerate() {
            // A person by the name the meeting knows them under (their answer, their
            // check-in, their invitation), else their id.
            let owner = action
                .owner_person
                .as_ref()
                .map(|p| self.name_of(p))
                .or_else(|| action.owner_organisation.as_ref().map(|o| o.to_string()))
                .unwrap_or_default();
            next.agenda.insert(
                new_id(i),
                AgendaItem {
                    title: format!("Opfølgning: {}", action.title),
                    note: [owner, action.due.clone()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                    by: next.created_by.clone(),
                    at: now,
                    state: AgendaState::Accepted,
                    position: i as i64,
                    minutes: 0,
                },
            );
        }
        next
    }

    /// The name the meeting knows `person` under: their answer's, their check-in's or their
    /// invitation's; else their id.
    pub fn name_of(&self, person: &PersonId) -> String {
        self.rsvps
            .get(person)
            .map(|r| r.name.clone())
            .or_else(|| {
                self.attendance
                    .values()
                    .find(|c| c.person.as_ref() == Some(person))
                    .map(|c| c.name.clone())
            })
            .or_else(|| self.invited_names.get(person.as_str()).cloned())
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| person.to_string())
    }

    /// Every rule the document breaks; empty when it is valid. The app shows these before
    /// saving; the relay refuses a change that leaves a meeting breaking any of them.
    pub fn problems(&self) -> Vec<MeetingError> {
        let mut problems = Vec::new();
        if self.schema > MeetingKind::SCHEMA {
            problems.push(MeetingError::NewerSchema(self.schema));
        }
        if self.title.trim().is_empty() {
            problems.push(MeetingError::TitleMissing);
        }
        if self.end <= self.start {
            problems.push(MeetingError::EndBeforeStart);
        }
        if self.hosts.is_empty() {
            problems.push(MeetingError::NoHost);
        }
        if self.audience == Audience::Groups && self.groups.is_empty() {
            problems.push(MeetingError::NoGroup);
        }
        let online = self.online.trim();
        if !(online.is_empty() || online.starts_with("https://") || online.starts_with("http://")) {
            problems.push(MeetingError::Link);
        }
        let mut too_long = Vec::new();
        let mut check_len = |field: &'static str, value: &str, max: usize| {
            if value.chars().count() > max {
                too_long.push(MeetingError::TooLong { field, max });
            }
        };
        check_len("title", &self.title, limits::TITLE);
        check_len("purpose", &self.purpose, limits::PURPOSE);
        check_len("address", &self.place.address, limits::ADDRESS);
        check_len("room", &self.place.room, limits::ROOM);
        check_len("online", &self.online, limits::LINK);
        check_len("series", &self.series, limits::NAME);
        check_len("follows", &self.follows, limits::LINK);
        check_len("minutes", self.minutes.as_str(), limits::MINUTES);
        for name in self.invited_names.values() {
            check_len("name", name, limits::NAME);
        }
        for item in self.agenda.values() {
            check_len("agenda title", &item.title, limits::ITEM_TITLE);
            check_len("agenda note", &item.note, limits::ITEM_NOTE);
        }
        for decision in self.decisions.values() {
            check_len("decision", &decision.text, limits::ITEM_NOTE);
        }
        for action in self.actions.values() {
            check_len("action", &action.title, limits::ITEM_TITLE);
            check_len("task", &action.task, limits::LINK);
            if !action.due.is_empty() && !is_date(&action.due) {
                problems.push(MeetingError::DueDate);
            }
        }
        for (key, check_in) in &self.attendance {
            check_len("name", &check_in.name, limits::NAME);
            if check_in
                .person
                .as_ref()
                .is_some_and(|p| p.as_str() != key.as_str())
            {
                problems.push(MeetingError::CheckInKey);
            }
        }
        if self.agenda.values().any(|i| i.title.trim().is_empty())
            || self.actions.values().any(|a| a.title.trim().is_empty())
            || self.decisions.values().any(|d| d.text.trim().is_empty())
        {
            problems.push(MeetingError::ItemEmpty);
        }
        let counts = [
            (self.hosts.len(), limits::HOSTS),
            (self.note_takers.len(), limits::HOSTS),
            (self.groups.len(), limits::GROUPS),
            (self.invited.len(), limits::INVITED),
            (self.invited_names.len(), limits::INVITED),
            (self.rsvps.len(), limits::PEOPLE),
            (self.attendance.len(), limits::PEOPLE),
            (self.agenda.len(), limits::AGENDA),
            (self.decisions.len(), limits::DECISIONS),
            (self.actions.len(), limits::ACTIONS),
        ];
        if self.capacity > limits::CAPACITY || counts.iter().any(|(n, max)| n > max) {
            problems.push(MeetingError::TooMany);
        }
        problems
    }

    /// The first problem, if any.
    pub fn validate(&self) -> Result<(), MeetingError> {
        crate::kinds::first_problem(self.problems())
    }
}

/// Whether `s` is a date written `YYYY-MM-DD` (month 1-12, day 1-31).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Why a meeting document is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("the title is missing")]
    TitleMissing,
    #[error("the meeting must end after it starts")]
    EndBeforeStart,
    #[error("a meeting needs at least one host")]
    NoHost,
    #[error("a meeting for the groups' members needs at least one group")]
    NoGroup,
    #[error("the online link must start with https://")]
    Link,
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("a due date is written YYYY-MM-DD")]
    DueDate,
    #[error("a check-in of a person is kept under their own id")]
    CheckInKey,
    #[error("an agenda item, decision or action item needs a text")]
    ItemEmpty,
    #[error("the meeting has more entries than it may hold")]
    TooMany,
}

impl MeetingError {
    /// A sentence for the user.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (MeetingError::NewerSchema(_), Lang::Da) => {
                "Mødet er gemt af en nyere version af Samskab. Opdatér appen.".into()
            }
            (MeetingError::TitleMissing, Lang::Da) => "Skriv en titel på mødet.".into(),
            (MeetingError::EndBeforeStart, Lang::Da) => {
                "Mødet skal slutte efter det begynder.".into()
            }
            (MeetingError::NoHost, Lang::Da) => "Et møde skal have mindst én vært.".into(),
            (MeetingError::NoGroup, Lang::Da) => {
                "Vælg mindst én gruppe, når mødet er for gruppernes medlemmer.".into()
            }
            (MeetingError::Link, Lang::Da) => "Linket skal begynde med https://".into(),
            (MeetingError::TooLong { field, max }, Lang::Da) => {
                let field = match *field {
                    "title" => "titel",
                    "purpose" => "formål",
                    "address" => "adresse",
                    "room" => "lokale",
                    "online" => "link",
                    "minutes" => "referat",
                    "agenda title" => "dagsordenspunkt",
                    "agenda note" => "note",
                    "decision" => "beslutning",
                    "action" => "opfølgningspunkt",
                    "name" => "navn",
                    other => other,
                };
                format!("Feltet {field} må højst have {max} tegn.")
            }
            (MeetingError::DueDate, Lang::Da) => "Skriv fristen som en dato.".into(),
            (MeetingError::CheckInKey, Lang::Da) => "Tjek-ind kunne ikke gemmes.".into(),
            (MeetingError::ItemEmpty, Lang::Da) => {
                "Et dagsordenspunkt, en beslutning eller et opfølgningspunkt mangler tekst.".into()
            }
            (MeetingError::TooMany, Lang::Da) => "Mødet kan ikke rumme flere.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}
