//! The municipality's towns, as the relay is configured with them (`GET /api/towns`): the
//! choices of every town field and filter. Kept in localStorage (a short, non-personal list)
//! so that forms work offline; fetched again at every start, for visitors too.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::towns::Towns;

use crate::session;

/// The localStorage key of the remembered list.
pub const KEY: &str = "samskab.towns";

/// The towns as context: what the device last heard from the relay (empty until it has).
#[derive(Debug, Clone, Copy)]
pub struct TownList {
    towns: RwSignal<Option<Towns>>,
}

impl TownList {
    /// The remembered list at once, the relay's as soon as it answers.
    pub fn start() -> Self {
        let towns = RwSignal::new(LocalStorage::get::<Towns>(KEY).ok());
        leptos::task::spawn_local(async move {
            if let Some(fresh) = fetch().await {
                let _ = LocalStorage::set(KEY, &fresh);
                towns.set(Some(fresh));
            }
        });
        TownList { towns }
    }

    /// The names, largest town first (reactive).
    pub fn names(&self) -> Vec<String> {
        self.towns.with(|t| {
            t.as_ref()
                .map(|t| t.names().map(str::to_owned).collect())
                .unwrap_or_default()
        })
    }

    /// The whole list with coordinates, for travel distances (reactive; `None` until known).
    pub fn get(&self) -> Option<Towns> {
        self.towns.get()
    }
}

/// The towns from context (an empty list where none was provided).
pub fn use_towns() -> TownList {
    use_context::<TownList>().unwrap_or_else(|| TownList {
        towns: RwSignal::new(None),
    })
}

async fn fetch() -> Option<Towns> {
    let (status, text) = session::call("GET", "/api/towns", None).await.ok()?;
    if status != 200 {
        return None;
    }
    session::parse(&text).ok()
}
