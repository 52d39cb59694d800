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
//!    Then the time to judge one sign-up as a task fills (model/benches/judge.rs).
//! 4. bad networks (tests/e2e/bench-networks.mjs): first-visit bytes, the header when the relay
//!    dies, and cold starts with the relay's port refusing or swallowing connections, with and
//!    without 4x CPU throttling;
//! 6. Lighthouse (tests/e2e/bench-lighthouse.mjs, Lighthouse from npm in
//!    `target/bench-lighthouse`): its mobile performance score for the task list and the login
//!    page as a first-time visitor, against the budget of 90.
//!
//! Between 2 and 3, the size of the release build against its budget, and the wasm's code by
//! crate ([`size_report`]).

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::dist::{DistFile, symbols_twin};
use crate::prereq::{self, CHROMIUM};
use crate::{Profile, cargo, run_cmd, target_dir, wasm_size, workspace_root};

/// Issue #14: a first visit downloads at most this much, everything included (brotli where the
/// relay sends brotli).
pub const FIRST_VISIT_BUDGET: usize = 400_000;
/// How many crates the size table names; the rest are summed on one line.
const CRATES_SHOWN: usize = 20;

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
    let files = crate::dist::build(&Profile::Release)?;
    size_report(&files)?;
    // The browser benchmarks run against the release relay, as the Rust client's numbers
    // they are compared with do.
    release_relay()?;
    run_cmd(
        Command::new("node")
            .current_dir(root.join("tests").join("e2e"))
            .arg("bench.mjs")
            .env("SAMSKAB_SERVER_BIN", release_relay_bin())
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
            .env("SAMSKAB_SERVER_BIN", release_relay_bin())
            .env("SAMSKAB_DIST", root.join("dist"))
            .env("CHROMIUM", CHROMIUM),
    )?;
    lighthouse()
}

/// Lighthouse's mobile audit of the task list and the login page (tests/e2e/bench-lighthouse.mjs),
/// with Lighthouse installed from npm into `target/bench-lighthouse`. Needs `dist/` and the
/// release relay, which [`all`] builds before.
fn lighthouse() -> anyhow::Result<()> {
    let root = workspace_root();
    let tool = npm_tool("bench-lighthouse", &["package.json"])?;
    run_cmd(
        Command::new("node")
            .current_dir(root.join("tests").join("e2e"))
            .arg("bench-lighthouse.mjs")
            .env(
                "LIGHTHOUSE_BIN",
                tool.join("node_modules")
                    .join("lighthouse")
                    .join("cli")
                    .join("index.js"),
            )
            .env("SAMSKAB_SERVER_BIN", release_relay_bin())
            .env("SAMSKAB_DIST", root.join("dist"))
            .env("CHROMIUM", CHROMIUM),
    )
}

/// Prints what a first visit downloads against [`FIRST_VISIT_BUDGET`], and the wasm's code by
/// crate (from the twins with function names, see [`wasm_size::breakdown`]): the main module,
/// then the chunks loaded on demand together.
pub fn size_report(files: &[DistFile]) -> anyhow::Result<()> {
    let wire = |f: &DistFile| f.brotli.unwrap_or(f.raw);
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1000.0);
    let is_chunk = |f: &DistFile| crate::dist::is_area_chunk(&f.url);
    let is_icon = |f: &DistFile| crate::dist::is_install_icon(&f.url);
    let total: usize = files.iter().filter(|f| !is_icon(f)).map(wire).sum();
    let first: usize = files
        .iter()
        .filter(|f| !is_chunk(f) && !is_icon(f))
        .map(wire)
        .sum();
    let verdict = |n: usize| {
        if n <= FIRST_VISIT_BUDGET {
            format!("met, {} to spare", kb(FIRST_VISIT_BUDGET - n))
        } else {
            format!("NOT met, {} over", kb(n - FIRST_VISIT_BUDGET))
        }
    };
    eprintln!(
        "size: a first visit without an account, in all (everything but the chunks, which the \
         service worker keeps for signed-in devices only, and the icons only an install \
         fetches): {}; budget {}: {}",
        kb(first),
        kb(FIRST_VISIT_BUDGET),
        verdict(first)
    );
    eprintln!(
        "size: a signed-in device's first visit in all, with every area's code kept for offline \
         use: {} (the main module before the first render, the rest after it)",
        kb(total),
    );
    let (main, chunks): (Vec<&DistFile>, Vec<&DistFile>) = files
        .iter()
        .filter(|f| f.url.ends_with(".wasm"))
        .partition(|f| !is_chunk(f));
    for (what, group) in [
        ("the main wasm", main),
        ("the chunks loaded on demand", chunks),
    ] {
        if group.is_empty() {
            continue;
        }
        let mut b = wasm_size::Breakdown::default();
        for f in &group {
            let named = std::fs::read(symbols_twin(&f.url))
                .with_context(|| format!("cannot read the twin of {} with names", f.url))?;
            b.add(&wasm_size::breakdown(&named)?);
        }
        let raw: usize = group.iter().map(|f| f.raw).sum();
        let br: usize = group.iter().map(|f| wire(f)).sum();
        eprintln!(
            "size: {what} ({} file{}): {} raw, {} brotli; code by crate (raw):",
            group.len(),
            if group.len() == 1 { "" } else { "s" },
            kb(raw),
            kb(br)
        );
        print_breakdown(&b, raw);
    }
    Ok(())
}

