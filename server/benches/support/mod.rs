//! What the relay benchmarks share: the real relay in this process on 127.0.0.1:0, over a data
//! directory, serving a stand-in for the app.
#![allow(dead_code)] // each benchmark uses its own part
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use samskab_server::Config;

pub struct BenchRelay {
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl BenchRelay {
    pub async fn start(data: PathBuf, dist: &Path) -> Self {
        Self::start_with(data, dist, false).await
    }

    /// Starts the relay; `demo` seeds the demo accounts and tasks.
    pub async fn start_with(data: PathBuf, dist: &Path, demo: bool) -> Self {
        std::fs::create_dir_all(dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>bench</title>",
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = Config {
            addr,
            data,
            dist: dist.to_owned(),
            demo,
            public_url: None,
            towns: None,
            mail: Default::default(),
            retention: Default::default(),
            notices: Default::default(),
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(samskab_server::run(listener, config, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop,
            serving,
        }
    }

    /// Logs in with the demo password; the sync URL with the session token.
    pub async fn login(&self, email: &str) -> String {
        let body: serde_json::Value = reqwest::Client::new()
            .post(format!("http://{}/api/login", self.addr))
            .json(&serde_json::json!({"email": email, "password": "samskab-demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        format!(
            "ws://{}/sync?token={}",
            self.addr,
            body["token"].as_str().unwrap()
        )
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.serving.await.unwrap().unwrap();
    }
}
