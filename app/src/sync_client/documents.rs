//! The documents on this device, typed by their [`DocumentKind`]: reading every document of a
//! kind (hydrated once per change, cached by heads), one document, and writing one (validated,
//! saved to IndexedDB before the call returns, then offered to the relay).
//!
//! A new kind needs one line here: the model's `DocumentKind` says how it hydrates, and the
//! app's [`Editable`] (the `editable!` list below: the schema's own problems) says how it is
//! checked before a write and how its problems read.

use std::fmt;
use std::sync::Arc;

use automerge::Automerge;
use autosurgeon::Reconcile;
use samskab_model::kinds::DocumentKind;
use samskab_model::kinds::inbox::{Inbox, InboxKind, genesis, inbox_document_id};
use samskab_model::profile::{Profile, ProfileKind, profile_document_id};
use samskab_model::{DocumentId, Lang, PersonId};

use super::client::SyncClient;
use super::driver::{self, CommitError};
use super::index::{Row, TaskRow};
use crate::i18n::Msg;
use crate::store::StoreError;

/// The app's side of a document kind: what the model finds wrong with a document before it is
/// written, and how each problem reads.
pub trait Editable: DocumentKind<Doc: Reconcile> {
    /// One thing wrong with a document of this kind.
    type Problem: Clone + fmt::Debug;
    /// What is wrong with `doc` (empty: it may be written).
    fn problems(doc: &Self::Doc) -> Vec<Self::Problem>;
    /// The sentence for `problem`.
    fn describe(problem: &Self::Problem, lang: Lang) -> String;
}

/// Every kind's problems are its schema's own `problems()` (what the relay enforces too), each
/// read by its `describe`.
macro_rules! editable {
    ($($kind:ty => $problem:ty),+ $(,)?) => {$(
        impl Editable for $kind {
            type Problem = $problem;

            fn problems(doc: &<$kind as DocumentKind>::Doc) -> Vec<$problem> {
                doc.problems()
            }

            fn describe(problem: &$problem, lang: Lang) -> String {
                problem.describe(lang)
            }
        }
    )+};
}

editable! {
    samskab_model::kinds::task::TaskKind => samskab_model::TaskError,
    ProfileKind => samskab_model::ProfileError,
    samskab_model::kinds::organisation::OrganisationKind
        => samskab_model::kinds::organisation::OrganisationError,
    samskab_model::kinds::group::GroupKind => samskab_model::kinds::group::GroupError,
    samskab_model::kinds::meeting::MeetingKind => samskab_model::kinds::meeting::MeetingError,
    samskab_model::kinds::needs::NeedsKind => samskab_model::kinds::needs::NeedsError,
    InboxKind => samskab_model::kinds::inbox::InboxError,
}

/// Why a local change to a document of kind `K` was not made.
pub enum ChangeError<K: Editable> {
    /// The document is not on this device (or not of this kind), or the client is gone.
    NotLoaded,
    /// The change would make the document invalid: the model's problems with it.
    Invalid(Vec<K::Problem>),
    /// IndexedDB refused the save (full, or failing).
    Storage(StoreError),
}

impl<K: Editable> ChangeError<K> {
    /// The sentences to show for it: the model's problems, or why storage failed.
    pub fn sentences(&self, lang: Lang) -> Vec<String> {
        match self {
            ChangeError::Invalid(problems) => {
                problems.iter().map(|p| K::describe(p, lang)).collect()
            }
            ChangeError::Storage(e) if e.is_quota() => vec![Msg::StorageFull.text(lang).into()],
            _ => vec![Msg::StorageFailed.text(lang).into()],
        }
    }
}

impl<K: Editable> From<CommitError<ChangeError<K>>> for ChangeError<K> {
    fn from(e: CommitError<ChangeError<K>>) -> Self {
        match e {
            CommitError::Change(e) => e,
            CommitError::Storage(e) => ChangeError::Storage(e),
        }
    }
}

// By hand: a derive would ask `K` itself to be Debug.
impl<K: Editable> fmt::Debug for ChangeError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::NotLoaded => f.write_str("NotLoaded"),
            ChangeError::Invalid(problems) => f.debug_tuple("Invalid").field(problems).finish(),
            ChangeError::Storage(e) => f.debug_tuple("Storage").field(e).finish(),
        }
    }
}

