//! Who may read and write what. Pure rules, used by the relay on every read and every
//! incoming change, and by the app to decide what to offer (the app is never trusted).
//!
//! A change is judged by its effect on the document it is applied to, never by a diff against
//! the change's own dependencies. An automerge op addresses an object id, not a path, and a
//! change may name objects its dependencies do not contain (`deps: []` with a `set` on a
//! task's `contact` map): a diff against the dependencies then shows nothing. So
//! [`change_paths`] reads every op of the change, looks its target object up in the document
//! with the change applied, and takes the path the object has *there*, plus the op's key. A
//! write therefore cannot hide, neither behind missing dependencies nor behind a concurrent
//! conflict it loses: every op is seen where it lands. An op on an object that the change's
//! own history does not contain is refused outright ([`Refusal::UnknownObject`]): a real
//! client cannot make one. Every path is then checked against the writer's role and the
//! document's shape ([`check_task_write`]: known fields only, at every level), and the result
//! must still be valid (the same validation the app runs).
//!
//! The role table is written out in `docs/documents.md`.

use automerge::{Automerge, Change, Prop, ReadDoc};

use crate::ids::{DocumentId, OrganisationId, PersonId};
use crate::lang::Lang;
use crate::profile::{Consent, CoordinatorConsent, PROFILE_KIND, Profile, ProfileError};
use crate::task::{Millis, SignupState, Task, TaskError, TaskStatus};
use crate::text_enum::text_enum;

text_enum!(
    /// What a user is to Samskab.
    Role {
        /// Signs up for tasks; writes only their own sign-ups.
        Volunteer = "frivillig",
        /// Runs the tasks of the organisations they are a member of.
        Coordinator = "koordinator",
        /// The municipality's staff: may run any organisation's tasks.
        Staff = "personale",
        /// Operates Samskab: everything staff may, plus accounts.
        Admin = "admin",
    }
);

/// The signed-in user a read or write is judged for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub person: PersonId,
    pub role: Role,
    /// Organisations the user coordinates (for coordinators).
    pub organisations: Vec<OrganisationId>,
}

impl Principal {
    /// Whether the user may run `org`'s tasks: create, edit, publish, cancel, decide.
    pub fn coordinates(&self, org: &OrganisationId) -> bool {
        match self.role {
            Role::Staff | Role::Admin => true,
            Role::Coordinator => self.organisations.contains(org),
            Role::Volunteer => false,
        }
    }
}

/// A path into a document: map keys, and sequence indexes as decimal text.
pub type Path = Vec<String>;

/// How far ahead of the relay's clock a sign-up time may be (devices' clocks drift).
pub const CLOCK_SLACK: Millis = 5 * 60 * 1000;

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the document is not a task or a profile")]
    NotATask,
    #[error("{0}")]
    Invalid(TaskError),
    #[error("{0}")]
    InvalidProfile(ProfileError),
    #[error("only its owner writes a profile")]
    NotYourProfile,
    #[error("you may not write {path}")]
    Forbidden { path: String },
    #[error("you may not change another volunteer's sign-up")]
    OthersSignup,
    #[error("a decision must be signed by the coordinator who makes it")]
    DecisionNotByYou,
    #[error("sign-ups are open only while the task is published")]
    NotOpen,
    #[error("the sign-up time is not plausible")]
    Implausible,
    #[error("the shift had already started when the sign-up was made")]
    ShiftStarted,
    #[error("the change was made under another user's actor id")]
    ForeignActor,
    #[error("the change writes to an object its own history does not contain")]
    UnknownObject,
    #[error("the change is larger than the relay accepts")]
    TooLarge,
    #[error("the document would grow larger than the relay keeps")]
    DocumentTooLarge,
    #[error("this document id is reserved for another kind of document")]
    ReservedId,
    #[error("the message could not be read: {0}")]
    Malformed(String),
}

