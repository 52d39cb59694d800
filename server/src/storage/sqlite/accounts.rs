//! [`AccountStore`](crate::storage::AccountStore) in SQLite: the accounts' tables, on their own
//! connection to the relay's database, shared by the relay's threads behind a mutex.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use samskab_model::authz::Role;
use samskab_model::sync::PeerId;
use samskab_model::{OrganisationId, PersonId};

use crate::accounts::{Organisation, User};
use crate::audit::{ProfileRead, ReadEntry};
use crate::peers::Binding;
use crate::storage::StoreError;
use crate::storage::accounts::{
    Acceptance, ActorBinding, ActorStore, AuditStore, CalendarStore, DeviceStore, InvitationRecord,
    InvitationStore, OrganisationStore, ResetRecord, ResetStore, SessionRecord, SessionStore,
    UserRecord, UserStore,
};

pub struct SqliteAccounts {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteAccounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteAccounts")
    }
}

impl SqliteAccounts {
    /// Opens (creating and migrating if needed) the database in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            conn: Mutex::new(super::connect(dir)?),
        })
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn person(id: String) -> Result<PersonId, StoreError> {
    id.parse().map_err(|_| StoreError::Corrupt("user id"))
}

/// Inserts a user; `false` if the id or e-mail is taken.
fn insert_user(conn: &Connection, user: &UserRecord) -> Result<bool, StoreError> {
    let inserted = conn.execute(
        "INSERT INTO users (id, email, name, phone, password_hash, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user.id.as_str(),
            user.email,
            user.name,
            user.phone,
            user.password_hash,
            user.role.as_str(),
            user.created_at
        ],
    );
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if is_constraint(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn add_membership(
    conn: &Connection,
    user: &PersonId,
    org: &OrganisationId,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO memberships (user_id, organisation) VALUES (?1, ?2)",
        params![user.as_str(), org.as_str()],
    )?;
    Ok(())
}

/// Sets the hash and ends every session, within the caller's transaction.
fn replace_password(tx: &Transaction<'_>, user: &PersonId, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE users SET password_hash = ?1 WHERE id = ?2",
        params![hash, user.as_str()],
    )?;
    tx.execute(
        "DELETE FROM sessions WHERE user_id = ?1",
        params![user.as_str()],
    )?;
    Ok(())
}

impl UserStore for SqliteAccounts {
    fn insert_user(&self, user: &UserRecord) -> Result<bool, StoreError> {
        insert_user(&self.conn(), user)
    }

    fn user(&self, id: &PersonId) -> Result<Option<User>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT email, name, phone, role FROM users WHERE id = ?1",
                params![id.as_str()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((email, name, phone, role)) = row else {
            return Ok(None);
        };
        let mut stmt =
            conn.prepare("SELECT organisation FROM memberships WHERE user_id = ?1 ORDER BY 1")?;
        let organisations = stmt
            .query_map(params![id.as_str()], |r| r.get::<_, String>(0))?
            .filter_map(|o| o.ok().and_then(|o| o.parse().ok()))
            .collect();
        Ok(Some(User {
            id: id.clone(),
            email,
            name,
            phone,
            role: role
                .parse()
                .map_err(|_| StoreError::Corrupt("stored role"))?,
            organisations,
        }))
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let id = self
            .conn()
            .query_row(
                "SELECT id FROM users WHERE email = ?1",
                params![email],
                |r| r.get::<_, String>(0),
            )
            .optional()?;
        match id {
            Some(id) => self.user(&person(id)?),
            None => Ok(None),
        }
    }

    fn credentials(&self, email: &str) -> Result<Option<(PersonId, String)>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, password_hash FROM users WHERE email = ?1",
                params![email],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        row.map(|(id, hash)| Ok((person(id)?, hash))).transpose()
    }

    fn password_hash(&self, id: &PersonId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                params![id.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn replace_password(&self, id: &PersonId, hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        replace_password(&tx, id, hash)?;
        tx.commit()?;
        Ok(())
    }

    fn person_ids(&self) -> Result<Vec<PersonId>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare("SELECT id FROM users")?;
        let ids = statement
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(Result::ok)
            .filter_map(|id| id.parse().ok())
            .collect();
        Ok(ids)
    }

    fn directory(&self) -> Result<Vec<(PersonId, String, String)>, StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare("SELECT id, name, email FROM users")?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .filter_map(Result::ok)
            .filter_map(|(id, name, email)| Some((id.parse().ok()?, name, email)))
            .collect();
        Ok(rows)
    }
}

