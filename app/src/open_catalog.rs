//! The open task bank on a device without an account: the relay's public catalog
//! (`GET /api/public/tasks`, see `model::public_task`), kept in localStorage so that a visitor
//! who opened Samskab once can browse the tasks offline too.
//!
//! The catalog holds no personal data (titles, places, how many places are taken, never
//! who), so keeping it on a shared device is harmless. It is fetched at start with the
//! remembered `ETag` (an unchanged catalog costs a 304 and no body), again when the browser
//! comes back online or the app becomes visible, and at most once a minute otherwise.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::public_task::{PublicCatalog, PublicTask};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// The localStorage key of the catalog's JSON, and of its entity tag.
pub const KEY: &str = "samskab.open-tasks";
const ETAG_KEY: &str = "samskab.open-tasks.etag";

/// How often the catalog is asked for again while the app stays open and visible (ms).
const REFRESH_MS: u32 = 60_000;

/// The catalog as context.
#[derive(Debug, Clone, Copy)]
pub struct OpenCatalog {
    pub tasks: RwSignal<Vec<PublicTask>>,
    /// The relay has answered (or the device had a copy): an empty list then means there
    /// are no tasks, not that they have not arrived.
    pub loaded: RwSignal<bool>,
    /// The last attempt to ask the relay failed (offline, relay down).
    pub unreachable: RwSignal<bool>,
}

impl OpenCatalog {
    /// The remembered catalog at once, the relay's as soon as it answers.
    pub fn start() -> Self {
        let stored: Option<PublicCatalog> = LocalStorage::get::<String>(KEY)
            .ok()
            .and_then(|json| serde_json::from_str(&json).ok());
        let catalog = OpenCatalog {
            loaded: RwSignal::new(stored.is_some()),
            unreachable: RwSignal::new(false),
            tasks: RwSignal::new(stored.map(|c| c.tasks).unwrap_or_default()),
        };
        catalog.refresh();
        if let Some(window) = web_sys::window() {
            // Until the visitor signs in (the app then starts again without it, see
            // `app::Entered`, and its signals are gone) or the page goes.
            let again = Closure::<dyn Fn()>::new(move || {
                if !catalog.tasks.is_disposed() {
                    catalog.refresh();
                }
            });
            let f = again.as_ref().unchecked_ref();
            let _ = window.add_event_listener_with_callback("online", f);
            let _ =
                window.set_interval_with_callback_and_timeout_and_arguments_0(f, REFRESH_MS as i32);
            if let Some(doc) = window.document() {
                let _ = doc.add_event_listener_with_callback("visibilitychange", f);
            }
            again.forget();
        }
        catalog
    }

    /// Asks the relay again (skipped while the page is hidden).
    pub fn refresh(self) {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden {
            return;
        }
        leptos::task::spawn_local(async move {
            match fetch().await {
                Fetched::Fresh(catalog, json, etag) => {
                    // Not remembering it (storage full) only costs the offline copy.
                    let _ = LocalStorage::set(KEY, json);
                    match etag {
                        Some(tag) => {
                            let _ = LocalStorage::set(ETAG_KEY, tag);
                        }
                        None => LocalStorage::delete(ETAG_KEY),
                    }
                    self.tasks.set(catalog.tasks);
                    self.loaded.set(true);
                    self.unreachable.set(false);
                }
                Fetched::Unchanged => {
                    self.loaded.set(true);
                    self.unreachable.set(false);
                }
                Fetched::Failed => self.unreachable.set(true),
            }
        });
    }

    /// The task with this id (reactive).
    pub fn task(&self, id: &samskab_model::DocumentId) -> Option<PublicTask> {
        self.tasks
            .with(|tasks| tasks.iter().find(|t| &t.id == id).cloned())
    }
}

enum Fetched {
    Fresh(PublicCatalog, String, Option<String>),
    Unchanged,
    Failed,
}

async fn fetch() -> Fetched {
    let init = RequestInit::new();
    init.set_method("GET");
    let Ok(request) = Request::new_with_str_and_init("/api/public/tasks", &init) else {
        return Fetched::Failed;
    };
    let have_copy = LocalStorage::get::<String>(KEY).is_ok();
    if have_copy && let Ok(tag) = LocalStorage::get::<String>(ETAG_KEY) {
        let _ = request.headers().set("if-none-match", &tag);
    }
    let Some(window) = web_sys::window() else {
        return Fetched::Failed;
    };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else {
        return Fetched::Failed;
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return Fetched::Failed;
    };
    match response.status() {
        304 => return Fetched::Unchanged,
        200 => {}
        _ => return Fetched::Failed,
    }
    let etag = response.headers().get("etag").ok().flatten();
    let Ok(text) = response.text() else {
        return Fetched::Failed;
    };
    let Some(json) = JsFuture::from(text).await.ok().and_then(|t| t.as_string()) else {
        return Fetched::Failed;
    };
    match serde_json::from_str::<PublicCatalog>(&json) {
        Ok(catalog) => Fetched::Fresh(catalog, json, etag),
        Err(e) => {
            leptos::logging::warn!("the open task catalog does not parse: {e}");
            Fetched::Failed
        }
    }
}
