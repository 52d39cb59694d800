//! Judging incoming changes, sans-IO: what the relay does with the changes of a sync message
//! before its hub applies any of them. Pure apart from the actor binding the caller passes in,
//! so the relay's engine, the benchmark and the seeded simulation run the same code.
//!
//! [`judge`] tries the message's chunks on a copy of the relay's document and judges the
//! changes that applied by their effect ([`authz::change_paths`]) and by the result's content;
//! [`admit`] adds what the hub holds for the sending peer: the changes it has parked, whether
//! the peer may read the document at all (one it may not is judged as if it did not exist),
//! and it parks what cannot be judged yet. See `docs/protocol.md`.

use automerge::{ActorId, Automerge, Change, ChangeHash};

use crate::authz::{self, Principal, Refusal, SignupWindow};
use crate::ids::DocumentId;
use crate::kinds::{self, AnyDoc, NarrowWrite};
use crate::sync::{Hub, Parked, PeerId};

/// The document as its kind, or the refusal for a document of no known kind.
fn judged(doc: &Automerge) -> Result<AnyDoc, Refusal> {
    kinds::hydrate_any(doc).ok_or(Refusal::UnknownKind)
}

/// The document a message is judged against.
#[derive(Debug)]
pub struct Trial<'a> {
    pub id: DocumentId,
    /// The relay's copy (or an empty document when it has none, or the writer may not read it).
    pub base: &'a Automerge,
    /// The bytes the relay holds of the document (its stored saves and changes).
    pub size: usize,
    /// The id is another kind's derived id (a person's profile): nothing else may be created.
    pub reserved: bool,
}

/// What [`judge`] decided about the changes of one message.
#[derive(Debug, Default)]
pub struct Verdict {
    /// The new changes, judged and allowed, to apply (raw change bytes, in causal order).
    pub accepted: Vec<Vec<u8>>,
    /// Their bytes.
    pub bytes: usize,
    /// What waits for dependencies the relay does not have: not judged, not applied.
    pub parked: Option<Parked>,
    /// What the accepted changes wrote ([`authz::change_paths`]), so that the relay can
    /// index only the facts they can have touched ([`kinds::facts_touched`]).
    pub paths: Vec<authz::Path>,
    /// The copy the changes were judged on, when every one of them applied (nothing parked):
    /// the base with exactly the accepted changes, which the hub can take as its document
    /// rather than apply them a second time ([`Hub::take_judged_copy`]).
    pub copy: Option<Automerge>,
}

/// Judges the chunks of a sync message (changes, or a whole document) that would be added to
/// `trial.base` by `who`. Each chunk and the document's growth are bounded; the chunks are
/// applied to a copy; the changes that applied are judged by their effect on that copy (every
/// op's path as it lands, [`authz::change_paths`]) and by the result's content; those whose
/// dependencies are missing are returned unjudged, to be parked. `bind` binds each change's
/// actor id to the writer (or refuses). Pure apart from `bind`; the engine calls it for every
/// incoming sync message that carries changes, and the benchmark measures it.
///
/// A write to a document that exists is first offered to its kind's narrow judgement
/// ([`kinds::Kind::check_narrow_write`]), which reads only the part the write touches (a
/// sign-up is judged in the same time on an empty shift as on a full one); only the writes it
/// does not answer for hydrate the document whole, before and after.
pub fn judge(
    trial: Trial<'_>,
    chunks: &[Vec<u8>],
    who: &Principal,
    window: authz::SignupWindow,
    mut bind: impl FnMut(&ActorId) -> Result<(), Refusal>,
) -> Result<Verdict, Refusal> {
    use automerge::ReadDoc;
    let Trial {
        id,
        base,
        size,
        reserved,
    } = trial;
    let base_heads = base.get_heads();
    let kind = if base_heads.is_empty() {
        None
    } else {
        Some(kinds::Kind::of(base).ok_or(Refusal::UnknownKind)?)
    };
    let mut doc = base.clone();
    for chunk in chunks {
        if chunk.len() > crate::sync::limits::CHANGE_BYTES {
            return Err(Refusal::TooLarge);
        }
        doc.load_incremental(chunk)
            .map_err(|e| Refusal::Malformed(e.to_string()))?;
    }
    let mut verdict = Verdict::default();
    // What did not apply waits for its dependencies. A chunk may hold one change or several
    // (automerge's sync sends bundles and whole documents as one chunk); which of them are
    // incomplete cannot be told from outside, so while anything waits, every chunk that is not
    // a single change already applied is kept, and applying it again later is harmless.
    let needs = doc.get_missing_deps(&[]);
    if !needs.is_empty() {
        let chunks: Vec<Vec<u8>> = chunks
            .iter()
            .filter(|chunk| {
                automerge::Change::from_bytes((*chunk).clone())
                    .map_or(true, |c| doc.get_change_by_hash(&c.hash()).is_none())
            })
            .cloned()
            .collect();
        verdict.parked = Some(Parked { chunks, needs });
    }
    // With nothing waiting, every chunk applied (else automerge would queue it).
    let changes = verdict
        .parked
        .is_none()
        .then(|| new_changes(base, &doc, chunks))
        .flatten()
        .unwrap_or_else(|| doc.get_changes(&base_heads));
    if changes.is_empty() {
        return Ok(verdict);
    }
    let mut paths = Vec::new();
    for change in &changes {
        if change.len() > crate::sync::limits::CHANGE_OPS
            || change.raw_bytes().len() > crate::sync::limits::CHANGE_BYTES
        {
            return Err(Refusal::TooLarge);
        }
        verdict.bytes += change.raw_bytes().len();
        bind(change.actor_id())?;
        paths.extend(authz::change_paths(&doc, change)?);
    }
    let narrow = kind.and_then(|kind| {
        let write = NarrowWrite {
            who,
            before: base,
            after: &doc,
            paths: &paths,
            window,
        };
        Some((kind, kind.check_narrow_write(&write)?))
    });
    if let Some((kind, allowed)) = narrow {
        if size + verdict.bytes > kind.max_bytes() {
            return Err(Refusal::DocumentTooLarge);
        }
        allowed?;
    } else {
        let before = kind.map(|_| judged(base)).transpose()?;
        let after = judged(&doc)?;
        if size + verdict.bytes > after.max_bytes() {
            return Err(Refusal::DocumentTooLarge);
        }
        kinds::check_write(who, &id, before.as_ref(), &after, &paths, window, reserved)?;
    }
    verdict.accepted = changes.iter().map(|c| c.raw_bytes().to_vec()).collect();
    verdict.paths = paths;
    if verdict.parked.is_none() {
        verdict.copy = Some(doc);
    }
    Ok(verdict)
}

