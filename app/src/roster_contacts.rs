//! The name and phone behind each sign-up on a task, for its coordinators
//! (`GET /api/tasks/<id>/contacts`, see `model::roster_contact`).
//!
//! Asked for whenever a coordinator opens the task's page with a connection, and kept in
//! localStorage per task so the roster still has names at the club house without a network.
//! This is personal data: logging out deletes it with the rest of the user's data.

use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::DocumentId;
use samskab_model::roster_contact::RosterContacts;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// The localStorage key: task id -> its contacts as last heard.
pub const KEY: &str = "samskab.roster-contacts";

fn remembered() -> BTreeMap<String, RosterContacts> {
    LocalStorage::get(KEY).unwrap_or_default()
}

/// The contacts of `task`'s roster: the remembered ones at once, the relay's when it answers.
pub fn of(task: DocumentId) -> ReadSignal<RosterContacts> {
    let (read, write) = signal(remembered().remove(&task.to_string()).unwrap_or_default());
    leptos::task::spawn_local(async move {
        if let Some(fresh) = fetch(task).await {
            let mut all = remembered();
            all.insert(task.to_string(), fresh.clone());
            // Not remembering them (storage full) only costs the offline copy.
            let _ = LocalStorage::set(KEY, &all);
            write.set(fresh);
        }
    });
    read
}

async fn fetch(task: DocumentId) -> Option<RosterContacts> {
    let window = web_sys::window()?;
    let response: Response =
        JsFuture::from(window.fetch_with_str(&format!("/api/tasks/{task}/contacts")))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    if response.status() != 200 {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&text).ok()
}
