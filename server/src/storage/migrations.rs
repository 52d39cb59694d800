//! The schema as numbered migrations, applied in order, each in its own transaction that also
//! records its number (SQLite's `PRAGMA user_version`). A database records the last migration
//! applied to it; opening it applies the ones after, and refuses a database whose number is
//! higher than any here (written by a newer relay, whose tables this one may misread).
//!
//! Migrations 1 to 3 create their tables `IF NOT EXISTS`: databases made before the schema was
//! versioned (version 0) already have them, and are adopted as they are. Later migrations are
//! plain changes (`ALTER TABLE`, new tables) and run once. A migration is never edited once
//! released: a change is a new migration with the next number.
//!
//! The SQL is SQLite's; another implementation keeps its own list with the same numbers and
//! meanings.

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// 1, 2, 3…: the order, and what the database records once it is applied.
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "documents",
        sql: include_str!("migrations/0001_documents.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("migrations/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "devices",
        sql: include_str!("migrations/0003_devices.sql"),
    },
    Migration {
        version: 4,
        name: "calendar",
        sql: include_str!("migrations/0004_calendar.sql"),
    },
    Migration {
        version: 5,
        name: "erasure",
        sql: include_str!("migrations/0005_erasure.sql"),
    },
];

/// The version a database has once every migration here is applied.
pub fn latest() -> u32 {
    SQLITE.last().map_or(0, |m| m.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (i, m) in SQLITE.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
        assert_eq!(latest() as usize, SQLITE.len());
    }
}
