//! The relay's HTTP surface: the app's static files (with client-side routing fallback),
//! `/healthz`, the `/api` namespace, and the security headers on every response.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::assets::Asset;
use crate::error::ApiError;

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
        .route("/sync", get(crate::ws::upgrade))
        .nest("/api", api())
        .fallback(static_file)
        .with_state(state)
        .layer(axum::middleware::map_response(security_headers))
        // Spans name the path only: a query may carry a session token, which is never logged.
        .layer(TraceLayer::new_for_http().make_span_with(
            |request: &axum::http::Request<axum::body::Body>| {
                tracing::debug_span!("http", method = %request.method(), path = %request.uri().path())
            },
        ))
}

/// The JSON API. Accounts, catalog and the rest are added here by later work; anything not
/// routed is a JSON 404, never the app shell, so that a tool calling a wrong URL finds out.
fn api() -> Router<Arc<AppState>> {
    Router::new()
        .route("/catalog", get(catalog))
        .merge(crate::api::routes())
        .fallback(|| async { ApiError::NotFound })
}

/// The documents the caller may read, with their heads, for tools (needs a session).
async fn catalog(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let (user, _) = crate::api::current_user(&state, &headers, &uri).await?;
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

async fn healthz() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-store")], "ok")
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
        Some(asset) => serve(asset, &headers),
        // A missing hashed asset is a stale client asking for an old version: a 404 lets its
        // service worker fall back instead of caching HTML under a `.wasm` name.
        None if looks_like_file(path) => StatusCode::NOT_FOUND.into_response(),
        None => serve(state.assets.index(), &headers),
    }
}

fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// One representation of `asset`, chosen by the request's `Accept-Encoding`, honouring
/// `If-None-Match`.
fn serve(asset: &Asset, request: &HeaderMap) -> Response {
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

    #[test]
    fn accept_encoding_respects_q_zero() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=0.5", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("identity", "gzip"));
    }
}
