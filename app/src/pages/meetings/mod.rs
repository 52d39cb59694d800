//! Møder: dialogue meetings, coordination meetings and the groups they belong to, from the
//! documents on the device, so a meeting is planned, answered, checked in at the door,
//! minuted and followed up without a network.
//!
//! - this file: the list of meetings, the kinds' side of the app ([`Editable`] for the
//!   meeting and the group), and small helpers the screens share;
//! - `detail`: one meeting's page (what, when, where, answering, the agenda, the hosts'
//!   buttons);
//! - `people`: finding a person (at the relay) to add to a group or invite to a meeting;
//! - `needs`: a person's needs for a meeting, written with their answer, and the list the
//!   hosts read;
//! - `room`: what happens in the room (check-in at the door, minutes, decisions, action
//!   items);
//! - `form`: planning a meeting and changing it;
//! - `groups`: the groups, each with its meetings and open action items;
//! - `calendar`: the person's calendar feed URL, in Min konto.

mod calendar;
mod detail;
mod form;
mod groups;
mod needs;
mod people;
mod room;

pub use calendar::CalendarFeed;
pub use detail::MeetingPage;
pub use form::{EditMeetingPage, NewMeetingPage};
pub use groups::{GroupPage, GroupsPage};

use leptos::prelude::*;
use leptos_router::components::A;
use samskab_model::kinds::meeting::{Meeting, MeetingKind, MeetingStatus, RsvpAnswer};
use samskab_model::{DocumentId, ItemId, Lang, PersonId};

use crate::components::page_title;
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;

/// The address of a meeting's page.
pub fn path(id: &DocumentId) -> String {
    format!("/moeder/{id}")
}

/// A fresh id for an entry in a document (agenda item, decision, action item, walk-in):
/// random, so two devices offline never pick the same.
fn new_item(prefix: &str) -> ItemId {
    let bytes = DocumentId::random();
    let hex: String = bytes.as_bytes()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{prefix}-{hex}")
        .parse()
        .expect("a prefix of a-z and hex digits is a valid item id")
}

/// The status as a short word for a badge.
fn status_label(status: MeetingStatus, lang: Lang) -> &'static str {
    match status {
        MeetingStatus::Draft => Msg::MeetingDraft.text(lang),
        MeetingStatus::Published => Msg::MeetingPublished.text(lang),
        MeetingStatus::Held => Msg::MeetingHeld.text(lang),
        MeetingStatus::MinutesPublished => Msg::MeetingMinutesPublished.text(lang),
        MeetingStatus::Cancelled => Msg::MeetingCancelled.text(lang),
    }
}

/// The person's own state at a meeting, in words ("Du kommer", "Nr. 2 på ventelisten"); for
/// a meeting that is over or cancelled, what they answered ("Du sagde ja").
pub fn my_state(meeting: &Meeting, me: &PersonId, lang: Lang) -> Option<String> {
    let rsvp = meeting.rsvps.get(me)?;
    let over = meeting.end <= time::now()
        || matches!(
            meeting.status,
            MeetingStatus::Held | MeetingStatus::MinutesPublished | MeetingStatus::Cancelled
        );
    if over {
        let waited = rsvp.answer == RsvpAnswer::Yes && meeting.seats().waitlist.contains(me);
        let said = match rsvp.answer {
            RsvpAnswer::Yes if waited => Msg::MeetingYouWaited,
            RsvpAnswer::Yes => Msg::MeetingYouSaidYes,
            RsvpAnswer::Maybe => Msg::MeetingYouSaidMaybe,
            RsvpAnswer::No => Msg::MeetingYouSaidNo,
        };
        return Some(said.text(lang).to_owned());
    }
    Some(match rsvp.answer {
        RsvpAnswer::Yes => {
            let seats = meeting.seats();
            match seats.waitlist.iter().position(|p| p == me) {
                Some(n) => i18n::meeting_waitlist_place(n + 1, lang),
                None => Msg::MeetingYouCome.text(lang).to_owned(),
            }
        }
        RsvpAnswer::Maybe => Msg::MeetingYouMaybe.text(lang).to_owned(),
        RsvpAnswer::No => Msg::MeetingYouDont.text(lang).to_owned(),
    })
}

/// Every meeting on the device: coming ones first by start, then those held (latest first).
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    page_title(Msg::NavMeetings);
    let me = session.person();
    let may_plan = session.runs_tasks();
    let lists = move || {
        sync.view.version.track();
        let now = time::now();
        let (mut coming, mut past): (Vec<_>, Vec<_>) = sync
            .documents::<MeetingKind>()
            .into_iter()
            .partition(|(_, m)| {
                m.end > now
                    && m.status != MeetingStatus::Held
                    && m.status != MeetingStatus::MinutesPublished
            });
        coming.sort_by_key(|(_, m)| m.start);
        past.sort_by_key(|(_, m)| std::cmp::Reverse(m.start));
        (coming, past)
    };
    let card = move |(id, m): (DocumentId, Meeting)| {
        let status = m.status;
        let mine = me.as_ref().and_then(|me| my_state(&m, me, i18n.lang()));
        let place = m.place.address.clone();
        view! {
            <li class="task-card">
                <h3><A href=path(&id)>{m.title.clone()}</A></h3>
                <p class="task-meta">
                    {move || i18n::when(m.start, i18n.lang())}
                    {(!place.is_empty()).then(|| format!(" · {place}"))}
                </p>
                <p class="task-meta">
                    <span class="badge">{move || status_label(status, i18n.lang())}</span>
                    {mine.map(|s| view! { " " <span class="badge mine">{s}</span> })}
                </p>
            </li>
        }
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavMeetings)}</h1>
            <p class="lead">{move || i18n.t(Msg::MeetingsIntro)}</p>
            <p class="actions">
                {may_plan.then(|| view! {
                    <A href="/moeder/ny" attr:class="button">{move || i18n.t(Msg::MeetingPlan)}</A>
                })}
                <A href="/grupper" attr:class="button secondary">{move || i18n.t(Msg::GroupsTitle)}</A>
            </p>
            {move || {
                let (coming, past) = lists();
                view! {
                    <h2>{move || i18n.t(Msg::MeetingsComing)}</h2>
                    {if coming.is_empty() {
                        view! { <p class="muted">{move || i18n.t(Msg::MeetingsNoneComing)}</p> }.into_any()
                    } else {
                        view! { <ul class="task-list" data-testid="meetings-coming">{coming.into_iter().map(card.clone()).collect_view()}</ul> }.into_any()
                    }}
                    <h2>{move || i18n.t(Msg::MeetingsPast)}</h2>
                    {if past.is_empty() {
                        view! { <p class="muted">{move || i18n.t(Msg::MeetingsNonePast)}</p> }.into_any()
                    } else {
                        view! { <ul class="task-list" data-testid="meetings-past">{past.into_iter().map(card.clone()).collect_view()}</ul> }.into_any()
                    }}
                }
            }}
        </section>
    }
}
