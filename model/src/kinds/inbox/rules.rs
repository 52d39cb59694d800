//! Who may read and write an inbox: its owner alone reads it (not staff, not an admin: what
//! the relay told a person is theirs). The relay writes the notices itself, outside the
//! rules; a device, even the owner's, may only mark a notice read and change the settings,
//! and may make the inbox only as its fixed first state.

use crate::authz::{Path, Principal, Refusal, within_fields};
use crate::ids::DocumentId;
use crate::kinds::{DocumentKind, KindRefusal};
use crate::lang::Lang;

use super::InboxKind;
use super::schema::{Inbox, InboxError, inbox_document_id};

/// Why a write to an inbox was refused, beyond what any document may be refused for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboxRefusal {
    #[error("{0}")]
    Invalid(InboxError),
    #[error("only its owner changes an inbox")]
    NotYours,
    #[error("an inbox lives at the id derived from its owner")]
    WrongId,
    #[error("only the relay writes notices")]
    RelayOnly,
}

impl KindRefusal for InboxRefusal {
    fn code(&self) -> &'static str {
        match self {
            InboxRefusal::Invalid(_) => "invalid",
            InboxRefusal::NotYours => "not-yours",
            InboxRefusal::WrongId => "wrong-id",
            InboxRefusal::RelayOnly => "relay-only",
        }
    }

    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (InboxRefusal::Invalid(e), lang) => e.describe(lang),
            (InboxRefusal::NotYours, Lang::Da) => "Du kan kun ændre din egen indbakke.".into(),
            (InboxRefusal::WrongId, Lang::Da) => "Indbakken kan ikke oprettes her.".into(),
            (InboxRefusal::RelayOnly, Lang::Da) => "Beskeder skrives kun af Samskab selv.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }

    fn describe_code(code: &str, lang: Lang) -> Option<String> {
        match code {
            "invalid" => Some(match lang {
                Lang::Da => "Ændringen gjorde indbakken ugyldig og blev afvist.".into(),
                Lang::En => "The change made the inbox invalid and was refused.".into(),
            }),
            "not-yours" => Some(InboxRefusal::NotYours.describe(lang)),
            "wrong-id" => Some(InboxRefusal::WrongId.describe(lang)),
            "relay-only" => Some(InboxRefusal::RelayOnly.describe(lang)),
            _ => None,
        }
    }
}

