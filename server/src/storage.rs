//! Durable storage: everything the relay keeps across restarts, behind traits whose doc
//! comments state the invariants that keep the data safe, so that PostgreSQL can stand in for
//! SQLite when one machine is not enough without touching the code that uses them.
//!
//! Layout:
//! - [`documents`]: the [`Store`] of documents (automerge chunks), owned by the sync engine.
//! - [`accounts`]: [`AccountStore`], the accounts' state (users, organisations and
//!   memberships, sessions, invitations, password resets, actor bindings, devices, the audit
//!   log), as a few small traits by concept. The rules (password hashing, token making,
//!   expiry) live in [`crate::accounts::Accounts`], which holds an `Arc<dyn AccountStore>`.
//! - [`erasure`]: erasing an account, the tombstones and the erasure log; retention's deletions
//!   (part of [`AccountStore`]).
//! - [`migrations`]: the numbered schema, applied in order at open.
//! - [`sqlite`]: the SQLite implementation of both (WAL, `synchronous = FULL`).
//! - `conformance` (tests only): one suite written against the traits, run for every
//!   implementation.
//!
//! Two relays may share one database: every write that depends on what was read is one
//! transaction that re-checks what it relies on, and compaction deletes only the chunks it read
//! ([`Store::compact`]).

pub mod accounts;
#[cfg(test)]
pub mod conformance;
pub mod documents;
pub mod erasure;
pub mod migrations;
pub mod sqlite;

pub use accounts::AccountStore;
pub use documents::{ChunkSeq, Store, StoredDocument};
pub use sqlite::{SqliteAccounts, SqliteStore};

/// A failure of the storage itself, or data in it that no version of the relay writes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored document id {0:?} is invalid")]
    BadId(String),
    #[error("stored data: {0}")]
    Corrupt(&'static str),
    #[error("cannot start the sync engine: {0}")]
    Engine(String),
    #[error(
        "the database {path} has schema version {found}, newer than this relay knows \
         (up to {known}): it was written by a newer relay; run that version or a newer one, \
         or restore a backup made before the upgrade"
    )]
    SchemaTooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("schema migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        source: rusqlite::Error,
    },
}
