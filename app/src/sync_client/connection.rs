//! The one WebSocket to the relay: opening it (`join`), handing its frames to the driver's
//! queue, giving up a handshake the relay does not answer, and reconnecting.
//!
//! A closed connection is retried after 1, 2, 4 ... 30 s with jitter, at once on the browser's
//! `online` event, when the app becomes visible, and when the connectivity probe finds the
//! relay again. A socket the relay has not answered within [`HANDSHAKE_TIMEOUT_MS`] is given
//! up (a network that accepts connections and never answers would otherwise hold it
//! "connecting" forever).

use std::rc::Rc;

use leptos::prelude::*;
use samskab_model::DocumentId;
use samskab_model::sync::{Message, PeerId};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use super::client::{Client, Incoming};
use crate::connectivity::{self, Socket};

/// How long a new sync connection may take until the relay's `peer` message.
pub const HANDSHAKE_TIMEOUT_MS: u32 = 10_000;

/// Reconnects when the browser says the network or the app is back, and lets the
/// connectivity probe reconnect or drop the socket. These are callbacks from the browser and
/// the probe, outside any component: they hold the client itself.
pub(super) fn watch_the_browser(client: &Rc<Client>) {
    let c = client.clone();
    let _ = window_event_listener(leptos::ev::online, move |_| reconnect_now(&c));
    let c = client.clone();
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            reconnect_now(&c);
        }
    });
    let c = client.clone();
    connectivity::on_relay_back(move || reconnect_now(&c));
    let c = client.clone();
    connectivity::on_network_lost(move || drop_connection(&c));
}

#[allow(clippy::panic)]
/// A fresh peer id for this device's connection. The relay binds a peer id to the account that
/// first used it, so a new one is made at every start and after every logout (the next person
/// on a shared tablet must not arrive under the previous one's id).
pub(super) fn new_peer_id() -> PeerId {
    format!("samskab-app-{}", &DocumentId::random().to_string()[..12])
        .parse()
        .unwrap_or_else(|_| unreachable_peer())
}

fn unreachable_peer() -> PeerId {
    // "samskab-app-" and 12 base58 characters are always a valid peer id.
    panic!("invalid generated peer id")
}

fn sync_url() -> String {
    let location = window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}/sync", location.host().unwrap_or_default())
}

/// Whether the relay answers that this device has no valid session (not merely unreachable).
/// A relay that does not answer within a few seconds has not said so: this runs between a
/// failed connection and the next attempt, which must not wait on a network that never answers.
pub(super) async fn session_expired() -> bool {
    use futures::FutureExt;
    let answer = crate::session::me().fuse();
    let give_up = gloo_timers::future::sleep(std::time::Duration::from_millis(u64::from(
        connectivity::PROBE_TIMEOUT_MS,
    )))
    .fuse();
    futures::pin_mut!(answer, give_up);
    futures::select! {
        me = answer => matches!(me, Ok(None)),
        () = give_up => false,
    }
}

/// Opens a socket unless one is open or the client is stopped.
pub(super) fn connect(client: &Rc<Client>) {
    if client.ws.borrow().is_some() || client.stopped.get() {
        return;
    }
    let Ok(ws) = WebSocket::new(&sync_url()) else {
        schedule_reconnect(client);
        return;
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let generation = client.generation.get().wrapping_add(1);
    client.generation.set(generation);
    let me = client.hub.borrow().me().clone();
    let on_open = {
        let ws = ws.clone();
        let opened = client.clone();
        Closure::<dyn FnMut()>::new(move || {
            connectivity::report_socket(Some(Socket::Open));
            opened.connected_at.set(Some(crate::time::now()));
            let join = Message::Join {
                sender_id: me.clone(),
                supported_protocol_versions: vec!["1".into()],
                metadata: None,
            };
            let _ = ws.send_with_u8_array(&join.encode());
        })
    };
    let tx = client.incoming.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Ok(buffer) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
            let _ = tx.unbounded_send(Incoming::Frame(js_sys::Uint8Array::new(&buffer).to_vec()));
        }
    });
    let tx = client.incoming.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || {
        // The header hears of it at once, not after the frames still queued.
        connectivity::report_socket(Some(Socket::Closed));
        let _ = tx.unbounded_send(Incoming::Closed);
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket owns its handlers for its whole life; a new socket gets new ones.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    *client.ws.borrow_mut() = Some(ws);
    connectivity::report_socket(Some(Socket::Connecting));
    // Until the relay's `peer` arrives the device is not syncing; give the attempt up if it
    // does not come (its close is handled like any other).
    let waiting = client.clone();
    gloo_timers::callback::Timeout::new(HANDSHAKE_TIMEOUT_MS, move || {
        if waiting.generation.get() == generation
            && waiting.relay.borrow().is_none()
            && let Some(ws) = waiting.ws.borrow().as_ref()
        {
            leptos::logging::warn!("the relay did not answer the sync connection in time");
            let _ = ws.close();
        }
    })
    .forget();
}

/// Tries again after a back-off that doubles with each failed attempt (1 s up to 30 s), with
/// jitter so that devices do not return all at once after an outage.
pub(super) fn schedule_reconnect(client: &Rc<Client>) {
    let attempt = client.attempts.get().saturating_add(1);
    client.attempts.set(attempt);
    let base = 1000u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(5))
        .min(30_000);
    let delay = (f64::from(base) * (1.0 + js_sys::Math::random() * 0.3)) as u32;
    let client = client.clone();
    gloo_timers::callback::Timeout::new(delay, move || connect(&client)).forget();
}

/// Connects at once if not connected (and not stopped), without waiting out the back-off.
fn reconnect_now(client: &Rc<Client>) {
    client.attempts.set(0);
    connect(client);
}

/// Closes the connection (the browser says there is no network, so it is dead even if the
/// socket has not noticed); it is retried as after any close.
fn drop_connection(client: &Rc<Client>) {
    if let Some(ws) = client.ws.borrow().as_ref() {
        let _ = ws.close();
    }
}

/// Closes the socket after a protocol error; it is retried as after any close.
pub(super) fn close(client: &Rc<Client>) {
    drop_connection(client);
}
