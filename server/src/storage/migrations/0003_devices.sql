-- Devices: which user a sync peer id is bound to, and when each session was last in contact.
-- IF NOT EXISTS: databases made before versioning may already have these tables (the sync
-- engine made them at its start).
CREATE TABLE IF NOT EXISTS peers (
    peer TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    last_contact INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS session_contacts (
    session BLOB PRIMARY KEY,
    last_contact INTEGER NOT NULL
);
