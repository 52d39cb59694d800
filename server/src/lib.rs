//! Samskab's relay as a library. The binary in `main.rs` only parses flags and calls [`run`];
//! tests call the same function on a listener bound to `127.0.0.1:0`.
//!
//! Layout:
//! - [`config`]: flags and their environment fallbacks.
//! - [`assets`]: the built app (`dist/`) loaded into memory at start, with its precompressed
//!   siblings, content types and cache policy.
//! - [`http`]: the router: static files with client-side routing fallback, `/healthz`, the
//!   `/api` namespace, and the security headers every response carries.
//! - [`error`]: the one error type HTTP handlers return, mapped to a response once.
//! - [`storage`]: durable storage behind traits (documents, and the accounts' state), their
//!   SQLite implementation, the numbered schema migrations.
//! - [`sync`]: the sync engine: the shared sans-IO hub from `model` plus the store, on one
//!   thread, persisting before acknowledging.
//! - [`ws`]: the `/sync` WebSocket endpoint (automerge-repo protocol version "1").
//!
//! - [`accounts`]: users, memberships, sessions and actor bindings: the rules (argon2id,
//!   tokens, expiry) over the accounts' store.
//! - [`api`]: the accounts API under `/api` and how a request's session is found.
//! - [`limits`]: rate limits on login and registration.
//! - [`peers`]: devices: peer ids bound to their user, last contact, device labels.
//! - [`audit`]: the log of deliveries of profiles to others' devices.
//! - [`taskbank`]: the open task bank for visitors, and the roster's contacts for coordinators.
//! - [`mail`]: outgoing mail, through SMTP or into an outbox folder.
//! - [`password_reset`]: "Glemt adgangskode": one-time reset links, mailed or handed over.
//! - [`secret`]: a string that is redacted in `Debug` (passwords, tokens).

pub mod accounts;
pub mod api;
pub mod assets;
pub mod audit;
pub mod calendar;
pub mod config;
pub mod erasure;
pub mod error;
pub mod http;
pub mod limits;
pub mod mail;
pub mod notify;
pub mod organisation_documents;
pub mod password_reset;
pub mod peers;
pub mod retention;
pub mod revalidated;
pub mod secret;
pub mod storage;
pub mod sync;
pub mod taskbank;
pub mod towns;
pub mod ws;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use assets::Assets;
pub use config::Config;

/// Tasks that demo volunteers who share their CV with "my organisations" have signed up for,
/// so that those organisations' coordinators (Bo, of Haslev Fodboldklub) see them. Only shifts
/// with room to spare, so the demo keeps free places.
const DEMO_SIGNUP_TASKS: &[&str] = &[
    "Kioskvagt til hjemmekamp",
    "Affaldsindsamling langs åen",
    "Pleje af blomstereng",
    "Opsætning af telte til sankthans",
];

/// Adds the demo tasks and the demo volunteers' profiles that are not stored yet.
async fn seed_demo(engine: &sync::SyncEngine, now: i64) -> anyhow::Result<()> {
    use samskab_model::profile::{CoordinatorConsent, profile_document_id};
    use samskab_model::task::{Signup, SignupState};
    let profiles = samskab_model::demo::profiles(now);
    let joiners: Vec<_> = profiles
        .iter()
        .filter(|p| p.consent.coordinators == CoordinatorConsent::SignedUp)
        .map(|p| p.owner.clone())
        .collect();
    let mut tasks = samskab_model::demo::tasks(now);
    for (i, person) in joiners.into_iter().enumerate() {
        let title = DEMO_SIGNUP_TASKS[i % DEMO_SIGNUP_TASKS.len()];
        let Some((_, task)) = tasks.iter_mut().find(|(_, t)| t.title == title) else {
            continue;
        };
        let Some(shift) = task.shifts.values_mut().next_back() else {
            continue;
        };
        if shift.signups.len() + 1 < usize::try_from(shift.capacity).unwrap_or(0) {
            let at = now - 3_600_000 * (i64::try_from(i).unwrap_or(0) + 1);
            shift.signups.insert(
                person,
                Signup {
                    state: SignupState::SignedUp,
                    at: at.max(task.created_at),
                },
            );
        }
    }
    let added = seed_each(engine, tasks).await?;
    tracing::info!(added, "demo tasks seeded");
    let profiles = profiles
        .into_iter()
        .map(|p| (profile_document_id(&p.owner), p));
    let added = seed_each(engine, profiles).await?;
    tracing::info!(added, "demo profiles seeded");
    let groups = samskab_model::demo::groups(now)
        .into_iter()
        .map(|g| (samskab_model::kinds::group::group_document_id(&g.group), g));
    let mut added = seed_each(engine, groups).await?;
    added += seed_each(engine, samskab_model::demo::meetings(now)).await?;
    added += seed_each(engine, samskab_model::demo::needs(now)).await?;
    tracing::info!(added, "demo groups, meetings and needs seeded");
    Ok(())
}

