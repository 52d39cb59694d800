//! The calendar feed: one private, revocable URL per person (`/cal/<secret>.ics`, RFC 5545)
//! with the meetings they host, take notes at or answered yes or maybe to, and the task-bank
//! shifts they are signed up for (with a place or on the waitlist), so their own calendar app
//! shows them, with a reminder, and drops or strikes what is cancelled.
//!
//! - Built with the `icalendar` crate (events, alarms, escaping, line folding); the fixed
//!   `VTIMEZONE` of Europe/Copenhagen is a constant, as the crate has no builder for one.
//! - Times are Danish local times with `TZID=Europe/Copenhagen` (the offset from
//!   `model::local_time`, whose EU summer-time rule the `VTIMEZONE` states).
//! - Each event's `UID` is stable (`<document>@samskab`, `<document>-<shift>@samskab`) and its
//!   `SEQUENCE` grows with every change of the document (seconds from its creation to its
//!   last update), so a calendar app replaces the event rather than adding another.
//! - A cancelled meeting or task, or a withdrawn sign-up, stays in the feed with
//!   `STATUS:CANCELLED` (so subscribed calendars remove or strike it) until it has ended.
//! - A `VALARM` reminds 24 hours before (the same for everyone; a per-person choice is not
//!   built yet).
//!
//! Only the hash of the secret is stored; a new secret replaces the old one. The feed is read
//! with the person's current rights: a meeting they may no longer read is not in it.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use icalendar::{Alarm, Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};
use samskab_model::kinds::inbox::{DEFAULT_REMINDER_HOURS, Inbox, inbox_document_id};
use samskab_model::kinds::meeting::{Meeting, MeetingKind, MeetingStatus, RsvpAnswer};
use samskab_model::kinds::task::TaskKind;
use samskab_model::task::{SignupState, TaskStatus};
use samskab_model::{DocumentId, PersonId, Roster, ShiftId, Task};

use crate::AppState;
use crate::api::CurrentUser;
use crate::error::ApiError;

/// How far back ended events stay in the feed (a calendar keeps its own past).
const PAST_DAYS: i64 = 30;
const TZID: &str = "Europe/Copenhagen";

/// Europe/Copenhagen since 1996: CET, and CEST from the last Sunday of March to the last
/// Sunday of October.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\n\
BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n\
DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n\
BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n\
DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n\
END:VTIMEZONE\r\n";

pub fn api_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/calendar",
            get(feed_status).post(new_feed).delete(end_feed),
        )
        .route("/calendar/meetings/{file}", get(one_meeting))
        .route("/calendar/shifts/{task}/{file}", get(one_shift))
}

/// `/cal/<secret>.ics`: outside `/api`, as calendar apps fetch it with no session and no
/// origin.
pub fn feed_routes() -> Router<Arc<AppState>> {
    Router::new().route("/cal/{file}", get(feed))
}

