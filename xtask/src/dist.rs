//! `cargo xtask dist`: builds the wasm client and writes `dist/`, ready for the relay.
//!
//! What it writes:
//! - `samskab_app-<hash>.wasm` and `samskab_app-<hash>.js` (the wasm-bindgen glue), and
//!   `boot-<hash>.js`, the module index.html loads, which starts the glue with the wasm's
//!   hashed path once the first paint is on screen (no inline script, so the CSP can forbid
//!   it);
//! - `style-<hash>.css` from `style/`;
//! - `index.html` (its first paint in the app's own words, see [`crate::texts`]),
//!   `paint-<hash>.js`, `manifest.webmanifest`, `icons/` from `public/`;
//! - `sw.js` from `public/sw.js` with the precache list of every other file and a version
//!   derived from their hashes, so that any change to any file installs a new worker;
//! - a `.br` and a `.gz` sibling of every text and wasm file, which the relay serves by
//!   `Accept-Encoding`.
//!
//! The hash is the first 16 hex digits of the file's SHA-256: names change exactly when
//! contents do, which is what lets the relay cache them for a year.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use crate::{Profile, cargo, run_cmd, target_dir, wasm_size, workspace_root};

const APP_CRATE: &str = "samskab-app";
const APP_LIB: &str = "samskab_app";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The module the split main wasm imports its chunk loaders from, as the split tool writes it
/// and wasm-bindgen's glue imports it; `dist` renames it `/split-<hash>.js`.
const SPLIT_LOADER: &str = "./split-loader.js";
/// Where the split loader imports the glue from, until the glue's hashed name is known.
const GLUE_PLACEHOLDER: &str = "__SAMSKAB_GLUE__";

/// One file written to `dist/`, with its sizes for the report.
#[derive(Debug, Clone)]
pub struct DistFile {
    pub url: String,
    pub raw: usize,
    pub gzip: Option<usize>,
    pub brotli: Option<usize>,
}

