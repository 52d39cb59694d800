//! Who may read and write what. Pure rules, used by the relay on every read and every
//! incoming change, and by the app to decide what to offer (the app is never trusted).
//!
//! A change is judged by its effect on the document it is applied to, never by a diff against
//! the change's own dependencies. An automerge op addresses an object id, not a path, and a
//! change may name objects its dependencies do not contain (`deps: []` with a `set` on a
//! task's `contact` map): a diff against the dependencies then shows nothing. So
//! [`change_paths`] reads every op of the change, looks its target object up in the document
//! with the change applied, and takes the path the object has *there*, plus the op's key. A
//! write therefore cannot hide, neither behind missing dependencies nor behind a concurrent
//! conflict it loses: every op is seen where it lands. An op on an object that the change's
//! own history does not contain is refused outright ([`Refusal::UnknownObject`]): a real
//! client cannot make one. Every path is then checked by the document's kind against the
//! writer's role and the document's shape (known fields only, at every level), and the result
//! must still be valid (the same validation the app runs): see each kind's `rules` in
//! [`crate::kinds`].
//!
//! The refusals here are the ones that concern any document; each kind adds its own
//! ([`crate::kinds::KindRefusal`]), sent as `<kind>.<code>` (`opgave.not-open`).
//!
//! The role table is written out in `docs/documents.md`.

use automerge::{Automerge, Change, Prop, ReadDoc};

use crate::ids::{OrganisationId, PersonId};
use crate::kinds::AnyRefusal;
use crate::lang::Lang;
use crate::task::Millis;
use crate::text_enum::text_enum;

text_enum!(
    /// What a user is to Samskab.
    Role {
        /// Signs up for tasks; writes only their own sign-ups.
        Volunteer = "frivillig",
        /// Runs the tasks of the organisations they are a member of.
        Coordinator = "koordinator",
        /// The municipality's staff: may run any organisation's tasks.
        Staff = "personale",
        /// Operates Samskab: everything staff may, plus accounts.
        Admin = "admin",
    }
);

/// The signed-in user a read or write is judged for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub person: PersonId,
    pub role: Role,
    /// Organisations the user coordinates (for coordinators).
    pub organisations: Vec<OrganisationId>,
}

impl Principal {
    /// Whether the user may run `org`'s tasks: create, edit, publish, cancel, decide.
    pub fn coordinates(&self, org: &OrganisationId) -> bool {
        match self.role {
            Role::Staff | Role::Admin => true,
            Role::Coordinator => self.organisations.contains(org),
            Role::Volunteer => false,
        }
    }
}

/// A path into a document: map keys, and sequence indexes as decimal text.
pub type Path = Vec<String>;

/// How far ahead of the relay's clock a sign-up time may be (devices' clocks drift).
pub const CLOCK_SLACK: Millis = 5 * 60 * 1000;

/// Why a change was refused: for reasons that concern any document, or for a reason of the
/// document's kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the document is of no kind Samskab knows")]
    UnknownKind,
    #[error("{0}")]
    Kind(AnyRefusal),
    #[error("you may not write {path}")]
    Forbidden { path: String },
    #[error("the change was made under another user's actor id")]
    ForeignActor,
    #[error("the change writes to an object its own history does not contain")]
    UnknownObject,
    #[error("the change is larger than the relay accepts")]
    TooLarge,
    #[error("the document would grow larger than the relay keeps")]
    DocumentTooLarge,
    #[error("this document id is reserved for another kind of document")]
    ReservedId,
    #[error("the message could not be read: {0}")]
    Malformed(String),
    /// The document was erased (a person's data, GDPR art. 17): its id is refused forever.
    #[error("this document was erased and cannot be written again")]
    Erased,
    /// The change belongs to (or builds on) a history the relay replaced when it wrote a
    /// person out of the document: the device drops its copy and fetches the new one.
    #[error("the document was rewritten; this change builds on its old history")]
    Rewritten,
}