#[derive(serde::Serialize)]
struct FeedStatus {
    /// When the current feed URL was made (`null`: none).
    since: Option<i64>,
    /// The URL, only in the answer that made it (only its hash is kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

async fn feed_status(
    State(state): State<Arc<AppState>>,
    me: CurrentUser,
) -> Result<Json<FeedStatus>, ApiError> {
    let accounts = state.accounts.clone();
    let since = blocking(move || accounts.calendar_feed_of(&me.user.id)).await?;
    Ok(Json(FeedStatus { since, url: None }))
}

/// Makes a new feed URL for the person; the old one stops working.
async fn new_feed(
    State(state): State<Arc<AppState>>,
    me: CurrentUser,
) -> Result<Json<FeedStatus>, ApiError> {
    let token = crate::accounts::random_hex(32);
    let accounts = state.accounts.clone();
    let hash = crate::accounts::token_hash(&token);
    let since = blocking(move || accounts.replace_calendar_feed(&me.user.id, &hash)).await?;
    tracing::info!("calendar feed made");
    Ok(Json(FeedStatus {
        since: Some(since),
        url: Some(format!("{}/cal/{token}.ics", state.public_url)),
    }))
}

async fn end_feed(
    State(state): State<Arc<AppState>>,
    me: CurrentUser,
) -> Result<StatusCode, ApiError> {
    let accounts = state.accounts.clone();
    blocking(move || accounts.delete_calendar_feed(&me.user.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::accounts::AccountError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("task failed: {e}")))?
        .map_err(ApiError::from)
}

fn ics(body: String, filename: Option<&str>) -> Response {
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response();
    if let Some(name) = filename
        && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The feed. An unknown or revoked secret is a 404 like any other.
async fn feed(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let token = file
        .strip_suffix(".ics")
        .ok_or(ApiError::NotFound)?
        .to_owned();
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound);
    }
    let accounts = state.accounts.clone();
    let hash = crate::accounts::token_hash(&token);
    let found = blocking(move || {
        let Some((person, _)) = accounts.calendar_feed_by_hash(&hash)? else {
            return Ok(None);
        };
        accounts.user(&person)
    })
    .await?;
    let user = found.ok_or(ApiError::NotFound)?;
    let principal = user.principal();
    let readable: std::collections::HashSet<DocumentId> = state
        .sync
        .catalog(principal)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let meetings: Vec<(DocumentId, Meeting)> = state
        .sync
        .documents::<MeetingKind>()
        .await
        .into_iter()
        .filter(|(id, _)| readable.contains(id))
        .collect();
    let tasks: Vec<(DocumentId, Task)> = state
        .sync
        .documents::<TaskKind>()
        .await
        .into_iter()
        .filter(|(id, _)| readable.contains(id))
        .collect();
    let now = state.accounts.now_ms();
    let hours = reminder_hours(&state, &user.id).await;
    Ok(ics(
        person_feed(&user.id, &meetings, &tasks, &state.public_url, now, hours),
        None,
    ))
}

