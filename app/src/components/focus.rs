//! Moving focus after the page re-renders, for keyboard and screen-reader users.

use leptos::prelude::*;

/// Focuses the element with `id` once the page has re-rendered.
pub fn focus_soon(id: String) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}
