-- Calendar feeds: one private, revocable feed URL per person. Only the hash of the URL's
-- secret is kept; a new one replaces the old (which stops working at once).
CREATE TABLE calendar_feeds (
    person TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
