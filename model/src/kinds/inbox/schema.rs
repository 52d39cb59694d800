//! The inbox document (indbakke): one per person, at an id derived from the person, holding
//! the notices the relay writes for them ("the meeting on Thursday is cancelled") and their
//! choices (e-mail or in the app only; how long before a meeting or shift to be reminded).
//!
//! The relay writes notices; the owner only marks them read and changes the settings. Both
//! may make the document: it starts from a fixed first change ([`genesis`]) that is the
//! same bytes wherever it is made, so an inbox the relay made for a notice and one the
//! owner's phone made offline for a setting are the same document, not two that conflict.

use std::collections::BTreeMap;

use automerge::{ActorId, Automerge, transaction::CommitOptions};
use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{DocumentId, PersonId};
use crate::kinds::KindTag;
use crate::lang::Lang;
use crate::task::Millis;
use crate::text_enum::{Open, text_enum};

pub use super::InboxKind;

/// Upper bounds on the fields.
pub mod limits {
    /// Notices kept: the relay drops the oldest beyond this (and any older than
    /// [`KEEP_DAYS`]).
    pub const NOTICES: usize = 500;
    /// Days a notice is kept.
    pub const KEEP_DAYS: i64 = 180;
    /// The longest reminder time a person may choose: two weeks.
    pub const REMINDER_HOURS: u64 = 14 * 24;
    pub const TEXT: usize = 300;
}

/// The reminder time a person has until they choose another.
pub const DEFAULT_REMINDER_HOURS: u64 = 24;

/// A person's inbox.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Inbox {
    pub kind: KindTag<InboxKind>,
    pub schema: u64,
    pub owner: PersonId,
    pub settings: Settings,
    /// By a key the relay derives from what the notice is about (the same event never
    /// makes two notices, and a relay restart makes none twice).
    pub notices: BTreeMap<String, Notice>,
}

/// The owner's choices.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Settings {
    /// Notices also go by e-mail (otherwise only here, in the app).
    pub email: bool,
    /// Hours before a meeting or shift to remind; 0: no reminders.
    pub reminder_hours: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            email: true,
            reminder_hours: DEFAULT_REMINDER_HOURS,
        }
    }
}

text_enum!(
    /// What a notice is about.
    NoticeKind {
        /// A meeting of one of my groups (or one I am invited to) was published.
        MeetingPublished = "moede-offentliggjort",
        /// The time or place of a meeting I answered changed.
        MeetingChanged = "moede-aendret",
        /// A meeting I answered was cancelled.
        MeetingCancelled = "moede-aflyst",
        /// I moved from the meeting's waitlist to a seat.
        MeetingSeat = "moede-plads",
        /// A meeting I am going to is soon.
        MeetingReminder = "moede-paamindelse",
        /// The minutes of a meeting I was part of were published.
        MinutesPublished = "moede-referat",
        /// An action item was given to me (or my organisation).
        ActionAssigned = "moede-handling",
        /// A task I am signed up for was cancelled.
        TaskCancelled = "opgave-aflyst",
        /// The coordinator declined my sign-up for a shift.
        ShiftDeclined = "vagt-afvist",
        /// I moved from a shift's waitlist to a place.
        ShiftSeat = "vagt-plads",
        /// A shift I have a place on is soon.
        ShiftReminder = "vagt-paamindelse",
        /// A shift I am on (with a place or waiting) has a new time, or its task a new place.
        ShiftChanged = "vagt-aendret",
        /// A coordinator invited me to a shift (from CV-banken); I have not answered yet.
        TaskInvitation = "opgave-invitation",
    }
);

text_enum!(
    /// Where a notice's e-mail is.
    MailState {
        /// No e-mail (the owner chose the app only).
        None = "nej",
        /// To be sent.
        Pending = "venter",
        /// Handed to the mail server.
        Sent = "sendt",
    }
);

/// One notice. What it says is rendered from these fields in the reader's language
/// ([`crate::notices::text`]), so the document holds no sentences.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Notice {
    /// Open: an app built before a kind was added still reads (and writes back) the inbox.
    pub what: Open<NoticeKind>,
    /// The meeting's or task's document id (its page is where the notice leads).
    pub document: String,
    /// The meeting's or task's title.
    pub title: String,
    /// When it starts and ends (the meeting, the shift), 0 if it has no time.
    pub start: Millis,
    pub end: Millis,
    pub place: String,
    /// More: the action item's title and due date.
    pub detail: String,
    /// When the relay wrote it.
    pub at: Millis,
    /// When the owner read it; 0: unread.
    pub read_at: Millis,
    pub mail: MailState,
}

