//! The organisations, for names and for the coordinator's choice of whom a task is for. The
//! name an organisation goes by is its own document's ([`OrganisationKind`], synced like every
//! document, so it reads offline and a rename arrives at once); the relay's list of
//! organisations (`GET /api/organisations`, kept in localStorage) covers one whose document
//! has not reached the device yet, and lists every organisation staff may create tasks for.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use samskab_model::OrganisationId;
use samskab_model::authz::Role;
use samskab_model::organisation::{self, Organisation};

use samskab_model::kinds::organisation::OrganisationKind;

use crate::session::{self, SignedIn};
use crate::sync_client::SyncClient;

/// The localStorage key of the remembered list.
pub const KEY: &str = "samskab.organisations";

/// The list as context: what the device last heard from the relay.
#[derive(Debug, Clone, Copy)]
pub struct Directory {
    list: RwSignal<Vec<Organisation>>,
    /// The names the organisations' documents on the device give, by id.
    named: Memo<Vec<(OrganisationId, String)>>,
}

impl Directory {
    /// The remembered list at once, the relay's as soon as it answers.
    pub fn start(sync: SyncClient) -> Self {
        let list = RwSignal::new(LocalStorage::get::<Vec<Organisation>>(KEY).unwrap_or_default());
        let named = Memo::new(move |_| {
            sync.view.version.track();
            sync.documents::<OrganisationKind>()
                .into_iter()
                .map(|(_, o)| (o.organisation, o.name))
                .collect()
        });
        leptos::task::spawn_local(async move {
            if let Some(fresh) = fetch().await {
                let _ = LocalStorage::set(KEY, &fresh);
                list.set(fresh);
            }
        });
        Directory { list, named }
    }

    /// The name of `id` (reactive), the id itself while the list does not know it.
    pub fn name(&self, id: &OrganisationId) -> String {
        let own = self
            .named
            .with(|named| named.iter().find(|(o, _)| o == id).map(|(_, n)| n.clone()));
        own.unwrap_or_else(|| {
            self.list
                .with(|list| organisation::name_of(list, id).to_owned())
        })
    }

    /// Every listed organisation (reactive).
    pub fn all(&self) -> Vec<Organisation> {
        self.list.get()
    }

    /// The organisations `user` creates tasks for (reactive): a coordinator's own ones (named
    /// from the list, known even before it arrives, since they come with the user), every
    /// listed one for staff and admins.
    pub fn coordinated_by(&self, user: &SignedIn) -> Vec<Organisation> {
        match user.role {
            Role::Volunteer => Vec::new(),
            Role::Coordinator => user
                .organisations
                .iter()
                .map(|id| Organisation {
                    id: id.clone(),
                    name: self.name(id),
                    kind: String::new(),
                })
                .collect(),
            Role::Staff | Role::Admin => self
                .all()
                .into_iter()
                .map(|o| Organisation {
                    name: self.name(&o.id),
                    ..o
                })
                .collect(),
        }
    }
}

/// The directory from context; an empty one where none was provided (signed out).
pub fn use_directory() -> Directory {
    use_context::<Directory>().unwrap_or_else(|| Directory {
        list: RwSignal::new(Vec::new()),
        named: Memo::new(|_| Vec::new()),
    })
}

/// The relay's list, or `None` when it cannot be had now (offline, session expired).
async fn fetch() -> Option<Vec<Organisation>> {
    let (status, text) = session::call("GET", "/api/organisations", None)
        .await
        .ok()?;
    if status != 200 {
        return None;
    }
    session::parse(&text).ok()
}
