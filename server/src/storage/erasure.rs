//! What erasure and retention need of the accounts' state: erasing a person's account and
//! everything keyed to it in one transaction, the tombstones (erased document ids, the change
//! hashes of replaced histories; ids and hashes only, never content), the log of erasures,
//! and the deletions of the daily retention job. See `server/src/erasure.rs` for what is kept
//! and why.

use samskab_model::{DocumentId, PersonId};

use super::StoreError;

/// What erasing an account removed or pseudonymised.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountErasure {
    /// Whether the account existed.
    pub account: bool,
    pub sessions: usize,
    /// Audit entries of reads *of* the person's profile: deleted.
    pub audit_removed: usize,
    /// Audit entries of the person's reads of others' profiles: kept, the reader replaced by a
    /// pseudonym and the browser's User-Agent dropped.
    pub audit_pseudonymised: usize,
    /// Actor ids bound to the person: retired (kept as ids only, bound to no one, refused
    /// forever).
    pub actors_retired: usize,
    pub devices: usize,
    pub invitations: usize,
}

/// One erasure as logged: who asked, why, when, and what went. It names no erased person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErasureRecord {
    pub at: i64,
    /// The staff member who erased on request; `None` when the person erased themselves.
    pub by: Option<PersonId>,
    pub by_role: String,
    pub reason: String,
    pub documents_deleted: usize,
    pub documents_rewritten: usize,
    pub audit_removed: usize,
    pub audit_pseudonymised: usize,
}

/// Erasure of accounts, tombstones, and the erasure log.
pub trait ErasureStore {
    /// The automerge actor ids bound to `user` (to find their changes in histories).
    fn actors_of(&self, user: &PersonId) -> Result<Vec<Vec<u8>>, StoreError>;
    /// In one transaction: deletes the user, their memberships, sessions (and their contact
    /// times), password resets, calendar feed, device bindings, invitations they accepted and unused ones
    /// they made or accepted, the audit entries of reads of their profile; pseudonymises their
    /// reads of others (reader = `pseudonym`, no User-Agent); retires their actor ids (they
    /// never bind again, to anyone). Idempotent.
    fn erase_account(
        &self,
        user: &PersonId,
        pseudonym: &PersonId,
    ) -> Result<AccountErasure, StoreError>;
    /// Durably remembers documents erased whole and the change hashes of replaced histories,
    /// forever. Idempotent.
    fn record_tombstones(
        &self,
        erased: &[DocumentId],
        retired: &[(DocumentId, Vec<[u8; 32]>)],
        at: i64,
    ) -> Result<(), StoreError>;
    /// Every erased document id, and every retired change hash with its document.
    #[allow(clippy::type_complexity)]
    fn tombstones(&self) -> Result<(Vec<DocumentId>, Vec<(DocumentId, [u8; 32])>), StoreError>;
    fn record_erasure(&self, record: &ErasureRecord) -> Result<(), StoreError>;
    /// The newest `limit` erasures, newest first.
    fn erasures(&self, limit: usize) -> Result<Vec<ErasureRecord>, StoreError>;
    /// Moves the deleted rows' pages out of the write-ahead log into the database file (where
    /// `secure_delete` has zeroed them), so that no copy of them stays in the log.
    fn checkpoint(&self) -> Result<(), StoreError>;
}

/// The deletions of the daily retention job, each returning how many rows went.
pub trait RetentionStore {
    /// Audit entries (profile reads) recorded before `cutoff`.
    fn remove_reads_before(&self, cutoff: i64) -> Result<usize, StoreError>;
    /// Sessions expired at `now`, with their contact times.
    fn remove_expired_sessions(&self, now: i64) -> Result<usize, StoreError>;
    /// Invitations that expired (used or not) before `cutoff`.
    fn remove_invitations_expired_before(&self, cutoff: i64) -> Result<usize, StoreError>;
    /// Password resets expired at `now`.
    fn remove_expired_resets(&self, now: i64) -> Result<usize, StoreError>;
    /// Records that `user` was active at `at` (never moves back).
    fn touch_user(&self, user: &PersonId, at: i64) -> Result<(), StoreError>;
    /// Users last active (or created, if never seen active) before `before`, with when they
    /// were told their account will be erased (`None`: not yet). Staff and admins are never
    /// listed: their accounts end with their employment, not with inactivity.
    fn inactive_users(&self, before: i64) -> Result<Vec<(PersonId, Option<i64>)>, StoreError>;
    /// Records that `user` was told at `at`.
    fn mark_inactivity_notice(&self, user: &PersonId, at: i64) -> Result<(), StoreError>;
}
