//! The messages of the automerge-repo WebSocket protocol, version "1", and their CBOR codec.
//!
//! Field names and message types are automerge-repo's, so a stock JavaScript client and this
//! code understand each other. Types this code does not know decode as [`Message::Unknown`]
//! and are ignored, as the protocol asks; unknown fields are ignored too. Samskab's own
//! extensions are documented in `docs/protocol.md`.

use std::fmt;

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::ids::DocumentId;

/// The only protocol version there is.
pub const PROTOCOL_VERSION: &str = "1";

/// The largest message accepted, encoded. A sync message carrying a whole large document can
/// be big; anything larger than this is refused before it is decoded.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;

/// A peer's id: an opaque string chosen by the peer for the lifetime of a connection. The
/// relay binds it to the authenticated user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PeerId(String);

impl PeerId {
    pub const MAX_LEN: usize = 128;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PeerId {
    type Error = DecodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.is_empty() || s.len() > Self::MAX_LEN || s.chars().any(char::is_control) {
            return Err(DecodeError::BadPeerId);
        }
        Ok(Self(s))
    }
}

impl std::str::FromStr for PeerId {
    type Err = DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

impl From<PeerId> for String {
    fn from(id: PeerId) -> String {
        id.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Metadata a peer may send in `join` and `peer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<String>,
    #[serde(default)]
    pub is_ephemeral: bool,
}

/// A protocol message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Message {
    /// Client -> relay, first message: who I am and which versions I speak.
    #[serde(rename = "join", rename_all = "camelCase")]
    Join {
        sender_id: PeerId,
        supported_protocol_versions: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<PeerMetadata>,
    },
    /// Relay -> client, the answer to `join`.
    #[serde(rename = "peer", rename_all = "camelCase")]
    Peer {
        sender_id: PeerId,
        selected_protocol_version: String,
        target_id: PeerId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metadata: Option<PeerMetadata>,
    },
    #[serde(rename = "leave", rename_all = "camelCase")]
    Leave { sender_id: PeerId },
    /// Like `sync`, but the sender would like `doc-unavailable` if the target lacks the document.
    #[serde(rename = "request", rename_all = "camelCase")]
    Request {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    /// An automerge sync message about one document.
    #[serde(rename = "sync", rename_all = "camelCase")]
    Sync {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    /// The sender does not have the document (or may not share it: the answer is the same).
    #[serde(rename = "doc-unavailable", rename_all = "camelCase")]
    DocUnavailable {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
    },
    #[serde(rename = "ephemeral", rename_all = "camelCase")]
    Ephemeral {
        sender_id: PeerId,
        target_id: PeerId,
        count: u64,
        session_id: String,
        document_id: DocumentId,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    /// Samskab extension, client -> relay, right after the handshake: the documents this
    /// device holds and their heads. The relay answers with [`Message::Catalog`] and, from
    /// then on, pushes this peer every new document it may read.
    #[serde(rename = "samskab-catalog-request", rename_all = "camelCase")]
    CatalogRequest {
        sender_id: PeerId,
        target_id: PeerId,
        have: Vec<CatalogEntry>,
        /// Instead of `have`: the [`catalog_digest`] of everything the device holds. The relay
        /// answers with its own digest and nothing else; equal digests mean all is in sync.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<serde_bytes::ByteBuf>,
        /// Instead of `have`, after the digests differed: the [`fingerprint`] of every document
        /// the device holds, 8 bytes each, concatenated.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprints: Option<serde_bytes::ByteBuf>,
    },
    /// Samskab extension, relay -> client: every document the peer may read, with the relay's
    /// heads. The peer syncs only those whose heads differ from its own.
    #[serde(rename = "samskab-catalog", rename_all = "camelCase")]
    Catalog {
        sender_id: PeerId,
        target_id: PeerId,
        documents: Vec<CatalogEntry>,
        /// The answer to a request with a digest: the relay's digest (and no documents).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<serde_bytes::ByteBuf>,
        /// The answer to a request with fingerprints: those that match none of the relay's
        /// documents at its heads (documents changed or made on the device). `documents` then
        /// lists only the readable documents whose fingerprints the device did not send.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unknown: Option<serde_bytes::ByteBuf>,
    },
    /// Samskab extension, relay -> client: a change to this document was refused; nothing of
    /// it was stored or forwarded. The client drops its copy and requests the relay's. `code`
    /// is a stable machine-readable reason, `message` an English sentence.
    #[serde(rename = "samskab-change-refused", rename_all = "camelCase")]
    ChangeRefused {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        code: String,
        message: String,
    },
    /// Samskab extension, relay -> client: the peer may no longer read these documents (a
    /// volunteer withdrew consent, say). Nothing more of them will be sent; the client deletes
    /// its copies. Sent before the catalog for documents the client listed but may not read,
    /// and at once to connected followers when a document's readers change.
    #[serde(rename = "samskab-revoked", rename_all = "camelCase")]
    Revoked {
        sender_id: PeerId,
        target_id: PeerId,
        document_ids: Vec<DocumentId>,
    },
    /// Samskab extension, either way: several sync-phase messages in one frame, each encoded
    /// as it would be alone, in the order they were made. A peer that holds thousands of
    /// documents sends and receives one frame per few hundred messages instead of one per
    /// message ([`frames`]). The relay sends batches only to a peer that has sent one (the app
    /// sends every frame after `join` as a batch), so stock clients never see one.
    #[serde(rename = "samskab-batch", rename_all = "camelCase")]
    Batch { messages: Vec<serde_bytes::ByteBuf> },
    /// A protocol error; the connection closes after it.
    #[serde(rename = "error", rename_all = "camelCase")]
    Error { message: String },
    /// Any message type this code does not know.
    #[serde(other)]
    Unknown,
}

/// SHA-256 over documents and their heads, in id order (`entries` must be sorted by id):
/// equal digests mean both sides hold the same documents at the same heads.
pub fn catalog_digest<'a>(
    entries: impl IntoIterator<Item = (&'a DocumentId, &'a [ChangeHash])>,
) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (id, heads) in entries {
        hash.update(id.as_bytes());
        hash.update((heads.len() as u32).to_be_bytes());
        for h in heads {
            hash.update(h.0);
        }
    }
    hash.finalize().to_vec()
}

/// Bytes of one document's [`fingerprint`].
pub const FINGERPRINT_BYTES: usize = 8;

/// A document at its heads in 8 bytes (the start of SHA-256 over the id and the heads): the
/// second round of the catalog exchange compares these instead of full heads.
pub fn fingerprint(id: &DocumentId, heads: &[ChangeHash]) -> [u8; FINGERPRINT_BYTES] {
    let digest = catalog_digest([(id, heads)]);
    let mut out = [0; FINGERPRINT_BYTES];
    out.copy_from_slice(&digest[..FINGERPRINT_BYTES]);
    out
}

/// One document and its heads, as listed in catalog messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    pub document_id: DocumentId,
    /// The heads' 32-byte hashes, concatenated into one byte string.
    #[serde(with = "heads_bytes")]
    pub heads: Vec<ChangeHash>,
}

mod heads_bytes {
    use automerge::ChangeHash;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(heads: &[ChangeHash], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = heads.iter().flat_map(|h| h.0).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ChangeHash>, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        if bytes.len() % 32 != 0 {
            return Err(D::Error::custom("heads must be a multiple of 32 bytes"));
        }
        Ok(bytes
            .chunks_exact(32)
            .map(|c| {
                let mut hash = [0u8; 32];
                hash.copy_from_slice(c);
                ChangeHash(hash)
            })
            .collect())
    }
}

/// Why bytes are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("message of {0} bytes is larger than the limit of {MAX_MESSAGE_BYTES}")]
    TooLarge(usize),
    #[error("malformed message: {0}")]
    Malformed(String),
    #[error("peer id must be 1 to 128 printable characters")]
    BadPeerId,
    #[error(
        "a batch holds 1 to {BATCH_MESSAGES} sync-phase messages, none of them a batch or a join"
    )]
    BadBatch,
}

/// The most messages one [`Message::Batch`] may hold (the relay refuses a batch with more).
pub const BATCH_MESSAGES: usize = 1_024;

/// About how many bytes [`frames`] puts in one batch before it starts the next (a single
/// larger message goes alone).
pub const BATCH_BYTES: usize = 512 * 1024;

/// `messages` as frames to send in order: batches of up to [`BATCH_MESSAGES`] messages and
/// about [`BATCH_BYTES`], every frame a batch (even of one, which tells the relay this peer
/// reads batches), except a message too large to be wrapped within [`MAX_MESSAGE_BYTES`],
/// which goes as itself.
pub fn frames<'a>(messages: impl IntoIterator<Item = &'a Message>) -> Vec<Vec<u8>> {
    /// Room for the batch's own map, type and array headers, and a byte string's header.
    const OVERHEAD: usize = 64;
    let mut out = Vec::new();
    let mut batch: Vec<serde_bytes::ByteBuf> = Vec::new();
    let mut bytes = 0;
    let finish = |batch: &mut Vec<serde_bytes::ByteBuf>, out: &mut Vec<Vec<u8>>| {
        if !batch.is_empty() {
            let messages = std::mem::take(batch);
            out.push(Message::Batch { messages }.encode());
        }
    };
    for message in messages {
        let encoded = message.encode();
        if encoded.len() + 2 * OVERHEAD > MAX_MESSAGE_BYTES {
            finish(&mut batch, &mut out);
            bytes = 0;
            out.push(encoded);
            continue;
        }
        if !batch.is_empty()
            && (batch.len() == BATCH_MESSAGES || bytes + encoded.len() > BATCH_BYTES)
        {
            finish(&mut batch, &mut out);
            bytes = 0;
        }
        bytes += encoded.len() + OVERHEAD;
        batch.push(serde_bytes::ByteBuf::from(encoded));
    }
    finish(&mut batch, &mut out);
    out
}

impl Message {
    /// CBOR bytes of the message.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Serialising these plain structs into a Vec cannot fail: no maps with non-string
        // keys, no IO errors from a Vec writer.
        #[allow(clippy::expect_used)]
        ciborium::into_writer(self, &mut out).expect("messages always serialise");
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(DecodeError::TooLarge(bytes.len()));
        }
        ciborium::from_reader(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))
    }

    /// The messages one frame carried: a batch's, decoded in order, or the message itself.
    /// A batch that is empty, holds more than [`BATCH_MESSAGES`], or holds a batch or a
    /// `join`, is refused whole.
    pub fn unbatch(self) -> Result<Vec<Message>, DecodeError> {
        let Message::Batch { messages } = self else {
            return Ok(vec![self]);
        };
        if messages.is_empty() || messages.len() > BATCH_MESSAGES {
            return Err(DecodeError::BadBatch);
        }
        messages
            .iter()
            .map(|bytes| match Message::decode(bytes)? {
                Message::Batch { .. } | Message::Join { .. } => Err(DecodeError::BadBatch),
                message => Ok(message),
            })
            .collect()
    }

    /// The document a sync-phase message is about.
    pub fn document_id(&self) -> Option<DocumentId> {
        match self {
            Message::Request { document_id, .. }
            | Message::Sync { document_id, .. }
            | Message::DocUnavailable { document_id, .. }
            | Message::Ephemeral { document_id, .. } => Some(*document_id),
            _ => None,
        }
    }

    /// The peer a message is addressed to (none for handshake-free messages).
    pub fn target_id(&self) -> Option<&PeerId> {
        match self {
            Message::Peer { target_id, .. }
            | Message::Request { target_id, .. }
            | Message::Sync { target_id, .. }
            | Message::DocUnavailable { target_id, .. }
            | Message::Ephemeral { target_id, .. }
            | Message::CatalogRequest { target_id, .. }
            | Message::Catalog { target_id, .. }
            | Message::ChangeRefused { target_id, .. }
            | Message::Revoked { target_id, .. } => Some(target_id),
            Message::Join { .. }
            | Message::Leave { .. }
            | Message::Batch { .. }
            | Message::Error { .. }
            | Message::Unknown => None,
        }
    }

    /// A short name for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Leave { .. } => "leave",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::CatalogRequest { .. } => "samskab-catalog-request",
            Message::Catalog { .. } => "samskab-catalog",
            Message::ChangeRefused { .. } => "samskab-change-refused",
            Message::Revoked { .. } => "samskab-revoked",
            Message::Batch { .. } => "samskab-batch",
            Message::Error { .. } => "error",
            Message::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(s: &str) -> PeerId {
        s.parse().unwrap()
    }

    #[test]
    fn messages_round_trip_through_cbor() {
        let doc = DocumentId::from_bytes([3; 16]);
        let messages = [
            Message::Join {
                sender_id: peer("client-1"),
                supported_protocol_versions: vec!["1".into()],
                metadata: Some(PeerMetadata {
                    storage_id: Some("s".into()),
                    is_ephemeral: false,
                }),
            },
            Message::Peer {
                sender_id: peer("relay"),
                selected_protocol_version: "1".into(),
                target_id: peer("client-1"),
                metadata: None,
            },
            Message::Sync {
                document_id: doc,
                sender_id: peer("a"),
                target_id: peer("b"),
                data: vec![0x42, 1, 2],
            },
            Message::Request {
                document_id: doc,
                sender_id: peer("a"),
                target_id: peer("b"),
                data: vec![],
            },
            Message::DocUnavailable {
                document_id: doc,
                sender_id: peer("a"),
                target_id: peer("b"),
            },
            Message::CatalogRequest {
                sender_id: peer("a"),
                target_id: peer("b"),
                have: vec![CatalogEntry {
                    document_id: doc,
                    heads: vec![ChangeHash([7; 32]), ChangeHash([9; 32])],
                }],
                digest: None,
                fingerprints: Some(serde_bytes::ByteBuf::from(vec![1; 16])),
            },
            Message::Catalog {
                sender_id: peer("b"),
                target_id: peer("a"),
                documents: vec![CatalogEntry {
                    document_id: doc,
                    heads: vec![],
                }],
                digest: Some(serde_bytes::ByteBuf::from(vec![2; 32])),
                unknown: None,
            },
            Message::Revoked {
                sender_id: peer("b"),
                target_id: peer("a"),
                document_ids: vec![doc],
            },
            Message::Error {
                message: "nope".into(),
            },
        ];
        for m in messages {
            assert_eq!(Message::decode(&m.encode()).unwrap(), m);
        }
    }

    fn sync(n: u8, len: usize) -> Message {
        Message::Sync {
            document_id: DocumentId::from_bytes([n; 16]),
            sender_id: peer("a"),
            target_id: peer("b"),
            data: vec![n; len],
        }
    }

    #[test]
    fn frames_batch_messages_in_order_and_unbatch_gives_them_back() {
        let messages: Vec<Message> = (0..=255u8).map(|n| sync(n, 10)).collect();
        let frames = frames(&messages);
        assert_eq!(frames.len(), 1, "256 small messages fit one batch");
        let back = Message::decode(&frames[0]).unwrap().unbatch().unwrap();
        assert_eq!(back, messages);

        // Past the byte budget a new batch starts; order is kept across them.
        let big: Vec<Message> = (0..10u8).map(|n| sync(n, BATCH_BYTES / 4)).collect();
        let frames = super::frames(&big);
        assert_eq!(
            frames.len(),
            4,
            "three of a quarter each (and their headers) per batch"
        );
        let back: Vec<Message> = frames
            .iter()
            .flat_map(|f| Message::decode(f).unwrap().unbatch().unwrap())
            .collect();
        assert_eq!(back, big);

        // Past the count a new batch starts too.
        let many: Vec<Message> = (0..BATCH_MESSAGES + 1).map(|n| sync(n as u8, 0)).collect();
        assert_eq!(super::frames(&many).len(), 2);

        // One message alone is still a batch (it tells the relay the peer reads batches);
        // one too large to wrap goes as itself.
        let one = super::frames(&messages[..1]);
        assert!(matches!(
            Message::decode(&one[0]).unwrap(),
            Message::Batch { .. }
        ));
        let huge = sync(1, MAX_MESSAGE_BYTES - 100);
        let alone = super::frames([&huge]);
        assert_eq!(Message::decode(&alone[0]).unwrap(), huge);
        assert!(super::frames(&[]).is_empty());
    }

    #[test]
    fn a_message_not_a_batch_unbatches_to_itself() {
        let m = sync(4, 3);
        assert_eq!(m.clone().unbatch().unwrap(), vec![m]);
    }

    #[test]
    fn bad_batches_are_refused_whole() {
        let wrap = |messages: Vec<Vec<u8>>| Message::Batch {
            messages: messages
                .into_iter()
                .map(serde_bytes::ByteBuf::from)
                .collect(),
        };
        assert_eq!(wrap(vec![]).unbatch(), Err(DecodeError::BadBatch));
        let nested = super::frames(&[sync(1, 1)]).remove(0);
        assert_eq!(
            wrap(vec![sync(2, 1).encode(), nested]).unbatch(),
            Err(DecodeError::BadBatch)
        );
        let join = Message::Join {
            sender_id: peer("x"),
            supported_protocol_versions: vec!["1".into()],
            metadata: None,
        };
        assert_eq!(
            wrap(vec![join.encode()]).unbatch(),
            Err(DecodeError::BadBatch)
        );
        assert!(matches!(
            wrap(vec![sync(1, 1).encode(), b"\xffgarbage".to_vec()]).unbatch(),
            Err(DecodeError::Malformed(_))
        ));
        let too_many = (0..=BATCH_MESSAGES).map(|_| sync(1, 0).encode()).collect();
        assert_eq!(wrap(too_many).unbatch(), Err(DecodeError::BadBatch));
    }

    #[test]
    fn wire_names_are_automerge_repo_s() {
        let doc = DocumentId::from_bytes([3; 16]);
        let m = Message::Sync {
            document_id: doc,
            sender_id: peer("a"),
            target_id: peer("b"),
            data: vec![1],
        };
        let value: ciborium::Value = ciborium::from_reader(&m.encode()[..]).unwrap();
        let map = value.as_map().unwrap();
        let get = |k: &str| {
            map.iter()
                .find(|(key, _)| key.as_text() == Some(k))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("type").unwrap().as_text(), Some("sync"));
        assert_eq!(
            get("documentId").unwrap().as_text(),
            Some(doc.to_string().as_str())
        );
        assert_eq!(get("senderId").unwrap().as_text(), Some("a"));
        assert_eq!(
            get("data").unwrap().as_bytes().map(Vec::as_slice),
            Some(&[1u8][..])
        );
    }

    #[test]
    fn unknown_types_and_fields_are_tolerated_but_garbage_is_not() {
        let mut bytes = Vec::new();
        let value = ciborium::Value::Map(vec![
            ("type".into(), "remote-heads-changed".into()),
            ("senderId".into(), "x".into()),
        ]);
        ciborium::into_writer(&value, &mut bytes).unwrap();
        assert_eq!(Message::decode(&bytes).unwrap(), Message::Unknown);

        assert!(matches!(
            Message::decode(b"\xff\x00garbage"),
            Err(DecodeError::Malformed(_))
        ));
        let huge = vec![0u8; MAX_MESSAGE_BYTES + 1];
        assert_eq!(
            Message::decode(&huge),
            Err(DecodeError::TooLarge(MAX_MESSAGE_BYTES + 1))
        );

        let mut bad_doc = Vec::new();
        let value = ciborium::Value::Map(vec![
            ("type".into(), "sync".into()),
            ("documentId".into(), "not-a-doc".into()),
            ("senderId".into(), "a".into()),
            ("targetId".into(), "b".into()),
            ("data".into(), ciborium::Value::Bytes(vec![])),
        ]);
        ciborium::into_writer(&value, &mut bad_doc).unwrap();
        assert!(Message::decode(&bad_doc).is_err());
    }
}
