//! Whether this device can reach the relay, which is what the app calls "online": the one
//! connection state the header shows.
//!
//! Two witnesses, combined by [`combine`]:
//! - the sync client's WebSocket ([`report_socket`]): a socket that is open is the best proof
//!   that the relay is there, so it means online, whatever else says;
//! - a probe, `GET /healthz` (never cached, its body read, given up after
//!   [`PROBE_TIMEOUT_MS`]): it speaks for a device with no sync socket (nobody signed in) and
//!   decides between "offline" and "still connecting" while the socket is not open.
//!
//! `navigator.onLine` is trusted only when it says *offline*: a tablet on the club's Wi-Fi is
//! "online" while the relay is unreachable. The probe runs at start, at once when an open
//! socket closes (so a dead relay shows as offline within a probe's time, not at the next
//! periodic check), on the browser's `online` event and when the app becomes visible; while
//! the relay is unreachable it retries after 1, 2, 4, 8 s (with jitter); while reachable and
//! the socket is not open, every 20 s; while the socket is open it does not run. When the relay
//! becomes reachable again the sync client reconnects at once instead of waiting out its
//! back-off (it registers what to do with [`on_relay_back`] and [`on_network_lost`], so this
//! module does not know the sync client).
//!
//! The state is kept in thread-locals rather than context: it is written from callbacks of the
//! browser (socket and window events, timers) that run outside any component.

use std::cell::{Cell, RefCell};
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
    /// Not known yet: the first check has not answered, or the relay answers and the sync
    /// socket is still opening.
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

/// The sync client's WebSocket, as it reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Socket {
    /// Created, the relay has not accepted it yet.
    Connecting,
    /// The relay accepted it (the WebSocket's `open`).
    Open,
    /// Closed or failed; the sync client will try again.
    Closed,
}

/// What the last probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// None has answered yet.
    Unknown,
    Reachable,
    Unreachable,
}

/// The one state the header shows. `socket` is `None` when no sync client runs (nobody signed
/// in, or it waits for the password after the session expired): the probe alone decides then.
pub fn combine(socket: Option<Socket>, probe: Probe) -> Connection {
    match (socket, probe) {
        (Some(Socket::Open), _) => Connection::Online,
        (_, Probe::Unreachable) => Connection::Offline,
        (None, Probe::Reachable) => Connection::Online,
        // The relay answers but sync is not connected (yet): not "online" until it is.
        (Some(_), Probe::Reachable) | (_, Probe::Unknown) => Connection::Checking,
    }
}

/// How long a probe may take, body included. `/healthz` answers in milliseconds; a network
/// that takes longer is no better than none for the header (an open socket still says
/// online at once).
pub const PROBE_TIMEOUT_MS: u32 = 3_000;
const PROBE_URL: &str = "/healthz";
const REACHABLE_RECHECK: Duration = Duration::from_secs(20);
const OFFLINE_BACKOFF_MAX: Duration = Duration::from_secs(8);

/// The two witnesses and where their combination goes.
struct Link {
    set_state: WriteSignal<Connection>,
    wake: mpsc::UnboundedSender<()>,
}

/// What the sync client asked to be told.
#[derive(Default)]
struct Hooks {
    relay_back: Option<Box<dyn Fn()>>,
    network_lost: Option<Box<dyn Fn()>>,
}

thread_local! {
    static SOCKET: Cell<Option<Socket>> = const { Cell::new(None) };
    static PROBE: Cell<Probe> = const { Cell::new(Probe::Unknown) };
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
    static SHOWN: Cell<Option<Connection>> = const { Cell::new(None) };
    static HOOKS: RefCell<Hooks> = RefCell::new(Hooks::default());
}

/// Runs `f` when the probe finds the relay again after it was not reachable (the sync client
/// reconnects at once instead of waiting out its back-off).
pub fn on_relay_back(f: impl Fn() + 'static) {
    HOOKS.with(|h| h.borrow_mut().relay_back = Some(Box::new(f)));
}

/// Runs `f` when the browser says the network is gone (the sync client closes its socket,
/// which may not notice for minutes).
pub fn on_network_lost(f: impl Fn() + 'static) {
    HOOKS.with(|h| h.borrow_mut().network_lost = Some(Box::new(f)));
}

