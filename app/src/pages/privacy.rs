//! Privacy: "Slet min konto" and the staff form to erase a person on request (both shown in
//! Min konto), the footer every page has, and the two pages it links to: the privacy policy
//! (`/privatlivspolitik`) and the accessibility statement (`/tilgaengelighed`), readable
//! signed in or not.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::components::focus::focus_soon;
use crate::components::page_title;
use crate::i18n::{Msg, use_i18n};
use crate::session::{self, SignInError, use_session};

pub const PRIVACY_PATH: &str = "/privatlivspolitik";
pub const ACCESSIBILITY_PATH: &str = "/tilgaengelighed";
/// Where a deleted account lands (signed out).
pub const DELETED_PATH: &str = "/konto-slettet";

/// The footer of every page: the two pages a Danish public site must link from everywhere.
#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="app-footer">
            <nav aria-label=move || i18n.t(Msg::FooterLabel)>
                <A href=PRIVACY_PATH>{move || i18n.t(Msg::FooterPrivacy)}</A>
                <A href=ACCESSIBILITY_PATH>{move || i18n.t(Msg::FooterAccessibility)}</A>
            </nav>
        </footer>
    }
}

/// One titled section of a legal page.
#[component]
fn Part(title: Msg, text: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{move || i18n.t(title)}</h2>
        <p>{move || i18n.t(text)}</p>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::PrivacyTitle);
    view! {
        <section class="page legal" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::PrivacyTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::PrivacyIntro)}</p>
            <Part title=Msg::PrivacyWhatTitle text=Msg::PrivacyWhat/>
            <Part title=Msg::PrivacyWhyTitle text=Msg::PrivacyWhy/>
            <Part title=Msg::PrivacyWhoTitle text=Msg::PrivacyWho/>
            <Part title=Msg::PrivacyHowLongTitle text=Msg::PrivacyHowLong/>
            <Part title=Msg::PrivacyErasureTitle text=Msg::PrivacyErasure/>
            <Part title=Msg::PrivacyRightsTitle text=Msg::PrivacyRights/>
        </section>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::AccessibilityTitle);
    view! {
        <section class="page legal" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::AccessibilityTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::AccessibilityIntro)}</p>
            <Part title=Msg::AccessibilityStatusTitle text=Msg::AccessibilityStatus/>
            <Part title=Msg::AccessibilityContactTitle text=Msg::AccessibilityContact/>
        </section>
    }
}

/// `/konto-slettet`: where "Slet min konto" ends, signed out.
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::AccountDeleted);
    view! {
        <section class="page login" aria-labelledby="page-title">
            <div role="status">
                <h1 id="page-title">{move || i18n.t(Msg::AccountDeleted)}</h1>
            </div>
        </section>
    }
}

/// "Slet min konto" in Min konto: the warning, the export offered first, the password to
/// confirm. On success this device is emptied as at logout, and the app restarts signed out.
#[component]
pub fn DeleteAccount() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_context::<crate::sync_client::SyncClient>();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !crate::components::begin(busy) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            match session::delete_account(&password.get_untracked()).await {
                Ok(()) => {
                    crate::sign_out::sign_out(session, sync).await;
                    let _ = window().location().replace(DELETED_PATH);
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e));
                    focus_soon("delete-password".into());
                }
            }
        });
    };
    view! {
        <section class="danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">{move || i18n.t(Msg::DeleteAccountTitle)}</h2>
            <p>{move || i18n.t(Msg::DeleteAccountWarning)}</p>
            <p><a class="button secondary" href="/api/export" download="samskab-mine-data.json">{move || i18n.t(Msg::DeleteAccountExportFirst)}</a></p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" id="delete-error">{m.describe(i18n.lang())}</p> })}
            <form class="task-form" on:submit=submit>
                <div class="field field-wide">
                    <label for="delete-password">{move || i18n.t(Msg::DeleteAccountPassword)}</label>
                    <input id="delete-password" type="password" autocomplete="current-password" required
                        aria-describedby=move || error.get().map(|_| "delete-error")
                        bind:value=password/>
                </div>
                <p class="form-actions field-wide">
                    <button type="submit" class="button danger" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::DeleteAccountButton)}
                    </button>
                </p>
            </form>
        </section>
    }
}

/// Staff: erase a person on their request, with the reason (kept in the erasure log).
#[component]
pub fn EraseOnRequest() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), SignInError>>);
    let missing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if reason.get_untracked().trim().is_empty() {
            missing.set(true);
            focus_soon("erase-reason".into());
            return;
        }
        missing.set(false);
        if !crate::components::begin(busy) {
            return;
        }
        spawn_local(async move {
            let result =
                session::erase_on_request(&email.get_untracked(), &reason.get_untracked()).await;
            busy.set(false);
            if result.is_ok() {
                email.set(String::new());
                reason.set(String::new());
            }
            outcome.set(Some(result));
        });
    };
    view! {
        <section aria-labelledby="erase-title">
            <h2 id="erase-title">{move || i18n.t(Msg::EraseTitle)}</h2>
            <p>{move || i18n.t(Msg::EraseIntro)}</p>
            <div aria-live="polite">
                {move || outcome.get().map(|o| match o {
                    Ok(()) => view! { <p class="badge badge-ok" role="status">{i18n.t(Msg::EraseDone)}</p> }.into_any(),
                    Err(m) => view! { <p class="error" role="alert">{m.describe(i18n.lang())}</p> }.into_any(),
                })}
            </div>
            <form class="task-form" on:submit=submit novalidate>
                <div class="field field-wide">
                    <label for="erase-email">{move || i18n.t(Msg::EraseEmail)}</label>
                    <input id="erase-email" type="email" autocomplete="off" required bind:value=email/>
                </div>
                <div class="field field-wide">
                    <label for="erase-reason">{move || i18n.t(Msg::EraseReason)}</label>
                    <textarea id="erase-reason" required maxlength="500"
                        aria-invalid=move || missing.get().then_some("true")
                        aria-describedby=move || missing.get().then_some("erase-reason-missing")
                        bind:value=reason></textarea>
                    {move || missing.get().then(|| view! { <span id="erase-reason-missing" class="error">{i18n.t(Msg::EraseReasonMissing)}</span> })}
                </div>
                <p class="form-actions field-wide">
                    <button type="submit" class="button danger" aria-disabled=move || busy.get().to_string()>{move || i18n.t(Msg::EraseButton)}</button>
                </p>
            </form>
        </section>
    }
}
