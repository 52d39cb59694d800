//! `cargo xtask test`: every test, from the fastest to the slowest:
//! 1. native: the model's unit tests, the relay's tests over real sockets, xtask's own;
//! 2. wasm: the client's tests in headless Chromium (wasm-bindgen-test-runner + ChromeDriver);
//! 3. browser end-to-end: `dist/` built in release, the real relay process, headless Chromium
//!    driven by Playwright (tests/e2e, Node's test runner).
//!
//! Every stage runs even if an earlier one failed, so one run shows everything that is wrong;
//! the exit code is non-zero if any failed.

use std::process::Command;

use crate::prereq::{self, CHROMEDRIVER, CHROMIUM};
use crate::{Profile, cargo, run_cmd, run_cmd_within, target_dir, workspace_root};

pub fn all() -> anyhow::Result<()> {
    prereq::ensure_all()?;
    let root = workspace_root();
    let mut failed = Vec::new();
    let mut stage = |name: &str, result: anyhow::Result<()>| {
        if let Err(e) = result {
            eprintln!("xtask: {name} tests FAILED: {e:#}");
            failed.push(name.to_owned());
        }
    };

    stage(
        "native",
        run_cmd(Command::new(cargo()).current_dir(&root).args([
            "test",
            "--workspace",
            "--exclude",
            "samskab-app",
        ])),
    );

    stage(
        "wasm",
        run_cmd(
            Command::new(cargo())
                .current_dir(&root)
                .args([
                    "test",
                    "--package",
                    "samskab-app",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    "wasm-bindgen-test-runner",
                )
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        ),
    );

    let e2e = crate::dist::build(&Profile::Release)
        .map(drop)
        .and_then(|()| {
            // The relay binary, as the native stage built it: the same command with --no-run
            // is a no-op when that stage compiled, where `cargo build -p samskab-server` would
            // rebuild with a different feature set.
            run_cmd(Command::new(cargo()).current_dir(&root).args([
                "test",
                "--workspace",
                "--exclude",
                "samskab-app",
                "--no-run",
            ]))?;
            // Two files at a time: every file starts its own relay on its own port with its
            // own data directory and its own browser profiles, so files share no state. The
            // whole stage takes about 4 minutes; 25 is a hang, not a slow machine.
            run_cmd_within(
                Command::new("node")
                    .current_dir(root.join("tests").join("e2e"))
                    .args(["--test", "--test-concurrency=2", "--test-reporter=spec"])
                    .env(
                        "SAMSKAB_SERVER_BIN",
                        target_dir().join("debug").join("samskab-server"),
                    )
                    .env("SAMSKAB_DIST", root.join("dist"))
                    .env("CHROMIUM", CHROMIUM),
                std::time::Duration::from_secs(25 * 60),
            )
        });
    stage("browser end-to-end", e2e);

    if failed.is_empty() {
        eprintln!("xtask: all tests passed");
        Ok(())
    } else {
        anyhow::bail!("failed: {}", failed.join(", "))
    }
}
