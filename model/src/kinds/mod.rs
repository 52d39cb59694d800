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
//!   the index (the relay); [`Topic`]: what a fact is about, so that the documents whose
//!   readers depend on it are asked again when such a fact comes or goes.
//! - The registry (the `registry!` line below): the one place that lists the kinds. It
//!   generates [`AnyView`], [`AnyDoc`], [`read_view`], [`may_read`], [`hydrate_any`] and
//!   [`check_write`], which the relay and the judge call without naming a kind.
//!
//! Each kind is a folder here: `schema.rs` (the document, its validation), `rules.rs` (who
//! may read and write it, and its own refusals with their sentences) and `mod.rs` (its
//! [`DocumentKind`]: the word, fields, view, facts, export and audit). Adding a kind is a
//! folder and one line in the registry below; the relay dispatches through the registry and
//! needs no edit. See `docs/architecture.md`, "How to add a document kind".

pub mod group;
pub mod inbox;
pub mod meeting;
pub mod needs;
pub mod organisation;
pub mod profile;
pub mod task;
pub mod whole;

use std::fmt;
use std::marker::PhantomData;

use automerge::Automerge;
use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};

use crate::authz::{Path, Principal, Refusal, SignupWindow};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, GroupId, OrganisationId, PersonId};
use crate::lang::Lang;

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
    type Doc: Hydrate + Reconcile + Clone + fmt::Debug;
    /// What reading depends on, read without hydrating the whole document.
    type View: Clone + PartialEq + Eq + fmt::Debug;
    /// This kind's own reasons to refuse a write (sent as `<KIND>.<code>`).
    type Refusal: KindRefusal;

    /// The view of `doc`, known to be of this kind (`None` if it is malformed).
    fn read_view(doc: &Automerge) -> Option<Self::View>;
    /// Whether `who` may read a document with this view.
    fn may_read(who: &Principal, view: &Self::View, facts: &dyn Facts) -> bool;
    /// Judges a write: `Ok` if `w.who` may change `w.before` into `w.after` through `w.paths`.
    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal>;

    /// Judges a write to a document that exists by reading only the part it touches, for
    /// writes whose cost must not grow with the document (a volunteer's own sign-up on a
    /// shift with a thousand others): `Some` verdict, the same [`Self::check_write`] would
    /// give, or `None` when this write needs the whole judgement. A test holds each kind that
    /// answers here to agreeing with its whole judgement. The default answers nothing.
    fn check_narrow_write(_w: &NarrowWrite<'_>) -> Option<Result<(), Refusal>> {
        None
    }

    /// Whether documents of this kind make [`Fact`]s true (so the relay hydrates them to
    /// index their facts; kinds without facts are never hydrated for it).
    const HAS_FACTS: bool = false;
    /// The facts document `id`, of this kind, makes true.
    fn facts(_id: &DocumentId, _doc: &Self::Doc) -> Vec<Fact> {
        Vec::new()
    }
    /// The topics of the facts [`Self::may_read`] consults for a document with this view (a
    /// profile: its owner's sign-ups; a meeting: its groups' members). When a fact about one
    /// of them comes or goes, the relay asks again who may read the document.
    fn depends_on(_view: &Self::View) -> Vec<Topic> {
        Vec::new()
    }
    /// After a write through `paths`: every fact the write can have made true or false, and
    /// whether `doc` makes it true now, read without hydrating the whole document (a sign-up
    /// can change only its volunteer's [`Fact::SignedUp`]). `None`: the kind cannot tell from
    /// the paths, and the relay indexes the whole document with [`Self::facts`].
    fn facts_touched(
        _id: &DocumentId,
        _doc: &Automerge,
        _paths: &[Path],
    ) -> Option<Vec<(Fact, bool)>> {
        None
    }

    /// The ids this kind derives from the people and organisations the relay knows (a
    /// person's profile, an organisation's own document): no other kind may be created at
    /// one, or the document it is meant for could never be made.
    fn derived_ids(_people: &[PersonId], _organisations: &[OrganisationId]) -> Vec<DocumentId> {
        Vec::new()
    }

    /// The person whose document this is, if reads of it by anyone else are logged in the
    /// audit log the person sees in Min konto (a profile: its owner). The relay holds such a
    /// message until its audit entry is committed.
    fn audited_owner(_view: &Self::View) -> Option<&PersonId> {
        None
    }

    /// "Hent mine data": the key under which this kind's part of a person's export appears
    /// (`None`: documents of this kind hold nothing about a person).
    const EXPORT_KEY: Option<&'static str> = None;
    /// Whether a document with this view may hold something about `person` (so the relay
    /// hydrates only those for an export).
    fn may_concern(_view: &Self::View, _person: &PersonId) -> bool {
        true
    }
    /// This kind's part of `person`'s export, from every document of this kind that may
    /// concern them (`None`: nothing).
    fn export(_person: &PersonId, _docs: &[(DocumentId, Self::Doc)]) -> Option<serde_json::Value> {
        None
    }

    /// Erasure (GDPR art. 17): what erasing `person` does to `doc`. Return
    /// [`Erasure::Delete`] for a document that is the person's own (a profile), or
    /// [`Erasure::Rewrite`] with the document as it is to stay, with the person written out:
    /// no id, name, e-mail, phone or time of theirs left in the *current state* (keep what
    /// others rely on, such as a roster's counts and order, under a pseudonym). The relay
    /// replaces a rewritten document's history by a fresh one, so the history needs no care
    /// here; it also rewrites the history of a document this returns
    /// [`Erasure::Untouched`] for when that history mentions the person. The default,
    /// `Untouched`, is right only for a kind whose documents never name a person.
    fn erase(_person: &ErasedPerson, _doc: &Self::Doc) -> Erasure<Self::Doc> {
        Erasure::Untouched
    }

    /// Retention (GDPR art. 5(1)(e)): what becomes of a document once personal data in it
    /// older than the cut-off (ms since the epoch) is no longer needed; the relay's daily
    /// retention job passes now less the configured period (`--retain-signups-days`). Same
    /// answers as [`Self::erase`]. `None` (the default): the kind keeps everything, and its
    /// documents are not even read (the job runs over every document on the relay, 15,000
    /// profiles among them, at each start and daily).
    const EXPIRE: Option<Expire<Self::Doc>> = None;
}

