//! CV-banken: staff and coordinators search the profiles of volunteers who consented to be
//! seen by them, on the device (offline too), by text, skill, area, town, time, language and a
//! valid børneattest; contact them by `mailto:`/`tel:`; and invite one to a shift of a task
//! they run ("Inviter til opgave"), which the volunteer sees and can accept.
//!
//! The device holds only the profiles the relay let it read, so consent is enforced before the
//! data arrives: nothing is filtered here for consent.
//!
//! The profiles come from the sync client's index (kept in IndexedDB beside the documents,
//! and removed with them), so the bank opens without parsing thousands of documents; the
//! search index over them is rebuilt only when a profile changed. The results are shown
//! [`PAGE`] at a time with "Vis flere", and while one types on, each keystroke searches only
//! the previous keystroke's results.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::cv_search::{CvIndex, CvQuery};
use samskab_model::local_time;
use samskab_model::matching;
use samskab_model::profile::{DayPart, Profile, SKILLS, Weekday, skill_label};
use samskab_model::public_task::{self, PublicTask};
use samskab_model::task::{Invitation, InvitationAnswer, TaskKind, TaskStatus};
use samskab_model::towns::Towns;
use samskab_model::{Area, DocumentId, PersonId, Roster, ShiftId, Task};

use crate::components::{CvCard, ShowMore, focus_soon, page_title};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::{Session, use_session};
use crate::sync_client::{ChangeError, SyncClient, use_sync};
use crate::time;

/// How many results the page shows at first, and how many more "Vis flere" adds (the count
/// says how many matched). A card is a whole CV, so fewer than the task list's 50: twenty
/// fill several screens, and rendering them anew fits in a frame when a keystroke changes them.
const PAGE: usize = 20;

/// The profiles on the device and their search index, rebuilt when a profile changed.
#[derive(Clone)]
struct Bank {
    /// How many times the device's profiles had changed when it was built.
    changes: u64,
    towns: Towns,
    profiles: Arc<Vec<Arc<Profile>>>,
    index: Arc<CvIndex>,
}

impl PartialEq for Bank {
    fn eq(&self, other: &Self) -> bool {
        self.changes == other.changes && Arc::ptr_eq(&self.index, &other.index)
    }
}

/// Others' profiles on this device (the user's own is not in the bank), in no order (the
/// search orders its results by name).
fn others_profiles(sync: SyncClient, me: &PersonId) -> Vec<Arc<Profile>> {
    let (_, mut profiles) = sync.profile_rows();
    profiles.retain(|p| p.owner != *me);
    profiles
}

/// The last search, kept so that the next keystroke can look through its results only.
struct LastSearch {
    query: CvQuery,
    changes: u64,
    found: Arc<Vec<usize>>,
}

