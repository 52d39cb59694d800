//! Samskab's domain model, shared by the wasm client (`app`) and the relay (`server`).
//!
//! Everything here is pure: no IO, no async runtime, no browser API, so it builds for native
//! and `wasm32-unknown-unknown` alike and its rules are tested natively in milliseconds.
//! Both sides call the same functions, which is what lets the relay refuse exactly what the
//! client would never have produced.
//!
//! Layout:
//! - [`api`]: the HTTP API's answers and error codes, shared by the relay and the app.
//! - [`authz`]: roles, and who may read and write what (checked by the relay).
//! - [`clock`]: the [`clock::Timestamp`] and the [`clock::Clock`] "now" is read from.
//! - [`judge`]: how the relay judges the changes of an incoming sync message, sans-IO.
//! - [`kinds`]: what each kind of document declares (its word, schema, root fields), and
//!   the tag that makes hydrating one kind as another fail.
//! - [`lang`]: the languages the UI speaks.
//! - [`ids`]: validated identifiers (documents, people, organisations, shifts).
//! - [`task`]: the task document, its validation and limits.
//! - [`task_form`]: the coordinator's edit, laid onto the current task without touching
//!   sign-ups.
//! - [`task_search`]: the task bank's text search, organisation names included.
//! - [`public_task`]: what anyone may see of a task without an account (the open task bank).
//! - [`profile`]: the volunteer's profile (CV) document, its consent and validation.
//! - [`local_time`]: Danish local time without a time zone database (for matching).
//! - [`organisation`]: an organisation as the relay lists it, and its name by id.
//! - [`roster`]: confirmed and waitlisted volunteers, derived from a task alone.
//! - [`roster_contact`]: the name and phone behind a sign-up, for the task's coordinators.
//! - [`towns`]: the municipality's towns and the distances between them.
//! - [`matching`]: suggested tasks for a volunteer and suggested volunteers for a task.
//! - [`cv_search`]: the CV bank's search over many profiles, with a prepared index.
//! - [`demo`]: demo organisations, tasks and volunteer profiles for `--demo`, and synthetic
//!   profiles in any number for benchmarks.
//! - [`sync`]: the automerge-repo sync protocol, sans-IO: the message codec and the per-peer,
//!   per-document state machine the client and the relay both drive.
//!
//! The schemas are written out in `docs/documents.md`, the protocol in `docs/protocol.md`.

pub mod account_fields;
pub mod api;
pub mod authz;
pub mod clock;
pub mod cv_search;
pub mod demo;
pub mod erasure;
pub mod ids;
pub mod judge;
pub mod kinds;
pub mod lang;
pub mod local_time;
pub mod matching;
pub mod notices;
pub mod organisation;
pub mod public_task;
pub mod roster;
pub mod roster_contact;
pub mod sync;
pub mod task_form;
pub mod task_search;
pub mod text_enum;
pub mod towns;

// Each kind's schema lives in its folder under `kinds`; these keep the short paths.
pub use kinds::profile::schema as profile;
pub use kinds::task::schema as task;

pub use ids::{DocumentId, GroupId, IdError, ItemId, OrganisationId, PersonId, ShiftId};
pub use lang::{Lang, UnknownLang};
pub use profile::{Profile, ProfileError};
pub use roster::{Place, Roster};
pub use task::{Area, Task, TaskError, TaskStatus};
pub use task_form::{ShiftForm, TaskForm};
