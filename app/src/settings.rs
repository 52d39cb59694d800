//! Small per-device settings, kept in localStorage through gloo-storage. Documents never go
//! here (they live in IndexedDB); only what the shell needs before any document is loaded.

use gloo_storage::{LocalStorage, Storage};
use samskab_model::Lang;

/// The localStorage key of the chosen UI language.
pub const LANG_KEY: &str = "samskab.lang";

/// The language chosen on this device, if any was and it is still one we speak.
pub fn stored_lang() -> Option<Lang> {
    LocalStorage::get::<String>(LANG_KEY).ok()?.parse().ok()
}

/// Remembers the chosen language. Failing to store it (private mode, full storage) only
/// means the choice is not remembered, so the error is logged and otherwise ignored.
pub fn store_lang(lang: Lang) {
    if let Err(e) = LocalStorage::set(LANG_KEY, lang.tag()) {
        leptos::logging::warn!("cannot remember the language: {e}");
    }
}

/// The language to start in: the remembered choice, else Danish. The browser's own language
/// is not used: Samskab is a Danish municipality's service and speaks Danish unless asked not to.
pub fn initial_lang() -> Lang {
    stored_lang().unwrap_or_default()
}
