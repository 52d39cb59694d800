//! The relay's configuration: command-line flags, each with an environment variable as
//! fallback, so that the same binary runs from a shell, a systemd unit or a container.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::mail::MailConfig;

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

    /// The address people open the app at, e.g. `https://frivillig.kommune.dk`: links in mail
    /// are built from it, never from a request's Host header [default: http://<addr>].
    #[arg(long, env = "SAMSKAB_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The municipality's towns: a JSON file `{"towns": [{"name", "lat", "lon"}, …]}`,
    /// largest first [default: the demo municipality's (Faxe Kommune)].
    #[arg(long, env = "SAMSKAB_TOWNS")]
    pub towns: Option<PathBuf>,

    #[command(flatten)]
    pub mail: MailConfig,

    #[command(flatten)]
    pub retention: crate::retention::RetentionConfig,

    #[command(flatten)]
    pub notices: crate::notify::NoticeConfig,
}

impl Config {
    /// The public base URL without a trailing slash; refused unless it is http(s) with a host
    /// and nothing after it but a path (no query or fragment to break the links).
    pub fn public_url(&self) -> anyhow::Result<String> {
        let url = match &self.public_url {
            Some(url) => url.trim().trim_end_matches('/').to_owned(),
            None => return Ok(format!("http://{}", self.addr)),
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.map(|r| r.split('/').next().unwrap_or_default());
        match host {
            Some(host)
                if !host.is_empty()
                    && !url.contains(['?', '#', ' '])
                    && !url.chars().any(char::is_control) =>
            {
                Ok(url)
            }
            _ => anyhow::bail!(
                "--public-url must be an http:// or https:// address such as https://frivillig.kommune.dk, not {url:?}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(url: Option<&str>) -> Config {
        Config::parse_from(
            ["samskab-server", "--addr", "127.0.0.1:9000"]
                .into_iter()
                .chain(url.map(|u| ["--public-url", u]).into_iter().flatten()),
        )
    }

    #[test]
    fn the_public_url_defaults_to_the_address_and_is_checked() {
        assert_eq!(with(None).public_url().unwrap(), "http://127.0.0.1:9000");
        assert_eq!(
            with(Some("https://frivillig.kommune.dk/"))
                .public_url()
                .unwrap(),
            "https://frivillig.kommune.dk"
        );
        for bad in [
            "frivillig.kommune.dk",
            "https://",
            "ftp://x.dk",
            "https://x.dk/?a=1",
        ] {
            assert!(with(Some(bad)).public_url().is_err(), "{bad}");
        }
    }
}
