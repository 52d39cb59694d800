//! The automerge-repo sync protocol (version "1"), sans-IO, shared by the client and the relay.
//!
//! - [`message`]: the wire messages and their CBOR codec.
//! - [`hub`]: documents plus per-peer, per-document sync state; events in, effects out.
//! - [`limits`]: the relay's bounds on changes, documents and connections.
//!
//! The handshake (`join` / `peer`) is a connection's business and lives with each driver;
//! everything after it goes through a [`Hub`]. See `docs/protocol.md`.

pub mod hub;
pub mod limits;
pub mod message;

pub use hub::{Effect, Hub, MERGE_HEADS_AT, Parked, ReadPolicy, Role, SyncError};
pub use message::{
    BATCH_BYTES, BATCH_MESSAGES, CatalogEntry, DecodeError, FINGERPRINT_BYTES, MAX_MESSAGE_BYTES,
    Message, PROTOCOL_VERSION, PeerId, PeerMetadata, catalog_digest, fingerprint, frames,
};
