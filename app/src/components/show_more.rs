//! "Vis flere" under a list shown a page at a time (the task list, CV-banken): the list says
//! how many it shows of how many in a live region of its own, and this button shows a page
//! more and moves focus to the first card of it, so that a keyboard or screen-reader user goes
//! on where the new cards begin rather than back at the top.

use leptos::prelude::*;

use crate::i18n::{Msg, use_i18n};

/// The button, while `total` is more than `shown`; `list_id` is the id of the list (`ul`)
/// whose items it shows more of.
#[component]
pub fn ShowMore(
    shown: RwSignal<usize>,
    #[prop(into)] total: Signal<usize>,
    page: usize,
    list_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let more = move |_| {
        let first_new = shown.get_untracked() + 1;
        shown.update(|n| *n += page);
        request_animation_frame(move || {
            let selector = format!("#{list_id} > li:nth-child({first_new}) :is(a, button)");
            if let Some(el) = document()
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        });
    };
    move || {
        (total.get() > shown.get()).then(|| {
            view! {
                <p class="show-more">
                    <button type="button" class="button secondary" on:click=more>
                        {move || i18n.t(Msg::ShowMore)}
                    </button>
                </p>
            }
        })
    }
}
