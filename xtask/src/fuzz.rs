//! `cargo xtask fuzz`: the long runs of the tests that CI runs briefly. The seeded
//! adversarial simulation (`model/tests/adversary_simulation.rs`: the relay's judge, honest
//! devices and an adversary) over many seeds, and the property tests that feed the codec and
//! the judge arbitrary and mutated bytes (`model/tests/fuzz.rs`) over many cases, both in
//! release mode. A failing seed replays with `SIM_SEED=<seed>`; a failing case is kept by
//! proptest in `model/proptest-regressions/` and replayed first next time.
//!
//! Property tests rather than `cargo fuzz`: libFuzzer's instrumentation needs a nightly
//! compiler, and this project builds on stable.

use std::process::Command;

use anyhow::Context;

use crate::{cargo, run_cmd, workspace_root};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let value = |flag: &str, default: u64| -> anyhow::Result<u64> {
        match args.iter().position(|a| a == flag) {
            Some(i) => args
                .get(i + 1)
                .context(format!("{flag} needs a number"))?
                .parse()
                .context(format!("{flag} needs a number")),
            None => Ok(default),
        }
    };
    let seeds = value("--seeds", 5_000)?;
    let cases = value("--cases", 100_000)?;
    let started = std::time::Instant::now();
    run_cmd(
        Command::new(cargo())
            .current_dir(workspace_root())
            .args([
                "test",
                "--release",
                "--package",
                "samskab-model",
                "--test",
                "adversary_simulation",
                "--test",
                "fuzz",
            ])
            .env("SIM_SEEDS", seeds.to_string())
            .env("PROPTEST_CASES", cases.to_string()),
    )?;
    eprintln!(
        "xtask: fuzz: {seeds} simulation seeds and {cases} cases per property passed in {:.0?}",
        started.elapsed()
    );
    Ok(())
}
