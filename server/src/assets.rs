//! The built app, loaded from `dist/` into memory when the relay starts.
//!
//! The whole app is a few hundred kilobytes, so holding it in memory costs little and makes
//! every asset request a map lookup with no disk IO. Each file comes with the `.br` and `.gz`
//! siblings that `cargo xtask dist` wrote, its content type, an ETag and its cache policy:
//! files whose names carry a content hash never change and are cached for a year; the icons
//! for a day; the rest (index.html, sw.js, the manifest) are revalidated on every use so that
//! a new version is seen at once.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use sha2::{Digest, Sha256};

/// Cache policy of files whose names carry a content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of everything else: use the cached copy only after revalidating it.
pub const REVALIDATE: &str = "no-cache";
/// Cache policy of the icons (`/icons/`): a day without asking. They keep their names across
/// versions (the manifest and installed apps name them) and change about never, and a first
/// visit otherwise revalidated the header's logo once per element showing it, each a round
/// trip on a slow line. A new icon reaches a device within a day.
pub const ICON: &str = "public, max-age=86400";

/// Why the relay cannot serve the app from the given directory.
#[derive(Debug, thiserror::Error)]
pub enum AssetsError {
    #[error(
        "the app directory {0} does not exist; build the app with `cargo xtask dist` or point --dist / SAMSKAB_DIST at it"
    )]
    Missing(PathBuf),
    #[error(
        "the app directory {0} has no index.html; build the app with `cargo xtask dist` or point --dist / SAMSKAB_DIST at it"
    )]
    NoIndex(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One file of the app in every encoding that was built for it.
#[derive(Clone)]
pub struct Asset {
    pub identity: Bytes,
    pub br: Option<Bytes>,
    pub gzip: Option<Bytes>,
    pub content_type: &'static str,
    pub cache_control: &'static str,
    /// Strong validator of the identity bytes, quoted; encodings add a suffix.
    pub etag: String,
}

impl fmt::Debug for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Asset")
            .field("len", &self.identity.len())
            .field("br", &self.br.as_ref().map(Bytes::len))
            .field("gzip", &self.gzip.as_ref().map(Bytes::len))
            .field("content_type", &self.content_type)
            .field("cache_control", &self.cache_control)
            .finish()
    }
}

/// The app's files by URL path (`/index.html`, `/icons/icon-192.png`, ...).
#[derive(Debug, Clone)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    /// Reads every file under `dir`. Fails if the directory is missing or has no index.html.
    pub fn load(dir: &Path) -> Result<Self, AssetsError> {
        if !dir.is_dir() {
            return Err(AssetsError::Missing(dir.to_owned()));
        }
        let mut raw = HashMap::new();
        read_tree(dir, dir, &mut raw)?;
        if !raw.contains_key("/index.html") {
            return Err(AssetsError::NoIndex(dir.to_owned()));
        }
        let mut files = HashMap::new();
        for (path, bytes) in &raw {
            if path.ends_with(".br") || path.ends_with(".gz") {
                continue;
            }
            let name = path.rsplit('/').next().unwrap_or(path);
            let etag = hex16(&Sha256::digest(bytes));
            files.insert(
                path.clone(),
                Asset {
                    identity: bytes.clone(),
                    br: raw.get(&format!("{path}.br")).cloned(),
                    gzip: raw.get(&format!("{path}.gz")).cloned(),
                    content_type: content_type(name),
                    cache_control: if is_hashed_name(name) {
                        IMMUTABLE
                    } else if path.starts_with("/icons/") {
                        ICON
                    } else {
                        REVALIDATE
                    },
                    etag: format!("\"{etag}\""),
                },
            );
        }
        Ok(Self { files })
    }

    /// The file at a URL path; `/` is index.html.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        let path = if path == "/" { "/index.html" } else { path };
        self.files.get(path)
    }

    /// The app shell, served for every navigation the client routes itself.
    pub fn index(&self) -> &Asset {
        // `load` refuses a directory without index.html, so this lookup cannot miss.
        #[allow(clippy::expect_used)]
        self.files
            .get("/index.html")
            .expect("Assets::load guarantees index.html")
    }

    /// Number of distinct files (not counting compressed siblings).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Always false for loaded assets (index.html is required); present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn read_tree(root: &Path, dir: &Path, out: &mut HashMap<String, Bytes>) -> Result<(), AssetsError> {
    let read_err = |path: &Path| {
        let path = path.to_owned();
        move |source| AssetsError::Read { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(read_err(dir))? {
        let entry = entry.map_err(read_err(dir))?;
        let path = entry.path();
        if path.is_dir() {
            read_tree(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            let bytes = std::fs::read(&path).map_err(read_err(&path))?;
            out.insert(url, Bytes::from(bytes));
        }
    }
    Ok(())
}

/// True for names the xtask gave a content hash: `stem-0123456789abcdef.ext`.
pub fn is_hashed_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 16 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn hex16(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hashed_names() {
        assert!(is_hashed_name("samskab-0123456789abcdef.wasm"));
        assert!(is_hashed_name("style-0123456789abcdef.css"));
        assert!(!is_hashed_name("sw.js"));
        assert!(!is_hashed_name("icon-192.png"));
        assert!(!is_hashed_name("x-0123456789ABCDEF.js"));
    }

    #[test]
    fn missing_and_empty_directories_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = Assets::load(&missing).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        let err = Assets::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("no index.html"), "{err}");
    }
}
