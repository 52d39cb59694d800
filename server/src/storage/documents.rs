//! The store of documents: each an ordered list of chunks (automerge incremental saves), read
//! back as their concatenation.
//!
//! Invariants every implementation keeps:
//! - [`Store::append`] returns only once the bytes are durable (on disk, fsynced): the relay
//!   acknowledges a change after `append` returns and never before.
//! - A document's stored bytes are the concatenation of what was appended, in the order it was
//!   appended (or one compacted save standing in for a prefix of them); loading them with
//!   automerge's `load_incremental` gives the document as of the last successful `append`.
//! - [`Store::compact`] replaces only the chunks its caller read, atomically: a crash during
//!   compaction leaves either the old chunks or the new save, never neither, and a chunk
//!   another relay appended after the read survives it, after the save.

use samskab_model::DocumentId;

use super::StoreError;

/// The position of a document's last chunk when it was read: what a compaction may replace.
/// Positions only grow, across every document of a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChunkSeq(pub i64);

/// A document as stored: its id, its bytes, how many chunks they were in, and the position of
/// the last of them.
#[derive(Debug)]
pub struct StoredDocument {
    pub id: DocumentId,
    pub bytes: Vec<u8>,
    pub chunks: usize,
    pub through: ChunkSeq,
}

pub trait Store: Send {
    /// Every stored document, as one consistent snapshot.
    fn load_all(&mut self) -> Result<Vec<StoredDocument>, StoreError>;
    /// Durably appends a chunk (an automerge incremental save) to a document.
    fn append(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError>;
    /// Durably appends several chunks, in order, all or none (one commit, one fsync, where the
    /// implementation can). The default appends them one by one.
    fn append_all(&mut self, chunks: &[(DocumentId, Vec<u8>)]) -> Result<(), StoreError> {
        for (id, bytes) in chunks {
            self.append(id, bytes)?;
        }
        Ok(())
    }
    /// Replaces a document's chunks up to and including `through` (as [`Store::load_all`]
    /// reported it) with `bytes`, one full save of at least those chunks. Chunks appended
    /// after `through`, by another relay on the same database, are kept after the save. If
    /// another compaction already replaced the chunk at `through`, its save holds everything
    /// this one read, and nothing changes.
    fn compact(
        &mut self,
        id: &DocumentId,
        bytes: &[u8],
        through: ChunkSeq,
    ) -> Result<(), StoreError>;
    /// Replaces all of a document's chunks by `bytes` in one transaction (an erasure's fresh
    /// history): afterwards nothing of the old chunks is stored (nor left readable in the
    /// file: deleted rows are overwritten).
    fn replace(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError>;
    /// Deletes every chunk of a document (erased whole).
    fn delete(&mut self, id: &DocumentId) -> Result<(), StoreError>;
    /// A document's bytes, or `None` if it has none.
    fn load(&mut self, id: &DocumentId) -> Result<Option<Vec<u8>>, StoreError>;
}