/// A kind's retention: what the cut-off (ms since the epoch) does to a document.
pub type Expire<D> = fn(&D, i64) -> Erasure<D>;

/// A kind's own reasons to refuse a write, each with a stable code and a sentence in each
/// language. On the wire the code is `<kind>.<code>` (`opgave.not-open`), so two kinds may
/// use the same word.
pub trait KindRefusal: std::error::Error + Clone + PartialEq + Eq + 'static {
    /// The code within the kind: lower-case words joined by `-`.
    fn code(&self) -> &'static str;
    /// A sentence for the user whose change was refused.
    fn describe(&self, lang: Lang) -> String;
    /// The sentence for a code of this kind received from the relay (`None`: not one).
    fn describe_code(code: &str, lang: Lang) -> Option<String>;
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
    /// The id is one some kind derives ([`DocumentKind::derived_ids`]): a kind that does
    /// not derive its ids refuses to be created at one.
    pub reserved: bool,
}

/// A write to a document that exists, as [`DocumentKind::check_narrow_write`] sees it: the
/// documents themselves, not hydrated.
#[derive(Debug)]
pub struct NarrowWrite<'a> {
    pub who: &'a Principal,
    /// The relay's copy before the write.
    pub before: &'a Automerge,
    /// The same with the write applied.
    pub after: &'a Automerge,
    /// What the write touched ([`crate::authz::change_paths`]).
    pub paths: &'a [Path],
    /// The relay's bounds on sign-up times.
    pub window: SignupWindow,
}

/// Something one kind's documents make true that another kind's read rule consults.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// `person` has an active sign-up on a task of `organisation`.
    SignedUp {
        person: PersonId,
        organisation: OrganisationId,
    },
    /// `person` is a member of `group` in their own right.
    InGroup { person: PersonId, group: GroupId },
    /// `organisation` is a member of `group` (its coordinators count as members).
    OrganisationInGroup {
        organisation: OrganisationId,
        group: GroupId,
    },
    /// `person` is one of the hosts of the meeting `meeting`.
    Hosts {
        person: PersonId,
        meeting: DocumentId,
    },
}

