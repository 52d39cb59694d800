//! The documents on this device, typed by their [`DocumentKind`]: reading every document of a
//! kind (hydrated once per change, cached by heads), one document, and writing one (validated,
//! saved to IndexedDB before the call returns, then offered to the relay).
//!
//! A new kind needs one line here: the model's `DocumentKind` says how it hydrates, and the
//! app's [`Editable`] (the `editable!` list below: the schema's own problems) says how it is
//! checked before a write and how its problems read.
//!
//! These typed calls are the main module's: they go to the engine through its trait object
//! (see `engine`) with the kind's word and closures over plain values, and the engine reaches
//! the kind's automerge code through [`ops`], which only it calls. Until the engine runs (its
//! chunk is on its way) a read finds nothing and a write fails as `NotLoaded`; the pages
//! re-read when it starts (`version`).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use automerge::Automerge;
use autosurgeon::Reconcile;
use samskab_model::kinds::DocumentKind;
use samskab_model::kinds::inbox::{Inbox, InboxKind, inbox_document_id};
use samskab_model::profile::{Profile, ProfileKind, profile_document_id};
use samskab_model::{DocumentId, Lang, PersonId};

use super::client::SyncClient;
use super::engine::{Edit, Erased, Failure, Ops, Write};
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
/// read by its `describe`; and the engine's table of the kinds' automerge code ([`ops`]).
macro_rules! editable {
    ($($kind:ty => $problem:ty),+ $(,)?) => {
        $(
            impl Editable for $kind {
                type Problem = $problem;

                fn problems(doc: &<$kind as DocumentKind>::Doc) -> Vec<$problem> {
                    doc.problems()
                }

                fn describe(problem: &$problem, lang: Lang) -> String {
                    problem.describe(lang)
                }
            }
        )+

        /// The automerge code of the kind whose word is `kind` (`None`: not an editable kind).
        /// Called by the engine only: the main module must not reach it, or automerge comes
        /// back into the main wasm.
        pub(super) fn ops(kind: &str) -> Option<Ops> {
            $(
                if kind == <$kind as DocumentKind>::KIND {
                    return Some(ops_of::<$kind>());
                }
            )+
            None
        }
    };
}

/// Kind `K`'s hydrating and reconciling, type-erased for the engine.
fn ops_of<K: Editable>() -> Ops {
    Ops {
        hydrate: |doc: &Automerge| {
            autosurgeon::hydrate::<_, K::Doc>(doc)
                .ok()
                .map(|value| Box::new(value) as Erased)
        },
        reconcile: |doc: &mut Automerge, value: &dyn Any| {
            let Some(value) = value.downcast_ref::<K::Doc>() else {
                return false;
            };
            doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| {
                autosurgeon::reconcile(tx, value)
            })
            .is_ok()
        },
    }
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

impl<K: Editable> From<Failure> for ChangeError<K> {
    fn from(e: Failure) -> Self {
        match e {
            Failure::NotLoaded => ChangeError::NotLoaded,
            Failure::Invalid(problems) => problems
                .downcast::<Vec<K::Problem>>()
                .map_or(ChangeError::NotLoaded, |p| ChangeError::Invalid(*p)),
            Failure::Storage(e) => ChangeError::Storage(e),
        }
    }
}