impl SyncClient {
    /// Every document of kind `K` this device holds, hydrated (cached by heads).
    pub fn documents<K: DocumentKind>(&self) -> Vec<(DocumentId, K::Doc)>
    where
        K::Doc: 'static,
    {
        let Some(client) = self.client() else {
            return Vec::new();
        };
        let hub = client.hub.borrow();
        let index = client.index.borrow();
        let mut cache = client.cache.borrow_mut();
        cache.with::<K, _>(|docs| {
            // Documents this device no longer holds (revoked, refused) leave the cache.
            docs.retain(|id, _| !hub.heads(id).is_empty());
            let mut found = Vec::new();
            for id in hub.ids() {
                // The index knows each stored document's kind: those of other kinds are not
                // parsed (a profile bank of thousands stays bytes while tasks are read).
                if index.kind_of(id).is_some_and(|kind| kind != K::KIND) {
                    continue;
                }
                let heads = hub.heads(id);
                let entry = docs.entry(*id).or_insert_with(|| (Vec::new(), None));
                if entry.0 != heads {
                    let Some(doc) = hub.document(id) else {
                        continue;
                    };
                    // A document of another kind fails at its first field, `kind`.
                    *entry = (heads, autosurgeon::hydrate::<_, K::Doc>(doc).ok());
                }
                if let Some(value) = &entry.1 {
                    found.push((*id, value.clone()));
                }
            }
            found
        })
    }

