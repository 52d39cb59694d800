//! Samskab's domain model, shared by the wasm client (`app`) and the relay (`server`).
//!
//! Everything here is pure: no IO, no async runtime, no browser API, so it builds for native
//! and `wasm32-unknown-unknown` alike and its rules are tested natively in milliseconds.
//! Both sides call the same functions, which is what lets the relay refuse exactly what the
//! client would never have produced.
//!
//! Layout:
//! - [`lang`]: the languages the UI speaks and how they are named in settings and URLs.
//!
//! Documents (task, organisation, volunteer profile), their ids, validation and the
//! who-may-write-what rules arrive with the task bank and accounts work; see `docs/`.

pub mod lang;

pub use lang::{Lang, UnknownLang};
