-- Accounts, memberships, sessions, actor bindings, organisations, invitations, the audit log
-- of profile reads and password resets. Tokens and codes are stored only as their SHA-256.
-- IF NOT EXISTS: databases made before versioning already have these tables.
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
