//! Who may read a meeting and how a write to one is judged.
//!
//! - Read: its hosts, note-takers and the municipality's staff always; a draft no one else;
//!   otherwise its audience: everyone signed in, the members of its groups (asked of the
//!   relay's facts), or those invited (the invited read every audience).
//! - Write, by path: a person writes only their own `rsvps/<person>` and their own approval;
//!   anyone who reads the meeting may propose an agenda item in their own name until the
//!   agenda closes, and change it while it is proposed; note-takers (and hosts) write the
//!   check-ins, minutes, decisions and action items, each in their own name; an action item's
//!   owner moves its state; the hosts (and staff) run the rest.

use crate::authz::{CLOCK_SLACK, Path, Principal, Refusal, Role, SignupWindow};
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;

use super::MeetingKind;
use super::schema::{AgendaState, Meeting, MeetingError, MeetingStatus, RsvpAnswer};

/// Why a write to a meeting was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingRefusal {
    #[error("{0}")]
    Invalid(MeetingError),
    #[error("only the meeting's hosts change it")]
    NotHost,
    #[error("you may only change your own answer or proposal")]
    NotYours,
    #[error("an entry must be signed by the person who writes it")]
    NotByYou,
    #[error("the meeting is not open for answers or proposals")]
    Closed,
    #[error("the time of the answer is not plausible")]
    Implausible,
}

