//! The inbox as a kind of document: a person's notices from the relay and their choices of
//! how to get them ([`schema`]). Its owner alone reads it; the relay writes the notices, the
//! owner marks them read ([`rules`]). Which events make notices, and what a notice says,
//! is [`crate::notices`].

pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Facts, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, OrganisationId, PersonId};

pub use rules::InboxRefusal;
pub use schema::{
    DEFAULT_REMINDER_HOURS, Inbox, InboxError, MailState, Notice, NoticeKind, Settings, genesis,
    inbox_document_id, limits,
};

/// The inbox as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxKind;

/// What reading an inbox depends on: whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxView {
    pub owner: PersonId,
}

impl DocumentKind for InboxKind {
    const KIND: &'static str = "indbakke";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &["kind", "schema", "owner", "settings", "notices"];
    /// A few hundred short notices.
    const MAX_BYTES: usize = 1024 * 1024;
    type Doc = Inbox;
    type View = InboxView;
    type Refusal = InboxRefusal;

    fn read_view(doc: &Automerge) -> Option<InboxView> {
        Some(InboxView {
            owner: autosurgeon::hydrate_prop(doc, ROOT, "owner").ok()?,
        })
    }

    /// Its owner only: what the relay told a person is theirs, not staff's.
    fn may_read(who: &Principal, view: &InboxView, _: &dyn Facts) -> bool {
        who.person == view.owner
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        rules::check_inbox_write(w.who, w.id, w.before, w.after, w.paths)
    }

    /// Every person's inbox id is theirs: no other kind may be made at it.
    fn derived_ids(people: &[PersonId], _: &[OrganisationId]) -> Vec<DocumentId> {
        people.iter().map(inbox_document_id).collect()
    }

    const EXPORT_KEY: Option<&'static str> = Some("inbox");

    fn may_concern(view: &InboxView, person: &PersonId) -> bool {
        view.owner == *person
    }

    /// The person's settings and every notice kept for them.
    fn export(person: &PersonId, inboxes: &[(DocumentId, Inbox)]) -> Option<serde_json::Value> {
        let inbox = inboxes.iter().find(|(_, i)| i.owner == *person)?;
        let notices: Vec<serde_json::Value> = inbox
            .1
            .newest_first()
            .into_iter()
            .map(|(_, n)| {
                serde_json::json!({
                    "what": n.what,
                    "title": n.title,
                    "start": n.start,
                    "place": n.place,
                    "detail": n.detail,
                    "at": n.at,
                    "read_at": n.read_at,
                    "mail": n.mail,
                })
            })
            .collect();
        Some(serde_json::json!({
            "email": inbox.1.settings.email,
            "reminder_hours": inbox.1.settings.reminder_hours,
            "notices": notices,
        }))
    }

    /// The person's own: deleted.
    fn erase(person: &ErasedPerson, inbox: &Inbox) -> Erasure<Inbox> {
        if inbox.owner == person.id {
            Erasure::Delete
        } else {
            Erasure::Untouched
        }
    }
}
