//! The device's compact index of its documents, kept in IndexedDB beside them (store
//! `index`, one entry per document, see [`crate::store`]): each document's kind and heads,
//! and for the lists that show thousands of documents a row with what they show: a task's
//! card and the signed-in person's place on it ([`TaskRow`]), a profile for CV-banken's
//! search. A list or a search opens from the rows, and the sync client hands the hub each
//! stored document as bytes with its heads, parsed only when its page opens (or sync needs it).
//!
//! An entry is written in the same IndexedDB transaction as its document's bytes and deleted
//! in the same transaction as they are, so it is never older than its document and never
//! outlives it; logging out deletes the database with both. The entries are versioned
//! ([`INDEX_VERSION`], with the person they were made for in a record of their own): a store
//! written by an older app, or with no index at all, is rebuilt from the documents once, at
//! start.

use std::collections::HashMap;
use std::sync::Arc;

use automerge::{Automerge, ChangeHash};
use samskab_model::kinds::{DocumentKind, Kind};
use samskab_model::profile::{Profile, ProfileKind};
use samskab_model::public_task::PublicTask;
use samskab_model::task::{InvitationAnswer, Millis, TaskKind};
use samskab_model::{DocumentId, PersonId, Place, Roster, Task};
use serde::{Deserialize, Serialize};

/// The version of the entries' shape. Raise it whenever [`Stored`] or a row changes: the
/// entries of an older version are then rebuilt from the documents at the next start.
pub const INDEX_VERSION: u32 = 1;

/// The key of the record saying which version the entries are and whom they were made for
/// (a document id never starts with `@`).
pub const META_KEY: &str = "@meta";

/// The index's own record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub version: u32,
    /// The signed-in person the rows' "my place" parts were computed for.
    pub person: Option<PersonId>,
}

/// A task as the task list, "Mine opgaver" and "Invitationer til dig" show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    /// As anyone may see it (drafts included: the list leaves them out); the organisation's
    /// name is left empty and taken from the directory when shown.
    pub task: PublicTask,
    /// The signed-in person's place on each shift they are on.
    pub mine: Vec<MyShift>,
    /// The start of the shift the person is invited to and has not answered yet.
    pub invited_to: Option<Millis>,
    /// Whether the person has a sign-up entry of any state on the task (withdrawn too): such
    /// a task is not suggested to them.
    pub answered: bool,
}

/// The signed-in person on one shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyShift {
    pub start: Millis,
    pub end: Millis,
    pub place: MyPlace,
}

/// [`Place`], as far as "Mine opgaver" shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MyPlace {
    Confirmed,
    Waitlisted(usize),
    Declined,
}

impl From<MyPlace> for Place {
    fn from(place: MyPlace) -> Self {
        match place {
            MyPlace::Confirmed => Place::Confirmed,
            MyPlace::Waitlisted(n) => Place::Waitlisted(n),
            MyPlace::Declined => Place::Declined,
        }
    }
}

impl TaskRow {
    pub fn of(id: DocumentId, task: &Task, me: Option<&PersonId>) -> Self {
        let mut mine = Vec::new();
        let mut invited_to = None;
        let mut answered = false;
        if let Some(me) = me {
            answered = task.shifts.values().any(|s| s.signups.contains_key(me));
            for shift in task.shifts.values() {
                let place = match Roster::of(shift).place_of(shift, me) {
                    Place::Confirmed => MyPlace::Confirmed,
                    Place::Waitlisted(n) => MyPlace::Waitlisted(n),
                    Place::Declined => MyPlace::Declined,
                    Place::Withdrawn | Place::NotSignedUp => continue,
                };
                mine.push(MyShift {
                    start: shift.start,
                    end: shift.end,
                    place,
                });
            }
            mine.sort_by_key(|s| s.start);
            invited_to = task
                .invitations
                .get(me)
                .filter(|i| i.answer == InvitationAnswer::Pending)
                .and_then(|i| task.shifts.get(&i.shift))
                .map(|s| s.start);
        }
        TaskRow {
            task: PublicTask::project(id, task, ""),
            mine,
            invited_to,
            answered,
        }
    }
}

/// What a list needs of a document, by kind.
#[derive(Debug, Clone)]
pub enum Row {
    Task(Arc<TaskRow>),
    Profile(Arc<Profile>),
    /// A kind no list reads from the index (or a document that does not hydrate as its kind).
    None,
}

