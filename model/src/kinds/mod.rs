//! Document kinds: what every kind of document (task, profile, and the kinds to come) declares
//! about itself, and the registry that dispatches on it.
//!
//! - [`DocumentKind`]: a kind's word at `/kind`, schema version, root fields, size bound, the
//!   view its read rule needs (read without hydrating the whole document, cached by heads at
//!   the relay), the read rule, and how a write to it is judged.
//! - [`KindTag`]: each schema holds its `kind` as a zero-sized field that writes `K::KIND` and
//!   refuses to hydrate any other word, so hydrating a task from a profile fails by itself.
//! - [`Fact`] and [`Facts`]: what one kind's read rule needs to know that another kind's
//!   documents say ("this person signed up with this organisation"), asked of whoever keeps
//!   the index (the relay).
//! - The registry (the `registry!` line below): the one place that lists the kinds. It
//!   generates [`AnyView`], [`AnyDoc`], [`read_view`], [`may_read`], [`hydrate_any`] and
//!   [`check_write`], which the relay and the judge call without naming a kind.
//!
//! Each kind lives in its own file here (`task.rs`, `profile.rs`). Their path rules are still
//! in [`crate::authz`]; moving them, and the relay's per-kind export and audit, behind the trait
//! is the next step (issue #12).

pub mod profile;
pub mod task;

use std::fmt;
use std::marker::PhantomData;

use automerge::Automerge;
use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

use crate::authz::{Path, Principal, Refusal, SignupWindow};
use crate::ids::{DocumentId, OrganisationId, PersonId};

/// What a kind of document is, as the rest of the code needs to know it.
pub trait DocumentKind: Sized + 'static {
    /// The word at `/kind`; stored in documents, so never renamed.
    const KIND: &'static str;
    /// The schema version this code writes.
    const SCHEMA: u64;
    /// Every field the document may hold at its root. A test reconciles a sample of each kind
    /// and compares its keys with this list, so a field added to the struct cannot be
    /// forgotten by the rules that consult the list (a forgotten field would make every write
    /// to it a refusal).
    const FIELDS: &'static [&'static str];
    /// The most bytes (stored saves and changes) the relay keeps of one such document.
    const MAX_BYTES: usize;
    /// The schema: hydrates only from a document of this kind.
    type Doc: Hydrate + Clone + fmt::Debug;
    /// What reading depends on, read without hydrating the whole document.
    type View: Clone + PartialEq + Eq + fmt::Debug;

    /// The view of `doc`, known to be of this kind (`None` if it is malformed).
    fn read_view(doc: &Automerge) -> Option<Self::View>;
    /// Whether `who` may read a document with this view.
    fn may_read(who: &Principal, view: &Self::View, facts: &dyn Facts) -> bool;
    /// Judges a write: `Ok` if `w.who` may change `w.before` into `w.after` through `w.paths`.
    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal>;

    /// Whether documents of this kind make [`Fact`]s true (so the relay hydrates them to
    /// index their facts; kinds without facts are never hydrated for it).
    const HAS_FACTS: bool = false;
    /// The facts a document of this kind makes true.
    fn facts(_doc: &Self::Doc) -> Vec<Fact> {
        Vec::new()
    }
    /// The document of this kind whose readers change when `fact` comes or goes (a profile
    /// whose consent is "my organisations" watches its owner's sign-ups).
    fn watches(_fact: &Fact) -> Option<DocumentId> {
        None
    }
}

/// A write to judge: who, which document, before (`None` when the write creates it) and after,
/// and the paths the change wrote.
#[derive(Debug)]
pub struct Write<'a, K: DocumentKind> {
    pub who: &'a Principal,
    pub id: &'a DocumentId,
    pub before: Option<&'a K::Doc>,
    pub after: &'a K::Doc,
    pub paths: &'a [Path],
    /// The relay's bounds on sign-up times.
    pub window: SignupWindow,
    /// The id is another kind's derived id (a person's profile).
    pub reserved: bool,
}

/// Something one kind's documents make true that another kind's read rule consults.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// `person` has an active sign-up on a task of `organisation`.
    SignedUp {
        person: PersonId,
        organisation: OrganisationId,
    },
}

/// Whoever knows the facts (the relay keeps an index over every document).
pub trait Facts {
    fn holds(&self, fact: &Fact) -> bool;
}

/// A function as facts (tests, and callers with no facts: `&|_: &Fact| false`).
impl<F: Fn(&Fact) -> bool> Facts for F {
    fn holds(&self, fact: &Fact) -> bool {
        self(fact)
    }
}

/// The word at a document's `/kind`, if it has one.
fn kind_word(doc: &Automerge) -> Option<String> {
    autosurgeon::hydrate_prop(doc, automerge::ROOT, "kind").ok()
}