/// Seeds each document at its id unless the store has it; returns how many were added.
async fn seed_each<D: autosurgeon::Reconcile>(
    engine: &sync::SyncEngine,
    documents: impl IntoIterator<Item = (samskab_model::DocumentId, D)>,
) -> anyhow::Result<usize> {
    let mut added = 0;
    for (id, value) in documents {
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &value)?;
        if engine
            .seed(id, doc.save())
            .await
            .map_err(anyhow::Error::msg)?
        {
            added += 1;
        }
    }
    Ok(added)
}

/// Shared, read-only state handed to every handler.
#[derive(Debug)]
pub struct AppState {
    pub assets: Assets,
    pub sync: sync::SyncEngine,
    pub accounts: Arc<accounts::Accounts>,
    pub limits: limits::Limits,
    /// Sends mail (password resets).
    pub mailer: mail::Mailer,
    /// The address people open the app at, without a trailing slash: the base of links in mail.
    pub public_url: String,
    /// Turns true when the relay is shutting down, so long-lived connections can close.
    pub shutdown: watch::Receiver<bool>,
    /// The open task bank's last answer (see [`taskbank`]).
    pub public_catalog: taskbank::PublicCache,
    /// The municipality's towns (see [`towns`]).
    pub towns: towns::ServedTowns,
}

/// Runs the relay on `listener` until `shutdown` resolves, then finishes the requests in
/// flight and returns.
///
/// Fails before serving anything if the app in `config.dist` is missing or incomplete or the
/// data directory or its database cannot be opened: a relay that would only answer 404 is worse than one
/// that refuses to start with the reason.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let assets = Assets::load(&config.dist)?;
    let public_url = config.public_url()?;
    let towns = towns::ServedTowns::load(config.towns.as_deref())?;
    let mailer = mail::Mailer::from_config(&config.mail, &config.data)?;
    std::fs::create_dir_all(&config.data).map_err(|e| {
        anyhow::anyhow!(
            "cannot create data directory {}: {e}",
            config.data.display()
        )
    })?;
    // The one place that chooses the storage implementation.
    let store = storage::SqliteStore::open(&config.data)?;
    let data = config.data.clone();
    let accounts = Arc::new(
        tokio::task::spawn_blocking(move || {
            let store = storage::SqliteAccounts::open(&data)?;
            accounts::Accounts::new(Arc::new(store))
        })
        .await??,
    );
    let engine = sync::SyncEngine::start(Box::new(store), accounts.clone())?;
    if config.demo {
        seed_demo(&engine, accounts.now_ms()).await?;
        let demo = accounts.clone();
        let created = tokio::task::spawn_blocking(move || demo.seed_demo()).await??;
        tracing::info!(created, "demo accounts seeded");
    }
    let made = organisation_documents::ensure(&engine, accounts.clone(), config.demo).await?;
    tracing::info!(made, "organisation documents made");
    retention::spawn_daily(
        accounts.clone(),
        engine.clone(),
        mailer.clone(),
        config.retention.clone(),
    );
    notify::spawn(
        accounts.clone(),
        engine.clone(),
        mailer.clone(),
        public_url.clone(),
        config.notices.clone(),
    );
    let (closing, shutdown_rx) = watch::channel(false);
    let state = Arc::new(AppState {
        assets,
        sync: engine,
        accounts,
        limits: limits::Limits::default(),
        mailer,
        public_url,
        shutdown: shutdown_rx,
        public_catalog: taskbank::PublicCache::default(),
        towns,
    });
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, dist = %config.dist.display(), data = %config.data.display(), public_url = %state.public_url, mail = %state.mailer.describe(), "relay listening");
    let shutdown = async move {
        shutdown.await;
        let _ = closing.send(true);
    };
    http::serve(
        listener,
        http::router(state),
        http::ServeOptions::default(),
        shutdown,
    )
    .await?;
    tracing::info!("relay stopped");
    Ok(())
}
