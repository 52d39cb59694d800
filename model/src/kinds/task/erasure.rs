//! Erasing a person from a task, and removing the people from a task long past: the roster
//! keeps its shape (every shift's counts, who holds a place and the waitlist's order, the
//! coordinators' decisions) while the person's id, times and invitations leave it.
//!
//! - An active sign-up stays, under a pseudonym (`slettet-<n>`, unique within the task, the
//!   same on every shift of the task), with a time chosen to keep its place in the order:
//!   just after the sign-up before it (or just before the one after it), never the person's
//!   own time. A decision about them moves with it.
//! - A withdrawn sign-up is removed (it counts for nothing) with its decision.
//! - Invitations to them are removed; decisions and invitations *by* them keep their effect
//!   with `by` set to the pseudonym.
//! - A contact that is them (same e-mail or phone) is emptied; the organisation sets a new one.

use std::collections::BTreeMap;

use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::PersonId;
use crate::roster::Roster;
use crate::task::{Contact, Shift, SignupState, Task};

/// What erasing `person` does to `task` (see the module comment).
pub fn erase_person(person: &ErasedPerson, task: &Task) -> Erasure<Task> {
    let mut out = task.clone();
    let pseudonym = free_pseudonym(task);
    for shift in out.shifts.values_mut() {
        write_out(shift, &person.id, &pseudonym, task.created_at);
    }
    out.invitations.remove(&person.id);
    for invitation in out.invitations.values_mut() {
        if invitation.by == person.id {
            invitation.by = pseudonym.clone();
        }
    }
    if person.is_contact(&task.contact.email, &task.contact.phone) {
        out.contact = Contact::default();
    }
    if out == *task {
        Erasure::Untouched
    } else {
        Erasure::Rewrite(out)
    }
}

/// Retention: a task whose every shift ended before `cutoff` keeps its counts and order, with
/// every person in it written out as for an erasure (a task with no shifts is judged by when
/// it was last changed).
pub fn expire(task: &Task, cutoff: i64) -> Erasure<Task> {
    let ended = task
        .shifts
        .values()
        .map(|s| s.end)
        .max()
        .unwrap_or(task.updated_at);
    if ended >= cutoff {
        return Erasure::Untouched;
    }
    let mut people: Vec<PersonId> = task
        .shifts
        .values()
        .flat_map(|s| s.signups.keys().chain(s.decisions.values().map(|d| &d.by)))
        .chain(task.invitations.keys())
        .chain(task.invitations.values().map(|i| &i.by))
        .filter(|p| !is_pseudonym(p))
        .cloned()
        .collect();
    people.sort();
    people.dedup();
    let mut out = task.clone();
    for id in people {
        let person = ErasedPerson {
            id,
            name: String::new(),
            email: String::new(),
            phone: String::new(),
        };
        if let Erasure::Rewrite(next) = erase_person(&person, &out) {
            out = next;
        }
    }
    if out == *task {
        Erasure::Untouched
    } else {
        Erasure::Rewrite(out)
    }
}

const PSEUDONYM_PREFIX: &str = "slettet-";

fn is_pseudonym(id: &PersonId) -> bool {
    id.as_str().starts_with(PSEUDONYM_PREFIX)
}

/// `slettet-<n>` for the smallest `n` no one in the task goes by.
fn free_pseudonym(task: &Task) -> PersonId {
    let taken = |p: &PersonId| {
        task.shifts.values().any(|s| {
            s.signups.contains_key(p)
                || s.decisions.contains_key(p)
                || s.decisions.values().any(|d| d.by == *p)
        }) || task.invitations.contains_key(p)
            || task.invitations.values().any(|i| i.by == *p)
    };
    (1u32..)
        .map(pseudonym)
        .find(|p| !taken(p))
        .unwrap_or_else(|| pseudonym(0))
}

fn pseudonym(n: u32) -> PersonId {
    // Cannot fail: the prefix and digits are within the id's alphabet and length.
    format!("{PSEUDONYM_PREFIX}{n}")
        .parse()
        .unwrap_or_else(|_| unreachable!("a pseudonym is a valid person id"))
}

