//! The accounts' state, behind a few small traits, one per concept; [`AccountStore`] is all of
//! them, the type the relay holds (`Arc<dyn AccountStore>`, inside
//! [`crate::accounts::Accounts`]).
//!
//! The traits store and return what they are given: password hashes (argon2, made by the
//! caller), SHA-256 hashes of tokens and codes, times in milliseconds since the epoch. Deciding
//! (is this password right, has this session expired, may this person make a link) is the
//! caller's; what must hold whatever the callers do, or however many relays share the store,
//! is each method's to keep, and its doc comment says what.
//!
//! Every method blocks: call them from `spawn_blocking` or the sync engine's thread.

use samskab_model::authz::Role;
use samskab_model::sync::PeerId;
use samskab_model::{OrganisationId, PersonId};

use super::StoreError;
use crate::accounts::{Organisation, User};
use crate::audit::{ProfileRead, ReadEntry};
use crate::peers::Binding;

/// A user as stored, with their password's hash.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: PersonId,
    /// Normalised (trimmed, lowercased) by the caller; unique.
    pub email: String,
    pub name: String,
    pub phone: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: i64,
}

/// Everything but the hash, which has no business in a log.
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Users and their passwords' hashes.
pub trait UserStore {
    /// Stores a new user (with no organisations); `false`, storing nothing, if the id or the
    /// e-mail is taken. E-mails are unique across users, whatever the race.
    fn insert_user(&self, user: &UserRecord) -> Result<bool, StoreError>;
    /// A user with their organisations (sorted), if there is one.
    fn user(&self, id: &PersonId) -> Result<Option<User>, StoreError>;
    /// The user with exactly this (normalised) e-mail.
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// The id and password hash of the user with this (normalised) e-mail: what a login checks.
    fn credentials(&self, email: &str) -> Result<Option<(PersonId, String)>, StoreError>;
    /// A user's password hash.
    fn password_hash(&self, id: &PersonId) -> Result<Option<String>, StoreError>;
    /// Sets a user's password hash and ends every session of theirs, in one transaction: a
    /// changed or reset password never leaves an old session working, not even for a moment.
    fn replace_password(&self, id: &PersonId, hash: &str) -> Result<(), StoreError>;
    /// The ids of every user.
    fn person_ids(&self) -> Result<Vec<PersonId>, StoreError>;
    /// Every user's id, name and e-mail: what a search for people looks through.
    fn directory(&self) -> Result<Vec<(PersonId, String, String)>, StoreError>;
}

/// Organisations and who belongs to them.
pub trait OrganisationStore {
    /// Stores an organisation; `false`, storing nothing, if its id is taken.
    fn insert_organisation(&self, org: &Organisation, created_at: i64) -> Result<bool, StoreError>;
    /// Every organisation, by name.
    fn organisations(&self) -> Result<Vec<Organisation>, StoreError>;
    fn organisation_exists(&self, id: &OrganisationId) -> Result<bool, StoreError>;
    /// Makes `user` a member of `org`; a member already stays one (idempotent).
    fn add_membership(&self, user: &PersonId, org: &OrganisationId) -> Result<(), StoreError>;
    /// The coordinators of `org`, by id.
    fn coordinators_of(&self, org: &OrganisationId) -> Result<Vec<PersonId>, StoreError>;
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: PersonId,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Sessions, keyed by the SHA-256 of their token: the token itself is never given to the
/// store, so a copy of the database opens no session.
pub trait SessionStore {
    fn insert_session(
        &self,
        token_hash: &[u8],
        user: &PersonId,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The session with this token hash, expired or not (the caller judges).
    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError>;
    /// Moves a session's expiry.
    fn extend_session(&self, token_hash: &[u8], expires_at: i64) -> Result<(), StoreError>;
    /// Ends a session (nothing happens if there is none).
    fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError>;
}

/// An invitation as stored (keyed by its code's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub role: Role,
    pub organisation: Option<OrganisationId>,
    pub invited_by: PersonId,
    pub expires_at: i64,
    /// Who accepted it, once someone has.
    pub used_by: Option<PersonId>,
}

/// What accepting an invitation came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    Accepted,
    /// Unknown, used or expired: nothing stored.
    Invalid,
    /// The new user's id or e-mail is taken: nothing stored, the invitation still unused.
    EmailTaken,
}

/// Invitations, keyed by the SHA-256 of their one-time code.
pub trait InvitationStore {
    fn insert_invitation(
        &self,
        code_hash: &[u8],
        invitation: &InvitationRecord,
    ) -> Result<(), StoreError>;
    fn invitation(&self, code_hash: &[u8]) -> Result<Option<InvitationRecord>, StoreError>;
    /// In one transaction: marks the invitation used by `user` if it is unused and unexpired
    /// at `now`, stores `user` (with the invitation's role as given) and makes them a member
    /// of the invitation's organisation. An invitation is accepted at most once, whatever the
    /// race; a refused acceptance stores nothing.
    fn accept_invitation(
        &self,
        code_hash: &[u8],
        user: &UserRecord,
        now: i64,
    ) -> Result<Acceptance, StoreError>;
}

/// A password reset as stored (keyed by its token's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRecord {
    pub user: PersonId,
    /// The staff member who made it to hand over, or none (mailed).
    pub made_by: Option<PersonId>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Password resets, keyed by the SHA-256 of their token.
