//! Who has a place on a shift and who waits, derived from the task document alone.
//!
//! A CRDT cannot stop two offline volunteers from both taking the last place, so capacity is
//! not enforced when a sign-up is written. Instead every replica derives the same roster from
//! the same document: active sign-ups ordered by their time, then by person id, walked in
//! that order. Explicitly declined volunteers are out; explicitly confirmed ones always have a
//! place (a coordinator may overbook); the others have a place while places are left, counting
//! everyone before them who has one, and wait in that order after. So a coordinator's confirm
//! never takes a place from someone who holds it by order; to swap, they decline someone.
//! Because only document content is read, the result does not depend on the order in which a
//! replica received the changes.

use crate::ids::PersonId;
use crate::task::{Decision, Shift, SignupState};

/// The derived state of a shift.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Holding a place, in order.
    pub confirmed: Vec<PersonId>,
    /// Waiting, first in line first.
    pub waitlist: Vec<PersonId>,
    /// Signed up but declined by a coordinator.
    pub declined: Vec<PersonId>,
}

/// One volunteer's place on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Confirmed,
    /// Position on the waitlist, from 1.
    Waitlisted(usize),
    Declined,
    Withdrawn,
    NotSignedUp,
}

impl Roster {
    pub fn of(shift: &Shift) -> Self {
        let mut active: Vec<(&PersonId, i64)> = shift
            .signups
            .iter()
            .filter(|(_, s)| s.state == SignupState::SignedUp)
            .map(|(person, s)| (person, s.at))
            .collect();
        active.sort_by(|(pa, ta), (pb, tb)| ta.cmp(tb).then_with(|| pa.cmp(pb)));

        let decision = |p: &PersonId| shift.decisions.get(p).map(|d| d.decision);
        let capacity = usize::try_from(shift.capacity).unwrap_or(usize::MAX);
        let mut roster = Roster::default();
        let mut taken = 0usize;
        for (person, _) in active {
            match decision(person) {
                Some(Decision::Declined) => roster.declined.push(person.clone()),
                Some(Decision::Confirmed) => {
                    taken += 1;
                    roster.confirmed.push(person.clone());
                }
                None if taken < capacity => {
                    taken += 1;
                    roster.confirmed.push(person.clone());
                }
                None => roster.waitlist.push(person.clone()),
            }
        }
        roster
    }

    /// Free places left (zero when full or overbooked).
    pub fn free(&self, shift: &Shift) -> u64 {
        shift.capacity.saturating_sub(self.confirmed.len() as u64)
    }

    pub fn place_of(&self, shift: &Shift, person: &PersonId) -> Place {
        if self.confirmed.contains(person) {
            Place::Confirmed
        } else if let Some(i) = self.waitlist.iter().position(|p| p == person) {
            Place::Waitlisted(i + 1)
        } else if self.declined.contains(person) {
            Place::Declined
        } else if shift.signups.contains_key(person) {
            Place::Withdrawn
        } else {
            Place::NotSignedUp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::{DecisionEntry, Signup};

    fn p(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    fn shift(capacity: u64, signups: &[(&str, i64, SignupState)]) -> Shift {
        let mut shift = Shift::new(0, 1, capacity);
        for (who, at, state) in signups {
            shift.signups.insert(
                p(who),
                Signup {
                    state: *state,
                    at: *at,
                },
            );
        }
        shift
    }

    use SignupState::{SignedUp, Withdrawn};

    #[test]
    fn first_come_first_served_then_waitlist_in_order() {
        let s = shift(
            2,
            &[
                ("c", 30, SignedUp),
                ("a", 10, SignedUp),
                ("b", 20, SignedUp),
                ("d", 40, SignedUp),
            ],
        );
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("a"), p("b")]);
        assert_eq!(r.waitlist, vec![p("c"), p("d")]);
        assert_eq!(r.place_of(&s, &p("d")), Place::Waitlisted(2));
        assert_eq!(r.free(&s), 0);
    }

    #[test]
    fn equal_times_are_ordered_by_person_id() {
        let s = shift(1, &[("zoe", 5, SignedUp), ("ali", 5, SignedUp)]);
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("ali")]);
        assert_eq!(r.waitlist, vec![p("zoe")]);
    }

    #[test]
    fn withdrawn_volunteers_free_their_place() {
        let s = shift(1, &[("a", 1, Withdrawn), ("b", 2, SignedUp)]);
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("b")]);
        assert_eq!(r.place_of(&s, &p("a")), Place::Withdrawn);
        assert_eq!(r.place_of(&s, &p("x")), Place::NotSignedUp);
    }

    #[test]
    fn coordinator_decisions_let_people_in_and_out_without_bumping_anyone() {
        let mut s = shift(
            1,
            &[("a", 1, SignedUp), ("b", 2, SignedUp), ("c", 3, SignedUp)],
        );
        let decide = |d| DecisionEntry {
            decision: d,
            by: p("bo"),
            at: 9,
        };
        // Confirming the last in line overbooks; the first keeps the place.
        s.decisions.insert(p("c"), decide(Decision::Confirmed));
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("a"), p("c")]);
        assert_eq!(r.waitlist, vec![p("b")]);
        assert_eq!(r.free(&s), 0);

        // Declining the first frees the place for the next in line.
        s.decisions.insert(p("a"), decide(Decision::Declined));
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("b"), p("c")]);
        assert!(r.waitlist.is_empty());
        assert_eq!(r.declined, vec![p("a")]);
        assert_eq!(r.place_of(&s, &p("a")), Place::Declined);

        // An early confirmed volunteer uses one of the places like anyone else.
        let mut s = shift(
            2,
            &[("a", 1, SignedUp), ("b", 2, SignedUp), ("c", 3, SignedUp)],
        );
        s.decisions.insert(p("a"), decide(Decision::Confirmed));
        let r = Roster::of(&s);
        assert_eq!(r.confirmed, vec![p("a"), p("b")]);
        assert_eq!(r.waitlist, vec![p("c")]);
    }
}
