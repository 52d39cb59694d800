//! Opgaver: the task bank as a volunteer sees it. The list with filters and text search,
//! "Mine opgaver", and a task's page where one signs up for or withdraws from a shift and sees
//! one's real place ("Bekræftet", "Venteliste nr. 2") as derived from the document.
//!
//! Everything reads the documents on the device, so it all works offline; a sign-up is saved
//! in IndexedDB before the button says it is done.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use samskab_model::matching;
use samskab_model::public_task::PublicTask;
use samskab_model::task::{InvitationAnswer, Signup, SignupState, TaskStatus};
use samskab_model::towns::DEMO_TOWNS;
use samskab_model::{Area, DocumentId, Place, Roster, ShiftId, Task};

use crate::i18n::{self, Msg, use_i18n};
use crate::open_catalog::OpenCatalog;
use crate::sync_client::{self, ChangeError, SyncStatus, SyncView};
use crate::{settings, time};

/// The tasks on this device that the list may show (drafts are the coordinators' business).
fn visible_tasks(sync: SyncView) -> Vec<(DocumentId, Task)> {
    sync.version.track();
    let mut tasks: Vec<(DocumentId, Task)> = sync_client::tasks()
        .into_iter()
        .filter(|(_, t)| t.status != TaskStatus::Draft)
        .collect();
    tasks.sort_by_key(|(id, t)| (t.first_start().unwrap_or(i64::MAX), *id));
    tasks
}

/// The list's rows: on a signed-in device, the tasks it holds, seen as anyone may see them;
/// for a visitor without an account, the relay's open catalog. One list, one search and one
/// set of filters for both.
fn list_rows(
    sync: Option<SyncView>,
    open: Option<OpenCatalog>,
    directory: crate::organisations::Directory,
) -> Vec<PublicTask> {
    match (sync, open) {
        (Some(sync), _) => visible_tasks(sync)
            .into_iter()
            .filter_map(|(id, t)| PublicTask::of(id, &t, &directory.name(&t.organisation)))
            .collect(),
        (None, Some(open)) => open.tasks.get(),
        (None, None) => Vec::new(),
    }
}

