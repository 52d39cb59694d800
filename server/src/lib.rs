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
//!
//! The WebSocket sync endpoint, storage and accounts are added beside these by the task bank
//! and accounts work (see `docs/`).

pub mod assets;
pub mod config;
pub mod error;
pub mod http;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use assets::Assets;
pub use config::Config;

/// Shared, read-only state handed to every handler.
#[derive(Debug)]
pub struct AppState {
    pub assets: Assets,
}

/// Runs the relay on `listener` until `shutdown` resolves, then finishes the requests in
/// flight and returns.
///
/// Fails before serving anything if the app in `config.dist` is missing or incomplete or the
/// data directory cannot be created: a relay that would only answer 404 is worse than one
/// that refuses to start with the reason.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let assets = Assets::load(&config.dist)?;
    std::fs::create_dir_all(&config.data).map_err(|e| {
        anyhow::anyhow!(
            "cannot create data directory {}: {e}",
            config.data.display()
        )
    })?;
    let state = Arc::new(AppState { assets });
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, dist = %config.dist.display(), data = %config.data.display(), "relay listening");
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("relay stopped");
    Ok(())
}
