//! `cargo xtask`: Samskab's build tool, so that building and testing need nothing but cargo
//! and the package registries.
//!
//! - `cargo xtask dist [--dev]`: builds the wasm client and writes `dist/` (see [`dist`]).
//! - `cargo xtask run [--dev] [-- <relay flags>]`: `dist`, then starts the relay on it.
//! - `cargo xtask test`: installs what the tests need (see [`prereq`]) and runs every test
//!   (see [`test`]).
//! - `cargo xtask bench`: the benchmarks, printing numbers (see [`bench`]).
//! - `cargo xtask size`: `dist`, then the size report the benchmarks print (what a first visit
//!   downloads against its budget, the wasm's code by crate).
//! - `cargo xtask fuzz [--seeds N] [--cases N]`: the adversarial simulation over many seeds
//!   and the codec/judge property tests over many cases, in release mode (see [`fuzz`]).

mod bench;
mod dist;
mod fuzz;
mod prereq;
mod test;
mod texts;
mod wasm_size;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

const USAGE: &str = "usage:
  cargo xtask dist [--dev]                  build the app into dist/ (release unless --dev)
  cargo xtask run [--dev] [-- <flags>]      build dist/ and run the relay on it with the demo data;
                                            flags go to the relay
  cargo xtask test                          install test prerequisites, then run every test
  cargo xtask bench                         run the sync and browser benchmarks (prints numbers)
  cargo xtask size                          build dist/ (release), then print its size against the
                                            budget and the wasm's code by crate
  cargo xtask bench storm                   only the storms, churn and idle connections against
                                            the JS sync server
  cargo xtask fuzz [--seeds N] [--cases N]  the adversarial simulation over N seeds (5,000) and
                                            the codec and judge fuzz tests over N cases (100,000)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> anyhow::Result<()> {
    let (own, passthrough) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (&args[..], &[][..]),
    };
    let dev = own.iter().any(|a| a == "--dev");
    match own.first().map(String::as_str) {
        Some("dist") => dist::build(&Profile::from_dev(dev)).map(drop),
        Some("run") => {
            let profile = Profile::from_dev(dev);
            dist::build(&profile)?;
            run_relay(&profile, passthrough)
        }
        Some("test") => test::all(),
        Some("bench") if own.get(1).map(String::as_str) == Some("storm") => bench::storms(),
        Some("bench") => bench::all(),
        Some("size") => bench::size_report(&dist::build(&Profile::Release)?),
        Some("fuzz") => fuzz::run(own),
        Some("-h" | "--help") | None => {
            eprintln!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n{USAGE}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn relay_flags_after_the_separator_override_the_defaults() {
        let dist = Path::new("/w/dist");
        assert_eq!(
            relay_flags(dist, &[]),
            strings(&["--dist", "/w/dist", "--demo"])
        );
        assert_eq!(
            relay_flags(dist, &strings(&["--demo"])),
            strings(&["--dist", "/w/dist", "--demo"])
        );
        assert_eq!(
            relay_flags(dist, &strings(&["--dist", "/x", "--addr", "0.0.0.0:8080"])),
            strings(&["--demo", "--dist", "/x", "--addr", "0.0.0.0:8080"])
        );
        assert_eq!(
            relay_flags(dist, &strings(&["--dist=/x"])),
            strings(&["--demo", "--dist=/x"])
        );
    }
}

/// Release (optimised for size) or dev (fast to build, with debug info).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Release,
    Dev,
}

impl Profile {
    fn from_dev(dev: bool) -> Self {
        if dev { Profile::Dev } else { Profile::Release }
    }

    /// Cargo's flag for the profile.
    pub fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Profile::Release => &["--release"],
            Profile::Dev => &[],
        }
    }

    /// The profile's directory under `target/<triple>/`.
    pub fn dir(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "debug",
        }
    }
}

fn run_relay(profile: &Profile, flags: &[String]) -> anyhow::Result<()> {
    let root = workspace_root();
    let mut cmd = Command::new(cargo());
    cmd.current_dir(&root)
        .args(["run", "--package", "samskab-server"])
        .args(profile.cargo_args())
        .arg("--")
        .args(relay_flags(&root.join("dist"), flags));
    run_cmd(&mut cmd)
}

/// The relay's flags: the xtask's defaults (the dist it just built, the demo data), each left
/// out when the caller passed that flag after `--`, so a caller's flag overrides the default
/// rather than colliding with it ("cannot be used multiple times").
fn relay_flags(dist: &Path, flags: &[String]) -> Vec<String> {
    let given = |name: &str| {
        flags
            .iter()
            .any(|f| f == name || f.starts_with(&format!("{name}=")))
    };
    let mut out = Vec::new();
    if !given("--dist") {
        out.push("--dist".to_owned());
        out.push(dist.display().to_string());
    }
    if !given("--demo") {
        out.push("--demo".to_owned());
    }
    out.extend(flags.iter().cloned());
    out
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The cargo that runs us, so that the toolchain in rust-toolchain.toml is used throughout.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The target directory cargo uses for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs a command with inherited output; a non-zero exit is an error naming the command.
/// Runs `cmd` as [`run_cmd`] does, but for at most `limit`: then it is killed, with every
/// process it started (it runs in a process group of its own), and this fails saying so. For
/// the browser tests, where one process left behind (a browser a failed hook did not close)
/// would otherwise hold the run until CI's own limit, with nothing printed about why.
pub fn run_cmd_within(cmd: &mut Command, limit: std::time::Duration) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .process_group(0)
        .spawn()
        .with_context(|| format!("cannot start {shown}"))?;
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("{shown} failed ({status})");
            }
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            bail!(
                "{shown} did not finish within {} minutes and was killed with everything it started",
                limit.as_secs() / 60
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

pub fn run_cmd(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}
