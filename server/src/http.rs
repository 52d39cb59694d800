//! The relay's HTTP surface: the app's static files (with client-side routing fallback),
//! `/healthz`, the `/api` namespace, the security headers on every response, the guards in
//! front of the API (body size, same origin), and [`serve`], the accept loop that puts a
//! header read timeout and a connection cap between the network and the router.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tower::ServiceExt;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::api::CurrentUser;
use crate::assets::Asset;
use crate::error::ApiError;
use crate::limits;

/// The Content-Security-Policy of every response. Scripts only from this origin and no
/// inline script; `'wasm-unsafe-eval'` is what lets the page compile its WebAssembly.
/// `connect-src 'self'` covers `fetch` and the same-origin WebSocket.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The relay's router. `state` holds the loaded app.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/sync", get(crate::ws::upgrade))
        .nest("/api", api())
        .merge(crate::calendar::feed_routes())
        .fallback(static_file)
        .with_state(state)
        // Nothing the relay serves takes more; chunked bodies are cut off at the same size.
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_declared_large_bodies))
        .layer(axum::middleware::map_response(security_headers))
        // Spans name the matched route ("/api/tasks/{id}/contacts"), never the raw path or
        // query: a query may carry a session token and an address a one-time code
        // (/invitation/<code>, served by the app's fallback), and a route keeps the field's
        // values few.
        .layer(TraceLayer::new_for_http().make_span_with(
            |request: &axum::http::Request<axum::body::Body>| {
                let route = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("(app)", |m| m.as_str());
                tracing::debug_span!("http", method = %request.method(), route)
            },
        ))
}

/// The JSON API. Accounts, catalog and the rest are added here by later work; anything not
/// routed is a JSON 404, never the app shell, so that a tool calling a wrong URL finds out.
fn api() -> Router<Arc<AppState>> {
    Router::new()
        .route("/catalog", get(catalog))
        .merge(crate::api::routes())
        .merge(crate::taskbank::routes())
        .merge(crate::towns::routes())
        .merge(crate::calendar::api_routes())
        .merge(crate::password_reset::routes())
        .merge(crate::erasure::routes())
        // After the routes: it applies to those registered before it.
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::from_fn(refuse_foreign_origins))
}

/// A body declared larger than [`limits::MAX_BODY_BYTES`] is refused from its headers, before
/// a byte of it is read: otherwise the relay would wait for (or read) whatever was declared.
async fn refuse_declared_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits::MAX_BODY_BYTES as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    next.run(request).await
}

/// Every state-changing API request (anything but GET, HEAD and OPTIONS) from a browser must
/// come from a page of this relay: the session cookie is SameSite=Strict, but a sibling
/// subdomain is "same site", and a logout or a login needs no cookie at all to be forged.
async fn refuse_foreign_origins(request: Request, next: Next) -> Response {
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !reads && !same_origin(request.headers()) {
        tracing::warn!(
            method = %request.method(),
            origin = ?request.headers().get(header::ORIGIN),
            fetch_site = ?request.headers().get("sec-fetch-site"),
            "refused a state-changing request from another origin"
        );
        return ApiError::ForeignOrigin.into_response();
    }
    next.run(request).await
}

/// Whether a request comes from this relay's own origin, as far as the browser says.
///
/// A browser sends `Origin` on every cross-origin request and on every same-origin POST, and
/// modern ones `Sec-Fetch-Site` on everything; tools (curl, the admin's scripts with a bearer
/// token) send neither and are let through, since a browser page cannot forge that absence.
/// `Sec-Fetch-Site` must be `same-origin` or `none` (typed by the user). `Origin` must name
/// this relay's host and port as the `Host` header has them (a missing port is the scheme's
/// default), and, when a TLS-terminating proxy says `X-Forwarded-Proto`, its scheme; `null`
/// (a sandboxed or privacy-redirected page) is foreign.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !site.eq_ignore_ascii_case("same-origin")
        && !site.eq_ignore_ascii_case("none")
    {
        return false;
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return true;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return false,
    };
    if let Some(proto) = text("x-forwarded-proto")
        && !proto.trim().eq_ignore_ascii_case(&scheme)
    {
        return false;
    }
    let Some(host) = text(header::HOST.as_str()) else {
        return false;
    };
    match (
        host_and_port(authority, default_port),
        host_and_port(host, default_port),
    ) {
        (Some(theirs), Some(ours)) => theirs == ours,
        _ => false,
    }
}