/// Lists the kinds once; generates the enums and the dispatch over them.
macro_rules! registry {
    ($($variant:ident => $kind:ty),+ $(,)?) => {
        /// What reading a document of any kind depends on.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AnyView {
            $($variant(<$kind as DocumentKind>::View),)+
        }

        /// A document of any kind, hydrated.
        #[derive(Debug, Clone)]
        pub enum AnyDoc {
            $($variant(<$kind as DocumentKind>::Doc),)+
        }

        /// The view of `doc` (`None`: not of a known kind, or malformed).
        pub fn read_view(doc: &Automerge) -> Option<AnyView> {
            let word = kind_word(doc)?;
            $(
                if word == <$kind as DocumentKind>::KIND {
                    return <$kind as DocumentKind>::read_view(doc).map(AnyView::$variant);
                }
            )+
            None
        }

        /// Whether `who` may read a document with this view.
        pub fn may_read(who: &Principal, view: &AnyView, facts: &dyn Facts) -> bool {
            match view {
                $(AnyView::$variant(v) => <$kind as DocumentKind>::may_read(who, v, facts),)+
            }
        }

        /// `doc` hydrated as the kind its `/kind` names (`None`: unknown kind, or malformed).
        pub fn hydrate_any(doc: &Automerge) -> Option<AnyDoc> {
            let word = kind_word(doc)?;
            $(
                if word == <$kind as DocumentKind>::KIND {
                    return autosurgeon::hydrate(doc).ok().map(AnyDoc::$variant);
                }
            )+
            None
        }

        /// The facts `doc` makes true (empty for kinds that make none, without hydrating).
        pub fn facts_of(doc: &Automerge) -> Vec<Fact> {
            let Some(word) = kind_word(doc) else {
                return Vec::new();
            };
            $(
                if <$kind as DocumentKind>::HAS_FACTS && word == <$kind as DocumentKind>::KIND {
                    return autosurgeon::hydrate(doc)
                        .map(|d| <$kind as DocumentKind>::facts(&d))
                        .unwrap_or_default();
                }
            )+
            Vec::new()
        }

        /// The documents whose readers change when `fact` comes or goes.
        pub fn watchers(fact: &Fact) -> Vec<DocumentId> {
            let mut found = Vec::new();
            $(found.extend(<$kind as DocumentKind>::watches(fact));)+
            found
        }

        impl AnyDoc {
            /// The most bytes the relay keeps of a document of this kind.
            pub fn max_bytes(&self) -> usize {
                match self {
                    $(AnyDoc::$variant(_) => <$kind as DocumentKind>::MAX_BYTES,)+
                }
            }
        }

        /// Judges a write of `who` that turns `before` into `after` (see [`DocumentKind::check_write`]).
        /// A document never changes its kind.
        #[allow(clippy::too_many_arguments)]
        pub fn check_write(
            who: &Principal,
            id: &DocumentId,
            before: Option<&AnyDoc>,
            after: &AnyDoc,
            paths: &[Path],
            window: SignupWindow,
            reserved: bool,
        ) -> Result<(), Refusal> {
            match (before, after) {
                $(
                    (None, AnyDoc::$variant(after)) => <$kind as DocumentKind>::check_write(&Write {
                        who, id, before: None, after, paths, window, reserved,
                    }),
                    (Some(AnyDoc::$variant(before)), AnyDoc::$variant(after)) => {
                        <$kind as DocumentKind>::check_write(&Write {
                            who, id, before: Some(before), after, paths, window, reserved,
                        })
                    }
                )+
                _ => Err(Refusal::NotATask),
            }
        }
    };
}

// The kinds of document. A new kind is one line here and one file beside this one.
registry! {
    Task => task::TaskKind,
    Profile => profile::ProfileKind,
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
    fn a_task_makes_its_active_sign_ups_facts_that_their_profiles_watch() {
        use crate::task::{Shift, Signup, SignupState};
        let mut task = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt",
            crate::Area::Sport,
            0,
        );
        let mut shift = Shift::new(10, 20, 1);
        for (person, state) in [
            ("vera", SignupState::SignedUp),
            ("walter", SignupState::Withdrawn),
        ] {
            shift
                .signups
                .insert(person.parse().unwrap(), Signup { state, at: 1 });
        }
        task.shifts.insert("vagt-1".parse().unwrap(), shift.clone());
        task.shifts.insert("vagt-2".parse().unwrap(), shift);
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &task).unwrap();
        let vera: PersonId = "vera".parse().unwrap();
        let fact = Fact::SignedUp {
            person: vera.clone(),
            organisation: "haslev-fodbold".parse().unwrap(),
        };
        assert_eq!(
            facts_of(doc.document()),
            vec![fact.clone()],
            "once, and only Vera"
        );
        assert_eq!(
            watchers(&fact),
            vec![crate::profile::profile_document_id(&vera)]
        );
        let mut profile = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut profile, Profile::new(vera, "Vera", 0)).unwrap();
        assert!(facts_of(profile.document()).is_empty());
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
