//! One meeting's page: what it is, when and where (with step-free access and hearing loop),
//! answering ("Kommer du?"), the agenda with proposals, and for its hosts the buttons that
//! move it through its life. The room's part (check-in, minutes, decisions, action items) is
//! in `room`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use samskab_model::kinds::group::{GroupKind, group_document_id};
use samskab_model::kinds::meeting::rules::runs;
use samskab_model::kinds::meeting::{
    AgendaItem, AgendaState, Meeting, MeetingKind, MeetingStatus, Rsvp, RsvpAnswer,
};
use samskab_model::kinds::organisation::{OrganisationKind, organisation_document_id};
use samskab_model::{DocumentId, OrganisationId};

use super::needs::{HostNeeds, MyNeeds};
use super::room::Room;
use super::{new_item, path, status_label};
use crate::components::{focus_soon, set_if_alive};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;

/// The page at `/moeder/:id`.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<DocumentId>().ok())
    });
    let doc = Memo::new(move |_| {
        sync.view.version.track();
        sync.document::<MeetingKind>(&id.get()?)
    });
    let present = Memo::new(move |_| doc.with(Option::is_some));
    if let Some(me) = use_session().person() {
        crate::pages::inbox::read_on_visit(sync, me, move || id.get().filter(|_| present.get()));
    }
    Effect::new(move |_| {
        if let Some(title) = doc.with(|d| d.as_ref().map(|m| m.title.clone())) {
            document().set_title(&format!("{title} · Samskab"));
        }
    });
    move || {
        match (present.get(), id.get()) {
        (true, Some(id)) => view! { <MeetingView id doc/> }.into_any(),
        _ => view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{move || i18n.t(Msg::NavMeetings)}</h1>
                <p>{move || i18n.t(Msg::MeetingNotHere)}</p>
                <p><A href="/moeder" attr:class="standalone">"← " {move || i18n.t(Msg::MeetingsAll)}</A></p>
            </section>
        }
        .into_any(),
    }
    }
}

/// A change to the meeting, its outcome announced in `notice` (or its problems in `error`).
/// It does not touch `updated_at`, which only hosts may write: their edits stamp it
/// themselves ([`hosts_edit`]).
pub(super) fn save(
    id: DocumentId,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
    done: Msg,
    edit: impl FnOnce(&mut Meeting) + 'static,
) {
    save_then(id, notice, error, done, None, edit);
}

/// As [`save`], then, once saved, focus to the element `focus` (for a button that goes with
/// the change, as "Marker som afholdt" does: focus would otherwise fall to the page).
pub(super) fn save_then(
    id: DocumentId,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
    done: Msg,
    focus: Option<String>,
    edit: impl FnOnce(&mut Meeting) + 'static,
) {
    let sync = use_sync();
    let i18n = use_i18n();
    error.set(None);
    spawn_local(async move {
        match sync.change::<MeetingKind>(id, edit).await {
            Ok(()) => {
                set_if_alive(notice, i18n.t(done).to_owned());
                if let Some(focus) = focus {
                    focus_soon(focus);
                }
            }
            Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
        }
    });
}

/// A hosts' edit: also stamps `updated_at` (what a calendar's SEQUENCE follows).
pub(super) fn hosts_edit(
    edit: impl FnOnce(&mut Meeting) + 'static,
) -> impl FnOnce(&mut Meeting) + 'static {
    move |m: &mut Meeting| {
        edit(m);
        m.updated_at = m.updated_at.max(time::now());
    }
}

/// The names of those who answered, by answer (yes, maybe, no), each list by name.
fn answers_by_kind(m: &Meeting) -> Vec<(Msg, Vec<String>)> {
    [
        (RsvpAnswer::Yes, Msg::MeetingAnswersYes),
        (RsvpAnswer::Maybe, Msg::MeetingAnswersMaybe),
        (RsvpAnswer::No, Msg::MeetingAnswersNo),
    ]
    .into_iter()
    .map(|(answer, label)| {
        let mut names: Vec<String> = m
            .rsvps
            .values()
            .filter(|r| r.answer == answer)
            .map(|r| r.name.clone())
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        (label, names)
    })
    .collect()
}

