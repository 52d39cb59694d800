//! Planning a meeting and changing it: what, when, where (with step-free access and a hearing
//! loop), online link, for whom (everyone, or the members of chosen groups), seats and when
//! answers close. A new meeting is saved as a draft on the device, then published from its
//! page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use samskab_model::api::PersonFound;
use samskab_model::authz::Role;
use samskab_model::kinds::group::GroupKind;
use samskab_model::kinds::meeting::{Audience, Meeting, MeetingKind, MeetingType};
use samskab_model::{DocumentId, GroupId};

use super::path;
use super::people::PeoplePicker;
use crate::components::{focus_soon, page_title, set_if_alive};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;

/// `/moeder/ny`.
#[component]
pub fn NewMeetingPage() -> impl IntoView {
    page_title(Msg::MeetingPlan);
    let me = use_session().person();
    // Two weeks ahead at 17.00 to 19.00, Danish time: an evening meeting, on one day (rounded
    // from the clock, a form opened late in the evening proposed 23.00 to 01.00, which it
    // then refused).
    let day = samskab_model::local_time::local(time::now() + 14 * 86_400_000);
    let start = samskab_model::local_time::from_local(day.year, day.month, day.day, 17 * 60);
    me.map(|me| {
        let draft = Meeting::draft(
            me,
            "",
            MeetingType::Dialogue,
            start,
            start + 2 * 3_600_000,
            time::now(),
        );
        view! { <MeetingForm meeting=draft id=None/> }
    })
}

/// `/moeder/:id/rediger`.
#[component]
pub fn EditMeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    page_title(Msg::MeetingEdit);
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<DocumentId>().ok());
    let meeting = id.and_then(|id| sync.document::<MeetingKind>(&id));
    match (id, meeting) {
        (Some(id), Some(meeting)) => view! { <MeetingForm meeting id=Some(id)/> }.into_any(),
        _ => view! {
            <section class="page"><h1 id="page-title">{move || i18n.t(Msg::MeetingEdit)}</h1>
            <p>{move || i18n.t(Msg::MeetingNotHere)}</p></section>
        }
        .into_any(),
    }
}