impl Refusal {
    /// A stable machine-readable name, sent in `samskab-change-refused`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotATask => "not-a-task",
            Refusal::Invalid(_) | Refusal::InvalidProfile(_) => "invalid",
            Refusal::NotYourProfile => "not-your-profile",
            Refusal::Forbidden { .. } => "forbidden",
            Refusal::OthersSignup => "others-signup",
            Refusal::DecisionNotByYou => "decision-not-by-you",
            Refusal::NotOpen => "not-open",
            Refusal::Implausible => "implausible",
            Refusal::ShiftStarted => "shift-started",
            Refusal::ForeignActor => "foreign-actor",
            Refusal::UnknownObject => "unknown-object",
            Refusal::TooLarge => "too-large",
            Refusal::DocumentTooLarge => "document-too-large",
            Refusal::ReservedId => "reserved-id",
            Refusal::Malformed(_) => "malformed",
        }
    }

    /// The Danish (or English) sentence for a refusal code received from the relay.
    pub fn describe_code(code: &str, lang: Lang) -> String {
        let sample = match code {
            "not-a-task" => Refusal::NotATask,
            "others-signup" => Refusal::OthersSignup,
            "decision-not-by-you" => Refusal::DecisionNotByYou,
            "not-open" => Refusal::NotOpen,
            "implausible" => Refusal::Implausible,
            "shift-started" => Refusal::ShiftStarted,
            "foreign-actor" => Refusal::ForeignActor,
            "not-your-profile" => Refusal::NotYourProfile,
            "unknown-object" => Refusal::UnknownObject,
            "too-large" => Refusal::TooLarge,
            "document-too-large" => Refusal::DocumentTooLarge,
            "reserved-id" => Refusal::ReservedId,
            "malformed" => Refusal::Malformed(String::new()),
            "invalid" => {
                return match lang {
                    Lang::Da => "Ændringen gjorde dokumentet ugyldigt og blev afvist.".into(),
                    Lang::En => "The change made the document invalid and was refused.".into(),
                };
            }
            _ => Refusal::Forbidden {
                path: String::new(),
            },
        };
        sample.describe(lang)
    }

    /// A sentence for the user whose change was refused.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::NotATask, Lang::Da) => {
                "Dokumentet er hverken en gyldig opgave eller et CV.".into()
            }
            (Refusal::Invalid(e), Lang::Da) => e.describe(Lang::Da),
            (Refusal::InvalidProfile(e), Lang::Da) => e.describe(Lang::Da),
            (Refusal::NotYourProfile, Lang::Da) => "Kun ejeren kan ændre et CV.".into(),
            (Refusal::Forbidden { .. }, Lang::Da) => {
                "Du har ikke lov til at ændre dette i opgaven.".into()
            }
            (Refusal::OthersSignup, Lang::Da) => "Du kan kun ændre din egen tilmelding.".into(),
            (Refusal::DecisionNotByYou, Lang::Da) => {
                "En beslutning skal stå i den koordinators navn, der træffer den.".into()
            }
            (Refusal::NotOpen, Lang::Da) => {
                "Der kan kun tilmeldes, mens opgaven er offentliggjort.".into()
            }
            (Refusal::Implausible, Lang::Da) => {
                "Tidspunktet for tilmeldingen kan ikke passe. Tjek enhedens ur.".into()
            }
            (Refusal::ShiftStarted, Lang::Da) => {
                "Vagten var allerede begyndt, da du tilmeldte dig, så tilmeldingen blev ikke gemt."
                    .into()
            }
            (Refusal::ShiftStarted, Lang::En) => {
                "The shift had already started when you signed up, so the sign-up was not kept."
                    .into()
            }
            (Refusal::ForeignActor, Lang::Da) => {
                "Ændringen kom fra en anden brugers session og blev afvist.".into()
            }
            (Refusal::UnknownObject, Lang::Da) => {
                "Ændringen henviste til noget, der ikke findes i dokumentet, og blev afvist.".into()
            }
            (Refusal::TooLarge, Lang::Da) => {
                "Ændringen er for stor til at blive gemt. Del den op i mindre dele.".into()
            }
            (Refusal::DocumentTooLarge, Lang::Da) => {
                "Dokumentet er blevet for stort til at blive gemt.".into()
            }
            (Refusal::ReservedId, Lang::Da) => {
                "Dokumentet kan ikke oprettes her. Prøv igen.".into()
            }
            (Refusal::Malformed(_), Lang::Da) => {
                "Serveren kunne ikke læse ændringen, og den blev afvist.".into()
            }
            (Refusal::Invalid(e), Lang::En) => e.describe(Lang::En),
            (Refusal::InvalidProfile(e), Lang::En) => e.describe(Lang::En),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

/// Whether `who` may read `task`: published, cancelled and finished tasks are for everyone
/// signed in; drafts only for those who run the organisation.
pub fn may_read_task(who: &Principal, task: &Task) -> bool {
    task.status != TaskStatus::Draft || who.coordinates(&task.organisation)
}

/// What reading a document depends on, read without hydrating all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadView {
    Task {
        organisation: OrganisationId,
        status: TaskStatus,
    },
    Profile {
        owner: PersonId,
        consent: Consent,
    },
}

/// The [`ReadView`] of a document (`None` if it is neither a task nor a profile).
pub fn read_view(doc: &Automerge) -> Option<ReadView> {
    use automerge::ROOT;
    let kind: String = autosurgeon::hydrate_prop(doc, ROOT, "kind").ok()?;
    match kind.as_str() {
        crate::task::TASK_KIND => Some(ReadView::Task {
            organisation: autosurgeon::hydrate_prop(doc, ROOT, "organisation").ok()?,
            status: autosurgeon::hydrate_prop(doc, ROOT, "status").ok()?,
        }),
        PROFILE_KIND => Some(ReadView::Profile {
            owner: autosurgeon::hydrate_prop(doc, ROOT, "owner").ok()?,
            consent: autosurgeon::hydrate_prop(doc, ROOT, "consent").ok()?,
        }),
        _ => None,
    }
}

/// Whether `who` may read a document with this view. `signed_up_with(person, organisation)`
/// answers whether the person has signed up for a task of the organisation (the relay keeps
/// that index over the task documents).
pub fn may_read(
    who: &Principal,
    view: &ReadView,
    signed_up_with: impl Fn(&PersonId, &OrganisationId) -> bool,
) -> bool {
    match view {
        ReadView::Task {
            organisation,
            status,
        } => *status != TaskStatus::Draft || who.coordinates(organisation),
        ReadView::Profile { owner, consent } => {
            may_read_profile(who, owner, *consent, signed_up_with)
        }
    }
}

/// The consent table: the owner always; staff and admins if the volunteer said yes to
/// staff; coordinators if the volunteer chose all coordinators, or chose "my organisations"
/// and has signed up for a task of an organisation the coordinator runs; no other volunteer.
pub fn may_read_profile(
    who: &Principal,
    owner: &PersonId,
    consent: Consent,
    signed_up_with: impl Fn(&PersonId, &OrganisationId) -> bool,
) -> bool {
    if who.person == *owner {
        return true;
    }
    match who.role {
        Role::Staff | Role::Admin => consent.staff,
        Role::Coordinator => match consent.coordinators {
            CoordinatorConsent::All => true,
            CoordinatorConsent::SignedUp => who
                .organisations
                .iter()
                .any(|org| signed_up_with(owner, org)),
            CoordinatorConsent::Nobody => false,
        },
        Role::Volunteer => false,
    }
}

