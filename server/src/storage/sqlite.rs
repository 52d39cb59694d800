//! The SQLite implementation: one file, `samskab.sqlite3` in the data directory, in WAL mode
//! with `synchronous = FULL` (a committed transaction survives a power cut). The document store
//! and the accounts each have their own connection to it; WAL lets them (and another relay on
//! the same file) read while one writes, and `busy_timeout` makes a writer wait its turn.
//!
//! Opening a connection applies the schema's [`migrations`] first.

mod accounts;
mod documents;
mod erasure;

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

pub use accounts::SqliteAccounts;
pub use documents::SqliteStore;

use super::StoreError;
use super::migrations::{self, Migration};

/// The database's file name in the data directory.
pub const FILE_NAME: &str = "samskab.sqlite3";

/// Opens (creating if needed) the database in `dir` and brings its schema up to date.
pub(crate) fn connect(dir: &Path) -> Result<Connection, StoreError> {
    let path = dir.join(FILE_NAME);
    let mut conn = Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Deleted rows are overwritten, not left in free pages: an erased person's data must not
    // be readable from the file afterwards (see `erasure`).
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&mut conn, &path.display().to_string(), migrations::SQLITE)?;
    Ok(conn)
}

/// Applies the migrations after the database's version, each in its own transaction with the
/// version it reaches; returns the version. Refuses a database newer than `list`.
///
/// Each step takes the write lock before reading the version, so two relays starting on one
/// file apply each migration once between them.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &str,
    list: &[Migration],
) -> Result<u32, StoreError> {
    let known = list.last().map_or(0, |m| m.version);
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > known {
            return Err(StoreError::SchemaTooNew {
                path: path.to_owned(),
                found,
                known,
            });
        }
        let Some(next) = list.iter().find(|m| m.version > found) else {
            return Ok(found);
        };
        let failed = |source| StoreError::Migration {
            version: next.version,
            name: next.name,
            source,
        };
        tx.execute_batch(next.sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", next.version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
        tracing::info!(
            version = next.version,
            name = next.name,
            "schema migration applied"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables exactly as the relay made them before the schema had versions (`CREATE
    /// TABLE IF NOT EXISTS` at open, in `storage.rs`, `accounts.rs` and `peers.rs`).
    const UNVERSIONED: &str = "
        CREATE TABLE IF NOT EXISTS chunks (
             seq INTEGER PRIMARY KEY AUTOINCREMENT,
             doc TEXT NOT NULL,
             bytes BLOB NOT NULL
         );
         CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc, seq);
         CREATE TABLE IF NOT EXISTS users (
             id TEXT PRIMARY KEY,
             email TEXT NOT NULL UNIQUE,
             name TEXT NOT NULL,
             phone TEXT NOT NULL DEFAULT '',
             password_hash TEXT NOT NULL,
             role TEXT NOT NULL,
             created_at INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS memberships (
             user_id TEXT NOT NULL REFERENCES users(id),
             organisation TEXT NOT NULL,
             PRIMARY KEY (user_id, organisation)
         );
         CREATE TABLE IF NOT EXISTS sessions (
             token_hash BLOB PRIMARY KEY,
             user_id TEXT NOT NULL REFERENCES users(id),
             created_at INTEGER NOT NULL,
             expires_at INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
         CREATE TABLE IF NOT EXISTS actors (
             actor BLOB PRIMARY KEY,
             user_id TEXT NOT NULL REFERENCES users(id)
         );
         CREATE TABLE IF NOT EXISTS organisations (
             id TEXT PRIMARY KEY,
             name TEXT NOT NULL,
             kind TEXT NOT NULL,
             created_at INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS invitations (
             code_hash BLOB PRIMARY KEY,
             role TEXT NOT NULL,
             organisation TEXT,
             invited_by TEXT NOT NULL REFERENCES users(id),
             expires_at INTEGER NOT NULL,
             used_by TEXT
         );
         CREATE TABLE IF NOT EXISTS profile_reads (
             id INTEGER PRIMARY KEY,
             owner TEXT NOT NULL,
             document TEXT NOT NULL,
             reader TEXT NOT NULL,
             reader_role TEXT NOT NULL,
             at INTEGER NOT NULL,
             device TEXT NOT NULL,
             user_agent TEXT NOT NULL
         );
         CREATE INDEX IF NOT EXISTS profile_reads_by_owner ON profile_reads(owner, at);
         CREATE TABLE IF NOT EXISTS password_resets (
             token_hash BLOB PRIMARY KEY,
             user_id TEXT NOT NULL REFERENCES users(id),
             made_by TEXT,
             created_at INTEGER NOT NULL,
             expires_at INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS password_resets_by_user ON password_resets(user_id);
         CREATE TABLE IF NOT EXISTS peers (
             peer TEXT PRIMARY KEY,
             user_id TEXT NOT NULL,
             last_contact INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS session_contacts (
             session BLOB PRIMARY KEY,
             last_contact INTEGER NOT NULL
         );";

    fn version(dir: &Path) -> u32 {
        Connection::open(dir.join(FILE_NAME))
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_database_gets_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        connect(dir.path()).unwrap();
        assert_eq!(version(dir.path()), migrations::latest());
        // Opening it again applies nothing and changes nothing.
        connect(dir.path()).unwrap();
        assert_eq!(version(dir.path()), migrations::latest());
    }

    #[test]
    fn a_database_from_before_versions_is_adopted_with_its_data() {
        use crate::storage::{AccountStore, Store};
        use samskab_model::DocumentId;
        let dir = tempfile::tempdir().unwrap();
        let doc = DocumentId::from_bytes([7; 16]);
        {
            let old = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            old.pragma_update(None, "journal_mode", "WAL").unwrap();
            old.execute_batch(UNVERSIONED).unwrap();
            old.execute(
                "INSERT INTO chunks (doc, bytes) VALUES (?1, x'0102')",
                [doc.to_string()],
            )
            .unwrap();
            old.execute(
                "INSERT INTO users (id, email, name, password_hash, role, created_at)
                 VALUES ('anna', 'anna@example.dk', 'Anna', 'hash', 'frivillig', 1)",
                [],
            )
            .unwrap();
            old.execute(
                "INSERT INTO peers (peer, user_id, last_contact) VALUES ('phone', 'anna', 5)",
                [],
            )
            .unwrap();
        }
        assert_eq!(version(dir.path()), 0);
        let mut docs = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(version(dir.path()), migrations::latest());
        assert_eq!(docs.load(&doc).unwrap().unwrap(), [1, 2]);
        let accounts: Box<dyn AccountStore> = Box::new(SqliteAccounts::open(dir.path()).unwrap());
        let anna = accounts.user(&"anna".parse().unwrap()).unwrap().unwrap();
        assert_eq!(anna.email, "anna@example.dk");
        assert_eq!(anna.phone, "");
        assert_eq!(
            accounts
                .bind_peer(&"phone".parse().unwrap(), &anna.id, 9)
                .unwrap(),
            crate::peers::Binding::Yours {
                last_contact: Some(5)
            }
        );
    }

    #[test]
    fn a_database_from_a_newer_relay_is_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        connect(dir.path()).unwrap();
        let newer = migrations::latest() + 1;
        Connection::open(dir.path().join(FILE_NAME))
            .unwrap()
            .pragma_update(None, "user_version", newer)
            .unwrap();
        let refused = SqliteStore::open(dir.path()).unwrap_err();
        assert!(
            matches!(refused, StoreError::SchemaTooNew { found, known, .. }
                if found == newer && known == migrations::latest()),
            "{refused:?}"
        );
        let message = refused.to_string();
        assert!(message.contains("newer than this relay knows"), "{message}");
        assert!(SqliteAccounts::open(dir.path()).is_err());
    }

    #[test]
    fn each_migration_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        let list = [
            Migration {
                version: 1,
                name: "one",
                sql: "CREATE TABLE one (x INTEGER);",
            },
            Migration {
                version: 2,
                name: "broken",
                sql: "CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1);",
            },
        ];
        let failed = migrate(&mut conn, "test", &list).unwrap_err();
        assert!(
            matches!(failed, StoreError::Migration { version: 2, .. }),
            "{failed:?}"
        );
        assert_eq!(version(dir.path()), 1, "the first one stays applied");
        let two: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'two'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(two, 0, "the broken one left nothing behind");
    }
}

/// The storage conformance suite, on a fresh database file per test.
#[cfg(test)]
mod conformance {
    use std::sync::Arc;

    use crate::storage::conformance::{Harness, conformance_tests};
    use crate::storage::{AccountStore, SqliteAccounts, SqliteStore};

    struct Sqlite(tempfile::TempDir);

    impl Sqlite {
        fn new() -> Self {
            Self(tempfile::tempdir().unwrap())
        }
    }

    impl Harness for Sqlite {
        type Documents = SqliteStore;

        fn documents(&self) -> SqliteStore {
            SqliteStore::open(self.0.path()).unwrap()
        }

        fn accounts(&self) -> Arc<dyn AccountStore> {
            Arc::new(SqliteAccounts::open(self.0.path()).unwrap())
        }
    }

    conformance_tests!(Sqlite::new());
}