/// `host[:port]` or `[v6][:port]` as (lowercased host, port); `None` if it is not that shape
/// (an origin never has a path, user info or query).
fn host_and_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if authority.is_empty() || authority.contains(['/', '@', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, rest) = v6.split_once(']')?;
            (host, rest.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port,
    };
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port))
}

/// The documents the caller may read, with their heads, for tools (needs a session).
async fn catalog(
    State(state): State<Arc<AppState>>,
    CurrentUser { user, .. }: CurrentUser,
) -> Result<impl IntoResponse, ApiError> {
    let documents: Vec<serde_json::Value> = state
        .sync
        .catalog(user.principal())
        .await
        .into_iter()
        .map(|(id, heads)| serde_json::json!({ "id": id.to_string(), "url": id.url(), "heads": heads }))
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "documents": documents })),
    ))
}

/// Liveness with a word on load: `ok` while the sync engine keeps up, else 503 with how far
/// behind it is (see [`crate::sync::Health`]), so a monitor sees a relay that still answers
/// HTTP but no longer syncs.
async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let health = state.sync.health();
    if health.is_ok() {
        ([(header::CACHE_CONTROL, "no-store")], "ok").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            format!(
                "degraded: {} sync commands waiting, none finished for {} ms",
                health.queued, health.stalled_ms
            ),
        )
            .into_response()
    }
}

/// Readiness for a load balancer: 200 while the relay should get new traffic, 503 while it
/// shuts down or its engine is behind. The body is JSON with the engine's numbers.
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let health = state.sync.health();
    let closing = *state.shutdown.borrow();
    let ready = health.is_ok() && !closing;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({
            "ready": ready,
            "shutting_down": closing,
            "queued": health.queued,
            "stalled_ms": health.stalled_ms,
        })),
    )
        .into_response()
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    response
}

/// Serves a file of the app, or the app shell for any other path so that the client's router
/// can handle deep links such as `/opgaver/123` on a fresh load.
async fn static_file(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = uri.path();
    match state.assets.get(path) {
        Some(asset) => serve_asset(asset, &headers),
        // A missing hashed asset is a stale client asking for an old version: a 404 lets its
        // service worker fall back instead of caching HTML under a `.wasm` name.
        None if looks_like_file(path) => StatusCode::NOT_FOUND.into_response(),
        None => serve_asset(state.assets.index(), &headers),
    }
}

fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// One representation of `asset`, chosen by the request's `Accept-Encoding`, honouring
/// `If-None-Match`.
fn serve_asset(asset: &Asset, request: &HeaderMap) -> Response {
    let accepted = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (body, encoding) = match (&asset.br, &asset.gzip) {
        (Some(br), _) if accepts(accepted, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(accepted, "gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.identity.clone(), None),
    };
    let etag = match encoding {
        Some(enc) => format!("{}-{enc}\"", asset.etag.trim_end_matches('"')),
        None => asset.etag.clone(),
    };
    let mut response = if if_none_match(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(asset.cache_control),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if asset.br.is_some() || asset.gzip.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if let Some(enc) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    response
}

/// Whether an `Accept-Encoding` value accepts `coding` (a `q=0` entry refuses it).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

fn if_none_match(request: &HeaderMap, etag: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn same_origin_compares_scheme_host_and_port() {
        let ok = |pairs: &[(&'static str, &str)]| same_origin(&headers(pairs));
        assert!(ok(&[("host", "127.0.0.1:8080")]), "no Origin: a tool");
        assert!(ok(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]));
        assert!(ok(&[
            ("host", "Samskab.dk"),
            ("origin", "https://samskab.dk")
        ]));
        assert!(ok(&[
            ("host", "samskab.dk"),
            ("origin", "https://samskab.dk:443")
        ]));
        assert!(ok(&[
            ("host", "[::1]:8080"),
            ("origin", "http://[::1]:8080")
        ]));
        assert!(ok(&[
            ("host", "samskab.dk"),
            ("origin", "https://samskab.dk"),
            ("x-forwarded-proto", "https"),
            ("sec-fetch-site", "same-origin"),
        ]));
        for foreign in [
            "https://evil.example",
            "null",
            "http://127.0.0.1",
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8080.evil.example",
            "http://evil.example:8080",
            "http://user@127.0.0.1:8080",
            "ftp://127.0.0.1:8080",
            "127.0.0.1:8080",
        ] {
            assert!(
                !ok(&[("host", "127.0.0.1:8080"), ("origin", foreign)]),
                "{foreign}"
            );
        }
        assert!(!ok(&[("origin", "http://127.0.0.1:8080")]), "no Host");
        assert!(!ok(&[
            ("host", "samskab.dk"),
            ("origin", "http://samskab.dk"),
            ("x-forwarded-proto", "https"),
        ]));
        assert!(!ok(&[
            ("host", "samskab.dk"),
            ("sec-fetch-site", "cross-site")
        ]));
        assert!(!ok(&[
            ("host", "samskab.dk"),
            ("origin", "https://samskab.dk"),
            ("sec-fetch-site", "same-site"),
        ]));
    }

    #[test]
    fn accept_encoding_respects_q_zero() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.5", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("identity", "gzip"));
    }
}

/// How [`serve`] treats connections. `Default` is what the relay runs with; tests shrink it.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// See [`limits::HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// Open connections at most, sync WebSockets included; see [`limits::max_connections`].
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: limits::HEADER_READ_TIMEOUT,
            max_connections: limits::max_connections(),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets every
/// request in flight finish (idle keep-alive connections close at once) and returns.
///
/// What `axum::serve` does, plus what it cannot be told: a header read timeout (a client that
/// opens a connection and sends its headers slowly, or nothing, is cut off instead of holding a
/// file descriptor for ever) and a cap on open connections below the process's file limit
/// (beyond it, new connections are closed at once, so that the relay keeps the descriptors it
/// needs for the ones it serves and for its database). Requests see the peer address as
/// `ConnectInfo<SocketAddr>`. Upgraded connections (the sync WebSocket) keep their place
/// under the cap until they close; the WebSocket code closes them itself at shutdown.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let (stop, stopping) = watch::channel(false);
    // Each connection task holds a sender; once all have ended, `recv` answers `None`
    // (mini-redis's way of waiting for its connections).
    let (alive, mut all_ended) = mpsc::channel::<()>(1);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut full = false;
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed; pausing");
                    tokio::time::sleep(limits::ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Once per episode, not once per refused connection: under attack that would be
            // the log's turn to fill up.
            if !full {
                tracing::warn!(
                    max = options.max_connections,
                    "connection limit reached: closing new connections until open ones end"
                );
                full = true;
            }
            drop(stream);
            continue;
        };
        if full {
            tracing::info!("below the connection limit again: accepting connections");
            full = false;
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let io = TokioIo::new(Counted {
            stream,
            _permit: permit,
        });
        let connection = builder.serve_connection(io, service).with_upgrades();
        let mut stopping = stopping.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let _alive = alive;
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stop_requested(&mut stopping) => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            // Timeouts and clients that hang up are the normal life of a public server.
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(alive);
    let _ = all_ended.recv().await;
    Ok(())
}

/// Resolves once `serve` is stopping (or gone, which means the same).
async fn stop_requested(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Accept errors that concern only the connection being accepted, not the listener.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// A connection holding its place under the cap: the permit goes back when the stream is
/// dropped, which for an upgraded connection is when the WebSocket closes, not when hyper
/// hands it over.
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