/// The fields a profile document may hold at its root.
const PROFILE_FIELDS: &[&str] = &[
    "kind",
    "schema",
    "owner",
    "name",
    "phone",
    "email",
    "towns",
    "travel_km",
    "areas",
    "skills",
    "languages",
    "availability",
    "away",
    "experience",
    "offer",
    "child_certificate",
    "consent",
    "created_at",
    "updated_at",
];

/// Judges a write to the profile document `id` by `who`: only the owner writes a profile, a
/// new one only at the id derived from their own person id, its `kind` and `owner` never
/// change, it holds only known fields, and the result must be valid.
pub fn check_profile_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Profile>,
    after: &Profile,
    paths: &[Path],
) -> Result<(), Refusal> {
    let owner = before.map_or(&after.owner, |b| &b.owner);
    if *owner != who.person
        || after.owner != who.person
        || *id != crate::profile::profile_document_id(&who.person)
    {
        return Err(Refusal::NotYourProfile);
    }
    for path in paths {
        let known = path
            .first()
            .is_none_or(|field| PROFILE_FIELDS.contains(&field.as_str()));
        if !known {
            return Err(Refusal::Forbidden {
                path: path.join("/"),
            });
        }
    }
    after.validate().map_err(Refusal::InvalidProfile)
}

/// The paths the change writes, resolved in `doc`, the document with the change applied
/// (see the module comment): for every op, the path of its target object in `doc` plus the
/// op's map key (an op inside a list or text stops at the list's path). Costs in proportion to
/// the change (its ops, and one look-up per object it targets), not to the document.
///
/// Refuses with [`Refusal::UnknownObject`] an op on an object that `doc` does not contain or
/// that was not visible at the change's own dependencies (unless the change made it).
pub fn change_paths(doc: &Automerge, change: &Change) -> Result<Vec<Path>, Refusal> {
    use automerge::legacy::{Key, ObjectId};
    let prop = |p: &Prop| match p {
        Prop::Map(k) => k.clone(),
        Prop::Seq(i) => i.to_string(),
    };
    let expanded = change.decode();
    let start = change.start_op().get();
    let end = start + change.len() as u64;
    let mut objects: std::collections::HashMap<String, Path> = std::collections::HashMap::new();
    let mut paths = Vec::with_capacity(expanded.operations.len());
    for op in &expanded.operations {
        let mut path = match &op.obj {
            ObjectId::Root => Vec::new(),
            ObjectId::Id(id) => {
                let name = format!("{}@{}", id.0, id.1);
                if let Some(path) = objects.get(&name) {
                    path.clone()
                } else {
                    let made_here = id.1 == expanded.actor_id && (start..end).contains(&id.0);
                    let (obj, _) = doc.import(&name).map_err(|_| Refusal::UnknownObject)?;
                    if !made_here {
                        // The object must be in the change's own history: visible, with every
                        // object above it, at the change's dependencies.
                        let seen = doc
                            .parents_at(&obj, change.deps())
                            .ok()
                            .and_then(|p| p.visible_path())
                            .is_some();
                        if !seen {
                            return Err(Refusal::UnknownObject);
                        }
                    }
                    let path: Path = doc
                        .parents(&obj)
                        .map_err(|_| Refusal::UnknownObject)?
                        .path()
                        .iter()
                        .map(|(_, p)| prop(p))
                        .collect();
                    objects.insert(name, path.clone());
                    path
                }
            }
        };
        if let Key::Map(key) = &op.key {
            path.push(key.to_string());
        }
        paths.push(path);
    }
    Ok(paths)
}

/// Whether `path` is a place the task schema has: known fields only, at every level (an
/// unknown key anywhere would be stored and synced to every device, and hydration would never
/// notice it). Lists (skills) stop at the list.
fn task_shape(path: &[&str]) -> bool {
    matches!(
        path,
        ["kind" | "schema" | "organisation" | "created_at" | "title" | "description" | "area"]
            | ["town" | "place" | "status" | "updated_at" | "skills" | "contact"]
            | ["contact", "name" | "phone" | "email"]
            | ["shifts"]
            | ["shifts", _]
            | [
                "shifts",
                _,
                "start" | "end" | "capacity" | "signups" | "decisions"
            ]
            | ["shifts", _, "signups", _]
            | ["shifts", _, "signups", _, "state" | "at"]
            | ["shifts", _, "decisions", _]
            | ["shifts", _, "decisions", _, "decision" | "by" | "at"]
            | ["invitations"]
            | ["invitations", _]
            | ["invitations", _, "shift" | "by" | "at" | "answer"]
    )
}

/// Judges a write to a task document by `who`: `before` is the task at the relay (`None` when
/// the change creates it), `after` the task with the change applied, `paths` what the change
/// wrote ([`change_paths`]), `now` the relay's clock.
pub fn check_task_write(
    who: &Principal,
    before: Option<&Task>,
    after: &Task,
    paths: &[Path],
    now: Millis,
) -> Result<(), Refusal> {
    check_task_write_within(
        who,
        before,
        after,
        paths,
        SignupWindow {
            now,
            not_before: Millis::MIN,
        },
    )
}

