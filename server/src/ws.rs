//! The WebSocket endpoint `/sync`: the automerge-repo handshake, then the connection's
//! messages to and from the [`SyncEngine`].
//!
//! Each connection is independent: a malformed, oversize or refused message closes that
//! connection with an `error` message and a close frame giving the reason, and the relay
//! carries on. The upgrade needs a valid session (cookie, bearer header or `token` query
//! parameter; 401 otherwise) and, from a browser, an `Origin` that is this relay's own (403).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};

use samskab_model::sync::{MAX_MESSAGE_BYTES, Message, PROTOCOL_VERSION, limits};
use tokio::sync::watch;
use tracing::Instrument;

use crate::AppState;
use crate::api::CurrentUser;
use crate::error::ApiError;
use crate::sync::{Client, Outbox, Outgoing, SyncEngine};

/// How long a new connection may take to send `join`.
const JOIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes (RFC 6455): 1001 going away, 1002 protocol error.
const GOING_AWAY: u16 = 1001;
const PROTOCOL_ERROR: u16 = 1002;
/// 1008: the relay ended the connection (the peer fell behind, or reconnected elsewhere).
const POLICY_VIOLATION: u16 = 1008;

pub async fn upgrade(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    signed_in: Result<CurrentUser, ApiError>,
    ws: WebSocketUpgrade,
) -> Response {
    // The origin first: a foreign page learns nothing, not even whether its cookie was valid.
    if !same_origin(&headers) {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), "refused a sync connection from a foreign origin");
        return (StatusCode::FORBIDDEN, "foreign origin").into_response();
    }
    let CurrentUser { user, token } = match signed_in {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let client = Client {
        principal: user.principal(),
        session: crate::accounts::session_hash(&token),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        last_contact: 0,
    };
    let engine = state.sync.clone();
    let shutdown = state.shutdown.clone();
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .read_buffer_size(limits::READ_BUFFER_BYTES)
        .on_upgrade(move |socket| connection(socket, engine, client, shutdown))
}

/// A browser always sends `Origin` on a WebSocket upgrade; it must name this host. Tools that
/// send none are let through (they will need a token once accounts exist).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    origin_host.eq_ignore_ascii_case(host)
}

async fn connection(
    socket: WebSocket,
    engine: SyncEngine,
    client: Client,
    shutdown: watch::Receiver<bool>,
) {
    let (mut sink, mut stream) = socket.split();

    let peer = match tokio::time::timeout(JOIN_TIMEOUT, stream.next()).await {
        Ok(Some(Ok(WsMessage::Binary(bytes)))) => match Message::decode(&bytes) {
            Ok(Message::Join {
                sender_id,
                supported_protocol_versions,
                ..
            }) => {
                if supported_protocol_versions
                    .iter()
                    .any(|v| v == PROTOCOL_VERSION)
                {
                    sender_id
                } else {
                    let reason = format!(
                        "unsupported protocol versions {supported_protocol_versions:?}; this relay speaks \"1\""
                    );
                    close(&mut sink, PROTOCOL_ERROR, &reason).await;
                    return;
                }
            }
            Ok(other) => {
                close(
                    &mut sink,
                    PROTOCOL_ERROR,
                    &format!("expected join, got {}", other.kind()),
                )
                .await;
                return;
            }
            Err(e) => {
                close(&mut sink, PROTOCOL_ERROR, &e.to_string()).await;
                return;
            }
        },
        Ok(Some(Ok(_))) => {
            close(
                &mut sink,
                PROTOCOL_ERROR,
                "expected a binary CBOR join message",
            )
            .await;
            return;
        }
        Ok(_) => return,
        Err(_) => {
            close(&mut sink, PROTOCOL_ERROR, "no join message within 10 s").await;
            return;
        }
    };

    let span = tracing::info_span!("connection", peer = %peer, user = %client.principal.person);
    serve_peer(peer, client, sink, stream, engine, shutdown)
        .instrument(span)
        .await;
}

