//! The relay's bounds on what one peer may send and hold, in one place (listed in
//! `docs/protocol.md`, "Limits"). Each is enforced by the relay; a client that stays within
//! them is never refused for size. Memory per connection is bounded by the outbox and the
//! parked changes; per document by its kind's byte limit; per unknown id there is none (the
//! relay keeps no state for an id it has no content for).

pub use super::message::MAX_MESSAGE_BYTES as MESSAGE_BYTES;

/// Bytes of one change, or of one whole-document chunk, in a sync message.
pub const CHANGE_BYTES: usize = 512 * 1024;
/// Operations in one change.
pub const CHANGE_OPS: usize = 20_000;
/// Bytes the relay keeps of one task document (its saved changes, compressed).
pub const TASK_BYTES: usize = 2 * 1024 * 1024;
/// Bytes the relay keeps of one profile document.
pub const PROFILE_BYTES: usize = 512 * 1024;
/// Changes a connection may have parked (waiting for dependencies the relay lacks), over all
/// documents; past this, or past [`PARKED_BYTES`], the connection is closed.
pub const PARKED_CHANGES: usize = 256;
/// Bytes of parked changes per connection.
pub const PARKED_BYTES: usize = 2 * 1024 * 1024;
/// Bytes of messages waiting to be written to one connection. A reader that falls this far
/// behind is disconnected rather than buffered (it reconnects and resyncs). Bytes, not a count:
/// an honest new device that asks for 15,000 small documents at once gets 15,000 answers.
pub const OUTBOX_BYTES: usize = 16 * 1024 * 1024;
/// Messages of one connection that may wait for the relay's engine; past this the relay reads
/// no more from that connection until the engine catches up (the sender is slowed by TCP).
pub const INFLIGHT_MESSAGES: usize = 64;
/// How long writing one message to a connection may take before the connection is dropped.
pub const SEND_TIMEOUT_SECS: u64 = 30;
/// The WebSocket read buffer per connection (tungstenite's default is 128 KiB, most of an
/// idle connection's memory). It is the size of one read from the socket, not a limit on a
/// message (those are assembled beyond it). 10,000 idle connections (`cargo xtask bench
/// storm`): 27.0 KB each with 16 KiB, 14.8 KB with 4 KiB.
pub const READ_BUFFER_BYTES: usize = 4 * 1024;