/// Writes `person` out of one shift under `pseudonym`, keeping the roster's shape.
fn write_out(shift: &mut Shift, person: &PersonId, pseudonym: &PersonId, created_at: i64) {
    for decision in shift.decisions.values_mut() {
        if decision.by == *person {
            decision.by = pseudonym.clone();
        }
    }
    let Some(signup) = shift.signups.get(person).copied() else {
        shift.decisions.remove(person);
        return;
    };
    if signup.state == SignupState::Withdrawn {
        shift.signups.remove(person);
        shift.decisions.remove(person);
        return;
    }
    // The active sign-ups in order, as the roster reads them.
    let mut order: Vec<(i64, PersonId)> = shift
        .signups
        .iter()
        .filter(|(_, s)| s.state == SignupState::SignedUp)
        .map(|(p, s)| (s.at, p.clone()))
        .collect();
    order.sort();
    let position = order
        .iter()
        .position(|(_, p)| p == person)
        .unwrap_or_default();
    let before = position.checked_sub(1).map(|i| order[i].0);
    let after = order.get(position + 1).map(|(at, _)| *at);
    let expected = renamed(&Roster::of(shift), person, pseudonym);
    let decision = shift.decisions.remove(person);
    shift.signups.remove(person);
    // Candidate times, best first: strictly between the neighbours (no tie, so the pseudonym's
    // spelling cannot matter), then equal to one of them.
    let mut candidates = Vec::new();
    match (before, after) {
        (Some(b), Some(a)) => candidates.extend([b.saturating_add(1), b, a]),
        (Some(b), None) => candidates.push(b.saturating_add(1)),
        (None, Some(a)) => candidates.extend([a.saturating_sub(1), a]),
        (None, None) => candidates.push(created_at),
    }
    let mut chosen = None;
    for at in candidates {
        shift.signups.insert(
            pseudonym.clone(),
            crate::task::Signup {
                state: signup.state,
                at,
            },
        );
        if let Some(d) = &decision {
            shift.decisions.insert(pseudonym.clone(), d.clone());
        }
        if Roster::of(shift) == expected {
            chosen = Some(at);
            break;
        }
        chosen.get_or_insert(at);
    }
    if let Some(at) = chosen {
        shift.signups.insert(
            pseudonym.clone(),
            crate::task::Signup {
                state: signup.state,
                at,
            },
        );
    }
}

fn renamed(roster: &Roster, from: &PersonId, to: &PersonId) -> Roster {
    let swap = |list: &Vec<PersonId>| {
        list.iter()
            .map(|p| if p == from { to.clone() } else { p.clone() })
            .collect()
    };
    Roster {
        confirmed: swap(&roster.confirmed),
        waitlist: swap(&roster.waitlist),
        declined: swap(&roster.declined),
    }
}

