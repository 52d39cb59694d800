//! The device's document store: IndexedDB database `samskab`, object store `docs`, one entry
//! per document (its id -> the document's full automerge save). A write resolves only when
//! its transaction has committed, so the UI says "saved" only for what is on disk.
//!
//! Full saves rather than incremental chunks: task documents are a few kilobytes, and one
//! entry per document keeps reads and the logout wipe trivial. Chunking is the step to take
//! when documents grow.

use js_sys::{Array, Promise, Uint8Array};
use samskab_model::DocumentId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB_NAME: &str = "samskab";
const DB_VERSION: u32 = 1;
const DOCS: &str = "docs";

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
                if let Ok(db) = request.result().and_then(|r| r.dyn_into::<IdbDatabase>())
                    && !db.object_store_names().contains(DOCS)
                {
                    let _ = db.create_object_store(DOCS);
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db = request_done(request.unchecked_ref()).await?;
        Ok(Store { db: db.dyn_into()? })
    }

    /// Every stored document.
    pub async fn load_all(&self) -> Result<Vec<(DocumentId, Vec<u8>)>, StoreError> {
        let tx = self.db.transaction_with_str(DOCS)?;
        let store = tx.object_store(DOCS)?;
        let keys: Array = request_done(&store.get_all_keys()?).await?.dyn_into()?;
        let values: Array = request_done(&store.get_all()?).await?.dyn_into()?;
        let mut out = Vec::new();
        for (key, value) in keys.iter().zip(values.iter()) {
            let Some(id) = key.as_string().and_then(|k| k.parse().ok()) else {
                continue;
            };
            out.push((id, Uint8Array::new(&value).to_vec()));
        }
        Ok(out)
    }

    /// Writes many documents in one transaction; resolves once it has committed.
    pub async fn save_all(&self, docs: &[(DocumentId, Vec<u8>)]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(DOCS, IdbTransactionMode::Readwrite)?;
        let store = tx.object_store(DOCS)?;
        for (id, bytes) in docs {
            store.put_with_key(
                &Uint8Array::from(&bytes[..]),
                &JsValue::from_str(&id.to_string()),
            )?;
        }
        transaction_done(&tx).await
    }

    /// Writes a document's bytes; resolves once the transaction has committed.
    pub async fn save(&self, id: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(DOCS, IdbTransactionMode::Readwrite)?;
        let store = tx.object_store(DOCS)?;
        store.put_with_key(
            &Uint8Array::from(bytes),
            &JsValue::from_str(&id.to_string()),
        )?;
        transaction_done(&tx).await
    }
}

impl Store {
    /// Deletes one document (the relay refused a change to it; its version comes back).
    pub async fn delete(&self, id: &DocumentId) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction_with_str_and_mode(DOCS, IdbTransactionMode::Readwrite)?;
        tx.object_store(DOCS)?
            .delete(&JsValue::from_str(&id.to_string()))?;
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
    JsFuture::from(promise).await?;
    Ok(())
}
