//! `cargo xtask bench`: the benchmarks, which print numbers and assert nothing about time.
//! 1. sync (server/benches/sync.rs): a new device syncing 1,000 tasks from empty and
//!    reconnects, in memory and over a real WebSocket to the real relay; it leaves the relay's
//!    data with the 1,000 tasks in `target/bench-data`;
//! 2. floods (server/benches/flood.rs): the relay's memory and a small write's latency while
//!    attackers flood random ids, send orphan changes, never read, and send large changes;
//! 3. browser (tests/e2e/bench.mjs): the release app in headless Chromium syncing those tasks
//!    from empty, then opening the list from IndexedDB alone; then a staff device syncing the
//!    CV bank (the profiles the sync benchmark left in `target/bench-profile-data`) and the
//!    search's time per keystroke;
//! 5. storms (server/benches/storm.rs): Samskab's release relay and the JavaScript
//!    `@automerge/automerge-repo-sync-server` (installed from npm into `target/bench-js`), each
//!    its own process on 127.0.0.1, under the same devices: sign-up storms of 100, 300 and
//!    1,000 devices, churn, and 10,000 idle connections. Bounded: a storm gives up after 120 s.
//! 4. bad networks (tests/e2e/bench-networks.mjs): first-visit bytes, the header when the relay
//!    dies, and cold starts with the relay's port refusing or swallowing connections, with and
//!    without 4x CPU throttling.

use std::process::Command;

use crate::prereq::{self, CHROMIUM};
use crate::{Profile, cargo, run_cmd, target_dir, workspace_root};

pub fn all() -> anyhow::Result<()> {
    prereq::ensure_all()?;
    let root = workspace_root();
    let data = target_dir().join("bench-data");
    let profile_data = target_dir().join("bench-profile-data");
    let tasks = std::env::var("SAMSKAB_BENCH_TASKS").unwrap_or_else(|_| "1000".into());
    run_cmd(
        Command::new(cargo())
            .current_dir(&root)
            .args(["bench", "--package", "samskab-server", "--bench", "sync"])
            .env("SAMSKAB_BENCH_DATA", &data)
            .env("SAMSKAB_BENCH_PROFILE_DATA", &profile_data)
            .env("SAMSKAB_BENCH_TASKS", &tasks),
    )?;
    run_cmd(Command::new(cargo()).current_dir(&root).args([
        "bench",
        "--package",
        "samskab-server",
        "--bench",
        "flood",
    ]))?;
    crate::dist::build(&Profile::Release)?;
    run_cmd(Command::new(cargo()).current_dir(&root).args([
        "build",
        "--package",
        "samskab-server",
    ]))?;
    run_cmd(
        Command::new("node")
            .current_dir(root.join("tests").join("e2e"))
            .arg("bench.mjs")
            .env(
                "SAMSKAB_SERVER_BIN",
                target_dir().join("debug").join("samskab-server"),
            )
            .env("SAMSKAB_DIST", root.join("dist"))
            .env("SAMSKAB_BENCH_DATA", &data)
            .env("SAMSKAB_BENCH_PROFILE_DATA", &profile_data)
            .env("SAMSKAB_BENCH_TASKS", &tasks)
            .env("CHROMIUM", CHROMIUM),
    )?;
    storms()?;
    run_cmd(
        Command::new("node")
            .current_dir(root.join("tests").join("e2e"))
            .arg("bench-networks.mjs")
            .env(
                "SAMSKAB_SERVER_BIN",
                target_dir().join("debug").join("samskab-server"),
            )
            .env("SAMSKAB_DIST", root.join("dist"))
            .env("CHROMIUM", CHROMIUM),
    )
}

/// The storm benchmark: the release relay against the JS sync server, side by side.
pub fn storms() -> anyhow::Result<()> {
    let root = workspace_root();
    run_cmd(Command::new(cargo()).current_dir(&root).args([
        "build",
        "--release",
        "--package",
        "samskab-server",
        "--bin",
        "samskab-server",
    ]))?;
    let js = target_dir().join("bench-js");
    std::fs::create_dir_all(&js)?;
    for file in ["package.json", "sync-server.mjs"] {
        std::fs::copy(
            root.join("tests").join("e2e").join("bench-js").join(file),
            js.join(file),
        )?;
    }
    if !js.join("node_modules").exists() {
        eprintln!(
            "xtask: installing the JS sync server from npm into {}",
            js.display()
        );
        run_cmd(
            Command::new("npm")
                .current_dir(&js)
                .args(["install", "--no-audit", "--no-fund"]),
        )?;
    }
    run_cmd(
        Command::new(cargo())
            .current_dir(&root)
            .args(["bench", "--package", "samskab-server", "--bench", "storm"])
            .env(
                "SAMSKAB_RELAY_BIN",
                target_dir().join("release").join("samskab-server"),
            )
            .env("SAMSKAB_JS_SERVER", js.join("sync-server.mjs")),
    )
}
