//! A task's page: the facts, the shifts with one's place and the sign-up buttons, an open
//! invitation, and for the organisation's coordinator their panel. A visitor sees the open
//! catalog's view of it, with sign-up leading through logging in.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use samskab_model::public_task::PublicTask;
use samskab_model::task::{InvitationAnswer, TaskKind, TaskStatus};
use samskab_model::{DocumentId, PersonId, Place, Roster, Task};

use super::signup::{InvitationPanel, SignupControls, SignupUi};
use crate::components::{HonestBadge, focus_soon};
use crate::i18n::{self, Msg, use_i18n};
use crate::open_catalog::OpenCatalog;
use crate::pages::coordinate::CoordinatorPanel;
use crate::pages::cvbank::PossibleVolunteers;
use crate::session::use_session;
use crate::sync_client::{SyncClient, SyncStatus};
use crate::time;

/// A task's page: with the device's document when signed in, else the open catalog's view.
#[component]
pub fn TaskDetail() -> impl IntoView {
    match (use_context::<SyncClient>(), use_session().person()) {
        (Some(sync), Some(me)) => view! { <SignedInTaskDetail sync me/> }.into_any(),
        _ => view! { <OpenTaskDetail/> }.into_any(),
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
fn SignedInTaskDetail(sync: SyncClient, me: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let id = task_id_param();
    crate::pages::inbox::read_on_visit(sync, me.clone(), id);
    let task = move || {
        sync.view.version.track();
        id().and_then(|id| sync.document::<TaskKind>(&id).map(|t| (id, t)))
    };
    // The task's row in the device's index, as the task list shows it (read before the
    // engine runs).
    let directory = crate::organisations::use_directory();
    let row = move || {
        sync.view.version.track();
        let id = id()?;
        sync.task_rows()
            .into_iter()
            .find(|r| r.task.id == id)
            .map(|r| PublicTask {
                organisation_name: directory.name(&r.task.organisation),
                ..r.task.clone()
            })
    };
    title_follows(move || {
        task()
            .map(|(_, t)| t.title)
            .or_else(|| row().map(|r| r.title))
            .unwrap_or_default()
    });
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
    let me_here = me.clone();
    Effect::new(move |_| {
        let Some((_, t)) = task() else { return };
        let Some(shift) = wanted.get_value() else {
            return;
        };
        wanted.set_value(None);
        let me = &me_here;
        let open_for_me = t.status == TaskStatus::Published
            && t.shifts.iter().any(|(sid, s)| {
                sid.as_str() == shift
                    && !s.has_started(time::now())
                    && Roster::of(s).place_of(s, me) == Place::NotSignedUp
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
                // a sign-up button that had focus gets it again (`keep_focus_across_renders`),
                // by its id.
                // While the sync engine starts (its code is loaded after the first render),
                // the task's row from the device's index.
                let starting = (!sync.view.loaded.get()).then(row).flatten();
                match (task(), starting) {
                // The facts from the index meanwhile; its shifts and buttons once the
                // document is read.
                (None, Some(facts)) => view! {
                    <TaskFacts task=facts/>
                    <p class="lead" role="status" data-testid="task-loading">{i18n.t(Msg::LoadingTask)}</p>
                }.into_any(),
                // Not on this device yet: a new device (just logged in from a link) is still
                // receiving its documents.
                (None, None) if sync.view.status.get() != SyncStatus::AllSaved => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead" role="status">{i18n.t(Msg::LoadingTask)}</p>
                }.into_any(),
                (None, None) => view! {
                    <h1 id="page-title">{i18n.t(Msg::NavTasks)}</h1>
                    <p class="lead">{i18n.t(Msg::TaskNotFound)}</p>
                }.into_any(),
                (Some((id, t)), _) => view! { <TaskBody id task=t me=me.clone() error ui/> }.into_any(),
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
    /// The signed-in person.
    me: PersonId,
    error: RwSignal<Option<String>>,
    ui: SignupUi,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = time::now();
    let open = task.status == TaskStatus::Published;
    let status = task.status;
    let coordinating = use_session()
        .user()
        .is_some_and(|u| u.principal().coordinates(&task.organisation));
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
        // Already on that shift (signed up another way, or invited again): nothing to answer.
        .filter(|i| {
            task.shifts.get(&i.shift).is_some_and(|s| {
                !matches!(
                    Roster::of(s).place_of(s, &me),
                    Place::Confirmed | Place::Waitlisted(_)
                )
            })
        })
        .and_then(|i| Some((i.shift.clone(), task.shifts.get(&i.shift)?.start)))
        // An invitation to a shift that has started can no longer be taken up.
        .filter(|(_, start)| *start > now);
    view! {
        <TaskFacts task=facts/>
        // The invitation first: opened from its notice, it is what the person came to answer
        // (below the shifts it was off a phone's screen, under their own "Tilmeld").
        {invitation.map(|(shift, start)| view! { <InvitationPanel id shift me=me.clone() start error notice=ui.notice/> })}
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
                    <li class="shift" data-testid="shift" id=format!("shift-{sid}") tabindex="-1">
                        <p class="shift-time">{move || i18n::when_span(start, end, i18n.lang())}</p>
                        <p>{move || i18n::places_taken(taken, capacity, i18n.lang())}</p>
                        <HonestBadge status place/>
                        {(matches!(place, Place::Confirmed | Place::Waitlisted(_)) && !started).then(|| {
                            let href = format!("/api/calendar/shifts/{id}/{sid}.ics");
                            view! {
                                <p><a class="button small secondary" href=href download="vagt.ics"
                                    aria-label=move || format!("{} {}", i18n.t(Msg::ShiftAddToCalendarLabel), i18n::when(start, i18n.lang()))>
                                    {move || i18n.t(Msg::ShiftAddToCalendar)}
                                </a></p>
                            }
                        })}
                        {(open && started).then(|| view! {
                            <p class="muted" data-testid="signup-closed">{move || i18n.t(Msg::ShiftStartedClosed)}</p>
                        })}
                        {(open && !started).then(|| view! {
                            <SignupControls id shift=sid.clone() me=me.clone() place full at error ui/>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {panel.map(|task| view! {
            <CoordinatorPanel id task=task.clone() me=me.clone() notice=ui.notice/>
            {(task.status == TaskStatus::Published).then(|| view! { <PossibleVolunteers id task/> })}
        })}
    }
}

/// The top of a task's page: title, state, who, where, what, and whom to call.
#[component]
fn TaskFacts(task: PublicTask) -> impl IntoView {
    let i18n = use_i18n();
    // Signed in, the organisation's name leads to its page (its document is on the device).
    let signed_in = use_session().user().is_some();
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
            {if signed_in {
                view! { <A href=format!("/organisationer/{}", task.organisation)>{task.organisation_name}</A> }.into_any()
            } else {
                view! { <span>{task.organisation_name}</span> }.into_any()
            }}
            " · "
            {move || area.label(i18n.lang())} " · " {task.town}
        </p>
        <p class="description" data-testid="description">{task.description}</p>
        <dl class="facts">
            <dt>{move || i18n.t(Msg::Place)}</dt><dd>{task.place}</dd>
            {(!skills.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::Skills)}</dt><dd>{skills.clone()}</dd> })}
            <dt>{move || i18n.t(Msg::Contact)}</dt>
            // Side by side where they fit, each on its own line where not (with " · " between
            // them, the dots wrapped onto lines of their own on a phone).
            <dd class="contact-line">
                <span>{contact.name.clone()}</span>
                {(!contact.phone.is_empty()).then(|| view! { <a href=format!("tel:{}", contact.phone.replace(' ', ""))>{contact.phone.clone()}</a> })}
                {(!contact.email.is_empty()).then(|| view! { <a href=format!("mailto:{}", contact.email)>{contact.email.clone()}</a> })}
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
                        <p class="shift-time">{move || i18n::when_span(start, end, i18n.lang())}</p>
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