/// One document's entry, in memory.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The heads of the bytes stored beside it.
    pub heads: Vec<ChangeHash>,
    /// The word at `/kind` (empty: none).
    pub kind: String,
    pub row: Row,
}

/// One document's entry as IndexedDB keeps it (JSON; written by [`Entry::to_json`] in the
/// same shape from borrowed rows).
#[derive(Debug, Deserialize)]
struct Stored {
    heads: Vec<String>,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    task: Option<TaskRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile: Option<Profile>,
}

impl Entry {
    /// The entry of `doc` (parsed), for the signed-in person `me`.
    pub fn of(id: DocumentId, doc: &Automerge, me: Option<&PersonId>) -> Self {
        let kind = Kind::of(doc);
        let row = match kind.map(Kind::word) {
            Some(TaskKind::KIND) => autosurgeon::hydrate::<_, Task>(doc)
                .ok()
                .map_or(Row::None, |t| Row::Task(Arc::new(TaskRow::of(id, &t, me)))),
            // The whole document in one pass: a new staff device reads thousands of them.
            Some(ProfileKind::KIND) => samskab_model::kinds::whole::hydrate_whole::<Profile>(doc)
                .ok()
                .map_or(Row::None, |p| Row::Profile(Arc::new(p))),
            _ => Row::None,
        };
        Entry {
            heads: doc.get_heads(),
            kind: kind.map(Kind::word).unwrap_or_default().to_owned(),
            row,
        }
    }

    /// As IndexedDB keeps it: JSON, as bytes (read back without a detour through a JS
    /// string). Written from borrowed rows: a new staff device writes thousands.
    pub fn to_json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct StoredRef<'a> {
            heads: Vec<String>,
            kind: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            task: Option<&'a TaskRow>,
            #[serde(skip_serializing_if = "Option::is_none")]
            profile: Option<&'a Profile>,
        }
        let stored = StoredRef {
            heads: self.heads.iter().map(ToString::to_string).collect(),
            kind: &self.kind,
            task: match &self.row {
                Row::Task(t) => Some(t),
                _ => None,
            },
            profile: match &self.row {
                Row::Profile(p) => Some(p),
                _ => None,
            },
        };
        // A struct of strings, numbers and lists always serialises.
        serde_json::to_vec(&stored).unwrap_or_default()
    }

    /// From what IndexedDB keeps (`None`: not an entry of this version's shape).
    pub fn from_json(json: &[u8]) -> Option<Self> {
        // Through `from_str`, whose reader the app has already (`from_slice` would add
        // another copy of every deserializer to the wasm).
        let stored: Stored = serde_json::from_str(std::str::from_utf8(json).ok()?).ok()?;
        let heads = stored
            .heads
            .iter()
            .map(|h| h.parse().ok())
            .collect::<Option<Vec<ChangeHash>>>()?;
        let row = match (stored.task, stored.profile) {
            (Some(t), _) => Row::Task(Arc::new(t)),
            (None, Some(p)) => Row::Profile(Arc::new(p)),
            (None, None) => Row::None,
        };
        Some(Entry {
            heads,
            kind: stored.kind,
            row,
        })
    }
}

/// The entries of every document on the device, in memory (read from IndexedDB at start,
/// then kept as documents are saved and deleted), and a count per kind of how often its rows
/// changed, so that a page rebuilds what it derives from them (CV-banken's search index)
/// only when they did.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: HashMap<DocumentId, Entry>,
    changes: HashMap<String, u64>,
}

impl Index {
    pub fn insert(&mut self, id: DocumentId, entry: Entry) {
        *self.changes.entry(entry.kind.clone()).or_default() += 1;
        if let Some(old) = self.entries.insert(id, entry)
            && !old.kind.is_empty()
        {
            *self.changes.entry(old.kind).or_default() += 1;
        }
    }

    pub fn remove(&mut self, id: &DocumentId) {
        if let Some(old) = self.entries.remove(id) {
            *self.changes.entry(old.kind).or_default() += 1;
        }
    }

    /// How many times the entries of kind `K` changed.
    pub fn changes<K: DocumentKind>(&self) -> u64 {
        self.changes.get(K::KIND).copied().unwrap_or(0)
    }

    /// The kind word of a document, if it has an entry.
    pub fn kind_of(&self, id: &DocumentId) -> Option<&str> {
        self.entries.get(id).map(|e| e.kind.as_str())
    }
}
