//! The task list: one list, search and set of filters for the tasks on a signed-in device and
//! for a visitor's open catalog; "Mine opgaver" above it for the signed-in.
//!
//! A signed-in device lists its tasks from the sync client's index (a row per task, kept in
//! IndexedDB beside the documents), not from the documents themselves: a thousand tasks open
//! without parsing a thousand documents. The list shows [`PAGE`] cards at a time, with "Vis
//! flere" and a count in a live region.

use leptos::prelude::*;
use leptos_router::components::A;
use samskab_model::public_task::{self, PublicTask};
use samskab_model::task::TaskStatus;
use samskab_model::{Area, Place};

use super::for_you::ForYou;
use crate::components::{HonestBadge, ShowMore, TaskCard, page_title};
use crate::i18n::{self, Msg, use_i18n};
use crate::open_catalog::OpenCatalog;
use crate::session::use_session;
use crate::sync_client::{SyncClient, TaskRow};
use crate::time;

/// How many cards the list shows at first, and how many more "Vis flere" adds.
pub const PAGE: usize = 50;

/// The rows of the tasks on this device that the list may show (drafts are the coordinators'
/// business), in list order.
fn visible_rows(sync: SyncClient) -> Vec<std::sync::Arc<TaskRow>> {
    sync.view.version.track();
    let mut rows: Vec<_> = sync
        .task_rows()
        .into_iter()
        .filter(|r| r.task.status != TaskStatus::Draft)
        .collect();
    rows.sort_by_key(|r| (r.task.first_start().unwrap_or(i64::MAX), r.task.id));
    rows
}

/// The list's rows: on a signed-in device, the tasks it holds, seen as anyone may see them;
/// for a visitor without an account, the relay's open catalog. One list, one search and one
/// set of filters for both.
fn list_rows(
    sync: Option<SyncClient>,
    open: Option<OpenCatalog>,
    directory: crate::organisations::Directory,
) -> Vec<PublicTask> {
    match (sync, open) {
        (Some(sync), _) => {
            let mut tasks: Vec<PublicTask> = visible_rows(sync)
                .iter()
                .map(|r| PublicTask {
                    organisation_name: directory.name(&r.task.organisation),
                    ..r.task.clone()
                })
                .collect();
            public_task::sort(&mut tasks);
            tasks
        }
        (None, Some(open)) => open.tasks.get(),
        (None, None) => Vec::new(),
    }
}

#[component]
pub fn TaskList() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_context::<SyncClient>();
    let session = use_session();
    let open = use_context::<OpenCatalog>();
    page_title(Msg::NavTasks);
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
    // How many cards are shown; back to one page whenever the search or a filter changes.
    let shown = RwSignal::new(PAGE);
    Effect::new(move |_| {
        area.track();
        town.track();
        free_only.track();
        query.track();
        from_date.track();
        skill.track();
        showing_past.track();
        if shown.get_untracked() != PAGE {
            shown.set(PAGE);
        }
    });

    let filtered = Memo::new(move |_| {
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
    });
    let found = Signal::derive(move || filtered.with(Vec::len));
    let total = move || all.with(Vec::len);
    let me = sync.and_then(|_| session.person());
    let me_for_you = me.clone();
    let mine = move || {
        let (Some(sync), Some(_)) = (sync, me.as_ref()) else {
            return Vec::new();
        };
        visible_rows(sync)
            .iter()
            .flat_map(|r| {
                r.mine.iter().filter(|s| s.end > now).map(|s| {
                    let place: Place = s.place.into();
                    (
                        r.task.id,
                        r.task.title.clone(),
                        s.start,
                        place,
                        r.task.status,
                    )
                })
            })
            .collect::<Vec<_>>()
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavTasks)}</h1>

            {session.runs_tasks().then(|| view! {
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

            {me_for_you.clone().map(|me| view! {
            <ForYou me/>

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
                        <crate::components::TownOptions chosen=town/>
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
            // Always there (empty when nothing is found, which the message below says), so that
            // screen readers hear each new count: a live region added with its text is not read.
            <p class="muted" role="status" aria-live="polite" data-testid="task-count">
                {move || {
                    let found = found.get();
                    (found > 0).then(|| i18n::tasks_shown(shown.get().min(found), found, i18n.lang()))
                }}
            </p>
            {move || {
                let tasks = filtered.get();
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
                        <ul class="task-list" id="task-list" data-testid="task-list">
                            {tasks.into_iter().take(shown.get()).map(|t| view! { <PublicTaskCard task=t/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <ShowMore shown total=found page=PAGE list_id="task-list"/>
            {me_for_you.map(|me| view! { <ForYou me suggestions_part=true/> })}
        </section>
    }
}

/// A task of the list as anyone may see it: area, town, when, and its free places (or that it
/// is called off or over).
#[component]
fn PublicTaskCard(task: PublicTask) -> impl IntoView {
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
        <TaskCard id title=task.title.clone()>
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
        </TaskCard>
    }
}