impl Inbox {
    /// A new, empty inbox with the default settings: what [`genesis`] holds.
    pub fn new(owner: PersonId) -> Self {
        Self {
            kind: KindTag::new(),
            schema: <InboxKind as crate::kinds::DocumentKind>::SCHEMA,
            owner,
            settings: Settings::default(),
            notices: BTreeMap::new(),
        }
    }

    /// Unread notices.
    pub fn unread(&self) -> usize {
        self.notices.values().filter(|n| n.read_at == 0).count()
    }

    /// Notices, newest first.
    pub fn newest_first(&self) -> Vec<(&String, &Notice)> {
        let mut out: Vec<_> = self.notices.iter().collect();
        out.sort_by(|(ka, a), (kb, b)| b.at.cmp(&a.at).then_with(|| ka.cmp(kb)));
        out
    }

    /// The keys of notices to drop at `now`: older than [`limits::KEEP_DAYS`], and the
    /// oldest beyond [`limits::NOTICES`].
    pub fn stale(&self, now: Millis) -> Vec<String> {
        let cutoff = now - limits::KEEP_DAYS * 24 * 60 * 60 * 1000;
        let newest = self.newest_first();
        newest
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| *i >= limits::NOTICES || n.at < cutoff)
            .map(|(_, (k, _))| (*k).clone())
            .collect()
    }

    pub fn problems(&self) -> Vec<InboxError> {
        let mut out = Vec::new();
        if self.schema > <InboxKind as crate::kinds::DocumentKind>::SCHEMA {
            out.push(InboxError::NewerSchema(self.schema));
        }
        if self.settings.reminder_hours > limits::REMINDER_HOURS {
            out.push(InboxError::ReminderTooLong);
        }
        if self.notices.len() > limits::NOTICES + 100 {
            out.push(InboxError::TooMany);
        }
        out
    }

    pub fn validate(&self) -> Result<(), InboxError> {
        crate::kinds::first_problem(self.problems())
    }
}

/// Why an inbox is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboxError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("a reminder can be at most two weeks before")]
    ReminderTooLong,
    #[error("the inbox holds too many notices")]
    TooMany,
}

