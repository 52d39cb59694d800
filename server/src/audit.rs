//! The audit log of profile reads: every time the relay hands a volunteer's profile (or a
//! change to it) to someone else's device, who, which profile, when and from which device.
//! The volunteer reads their own entries ("Hvem har set mit CV").
//!
//! An entry is written before the data it records is sent: the engine holds a reader's profile
//! messages until their entries are committed (one transaction per batch), so no read escapes
//! the log. What a device does with a profile it already holds (shows it again offline) is not
//! seen by the relay and not logged.

use rusqlite::params;
use samskab_model::PersonId;
use samskab_model::authz::Role;

use crate::accounts::{AccountError, Accounts};

/// One delivery of a profile to someone other than its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRead {
    pub owner: PersonId,
    pub document: String,
    pub reader: PersonId,
    pub reader_role: Role,
    pub at: i64,
    /// The reading device's peer id (one per installed app).
    pub device: String,
    pub user_agent: String,
}

/// An entry as its volunteer sees it: the type the app reads too.
pub use samskab_model::api::ProfileRead as ReadEntry;

/// How many entries a volunteer is shown (newest first).
pub const SHOWN: usize = 500;

impl Accounts {
    /// Writes entries in one transaction.
    pub fn record_reads(&self, reads: &[ProfileRead]) -> Result<(), AccountError> {
        if reads.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO profile_reads (owner, document, reader, reader_role, at, device, user_agent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for r in reads {
                insert.execute(params![
                    r.owner.as_str(),
                    r.document,
                    r.reader.as_str(),
                    r.reader_role.as_str(),
                    r.at,
                    r.device,
                    r.user_agent
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The reads of `owner`'s profile, newest first: the newest `limit`, or all.
    pub fn reads_of(
        &self,
        owner: &PersonId,
        limit: Option<usize>,
    ) -> Result<Vec<ReadEntry>, AccountError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT r.reader, COALESCE(u.name, ''), r.reader_role, r.at, r.device, r.user_agent,
                    COALESCE((SELECT group_concat(organisation, ',') FROM memberships m
                              WHERE m.user_id = r.reader), '')
             FROM profile_reads r LEFT JOIN users u ON u.id = r.reader
             WHERE r.owner = ?1 ORDER BY r.at DESC, r.id DESC LIMIT ?2",
        )?;
        let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let rows = stmt.query_map(params![owner.as_str(), limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (reader, reader_name, role, at, device, user_agent, orgs) = row?;
            let (Ok(reader), Ok(reader_role)) = (reader.parse(), role.parse()) else {
                continue;
            };
            entries.push(ReadEntry {
                reader,
                reader_name,
                reader_role,
                organisations: orgs
                    .split(',')
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect(),
                at,
                device,
                user_agent,
            });
        }
        Ok(entries)
    }

    /// How many reads are logged in all (for tests and benchmarks).
    pub fn read_count(&self) -> Result<u64, AccountError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM profile_reads", [], |r| r.get(0))?)
    }
}
