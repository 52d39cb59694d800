//! The audit log of profile reads: every time the relay hands a volunteer's profile (or a
//! change to it) to someone else's device, who, which profile, when and from which device.
//! The volunteer reads their own entries ("Hvem har set mit CV").
//!
//! An entry is written before the data it records is sent: the engine holds a reader's profile
//! messages until their entries are committed (one transaction per batch), so no read escapes
//! the log. What a device does with a profile it already holds (shows it again offline) is not
//! seen by the relay and not logged.

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
        Ok(self.store().record_reads(reads)?)
    }

    /// The reads of `owner`'s profile, newest first: the newest `limit`, or all.
    pub fn reads_of(
        &self,
        owner: &PersonId,
        limit: Option<usize>,
    ) -> Result<Vec<ReadEntry>, AccountError> {
        Ok(self.store().reads_of(owner, limit)?)
    }

    /// How many reads are logged in all (for tests and benchmarks).
    pub fn read_count(&self) -> Result<u64, AccountError> {
        Ok(self.store().read_count()?)
    }
}
