-- Documents: each an ordered list of chunks (automerge incremental saves, or one compacted
-- save). `seq` only grows (AUTOINCREMENT never reuses a number), so it orders a document's
-- chunks and tells a compaction which chunks it read.
-- IF NOT EXISTS: databases made before versioning already have this table.
CREATE TABLE IF NOT EXISTS chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc, seq);
