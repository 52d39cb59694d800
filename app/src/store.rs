//! The device's document store: IndexedDB database `samskab`, object store `docs` (each
//! document's full automerge save by its id) and object store `index` beside it (each
//! document's index entry, JSON, see `sync_client::index`, and the index's own record). A
//! write resolves only when its transaction has committed, so the UI says "saved" only for
//! what is on disk.
//!
//! Records are written in pages (see [`page`]): a save of many documents is one value in
//! each store, not one per document, and a later page overrides an earlier one key by key;
//! a deleted document is a page saying so. Copies overridden since are garbage: when, at
//! start, they outnumber the live records, the store is written again without them.
//!
//! A document's bytes and its index entry are written, and deleted, in one transaction over
//! both stores: an entry is never older than its document and never outlives it. Logging out
//! deletes the database, both stores with it.
//!
//! Full saves rather than incremental chunks: task documents are a few kilobytes, and a
//! profile about one. Chunking is the step to take when documents grow.

pub mod page;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use page::Replay;
use samskab_model::DocumentId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbKeyRange, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

const DB_NAME: &str = "samskab";
/// 1: `docs` only; 2: `index` beside it (made empty by the upgrade, then filled from the
/// documents at the next start).
const DB_VERSION: u32 = 2;
const DOCS: &str = "docs";
const INDEX: &str = "index";
/// How many records (documents, or pages of them) [`Store::load_all`] reads per request.
const LOAD_BATCH: u32 = 500;
/// How many records a page written by compaction holds at most.
const COMPACT_PAGE: usize = 1_000;

