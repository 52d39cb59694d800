//! What happens in the room, all of it offline: the check-in list for a host at the door (find
//! a person by name, add a walk-in), the minutes (an automerge text, so two note-takers'
//! words merge), the decisions, and the action items with their owners, due dates and
//! states ("Opret som opgave" makes a task-bank draft from one).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use samskab_model::kinds::meeting::{
    ActionItem, ActionState, CheckIn, DecisionNote, Meeting, MeetingKind, MeetingStatus, RsvpAnswer,
};
use samskab_model::kinds::organisation::{OrganisationKind, organisation_document_id};
use samskab_model::kinds::task::TaskKind;
use samskab_model::{Area, DocumentId, ItemId, OrganisationId, PersonId, Task};

use super::detail::{save, save_then};
use super::new_item;
use crate::components::{focus_soon, set_if_alive};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;

/// The room's sections, each shown to whom it concerns: the check-in to those who take
/// notes (hosts too) while the meeting is on; the minutes, decisions and action items to the
/// note-takers while they write them and to everyone once published.
#[component]
pub(super) fn Room(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let user = session.user();
    let me = session.person();
    let takes_notes = Memo::new(move |_| {
        let principal = user.as_ref().map(|u| u.principal());
        doc.with(|d| {
            d.as_ref().zip(principal).is_some_and(|(m, p)| {
                samskab_model::kinds::meeting::rules::runs(&p, &m.hosts)
                    || m.note_takers.contains(&p.person)
            })
        })
    });
    let status = Memo::new(move |_| doc.with(|d| d.as_ref().map(|m| m.status)));
    let on = move || {
        matches!(
            status.get(),
            Some(MeetingStatus::Published | MeetingStatus::Held)
        )
    };
    let published = move || status.get() == Some(MeetingStatus::MinutesPublished);
    view! {
        {move || (takes_notes.get() && on()).then(|| view! { <CheckInList id doc notice error/> })}
        {move || (takes_notes.get() && on()).then(|| view! { <MinutesEditor id doc error/> })}
        {move || published().then(|| view! {
            <section aria-labelledby="minutes-title" class="panel">
                <h2 id="minutes-title">{move || use_i18n().t(Msg::MinutesTitle)}</h2>
                <p class="minutes" data-testid="minutes">{move || doc.with(|d| d.as_ref().map(|m| m.minutes.as_str().to_owned()))}</p>
            </section>
        })}
        {move || (takes_notes.get() || published() || status.get() == Some(MeetingStatus::Held)).then(|| view! {
            <Decisions id doc takes_notes notice error/>
            <Actions id doc takes_notes me=me.clone() notice error/>
        })}
    }
}