impl Refusal {
    /// A stable machine-readable name, sent in `samskab-change-refused`: a word for the
    /// refusals that concern any document, `<kind>.<code>` for a kind's own.
    pub fn code(&self) -> String {
        match self {
            Refusal::Kind(refusal) => refusal.code(),
            general => general.general_code().into(),
        }
    }

    fn general_code(&self) -> &'static str {
        match self {
            Refusal::UnknownKind => "unknown-kind",
            Refusal::Kind(_) => "kind",
            Refusal::Forbidden { .. } => "forbidden",
            Refusal::ForeignActor => "foreign-actor",
            Refusal::UnknownObject => "unknown-object",
            Refusal::TooLarge => "too-large",
            Refusal::DocumentTooLarge => "document-too-large",
            Refusal::ReservedId => "reserved-id",
            Refusal::Malformed(_) => "malformed",
            Refusal::Erased => "erased",
            Refusal::Rewritten => "rewritten",
        }
    }

    /// The Danish (or English) sentence for a refusal code received from the relay. A code
    /// this build does not know (a newer relay's) still gets a sentence.
    pub fn describe_code(code: &str, lang: Lang) -> String {
        if let Some((kind, code)) = code.split_once('.')
            && let Some(sentence) = crate::kinds::describe_kind_code(kind, code, lang)
        {
            return sentence;
        }
        let sample = [
            Refusal::UnknownKind,
            Refusal::ForeignActor,
            Refusal::UnknownObject,
            Refusal::TooLarge,
            Refusal::DocumentTooLarge,
            Refusal::ReservedId,
            Refusal::Malformed(String::new()),
            Refusal::Erased,
            Refusal::Rewritten,
        ]
        .into_iter()
        .find(|r| r.general_code() == code)
        .unwrap_or(Refusal::Forbidden {
            path: String::new(),
        });
        sample.describe(lang)
    }

    /// A sentence for the user whose change was refused.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Refusal::Kind(refusal), lang) => refusal.describe(lang),
            (Refusal::UnknownKind, Lang::Da) => {
                "Dokumentet er ikke af en slags, Samskab kender.".into()
            }
            (Refusal::Forbidden { .. }, Lang::Da) => "Du har ikke lov til at ændre dette.".into(),
            (Refusal::Forbidden { .. }, Lang::En) => "You may not change this.".into(),
            (Refusal::ForeignActor, Lang::Da) => {
                "Ændringen kom fra en anden brugers session og blev afvist.".into()
            }
            (Refusal::UnknownObject, Lang::Da) => {
                "Ændringen henviste til noget, der ikke findes i dokumentet, og blev afvist.".into()
            }
            (Refusal::TooLarge, Lang::Da) => {
                "Ændringen er for stor til at blive gemt. Del den op i mindre dele.".into()
            }
            (Refusal::DocumentTooLarge, Lang::Da) => {
                "Dokumentet er blevet for stort til at blive gemt.".into()
            }
            (Refusal::ReservedId, Lang::Da) => {
                "Dokumentet kan ikke oprettes her. Prøv igen.".into()
            }
            (Refusal::Malformed(_), Lang::Da) => {
                "Serveren kunne ikke læse ændringen, og den blev afvist.".into()
            }
            (Refusal::Erased, Lang::Da) => {
                "Dokumentet er slettet og kan ikke gendannes. Din kopi er fjernet.".into()
            }
            (Refusal::Rewritten, Lang::Da) => {
                "Dokumentet er blevet renset for en slettet persons oplysninger. Din kopi er hentet på ny; ændringer lavet før det er ikke gemt.".into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

pub use crate::kinds::{AnyView as ReadView, may_read, read_view};

/// The paths the change writes, resolved in `doc`, the document with the change applied
/// (see the module comment): for every op, the path of its target object in `doc` plus the
/// op's map key (an op inside a list or text stops at the list's path). Costs in proportion to
/// the change (its ops, and one look-up per object it targets), not to the document.
///
/// Refuses with [`Refusal::UnknownObject`] an op on an object that `doc` does not contain or
/// that was not visible at the change's own dependencies (unless the change made it).
pub fn change_paths(doc: &Automerge, change: &Change) -> Result<Vec<Path>, Refusal> {
    use automerge::legacy::{Key, ObjectId};
    let prop = |p: &Prop| match p {
        Prop::Map(k) => k.clone(),
        Prop::Seq(i) => i.to_string(),
    };
    let expanded = change.decode();
    let start = change.start_op().get();
    let end = start + change.len() as u64;
    let mut objects: std::collections::HashMap<String, Path> = std::collections::HashMap::new();
    let mut paths = Vec::with_capacity(expanded.operations.len());
    for op in &expanded.operations {
        let mut path = match &op.obj {
            ObjectId::Root => Vec::new(),
            ObjectId::Id(id) => {
                let name = format!("{}@{}", id.0, id.1);
                if let Some(path) = objects.get(&name) {
                    path.clone()
                } else {
                    let made_here = id.1 == expanded.actor_id && (start..end).contains(&id.0);
                    let (obj, _) = doc.import(&name).map_err(|_| Refusal::UnknownObject)?;
                    if !made_here {
                        // The object must be in the change's own history: visible, with every
                        // object above it, at the change's dependencies.
                        let seen = doc
                            .parents_at(&obj, change.deps())
                            .ok()
                            .and_then(|p| p.visible_path())
                            .is_some();
                        if !seen {
                            return Err(Refusal::UnknownObject);
                        }
                    }
                    let path: Path = doc
                        .parents(&obj)
                        .map_err(|_| Refusal::UnknownObject)?
                        .path()
                        .iter()
                        .map(|(_, p)| prop(p))
                        .collect();
                    objects.insert(name, path.clone());
                    path
                }
            }
        };
        if let Key::Map(key) = &op.key {
            path.push(key.to_string());
        }
        paths.push(path);
    }
    Ok(paths)
}

/// The times a new or changed sign-up may carry, from the relay's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupWindow {
    /// The relay's clock when the change arrived; a sign-up may be at most [`CLOCK_SLACK`]
    /// ahead of it.
    pub now: Millis,
    /// The writer's device was last in contact with the relay at this time (or signed in then),
    /// so a sign-up it made offline cannot be older, less [`CLOCK_SLACK`]. This is what stops a
    /// device from back-dating a sign-up to jump a waitlist: it can claim no earlier time than
    /// it could honestly have had.
    pub not_before: Millis,
}

