//! A real SMTP server for relay tests: `tests/smtp_sink.py` (aiosmtpd) as a child process on a
//! port the OS picks; every message it receives is read back decoded (see the script).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The sink script, in the workspace's `tests/`.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tests")
        .join("smtp_sink.py")
}

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    /// Killed when dropped; its stdin closing ends it as well.
    _child: Child,
}

impl SmtpSink {
    /// Starts the sink; resolves once it accepts connections.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(script())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs (cargo xtask test installs aiosmtpd)");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the SMTP sink starts within 20 s")
        .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| {
                panic!("the SMTP sink did not start (is aiosmtpd installed?): {line:?}")
            })
            .parse()
            .unwrap();
        SmtpSink {
            port,
            dir,
            _child: child,
        }
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Value> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until `n` messages have arrived (at most 20 s) and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        wait_until(|| {
            let got = self.messages();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}

/// Polls `check` every 20 ms until it gives a value; fails after 20 s.
pub async fn wait_until<T>(mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing arrived within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A message file (such as one in the relay's outbox) decoded by the same script.
pub async fn decode(file: &Path) -> Value {
    let out = Command::new("python3")
        .arg(script())
        .arg("--decode")
        .arg(file)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The reset link in a mail's body, and its token.
pub fn reset_link(body: &str) -> (String, String) {
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/nulstil-adgangskode#"))
        .unwrap_or_else(|| panic!("no reset link in {body}"))
        .to_owned();
    let token = link.rsplit('#').next().unwrap().to_owned();
    (link, token)
}