/// The position after the last accepted agenda item's.
fn last_position(m: &Meeting) -> i64 {
    m.agenda
        .values()
        .filter(|i| i.state == AgendaState::Accepted)
        .map(|i| i.position)
        .max()
        .unwrap_or(0)
}

#[component]
fn MeetingView(id: DocumentId, doc: Memo<Option<Meeting>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let user = session.user();
    let me = session.person();
    let notice = RwSignal::new(String::new());
    // The outcome line floats at the bottom of the screen (style/main.css): it goes after a
    // while, unless a newer outcome has taken its place.
    Effect::new(move |_| {
        let said = notice.get();
        if !said.is_empty() {
            gloo_timers::callback::Timeout::new(8_000, move || {
                // The page may be gone by now (reading a signal of a page that is gone
                // panicked and trapped the wasm, 8 s after answering "Kommer du?" and leaving).
                if notice.try_get_untracked().is_some_and(|now| now == said) {
                    set_if_alive(notice, String::new());
                }
            })
            .forget();
        }
    });
    let error = RwSignal::new(None::<String>);
    let get = move |f: fn(&Meeting) -> String| {
        move || doc.with(|d| d.as_ref().map(f).unwrap_or_default())
    };
    let runs_it = Memo::new(move |_| {
        let principal = user.as_ref().map(|u| u.principal());
        doc.with(|d| {
            d.as_ref()
                .zip(principal)
                .is_some_and(|(m, p)| runs(&p, &m.hosts))
        })
    });
    let hosts_it = {
        let me = me.clone();
        Memo::new(move |_| {
            doc.with(|d| {
                d.as_ref()
                    .zip(me.as_ref())
                    .is_some_and(|(m, me)| m.is_host(me))
            })
        })
    };
    let status = Memo::new(move |_| doc.with(|d| d.as_ref().map(|m| m.status)));
    let group_names = move || {
        sync.view.version.track();
        doc.with(|d| {
            d.as_ref().map(|m| {
                m.groups
                    .iter()
                    .map(|g| {
                        sync.document::<GroupKind>(&group_document_id(g))
                            .map_or_else(|| g.to_string(), |g| g.name)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        })
        .unwrap_or_default()
    };
    let seats_line = move || {
        doc.with(|d| {
            d.as_ref().map(|m| {
                let seats = m.seats();
                i18n::meeting_seats(
                    seats.confirmed.len(),
                    m.capacity,
                    seats.waitlist.len(),
                    i18n.lang(),
                )
            })
        })
    };
    view! {
        <article class="page" aria-labelledby="page-title">
            <h1 id="page-title">{get(|m| m.title.clone())}</h1>
            <p class="task-meta">
                {move || doc.with(|d| d.as_ref().map(|m| m.category.label(i18n.lang())))}
                " · "
                <span class="badge" data-testid="meeting-status">{move || status.get().map(|s| status_label(s, i18n.lang()))}</span>
            </p>
            {move || (status.get() == Some(MeetingStatus::Cancelled)).then(|| view! {
                <p class="notice warning" role="status">{move || i18n.t(Msg::MeetingIsCancelled)}</p>
            })}
            <dl class="facts">
                <dt>{move || i18n.t(Msg::MeetingWhen)}</dt>
                <dd>{move || doc.with(|d| d.as_ref().map(|m| i18n::meeting_when(m.start, m.end, i18n.lang())))}</dd>
                <dt>{move || i18n.t(Msg::MeetingWhere)}</dt>
                <dd>
                    {get(|m| m.place.address.clone())}
                    {move || { let room = get(|m| m.place.room.clone())(); (!room.is_empty()).then(|| format!(", {room}")) }}
                    {move || doc.with(|d| d.as_ref().map(|m| {
                        let mut access = Vec::new();
                        if m.place.step_free { access.push(i18n.t(Msg::MeetingStepFree)); }
                        if m.place.hearing_loop { access.push(i18n.t(Msg::MeetingHearingLoop)); }
                        (!access.is_empty()).then(|| view! { <br/><span class="muted">{access.join(" · ")}</span> })
                    }))}
                </dd>
                {move || { let online = get(|m| m.online.clone())(); (!online.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::MeetingOnline)}</dt>
                    <dd><a href=online.clone() rel="noopener">{online.clone()}</a></dd>
                })}}
                {move || { let groups = group_names(); (!groups.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::MeetingGroups)}</dt><dd>{groups}</dd>
                })}}
                <dt>{move || i18n.t(Msg::MeetingSeats)}</dt>
                <dd data-testid="meeting-seats">{seats_line}</dd>
            </dl>
            // Who answered what, by the names they answered under: as the answer panel tells
            // each person, their name and answer are seen by everyone who sees the meeting.
            {move || {
                let lists = doc.with(|d| d.as_ref().map(answers_by_kind).unwrap_or_default());
                let total: usize = lists.iter().map(|(_, names)| names.len()).sum();
                (total > 0).then(|| view! {
                    <details class="answers-list" data-testid="meeting-answers">
                        <summary>{move || i18n::who_answered(total, i18n.lang())}</summary>
                        {lists.into_iter().filter(|(_, names)| !names.is_empty()).map(|(label, names)| view! {
                            <p><strong>{move || i18n.t(label)}": "</strong>{names.join(", ")}</p>
                        }).collect_view()}
                    </details>
                })
            }}
            {move || { let purpose = get(|m| m.purpose.clone())(); (!purpose.is_empty()).then(|| view! {
                <p class="description">{purpose}</p>
            })}}
            {move || matches!(status.get(), Some(MeetingStatus::Published)).then(|| view! {
                <p><a class="button secondary" href=format!("/api/calendar/meetings/{id}.ics") download="moede.ics">
                    {move || i18n.t(Msg::MeetingAddToCalendar)}
                </a></p>
            })}
            <p role="status" aria-live="polite" class="notice meeting-notice" data-testid="meeting-notice">{move || notice.get()}</p>
            {move || error.get().map(|e| view! { <p role="alert" class="notice error">{e}</p> })}
            {me.clone().map(|me| view! { <Answer id doc me notice error/> })}
            <Agenda id doc runs_it notice error/>
            {move || runs_it.get().then(|| view! { <HostActions id doc notice error/> })}
            {move || hosts_it.get().then(|| view! { <HostNeeds id doc/> })}
            <Room id doc notice error/>
            <p><A href="/moeder" attr:class="standalone">"← " {move || i18n.t(Msg::MeetingsAll)}</A></p>
        </article>
    }
}