/// Every person id a task holds anywhere (for tests and checks).
pub fn people_in(task: &Task) -> BTreeMap<PersonId, ()> {
    let mut out = BTreeMap::new();
    for shift in task.shifts.values() {
        out.extend(shift.signups.keys().map(|p| (p.clone(), ())));
        out.extend(shift.decisions.keys().map(|p| (p.clone(), ())));
        out.extend(shift.decisions.values().map(|d| (d.by.clone(), ())));
    }
    out.extend(task.invitations.keys().map(|p| (p.clone(), ())));
    out.extend(task.invitations.values().map(|i| (i.by.clone(), ())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::{Decision, DecisionEntry, Invitation, InvitationAnswer, Signup};

    fn p(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    fn person(id: &str) -> ErasedPerson {
        ErasedPerson {
            id: p(id),
            name: "Vera Frivillig".into(),
            email: "vera@example.dk".into(),
            phone: "12345678".into(),
        }
    }

    fn task(signups: &[(&str, i64, SignupState)], capacity: u64) -> Task {
        let mut task = Task::draft("klub".parse().unwrap(), "Kiosk", crate::Area::Sport, 0);
        let mut shift = Shift::new(1_000, 2_000, capacity);
        for (who, at, state) in signups {
            shift.signups.insert(
                p(who),
                Signup {
                    state: *state,
                    at: *at,
                },
            );
        }
        task.shifts.insert("vagt-1".parse().unwrap(), shift);
        task
    }

    fn roster(task: &Task) -> Roster {
        Roster::of(task.shifts.values().next().unwrap())
    }

    use SignupState::{SignedUp, Withdrawn};

    #[test]
    fn the_roster_keeps_its_counts_and_order_without_the_person() {
        // Every position in a line of four, with a tie in the middle.
        for who in ["a", "b", "c", "d"] {
            let before = task(
                &[
                    ("a", 10, SignedUp),
                    ("b", 20, SignedUp),
                    ("c", 20, SignedUp),
                    ("d", 25, SignedUp),
                ],
                2,
            );
            let erased = person(who);
            let Erasure::Rewrite(after) = erase_person(&erased, &before) else {
                panic!("{who} is in the task");
            };
            let expected = renamed(&roster(&before), &p(who), &p("slettet-1"));
            assert_eq!(roster(&after), expected, "erasing {who}");
            assert!(!people_in(&after).contains_key(&p(who)));
            let shift = after.shifts.values().next().unwrap();
            let own_time = before.shifts.values().next().unwrap().signups[&p(who)].at;
            let kept = shift.signups[&p("slettet-1")].at;
            assert_ne!(kept, own_time, "{who}: the kept time is not theirs");
        }
    }

    #[test]
    fn withdrawn_sign_ups_invitations_and_decisions_go_or_lose_the_name() {
        let mut t = task(&[("vera", 5, Withdrawn), ("bo", 6, SignedUp)], 1);
        let shift = t.shifts.values_mut().next().unwrap();
        shift.decisions.insert(
            p("bo"),
            DecisionEntry {
                decision: Decision::Confirmed,
                by: p("vera"),
                at: 7,
            },
        );
        t.invitations.insert(
            p("vera"),
            Invitation {
                shift: "vagt-1".parse().unwrap(),
                by: p("bo"),
                at: 1,
                answer: InvitationAnswer::Pending,
            },
        );
        t.invitations.insert(
            p("ida"),
            Invitation {
                shift: "vagt-1".parse().unwrap(),
                by: p("vera"),
                at: 1,
                answer: InvitationAnswer::Pending,
            },
        );
        t.contact = Contact {
            name: "V".into(),
            phone: "".into(),
            email: "VERA@example.dk".into(),
        };
        let Erasure::Rewrite(after) = erase_person(&person("vera"), &t) else {
            panic!()
        };
        assert!(!people_in(&after).contains_key(&p("vera")));
        assert_eq!(after.invitations[&p("ida")].by, p("slettet-1"));
        assert_eq!(
            after.shifts.values().next().unwrap().decisions[&p("bo")].by,
            p("slettet-1")
        );
        assert_eq!(after.contact, Contact::default());
        assert_eq!(roster(&after), roster(&t));
        assert!(after.problems().is_empty());
        // Someone not in the task leaves it untouched.
        assert_eq!(
            erase_person(&person("nobody"), &task(&[("bo", 1, SignedUp)], 1)),
            Erasure::Untouched
        );
    }

    #[test]
    fn a_task_long_past_keeps_its_counts_and_loses_its_people() {
        let t = task(
            &[("a", 1, SignedUp), ("b", 2, SignedUp), ("c", 3, Withdrawn)],
            1,
        );
        assert_eq!(
            expire(&t, 2_000),
            Erasure::Untouched,
            "ended at the cut-off: kept"
        );
        let Erasure::Rewrite(after) = expire(&t, 2_001) else {
            panic!()
        };
        assert!(
            people_in(&after).keys().all(is_pseudonym),
            "{:?}",
            people_in(&after)
        );
        let r = roster(&after);
        assert_eq!((r.confirmed.len(), r.waitlist.len()), (1, 1));
        assert_eq!(
            expire(&after, 2_001),
            Erasure::Untouched,
            "nothing left to remove"
        );
    }
}
