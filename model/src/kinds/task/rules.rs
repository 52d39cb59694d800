//! Who may read a task and how a write to one is judged: the path rules (known fields only,
//! at every level; a volunteer writes only their own sign-up; the organisation's coordinators
//! run the rest), the content rules the paths cannot see (sign-up times, decisions and
//! invitations in the writer's own name), and the task's own refusals with their sentences.

use automerge::{Automerge, ObjId, ObjType, ROOT, ReadDoc};

use crate::authz::{CLOCK_SLACK, Path, Principal, Refusal, SignupWindow};
use crate::kinds::{DocumentKind, KindRefusal, NarrowWrite};
use crate::lang::Lang;
use crate::task::{Millis, Signup, SignupState, Task, TaskError, TaskKind, TaskStatus, limits};

/// Why a write to a task was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskRefusal {
    #[error("{0}")]
    Invalid(TaskError),
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
}

impl KindRefusal for TaskRefusal {
    fn code(&self) -> &'static str {
        match self {
            TaskRefusal::Invalid(_) => "invalid",
            TaskRefusal::OthersSignup => "others-signup",
            TaskRefusal::DecisionNotByYou => "decision-not-by-you",
            TaskRefusal::NotOpen => "not-open",
            TaskRefusal::Implausible => "implausible",
            TaskRefusal::ShiftStarted => "shift-started",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (TaskRefusal::Invalid(e), lang) => e.describe(lang),
            (TaskRefusal::OthersSignup, Lang::Da) => "Du kan kun ændre din egen tilmelding.".into(),
            (TaskRefusal::DecisionNotByYou, Lang::Da) => {
                "En beslutning skal stå i den koordinators navn, der træffer den.".into()
            }
            (TaskRefusal::NotOpen, Lang::Da) => {
                "Der kan kun tilmeldes, mens opgaven er offentliggjort.".into()
            }
            (TaskRefusal::Implausible, Lang::Da) => {
                "Tidspunktet for tilmeldingen kan ikke passe. Tjek enhedens ur.".into()
            }
            (TaskRefusal::ShiftStarted, Lang::Da) => {
                "Vagten var allerede begyndt, da du tilmeldte dig, så tilmeldingen blev ikke gemt."
                    .into()
            }
            (TaskRefusal::ShiftStarted, Lang::En) => {
                "The shift had already started when you signed up, so the sign-up was not kept."
                    .into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        let sample = match code {
            "invalid" => {
                return Some(match lang {
                    Lang::Da => "Ændringen gjorde opgaven ugyldig og blev afvist.".into(),
                    Lang::En => "The change made the task invalid and was refused.".into(),
                });
            }
            "others-signup" => TaskRefusal::OthersSignup,
            "decision-not-by-you" => TaskRefusal::DecisionNotByYou,
            "not-open" => TaskRefusal::NotOpen,
            "implausible" => TaskRefusal::Implausible,
            "shift-started" => TaskRefusal::ShiftStarted,
            _ => return None,
        };
        Some(sample.describe(lang))
    }
}

/// Whether `who` may read `task`: published, cancelled and finished tasks are for everyone
/// signed in; drafts only for those who run the organisation.
pub fn may_read_task(who: &Principal, task: &Task) -> bool {
    task.status != TaskStatus::Draft || who.coordinates(&task.organisation)
}

/// Whether `path` is a place the task schema has: known fields only, at every level (an
/// unknown key anywhere would be stored and synced to every device, and hydration would never
/// notice it). Lists (skills) stop at the list.
fn task_shape(path: &[&str]) -> bool {
    if let [root] = path {
        return TaskKind::FIELDS.contains(root);
    }
    matches!(
        path,
        ["contact", "name" | "phone" | "email"]
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
    after
        .validate()
        .map_err(|e| Refusal::from(TaskRefusal::Invalid(e)))?;
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
            return Err(TaskRefusal::DecisionNotByYou.into());
        }
        if after.status != TaskStatus::Published {
            return Err(TaskRefusal::NotOpen.into());
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
                return Err(TaskRefusal::OthersSignup.into());
            }
            let shift_start = new.map(|s| s.start);
            check_own_signup(was, is, after.status, after.created_at, shift_start, window)?;
        }
        let decisions =
            |s: Option<&crate::task::Shift>| s.map(|s| s.decisions.clone()).unwrap_or_default();
        let (old_decisions, new_decisions) = (decisions(old), decisions(new));
        for (person, decision) in &new_decisions {
            if old_decisions.get(person) != Some(decision) && decision.by != who.person {
                return Err(TaskRefusal::DecisionNotByYou.into());
            }
        }
    }
    Ok(())
}

