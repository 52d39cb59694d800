//! Who may write an organisation's document: those who run it (its coordinators, staff and
//! admins), only at the id derived from the organisation's id, never changing which
//! organisation it is; everyone signed in reads it.

use crate::authz::{Path, Principal, Refusal, within_fields};
use crate::ids::DocumentId;
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;

use super::OrganisationKind;
use super::schema::{Organisation, OrganisationError, organisation_document_id};

/// Why a write to an organisation was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationRefusal {
    #[error("{0}")]
    Invalid(OrganisationError),
    #[error("only the organisation's coordinators and the municipality's staff change it")]
    NotYours,
    #[error("an organisation's document lives at the id derived from the organisation")]
    WrongId,
}

impl KindRefusal for OrganisationRefusal {
    fn code(&self) -> &'static str {
        match self {
            OrganisationRefusal::Invalid(_) => "invalid",
            OrganisationRefusal::NotYours => "not-yours",
            OrganisationRefusal::WrongId => "wrong-id",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (OrganisationRefusal::Invalid(e), lang) => e.describe(lang),
            (OrganisationRefusal::NotYours, Lang::Da) => {
                "Kun organisationens koordinatorer og kommunens personale kan ændre den.".into()
            }
            (OrganisationRefusal::WrongId, Lang::Da) => {
                "Organisationen kan ikke oprettes her.".into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        match code {
            "invalid" => Some(match lang {
                Lang::Da => "Ændringen gjorde organisationen ugyldig og blev afvist.".into(),
                Lang::En => "The change made the organisation invalid and was refused.".into(),
            }),
            "not-yours" => Some(OrganisationRefusal::NotYours.describe(lang)),
            "wrong-id" => Some(OrganisationRefusal::WrongId.describe(lang)),
            _ => None,
        }
    }
}

/// Judges a write of `who` to the organisation document `id`.
pub fn check_organisation_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Organisation>,
    after: &Organisation,
    paths: &[Path],
) -> Result<(), Refusal> {
    let organisation = before.map_or(&after.organisation, |b| &b.organisation);
    if !who.coordinates(organisation) {
        return Err(OrganisationRefusal::NotYours.into());
    }
    if *id != organisation_document_id(organisation) {
        return Err(OrganisationRefusal::WrongId.into());
    }
    within_fields(paths, OrganisationKind::FIELDS)?;
    for path in paths {
        let fixed = matches!(
            path.first().map(String::as_str),
            Some("kind" | "schema" | "organisation" | "created_at")
        );
        let shape = match path.as_slice() {
            [_] => true,
            [contact, field] if contact == "contact" => {
                matches!(field.as_str(), "name" | "phone" | "email")
            }
            _ => false,
        };
        if (fixed && before.is_some()) || !shape {
            return Err(Refusal::Forbidden {
                path: path.join("/"),
            });
        }
    }
    after
        .validate()
        .map_err(|e| OrganisationRefusal::Invalid(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Role;
    use crate::authz::testing::{paths, who_in as who};
    use crate::ids::OrganisationId;
    use crate::kinds::organisation::Category;

    #[test]
    fn those_who_run_it_write_it_at_its_own_id() {
        let klub: OrganisationId = "klub".parse().unwrap();
        let id = organisation_document_id(&klub);
        let before = Organisation::new(klub.clone(), "Klubben", Category::Association, 0);
        let mut after = before.clone();
        after.description = "Vi spiller fodbold.".into();
        let wrote = paths(&["description"]);
        let bo = who("bo", Role::Coordinator, &["klub"]);
        let carla = who("carla", Role::Staff, &[]);
        let eva = who("eva", Role::Coordinator, &["bibliotek"]);
        let anna = who("anna", Role::Volunteer, &[]);
        for allowed in [&bo, &carla] {
            assert_eq!(
                check_organisation_write(allowed, &id, Some(&before), &after, &wrote),
                Ok(())
            );
        }
        for refused in [&eva, &anna] {
            assert_eq!(
                check_organisation_write(refused, &id, Some(&before), &after, &wrote),
                Err(OrganisationRefusal::NotYours.into())
            );
        }
        // Created only at the derived id, by those who run it.
        assert_eq!(
            check_organisation_write(&bo, &id, None, &before, &paths(&["name", "kind"])),
            Ok(())
        );
        assert_eq!(
            check_organisation_write(&bo, &DocumentId::random(), None, &before, &paths(&["name"])),
            Err(OrganisationRefusal::WrongId.into())
        );
        // Never moved to another organisation, never an unknown field.
        let mut moved = before.clone();
        moved.organisation = "bibliotek".parse().unwrap();
        assert!(
            check_organisation_write(
                &carla,
                &id,
                Some(&before),
                &moved,
                &paths(&["organisation"])
            )
            .is_err()
        );
        assert_eq!(
            check_organisation_write(&bo, &id, Some(&before), &after, &paths(&["evil"])),
            Err(Refusal::Forbidden {
                path: "evil".into()
            })
        );
        assert!(
            check_organisation_write(&bo, &id, Some(&before), &after, &paths(&["contact/x"]))
                .is_err()
        );
        let mut bad = before.clone();
        bad.cvr = "1234".into();
        assert_eq!(
            check_organisation_write(&bo, &id, Some(&before), &bad, &paths(&["cvr"])),
            Err(OrganisationRefusal::Invalid(OrganisationError::Cvr).into())
        );
        let refusal = Refusal::from(OrganisationRefusal::NotYours);
        assert_eq!(refusal.code(), "organisation.not-yours");
        assert_eq!(
            Refusal::describe_code(&refusal.code(), Lang::Da),
            "Kun organisationens koordinatorer og kommunens personale kan ændre den."
        );
    }
}
