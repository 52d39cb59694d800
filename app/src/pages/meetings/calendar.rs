//! "Min kalender" in Min konto: the person's private calendar feed URL (their meetings and
//! shifts in their own calendar app), made, shown once, copied and stopped here. The relay
//! keeps only a hash of it, so a lost link is replaced by a new one (the old stops working).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::set_if_alive;
use crate::i18n::{Msg, use_i18n};
use crate::session::{SignInError, call, parse};

#[derive(serde::Deserialize)]
struct FeedStatus {
    since: Option<i64>,
    url: Option<String>,
}

async fn feed(method: &str) -> Result<Option<FeedStatus>, SignInError> {
    let (status, text) = call(method, "/api/calendar", None).await?;
    match status {
        204 => Ok(None),
        200 => parse(&text).map(Some),
        _ => Err(SignInError::Invalid),
    }
}

#[component]
pub fn CalendarFeed() -> impl IntoView {
    let i18n = use_i18n();
    let active = RwSignal::new(false);
    let url = RwSignal::new(None::<String>);
    let notice = RwSignal::new(String::new());
    spawn_local(async move {
        if let Ok(Some(status)) = feed("GET").await {
            set_if_alive(active, status.since.is_some());
        }
    });
    let make = move |_| {
        spawn_local(async move {
            match feed("POST").await {
                Ok(Some(status)) => {
                    set_if_alive(active, true);
                    set_if_alive(url, status.url);
                    set_if_alive(notice, i18n.t(Msg::CalendarMade).to_owned());
                }
                Ok(None) | Err(SignInError::Invalid) => {
                    set_if_alive(notice, i18n.t(Msg::CalendarFailed).to_owned())
                }
                Err(e) => set_if_alive(notice, e.describe(i18n.lang())),
            }
        });
    };
    let stop = move |_| {
        spawn_local(async move {
            match feed("DELETE").await {
                Ok(_) => {
                    set_if_alive(active, false);
                    set_if_alive(url, None);
                    set_if_alive(notice, i18n.t(Msg::CalendarStopped).to_owned());
                }
                Err(e) => set_if_alive(notice, e.describe(i18n.lang())),
            }
        });
    };
    let copy = move |_| {
        if let (Some(text), Some(window)) = (url.get_untracked(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&text);
            notice.set(i18n.t(Msg::CalendarCopied).to_owned());
        }
    };
    view! {
        <section aria-labelledby="calendar-title">
            <h2 id="calendar-title">{move || i18n.t(Msg::CalendarTitle)}</h2>
            <p>{move || i18n.t(Msg::CalendarIntro)}</p>
            <p role="status" aria-live="polite">{move || notice.get()}</p>
            {move || url.get().map(|u| view! {
                <label for="calendar-url">{move || i18n.t(Msg::CalendarUrl)}</label>
                <input id="calendar-url" type="text" readonly prop:value=u.clone()/>
                <button type="button" class="button secondary" on:click=copy>{move || i18n.t(Msg::CalendarCopy)}</button>
            })}
            <p class="form-actions">
                <button type="button" class="button" on:click=make>
                    {move || i18n.t(if active.get() { Msg::CalendarRenew } else { Msg::CalendarMake })}
                </button>
                {move || active.get().then(|| view! {
                    <button type="button" class="button secondary" on:click=stop>{move || i18n.t(Msg::CalendarStop)}</button>
                })}
            </p>
        </section>
    }
}
