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
/// crate for core"); adding it here is what lets the README's commands work there. Every
/// command that builds the wasm comes through here: `dist` and `run` in [`crate::dist::build`],
/// `test` and `bench` in [`ensure_all`] (before their first wasm build).
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    ensure_wasm_target_with(Path::new("rustup"), &workspace_root())
}

/// [`ensure_wasm_target`] with the rustup program to run and the directory to run it in (whose
/// `rust-toolchain.toml` picks the toolchain), so a test can pass a fake one.
fn ensure_wasm_target_with(rustup: &Path, dir: &Path) -> anyhow::Result<()> {
    let target = crate::dist::WASM_TARGET;
    let installed = Command::new(rustup)
        .args(["target", "list", "--installed"])
        .current_dir(dir)
        .output()
        .with_context(|| {
            format!(
                "cannot run {} (the build needs rustup to manage the wasm target)",
                rustup.display()
            )
        })?;
    if !installed.status.success() {
        bail!(
            "`{} target list --installed` failed ({}): {}",
            rustup.display(),
            installed.status,
            String::from_utf8_lossy(&installed.stderr).trim()
        );
    }
    let list = String::from_utf8_lossy(&installed.stdout);
    if list.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    eprintln!("xtask: installing the Rust target {target} (rustup target add)");
    run_cmd(
        Command::new(rustup)
            .current_dir(dir)
            .args(["target", "add", target]),
    )
    .with_context(|| {
        format!(
            "cannot install the Rust target {target}; with network access to the Rust \
             distribution server run `rustup target add {target}` in {}",
            dir.display()
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

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    //! The target-install path on a "fresh machine": a fake `rustup` (a shell script in a
    //! temporary directory) that lists no wasm target and records what it is asked to do.
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;
    use std::sync::Mutex;

    /// Writing a script and executing it while another test thread forks can fail with "text
    /// file busy"; the fake-rustup tests take turns.
    static SCRIPTS: Mutex<()> = Mutex::new(());

    struct FakeRustup {
        dir: PathBuf,
    }

    impl FakeRustup {
        /// A rustup whose `target list --installed` prints `installed` and whose `target add`
        /// exits with `add_status`; every call's arguments are appended to `calls`.
        fn new(name: &str, installed: &[&str], add_status: i32) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "samskab-xtask-{name}-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            ));
            fs::create_dir_all(&dir).unwrap();
            let script = format!(
                "#!/bin/sh\n\
                 echo \"$*\" >> \"$(dirname \"$0\")/calls\"\n\
                 case \"$1 $2\" in\n\
                 \x20 \"target list\") printf '%s\\n' {installed} ;;\n\
                 \x20 \"target add\") {add} ;;\n\
                 esac\n",
                installed = installed
                    .iter()
                    .map(|t| format!("'{t}'"))
                    .collect::<Vec<_>>()
                    .join(" "),
                add = if add_status == 0 {
                    "exit 0".to_owned()
                } else {
                    format!("echo 'error: could not download the component' >&2; exit {add_status}")
                },
            );
            let path = dir.join("rustup");
            fs::write(&path, script).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
            FakeRustup { dir }
        }

        fn program(&self) -> PathBuf {
            self.dir.join("rustup")
        }

        fn calls(&self) -> Vec<String> {
            fs::read_to_string(self.dir.join("calls"))
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    impl Drop for FakeRustup {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    #[test]
    fn a_missing_wasm_target_is_added() {
        let _turn = SCRIPTS.lock().unwrap_or_else(|e| e.into_inner());
        let rustup = FakeRustup::new("missing", &["x86_64-unknown-linux-gnu"], 0);
        ensure_wasm_target_with(&rustup.program(), &rustup.dir).unwrap();
        assert_eq!(
            rustup.calls(),
            [
                "target list --installed",
                "target add wasm32-unknown-unknown"
            ]
        );
    }

    #[test]
    fn an_installed_wasm_target_is_left_alone() {
        let _turn = SCRIPTS.lock().unwrap_or_else(|e| e.into_inner());
        let rustup = FakeRustup::new(
            "installed",
            &["wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
            0,
        );
        ensure_wasm_target_with(&rustup.program(), &rustup.dir).unwrap();
        assert_eq!(rustup.calls(), ["target list --installed"]);
    }

    #[test]
    fn a_failed_install_says_what_to_run() {
        let _turn = SCRIPTS.lock().unwrap_or_else(|e| e.into_inner());
        let rustup = FakeRustup::new("offline", &[], 1);
        let error = ensure_wasm_target_with(&rustup.program(), &rustup.dir).unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("run `rustup target add wasm32-unknown-unknown` in"),
            "{message}"
        );
        assert_eq!(
            rustup.calls(),
            [
                "target list --installed",
                "target add wasm32-unknown-unknown"
            ]
        );
    }

    #[test]
    fn no_rustup_at_all_is_named() {
        let missing = std::env::temp_dir().join("samskab-no-such-rustup");
        let error = ensure_wasm_target_with(&missing, &std::env::temp_dir()).unwrap_err();
        assert!(format!("{error:#}").contains("cannot run"), "{error:#}");
    }
}