impl OrganisationStore for SqliteAccounts {
    fn insert_organisation(&self, org: &Organisation, created_at: i64) -> Result<bool, StoreError> {
        let inserted = self.conn().execute(
            "INSERT INTO organisations (id, name, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![org.id.as_str(), org.name, org.kind, created_at],
        );
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_constraint(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, name, kind FROM organisations ORDER BY name")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .filter_map(Result::ok)
            .filter_map(|(id, name, kind)| {
                Some(Organisation {
                    id: id.parse().ok()?,
                    name,
                    kind,
                })
            })
            .collect();
        Ok(rows)
    }

    fn organisation_exists(&self, id: &OrganisationId) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM organisations WHERE id = ?1",
                params![id.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn add_membership(&self, user: &PersonId, org: &OrganisationId) -> Result<(), StoreError> {
        add_membership(&self.conn(), user, org)
    }

    fn coordinators_of(&self, org: &OrganisationId) -> Result<Vec<PersonId>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT u.id FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organisation = ?1 AND u.role = 'koordinator' ORDER BY 1",
        )?;
        let rows = stmt.query_map(params![org.as_str()], |row| row.get::<_, String>(0))?;
        let mut out = Vec::new();
        for id in rows {
            if let Ok(id) = id?.parse() {
                out.push(id);
            }
        }
        Ok(out)
    }
}

impl SessionStore for SqliteAccounts {
    fn insert_session(
        &self,
        token_hash: &[u8],
        user: &PersonId,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user.as_str(), created_at, expires_at],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        let row = self
            .conn()
            .prepare_cached(
                "SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?1",
            )?
            .query_row(params![token_hash], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()?;
        row.map(|(user, created_at, expires_at)| {
            Ok(SessionRecord {
                user: person(user)?,
                created_at,
                expires_at,
            })
        })
        .transpose()
    }

    fn extend_session(&self, token_hash: &[u8], expires_at: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sessions SET expires_at = ?1 WHERE token_hash = ?2",
            params![expires_at, token_hash],
        )?;
        Ok(())
    }

    fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }
}

impl InvitationStore for SqliteAccounts {
    fn insert_invitation(
        &self,
        code_hash: &[u8],
        invitation: &InvitationRecord,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO invitations (code_hash, role, organisation, invited_by, expires_at, used_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                code_hash,
                invitation.role.as_str(),
                invitation.organisation.as_ref().map(OrganisationId::as_str),
                invitation.invited_by.as_str(),
                invitation.expires_at,
                invitation.used_by.as_ref().map(PersonId::as_str),
            ],
        )?;
        Ok(())
    }

    fn invitation(&self, code_hash: &[u8]) -> Result<Option<InvitationRecord>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT role, organisation, invited_by, expires_at, used_by
                 FROM invitations WHERE code_hash = ?1",
                params![code_hash],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((role, organisation, invited_by, expires_at, used_by)) = row else {
            return Ok(None);
        };
        Ok(Some(InvitationRecord {
            role: role
                .parse()
                .map_err(|_| StoreError::Corrupt("stored role"))?,
            organisation: organisation.and_then(|o| o.parse().ok()),
            invited_by: person(invited_by)?,
            expires_at,
            used_by: used_by.map(person).transpose()?,
        }))
    }

    fn accept_invitation(
        &self,
        code_hash: &[u8],
        user: &UserRecord,
        now: i64,
    ) -> Result<Acceptance, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let claimed = tx.execute(
            "UPDATE invitations SET used_by = ?1
             WHERE code_hash = ?2 AND used_by IS NULL AND expires_at > ?3",
            params![user.id.as_str(), code_hash, now],
        )?;
        if claimed != 1 {
            return Ok(Acceptance::Invalid);
        }
        // Dropping `tx` without committing rolls the claim back.
        if !insert_user(&tx, user)? {
            return Ok(Acceptance::EmailTaken);
        }
        let organisation: Option<String> = tx.query_row(
            "SELECT organisation FROM invitations WHERE code_hash = ?1",
            params![code_hash],
            |r| r.get(0),
        )?;
        if let Some(org) = organisation.and_then(|o| o.parse().ok()) {
            add_membership(&tx, &user.id, &org)?;
        }
        tx.commit()?;
        Ok(Acceptance::Accepted)
    }
}

