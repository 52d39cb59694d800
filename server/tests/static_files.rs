//! The relay serving the app, over a real socket on 127.0.0.1:0: content types, cache policy,
//! precompressed encodings, security headers, the client-side routing fallback and `/api`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use samskab_server::Config;

use common::{Relay, WASM};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

#[tokio::test]
async fn serves_each_kind_of_file_with_its_type_cache_policy_and_encoding() {
    let relay = Relay::start().await;

    let wasm = relay.get(WASM, Some("gzip, deflate, br")).await;
    assert_eq!(wasm.status(), StatusCode::OK);
    let h = wasm.headers().clone();
    assert_eq!(header(&h, "content-type"), "application/wasm");
    assert_eq!(
        header(&h, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(header(&h, "vary"), "accept-encoding");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"BR-wasm");

    let wasm = relay.get(WASM, Some("gzip")).await;
    assert_eq!(header(wasm.headers(), "content-encoding"), "gzip");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"GZ-wasm");

    let wasm = relay.get(WASM, None).await;
    assert_eq!(header(wasm.headers(), "content-encoding"), "");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");

    let index = relay.get("/", Some("br")).await;
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(
        header(index.headers(), "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(header(index.headers(), "cache-control"), "no-cache");
    assert_eq!(index.bytes().await.unwrap().as_ref(), b"BR-index");

    // sw.js has only a gzip sibling: br is not invented, gzip is used.
    let sw = relay.get("/sw.js", Some("br, gzip")).await;
    assert_eq!(
        header(sw.headers(), "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header(sw.headers(), "cache-control"), "no-cache");
    assert_eq!(header(sw.headers(), "content-encoding"), "gzip");

    let manifest = relay.get("/manifest.webmanifest", Some("br")).await;
    assert_eq!(
        header(manifest.headers(), "content-type"),
        "application/manifest+json"
    );
    assert_eq!(header(manifest.headers(), "cache-control"), "no-cache");
    assert_eq!(header(manifest.headers(), "content-encoding"), "");

    let icon = relay.get("/icons/icon-192.png", None).await;
    assert_eq!(header(icon.headers(), "content-type"), "image/png");
    assert_eq!(
        header(icon.headers(), "cache-control"),
        "public, max-age=86400"
    );

    relay.shutdown().await;
}

#[tokio::test]
async fn revalidation_answers_not_modified_per_encoding() {
    let relay = Relay::start().await;
    let first = relay.get("/index.html", Some("br")).await;
    let etag = header(first.headers(), "etag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "{etag}");

    let again = relay
        .client
        .get(format!("{}/index.html", relay.base))
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The same validator does not match another encoding's bytes.
    let other = relay
        .client
        .get(format!("{}/index.html", relay.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    relay.shutdown().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let relay = Relay::start().await;
    for path in ["/", WASM, "/healthz", "/api/nope", "/opgaver/42"] {
        let res = relay.get(path, None).await;
        let h = res.headers();
        let csp = header(h, "content-security-policy");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header(h, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(h, "referrer-policy"), "no-referrer", "{path}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_route_to_the_shell_except_under_api_and_for_files() {
    let relay = Relay::start().await;

    let deep = relay.get("/opgaver/42", None).await;
    assert_eq!(deep.status(), StatusCode::OK);
    assert_eq!(
        header(deep.headers(), "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(
        deep.text().await.unwrap(),
        "<!doctype html><title>shell</title>"
    );

    let api = relay.get("/api/does-not-exist", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(api.headers(), "content-type"), "application/json");
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "not_found");

    // An old hashed file that is gone must not come back as HTML under a .wasm name.
    let stale = relay.get("/samskab_app-ffffffffffffffff.wasm", None).await;
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);

    let health = relay.get("/healthz", None).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");

    // Readiness for a load balancer, with the engine's numbers.
    let ready = relay.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["shutting_down"], false);
    assert!(ready["queued"].is_u64(), "{ready}");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_missing_or_empty_dist_is_a_startup_error() {
    let data = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    for dist in [empty.path().join("missing"), empty.path().to_owned()] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let config = Config {
            addr: listener.local_addr().unwrap(),
            data: data.path().to_owned(),
            dist: dist.clone(),
            demo: false,
            public_url: None,
            towns: None,
            mail: Default::default(),
            retention: Default::default(),
            notices: Default::default(),
        };
        let err = samskab_server::run(listener, config, std::future::pending())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("cargo xtask dist"), "{err}");
    }
}

#[tokio::test]
async fn a_database_from_a_newer_relay_is_a_startup_error() {
    let data = tempfile::tempdir().unwrap();
    let dist = tempfile::tempdir().unwrap();
    common::fixture_dist(dist.path());
    // What a relay with more migrations than this one would leave behind.
    rusqlite::Connection::open(
        data.path()
            .join(samskab_server::storage::SqliteStore::FILE_NAME),
    )
    .unwrap()
    .pragma_update(None, "user_version", 9_999)
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config {
        addr: listener.local_addr().unwrap(),
        data: data.path().to_owned(),
        dist: dist.path().to_owned(),
        demo: false,
        public_url: None,
        towns: None,
        mail: Default::default(),
        retention: Default::default(),
        notices: Default::default(),
    };
    let err = samskab_server::run(listener, config, std::future::pending())
        .await
        .unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("schema version 9999"), "{message}");
    assert!(message.contains("newer than this relay knows"), "{message}");
}