/// `edit` over a `K::Doc`, as the engine calls it: the edited value's problems, if any, stop
/// the write.
fn erased_edit<'a, K: Editable>(
    edit: impl FnOnce(&mut K::Doc) -> Result<(), Vec<K::Problem>> + 'a,
) -> Edit<'a> {
    Box::new(move |value: &mut dyn Any| {
        let Some(value) = value.downcast_mut::<K::Doc>() else {
            return Err(Box::new(Vec::<K::Problem>::new()) as Erased);
        };
        edit(value).map_err(|p| Box::new(p) as Erased)?;
        let problems = K::problems(value);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Box::new(problems))
        }
    })
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
    pub fn documents<K: Editable>(&self) -> Vec<(DocumentId, K::Doc)>
    where
        K::Doc: 'static,
    {
        let Some(engine) = self.engine() else {
            return Vec::new();
        };
        engine
            .all(K::KIND)
            .into_iter()
            .filter_map(|(id, value)| Some((id, value.downcast_ref::<K::Doc>()?.clone())))
            .collect()
    }

    /// The task list's rows: every task on the device as its card shows it, with the
    /// signed-in person's places (from the index, without parsing the documents).
    pub fn task_rows(&self) -> Vec<Arc<TaskRow>> {
        let Some(shared) = self.shared() else {
            return Vec::new();
        };
        let index = shared.index.borrow();
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
        let Some(shared) = self.shared() else {
            return (0, Vec::new());
        };
        let index = shared.index.borrow();
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
        self.shared()
            .map_or(0, |s| s.index.borrow().changes::<ProfileKind>())
    }

    /// The document `id` as kind `K`, if this device holds it and it is of that kind.
    pub fn document<K: Editable>(&self, id: &DocumentId) -> Option<K::Doc> {
        let value = self.engine()?.one(id, K::KIND)?;
        value.downcast::<K::Doc>().ok().map(|value| *value)
    }

    /// `person`'s profile, if this device holds it (a profile lives at an id derived from its
    /// owner).
    pub fn profile(&self, person: &PersonId) -> Option<Profile> {
        self.document::<ProfileKind>(&profile_document_id(person))
    }

    /// Changes document `id` with an edit that cannot fail; see [`SyncClient::update`].
    pub async fn change<'a, K: Editable>(
        self,
        id: DocumentId,
        edit: impl FnOnce(&mut K::Doc) + 'a,
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
    pub async fn update<'a, K: Editable>(
        self,
        id: DocumentId,
        edit: impl FnOnce(&mut K::Doc) -> Result<(), Vec<K::Problem>> + 'a,
    ) -> Result<(), ChangeError<K>> {
        self.write::<K>(id, Write::Edit(erased_edit::<K>(edit)))
            .await
    }

    /// The heads of document `id` on this device (empty if it is not here): what an edit
    /// that takes a while (the minutes) starts from, for [`SyncClient::update_from`].
    pub fn heads(&self, id: &DocumentId) -> Vec<automerge::ChangeHash> {
        self.engine().map(|e| e.heads(id)).unwrap_or_default()
    }

    /// Changes document `id` as it was at `heads` (what the person saw when they began to
    /// edit), and merges that into the document as it is now. For long edits of a text (the
    /// minutes): the edit's splices are computed against what the person saw, so whatever
    /// others wrote since is kept, where [`SyncClient::update`] would diff against the
    /// current text and undo their words. The edit is made on a fork with an actor of its
    /// own (a fork at older heads cannot continue this device's actor's sequence); the relay
    /// binds that actor to the same person on first use.
    pub async fn update_from<'a, K: Editable>(
        self,
        id: DocumentId,
        heads: Vec<automerge::ChangeHash>,
        edit: impl FnOnce(&mut K::Doc) + 'a,
    ) -> Result<(), ChangeError<K>> {
        let edit = erased_edit::<K>(move |doc| {
            edit(doc);
            Ok(())
        });
        self.write::<K>(id, Write::EditFrom(heads, edit)).await
    }

    /// Changes `person`'s inbox here (the settings, a read mark), making it from its fixed
    /// first change if this device does not hold it yet: the same change the relay makes, so
    /// an inbox made here offline and the relay's are one document.
    pub async fn update_inbox<'a>(
        self,
        person: &PersonId,
        edit: impl FnOnce(&mut Inbox) + 'a,
    ) -> Result<(), ChangeError<InboxKind>> {
        let edit = erased_edit::<InboxKind>(move |inbox| {
            edit(inbox);
            Ok(())
        });
        self.write::<InboxKind>(
            inbox_document_id(person),
            Write::Inbox(person.clone(), edit),
        )
        .await
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
        // Checked before the engine is asked, which would otherwise hold an empty document.
        let problems = K::problems(&value);
        if !problems.is_empty() {
            return Err(ChangeError::Invalid(problems));
        }
        self.write::<K>(id, Write::Put(Box::new(value))).await
    }

    /// Hands a write to the engine.
    async fn write<K: Editable>(
        self,
        id: DocumentId,
        write: Write<'_>,
    ) -> Result<(), ChangeError<K>> {
        let engine = self.engine().ok_or(ChangeError::NotLoaded)?;
        engine
            .write(id, K::KIND, write)
            .await
            .map_err(ChangeError::from)
    }
}
