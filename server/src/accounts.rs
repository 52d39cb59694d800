//! Accounts, organisation memberships, sessions, invitations and actor bindings: the rules,
//! over an [`AccountStore`] that keeps their state (SQLite, or any other implementation; see
//! [`crate::storage::accounts`] for what a store guarantees).
//!
//! - Passwords: argon2id (RFC 9106's second recommended parameters, the `argon2` crate's
//!   default), at least [`MIN_PASSWORD`] characters. A login for an unknown email verifies
//!   against a dummy hash, so a wrong password and an unknown email take the same time and get
//!   the same answer.
//! - Sessions: 256 random bits, given to the client once; only their SHA-256 is stored. They
//!   expire [`SESSION_DAYS`] after last use (sliding), and end at logout and at a password
//!   change (every session of that user).
//! - Actor bindings: an automerge actor id belongs to the first user who wrote with it.
//! - Account fields (name, e-mail, phone) follow `samskab_model::account_fields`, the rules
//!   the app's form follows too. Passwords never appear in `Debug` output ([`Password`], and
//!   [`NewUser`]'s own `Debug`).
//!
//! Hashing and checking passwords, making tokens and judging expiry happen here; the store
//! only keeps hashes. Every method is blocking (storage, argon2): call them from
//! `spawn_blocking`.

use std::path::Path;
use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use samskab_model::account_fields::{self, FieldError};
use samskab_model::authz::Role;
use samskab_model::clock::{Clock, SystemClock};
use samskab_model::{OrganisationId, PersonId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::storage::accounts::{Acceptance, ActorBinding, InvitationRecord, UserRecord};
use crate::storage::{AccountStore, SqliteAccounts, StoreError};

pub const MIN_PASSWORD: usize = account_fields::MIN_PASSWORD;
pub const MAX_PASSWORD: usize = account_fields::MAX_PASSWORD_BYTES;
pub const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A user as the API shows it (never the password hash): the type the app reads too.
pub use samskab_model::api::{PersonFound, User};

/// The most people one search finds.
pub const PEOPLE_FOUND: usize = 20;

/// What registering or creating a user needs.
#[derive(Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub phone: String,
    pub password: String,
    pub role: Role,
}

