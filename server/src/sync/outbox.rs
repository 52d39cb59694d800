//! A connection's outgoing queue, bounded by bytes.

use std::sync::Arc;

use samskab_model::sync::{Message, limits};
use tokio::sync::mpsc;

/// A connection's queue of outgoing messages, bounded by their bytes: the engine adds each
/// message's weight when it queues it, the connection subtracts it once written. A reader that
/// lets more than [`limits::OUTBOX_BYTES`] pile up is disconnected rather than buffered (a
/// count of messages would either cut off an honest device that asked for thousands of small
/// documents at once, or let a slow reader hold thousands of large ones).
#[derive(Debug, Clone)]
pub struct Outbox {
    pub sender: mpsc::UnboundedSender<Outgoing>,
    pub queued: Arc<std::sync::atomic::AtomicUsize>,
}

impl Outbox {
    /// A new outbox and the receiving end for the connection.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Outgoing>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (
            Self {
                sender,
                queued: Arc::default(),
            },
            receiver,
        )
    }

    /// Queues a message; false (and nothing queued) if the outbox is over its bound.
    pub(super) fn push(&self, message: Message) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let weight = weight(&message);
        if self.queued.load(Relaxed) + weight > limits::OUTBOX_BYTES {
            return false;
        }
        self.queued.fetch_add(weight, Relaxed);
        self.sender.send(Outgoing::Message(message)).is_ok()
    }

    /// The byte count the connection lowers as it writes (see [`written`]). Only the count:
    /// a connection holding a sender of its own outbox would never see it close.
    pub fn meter(&self) -> Arc<std::sync::atomic::AtomicUsize> {
        self.queued.clone()
    }
}

/// The connection wrote `message` from an outbox whose [`Outbox::meter`] is `queued`.
pub fn written(queued: &std::sync::atomic::AtomicUsize, message: &Message) {
    queued.fetch_sub(weight(message), std::sync::atomic::Ordering::Relaxed);
}

/// About how many bytes a message takes on the wire (its payload plus a frame's worth).
pub fn weight(message: &Message) -> usize {
    match message {
        Message::Sync { data, .. } | Message::Request { data, .. } => data.len() + 128,
        Message::Catalog { documents, .. } => documents.len() * 100 + 128,
        _ => 256,
    }
}

/// What the engine sends a connection.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// Send an `error` message with this reason, then close.
    Close(String),
}