/// Whether every path stays inside a document's root fields (`fields`): the first check of
/// every kind's write rule (an unknown key would be stored and synced to every device, and
/// hydration would never notice it).
pub fn within_fields(paths: &[Path], fields: &[&str]) -> Result<(), Refusal> {
    for path in paths {
        if path
            .first()
            .is_some_and(|field| !fields.contains(&field.as_str()))
        {
            return Err(Refusal::Forbidden {
                path: path.join("/"),
            });
        }
    }
    Ok(())
}

/// What the kinds' rules tests share: a principal and the paths a change wrote.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Path, Principal, Role};

    /// `name` with `role`, in the organisations `orgs`.
    pub fn who_in(name: &str, role: Role, orgs: &[&str]) -> Principal {
        Principal {
            person: name.parse().expect("a test person id"),
            role,
            organisations: orgs
                .iter()
                .map(|o| o.parse().expect("a test organisation id"))
                .collect(),
        }
    }

    /// `name` with `role`, in no organisation.
    pub fn who(name: &str, role: Role) -> Principal {
        who_in(name, role, &[])
    }

    /// Paths written as `a/b/c`.
    pub fn paths(list: &[&str]) -> Vec<Path> {
        list.iter()
            .map(|p| p.split('/').map(str::to_owned).collect())
            .collect()
    }
}
