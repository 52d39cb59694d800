//! The device's document store: IndexedDB database `samskab`, object store `docs`, one entry
//! per document (its id -> the document's full automerge save), and object store `index`
//! beside it (its id -> the document's index entry, JSON, see `sync_client::index`). A write
//! resolves only when its transaction has committed, so the UI says "saved" only for what is
//! on disk.
//!
//! A document's bytes and its index entry are written, and deleted, in one transaction over
//! both stores: an entry is never older than its document and never outlives it. Logging out
//! deletes the database, both stores with it.
//!
//! Full saves rather than incremental chunks: task documents are a few kilobytes, and one
//! entry per document keeps reads and the logout wipe trivial. Chunking is the step to take
//! when documents grow.

use js_sys::{Array, Promise, Uint8Array};
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
/// How many documents [`Store::load_all`] reads per request.
const LOAD_BATCH: u32 = 500;

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
}

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
        Ok(Store { db })
    }

    /// Every index entry by its key, handed to `with_index` as soon as they are read, then
    /// every stored document; one transaction, so the two agree. `with_index` runs before the
    /// documents are read, and the page can render from it while they are.
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
        let entries = keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                // Entries are JSON as bytes; anything else (none is) is left for the caller
                // to rebuild.
                let bytes = value.dyn_into::<Uint8Array>().ok()?.to_vec();
                Some((key.as_string()?, bytes))
            })
            .collect();
        with_index(entries);
        // The documents in batches: the browser copies each result out on the page's thread,
        // and thousands at once would hold up a keystroke on the page just rendered.
        let mut out = Vec::new();
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
                let Some(id) = key.as_string().and_then(|k| k.parse().ok()) else {
                    continue;
                };
                out.push((id, Uint8Array::new(&value).to_vec()));
            }
            if keys.length() < LOAD_BATCH {
                return Ok(out);
            }
            after = Some(keys.get(keys.length() - 1));
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
    /// meanwhile.
    pub fn start_save_all(
        &self,
        docs: &[Saved],
    ) -> Result<impl std::future::Future<Output = Result<(), StoreError>> + 'static, StoreError>
    {
        let tx = self.both(IdbTransactionMode::Readwrite)?;
        let (store, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
        for doc in docs {
            let key = JsValue::from_str(&doc.id.to_string());
            store.put_with_key(&Uint8Array::from(&doc.bytes[..]), &key)?;
            index.put_with_key(&Uint8Array::from(&doc.entry[..]), &key)?;
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
        for (key, entry) in entries {
            let key = JsValue::from_str(key);
            match entry {
                Some(entry) => index.put_with_key(&Uint8Array::from(&entry[..]), &key)?,
                None => index.delete(&key)?,
            };
        }
        transaction_done(&tx).await
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
        let key = JsValue::from_str(&id.to_string());
        tx.object_store(DOCS)?.delete(&key)?;
        tx.object_store(INDEX)?.delete(&key)?;
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