/// "Kommer du?": yes, maybe, no, and for a coordinator whom they come for; the answer's
/// result (a seat, or a place on the waitlist) is announced.
#[component]
fn Answer(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    me: samskab_model::PersonId,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let user = session.user();
    let name = user.as_ref().map(|u| u.name.clone()).unwrap_or_default();
    let organisations: Vec<OrganisationId> = user.map(|u| u.organisations).unwrap_or_default();
    let on_behalf = RwSignal::new(String::new());
    let needs_of = me.clone();
    let mine = {
        let me = me.clone();
        Memo::new(move |_| {
            doc.with(|d| d.as_ref().and_then(|m| m.rsvps.get(&me).map(|r| r.answer)))
        })
    };
    let open = Memo::new(move |_| {
        doc.with(|d| {
            d.as_ref().is_some_and(|m| {
                m.status == MeetingStatus::Published && time::now() <= m.rsvps_close_at()
            })
        })
    });
    let answer = move |answer: RsvpAnswer| {
        let (me, name) = (me.clone(), name.clone());
        let on_behalf = on_behalf.get_untracked().parse::<OrganisationId>().ok();
        error.set(None);
        spawn_local(async move {
            let at = time::now();
            let result = sync
                .change::<MeetingKind>(id, |m| {
                    m.rsvps.insert(
                        me.clone(),
                        Rsvp {
                            answer,
                            name,
                            on_behalf,
                            at,
                        },
                    );
                })
                .await;
            match result {
                Ok(()) => {
                    let lang = i18n.lang();
                    let text = sync
                        .document::<MeetingKind>(&id)
                        .and_then(|m| super::my_state(&m, &me, lang))
                        .unwrap_or_default();
                    set_if_alive(notice, text);
                }
                Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
            }
        });
    };
    let button = move |value: RsvpAnswer, label: Msg| {
        let answer = answer.clone();
        view! {
            <button type="button" class="button choice"
                aria-pressed=move || (mine.get() == Some(value)).to_string()
                on:click=move |_| answer(value)>
                {move || i18n.t(label)}
            </button>
        }
    };
    view! {
        {move || open.get().then(|| {
            let names: Vec<(OrganisationId, String)> = organisations.iter().map(|o| {
                let name = sync.document::<OrganisationKind>(&organisation_document_id(o)).map_or_else(|| o.to_string(), |d| d.name);
                (o.clone(), name)
            }).collect();
            view! {
                <section aria-labelledby="answer-title" class="panel">
                    <h2 id="answer-title">{move || i18n.t(Msg::MeetingAnswerTitle)}</h2>
                    {(!names.is_empty()).then(|| view! {
                        <label for="on-behalf">{move || i18n.t(Msg::MeetingOnBehalf)}</label>
                        <select id="on-behalf" on:change=move |ev| on_behalf.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::MeetingOnBehalfMyself)}</option>
                            {names.into_iter().map(|(o, n)| view! { <option value=o.to_string()>{n}</option> }).collect_view()}
                        </select>
                    })}
                    <div class="choices" role="group" aria-labelledby="answer-title">
                        {button(RsvpAnswer::Yes, Msg::MeetingYes)}
                        {button(RsvpAnswer::Maybe, Msg::MeetingMaybe)}
                        {button(RsvpAnswer::No, Msg::MeetingNo)}
                    </div>
                    <p class="muted">{move || i18n.t(Msg::MeetingNameShown)}</p>
                </section>
            }
        })}
        {move || {
            let coming = matches!(mine.get(), Some(RsvpAnswer::Yes | RsvpAnswer::Maybe));
            let published = doc.with(|d| d.as_ref().is_some_and(|m| m.status == MeetingStatus::Published));
            let me = needs_of.clone();
            (coming && published).then(|| view! { <MyNeeds id doc me notice error/> })
        }}
    }
}

