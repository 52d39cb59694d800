//! Organisationer: every organisation's own page, from its document on the device (so it reads
//! offline), and the form with which its coordinators and the municipality's staff keep it up
//! to date (saved on the device first, like every change).
//!
//! - this file: the list, one organisation's page, and the organisation kind's side of the app
//!   ([`Editable`] for `OrganisationKind`).
//! - `form`: the edit form.

mod form;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use samskab_model::kinds::organisation::{
    Organisation, OrganisationKind, organisation_document_id,
};
use samskab_model::{OrganisationId, TaskStatus};

use crate::components::{TaskCard, focus_soon, page_title};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use form::OrganisationForm;

/// The address of an organisation's page.
pub fn path(organisation: &OrganisationId) -> String {
    format!("/organisationer/{organisation}")
}

/// Every organisation on the device, by name.
#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    page_title(Msg::OrganisationsTitle);
    let organisations = move || {
        sync.view.version.track();
        let mut list: Vec<Organisation> = sync
            .documents::<OrganisationKind>()
            .into_iter()
            .map(|(_, o)| o)
            .collect();
        list.sort_by_key(|o| o.name.to_lowercase());
        list
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::OrganisationsTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::OrganisationsIntro)}</p>
            {move || {
                let list = organisations();
                if list.is_empty() {
                    view! { <p>{move || i18n.t(Msg::OrganisationsNone)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list" data-testid="organisations">
                            {list.into_iter().map(|o| {
                                let category = o.category;
                                view! {
                                    <li class="task-card">
                                        <h2><A href=path(&o.organisation)>{o.name.clone()}</A></h2>
                                        <p class="task-meta">
                                            {move || category.label(i18n.lang())}
                                            {(!o.town.is_empty()).then(|| format!(" · {}", o.town))}
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One organisation: what it says about itself, its published tasks, and for those who run
/// it the form to change it. The page stays while the document changes (someone else's edit
/// arriving, or one's own save): only the facts that changed re-render, and an open form
/// keeps what is typed into it.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let organisation = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<OrganisationId>().ok())
    });
    let doc = Memo::new(move |_| {
        sync.view.version.track();
        let id = organisation.get()?;
        sync.document::<OrganisationKind>(&organisation_document_id(&id))
    });
    let present = Memo::new(move |_| doc.with(Option::is_some));
    Effect::new(move |_| {
        if let Some(name) = doc.with(|d| d.as_ref().map(|o| o.name.clone())) {
            document().set_title(&format!("{name} · Samskab"));
        }
    });
    move || {
        if present.get() {
            view! { <OrganisationView doc/> }.into_any()
        } else {
            view! {
                <section class="page" aria-labelledby="page-title">
                    <h1 id="page-title">{move || i18n.t(Msg::OrganisationsTitle)}</h1>
                    <p>{move || i18n.t(Msg::OrganisationNotHere)}</p>
                    <p><A href="/organisationer">{move || i18n.t(Msg::OrganisationsTitle)}</A></p>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn OrganisationView(doc: Memo<Option<Organisation>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let field = move |f: fn(&Organisation) -> String| {
        move || doc.with(|d| d.as_ref().map(f).unwrap_or_default())
    };
    let Some(snapshot) = doc.get_untracked() else {
        return ().into_any();
    };
    let org = snapshot.organisation.clone();
    let runs_it = use_session()
        .user()
        .is_some_and(|u| u.principal().coordinates(&org));
    let editing = RwSignal::new(false);
    // From the index's rows: the organisation's published tasks without parsing every task
    // on the device.
    let tasks = move || {
        sync.view.version.track();
        let mut tasks: Vec<_> = sync
            .task_rows()
            .into_iter()
            .filter(|r| r.task.organisation == org && r.task.status == TaskStatus::Published)
            .map(|r| (r.task.id, r.task.clone()))
            .collect();
        tasks.sort_by_key(|(id, t)| (t.first_start(), *id));
        tasks
    };
    let category = move || doc.with(|d| d.as_ref().map(|o| o.category));
    let town = field(|o| o.town.clone());
    let description = field(|o| o.description.clone());
    let cvr = field(|o| o.cvr.clone());
    let contact = move || doc.with(|d| d.as_ref().map(|o| o.contact.clone()).unwrap_or_default());
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{field(|o| o.name.clone())}</h1>
            <p class="task-meta">
                {move || category().map(|c| c.label(i18n.lang()))}
                {move || { let t = town(); (!t.is_empty()).then(|| format!(" · {t}")) }}
            </p>
            {move || { let d = description(); (!d.is_empty()).then(|| view! {
                <p class="description" data-testid="organisation-description">{d}</p>
            })}}
            <dl class="facts">
                {move || { let c = cvr(); (!c.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::OrganisationCvrShort)}</dt><dd>{c}</dd>
                })}}
                {move || {
                    let contact = contact();
                    let phone_href = format!("tel:{}", contact.phone.replace(' ', ""));
                    let email_href = format!("mailto:{}", contact.email);
                    (!contact.name.is_empty() || !contact.phone.is_empty() || !contact.email.is_empty()).then(|| view! {
                        <dt>{move || i18n.t(Msg::OrganisationContact)}</dt>
                        <dd>
                            {contact.name.clone()}
                            {(!contact.phone.is_empty()).then(|| view! { " · " <a href=phone_href.clone()>{contact.phone.clone()}</a> })}
                            {(!contact.email.is_empty()).then(|| view! { " · " <a href=email_href.clone()>{contact.email.clone()}</a> })}
                        </dd>
                    })
                }}
            </dl>
            <h2>{move || i18n.t(Msg::OrganisationTasks)}</h2>
            {move || {
                let tasks = tasks();
                if tasks.is_empty() {
                    view! { <p class="muted">{move || i18n.t(Msg::OrganisationNoTasks)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list">
                            {tasks.into_iter().map(|(id, t)| view! {
                                <TaskCard id title=t.title.clone()>
                                    <p class="task-meta">{t.town.clone()}</p>
                                </TaskCard>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {runs_it.then(|| view! {
                <p>
                    <button type="button" class="button secondary"
                        aria-expanded=move || editing.get().to_string()
                        on:click=move |_| {
                            editing.update(|e| *e = !*e);
                            // Into the form it opened, at its first field.
                            if editing.get_untracked() {
                                focus_soon("organisation-name".into());
                            }
                        }>
                        {move || i18n.t(Msg::OrganisationEdit)}
                    </button>
                </p>
                // Opened from the document as it is then; what is typed stays while others'
                // changes arrive.
                {move || editing.get().then(|| doc.get_untracked().map(|organisation| view! {
                    <OrganisationForm organisation/>
                }))}
            })}
            <p><A href="/organisationer">{move || i18n.t(Msg::AllOrganisations)}</A></p>
        </section>
    }
    .into_any()
}
