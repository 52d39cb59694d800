//! Which events make notices for whom, and what a notice says.
//!
//! The relay compares each meeting and task with how it last saw it and asks this module
//! what to tell whom. Most notices follow from the document's state alone (a cancelled
//! meeting tells everyone who said they would come), keyed by what they are about, so
//! asking again after a restart makes none twice; a few need the state before (a seat that
//! came free, a time that moved) and are asked only when the relay saw both.
//!
//! Reminders: a person's reminder time (default 24 hours, 0 for none) before each meeting
//! they said yes or maybe to (or host, or take notes at) and each shift they hold a place
//! on, once per start time (a meeting moved gets a new reminder), never after the start.

use crate::ids::{DocumentId, GroupId, OrganisationId, PersonId, ShiftId};
use crate::kinds::inbox::{MailState, Notice, NoticeKind};
use crate::kinds::meeting::{ActionState, Audience, Meeting, MeetingStatus, RsvpAnswer};
use crate::lang::Lang;
use crate::local_time;
use crate::roster::{Place, Roster};
use crate::task::{InvitationAnswer, Millis, Task, TaskStatus};

const HOUR: Millis = 60 * 60 * 1000;
const DAY: Millis = 24 * HOUR;
/// How long after a meeting its minutes and action items still make notices.
const FOLLOW_UP: Millis = 60 * DAY;

/// A notice for one person, under its key in their inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    pub person: PersonId,
    pub key: String,
    pub notice: Notice,
}

/// Who is in a group and who coordinates an organisation (the relay knows; tests make it up).
pub trait Directory {
    /// People in the group in their own right and the coordinators of its member
    /// organisations.
    fn group_members(&self, group: &GroupId) -> Vec<PersonId>;
    fn coordinators(&self, organisation: &OrganisationId) -> Vec<PersonId>;
}

fn notice(what: NoticeKind, document: &DocumentId, title: &str, now: Millis) -> Notice {
    Notice {
        what: what.into(),
        document: document.to_string(),
        title: title.to_owned(),
        start: 0,
        end: 0,
        place: String::new(),
        detail: String::new(),
        at: now,
        read_at: 0,
        mail: MailState::None,
    }
}

fn meeting_notice(what: NoticeKind, id: &DocumentId, m: &Meeting, now: Millis) -> Notice {
    Notice {
        start: m.start,
        end: m.end,
        place: meeting_place(m),
        ..notice(what, id, &m.title, now)
    }
}