/// The agenda as it will be held, the proposals, and the form to propose an item.
#[component]
fn Agenda(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    runs_it: Memo<bool>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_session().person();
    let signed_in = me.is_some();
    let title = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let may_propose = Memo::new(move |_| {
        doc.with(|d| {
            d.as_ref().is_some_and(|m| {
                m.status == MeetingStatus::Published && time::now() <= m.agenda_closes_at()
            })
        })
    });
    let accepted = move || {
        doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    m.accepted_agenda()
                        .into_iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let proposed = move || {
        doc.with(|d| {
            d.as_ref()
                .map(|m| {
                    m.agenda
                        .iter()
                        .filter(|(_, i)| i.state == AgendaState::Proposed)
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let decide = move |item: samskab_model::ItemId, state: AgendaState| {
        let done = if state == AgendaState::Accepted {
            Msg::AgendaAccepted
        } else {
            Msg::AgendaDeclined
        };
        // The pressed button goes with the proposal: focus to the agenda's heading.
        save_then(
            id,
            notice,
            error,
            done,
            Some("agenda-title-h".into()),
            hosts_edit(move |m| {
                let last = last_position(m);
                if let Some(i) = m.agenda.get_mut(&item) {
                    i.state = state;
                    i.position = last + 1;
                }
            }),
        );
    };
    // A host's order of the accepted items: `item` one place up (`-1`) or down (`1`),
    // swapping places with its neighbour; focus stays on the same button of the moved item.
    let shift = move |item: samskab_model::ItemId, by: isize, focus: String| {
        save_then(
            id,
            notice,
            error,
            Msg::AgendaMoved,
            Some(focus),
            hosts_edit(move |m| {
                let order: Vec<samskab_model::ItemId> = m
                    .accepted_agenda()
                    .into_iter()
                    .map(|(k, _)| k.clone())
                    .collect();
                let Some(at) = order.iter().position(|k| *k == item) else {
                    return;
                };
                let Some(other) = at.checked_add_signed(by).and_then(|o| order.get(o)) else {
                    return;
                };
                // Positions 1, 2, 3, ... in the order shown, the two swapped.
                let mut order = order.clone();
                let other_at = order.iter().position(|k| k == other).unwrap_or(at);
                order.swap(at, other_at);
                for (n, key) in order.iter().enumerate() {
                    if let Some(i) = m.agenda.get_mut(key) {
                        i.position = n as i64 + 1;
                    }
                }
            }),
        );
    };
    let remove = move |item: samskab_model::ItemId| {
        save_then(
            id,
            notice,
            error,
            Msg::AgendaRemoved,
            Some("agenda-title-h".into()),
            hosts_edit(move |m| {
                m.agenda.remove(&item);
            }),
        );
    };
    // A host writes the agenda straight away (no proposal to accept first), while the
    // meeting is being planned or is announced.
    let may_add = Memo::new(move |_| {
        runs_it.get()
            && doc.with(|d| {
                d.as_ref().is_some_and(|m| {
                    matches!(m.status, MeetingStatus::Draft | MeetingStatus::Published)
                })
            })
    });
    let propose = {
        let me = me.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(me) = me.clone() else { return };
            let (t, n) = (title.get_untracked(), note.get_untracked());
            if t.trim().is_empty() {
                error.set(Some(i18n.t(Msg::AgendaTitleMissing).to_owned()));
                focus_soon("agenda-title".into());
                return;
            }
            let item = move |state: AgendaState, position: i64| AgendaItem {
                title: t.trim().to_owned(),
                note: n.trim().to_owned(),
                by: me,
                at: time::now(),
                state,
                position,
                minutes: 0,
            };
            if may_add.get_untracked() {
                // A host's item goes straight onto the agenda, last.
                save(
                    id,
                    notice,
                    error,
                    Msg::AgendaAccepted,
                    hosts_edit(move |m| {
                        let position = last_position(m) + 1;
                        m.agenda
                            .insert(new_item("punkt"), item(AgendaState::Accepted, position));
                    }),
                );
            } else {
                save(id, notice, error, Msg::AgendaProposed, move |m| {
                    m.agenda
                        .insert(new_item("forslag"), item(AgendaState::Proposed, 0));
                });
            }
            title.set(String::new());
            note.set(String::new());
        }
    };
    view! {
        <section aria-labelledby="agenda-title-h" class="panel">
            <h2 id="agenda-title-h" tabindex="-1">{move || i18n.t(Msg::AgendaTitle)}</h2>
            {move || {
                let items = accepted();
                if items.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Msg::AgendaEmpty)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="agenda" data-testid="agenda">
                            {let last = items.len().saturating_sub(1);
                            items.into_iter().enumerate().map(|(n, (key, item))| {
                                let title = item.title.clone();
                                view! {
                                <li>
                                    <strong>{item.title.clone()}</strong>
                                    {(item.minutes > 0).then(|| view! { <span class="muted">{move || i18n::minutes_planned(item.minutes, i18n.lang())}</span> })}
                                    {(!item.note.is_empty()).then(|| view! { <br/><span>{item.note.clone()}</span> })}
                                    {move || may_add.get().then(|| {
                                        let (up, down, gone) = (key.clone(), key.clone(), key.clone());
                                        let up_id = format!("agenda-up-{key}");
                                        let down_id = format!("agenda-down-{key}");
                                        // Focus stays with the moved item: on the same button,
                                        // or on the other one when it reaches the top or the
                                        // bottom (and its button for that way is gone).
                                        let up_focus = if n == 1 { down_id.clone() } else { up_id.clone() };
                                        let down_focus = if n + 1 == last { up_id.clone() } else { down_id.clone() };
                                        let (t1, t2, t3) = (title.clone(), title.clone(), title.clone());
                                        view! {
                                            <span class="agenda-actions">
                                                {(n > 0).then(|| view! {
                                                    <button type="button" class="button small secondary" id=up_id
                                                        aria-label=move || i18n::agenda_item_label(Msg::AgendaUp, &t1, i18n.lang())
                                                        on:click=move |_| shift(up.clone(), -1, up_focus.clone())>
                                                        {move || i18n.t(Msg::AgendaUp)}
                                                    </button>
                                                })}
                                                {(n < last).then(|| view! {
                                                    <button type="button" class="button small secondary" id=down_id
                                                        aria-label=move || i18n::agenda_item_label(Msg::AgendaDown, &t2, i18n.lang())
                                                        on:click=move |_| shift(down.clone(), 1, down_focus.clone())>
                                                        {move || i18n.t(Msg::AgendaDown)}
                                                    </button>
                                                })}
                                                <button type="button" class="button small secondary"
                                                    aria-label=move || i18n::agenda_item_label(Msg::AgendaRemove, &t3, i18n.lang())
                                                    on:click=move |_| remove(gone.clone())>
                                                    {move || i18n.t(Msg::AgendaRemove)}
                                                </button>
                                            </span>
                                        }
                                    })}
                                </li>
                            }}).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
            {move || {
                let items = proposed();
                (!items.is_empty()).then(|| view! {
                    <h3>{move || i18n.t(Msg::AgendaProposals)}</h3>
                    <ul class="proposals" data-testid="proposals">
                        {items.into_iter().map(|(key, item)| {
                            let (accept, decline) = (key.clone(), key.clone());
                            let mine = me.as_ref() == Some(&item.by);
                            let withdraw = key.clone();
                            view! {
                                <li>
                                    <span>{item.title.clone()}</span>
                                    {(!item.note.is_empty()).then(|| view! { <br/><span class="muted">{item.note.clone()}</span> })}
                                    {move || runs_it.get().then(|| {
                                        let (accept, decline) = (accept.clone(), decline.clone());
                                        let title = item.title.clone();
                                        let title2 = item.title.clone();
                                        view! {
                                            <span class="row-actions">
                                                <button type="button" class="button small"
                                                    aria-label=move || i18n::agenda_accept_label(&title, i18n.lang())
                                                    on:click=move |_| decide(accept.clone(), AgendaState::Accepted)>
                                                    {move || i18n.t(Msg::AgendaAccept)}
                                                </button>
                                                <button type="button" class="button small secondary"
                                                    aria-label=move || i18n::agenda_decline_label(&title2, i18n.lang())
                                                    on:click=move |_| decide(decline.clone(), AgendaState::Declined)>
                                                    {move || i18n.t(Msg::AgendaDecline)}
                                                </button>
                                            </span>
                                        }
                                    })}
                                    {(mine && !runs_it.get_untracked()).then(|| view! {
                                        <button type="button" class="button small secondary"
                                            on:click=move |_| { let k = withdraw.clone(); save(id, notice, error, Msg::AgendaWithdrawn, move |m| { m.agenda.remove(&k); }); }>
                                            {move || i18n.t(Msg::AgendaWithdraw)}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            {move || ((may_propose.get() && signed_in) || may_add.get()).then(|| view! {
                <form class="stack" on:submit=propose.clone()>
                    <h3>{move || i18n.t(if may_add.get() { Msg::AgendaAdd } else { Msg::AgendaPropose })}</h3>
                    <label for="agenda-title">{move || i18n.t(Msg::AgendaItemTitle)}</label>
                    <input id="agenda-title" type="text" maxlength="200" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <label for="agenda-note">{move || i18n.t(Msg::AgendaItemNote)}</label>
                    <textarea id="agenda-note" rows="3" prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button">{move || i18n.t(if may_add.get() { Msg::AgendaAddSend } else { Msg::AgendaSend })}</button>
                </form>
            })}
        </section>
    }
}

/// The hosts' buttons: edit, publish, cancel, held, approve and publish the minutes, and plan
/// the next meeting of the series.
#[component]
fn HostActions(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let me = use_session().person();
    let asking_cancel = RwSignal::new(false);
    // "Marker som afholdt" before the meeting has begun asks first (a slip moved a meeting a
    // week ahead into "Afholdte møder").
    let asking_held = RwSignal::new(false);
    let weeks = RwSignal::new(String::from("4"));
    // "uger": `weeks` later; "maaned": the same weekday in the same place of the next month.
    let rule = RwSignal::new(String::from("uger"));
    let status = Memo::new(move |_| doc.with(|d| d.as_ref().map(|m| m.status)));
    let set_status = move |to: MeetingStatus, done: Msg| {
        save_then(
            id,
            notice,
            error,
            done,
            Some("host-title".into()),
            hosts_edit(move |m| m.status = to),
        );
    };
    let approve = {
        let me = me.clone();
        move |_| {
            let Some(me) = me.clone() else { return };
            save_then(
                id,
                notice,
                error,
                Msg::MinutesApproved,
                Some("host-title".into()),
                hosts_edit(move |m| {
                    m.approvals.insert(me, time::now());
                    m.status = MeetingStatus::MinutesPublished;
                }),
            );
        }
    };
    let plan_next = {
        let me = me.clone();
        move |_| {
            let Some(me) = me.clone() else { return };
            let Some(current) = doc.get_untracked() else {
                return;
            };
            let weeks: i64 = weeks
                .get_untracked()
                .trim()
                .parse()
                .unwrap_or(4)
                .clamp(1, 52);
            let start = if rule.get_untracked() == "maaned" {
                samskab_model::local_time::same_weekday_next_month(current.start)
            } else {
                current.start + weeks * 7 * 86_400_000
            };
            let now = time::now();
            let mut next =
                current.next_in_series(me, start, now, |_| new_item("opfoelgning"), id.url());
            if next.series.is_empty() {
                next.series = format!("serie-{}", &id.to_string()[..8].to_lowercase());
            }
            let series = next.series.clone();
            let navigate = navigate.clone();
            spawn_local(async move {
                // The series gets a name on its first meeting too.
                if current.series.is_empty() {
                    let _ = sync.change::<MeetingKind>(id, |m| m.series = series).await;
                }
                match sync.create::<MeetingKind>(next).await {
                    Ok(new) => navigate(&path(&new), Default::default()),
                    Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
                }
            });
        }
    };
    view! {
        <section aria-labelledby="host-title" class="panel">
            <h2 id="host-title" tabindex="-1">{move || i18n.t(Msg::MeetingHostTitle)}</h2>
            <p class="actions">
                <A href=format!("{}/rediger", path(&id)) attr:class="button secondary">{move || i18n.t(Msg::MeetingEdit)}</A>
                {move || (status.get() == Some(MeetingStatus::Draft)).then(|| view! {
                    <button type="button" class="button" on:click=move |_| set_status(MeetingStatus::Published, Msg::MeetingPublishedNotice)>
                        {move || i18n.t(Msg::MeetingPublish)}
                    </button>
                })}
                {move || (status.get() == Some(MeetingStatus::Published)).then(|| view! {
                    <button type="button" class="button" aria-expanded=move || asking_held.get().to_string()
                        on:click=move |_| {
                            let begun = doc.get_untracked().is_some_and(|m| m.start <= time::now());
                            if begun {
                                set_status(MeetingStatus::Held, Msg::MeetingHeldNotice);
                            } else {
                                asking_held.set(true);
                                focus_soon("held-yes".into());
                            }
                        }>
                        {move || i18n.t(Msg::MeetingMarkHeld)}
                    </button>
                })}
                {move || (status.get() == Some(MeetingStatus::Held)).then(|| view! {
                    <button type="button" class="button" on:click=approve.clone()>
                        {move || i18n.t(Msg::MinutesApprove)}
                    </button>
                })}
                {move || matches!(status.get(), Some(MeetingStatus::Draft | MeetingStatus::Published)).then(|| view! {
                    <button type="button" class="button danger" aria-expanded=move || asking_cancel.get().to_string()
                        on:click=move |_| { asking_cancel.set(true); focus_soon("cancel-yes".into()); }>
                        {move || i18n.t(Msg::MeetingCancel)}
                    </button>
                })}
            </p>
            {move || (asking_held.get() && status.get() == Some(MeetingStatus::Published)).then(|| view! {
                <Confirm id="held" question=Msg::MeetingHeldQuestion yes=Msg::MeetingHeldYes no=Msg::MeetingHeldNo danger=false
                    on_yes=move || { asking_held.set(false); set_status(MeetingStatus::Held, Msg::MeetingHeldNotice); }
                    on_no=move || { asking_held.set(false); focus_soon("host-title".into()); }/>
            })}
            {move || asking_cancel.get().then(|| view! {
                <Confirm id="cancel" question=Msg::MeetingCancelQuestion yes=Msg::MeetingCancelYes no=Msg::MeetingCancelNo danger=true
                    on_yes=move || { asking_cancel.set(false); set_status(MeetingStatus::Cancelled, Msg::MeetingCancelledNotice); }
                    on_no=move || asking_cancel.set(false)/>
            })}
            {move || matches!(status.get(), Some(MeetingStatus::Held | MeetingStatus::MinutesPublished)).then(|| view! {
                <div class="row">
                    <label for="next-rule">{move || i18n.t(Msg::MeetingNextRule)}</label>
                    <select id="next-rule" on:change=move |ev| rule.set(event_target_value(&ev))>
                        <option value="uger" selected=move || rule.get() == "uger">{move || i18n.t(Msg::MeetingNextInWeeks)}</option>
                        <option value="maaned" selected=move || rule.get() == "maaned">{move || monthly_label(doc.get().map_or(0, |m| m.start), i18n.lang())}</option>
                    </select>
                    <Show when=move || rule.get() == "uger">
                        <label for="next-weeks">{move || i18n.t(Msg::MeetingNextWeeks)}</label>
                        <input id="next-weeks" type="number" min="1" max="52" inputmode="numeric" prop:value=move || weeks.get()
                            on:input=move |ev| weeks.set(event_target_value(&ev))/>
                    </Show>
                    <button type="button" class="button" on:click=plan_next.clone()>{move || i18n.t(Msg::MeetingPlanNext)}</button>
                </div>
            })}
        </section>
    }
}

/// A question before a step that is hard to take back, with its two answers: `<id>-question`
/// names the group, `<id>-yes` is the answer focus goes to when it is asked.
#[component]
fn Confirm(
    id: &'static str,
    question: Msg,
    yes: Msg,
    no: Msg,
    /// The yes answer is destructive (cancelling), and looks it.
    danger: bool,
    on_yes: impl Fn() + 'static,
    on_no: impl Fn() + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let labelled_by = format!("{id}-question");
    view! {
        <div class="confirm" role="group" aria-labelledby=labelled_by>
            <p id=format!("{id}-question")>{move || i18n.t(question)}</p>
            <button id=format!("{id}-yes") type="button" class="button" class:danger=danger on:click=move |_| on_yes()>
                {move || i18n.t(yes)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| on_no()>
                {move || i18n.t(no)}
            </button>
        </div>
    }
}

/// "Samme ugedag i næste måned (2. torsdag)": the rule, with the weekday it keeps.
fn monthly_label(start: i64, lang: samskab_model::Lang) -> String {
    let nth = samskab_model::local_time::week_of_month(start);
    let weekday = samskab_model::local_time::local(start).weekday.label(lang);
    let place = match (nth, lang) {
        (5, samskab_model::Lang::Da) => format!("sidste {weekday}"),
        (5, samskab_model::Lang::En) => format!("last {weekday}"),
        (n, samskab_model::Lang::Da) => format!("{n}. {weekday}"),
        (n, samskab_model::Lang::En) => format!("{} {weekday}", ordinal(n)),
    };
    format!("{} ({place})", Msg::MeetingNextMonthly.text(lang))
}

fn ordinal(n: u32) -> String {
    match n {
        1 => "1st".into(),
        2 => "2nd".into(),
        3 => "3rd".into(),
        n => format!("{n}th"),
    }
}