/// The sync phase of a connection whose peer has joined.
async fn serve_peer(
    peer: samskab_model::sync::PeerId,
    client: Client,
    mut sink: futures_util::stream::SplitSink<WebSocket, WsMessage>,
    mut stream: futures_util::stream::SplitStream<WebSocket>,
    engine: SyncEngine,
    mut shutdown: watch::Receiver<bool>,
) {
    let (outbox, mut inbox) = Outbox::new();
    let meter = outbox.meter();
    let connection = match engine.connect(peer.clone(), client, outbox).await {
        Ok(connection) => connection,
        Err(reason) => {
            close(&mut sink, PROTOCOL_ERROR, &reason).await;
            return;
        }
    };
    let send_timeout = Duration::from_secs(limits::SEND_TIMEOUT_SECS);
    let budget = std::sync::Arc::new(tokio::sync::Semaphore::new(limits::INFLIGHT_MESSAGES));
    let welcome = Message::Peer {
        sender_id: engine.me().clone(),
        selected_protocol_version: PROTOCOL_VERSION.into(),
        target_id: peer.clone(),
        metadata: None,
    };
    if sink
        .send(WsMessage::Binary(welcome.encode().into()))
        .await
        .is_err()
    {
        engine.disconnect(peer, connection);
        return;
    }
    tracing::info!("peer joined");

    // Whether the peer has sent a batch: from then on it is sent batches too.
    let mut batches = false;
    'serve: loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(WsMessage::Binary(bytes))) => {
                    let decoded = Message::decode(&bytes);
                    batches |= matches!(decoded, Ok(Message::Batch { .. }));
                    match decoded.and_then(Message::unbatch) {
                        Ok(messages) => {
                            for message in messages {
                                // Backpressure: with this many of its messages waiting for the
                                // engine, the connection stops reading (TCP then slows the
                                // sender), so one fast client cannot queue unbounded work ahead
                                // of everyone else.
                                let Ok(permit) = budget.clone().acquire_owned().await else {
                                    break 'serve;
                                };
                                engine.receive(peer.clone(), connection, message, permit);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "malformed message; closing");
                            close(&mut sink, PROTOCOL_ERROR, &e.to_string()).await;
                            break;
                        }
                    }
                }
                Some(Ok(WsMessage::Text(_))) => {
                    close(&mut sink, PROTOCOL_ERROR, "messages are binary CBOR frames").await;
                    break;
                }
                Some(Ok(WsMessage::Close(_))) | None => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    // Oversize frames and broken streams end up here.
                    tracing::warn!(error = %e, "connection error; closing");
                    close(&mut sink, PROTOCOL_ERROR, &e.to_string()).await;
                    break;
                }
            },
            outgoing = inbox.recv() => {
                let (messages, then) = gather(outgoing, &mut inbox, batches);
                if !messages.is_empty() {
                    // A peer that does not read cannot hold this task forever.
                    let sent = tokio::time::timeout(send_timeout, write(&mut sink, &messages, batches)).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        tracing::warn!("cannot write to the peer in time; closing");
                        break;
                    }
                    for message in &messages {
                        crate::sync::written(&meter, message);
                    }
                }
                match then {
                    Then::More => {}
                    Then::Close(reason) => {
                        let _ = tokio::time::timeout(send_timeout, close(&mut sink, PROTOCOL_ERROR, &reason)).await;
                        break;
                    }
                    Then::Dropped => {
                        // The engine dropped this connection (it fell behind, or was replaced).
                        let _ = tokio::time::timeout(
                            send_timeout,
                            close(&mut sink, POLICY_VIOLATION, "the relay closed this connection; reconnect to sync"),
                        )
                        .await;
                        break;
                    }
                }
            },
            _ = shutdown.changed() => {
                close(&mut sink, GOING_AWAY, "the relay is restarting").await;
                break;
            }
        }
    }
    engine.disconnect(peer, connection);
    tracing::info!("peer left");
}

/// What follows the messages [`gather`] took from the outbox.
enum Then {
    /// Nothing yet: the connection goes on.
    More,
    /// The engine asked to close with this reason.
    Close(String),
    /// The engine dropped the connection.
    Dropped,
}

/// How many messages one write takes from the outbox at most, so that the connection goes
/// back to reading between writes.
const GATHER_MESSAGES: usize = 4 * samskab_model::sync::BATCH_MESSAGES;

/// The message just taken from the outbox and, for a peer that reads batches, every message
/// already waiting behind it (up to [`GATHER_MESSAGES`]), to go out in few frames.
fn gather(
    first: Option<Outgoing>,
    inbox: &mut tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
    batches: bool,
) -> (Vec<Message>, Then) {
    let mut messages = Vec::new();
    let mut next = first;
    loop {
        match next {
            Some(Outgoing::Message(message)) => messages.push(message),
            Some(Outgoing::Close(reason)) => return (messages, Then::Close(reason)),
            None => return (messages, Then::Dropped),
        }
        if !batches || messages.len() >= GATHER_MESSAGES {
            return (messages, Then::More);
        }
        next = match inbox.try_recv() {
            Ok(outgoing) => Some(outgoing),
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => return (messages, Then::More),
            Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => None,
        };
    }
}

/// Writes `messages` in order: in batches ([`samskab_model::sync::frames`]) to a peer that
/// reads them, else one frame each; flushed once.
async fn write<S>(sink: &mut S, messages: &[Message], batches: bool) -> Result<(), S::Error>
where
    S: futures_util::Sink<WsMessage> + Unpin,
{
    let frames = if batches {
        samskab_model::sync::frames(messages)
    } else {
        messages.iter().map(Message::encode).collect()
    };
    for frame in frames {
        sink.feed(WsMessage::Binary(frame.into())).await?;
    }
    sink.flush().await
}

/// Sends an `error` message with the reason, then a close frame with it (cut to the 123 bytes
/// a close frame allows). Errors sending are ignored: the peer may already be gone.
async fn close<S>(sink: &mut S, code: u16, reason: &str)
where
    S: futures_util::Sink<WsMessage> + Unpin,
{
    let error = Message::Error {
        message: reason.to_owned(),
    };
    let _ = sink.send(WsMessage::Binary(error.encode().into())).await;
    let mut cut = reason.to_owned();
    while cut.len() > 120 {
        cut.pop();
    }
    let _ = sink
        .send(WsMessage::Close(Some(CloseFrame {
            code,
            reason: cut.into(),
        })))
        .await;
}