/// Builds the client and writes `dist/`; returns what was written.
pub fn build(profile: &Profile) -> anyhow::Result<Vec<DistFile>> {
    let root = workspace_root();
    check_wasm_bindgen_version(&root)?;
    crate::prereq::ensure_wasm_target()?;

    // The release build is split: the pages of `app/src/pages/on_demand.rs` are `#[lazy]`
    // (the app's `split` feature) and leave the main wasm for chunks of their own. The split
    // tool reads the linker's relocations, so the final link keeps them (`--emit-relocs`);
    // `cargo rustc` passes that to the app's own link only, so no dependency is rebuilt.
    let split = *profile == Profile::Release;
    eprintln!("xtask: building the client ({profile:?})");
    let mut build = Command::new(cargo());
    build
        .current_dir(&root)
        .args([
            if split { "rustc" } else { "build" },
            "--package",
            APP_CRATE,
            "--lib",
            "--target",
            WASM_TARGET,
        ])
        .args(profile.cargo_args());
    if split {
        build.args(["--features", "split", "--", "-C", "link-arg=--emit-relocs"]);
    }
    run_cmd(&mut build)?;
    let wasm_in = target_dir()
        .join(WASM_TARGET)
        .join(profile.dir())
        .join(format!("{APP_LIB}.wasm"));

    let split_dir = target_dir().join("xtask").join("split");
    let _ = fs::remove_dir_all(&split_dir);
    let (bindgen_input, chunks) = if split {
        let input = read(&wasm_in)?;
        let main = split_dir.join("main.wasm");
        let started = std::time::Instant::now();
        let result = wasm_split_cli_support::transform({
            let mut opts = wasm_split_cli_support::Options::new(&input);
            opts.output_dir = &split_dir;
            opts.main_out_path = &main;
            opts.link_name = SPLIT_LOADER;
            opts.main_module = GLUE_PLACEHOLDER;
            opts
        })
        .map_err(|e| anyhow::anyhow!("{e:?}"))
        .with_context(|| format!("the wasm split tool failed on {}", wasm_in.display()))?;
        eprintln!(
            "xtask: split the wasm into the main module and {} chunks in {:.1} s",
            result.split_modules.len(),
            started.elapsed().as_secs_f64()
        );
        let mut chunks = result.split_modules;
        chunks.sort();
        (main, chunks)
    } else {
        (wasm_in.clone(), Vec::new())
    };

    // A release wasm ships without its custom sections (the `name` section with the function
    // names is over half the raw file; `producers`, `target_features`: nothing a phone needs).
    // The twin that keeps them is written beside it, out of dist, for reading a crash report's
    // `wasm-function[N]` frames: removing a custom section changes no function index.
    let staging = target_dir().join("xtask").join("bindgen");
    let _ = fs::remove_dir_all(&staging);
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&bindgen_input)
        .out_name(APP_LIB)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .debug(*profile == Profile::Dev)
        .keep_debug(*profile == Profile::Dev)
        // The chunks import the main module's functions by their linker names.
        .keep_lld_exports(split)
        .generate(&staging)
        .with_context(|| format!("wasm-bindgen failed on {}", bindgen_input.display()))?;

    let dist = root.join("dist");
    let _ = fs::remove_dir_all(&dist);
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;
    let mut out = Output::new(dist.clone(), *profile == Profile::Release);

    let release_wasm = |out: &mut Output, stem: &str, named: Vec<u8>| {
        let url = out.hashed(stem, "wasm", wasm_size::strip_custom_sections(&named)?)?;
        // Named as the file it explains: a crash report names the hashed wasm.
        let twin = symbols_twin(&url);
        if let Some(dir) = twin.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(&twin, &named).with_context(|| format!("cannot write {}", twin.display()))?;
        anyhow::Ok(url)
    };
    let named = read(&staging.join(format!("{APP_LIB}_bg.wasm")))?;
    let wasm = if *profile == Profile::Release {
        let wasm = release_wasm(&mut out, APP_LIB, named)?;
        eprintln!(
            "xtask: the wasm with its function names: {}",
            symbols_twin(&wasm).display()
        );
        wasm
    } else {
        out.hashed(APP_LIB, "wasm", named)?
    };
    let glue = String::from_utf8(read(&staging.join(format!("{APP_LIB}.js")))?)?;
    let glue = if split {
        // The loader the split tool wrote fetches each chunk by its file name, relative to
        // itself: the chunks get hashed names (and the loader says so), in dist's root like
        // the loader. The loader and the glue import each other, so neither can be named
        // after its final bytes: the loader is named after both templates (any change to
        // either renames it), and the glue, which then names the loader, after its bytes.
        let mut loader = String::from_utf8(read(&split_dir.join(SPLIT_LOADER))?)?;
        for chunk in &chunks {
            let stem = chunk
                .file_stem()
                .and_then(|s| s.to_str())
                .context("a chunk without a file name")?;
            let url = release_wasm(&mut out, stem, read(chunk)?)?;
            loader = fill(
                &loader,
                &[(&format!("\"./{stem}.wasm\""), &format!("\".{url}\""))],
            )?;
        }
        let loader_url = format!(
            "/split-{}.js",
            hex16(&Sha256::digest(format!("{loader}\n{glue}")))
        );
        let glue = fill(
            &glue,
            &[(
                &format!("from \"{SPLIT_LOADER}\""),
                &format!("from \"{loader_url}\""),
            )],
        )?;
        let glue_url = out.hashed(APP_LIB, "js", glue.into_bytes())?;
        let loader = fill(&loader, &[(GLUE_PLACEHOLDER, &glue_url)])?;
        out.plain(loader_url.trim_start_matches('/'), loader.into_bytes())?;
        glue_url
    } else {
        out.hashed(APP_LIB, "js", glue.into_bytes())?
    };
    // Inline JS snippets of dependencies, if any, keep their relative paths from the glue.
    let snippets = staging.join("snippets");
    if snippets.is_dir() {
        copy_tree(&snippets, &snippets, "snippets", &mut out)?;
    }
    // The wasm is asked for after the first paint (index.html shows the shell and, to a
    // visitor, the task bank's introduction, see `public/paint.js`): on a slow line the first
    // screen then does not share the line with the app's code. A hidden tab (which paints
    // nothing, so would wait for ever) starts at once.
    let boot_js = format!(
        "// Written by cargo xtask dist: starts the app with its hashed wasm, after the first paint.\n\
         import init from \"{glue}\";\n\
         let started = false;\n\
         function start() {{\n\
         \x20 if (started) return;\n\
         \x20 started = true;\n\
         \x20 init({{ module_or_path: \"{wasm}\" }}).catch((e) => {{\n\
         \x20   console.error(\"Samskab could not start\", e);\n\
         \x20   const app = document.getElementById(\"app\");\n\
         \x20   if (app) app.dataset.failed = \"true\";\n\
         \x20 }});\n\
         }}\n\
         if (document.visibilityState === \"hidden\") start();\n\
         else requestAnimationFrame(() => setTimeout(start, 0));\n"
    );
    let boot = out.hashed("boot", "js", boot_js.into_bytes())?;

    let mut css = Vec::new();
    for path in sorted_files(&root.join("style"), "css")? {
        css.extend(read(&path)?);
        css.push(b'\n');
    }
    let style = out.hashed("style", "css", css)?;

    let public = root.join("public");
    copy_tree(
        &public.join("icons"),
        &public.join("icons"),
        "icons",
        &mut out,
    )?;
    out.plain(
        "manifest.webmanifest",
        read(&public.join("manifest.webmanifest"))?,
    )?;
    let paint = out.hashed("paint", "js", read(&public.join("paint.js"))?)?;
    let index = String::from_utf8(read(&public.join("index.html"))?)?;
    let index = crate::texts::fill(&index, &crate::texts::catalog(&root.join("app/src/i18n"))?)?;
    let index = fill(
        &index,
        &[
            ("{{style}}", &style),
            ("{{boot}}", &boot),
            ("{{paint}}", &paint),
            ("{{glue}}", &glue),
        ],
    )?;
    out.plain("index.html", index.into_bytes())?;

    // The service worker last: its precache list is everything written so far but the areas'
    // code, which it keeps for a signed-in device only (see `public/sw.js`), and the icons
    // only an install uses.
    let (mut areas, mut precache): (Vec<&String>, Vec<&String>) = out
        .hashes
        .keys()
        .filter(|url| !is_install_icon(url))
        .partition(|url| is_area_chunk(url));
    precache.sort();
    areas.sort();
    // The version covers the worker's own code too: a change to `sw.js` alone is a new
    // version, with a cache of its own.
    let sw = String::from_utf8(read(&public.join("sw.js"))?)?;
    let version = hex16(&Sha256::digest(
        out.hashes
            .iter()
            .map(|(url, h)| format!("{url}={h}\n"))
            .chain([format!("sw.js={}\n", hex16(&Sha256::digest(sw.as_bytes())))])
            .collect::<String>(),
    ));
    let sw = fill(
        &sw,
        &[
            ("\"__SAMSKAB_VERSION__\"", &serde_json::to_string(&version)?),
            (
                "[\"__SAMSKAB_PRECACHE__\"]",
                &serde_json::to_string(&precache)?,
            ),
            ("[\"__SAMSKAB_AREAS__\"]", &serde_json::to_string(&areas)?),
        ],
    )?;
    out.plain("sw.js", sw.into_bytes())?;

    report(&out.files);
    eprintln!("xtask: wrote {} (version {version})", dist.display());
    Ok(out.files)
}