impl Fact {
    /// What the fact is about.
    pub fn topic(&self) -> Topic {
        match self {
            Fact::SignedUp { person, .. } => Topic::SignUps(person.clone()),
            Fact::InGroup { group, .. } | Fact::OrganisationInGroup { group, .. } => {
                Topic::Group(group.clone())
            }
            Fact::Hosts { meeting, .. } => Topic::Hosts(*meeting),
        }
    }
}

/// What facts are about ([`Fact::topic`]): a document whose read rule consults facts about a
/// topic says so ([`DocumentKind::depends_on`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A person's sign-ups.
    SignUps(PersonId),
    /// A group's members, people and organisations.
    Group(GroupId),
    /// A meeting's hosts.
    Hosts(DocumentId),
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

/// The first of a document's problems as an error, `Ok` when it has none: every kind's
/// `validate`, over the `problems` the app shows all of.
pub fn first_problem<E>(problems: Vec<E>) -> Result<(), E> {
    match problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// A rewrite as a fresh history. A state that cannot be reconciled (never seen: the state came
/// from hydrating the same type) is left untouched rather than deleted: erasure must never
/// lose a whole document by accident; the relay still rewrites a history that mentions the
/// person.
fn fresh<D: Reconcile>(erasure: Erasure<D>) -> Erasure<(Vec<u8>, Vec<automerge::ChangeHash>)> {
    match erasure {
        Erasure::Untouched => Erasure::Untouched,
        Erasure::Delete => Erasure::Delete,
        Erasure::Rewrite(d) => match crate::erasure::fresh_history(&d) {
            Ok(fresh) => Erasure::Rewrite(fresh),
            Err(_) => Erasure::Untouched,
        },
    }
}

/// The word at a document's `/kind`, if it has one.
fn kind_word(doc: &Automerge) -> Option<String> {
    autosurgeon::hydrate_prop(doc, automerge::ROOT, "kind").ok()
}

/// Lists the kinds once; generates the enums and the dispatch over them.
macro_rules! registry {
    ($($variant:ident => $kind:ty),+ $(,)?) => {
        /// The kinds of document.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($variant,)+
        }

        impl Kind {
            /// Every kind, in registry order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)+];

            /// The kind of `doc`, by the word at its `/kind` (`None`: no kind Samskab knows).
            pub fn of(doc: &Automerge) -> Option<Kind> {
                Kind::from_word(&kind_word(doc)?)
            }

            /// The kind whose word this is.
            pub fn from_word(word: &str) -> Option<Kind> {
                $(if word == <$kind as DocumentKind>::KIND {
                    return Some(Kind::$variant);
                })+
                None
            }

            /// The kind `K` (`None` only for a kind left out of the registry).
            pub fn of_kind<K: DocumentKind>() -> Option<Kind> {
                Kind::from_word(K::KIND)
            }

            /// The word at `/kind`.
            pub fn word(self) -> &'static str {
                match self {
                    $(Kind::$variant => <$kind as DocumentKind>::KIND,)+
                }
            }

            /// The root fields documents of this kind may hold.
            pub fn fields(self) -> &'static [&'static str] {
                match self {
                    $(Kind::$variant => <$kind as DocumentKind>::FIELDS,)+
                }
            }

            /// The most bytes the relay keeps of a document of this kind.
            pub fn max_bytes(self) -> usize {
                match self {
                    $(Kind::$variant => <$kind as DocumentKind>::MAX_BYTES,)+
                }
            }

            /// Judges a write to a document of this kind from the part it touches (see
            /// [`DocumentKind::check_narrow_write`]); `None`: judge it whole.
            pub fn check_narrow_write(self, w: &NarrowWrite<'_>) -> Option<Result<(), Refusal>> {
                match self {
                    $(Kind::$variant => <$kind as DocumentKind>::check_narrow_write(w),)+
                }
            }
        }

        /// A kind's own refusal.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AnyRefusal {
            $($variant(<$kind as DocumentKind>::Refusal),)+
        }

        impl AnyRefusal {
            /// `<kind>.<code>`.
            pub fn code(&self) -> String {
                match self {
                    $(AnyRefusal::$variant(r) => {
                        format!("{}.{}", <$kind as DocumentKind>::KIND, KindRefusal::code(r))
                    })+
                }
            }

            /// A sentence for the user whose change was refused.
            pub fn describe(&self, lang: Lang) -> String {
                match self {
                    $(AnyRefusal::$variant(r) => KindRefusal::describe(r, lang),)+
                }
            }
        }

        impl fmt::Display for AnyRefusal {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(AnyRefusal::$variant(r) => fmt::Display::fmt(r, f),)+
                }
            }
        }

        $(
            impl From<<$kind as DocumentKind>::Refusal> for Refusal {
                fn from(refusal: <$kind as DocumentKind>::Refusal) -> Self {
                    Refusal::Kind(AnyRefusal::$variant(refusal))
                }
            }
        )+

        /// Every id some kind derives from these people and organisations
        /// ([`DocumentKind::derived_ids`]).
        pub fn derived_ids(
            people: &[PersonId],
            organisations: &[OrganisationId],
        ) -> std::collections::HashSet<DocumentId> {
            let mut ids = std::collections::HashSet::new();
            $(ids.extend(<$kind as DocumentKind>::derived_ids(people, organisations));)+
            ids
        }

        /// The sentence for the code `code` of the kind whose word is `kind` (`None`: unknown).
        pub fn describe_kind_code(kind: &str, code: &str, lang: Lang) -> Option<String> {
            match Kind::from_word(kind)? {
                $(Kind::$variant => {
                    <<$kind as DocumentKind>::Refusal as KindRefusal>::describe_code(code, lang)
                })+
            }
        }

        impl AnyView {
            /// The person whose reads of this document are not logged, everyone else's are
            /// (see [`DocumentKind::audited_owner`]).
            pub fn audited_owner(&self) -> Option<&PersonId> {
                match self {
                    $(AnyView::$variant(v) => <$kind as DocumentKind>::audited_owner(v),)+
                }
            }

            fn may_concern(&self, person: &PersonId) -> bool {
                match self {
                    $(AnyView::$variant(v) => {
                        <$kind as DocumentKind>::EXPORT_KEY.is_some()
                            && <$kind as DocumentKind>::may_concern(v, person)
                    })+
                }
            }
        }

        /// "Hent mine data": what the documents hold about `person`, one key per kind that
        /// exports something. `documents` are every document with its read view; only those
        /// that may concern the person are hydrated.
        pub fn export<'a>(
            person: &PersonId,
            documents: impl IntoIterator<Item = (&'a DocumentId, &'a Automerge, &'a AnyView)>,
        ) -> serde_json::Map<String, serde_json::Value> {
            $(
                #[allow(non_snake_case)]
                let mut $variant: Vec<(DocumentId, <$kind as DocumentKind>::Doc)> = Vec::new();
            )+
            for (id, doc, view) in documents {
                if !view.may_concern(person) {
                    continue;
                }
                match view {
                    $(AnyView::$variant(_) => {
                        if let Ok(d) = autosurgeon::hydrate(doc) {
                            $variant.push((*id, d));
                        }
                    })+
                }
            }
            let mut out = serde_json::Map::new();
            $(
                if let Some(key) = <$kind as DocumentKind>::EXPORT_KEY {
                    let part = <$kind as DocumentKind>::export(person, &$variant)
                        .unwrap_or(serde_json::Value::Null);
                    out.insert(key.to_owned(), part);
                }
            )+
            out
        }
        /// What reading a document of any kind depends on.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum AnyView {
            $($variant(<$kind as DocumentKind>::View),)+
        }

        /// A document of any kind, hydrated.
        // Held one at a time, briefly (a judgement, an export): the size of the largest kind
        // costs nothing worth a box.
        #[allow(clippy::large_enum_variant)]
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

        /// The facts document `id` makes true (empty for kinds that make none, without
        /// hydrating).
        pub fn facts_of(id: &DocumentId, doc: &Automerge) -> Vec<Fact> {
            let Some(word) = kind_word(doc) else {
                return Vec::new();
            };
            $(
                if <$kind as DocumentKind>::HAS_FACTS && word == <$kind as DocumentKind>::KIND {
                    return autosurgeon::hydrate(doc)
                        .map(|d| <$kind as DocumentKind>::facts(id, &d))
                        .unwrap_or_default();
                }
            )+
            Vec::new()
        }

        /// The facts of `doc` about what a write through `paths` can have touched (see
        /// [`DocumentKind::facts_touched`]); `None`: index the whole document.
        pub fn facts_touched(
            id: &DocumentId,
            doc: &Automerge,
            paths: &[Path],
        ) -> Option<Vec<(Fact, bool)>> {
            let word = kind_word(doc)?;
            $(
                if <$kind as DocumentKind>::HAS_FACTS && word == <$kind as DocumentKind>::KIND {
                    return <$kind as DocumentKind>::facts_touched(id, doc, paths);
                }
            )+
            // A kind without facts: a write touches none.
            Some(Vec::new())
        }

        /// The topics whose facts decide who may read a document with this view.
        pub fn depends_on(view: &AnyView) -> Vec<Topic> {
            match view {
                $(AnyView::$variant(v) => <$kind as DocumentKind>::depends_on(v),)+
            }
        }

        impl AnyDoc {
            /// The most bytes the relay keeps of a document of this kind.
            pub fn max_bytes(&self) -> usize {
                match self {
                    $(AnyDoc::$variant(_) => <$kind as DocumentKind>::MAX_BYTES,)+
                }
            }
        }

        /// What erasing `person` does to `doc` (of any kind; see [`DocumentKind::erase`]):
        /// the rewritten state comes back as a fresh history's bytes and heads. A document of
        /// no known kind, or one that does not hydrate, is `Untouched` (the relay checks its
        /// history all the same).
        pub fn erase_any(
            doc: &Automerge,
            person: &ErasedPerson,
        ) -> Erasure<(Vec<u8>, Vec<automerge::ChangeHash>)> {
            let Some(word) = kind_word(doc) else {
                return Erasure::Untouched;
            };
            $(
                if word == <$kind as DocumentKind>::KIND {
                    let Ok(d) = autosurgeon::hydrate::<_, <$kind as DocumentKind>::Doc>(doc) else {
                        return Erasure::Untouched;
                    };
                    return fresh(<$kind as DocumentKind>::erase(person, &d));
                }
            )+
            Erasure::Untouched
        }

        /// `doc`'s current state as a fresh history (for a document whose state is untouched
        /// by an erasure but whose history mentions the person). `None`: of no known kind, or
        /// malformed.
        pub fn fresh_any(doc: &Automerge) -> Option<(Vec<u8>, Vec<automerge::ChangeHash>)> {
            let word = kind_word(doc)?;
            $(
                if word == <$kind as DocumentKind>::KIND {
                    let d = autosurgeon::hydrate::<_, <$kind as DocumentKind>::Doc>(doc).ok()?;
                    return crate::erasure::fresh_history(&d).ok();
                }
            )+
            None
        }

        /// What the retention cut-off `cutoff` does to `doc` (see [`DocumentKind::expire`]).
        pub fn expire_any(
            doc: &Automerge,
            cutoff: i64,
        ) -> Erasure<(Vec<u8>, Vec<automerge::ChangeHash>)> {
            let Some(word) = kind_word(doc) else {
                return Erasure::Untouched;
            };
            $(
                if word == <$kind as DocumentKind>::KIND {
                    let Some(expire) = <$kind as DocumentKind>::EXPIRE else {
                        return Erasure::Untouched;
                    };
                    let Ok(d) = autosurgeon::hydrate::<_, <$kind as DocumentKind>::Doc>(doc) else {
                        return Erasure::Untouched;
                    };
                    return fresh(expire(&d, cutoff));
                }
            )+
            Erasure::Untouched
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
                // A document never changes its kind.
                _ => Err(Refusal::Forbidden { path: "kind".into() }),
            }
        }
    };
}

