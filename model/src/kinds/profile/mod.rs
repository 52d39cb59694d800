//! The volunteer's profile (CV) as a kind of document: its word, root fields and size bound,
//! what reading it depends on (owner and consent), who may read it and how a write is judged
//! ([`rules`]), its audit (every read by someone other than the owner is logged) and its part
//! of the owner's export. The schema is [`schema`] (also `crate::profile`).

pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Topic, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, OrganisationId, PersonId};
use schema::{Consent, Profile, profile_document_id};

pub use rules::ProfileRefusal;

/// The volunteer's profile as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileKind;

/// What reading a profile depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileView {
    pub owner: PersonId,
    pub consent: Consent,
}

impl DocumentKind for ProfileKind {
    const KIND: &'static str = "profil";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "owner",
        "name",
        "phone",
        "email",
        "towns",
        "travel_km",
        "areas",
        "skills",
        "languages",
        "availability",
        "away",
        "experience",
        "offer",
        "child_certificate",
        "consent",
        "created_at",
        "updated_at",
    ];

    const MAX_BYTES: usize = crate::sync::limits::PROFILE_BYTES;
    type Doc = Profile;
    type View = ProfileView;
    type Refusal = ProfileRefusal;

    fn read_view(doc: &Automerge) -> Option<ProfileView> {
        Some(ProfileView {
            owner: autosurgeon::hydrate_prop(doc, ROOT, "owner").ok()?,
            consent: autosurgeon::hydrate_prop(doc, ROOT, "consent").ok()?,
        })
    }

    /// As the owner's consent says ([`rules::may_read_profile`]); "my organisations" asks
    /// the relay's facts whether the owner signed up with the reader's organisation.
    fn may_read(who: &Principal, view: &ProfileView, facts: &dyn Facts) -> bool {
        rules::may_read_profile(who, &view.owner, view.consent, |person, organisation| {
            facts.holds(&Fact::SignedUp {
                person: person.clone(),
                organisation: organisation.clone(),
            })
        })
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        rules::check_profile_write(w.who, w.id, w.before, w.after, w.paths)
    }

    /// A sign-up with an organisation can make the person's profile readable to its
    /// coordinators ("my organisations"), and its withdrawal unreadable.
    fn depends_on(view: &ProfileView) -> Vec<Topic> {
        vec![Topic::SignUps(view.owner.clone())]
    }

    fn derived_ids(people: &[PersonId], _: &[OrganisationId]) -> Vec<DocumentId> {
        people.iter().map(profile_document_id).collect()
    }

    fn audited_owner(view: &ProfileView) -> Option<&PersonId> {
        Some(&view.owner)
    }

    const EXPORT_KEY: Option<&'static str> = Some("profile");

    fn may_concern(view: &ProfileView, person: &PersonId) -> bool {
        view.owner == *person
    }

    /// The person's own profile, whole (`null` if they have none).
    fn export(person: &PersonId, profiles: &[(DocumentId, Profile)]) -> Option<serde_json::Value> {
        let own = profiles.iter().find(|(_, p)| p.owner == *person)?;
        serde_json::to_value(&own.1).ok()
    }

    /// The person's own profile goes, whole; nobody else's names them.
    fn erase(person: &ErasedPerson, profile: &Profile) -> Erasure<Profile> {
        if profile.owner == person.id {
            Erasure::Delete
        } else {
            Erasure::Untouched
        }
    }
}
