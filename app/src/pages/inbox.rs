//! Beskeder: the notices the relay wrote into the person's inbox (a meeting cancelled, a
//! place on a shift, a reminder), newest first, each leading to its meeting or task; and the
//! person's choices (e-mail or the app only; how long before to be reminded). Everything here
//! works offline: the inbox is a document on the device, and a setting changed offline is
//! sent when the device is back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use samskab_model::kinds::inbox::{Inbox, InboxKind, inbox_document_id};
use samskab_model::kinds::inbox::{MailState, Notice};
use samskab_model::{DocumentId, PersonId, notices};

use crate::components::page_title;
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::{SyncClient, use_sync};
use crate::time;

/// The reminder times a person picks from, in hours (0: none), with their labels.
const REMINDERS: [(u64, Msg); 5] = [
    (0, Msg::InboxReminderNone),
    (2, Msg::InboxReminder2h),
    (24, Msg::InboxReminder24h),
    (48, Msg::InboxReminder48h),
    (168, Msg::InboxReminderWeek),
];

/// The signed-in person's inbox on this device, re-read when documents change.
fn my_inbox(sync: SyncClient, person: &PersonId) -> Option<Inbox> {
    sync.view.version.track();
    sync.document::<InboxKind>(&inbox_document_id(person))
}

/// Marks the notices under `keys` read (those not read yet).
fn mark_read(sync: SyncClient, person: PersonId, keys: Vec<String>) {
    spawn_local(async move {
        let now = time::now();
        let _ = sync
            .update_inbox(&person, |inbox| {
                for key in &keys {
                    if let Some(n) = inbox.notices.get_mut(key)
                        && n.read_at == 0
                    {
                        n.read_at = now;
                    }
                }
            })
            .await;
    });
}

/// Marks the person's unread notices about `document` read once they see its page: what a
/// notice came to say is there. (A "Nyt møde" notice stayed new after the meeting had been
/// opened, and answered, from the list of meetings.) Runs again as the inbox changes, so a
/// notice that arrives while the page is open is read too.
pub fn read_on_visit(
    sync: SyncClient,
    person: PersonId,
    document: impl Fn() -> Option<DocumentId> + Send + Sync + 'static,
) {
    Effect::new(move |_| {
        let Some(id) = document() else {
            return;
        };
        let id = id.to_string();
        let Some(inbox) = my_inbox(sync, &person) else {
            return;
        };
        let keys: Vec<String> = inbox
            .notices
            .iter()
            .filter(|(_, n)| n.read_at == 0 && n.document == id)
            .map(|(key, _)| key.clone())
            .collect();
        if !keys.is_empty() {
            mark_read(sync, person.clone(), keys);
        }
    });
}

/// The header's link to Beskeder, with the number of unread notices.
#[component]
pub fn InboxLink(person: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let unread = Memo::new(move |_| my_inbox(sync, &person).map_or(0, |i| i.unread()));
    let unread = move || unread.get();
    let label = move || {
        let n = unread();
        if n == 0 {
            i18n.t(Msg::InboxTitle).to_owned()
        } else {
            format!("{}, {n} {}", i18n.t(Msg::InboxTitle), unread_word(n, i18n))
        }
    };
    view! {
        <A href="/beskeder" attr:class="inbox-link" attr:aria-label=label attr:data-testid="inbox-link">
            <span aria-hidden="true">"✉"</span>
            <span class="inbox-count" aria-hidden="true">{move || {
                let n = unread();
                (n > 0).then(|| n.to_string())
            }}</span>
        </A>
    }
}

