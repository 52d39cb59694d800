//! Koordinering: the task bank as a coordinator uses it. The organisation's tasks (drafts
//! too), the task form for creating and editing, and on a task's page the status actions and
//! the sign-ups per shift with confirm and decline.
//!
//! Like everything else it works on the device's documents, offline included: an edit is laid
//! onto the task as it is now ([`samskab_model::TaskForm`]), so sign-ups that arrive while the
//! coordinator types are kept, and it is saved in IndexedDB before the page says so.
//!
//! Who sees these views follows the signed-in user's role (a coordinator's own organisations,
//! every organisation for staff and admins); the relay checks every change anyway.
//!
//! - `org_tasks`: the Koordinering page (the organisation's tasks).
//! - `editor`: the task form.
//! - `panel`: the coordinator's panel on a task's page (status, roster, decisions).

mod editor;
mod org_tasks;
mod panel;

pub use editor::TaskEditor;
pub use org_tasks::CoordinationPage;
pub use panel::CoordinatorPanel;