/// Whether `url` is a wasm chunk split off the main module (the sync engine's or an area's
/// code), which the first render does not need.
pub fn is_area_chunk(url: &str) -> bool {
    url.ends_with(".wasm") && !url.starts_with("/samskab_app-")
}

/// Whether `url` is an icon only installing the app uses (the manifest's and the Apple touch
/// icon's PNGs, the maskable SVG): the browser fetches those when the app is installed and the
/// system keeps its own copy, and no page shows them, so the service worker does not precache
/// them and a first visit does not download them (16 KB). The page's own icon (`icon.svg`,
/// the header's logo and the favicon) it does.
pub fn is_install_icon(url: &str) -> bool {
    url.starts_with("/icons/") && url != "/icons/icon.svg"
}

/// Where the release build keeps the wasm at `url` (`/samskab_app-<hash>.wasm`) with its
/// function names and other custom sections: `target/symbols/`, out of dist.
pub fn symbols_twin(url: &str) -> PathBuf {
    target_dir()
        .join("symbols")
        .join(url.trim_start_matches('/'))
}

/// Collects what is written to `dist/` and compresses it on the way.
struct Output {
    dist: PathBuf,
    files: Vec<DistFile>,
    /// URL -> content hash, for the precache list and the version.
    hashes: BTreeMap<String, String>,
    /// Best compression for release; quick for `--dev`, whose wasm carries debug info and is
    /// tens of megabytes (brotli at quality 11 took over 10 minutes on it).
    best: bool,
}

impl Output {
    fn new(dist: PathBuf, best: bool) -> Self {
        Self {
            dist,
            files: Vec::new(),
            hashes: BTreeMap::new(),
            best,
        }
    }

    /// Writes `stem-<hash>.ext` and returns its URL.
    fn hashed(&mut self, stem: &str, ext: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
        let hash = hex16(&Sha256::digest(&bytes));
        self.write(&format!("{stem}-{hash}.{ext}"), bytes)
    }

