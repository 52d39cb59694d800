//! A person's needs for one meeting (behov): what the hosts should know to make the meeting
//! work for them ("kørestol", "tolk", "glutenfri"). One document per person and meeting, at an
//! id derived from both, so that nothing of it sits in the meeting, which the whole audience
//! reads: the person and the meeting's hosts read it, the person alone writes it.
//!
//! Every field is a scalar: two of the person's devices that each made the document offline
//! merge into one (of two texts written concurrently one wins, the same on every device),
//! never into two objects that conflict.

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{DocumentId, PersonId};
use crate::kinds::KindTag;
use crate::lang::Lang;
use crate::task::Millis;

pub use super::NeedsKind;

/// Upper bounds on the fields.
pub mod limits {
    /// Characters of the text: a few sentences.
    pub const TEXT: usize = 500;
}

/// A person's needs for a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Needs {
    pub kind: KindTag<NeedsKind>,
    pub schema: u64,
    /// The meeting's document id.
    pub meeting: String,
    /// Whose needs these are.
    pub person: PersonId,
    /// What the hosts should know; empty: none (any more).
    pub text: String,
    /// When the meeting ends, as the person's device knew it when they wrote: the relay's
    /// retention deletes the needs once that is long past.
    pub until: Millis,
    pub updated_at: Millis,
}

impl Needs {
    pub fn new(meeting: &DocumentId, person: PersonId, until: Millis, now: Millis) -> Self {
        Self {
            kind: KindTag::new(),
            schema: <NeedsKind as crate::kinds::DocumentKind>::SCHEMA,
            meeting: meeting.to_string(),
            person,
            text: String::new(),
            until,
            updated_at: now,
        }
    }

    /// The meeting's id (`None`: not an id).
    pub fn meeting_id(&self) -> Option<DocumentId> {
        self.meeting.parse().ok()
    }

    /// Everything wrong with it (empty: it may be written).
    pub fn problems(&self) -> Vec<NeedsError> {
        let mut out = Vec::new();
        if self.schema > <NeedsKind as crate::kinds::DocumentKind>::SCHEMA {
            out.push(NeedsError::NewerSchema(self.schema));
        }
        if self.meeting_id().is_none() {
            out.push(NeedsError::NoMeeting);
        }
        if self.text.chars().count() > limits::TEXT {
            out.push(NeedsError::TooLong);
        }
        out
    }

    pub fn validate(&self) -> Result<(), NeedsError> {
        crate::kinds::first_problem(self.problems())
    }
}

/// What can be wrong with a needs document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NeedsError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("the needs belong to no meeting")]
    NoMeeting,
    #[error("the text can be at most 500 characters")]
    TooLong,
}

impl NeedsError {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (NeedsError::NewerSchema(_), Lang::Da) => {
                "Behovene er skrevet af en nyere udgave af Samskab.".into()
            }
            (NeedsError::NoMeeting, Lang::Da) => "Behovene hører ikke til noget møde.".into(),
            (NeedsError::TooLong, Lang::Da) => "Teksten kan højst være 500 tegn.".into(),
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

/// Where `person`'s needs for `meeting` live.
pub fn needs_document_id(meeting: &DocumentId, person: &PersonId) -> DocumentId {
    crate::ids::derived_document_id(b"samskab-needs:", &format!("{meeting}:{}", person.as_str()))
}
