//! Widgets and small helpers that several pages share. A piece used by one page stays in that
//! page's module; it comes here when a second page needs it (so pages never import each
//! other's insides).
//!
//! - [`badges`]: one's place on a shift, honest about cancelled and finished tasks.
//! - [`cv_card`]: a profile as a reader sees it (CV bank, and the preview on Mit CV).
//! - [`focus`]: moving focus once the page has re-rendered.
//! - [`show_more`]: "Vis flere" under a list shown a page at a time (the task list,
//!   CV-banken).
//! - [`task_card`]: a task in a list (the task list, Koordinering).
//! - [`town_options`]: the municipality's towns as a select's options.
//! - [`page_title`]: the browser's title while a page is shown.
//! - [`set_if_alive`]: what an awaited change reports back, if its page is still shown.

pub mod badges;
pub mod cv_card;
pub mod focus;
pub mod show_more;
pub mod task_card;
pub mod town_options;

use leptos::prelude::*;

use crate::i18n::{Msg, use_i18n};

pub use badges::{HonestBadge, PlaceBadge};
pub use cv_card::CvCard;
pub use focus::focus_soon;
pub use show_more::ShowMore;
pub use task_card::TaskCard;
pub use town_options::TownOptions;

/// Starts a button's action (sets `busy`), or returns `false` if one is already under way: the
/// caller then does nothing. Such buttons say they are busy with `aria-disabled`, not
/// `disabled`: a disabled button loses keyboard focus, which then went to the page's top (a
/// wrong password, say, sent the next Tab from the top of the page).
pub fn begin(busy: RwSignal<bool>) -> bool {
    if busy.get_untracked() {
        return false;
    }
    busy.set(true);
    true
}

/// Sets `signal` to `value` if its page is still shown. For what an awaited change reports
/// back (saved, or why not) and for timers: the person may have left the page meanwhile, and
/// touching a signal of a page that is gone panics and traps the wasm (the meeting page's
/// outcome line, cleared by a timer 8 s after answering "Kommer du?", did so once she left).
pub fn set_if_alive<S: Set>(signal: S, value: S::Value) {
    let _ = signal.try_set(value);
}

/// Sets the document title to `<page> – Samskab` while the page is shown.
pub fn page_title(title: Msg) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", i18n.t(title), i18n.t(Msg::AppName)));
    });
}