/// One's own sign-up entry changed from `was` to `is` on a task with this status and
/// creation time, on a shift starting at `shift_start`: open, at a plausible time, and a
/// place taken only before the shift starts.
fn check_own_signup(
    was: Option<&Signup>,
    is: Option<&Signup>,
    status: TaskStatus,
    created_at: Millis,
    shift_start: Option<Millis>,
    window: SignupWindow,
) -> Result<(), Refusal> {
    let SignupWindow { now, not_before } = window;
    let Some(signup) = is else {
        // Taking one's entry away entirely is one's own business.
        return Ok(());
    };
    if signup.state == SignupState::SignedUp && status != TaskStatus::Published {
        return Err(TaskRefusal::NotOpen.into());
    }
    if signup.at > now + CLOCK_SLACK
        || signup.at < created_at
        || signup.at < not_before.saturating_sub(CLOCK_SLACK)
    {
        return Err(TaskRefusal::Implausible.into());
    }
    // Taking a place (a new entry, or withdrawn back to signed up) only before the shift
    // starts. Judged by the sign-up's own time, not the relay's clock, so a sign-up made
    // offline before the start still counts when it arrives later (its time is bounded by the
    // window above). Withdrawing is always allowed.
    let takes_place = signup.state == SignupState::SignedUp
        && was.is_none_or(|w| w.state == SignupState::Withdrawn);
    if takes_place && shift_start.is_some_and(|start| start <= signup.at) {
        return Err(TaskRefusal::ShiftStarted.into());
    }
    Ok(())
}

/// The shift ids of a write that touches nothing but `who`'s own sign-up entries
/// (`shifts/<s>/signups/<who>` and its fields), each once; `None` for any other write.
fn own_signup_shifts<'p>(who: &Principal, paths: &'p [Path]) -> Option<Vec<&'p str>> {
    let mut shifts: Vec<&str> = Vec::new();
    for path in paths {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["shifts", shift, "signups", person]
            | ["shifts", shift, "signups", person, "state" | "at"]
                if *person == who.person.as_str() =>
            {
                if !shifts.contains(shift) {
                    shifts.push(shift);
                }
            }
            _ => return None,
        }
    }
    (!shifts.is_empty()).then_some(shifts)
}

/// The sign-up entry of `person` in the roster `signups` (`Ok(None)`: none), or `Err` for
/// an entry that would not hydrate.
pub(crate) fn signup_in(
    doc: &Automerge,
    signups: &ObjId,
    person: &str,
) -> Result<Option<Signup>, ()> {
    match doc.get(signups, person) {
        Ok(None) => Ok(None),
        Ok(Some(_)) => autosurgeon::hydrate_prop(doc, signups, person).map_err(drop),
        Err(_) => Err(()),
    }
}

/// A map object under `obj` at `key`.
fn map_at(doc: &Automerge, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key).ok()?? {
        (automerge::Value::Object(ObjType::Map), id) => Some(id),
        _ => None,
    }
}

