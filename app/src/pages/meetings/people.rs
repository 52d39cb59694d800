//! Finding a person to add to a group or invite to a meeting. It asks the relay
//! (`GET /api/people?q=`), so it needs a network: staff search names and e-mails, a
//! coordinator finds only the person whose exact e-mail they type. What is picked is written
//! into the document with the person's name, so the lists read offline afterwards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::PersonId;
use samskab_model::api::PersonFound;

use crate::components::set_if_alive;
use crate::i18n::{self, Msg, use_i18n};
use crate::session;

/// A search field, its results, and an "Tilføj <name>" button on each that calls `on_pick`.
/// `id` keeps two pickers on one page apart; `staff` chooses the search by name; `exclude`
/// are those already added (left out of the results).
#[component]
pub(super) fn PeoplePicker(
    id: &'static str,
    staff: bool,
    #[prop(into)] exclude: Signal<Vec<PersonId>>,
    on_pick: Callback<PersonFound>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<PersonFound>>);
    let problem = RwSignal::new(None::<Msg>);
    let field = format!("{id}-query");
    // Not a form of its own: it sits inside the meeting's form too (forms do not nest), so
    // Enter in the field searches instead of submitting the form around it.
    let search = move || {
        let q = query.get_untracked().trim().to_owned();
        if q.is_empty() {
            return;
        }
        problem.set(None);
        spawn_local(async move {
            let path = format!(
                "/api/people?q={}",
                String::from(js_sys::encode_uri_component(&q))
            );
            match session::call("GET", &path, None).await {
                Ok((200, body)) => match session::parse::<Vec<PersonFound>>(&body) {
                    Ok(list) => set_if_alive(found, Some(list)),
                    Err(_) => set_if_alive(problem, Some(Msg::PeopleOffline)),
                },
                _ => set_if_alive(problem, Some(Msg::PeopleOffline)),
            }
        });
    };
    let results = move || {
        let exclude = exclude.get();
        found.get().map(|list| {
            list.into_iter()
                .filter(|p| !exclude.contains(&p.person))
                .collect::<Vec<_>>()
        })
    };
    let label = if staff {
        Msg::PeopleFindStaff
    } else {
        Msg::PeopleFindByEmail
    };
    view! {
        <div class="row" role="search">
            <label for=field.clone()>{move || i18n.t(label)}</label>
            <input id=field type=if staff { "search" } else { "email" } autocomplete="off"
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); search(); }/>
            <button type="button" class="button secondary" on:click=move |_| search()>{move || i18n.t(Msg::PeopleSearch)}</button>
        </div>
        <p role="status" aria-live="polite" class="muted">
            {move || problem.get().map(|m| i18n.t(m).to_owned()).or_else(|| results().map(|r| {
                if r.is_empty() { i18n.t(Msg::PeopleNoneFound).to_owned() } else { i18n::people_found(r.len(), i18n.lang()) }
            }))}
        </p>
        <ul class="member-list">
            {move || results().unwrap_or_default().into_iter().map(|p| {
                let shown = if staff { format!("{} ({})", p.name, p.email) } else { p.name.clone() };
                let name = p.name.clone();
                view! {
                    <li>
                        <span>{shown}</span>
                        <button type="button" class="button small"
                            aria-label=move || i18n::add_person_label(&name, i18n.lang())
                            on:click=move |_| on_pick.run(p.clone())>
                            {move || i18n.t(Msg::GroupAdd)}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
