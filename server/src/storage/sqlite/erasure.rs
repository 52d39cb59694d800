//! [`ErasureStore`] and [`RetentionStore`] in SQLite, on the accounts' connection.

use rusqlite::params;
use samskab_model::{DocumentId, PersonId};

use super::accounts::SqliteAccounts;
use crate::storage::StoreError;
use crate::storage::erasure::{AccountErasure, ErasureRecord, ErasureStore, RetentionStore};

impl ErasureStore for SqliteAccounts {
    fn actors_of(&self, user: &PersonId) -> Result<Vec<Vec<u8>>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT actor FROM actors WHERE user_id = ?1")?;
        let rows = stmt.query_map(params![user.as_str()], |r| r.get::<_, Vec<u8>>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn erase_account(
        &self,
        user: &PersonId,
        pseudonym: &PersonId,
    ) -> Result<AccountErasure, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let u = user.as_str();
        // Children first: the tables refer to `users`.
        let mut out = AccountErasure::default();
        tx.execute("DELETE FROM memberships WHERE user_id = ?1", params![u])?;
        tx.execute(
            "DELETE FROM session_contacts WHERE session IN
               (SELECT token_hash FROM sessions WHERE user_id = ?1)",
            params![u],
        )?;
        out.sessions = tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![u])?;
        tx.execute("DELETE FROM password_resets WHERE user_id = ?1", params![u])?;
        // Also cascades from `users`; said here so no store relies on foreign keys for it.
        tx.execute("DELETE FROM calendar_feeds WHERE person = ?1", params![u])?;
        out.devices = tx.execute("DELETE FROM peers WHERE user_id = ?1", params![u])?;
        // Invitations they made or accepted: an accepted one's effect (the account, the
        // membership) stands without it.
        out.invitations = tx.execute(
            "DELETE FROM invitations WHERE used_by = ?1 OR invited_by = ?1",
            params![u],
        )?;
        out.audit_removed = tx.execute("DELETE FROM profile_reads WHERE owner = ?1", params![u])?;
        out.audit_pseudonymised = tx.execute(
            "UPDATE profile_reads SET reader = ?2, user_agent = '' WHERE reader = ?1",
            params![u, pseudonym.as_str()],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO retired_actors (actor)
             SELECT actor FROM actors WHERE user_id = ?1",
            params![u],
        )?;
        out.actors_retired = tx.execute("DELETE FROM actors WHERE user_id = ?1", params![u])?;
        out.account = tx.execute("DELETE FROM users WHERE id = ?1", params![u])? > 0;
        tx.commit()?;
        Ok(out)
    }

    fn record_tombstones(
        &self,
        erased: &[DocumentId],
        retired: &[(DocumentId, Vec<[u8; 32]>)],
        at: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut doc = tx.prepare_cached(
                "INSERT OR IGNORE INTO erased_documents (doc, at) VALUES (?1, ?2)",
            )?;
            for id in erased {
                doc.execute(params![id.to_string(), at])?;
            }
            let mut hash = tx.prepare_cached(
                "INSERT OR IGNORE INTO retired_changes (hash, doc) VALUES (?1, ?2)",
            )?;
            for (id, hashes) in retired {
                for h in hashes {
                    hash.execute(params![h.as_slice(), id.to_string()])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn tombstones(&self) -> Result<(Vec<DocumentId>, Vec<(DocumentId, [u8; 32])>), StoreError> {
        let conn = self.conn();
        let parse = |s: String| s.parse::<DocumentId>().map_err(|_| StoreError::BadId(s));
        let mut stmt = conn.prepare("SELECT doc FROM erased_documents")?;
        let erased = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|r| r.map_err(StoreError::from).and_then(parse))
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = conn.prepare("SELECT doc, hash FROM retired_changes")?;
        let retired = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .map(|r| {
                let (doc, hash) = r?;
                let hash: [u8; 32] = hash
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("retired change hash"))?;
                Ok((parse(doc)?, hash))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((erased, retired))
    }

    fn record_erasure(&self, r: &ErasureRecord) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO erasures (at, by_user, by_role, reason, documents_deleted,
               documents_rewritten, audit_removed, audit_pseudonymised)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                r.at,
                r.by.as_ref().map(PersonId::as_str),
                r.by_role,
                r.reason,
                r.documents_deleted as i64,
                r.documents_rewritten as i64,
                r.audit_removed as i64,
                r.audit_pseudonymised as i64
            ],
        )?;
        Ok(())
    }

    fn erasures(&self, limit: usize) -> Result<Vec<ErasureRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, by_user, by_role, reason, documents_deleted, documents_rewritten,
                    audit_removed, audit_pseudonymised
             FROM erasures ORDER BY at DESC, id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(ErasureRecord {
                at: r.get(0)?,
                by: r.get::<_, Option<String>>(1)?.and_then(|s| s.parse().ok()),
                by_role: r.get(2)?,
                reason: r.get(3)?,
                documents_deleted: r.get::<_, i64>(4)? as usize,
                documents_rewritten: r.get::<_, i64>(5)? as usize,
                audit_removed: r.get::<_, i64>(6)? as usize,
                audit_pseudonymised: r.get::<_, i64>(7)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

impl RetentionStore for SqliteAccounts {
    fn remove_reads_before(&self, cutoff: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn()
            .execute("DELETE FROM profile_reads WHERE at < ?1", params![cutoff])?)
    }

    fn remove_expired_sessions(&self, now: i64) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM session_contacts WHERE session IN
               (SELECT token_hash FROM sessions WHERE expires_at <= ?1)",
            params![now],
        )?;
        let n = tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
        tx.commit()?;
        Ok(n)
    }

    fn remove_invitations_expired_before(&self, cutoff: i64) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM invitations WHERE expires_at < ?1",
            params![cutoff],
        )?)
    }

    fn remove_expired_resets(&self, now: i64) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM password_resets WHERE expires_at <= ?1",
            params![now],
        )?)
    }

    fn touch_user(&self, user: &PersonId, at: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE users SET last_active = ?2, inactivity_notice_at = NULL
             WHERE id = ?1 AND (last_active IS NULL OR last_active < ?2)",
            params![user.as_str(), at],
        )?;
        Ok(())
    }

    fn inactive_users(&self, before: i64) -> Result<Vec<(PersonId, Option<i64>)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, inactivity_notice_at FROM users
             WHERE COALESCE(last_active, created_at) < ?1 AND role NOT IN ('personale', 'admin')",
        )?;
        let rows = stmt.query_map(params![before], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, notice) = row?;
            out.push((
                id.parse().map_err(|_| StoreError::Corrupt("user id"))?,
                notice,
            ));
        }
        Ok(out)
    }

    fn mark_inactivity_notice(&self, user: &PersonId, at: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE users SET inactivity_notice_at = ?2 WHERE id = ?1",
            params![user.as_str(), at],
        )?;
        Ok(())
    }
}