// The kinds of document. A new kind is one line here and one file beside this one.
registry! {
    Task => task::TaskKind,
    Profile => profile::ProfileKind,
    Organisation => organisation::OrganisationKind,
    Group => group::GroupKind,
    Meeting => meeting::MeetingKind,
    Inbox => inbox::InboxKind,
    Needs => needs::NeedsKind,
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

impl<'de, K: DocumentKind> serde::Deserialize<'de> for KindTag<K> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(deserializer)?;
        if word == K::KIND {
            Ok(Self::new())
        } else {
            Err(serde::de::Error::custom(format!(
                "the kind {:?}, not {word:?}",
                K::KIND
            )))
        }
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
    fn a_task_makes_its_active_sign_ups_facts_that_their_profiles_depend_on() {
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
        let id = DocumentId::random();
        assert_eq!(
            facts_of(&id, doc.document()),
            vec![fact.clone()],
            "once, and only Vera"
        );
        let mut profile = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut profile, Profile::new(vera, "Vera", 0)).unwrap();
        let view = read_view(profile.document()).unwrap();
        assert_eq!(depends_on(&view), vec![fact.topic()]);
        assert!(facts_of(&id, profile.document()).is_empty());
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
        let organisation = organisation::Organisation::new(
            "haslev-fodbold".parse().unwrap(),
            "Haslev Fodboldklub",
            organisation::Category::Association,
            0,
        );
        assert_eq!(
            reconciled_root_keys(&organisation),
            declared_fields::<organisation::OrganisationKind>()
        );
        let group = group::Group::new("koordinationsgruppen".parse().unwrap(), "Gruppen", 0);
        assert_eq!(
            reconciled_root_keys(&group),
            declared_fields::<group::GroupKind>()
        );
        let inbox = inbox::Inbox::new("carla".parse().unwrap());
        assert_eq!(
            reconciled_root_keys(&inbox),
            declared_fields::<inbox::InboxKind>()
        );
        let meeting = meeting::Meeting::draft(
            "carla".parse().unwrap(),
            "Dialogmøde",
            meeting::MeetingType::Dialogue,
            10,
            20,
            0,
        );
        assert_eq!(
            reconciled_root_keys(&meeting),
            declared_fields::<meeting::MeetingKind>()
        );
        let needs = needs::Needs::new(&DocumentId::random(), "carla".parse().unwrap(), 20, 0);
        assert_eq!(
            reconciled_root_keys(&needs),
            declared_fields::<needs::NeedsKind>()
        );
    }

    #[test]
    fn every_refusal_code_reads_back_as_its_own_sentence() {
        use crate::kinds::organisation::OrganisationRefusal;
        use crate::kinds::profile::ProfileRefusal;
        use crate::kinds::task::TaskRefusal;
        let refusals: Vec<Refusal> = vec![
            TaskRefusal::OthersSignup.into(),
            TaskRefusal::DecisionNotByYou.into(),
            TaskRefusal::NotOpen.into(),
            TaskRefusal::Implausible.into(),
            TaskRefusal::ShiftStarted.into(),
            ProfileRefusal::NotYourProfile.into(),
            OrganisationRefusal::NotYours.into(),
            OrganisationRefusal::WrongId.into(),
            group::GroupRefusal::NotStaff.into(),
            group::GroupRefusal::WrongId.into(),
            meeting::MeetingRefusal::NotHost.into(),
            meeting::MeetingRefusal::NotYours.into(),
            meeting::MeetingRefusal::NotByYou.into(),
            meeting::MeetingRefusal::Closed.into(),
            meeting::MeetingRefusal::Implausible.into(),
            needs::NeedsRefusal::NotYours.into(),
            needs::NeedsRefusal::WrongId.into(),
            Refusal::ForeignActor,
            Refusal::UnknownObject,
            Refusal::TooLarge,
            Refusal::DocumentTooLarge,
            Refusal::ReservedId,
            Refusal::UnknownKind,
            Refusal::Erased,
            Refusal::Rewritten,
        ];
        let mut codes = std::collections::HashSet::new();
        for refusal in &refusals {
            let code = refusal.code();
            assert!(codes.insert(code.clone()), "{code} twice");
            for lang in [Lang::Da, Lang::En] {
                assert_eq!(
                    Refusal::describe_code(&code, lang),
                    refusal.describe(lang),
                    "{code}"
                );
            }
        }
        // A kind's code is namespaced: the same word in two kinds stays apart.
        assert_eq!(refusals[5].code(), "profil.not-your-profile");
        assert_ne!(
            Refusal::describe_code("opgave.invalid", Lang::Da),
            Refusal::describe_code("profil.invalid", Lang::Da)
        );
        // A code from a newer relay still reads as a sentence.
        assert!(!Refusal::describe_code("moede.ukendt", Lang::Da).is_empty());
    }

    #[test]
    fn the_kind_of_a_document_is_read_from_its_word() {
        let task = Task::draft("klub".parse().unwrap(), "Kiosk", crate::Area::Sport, 0);
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &task).unwrap();
        assert_eq!(Kind::of(doc.document()), Some(Kind::Task));
        assert_eq!(Kind::of(&Automerge::new()), None);
        for kind in Kind::ALL {
            assert_eq!(Kind::from_word(kind.word()), Some(*kind));
        }
    }
}
