//! The installable-app side of the client: registers the service worker (`/sw.js`, written by
//! `cargo xtask dist` with the precache list), tells the UI when a new version is waiting, and
//! asks the browser to keep this origin's storage ("persistent storage"), since the documents
//! on the device may hold changes not yet on the relay.
//!
//! The update flow: a new `sw.js` installs in the background and waits. The app shows
//! "Ny version klar - genindlæs"; a tap posts `skip-waiting` to the waiting worker, which
//! activates and takes control; on `controllerchange` the page reloads into the new version.
//! Nothing reloads unless the user asked for it, so no half-typed form is lost. The worker
//! answers navigations from its cache and looks for a new version at the same time, so the new
//! one may already be installing (or waiting) when the app registers: both are watched.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    // The browser's registration object is not Send, so it lives here rather than in a signal.
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
}

/// On a signed-in device: asks the service worker to keep every area's code (the sync engine
/// and the areas loaded on demand) for offline use, once it is active. A visitor without an
/// account is not asked to download them (see `public/sw.js`).
pub fn keep_areas() {
    spawn_local(async {
        if let Some(worker) = active_worker().await {
            let _ = worker.post_message(&"keep-areas".into());
        }
    });
}

/// The active service worker, once there is one (`navigator.serviceWorker.ready`).
async fn active_worker() -> Option<web_sys::ServiceWorker> {
    let ready = window().navigator().service_worker().ready().ok()?;
    JsFuture::from(ready)
        .await
        .and_then(|r| r.dyn_into::<ServiceWorkerRegistration>())
        .ok()?
        .active()
}

/// Registers the service worker and returns a signal that turns true when an update waits.
pub fn register() -> ReadSignal<bool> {
    let (update_ready, set_update_ready) = signal(false);
    spawn_local(async move {
        if let Err(e) = register_worker(set_update_ready).await {
            leptos::logging::warn!("service worker not registered: {e:?}");
        }
        request_persistent_storage().await;
    });
    update_ready
}

async fn register_worker(set_update_ready: WriteSignal<bool>) -> Result<(), wasm_bindgen::JsValue> {
    let container = window().navigator().service_worker();
    let registration: ServiceWorkerRegistration = JsFuture::from(container.register("/sw.js"))
        .await?
        .dyn_into()?;

    // A worker already waiting from an earlier visit.
    if registration.waiting().is_some() && container.controller().is_some() {
        set_update_ready.set(true);
    }
    // A worker installing already: the service worker looks for a new version as it answers
    // the navigation from its cache, so the update is often found before this code runs.
    if let Some(installing) = registration.installing() {
        watch_install(&installing, set_update_ready);
    }
    // A worker that starts installing while the app is open.
    let reg = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        if let Some(installing) = reg.installing() {
            watch_install(&installing, set_update_ready);
        }
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();

    // Look for a new version whenever the app comes back to the foreground.
    let reg = registration.clone();
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            let _ = reg.update();
        }
    });

    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    spawn_local(claim_if_uncontrolled());
    Ok(())
}

/// Once a worker is active, asks it to control this page if it does not yet (see "claim" in
/// `public/sw.js`): a page whose navigation began before the first worker activated is
/// otherwise left uncontrolled, and would not open offline from this visit's cache.
async fn claim_if_uncontrolled() {
    if let Some(worker) = active_worker().await
        && window().navigator().service_worker().controller().is_none()
    {
        let _ = worker.post_message(&"claim".into());
    }
}

/// Announces the update once `worker` has installed and waits (unless it is the first worker
/// of this origin, which takes over by itself and is no update).
fn watch_install(worker: &web_sys::ServiceWorker, set_update_ready: WriteSignal<bool>) {
    let watched = worker.clone();
    let on_state = Closure::<dyn FnMut()>::new(move || {
        let has_controller = window().navigator().service_worker().controller().is_some();
        if watched.state() == ServiceWorkerState::Installed && has_controller {
            set_update_ready.set(true);
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
    // It may have installed between being found and this handler.
    if worker.state() == ServiceWorkerState::Installed
        && window().navigator().service_worker().controller().is_some()
    {
        set_update_ready.set(true);
    }
}

/// Activates the waiting version and reloads into it. Called when the user taps the banner.
pub fn activate_update() {
    let container = window().navigator().service_worker();
    let reload = Closure::<dyn FnMut()>::new(|| {
        let _ = window().location().reload();
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    match waiting {
        Some(worker) => {
            if let Err(e) = worker.post_message(&"skip-waiting".into()) {
                leptos::logging::warn!("cannot activate the new version: {e:?}");
            }
        }
        // The worker activated meanwhile (another tab took it): reloading is all that is left.
        None => {
            let _ = window().location().reload();
        }
    }
}

async fn request_persistent_storage() {
    let Ok(storage) = js_sys::Reflect::get(&window().navigator(), &"storage".into()) else {
        return;
    };
    if storage.is_undefined() {
        return;
    }
    let storage: web_sys::StorageManager = storage.unchecked_into();
    match storage.persist() {
        Ok(promise) => match JsFuture::from(promise).await {
            Ok(granted) => leptos::logging::log!("persistent storage: {}", granted.is_truthy()),
            Err(e) => leptos::logging::warn!("persistent storage refused: {e:?}"),
        },
        Err(e) => leptos::logging::warn!("persistent storage unavailable: {e:?}"),
    }
}