#[component]
fn MeetingForm(meeting: Meeting, id: Option<DocumentId>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let title = RwSignal::new(meeting.title.clone());
    let category = RwSignal::new(meeting.category);
    let purpose = RwSignal::new(meeting.purpose.clone());
    let date = RwSignal::new(time::date_input(meeting.start));
    let from = RwSignal::new(time::time_input(meeting.start));
    let to = RwSignal::new(time::time_input(meeting.end));
    let address = RwSignal::new(meeting.place.address.clone());
    let room = RwSignal::new(meeting.place.room.clone());
    let step_free = RwSignal::new(meeting.place.step_free);
    let hearing_loop = RwSignal::new(meeting.place.hearing_loop);
    let online = RwSignal::new(meeting.online.clone());
    let audience = RwSignal::new(meeting.audience);
    let groups = RwSignal::new(meeting.groups.clone());
    let invited = RwSignal::new(meeting.invited.clone());
    let invited_names = RwSignal::new(meeting.invited_names.clone());
    let staff = use_session()
        .user()
        .is_some_and(|u| matches!(u.role, Role::Staff | Role::Admin));
    let capacity = RwSignal::new(if meeting.capacity == 0 {
        String::new()
    } else {
        meeting.capacity.to_string()
    });
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let available_groups = move || {
        sync.view.version.track();
        let mut list: Vec<(GroupId, String)> = sync
            .documents::<GroupKind>()
            .into_iter()
            .map(|(_, g)| (g.group, g.name))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    };
    let base = StoredValue::new(meeting);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(start), Some(end)) = (
            time::to_millis(&date.get_untracked(), &from.get_untracked()),
            time::to_millis(&date.get_untracked(), &to.get_untracked()),
        ) else {
            errors.set(vec![i18n.t(Msg::MeetingTimeInvalid).to_owned()]);
            focus_soon("meeting-date".into());
            return;
        };
        let fill = move |m: &mut Meeting| {
            m.title = title.get_untracked().trim().to_owned();
            m.category = category.get_untracked();
            m.purpose = purpose.get_untracked().trim().to_owned();
            m.start = start;
            m.end = end;
            m.place.address = address.get_untracked().trim().to_owned();
            m.place.room = room.get_untracked().trim().to_owned();
            m.place.step_free = step_free.get_untracked();
            m.place.hearing_loop = hearing_loop.get_untracked();
            m.online = online.get_untracked().trim().to_owned();
            m.audience = audience.get_untracked();
            m.groups = groups.get_untracked();
            m.invited = invited.get_untracked();
            m.invited_names = invited_names.get_untracked();
            m.capacity = capacity.get_untracked().trim().parse().unwrap_or(0);
            m.updated_at = m.updated_at.max(time::now());
        };
        if !crate::components::begin(busy) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match id {
                Some(id) => sync.change::<MeetingKind>(id, fill).await.map(|()| id),
                None => {
                    let mut m = base.get_value();
                    fill(&mut m);
                    sync.create::<MeetingKind>(m).await
                }
            };
            set_if_alive(busy, false);
            match result {
                Ok(id) => navigate(&path(&id), Default::default()),
                Err(e) => {
                    set_if_alive(errors, e.sentences(i18n.lang()));
                    focus_soon("meeting-errors".into());
                }
            }
        });
    };
    let heading = if id.is_some() {
        Msg::MeetingEdit
    } else {
        Msg::MeetingPlan
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(heading)}</h1>
            {move || { let e = errors.get(); (!e.is_empty()).then(|| view! {
                <div id="meeting-errors" role="alert" tabindex="-1" class="notice error">
                    <ul>{e.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                </div>
            })}}
            <form class="stack" on:submit=submit>
                <label for="meeting-title">{move || i18n.t(Msg::MeetingTitleLabel)}</label>
                <input id="meeting-title" type="text" maxlength="120" autocomplete="off"
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                <label for="meeting-type">{move || i18n.t(Msg::MeetingTypeLabel)}</label>
                <select id="meeting-type" on:change=move |ev| if let Ok(t) = event_target_value(&ev).parse() { category.set(t) }>
                    {MeetingType::ALL.iter().map(|t| { let t = *t; view! {
                        <option value=t.as_str() selected=move || category.get() == t>{move || t.label(i18n.lang())}</option>
                    }}).collect_view()}
                </select>
                <label for="meeting-purpose">{move || i18n.t(Msg::MeetingPurpose)}</label>
                <textarea id="meeting-purpose" rows="4" prop:value=move || purpose.get()
                    on:input=move |ev| purpose.set(event_target_value(&ev))></textarea>
                <fieldset>
                    <legend>{move || i18n.t(Msg::MeetingWhen)}</legend>
                    <label for="meeting-date">{move || i18n.t(Msg::MeetingDate)}</label>
                    <input id="meeting-date" type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                    <label for="meeting-from">{move || i18n.t(Msg::MeetingFrom)}</label>
                    <input id="meeting-from" type="time" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    <label for="meeting-to">{move || i18n.t(Msg::MeetingTo)}</label>
                    <input id="meeting-to" type="time" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                </fieldset>
                <fieldset>
                    <legend>{move || i18n.t(Msg::MeetingWhere)}</legend>
                    <label for="meeting-address">{move || i18n.t(Msg::MeetingAddress)}</label>
                    <input id="meeting-address" type="text" maxlength="200" autocomplete="street-address" prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev))/>
                    <label for="meeting-room">{move || i18n.t(Msg::MeetingRoom)}</label>
                    <input id="meeting-room" type="text" maxlength="120" prop:value=move || room.get() on:input=move |ev| room.set(event_target_value(&ev))/>
                    <label class="check"><input type="checkbox" prop:checked=move || step_free.get() on:change=move |ev| step_free.set(event_target_checked(&ev))/>{move || i18n.t(Msg::MeetingStepFree)}</label>
                    <label class="check"><input type="checkbox" prop:checked=move || hearing_loop.get() on:change=move |ev| hearing_loop.set(event_target_checked(&ev))/>{move || i18n.t(Msg::MeetingHearingLoop)}</label>
                    <label for="meeting-online">{move || i18n.t(Msg::MeetingOnlineLabel)}</label>
                    <input id="meeting-online" type="url" maxlength="500" placeholder="https://" prop:value=move || online.get() on:input=move |ev| online.set(event_target_value(&ev))/>
                </fieldset>
                <fieldset>
                    <legend>{move || i18n.t(Msg::MeetingAudience)}</legend>
                    <label class="check"><input type="radio" name="audience" prop:checked=move || audience.get() == Audience::Public on:change=move |_| audience.set(Audience::Public)/>{move || i18n.t(Msg::MeetingAudiencePublic)}</label>
                    <label class="check"><input type="radio" name="audience" prop:checked=move || audience.get() == Audience::Groups on:change=move |_| audience.set(Audience::Groups)/>{move || i18n.t(Msg::MeetingAudienceGroups)}</label>
                    <p class="muted">{move || i18n.t(Msg::MeetingGroupsHint)}</p>
                    {move || available_groups().into_iter().map(|(g, name)| {
                        let (g1, g2) = (g.clone(), g.clone());
                        view! {
                            <label class="check"><input type="checkbox"
                                prop:checked=move || groups.with(|list| list.contains(&g1))
                                on:change=move |ev| { let on = event_target_checked(&ev); let g = g2.clone(); groups.update(|list| { list.retain(|x| *x != g); if on { list.push(g); } }); }/>
                                {name}</label>
                        }
                    }).collect_view()}
                    <label class="check"><input type="radio" name="audience" prop:checked=move || audience.get() == Audience::Invited on:change=move |_| audience.set(Audience::Invited)/>{move || i18n.t(Msg::MeetingAudienceInvited)}</label>
                    <h2 id="invited-title">{move || i18n.t(Msg::MeetingInvited)}</h2>
                    <p class="muted">{move || i18n.t(Msg::MeetingInvitedHint)}</p>
                    {move || {
                        let names = invited_names.get();
                        let list = invited.get();
                        if list.is_empty() {
                            return view! { <p>{move || i18n.t(Msg::MeetingInvitedNone)}</p> }.into_any();
                        }
                        view! {
                            <ul class="member-list" data-testid="invited" aria-labelledby="invited-title">
                                {list.into_iter().map(|p| {
                                    let name = names.get(p.as_str()).cloned().unwrap_or_else(|| i18n.t(Msg::PeopleUnknownName).to_owned());
                                    let label = name.clone();
                                    view! {
                                        <li>
                                            {name}
                                            <button type="button" class="button small secondary"
                                                aria-label=move || i18n::uninvite_label(&label, i18n.lang())
                                                on:click=move |_| {
                                                    invited.update(|l| l.retain(|x| *x != p));
                                                    invited_names.update(|n| { n.remove(p.as_str()); });
                                                }>
                                                {move || i18n.t(Msg::GroupRemove)}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <PeoplePicker id="invite-person" staff exclude=Signal::derive(move || invited.get())
                        on_pick=Callback::new(move |found: PersonFound| {
                            invited_names.update(|n| { n.insert(found.person.to_string(), found.name.clone()); });
                            invited.update(|l| if !l.contains(&found.person) { l.push(found.person.clone()); });
                            focus_soon("invite-person-query".into());
                        })/>
                </fieldset>
                <label for="meeting-capacity">{move || i18n.t(Msg::MeetingCapacity)}</label>
                <input id="meeting-capacity" type="number" min="0" max="5000" inputmode="numeric" prop:value=move || capacity.get() on:input=move |ev| capacity.set(event_target_value(&ev))/>
                <button type="submit" class="button" aria-disabled=move || busy.get().to_string()>{move || i18n.t(Msg::MeetingSave)}</button>
            </form>
            <p><A href="/moeder" attr:class="standalone">"← " {move || i18n.t(Msg::MeetingsAll)}</A></p>
        </section>
    }
}
