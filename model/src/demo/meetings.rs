//! Demo groups and meetings: the coordination group across the organisation, the
//! elder-care area's associations, and a series of dialogue meetings of the latter (one
//! held, with minutes, decisions and action items; the next upcoming, with RSVPs and the open
//! action items first on its agenda), and a coordination-group meeting.

use crate::ids::{DocumentId, GroupId, ItemId, OrganisationId, PersonId};
use crate::kinds::group::{Group, Membership};
use crate::kinds::meeting::{
    ActionItem, ActionState, AgendaItem, AgendaState, Audience, CheckIn, DecisionNote, Meeting,
    MeetingStatus, MeetingType, MergedText, Place, Rsvp, RsvpAnswer,
};
use crate::kinds::needs::{Needs, needs_document_id};
use crate::local_time;
use crate::task::Millis;

const HOUR: Millis = 60 * 60 * 1000;
const DAY: Millis = 24 * HOUR;

/// The coordination group across the organisation.
pub const COORDINATION_GROUP: &str = "koordinationsgruppen";
/// The elder-care area's associations.
pub const ELDER_CARE_GROUP: &str = "aeldreomraadets-foreninger";
/// The series of the elder-care area's dialogue meetings.
pub const ELDER_CARE_SERIES: &str = "aeldre-dialog";

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().expect("a valid demo id")
}

/// The demo groups.
pub fn groups(now: Millis) -> Vec<Group> {
    let since = Membership::from(now - 60 * DAY);
    let person = |name: &str| Membership::person(now - 60 * DAY, name);
    let mut coordination = Group::new(parse(COORDINATION_GROUP), "Koordinationsgruppen", now);
    coordination.description = "Kommunens tværgående koordinationsgruppe for frivillighed: \
        forvaltningerne, de store foreninger og frivilligcentret mødes hver måned."
        .into();
    coordination
        .people
        .insert(parse("demo-carla"), person("Carla Kommune"));
    for org in [
        "haslev-fodbold",
        "haslev-bibliotek",
        "aktivitetscenter-haslev",
    ] {
        coordination.organisations.insert(parse(org), since.clone());
    }
    let mut elder = Group::new(parse(ELDER_CARE_GROUP), "Ældreområdets foreninger", now);
    elder.description = "Foreninger, vennekredse og initiativtagere, der arbejder med og for \
        ældre borgere i Faxe Kommune."
        .into();
    elder
        .people
        .insert(parse("demo-anna"), person("Anna Frivillig"));
    elder
        .people
        .insert(parse("demo-carla"), person("Carla Kommune"));
    for org in ["faxe-plejecenter-venner", "aktivitetscenter-haslev"] {
        elder.organisations.insert(parse(org), since.clone());
    }
    vec![coordination, elder]
}

/// A fixed id for the `n`th demo meeting, so seeding twice adds nothing.
fn meeting_id(n: u8) -> DocumentId {
    let mut id = [0x6d; 16];
    id[15] = n;
    DocumentId::from_bytes(id)
}

/// `days` from today at `hour` Danish time.
fn at(now: Millis, days: i64, hour: i64) -> Millis {
    let day = now - now.rem_euclid(DAY) + days * DAY + hour * HOUR;
    day - local_time::offset(day)
}

fn item(id: &str) -> ItemId {
    parse(id)
}