/// "Tilføj til kalender": one meeting as a file, for someone who may read it.
async fn one_meeting(
    State(state): State<Arc<AppState>>,
    me: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let id: DocumentId = file
        .strip_suffix(".ics")
        .and_then(|id| id.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let readable = may_read(&state, &me, id).await;
    let meeting = state
        .sync
        .documents::<MeetingKind>()
        .await
        .into_iter()
        .find(|(doc, _)| *doc == id && readable)
        .ok_or(ApiError::NotFound)?;
    let hours = reminder_hours(&state, &me.user.id).await;
    let mut calendar = calendar_with_zone();
    calendar.push(meeting_event(
        &meeting.0,
        &meeting.1,
        &state.public_url,
        hours,
    ));
    Ok(ics(with_zone(&calendar.done()), Some("moede.ics")))
}

/// "Tilføj til kalender" on a shift: one shift of a task the person may read, as they hold it.
async fn one_shift(
    State(state): State<Arc<AppState>>,
    me: CurrentUser,
    Path((task, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id: DocumentId = task.parse().map_err(|_| ApiError::NotFound)?;
    let shift: ShiftId = file
        .strip_suffix(".ics")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    if !may_read(&state, &me, id).await {
        return Err(ApiError::NotFound);
    }
    let found = state
        .sync
        .read(move |hub| {
            hub.document(&id)
                .and_then(|d| autosurgeon::hydrate::<_, Task>(d).ok())
        })
        .await
        .flatten()
        .ok_or(ApiError::NotFound)?;
    let hours = reminder_hours(&state, &me.user.id).await;
    let event = shift_event(
        &id,
        &found,
        &shift,
        Some(&me.user.id),
        &state.public_url,
        hours,
    )
    .ok_or(ApiError::NotFound)?;
    let mut calendar = calendar_with_zone();
    calendar.push(event);
    Ok(ics(with_zone(&calendar.done()), Some("vagt.ics")))
}

/// Whether `me` may read document `id` (it is in their catalog).
async fn may_read(state: &AppState, me: &CurrentUser, id: DocumentId) -> bool {
    state
        .sync
        .catalog(me.user.principal())
        .await
        .into_iter()
        .any(|(doc, _)| doc == id)
}

/// The person's reminder time, as chosen in Beskeder (the default before they chose).
async fn reminder_hours(state: &AppState, person: &PersonId) -> u64 {
    let id = inbox_document_id(person);
    state
        .sync
        .read(move |hub| {
            hub.document(&id)
                .and_then(|d| autosurgeon::hydrate::<_, Inbox>(d).ok())
                .map(|i| i.settings.reminder_hours)
        })
        .await
        .flatten()
        .unwrap_or(DEFAULT_REMINDER_HOURS)
}

fn calendar_with_zone() -> Calendar {
    // Empty, not `new()`: that brings the crate's own PRODID, and RFC 5545 allows one.
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//Samskab//Samskab//DA"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.name("Samskab");
    calendar.timezone(TZID);
    calendar
}

/// The calendar as text, with the `VTIMEZONE` its times refer to before the first event (the
/// crate has no builder for a time zone, and its generic components would carry a `UID` and
/// `DTSTAMP` that a `VTIMEZONE` may not have).
fn with_zone(calendar: &Calendar) -> String {
    let text = calendar.to_string();
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    format!("{}{VTIMEZONE}{}", &text[..at], &text[at..])
}

/// The feed of `person`: the meetings they take part in and their shifts, from `days` ago on,
/// each with a reminder `reminder_hours` before (none for 0: the person's choice in Beskeder).
pub fn person_feed(
    person: &PersonId,
    meetings: &[(DocumentId, Meeting)],
    tasks: &[(DocumentId, Task)],
    origin: &str,
    now: i64,
    reminder_hours: u64,
) -> String {
    let from = now - PAST_DAYS * 86_400_000;
    let mut calendar = calendar_with_zone();
    for (id, meeting) in meetings {
        let takes_part = meeting.is_host(person)
            || meeting.note_takers.contains(person)
            || meeting
                .rsvps
                .get(person)
                .is_some_and(|r| r.answer != RsvpAnswer::No);
        if takes_part && meeting.status != MeetingStatus::Draft && meeting.end >= from {
            calendar.push(meeting_event(id, meeting, origin, reminder_hours));
        }
    }
    for (id, task) in tasks {
        for (shift_id, shift) in &task.shifts {
            if !shift.signups.contains_key(person)
                || shift.end < from
                || task.status == TaskStatus::Draft
            {
                continue;
            }
            if let Some(event) =
                shift_event(id, task, shift_id, Some(person), origin, reminder_hours)
            {
                calendar.push(event);
            }
        }
    }
    with_zone(&calendar.done())
}

/// One shift of a task as an event; as `person` holds it (a place, the waitlist, withdrawn) if
/// they signed up. `None` if the task has no such shift.
fn shift_event(
    id: &DocumentId,
    task: &Task,
    shift_id: &ShiftId,
    person: Option<&PersonId>,
    origin: &str,
    reminder_hours: u64,
) -> Option<Event> {
    let shift = task.shifts.get(shift_id)?;
    let signup = person.and_then(|p| shift.signups.get(p));
    let waiting = person.is_some_and(|p| {
        matches!(
            Roster::of(shift).place_of(shift, p),
            samskab_model::Place::Waitlisted(_)
        )
    });
    let cancelled = task.status == TaskStatus::Cancelled
        || signup.is_some_and(|s| s.state == SignupState::Withdrawn);
    let uid = format!("{id}-{shift_id}@samskab");
    let mut event = Event::new();
    event
        .uid(&uid)
        .summary(&if waiting {
            format!("{} (venteliste)", task.title)
        } else {
            task.title.clone()
        })
        .description(&task.description)
        .location(&task.place)
        .url(&format!("{origin}/opgaver/{id}"))
        .starts(local(shift.start))
        .ends(local(shift.end))
        .sequence(sequence(
            task.created_at,
            task.updated_at.max(signup.map_or(0, |s| s.at)),
        ))
        .status(if cancelled {
            EventStatus::Cancelled
        } else if waiting {
            EventStatus::Tentative
        } else {
            EventStatus::Confirmed
        });
    if reminder_hours > 0 {
        event.alarm(reminder(&uid, &task.title, reminder_hours));
    }
    Some(event.done())
}

fn meeting_event(id: &DocumentId, meeting: &Meeting, origin: &str, reminder_hours: u64) -> Event {
    let place = [meeting.place.address.as_str(), meeting.place.room.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let mut description = meeting.purpose.clone();
    if meeting.place.step_free {
        description += "\nNiveaufri adgang.";
    }
    if meeting.place.hearing_loop {
        description += "\nTeleslynge.";
    }
    if !meeting.online.is_empty() {
        description += &format!("\nOnline: {}", meeting.online);
    }
    let uid = format!("{id}@samskab");
    let mut event = Event::new();
    event
        .uid(&uid)
        .summary(&meeting.title)
        .description(description.trim())
        .location(&place)
        .url(&format!("{origin}/moeder/{id}"))
        .starts(local(meeting.start))
        .ends(local(meeting.end))
        .sequence(sequence(meeting.created_at, meeting.updated_at))
        .status(if meeting.status == MeetingStatus::Cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if reminder_hours > 0 {
        event.alarm(reminder(&uid, &meeting.title, reminder_hours));
    }
    event.done()
}

/// Grows with every change: seconds from creation to the last update.
fn sequence(created: i64, updated: i64) -> u32 {
    u32::try_from(((updated - created) / 1000).max(0)).unwrap_or(u32::MAX)
}

/// The reminder of the event `uid`, with a UID of its own that stays the same from one fetch
/// of the feed to the next (the crate would make a random one each time, and a calendar app
/// would see a new alarm every time it refreshes).
fn reminder(uid: &str, title: &str, hours: u64) -> Alarm {
    let mut alarm = Alarm::display(title, -chrono::Duration::hours(hours as i64));
    alarm.add_property("UID", format!("{uid}-paamindelse"));
    alarm
}

/// `at` as a Danish local time with its zone's id.
fn local(at: i64) -> CalendarDateTime {
    let offset = samskab_model::local_time::offset(at);
    let naive = chrono::DateTime::from_timestamp_millis(at + offset)
        .unwrap_or_default()
        .naive_utc();
    CalendarDateTime::WithTimezone {
        date_time: naive,
        tzid: TZID.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_holds_what_the_person_takes_part_in_with_local_times() {
        let now = 1_800_000_000_000;
        let meetings = samskab_model::demo::meetings(now);
        let anna: PersonId = "demo-anna".parse().unwrap();
        let feed = person_feed(&anna, &meetings, &[], "https://samskab.example", now, 24);
        assert!(feed.contains("BEGIN:VTIMEZONE"), "{feed}");
        assert!(feed.contains("TZID=Europe/Copenhagen"), "{feed}");
        // Anna answered yes to the held meeting and the next one; not to the coordination group's.
        assert_eq!(feed.matches("BEGIN:VEVENT").count(), 2, "{feed}");
        assert!(!feed.contains("Koordinationsgruppens"), "{feed}");
        assert!(feed.contains("TRIGGER:-PT86400S"), "{feed}");
        assert_eq!(feed.matches("PRODID:").count(), 1, "one PRODID: {feed}");
        assert!(feed.contains("PRODID:-//Samskab//Samskab//DA"), "{feed}");
        // The same text each time it is fetched (no random alarm UIDs), so a calendar app sees
        // nothing new unless something changed.
        let again = person_feed(&anna, &meetings, &[], "https://samskab.example", now, 24);
        let stamp = |f: &str| -> String {
            f.lines()
                .filter(|l| !l.starts_with("DTSTAMP"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(stamp(&feed), stamp(&again));
        assert!(feed.contains("-paamindelse"), "{feed}");
        // Her own reminder time (Beskeder), or none.
        let two_days = person_feed(&anna, &meetings, &[], "https://samskab.example", now, 48);
        assert_eq!(
            two_days.matches("TRIGGER:-PT172800S").count(),
            2,
            "{two_days}"
        );
        let none = person_feed(&anna, &meetings, &[], "https://samskab.example", now, 0);
        assert!(!none.contains("VALARM"), "{none}");
    }
}
