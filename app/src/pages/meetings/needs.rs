//! A person's needs for a meeting ("kørestol", "tolk"): written beside their answer, kept in
//! a document of their own ([`samskab_model::kinds::needs`]) that only they and the
//! meeting's hosts read, so nothing of it reaches the rest of the audience; and the list the
//! hosts read, by name. Both work offline: the person's needs are saved on the device and
//! reach the relay when it is back; the hosts' devices hold the needs the relay let them read.

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::DocumentId;
use samskab_model::PersonId;
use samskab_model::kinds::meeting::{Meeting, RsvpAnswer};
use samskab_model::kinds::needs::{Needs, NeedsKind, limits, needs_document_id};

use crate::components::set_if_alive;
use crate::i18n::{Msg, use_i18n};
use crate::sync_client::use_sync;
use crate::time;

/// "Har du behov, værterne skal kende?": the person's own needs, saved on this device.
#[component]
pub(super) fn MyNeeds(
    id: DocumentId,
    doc: Memo<Option<Meeting>>,
    me: PersonId,
    notice: RwSignal<String>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let needs_id = needs_document_id(&id, &me);
    let stored = Memo::new(move |_| {
        sync.view.version.track();
        sync.document::<NeedsKind>(&needs_id).map(|n| n.text)
    });
    let text = RwSignal::new(String::new());
    let typed = RwSignal::new(false);
    // What is stored fills the field when it arrives, never over what the person typed.
    Effect::new(move |_| {
        let stored = stored.get().unwrap_or_default();
        if !typed.get_untracked() {
            text.set(stored);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = text.get_untracked().trim().to_owned();
        let until = doc.with_untracked(|d| d.as_ref().map_or(0, |m| m.end));
        let me = me.clone();
        error.set(None);
        spawn_local(async move {
            let now = time::now();
            let result = if sync.document::<NeedsKind>(&needs_id).is_some() {
                sync.change::<NeedsKind>(needs_id, move |n| {
                    n.text = value;
                    n.until = until;
                    n.updated_at = now;
                })
                .await
            } else {
                let mut needs = Needs::new(&id, me, until, now);
                needs.text = value;
                sync.put::<NeedsKind>(needs_id, needs).await
            };
            match result {
                Ok(()) => {
                    set_if_alive(typed, false);
                    set_if_alive(notice, i18n.t(Msg::NeedsSaved).to_owned());
                }
                Err(e) => set_if_alive(error, Some(e.sentences(i18n.lang()).join(" "))),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="needs-mine-title">
        <h2 id="needs-mine-title">{move || i18n.t(Msg::NeedsMine)}</h2>
        <form class="needs" on:submit=save>
            <label for="needs-text">{move || i18n.t(Msg::NeedsLabel)}</label>
            <textarea id="needs-text" rows="3" maxlength=limits::TEXT.to_string()
                aria-describedby="needs-private"
                prop:value=move || text.get()
                on:input=move |ev| { typed.set(true); text.set(event_target_value(&ev)); }></textarea>
            <p id="needs-private" class="muted">{move || i18n.t(Msg::NeedsPrivate)}</p>
            <button type="submit" class="button secondary">{move || i18n.t(Msg::NeedsSave)}</button>
        </form>
        </section>
    }
}

/// "Deltagernes behov": for the meeting's hosts, the needs of everyone who answered yes or
/// maybe, by the name they answered under.
#[component]
pub(super) fn HostNeeds(id: DocumentId, doc: Memo<Option<Meeting>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let list = move || {
        sync.view.version.track();
        doc.with(|d| {
            let Some(m) = d else { return Vec::new() };
            let mut out: Vec<(String, String)> = m
                .rsvps
                .iter()
                .filter(|(_, r)| r.answer != RsvpAnswer::No)
                .filter_map(|(person, r)| {
                    let needs = sync.document::<NeedsKind>(&needs_document_id(&id, person))?;
                    let text = needs.text.trim().to_owned();
                    (!text.is_empty()).then(|| (r.name.clone(), text))
                })
                .collect();
            out.sort_by_key(|(name, _)| name.to_lowercase());
            out
        })
    };
    view! {
        <section aria-labelledby="needs-title" class="panel">
            <h2 id="needs-title">{move || i18n.t(Msg::NeedsTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::NeedsHostsOnly)}</p>
            {move || {
                let list = list();
                if list.is_empty() {
                    view! { <p>{move || i18n.t(Msg::NeedsNone)}</p> }.into_any()
                } else {
                    view! {
                        <dl class="facts" data-testid="meeting-needs">
                            {list.into_iter().map(|(name, text)| view! { <dt>{name}</dt><dd>{text}</dd> }).collect_view()}
                        </dl>
                    }.into_any()
                }
            }}
        </section>
    }
}
