//! The organisation document: what an association or a municipal centre says about itself
//! (name, what kind of organisation, CVR number, town, contact, description). Who belongs to
//! it is not here: the relay's organisation table is the source of membership, and of which
//! organisations exist. The document lives at an id derived from the organisation's id, so
//! every device finds it without a list.

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{DocumentId, OrganisationId};
use crate::kinds::KindTag;
use crate::lang::Lang;
use crate::task::{Contact, Millis};
use crate::text_enum::text_enum;

pub use super::OrganisationKind;

text_enum!(
    /// What kind of organisation it is.
    Category {
        /// A voluntary association (forening).
        Association = "forening",
        /// A municipal centre (kommunalt center), e.g. an elder-care or activity centre.
        MunicipalCentre = "center",
        /// Anything else: a self-organised group, a church, a school.
        Other = "anden",
    }
);

impl Category {
    /// The name shown to people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Category::Association, Lang::Da) => "Forening",
            (Category::Association, Lang::En) => "Association",
            (Category::MunicipalCentre, Lang::Da) => "Kommunalt center",
            (Category::MunicipalCentre, Lang::En) => "Municipal centre",
            (Category::Other, Lang::Da) => "Anden",
            (Category::Other, Lang::En) => "Other",
        }
    }
}

/// Upper bounds on the fields.
pub mod limits {
    pub const NAME: usize = 120;
    pub const TOWN: usize = 60;
    pub const DESCRIPTION: usize = 2_000;
    pub const CONTACT_FIELD: usize = 120;
}

/// An organisation as it describes itself.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Organisation {
    pub kind: KindTag<OrganisationKind>,
    pub schema: u64,
    /// Which organisation this is (fixed at creation; the document id derives from it).
    pub organisation: OrganisationId,
    pub name: String,
    pub category: Category,
    /// The Danish company number (CVR), 8 digits, or empty.
    pub cvr: String,
    pub town: String,
    /// Whom volunteers and staff may contact; shown to everyone signed in.
    pub contact: Contact,
    pub description: String,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Organisation {
    /// A new organisation's document, with only its name and category.
    pub fn new(organisation: OrganisationId, name: &str, category: Category, now: Millis) -> Self {
        Self {
            kind: KindTag::new(),
            schema: <OrganisationKind as crate::kinds::DocumentKind>::SCHEMA,
            organisation,
            name: name.trim().to_owned(),
            category,
            cvr: String::new(),
            town: String::new(),
            contact: Contact::default(),
            description: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Every rule the document breaks; empty when it is valid. The app shows these before
    /// saving; the relay refuses a change that leaves an organisation breaking any of them.
    pub fn problems(&self) -> Vec<OrganisationError> {
        let mut problems = Vec::new();
        let schema = <OrganisationKind as crate::kinds::DocumentKind>::SCHEMA;
        if self.schema > schema {
            problems.push(OrganisationError::NewerSchema(self.schema));
        }
        if self.name.trim().is_empty() {
            problems.push(OrganisationError::NameMissing);
        }
        let mut check_len = |field: &'static str, value: &str, max: usize| {
            if value.chars().count() > max {
                problems.push(OrganisationError::TooLong { field, max });
            }
        };
        check_len("name", &self.name, limits::NAME);
        check_len("town", &self.town, limits::TOWN);
        check_len("description", &self.description, limits::DESCRIPTION);
        check_len("contact name", &self.contact.name, limits::CONTACT_FIELD);
        check_len("contact phone", &self.contact.phone, limits::CONTACT_FIELD);
        check_len("contact e-mail", &self.contact.email, limits::CONTACT_FIELD);
        let cvr = self.cvr.trim();
        let eight_digits = cvr.len() == 8 && cvr.bytes().all(|b| b.is_ascii_digit());
        if !cvr.is_empty() && !eight_digits {
            problems.push(OrganisationError::Cvr);
        }
        problems
    }

    /// The first problem, if any.
    pub fn validate(&self) -> Result<(), OrganisationError> {
        crate::kinds::first_problem(self.problems())
    }
}

/// Why an organisation document is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("the name is missing")]
    NameMissing,
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("a CVR number is 8 digits")]
    Cvr,
}

impl OrganisationError {
    /// A sentence for the user.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (OrganisationError::NewerSchema(_), Lang::Da) => {
                "Organisationen er gemt af en nyere version af Samskab. Opdatér appen.".into()
            }
            (OrganisationError::NameMissing, Lang::Da) => "Skriv organisationens navn.".into(),
            (OrganisationError::TooLong { field, max }, Lang::Da) => {
                let field = match *field {
                    "name" => "navn",
                    "town" => "by",
                    "description" => "beskrivelse",
                    "contact name" => "kontaktperson",
                    "contact phone" => "telefon",
                    _ => "e-mail",
                };
                format!("Feltet {field} må højst have {max} tegn.")
            }
            (OrganisationError::Cvr, Lang::Da) => "Et CVR-nummer har 8 cifre.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

/// The id of `organisation`'s document: the first 16 bytes of SHA-256 over a fixed prefix and
/// the organisation id. Anyone can compute it.
pub fn organisation_document_id(organisation: &OrganisationId) -> DocumentId {
    crate::ids::derived_document_id(b"samskab-organisation:", organisation.as_str())
}
