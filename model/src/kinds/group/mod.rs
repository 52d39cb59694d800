//! The group as a kind of document: a named group of people and organisations that
//! meetings belong to ([`schema`]). Staff keep it; its members and staff read it
//! ([`rules`]); it makes the facts "this person / organisation is in this group" that a
//! members-only meeting's read rule asks.

pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, OrganisationId, PersonId};

pub use rules::GroupRefusal;
pub use schema::{Group, GroupError, Membership, group_document_id, limits};

/// The group as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupKind;

/// What reading a group depends on: who is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub people: Vec<PersonId>,
    pub organisations: Vec<OrganisationId>,
}

impl DocumentKind for GroupKind {
    const KIND: &'static str = "gruppe";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "group",
        "name",
        "description",
        "people",
        "organisations",
        "created_at",
        "updated_at",
    ];
    /// Names and up to a few thousand members.
    const MAX_BYTES: usize = 1024 * 1024;
    type Doc = Group;
    type View = GroupView;
    type Refusal = GroupRefusal;

    fn read_view(doc: &Automerge) -> Option<GroupView> {
        let people: std::collections::BTreeMap<String, Membership> =
            autosurgeon::hydrate_prop(doc, ROOT, "people").ok()?;
        let organisations: std::collections::BTreeMap<String, Membership> =
            autosurgeon::hydrate_prop(doc, ROOT, "organisations").ok()?;
        Some(GroupView {
            people: people.keys().filter_map(|k| k.parse().ok()).collect(),
            organisations: organisations
                .keys()
                .filter_map(|k| k.parse().ok())
                .collect(),
        })
    }

    /// Its members (in their own right, or as coordinators of a member organisation) and
    /// the municipality's staff: who sits in which group is not for everyone.
    fn may_read(who: &Principal, view: &GroupView, _: &dyn Facts) -> bool {
        rules::is_staff(who)
            || view.people.contains(&who.person)
            || (who.role == crate::authz::Role::Coordinator
                && who
                    .organisations
                    .iter()
                    .any(|o| view.organisations.contains(o)))
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        rules::check_group_write(w.who, w.id, w.before, w.after, w.paths)
    }

    const HAS_FACTS: bool = true;

    /// Each member person, and each member organisation, is in the group.
    fn facts(_: &DocumentId, group: &Group) -> Vec<Fact> {
        let people = group.people.keys().map(|person| Fact::InGroup {
            person: person.clone(),
            group: group.group.clone(),
        });
        let organisations =
            group
                .organisations
                .keys()
                .map(|organisation| Fact::OrganisationInGroup {
                    organisation: organisation.clone(),
                    group: group.group.clone(),
                });
        people.chain(organisations).collect()
    }

    const EXPORT_KEY: Option<&'static str> = Some("groups");

    fn may_concern(view: &GroupView, person: &PersonId) -> bool {
        view.people.contains(person)
    }

    /// The groups the person is a member of in their own right, with the date they joined.
    fn export(person: &PersonId, groups: &[(DocumentId, Group)]) -> Option<serde_json::Value> {
        let memberships: Vec<serde_json::Value> = groups
            .iter()
            .filter_map(|(_, g)| {
                let m = g.people.get(person)?;
                Some(serde_json::json!({
                    "group": g.group.as_str(),
                    "name": g.name,
                    "since": m.since,
                }))
            })
            .collect();
        Some(serde_json::Value::Array(memberships))
    }

    /// The person leaves the group (an organisation's membership is the organisation's).
    fn erase(person: &ErasedPerson, group: &Group) -> Erasure<Group> {
        if group.people.contains_key(&person.id) {
            let mut out = group.clone();
            out.people.remove(&person.id);
            Erasure::Rewrite(out)
        } else {
            Erasure::Untouched
        }
    }
}
