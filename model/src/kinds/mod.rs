//! Document kinds: what every kind of document (task, profile, and the kinds to come) declares
//! about itself, and the tag that makes a document's `kind` field part of its type.
//!
//! Each document carries its kind as a word at `/kind` ("opgave", "profil"). The schema types
//! hold it as a [`KindTag<K>`], a zero-sized field that writes `K::KIND` and refuses to hydrate
//! any other word: hydrating a task from a profile fails by itself, so no caller has to
//! remember to compare strings.
//!
//! This is the first step of moving each kind into one module behind one trait (issue #12);
//! the read and write rules still live in `authz` for now.

use std::fmt;
use std::marker::PhantomData;

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

/// What a kind of document is, as the rest of the code needs to know it.
pub trait DocumentKind: 'static {
    /// The word at `/kind`; stored in documents, so never renamed.
    const KIND: &'static str;
    /// The schema version this code writes.
    const SCHEMA: u64;
    /// Every field the document may hold at its root. A test reconciles a sample of each kind
    /// and compares its keys with this list, so a field added to the struct cannot be
    /// forgotten by the rules that consult the list (a forgotten field would make every write
    /// to it a refusal).
    const FIELDS: &'static [&'static str];
}

/// The `kind` field of a document of kind `K`: always `K::KIND`.
pub struct KindTag<K>(PhantomData<fn() -> K>);

impl<K: DocumentKind> KindTag<K> {
    pub const fn new() -> Self {
        KindTag(PhantomData)
    }

    /// The word it stands for.
    pub const fn as_str(&self) -> &'static str {
        K::KIND
    }
}

// Written by hand: a derive would ask `K` itself to be Clone, Debug and so on.
impl<K: DocumentKind> Default for KindTag<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K> Clone for KindTag<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for KindTag<K> {}

impl<K> PartialEq for KindTag<K> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<K> Eq for KindTag<K> {}

impl<K: DocumentKind> fmt::Debug for KindTag<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", K::KIND)
    }
}

impl<K: DocumentKind> serde::Serialize for KindTag<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(K::KIND)
    }
}

impl<K: DocumentKind> Hydrate for KindTag<K> {
    fn hydrate_string(word: &'_ str) -> Result<Self, HydrateError> {
        if word == K::KIND {
            Ok(Self::new())
        } else {
            Err(HydrateError::unexpected(
                format!("the kind {:?}", K::KIND),
                format!("{word:?}"),
            ))
        }
    }
}

impl<K: DocumentKind> Reconcile for KindTag<K> {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(K::KIND)
    }
}

/// The root keys of `value` as reconciled into a fresh document, sorted (for the tests that
/// hold each kind's [`DocumentKind::FIELDS`] to its struct).
#[cfg(test)]
pub(crate) fn reconciled_root_keys<T: Reconcile>(value: &T) -> Vec<String> {
    use automerge::ReadDoc;
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, value).unwrap_or_else(|e| panic!("reconcile: {e}"));
    let mut keys: Vec<String> = doc.keys(automerge::ROOT).collect();
    keys.sort();
    keys
}

/// `K::FIELDS`, sorted.
#[cfg(test)]
pub(crate) fn declared_fields<K: DocumentKind>() -> Vec<String> {
    let mut fields: Vec<String> = K::FIELDS.iter().map(|f| (*f).to_owned()).collect();
    fields.sort();
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Profile, ProfileKind};
    use crate::task::{Task, TaskKind};

    #[test]
    fn a_task_does_not_hydrate_from_a_profile_nor_the_other_way() {
        let profile = Profile::new("frivillig-1".parse().unwrap(), "Vera", 0);
        let task = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt",
            crate::Area::Sport,
            0,
        );
        let mut p = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut p, &profile).unwrap();
        let mut t = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut t, &task).unwrap();
        assert!(autosurgeon::hydrate::<_, Task>(&p).is_err());
        assert!(autosurgeon::hydrate::<_, Profile>(&t).is_err());
        assert_eq!(autosurgeon::hydrate::<_, Task>(&t).unwrap(), task);
        assert_eq!(autosurgeon::hydrate::<_, Profile>(&p).unwrap(), profile);
    }

    #[test]
    fn every_kind_declares_exactly_the_fields_its_struct_writes() {
        let mut task = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt",
            crate::Area::Sport,
            0,
        );
        task.invitations.insert(
            "frivillig-1".parse().unwrap(),
            crate::task::Invitation {
                shift: "vagt-1".parse().unwrap(),
                by: "bo".parse().unwrap(),
                at: 0,
                answer: crate::task::InvitationAnswer::Pending,
            },
        );
        assert_eq!(reconciled_root_keys(&task), declared_fields::<TaskKind>());
        let profile = Profile::new("frivillig-1".parse().unwrap(), "Vera", 0);
        assert_eq!(
            reconciled_root_keys(&profile),
            declared_fields::<ProfileKind>()
        );
    }
}
