//! Grupper: the groups the person belongs to (staff see all), each with its member
//! organisations and people, its coming meetings, its minutes and its open action items.
//! Staff make a group and choose its member organisations and people here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use samskab_model::api::PersonFound;
use samskab_model::authz::Role;
use samskab_model::kinds::group::{Group, GroupKind, Membership, group_document_id};
use samskab_model::kinds::meeting::{MeetingKind, MeetingStatus};
use samskab_model::kinds::organisation::{OrganisationKind, organisation_document_id};
use samskab_model::{GroupId, OrganisationId, PersonId};

use super::people::PeoplePicker;
use super::{new_item, path};
use crate::components::{focus_soon, page_title, set_if_alive};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;

/// A member of a group, in their own right or as an organisation.
#[derive(Debug, Clone)]
enum Member {
    Person(PersonId),
    Organisation(OrganisationId),
}

impl Member {
    fn remove_from(&self, group: &mut Group) {
        match self {
            Member::Person(p) => {
                group.people.remove(p);
            }
            Member::Organisation(o) => {
                group.organisations.remove(o);
            }
        }
    }
}

fn is_staff() -> bool {
    use_session()
        .user()
        .is_some_and(|u| matches!(u.role, Role::Staff | Role::Admin))
}

/// `/grupper`.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    page_title(Msg::GroupsTitle);
    let staff = is_staff();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let groups = move || {
        sync.view.version.track();
        let mut list: Vec<Group> = sync
            .documents::<GroupKind>()
            .into_iter()
            .map(|(_, g)| g)
            .collect();
        list.sort_by_key(|g| g.name.to_lowercase());
        list
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            focus_soon("group-name".into());
            return;
        }
        let slug: GroupId = new_item("gruppe")
            .as_str()
            .parse()
            .expect("an item id is a valid group id");
        let group = Group::new(slug.clone(), &n, time::now());
        let navigate = navigate.clone();
        spawn_local(async move {
            match sync.put::<GroupKind>(group_document_id(&slug), group).await {
                Ok(()) => navigate(&format!("/grupper/{slug}"), Default::default()),
                Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::GroupsTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::GroupsIntro)}</p>
            {move || {
                let list = groups();
                if list.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Msg::GroupsNone)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list" data-testid="groups">
                            {list.into_iter().map(|g| view! {
                                <li class="task-card">
                                    <h2><A href=format!("/grupper/{}", g.group)>{g.name.clone()}</A></h2>
                                    <p class="task-meta">{move || i18n::group_members(g.people.len(), g.organisations.len(), i18n.lang())}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p role="alert" class="notice error">{e}</p> })}
            {staff.then(|| view! {
                <form class="row" on:submit=create>
                    <label for="group-name">{move || i18n.t(Msg::GroupNewName)}</label>
                    <input id="group-name" type="text" maxlength="120" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <button type="submit" class="button">{move || i18n.t(Msg::GroupCreate)}</button>
                </form>
            })}
            <p><A href="/moeder" attr:class="standalone">"← " {move || i18n.t(Msg::MeetingsAll)}</A></p>
        </section>
    }
}

