//! A test device: the model's client hub driven over a real WebSocket to the relay, as the app
//! drives it. Shared by the sync and interop tests.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use samskab_model::DocumentId;
use samskab_model::sync::{Effect, Hub, Message, PeerId, Role};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const PATIENCE: Duration = Duration::from_secs(20);

/// A device: the model's client hub plus a WebSocket to the relay.
pub struct Device {
    pub hub: Hub,
    pub ws: Socket,
    pub relay: PeerId,
    /// Whether it sends `samskab-batch` frames, as the app does (else it is a stock client,
    /// which must never be sent one).
    pub batches: bool,
    /// Frames received, and how many of them were batches.
    pub frames: usize,
    pub batch_frames: usize,
    /// Messages of a batch not handled yet.
    unread: std::collections::VecDeque<Message>,
}

impl Device {
    pub async fn connect(url: &str, name: &str) -> Self {
        Self::reconnect(Hub::new(name.parse().unwrap(), Role::Client), url).await
    }

    /// A device that sends its messages in batches, as the app does.
    pub async fn connect_batching(url: &str, name: &str) -> Self {
        Self::reconnect_with(Hub::new(name.parse().unwrap(), Role::Client), url, true).await
    }

    /// Connects an existing hub (with its documents) to the relay.
    pub async fn reconnect(hub: Hub, url: &str) -> Self {
        Self::reconnect_with(hub, url, false).await
    }

    pub async fn reconnect_with(mut hub: Hub, url: &str, batches: bool) -> Self {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let join = Message::Join {
            sender_id: hub.me().clone(),
            supported_protocol_versions: vec!["1".into()],
            metadata: None,
        };
        ws.send(Ws::Binary(join.encode().into())).await.unwrap();
        let relay = match next_message(&mut ws).await {
            Some(Message::Peer { sender_id, .. }) => sender_id,
            other => panic!("expected peer, got {other:?}"),
        };
        let effects = hub.connect(relay.clone());
        let mut device = Self::joined(hub, ws, relay);
        device.batches = batches;
        device.send(effects).await;
        device
    }

    /// A stock device over a socket whose handshake is done.
    #[allow(dead_code)] // Not every test binary makes its own.
    pub fn joined(hub: Hub, ws: Socket, relay: PeerId) -> Self {
        Device {
            hub,
            ws,
            relay,
            batches: false,
            frames: 0,
            batch_frames: 0,
            unread: Default::default(),
        }
    }