impl ResetStore for SqliteAccounts {
    fn replace_reset(
        &self,
        token_hash: &[u8],
        reset: &ResetRecord,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM password_resets WHERE user_id = ?1 OR expires_at <= ?2",
            params![reset.user.as_str(), now],
        )?;
        tx.execute(
            "INSERT INTO password_resets (token_hash, user_id, made_by, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                token_hash,
                reset.user.as_str(),
                reset.made_by.as_ref().map(PersonId::as_str),
                reset.created_at,
                reset.expires_at
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn reset_user(&self, token_hash: &[u8], now: i64) -> Result<Option<PersonId>, StoreError> {
        let user = self
            .conn()
            .query_row(
                "SELECT user_id FROM password_resets WHERE token_hash = ?1 AND expires_at > ?2",
                params![token_hash, now],
                |r| r.get::<_, String>(0),
            )
            .optional()?;
        user.map(person).transpose()
    }

    fn use_reset(
        &self,
        token_hash: &[u8],
        user: &PersonId,
        password_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // Whoever deletes the row uses the token; a parallel reset with it finds none.
        let claimed = tx.execute(
            "DELETE FROM password_resets WHERE token_hash = ?1 AND user_id = ?2 AND expires_at > ?3",
            params![token_hash, user.as_str(), now],
        )?;
        if claimed != 1 {
            return Ok(false);
        }
        replace_password(&tx, user, password_hash)?;
        tx.execute(
            "DELETE FROM password_resets WHERE user_id = ?1",
            params![user.as_str()],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

impl ActorStore for SqliteAccounts {
    fn bind_actor(&self, actor: &[u8], user: &PersonId) -> Result<bool, StoreError> {
        bind_actor(&self.conn(), actor, user)
    }

    fn actor_binding(&self, actor: &[u8]) -> Result<ActorBinding, StoreError> {
        let conn = self.conn();
        let retired: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM retired_actors WHERE actor = ?1)")?
            .query_row(params![actor], |r| r.get(0))?;
        if retired {
            return Ok(ActorBinding::Retired);
        }
        let owner: Option<String> = conn
            .prepare_cached("SELECT user_id FROM actors WHERE actor = ?1")?
            .query_row(params![actor], |r| r.get(0))
            .optional()?;
        owner.map_or(Ok(ActorBinding::Unbound), |o| {
            person(o).map(ActorBinding::Bound)
        })
    }

    fn bind_actors(&self, bindings: &[(Vec<u8>, PersonId)]) -> Result<Vec<bool>, StoreError> {
        if bindings.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let bound = bindings
            .iter()
            .map(|(actor, user)| bind_actor(&tx, actor, user))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(bound)
    }
}

/// Binds `actor` to `user` on `conn` (a connection, or a transaction on one) if it is unbound
/// and not retired; whether it is `user`'s.
fn bind_actor(conn: &Connection, actor: &[u8], user: &PersonId) -> Result<bool, StoreError> {
    // A retired actor id (an erased person's, or the relay's own) binds to no one, ever.
    conn.prepare_cached(
        "INSERT OR IGNORE INTO actors (actor, user_id)
         SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM retired_actors WHERE actor = ?1)",
    )?
    .execute(params![actor, user.as_str()])?;
    let owner: Option<String> = conn
        .prepare_cached("SELECT user_id FROM actors WHERE actor = ?1")?
        .query_row(params![actor], |r| r.get(0))
        .optional()?;
    Ok(owner.as_deref() == Some(user.as_str()))
}

impl DeviceStore for SqliteAccounts {
    fn bind_peer(&self, peer: &PeerId, user: &PersonId, now: i64) -> Result<Binding, StoreError> {
        let conn = self.conn();
        let inserted = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO peers (peer, user_id, last_contact) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![peer.as_str(), user.as_str(), now])?;
        if inserted == 1 {
            return Ok(Binding::Yours { last_contact: None });
        }
        let (owner, last): (String, i64) = conn
            .prepare_cached("SELECT user_id, last_contact FROM peers WHERE peer = ?1")?
            .query_row(params![peer.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(if owner == user.as_str() {
            Binding::Yours {
                last_contact: Some(last),
            }
        } else {
            Binding::Foreign
        })
    }

    fn touch_peer(&self, peer: &PeerId, at: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE peers SET last_contact = MAX(last_contact, ?2) WHERE peer = ?1",
            params![peer.as_str(), at],
        )?;
        Ok(())
    }

    fn session_contact(&self, session: &[u8]) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT last_contact FROM session_contacts WHERE session = ?1")?
            .query_row(params![session], |r| r.get(0))
            .optional()?)
    }

