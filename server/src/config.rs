//! The relay's configuration: command-line flags, each with an environment variable as
//! fallback, so that the same binary runs from a shell, a systemd unit or a container.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// Samskab relay: serves the app and syncs its documents.
#[derive(Debug, Clone, Parser)]
#[command(name = "samskab-server", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "SAMSKAB_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Directory for the relay's durable storage; created if missing.
    #[arg(long, env = "SAMSKAB_DATA", default_value = "./data")]
    pub data: PathBuf,

    /// Directory holding the built app (`cargo xtask dist` writes it).
    #[arg(long, env = "SAMSKAB_DIST", default_value = "./dist")]
    pub dist: PathBuf,

    /// Seed the demo tasks (a dozen tasks from demo organisations) if they are not stored yet.
    #[arg(long, env = "SAMSKAB_DEMO")]
    pub demo: bool,
}
