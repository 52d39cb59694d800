//! Who is behind each sign-up, for the task's coordinators.
//!
//! A sign-up in the task document names only a person id: the document is read by everyone
//! signed in, so it must not carry names or phone numbers. Signing up shares the volunteer's
//! name and phone with the coordinators of that task's organisation (the task page says so
//! beside the button); the relay answers them on `GET /api/tasks/<id>/contacts`, only for
//! people with an active sign-up on that task. The volunteer's CV consent governs everything
//! else about them.

use serde::{Deserialize, Serialize};

use crate::PersonId;

/// One signed-up volunteer as their task's coordinator sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterContact {
    pub person: PersonId,
    pub name: String,
    /// Empty when the volunteer gave none.
    pub phone: String,
}

/// The answer of `GET /api/tasks/<id>/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterContacts {
    pub contacts: Vec<RosterContact>,
}

impl RosterContacts {
    pub fn of(&self, person: &PersonId) -> Option<&RosterContact> {
        self.contacts.iter().find(|c| &c.person == person)
    }
}
