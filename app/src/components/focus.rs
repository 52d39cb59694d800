//! Moving focus after the page re-renders, and keeping it across re-renders, for keyboard
//! and screen-reader users.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// For how many frames [`focus_soon`] keeps focus on its element against a re-render.
const KEEP_FRAMES: u32 = 10;

/// Focuses the element with `id` once the page has re-rendered. For a few frames after, if
/// focus has fallen to the page itself (the element was not there yet, or was replaced by a
/// re-render), it is given to the element with that id again; focus the person moved
/// elsewhere is left where it is. Later re-renders are covered by
/// [`keep_focus_across_renders`].
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

thread_local! {
    /// The element that last received focus, if it has an id: the one a re-render that
    /// replaces it should give focus back to.
    static LAST_FOCUSED: RefCell<Option<web_sys::Element>> = const { RefCell::new(None) };
}

/// Keeps focus where it was when a re-render replaces the focused element (a sync update
/// arriving while someone is on a button, say): once the page's DOM has changed and focus
/// has fallen to the page itself because the element it was on is gone, the element that
/// took its place (the one with the same id) gets it again. Whatever moment the re-render
/// comes at: a mutation observer runs after every change to the DOM, where [`focus_soon`]'s
/// guard lasts a few frames. Focus the person moved away (a tap on the page's background
/// leaves the element in the page) is left where it is. Installed once, at start.
pub fn keep_focus_across_renders() {
    let doc = document();
    let on_focus = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let target = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|e| !e.id().is_empty());
        LAST_FOCUSED.with(|last| *last.borrow_mut() = target);
    });
    let _ = doc.add_event_listener_with_callback_and_bool(
        "focusin",
        on_focus.as_ref().unchecked_ref(),
        true,
    );
    on_focus.forget();
    let on_change = Closure::<dyn Fn()>::new(|| {
        let doc = document();
        let lost = doc
            .active_element()
            .is_none_or(|e| doc.body().is_some_and(|b| *b == e));
        if !lost {
            return;
        }
        let gone = LAST_FOCUSED.with(|last| {
            let gone = last
                .borrow()
                .as_ref()
                .filter(|e| !e.is_connected())
                .map(|e| e.id());
            // Looked for once: a control that did not come back (the page changed) must not
            // pull focus to itself when one with its id appears later.
            if gone.is_some() {
                *last.borrow_mut() = None;
            }
            gone
        });
        // The same id is the same control re-rendered (its focus event records it again).
        if let Some(id) = gone {
            focus(&id);
        }
    });
    if let (Ok(observer), Some(body)) = (
        web_sys::MutationObserver::new(on_change.as_ref().unchecked_ref()),
        doc.body(),
    ) {
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        let _ = observer.observe_with_options(&body, &options);
    }
    on_change.forget();
}