/// The demo meetings, with their ids.
pub fn meetings(now: Millis) -> Vec<(DocumentId, Meeting)> {
    let carla: PersonId = parse("demo-carla");
    let anna: PersonId = parse("demo-anna");
    let place = Place {
        address: "Aktivitetscenter Haslev, Jernbanegade 7, 4690 Haslev".into(),
        room: "Salen".into(),
        step_free: true,
        hearing_loop: true,
    };

    // Held two weeks ago, minutes approved and published.
    let start = at(now, -14, 16);
    let mut held = Meeting::draft(
        carla.clone(),
        "Dialogmøde for ældreområdets foreninger",
        MeetingType::Dialogue,
        start,
        start + 2 * HOUR,
        now - 40 * DAY,
    );
    held.purpose = "Vi deler erfaringer, planlægger fælles aktiviteter og følger op på \
        kommunens frivillighedsstrategi for ældreområdet."
        .into();
    held.groups = vec![parse(ELDER_CARE_GROUP)];
    held.audience = Audience::Groups;
    held.place = place.clone();
    held.capacity = 30;
    held.series = ELDER_CARE_SERIES.into();
    held.status = MeetingStatus::MinutesPublished;
    held.rsvps.insert(
        anna.clone(),
        Rsvp {
            answer: RsvpAnswer::Yes,
            name: "Anna Frivillig".into(),
            on_behalf: None,
            at: now - 20 * DAY,
        },
    );
    for (key, person, name) in [
        ("demo-anna", Some(anna.clone()), "Anna Frivillig"),
        ("demo-carla", Some(carla.clone()), "Carla Kommune"),
        ("gaest-1", None, "Birthe Lund (Vennekredsen ved Solgården)"),
    ] {
        held.attendance.insert(
            item(key),
            CheckIn {
                person,
                name: name.into(),
                by: carla.clone(),
                at: start + 5 * 60_000,
            },
        );
    }
    for (n, (title, state)) in [
        ("Velkomst og runde", AgendaState::Accepted),
        ("Besøgsvenner til plejecentrene", AgendaState::Accepted),
        ("Julefrokost for beboerne", AgendaState::Accepted),
    ]
    .into_iter()
    .enumerate()
    {
        held.agenda.insert(
            item(&format!("punkt-{}", n + 1)),
            AgendaItem {
                title: title.into(),
                note: String::new(),
                by: if n == 2 { anna.clone() } else { carla.clone() },
                at: now - 25 * DAY,
                state,
                position: n as i64,
                minutes: 20,
            },
        );
    }
    held.minutes = MergedText::from(
        "1. Velkomst og runde\nOtte deltog, heraf én ny vennekreds.\n\n\
         2. Besøgsvenner til plejecentrene\nDer mangler besøgsvenner på Solgården om \
         eftermiddagen. Vennekredsen laver en opgave i opgavebanken.\n\n\
         3. Julefrokost for beboerne\nAktivitetscentret lægger lokaler til; Anna samler \
         frivillige til servering.",
    );
    held.decisions.insert(
        item("beslutning-1"),
        DecisionNote {
            text: "Vi søger besøgsvenner gennem opgavebanken.".into(),
            by: carla.clone(),
            at: start + HOUR,
        },
    );
    let actions = [
        (
            "handling-1",
            "Opret opgave: besøgsven på Solgården",
            None,
            Some("faxe-plejecenter-venner"),
            7,
            ActionState::Done,
        ),
        (
            "handling-2",
            "Saml frivillige til julefrokosten",
            Some(anna.clone()),
            None,
            10,
            ActionState::Open,
        ),
        (
            "handling-3",
            "Undersøg kørselsordning til aktivitetscentret",
            Some(carla.clone()),
            None,
            21,
            ActionState::InProgress,
        ),
    ];
    for (id, title, person, org, due_days, state) in actions {
        held.actions.insert(
            item(id),
            ActionItem {
                title: title.into(),
                owner_person: person,
                owner_organisation: org.map(parse::<OrganisationId>),
                due: local_time::date(start + due_days * DAY),
                state,
                decision: if id == "handling-1" {
                    "beslutning-1".into()
                } else {
                    String::new()
                },
                task: String::new(),
                by: carla.clone(),
                at: start + HOUR,
            },
        );
    }
    held.approvals.insert(carla.clone(), start + DAY);
    held.updated_at = start + DAY;

    // The next of the series, in two weeks, with the open action items first.
    let next_start = at(now, 14, 16);
    let mut next = held.next_in_series(
        carla.clone(),
        next_start,
        now - 10 * DAY,
        |i| item(&format!("opfoelgning-{}", i + 1)),
        meeting_id(0).url(),
    );
    next.status = MeetingStatus::Published;
    next.agenda.insert(
        item("punkt-1"),
        AgendaItem {
            title: "Nytårskur for frivillige".into(),
            note: String::new(),
            by: carla.clone(),
            at: now - 10 * DAY,
            state: AgendaState::Accepted,
            position: 10,
            minutes: 30,
        },
    );
    next.agenda.insert(
        item("forslag-1"),
        AgendaItem {
            title: "Fælles kalender for aktiviteter".into(),
            note: "Så vi ikke planlægger oven i hinanden.".into(),
            by: anna.clone(),
            at: now - 5 * DAY,
            state: AgendaState::Proposed,
            position: 0,
            minutes: 0,
        },
    );
    next.rsvps.insert(
        anna.clone(),
        Rsvp {
            answer: RsvpAnswer::Yes,
            name: "Anna Frivillig".into(),
            on_behalf: None,
            at: now - 5 * DAY,
        },
    );

    // The coordination group meets next week.
    let coordination_start = at(now, 7, 9);
    let mut coordination = Meeting::draft(
        carla.clone(),
        "Koordinationsgruppens månedsmøde",
        MeetingType::Coordination,
        coordination_start,
        coordination_start + 90 * 60_000,
        now - 14 * DAY,
    );
    coordination.purpose =
        "Status på frivillighedsstrategien, idékonkurrencen og Kaffepuljen.".into();
    coordination.groups = vec![parse::<GroupId>(COORDINATION_GROUP)];
    coordination.audience = Audience::Groups;
    coordination.place = Place {
        address: "Faxe Rådhus, Frederiksgade 9, 4690 Haslev".into(),
        room: "Mødelokale 2".into(),
        step_free: true,
        hearing_loop: false,
    };
    coordination.online = "https://moede.faxekommune.dk/koordination".into();
    coordination.status = MeetingStatus::Published;

    vec![
        (meeting_id(0), held),
        (meeting_id(1), next),
        (meeting_id(2), coordination),
    ]
}

