//! Every organisation has a document of its own (`model::kinds::organisation`): what it says
//! about itself, written by its coordinators and staff. The relay's organisation table stays
//! the source of which organisations exist and who belongs to them; the relay makes the
//! document when it makes the row, and at start for rows that have none (a database from
//! before organisation documents, or an organisation made by `admin`). The document lives at
//! an id derived from the organisation, reserved for it, so no one can take its place first.

use std::sync::Arc;

use samskab_model::kinds::organisation::{Category, Organisation, organisation_document_id};

use crate::accounts::{self, Accounts};
use crate::sync::SyncEngine;

/// The category a table row's kind stands for.
fn category(kind: &str) -> Category {
    kind.parse().unwrap_or(Category::Other)
}

/// Makes the document of `row` unless it has one. True if it was made.
pub async fn create(
    engine: &SyncEngine,
    row: &accounts::Organisation,
    now: i64,
) -> anyhow::Result<bool> {
    let doc = Organisation::new(row.id.clone(), &row.name, category(&row.kind), now);
    seed(engine, &doc).await
}

async fn seed(engine: &SyncEngine, doc: &Organisation) -> anyhow::Result<bool> {
    let mut automerge = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut automerge, doc)?;
    engine
        .seed(
            organisation_document_id(&doc.organisation),
            automerge.save(),
        )
        .await
        .map_err(anyhow::Error::msg)
}

/// Makes the documents of every organisation that has none: the demo organisations with what
/// they say about themselves (`demo`), the others with their name and category. Returns how
/// many were made.
pub async fn ensure(
    engine: &SyncEngine,
    accounts: Arc<Accounts>,
    demo: bool,
) -> anyhow::Result<usize> {
    let now = accounts.now_ms();
    let rows = tokio::task::spawn_blocking(move || accounts.organisations()).await??;
    let mut made = 0;
    if demo {
        for doc in samskab_model::demo::organisation_documents(now) {
            let exists = rows.iter().any(|row| row.id == doc.organisation);
            if exists && seed(engine, &doc).await? {
                made += 1;
            }
        }
    }
    for row in &rows {
        if create(engine, row, now).await? {
            made += 1;
        }
    }
    Ok(made)
}