    /// Writes `name` (a path relative to dist) as it is named and returns its URL.
    fn plain(&mut self, name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
        self.write(name, bytes)
    }

    fn write(&mut self, name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
        let path = self.dist.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let (gzip, brotli) = if compressible(name) {
            let gz = gzip(&bytes, self.best)?;
            let br = brotli(&bytes, self.best)?;
            fs::write(with_suffix(&path, ".gz"), &gz)?;
            fs::write(with_suffix(&path, ".br"), &br)?;
            (Some(gz.len()), Some(br.len()))
        } else {
            (None, None)
        };
        fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        let url = format!("/{name}");
        if name != "sw.js" {
            self.hashes
                .insert(url.clone(), hex16(&Sha256::digest(&bytes)));
        }
        self.files.push(DistFile {
            url: url.clone(),
            raw: bytes.len(),
            gzip,
            brotli,
        });
        Ok(url)
    }
}

/// Fails if wasm-bindgen (the crate the app links) and wasm-bindgen-cli-support (linked into
/// this tool) differ in Cargo.lock: their output would not fit together.
fn check_wasm_bindgen_version(root: &Path) -> anyhow::Result<()> {
    let lib = locked_version(root, "wasm-bindgen")?;
    let cli = locked_version(root, "wasm-bindgen-cli-support")?;
    if lib != cli {
        bail!(
            "wasm-bindgen versions differ in Cargo.lock: the app links wasm-bindgen {lib} but \
             xtask links wasm-bindgen-cli-support {cli}. Pin both to the same exact version \
             (`=x.y.z`) in Cargo.toml and xtask/Cargo.toml."
        );
    }
    Ok(())
}

/// The one version of `name` in Cargo.lock; an error if it is absent or locked twice.
pub fn locked_version(root: &Path, name: &str) -> anyhow::Result<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let header = format!("name = \"{name}\"\nversion = \"");
    let versions: Vec<&str> = lock
        .match_indices(&header)
        .filter_map(|(i, _)| lock[i + header.len()..].split('"').next())
        .collect();
    match versions.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!("{name} is not in Cargo.lock"),
        many => bail!("{name} is locked at several versions: {many:?}"),
    }
}

fn compressible(name: &str) -> bool {
    matches!(
        name.rsplit('.').next(),
        Some("html" | "js" | "css" | "wasm" | "webmanifest" | "svg" | "json")
    )
}

fn gzip(bytes: &[u8], best: bool) -> anyhow::Result<Vec<u8>> {
    let level = if best {
        flate2::Compression::best()
    } else {
        flate2::Compression::fast()
    };
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

fn brotli(bytes: &[u8], best: bool) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: if best { 11 } else { 4 },
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn hex16(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Replaces each placeholder, which must occur in the template.
fn fill(template: &str, pairs: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut out = template.to_owned();
    for (placeholder, value) in pairs {
        if !out.contains(placeholder) {
            bail!("template lacks the placeholder {placeholder}");
        }
        out = out.replace(placeholder, value);
    }
    Ok(out)
}

fn sorted_files(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// Copies a directory tree into `dist/<prefix>/`, keeping names.
fn copy_tree(root: &Path, dir: &Path, prefix: &str, out: &mut Output) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            copy_tree(root, &path, prefix, out)?;
        } else {
            let rel = path
                .strip_prefix(root)?
                .to_string_lossy()
                .replace('\\', "/");
            out.plain(&format!("{prefix}/{rel}"), read(&path)?)?;
        }
    }
    Ok(())
}

fn report(files: &[DistFile]) {
    let kb = |n: usize| format!("{:.1}", n as f64 / 1024.0);
    let opt = |n: Option<usize>| n.map(kb).unwrap_or_else(|| "-".into());
    eprintln!(
        "{:<44} {:>10} {:>10} {:>10}",
        "file", "raw KiB", "gzip KiB", "br KiB"
    );
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for f in files {
        eprintln!(
            "{:<44} {:>10} {:>10} {:>10}",
            f.url,
            kb(f.raw),
            opt(f.gzip),
            opt(f.brotli)
        );
        raw += f.raw;
        gz += f.gzip.unwrap_or(f.raw);
        br += f.brotli.unwrap_or(f.raw);
    }
    eprintln!(
        "{:<44} {:>10} {:>10} {:>10}",
        "total",
        kb(raw),
        kb(gz),
        kb(br)
    );
}