/// Everything but the password, which a log line must never carry.
impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("name", &self.name)
            .field("phone", &self.phone)
            .field("password", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

/// A password as a request body carries it. Its `Debug` is redacted, so a request type that
/// derives `Debug` cannot leak it into a log.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Wrong password or unknown email: one answer for both.
    #[error("wrong email or password")]
    BadCredentials,
    #[error("an account with that email exists")]
    EmailTaken,
    #[error("the password must have at least {MIN_PASSWORD} characters")]
    PasswordTooShort,
    #[error("the password is too long")]
    PasswordTooLong,
    #[error("{0}")]
    Invalid(&'static str),
    /// A name, e-mail or phone the account rules refuse.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// The relay's own data is not what it wrote (a bad row, a demo constant): never the
    /// client's fault, so never a 4xx.
    #[error("stored data: {0}")]
    Corrupt(&'static str),
    #[error("the invitation is unknown, used or expired")]
    InvitationInvalid,
    #[error("the reset link is unknown, used or expired")]
    ResetInvalid,
    #[error("storage: {0}")]
    Storage(#[from] StoreError),
    #[error("password hashing: {0}")]
    Hash(String),
}

/// The relay's accounts.
pub struct Accounts {
    store: Arc<dyn AccountStore>,
    /// Where "now" comes from, for everything the relay dates (shared with the sync engine).
    clock: Arc<dyn Clock>,
    /// What a login for an unknown e-mail verifies against, so it costs what a known one does.
    dummy_hash: String,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Accounts")
    }
}

pub(crate) fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// What identifies a session without the token itself (its stored hash).
pub fn session_hash(token: &str) -> Vec<u8> {
    token_hash(token)
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS random source failing is not something a relay can carry on from.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("the OS random source works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The model's rule for a new password, the one the app's forms check too.
pub(crate) fn check_password(password: &str) -> Result<(), AccountError> {
    account_fields::password(password).map_err(|e| match e {
        account_fields::PasswordError::TooShort => AccountError::PasswordTooShort,
        account_fields::PasswordError::TooLong => AccountError::PasswordTooLong,
    })
}

/// Emails are compared trimmed and lowercased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Accounts {
    /// The accounts kept in `store`.
    pub fn new(store: Arc<dyn AccountStore>) -> Result<Self, AccountError> {
        Self::with_clock(store, Arc::new(SystemClock))
    }

    /// Accounts that read the time from `clock` (tests set it).
    pub fn with_clock(
        store: Arc<dyn AccountStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AccountError> {
        Ok(Self {
            store,
            clock,
            dummy_hash: hash_password(&random_hex(16))?,
        })
    }

    /// The relay's clock.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Now, in milliseconds since the epoch, by the relay's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now().millis()
    }

    /// The accounts in the relay's SQLite database in `dir`, created or migrated if needed.
    pub fn open(dir: &Path) -> Result<Self, AccountError> {
        Self::new(Arc::new(SqliteAccounts::open(dir)?))
    }

    /// Where the accounts are kept.
    pub fn store(&self) -> &dyn AccountStore {
        &*self.store
    }

    /// Creates a user with a random id, or with `id` (demo accounts have fixed ids).
    pub fn create_user(&self, new: &NewUser, id: Option<PersonId>) -> Result<User, AccountError> {
        let record = user_record(new, id, self.now_ms())?;
        if !self.store.insert_user(&record)? {
            return Err(AccountError::EmailTaken);
        }
        self.user(&record.id)?
            .ok_or(AccountError::Corrupt("user vanished"))
    }

    pub fn add_membership(
        &self,
        user: &PersonId,
        org: &OrganisationId,
    ) -> Result<(), AccountError> {
        Ok(self.store.add_membership(user, org)?)
    }

    pub fn user(&self, id: &PersonId) -> Result<Option<User>, AccountError> {
        Ok(self.store.user(id)?)
    }

    /// People `who` may find by `query`, to add to a group or invite to a meeting: staff and
    /// admins search names and e-mails (case-insensitive, at least two characters, the
    /// first [`PEOPLE_FOUND`] by name); a coordinator finds only the person with exactly the
    /// e-mail typed (someone they already know); a volunteer no one. `None`: not allowed.
    pub fn find_people(
        &self,
        who: &User,
        query: &str,
    ) -> Result<Option<Vec<PersonFound>>, AccountError> {
        let query = query.trim().to_lowercase();
        match who.role {
            Role::Staff | Role::Admin => {
                if query.chars().count() < 2 {
                    return Ok(Some(Vec::new()));
                }
                let mut found: Vec<PersonFound> = self
                    .store
                    .directory()?
                    .into_iter()
                    .filter(|(_, name, email)| {
                        name.to_lowercase().contains(&query) || email.contains(&query)
                    })
                    .map(|(person, name, email)| PersonFound {
                        person,
                        name,
                        email,
                    })
                    .collect();
                found.sort_by(|a, b| {
                    (a.name.to_lowercase(), &a.person).cmp(&(b.name.to_lowercase(), &b.person))
                });
                found.truncate(PEOPLE_FOUND);
                Ok(Some(found))
            }
            Role::Coordinator => Ok(Some(
                self.user_by_email(&query)?
                    .map(|u| PersonFound {
                        person: u.id,
                        name: u.name,
                        email: u.email,
                    })
                    .into_iter()
                    .collect(),
            )),
            Role::Volunteer => Ok(None),
        }
    }

    /// The user with this e-mail (compared trimmed and lowercased), if there is one.
    pub fn user_by_email(&self, email: &str) -> Result<Option<User>, AccountError> {
        Ok(self.store.user_by_email(&normalise_email(email))?)
    }

    /// Checks the password and opens a session. Unknown email and wrong password cost the
    /// same argon2 verification and give the same error.
    pub fn login(&self, email: &str, password: &str) -> Result<(User, String), AccountError> {
        let found = self.store.credentials(&normalise_email(email))?;
        let hash = found.as_ref().map_or(&self.dummy_hash, |(_, hash)| hash);
        let ok = password.len() <= MAX_PASSWORD && verify_password(password, hash);
        let (true, Some((id, _))) = (ok, found) else {
            return Err(AccountError::BadCredentials);
        };
        let user = self.user(&id)?.ok_or(AccountError::BadCredentials)?;
        let token = self.open_session(&id)?;
        Ok((user, token))
    }

    pub(crate) fn open_session(&self, user: &PersonId) -> Result<String, AccountError> {
        let token = random_hex(32);
        let now = self.now_ms();
        // Activity, for the retention of inactive accounts (`retention`).
        self.store.touch_user(user, now)?;
        self.store
            .insert_session(&token_hash(&token), user, now, now + SESSION_DAYS * DAY_MS)?;
        Ok(token)
    }

    /// The user a session token belongs to, if it is valid; extends it (sliding expiry).
    pub fn session(&self, token: &str) -> Result<Option<User>, AccountError> {
        self.session_at(token, self.now_ms())
    }

    /// [`Accounts::session`] at a given time (tests move the clock).
    pub fn session_at(&self, token: &str, now: i64) -> Result<Option<User>, AccountError> {
        if token.len() != 64 {
            return Ok(None);
        }
        let hash = token_hash(token);
        let Some(session) = self.store.session(&hash)? else {
            return Ok(None);
        };
        if session.expires_at <= now {
            self.store.delete_session(&hash)?;
            return Ok(None);
        }
        // Extend at most once a day, not on every request.
        let renewed = now + SESSION_DAYS * DAY_MS;
        if renewed - session.expires_at > DAY_MS {
            self.store.extend_session(&hash, renewed)?;
            self.store.touch_user(&session.user, now)?;
        }
        self.user(&session.user)
    }

    pub fn logout(&self, token: &str) -> Result<(), AccountError> {
        Ok(self.store.delete_session(&token_hash(token))?)
    }

    /// Changes the password after checking the old one; ends every session of the user and
    /// returns a new one.
    pub fn change_password(
        &self,
        user: &PersonId,
        old: &str,
        new: &str,
    ) -> Result<String, AccountError> {
        check_password(new)?;
        let hash = self
            .store
            .password_hash(user)?
            .ok_or(AccountError::Corrupt("user vanished"))?;
        if !verify_password(old, &hash) {
            return Err(AccountError::BadCredentials);
        }
        let new_hash = hash_password(new)?;
        self.store.replace_password(user, &new_hash)?;
        self.open_session(user)
    }

    /// Makes a new calendar feed secret (its hash) the person's; returns when.
    pub fn replace_calendar_feed(
        &self,
        person: &PersonId,
        hash: &[u8],
    ) -> Result<i64, AccountError> {
        let now = self.now_ms();
        self.store.replace_calendar_feed(person, hash, now)?;
        Ok(now)
    }

    /// Whose calendar feed secret has this hash.
    pub fn calendar_feed_by_hash(
        &self,
        hash: &[u8],
    ) -> Result<Option<(PersonId, i64)>, AccountError> {
        Ok(self.store.calendar_feed(hash)?)
    }

    /// When the person's calendar feed was made, if they have one.
    pub fn calendar_feed_of(&self, person: &PersonId) -> Result<Option<i64>, AccountError> {
        Ok(self.store.calendar_feed_of(person)?)
    }

    /// Ends the person's calendar feed.
    pub fn delete_calendar_feed(&self, person: &PersonId) -> Result<(), AccountError> {
        Ok(self.store.delete_calendar_feed(person)?)
    }

    /// Checks `user`'s password (to confirm something irreversible, such as deleting the
    /// account): `BadCredentials` if it is wrong.
    pub fn check_password(&self, user: &PersonId, password: &str) -> Result<(), AccountError> {
        let hash = self
            .store
            .password_hash(user)?
            .ok_or(AccountError::BadCredentials)?;
        if password.len() <= MAX_PASSWORD && verify_password(password, &hash) {
            Ok(())
        } else {
            Err(AccountError::BadCredentials)
        }
    }

    /// Whom an automerge actor id is bound to, without binding it.
    pub fn actor_binding(&self, actor: &[u8]) -> Result<ActorBinding, AccountError> {
        Ok(self.store.actor_binding(actor)?)
    }

    /// Binds each actor id to its user if it is new, in one transaction; whether each is now
    /// its user's.
    pub fn bind_actors(&self, bindings: &[(Vec<u8>, PersonId)]) -> Result<Vec<bool>, AccountError> {
        Ok(self.store.bind_actors(bindings)?)
    }
}

/// A new user's record: its fields checked by the account rules, its password hashed, its id
/// `id` or a random one.
fn user_record(new: &NewUser, id: Option<PersonId>, now: i64) -> Result<UserRecord, AccountError> {
    let email = account_fields::email(&new.email)?;
    let name = account_fields::name(&new.name)?;
    let phone = account_fields::phone(&new.phone)?;
    check_password(&new.password)?;
    let id = match id {
        Some(id) => id,
        None => format!("u-{}", random_hex(8))
            .parse()
            .map_err(|_| AccountError::Corrupt("generated id"))?,
    };
    Ok(UserRecord {
        id,
        email,
        name,
        phone,
        password_hash: hash_password(&new.password)?,
        role: new.role,
        created_at: now,
    })
}

/// An association or a municipal centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    /// "forening" (association) or "center" (municipal centre).
    pub kind: String,
}

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 14;

impl Accounts {
    pub fn create_organisation(&self, org: &Organisation) -> Result<(), AccountError> {
        if org.name.trim().is_empty() || org.name.chars().count() > 120 {
            return Err(AccountError::Invalid(
                "a name of 1 to 120 characters is required",
            ));
        }
        if !matches!(org.kind.as_str(), "forening" | "center" | "anden") {
            return Err(AccountError::Invalid(
                "kind must be forening, center or anden",
            ));
        }
        let trimmed = Organisation {
            name: org.name.trim().to_owned(),
            ..org.clone()
        };
        if self.store.insert_organisation(&trimmed, self.now_ms())? {
            Ok(())
        } else {
            Err(AccountError::Invalid("an organisation with that id exists"))
        }
    }

    pub fn organisations(&self) -> Result<Vec<Organisation>, AccountError> {
        Ok(self.store.organisations()?)
    }

    /// The coordinators of `org`.
    pub fn coordinators_of(&self, org: &OrganisationId) -> Result<Vec<PersonId>, AccountError> {
        Ok(self.store.coordinators_of(org)?)
    }

    pub fn organisation_exists(&self, id: &OrganisationId) -> Result<bool, AccountError> {
        Ok(self.store.organisation_exists(id)?)
    }

    /// Stores an invitation and returns its one-time code (128 random bits, hex; only its
    /// hash is kept).
    pub fn invite(
        &self,
        by: &PersonId,
        role: Role,
        organisation: Option<&OrganisationId>,
    ) -> Result<String, AccountError> {
        let code = random_hex(16);
        self.store.insert_invitation(
            &token_hash(&code),
            &InvitationRecord {
                role,
                organisation: organisation.cloned(),
                invited_by: by.clone(),
                expires_at: self.now_ms() + INVITATION_DAYS * DAY_MS,
                used_by: None,
            },
        )?;
        Ok(code)
    }

    /// Creates the invited account (with the invitation's role and organisation) and signs it
    /// in. The code works once, until it expires.
    pub fn accept_invitation(
        &self,
        code: &str,
        new: &NewUser,
    ) -> Result<(User, String), AccountError> {
        let hash = token_hash(code);
        let now = self.now_ms();
        let Some(invitation) = self.store.invitation(&hash)? else {
            return Err(AccountError::InvitationInvalid);
        };
        if invitation.used_by.is_some() || invitation.expires_at <= now {
            return Err(AccountError::InvitationInvalid);
        }
        let record = user_record(
            &NewUser {
                role: invitation.role,
                ..new.clone()
            },
            None,
            self.now_ms(),
        )?;
        match self.store.accept_invitation(&hash, &record, now)? {
            Acceptance::Accepted => {}
            // Another acceptance won the race.
            Acceptance::Invalid => return Err(AccountError::InvitationInvalid),
            Acceptance::EmailTaken => return Err(AccountError::EmailTaken),
        }
        self.login(&record.email, &new.password)
    }
}

/// The demo accounts `--demo` creates, all with password [`DEMO_PASSWORD`]:
/// (id, email, name, role, organisation).
pub const DEMO_ACCOUNTS: &[(&str, &str, &str, Role, Option<&str>)] = &[
    (
        "demo-anna",
        "anna@demo.samskab.dk",
        "Anna Frivillig",
        Role::Volunteer,
        None,
    ),
    (
        "demo-bo",
        "bo@demo.samskab.dk",
        "Bo Jensen",
        Role::Coordinator,
        Some("haslev-fodbold"),
    ),
    (
        "demo-carla",
        "carla@demo.samskab.dk",
        "Carla Kommune",
        Role::Staff,
        None,
    ),
    (
        "demo-admin",
        "admin@demo.samskab.dk",
        "Admin Samskab",
        Role::Admin,
        None,
    ),
];
pub const DEMO_PASSWORD: &str = "samskab-demo";

impl Accounts {
    /// Creates the demo organisations and accounts that do not exist yet; returns how many
    /// accounts it created.
    pub fn seed_demo(&self) -> Result<usize, AccountError> {
        for (id, name) in samskab_model::demo::ORGANISATIONS {
            let id: OrganisationId = id.parse().map_err(|_| AccountError::Corrupt("demo org"))?;
            if !self.organisation_exists(&id)? {
                let kind = if id.as_str().starts_with("aktivitetscenter") {
                    "center"
                } else {
                    "forening"
                };
                self.create_organisation(&Organisation {
                    id,
                    name: (*name).into(),
                    kind: kind.into(),
                })?;
            }
        }
        let mut created = 0;
        for (id, email, name, role, org) in DEMO_ACCOUNTS {
            let id: PersonId = id.parse().map_err(|_| AccountError::Corrupt("demo id"))?;
            if self.user(&id)?.is_some() {
                continue;
            }
            let new = NewUser {
                email: (*email).into(),
                name: (*name).into(),
                phone: String::new(),
                password: DEMO_PASSWORD.into(),
                role: *role,
            };
            self.create_user(&new, Some(id.clone()))?;
            if let Some(org) = org {
                let org = org.parse().map_err(|_| AccountError::Corrupt("demo org"))?;
                self.add_membership(&id, &org)?;
            }
            created += 1;
        }
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> (tempfile::TempDir, Accounts) {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::open(dir.path()).unwrap();
        (dir, accounts)
    }

    fn anna() -> NewUser {
        NewUser {
            email: " Anna@Example.dk ".into(),
            name: "Anna".into(),
            phone: String::new(),
            password: "korrekt hest".into(),
            role: Role::Volunteer,
        }
    }

    #[test]
    fn register_log_in_use_and_end_a_session() {
        let (_dir, a) = accounts();
        let user = a.create_user(&anna(), None).unwrap();
        assert_eq!(user.email, "anna@example.dk");
        assert!(matches!(
            a.create_user(&anna(), None),
            Err(AccountError::EmailTaken)
        ));

        let (same, token) = a.login("ANNA@example.dk", "korrekt hest").unwrap();
        assert_eq!(same, user);
        assert_eq!(token.len(), 64);
        assert_eq!(a.session(&token).unwrap(), Some(user.clone()));
        a.logout(&token).unwrap();
        assert_eq!(a.session(&token).unwrap(), None);
    }

    #[test]
    fn wrong_password_and_unknown_email_get_the_same_answer() {
        let (_dir, a) = accounts();
        a.create_user(&anna(), None).unwrap();
        let wrong = a.login("anna@example.dk", "forkert kode").unwrap_err();
        let unknown = a.login("nobody@example.dk", "korrekt hest").unwrap_err();
        assert_eq!(wrong.to_string(), unknown.to_string());
        assert!(matches!(wrong, AccountError::BadCredentials));
    }

    #[test]
    fn passwords_stay_out_of_debug_output() {
        let shown = format!("{:?}", anna());
        assert!(!shown.contains("korrekt hest"), "{shown}");
        assert!(
            shown.contains("Anna@Example.dk"),
            "the rest is shown: {shown}"
        );
        let password: Password = serde_json::from_str("\"korrekt hest\"").unwrap();
        assert_eq!(password.expose(), "korrekt hest");
        assert!(!format!("{password:?}").contains("korrekt"));
    }

    #[test]
    fn account_fields_are_checked_and_stored_trimmed() {
        let (_dir, a) = accounts();
        let mut bad = anna();
        bad.email = "@".into();
        assert!(matches!(
            a.create_user(&bad, None),
            Err(AccountError::Field(FieldError::Email))
        ));
        let mut bad = anna();
        bad.phone = "1".repeat(31);
        assert!(matches!(
            a.create_user(&bad, None),
            Err(AccountError::Field(FieldError::Phone))
        ));
        let mut good = anna();
        good.phone = " +45 12 34 56 78 ".into();
        assert_eq!(a.create_user(&good, None).unwrap().phone, "+45 12 34 56 78");
    }

    #[test]
    fn short_passwords_are_refused() {
        let (_dir, a) = accounts();
        let mut short = anna();
        short.password = "123456789".into();
        assert!(matches!(
            a.create_user(&short, None),
            Err(AccountError::PasswordTooShort)
        ));
    }

    #[test]
    fn sessions_slide_and_expire() {
        let (_dir, a) = accounts();
        a.create_user(&anna(), None).unwrap();
        let (_, token) = a.login("anna@example.dk", "korrekt hest").unwrap();
        let now = a.now_ms();
        // Used after 20 days: still valid, and extended.
        assert!(a.session_at(&token, now + 20 * DAY_MS).unwrap().is_some());
        assert!(a.session_at(&token, now + 45 * DAY_MS).unwrap().is_some());
        // Unused for longer than the window: gone.
        assert!(a.session_at(&token, now + 80 * DAY_MS).unwrap().is_none());
        assert!(a.session_at(&token, now).unwrap().is_none());
        assert!(a.session("not-a-token").unwrap().is_none());
    }

    #[test]
    fn a_password_change_ends_every_session() {
        let (_dir, a) = accounts();
        let user = a.create_user(&anna(), None).unwrap();
        let (_, one) = a.login("anna@example.dk", "korrekt hest").unwrap();
        let (_, two) = a.login("anna@example.dk", "korrekt hest").unwrap();
        assert!(matches!(
            a.change_password(&user.id, "forkert kode", "ny og lang kode"),
            Err(AccountError::BadCredentials)
        ));
        let fresh = a
            .change_password(&user.id, "korrekt hest", "ny og lang kode")
            .unwrap();
        assert!(a.session(&one).unwrap().is_none());
        assert!(a.session(&two).unwrap().is_none());
        assert!(a.session(&fresh).unwrap().is_some());
        assert!(a.login("anna@example.dk", "korrekt hest").is_err());
        assert!(a.login("anna@example.dk", "ny og lang kode").is_ok());
    }

    #[test]
    fn an_actor_id_belongs_to_its_first_user() {
        let (_dir, a) = accounts();
        a.seed_demo().unwrap();
        let anna: PersonId = "demo-anna".parse().unwrap();
        let bo: PersonId = "demo-bo".parse().unwrap();
        let bind = |who: &PersonId| a.bind_actors(&[(vec![1, 2, 3], who.clone())]).unwrap()[0];
        assert!(bind(&anna));
        assert!(bind(&anna));
        assert!(!bind(&bo));
    }

    #[test]
    fn demo_accounts_are_seeded_once_with_their_roles() {
        let (_dir, a) = accounts();
        assert_eq!(a.seed_demo().unwrap(), DEMO_ACCOUNTS.len());
        assert_eq!(a.seed_demo().unwrap(), 0);
        let (bo, _) = a.login("bo@demo.samskab.dk", DEMO_PASSWORD).unwrap();
        assert_eq!(bo.role, Role::Coordinator);
        assert_eq!(bo.organisations, vec!["haslev-fodbold".parse().unwrap()]);
    }
}