    pub async fn send(&mut self, effects: Vec<Effect>) {
        let messages: Vec<Message> = effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Send(m) => Some(m),
                _ => None,
            })
            .collect();
        let frames = if self.batches {
            samskab_model::sync::frames(&messages)
        } else {
            messages.iter().map(Message::encode).collect()
        };
        for frame in frames {
            self.ws.send(Ws::Binary(frame.into())).await.unwrap();
        }
    }

    /// The next message from the relay (a batch's in turn); `None` when the connection closed.
    pub async fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(message) = self.unread.pop_front() {
                return Some(message);
            }
            let message = next_message(&mut self.ws).await?;
            self.frames += 1;
            if matches!(message, Message::Batch { .. }) {
                assert!(
                    self.batches,
                    "{}: a stock client was sent a batch",
                    self.hub.me()
                );
                self.batch_frames += 1;
            }
            self.unread.extend(message.unbatch().unwrap());
        }
    }

    /// Processes incoming messages until `done` holds (or fails after a while).
    pub async fn pump_until(&mut self, what: &str, done: impl Fn(&Hub) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(&self.hub) {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let message = tokio::time::timeout(remaining, self.next())
                .await
                .unwrap_or_else(|_| panic!("{}: timed out waiting for {what}", self.hub.me()))
                .unwrap_or_else(|| {
                    panic!("{}: connection closed waiting for {what}", self.hub.me())
                });
            let effects = self.hub.receive(&self.relay, message).unwrap();
            self.send(effects).await;
        }
    }

    pub async fn change(&mut self, doc: DocumentId, f: impl FnOnce(&mut automerge::Automerge)) {
        let ((), effects) = self.hub.change(doc, f);
        self.send(effects).await;
    }

    /// Waits for the relay's answer to a change of `doc` just sent: `None` when the relay
    /// acknowledged it (in sync), or the refusal's code.
    pub async fn verdict(&mut self, doc: DocumentId) -> Option<String> {
        let relay = self.relay.clone();
        loop {
            if self.hub.in_sync_with(&relay, &doc) {
                return None;
            }
            let message = tokio::time::timeout(PATIENCE, self.next())
                .await
                .expect("an answer in time")
                .expect("the connection stays open");
            if let Message::ChangeRefused {
                document_id, code, ..
            } = &message
                && *document_id == doc
            {
                return Some(code.clone());
            }
            let effects = self.hub.receive(&relay, message).unwrap();
            self.send(effects).await;
        }
    }

    /// Processes messages until the relay's catalog comes (from then on the relay counts this
    /// device as following it); returns the documents it lists. The catalog itself is not
    /// given to the hub, which would ask for every document listed: being listed reveals no
    /// content (and writes no audit entry), receiving a document does.
    pub async fn catalogued(&mut self) -> Vec<DocumentId> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.next())
                .await
                .expect("the catalog in time")
                .expect("the connection stays open");
            if let Message::Catalog { documents, .. } = &message {
                return documents.iter().map(|e| e.document_id).collect();
            }
            let effects = self.hub.receive(&self.relay, message).unwrap();
            self.send(effects).await;
        }
    }

    pub async fn acknowledged(&mut self, doc: DocumentId) {
        let relay = self.relay.clone();
        self.pump_until("the relay's acknowledgement", |hub| {
            hub.in_sync_with(&relay, &doc)
        })
        .await;
    }
}

pub async fn next_message(ws: &mut Socket) -> Option<Message> {
    loop {
        match ws.next().await? {
            Ok(Ws::Binary(bytes)) => return Some(Message::decode(&bytes).unwrap()),
            Ok(Ws::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Whether a fresh device of the user behind `token` can read `id`, asked twice: is it in the
/// catalog, and does an explicit request get it (or `doc-unavailable`)? Both must agree.
pub async fn can_read(relay: &super::Relay, token: &str, id: DocumentId, name: &str) -> bool {
    let mut device = Device::connect(&relay.ws_url_as(token), name).await;
    let listed = device.catalogued().await.contains(&id);
    // A device that never listed it asks for it outright.
    let mut asking = Device::connect(&relay.ws_url_as(token), &format!("{name}-asks")).await;
    let effects = asking.hub.request(id);
    asking.send(effects).await;
    let requested = loop {
        if !asking.hub.heads(&id).is_empty() {
            break true;
        }
        let message = tokio::time::timeout(PATIENCE, asking.next())
            .await
            .unwrap()
            .unwrap();
        if matches!(&message, Message::DocUnavailable { document_id, .. } if *document_id == id) {
            break false;
        }
        let effects = asking.hub.receive(&asking.relay, message).unwrap();
        asking.send(effects).await;
    };
    assert_eq!(listed, requested, "{name}: catalog and request disagree");
    requested
}

/// A fresh device of `token`'s user with document `id` synced, and the document.
pub async fn open<T: autosurgeon::Hydrate>(
    relay: &super::Relay,
    token: &str,
    id: DocumentId,
    name: &str,
) -> (Device, T) {
    let mut device = Device::connect(&relay.ws_url_as(token), name).await;
    let effects = device.hub.request(id);
    device.send(effects).await;
    device
        .pump_until("the document", |hub| !hub.heads(&id).is_empty())
        .await;
    let doc: T = autosurgeon::hydrate(device.hub.document(&id).unwrap()).unwrap();
    (device, doc)
}
