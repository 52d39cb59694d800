//! Identifiers. Each is a newtype that validates when parsed, so a malformed id is refused at
//! the edge (a URL, a message, a document) and never travels further as a bare string.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind} is empty")]
    Empty { kind: &'static str },
    #[error("{kind} is longer than {max} characters")]
    TooLong { kind: &'static str, max: usize },
    #[error("{kind} may hold only a-z, 0-9, '-' and '_': {value:?}")]
    BadCharacter { kind: &'static str, value: String },
    #[error("not a document id (base58check of 16 bytes): {0:?}")]
    BadDocumentId(String),
}

/// A document's id: 16 random bytes, written as automerge-repo writes them (base58check), and
/// as a URL `automerge:<base58check>`. Stock automerge-repo 2.x clients take any such id;
/// 1.x only UUID-shaped ones ([`DocumentId::random`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

impl DocumentId {
    pub const URL_PREFIX: &'static str = "automerge:";

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// A new random id. automerge's random actor id is 16 bytes from the platform's secure
    /// random source (on wasm32 through its "wasm" feature), which is exactly what an id needs.
    /// A new random id, shaped as an RFC 4122 version 4 UUID (as automerge-repo's
    /// `Repo.create` makes them): automerge-repo 1.x refuses any other 16 bytes
    /// ("Invalid AutomergeUrl"), 2.x takes any. Ids derived from people and organisations
    /// ([`derived_document_id`]) are not so shaped and cannot change.
    pub fn random() -> Self {
        let actor = automerge::ActorId::random();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&actor.to_bytes()[..16]);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The `automerge:` URL of the document.
    pub fn url(&self) -> String {
        format!("{}{self}", Self::URL_PREFIX)
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = IdError;

    /// Accepts the bare base58check form and the `automerge:` URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bare = s.strip_prefix(Self::URL_PREFIX).unwrap_or(s);
        let bytes = bs58::decode(bare)
            .with_check(None)
            .into_vec()
            .map_err(|_| IdError::BadDocumentId(s.to_owned()))?;
        let bytes: [u8; 16] = bytes
            .try_into()
            .map_err(|_| IdError::BadDocumentId(s.to_owned()))?;
        Ok(Self(bytes))
    }
}

impl Serialize for DocumentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DocumentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The id of the document a kind derives from a slug (a person's profile, an organisation's or a
/// group's own document): the first 16 bytes of SHA-256 over `prefix` and the slug. Anyone can
/// compute it, so every device finds such a document without a list.
pub fn derived_document_id(prefix: &[u8], slug: &str) -> DocumentId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(prefix)
        .chain_update(slug.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocumentId::from_bytes(bytes)
}

/// Declares a short textual id: 1 to 64 characters of a-z, 0-9, '-' and '_'.
macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = 64;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                validate_slug($kind, s, Self::MAX_LEN).map(|()| Self(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                validate_slug($kind, &s, Self::MAX_LEN).map(|()| Self(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(&self.0)
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse()
                    .map_err(|e: IdError| autosurgeon::HydrateError::unexpected($kind, e.to_string()))
            }
        }
    };
}

fn validate_slug(kind: &'static str, s: &str, max: usize) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if s.len() > max {
        return Err(IdError::TooLong { kind, max });
    }
    if !s
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
    {
        return Err(IdError::BadCharacter {
            kind,
            value: s.to_owned(),
        });
    }
    Ok(())
}

slug_id!(
    /// A person with an account (volunteer, coordinator, staff, admin).
    PersonId,
    "person id"
);
slug_id!(
    /// An organisation: an association or a municipal centre.
    OrganisationId,
    "organisation id"
);
slug_id!(
    /// A shift within a task, unique within that task.
    ShiftId,
    "shift id"
);
slug_id!(
    /// A group of people and organisations (the coordination group, an area's associations);
    /// its document's id derives from it.
    GroupId,
    "group id"
);
slug_id!(
    /// An entry within a document's map (an agenda item, a decision, an action item, a
    /// walk-in's check-in), unique within that document; made at random by the device that
    /// adds it, so two devices offline never pick the same one.
    ItemId,
    "item id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_round_trip_as_text_and_url() {
        let id = DocumentId::random();
        assert_eq!(id.to_string().parse::<DocumentId>().unwrap(), id);
        assert_eq!(id.url().parse::<DocumentId>().unwrap(), id);
        assert!(id.url().starts_with("automerge:"));
        assert_ne!(DocumentId::random(), id);
    }

    #[test]
    fn new_document_ids_are_version_4_uuids() {
        for _ in 0..64 {
            let id = DocumentId::random();
            let bytes = id.as_bytes();
            assert_eq!(bytes[6] >> 4, 4, "{id}: version");
            assert_eq!(bytes[8] >> 6, 0b10, "{id}: variant");
        }
    }

    #[test]
    fn document_ids_check_their_checksum_and_length() {
        let text = DocumentId::from_bytes([7; 16]).to_string();
        let mut broken: Vec<char> = text.chars().collect();
        broken[3] = if broken[3] == '2' { '3' } else { '2' };
        let broken: String = broken.into_iter().collect();
        assert!(broken.parse::<DocumentId>().is_err());
        let short = bs58::encode([1u8; 8]).with_check().into_string();
        assert!(short.parse::<DocumentId>().is_err());
        assert!("".parse::<DocumentId>().is_err());
    }

    #[test]
    fn slugs_are_validated() {
        assert!("anna-1".parse::<PersonId>().is_ok());
        assert_eq!(
            "".parse::<PersonId>(),
            Err(IdError::Empty { kind: "person id" })
        );
        assert!("Anna".parse::<PersonId>().is_err());
        assert!("a b".parse::<OrganisationId>().is_err());
        assert!("x".repeat(65).parse::<ShiftId>().is_err());
    }
}