/// `/grupper/:id`.
#[component]
pub fn GroupPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let slug = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<GroupId>().ok())
    });
    let group = Memo::new(move |_| {
        sync.view.version.track();
        sync.document::<GroupKind>(&group_document_id(&slug.get()?))
    });
    let staff = is_staff();
    let notice = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add_org = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(name) = group.with(|g| g.as_ref().map(|g| g.name.clone())) {
            document().set_title(&format!("{name} · Samskab"));
        }
    });
    let org_name = move |o: &OrganisationId| {
        sync.document::<OrganisationKind>(&organisation_document_id(o))
            .map_or_else(|| o.to_string(), |d| d.name)
    };
    let meetings = move || {
        sync.view.version.track();
        let Some(g) = slug.get() else {
            return Vec::new();
        };
        let mut list: Vec<_> = sync
            .documents::<MeetingKind>()
            .into_iter()
            .filter(|(_, m)| m.groups.contains(&g))
            .collect();
        list.sort_by_key(|(_, m)| m.start);
        list
    };
    let member_ids = move || {
        group.with(|g| {
            g.as_ref()
                .map(|g| g.people.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let change_members = move |edit: Box<dyn FnOnce(&mut Group) + Send>, done: Msg| {
        let Some(g) = slug.get_untracked() else {
            return;
        };
        error.set(None);
        spawn_local(async move {
            let result = sync
                .change::<GroupKind>(group_document_id(&g), move |group| {
                    edit(group);
                    group.updated_at = group.updated_at.max(time::now());
                })
                .await;
            match result {
                Ok(()) => set_if_alive(notice, i18n.t(done).to_owned()),
                Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
            }
        });
    };
    // One member per line, with "Fjern" for staff.
    let member_list = move |testid: &'static str, members: Vec<(Member, String)>| {
        view! {
            <ul class="member-list" data-testid=testid>
                {members.into_iter().map(|(member, name)| {
                    let label = name.clone();
                    view! {
                        <li>
                            {name}
                            {staff.then(|| view! {
                                <button type="button" class="button small secondary"
                                    aria-label=move || i18n::remove_member_label(&label, i18n.lang())
                                    on:click=move |_| { let m = member.clone(); change_members(Box::new(move |g| m.remove_from(g)), Msg::GroupSaved) }>
                                    {move || i18n.t(Msg::GroupRemove)}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    };
    move || {
        let Some(g) = group.get() else {
            return view! {
                <section class="page" aria-labelledby="page-title">
                    <h1 id="page-title">{move || i18n.t(Msg::GroupsTitle)}</h1>
                    <p>{move || i18n.t(Msg::GroupNotHere)}</p>
                    <p><A href="/grupper">{move || i18n.t(Msg::GroupsTitle)}</A></p>
                </section>
            }
            .into_any();
        };
        let list = meetings();
        let now = time::now();
        let coming: Vec<_> = list
            .iter()
            .filter(|(_, m)| {
                m.end > now
                    && !matches!(
                        m.status,
                        MeetingStatus::Held | MeetingStatus::MinutesPublished
                    )
            })
            .cloned()
            .collect();
        let minutes: Vec<_> = list
            .iter()
            .filter(|(_, m)| m.status == MeetingStatus::MinutesPublished)
            .cloned()
            .collect();
        let open: Vec<(String, String)> = list
            .iter()
            .flat_map(|(_, m)| {
                m.open_actions()
                    .into_iter()
                    .map(|(_, a)| (a.title.clone(), a.due.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let orgs: Vec<(Member, String)> = g
            .organisations
            .keys()
            .map(|o| (Member::Organisation(o.clone()), org_name(o)))
            .collect();
        let unknown = i18n.t(Msg::PeopleUnknownName);
        let mut people: Vec<(Member, String)> = g
            .people
            .iter()
            .map(|(p, m)| {
                let name = if m.name.is_empty() {
                    unknown.to_owned()
                } else {
                    m.name.clone()
                };
                (Member::Person(p.clone()), name)
            })
            .collect();
        people.sort_by_key(|(_, name)| name.to_lowercase());
        let candidates: Vec<(OrganisationId, String)> = sync
            .documents::<OrganisationKind>()
            .into_iter()
            .filter(|(_, o)| !g.organisations.contains_key(&o.organisation))
            .map(|(_, o)| (o.organisation, o.name))
            .collect();
        view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{g.name.clone()}</h1>
                {(!g.description.is_empty()).then(|| view! { <p class="description">{g.description.clone()}</p> })}
                <p role="status" aria-live="polite" class="notice">{move || notice.get()}</p>
                {move || error.get().map(|e| view! { <p role="alert" class="notice error">{e}</p> })}
                <h2>{move || i18n.t(Msg::GroupOrganisations)}</h2>
                {member_list("group-organisations", orgs)}
                <h2>{move || i18n.t(Msg::GroupPeople)}</h2>
                {if people.is_empty() { view! { <p class="muted">{move || i18n.t(Msg::GroupNoPeople)}</p> }.into_any() } else { member_list("group-people", people).into_any() }}
                {staff.then(|| view! {
                    <PeoplePicker id="group-person" staff=true exclude=Signal::derive(member_ids)
                        on_pick=Callback::new(move |found: PersonFound| {
                            change_members(Box::new(move |g| { g.people.insert(found.person, Membership::person(time::now(), &found.name)); }), Msg::GroupSaved);
                            focus_soon("group-person-query".into());
                        })/>
                })}
                {(staff && !candidates.is_empty()).then(|| view! {
                    <div class="row">
                        <label for="group-add-org">{move || i18n.t(Msg::GroupAddOrganisation)}</label>
                        <select id="group-add-org" on:change=move |ev| add_org.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::GroupChoose)}</option>
                            {candidates.into_iter().map(|(o, n)| view! { <option value=o.to_string()>{n}</option> }).collect_view()}
                        </select>
                        <button type="button" class="button secondary" on:click=move |_| {
                            if let Ok(o) = add_org.get_untracked().parse::<OrganisationId>() {
                                change_members(Box::new(move |g| { g.organisations.insert(o, Membership::from(time::now())); }), Msg::GroupSaved);
                            }
                        }>{move || i18n.t(Msg::GroupAdd)}</button>
                    </div>
                })}
                <h2>{move || i18n.t(Msg::MeetingsComing)}</h2>
                {if coming.is_empty() { view! { <p class="muted">{move || i18n.t(Msg::MeetingsNoneComing)}</p> }.into_any() } else { view! {
                    <ul>{coming.into_iter().map(|(id, m)| view! { <li><A href=path(&id)>{m.title.clone()}</A>" · "{move || i18n::when(m.start, i18n.lang())}</li> }).collect_view()}</ul>
                }.into_any() }}
                <h2>{move || i18n.t(Msg::GroupMinutes)}</h2>
                {if minutes.is_empty() { view! { <p class="muted">{move || i18n.t(Msg::GroupNoMinutes)}</p> }.into_any() } else { view! {
                    <ul>{minutes.into_iter().map(|(id, m)| view! { <li><A href=path(&id)>{m.title.clone()}</A>" · "{move || i18n::when(m.start, i18n.lang())}</li> }).collect_view()}</ul>
                }.into_any() }}
                <h2>{move || i18n.t(Msg::GroupOpenActions)}</h2>
                {if open.is_empty() { view! { <p class="muted">{move || i18n.t(Msg::ActionsNone)}</p> }.into_any() } else { view! {
                    <ul data-testid="group-actions">{open.into_iter().map(|(t, due)| view! { <li>{t}{(!due.is_empty()).then(|| view! { <span class="muted">{format!(" · {}", i18n::due_label(&due, i18n.lang()))}</span> })}</li> }).collect_view()}</ul>
                }.into_any() }}
                <p><A href="/grupper">{move || i18n.t(Msg::GroupsTitle)}</A></p>
            </section>
        }.into_any()
    }
}
