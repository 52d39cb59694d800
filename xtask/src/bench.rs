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
//! 4. bad networks (tests/e2e/bench-networks.mjs): first-visit bytes, the header when the relay
//!    dies, and cold starts with the relay's port refusing or swallowing connections, with and
//!    without 4x CPU throttling.
//!
//! Between 2 and 3, the size of the release build against its budget, and the wasm's code by
//! crate ([`size_report`]).

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

/// Prints what a first visit downloads against [`FIRST_VISIT_BUDGET`], and the wasm's code by
/// crate (from the twin with function names, see [`wasm_size::breakdown`]).
pub fn size_report(files: &[DistFile]) -> anyhow::Result<()> {
    let wire = |f: &DistFile| f.brotli.unwrap_or(f.raw);
    let total: usize = files.iter().map(wire).sum();
    let kb = |n: usize| format!("{:.1} KB", n as f64 / 1000.0);
    eprintln!(
        "size: first visit, every file of dist/ as the relay sends it: {}",
        kb(total)
    );
    eprintln!(
        "size: budget {}: {}",
        kb(FIRST_VISIT_BUDGET),
        if total <= FIRST_VISIT_BUDGET {
            format!("met, {} to spare", kb(FIRST_VISIT_BUDGET - total))
        } else {
            format!("NOT met, {} over", kb(total - FIRST_VISIT_BUDGET))
        }
    );
    for f in files.iter().filter(|f| f.url.ends_with(".wasm")) {
        let named = std::fs::read(symbols_twin(&f.url))
            .with_context(|| format!("cannot read the twin of {} with names", f.url))?;
        let b = wasm_size::breakdown(&named)?;
        eprintln!(
            "size: {}: {} raw, {} brotli; in the twin with names: code by crate (raw):",
            f.url,
            kb(f.raw),
            kb(wire(f))
        );
        let code: usize = b.code.values().sum();
        let crates = b.crates_by_size();
        let share = |n: usize| format!("{:5.1} %", 100.0 * n as f64 / f.raw as f64);
        for (name, bytes) in crates.iter().take(CRATES_SHOWN) {
            eprintln!("  {name:<32} {:>10} {}", kb(*bytes), share(*bytes));
        }
        let others: usize = crates.iter().skip(CRATES_SHOWN).map(|(_, n)| n).sum();
        let n_others = crates.len().saturating_sub(CRATES_SHOWN);
        eprintln!(
            "  {:<32} {:>10} {}",
            format!("{n_others} other crates"),
            kb(others),
            share(others)
        );
        eprintln!("  {:<32} {:>10} {}", "code in all", kb(code), share(code));
        eprintln!(
            "  {:<32} {:>10} {}",
            "data (strings, statics)",
            kb(b.data),
            share(b.data)
        );
        eprintln!(
            "  {:<32} {:>10} {}",
            "types, imports, exports, table",
            kb(b.rest),
            share(b.rest)
        );
        eprintln!(
            "  {:<32} {:>10} (not shipped)",
            "custom sections (names)",
            kb(b.custom)
        );
    }
    Ok(())
}
