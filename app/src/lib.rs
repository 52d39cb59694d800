//! Samskab's client: a Leptos app rendered in the browser (CSR), compiled to WebAssembly.
//!
//! Layout, from the top down (a module uses only those below it; the shell wires them):
//! - [`app`]: the root component: the shell (header, navigation, status), routes, and the
//!   contexts every page can use (the language, the [`session::Session`], and for a signed-in
//!   device the [`sync_client::SyncClient`] and the organisations).
//! - [`pages`]: one module per area of the app (Opgaver, Koordinering, Mit CV, CV-banken, Møder,
//!   Idéer, Kaffepulje) and the account pages (log in, invitation, Min konto). An area with
//!   several screens is a folder.
//! - [`components`]: widgets several pages share (badges, the CV card, focus, the title).
//! - [`sign_out`]: logging out, and deleting what the user left on the device.
//! - [`sync_client`]: the shared sync hub driven over one WebSocket to the relay, and typed
//!   access to the documents by kind.
//! - [`session`]: who is signed in (remembered for offline use, read once into context), and
//!   the relay's account API.
//! - [`open_catalog`]: the open task bank for visitors without an account, kept on the device.
//! - [`roster_contacts`]: names and phones of a task's signed-up volunteers, for its coordinators.
//! - [`organisations`]: the relay's list of organisations, kept on the device.
//! - [`connectivity`]: whether the relay is reachable, which is what "online" means here.
//! - [`store`]: the documents in IndexedDB.
//! - [`i18n`]: Danish and English texts as a typed catalog (one file per area), and the
//!   current language.
//! - [`settings`]: small per-device settings in localStorage (the language, the organisation
//!   last chosen).
//! - [`time`]: local dates and times for forms.
//! - [`towns`]: the municipality's towns, as the relay is configured with them.
//! - [`pwa`]: service worker registration, the "new version ready" flow, persistent storage.
//!

pub mod app;
pub mod components;
pub mod connectivity;
pub mod i18n;
pub mod open_catalog;
pub mod organisations;
pub mod pages;
pub mod pwa;
pub mod roster_contacts;
pub mod session;
pub mod settings;
pub mod sign_out;
pub mod store;
pub mod sync_client;
pub mod time;
pub mod towns;

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
    components::focus::keep_focus_across_renders();
    leptos::mount::mount_to(root.unchecked_into(), app::App).forget();
}
