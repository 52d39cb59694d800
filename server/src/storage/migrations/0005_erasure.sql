-- Erasure and retention (issue #15).
-- When each user was last active (a login, or a session renewed: at most daily), and when they
-- were told that their inactive account will be erased. NULL: not yet known / not told.
ALTER TABLE users ADD COLUMN last_active INTEGER;
ALTER TABLE users ADD COLUMN inactivity_notice_at INTEGER;
-- Tombstones, kept forever, ids and hashes only (no content): documents erased whole, and
-- every change hash of a history the relay replaced by a fresh one.
CREATE TABLE IF NOT EXISTS erased_documents (
    doc TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS retired_changes (
    hash BLOB PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS retired_changes_by_doc ON retired_changes(doc);
-- The log of erasures: who asked (the person themselves, or a staff member with a reason), when,
-- and what went. It names no erased person.
CREATE TABLE IF NOT EXISTS erasures (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    by_user TEXT,
    by_role TEXT NOT NULL,
    reason TEXT NOT NULL,
    documents_deleted INTEGER NOT NULL,
    documents_rewritten INTEGER NOT NULL,
    audit_removed INTEGER NOT NULL,
    audit_pseudonymised INTEGER NOT NULL
);
-- Actor ids that bind to no one, forever: an erased person's (moved here from `actors`), and
-- the one fresh histories are written under ("samskab-rewrite!"), so no user writes as the relay.
CREATE TABLE IF NOT EXISTS retired_actors (
    actor BLOB PRIMARY KEY
);
INSERT OR IGNORE INTO retired_actors (actor) VALUES (X'73616d736b61622d7265777269746521');
