//! The line between the app's first module and the sync engine, which is loaded after the
//! first render.
//!
//! Everything that parses, changes or syncs an automerge document (automerge itself, the
//! model's sync [`Hub`](samskab_model::sync::Hub), the socket, the typed reads and writes of
//! every kind) is only called through the [`Engine`] trait object made by [`start`]. With the
//! `split` feature, `start` is a split point: the split tool moves it, and every function only
//! it reaches, out of the main wasm into a chunk of its own (`engine`), fetched once the shell
//! and the task list have rendered from the index rows (which the main module reads from
//! IndexedDB itself). A visitor without an account never fetches it. Calls through the trait
//! are indirect, so the pages' typed wrappers (`documents`) pull none of that code back into
//! the main module: they hand the engine a kind's word and closures over plain values
//! (`dyn Any`), and the engine hydrates and reconciles through [`Ops`], the kind's code
//! reached only from the engine.
//!
//! Without the feature (`--dev` builds, the browser unit tests) `start` is an ordinary call.

use std::any::Any;
use std::rc::Rc;

use automerge::{Automerge, ChangeHash};
use futures::future::LocalBoxFuture;
use samskab_model::{DocumentId, PersonId};

use super::Shared;
use crate::pages::on_demand::ChunkMissing;
use crate::store::{Store, StoreError};

/// A value of some kind's document type (`K::Doc`), or a list of some kind's problems
/// (`Vec<K::Problem>`); the typed side downcasts it back.
pub type Erased = Box<dyn Any>;

/// An edit of a document's value (`&mut K::Doc`): `Err` with the problems (`Vec<K::Problem>`)
/// when the edited value may not be written.
pub type Edit<'a> = Box<dyn FnOnce(&mut dyn Any) -> Result<(), Erased> + 'a>;

/// A local write to one document.
pub enum Write<'a> {
    /// Hydrate the document as it is now, edit, reconcile.
    Edit(Edit<'a>),
    /// Hydrate the document as it was at these heads, edit, reconcile on a fork, merge.
    EditFrom(Vec<ChangeHash>, Edit<'a>),
    /// Write this value (`K::Doc`, already checked), creating the document if it is not here.
    Put(Erased),
    /// The person's inbox: made from its fixed first change if it is not here, then edited.
    Inbox(PersonId, Edit<'a>),
}

/// Why a write was not made.
#[derive(Debug)]
pub enum Failure {
    /// The document is not on this device (or not of that kind), or the client is gone.
    NotLoaded,
    /// The edit's problems (`Vec<K::Problem>`).
    Invalid(Erased),
    /// IndexedDB refused the save.
    Storage(StoreError),
}

/// The sync engine, as the main module sees it.
pub trait Engine {
    /// Every document of kind `kind` on the device, hydrated (cached by heads).
    fn all(&self, kind: &'static str) -> Vec<(DocumentId, Rc<dyn Any>)>;
    /// Document `id` hydrated as kind `kind`, if it is here and of that kind.
    fn one(&self, id: &DocumentId, kind: &'static str) -> Option<Erased>;
    /// The heads of document `id` here (empty if it is not).
    fn heads(&self, id: &DocumentId) -> Vec<ChangeHash>;
    /// Makes a local write: saved to IndexedDB before the future resolves, then offered to
    /// the relay.
    fn write<'a>(
        &self,
        id: DocumentId,
        kind: &'static str,
        write: Write<'a>,
    ) -> LocalBoxFuture<'a, Result<(), Failure>>;
    /// After signing in again: sync resumes at once.
    fn resume(&self);
    /// Logging out: closes the connection for good and deletes every document here.
    fn stop_and_forget(&self) -> LocalBoxFuture<'static, ()>;
    /// When this page last opened a connection to the relay, if it has.
    fn connected_since(&self) -> Option<i64>;
}

/// A kind's code, as the engine calls it: reached from the engine only, so that it goes to
/// the engine's chunk with automerge.
#[derive(Clone, Copy)]
pub struct Ops {
    /// The document as a `K::Doc` (`None`: not of this kind).
    pub hydrate: fn(&Automerge) -> Option<Erased>,
    /// Writes a `K::Doc` into the document in one change (`false`: it could not).
    pub reconcile: fn(&mut Automerge, &dyn Any) -> bool,
}

/// What the main module has read when it starts the engine: the store (if IndexedDB opened),
/// the stored documents' bytes, and whether the index read beside them is current (otherwise
/// the engine rebuilds it from the documents).
pub struct Loaded {
    pub store: Option<Store>,
    pub documents: Vec<(DocumentId, Vec<u8>)>,
    pub index_current: bool,
}

/// Starts the engine for `shared`'s signed-in person: hands it the loaded documents, then it
/// connects. With the `split` feature this fetches the engine's chunk first (unless
/// [`preload`] has), and fails if it cannot (offline before the service worker kept it).
/// `preload` fetches and instantiates the chunk without starting anything; a failed preload
/// is not remembered, so `start` tries again.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        engine,
        preload(preload),
        wasm_split_path = ::leptos::wasm_split,
        fallible
    )
)]
pub fn start(shared: Rc<Shared>, loaded: Loaded) -> Result<Rc<dyn Engine>, ChunkMissing> {
    Ok(super::running::start(shared, loaded))
}