/// Why the device store failed, in words for the log; the UI shows its own sentence.
#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl From<JsValue> for StoreError {
    fn from(value: JsValue) -> Self {
        let text = value
            .dyn_ref::<web_sys::DomException>()
            .map(|e| format!("{}: {}", e.name(), e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        StoreError(text)
    }
}

impl StoreError {
    /// True when the browser refused the write for lack of space.
    pub fn is_quota(&self) -> bool {
        self.0.contains("QuotaExceeded")
    }
}

/// The open database.
#[derive(Debug, Clone)]
pub struct Store {
    db: IdbDatabase,
    /// The time in the newest page's key, read or written here: the next page's key is later
    /// even if the clock has gone back.
    last_page: Rc<Cell<u64>>,
    /// Stores to write again without their garbage.
    pending: Rc<RefCell<Vec<Pending>>>,
}

/// A store to write again without its garbage: its name, what was read of it, and the
/// newest key read.
type Pending = (&'static str, Replay, String);

impl Store {
    pub async fn open() -> Result<Self, StoreError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| StoreError("IndexedDB is not available".into()))?;
        let request: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, DB_VERSION)?;
        let upgrade = Closure::once_into_js({
            let request = request.clone();
            move || {
                if let Ok(db) = request.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                    for name in [DOCS, INDEX] {
                        if !db.object_store_names().contains(name) {
                            let _ = db.create_object_store(name);
                        }
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db: IdbDatabase = request_done(request.unchecked_ref()).await?.dyn_into()?;
        // Another page deleting the database (logging out in another tab) or upgrading it (a
        // newer app) waits until every connection closes: this one closes at once, so the
        // deletion is never held up; writes here fail after that and say so.
        let close = Closure::once_into_js({
            let db = db.clone();
            move || db.close()
        });
        db.set_onversionchange(Some(close.unchecked_ref()));
        Ok(Store {
            db,
            last_page: Rc::new(Cell::new(0)),
            pending: Rc::default(),
        })
    }

    /// Every index entry by its key, handed to `with_index` as soon as they are read, then
    /// every stored document; one transaction, so the two agree. `with_index` runs before the
    /// documents are read, and the page can render from it while they are. A store whose
    /// garbage outnumbers its records is noted for [`Store::compact_pending`], which must run
    /// before anything else is written.
    pub async fn load_all(
        &self,
        with_index: impl FnOnce(Vec<(String, Vec<u8>)>),
    ) -> Result<Vec<(DocumentId, Vec<u8>)>, StoreError> {
        let tx = self.both(IdbTransactionMode::Readonly)?;
        let docs = tx.object_store(DOCS)?;
        let index = tx.object_store(INDEX)?;
        // One request at a time: each one's handlers are set before it can complete, and the
        // next is made in the same microtask checkpoint, so the transaction stays active.
        let keys: Array = request_done(&index.get_all_keys()?).await?.dyn_into()?;
        let values: Array = request_done(&index.get_all()?).await?.dyn_into()?;
        let mut entries = Replay::default();
        let mut newest_entry = None;
        for (key, value) in keys.iter().zip(values.iter()) {
            // Entries are JSON (or pages of it) as bytes; anything else (none is) is left for
            // the caller to rebuild.
            let (Some(key), Ok(value)) = (key.as_string(), value.dyn_into::<Uint8Array>()) else {
                continue;
            };
            self.saw(&key);
            entries.record(key.clone(), value.to_vec());
            newest_entry = Some(key);
        }
        let compact_index = entries.wants_compaction();
        if compact_index {
            with_index(
                entries
                    .live
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            );
        } else {
            with_index(std::mem::take(&mut entries.live).into_iter().collect());
        }
        // The documents in batches: the browser copies each result out on the page's thread,
        // and thousands at once would hold up a keystroke on the page just rendered.
        let mut stored = Replay::default();
        let mut newest_doc = None;
        let mut after: Option<JsValue> = None;
        loop {
            let range = match &after {
                Some(key) => Some(IdbKeyRange::lower_bound_with_open(key, true)?),
                None => None,
            };
            let (keys, values) = match &range {
                Some(range) => (
                    docs.get_all_keys_with_key_and_limit(range, LOAD_BATCH)?,
                    docs.get_all_with_key_and_limit(range, LOAD_BATCH)?,
                ),
                None => (
                    docs.get_all_keys_with_key_and_limit(&JsValue::UNDEFINED, LOAD_BATCH)?,
                    docs.get_all_with_key_and_limit(&JsValue::UNDEFINED, LOAD_BATCH)?,
                ),
            };
            let keys: Array = request_done(&keys).await?.dyn_into()?;
            let values: Array = request_done(&values).await?.dyn_into()?;
            for (key, value) in keys.iter().zip(values.iter()) {
                let (Some(key), Ok(value)) = (key.as_string(), value.dyn_into::<Uint8Array>())
                else {
                    continue;
                };
                self.saw(&key);
                newest_doc = Some(key.clone());
                stored.record(key, value.to_vec());
            }
            if keys.length() < LOAD_BATCH {
                break;
            }
            after = Some(keys.get(keys.length() - 1));
        }
        if entries.bad + stored.bad > 0 {
            leptos::logging::warn!(
                "{} pages of the store could not be read; the relay sends their documents again",
                entries.bad + stored.bad
            );
        }
        // Compaction is left to the sync engine (`compact_pending`), so that its code is in
        // the engine's chunk rather than in the first visit's module.
        let mut pending = self.pending.borrow_mut();
        if compact_index && let Some(newest) = newest_entry {
            pending.push((INDEX, entries, newest));
        }
        let parse = |(key, bytes): (&String, Vec<u8>)| Some((key.parse().ok()?, bytes));
        match newest_doc.filter(|_| stored.wants_compaction()) {
            // Copies of the documents for the caller: the originals wait to be written again.
            Some(newest) => {
                let docs = stored
                    .live
                    .iter()
                    .filter_map(|(k, v)| parse((k, v.clone())))
                    .collect();
                pending.push((DOCS, stored, newest));
                Ok(docs)
            }
            None => Ok(stored
                .live
                .into_iter()
                .filter_map(|(key, bytes)| parse((&key, bytes)))
                .collect()),
        }
    }

    /// Writes again, without their garbage, the stores [`Store::load_all`] found wanting it:
    /// the records as read, in pages later than any read. Run it before writing anything
    /// else, or what was written meanwhile is overridden by the older copies.
    pub async fn compact_pending(&self) {
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        for (store, read, newest) in pending {
            self.compact(store, &read, &newest).await;
        }
    }

    /// Writes many documents, each with its index entry, in one transaction; resolves once it
    /// has committed.
    pub async fn save_all(&self, docs: &[Saved]) -> Result<(), StoreError> {
        self.start_save_all(docs)?.await
    }

    /// Starts writing many documents as [`Store::save_all`] does (the writes are queued when
    /// this returns: a transaction started later, of this page, commits after this one) and
    /// returns what resolves once they have committed, so that the caller can go on working
    /// meanwhile. The documents are one page in `docs`, their entries one in `index`, under
    /// the same key.
    pub fn start_save_all(
        &self,
        docs: &[Saved],
    ) -> Result<impl std::future::Future<Output = Result<(), StoreError>> + 'static, StoreError>
    {
        let tx = self.both(IdbTransactionMode::Readwrite)?;
        if !docs.is_empty() {
            let (store, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
            let ids: Vec<String> = docs.iter().map(|doc| doc.id.to_string()).collect();
            let key = JsValue::from_str(&self.next_page());
            let bytes = page::encode(
                ids.iter()
                    .zip(docs)
                    .map(|(id, d)| (&id[..], Some(&d.bytes[..]))),
            );
            store.add_with_key(&Uint8Array::from(&bytes[..]), &key)?;
            drop(bytes);
            let entries = page::encode(
                ids.iter()
                    .zip(docs)
                    .map(|(id, d)| (&id[..], Some(&d.entry[..]))),
            );
            index.add_with_key(&Uint8Array::from(&entries[..]), &key)?;
        }
        let committed = committed(&tx);
        Ok(async move {
            committed.await?;
            Ok(())
        })
    }

    /// Writes index entries alone (rebuilt from documents already stored, and the index's own
    /// record), or deletes them (`None`); resolves once the transaction has committed.
    pub async fn save_index(
        &self,
        entries: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(INDEX, IdbTransactionMode::Readwrite)?;
        let index = tx.object_store(INDEX)?;
        // The index's own record (`@meta`) alone; the entries in a page.
        let (own, paged): (Vec<_>, Vec<_>) =
            entries.iter().partition(|(key, _)| key.starts_with('@'));
        for (key, entry) in own {
            let key = JsValue::from_str(key);
            match entry {
                Some(entry) => index.put_with_key(&Uint8Array::from(&entry[..]), &key)?,
                None => index.delete(&key)?,
            };
        }
        if !paged.is_empty() {
            let bytes = page::encode(
                paged
                    .iter()
                    .map(|(key, entry)| (&key[..], entry.as_deref())),
            );
            index.add_with_key(
                &Uint8Array::from(&bytes[..]),
                &JsValue::from_str(&self.next_page()),
            )?;
        }
        transaction_done(&tx).await
    }

    /// Writes `store` again with only the live records `read` holds: deletes every key up to
    /// `newest` (all that was read; a page another tab wrote since sorts after it and stays)
    /// and writes the records in new pages. A failure leaves the store as it was (one
    /// transaction) and is only logged: the store is as good as before, only larger.
    async fn compact(&self, store: &str, read: &Replay, newest: &str) {
        let result: Result<(), StoreError> = async {
            let tx = self
                .db
                .transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
            let records = tx.object_store(store)?;
            records.delete(&IdbKeyRange::upper_bound(&JsValue::from_str(newest))?.into())?;
            let mut paged: Vec<(&str, &[u8])> = Vec::with_capacity(read.live.len());
            for (key, value) in &read.live {
                if key.starts_with('@') {
                    records.put_with_key(&Uint8Array::from(&value[..]), &JsValue::from_str(key))?;
                } else {
                    paged.push((key, value));
                }
            }
            for chunk in paged.chunks(COMPACT_PAGE) {
                let bytes = page::encode(chunk.iter().map(|(key, value)| (*key, Some(*value))));
                records.add_with_key(
                    &Uint8Array::from(&bytes[..]),
                    &JsValue::from_str(&self.next_page()),
                )?;
            }
            transaction_done(&tx).await
        }
        .await;
        match result {
            Ok(()) => leptos::logging::log!(
                "store {store}: {} records kept, {} overridden copies dropped",
                read.live.len(),
                read.garbage()
            ),
            Err(e) => leptos::logging::warn!("store {store} not compacted: {}", e.0),
        }
    }

    /// The key for the next page: later than any page read or written here.
    fn next_page(&self) -> String {
        let stamp = (js_sys::Date::now() as u64).max(self.last_page.get() + 1);
        self.last_page.set(stamp);
        page::key(stamp, (js_sys::Math::random() * f64::from(u32::MAX)) as u32)
    }

    /// Notes a key read, so that pages written after are later.
    fn saw(&self, key: &str) {
        if let Some(stamp) = page::millis(key) {
            self.last_page.set(self.last_page.get().max(stamp));
        }
    }

    /// A transaction over the documents and their index.
    fn both(&self, mode: IdbTransactionMode) -> Result<IdbTransaction, StoreError> {
        let names = Array::of2(&JsValue::from_str(DOCS), &JsValue::from_str(INDEX));
        Ok(self
            .db
            .transaction_with_str_sequence_and_mode(&names, mode)?)
    }
}

/// A document to save and its index entry (JSON, as bytes).
#[derive(Debug)]
pub struct Saved {
    pub id: DocumentId,
    pub bytes: Vec<u8>,
    pub entry: Vec<u8>,
}

impl Store {
    /// Deletes one document and its index entry (the relay refused a change to it, or this
    /// user may no longer read it).
    pub async fn delete(&self, id: &DocumentId) -> Result<(), StoreError> {
        let tx = self.both(IdbTransactionMode::Readwrite)?;
        let id = id.to_string();
        let gone = page::encode([(&id[..], None)]);
        let page_key = JsValue::from_str(&self.next_page());
        let key = JsValue::from_str(&id);
        for name in [DOCS, INDEX] {
            let store = tx.object_store(name)?;
            // A record written alone by an app before pages, and any page's copy.
            store.delete(&key)?;
            store.add_with_key(&Uint8Array::from(&gone[..]), &page_key)?;
        }
        transaction_done(&tx).await
    }

    /// Closes the database and deletes it with everything in it (logging out on a shared
    /// device). Resolves once the deletion has succeeded.
    pub async fn delete_everything(self) -> Result<(), StoreError> {
        self.db.close();
        delete_database().await
    }
}

/// Deletes the whole database, whether or not it is open here.
pub async fn delete_database() -> Result<(), StoreError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| StoreError("IndexedDB is not available".into()))?;
    let request = factory.delete_database(DB_NAME)?;
    request_done(request.unchecked_ref()).await?;
    Ok(())
}

/// Resolves with a request's result, or fails with its error.
async fn request_done(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let _ = resolve.call1(
                    &JsValue::NULL,
                    &request.result().unwrap_or(JsValue::UNDEFINED),
                );
            })
        };
        let err = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let error = request
                    .error()
                    .ok()
                    .flatten()
                    .map(JsValue::from)
                    .unwrap_or_else(|| JsValue::from_str("IndexedDB request failed"));
                let _ = reject.call1(&JsValue::NULL, &error);
            })
        };
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(err.unchecked_ref()));
    });
    Ok(JsFuture::from(promise).await?)
}

/// Resolves when a transaction commits; fails if it errors or aborts (a full disk, say).
async fn transaction_done(tx: &IdbTransaction) -> Result<(), StoreError> {
    committed(tx).await?;
    Ok(())
}

/// What resolves when `tx` commits, and fails if it errors or aborts; listening from now on.
fn committed(tx: &IdbTransaction) -> JsFuture {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = {
            let tx = tx.clone();
            Closure::once_into_js(move || {
                let error = tx
                    .error()
                    .map(JsValue::from)
                    .unwrap_or_else(|| JsValue::from_str("IndexedDB transaction aborted"));
                let _ = reject.call1(&JsValue::NULL, &error);
            })
        };
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        // A failed request aborts its transaction, so `abort` covers errors too (and a
        // one-shot callback must be registered once).
        tx.set_onabort(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise)
}