/// `/beskeder`.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    page_title(Msg::InboxTitle);
    let Some(person) = use_session().person() else {
        return ().into_any();
    };
    let inbox = {
        let person = person.clone();
        Memo::new(move |_| my_inbox(sync, &person))
    };
    let unread = move || inbox.get().map_or(0, |i| i.unread());
    let all_read = {
        let person = person.clone();
        move |_| {
            let keys = inbox
                .get_untracked()
                .map(|i| i.notices.keys().cloned().collect())
                .unwrap_or_default();
            mark_read(sync, person.clone(), keys);
            // The button goes once all is read: focus to the page's heading, not the page.
            crate::components::focus_soon("page-title".into());
        }
    };
    let list = {
        let person = person.clone();
        move || {
            let Some(inbox) = inbox.get() else {
                return view! { <p class="muted">{move || i18n.t(Msg::InboxNone)}</p> }.into_any();
            };
            if inbox.notices.is_empty() {
                return view! { <p class="muted">{move || i18n.t(Msg::InboxNone)}</p> }.into_any();
            }
            let items: Vec<(String, Notice)> = inbox
                .newest_first()
                .into_iter()
                .map(|(k, n)| (k.clone(), n.clone()))
                .collect();
            view! {
                <ul class="task-list notice-list" data-testid="notices">
                    {items.into_iter().enumerate().map(|(i, (key, n))| {
                        let lang = i18n.lang();
                        let text = notices::text(&n, lang, &|t| i18n::when(t, lang));
                        let unread = n.read_at == 0;
                        let href = notices::path(&n);
                        let heading = format!("notice-{i}");
                        let labelled_by = heading.clone();
                        let open = {
                            let person = person.clone();
                            move |_| mark_read(sync, person.clone(), vec![key.clone()])
                        };
                        view! {
                            <li class="task-card notice" class:unread=unread data-testid="notice">
                                <article aria-labelledby=labelled_by>
                                    <h2 id=heading>
                                        {unread.then(|| view! {
                                            <span class="badge badge-wait">{move || i18n.t(Msg::InboxNew)}</span>" "
                                        })}
                                        <A href=href on:click=open>{text.subject}</A>
                                    </h2>
                                    <p class="notice-body">{text.body}</p>
                                    <p class="muted">
                                        {move || i18n.t(Msg::InboxReceived)} " " {i18n::when(n.at, lang)}
                                        {(n.mail == MailState::Sent).then(|| view! {
                                            " · " {move || i18n.t(Msg::InboxMailed)}
                                        })}
                                    </p>
                                </article>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title" tabindex="-1">{move || i18n.t(Msg::InboxTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::InboxIntro)}</p>
            <p role="status" data-testid="unread">
                {move || format!("{} {}", unread(), unread_word(unread(), i18n))}
            </p>
            <Show when=move || { unread() > 0 }>
                <p>
                    <button type="button" class="button secondary" on:click=all_read.clone()>
                        {move || i18n.t(Msg::InboxMarkAllRead)}
                    </button>
                </p>
            </Show>
            {list}
            <InboxSettings person=person.clone() inbox/>
        </section>
    }
    .into_any()
}

/// E-mail or the app only, and the reminder time.
#[component]
fn InboxSettings(person: PersonId, inbox: Memo<Option<Inbox>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let saved = RwSignal::new(None::<String>);
    let settings = move || inbox.get().map(|i| i.settings).unwrap_or_default();
    let save = move |edit: Box<dyn FnOnce(&mut Inbox)>| {
        let person = person.clone();
        spawn_local(async move {
            let result = sync.update_inbox(&person, edit).await;
            let lang = i18n.lang();
            saved.set(Some(match result {
                Ok(()) if sync.connected_since().is_some() => i18n.t(Msg::InboxSaved).to_owned(),
                Ok(()) => i18n.t(Msg::InboxSettingsOffline).to_owned(),
                Err(e) => e.sentences(lang).join(" "),
            }));
        });
    };
    let save_email = save.clone();
    let save_reminder = save;
    view! {
        <section class="inbox-settings" aria-labelledby="inbox-settings-title">
            <h2 id="inbox-settings-title">{move || i18n.t(Msg::InboxSettingsTitle)}</h2>
            <fieldset class="choice-group">
                <legend>{move || i18n.t(Msg::InboxChannelLegend)}</legend>
                {[(true, Msg::InboxByEmail), (false, Msg::InboxAppOnly)].into_iter().map(|(email, label)| {
                    let save_email = save_email.clone();
                    view! {
                        <label class="check">
                            <input type="radio" name="inbox-channel"
                                prop:checked=move || settings().email == email
                                on:change=move |_| save_email(Box::new(move |i: &mut Inbox| i.settings.email = email))/>
                            " " {move || i18n.t(label)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="inbox-reminder">{move || i18n.t(Msg::InboxReminderLabel)}</label>
                <select id="inbox-reminder"
                    on:change=move |ev| {
                        let hours: u64 = event_target_value(&ev).parse().unwrap_or(24);
                        save_reminder(Box::new(move |i: &mut Inbox| i.settings.reminder_hours = hours));
                    }>
                    {move || {
                        let current = settings().reminder_hours;
                        let mut options: Vec<(u64, String)> = REMINDERS
                            .iter()
                            .map(|(h, m)| (*h, i18n.t(*m).to_owned()))
                            .collect();
                        if !REMINDERS.iter().any(|(h, _)| *h == current) {
                            options.push((current, format!("{current} h")));
                        }
                        options.into_iter().map(|(h, label)| view! {
                            <option value=h.to_string() selected=h == current>{label}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <p role="status" class="muted" data-testid="inbox-saved">{move || saved.get()}</p>
        </section>
    }
}

/// "ulæst" for one, "ulæste" for more (Danish inflects; English does not).
fn unread_word(n: usize, i18n: crate::i18n::I18n) -> &'static str {
    i18n.t(if n == 1 {
        Msg::InboxUnreadOne
    } else {
        Msg::InboxUnreadCount
    })
}
