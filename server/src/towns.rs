//! The municipality's towns: configuration of the relay (`--towns <file>`, a JSON
//! `{"towns": [{"name", "lat", "lon"}, …]}` largest first; the demo municipality's towns when
//! not given), delivered to every device, visitors included, by `GET /api/towns`. Forms offer
//! them, filters list them, and matching measures travel distances between them.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use samskab_model::towns::Towns;

use crate::AppState;

/// The towns as served: the JSON body, made once, and its entity tag.
#[derive(Debug, Clone)]
pub struct ServedTowns {
    pub towns: Towns,
    json: Vec<u8>,
    etag: String,
}

impl ServedTowns {
    /// The towns in `file`, or the demo municipality's. Refuses a list that cannot be a
    /// municipality's (empty, too long, a town twice, coordinates out of range).
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let towns = match file {
            None => Towns::demo(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("cannot read the towns file {}: {e}", path.display())
                })?;
                serde_json::from_str(&text).map_err(|e| {
                    anyhow::anyhow!(
                        "the towns file {} is not {{\"towns\": [{{\"name\", \"lat\", \"lon\"}}]}}: {e}",
                        path.display()
                    )
                })?
            }
        };
        if let Some(problem) = towns.problem() {
            anyhow::bail!("the towns cannot be used: {problem}");
        }
        let json = serde_json::to_vec(&towns)?;
        let etag = crate::revalidated::entity_tag(&json);
        Ok(Self { towns, json, etag })
    }
}

pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/towns", get(towns))
}

async fn towns(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    crate::revalidated::json(&headers, &state.towns.etag, &state.towns.json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_towns_file_is_read_and_a_bad_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("byer.json");
        std::fs::write(
            &good,
            r#"{"towns":[{"name":"Ringsted","lat":55.44,"lon":11.79},{"name":"Benløse","lat":55.46,"lon":11.83}]}"#,
        )
        .unwrap();
        let served = ServedTowns::load(Some(&good)).unwrap();
        assert_eq!(
            served.towns.names().collect::<Vec<_>>(),
            ["Ringsted", "Benløse"]
        );
        for bad in [
            r#"{"towns":[]}"#,
            "[1,2]",
            r#"{"towns":[{"name":"X","lat":95,"lon":0}]}"#,
        ] {
            std::fs::write(&good, bad).unwrap();
            assert!(ServedTowns::load(Some(&good)).is_err(), "{bad}");
        }
        assert!(ServedTowns::load(Some(&dir.path().join("missing.json"))).is_err());
        assert_eq!(ServedTowns::load(None).unwrap().towns, Towns::demo());
    }
}
