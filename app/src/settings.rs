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

/// The localStorage key of the random volunteer id a device had before accounts existed;
/// still deleted at logout, where older versions may have left it.
pub const PERSON_KEY: &str = "samskab.person";

/// The localStorage key of the organisation last chosen (see [`coordinated_org`]).
pub const ORG_KEY: &str = "samskab.org";

/// The organisation last chosen on Koordinering or in the task form, for someone who runs
/// several (staff, admins, a coordinator of more than one). It only preselects a visible
/// choice; it grants nothing, and a coordinator of one organisation never needs it.
pub fn coordinated_org() -> Option<samskab_model::OrganisationId> {
    LocalStorage::get::<String>(ORG_KEY)
        .ok()
        .and_then(|s| s.parse().ok())
}

pub fn set_coordinated_org(org: Option<&samskab_model::OrganisationId>) {
    match org {
        Some(org) => {
            let _ = LocalStorage::set(ORG_KEY, org.as_str());
        }
        None => LocalStorage::delete(ORG_KEY),
    }
}
