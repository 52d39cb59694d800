//! Opgaver: the task bank as a volunteer sees it. The list with filters and text search,
//! "Mine opgaver", and a task's page where one signs up for or withdraws from a shift and sees
//! one's real place ("Bekræftet", "Venteliste nr. 2") as derived from the document.
//!
//! Everything reads the documents on the device, so it all works offline; a sign-up is saved
//! in IndexedDB before the button says it is done. A visitor without an account sees the same
//! list and pages from the relay's open catalog.
//!
//! - `list`: the list, its search and filters, "Mine opgaver".
//! - `detail`: a task's page, signed in or not.
//! - `signup`: signing up for a shift, withdrawing, answering an invitation.
//! - `for_you`: invitations and suggestions for the signed-in volunteer.
//!
//! The task kind's side of the app ([`Editable`] for `TaskKind`) is here too: the sync client
//! writes tasks through it.

mod detail;
mod for_you;
mod list;
mod signup;

pub use detail::TaskDetail;
pub use list::TaskList;