/// The changes `chunks` added to `base` (now in `doc`), read from the chunks themselves when
/// each is one change; `None` when one is not (a bundle, or a whole saved document, which
/// automerge sends for a change that is more than a third of the document's: a sign-up to a
/// task made in one change). Then automerge rebuilds them from its op store, starting from the
/// base's heads (`get_changes`), which computes their clock: in a storm, hundreds of
/// concurrent sign-ups, which made judging one of them 4 times as costly at 300 heads as at
/// 10. (`get_changes_added`, walking back from the copy's heads instead, made the adversary
/// simulation's long histories three times as slow.)
fn new_changes(base: &Automerge, doc: &Automerge, chunks: &[Vec<u8>]) -> Option<Vec<Change>> {
    use automerge::ReadDoc;
    // `get_missing_deps` of one hash is a lookup: neither document queues anything (the
    // relay's copy never does, and the caller made sure the trial copy does not).
    let holds = |d: &Automerge, h: &ChangeHash| !d.get_missing_deps(&[*h]).contains(h);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for chunk in chunks {
        let change = Change::from_bytes(chunk.clone()).ok()?;
        let hash = change.hash();
        if seen.insert(hash) && holds(doc, &hash) && !holds(base, &hash) {
            out.push(change);
        }
    }
    Some(out)
}

/// One incoming sync message (its `data`: the automerge sync message bytes).
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub peer: &'a PeerId,
    pub id: DocumentId,
    pub data: &'a [u8],
}

/// Who writes, and what the relay knows that the hub does not.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub who: &'a Principal,
    pub window: SignupWindow,
    /// The id is another kind's derived id (consulted only when the document is new).
    pub reserved: bool,
    /// The bytes the relay holds of the document.
    pub size: usize,
}

/// A sync message [`admit`]ted: rewritten to carry only the judged changes.
#[derive(Debug)]
pub struct Admitted {
    /// The sync message to hand to the hub.
    pub data: Vec<u8>,
    /// The bytes of the changes it carries.
    pub bytes: usize,
    /// What those changes wrote ([`Verdict::paths`]).
    pub paths: Vec<authz::Path>,
}

/// Judges the changes of `incoming` (with those its peer has parked for the document) against
/// `hub`'s copy, parks in `hub` what waits for dependencies, and returns the sync message to
/// hand to the hub, rewritten to carry only the judged changes (`None`: the message carries no
/// changes and nothing is parked, so it goes on as it came).
pub fn admit(
    hub: &mut Hub,
    incoming: Incoming<'_>,
    writer: Writer<'_>,
    bind: impl FnMut(&ActorId) -> Result<(), Refusal>,
) -> Result<Option<Admitted>, Refusal> {
    let Incoming { peer, id, data } = incoming;
    if data.len() > crate::sync::limits::MESSAGE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let mut message =
        automerge::sync::Message::decode(data).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let parked = hub.parked(peer, &id).cloned().unwrap_or_default();
    if message.changes.is_empty() && parked.chunks.is_empty() {
        return Ok(None);
    }
    let has_content = !hub.heads(&id).is_empty();
    let readable = has_content && hub.may_read(peer, &id);
    // A document the writer may not read is judged as if it did not exist, so that the
    // answer cannot tell it from a missing one.
    let nothing = Automerge::new();
    let (base, size) = match hub.document(&id) {
        Some(doc) if readable => (doc, writer.size),
        _ => (&nothing, 0),
    };
    let chunks: Vec<Vec<u8>> = parked
        .chunks
        .into_iter()
        .chain(message.changes.iter().map(<[u8]>::to_vec))
        .collect();
    let verdict = judge(
        Trial {
            id,
            base,
            size,
            reserved: writer.reserved && !has_content,
        },
        &chunks,
        writer.who,
        writer.window,
        bind,
    )?;
    if has_content && !readable && !verdict.accepted.is_empty() {
        // Not something one can create: the id is taken.
        return Err(Refusal::Forbidden {
            path: String::new(),
        });
    }
    hub.park(peer, id, verdict.parked);
    message.changes = verdict.accepted.into();
    let data = message.encode();
    if let Some(copy) = verdict.copy.filter(|_| readable) {
        hub.take_judged_copy(id, data.clone(), copy);
    }
    Ok(Some(Admitted {
        data,
        bytes: verdict.bytes,
        paths: verdict.paths,
    }))
}