/// The times a new or changed sign-up may carry, from the relay's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupWindow {
    /// The relay's clock when the change arrived; a sign-up may be at most [`CLOCK_SLACK`]
    /// ahead of it.
    pub now: Millis,
    /// The writer's device was last in contact with the relay at this time (or signed in then),
    /// so a sign-up it made offline cannot be older, less [`CLOCK_SLACK`]. This is what stops a
    /// device from back-dating a sign-up to jump a waitlist: it can claim no earlier time than
    /// it could honestly have had.
    pub not_before: Millis,
}

/// [`check_task_write`] with the relay's bounds on sign-up times.
pub fn check_task_write_within(
    who: &Principal,
    before: Option<&Task>,
    after: &Task,
    paths: &[Path],
    window: SignupWindow,
) -> Result<(), Refusal> {
    // The organisation a write is judged against is the one the task belonged to; a new task's
    // is the one it is created for.
    let org = before.map_or(&after.organisation, |b| &b.organisation);
    let runs_it = who.coordinates(org);
    for path in paths {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let allowed = task_shape(&p)
            && match p.as_slice() {
                // One's own sign-up entry and its fields.
                ["shifts", _, "signups", person, ..] => *person == who.person.as_str(),
                // One's answer to an invitation; the invitation itself is the organisation's.
                ["invitations", person, "answer"] => *person == who.person.as_str() || runs_it,
                ["invitations", ..] => runs_it,
                // Fixed at creation: what the document is and whose.
                ["kind" | "schema" | "organisation" | "created_at", ..] => {
                    before.is_none() && runs_it
                }
                // Everything else is the organisation's to run: known fields only.
                [
                    "title" | "description" | "area" | "town" | "place" | "skills" | "contact"
                    | "status" | "updated_at" | "shifts",
                    ..,
                ] => runs_it,
                _ => false,
            };
        if !allowed {
            return Err(Refusal::Forbidden {
                path: path.join("/"),
            });
        }
    }
    check_signups(who, before, after, window)?;
    check_invitations(who, before, after)?;
    after.validate().map_err(Refusal::Invalid)?;
    Ok(())
}

/// A new or changed invitation must be signed by the coordinator who writes it, and only a
/// published task invites; an answer changes nothing but the answer.
fn check_invitations(who: &Principal, before: Option<&Task>, after: &Task) -> Result<(), Refusal> {
    for (person, invitation) in &after.invitations {
        let old = before.and_then(|b| b.invitations.get(person));
        let same_but_answer = old.is_some_and(|o| {
            o.shift == invitation.shift && o.by == invitation.by && o.at == invitation.at
        });
        if old == Some(invitation) || same_but_answer {
            continue;
        }
        if invitation.by != who.person {
            return Err(Refusal::DecisionNotByYou);
        }
        if after.status != TaskStatus::Published {
            return Err(Refusal::NotOpen);
        }
    }
    Ok(())
}

