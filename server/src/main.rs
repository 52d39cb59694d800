//! The `samskab-server` binary: parses flags, sets up logging, binds the address and hands
//! everything to [`samskab_server::run`]. All behaviour lives in the library so that tests
//! can start the same relay on `127.0.0.1:0`.

use clap::Parser;
use samskab_server::Config;
use tracing_subscriber::EnvFilter;

/// `samskab-server admin ...`: operations on the relay's data, for the first setup.
#[derive(Debug, Parser)]
#[command(name = "samskab-server admin")]
enum Admin {
    /// Creates a user; the password is read from standard input (one line).
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// frivillig, koordinator, personale or admin.
        #[arg(long, default_value = "admin")]
        role: samskab_model::authz::Role,
        /// For a coordinator: an organisation id they coordinate (repeatable).
        #[arg(long = "organisation")]
        organisations: Vec<samskab_model::OrganisationId>,
        /// Directory of the relay's storage.
        #[arg(long, env = "SAMSKAB_DATA", default_value = "./data")]
        data: std::path::PathBuf,
    },
}

fn admin(args: impl Iterator<Item = String>) -> anyhow::Result<()> {
    let Admin::CreateUser {
        email,
        name,
        role,
        organisations,
        data,
    } = Admin::parse_from(args);
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    std::fs::create_dir_all(&data)?;
    let accounts = samskab_server::accounts::Accounts::open(&data)?;
    let user = accounts.create_user(
        &samskab_server::accounts::NewUser {
            email,
            name,
            phone: String::new(),
            password,
            role,
        },
        None,
    )?;
    for org in &organisations {
        accounts.add_membership(&user.id, org)?;
    }
    // The command's one line of output, for the operator.
    #[allow(clippy::print_stdout)]
    {
        println!("created {} ({}) as {}", user.email, user.id, user.role);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args();
    if std::env::args().nth(1).as_deref() == Some("admin") {
        let program = args.next().unwrap_or_default();
        let _admin = args.next();
        return admin(std::iter::once(program).chain(args));
    }
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("SAMSKAB_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")),
        )
        .init();

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    samskab_server::run(listener, config, shutdown_signal()).await
}

/// Resolves at ctrl-c or SIGTERM, whichever comes first, so that the relay finishes the
/// requests in flight (and, later, flushes storage) before it exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}