/// Calls the hook `pick` chooses, if one is registered.
fn call_hook(pick: impl Fn(&Hooks) -> Option<&dyn Fn()>) {
    HOOKS.with(|h| {
        if let Some(f) = pick(&h.borrow()) {
            f();
        }
    });
}

/// Shows the combination of what the socket and the probe said last.
fn publish() {
    let state = combine(SOCKET.get(), PROBE.get());
    // Only changes are announced (the element is a live region).
    if SHOWN.replace(Some(state)) == Some(state) {
        return;
    }
    LINK.with(|l| {
        if let Some(link) = l.borrow().as_ref() {
            link.set_state.set(state);
        }
    });
}

fn wake_probe() {
    LINK.with(|l| {
        if let Some(link) = l.borrow().as_ref() {
            let _ = link.wake.unbounded_send(());
        }
    });
}

/// The sync client reports its socket here (`None`: it stopped and will not reconnect by
/// itself). An open socket that closes has the probe look at once.
pub fn report_socket(socket: Option<Socket>) {
    let was = SOCKET.replace(socket);
    if was == socket {
        return;
    }
    if was == Some(Socket::Open) {
        wake_probe();
    }
    publish();
}

/// Starts watching the connection and returns its state as a signal.
pub fn watch() -> ReadSignal<Connection> {
    let initial = combine(SOCKET.get(), PROBE.get());
    SHOWN.set(Some(initial));
    let (state, set_state) = signal(initial);
    let (wake_tx, wake_rx) = mpsc::unbounded::<()>();
    LINK.with(|l| {
        *l.borrow_mut() = Some(Link {
            set_state,
            wake: wake_tx,
        })
    });

    let _ = window_event_listener(leptos::ev::online, |_| wake_probe());
    let _ = window_event_listener(leptos::ev::offline, |_| {
        PROBE.set(Probe::Unreachable);
        // The socket may not notice for minutes; the browser knows there is no network.
        call_hook(|h| h.network_lost.as_deref());
        publish();
    });
    let _ = window_event_listener(leptos::ev::visibilitychange, |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            wake_probe();
        }
    });

    spawn_local(probe_loop(wake_rx));
    state
}

async fn probe_loop(mut wake: mpsc::UnboundedReceiver<()>) {
    let mut failures: u32 = 0;
    loop {
        let pause = if SOCKET.get() == Some(Socket::Open) {
            // The socket is the witness; the probe waits until it is needed.
            None
        } else {
            let reachable = probe().await;
            let was = PROBE.replace(if reachable {
                Probe::Reachable
            } else {
                Probe::Unreachable
            });
            publish();
            if reachable {
                failures = 0;
                if was != Probe::Reachable {
                    // Back: sync need not wait out its back-off.
                    call_hook(|h| h.relay_back.as_deref());
                }
                Some(REACHABLE_RECHECK)
            } else {
                failures = failures.saturating_add(1);
                Some(backoff(failures))
            }
        };
        match pause {
            Some(pause) => {
                let sleep = gloo_timers::future::sleep(pause).fuse();
                let woken = wake.next().fuse();
                futures::pin_mut!(sleep, woken);
                futures::select! {
                    () = sleep => {}
                    _ = woken => {}
                }
            }
            None => {
                if wake.next().await.is_none() {
                    return;
                }
            }
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

/// One request to the relay's health endpoint: reachable when it answers 2xx and its body
/// arrives within [`PROBE_TIMEOUT_MS`]. The body is read to the end so the request finishes
/// (an unread body keeps it, and its connection, open); the timeout aborts both the request
/// and the body, so a network that accepts connections and never answers costs one
/// connection for a few seconds.
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
    // Dropped (cancelled) when this function returns, after the body.
    let _timeout = controller
        .map(|c| gloo_timers::callback::Timeout::new(PROBE_TIMEOUT_MS, move || c.abort()));
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(PROBE_URL, &init)).await
    else {
        return false;
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return false;
    };
    let Ok(body) = response.text() else {
        return false;
    };
    let body = JsFuture::from(body).await;
    response.ok() && body.is_ok()
}
