//! [`Store`] in SQLite: a document is its rows in `chunks`, in `seq` order.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};
use samskab_model::DocumentId;

use crate::storage::{ChunkSeq, Store, StoreError, StoredDocument};

/// The documents, on their own connection to the relay's database.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    pub const FILE_NAME: &'static str = super::FILE_NAME;

    /// Opens (creating and migrating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            conn: super::connect(dir)?,
        })
    }
}

impl Store for SqliteStore {
    fn load_all(&mut self) -> Result<Vec<StoredDocument>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc, bytes, seq FROM chunks ORDER BY doc, seq")?;
        let mut rows = stmt.query([])?;
        let mut docs: Vec<StoredDocument> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            let seq = ChunkSeq(row.get(2)?);
            let id: DocumentId = id.parse().map_err(|_| StoreError::BadId(id))?;
            match docs.last_mut() {
                Some(last) if last.id == id => {
                    last.bytes.extend(bytes);
                    last.chunks += 1;
                    last.through = seq;
                }
                _ => docs.push(StoredDocument {
                    id,
                    bytes,
                    chunks: 1,
                    through: seq,
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

    /// One transaction: one commit and one fsync for a burst of changes.
    fn append_all(&mut self, chunks: &[(DocumentId, Vec<u8>)]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert =
                tx.prepare_cached("INSERT INTO chunks (doc, bytes) VALUES (?1, ?2)")?;
            for (id, bytes) in chunks {
                insert.execute(params![id.to_string(), bytes])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The save takes the place (and `seq`) of the last chunk read, so it stays ahead of any
    /// chunk appended since; the chunks before it go.
    fn compact(
        &mut self,
        id: &DocumentId,
        bytes: &[u8],
        through: ChunkSeq,
    ) -> Result<(), StoreError> {
        let doc = id.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let replaced = tx.execute(
            "UPDATE chunks SET bytes = ?3 WHERE doc = ?1 AND seq = ?2",
            params![doc, through.0, bytes],
        )?;
        // None replaced: another compaction took that chunk into a save of its own, made from
        // a read that saw at least as much as ours (positions only grow), so ours adds nothing.
        if replaced == 1 {
            tx.execute(
                "DELETE FROM chunks WHERE doc = ?1 AND seq < ?2",
                params![doc, through.0],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn replace(&mut self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        let doc = id.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM chunks WHERE doc = ?1", params![doc])?;
        tx.execute(
            "INSERT INTO chunks (doc, bytes) VALUES (?1, ?2)",
            params![doc, bytes],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn delete(&mut self, id: &DocumentId) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM chunks WHERE doc = ?1", params![id.to_string()])?;
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
        store.compact(&a, b"whole", doc_a.through).unwrap();
        assert_eq!(store.load(&a).unwrap().unwrap(), b"whole");
        assert_eq!(store.load(&DocumentId::from_bytes([3; 16])).unwrap(), None);
    }
}
