//! Who may write a person's needs for a meeting: the person alone, at the id derived from the
//! meeting and them, and never another meeting's or person's. Reading is in `mod.rs`: the
//! person and the meeting's hosts.

use crate::authz::{Path, Principal, Refusal, within_fields};
use crate::ids::DocumentId;
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;

use super::NeedsKind;
use super::schema::{Needs, NeedsError, needs_document_id};

/// Why a write to a needs document was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NeedsRefusal {
    #[error("{0}")]
    Invalid(NeedsError),
    #[error("only the person themselves writes their needs")]
    NotYours,
    #[error("needs live at the id derived from their meeting and person")]
    WrongId,
}

impl KindRefusal for NeedsRefusal {
    fn code(&self) -> &'static str {
        match self {
            NeedsRefusal::Invalid(_) => "invalid",
            NeedsRefusal::NotYours => "not-yours",
            NeedsRefusal::WrongId => "wrong-id",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (NeedsRefusal::Invalid(e), lang) => e.describe(lang),
            (NeedsRefusal::NotYours, Lang::Da) => "Kun du selv kan skrive dine behov.".into(),
            (NeedsRefusal::WrongId, Lang::Da) => "Behovene kan ikke gemmes her.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        match code {
            "invalid" => Some(match lang {
                Lang::Da => "Ændringen gjorde behovene ugyldige og blev afvist.".into(),
                Lang::En => "The change made the needs invalid and was refused.".into(),
            }),
            "not-yours" => Some(NeedsRefusal::NotYours.describe(lang)),
            "wrong-id" => Some(NeedsRefusal::WrongId.describe(lang)),
            _ => None,
        }
    }
}

/// Judges `who`'s write to the needs document `id`.
pub fn check_needs_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Needs>,
    after: &Needs,
    paths: &[Path],
) -> Result<(), Refusal> {
    let person = before.map_or(&after.person, |b| &b.person);
    if *person != who.person || after.person != who.person {
        return Err(NeedsRefusal::NotYours.into());
    }
    within_fields(paths, NeedsKind::FIELDS)?;
    let meeting = before.map_or(&after.meeting, |b| &b.meeting);
    let at_its_id = meeting
        .parse()
        .is_ok_and(|m| *id == needs_document_id(&m, person));
    if !at_its_id || after.meeting != *meeting {
        return Err(NeedsRefusal::WrongId.into());
    }
    after
        .validate()
        .map_err(|e| NeedsRefusal::Invalid(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Role;
    use crate::authz::testing::who;
    use crate::ids::PersonId;

    fn fields() -> Vec<Path> {
        NeedsKind::FIELDS
            .iter()
            .map(|f| vec![(*f).to_owned()])
            .collect()
    }

    fn annas(meeting: &DocumentId) -> (DocumentId, Needs) {
        let anna: PersonId = "anna".parse().unwrap();
        let mut needs = Needs::new(meeting, anna.clone(), 100, 1);
        needs.text = "Kørestol".into();
        (needs_document_id(meeting, &anna), needs)
    }

    #[test]
    fn the_person_writes_their_own_at_its_id() {
        let meeting = DocumentId::random();
        let (id, needs) = annas(&meeting);
        let anna = who("anna", Role::Volunteer);
        check_needs_write(&anna, &id, None, &needs, &fields()).unwrap();
        let mut after = needs.clone();
        after.text = "Kørestol og tolk".into();
        check_needs_write(&anna, &id, Some(&needs), &after, &[vec!["text".into()]]).unwrap();
    }

    #[test]
    fn no_one_else_not_a_host_not_staff() {
        let meeting = DocumentId::random();
        let (id, needs) = annas(&meeting);
        for role in [Role::Volunteer, Role::Coordinator, Role::Staff, Role::Admin] {
            assert_eq!(
                check_needs_write(&who("bo", role), &id, None, &needs, &fields()),
                Err(NeedsRefusal::NotYours.into()),
                "{role:?}"
            );
            let mut after = needs.clone();
            after.text.clear();
            assert_eq!(
                check_needs_write(&who("bo", role), &id, Some(&needs), &after, &fields()),
                Err(NeedsRefusal::NotYours.into()),
            );
        }
        // Nor handed over to someone else by its owner.
        let mut given = needs.clone();
        given.person = "bo".parse().unwrap();
        assert_eq!(
            check_needs_write(
                &who("anna", Role::Volunteer),
                &id,
                Some(&needs),
                &given,
                &[vec!["person".into()]]
            ),
            Err(NeedsRefusal::NotYours.into())
        );
    }

    #[test]
    fn only_at_the_id_of_its_meeting_and_person_and_never_moved() {
        let anna = who("anna", Role::Volunteer);
        let meeting = DocumentId::random();
        let (_, needs) = annas(&meeting);
        let elsewhere = DocumentId::random();
        assert_eq!(
            check_needs_write(&anna, &elsewhere, None, &needs, &fields()),
            Err(NeedsRefusal::WrongId.into())
        );
        let (id, _) = annas(&meeting);
        let mut moved = needs.clone();
        moved.meeting = DocumentId::random().to_string();
        assert_eq!(
            check_needs_write(&anna, &id, Some(&needs), &moved, &[vec!["meeting".into()]]),
            Err(NeedsRefusal::WrongId.into())
        );
    }

    #[test]
    fn at_most_500_characters_and_known_fields_only() {
        let anna = who("anna", Role::Volunteer);
        let meeting = DocumentId::random();
        let (id, needs) = annas(&meeting);
        let mut long = needs.clone();
        long.text = "æ".repeat(501);
        assert_eq!(
            check_needs_write(&anna, &id, Some(&needs), &long, &[vec!["text".into()]]),
            Err(NeedsRefusal::Invalid(NeedsError::TooLong).into())
        );
        long.text = "æ".repeat(500);
        check_needs_write(&anna, &id, Some(&needs), &long, &[vec!["text".into()]]).unwrap();
        assert!(
            check_needs_write(&anna, &id, Some(&needs), &needs, &[vec!["diagnose".into()]])
                .is_err()
        );
    }
}
