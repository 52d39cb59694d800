//! The read policy: who may read which document, asked by the hub for every message it would
//! send and by the catalog. Reading depends on each document's read view (cached by heads:
//! a catalog of thousands of documents must not read thousands of documents each time), the
//! reader's principal, and the facts index.

use std::collections::HashMap;
use std::sync::Mutex;

use automerge::{Automerge, ChangeHash};
use samskab_model::DocumentId;
use samskab_model::authz::{self, Path, Principal, ReadView};
use samskab_model::kinds;
use samskab_model::sync::PeerId;

use super::facts::FactIndex;
use super::{Client, lock};

/// A document's [`ReadView`] at the heads it was read at.
type CachedView = (Vec<ChangeHash>, Option<ReadView>);

/// What the hub's read policy consults, shared with the engine: who is behind each connected
/// peer, what reading each document depends on (cached by heads: a catalog of thousands of
/// documents must not read thousands of documents each time), and the facts index.
/// Locked in this order when more than one is needed.
#[derive(Debug, Default)]
pub(super) struct Readers {
    pub(super) clients: Mutex<HashMap<PeerId, Client>>,
    pub(super) views: Mutex<HashMap<DocumentId, CachedView>>,
    pub(super) facts: Mutex<FactIndex>,
}

impl Readers {
    /// The document's read view, read afresh only when its heads changed.
    pub(super) fn view(&self, id: &DocumentId, doc: &Automerge) -> Option<ReadView> {
        self.with_view(id, doc, &doc.get_heads(), |view| view.cloned())
    }

    /// `f` of the document's read view at `heads` (its current heads), under the cache's lock:
    /// the hub knows the heads already and asks for every peer, so neither the heads are
    /// sorted nor the view copied for each ask.
    fn with_view<R>(
        &self,
        id: &DocumentId,
        doc: &Automerge,
        heads: &[ChangeHash],
        f: impl FnOnce(Option<&ReadView>) -> R,
    ) -> R {
        let mut views = lock(&self.views);
        let entry = views.entry(*id).or_insert_with(|| (Vec::new(), None));
        if entry.0 != heads {
            *entry = (heads.to_vec(), authz::read_view(doc));
        }
        f(entry.1.as_ref())
    }

    /// Indexes what document `id` makes true and what its readers depend on, as it is now:
    /// after a write through `paths`, only the facts that write can have touched where its
    /// kind can tell ([`kinds::facts_touched`]), else all of them. Returns the facts that came
    /// or went.
    pub(super) fn index(
        &self,
        id: &DocumentId,
        doc: &Automerge,
        paths: Option<&[Path]>,
    ) -> Vec<kinds::Fact> {
        let topics = self
            .view(id, doc)
            .map(|view| kinds::depends_on(&view))
            .unwrap_or_default();
        let touched = paths.and_then(|paths| kinds::facts_touched(id, doc, paths));
        let mut facts = lock(&self.facts);
        facts.depend(*id, topics);
        match touched {
            Some(touched) => facts.set(*id, touched),
            None => facts.update(*id, kinds::facts_of(id, doc)),
        }
    }

    pub(super) fn may_read(&self, who: &Principal, id: &DocumentId, doc: &Automerge) -> bool {
        self.may_read_at(who, id, doc, &doc.get_heads())
    }

    /// [`Readers::may_read`] for a document whose heads the caller knows.
    pub(super) fn may_read_at(
        &self,
        who: &Principal,
        id: &DocumentId,
        doc: &Automerge,
        heads: &[ChangeHash],
    ) -> bool {
        self.with_view(id, doc, heads, |view| {
            view.is_some_and(|view| authz::may_read(who, view, &*lock(&self.facts)))
        })
    }
}