/// Path rules cannot see a shift deleted with other people's sign-ups in it, or a coordinator's
/// decision signed with someone else's name; these are checked on the content.
fn check_signups(
    who: &Principal,
    before: Option<&Task>,
    after: &Task,
    window: SignupWindow,
) -> Result<(), Refusal> {
    let SignupWindow { now, not_before } = window;
    let empty = Task {
        shifts: Default::default(),
        ..after.clone()
    };
    let before = before.unwrap_or(&empty);
    let shift_ids = before.shifts.keys().chain(after.shifts.keys());
    for id in shift_ids {
        let (old, new) = (before.shifts.get(id), after.shifts.get(id));
        let signups =
            |s: Option<&crate::task::Shift>| s.map(|s| s.signups.clone()).unwrap_or_default();
        let (old_signups, new_signups) = (signups(old), signups(new));
        for person in old_signups.keys().chain(new_signups.keys()) {
            let (was, is) = (old_signups.get(person), new_signups.get(person));
            if was == is {
                continue;
            }
            if *person != who.person {
                return Err(Refusal::OthersSignup);
            }
            if let Some(signup) = is {
                if signup.state == SignupState::SignedUp && after.status != TaskStatus::Published {
                    return Err(Refusal::NotOpen);
                }
                if signup.at > now + CLOCK_SLACK
                    || signup.at < after.created_at
                    || signup.at < not_before.saturating_sub(CLOCK_SLACK)
                {
                    return Err(Refusal::Implausible);
                }
                // Taking a place (a new entry, or withdrawn back to signed up) only before the
                // shift starts. Judged by the sign-up's own time, not the relay's clock, so a
                // sign-up made offline before the start still counts when it arrives later
                // (its time is bounded by the window above). Withdrawing is always allowed.
                let takes_place = signup.state == SignupState::SignedUp
                    && was.is_none_or(|w| w.state == SignupState::Withdrawn);
                if takes_place && new.is_some_and(|s| s.has_started(signup.at)) {
                    return Err(Refusal::ShiftStarted);
                }
            }
        }
        let decisions =
            |s: Option<&crate::task::Shift>| s.map(|s| s.decisions.clone()).unwrap_or_default();
        let (old_decisions, new_decisions) = (decisions(old), decisions(new));
        for (person, decision) in &new_decisions {
            if old_decisions.get(person) != Some(decision) && decision.by != who.person {
                return Err(Refusal::DecisionNotByYou);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ShiftId;
    use crate::task::{Area, Decision, DecisionEntry, Shift, Signup};
    use automerge::AutoCommit;

    const NOW: Millis = 1_800_000_000_000;
    /// When the test task's shift starts: a day after `NOW`.
    const START: Millis = NOW + 86_400_000;

    fn person(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    fn who(name: &str, role: Role, orgs: &[&str]) -> Principal {
        Principal {
            person: person(name),
            role,
            organisations: orgs.iter().map(|o| o.parse().unwrap()).collect(),
        }
    }

    fn vagt() -> ShiftId {
        "vagt-1".parse().unwrap()
    }

    fn task() -> Task {
        let mut t = Task::draft("klub".parse().unwrap(), "Kiosk", Area::Sport, NOW - 1000);
        t.shifts
            .insert(vagt(), Shift::new(START, START + 7_200_000, 1));
        t.status = TaskStatus::Published;
        t
    }

    /// The task before and after `edit`, and the paths the edit wrote, as the relay sees them.
    fn write(before: Option<&Task>, edit: impl FnOnce(&mut Task)) -> (Task, Vec<Path>) {
        let mut doc = AutoCommit::new();
        if let Some(before) = before {
            autosurgeon::reconcile(&mut doc, before).unwrap();
        }
        doc.commit(); // the edit below is a change of its own
        let mut after = before.cloned().unwrap_or_else(task);
        edit(&mut after);
        autosurgeon::reconcile(&mut doc, &after).unwrap();
        let heads = doc.get_heads();
        let change = doc
            .document()
            .get_change_by_hash(&heads[0])
            .unwrap()
            .clone();
        let paths = change_paths(doc.document(), &change).unwrap();
        (after, paths)
    }

    fn sign_up(t: &mut Task, name: &str, at: Millis) {
        t.shifts.get_mut(&vagt()).unwrap().signups.insert(
            person(name),
            Signup {
                state: SignupState::SignedUp,
                at,
            },
        );
    }

    /// A hand-built change by a fresh actor: one `put` of `value` at `key` on the object whose
    /// id is `obj` (as automerge prints it), with the dependencies `deps`.
    fn forged(
        obj: &automerge::ObjId,
        key: &str,
        value: &str,
        deps: Vec<automerge::ChangeHash>,
        start_op: u64,
    ) -> Change {
        use automerge::legacy::{Key, ObjectId, Op, OpId, OpType};
        let text = obj.to_string();
        let (counter, actor) = text.split_once('@').unwrap();
        let target = ObjectId::Id(OpId(
            counter.parse().unwrap(),
            automerge::ActorId::from(hex_bytes(actor)),
        ));
        Change::from(automerge::ExpandedChange {
            operations: vec![Op {
                action: OpType::Put(automerge::ScalarValue::Str(value.into())),
                obj: target,
                key: Key::Map(key.into()),
                pred: automerge::legacy::SortedVec::new(),
                insert: false,
            }],
            actor_id: automerge::ActorId::from(b"forger-forger-01".to_vec()),
            hash: None,
            seq: 1,
            start_op: std::num::NonZeroU64::new(start_op).unwrap(),
            time: 0,
            message: None,
            deps,
            extra_bytes: Vec::new(),
            author: None,
        })
    }

    fn hex_bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A change whose dependencies omit the object it writes to is refused, not judged by the
    /// empty diff against those dependencies; with honest dependencies its real path is seen.
    #[test]
    fn an_op_is_judged_where_it_lands_in_the_document() {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, task()).unwrap();
        let heads = doc.get_heads();
        let contact = match doc.get(automerge::ROOT, "contact").unwrap() {
            Some((_, id)) => id,
            None => panic!("no contact"),
        };
        let mut stored = doc.document().clone();
        let hidden = forged(&contact, "email", "evil@example.com", Vec::new(), 1);
        stored.apply_changes([hidden.clone()]).unwrap();
        assert_eq!(
            change_paths(&stored, &hidden),
            Err(Refusal::UnknownObject),
            "a write whose history lacks its object"
        );

        let mut stored = doc.document().clone();
        let honest = forged(&contact, "email", "evil@example.com", heads, 10_000);
        stored.apply_changes([honest.clone()]).unwrap();
        assert_eq!(
            change_paths(&stored, &honest).unwrap(),
            vec![vec!["contact".to_owned(), "email".to_owned()]]
        );
        let anna = who("anna", Role::Volunteer, &[]);
        let after: Task = autosurgeon::hydrate(&stored).unwrap();
        assert!(matches!(
            check_task_write(
                &anna,
                Some(&task()),
                &after,
                &change_paths(&stored, &honest).unwrap(),
                NOW
            ),
            Err(Refusal::Forbidden { .. })
        ));
    }

    /// Keys the schema does not have are refused at every level, even under one's own
    /// sign-up entry.
    #[test]
    fn unknown_keys_are_refused_even_in_ones_own_sign_up() {
        let anna = who("anna", Role::Volunteer, &[]);
        let before = task();
        let path = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Path>();
        for bad in [
            path(&["shifts", "vagt-1", "signups", "anna", "x"]),
            path(&["shifts", "vagt-1", "signups", "anna", "state", "deeper"]),
        ] {
            assert!(matches!(
                check_task_write(&anna, Some(&before), &before, &[bad], NOW),
                Err(Refusal::Forbidden { .. })
            ));
        }
        let bo = who("bo", Role::Coordinator, &["klub"]);
        assert!(matches!(
            check_task_write(
                &bo,
                Some(&before),
                &before,
                &[path(&["contact", "fax"])],
                NOW
            ),
            Err(Refusal::Forbidden { .. })
        ));
    }

    /// A sign-up older than the writer's last contact with the relay is back-dated.
    #[test]
    fn a_sign_up_cannot_be_back_dated_past_the_devices_last_contact() {
        let anna = who("anna", Role::Volunteer, &[]);
        let mut before = task();
        before.created_at = NOW - 86_400_000;
        let window = |not_before| SignupWindow {
            now: NOW,
            not_before,
        };
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", NOW - 3_600_000));
        assert_eq!(
            check_task_write_within(
                &anna,
                Some(&before),
                &after,
                &paths,
                window(NOW - 7_200_000)
            ),
            Ok(()),
            "made offline after the last contact"
        );
        assert_eq!(
            check_task_write_within(&anna, Some(&before), &after, &paths, window(NOW - 60_000)),
            Err(Refusal::Implausible),
            "older than the last contact"
        );
    }

    #[test]
    fn paths_are_what_the_change_wrote() {
        let before = task();
        let (_, paths) = write(Some(&before), |t| {
            t.title = "Ny".into();
            sign_up(t, "anna", NOW);
        });
        assert!(paths.contains(&vec!["title".to_owned()]));
        assert!(
            paths
                .iter()
                .any(|p| p[..] == ["shifts", "vagt-1", "signups", "anna"])
        );
    }

    #[test]
    fn a_volunteer_writes_only_their_own_sign_up() {
        let anna = who("anna", Role::Volunteer, &[]);
        let before = task();
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", NOW));
        assert_eq!(
            check_task_write(&anna, Some(&before), &after, &paths, NOW),
            Ok(())
        );

        let (after, paths) = write(Some(&before), |t| sign_up(t, "bent", NOW));
        assert!(matches!(
            check_task_write(&anna, Some(&before), &after, &paths, NOW),
            Err(Refusal::Forbidden { .. })
        ));

        let (after, paths) = write(Some(&before), |t| t.description = "hacked".into());
        assert_eq!(
            check_task_write(&anna, Some(&before), &after, &paths, NOW),
            Err(Refusal::Forbidden {
                path: "description".into()
            })
        );

        // Creating a task is running an organisation.
        let (after, paths) = write(None, |_| {});
        assert!(check_task_write(&anna, None, &after, &paths, NOW).is_err());
    }

    #[test]
    fn sign_ups_must_be_open_and_plausible() {
        let anna = who("anna", Role::Volunteer, &[]);
        let mut draft = task();
        draft.status = TaskStatus::Draft;
        let (after, paths) = write(Some(&draft), |t| sign_up(t, "anna", NOW));
        assert_eq!(
            check_task_write(&anna, Some(&draft), &after, &paths, NOW),
            Err(Refusal::NotOpen)
        );
        let before = task();
        for at in [0, NOW + CLOCK_SLACK + 1] {
            let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", at));
            assert_eq!(
                check_task_write(&anna, Some(&before), &after, &paths, NOW),
                Err(Refusal::Implausible),
                "at {at}"
            );
        }
    }

    /// A sign-up that takes a place must be made before the shift starts; the relay's clock
    /// may be later (a sign-up made offline before the start arrives after it).
    #[test]
    fn a_place_is_taken_only_before_the_shift_starts() {
        let anna = who("anna", Role::Volunteer, &[]);
        let before = task();
        // The relay judges an hour after the start.
        let after_start = START + 3_600_000;
        let window = |now| SignupWindow {
            now,
            not_before: NOW,
        };
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", START));
        assert_eq!(
            check_task_write_within(&anna, Some(&before), &after, &paths, window(after_start)),
            Err(Refusal::ShiftStarted),
            "signed up as it started"
        );
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", START + 60_000));
        assert_eq!(
            check_task_write_within(&anna, Some(&before), &after, &paths, window(after_start)),
            Err(Refusal::ShiftStarted),
            "signed up after it started"
        );
        let (signed_up, paths) = write(Some(&before), |t| sign_up(t, "anna", START - 1));
        assert_eq!(
            check_task_write_within(
                &anna,
                Some(&before),
                &signed_up,
                &paths,
                window(after_start)
            ),
            Ok(()),
            "signed up offline just before the start, arriving after it"
        );

        // Withdrawing after the start is allowed; signing up again then is not.
        let withdraw = |t: &mut Task| {
            let entry = t
                .shifts
                .get_mut(&vagt())
                .unwrap()
                .signups
                .get_mut(&person("anna"))
                .unwrap();
            entry.state = SignupState::Withdrawn;
            entry.at = START + 60_000;
        };
        let (withdrawn, paths) = write(Some(&signed_up), withdraw);
        assert_eq!(
            check_task_write_within(
                &anna,
                Some(&signed_up),
                &withdrawn,
                &paths,
                window(after_start)
            ),
            Ok(())
        );
        let (again, paths) = write(Some(&withdrawn), |t| sign_up(t, "anna", START + 120_000));
        assert_eq!(
            check_task_write_within(&anna, Some(&withdrawn), &again, &paths, window(after_start)),
            Err(Refusal::ShiftStarted)
        );
        // Undoing a withdrawal made before the start restores a time before it: allowed.
        let (undone, paths) = write(Some(&withdrawn), |t| sign_up(t, "anna", START - 1));
        assert_eq!(
            check_task_write_within(
                &anna,
                Some(&withdrawn),
                &undone,
                &paths,
                window(after_start)
            ),
            Ok(())
        );
        // A withdrawn entry written after the start takes no place.
        let (late_no, paths) = write(Some(&before), withdraw_new("anna", START + 60_000));
        assert_eq!(
            check_task_write_within(&anna, Some(&before), &late_no, &paths, window(after_start)),
            Ok(())
        );
    }

    fn withdraw_new(name: &'static str, at: Millis) -> impl FnOnce(&mut Task) {
        move |t: &mut Task| {
            t.shifts.get_mut(&vagt()).unwrap().signups.insert(
                person(name),
                Signup {
                    state: SignupState::Withdrawn,
                    at,
                },
            );
        }
    }

    #[test]
    fn the_shift_started_refusal_reads_in_both_languages() {
        assert_eq!(Refusal::ShiftStarted.code(), "shift-started");
        assert_eq!(
            Refusal::describe_code("shift-started", Lang::Da),
            "Vagten var allerede begyndt, da du tilmeldte dig, så tilmeldingen blev ikke gemt."
        );
        assert_eq!(
            Refusal::describe_code("shift-started", Lang::En),
            "The shift had already started when you signed up, so the sign-up was not kept."
        );
    }

    #[test]
    fn coordinators_run_their_own_organisations_tasks_only() {
        let bo = who("bo", Role::Coordinator, &["klub"]);
        let other = who("eva", Role::Coordinator, &["bibliotek"]);
        let carla = who("carla", Role::Staff, &[]);
        let before = task();
        let (after, paths) = write(Some(&before), |t| t.description = "Ny".into());
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Ok(())
        );
        assert_eq!(
            check_task_write(&carla, Some(&before), &after, &paths, NOW),
            Ok(())
        );
        assert!(check_task_write(&other, Some(&before), &after, &paths, NOW).is_err());

        let (after, paths) = write(None, |_| {});
        assert_eq!(check_task_write(&bo, None, &after, &paths, NOW), Ok(()));
        assert!(check_task_write(&other, None, &after, &paths, NOW).is_err());

        // Moving a task to another organisation is not editing it.
        let (after, paths) = write(Some(&before), |t| {
            t.organisation = "bibliotek".parse().unwrap();
        });
        assert!(check_task_write(&bo, Some(&before), &after, &paths, NOW).is_err());
    }

    #[test]
    fn coordinators_decide_in_their_own_name_and_keep_others_sign_ups() {
        let bo = who("bo", Role::Coordinator, &["klub"]);
        let mut before = task();
        sign_up(&mut before, "anna", NOW - 10);
        let decide = |by: &'static str| {
            move |t: &mut Task| {
                t.shifts.get_mut(&vagt()).unwrap().decisions.insert(
                    person("anna"),
                    DecisionEntry {
                        decision: Decision::Confirmed,
                        by: person(by),
                        at: NOW,
                    },
                );
            }
        };
        let (after, paths) = write(Some(&before), decide("bo"));
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Ok(())
        );
        let (after, paths) = write(Some(&before), decide("carla"));
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Err(Refusal::DecisionNotByYou)
        );
        // Deleting a shift with sign-ups deletes someone else's sign-up.
        let (after, paths) = write(Some(&before), |t| {
            t.shifts.clear();
            t.shifts
                .insert("vagt-2".parse().unwrap(), Shift::new(NOW + 10, NOW + 20, 1));
        });
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Err(Refusal::OthersSignup)
        );
        // Changing someone's sign-up is refused even for a coordinator.
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", NOW));
        assert!(check_task_write(&bo, Some(&before), &after, &paths, NOW).is_err());
    }

    #[test]
    fn an_invalid_result_or_an_unknown_field_is_refused() {
        let bo = who("bo", Role::Coordinator, &["klub"]);
        let before = task();
        let (after, paths) = write(Some(&before), |t| t.title = " ".into());
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Err(Refusal::Invalid(TaskError::TitleEmpty))
        );
        let paths = vec![vec!["evil".to_owned()]];
        assert!(check_task_write(&bo, Some(&before), &before, &paths, NOW).is_err());
    }

    #[test]
    fn drafts_are_read_by_those_who_run_the_organisation() {
        let mut t = task();
        t.status = TaskStatus::Draft;
        assert!(!may_read_task(&who("anna", Role::Volunteer, &[]), &t));
        assert!(may_read_task(&who("bo", Role::Coordinator, &["klub"]), &t));
        assert!(!may_read_task(&who("eva", Role::Coordinator, &["x"]), &t));
        assert!(may_read_task(&who("carla", Role::Staff, &[]), &t));
        t.status = TaskStatus::Published;
        assert!(may_read_task(&who("anna", Role::Volunteer, &[]), &t));
    }

    #[test]
    fn the_read_view_agrees_with_the_whole_task() {
        for status in [
            TaskStatus::Draft,
            TaskStatus::Published,
            TaskStatus::Cancelled,
        ] {
            let mut t = task();
            t.status = status;
            let mut doc = AutoCommit::new();
            autosurgeon::reconcile(&mut doc, &t).unwrap();
            let view = read_view(doc.document()).unwrap();
            for reader in [
                who("anna", Role::Volunteer, &[]),
                who("bo", Role::Coordinator, &["klub"]),
                who("eva", Role::Coordinator, &["x"]),
            ] {
                assert_eq!(
                    may_read(&reader, &view, |_, _| false),
                    may_read_task(&reader, &t)
                );
            }
        }
        assert_eq!(read_view(&Automerge::new()), None);
    }

    #[test]
    fn the_consent_table() {
        use crate::profile::{Consent, CoordinatorConsent as C};
        let owner = person("anna");
        // Anna has signed up with "klub" only.
        let signed_up =
            |p: &PersonId, o: &OrganisationId| p.as_str() == "anna" && o.as_str() == "klub";
        let readers = [
            ("owner", who("anna", Role::Volunteer, &[])),
            ("staff", who("carla", Role::Staff, &[])),
            ("admin", who("dan", Role::Admin, &[])),
            (
                "coordinator, signed up with",
                who("bo", Role::Coordinator, &["klub"]),
            ),
            (
                "coordinator, other",
                who("eva", Role::Coordinator, &["bibliotek"]),
            ),
            ("volunteer", who("bent", Role::Volunteer, &[])),
        ];
        // (staff, coordinators) -> who may read, in the order above.
        let table = [
            (
                (false, C::Nobody),
                [true, false, false, false, false, false],
            ),
            ((true, C::Nobody), [true, true, true, false, false, false]),
            (
                (false, C::SignedUp),
                [true, false, false, true, false, false],
            ),
            ((true, C::SignedUp), [true, true, true, true, false, false]),
            ((false, C::All), [true, false, false, true, true, false]),
            ((true, C::All), [true, true, true, true, true, false]),
        ];
        for ((staff, coordinators), expected) in table {
            let consent = Consent {
                staff,
                coordinators,
            };
            for ((name, reader), allowed) in readers.iter().zip(expected) {
                assert_eq!(
                    may_read_profile(reader, &owner, consent, signed_up),
                    allowed,
                    "{name} with staff={staff} coordinators={coordinators}"
                );
            }
        }
    }

    #[test]
    fn only_the_owner_writes_a_profile_at_their_own_id() {
        use crate::profile::{Profile, profile_document_id};
        let anna = who("anna", Role::Volunteer, &[]);
        let carla = who("carla", Role::Staff, &[]);
        let id = profile_document_id(&anna.person);
        let profile = Profile::new(anna.person.clone(), "Anna", NOW);
        let name = vec![vec!["name".to_owned()]];
        assert_eq!(
            check_profile_write(&anna, &id, None, &profile, &name),
            Ok(())
        );
        assert_eq!(
            check_profile_write(&carla, &id, Some(&profile), &profile, &name),
            Err(Refusal::NotYourProfile)
        );
        // Not at someone else's id, and not someone else's profile at one's own id.
        let bent = profile_document_id(&person("bent"));
        assert_eq!(
            check_profile_write(&anna, &bent, None, &profile, &name),
            Err(Refusal::NotYourProfile)
        );
        let mut given_away = profile.clone();
        given_away.owner = person("bent");
        assert_eq!(
            check_profile_write(&anna, &id, Some(&profile), &given_away, &name),
            Err(Refusal::NotYourProfile)
        );
        let evil = vec![vec!["evil".to_owned()]];
        assert!(check_profile_write(&anna, &id, Some(&profile), &profile, &evil).is_err());
        let mut nameless = profile.clone();
        nameless.name.clear();
        assert_eq!(
            check_profile_write(&anna, &id, Some(&profile), &nameless, &name),
            Err(Refusal::InvalidProfile(
                crate::profile::ProfileError::NameMissing
            ))
        );
    }

    #[test]
    fn coordinators_invite_and_only_the_invited_answer() {
        use crate::task::{Invitation, InvitationAnswer};
        let bo = who("bo", Role::Coordinator, &["klub"]);
        let anna = who("anna", Role::Volunteer, &[]);
        let bent = who("bent", Role::Volunteer, &[]);
        let before = task();
        let invite = |by: &'static str| {
            move |t: &mut Task| {
                t.invitations.insert(
                    person("anna"),
                    Invitation {
                        shift: vagt(),
                        by: person(by),
                        at: NOW,
                        answer: InvitationAnswer::Pending,
                    },
                );
            }
        };
        let (invited, paths) = write(Some(&before), invite("bo"));
        assert_eq!(
            check_task_write(&bo, Some(&before), &invited, &paths, NOW),
            Ok(())
        );
        assert!(check_task_write(&anna, Some(&before), &invited, &paths, NOW).is_err());
        let (after, paths) = write(Some(&before), invite("carla"));
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Err(Refusal::DecisionNotByYou)
        );
        // Anna accepts: her answer and her sign-up.
        let (accepted, paths) = write(Some(&invited), |t| {
            t.invitations.get_mut(&person("anna")).unwrap().answer = InvitationAnswer::Accepted;
            sign_up(t, "anna", NOW);
        });
        assert_eq!(
            check_task_write(&anna, Some(&invited), &accepted, &paths, NOW),
            Ok(())
        );
        // Bent may not answer for her, nor move her invitation.
        let (answered, paths) = write(Some(&invited), |t| {
            t.invitations.get_mut(&person("anna")).unwrap().answer = InvitationAnswer::Declined;
        });
        assert!(check_task_write(&bent, Some(&invited), &answered, &paths, NOW).is_err());
        let (moved, paths) = write(Some(&invited), |t| {
            t.invitations.get_mut(&person("anna")).unwrap().at = NOW + 1;
        });
        assert!(check_task_write(&anna, Some(&invited), &moved, &paths, NOW).is_err());
        // A draft does not invite.
        let mut draft = task();
        draft.status = TaskStatus::Draft;
        let (after, paths) = write(Some(&draft), invite("bo"));
        assert_eq!(
            check_task_write(&bo, Some(&draft), &after, &paths, NOW),
            Err(Refusal::NotOpen)
        );
    }

    #[test]
    fn a_task_written_before_invitations_existed_reads() {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, task()).unwrap();
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "invitations")
            .unwrap();
        let back: Task = autosurgeon::hydrate(&doc).unwrap();
        assert!(back.invitations.is_empty());
    }
}