/// Anna's needs for the upcoming dialogue meeting: read by her and its host, Carla.
pub fn needs(now: Millis) -> Vec<(DocumentId, Needs)> {
    let anna: PersonId = parse("demo-anna");
    let (meeting_id, next) = meetings(now).swap_remove(1);
    let mut needs = Needs::new(&meeting_id, anna.clone(), next.end, now - 5 * DAY);
    needs.text = "Jeg kommer med rollator og har brug for en plads tæt ved døren.".into();
    vec![(needs_document_id(&meeting_id, &anna), needs)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_groups_and_meetings_are_valid_and_the_series_follows_up() {
        let now = 1_800_000_000_000;
        for group in groups(now) {
            assert_eq!(group.validate(), Ok(()), "{}", group.name);
        }
        let meetings = meetings(now);
        for (_, meeting) in &meetings {
            assert_eq!(meeting.validate(), Ok(()), "{}", meeting.title);
        }
        let (held_id, held) = &meetings[0];
        let next = &meetings[1].1;
        assert_eq!(next.follows, held_id.url());
        assert_eq!(next.series, held.series);
        // The open action items (two of three) come first on the next agenda.
        let agenda: Vec<&str> = next
            .accepted_agenda()
            .iter()
            .map(|(_, i)| i.title.as_str())
            .collect();
        assert_eq!(
            agenda,
            [
                "Opfølgning: Saml frivillige til julefrokosten",
                "Opfølgning: Undersøg kørselsordning til aktivitetscentret",
                "Nytårskur for frivillige"
            ]
        );
        // Its owner by the name she answered under, not her id.
        let first = next.accepted_agenda()[0].1;
        assert!(first.note.starts_with("Anna Frivillig, "), "{}", first.note);
        assert!(next.start > now && held.end < now);
    }
}