/// The check-in list at the door: everyone who answered yes or maybe, found by name, one tap
/// to check in; a walk-in is added by name. Two tablets checking in the same person make one
/// entry (keyed by the person).
#[component]
fn CheckInList(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_session().person();
    let query = RwSignal::new(String::new());
    let walk_in = RwSignal::new(String::new());
    let people = move || {
        let q = query.get().to_lowercase();
        doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    let mut list: Vec<(PersonId, String, bool)> = m
                        .rsvps
                        .iter()
                        .filter(|(_, r)| r.answer != RsvpAnswer::No)
                        .filter(|(_, r)| q.is_empty() || r.name.to_lowercase().contains(&q))
                        .map(|(p, r)| {
                            let key: Option<ItemId> = p.as_str().parse().ok();
                            let checked = key.is_some_and(|k| m.attendance.contains_key(&k));
                            (p.clone(), r.name.clone(), checked)
                        })
                        .collect();
                    list.sort_by_key(|a| a.1.to_lowercase());
                    list
                })
                .unwrap_or_default()
        })
    };
    let count = move || doc.with(|d| d.as_ref().map_or(0, |m| m.attendance.len()));
    let check_in = {
        let me = me.clone();
        move |person: Option<PersonId>, name: String| {
            let Some(by) = me.clone() else { return };
            let key: ItemId = match &person {
                Some(p) => match p.as_str().parse() {
                    Ok(k) => k,
                    Err(_) => return,
                },
                None => new_item("gaest"),
            };
            // A person found by name: the search is cleared and has focus again, for the
            // next one at the door (their button is gone once they are in).
            let focus = person.is_some().then(|| {
                query.set(String::new());
                "checkin-search".to_owned()
            });
            save_then(id, notice, error, Msg::CheckInDone, focus, move |m| {
                m.attendance.entry(key).or_insert(CheckIn {
                    person,
                    name,
                    by,
                    at: time::now(),
                });
            });
        }
    };
    let add_walk_in = {
        let check_in = check_in.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = walk_in.get_untracked().trim().to_owned();
            if name.is_empty() {
                focus_soon("walk-in-name".into());
                return;
            }
            check_in(None, name);
            walk_in.set(String::new());
        }
    };
    view! {
        <section aria-labelledby="checkin-title" class="panel">
            <h2 id="checkin-title">{move || i18n.t(Msg::CheckInTitle)}</h2>
            <p aria-live="polite" data-testid="checkin-count">{move || i18n::checked_in_count(count(), i18n.lang())}</p>
            <label for="checkin-search">{move || i18n.t(Msg::CheckInSearch)}</label>
            <input id="checkin-search" type="search" prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))/>
            <ul class="checkin-list">
                {move || people().into_iter().map(|(person, name, checked)| {
                    let check_in = check_in.clone();
                    let label = name.clone();
                    view! {
                        <li>
                            <span>{name.clone()}</span>
                            {if checked {
                                view! { <span class="badge ok">{move || i18n.t(Msg::CheckedIn)}</span> }.into_any()
                            } else {
                                view! {
                                    <button type="button" class="button small"
                                        aria-label=move || i18n::check_in_label(&label, i18n.lang())
                                        on:click=move |_| check_in(Some(person.clone()), name.clone())>
                                        {move || i18n.t(Msg::CheckIn)}
                                    </button>
                                }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="row" on:submit=add_walk_in>
                <label for="walk-in-name">{move || i18n.t(Msg::WalkInName)}</label>
                <input id="walk-in-name" type="text" maxlength="120" prop:value=move || walk_in.get()
                    on:input=move |ev| walk_in.set(event_target_value(&ev))/>
                <button type="submit" class="button secondary">{move || i18n.t(Msg::WalkInAdd)}</button>
            </form>
        </section>
    }
}

/// The minutes, written from the version the note-taker opened: saving merges their edit
/// into whatever others wrote meanwhile ([`crate::sync_client::SyncClient::update_from`]).
#[component]
fn MinutesEditor(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let text = RwSignal::new(doc.with_untracked(|d| {
        d.as_ref()
            .map(|m| m.minutes.as_str().to_owned())
            .unwrap_or_default()
    }));
    let base = StoredValue::new(sync.heads(&id));
    let dirty = RwSignal::new(false);
    // Said beside the button (the field saves itself when left, so the button's own click
    // often has nothing left to save): gone again when the person types on.
    let saved_note = RwSignal::new(String::new());
    // When others' words arrive and nothing is being typed here, show them.
    Effect::new(move |_| {
        let current = doc.with(|d| d.as_ref().map(|m| m.minutes.as_str().to_owned()));
        if let Some(current) = current
            && !dirty.get_untracked()
        {
            text.set(current);
            base.set_value(sync.heads(&id));
        }
    });
    let save_minutes = move || {
        if !dirty.get_untracked() {
            return;
        }
        let value = text.get_untracked();
        let heads = base.get_value();
        // Not dirty from here: a second save of the same words (the button's click after
        // the field's blur) would otherwise insert them twice.
        dirty.set(false);
        error.set(None);
        spawn_local(async move {
            let result = sync
                .update_from::<MeetingKind>(id, heads, move |m| {
                    m.minutes.update(&value);
                })
                .await;
            match result {
                Ok(()) if !dirty.get_untracked() => {
                    base.set_value(sync.heads(&id));
                    if let Some(m) = sync.document::<MeetingKind>(&id) {
                        set_if_alive(text, m.minutes.as_str().to_owned());
                    }
                    set_if_alive(saved_note, i18n.t(Msg::MinutesSaved).to_owned());
                }
                // Typed on while saving: the next save starts from what this one wrote.
                Ok(()) => {
                    base.set_value(sync.heads(&id));
                }
                Err(e) => {
                    set_if_alive(dirty, true);
                    set_if_alive(error, Some(e.sentences(i18n.lang()).join(" ")));
                }
            }
        });
    };
    view! {
        <section aria-labelledby="minutes-edit-title" class="panel">
            <h2 id="minutes-edit-title">{move || i18n.t(Msg::MinutesTitle)}</h2>
            <label for="minutes">{move || i18n.t(Msg::MinutesLabel)}</label>
            <textarea id="minutes" rows="10" prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); dirty.set(true); saved_note.set(String::new()); }
                on:blur=move |_| save_minutes()></textarea>
            <p class="form-actions">
                <button type="button" class="button" on:click=move |_| save_minutes()>{move || i18n.t(Msg::MinutesSave)}</button>
                <span role="status" class="muted" data-testid="minutes-saved">{move || saved_note.get()}</span>
            </p>
        </section>
    }
}

#[component]
fn Decisions(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    takes_notes: Memo<bool>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_session().person();
    let text = RwSignal::new(String::new());
    let list = move || {
        doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    let mut v: Vec<DecisionNote> = m.decisions.values().cloned().collect();
                    v.sort_by_key(|d| d.at);
                    v
                })
                .unwrap_or_default()
        })
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(by) = me.clone() else { return };
        let t = text.get_untracked().trim().to_owned();
        if t.is_empty() {
            focus_soon("decision-text".into());
            return;
        }
        save(id, notice, error, Msg::DecisionAdded, move |m| {
            m.decisions.insert(
                new_item("beslutning"),
                DecisionNote {
                    text: t,
                    by,
                    at: time::now(),
                },
            );
        });
        text.set(String::new());
    };
    view! {
        <section aria-labelledby="decisions-title" class="panel">
            <h2 id="decisions-title">{move || i18n.t(Msg::DecisionsTitle)}</h2>
            {move || {
                let items = list();
                if items.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Msg::DecisionsNone)}</p> }.into_any()
                } else {
                    view! { <ul data-testid="decisions">{items.into_iter().map(|d| view! { <li>{d.text}</li> }).collect_view()}</ul> }.into_any()
                }
            }}
            {move || takes_notes.get().then(|| view! {
                <form class="row" on:submit=add.clone()>
                    <label for="decision-text">{move || i18n.t(Msg::DecisionText)}</label>
                    <input id="decision-text" type="text" maxlength="2000" prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))/>
                    <button type="submit" class="button secondary">{move || i18n.t(Msg::DecisionAdd)}</button>
                </form>
            })}
        </section>
    }
}

