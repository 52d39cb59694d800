//! The organisation as a kind of document: an association or municipal centre describing
//! itself. Everyone signed in reads it; those who run the organisation write it
//! ([`rules`]); it holds nothing about a person that the person's export or erasure must
//! cover beyond the contact fields the organisation chose to publish. The schema is
//! [`schema`].

pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Facts, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, OrganisationId, PersonId};

pub use rules::OrganisationRefusal;
pub use schema::{Category, Organisation, OrganisationError, limits, organisation_document_id};

/// The organisation as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganisationKind;

/// What reading an organisation depends on: nothing but which one it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationView {
    pub organisation: OrganisationId,
}

impl DocumentKind for OrganisationKind {
    const KIND: &'static str = "organisation";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "organisation",
        "name",
        "category",
        "cvr",
        "town",
        "contact",
        "description",
        "created_at",
        "updated_at",
    ];
    /// An organisation's description and contact: small, and rarely edited.
    const MAX_BYTES: usize = 256 * 1024;
    type Doc = Organisation;
    type View = OrganisationView;
    type Refusal = OrganisationRefusal;

    fn read_view(doc: &Automerge) -> Option<OrganisationView> {
        Some(OrganisationView {
            organisation: autosurgeon::hydrate_prop(doc, ROOT, "organisation").ok()?,
        })
    }

    /// Everyone signed in: which organisations there are, and how to reach them, is public.
    fn may_read(_: &Principal, _: &OrganisationView, _: &dyn Facts) -> bool {
        true
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        rules::check_organisation_write(w.who, w.id, w.before, w.after, w.paths)
    }

    fn derived_ids(_: &[PersonId], organisations: &[OrganisationId]) -> Vec<DocumentId> {
        organisations.iter().map(organisation_document_id).collect()
    }

    /// The document holds no person id; only its published contact can be a person. When
    /// that contact is the erased person (same e-mail or phone), it is emptied: their name
    /// and number must not stay public, and the organisation writes a new contact.
    fn erase(person: &ErasedPerson, org: &Organisation) -> Erasure<Organisation> {
        if person.is_contact(&org.contact.email, &org.contact.phone) {
            let mut out = org.clone();
            out.contact = Default::default();
            Erasure::Rewrite(out)
        } else {
            Erasure::Untouched
        }
    }
}
