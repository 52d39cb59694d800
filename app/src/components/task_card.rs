//! A task in a list: its title as the link to the task's page, then what the list says about
//! it (the task list: area, town, free places; Koordinering: the status).

use leptos::prelude::*;
use leptos_router::components::A;
use samskab_model::DocumentId;

/// One row of a task list; `children` are the lines under the title.
#[component]
pub fn TaskCard(id: DocumentId, title: String, children: Children) -> impl IntoView {
    view! {
        <li class="task-card">
            <h2><A href=format!("/opgaver/{id}")>{title}</A></h2>
            {children()}
        </li>
    }
}
