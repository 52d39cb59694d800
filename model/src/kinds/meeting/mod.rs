//! The meeting as a kind of document: planned by its hosts, answered and proposed to by its
//! audience, checked in, minuted and followed up ([`schema`], [`rules`]).

pub mod erasure;
pub mod rules;
pub mod schema;

use automerge::{Automerge, ROOT};

use super::{DocumentKind, Fact, Facts, Topic, Write};
use crate::authz::{Principal, Refusal};
use crate::erasure::{ErasedPerson, Erasure};
use crate::ids::{DocumentId, GroupId, PersonId};

pub use rules::MeetingRefusal;
pub use schema::{
    ActionItem, ActionState, AgendaItem, AgendaState, Audience, CheckIn, DecisionNote, Meeting,
    MeetingError, MeetingStatus, MeetingType, MergedText, Place, Rsvp, RsvpAnswer, Seats, limits,
};

/// The meeting as a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingKind;

/// What reading a meeting depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingView {
    pub status: MeetingStatus,
    pub audience: Audience,
    pub hosts: Vec<PersonId>,
    pub note_takers: Vec<PersonId>,
    pub groups: Vec<GroupId>,
    pub invited: Vec<PersonId>,
}

impl DocumentKind for MeetingKind {
    const KIND: &'static str = "moede";
    const SCHEMA: u64 = 1;
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "schema",
        "title",
        "purpose",
        "category",
        "hosts",
        "note_takers",
        "groups",
        "start",
        "end",
        "place",
        "online",
        "audience",
        "invited",
        "invited_names",
        "capacity",
        "rsvp_closes",
        "agenda_closes",
        "status",
        "rsvps",
        "agenda",
        "attendance",
        "minutes",
        "decisions",
        "actions",
        "approvals",
        "series",
        "follows",
        "created_by",
        "created_at",
        "updated_at",
    ];
    /// Minutes of a long meeting typed by two note-takers, with a town hall's RSVPs.
    const MAX_BYTES: usize = 4 * 1024 * 1024;
    type Doc = Meeting;
    type View = MeetingView;
    type Refusal = MeetingRefusal;

    fn read_view(doc: &Automerge) -> Option<MeetingView> {
        Some(MeetingView {
            status: autosurgeon::hydrate_prop(doc, ROOT, "status").ok()?,
            audience: autosurgeon::hydrate_prop(doc, ROOT, "audience").ok()?,
            hosts: autosurgeon::hydrate_prop(doc, ROOT, "hosts").ok()?,
            note_takers: autosurgeon::hydrate_prop(doc, ROOT, "note_takers").ok()?,
            groups: autosurgeon::hydrate_prop(doc, ROOT, "groups").ok()?,
            invited: autosurgeon::hydrate_prop(doc, ROOT, "invited").ok()?,
        })
    }

    /// Its hosts, note-takers and staff always; a draft no one else; then its audience:
    /// everyone signed in, the members of its groups (people in their own right, and the
    /// coordinators of member organisations, asked of the facts), or those invited.
    fn may_read(who: &Principal, view: &MeetingView, facts: &dyn Facts) -> bool {
        if rules::runs(who, &view.hosts) || view.note_takers.contains(&who.person) {
            return true;
        }
        if view.status == MeetingStatus::Draft {
            return false;
        }
        let member = || {
            view.groups.iter().any(|group| {
                facts.holds(&Fact::InGroup {
                    person: who.person.clone(),
                    group: group.clone(),
                }) || (who.role == crate::authz::Role::Coordinator
                    && who.organisations.iter().any(|organisation| {
                        facts.holds(&Fact::OrganisationInGroup {
                            organisation: organisation.clone(),
                            group: group.clone(),
                        })
                    }))
            })
        };
        match view.audience {
            Audience::Public => true,
            Audience::Groups => view.invited.contains(&who.person) || member(),
            Audience::Invited => view.invited.contains(&who.person),
        }
    }

    /// Who may read it depends on its groups' members.
    fn depends_on(view: &MeetingView) -> Vec<Topic> {
        view.groups.iter().cloned().map(Topic::Group).collect()
    }

    const HAS_FACTS: bool = true;

    /// Each host hosts it (the meeting's needs documents are theirs to read).
    fn facts(id: &DocumentId, meeting: &Meeting) -> Vec<Fact> {
        meeting
            .hosts
            .iter()
            .map(|person| Fact::Hosts {
                person: person.clone(),
                meeting: *id,
            })
            .collect()
    }

    fn check_write(w: &Write<'_, Self>) -> Result<(), Refusal> {
        // Another kind's derived id (a person's profile) cannot hold a meeting.
        if w.before.is_none() && w.reserved {
            return Err(Refusal::ReservedId);
        }
        rules::check_meeting_write(w.who, w.before, w.after, w.paths, w.window)
    }

    const EXPORT_KEY: Option<&'static str> = Some("meetings");

    /// The person's answers, check-ins, proposals and action items, by meeting.
    fn export(person: &PersonId, meetings: &[(DocumentId, Meeting)]) -> Option<serde_json::Value> {
        let mut out = Vec::new();
        for (id, m) in meetings {
            let rsvp = m.rsvps.get(person).map(
                |r| serde_json::json!({ "answer": r.answer, "on_behalf": r.on_behalf, "at": r.at }),
            );
            let checked_in = m
                .attendance
                .values()
                .find(|c| c.person.as_ref() == Some(person))
                .map(|c| c.at);
            let proposals: Vec<_> = m
                .agenda
                .values()
                .filter(|i| i.by == *person)
                .map(|i| serde_json::json!({ "title": i.title, "state": i.state, "at": i.at }))
                .collect();
            let actions: Vec<_> = m
                .actions
                .values()
                .filter(|a| a.owner_person.as_ref() == Some(person))
                .map(|a| serde_json::json!({ "title": a.title, "due": a.due, "state": a.state }))
                .collect();
            if rsvp.is_none() && checked_in.is_none() && proposals.is_empty() && actions.is_empty()
            {
                continue;
            }
            out.push(serde_json::json!({
                "meeting": id.to_string(),
                "title": m.title,
                "start": m.start,
                "rsvp": rsvp,
                "checked_in_at": checked_in,
                "proposals": proposals,
                "actions": actions,
            }));
        }
        Some(serde_json::Value::Array(out))
    }

    /// The record stays, the person leaves it ([`erasure`]).
    fn erase(person: &ErasedPerson, meeting: &Meeting) -> Erasure<Meeting> {
        erasure::erase_person(person, meeting)
    }

    /// A meeting long past keeps its record under pseudonyms.
    const EXPIRE: Option<super::Expire<Meeting>> = Some(erasure::expire);
}
