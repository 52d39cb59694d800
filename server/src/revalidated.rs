//! JSON that clients revalidate on every use (`Cache-Control: no-cache` with an entity tag):
//! an unchanged answer costs a `304` and no body. Used for what visitors read (the open task
//! bank, the towns).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The entity tag of `body`: a quoted hex prefix of its SHA-256.
pub fn entity_tag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `json` with its tag `etag`, or `304` when the request already holds it.
pub fn json(headers: &HeaderMap, etag: &str, json: &[u8]) -> Response {
    let Ok(tag) = HeaderValue::from_str(etag) else {
        tracing::error!(etag, "an entity tag that is not a header value");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Revalidate every time: a visitor must not see a full shift as free from a stale copy.
    let caching = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ETAG, tag),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, caching).into_response();
    }
    (
        caching,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.to_vec(),
    )
        .into_response()
}
