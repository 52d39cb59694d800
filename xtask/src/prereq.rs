//! What the tests need beyond cargo, installed when missing: Debian's Chromium and
//! ChromeDriver (apt, when running as root), Node.js packages for the browser tests (npm, from
//! the lock file), Python's `aiosmtpd` for the SMTP sink the mail tests run (pip, pinned), and
//! `wasm-bindgen-test-runner` at exactly the locked wasm-bindgen version (cargo install). Each step says what it does; a step that cannot succeed stops with the
//! command to run by hand.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{cargo, run_cmd, workspace_root};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The SMTP server the mail tests start (`tests/smtp_sink.py`), pinned.
pub const AIOSMTPD: &str = "aiosmtpd==1.4.6";

pub fn ensure_all() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_browser()?;
    ensure_node()?;
    ensure_npm_packages(&workspace_root().join("tests").join("e2e"))?;
    ensure_aiosmtpd()?;
    ensure_wasm_bindgen_test_runner()?;
    Ok(())
}

/// The wasm target of `rust-toolchain.toml`. Fresh machines set `RUSTUP_AUTO_INSTALL=0`, so
/// rustup does not add it by itself and the first wasm build fails with E0463 ("can't find
/// crate for core"); adding it here is what lets the README's commands work there.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(workspace_root())
        .output()
        .context("cannot run rustup (the build needs rustup to manage the wasm target)")?;
    let list = String::from_utf8_lossy(&installed.stdout);
    if list.lines().any(|l| l.trim() == crate::dist::WASM_TARGET) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing the Rust target {} (rustup target add)",
        crate::dist::WASM_TARGET
    );
    run_cmd(Command::new("rustup").current_dir(workspace_root()).args([
        "target",
        "add",
        crate::dist::WASM_TARGET,
    ]))
    .with_context(|| {
        format!(
            "cannot install the Rust target {t}; with network access to the Rust distribution \
             server run `rustup target add {t}` in {}",
            workspace_root().display(),
            t = crate::dist::WASM_TARGET
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    if !is_root() {
        bail!(
            "{} missing and this is not root; install them with: sudo apt-get install {}",
            packages.join(", "),
            packages.join(" ")
        );
    }
    eprintln!("xtask: installing {} with apt", packages.join(" "));
    run_cmd(Command::new("apt-get").args(["update", "-q"]))?;
    run_cmd(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
    .with_context(|| format!("cannot install {}", packages.join(" ")))
}

fn ensure_browser() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])?;
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        bail!("apt installed chromium but {CHROMIUM} or {CHROMEDRIVER} is still missing");
    }
    Ok(())
}

fn ensure_node() -> anyhow::Result<()> {
    let major = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            let v = String::from_utf8_lossy(&o.stdout)
                .trim()
                .trim_start_matches('v')
                .to_owned();
            v.split('.').next()?.parse::<u32>().ok()
        });
    match major {
        Some(m) if m >= 18 => Ok(()),
        Some(m) => bail!("the browser tests need Node.js 18 or newer; this machine has {m}"),
        None => apt_install(&["nodejs", "npm"]),
    }
}

/// Installs the locked npm packages when `node_modules` is missing or older than the lock
/// file. `npm install` rather than `npm ci`: npm 11 refuses `ci` on a lock file that lacks
/// entries for other platforms' optional binaries (cbor-extract's), which its own
/// `install` leaves out; `install` with a lock file still installs the locked versions.
fn ensure_npm_packages(dir: &Path) -> anyhow::Result<()> {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let fresh = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    eprintln!("xtask: installing the browser tests' npm packages");
    run_cmd(
        Command::new("npm")
            .current_dir(dir)
            .args(["install", "--no-audit", "--no-fund"]),
    )
    .context("npm install failed in tests/e2e (is the npm registry reachable?)")
}

fn python_imports_aiosmtpd() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `aiosmtpd`, the SMTP server behind `tests/smtp_sink.py` (the relay's mail tests and the
/// browser test of "Glemt adgangskode" read what it received).
fn ensure_aiosmtpd() -> anyhow::Result<()> {
    if python_imports_aiosmtpd() {
        return Ok(());
    }
    let has_python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python {
        apt_install(&["python3", "python3-pip"])?;
    }
    eprintln!("xtask: installing {AIOSMTPD} (python3 -m pip install)");
    run_cmd(Command::new("python3").args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        AIOSMTPD,
    ]))
    .with_context(|| {
        format!(
            "cannot install {AIOSMTPD} for the mail tests' SMTP sink. Install it for python3 by \
             hand: `python3 -m pip install {AIOSMTPD}` (a Python that refuses as \"externally \
             managed\" takes `apt-get install python3-aiosmtpd`, or run the tests from a venv \
             with it installed)"
        )
    })?;
    if !python_imports_aiosmtpd() {
        bail!("pip installed {AIOSMTPD}, but `python3 -c 'import aiosmtpd'` still fails");
    }
    Ok(())
}

fn ensure_wasm_bindgen_test_runner() -> anyhow::Result<()> {
    let wanted = crate::dist::locked_version(&workspace_root(), "wasm-bindgen")?;
    let have = Command::new("wasm-bindgen-test-runner")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if have
        .as_deref()
        .is_some_and(|v| v.ends_with(&format!(" {wanted}")))
    {
        return Ok(());
    }
    eprintln!(
        "xtask: installing wasm-bindgen-test-runner {wanted} (found {}); this takes a few minutes once",
        have.as_deref().unwrap_or("none")
    );
    // Not --locked: the CLI's own lock file pins crates that need a newer rustc than ours.
    run_cmd(
        Command::new(cargo())
            .args(["install", "wasm-bindgen-cli", "--version"])
            .arg(format!("={wanted}")),
    )
    .context("cannot install wasm-bindgen-cli")
}