    /// The task list's rows: every task on the device as its card shows it, with the
    /// signed-in person's places (from the index, without parsing the documents).
    pub fn task_rows(&self) -> Vec<Arc<TaskRow>> {
        let Some(client) = self.client() else {
            return Vec::new();
        };
        let index = client.index.borrow();
        index
            .entries
            .values()
            .filter_map(|e| match &e.row {
                Row::Task(row) => Some(row.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every profile on the device, from the index (CV-banken's search), and how many times
    /// the profiles changed so far: the same number means the same profiles.
    pub fn profile_rows(&self) -> (u64, Vec<Arc<Profile>>) {
        let Some(client) = self.client() else {
            return (0, Vec::new());
        };
        let index = client.index.borrow();
        let rows = index
            .entries
            .values()
            .filter_map(|e| match &e.row {
                Row::Profile(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        (index.changes::<ProfileKind>(), rows)
    }

    /// How many times the profiles on the device changed (see [`SyncClient::profile_rows`]).
    pub fn profile_changes(&self) -> u64 {
        self.client()
            .map_or(0, |c| c.index.borrow().changes::<ProfileKind>())
    }

    /// The document `id` as kind `K`, if this device holds it and it is of that kind.
    pub fn document<K: DocumentKind>(&self, id: &DocumentId) -> Option<K::Doc> {
        let client = self.client()?;
        let hub = client.hub.borrow();
        autosurgeon::hydrate(hub.document(id)?).ok()
    }

    /// `person`'s profile, if this device holds it (a profile lives at an id derived from its
    /// owner).
    pub fn profile(&self, person: &PersonId) -> Option<Profile> {
        self.document::<ProfileKind>(&profile_document_id(person))
    }

    /// Changes document `id` with an edit that cannot fail; see [`SyncClient::update`].
    pub async fn change<K: Editable>(
        self,
        id: DocumentId,
        edit: impl FnOnce(&mut K::Doc),
    ) -> Result<(), ChangeError<K>> {
        self.update::<K>(id, |doc| {
            edit(doc);
            Ok(())
        })
        .await
    }

    /// Changes document `id` here: applies the edit to the document as it is now, validates
    /// the result, writes it to the document, saves it to IndexedDB (the call returns only
    /// after that), then offers it to the relay.
    pub async fn update<K: Editable>(
        self,
        id: DocumentId,
        edit: impl FnOnce(&mut K::Doc) -> Result<(), Vec<K::Problem>>,
    ) -> Result<(), ChangeError<K>> {
        let client = self.client().ok_or(ChangeError::NotLoaded)?;
        let committed = driver::commit(&client, id, |doc| {
            let mut value: K::Doc =
                autosurgeon::hydrate(&*doc).map_err(|_| ChangeError::NotLoaded)?;
            edit(&mut value).map_err(ChangeError::Invalid)?;
            write::<K>(doc, &value)
        })
        .await;
        committed.map_err(ChangeError::from)
    }

    /// The heads of document `id` on this device (empty if it is not here): what an edit
    /// that takes a while (the minutes) starts from, for [`SyncClient::update_from`].
    pub fn heads(&self, id: &DocumentId) -> Vec<automerge::ChangeHash> {
        self.client()
            .and_then(|c| c.hub.borrow().document(id).map(|d| d.get_heads()))
            .unwrap_or_default()
    }

    /// Changes document `id` as it was at `heads` (what the person saw when they began to
    /// edit), and merges that into the document as it is now. For long edits of a text (the
    /// minutes): the edit's splices are computed against what the person saw, so whatever
    /// others wrote since is kept, where [`SyncClient::update`] would diff against the
    /// current text and undo their words. The edit is made on a fork with an actor of its
    /// own (a fork at older heads cannot continue this device's actor's sequence); the relay
    /// binds that actor to the same person on first use.
    pub async fn update_from<K: Editable>(
        self,
        id: DocumentId,
        heads: Vec<automerge::ChangeHash>,
        edit: impl FnOnce(&mut K::Doc),
    ) -> Result<(), ChangeError<K>> {
        let client = self.client().ok_or(ChangeError::NotLoaded)?;
        let committed = driver::commit(&client, id, |doc| {
            let mut fork = doc.fork_at(&heads).map_err(|_| ChangeError::NotLoaded)?;
            let mut value: K::Doc =
                autosurgeon::hydrate(&fork).map_err(|_| ChangeError::NotLoaded)?;
            edit(&mut value);
            write::<K>(&mut fork, &value)?;
            doc.merge(&mut fork).map_err(|_| ChangeError::NotLoaded)?;
            Ok(())
        })
        .await;
        committed.map_err(ChangeError::from)
    }

    /// Changes `person`'s inbox here (the settings, a read mark), making it from its fixed
    /// first change if this device does not hold it yet: the same change the relay makes, so
    /// an inbox made here offline and the relay's are one document.
    pub async fn update_inbox(
        self,
        person: &PersonId,
        edit: impl FnOnce(&mut Inbox),
    ) -> Result<(), ChangeError<InboxKind>> {
        let client = self.client().ok_or(ChangeError::NotLoaded)?;
        let id = inbox_document_id(person);
        let committed = driver::commit(&client, id, |doc| {
            if doc.get_heads().is_empty() {
                *doc = genesis(person);
                doc.set_actor(automerge::ActorId::random());
            }
            let mut value: Inbox =
                autosurgeon::hydrate(&*doc).map_err(|_| ChangeError::NotLoaded)?;
            edit(&mut value);
            write::<InboxKind>(doc, &value)
        })
        .await;
        committed.map_err(ChangeError::from)
    }

    /// Creates a new document of kind `K` here (saved, then offered to the relay) and returns
    /// its id.
    pub async fn create<K: Editable>(self, value: K::Doc) -> Result<DocumentId, ChangeError<K>> {
        let id = DocumentId::random();
        self.put::<K>(id, value).await?;
        Ok(id)
    }

    /// Writes `value` as document `id` (created if this device does not hold it): validated,
    /// saved to IndexedDB, then offered to the relay.
    pub async fn put<K: Editable>(
        self,
        id: DocumentId,
        value: K::Doc,
    ) -> Result<(), ChangeError<K>> {
        // Checked before the hub is asked, which would otherwise hold an empty document.
        let problems = K::problems(&value);
        if !problems.is_empty() {
            return Err(ChangeError::Invalid(problems));
        }
        let client = self.client().ok_or(ChangeError::NotLoaded)?;
        let committed = driver::commit(&client, id, |doc| write::<K>(doc, &value)).await;
        committed.map_err(ChangeError::from)
    }
}

/// Validates `value` and reconciles it into `doc`.
fn write<K: Editable>(doc: &mut Automerge, value: &K::Doc) -> Result<(), ChangeError<K>> {
    let problems = K::problems(value);
    if !problems.is_empty() {
        return Err(ChangeError::Invalid(problems));
    }
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, value))
        .map(|_| ())
        .map_err(|_| ChangeError::NotLoaded)
}