fn print_breakdown(b: &wasm_size::Breakdown, raw: usize) {
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1000.0);
    let share = |n: usize| format!("{:5.1} %", 100.0 * n as f64 / raw.max(1) as f64);
    let line = |what: &str, n: usize| eprintln!("  {what:<32} {:>10} {}", kb(n), share(n));
    let crates = b.crates_by_size();
    for (name, bytes) in crates.iter().take(CRATES_SHOWN) {
        line(name, *bytes);
    }
    let others: usize = crates.iter().skip(CRATES_SHOWN).map(|(_, n)| n).sum();
    let n_others = crates.len().saturating_sub(CRATES_SHOWN);
    if n_others > 0 {
        line(&format!("{n_others} other crates"), others);
    }
    line("code in all", b.code.values().sum());
    line("data (strings, statics)", b.data);
    line("types, imports, exports, table", b.rest);
    eprintln!(
        "  {:<32} {:>10} (not shipped)",
        "custom sections (names)",
        kb(b.custom)
    );
}

/// A tool the benchmarks run from npm (`tests/e2e/<name>/`: its `package.json` and `files`),
/// copied to `target/<name>` and installed there once, so that the test run never downloads
/// it. Returns that directory.
fn npm_tool(name: &str, files: &[&str]) -> anyhow::Result<PathBuf> {
    let source = workspace_root().join("tests").join("e2e").join(name);
    let dir = target_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    for file in files {
        std::fs::copy(source.join(file), dir.join(file))?;
    }
    if !dir.join("node_modules").exists() {
        eprintln!("xtask: installing {name} from npm into {}", dir.display());
        run_cmd(Command::new("npm").current_dir(&dir).args([
            "install",
            "--no-audit",
            "--no-fund",
        ]))?;
    }
    Ok(dir)
}

/// Builds the release relay ([`release_relay_bin`]).
fn release_relay() -> anyhow::Result<()> {
    run_cmd(Command::new(cargo()).current_dir(workspace_root()).args([
        "build",
        "--release",
        "--package",
        "samskab-server",
        "--bin",
        "samskab-server",
    ]))
}

fn release_relay_bin() -> PathBuf {
    target_dir().join("release").join("samskab-server")
}

/// The storm benchmark: the release relay against the JS sync server, side by side.
pub fn storms() -> anyhow::Result<()> {
    let root = workspace_root();
    release_relay()?;
    let js = npm_tool("bench-js", &["package.json", "sync-server.mjs"])?;
    run_cmd(
        Command::new(cargo())
            .current_dir(&root)
            .args(["bench", "--package", "samskab-server", "--bench", "storm"])
            .env("SAMSKAB_RELAY_BIN", release_relay_bin())
            .env("SAMSKAB_JS_SERVER", js.join("sync-server.mjs")),
    )?;
    // What one sign-up costs the relay to judge as the task fills: the storms' limit.
    run_cmd(Command::new(cargo()).current_dir(&root).args([
        "bench",
        "--package",
        "samskab-model",
        "--bench",
        "judge",
    ]))
}
