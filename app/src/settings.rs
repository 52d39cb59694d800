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

/// The localStorage key of this device's volunteer id.
pub const PERSON_KEY: &str = "samskab.person";

/// Who signs up from this device. Until accounts exist (the accounts work binds it to a
/// signed-in user) each device is one volunteer with a random id, kept in localStorage.
pub fn person_id() -> samskab_model::PersonId {
    if let Some(user) = crate::session::current() {
        return user.id;
    }
    if let Some(id) = LocalStorage::get::<String>(PERSON_KEY)
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return id;
    }
    let random = samskab_model::DocumentId::random()
        .to_string()
        .to_ascii_lowercase();
    let id: samskab_model::PersonId = format!("frivillig-{}", &random[..10])
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| fallback_person());
    let _ = LocalStorage::set(PERSON_KEY, id.as_str());
    id
}

fn fallback_person() -> samskab_model::PersonId {
    // "frivillig" is a valid id; reached only if the random part were somehow empty.
    #[allow(clippy::expect_used)]
    "frivillig".parse().expect("a valid literal id")
}

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
