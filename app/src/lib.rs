//! Samskab's client: a Leptos app rendered in the browser (CSR), compiled to WebAssembly.
//!
//! Layout:
//! - [`app`]: the root component: the shell (header, navigation, status), routes, and the
//!   contexts every page can use.
//! - [`pages`]: one module per area of the app (Opgaver, Koordinering, Mit CV, Møder, Idéer,
//!   Kaffepulje) and the account pages (log in, invitation, Min konto).
//! - [`i18n`]: Danish and English texts as a typed catalog, and the current language.
//! - [`settings`]: small per-device settings in localStorage (the chosen language).
//! - [`open_catalog`]: the open task bank for visitors without an account, kept on the device.
//! - [`roster_contacts`]: names and phones of a task's signed-up volunteers, for its coordinators.
//! - [`organisations`]: the relay's list of organisations, kept on the device.
//! - [`session`]: who is signed in (remembered for offline use), log in and out.
//! - [`store`]: the documents in IndexedDB.
//! - [`sync_client`]: the shared sync hub driven over one WebSocket to the relay.
//! - [`time`]: local dates and times for forms.
//! - [`connectivity`]: whether the relay is reachable, which is what "online" means here.
//! - [`pwa`]: service worker registration, the "new version ready" flow, persistent storage.
//!

pub mod app;
pub mod connectivity;
pub mod i18n;
pub mod open_catalog;
pub mod organisations;
pub mod pages;
pub mod pwa;
pub mod roster_contacts;
pub mod session;
pub mod settings;
pub mod store;
pub mod sync_client;
pub mod time;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point, run by the JS glue once the wasm is instantiated: mounts the app into
/// `#app`, replacing the loading text that index.html shows until then.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    // Under wasm-bindgen-test there is no #app: the tests mount what they need themselves.
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return;
    };
    root.set_inner_html("");
    leptos::mount::mount_to(root.unchecked_into(), app::App).forget();
}