#[component]
pub fn TaskList() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_context::<SyncView>();
    let open = use_context::<OpenCatalog>();
    super::page_title(Msg::NavTasks);
    let area = RwSignal::new(String::new());
    let town = RwSignal::new(String::new());
    let free_only = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let directory = crate::organisations::use_directory();
    // Read once per change of the documents, shared by the list, the counts and the choices.
    let all = Memo::new(move |_| list_rows(sync, open, directory));
    let from_date = RwSignal::new(String::new());
    let skill = RwSignal::new(String::new());
    let skill_choices = move || {
        let mut all: Vec<String> = all.get().into_iter().flat_map(|t| t.skills).collect();
        all.sort_by_key(|s| s.to_lowercase());
        all.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        all
    };
    let now = time::now();
    let showing_past = RwSignal::new(false);

    let filtered = move || {
        let past = showing_past.get();
        let (area, town, free_only, query) = (area.get(), town.get(), free_only.get(), query.get());
        let from = time::to_millis(&from_date.get(), "00:00");
        let skill = skill.get();
        all.get()
            .into_iter()
            .filter(|t| from.is_none_or(|from| t.shifts.iter().any(|s| s.end >= from)))
            .filter(|t| skill.is_empty() || t.skills.iter().any(|s| s.eq_ignore_ascii_case(&skill)))
            .filter(|t| area.is_empty() || t.area.as_str() == area)
            .filter(|t| town.is_empty() || t.town == town)
            .filter(|t| !free_only || (t.status == TaskStatus::Published && t.free_places() > 0))
            .filter(|t| t.matches(&query))
            .filter(|t| t.is_current(now) != past)
            .collect::<Vec<_>>()
    };
    let total = move || all.with(Vec::len);
    let me = sync.map(|_| settings::person_id());
    let mine = move || {
        let (Some(sync), Some(me)) = (sync, me.clone()) else {
            return Vec::new();
        };
        {
            visible_tasks(sync)
                .into_iter()
                .flat_map(|(id, t)| {
                    let me = me.clone();
                    let status = t.status;
                    t.shifts
                        .iter()
                        .filter(|(_, s)| s.end > now)
                        .filter_map(move |(_, s)| {
                            let place = Roster::of(s).place_of(s, &me);
                            matches!(
                                place,
                                Place::Confirmed | Place::Waitlisted(_) | Place::Declined
                            )
                            .then(|| (id, t.title.clone(), s.start, place, status))
                        })
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        }
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavTasks)}</h1>

            {crate::session::current()
                .is_some_and(|u| u.role != samskab_model::authz::Role::Volunteer)
                .then(|| view! {
                    <p class="links">
                        <A href="/koordinering">{move || i18n.t(Msg::CoordinateLink)}</A>
                        " · "
                        <A href="/cv-banken">{move || i18n.t(Msg::NavCvBank)}</A>
                    </p>
                })}

            {sync.is_none().then(|| view! {
                <p class="lead" data-testid="open-intro">
                    {move || i18n.t(Msg::OpenTaskBankIntro)} " "
                    <A href="/log-ind" attr:class="standalone">{move || i18n.t(Msg::LogInOrRegister)}</A>
                </p>
            })}

            {sync.is_some().then(|| view! {
            <ForYou/>

            <section class="my-tasks" aria-labelledby="my-tasks-title">
                <h2 id="my-tasks-title">{move || i18n.t(Msg::MyTasks)}</h2>
                {move || {
                    let rows = mine();
                    if rows.is_empty() {
                        view! { <p class="muted">{i18n.t(Msg::NoMyTasks)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list" data-testid="my-tasks">
                                {rows.into_iter().map(|(id, title, start, place, status)| view! {
                                    <li>
                                        <A href=format!("/opgaver/{id}")>{title}</A>
                                        " · " {i18n::when(start, i18n.lang())} " · "
                                        <HonestBadge status place/>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>
            })}

            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <div class="field field-wide">
                    <label for="task-search">{move || i18n.t(Msg::Search)}</label>
                    <input id="task-search" type="search" autocomplete="off"
                        placeholder=move || i18n.t(Msg::SearchHint)
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                // The other filters fold away, so that on a phone the first task is on the
                // first screen.
                <details class="more-filters field-wide">
                <summary>{move || i18n.t(Msg::MoreFilters)}</summary>
                <div class="more-filters-body">
                <div class="field">
                    <label for="filter-area">{move || i18n.t(Msg::FilterArea)}</label>
                    <select id="filter-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::FilterAll)}</option>
                        {Area::ALL.iter().map(|a| view! {
                            <option value=a.as_str()>{move || a.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-town">{move || i18n.t(Msg::FilterTown)}</label>
                    <select id="filter-town" on:change=move |ev| town.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::FilterAll)}</option>
                        {DEMO_TOWNS.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-skill">{move || i18n.t(Msg::FilterSkill)}</label>
                    <select id="filter-skill" on:change=move |ev| skill.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::FilterAll)}</option>
                        {move || skill_choices().into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-from">{move || i18n.t(Msg::FilterFrom)}</label>
                    <input id="filter-from" type="date" on:input=move |ev| from_date.set(event_target_value(&ev))/>
                </div>
                <div class="field field-check">
                    <input id="filter-free" type="checkbox"
                        on:change=move |ev| free_only.set(event_target_checked(&ev))/>
                    <label for="filter-free">{move || i18n.t(Msg::FilterFree)}</label>
                </div>
                </div>
                </details>
            </form>

            <p class="links">
                <button type="button" class="button secondary" aria-pressed=move || showing_past.get().to_string()
                    on:click=move |_| showing_past.update(|p| *p = !*p)>
                    {move || i18n.t(Msg::PastTasks)}
                </button>
            </p>
            {move || showing_past.get().then(|| view! { <h2>{move || i18n.t(Msg::PastTasks)}</h2> })}
            {move || {
                let tasks = filtered();
                if tasks.is_empty() {
                    let msg = if showing_past.get() {
                        Msg::NoPastTasks
                    } else if total() == 0 && open.is_some_and(|o| !o.loaded.get()) {
                        if open.is_some_and(|o| o.unreachable.get()) { Msg::OpenTasksUnreachable } else { Msg::LoadingTasks }
                    } else if total() == 0 {
                        Msg::NoTasksYet
                    } else {
                        Msg::NoTasks
                    };
                    view! { <p class="muted" role="status">{i18n.t(msg)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list" data-testid="task-list">
                            {tasks.into_iter().map(|t| view! { <TaskCard task=t/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {sync.is_some().then(|| view! { <ForYou suggestions_part=true/> })}
        </section>
    }
}

#[component]
fn TaskCard(task: PublicTask) -> impl IntoView {
    let i18n = use_i18n();
    let id = task.id;
    let free = task.free_places();
    let start = task.first_start();
    let over = match task.status {
        TaskStatus::Cancelled => Some(Msg::Cancelled),
        TaskStatus::Finished => Some(Msg::StatusFinished),
        _ if task.is_past(time::now()) => Some(Msg::StatusFinished),
        _ => None,
    };
    view! {
        <li class="task-card">
            <h2><A href=format!("/opgaver/{id}")>{task.title.clone()}</A></h2>
            <p class="task-meta">
                {move || task.area.label(i18n.lang())} " · " {task.town.clone()}
                {start.map(|s| view! { " · " {move || i18n::when(s, i18n.lang())} })}
            </p>
            <p class="task-free">
                {move || match over {
                    Some(msg) => i18n.t(msg).to_owned(),
                    None => i18n::free_places(free, i18n.lang()),
                }}
            </p>
        </li>
    }
}

#[component]
pub(crate) fn PlaceBadge(place: Place) -> impl IntoView {
    let i18n = use_i18n();
    let (class, text) = match place {
        Place::Confirmed => (
            "badge badge-ok",
            Box::new(move || i18n.t(Msg::Confirmed).to_owned())
                as Box<dyn Fn() -> String + Send + Sync>,
        ),
        Place::Waitlisted(n) => (
            "badge badge-wait",
            Box::new(move || i18n::waitlist_place(n, i18n.lang())) as _,
        ),
        Place::Declined => (
            "badge badge-no",
            Box::new(move || i18n.t(Msg::Declined).to_owned()) as _,
        ),
        Place::Withdrawn | Place::NotSignedUp => ("badge", Box::new(String::new) as _),
    };
    view! { <span class=class data-testid="my-status">{text}</span> }
}

/// One's place on a shift, unless the task is called off or over: then that, and never a
/// green "Bekræftet" for something that will not happen.
#[component]
fn HonestBadge(status: TaskStatus, place: Place) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        TaskStatus::Cancelled => view! {
            <span class="badge badge-no" data-testid="task-over">{move || i18n.t(Msg::Cancelled)}</span>
        }
        .into_any(),
        TaskStatus::Finished => view! {
            <span class="badge" data-testid="task-over">{move || i18n.t(Msg::StatusFinished)}</span>
        }
        .into_any(),
        _ => view! { <PlaceBadge place/> }.into_any(),
    }
}

/// The sign-up state of a task's page that must outlive a re-render of the page (which
/// happens whenever the task document changes): the question before giving up a place, the
/// offer to undo a withdrawal, and the live region's text.
#[derive(Debug, Clone, Copy)]
struct SignupUi {
    asking: RwSignal<Option<ShiftId>>,
    /// The shift just withdrawn from, the sign-up time it had, and which withdrawal (so that
    /// an older timer does not end a newer offer).
    undo: RwSignal<Option<(ShiftId, i64, u64)>>,
    notice: RwSignal<String>,
}

/// Focuses the element with `id` once the page has re-rendered.
fn focus_soon(id: String) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

/// How long "Fortryd" is offered after a withdrawal.
const UNDO_MS: u32 = 8_000;

/// A task's page: with the device's document when signed in, else the open catalog's view.
#[component]
pub fn TaskDetail() -> impl IntoView {
    match use_context::<SyncView>() {
        Some(sync) => view! { <SignedInTaskDetail sync/> }.into_any(),
        None => view! { <OpenTaskDetail/> }.into_any(),
    }
}

/// The id in the page's address.
fn task_id_param() -> impl Fn() -> Option<DocumentId> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<DocumentId>().ok())
    }
}

/// Keeps the browser's title to the task's title.
fn title_follows(title: impl Fn() -> String + Send + Sync + 'static) {
    Effect::new(move |_| {
        let t = title();
        if !t.is_empty() {
            document().set_title(&format!("{t} – Samskab"));
        }
    });
}

#[component]
fn SignedInTaskDetail(sync: SyncView) -> impl IntoView {
    let i18n = use_i18n();
    let id = task_id_param();
    let task = move || {
        sync.version.track();
        id().and_then(|id| sync_client::task(&id).map(|t| (id, t)))
    };
    title_follows(move || task().map(|(_, t)| t.title).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let ui = SignupUi {
        asking: RwSignal::new(None),
        undo: RwSignal::new(None),
        notice: RwSignal::new(String::new()),
    };
    // Back from logging in to sign up for a shift (`?vagt=<shift>`): once the task is here,
    // that shift's button gets focus and the person is told it takes one more tap. Nothing
    // is signed up on their behalf: they see the shift and what signing up shares first.
    let query = leptos_router::hooks::use_query_map();
    let wanted = StoredValue::new(query.read_untracked().get("vagt"));
    Effect::new(move |_| {
        let Some((_, t)) = task() else { return };
        let Some(shift) = wanted.get_value() else {
            return;
        };
        wanted.set_value(None);
        let me = settings::person_id();
        let open_for_me = t.status == TaskStatus::Published
            && t.shifts.iter().any(|(sid, s)| {
                sid.as_str() == shift
                    && !s.has_started(time::now())
                    && Roster::of(s).place_of(s, &me) == Place::NotSignedUp
            });
        if open_for_me {
            ui.notice.set(i18n.t(Msg::SignUpAfterLogin).to_owned());
            focus_soon(format!("signup-{shift}"));
        }
    });

    view! {
        <section class="page" aria-labelledby="page-title">
            <p><A href="/opgaver" attr:class="standalone">"← " {move || i18n.t(Msg::BackToTasks)}</A></p>
            {move || {
                // The task re-renders whenever its document changes (someone else signs up);
                // a sign-up button that had focus must have it again afterwards, or keyboard
                // and screen-reader users are thrown back to the top of the page.
                let refocus = document()
                    .active_element()
                    .map(|e| e.id())
                    .filter(|id| id.starts_with("signup-"));
                if let Some(id) = refocus {
                    focus_soon(id);
                }
                match task() {
                // Not on this device yet: a new device (just logged in from a link) is still
                // receiving its documents.
                None if sync.status.get() != SyncStatus::AllSaved => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead" role="status">{i18n.t(Msg::LoadingTask)}</p>
                }.into_any(),
                None => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead">{i18n.t(Msg::TaskNotFound)}</p>
                }.into_any(),
                Some((id, t)) => view! { <TaskBody id task=t error ui/> }.into_any(),
            }}}
            // Outside the part that re-renders, so that screen readers hear every change.
            <p class="signup-notice" role="status" data-testid="signup-notice">{move || ui.notice.get()}</p>
        </section>
    }
}

#[component]
fn TaskBody(
    id: DocumentId,
    task: Task,
    error: RwSignal<Option<String>>,
    ui: SignupUi,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = settings::person_id();
    let now = time::now();
    let open = task.status == TaskStatus::Published;
    let status = task.status;
    let coordinating =
        crate::session::current().is_some_and(|u| u.principal().coordinates(&task.organisation));
    let panel = coordinating.then(|| task.clone());
    let facts = PublicTask::project(
        id,
        &task,
        &crate::organisations::use_directory().name(&task.organisation),
    );
    let invitation = task
        .invitations
        .get(&me)
        .filter(|i| i.answer == InvitationAnswer::Pending && open)
        .and_then(|i| Some((i.shift.clone(), task.shifts.get(&i.shift)?.start)))
        // An invitation to a shift that has started can no longer be taken up.
        .filter(|(_, start)| *start > now);
    view! {
        <TaskFacts task=facts/>
        <h2>{move || i18n.t(Msg::Shifts)}</h2>
        {open.then(|| view! { <p class="muted" data-testid="signup-shares">{move || i18n.t(Msg::SignupSharesContact)}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <ul class="shift-list">
            {task.shifts.iter().map(|(sid, shift)| {
                let roster = Roster::of(shift);
                let place = roster.place_of(shift, &me);
                let taken = roster.confirmed.len();
                let full = roster.free(shift) == 0;
                let started = shift.has_started(now);
                let at = shift.signups.get(&me).map(|s| s.at);
                let (start, end, capacity) = (shift.start, shift.end, shift.capacity);
                let sid = sid.clone();
                view! {
                    <li class="shift" data-testid="shift">
                        <p class="shift-time">{move || i18n::when(start, i18n.lang())} " – " {move || i18n::when(end, i18n.lang())}</p>
                        <p>{move || i18n::places_taken(taken, capacity, i18n.lang())}</p>
                        <HonestBadge status place/>
                        {(open && started).then(|| view! {
                            <p class="muted" data-testid="signup-closed">{move || i18n.t(Msg::ShiftStartedClosed)}</p>
                        })}
                        {(open && !started).then(|| view! {
                            <SignupControls id shift=sid.clone() place full at error ui/>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {invitation.map(|(shift, start)| view! { <InvitationPanel id shift start error/> })}
        {panel.map(|task| view! {
            <super::coordinate::CoordinatorPanel id task=task.clone()/>
            {(task.status == TaskStatus::Published).then(|| view! { <super::cvbank::PossibleVolunteers id task/> })}
        })}
    }
}

/// The top of a task's page: title, state, who, where, what, and whom to call.
#[component]
fn TaskFacts(task: PublicTask) -> impl IntoView {
    let i18n = use_i18n();
    let status = task.status;
    let skills = task.skills.join(", ");
    let contact = task.contact;
    let area = task.area;
    view! {
        <h1 id="page-title">{task.title}</h1>
        {(status == TaskStatus::Cancelled).then(|| view! { <p class="badge badge-no">{move || i18n.t(Msg::Cancelled)}</p> })}
        {matches!(status, TaskStatus::Draft | TaskStatus::Finished).then(|| view! {
            <p class="badge">{move || i18n::status_label(status, i18n.lang())}</p>
        })}
        <p class="task-meta">
            {task.organisation_name} " · "
            {move || area.label(i18n.lang())} " · " {task.town}
        </p>
        <p class="description" data-testid="description">{task.description}</p>
        <dl class="facts">
            <dt>{move || i18n.t(Msg::Place)}</dt><dd>{task.place}</dd>
            {(!skills.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::Skills)}</dt><dd>{skills.clone()}</dd> })}
            <dt>{move || i18n.t(Msg::Contact)}</dt>
            <dd>
                {contact.name.clone()}
                {(!contact.phone.is_empty()).then(|| view! { " · " <a href=format!("tel:{}", contact.phone.replace(' ', ""))>{contact.phone.clone()}</a> })}
                {(!contact.email.is_empty()).then(|| view! { " · " <a href=format!("mailto:{}", contact.email)>{contact.email.clone()}</a> })}
            </dd>
        </dl>
    }
}

/// A task's page for a visitor without an account: the open catalog's view of it, and for
/// each open shift a way to sign up that goes through logging in (or creating an account)
/// and comes back here.
#[component]
fn OpenTaskDetail() -> impl IntoView {
    let i18n = use_i18n();
    let open = expect_context::<OpenCatalog>();
    let id = task_id_param();
    let task = move || id().and_then(|id| open.task(&id));
    title_follows(move || task().map(|t| t.title).unwrap_or_default());
    view! {
        <section class="page" aria-labelledby="page-title">
            <p><A href="/opgaver" attr:class="standalone">"← " {move || i18n.t(Msg::BackToTasks)}</A></p>
            {move || match task() {
                None if !open.loaded.get() => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead" role="status">{i18n.t(if open.unreachable.get() { Msg::OpenTasksUnreachable } else { Msg::LoadingTask })}</p>
                }.into_any(),
                None => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead">{i18n.t(Msg::TaskNotFound)}</p>
                }.into_any(),
                Some(t) => view! { <OpenTaskBody task=t/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OpenTaskBody(task: PublicTask) -> impl IntoView {
    let i18n = use_i18n();
    let now = time::now();
    let id = task.id;
    let status = task.status;
    let open = status == TaskStatus::Published;
    let shifts = task.shifts.clone();
    view! {
        <TaskFacts task/>
        <h2>{move || i18n.t(Msg::Shifts)}</h2>
        {open.then(|| view! {
            <p class="muted" data-testid="signup-shares">{move || i18n.t(Msg::SignupSharesContact)}</p>
            <p>{move || i18n.t(Msg::LogInToSignUp)}</p>
        })}
        <ul class="shift-list">
            {shifts.into_iter().map(|shift| {
                let (start, end, capacity) = (shift.start, shift.end, shift.capacity);
                let taken = usize::try_from(shift.taken).unwrap_or(usize::MAX);
                let started = shift.has_started(now);
                let label = if shift.free() == 0 { Msg::SignUpWaitlist } else { Msg::SignUp };
                let next = format!("/opgaver/{id}?vagt={}", shift.id);
                let href = format!("/log-ind?next={}", String::from(js_sys::encode_uri_component(&next)));
                view! {
                    <li class="shift" data-testid="shift">
                        <p class="shift-time">{move || i18n::when(start, i18n.lang())} " – " {move || i18n::when(end, i18n.lang())}</p>
                        <p>{move || i18n::places_taken(taken, capacity, i18n.lang())}</p>
                        <HonestBadge status place=Place::NotSignedUp/>
                        {(open && started).then(|| view! {
                            <p class="muted" data-testid="signup-closed">{move || i18n.t(Msg::ShiftStartedClosed)}</p>
                        })}
                        {(open && !started).then(|| view! {
                            <A href=href attr:class="button primary">{move || i18n.t(label)}</A>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// "Invitationer til dig" at the top of the task list (open invitations from coordinators) and
/// "Forslag til dig" after it (published tasks ranked by how well they fit the user's CV,
/// computed here, offline too). The list itself comes first on a phone's first screen.
#[component]
fn ForYou(
    /// The suggestions (shown after the list); otherwise the invitations (shown before it).
    #[prop(optional)]
    suggestions_part: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<SyncView>();
    let me = settings::person_id();
    let me2 = me.clone();
    let directory = crate::organisations::use_directory();
    let now = time::now();
    let invitations = move || {
        sync.version.track();
        let mut found: Vec<(DocumentId, String, String)> = sync_client::tasks()
            .into_iter()
            .filter(|(_, t)| t.status == TaskStatus::Published)
            .filter(|(_, t)| {
                t.invitations.get(&me).is_some_and(|i| {
                    i.answer == InvitationAnswer::Pending
                        && t.shifts.get(&i.shift).is_some_and(|s| s.start > now)
                })
            })
            .map(|(id, t)| (id, t.title.clone(), directory.name(&t.organisation)))
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1));
        found
    };
    let suggestions = move || {
        sync.version.track();
        let profile = sync_client::profile(&me2)?;
        let tasks = sync_client::tasks();
        let titles: std::collections::HashMap<DocumentId, String> =
            tasks.iter().map(|(id, t)| (*id, t.title.clone())).collect();
        let list = matching::tasks_for(&profile, tasks.iter().map(|(id, t)| (id, t)), time::now())
            .into_iter()
            .take(5)
            .map(|s| {
                let title = titles.get(&s.item).cloned().unwrap_or_default();
                (s.item, title, s.start, s.reason_line(i18n.lang()))
            })
            .collect::<Vec<_>>();
        Some(list)
    };
    let invitations_view = move || {
        view! {
        {move || {
            let list = invitations();
            (!list.is_empty()).then(|| view! {
                <section class="panel invitations" aria-labelledby="invitations-title" data-testid="invitations">
                    <h2 id="invitations-title">{move || i18n.t(Msg::InvitationsForYou)}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|(id, title, org)| view! {
                            <li><A href=format!("/opgaver/{id}")>{title}</A> " · " {org}</li>
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
        }
    };
    if !suggestions_part {
        return invitations_view().into_any();
    }
    view! {
        <section class="suggestions-panel" aria-labelledby="for-you-title" data-testid="for-you">
            <h2 id="for-you-title">{move || i18n.t(Msg::SuggestionsForYou)}</h2>
            {move || match suggestions() {
                None => view! { <p class="muted"><A href="/cv" attr:class="standalone">{move || i18n.t(Msg::FillCvForSuggestions)}</A></p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="muted">{move || i18n.t(Msg::NoSuggestions)}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="plain-list suggestions">
                        {list.into_iter().map(|(id, title, start, reason)| view! {
                            <li>
                                <A href=format!("/opgaver/{id}")>{title}</A>
                                " · " {move || i18n::when(start, i18n.lang())}
                                <br/><span class="reason">{reason}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// An open invitation on the task's page: accept (signs up for the shift) or decline.
#[component]
fn InvitationPanel(
    id: DocumentId,
    shift: ShiftId,
    start: i64,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let answer = move |accept: bool| {
        let shift = shift.clone();
        spawn_local(async move {
            let me = settings::person_id();
            let at = js_sys::Date::now() as i64;
            let result = sync_client::change_task(id, |task| {
                if accept && let Some(s) = task.shifts.get_mut(&shift) {
                    s.signups.insert(
                        me.clone(),
                        Signup {
                            state: SignupState::SignedUp,
                            at,
                        },
                    );
                }
                if let Some(i) = task.invitations.get_mut(&me) {
                    i.answer = if accept {
                        InvitationAnswer::Accepted
                    } else {
                        InvitationAnswer::Declined
                    };
                }
            })
            .await;
            if result.is_err() {
                error.set(Some(i18n.t(Msg::StorageFailed).to_owned()));
            }
        });
    };
    let accept = answer.clone();
    view! {
        <section class="panel invitation" aria-labelledby="invitation-title" data-testid="invitation">
            <h2 id="invitation-title">{move || i18n.t(Msg::YouAreInvited)}</h2>
            <p>{move || i18n::invited_to(&i18n::when(start, i18n.lang()), i18n.lang())}</p>
            <p class="form-actions">
                <button type="button" class="button primary" on:click=move |_| accept(true)>
                    {move || i18n.t(Msg::AcceptTaskInvitation)}
                </button>
                <button type="button" class="button secondary" on:click=move |_| answer(false)>
                    {move || i18n.t(Msg::DeclineInvitation)}
                </button>
            </p>
        </section>
    }
}

/// Tilmeld, "Skriv mig på ventelisten" or Afmeld for one shift; giving up a held place asks
/// first, and a withdrawal can be undone for a few seconds. Focus stays on the shift's button
/// (or moves to the question or "Fortryd" beside it), and the result is announced.
#[component]
fn SignupControls(
    id: DocumentId,
    shift: ShiftId,
    place: Place,
    full: bool,
    /// This person's sign-up time on the shift, if they have an entry.
    at: Option<i64>,
    error: RwSignal<Option<String>>,
    ui: SignupUi,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let signed_up = matches!(
        place,
        Place::Confirmed | Place::Waitlisted(_) | Place::Declined
    );
    let button_id = format!("signup-{shift}");
    let yes_id = format!("signup-{shift}-yes");
    let undo_id = format!("signup-{shift}-undo");

    // Writes this person's entry on the shift, then announces what it came to.
    let write = {
        let shift = shift.clone();
        move |state: SignupState, at: i64, focus: String| {
            let shift = shift.clone();
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let me = settings::person_id();
                let result = sync_client::change_task(id, |task| {
                    if let Some(s) = task.shifts.get_mut(&shift) {
                        s.signups.insert(me.clone(), Signup { state, at });
                    }
                })
                .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        let lang = i18n.lang();
                        let text = if state == SignupState::Withdrawn {
                            Msg::WithdrawnNotice.text(lang).to_owned()
                        } else {
                            let place = sync_client::task(&id)
                                .and_then(|t| {
                                    t.shifts.get(&shift).map(|s| Roster::of(s).place_of(s, &me))
                                })
                                .unwrap_or(Place::NotSignedUp);
                            i18n::signup_result(place, lang)
                        };
                        ui.notice.set(text);
                    }
                    Err(e) => {
                        let msg = match e {
                            ChangeError::Storage(e) if e.is_quota() => Msg::StorageFull,
                            _ => Msg::StorageFailed,
                        };
                        error.set(Some(i18n.t(msg).to_owned()));
                    }
                }
                focus_soon(focus);
            });
        }
    };

    let withdraw = {
        let (write, shift, button_id, undo_id) = (
            write.clone(),
            shift.clone(),
            button_id.clone(),
            undo_id.clone(),
        );
        move || {
            ui.asking.set(None);
            let token = js_sys::Math::random().to_bits();
            ui.undo.set(at.map(|at| (shift.clone(), at, token)));
            write(SignupState::Withdrawn, time::now(), undo_id.clone());
            let (button_id, undo_id) = (button_id.clone(), undo_id.clone());
            gloo_timers::callback::Timeout::new(UNDO_MS, move || {
                // The page may be gone by now: then there is nothing to end.
                if ui
                    .undo
                    .try_get_untracked()
                    .flatten()
                    .is_some_and(|(_, _, t)| t == token)
                {
                    let had_focus = document()
                        .active_element()
                        .is_some_and(|e| e.id() == undo_id);
                    ui.undo.try_set(None);
                    if had_focus {
                        focus_soon(button_id);
                    }
                }
            })
            .forget();
        }
    };

    let offering_undo = {
        let shift = shift.clone();
        move || {
            ui.undo
                .with(|u| u.as_ref().is_some_and(|(s, _, _)| *s == shift))
        }
    };
    let asking = {
        let shift = shift.clone();
        move || ui.asking.with(|a| a.as_ref() == Some(&shift))
    };

    move || {
        if !signed_up && offering_undo() {
            let write = write.clone();
            let button_id = button_id.clone();
            view! {
                <p class="form-actions">
                    <button type="button" id=undo_id.clone() class="button primary" disabled=move || busy.get()
                        on:click=move |_| {
                            let Some((_, old, _)) = ui.undo.get_untracked() else { return };
                            ui.undo.set(None);
                            // Undo means as if never withdrawn: the old sign-up time keeps the
                            // person's place in the order, when the relay will accept it (a time
                            // since this page's connection opened); else they join at the end.
                            let at = if sync_client::connected_since().is_some_and(|since| old >= since) {
                                old
                            } else {
                                time::now()
                            };
                            write(SignupState::SignedUp, at, button_id.clone());
                        }>
                        {move || i18n.t(Msg::Undo)}
                    </button>
                </p>
            }
            .into_any()
        } else if signed_up && asking() {
            let withdraw = withdraw.clone();
            let button_id = button_id.clone();
            view! {
                <div class="confirm-step" role="group" aria-labelledby=format!("{yes_id}-question")>
                    <p id=format!("{yes_id}-question")>{move || i18n.t(Msg::ConfirmWithdrawQuestion)}</p>
                    <p class="form-actions">
                        <button type="button" id=yes_id.clone() class="button danger" on:click=move |_| withdraw()>
                            {move || i18n.t(Msg::ConfirmWithdrawYes)}
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| {
                            ui.asking.set(None);
                            focus_soon(button_id.clone());
                        }>
                            {move || i18n.t(Msg::ConfirmWithdrawNo)}
                        </button>
                    </p>
                </div>
            }
            .into_any()
        } else {
            let (write, withdraw, shift, yes_id, button_id) = (
                write.clone(),
                withdraw.clone(),
                shift.clone(),
                yes_id.clone(),
                button_id.clone(),
            );
            let label = if signed_up {
                Msg::Withdraw
            } else if full {
                Msg::SignUpWaitlist
            } else {
                Msg::SignUp
            };
            view! {
                <button type="button" id=button_id.clone() class=if signed_up { "button secondary" } else { "button primary" }
                    disabled=move || busy.get()
                    on:click=move |_| {
                        if !signed_up {
                            ui.undo.set(None);
                            write(SignupState::SignedUp, time::now(), button_id.clone());
                        } else if place == Place::Confirmed {
                            // A held place is asked about first: one tap must not give it away.
                            ui.asking.set(Some(shift.clone()));
                            focus_soon(yes_id.clone());
                        } else {
                            withdraw();
                        }
                    }>
                    {move || i18n.t(label)}
                </button>
            }
            .into_any()
        }
    }
}
