//! The group document (gruppe): a named group of people and organisations, such as
//! "Koordinationsgruppen" or "Ældreområdets foreninger". Meetings belong to groups, and a
//! meeting for "the groups' members" is read by them. Staff keep the membership; the
//! document lives at an id derived from the group's id, so a meeting can name the group
//! and every device finds the group's document without a list.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{DocumentId, GroupId, OrganisationId, PersonId};
use crate::kinds::KindTag;
use crate::lang::Lang;
use crate::task::Millis;

pub use super::GroupKind;

/// Upper bounds on the fields.
pub mod limits {
    pub const NAME: usize = 120;
    pub const DESCRIPTION: usize = 2_000;
    /// People and organisations each: a municipality-wide group of every association fits.
    pub const MEMBERS: usize = 2_000;
}

/// A group.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Group {
    pub kind: KindTag<GroupKind>,
    pub schema: u64,
    /// Which group this is (fixed at creation; the document id derives from it).
    pub group: GroupId,
    pub name: String,
    pub description: String,
    /// Members in their own right, by person.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub people: BTreeMap<PersonId, Membership>,
    /// Member organisations: their coordinators count as members.
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub organisations: BTreeMap<OrganisationId, Membership>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// When a member was added, and a person's name as staff found them (so the group's page
/// lists its people by name without a network; empty for an organisation, whose name its own
/// document holds, and in groups written before names were kept).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Membership {
    pub since: Millis,
    #[autosurgeon(missing = "String::new")]
    pub name: String,
}

impl Membership {
    /// An organisation's membership from `since`.
    pub fn from(since: Millis) -> Self {
        Self {
            since,
            name: String::new(),
        }
    }

    /// A person's membership from `since`, under `name`.
    pub fn person(since: Millis, name: &str) -> Self {
        Self {
            since,
            name: name.trim().to_owned(),
        }
    }
}

impl Group {
    /// A new group with no members.
    pub fn new(group: GroupId, name: &str, now: Millis) -> Self {
        Self {
            kind: KindTag::new(),
            schema: <GroupKind as crate::kinds::DocumentKind>::SCHEMA,
            group,
            name: name.trim().to_owned(),
            description: String::new(),
            people: BTreeMap::new(),
            organisations: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether `person` belongs to the group, in their own right or as a coordinator of
    /// one of `coordinates` (the organisations they run).
    pub fn includes(&self, person: &PersonId, coordinates: &[OrganisationId]) -> bool {
        self.people.contains_key(person)
            || coordinates
                .iter()
                .any(|o| self.organisations.contains_key(o))
    }

    /// Every rule the document breaks; empty when it is valid.
    pub fn problems(&self) -> Vec<GroupError> {
        let mut problems = Vec::new();
        if self.schema > <GroupKind as crate::kinds::DocumentKind>::SCHEMA {
            problems.push(GroupError::NewerSchema(self.schema));
        }
        if self.name.trim().is_empty() {
            problems.push(GroupError::NameMissing);
        }
        if self.name.chars().count() > limits::NAME {
            problems.push(GroupError::TooLong {
                field: "name",
                max: limits::NAME,
            });
        }
        if self.description.chars().count() > limits::DESCRIPTION {
            problems.push(GroupError::TooLong {
                field: "description",
                max: limits::DESCRIPTION,
            });
        }
        if self.people.len() > limits::MEMBERS || self.organisations.len() > limits::MEMBERS {
            problems.push(GroupError::TooManyMembers);
        }
        problems
    }

    /// The first problem, if any.
    pub fn validate(&self) -> Result<(), GroupError> {
        crate::kinds::first_problem(self.problems())
    }
}

/// Why a group document is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("the name is missing")]
    NameMissing,
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error(
        "a group has at most {} people and {} organisations",
        limits::MEMBERS,
        limits::MEMBERS
    )]
    TooManyMembers,
}

impl GroupError {
    /// A sentence for the user.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (GroupError::NewerSchema(_), Lang::Da) => {
                "Gruppen er gemt af en nyere version af Samskab. Opdatér appen.".into()
            }
            (GroupError::NameMissing, Lang::Da) => "Skriv gruppens navn.".into(),
            (GroupError::TooLong { field, max }, Lang::Da) => {
                let field = if *field == "name" {
                    "navn"
                } else {
                    "beskrivelse"
                };
                format!("Feltet {field} må højst have {max} tegn.")
            }
            (GroupError::TooManyMembers, Lang::Da) => format!(
                "En gruppe kan højst have {} personer og {} organisationer.",
                limits::MEMBERS,
                limits::MEMBERS
            ),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

/// The id of `group`'s document: the first 16 bytes of SHA-256 over a fixed prefix and the
/// group id. Anyone can compute it.
pub fn group_document_id(group: &GroupId) -> DocumentId {
    crate::ids::derived_document_id(b"samskab-group:", group.as_str())
}