impl KindRefusal for MeetingRefusal {
    fn code(&self) -> &'static str {
        match self {
            MeetingRefusal::Invalid(_) => "invalid",
            MeetingRefusal::NotHost => "not-host",
            MeetingRefusal::NotYours => "not-yours",
            MeetingRefusal::NotByYou => "not-by-you",
            MeetingRefusal::Closed => "closed",
            MeetingRefusal::Implausible => "implausible",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (MeetingRefusal::Invalid(e), lang) => e.describe(lang),
            (MeetingRefusal::NotHost, Lang::Da) => "Kun mødets værter kan ændre mødet.".into(),
            (MeetingRefusal::NotYours, Lang::Da) => {
                "Du kan kun ændre dit eget svar eller dit eget forslag.".into()
            }
            (MeetingRefusal::NotByYou, Lang::Da) => {
                "Et punkt skal stå i navnet på den, der skriver det.".into()
            }
            (MeetingRefusal::Closed, Lang::Da) => {
                "Mødet er lukket for tilmelding og forslag.".into()
            }
            (MeetingRefusal::Implausible, Lang::Da) => {
                "Tidspunktet for svaret kan ikke passe. Tjek enhedens ur.".into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        let sample = match code {
            "invalid" => {
                return Some(match lang {
                    Lang::Da => "Ændringen gjorde mødet ugyldigt og blev afvist.".into(),
                    Lang::En => "The change made the meeting invalid and was refused.".into(),
                });
            }
            "not-host" => MeetingRefusal::NotHost,
            "not-yours" => MeetingRefusal::NotYours,
            "not-by-you" => MeetingRefusal::NotByYou,
            "closed" => MeetingRefusal::Closed,
            "implausible" => MeetingRefusal::Implausible,
            _ => return None,
        };
        Some(sample.describe(lang))
    }
}

/// Whether `who` runs a meeting with these hosts: a host, or the municipality's staff.
pub fn runs(who: &Principal, hosts: &[crate::ids::PersonId]) -> bool {
    hosts.contains(&who.person) || matches!(who.role, Role::Staff | Role::Admin)
}

/// Whether `path` is a place the meeting schema has: known fields only, at every level.
/// Lists (hosts, groups, invited) and the minutes text stop at their elements.
fn meeting_shape(path: &[&str]) -> bool {
    if let [root] = path {
        return MeetingKind::FIELDS.contains(root);
    }
    matches!(
        path,
        ["place", "address" | "room" | "step_free" | "hearing_loop"]
            | [
                "hosts" | "note_takers" | "groups" | "invited" | "minutes",
                _
            ]
            | [
                "rsvps"
                    | "agenda"
                    | "attendance"
                    | "decisions"
                    | "actions"
                    | "approvals"
                    | "invited_names",
                _
            ]
            | ["rsvps", _, "answer" | "name" | "on_behalf" | "at"]
            | [
                "agenda",
                _,
                "title" | "note" | "by" | "at" | "state" | "position" | "minutes"
            ]
            | ["attendance", _, "person" | "name" | "by" | "at"]
            | ["decisions", _, "text" | "by" | "at"]
            | [
                "actions",
                _,
                "title"
                    | "owner_person"
                    | "owner_organisation"
                    | "due"
                    | "state"
                    | "decision"
                    | "task"
                    | "by"
                    | "at"
            ]
    )
}

/// Judges a write to a meeting by `who`: `before` is the meeting at the relay (`None` when
/// the change creates it), `after` the meeting with the change applied, `paths` what the
/// change wrote.
pub fn check_meeting_write(
    who: &Principal,
    before: Option<&Meeting>,
    after: &Meeting,
    paths: &[Path],
    window: SignupWindow,
) -> Result<(), Refusal> {
    let me = &who.person;
    // Judged against the hosts it had; a new meeting's are the ones it is created with, and
    // only someone who may hold meetings creates one, as one of its hosts.
    let hosts = before.map_or(&after.hosts, |b| &b.hosts);
    if before.is_none()
        && (who.role == Role::Volunteer || !after.hosts.contains(me) || after.created_by != *me)
    {
        return Err(MeetingRefusal::NotHost.into());
    }
    let runs_it = runs(who, hosts);
    let takes_notes = runs_it || before.is_some_and(|b| b.note_takers.contains(me));
    let empty = Meeting {
        agenda: Default::default(),
        actions: Default::default(),
        ..after.clone()
    };
    let was = before.unwrap_or(&empty);
    for path in paths {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let allowed = meeting_shape(&p)
            && match p.as_slice() {
                ["rsvps", person, ..] | ["approvals", person, ..] => *person == me.as_str(),
                // Judged on content below: own proposals while proposed, or a host's.
                ["agenda", _, ..] => true,
                ["actions", id, "state"] => {
                    takes_notes
                        || id.parse::<crate::ids::ItemId>().is_ok_and(|id| {
                            [was.actions.get(&id), after.actions.get(&id)]
                                .into_iter()
                                .flatten()
                                .all(|a| a.owner_person.as_ref() == Some(me))
                        })
                }
                ["attendance" | "minutes" | "decisions" | "actions", ..] => takes_notes,
                ["kind" | "schema" | "created_at" | "created_by", ..] => before.is_none(),
                _ => runs_it,
            };
        if !allowed {
            let fixed = matches!(p[0], "kind" | "schema" | "created_at" | "created_by");
            return Err(match p.as_slice() {
                _ if fixed || !meeting_shape(&p) => Refusal::Forbidden {
                    path: path.join("/"),
                },
                ["rsvps" | "approvals" | "agenda" | "actions", ..] => {
                    MeetingRefusal::NotYours.into()
                }
                _ => MeetingRefusal::NotHost.into(),
            });
        }
    }
    check_rsvps(who, before, after, window)?;
    check_agenda(who, runs_it, was, after, window)?;
    check_signed(who, was, after)?;
    if let Some(before) = before {
        for (person, at) in &after.approvals {
            if before.approvals.get(person) != Some(at) && !before.hosts.contains(person) {
                return Err(MeetingRefusal::NotHost.into());
            }
        }
    }
    after
        .validate()
        .map_err(|e| Refusal::from(MeetingRefusal::Invalid(e)))
}

/// An answer changes only the writer's own entry; "yes" and "maybe" only while the meeting is
/// announced and before RSVPs close (judged by the answer's own time, bounded by the relay's
/// clock, so an answer given offline before the close still counts when it arrives).
fn check_rsvps(
    who: &Principal,
    before: Option<&Meeting>,
    after: &Meeting,
    window: SignupWindow,
) -> Result<(), Refusal> {
    let none = Default::default();
    let old = before.map_or(&none, |b| &b.rsvps);
    for person in old.keys().chain(after.rsvps.keys()) {
        let (was, is) = (old.get(person), after.rsvps.get(person));
        if was == is {
            continue;
        }
        if *person != who.person {
            return Err(MeetingRefusal::NotYours.into());
        }
        let Some(rsvp) = is else { continue };
        if rsvp.at > window.now + CLOCK_SLACK
            || rsvp.at < after.created_at
            || rsvp.at < window.not_before.saturating_sub(CLOCK_SLACK)
        {
            return Err(MeetingRefusal::Implausible.into());
        }
        let joins = rsvp.answer != RsvpAnswer::No;
        if joins && (after.status != MeetingStatus::Published || rsvp.at > after.rsvps_close_at()) {
            return Err(MeetingRefusal::Closed.into());
        }
    }
    Ok(())
}

/// A proposal is the proposer's own: new items carry the writer in `by`, are proposed (unless
/// a host adds them), and arrive before the agenda closes; a proposer changes or withdraws
/// only their own item while it is proposed. Hosts decide, order and plan every item.
fn check_agenda(
    who: &Principal,
    runs_it: bool,
    before: &Meeting,
    after: &Meeting,
    window: SignupWindow,
) -> Result<(), Refusal> {
    for id in before.agenda.keys().chain(after.agenda.keys()) {
        let (was, is) = (before.agenda.get(id), after.agenda.get(id));
        if was == is {
            continue;
        }
        if let Some(item) = is
            && was.is_none()
        {
            if item.by != who.person {
                return Err(MeetingRefusal::NotByYou.into());
            }
            if item.at > window.now + CLOCK_SLACK {
                return Err(MeetingRefusal::Implausible.into());
            }
        }
        if runs_it {
            continue;
        }
        let own_proposal = |i: &super::schema::AgendaItem| {
            i.by == who.person
                && i.state == AgendaState::Proposed
                && i.position == 0
                && i.minutes == 0
        };
        if !was.is_none_or(own_proposal) || !is.is_none_or(own_proposal) {
            return Err(MeetingRefusal::NotYours.into());
        }
        let open = after.status == MeetingStatus::Published;
        if let Some(item) = is
            && (!open || item.at > after.agenda_closes_at())
        {
            return Err(MeetingRefusal::Closed.into());
        }
    }
    Ok(())
}

/// Check-ins, decisions and action items carry the person who wrote them in `by` (an owner
/// moving their own action item's state leaves `by` as it was).
fn check_signed(who: &Principal, before: &Meeting, after: &Meeting) -> Result<(), Refusal> {
    let me = &who.person;
    let signed = after
        .attendance
        .iter()
        .filter(|(k, v)| before.attendance.get(*k) != Some(*v))
        .all(|(_, v)| v.by == *me)
        && after
            .decisions
            .iter()
            .filter(|(k, v)| before.decisions.get(*k) != Some(*v))
            .all(|(_, v)| v.by == *me)
        && after
            .actions
            .iter()
            .all(|(k, v)| match before.actions.get(k) {
                None => v.by == *me,
                Some(old) if old == v => true,
                Some(old) => v.by == *me || (v.by == old.by && v.at == old.at),
            });
    if signed {
        Ok(())
    } else {
        Err(MeetingRefusal::NotByYou.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::change_paths;
    use crate::authz::testing::who;
    use crate::ids::{ItemId, PersonId};
    use crate::kinds::meeting::schema::{ActionItem, ActionState, AgendaItem, MeetingType, Rsvp};
    use automerge::{AutoCommit, ReadDoc};

    const NOW: i64 = 1_800_000_000_000;
    const START: i64 = NOW + 7 * 86_400_000;

    fn person(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    fn window() -> SignupWindow {
        SignupWindow {
            now: NOW,
            not_before: i64::MIN,
        }
    }

    fn meeting() -> Meeting {
        let mut m = Meeting::draft(
            person("carla"),
            "Dialogmøde",
            MeetingType::Dialogue,
            START,
            START + 7_200_000,
            NOW - 1000,
        );
        m.status = MeetingStatus::Published;
        m.note_takers.push(person("nina"));
        m
    }

    /// The meeting before and after `edit` and the paths the edit wrote, as the relay sees
    /// them (hydrated from a document, so the minutes text is edited, not replaced).
    fn write(before: &Meeting, edit: impl FnOnce(&mut Meeting)) -> (Meeting, Vec<Path>) {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, before).unwrap();
        doc.commit();
        let mut after: Meeting = autosurgeon::hydrate(&doc).unwrap();
        edit(&mut after);
        autosurgeon::reconcile(&mut doc, &after).unwrap();
        let heads = doc.get_heads();
        let change = doc
            .document()
            .get_change_by_hash(&heads[0])
            .unwrap()
            .clone();
        let paths = change_paths(doc.document(), &change).unwrap();
        (autosurgeon::hydrate(&doc).unwrap(), paths)
    }

    fn judge(
        w: &Principal,
        before: &Meeting,
        edit: impl FnOnce(&mut Meeting),
    ) -> Result<(), Refusal> {
        let (after, paths) = write(before, edit);
        check_meeting_write(w, Some(before), &after, &paths, window())
    }

    fn rsvp(m: &mut Meeting, name: &str, answer: RsvpAnswer, at: i64) {
        m.rsvps.insert(
            person(name),
            Rsvp {
                answer,
                name: name.into(),
                on_behalf: None,
                at,
            },
        );
    }

    fn item(id: &str) -> ItemId {
        id.parse().unwrap()
    }

    #[test]
    fn a_person_answers_only_for_themselves_while_it_is_open() {
        let m = meeting();
        let vera = who("vera", Role::Volunteer);
        assert_eq!(
            judge(&vera, &m, |m| rsvp(m, "vera", RsvpAnswer::Yes, NOW)),
            Ok(())
        );
        assert_eq!(
            judge(&vera, &m, |m| rsvp(m, "walter", RsvpAnswer::Yes, NOW)),
            Err(MeetingRefusal::NotYours.into())
        );
        // Not even a host answers for someone else.
        assert_eq!(
            judge(&who("carla", Role::Staff), &m, |m| rsvp(
                m,
                "vera",
                RsvpAnswer::Yes,
                NOW
            )),
            Err(MeetingRefusal::NotYours.into())
        );
        // From the future, or after RSVPs closed: refused; "no" is always allowed.
        assert_eq!(
            judge(&vera, &m, |m| rsvp(
                m,
                "vera",
                RsvpAnswer::Yes,
                NOW + CLOCK_SLACK + 1
            )),
            Err(MeetingRefusal::Implausible.into())
        );
        let mut closed = m.clone();
        closed.rsvp_closes = NOW - 10;
        assert_eq!(
            judge(&vera, &closed, |m| rsvp(m, "vera", RsvpAnswer::Maybe, NOW)),
            Err(MeetingRefusal::Closed.into())
        );
        assert_eq!(
            judge(&vera, &closed, |m| rsvp(m, "vera", RsvpAnswer::No, NOW)),
            Ok(())
        );
        let mut draft = m.clone();
        draft.status = MeetingStatus::Draft;
        assert_eq!(
            judge(&vera, &draft, |m| rsvp(m, "vera", RsvpAnswer::Yes, NOW)),
            Err(MeetingRefusal::Closed.into())
        );
    }

    #[test]
    fn the_hosts_run_the_meeting_and_no_one_else() {
        let m = meeting();
        assert_eq!(
            judge(&who("carla", Role::Coordinator), &m, |m| m.title =
                "Nyt".into()),
            Ok(())
        );
        assert_eq!(
            judge(&who("sofie", Role::Staff), &m, |m| m.capacity = 10),
            Ok(())
        );
        // The hosts invite by name; no one else adds themselves or a name.
        let invite = |m: &mut Meeting| {
            m.invited.push(person("vera"));
            m.invited_names.insert("vera".into(), "Vera Hansen".into());
        };
        assert_eq!(judge(&who("carla", Role::Coordinator), &m, invite), Ok(()));
        assert_eq!(
            judge(&who("vera", Role::Volunteer), &m, invite),
            Err(MeetingRefusal::NotHost.into())
        );
        for other in [
            who("vera", Role::Volunteer),
            who("bo", Role::Coordinator),
            who("nina", Role::Coordinator),
        ] {
            assert_eq!(
                judge(&other, &m, |m| m.status = MeetingStatus::Cancelled),
                Err(MeetingRefusal::NotHost.into()),
                "{}",
                other.person
            );
        }
        assert_eq!(
            judge(&who("carla", Role::Staff), &m, |m| m.created_at = 5),
            Err(Refusal::Forbidden {
                path: "created_at".into()
            })
        );
        // Created only by someone who may hold meetings, as one of its hosts.
        let fresh = meeting();
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &fresh).unwrap();
        let head = doc.get_heads()[0];
        let change = doc.document().get_change_by_hash(&head).unwrap().clone();
        let paths = change_paths(doc.document(), &change).unwrap();
        assert_eq!(
            check_meeting_write(
                &who("carla", Role::Coordinator),
                None,
                &fresh,
                &paths,
                window()
            ),
            Ok(())
        );
        assert_eq!(
            check_meeting_write(
                &who("vera", Role::Volunteer),
                None,
                &fresh,
                &paths,
                window()
            ),
            Err(MeetingRefusal::NotHost.into())
        );
        assert_eq!(
            check_meeting_write(&who("bo", Role::Staff), None, &fresh, &paths, window()),
            Err(MeetingRefusal::NotHost.into())
        );
    }

    #[test]
    fn a_participant_proposes_in_their_own_name_and_a_host_decides() {
        let m = meeting();
        let vera = who("vera", Role::Volunteer);
        let proposal = |by: &str| AgendaItem {
            title: "Parkering".into(),
            note: String::new(),
            by: person(by),
            at: NOW,
            state: AgendaState::Proposed,
            position: 0,
            minutes: 0,
        };
        assert_eq!(
            judge(&vera, &m, |m| {
                m.agenda.insert(item("a1"), proposal("vera"));
            }),
            Ok(())
        );
        assert_eq!(
            judge(&vera, &m, |m| {
                m.agenda.insert(item("a1"), proposal("walter"));
            }),
            Err(MeetingRefusal::NotByYou.into())
        );
        let mut accepted = proposal("vera");
        accepted.state = AgendaState::Accepted;
        assert_eq!(
            judge(&vera, &m, |m| {
                m.agenda.insert(item("a1"), accepted.clone());
            }),
            Err(MeetingRefusal::NotYours.into())
        );
        let (with, _) = write(&m, |m| {
            m.agenda.insert(item("a1"), proposal("vera"));
        });
        assert_eq!(
            judge(&who("carla", Role::Coordinator), &with, |m| {
                let i = m.agenda.get_mut(&item("a1")).unwrap();
                i.state = AgendaState::Accepted;
                i.position = 2;
                i.minutes = 15;
            }),
            Ok(())
        );
        // Another participant cannot touch it; the proposer can withdraw it while proposed.
        assert_eq!(
            judge(&who("walter", Role::Volunteer), &with, |m| {
                m.agenda.remove(&item("a1"));
            }),
            Err(MeetingRefusal::NotYours.into())
        );
        assert_eq!(
            judge(&vera, &with, |m| {
                m.agenda.remove(&item("a1"));
            }),
            Ok(())
        );
        let mut frozen = m.clone();
        frozen.agenda_closes = NOW - 1;
        assert_eq!(
            judge(&vera, &frozen, |m| {
                m.agenda.insert(item("a1"), proposal("vera"));
            }),
            Err(MeetingRefusal::Closed.into())
        );
    }

    #[test]
    fn note_takers_write_the_minutes_and_owners_move_their_actions() {
        let mut m = meeting();
        m.status = MeetingStatus::Held;
        let nina = who("nina", Role::Volunteer);
        assert_eq!(judge(&nina, &m, |m| m.minutes.update("Velkommen.")), Ok(()));
        assert_eq!(
            judge(&who("vera", Role::Volunteer), &m, |m| m
                .minutes
                .update("Hej")),
            Err(MeetingRefusal::NotHost.into())
        );
        let action = |by: &str| ActionItem {
            title: "Find lokale".into(),
            owner_person: Some(person("vera")),
            owner_organisation: None,
            due: "2027-01-15".into(),
            state: ActionState::Open,
            decision: String::new(),
            task: String::new(),
            by: person(by),
            at: NOW,
        };
        assert_eq!(
            judge(&nina, &m, |m| {
                m.actions.insert(item("h1"), action("nina"));
            }),
            Ok(())
        );
        assert_eq!(
            judge(&nina, &m, |m| {
                m.actions.insert(item("h1"), action("carla"));
            }),
            Err(MeetingRefusal::NotByYou.into())
        );
        let (with, _) = write(&m, |m| {
            m.actions.insert(item("h1"), action("nina"));
        });
        assert_eq!(
            judge(&who("vera", Role::Volunteer), &with, |m| {
                m.actions.get_mut(&item("h1")).unwrap().state = ActionState::Done;
            }),
            Ok(())
        );
        assert_eq!(
            judge(&who("walter", Role::Volunteer), &with, |m| {
                m.actions.get_mut(&item("h1")).unwrap().state = ActionState::Done;
            }),
            Err(MeetingRefusal::NotYours.into())
        );
        assert_eq!(
            judge(&who("vera", Role::Volunteer), &with, |m| {
                m.actions.get_mut(&item("h1")).unwrap().title = "Andet".into();
            }),
            Err(MeetingRefusal::NotYours.into())
        );
        // Approvals: a host's own only.
        assert_eq!(
            judge(&who("carla", Role::Coordinator), &with, |m| {
                m.approvals.insert(person("carla"), NOW);
            }),
            Ok(())
        );
        assert_eq!(
            judge(&nina, &with, |m| {
                m.approvals.insert(person("nina"), NOW);
            }),
            Err(MeetingRefusal::NotHost.into())
        );
        assert_eq!(
            judge(&nina, &with, |m| {
                m.approvals.insert(person("carla"), NOW);
            }),
            Err(MeetingRefusal::NotYours.into())
        );
    }

    #[test]
    fn the_waitlist_follows_the_answers_times() {
        let mut m = meeting();
        m.capacity = 2;
        rsvp(&mut m, "c", RsvpAnswer::Yes, 3);
        rsvp(&mut m, "a", RsvpAnswer::Yes, 5);
        rsvp(&mut m, "b", RsvpAnswer::Yes, 3);
        rsvp(&mut m, "d", RsvpAnswer::Maybe, 1);
        let seats = m.seats();
        assert_eq!(seats.confirmed, vec![person("b"), person("c")]);
        assert_eq!(seats.waitlist, vec![person("a")]);
    }

    #[test]
    fn every_refusal_reads_back() {
        for r in [
            MeetingRefusal::NotHost,
            MeetingRefusal::NotYours,
            MeetingRefusal::NotByYou,
            MeetingRefusal::Closed,
            MeetingRefusal::Implausible,
        ] {
            for lang in [Lang::Da, Lang::En] {
                assert_eq!(
                    MeetingRefusal::describe_code(r.code(), lang),
                    Some(r.describe(lang))
                );
            }
        }
        assert_eq!(Refusal::from(MeetingRefusal::Closed).code(), "moede.closed");
    }
}
