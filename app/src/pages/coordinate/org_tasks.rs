//! Koordinering itself: choosing the organisation (for someone who runs several), inviting a
//! coordinator, and the organisation's tasks, drafts included.

use leptos::prelude::*;
use leptos_router::components::A;
use samskab_model::organisation::Organisation;
use samskab_model::public_task::PublicTask;
use samskab_model::{DocumentId, OrganisationId};

use crate::components::{TaskCard, page_title};
use crate::i18n::{self, Msg, use_i18n};
use crate::organisations::use_directory;
use crate::pages::account::InviteCoordinator;
use crate::session::use_session;
use crate::settings;
use crate::sync_client::use_sync;

#[component]
pub fn CoordinationPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let directory = use_directory();
    page_title(Msg::NavCoordinate);
    let user = use_session().user();
    let is_volunteer = user
        .as_ref()
        .is_none_or(|u| u.role == samskab_model::authz::Role::Volunteer);
    if is_volunteer {
        return view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{move || i18n.t(Msg::NavCoordinate)}</h1>
                <p class="lead">{move || i18n.t(Msg::OnlyCoordinators)}</p>
            </section>
        }
        .into_any();
    }
    // The organisations this user runs, from the relay's list (a coordinator's own ones are
    // known from the session even before the list arrives).
    let choices = Memo::new(move |_| {
        user.as_ref()
            .map(|u| directory.coordinated_by(u))
            .unwrap_or_default()
    });
    let picked = RwSignal::new(settings::coordinated_org());
    // The chosen one while it is among the choices; the only one when there is one.
    let org = Memo::new(move |_| chosen_org(&choices.get(), picked.get()));
    let tasks = move || {
        sync.view.version.track();
        let Some(org) = org.get() else {
            return Vec::new();
        };
        // From the index's rows (drafts included): not every task on the device parsed.
        let mut tasks: Vec<(DocumentId, PublicTask)> = sync
            .task_rows()
            .into_iter()
            .filter(|r| r.task.organisation == org)
            .map(|r| (r.task.id, r.task.clone()))
            .collect();
        tasks.sort_by_key(|(id, t)| (t.first_start().unwrap_or(i64::MAX), *id));
        tasks
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavCoordinate)}</h1>
            <p class="lead">{move || i18n.t(Msg::CoordinateIntro)}</p>
            {move || {
                let list = choices.get();
                match list.len() {
                    0 => view! { <p class="muted">{i18n.t(Msg::NoOrganisationsYet)}</p> }.into_any(),
                    1 => view! {
                        <p class="field-static" data-testid="coordinated-org">
                            <span class="field-static-label">{i18n.t(Msg::CoordinateFor)}</span>
                            " "<strong>{list[0].name.clone()}</strong>
                        </p>
                    }.into_any(),
                    _ => view! {
                        <div class="field">
                            <label for="coordinate-org">{move || i18n.t(Msg::CoordinateFor)}</label>
                            <select id="coordinate-org"
                                on:change=move |ev| {
                                    let chosen = event_target_value(&ev).parse::<OrganisationId>().ok();
                                    settings::set_coordinated_org(chosen.as_ref());
                                    picked.set(chosen);
                                }>
                                <option value="">{move || i18n.t(Msg::ChooseOrg)}</option>
                                {list.into_iter().map(|o| {
                                    let selected = org.get_untracked().as_ref() == Some(&o.id);
                                    view! { <option value=o.id.to_string() selected=selected>{o.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }.into_any(),
                }
            }}
            {move || org.get().map(|o| view! {
                <p class="form-actions">
                    <A href="/opgaver/ny" attr:class="button primary">{move || i18n.t(Msg::NewTask)}</A>
                    " "
                    <A href=format!("/organisationer/{o}") attr:class="button secondary">{move || i18n.t(Msg::OrganisationPage)}</A>
                </p>
                <InviteCoordinator organisation=o.to_string()/>
                {move || {
                    let tasks = tasks();
                    if tasks.is_empty() {
                        view! { <p class="muted">{i18n.t(Msg::NoOrgTasks)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="task-list" data-testid="org-tasks">
                                {tasks.into_iter().map(|(id, t)| {
                                    let status = t.status;
                                    let start = t.first_start();
                                    view! {
                                        <TaskCard id title=t.title.clone()>
                                            <p class="task-meta">
                                                <span class="badge">{move || i18n::status_label(status, i18n.lang())}</span>
                                                {start.map(|s| view! { " · " {move || i18n::when(s, i18n.lang())} })}
                                            </p>
                                        </TaskCard>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            })}
        </section>
    }
    .into_any()
}

/// The organisation a new task is for: `picked` while it is among `choices`, else the only
/// choice when there is exactly one, else none (the person must choose).
pub(super) fn chosen_org(
    choices: &[Organisation],
    picked: Option<OrganisationId>,
) -> Option<OrganisationId> {
    picked
        .filter(|p| choices.iter().any(|o| &o.id == p))
        .or_else(|| match choices {
            [only] => Some(only.id.clone()),
            _ => None,
        })
}