    fn touch_session(&self, session: &[u8], at: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO session_contacts (session, last_contact) VALUES (?1, ?2)
             ON CONFLICT(session) DO UPDATE SET last_contact = MAX(last_contact, excluded.last_contact)",
            params![session, at],
        )?;
        Ok(())
    }

    fn touch_all(
        &self,
        peers: &[(PeerId, i64)],
        sessions: &[(Vec<u8>, i64)],
    ) -> Result<(), StoreError> {
        if peers.is_empty() && sessions.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (peer, at) in peers {
            tx.prepare_cached(
                "UPDATE peers SET last_contact = MAX(last_contact, ?2) WHERE peer = ?1",
            )?
            .execute(params![peer.as_str(), at])?;
        }
        for (session, at) in sessions {
            // `WHERE true` tells SQLite's parser that ON CONFLICT is the upsert, not a join's.
            tx.prepare_cached(
                "INSERT INTO session_contacts (session, last_contact)
                 SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?1) AND true
                 ON CONFLICT(session) DO UPDATE SET last_contact = MAX(last_contact, excluded.last_contact)",
            )?
            .execute(params![session, at])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn forget_contacts(&self, cutoff: i64) -> Result<usize, StoreError> {
        let conn = self.conn();
        let peers = conn.execute("DELETE FROM peers WHERE last_contact < ?1", params![cutoff])?;
        let sessions = conn.execute(
            "DELETE FROM session_contacts WHERE last_contact < ?1",
            params![cutoff],
        )?;
        Ok(peers + sessions)
    }
}

impl AuditStore for SqliteAccounts {
    fn record_reads(&self, reads: &[ProfileRead]) -> Result<(), StoreError> {
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

    fn reads_of(
        &self,
        owner: &PersonId,
        limit: Option<usize>,
    ) -> Result<Vec<ReadEntry>, StoreError> {
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
            let (Ok(reader), Ok(reader_role)) = (reader.parse(), role.parse::<Role>()) else {
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

    fn read_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM profile_reads", [], |r| r.get(0))?)
    }
}

impl CalendarStore for SqliteAccounts {
    fn replace_calendar_feed(
        &self,
        person: &PersonId,
        token_hash: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO calendar_feeds (person, token_hash, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(person) DO UPDATE SET token_hash = excluded.token_hash,
                                               created_at = excluded.created_at",
            params![person.as_str(), token_hash, now],
        )?;
        Ok(())
    }

    fn calendar_feed(&self, token_hash: &[u8]) -> Result<Option<(PersonId, i64)>, StoreError> {
        let row: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT person, created_at FROM calendar_feeds WHERE token_hash = ?1",
                params![token_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(p, at)| {
            p.parse()
                .map(|p| (p, at))
                .map_err(|_| StoreError::Corrupt("calendar feed person"))
        })
        .transpose()
    }

    fn calendar_feed_of(&self, person: &PersonId) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT created_at FROM calendar_feeds WHERE person = ?1",
                params![person.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn delete_calendar_feed(&self, person: &PersonId) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM calendar_feeds WHERE person = ?1",
            params![person.as_str()],
        )?;
        Ok(())
    }
}