/// [`check_task_write_within`] for the commonest write, a volunteer's own sign-up entries,
/// reading only what that judgement reads: the entries before and after, the task's status
/// and creation time, the shift's start and how many entries it holds. Its cost does not grow
/// with the sign-ups already on the shift. `None` for any other write, and wherever the
/// documents are not as a valid task's would be (the whole judgement then decides).
pub fn check_narrow_task_write(w: &NarrowWrite<'_>) -> Option<Result<(), Refusal>> {
    let shifts = own_signup_shifts(w.who, w.paths)?;
    let person = w.who.person.as_str();
    let (before_shifts, after_shifts) = (
        map_at(w.before, &ROOT, "shifts")?,
        map_at(w.after, &ROOT, "shifts")?,
    );
    // The task hydrated whole would fail on any of these as on a malformed entry.
    let malformed = || Some(Err(Refusal::UnknownKind));
    let (Ok(status), Ok(created_at)) = (
        autosurgeon::hydrate_prop::<_, TaskStatus, _, _>(w.after, ROOT, "status"),
        autosurgeon::hydrate_prop::<_, Millis, _, _>(w.after, ROOT, "created_at"),
    ) else {
        return None;
    };
    let mut grown = Vec::new();
    for shift in shifts {
        let before_signups = map_at(
            w.before,
            &map_at(w.before, &before_shifts, shift)?,
            "signups",
        )?;
        let after_shift = map_at(w.after, &after_shifts, shift)?;
        let after_signups = map_at(w.after, &after_shift, "signups")?;
        let Ok(start) =
            autosurgeon::hydrate_prop::<_, Millis, _, _>(w.after, &after_shift, "start")
        else {
            return None;
        };
        let was = signup_in(w.before, &before_signups, person).ok()?;
        let Ok(is) = signup_in(w.after, &after_signups, person) else {
            return malformed();
        };
        if was == is {
            continue;
        }
        if let Err(refusal) = check_own_signup(
            was.as_ref(),
            is.as_ref(),
            status,
            created_at,
            Some(start),
            w.window,
        ) {
            return Some(Err(refusal));
        }
        grown.push(after_signups);
    }
    // As the whole judgement does: the content rules first, then the task's validity, of
    // which only a shift's number of entries can change with one's own entry.
    if grown
        .iter()
        .any(|signups| w.after.length(signups) > limits::SIGNUPS)
    {
        return Some(Err(TaskRefusal::Invalid(TaskError::TooManyEntries(
            limits::SIGNUPS,
        ))
        .into()));
    }
    Some(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::testing::who_in as who;
    use crate::authz::{Role, change_paths, may_read, read_view};
    use crate::ids::PersonId;
    use crate::ids::ShiftId;
    use crate::task::{Area, Decision, DecisionEntry, Shift, Signup};
    use automerge::AutoCommit;
    use automerge::{Automerge, Change, ReadDoc};

    const NOW: Millis = 1_800_000_000_000;
    /// When the test task's shift starts: a day after `NOW`.
    const START: Millis = NOW + 86_400_000;

    fn person(s: &str) -> PersonId {
        s.parse().unwrap()
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
            Err(TaskRefusal::Implausible.into()),
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
            Err(TaskRefusal::NotOpen.into())
        );
        let before = task();
        for at in [0, NOW + CLOCK_SLACK + 1] {
            let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", at));
            assert_eq!(
                check_task_write(&anna, Some(&before), &after, &paths, NOW),
                Err(TaskRefusal::Implausible.into()),
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
            Err(TaskRefusal::ShiftStarted.into()),
            "signed up as it started"
        );
        let (after, paths) = write(Some(&before), |t| sign_up(t, "anna", START + 60_000));
        assert_eq!(
            check_task_write_within(&anna, Some(&before), &after, &paths, window(after_start)),
            Err(TaskRefusal::ShiftStarted.into()),
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
            Err(TaskRefusal::ShiftStarted.into())
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
        let refusal = Refusal::from(TaskRefusal::ShiftStarted);
        assert_eq!(refusal.code(), "opgave.shift-started");
        assert_eq!(
            Refusal::describe_code(&refusal.code(), Lang::Da),
            "Vagten var allerede begyndt, da du tilmeldte dig, så tilmeldingen blev ikke gemt."
        );
        assert_eq!(
            Refusal::describe_code("opgave.shift-started", Lang::En),
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
            Err(TaskRefusal::DecisionNotByYou.into())
        );
        // Deleting a shift with sign-ups deletes someone else's sign-up.
        let (after, paths) = write(Some(&before), |t| {
            t.shifts.clear();
            t.shifts
                .insert("vagt-2".parse().unwrap(), Shift::new(NOW + 10, NOW + 20, 1));
        });
        assert_eq!(
            check_task_write(&bo, Some(&before), &after, &paths, NOW),
            Err(TaskRefusal::OthersSignup.into())
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
            Err(TaskRefusal::Invalid(TaskError::TitleEmpty).into())
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
                    may_read(&reader, &view, &|_: &crate::kinds::Fact| false),
                    may_read_task(&reader, &t)
                );
            }
        }
        assert_eq!(read_view(&Automerge::new()), None);
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
            Err(TaskRefusal::DecisionNotByYou.into())
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
            Err(TaskRefusal::NotOpen.into())
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