/// Judges a device's write of `who` to the inbox document `id`.
pub fn check_inbox_write(
    who: &Principal,
    id: &DocumentId,
    before: Option<&Inbox>,
    after: &Inbox,
    paths: &[Path],
) -> Result<(), Refusal> {
    let owner = before.map_or(&after.owner, |b| &b.owner);
    if *owner != who.person {
        return Err(InboxRefusal::NotYours.into());
    }
    if *id != inbox_document_id(owner) {
        return Err(InboxRefusal::WrongId.into());
    }
    within_fields(paths, InboxKind::FIELDS)?;
    let Some(before) = before else {
        // Made on a device: only as its first state (no notices; the relay writes those).
        if !after.notices.is_empty() {
            return Err(InboxRefusal::RelayOnly.into());
        }
        return after
            .validate()
            .map_err(|e| InboxRefusal::Invalid(e).into());
    };
    for path in paths {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["settings", "email" | "reminder_hours"] => {}
            // Marking read a notice the relay wrote; nothing else of it.
            ["notices", key, "read_at"] if before.notices.contains_key(*key) => {}
            ["notices", ..] => return Err(InboxRefusal::RelayOnly.into()),
            _ => {
                return Err(Refusal::Forbidden {
                    path: path.join("/"),
                });
            }
        }
    }
    if after.notices.len() != before.notices.len() {
        return Err(InboxRefusal::RelayOnly.into());
    }
    after
        .validate()
        .map_err(|e| InboxRefusal::Invalid(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Role;
    use crate::authz::testing::{paths, who};
    use crate::kinds::inbox::schema::{MailState, Notice, NoticeKind};

    fn with_notice() -> Inbox {
        let mut inbox = Inbox::new("anna".parse().unwrap());
        inbox.notices.insert(
            "moede:1:aflyst".into(),
            Notice {
                what: NoticeKind::MeetingCancelled.into(),
                document: "1".into(),
                title: "Dialogmøde".into(),
                start: 10,
                end: 20,
                place: "Rådhuset".into(),
                detail: String::new(),
                at: 5,
                read_at: 0,
                mail: MailState::Pending,
            },
        );
        inbox
    }

    fn check(
        who: &Principal,
        before: Option<&Inbox>,
        after: &Inbox,
        p: &[&str],
    ) -> Result<(), Refusal> {
        let id = inbox_document_id(&"anna".parse().unwrap());
        check_inbox_write(who, &id, before, after, &paths(p))
    }

    #[test]
    fn the_owner_marks_read_and_changes_settings() {
        let anna = who("anna", Role::Volunteer);
        let before = with_notice();
        let mut after = before.clone();
        after.notices.get_mut("moede:1:aflyst").unwrap().read_at = 30;
        after.settings.email = false;
        after.settings.reminder_hours = 2;
        check(
            &anna,
            Some(&before),
            &after,
            &[
                "notices/moede:1:aflyst/read_at",
                "settings/email",
                "settings/reminder_hours",
            ],
        )
        .unwrap();
    }

    #[test]
    fn no_one_else_writes_it_not_even_staff() {
        let before = with_notice();
        let mut after = before.clone();
        after.settings.email = false;
        for role in [Role::Volunteer, Role::Coordinator, Role::Staff, Role::Admin] {
            let err = check(&who("bo", role), Some(&before), &after, &["settings/email"]);
            assert_eq!(err, Err(InboxRefusal::NotYours.into()), "{role:?}");
        }
    }

    #[test]
    fn a_device_writes_no_notice_and_deletes_none() {
        let anna = who("anna", Role::Volunteer);
        let before = with_notice();
        let mut forged = before.clone();
        let mut fake = forged.notices["moede:1:aflyst"].clone();
        fake.title = "Falsk".into();
        forged.notices.insert("moede:2:aflyst".into(), fake);
        assert_eq!(
            check(&anna, Some(&before), &forged, &["notices/moede:2:aflyst"]),
            Err(InboxRefusal::RelayOnly.into())
        );
        let mut edited = before.clone();
        edited.notices.get_mut("moede:1:aflyst").unwrap().title = "Andet".into();
        assert_eq!(
            check(
                &anna,
                Some(&before),
                &edited,
                &["notices/moede:1:aflyst/title"]
            ),
            Err(InboxRefusal::RelayOnly.into())
        );
        let mut deleted = before.clone();
        deleted.notices.clear();
        assert_eq!(
            check(&anna, Some(&before), &deleted, &["notices/moede:1:aflyst"]),
            Err(InboxRefusal::RelayOnly.into())
        );
        let mut owner = before.clone();
        owner.owner = "bo".parse().unwrap();
        assert!(check(&anna, Some(&before), &owner, &["owner"]).is_err());
    }

    #[test]
    fn made_on_a_device_only_empty_only_by_its_owner_only_at_its_id() {
        let anna = who("anna", Role::Volunteer);
        let fresh = Inbox::new("anna".parse().unwrap());
        check(
            &anna,
            None,
            &fresh,
            &["kind", "schema", "owner", "settings", "notices"],
        )
        .unwrap();
        assert_eq!(
            check(&anna, None, &with_notice(), &["notices"]),
            Err(InboxRefusal::RelayOnly.into())
        );
        let bos = Inbox::new("bo".parse().unwrap());
        assert_eq!(
            check(&who("bo", Role::Volunteer), None, &bos, &["owner"]),
            Err(InboxRefusal::WrongId.into())
        );
        assert_eq!(
            check(&anna, None, &bos, &["owner"]),
            Err(InboxRefusal::NotYours.into())
        );
    }

    #[test]
    fn a_reminder_at_most_two_weeks_before() {
        let anna = who("anna", Role::Volunteer);
        let before = Inbox::new("anna".parse().unwrap());
        let mut after = before.clone();
        after.settings.reminder_hours = 24 * 15;
        assert!(matches!(
            check(&anna, Some(&before), &after, &["settings/reminder_hours"]),
            Err(Refusal::Kind(_))
        ));
    }
}
