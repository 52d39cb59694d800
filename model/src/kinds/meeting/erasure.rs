//! Erasing a person from a meeting, and removing the people from a meeting long past. The
//! meeting keeps its record (agenda, minutes, decisions, action items, how many came) while the
//! person's id, name and times leave it:
//!
//! - their answer goes (its name and time are theirs; the seat it held goes to the next in
//!   line, as if they had said no);
//! - their check-in stays, as a pseudonymous one (`slettet-<n>`, named "Slettet bruger"), so
//!   the count of who came holds; a walk-in entry with exactly their name is renamed too;
//! - agenda items, decisions, action items and check-ins they wrote keep their text, signed by
//!   the pseudonym; an action item they owned has no owner;
//! - they leave the hosts, note-takers and invited, their invited name too (a meeting whose only host they were keeps
//!   the pseudonym as host, so it stays valid; staff run any meeting);
//! - their approval of the minutes stays under the pseudonym, dated at the meeting's end.
//!
//! Free text others wrote that names them (the minutes) is not rewritten: the relay replaces
//! the history, not people's words.

use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{ItemId, PersonId};

use super::schema::Meeting;

/// The name a pseudonymous check-in carries.
pub const ERASED_NAME: &str = "Slettet bruger";

/// What erasing `person` does to `meeting` (see the module comment).
pub fn erase_person(person: &ErasedPerson, meeting: &Meeting) -> Erasure<Meeting> {
    let out = write_out(meeting, &person.id, Some(person.name.trim()));
    if out == *meeting {
        Erasure::Untouched
    } else {
        Erasure::Rewrite(out)
    }
}

/// Retention: a meeting that ended before `cutoff` keeps its record with everyone in it
/// written out as for an erasure.
pub fn expire(meeting: &Meeting, cutoff: i64) -> Erasure<Meeting> {
    if meeting.end >= cutoff {
        return Erasure::Untouched;
    }
    let mut out = meeting.clone();
    for person in people_in(meeting) {
        if !is_pseudonym(&person) {
            out = write_out(&out, &person, None);
        }
    }
    if out == *meeting {
        Erasure::Untouched
    } else {
        Erasure::Rewrite(out)
    }
}

fn is_pseudonym(person: &PersonId) -> bool {
    person.as_str().starts_with("slettet-")
}

/// Everyone the meeting names by id.
fn people_in(m: &Meeting) -> Vec<PersonId> {
    let mut people: Vec<PersonId> = m
        .hosts
        .iter()
        .chain(&m.note_takers)
        .chain(&m.invited)
        .chain(m.rsvps.keys())
        .chain(m.approvals.keys())
        .chain(m.attendance.values().filter_map(|c| c.person.as_ref()))
        .chain(m.attendance.values().map(|c| &c.by))
        .chain(m.agenda.values().map(|i| &i.by))
        .chain(m.decisions.values().map(|d| &d.by))
        .chain(m.actions.values().map(|a| &a.by))
        .chain(m.actions.values().filter_map(|a| a.owner_person.as_ref()))
        .chain(std::iter::once(&m.created_by))
        .cloned()
        .collect();
    people.sort();
    people.dedup();
    people
}

/// A pseudonym no one in the meeting has yet.
fn free_pseudonym(m: &Meeting) -> PersonId {
    let taken = people_in(m);
    (1u32..)
        .filter_map(|n| format!("slettet-{n}").parse::<PersonId>().ok())
        .find(|p| !taken.contains(p))
        .unwrap_or_else(|| unreachable!("some pseudonym is free"))
}

fn write_out(meeting: &Meeting, person: &PersonId, name: Option<&str>) -> Meeting {
    let mut m = meeting.clone();
    if !people_in(meeting).contains(person)
        && !name.is_some_and(|n| {
            !n.is_empty()
                && meeting
                    .attendance
                    .values()
                    .any(|c| c.name.trim().eq_ignore_ascii_case(n))
        })
    {
        return m;
    }
    let pseudonym = free_pseudonym(meeting);
    let swap = |p: &mut PersonId| {
        if p == person {
            *p = pseudonym.clone();
        }
    };
    m.rsvps.remove(person);
    let mut attendance = std::collections::BTreeMap::new();
    for (key, mut check_in) in std::mem::take(&mut m.attendance) {
        swap(&mut check_in.by);
        let theirs = check_in.person.as_ref() == Some(person)
            || name.is_some_and(|n| !n.is_empty() && check_in.name.trim().eq_ignore_ascii_case(n));
        let key = if theirs {
            check_in.person = None;
            check_in.name = ERASED_NAME.into();
            check_in.at = meeting.start;
            format!("{pseudonym}").parse::<ItemId>().unwrap_or(key)
        } else {
            key
        };
        attendance.insert(key, check_in);
    }
    m.attendance = attendance;
    for item in m.agenda.values_mut() {
        swap(&mut item.by);
    }
    for decision in m.decisions.values_mut() {
        swap(&mut decision.by);
    }
    for action in m.actions.values_mut() {
        swap(&mut action.by);
        if action.owner_person.as_ref() == Some(person) {
            action.owner_person = None;
        }
    }
    if m.approvals.remove(person).is_some() {
        m.approvals.insert(pseudonym.clone(), meeting.end);
    }
    m.note_takers.retain(|p| p != person);
    m.invited.retain(|p| p != person);
    m.invited_names.remove(person.as_str());
    let was_host = m.hosts.contains(person);
    m.hosts.retain(|p| p != person);
    if was_host && m.hosts.is_empty() {
        m.hosts.push(pseudonym.clone());
    }
    swap(&mut m.created_by);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::meeting::schema::MeetingStatus;

    fn anna() -> ErasedPerson {
        ErasedPerson {
            id: "demo-anna".parse().unwrap(),
            name: "Anna Frivillig".into(),
            email: "anna@demo.samskab.dk".into(),
            phone: String::new(),
        }
    }

    #[test]
    fn the_record_stays_and_the_person_leaves_it() {
        let now = 1_800_000_000_000;
        let meetings = crate::demo::meetings(now);
        let held = &meetings[0].1;
        let Erasure::Rewrite(out) = erase_person(&anna(), held) else {
            panic!("Anna is in the held meeting");
        };
        let text = format!("{out:?}");
        assert!(!text.contains("demo-anna"), "{text}");
        assert!(!text.contains("Anna Frivillig"), "{text}");
        // How many came, the agenda, decisions and action items hold.
        assert_eq!(out.attendance.len(), held.attendance.len());
        assert_eq!(out.agenda.len(), held.agenda.len());
        assert_eq!(out.actions.len(), held.actions.len());
        assert_eq!(out.minutes, held.minutes);
        assert_eq!(out.validate(), Ok(()));
        // Someone not in it leaves it untouched.
        let other = ErasedPerson {
            id: "nobody".parse().unwrap(),
            name: "No Body".into(),
            ..anna()
        };
        assert_eq!(erase_person(&other, held), Erasure::Untouched);
    }

    #[test]
    fn a_meeting_long_past_keeps_its_record_under_pseudonyms() {
        let now = 1_800_000_000_000;
        let (_, held) = crate::demo::meetings(now).remove(0);
        assert_eq!(expire(&held, held.end), Erasure::Untouched, "not yet");
        let Erasure::Rewrite(out) = expire(&held, now) else {
            panic!("past the cut-off");
        };
        let text = format!("{out:?}");
        assert!(!text.contains("demo-"), "{text}");
        assert_eq!(out.attendance.len(), held.attendance.len());
        assert_eq!(out.status, MeetingStatus::MinutesPublished);
        assert_eq!(out.validate(), Ok(()));
    }
}
