//! Moving focus after the page re-renders, for keyboard and screen-reader users.

use leptos::prelude::*;

/// For how many frames [`focus_soon`] keeps focus on its element against a re-render.
const KEEP_FRAMES: u32 = 10;

/// Focuses the element with `id` once the page has re-rendered. For a few frames after, if
/// focus has fallen to the page itself (the element was replaced by a re-render, say a
/// sync update arriving just then), it is given to the element with that id again; focus
/// the person moved elsewhere is left where it is.
pub fn focus_soon(id: String) {
    request_animation_frame(move || {
        focus(&id);
        keep(id, KEEP_FRAMES);
    });
}

fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

fn keep(id: String, frames: u32) {
    if frames == 0 {
        return;
    }
    request_animation_frame(move || {
        let doc = document();
        let lost = doc
            .active_element()
            .is_none_or(|e| doc.body().is_some_and(|b| *b == e));
        if lost {
            focus(&id);
        }
        keep(id, frames - 1);
    });
}
