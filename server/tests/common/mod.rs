//! Shared by the relay's integration tests: a dist directory like the one `cargo xtask dist`
//! writes, and the relay started in-process on 127.0.0.1:0.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod device;
pub mod smtp;

use reqwest::header;
use samskab_server::Config;
use std::path::Path;
use tokio::sync::oneshot;

pub const WASM: &str = "/samskab_app-0123456789abcdef.wasm";

/// A dist directory like the one `cargo xtask dist` writes, with recognisable bodies.
/// The wall clock in milliseconds, as the relay reads it.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn fixture_dist(dir: &Path) {
    let write = |name: &str, body: &[u8]| {
        let path = dir.join(name.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    };
    write("/index.html", b"<!doctype html><title>shell</title>");
    write("/index.html.br", b"BR-index");
    write("/index.html.gz", b"GZ-index");
    write(WASM, b"\0asm\x01\0\0\0");
    write(&format!("{WASM}.br"), b"BR-wasm");
    write(&format!("{WASM}.gz"), b"GZ-wasm");
    write("/sw.js", b"// worker");
    write("/sw.js.gz", b"GZ-sw");
    write("/manifest.webmanifest", b"{\"name\":\"Samskab\"}");
    write("/icons/icon-192.png", b"\x89PNG");
}

pub struct Relay {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    /// The admin's token once logged in (logins are rate limited).
    admin: std::sync::Mutex<Option<String>>,
}

impl Relay {
    pub async fn start() -> Self {
        Self::start_with_data(tempfile::tempdir().unwrap()).await
    }

    /// Starts a relay whose data directory is `data` (to restart on the same storage).
    pub async fn start_with_data(data: tempfile::TempDir) -> Self {
        Self::start_with(data, false).await
    }

    /// Starts a relay on `data`, seeding the demo tasks if `demo`.
    pub async fn start_with(data: tempfile::TempDir, demo: bool) -> Self {
        Self::start_configured(data, demo, |_| {}).await
    }

    /// Starts a relay on `data` with the configuration `configure` leaves (mail, public URL).
    pub async fn start_configured(
        data: tempfile::TempDir,
        demo: bool,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let dist = tempfile::tempdir().unwrap();
        fixture_dist(dist.path());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config {
            addr: listener.local_addr().unwrap(),
            data: data.path().to_owned(),
            dist: dist.path().to_owned(),
            demo,
            public_url: None,
            towns: None,
            mail: Default::default(),
            retention: Default::default(),
            notices: Default::default(),
        };
        configure(&mut config);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(samskab_server::run(listener, config, async {
            let _ = stopped.await;
        }));
        Relay {
            base,
            // The relay closes a keep-alive connection idle for its header-read timeout
            // (10 s); a pooled connection older than that may be reset as it is reused, so
            // the pool lets go of them well before (under load, set-up can take that long).
            client: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(5))
                .build()
                .unwrap(),
            stop: Some(stop),
            task,
            _dirs: (dist, data),
            admin: std::sync::Mutex::new(None),
        }
    }

    pub async fn get(&self, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(enc) = accept_encoding {
            req = req.header(header::ACCEPT_ENCODING, enc);
        }
        req.send().await.unwrap()
    }

    /// The catalog as the admin sees it (every document), for checking what the relay holds.
    pub async fn catalog(&self) -> serde_json::Value {
        let cached = self.admin.lock().unwrap().clone();
        let token = match cached {
            Some(token) => token,
            None => {
                let token = self.login("admin@demo.samskab.dk").await;
                *self.admin.lock().unwrap() = Some(token.clone());
                token
            }
        };
        self.client
            .get(format!("{}/api/catalog", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
    }

    /// Stops the relay gracefully and hands back its data directory.
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
        self._dirs.1
    }

    /// The relay's data directory (its SQLite database).
    pub fn data(&self) -> &Path {
        self._dirs.1.path()
    }

    /// The relay's socket address, for tests that speak raw TCP.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.base.trim_start_matches("http://").parse().unwrap()
    }

    /// A client whose connections come from `ip` (any of 127.0.0.0/8 reaches the relay), so
    /// a test can play a second person on another address.
    pub fn client_from(ip: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    }

    pub fn ws_url(&self) -> String {
        format!("{}/sync", self.base.replacen("http", "ws", 1))
    }

    /// The sync URL carrying a session token (as tools pass it).
    pub fn ws_url_as(&self, token: &str) -> String {
        format!("{}?token={token}", self.ws_url())
    }

    /// Adds Eva (`eva@bibliotek.dk`, the demo password), a coordinator of Haslev Bibliotek,
    /// as the admin command would: a coordinator of another organisation than the demo's Bo.
    pub fn add_library_coordinator(&self) {
        use samskab_model::authz::Role;
        use samskab_server::accounts::{Accounts, NewUser};
        let accounts = Accounts::open(self.data()).unwrap();
        let eva = accounts
            .create_user(
                &NewUser {
                    email: "eva@bibliotek.dk".into(),
                    name: "Eva".into(),
                    phone: String::new(),
                    password: "samskab-demo".into(),
                    role: Role::Coordinator,
                },
                Some("eva".parse().unwrap()),
            )
            .unwrap();
        accounts
            .add_membership(&eva.id, &"haslev-bibliotek".parse().unwrap())
            .unwrap();
    }

    /// Logs a demo account in (the relay must run with demo data) and returns its token.
    pub async fn login(&self, email: &str) -> String {
        self.login_as(email, "samskab-demo").await
    }

    /// Logs any account in and returns its token.
    pub async fn login_as(&self, email: &str, password: &str) -> String {
        let res = self
            .client
            .post(format!("{}/api/login", self.base))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK, "login {email}");
        let body: serde_json::Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// The status of `GET /api/me` with this session token (200 signed in, 401 not).
    pub async fn me_status(&self, token: &str) -> reqwest::StatusCode {
        self.client
            .get(format!("{}/api/me", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Logs a session out; the answer's status.
    pub async fn logout(&self, token: &str) -> reqwest::StatusCode {
        self.client
            .post(format!("{}/api/logout", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Registers a new volunteer and returns (their person id, token).
    pub async fn register(&self, name: &str) -> (String, String) {
        let res = self
            .client
            .post(format!("{}/api/register", self.base))
            .json(&serde_json::json!({
                "name": name,
                "email": format!("{}@example.dk", name.to_lowercase()),
                "password": "en god lang kode",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            reqwest::StatusCode::CREATED,
            "register {name}"
        );
        let body: serde_json::Value = res.json().await.unwrap();
        (
            body["user"]["id"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        )
    }
}