/// Action items: what is to be done, by whom, by when; a note-taker adds them, the owner (or a
/// note-taker) moves their state, and one owned by an organisation becomes a task-bank draft
/// with "Opret som opgave".
#[component]
fn Actions(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    takes_notes: Memo<bool>,
    me: Option<PersonId>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let navigate = use_navigate();
    let principal = session.user().map(|u| u.principal());
    let title = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let list = move || {
        doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    m.actions
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    // Who may own an action item: those who answered and the hosts (by the name they gave),
    // and the organisations on the device.
    let owners = move || {
        sync.view.version.track();
        let mut people: Vec<(String, String)> = doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    m.rsvps
                        .iter()
                        .map(|(p, r)| (format!("p:{p}"), r.name.clone()))
                        .collect()
                })
                .unwrap_or_default()
        });
        let mut orgs: Vec<(String, String)> = sync
            .documents::<OrganisationKind>()
            .into_iter()
            .map(|(_, o)| (format!("o:{}", o.organisation), o.name))
            .collect();
        people.sort_by(|a, b| a.1.cmp(&b.1));
        orgs.sort_by(|a, b| a.1.cmp(&b.1));
        people.extend(orgs);
        people
    };
    let owner_name = move |a: &ActionItem| -> String {
        if let Some(p) = &a.owner_person {
            return doc
                .with_untracked(|d| d.as_ref().map(|m| m.name_of(p)))
                .unwrap_or_else(|| p.to_string());
        }
        a.owner_organisation
            .as_ref()
            .map(|o| {
                sync.document::<OrganisationKind>(&organisation_document_id(o))
                    .map_or_else(|| o.to_string(), |d| d.name)
            })
            .unwrap_or_default()
    };
    let add = {
        let me = me.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(by) = me.clone() else { return };
            let t = title.get_untracked().trim().to_owned();
            if t.is_empty() {
                focus_soon("action-title".into());
                return;
            }
            let o = owner.get_untracked();
            let owner_person = o
                .strip_prefix("p:")
                .and_then(|p| p.parse::<PersonId>().ok());
            let owner_organisation = o
                .strip_prefix("o:")
                .and_then(|p| p.parse::<OrganisationId>().ok());
            let due = due.get_untracked();
            save(id, notice, error, Msg::ActionAdded, move |m| {
                m.actions.insert(
                    new_item("handling"),
                    ActionItem {
                        title: t,
                        owner_person,
                        owner_organisation,
                        due,
                        state: ActionState::Open,
                        decision: String::new(),
                        task: String::new(),
                        by,
                        at: time::now(),
                    },
                );
            });
            title.set(String::new());
        }
    };
    let set_state = move |key: ItemId, state: ActionState| {
        save(id, notice, error, Msg::ActionStateSaved, move |m| {
            if let Some(a) = m.actions.get_mut(&key) {
                a.state = state;
            }
        });
    };
    // "Opret som opgave": a draft in the task bank for the owning organisation, linked both ways.
    let make_task = move |key: ItemId, action: ActionItem| {
        let Some(org) = action.owner_organisation.clone() else {
            return;
        };
        let meeting_title = doc
            .with_untracked(|d| d.as_ref().map(|m| m.title.clone()))
            .unwrap_or_default();
        let navigate = navigate.clone();
        spawn_local(async move {
            let mut task = Task::draft(org, &action.title, Area::Other, time::now());
            task.description = i18n::task_from_meeting(&meeting_title, i18n.lang());
            match sync.create::<TaskKind>(task).await {
                Ok(task_id) => {
                    let url = task_id.url();
                    let _ = sync
                        .change::<MeetingKind>(id, move |m| {
                            if let Some(a) = m.actions.get_mut(&key) {
                                a.task = url;
                            }
                        })
                        .await;
                    navigate(&format!("/opgaver/{task_id}/rediger"), Default::default());
                }
                Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
            }
        });
    };
    view! {
        <section aria-labelledby="actions-title" class="panel">
            <h2 id="actions-title">{move || i18n.t(Msg::ActionsTitle)}</h2>
            {move || {
                let items = list();
                if items.is_empty() {
                    return view! { <p class="muted">{move || i18n.t(Msg::ActionsNone)}</p> }.into_any();
                }
                view! {
                    <ul class="actions-list" data-testid="actions">
                        {items.into_iter().map(|(key, a)| {
                            let mine = me.as_ref().is_some_and(|me| a.owner_person.as_ref() == Some(me));
                            let may_move = takes_notes.get_untracked() || mine;
                            let select_id = format!("state-{key}");
                            let may_make_task = a.task.is_empty() && a.owner_organisation.as_ref().zip(principal.as_ref()).is_some_and(|(o, p)| p.coordinates(o));
                            let (k1, k2, a2) = (key.clone(), key.clone(), a.clone());
                            let make_task = make_task.clone();
                            let title = a.title.clone();
                            view! {
                                <li>
                                    <strong>{a.title.clone()}</strong>
                                    <span class="muted">
                                        {format!(" · {}", owner_name(&a))}
                                        {(!a.due.is_empty()).then(|| format!(" · {}", i18n::due_label(&a.due, i18n.lang())))}
                                    </span>
                                    {if may_move {
                                        view! {
                                            <label for=select_id.clone() class="visually-hidden">{move || i18n::action_state_label(&title, i18n.lang())}</label>
                                            <select id=select_id on:change=move |ev| {
                                                let v = event_target_value(&ev);
                                                if let Ok(s) = v.parse::<ActionState>() { set_state(k1.clone(), s); }
                                            }>
                                                {ActionState::ALL.iter().map(|s| {
                                                    let s = *s;
                                                    view! { <option value=s.as_str() selected=s == a.state>{move || s.label(i18n.lang())}</option> }
                                                }).collect_view()}
                                            </select>
                                        }.into_any()
                                    } else {
                                        view! { <span class="badge">{move || a.state.label(i18n.lang())}</span> }.into_any()
                                    }}
                                    {(!a.task.is_empty()).then(|| {
                                        let href = a.task.parse::<DocumentId>().map(|t| format!("/opgaver/{t}")).unwrap_or_default();
                                        view! { " " <a href=href>{move || i18n.t(Msg::ActionTaskLink)}</a> }
                                    })}
                                    {may_make_task.then(|| view! {
                                        <button type="button" class="button small secondary" on:click=move |_| make_task(k2.clone(), a2.clone())>
                                            {move || i18n.t(Msg::ActionMakeTask)}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || takes_notes.get().then(|| view! {
                <form class="stack" on:submit=add.clone()>
                    <h3>{move || i18n.t(Msg::ActionAddTitle)}</h3>
                    <label for="action-title">{move || i18n.t(Msg::ActionTitle)}</label>
                    <input id="action-title" type="text" maxlength="200" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <label for="action-owner">{move || i18n.t(Msg::ActionOwner)}</label>
                    <select id="action-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::ActionNoOwner)}</option>
                        {move || owners().into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                    </select>
                    <label for="action-due">{move || i18n.t(Msg::ActionDue)}</label>
                    <input id="action-due" type="date" prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))/>
                    <button type="submit" class="button secondary">{move || i18n.t(Msg::ActionAdd)}</button>
                </form>
            })}
        </section>
    }
}
