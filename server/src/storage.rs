//! Durable storage of documents, behind a trait so that PostgreSQL can stand in when one
//! machine is not enough.
//!
//! Invariants every implementation keeps:
//! - [`Store::append`] returns only once the bytes are durable (on disk, fsynced): the relay
//!   acknowledges a change after `append` returns and never before.
//! - A document's stored bytes are the concatenation of what was appended (or one compacted
//!   save replacing them); loading them with automerge's `load_incremental` gives the
//!   document as of the last successful `append`.
//! - [`Store::compact`] replaces a document's chunks with one save atomically: a crash during
//!   compaction leaves either the old chunks or the new save, never neither.

use std::path::Path;

use rusqlite::{Connection, params};
use samskab_model::DocumentId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored document id {0:?} is invalid")]
    BadId(String),
    #[error("cannot start the sync engine: {0}")]
    Engine(String),
}

/// A document as stored: its id, its bytes, and how many chunks they were in.
#[derive(Debug)]
pub struct StoredDocument {
    pub id: DocumentId,
    pub bytes: Vec<u8>,
    pub chunks: usize,
}

pub trait Store: Send {
    /// Every stored document.
    fn load_all(&mut self) -> Result<Vec<StoredDocument>, StoreError>;
    /// Durably appends a chunk (an automerge incremental save) to a document.
    fn append(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError>;
    /// Replaces a document's chunks with one full save.
    fn compact(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError>;
    /// A document's bytes, or `None` if it has none.
    fn load(&mut self, id: &DocumentId) -> Result<Option<Vec<u8>>, StoreError>;
}

/// SQLite in WAL mode with `synchronous = FULL`: a committed append survives a power cut.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    pub const FILE_NAME: &'static str = "samskab.sqlite3";

    /// Opens (creating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(dir.join(Self::FILE_NAME))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "busy_timeout", 5_000)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS chunks (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 doc TEXT NOT NULL,
                 bytes BLOB NOT NULL
             );
             CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc, seq);",
        )?;
        Ok(Self { conn })
    }
}

impl Store for SqliteStore {
    fn load_all(&mut self) -> Result<Vec<StoredDocument>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc, bytes FROM chunks ORDER BY doc, seq")?;
        let mut rows = stmt.query([])?;
        let mut docs: Vec<StoredDocument> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            let id: DocumentId = id.parse().map_err(|_| StoreError::BadId(id))?;
            match docs.last_mut() {
                Some(last) if last.id == id => {
                    last.bytes.extend(bytes);
                    last.chunks += 1;
                }
                _ => docs.push(StoredDocument {
                    id,
                    bytes,
                    chunks: 1,
                }),
            }
        }
        Ok(docs)
    }

    fn append(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO chunks (doc, bytes) VALUES (?1, ?2)",
            params![id.to_string(), bytes],
        )?;
        Ok(())
    }

    fn compact(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM chunks WHERE doc = ?1", params![id.to_string()])?;
        tx.execute(
            "INSERT INTO chunks (doc, bytes) VALUES (?1, ?2)",
            params![id.to_string(), bytes],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn load(&mut self, id: &DocumentId) -> Result<Option<Vec<u8>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT bytes FROM chunks WHERE doc = ?1 ORDER BY seq")?;
        let mut rows = stmt.query(params![id.to_string()])?;
        let mut out: Option<Vec<u8>> = None;
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            out.get_or_insert_with(Vec::new).extend(bytes);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_concatenate_and_compaction_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let a = DocumentId::from_bytes([1; 16]);
        let b = DocumentId::from_bytes([2; 16]);
        {
            let mut store = SqliteStore::open(dir.path()).unwrap();
            store.append(&a, b"one-").unwrap();
            store.append(&b, b"bee").unwrap();
            store.append(&a, b"two").unwrap();
        }
        let mut store = SqliteStore::open(dir.path()).unwrap();
        let all = store.load_all().unwrap();
        assert_eq!(all.len(), 2);
        let doc_a = all.iter().find(|d| d.id == a).unwrap();
        assert_eq!(doc_a.bytes, b"one-two");
        assert_eq!(doc_a.chunks, 2);
        store.compact(&a, b"whole").unwrap();
        assert_eq!(store.load(&a).unwrap().unwrap(), b"whole");
        assert_eq!(store.load(&DocumentId::from_bytes([3; 16])).unwrap(), None);
    }
}