pub trait ResetStore {
    /// In one transaction: deletes every earlier reset of the user and every reset expired at
    /// `now`, and stores this one. A user has at most one working reset.
    fn replace_reset(
        &self,
        token_hash: &[u8],
        reset: &ResetRecord,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The user of a reset that is unexpired at `now`.
    fn reset_user(&self, token_hash: &[u8], now: i64) -> Result<Option<PersonId>, StoreError>;
    /// In one transaction: uses up the reset (if it is still there, `user`'s and unexpired at
    /// `now`), sets the password hash, ends every session of the user and deletes the user's
    /// other resets. `false`, changing nothing, if the reset was gone: a token works once,
    /// whatever the race.
    fn use_reset(
        &self,
        token_hash: &[u8],
        user: &PersonId,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
}

/// Automerge actor ids and whose they are.
pub trait ActorStore {
    /// Binds `actor` to `user` if it is unbound; says whether it is `user`'s. An actor id binds
    /// to at most one person, forever: a binding is never changed, and is deleted only when
    /// the person is erased, when the id is retired and binds to no one ever again.
    fn bind_actor(&self, actor: &[u8], user: &PersonId) -> Result<bool, StoreError>;
    /// Whom `actor` is bound to, without binding it.
    fn actor_binding(&self, actor: &[u8]) -> Result<ActorBinding, StoreError>;
    /// As [`ActorStore::bind_actor`] for each pair, in one transaction (the sync engine binds
    /// the new actors of a burst together, before it stores the burst's changes): whether
    /// each actor is now its user's.
    fn bind_actors(&self, bindings: &[(Vec<u8>, PersonId)]) -> Result<Vec<bool>, StoreError>;
}

/// Whom an actor id is bound to ([`ActorStore::actor_binding`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorBinding {
    /// No one yet: the first user to write with it gets it.
    Unbound,
    Bound(PersonId),
    /// An erased person's, or a relay's own: no one, ever.
    Retired,
}

/// Devices: sync peer ids bound to users, and when each session was last in contact.
pub trait DeviceStore {
    /// Binds `peer` to `user` at `now` if it is unbound, and says whose it is: `Yours` with the
    /// last contact if it was already `user`'s, `Yours` with none if it was bound now. A peer
    /// id is bound to at most one user until it is forgotten.
    fn bind_peer(&self, peer: &PeerId, user: &PersonId, now: i64) -> Result<Binding, StoreError>;
    /// Records contact with a bound peer at `at`; the last contact never moves back.
    fn touch_peer(&self, peer: &PeerId, at: i64) -> Result<(), StoreError>;
    /// When a connection of the session with this token hash was last in contact.
    fn session_contact(&self, session: &[u8]) -> Result<Option<i64>, StoreError>;
    /// Records a session's contact at `at`; the last contact never moves back.
    fn touch_session(&self, session: &[u8], at: i64) -> Result<(), StoreError>;
    /// Records many contacts in one transaction (the sync engine gathers those of a burst of
    /// connections and disconnections): as [`DeviceStore::touch_peer`] for each peer and
    /// [`DeviceStore::touch_session`] for each session, except that a session that no longer
    /// exists (it ended, or its person was erased, while the write waited) gets no contact.
    fn touch_all(
        &self,
        peers: &[(PeerId, i64)],
        sessions: &[(Vec<u8>, i64)],
    ) -> Result<(), StoreError>;
    /// Forgets peer bindings and session contacts last in contact before `cutoff`; how many.
    fn forget_contacts(&self, cutoff: i64) -> Result<usize, StoreError>;
}

/// The audit log of profile reads.
pub trait AuditStore {
    /// Stores the entries in one transaction, durably, before returning: the relay sends the
    /// reads they record only after this returns, so no read escapes the log.
    fn record_reads(&self, reads: &[ProfileRead]) -> Result<(), StoreError>;
    /// The entries of `owner`'s profile, newest first (by time, then the latest recorded),
    /// the newest `limit` or all, with each reader's current name and organisations.
    fn reads_of(
        &self,
        owner: &PersonId,
        limit: Option<usize>,
    ) -> Result<Vec<ReadEntry>, StoreError>;
    /// How many entries there are in all.
    fn read_count(&self) -> Result<u64, StoreError>;
}

/// The calendar feeds: one secret per person, kept as its hash.
pub trait CalendarStore {
    /// Makes `token_hash` the person's feed secret, replacing any earlier one.
    fn replace_calendar_feed(
        &self,
        person: &PersonId,
        token_hash: &[u8],
        now: i64,
    ) -> Result<(), StoreError>;
    /// Whose feed secret this is, and since when.
    fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<(PersonId, i64)>, StoreError>;
    /// When the person's feed was made, if they have one.
    fn calendar_feed_of(&self, person: &PersonId) -> Result<Option<i64>, StoreError>;
    /// Ends the person's feed.
    fn delete_calendar_feed(&self, person: &PersonId) -> Result<(), StoreError>;
}

/// All of the accounts' state.
pub trait AccountStore:
    UserStore
    + OrganisationStore
    + SessionStore
    + InvitationStore
    + ResetStore
    + ActorStore
    + DeviceStore
    + AuditStore
    + CalendarStore
    + super::erasure::ErasureStore
    + super::erasure::RetentionStore
    + Send
    + Sync
    + std::fmt::Debug
{
}

impl<T> AccountStore for T where
    T: UserStore
        + OrganisationStore
        + SessionStore
        + InvitationStore
        + ResetStore
        + ActorStore
        + DeviceStore
        + AuditStore
        + CalendarStore
        + super::erasure::ErasureStore
        + super::erasure::RetentionStore
        + Send
        + Sync
        + std::fmt::Debug
{
}