/// "Rådhuset, Torvet 1, mødelokale 2" or the online link.
fn meeting_place(m: &Meeting) -> String {
    let place = [m.place.address.trim(), m.place.room.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if place.is_empty() {
        m.online.trim().to_owned()
    } else {
        place
    }
}

/// Everyone in the meeting's audience who is not running it: the groups' members and the
/// invited (a public meeting tells its groups, not the whole municipality).
fn audience(m: &Meeting, dir: &dyn Directory) -> Vec<PersonId> {
    let mut out: Vec<PersonId> = m.invited.clone();
    if m.audience != Audience::Invited {
        for group in &m.groups {
            out.extend(dir.group_members(group));
        }
    }
    out
}

/// Those who said yes or maybe.
fn coming(m: &Meeting) -> Vec<PersonId> {
    m.rsvps
        .iter()
        .filter(|(_, r)| matches!(r.answer, RsvpAnswer::Yes | RsvpAnswer::Maybe))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Each person once, without those running the meeting.
fn to(
    people: Vec<PersonId>,
    except: &[PersonId],
    key: &str,
    make: impl Fn() -> Notice,
) -> Vec<Addressed> {
    let mut people = people;
    people.sort();
    people.dedup();
    people
        .into_iter()
        .filter(|p| !except.contains(p))
        .map(|person| Addressed {
            person,
            key: key.to_owned(),
            notice: make(),
        })
        .collect()
}

/// What a meeting as it is now (and, if the relay saw it, as it was) tells whom.
pub fn meeting_notices(
    id: &DocumentId,
    before: Option<&Meeting>,
    m: &Meeting,
    now: Millis,
    dir: &dyn Directory,
) -> Vec<Addressed> {
    let mut out = Vec::new();
    let mut running = m.hosts.clone();
    running.extend(m.note_takers.iter().cloned());
    let make = |what| move || meeting_notice(what, id, m, now);
    match m.status {
        MeetingStatus::Published if m.start > now => {
            out.extend(to(
                audience(m, dir),
                &running,
                &format!("moede:{id}:offentliggjort"),
                make(NoticeKind::MeetingPublished),
            ));
        }
        MeetingStatus::Cancelled if m.end > now => {
            out.extend(to(
                coming(m),
                &m.hosts,
                &format!("moede:{id}:aflyst"),
                make(NoticeKind::MeetingCancelled),
            ));
        }
        MeetingStatus::MinutesPublished if m.end > now - FOLLOW_UP => {
            let mut people = audience(m, dir);
            people.extend(coming(m));
            people.extend(m.attendance.values().filter_map(|c| c.person.clone()));
            out.extend(to(
                people,
                &running,
                &format!("moede:{id}:referat"),
                make(NoticeKind::MinutesPublished),
            ));
        }
        _ => {}
    }
    if m.status != MeetingStatus::Draft && m.end > now - FOLLOW_UP {
        for (item, action) in &m.actions {
            if !matches!(action.state, ActionState::Open | ActionState::InProgress) {
                continue;
            }
            let mut owners: Vec<PersonId> = action.owner_person.iter().cloned().collect();
            if let Some(organisation) = &action.owner_organisation {
                owners.extend(dir.coordinators(organisation));
            }
            out.extend(to(
                owners,
                std::slice::from_ref(&action.by),
                &format!("moede:{id}:handling:{item}"),
                || Notice {
                    detail: if action.due.is_empty() {
                        action.title.clone()
                    } else {
                        format!("{} ({})", action.title, readable_date(&action.due))
                    },
                    ..meeting_notice(NoticeKind::ActionAssigned, id, m, now)
                },
            ));
        }
    }
    let Some(before) = before else {
        return out;
    };
    if m.status == MeetingStatus::Published && m.start > now {
        let moved = before.status == MeetingStatus::Published
            && (before.start != m.start
                || before.end != m.end
                || meeting_place(before) != meeting_place(m));
        if moved {
            out.extend(to(
                coming(m),
                &m.hosts,
                &format!("moede:{id}:aendret:{}", m.updated_at),
                make(NoticeKind::MeetingChanged),
            ));
        }
        let was_waiting = before.seats().waitlist;
        for person in m.seats().confirmed {
            if was_waiting.contains(&person) {
                let at = m.rsvps.get(&person).map_or(0, |r| r.at);
                out.push(Addressed {
                    key: format!("moede:{id}:plads:{at}"),
                    person,
                    notice: meeting_notice(NoticeKind::MeetingSeat, id, m, now),
                });
            }
        }
    }
    out
}

fn shift_notice(
    what: NoticeKind,
    id: &DocumentId,
    task: &Task,
    shift: &ShiftId,
    now: Millis,
) -> Notice {
    let (start, end) = task.shifts.get(shift).map_or((0, 0), |s| (s.start, s.end));
    Notice {
        start,
        end,
        place: task.place.clone(),
        ..notice(what, id, &task.title, now)
    }
}

/// What a task as it is now (and, if the relay saw it, as it was) tells whom. The
/// organisation's coordinators made the change and are not told of it.
pub fn task_notices(
    id: &DocumentId,
    before: Option<&Task>,
    task: &Task,
    now: Millis,
    dir: &dyn Directory,
) -> Vec<Addressed> {
    let mut out = Vec::new();
    let coordinators = dir.coordinators(&task.organisation);
    match task.status {
        TaskStatus::Cancelled => {
            let coming: Vec<PersonId> = task
                .shifts
                .values()
                .filter(|s| s.end > now)
                .flat_map(|s| {
                    let roster = Roster::of(s);
                    roster.confirmed.into_iter().chain(roster.waitlist)
                })
                .collect();
            let first = task
                .shifts
                .values()
                .filter(|s| s.end > now)
                .map(|s| s.start)
                .min()
                .unwrap_or(0);
            out.extend(to(
                coming,
                &coordinators,
                &format!("opgave:{id}:aflyst"),
                || Notice {
                    start: first,
                    place: task.place.clone(),
                    ..notice(NoticeKind::TaskCancelled, id, &task.title, now)
                },
            ));
        }
        TaskStatus::Published => {
            // An invitation not yet answered, to a shift not yet started: the person is told
            // once per invitation (a new one, after an answer, is told again).
            for (person, invitation) in &task.invitations {
                // Not to a shift they are already on (signed up another way, or invited
                // again): there is nothing to answer.
                let open = task.shifts.get(&invitation.shift).is_some_and(|s| {
                    s.start > now
                        && !matches!(
                            Roster::of(s).place_of(s, person),
                            Place::Confirmed | Place::Waitlisted(_)
                        )
                });
                if invitation.answer == InvitationAnswer::Pending && open {
                    out.push(Addressed {
                        key: format!("opgave:{id}:invitation:{person}:{}", invitation.at),
                        person: person.clone(),
                        notice: shift_notice(
                            NoticeKind::TaskInvitation,
                            id,
                            task,
                            &invitation.shift,
                            now,
                        ),
                    });
                }
            }
            for (shift_id, shift) in &task.shifts {
                if shift.end <= now {
                    continue;
                }
                for person in Roster::of(shift).declined {
                    let at = shift.decisions.get(&person).map_or(0, |d| d.at);
                    out.push(Addressed {
                        key: format!("opgave:{id}:{shift_id}:afvist:{at}"),
                        person,
                        notice: shift_notice(NoticeKind::ShiftDeclined, id, task, shift_id, now),
                    });
                }
                let Some(was) = before.and_then(|b| b.shifts.get(shift_id)) else {
                    continue;
                };
                if before.is_some_and(|b| b.status != TaskStatus::Published) || shift.start <= now {
                    continue;
                }
                // A new time for the shift, or a new place for the task: everyone on it
                // (with a place or waiting) is told, once per version of it.
                let moved = was.start != shift.start
                    || was.end != shift.end
                    || before.is_some_and(|b| b.place != task.place);
                if moved {
                    let roster = Roster::of(shift);
                    for person in roster.confirmed.into_iter().chain(roster.waitlist) {
                        out.push(Addressed {
                            key: format!(
                                "opgave:{id}:{shift_id}:aendret:{}:{}:{}",
                                shift.start, shift.end, task.updated_at
                            ),
                            person,
                            notice: shift_notice(NoticeKind::ShiftChanged, id, task, shift_id, now),
                        });
                    }
                }
                let was_waiting = Roster::of(was).waitlist;
                for person in Roster::of(shift).confirmed {
                    if was_waiting.contains(&person) {
                        let at = shift.signups.get(&person).map_or(0, |s| s.at);
                        out.push(Addressed {
                            key: format!("opgave:{id}:{shift_id}:plads:{at}"),
                            person,
                            notice: shift_notice(NoticeKind::ShiftSeat, id, task, shift_id, now),
                        });
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// Whether a reminder `hours` before `start` is due at `now`.
fn due(start: Millis, hours: u64, now: Millis) -> bool {
    hours > 0 && now < start && now >= start - (hours as Millis) * HOUR
}

/// Reminders due at `now` for a published meeting: to those who said yes or maybe, its
/// hosts and note-takers, each by their own reminder time (`hours`).
pub fn meeting_reminders(
    id: &DocumentId,
    m: &Meeting,
    now: Millis,
    hours: &dyn Fn(&PersonId) -> u64,
) -> Vec<Addressed> {
    if m.status != MeetingStatus::Published || m.start <= now {
        return Vec::new();
    }
    let mut people = coming(m);
    people.extend(m.hosts.iter().cloned());
    people.extend(m.note_takers.iter().cloned());
    people.retain(|p| due(m.start, hours(p), now));
    to(
        people,
        &[],
        &format!("paamind:moede:{id}:{}", m.start),
        || meeting_notice(NoticeKind::MeetingReminder, id, m, now),
    )
}

/// Reminders due at `now` for the shifts of a published task: to those holding a place.
pub fn task_reminders(
    id: &DocumentId,
    task: &Task,
    now: Millis,
    hours: &dyn Fn(&PersonId) -> u64,
) -> Vec<Addressed> {
    if task.status != TaskStatus::Published {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (shift_id, shift) in &task.shifts {
        if shift.start <= now {
            continue;
        }
        for person in Roster::of(shift).confirmed {
            if due(shift.start, hours(&person), now) {
                out.push(Addressed {
                    key: format!("paamind:opgave:{id}:{shift_id}:{}", shift.start),
                    person,
                    notice: shift_notice(NoticeKind::ShiftReminder, id, task, shift_id, now),
                });
            }
        }
    }
    out
}

/// The app's page a notice leads to: the meeting's or the task's; Beskeder itself for a kind
/// this build does not know (made by a newer relay for an area it may not have).
pub fn path(n: &Notice) -> String {
    let Some(what) = n.what.known() else {
        return "/beskeder".to_owned();
    };
    let area = if what.as_str().starts_with("moede-") {
        "moeder"
    } else {
        "opgaver"
    };
    format!("/{area}/{}", n.document)
}

/// What a notice says: a subject line and a few sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    pub subject: String,
    pub body: String,
}

/// A Danish or English local date and time: "torsdag 10. december 2026 kl. 14.00" /
/// "Thursday 10 December 2026 at 14:00" (for mail, where the reader's time zone is not
/// known; the app formats in the browser's).
pub fn spoken_time(at: Millis, lang: Lang) -> String {
    const MONTHS: [(&str, &str); 12] = [
        ("januar", "January"),
        ("februar", "February"),
        ("marts", "March"),
        ("april", "April"),
        ("maj", "May"),
        ("juni", "June"),
        ("juli", "July"),
        ("august", "August"),
        ("september", "September"),
        ("oktober", "October"),
        ("november", "November"),
        ("december", "December"),
    ];
    let t = local_time::local(at);
    let (da, en) = MONTHS[(t.month as usize).saturating_sub(1) % 12];
    let (h, m) = (t.minute / 60, t.minute % 60);
    match lang {
        Lang::Da => format!(
            "{} {}. {da} {} kl. {h:02}.{m:02}",
            t.weekday.label(lang),
            t.day,
            t.year
        ),
        Lang::En => format!(
            "{} {} {en} {} at {h:02}:{m:02}",
            t.weekday.label(lang),
            t.day,
            t.year
        ),
    }
}

/// What `n` says in `lang`, its times formatted by `when`.
pub fn text(n: &Notice, lang: Lang, when: &dyn Fn(Millis) -> String) -> NoticeText {
    let title = &n.title;
    let Some(what) = n.what.known() else {
        // A kind added after this build: its title, and a word on why there is no more.
        return match lang {
            Lang::Da => NoticeText {
                subject: format!("Ny besked: {title}"),
                body:
                    "Denne besked kan vises i en nyere version af appen. Den hentes af sig selv, \
                       næste gang appen åbnes med forbindelse."
                        .to_owned(),
            },
            Lang::En => NoticeText {
                subject: format!("New message: {title}"),
                body: "A newer version of the app can show this message. It downloads by itself \
                       the next time the app opens online."
                    .to_owned(),
            },
        };
    };
    let subject = match (what, lang) {
        (NoticeKind::MeetingPublished, Lang::Da) => format!("Nyt møde: {title}"),
        (NoticeKind::MeetingPublished, Lang::En) => format!("New meeting: {title}"),
        (NoticeKind::MeetingChanged, Lang::Da) => format!("Ændret tid eller sted: {title}"),
        (NoticeKind::MeetingChanged, Lang::En) => format!("New time or place: {title}"),
        (NoticeKind::MeetingCancelled, Lang::Da) => format!("Aflyst: {title}"),
        (NoticeKind::MeetingCancelled, Lang::En) => format!("Cancelled: {title}"),
        (NoticeKind::MeetingSeat, Lang::Da) => format!("Du har fået en plads: {title}"),
        (NoticeKind::MeetingSeat, Lang::En) => format!("You have a seat: {title}"),
        (NoticeKind::MeetingReminder, Lang::Da) => format!("Påmindelse: {title}"),
        (NoticeKind::MeetingReminder, Lang::En) => format!("Reminder: {title}"),
        (NoticeKind::MinutesPublished, Lang::Da) => format!("Referat: {title}"),
        (NoticeKind::MinutesPublished, Lang::En) => format!("Minutes: {title}"),
        (NoticeKind::ActionAssigned, Lang::Da) => format!("Opfølgning til dig: {}", n.detail),
        (NoticeKind::ActionAssigned, Lang::En) => format!("Action item for you: {}", n.detail),
        (NoticeKind::TaskCancelled, Lang::Da) => format!("Opgaven er aflyst: {title}"),
        (NoticeKind::TaskCancelled, Lang::En) => format!("Task cancelled: {title}"),
        (NoticeKind::ShiftDeclined, Lang::Da) => format!("Ikke plads denne gang: {title}"),
        (NoticeKind::ShiftDeclined, Lang::En) => format!("No place this time: {title}"),
        (NoticeKind::ShiftSeat, Lang::Da) => format!("Du har fået en plads: {title}"),
        (NoticeKind::ShiftSeat, Lang::En) => format!("You have a place: {title}"),
        (NoticeKind::ShiftReminder, Lang::Da) => format!("Påmindelse: {title}"),
        (NoticeKind::ShiftReminder, Lang::En) => format!("Reminder: {title}"),
        (NoticeKind::ShiftChanged, Lang::Da) => format!("Ny tid eller nyt sted: {title}"),
        (NoticeKind::ShiftChanged, Lang::En) => format!("New time or place: {title}"),
        (NoticeKind::TaskInvitation, Lang::Da) => format!("Du er inviteret: {title}"),
        (NoticeKind::TaskInvitation, Lang::En) => format!("You are invited: {title}"),
    };
    let mut lines = Vec::new();
    if n.start != 0 {
        let (da, en) = ("Tid", "When");
        let label = if lang == Lang::Da { da } else { en };
        lines.push(format!("{label}: {}", when(n.start)));
    }
    if !n.place.is_empty() {
        let label = if lang == Lang::Da { "Sted" } else { "Where" };
        lines.push(format!("{label}: {}", n.place));
    }
    let lead = match (what, lang) {
        (NoticeKind::MeetingPublished, Lang::Da) => {
            "Du er inviteret til et møde. Svar gerne, om du kommer."
        }
        (NoticeKind::MeetingPublished, Lang::En) => {
            "You are invited to a meeting. Please say whether you will come."
        }
        (NoticeKind::MeetingChanged, Lang::Da) => {
            "Mødet, du har svaret på, har fået ny tid eller nyt sted."
        }
        (NoticeKind::MeetingChanged, Lang::En) => {
            "The meeting you answered has a new time or place."
        }
        (NoticeKind::MeetingCancelled, Lang::Da) => "Mødet er aflyst.",
        (NoticeKind::MeetingCancelled, Lang::En) => "The meeting has been cancelled.",
        (NoticeKind::MeetingSeat, Lang::Da) => {
            "Der er blevet en plads ledig, og den er din. Kan du alligevel ikke komme, så meld fra i appen."
        }
        (NoticeKind::MeetingSeat, Lang::En) => {
            "A seat has come free and it is yours. If you cannot come after all, say so in the app."
        }
        (NoticeKind::MeetingReminder | NoticeKind::ShiftReminder, Lang::Da) => "Husk:",
        (NoticeKind::MeetingReminder | NoticeKind::ShiftReminder, Lang::En) => "Remember:",
        (NoticeKind::MinutesPublished, Lang::Da) => "Referatet er godkendt og kan læses i appen.",
        (NoticeKind::MinutesPublished, Lang::En) => {
            "The minutes have been approved and can be read in the app."
        }
        (NoticeKind::ActionAssigned, Lang::Da) => {
            "Du (eller din forening) har fået en opfølgning fra mødet."
        }
        (NoticeKind::ActionAssigned, Lang::En) => {
            "You (or your organisation) have an action item from the meeting."
        }
        (NoticeKind::TaskCancelled, Lang::Da) => {
            "Opgaven, du var tilmeldt, er aflyst. Tak fordi du ville hjælpe."
        }
        (NoticeKind::TaskCancelled, Lang::En) => {
            "The task you signed up for has been cancelled. Thank you for offering to help."
        }
        (NoticeKind::ShiftDeclined, Lang::Da) => {
            "Koordinatoren har ikke plads til dig på denne vagt. Se gerne efter andre opgaver."
        }
        (NoticeKind::ShiftDeclined, Lang::En) => {
            "The coordinator has no place for you on this shift. Do look for other tasks."
        }
        (NoticeKind::ShiftSeat, Lang::Da) => {
            "Du er rykket op fra ventelisten og har nu en plads på vagten."
        }
        (NoticeKind::ShiftSeat, Lang::En) => {
            "You have moved up from the waitlist and now have a place on the shift."
        }
        (NoticeKind::ShiftChanged, Lang::Da) => {
            "Vagten, du er skrevet op til, har fået ny tid eller nyt sted. Passer det stadig?"
        }
        (NoticeKind::ShiftChanged, Lang::En) => {
            "The shift you are on has a new time or place. Does it still suit you?"
        }
        (NoticeKind::TaskInvitation, Lang::Da) => {
            "Du er blevet inviteret til en vagt gennem CV-banken. Svar i appen, om du vil tage den."
        }
        (NoticeKind::TaskInvitation, Lang::En) => {
            "You have been invited to a shift through the CV bank. Answer in the app whether you will take it."
        }
    };
    let mut body = vec![lead.to_owned()];
    if matches!(
        what,
        NoticeKind::MeetingReminder | NoticeKind::ShiftReminder
    ) {
        body.push(n.title.clone());
    }
    if what == NoticeKind::ActionAssigned {
        let label = if lang == Lang::Da { "Møde" } else { "Meeting" };
        body.push(format!("{label}: {title}"));
    }
    body.extend(lines);
    NoticeText {
        subject,
        body: body.join("\n"),
    }
}

/// A `YYYY-MM-DD` date as Danes write it, "15.1.2027" (understood in the English app too);
/// anything else as it is. A notice's detail is written once, for every language.
fn readable_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts[..] {
        [y, m, d]
            if [y, m, d]
                .iter()
                .all(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty()) =>
        {
            format!(
                "{}.{}.{y}",
                d.trim_start_matches('0'),
                m.trim_start_matches('0')
            )
        }
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kinds::meeting::{ActionItem, MeetingType, Rsvp};
    use crate::task::{Area, Decision, DecisionEntry, Invitation, Shift, Signup, SignupState};

    const NOW: Millis = 1_790_000_000_000;

    fn p(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    struct Dir;
    impl Directory for Dir {
        fn group_members(&self, group: &GroupId) -> Vec<PersonId> {
            match group.as_str() {
                "aeldre" => vec![p("anna"), p("bo"), p("host")],
                _ => Vec::new(),
            }
        }
        fn coordinators(&self, organisation: &OrganisationId) -> Vec<PersonId> {
            match organisation.as_str() {
                "roede-kors" => vec![p("kim"), p("lis")],
                _ => Vec::new(),
            }
        }
    }

    fn id() -> DocumentId {
        DocumentId::from_bytes([7; 16])
    }

    fn meeting() -> Meeting {
        let mut m = Meeting::draft(
            p("host"),
            "Dialogmøde",
            MeetingType::Dialogue,
            NOW + 3 * DAY,
            NOW + 3 * DAY + 2 * HOUR,
            NOW - DAY,
        );
        m.groups = vec!["aeldre".parse().unwrap()];
        m.audience = Audience::Groups;
        m.invited = vec![p("ida")];
        m.place.address = "Rådhuset".into();
        m.status = MeetingStatus::Published;
        m
    }

    fn answer(m: &mut Meeting, who: &str, answer: RsvpAnswer, at: Millis) {
        m.rsvps.insert(
            p(who),
            Rsvp {
                answer,
                name: who.into(),
                on_behalf: None,
                at,
            },
        );
    }

    fn people(out: &[Addressed], what: NoticeKind) -> Vec<String> {
        let mut v: Vec<String> = out
            .iter()
            .filter(|a| a.notice.what == what)
            .map(|a| a.person.as_str().to_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_published_meeting_tells_its_groups_and_the_invited_not_its_hosts() {
        let m = meeting();
        let out = meeting_notices(&id(), None, &m, NOW, &Dir);
        assert_eq!(
            people(&out, NoticeKind::MeetingPublished),
            ["anna", "bo", "ida"]
        );
        assert!(
            out.iter()
                .all(|a| a.key == format!("moede:{}:offentliggjort", id()))
        );
        assert_eq!(out[0].notice.place, "Rådhuset");
        let mut draft = m.clone();
        draft.status = MeetingStatus::Draft;
        assert!(meeting_notices(&id(), None, &draft, NOW, &Dir).is_empty());
        // Published for a meeting already past: no one is told.
        assert!(meeting_notices(&id(), None, &m, m.start + 1, &Dir).is_empty());
        let mut invited = m.clone();
        invited.audience = Audience::Invited;
        let out = meeting_notices(&id(), None, &invited, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::MeetingPublished), ["ida"]);
    }

    #[test]
    fn a_cancellation_tells_those_who_said_yes_or_maybe() {
        let mut m = meeting();
        answer(&mut m, "anna", RsvpAnswer::Yes, NOW - 5);
        answer(&mut m, "bo", RsvpAnswer::Maybe, NOW - 4);
        answer(&mut m, "ida", RsvpAnswer::No, NOW - 3);
        m.status = MeetingStatus::Cancelled;
        let out = meeting_notices(&id(), None, &m, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::MeetingCancelled), ["anna", "bo"]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn a_seat_that_comes_free_and_a_moved_time_are_told_once_seen() {
        let mut before = meeting();
        before.capacity = 1;
        answer(&mut before, "anna", RsvpAnswer::Yes, NOW - 5);
        answer(&mut before, "bo", RsvpAnswer::Yes, NOW - 4);
        let mut after = before.clone();
        answer(&mut after, "anna", RsvpAnswer::No, NOW - 1);
        let out = meeting_notices(&id(), Some(&before), &after, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::MeetingSeat), ["bo"]);
        // Without the state before, nothing says a seat came free.
        let out = meeting_notices(&id(), None, &after, NOW, &Dir);
        assert!(people(&out, NoticeKind::MeetingSeat).is_empty());

        let mut moved = after.clone();
        moved.start += HOUR;
        moved.end += HOUR;
        moved.updated_at = NOW;
        let out = meeting_notices(&id(), Some(&after), &moved, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::MeetingChanged), ["bo"]);
        let mut same = after.clone();
        same.purpose = "Nyt formål".into();
        let out = meeting_notices(&id(), Some(&after), &same, NOW, &Dir);
        assert!(people(&out, NoticeKind::MeetingChanged).is_empty());
    }

    #[test]
    fn an_action_item_tells_its_owner_and_the_owning_organisations_coordinators() {
        let mut m = meeting();
        m.status = MeetingStatus::Held;
        let action = |person: Option<&str>, org: Option<&str>, state| ActionItem {
            title: "Find lokale".into(),
            owner_person: person.map(p),
            owner_organisation: org.map(|o| o.parse().unwrap()),
            due: "2027-01-15".into(),
            state,
            decision: String::new(),
            task: String::new(),
            by: p("lis"),
            at: NOW,
        };
        m.actions = BTreeMap::from([
            (
                "a1".parse().unwrap(),
                action(Some("anna"), None, ActionState::Open),
            ),
            (
                "a2".parse().unwrap(),
                action(None, Some("roede-kors"), ActionState::InProgress),
            ),
            (
                "a3".parse().unwrap(),
                action(Some("bo"), None, ActionState::Done),
            ),
        ]);
        let out = meeting_notices(&id(), None, &m, NOW, &Dir);
        // Lis wrote the items: she is not told of her own.
        assert_eq!(people(&out, NoticeKind::ActionAssigned), ["anna", "kim"]);
        let anna = out.iter().find(|a| a.person == p("anna")).unwrap();
        assert_eq!(anna.notice.detail, "Find lokale (15.1.2027)");
        assert_eq!(anna.key, format!("moede:{}:handling:a1", id()));
    }

    #[test]
    fn reminders_come_by_each_persons_time_and_never_after_the_start() {
        let mut m = meeting();
        answer(&mut m, "anna", RsvpAnswer::Yes, NOW - 5);
        answer(&mut m, "bo", RsvpAnswer::Maybe, NOW - 4);
        answer(&mut m, "ida", RsvpAnswer::No, NOW - 3);
        let hours = |who: &PersonId| match who.as_str() {
            "anna" => 24,
            "bo" => 72,
            _ => 0,
        };
        // Three days before: only Bo (72 h) is due.
        let at = m.start - 72 * HOUR;
        assert_eq!(
            people(
                &meeting_reminders(&id(), &m, at, &hours),
                NoticeKind::MeetingReminder
            ),
            ["bo"]
        );
        let at = m.start - 24 * HOUR;
        assert_eq!(
            people(
                &meeting_reminders(&id(), &m, at, &hours),
                NoticeKind::MeetingReminder
            ),
            ["anna", "bo"]
        );
        assert!(meeting_reminders(&id(), &m, m.start, &hours).is_empty());
        let out = meeting_reminders(&id(), &m, at, &hours);
        assert_eq!(out[0].key, format!("paamind:moede:{}:{}", id(), m.start));
    }

    fn task() -> Task {
        let mut t = Task::draft(
            "roede-kors".parse().unwrap(),
            "Sommerfest",
            Area::Culture,
            NOW - DAY,
        );
        t.place = "Byparken".into();
        t.status = TaskStatus::Published;
        let mut shift = Shift::new(NOW + DAY, NOW + DAY + 3 * HOUR, 1);
        for (who, at) in [("anna", NOW - 10), ("bo", NOW - 9)] {
            shift.signups.insert(
                p(who),
                Signup {
                    state: SignupState::SignedUp,
                    at,
                },
            );
        }
        t.shifts.insert("s1".parse().unwrap(), shift);
        t
    }

    #[test]
    fn task_events_cancelled_declined_and_moved_up() {
        let before = task();
        let mut after = before.clone();
        after
            .shifts
            .get_mut(&"s1".parse().unwrap())
            .unwrap()
            .signups
            .get_mut(&p("anna"))
            .unwrap()
            .state = SignupState::Withdrawn;
        let out = task_notices(&id(), Some(&before), &after, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::ShiftSeat), ["bo"]);

        let mut declined = before.clone();
        declined
            .shifts
            .get_mut(&"s1".parse().unwrap())
            .unwrap()
            .decisions
            .insert(
                p("anna"),
                DecisionEntry {
                    decision: Decision::Declined,
                    by: p("kim"),
                    at: NOW,
                },
            );
        let out = task_notices(&id(), None, &declined, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::ShiftDeclined), ["anna"]);

        let mut cancelled = before.clone();
        cancelled.status = TaskStatus::Cancelled;
        let out = task_notices(&id(), None, &cancelled, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::TaskCancelled), ["anna", "bo"]);
        assert_eq!(out[0].notice.start, NOW + DAY);

        let hours = |_: &PersonId| 24;
        let out = task_reminders(&id(), &before, NOW, &hours);
        assert_eq!(people(&out, NoticeKind::ShiftReminder), ["anna"]);
    }

    #[test]
    fn an_invitation_tells_the_person_until_they_answer() {
        let mut invited = task();
        let s1: ShiftId = "s1".parse().unwrap();
        invited.invitations.insert(
            p("vera"),
            Invitation {
                shift: s1.clone(),
                by: p("kim"),
                at: NOW - HOUR,
                answer: InvitationAnswer::Pending,
            },
        );
        let out = task_notices(&id(), Some(&task()), &invited, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::TaskInvitation), ["vera"]);
        let told = out
            .iter()
            .find(|a| a.notice.what == NoticeKind::TaskInvitation)
            .unwrap();
        assert_eq!(told.notice.start, invited.shifts[&s1].start);
        let text = text(&told.notice, Lang::Da, &|_| String::new());
        assert!(
            text.subject.starts_with("Du er inviteret"),
            "{}",
            text.subject
        );
        // Seen again, the same key (the inbox keeps one).
        let again = task_notices(&id(), None, &invited, NOW, &Dir);
        let key = |o: &[Addressed]| {
            o.iter()
                .find(|a| a.notice.what == NoticeKind::TaskInvitation)
                .map(|a| a.key.clone())
        };
        assert_eq!(key(&out), key(&again));

        // Already on the shift (invited again after signing up): nothing to answer.
        let mut on_it = invited.clone();
        on_it.shifts.get_mut(&s1).unwrap().signups.insert(
            p("vera"),
            Signup {
                state: SignupState::SignedUp,
                at: NOW - 2 * HOUR,
            },
        );
        let out = task_notices(&id(), None, &on_it, NOW, &Dir);
        assert!(people(&out, NoticeKind::TaskInvitation).is_empty());

        // Answered, or the shift has started, or the task is not published: nothing.
        let mut answered = invited.clone();
        answered.invitations.get_mut(&p("vera")).unwrap().answer = InvitationAnswer::Declined;
        let out = task_notices(&id(), None, &answered, NOW, &Dir);
        assert!(people(&out, NoticeKind::TaskInvitation).is_empty());
        let late = invited.shifts[&s1].start + 1;
        let out = task_notices(&id(), None, &invited, late, &Dir);
        assert!(people(&out, NoticeKind::TaskInvitation).is_empty());
        let mut draft = invited.clone();
        draft.status = TaskStatus::Draft;
        let out = task_notices(&id(), None, &draft, NOW, &Dir);
        assert!(people(&out, NoticeKind::TaskInvitation).is_empty());
    }

    #[test]
    fn a_shift_moved_or_a_task_moved_tells_everyone_on_it_once_per_version() {
        let before = task();
        let s1 = "s1".parse().unwrap();
        // Nothing about time or place changed: nobody is told.
        let mut retitled = before.clone();
        retitled.title = "Ny titel".into();
        let out = task_notices(&id(), Some(&before), &retitled, NOW, &Dir);
        assert!(people(&out, NoticeKind::ShiftChanged).is_empty());

        // An hour later: the one with a place and the one waiting are both told, with the
        // new time; the coordinators who made the change are not.
        let mut later = before.clone();
        later.updated_at = NOW;
        let shift = later.shifts.get_mut(&s1).unwrap();
        shift.start += HOUR;
        shift.end += HOUR;
        let out = task_notices(&id(), Some(&before), &later, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::ShiftChanged), ["anna", "bo"]);
        let moved = out
            .iter()
            .find(|a| a.notice.what == NoticeKind::ShiftChanged)
            .unwrap();
        assert_eq!(moved.notice.start, before.shifts[&s1].start + HOUR);
        // The same version seen again makes the same keys (the inbox keeps one of each).
        let again = task_notices(&id(), Some(&before), &later, NOW, &Dir);
        let keys = |o: &[Addressed]| o.iter().map(|a| a.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&out), keys(&again));

        // A new place for the task is a change for every shift's people too.
        let mut elsewhere = before.clone();
        elsewhere.place = "Hallen".into();
        let out = task_notices(&id(), Some(&before), &elsewhere, NOW, &Dir);
        assert_eq!(people(&out, NoticeKind::ShiftChanged), ["anna", "bo"]);

        // A shift that has started, or a task seen for the first time: nothing.
        let out = task_notices(&id(), None, &later, NOW, &Dir);
        assert!(people(&out, NoticeKind::ShiftChanged).is_empty());
    }

    #[test]
    fn a_notice_says_when_and_where_in_danish_time() {
        // 13:00 UTC on 10 December 2026 is 14:00 in Denmark (winter time).
        let at = 1_796_907_600_000;
        assert_eq!(
            spoken_time(at, Lang::Da),
            "torsdag 10. december 2026 kl. 14.00"
        );
        assert_eq!(
            spoken_time(at, Lang::En),
            "Thursday 10 December 2026 at 14:00"
        );
        let mut m = meeting();
        m.start = at;
        m.status = MeetingStatus::Cancelled;
        answer(&mut m, "anna", RsvpAnswer::Yes, NOW);
        let out = meeting_notices(&id(), None, &m, NOW, &Dir);
        let t = text(&out[0].notice, Lang::Da, &|t| spoken_time(t, Lang::Da));
        assert_eq!(t.subject, "Aflyst: Dialogmøde");
        assert!(
            t.body.contains("Tid: torsdag 10. december 2026 kl. 14.00"),
            "{}",
            t.body
        );
        assert!(t.body.contains("Sted: Rådhuset"), "{}", t.body);
    }
}
