//! "Invitationer til dig" and "Forslag til dig" on the task list, for the signed-in
//! volunteer, from the sync client's task rows (no task document is parsed for them).

use leptos::prelude::*;
use leptos_router::components::A;
use samskab_model::matching;
use samskab_model::task::TaskStatus;
use samskab_model::{DocumentId, PersonId};

use crate::i18n::{self, Msg, use_i18n};
use crate::sync_client::use_sync;
use crate::time;

/// "Invitationer til dig" at the top of the task list (open invitations from coordinators) and
/// "Forslag til dig" after it (published tasks ranked by how well they fit the user's CV,
/// computed here, offline too). The list itself comes first on a phone's first screen.
#[component]
pub(super) fn ForYou(
    /// The signed-in person.
    me: PersonId,
    /// The suggestions (shown after the list); otherwise the invitations (shown before it).
    #[prop(optional)]
    suggestions_part: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let directory = crate::organisations::use_directory();
    let now = time::now();
    let invitations = move || {
        sync.view.version.track();
        let mut found: Vec<(DocumentId, String, String)> = sync
            .task_rows()
            .into_iter()
            .filter(|r| r.task.status == TaskStatus::Published)
            .filter(|r| r.invited_to.is_some_and(|start| start > now))
            .map(|r| {
                let t = &r.task;
                (t.id, t.title.clone(), directory.name(&t.organisation))
            })
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1));
        found
    };
    let suggestions = move || {
        sync.view.version.track();
        let profile = sync.profile(&me)?;
        let rows = sync.task_rows();
        let titles: std::collections::HashMap<DocumentId, String> = rows
            .iter()
            .map(|r| (r.task.id, r.task.title.clone()))
            .collect();
        let towns = crate::towns::use_towns().get().unwrap_or_default();
        let list = matching::public_tasks_for(
            &profile,
            rows.iter().map(|r| (&r.task, r.answered)),
            &towns,
            time::now(),
        )
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