#[component]
pub fn CvBankPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    page_title(Msg::NavCvBank);
    let Some(user) = use_session().user() else {
        return ().into_any();
    };
    if user.role == samskab_model::authz::Role::Volunteer {
        return view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{move || i18n.t(Msg::NavCvBank)}</h1>
                <p>{move || i18n.t(Msg::CvBankNotForYou)}</p>
            </section>
        }
        .into_any();
    }
    let me = user.id.clone();
    let town_list = crate::towns::use_towns();
    let bank = Memo::new(move |old: Option<&Bank>| {
        sync.view.version.track();
        let changes = sync.profile_changes();
        let towns = town_list.get().unwrap_or_default();
        if let Some(old) = old
            && old.changes == changes
            && old.towns == towns
        {
            return old.clone();
        }
        let profiles = others_profiles(sync, &me);
        // Only new and changed profiles are prepared again.
        let index = match old {
            Some(old) => old.index.renew(&old.profiles, &profiles, &towns),
            None => CvIndex::new(profiles.iter().map(|p| &**p), &towns),
        };
        Bank {
            changes,
            towns,
            profiles: Arc::new(profiles),
            index: Arc::new(index),
        }
    });
    let text = RwSignal::new(String::new());
    let skill = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let town = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let part = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let certified = RwSignal::new(false);
    let today = local_time::date(time::now());
    let shown = RwSignal::new(PAGE);
    // A new search starts again at one page.
    Effect::new(move |_| {
        text.track();
        skill.track();
        area.track();
        town.track();
        day.track();
        part.track();
        language.track();
        certified.track();
        if shown.get_untracked() != PAGE {
            shown.set(PAGE);
        }
    });
    let last = StoredValue::new(None::<LastSearch>);

    // The positions (in the bank's profiles) of those found, in name order.
    let results = Memo::new(move |_| {
        let mut query = CvQuery {
            text: text.get(),
            valid_certificate: certified.get(),
            ..CvQuery::default()
        };
        if !skill.get().is_empty() {
            query.skills.push(skill.get());
        }
        if let Ok(a) = area.get().parse::<Area>() {
            query.areas.push(a);
        }
        if !town.get().is_empty() {
            query.towns.push(town.get());
        }
        if !language.get().trim().is_empty() {
            query.languages.push(language.get().trim().to_owned());
        }
        let days: Vec<Weekday> = match day.get().parse::<Weekday>() {
            Ok(d) => vec![d],
            Err(_) => Weekday::ALL.to_vec(),
        };
        let parts: Vec<DayPart> = match part.get().parse::<DayPart>() {
            Ok(p) => vec![p],
            Err(_) => DayPart::ALL.to_vec(),
        };
        if days.len() == 1 || parts.len() == 1 {
            for d in &days {
                for p in &parts {
                    query.availability.set(*d, *p, true);
                }
            }
        }
        bank.with(|b| {
            let previous = last.with_value(|l| {
                l.as_ref()
                    .filter(|l| l.changes == b.changes && query.narrows(&l.query))
                    .map(|l| l.found.clone())
            });
            let found = Arc::new(match previous {
                Some(previous) => b.index.refine(&previous, &query, &today),
                None => b.index.search(&query, &today),
            });
            last.set_value(Some(LastSearch {
                query,
                changes: b.changes,
                found: found.clone(),
            }));
            found
        })
    });
    let found = Signal::derive(move || results.with(|r| r.len()));
    // A search that finds nobody offers to start over (with every filter cleared, and focus
    // back in the search field).
    let narrowed = move || {
        [text, skill, area, town, day, part, language]
            .iter()
            .any(|s| s.with(|v| !v.trim().is_empty()))
            || certified.get()
    };
    let clear = move |_| {
        for s in [text, skill, area, town, day, part, language] {
            s.set(String::new());
        }
        certified.set(false);
        focus_soon("cvbank-text".into());
    };
    // The cards shown: the first `shown` found, keyed so that a keystroke that keeps a card
    // keeps its element.
    let page = move || {
        let b = bank.get();
        results.with(|r| {
            r.iter()
                .take(shown.get())
                .filter_map(|i| b.profiles.get(*i).cloned())
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavCvBank)}</h1>
            <p>{move || i18n.t(Msg::CvBankIntro)}</p>
            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <div class="field field-wide">
                    <label for="cvbank-text">{move || i18n.t(Msg::Search)}</label>
                    <input id="cvbank-text" type="search" bind:value=text/>
                </div>
                <div class="field">
                    <label for="cvbank-skill">{move || i18n.t(Msg::CvSkills)}</label>
                    <select id="cvbank-skill" prop:value=move || skill.get() on:change=move |ev| skill.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::All)}</option>
                        {SKILLS.iter().map(|(id, _, _)| view! {
                            <option value=*id>{move || skill_label(id, i18n.lang()).to_owned()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cvbank-area">{move || i18n.t(Msg::FilterArea)}</label>
                    <select id="cvbank-area" prop:value=move || area.get() on:change=move |ev| area.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::All)}</option>
                        {Area::ALL.iter().map(|a| view! {
                            <option value=a.as_str()>{move || a.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cvbank-town">{move || i18n.t(Msg::FilterTown)}</label>
                    <select id="cvbank-town" prop:value=move || town.get() on:change=move |ev| town.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::All)}</option>
                        <crate::components::TownOptions chosen=town/>
                    </select>
                </div>
                <div class="field">
                    <label for="cvbank-day">{move || i18n.t(Msg::CvDay)}</label>
                    <select id="cvbank-day" prop:value=move || day.get() on:change=move |ev| day.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::All)}</option>
                        {Weekday::ALL.iter().map(|d| view! {
                            <option value=d.as_str()>{move || d.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cvbank-part">{move || i18n.t(Msg::CvPartOfDay)}</label>
                    <select id="cvbank-part" prop:value=move || part.get() on:change=move |ev| part.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::All)}</option>
                        {DayPart::ALL.iter().map(|p| view! {
                            <option value=p.as_str()>{move || p.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cvbank-language">{move || i18n.t(Msg::CvLanguagesShort)}</label>
                    <input id="cvbank-language" type="text" bind:value=language/>
                </div>
                <label class="check">
                    <input type="checkbox" id="cvbank-certificate" bind:checked=certified/>
                    {move || i18n.t(Msg::CvValidCertificate)}
                </label>
            </form>
            <p role="status" aria-live="polite" data-testid="cvbank-count">
                {move || i18n::volunteers_found(found.get(), shown.get(), i18n.lang())}
            </p>
            {move || (found.get() == 0 && narrowed()).then(|| view! {
                <p>
                    <button type="button" class="button secondary" on:click=clear>
                        {move || i18n.t(Msg::CvBankClear)}
                    </button>
                </p>
            })}
            <ul class="cards" id="cvbank-list">
                <For each=page key=|p| (p.owner.clone(), p.updated_at) let:profile>
                    {
                        let person = profile.owner.clone();
                        view! {
                            <li>
                                <CvCard profile=(*profile).clone()>
                                    <InviteToTask person profile=profile.clone()/>
                                </CvCard>
                            </li>
                        }
                    }
                </For>
            </ul>
            <ShowMore shown total=found page=PAGE list_id="cvbank-list"/>
        </section>
    }
    .into_any()
}

/// Published tasks with a shift still to come that the user runs: what one can invite to
/// (from the task rows: no task is parsed until one is chosen).
fn invitable_tasks(sync: SyncClient, session: Session) -> Vec<PublicTask> {
    let Some(user) = session.user() else {
        return Vec::new();
    };
    let principal = user.principal();
    let now = time::now();
    let mut tasks: Vec<PublicTask> = sync
        .task_rows()
        .iter()
        .map(|r| &r.task)
        .filter(|t| t.status == TaskStatus::Published && principal.coordinates(&t.organisation))
        .filter(|t| t.shifts.iter().any(|s| s.start > now))
        .cloned()
        .collect();
    public_task::sort(&mut tasks);
    tasks
}

/// Writes an invitation into the task, in the name of the coordinator `by`.
async fn invite(
    sync: SyncClient,
    by: PersonId,
    task: DocumentId,
    person: PersonId,
    shift: ShiftId,
) -> Result<(), ChangeError<TaskKind>> {
    let at = time::now();
    sync.change::<TaskKind>(task, move |t| {
        t.invitations.insert(
            person,
            Invitation {
                shift,
                by,
                at,
                answer: InvitationAnswer::Pending,
            },
        );
    })
    .await
}

/// "Inviter til opgave": choose one of the user's tasks and a shift, and invite.
#[component]
fn InviteToTask(
    person: PersonId,
    /// Their CV: each shift offered says whether it is outside the times it gives, or on a
    /// day they are away.
    profile: Arc<Profile>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let open = RwSignal::new(false);
    let task = RwSignal::new(String::new());
    let shift = RwSignal::new(String::new());
    let done = RwSignal::new(None::<bool>);
    let key = person.to_string();
    let person_for_shifts = person.clone();
    let opener = format!("invite-{key}-open");
    // The button's id, and where focus returns when the form closes.
    let opener_id = opener.clone();
    let close_form = {
        let opener = opener.clone();
        move |_| {
            open.set(false);
            focus_soon(opener.clone());
        }
    };
    let tasks = move || invitable_tasks(sync, session);
    let shifts = Signal::derive(move || {
        let person_for_shifts = person_for_shifts.clone();
        let id: Option<DocumentId> = task.get().parse().ok();
        id.and_then(|id| sync.document::<TaskKind>(&id))
            .map(|t| {
                let now = time::now();
                t.shifts
                    .into_iter()
                    .filter(|(_, s)| s.start > now)
                    .map(|(sid, s)| {
                        let roster = Roster::of(&s);
                        // One they are already on is shown, but cannot be chosen.
                        let on_it = matches!(
                            roster.place_of(&s, &person_for_shifts),
                            samskab_model::Place::Confirmed | samskab_model::Place::Waitlisted(_)
                        );
                        let away = profile.away_on(&local_time::date(s.start));
                        // An empty grid says nothing about when they can.
                        let outside = !profile.availability.is_empty()
                            && !local_time::slots(s.start, s.end).overlaps(profile.availability);
                        let fit = if away {
                            Some(Msg::InviteAway)
                        } else if outside {
                            Some(Msg::InviteOutsideTimes)
                        } else {
                            None
                        };
                        (sid, s.start, roster.free(&s), on_it, fit)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(task_id), Ok(shift_id)) = (
            task.get_untracked().parse::<DocumentId>(),
            shift.get_untracked().parse::<ShiftId>(),
        ) else {
            done.set(Some(false));
            return;
        };
        let person = person.clone();
        let Some(by) = session.person() else {
            done.set(Some(false));
            return;
        };
        let opener = opener.clone();
        spawn_local(async move {
            let ok = invite(sync, by, task_id, person, shift_id).await.is_ok();
            done.set(Some(ok));
            if ok {
                // The form goes; focus back to the button that opened it (the status above it
                // says the invitation is sent).
                open.set(false);
                focus_soon(opener);
            }
        });
    };
    let task_field = format!("invite-{key}-task");
    let open_form = move |_| {
        open.set(true);
        done.set(None);
        focus_soon(task_field.clone());
    };
    view! {
        <div class="invite">
            {move || match done.get() {
                Some(true) => view! { <p class="badge badge-ok" role="status">{move || i18n.t(Msg::InvitationSent)}</p> }.into_any(),
                Some(false) => view! { <p class="error" role="alert">{move || i18n.t(Msg::InvitationChoose)}</p> }.into_any(),
                None => ().into_any(),
            }}
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" class="button secondary" id=opener_id.clone() on:click=open_form.clone()>
                    {move || i18n.t(Msg::InviteToTask)}
                </button>
            }>
                <form class="invite-form" on:submit=send.clone()>
                    <div class="field">
                        <label for=format!("invite-{key}-task")>{move || i18n.t(Msg::InviteWhichTask)}</label>
                        <select id=format!("invite-{key}-task") on:change=move |ev| { task.set(event_target_value(&ev)); shift.set(String::new()); }>
                            <option value="">"—"</option>
                            {move || tasks().into_iter().map(|t| view! {
                                <option value=t.id.to_string()>{t.title.clone()} " · " {crate::organisations::use_directory().name(&t.organisation)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=format!("invite-{key}-shift")>{move || i18n.t(Msg::InviteWhichShift)}</label>
                        <select id=format!("invite-{key}-shift") on:change=move |ev| shift.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {move || shifts.get().into_iter().map(|(sid, start, free, on_it, fit)| view! {
                                <option value=sid.to_string() disabled=on_it>{move || {
                                    let lang = i18n.lang();
                                    let mut state = if on_it { i18n.t(Msg::InviteAlreadyOn).to_owned() } else { i18n::free_places(free, lang) };
                                    if let (false, Some(fit)) = (on_it, fit) {
                                        state = format!("{state}; {}", i18n.t(fit));
                                    }
                                    format!("{} ({state})", i18n::when(start, lang))
                                }}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button primary">{move || i18n.t(Msg::SendInvitation)}</button>
                    <button type="button" class="button secondary" on:click=close_form.clone()>{move || i18n.t(Msg::Discard)}</button>
                </form>
            </Show>
        </div>
    }
}

/// "Mulige frivillige" on a coordinator's task page: consenting volunteers on the device,
/// ranked by fit, each with its reason and an invitation to the suggested shift.
#[component]
pub fn PossibleVolunteers(id: DocumentId, task: Task) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let Some(user) = use_session().user() else {
        return ().into_any();
    };
    let me = user.id.clone();
    let town_list = crate::towns::use_towns();
    let by = user.id.clone();
    let invited: std::collections::BTreeSet<PersonId> = task.invitations.keys().cloned().collect();
    let suggestions = move || {
        sync.view.version.track();
        let profiles = others_profiles(sync, &me);
        let towns = town_list.get().unwrap_or_default();
        matching::volunteers_for(&task, profiles.iter().map(|p| &**p), &towns, time::now())
            .into_iter()
            .take(10)
            .map(|s| {
                let name = profiles
                    .iter()
                    .find(|p| p.owner == s.item)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                (s, name)
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="panel" aria-labelledby="possible-title" data-testid="possible-volunteers">
            <h2 id="possible-title">{move || i18n.t(Msg::PossibleVolunteers)}</h2>
            {move || {
                let list = suggestions();
                if list.is_empty() {
                    return view! { <p>{move || i18n.t(Msg::NoPossibleVolunteers)}</p> }.into_any();
                }
                view! {
                    <ul class="suggestions">
                        {list.into_iter().map(|(s, name)| {
                            let already = invited.contains(&s.item);
                            let line = s.reason_line(i18n.lang());
                            let (person, shift, by) = (s.item.clone(), s.shift.clone(), by.clone());
                            let sent = RwSignal::new(already);
                            view! {
                                <li>
                                    <strong>{name}</strong>
                                    <span class="reason">{line}</span>
                                    {move || if sent.get() {
                                        view! { <span class="badge">{move || i18n.t(Msg::Invited)}</span> }.into_any()
                                    } else {
                                        let (person, shift, by) = (person.clone(), shift.clone(), by.clone());
                                        view! {
                                            <button type="button" class="button secondary" on:click=move |_| {
                                                let (person, shift, by) = (person.clone(), shift.clone(), by.clone());
                                                spawn_local(async move {
                                                    if invite(sync, by, id, person, shift).await.is_ok() {
                                                        sent.set(true);
                                                    }
                                                });
                                            }>{move || i18n.t(Msg::Invite)}</button>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
