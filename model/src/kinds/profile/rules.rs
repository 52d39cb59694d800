//! Who may read a profile (the owner's consent) and how a write to one is judged (only its
//! owner, at the id derived from their person id), and the profile's own refusals.

use crate::authz::{Path, Principal, Refusal, Role, within_fields};
use crate::ids::{DocumentId, OrganisationId, PersonId};
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;
use crate::profile::{Consent, CoordinatorConsent, Profile, ProfileError, ProfileKind};

/// Why a write to a profile was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileRefusal {
    #[error("{0}")]
    Invalid(ProfileError),
    #[error("only its owner writes a profile")]
    NotYourProfile,
}

impl KindRefusal for ProfileRefusal {
    fn code(&self) -> &'static str {
        match self {
            ProfileRefusal::Invalid(_) => "invalid",
            ProfileRefusal::NotYourProfile => "not-your-profile",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (ProfileRefusal::Invalid(e), lang) => e.describe(lang),
            (ProfileRefusal::NotYourProfile, Lang::Da) => "Kun ejeren kan ændre et CV.".into(),
            (ProfileRefusal::NotYourProfile, Lang::En) => "Only its owner can change a CV.".into(),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        match code {
            "invalid" => Some(match lang {
                Lang::Da => "Ændringen gjorde CV'et ugyldigt og blev afvist.".into(),
                Lang::En => "The change made the CV invalid and was refused.".into(),
            }),
            "not-your-profile" => Some(ProfileRefusal::NotYourProfile.describe(lang)),
            _ => None,
        }
    }
}

/// The consent table: the owner always; staff and admins if the volunteer said yes to
/// staff; coordinators if the volunteer chose all coordinators, or chose "my organisations"
/// and has signed up for a task of an organisation the coordinator runs; no other volunteer.
pub fn may_read_profile(
    who: &Principal,
    owner: &PersonId,
    consent: Consent,
    signed_up_with: impl Fn(&PersonId, &OrganisationId) -> bool,
) -> bool {
    if who.person == *owner {
        return true;
    }
    match who.role {
        Role::Staff | Role::Admin => consent.staff,
        Role::Coordinator => match consent.coordinators {
            CoordinatorConsent::All => true,
            CoordinatorConsent::SignedUp => who
                .organisations
                .iter()
                .any(|org| signed_up_with(owner, org)),
            CoordinatorConsent::Nobody => false,
        },
        Role::Volunteer => false,
    }
}

/// Judges a write to the profile document `id` by `who`: only the owner writes a profile, a
/// new one only at the id derived from their own person id, its `kind` and `owner` never
/// change, it holds only known fields, and the result must be valid.
pub fn check_profile_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Profile>,
    after: &Profile,
    paths: &[Path],
) -> Result<(), Refusal> {
    let owner = before.map_or(&after.owner, |b| &b.owner);
    if *owner != who.person
        || after.owner != who.person
        || *id != crate::profile::profile_document_id(&who.person)
    {
        return Err(ProfileRefusal::NotYourProfile.into());
    }
    within_fields(paths, ProfileKind::FIELDS)?;
    after
        .validate()
        .map_err(|e| ProfileRefusal::Invalid(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::testing::who_in as who;

    const NOW: i64 = 1_800_000_000_000;

    fn person(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    #[test]
    fn the_consent_table() {
        use crate::profile::{Consent, CoordinatorConsent as C};
        let owner = person("anna");
        // Anna has signed up with "klub" only.
        let signed_up =
            |p: &PersonId, o: &OrganisationId| p.as_str() == "anna" && o.as_str() == "klub";
        let readers = [
            ("owner", who("anna", Role::Volunteer, &[])),
            ("staff", who("carla", Role::Staff, &[])),
            ("admin", who("dan", Role::Admin, &[])),
            (
                "coordinator, signed up with",
                who("bo", Role::Coordinator, &["klub"]),
            ),
            (
                "coordinator, other",
                who("eva", Role::Coordinator, &["bibliotek"]),
            ),
            ("volunteer", who("bent", Role::Volunteer, &[])),
        ];
        // (staff, coordinators) -> who may read, in the order above.
        let table = [
            (
                (false, C::Nobody),
                [true, false, false, false, false, false],
            ),
            ((true, C::Nobody), [true, true, true, false, false, false]),
            (
                (false, C::SignedUp),
                [true, false, false, true, false, false],
            ),
            ((true, C::SignedUp), [true, true, true, true, false, false]),
            ((false, C::All), [true, false, false, true, true, false]),
            ((true, C::All), [true, true, true, true, true, false]),
        ];
        for ((staff, coordinators), expected) in table {
            let consent = Consent {
                staff,
                coordinators,
            };
            for ((name, reader), allowed) in readers.iter().zip(expected) {
                assert_eq!(
                    may_read_profile(reader, &owner, consent, signed_up),
                    allowed,
                    "{name} with staff={staff} coordinators={coordinators}"
                );
            }
        }
    }

    #[test]
    fn only_the_owner_writes_a_profile_at_their_own_id() {
        use crate::profile::{Profile, profile_document_id};
        let anna = who("anna", Role::Volunteer, &[]);
        let carla = who("carla", Role::Staff, &[]);
        let id = profile_document_id(&anna.person);
        let profile = Profile::new(anna.person.clone(), "Anna", NOW);
        let name = vec![vec!["name".to_owned()]];
        assert_eq!(
            check_profile_write(&anna, &id, None, &profile, &name),
            Ok(())
        );
        assert_eq!(
            check_profile_write(&carla, &id, Some(&profile), &profile, &name),
            Err(ProfileRefusal::NotYourProfile.into())
        );
        // Not at someone else's id, and not someone else's profile at one's own id.
        let bent = profile_document_id(&person("bent"));
        assert_eq!(
            check_profile_write(&anna, &bent, None, &profile, &name),
            Err(ProfileRefusal::NotYourProfile.into())
        );
        let mut given_away = profile.clone();
        given_away.owner = person("bent");
        assert_eq!(
            check_profile_write(&anna, &id, Some(&profile), &given_away, &name),
            Err(ProfileRefusal::NotYourProfile.into())
        );
        let evil = vec![vec!["evil".to_owned()]];
        assert!(check_profile_write(&anna, &id, Some(&profile), &profile, &evil).is_err());
        let mut nameless = profile.clone();
        nameless.name.clear();
        assert_eq!(
            check_profile_write(&anna, &id, Some(&profile), &nameless, &name),
            Err(ProfileRefusal::Invalid(ProfileError::NameMissing).into())
        );
    }
}