impl InboxError {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (InboxError::NewerSchema(_), Lang::Da) => {
                "Indbakken er skrevet af en nyere udgave af Samskab.".into()
            }
            (InboxError::ReminderTooLong, Lang::Da) => {
                "En påmindelse kan højst komme to uger før.".into()
            }
            (InboxError::TooMany, Lang::Da) => "Indbakken har for mange beskeder.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

/// The id of `person`'s inbox.
pub fn inbox_document_id(person: &PersonId) -> DocumentId {
    crate::ids::derived_document_id(b"samskab-inbox:", person.as_str())
}

/// The actor of an inbox's first change: derived from the owner, so the change is the same
/// bytes wherever it is made.
fn genesis_actor(person: &PersonId) -> ActorId {
    ActorId::from(inbox_document_id(person).as_bytes().as_slice())
}

/// `person`'s inbox as its fixed first change: [`Inbox::new`] written by an actor derived
/// from the person at time 0. Made twice (by the relay and offline by the owner's phone), it
/// is the same change, so the two merge into one document. Whoever writes next must set
/// their own actor first.
pub fn genesis(person: &PersonId) -> Automerge {
    let mut doc = Automerge::new().with_actor(genesis_actor(person));
    let mut tx = doc.transaction();
    autosurgeon::reconcile(&mut tx, Inbox::new(person.clone()))
        .expect("a new inbox reconciles into an empty document");
    tx.commit_with(CommitOptions::default().with_time(0));
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    #[test]
    fn genesis_is_the_same_change_wherever_it_is_made() {
        let mut relay = genesis(&p("anna"));
        let mut phone = genesis(&p("anna"));
        assert_eq!(relay.get_heads(), phone.get_heads());
        assert_eq!(relay.save(), phone.save());
        assert_ne!(relay.get_heads(), genesis(&p("bo")).get_heads());

        // Each writes on top with its own actor; the two merge without a conflict.
        relay.set_actor(ActorId::random());
        phone.set_actor(ActorId::random());
        let mut on_relay: Inbox = autosurgeon::hydrate(&relay).unwrap();
        on_relay.notices.insert(
            "k".into(),
            Notice {
                what: NoticeKind::MeetingCancelled.into(),
                document: "x".into(),
                title: "Dialogmøde".into(),
                start: 1,
                end: 2,
                place: String::new(),
                detail: String::new(),
                at: 3,
                read_at: 0,
                mail: MailState::Pending,
            },
        );
        let mut tx = relay.transaction();
        autosurgeon::reconcile(&mut tx, &on_relay).unwrap();
        tx.commit();
        let mut on_phone: Inbox = autosurgeon::hydrate(&phone).unwrap();
        on_phone.settings.email = false;
        let mut tx = phone.transaction();
        autosurgeon::reconcile(&mut tx, &on_phone).unwrap();
        tx.commit();

        relay.merge(&mut phone).unwrap();
        let merged: Inbox = autosurgeon::hydrate(&relay).unwrap();
        assert!(!merged.settings.email);
        assert_eq!(merged.notices.len(), 1);
    }

    /// A newer relay may write a notice kind this build does not know: the inbox still reads,
    /// and marking that notice read writes its kind back as it was.
    #[test]
    fn a_notice_kind_from_a_newer_version_is_read_and_kept() {
        use automerge::ReadDoc;
        use automerge::transaction::Transactable;
        let mut doc = genesis(&p("anna"));
        doc.set_actor(ActorId::random());
        let mut inbox: Inbox = autosurgeon::hydrate(&doc).unwrap();
        inbox.notices.insert("k".into(), notice(5));
        let mut tx = doc.transaction();
        autosurgeon::reconcile(&mut tx, &inbox).unwrap();
        tx.commit();
        // What a later version writes: a word not in `NoticeKind`.
        let mut tx = doc.transaction();
        let notices = tx.get(automerge::ROOT, "notices").unwrap().unwrap().1;
        let k = tx.get(&notices, "k").unwrap().unwrap().1;
        tx.put(&k, "what", "timer-godkendt").unwrap();
        tx.commit();

        let mut read: Inbox = autosurgeon::hydrate(&doc).unwrap();
        let n = read.notices.get_mut("k").unwrap();
        assert_eq!(n.what, Open::Unknown("timer-godkendt".into()));
        assert_eq!(n.what.known(), None);
        let text = crate::notices::text(n, Lang::Da, &|_| String::new());
        assert!(text.subject.starts_with("Ny besked"), "{}", text.subject);
        assert_eq!(crate::notices::path(n), "/beskeder");

        n.read_at = 9;
        let mut tx = doc.transaction();
        autosurgeon::reconcile(&mut tx, &read).unwrap();
        tx.commit();
        let notices = doc.get(automerge::ROOT, "notices").unwrap().unwrap().1;
        let k = doc.get(&notices, "k").unwrap().unwrap().1;
        let what = doc.get(&k, "what").unwrap().unwrap().0;
        assert_eq!(what.into_string().unwrap(), "timer-godkendt");
        let again: Inbox = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(again.notices["k"].read_at, 9);
        // A known word reads as the kind itself.
        assert_eq!(notice(1).what, NoticeKind::ShiftReminder);
    }

    fn notice(at: Millis) -> Notice {
        Notice {
            what: NoticeKind::ShiftReminder.into(),
            document: String::new(),
            title: String::new(),
            start: 0,
            end: 0,
            place: String::new(),
            detail: String::new(),
            at,
            read_at: 0,
            mail: MailState::None,
        }
    }

    #[test]
    fn stale_notices_are_the_old_and_the_overflow() {
        let day = 24 * 60 * 60 * 1000;
        let now = 400 * day;
        let mut inbox = Inbox::new(p("anna"));
        inbox.notices.insert("new".into(), notice(now - day));
        inbox.notices.insert("old".into(), notice(now - 200 * day));
        assert_eq!(inbox.stale(now), vec!["old".to_owned()]);

        let mut full = Inbox::new(p("anna"));
        for i in 0..(limits::NOTICES as i64 + 2) {
            full.notices.insert(format!("n{i:04}"), notice(now - i));
        }
        let mut stale = full.stale(now);
        stale.sort();
        let last = limits::NOTICES as i64;
        assert_eq!(
            stale,
            vec![format!("n{last:04}"), format!("n{:04}", last + 1)]
        );
    }
}
