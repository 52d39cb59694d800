//! Pages: many records written as one IndexedDB value.
//!
//! A browser pays for every record it writes: a request from the page's thread, a copy across
//! to the browser process, a LevelDB entry there. A new staff device stores thousands of
//! profiles, each a document and an index entry; written one record each, the writes cost
//! the browser process 1.5 s of CPU and the page 0.3 s (7,461 profiles). So a save writes
//! one page per object store, holding every record it saves, and a later page overrides an
//! earlier one key by key. Pages sort after every other key (they start with [`PREFIX`]; a
//! document id is base58, and the index's own record starts with `@`), so records written
//! one per key by apps before pages are read first and overridden by any page.
//!
//! A page's bytes: a version byte, then for each record its key's length (u32, little
//! endian), the key (UTF-8), its value's length (u32; [`GONE`] for a key deleted) and the
//! value. Nothing is compressed: documents are saved uncompressed on purpose (see
//! `sync_client::driver::saved`).

use std::collections::HashMap;

/// Every page's key starts with this; nothing else's does.
pub const PREFIX: &str = "~";

/// The first byte of every page this build writes.
const VERSION: u8 = 1;

/// The length that says "deleted" in place of a value's.
const GONE: u32 = u32::MAX;

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPage(pub &'static str);

/// A record as a page holds it: its key, and its value or `None` for a key deleted.
pub type Record<'a> = (&'a str, Option<&'a [u8]>);

/// Whether `key` names a page.
pub fn is_page(key: &str) -> bool {
    key.starts_with(PREFIX)
}

/// The bytes of a page of `records`, in order; `None` deletes the key.
pub fn encode<'a>(records: impl IntoIterator<Item = Record<'a>>) -> Vec<u8> {
    let mut out = vec![VERSION];
    for (key, value) in records {
        out.extend_from_slice(&len(key.len()).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        match value {
            Some(value) => {
                out.extend_from_slice(&len(value.len()).to_le_bytes());
                out.extend_from_slice(value);
            }
            None => out.extend_from_slice(&GONE.to_le_bytes()),
        }
    }
    out
}

/// A key or a value longer than 4 GiB cannot be in IndexedDB in the first place.
fn len(n: usize) -> u32 {
    u32::try_from(n).expect("a record under 4 GiB")
}

/// The records of a page, in the order they were written.
pub fn decode(bytes: &[u8]) -> Result<Vec<Record<'_>>, BadPage> {
    let (&version, mut rest) = bytes.split_first().ok_or(BadPage("empty"))?;
    if version != VERSION {
        return Err(BadPage("a page of another version"));
    }
    let mut records = Vec::new();
    while !rest.is_empty() {
        let (key, after) = take(rest)?;
        let key = std::str::from_utf8(key).map_err(|_| BadPage("a key that is not UTF-8"))?;
        let (n, after) = word(after)?;
        if n == GONE {
            records.push((key, None));
            rest = after;
        } else {
            let n = n as usize;
            if after.len() < n {
                return Err(BadPage("cut short"));
            }
            let (value, after) = after.split_at(n);
            records.push((key, Some(value)));
            rest = after;
        }
    }
    Ok(records)
}

fn word(bytes: &[u8]) -> Result<(u32, &[u8]), BadPage> {
    if bytes.len() < 4 {
        return Err(BadPage("cut short"));
    }
    let (n, rest) = bytes.split_at(4);
    Ok((u32::from_le_bytes([n[0], n[1], n[2], n[3]]), rest))
}

fn take(bytes: &[u8]) -> Result<(&[u8], &[u8]), BadPage> {
    let (n, rest) = word(bytes)?;
    let n = n as usize;
    if n == GONE as usize || rest.len() < n {
        return Err(BadPage("cut short"));
    }
    Ok(rest.split_at(n))
}

/// An object store's records as its values say, read in key order: each record one key
/// written alone, or a page of them.
#[derive(Debug, Default)]
pub struct Replay {
    /// The value each key has now.
    pub live: HashMap<String, Vec<u8>>,
    /// How many values and deletions were read (those of keys written again since included).
    pub copies: usize,
    /// The pages that could not be read (their records are lost here; the relay still has
    /// every document, and the catalog exchange at the next connection brings them back).
    pub bad: usize,
}

impl Replay {
    /// Takes in the next record in key order.
    pub fn record(&mut self, key: String, value: Vec<u8>) {
        if !is_page(&key) {
            self.copies += 1;
            self.live.insert(key, value);
            return;
        }
        match decode(&value) {
            Ok(records) => {
                for (key, value) in records {
                    self.copies += 1;
                    match value {
                        Some(value) => {
                            self.live.insert(key.to_owned(), value.to_vec());
                        }
                        None => {
                            self.live.remove(key);
                        }
                    }
                }
            }
            Err(_) => self.bad += 1,
        }
    }

    /// Values and deletions read that no longer count: once they outnumber the live values
    /// (and are more than a few), the store is written again without them.
    pub fn garbage(&self) -> usize {
        self.copies.saturating_sub(self.live.len())
    }

    /// Whether the store should be written again without its garbage.
    pub fn wants_compaction(&self) -> bool {
        self.garbage() > self.live.len().max(COMPACT_AFTER)
    }
}

/// Below this much garbage a store is never rewritten: a volunteer's few documents, edited
/// many times, take little room.
const COMPACT_AFTER: usize = 256;

/// A page's key: `~`, the time in milliseconds (15 digits), and 8 random hex digits so that
/// two tabs saving in the same millisecond do not name the same page. Keys sort by time.
pub fn key(millis: u64, salt: u32) -> String {
    format!("{PREFIX}{millis:015}-{salt:08x}")
}

/// The time in a page's key (`None` for any other key).
pub fn millis(key: &str) -> Option<u64> {
    key.strip_prefix(PREFIX)?.get(..15)?.parse().ok()
}
