//! Badges for one's place on a shift ("Bekræftet", "Venteliste nr. 2"), shown on the task
//! pages and in a coordinator's roster.

use leptos::prelude::*;
use samskab_model::Place;
use samskab_model::task::TaskStatus;

use crate::i18n::{self, Msg, use_i18n};

#[component]
pub fn PlaceBadge(place: Place) -> impl IntoView {
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
pub fn HonestBadge(status: TaskStatus, place: Place) -> impl IntoView {
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
