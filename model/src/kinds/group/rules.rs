//! Who may read and write a group: the municipality's staff keep it; its members (people in
//! their own right, and the coordinators of member organisations) and staff read it.

use crate::authz::{Path, Principal, Refusal, Role, within_fields};
use crate::ids::DocumentId;
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;

use super::GroupKind;
use super::schema::{Group, GroupError, group_document_id};

/// Why a write to a group was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupRefusal {
    #[error("{0}")]
    Invalid(GroupError),
    #[error("only the municipality's staff change a group")]
    NotStaff,
    #[error("a group's document lives at the id derived from the group")]
    WrongId,
}

impl KindRefusal for GroupRefusal {
    fn code(&self) -> &'static str {
        match self {
            GroupRefusal::Invalid(_) => "invalid",
            GroupRefusal::NotStaff => "not-staff",
            GroupRefusal::WrongId => "wrong-id",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (GroupRefusal::Invalid(e), lang) => e.describe(lang),
            (GroupRefusal::NotStaff, Lang::Da) => {
                "Kun kommunens personale kan ændre en gruppe.".into()
            }
            (GroupRefusal::WrongId, Lang::Da) => "Gruppen kan ikke oprettes her.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        match code {
            "invalid" => Some(match lang {
                Lang::Da => "Ændringen gjorde gruppen ugyldig og blev afvist.".into(),
                Lang::En => "The change made the group invalid and was refused.".into(),
            }),
            "not-staff" => Some(GroupRefusal::NotStaff.describe(lang)),
            "wrong-id" => Some(GroupRefusal::WrongId.describe(lang)),
            _ => None,
        }
    }
}

/// Whether `who` is the municipality's staff (or an admin).
pub fn is_staff(who: &Principal) -> bool {
    matches!(who.role, Role::Staff | Role::Admin)
}

/// Judges a write of `who` to the group document `id`.
pub fn check_group_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Group>,
    after: &Group,
    paths: &[Path],
) -> Result<(), Refusal> {
    if !is_staff(who) {
        return Err(GroupRefusal::NotStaff.into());
    }
    let group = before.map_or(&after.group, |b| &b.group);
    if *id != group_document_id(group) {
        return Err(GroupRefusal::WrongId.into());
    }
    within_fields(paths, GroupKind::FIELDS)?;
    for path in paths {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let fixed = matches!(
            p.first(),
            Some(&("kind" | "schema" | "group" | "created_at"))
        );
        let shape = matches!(
            p.as_slice(),
            [_] | ["people" | "organisations", _]
                | ["people" | "organisations", _, "since" | "name"]
        );
        if (fixed && before.is_some()) || !shape {
            return Err(Refusal::Forbidden {
                path: path.join("/"),
            });
        }
    }
    after
        .validate()
        .map_err(|e| GroupRefusal::Invalid(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::testing::{paths, who};
    use crate::ids::GroupId;

    #[test]
    fn staff_keep_a_group_at_its_own_id() {
        let g: GroupId = "koordinationsgruppen".parse().unwrap();
        let id = group_document_id(&g);
        let before = Group::new(g.clone(), "Koordinationsgruppen", 0);
        let mut after = before.clone();
        after.people.insert(
            "vera".parse().unwrap(),
            super::super::schema::Membership::person(1, "Vera"),
        );
        let wrote = paths(&["people/vera", "people/vera/since", "people/vera/name"]);
        for staff in [who("carla", Role::Staff), who("adam", Role::Admin)] {
            assert_eq!(
                check_group_write(&staff, &id, Some(&before), &after, &wrote),
                Ok(())
            );
        }
        for other in [who("bo", Role::Coordinator), who("vera", Role::Volunteer)] {
            assert_eq!(
                check_group_write(&other, &id, Some(&before), &after, &wrote),
                Err(GroupRefusal::NotStaff.into())
            );
        }
        let carla = who("carla", Role::Staff);
        assert_eq!(
            check_group_write(
                &carla,
                &DocumentId::random(),
                None,
                &before,
                &paths(&["name"])
            ),
            Err(GroupRefusal::WrongId.into())
        );
        let mut renamed = before.clone();
        renamed.group = "andet".parse().unwrap();
        assert!(
            check_group_write(&carla, &id, Some(&before), &renamed, &paths(&["group"])).is_err()
        );
        assert_eq!(
            check_group_write(
                &carla,
                &id,
                Some(&before),
                &after,
                &paths(&["people/vera/x"])
            ),
            Err(Refusal::Forbidden {
                path: "people/vera/x".into()
            })
        );
        let mut nameless = before.clone();
        nameless.name = " ".into();
        assert_eq!(
            check_group_write(&carla, &id, Some(&before), &nameless, &paths(&["name"])),
            Err(GroupRefusal::Invalid(GroupError::NameMissing).into())
        );
    }
}
