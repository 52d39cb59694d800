//! Whether this device can reach the relay, which is what the app calls "online".
//!
//! `navigator.onLine` alone is not enough: a tablet on the club's Wi-Fi is "online" while the
//! relay is unreachable. So the app asks the relay (`GET /healthz`, never cached) and trusts
//! `navigator.onLine` only when it says *offline*. While offline it retries with growing
//! pauses (1, 2, 4, 8 s, with jitter), at once on the browser's `online` event and when the app
//! becomes visible; while online it checks again every 20 s. The sync client replaces the probe
//! with its WebSocket's state when it arrives.

use std::time::Duration;

use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCache, RequestInit, Response};

/// What the app knows about its connection to the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// The first check has not answered yet.
    Checking,
    Online,
    Offline,
}

impl Connection {
    /// A stable name for `data-state` attributes (tests and CSS use it).
    pub fn as_str(self) -> &'static str {
        match self {
            Connection::Checking => "checking",
            Connection::Online => "online",
            Connection::Offline => "offline",
        }
    }
}

const PROBE_URL: &str = "/healthz";
const PROBE_TIMEOUT_MS: u32 = 4_000;
const ONLINE_RECHECK: Duration = Duration::from_secs(20);
const OFFLINE_BACKOFF_MAX: Duration = Duration::from_secs(8);

/// Starts watching the connection and returns its state as a signal.
pub fn watch() -> ReadSignal<Connection> {
    let (state, set_state) = signal(Connection::Checking);
    let (wake_tx, wake_rx) = mpsc::unbounded::<()>();

    let wake = wake_tx.clone();
    let _ = window_event_listener(leptos::ev::online, move |_| {
        let _ = wake.unbounded_send(());
    });
    let _ = window_event_listener(leptos::ev::offline, move |_| {
        set_state.set(Connection::Offline)
    });
    let wake = wake_tx;
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            let _ = wake.unbounded_send(());
        }
    });

    spawn_local(probe_loop(set_state, wake_rx));
    state
}

async fn probe_loop(set_state: WriteSignal<Connection>, mut wake: mpsc::UnboundedReceiver<()>) {
    let mut failures: u32 = 0;
    loop {
        let online = probe().await;
        set_state.set(if online {
            Connection::Online
        } else {
            Connection::Offline
        });
        let pause = if online {
            failures = 0;
            ONLINE_RECHECK
        } else {
            failures = failures.saturating_add(1);
            backoff(failures)
        };
        let sleep = gloo_timers::future::sleep(pause).fuse();
        let woken = wake.next().fuse();
        futures::pin_mut!(sleep, woken);
        futures::select! {
            () = sleep => {}
            _ = woken => {}
        }
    }
}

/// The pause after `failures` failed probes in a row: doubling from 1 s up to 8 s, each with
/// up to 25 % random jitter so that a room full of tablets does not knock in step.
fn backoff(failures: u32) -> Duration {
    let base = Duration::from_secs(1u64 << failures.saturating_sub(1).min(3));
    let base = base.min(OFFLINE_BACKOFF_MAX);
    base.mul_f64(1.0 + js_sys::Math::random() * 0.25)
}

/// One request to the relay's health endpoint, given up after a few seconds.
async fn probe() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    if !window.navigator().on_line() {
        return false;
    }
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let _timeout = controller
        .map(|c| gloo_timers::callback::Timeout::new(PROBE_TIMEOUT_MS, move || c.abort()));
    match JsFuture::from(window.fetch_with_str_and_init(PROBE_URL, &init)).await {
        Ok(value) => value.dyn_into::<Response>().is_ok_and(|r| r.ok()),
        Err(_) => false,
    }
}
